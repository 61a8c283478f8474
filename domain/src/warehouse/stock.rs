//! Location master ↔ physical tracking and the stock work around picking
//! (seed diagram 3): blocked locations, the location exception a pick there
//! raises, re-slotting and re-routing, REPLENISH tasks (min/max from
//! reserve), COUNT tasks (after a short pick, and cycle counts), and the
//! reconciliation of master data, books and physical state.

use serde::Serialize;

use super::*;
use crate::events::CountReason;

/// One disagreement between master data, the books and the physical state,
/// with the fact that explains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variance {
    /// What disagrees.
    pub kind: VarianceKind,
    /// The location.
    pub location: LocationId,
    /// The SKU, if any.
    pub sku: Option<SkuId>,
    /// Units concerned (signed: counted minus books for an adjustment).
    pub units: i64,
    /// Sequence number in the event log of the fact that explains it, if
    /// any: a variance without one is a fault to investigate.
    pub explained_by: Option<u64>,
}

/// Kinds of variance the reconciliation looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VarianceKind {
    /// Stock on the books in a blocked location: out of reach.
    BlockedStock,
    /// A count found a different quantity than the books held.
    CountAdjusted,
    /// A short pick put a location in doubt and no count has settled it.
    CountPending,
    /// The SKU a location holds on the books differs from the master's
    /// slotting.
    SlottingMismatch,
    /// A SKU's totals differ from the sum of its locations.
    BooksMismatch,
    /// Once RTLS follows totes: the totes it sees at a staging lane or dock
    /// door differ from those the WES has queued or waiting there (a tote
    /// put down at the wrong station, a parcel at the wrong door).
    OccupancyMismatch,
}

