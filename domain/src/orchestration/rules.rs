//! The rules of orchestration, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use crate::testing::*;

#[test]
fn a_trip_starts_and_ends_at_the_depot_that_makes_it_shortest() {
    let mut config = tiny_site();
    config.layout.extra_depots = vec![1];
    let mut wh = given(config);
    // Given depots at the front of both aisles, when a trip picks in the
    // second aisle only, it starts and ends there;
    let far = released_and_assigned(&mut wh, &[order("o1", &[("SKU0003", 1)])]);
    let t = wh.tasks().get(far);
    assert_eq!(t.depot, 1);
    let y = wh.master().get(t.lines[0].location).point.y;
    assert!((t.distance_m - 2.0 * y).abs() < 1e-9, "straight in and out");
    // and the picker is back at that depot when the tote is delivered.
    work_through(&mut wh, at(9, 0), 0, far);
    assert_eq!(wh.tasks().associates[0].position.aisle, 1);
}
