//! The scenario file, field by field. `scenarios/README.md` documents the same
//! fields for people; `paklog schema` prints the JSON Schema derived from
//! these types for editors.
//!
//! Every table rejects unknown fields, so a typo is an error rather than a
//! silently ignored setting.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A whole scenario: one simulated stretch of a distribution centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name of the scenario, written into every report.
    pub name: String,
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Simulated hours from the start of day one (00:00).
    pub horizon_h: f64,
    /// The site's IANA time zone (`Europe/Berlin`): shifts, breaks and
    /// carrier cut-offs are its local wall times, across daylight-saving
    /// changes. Default `UTC`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The date of day one (`2026-03-28`). Default 1970-01-01.
    #[serde(default)]
    pub start_date: Option<String>,
    /// Minutes at the start excluded from KPIs.
    #[serde(default)]
    pub warm_up_min: f64,
    /// The building.
    pub layout: Layout,
    /// The assortment.
    pub skus: Skus,
    /// Stock at the start.
    pub inventory: Inventory,
    /// Where orders come from.
    pub demand: Demand,
    /// Who picks.
    pub associates: Associates,
    /// How work is planned and assigned.
    pub strategy: Strategy,
    /// Pack stations and cartons.
    pub packing: Packing,
    /// Things that go wrong during the run.
    #[serde(default)]
    pub disruptions: Vec<Disruption>,
    /// Workload planning: forecast, labour plan and the feedback loop.
    #[serde(default)]
    pub workload: Option<Workload>,
    /// Virtual RTLS: a tag on every associate.
    #[serde(default)]
    pub rtls: Option<Rtls>,
    /// Inbound receipts (supplier deliveries), put away by PUTAWAY tasks.
    #[serde(default)]
    pub inbound: Option<Inbound>,
    /// Conveyors from the pick zones to packing and from packing to the
    /// docks; without them pickers carry totes to the pack stations.
    #[serde(default)]
    pub conveyor: Option<Conveyor>,
    /// Live operation (`paklog serve`): who may use the API.
    #[serde(default)]
    pub live: Live,
}

/// Live operation (`paklog serve`); ignored by simulation runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Live {
    /// Bearer tokens: one per associate device, one per integration. With
    /// none, `paklog serve` refuses to start unless given `--open`.
    #[serde(default)]
    pub tokens: Vec<ApiToken>,
}

/// A bearer token and who holds it: an associate's handheld (which may
/// only fetch and confirm its own tasks) or an integration (orders, waves,
/// RTLS pings, the events stream and every read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiToken {
    /// The secret sent as `Authorization: Bearer …`; at least 16
    /// characters.
    pub token: String,
    /// The associate whose device holds it (their number in the roster,
    /// from 0, shift by shift).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associate: Option<u32>,
    /// The integration's name (`erp`, `rtls` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
}

/// Blocks of parallel aisles between cross aisles, a depot, zones and docks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Blocks of aisles, front to back; there is a cross aisle in front of,
    /// between and behind them.
    #[serde(default = "one")]
    pub blocks: u32,
    /// Aisles per block.
    pub aisles: u32,
    /// Bays along each side of an aisle in one block.
    pub bays_per_aisle: u32,
    /// Storage levels per bay.
    pub levels: u32,
    /// Length of an aisle in one block, between the centre lines of the
    /// cross aisles at its ends (m).
    pub aisle_length_m: f64,
    /// Distance between the centre lines of neighbouring aisles (m).
    pub aisle_pitch_m: f64,
    /// Racks on both sides of each aisle (true) or one side only.
    #[serde(default = "yes")]
    pub two_sided: bool,
    /// Aisle (numbered from 1) at whose front end the depot stands.
    #[serde(default = "one")]
    pub depot_aisle: u32,
    /// Further depots: aisles (numbered from 1) at whose front ends pick
    /// trips may also start and end; each trip (but a zone's) uses the
    /// depot that makes its route shortest.
    #[serde(default)]
    pub more_depots: Vec<u32>,
    /// Named zones as ranges of aisles; default one zone over all aisles.
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// Dock doors for outbound trucks.
    #[serde(default = "one")]
    pub dock_doors: u32,
}

