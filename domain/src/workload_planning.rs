//! Workload planning and its feedback loop (seed diagram 5): an hourly
//! demand forecast (Holt–Winters, refitted each midnight: `ModelUpdated`),
//! a labour plan per hour (`WorkloadPlanned`), plan against actual at every
//! metrics interval, `CapacityAdjusted` (overtime for the heads on the
//! floor) when the open work will not fit in what is left of the shift,
//! and task execution's answer, `WorkloadRebalanced` (cycle counts give way
//! to picking while capacity is adjusted; with zone picking, a picker moves
//! to the zone with the most pending work per head).
//!
//! This file holds the state and the facts; the command handling and
//! the reactions are in `handlers.rs`.

pub(crate) mod handlers;

#[cfg(test)]
mod rules;

pub mod forecast;
pub mod kpis;

use serde::Serialize;

use bevy_ecs::event::Event;
use paklog_sim::{SimDuration, SimTime};

use crate::config::WorkloadPolicy;
use crate::ids::StationId;
use crate::workload_planning::forecast::HoltWinters;

/// Length of a metrics interval: every interval task execution reports its
/// metrics (`MetricsUpdated`), and workload planning compares plan against
/// actual and adjusts capacity.
pub const METRICS_INTERVAL: SimDuration = SimDuration::from_mins(5);

/// One hour of the labour plan, as planned at its start.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HourPlan {
    /// Start of the hour.
    pub start: SimTime,
    /// Orders forecast for the hour.
    pub forecast_orders: f64,
    /// Heads the forecast needs.
    pub planned_heads: u32,
    /// Heads the labour plan has.
    pub rostered_heads: u32,
    /// Pack stations the forecast needs at the learned packing time.
    pub planned_packers: u32,
    /// Pack stations the site has.
    pub pack_stations: u32,
}

/// The workload planner's state.
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub(crate) struct Workload {
    /// Orders received per hour since time 0.
    hourly: Vec<u32>,
    model: Option<HoltWinters>,
    /// The plan of every hour so far.
    pub(crate) plan: Vec<HourPlan>,
    /// Capacity adjusted: heads kept on from the end of their window
    /// until then, and when it was decided.
    pub(crate) adjusted: Option<Adjustment>,
    /// When each station's order on the bench was started.
    pub(crate) pack_started: std::collections::BTreeMap<StationId, SimTime>,
    /// Orders packed and the time they took at the bench (ms).
    pub(crate) packed: (u32, u64),
    /// Counters of the running metrics interval.
    pub(crate) counters: Counters,
}

/// Counters of the running metrics interval.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counters {
    pub(crate) orders_shipped: u32,
    pub(crate) lines_picked: u32,
}

/// Heads kept on past the end of their labour window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Adjustment {
    heads: u32,
    shift_end: SimTime,
    until: SimTime,
}

const HOUR_MS: u64 = 3_600_000;
/// Season of the forecast: a day of hours.
const SEASON: usize = 24;
/// Orders packed before the packing time is learned rather than assumed.
const LEARN_AFTER_PACKED: u32 = 20;

/// Fact: a metrics interval closed and its `MetricsUpdated` went out.
#[derive(Debug, Clone, Event)]
pub(crate) struct MetricsUpdated {
    pub(crate) at: SimTime,
}

impl Workload {
    /// Seconds a pack station takes per order: learned once
    /// [`LEARN_AFTER_PACKED`] orders are packed, the policy's prior before.
    #[must_use]
    pub fn pack_seconds_per_order(&self, policy: &WorkloadPolicy) -> f64 {
        match self.packed {
            (n, ms) if n >= LEARN_AFTER_PACKED => ms as f64 / 1000.0 / f64::from(n),
            _ => policy.pack_seconds_per_order,
        }
    }
}
