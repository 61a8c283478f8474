//! Whole simulated days of the shipped small scenario.

use std::path::Path;

use paklog_domain::DomainEvent;
use paklog_domain::order_management::OrderStatus;
use paklog_domain::task_execution::{TaskKind, TaskStatus};
use paklog_domain::wave_planning::WaveStatus;
use paklog_scenarios::schema::{
    ClockTime, Disruption, Dist, Inbound, Replenishment, Rtls, Workload,
};
use paklog_scenarios::{ScenarioRun, load};
use paklog_sim::{SimDuration, SimTime};

fn small() -> paklog_scenarios::LoadedScenario {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-dc.toml")).unwrap()
}

/// Units ordered, shipped, short and still open over every order.
fn units(wh: &paklog_domain::Warehouse) -> (u64, u64, u64, u64) {
    let (mut ordered, mut shipped, mut short, mut open) = (0u64, 0u64, 0u64, 0u64);
    for o in wh.orders().all() {
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
        wh.orders().kept(),
        summary.events_run
    );
    assert!(wh.orders().kept() > 1000);
    assert!(shipped > ordered / 2, "most of the day's units ship");
    assert_eq!(ordered, shipped + short + open);
    for t in wh.tasks().all() {
        assert!(
            !matches!(t.status, TaskStatus::Cancelled),
            "no task is cancelled in this scenario"
        );
    }
    for w in wh.waves().all() {
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
        let tasks: Vec<_> = wh.tasks().all().collect();
        let done: Vec<_> = tasks
            .iter()
            .filter(|t| t.status == TaskStatus::Completed)
            .collect();
        let lines: usize = done.iter().map(|t| t.lines.len()).sum();
        let metres: f64 = done.iter().map(|t| t.distance_m).sum();
        metres_per_line.push((name, metres / lines as f64));
        // Every order is in exactly the tasks that carry its lines.
        for t in &tasks {
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
                for t in &tasks {
                    let zone = t.zone.expect("zone tasks have a zone");
                    assert!(
                        t.lines
                            .iter()
                            .all(|l| wh.master().get(l.location).zone == zone),
                        "{name}: a zone task picks in its zone only"
                    );
                    if let Some(a) = t.associate {
                        assert_eq!(wh.tasks().associates[a.index()].zone, Some(zone));
                    }
                    if let (Some(next), ZoneMode::PickAndPass) =
                        (t.next, picking.mode.unwrap_or(ZoneMode::PickAndPass))
                    {
                        // The next zone starts only once the tote is passed.
                        let n = wh.tasks().get(next);
                        assert_eq!(n.totes, t.totes);
                        if let Some(assigned) = n.assigned_at {
                            assert!(t.completed_at.is_some_and(|c| c <= assigned), "{name}");
                        }
                    }
                }
                // Some orders span both zones: two tasks for one order.
                let mut per_order = vec![0u32; wh.orders().kept()];
                for t in &tasks {
                    per_order[t.orders[0].index()] += 1;
                }
                assert!(per_order.contains(&2), "{name}");
            }
            PickingKind::PutWall => {
                assert!(tasks.iter().all(|t| t.put_wall && t.totes.len() == 1));
                let completed = wh
                    .bus()
                    .log()
                    .iter()
                    .filter(|r| matches!(r.event, DomainEvent::PutWallOrderCompleted { .. }))
                    .count();
                let packed = wh.orders().all().filter(|o| o.packed_at.is_some()).count();
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

/// The small scenario with `disruptions`, min/max replenishment and cycle
/// counts.
fn disrupted(disruptions: Vec<Disruption>) -> paklog_scenarios::LoadedScenario {
    let mut loaded = small();
    let s = &mut loaded.scenario;
    s.inventory.replenishment = Some(Replenishment { min: 10, max: 60 });
    s.inventory.cycle_count_interval_min = Some(20);
    s.inbound = Some(Inbound {
        every_h: Dist::Exponential { mean: 1.0 },
        units: 40,
    });
    s.disruptions = disruptions;
    loaded
}

/// A pick face a picker is on the way to at 11:01 with `disruptions`.
fn face_on_the_way(disruptions: Vec<Disruption>) -> String {
    let mut run = ScenarioRun::new(&disrupted(disruptions), None);
    run.horizon = SimTime::ZERO + SimDuration::from_mins(11 * 60 + 1);
    run.run(|_| {});
    let wh = run.warehouse();
    let stop = wh
        .tasks()
        .all()
        .filter(|t| t.status == TaskStatus::InProgress && t.kind == TaskKind::Pick)
        .find_map(|t| t.next_line().map(|i| t.lines[i].location))
        .expect("someone is picking at 11:01");
    wh.master().get(stop).code.clone()
}

fn clock(s: &str) -> Option<ClockTime> {
    Some(ClockTime::parse(s).unwrap())
}

#[test]
fn a_location_blocked_mid_day_is_reslotted_the_flow_recovers_and_no_unit_is_lost() {
    let others = vec![
        Disruption::InventoryDiscrepancy {
            at: clock("09:00"),
            every_h: None,
            location: None,
            units: 5,
        },
        Disruption::InventoryDiscrepancy {
            at: None,
            every_h: Some(Dist::Exponential { mean: 2.0 }),
            location: None,
            units: 3,
        },
        Disruption::Absence {
            at: clock("12:00"),
            every_h: None,
            associate: Some(1),
            minutes: 60.0,
        },
    ];
    // Until 11:01 the day runs as without the block: block the face a
    // picker is walking to then.
    let code = face_on_the_way(others.clone());
    let mut all = others;
    all.push(Disruption::BlockedLocation {
        at: clock("11:01"),
        every_h: None,
        location: Some(code.clone()),
        minutes: Some(240.0),
    });
    let loaded = disrupted(all);
    let mut run = ScenarioRun::new(&loaded, None);
    let units_at_start = run.warehouse().inventory().total_units();
    run.run(|_| {});
    let (wh, vw) = (run.warehouse(), run.virtual_world());
    assert_eq!(vw.refused, 0);
    let blocked = wh.master().by_code(&code).unwrap().id;
    let kinds = |name: &str| {
        wh.bus()
            .log()
            .iter()
            .filter(|r| r.event.cloud_event_type() == name)
            .count()
    };
    // Pick execution found the block, the SKU was re-slotted and open tasks
    // re-routed.
    assert!(kinds("com.paklog.wes.location.exception.v1") >= 1);
    assert_eq!(kinds("com.paklog.wms.location.reslotting-required.v1"), 1);
    assert!(kinds("com.paklog.wes.task.rerouted.v1") >= 1);
    // Discrepancies came up as short picks, were counted and corrected.
    assert!(kinds("com.paklog.wms.inventory.adjusted.v1") >= 1);
    assert!(kinds("com.paklog.wms.inventory.replenished.v1") >= 1);
    // The flow recovers: after the block nothing of that SKU is short (the
    // new face is filled from reserve), and the day ships as much as
    // without the block, give or take 2 %.
    let sku = wh.inventory().location(blocked).sku.unwrap();
    let short_after: u32 = wh
        .bus()
        .log()
        .iter()
        .filter(|r| r.at.as_millis() >= 11 * 3_600_000)
        .filter_map(|r| match r.event {
            DomainEvent::ShortageRecorded { sku: s, units, .. } if s == sku => Some(units),
            _ => None,
        })
        .sum();
    assert_eq!(short_after, 0);
    let shipped = |wh: &paklog_domain::Warehouse| {
        wh.orders()
            .all()
            .filter(|o| o.status == OrderStatus::Shipped)
            .count() as f64
    };
    let mut plain = ScenarioRun::new(&disrupted(vec![]), None);
    plain.run(|_| {});
    let ratio = shipped(wh) / shipped(plain.warehouse());
    eprintln!("shipped vs without disruptions: {ratio:.4}");
    assert!(ratio > 0.98, "{ratio}");
    // No unit is lost: every unit ordered is shipped, short or open …
    let (ordered, shipped_units, short, open) = units(wh);
    assert_eq!(ordered, shipped_units + short + open);
    // … the books moved only by picks, counts and receipts …
    assert!(kinds("com.paklog.wms.inventory.put-away.v1") >= 1);
    let (mut picked, mut adjusted) = (0i64, 0i64);
    for r in wh.bus().log() {
        match r.event {
            DomainEvent::PickCompleted { picked: p, .. } => picked += i64::from(p),
            DomainEvent::StockReceived { units, .. } => adjusted += i64::from(units),
            DomainEvent::InventoryAdjusted { books, counted, .. } => {
                adjusted += i64::from(counted) - i64::from(books);
            }
            _ => {}
        }
    }
    assert_eq!(
        wh.inventory().total_units() as i64,
        units_at_start as i64 - picked + adjusted
    );
    // … every variance reconciliation finds is explained by a fact of the
    // log, and every shelf that differs from the books lost units in a
    // discrepancy no count has found yet.
    let variances = wh.reconcile();
    eprintln!("variances: {variances:?}");
    assert!(
        variances.iter().all(|v| v.explained_by.is_some()),
        "{variances:?}"
    );
    for (location, books, shelf) in vw.shelf_variances(wh) {
        let lost: u32 = vw
            .discrepancies
            .iter()
            .filter(|d| d.1 == location)
            .map(|d| d.2)
            .sum();
        assert!(
            lost > 0 && books > shelf,
            "{location:?}: books {books}, shelf {shelf}"
        );
    }
}

/// The small scenario with two pickers, a surge of 5× from 10:00 for 4 hours and the
/// workload planner allowed `overtime_min` of overtime.
fn surge(overtime_min: u32, horizon_h: f64) -> paklog_scenarios::LoadedScenario {
    let mut loaded = small();
    let s = &mut loaded.scenario;
    s.horizon_h = horizon_h;
    s.workload = Some(Workload {
        max_overtime_min: overtime_min,
    });
    s.disruptions = vec![Disruption::DemandSurge {
        at: clock("10:00"),
        every_h: None,
        minutes: 240.0,
        factor: 5.0,
    }];
    s.associates.shifts[0].headcount = 2;
    loaded
}

/// Orders received and not yet packed.
fn work_backlog(wh: &paklog_domain::Warehouse) -> usize {
    wh.orders()
        .all()
        .filter(|o| {
            !matches!(
                o.status,
                OrderStatus::ReadyToShip | OrderStatus::Shipped | OrderStatus::Closed
            )
        })
        .count()
}

#[test]
fn with_common_random_numbers_the_feedback_loop_lowers_the_end_of_day_backlog_of_a_surge() {
    let mut results = Vec::new();
    for overtime in [0, 180] {
        let mut run = ScenarioRun::new(&surge(overtime, 24.0), None);
        run.run(|_| {});
        let wh = run.warehouse();
        assert_eq!(run.virtual_world().refused, 0);
        let count = |name: &str| {
            wh.bus()
                .log()
                .iter()
                .filter(|r| r.event.cloud_event_type() == name)
                .count()
        };
        // One plan an hour, from 00:00 to the (inclusive) horizon.
        assert_eq!(count("com.paklog.wms.workload.planned.v1"), 25);
        let adjusted = count("com.paklog.wms.workload.capacity-adjusted.v1");
        assert_eq!(adjusted, count("com.paklog.wes.workload.rebalanced.v1"));
        results.push((wh.orders().kept(), work_backlog(wh), adjusted, units(wh)));
    }
    let [
        (orders_off, backlog_off, adjusted_off, units_off),
        (orders_on, backlog_on, adjusted_on, units_on),
    ] = results[..]
    else {
        unreachable!()
    };
    eprintln!(
        "orders {orders_on}; end-of-day backlog without the loop {backlog_off}, with it {backlog_on} ({adjusted_on} capacity adjustments)"
    );
    // Common random numbers: the same orders came in both runs.
    assert_eq!(orders_off, orders_on);
    assert_eq!(units_off.0, units_on.0);
    assert_eq!(adjusted_off, 0, "no overtime allowed, no adjustment");
    assert!(adjusted_on > 0);
    assert!(backlog_on < backlog_off, "{backlog_on} vs {backlog_off}");
    for (ordered, shipped, short, open) in [units_off, units_on] {
        assert_eq!(ordered, shipped + short + open);
    }
}

#[test]
fn the_forecast_is_refitted_each_midnight_and_tracks_the_days_that_follow() {
    let mut loaded = small();
    loaded.scenario.horizon_h = 96.0;
    loaded.scenario.workload = Some(Workload {
        max_overtime_min: 0,
    });
    let mut run = ScenarioRun::new(&loaded, None);
    run.run(|_| {});
    let wh = run.warehouse();
    let refits: Vec<u32> = wh
        .bus()
        .log()
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::ModelUpdated { observations, .. } => Some(observations),
            _ => None,
        })
        .collect();
    // Two days of history are needed: refits at 48 h, 72 h and 96 h (the
    // horizon is inclusive).
    assert_eq!(refits, [48, 72, 96]);
    // Day 4 against its forecast, hour by hour (Poisson arrivals of 17 to
    // 100 orders an hour: the noise alone is a MAPE of about 11 %).
    let mut actual = vec![0.0; 24];
    for o in wh.orders().all() {
        let h = o.created.as_millis() / 3_600_000;
        if (72..96).contains(&h) {
            actual[(h - 72) as usize] += 1.0;
        }
    }
    let forecast: Vec<f64> = wh.hour_plans()[72..96]
        .iter()
        .map(|p| p.forecast_orders)
        .collect();
    let error = paklog_domain::workload_planning::forecast::mape(&actual, &forecast);
    // Day 1 was planned on the generator's true rates: the best any
    // forecast can do.
    let truth: Vec<f64> = wh.hour_plans()[..24]
        .iter()
        .map(|p| p.forecast_orders)
        .collect();
    let floor = paklog_domain::workload_planning::forecast::mape(&actual, &truth);
    eprintln!("day 4 hourly orders: MAPE {error:.1} % (the true rates: {floor:.1} %)");
    // Three days of Poisson counts leave the fit some noise of its own.
    assert!(error < 2.0 * floor, "{error} vs {floor}");
    // Packing: the time per order learned at the benches is the scenario's
    // mean (lognormal 45 s, plus 5 % of orders × 60 s of QC = 48 s), and
    // each hour plans the stations its forecast needs at that rate.
    let policy = wh.config().workload.as_ref().unwrap();
    assert_eq!(policy.pack_seconds_per_order, 48.0);
    let learned = wh.pack_seconds_per_order(policy);
    eprintln!("packing time learned: {learned:.2} s per order");
    assert!((learned - 48.0).abs() < 1.0, "{learned}");
    let last = wh.hour_plans().last().unwrap();
    assert_eq!(last.pack_stations, 3);
    let peak = wh.hour_plans()[72..96]
        .iter()
        .map(|p| p.planned_packers)
        .max()
        .unwrap();
    assert_eq!(peak, 2, "about 110 orders × 48 s in the peak hour");
}

/// RTLS-measured and shortest walking length of every completed pick task
/// of the small scenario with virtual tags pinging every second with
/// `noise_m`.
fn rtls_trips(noise_m: f64) -> Vec<(f64, f64)> {
    let mut loaded = small();
    loaded.scenario.horizon_h = 12.0;
    loaded.scenario.rtls = Some(Rtls {
        ping_interval_s: 1.0,
        noise_m,
    });
    let mut run = ScenarioRun::new(&loaded, None);
    run.run(|_| {});
    let wh = run.warehouse();
    assert_eq!(run.virtual_world().refused, 0);
    assert!(wh.tracking().pings() > 10_000);
    wh.tasks()
        .all()
        .filter(|t| t.status == TaskStatus::Completed)
        .map(|t| {
            let mut at = t.depot_point();
            let mut shortest = 0.0;
            for l in &t.lines {
                let to = wh.master().get(l.location).point;
                shortest += wh.master().distance(at, to);
                at = to;
            }
            shortest += wh.master().distance(at, t.depot_point());
            (t.rtls_m.expect("every picker wears a tag"), shortest)
        })
        .collect()
}

#[test]
fn rtls_measures_each_trip_close_to_its_walk_and_noise_only_adds() {
    let exact = rtls_trips(0.0);
    assert!(exact.len() > 300);
    for &(measured, shortest) in &exact {
        // Pings a second apart cut corners and miss the first second of
        // the day's first trip; they never add.
        assert!(measured <= shortest + 1e-3, "{measured} > {shortest}");
        assert!(measured >= 0.9 * shortest - 2.0, "{measured} ≪ {shortest}");
    }
    let total = |trips: &[(f64, f64)]| trips.iter().map(|t| t.0).sum::<f64>();
    let walked: f64 = exact.iter().map(|t| t.1).sum();
    let noisy = rtls_trips(0.3);
    eprintln!(
        "RTLS: {:.0} m measured without noise, {:.0} m with 0.3 m noise, {walked:.0} m shortest walks",
        total(&exact),
        total(&noisy)
    );
    assert!(total(&exact) > 0.97 * walked);
    assert!(total(&noisy) > total(&exact));
}

#[test]
fn rtls_tote_tags_show_every_staging_lane_and_dock_door_holding_what_the_wes_says() {
    let mut loaded = small();
    loaded.scenario.rtls = Some(Rtls {
        ping_interval_s: 5.0,
        noise_m: 0.1,
    });
    let mut run = ScenarioRun::new(&loaded, None);
    let check = |run: &ScenarioRun| {
        let wh = run.warehouse();
        let kind = |k| {
            wh.master()
                .locations
                .iter()
                .filter(move |l| l.kind == k)
                .map(|l| l.id)
        };
        let stages: Vec<_> = kind(paklog_domain::location_master::LocationKind::Stage).collect();
        let docks: Vec<_> = kind(paklog_domain::location_master::LocationKind::Dock).collect();
        let mut seen = 0;
        for (s, &stage) in stages.iter().enumerate() {
            let queued = wh.pack().stations[s].queue.len() as u32;
            assert_eq!(wh.tracking().totes_at(stage), queued, "station {s}");
            seen += queued;
        }
        for (d, &dock) in docks.iter().enumerate() {
            let waiting: usize = (0..wh.pack().at_dock.len())
                .filter(|c| c % docks.len() == d)
                .map(|c| wh.pack().at_dock[c].len())
                .sum();
            assert_eq!(wh.tracking().totes_at(dock) as usize, waiting, "dock {d}");
            seen += waiting as u32;
        }
        seen
    };
    // At noon, with totes queued and parcels waiting, and at the end.
    run.horizon = SimTime::ZERO + SimDuration::from_hours(12);
    run.run(|_| {});
    let at_noon = check(&run);
    run.horizon = SimTime::ZERO + SimDuration::from_hours(24);
    run.run(|_| {});
    check(&run);
    assert!(at_noon > 0, "something is waiting at noon");
    assert!(run.warehouse().reconcile().is_empty());
    assert_eq!(run.virtual_world().refused, 0);
    let changes = run
        .warehouse()
        .bus()
        .log()
        .iter()
        .filter(|r| {
            matches!(r.event, DomainEvent::LocationStateChanged { location, .. }
                if run.warehouse().master().get(location).kind == paklog_domain::location_master::LocationKind::Stage)
        })
        .count();
    eprintln!("{at_noon} totes and parcels placed at noon; {changes} staging state changes");
    assert!(changes > 1000);
}

/// Berlin skips 02:00–03:00 on 2026-03-29: three days from the 28th, with
/// a 23-hour day in the middle.
#[test]
fn shifts_cutoffs_and_departures_keep_their_local_wall_times_across_a_clock_change() {
    let mut loaded = small();
    loaded.scenario.time_zone = Some("Europe/Berlin".into());
    loaded.scenario.start_date = Some("2026-03-28".into());
    loaded.scenario.horizon_h = 71.0;
    let mut run = ScenarioRun::new(&loaded, None);
    run.run(|_| {});
    let wh = run.warehouse();
    let cal = wh.config().calendar;
    let hm = |t: SimTime| cal.local(t).format("%d %H:%M").to_string();
    // Cut-offs: every order is due at its carrier's local 17:00 or 19:00.
    for o in wh.orders().all() {
        assert!(o.due >= o.created);
        let local = hm(o.due);
        assert!(
            local.ends_with("17:00") || local.ends_with("19:00"),
            "{local}"
        );
    }
    // Departures: the trucks leave at local 17:00 and 19:00 each day.
    let mut departures: Vec<String> = wh
        .bus()
        .log()
        .iter()
        .filter(|r| matches!(r.event, DomainEvent::OrderShipped { .. }))
        .map(|r| hm(r.at))
        .collect();
    departures.dedup();
    assert_eq!(
        departures,
        [
            "28 17:00", "28 19:00", "29 17:00", "29 19:00", "30 17:00", "30 19:00"
        ]
    );
    // Shifts: the first sign-on of each day is at the shift's local 06:00.
    let mut first_sign_on: Vec<String> = Vec::new();
    for r in wh.bus().log() {
        if let DomainEvent::AssociateSignedOn { .. } = r.event {
            let day = hm(r.at)[..2].to_owned();
            if first_sign_on.last().is_none_or(|s| s[..2] != day) {
                first_sign_on.push(hm(r.at));
            }
        }
    }
    assert_eq!(first_sign_on, ["28 06:00", "29 06:00", "30 06:00"]);
    // The 29th is 23 hours long: its 06:00 is 23 hours after the 28th's.
    let six = |day| cal.at(day, 6 * 60);
    assert_eq!(six(1).saturating_since(six(0)), SimDuration::from_hours(23));
    assert_eq!(six(2).saturating_since(six(1)), SimDuration::from_hours(24));
}

/// Where each event of the log is, by what it is about.
struct Log<'a> {
    events: &'a [paklog_domain::Recorded],
}

