//! Pack & ship's command handlers, written against the [`Site`]: packing
//! stations, cartonisation, the dock and carrier departures.

use paklog_sim::SimTime;

use crate::commands::{CommandError, PackJob, Reply};
use crate::events::DomainEvent;
use crate::ids::{CarrierId, OrderId, StationId, ToteId};
use crate::order_management::OrderStatus;
use crate::quality::weight_ok;
use crate::site::Site;

use super::{OrderShipped, PackingCompleted, PackingStarted, Station, choose_carton};

impl Site<'_, '_> {
    pub(crate) fn station(&self, station: StationId) -> Result<&Station, CommandError> {
        self.pack
            .stations
            .get(station.index())
            .ok_or(CommandError::UnknownStation(station))
    }

    pub(crate) fn start_packing(
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
        self.take_from_spur(now, order);
        self.trigger(PackingStarted { at: now, station });
        let (volume, weight) = self.order_volume_weight(order);
        let carton = choose_carton(&self.config.packing.cartons, volume, weight);
        let qc = self.quality.sample(self.config.packing.qc_rate);
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
    pub(crate) fn order_volume_weight(&self, order: OrderId) -> (f64, f64) {
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

    pub(crate) fn complete_packing(
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
        self.trigger(PackingCompleted { at: now, station });
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
        let dock = self.master.docks[carrier.index() % self.master.docks.len()];
        if self.conveyor.is_some() {
            self.induct_parcel(now, order, carrier, dock);
        } else {
            // The parcel travels on under its tote's license plate.
            let tote = self.orders.get(order).tote;
            self.at_dock(now, order, carrier, tote);
        }
        if let Some(wave) = wave {
            self.order_done_in_wave(now, wave);
        }
        Ok(Reply::Done)
    }

    /// The parcel is at its carrier's dock door, ready to ship.
    pub(crate) fn at_dock(
        &mut self,
        now: SimTime,
        order: OrderId,
        carrier: CarrierId,
        tote: Option<ToteId>,
    ) {
        let dock = self.master.docks[carrier.index() % self.master.docks.len()];
        if let Some(tote) = tote {
            self.plate_moved(now, tote, order, dock);
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
    }

    pub(crate) fn depart(&mut self, now: SimTime, carrier: CarrierId) {
        let leaving = std::mem::take(&mut self.pack.at_dock[carrier.index()]);
        for order in leaving {
            let o = self.orders.get_mut(order);
            o.status = OrderStatus::Shipped;
            o.shipped_at = Some(now);
            let on_time = now <= o.due;
            self.orders.open = self.orders.open.saturating_sub(1);
            self.orders.finished(order, now);
            self.trigger(OrderShipped);
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
