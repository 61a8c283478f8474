//! The shortest pick tour in a layout of any number of blocks, by dynamic
//! programming aisle by aisle over equivalence classes of partial tours —
//! the approach of Ratliff and Rosenthal (1983) for one block, extended by
//! Roodbergen and de Koster (2001) to two blocks, here for `k` blocks.
//!
//! A tour is a connected multigraph with even degrees on the walking
//! network: intersections of aisles with the `k + 1` cross aisles, and the
//! stops on the sub-aisles between them. Going left to right, each aisle's
//! sub-aisles are covered one way or another (not at all, traversed once or
//! twice, entered from one end, or from both ends but for the largest gap),
//! then each cross aisle gets 0, 1 or 2 edges to the next aisle. A partial
//! tour is summarised by each intersection of the current aisle: its degree
//! (zero, odd, even) and which component it belongs to. Every component must
//! reach the current aisle, or be the whole, finished tour. The number of
//! classes depends on the number of blocks only, so the work is linear in
//! the number of aisles and stops.
//!
//! The chosen edges are kept, so the tour itself (an Euler circuit from the
//! depot) gives the order of the stops and the walk between them.

use std::collections::HashMap;

use super::Plan;
use crate::location_master::{LocationMaster, Point};

/// Most blocks the exact programme takes (6 intersections per aisle; the
/// number of states grows fast with more).
pub const MAX_BLOCKS: u32 = 5;

const ZERO: u8 = 0;
const ODD: u8 = 1;
const EVEN: u8 = 2;

/// Degree class and component label of every intersection of an aisle,
/// packed 5 bits a node (2 for the degree, 3 for the label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct State(u64);

/// Decoded state: degree classes and labels (labels meaningful where the
/// degree is not zero).
#[derive(Debug, Clone, Copy)]
struct Nodes {
    deg: [u8; 8],
    label: [u8; 8],
    n: usize,
}

impl Nodes {
    fn empty(n: usize) -> Self {
        Nodes {
            deg: [ZERO; 8],
            label: [0; 8],
            n,
        }
    }

    fn decode(s: State, n: usize) -> Self {
        let mut out = Nodes::empty(n);
        for i in 0..n {
            let bits = (s.0 >> (5 * i)) & 0x1f;
            out.deg[i] = (bits & 0b11) as u8;
            out.label[i] = (bits >> 2) as u8;
        }
        out
    }

    /// Encodes with labels renumbered by first appearance, so equal
    /// partitions give equal states.
    fn encode(&self) -> State {
        let mut map = [u8::MAX; 16];
        let mut next = 0u8;
        let mut bits = 0u64;
        for i in 0..self.n {
            let (d, l) = if self.deg[i] == ZERO {
                (ZERO, 0)
            } else {
                let l = self.label[i] as usize;
                if map[l] == u8::MAX {
                    map[l] = next;
                    next += 1;
                }
                (self.deg[i], map[l])
            };
            bits |= (u64::from(d) | (u64::from(l) << 2)) << (5 * i);
        }
        State(bits)
    }

    fn fresh_label(&self) -> u8 {
        (0..self.n)
            .filter(|&i| self.deg[i] != ZERO)
            .map(|i| self.label[i] + 1)
            .max()
            .unwrap_or(0)
    }

    /// Adds `k` edge ends at node `i`; a node joining the tour starts a
    /// component of its own.
    fn add(&mut self, i: usize, k: u8) {
        if k == 0 {
            return;
        }
        if self.deg[i] == ZERO {
            self.label[i] = self.fresh_label();
            self.deg[i] = if k % 2 == 1 { ODD } else { EVEN };
        } else if k % 2 == 1 {
            self.deg[i] = if self.deg[i] == ODD { EVEN } else { ODD };
        }
    }

    fn join(&mut self, a: usize, b: usize) {
        let (from, to) = (self.label[b], self.label[a]);
        for i in 0..self.n {
            if self.deg[i] != ZERO && self.label[i] == from {
                self.label[i] = to;
            }
        }
    }