impl Log<'_> {
    /// The position of the first event that `is` picks.
    fn first(&self, is: impl Fn(&DomainEvent) -> bool) -> Option<usize> {
        self.events.iter().position(|r| is(&r.event))
    }
}

/// Diagram 1 (WMS to WES handoff), for every wave of a small day: the
/// wave is planned, its workflow started, its tasks created, then their
/// execution started, in that order; the release sits between the
/// workflow's start and its tasks.
#[test]
fn every_wave_of_a_small_day_follows_diagram_one() {
    let mut run = ScenarioRun::new(&small(), None);
    run.run(|_| {});
    let wh = run.warehouse();
    let log = Log {
        events: wh.bus().since(0),
    };
    let mut waves = 0;
    for w in wh.waves().all() {
        let id = w.id;
        let at = |f: &dyn Fn(&DomainEvent) -> bool| log.first(f);
        let planned = at(&|e| matches!(e, DomainEvent::WavePlanned { wave, .. } if *wave == id));
        let workflow = at(&|e| matches!(e, DomainEvent::WorkflowStarted { wave } if *wave == id));
        let released = at(&|e| matches!(e, DomainEvent::WaveReleased { wave, .. } if *wave == id));
        let tasks = at(&|e| matches!(e, DomainEvent::TasksCreated { wave, .. } if *wave == id));
        let execution =
            at(&|e| matches!(e, DomainEvent::ExecutionStarted { wave, .. } if *wave == id));
        let order = [planned, workflow, released, tasks, execution];
        assert!(order.iter().all(Option::is_some), "{id}: {order:?}");
        assert!(order.is_sorted(), "{id}: {order:?}");
        waves += 1;
    }
    assert!(waves > 20, "{waves} waves");
}

