//! What the domain needs to know about a site, independent of where it came
//! from (a scenario file, a site file, a database).

use paklog_sim::SimDuration;
use serde::{Deserialize, Serialize};

use crate::ids::{LocationId, SkuId};
use crate::location_master::{AbcClass, LayoutSpec, Location};
use crate::vocabulary::{WaveRelease, WaveStrategy};

/// A SKU of the assortment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkuSpec {
    /// Code scanned on the item, e.g. `SKU00017`.
    pub code: String,
    /// Volume of one unit (litres).
    pub volume_l: f64,
    /// Weight of one unit (kg).
    pub weight_kg: f64,
    /// Velocity class.
    pub abc: AbcClass,
    /// Further barcodes a scan may show (GTIN, supplier codes); the code
    /// itself is always accepted.
    #[serde(default)]
    pub barcodes: Vec<String>,
    /// What it is, for people.
    #[serde(default)]
    pub description: String,
    /// Length, width and height of one unit (cm), if known.
    #[serde(default)]
    pub dims_cm: Option<[f64; 3]>,
    /// Units in a case.
    #[serde(default = "one")]
    pub units_per_case: u32,
    /// Conditions it needs where it is stored (`HAZMAT`, `FROZEN` …): see
    /// `Location::restrictions`.
    #[serde(default)]
    pub restrictions: Vec<String>,
}

fn one() -> u32 {
    1
}

impl SkuSpec {
    /// An item known only by its code, volume, weight and class.
    #[must_use]
    pub fn new(code: String, volume_l: f64, weight_kg: f64, abc: AbcClass) -> Self {
        SkuSpec {
            code,
            volume_l,
            weight_kg,
            abc,
            barcodes: Vec::new(),
            description: String::new(),
            dims_cm: None,
            units_per_case: 1,
            restrictions: Vec::new(),
        }
    }

    /// Whether a scan of `barcode` is this item.
    #[must_use]
    pub fn scans_as(&self, barcode: &str) -> bool {
        self.code == barcode || self.barcodes.iter().any(|b| b == barcode)
    }
}

/// An outbound carrier and its daily cut-off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarrierSpec {
    /// Name, e.g. "UPS".
    pub name: String,
    /// Cut-off, minutes after midnight; the truck leaves then.
    pub cutoff_min: u32,
}

/// A shipping carton.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartonSpec {
    /// Name, e.g. "M".
    pub name: String,
    /// Inner volume (litres).
    pub volume_l: f64,
    /// Weight limit (kg).
    pub max_weight_kg: f64,
}

/// How waves are planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WavePolicy {
    /// Grouping strategy.
    pub strategy: WaveStrategy,
    /// Time between planning runs.
    pub interval: SimDuration,
    /// Most orders in one wave.
    pub max_orders: u32,
    /// Carrier strategy: release a carrier's orders at the latest this long
    /// before its cut-off.
    pub cutoff_lead: SimDuration,
    /// Lines one associate picks per hour, for the capacity check.
    pub lines_per_head_hour: f64,
    /// Who releases a planned wave.
    #[serde(default)]
    pub release: WaveRelease,
}

/// Heads on the floor during a daily window, for the capacity check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabourWindow {
    /// Start, minutes after midnight.
    pub start_min: u32,
    /// End, minutes after midnight (before `start_min` when it runs past
    /// midnight).
    pub end_min: u32,
    /// Associates on the floor.
    pub heads: u32,
}

/// Weights of the task assignment score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentWeights {
    /// Closeness of the task's first stop to the associate.
    pub distance: f64,
    /// Skill match.
    pub skill: f64,
    /// Less work done so far.
    pub workload: f64,
    /// Higher measured pick rate.
    pub performance: f64,
    /// Task priority and urgency.
    pub priority: f64,
}

/// Pack and ship settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackPolicy {
    /// Pack stations.
    pub stations: u32,
    /// Share of orders sampled for QC.
    pub qc_rate: f64,
    /// Allowed relative weight deviation.
    pub weight_tolerance: f64,
    /// Carton set.
    pub cartons: Vec<CartonSpec>,
}

/// An associate of the roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssociateSpec {
    /// Name or badge, e.g. `day-07`.
    pub name: String,
    /// May pick express orders with priority.
    pub express: bool,
    /// Zone they pick in under zone picking (index into the layout's
    /// zones); `None` picks anywhere.
    pub zone: Option<u16>,
}

