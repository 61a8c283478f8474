//! Picker routing: the length of a pick trip from the depot through every
//! stop and back, by policy.
//!
//! Single-block layouts (one block of parallel aisles between a front and a
//! back cross aisle) have the classic heuristics of the literature, in
//! their usual definitions (Roodbergen's thesis; Petersen 1997):
//!
//! - **S-shape** (traversal): every aisle holding a pick is traversed
//!   entirely, alternating up and down; with an odd number of such aisles
//!   the last one is entered and left from the front. In layouts of several
//!   blocks it goes block by block, serpentine, walking the shortest path
//!   between consecutive stops.
//! - **Return**: every pick aisle is entered and left from the front, as
//!   deep as its farthest pick.
//! - **Midpoint**: the leftmost and rightmost pick aisles are traversed;
//!   every other aisle is entered from the front for the picks in its front
//!   half and from the back for the rest.
//! - **Largest gap**: like midpoint, but each inner aisle is split at its
//!   largest gap between adjacent stops (or an end), which is never walked.
//! - **Combined** (Roodbergen and de Koster 2001): pick aisles left to
//!   right, each either traversed or entered and left from the side the
//!   picker is on, chosen by dynamic programming so that the picker ends at
//!   the front; it is never longer than S-shape or return.
//! - **Combined+**: combined, with the sweep direction chosen (see below);
//!   never longer than combined.
//!
//! In layouts of several blocks, largest gap, combined and combined+ work
//! block by block, farthest block first, as Roodbergen and de Koster (2001)
//! describe (module `blocks`); return and midpoint are single-block only.
//!
//! For any layout, [`Policy::NearestNeighbour`] (nearest stop next,
//! improved by 2-opt) and [`Policy::Optimal`], the shortest tour: in a
//! single-block layout its length comes from the dynamic programme of
//! Ratliff and Rosenthal (1983), linear in the number of aisles; in layouts
//! of up to [`exact::MAX_BLOCKS`] blocks the same idea extended block by block
//! (Roodbergen and de Koster 2001 did two blocks; see [`exact`]) gives the
//! tour itself, exact for any number of stops; short lists (up to 8 stops)
//! use exact dynamic programming over subsets of stops (Held–Karp, on
//! shortest walking distances), which is faster there. Beyond
//! [`exact::MAX_BLOCKS`] blocks, Held–Karp up to [`EXACT_LIMIT`] stops and
//! nearest neighbour + 2-opt beyond, which [`Route::exact`] then says.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::location_master::{LocationMaster, Point};

mod blocks;
mod bound;
pub use bound::{held_karp_bound, lower_bound};
pub mod exact;
mod plan;
mod walk;
pub use plan::{Plan, plan, plan_from};

/// Most stops the exact subset dynamic programme handles (2ⁿ·n² work) in
/// layouts of more than [`exact::MAX_BLOCKS`] blocks.
pub const EXACT_LIMIT: usize = 13;

/// Up to this many stops the subset programme is faster than the aisle by
/// aisle one in a multi-block layout; both are exact.
const SMALL_LIST: usize = 8;

/// A routing policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// S-shape (traversal).
    SShape,
    /// Return.
    Return,
    /// Midpoint.
    Midpoint,
    /// Largest gap.
    LargestGap,
    /// Combined traverse-or-return, by dynamic programming.
    Combined,
    /// Combined with the entry aisle and each block's sweep chosen.
    CombinedPlus,
    /// Nearest neighbour, then 2-opt.
    NearestNeighbour,
    /// Exact for small pick lists.
    Optimal,
}

impl Policy {
    /// Every policy, in the order reports list them.
    pub const ALL: [Policy; 8] = [
        Policy::SShape,
        Policy::Return,
        Policy::Midpoint,
        Policy::LargestGap,
        Policy::Combined,
        Policy::CombinedPlus,
        Policy::NearestNeighbour,
        Policy::Optimal,
    ];