    fn components(&self) -> usize {
        let mut seen = [false; 8];
        let mut count = 0;
        for i in 0..self.n {
            if self.deg[i] != ZERO && !seen[self.label[i] as usize] {
                seen[self.label[i] as usize] = true;
                count += 1;
            }
        }
        count
    }
}

/// One way to cover a sub-aisle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cover {
    /// Not walked (only without stops).
    None,
    /// Walked end to end once.
    Through,
    /// Walked end to end twice.
    Twice,
    /// Entered and left from the back (upper) end, as deep as its lowest stop.
    FromTop,
    /// Entered and left from the front (lower) end, as far as its highest stop.
    FromBottom,
    /// Entered from both ends; the largest gap between adjacent stops is not
    /// walked.
    Gap,
}

impl Cover {
    const ALL: [Cover; 6] = [
        Cover::None,
        Cover::Through,
        Cover::Twice,
        Cover::FromTop,
        Cover::FromBottom,
        Cover::Gap,
    ];

    /// Edge ends added at the bottom and top nodes, whether the sub-aisle
    /// joins them, and the length walked, for stops at `ys` (sorted,
    /// relative to the bottom node) in a sub-aisle of `length`; `None` if the
    /// cover does not serve the stops.
    fn effect(self, ys: &[f64], length: f64) -> Option<(u8, u8, bool, f64)> {
        match (self, ys.first(), ys.last()) {
            (Cover::None, None, _) => Some((0, 0, false, 0.0)),
            (Cover::Through, ..) => Some((1, 1, true, length)),
            (Cover::Twice, ..) => Some((2, 2, true, 2.0 * length)),
            (Cover::FromTop, Some(&lo), _) => Some((0, 2, false, 2.0 * (length - lo))),
            (Cover::FromBottom, _, Some(&hi)) => Some((2, 0, false, 2.0 * hi)),
            (Cover::Gap, ..) if ys.len() >= 2 => {
                let gap = largest_gap(ys).1;
                Some((2, 2, false, 2.0 * (length - gap)))
            }
            _ => None,
        }
    }
}

/// Index `g` and length of the largest gap between `ys[g]` and `ys[g + 1]`.
fn largest_gap(ys: &[f64]) -> (usize, f64) {
    ys.windows(2)
        .enumerate()
        .map(|(g, w)| (g, w[1] - w[0]))
        .fold(
            (0, f64::NEG_INFINITY),
            |best, x| {
                if x.1 > best.1 { x } else { best }
            },
        )
}

