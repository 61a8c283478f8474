//! Location exceptions (seed diagram 3): a blocked location takes no new
//! allocation; the next pick there raises a location exception, which
//! re-slots the SKU to a free face (re-slotting is required for a blocked
//! location) and re-routes the open tasks that still visit it.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply};
use crate::events::DomainEvent;
use crate::ids::{LocationId, SkuId, TaskId};
use crate::location_master::{LocationKind, Point};
use crate::site::Site;
use crate::task_execution::{TaskKind, TaskStatus};

impl Site<'_, '_> {
    /// The location master blocks (or opens) a location. **A blocked
    /// location requires re-slotting**: nothing more is allocated there, and
    /// the next pick there raises the location exception that re-slots its
    /// SKU ([`location_exception`](Self::location_exception)).
    pub(crate) fn set_blocked(
        &mut self,
        now: SimTime,
        location: LocationId,
        blocked: bool,
        reason: String,
    ) -> Result<Reply, CommandError> {
        if location.index() >= self.master.locations.len() {
            return Err(CommandError::UnknownLocation(location));
        }
        if self.inventory.set_blocked(location, blocked) {
            let seq = self.emit(
                now,
                DomainEvent::LocationConfigChanged {
                    location,
                    blocked,
                    reason,
                },
            );
            if blocked {
                self.tracking.blocked(location, seq);
            }
            if !blocked {
                self.check_min(now, location);
            }
        }
        Ok(Reply::Done)
    }

    /// Pick execution found stop `line` of `task` at a blocked location:
    /// the exception, re-slotting of the SKU, and every open task's stops
    /// there moved to faces within reach.
    pub(crate) fn location_exception(
        &mut self,
        now: SimTime,
        task: TaskId,
        line: usize,
    ) -> Result<Reply, CommandError> {
        let t = self.tasks.get(task);
        let stop = t.lines[line].clone();
        let kind = t.kind;
        self.emit(
            now,
            DomainEvent::LocationException {
                task,
                location: stop.location,
                sku: stop.sku,
            },
        );
        let here = self.master.get(stop.location).point;
        match kind {
            TaskKind::Pick => {
                let refill = self.reslot(now, stop.sku, stop.location);
                self.reroute(now, stop.location, Some((task, line, here)));
                if let Some((face, units)) = refill {
                    // Once the stops are there: urgent if they wait for it.
                    self.open_replenishment(now, face, units);
                }
            }
            TaskKind::Replenish => {
                // The units go back to reserve; the face is refilled once it
                // is open again.
                self.inventory
                    .complete_replenishment(stop.location, stop.quantity, 0);
                self.tasks.get_mut(task).lines[line].picked = Some(0);
            }
            TaskKind::Putaway => {
                // Out of reach: the units go to reserve instead.
                self.inventory
                    .put_away_to_face(stop.location, stop.quantity, 0);
                self.tasks.get_mut(task).lines[line].picked = Some(0);
            }
            TaskKind::Count => {
                self.inventory.counts_open.remove(&stop.location);
                self.tasks.get_mut(task).lines[line].picked = Some(0);
            }
            TaskKind::Reslot if line < self.tasks.get(task).lines.len() / 2 => {
                // The face it was to leave is out of reach: the item stays,
                // and nothing is carried.
                for l in &mut self.tasks.get_mut(task).lines {
                    l.picked = Some(0);
                }
            }
            TaskKind::Reslot => {
                // The new face is out of reach: the units go to reserve; the
                // face is refilled once it is open again.
                self.inventory
                    .complete_replenishment(stop.location, stop.quantity, 0);
                self.tasks.get_mut(task).lines[line].picked = Some(0);
            }
        }
        let next_line = self.tasks.get(task).next_line().map(|i| i as u32);
        Ok(Reply::PickRecorded { next_line })
    }

    /// Slots `sku` in a free pick location (in `from`'s zone if one is free,
    /// nearest the depot) and takes units from reserve to fill it, unless
    /// the SKU has another face that is not blocked, or nothing in reserve.
    /// Returns
    /// the new face and the units on their way.
    pub(crate) fn reslot(
        &mut self,
        now: SimTime,
        sku: SkuId,
        from: LocationId,
    ) -> Option<(LocationId, u32)> {
        let s = self.inventory.sku(sku);
        let reachable = s
            .faces
            .iter()
            .any(|&f| f != from && !self.inventory.location(f).blocked);
        if reachable {
            return None;
        }
        let reserve = s.reserve;
        let zone = self.master.get(from).zone;
        let depot = self.master.depot();
        let to = if reserve == 0 {
            None
        } else {
            self.master
                .locations
                .iter()
                .filter(|l| {
                    l.kind == LocationKind::Pick
                        && l.sku.is_none()
                        && l.active
                        && l.permits(&self.config.skus[sku.index()].restrictions)
                        && self.inventory.location(l.id).usable()
                })
                .min_by(|a, b| {
                    (a.zone != zone)
                        .cmp(&(b.zone != zone))
                        .then(
                            self.master
                                .distance(depot, a.point)
                                .total_cmp(&self.master.distance(depot, b.point)),
                        )
                        .then(a.id.cmp(&b.id))
                })
                .map(|l| l.id)
        };
        self.emit(now, DomainEvent::ReslottingRequired { sku, from, to });
        let to = to?;
        let l = &mut self.master.locations[to.index()];
        l.sku = Some(sku);
        l.abc = Some(self.config.skus[sku.index()].abc);
        self.inventory.slot(sku, to, 0);
        let units = self.face_target().min(reserve);
        self.inventory.start_replenishment(to, sku, units);
        Some((to, units))
    }

