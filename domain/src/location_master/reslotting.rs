//! A slotting applied live: each move of a pick face's item to another
//! location becomes a RESLOT task — take the face's units out, carry them,
//! put them in the new face — started when its target is free. Chains of
//! moves start from their free end; a cycle (A's item to B, B's to A)
//! passes one item through a free face. The face changes hands when its
//! units are taken out: open pick lines there follow them, and picks wait
//! for the units as they wait for a replenishment.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use paklog_sim::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

use crate::commands::{CommandError, Reply};
use crate::events::{DomainEvent, Priority};
use crate::ids::{LocationId, TaskId};
use crate::location_master::LocationKind;
use crate::site::Site;
use crate::task_execution::{Task, TaskKind, TaskStatus};

/// One move of a slotting: the item of pick face `from` goes to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceMove {
    /// The face whose item moves.
    pub from: LocationId,
    /// Where it goes.
    pub to: LocationId,
}

/// Re-slotting under way: moves waiting for their turn, in the order they
/// may run, and the locations an open RESLOT task is moving.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reslotting {
    pub(crate) queue: VecDeque<FaceMove>,
    pub(crate) moving: BTreeSet<LocationId>,
}

/// How long a RESLOT task may wait behind picking before it is due.
const RESLOT_DUE: SimDuration = SimDuration::from_secs(8 * 3600);

/// The order in which `moves` can run one face at a time: a move runs
/// once its target is empty, so each chain runs from its free end; a cycle
/// first takes one item to a free face from `free` (given the face it
/// leaves), then runs the rest, then brings that item to its target.
/// `occupied` says whether a location holds an item now.
///
/// # Errors
/// The index of a move whose target holds an item that no move takes away
/// (with the item's face), or of a move in a cycle no free face can break.
pub fn sequence(
    moves: &[FaceMove],
    occupied: impl Fn(LocationId) -> bool,
    mut free: impl FnMut(LocationId) -> Option<LocationId>,
) -> Result<Vec<FaceMove>, (usize, SequenceError)> {
    let by_from: HashMap<LocationId, usize> =
        moves.iter().enumerate().map(|(i, m)| (m.from, i)).collect();
    let by_to: HashMap<LocationId, usize> =
        moves.iter().enumerate().map(|(i, m)| (m.to, i)).collect();
    for (i, m) in moves.iter().enumerate() {
        if occupied(m.to) && !by_from.contains_key(&m.to) {
            return Err((i, SequenceError::TargetHeld));
        }
    }
    let mut done = vec![false; moves.len()];
    let mut out = Vec::with_capacity(moves.len());
    // Each vacated face is filled by the move whose target it is.
    let run_back = |mut k: usize, done: &mut Vec<bool>, out: &mut Vec<FaceMove>, stop: usize| {
        loop {
            out.push(moves[k]);
            done[k] = true;
            match by_to.get(&moves[k].from) {
                Some(&p) if !done[p] && p != stop => k = p,
                _ => break,
            }
        }
    };
    for (i, m) in moves.iter().enumerate() {
        if !by_from.contains_key(&m.to) {
            run_back(i, &mut done, &mut out, usize::MAX);
        }
    }
    for i in 0..moves.len() {
        if done[i] {
            continue;
        }
        let Some(hop) = free(moves[i].from) else {
            return Err((i, SequenceError::CycleWithoutRoom));
        };
        out.push(FaceMove {
            from: moves[i].from,
            to: hop,
        });
        done[i] = true;
        if let Some(&k) = by_to.get(&moves[i].from)
            && !done[k]
        {
            run_back(k, &mut done, &mut out, i);
        }
        out.push(FaceMove {
            from: hop,
            to: moves[i].to,
        });
    }
    Ok(out)
}

/// Why a set of moves cannot be sequenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceError {
    /// The target holds an item no move takes away.
    TargetHeld,
    /// The move is in a cycle and no free face can take an item meanwhile.
    CycleWithoutRoom,
}