/// Everything static about a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, bevy_ecs::resource::Resource)]
pub struct SiteConfig {
    /// Warehouse id (Kafka key, CloudEvents source).
    pub warehouse_id: String,
    /// The site's time zone and first day: where its wall times fall.
    #[serde(default)]
    pub calendar: crate::calendar::SiteCalendar,
    /// The building.
    pub layout: LayoutSpec,
    /// The locations, when a site's files give them; empty when they are
    /// generated from `layout`.
    #[serde(default)]
    pub locations: Vec<Location>,
    /// The assortment, indexed by [`SkuId`].
    pub skus: Vec<SkuSpec>,
    /// Pick faces: which SKU sits in which bin.
    pub slotting: Vec<(SkuId, LocationId)>,
    /// Units in each face of `slotting` at the start, in its order; empty
    /// when every face starts with `pick_face_units`.
    #[serde(default)]
    pub face_units: Vec<u32>,
    /// Units per pick face at the start (unless `face_units` says), and
    /// the most a face holds without min/max replenishment.
    pub pick_face_units: u32,
    /// Units per SKU in reserve at the start.
    pub reserve_units: u32,
    /// Further units in reserve at the start, by SKU, with the reserve
    /// location that holds them (a site's stock file).
    #[serde(default)]
    pub reserve_stock: Vec<(SkuId, LocationId, u32)>,
    /// Carriers, indexed by `CarrierId`.
    pub carriers: Vec<CarrierSpec>,
    /// Wave planning.
    pub wave: WavePolicy,
    /// Labour plan (repeats daily).
    pub labour: Vec<LabourWindow>,
    /// Assignment score weights.
    pub assignment: AssignmentWeights,
    /// How pick tasks are routed.
    pub routing: crate::routing::Policy,
    /// How released orders become pick trips.
    pub picking: crate::pick_execution::strategies::Picking,
    /// The roster, indexed by `AssociateId`.
    pub associates: Vec<AssociateSpec>,
    /// Pack and ship.
    pub packing: PackPolicy,
    /// Seed of the domain's own random streams (QC sampling).
    pub seed: u64,
    /// Min/max replenishment of pick faces from reserve; without it faces
    /// are never refilled and reserve stock is not promised to orders.
    #[serde(default)]
    pub replenishment: Option<MinMax>,
    /// Cycle counts: one slotted pick face counted per interval, in turn.
    #[serde(default)]
    pub cycle_count_interval: Option<SimDuration>,
    /// Workload planning with its feedback loop; without it nothing is
    /// forecast and capacity is never adjusted.
    #[serde(default)]
    pub workload: Option<WorkloadPolicy>,
    /// Conveyors from the pick zones to packing and from packing to the
    /// docks; without them totes are carried by hand.
    #[serde(default)]
    pub conveyor: Option<ConveyorSpec>,
    /// Whether every pick must be confirmed with the item's barcode: a
    /// confirmation without one is refused. Without it a barcode, when
    /// given, is still checked.
    #[serde(default)]
    pub barcode_required: bool,
}

/// How the workload planner plans and adjusts labour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadPolicy {
    /// Orders expected in each hour of the day (24 values) until the
    /// forecast has two days of history to fit.
    pub prior_orders_per_hour: Vec<f64>,
    /// Lines per order, to turn orders into picking work.
    pub lines_per_order: f64,
    /// Most overtime the planner asks for past the end of a labour window.
    pub max_overtime: SimDuration,
    /// Seconds a pack station takes per order (QC included) until enough
    /// orders are packed to learn it; 0 if unknown.
    #[serde(default)]
    pub pack_seconds_per_order: f64,
}

/// Min/max replenishment levels of a pick face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinMax {
    /// A face at or below this many units (on hand plus on its way) is
    /// refilled.
    pub min: u32,
    /// Up to this many units.
    pub max: u32,
}

impl LabourWindow {
    /// Whether the window covers `minute` of the day (a window may run
    /// across midnight).
    #[must_use]
    pub fn covers(&self, minute: u32) -> bool {
        if self.start_min < self.end_min {
            (self.start_min..self.end_min).contains(&minute)
        } else {
            minute >= self.start_min || minute < self.end_min
        }
    }
}

impl SiteConfig {
    /// Units in face `i` of `slotting` at the start.
    #[must_use]
    pub fn face_units_at(&self, i: usize) -> u32 {
        self.face_units
            .get(i)
            .copied()
            .unwrap_or(self.pick_face_units)
    }

    /// The pick faces at the start: SKU, location and units, in the order
    /// of `slotting`.
    pub fn opening_faces(&self) -> impl Iterator<Item = (SkuId, LocationId, u32)> + '_ {
        self.slotting
            .iter()
            .enumerate()
            .map(|(i, &(sku, location))| (sku, location, self.face_units_at(i)))
    }

    /// Associates on the floor at `minute` of the day, by the labour plan.
    #[must_use]
    pub fn heads_at(&self, minute: u32) -> u32 {
        self.labour
            .iter()
            .filter(|w| w.covers(minute))
            .map(|w| w.heads)
            .sum()
    }

    /// The end (minute of the day) of the latest-ending labour window that
    /// `minute` falls in, if any.
    #[must_use]
    pub fn window_end(&self, minute: u32) -> Option<u32> {
        self.labour
            .iter()
            .filter(|w| w.covers(minute))
            .map(|w| (w.end_min + 1440 - minute) % 1440)
            .max()
            .map(|ahead| (minute + ahead) % 1440)
    }
}

/// A segment's physical constants.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SegmentSpec {
    /// Length (m).
    pub length_m: f64,
    /// Belt speed (m/s).
    pub speed_mps: f64,
    /// Totes it holds when they accumulate nose to tail.
    pub capacity: u32,
}

impl SegmentSpec {
    /// Time a tote takes from one end to the other on a running belt.
    #[must_use]
    pub fn transit(&self) -> SimDuration {
        SimDuration::from_secs_f64(self.length_m / self.speed_mps)
    }

    /// Least time between two totes at either end: the length of belt one
    /// tote takes up when they accumulate, at belt speed. Its inverse is the
    /// segment's throughput (totes per second).
    #[must_use]
    pub fn headway(&self) -> SimDuration {
        SimDuration::from_secs_f64(self.length_m / (f64::from(self.capacity) * self.speed_mps))
    }
}

/// The network's segments by kind: one induct per pick zone, one main
/// line, one spur per pack station, one takeaway and one lane per dock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConveyorSpec {
    /// From a zone's drop point to the merge onto the main line.
    pub induct: SegmentSpec,
    /// From the merge to the diverts to the pack stations.
    pub main: SegmentSpec,
    /// From the main line's divert to a pack station; totes wait on it for
    /// the packer.
    pub spur: SegmentSpec,
    /// From the pack stations to the dock sorter.
    pub takeaway: SegmentSpec,
    /// From the sorter's divert to a dock door.
    pub lane: SegmentSpec,
}
