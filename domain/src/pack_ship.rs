//! Pack & ship (WES): pack station queues, QC sampling, carton choice by
//! volume and weight, the weight check, and the carriers' departures.
//!
//! This file holds the state and the facts; the command handling is in
//! `handlers.rs`.

pub(crate) mod handlers;

#[cfg(test)]
mod rules;

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::config::CartonSpec;

use bevy_ecs::event::Event;
use paklog_sim::SimTime;

use crate::ids::{OrderId, StationId, TaskId};

/// A pack station's queue and the order on its bench.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Station {
    /// Totes waiting at the station, in arrival order.
    pub queue: VecDeque<OrderId>,
    /// The order being packed.
    pub packing: Option<OrderId>,
    /// Orders packed.
    pub packed: u32,
    /// Totes on the conveyor on their way to it.
    #[serde(default)]
    pub inbound: u32,
}

/// A put-wall slot, as the seed's `PutWallSlot`: it holds one order's items
/// and is complete when the expected count is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutWallSlot {
    /// The order it is assigned to.
    pub order: OrderId,
    /// Units expected (what was picked for the order).
    pub expected: u32,
    /// Units put so far.
    pub current: u32,
    /// Whether every expected unit is in.
    pub complete: bool,
}

/// A put wall: batches picked in bulk wait in its queue; the batch being
/// sorted occupies one slot per order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PutWall {
    /// Bulk totes (their pick tasks) waiting to be sorted, in arrival order.
    pub queue: VecDeque<TaskId>,
    /// The batch being sorted, and the units of each stop of its task
    /// already put.
    pub sorting: Option<(TaskId, Vec<u32>)>,
    /// Slots of the batch being sorted, in the task's order of orders.
    pub slots: Vec<PutWallSlot>,
    /// Orders sorted.
    pub sorted: u32,
}

impl PutWall {
    /// Adds `units` of a slot's order; returns whether this completed it.
    pub fn add_item(&mut self, slot: usize, units: u32) -> bool {
        let s = &mut self.slots[slot];
        s.current += units;
        let completes = !s.complete && s.current >= s.expected;
        s.complete |= completes;
        completes
    }
}

/// All pack stations.
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub struct PackArea {
    /// Stations, indexed by [`StationId`].
    pub stations: Vec<Station>,
    /// Put walls (put-wall picking), by index.
    pub put_walls: Vec<PutWall>,
    /// Orders packed and waiting for their carrier, per carrier.
    pub at_dock: Vec<Vec<OrderId>>,
}

impl PackArea {
    /// The station with the least work queued or on its way (ties: lowest
    /// id).
    #[must_use]
    pub fn least_loaded(&self) -> StationId {
        (0..self.stations.len() as u32)
            .map(StationId)
            .min_by_key(|s| (self.work(*s), *s))
            .expect("at least one station")
    }

    /// Orders at a station: queued, on their way to it, and on the bench.
    #[must_use]
    pub fn work(&self, station: StationId) -> usize {
        let s = &self.stations[station.index()];
        s.queue.len() + s.inbound as usize + usize::from(s.packing.is_some())
    }

    /// The put wall with the least work queued (ties: lowest index).
    #[must_use]
    pub fn least_loaded_wall(&self) -> Option<u16> {
        self.put_walls
            .iter()
            .enumerate()
            .min_by_key(|(i, w)| (w.queue.len() + usize::from(w.sorting.is_some()), *i))
            .map(|(i, _)| i as u16)
    }
}

/// The smallest carton (by volume) that holds `volume_l` and `weight_kg`,
/// or the largest one if none does (the order then ships in it anyway and
/// the overflow is left to the packer).
#[must_use]
pub fn choose_carton(cartons: &[CartonSpec], volume_l: f64, weight_kg: f64) -> u32 {
    let fits = cartons
        .iter()
        .enumerate()
        .filter(|(_, c)| c.volume_l >= volume_l && c.max_weight_kg >= weight_kg)
        .min_by(|a, b| a.1.volume_l.total_cmp(&b.1.volume_l));
    let largest = || {
        cartons
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.volume_l.total_cmp(&b.1.volume_l))
            .expect("at least one carton")
    };
    fits.unwrap_or_else(largest).0 as u32
}

/// Fact: a packer took an order onto the bench at `station`.
#[derive(Debug, Clone, Event)]
pub(crate) struct PackingStarted {
    pub(crate) at: SimTime,
    pub(crate) station: StationId,
}

/// Fact: a packer completed the order on the bench at `station`.
#[derive(Debug, Clone, Event)]
pub(crate) struct PackingCompleted {
    pub(crate) at: SimTime,
    pub(crate) station: StationId,
}

/// Fact: an order left on its carrier's truck.
#[derive(Debug, Clone, Event)]
pub(crate) struct OrderShipped;

#[cfg(test)]
mod tests {
    use super::*;

    fn cartons() -> Vec<CartonSpec> {
        [("S", 5.0, 5.0), ("L", 50.0, 30.0), ("M", 20.0, 15.0)]
            .into_iter()
            .map(|(n, v, w)| CartonSpec {
                name: n.into(),
                volume_l: v,
                max_weight_kg: w,
            })
            .collect()
    }

    #[test]
    fn picks_the_smallest_carton_that_fits() {
        let c = cartons();
        assert_eq!(choose_carton(&c, 4.0, 1.0), 0);
        assert_eq!(choose_carton(&c, 6.0, 1.0), 2, "M, listed after L");
        assert_eq!(choose_carton(&c, 4.0, 10.0), 2, "too heavy for S");
        assert_eq!(choose_carton(&c, 80.0, 1.0), 1, "nothing fits: the largest");
    }
}