impl Site<'_, '_> {
    /// Checks a slotting's moves, queues them in an order that can run,
    /// and starts what can start now.
    pub(crate) fn reslot_faces(
        &mut self,
        now: SimTime,
        moves: &[FaceMove],
    ) -> Result<Reply, CommandError> {
        if moves.is_empty() {
            return Err(CommandError::NoMoves);
        }
        let bad = |index, field, why: String| CommandError::BadMove { index, field, why };
        let (mut froms, mut tos) = (HashSet::new(), HashSet::new());
        for (i, m) in moves.iter().enumerate() {
            for (field, id) in [("from", m.from), ("to", m.to)] {
                if id.index() >= self.master.locations.len() {
                    return Err(bad(i, field, format!("no location {id}")));
                }
            }
            let (from, to) = (self.master.get(m.from), self.master.get(m.to));
            let Some(sku) = from.sku.filter(|_| from.kind == LocationKind::Pick) else {
                return Err(bad(i, "from", format!("{} is not a pick face", from.code)));
            };
            let item = &self.config.skus[sku.index()];
            let units = self.inventory.location(m.from).on_hand;
            let why_not = if m.from == m.to {
                Some("is the face it leaves".to_owned())
            } else if to.kind != LocationKind::Pick {
                Some(format!(
                    "{} is a {} location, not a pick location",
                    to.code,
                    to.kind.name()
                ))
            } else if !to.active {
                Some(format!("{} is out of use", to.code))
            } else if !self.inventory.location(m.to).usable() {
                Some(format!("{} is blocked or waits for a count", to.code))
            } else if !to.permits(&item.restrictions) {
                Some(format!(
                    "{} does not permit {} (needs {})",
                    to.code,
                    item.code,
                    item.restrictions.join(", ")
                ))
            } else if to.capacity.most_units(item.volume_l, item.weight_kg) < units {
                Some(format!(
                    "{} holds at most {} units of {}, and {} has {units}",
                    to.code,
                    to.capacity.most_units(item.volume_l, item.weight_kg),
                    item.code,
                    from.code
                ))
            } else {
                None
            };
            if let Some(why) = why_not {
                return Err(bad(i, "to", why));
            }
            if self.inventory.location(m.from).blocked || !self.master.get(m.from).active {
                return Err(bad(
                    i,
                    "from",
                    format!("{} is blocked or out of use", from.code),
                ));
            }
            let busy = |l| {
                self.master.reslotting.moving.contains(&l)
                    || self
                        .master
                        .reslotting
                        .queue
                        .iter()
                        .any(|q| q.from == l || q.to == l)
            };
            for (field, id) in [("from", m.from), ("to", m.to)] {
                if busy(id) {
                    let code = &self.master.get(id).code;
                    return Err(CommandError::MoveInProgress {
                        index: i,
                        field,
                        code: code.clone(),
                    });
                }
            }
            if !froms.insert(m.from) {
                return Err(bad(i, "from", format!("{} moves twice", from.code)));
            }
            if !tos.insert(m.to) {
                return Err(bad(
                    i,
                    "to",
                    format!("{} is the target of two moves", to.code),
                ));
            }
        }
        let master = &self.master;
        let inventory = &self.inventory;
        let skus = &self.config.skus;
        let mut lent = HashSet::new();
        let sequenced = sequence(
            moves,
            |l| master.get(l).sku.is_some(),
            |from| {
                let sku = master.get(from).sku?;
                let item = &skus[sku.index()];
                let units = inventory.location(from).on_hand;
                let at = master.get(from).point;
                master
                    .locations
                    .iter()
                    .filter(|l| {
                        l.kind == LocationKind::Pick
                            && l.active
                            && l.sku.is_none()
                            && !tos.contains(&l.id)
                            && !lent.contains(&l.id)
                            && inventory.location(l.id).usable()
                            && l.permits(&item.restrictions)
                            && l.capacity.most_units(item.volume_l, item.weight_kg) >= units
                    })
                    .min_by(|a, b| {
                        master
                            .distance(at, a.point)
                            .total_cmp(&master.distance(at, b.point))
                            .then(a.id.cmp(&b.id))
                    })
                    .map(|l| {
                        lent.insert(l.id);
                        l.id
                    })
            },
        );
        let sequenced = match sequenced {
            Ok(s) => s,
            Err((i, SequenceError::TargetHeld)) => {
                let to = self.master.get(moves[i].to);
                let held = self.config.skus[to.sku.expect("held").index()].code.clone();
                return Err(bad(
                    i,
                    "to",
                    format!("{} holds {held}, and no move takes it away", to.code),
                ));
            }
            Err((i, SequenceError::CycleWithoutRoom)) => {
                return Err(bad(
                    i,
                    "to",
                    "is in a cycle of moves, and no free pick face can hold the item meanwhile"
                        .into(),
                ));
            }
        };
        let hops = (sequenced.len() - moves.len()) as u32;
        self.master.reslotting.queue.extend(sequenced);
        let started = self.start_reslots(now);
        self.dispatch(now);
        Ok(Reply::Reslotting {
            moves: moves.len() as u32,
            hops,
            started,
        })
    }

