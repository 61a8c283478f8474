//! Task execution (WES): the unified task model, its lifecycle
//! PENDING → ASSIGNED → IN_PROGRESS → COMPLETED / CANCELLED, and assignment
//! of tasks to associates by score.

#[cfg(test)]
mod rules;

mod handheld;

use std::collections::BTreeSet;

use paklog_sim::SimTime;
use serde::{Deserialize, Serialize};

use crate::config::AssignmentWeights;
use crate::events::Priority;
use crate::ids::{AssociateId, LocationId, OrderId, SkuId, TaskId, ToteId, WaveId};
use crate::ledger::Ledger;
use crate::location_master::{LocationMaster, Point};
use crate::vocabulary::WavePriority;
pub use crate::vocabulary::{TaskKind, TaskStatus};

/// One stop of a pick task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickLine {
    /// Which of the task's orders (and totes) it serves: an index into
    /// [`Task::orders`].
    pub slot: u16,
    /// The order line it serves.
    pub order_line: u32,
    /// The SKU.
    pub sku: SkuId,
    /// Where to pick.
    pub location: LocationId,
    /// Units to pick.
    pub quantity: u32,
    /// Units confirmed, once confirmed.
    pub picked: Option<u32>,
    /// Walking distance to this stop from the one before (or the depot),
    /// along the task's route (m).
    pub leg_m: f64,
}

/// A task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Its id.
    pub id: TaskId,
    /// Kind of work.
    pub kind: TaskKind,
    /// Lifecycle state.
    pub status: TaskStatus,
    /// Wave it belongs to (pick tasks).
    pub wave: Option<WaveId>,
    /// Orders it picks (one, or a batch), most urgent first.
    pub orders: Vec<OrderId>,
    /// Totes it fills: one per order, or a single bulk tote sorted at a put
    /// wall afterwards.
    pub totes: Vec<ToteId>,
    /// Picking strategy that formed it.
    pub picking: &'static str,
    /// Zone it picks in (zone picking), if any; only associates of that
    /// zone (or of none) get it.
    pub zone: Option<u16>,
    /// Aisle at whose front end the trip starts and ends: the site's depot,
    /// or a zone's hand-over point.
    pub depot: u32,
    /// Pick-and-pass: the next zone's task for the same tote, opened when
    /// this one hands the tote over.
    pub next: Option<TaskId>,
    /// Picked in bulk for a put wall.
    pub put_wall: bool,
    /// Highest priority of its orders.
    pub priority: Priority,
    /// Its wave's priority (standard for work outside a wave): a CRITICAL
    /// wave's tasks are assigned before a HIGH one's, and those before the
    /// rest.
    pub wave_priority: WavePriority,
    /// Earliest cut-off of its orders.
    pub due: SimTime,
    /// Stops in walking order.
    pub lines: Vec<PickLine>,
    /// Planned route length (m), depot to depot.
    pub distance_m: f64,
    /// Walking distance from the last stop back to the depot (m).
    pub home_m: f64,
    /// Routing policy that sequenced it.
    pub policy: &'static str,
    /// Who has it.
    pub associate: Option<AssociateId>,
    /// Created at.
    pub created: SimTime,
    /// Assigned at.
    pub assigned_at: Option<SimTime>,
    /// Started at.
    pub started_at: Option<SimTime>,
    /// Finished at.
    pub completed_at: Option<SimTime>,
    /// Distance the RTLS measured for the trip (m): the travel of the
    /// associate's tag (`associate-N`) from start to delivery; `None` if
    /// the tag was never seen.
    #[serde(default)]
    pub rtls_m: Option<f64>,
    /// The tag's travel (mm) when the task started.
    #[serde(default, skip_serializing)]
    pub rtls_from_mm: Option<u64>,
}

impl Task {
    /// The first unconfirmed stop.
    #[must_use]
    pub fn next_line(&self) -> Option<usize> {
        self.lines.iter().position(|l| l.picked.is_none())
    }

