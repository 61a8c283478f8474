//! The domain's rules as given / when / then over commands and events, on
//! the tiny site of `paklog_domain::testing`.

use paklog_domain::commands::{CommandError, PackJob};
use paklog_domain::config::SiteConfig;
use paklog_domain::order::OrderStatus;
use paklog_domain::task::TaskStatus;
use paklog_domain::testing::tiny_site;
use paklog_domain::wave::WaveStatus;
use paklog_domain::*;
use paklog_sim::{SimDuration, SimTime};

fn at(h: u64, m: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_hours(h) + SimDuration::from_mins(m)
}

fn order(id: &str, lines: &[(&str, u32)]) -> Command {
    Command::ReceiveOrder(NewOrder {
        external_id: id.into(),
        carrier: "UPS".into(),
        priority: Priority::Standard,
        lines: lines
            .iter()
            .map(|&(sku, quantity)| NewOrderLine {
                sku: sku.into(),
                quantity,
            })
            .collect(),
    })
}

fn given(config: SiteConfig) -> Warehouse {
    Warehouse::new(config).unwrap()
}

/// CloudEvents types of the events recorded since `from`.
fn types_since(wh: &Warehouse, from: usize) -> Vec<&'static str> {
    wh.bus
        .since(from)
        .iter()
        .map(|r| r.event.cloud_event_type())
        .collect()
}

fn ok(wh: &mut Warehouse, now: SimTime, cmd: Command) -> Reply {
    wh.execute(now, cmd)
        .unwrap_or_else(|e| panic!("refused: {e}"))
}

/// Receives the orders, signs associate 0 on and plans waves: returns the
/// task assigned to associate 0.
fn released_and_assigned(wh: &mut Warehouse, orders: &[Command]) -> TaskId {
    for (i, o) in orders.iter().enumerate() {
        ok(wh, at(8, i as u64), o.clone());
    }
    ok(
        wh,
        at(8, 10),
        Command::SignOn {
            associate: AssociateId(0),
        },
    );
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    match ok(
        wh,
        at(8, 30),
        Command::RequestNextTask {
            associate: AssociateId(0),
        },
    ) {
        Reply::NextTask { task: Some(t) } => t,
        other => panic!("no task: {other:?}"),
    }
}

/// [`released_and_assigned`], and associate 0 starts the task at 09:00.
fn released_and_started(wh: &mut Warehouse, orders: &[Command]) -> TaskId {
    let task = released_and_assigned(wh, orders);
    let associate = AssociateId(0);
    ok(wh, at(9, 0), Command::StartTask { associate, task });
    task
}

#[test]
fn a_valid_order_is_validated_and_its_stock_reserved() {
    let mut wh = given(tiny_site());
    let reply = ok(
        &mut wh,
        at(8, 0),
        order("o1", &[("SKU0001", 3), ("SKU0002", 1)]),
    );
    assert_eq!(
        reply,
        Reply::OrderAccepted {
            order: OrderId(0),
            status: OrderStatus::Reserved
        }
    );
    assert_eq!(
        types_since(&wh, 0),
        [
            "com.paklog.wms.order.received.v1",
            "com.paklog.wms.order.validated.v1",
            "com.paklog.wms.inventory.reserved.v1"
        ]
    );
    assert_eq!(wh.inventory.available(SkuId(0)), 17);
    assert_eq!(wh.orders.get(OrderId(0)).due, at(17, 0));
}

#[test]
fn an_invalid_order_is_refused_and_changes_nothing() {
    let mut wh = given(tiny_site());
    ok(&mut wh, at(8, 0), order("o1", &[("SKU0001", 1)]));
    let before = wh.bus.len();
    let cases = [
        (
            order("o2", &[("SKU0001", 1), ("NOPE", 1)]),
            "lines[1].sku: unknown SKU \"NOPE\"",
        ),
        (
            order("o2", &[("SKU0001", 0)]),
            "lines[0].quantity: must be ≥ 1, got 0",
        ),
        (
            order("o1", &[("SKU0001", 1)]),
            "external_id: order \"o1\" was already received",
        ),
        (order("o2", &[]), "lines: an order needs at least one line"),
    ];
    for (cmd, message) in cases {
        let err = wh.execute(at(8, 1), cmd).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    assert_eq!(wh.bus.len(), before);
    assert_eq!(wh.orders.all().len(), 1);
    assert_eq!(wh.inventory.available(SkuId(0)), 19);
}

#[test]
fn stock_is_never_over_allocated_and_a_shortage_backorders() {
    let mut wh = given(tiny_site());
    // SKU0002 has one face of 10 units.
    ok(&mut wh, at(8, 0), order("o1", &[("SKU0002", 8)]));
    let reply = ok(
        &mut wh,
        at(8, 1),
        order("o2", &[("SKU0001", 1), ("SKU0002", 3)]),
    );
    assert_eq!(
        reply,
        Reply::OrderAccepted {
            order: OrderId(1),
            status: OrderStatus::Backordered
        }
    );
    let last = &wh.bus.log().last().unwrap().event;
    assert_eq!(
        *last,
        DomainEvent::OrderBackordered {
            order: OrderId(1),
            sku: SkuId(1),
            missing: 1
        }
    );
    assert_eq!(
        wh.inventory.available(SkuId(1)),
        2,
        "nothing of o2 was reserved"
    );
    assert_eq!(wh.inventory.available(SkuId(0)), 20);
}

#[test]
fn time_waves_are_planned_released_and_turned_into_tasks() {
    let mut wh = given(tiny_site());
    ok(
        &mut wh,
        at(8, 0),
        order("o1", &[("SKU0001", 2), ("SKU0003", 1)]),
    );
    ok(&mut wh, at(8, 5), order("o2", &[("SKU0002", 1)]));
    let from = wh.bus.len();
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wms.wave.planned.v1",
            "com.paklog.wms.wave.released.v1",
            "com.paklog.wes.workflow.started.v1",
            "com.paklog.wes.task.created.v1"
        ]
    );
    let wave = &wh.waves.all()[0];
    assert_eq!(wave.status, WaveStatus::Released);
    assert_eq!(wave.orders, vec![OrderId(0), OrderId(1)]);
    assert_eq!(wh.tasks.all().len(), 2);
    assert!(
        wh.tasks
            .all()
            .iter()
            .all(|t| t.status == TaskStatus::Pending)
    );
    // The next planning run is asked for.
    let timers: Vec<_> = wh.take_timers().collect();
    assert_eq!(timers, vec![(at(9, 0), DomainTimer::PlanWaves)]);
}

#[test]
fn a_wave_is_released_only_from_planned() {
    let mut wh = given(tiny_site());
    ok(&mut wh, at(8, 0), order("o1", &[("SKU0001", 1)]));
    let wave = match ok(
        &mut wh,
        at(8, 1),
        Command::CreateWave {
            orders: vec![OrderId(0)],
        },
    ) {
        Reply::WavePlanned { wave } => wave,
        other => panic!("{other:?}"),
    };
    assert_eq!(wh.waves.find(wave).unwrap().status, WaveStatus::Planned);
    ok(&mut wh, at(8, 2), Command::ReleaseWave { wave });
    let err = wh
        .execute(at(8, 3), Command::ReleaseWave { wave })
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::WaveNotPlanned {
                status: WaveStatus::Released,
                ..
            }
        ),
        "{err}"
    );
    // An order already in a wave cannot be waved again.
    let err = wh
        .execute(
            at(8, 4),
            Command::CreateWave {
                orders: vec![OrderId(0)],
            },
        )
        .unwrap_err();
    assert!(
        err.to_string().starts_with("orders[0]: order O0 is Waved"),
        "{err}"
    );
}

