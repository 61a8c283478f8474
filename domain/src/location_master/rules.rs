//! The rules of the location master, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use super::{AbcClass, Capacity, Location, LocationKind, LocationMaster, Point, Side};
use crate::commands::CommandError;
use crate::commands::NewLocation;
use crate::testing::*;
use crate::*;

#[test]
fn a_pick_at_a_blocked_location_reslots_its_sku_and_reroutes_every_open_task() {
    let mut config = tiny_site();
    config.reserve_units = 50;
    let mut wh = given(config);
    let units_before = wh.inventory().total_units();
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
    let from = wh.bus().len();
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
    assert_eq!(wh.inventory().sku(SkuId(1)).on_hand, 0);
    assert_eq!(wh.inventory().sku(SkuId(1)).blocked, 10);
    assert_eq!(wh.tasks().get(task).lines[0].location, LocationId(2));
    // when ann confirms the pick there,
    let from = wh.bus().len();
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
            "com.paklog.wes.task.created.v1",
            "com.paklog.wms.inventory.replenishment-requested.v1",
        ]
    );
    let new_face = LocationId(1);
    assert_eq!(wh.master().get(new_face).sku, Some(SkuId(1)));
    for t in [task, other] {
        let line = &wh.tasks().get(t).lines[0];
        assert_eq!((line.location, line.picked), (new_face, None));
    }
    let stock = wh.inventory().location(new_face);
    assert_eq!((stock.on_hand, stock.incoming, stock.allocated), (0, 10, 5));
    assert_eq!(wh.inventory().total_units(), units_before, "no unit lost");
    // The planned route now walks from location 2, where ann stands, to 1.
    let t = wh.tasks().get(task);
    let legs: f64 = t.lines.iter().map(|l| l.leg_m).sum::<f64>() + t.home_m;
    assert!(
        t.distance_m > legs,
        "the walk to the blocked face stays counted"
    );
    // When bob replenishes the new face (urgent: picks wait for it),
    let bob = AssociateId(1);
    let replenish = next_started(&mut wh, at(9, 3), bob);
    assert_eq!(
        wh.tasks().get(replenish).kind,
        task_execution::TaskKind::Replenish
    );
    assert_eq!(wh.tasks().get(replenish).priority, Priority::Express);
    confirm(&mut wh, at(9, 5), bob, replenish, 0, 10);
    // then ann picks there, and reconciliation explains the blocked stock
    // by the block.
    confirm(&mut wh, at(9, 6), ann, task, 0, 2);
    assert_eq!(wh.orders().get(OrderId(task.0)).lines[0].picked, 2);
    assert_eq!(wh.inventory().total_units(), units_before - 2);
    let blocked_at = wh
        .bus()
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
    assert_eq!(wh.inventory().sku(SkuId(1)).blocked, 0);
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
    assert!(wh.bus().is_empty());
}

/// The tiny site with its locations given as a list (as a site's files
/// give them), location `at` changed by `edit`.
fn listed_site(at: usize, edit: impl Fn(&mut Location)) -> SiteConfig {
    let mut config = tiny_site();
    let master = LocationMaster::new(
        config.layout.clone(),
        config.packing.stations,
        config.skus.len() as u32,
    );
    config.locations = master.locations;
    edit(&mut config.locations[at]);
    config
}

#[test]
fn a_site_slots_an_item_only_in_an_active_location_that_permits_its_restrictions() {
    // Given the tiny site's locations as a list, which builds the same site,
    let same = Warehouse::new(listed_site(0, |_| {})).unwrap();
    assert_eq!(
        same.master().by_code("A01-B1-01-1L").unwrap().sku,
        Some(SkuId(0))
    );
    // an item slotted in a location marked inactive is refused,
    let inactive = listed_site(0, |l| l.active = false);
    assert_eq!(
        Warehouse::new(inactive).unwrap_err(),
        ConfigError::BadSlot(0)
    );
    // and so is a HAZMAT item in a location that does not permit HAZMAT,
    let mut hazmat = listed_site(2, |_| {});
    hazmat.skus[1].restrictions = vec!["HAZMAT".into()];
    assert_eq!(
        Warehouse::new(hazmat.clone()).unwrap_err(),
        ConfigError::BadSlot(1)
    );
    // but taken where it is permitted.
    hazmat.locations[2].restrictions = vec!["HAZMAT".into(), "HEAVY".into()];
    let wh = Warehouse::new(hazmat).unwrap();
    assert_eq!(wh.master().get(LocationId(2)).sku, Some(SkuId(1)));
}

