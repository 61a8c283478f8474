//! The rules of material handling, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use paklog_sim::SimDuration;

use crate::commands::CommandError;
use crate::order_management::OrderStatus;
use crate::testing::*;
use crate::*;

#[test]
fn a_conveyed_tote_is_routed_scanned_to_its_station_and_its_parcel_to_the_dock() {
    // Given a site with a conveyor and an order picked in full
    let mut wh = given(conveyed());
    let segment = |wh: &Warehouse, code: &str| wh.conveyor().unwrap().by_code(code).unwrap();
    let (induct, main, spur, takeaway) = (
        segment(&wh, "induct-Z1"),
        segment(&wh, "main"),
        segment(&wh, "spur-PS0"),
        segment(&wh, "takeaway"),
    );
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 2)])]);
    assert_eq!(wh.induct_of(task), Some(induct));
    // When the picker delivers the tote
    let from = wh.bus().len();
    let reply = work_through(&mut wh, at(9, 0), 0, task);
    // Then it is inducted, routed to a station, and waits for no packer yet
    assert_eq!(
        reply,
        Reply::ToteDelivered {
            stations: vec![],
            put_wall: None
        }
    );
    let tote = match wh.bus().since(from).last().unwrap().event {
        DomainEvent::ToteInducted { tote, segment, .. } => {
            assert_eq!(segment, induct);
            tote
        }
        ref other => panic!("{other:?}"),
    };
    assert_eq!(wh.pack().stations[0].inbound, 1);
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
        wh.bus().log().last().unwrap().event,
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
    assert_eq!(wh.pack().stations[0].inbound, 0);
    // When the packer takes it, the spur clears after 20 s full
    let from = wh.bus().len();
    ok(
        &mut wh,
        at(9, 2),
        Command::StartPacking {
            station: StationId(0),
        },
    );
    assert!(wh.bus().since(from).iter().any(|r| r.event
        == DomainEvent::ConveyorCleared {
            segment: spur,
            blocked_ms: 20_000
        }));
    // And the packed parcel rides the takeaway under a plate of its own:
    // it is ready to ship only at the dock door.
    let from = wh.bus().len();
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
        .bus()
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
        .conveyor()
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
    let from = wh.bus().len();
    ok(&mut wh, at(9, 7), Command::DischargeTote { tote: parcel.0 });
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wes.license-plate.moved.v1",
            "com.paklog.wes.shipment.ready.v1"
        ]
    );
    wh.on_timer(at(17, 0), DomainTimer::CarrierDeparture(CarrierId(0)));
    assert_eq!(wh.orders().get(OrderId(0)).status, OrderStatus::Shipped);
    assert_eq!(wh.conveyor().unwrap().totes(), 0);
}

#[test]
fn a_stopped_segment_refuses_totes_until_it_restarts() {
    // Given a conveyed site whose main line stops
    let mut wh = given(conveyed());
    let main = wh.conveyor().unwrap().by_code("main").unwrap();
    let stop = Command::SetConveyor {
        segment: main,
        running: false,
        reason: "jam at the merge".into(),
    };
    ok(&mut wh, at(9, 0), stop);
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 1)])]);
    work_through(&mut wh, at(9, 0), 0, task);
    let tote = wh.orders().get(OrderId(0)).tote.unwrap();
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
        wh.bus().log().last().unwrap().event,
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
    let next = wh.tasks().all().find(|t| t.id != task).unwrap().id;
    work_through(&mut wh, at(9, 0), 0, next);
    let c = wh.conveyor().unwrap();
    let (induct, main, spur0, spur1) = (
        c.by_code("induct-Z1").unwrap(),
        c.by_code("main").unwrap(),
        c.by_code("spur-PS0").unwrap(),
        c.by_code("spur-PS1").unwrap(),
    );
    let totes: Vec<ToteId> = wh
        .bus()
        .log()
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::ToteInducted { tote, .. } => Some(tote),
            _ => None,
        })
        .collect();
    let route = |wh: &Warehouse, t: ToteId| wh.conveyor().unwrap().transit(t).unwrap().route[2];
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
    let from = wh.bus().len();
    ok(&mut wh, at(9, 2), Command::DivertTote { tote: totes[1] });
    // Then it goes to station 0, whose spur has room
    assert_eq!(route(&wh, totes[1]), spur0);
    assert_eq!(
        types_since(&wh, from),
        ["com.paklog.wes.conveyor.tote-diverted.v1"]
    );
    assert_eq!(wh.orders().get(OrderId(1)).station, Some(StationId(0)));
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