impl Warehouse {
    pub(super) fn set_blocked(
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
            self.emit(
                now,
                DomainEvent::LocationConfigChanged {
                    location,
                    blocked,
                    reason,
                },
            );
            if !blocked {
                self.check_min(now, location);
            }
        }
        Ok(Reply::Done)
    }

    /// Pick execution found stop `line` of `task` at a blocked location:
    /// the exception, re-slotting of the SKU, and every open task's stops
    /// there moved to faces within reach.
    pub(super) fn location_exception(
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
                self.counts_open.remove(&stop.location);
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
    fn reslot(&mut self, now: SimTime, sku: SkuId, from: LocationId) -> Option<(LocationId, u32)> {
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
    pub(super) fn reslot_if_blocked(
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

    /// Units a face is filled to: the replenishment maximum, or what faces
    /// held at the start.
    fn face_target(&self) -> u32 {
        self.config
            .replenishment
            .map_or(self.config.pick_face_units, |mm| mm.max)
    }

    /// Moves every unpicked pick stop at `from` to faces within reach; what
    /// none can cover is recorded short. `current` is the task and stop
    /// whose picker stands at `from`, and where.
    fn reroute(&mut self, now: SimTime, from: LocationId, current: Option<(TaskId, usize, Point)>) {
        let open: Vec<TaskId> = self
            .tasks
            .all()
            .iter()
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
                    self.floor_lines = self.floor_lines.saturating_sub(1);
                } else {
                    let (to, quantity) = split.remove(0);
                    self.tasks.get_mut(task).lines[i].quantity = quantity;
                    let walker = current.filter(|c| (c.0, c.1) == (task, i)).map(|c| c.2);
                    self.repoint(task, i, to, walker);
                    self.append_stops(task, &stop, &split);
                    self.floor_lines += split.len() as u32;
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
    fn repoint(&mut self, task: TaskId, i: usize, location: LocationId, walker: Option<Point>) {
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

    /// Appends stops like `stop` (its SKU and order line) at the end of the
    /// route, from its last stop to each, then home. Pick stops are counted
    /// on the floor by the caller.
    pub(super) fn append_stops(
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

    /// A single-stop task from the depot to `location` and back (REPLENISH,
    /// COUNT or PUTAWAY), due at `due`.
    fn stock_task(
        &mut self,
        now: SimTime,
        kind: TaskKind,
        sku: SkuId,
        location: LocationId,
        quantity: u32,
        (priority, due): (Priority, SimTime),
    ) -> TaskId {
        let id = self.tasks.next_id();
        let depot = self.master.depot();
        let leg_m = self.master.distance(depot, self.master.get(location).point);
        self.tasks.add(Task {
            id,
            kind,
            status: TaskStatus::Pending,
            wave: None,
            orders: Vec::new(),
            totes: Vec::new(),
            picking: match kind {
                TaskKind::Replenish => "replenish",
                TaskKind::Count => "count",
                TaskKind::Putaway => "putaway",
                TaskKind::Pick => "pick",
            },
            zone: None,
            depot: depot.aisle,
            next: None,
            put_wall: false,
            priority,
            due,
            lines: vec![PickLine {
                slot: 0,
                order_line: 0,
                sku,
                location,
                quantity,
                picked: None,
                leg_m,
            }],
            distance_m: 2.0 * leg_m,
            home_m: leg_m,
            policy: "direct",
            associate: None,
            created: now,
            assigned_at: None,
            started_at: None,
            completed_at: None,
            rtls_m: None,
            rtls_from_mm: None,
        });
        id
    }

    /// Opens a REPLENISH task bringing `units` from reserve to `face`.
    fn replenish(&mut self, now: SimTime, face: LocationId, units: u32) {
        if units == 0 {
            return;
        }
        let sku = self
            .inventory
            .location(face)
            .sku
            .expect("replenishments go to slotted faces");
        self.inventory.start_replenishment(face, sku, units);
        self.open_replenishment(now, face, units);
    }

    /// The REPLENISH task for `units` already taken from reserve for
    /// `face`: urgent (express, due now) if picks already wait for them,
    /// else due within the wave lead time.
    pub(super) fn open_replenishment(&mut self, now: SimTime, face: LocationId, units: u32) {
        let loc = self.inventory.location(face);
        let sku = loc.sku.expect("replenishments go to slotted faces");
        let (priority, due) = if loc.allocated > loc.on_hand {
            (Priority::Express, now)
        } else {
            (Priority::Standard, now + self.config.wave.cutoff_lead)
        };
        let task = self.stock_task(now, TaskKind::Replenish, sku, face, units, (priority, due));
        self.emit(
            now,
            DomainEvent::ReplenishmentRequested {
                task,
                sku,
                location: face,
                units,
            },
        );
        self.dispatch(now);
    }

    /// Min/max: refills `face` from reserve when what it holds and has on
    /// its way, less what is promised to pick lines, is at or below the
    /// minimum, and no replenishment is on its way yet.
    pub(super) fn check_min(&mut self, now: SimTime, face: LocationId) {
        let Some(mm) = self.config.replenishment else {
            return;
        };
        let loc = *self.inventory.location(face);
        let Some(sku) = loc.sku else { return };
        if !loc.usable() || loc.incoming > 0 {
            return;
        }
        let level = loc.on_hand.saturating_sub(loc.allocated);
        if level > mm.min {
            return;
        }
        let units = (mm.max.saturating_sub(level)).min(self.inventory.sku(sku).reserve);
        self.replenish(now, face, units);
    }

    /// Release found fewer units in the faces than an order line needs:
    /// bring `need` (or the face's maximum if more; less if reserve holds
    /// less) from reserve to the SKU's first face within reach, if the site
    /// replenishes.
    pub(super) fn top_up(&mut self, now: SimTime, sku: SkuId, need: u32) -> bool {
        if self.config.replenishment.is_none() {
            return false;
        }
        let s = self.inventory.sku(sku);
        let reserve = s.reserve;
        let Some(face) = s
            .faces
            .iter()
            .copied()
            .find(|&f| self.inventory.location(f).usable())
        else {
            return false;
        };
        let units = need.max(self.face_target()).min(reserve);
        if units == 0 {
            return false;
        }
        self.replenish(now, face, units);
        true
    }

    /// Opens a COUNT task for `location`, unless one is open.
    pub(super) fn request_count(
        &mut self,
        now: SimTime,
        location: LocationId,
        reason: CountReason,
    ) {
        if !self.counts_open.insert(location) {
            return;
        }
        let stock = self.inventory.location(location);
        let (books, sku) = (
            stock.on_hand,
            stock.sku.expect("counts go to slotted locations"),
        );
        let due = now + self.config.wave.cutoff_lead;
        let task = self.stock_task(
            now,
            TaskKind::Count,
            sku,
            location,
            books,
            (Priority::Standard, due),
        );
        self.emit(
            now,
            DomainEvent::CountRequested {
                task,
                location,
                reason,
            },
        );
        self.dispatch(now);
    }

    /// The cycle-count plan: the next slotted pick face in turn that is
    /// within reach and not already being counted.
    pub(super) fn cycle_count(&mut self, now: SimTime) {
        let n = self.config.slotting.len();
        for _ in 0..n {
            let (_, location) = self.config.slotting[self.cycle_cursor % n];
            self.cycle_cursor += 1;
            if self.inventory.location(location).usable() && !self.counts_open.contains(&location) {
                self.request_count(now, location, CountReason::Cycle);
                return;
            }
        }
    }

    /// A REPLENISH or COUNT stop confirmed.
    pub(super) fn confirm_stock_stop(
        &mut self,
        now: SimTime,
        task: TaskId,
        line: usize,
        quantity: u32,
    ) -> Result<Reply, CommandError> {
        let t = self.tasks.get(task);
        let stop = t.lines[line].clone();
        let kind = t.kind;
        let on_hand = match kind {
            TaskKind::Replenish => {
                if quantity > stop.quantity {
                    return Err(CommandError::TooMany {
                        max: stop.quantity,
                        got: quantity,
                    });
                }
                let on_hand =
                    self.inventory
                        .complete_replenishment(stop.location, stop.quantity, quantity);
                self.emit(
                    now,
                    DomainEvent::StockReplenished {
                        task,
                        sku: stop.sku,
                        location: stop.location,
                        units: quantity,
                    },
                );
                on_hand
            }
            TaskKind::Count => {
                let books = self.inventory.adjust(stop.location, quantity);
                self.counts_open.remove(&stop.location);
                self.emit(
                    now,
                    DomainEvent::InventoryAdjusted {
                        task,
                        location: stop.location,
                        sku: stop.sku,
                        books,
                        counted: quantity,
                    },
                );
                quantity
            }
            TaskKind::Putaway => {
                if quantity > stop.quantity {
                    return Err(CommandError::TooMany {
                        max: stop.quantity,
                        got: quantity,
                    });
                }
                let to_face = self.master.get(stop.location).kind == LocationKind::Pick;
                let on_hand = if to_face {
                    self.inventory
                        .put_away_to_face(stop.location, stop.quantity, quantity)
                } else {
                    self.inventory.put_away_to_reserve(stop.sku, quantity);
                    0
                };
                self.emit(
                    now,
                    DomainEvent::StockPutAway {
                        task,
                        sku: stop.sku,
                        location: stop.location,
                        units: quantity,
                    },
                );
                self.retry_backorders(now);
                if !to_face {
                    self.tasks.get_mut(task).lines[line].picked = Some(quantity);
                    let next_line = self.tasks.get(task).next_line().map(|i| i as u32);
                    return Ok(Reply::PickRecorded { next_line });
                }
                on_hand
            }
            TaskKind::Pick => unreachable!("pick stops are confirmed by confirm_pick"),
        };
        self.tasks.get_mut(task).lines[line].picked = Some(quantity);
        self.emit(
            now,
            DomainEvent::LocationStateChanged {
                location: stop.location,
                on_hand,
                occupied: on_hand > 0,
            },
        );
        self.check_min(now, stop.location);
        let next_line = self.tasks.get(task).next_line().map(|i| i as u32);
        Ok(Reply::PickRecorded { next_line })
    }

    /// Goods received at the dock: a PUTAWAY task takes them to the SKU's
    /// first face within reach while it has room (up to the face target),
    /// the rest to the SKU's reserve location.
    pub(super) fn receive_stock(
        &mut self,
        now: SimTime,
        code: &str,
        units: u32,
    ) -> Result<Reply, CommandError> {
        let sku = self
            .sku_by_code(code)
            .ok_or_else(|| CommandError::UnknownReceiptSku(code.to_owned()))?;
        if units == 0 {
            return Err(CommandError::NoUnits);
        }
        let face = self
            .inventory
            .sku(sku)
            .faces
            .iter()
            .copied()
            .find(|&f| self.inventory.location(f).usable());
        let room = face.map_or(0, |f| {
            let l = self.inventory.location(f);
            self.face_target().saturating_sub(l.on_hand + l.incoming)
        });
        let to_face = units.min(room);
        let reserve = self
            .master
            .locations
            .iter()
            .position(|l| l.kind == LocationKind::Reserve)
            .map(|first| LocationId((first + sku.index()) as u32))
            .expect("the master has a reserve location per SKU");
        let mut stops = Vec::new();
        if let (Some(face), true) = (face, to_face > 0) {
            stops.push((face, to_face));
        }
        if units > to_face {
            stops.push((reserve, units - to_face));
        }
        self.inventory.receive(sku, units);
        let due = now + self.config.wave.cutoff_lead;
        let (first, quantity) = stops[0];
        let task = self.stock_task(
            now,
            TaskKind::Putaway,
            sku,
            first,
            quantity,
            (Priority::Standard, due),
        );
        // Face, then reserve, then back to the depot.
        let first_stop = self.tasks.get(task).lines[0].clone();
        self.append_stops(task, &first_stop, &stops[1..]);
        self.emit(now, DomainEvent::StockReceived { task, sku, units });
        self.dispatch(now);
        Ok(Reply::Done)
    }

    /// Stock came in: orders waiting for it are reserved, oldest first.
    fn retry_backorders(&mut self, now: SimTime) {
        let waiting: Vec<OrderId> = self
            .orders
            .all()
            .iter()
            .filter(|o| o.status == OrderStatus::Backordered)
            .map(|o| o.id)
            .collect();
        for id in waiting {
            let wanted: Vec<(SkuId, u32)> = self
                .orders
                .get(id)
                .lines
                .iter()
                .map(|l| (l.sku, l.quantity))
                .collect();
            if let Ok(units) = self.inventory.reserve_all(&wanted) {
                let o = self.orders.get_mut(id);
                o.status = OrderStatus::Reserved;
                o.reserved_at = Some(now);
                self.waves.waiting.push_back(id);
                self.emit(now, DomainEvent::InventoryReserved { order: id, units });
            }
        }
    }

    /// Compares the location master, the books and the physical state, and
    /// explains every variance found by the fact that caused it.
    #[must_use]
    pub fn reconcile(&self) -> Vec<Variance> {
        let mut out = Vec::new();
        // The last fact about each location: who blocked it, who put it in
        // doubt, what each count found.
        let mut blocked_by = HashMap::new();
        let mut doubted_by = HashMap::new();
        for r in self.bus.log() {
            match &r.event {
                DomainEvent::LocationConfigChanged {
                    location,
                    blocked: true,
                    ..
                } => {
                    blocked_by.insert(*location, r.seq);
                }
                DomainEvent::PickShort { location, .. } => {
                    doubted_by.insert(*location, r.seq);
                }
                DomainEvent::InventoryAdjusted {
                    location,
                    sku,
                    books,
                    counted,
                    ..
                } if books != counted => out.push(Variance {
                    kind: VarianceKind::CountAdjusted,
                    location: *location,
                    sku: Some(*sku),
                    units: i64::from(*counted) - i64::from(*books),
                    explained_by: Some(r.seq),
                }),
                _ => {}
            }
        }
        for (i, stock) in self.inventory.locations().iter().enumerate() {
            let location = LocationId(i as u32);
            let master = self.master.locations[i].sku;
            if master != stock.sku {
                // Re-slotting writes both; a difference has no explanation.
                out.push(Variance {
                    kind: VarianceKind::SlottingMismatch,
                    location,
                    sku: stock.sku.or(master),
                    units: i64::from(stock.on_hand),
                    explained_by: None,
                });
            }
            if stock.blocked && stock.on_hand > 0 {
                out.push(Variance {
                    kind: VarianceKind::BlockedStock,
                    location,
                    sku: stock.sku,
                    units: i64::from(stock.on_hand),
                    explained_by: blocked_by.get(&location).copied(),
                });
            }
            if stock.count_pending {
                out.push(Variance {
                    kind: VarianceKind::CountPending,
                    location,
                    sku: stock.sku,
                    units: 0,
                    explained_by: doubted_by.get(&location).copied(),
                });
            }
        }
        for i in 0..self.inventory.sku_count() {
            let sku = SkuId(i as u32);
            let s = self.inventory.sku(sku);
            let (mut reach, mut blocked, mut incoming) = (0u32, 0u32, 0u32);
            for &f in &s.faces {
                let l = self.inventory.location(f);
                if l.blocked {
                    blocked += l.on_hand;
                } else {
                    reach += l.on_hand;
                }
                incoming += l.incoming;
            }
            if (reach, blocked, incoming) != (s.on_hand, s.blocked, s.incoming) {
                out.push(Variance {
                    kind: VarianceKind::BooksMismatch,
                    location: s.faces.first().copied().unwrap_or(LocationId(0)),
                    sku: Some(sku),
                    units: i64::from(reach) - i64::from(s.on_hand),
                    explained_by: None,
                });
            }
        }
        if self.tracking.follows_totes() {
            for (location, expected) in self.expected_totes() {
                let seen = self.tracking.totes_at(location);
                if seen != expected {
                    out.push(Variance {
                        kind: VarianceKind::OccupancyMismatch,
                        location,
                        sku: None,
                        units: i64::from(seen) - i64::from(expected),
                        explained_by: None,
                    });
                }
            }
        }
        out
    }

    /// The totes the WES has at each staging lane (queued for its station)
    /// and dock door (parcels waiting for their carrier).
    fn expected_totes(&self) -> Vec<(LocationId, u32)> {
        let mut out: Vec<(LocationId, u32)> = self
            .stage
            .iter()
            .zip(&self.pack.stations)
            .map(|(&l, s)| (l, s.queue.len() as u32))
            .collect();
        let mut docks: Vec<(LocationId, u32)> = self.docks.iter().map(|&d| (d, 0)).collect();
        for (c, parcels) in self.pack.at_dock.iter().enumerate() {
            docks[c % self.docks.len()].1 += parcels.len() as u32;
        }
        out.extend(docks);
        out
    }
}
