//! Counting: COUNT tasks after a short pick and on the cycle-count plan.

use paklog_sim::SimTime;

use crate::events::{CountReason, DomainEvent, Priority};
use crate::ids::LocationId;
use crate::site::Site;
use crate::task_execution::TaskKind;

impl Site<'_, '_> {
    /// Opens a COUNT task for `location`, unless one is open.
    pub(crate) fn request_count(
        &mut self,
        now: SimTime,
        location: LocationId,
        reason: CountReason,
    ) {
        if !self.inventory.counts_open.insert(location) {
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
    pub(crate) fn cycle_count(&mut self, now: SimTime) {
        let n = self.config.slotting.len();
        for _ in 0..n {
            let (_, location) = self.config.slotting[self.inventory.cycle_cursor % n];
            self.inventory.cycle_cursor += 1;
            if self.inventory.location(location).usable()
                && !self.inventory.counts_open.contains(&location)
            {
                self.request_count(now, location, CountReason::Cycle);
                return;
            }
        }
    }
}
