//! The event calendar: pending events ordered by `(time, insertion sequence)`.
//!
//! Ties run in the order they were scheduled, so a run never depends on how a
//! heap happens to break them. Events can be cancelled by the
//! [`EventHandle`] that [`Calendar::schedule`] returned.
//!
//! Storage is a binary heap of small fixed-size keys plus a slab of payloads
//! whose slots are recycled through a free list: once the calendar has grown
//! to its working size, scheduling and popping allocate nothing.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::SimTime;

/// Identifies one scheduled event, for [`Calendar::cancel`].
///
/// A handle stays valid until its event runs or is cancelled; using it after
/// that is harmless and does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventHandle {
    slot: u32,
    seq: u64,
}

/// The heap key: everything ordering needs, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    time: u64,
    seq: u64,
    slot: u32,
}

impl Ord for Key {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest key.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug)]
struct Slot<E> {
    /// Sequence number of the event that owns (or last owned) this slot.
    seq: u64,
    event: Option<E>,
}

/// A priority queue of future events of type `E`.
///
/// # Example
/// ```
/// use paklog_sim::{Calendar, SimTime};
///
/// let mut cal = Calendar::new();
/// cal.schedule(SimTime::from_millis(20), "late");
/// let early = cal.schedule(SimTime::from_millis(10), "early");
/// cal.schedule(SimTime::from_millis(10), "tie, scheduled second");
/// assert_eq!(cal.cancel(early), Some("early"));
/// assert_eq!(cal.pop(), Some((SimTime::from_millis(10), "tie, scheduled second")));
/// assert_eq!(cal.pop(), Some((SimTime::from_millis(20), "late")));
/// assert_eq!(cal.pop(), None);
/// ```
#[derive(Debug)]
pub struct Calendar<E> {
    heap: BinaryHeap<Key>,
    slots: Vec<Slot<E>>,
    free: Vec<u32>,
    next_seq: u64,
    live: usize,
}

impl<E> Default for Calendar<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Calendar<E> {
    /// An empty calendar.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty calendar with room for `n` pending events before it allocates.
    #[must_use]
    pub fn with_capacity(n: usize) -> Self {
        Calendar {
            heap: BinaryHeap::with_capacity(n),
            slots: Vec::with_capacity(n),
            free: Vec::with_capacity(n),
            next_seq: 0,
            live: 0,
        }
    }