/// A zone: aisles `first_aisle..=last_aisle` (numbered from 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Zone name, e.g. "A".
    pub name: String,
    /// First aisle of the zone.
    pub first_aisle: u32,
    /// Last aisle of the zone.
    pub last_aisle: u32,
}

/// The assortment and its velocity profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skus {
    /// Number of SKUs.
    pub count: u32,
    /// ABC velocity profile: class A and B shares of SKUs and of order lines;
    /// class C takes the rest.
    pub abc: Abc,
    /// Volume of one unit (litres).
    pub unit_volume_l: Dist,
    /// Weight of one unit (kg).
    pub unit_weight_kg: Dist,
    /// How SKUs are assigned to pick faces.
    #[serde(default)]
    pub slotting: Slotting,
}

/// Shares of SKUs and of order lines for classes A and B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Abc {
    /// Share of SKUs in class A, e.g. 0.2.
    pub a_skus: f64,
    /// Share of order lines on class A, e.g. 0.8.
    pub a_lines: f64,
    /// Share of SKUs in class B.
    pub b_skus: f64,
    /// Share of order lines on class B.
    pub b_lines: f64,
}

/// Slotting policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Slotting {
    /// Fast movers in the bins closest to the depot.
    #[default]
    Abc,
    /// SKUs spread over the bins at random.
    Random,
}

/// Stock at the start of the run, per SKU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Pick faces per SKU (each a bin of its own).
    #[serde(default = "one")]
    pub pick_faces_per_sku: u32,
    /// Units in each pick face.
    pub pick_face_units: u32,
    /// Units per SKU in the reserve area (not picked from directly).
    #[serde(default)]
    pub reserve_units: u32,
    /// Min/max replenishment of pick faces from reserve, in units per face,
    /// e.g. `{ min = 10, max = 60 }`. Without it faces are never refilled
    /// (except a re-slotted face) and reserve stock is not promised to
    /// orders.
    #[serde(default)]
    pub replenishment: Option<Replenishment>,
    /// Minutes between cycle counts: one slotted pick face is counted each
    /// time, in turn. Without it, locations are counted only after a short
    /// pick.
    #[serde(default)]
    pub cycle_count_interval_min: Option<u32>,
}

/// Workload planning (seed diagram 5): an hourly demand forecast
/// (Holt–Winters, refitted each midnight on the days run so far), a labour
/// plan per hour, and plan against actual every 5 minutes: when the open
/// work will not fit in what is left of the shift, the associates on the
/// floor stay on (overtime) and cycle counts wait.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Most overtime (minutes) the planner asks for past a shift's end;
    /// `0` plans and forecasts without adjusting capacity.
    pub max_overtime_min: u32,
}

/// Virtual RTLS: every associate wears a tag (`associate-N`) that reports
/// its position while they walk, through the same command as `POST
/// /api/v1/rtls/pings`. Tags follow the shortest walk between stops. Totes
/// wear tags named by their licence plate (`LP17`) that ping where they are
/// put down at a staging lane or dock door and where they are taken.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rtls {
    /// Seconds between two pings of a walking tag (> 0).
    pub ping_interval_s: f64,
    /// Measurement noise: standard deviation on each axis (m), 0 to 10.
    #[serde(default)]
    pub noise_m: f64,
}

/// The conveyor network: one induct per pick zone merging onto the main
/// line, diverts from it to one spur per pack station (totes wait on the
/// spur for the packer), and from packing a takeaway to the dock sorter,
/// which diverts each parcel to its carrier's dock lane. A full segment
/// takes nothing more: what feeds it waits, up to the pickers at the
/// induct and the packers at the takeaway.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conveyor {
    /// Each pick zone's induct.
    pub induct: Segment,
    /// The main line.
    pub main: Segment,
    /// Each pack station's spur: its buffer of totes.
    pub spur: Segment,
    /// The takeaway from packing to the sorter.
    pub takeaway: Segment,
    /// Each dock door's lane.
    pub lane: Segment,
}

/// A kind of conveyor segment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Length (m, > 0).
    pub length_m: f64,
    /// Belt speed (m/s, > 0).
    pub speed_mps: f64,
    /// Totes it holds when they accumulate nose to tail (≥ 1). Totes enter
    /// and leave at least `length_m / (capacity × speed_mps)` seconds apart.
    pub capacity: u32,
}

