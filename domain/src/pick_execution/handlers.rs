//! Pick execution's command handlers, written against the [`Site`]:
//! confirming picks, short picks and their retries, totes delivered.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply};
use crate::events::{CountReason, DomainEvent, TaskMetrics};
use crate::ids::{AssociateId, OrderId, StationId, TaskId, ToteId};
use crate::order_management::OrderStatus;
use crate::site::Site;
use crate::task_execution::{PickLine, TaskKind, TaskStatus};

use super::PickCompleted;

impl Site<'_, '_> {
    pub(crate) fn confirm_pick(
        &mut self,
        now: SimTime,
        associate: AssociateId,
        task: TaskId,
        line: u32,
        quantity: u32,
        barcode: Option<&str>,
    ) -> Result<Reply, CommandError> {
        let t = self.owned_task(associate, task, TaskStatus::InProgress)?;
        let stop = t
            .lines
            .get(line as usize)
            .ok_or(CommandError::UnknownLine { task, line })?;
        if stop.picked.is_some() {
            return Err(CommandError::LineConfirmed { task, line });
        }
        if self.inventory.location(stop.location).blocked {
            return self.location_exception(now, task, line as usize);
        }
        if t.kind != TaskKind::Pick {
            return self.confirm_stock_stop(now, task, line as usize, quantity);
        }
        if quantity > stop.quantity {
            return Err(CommandError::TooMany {
                max: stop.quantity,
                got: quantity,
            });
        }
        let item = &self.config.skus[stop.sku.index()];
        if barcode.is_none() && self.config.barcode_required {
            return Err(CommandError::BarcodeRequired {
                expected: item.code.clone(),
            });
        }
        if let Some(scanned) = barcode
            && !item.scans_as(scanned)
        {
            return Err(CommandError::WrongBarcode {
                expected: item.code.clone(),
                scanned: scanned.to_owned(),
            });
        }
        let stop = stop.clone();
        let order = t.orders[stop.slot as usize];
        // Accepted: record the pick.
        self.tasks.get_mut(task).lines[line as usize].picked = Some(quantity);
        let left = self.inventory.pick(stop.location, stop.quantity, quantity);
        self.orders.get_mut(order).lines[stop.order_line as usize].picked += quantity;
        self.trigger(PickCompleted);
        self.waves.floor_lines = self.waves.floor_lines.saturating_sub(1);
        self.emit(
            now,
            DomainEvent::PickCompleted {
                task,
                order,
                sku: stop.sku,
                location: stop.location,
                requested: stop.quantity,
                picked: quantity,
            },
        );
        if left == 0 {
            self.emit(
                now,
                DomainEvent::LocationStateChanged {
                    location: stop.location,
                    on_hand: 0,
                    occupied: false,
                },
            );
        }
        if quantity < stop.quantity {
            self.short_pick(now, task, order, &stop, stop.quantity - quantity);
            self.request_count(now, stop.location, CountReason::ShortPick);
        }
        self.check_min(now, stop.location);
        let next_line = self.tasks.get(task).next_line().map(|i| i as u32);
        Ok(Reply::PickRecorded { next_line })
    }

    /// The short-pick flow. **A short pick retries from an alternative
    /// location**: the missing units are asked of other faces holding the
    /// SKU (appended to the task), and what cannot be found is recorded as a
    /// shortage. The location is counted next (see `request_count`).
    pub(crate) fn short_pick(
        &mut self,
        now: SimTime,
        task: TaskId,
        order: OrderId,
        stop: &PickLine,
        missing: u32,
    ) {
        let split = self.inventory.allocate(stop.sku, missing);
        let covered: u32 = split.iter().map(|s| s.1).sum();
        let seq = self.emit(
            now,
            DomainEvent::ShortPicked {
                task,
                order,
                sku: stop.sku,
                location: stop.location,
                missing,
                retry_from: split.first().map(|s| s.0),
            },
        );
        self.tracking.doubted(stop.location, seq);
        // The retries go at the end of the route: from its last stop to each
        // of them, then home.
        self.append_stops(task, stop, &split);
        self.waves.floor_lines += split.len() as u32;
        if covered < missing {
            self.record_shortage(now, order, stop.order_line, missing - covered);
        }
    }

