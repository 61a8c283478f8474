//! The strategies a study varies: picking, routing, waves, assignment and
//! packing.

use super::*;

/// Who releases a planned wave: the domain's own word, as the file spells
/// it (`"auto"`, `"planner"`).
pub use paklog_domain::WaveRelease;

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
    /// Lines one associate picks in an hour, as the wave planner reckons
    /// when it sizes waves to the floor's capacity (the site's standard
    /// rate); default: estimated from the first shift's mean times, its
    /// walking speed and the layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines_per_head_hour: Option<f64>,
    /// Who releases a planned wave: `auto` (wave planning, at once) or
    /// `planner` (waves wait for a planner's release; in a simulation a
    /// virtual planner releases them `planner_review_min` after they are
    /// planned, most urgent first).
    #[serde(default)]
    pub wave_release: WaveRelease,
    /// The virtual planner's review time (minutes) with `wave_release =
    /// "planner"`.
    #[serde(default = "default_planner_review")]
    pub planner_review_min: u32,
    /// Weights of the task assignment score.
    #[serde(default)]
    pub assignment: AssignmentWeights,
    /// How pick tasks are routed.
    #[serde(default)]
    pub routing: Routing,
    /// How released orders become pick trips.
    #[serde(default)]
    pub picking: Picking,
    /// Every pick is confirmed by scanning the item's barcode: a handheld
    /// confirmation without one is refused (live). Virtual pickers scan.
    #[serde(default)]
    pub barcode_required: bool,
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
