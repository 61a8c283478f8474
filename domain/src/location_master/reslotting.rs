//! A slotting applied live: each move of a pick face's item to another
//! location becomes a RESLOT task — take the face's units out, carry them,
//! put them in the new face — started when its target is free. Chains of
//! moves start from their free end; a cycle (A's item to B, B's to A)
//! passes one item through a free face, or, where the area has none (a
//! full cage), runs as swaps: one task takes two faces' units out and puts
//! each into the other's face. A face changes hands when its units are
//! taken out: open pick lines there follow them, and picks wait for the
//! units as they wait for a replenishment.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use paklog_sim::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

use crate::commands::{CommandError, Reply};
use crate::events::{DomainEvent, Priority};
use crate::ids::{LocationId, SkuId, TaskId};
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

/// One step of a sequenced slotting: a RESLOT task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The item of `from` goes to `to`, which is empty by then.
    Move(FaceMove),
    /// The items of two faces change places (`from` and `to` both hold
    /// one).
    Swap(FaceMove),
}

impl Step {
    fn places(self) -> FaceMove {
        match self {
            Step::Move(m) | Step::Swap(m) => m,
        }
    }
}

/// Re-slotting under way: steps waiting for their turn, in the order they
/// may run, and the locations an open RESLOT task is moving.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reslotting {
    pub(crate) queue: VecDeque<Step>,
    pub(crate) moving: BTreeSet<LocationId>,
}

/// How long a RESLOT task may wait behind picking before it is due.
const RESLOT_DUE: SimDuration = SimDuration::from_secs(8 * 3600);

