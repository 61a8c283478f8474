//! The KPIs a study compares: their names, units and which way is
//! better, each read from a run's summary.

use crate::run::Summary;

/// Whether more of a KPI is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// More is better.
    Higher,
    /// Less is better.
    Lower,
    /// Neither (e.g. utilisation).
    Neither,
}

/// A KPI that studies compare.
#[derive(Debug, Clone, Copy)]
pub struct Kpi {
    /// Column name (as in `summary.json`, but for `travel_per_line_m`,
    /// which is `travel_km` per `lines_picked` in metres).
    pub name: &'static str,
    /// Words for sentences.
    pub label: &'static str,
    /// Unit of its differences.
    pub unit: &'static str,
    /// Which way is better.
    pub better: Better,
    value: fn(&Summary) -> f64,
}

impl Kpi {
    /// The KPI's value in a run's summary.
    #[must_use]
    pub fn of(&self, s: &Summary) -> f64 {
        (self.value)(s)
    }
}

/// The KPIs of `summary.parquet` and `comparison.parquet`, in report order.
pub const KPIS: [Kpi; 11] = [
    Kpi {
        name: "on_time_pct",
        label: "on-time shipping",
        unit: "pp",
        better: Better::Higher,
        value: |s| s.on_time_pct,
    },
    Kpi {
        name: "orders_shipped",
        label: "orders shipped",
        unit: "orders",
        better: Better::Higher,
        value: |s| s.orders_shipped as f64,
    },
    Kpi {
        name: "cycle_time_mean_min",
        label: "mean order cycle time",
        unit: "min",
        better: Better::Lower,
        value: |s| s.cycle_time_mean_min,
    },
    Kpi {
        name: "cycle_time_p95_min",
        label: "95th-percentile cycle time",
        unit: "min",
        better: Better::Lower,
        value: |s| s.cycle_time_p95_min,
    },
    Kpi {
        name: "lines_per_labour_hour",
        label: "lines per labour hour",
        unit: "lines/h",
        better: Better::Higher,
        value: |s| s.lines_per_labour_hour,
    },
    Kpi {
        name: "units_per_labour_hour",
        label: "units per labour hour",
        unit: "units/h",
        better: Better::Higher,
        value: |s| s.units_per_labour_hour,
    },
    Kpi {
        name: "travel_km",
        label: "travel",
        unit: "km",
        better: Better::Lower,
        value: |s| s.travel_km,
    },
    Kpi {
        name: "travel_per_line_m",
        label: "travel per line picked",
        unit: "m",
        better: Better::Lower,
        value: |s| {
            if s.lines_picked == 0 {
                f64::NAN
            } else {
                s.travel_km * 1000.0 / s.lines_picked as f64
            }
        },
    },
    Kpi {
        name: "utilisation_pct",
        label: "utilisation",
        unit: "pp",
        better: Better::Neither,
        value: |s| s.utilisation_pct,
    },
    Kpi {
        name: "units_short",
        label: "units short",
        unit: "units",
        better: Better::Lower,
        value: |s| s.units_short as f64,
    },
    Kpi {
        name: "units_open",
        label: "units still open at the end",
        unit: "units",
        better: Better::Lower,
        value: |s| s.units_open as f64,
    },
];
