//! The walking network of a site that is not a perfect grid: aisles that
//! are dead ends or missing in a block, cross aisles that stop where the
//! aisles they serve stop, and places off the grid (a reserve area, a cage)
//! reached in a straight line from their nearest junction.
//!
//! The network's nodes are the junctions of aisles and cross aisles
//! (`aisles × (blocks + 1)` of them); its edges are the aisle segments open
//! end to end and the cross-aisle stretches between neighbouring aisles
//! that reach the cross aisle. Shortest distances between every pair of
//! junctions are worked out once (Dijkstra from each), so a distance
//! between two points is a handful of additions.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{LayoutSpec, Point};

/// How one aisle can be walked in one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Passage {
    /// Open at both ends (the grid).
    Open,
    /// A dead end entered from its front cross aisle only.
    Front,
    /// A dead end entered from its back cross aisle only.
    Back,
    /// No aisle here: it is not walked.
    None,
}

impl Passage {
    fn front(self) -> bool {
        matches!(self, Passage::Open | Passage::Front)
    }

    fn back(self) -> bool {
        matches!(self, Passage::Open | Passage::Back)
    }
}

/// Shortest walking distances on an irregular layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    aisles: u32,
    blocks: u32,
    length: f64,
    pitch: f64,
    /// Passage of aisle `a` in block `b` at `b * aisles + a`.
    passage: Vec<Passage>,
    /// Distance between junctions `i` and `j` at `i * n + j`.
    dist: Vec<f64>,
    /// The junction after `i` on the shortest walk to `j`, at `i * n + j`.
    next: Vec<u32>,
}

const EPS: f64 = 1e-9;

impl Network {
    /// The network of `spec`, or `None` when its aisles are all open (the
    /// grid, whose distances have a closed form).
    #[must_use]
    pub fn of(spec: &LayoutSpec) -> Option<Self> {
        if spec.passages.iter().all(|p| p.2 == Passage::Open) {
            return None;
        }
        Some(Self::build(spec))
    }

    /// The network of `spec`, built even when it is the grid.
    #[must_use]
    pub fn build(spec: &LayoutSpec) -> Self {
        let (aisles, blocks) = (spec.aisles, spec.blocks);
        let mut passage = vec![Passage::Open; (aisles * blocks) as usize];
        for &(a, b, p) in &spec.passages {
            if a < aisles && b < blocks {
                passage[(b * aisles + a) as usize] = p;
            }
        }
        let mut net = Network {
            aisles,
            blocks,
            length: spec.aisle_length_m,
            pitch: spec.aisle_pitch_m,
            passage,
            dist: Vec::new(),
            next: Vec::new(),
        };
        net.shortest_paths();
        net
    }

    fn node(&self, aisle: u32, k: u32) -> usize {
        (k * self.aisles + aisle) as usize
    }

    fn nodes(&self) -> usize {
        (self.aisles * (self.blocks + 1)) as usize
    }

    /// How aisle `a` can be walked in block `b`.
    #[must_use]
    pub fn passage(&self, aisle: u32, block: u32) -> Passage {
        self.passage
            .get((block * self.aisles + aisle) as usize)
            .copied()
            .unwrap_or(Passage::Open)
    }

    /// Whether an aisle reaches cross aisle `k` (the front cross aisle, in
    /// front of block 0, reaches every aisle: the depot stands on it).
    fn touches(&self, aisle: u32, k: u32) -> bool {
        k == 0
            || self.passage(aisle, k - 1).back()
            || (k < self.blocks && self.passage(aisle, k).front())
    }

    fn edges(&self) -> Vec<Vec<(usize, f64)>> {
        let mut adj = vec![Vec::new(); self.nodes()];
        let mut join = |i: usize, j: usize, w: f64| {
            adj[i].push((j, w));
            adj[j].push((i, w));
        };
        for b in 0..self.blocks {
            for a in 0..self.aisles {
                if self.passage(a, b) == Passage::Open {
                    join(self.node(a, b), self.node(a, b + 1), self.length);
                }
            }
        }
        for k in 0..=self.blocks {
            let reach: Vec<u32> = (0..self.aisles).filter(|&a| self.touches(a, k)).collect();
            if let (Some(&lo), Some(&hi)) = (reach.first(), reach.last()) {
                for a in lo..hi {
                    join(self.node(a, k), self.node(a + 1, k), self.pitch);
                }
            }
        }
        adj
    }