#[test]
fn inactive_locations_are_not_slotted_by_distance() {
    let mut config = listed_site(0, |l| l.active = false);
    config.slotting.clear();
    let wh = Warehouse::new(config).unwrap();
    let bins = wh.master().pick_bins_by_distance();
    assert!(!bins.contains(&LocationId(0)));
    assert!(bins.contains(&LocationId(1)));
}

#[test]
fn a_scan_of_any_of_the_items_barcodes_confirms_its_pick() {
    let mut config = tiny_site();
    config.skus[1].barcodes = vec!["4006381333931".into()];
    let mut wh = given(config);
    let task = released_and_started(&mut wh, &[order("o1", &[("SKU0002", 1)])]);
    let confirm = |barcode: &str| Command::ConfirmPick {
        associate: AssociateId(0),
        task,
        line: 0,
        quantity: 1,
        barcode: Some(barcode.into()),
    };
    assert!(matches!(
        wh.execute(at(9, 2), confirm("4006381333932")),
        Err(CommandError::WrongBarcode { .. })
    ));
    ok(&mut wh, at(9, 3), confirm("4006381333931"));
}

fn new_location(code: &str, point: Option<Point>) -> NewLocation {
    NewLocation {
        code: code.into(),
        kind: LocationKind::Pick,
        zone: "Z1".into(),
        point,
        bay: 6,
        level: 1,
        side: Some(Side::L),
        capacity: Capacity::default(),
        restrictions: vec!["HAZMAT".into()],
        slotting_class: Some(AbcClass::A),
    }
}

#[test]
fn the_location_master_adds_a_location_under_a_code_of_its_own_on_the_network() {
    let point = Point::new(1, 7.5);
    let mut wh = given(tiny_site());
    let before = wh.master().locations.len();
    wh.when(
        at(8, 0),
        Command::CreateLocation {
            location: new_location("A02-B1-06-1L", Some(point)),
        },
    )
    .then_events(&[DomainEvent::LocationCreated {
        location: LocationId(before as u32),
        code: "A02-B1-06-1L".into(),
        kind: LocationKind::Pick,
        zone: "Z1".into(),
    }]);
    let l = wh.master().by_code("A02-B1-06-1L").unwrap();
    assert_eq!((l.point, l.bay, l.active), (point, 5, true));
    assert_eq!(wh.inventory().location(l.id).on_hand, 0);
    // A code taken, a zone the site has not, a place off the network, a
    // staging lane: refused, and nothing changes.
    let refused = [
        (
            new_location("A02-B1-06-1L", None),
            "code",
            RefusalKind::Conflict,
        ),
        (
            NewLocation {
                zone: "FROZEN".into(),
                ..new_location("F-1", None)
            },
            "zone",
            RefusalKind::NotFound,
        ),
        (
            new_location("X-1", Some(Point::new(2, 1.0))),
            "aisle",
            RefusalKind::NotFound,
        ),
        (
            new_location("X-2", Some(Point::new(0, 99.0))),
            "aisle",
            RefusalKind::NotFound,
        ),
        (
            NewLocation {
                kind: LocationKind::Stage,
                ..new_location("S-9", None)
            },
            "type",
            RefusalKind::Conflict,
        ),
    ];
    for (location, field, kind) in refused {
        wh.when(at(8, 1), Command::CreateLocation { location })
            .then_refused(field, kind);
    }
    assert_eq!(wh.master().locations.len(), before + 1);
}

