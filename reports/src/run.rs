//! The report folder of one run: a Parquet file per subject and a summary.

use std::path::Path;

use paklog_domain::order::{Order, OrderStatus};
use paklog_domain::{DomainEvent, Warehouse};
use paklog_sim::SimTime;
use serde::Serialize;

use crate::ReportError;
use crate::table::Table;

/// What identifies a run in every file it writes.
#[derive(Debug, Clone)]
pub struct RunMeta {
    /// Scenario name.
    pub scenario: String,
    /// Hash of the scenario file.
    pub scenario_hash: String,
    /// Seed of the run.
    pub seed: u64,
    /// Simulated time at the end of the run.
    pub end: SimTime,
    /// Orders created before this are warm-up and left out of the KPIs.
    pub warm_up_end: SimTime,
    /// Events the kernel ran.
    pub events_run: u64,
}

impl RunMeta {
    fn key_values(&self) -> Vec<(String, String)> {
        vec![
            ("paklog.scenario".into(), self.scenario.clone()),
            ("paklog.scenario_hash".into(), self.scenario_hash.clone()),
            ("paklog.seed".into(), self.seed.to_string()),
            ("paklog.version".into(), env!("CARGO_PKG_VERSION").into()),
        ]
    }
}

/// What the physical side knows of an associate (walking, time at work),
/// which the domain does not.
#[derive(Debug, Clone, PartialEq)]
pub struct AssociateFacts {
    /// Metres walked.
    pub walked_m: f64,
    /// Time on shift (ms).
    pub on_shift_ms: u64,
}

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

/// Length of a KPI interval.
const INTERVAL_MS: u64 = 5 * 60_000;

/// Writes the report folder of a run and returns its summary.
///
/// # Errors
/// If a file cannot be written.
pub fn write_run(
    dir: &Path,
    wh: &Warehouse,
    associates: &[AssociateFacts],
    meta: &RunMeta,
) -> Result<Summary, ReportError> {
    std::fs::create_dir_all(dir).map_err(|e| ReportError::Io(dir.to_owned(), e))?;
    let kv = meta.key_values();
    // The event log is the biggest file: write it on its own thread while
    // this one writes the rest.
    std::thread::scope(|scope| {
        let events = scope.spawn(|| events(wh).write(&dir.join("events.parquet"), &kv));
        let rest = [
            ("orders.parquet", orders(wh)),
            ("tasks.parquet", tasks(wh)),
            ("picks.parquet", picks(wh)),
            ("waves.parquet", waves(wh)),
            ("associates.parquet", associates_table(wh, associates)),
            ("kpi_intervals.parquet", kpi_intervals(wh, meta.end)),
            ("reconciliation.parquet", reconciliation(wh)),
            ("plan_vs_actual.parquet", plan_vs_actual(wh, meta.end)),
            ("conveyors.parquet", conveyors(wh, meta.end)),
        ]
        .into_iter()
        .try_for_each(|(name, table)| table.write(&dir.join(name), &kv));
        events
            .join()
            .expect("the events writer does not panic")
            .and(rest)
    })?;
    let summary = summarize(wh, associates, meta);
    let json = serde_json::to_string_pretty(&summary).expect("plain data");
    let path = dir.join("summary.json");
    std::fs::write(&path, json + "\n").map_err(|e| ReportError::Io(path, e))?;
    Ok(summary)
}

fn ms(t: SimTime) -> u64 {
    t.as_millis()
}

fn events(wh: &Warehouse) -> Table {
    let log = wh.bus.log();
    let subjects: Vec<_> = log.iter().map(|r| r.event.subject()).collect();
    let mut t = Table::default();
    t.u64("seq", log.iter().map(|r| r.seq))
        .u64("time_ms", log.iter().map(|r| ms(r.at)))
        .str("type", log.iter().map(|r| r.event.cloud_event_type()))
        .opt_u32("order_id", subjects.iter().map(|s| s.order.map(|i| i.0)))
        .opt_u32("wave_id", subjects.iter().map(|s| s.wave.map(|i| i.0)))
        .opt_u32("task_id", subjects.iter().map(|s| s.task.map(|i| i.0)))
        .opt_u32(
            "associate_id",
            subjects.iter().map(|s| s.associate.map(|i| i.0)),
        )
        .opt_u32(
            "location_id",
            subjects.iter().map(|s| s.location.map(|i| i.0)),
        )
        .opt_u32("sku_id", subjects.iter().map(|s| s.sku.map(|i| i.0)))
        .str(
            "data",
            log.iter()
                .map(|r| serde_json::to_string(&r.event).expect("plain data")),
        );
    t
}

