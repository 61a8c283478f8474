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
///
/// A simulation keeps the whole log (its reports are made from it). A live
/// site forgets the oldest events once every sink has them
/// ([`forget_before`](Self::forget_before)), so that its memory does not grow
/// however long it runs; sequence numbers go on regardless.
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub struct EventBus {
    log: Vec<Recorded>,
    /// The sequence number of `log[0]`: the events before it are forgotten.
    first: u64,
}

impl EventBus {
    /// Records `event` at `at`.
    pub fn publish(&mut self, at: SimTime, event: DomainEvent) {
        let seq = self.first + self.log.len() as u64;
        self.log.push(Recorded { seq, at, event });
    }

    /// The log kept: the whole log, unless older events were forgotten.
    #[must_use]
    pub fn log(&self) -> &[Recorded] {
        &self.log
    }

    /// Events from sequence number `from` on (what a subscriber has not
    /// seen yet); those of them forgotten are left out.
    #[must_use]
    pub fn since(&self, from: usize) -> &[Recorded] {
        let from = (from as u64).saturating_sub(self.first) as usize;
        self.log.get(from..).unwrap_or(&[])
    }

    /// Number of events recorded, forgotten ones included: the next
    /// event's sequence number.
    #[must_use]
    pub fn len(&self) -> usize {
        (self.first as usize) + self.log.len()
    }

    /// Whether nothing has been recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sequence number of the oldest event kept.
    #[must_use]
    pub fn first_kept(&self) -> u64 {
        self.first
    }

    /// Forgets the events before sequence number `seq` (at most all).
    pub fn forget_before(&mut self, seq: u64) {
        let n = (seq.saturating_sub(self.first) as usize).min(self.log.len());
        if n > 0 {
            self.log.drain(..n);
            self.first += n as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgetting_keeps_sequence_numbers_and_what_comes_after() {
        let mut bus = EventBus::default();
        let tick = |n: u64| DomainEvent::ConveyorCleared {
            segment: crate::ids::SegmentId(0),
            blocked_ms: n,
        };
        for n in 0..10 {
            bus.publish(SimTime::from_millis(n), tick(n));
        }
        bus.forget_before(4);
        assert_eq!((bus.len(), bus.first_kept(), bus.log().len()), (10, 4, 6));
        assert_eq!(bus.since(2).first().map(|r| r.seq), Some(4));
        assert_eq!(bus.since(7).first().map(|r| r.seq), Some(7));
        assert!(bus.since(10).is_empty());
        bus.forget_before(2); // already gone
        assert_eq!(bus.first_kept(), 4);
        bus.publish(SimTime::from_millis(10), tick(10));
        assert_eq!(bus.log().last().map(|r| r.seq), Some(10));
        bus.forget_before(100);
        assert_eq!((bus.len(), bus.first_kept(), bus.log().len()), (11, 11, 0));
    }
}