#[test]
fn a_capacity_is_configured_but_never_below_what_the_location_holds() {
    let mut wh = given(tiny_site());
    let face = LocationId(2); // SKU0002, 10 units
    let capacity = Capacity {
        units: Some(40),
        volume_l: Some(100.0),
        weight_kg: None,
    };
    wh.when(
        at(8, 0),
        Command::ConfigureLocationCapacity {
            location: face,
            capacity,
        },
    )
    .then_events(&[DomainEvent::LocationCapacityConfigured {
        location: face,
        capacity,
    }]);
    // 10 units of 1 l each do not fit in 8 l.
    wh.when(
        at(8, 1),
        Command::ConfigureLocationCapacity {
            location: face,
            capacity: Capacity {
                volume_l: Some(8.0),
                ..capacity
            },
        },
    )
    .then_refused("location", RefusalKind::Conflict);
    wh.when(
        at(8, 1),
        Command::ConfigureLocationCapacity {
            location: face,
            capacity: Capacity {
                weight_kg: Some(-1.0),
                ..capacity
            },
        },
    )
    .then_refused("capacity", RefusalKind::Invalid);
    assert_eq!(wh.master().get(face).capacity, capacity);
}

#[test]
fn a_putaway_that_would_exceed_a_faces_capacity_sends_the_rest_to_reserve() {
    let mut config = tiny_site();
    config.replenishment = Some(config::MinMax { min: 2, max: 30 });
    let mut wh = given(config);
    let face = LocationId(2); // SKU0002, 10 units; filled up to 30
    ok(
        &mut wh,
        at(8, 0),
        Command::ConfigureLocationCapacity {
            location: face,
            capacity: Capacity {
                units: Some(15),
                ..Capacity::default()
            },
        },
    );
    // Room for 20 by the face's target, 5 by its capacity: 5 go there.
    let then = wh.when(
        at(8, 1),
        Command::ReceiveStock {
            sku: "SKU0002".into(),
            units: 12,
        },
    );
    assert!(
        then.events()
            .contains(&&DomainEvent::LocationCapacityExceeded {
                location: face,
                sku: SkuId(1),
                units: 12,
                room: 5,
            })
    );
    let putaway = wh.tasks().all().last().unwrap();
    let stops: Vec<_> = putaway
        .lines
        .iter()
        .map(|l| (l.location, l.quantity))
        .collect();
    assert_eq!(stops[0], (face, 5));
    assert_eq!(stops[1].1, 7);
    assert_eq!(wh.master().get(stops[1].0).kind, LocationKind::Reserve);
}

#[test]
fn a_location_out_of_use_is_empty_and_never_slotted() {
    let mut config = tiny_site();
    config.reserve_units = 50;
    let mut wh = given(config);
    // A face with stock cannot be taken out of use;
    wh.when(
        at(8, 0),
        Command::SetLocationActive {
            location: LocationId(2),
            active: false,
            reason: "rack survey".into(),
        },
    )
    .then_refused("location", RefusalKind::Conflict);
    // an empty one can, and then re-slotting passes it by:
    wh.when(
        at(8, 0),
        Command::SetLocationActive {
            location: LocationId(1),
            active: false,
            reason: "rack survey".into(),
        },
    )
    .then_events(&[DomainEvent::LocationDeactivated {
        location: LocationId(1),
        reason: "rack survey".into(),
    }]);
    let task = released_and_started(&mut wh, &[order("o1", &[("SKU0002", 2)])]);
    ok(
        &mut wh,
        at(9, 1),
        Command::BlockLocation {
            location: LocationId(2),
            reason: "rack damage".into(),
        },
    );
    confirm(&mut wh, at(9, 2), AssociateId(0), task, 0, 2);
    let reslotted = wh.bus().since(0).iter().find_map(|r| match &r.event {
        DomainEvent::ReslottingRequired { to, .. } => Some(*to),
        _ => None,
    });
    let to = reslotted.flatten().expect("a new face");
    assert_ne!(to, LocationId(1), "the location out of use is passed by");
    assert!(wh.master().get(to).active);
    // Back into use.
    wh.when(
        at(9, 5),
        Command::SetLocationActive {
            location: LocationId(1),
            active: true,
            reason: "repaired".into(),
        },
    )
    .then_types(&["com.paklog.wms.location.activated.v1"]);
}

