//! What the API answers about the site's state: one typed view per
//! resource. Each view is built from the domain's state in the kernel
//! thread and documented as its own schema in the OpenAPI document. Ids
//! are the kernel's dense numbers, with the codes people use beside them
//! (SKU code, carrier name, location code, the associate's badge); times
//! are milliseconds of site time, and the same instants as RFC 3339 local
//! times on the site's calendar under `times` (a site without a time zone
//! counts from 1970-01-01 00:00 UTC); states and kinds are the names the
//! event catalog uses (upper case, but a wave's strategy in lower case).

use paklog_domain::Warehouse;
use paklog_domain::location_master::Location;
use paklog_domain::material_handling::{Conveyor, SegmentStats};
use paklog_domain::order_management::Order;
use paklog_domain::physical_tracking::{TagState, Variance};
use paklog_domain::task_execution::Task;
use paklog_domain::wave_planning::Wave;
use paklog_domain::workload_planning::kpis::RunningInterval;
use paklog_sim::SimTime;
use serde::Serialize;
use utoipa::ToSchema;

/// The upper-case name an enum serializes to (`RESERVED`, `PICK` …).
fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn ms(t: SimTime) -> u64 {
    t.as_millis()
}

/// The RFC 3339 local time of `t` on the site's calendar.
fn at(wh: &Warehouse, t: SimTime) -> String {
    wh.config().calendar.rfc3339(t)
}

/// A line of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLineView {
    /// SKU id.
    pub sku: u32,
    /// The SKU's code.
    pub sku_code: String,
    /// Units ordered.
    pub quantity: u32,
    /// Units picked so far.
    pub picked: u32,
    /// Units found short.
    pub short: u32,
}

/// An order and where it is in its life.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderView {
    /// Its id.
    pub id: u32,
    /// The id its source gave it.
    pub external_id: String,
    /// Carrier id.
    pub carrier: u32,
    /// The carrier's name.
    pub carrier_name: String,
    /// `EXPRESS` or `STANDARD`.
    pub priority: String,
    /// Its lines.
    pub lines: Vec<OrderLineView>,
    /// `RESERVED`, `BACKORDERED`, `WAVED`, `PICKING`, `PICKED`,
    /// `READY_TO_SHIP`, `SHIPPED` or `CLOSED`.
    pub status: String,
    /// Received at (ms).
    pub created: u64,
    /// The carrier cut-off it must be packed by (ms).
    pub due: u64,
    /// Its wave, once waved.
    pub wave: Option<u32>,
    /// Its first pick task, once released.
    pub task: Option<u32>,
    /// Pick tasks of it not yet delivered.
    pub open_tasks: u32,
    /// The tote (licence plate number) carrying it.
    pub tote: Option<u32>,
    /// Its pack station.
    pub station: Option<u32>,
    /// Its carton (index in the carton set).
    pub carton: Option<u32>,
    /// Sampled for QC.
    pub qc: bool,
    /// Stock reserved at (ms).
    pub reserved_at: Option<u64>,
    /// Waved at (ms).
    pub waved_at: Option<u64>,
    /// Last line picked at (ms).
    pub picked_at: Option<u64>,
    /// Packed at (ms).
    pub packed_at: Option<u64>,
    /// Shipped at (ms).
    pub shipped_at: Option<u64>,
    /// The same instants as local times.
    pub times: OrderTimes,
}

/// An order's times, RFC 3339 on the site's calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderTimes {
    /// Received.
    pub created: String,
    /// The carrier cut-off it must be packed by.
    pub due: String,
    /// Stock reserved.
    pub reserved: Option<String>,
    /// Waved.
    pub waved: Option<String>,
    /// Last line picked.
    pub picked: Option<String>,
    /// Packed.
    pub packed: Option<String>,
    /// Shipped.
    pub shipped: Option<String>,
}

