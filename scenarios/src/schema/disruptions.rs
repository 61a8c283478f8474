//! What goes wrong: at a time or recurring.

use super::*;

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
