//! Order management (WMS): receive, validate and track every order to
//! shipped.

#[cfg(test)]
mod rules;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use bevy_ecs::observer::On;
use bevy_ecs::world::World;
use paklog_sim::SimTime;

use crate::commands::{CommandError, NewOrder, Reply};
use crate::events::{DomainEvent, Priority};
use crate::ids::{CarrierId, OrderId, SkuId, StationId, TaskId, ToteId, WaveId};
use crate::inventory::StockPutAway;
use crate::warehouse::Site;

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
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub struct OrderBook {
    orders: Vec<Order>,
    by_external: HashMap<String, OrderId>,
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

/// Order management's reactions to other services' facts.
pub(crate) fn reactions(world: &mut World) {
    world.add_observer(on_stock_put_away);
}

/// Stock put away → backordered orders retried.
pub(crate) fn on_stock_put_away(fact: On<StockPutAway>, mut site: Site) {
    site.retry_backorders(fact.at);
}

impl Site<'_, '_> {
    pub(crate) fn receive_order(
        &mut self,
        now: SimTime,
        new: NewOrder,
    ) -> Result<Reply, CommandError> {
        if new.external_id.trim().is_empty() {
            return Err(CommandError::BadExternalId("must not be empty".into()));
        }
        if self.orders.by_external(&new.external_id).is_some() {
            return Err(CommandError::BadExternalId(format!(
                "order \"{}\" was already received",
                new.external_id
            )));
        }
        let carrier = self
            .codes
            .carrier(&new.carrier)
            .ok_or_else(|| CommandError::UnknownCarrier(new.carrier.clone()))?;
        if new.lines.is_empty() {
            return Err(CommandError::NoLines);
        }
        let mut lines = Vec::with_capacity(new.lines.len());
        for (i, l) in new.lines.iter().enumerate() {
            let sku = self
                .codes
                .sku(&l.sku)
                .ok_or_else(|| CommandError::UnknownSku {
                    line: i,
                    sku: l.sku.clone(),
                })?;
            if l.quantity == 0 {
                return Err(CommandError::ZeroQuantity { line: i });
            }
            lines.push(OrderLine {
                sku,
                quantity: l.quantity,
                picked: 0,
                short: 0,
            });
        }
        let id = self.orders.next_id();
        // Its carrier's first cut-off at or after now, in local wall time.
        let cutoff = self.config.carriers[carrier.index()].cutoff_min;
        let due = self.config.calendar.next(now, cutoff);
        let order = Order {
            id,
            external_id: new.external_id,
            carrier,
            priority: new.priority,
            status: OrderStatus::Backordered,
            created: now,
            due,
            wave: None,
            task: None,
            open_tasks: 0,
            tote: None,
            station: None,
            carton: None,
            qc: false,
            reserved_at: None,
            waved_at: None,
            picked_at: None,
            packed_at: None,
            shipped_at: None,
            lines,
        };
        let units = order.units();
        let line_count = order.lines.len() as u32;
        let wanted: Vec<(SkuId, u32)> = order.lines.iter().map(|l| (l.sku, l.quantity)).collect();
        self.orders.insert(order);
        self.orders.open += 1;
        self.workload_order(now);
        self.emit(
            now,
            DomainEvent::OrderReceived {
                order: id,
                carrier,
                priority: new.priority,
                lines: line_count,
                units,
            },
        );
        self.emit(now, DomainEvent::OrderValidated { order: id });
        let status = match self.inventory.reserve_all(&wanted) {
            Ok(units) => {
                let o = self.orders.get_mut(id);
                o.status = OrderStatus::Reserved;
                o.reserved_at = Some(now);
                self.waves.waiting.push_back(id);
                self.emit(now, DomainEvent::InventoryReserved { order: id, units });
                OrderStatus::Reserved
            }
            Err((sku, missing)) => {
                self.emit(
                    now,
                    DomainEvent::OrderBackordered {
                        order: id,
                        sku,
                        missing,
                    },
                );
                OrderStatus::Backordered
            }
        };
        Ok(Reply::OrderAccepted { order: id, status })
    }

    pub(crate) fn record_shortage(&mut self, now: SimTime, order: OrderId, line: u32, units: u32) {
        let l = &mut self.orders.get_mut(order).lines[line as usize];
        l.short += units;
        let sku = l.sku;
        self.inventory.release_reservation(sku, units);
        self.emit(now, DomainEvent::ShortageRecorded { order, sku, units });
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

    /// An order with nothing left to ship.
    pub(crate) fn close_order(&mut self, now: SimTime, order: OrderId) {
        let o = self.orders.get_mut(order);
        o.status = OrderStatus::Closed;
        let wave = o.wave;
        self.orders.open = self.orders.open.saturating_sub(1);
        if let Some(wave) = wave {
            self.order_done_in_wave(now, wave);
        }
    }
}
