//! The site's KPIs, defined once: the reports' summary and 5-minute table
//! and the live API's running interval all read them from here.
//!
//! Everything is computed from the books and the log as they stand, so the
//! same site gives the same figures whoever asks.

use paklog_sim::SimTime;

use crate::events::DomainEvent;
use crate::order_management::{Order, OrderStatus};
use crate::warehouse::Warehouse;
use crate::workload_planning::METRICS_INTERVAL;

const HOUR_MS: f64 = 3_600_000.0;

/// KPIs of the orders received from `from` on, as of `end`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderKpis {
    /// Orders received.
    pub received: u64,
    /// Of those, orders shipped.
    pub shipped: u64,
    /// Of the orders due (cut-off) by `end` and not closed, the share that
    /// shipped by their cut-off (%); 0 if none is due.
    pub on_time_pct: f64,
    /// Mean cycle time of the orders shipped, received to shipped
    /// (minutes).
    pub cycle_time_mean_min: f64,
    /// 95th percentile of that cycle time (minutes).
    pub cycle_time_p95_min: f64,
    /// Units ordered.
    pub units_ordered: u64,
    /// Units shipped.
    pub units_shipped: u64,
    /// Units short: no face held them.
    pub units_short: u64,
    /// Units neither shipped, closed nor short.
    pub units_open: u64,
}

impl OrderKpis {
    /// The KPIs of the orders `wh` received from `from` on, as of `end`.
    #[must_use]
    pub fn of(wh: &Warehouse, from: SimTime, end: SimTime) -> Self {
        let counted: Vec<&Order> = wh.orders().all().filter(|o| o.created >= from).collect();
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
        let due: Vec<&&Order> = counted
            .iter()
            .filter(|o| o.due <= end && o.status != OrderStatus::Closed)
            .collect();
        let on_time = due.iter().filter(|o| o.on_time() == Some(true)).count();
        OrderKpis {
            received: counted.len() as u64,
            shipped: shipped.len() as u64,
            on_time_pct: if due.is_empty() {
                0.0
            } else {
                100.0 * on_time as f64 / due.len() as f64
            },
            cycle_time_mean_min: mean,
            cycle_time_p95_min: p95,
            units_ordered: sum(&|o| o.units()),
            units_shipped: shipped
                .iter()
                .map(|o| u64::from(o.picked_units()))
                .sum::<u64>(),
            units_short: sum(&|o| o.short_units()),
            units_open: sum(&|o| match o.status {
                OrderStatus::Shipped | OrderStatus::Closed => 0,
                _ => o.units() - o.short_units(),
            }),
        }
    }
}

/// KPIs of the picks confirmed over the whole log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PickKpis {
    /// Pick lines confirmed.
    pub lines: u64,
    /// Units they picked.
    pub units: u64,
    /// Short picks: a location held less than the books said.
    pub short_picks: u64,
}

impl PickKpis {
    /// The picks of `wh`'s log, in one pass.
    #[must_use]
    pub fn of(wh: &Warehouse) -> Self {
        let (lines, units, short_picks) =
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
        PickKpis {
            lines,
            units,
            short_picks,
        }
    }
}

/// `count` per labour hour, over `labour_ms` of shift time; 0 without any.
#[must_use]
pub fn per_labour_hour(count: u64, labour_ms: u64) -> f64 {
    let labour_h = labour_ms as f64 / HOUR_MS;
    if labour_h > 0.0 {
        count as f64 / labour_h
    } else {
        0.0
    }
}

/// Utilisation: task time over shift time (%); 0 without any shift time.
#[must_use]
pub fn utilisation_pct(busy_ms: u64, labour_ms: u64) -> f64 {
    let labour_h = labour_ms as f64 / HOUR_MS;
    if labour_h > 0.0 {
        100.0 * (busy_ms as f64 / HOUR_MS) / labour_h
    } else {
        0.0
    }
}

/// The KPIs of every metrics interval from time 0 to `end`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// Orders received in each interval.
    pub received: Vec<u32>,
    /// Orders shipped in each interval.
    pub shipped: Vec<u32>,
    /// Of those, shipped by their cut-off.
    pub on_time: Vec<u32>,
    /// Pick lines confirmed in each interval.
    pub lines: Vec<u32>,
    /// Orders received and not shipped at each interval's end.
    pub backlog: Vec<u64>,
    /// Task time over the heads the labour plan puts on the floor; none
    /// when it puts none.
    pub utilisation: Vec<Option<f64>>,
}