    /// The name used in files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Policy::SShape => "s_shape",
            Policy::Return => "return",
            Policy::Midpoint => "midpoint",
            Policy::LargestGap => "largest_gap",
            Policy::Combined => "combined",
            Policy::CombinedPlus => "combined_plus",
            Policy::NearestNeighbour => "nearest_neighbour",
            Policy::Optimal => "optimal",
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Policy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Policy::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Policy::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "unknown policy \"{s}\": expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// A routed pick trip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Route {
    /// Walking distance from the depot through every stop and back (m).
    pub distance_m: f64,
    /// Whether the distance is the shortest possible.
    pub exact: bool,
}

/// A policy that does not apply to the layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotApplicable {
    /// A single-block heuristic on a layout of several blocks.
    #[error(
        "policy {policy} is defined for single-block layouts; this layout has {blocks} blocks (use s_shape, largest_gap, combined, combined_plus, nearest_neighbour or optimal)"
    )]
    Blocks {
        /// The policy asked for.
        policy: Policy,
        /// Blocks of the layout.
        blocks: u32,
    },
    /// A heuristic of the perfect grid on a site that is not one.
    #[error(
        "policy {policy} is defined for the perfect grid of blocks; this site has dead ends, missing aisles or places off the grid (use nearest_neighbour, or optimal: exact up to {EXACT_LIMIT} stops, nearest neighbour + 2-opt beyond)"
    )]
    Irregular {
        /// The policy asked for.
        policy: Policy,
    },
}

/// Whether `policy` routes trips on `master`'s layout.
///
/// # Errors
/// [`NotApplicable`] when it does not.
pub fn applies(master: &LocationMaster, policy: Policy) -> Result<(), NotApplicable> {
    let shortest_walks = matches!(policy, Policy::NearestNeighbour | Policy::Optimal);
    if master.network().is_some() && !shortest_walks {
        return Err(NotApplicable::Irregular { policy });
    }
    if master.spec.blocks != 1 && matches!(policy, Policy::Return | Policy::Midpoint) {
        return Err(NotApplicable::Blocks {
            policy,
            blocks: master.spec.blocks,
        });
    }
    Ok(())
}

/// What runs for `policy` on `master`'s layout, as a report names it: the
/// policy itself, or for `optimal` the exact programme it runs and the
/// heuristic beyond its reach.
#[must_use]
pub fn method(master: &LocationMaster, policy: Policy) -> &'static str {
    match policy {
        Policy::Optimal if master.network().is_none() && master.spec.blocks == 1 => {
            "ratliff_rosenthal"
        }
        Policy::Optimal
            if master.network().is_none() && master.spec.blocks <= exact::MAX_BLOCKS =>
        {
            "ratliff_rosenthal by blocks (exact)"
        }
        Policy::Optimal => "held_karp up to 13 stops, nearest_neighbour + 2-opt beyond",
        p => p.name(),
    }
}

/// Routes a trip through `stops` (points on aisle centre lines) with
/// `policy`.
///
/// # Errors
/// [`NotApplicable`] for a single-block heuristic on a multi-block layout.
pub fn route(
    master: &LocationMaster,
    policy: Policy,
    stops: &[Point],
) -> Result<Route, NotApplicable> {
    route_from(master, policy, master.spec.depot_aisle, stops)
}

/// Routes a trip that starts and ends at the front end of aisle `depot`
/// (e.g. a zone's hand-over point) instead of the site's depot.
///
/// # Errors
/// [`NotApplicable`] for a single-block heuristic on a multi-block layout.
pub fn route_from(
    master: &LocationMaster,
    policy: Policy,
    depot: u32,
    stops: &[Point],
) -> Result<Route, NotApplicable> {
    applies(master, policy)?;
    let grid = master.network().is_none();
    // Ratliff–Rosenthal gives the exact length in one block without a tour;
    // every other policy's length is that of the path it plans.
    if grid && policy == Policy::Optimal && master.spec.blocks == 1 {
        return Ok(Route {
            distance_m: SingleBlock::of(master, depot).optimal(stops),
            exact: true,
        });
    }
    if grid
        && policy == Policy::Optimal
        && stops.len() > SMALL_LIST
        && let Some(distance_m) = exact::length(master, depot, stops)
    {
        return Ok(Route {
            distance_m,
            exact: true,
        });
    }
    plan_from(master, policy, depot, stops).map(|p| Route {
        distance_m: p.distance_m(),
        exact: p.exact,
    })
}