    /// Re-slots `sku` if every face of it is blocked (see `reslot`).
    pub(crate) fn reslot_if_blocked(
        &mut self,
        now: SimTime,
        sku: SkuId,
    ) -> Option<(LocationId, u32)> {
        let faces = &self.inventory.sku(sku).faces;
        let from = *faces.first()?;
        if faces.iter().all(|&f| self.inventory.location(f).blocked) {
            self.reslot(now, sku, from)
        } else {
            None
        }
    }

    /// Moves every unpicked pick stop at `from` to faces within reach; what
    /// none can cover is recorded short. `current` is the task and stop
    /// whose picker stands at `from`, and where.
    pub(crate) fn reroute(
        &mut self,
        now: SimTime,
        from: LocationId,
        current: Option<(TaskId, usize, Point)>,
    ) {
        let open: Vec<TaskId> = self
            .tasks
            .all()
            .filter(|t| {
                t.kind == TaskKind::Pick
                    && !matches!(t.status, TaskStatus::Completed | TaskStatus::Cancelled)
                    && t.lines
                        .iter()
                        .any(|l| l.location == from && l.picked.is_none())
            })
            .map(|t| t.id)
            .collect();
        for task in open {
            let mut stops = 0;
            let mut short = 0;
            for i in 0..self.tasks.get(task).lines.len() {
                let stop = self.tasks.get(task).lines[i].clone();
                if stop.location != from || stop.picked.is_some() {
                    continue;
                }
                stops += 1;
                self.inventory.deallocate(from, stop.quantity);
                let mut split = self.inventory.allocate(stop.sku, stop.quantity);
                let covered: u32 = split.iter().map(|s| s.1).sum();
                let order = self.tasks.get(task).orders[stop.slot as usize];
                if split.is_empty() {
                    let l = &mut self.tasks.get_mut(task).lines[i];
                    l.quantity = 0;
                    l.picked = Some(0);
                    self.waves.floor_lines = self.waves.floor_lines.saturating_sub(1);
                } else {
                    let (to, quantity) = split.remove(0);
                    self.tasks.get_mut(task).lines[i].quantity = quantity;
                    let walker = current.filter(|c| (c.0, c.1) == (task, i)).map(|c| c.2);
                    self.repoint(task, i, to, walker);
                    self.append_stops(task, &stop, &split);
                    self.waves.floor_lines += split.len() as u32;
                }
                if covered < stop.quantity {
                    short += stop.quantity - covered;
                    self.record_shortage(now, order, stop.order_line, stop.quantity - covered);
                }
            }
            self.emit(
                now,
                DomainEvent::TaskRerouted {
                    task,
                    from,
                    stops,
                    short,
                },
            );
        }
    }

    /// Sets stop `i` of `task` to `location` and mends the legs into and
    /// out of it. `walker` is where the picker stands if they walk there
    /// now (the leg they walked to the old location stays in the distance).
    pub(crate) fn repoint(
        &mut self,
        task: TaskId,
        i: usize,
        location: LocationId,
        walker: Option<Point>,
    ) {
        let master = &self.master;
        let t = self.tasks.get_mut(task);
        let depot = t.depot_point();
        let prev = walker.unwrap_or_else(|| {
            i.checked_sub(1)
                .map_or(depot, |p| master.get(t.lines[p].location).point)
        });
        let to = master.get(location).point;
        let leg = master.distance(prev, to);
        if walker.is_none() {
            t.distance_m -= t.lines[i].leg_m;
        }
        t.distance_m += leg;
        t.lines[i].location = location;
        t.lines[i].leg_m = leg;
        match t.lines.get(i + 1).map(|n| n.location) {
            Some(next) => {
                let out = master.distance(to, master.get(next).point);
                t.distance_m += out - t.lines[i + 1].leg_m;
                t.lines[i + 1].leg_m = out;
            }
            None => {
                let home = master.distance(to, depot);
                t.distance_m += home - t.home_m;
                t.home_m = home;
            }
        }
    }
}
