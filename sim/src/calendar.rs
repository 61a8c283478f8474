//! The event calendar: pending events ordered by `(time, insertion sequence)`.
//!
//! Ties run in the order they were scheduled, so a run never depends on how a
//! heap happens to break them. Events can be cancelled by the
//! [`EventHandle`] that [`Calendar::schedule`] returned.
//!
//! Storage is a 4-ary heap of packed 16-byte keys plus a slab of payloads
//! whose slots are recycled through a free list: once the calendar has grown
//! to its working size, scheduling and popping allocate nothing.

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

/// Bits of a key given to the time (ms): about 8 900 years.
const TIME_BITS: u32 = 48;
/// Bits given to the insertion sequence: 2.8 × 10¹⁴ events per calendar.
const SEQ_BITS: u32 = 48;
/// The latest time a calendar can hold; later times are clamped to it.
const LAST_TIME: u64 = (1 << TIME_BITS) - 1;
const SEQ_LIMIT: u64 = 1 << SEQ_BITS;

/// The heap key, packed into one `u128` so that a comparison is a single
/// branch-free integer compare: time (48 bits), then insertion sequence (48
/// bits), then the payload's slot (32 bits, never decisive because sequence
/// numbers are unique).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key(u128);

impl Key {
    #[inline]
    fn new(time: SimTime, seq: u64, slot: u32) -> Self {
        let time = time.as_millis().min(LAST_TIME);
        Key((u128::from(time) << (128 - TIME_BITS)) | (u128::from(seq) << 32) | u128::from(slot))
    }

    #[inline]
    fn time(self) -> SimTime {
        SimTime::from_millis((self.0 >> (128 - TIME_BITS)) as u64)
    }

    #[inline]
    fn seq(self) -> u64 {
        ((self.0 >> 32) as u64) & (SEQ_LIMIT - 1)
    }

    #[inline]
    fn slot(self) -> usize {
        self.0 as u32 as usize
    }
}

/// A 4-ary min-heap of packed keys.
///
/// Against a binary heap it halves the depth, and its four children share
/// one cache line, so a pop is a short chain of dependent loads; the winner
/// of each four-way tournament is picked with selects rather than branches,
/// which random keys would mispredict.
///
/// A pop is lazy: it hands out the top key and leaves it in place, marked
/// stale. The next push usually comes from the handler of the event just
/// popped, and it simply takes the stale key's place and sinks from the root
/// (one walk down instead of a walk down for the pop and a climb for the
/// push). Only a peek or pop that finds the top stale removes it for real.
#[derive(Debug, Default)]
struct QuadHeap {
    keys: Vec<Key>,
    stale_top: bool,
}

impl QuadHeap {
    fn with_capacity(n: usize) -> Self {
        QuadHeap {
            keys: Vec::with_capacity(n),
            stale_top: false,
        }
    }

    fn len(&self) -> usize {
        self.keys.len() - usize::from(self.stale_top)
    }

    #[inline]
    fn peek(&mut self) -> Option<Key> {
        self.settle();
        self.keys.first().copied()
    }

    #[inline]
    fn push(&mut self, key: Key) {
        if self.stale_top {
            self.stale_top = false;
            self.sink_from_root(key);
        } else {
            let hole = self.keys.len();
            self.keys.push(key);
            self.sift_up(hole, key);
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<Key> {
        self.settle();
        let top = *self.keys.first()?;
        self.stale_top = true;
        Some(top)
    }

    /// Removes a stale top for real.
    #[inline]
    fn settle(&mut self) {
        if self.stale_top {
            self.stale_top = false;
            let last = self.keys.pop().expect("a stale top is a key");
            if !self.keys.is_empty() {
                self.sink_from_root(last);
            }
        }
    }

    /// Puts `key` in place of the root: walks the hole down along the
    /// smallest children to a leaf, then lets `key` rise from there (it
    /// usually belongs near the bottom).
    #[inline]
    fn sink_from_root(&mut self, key: Key) {
        let n = self.keys.len();
        let mut hole = 0;
        loop {
            let first = 4 * hole + 1;
            if first + 4 > n {
                break;
            }
            let k = &self.keys[first..first + 4];
            let (k0, k1, k2, k3) = (k[0].0, k[1].0, k[2].0, k[3].0);
            let (m01, i01) = if k1 < k0 { (k1, 1) } else { (k0, 0) };
            let (m23, i23) = if k3 < k2 { (k3, 3) } else { (k2, 2) };
            let (min, i) = if m23 < m01 { (m23, i23) } else { (m01, i01) };
            self.keys[hole] = Key(min);
            hole = first + i;
        }
        // At most one node has fewer than four children.
        let first = 4 * hole + 1;
        if first < n {
            let min = (first..n)
                .min_by_key(|&c| self.keys[c].0)
                .expect("non-empty range");
            self.keys[hole] = self.keys[min];
            hole = min;
        }
        self.sift_up(hole, key);
    }

    #[inline]
    fn sift_up(&mut self, mut hole: usize, key: Key) {
        while hole > 0 {
            let parent = (hole - 1) / 4;
            let p = self.keys[parent];
            if p.0 <= key.0 {
                break;
            }
            self.keys[hole] = p;
            hole = parent;
        }
        self.keys[hole] = key;
    }

    fn retain(&mut self, mut keep: impl FnMut(Key) -> bool) {
        self.settle();
        self.keys.retain(|k| keep(*k));
        // A sorted array is a valid heap.
        self.keys.sort_unstable_by_key(|k| k.0);
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
    heap: QuadHeap,
    slots: Vec<Slot<E>>,
    free: Vec<u32>,
    next_seq: u64,
    live: usize,
    /// Time of the last event popped: the calendar never runs backwards.
    popped: SimTime,
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
            heap: QuadHeap::with_capacity(n),
            slots: Vec::with_capacity(n),
            free: Vec::with_capacity(n),
            next_seq: 0,
            live: 0,
            popped: SimTime::ZERO,
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
    /// the same time. A time before that of the last event popped is moved up
    /// to it (the calendar never runs backwards); times beyond about 8 900
    /// years are clamped to that limit, which no run reaches.
    ///
    /// # Panics
    /// If more than `u32::MAX` events are pending at once, or after 2⁴⁸
    /// events have been scheduled on one calendar (over 100 days of
    /// back-to-back scheduling at full speed).
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) -> EventHandle {
        let time = time.max(self.popped);
        let seq = self.next_seq;
        assert!(seq < SEQ_LIMIT, "calendar sequence numbers exhausted");
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                let s = &mut self.slots[slot as usize];
                s.seq = seq;
                s.event = Some(event);
                slot
            }
            None => {
                let slot =
                    u32::try_from(self.slots.len()).expect("more than u32::MAX pending events");
                self.slots.push(Slot {
                    seq,
                    event: Some(event),
                });
                slot
            }
        };
        self.heap.push(Key::new(time, seq, slot));
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
    #[inline]
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.skip_dead();
        self.heap.peek().map(Key::time)
    }