/// The geometry the single-block heuristics need.
struct SingleBlock {
    length: f64,
    pitch: f64,
    depot: u32,
}

/// Stops grouped by aisle, left to right, each aisle's stops sorted by
/// position, with their indices in `stops`.
fn by_aisle_indexed(stops: &[Point]) -> Vec<(u32, Vec<(f64, usize)>)> {
    let mut sorted: Vec<(usize, Point)> = stops.iter().copied().enumerate().collect();
    sorted.sort_by(|a, b| {
        a.1.aisle
            .cmp(&b.1.aisle)
            .then(a.1.y.total_cmp(&b.1.y))
            .then(a.0.cmp(&b.0))
    });
    let mut groups: Vec<(u32, Vec<(f64, usize)>)> = Vec::new();
    for (i, p) in sorted {
        match groups.last_mut() {
            Some((a, ys)) if *a == p.aisle => ys.push((p.y, i)),
            _ => groups.push((p.aisle, vec![(p.y, i)])),
        }
    }
    groups
}

/// Stops grouped by aisle, left to right, each aisle's positions sorted.
fn by_aisle(stops: &[Point]) -> Vec<(u32, Vec<f64>)> {
    by_aisle_indexed(stops)
        .into_iter()
        .map(|(a, ys)| (a, ys.into_iter().map(|(y, _)| y).collect()))
        .collect()
}

impl SingleBlock {
    fn of(master: &LocationMaster, depot: u32) -> Self {
        SingleBlock {
            length: master.spec.aisle_length_m,
            pitch: master.spec.aisle_pitch_m,
            depot,
        }
    }
}

/// Degree of a cross-aisle node in a partial tour, as the dynamic programme
/// of Ratliff and Rosenthal needs it: zero, odd, or even and not zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deg {
    Zero,
    Odd,
    Even,
}

impl Deg {
    fn add(self, k: u8) -> Deg {
        match (self, k % 2, k) {
            (d, _, 0) => d,
            (Deg::Zero | Deg::Even, 1, _) => Deg::Odd,
            (Deg::Odd, 1, _) => Deg::Even,
            (Deg::Zero, _, _) => Deg::Even,
            (d, _, _) => d,
        }
    }

    fn even(self) -> bool {
        self != Deg::Odd
    }
}

/// The frontier of a partial tour after some aisles: the degrees of the
/// back (`a`) and front (`b`) nodes of the current aisle, and whether they
/// are in the same component (when both are in the tour). Every component
/// of a partial tour touches the frontier, or the tour is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frontier {
    a: Deg,
    b: Deg,
    same: bool,
}

impl Frontier {
    const EMPTY: Frontier = Frontier {
        a: Deg::Zero,
        b: Deg::Zero,
        same: false,
    };

    fn index(self) -> usize {
        let d = |d: Deg| d as usize;
        (d(self.a) * 3 + d(self.b)) * 2 + usize::from(self.same)
    }

    fn components(self) -> usize {
        match (self.a, self.b) {
            (Deg::Zero, Deg::Zero) => 0,
            (Deg::Zero, _) | (_, Deg::Zero) => 1,
            _ if self.same => 1,
            _ => 2,
        }
    }
}

const STATES: usize = 18;

/// Ways to cover one aisle: degrees added at the back and front nodes,
/// whether the aisle's edges join them, and the length walked in the aisle.
fn aisle_options(ys: &[f64], length: f64) -> Vec<(u8, u8, bool, f64)> {
    let mut options = vec![(1, 1, true, length), (2, 2, true, 2.0 * length)];
    match (ys.first(), ys.last()) {
        (Some(&lo), Some(&hi)) => {
            options.push((2, 0, false, 2.0 * (length - lo)));
            options.push((0, 2, false, 2.0 * hi));
            if let Some(gap) = ys.windows(2).map(|w| w[1] - w[0]).max_by(f64::total_cmp) {
                options.push((2, 2, false, 2.0 * (length - gap)));
            }
        }
        _ => options.push((0, 0, false, 0.0)),
    }
    options
}

