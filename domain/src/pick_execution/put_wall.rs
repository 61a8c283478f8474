//! Put walls: bulk totes picked for many orders are sorted into one slot
//! per order; a full slot's order queues for packing.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply};
use crate::events::DomainEvent;
use crate::ids::TaskId;
use crate::pack_ship::{PutWall, PutWallSlot};
use crate::site::Site;

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
        if let Some((task, _)) = &self.put_wall(wall)?.sorting {
            return Err(CommandError::PutWallBusy { wall, task: *task });
        }
        let Some(task) = self.pack.put_walls[wall as usize].queue.pop_front() else {
            return Ok(Reply::Sorting { task: None });
        };
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
        w.sorting = Some((task, vec![false; lines]));
        Ok(Reply::Sorting { task: Some(task) })
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
        let w = self.put_wall(wall)?;
        let Some((sorting, done)) = &w.sorting else {
            return Err(CommandError::NotAtPutWall { wall, task });
        };
        if *sorting != task {
            return Err(CommandError::NotAtPutWall { wall, task });
        }
        let t = self.tasks.get(task);
        let stop = t
            .lines
            .get(line as usize)
            .ok_or(CommandError::UnknownLine { task, line })?;
        if done[line as usize] {
            return Err(CommandError::LineConfirmed { task, line });
        }
        let (slot, units, tote) = (stop.slot, stop.picked.unwrap_or(0), t.totes[0]);
        let w = &mut self.pack.put_walls[wall as usize];
        let done = &mut w.sorting.as_mut().expect("checked above").1;
        done[line as usize] = true;
        let left = done.iter().filter(|d| !**d).count() as u32;
        let completes = w.add_item(slot as usize, units);
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
        Ok(Reply::Put { station, left })
    }
}