/// Supplier deliveries: each brings `units` of the SKU with the least
/// stock on the books, put away to its pick face while it has room and the
/// rest to reserve; orders waiting for stock are reserved as it arrives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inbound {
    /// Hours between deliveries, drawn.
    pub every_h: Dist,
    /// Units per delivery (≥ 1).
    pub units: u32,
}

/// Min/max levels of a pick face.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replenishment {
    /// A face at or below this many units (less those promised to pick
    /// lines) is refilled.
    pub min: u32,
    /// Up to this many units.
    pub max: u32,
}

/// Something that goes wrong: at a time of day on the first day (`at`), or
/// again and again with gaps drawn from a distribution (`every_h`, hours).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Disruption {
    /// A pick location is blocked (rack damage, a spill): the location
    /// master blocks it, the next pick there raises a location exception,
    /// its SKU is re-slotted and open tasks are re-routed.
    BlockedLocation {
        /// When, `"HH:MM"` on day one.
        #[serde(default)]
        at: Option<ClockTime>,
        /// Hours between occurrences, drawn.
        #[serde(default)]
        every_h: Option<Dist>,
        /// Location code (`A03-B1-12-2L`); omitted: a slotted pick face
        /// drawn at random.
        #[serde(default)]
        location: Option<String>,
        /// Minutes until it opens again; omitted: blocked to the end.
        #[serde(default)]
        minutes: Option<f64>,
    },
    /// An associate is away (called off the floor, ill): they finish the
    /// task in hand, sign off and come back after `minutes`.
    Absence {
        /// When, `"HH:MM"` on day one.
        #[serde(default)]
        at: Option<ClockTime>,
        /// Hours between occurrences, drawn.
        #[serde(default)]
        every_h: Option<Dist>,
        /// The associate (number in the roster, from 0); omitted: drawn.
        #[serde(default)]
        associate: Option<u32>,
        /// Minutes away.
        minutes: f64,
    },
    /// Order intake runs at `factor` times its rate for `minutes`
    /// (generated demand only).
    DemandSurge {
        /// When, `"HH:MM"` on day one.
        #[serde(default)]
        at: Option<ClockTime>,
        /// Hours between occurrences, drawn.
        #[serde(default)]
        every_h: Option<Dist>,
        /// Minutes it lasts.
        minutes: f64,
        /// Rate multiplier (> 0).
        factor: f64,
    },
    /// The shelf holds fewer units than the books say (damage, theft, a
    /// misplaced case): the next pick there comes up short, a COUNT task
    /// follows and inventory is corrected.
    InventoryDiscrepancy {
        /// When, `"HH:MM"` on day one.
        #[serde(default)]
        at: Option<ClockTime>,
        /// Hours between occurrences, drawn.
        #[serde(default)]
        every_h: Option<Dist>,
        /// Location code; omitted: a slotted pick face drawn at random.
        #[serde(default)]
        location: Option<String>,
        /// Units missing from the shelf (at most what it holds).
        units: u32,
    },
    /// A conveyor segment stops (a jam, an emergency stop): nothing on it
    /// moves and nothing enters it until it restarts.
    ConveyorStop {
        /// When, `"HH:MM"` on day one.
        #[serde(default)]
        at: Option<ClockTime>,
        /// Hours between occurrences, drawn.
        #[serde(default)]
        every_h: Option<Dist>,
        /// Segment code (`main`, `induct-Z1`, `spur-PS0`, `takeaway`,
        /// `lane-DOCK-01` …); omitted: the main line.
        #[serde(default)]
        segment: Option<String>,
        /// Minutes until it runs again.
        minutes: f64,
    },
}

impl Disruption {
    /// When it happens: a time of day, or gaps drawn in hours.
    #[must_use]
    pub fn when(&self) -> (Option<ClockTime>, Option<&Dist>) {
        match self {
            Disruption::BlockedLocation { at, every_h, .. }
            | Disruption::Absence { at, every_h, .. }
            | Disruption::DemandSurge { at, every_h, .. }
            | Disruption::InventoryDiscrepancy { at, every_h, .. }
            | Disruption::ConveyorStop { at, every_h, .. } => (*at, every_h.as_ref()),
        }
    }
}

