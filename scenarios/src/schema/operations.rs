//! How the site runs besides picking: the workload loop, RTLS, the
//! conveyor, inbound receipts and replenishment.

use super::*;

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