impl OrderView {
    /// The order with its codes and local times.
    #[must_use]
    pub fn new(wh: &Warehouse, o: &Order) -> Self {
        let config = wh.config();
        let at = |t: SimTime| at(wh, t);
        OrderView {
            id: o.id.0,
            external_id: o.external_id.clone(),
            carrier: o.carrier.0,
            carrier_name: config
                .carriers
                .get(o.carrier.index())
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            priority: name(&o.priority),
            lines: o
                .lines
                .iter()
                .map(|l| OrderLineView {
                    sku: l.sku.0,
                    sku_code: config
                        .skus
                        .get(l.sku.index())
                        .map(|s| s.code.clone())
                        .unwrap_or_default(),
                    quantity: l.quantity,
                    picked: l.picked,
                    short: l.short,
                })
                .collect(),
            status: name(&o.status),
            created: ms(o.created),
            due: ms(o.due),
            wave: o.wave.map(|w| w.0),
            task: o.task.map(|t| t.0),
            open_tasks: o.open_tasks,
            tote: o.tote.map(|t| t.0),
            station: o.station.map(|s| s.0),
            carton: o.carton,
            qc: o.qc,
            reserved_at: o.reserved_at.map(ms),
            waved_at: o.waved_at.map(ms),
            picked_at: o.picked_at.map(ms),
            packed_at: o.packed_at.map(ms),
            shipped_at: o.shipped_at.map(ms),
            times: OrderTimes {
                created: at(o.created),
                due: at(o.due),
                reserved: o.reserved_at.map(at),
                waved: o.waved_at.map(at),
                picked: o.picked_at.map(at),
                packed: o.packed_at.map(at),
                shipped: o.shipped_at.map(at),
            },
        }
    }
}

/// A wave.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaveView {
    /// Its id.
    pub id: u32,
    /// `time`, `carrier`, `zone` or `manual`.
    pub strategy: String,
    /// `PLANNED`, `RELEASED`, `COMPLETED` or `CANCELLED`.
    pub status: String,
    /// Its orders.
    pub orders: Vec<u32>,
    /// Order lines in it.
    pub lines: u32,
    /// Units in it.
    pub units: u32,
    /// Orders of it not yet packed (or closed).
    pub open_orders: u32,
    /// Planned at (ms).
    pub planned_at: u64,
    /// Released at (ms).
    pub released_at: Option<u64>,
    /// Completed at (ms).
    pub completed_at: Option<u64>,
    /// The zone of a zone wave.
    pub zone: Option<u16>,
    /// The same instants as local times.
    pub times: WaveTimes,
}

/// A wave's times, RFC 3339 on the site's calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaveTimes {
    /// Planned.
    pub planned: String,
    /// Released.
    pub released: Option<String>,
    /// Completed.
    pub completed: Option<String>,
}

impl WaveView {
    /// The wave with its local times.
    #[must_use]
    pub fn new(wh: &Warehouse, w: &Wave) -> Self {
        let at = |t: SimTime| at(wh, t);
        WaveView {
            id: w.id.0,
            strategy: name(&w.strategy),
            status: name(&w.status),
            orders: w.orders.iter().map(|o| o.0).collect(),
            lines: w.lines,
            units: w.units,
            open_orders: w.open_orders,
            planned_at: ms(w.planned_at),
            released_at: w.released_at.map(ms),
            completed_at: w.completed_at.map(ms),
            zone: w.zone,
            times: WaveTimes {
                planned: at(w.planned_at),
                released: w.released_at.map(at),
                completed: w.completed_at.map(at),
            },
        }
    }
}

/// A stop of a task.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StopView {
    /// Which of the task's orders (and totes) it serves.
    pub slot: u16,
    /// The order line it picks.
    pub order_line: u32,
    /// SKU id.
    pub sku: u32,
    /// The SKU's code: the barcode to scan.
    pub sku_code: Option<String>,
    /// Location id.
    pub location: u32,
    /// The location's code.
    pub location_code: String,
    /// Units to pick (or put, or count).
    pub quantity: u32,
    /// Units confirmed, once confirmed.
    pub picked: Option<u32>,
    /// Walk to it from the stop before (m).
    pub leg_m: f64,
}

/// A task: a pick trip, a replenishment, a count or a putaway.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskView {
    /// Its id.
    pub id: u32,
    /// `PICK`, `REPLENISH`, `COUNT` or `PUTAWAY`.
    pub kind: String,
    /// `PENDING`, `ASSIGNED`, `IN_PROGRESS`, `COMPLETED` or `CANCELLED`.
    pub status: String,
    /// Its wave.
    pub wave: Option<u32>,
    /// The orders it serves.
    pub orders: Vec<u32>,
    /// Their totes (licence plate numbers).
    pub totes: Vec<u32>,
    /// The picking strategy that made it.
    pub picking: String,
    /// Its zone, under zone picking.
    pub zone: Option<u16>,
    /// The aisle of the depot it starts and ends at.
    pub depot: u32,
    /// The next zone's task (pick-and-pass).
    pub next: Option<u32>,
    /// Whether its tote goes to a put wall.
    pub put_wall: bool,
    /// `EXPRESS` or `STANDARD`.
    pub priority: String,
    /// Due (ms).
    pub due: u64,
    /// Its stops, in walking order.
    pub lines: Vec<StopView>,
    /// Walk of the whole trip (m).
    pub distance_m: f64,
    /// Walk from the last stop back to the depot (m).
    pub home_m: f64,
    /// The routing policy.
    pub policy: String,
    /// Who has it.
    pub associate: Option<u32>,
    /// Their name or badge.
    pub associate_name: Option<String>,
    /// Created at (ms).
    pub created: u64,
    /// Assigned at (ms).
    pub assigned_at: Option<u64>,
    /// Started at (ms).
    pub started_at: Option<u64>,
    /// Completed at (ms).
    pub completed_at: Option<u64>,
    /// The walk the RTLS measured (m), once completed with RTLS.
    pub rtls_m: Option<f64>,
    /// The same instants as local times.
    pub times: TaskTimes,
}

