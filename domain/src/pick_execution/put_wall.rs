//! Put walls: bulk totes picked for many orders are sorted into one slot
//! per order (the seed's `PutWallSlot`); a complete slot's order queues for
//! packing.
//!
//! An operator scans a bulk tote waiting at the wall (`ScanBulkTote`; the
//! virtual operator takes the next, `StartSort`): its orders get the wall's
//! slots, each expecting the units picked for it. Then they put items into
//! slots (`PutIntoSlot`, by SKU and quantity: a SKU the slot's order did
//! not get from this tote is refused, as is more than it still expects;
//! `PutItem` puts a whole stop). A slot completes at its expected count
//! (`PutWallOrderCompleted`) and its order goes to packing. A slot that
//! cannot complete (an item damaged at the wall) is closed short
//! (`CloseSlot`): what is missing is recorded short and the order goes on
//! with what is in it.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply};
use crate::events::DomainEvent;
use crate::ids::{OrderId, SkuId, TaskId, ToteId};
use crate::pack_ship::{PutWall, PutWallSlot};
use crate::site::Site;
use crate::task_execution::PickLine;

impl Site<'_, '_> {
    pub(crate) fn put_wall(&self, wall: u16) -> Result<&PutWall, CommandError> {
        self.pack
            .put_walls
            .get(wall as usize)
            .ok_or(CommandError::UnknownPutWall(wall))
    }

    /// A put-wall operator takes the next bulk tote: its orders get the
    /// wall's slots, each expecting the units picked for it.
    pub(crate) fn start_sort(&mut self, _now: SimTime, wall: u16) -> Result<Reply, CommandError> {
        self.ensure_wall_free(wall)?;
        let Some(task) = self.pack.put_walls[wall as usize].queue.pop_front() else {
            return Ok(Reply::Sorting { task: None });
        };
        self.begin_sort(wall, task);
        Ok(Reply::Sorting { task: Some(task) })
    }

    /// A put-wall operator scans bulk tote `tote`, waiting at `wall`, and
    /// sorts it next.
    pub(crate) fn scan_bulk_tote(
        &mut self,
        wall: u16,
        tote: ToteId,
    ) -> Result<Reply, CommandError> {
        self.ensure_wall_free(wall)?;
        let queue = &self.pack.put_walls[wall as usize].queue;
        let Some(at) = queue
            .iter()
            .position(|&t| self.tasks.get(t).totes.first() == Some(&tote))
        else {
            return Err(CommandError::ToteNotAtPutWall { wall, tote });
        };
        let task = self.pack.put_walls[wall as usize]
            .queue
            .remove(at)
            .expect("found above");
        self.begin_sort(wall, task);
        Ok(Reply::Sorting { task: Some(task) })
    }

    fn ensure_wall_free(&self, wall: u16) -> Result<(), CommandError> {
        match &self.put_wall(wall)?.sorting {
            Some((task, _)) => Err(CommandError::PutWallBusy { wall, task: *task }),
            None => Ok(()),
        }
    }

    fn begin_sort(&mut self, wall: u16, task: TaskId) {
        let t = self.tasks.get(task);
        let slots = t
            .orders
            .iter()
            .map(|&order| {
                let expected = self.orders.get(order).picked_units();
                PutWallSlot {
                    order,
                    expected,
                    current: 0,
                    // An order found short everywhere was closed at delivery.
                    complete: expected == 0,
                }
            })
            .collect();
        let lines = t.lines.len();
        let w = &mut self.pack.put_walls[wall as usize];
        w.slots = slots;
        w.sorting = Some((task, vec![0; lines]));
    }

    /// The task a wall sorts, if it is `task`.
    fn sorting(&self, wall: u16, task: TaskId) -> Result<&Vec<u32>, CommandError> {
        match &self.put_wall(wall)?.sorting {
            Some((sorting, put)) if *sorting == task => Ok(put),
            _ => Err(CommandError::NotAtPutWall { wall, task }),
        }
    }

    /// Puts one stop's units into its order's slot; a slot that completes
    /// sends its order to packing.
    pub(crate) fn put_item(
        &mut self,
        now: SimTime,
        wall: u16,
        task: TaskId,
        line: u32,
    ) -> Result<Reply, CommandError> {
        let put = self.sorting(wall, task)?;
        let stop = self
            .tasks
            .get(task)
            .lines
            .get(line as usize)
            .ok_or(CommandError::UnknownLine { task, line })?;
        let left = stop.picked.unwrap_or(0) - put[line as usize];
        if left == 0 && put[line as usize] > 0 {
            return Err(CommandError::LineConfirmed { task, line });
        }
        let slot = stop.slot;
        Ok(self.put_units(now, wall, task, slot, &[(line as usize, left)]))
    }