#[test]
fn a_slotting_class_is_assigned_once() {
    let mut wh = given(tiny_site());
    let assign = Command::AssignSlottingClass {
        location: LocationId(5),
        class: Some(AbcClass::B),
    };
    wh.when(at(8, 0), assign.clone())
        .then_types(&["com.paklog.wms.location.slotting-changed.v1"]);
    wh.when(at(8, 1), assign).then_types(&[]);
    assert_eq!(
        wh.master().get(LocationId(5)).slotting_class,
        Some(AbcClass::B)
    );
}

fn reslot(moves: &[(u32, u32)]) -> Command {
    Command::ReslotFaces {
        moves: moves
            .iter()
            .map(|&(from, to)| super::FaceMove {
                from: LocationId(from),
                to: LocationId(to),
            })
            .collect(),
    }
}

#[test]
fn a_slotting_applied_live_moves_a_face_by_a_reslot_task_and_open_picks_follow_it() {
    let mut wh = given(tiny_site());
    let units_before = wh.inventory().total_units();
    // Given ann's task for 2 units of SKU0002 at its face, location 2,
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0002", 2)])]);
    // when the slotting moves SKU0002 to location 5,
    let reply = wh
        .when(at(9, 0), reslot(&[(2, 5)]))
        .then_types(&["com.paklog.wes.task.created.v1"])
        .reply()
        .clone();
    assert_eq!(
        reply,
        Reply::Reslotting {
            moves: 1,
            hops: 0,
            started: 1
        }
    );
    // then bob gets a RESLOT task: take the units out of 2, put them in 5;
    let bob = AssociateId(1);
    let move_task = next_started(&mut wh, at(9, 1), bob);
    let t = wh.tasks().get(move_task);
    assert_eq!(t.kind, task_execution::TaskKind::Reslot);
    let stops: Vec<_> = t.lines.iter().map(|l| (l.location.0, l.quantity)).collect();
    assert_eq!(stops, [(2, 10), (5, 10)]);
    // when he takes them out, the face changes hands and ann's pick follows
    // it, the units on their way;
    let from = wh.bus().len();
    confirm(&mut wh, at(9, 2), bob, move_task, 0, 10);
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wes.task.rerouted.v1",
            "com.paklog.wms.location.item-reslotted.v1",
            "com.paklog.wes.location.state-changed.v1",
        ]
    );
    assert_eq!(wh.master().get(LocationId(2)).sku, None);
    assert_eq!(wh.master().get(LocationId(5)).sku, Some(SkuId(1)));
    assert_eq!(wh.tasks().get(task).lines[0].location, LocationId(5));
    let stock = wh.inventory().location(LocationId(5));
    assert_eq!((stock.on_hand, stock.incoming, stock.allocated), (0, 10, 2));
    assert_eq!(wh.inventory().sku(SkuId(1)).faces, [LocationId(5)]);
    // when he puts them in and is done, ann picks there.
    confirm(&mut wh, at(9, 3), bob, move_task, 1, 10);
    ok(
        &mut wh,
        at(9, 4),
        Command::DeliverTote {
            associate: bob,
            task: move_task,
        },
    );
    let stock = wh.inventory().location(LocationId(5));
    assert_eq!((stock.on_hand, stock.incoming), (10, 0));
    ok(
        &mut wh,
        at(9, 5),
        Command::StartTask {
            associate: AssociateId(0),
            task,
        },
    );
    confirm(&mut wh, at(9, 6), AssociateId(0), task, 0, 2);
    assert_eq!(wh.inventory().location(LocationId(5)).on_hand, 8);
    assert_eq!(
        wh.inventory().total_units(),
        units_before - 2,
        "no unit lost"
    );
}