    fn shortest_paths(&mut self) {
        let n = self.nodes();
        let adj = self.edges();
        self.dist = vec![f64::INFINITY; n * n];
        self.next = vec![u32::MAX; n * n];
        let mut first = vec![u32::MAX; n];
        for s in 0..n {
            let row = &mut self.dist[s * n..(s + 1) * n];
            first.fill(u32::MAX);
            row[s] = 0.0;
            first[s] = s as u32;
            let mut heap = BinaryHeap::from([(Reverse(Millis(0.0)), s)]);
            while let Some((Reverse(Millis(d)), u)) = heap.pop() {
                if d > row[u] {
                    continue;
                }
                for &(v, w) in &adj[u] {
                    let nd = d + w;
                    if nd + EPS < row[v] {
                        row[v] = nd;
                        first[v] = if u == s { v as u32 } else { first[u] };
                        heap.push((Reverse(Millis(nd)), v));
                    }
                }
            }
            self.next[s * n..(s + 1) * n].copy_from_slice(&first);
        }
    }

    fn between(&self, i: usize, j: usize) -> f64 {
        self.dist[i * self.nodes() + j]
    }

    /// Where the junction `i` stands in site metres.
    fn site_of(&self, i: usize) -> (f64, f64) {
        let (a, k) = (i as u32 % self.aisles, i as u32 / self.aisles);
        (f64::from(a) * self.pitch, f64::from(k) * self.length)
    }

    /// The junctions a point reaches directly and how far each is (at most
    /// two: the ends of its aisle segment that are open). No allocation:
    /// every distance asks for them.
    fn ends(&self, p: Point) -> [Option<(usize, f64)>; 2] {
        let spur = p.site.map_or(0.0, |[x, y]| {
            let (jx, jy) = (f64::from(p.aisle) * self.pitch, p.y);
            (x - jx).hypot(y - jy)
        });
        let aisle = p.aisle.min(self.aisles.saturating_sub(1));
        let k = (p.y / self.length).round();
        if (p.y - k * self.length).abs() < EPS && k >= 0.0 && k <= f64::from(self.blocks) {
            return [Some((self.node(aisle, k as u32), spur)), None];
        }
        let block = self.block_of(p.y);
        let (front, back) = (
            f64::from(block) * self.length,
            f64::from(block + 1) * self.length,
        );
        let passage = match self.passage(aisle, block) {
            // A point in a segment that is not walked (the site's checks
            // refuse one) is walked to as if the segment were open.
            Passage::None => Passage::Open,
            p => p,
        };
        [
            passage
                .front()
                .then(|| (self.node(aisle, block), spur + (p.y - front).abs())),
            passage
                .back()
                .then(|| (self.node(aisle, block + 1), spur + (back - p.y).abs())),
        ]
    }

    /// Whether two points stand in the same walked aisle segment, so the
    /// straight walk between them along the aisle is open.
    fn same_segment(&self, a: Point, b: Point) -> bool {
        a.site.is_none()
            && b.site.is_none()
            && a.aisle == b.aisle
            && self.block_of(a.y) == self.block_of(b.y)
    }

    fn block_of(&self, y: f64) -> u32 {
        ((y / self.length).floor().max(0.0) as u32).min(self.blocks - 1)
    }

    /// The shortest walk between two points and the junctions it leaves `a`
    /// and reaches `b` by (`None` when it is the straight walk along one
    /// aisle segment).
    fn best(&self, a: Point, b: Point) -> (f64, Option<(usize, usize)>) {
        if a == b {
            return (0.0, None);
        }
        let mut best = (f64::INFINITY, None);
        if self.same_segment(a, b) {
            best = ((a.y - b.y).abs(), None);
        }
        let to = self.ends(b);
        for (i, da) in self.ends(a).into_iter().flatten() {
            for &(j, db) in to.iter().flatten() {
                let d = da + self.between(i, j) + db;
                if d + EPS < best.0 {
                    best = (d, Some((i, j)));
                }
            }
        }
        best
    }

    /// Shortest walking distance between two points (m); infinite when no
    /// walk joins them.
    #[must_use]
    pub fn distance(&self, a: Point, b: Point) -> f64 {
        self.best(a, b).0
    }

    /// The shortest walk from `a` to `b` as corners in site metres, `a`
    /// first and `b` last.
    #[must_use]
    pub fn path(&self, a: Point, b: Point) -> Vec<(f64, f64)> {
        let on_aisle = |p: Point| (f64::from(p.aisle) * self.pitch, p.y);
        let mut corners = Vec::new();
        if let Some([x, y]) = a.site {
            corners.push((x, y));
        }
        corners.push(on_aisle(a));
        if let (_, Some((i, j))) = self.best(a, b) {
            let n = self.nodes();
            let mut at = i;
            corners.push(self.site_of(at));
            while at != j {
                at = self.next[at * n + j] as usize;
                if at == u32::MAX as usize {
                    break;
                }
                corners.push(self.site_of(at));
            }
        }
        corners.push(on_aisle(b));
        if let Some([x, y]) = b.site {
            corners.push((x, y));
        }
        corners.dedup();
        corners
    }

