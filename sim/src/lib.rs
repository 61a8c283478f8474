//! # paklog-sim: the deterministic discrete-event kernel of PakLog Twin
//!
//! Everything PakLog Twin does, simulated or live, is an event run at a
//! simulated instant by a handler that sees the [`bevy_ecs`] [`World`] and a
//! [`Scheduler`]. This crate owns only the machinery; it knows nothing of
//! warehouses.
//!
//! - [`SimTime`] / [`SimDuration`]: integer milliseconds, no floats in the
//!   calendar.
//! - [`Calendar`]: pending events ordered by `(time, insertion sequence)`, so
//!   ties run in the order they were scheduled; cancellation by
//!   [`EventHandle`]; no allocation per event once warmed up.
//! - [`Clock`]: [`VirtualClock`] jumps to the next event, [`WallClock`] waits
//!   for it in real time (with a speed factor) or for a command from outside,
//!   whichever is first. Handlers cannot tell which one runs them.
//! - [`RngStreams`]: one reproducible random stream per purpose, derived from
//!   the scenario seed and the stream's name, so changing a strategy shifts
//!   no stream.
//! - [`Simulation`]: the run loop. It runs until a horizon, until nothing is
//!   left, or until stopped, reporting [`Progress`] along the way, and calls
//!   [`World::flush`] after every event so deferred ECS commands (from
//!   observers) apply before the next one.
//!
//! ## A tiny model
//!
//! A machine that breaks down and gets repaired: uptimes and repair times are
//! exponential, each from its own stream. We run it for ten simulated hours
//! and read the availability from the world.
//!
//! ```
//! use bevy_ecs::prelude::*;
//! use paklog_sim::{RngStreams, SimDuration, SimTime, Simulation, StopReason, StreamRng, VirtualClock};
//! use rand::RngExt;
//!
//! #[derive(Debug, Clone, Copy)]
//! enum Ev { Break, Repaired }
//!
//! #[derive(Resource)]
//! struct Machine { up_since: SimTime, uptime: SimDuration, failures: RngStream, repairs: RngStream }
//! type RngStream = StreamRng;
//!
//! fn exp_secs(rng: &mut StreamRng, mean_secs: f64) -> SimDuration {
//!     SimDuration::from_secs_f64(-mean_secs * (1.0 - rng.random::<f64>()).ln())
//! }
//!
//! let streams = RngStreams::new(7);
//! let mut world = World::new();
//! world.insert_resource(Machine {
//!     up_since: SimTime::ZERO,
//!     uptime: SimDuration::ZERO,
//!     failures: streams.stream("failures"),
//!     repairs: streams.stream("repairs"),
//! });
//! let mut sim = Simulation::new(world);
//! let first = exp_secs(&mut sim.world_mut().resource_mut::<Machine>().failures, 3600.0);
//! sim.schedule_at(SimTime::ZERO + first, Ev::Break);
//!
//! let horizon = SimTime::ZERO + SimDuration::from_hours(10);
//! let summary = sim.run(&mut VirtualClock, Some(horizon), |world, sched, ev| {
//!     let mut m = world.resource_mut::<Machine>();
//!     match ev {
//!         Ev::Break => {
//!             let up = sched.now() - m.up_since;
//!             m.uptime = m.uptime + up;
//!             let repair = exp_secs(&mut m.repairs, 600.0);
//!             sched.schedule_in(repair, Ev::Repaired);
//!         }
//!         Ev::Repaired => {
//!             m.up_since = sched.now();
//!             let next = exp_secs(&mut m.failures, 3600.0);
//!             sched.schedule_in(next, Ev::Break);
//!         }
//!     }
//! });
//!
//! assert_eq!(summary.reason, StopReason::Horizon);
//! assert_eq!(sim.now(), horizon);
//! let m = sim.world().resource::<Machine>();
//! let availability = m.uptime.as_secs_f64() / horizon.as_secs_f64();
//! assert!(availability > 0.0 && availability <= 1.0);
//! ```
//!
//! Run it again with the same seed and every number is identical; that is
//! what the whole product's determinism rests on.

pub mod agenda;
pub mod calendar;
pub mod clock;
pub mod rng;
pub mod run;
pub mod time;

pub use agenda::Agenda;
pub use bevy_ecs::world::World;
pub use calendar::{Calendar, EventHandle};
pub use clock::{Clock, CommandSender, InvalidSpeed, RunEnded, VirtualClock, Wake, WallClock};
pub use rng::{RngStreams, StreamRng};
pub use run::{Progress, RunSummary, Schedule, Scheduler, Simulation, StopHandle, StopReason};
pub use time::{SimDuration, SimTime};
