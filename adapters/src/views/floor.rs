//! The floor: locations and their stock, the running metrics, RTLS tags,
//! reconciliation and the conveyor.

use paklog_domain::Warehouse;
use paklog_domain::location_master::{Capacity, Location};
use paklog_domain::material_handling::{Conveyor, SegmentStats};
use paklog_domain::physical_tracking::{TagState, Variance};
use paklog_domain::workload_planning::kpis::RunningInterval;
use paklog_sim::SimTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{at, ms, name};

/// A point on the walking network.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct PointView {
    /// Aisle (0-based).
    pub aisle: u32,
    /// Metres along the aisle from the front cross aisle.
    pub y: f64,
}

/// A location's master data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LocationMasterView {
    /// Its id.
    pub id: u32,
    /// Its code (`A01-B1-03-1L`).
    pub code: String,
    /// `PICK`, `RESERVE`, `STAGE` or `DOCK`.
    pub kind: String,
    /// Zone index.
    pub zone: u16,
    /// Where it is on the walking network.
    pub point: PointView,
    /// Block (0-based).
    pub block: u32,
    /// Bay.
    pub bay: u32,
    /// Level.
    pub level: u32,
    /// Velocity class of the SKU slotted there.
    pub abc: Option<String>,
    /// The SKU slotted there.
    pub sku: Option<u32>,
    /// What it holds at most (a limit left out is not checked).
    pub capacity: CapacityBody,
    /// The conditions it meets (`HAZMAT` …).
    pub restrictions: Vec<String>,
    /// In use (an inactive location is never slotted nor picked from).
    pub active: bool,
    /// The velocity class of the items it is meant for.
    pub slotting_class: Option<String>,
}

/// What a location holds at most; a limit left out (or null) is not
/// checked.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CapacityBody {
    /// Units, 0 to 1 000 000 000.
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub units: Option<u32>,
    /// Volume (litres), 0 to 1 000 000.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub volume_l: Option<f64>,
    /// Weight (kg), 0 to 1 000 000.
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub weight_kg: Option<f64>,
}

impl From<Capacity> for CapacityBody {
    fn from(c: Capacity) -> Self {
        CapacityBody {
            units: c.units,
            volume_l: c.volume_l,
            weight_kg: c.weight_kg,
        }
    }
}

impl From<CapacityBody> for Capacity {
    fn from(c: CapacityBody) -> Self {
        Capacity {
            units: c.units,
            volume_l: c.volume_l,
            weight_kg: c.weight_kg,
        }
    }
}

/// What a location holds on the books.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockView {
    /// The SKU it holds.
    pub sku: Option<u32>,
    /// Units on hand.
    pub on_hand: u32,
    /// Units allocated to pick tasks.
    pub allocated: u32,
    /// Units on their way (replenishment, putaway).
    pub incoming: u32,
    /// Whether the location is blocked.
    pub blocked: bool,
    /// Whether a count is open there.
    pub count_pending: bool,
}

/// A location: master data and stock.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LocationView {
    /// Master data.
    pub location: LocationMasterView,
    /// Stock on the books.
    pub stock: StockView,
}

impl LocationView {
    /// The location with its stock.
    #[must_use]
    pub fn new(wh: &Warehouse, l: &Location) -> Self {
        let s = wh.inventory().location(l.id);
        LocationView {
            location: LocationMasterView {
                id: l.id.0,
                code: l.code.clone(),
                kind: name(&l.kind),
                zone: l.zone,
                point: PointView {
                    aisle: l.point.aisle,
                    y: l.point.y,
                },
                block: l.block,
                bay: l.bay,
                level: l.level,
                abc: l.abc.map(|c| name(&c)),
                sku: l.sku.map(|s| s.0),
                capacity: l.capacity.into(),
                restrictions: l.restrictions.clone(),
                active: l.active,
                slotting_class: l.slotting_class.map(|c| name(&c)),
            },
            stock: StockView {
                sku: s.sku.map(|s| s.0),
                on_hand: s.on_hand,
                allocated: s.allocated,
                incoming: s.incoming,
                blocked: s.blocked,
                count_pending: s.count_pending,
            },
        }
    }
}

