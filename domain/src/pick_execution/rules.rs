//! The rules of pick execution, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use crate::commands::CommandError;
use crate::order_management::OrderStatus;
use crate::task_execution::TaskStatus;
use crate::testing::*;
use crate::*;

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
    let before = wh.bus().len();
    let err = wh.execute(at(9, 1), scan("SKU0003")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "barcode: expected SKU0002, scanned SKU0003"
    );
    assert_eq!(wh.bus().len(), before);
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
    let from = wh.bus().len();
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
            "com.paklog.wes.task.created.v1",
            "com.paklog.wms.inventory.count-requested.v1",
        ]
    );
    assert!(wh.inventory().location(LocationId(0)).count_pending);
    let retry = &wh.tasks().get(task).lines[1];
    assert_eq!((retry.location, retry.quantity), (LocationId(19), 3));
    // The second face holds only 2: the last unit is short everywhere.
    let from = wh.bus().len();
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
    let line = &wh.orders().get(OrderId(0)).lines[0];
    assert_eq!((line.quantity, line.picked, line.short), (4, 3, 1));
}

#[test]
fn a_batch_trip_picks_several_orders_each_into_its_own_tote() {
    let mut config = tiny_site();
    config.picking = pick_execution::Picking::Batch {
        rule: pick_execution::BatchRule::Fcfs,
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
    let t = wh.tasks().get(first).clone();
    assert_eq!(t.orders, vec![OrderId(0), OrderId(1)]);
    assert_eq!(t.totes.len(), 2);
    assert_ne!(t.totes[0], t.totes[1]);
    assert_eq!(wh.tasks().kept(), 2);
    // and delivering it sends both orders to packing, each in its tote.
    let from = wh.bus().len();
    let reply = work_through(&mut wh, at(9, 0), 0, first);
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![StationId(0)],
            put_wall: None
        }
    );
    assert_eq!(wh.pack().stations[0].queue, [OrderId(0), OrderId(1)]);
    let moved: Vec<ToteId> = wh
        .bus()
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
    let mut wh = given(zoned(pick_execution::ZoneMode::PickAndPass));
    // Given an order with a stop in each zone, released:
    let front = released_and_assigned(&mut wh, &[order("o1", &[("SKU0002", 1), ("SKU0003", 1)])]);
    let back = wh.tasks().get(front).next.expect("the back zone follows");
    assert_eq!(wh.tasks().get(back).zone, Some(1));
    assert_eq!(wh.tasks().get(back).totes, wh.tasks().get(front).totes);
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
    let from = wh.bus().len();
    let reply = work_through(&mut wh, at(9, 1), 0, front);
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![],
            put_wall: None
        }
    );
    assert!(types_since(&wh, from).contains(&"com.paklog.wes.tote.passed.v1"));
    assert_eq!(wh.orders().get(OrderId(0)).status, OrderStatus::Picking);
    // and the back zone's idle picker gets the tote at once;
    assert_eq!(wh.tasks().get(back).associate, Some(bob));
    // when the back zone delivers it, the order goes to packing.
    let reply = work_through(&mut wh, at(9, 2), 1, back);
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![StationId(0)],
            put_wall: None
        }
    );
    assert_eq!(wh.orders().get(OrderId(0)).status, OrderStatus::Picked);
}

#[test]
fn parallel_zones_pick_at_once_and_consolidate_at_packing() {
    let mut wh = given(zoned(pick_execution::ZoneMode::Parallel));
    let front = released_and_assigned(&mut wh, &[order("o1", &[("SKU0002", 1), ("SKU0003", 1)])]);
    let back = TaskId(front.0 + 1);
    // Given both zones' tasks open at once, in their own totes,
    assert_eq!(wh.tasks().get(back).status, TaskStatus::Pending);
    assert_ne!(wh.tasks().get(back).totes, wh.tasks().get(front).totes);
    // and a back-zone trip that starts and ends in the back zone,
    assert_eq!(wh.tasks().get(back).depot, 1);
    // when the back zone delivers first, the order waits for the front's tote;
    let reply = work_through(&mut wh, at(9, 0), 1, back);
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![],
            put_wall: None
        }
    );
    assert_eq!(wh.orders().get(OrderId(0)).status, OrderStatus::Picking);
    // when the front zone's tote arrives, it goes to packing.
    work_through(&mut wh, at(9, 1), 0, front);
    assert_eq!(wh.orders().get(OrderId(0)).status, OrderStatus::Picked);
    assert_eq!(wh.pack().stations[0].queue, [OrderId(0)]);
}