    /// Where the trip starts and ends.
    #[must_use]
    pub fn depot_point(&self) -> Point {
        Point::new(self.depot, 0.0)
    }

    /// Whether `associate` may do it: zone tasks go to associates of their
    /// zone or of none.
    #[must_use]
    pub fn fits(&self, associate: &AssociateState) -> bool {
        match (self.zone, associate.zone) {
            (Some(t), Some(a)) => t == a,
            _ => true,
        }
    }
}

/// What the floor knows about an associate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssociateState {
    /// Id.
    pub id: AssociateId,
    /// Logged on to a handheld.
    pub signed_on: bool,
    /// Waiting for work.
    pub idle: bool,
    /// Where they were last seen.
    pub position: Point,
    /// May pick express orders with priority.
    pub express: bool,
    /// Zone they pick in (zone picking), if any.
    pub zone: Option<u16>,
    /// Task in hand (assigned or in progress).
    pub current: Option<TaskId>,
    /// Tasks completed.
    pub tasks_done: u32,
    /// Lines confirmed.
    pub lines_done: u32,
    /// Time spent in tasks (ms), for the learned pick rate.
    pub busy_ms: u64,
    /// Since when they are idle (for reports).
    pub idle_since: Option<SimTime>,
}

impl AssociateState {
    /// Lines per hour over the tasks done so far, if any.
    #[must_use]
    pub fn pick_rate(&self) -> Option<f64> {
        (self.busy_ms > 0).then(|| f64::from(self.lines_done) * 3_600_000.0 / self.busy_ms as f64)
    }
}

/// Tasks and associates.
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub struct TaskBoard {
    tasks: Ledger<Task>,
    /// Pending tasks, most urgent first: (the wave's priority, highest
    /// first; express first; due; id).
    pending: BTreeSet<PendingKey>,
    /// Everyone on the roster.
    pub associates: Vec<AssociateState>,
}

/// Floor-wide figures an associate's score is relative to.
struct Floor {
    mean_tasks: f64,
    mean_rate: Option<f64>,
    /// Distance that scores zero closeness (about the building's span).
    scale: f64,
}

/// A pending task's place in the queue: (its wave's priority, highest
/// first; express first; due; id).
type PendingKey = (std::cmp::Reverse<WavePriority>, u8, SimTime, TaskId);

/// How many pending tasks an associate's request looks at.
const WINDOW: usize = 32;

impl TaskBoard {
    /// A board with no tasks and the given roster.
    #[must_use]
    pub fn new(associates: Vec<AssociateState>) -> Self {
        TaskBoard {
            associates,
            ..TaskBoard::default()
        }
    }

    /// The task `id`, if it exists.
    #[must_use]
    pub fn find(&self, id: TaskId) -> Option<&Task> {
        self.tasks.get(id.0)
    }

    /// The task `id`.
    ///
    /// # Panics
    /// If no such task exists.
    #[must_use]
    pub fn get(&self, id: TaskId) -> &Task {
        self.tasks
            .get(id.0)
            .expect("a task of this board, not forgotten")
    }

    /// The task `id`, mutably.
    ///
    /// # Panics
    /// If no such task exists.
    pub fn get_mut(&mut self, id: TaskId) -> &mut Task {
        self.tasks
            .get_mut(id.0)
            .expect("a task of this board, not forgotten")
    }

    /// Every task kept (all of them, unless a live site forgot old
    /// finished ones), by id.
    pub fn all(&self) -> impl DoubleEndedIterator<Item = &Task> + Clone {
        self.tasks.iter()
    }

    /// How many tasks are kept.
    #[must_use]
    pub fn kept(&self) -> usize {
        self.tasks.len()
    }

    /// The id the next task will get (how many were ever made).
    #[must_use]
    pub fn next_id(&self) -> TaskId {
        TaskId(self.tasks.next())
    }

