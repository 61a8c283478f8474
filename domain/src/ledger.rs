//! A book of records numbered from 0 in the order they were made (orders,
//! tasks, waves), that a live site can make forget the old, finished ones
//! so that its memory does not grow with its history.
//!
//! The records since the oldest one kept in order sit in a `Vec` (a look-up
//! is an index); an old record that cannot be forgotten yet (an order
//! backordered for days) moves aside into a small map, so that one
//! straggler never holds back everything after it.

use std::collections::BTreeMap;

/// Records numbered from 0, the old finished ones forgettable.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger<T> {
    /// The records from number `first` on.
    recent: Vec<T>,
    /// The number of `recent[0]`.
    first: u32,
    /// Records before `first` not forgotten yet, by number.
    aside: BTreeMap<u32, T>,
}

impl<T> Default for Ledger<T> {
    fn default() -> Self {
        Ledger {
            recent: Vec::new(),
            first: 0,
            aside: BTreeMap::new(),
        }
    }
}

impl<T> Ledger<T> {
    /// Record `n`, unless it was forgotten or is not made yet.
    #[must_use]
    pub fn get(&self, n: u32) -> Option<&T> {
        match n.checked_sub(self.first) {
            Some(i) => self.recent.get(i as usize),
            None => self.aside.get(&n),
        }
    }

    /// Record `n`, mutably.
    pub fn get_mut(&mut self, n: u32) -> Option<&mut T> {
        match n.checked_sub(self.first) {
            Some(i) => self.recent.get_mut(i as usize),
            None => self.aside.get_mut(&n),
        }
    }

    /// The number the next record gets.
    #[must_use]
    pub fn next(&self) -> u32 {
        self.first + self.recent.len() as u32
    }

    /// Adds a record; its number.
    pub fn push(&mut self, record: T) -> u32 {
        self.recent.push(record);
        self.next() - 1
    }

    /// The records kept, by number.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone {
        self.aside.values().chain(&self.recent)
    }

    /// How many records are kept.
    #[must_use]
    pub fn len(&self) -> usize {
        self.aside.len() + self.recent.len()
    }

    /// Whether no record is kept.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets the records `done` says may go, among those `old` says are
    /// old (records are made in time order: the first one not old ends
    /// the search). An old record that may not go yet is set aside.
    /// Returns how many were forgotten.
    pub fn forget(&mut self, old: impl Fn(&T) -> bool, done: impl Fn(&T) -> bool) -> usize {
        let mut forgotten = 0;
        let before: Vec<u32> = self
            .aside
            .iter()
            .filter(|(_, r)| done(r))
            .map(|(&n, _)| n)
            .collect();
        for n in before {
            if self.aside.remove(&n).is_some() {
                forgotten += 1;
            }
        }
        let ended = self.recent.iter().take_while(|r| old(r)).count();
        if ended == 0 {
            return forgotten;
        }
        for (i, r) in self.recent.drain(..ended).enumerate() {
            if done(&r) {
                forgotten += 1;
            } else {
                self.aside.insert(self.first + i as u32, r);
            }
        }
        self.first += ended as u32;
        forgotten
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (made at, finished)
    type Rec = (u32, bool);

    #[test]
    fn old_finished_records_go_and_a_straggler_waits_aside() {
        let mut l: Ledger<Rec> = Ledger::default();
        for (at, done) in [(0, true), (1, false), (2, true), (3, true), (4, false)] {
            l.push((at, done));
        }
        // Records made before 3 are old: 0 and 2 go, 1 waits aside.
        assert_eq!(l.forget(|r| r.0 < 3, |r| r.1), 2);
        assert_eq!((l.get(0), l.get(2)), (None, None));
        assert_eq!(l.get(0), None);
        assert_eq!(l.get(1), Some(&(1, false)));
        assert_eq!(l.get(3), Some(&(3, true)));
        assert_eq!(l.get(5), None);
        assert_eq!(l.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 3, 4]);
        assert_eq!((l.len(), l.next()), (3, 5));
        assert_eq!(l.push((5, false)), 5);
        // The straggler finishes; numbers go on.
        l.get_mut(1).unwrap().1 = true;
        assert_eq!(l.forget(|r| r.0 < 4, |r| r.1), 2);
        assert_eq!((l.get(1), l.get(3)), (None, None));
        assert_eq!(l.iter().map(|r| r.0).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(l.get(4), Some(&(4, false)));
    }
}
