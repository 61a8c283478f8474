//! The report folder of one run: a Parquet file per subject and a summary.

use crate::ReportError;
use crate::table::Table;
use paklog_domain::order_management::Order;
use paklog_domain::workload_planning::METRICS_INTERVAL;
use paklog_domain::{DomainEvent, Warehouse};
use paklog_sim::SimTime;
use serde::Serialize;
use std::path::Path;

mod intervals;
mod summary;

use intervals::{kpi_intervals, plan_vs_actual};
pub use summary::{Summary, summarize};

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

/// Length of a KPI interval: the domain's metrics interval.
const INTERVAL_MS: u64 = METRICS_INTERVAL.as_millis();

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

/// The site's zone, and the Unix milliseconds of a site time: what the
/// timestamp columns beside the `*_ms` ones hold.
fn calendar(wh: &Warehouse) -> (&'static str, impl Fn(SimTime) -> i64 + '_) {
    let calendar = &wh.config().calendar;
    (calendar.zone_name(), move |t| calendar.unix_ms(t))
}

fn events(wh: &Warehouse) -> Table {
    let log = wh.bus().log();
    let subjects: Vec<_> = log.iter().map(|r| r.event.subject()).collect();
    let mut t = Table::default();
    let (zone, unix) = calendar(wh);
    t.u64("seq", log.iter().map(|r| r.seq))
        .u64("time_ms", log.iter().map(|r| ms(r.at)))
        .timestamp("time", zone, log.iter().map(|r| unix(r.at)))
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
    let all: Vec<_> = wh.orders().all().collect();
    let (zone, unix) = calendar(wh);
    let mut t = Table::default();
    t.u32("order_id", all.iter().map(|o| o.id.0))
        .str("external_id", all.iter().map(|o| o.external_id.as_str()))
        .str(
            "carrier",
            all.iter()
                .map(|o| wh.config().carriers[o.carrier.index()].name.as_str()),
        )
        .str("priority", all.iter().map(|o| status_name(&o.priority)))
        .str("status", all.iter().map(|o| status_name(&o.status)))
        .u64("created_ms", all.iter().map(|o| ms(o.created)))
        .timestamp("created", zone, all.iter().map(|o| unix(o.created)))
        .u64("due_ms", all.iter().map(|o| ms(o.due)))
        .opt_u64("reserved_ms", all.iter().map(|o| o.reserved_at.map(ms)))
        .opt_u64("waved_ms", all.iter().map(|o| o.waved_at.map(ms)))
        .opt_u64("picked_ms", all.iter().map(|o| o.picked_at.map(ms)))
        .opt_u64("packed_ms", all.iter().map(|o| o.packed_at.map(ms)))
        .opt_u64("shipped_ms", all.iter().map(|o| o.shipped_at.map(ms)))
        .opt_timestamp("shipped", zone, all.iter().map(|o| o.shipped_at.map(&unix)))
        .opt_bool("on_time", all.iter().copied().map(Order::on_time))
        .u32("lines", all.iter().map(|o| o.lines.len() as u32))
        .u32("units", all.iter().copied().map(Order::units))
        .u32("picked_units", all.iter().copied().map(Order::picked_units))
        .u32("short_units", all.iter().copied().map(Order::short_units))
        .opt_u32("wave_id", all.iter().map(|o| o.wave.map(|w| w.0)))
        .opt_u32("task_id", all.iter().map(|o| o.task.map(|w| w.0)))
        .opt_u32("station_id", all.iter().map(|o| o.station.map(|w| w.0)))
        .opt_str(
            "carton",
            all.iter().map(|o| {
                o.carton
                    .map(|c| wh.config().packing.cartons[c as usize].name.as_str())
            }),
        )
        .bool("qc", all.iter().map(|o| o.qc));
    t
}

fn tasks(wh: &Warehouse) -> Table {
    let all: Vec<_> = wh.tasks().all().collect();
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
                .map(|x| x.zone.map(|z| wh.master().zones[z as usize].as_str())),
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
        .bus()
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
    let task = |p: &Pick| wh.tasks().get(paklog_domain::TaskId(p.task));
    let loc = |p: &Pick| wh.master().get(paklog_domain::LocationId(p.location));
    let (zone, unix) = calendar(wh);
    let mut t = Table::default();
    t.u64("time_ms", rows.iter().map(|p| ms(p.at)))
        .timestamp("time", zone, rows.iter().map(|p| unix(p.at)))
        .u32("task_id", rows.iter().map(|p| p.task))
        .u32("order_id", rows.iter().map(|p| p.order))
        .str(
            "sku",
            rows.iter()
                .map(|p| wh.config().skus[p.sku as usize].code.as_str()),
        )
        .str("location", rows.iter().map(|p| loc(p).code.as_str()))
        // Numbered as `paklog route` reads them: aisles from 1, block by
        // block, and the position from the front end of the aisle in its block.
        .u32(
            "aisle",
            rows.iter()
                .map(|p| loc(p).block * wh.master().spec.aisles + loc(p).point.aisle + 1),
        )
        .f64(
            "position_m",
            rows.iter().map(|p| {
                loc(p).point.y - f64::from(loc(p).block) * wh.master().spec.aisle_length_m
            }),
        )
        .u32("level", rows.iter().map(|p| loc(p).level))
        .u32("requested", rows.iter().map(|p| p.requested))
        .u32("picked", rows.iter().map(|p| p.picked))
        .str("policy", rows.iter().map(|p| task(p).policy))
        .f64("trip_distance_m", rows.iter().map(|p| task(p).distance_m));
    t
}

fn waves(wh: &Warehouse) -> Table {
    let all: Vec<_> = wh.waves().all().collect();
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
                .map(|w| w.zone.map(|z| wh.master().zones[z as usize].as_str())),
        );
    t
}

fn associates_table(wh: &Warehouse, facts: &[AssociateFacts]) -> Table {
    let all = &wh.tasks().associates;
    let fact = |i: usize| {
        facts.get(i).cloned().unwrap_or(AssociateFacts {
            walked_m: 0.0,
            on_shift_ms: 0,
        })
    };
    let mut t = Table::default();
    t.u32("associate_id", all.iter().map(|a| a.id.0))
        .str(
            "name",
            wh.config().associates.iter().map(|a| a.name.as_str()),
        )
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

/// One row per conveyor segment: its constants and what it did up to
/// `end`. No rows without `[conveyor]`.
fn conveyors(wh: &Warehouse, end: SimTime) -> Table {
    let segments = wh.conveyor().map_or(&[][..], |c| &c.segments[..]);
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
            all.iter()
                .map(|v| wh.master().get(v.location).code.as_str()),
        )
        .opt_u32("sku_id", all.iter().map(|v| v.sku.map(|s| s.0)))
        .opt_str(
            "sku_code",
            all.iter()
                .map(|v| v.sku.map(|s| wh.config().skus[s.index()].code.as_str())),
        )
        .i64("units", all.iter().map(|v| v.units))
        .opt_u64("explained_by_seq", all.iter().map(|v| v.explained_by));
    t
}
