//! Order management's command handlers and reactions, written against
//! the [`Site`]: receiving and validating orders, reserving stock,
//! backorders, closing and shipping orders.

use bevy_ecs::observer::On;
use bevy_ecs::world::World;
use paklog_sim::SimTime;

use crate::commands::{CommandError, NewOrder, Reply};
use crate::events::DomainEvent;
use crate::ids::{OrderId, SkuId};
use crate::inventory::StockPutAway;
use crate::site::Site;

use super::{MAX_LINE_UNITS, MAX_ORDER_LINES, Order, OrderLine, OrderStatus};

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
        self.orders.let_go_ids(now);
        if self.orders.by_external(&new.external_id).is_some() {
            return Err(CommandError::DuplicateExternalId(new.external_id));
        }
        let carrier = self
            .codes
            .carrier(&new.carrier)
            .ok_or_else(|| CommandError::UnknownCarrier(new.carrier.clone()))?;
        if new.lines.is_empty() {
            return Err(CommandError::NoLines);
        }
        if new.lines.len() > MAX_ORDER_LINES {
            return Err(CommandError::TooManyLines(new.lines.len()));
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
            if l.quantity > MAX_LINE_UNITS {
                return Err(CommandError::TooLargeQuantity {
                    line: i,
                    quantity: l.quantity,
                });
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
            closed_at: None,
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
        o.closed_at = Some(now);
        let wave = o.wave;
        self.orders.open = self.orders.open.saturating_sub(1);
        self.orders.finished(order, now);
        if let Some(wave) = wave {
            self.order_done_in_wave(now, wave);
        }
    }
}
