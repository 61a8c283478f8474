//! Wave planning (WMS): group reserved orders into waves by strategy, check
//! them against the labour plan, and release them to execution.
//!
//! A wave is PLANNED, then RELEASED (only from PLANNED: at once, or by a
//! planner when the site says `WaveRelease::Planner`, and a planner only
//! while something of it can be allocated), IN_PROGRESS once its first
//! task starts, then COMPLETED when its last order is packed. A PLANNED
//! wave, or a RELEASED one none of whose tasks has started, can be
//! CANCELLED: the release is compensated and its orders wait for another.
//!
//! This file holds the state and the facts; the command handling is in
//! `handlers.rs`.

pub(crate) mod handlers;

#[cfg(test)]
mod rules;

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use bevy_ecs::event::Event;
use paklog_sim::SimTime;

use crate::events::WaveStrategy;
use crate::ids::{OrderId, WaveId};
use crate::ledger::Ledger;
pub use crate::vocabulary::WavePriority;
pub use crate::vocabulary::WaveStatus;

/// A wave of orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wave {
    /// Its id.
    pub id: WaveId,
    /// How it was formed.
    pub strategy: WaveStrategy,
    /// Its priority.
    pub priority: WavePriority,
    /// Status.
    pub status: WaveStatus,
    /// Its orders.
    pub orders: Vec<OrderId>,
    /// Lines over all its orders.
    pub lines: u32,
    /// Units over all its orders.
    pub units: u32,
    /// Orders not yet packed.
    pub open_orders: u32,
    /// When it was planned.
    pub planned_at: SimTime,
    /// When it was released.
    pub released_at: Option<SimTime>,
    /// When its last order was packed.
    pub completed_at: Option<SimTime>,
    /// Zone it was formed for (zone strategy).
    pub zone: Option<u16>,
}

/// Waves and the queue of reserved orders waiting for one.
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub struct WaveBook {
    waves: Ledger<Wave>,
    /// Reserved orders not yet in a wave, in the order they were reserved.
    pub waiting: VecDeque<OrderId>,
    /// Lines released to the floor and not yet picked.
    pub(crate) floor_lines: u32,
    /// Lines in planned waves waiting for release.
    pub(crate) held_lines: u32,
}

impl WaveBook {
    /// The wave `id`, if it exists.
    #[must_use]
    pub fn find(&self, id: WaveId) -> Option<&Wave> {
        self.waves.get(id.0)
    }

    /// The wave `id`.
    ///
    /// # Panics
    /// If no such wave exists.
    pub fn get_mut(&mut self, id: WaveId) -> &mut Wave {
        self.waves
            .get_mut(id.0)
            .expect("a wave of this book, not forgotten")
    }

    /// Every wave, by id.
    #[must_use]
    pub fn all(&self) -> impl DoubleEndedIterator<Item = &Wave> + Clone {
        self.waves.iter()
    }

    /// How many waves are kept.
    #[must_use]
    pub fn kept(&self) -> usize {
        self.waves.len()
    }

    /// The id the next wave will get (how many were ever planned).
    #[must_use]
    pub fn next_id(&self) -> WaveId {
        WaveId(self.waves.next())
    }

    /// Forgets the waves completed or cancelled before `before` once
    /// `settled` says (its orders forgotten); how many.
    pub fn forget_finished(&mut self, before: SimTime, settled: impl Fn(&Wave) -> bool) -> usize {
        self.waves.forget(
            |w| w.planned_at < before,
            |w| {
                matches!(w.status, WaveStatus::Completed | WaveStatus::Cancelled)
                    && w.completed_at.unwrap_or(w.planned_at) < before
                    && settled(w)
            },
        )
    }

    /// Adds a planned wave of standard priority and returns its id.
    pub fn plan(
        &mut self,
        strategy: WaveStrategy,
        orders: Vec<OrderId>,
        lines: u32,
        units: u32,
        now: SimTime,
        zone: Option<u16>,
    ) -> WaveId {
        let id = self.next_id();
        self.waves.push(Wave {
            id,
            strategy,
            priority: WavePriority::Standard,
            status: WaveStatus::Planned,
            open_orders: orders.len() as u32,
            orders,
            lines,
            units,
            planned_at: now,
            released_at: None,
            completed_at: None,
            zone,
        });
        id
    }
}

/// Tasks done on the floor before wave planning trusts the measured pick
/// rate over the configured estimate.
const LEARN_AFTER_TASKS: u32 = 50;

/// Fact: a wave was released to the floor with these orders, most urgent
/// first.
#[derive(Debug, Clone, Event)]
pub(crate) struct WaveReleased {
    pub(crate) at: SimTime,
    pub(crate) wave: WaveId,
    pub(crate) orders: Vec<OrderId>,
}
