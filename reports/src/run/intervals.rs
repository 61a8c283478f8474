//! Tables over time: the KPIs of each metrics interval, and the labour
//! plan against what happened, hour by hour.

use crate::table::Table;
use paklog_domain::{DomainEvent, Warehouse};
use paklog_sim::SimTime;

use super::*;

/// Every 5 minutes: orders received and shipped, lines picked, backlog at
/// the end of the interval, utilisation (task time over heads on the floor
/// by the labour plan) and the on-time share of the orders shipped.
pub(super) fn kpi_intervals(wh: &Warehouse, end: SimTime) -> Table {
    let n = end.as_millis().div_ceil(INTERVAL_MS).max(1) as usize;
    let mut received = vec![0u32; n];
    let mut shipped = vec![0u32; n];
    let mut on_time = vec![0u32; n];
    let mut lines = vec![0u32; n];
    let mut busy_ms = vec![0u64; n];
    let slot = |t: SimTime| ((t.as_millis() / INTERVAL_MS) as usize).min(n - 1);
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
                let i = ((a / INTERVAL_MS) as usize).min(n - 1);
                let b = ((i as u64 + 1) * INTERVAL_MS).min(stop).max(a + 1);
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
    let utilisation: Vec<Option<f64>> = (0..n)
        .map(|i| {
            let minute = ((i as u64 * INTERVAL_MS / 60_000) % 1440) as u32;
            let heads = wh.config().heads_at(minute);
            (heads > 0).then(|| busy_ms[i] as f64 / (f64::from(heads) * INTERVAL_MS as f64))
        })
        .collect();
    let mut t = Table::default();
    t.u64("start_ms", (0..n).map(|i| i as u64 * INTERVAL_MS))
        .u64("end_ms", (0..n).map(|i| (i as u64 + 1) * INTERVAL_MS))
        .u32("orders_received", received.iter().copied())
        .u32("orders_shipped", shipped.iter().copied())
        .u32("lines_picked", lines.iter().copied())
        .u64("backlog", backlog)
        .opt_f64("utilisation", utilisation)
        .opt_f64(
            "on_time_share",
            (0..n).map(|i| (shipped[i] > 0).then(|| f64::from(on_time[i]) / f64::from(shipped[i]))),
        );
    t
}

/// The workload planner's hourly plan against what happened: orders
/// forecast and received, heads planned, rostered and signed on (time
/// average), lines picked, and capacity adjustments. No rows without
/// `[workload]`.
pub(super) fn plan_vs_actual(wh: &Warehouse, end: SimTime) -> Table {
    const HOUR: u64 = 3_600_000;
    // The horizon is inclusive: an hour planned at its very end is not run.
    let plans: Vec<_> = wh.hour_plans().iter().filter(|p| p.start < end).collect();
    let n = plans.len();
    let slot = |t: SimTime| (t.as_millis() / HOUR) as usize;
    let first = plans.first().map_or(0, |p| slot(p.start));
    let index = |t: SimTime| slot(t).checked_sub(first).filter(|&i| i < n);
    let (mut received, mut lines, mut adjusted) = (vec![0u32; n], vec![0u32; n], vec![0u32; n]);
    let mut packed = vec![0u32; n];
    let mut on_ms = vec![0u64; n];
    let mut signed_on = 0u64;
    let mut last = SimTime::ZERO;
    let spread = |on_ms: &mut Vec<u64>, from: SimTime, to: SimTime, heads: u64| {
        let mut a = from.as_millis();
        while a < to.as_millis() {
            let b = ((a / HOUR + 1) * HOUR).min(to.as_millis());
            if let Some(i) = index(SimTime::from_millis(a)) {
                on_ms[i] += heads * (b - a);
            }
            a = b;
        }
    };
    for r in wh.bus().log() {
        let count = match r.event {
            DomainEvent::OrderReceived { .. } => Some(&mut received),
            DomainEvent::PickCompleted { .. } => Some(&mut lines),
            DomainEvent::CapacityAdjusted { .. } => Some(&mut adjusted),
            DomainEvent::PackingCompleted { .. } => Some(&mut packed),
            _ => None,
        };
        if let (Some(count), Some(i)) = (count, index(r.at)) {
            count[i] += 1;
        }
        match r.event {
            DomainEvent::AssociateSignedOn { .. } | DomainEvent::AssociateSignedOff { .. } => {
                spread(&mut on_ms, last, r.at, signed_on);
                last = r.at;
                if matches!(r.event, DomainEvent::AssociateSignedOn { .. }) {
                    signed_on += 1;
                } else {
                    signed_on = signed_on.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    spread(&mut on_ms, last, end, signed_on);
    let mut t = Table::default();
    t.u64("start_ms", plans.iter().map(|p| ms(p.start)))
        .f64("forecast_orders", plans.iter().map(|p| p.forecast_orders))
        .u32("actual_orders", received.iter().copied())
        .u32("planned_heads", plans.iter().map(|p| p.planned_heads))
        .u32("rostered_heads", plans.iter().map(|p| p.rostered_heads))
        .f64(
            "signed_on_heads",
            on_ms.iter().map(|&m| m as f64 / HOUR as f64),
        )
        .u32("lines_picked", lines.iter().copied())
        .u32("capacity_adjustments", adjusted.iter().copied())
        .u32("planned_packers", plans.iter().map(|p| p.planned_packers))
        .u32("pack_stations", plans.iter().map(|p| p.pack_stations))
        .u32("orders_packed", packed.iter().copied());
    t
}