impl SingleBlock {
    /// The shortest tour in a single-block layout, by the dynamic programme
    /// of Ratliff and Rosenthal (1983): aisle by aisle, over the equivalence
    /// classes of partial tours, linear in the number of aisles.
    fn optimal(&self, stops: &[Point]) -> f64 {
        let aisles = by_aisle(stops);
        let (Some(first), Some(last)) = (aisles.first(), aisles.last()) else {
            return 0.0;
        };
        let (lo, hi) = (first.0.min(self.depot), last.0.max(self.depot));
        let mut picks = aisles.iter().peekable();
        let mut best = [f64::INFINITY; STATES];
        let mut states = [Frontier::EMPTY; STATES];
        best[Frontier::EMPTY.index()] = 0.0;
        states[Frontier::EMPTY.index()] = Frontier::EMPTY;
        let mut answer = f64::INFINITY;
        for aisle in lo..=hi {
            let ys: &[f64] = match picks.peek() {
                Some((a, ys)) if *a == aisle => {
                    picks.next();
                    ys
                }
                _ => &[],
            };
            let more_picks_right = picks.peek().is_some();
            // Edges within this aisle.
            let mut after = [f64::INFINITY; STATES];
            let mut after_states = [Frontier::EMPTY; STATES];
            let options = aisle_options(ys, self.length);
            for i in 0..STATES {
                if best[i] == f64::INFINITY {
                    continue;
                }
                let f = states[i];
                for &(da, db, joins, cost) in &options {
                    let g = Frontier {
                        a: f.a.add(da),
                        b: f.b.add(db),
                        same: if joins {
                            true
                        } else if f.a == Deg::Zero || f.b == Deg::Zero {
                            // A new piece at one node stays apart from the other.
                            f.a != Deg::Zero && f.b != Deg::Zero && f.same
                        } else {
                            f.same
                        },
                    };
                    let c = best[i] + cost;
                    if c < after[g.index()] {
                        after[g.index()] = c;
                        after_states[g.index()] = g;
                    }
                }
            }
            // Edges along the cross aisles to the next aisle: 0, 1 or 2 at the
            // back (t) and at the front (u). They fix this aisle's node degrees.
            let mut next = [f64::INFINITY; STATES];
            let mut next_states = [Frontier::EMPTY; STATES];
            for i in 0..STATES {
                if after[i] == f64::INFINITY {
                    continue;
                }
                let g = after_states[i];
                for t in 0..=2u8 {
                    for u in 0..=2u8 {
                        let (fa, fb) = (g.a.add(t), g.b.add(u));
                        if !fa.even() || !fb.even() {
                            continue;
                        }
                        if aisle == self.depot && fb == Deg::Zero {
                            continue;
                        }
                        let cost = after[i] + f64::from(t + u) * self.pitch;
                        let continues_a = g.a != Deg::Zero && (t > 0 || (g.same && u > 0));
                        let continues_b = g.b != Deg::Zero && (u > 0 || (g.same && t > 0));
                        let closed = (g.a != Deg::Zero && !continues_a)
                            || (g.b != Deg::Zero && !continues_b);
                        if closed {
                            // A component ends here: that is the whole tour only
                            // if it is the only one, nothing continues, the depot
                            // is behind us and no picks lie ahead.
                            if g.components() == 1
                                && t == 0
                                && u == 0
                                && aisle >= self.depot
                                && !more_picks_right
                            {
                                answer = answer.min(cost);
                            }
                            continue;
                        }
                        if aisle == hi {
                            continue;
                        }
                        let n = Frontier {
                            a: Deg::Zero.add(t),
                            b: Deg::Zero.add(u),
                            same: t > 0 && u > 0 && g.same,
                        };
                        if cost < next[n.index()] {
                            next[n.index()] = cost;
                            next_states[n.index()] = n;
                        }
                    }
                }
            }
            best = next;
            states = next_states;
        }
        answer
    }
}

