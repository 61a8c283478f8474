//! The rules of physical tracking, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use crate::events::{PlateNested, PlateOpened, PlateUnnested};
use crate::physical_tracking::PlateKind;
use crate::testing::*;
use crate::*;

fn open(plate: &str, kind: PlateKind, location: Option<LocationId>) -> Command {
    Command::OpenLicensePlate {
        plate: plate.into(),
        kind,
        location,
    }
}

fn nest(plate: &str, into: &str) -> Command {
    Command::NestLicensePlate {
        plate: plate.into(),
        into: into.into(),
    }
}

#[test]
fn licence_plates_can_be_nested_and_a_picked_tote_goes_on_a_pallet_with_its_place() {
    // Given a tote picked and delivered to the staging lane
    let mut site = given(tiny_site());
    let task = released_and_assigned(&mut site, &[order("o1", &[("SKU0003", 1)])]);
    work_through(&mut site, at(9, 0), 0, task);
    let tote = site.tasks().get(task).totes[0].to_string();
    let lane = site.plates().place(&tote).expect("the tote was put down");
    assert_eq!(
        site.master().get(lane).kind,
        location_master::LocationKind::Stage
    );
    // When a pallet is opened at the lane and the tote goes on it
    site.when(at(9, 5), open("PAL-1", PlateKind::Pallet, Some(lane)))
        .then_events(&[DomainEvent::LicensePlateOpened(Box::new(PlateOpened {
            plate: "PAL-1".into(),
            kind: PlateKind::Pallet,
            location: Some(lane),
        }))]);
    site.when(at(9, 6), nest(&tote, "PAL-1"))
        .then_events(&[DomainEvent::LicensePlateNested(Box::new(PlateNested {
            plate: tote.clone(),
            into: "PAL-1".into(),
            from: None,
        }))]);
    // Then the pallet holds it, and it is where the pallet is
    assert_eq!(site.plates().contents("PAL-1"), [tote.as_str()]);
    assert_eq!(site.plates().parent(&tote), Some("PAL-1"));
    // A pallet goes on nothing smaller, a plate must exist, a code is new
    site.when(at(9, 7), nest("PAL-1", &tote))
        .then_refused("into", RefusalKind::Invalid);
    site.when(at(9, 7), nest("LP99", "PAL-1"))
        .then_refused("plate", RefusalKind::NotFound);
    site.when(at(9, 7), nest(&tote, "PAL-9"))
        .then_refused("into", RefusalKind::NotFound);
    site.when(at(9, 7), open("PAL-1", PlateKind::Pallet, None))
        .then_refused("plate", RefusalKind::Conflict);
    site.when(at(9, 7), open("", PlateKind::Case, None))
        .then_refused("plate", RefusalKind::Invalid);
    site.when(at(9, 7), open("LP900", PlateKind::Case, None))
        .then_refused("plate", RefusalKind::Invalid);
    site.when(at(9, 7), open(&tote, PlateKind::Case, None))
        .then_refused("plate", RefusalKind::Conflict);
    site.when(
        at(9, 7),
        open("C-1", PlateKind::Case, Some(LocationId(9999))),
    )
    .then_refused("location", RefusalKind::NotFound);
    // When it comes off again, it stays where the pallet is
    site.when(
        at(9, 8),
        Command::UnnestLicensePlate {
            plate: tote.clone(),
        },
    )
    .then_events(&[DomainEvent::LicensePlateUnnested(Box::new(PlateUnnested {
        plate: tote.clone(),
        from: "PAL-1".into(),
    }))]);
    assert!(site.plates().contents("PAL-1").is_empty());
    assert_eq!(site.plates().place(&tote), Some(lane));
    site.when(at(9, 9), Command::UnnestLicensePlate { plate: tote })
        .then_refused("plate", RefusalKind::Conflict);
}

#[test]
fn rtls_sees_totes_arrive_and_leave_and_reconciliation_finds_one_in_the_wrong_place() {
    // Given a tote delivered to the pack station's staging lane
    let mut wh = given(tiny_site());
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 1)])]);
    work_through(&mut wh, at(9, 0), 0, task);
    let tote = wh.orders().get(OrderId(0)).tote.unwrap();
    let spot = |wh: &Warehouse, kind| {
        let l = wh
            .master()
            .locations
            .iter()
            .find(|l| l.kind == kind)
            .unwrap()
            .id;
        let (x, y) = wh.tracking().spot(l).unwrap();
        (l, (x * 1000.0) as i64, (y * 1000.0) as i64)
    };
    let (stage, sx, sy) = spot(&wh, location_master::LocationKind::Stage);
    let (dock, dx, dy) = spot(&wh, location_master::LocationKind::Dock);
    let ping = |x_mm, y_mm| Command::RtlsPings {
        pings: vec![RtlsPing {
            tag: tote.to_string(),
            x_mm,
            y_mm,
        }],
    };
    // When its tag pings at the lane, then the lane is occupied, and the
    // physical state agrees with the WES
    let from = wh.bus().len();
    ok(&mut wh, at(9, 1), ping(sx + 300, sy));
    assert_eq!(
        wh.bus().since(from)[0].event,
        DomainEvent::LocationStateChanged {
            location: stage,
            on_hand: 1,
            occupied: true
        }
    );
    assert!(wh.reconcile().is_empty(), "{:?}", wh.reconcile());
    // When it turns up at the dock door instead, then both places change
    // state and reconciliation reports each, unexplained
    let from = wh.bus().len();
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