/// A task's times, RFC 3339 on the site's calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskTimes {
    /// Due.
    pub due: String,
    /// Created.
    pub created: String,
    /// Assigned.
    pub assigned: Option<String>,
    /// Started.
    pub started: Option<String>,
    /// Completed.
    pub completed: Option<String>,
}

impl TaskView {
    /// The task with each stop's location and SKU codes, and local times.
    #[must_use]
    pub fn new(wh: &Warehouse, t: &Task) -> Self {
        let at = |t: SimTime| at(wh, t);
        TaskView {
            id: t.id.0,
            kind: name(&t.kind),
            status: name(&t.status),
            wave: t.wave.map(|w| w.0),
            orders: t.orders.iter().map(|o| o.0).collect(),
            totes: t.totes.iter().map(|o| o.0).collect(),
            picking: t.picking.to_owned(),
            zone: t.zone,
            depot: t.depot,
            next: t.next.map(|n| n.0),
            put_wall: t.put_wall,
            priority: name(&t.priority),
            due: ms(t.due),
            lines: t
                .lines
                .iter()
                .map(|l| StopView {
                    slot: l.slot,
                    order_line: l.order_line,
                    sku: l.sku.0,
                    sku_code: wh.config().skus.get(l.sku.index()).map(|s| s.code.clone()),
                    location: l.location.0,
                    location_code: wh.master().get(l.location).code.clone(),
                    quantity: l.quantity,
                    picked: l.picked,
                    leg_m: l.leg_m,
                })
                .collect(),
            distance_m: t.distance_m,
            home_m: t.home_m,
            policy: t.policy.to_owned(),
            associate: t.associate.map(|a| a.0),
            associate_name: t
                .associate
                .and_then(|a| wh.config().associates.get(a.index()))
                .map(|a| a.name.clone()),
            created: ms(t.created),
            assigned_at: t.assigned_at.map(ms),
            started_at: t.started_at.map(ms),
            completed_at: t.completed_at.map(ms),
            rtls_m: t.rtls_m,
            times: TaskTimes {
                due: at(t.due),
                created: at(t.created),
                assigned: t.assigned_at.map(at),
                started: t.started_at.map(at),
                completed: t.completed_at.map(at),
            },
        }
    }
}

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
    /// Events in the log.
    pub events: usize,
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
            orders: wh.orders().all().len(),
            waves: wh.waves().all().len(),
            tasks: wh.tasks().all().len(),
            associates_signed_on: wh.tasks().associates.iter().filter(|a| a.signed_on).count(),
            rtls_tags: wh.tracking().tags(),
            rtls_pings: wh.tracking().pings(),
            events: wh.bus().len(),
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

/// The query answers: the [`View`] enum, one variant per view, and each
/// view out of it (`TryFrom<View>`) for the handler that asked for it.
macro_rules! views {
    ($($(#[$doc:meta])* $variant:ident($ty:ty)),* $(,)?) => {
        /// A query's answer (serialized as the view it holds).
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum View {
            $($(#[$doc])* $variant($ty),)*
        }

        $(impl TryFrom<View> for $ty {
            type Error = View;

            fn try_from(view: View) -> Result<Self, View> {
                match view {
                    View::$variant(v) => Ok(v),
                    other => Err(other),
                }
            }
        })*
    };
}

views!(
    /// One order.
    Order(OrderView),
    /// One wave.
    Wave(WaveView),
    /// One task.
    Task(TaskView),
    /// Tasks.
    Tasks(Vec<TaskView>),
    /// One location.
    Location(LocationView),
    /// The metrics.
    Metrics(MetricsView),
    /// One tag.
    Tag(TagView),
    /// The reconciliation.
    Reconciliation(ReconciliationView),
    /// The conveyor.
    Conveyor(ConveyorView),
);