/// Demand: a generator or a trace of real orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Orders per day (generator). Give this or `trace`.
    #[serde(default)]
    pub orders_per_day: Option<f64>,
    /// Relative order intake per hour of the day, 24 weights (generator).
    /// Default: flat.
    #[serde(default)]
    pub hourly_profile: Vec<f64>,
    /// Lines per order (generator).
    #[serde(default = "one_count")]
    pub lines_per_order: CountDist,
    /// Units per line (generator).
    #[serde(default = "one_count")]
    pub units_per_line: CountDist,
    /// Share of express orders (generator); the rest are standard.
    #[serde(default)]
    pub express_share: f64,
    /// Carriers with their daily cut-off and share of orders.
    pub carriers: Vec<Carrier>,
    /// A CSV or Parquet file of real orders (`order_id, created_s, sku,
    /// quantity, carrier`), replayed as they happened; relative paths are
    /// relative to the scenario file.
    #[serde(default)]
    pub trace: Option<String>,
}

/// An outbound carrier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Carrier {
    /// Carrier name, e.g. "UPS".
    pub name: String,
    /// Daily cut-off: orders must be packed by then to ship today.
    pub cutoff: ClockTime,
    /// Share of orders for this carrier (generator).
    #[serde(default)]
    pub share: f64,
}

/// The workforce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Associates {
    /// Shifts; each repeats every day of the horizon.
    pub shifts: Vec<Shift>,
}

/// One shift of associates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Shift name, e.g. "early".
    pub name: String,
    /// Start of the shift.
    pub start: ClockTime,
    /// End of the shift (the next day if not after `start`).
    pub end: ClockTime,
    /// Associates on the shift.
    pub headcount: u32,
    /// Walking speed (m/s), drawn once per associate.
    pub walking_speed_mps: Dist,
    /// Time per pick line at the location (s), drawn per line.
    pub pick_time_per_line_s: Dist,
    /// Extra time per unit picked (s), drawn per line and multiplied.
    pub pick_time_per_unit_s: Dist,
    /// Skills of the shift's associates.
    #[serde(default = "pick_skill")]
    pub skills: Vec<Skill>,
    /// Breaks: nobody starts a task during one.
    #[serde(default)]
    pub breaks: Vec<Break>,
}

impl Shift {
    /// Length of the shift in minutes (it may run past midnight).
    #[must_use]
    pub fn length_min(&self) -> u32 {
        (1440 + self.end.minutes() - self.start.minutes()) % 1440
    }

    /// Minutes from the start of the shift to the start of a break.
    #[must_use]
    pub fn offset_min(&self, at: ClockTime) -> u32 {
        (1440 + at.minutes() - self.start.minutes()) % 1440
    }
}

/// An associate skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Skill {
    /// Picking.
    Pick,
    /// Picking express orders (scored higher for them).
    Express,
}

/// A break within a shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Break {
    /// When the break starts.
    pub start: ClockTime,
    /// How long it lasts.
    pub minutes: u32,
}

/// Planning and assignment strategies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Strategy {
    /// How orders are grouped into waves.
    pub wave: WaveStrategy,
    /// Minutes between wave planning runs.
    pub wave_interval_min: u32,
    /// Most orders in one wave.
    pub max_wave_orders: u32,
    /// Carrier strategy: plan a carrier's orders this many minutes before
    /// its cut-off at the latest.
    #[serde(default = "default_cutoff_lead")]
    pub cutoff_lead_min: u32,
    /// Weights of the task assignment score.
    #[serde(default)]
    pub assignment: AssignmentWeights,
    /// How pick tasks are routed.
    #[serde(default)]
    pub routing: Routing,
    /// How released orders become pick trips.
    #[serde(default)]
    pub picking: Picking,
}

/// Picking strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PickingKind {
    /// One order per trip.
    #[default]
    Discrete,
    /// Several orders per trip, one tote each, grouped by `rule`.
    Batch,
    /// A cart of `totes` totes with the next orders by urgency.
    Cluster,
    /// Each zone picks its part of an order (`mode`).
    Zone,
    /// Batches picked in bulk and sorted at put walls.
    PutWall,
}

