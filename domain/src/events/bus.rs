//! The one bus every domain event goes through, and the run's log.

use paklog_sim::SimTime;

use super::DomainEvent;

/// An event as the bus recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// Position in the log, from 0.
    pub seq: u64,
    /// When it happened.
    pub at: SimTime,
    /// What happened.
    pub event: DomainEvent,
}

/// The one bus every domain event goes through, with the run's log.
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub struct EventBus {
    log: Vec<Recorded>,
}

impl EventBus {
    /// Records `event` at `at`.
    pub fn publish(&mut self, at: SimTime, event: DomainEvent) {
        let seq = self.log.len() as u64;
        self.log.push(Recorded { seq, at, event });
    }

    /// The whole log.
    #[must_use]
    pub fn log(&self) -> &[Recorded] {
        &self.log
    }

    /// Events from position `from` on (what a subscriber has not seen yet).
    #[must_use]
    pub fn since(&self, from: usize) -> &[Recorded] {
        self.log.get(from..).unwrap_or(&[])
    }

    /// Number of events recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// Whether nothing has been recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }
}