fn status_name<T: Serialize>(status: &T) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn orders(wh: &Warehouse) -> Table {
    let all = wh.orders.all();
    let mut t = Table::default();
    t.u32("order_id", all.iter().map(|o| o.id.0))
        .str("external_id", all.iter().map(|o| o.external_id.as_str()))
        .str(
            "carrier",
            all.iter()
                .map(|o| wh.config.carriers[o.carrier.index()].name.as_str()),
        )
        .str("priority", all.iter().map(|o| status_name(&o.priority)))
        .str("status", all.iter().map(|o| status_name(&o.status)))
        .u64("created_ms", all.iter().map(|o| ms(o.created)))
        .u64("due_ms", all.iter().map(|o| ms(o.due)))
        .opt_u64("reserved_ms", all.iter().map(|o| o.reserved_at.map(ms)))
        .opt_u64("waved_ms", all.iter().map(|o| o.waved_at.map(ms)))
        .opt_u64("picked_ms", all.iter().map(|o| o.picked_at.map(ms)))
        .opt_u64("packed_ms", all.iter().map(|o| o.packed_at.map(ms)))
        .opt_u64("shipped_ms", all.iter().map(|o| o.shipped_at.map(ms)))
        .opt_bool("on_time", all.iter().map(Order::on_time))
        .u32("lines", all.iter().map(|o| o.lines.len() as u32))
        .u32("units", all.iter().map(Order::units))
        .u32("picked_units", all.iter().map(Order::picked_units))
        .u32("short_units", all.iter().map(Order::short_units))
        .opt_u32("wave_id", all.iter().map(|o| o.wave.map(|w| w.0)))
        .opt_u32("task_id", all.iter().map(|o| o.task.map(|w| w.0)))
        .opt_u32("station_id", all.iter().map(|o| o.station.map(|w| w.0)))
        .opt_str(
            "carton",
            all.iter().map(|o| {
                o.carton
                    .map(|c| wh.config.packing.cartons[c as usize].name.as_str())
            }),
        )
        .bool("qc", all.iter().map(|o| o.qc));
    t
}

fn tasks(wh: &Warehouse) -> Table {
    let all = wh.tasks.all();
    let mut t = Table::default();
    t.u32("task_id", all.iter().map(|x| x.id.0))
        .str("kind", all.iter().map(|x| status_name(&x.kind)))
        .str("status", all.iter().map(|x| status_name(&x.status)))
        .opt_u32("wave_id", all.iter().map(|x| x.wave.map(|w| w.0)))
        .str("picking", all.iter().map(|x| x.picking))
        .u32("orders", all.iter().map(|x| x.orders.len() as u32))
        .opt_u32(
            "first_order_id",
            all.iter().map(|x| x.orders.first().map(|o| o.0)),
        )
        .u32("totes", all.iter().map(|x| x.totes.len() as u32))
        .opt_str(
            "zone",
            all.iter()
                .map(|x| x.zone.map(|z| wh.master.zones[z as usize].as_str())),
        )
        .opt_u32("associate_id", all.iter().map(|x| x.associate.map(|a| a.0)))
        .u64("created_ms", all.iter().map(|x| ms(x.created)))
        .opt_u64("assigned_ms", all.iter().map(|x| x.assigned_at.map(ms)))
        .opt_u64("started_ms", all.iter().map(|x| x.started_at.map(ms)))
        .opt_u64("completed_ms", all.iter().map(|x| x.completed_at.map(ms)))
        .u32("stops", all.iter().map(|x| x.lines.len() as u32))
        .u32(
            "units",
            all.iter().map(|x| x.lines.iter().map(|l| l.quantity).sum()),
        )
        .str("policy", all.iter().map(|x| x.policy))
        .f64("distance_m", all.iter().map(|x| x.distance_m))
        .opt_f64("rtls_m", all.iter().map(|x| x.rtls_m));
    t
}