    /// Opens a RESLOT task for each queued move whose target is free and
    /// whose locations no earlier move waits on. Returns how many opened.
    pub(crate) fn start_reslots(&mut self, now: SimTime) -> u32 {
        let mut seen = HashSet::new();
        let mut ready = Vec::new();
        for (i, m) in self.master.reslotting.queue.iter().enumerate() {
            let free = !self.master.reslotting.moving.contains(&m.from)
                && !self.master.reslotting.moving.contains(&m.to)
                && !seen.contains(&m.from)
                && !seen.contains(&m.to)
                && self.master.get(m.to).sku.is_none();
            if free {
                ready.push(i);
            }
            seen.insert(m.from);
            seen.insert(m.to);
        }
        for &i in ready.iter().rev() {
            let m = self
                .master
                .reslotting
                .queue
                .remove(i)
                .expect("index in queue");
            self.master.reslotting.moving.extend([m.from, m.to]);
            let sku = self
                .master
                .get(m.from)
                .sku
                .expect("a queued move leaves a face");
            let units = self.inventory.location(m.from).on_hand;
            let task = self.stock_task(
                now,
                TaskKind::Reslot,
                sku,
                m.from,
                units,
                (Priority::Standard, now + RESLOT_DUE),
            );
            let first = self.tasks.get(task).lines[0].clone();
            self.append_stops(task, &first, &[(m.to, units)]);
        }
        ready.len() as u32
    }

    /// Stop `line` of a RESLOT task confirmed with `quantity` units: taken
    /// out of the face it leaves (the face changes hands), or put in the
    /// new one. Returns the units on hand at the stop.
    pub(crate) fn confirm_reslot_stop(
        &mut self,
        now: SimTime,
        task: TaskId,
        line: usize,
        quantity: u32,
    ) -> Result<u32, CommandError> {
        let t = self.tasks.get(task);
        let (from, to) = (t.lines[0].location, t.lines[1].location);
        let sku = t.lines[0].sku;
        if line == 1 {
            if t.lines[0].picked.is_none() {
                return Err(CommandError::StopsOpen { task, open: 1 });
            }
            let expected = t.lines[1].quantity;
            if quantity > expected {
                return Err(CommandError::TooMany {
                    max: expected,
                    got: quantity,
                });
            }
            return Ok(self
                .inventory
                .complete_replenishment(to, expected, quantity));
        }
        let books = self.inventory.location(from).on_hand;
        if quantity != books {
            self.inventory.adjust(from, quantity);
            let seq = self.emit(
                now,
                DomainEvent::InventoryAdjusted {
                    task,
                    location: from,
                    sku,
                    books,
                    counted: quantity,
                },
            );
            self.tracking.counted(from, sku, books, quantity, seq);
        }
        self.inventory.move_face(from, to, quantity);
        let abc = self.master.get(from).abc;
        let left = &mut self.master.locations[from.index()];
        left.sku = None;
        left.abc = None;
        let new = &mut self.master.locations[to.index()];
        new.sku = Some(sku);
        new.abc = abc;
        self.tasks.get_mut(task).lines[1].quantity = quantity;
        self.follow_face(now, from, to);
        self.emit(
            now,
            DomainEvent::ItemReslotted {
                task,
                sku,
                from,
                to,
                units: quantity,
            },
        );
        Ok(0)
    }

