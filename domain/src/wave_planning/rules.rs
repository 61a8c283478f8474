//! The rules of wave planning, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use crate::order_management::OrderStatus;
use crate::refusal::RefusalKind;
use crate::task_execution::TaskStatus;
use crate::testing::*;
use crate::wave_planning::WaveStatus;
use crate::*;

#[test]
fn time_waves_are_planned_released_and_turned_into_tasks() {
    let mut wh = given(tiny_site());
    ok(
        &mut wh,
        at(8, 0),
        order("o1", &[("SKU0001", 2), ("SKU0003", 1)]),
    );
    ok(&mut wh, at(8, 5), order("o2", &[("SKU0002", 1)]));
    let from = wh.bus().len();
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wms.wave.planned.v1",
            "com.paklog.wms.order.waved.v1",
            "com.paklog.wms.order.waved.v1",
            "com.paklog.wes.workflow.started.v1",
            "com.paklog.wms.wave.released.v1",
            "com.paklog.wms.inventory.allocated.v1",
            "com.paklog.wms.inventory.allocated.v1",
            "com.paklog.wes.location.reserved.v1",
            "com.paklog.wes.task.created.v1",
            "com.paklog.wes.task.created.v1",
            "com.paklog.wes.task.batch-created.v1",
            "com.paklog.wes.workflow.execution-started.v1",
        ]
    );
    let wave = wh.waves().all().next().unwrap();
    assert_eq!(wave.status, WaveStatus::Released);
    assert_eq!(wave.orders, vec![OrderId(0), OrderId(1)]);
    assert_eq!(wh.tasks().kept(), 2);
    assert!(wh.tasks().all().all(|t| t.status == TaskStatus::Pending));
    // The next planning run is asked for.
    let timers: Vec<_> = wh.take_timers().collect();
    assert_eq!(timers, vec![(at(9, 0), DomainTimer::PlanWaves)]);
}

#[test]
fn a_wave_is_released_only_from_planned() {
    let one = || Command::wave_of(vec![OrderId(0)]);
    let mut site = given(tiny_site()).with(at(8, 0), order("o1", &[("SKU0001", 1)]));
    site.when(at(8, 1), one()).then_types(&[
        "com.paklog.wms.wave.planned.v1",
        "com.paklog.wms.order.waved.v1",
        "com.paklog.wes.workflow.started.v1",
    ]);
    let wave = WaveId(0);
    assert_eq!(site.waves().find(wave).unwrap().status, WaveStatus::Planned);
    site.when(at(8, 2), Command::ReleaseWave { wave })
        .then_types(&[
            "com.paklog.wms.wave.released.v1",
            "com.paklog.wms.inventory.allocated.v1",
            "com.paklog.wes.location.reserved.v1",
            "com.paklog.wes.task.created.v1",
            "com.paklog.wes.task.batch-created.v1",
            "com.paklog.wes.workflow.execution-started.v1",
        ]);
    // Released is not PLANNED: a second release is refused, and changes
    // nothing.
    let refused = site
        .when(at(8, 3), Command::ReleaseWave { wave })
        .then_refused("wave", RefusalKind::Conflict);
    assert_eq!(refused.events().len(), 0, "a refused release emits nothing");
    assert_eq!(
        site.waves().find(wave).unwrap().status,
        WaveStatus::Released
    );
    site.when(at(8, 3), Command::ReleaseWave { wave: WaveId(9) })
        .then_refused("wave", RefusalKind::NotFound);
    // An order already in a wave cannot be waved again.
    site.when(at(8, 4), one())
        .then_refused("orders[0]", RefusalKind::Conflict);
}

/// The task of associate 0 once signed on: given at sign-on, or asked for.
fn first_task(site: &mut Given, at: paklog_sim::SimTime) -> TaskId {
    let associate = AssociateId(0);
    match site.tasks().associates[0].current {
        Some(t) => t,
        None => match site
            .when(at, Command::RequestNextTask { associate })
            .reply()
        {
            Reply::NextTask { task: Some(t) } => *t,
            other => panic!("no task: {other:?}"),
        },
    }
}