#[test]
fn the_labour_plan_caps_what_a_wave_may_release() {
    let mut config = tiny_site();
    // Two heads at 2 lines an hour: 2 lines per half-hour planning interval.
    config.wave.lines_per_head_hour = 2.0;
    let mut wh = given(config);
    for i in 0..3 {
        ok(
            &mut wh,
            at(8, i),
            order(&format!("o{i}"), &[("SKU0001", 1)]),
        );
    }
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    assert_eq!(wh.waves.all()[0].orders.len(), 2);
    assert_eq!(
        wh.waves.waiting.len(),
        1,
        "the third order waits for capacity"
    );
    // Nothing was picked yet, so the floor is still full at the next run.
    wh.on_timer(at(9, 0), DomainTimer::PlanWaves);
    assert_eq!(wh.waves.all().len(), 1);
}

#[test]
fn carrier_waves_wait_until_full_or_near_the_cutoff() {
    let mut config = tiny_site();
    config.wave.strategy = WaveStrategy::Carrier;
    config.wave.max_orders = 3;
    let mut wh = given(config);
    ok(&mut wh, at(8, 0), order("o1", &[("SKU0001", 1)]));
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    assert!(
        wh.waves.all().is_empty(),
        "one order is not a full wave, and 17:00 is far"
    );
    // Two hours before the 17:00 cut-off the carrier's orders go.
    wh.on_timer(at(15, 0), DomainTimer::PlanWaves);
    assert_eq!(wh.waves.all().len(), 1);
    assert_eq!(wh.waves.all()[0].strategy, WaveStrategy::Carrier);
}

#[test]
fn zone_waves_group_orders_by_the_zone_of_their_picks() {
    let mut config = tiny_site();
    config.wave.strategy = WaveStrategy::Zone;
    config.layout.zones = vec![("front".into(), 0, 0), ("back".into(), 1, 1)];
    let mut wh = given(config);
    // SKU0001's first face and SKU0002 are in aisle 1, SKU0003 in aisle 2.
    ok(&mut wh, at(8, 0), order("o1", &[("SKU0001", 1)]));
    ok(&mut wh, at(8, 1), order("o2", &[("SKU0003", 1)]));
    ok(&mut wh, at(8, 2), order("o3", &[("SKU0002", 1)]));
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    let waves: Vec<_> = wh
        .waves
        .all()
        .iter()
        .map(|w| (w.zone, w.orders.clone()))
        .collect();
    assert_eq!(
        waves,
        vec![
            (Some(0), vec![OrderId(0), OrderId(2)]),
            (Some(1), vec![OrderId(1)])
        ]
    );
}

#[test]
fn idle_associates_get_new_tasks_by_score_and_express_goes_to_the_skilled() {
    let mut wh = given(tiny_site());
    for a in 0..2 {
        ok(
            &mut wh,
            at(8, 0),
            Command::SignOn {
                associate: AssociateId(a),
            },
        );
        assert_eq!(
            ok(
                &mut wh,
                at(8, 0),
                Command::RequestNextTask {
                    associate: AssociateId(a)
                }
            ),
            Reply::NextTask { task: None }
        );
    }
    let mut express = order("x1", &[("SKU0002", 1)]);
    if let Command::ReceiveOrder(o) = &mut express {
        o.priority = Priority::Express;
    }
    ok(&mut wh, at(8, 1), order("s1", &[("SKU0001", 1)]));
    ok(&mut wh, at(8, 2), express);
    let from = wh.bus.len();
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    let assigned: Vec<_> = wh
        .bus
        .since(from)
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::TaskAssigned {
                task, associate, ..
            } => Some((wh.tasks.get(task).orders[0], associate)),
            _ => None,
        })
        .collect();
    // The express order is dispatched first, to ann (express skill).
    assert_eq!(
        assigned,
        vec![(OrderId(1), AssociateId(0)), (OrderId(0), AssociateId(1))]
    );
}

#[test]
fn the_task_lifecycle_is_enforced_and_tasks_are_private() {
    let mut wh = given(tiny_site());
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0001", 1)])]);
    let confirm = |associate: u32, quantity: u32| Command::ConfirmPick {
        associate: AssociateId(associate),
        task,
        line: 0,
        quantity,
        barcode: None,
    };
    let err = wh.execute(at(9, 0), confirm(0, 1)).unwrap_err();
    assert!(matches!(
        err,
        CommandError::WrongTaskState {
            status: TaskStatus::Assigned,
            ..
        }
    ));
    ok(
        &mut wh,
        at(9, 0),
        Command::SignOn {
            associate: AssociateId(1),
        },
    );
    let err = wh
        .execute(
            at(9, 0),
            Command::StartTask {
                associate: AssociateId(1),
                task,
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "task: T0 is not assigned to A1");
    ok(
        &mut wh,
        at(9, 0),
        Command::StartTask {
            associate: AssociateId(0),
            task,
        },
    );
    let err = wh.execute(at(9, 1), confirm(0, 2)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "quantity: at most 1 units are to be picked here, got 2"
    );
    let err = wh
        .execute(
            at(9, 1),
            Command::DeliverTote {
                associate: AssociateId(0),
                task,
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "task: T0 still has 1 unconfirmed stops");
}

#[test]
fn a_wrong_barcode_is_rejected_and_the_right_one_accepted() {
    let mut wh = given(tiny_site());
    let task = released_and_started(&mut wh, &[order("o1", &[("SKU0002", 1)])]);
    let scan = |code: &str| Command::ConfirmPick {
        associate: AssociateId(0),
        task,
        line: 0,
        quantity: 1,
        barcode: Some(code.into()),
    };
    let before = wh.bus.len();
    let err = wh.execute(at(9, 1), scan("SKU0003")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "barcode: expected SKU0002, scanned SKU0003"
    );
    assert_eq!(wh.bus.len(), before);
    assert_eq!(
        ok(&mut wh, at(9, 1), scan("SKU0002")),
        Reply::PickRecorded { next_line: None }
    );
}

#[test]
fn a_short_pick_retries_from_another_face_then_records_the_shortage() {
    let mut wh = given(tiny_site());
    // SKU0001 sits in two faces of 10 units (locations 0 and 19).
    let task = released_and_started(&mut wh, &[order("o1", &[("SKU0001", 4)])]);
    let from = wh.bus.len();
    // Only 1 of 4 units is on the shelf.
    let reply = ok(
        &mut wh,
        at(9, 1),
        Command::ConfirmPick {
            associate: AssociateId(0),
            task,
            line: 0,
            quantity: 1,
            barcode: None,
        },
    );
    assert_eq!(reply, Reply::PickRecorded { next_line: Some(1) });
    // The books are in doubt until the location is counted.
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wes.pick.completed.v1",
            "com.paklog.wes.pick.short.v1",
            "com.paklog.wms.inventory.count-requested.v1",
        ]
    );
    assert!(wh.inventory.location(LocationId(0)).count_pending);
    let retry = &wh.tasks.get(task).lines[1];
    assert_eq!((retry.location, retry.quantity), (LocationId(19), 3));
    // The second face holds only 2: the last unit is short everywhere.
    let from = wh.bus.len();
    ok(
        &mut wh,
        at(9, 2),
        Command::ConfirmPick {
            associate: AssociateId(0),
            task,
            line: 1,
            quantity: 2,
            barcode: None,
        },
    );
    assert!(types_since(&wh, from).contains(&"com.paklog.wms.inventory.shortage-recorded.v1"));
    let line = &wh.orders.get(OrderId(0)).lines[0];
    assert_eq!((line.quantity, line.picked, line.short), (4, 3, 1));
}

