//! Demand: orders from a generator or a trace, and the carriers that take
//! them.

use super::*;

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
