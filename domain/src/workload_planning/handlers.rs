//! Workload planning's reactions and timers, written against the
//! [`Site`]: the metrics interval, the hourly plan, capacity adjusted and
//! workload rebalanced.

use bevy_ecs::observer::On;
use bevy_ecs::prelude::ResMut;
use bevy_ecs::world::World;
use paklog_sim::{SimDuration, SimTime};

use crate::config::WorkloadPolicy;
use crate::events::DomainEvent;
use crate::events::ZoneMove;
use crate::pack_ship::{OrderShipped, PackingCompleted, PackingStarted};
use crate::pick_execution::PickCompleted;
use crate::pick_execution::Picking;
use crate::site::{DomainTimer, Site};
use crate::task_execution::TaskStatus;
use crate::workload_planning::forecast::HoltWinters;

use super::{Adjustment, HOUR_MS, HourPlan, METRICS_INTERVAL, MetricsUpdated, SEASON, Workload};

/// Workload planning's reactions to facts: its own metrics, and the floor's
/// picks, packs and shipments it counts and learns from.
pub(crate) fn reactions(world: &mut World) {
    world.add_observer(on_metrics_updated);
    world.add_observer(on_pick_completed);
    world.add_observer(on_packing_started);
    world.add_observer(on_packing_completed);
    world.add_observer(on_order_shipped);
}

/// Metrics reported → capacity adjusted.
pub(crate) fn on_metrics_updated(fact: On<MetricsUpdated>, mut site: Site) {
    site.adjust_capacity(fact.at);
}

/// A line picked counts in the running interval.
fn on_pick_completed(_: On<PickCompleted>, mut workload: ResMut<Workload>) {
    workload.counters.lines_picked += 1;
}

/// An order shipped counts in the running interval.
fn on_order_shipped(_: On<OrderShipped>, mut workload: ResMut<Workload>) {
    workload.counters.orders_shipped += 1;
}

/// A packer started an order: the clock of its pack time starts.
fn on_packing_started(fact: On<PackingStarted>, mut workload: ResMut<Workload>) {
    workload.pack_started.insert(fact.station, fact.at);
}

/// A packer completed an order: its pack time is learned.
fn on_packing_completed(fact: On<PackingCompleted>, mut workload: ResMut<Workload>) {
    if let Some(start) = workload.pack_started.remove(&fact.station) {
        workload.packed.0 += 1;
        workload.packed.1 += fact.at.saturating_since(start).as_millis();
    }
}

impl Site<'_, '_> {
    /// Counts an order received for the forecast.
    pub(crate) fn workload_order(&mut self, now: SimTime) {
        if self.config.workload.is_none() {
            return;
        }
        let hour = (now.as_millis() / HOUR_MS) as usize;
        let h = &mut self.workload.hourly;
        if h.len() <= hour {
            h.resize(hour + 1, 0);
        }
        h[hour] += 1;
    }

    /// Heads the workload planner keeps on past the labour plan now (in
    /// their overtime), if any.
    pub(crate) fn adjusted_heads(&self, now: SimTime) -> u32 {
        match self.workload.adjusted {
            Some(a) if (a.shift_end..a.until).contains(&now) => a.heads,
            _ => 0,
        }
    }

    /// Whether cycle counts give way to picking now: from a capacity
    /// adjustment to the end of its overtime.
    pub(crate) fn counts_paused(&self, now: SimTime) -> bool {
        self.workload.adjusted.is_some_and(|a| now < a.until)
    }

    /// **Every metrics interval (5 minutes), metrics, then capacity
    /// adjusted**: the interval's counters go out as `MetricsUpdated`, and
    /// workload planning reacts ([`on_metrics_updated`]).
    pub(crate) fn close_metrics_interval(&mut self, now: SimTime) {
        let c = std::mem::take(&mut self.workload.counters);
        let backlog = self.orders.open;
        self.emit(
            now,
            DomainEvent::MetricsUpdated {
                orders_shipped: c.orders_shipped,
                lines_picked: c.lines_picked,
                backlog,
            },
        );
        self.timers
            .push((now + METRICS_INTERVAL, DomainTimer::MetricsTick));
        self.trigger(MetricsUpdated { at: now });
    }

    /// Metrics reported → the hour's plan at the top of each hour, then
    /// plan against actual (`CapacityAdjusted`, `WorkloadRebalanced`).
    fn adjust_capacity(&mut self, now: SimTime) {
        let Some(policy) = self.config.workload.clone() else {
            return;
        };
        if now.as_millis().is_multiple_of(HOUR_MS) {
            self.plan_hour(now, &policy);
        }
        self.compare_plan(now, &policy);
    }

    /// The orders forecast for the hour starting at `start`.
    pub(crate) fn forecast_orders(&self, start: SimTime, policy: &WorkloadPolicy) -> f64 {
        let hour = (start.as_millis() / HOUR_MS) as usize;
        match &self.workload.model {
            Some(m) => m.forecast((hour + 1).saturating_sub(m.n).max(1)),
            None => policy.prior_orders_per_hour[hour % SEASON],
        }
    }

