//! Memory over a long run, as a live site keeps it: a scenario's virtual
//! days run in steps of `SWEEP_EVERY` (ten minutes), and between two the
//! domain forgets what `paklog serve` forgets by default (`Retention::default()`: events
//! beyond the latest 131 072, orders, tasks and waves finished a day ago).
//! The same domain code runs live, so the counts are what a live site of
//! that scenario would hold.
//!
//! ```text
//! cargo bench --bench retention -- [--scenario FILE] [--days 7] [--headcount N] [--keep-all]
//! ```
//! `--headcount` sets every shift's headcount (large-dc, 100 000 orders a
//! day, keeps up with about 400 a shift).
//! Prints, at the end of each day, the events made and kept, the orders
//! received and kept, the tasks kept and the process's resident memory;
//! `--keep-all` forgets nothing (as a simulation for reports does), to set
//! the two side by side.

use std::path::PathBuf;
use std::time::Instant;

use paklog_adapters::live::{Retention, SWEEP_EVERY};
use paklog_scenarios::ScenarioRun;
use paklog_sim::{SimDuration, SimTime};

/// The process's resident set (MB), from `/proc/self/status`.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        argv.iter()
            .position(|x| x == name)
            .and_then(|i| argv.get(i + 1))
            .cloned()
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = value("--scenario").map_or_else(
        || root.join("scenarios/examples/mid-dc.toml"),
        PathBuf::from,
    );
    let days: u64 = value("--days").map_or(7, |d| d.parse().expect("--days: a whole number"));
    let keep_all = argv.iter().any(|a| a == "--keep-all");

    let mut loaded = paklog_scenarios::load(&path).expect("the scenario");
    loaded.scenario.horizon_h = (days * 24) as f64;
    // Enough people that the floor keeps up with demand (no backlog grows,
    // which would hold memory as it should).
    if let Some(heads) = value("--headcount") {
        let heads = heads.parse().expect("--headcount: a whole number");
        for shift in &mut loaded.scenario.associates.shifts {
            shift.headcount = heads;
        }
    }
    let mut run = ScenarioRun::new(&loaded, None);
    let retention = Retention::default();
    let keep = retention.finished.expect("the default keeps a day");
    let step = SWEEP_EVERY;
    let day = SimDuration::from_hours(24).as_millis();
    println!(
        "{} for {days} days, {}",
        path.display(),
        if keep_all {
            "keeping everything"
        } else {
            "forgetting as a live site does"
        }
    );
    println!(
        "{:>4} {:>12} {:>10} {:>10} {:>10} {:>10} {:>8} {:>8}",
        "day", "events", "kept", "orders", "kept", "tasks kept", "RSS MB", "s"
    );
    let started = Instant::now();
    let mut t = SimTime::ZERO;
    while t < run.horizon() {
        t += step;
        run.run_until(t);
        if !keep_all {
            let mut wh = run.warehouse_mut();
            let made = wh.bus().len();
            if wh.bus().log().len() >= 2 * retention.events {
                wh.forget_events_before((made - retention.events) as u64);
            }
            if let Some(before) = t.as_millis().checked_sub(keep.as_millis()) {
                wh.forget_finished(SimTime::from_millis(before));
            }
        }
        if t.as_millis().is_multiple_of(day) {
            let wh = run.warehouse();
            println!(
                "{:>4} {:>12} {:>10} {:>10} {:>10} {:>10} {:>8.0} {:>8.1}",
                t.as_millis() / day,
                wh.bus().len(),
                wh.bus().log().len(),
                wh.orders().next_id().index(),
                wh.orders().kept(),
                wh.tasks().kept(),
                rss_mb(),
                started.elapsed().as_secs_f64(),
            );
        }
    }
    // What holds memory: the orders kept though received over a day ago.
    let wh = run.warehouse();
    let old = t.as_millis().saturating_sub(keep.as_millis());
    let mut by_status = std::collections::BTreeMap::new();
    for o in wh.orders().all().filter(|o| o.created.as_millis() < old) {
        *by_status.entry(format!("{:?}", o.status)).or_insert(0u32) += 1;
    }
    println!("orders kept, received over a day before the end, by status: {by_status:?}");
    println!("RTLS tags known: {}", wh.tracking().tags());
}