#[test]
fn a_put_wall_slot_completes_when_its_orders_items_are_in() {
    let mut config = tiny_site();
    config.picking = pick_execution::Picking::PutWall { slots: 2, walls: 1 };
    let mut wh = given(config);
    // Given two orders picked in bulk into one tote,
    let task = released_and_assigned(
        &mut wh,
        &[
            order("o1", &[("SKU0003", 2)]),
            order("o2", &[("SKU0002", 1), ("SKU0001", 1)]),
        ],
    );
    assert_eq!(wh.tasks().get(task).totes.len(), 1);
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
        wh.tasks()
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
    let left = wh.tasks().get(task).lines.len() as u32 - 1;
    assert_eq!(
        put(&mut wh, 1),
        Reply::Put {
            station: None,
            left
        }
    );
    // when all of o1 is in, o1 goes to packing,
    let from = wh.bus().len();
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
    assert_eq!(wh.pack().stations[0].queue, [OrderId(0), OrderId(1)]);
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
fn a_scanned_bulk_tote_is_put_by_sku_and_quantity_and_a_slot_can_close_short() {
    let mut config = tiny_site();
    config.picking = pick_execution::Picking::PutWall { slots: 2, walls: 1 };
    let mut wh = given(config);
    let task = released_and_assigned(
        &mut wh,
        &[
            order("o1", &[("SKU0003", 2)]),
            order("o2", &[("SKU0002", 1)]),
        ],
    );
    work_through(&mut wh, at(9, 0), 0, task);
    let (wall, tote) = (0, wh.tasks().get(task).totes[0]);
    // Nothing goes in before a tote is scanned; only a tote waiting there
    // can be.
    let put = |slot, sku, quantity| Command::PutIntoSlot {
        wall,
        slot,
        sku: SkuId(sku),
        quantity,
    };
    assert_eq!(
        wh.execute(at(9, 1), put(0, 2, 1)),
        Err(CommandError::NothingToSort(wall))
    );
    let other = ToteId(tote.0 + 5);
    assert_eq!(
        wh.execute(at(9, 1), Command::ScanBulkTote { wall, tote: other }),
        Err(CommandError::ToteNotAtPutWall { wall, tote: other })
    );
    assert_eq!(
        ok(&mut wh, at(9, 1), Command::ScanBulkTote { wall, tote }),
        Reply::Sorting { task: Some(task) }
    );
    let slot_of = |wh: &Warehouse, o: u32| {
        wh.pack().put_walls[0]
            .slots
            .iter()
            .position(|s| s.order == OrderId(o))
            .unwrap() as u16
    };
    let (s1, s2) = (slot_of(&wh, 0), slot_of(&wh, 1));
    // The seed's rules: the SKU is validated, and no more than expected.
    assert_eq!(
        wh.execute(at(9, 2), put(s1, 1, 1)),
        Err(CommandError::WrongSlotSku {
            wall,
            slot: s1,
            sku: SkuId(1)
        })
    );
    assert_eq!(
        wh.execute(at(9, 2), put(s1, 2, 3)),
        Err(CommandError::TooManyForSlot {
            wall,
            slot: s1,
            left: 2,
            got: 3
        })
    );
    assert_eq!(
        ok(&mut wh, at(9, 2), put(s1, 2, 1)),
        Reply::Put {
            station: None,
            left: 2
        }
    );
    // It completes at the expected count and its order goes to packing.
    let from = wh.bus().len();
    assert_eq!(
        ok(&mut wh, at(9, 3), put(s1, 2, 1)),
        Reply::Put {
            station: Some(StationId(0)),
            left: 1
        }
    );
    assert_eq!(
        types_since(&wh, from)[0],
        "com.paklog.wes.putwall.order-completed.v1"
    );
    // A full slot takes nothing more.
    assert_eq!(
        wh.execute(at(9, 3), put(s1, 2, 1)),
        Err(CommandError::SlotComplete { wall, slot: s1 })
    );
    // The other slot closes short: its unit is short and, with nothing in
    // it, its order closes; the wall is free.
    let from = wh.bus().len();
    assert_eq!(
        ok(&mut wh, at(9, 4), Command::CloseSlot { wall, slot: s2 }),
        Reply::Put {
            station: None,
            left: 0
        }
    );
    assert_eq!(
        types_since(&wh, from),
        ["com.paklog.wms.inventory.shortage-recorded.v1"]
    );
    let o2 = wh.orders().get(OrderId(1));
    assert_eq!((o2.lines[0].picked, o2.lines[0].short), (0, 1));
    assert_eq!(o2.status, OrderStatus::Closed);
    assert!(wh.pack().put_walls[0].sorting.is_none());
}