    /// Forgets the tasks completed or cancelled before `before` once
    /// `settled` says (its orders forgotten); how many.
    pub fn forget_finished(&mut self, before: SimTime, settled: impl Fn(&Task) -> bool) -> usize {
        self.tasks.forget(
            |t| t.created < before,
            |t| {
                matches!(t.status, TaskStatus::Completed | TaskStatus::Cancelled)
                    && t.completed_at.unwrap_or(t.created) < before
                    && settled(t)
            },
        )
    }

    /// Adds a pending task.
    pub fn add(&mut self, task: Task) {
        debug_assert_eq!(task.id, self.next_id());
        self.pending.insert(Self::pending_key(&task));
        self.tasks.push(task);
    }

    /// Adds a task that waits for another (pick-and-pass) before anyone can
    /// get it; [`TaskBoard::open`] puts it in the pool.
    pub fn add_held(&mut self, task: Task) {
        debug_assert_eq!(task.id, self.next_id());
        self.tasks.push(task);
    }

    /// Puts a held task into the pool.
    pub fn open(&mut self, task: TaskId) {
        self.pending.insert(Self::pending_key(self.get(task)));
    }

    /// Number of pending tasks.
    #[must_use]
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    fn pending_key(task: &Task) -> PendingKey {
        (
            std::cmp::Reverse(task.wave_priority),
            u8::from(task.priority != Priority::Express),
            task.due,
            task.id,
        )
    }

    /// Moves a task from pending to assigned.
    pub fn assign(&mut self, task: TaskId, associate: AssociateId, now: SimTime) {
        let key = Self::pending_key(self.get(task));
        self.pending.remove(&key);
        let t = self.tasks.get_mut(task.0).expect("a task of this board");
        t.status = TaskStatus::Assigned;
        t.associate = Some(associate);
        t.assigned_at = Some(now);
        let a = &mut self.associates[associate.index()];
        a.current = Some(task);
        a.idle = false;
        a.idle_since = None;
    }

    /// Calls off a task nobody has started: out of the pool if it waits
    /// there, its associate (if it was given to one) idle again.
    pub fn cancel(&mut self, task: TaskId, now: SimTime) -> &Task {
        let key = Self::pending_key(self.get(task));
        self.pending.remove(&key);
        let t = self.tasks.get_mut(task.0).expect("a task of this board");
        debug_assert!(t.status.can_become(TaskStatus::Cancelled));
        if let Some(a) = t.associate {
            let a = &mut self.associates[a.index()];
            a.current = None;
            a.idle = true;
            a.idle_since.get_or_insert(now);
        }
        t.status = TaskStatus::Cancelled;
        t.completed_at = Some(now);
        t
    }

    /// Puts an assigned task back into the pool.
    pub fn unassign(&mut self, task: TaskId) {
        let t = self.tasks.get_mut(task.0).expect("a task of this board");
        if let Some(a) = t.associate.take() {
            self.associates[a.index()].current = None;
        }
        t.status = TaskStatus::Pending;
        t.assigned_at = None;
        self.pending.insert(Self::pending_key(t));
    }

    /// The floor-wide figures the score compares an associate against,
    /// computed once per assignment round.
    fn floor(&self, master: &LocationMaster) -> Floor {
        let (mut on, mut tasks, mut rates, mut rate_sum) = (0u32, 0u64, 0u32, 0.0);
        for a in &self.associates {
            if a.signed_on {
                on += 1;
                tasks += u64::from(a.tasks_done);
            }
            if let Some(r) = a.pick_rate() {
                rates += 1;
                rate_sum += r;
            }
        }
        Floor {
            mean_tasks: if on == 0 {
                0.0
            } else {
                tasks as f64 / f64::from(on)
            },
            mean_rate: (rates > 0).then(|| rate_sum / f64::from(rates)),
            scale: master.spec.aisle_length_m * f64::from(master.spec.blocks)
                + master.spec.aisle_pitch_m * f64::from(master.spec.aisles),
        }
    }

