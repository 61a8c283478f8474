//! The workforce: shifts, breaks and skills.

use super::*;

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