fn picks(wh: &Warehouse) -> Table {
    struct Pick {
        at: SimTime,
        task: u32,
        order: u32,
        sku: u32,
        location: u32,
        requested: u32,
        picked: u32,
    }
    let rows: Vec<Pick> = wh
        .bus
        .log()
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::PickCompleted {
                task,
                order,
                sku,
                location,
                requested,
                picked,
            } => Some(Pick {
                at: r.at,
                task: task.0,
                order: order.0,
                sku: sku.0,
                location: location.0,
                requested,
                picked,
            }),
            _ => None,
        })
        .collect();
    let task = |p: &Pick| wh.tasks.get(paklog_domain::TaskId(p.task));
    let loc = |p: &Pick| wh.master.get(paklog_domain::LocationId(p.location));
    let mut t = Table::default();
    t.u64("time_ms", rows.iter().map(|p| ms(p.at)))
        .u32("task_id", rows.iter().map(|p| p.task))
        .u32("order_id", rows.iter().map(|p| p.order))
        .str(
            "sku",
            rows.iter()
                .map(|p| wh.config.skus[p.sku as usize].code.as_str()),
        )
        .str("location", rows.iter().map(|p| loc(p).code.as_str()))
        // Numbered as `paklog route` reads them: aisles from 1, block by
        // block, and the position from the front end of the aisle in its block.
        .u32(
            "aisle",
            rows.iter()
                .map(|p| loc(p).block * wh.master.spec.aisles + loc(p).point.aisle + 1),
        )
        .f64(
            "position_m",
            rows.iter()
                .map(|p| loc(p).point.y - f64::from(loc(p).block) * wh.master.spec.aisle_length_m),
        )
        .u32("level", rows.iter().map(|p| loc(p).level))
        .u32("requested", rows.iter().map(|p| p.requested))
        .u32("picked", rows.iter().map(|p| p.picked))
        .str("policy", rows.iter().map(|p| task(p).policy))
        .f64("trip_distance_m", rows.iter().map(|p| task(p).distance_m));
    t
}

fn waves(wh: &Warehouse) -> Table {
    let all = wh.waves.all();
    let mut t = Table::default();
    t.u32("wave_id", all.iter().map(|w| w.id.0))
        .str("strategy", all.iter().map(|w| status_name(&w.strategy)))
        .str("status", all.iter().map(|w| status_name(&w.status)))
        .u32("orders", all.iter().map(|w| w.orders.len() as u32))
        .u32("lines", all.iter().map(|w| w.lines))
        .u32("units", all.iter().map(|w| w.units))
        .u64("planned_ms", all.iter().map(|w| ms(w.planned_at)))
        .opt_u64("released_ms", all.iter().map(|w| w.released_at.map(ms)))
        .opt_u64("completed_ms", all.iter().map(|w| w.completed_at.map(ms)))
        .opt_str(
            "zone",
            all.iter()
                .map(|w| w.zone.map(|z| wh.master.zones[z as usize].as_str())),
        );
    t
}

fn associates_table(wh: &Warehouse, facts: &[AssociateFacts]) -> Table {
    let all = &wh.tasks.associates;
    let fact = |i: usize| {
        facts.get(i).cloned().unwrap_or(AssociateFacts {
            walked_m: 0.0,
            on_shift_ms: 0,
        })
    };
    let mut t = Table::default();
    t.u32("associate_id", all.iter().map(|a| a.id.0))
        .str("name", wh.config.associates.iter().map(|a| a.name.as_str()))
        .u32("tasks_done", all.iter().map(|a| a.tasks_done))
        .u32("lines_done", all.iter().map(|a| a.lines_done))
        .u64("busy_ms", all.iter().map(|a| a.busy_ms))
        .u64("on_shift_ms", (0..all.len()).map(|i| fact(i).on_shift_ms))
        .opt_f64(
            "utilisation",
            all.iter().enumerate().map(|(i, a)| {
                let on = fact(i).on_shift_ms;
                (on > 0).then(|| a.busy_ms as f64 / on as f64)
            }),
        )
        .f64("walked_m", (0..all.len()).map(|i| fact(i).walked_m))
        .opt_f64("lines_per_hour", all.iter().map(|a| a.pick_rate()));
    t
}