    /// Removes and returns the next event with its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        while let Some(key) = self.heap.pop() {
            let slot = &mut self.slots[key.slot()];
            if slot.seq == key.seq()
                && let Some(event) = slot.event.take()
            {
                self.free.push(key.slot() as u32);
                self.live -= 1;
                self.popped = key.time();
                return Some((self.popped, event));
            }
        }
        None
    }

    #[inline]
    fn is_live(&self, key: Key) -> bool {
        let slot = &self.slots[key.slot()];
        slot.seq == key.seq() && slot.event.is_some()
    }

    #[inline]
    fn skip_dead(&mut self) {
        while let Some(key) = self.heap.peek() {
            if self.is_live(key) {
                return;
            }
            self.heap.pop();
        }
    }

    fn compact(&mut self) {
        let slots = &self.slots;
        self.heap.retain(|k| {
            let slot = &slots[k.slot()];
            slot.seq == k.seq() && slot.event.is_some()
        });
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
    fn an_event_scheduled_after_a_peek_but_before_the_peeked_one_runs_first() {
        let mut cal = Calendar::new();
        cal.schedule(t(1), "first");
        cal.schedule(t(100), "far");
        cal.schedule(t(200), "farther");
        assert_eq!(cal.pop(), Some((t(1), "first")));
        assert_eq!(cal.peek_time(), Some(t(100)));
        // A command arrives at t = 50 while the loop waits for t = 100.
        cal.schedule(t(50), "command");
        cal.schedule(t(0), "late, clamped to the last pop");
        assert_eq!(
            drain(&mut cal),
            vec![
                (1, "late, clamped to the last pop"),
                (50, "command"),
                (100, "far"),
                (200, "farther")
            ]
        );
    }

    #[test]
    fn matches_a_sorted_reference_on_random_interleavings() {
        use rand::Rng;
        let mut rng = crate::RngStreams::new(3).stream("calendar-test");
        let mut cal = Calendar::new();
        let mut reference: Vec<(u64, u64)> = Vec::new(); // (time, id), in insertion order
        let mut now = 0;
        let mut handles = Vec::new();
        for id in 0..20_000u64 {
            match rng.next_u32() % 8 {
                0..=3 => {
                    let time = now + u64::from(rng.next_u32() % 50);
                    handles.push((cal.schedule(t(time), id), time, id));
                    reference.push((time, id));
                }
                4 if !handles.is_empty() => {
                    let (h, time, id) =
                        handles.swap_remove(rng.next_u32() as usize % handles.len());
                    let pending = reference.iter().position(|&e| e == (time, id));
                    assert_eq!(cal.cancel(h).is_some(), pending.is_some());
                    if let Some(i) = pending {
                        reference.remove(i);
                    }
                }
                5 => {
                    let _ = cal.peek_time();
                }
                _ => {
                    // The reference pops the earliest time, first inserted.
                    let expected = reference
                        .iter()
                        .enumerate()
                        .min_by_key(|(i, e)| (e.0, *i))
                        .map(|(i, _)| i);
                    let got = cal.pop();
                    match expected {
                        Some(i) => {
                            let (time, id) = reference.remove(i);
                            assert_eq!(got, Some((t(time), id)));
                            now = time;
                        }
                        None => assert_eq!(got, None),
                    }
                }
            }
            assert_eq!(cal.len(), reference.len());
        }
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
