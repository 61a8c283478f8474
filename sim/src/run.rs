//! The run loop: pop the next event, hand it to the model's handler together
//! with the [`World`] and a [`Scheduler`], flush deferred ECS commands, repeat.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use bevy_ecs::world::World;

use crate::calendar::{Calendar, EventHandle};
use crate::clock::{Clock, Wake};
use crate::time::{SimDuration, SimTime};

/// How often (in events) the loop reports progress and looks at its
/// [`StopHandle`].
const PROGRESS_EVERY: u64 = 1 << 14;

/// What a handler may do to the future: schedule and cancel events, read the
/// current time, and ask the run to stop.
#[derive(Debug)]
pub struct Scheduler<'a, E> {
    now: SimTime,
    calendar: &'a mut Calendar<E>,
    stop: &'a mut bool,
}

impl<E> Scheduler<'_, E> {
    /// The current simulated time: the time of the event being handled.
    #[inline]
    #[must_use]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time`.
    ///
    /// A time in the past is a bug in the caller; in release builds the event
    /// is scheduled for now instead (time never runs backwards).
    #[inline]
    pub fn schedule_at(&mut self, time: SimTime, event: E) -> EventHandle {
        debug_assert!(
            time >= self.now,
            "scheduled at {time}, before now ({})",
            self.now
        );
        self.calendar.schedule(time.max(self.now), event)
    }

    /// Schedules `event` after `delay`.
    #[inline]
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) -> EventHandle {
        self.calendar
            .schedule(self.now.saturating_add(delay), event)
    }

    /// Cancels a pending event; see [`Calendar::cancel`].
    pub fn cancel(&mut self, handle: EventHandle) -> Option<E> {
        self.calendar.cancel(handle)
    }

    /// Ends the run after the current event.
    pub fn stop(&mut self) {
        *self.stop = true;
    }
}

/// Anything events can be scheduled on: a [`Scheduler`] inside the loop, a
/// [`Simulation`] before it runs. A model that asks for its own events
/// (timers) hands them to either through this one trait.
pub trait Schedule<E> {
    /// Schedules `event` at `time`.
    fn schedule_at(&mut self, time: SimTime, event: E) -> EventHandle;
}

impl<E> Schedule<E> for Scheduler<'_, E> {
    #[inline]
    fn schedule_at(&mut self, time: SimTime, event: E) -> EventHandle {
        Scheduler::schedule_at(self, time, event)
    }
}

impl<E> Schedule<E> for Simulation<E> {
    fn schedule_at(&mut self, time: SimTime, event: E) -> EventHandle {
        Simulation::schedule_at(self, time, event)
    }
}

/// Asks a running simulation to stop from another thread (e.g. on Ctrl-C).
/// The loop notices within a few thousand events.
#[derive(Debug, Clone, Default)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    /// Requests the stop.
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A snapshot handed to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Simulated time reached.
    pub now: SimTime,
    /// Events run so far (commands from outside included).
    pub events_run: u64,
    /// Events still pending.
    pub pending: usize,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The horizon was reached; events after it are still pending.
    Horizon,
    /// Nothing was left to do: the calendar was empty and no outside input
    /// could arrive.
    Exhausted,
    /// A handler, a [`StopHandle`] or the clock asked to stop.
    Stopped,
}

/// The outcome of [`Simulation::run`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSummary {
    /// Why the run ended.
    pub reason: StopReason,
    /// Simulated time at the end.
    pub now: SimTime,
    /// Events run during this call.
    pub events_run: u64,
    /// Wall-clock seconds this call took.
    pub wall_secs: f64,
}

/// How many events run between two clearings of bevy's change trackers.
const TRACKERS_CLEARED_EVERY: u64 = 4096;

/// A model's world, its calendar and the current time.
///
/// See the crate guide for a complete example.
#[derive(Debug)]
pub struct Simulation<E> {
    world: World,
    calendar: Calendar<E>,
    now: SimTime,
    events_run: u64,
    stop: StopHandle,
}

impl<E> Simulation<E> {
    /// A simulation over `world`, at time zero with nothing scheduled.
    #[must_use]
    pub fn new(world: World) -> Self {
        Simulation {
            world,
            calendar: Calendar::new(),
            now: SimTime::ZERO,
            events_run: 0,
            stop: StopHandle::default(),
        }
    }

    /// The ECS world.
    #[must_use]
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The ECS world, mutably (to set up a model or read results).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The current simulated time.
    #[must_use]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events run since the simulation was created.
    #[must_use]
    pub fn events_run(&self) -> u64 {
        self.events_run
    }

