//! The run's summary: the KPIs of the whole run, as `summary.json` and
//! the row a study compares.

use paklog_domain::Warehouse;
use paklog_domain::routing;
use paklog_domain::task_execution::TaskKind;
use paklog_domain::workload_planning::kpis::{
    OrderKpis, PickKpis, per_labour_hour, utilisation_pct,
};
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
    /// What routed the pick trips: the policy, or for `optimal` the exact
    /// programme that ran and the heuristic beyond its reach.
    pub routing: String,
    /// Pick trips sampled (up to 200, evenly over the run) to measure how
    /// far the routing is from the shortest trips.
    pub routing_trips_sampled: u64,
    /// Mean gap of the sampled trips' planned length over a lower bound on
    /// their shortest trip (%): the shortest trip itself where an exact
    /// programme applies, else the Held–Karp bound, so the true gap is at
    /// most this.
    pub routing_gap_pct: f64,
    /// Events the kernel ran.
    pub events_run: u64,
    /// Domain events recorded.
    pub domain_events: u64,
}

/// The run's KPIs.
#[must_use]
pub fn summarize(wh: &Warehouse, associates: &[AssociateFacts], meta: &RunMeta) -> Summary {
    let orders = OrderKpis::of(wh, meta.warm_up_end, meta.end);
    let picks = PickKpis::of(wh);
    let labour_ms = associates.iter().map(|a| a.on_shift_ms).sum::<u64>();
    let busy_ms = wh.tasks().associates.iter().map(|a| a.busy_ms).sum::<u64>();
    let gaps = routing_gaps(wh);
    Summary {
        scenario: meta.scenario.clone(),
        seed: meta.seed,
        simulated_h: meta.end.as_secs_f64() / 3600.0,
        orders_received: orders.received,
        orders_shipped: orders.shipped,
        on_time_pct: orders.on_time_pct,
        cycle_time_mean_min: orders.cycle_time_mean_min,
        cycle_time_p95_min: orders.cycle_time_p95_min,
        units_ordered: orders.units_ordered,
        units_shipped: orders.units_shipped,
        units_short: orders.units_short,
        units_open: orders.units_open,
        lines_picked: picks.lines,
        lines_per_labour_hour: per_labour_hour(picks.lines, labour_ms),
        units_per_labour_hour: per_labour_hour(picks.units, labour_ms),
        travel_km: associates.iter().map(|a| a.walked_m).sum::<f64>() / 1000.0,
        utilisation_pct: utilisation_pct(busy_ms, labour_ms),
        short_picks: picks.short_picks,
        routing: routing::method(wh.master(), wh.config().routing).to_owned(),
        routing_trips_sampled: gaps.len() as u64,
        routing_gap_pct: if gaps.is_empty() {
            0.0
        } else {
            gaps.iter().sum::<f64>() / gaps.len() as f64
        },
        events_run: meta.events_run,
        domain_events: wh.bus().len() as u64,
    }
}

/// Most pick trips [`routing_gaps`] measures.
const ROUTING_SAMPLE: usize = 200;

/// The gap (%) of each sampled pick trip's planned length over a lower
/// bound on its shortest trip; trips are taken evenly by id.
fn routing_gaps(wh: &Warehouse) -> Vec<f64> {
    let master = wh.master();
    let trips: Vec<_> = wh
        .tasks()
        .all()
        .filter(|t| t.kind == TaskKind::Pick && !t.lines.is_empty())
        .collect();
    let stride = trips.len().div_ceil(ROUTING_SAMPLE).max(1);
    trips
        .iter()
        .step_by(stride)
        .filter_map(|t| {
            let stops: Vec<_> = t
                .lines
                .iter()
                .map(|l| master.get(l.location).point)
                .collect();
            let (bound, _) = routing::lower_bound(master, t.depot, &stops, t.distance_m);
            (bound > 0.0).then(|| ((t.distance_m - bound) / bound * 100.0).max(0.0))
        })
        .collect()
}