/// Order-batching rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchRule {
    /// First come, first served (by urgency).
    Fcfs,
    /// Seed order plus the orders that open the fewest new aisles.
    Seed,
    /// Clarke–Wright savings.
    Savings,
}

/// How zones share an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ZoneMode {
    /// One tote passes from zone to zone.
    PickAndPass,
    /// Zones pick at once into their own totes, consolidated at packing.
    Parallel,
}

/// The picking strategy, e.g. `{ kind = "batch", rule = "savings", totes = 8 }`.
/// Fields that do not belong to the kind are refused.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Picking {
    /// The strategy.
    #[serde(default)]
    pub kind: PickingKind,
    /// Batch: the batching rule (default `fcfs`).
    pub rule: Option<BatchRule>,
    /// Batch and cluster: totes a picker carries (default 6).
    pub totes: Option<u32>,
    /// Zone: `pick_and_pass` (default) or `parallel`. Associates are spread
    /// over the layout's zones in turn, shift by shift.
    pub mode: Option<ZoneMode>,
    /// Put wall: slots of a wall, the orders of one batch (default 24).
    pub slots: Option<u32>,
    /// Put wall: number of walls (default 1).
    pub walls: Option<u32>,
    /// Put wall: time to put one unit into its slot (s; default constant 3).
    pub put_time_per_unit_s: Option<Dist>,
    /// Routing policy for this strategy's trips; default `strategy.routing`.
    pub routing: Option<Routing>,
}

impl Picking {
    /// The routing policy its trips use.
    #[must_use]
    pub fn routing(&self, default: Routing) -> Routing {
        self.routing.unwrap_or(default)
    }

    /// Totes per trip of a batch or cluster strategy.
    #[must_use]
    pub fn totes(&self) -> u32 {
        self.totes.unwrap_or(6)
    }

    /// Put-wall time per unit.
    #[must_use]
    pub fn put_time(&self) -> Dist {
        self.put_time_per_unit_s
            .clone()
            .unwrap_or(Dist::Constant { value: 3.0 })
    }
}

/// Picker routing policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// Traverse every pick aisle, alternating up and down (any layout).
    #[default]
    SShape,
    /// In and out of each pick aisle from the front (single block).
    Return,
    /// Front half from the front, back half from the back (single block).
    Midpoint,
    /// Skip each aisle's largest gap (block by block in layouts of several
    /// blocks).
    LargestGap,
    /// Traverse or return per aisle, by dynamic programming (block by block
    /// in layouts of several blocks).
    Combined,
    /// Combined, with the entry aisle and each block's sweep chosen.
    CombinedPlus,
    /// Nearest stop next, improved by 2-opt (any layout).
    NearestNeighbour,
    /// Shortest tour (any layout; exact for any number of stops up to 5
    /// blocks, up to 13 stops beyond).
    Optimal,
}

impl Routing {
    /// The name used in scenario files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Routing::SShape => "s_shape",
            Routing::Return => "return",
            Routing::Midpoint => "midpoint",
            Routing::LargestGap => "largest_gap",
            Routing::Combined => "combined",
            Routing::CombinedPlus => "combined_plus",
            Routing::NearestNeighbour => "nearest_neighbour",
            Routing::Optimal => "optimal",
        }
    }

    /// Whether the policy is defined only for single-block layouts.
    #[must_use]
    pub fn single_block_only(self) -> bool {
        matches!(self, Routing::Return | Routing::Midpoint)
    }
}

/// Wave strategies, as in the seed's `WavePlanningService`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaveStrategy {
    /// Every `wave_interval_min`, release what is waiting, oldest first.
    Time,
    /// Group by carrier; a carrier's wave goes when it is full or its
    /// cut-off is near.
    Carrier,
    /// Group by zone; each wave holds orders whose lines are in one zone
    /// (orders spanning zones go to the zone of most of their lines).
    Zone,
}

/// Weights of the assignment score; they need not sum to one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentWeights {
    /// Closeness of the task's first pick to the associate.
    pub distance: f64,
    /// Skill match (express orders to associates with the express skill).
    pub skill: f64,
    /// Lower workload done so far in the shift.
    pub workload: f64,
    /// Associate's measured pick rate.
    pub performance: f64,
    /// Task priority and age.
    #[serde(default = "default_priority_weight")]
    pub priority: f64,
}

