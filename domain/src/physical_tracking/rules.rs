//! The rules of physical tracking, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use crate::testing::*;
use crate::*;

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