    /// Attaches a place off the grid to the junction nearest to it (in a
    /// straight line) among those the depot's junction reaches.
    #[must_use]
    pub fn attach(&self, place: Point, depot: Point) -> Point {
        let Some([x, y]) = place.site else {
            return place;
        };
        let from = self
            .ends(depot)
            .into_iter()
            .flatten()
            .next()
            .map_or(0, |e| e.0);
        let n = self.nodes();
        let nearest = (0..n)
            .filter(|&j| self.between(from, j).is_finite())
            .min_by(|&i, &j| {
                let d = |k: usize| {
                    let (jx, jy) = self.site_of(k);
                    (x - jx).hypot(y - jy)
                };
                d(i).total_cmp(&d(j)).then(i.cmp(&j))
            })
            .unwrap_or(from);
        let (a, k) = (nearest as u32 % self.aisles, nearest as u32 / self.aisles);
        Point {
            aisle: a,
            y: f64::from(k) * self.length,
            site: Some([x, y]),
        }
    }
}

/// An `f64` ordered for the heap (distances are never NaN).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Millis(f64);

impl Eq for Millis {}

impl PartialOrd for Millis {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Millis {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(passages: Vec<(u32, u32, Passage)>) -> LayoutSpec {
        LayoutSpec {
            aisle_length_m: 20.0,
            aisle_pitch_m: 3.0,
            passages,
            ..crate::testing::layout(2, 5)
        }
    }

    #[test]
    fn an_open_grid_has_the_grids_distances() {
        let net = Network::build(&spec(Vec::new()));
        let master = super::super::LocationMaster::new(spec(Vec::new()), 1, 0);
        let p = Point::new;
        for (a, b) in [
            (p(0, 5.0), p(3, 12.0)),
            (p(1, 25.0), p(4, 31.0)),
            (p(2, 3.0), p(2, 37.0)),
            (p(2, 3.0), p(2, 17.0)),
            (p(0, 0.0), p(4, 40.0)),
        ] {
            assert!((net.distance(a, b) - master.distance(a, b)).abs() < 1e-9);
            assert!((net.distance(a, b) - net.distance(b, a)).abs() < 1e-9);
        }
    }

    #[test]
    fn a_dead_end_is_left_the_way_it_was_entered() {
        // Aisle 2 in block 0 is entered from the front only: from 15 m down
        // it to 5 m up aisle 3 is back to the front cross aisle (15 + 3 + 5),
        // not over the middle one (5 + 3 + 15 would be equal; so take 18 m
        // deep in aisle 3: 15 + 3 + 18 = 36 instead of 5 + 3 + 2 = 10).
        let net = Network::build(&spec(vec![(2, 0, Passage::Front)]));
        let d = net.distance(Point::new(2, 15.0), Point::new(3, 18.0));
        assert!((d - 36.0).abs() < 1e-9, "{d}");
        // From the back the same two points are 10 m apart on the grid.
        let grid = Network::build(&spec(Vec::new()));
        assert!((grid.distance(Point::new(2, 15.0), Point::new(3, 18.0)) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn a_missing_aisle_is_walked_around_and_cross_aisles_stop_with_the_aisles() {
        // No aisle 4 in block 1: the back cross aisle ends at aisle 3, so
        // from the back of aisle 0 to 30 m in aisle 3 is along it (9 + 10).
        let net = Network::build(&spec(vec![(4, 1, Passage::None)]));
        let d = net.distance(Point::new(0, 40.0), Point::new(3, 30.0));
        assert!((d - 19.0).abs() < 1e-9, "{d}");
        // Aisle 4's back junction is reached by no one.
        assert!(
            net.distance(Point::new(0, 0.0), Point::new(4, 40.0))
                .is_infinite()
        );
    }

    #[test]
    fn a_place_off_the_grid_hangs_from_its_nearest_reached_junction() {
        let net = Network::build(&spec(vec![(4, 1, Passage::None)]));
        let depot = Point::new(0, 0.0);
        // Behind aisle 4's missing back end: the nearest reached junction
        // is aisle 3's at the back (aisle 4's is cut off).
        let cage = net.attach(Point::off_grid(12.0, 44.0), depot);
        assert_eq!((cage.aisle, cage.y), (3, 40.0));
        let d = net.distance(depot, cage);
        let spur = (12.0f64 - 9.0).hypot(4.0);
        assert!((d - (40.0 + 9.0 + spur)).abs() < 1e-9, "{d}");
        let path = net.path(depot, cage);
        assert_eq!(path.first(), Some(&(0.0, 0.0)));
        assert_eq!(path.last(), Some(&(12.0, 44.0)));
        let walked: f64 = path
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
            .sum();
        assert!((walked - d).abs() < 1e-9, "{walked} vs {d}");
    }
}