impl Default for AssignmentWeights {
    fn default() -> Self {
        AssignmentWeights {
            distance: 0.4,
            skill: 0.2,
            workload: 0.2,
            performance: 0.2,
            priority: default_priority_weight(),
        }
    }
}

/// Pack stations, quality control and cartons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Packing {
    /// Pack stations (each packs one order at a time).
    pub stations: u32,
    /// Time to pack one order (s).
    pub pack_time_s: Dist,
    /// Share of orders sampled for quality control.
    #[serde(default)]
    pub qc_sampling_rate: f64,
    /// Time of a QC check (s).
    #[serde(default = "default_qc_time")]
    pub qc_time_s: Dist,
    /// Cartons, smallest first is not required: the smallest that fits is used.
    pub cartons: Vec<Carton>,
    /// Allowed relative deviation of the scale from the expected weight.
    #[serde(default = "default_weight_tolerance")]
    pub weight_tolerance: f64,
}

/// A shipping carton.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Carton {
    /// Carton name, e.g. "S".
    pub name: String,
    /// Inner volume (litres).
    pub volume_l: f64,
    /// Most weight it may carry (kg).
    pub max_weight_kg: f64,
}

/// A continuous distribution, written as a table with a `dist` tag, e.g.
/// `{ dist = "lognormal", mean = 8.0, sd = 3.0 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist {
    /// Always `value`.
    Constant {
        /// The value.
        value: f64,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Exponential with mean `mean`.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Normal, truncated at zero.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Log-normal with the given mean and standard deviation of the value.
    Lognormal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Triangular on `[min, max]` with peak `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
}

/// A distribution of whole numbers ≥ 1, e.g. `{ dist = "geometric", mean =
/// 2.0, max = 10 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum CountDist {
    /// Always `value`.
    Constant {
        /// The value.
        value: u32,
    },
    /// Uniform on `min..=max`.
    Uniform {
        /// Lower bound.
        min: u32,
        /// Upper bound.
        max: u32,
    },
    /// Geometric on 1, 2, … with the given mean, cut at `max`.
    Geometric {
        /// Mean before the cut (≥ 1).
        mean: f64,
        /// Largest value.
        max: u32,
    },
    /// 1 + Poisson(mean − 1), cut at `max`.
    Poisson {
        /// Mean before the cut (≥ 1).
        mean: f64,
        /// Largest value.
        max: u32,
    },
}

/// A time of day, `"HH:MM"`, stored as minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(pub u32);

impl ClockTime {
    /// Minutes after midnight.
    #[must_use]
    pub fn minutes(self) -> u32 {
        self.0
    }

    /// Parses `"HH:MM"` (00:00 to 23:59).
    ///
    /// # Errors
    /// A message saying what is wrong with `s`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("expected a time of day as \"HH:MM\" (00:00 to 23:59), got \"{s}\"");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u32 = h.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(ClockTime(h * 60 + m))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ClockTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for ClockTime {
    fn schema_name() -> Cow<'static, str> {
        "ClockTime".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A time of day, \"HH:MM\"",
            "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
        })
    }
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

fn one_count() -> CountDist {
    CountDist::Constant { value: 1 }
}

fn pick_skill() -> Vec<Skill> {
    vec![Skill::Pick]
}

fn default_cutoff_lead() -> u32 {
    120
}

fn default_priority_weight() -> f64 {
    0.2
}

fn default_qc_time() -> Dist {
    Dist::Constant { value: 60.0 }
}

fn default_weight_tolerance() -> f64 {
    0.05
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_parse_and_print() {
        assert_eq!(ClockTime::parse("06:30"), Ok(ClockTime(390)));
        assert_eq!(ClockTime::parse("6:05"), Ok(ClockTime(365)));
        assert_eq!(ClockTime(1020).to_string(), "17:00");
        for bad in ["24:00", "12:60", "1230", "ab:cd", "", "12:5"] {
            assert!(ClockTime::parse(bad).is_err(), "{bad}");
        }
    }
}