impl Intervals {
    /// The intervals of `wh` up to `end` (at least one).
    #[must_use]
    pub fn of(wh: &Warehouse, end: SimTime) -> Self {
        let every = METRICS_INTERVAL.as_millis();
        let n = end.as_millis().div_ceil(every).max(1) as usize;
        let mut received = vec![0u32; n];
        let mut shipped = vec![0u32; n];
        let mut on_time = vec![0u32; n];
        let mut lines = vec![0u32; n];
        let mut busy_ms = vec![0u64; n];
        let slot = |t: SimTime| ((t.as_millis() / every) as usize).min(n - 1);
        for o in wh.orders().all() {
            received[slot(o.created)] += 1;
            if let (Some(at), Some(ok)) = (o.shipped_at, o.on_time()) {
                shipped[slot(at)] += 1;
                on_time[slot(at)] += u32::from(ok);
            }
        }
        for r in wh.bus().log() {
            if let DomainEvent::PickCompleted { .. } = r.event {
                lines[slot(r.at)] += 1;
            }
        }
        for t in wh.tasks().all() {
            if let Some(start) = t.started_at {
                let stop = t.completed_at.unwrap_or(end).as_millis();
                let mut a = start.as_millis();
                while a < stop {
                    let i = ((a / every) as usize).min(n - 1);
                    let b = ((i as u64 + 1) * every).min(stop).max(a + 1);
                    busy_ms[i] += b - a;
                    a = b;
                }
            }
        }
        let mut backlog = Vec::with_capacity(n);
        let mut open = 0i64;
        for i in 0..n {
            open += i64::from(received[i]) - i64::from(shipped[i]);
            backlog.push(open.max(0) as u64);
        }
        let utilisation = (0..n)
            .map(|i| {
                let start = SimTime::from_millis(i as u64 * every);
                let minute = wh.config().calendar.minute_of_day(start);
                let heads = wh.config().heads_at(minute);
                (heads > 0).then(|| busy_ms[i] as f64 / (f64::from(heads) * every as f64))
            })
            .collect();
        Intervals {
            received,
            shipped,
            on_time,
            lines,
            backlog,
            utilisation,
        }
    }

    /// How many intervals.
    #[must_use]
    pub fn len(&self) -> usize {
        self.received.len()
    }

    /// Whether there are none (never: [`of`](Self::of) makes at least one).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.received.is_empty()
    }

    /// The share of interval `i`'s shipped orders that shipped by their
    /// cut-off; none if it shipped none.
    #[must_use]
    pub fn on_time_share(&self, i: usize) -> Option<f64> {
        (self.shipped[i] > 0).then(|| f64::from(self.on_time[i]) / f64::from(self.shipped[i]))
    }
}

/// The metrics interval running at `now`: what its `MetricsUpdated` will
/// report so far.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunningInterval {
    /// Its start.
    pub start: SimTime,
    /// Its end.
    pub end: SimTime,
    /// Orders shipped in it so far.
    pub orders_shipped: u32,
    /// Pick lines confirmed in it so far.
    pub lines_picked: u32,
    /// Lines per hour since its start.
    pub lines_per_hour: f64,
}

impl RunningInterval {
    /// The interval of `wh` running at `now`.
    #[must_use]
    pub fn of(wh: &Warehouse, now: SimTime) -> Self {
        let every = METRICS_INTERVAL.as_millis();
        let start = now.as_millis() - now.as_millis() % every;
        let (orders_shipped, lines_picked) = wh.interval_counts();
        let hours = (now.as_millis() - start) as f64 / HOUR_MS;
        RunningInterval {
            start: SimTime::from_millis(start),
            end: SimTime::from_millis(start + every),
            orders_shipped,
            lines_picked,
            lines_per_hour: if hours > 0.0 {
                f64::from(lines_picked) / hours
            } else {
                0.0
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Command;
    use crate::ids::StationId;
    use crate::testing::{at, ok, order, released_and_assigned, tiny_site, work_through};

    #[test]
    fn the_intervals_add_up_to_the_run_and_units_are_conserved() {
        let mut wh = Warehouse::new(tiny_site()).unwrap();
        let task = released_and_assigned(
            &mut wh,
            &[
                order("web-1", &[("SKU0001", 2)]),
                order("web-2", &[("SKU0002", 1)]),
            ],
        );
        work_through(&mut wh, at(9, 0), 0, task);
        let station = StationId(0);
        let job = match ok(&mut wh, at(9, 10), Command::StartPacking { station }) {
            crate::Reply::Packing { job: Some(job) } => job,
            other => panic!("{other:?}"),
        };
        let done = Command::CompletePacking {
            station,
            order: job.order,
            weight_kg: job.expected_weight_kg,
        };
        ok(&mut wh, at(9, 12), done);
        let end = at(10, 0);
        let orders = OrderKpis::of(&wh, SimTime::ZERO, end);
        let picks = PickKpis::of(&wh);
        let k = Intervals::of(&wh, end);
        assert_eq!(k.len(), 120, "10 hours of 5 minutes");
        assert_eq!(k.received.iter().sum::<u32>(), 2);
        assert_eq!(orders.received, 2);
        assert_eq!(u64::from(k.lines.iter().sum::<u32>()), picks.lines);
        assert!(picks.lines >= 1);
        // Nothing has left on a truck yet: every unit is open.
        assert_eq!(orders.shipped, 0);
        assert_eq!(
            orders.units_ordered,
            orders.units_shipped + orders.units_short + orders.units_open
        );
        assert_eq!(orders.units_ordered, 3);
        assert_eq!(per_labour_hour(30, 2 * 3_600_000), 15.0);
        assert_eq!(utilisation_pct(1_800_000, 3_600_000), 50.0);
        assert_eq!(per_labour_hour(30, 0), 0.0);
    }
}