#[test]
fn a_cycle_of_moves_passes_one_item_through_a_free_face() {
    let mut wh = given(tiny_site());
    // SKU0001 (location 0) and SKU0002 (location 2) swap faces: one goes to
    // the free face nearest location 0 (location 1) meanwhile.
    let reply = ok(&mut wh, at(9, 0), reslot(&[(0, 2), (2, 0)]));
    assert_eq!(
        reply,
        Reply::Reslotting {
            moves: 2,
            hops: 1,
            started: 1
        }
    );
    let mut moved = Vec::new();
    for minute in 1..=3 {
        let open: Vec<_> = wh
            .tasks()
            .all()
            .filter(|t| t.status == task_execution::TaskStatus::Pending)
            .map(|t| t.id)
            .collect();
        let [task] = open[..] else {
            panic!("one move at a time, got {open:?}")
        };
        let lines = &wh.tasks().get(task).lines;
        moved.push((lines[0].location.0, lines[1].location.0));
        work_through(&mut wh, at(9, minute), 1, task);
    }
    assert_eq!(moved, [(0, 1), (2, 0), (1, 2)]);
    let sku = |l: u32| wh.master().get(LocationId(l)).sku;
    assert_eq!(
        (sku(0), sku(1), sku(2)),
        (Some(SkuId(1)), None, Some(SkuId(0)))
    );
    assert_eq!(wh.inventory().location(LocationId(2)).on_hand, 10);
    assert_eq!(wh.inventory().location(LocationId(0)).on_hand, 10);
}

#[test]
fn a_move_that_cannot_be_made_is_refused_by_its_field() {
    let mut wh = given(tiny_site());
    // Into a face another item holds, that no move empties;
    wh.when(at(9, 0), reslot(&[(0, 2)]))
        .then_refused("moves[0].to", RefusalKind::Conflict);
    // out of a location that is no pick face;
    wh.when(at(9, 0), reslot(&[(5, 6)]))
        .then_refused("moves[0].from", RefusalKind::Conflict);
    // into a location out of use;
    ok(
        &mut wh,
        at(9, 0),
        Command::SetLocationActive {
            location: LocationId(6),
            active: false,
            reason: "rack survey".into(),
        },
    );
    wh.when(at(9, 1), reslot(&[(2, 6)]))
        .then_refused("moves[0].to", RefusalKind::Conflict);
    // a location already moving.
    ok(&mut wh, at(9, 2), reslot(&[(2, 5)]));
    wh.when(at(9, 3), reslot(&[(12, 5)]))
        .then_refused("moves[0].to", RefusalKind::Conflict);
    assert_eq!(wh.tasks().all().count(), 1, "refused moves open no task");
}