#[test]
fn a_planned_wave_can_be_cancelled_and_its_orders_wait_again() {
    let mut site = given(tiny_site())
        .with(at(8, 0), order("o1", &[("SKU0001", 1)]))
        .with(at(8, 1), order("o2", &[("SKU0002", 1)]));
    // The seed's create body: a strategy and a priority.
    site.when(
        at(8, 2),
        Command::CreateWave {
            orders: vec![OrderId(1), OrderId(0)],
            strategy: Some(WaveStrategy::Carrier),
            priority: WavePriority::High,
        },
    )
    .then_types(&[
        "com.paklog.wms.wave.planned.v1",
        "com.paklog.wms.order.waved.v1",
        "com.paklog.wms.order.waved.v1",
        "com.paklog.wes.workflow.started.v1",
    ]);
    let wave = WaveId(0);
    let w = site.waves().find(wave).unwrap();
    assert_eq!(
        (w.strategy, w.priority),
        (WaveStrategy::Carrier, WavePriority::High)
    );
    assert!(site.waves().waiting.is_empty());
    site.when(at(8, 3), Command::CancelWave { wave })
        .then_events(&[DomainEvent::WaveCancelled {
            wave,
            orders: 2,
            was: WaveStatus::Planned,
        }]);
    assert_eq!(
        site.waves().find(wave).unwrap().status,
        WaveStatus::Cancelled
    );
    // Its orders are reserved again, with their stock, and wait in the
    // order they were reserved.
    for o in [OrderId(0), OrderId(1)] {
        let order = site.orders().get(o);
        assert_eq!((order.status, order.wave), (OrderStatus::Reserved, None));
    }
    assert_eq!(site.waves().waiting, [OrderId(0), OrderId(1)]);
    assert_eq!(site.inventory().available(SkuId(0)), 19);
    // Cancelled is not PLANNED: neither a second cancel nor a release.
    site.when(at(8, 4), Command::CancelWave { wave })
        .then_refused("wave", RefusalKind::Conflict);
    site.when(at(8, 4), Command::ReleaseWave { wave })
        .then_refused("wave", RefusalKind::Conflict);
    site.when(at(8, 4), Command::CancelWave { wave: WaveId(9) })
        .then_refused("wave", RefusalKind::NotFound);
}

