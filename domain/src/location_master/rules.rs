//! The rules of the location master, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use super::{Location, LocationMaster};
use crate::commands::CommandError;
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
