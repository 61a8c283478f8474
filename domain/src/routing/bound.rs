//! How far a routed trip can be from the shortest: a lower bound on the
//! shortest trip through a list of stops.
//!
//! Where an exact programme applies the bound is the shortest trip itself.
//! Elsewhere it is the Held–Karp bound (Held and Karp 1970, 1971): the
//! largest 1-tree weight over node penalties, found by subgradient
//! optimisation (Volgenant and Jonker 1982 for the step rule). Every tour
//! is a 1-tree, so the bound never exceeds the shortest trip; on walking
//! distances it is usually within a few per cent of it.

use super::{Policy, route_from};
use crate::location_master::{LocationMaster, Point};

/// Subgradient iterations.
const ITERATIONS: usize = 300;

/// A lower bound on the shortest trip from the front end of aisle `depot`
/// through `stops` and back, and whether it is that shortest trip.
/// `upper` is the length of some trip through them (the one routed): it
/// sets the subgradient step.
#[must_use]
pub fn lower_bound(
    master: &LocationMaster,
    depot: u32,
    stops: &[Point],
    upper: f64,
) -> (f64, bool) {
    if let Ok(r) = route_from(master, Policy::Optimal, depot, stops)
        && r.exact
    {
        return (r.distance_m, true);
    }
    let mut points = Vec::with_capacity(stops.len() + 1);
    points.push(Point::new(depot, 0.0));
    points.extend_from_slice(stops);
    let n = points.len();
    let d: Vec<f64> = points
        .iter()
        .flat_map(|&a| points.iter().map(move |&b| master.distance(a, b)))
        .collect();
    (held_karp_bound(&d, n, upper), false)
}

/// The Held–Karp bound of the symmetric distance matrix `d` (`n × n`, row
/// by row), node 0 being the 1-tree's special node.
#[must_use]
pub fn held_karp_bound(d: &[f64], n: usize, upper: f64) -> f64 {
    if n < 3 {
        return if n == 2 { 2.0 * d[1] } else { 0.0 };
    }
    let mut pi = vec![0.0; n];
    let mut best = f64::NEG_INFINITY;
    let mut step = 2.0;
    let mut since_better = 0;
    let mut degree = vec![0i32; n];
    for _ in 0..ITERATIONS {
        let w = one_tree(d, n, &pi, &mut degree);
        let bound = w - 2.0 * pi.iter().sum::<f64>();
        if bound > best + 1e-9 {
            best = bound;
            since_better = 0;
        } else {
            since_better += 1;
            if since_better >= 10 {
                step /= 2.0;
                since_better = 0;
            }
        }
        let norm: i32 = degree.iter().map(|&g| (g - 2) * (g - 2)).sum();
        if norm == 0 || step < 1e-6 {
            break; // the 1-tree is a tour: the bound is the shortest trip
        }
        let t = step * (upper - bound).max(1e-6) / f64::from(norm);
        for (p, &g) in pi.iter_mut().zip(&degree) {
            *p += t * f64::from(g - 2);
        }
    }
    best.min(upper)
}

/// The weight of the minimum 1-tree under penalties `pi` (a spanning tree
/// of nodes 1.. by Prim, plus node 0's two cheapest edges), with each
/// node's degree in it.
fn one_tree(d: &[f64], n: usize, pi: &[f64], degree: &mut [i32]) -> f64 {
    let w = |i: usize, j: usize| d[i * n + j] + pi[i] + pi[j];
    degree.fill(0);
    let mut total = 0.0;
    let mut near = vec![(f64::INFINITY, 1usize); n];
    let mut inside = vec![false; n];
    inside[1] = true;
    for (j, near) in near.iter_mut().enumerate().skip(2) {
        *near = (w(1, j), 1);
    }
    for _ in 2..n {
        let (j, (cost, from)) = near
            .iter()
            .enumerate()
            .skip(2)
            .filter(|(j, _)| !inside[*j])
            .min_by(|a, b| a.1.0.total_cmp(&b.1.0))
            .map(|(j, &c)| (j, c))
            .expect("a node is left outside");
        inside[j] = true;
        total += cost;
        degree[j] += 1;
        degree[from] += 1;
        for k in 2..n {
            if !inside[k] && w(j, k) < near[k].0 {
                near[k] = (w(j, k), j);
            }
        }
    }
    let mut first = (f64::INFINITY, 0);
    let mut second = (f64::INFINITY, 0);
    for j in 1..n {
        let c = w(0, j);
        if c < first.0 {
            second = first;
            first = (c, j);
        } else if c < second.0 {
            second = (c, j);
        }
    }
    total += first.0 + second.0;
    degree[0] = 2;
    degree[first.1] += 1;
    degree[second.1] += 1;
    total
}

#[cfg(test)]
mod tests {
    use paklog_sim::RngStreams;
    use rand::RngExt;

    use super::*;
    use crate::location_master::{LayoutSpec, LocationMaster, Passage};
    use crate::routing::plan_from;

    #[test]
    fn the_bound_never_exceeds_the_shortest_trip_and_is_close_to_it() {
        // On a site with dead ends, Held–Karp (exact up to 13 stops) gives
        // the shortest trip to compare the bound with.
        let spec = LayoutSpec {
            aisle_length_m: 20.0,
            passages: vec![(3, 0, Passage::Front), (5, 1, Passage::None)],
            ..crate::testing::layout(2, 8)
        };
        let master = LocationMaster::new(spec, 1, 0);
        let mut rng = RngStreams::new(7).stream("bound-test");
        let mut gaps = Vec::new();
        for _ in 0..60 {
            let n = rng.random_range(3..=11);
            let stops: Vec<Point> = (0..n)
                .map(|_| {
                    let mut a = rng.random_range(0..8);
                    let mut y = rng.random::<f64>() * 40.0;
                    if a == 5 && y > 20.0 {
                        (a, y) = (4, y - 20.0);
                    }
                    Point::new(a, y)
                })
                .collect();
            let best = plan_from(&master, Policy::Optimal, 0, &stops).unwrap();
            assert!(best.exact);
            let shortest = best.distance_m();
            let mut points = vec![Point::new(0, 0.0)];
            points.extend_from_slice(&stops);
            let m = points.len();
            let d: Vec<f64> = points
                .iter()
                .flat_map(|&a| {
                    points
                        .iter()
                        .map(|&b| master.distance(a, b))
                        .collect::<Vec<_>>()
                })
                .collect();
            let bound = held_karp_bound(&d, m, shortest * 1.1);
            assert!(bound <= shortest + 1e-6, "{bound} > {shortest}");
            gaps.push((shortest - bound) / shortest);
        }
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        assert!(
            mean < 0.05,
            "the bound is {:.1} % below on average",
            mean * 100.0
        );
    }

    #[test]
    fn where_an_exact_programme_applies_the_bound_is_the_shortest_trip() {
        let master = LocationMaster::new(crate::testing::layout(1, 6), 1, 0);
        let stops = [Point::new(2, 3.0), Point::new(4, 8.0), Point::new(5, 1.0)];
        let (bound, exact) = lower_bound(&master, 0, &stops, 100.0);
        let shortest = route_from(&master, Policy::Optimal, 0, &stops).unwrap();
        assert!(exact);
        assert_eq!(bound, shortest.distance_m);
    }
}
