//! Heuristics for layouts of several blocks, block by block as Roodbergen
//! and de Koster (2001) describe them: the picker goes to the entry aisle (the
//! leftmost aisle holding a pick) and walks up it to the back of the
//! farthest block holding a pick, picking on the way; then the blocks are
//! done one after the other from the back to the front, each entered at its
//! back cross aisle and left at its front one; finally the picker returns
//! along the front cross aisle to the depot. Within a block the picker goes
//! first to the nearer of its leftmost and rightmost pick sub-aisles, and
//! covers the block:
//!
//! - **largest gap**: along the back cross aisle entering every sub-aisle
//!   but the last up to its largest gap, the last traversed, then back
//!   along the front cross aisle for the rest of each sub-aisle;
//! - **combined**: each sub-aisle in turn traversed or entered and left from
//!   the side the picker is on, chosen by dynamic programming so that the
//!   block is left at the front.
//!
//! When every stop is in one aisle, the picker walks in from the front and
//! out again; when every stop is in the front block, largest gap and
//! combined follow their single-block paths.
//!
//! **Combined+** improves combined where the layout allows a choice: the
//! entry aisle is the leftmost or the rightmost pick aisle, each block's
//! sweep goes left or right (every combination is tried, up to eight blocks
//! with picks; beyond, the nearer end), and when every pick is in the front
//! block the picker does not go to the back first but covers it by the
//! combined programme from the front. It is the shortest of those walks.

use super::{Plan, Policy, by_aisle_indexed};
use crate::location_master::{LocationMaster, Point};
use crate::routing::walk::Walk;

/// Most blocks with picks for which combined+ tries every sweep direction.
const SWEEP_SEARCH_BLOCKS: u32 = 8;

/// Stops of one sub-aisle: global positions, sorted, with their indices.
type Ids = Vec<(f64, usize)>;

struct Blocks {
    length: f64,
    pitch: f64,
    depot: u32,
    /// Per block, its pick sub-aisles left to right.
    by_block: Vec<Vec<(u32, Ids)>>,
}

/// Visits `ids` (sorted by position) upward or downward.
fn up(walk: &mut Walk, aisle: u32, ids: &[(f64, usize)]) {
    ids.iter().for_each(|&(y, i)| walk.stop(aisle, y, i));
}

fn down(walk: &mut Walk, aisle: u32, ids: &[(f64, usize)]) {
    ids.iter().rev().for_each(|&(y, i)| walk.stop(aisle, y, i));
}

/// Index of the first stop reached from the back: the stops before it are
/// reached from the front, split at the largest of the gaps between the
/// front end, the stops and the back end (`lo`, `hi` being those ends).
pub(super) fn largest_gap_split(ids: &[(f64, usize)], lo: f64, hi: f64) -> usize {
    let mut edges: Vec<f64> = Vec::with_capacity(ids.len() + 1);
    edges.push(ids[0].0 - lo);
    edges.extend(ids.windows(2).map(|w| w[1].0 - w[0].0));
    edges.push(hi - ids[ids.len() - 1].0);
    let largest = edges.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    edges
        .iter()
        .position(|&e| e == largest)
        .expect("an edge is largest")
}

impl Blocks {
    fn front(&self, block: u32) -> f64 {
        f64::from(block) * self.length
    }

    fn back(&self, block: u32) -> f64 {
        f64::from(block + 1) * self.length
    }

    /// Covers `block`'s pick sub-aisles other than `skip`, entered at its
    /// back where the walk is, left at its front; `rightward` is the sweep.
    fn block(&self, walk: &mut Walk, policy: Policy, block: u32, skip: u32, rightward: bool) {
        let (front, back) = (self.front(block), self.back(block));
        let mut seq: Vec<&(u32, Ids)> = self.by_block[block as usize]
            .iter()
            .filter(|(a, _)| *a != skip)
            .collect();
        if seq.is_empty() {
            let here = walk.aisle();
            walk.to(here, front);
            return;
        }
        if !rightward {
            seq.reverse();
        }
        match policy {
            Policy::LargestGap => {
                let (last, rest) = seq.split_last().expect("not empty");
                for (a, ids) in rest {
                    let cut = largest_gap_split(ids, front, back);
                    if cut < ids.len() {
                        walk.to(*a, back);
                        down(walk, *a, &ids[cut..]);
                        walk.to(*a, back);
                    }
                }
                walk.to(last.0, back);
                down(walk, last.0, &last.1);
                walk.to(last.0, front);
                for (a, ids) in rest.iter().rev() {
                    let cut = largest_gap_split(ids, front, back);
                    if cut > 0 {
                        walk.to(*a, front);
                        up(walk, *a, &ids[..cut]);
                        walk.to(*a, front);
                    }
                }
            }
            _ => combined(walk, &seq, front, back, 1),
        }
    }

