//! Tables over time: the KPIs of each metrics interval, and the labour
//! plan against what happened, hour by hour.

use crate::table::Table;
use paklog_domain::workload_planning::kpis::Intervals;
use paklog_domain::{DomainEvent, Warehouse};
use paklog_sim::SimTime;

use super::*;

/// Every 5 minutes: orders received and shipped, lines picked, backlog at
/// the end of the interval, utilisation (task time over heads on the floor
/// by the labour plan) and the on-time share of the orders shipped.
pub(super) fn kpi_intervals(wh: &Warehouse, end: SimTime) -> Table {
    let k = Intervals::of(wh, end);
    let n = k.len() as u64;
    let mut t = Table::default();
    let (zone, unix) = calendar(wh);
    t.u64("start_ms", (0..n).map(|i| i * INTERVAL_MS))
        .timestamp(
            "start",
            zone,
            (0..n).map(|i| unix(SimTime::from_millis(i * INTERVAL_MS))),
        )
        .u64("end_ms", (0..n).map(|i| (i + 1) * INTERVAL_MS))
        .u32("orders_received", k.received.iter().copied())
        .u32("orders_shipped", k.shipped.iter().copied())
        .u32("lines_picked", k.lines.iter().copied())
        .u64("backlog", k.backlog.iter().copied())
        .opt_f64("utilisation", k.utilisation.iter().copied())
        .opt_f64("on_time_share", (0..k.len()).map(|i| k.on_time_share(i)));
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
    let (zone, unix) = calendar(wh);
    let mut t = Table::default();
    t.u64("start_ms", plans.iter().map(|p| ms(p.start)))
        .timestamp("start", zone, plans.iter().map(|p| unix(p.start)))
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