#[test]
fn a_picked_tote_is_packed_checked_and_shipped_on_time() {
    let mut config = tiny_site();
    config.packing.qc_rate = 1.0;
    let mut wh = given(config);
    let task = released_and_started(&mut wh, &[order("o1", &[("SKU0003", 2)])]);
    ok(
        &mut wh,
        at(9, 1),
        Command::ConfirmPick {
            associate: AssociateId(0),
            task,
            line: 0,
            quantity: 2,
            barcode: None,
        },
    );
    let reply = ok(
        &mut wh,
        at(9, 2),
        Command::DeliverTote {
            associate: AssociateId(0),
            task,
        },
    );
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![StationId(0)],
            put_wall: None
        }
    );
    assert_eq!(wh.tasks.get(task).status, TaskStatus::Completed);
    let job = match ok(
        &mut wh,
        at(9, 3),
        Command::StartPacking {
            station: StationId(0),
        },
    ) {
        Reply::Packing { job: Some(job) } => job,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        job,
        PackJob {
            order: OrderId(0),
            qc: true,
            carton: 0,
            expected_weight_kg: 1.0,
            units: 2
        }
    );
    // The scale is 10 % off: QC records the failure, the parcel still goes.
    let from = wh.bus.len();
    ok(
        &mut wh,
        at(9, 5),
        Command::CompletePacking {
            station: StationId(0),
            order: OrderId(0),
            weight_kg: 1.1,
        },
    );
    assert_eq!(
        wh.bus.since(from)[0].event,
        DomainEvent::QualityInspected {
            order: OrderId(0),
            passed: false
        }
    );
    assert_eq!(
        types_since(&wh, from)[1..],
        [
            "com.paklog.wes.packing.completed.v1",
            "com.paklog.wes.license-plate.moved.v1",
            "com.paklog.wes.shipment.ready.v1",
            "com.paklog.wms.wave.completed.v1",
            "com.paklog.wes.workflow.completed.v1"
        ]
    );
    wh.on_timer(at(17, 0), DomainTimer::CarrierDeparture(CarrierId(0)));
    let last = &wh.bus.log().last().unwrap().event;
    assert_eq!(
        *last,
        DomainEvent::OrderShipped {
            order: OrderId(0),
            carrier: CarrierId(0),
            on_time: true
        }
    );
    assert_eq!(wh.orders.get(OrderId(0)).status, OrderStatus::Shipped);
    assert_eq!(wh.backlog(), 0);
}

#[test]
fn a_station_packs_one_order_at_a_time() {
    let mut wh = given(tiny_site());
    assert_eq!(
        ok(
            &mut wh,
            at(9, 0),
            Command::StartPacking {
                station: StationId(0)
            }
        ),
        Reply::Packing { job: None }
    );
    let err = wh
        .execute(
            at(9, 0),
            Command::StartPacking {
                station: StationId(7),
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "station: unknown station PS7");
    let err = wh
        .execute(
            at(9, 0),
            Command::CompletePacking {
                station: StationId(0),
                order: OrderId(0),
                weight_kg: 1.0,
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "order: O0 is not being packed at PS0");
}

/// Associate `a` signs on (if need be), takes `task`, picks every stop in
/// full and delivers: returns the delivery's reply.
fn work_through(wh: &mut Warehouse, now: SimTime, a: u32, task: TaskId) -> Reply {
    let associate = AssociateId(a);
    ok(wh, now, Command::SignOn { associate });
    if wh.tasks.get(task).associate.is_none() {
        match ok(wh, now, Command::RequestNextTask { associate }) {
            Reply::NextTask { task: Some(t) } => assert_eq!(t, task),
            other => panic!("{associate} got {other:?}, not {task}"),
        }
    }
    ok(wh, now, Command::StartTask { associate, task });
    for line in 0..wh.tasks.get(task).lines.len() as u32 {
        let quantity = wh.tasks.get(task).lines[line as usize].quantity;
        let confirm = Command::ConfirmPick {
            associate,
            task,
            line,
            quantity,
            barcode: None,
        };
        ok(wh, now, confirm);
    }
    ok(wh, now, Command::DeliverTote { associate, task })
}

/// The tiny site split into a front zone (aisle 1) and a back zone
/// (aisle 2), ann picking in the front and bob in the back.
fn zoned(mode: picking::ZoneMode) -> SiteConfig {
    let mut config = tiny_site();
    config.picking = picking::Picking::Zone { mode };
    config.layout.zones = vec![("front".into(), 0, 0), ("back".into(), 1, 1)];
    config.associates[0].zone = Some(0);
    config.associates[1].zone = Some(1);
    config
}

#[test]
fn a_batch_trip_picks_several_orders_each_into_its_own_tote() {
    let mut config = tiny_site();
    config.picking = picking::Picking::Batch {
        rule: picking::BatchRule::Fcfs,
        totes: 2,
    };
    let mut wh = given(config);
    // Given three orders, when a wave is released with two totes a trip,
    let first = released_and_assigned(
        &mut wh,
        &[
            order("o1", &[("SKU0001", 1)]),
            order("o2", &[("SKU0002", 1)]),
            order("o3", &[("SKU0003", 1)]),
        ],
    );
    // then the first trip carries the two most urgent orders in two totes,
    let t = wh.tasks.get(first).clone();
    assert_eq!(t.orders, vec![OrderId(0), OrderId(1)]);
    assert_eq!(t.totes.len(), 2);
    assert_ne!(t.totes[0], t.totes[1]);
    assert_eq!(wh.tasks.all().len(), 2);
    // and delivering it sends both orders to packing, each in its tote.
    let from = wh.bus.len();
    let reply = work_through(&mut wh, at(9, 0), 0, first);
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![StationId(0)],
            put_wall: None
        }
    );
    assert_eq!(wh.pack.stations[0].queue, [OrderId(0), OrderId(1)]);
    let moved: Vec<ToteId> = wh
        .bus
        .since(from)
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::LicensePlateMoved { tote, .. } => Some(tote),
            _ => None,
        })
        .collect();
    assert_eq!(moved, t.totes);
}

#[test]
fn pick_and_pass_opens_the_next_zone_when_the_tote_is_passed() {
    let mut wh = given(zoned(picking::ZoneMode::PickAndPass));
    // Given an order with a stop in each zone, released:
    let front = released_and_assigned(&mut wh, &[order("o1", &[("SKU0002", 1), ("SKU0003", 1)])]);
    let back = wh.tasks.get(front).next.expect("the back zone follows");
    assert_eq!(wh.tasks.get(back).zone, Some(1));
    assert_eq!(wh.tasks.get(back).totes, wh.tasks.get(front).totes);
    // the back zone's picker has nothing to do until the tote comes,
    let bob = AssociateId(1);
    ok(&mut wh, at(9, 0), Command::SignOn { associate: bob });
    let reply = ok(
        &mut wh,
        at(9, 0),
        Command::RequestNextTask { associate: bob },
    );
    assert_eq!(reply, Reply::NextTask { task: None });
    // when the front zone passes it on, the order is not yet picked
    let from = wh.bus.len();
    let reply = work_through(&mut wh, at(9, 1), 0, front);
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![],
            put_wall: None
        }
    );
    assert!(types_since(&wh, from).contains(&"com.paklog.wes.tote.passed.v1"));
    assert_eq!(wh.orders.get(OrderId(0)).status, OrderStatus::Picking);
    // and the back zone's idle picker gets the tote at once;
    assert_eq!(wh.tasks.get(back).associate, Some(bob));
    // when the back zone delivers it, the order goes to packing.
    let reply = work_through(&mut wh, at(9, 2), 1, back);
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![StationId(0)],
            put_wall: None
        }
    );
    assert_eq!(wh.orders.get(OrderId(0)).status, OrderStatus::Picked);
}

