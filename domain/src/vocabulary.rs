//! The words every service and message shares: the statuses of orders,
//! waves and tasks, task and licence plate kinds, priorities, wave
//! strategies and who releases a wave.
//! Events, commands and refusals speak them, so they sit below every
//! service; each service re-exports its own (`order_management::OrderStatus`
//! …) and owns the rules about them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Order priority.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    /// Ships first.
    Express,
    /// Everything else.
    Standard,
}

/// A wave's priority (the seed's `WavePriority`): the order in which
/// planned waves wait for release, most urgent first.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WavePriority {
    /// The usual.
    #[default]
    Standard,
    /// Before standard waves.
    High,
    /// Before everything.
    Critical,
}

/// Who releases a planned wave.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaveRelease {
    /// Wave planning releases each wave it plans at once; an order nothing
    /// of which can be allocated closes short (nobody would release it).
    #[default]
    Auto,
    /// Planned waves wait for a planner's `ReleaseWave` (the seed's
    /// authorisation), which is refused while nothing of the wave can be
    /// allocated.
    Planner,
}

/// Wave strategies (as in the seed's wave planning service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaveStrategy {
    /// Every planning interval, oldest orders first.
    Time,
    /// One wave per carrier, when full or before its cut-off.
    Carrier,
    /// One wave per zone.
    Zone,
    /// Created by hand (API).
    Manual,
}

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Valid, waiting for stock.
    Backordered,
    /// Stock reserved, waiting for a wave.
    Reserved,
    /// In a planned or released wave.
    Waved,
    /// Its tote is being picked.
    Picking,
    /// Picked, waiting for or at a pack station.
    Picked,
    /// Packed and at the dock.
    ReadyToShip,
    /// Left with the carrier.
    Shipped,
    /// Nothing left to ship: every unit was short.
    Closed,
}

/// Where a wave is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WaveStatus {
    /// Formed and checked; not yet on the floor.
    Planned,
    /// Stock allocated, tasks created.
    Released,
    /// Its first task started on the floor.
    InProgress,
    /// Every order packed.
    Completed,
    /// Cancelled before release.
    Cancelled,
}

/// Task lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Waiting for an associate.
    Pending,
    /// Given to an associate who has not started.
    Assigned,
    /// Being worked on.
    InProgress,
    /// Done.
    Completed,
    /// Called off.
    Cancelled,
}

impl TaskStatus {
    /// Whether `self → next` is a legal transition.
    #[must_use]
    pub fn can_become(self, next: TaskStatus) -> bool {
        use TaskStatus as S;
        matches!(
            (self, next),
            (S::Pending, S::Assigned | S::Cancelled)
                | (S::Assigned, S::InProgress | S::Pending | S::Cancelled)
                | (S::InProgress, S::Completed | S::Cancelled)
        )
    }
}

/// What a licence plate is on (the seed's `LicensePlateType`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlateKind {
    /// A tote: what pickers pick into.
    Tote,
    /// A carton: a packed parcel.
    Carton,
    /// A case: holds totes and cartons.
    Case,
    /// A pallet: holds cases, cartons and totes.
    Pallet,
}

impl PlateKind {
    /// Whether a plate of this kind may hold one of `child`'s kind.
    #[must_use]
    pub fn holds(self, child: PlateKind) -> bool {
        match self {
            PlateKind::Pallet => child != PlateKind::Pallet,
            PlateKind::Case => matches!(child, PlateKind::Tote | PlateKind::Carton),
            PlateKind::Tote | PlateKind::Carton => false,
        }
    }
}

impl std::fmt::Display for PlateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PlateKind::Tote => "TOTE",
            PlateKind::Carton => "CARTON",
            PlateKind::Case => "CASE",
            PlateKind::Pallet => "PALLET",
        })
    }
}

/// Kinds of work in the unified task model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskKind {
    /// Pick an order into a tote.
    Pick,
    /// Bring units from reserve to a pick face.
    Replenish,
    /// Count the units in a location.
    Count,
    /// Put received units away: to the SKU's pick face while it has room,
    /// the rest to reserve.
    Putaway,
    /// Re-slotting: take a pick face's units out and put them in the
    /// item's new face.
    Reslot,
}