/// Distances between the depot (index 0) and every stop (1..=n).
fn distance_matrix(master: &LocationMaster, depot: Point, stops: &[Point]) -> Vec<Vec<f64>> {
    let points: Vec<Point> = std::iter::once(depot)
        .chain(stops.iter().copied())
        .collect();
    points
        .iter()
        .map(|&a| points.iter().map(|&b| master.distance(a, b)).collect())
        .collect()
}

/// A tour as the stops' indices in visiting order, and its length.
type Tour = (f64, Vec<usize>);

/// Exact shortest tour length (Held–Karp) on shortest walking distances.
#[cfg(test)]
fn held_karp(master: &LocationMaster, stops: &[Point]) -> f64 {
    held_karp_tour(master, master.depot(), stops).0
}

/// Exact shortest tour (Held–Karp) on shortest walking distances.
fn held_karp_tour(master: &LocationMaster, depot: Point, stops: &[Point]) -> Tour {
    let n = stops.len();
    if n == 0 {
        return (0.0, Vec::new());
    }
    let d = distance_matrix(master, depot, stops);
    let full = (1usize << n) - 1;
    // best[set][j]: shortest path from the depot through `set`, ending at
    // j ∈ set; from[set][j]: the stop before j on it.
    let mut best = vec![f64::INFINITY; (full + 1) * n];
    let mut from = vec![usize::MAX; (full + 1) * n];
    for j in 0..n {
        best[(1 << j) * n + j] = d[0][j + 1];
    }
    for set in 1..=full {
        for j in 0..n {
            let here = best[set * n + j];
            if set & (1 << j) == 0 || here == f64::INFINITY {
                continue;
            }
            for k in 0..n {
                if set & (1 << k) == 0 {
                    let next = (set | (1 << k)) * n + k;
                    let via = here + d[j + 1][k + 1];
                    if via < best[next] {
                        best[next] = via;
                        from[next] = j;
                    }
                }
            }
        }
    }
    let (mut last, length) = (0..n)
        .map(|j| (j, best[full * n + j] + d[j + 1][0]))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("at least one stop");
    let mut order = Vec::with_capacity(n);
    let mut set = full;
    loop {
        order.push(last);
        let before = from[set * n + last];
        set &= !(1 << last);
        if set == 0 {
            break;
        }
        last = before;
    }
    order.reverse();
    (length, order)
}

