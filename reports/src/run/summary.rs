//! The run's summary: the KPIs of the whole run, as `summary.json` and
//! the row a study compares.

use paklog_domain::order_management::{Order, OrderStatus};
use paklog_domain::{DomainEvent, Warehouse};
use serde::Serialize;

use super::*;

/// The run's key figures, as written to `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Simulated hours.
    pub simulated_h: f64,
    /// Orders received after the warm-up.
    pub orders_received: u64,
    /// Of those, orders shipped.
    pub orders_shipped: u64,
    /// Of the orders due (cut-off) before the end of the run, the share that
    /// shipped by their cut-off (%).
    pub on_time_pct: f64,
    /// Mean order cycle time, received to shipped (minutes).
    pub cycle_time_mean_min: f64,
    /// 95th percentile of the cycle time (minutes).
    pub cycle_time_p95_min: f64,
    /// Units ordered (after the warm-up).
    pub units_ordered: u64,
    /// Units shipped.
    pub units_shipped: u64,
    /// Units short (could not be picked anywhere).
    pub units_short: u64,
    /// Units still open at the end.
    pub units_open: u64,
    /// Pick lines confirmed.
    pub lines_picked: u64,
    /// Lines per labour hour.
    pub lines_per_labour_hour: f64,
    /// Units per labour hour.
    pub units_per_labour_hour: f64,
    /// Kilometres walked by all associates.
    pub travel_km: f64,
    /// Share of shift time spent in tasks (%).
    pub utilisation_pct: f64,
    /// Short picks (a location held less than the books said).
    pub short_picks: u64,
    /// Events the kernel ran.
    pub events_run: u64,
    /// Domain events recorded.
    pub domain_events: u64,
}

/// The run's KPIs.
#[must_use]
pub fn summarize(wh: &Warehouse, associates: &[AssociateFacts], meta: &RunMeta) -> Summary {
    let counted: Vec<&Order> = wh
        .orders()
        .all()
        .iter()
        .filter(|o| o.created >= meta.warm_up_end)
        .collect();
    let shipped: Vec<&&Order> = counted
        .iter()
        .filter(|o| o.status == OrderStatus::Shipped)
        .collect();
    let mut cycle: Vec<f64> = shipped
        .iter()
        .filter_map(|o| {
            o.shipped_at
                .map(|s| s.saturating_since(o.created).as_secs_f64() / 60.0)
        })
        .collect();
    cycle.sort_by(f64::total_cmp);
    let mean = if cycle.is_empty() {
        0.0
    } else {
        cycle.iter().sum::<f64>() / cycle.len() as f64
    };
    let p95 = if cycle.is_empty() {
        0.0
    } else {
        cycle[((cycle.len() as f64 * 0.95).ceil() as usize).clamp(1, cycle.len()) - 1]
    };
    let sum = |f: &dyn Fn(&Order) -> u32| counted.iter().map(|o| u64::from(f(o))).sum::<u64>();
    let units_ordered = sum(&|o| o.units());
    let units_short = sum(&|o| o.short_units());
    let units_shipped = shipped
        .iter()
        .map(|o| u64::from(o.picked_units()))
        .sum::<u64>();
    let units_open = sum(&|o| match o.status {
        OrderStatus::Shipped | OrderStatus::Closed => 0,
        _ => o.units() - o.short_units(),
    });
    // Picks confirmed, units picked, short picks: one pass over the log.
    let (lines_picked, units_picked, short_picks) =
        wh.bus()
            .log()
            .iter()
            .fold((0u64, 0u64, 0u64), |(lines, units, short), r| {
                match r.event {
                    DomainEvent::PickCompleted { picked, .. } => {
                        (lines + 1, units + u64::from(picked), short)
                    }
                    DomainEvent::ShortPicked { .. } => (lines, units, short + 1),
                    _ => (lines, units, short),
                }
            });
    let labour_h = associates.iter().map(|a| a.on_shift_ms).sum::<u64>() as f64 / 3_600_000.0;
    let busy_h = wh.tasks().associates.iter().map(|a| a.busy_ms).sum::<u64>() as f64 / 3_600_000.0;
    let per_hour = |x: u64| {
        if labour_h > 0.0 {
            x as f64 / labour_h
        } else {
            0.0
        }
    };
    let due: Vec<&&Order> = counted
        .iter()
        .filter(|o| o.due <= meta.end && o.status != OrderStatus::Closed)
        .collect();
    let on_time = due.iter().filter(|o| o.on_time() == Some(true)).count();
    Summary {
        scenario: meta.scenario.clone(),
        seed: meta.seed,
        simulated_h: meta.end.as_secs_f64() / 3600.0,
        orders_received: counted.len() as u64,
        orders_shipped: shipped.len() as u64,
        on_time_pct: if due.is_empty() {
            0.0
        } else {
            100.0 * on_time as f64 / due.len() as f64
        },
        cycle_time_mean_min: mean,
        cycle_time_p95_min: p95,
        units_ordered,
        units_shipped,
        units_short,
        units_open,
        lines_picked,
        lines_per_labour_hour: per_hour(lines_picked),
        units_per_labour_hour: per_hour(units_picked),
        travel_km: associates.iter().map(|a| a.walked_m).sum::<f64>() / 1000.0,
        utilisation_pct: if labour_h > 0.0 {
            100.0 * busy_h / labour_h
        } else {
            0.0
        },
        short_picks,
        events_run: meta.events_run,
        domain_events: wh.bus().len() as u64,
    }
}