#[test]
fn parallel_zones_pick_at_once_and_consolidate_at_packing() {
    let mut wh = given(zoned(picking::ZoneMode::Parallel));
    let front = released_and_assigned(&mut wh, &[order("o1", &[("SKU0002", 1), ("SKU0003", 1)])]);
    let back = TaskId(front.0 + 1);
    // Given both zones' tasks open at once, in their own totes,
    assert_eq!(wh.tasks.get(back).status, TaskStatus::Pending);
    assert_ne!(wh.tasks.get(back).totes, wh.tasks.get(front).totes);
    // and a back-zone trip that starts and ends in the back zone,
    assert_eq!(wh.tasks.get(back).depot, 1);
    // when the back zone delivers first, the order waits for the front's tote;
    let reply = work_through(&mut wh, at(9, 0), 1, back);
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![],
            put_wall: None
        }
    );
    assert_eq!(wh.orders.get(OrderId(0)).status, OrderStatus::Picking);
    // when the front zone's tote arrives, it goes to packing.
    work_through(&mut wh, at(9, 1), 0, front);
    assert_eq!(wh.orders.get(OrderId(0)).status, OrderStatus::Picked);
    assert_eq!(wh.pack.stations[0].queue, [OrderId(0)]);
}

#[test]
fn a_put_wall_slot_completes_when_its_orders_items_are_in() {
    let mut config = tiny_site();
    config.picking = picking::Picking::PutWall { slots: 2, walls: 1 };
    let mut wh = given(config);
    // Given two orders picked in bulk into one tote,
    let task = released_and_assigned(
        &mut wh,
        &[
            order("o1", &[("SKU0003", 2)]),
            order("o2", &[("SKU0002", 1), ("SKU0001", 1)]),
        ],
    );
    assert_eq!(wh.tasks.get(task).totes.len(), 1);
    let reply = work_through(&mut wh, at(9, 0), 0, task);
    // the tote goes to the put wall, not to packing;
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![],
            put_wall: Some(0)
        }
    );
    let wall = 0;
    let sort = ok(&mut wh, at(9, 1), Command::StartSort { wall });
    assert_eq!(sort, Reply::Sorting { task: Some(task) });
    // one bulk tote at a time;
    assert_eq!(
        wh.execute(at(9, 1), Command::StartSort { wall }),
        Err(CommandError::PutWallBusy { wall, task })
    );
    let line_of = |wh: &Warehouse, sku: u32| {
        wh.tasks
            .get(task)
            .lines
            .iter()
            .position(|l| l.sku == SkuId(sku))
            .unwrap() as u32
    };
    let put = |wh: &mut Warehouse, sku: u32| {
        let line = line_of(wh, sku);
        ok(wh, at(9, 2), Command::PutItem { wall, task, line })
    };
    // when half of o2 is in, its slot is not complete;
    let left = wh.tasks.get(task).lines.len() as u32 - 1;
    assert_eq!(
        put(&mut wh, 1),
        Reply::Put {
            station: None,
            left
        }
    );
    // when all of o1 is in, o1 goes to packing,
    let from = wh.bus.len();
    assert_eq!(
        put(&mut wh, 2),
        Reply::Put {
            station: Some(StationId(0)),
            left: left - 1
        }
    );
    assert_eq!(
        types_since(&wh, from)[0],
        "com.paklog.wes.putwall.order-completed.v1"
    );
    // a stop is put once,
    let again = line_of(&wh, 2);
    assert_eq!(
        wh.execute(
            at(9, 2),
            Command::PutItem {
                wall,
                task,
                line: again
            }
        ),
        Err(CommandError::LineConfirmed { task, line: again })
    );
    // and the last item completes o2 and frees the wall.
    assert_eq!(
        put(&mut wh, 0),
        Reply::Put {
            station: Some(StationId(0)),
            left: 0
        }
    );
    assert_eq!(wh.pack.stations[0].queue, [OrderId(0), OrderId(1)]);
    assert_eq!(
        ok(&mut wh, at(9, 3), Command::StartSort { wall }),
        Reply::Sorting { task: None }
    );
    assert_eq!(
        wh.execute(at(9, 3), Command::StartSort { wall: 7 }),
        Err(CommandError::UnknownPutWall(7))
    );
}

#[test]
fn a_trip_starts_and_ends_at_the_depot_that_makes_it_shortest() {
    let mut config = tiny_site();
    config.layout.extra_depots = vec![1];
    let mut wh = given(config);
    // Given depots at the front of both aisles, when a trip picks in the
    // second aisle only, it starts and ends there;
    let far = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 1)])]);
    let t = wh.tasks.get(far);
    assert_eq!(t.depot, 1);
    let y = wh.master.get(t.lines[0].location).point.y;
    assert!((t.distance_m - 2.0 * y).abs() < 1e-9, "straight in and out");
    // and the picker is back at that depot when the tote is delivered.
    work_through(&mut wh, at(9, 0), 0, far);
    assert_eq!(wh.tasks.associates[0].position.aisle, 1);
}

#[test]
fn an_order_bigger_than_the_floor_can_take_goes_alone_once_the_floor_is_empty() {
    let mut config = tiny_site();
    // Two heads × half an hour × 1 line an hour: one line per planning run.
    config.wave.lines_per_head_hour = 1.0;
    let mut wh = given(config);
    ok(
        &mut wh,
        at(8, 0),
        order("big", &[("SKU0001", 1), ("SKU0003", 1)]),
    );
    ok(&mut wh, at(8, 1), order("small", &[("SKU0002", 1)]));
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    // The two-line order does not block the queue: it goes alone.
    let waves = wh.waves.all();
    assert_eq!(waves.len(), 1);
    assert_eq!(waves[0].orders, vec![OrderId(0)]);
    // The next run waits for the floor: two lines are still on it.
    wh.on_timer(at(9, 0), DomainTimer::PlanWaves);
    assert_eq!(wh.waves.all().len(), 1);
}

/// Signs `associate` on and starts the task the pool gives them.
fn next_started(wh: &mut Warehouse, now: SimTime, associate: AssociateId) -> TaskId {
    ok(wh, now, Command::SignOn { associate });
    let Reply::NextTask { task: Some(task) } = ok(wh, now, Command::RequestNextTask { associate })
    else {
        panic!("no task for {associate:?}");
    };
    ok(wh, now, Command::StartTask { associate, task });
    task
}

fn confirm(
    wh: &mut Warehouse,
    now: SimTime,
    associate: AssociateId,
    task: TaskId,
    line: u32,
    quantity: u32,
) -> Reply {
    ok(
        wh,
        now,
        Command::ConfirmPick {
            associate,
            task,
            line,
            quantity,
            barcode: None,
        },
    )
}