    /// The whole walk with `entry` as entry aisle and the sweep of block `b`
    /// rightward when bit `b` of `sweeps` is set (`None`: the nearer end).
    fn walk(&self, policy: Policy, entry: u32, far: u32, sweeps: Option<u32>) -> Plan {
        let mut walk = Walk::new(self.depot, self.pitch);
        walk.to(entry, 0.0);
        let mut first: Ids = (0..=far)
            .flat_map(|b| {
                self.by_block[b as usize]
                    .iter()
                    .filter(|(a, _)| *a == entry)
                    .flat_map(|(_, ids)| ids.iter().copied())
            })
            .collect();
        first.sort_by(|a, b| a.0.total_cmp(&b.0));
        up(&mut walk, entry, &first);
        walk.to(entry, self.back(far));
        for b in (0..=far).rev() {
            let rightward = match sweeps {
                Some(mask) => mask & (1 << b) != 0,
                None => {
                    let aisles = &self.by_block[b as usize];
                    let (l, r) = match (aisles.first(), aisles.last()) {
                        (Some(l), Some(r)) => (l.0, r.0),
                        _ => (walk.aisle(), walk.aisle()),
                    };
                    walk.aisle().abs_diff(l) <= walk.aisle().abs_diff(r)
                }
            };
            self.block(&mut walk, policy, b, entry, rightward);
        }
        walk.home()
    }

    /// Combined from the front when every pick is in the front block.
    fn front_block(&self, rightward: bool) -> Plan {
        let mut walk = Walk::new(self.depot, self.pitch);
        let mut seq: Vec<&(u32, Ids)> = self.by_block[0].iter().collect();
        if !rightward {
            seq.reverse();
        }
        combined(&mut walk, &seq, 0.0, self.length, 0);
        walk.home()
    }
}

/// The combined programme over `seq` between the cross aisles at `front`
/// and `back`, starting on `side` (0 front, 1 back) and ending at the
/// front: each sub-aisle traversed or entered and left from the side
/// the picker is on.
pub(super) fn combined(walk: &mut Walk, seq: &[&(u32, Ids)], front: f64, back: f64, side: usize) {
    let length = back - front;
    let mut cost = [f64::INFINITY; 2];
    cost[side] = 0.0;
    let mut traversed: Vec<[bool; 2]> = Vec::with_capacity(seq.len());
    for (_, ids) in seq {
        let (lo, hi) = (ids[0].0 - front, ids[ids.len() - 1].0 - front);
        let stay_front = cost[0] + 2.0 * hi;
        let stay_back = cost[1] + 2.0 * (length - lo);
        let cross_to_front = cost[1] + length;
        let cross_to_back = cost[0] + length;
        traversed.push([cross_to_front < stay_front, cross_to_back < stay_back]);
        cost = [stay_front.min(cross_to_front), stay_back.min(cross_to_back)];
    }
    let mut sides = vec![0usize; seq.len()];
    let mut at = 0;
    for i in (0..seq.len()).rev() {
        sides[i] = at;
        if traversed[i][at] {
            at = 1 - at;
        }
    }
    for (i, (a, ids)) in seq.iter().enumerate() {
        let end = sides[i];
        let start = if traversed[i][end] { 1 - end } else { end };
        if start == 0 {
            walk.to(*a, front);
            up(walk, *a, ids);
        } else {
            walk.to(*a, back);
            down(walk, *a, ids);
        }
        walk.to(*a, if end == 0 { front } else { back });
    }
}

