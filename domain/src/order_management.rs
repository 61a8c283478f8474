//! Order management (WMS): receive, validate and track every order to
//! shipped.
//!
//! This file holds the state and the facts; the command handling and
//! the reactions are in `handlers.rs`.

pub(crate) mod handlers;

#[cfg(test)]
mod rules;

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use paklog_sim::{SimDuration, SimTime};

use crate::events::Priority;
use crate::ids::{CarrierId, OrderId, SkuId, StationId, TaskId, ToteId, WaveId};
use crate::ledger::Ledger;
pub use crate::vocabulary::OrderStatus;

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
    /// When it was closed with nothing left to ship.
    #[serde(default)]
    pub closed_at: Option<SimTime>,
}

/// Most units one order line may ask for.
pub const MAX_LINE_UNITS: u32 = 1_000_000;

/// Most lines one order may have (so that no order's units overflow).
pub const MAX_ORDER_LINES: usize = 1_000;

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

    /// When it was finished (shipped, or closed): none while it is open.
    #[must_use]
    pub fn finished(&self) -> Option<SimTime> {
        match self.status {
            OrderStatus::Shipped => self.shipped_at,
            OrderStatus::Closed => self.closed_at,
            _ => None,
        }
    }

    /// Whether it left by its cut-off (`None` until shipped).
    #[must_use]
    pub fn on_time(&self) -> Option<bool> {
        self.shipped_at.map(|t| t <= self.due)
    }
}

/// How long after its order finished (shipped or closed) a source's order
/// id (`external_id`) is still refused as a repeat: a Kafka redelivery or an
/// ERP's retry comes within it. After it, the id is free for a new order,
/// so that a site that runs for months does not keep every id it ever saw.
pub const EXTERNAL_ID_WINDOW: SimDuration = SimDuration::from_hours(24);

/// All orders, by id and by external id.
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub struct OrderBook {
    orders: Ledger<Order>,
    by_external: HashMap<String, OrderId>,
    /// The external ids of finished orders, in the order they finished:
    /// each is let go [`EXTERNAL_ID_WINDOW`] after.
    finished_ids: VecDeque<(SimTime, String)>,
    /// Orders received and neither shipped nor closed.
    pub(crate) open: u32,
}

impl OrderBook {
    /// The order `id`.
    ///
    /// # Panics
    /// If no such order exists (ids come from this book).
    #[must_use]
    pub fn get(&self, id: OrderId) -> &Order {
        self.orders
            .get(id.0)
            .expect("an order of this book, not forgotten")
    }

    /// The order `id`, mutably.
    ///
    /// # Panics
    /// If no such order exists.
    pub fn get_mut(&mut self, id: OrderId) -> &mut Order {
        self.orders
            .get_mut(id.0)
            .expect("an order of this book, not forgotten")
    }

    /// Looks an order up by id, if it exists and is not forgotten.
    #[must_use]
    pub fn find(&self, id: OrderId) -> Option<&Order> {
        self.orders.get(id.0)
    }

    /// Looks an order up by the id its source gave it.
    #[must_use]
    pub fn by_external(&self, external_id: &str) -> Option<OrderId> {
        self.by_external.get(external_id).copied()
    }

    /// Every order kept (all of them, unless a live site forgot old
    /// finished ones), by id.
    pub fn all(&self) -> impl DoubleEndedIterator<Item = &Order> + Clone {
        self.orders.iter()
    }

    /// How many orders are kept.
    #[must_use]
    pub fn kept(&self) -> usize {
        self.orders.len()
    }

    /// The id the next order will get (how many were ever received).
    #[must_use]
    pub fn next_id(&self) -> OrderId {
        OrderId(self.orders.next())
    }

    /// Adds a new order.
    pub fn insert(&mut self, order: Order) {
        debug_assert_eq!(order.id, self.next_id());
        self.by_external.insert(order.external_id.clone(), order.id);
        self.orders.push(order);
    }

    /// Lets go the external ids of orders finished [`EXTERNAL_ID_WINDOW`]
    /// or longer before `now` (an order's arrival, before its id is
    /// checked): the same at every run of the same commands, whatever a
    /// live site forgot.
    pub(crate) fn let_go_ids(&mut self, now: SimTime) {
        while let Some((at, _)) = self.finished_ids.front()
            && at.saturating_add(EXTERNAL_ID_WINDOW) <= now
        {
            let (_, id) = self.finished_ids.pop_front().expect("peeked");
            self.by_external.remove(&id);
        }
    }

    /// Marks order `id` finished (shipped or closed) at `now`: its external
    /// id is let go [`EXTERNAL_ID_WINDOW`] later.
    pub(crate) fn finished(&mut self, id: OrderId, now: SimTime) {
        let external = self.get(id).external_id.clone();
        self.finished_ids.push_back((now, external));
    }

    /// How many external ids are known (of open orders, and of orders
    /// finished within [`EXTERNAL_ID_WINDOW`]).
    #[must_use]
    pub fn external_ids(&self) -> usize {
        self.by_external.len()
    }

    /// Whether every one of `orders` was forgotten.
    #[must_use]
    pub fn all_forgotten(&self, orders: &[OrderId]) -> bool {
        orders.iter().all(|&o| self.find(o).is_none())
    }

    /// Forgets the orders shipped or closed before `before`; how many.
    /// Their external ids stay known as long as [`EXTERNAL_ID_WINDOW`]
    /// says, whatever is forgotten, so that a replay that forgets less
    /// decides alike.
    pub fn forget_finished(&mut self, before: SimTime) -> usize {
        self.orders.forget(
            |o| o.created < before,
            |o| o.finished().is_some_and(|at| at < before),
        )
    }
}