#[test]
fn a_pick_at_a_blocked_location_reslots_its_sku_and_reroutes_every_open_task() {
    let mut config = tiny_site();
    config.reserve_units = 50;
    let mut wh = given(config);
    let units_before = wh.inventory.total_units();
    // Given two orders for SKU0002, whose only face is location 2, released
    // and one of them started by ann,
    let ann = AssociateId(0);
    let task = released_and_started(
        &mut wh,
        &[
            order("o1", &[("SKU0002", 2)]),
            order("o2", &[("SKU0002", 3)]),
        ],
    );
    let other = TaskId(1 - task.0);
    // when the location master blocks the face,
    let from = wh.bus.len();
    ok(
        &mut wh,
        at(9, 1),
        Command::BlockLocation {
            location: LocationId(2),
            reason: "rack damage".into(),
        },
    );
    // then its stock is out of reach but still on the books, and nothing is
    // re-routed until pick execution finds out;
    assert_eq!(
        types_since(&wh, from),
        ["com.paklog.wms.location.config-changed.v1"]
    );
    assert_eq!(wh.inventory.sku(SkuId(1)).on_hand, 0);
    assert_eq!(wh.inventory.sku(SkuId(1)).blocked, 10);
    assert_eq!(wh.tasks.get(task).lines[0].location, LocationId(2));
    // when ann confirms the pick there,
    let from = wh.bus.len();
    let reply = confirm(&mut wh, at(9, 2), ann, task, 0, 2);
    // then nothing is picked, the SKU gets the free face nearest the depot
    // (location 1), filled from reserve, and both tasks go there.
    assert_eq!(reply, Reply::PickRecorded { next_line: Some(0) });
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wes.location.exception.v1",
            "com.paklog.wms.location.reslotting-required.v1",
            "com.paklog.wes.task.rerouted.v1",
            "com.paklog.wes.task.rerouted.v1",
            "com.paklog.wms.inventory.replenishment-requested.v1",
        ]
    );
    let new_face = LocationId(1);
    assert_eq!(wh.master.get(new_face).sku, Some(SkuId(1)));
    for t in [task, other] {
        let line = &wh.tasks.get(t).lines[0];
        assert_eq!((line.location, line.picked), (new_face, None));
    }
    let stock = wh.inventory.location(new_face);
    assert_eq!((stock.on_hand, stock.incoming, stock.allocated), (0, 10, 5));
    assert_eq!(wh.inventory.total_units(), units_before, "no unit lost");
    // The planned route now walks from location 2, where ann stands, to 1.
    let t = wh.tasks.get(task);
    let legs: f64 = t.lines.iter().map(|l| l.leg_m).sum::<f64>() + t.home_m;
    assert!(
        t.distance_m > legs,
        "the walk to the blocked face stays counted"
    );
    // When bob replenishes the new face (urgent: picks wait for it),
    let bob = AssociateId(1);
    let replenish = next_started(&mut wh, at(9, 3), bob);
    assert_eq!(wh.tasks.get(replenish).kind, task::TaskKind::Replenish);
    assert_eq!(wh.tasks.get(replenish).priority, Priority::Express);
    confirm(&mut wh, at(9, 5), bob, replenish, 0, 10);
    // then ann picks there, and reconciliation explains the blocked stock
    // by the block.
    confirm(&mut wh, at(9, 6), ann, task, 0, 2);
    assert_eq!(wh.orders.get(OrderId(task.0)).lines[0].picked, 2);
    assert_eq!(wh.inventory.total_units(), units_before - 2);
    let blocked_at = wh
        .bus
        .log()
        .iter()
        .find(|r| r.event.cloud_event_type() == "com.paklog.wms.location.config-changed.v1")
        .map(|r| r.seq);
    assert_eq!(
        wh.reconcile(),
        [Variance {
            kind: VarianceKind::BlockedStock,
            location: LocationId(2),
            sku: Some(SkuId(1)),
            units: 10,
            explained_by: blocked_at,
        }]
    );
    // When the face opens again its units are back within reach.
    ok(
        &mut wh,
        at(10, 0),
        Command::UnblockLocation {
            location: LocationId(2),
        },
    );
    assert_eq!(wh.inventory.sku(SkuId(1)).blocked, 0);
    assert!(wh.reconcile().is_empty());
}

#[test]
fn blocking_an_unknown_location_is_refused_and_changes_nothing() {
    let mut wh = given(tiny_site());
    let err = wh
        .execute(
            at(8, 0),
            Command::BlockLocation {
                location: LocationId(999),
                reason: "x".into(),
            },
        )
        .unwrap_err();
    assert!(matches!(
        err,
        CommandError::UnknownLocation(LocationId(999))
    ));
    assert!(wh.bus.is_empty());
}

#[test]
fn a_face_at_its_minimum_is_replenished_to_its_maximum_from_reserve() {
    let mut config = tiny_site();
    config.reserve_units = 20;
    config.replenishment = Some(config::MinMax { min: 3, max: 10 });
    let mut wh = given(config);
    let units_before = wh.inventory.total_units();
    // Reserve stock is promised to orders when the site replenishes.
    assert_eq!(wh.inventory.available(SkuId(2)), 30);
    // Given an order for 8 of SKU0003 (one face, 10 units), when it is
    // released, then the face would be left with 2 ≤ 3: 8 units come from
    // reserve.
    let first = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 8)])]);
    let requested: Vec<_> = wh
        .bus
        .log()
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::ReplenishmentRequested {
                location, units, ..
            } => Some((location, units)),
            _ => None,
        })
        .collect();
    assert_eq!(requested, [(LocationId(12), 8)]);
    assert_eq!(wh.inventory.sku(SkuId(2)).reserve, 12);
    assert_eq!(wh.inventory.total_units(), units_before);
    // The pick is due at 15:00, the replenishment within the lead time: ann
    // gets the replenishment first (one pool for every kind of work).
    assert_eq!(wh.tasks.get(first).kind, task::TaskKind::Replenish);
    let ann = AssociateId(0);
    ok(
        &mut wh,
        at(9, 0),
        Command::StartTask {
            associate: ann,
            task: first,
        },
    );
    let from = wh.bus.len();
    confirm(&mut wh, at(9, 2), ann, first, 0, 8);
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wms.inventory.replenished.v1",
            "com.paklog.wes.location.state-changed.v1"
        ]
    );
    // When bob picks, the face holds 10 again.
    let bob = AssociateId(1);
    let pick = next_started(&mut wh, at(9, 3), bob);
    confirm(&mut wh, at(9, 4), bob, pick, 0, 8);
    assert_eq!(wh.inventory.location(LocationId(12)).on_hand, 10);
    assert_eq!(wh.inventory.total_units(), units_before - 8);
}

#[test]
fn a_line_larger_than_its_face_is_covered_by_a_replenishment_on_its_way() {
    let mut config = tiny_site();
    config.reserve_units = 20;
    config.replenishment = Some(config::MinMax { min: 2, max: 10 });
    let mut wh = given(config);
    // Given an order for 15 of SKU0003 (10 in the face, 20 in reserve),
    released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 15)])]);
    // then release brings 10 from reserve and allocates 5 of them: nothing
    // is short.
    let pick = wh
        .tasks
        .all()
        .iter()
        .find(|t| t.kind == task::TaskKind::Pick)
        .unwrap();
    let lines: Vec<_> = pick
        .lines
        .iter()
        .map(|l| (l.location, l.quantity))
        .collect();
    assert_eq!(lines, [(LocationId(12), 15)]);
    assert_eq!(wh.orders.get(OrderId(0)).lines[0].short, 0);
    assert_eq!(wh.inventory.location(LocationId(12)).incoming, 10);
}

#[test]
fn a_count_after_a_short_pick_corrects_the_books_and_reconciliation_explains_it() {
    let mut wh = given(tiny_site());
    let ann = AssociateId(0);
    // Given a pick of 4 of SKU0003 where the shelf holds only 1,
    let task = released_and_started(&mut wh, &[order("o1", &[("SKU0003", 4)])]);
    confirm(&mut wh, at(9, 1), ann, task, 0, 1);
    // then the location is counted next, by whoever is free,
    let bob = AssociateId(1);
    let count = next_started(&mut wh, at(9, 2), bob);
    let t = wh.tasks.get(count);
    assert_eq!(
        (t.kind, t.lines[0].location, t.lines[0].quantity),
        (task::TaskKind::Count, LocationId(12), 9)
    );
    assert_eq!(
        wh.reconcile()
            .iter()
            .map(|v| (v.kind, v.explained_by.is_some()))
            .collect::<Vec<_>>(),
        [(VarianceKind::CountPending, true)]
    );
    // and when bob counts none, the books follow.
    let from = wh.bus.len();
    confirm(&mut wh, at(9, 3), bob, count, 0, 0);
    assert_eq!(
        wh.bus.since(from)[0].event,
        DomainEvent::InventoryAdjusted {
            task: count,
            location: LocationId(12),
            sku: SkuId(2),
            books: 9,
            counted: 0
        }
    );
    assert_eq!(wh.inventory.sku(SkuId(2)).on_hand, 0);
    assert!(wh.inventory.location(LocationId(12)).usable());
    let v = wh.reconcile();
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].kind, v[0].units), (VarianceKind::CountAdjusted, -9));
    assert_eq!(v[0].explained_by, Some(wh.bus.since(from)[0].seq));
    // Every unit ordered is picked or short.
    let line = &wh.orders.get(OrderId(0)).lines[0];
    assert_eq!((line.picked, line.short), (1, 3));
}

