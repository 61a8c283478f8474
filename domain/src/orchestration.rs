//! Orchestration (WES): the workflow a released wave starts — allocation of
//! each order's stock to pick faces, the pick trips of the site's picking
//! strategy, and the tasks and totes that carry them.

#[cfg(test)]
mod rules;

use bevy_ecs::observer::On;
use bevy_ecs::world::World;
use paklog_sim::SimTime;

use crate::events::{DomainEvent, Priority};
use crate::ids::{LocationId, OrderId, SkuId, TaskId, ToteId, WaveId};
use crate::location_master::Point;
use crate::physical_tracking::PlateKind;
use crate::pick_execution::{Picking, ZoneMode};
use crate::site::Site;
use crate::task_execution::{PickLine, Task, TaskKind, TaskStatus};
use crate::wave_planning::WaveReleased;

/// A pick trip about to become a task.
struct Trip {
    /// Its orders with their allocated lines, most urgent first.
    orders: Vec<(OrderId, Vec<PickLine>)>,
    /// One tote per order, or one bulk tote.
    totes: Vec<ToteId>,
    zone: Option<u16>,
    put_wall: bool,
    /// Waits for the previous zone's task (pick-and-pass).
    held: bool,
    next: Option<TaskId>,
}

impl Trip {
    pub(crate) fn totes(orders: Vec<(OrderId, Vec<PickLine>)>, totes: Vec<ToteId>) -> Self {
        Trip {
            orders,
            totes,
            zone: None,
            put_wall: false,
            held: false,
            next: None,
        }
    }
}

/// Orchestration's reactions to other services' facts.
pub(crate) fn reactions(world: &mut World) {
    world.add_observer(on_wave_released);
}

/// Wave released → workflow started, stock allocated, tasks created (one
/// tote per order, by the picking strategy) and dispatched to idle
/// associates.
pub(crate) fn on_wave_released(fact: On<WaveReleased>, mut site: Site) {
    site.start_workflow(fact.at, fact.wave, &fact.orders);
}

impl Site<'_, '_> {
    /// The release saga's steps: allocation, tasks, execution. Undone by
    /// [`Site::compensate_release`] while no task of the wave has started.
    fn start_workflow(&mut self, now: SimTime, wave: WaveId, orders: &[OrderId]) {
        let first = self.tasks.next_id();
        self.create_pick_tasks(now, wave, orders);
        let count = self.tasks.next_id().0 - first.0;
        self.emit(now, DomainEvent::TasksCreated { wave, first, count });
        self.dispatch(now);
        let assigned = (first.0..first.0 + count)
            .filter(|&t| self.tasks.get(TaskId(t)).associate.is_some())
            .count() as u32;
        self.emit(
            now,
            DomainEvent::ExecutionStarted {
                wave,
                tasks: count,
                assigned,
            },
        );
    }

    /// Undoes a released wave's saga before any of its tasks started: each
    /// open task is cancelled (its associate freed), the units allocated
    /// to its stops go back to their faces, and the lines leave the floor.
    /// The caller puts the orders back to wait.
    pub(crate) fn compensate_release(&mut self, now: SimTime, wave: WaveId) {
        let tasks: Vec<TaskId> = self
            .tasks
            .all()
            .filter(|t| {
                t.wave == Some(wave)
                    && t.kind == TaskKind::Pick
                    && matches!(t.status, TaskStatus::Pending | TaskStatus::Assigned)
            })
            .map(|t| t.id)
            .collect();
        let mut given_back: Vec<(OrderId, u32)> = Vec::new();
        for task in tasks {
            let t = self.tasks.cancel(task, now);
            for l in t.lines.iter().filter(|l| l.picked.is_none()) {
                self.inventory.deallocate(l.location, l.quantity);
                let order = t.orders[l.slot as usize];
                match given_back.iter_mut().find(|(o, _)| *o == order) {
                    Some((_, units)) => *units += l.quantity,
                    None => given_back.push((order, l.quantity)),
                }
            }
            self.waves.floor_lines = self
                .waves
                .floor_lines
                .saturating_sub(t.lines.iter().filter(|l| l.picked.is_none()).count() as u32);
            self.emit(
                now,
                DomainEvent::TaskCancelled {
                    task,
                    wave: Some(wave),
                },
            );
        }
        for (order, units) in given_back {
            self.emit(
                now,
                DomainEvent::InventoryDeallocated { order, wave, units },
            );
        }
        self.dispatch(now);
    }