    pub(crate) fn deliver_tote(
        &mut self,
        now: SimTime,
        associate: AssociateId,
        task: TaskId,
    ) -> Result<Reply, CommandError> {
        let t = self.owned_task(associate, task, TaskStatus::InProgress)?;
        let open = t.lines.iter().filter(|l| l.picked.is_none()).count();
        if open > 0 {
            return Err(CommandError::StopsOpen { task, open });
        }
        let travelled = self.tracking.travelled_mm(associate);
        let done = self.tasks.get_mut(task);
        done.status = TaskStatus::Completed;
        done.completed_at = Some(now);
        done.rtls_m =
            travelled.map(|mm| mm.saturating_sub(done.rtls_from_mm.unwrap_or(0)) as f64 / 1000.0);
        let t = done.clone();
        let (distance_m, home) = (t.distance_m, t.depot_point());
        let a = &mut self.tasks.associates[associate.index()];
        a.current = None;
        a.tasks_done += 1;
        if t.kind == TaskKind::Pick {
            // The learned pick rate counts picking only.
            a.lines_done += t.lines.len() as u32;
            a.busy_ms += now
                .saturating_since(t.started_at.unwrap_or(now))
                .as_millis();
        }
        a.position = home;
        self.emit(
            now,
            DomainEvent::TaskCompleted {
                task,
                task_type: t.kind,
                associate,
                completed_at: now,
                metrics: TaskMetrics {
                    distance_m,
                    lines: t.lines.len() as u32,
                    units: t.lines.iter().filter_map(|l| l.picked).sum(),
                    duration_ms: now
                        .saturating_since(t.started_at.unwrap_or(now))
                        .as_millis(),
                },
            },
        );
        if t.kind == TaskKind::Reslot {
            self.reslot_done(now, &t);
        }
        let mut stations = Vec::new();
        let mut to_sort = Vec::new();
        for (slot, &order) in t.orders.iter().enumerate() {
            let tote = t.totes[slot.min(t.totes.len() - 1)];
            let o = self.orders.get_mut(order);
            o.open_tasks -= 1;
            if let Some(next) = t.next {
                // Pick-and-pass: the tote goes on to the next zone.
                self.tasks.open(next);
                self.emit(
                    now,
                    DomainEvent::TotePassed {
                        task,
                        next,
                        tote,
                        order,
                    },
                );
                continue;
            }
            if o.open_tasks > 0 {
                // Parallel zones: the others' totes are still on their way.
                continue;
            }
            o.picked_at = Some(now);
            o.status = OrderStatus::Picked;
            let nothing_picked = o.picked_units() == 0;
            self.emit(now, DomainEvent::PickingCompleted { order });
            if nothing_picked {
                // Every unit was short: there is nothing to pack or ship.
                self.close_order(now, order);
            } else if t.put_wall {
                to_sort.push(order);
            } else if self.conveyor.is_some() {
                // The tote rides the conveyor from the zone's induct; it
                // queues at its station when it is discharged there.
                let zone = self.drop_zone(&t);
                self.induct_for_packing(now, order, tote, zone);
            } else {
                stations.push(self.queue_for_packing(now, order, tote));
            }
        }
        let put_wall = if t.put_wall && !to_sort.is_empty() {
            let wall = self
                .pack
                .least_loaded_wall()
                .expect("put-wall picking has walls");
            self.pack.put_walls[wall as usize].queue.push_back(task);
            Some(wall)
        } else {
            None
        };
        if t.next.is_some() {
            self.dispatch(now);
        }
        stations.sort_unstable();
        stations.dedup();
        Ok(Reply::ToteDelivered { stations, put_wall })
    }

    /// Sends a picked order in its tote to the least loaded pack station.
    pub(crate) fn queue_for_packing(
        &mut self,
        now: SimTime,
        order: OrderId,
        tote: ToteId,
    ) -> StationId {
        let station = self.pack.least_loaded();
        self.pack.stations[station.index()].queue.push_back(order);
        self.orders.get_mut(order).station = Some(station);
        let to = self.master.stage[station.index()];
        self.plate_moved(now, tote, order, to);
        station
    }
}