#[test]
fn the_cycle_count_plan_counts_slotted_faces_in_turn() {
    let mut config = tiny_site();
    config.cycle_count_interval = Some(SimDuration::from_mins(30));
    let mut wh = given(config);
    wh.start(at(0, 0));
    let timers: Vec<_> = wh.take_timers().collect();
    assert!(timers.contains(&(at(0, 30), DomainTimer::CycleCount)));
    wh.on_timer(at(0, 30), DomainTimer::CycleCount);
    wh.on_timer(at(1, 0), DomainTimer::CycleCount);
    let counted: Vec<_> = wh
        .bus
        .log()
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::CountRequested {
                location, reason, ..
            } => Some((location, reason)),
            _ => None,
        })
        .collect();
    assert_eq!(
        counted,
        [
            (LocationId(0), CountReason::Cycle),
            (LocationId(2), CountReason::Cycle)
        ]
    );
}

#[test]
fn open_work_beyond_the_rest_of_the_shift_adjusts_capacity_and_pauses_counts() {
    let mut config = tiny_site();
    config.labour = vec![config::LabourWindow {
        start_min: 8 * 60,
        end_min: 12 * 60,
        heads: 1,
    }];
    config.wave.lines_per_head_hour = 20.0;
    config.cycle_count_interval = Some(SimDuration::from_mins(5));
    config.workload = Some(config::WorkloadPolicy {
        prior_orders_per_hour: vec![0.0; 24],
        lines_per_order: 1.0,
        max_overtime: SimDuration::from_hours(2),
        pack_seconds_per_order: 0.0,
    });
    let mut wh = given(config);
    // Given 30 one-line orders at 11:00, with one head until 12:00 at 20
    // lines an hour,
    for i in 0..30 {
        let sku = if i < 20 { "SKU0001" } else { "SKU0002" };
        ok(&mut wh, at(11, 0), order(&format!("o{i}"), &[(sku, 1)]));
    }
    // when the 11:30 metrics interval closes,
    let from = wh.bus.len();
    wh.on_timer(at(11, 30), DomainTimer::MetricsTick);
    // then 30 lines against 10 the head can pick by 12:00 take an hour of
    // overtime, and task execution pauses cycle counts until then.
    let events: Vec<_> = wh.bus.since(from).iter().map(|r| r.event.clone()).collect();
    assert_eq!(
        events[1..],
        [
            DomainEvent::CapacityAdjusted {
                heads: 1,
                shift_end: at(12, 0),
                until: at(13, 0),
                open_lines: 30,
                capacity_lines: 10,
            },
            DomainEvent::WorkloadRebalanced {
                counts_paused_until: at(13, 0),
                moves: vec![],
            },
        ]
    );
    // Five minutes on, with nothing picked, counts still wait and the plan
    // asks for another quarter of an hour.
    let from = wh.bus.len();
    wh.on_timer(at(11, 35), DomainTimer::CycleCount);
    wh.on_timer(at(11, 35), DomainTimer::MetricsTick);
    let adjusted: Vec<_> = wh
        .bus
        .since(from)
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::CapacityAdjusted { until, .. } => Some(until),
            DomainEvent::CountRequested { .. } => panic!("counts are paused"),
            _ => None,
        })
        .collect();
    assert_eq!(adjusted, [at(13, 15)]);
    // Wave planning counts the head kept on after 12:00.
    wh.on_timer(at(12, 30), DomainTimer::PlanWaves);
    assert!(
        wh.bus
            .since(from)
            .iter()
            .any(|r| matches!(r.event, DomainEvent::WaveReleased { .. })),
        "a wave is released in the overtime"
    );
}

#[test]
fn the_labour_window_of_a_minute_ends_where_the_plan_says() {
    let mut config = tiny_site();
    config.labour = vec![
        config::LabourWindow {
            start_min: 360,
            end_min: 840,
            heads: 2,
        },
        config::LabourWindow {
            start_min: 840,
            end_min: 60,
            heads: 1,
        },
    ];
    assert_eq!(config.window_end(600), Some(840));
    assert_eq!(config.window_end(1000), Some(60), "across midnight");
    assert_eq!(config.window_end(120), None);
}