/// The running metrics interval.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntervalView {
    /// Start (ms).
    pub start_ms: u64,
    /// End (ms).
    pub end_ms: u64,
    /// Start, RFC 3339 on the site's calendar.
    pub start: String,
    /// End, RFC 3339 on the site's calendar.
    pub end: String,
    /// Orders shipped in it so far.
    pub orders_shipped: u32,
    /// Lines picked in it so far.
    pub lines_picked: u32,
    /// Lines picked per hour of it so far.
    pub lines_per_hour: f64,
}

/// The KPIs of the running interval and the site's counters.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MetricsView {
    /// Site time now (ms).
    pub now_ms: u64,
    /// Now, RFC 3339 on the site's calendar.
    pub now: String,
    /// The running metrics interval.
    pub interval: IntervalView,
    /// Orders neither shipped nor closed.
    pub open_orders: u32,
    /// Tasks waiting for an associate.
    pub pending_tasks: usize,
    /// Orders received.
    pub orders: usize,
    /// Waves planned.
    pub waves: usize,
    /// Tasks created.
    pub tasks: usize,
    /// Associates signed on.
    pub associates_signed_on: usize,
    /// RTLS tags seen.
    pub rtls_tags: usize,
    /// RTLS pings taken.
    pub rtls_pings: u64,
    /// Events made (sequence numbers 0 to this one less).
    pub events: usize,
    /// Of these, the events kept in memory, from the oldest kept's
    /// sequence number on.
    pub events_kept: usize,
    /// The oldest event kept (`/api/v1/events?from=` takes none older).
    pub first_event_kept: u64,
    /// Orders kept in memory (a live site forgets finished ones).
    pub orders_kept: usize,
    /// Tasks kept in memory.
    pub tasks_kept: usize,
}

impl MetricsView {
    /// The metrics at `now`.
    #[must_use]
    pub fn new(wh: &Warehouse, now: SimTime) -> Self {
        let running = RunningInterval::of(wh, now);
        MetricsView {
            now_ms: now.as_millis(),
            now: at(wh, now),
            interval: IntervalView {
                start_ms: running.start.as_millis(),
                end_ms: running.end.as_millis(),
                start: at(wh, running.start),
                end: at(wh, running.end),
                orders_shipped: running.orders_shipped,
                lines_picked: running.lines_picked,
                lines_per_hour: running.lines_per_hour,
            },
            open_orders: wh.backlog(),
            pending_tasks: wh.tasks().pending_len(),
            orders: wh.orders().next_id().index(),
            waves: wh.waves().next_id().index(),
            tasks: wh.tasks().next_id().index(),
            associates_signed_on: wh.tasks().associates.iter().filter(|a| a.signed_on).count(),
            rtls_tags: wh.tracking().tags(),
            rtls_pings: wh.tracking().pings(),
            events: wh.bus().len(),
            events_kept: wh.bus().log().len(),
            first_event_kept: wh.bus().first_kept(),
            orders_kept: wh.orders().kept(),
            tasks_kept: wh.tasks().kept(),
        }
    }
}

/// Where the RTLS last saw a tag.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TagView {
    /// Across the aisles (mm).
    pub x_mm: i64,
    /// Along the aisles (mm).
    pub y_mm: i64,
    /// When (ms).
    pub at: u64,
    /// When, RFC 3339 on the site's calendar.
    pub seen: String,
    /// Pings taken from it.
    pub pings: u64,
    /// Distance between its pings (mm).
    pub travelled_mm: u64,
}

