//! Pack & ship: stations, QC, cartons, the weight check, carrier departures.

use super::*;

impl Warehouse {
    fn station(&self, station: StationId) -> Result<&Station, CommandError> {
        self.pack
            .stations
            .get(station.index())
            .ok_or(CommandError::UnknownStation(station))
    }

    fn put_wall(&self, wall: u16) -> Result<&PutWall, CommandError> {
        self.pack
            .put_walls
            .get(wall as usize)
            .ok_or(CommandError::UnknownPutWall(wall))
    }

    /// A put-wall operator takes the next bulk tote: its orders get the
    /// wall's slots, each expecting the units picked for it.
    pub(super) fn start_sort(&mut self, _now: SimTime, wall: u16) -> Result<Reply, CommandError> {
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
    pub(super) fn put_item(
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
        self.take_from_spur(now, order);
        self.learn_packing(now, station, false);
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
        self.learn_packing(now, station, true);
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
    pub(super) fn at_dock(
        &mut self,
        now: SimTime,
        order: OrderId,
        carrier: CarrierId,
        tote: Option<ToteId>,
    ) {
        let dock = self.docks[carrier.index() % self.docks.len()];
        if let Some(tote) = tote {
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
