//! The rules of pack & ship, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use crate::commands::PackJob;
use crate::order_management::OrderStatus;
use crate::task_execution::TaskStatus;
use crate::testing::*;
use crate::*;

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
    assert_eq!(wh.tasks().get(task).status, TaskStatus::Completed);
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
    let from = wh.bus().len();
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
        wh.bus().since(from)[0].event,
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
    let last = &wh.bus().log().last().unwrap().event;
    assert_eq!(
        *last,
        DomainEvent::OrderShipped {
            order: OrderId(0),
            carrier: CarrierId(0),
            on_time: true
        }
    );
    assert_eq!(wh.orders().get(OrderId(0)).status, OrderStatus::Shipped);
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

/// A live site forgets what finished long enough ago: the shipped order,
/// its task and its wave go (their ids are no longer found, numbering goes
/// on, the external id stays used); an order still open stays however old
/// it is.
#[test]
fn a_shipped_order_its_task_and_its_wave_are_forgotten_an_open_order_stays() {
    let mut wh = given(tiny_site());
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 2)])]);
    let wave = wh.tasks().get(task).wave.unwrap();
    work_through(&mut wh, at(9, 2), 0, task);
    ok(
        &mut wh,
        at(9, 3),
        Command::StartPacking {
            station: StationId(0),
        },
    );
    ok(
        &mut wh,
        at(9, 5),
        Command::CompletePacking {
            station: StationId(0),
            order: OrderId(0),
            weight_kg: 1.0,
        },
    );
    ok(&mut wh, at(9, 10), order("o2", &[("SKU0001", 1)]));
    wh.on_timer(at(17, 0), DomainTimer::CarrierDeparture(CarrierId(0)));
    assert_eq!(wh.orders().get(OrderId(0)).status, OrderStatus::Shipped);

    // Not yet: it shipped at 17:00.
    assert_eq!(wh.forget_finished(at(17, 0)), (0, 0, 0));
    assert_eq!(wh.forget_finished(at(17, 1)), (1, 1, 1));
    assert!(wh.orders().find(OrderId(0)).is_none());
    assert!(wh.tasks().find(task).is_none());
    assert!(wh.waves().find(wave).is_none());
    let open = wh.orders().find(OrderId(1)).expect("an open order stays");
    assert_ne!(open.status, OrderStatus::Shipped);
    assert_eq!(
        wh.orders().all().map(|o| o.id).collect::<Vec<_>>(),
        [OrderId(1)]
    );
    assert_eq!(wh.forget_finished(at(23, 0)), (0, 0, 0), "nothing more");
    // Numbering goes on, and "o1" is still taken (a redelivery is refused).
    assert_eq!(wh.orders().next_id(), OrderId(2));
    assert!(
        wh.execute(at(17, 5), order("o1", &[("SKU0003", 1)]))
            .is_err()
    );
    assert_eq!(wh.orders().by_external("o1"), Some(OrderId(0)));
    // It is refused for a day after its order shipped (17:00); then the
    // id is free, and the same id is a new order.
    assert!(
        wh.execute(at(24 + 16, 59), order("o1", &[("SKU0003", 1)]))
            .is_err()
    );
    ok(&mut wh, at(24 + 17, 0), order("o1", &[("SKU0003", 1)]));
    assert_eq!(wh.orders().by_external("o1"), Some(OrderId(2)));
    assert_eq!(wh.orders().external_ids(), 2, "o1 (again) and o2");
}