#[test]
fn a_cycle_with_no_free_face_is_swapped_in_one_task_and_picks_follow_their_items() {
    let mut wh = given(tiny_site());
    // Every empty pick location takes nothing, so no face is free to pass
    // an item through;
    for l in (0..20).filter(|l| ![0, 2, 12, 19].contains(l)) {
        ok(
            &mut wh,
            at(8, 0),
            Command::ConfigureLocationCapacity {
                location: LocationId(l),
                capacity: Capacity {
                    units: Some(0),
                    ..Capacity::default()
                },
            },
        );
    }
    // ann's task picks SKU0002 at its face, location 2.
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0002", 2)])]);
    // When SKU0001 (location 0) and SKU0002 (location 2) change faces,
    let reply = ok(&mut wh, at(9, 0), reslot(&[(0, 2), (2, 0)]));
    assert_eq!(
        reply,
        Reply::Reslotting {
            moves: 2,
            hops: 0,
            started: 1
        }
    );
    // one RESLOT task takes both out and puts each into the other's face;
    let swap = wh
        .tasks()
        .all()
        .find(|t| t.kind == task_execution::TaskKind::Reslot)
        .map(|t| t.id)
        .expect("a RESLOT task");
    let stops: Vec<_> = wh
        .tasks()
        .get(swap)
        .lines
        .iter()
        .map(|l| (l.location.0, l.sku.0))
        .collect();
    assert_eq!(stops, [(0, 0), (2, 1), (2, 0), (0, 1)]);
    // the faces change hands once both are out, and ann's pick follows
    // SKU0002 to location 0.
    let bob = AssociateId(1);
    ok(&mut wh, at(9, 1), Command::SignOn { associate: bob });
    ok(
        &mut wh,
        at(9, 1),
        Command::RequestNextTask { associate: bob },
    );
    ok(
        &mut wh,
        at(9, 1),
        Command::StartTask {
            associate: bob,
            task: swap,
        },
    );
    confirm(&mut wh, at(9, 2), bob, swap, 0, 10);
    assert_eq!(wh.master().get(LocationId(0)).sku, Some(SkuId(0)));
    let from = wh.bus().len();
    confirm(&mut wh, at(9, 3), bob, swap, 1, 10);
    assert_eq!(
        types_since(&wh, from),
        [
            "com.paklog.wes.task.rerouted.v1",
            "com.paklog.wms.location.item-reslotted.v1",
            "com.paklog.wms.location.item-reslotted.v1",
            "com.paklog.wes.location.state-changed.v1",
        ]
    );
    assert_eq!(wh.tasks().get(task).lines[0].location, LocationId(0));
    confirm(&mut wh, at(9, 4), bob, swap, 2, 10);
    confirm(&mut wh, at(9, 5), bob, swap, 3, 10);
    let sku = |l: u32| wh.master().get(LocationId(l)).sku;
    assert_eq!((sku(0), sku(2)), (Some(SkuId(1)), Some(SkuId(0))));
    for l in [0, 2] {
        let s = wh.inventory().location(LocationId(l));
        assert_eq!((s.on_hand, s.incoming), (10, 0));
    }
    assert_eq!(
        wh.inventory().sku(SkuId(0)).faces,
        [LocationId(2), LocationId(19)]
    );
    assert_eq!(wh.inventory().location(LocationId(0)).allocated, 2);
}

#[test]
fn a_queued_move_whose_face_was_emptied_and_retired_meanwhile_is_dropped() {
    let mut wh = given(tiny_site());
    // ann picks location 0 (SKU0001) empty;
    let task = released_and_started(&mut wh, &[order("o1", &[("SKU0001", 10)])]);
    assert_eq!(wh.tasks().get(task).lines[0].location, LocationId(0));
    let ann = AssociateId(0);
    confirm(&mut wh, at(9, 1), ann, task, 0, 10);
    ok(
        &mut wh,
        at(9, 1),
        Command::DeliverTote {
            associate: ann,
            task,
        },
    );
    // a slotting queues 2 → 5 (started) and 0 → 2 (waiting for 2);
    let reply = ok(&mut wh, at(9, 2), reslot(&[(2, 5), (0, 2)]));
    assert!(matches!(reply, Reply::Reslotting { started: 1, .. }));
    // the empty face 0 is taken out of use (and so unslotted);
    ok(
        &mut wh,
        at(9, 3),
        Command::SetLocationActive {
            location: LocationId(0),
            active: false,
            reason: "rack survey".into(),
        },
    );
    // when the first move is done, the second has nothing left to move.
    let first = wh
        .tasks()
        .all()
        .find(|t| t.kind == task_execution::TaskKind::Reslot)
        .map(|t| t.id)
        .unwrap();
    work_through(&mut wh, at(9, 4), 1, first);
    let reslots = wh
        .tasks()
        .all()
        .filter(|t| t.kind == task_execution::TaskKind::Reslot)
        .count();
    assert_eq!(reslots, 1);
    assert_eq!(wh.master().get(LocationId(2)).sku, None);
    assert_eq!(wh.master().get(LocationId(5)).sku, Some(SkuId(1)));
}
