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
            "com.paklog.wms.wave.released.v1",
            "com.paklog.wes.workflow.started.v1",
            "com.paklog.wes.task.created.v1"
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
    site.when(at(8, 1), one())
        .then_types(&["com.paklog.wms.wave.planned.v1"]);
    let wave = WaveId(0);
    assert_eq!(site.waves().find(wave).unwrap().status, WaveStatus::Planned);
    site.when(at(8, 2), Command::ReleaseWave { wave })
        .then_types(&[
            "com.paklog.wms.wave.released.v1",
            "com.paklog.wes.workflow.started.v1",
            "com.paklog.wes.task.created.v1",
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
        .then_refused("orders[0]", RefusalKind::Invalid);
}

#[test]
fn a_planned_wave_can_be_cancelled_and_its_orders_wait_again_a_released_one_cannot() {
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
    .then_types(&["com.paklog.wms.wave.planned.v1"]);
    let wave = WaveId(0);
    let w = site.waves().find(wave).unwrap();
    assert_eq!(
        (w.strategy, w.priority),
        (WaveStrategy::Carrier, WavePriority::High)
    );
    assert!(site.waves().waiting.is_empty());
    site.when(at(8, 3), Command::CancelWave { wave })
        .then_events(&[DomainEvent::WaveCancelled { wave, orders: 2 }]);
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
    // The orders go into another wave; released, it cannot be cancelled
    // (its stock is allocated and its tasks are on the floor).
    site.when(at(8, 5), Command::wave_of(vec![OrderId(0), OrderId(1)]))
        .then_types(&["com.paklog.wms.wave.planned.v1"]);
    let second = WaveId(1);
    site.when(at(8, 6), Command::ReleaseWave { wave: second })
        .then_types(&[
            "com.paklog.wms.wave.released.v1",
            "com.paklog.wes.workflow.started.v1",
            "com.paklog.wes.task.created.v1",
        ]);
    let refused = site
        .when(at(8, 7), Command::CancelWave { wave: second })
        .then_refused("wave", RefusalKind::Conflict);
    assert_eq!(refused.events().len(), 0);
    assert_eq!(
        site.waves().find(second).unwrap().status,
        WaveStatus::Released
    );
    // Its first task started: IN_PROGRESS, and still not cancellable.
    let associate = AssociateId(0);
    site.when(at(8, 8), Command::SignOn { associate })
        .then_types(&["com.paklog.wes.associate.signed-on.v1"]);
    let task = match site.tasks().associates[0].current {
        Some(t) => t,
        None => match site
            .when(at(8, 8), Command::RequestNextTask { associate })
            .reply()
        {
            Reply::NextTask { task: Some(t) } => *t,
            other => panic!("no task: {other:?}"),
        },
    };
    site.when(at(8, 9), Command::StartTask { associate, task })
        .then_types(&["com.paklog.wes.task.started.v1"]);
    assert_eq!(
        site.waves().find(second).unwrap().status,
        WaveStatus::InProgress
    );
    site.when(at(8, 10), Command::CancelWave { wave: second })
        .then_refused("wave", RefusalKind::Conflict);
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
