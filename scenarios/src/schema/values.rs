//! The values fields are made of: distributions, counts and times of day,
//! and the defaults of optional fields.

use super::*;

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

pub(super) fn one() -> u32 {
    1
}

pub(super) fn yes() -> bool {
    true
}

pub(super) fn one_count() -> CountDist {
    CountDist::Constant { value: 1 }
}

pub(super) fn pick_skill() -> Vec<Skill> {
    vec![Skill::Pick]
}

pub(super) fn default_cutoff_lead() -> u32 {
    120
}

pub(super) fn default_planner_review() -> u32 {
    5
}

pub(super) fn default_priority_weight() -> f64 {
    0.2
}

pub(super) fn default_qc_time() -> Dist {
    Dist::Constant { value: 60.0 }
}

pub(super) fn default_weight_tolerance() -> f64 {
    0.05
}