    /// Number of events pending (cancelled ones excluded).
    #[must_use]
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no event is pending.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Schedules `event` at `time`, after every event already scheduled for
    /// the same time.
    ///
    /// # Panics
    /// If more than `u32::MAX` events are pending at once.
    pub fn schedule(&mut self, time: SimTime, event: E) -> EventHandle {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                let s = &mut self.slots[slot as usize];
                s.seq = seq;
                s.event = Some(event);
                slot
            }
            None => {
                let slot = u32::try_from(self.slots.len()).expect("more than u32::MAX pending events");
                self.slots.push(Slot {
                    seq,
                    event: Some(event),
                });
                slot
            }
        };
        self.heap.push(Key {
            time: time.as_millis(),
            seq,
            slot,
        });
        self.live += 1;
        EventHandle { slot, seq }
    }

    /// Removes a pending event and returns it; `None` if it already ran or
    /// was cancelled before.
    pub fn cancel(&mut self, handle: EventHandle) -> Option<E> {
        let slot = self.slots.get_mut(handle.slot as usize)?;
        if slot.seq != handle.seq {
            return None;
        }
        let event = slot.event.take()?;
        self.free.push(handle.slot);
        self.live -= 1;
        // Its heap key stays behind and is skipped when it surfaces; rebuild
        // the heap when such dead keys outnumber the live ones.
        if self.heap.len() > 2 * self.live + 1024 {
            self.compact();
        }
        Some(event)
    }

    /// The time of the next pending event, if any.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.skip_dead();
        self.heap.peek().map(|k| SimTime::from_millis(k.time))
    }

    /// Removes and returns the next event with its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        while let Some(key) = self.heap.pop() {
            let slot = &mut self.slots[key.slot as usize];
            if slot.seq == key.seq
                && let Some(event) = slot.event.take()
            {
                self.free.push(key.slot);
                self.live -= 1;
                return Some((SimTime::from_millis(key.time), event));
            }
        }
        None
    }

    fn is_live(&self, key: &Key) -> bool {
        let slot = &self.slots[key.slot as usize];
        slot.seq == key.seq && slot.event.is_some()
    }

    fn skip_dead(&mut self) {
        while let Some(key) = self.heap.peek() {
            if self.is_live(key) {
                return;
            }
            self.heap.pop();
        }
    }

    fn compact(&mut self) {
        let mut keys = std::mem::take(&mut self.heap).into_vec();
        keys.retain(|k| self.is_live(k));
        self.heap = BinaryHeap::from(keys);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ms: u64) -> SimTime {
        SimTime::from_millis(ms)
    }

    fn drain<E>(cal: &mut Calendar<E>) -> Vec<(u64, E)> {
        std::iter::from_fn(|| cal.pop().map(|(time, e)| (time.as_millis(), e))).collect()
    }

    #[test]
    fn orders_by_time_then_by_insertion() {
        let mut cal = Calendar::new();
        for (time, label) in [(5, "a"), (1, "b"), (5, "c"), (1, "d"), (3, "e"), (5, "f")] {
            cal.schedule(t(time), label);
        }
        assert_eq!(
            drain(&mut cal),
            vec![(1, "b"), (1, "d"), (3, "e"), (5, "a"), (5, "c"), (5, "f")]
        );
    }

    #[test]
    fn many_ties_keep_fifo_order() {
        let mut cal = Calendar::new();
        for i in 0..10_000u32 {
            cal.schedule(t(u64::from(i % 3)), i);
        }
        let out = drain(&mut cal);
        for pair in out.windows(2) {
            let ((t0, a), (t1, b)) = (pair[0], pair[1]);
            assert!(t0 < t1 || (t0 == t1 && a < b), "{pair:?}");
        }
    }

    #[test]
    fn cancel_removes_only_that_event() {
        let mut cal = Calendar::new();
        let a = cal.schedule(t(1), 'a');
        let b = cal.schedule(t(1), 'b');
        cal.schedule(t(2), 'c');
        assert_eq!(cal.cancel(b), Some('b'));
        assert_eq!(cal.len(), 2);
        assert_eq!(cal.cancel(b), None, "a second cancel is a no-op");
        assert_eq!(cal.pop(), Some((t(1), 'a')));
        assert_eq!(cal.cancel(a), None, "an event that ran cannot be cancelled");
        assert_eq!(drain(&mut cal), vec![(2, 'c')]);
    }

    #[test]
    fn stale_handle_does_not_cancel_the_slots_next_owner() {
        let mut cal = Calendar::new();
        let old = cal.schedule(t(1), "old");
        assert_eq!(cal.cancel(old), Some("old"));
        // The freed slot is reused by the next event.
        cal.schedule(t(1), "new");
        assert_eq!(cal.cancel(old), None);
        assert_eq!(drain(&mut cal), vec![(1, "new")]);
    }

    #[test]
    fn peek_skips_cancelled_events() {
        let mut cal = Calendar::new();
        let first = cal.schedule(t(1), ());
        cal.schedule(t(7), ());
        cal.cancel(first);
        assert_eq!(cal.peek_time(), Some(t(7)));
    }

    #[test]
    fn mass_cancellation_compacts_and_keeps_the_rest() {
        let mut cal = Calendar::new();
        let handles: Vec<_> = (0..5_000u64).map(|i| cal.schedule(t(i), i)).collect();
        for h in handles.iter().filter(|h| h.seq % 5 != 0) {
            cal.cancel(*h);
        }
        assert!(cal.heap.len() < 5_000, "dead keys were compacted away");
        let left: Vec<u64> = drain(&mut cal).into_iter().map(|(_, e)| e).collect();
        assert_eq!(left, (0..5_000).step_by(5).collect::<Vec<_>>());
    }

    #[test]
    fn recycles_slots_without_growing() {
        let mut cal = Calendar::with_capacity(16);
        for i in 0..16 {
            cal.schedule(t(i), i);
        }
        for i in 16..10_000 {
            let (time, _) = cal.pop().unwrap();
            cal.schedule(time + crate::SimDuration::from_millis(16), i);
        }
        assert_eq!(cal.slots.len(), 16);
        assert_eq!(cal.len(), 16);
    }
}