/// Nearest neighbour from the depot, then 2-opt until no exchange shortens
/// the tour.
fn nearest_neighbour_2opt_tour(master: &LocationMaster, depot: Point, stops: &[Point]) -> Tour {
    let n = stops.len();
    if n == 0 {
        return (0.0, Vec::new());
    }
    let d = distance_matrix(master, depot, stops);
    let mut tour = vec![0usize];
    let mut left: Vec<usize> = (1..=n).collect();
    while !left.is_empty() {
        let at = *tour.last().expect("starts at the depot");
        let (i, _) = left
            .iter()
            .enumerate()
            .min_by(|a, b| d[at][*a.1].total_cmp(&d[at][*b.1]))
            .expect("stops left");
        tour.push(left.swap_remove(i));
    }
    tour.push(0);
    let mut improved = true;
    while improved {
        improved = false;
        for i in 1..tour.len() - 2 {
            for j in i + 1..tour.len() - 1 {
                let before = d[tour[i - 1]][tour[i]] + d[tour[j]][tour[j + 1]];
                let after = d[tour[i - 1]][tour[j]] + d[tour[i]][tour[j + 1]];
                if after < before - 1e-9 {
                    tour[i..=j].reverse();
                    improved = true;
                }
            }
        }
    }
    let length = tour.windows(2).map(|w| d[w[0]][w[1]]).sum();
    (
        length,
        tour[1..tour.len() - 1].iter().map(|&i| i - 1).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use paklog_sim::RngStreams;
    use rand::RngExt;

    fn master(blocks: u32, aisles: u32) -> LocationMaster {
        LocationMaster::new(crate::testing::layout(blocks, aisles), 1, 0)
    }

    fn random_stops(rng: &mut paklog_sim::StreamRng, m: &LocationMaster, n: usize) -> Vec<Point> {
        let depth = m.spec.aisle_length_m * f64::from(m.spec.blocks);
        (0..n)
            .map(|_| {
                Point::new(
                    rng.random_range(0..m.spec.aisles),
                    rng.random::<f64>() * depth,
                )
            })
            .collect()
    }

    fn brute_force(m: &LocationMaster, stops: &[Point]) -> f64 {
        fn permute(rest: &mut Vec<Point>, at: Point, m: &LocationMaster, acc: f64, best: &mut f64) {
            if rest.is_empty() {
                *best = best.min(acc + m.distance(at, m.depot()));
                return;
            }
            for i in 0..rest.len() {
                let p = rest.remove(i);
                permute(rest, p, m, acc + m.distance(at, p), best);
                rest.insert(i, p);
            }
        }
        let mut best = f64::INFINITY;
        permute(&mut stops.to_vec(), m.depot(), m, 0.0, &mut best);
        best
    }

    #[test]
    fn textbook_instance() {
        let m = master(1, 4);
        let p = |aisle, y| Point::new(aisle, y);
        // Aisle 0: y 2 and 8; aisle 2: y 3; aisle 3: y 9.
        let stops = [p(0, 2.0), p(0, 8.0), p(2, 3.0), p(3, 9.0)];
        let r = |policy| route(&m, policy, &stops).unwrap().distance_m;
        // Across: depot at aisle 0, rightmost pick aisle 3 → 2 × 9 m.
        assert_eq!(r(Policy::Return), 18.0 + 16.0 + 6.0 + 18.0);
        // Three pick aisles: two traversals, the last (aisle 3) from the front.
        assert_eq!(r(Policy::SShape), 18.0 + 20.0 + 18.0);
        // Outer aisles traversed; aisle 2's pick is in the front half.
        assert_eq!(r(Policy::Midpoint), 18.0 + 20.0 + 6.0);
        // Aisle 2's largest gap is 3 → 10 (7 m): walk 2 × 3.
        assert_eq!(r(Policy::LargestGap), 18.0 + 20.0 + 6.0);
        assert_eq!(r(Policy::Optimal), brute_force(&m, &stops));
    }

    #[test]
    fn ratliff_rosenthal_equals_held_karp_wherever_the_depot_is() {
        let mut rng = RngStreams::new(4).stream("routing-test");
        for depot in [0, 3, 6] {
            let mut m = master(1, 7);
            m.spec.depot_aisle = depot;
            for _ in 0..150 {
                let n = rng.random_range(0..=11);
                let mut stops = random_stops(&mut rng, &m, n);
                // Some stops on the cross aisles' centre lines, where ties are.
                for s in stops.iter_mut().take(n / 4) {
                    s.y = if rng.random::<bool>() {
                        0.0
                    } else {
                        m.spec.aisle_length_m
                    };
                }
                let rr = SingleBlock::of(&m, m.spec.depot_aisle).optimal(&stops);
                let hk = held_karp(&m, &stops);
                assert!(
                    (rr - hk).abs() < 1e-6,
                    "depot {depot}: DP {rr} vs Held-Karp {hk} on {stops:?}"
                );
            }
        }
    }

    #[test]
    fn held_karp_equals_an_exhaustive_search() {
        let mut rng = RngStreams::new(1).stream("routing-test");
        for (blocks, aisles) in [(1, 5), (2, 4), (3, 6)] {
            let m = master(blocks, aisles);
            for n in 0..=7 {
                let stops = random_stops(&mut rng, &m, n);
                let exact = route(&m, Policy::Optimal, &stops).unwrap();
                assert!(exact.exact);
                assert!(
                    (exact.distance_m - brute_force(&m, &stops)).abs() < 1e-9,
                    "{stops:?}"
                );
            }
        }
    }

    #[test]
    fn the_multi_block_programme_equals_held_karp_in_every_layout_and_depot() {
        let mut rng = RngStreams::new(6).stream("routing-test");
        for (blocks, aisles) in [(1, 6), (2, 5), (3, 4), (4, 3)] {
            for depot in [0, aisles / 2, aisles - 1] {
                let mut m = master(blocks, aisles);
                m.spec.depot_aisle = depot;
                for _ in 0..60 {
                    let n = rng.random_range(0..=10);
                    let mut stops = random_stops(&mut rng, &m, n);
                    // Some stops on cross-aisle centre lines, where ties are.
                    for s in stops.iter_mut().take(n / 4) {
                        s.y = f64::from(rng.random_range(0..=blocks)) * m.spec.aisle_length_m;
                    }
                    let dp = exact::length(&m, depot, &stops).unwrap();
                    let hk = held_karp_tour(&m, m.depot(), &stops).0;
                    assert!(
                        (dp - hk).abs() < 1e-6,
                        "{blocks}×{aisles}, depot {depot}: DP {dp} vs Held-Karp {hk} on {stops:?}"
                    );
                    // The walkable tour is that long and visits every stop once.
                    let plan = exact::plan(&m, depot, &stops).unwrap();
                    assert!((plan.distance_m() - dp).abs() < 1e-6, "{stops:?}");
                    let mut seen = plan.order.clone();
                    seen.sort_unstable();
                    assert_eq!(seen, (0..n).collect::<Vec<_>>());
                }
            }
        }
    }

    #[test]
    fn the_multi_block_programme_equals_ratliff_rosenthal_in_one_block() {
        let mut rng = RngStreams::new(7).stream("routing-test");
        let m = master(1, 15);
        for _ in 0..200 {
            let n = rng.random_range(1..=60);
            let stops = random_stops(&mut rng, &m, n);
            let rr = SingleBlock::of(&m, 0).optimal(&stops);
            let plan = exact::plan(&m, 0, &stops).unwrap();
            assert!((plan.distance_m() - rr).abs() < 1e-6, "{stops:?}");
            // Each leg is at least the shortest walk between its stops.
            let mut at = m.depot();
            for (&i, &leg) in plan.order.iter().zip(&plan.legs) {
                assert!(leg + 1e-9 >= m.distance(at, stops[i]));
                at = stops[i];
            }
        }
    }

    #[test]
    fn optimal_is_never_longer_than_any_heuristic() {
        let mut rng = RngStreams::new(2).stream("routing-test");
        for (blocks, aisles) in [(1, 8), (2, 8), (3, 10)] {
            let m = master(blocks, aisles);
            for _ in 0..300 {
                let n = rng.random_range(1..=40);
                let stops = random_stops(&mut rng, &m, n);
                let best = route(&m, Policy::Optimal, &stops).unwrap();
                assert!(best.exact);
                for policy in Policy::ALL {
                    let Ok(r) = route(&m, policy, &stops) else {
                        continue; // a single-block heuristic
                    };
                    assert!(
                        best.distance_m <= r.distance_m + 1e-9,
                        "{policy}: {} < optimal {} on {stops:?}",
                        r.distance_m,
                        best.distance_m
                    );
                }
            }
        }
    }

    #[test]
    fn combined_is_never_longer_than_s_shape_or_return() {
        let mut rng = RngStreams::new(5).stream("routing-test");
        let m = master(1, 12);
        for _ in 0..500 {
            let n = rng.random_range(1..=40);
            let stops = random_stops(&mut rng, &m, n);
            let r = |p| route(&m, p, &stops).unwrap().distance_m;
            let combined = r(Policy::Combined);
            assert!(
                combined <= r(Policy::SShape) + 1e-9 && combined <= r(Policy::Return) + 1e-9,
                "{stops:?}"
            );
        }
    }

    #[test]
    fn single_block_heuristics_refuse_multi_block_layouts() {
        let m = master(2, 4);
        for policy in Policy::ALL {
            let applies = !matches!(policy, Policy::Return | Policy::Midpoint);
            assert_eq!(route(&m, policy, &[]).is_ok(), applies, "{policy}");
            let deep = [Point::new(1, 15.0)];
            assert_eq!(route(&m, policy, &deep).is_ok(), applies, "{policy}");
        }
        let err = route(&m, Policy::Midpoint, &[m.depot()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "policy midpoint is defined for single-block layouts; this layout has 2 blocks (use s_shape, largest_gap, combined, combined_plus, nearest_neighbour or optimal)"
        );
        assert_eq!(
            "zigzag".parse::<Policy>().unwrap_err().split(':').next(),
            Some("unknown policy \"zigzag\"")
        );
    }

    /// Expected return and S-shape route lengths for `n` picks, each in an
    /// aisle drawn uniformly from `m` and at a position uniform on [0, L],
    /// with the depot at the front of the leftmost aisle.
    fn expected(m: u32, n: u32, length: f64, pitch: f64) -> (f64, f64) {
        let (mf, nf) = (f64::from(m), f64::from(n));
        let binom =
            |n: u32, k: u32| (0..k).fold(1.0, |acc, i| acc * f64::from(n - i) / f64::from(i + 1));
        // Across: twice the pitch times the rightmost pick aisle's index.
        let across = 2.0
            * pitch
            * (1..m)
                .map(|j| 1.0 - (f64::from(j) / mf).powf(nf))
                .sum::<f64>();
        // Picks in one aisle: K ~ Bin(n, 1/m); the deepest of K uniforms has
        // mean L·K/(K+1).
        let p = 1.0 / mf;
        let e_k_over = (1..=n)
            .map(|k| {
                binom(n, k) * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32) * f64::from(k)
                    / f64::from(k + 1)
            })
            .sum::<f64>();
        let ret = across + mf * 2.0 * length * e_k_over;
        // S-shape: L per pick aisle, except that with an odd number of pick
        // aisles the rightmost one costs 2·(its deepest pick) instead of L.
        let pick_aisles = mf * (1.0 - (1.0 - p).powf(nf));
        // P(d distinct aisles among r picks over j aisles) = C(j,d)·S(r,d)·d!/j^r.
        let stirling = {
            let mut s = vec![vec![0.0f64; n as usize + 1]; n as usize + 1];
            s[0][0] = 1.0;
            for r in 1..=n as usize {
                for d in 1..=r {
                    s[r][d] = f64::from(d as u32) * s[r - 1][d] + s[r - 1][d - 1];
                }
            }
            s
        };
        let mut odd = 0.0;
        for j in 0..m {
            // The rightmost pick aisle is j, holding c picks; the other n − c
            // picks lie in aisles 0..j and must occupy an even number of them.
            for c in 1..=n {
                let r = (n - c) as usize;
                let ways_even: f64 = if j == 0 {
                    if r == 0 { 1.0 } else { 0.0 }
                } else {
                    (0..=r.min(j as usize))
                        .filter(|d| d % 2 == 0)
                        .map(|d| {
                            binom(j, d as u32)
                                * stirling[r][d]
                                * (1..=d as u32).map(f64::from).product::<f64>()
                        })
                        .sum()
                };
                let prob = binom(n, c) * ways_even / mf.powf(nf);
                odd += prob * (2.0 * length * f64::from(c) / f64::from(c + 1) - length);
            }
        }
        let s_shape = across + length * pick_aisles + odd;
        (ret, s_shape)
    }

    #[test]
    fn mean_return_and_s_shape_lengths_match_their_closed_forms() {
        let m = master(1, 10);
        let mut rng = RngStreams::new(3).stream("routing-test");
        for n in [1u32, 2, 5, 10, 20] {
            let trials = 20_000;
            let (mut ret, mut s) = (0.0, 0.0);
            for _ in 0..trials {
                let stops = random_stops(&mut rng, &m, n as usize);
                ret += route(&m, Policy::Return, &stops).unwrap().distance_m;
                s += route(&m, Policy::SShape, &stops).unwrap().distance_m;
            }
            let (ret, s) = (ret / f64::from(trials), s / f64::from(trials));
            let (e_ret, e_s) = expected(10, n, 10.0, 3.0);
            assert!(
                (ret / e_ret - 1.0).abs() < 0.01,
                "return, n={n}: simulated {ret}, formula {e_ret}"
            );
            assert!(
                (s / e_s - 1.0).abs() < 0.01,
                "s-shape, n={n}: simulated {s}, formula {e_s}"
            );
        }
    }
}