#[test]
fn received_goods_are_put_away_to_the_face_then_reserve_and_release_backorders() {
    let mut wh = given(tiny_site());
    let units_before = wh.inventory.total_units();
    // Given an order for 12 of SKU0003, which has 10 in its face: it waits
    // for stock,
    let reply = ok(&mut wh, at(8, 0), order("o1", &[("SKU0003", 12)]));
    assert!(matches!(
        reply,
        Reply::OrderAccepted {
            status: OrderStatus::Backordered,
            ..
        }
    ));
    // when 8 units are received, then the putaway task fills the face
    // (none to its 10 units: it is full) and takes them all to reserve;
    let err = wh
        .execute(
            at(8, 1),
            Command::ReceiveStock {
                sku: "NOPE".into(),
                units: 1,
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "sku: unknown SKU \"NOPE\"");
    ok(
        &mut wh,
        at(8, 1),
        Command::ReceiveStock {
            sku: "SKU0003".into(),
            units: 8,
        },
    );
    assert_eq!(wh.inventory.total_units(), units_before + 8);
    let ann = AssociateId(0);
    let putaway = next_started(&mut wh, at(8, 2), ann);
    let t = wh.tasks.get(putaway);
    assert_eq!(t.kind, task::TaskKind::Putaway);
    assert_eq!(
        t.lines
            .iter()
            .map(|l| (wh.master.get(l.location).code.as_str(), l.quantity))
            .collect::<Vec<_>>(),
        [("RES-00003", 8)]
    );
    confirm(&mut wh, at(8, 4), ann, putaway, 0, 8);
    assert_eq!(wh.inventory.sku(SkuId(2)).reserve, 8);
    assert_eq!(wh.inventory.total_units(), units_before + 8);
    // and with stock promised from reserve the order is still waiting: the
    // site does not replenish, so only the faces count.
    assert_eq!(wh.orders.get(OrderId(0)).status, OrderStatus::Backordered);
}

#[test]
fn a_receipt_for_a_face_with_room_goes_there_and_releases_the_orders_waiting_for_it() {
    let mut wh = given(tiny_site());
    // Given 6 of SKU0003 picked (4 left in its face) and an order for 8
    // waiting for stock,
    let ann = AssociateId(0);
    let task = released_and_started(&mut wh, &[order("o1", &[("SKU0003", 6)])]);
    confirm(&mut wh, at(9, 1), ann, task, 0, 6);
    ok(
        &mut wh,
        at(9, 2),
        Command::DeliverTote {
            associate: ann,
            task,
        },
    );
    ok(&mut wh, at(9, 3), order("o2", &[("SKU0003", 8)]));
    assert_eq!(wh.orders.get(OrderId(1)).status, OrderStatus::Backordered);
    // when 9 units come in, 6 fill the face to 10 and 3 go to reserve,
    ok(
        &mut wh,
        at(9, 4),
        Command::ReceiveStock {
            sku: "SKU0003".into(),
            units: 9,
        },
    );
    let putaway = next_started(&mut wh, at(9, 5), ann);
    let stops: Vec<_> = wh
        .tasks
        .get(putaway)
        .lines
        .iter()
        .map(|l| (l.location, l.quantity))
        .collect();
    assert_eq!(stops[0], (LocationId(12), 6));
    assert_eq!(stops[1].1, 3);
    // and once the face is filled the order waiting for it is reserved.
    let from = wh.bus.len();
    confirm(&mut wh, at(9, 6), ann, putaway, 0, 6);
    assert!(types_since(&wh, from).contains(&"com.paklog.wms.inventory.reserved.v1"));
    assert_eq!(wh.orders.get(OrderId(1)).status, OrderStatus::Reserved);
    confirm(&mut wh, at(9, 7), ann, putaway, 1, 3);
    assert_eq!(wh.inventory.sku(SkuId(2)).reserve, 3);
}

#[test]
fn with_zone_picking_a_capacity_adjustment_moves_a_picker_to_where_the_work_is() {
    let mut config = zoned(picking::ZoneMode::Parallel);
    config.associates.push(config::AssociateSpec {
        name: "cat".into(),
        express: false,
        zone: Some(0),
    });
    config.labour = vec![config::LabourWindow {
        start_min: 8 * 60,
        end_min: 12 * 60,
        heads: 3,
    }];
    config.wave.lines_per_head_hour = 1.0;
    config.workload = Some(config::WorkloadPolicy {
        prior_orders_per_hour: vec![0.0; 24],
        lines_per_order: 1.0,
        max_overtime: SimDuration::from_hours(2),
        pack_seconds_per_order: 0.0,
    });
    let mut wh = given(config);
    // Given two pickers in the front zone, one in the back, and work only
    // in the back (SKU0003 sits in aisle 2),
    for associate in [AssociateId(0), AssociateId(1), AssociateId(2)] {
        ok(&mut wh, at(8, 0), Command::SignOn { associate });
    }
    for i in 0..8 {
        ok(
            &mut wh,
            at(8, 0),
            order(&format!("o{i}"), &[("SKU0003", 1)]),
        );
    }
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    // when the plan falls behind,
    let from = wh.bus.len();
    wh.on_timer(at(11, 30), DomainTimer::MetricsTick);
    // then task execution moves a front-zone picker to the back.
    let moves: Vec<_> = wh
        .bus
        .since(from)
        .iter()
        .filter_map(|r| match &r.event {
            DomainEvent::WorkloadRebalanced { moves, .. } => Some(moves.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        moves,
        [vec![events::ZoneMove {
            associate: AssociateId(0),
            from: 0,
            to: 1
        }]]
    );
    assert_eq!(wh.tasks.associates[0].zone, Some(1));
}

/// The tiny site with a conveyor: 10 m belts at 0.5 m/s, spurs holding one
/// tote.
fn conveyed() -> SiteConfig {
    use paklog_domain::conveyor::{ConveyorSpec, SegmentSpec};
    let belt = |capacity| SegmentSpec {
        length_m: 10.0,
        speed_mps: 0.5,
        capacity,
    };
    let mut config = tiny_site();
    config.conveyor = Some(ConveyorSpec {
        induct: belt(4),
        main: belt(10),
        spur: belt(1),
        takeaway: belt(10),
        lane: belt(4),
    });
    config
}

#[test]
fn a_conveyed_tote_is_routed_scanned_to_its_station_and_its_parcel_to_the_dock() {
    // Given a site with a conveyor and an order picked in full
    let mut wh = given(conveyed());
    let segment = |wh: &Warehouse, code: &str| wh.conveyor.as_ref().unwrap().by_code(code).unwrap();
    let (induct, main, spur, takeaway) = (
        segment(&wh, "induct-Z1"),
        segment(&wh, "main"),
        segment(&wh, "spur-PS0"),
        segment(&wh, "takeaway"),
    );
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 2)])]);
    assert_eq!(wh.induct_of(task), Some(induct));
    // When the picker delivers the tote
    let from = wh.bus.len();
    let reply = work_through(&mut wh, at(9, 0), 0, task);
    // Then it is inducted, routed to a station, and waits for no packer yet
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![],
            put_wall: None
        }
    );
    let tote = match wh.bus.since(from).last().unwrap().event {
        DomainEvent::ToteInducted { tote, segment, .. } => {
            assert_eq!(segment, induct);
            tote
        }
        ref other => panic!("{other:?}"),
    };
    assert_eq!(wh.pack.stations[0].inbound, 1);
    // A scan off its route, or a discharge before the end, is refused.
    let wrong = wh.execute(
        at(9, 0),
        Command::ConveyTote {
            tote,
            segment: main,
        },
    );
    assert_eq!(
        wrong.unwrap_err().to_string(),
        format!("segment: {tote} is routed to {induct} next, not {main}")
    );
    let early = wh.execute(at(9, 0), Command::DischargeTote { tote });
    assert_eq!(early, Err(CommandError::NotAtDestination(tote)));
    // When the scanners see it on the induct, the main line and the spur
    for (s, seconds) in [(induct, 0), (main, 20), (spur, 40)] {
        let now = at(9, 1) + SimDuration::from_secs(seconds);
        ok(&mut wh, now, Command::ConveyTote { tote, segment: s });
    }
    // Then the one-tote spur is full, and the discharge queues the order
    assert_eq!(
        wh.bus.log().last().unwrap().event,
        DomainEvent::ConveyorBlocked { segment: spur }
    );
    let reply = ok(&mut wh, at(9, 2), Command::DischargeTote { tote });
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![StationId(0)],
            put_wall: None
        }
    );
    assert_eq!(wh.pack.stations[0].inbound, 0);
    // When the packer takes it, the spur clears after 20 s full
    let from = wh.bus.len();
    ok(
        &mut wh,
        at(9, 2),
        Command::StartPacking {
            station: StationId(0),
        },
    );
    assert!(wh.bus.since(from).iter().any(|r| r.event
        == DomainEvent::ConveyorCleared {
            segment: spur,
            blocked_ms: 20_000
        }));
    // And the packed parcel rides the takeaway under a plate of its own:
    // it is ready to ship only at the dock door.
    let from = wh.bus.len();
    ok(
        &mut wh,
        at(9, 5),
        Command::CompletePacking {
            station: StationId(0),
            order: OrderId(0),
            weight_kg: 1.0,
        },
    );
    assert!(!types_since(&wh, from).contains(&"com.paklog.wes.shipment.ready.v1"));
    let parcel = wh
        .bus
        .since(from)
        .iter()
        .find_map(|r| match r.event {
            DomainEvent::ToteInducted { tote, segment, .. } => Some((tote, segment)),
            _ => None,
        })
        .unwrap();
    assert_eq!(parcel.1, takeaway);
    assert_ne!(parcel.0, tote);
    let lane = wh
        .conveyor
        .as_ref()
        .unwrap()
        .transit(parcel.0)
        .unwrap()
        .route[1];
    for s in [takeaway, lane] {
        ok(
            &mut wh,
            at(9, 6),
            Command::ConveyTote {
                tote: parcel.0,
                segment: s,
            },
        );
    }
    let from = wh.bus.len();
    ok(&mut wh, at(9, 7), Command::DischargeTote { tote: parcel.0 });
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wes.license-plate.moved.v1",
            "com.paklog.wes.shipment.ready.v1"
        ]
    );
    wh.on_timer(at(17, 0), DomainTimer::CarrierDeparture(CarrierId(0)));
    assert_eq!(wh.orders.get(OrderId(0)).status, OrderStatus::Shipped);
    assert_eq!(wh.conveyor.as_ref().unwrap().totes(), 0);
}

