//! Events asked for where the [`Scheduler`] cannot reach: in a bevy
//! observer, which borrows only the world. The reaction writes them on an
//! [`Agenda`] (a resource); the handler that triggered it hands them to the
//! scheduler afterwards, in the order they were asked for, so the calendar
//! sees exactly what direct scheduling would have given it.

use bevy_ecs::resource::Resource;

use crate::run::Scheduler;
use crate::time::{SimDuration, SimTime};

/// Events to schedule, in the order asked for, as of `now`.
#[derive(Debug, Resource)]
pub struct Agenda<E: Send + Sync + 'static> {
    now: SimTime,
    events: Vec<(SimTime, E)>,
}

impl<E: Send + Sync + 'static> Agenda<E> {
    /// An empty agenda at `now`.
    #[must_use]
    pub fn new(now: SimTime) -> Self {
        Agenda {
            now,
            events: Vec::new(),
        }
    }

    /// The time of the event being handled.
    #[inline]
    #[must_use]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Asks for `event` at `time`; as [`Scheduler::schedule_at`], a time
    /// in the past is a bug and becomes now in release builds.
    #[inline]
    pub fn schedule_at(&mut self, time: SimTime, event: E) {
        debug_assert!(
            time >= self.now,
            "scheduled at {time}, before now ({})",
            self.now
        );
        self.events.push((time.max(self.now), event));
    }

    /// Asks for `event` after `delay`.
    #[inline]
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) {
        self.events.push((self.now.saturating_add(delay), event));
    }

    /// Schedules what was asked for, in order, and starts over at the
    /// scheduler's time.
    pub fn hand_to(&mut self, sched: &mut Scheduler<'_, E>) {
        for (time, event) in self.events.drain(..) {
            sched.schedule_at(time, event);
        }
        self.now = sched.now();
    }

    /// Starts over at `now`, with nothing asked for yet.
    pub fn restart(&mut self, now: SimTime) {
        debug_assert!(self.events.is_empty(), "events asked for were dropped");
        self.events.clear();
        self.now = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::World;
    use crate::clock::VirtualClock;
    use crate::run::Simulation;

    #[test]
    fn handed_events_run_in_the_order_asked_for_as_if_scheduled_directly() {
        // Two events at one time: the calendar breaks the tie by the order
        // of scheduling, which the agenda keeps.
        let mut sim: Simulation<u32> = Simulation::new(World::new());
        sim.schedule_at(SimTime::ZERO, 0);
        let mut seen = Vec::new();
        sim.run(&mut VirtualClock, None, |_, sched, e| {
            seen.push((sched.now(), e));
            if e == 0 {
                let mut agenda = Agenda::new(sched.now());
                agenda.schedule_in(SimDuration::from_secs(5), 2);
                agenda.schedule_at(SimTime::ZERO + SimDuration::from_secs(5), 3);
                agenda.schedule_at(SimTime::ZERO, 1);
                agenda.hand_to(sched);
            }
        });
        let five = SimTime::ZERO + SimDuration::from_secs(5);
        assert_eq!(
            seen,
            [(SimTime::ZERO, 0), (SimTime::ZERO, 1), (five, 2), (five, 3)]
        );
    }
}