/// Every 5 minutes: orders received and shipped, lines picked, backlog at
/// the end of the interval, utilisation (task time over heads on the floor
/// by the labour plan) and the on-time share of the orders shipped.
fn kpi_intervals(wh: &Warehouse, end: SimTime) -> Table {
    let n = end.as_millis().div_ceil(INTERVAL_MS).max(1) as usize;
    let mut received = vec![0u32; n];
    let mut shipped = vec![0u32; n];
    let mut on_time = vec![0u32; n];
    let mut lines = vec![0u32; n];
    let mut busy_ms = vec![0u64; n];
    let slot = |t: SimTime| ((t.as_millis() / INTERVAL_MS) as usize).min(n - 1);
    for o in wh.orders.all() {
        received[slot(o.created)] += 1;
        if let (Some(at), Some(ok)) = (o.shipped_at, o.on_time()) {
            shipped[slot(at)] += 1;
            on_time[slot(at)] += u32::from(ok);
        }
    }
    for r in wh.bus.log() {
        if let DomainEvent::PickCompleted { .. } = r.event {
            lines[slot(r.at)] += 1;
        }
    }
    for t in wh.tasks.all() {
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
            let heads = wh.config.heads_at(minute);
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
fn plan_vs_actual(wh: &Warehouse, end: SimTime) -> Table {
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
    for r in wh.bus.log() {
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

/// One row per conveyor segment: its constants and what it did up to
/// `end`. No rows without `[conveyor]`.
fn conveyors(wh: &Warehouse, end: SimTime) -> Table {
    let segments = wh.conveyor.as_ref().map_or(&[][..], |c| &c.segments[..]);
    let stats: Vec<_> = segments.iter().map(|s| s.stats(end)).collect();
    let run_ms = end.as_millis().max(1) as f64;
    let secs = |ms: u64| ms as f64 / 1000.0;
    let mut t = Table::default();
    t.u32("segment_id", segments.iter().map(|s| s.id.0))
        .str("code", segments.iter().map(|s| s.code.as_str()))
        .str("kind", segments.iter().map(|s| s.kind.name()))
        .f64("length_m", segments.iter().map(|s| s.spec.length_m))
        .f64("speed_mps", segments.iter().map(|s| s.spec.speed_mps))
        .u32("capacity", segments.iter().map(|s| s.spec.capacity))
        .f64(
            "headway_s",
            segments.iter().map(|s| s.spec.headway().as_secs_f64()),
        )
        .u32("totes_in", stats.iter().map(|s| s.entered))
        .u32("totes_out", stats.iter().map(|s| s.left))
        .opt_f64(
            "mean_time_on_s",
            stats
                .iter()
                .map(|s| (s.left > 0).then(|| secs(s.transit_ms) / f64::from(s.left))),
        )
        .f64(
            "mean_occupancy",
            stats.iter().map(|s| s.tote_ms as f64 / run_ms),
        )
        .f64(
            "utilisation",
            segments
                .iter()
                .zip(&stats)
                .map(|(g, s)| s.tote_ms as f64 / (run_ms * f64::from(g.spec.capacity))),
        )
        .f64("full_s", stats.iter().map(|s| secs(s.full_ms)))
        .f64("stopped_s", stats.iter().map(|s| secs(s.stopped_ms)))
        .u32("stops", stats.iter().map(|s| s.stops));
    t
}

/// Every variance between the location master, the books and the physical
/// state at the end of the run, with the event that explains it.
fn reconciliation(wh: &Warehouse) -> Table {
    let all = wh.reconcile();
    let mut t = Table::default();
    t.str("kind", all.iter().map(|v| status_name(&v.kind)))
        .u32("location_id", all.iter().map(|v| v.location.0))
        .str(
            "location_code",
            all.iter().map(|v| wh.master.get(v.location).code.as_str()),
        )
        .opt_u32("sku_id", all.iter().map(|v| v.sku.map(|s| s.0)))
        .opt_str(
            "sku_code",
            all.iter()
                .map(|v| v.sku.map(|s| wh.config.skus[s.index()].code.as_str())),
        )
        .i64("units", all.iter().map(|v| v.units))
        .opt_u64("explained_by_seq", all.iter().map(|v| v.explained_by));
    t
}

/// The run's KPIs.
#[must_use]
pub fn summarize(wh: &Warehouse, associates: &[AssociateFacts], meta: &RunMeta) -> Summary {
    let counted: Vec<&Order> = wh
        .orders
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
        wh.bus
            .log()
            .iter()
            .fold((0u64, 0u64, 0u64), |(lines, units, short), r| {
                match r.event {
                    DomainEvent::PickCompleted { picked, .. } => {
                        (lines + 1, units + u64::from(picked), short)
                    }
                    DomainEvent::PickShort { .. } => (lines, units, short + 1),
                    _ => (lines, units, short),
                }
            });
    let labour_h = associates.iter().map(|a| a.on_shift_ms).sum::<u64>() as f64 / 3_600_000.0;
    let busy_h = wh.tasks.associates.iter().map(|a| a.busy_ms).sum::<u64>() as f64 / 3_600_000.0;
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
        domain_events: wh.bus.len() as u64,
    }
}