    /// Open pick and replenishment lines at `from` go to `to`, where its
    /// units now go.
    fn follow_face(&mut self, now: SimTime, from: LocationId, to: LocationId) {
        let open: Vec<(TaskId, Vec<usize>)> = self
            .tasks
            .all()
            .filter(|t| matches!(t.kind, TaskKind::Pick | TaskKind::Replenish) && open(t))
            .filter_map(|t| {
                let stops: Vec<usize> = (0..t.lines.len())
                    .filter(|&i| t.lines[i].location == from && t.lines[i].picked.is_none())
                    .collect();
                (!stops.is_empty()).then_some((t.id, stops))
            })
            .collect();
        for (task, stops) in open {
            for &i in &stops {
                self.repoint(task, i, to, None);
            }
            self.emit(
                now,
                DomainEvent::TaskRerouted {
                    task,
                    from,
                    stops: stops.len() as u32,
                    short: 0,
                },
            );
        }
    }

    /// A RESLOT task is done: its locations are free for the next moves.
    pub(crate) fn reslot_done(&mut self, now: SimTime, task: &Task) {
        for l in &task.lines {
            self.master.reslotting.moving.remove(&l.location);
        }
        if self.start_reslots(now) > 0 {
            self.dispatch(now);
        }
    }
}

fn open(t: &Task) -> bool {
    !matches!(t.status, TaskStatus::Completed | TaskStatus::Cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(from: u32, to: u32) -> FaceMove {
        FaceMove {
            from: LocationId(from),
            to: LocationId(to),
        }
    }

    #[test]
    fn chains_run_from_their_free_end_and_cycles_pass_through_a_free_face() {
        // 1 → 2 → 3 (3 empty); 4 ↔ 5; 9 is free.
        let moves = [m(1, 2), m(2, 3), m(4, 5), m(5, 4)];
        let occupied = |l: LocationId| [1, 2, 4, 5].contains(&l.0);
        let order = sequence(&moves, occupied, |_| Some(LocationId(9))).unwrap();
        assert_eq!(order, vec![m(2, 3), m(1, 2), m(4, 9), m(5, 4), m(9, 5)]);
        // Run in order, one face at a time, every target is empty when
        // its move runs, and every item ends where the moves say.
        let mut held: HashMap<u32, u32> = [(1, 1), (2, 2), (4, 4), (5, 5)].into();
        for mv in &order {
            assert!(!held.contains_key(&mv.to.0), "{mv:?} into a held face");
            let item = held.remove(&mv.from.0).unwrap();
            held.insert(mv.to.0, item);
        }
        assert_eq!(held, [(2, 1), (3, 2), (5, 4), (4, 5)].into());
    }

    #[test]
    fn a_held_target_nobody_empties_and_a_cycle_without_room_are_named() {
        let occupied = |l: LocationId| [1, 2].contains(&l.0);
        assert_eq!(
            sequence(&[m(1, 2)], occupied, |_| None),
            Err((0, SequenceError::TargetHeld))
        );
        assert_eq!(
            sequence(&[m(1, 2), m(2, 1)], occupied, |_| None),
            Err((0, SequenceError::CycleWithoutRoom))
        );
    }
}