    /// Allocates an order's lines to pick faces, recording as short what no
    /// face holds. The lines are not yet placed in a trip.
    fn allocate_order(&mut self, now: SimTime, order: OrderId) -> Vec<PickLine> {
        let mut lines = Vec::new();
        // What is not yet known short (a wave cancelled after its release
        // found it short and let its stock go).
        let order_lines: Vec<(u32, SkuId, u32)> = self
            .orders
            .get(order)
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i as u32, l.sku, l.quantity - l.short))
            .filter(|&(_, _, quantity)| quantity > 0)
            .collect();
        for (i, sku, quantity) in order_lines {
            let mut split = self.inventory.allocate(sku, quantity);
            let mut covered: u32 = split.iter().map(|s| s.1).sum();
            // Every face of the SKU blocked: re-slot it (filled from reserve).
            let refill = if covered < quantity {
                self.reslot_if_blocked(now, sku)
            } else {
                None
            };
            if covered < quantity && (refill.is_some() || self.top_up(now, sku, quantity - covered))
            {
                // Picked from the face the replenishment is filling.
                for (face, units) in self.inventory.allocate(sku, quantity - covered) {
                    covered += units;
                    match split.iter_mut().find(|s| s.0 == face) {
                        Some(s) => s.1 += units,
                        None => split.push((face, units)),
                    }
                }
            }
            let faces: Vec<LocationId> = split.iter().map(|s| s.0).collect();
            for (location, q) in split {
                lines.push(PickLine {
                    slot: 0,
                    order_line: i,
                    sku,
                    location,
                    quantity: q,
                    picked: None,
                    leg_m: 0.0,
                });
            }
            if covered < quantity {
                self.record_shortage(now, order, i, quantity - covered);
            }
            if let Some((face, units)) = refill {
                self.open_replenishment(now, face, units);
            }
            for face in faces {
                self.check_min(now, face);
            }
        }
        lines
    }

    /// Turns the orders of a released wave (most urgent first) into pick
    /// trips by the site's picking strategy.
    fn create_pick_tasks(&mut self, now: SimTime, wave: WaveId, orders: &[OrderId]) {
        let mut allocated = Vec::with_capacity(orders.len());
        let mut faces: Vec<LocationId> = Vec::new();
        let mut wave_units = 0;
        for &o in orders {
            let lines = self.allocate_order(now, o);
            if lines.is_empty() {
                // Nothing of it can be picked: it will not ship.
                self.emit(now, DomainEvent::PickingCompleted { order: o });
                self.close_order(now, o);
            } else {
                let units = lines.iter().map(|l| l.quantity).sum();
                wave_units += units;
                faces.extend(lines.iter().map(|l| l.location));
                self.emit(
                    now,
                    DomainEvent::InventoryAllocated {
                        order: o,
                        wave,
                        lines: lines.len() as u32,
                        units,
                    },
                );
                allocated.push((o, lines));
            }
        }
        faces.sort_unstable();
        faces.dedup();
        self.emit(
            now,
            DomainEvent::LocationsReserved {
                wave,
                locations: faces.len() as u32,
                units: wave_units,
            },
        );
        let picking = self.config.picking;
        match picking {
            Picking::Discrete => {
                for order in allocated {
                    let tote = self.new_tote();
                    self.add_trip(now, wave, Trip::totes(vec![order], vec![tote]));
                }
            }
            Picking::Zone { mode } => {
                for (order, lines) in allocated {
                    let mut by_zone: Vec<(u16, Vec<PickLine>)> = Vec::new();
                    for l in lines {
                        let zone = self.master.get(l.location).zone;
                        match by_zone.iter_mut().find(|(z, _)| *z == zone) {
                            Some((_, ls)) => ls.push(l),
                            None => by_zone.push((zone, vec![l])),
                        }
                    }
                    by_zone.sort_by_key(|(z, _)| *z);
                    let zones = by_zone.len();
                    let shared = self.new_tote();
                    for (k, (zone, lines)) in by_zone.into_iter().enumerate() {
                        let tote = match (mode, k) {
                            (ZoneMode::Parallel, 1..) => self.new_tote(),
                            _ => shared,
                        };
                        let mut trip = Trip::totes(vec![(order, lines)], vec![tote]);
                        trip.zone = Some(zone);
                        if mode == ZoneMode::PickAndPass {
                            trip.held = k > 0;
                            trip.next = (k + 1 < zones).then(|| TaskId(self.tasks.next_id().0 + 1));
                        }
                        self.add_trip(now, wave, trip);
                    }
                }
            }
            Picking::Batch { .. } | Picking::Cluster { .. } | Picking::PutWall { .. } => {
                let (rule, capacity) = picking.batching().expect("a batching strategy");
                let stops: Vec<Vec<Point>> = allocated
                    .iter()
                    .map(|(_, lines)| {
                        lines
                            .iter()
                            .map(|l| self.master.get(l.location).point)
                            .collect()
                    })
                    .collect();
                let batches = crate::pick_execution::batch(&self.master, rule, capacity, &stops);
                let mut left: Vec<Option<(OrderId, Vec<PickLine>)>> =
                    allocated.into_iter().map(Some).collect();
                let put_wall = matches!(picking, Picking::PutWall { .. });
                for b in batches {
                    let orders: Vec<(OrderId, Vec<PickLine>)> = b
                        .iter()
                        .map(|&i| left[i].take().expect("batched once"))
                        .collect();
                    let totes = if put_wall { 1 } else { orders.len() };
                    let totes = (0..totes).map(|_| self.new_tote()).collect();
                    let mut trip = Trip::totes(orders, totes);
                    trip.put_wall = put_wall;
                    self.add_trip(now, wave, trip);
                }
            }
        }
    }

    /// The depot from which `policy` routes `stops` shortest (the main one
    /// on ties, or if the site has no other).
    fn nearest_depot(&self, policy: crate::routing::Policy, stops: &[Point]) -> u32 {
        let spec = &self.master.spec;
        let length = |depot| {
            crate::routing::route_from(&self.master, policy, depot, stops)
                .map_or(f64::INFINITY, |r| r.distance_m)
        };
        let mut best = (spec.depot_aisle, f64::INFINITY);
        if spec.extra_depots.is_empty() {
            return best.0;
        }
        best.1 = length(spec.depot_aisle);
        for &d in &spec.extra_depots {
            let l = length(d);
            if l < best.1 - 1e-9 {
                best = (d, l);
            }
        }
        best.0
    }

    pub(crate) fn new_tote(&mut self) -> ToteId {
        self.new_plate(PlateKind::Tote)
    }

    /// The next licence plate, opened as `kind` (a tote, or a packed
    /// parcel's carton).
    pub(crate) fn new_plate(&mut self, kind: PlateKind) -> ToteId {
        self.plates.next_tote += 1;
        let plate = ToteId(self.plates.next_tote - 1);
        self.plates.made(plate.0, kind);
        plate
    }

    /// Adds one pick trip: its orders' lines in the walking order of the
    /// site's routing policy, from the site's depot or its zone's hand-over
    /// point.
    fn add_trip(&mut self, now: SimTime, wave: WaveId, trip: Trip) -> TaskId {
        let id = self.tasks.next_id();
        let mut lines = Vec::new();
        let mut order_ids = Vec::with_capacity(trip.orders.len());
        let (mut priority, mut due) = (Priority::Standard, SimTime::MAX);
        for (slot, (order, order_lines)) in trip.orders.into_iter().enumerate() {
            lines.extend(order_lines.into_iter().map(|l| PickLine {
                slot: slot as u16,
                ..l
            }));
            let tote = trip.totes[slot.min(trip.totes.len() - 1)];
            let o = self.orders.get_mut(order);
            o.task.get_or_insert(id);
            o.tote.get_or_insert(tote);
            o.open_tasks += 1;
            if o.priority == Priority::Express {
                priority = Priority::Express;
            }
            due = due.min(o.due);
            order_ids.push(order);
        }
        let stops: Vec<Point> = lines
            .iter()
            .map(|l| self.master.get(l.location).point)
            .collect();
        let policy = self.config.routing;
        let depot = match trip.zone {
            Some(z) => self.master.zone_depot(z),
            None => self.nearest_depot(policy, &stops),
        };
        let plan = crate::routing::plan_from(&self.master, policy, depot, &stops)
            .expect("the site's routing policy fits its layout (checked when the site is built)");
        let distance_m = plan.distance_m();
        // Put the lines in walking order, each with its leg.
        let mut slots: Vec<Option<PickLine>> = lines.into_iter().map(Some).collect();
        let ordered: Vec<PickLine> = plan
            .order
            .iter()
            .zip(&plan.legs)
            .map(|(&i, &leg_m)| PickLine {
                leg_m,
                ..slots[i].take().expect("a plan visits each stop once")
            })
            .collect();
        self.waves.floor_lines += ordered.len() as u32;
        let task = Task {
            id,
            kind: TaskKind::Pick,
            status: TaskStatus::Pending,
            wave: Some(wave),
            orders: order_ids,
            totes: trip.totes,
            picking: self.config.picking.name(),
            zone: trip.zone,
            depot,
            next: trip.next,
            put_wall: trip.put_wall,
            priority,
            wave_priority: self
                .waves
                .find(wave)
                .map_or_else(Default::default, |w| w.priority),
            due,
            lines: ordered,
            distance_m,
            home_m: plan.home_m,
            policy: policy.name(),
            associate: None,
            created: now,
            assigned_at: None,
            started_at: None,
            completed_at: None,
            rtls_m: None,
            rtls_from_mm: None,
        };
        let created = DomainEvent::TaskCreated {
            task: id,
            task_type: TaskKind::Pick,
            wave: Some(wave),
            lines: task.lines.len() as u32,
            distance_m,
        };
        if trip.held {
            self.tasks.add_held(task);
        } else {
            self.tasks.add(task);
        }
        self.emit(now, created);
        id
    }
}