    /// At each hour: refit at midnight, then plan the hour's heads.
    pub(crate) fn plan_hour(&mut self, now: SimTime, policy: &WorkloadPolicy) {
        let hour = (now.as_millis() / HOUR_MS) as usize;
        if hour > 0 && hour.is_multiple_of(SEASON) {
            let mut history: Vec<f64> =
                self.workload.hourly.iter().map(|&c| f64::from(c)).collect();
            history.resize(hour, 0.0);
            if let Some(m) = HoltWinters::fit(&history, SEASON) {
                self.emit(
                    now,
                    DomainEvent::ModelUpdated {
                        observations: m.n as u32,
                        rmse: m.rmse,
                        alpha: m.alpha,
                        beta: m.beta,
                        gamma: m.gamma,
                    },
                );
                self.workload.model = Some(m);
            }
        }
        let forecast_orders = self.forecast_orders(now, policy);
        let minute = self.config.calendar.minute_of_day(now);
        let rate = self.lines_per_head_hour().max(1.0);
        let planned_heads = (forecast_orders * policy.lines_per_order / rate).ceil() as u32;
        let pack_s = self.workload.pack_seconds_per_order(policy);
        let plan = HourPlan {
            start: now,
            forecast_orders,
            planned_heads,
            rostered_heads: self.config.heads_at(minute),
            planned_packers: (forecast_orders * pack_s / 3600.0).ceil() as u32,
            pack_stations: self.config.packing.stations,
        };
        self.workload.plan.push(plan);
        self.emit(
            now,
            DomainEvent::WorkloadPlanned {
                forecast_orders,
                planned_heads,
                rostered_heads: plan.rostered_heads,
                planned_packers: plan.planned_packers,
                pack_stations: plan.pack_stations,
            },
        );
    }

    /// Lines of orders received and not yet picked: waiting for a wave or
    /// on the floor.
    pub(crate) fn open_lines(&self) -> u32 {
        let waiting: usize = self
            .waves
            .waiting
            .iter()
            .map(|&o| self.orders.get(o).lines.len())
            .sum();
        waiting as u32 + self.waves.floor_lines
    }

    /// Plan against actual: if the open work and the forecast arrivals will
    /// not fit in what is left of the labour plan's window, ask the heads on
    /// the floor to stay on (up to the policy's overtime).
    pub(crate) fn compare_plan(&mut self, now: SimTime, policy: &WorkloadPolicy) {
        let minute = self.config.calendar.minute_of_day(now);
        let heads = self.config.heads_at(minute);
        let Some(end_min) = self.config.window_end(minute) else {
            return;
        };
        let end = self
            .config
            .calendar
            .next(now + SimDuration::from_millis(1), end_min);
        let left_h = end.saturating_since(now).as_secs_f64() / 3600.0;
        // Arrivals until the window ends, by the forecast.
        let mut arriving = 0.0;
        let mut t = now;
        while t < end {
            let next = SimTime::from_millis((t.as_millis() / HOUR_MS + 1) * HOUR_MS).min(end);
            let share = next.saturating_since(t).as_secs_f64() / 3600.0;
            arriving += self.forecast_orders(t, policy) * share;
            t = next;
        }
        let work = f64::from(self.open_lines()) + arriving * policy.lines_per_order;
        let rate = self.lines_per_head_hour().max(1.0);
        let capacity = f64::from(heads) * rate * left_h;
        if heads == 0 || work <= capacity {
            return;
        }
        let overtime_h = ((work - capacity) / (f64::from(heads) * rate))
            .min(policy.max_overtime.as_secs_f64() / 3600.0);
        // Whole quarters of an hour, so the plan does not chase noise.
        let quarters = (overtime_h * 4.0).ceil() as u64;
        let until = end + SimDuration::from_mins(15 * quarters);
        if quarters == 0 || self.workload.adjusted.is_some_and(|a| a.until >= until) {
            return;
        }
        self.workload.adjusted = Some(Adjustment {
            heads,
            shift_end: end,
            until,
        });
        self.emit(
            now,
            DomainEvent::CapacityAdjusted {
                heads,
                shift_end: end,
                until,
                open_lines: work.round() as u32,
                capacity_lines: capacity.round() as u32,
            },
        );
        // Task execution's answer: counts wait, pickers pick, and go where
        // the work is.
        let moves = self.rebalance_zones();
        self.emit(
            now,
            DomainEvent::WorkloadRebalanced {
                counts_paused_until: until,
                moves,
            },
        );
    }

    /// Zone picking: moves one signed-on picker from the zone with the least
    /// pending lines per head (if it has another) to the one with the most,
    /// when that has more than twice as many; an idle picker first.
    pub(crate) fn rebalance_zones(&mut self) -> Vec<ZoneMove> {
        if !matches!(self.config.picking, Picking::Zone { .. }) {
            return Vec::new();
        }
        let zones = self.master.zones.len();
        let mut lines = vec![0u32; zones];
        let mut heads = vec![0u32; zones];
        for t in self.tasks.all() {
            if let (TaskStatus::Pending, Some(z)) = (t.status, t.zone) {
                lines[z as usize] += t.lines.len() as u32;
            }
        }
        for a in &self.tasks.associates {
            if let (true, Some(z)) = (a.signed_on, a.zone) {
                heads[z as usize] += 1;
            }
        }
        let per_head = |z: usize| f64::from(lines[z]) / f64::from(heads[z].max(1));
        let busiest =
            (0..zones).max_by(|&a, &b| per_head(a).total_cmp(&per_head(b)).then(b.cmp(&a)));
        let quietest = (0..zones)
            .filter(|&z| heads[z] >= 2)
            .min_by(|&a, &b| per_head(a).total_cmp(&per_head(b)).then(a.cmp(&b)));
        let (Some(to), Some(from)) = (busiest, quietest) else {
            return Vec::new();
        };
        if to == from || per_head(to) <= 2.0 * per_head(from) {
            return Vec::new();
        }
        let (from, to) = (from as u16, to as u16);
        let Some(a) = self
            .tasks
            .associates
            .iter_mut()
            .filter(|a| a.signed_on && a.zone == Some(from))
            .min_by_key(|a| (a.current.is_some(), a.id))
        else {
            return Vec::new();
        };
        a.zone = Some(to);
        vec![ZoneMove {
            associate: a.id,
            from,
            to,
        }]
    }
}
