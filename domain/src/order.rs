//! Order management (WMS): receive, validate and track every order to
//! shipped.

use std::collections::HashMap;

use paklog_sim::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

use crate::events::Priority;
use crate::ids::{CarrierId, OrderId, SkuId, StationId, TaskId, ToteId, WaveId};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Valid, waiting for stock.
    Backordered,
    /// Stock reserved, waiting for a wave.
    Reserved,
    /// In a planned or released wave.
    Waved,
    /// Its tote is being picked.
    Picking,
    /// Picked, waiting for or at a pack station.
    Picked,
    /// Packed and at the dock.
    ReadyToShip,
    /// Left with the carrier.
    Shipped,
    /// Nothing left to ship: every unit was short.
    Closed,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    /// The SKU.
    pub sku: SkuId,
    /// Units ordered.
    pub quantity: u32,
    /// Units picked so far.
    pub picked: u32,
    /// Units that could not be picked anywhere and will not ship.
    pub short: u32,
}

/// An order and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Its id.
    pub id: OrderId,
    /// The id the order source gave it.
    pub external_id: String,
    /// Carrier.
    pub carrier: CarrierId,
    /// Priority.
    pub priority: Priority,
    /// Lines.
    pub lines: Vec<OrderLine>,
    /// Status.
    pub status: OrderStatus,
    /// Received at.
    pub created: SimTime,
    /// The carrier cut-off it must be packed by.
    pub due: SimTime,
    /// Wave, once waved.
    pub wave: Option<WaveId>,
    /// Its first pick task, once released.
    pub task: Option<TaskId>,
    /// Pick tasks of it not yet delivered (several under zone picking).
    pub open_tasks: u32,
    /// Tote carrying it (the first, under parallel zone picking; the bulk
    /// tote under put-wall picking).
    pub tote: Option<ToteId>,
    /// Pack station.
    pub station: Option<StationId>,
    /// Carton (index in the carton set).
    pub carton: Option<u32>,
    /// Sampled for QC.
    pub qc: bool,
    /// When stock was reserved.
    pub reserved_at: Option<SimTime>,
    /// When it joined a wave.
    pub waved_at: Option<SimTime>,
    /// When its last line was picked.
    pub picked_at: Option<SimTime>,
    /// When it was packed.
    pub packed_at: Option<SimTime>,
    /// When it shipped.
    pub shipped_at: Option<SimTime>,
}

impl Order {
    /// Units ordered.
    #[must_use]
    pub fn units(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Units picked.
    #[must_use]
    pub fn picked_units(&self) -> u32 {
        self.lines.iter().map(|l| l.picked).sum()
    }

    /// Units short.
    #[must_use]
    pub fn short_units(&self) -> u32 {
        self.lines.iter().map(|l| l.short).sum()
    }

    /// Whether it left by its cut-off (`None` until shipped).
    #[must_use]
    pub fn on_time(&self) -> Option<bool> {
        self.shipped_at.map(|t| t <= self.due)
    }
}

/// All orders, by id and by external id.
#[derive(Debug, Clone, Default)]
pub struct OrderBook {
    orders: Vec<Order>,
    by_external: HashMap<String, OrderId>,
}

/// The cut-off an order created at `created` must meet: its carrier's first
/// cut-off at or after `created`.
#[must_use]
pub fn due_time(created: SimTime, cutoff_min: u32) -> SimTime {
    const DAY: u64 = 86_400_000;
    let day = created.as_millis() / DAY;
    let cutoff = SimTime::from_millis(day * DAY) + SimDuration::from_mins(u64::from(cutoff_min));
    if created <= cutoff {
        cutoff
    } else {
        cutoff + SimDuration::from_hours(24)
    }
}

impl OrderBook {
    /// The order `id`.
    ///
    /// # Panics
    /// If no such order exists (ids come from this book).
    #[must_use]
    pub fn get(&self, id: OrderId) -> &Order {
        &self.orders[id.index()]
    }

    /// The order `id`, mutably.
    ///
    /// # Panics
    /// If no such order exists.
    pub fn get_mut(&mut self, id: OrderId) -> &mut Order {
        &mut self.orders[id.index()]
    }

    /// Looks an order up by id, if it exists.
    #[must_use]
    pub fn find(&self, id: OrderId) -> Option<&Order> {
        self.orders.get(id.index())
    }

    /// Looks an order up by the id its source gave it.
    #[must_use]
    pub fn by_external(&self, external_id: &str) -> Option<OrderId> {
        self.by_external.get(external_id).copied()
    }

    /// Every order, by id.
    #[must_use]
    pub fn all(&self) -> &[Order] {
        &self.orders
    }

    /// The id the next order will get.
    #[must_use]
    pub fn next_id(&self) -> OrderId {
        OrderId(self.orders.len() as u32)
    }

    /// Adds a new order.
    pub fn insert(&mut self, order: Order) {
        debug_assert_eq!(order.id, self.next_id());
        self.by_external.insert(order.external_id.clone(), order.id);
        self.orders.push(order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_is_the_next_cutoff() {
        let at =
            |h: u64, m: u64| SimTime::ZERO + SimDuration::from_hours(h) + SimDuration::from_mins(m);
        // Cut-off 17:00.
        assert_eq!(due_time(at(9, 0), 17 * 60), at(17, 0));
        assert_eq!(due_time(at(17, 0), 17 * 60), at(17, 0));
        assert_eq!(due_time(at(17, 1), 17 * 60), at(41, 0));
        assert_eq!(due_time(at(30, 0), 17 * 60), at(41, 0));
    }
}