/// What a step of the programme chose.
#[derive(Debug, Clone, Copy)]
enum Choice {
    Start,
    /// Cover of sub-aisle `block` of `aisle`.
    Cover {
        aisle: u32,
        block: u32,
        cover: Cover,
    },
    /// Edges to the next aisle along each cross aisle (2 bits each).
    Across {
        aisle: u32,
        edges: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    state: State,
    cost: f64,
    prev: u32,
    choice: Choice,
}

/// A stage of the programme: its entries, and an open-addressing index
/// from state to entry (the stages are small: a few hundred states).
struct Stage {
    entries: Vec<Entry>,
    slots: Vec<u32>,
}

impl Default for Stage {
    fn default() -> Self {
        Stage {
            entries: Vec::new(),
            slots: vec![u32::MAX; 64],
        }
    }
}

impl Stage {
    fn slot(&self, state: State) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (state.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask;
        loop {
            match self.slots[i] {
                u32::MAX => return i,
                e if self.entries[e as usize].state == state => return i,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn relax(&mut self, entry: Entry) {
        let i = self.slot(entry.state);
        match self.slots[i] {
            u32::MAX => {
                self.slots[i] = self.entries.len() as u32;
                self.entries.push(entry);
                if self.entries.len() * 2 > self.slots.len() {
                    self.grow();
                }
            }
            e if self.entries[e as usize].cost > entry.cost => self.entries[e as usize] = entry,
            _ => {}
        }
    }

    fn grow(&mut self) {
        self.slots = vec![u32::MAX; self.slots.len() * 2];
        for e in 0..self.entries.len() {
            let i = self.slot(self.entries[e].state);
            self.slots[i] = e as u32;
        }
    }
}

/// Stops of one sub-aisle: positions relative to its bottom node, sorted,
/// with their indices.
type SubAisle = Vec<(f64, usize)>;

struct Layout {
    blocks: u32,
    length: f64,
    pitch: f64,
}

impl Layout {
    fn of(master: &LocationMaster) -> Self {
        Layout {
            blocks: master.spec.blocks,
            length: master.spec.aisle_length_m,
            pitch: master.spec.aisle_pitch_m,
        }
    }

    /// The stops by sub-aisle `(aisle, block)`, sorted by position within
    /// the block.
    fn sub_aisles(&self, stops: &[Point]) -> HashMap<(u32, u32), SubAisle> {
        let mut sub: HashMap<(u32, u32), SubAisle> = HashMap::new();
        for (i, &p) in stops.iter().enumerate() {
            let (b, y) = self.locate(p);
            sub.entry((p.aisle, b)).or_default().push((y, i));
        }
        for ys in sub.values_mut() {
            ys.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        sub
    }

    /// Block and position within it of a point.
    fn locate(&self, p: Point) -> (u32, f64) {
        let block = ((p.y / self.length).max(0.0) as u32).min(self.blocks - 1);
        (block, p.y - f64::from(block) * self.length)
    }
}

/// The programme's result: the tour's length, the choices along it, and
/// the stops by sub-aisle.
struct Solved {
    length: f64,
    choices: Vec<Choice>,
    sub: HashMap<(u32, u32), SubAisle>,
}

/// The shortest tour from the front end of aisle `depot` through `stops`.
/// `None` for a layout of more than [`MAX_BLOCKS`] blocks.
fn solve(master: &LocationMaster, depot: u32, stops: &[Point], keep: bool) -> Option<Solved> {
    let g = Layout::of(master);
    if g.blocks > MAX_BLOCKS {
        return None;
    }
    if stops.is_empty() {
        return Some(Solved {
            length: 0.0,
            choices: Vec::new(),
            sub: HashMap::new(),
        });
    }
    let nodes = g.blocks as usize + 1;
    let sub = g.sub_aisles(stops);
    let lo = stops
        .iter()
        .map(|p| p.aisle)
        .min()
        .expect("stops")
        .min(depot);
    let hi = stops
        .iter()
        .map(|p| p.aisle)
        .max()
        .expect("stops")
        .max(depot);
    let last_pick_aisle = stops.iter().map(|p| p.aisle).max().expect("stops");
    let empty: SubAisle = Vec::new();

    let mut stages: Vec<Stage> = Vec::new();
    let mut start = Stage::default();
    start.relax(Entry {
        state: Nodes::empty(nodes).encode(),
        cost: 0.0,
        prev: 0,
        choice: Choice::Start,
    });
    stages.push(start);
    let mut best: Option<(f64, usize, u32)> = None;
    for aisle in lo..=hi {
        for block in 0..g.blocks {
            let ys_i = sub.get(&(aisle, block)).unwrap_or(&empty);
            let ys: Vec<f64> = ys_i.iter().map(|s| s.0).collect();
            let mut next = Stage::default();
            let prev = stages.last().expect("a stage");
            let covers: Vec<(Cover, (u8, u8, bool, f64))> = Cover::ALL
                .into_iter()
                .filter_map(|c| c.effect(&ys, g.length).map(|e| (c, e)))
                .collect();
            for (pi, e) in prev.entries.iter().enumerate() {
                let decoded = Nodes::decode(e.state, nodes);
                for &(cover, (bottom, top, joins, walk)) in &covers {
                    let mut n = decoded;
                    let (b, t) = (block as usize, block as usize + 1);
                    n.add(b, bottom);
                    n.add(t, top);
                    if joins {
                        n.join(b, t);
                    }
                    next.relax(Entry {
                        state: n.encode(),
                        cost: e.cost + walk,
                        prev: pi as u32,
                        choice: Choice::Cover {
                            aisle,
                            block,
                            cover,
                        },
                    });
                }
            }
            stages.push(next);
            forget(&mut stages, keep);
        }
        let here = stages.len() - 1;
        // A finished tour: one component, even degrees, the depot on it and
        // no stop further right.
        if aisle >= last_pick_aisle && aisle >= depot {
            for (i, e) in stages[here].entries.iter().enumerate() {
                let n = Nodes::decode(e.state, nodes);
                let even = n.deg[..nodes].iter().all(|&d| d != ODD);
                if even
                    && n.components() == 1
                    && (depot < aisle || n.deg[0] != ZERO)
                    && best.is_none_or(|(c, ..)| e.cost < c)
                {
                    best = Some((e.cost, here, i as u32));
                }
            }
        }
        if aisle == hi {
            break;
        }
        let mut next = Stage::default();
        for (pi, e) in stages[here].entries.iter().enumerate() {
            let n = Nodes::decode(e.state, nodes);
            // Odd nodes take one edge across, the others none or two; every
            // component must continue to the right.
            let (mut odd, mut free) = (0u32, Vec::with_capacity(nodes));
            let mut components = [0u32; 16];
            for i in 0..nodes {
                if n.deg[i] == ODD {
                    odd |= 1 << i;
                } else {
                    free.push(i);
                }
                if n.deg[i] != ZERO {
                    components[n.label[i] as usize] |= 1 << i;
                }
            }
            for sub in 0u32..(1 << free.len()) {
                let mut across = odd;
                for (k, &i) in free.iter().enumerate() {
                    if sub & (1 << k) != 0 {
                        across |= 1 << i;
                    }
                }
                if across == 0 || components.iter().any(|&c| c != 0 && c & across == 0) {
                    continue;
                }
                if aisle == depot && n.deg[0] == ZERO && across & 1 == 0 {
                    continue; // the depot would stay off the tour
                }
                let mut m = Nodes::empty(nodes);
                let (mut edges, mut count) = (0u32, 0u32);
                for i in 0..nodes {
                    if across & (1 << i) == 0 {
                        continue;
                    }
                    let h = if n.deg[i] == ODD { 1 } else { 2 };
                    edges |= h << (2 * i);
                    count += h;
                    m.deg[i] = if h == 1 { ODD } else { EVEN };
                    // A node not yet on the tour that sends edges right
                    // starts a component of its own.
                    m.label[i] = if n.deg[i] == ZERO {
                        8 + i as u8
                    } else {
                        n.label[i]
                    };
                }
                next.relax(Entry {
                    state: m.encode(),
                    cost: e.cost + f64::from(count) * g.pitch,
                    prev: pi as u32,
                    choice: Choice::Across { aisle, edges },
                });
            }
        }
        stages.push(next);
        forget(&mut stages, keep);
    }
    let (length, mut stage, mut at) = best.expect("a tour through every stop exists");
    if !keep {
        return Some(Solved {
            length,
            choices: Vec::new(),
            sub,
        });
    }
    let mut choices = Vec::new();
    while stage > 0 {
        let e = stages[stage].entries[at as usize];
        choices.push(e.choice);
        at = e.prev;
        stage -= 1;
    }
    choices.reverse();
    Some(Solved {
        length,
        choices,
        sub,
    })
}

/// Frees the entries of the stage before the last unless the choices are
/// kept for the tour (the length needs only the last stage).
fn forget(stages: &mut [Stage], keep: bool) {
    if !keep && stages.len() >= 2 {
        let old = stages.len() - 2;
        stages[old] = Stage::default();
    }
}

/// The length of the shortest tour, or `None` beyond [`MAX_BLOCKS`] blocks.
pub(super) fn length(master: &LocationMaster, depot: u32, stops: &[Point]) -> Option<f64> {
    solve(master, depot, stops, false).map(|s| s.length)
}

/// The shortest tour, walkable: stops in visiting order with the walk to
/// each, or `None` beyond [`MAX_BLOCKS`] blocks.
pub(super) fn plan(master: &LocationMaster, depot: u32, stops: &[Point]) -> Option<Plan> {
    let solved = solve(master, depot, stops, true)?;
    let g = Layout::of(master);
    let nodes = g.blocks + 1;
    // Vertices: intersections first (aisle-major), then one per stop.
    let cross = |aisle: u32, c: u32| (aisle * nodes + c) as usize;
    let stop_vertex = |i: usize| (master.spec.aisles * nodes) as usize + i;
    let mut graph = Multigraph::new(stop_vertex(stops.len()));
    for choice in &solved.choices {
        match *choice {
            Choice::Start => {}
            Choice::Cover {
                aisle,
                block,
                cover,
            } => {
                let ys = solved.sub.get(&(aisle, block)).cloned().unwrap_or_default();
                let bottom = (cross(aisle, block), 0.0);
                let top = (cross(aisle, block + 1), g.length);
                let inner: Vec<(usize, f64)> =
                    ys.iter().map(|&(y, i)| (stop_vertex(i), y)).collect();
                let through: Vec<(usize, f64)> = std::iter::once(bottom)
                    .chain(inner.iter().copied())
                    .chain(std::iter::once(top))
                    .collect();
                match cover {
                    Cover::None => {}
                    Cover::Through => graph.path(&through, 1),
                    Cover::Twice => graph.path(&through, 2),
                    Cover::FromBottom => graph.path(&through[..through.len() - 1], 2),
                    Cover::FromTop => graph.path(&through[1..], 2),
                    Cover::Gap => {
                        let (gap, _) = largest_gap(&ys.iter().map(|s| s.0).collect::<Vec<_>>());
                        // Bottom … ys[gap] from below, ys[gap + 1] … top from above.
                        graph.path(&through[..gap + 2], 2);
                        graph.path(&through[gap + 2..], 2);
                    }
                }
            }
            Choice::Across { aisle, edges } => {
                for c in 0..nodes {
                    for _ in 0..(edges >> (2 * c)) & 0b11 {
                        graph.add(cross(aisle, c), cross(aisle + 1, c), g.pitch);
                    }
                }
            }
        }
    }
    // An Euler circuit from the depot (Hierholzer); stops in order of first
    // visit, with the walk since the previous first visit.
    let start = cross(depot, 0);
    let Multigraph { adjacency, edges } = graph;
    let mut used = vec![false; edges];
    let mut next_edge = vec![0usize; adjacency.len()];
    let mut stack: Vec<(usize, f64)> = vec![(start, 0.0)];
    let mut circuit: Vec<(usize, f64)> = Vec::with_capacity(edges + 1);
    while let Some(&(v, w)) = stack.last() {
        let mut advanced = false;
        while next_edge[v] < adjacency[v].len() {
            let (to, len, id) = adjacency[v][next_edge[v]];
            next_edge[v] += 1;
            if !used[id] {
                used[id] = true;
                stack.push((to, len));
                advanced = true;
                break;
            }
        }
        if !advanced {
            circuit.push((v, w));
            stack.pop();
        }
    }
    circuit.reverse();
    // `circuit[i].1` is the length of the edge walked to reach it.
    let mut seen = vec![false; stops.len()];
    let (mut order, mut legs) = (Vec::with_capacity(stops.len()), Vec::new());
    let mut since = 0.0;
    for &(v, w) in circuit.iter().skip(1) {
        since += w;
        if let Some(i) = v.checked_sub(stop_vertex(0))
            && !seen[i]
        {
            seen[i] = true;
            order.push(i);
            legs.push(since);
            since = 0.0;
        }
    }
    debug_assert!(seen.iter().all(|&s| s), "the tour visits every stop");
    Some(Plan {
        order,
        legs,
        home_m: since,
        exact: true,
    })
}

/// The tour's edges: for each vertex, its neighbours with the edge's length
/// and id.
struct Multigraph {
    adjacency: Vec<Vec<(usize, f64, usize)>>,
    edges: usize,
}

impl Multigraph {
    fn new(vertices: usize) -> Self {
        Multigraph {
            adjacency: vec![Vec::new(); vertices],
            edges: 0,
        }
    }

    fn add(&mut self, a: usize, b: usize, length: f64) {
        self.adjacency[a].push((b, length, self.edges));
        self.adjacency[b].push((a, length, self.edges));
        self.edges += 1;
    }

    /// A path through vertices at the given positions along one aisle,
    /// walked `times` times.
    fn path(&mut self, points: &[(usize, f64)], times: usize) {
        for w in points.windows(2) {
            for _ in 0..times {
                self.add(w[0].0, w[1].0, (w[1].1 - w[0].1).abs());
            }
        }
    }
}