/// Plans a trip with a block-by-block heuristic: [`Policy::LargestGap`],
/// [`Policy::Combined`] or [`Policy::CombinedPlus`].
pub(super) fn plan(master: &LocationMaster, policy: Policy, depot: u32, stops: &[Point]) -> Plan {
    let spec = &master.spec;
    let block_of = |p: &Point| ((p.y / spec.aisle_length_m).max(0.0) as u32).min(spec.blocks - 1);
    let mut by_block: Vec<Vec<(u32, Ids)>> = vec![Vec::new(); spec.blocks as usize];
    for (aisle, ids) in by_aisle_indexed(stops) {
        for (y, i) in ids {
            let b = block_of(&stops[i]) as usize;
            match by_block[b].last_mut() {
                Some((a, list)) if *a == aisle => list.push((y, i)),
                _ => by_block[b].push((aisle, vec![(y, i)])),
            }
        }
    }
    let g = Blocks {
        length: spec.aisle_length_m,
        pitch: spec.aisle_pitch_m,
        depot,
        by_block,
    };
    let Some(far) = (0..spec.blocks)
        .rev()
        .find(|&b| !g.by_block[b as usize].is_empty())
    else {
        return Walk::new(depot, g.pitch).home();
    };
    let left = stops.iter().map(|p| p.aisle).min().expect("stops");
    let right = stops.iter().map(|p| p.aisle).max().expect("stops");
    // Every stop in one aisle: in from the front and out again.
    let one_aisle = || {
        let mut walk = Walk::new(depot, g.pitch);
        let mut ids: Ids = stops.iter().enumerate().map(|(i, p)| (p.y, i)).collect();
        ids.sort_by(|a, b| a.0.total_cmp(&b.0));
        walk.to(left, 0.0);
        up(&mut walk, left, &ids);
        walk.home()
    };
    if policy != Policy::CombinedPlus {
        return if left == right {
            one_aisle()
        } else {
            g.walk(policy, left, far, None)
        };
    }
    let mut candidates: Vec<Plan> = Vec::new();
    if left == right {
        candidates.push(one_aisle());
    }
    for entry in [left, right] {
        if far < SWEEP_SEARCH_BLOCKS {
            for mask in 0..(1u32 << (far + 1)) {
                candidates.push(g.walk(policy, entry, far, Some(mask)));
            }
        } else {
            candidates.push(g.walk(policy, entry, far, None));
        }
    }
    if far == 0 {
        candidates.push(g.front_block(true));
        candidates.push(g.front_block(false));
    }
    candidates
        .into_iter()
        .min_by(|a, b| a.distance_m().total_cmp(&b.distance_m()))
        .expect("candidates")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::route;
    use paklog_sim::RngStreams;
    use rand::RngExt;

    fn master(blocks: u32, aisles: u32) -> LocationMaster {
        LocationMaster::new(crate::testing::layout(blocks, aisles), 1, 0)
    }

    #[test]
    fn a_two_block_instance_walks_the_textbook_path() {
        // 10 m aisles 3 m apart, depot at the front of aisle 0. A pick in
        // block 2 of aisle 1 and one in block 1 of aisle 2: up aisle 1 to
        // the back (3 + 15 + 5), down it through block 2 (10), over to
        // aisle 2 (3), down it from the back (5 + 5), home (6).
        let m = master(2, 3);
        let stops = [Point::new(1, 15.0), Point::new(2, 5.0)];
        for policy in [Policy::LargestGap, Policy::Combined] {
            let p = plan(&m, policy, 0, &stops);
            assert_eq!(p.order, vec![0, 1], "{policy}");
            assert_eq!(p.legs, vec![18.0, 5.0 + 10.0 + 3.0 + 5.0], "{policy}");
            assert_eq!(p.distance_m(), 52.0, "{policy}");
        }
        assert!(plan(&m, Policy::CombinedPlus, 0, &stops).distance_m() <= 52.0);
    }

    #[test]
    fn block_by_block_plans_visit_every_stop_and_combined_plus_never_loses_to_combined() {
        let mut rng = RngStreams::new(9).stream("blocks-test");
        for (blocks, aisles) in [(1, 9), (2, 8), (3, 12), (4, 6)] {
            for depot in [0, aisles / 2] {
                let mut m = master(blocks, aisles);
                m.spec.depot_aisle = depot;
                let depth = m.spec.aisle_length_m * f64::from(blocks);
                for _ in 0..100 {
                    let n = rng.random_range(1..=30);
                    let stops: Vec<Point> = (0..n)
                        .map(|_| {
                            Point::new(rng.random_range(0..aisles), rng.random::<f64>() * depth)
                        })
                        .collect();
                    let mut lengths = Vec::new();
                    for policy in [Policy::LargestGap, Policy::Combined, Policy::CombinedPlus] {
                        let p = plan(&m, policy, depot, &stops);
                        let mut seen = p.order.clone();
                        seen.sort_unstable();
                        assert_eq!(seen, (0..n).collect::<Vec<_>>(), "{policy}");
                        // Each leg is at least the shortest walk between its stops.
                        let mut at = Point::new(depot, 0.0);
                        for (&i, &leg) in p.order.iter().zip(&p.legs) {
                            assert!(leg + 1e-9 >= m.distance(at, stops[i]), "{policy}");
                            at = stops[i];
                        }
                        lengths.push(p.distance_m());
                    }
                    assert!(lengths[2] <= lengths[1] + 1e-9, "{lengths:?} on {stops:?}");
                    if blocks > 1 {
                        let optimal = route(&m, Policy::Optimal, &stops).unwrap().distance_m;
                        assert!(lengths.iter().all(|&l| optimal <= l + 1e-9));
                    }
                }
            }
        }
    }
}
