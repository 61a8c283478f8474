//! Whole simulated days of the shipped small scenario.

use std::path::Path;

use paklog_domain::order::OrderStatus;
use paklog_domain::task::TaskStatus;
use paklog_domain::wave::WaveStatus;
use paklog_scenarios::{ScenarioRun, load};

fn small() -> paklog_scenarios::LoadedScenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-dc.toml")).unwrap()
}

/// Units ordered, shipped, short and still open over every order.
fn units(wh: &paklog_domain::Warehouse) -> (u64, u64, u64, u64) {
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
    (ordered, shipped, short, open)
}

#[test]
fn every_unit_ordered_is_shipped_short_or_still_open() {
    let mut run = ScenarioRun::new(&small(), None);
    let summary = run.run(|_| {});
    let wh = run.warehouse();
    assert_eq!(run.virtual_world().refused, 0);
    let (ordered, shipped, short, open) = units(wh);
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

/// Conservation and each strategy's own rule, over a whole day of the small
/// scenario under every picking strategy.
#[test]
fn every_picking_strategy_conserves_units_and_keeps_its_rules() {
    use paklog_domain::DomainEvent;
    use paklog_scenarios::schema::{BatchRule, Picking, PickingKind, ZoneMode};

    let strategies = [
        ("discrete", Picking::default()),
        ("batch fcfs", batch(BatchRule::Fcfs)),
        ("batch seed", batch(BatchRule::Seed)),
        ("batch savings", batch(BatchRule::Savings)),
        (
            "cluster",
            Picking {
                kind: PickingKind::Cluster,
                totes: Some(4),
                ..Picking::default()
            },
        ),
        ("zone pick-and-pass", zone(ZoneMode::PickAndPass)),
        ("zone parallel", zone(ZoneMode::Parallel)),
        (
            "put wall",
            Picking {
                kind: PickingKind::PutWall,
                slots: Some(12),
                walls: Some(2),
                ..Picking::default()
            },
        ),
    ];
    let mut metres_per_line = Vec::new();
    for (name, picking) in strategies {
        let mut loaded = small();
        loaded.scenario.strategy.picking = picking.clone();
        let mut run = ScenarioRun::new(&loaded, None);
        run.run(|_| {});
        let wh = run.warehouse();
        assert_eq!(run.virtual_world().refused, 0, "{name}");
        let (ordered, shipped, short, open) = units(wh);
        assert_eq!(ordered, shipped + short + open, "{name}");
        assert!(shipped > ordered / 2, "{name}: most units ship");
        let tasks = wh.tasks.all();
        let done: Vec<_> = tasks
            .iter()
            .filter(|t| t.status == TaskStatus::Completed)
            .collect();
        let lines: usize = done.iter().map(|t| t.lines.len()).sum();
        let metres: f64 = done.iter().map(|t| t.distance_m).sum();
        metres_per_line.push((name, metres / lines as f64));
        // Every order is in exactly the tasks that carry its lines.
        for t in tasks {
            assert!(!t.orders.is_empty() && !t.lines.is_empty(), "{name}");
            assert!(
                t.lines.iter().all(|l| (l.slot as usize) < t.orders.len()),
                "{name}"
            );
        }
        match picking.kind {
            PickingKind::Batch | PickingKind::Cluster => {
                let cap = picking.totes() as usize;
                assert!(tasks.iter().all(|t| t.orders.len() <= cap), "{name}");
                assert!(tasks.iter().any(|t| t.orders.len() > 1), "{name}");
                assert!(tasks.iter().all(|t| t.totes.len() == t.orders.len()));
            }
            PickingKind::Zone => {
                for t in tasks {
                    let zone = t.zone.expect("zone tasks have a zone");
                    assert!(
                        t.lines
                            .iter()
                            .all(|l| wh.master.get(l.location).zone == zone),
                        "{name}: a zone task picks in its zone only"
                    );
                    if let Some(a) = t.associate {
                        assert_eq!(wh.tasks.associates[a.index()].zone, Some(zone));
                    }
                    if let (Some(next), ZoneMode::PickAndPass) =
                        (t.next, picking.mode.unwrap_or(ZoneMode::PickAndPass))
                    {
                        // The next zone starts only once the tote is passed.
                        let n = wh.tasks.get(next);
                        assert_eq!(n.totes, t.totes);
                        if let Some(assigned) = n.assigned_at {
                            assert!(t.completed_at.is_some_and(|c| c <= assigned), "{name}");
                        }
                    }
                }
                // Some orders span both zones: two tasks for one order.
                let mut per_order = vec![0u32; wh.orders.all().len()];
                for t in tasks {
                    per_order[t.orders[0].index()] += 1;
                }
                assert!(per_order.contains(&2), "{name}");
            }
            PickingKind::PutWall => {
                assert!(tasks.iter().all(|t| t.put_wall && t.totes.len() == 1));
                let completed = wh
                    .bus
                    .log()
                    .iter()
                    .filter(|r| matches!(r.event, DomainEvent::PutWallOrderCompleted { .. }))
                    .count();
                let packed = wh
                    .orders
                    .all()
                    .iter()
                    .filter(|o| o.packed_at.is_some())
                    .count();
                assert!(
                    completed >= packed && packed > 0,
                    "{name}: {completed} vs {packed}"
                );
            }
            PickingKind::Discrete => {
                assert!(tasks.iter().all(|t| t.orders.len() == 1));
            }
        }
    }
    eprintln!("{metres_per_line:?}");
    let of = |n: &str| metres_per_line.iter().find(|m| m.0 == n).unwrap().1;
    // Batching shares the walk between orders; zones keep pickers near home.
    assert!(of("batch fcfs") < of("discrete"));
    assert!(of("batch savings") < of("batch fcfs"));
    assert!(of("cluster") < of("discrete"));
    assert!(of("zone parallel") < of("discrete"));
}

fn batch(rule: paklog_scenarios::schema::BatchRule) -> paklog_scenarios::schema::Picking {
    paklog_scenarios::schema::Picking {
        kind: paklog_scenarios::schema::PickingKind::Batch,
        rule: Some(rule),
        totes: Some(6),
        ..Default::default()
    }
}

fn zone(mode: paklog_scenarios::schema::ZoneMode) -> paklog_scenarios::schema::Picking {
    paklog_scenarios::schema::Picking {
        kind: paklog_scenarios::schema::PickingKind::Zone,
        mode: Some(mode),
        ..Default::default()
    }
}