impl TagView {
    /// Tag `t` of site `wh`.
    #[must_use]
    pub fn new(wh: &Warehouse, t: &TagState) -> Self {
        TagView {
            x_mm: t.x_mm,
            y_mm: t.y_mm,
            at: ms(t.at),
            seen: at(wh, t.at),
            pings: t.pings,
            travelled_mm: t.travelled_mm,
        }
    }
}

/// One disagreement between master data, the books and the physical state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VarianceView {
    /// `BLOCKED_STOCK`, `COUNT_ADJUSTED`, `COUNT_PENDING`,
    /// `SLOTTING_MISMATCH`, `BOOKS_MISMATCH` or `OCCUPANCY_MISMATCH`.
    pub kind: String,
    /// The location.
    pub location: u32,
    /// The SKU, if any.
    pub sku: Option<u32>,
    /// Units concerned (counted minus books for an adjustment).
    pub units: i64,
    /// `seq` of the event that explains it; none is a fault to investigate.
    pub explained_by: Option<u64>,
}

/// Every variance the reconciliation finds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReconciliationView {
    /// The variances.
    pub variances: Vec<VarianceView>,
}

impl From<&[Variance]> for ReconciliationView {
    fn from(v: &[Variance]) -> Self {
        ReconciliationView {
            variances: v
                .iter()
                .map(|v| VarianceView {
                    kind: name(&v.kind),
                    location: v.location.0,
                    sku: v.sku.map(|s| s.0),
                    units: v.units,
                    explained_by: v.explained_by,
                })
                .collect(),
        }
    }
}

/// A segment's statistics since the start.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SegmentStatsView {
    /// Totes that entered it.
    pub entered: u32,
    /// Totes that left it.
    pub left: u32,
    /// Time totes spent on it, summed (ms).
    pub transit_ms: u64,
    /// Time integral of totes on it (tote·ms).
    pub tote_ms: u64,
    /// Time it was full (ms).
    pub full_ms: u64,
    /// Time it was stopped (ms).
    pub stopped_ms: u64,
    /// Times it stopped.
    pub stops: u32,
}

impl From<SegmentStats> for SegmentStatsView {
    fn from(s: SegmentStats) -> Self {
        SegmentStatsView {
            entered: s.entered,
            left: s.left,
            transit_ms: s.transit_ms,
            tote_ms: s.tote_ms,
            full_ms: s.full_ms,
            stopped_ms: s.stopped_ms,
            stops: s.stops,
        }
    }
}

/// A conveyor segment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SegmentView {
    /// Its id.
    pub id: u32,
    /// Its code (`main`, `spur-PS3` …).
    pub code: String,
    /// `INDUCT`, `MAIN`, `SPUR`, `TAKEAWAY` or `LANE`.
    pub kind: String,
    /// Whether it runs.
    pub running: bool,
    /// Totes it holds nose to tail.
    pub capacity: u32,
    /// The totes on it (licence plate numbers), first in first.
    pub totes: Vec<u32>,
    /// Its statistics.
    pub stats: SegmentStatsView,
}

/// The conveyor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConveyorView {
    /// The instant its statistics run to, RFC 3339 on the site's calendar.
    pub at: String,
    /// Its segments.
    pub segments: Vec<SegmentView>,
    /// Totes with a route on it.
    pub totes: usize,
}

impl ConveyorView {
    /// The conveyor at `now`.
    #[must_use]
    pub fn new(wh: &Warehouse, c: &Conveyor, now: SimTime) -> Self {
        ConveyorView {
            at: at(wh, now),
            segments: c
                .segments
                .iter()
                .map(|s| SegmentView {
                    id: s.id.0,
                    code: s.code.clone(),
                    kind: s.kind.name().to_owned(),
                    running: s.running,
                    capacity: s.spec.capacity,
                    totes: s.totes.iter().map(|t| t.0).collect(),
                    stats: s.stats(now).into(),
                })
                .collect(),
            totes: c.totes(),
        }
    }
}