    /// The assignment score of `task` for `associate`: a weighted sum of
    /// terms in [0, 1], higher is better.
    fn score(
        task: &Task,
        associate: &AssociateState,
        floor: &Floor,
        weights: &AssignmentWeights,
        master: &LocationMaster,
        now: SimTime,
    ) -> f64 {
        let first = task
            .lines
            .first()
            .map_or(master.depot(), |l| master.get(l.location).point);
        let distance = 1.0 - (master.distance(associate.position, first) / floor.scale).min(1.0);
        let skill = match task.priority {
            Priority::Express => f64::from(u8::from(associate.express)),
            Priority::Standard => 0.5,
        };
        let workload = 1.0 / (1.0 + f64::from(associate.tasks_done) / (floor.mean_tasks + 1.0));
        let performance = match (associate.pick_rate(), floor.mean_rate) {
            (Some(rate), Some(mean)) if mean > 0.0 => rate / (rate + mean),
            _ => 0.5,
        };
        let slack_h = task.due.as_millis().saturating_sub(now.as_millis()) as f64 / 3_600_000.0;
        let urgency = if task.priority == Priority::Express {
            1.0
        } else {
            0.5
        } / (1.0 + slack_h);
        weights.distance * distance
            + weights.skill * skill
            + weights.workload * workload
            + weights.performance * performance
            + weights.priority * urgency
    }

    /// The best of the most urgent pending tasks for `associate`.
    #[must_use]
    pub fn best_task_for(
        &self,
        associate: AssociateId,
        weights: &AssignmentWeights,
        master: &LocationMaster,
        now: SimTime,
    ) -> Option<(TaskId, f64)> {
        let a = &self.associates[associate.index()];
        let floor = self.floor(master);
        // Only the most urgent wave priority this associate may work on is
        // scored: a standard task never beats a critical one on distance.
        let mut fitting = self
            .pending
            .iter()
            .filter(|&&(_, _, _, id)| self.get(id).fits(a))
            .peekable();
        let class = fitting.peek().map(|k| k.0);
        fitting
            .take_while(|k| Some(k.0) == class)
            .take(WINDOW)
            .map(|&(_, _, _, id)| {
                (
                    id,
                    Self::score(self.get(id), a, &floor, weights, master, now),
                )
            })
            .fold(None, |best: Option<(TaskId, f64)>, (id, s)| match best {
                Some((_, b)) if b >= s => best,
                _ => Some((id, s)),
            })
    }

    /// Assigns pending tasks, most urgent first, each to the idle associate
    /// that scores best for it. Returns the assignments made.
    pub fn dispatch(
        &mut self,
        weights: &AssignmentWeights,
        master: &LocationMaster,
        now: SimTime,
    ) -> Vec<(TaskId, AssociateId, f64)> {
        let mut made = Vec::new();
        let idle = |a: &AssociateState| a.signed_on && a.idle && a.current.is_none();
        if !self.associates.iter().any(idle) {
            return made;
        }
        let mut floor = self.floor(master);
        // Most urgent first; a task no idle associate may do (another zone's)
        // waits without holding up the others.
        let queue: Vec<TaskId> = self.pending.iter().map(|&(_, _, _, id)| id).collect();
        for task in queue {
            let t = self.get(task);
            let best = self
                .associates
                .iter()
                .filter(|a| idle(a) && t.fits(a))
                .map(|a| (a.id, Self::score(t, a, &floor, weights, master, now)))
                .fold(
                    None,
                    |best: Option<(AssociateId, f64)>, (id, s)| match best {
                        Some((_, b)) if b >= s => best,
                        _ => Some((id, s)),
                    },
                );
            let Some((associate, score)) = best else {
                continue;
            };
            self.assign(task, associate, now);
            made.push((task, associate, score));
            if !self.associates.iter().any(idle) {
                break;
            }
            floor = self.floor(master);
        }
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_transitions() {
        use TaskStatus as S;
        assert!(S::Pending.can_become(S::Assigned));
        assert!(S::Assigned.can_become(S::InProgress));
        assert!(S::InProgress.can_become(S::Completed));
        assert!(!S::Pending.can_become(S::Completed));
        assert!(!S::Completed.can_become(S::InProgress));
        assert!(!S::Cancelled.can_become(S::Pending));
    }
}