#[test]
fn a_released_wave_cancelled_before_its_tasks_start_is_compensated_once_started_it_cannot_be() {
    let mut site = given(tiny_site())
        .with(at(8, 0), order("o1", &[("SKU0001", 2)]))
        .with(at(8, 1), order("o2", &[("SKU0002", 1)]))
        .with(at(8, 2), Command::wave_of(vec![OrderId(0), OrderId(1)]))
        .with(at(8, 3), Command::ReleaseWave { wave: WaveId(0) });
    let wave = WaveId(0);
    // One task given to a signed-on associate (not started), one pending.
    ok(
        &mut site,
        at(8, 4),
        Command::SignOn {
            associate: AssociateId(0),
        },
    );
    first_task(&mut site, at(8, 4));
    assert!(site.tasks().associates[0].current.is_some());
    assert_eq!(site.inventory().location(LocationId(0)).allocated, 2);
    let tasks: Vec<TaskId> = site.tasks().all().map(|t| t.id).collect();
    site.when(at(8, 5), Command::CancelWave { wave })
        .then_events(&[
            DomainEvent::TaskCancelled {
                task: tasks[0],
                wave: Some(wave),
            },
            DomainEvent::TaskCancelled {
                task: tasks[1],
                wave: Some(wave),
            },
            DomainEvent::InventoryDeallocated {
                order: OrderId(0),
                wave,
                units: 2,
            },
            DomainEvent::InventoryDeallocated {
                order: OrderId(1),
                wave,
                units: 1,
            },
            DomainEvent::WaveCancelled {
                wave,
                orders: 2,
                was: WaveStatus::Released,
            },
        ]);
    // The allocations are given back, the stock stays reserved for the
    // orders, which wait again; the associate is free.
    for l in [0, 2] {
        assert_eq!(site.inventory().location(LocationId(l)).allocated, 0);
    }
    assert_eq!(site.inventory().available(SkuId(0)), 18);
    assert!(
        site.tasks()
            .all()
            .all(|t| t.status == TaskStatus::Cancelled)
    );
    assert_eq!(site.tasks().associates[0].current, None);
    assert_eq!(site.waves().waiting, [OrderId(0), OrderId(1)]);
    for o in [OrderId(0), OrderId(1)] {
        let order = site.orders().get(o);
        assert_eq!(
            (order.status, order.wave, order.task),
            (OrderStatus::Reserved, None, None)
        );
    }
    // Waved again and released, the idle associate gets a task; once it
    // starts, the wave is IN_PROGRESS and the cancel is refused.
    let again = WaveId(1);
    site.when(at(8, 6), Command::wave_of(vec![OrderId(0), OrderId(1)]))
        .then_types(&[
            "com.paklog.wms.wave.planned.v1",
            "com.paklog.wms.order.waved.v1",
            "com.paklog.wms.order.waved.v1",
            "com.paklog.wes.workflow.started.v1",
        ]);
    ok(&mut site, at(8, 7), Command::ReleaseWave { wave: again });
    let task = first_task(&mut site, at(8, 8));
    let associate = AssociateId(0);
    site.when(at(8, 9), Command::StartTask { associate, task })
        .then_types(&[
            "com.paklog.wes.task.started.v1",
            "com.paklog.wes.picking.started.v1",
        ]);
    assert_eq!(
        site.waves().find(again).unwrap().status,
        WaveStatus::InProgress
    );
    let refused = site
        .when(at(8, 10), Command::CancelWave { wave: again })
        .then_refused("wave", RefusalKind::Conflict);
    assert_eq!(refused.events().len(), 0, "a refused cancel emits nothing");
}

#[test]
fn a_planner_cannot_release_a_wave_nothing_of_which_can_be_allocated() {
    let mut site = given(tiny_site())
        .with(at(8, 0), order("o1", &[("SKU0002", 1)]))
        .with(at(8, 1), Command::wave_of(vec![OrderId(0)]))
        // SKU0002's only face is blocked after the order reserved it.
        .with(
            at(8, 2),
            Command::BlockLocation {
                location: LocationId(2),
                reason: "rack damage".into(),
            },
        );
    let wave = WaveId(0);
    let refused = site
        .when(at(8, 3), Command::ReleaseWave { wave })
        .then_refused("wave", RefusalKind::Conflict);
    assert_eq!(refused.events().len(), 0);
    assert_eq!(site.waves().find(wave).unwrap().status, WaveStatus::Planned);
    // Open again, it goes.
    ok(
        &mut site,
        at(8, 4),
        Command::UnblockLocation {
            location: LocationId(2),
        },
    );
    site.when(at(8, 5), Command::ReleaseWave { wave })
        .then_types(&[
            "com.paklog.wms.wave.released.v1",
            "com.paklog.wms.inventory.allocated.v1",
            "com.paklog.wes.location.reserved.v1",
            "com.paklog.wes.task.created.v1",
            "com.paklog.wes.task.batch-created.v1",
            "com.paklog.wes.workflow.execution-started.v1",
        ]);
}

