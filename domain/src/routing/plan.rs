//! Walkable routes: not only how long a policy's trip is, but in which
//! order it visits the stops and how far it walks to each, so a picker (or
//! a virtual one) can follow exactly the policy's path.

use super::{
    EXACT_LIMIT, NotApplicable, Policy, SingleBlock, by_aisle_indexed, held_karp_tour,
    nearest_neighbour_2opt_tour,
};
use crate::location_master::{LocationMaster, Point};
use crate::routing::walk::Walk;

/// A route to walk.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Stops (indices into the input) in visiting order.
    pub order: Vec<usize>,
    /// Walking distance to each stop of `order` from the one before it (or
    /// from the depot), along the policy's path (m).
    pub legs: Vec<f64>,
    /// Walking distance from the last stop back to the depot (m).
    pub home_m: f64,
    /// Whether the route is the shortest possible.
    pub exact: bool,
}

impl Plan {
    /// The whole trip, depot to depot (m).
    #[must_use]
    pub fn distance_m(&self) -> f64 {
        self.legs.iter().sum::<f64>() + self.home_m
    }
}

/// Plans a trip through `stops` with `policy`. The single-block heuristics
/// follow their textbook paths; S-shape in a layout of several blocks,
/// nearest neighbour and optimal walk the shortest path between consecutive
/// stops, optimal being exact up to [`EXACT_LIMIT`] stops (nearest neighbour
/// + 2-opt beyond).
///
/// # Errors
/// [`NotApplicable`] for a single-block heuristic on a multi-block layout.
pub fn plan(
    master: &LocationMaster,
    policy: Policy,
    stops: &[Point],
) -> Result<Plan, NotApplicable> {
    plan_from(master, policy, master.spec.depot_aisle, stops)
}

/// Plans a trip that starts and ends at the front end of aisle `depot`
/// (e.g. a zone's hand-over point) instead of the site's depot.
///
/// # Errors
/// [`NotApplicable`] for a single-block heuristic on a multi-block layout.
pub fn plan_from(
    master: &LocationMaster,
    policy: Policy,
    depot: u32,
    stops: &[Point],
) -> Result<Plan, NotApplicable> {
    super::applies(master, policy)?;
    let home = Point::new(depot, 0.0);
    let by_tour = |(_, order): (f64, Vec<usize>), exact: bool| {
        let mut at = home;
        let legs = order
            .iter()
            .map(|&i| {
                let leg = master.distance(at, stops[i]);
                at = stops[i];
                leg
            })
            .collect();
        Plan {
            order,
            legs,
            home_m: master.distance(at, home),
            exact,
        }
    };
    match policy {
        Policy::NearestNeighbour => {
            return Ok(by_tour(
                nearest_neighbour_2opt_tour(master, home, stops),
                false,
            ));
        }
        Policy::Optimal => {
            if stops.len() > super::SMALL_LIST
                && master.network().is_none()
                && let Some(plan) = super::exact::plan(master, depot, stops)
            {
                return Ok(plan);
            }
            return Ok(if stops.len() <= EXACT_LIMIT {
                by_tour(held_karp_tour(master, home, stops), true)
            } else {
                by_tour(nearest_neighbour_2opt_tour(master, home, stops), false)
            });
        }
        _ => {}
    }
    if policy == Policy::SShape && master.spec.blocks != 1 {
        return Ok(by_tour((0.0, serpentine(master, stops)), false));
    }
    // Largest gap and combined go block by block, unless every stop is in
    // the front block: then the layout is a single block to them.
    let block_by_block = matches!(policy, Policy::LargestGap | Policy::Combined);
    let front_block_only = stops.iter().all(|p| p.y <= master.spec.aisle_length_m);
    if policy == Policy::CombinedPlus
        || (master.spec.blocks != 1 && block_by_block && !front_block_only)
    {
        return Ok(super::blocks::plan(master, policy, depot, stops));
    }
    if master.spec.blocks != 1 && !(block_by_block && front_block_only) {
        return Err(NotApplicable::Blocks {
            policy,
            blocks: master.spec.blocks,
        });
    }
    let g = SingleBlock::of(master, depot);
    let mut walk = Walk::new(g.depot, g.pitch);
    let aisles = by_aisle_indexed(stops);
    let front = 0.0;
    let back = g.length;
    // Visits `ids` of an aisle (sorted by position) upward or downward.
    let up = |walk: &mut Walk, aisle: u32, ids: &[(f64, usize)]| {
        ids.iter().for_each(|&(y, i)| walk.stop(aisle, y, i))
    };
    let down = |walk: &mut Walk, aisle: u32, ids: &[(f64, usize)]| {
        ids.iter().rev().for_each(|&(y, i)| walk.stop(aisle, y, i))
    };
    match policy {
        Policy::SShape => {
            let k = aisles.len();
            let leftward = aisles.last().is_some_and(|(a, _)| *a <= g.depot);
            let sweep: Vec<&(u32, Vec<(f64, usize)>)> = if leftward {
                aisles.iter().rev().collect()
            } else {
                aisles.iter().collect()
            };
            for (i, (a, ids)) in sweep.into_iter().enumerate() {
                if i % 2 == 1 {
                    walk.to(*a, back);
                    down(&mut walk, *a, ids);
                    walk.to(*a, front);
                } else {
                    walk.to(*a, front);
                    up(&mut walk, *a, ids);
                    walk.to(*a, if i + 1 == k { front } else { back });
                }
            }
        }
        Policy::Midpoint | Policy::LargestGap if aisles.len() >= 2 => {
            let (first, rest) = aisles.split_first().expect("two aisles");
            let (last, inner) = rest.split_last().expect("two aisles");
            // Each inner aisle's stops split into those reached from the
            // back and those reached from the front.
            let split = |ids: &[(f64, usize)]| -> usize {
                if policy == Policy::Midpoint {
                    ids.iter().take_while(|(y, _)| *y <= g.length / 2.0).count()
                } else {
                    super::blocks::largest_gap_split(ids, front, back)
                }
            };
            // On the way out to the leftmost aisle, the front parts of the
            // inner aisles left of the depot; the others on the way home.
            let front_part = |walk: &mut Walk, (a, ids): &(u32, Vec<(f64, usize)>)| {
                let cut = split(ids);
                if cut > 0 {
                    walk.to(*a, front);
                    up(walk, *a, &ids[..cut]);
                    walk.to(*a, front);
                }
            };
            for aisle in inner.iter().rev().filter(|(a, _)| *a < g.depot) {
                front_part(&mut walk, aisle);
            }
            walk.to(first.0, front);
            up(&mut walk, first.0, &first.1);
            walk.to(first.0, back);
            for (a, ids) in inner {
                let cut = split(ids);
                if cut < ids.len() {
                    walk.to(*a, back);
                    down(&mut walk, *a, &ids[cut..]);
                    walk.to(*a, back);
                }
            }
            walk.to(last.0, back);
            down(&mut walk, last.0, &last.1);
            walk.to(last.0, front);
            for aisle in inner.iter().rev().filter(|(a, _)| *a >= g.depot) {
                front_part(&mut walk, aisle);
            }
        }
        // Return; and midpoint or largest gap with fewer than two pick aisles.
        Policy::Return | Policy::Midpoint | Policy::LargestGap => {
            for (a, ids) in &aisles {
                walk.to(*a, front);
                up(&mut walk, *a, ids);
                walk.to(*a, front);
            }
        }
        Policy::Combined => {
            let seq: Vec<&(u32, Vec<(f64, usize)>)> = aisles.iter().collect();
            super::blocks::combined(&mut walk, &seq, front, back, 0);
        }
        Policy::NearestNeighbour | Policy::Optimal | Policy::CombinedPlus => {
            unreachable!("handled above")
        }
    }
    Ok(walk.home())
}

