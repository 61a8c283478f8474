//! Pack & ship: stations, QC, cartons, the weight check, carrier departures.

use super::*;

impl Warehouse {
    fn station(&self, station: StationId) -> Result<&Station, CommandError> {
        self.pack
            .stations
            .get(station.index())
            .ok_or(CommandError::UnknownStation(station))
    }

    pub(super) fn start_packing(
        &mut self,
        now: SimTime,
        station: StationId,
    ) -> Result<Reply, CommandError> {
        let s = self.station(station)?;
        if let Some(order) = s.packing {
            return Err(CommandError::StationBusy { station, order });
        }
        let Some(order) = self.pack.stations[station.index()].queue.pop_front() else {
            return Ok(Reply::Packing { job: None });
        };
        self.pack.stations[station.index()].packing = Some(order);
        let (volume, weight) = self.order_volume_weight(order);
        let carton = choose_carton(&self.config.packing.cartons, volume, weight);
        let qc = self.qc.random::<f64>() < self.config.packing.qc_rate;
        let o = self.orders.get_mut(order);
        o.carton = Some(carton);
        o.qc = qc;
        let units = o.picked_units();
        self.emit(now, DomainEvent::PackingStarted { order, station });
        Ok(Reply::Packing {
            job: Some(PackJob {
                order,
                qc,
                carton,
                expected_weight_kg: weight,
                units,
            }),
        })
    }

    /// Volume (l) and weight (kg) of what was picked for an order.
    pub(super) fn order_volume_weight(&self, order: OrderId) -> (f64, f64) {
        self.orders
            .get(order)
            .lines
            .iter()
            .fold((0.0, 0.0), |(v, w), l| {
                let s = &self.config.skus[l.sku.index()];
                (
                    v + s.volume_l * f64::from(l.picked),
                    w + s.weight_kg * f64::from(l.picked),
                )
            })
    }

    pub(super) fn complete_packing(
        &mut self,
        now: SimTime,
        station: StationId,
        order: OrderId,
        weight_kg: f64,
    ) -> Result<Reply, CommandError> {
        let s = self.station(station)?;
        if s.packing != Some(order) {
            return Err(CommandError::NotOnBench { station, order });
        }
        if !(weight_kg.is_finite() && weight_kg >= 0.0) {
            return Err(CommandError::BadWeight(weight_kg));
        }
        let s = &mut self.pack.stations[station.index()];
        s.packing = None;
        s.packed += 1;
        let (_, expected) = self.order_volume_weight(order);
        let passed = weight_ok(expected, weight_kg, self.config.packing.weight_tolerance);
        let o = self.orders.get_mut(order);
        o.status = OrderStatus::ReadyToShip;
        o.packed_at = Some(now);
        let (qc, carrier, carton, wave) = (o.qc, o.carrier, o.carton.unwrap_or(0), o.wave);
        if qc || !passed {
            self.emit(now, DomainEvent::QualityInspected { order, passed });
        }
        self.emit(
            now,
            DomainEvent::PackingCompleted {
                order,
                station,
                carton,
                weight_kg,
            },
        );
        let dock = self.docks[carrier.index() % self.docks.len()];
        if let Some(tote) = self.orders.get(order).tote {
            // The parcel travels on under its tote's license plate.
            self.emit(
                now,
                DomainEvent::LicensePlateMoved {
                    tote,
                    order,
                    to: dock,
                },
            );
        }
        self.pack.at_dock[carrier.index()].push(order);
        self.emit(
            now,
            DomainEvent::ShipmentReady {
                order,
                carrier,
                dock,
            },
        );
        if let Some(wave) = wave {
            self.order_done_in_wave(now, wave);
        }
        Ok(Reply::Done)
    }

    pub(super) fn order_done_in_wave(&mut self, now: SimTime, wave: WaveId) {
        let w = self.waves.get_mut(wave);
        w.open_orders = w.open_orders.saturating_sub(1);
        if w.open_orders == 0 && w.status == WaveStatus::Released {
            w.status = WaveStatus::Completed;
            w.completed_at = Some(now);
            self.emit(now, DomainEvent::WaveCompleted { wave });
            self.emit(now, DomainEvent::WorkflowCompleted { wave });
        }
    }

    /// An order with nothing left to ship.
    pub(super) fn close_order(&mut self, now: SimTime, order: OrderId) {
        let o = self.orders.get_mut(order);
        o.status = OrderStatus::Closed;
        let wave = o.wave;
        self.open_orders = self.open_orders.saturating_sub(1);
        if let Some(wave) = wave {
            self.order_done_in_wave(now, wave);
        }
    }

    pub(super) fn depart(&mut self, now: SimTime, carrier: CarrierId) {
        let leaving = std::mem::take(&mut self.pack.at_dock[carrier.index()]);
        for order in leaving {
            let o = self.orders.get_mut(order);
            o.status = OrderStatus::Shipped;
            o.shipped_at = Some(now);
            let on_time = now <= o.due;
            self.open_orders = self.open_orders.saturating_sub(1);
            self.counters.orders_shipped += 1;
            self.emit(
                now,
                DomainEvent::OrderShipped {
                    order,
                    carrier,
                    on_time,
                },
            );
        }
    }
}
