//! Whole simulated days of the shipped small scenario.

use std::path::Path;

use paklog_domain::order::OrderStatus;
use paklog_domain::task::TaskStatus;
use paklog_domain::wave::WaveStatus;
use paklog_scenarios::{ScenarioRun, load};

fn small() -> paklog_scenarios::LoadedScenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-dc.toml")).unwrap()
}

#[test]
fn every_unit_ordered_is_shipped_short_or_still_open() {
    let mut run = ScenarioRun::new(&small(), None);
    let summary = run.run(|_| {});
    let wh = run.warehouse();
    assert_eq!(run.virtual_world().refused, 0);
    let (mut ordered, mut shipped, mut short, mut open) = (0u64, 0u64, 0u64, 0u64);
    for o in wh.orders.all() {
        let units = u64::from(o.units());
        ordered += units;
        short += u64::from(o.short_units());
        match o.status {
            OrderStatus::Shipped => shipped += u64::from(o.picked_units()),
            OrderStatus::Closed => {}
            _ => open += units - u64::from(o.short_units()),
        }
    }
    eprintln!(
        "orders {} ordered {ordered} shipped {shipped} short {short} open {open} events {}",
        wh.orders.all().len(),
        summary.events_run
    );
    assert!(wh.orders.all().len() > 1000);
    assert!(shipped > ordered / 2, "most of the day's units ship");
    assert_eq!(ordered, shipped + short + open);
    for t in wh.tasks.all() {
        assert!(
            !matches!(t.status, TaskStatus::Cancelled),
            "no task is cancelled in this scenario"
        );
    }
    for w in wh.waves.all() {
        assert!(matches!(
            w.status,
            WaveStatus::Released | WaveStatus::Completed
        ));
    }
}