/// The order in which `moves` can run one face at a time: a move runs
/// once its target is empty, so each chain runs from its free end; a cycle
/// first takes one item to a free face from `free` (given the face it
/// leaves), then runs the rest, then brings that item to its target. A
/// cycle with no free face runs as swaps through its first face, which
/// must take each item of the cycle meanwhile (`holds(place, face)`: the
/// item of `face` may stand in `place`). `occupied` says whether a
/// location holds an item now.
///
/// # Errors
/// The index of a move whose target holds an item that no move takes away,
/// or of a move in a cycle that neither a free face nor swaps can run.
pub fn sequence(
    moves: &[FaceMove],
    occupied: impl Fn(LocationId) -> bool,
    mut free: impl FnMut(LocationId) -> Option<LocationId>,
    holds: impl Fn(LocationId, LocationId) -> bool,
) -> Result<Vec<Step>, (usize, SequenceError)> {
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
    let run_back = |mut k: usize, done: &mut Vec<bool>, out: &mut Vec<Step>, stop: usize| {
        loop {
            out.push(Step::Move(moves[k]));
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
        let pivot = moves[i].from;
        let Some(hop) = free(pivot) else {
            // Swaps through the cycle's first face: it takes each item in
            // turn and hands on the one it held, keeping the last.
            let mut k = i;
            loop {
                done[k] = true;
                let next = moves[k].to;
                if next == pivot {
                    break;
                }
                if !holds(pivot, next) {
                    return Err((i, SequenceError::CycleWithoutRoom));
                }
                out.push(Step::Swap(FaceMove {
                    from: pivot,
                    to: next,
                }));
                k = by_from[&next];
            }
            continue;
        };
        out.push(Step::Move(FaceMove {
            from: pivot,
            to: hop,
        }));
        done[i] = true;
        if let Some(&k) = by_to.get(&pivot)
            && !done[k]
        {
            run_back(k, &mut done, &mut out, i);
        }
        out.push(Step::Move(FaceMove {
            from: hop,
            to: moves[i].to,
        }));
    }
    Ok(out)
}

/// Why a set of moves cannot be sequenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceError {
    /// The target holds an item no move takes away.
    TargetHeld,
    /// The move is in a cycle that no free face can break and whose first
    /// face cannot hold its other items meanwhile.
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
        // Locations an earlier slotting is still moving, or will.
        let r = &self.master.reslotting;
        let busy: HashSet<LocationId> = r
            .moving
            .iter()
            .copied()
            .chain(
                r.queue
                    .iter()
                    .flat_map(|q| [q.places().from, q.places().to]),
            )
            .collect();
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
            for (field, id) in [("from", m.from), ("to", m.to)] {
                if busy.contains(&id) {
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
        let holds = |place: LocationId, face: LocationId| {
            master
                .get(face)
                .sku
                .is_some_and(|sku| master.get(place).permits(&skus[sku.index()].restrictions))
        };
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
                            && !busy.contains(&l.id)
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
            holds,
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
                    "is in a cycle of moves that no free pick face can break, and whose first face cannot hold the others' items meanwhile"
                        .into(),
                ));
            }
        };
        // A hop takes an item to a face no move of the slotting targets.
        let hops = sequenced
            .iter()
            .filter(|s| matches!(s, Step::Move(m) if !tos.contains(&m.to)))
            .count() as u32;
        self.master.reslotting.queue.extend(sequenced);
        let started = self.start_reslots(now);
        self.dispatch(now);
        Ok(Reply::Reslotting {
            moves: moves.len() as u32,
            hops,
            started,
        })
    }

    /// Opens a RESLOT task for each queued step whose target is free (a
    /// swap's is held by design) and whose locations no earlier step waits
    /// on. Returns how many opened.
    pub(crate) fn start_reslots(&mut self, now: SimTime) -> u32 {
        let mut seen = HashSet::new();
        let (mut ready, mut void) = (Vec::new(), Vec::new());
        let r = &self.master.reslotting;
        for (i, step) in r.queue.iter().enumerate() {
            let m = step.places();
            let (moving, held) = (
                |l| r.moving.contains(&l) || seen.contains(&l),
                |l| self.master.get(l).sku.is_some(),
            );
            let swap = matches!(step, Step::Swap(_));
            // A face emptied meanwhile by other means (taken out of use)
            // leaves its steps nothing to move.
            if (!moving(m.from) && !held(m.from)) || (swap && !moving(m.to) && !held(m.to)) {
                void.push(i);
                continue;
            }
            if !moving(m.from) && !moving(m.to) && (swap || !held(m.to)) {
                ready.push(i);
            }
            seen.insert(m.from);
            seen.insert(m.to);
        }
        let started = ready.len() as u32;
        let mut gone: Vec<(usize, bool)> = ready.into_iter().map(|i| (i, true)).collect();
        gone.extend(void.into_iter().map(|i| (i, false)));
        gone.sort_unstable();
        for &(i, start) in gone.iter().rev() {
            let step = self
                .master
                .reslotting
                .queue
                .remove(i)
                .expect("index in queue");
            if !start {
                continue;
            }
            let m = step.places();
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
            if let Step::Swap(_) = step {
                // Both faces emptied, then each item into the other's.
                let other = self.master.get(m.to).sku.expect("a swap's faces are held");
                let theirs = self.inventory.location(m.to).on_hand;
                let stops = [(m.to, theirs), (m.to, units), (m.from, theirs)];
                self.append_stops(task, &first, &stops);
                let lines = &mut self.tasks.get_mut(task).lines;
                lines[1].sku = other;
                lines[3].sku = other;
            } else {
                self.append_stops(task, &first, &[(m.to, units)]);
            }
        }
        started
    }

    /// Stop `line` of a RESLOT task confirmed with `quantity` units: taken
    /// out of a face (a move's first stop, a swap's first two), or put into
    /// the item's new face (the rest). Returns the units on hand at the
    /// stop.
    pub(crate) fn confirm_reslot_stop(
        &mut self,
        now: SimTime,
        task: TaskId,
        line: usize,
        quantity: u32,
    ) -> Result<u32, CommandError> {
        let t = self.tasks.get(task);
        let takes = t.lines.len() / 2;
        if line >= takes {
            let open = t.lines[..takes]
                .iter()
                .filter(|l| l.picked.is_none())
                .count();
            if open > 0 {
                return Err(CommandError::StopsOpen { task, open });
            }
            let (to, expected) = (t.lines[line].location, t.lines[line].quantity);
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
        let (at, sku) = (t.lines[line].location, t.lines[line].sku);
        let books = self.inventory.location(at).on_hand;
        if quantity != books {
            self.inventory.adjust(at, quantity);
            let seq = self.emit(
                now,
                DomainEvent::InventoryAdjusted {
                    task,
                    location: at,
                    sku,
                    books,
                    counted: quantity,
                },
            );
            self.tracking.counted(at, sku, books, quantity, seq);
        }
        let lines = &self.tasks.get(task).lines;
        if takes == 1 {
            let to = lines[1].location;
            self.tasks.get_mut(task).lines[1].quantity = quantity;
            self.hand_over(now, task, &[(at, to, quantity)]);
        } else if line == 1 {
            // Both faces are empty now: each item's face is the other's.
            let (x, y) = (lines[0].location, lines[1].location);
            let at_x = lines[0].picked.unwrap_or(0);
            let t = self.tasks.get_mut(task);
            t.lines[2].quantity = at_x;
            t.lines[3].quantity = quantity;
            self.hand_over(now, task, &[(x, y, at_x), (y, x, quantity)]);
        }
        Ok(0)
    }

    /// Faces change hands: the item of each `from` has `to` for its face,
    /// its `units` on their way there, and its open pick and replenishment
    /// lines follow.
    fn hand_over(&mut self, now: SimTime, task: TaskId, moves: &[(LocationId, LocationId, u32)]) {
        let was: Vec<_> = moves
            .iter()
            .map(|&(from, ..)| {
                let l = self.master.get(from);
                (l.sku.expect("a face moves with its item"), l.abc)
            })
            .collect();
        // Each item's open lines at its old face, before any face moves.
        let follow: Vec<_> = moves
            .iter()
            .zip(&was)
            .map(|(&(from, to, _), &(sku, _))| (from, to, self.lines_of_item_at(from, sku)))
            .collect();
        if let [(x, y, a), (_, _, b)] = *moves {
            self.inventory.swap_faces(x, y, a, b);
        } else {
            for &(from, to, units) in moves {
                self.inventory.move_face(from, to, units);
            }
        }
        for &(from, ..) in moves {
            let l = &mut self.master.locations[from.index()];
            l.sku = None;
            l.abc = None;
        }
        for (&(_, to, _), &(sku, abc)) in moves.iter().zip(&was) {
            let l = &mut self.master.locations[to.index()];
            l.sku = Some(sku);
            l.abc = abc;
        }
        for (from, to, open) in follow {
            for (t, stops) in &open {
                for &i in stops {
                    self.repoint(*t, i, to, None);
                }
                self.emit(
                    now,
                    DomainEvent::TaskRerouted {
                        task: *t,
                        from,
                        stops: stops.len() as u32,
                        short: 0,
                    },
                );
            }
        }
        for (&(from, to, units), &(sku, _)) in moves.iter().zip(&was) {
            self.emit(
                now,
                DomainEvent::ItemReslotted {
                    task,
                    sku,
                    from,
                    to,
                    units,
                },
            );
        }
    }

    /// Open pick and replenishment lines of `sku` at `at`, by task.
    fn lines_of_item_at(&self, at: LocationId, sku: SkuId) -> Vec<(TaskId, Vec<usize>)> {
        self.tasks
            .all()
            .filter(|t| matches!(t.kind, TaskKind::Pick | TaskKind::Replenish) && open(t))
            .filter_map(|t| {
                let stops: Vec<usize> = (0..t.lines.len())
                    .filter(|&i| {
                        let l = &t.lines[i];
                        l.location == at && l.sku == sku && l.picked.is_none()
                    })
                    .collect();
                (!stops.is_empty()).then_some((t.id, stops))
            })
            .collect()
    }

    /// A RESLOT task is done: its locations are free for the next steps.
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

    /// Runs `steps` on faces holding `held` (face → item): a move needs
    /// an empty target, a swap two held faces. Returns where items end.
    fn run(steps: &[Step], held: &[(u32, u32)]) -> HashMap<u32, u32> {
        let mut held: HashMap<u32, u32> = held.iter().copied().collect();
        for step in steps {
            match *step {
                Step::Move(mv) => {
                    assert!(!held.contains_key(&mv.to.0), "{mv:?} into a held face");
                    let item = held.remove(&mv.from.0).unwrap();
                    held.insert(mv.to.0, item);
                }
                Step::Swap(mv) => {
                    let a = held.remove(&mv.from.0).unwrap();
                    let b = held.remove(&mv.to.0).unwrap();
                    held.insert(mv.to.0, a);
                    held.insert(mv.from.0, b);
                }
            }
        }
        held
    }

    #[test]
    fn chains_run_from_their_free_end_and_cycles_pass_through_a_free_face() {
        // 1 → 2 → 3 (3 empty); 4 ↔ 5; 9 is free.
        let moves = [m(1, 2), m(2, 3), m(4, 5), m(5, 4)];
        let occupied = |l: LocationId| [1, 2, 4, 5].contains(&l.0);
        let order = sequence(&moves, occupied, |_| Some(LocationId(9)), |_, _| true).unwrap();
        let moved = |v: &[FaceMove]| v.iter().map(|&x| Step::Move(x)).collect::<Vec<_>>();
        assert_eq!(order, moved(&[m(2, 3), m(1, 2), m(4, 9), m(5, 4), m(9, 5)]));
        let held = run(&order, &[(1, 1), (2, 2), (4, 4), (5, 5)]);
        assert_eq!(held, [(2, 1), (3, 2), (5, 4), (4, 5)].into());
    }

    #[test]
    fn a_cycle_without_a_free_face_runs_as_swaps_through_its_first_face() {
        // 1 → 2 → 3 → 1, all held, nothing free.
        let moves = [m(1, 2), m(2, 3), m(3, 1)];
        let occupied = |l: LocationId| [1, 2, 3].contains(&l.0);
        let order = sequence(&moves, occupied, |_| None, |_, _| true).unwrap();
        assert_eq!(order, [Step::Swap(m(1, 2)), Step::Swap(m(1, 3))]);
        let held = run(&order, &[(1, 1), (2, 2), (3, 3)]);
        assert_eq!(held, [(2, 1), (3, 2), (1, 3)].into());
    }

    #[test]
    fn a_held_target_nobody_empties_and_a_cycle_that_cannot_run_are_named() {
        let occupied = |l: LocationId| [1, 2, 3].contains(&l.0);
        assert_eq!(
            sequence(&[m(1, 2)], occupied, |_| None, |_, _| true),
            Err((0, SequenceError::TargetHeld))
        );
        // Face 1 may not hold item 3 (face 3's) on the way.
        let moves = [m(1, 2), m(2, 3), m(3, 1)];
        let holds = |place: LocationId, face: LocationId| !(place.0 == 1 && face.0 == 3);
        assert_eq!(
            sequence(&moves, occupied, |_| None, holds),
            Err((0, SequenceError::CycleWithoutRoom))
        );
    }
}
