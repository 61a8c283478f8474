//! Picking strategies: how the orders of a released wave become pick trips.
//!
//! - **discrete**: one order per trip, one tote.
//! - **batch**: several orders per trip, one tote each (sorted while
//!   picking), grouped by an order-batching rule — first come first served,
//!   seed (add the order that opens the fewest new aisles), or Clarke–Wright
//!   savings — up to the picker's capacity in totes.
//! - **cluster**: a cart of N totes filled with the next N orders by urgency.
//! - **zone**: each zone picks its part of an order; *pick-and-pass* sends
//!   the one tote from zone to zone, *parallel* picks every zone at once into
//!   its own tote and consolidates them at packing.
//! - **put wall**: a batch is picked in bulk and sorted after picking into
//!   the slots of a put wall; a slot is complete when its order's expected
//!   items are in.

use serde::{Deserialize, Serialize};

use crate::location_master::{LocationMaster, Point};
use crate::routing::{self, Policy};

/// Rule that groups orders into batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchRule {
    /// In urgency order, `capacity` at a time.
    Fcfs,
    /// The most urgent open order seeds a batch; the order that adds the
    /// fewest aisles not yet in the batch joins next.
    Seed,
    /// Clarke–Wright savings: merge the batches of the pair of orders whose
    /// joint trip saves most against two trips, while capacity allows.
    Savings,
}

impl BatchRule {
    /// Name in scenario files and reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            BatchRule::Fcfs => "fcfs",
            BatchRule::Seed => "seed",
            BatchRule::Savings => "savings",
        }
    }
}

/// How zones share an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneMode {
    /// One tote passes from zone to zone; the next zone's task opens when
    /// the previous zone hands the tote over.
    PickAndPass,
    /// Every zone picks its part at once into its own tote; packing waits
    /// until all of them have arrived (consolidation).
    Parallel,
}

/// The picking strategy of a site.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Picking {
    /// One order per trip.
    Discrete,
    /// Orders batched by `rule`, one tote each, at most `totes` per trip.
    Batch {
        /// Batching rule.
        rule: BatchRule,
        /// Totes the picker carries.
        totes: u32,
    },
    /// A cart of `totes` totes, filled with orders in urgency order.
    Cluster {
        /// Totes on the cart.
        totes: u32,
    },
    /// Zone picking.
    Zone {
        /// Pick-and-pass or parallel.
        mode: ZoneMode,
    },
    /// Batch picking in bulk, sorted at a put wall of `slots` slots.
    PutWall {
        /// Slots of a wall: the orders of one batch.
        slots: u32,
        /// Put walls, each sorting one batch at a time.
        walls: u32,
    },
}

impl Picking {
    /// Name in reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Picking::Discrete => "discrete",
            Picking::Batch { .. } => "batch",
            Picking::Cluster { .. } => "cluster",
            Picking::Zone {
                mode: ZoneMode::PickAndPass,
            } => "zone_pick_and_pass",
            Picking::Zone {
                mode: ZoneMode::Parallel,
            } => "zone_parallel",
            Picking::PutWall { .. } => "put_wall",
        }
    }

    /// How orders are grouped into trips, and how many per trip; `None`
    /// for one order per trip.
    #[must_use]
    pub fn batching(self) -> Option<(BatchRule, usize)> {
        match self {
            Picking::Batch { rule, totes } => Some((rule, totes.max(1) as usize)),
            Picking::Cluster { totes } => Some((BatchRule::Fcfs, totes.max(1) as usize)),
            Picking::PutWall { slots, .. } => Some((BatchRule::Fcfs, slots.max(1) as usize)),
            Picking::Discrete | Picking::Zone { .. } => None,
        }
    }
}

/// Most orders the savings rule compares pairwise at once; longer lists are
/// batched in consecutive pools of this size, by urgency.
const SAVINGS_POOL: usize = 240;

