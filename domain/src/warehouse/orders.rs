//! Order management and inventory: receiving, validating and reserving.

use super::*;

impl Warehouse {
    pub(super) fn receive_order(
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
            .carrier_by_name(&new.carrier)
            .ok_or_else(|| CommandError::UnknownCarrier(new.carrier.clone()))?;
        if new.lines.is_empty() {
            return Err(CommandError::NoLines);
        }
        let mut lines = Vec::with_capacity(new.lines.len());
        for (i, l) in new.lines.iter().enumerate() {
            let sku = self
                .sku_by_code(&l.sku)
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
        let due = due_time(now, self.config.carriers[carrier.index()].cutoff_min);
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
        self.open_orders += 1;
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
}