#[test]
fn with_a_planner_planned_waves_wait_for_release_and_hold_the_floors_capacity() {
    let mut config = tiny_site();
    config.wave.release = WaveRelease::Planner;
    // Two heads at 2 lines an hour: 2 lines per half-hour planning interval.
    config.wave.lines_per_head_hour = 2.0;
    let mut site = given(config);
    for i in 0..4 {
        ok(
            &mut site,
            at(8, i),
            order(&format!("o{i}"), &[("SKU0001", 1)]),
        );
    }
    site.on_timer(at(8, 30), DomainTimer::PlanWaves);
    let w = site.waves().find(WaveId(0)).unwrap();
    assert_eq!((w.status, w.orders.len()), (WaveStatus::Planned, 2));
    assert_eq!(site.tasks().kept(), 0, "nothing goes to the floor");
    // The planned wave holds the capacity: the next run plans nothing.
    site.on_timer(at(9, 0), DomainTimer::PlanWaves);
    assert_eq!(site.waves().kept(), 1);
    // Released, its lines are on the floor (and still hold it); cancelled,
    // they no longer do.
    ok(
        &mut site,
        at(9, 1),
        Command::ReleaseWave { wave: WaveId(0) },
    );
    assert_eq!(site.tasks().kept(), 2);
    site.on_timer(at(9, 30), DomainTimer::PlanWaves);
    assert_eq!(site.waves().kept(), 1);
    ok(
        &mut site,
        at(9, 31),
        Command::CancelWave { wave: WaveId(0) },
    );
    site.on_timer(at(10, 0), DomainTimer::PlanWaves);
    assert_eq!(site.waves().kept(), 2, "the floor is free again");
}

#[test]
fn a_critical_waves_tasks_are_assigned_before_a_standard_ones_even_express() {
    let mut wh = given(tiny_site());
    let mut express = order("o1", &[("SKU0001", 1)]);
    if let Command::ReceiveOrder(o) = &mut express {
        o.priority = Priority::Express;
    }
    ok(&mut wh, at(8, 0), express);
    ok(&mut wh, at(8, 1), order("o2", &[("SKU0002", 1)]));
    // The standard wave (with the express order) is planned and released
    // first; nobody is on the floor yet.
    ok(&mut wh, at(8, 2), Command::wave_of(vec![OrderId(0)]));
    ok(
        &mut wh,
        at(8, 2),
        Command::CreateWave {
            orders: vec![OrderId(1)],
            strategy: None,
            priority: WavePriority::Critical,
        },
    );
    for wave in [WaveId(0), WaveId(1)] {
        ok(&mut wh, at(8, 3), Command::ReleaseWave { wave });
    }
    let associate = AssociateId(0);
    ok(&mut wh, at(8, 4), Command::SignOn { associate });
    let task = match wh.tasks().associates[0].current {
        Some(t) => t,
        None => match ok(&mut wh, at(8, 4), Command::RequestNextTask { associate }) {
            Reply::NextTask { task: Some(t) } => t,
            other => panic!("no task: {other:?}"),
        },
    };
    let t = wh.tasks().get(task);
    assert_eq!(
        (t.wave, t.wave_priority),
        (Some(WaveId(1)), WavePriority::Critical)
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
    assert_eq!(wh.waves().all().next().unwrap().orders.len(), 2);
    assert_eq!(
        wh.waves().waiting.len(),
        1,
        "the third order waits for capacity"
    );
    // Nothing was picked yet, so the floor is still full at the next run.
    wh.on_timer(at(9, 0), DomainTimer::PlanWaves);
    assert_eq!(wh.waves().kept(), 1);
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
        (wh.waves().kept() == 0),
        "one order is not a full wave, and 17:00 is far"
    );
    // Two hours before the 17:00 cut-off the carrier's orders go.
    wh.on_timer(at(15, 0), DomainTimer::PlanWaves);
    assert_eq!(wh.waves().kept(), 1);
    assert_eq!(
        wh.waves().all().next().unwrap().strategy,
        WaveStrategy::Carrier
    );
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
        .waves()
        .all()
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
    let waves: Vec<_> = wh.waves().all().collect();
    assert_eq!(waves.len(), 1);
    assert_eq!(waves[0].orders, vec![OrderId(0)]);
    // The next run waits for the floor: two lines are still on it.
    wh.on_timer(at(9, 0), DomainTimer::PlanWaves);
    assert_eq!(wh.waves().kept(), 1);
}
