//! The rules of inventory, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use paklog_sim::SimDuration;

use crate::order_management::OrderStatus;
use crate::testing::*;
use crate::*;

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
    let last = &wh.bus().log().last().unwrap().event;
    assert_eq!(
        *last,
        DomainEvent::OrderBackordered {
            order: OrderId(1),
            sku: SkuId(1),
            missing: 1
        }
    );
    assert_eq!(
        wh.inventory().available(SkuId(1)),
        2,
        "nothing of o2 was reserved"
    );
    assert_eq!(wh.inventory().available(SkuId(0)), 20);
}

#[test]
fn a_face_at_its_minimum_is_replenished_to_its_maximum_from_reserve() {
    let mut config = tiny_site();
    config.reserve_units = 20;
    config.replenishment = Some(config::MinMax { min: 3, max: 10 });
    let mut wh = given(config);
    let units_before = wh.inventory().total_units();
    // Reserve stock is promised to orders when the site replenishes.
    assert_eq!(wh.inventory().available(SkuId(2)), 30);
    // Given an order for 8 of SKU0003 (one face, 10 units), when it is
    // released, then the face would be left with 2 ≤ 3: 8 units come from
    // reserve.
    let first = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 8)])]);
    let requested: Vec<_> = wh
        .bus()
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
    assert_eq!(wh.inventory().sku(SkuId(2)).reserve, 12);
    assert_eq!(wh.inventory().total_units(), units_before);
    // The pick is due at 15:00, the replenishment within the lead time: ann
    // gets the replenishment first (one pool for every kind of work).
    assert_eq!(
        wh.tasks().get(first).kind,
        task_execution::TaskKind::Replenish
    );
    let ann = AssociateId(0);
    ok(
        &mut wh,
        at(9, 0),
        Command::StartTask {
            associate: ann,
            task: first,
        },
    );
    let from = wh.bus().len();
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
    assert_eq!(wh.inventory().location(LocationId(12)).on_hand, 10);
    assert_eq!(wh.inventory().total_units(), units_before - 8);
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
        .tasks()
        .all()
        .find(|t| t.kind == task_execution::TaskKind::Pick)
        .unwrap();
    let lines: Vec<_> = pick
        .lines
        .iter()
        .map(|l| (l.location, l.quantity))
        .collect();
    assert_eq!(lines, [(LocationId(12), 15)]);
    assert_eq!(wh.orders().get(OrderId(0)).lines[0].short, 0);
    assert_eq!(wh.inventory().location(LocationId(12)).incoming, 10);
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
    let t = wh.tasks().get(count);
    assert_eq!(
        (t.kind, t.lines[0].location, t.lines[0].quantity),
        (task_execution::TaskKind::Count, LocationId(12), 9)
    );
    assert_eq!(
        wh.reconcile()
            .iter()
            .map(|v| (v.kind, v.explained_by.is_some()))
            .collect::<Vec<_>>(),
        [(VarianceKind::CountPending, true)]
    );
    // and when bob counts none, the books follow.
    let from = wh.bus().len();
    confirm(&mut wh, at(9, 3), bob, count, 0, 0);
    assert_eq!(
        wh.bus().since(from)[0].event,
        DomainEvent::InventoryAdjusted {
            task: count,
            location: LocationId(12),
            sku: SkuId(2),
            books: 9,
            counted: 0
        }
    );
    assert_eq!(wh.inventory().sku(SkuId(2)).on_hand, 0);
    assert!(wh.inventory().location(LocationId(12)).usable());
    let v = wh.reconcile();
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].kind, v[0].units), (VarianceKind::CountAdjusted, -9));
    assert_eq!(v[0].explained_by, Some(wh.bus().since(from)[0].seq));
    // Every unit ordered is picked or short.
    let line = &wh.orders().get(OrderId(0)).lines[0];
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
        .bus()
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
fn received_goods_are_put_away_to_the_face_then_reserve_and_release_backorders() {
    let mut wh = given(tiny_site());
    let units_before = wh.inventory().total_units();
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
    assert_eq!(wh.inventory().total_units(), units_before + 8);
    let ann = AssociateId(0);
    let putaway = next_started(&mut wh, at(8, 2), ann);
    let t = wh.tasks().get(putaway);
    assert_eq!(t.kind, task_execution::TaskKind::Putaway);
    assert_eq!(
        t.lines
            .iter()
            .map(|l| (wh.master().get(l.location).code.as_str(), l.quantity))
            .collect::<Vec<_>>(),
        [("RES-00003", 8)]
    );
    confirm(&mut wh, at(8, 4), ann, putaway, 0, 8);
    assert_eq!(wh.inventory().sku(SkuId(2)).reserve, 8);
    assert_eq!(wh.inventory().total_units(), units_before + 8);
    // and with stock promised from reserve the order is still waiting: the
    // site does not replenish, so only the faces count.
    assert_eq!(wh.orders().get(OrderId(0)).status, OrderStatus::Backordered);
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
    assert_eq!(wh.orders().get(OrderId(1)).status, OrderStatus::Backordered);
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
        .tasks()
        .get(putaway)
        .lines
        .iter()
        .map(|l| (l.location, l.quantity))
        .collect();
    assert_eq!(stops[0], (LocationId(12), 6));
    assert_eq!(stops[1].1, 3);
    // and once the face is filled the order waiting for it is reserved.
    let from = wh.bus().len();
    confirm(&mut wh, at(9, 6), ann, putaway, 0, 6);
    assert!(types_since(&wh, from).contains(&"com.paklog.wms.inventory.reserved.v1"));
    assert_eq!(wh.orders().get(OrderId(1)).status, OrderStatus::Reserved);
    confirm(&mut wh, at(9, 7), ann, putaway, 1, 3);
    assert_eq!(wh.inventory().sku(SkuId(2)).reserve, 3);
}

#[test]
fn a_receipt_past_what_the_books_count_is_refused_and_the_books_stay_whole() {
    let receive = |units| Command::ReceiveStock {
        sku: "SKU0003".into(),
        units,
    };
    let mut site = given(tiny_site());
    let sku = SkuId(2);
    let room = site.inventory().room(sku);
    assert!(room < inventory::MAX_SKU_UNITS, "the face's units count");
    // All the room the books have is taken …
    site.when(at(8, 0), receive(room)).then_types(&[
        "com.paklog.wes.task.created.v1",
        "com.paklog.wms.inventory.received.v1",
    ]);
    assert_eq!(site.inventory().room(sku), 0);
    // … and a unit more, or the most a receipt may say, is refused.
    site.when(at(8, 1), receive(1))
        .then_refused("units", RefusalKind::Conflict);
    site.when(at(8, 1), receive(u32::MAX))
        .then_refused("units", RefusalKind::Conflict);
}