/// Groups orders into batches of at most `capacity` orders. `orders` holds
/// each order's stops, most urgent order first; the result lists batches of
/// indices into `orders`, each batch in urgency order and the batches by
/// their most urgent order.
#[must_use]
pub fn batch(
    master: &LocationMaster,
    rule: BatchRule,
    capacity: usize,
    orders: &[Vec<Point>],
) -> Vec<Vec<usize>> {
    let capacity = capacity.max(1);
    let mut batches = match rule {
        BatchRule::Fcfs => (0..orders.len())
            .collect::<Vec<_>>()
            .chunks(capacity)
            .map(<[usize]>::to_vec)
            .collect(),
        BatchRule::Seed => seed(orders, capacity),
        BatchRule::Savings => (0..orders.len())
            .step_by(SAVINGS_POOL)
            .flat_map(|start| {
                let end = (start + SAVINGS_POOL).min(orders.len());
                savings(master, &orders[start..end], capacity)
                    .into_iter()
                    .map(move |b| b.into_iter().map(|i| i + start).collect::<Vec<_>>())
            })
            .collect(),
    };
    for b in &mut batches {
        b.sort_unstable();
    }
    batches.sort_unstable_by_key(|b| b[0]);
    batches
}

/// The aisles an order's stops are in, sorted and without repeats.
fn aisles(stops: &[Point]) -> Vec<u32> {
    let mut a: Vec<u32> = stops.iter().map(|p| p.aisle).collect();
    a.sort_unstable();
    a.dedup();
    a
}

/// Seed batching (de Koster, van der Poort and Wolters, 1999): the most
/// urgent open order seeds a batch; then, while there is room, the open
/// order with the fewest aisles not yet in the batch joins (ties to the more
/// urgent).
fn seed(orders: &[Vec<Point>], capacity: usize) -> Vec<Vec<usize>> {
    let order_aisles: Vec<Vec<u32>> = orders.iter().map(|o| aisles(o)).collect();
    let mut open: Vec<usize> = (0..orders.len()).collect();
    let mut batches = Vec::new();
    while !open.is_empty() {
        let first = open.remove(0);
        let mut batch = vec![first];
        let mut covered = order_aisles[first].clone();
        while batch.len() < capacity && !open.is_empty() {
            let (at, _) = open
                .iter()
                .enumerate()
                .map(|(at, &o)| {
                    let new = order_aisles[o]
                        .iter()
                        .filter(|a| covered.binary_search(a).is_err())
                        .count();
                    (at, (new, o))
                })
                .min_by_key(|&(_, key)| key)
                .expect("open orders left");
            let o = open.remove(at);
            for &a in &order_aisles[o] {
                if let Err(pos) = covered.binary_search(&a) {
                    covered.insert(pos, a);
                }
            }
            batch.push(o);
        }
        batches.push(batch);
    }
    batches
}