/// Diagram 2 (event choreography), for every order shipped in a small
/// day: validated, reserved and waved, its wave released, its stock
/// allocated and the wave's locations reserved, its task created, picking
/// started and completed, packing started and completed, the shipment
/// ready, in that order.
#[test]
fn every_shipped_order_of_a_small_day_follows_diagram_two() {
    let mut run = ScenarioRun::new(&small(), None);
    run.run(|_| {});
    let wh = run.warehouse();
    let log = Log {
        events: wh.bus().since(0),
    };
    let mut checked = 0;
    for o in wh
        .orders()
        .all()
        .filter(|o| o.status == OrderStatus::Shipped)
    {
        let (id, w) = (o.id, o.wave.expect("a shipped order was waved"));
        let task = o.task.expect("a shipped order was picked");
        let at = |f: &dyn Fn(&DomainEvent) -> bool| log.first(f);
        let steps = [
            at(&|e| matches!(e, DomainEvent::OrderValidated { order } if *order == id)),
            at(&|e| matches!(e, DomainEvent::InventoryReserved { order, .. } if *order == id)),
            at(&|e| matches!(e, DomainEvent::OrderWaved { order, .. } if *order == id)),
            at(&|e| matches!(e, DomainEvent::WaveReleased { wave, .. } if *wave == w)),
            at(&|e| matches!(e, DomainEvent::InventoryAllocated { order, .. } if *order == id)),
            at(&|e| matches!(e, DomainEvent::LocationsReserved { wave, .. } if *wave == w)),
            at(&|e| matches!(e, DomainEvent::TaskCreated { task: t, .. } if *t == task)),
            at(&|e| matches!(e, DomainEvent::PickingStarted { order, .. } if *order == id)),
            at(&|e| matches!(e, DomainEvent::PickingCompleted { order } if *order == id)),
            at(&|e| matches!(e, DomainEvent::PackingStarted { order, .. } if *order == id)),
            at(&|e| matches!(e, DomainEvent::PackingCompleted { order, .. } if *order == id)),
            at(&|e| matches!(e, DomainEvent::ShipmentReady { order, .. } if *order == id)),
        ];
        assert!(steps.iter().all(Option::is_some), "{id}: {steps:?}");
        assert!(steps.is_sorted(), "{id}: {steps:?}");
        checked += 1;
    }
    assert!(checked > 1000, "{checked} orders");
}

/// With `wave_release = "planner"`, every wave waits the planner's review
/// before it is released, nothing the virtual planner sends is refused
/// but an unallocatable release, and every unit is still accounted for.
#[test]
fn with_a_planner_waves_wait_for_release_and_every_unit_is_accounted_for() {
    let mut loaded = small();
    loaded.scenario.strategy.wave_release = paklog_scenarios::schema::WaveRelease::Planner;
    loaded.scenario.strategy.planner_review_min = 10;
    let mut run = ScenarioRun::new(&loaded, None);
    run.run(|_| {});
    let wh = run.warehouse();
    assert_eq!(run.virtual_world().refused, 0);
    let review = SimDuration::from_mins(10);
    let mut released = 0;
    for w in wh.waves().all() {
        if let Some(at) = w.released_at {
            assert!(at >= w.planned_at + review, "{}: {w:?}", w.id);
            released += 1;
        }
    }
    assert!(released > 20, "{released} waves released");
    let (ordered, shipped, short, open) = units(wh);
    assert!(shipped > ordered / 2, "most of the day's units ship");
    assert_eq!(ordered, shipped + short + open);
}
