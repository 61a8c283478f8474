//! Pick execution (WES): confirming picks stop by stop, the short-pick flow
//! (a short pick retries from an alternative location, and what no face
//! holds is recorded short and counted), and delivering the trip's totes to
//! packing, a put wall or the next zone.
//!
//! This file holds the state and the facts; the command handling is in
//! `handlers.rs`.

pub(crate) mod handlers;

#[cfg(test)]
mod rules;

pub mod put_wall;
pub mod strategies;

pub use strategies::{BatchRule, Picking, ZoneMode, batch};

use bevy_ecs::event::Event;

/// Fact: a pick line was confirmed.
#[derive(Debug, Clone, Event)]
pub(crate) struct PickCompleted;
