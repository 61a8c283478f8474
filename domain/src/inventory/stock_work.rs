//! The stock work around picking: receipts put away (PUTAWAY), min/max
//! replenishment of pick faces from reserve (REPLENISH), and the
//! confirmation of those tasks' stops.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply};
use crate::events::{DomainEvent, Priority};
use crate::ids::{LocationId, SkuId, TaskId};
use crate::location_master::LocationKind;
use crate::site::Site;
use crate::task_execution::{PickLine, Task, TaskKind, TaskStatus};
use crate::vocabulary::WavePriority;

use super::StockPutAway;

impl Site<'_, '_> {
    /// Units a face is filled to: the replenishment maximum, or what faces
    /// held at the start.
    pub(crate) fn face_target(&self) -> u32 {
        self.config
            .replenishment
            .map_or(self.config.pick_face_units, |mm| mm.max)
    }

    /// A single-stop task from the depot to `location` and back (REPLENISH,
    /// COUNT or PUTAWAY), due at `due`.
    pub(crate) fn stock_task(
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
                TaskKind::Reslot => "reslot",
                TaskKind::Pick => "pick",
            },
            zone: None,
            depot: depot.aisle,
            next: None,
            put_wall: false,
            priority,
            wave_priority: WavePriority::Standard,
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
        self.emit(
            now,
            DomainEvent::TaskCreated {
                task: id,
                task_type: kind,
                wave: None,
                lines: 1,
                distance_m: 2.0 * leg_m,
            },
        );
        id
    }

    /// Opens a REPLENISH task bringing `units` from reserve to `face`.
    pub(crate) fn replenish(&mut self, now: SimTime, face: LocationId, units: u32) {
        if units == 0 {
            return;
        }
        let sku = self
            .inventory
            .location(face)
            .sku
            .expect("replenishments go to slotted faces");
        let units = self.within_capacity(now, face, sku, units);
        if units == 0 {
            return;
        }
        self.inventory.start_replenishment(face, sku, units);
        self.open_replenishment(now, face, units);
    }

    /// The REPLENISH task for `units` already taken from reserve for
    /// `face`: urgent (express, due now) if picks already wait for them,
    /// else due within the wave lead time.
    pub(crate) fn open_replenishment(&mut self, now: SimTime, face: LocationId, units: u32) {
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
    pub(crate) fn check_min(&mut self, now: SimTime, face: LocationId) {
        let Some(mm) = self.config.replenishment else {
            return;
        };
        let loc = *self.inventory.location(face);
        let Some(sku) = loc.sku else { return };
        // A face being moved is filled by its move.
        if !loc.usable() || loc.incoming > 0 || self.master.reslotting.moving.contains(&face) {
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
    pub(crate) fn top_up(&mut self, now: SimTime, sku: SkuId, need: u32) -> bool {
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

    /// Goods received at the dock: a PUTAWAY task takes them to the SKU's
    /// first face within reach while it has room (up to the face target),
    /// the rest to the SKU's reserve location.
    pub(crate) fn receive_stock(
        &mut self,
        now: SimTime,
        code: &str,
        units: u32,
    ) -> Result<Reply, CommandError> {
        let sku = self
            .codes
            .sku(code)
            .ok_or_else(|| CommandError::UnknownReceiptSku(code.to_owned()))?;
        if units == 0 {
            return Err(CommandError::NoUnits);
        }
        let room = self.inventory.room(sku);
        if units > room {
            return Err(CommandError::TooMuchStock { units, room });
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
        // The face's capacity, if it is less than its target.
        let capacity = face.map_or(0, |f| self.capacity_room(f, sku));
        let to_face = units.min(room).min(capacity);
        let mut stops = Vec::new();
        if let (Some(face), true) = (face, to_face > 0) {
            stops.push((face, to_face));
        }
        if units > to_face {
            let Some(reserve) = self.inventory.sku(sku).reserve_at else {
                return Err(CommandError::NoReserveLocation {
                    sku: code.to_owned(),
                    room: to_face,
                });
            };
            stops.push((reserve, units - to_face));
        }
        if let Some(face) = face
            && units.min(room) > capacity
        {
            self.within_capacity(now, face, sku, units.min(room));
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

    /// A REPLENISH or COUNT stop confirmed.
    pub(crate) fn confirm_stock_stop(
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
                self.inventory.counts_open.remove(&stop.location);
                let seq = self.emit(
                    now,
                    DomainEvent::InventoryAdjusted {
                        task,
                        location: stop.location,
                        sku: stop.sku,
                        books,
                        counted: quantity,
                    },
                );
                self.tracking
                    .counted(stop.location, stop.sku, books, quantity, seq);
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
                self.trigger(StockPutAway { at: now });
                if !to_face {
                    self.tasks.get_mut(task).lines[line].picked = Some(quantity);
                    let next_line = self.tasks.get(task).next_line().map(|i| i as u32);
                    return Ok(Reply::PickRecorded { next_line });
                }
                on_hand
            }
            TaskKind::Reslot => self.confirm_reslot_stop(now, task, line, quantity)?,
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
}