    /// Events pending.
    #[must_use]
    pub fn pending(&self) -> usize {
        self.calendar.len()
    }

    /// A handle that stops the run from elsewhere.
    #[must_use]
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Schedules an event from outside the loop (initial events of a model).
    pub fn schedule_at(&mut self, time: SimTime, event: E) -> EventHandle {
        self.calendar.schedule(time.max(self.now), event)
    }

    /// Runs events until `horizon` (inclusive; `None` for no horizon), until
    /// nothing is left to do, or until asked to stop.
    pub fn run<K, H>(&mut self, clock: &mut K, horizon: Option<SimTime>, handler: H) -> RunSummary
    where
        K: Clock<E>,
        H: FnMut(&mut World, &mut Scheduler<'_, E>, E),
    {
        self.run_with_progress(clock, horizon, handler, |_| {})
    }

    /// [`Simulation::run`], calling `progress` every few thousand events and
    /// once at the end.
    pub fn run_with_progress<K, H, P>(
        &mut self,
        clock: &mut K,
        horizon: Option<SimTime>,
        mut handler: H,
        mut progress: P,
    ) -> RunSummary
    where
        K: Clock<E>,
        H: FnMut(&mut World, &mut Scheduler<'_, E>, E),
        P: FnMut(Progress),
    {
        let started = Instant::now();
        let first_event = self.events_run;
        let mut stop_requested = false;
        let reason = loop {
            if self.events_run.is_multiple_of(PROGRESS_EVERY) && self.events_run > first_event {
                progress(self.progress());
                if self.stop.is_stopped() {
                    break StopReason::Stopped;
                }
            }
            let next = self.calendar.peek_time();
            let deadline = match (next, horizon) {
                (Some(t), Some(h)) => Some(t.min(h)),
                (Some(t), None) => Some(t),
                (None, h) => h,
            };
            let (at, event) = match clock.synchronize(self.now, deadline) {
                Wake::Due => match next {
                    Some(t) if horizon.is_none_or(|h| t <= h) => {
                        self.calendar.pop().expect("peeked an event")
                    }
                    _ => {
                        if let Some(h) = horizon {
                            self.now = self.now.max(h);
                        }
                        break StopReason::Horizon;
                    }
                },
                Wake::Command { at, command } => (at, command),
                Wake::Idle => break StopReason::Exhausted,
                Wake::Stop => break StopReason::Stopped,
            };
            self.now = at;
            self.events_run += 1;
            let mut scheduler = Scheduler {
                now: at,
                calendar: &mut self.calendar,
                stop: &mut stop_requested,
            };
            handler(&mut self.world, &mut scheduler, event);
            self.world.flush();
            if self.events_run.is_multiple_of(TRACKERS_CLEARED_EVERY) {
                // bevy records every resource a handler takes out of the
                // world and puts back (`resource_scope`) as a removed
                // component, until trackers are cleared: without this a
                // long run grows by about 20 MB a day of mid-dc.
                self.world.clear_trackers();
            }
            if stop_requested {
                break StopReason::Stopped;
            }
        };
        progress(self.progress());
        RunSummary {
            reason,
            now: self.now,
            events_run: self.events_run - first_event,
            wall_secs: started.elapsed().as_secs_f64(),
        }
    }

    fn progress(&self) -> Progress {
        Progress {
            now: self.now,
            events_run: self.events_run,
            pending: self.calendar.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{VirtualClock, WallClock};
    use bevy_ecs::prelude::*;

    #[derive(Resource, Default)]
    struct Trace(Vec<(u64, &'static str)>);

    fn record(world: &mut World, s: &mut Scheduler<'_, &'static str>, e: &'static str) {
        world
            .resource_mut::<Trace>()
            .0
            .push((s.now().as_millis(), e));
        if e == "spawn" {
            s.schedule_in(SimDuration::from_millis(5), "child");
        }
        if e == "halt" {
            s.stop();
        }
    }

    fn sim() -> Simulation<&'static str> {
        let mut world = World::new();
        world.init_resource::<Trace>();
        Simulation::new(world)
    }

    #[test]
    fn runs_in_time_order_and_stops_at_the_horizon() {
        let mut sim = sim();
        sim.schedule_at(SimTime::from_millis(10), "spawn");
        sim.schedule_at(SimTime::from_millis(12), "b");
        sim.schedule_at(SimTime::from_millis(100), "after horizon");
        let summary = sim.run(&mut VirtualClock, Some(SimTime::from_millis(50)), record);
        assert_eq!(summary.reason, StopReason::Horizon);
        assert_eq!(summary.now, SimTime::from_millis(50));
        assert_eq!(summary.events_run, 3);
        assert_eq!(
            sim.world().resource::<Trace>().0,
            vec![(10, "spawn"), (12, "b"), (15, "child")]
        );
        assert_eq!(sim.pending(), 1);
        // Resuming runs the rest.
        let summary = sim.run(&mut VirtualClock, None, record);
        assert_eq!(summary.reason, StopReason::Exhausted);
        assert_eq!(summary.now, SimTime::from_millis(100));
    }

    #[test]
    fn a_handler_can_stop_the_run() {
        let mut sim = sim();
        sim.schedule_at(SimTime::from_millis(1), "halt");
        sim.schedule_at(SimTime::from_millis(2), "never");
        let summary = sim.run(&mut VirtualClock, None, record);
        assert_eq!(summary.reason, StopReason::Stopped);
        assert_eq!(sim.world().resource::<Trace>().0, vec![(1, "halt")]);
    }

    #[test]
    fn a_stop_handle_stops_a_long_run() {
        let mut sim = sim();
        sim.schedule_at(SimTime::ZERO, "tick");
        let stop = sim.stop_handle();
        let summary = sim.run(&mut VirtualClock, None, |_, s, e| {
            if s.now() == SimTime::from_millis(100_000) {
                stop.stop();
            }
            s.schedule_in(SimDuration::from_millis(1), e);
        });
        assert_eq!(summary.reason, StopReason::Stopped);
        assert!(summary.events_run < 100_001 + PROGRESS_EVERY);
    }

    #[test]
    fn progress_is_reported_with_the_final_state() {
        let mut sim = sim();
        for i in 0..40_000 {
            sim.schedule_at(SimTime::from_millis(i), "x");
        }
        let mut seen = Vec::new();
        sim.run_with_progress(&mut VirtualClock, None, |_, _, _| {}, |p| seen.push(p));
        assert_eq!(seen.len(), 3, "two periodic reports and the final one");
        assert_eq!(
            seen.last(),
            Some(&Progress {
                now: SimTime::from_millis(39_999),
                events_run: 40_000,
                pending: 0
            })
        );
    }

    #[test]
    fn observer_commands_apply_before_the_next_event() {
        #[derive(Event)]
        struct Spawned;
        #[derive(Component)]
        struct Marker;

        let mut world = World::new();
        world.add_observer(|_: On<Spawned>, mut commands: Commands| {
            commands.spawn(Marker);
        });
        let mut sim = Simulation::new(world);
        sim.schedule_at(SimTime::ZERO, 0u8);
        sim.schedule_at(SimTime::ZERO, 1u8);
        let mut counts = Vec::new();
        sim.run(&mut VirtualClock, None, |world, _, e| {
            counts.push(world.query::<&Marker>().iter(world).count());
            if e == 0 {
                world.trigger(Spawned);
            }
        });
        assert_eq!(counts, vec![0, 1]);
    }

    #[test]
    fn wall_clock_runs_an_external_command_before_a_later_event() {
        let mut sim = sim();
        sim.schedule_at(SimTime::from_millis(60_000), "timer");
        let (mut clock, tx) = WallClock::new(SimTime::ZERO, 1.0).unwrap();
        let feeder = std::thread::spawn(move || {
            tx.send("command").unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
            tx.stop();
        });
        let summary = sim.run(&mut clock, None, record);
        feeder.join().unwrap();
        assert_eq!(summary.reason, StopReason::Stopped);
        let trace = &sim.world().resource::<Trace>().0;
        assert_eq!(
            trace.len(),
            1,
            "the timer, a minute away, has not run: {trace:?}"
        );
        assert_eq!(trace[0].1, "command");
        assert!(trace[0].0 < 60_000);
    }

    #[test]
    fn wall_clock_honours_the_speed_factor() {
        for speed in [10.0, 60.0] {
            let mut sim = sim();
            // 3 simulated seconds: 300 ms of wall time at 10×, 50 ms at 60×.
            sim.schedule_at(SimTime::from_millis(3_000), "due");
            let (mut clock, _tx) = WallClock::new(SimTime::ZERO, speed).unwrap();
            let started = Instant::now();
            let summary = sim.run(&mut clock, Some(SimTime::from_millis(3_000)), record);
            let wall = started.elapsed().as_secs_f64();
            let expected = 3.0 / speed;
            assert_eq!(summary.events_run, 1);
            assert!(
                wall >= expected,
                "at {speed}× ran after {wall}s, due at {expected}s"
            );
            assert!(
                wall < expected + 0.25,
                "at {speed}× ran after {wall}s, due at {expected}s"
            );
        }
    }
}