    /// Puts `quantity` units of `sku` into slot `slot` of the wall (the
    /// seed's `PutWallSlot.addItem`): refused for a slot not in the sort
    /// or already complete, a SKU its order did not get from this tote,
    /// and more units than it still expects of it.
    pub(crate) fn put_into_slot(
        &mut self,
        now: SimTime,
        wall: u16,
        slot: u16,
        sku: SkuId,
        quantity: u32,
    ) -> Result<Reply, CommandError> {
        let (task, _) = self.open_slot(wall, slot)?;
        if quantity == 0 {
            return Err(CommandError::NothingPut);
        }
        // The stops of this slot's order with this SKU, and what each
        // still has to put.
        let stops: Vec<(usize, u32)> = self
            .left_to_put(wall, task)
            .filter(|(_, l, _)| l.slot == slot && l.sku == sku)
            .map(|(i, _, left)| (i, left))
            .collect();
        if stops.is_empty() {
            return Err(CommandError::WrongSlotSku { wall, slot, sku });
        }
        let open: u32 = stops.iter().map(|s| s.1).sum();
        if quantity > open {
            return Err(CommandError::TooManyForSlot {
                wall,
                slot,
                left: open,
                got: quantity,
            });
        }
        let mut rest = quantity;
        let mut units = Vec::new();
        for (line, left) in stops {
            let take = left.min(rest);
            if take > 0 {
                units.push((line, take));
                rest -= take;
            }
        }
        Ok(self.put_units(now, wall, task, slot, &units))
    }

    /// Closes slot `slot` short: the units it still expects are recorded
    /// short (their order will not have them) and the order goes to
    /// packing with what is in it, as a complete slot's would (or, with
    /// nothing in it, closes).
    pub(crate) fn close_slot(
        &mut self,
        now: SimTime,
        wall: u16,
        slot: u16,
    ) -> Result<Reply, CommandError> {
        let (task, order) = self.open_slot(wall, slot)?;
        // Each stop of the slot with units not put: short by those units.
        let missing: Vec<(usize, u32, u32)> = self
            .left_to_put(wall, task)
            .filter(|&(_, l, left)| l.slot == slot && left > 0)
            .map(|(i, l, left)| (i, l.order_line, left))
            .collect();
        // The units left the shelf when they were picked (stock and
        // reservation are already down by them): they are short, not back.
        for &(_, order_line, units) in &missing {
            let l = &mut self.orders.get_mut(order).lines[order_line as usize];
            l.picked = l.picked.saturating_sub(units);
            l.short += units;
            let sku = l.sku;
            self.emit(now, DomainEvent::ShortageRecorded { order, sku, units });
        }
        let w = &mut self.pack.put_walls[wall as usize];
        let put = &mut w.sorting.as_mut().expect("checked above").1;
        for (i, _, units) in missing {
            put[i] += units;
        }
        let s = &mut w.slots[slot as usize];
        s.expected = s.current;
        s.complete = true;
        // With nothing in it, the order has nothing to pack: it closes.
        let empty = s.current == 0;
        if empty {
            self.close_order(now, order);
        }
        Ok(self.slot_done(now, wall, task, slot, !empty))
    }

    /// The sort under way at `wall` and the order of its slot `slot`, if
    /// that slot can still take items.
    fn open_slot(&self, wall: u16, slot: u16) -> Result<(TaskId, OrderId), CommandError> {
        let w = self.put_wall(wall)?;
        let Some((task, _)) = &w.sorting else {
            return Err(CommandError::NothingToSort(wall));
        };
        let s = w
            .slots
            .get(slot as usize)
            .ok_or(CommandError::UnknownSlot { wall, slot })?;
        if s.complete {
            return Err(CommandError::SlotComplete { wall, slot });
        }
        Ok((*task, s.order))
    }

    /// Each stop of `task`, sorted at `wall`, with the units it still has
    /// to put.
    fn left_to_put(
        &self,
        wall: u16,
        task: TaskId,
    ) -> impl Iterator<Item = (usize, &PickLine, u32)> {
        let put = &self.pack.put_walls[wall as usize]
            .sorting
            .as_ref()
            .expect("a sort under way")
            .1;
        self.tasks
            .get(task)
            .lines
            .iter()
            .zip(put)
            .enumerate()
            .map(|(i, (l, &p))| (i, l, l.picked.unwrap_or(0).saturating_sub(p)))
    }

    /// Puts `units` of stops `(line, units)` into slot `slot`.
    fn put_units(
        &mut self,
        now: SimTime,
        wall: u16,
        task: TaskId,
        slot: u16,
        units: &[(usize, u32)],
    ) -> Reply {
        let w = &mut self.pack.put_walls[wall as usize];
        let put = &mut w.sorting.as_mut().expect("a sort under way").1;
        let mut total = 0;
        for &(line, n) in units {
            put[line] += n;
            total += n;
        }
        let completes = w.add_item(slot as usize, total);
        self.slot_done(now, wall, task, slot, completes)
    }

    /// After a put or a close: the order of a slot just complete goes to
    /// packing; the sort ends when every stop is put.
    fn slot_done(
        &mut self,
        now: SimTime,
        wall: u16,
        task: TaskId,
        slot: u16,
        completes: bool,
    ) -> Reply {
        let tote = self.tasks.get(task).totes[0];
        let left = self
            .left_to_put(wall, task)
            .filter(|&(_, _, left)| left > 0)
            .count() as u32;
        let w = &mut self.pack.put_walls[wall as usize];
        let order = w.slots[slot as usize].order;
        if left == 0 {
            w.sorting = None;
            w.sorted += w.slots.len() as u32;
        }
        let station = completes.then(|| {
            self.emit(
                now,
                DomainEvent::PutWallOrderCompleted { order, wall, slot },
            );
            self.queue_for_packing(now, order, tote)
        });
        Reply::Put { station, left }
    }
}
