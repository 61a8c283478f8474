//! The handheld's commands: sign-on and sign-off, the next task (assigned
//! by score), starting it, and dispatching pending tasks to idle associates.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply};
use crate::events::DomainEvent;
use crate::ids::{AssociateId, LocationId, TaskId};
use crate::order_management::OrderStatus;
use crate::site::Site;
use crate::task_execution::{AssociateState, PickLine, Task, TaskStatus};

impl Site<'_, '_> {
    pub(crate) fn dispatch(&mut self, now: SimTime) {
        let made = self
            .tasks
            .dispatch(&self.config.assignment, &self.master, now);
        for (task, associate, score) in made {
            self.emit(
                now,
                DomainEvent::TaskAssigned {
                    task,
                    associate,
                    score,
                },
            );
        }
    }

    pub(crate) fn associate(&self, id: AssociateId) -> Result<&AssociateState, CommandError> {
        let a = self
            .tasks
            .associates
            .get(id.index())
            .ok_or(CommandError::UnknownAssociate(id))?;
        if a.signed_on {
            Ok(a)
        } else {
            Err(CommandError::NotSignedOn(id))
        }
    }

    pub(crate) fn sign_on(
        &mut self,
        now: SimTime,
        associate: AssociateId,
    ) -> Result<Reply, CommandError> {
        let a = self
            .tasks
            .associates
            .get_mut(associate.index())
            .ok_or(CommandError::UnknownAssociate(associate))?;
        if !a.signed_on {
            a.signed_on = true;
            a.position = self.master.depot();
            self.emit(now, DomainEvent::AssociateSignedOn { associate });
        }
        Ok(Reply::Done)
    }

    pub(crate) fn sign_off(
        &mut self,
        now: SimTime,
        associate: AssociateId,
    ) -> Result<Reply, CommandError> {
        let a = self.associate(associate)?;
        if let Some(task) = a.current {
            // A task in hand but not started goes back to the pool.
            let t = self.tasks.get(task);
            if t.status == TaskStatus::InProgress {
                return Err(CommandError::WrongTaskState {
                    task,
                    status: t.status,
                });
            }
            self.tasks.unassign(task);
        }
        let a = &mut self.tasks.associates[associate.index()];
        a.signed_on = false;
        a.idle = false;
        a.current = None;
        self.emit(now, DomainEvent::AssociateSignedOff { associate });
        Ok(Reply::Done)
    }

    pub(crate) fn next_task(
        &mut self,
        now: SimTime,
        associate: AssociateId,
    ) -> Result<Reply, CommandError> {
        let a = self.associate(associate)?;
        if let Some(task) = a.current {
            return Ok(Reply::NextTask { task: Some(task) });
        }
        match self
            .tasks
            .best_task_for(associate, &self.config.assignment, &self.master, now)
        {
            Some((task, score)) => {
                self.tasks.assign(task, associate, now);
                self.emit(
                    now,
                    DomainEvent::TaskAssigned {
                        task,
                        associate,
                        score,
                    },
                );
                Ok(Reply::NextTask { task: Some(task) })
            }
            None => {
                let a = &mut self.tasks.associates[associate.index()];
                a.idle = true;
                a.idle_since.get_or_insert(now);
                Ok(Reply::NextTask { task: None })
            }
        }
    }

    /// The task, if it is `associate`'s and in state `status`.
    pub(crate) fn owned_task(
        &self,
        associate: AssociateId,
        task: TaskId,
        status: TaskStatus,
    ) -> Result<&Task, CommandError> {
        self.associate(associate)?;
        let t = self
            .tasks
            .find(task)
            .ok_or(CommandError::UnknownTask(task))?;
        if t.associate != Some(associate) {
            return Err(CommandError::NotYourTask { task, associate });
        }
        if t.status != status {
            return Err(CommandError::WrongTaskState {
                task,
                status: t.status,
            });
        }
        Ok(t)
    }

    pub(crate) fn start_task(
        &mut self,
        now: SimTime,
        associate: AssociateId,
        task: TaskId,
    ) -> Result<Reply, CommandError> {
        let t = self.owned_task(associate, task, TaskStatus::Assigned)?;
        let orders = t.orders.clone();
        let wave = t.wave;
        let from = self.tracking.travelled_mm(associate).unwrap_or(0);
        let t = self.tasks.get_mut(task);
        t.status = TaskStatus::InProgress;
        t.started_at = Some(now);
        t.rtls_from_mm = Some(from);
        let mut first = Vec::new();
        for order in orders {
            let o = self.orders.get_mut(order);
            if o.status != OrderStatus::Picking {
                o.status = OrderStatus::Picking;
                first.push(order);
            }
        }
        if let Some(wave) = wave {
            self.wave_started(wave);
        }
        self.emit(now, DomainEvent::TaskStarted { task, associate });
        for order in first {
            self.emit(now, DomainEvent::PickingStarted { order, task });
        }
        Ok(Reply::Done)
    }

    /// Appends stops like `stop` (its SKU and order line) at the end of the
    /// route, from its last stop to each, then home. Pick stops are counted
    /// on the floor by the caller.
    pub(crate) fn append_stops(
        &mut self,
        task: TaskId,
        stop: &PickLine,
        split: &[(LocationId, u32)],
    ) {
        if split.is_empty() {
            return;
        }
        let master = &self.master;
        let t = self.tasks.get_mut(task);
        let home = t.depot_point();
        let mut at = t
            .lines
            .last()
            .map_or(home, |l| master.get(l.location).point);
        t.distance_m -= t.home_m;
        for &(location, quantity) in split {
            let to = master.get(location).point;
            let leg_m = master.distance(at, to);
            t.distance_m += leg_m;
            t.lines.push(PickLine {
                location,
                quantity,
                picked: None,
                leg_m,
                ..stop.clone()
            });
            at = to;
        }
        t.home_m = master.distance(at, home);
        t.distance_m += t.home_m;
    }
}