#[test]
fn a_stopped_segment_refuses_totes_until_it_restarts() {
    // Given a conveyed site whose main line stops
    let mut wh = given(conveyed());
    let main = wh.conveyor.as_ref().unwrap().by_code("main").unwrap();
    let stop = Command::SetConveyor {
        segment: main,
        running: false,
        reason: "jam at the merge".into(),
    };
    ok(&mut wh, at(9, 0), stop);
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 1)])]);
    work_through(&mut wh, at(9, 0), 0, task);
    let tote = wh.orders.get(OrderId(0)).tote.unwrap();
    let induct = wh.induct_of(task).unwrap();
    ok(
        &mut wh,
        at(9, 1),
        Command::ConveyTote {
            tote,
            segment: induct,
        },
    );
    // When the tote reaches the merge, then the main line refuses it
    assert_eq!(
        wh.execute(
            at(9, 2),
            Command::ConveyTote {
                tote,
                segment: main
            }
        ),
        Err(CommandError::SegmentStopped(main))
    );
    // When it restarts 15 minutes after it stopped, then it takes the tote
    let start = Command::SetConveyor {
        segment: main,
        running: true,
        reason: String::new(),
    };
    ok(&mut wh, at(9, 15), start);
    assert_eq!(
        wh.bus.log().last().unwrap().event,
        DomainEvent::ConveyorRestarted {
            segment: main,
            stopped_ms: 15 * 60_000
        }
    );
    ok(
        &mut wh,
        at(9, 15),
        Command::ConveyTote {
            tote,
            segment: main,
        },
    );
    // And a site without a conveyor refuses conveyor commands
    let mut plain = given(tiny_site());
    assert_eq!(
        plain.execute(at(9, 0), Command::DischargeTote { tote }),
        Err(CommandError::NoConveyor)
    );
}

#[test]
fn at_the_diverts_a_tote_whose_spur_is_full_goes_to_the_station_with_room() {
    // Given two stations with one-tote spurs, and two orders picked and
    // inducted while both stations are idle
    let mut config = conveyed();
    config.packing.stations = 2;
    let mut wh = given(config);
    let task = released_and_assigned(
        &mut wh,
        &[
            order("o1", &[("SKU0003", 1)]),
            order("o2", &[("SKU0002", 1)]),
        ],
    );
    work_through(&mut wh, at(9, 0), 0, task);
    let next = wh.tasks.all().iter().find(|t| t.id != task).unwrap().id;
    work_through(&mut wh, at(9, 0), 0, next);
    let c = wh.conveyor.as_ref().unwrap();
    let (induct, main, spur0, spur1) = (
        c.by_code("induct-Z1").unwrap(),
        c.by_code("main").unwrap(),
        c.by_code("spur-PS0").unwrap(),
        c.by_code("spur-PS1").unwrap(),
    );
    let totes: Vec<ToteId> = wh
        .bus
        .log()
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::ToteInducted { tote, .. } => Some(tote),
            _ => None,
        })
        .collect();
    let route =
        |wh: &Warehouse, t: ToteId| wh.conveyor.as_ref().unwrap().transit(t).unwrap().route[2];
    // Least loaded at induction: one to each station.
    assert_eq!((route(&wh, totes[0]), route(&wh, totes[1])), (spur0, spur1));
    for &t in &totes {
        ok(
            &mut wh,
            at(9, 1),
            Command::ConveyTote {
                tote: t,
                segment: induct,
            },
        );
        ok(
            &mut wh,
            at(9, 1),
            Command::ConveyTote {
                tote: t,
                segment: main,
            },
        );
    }
    // When station 1's spur stops, and the second tote reaches the diverts
    let stop = Command::SetConveyor {
        segment: spur1,
        running: false,
        reason: "jam".into(),
    };
    ok(&mut wh, at(9, 2), stop);
    let from = wh.bus.len();
    ok(&mut wh, at(9, 2), Command::DivertTote { tote: totes[1] });
    // Then it goes to station 0, whose spur has room
    assert_eq!(route(&wh, totes[1]), spur0);
    assert_eq!(
        types_since(&wh, from),
        ["com.paklog.wes.conveyor.tote-diverted.v1"]
    );
    assert_eq!(wh.orders.get(OrderId(1)).station, Some(StationId(0)));
    ok(
        &mut wh,
        at(9, 2),
        Command::ConveyTote {
            tote: totes[1],
            segment: spur0,
        },
    );
    // And the first tote, its spur now full, keeps its station while no
    // spur has room
    ok(&mut wh, at(9, 3), Command::DivertTote { tote: totes[0] });
    assert_eq!(route(&wh, totes[0]), spur0);
    assert_eq!(
        wh.execute(
            at(9, 3),
            Command::ConveyTote {
                tote: totes[0],
                segment: spur0
            }
        ),
        Err(CommandError::SegmentFull(spur0))
    );
    // And once station 1's spur runs again, the first tote goes there,
    // while the one already on a spur stays on it
    let start = Command::SetConveyor {
        segment: spur1,
        running: true,
        reason: String::new(),
    };
    ok(&mut wh, at(9, 4), start);
    ok(&mut wh, at(9, 4), Command::DivertTote { tote: totes[1] });
    ok(&mut wh, at(9, 4), Command::DivertTote { tote: totes[0] });
    assert_eq!((route(&wh, totes[0]), route(&wh, totes[1])), (spur1, spur0));
}

#[test]
fn rtls_sees_totes_arrive_and_leave_and_reconciliation_finds_one_in_the_wrong_place() {
    // Given a tote delivered to the pack station's staging lane
    let mut wh = given(tiny_site());
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 1)])]);
    work_through(&mut wh, at(9, 0), 0, task);
    let tote = wh.orders.get(OrderId(0)).tote.unwrap();
    let spot = |wh: &Warehouse, kind| {
        let l = wh
            .master
            .locations
            .iter()
            .find(|l| l.kind == kind)
            .unwrap()
            .id;
        let (x, y) = wh.tracking.spot(l).unwrap();
        (l, (x * 1000.0) as i64, (y * 1000.0) as i64)
    };
    let (stage, sx, sy) = spot(&wh, layout::LocationKind::Stage);
    let (dock, dx, dy) = spot(&wh, layout::LocationKind::Dock);
    let ping = |x_mm, y_mm| Command::RtlsPings {
        pings: vec![RtlsPing {
            tag: tote.to_string(),
            x_mm,
            y_mm,
        }],
    };
    // When its tag pings at the lane, then the lane is occupied, and the
    // physical state agrees with the WES
    let from = wh.bus.len();
    ok(&mut wh, at(9, 1), ping(sx + 300, sy));
    assert_eq!(
        wh.bus.since(from)[0].event,
        DomainEvent::LocationStateChanged {
            location: stage,
            on_hand: 1,
            occupied: true
        }
    );
    assert!(wh.reconcile().is_empty(), "{:?}", wh.reconcile());
    // When it turns up at the dock door instead, then both places change
    // state and reconciliation reports each, unexplained
    let from = wh.bus.len();
    ok(&mut wh, at(9, 2), ping(dx, dy));
    assert_eq!(types_since(&wh, from).len(), 2);
    let found: Vec<_> = wh
        .reconcile()
        .into_iter()
        .map(|v| (v.kind, v.location, v.units, v.explained_by))
        .collect();
    assert_eq!(
        found,
        [
            (VarianceKind::OccupancyMismatch, stage, -1, None),
            (VarianceKind::OccupancyMismatch, dock, 1, None)
        ]
    );
}