/// Clarke–Wright savings batching, C&W(i) in de Koster et al. (1999): the
/// saving of a pair is the length of two separate trips less that of the
/// joint one (S-shape routes, which any layout allows); pairs are taken by
/// falling saving and their batches merged while the capacity allows.
fn savings(master: &LocationMaster, orders: &[Vec<Point>], capacity: usize) -> Vec<Vec<usize>> {
    let n = orders.len();
    // S-shape routes any grid; a site that is not one is routed by
    // shortest walks.
    let policy = if master.network().is_some() {
        Policy::NearestNeighbour
    } else {
        Policy::SShape
    };
    let length = |stops: &[Point]| {
        routing::route(master, policy, stops)
            .expect("S-shape routes any grid, nearest neighbour any site")
            .distance_m
    };
    let alone: Vec<f64> = orders.iter().map(|o| length(o)).collect();
    let mut pairs: Vec<(f64, usize, usize)> = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    let mut joint = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            joint.clear();
            joint.extend_from_slice(&orders[i]);
            joint.extend_from_slice(&orders[j]);
            let saving = alone[i] + alone[j] - length(&joint);
            if saving > 1e-9 {
                pairs.push((saving, i, j));
            }
        }
    }
    // Largest saving first; ties to the more urgent pair.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let mut of: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    for (_, i, j) in pairs {
        let (a, b) = (of[i], of[j]);
        if a == b || members[a].len() + members[b].len() > capacity {
            continue;
        }
        let (keep, gone) = (a.min(b), a.max(b));
        let moved = std::mem::take(&mut members[gone]);
        for &o in &moved {
            of[o] = keep;
        }
        members[keep].extend(moved);
    }
    members.into_iter().filter(|m| !m.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use paklog_sim::RngStreams;
    use rand::RngExt;

    fn master() -> LocationMaster {
        LocationMaster::new(crate::testing::layout(1, 10), 1, 0)
    }

    fn at(aisle: u32, y: f64) -> Point {
        Point::new(aisle, y)
    }

    fn random_orders(n: usize, seed: u64) -> Vec<Vec<Point>> {
        let m = master();
        let mut rng = RngStreams::new(seed).stream("orders");
        (0..n)
            .map(|_| {
                (0..rng.random_range(1..5))
                    .map(|_| {
                        at(
                            rng.random_range(0..m.spec.aisles),
                            rng.random::<f64>() * m.spec.aisle_length_m,
                        )
                    })
                    .collect()
            })
            .collect()
    }

    fn total_length(m: &LocationMaster, orders: &[Vec<Point>], batches: &[Vec<usize>]) -> f64 {
        batches
            .iter()
            .map(|b| {
                let stops: Vec<Point> = b.iter().flat_map(|&i| orders[i].clone()).collect();
                routing::route(m, Policy::SShape, &stops)
                    .unwrap()
                    .distance_m
            })
            .sum()
    }

    #[test]
    fn every_rule_batches_every_order_once_within_capacity() {
        let m = master();
        let orders = random_orders(57, 1);
        for rule in [BatchRule::Fcfs, BatchRule::Seed, BatchRule::Savings] {
            for capacity in [1, 4, 8] {
                let batches = batch(&m, rule, capacity, &orders);
                let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
                seen.sort_unstable();
                assert_eq!(seen, (0..57).collect::<Vec<_>>(), "{rule:?} × {capacity}");
                assert!(batches.iter().all(|b| !b.is_empty() && b.len() <= capacity));
                // Batches by their most urgent order.
                assert!(batches.windows(2).all(|w| w[0][0] < w[1][0]));
            }
        }
    }

    #[test]
    fn fcfs_takes_orders_in_urgency_order() {
        let batches = batch(&master(), BatchRule::Fcfs, 3, &random_orders(7, 2));
        assert_eq!(batches, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6]]);
    }

    #[test]
    fn seed_joins_the_order_that_opens_the_fewest_aisles() {
        // The seed is in aisle 2; order 2 is in aisle 2 too, order 1 opens
        // aisle 7.
        let orders = vec![
            vec![at(2, 5.0)],
            vec![at(7, 5.0)],
            vec![at(2, 20.0)],
            vec![at(7, 1.0)],
        ];
        let batches = batch(&master(), BatchRule::Seed, 2, &orders);
        assert_eq!(batches, vec![vec![0, 2], vec![1, 3]]);
    }

    #[test]
    fn savings_pairs_orders_that_share_aisles() {
        let orders = vec![
            vec![at(0, 5.0)],
            vec![at(9, 5.0)],
            vec![at(0, 25.0)],
            vec![at(9, 25.0)],
        ];
        let batches = batch(&master(), BatchRule::Savings, 2, &orders);
        assert_eq!(batches, vec![vec![0, 2], vec![1, 3]]);
    }

    #[test]
    fn smarter_rules_walk_less_than_first_come_first_served() {
        let m = master();
        let (mut fcfs, mut seed, mut savings) = (0.0, 0.0, 0.0);
        for s in 0..5 {
            let orders = random_orders(120, 10 + s);
            fcfs += total_length(&m, &orders, &batch(&m, BatchRule::Fcfs, 6, &orders));
            seed += total_length(&m, &orders, &batch(&m, BatchRule::Seed, 6, &orders));
            savings += total_length(&m, &orders, &batch(&m, BatchRule::Savings, 6, &orders));
        }
        assert!(seed < fcfs, "seed {seed} vs fcfs {fcfs}");
        assert!(savings < seed, "savings {savings} vs seed {seed}");
    }
}