/// S-shape order in a layout of several blocks: block by block from the
/// front, aisles left to right in one block and right to left in the next,
/// up one pick aisle and down the next; the picker walks the shortest path
/// between consecutive stops.
fn serpentine(master: &LocationMaster, stops: &[Point]) -> Vec<usize> {
    let spec = &master.spec;
    let block = |p: &Point| ((p.y / spec.aisle_length_m) as u32).min(spec.blocks - 1);
    let forward = |b: u32| b.is_multiple_of(2);
    let mut pick_aisles: Vec<(u32, u32)> = stops.iter().map(|p| (block(p), p.aisle)).collect();
    pick_aisles.sort_unstable();
    pick_aisles.dedup();
    let mut keyed: Vec<(u32, u32, f64, usize)> = stops
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let b = block(p);
            let aisle_key = if forward(b) {
                p.aisle
            } else {
                u32::MAX - p.aisle
            };
            // Pick aisles of this block before this one, in walking order:
            // even ranks go up, odd ones down.
            let rank = pick_aisles
                .iter()
                .filter(|(pb, a)| {
                    *pb == b
                        && if forward(b) {
                            *a < p.aisle
                        } else {
                            *a > p.aisle
                        }
                })
                .count();
            let y_key = if rank.is_multiple_of(2) { p.y } else { -p.y };
            (b, aisle_key, y_key, i)
        })
        .collect();
    keyed.sort_by(|x, y| {
        x.0.cmp(&y.0)
            .then(x.1.cmp(&y.1))
            .then(x.2.total_cmp(&y.2))
            .then(x.3.cmp(&y.3))
    });
    keyed.into_iter().map(|k| k.3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location_master::LayoutSpec;
    use crate::routing::route;
    use paklog_sim::RngStreams;
    use rand::RngExt;

    #[test]
    fn every_plan_visits_each_stop_once_and_walks_the_policys_length() {
        let mut rng = RngStreams::new(6).stream("plan-test");
        for depot in [0, 4, 9] {
            let m = LocationMaster::new(
                LayoutSpec {
                    aisle_length_m: 20.0,
                    depot_aisle: depot,
                    ..crate::testing::layout(1, 10)
                },
                1,
                0,
            );
            for _ in 0..200 {
                let n = rng.random_range(0..=12);
                let stops: Vec<Point> = (0..n)
                    .map(|_| Point::new(rng.random_range(0..10), rng.random::<f64>() * 20.0))
                    .collect();
                for policy in Policy::ALL {
                    let p = plan(&m, policy, &stops).unwrap();
                    let mut seen = p.order.clone();
                    seen.sort_unstable();
                    assert_eq!(seen, (0..n).collect::<Vec<_>>(), "{policy}");
                    assert_eq!(p.legs.len(), n);
                    let expected = route(&m, policy, &stops).unwrap().distance_m;
                    assert!(
                        (p.distance_m() - expected).abs() < 1e-6,
                        "{policy}, depot {depot}: plan walks {} but the policy is {expected} on {stops:?}",
                        p.distance_m()
                    );
                }
            }
        }
    }
}
