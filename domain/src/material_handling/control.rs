//! The WES side of the conveyor: routing totes to stations at induction,
//! late binding at the diverts, scans, discharges, and stops.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply};
use crate::events::DomainEvent;
use crate::ids::{CarrierId, LocationId, OrderId, SegmentId, StationId, TaskId, ToteId};
use crate::location_master::LocationMaster;
use crate::site::Site;
use crate::task_execution::{Task, TaskKind};
use crate::warehouse::Warehouse;

use crate::material_handling::Destination;
use crate::physical_tracking::PlateKind;

/// The zone whose induct a task's totes are dropped at.
fn drop_zone(master: &LocationMaster, t: &Task) -> u16 {
    t.zone.unwrap_or_else(|| master.zone_of_aisle(t.depot))
}

impl Warehouse {
    /// The induct where `task`'s totes go on the conveyor when it is
    /// delivered, if they ride it: a pick task's, unless they go on to
    /// another zone or to a put wall.
    #[must_use]
    pub fn induct_of(&self, task: TaskId) -> Option<SegmentId> {
        let conveyor = self.conveyor()?;
        let t = self.tasks().get(task);
        (t.kind == TaskKind::Pick && t.next.is_none() && !t.put_wall)
            .then(|| conveyor.induct(drop_zone(self.master(), t)))
    }
}

impl Site<'_, '_> {
    /// The zone whose induct a task's totes are dropped at.
    pub(crate) fn drop_zone(&self, t: &Task) -> u16 {
        drop_zone(&self.master, t)
    }

    /// Hands a picked order's tote to the conveyor at zone `zone`'s induct,
    /// routed to the station with the least work queued or on its way.
    pub(crate) fn induct_for_packing(
        &mut self,
        now: SimTime,
        order: OrderId,
        tote: ToteId,
        zone: u16,
    ) -> StationId {
        let station = self.pack.least_loaded();
        self.pack.stations[station.index()].inbound += 1;
        self.orders.get_mut(order).station = Some(station);
        let conveyor = self.conveyor.as_mut().expect("only with a conveyor");
        conveyor.route_to_station(now, tote, order, zone, station);
        let segment = conveyor.induct(zone);
        let destination = self.master.stage[station.index()];
        self.emit(
            now,
            DomainEvent::ToteInducted {
                tote,
                order,
                segment,
                destination,
            },
        );
        station
    }

    /// Puts a packed parcel, under a licence plate of its own, on the
    /// takeaway to its carrier's dock door.
    pub(crate) fn induct_parcel(
        &mut self,
        now: SimTime,
        order: OrderId,
        carrier: CarrierId,
        dock: LocationId,
    ) {
        let tote = self.new_plate(PlateKind::Carton);
        let conveyor = self.conveyor.as_mut().expect("only with a conveyor");
        conveyor.route_to_dock(now, tote, order, carrier, dock);
        let segment = conveyor.takeaway();
        self.emit(
            now,
            DomainEvent::ToteInducted {
                tote,
                order,
                segment,
                destination: dock,
            },
        );
    }

    pub(crate) fn conveyor_mut(
        &mut self,
    ) -> Result<&mut crate::material_handling::Conveyor, CommandError> {
        self.conveyor.as_deref_mut().ok_or(CommandError::NoConveyor)
    }

    pub(crate) fn convey_tote(
        &mut self,
        now: SimTime,
        tote: ToteId,
        segment: SegmentId,
    ) -> Result<Reply, CommandError> {
        let events = self.conveyor_mut()?.enter(now, tote, segment)?;
        for e in events {
            self.emit(now, e);
        }
        Ok(Reply::Done)
    }

    /// Late binding at the diverts: a tote keeps its station if its spur
    /// runs and has room; otherwise it goes to the station with the least
    /// work whose spur does. Parcels' routes are fixed.
    pub(crate) fn divert_tote(
        &mut self,
        now: SimTime,
        tote: ToteId,
    ) -> Result<Reply, CommandError> {
        let conveyor = self.conveyor.as_ref().ok_or(CommandError::NoConveyor)?;
        let trip = conveyor
            .transit(tote)
            .ok_or(CommandError::ToteNotRouted(tote))?;
        let keep = Reply::Diverted {
            segment: *trip.route.last().expect("routes are not empty"),
        };
        // A tote already on its spur stays there.
        let on_spur = trip.at == Some(trip.route.len() - 1);
        let (Destination::Station(planned), false) = (trip.to, on_spur || trip.arrived) else {
            return Ok(keep);
        };
        let order = trip.order;
        let open = |s: StationId| {
            let spur = &conveyor.segments[conveyor.spur(s).index()];
            spur.running && !spur.is_full()
        };
        if open(planned) {
            return Ok(keep);
        }
        let Some(station) = (0..self.pack.stations.len() as u32)
            .map(StationId)
            .filter(|&s| open(s))
            .min_by_key(|s| (self.pack.work(*s), *s))
        else {
            return Ok(keep);
        };
        let stations = &mut self.pack.stations;
        stations[planned.index()].inbound = stations[planned.index()].inbound.saturating_sub(1);
        stations[station.index()].inbound += 1;
        self.orders.get_mut(order).station = Some(station);
        let conveyor = self.conveyor.as_mut().expect("checked");
        conveyor.divert(tote, station);
        let segment = conveyor.spur(station);
        let destination = self.master.stage[station.index()];
        self.emit(
            now,
            DomainEvent::ToteDiverted {
                tote,
                order,
                segment,
                destination,
            },
        );
        Ok(Reply::Diverted { segment })
    }

    pub(crate) fn discharge_tote(
        &mut self,
        now: SimTime,
        tote: ToteId,
    ) -> Result<Reply, CommandError> {
        let (trip, events) = self.conveyor_mut()?.discharge(now, tote)?;
        for e in events {
            self.emit(now, e);
        }
        match trip.to {
            Destination::Station(station) => {
                let s = &mut self.pack.stations[station.index()];
                s.inbound = s.inbound.saturating_sub(1);
                s.queue.push_back(trip.order);
                let to = self.master.stage[station.index()];
                self.plate_moved(now, tote, trip.order, to);
                Ok(Reply::ToteDelivered {
                    stations: vec![station],
                    put_wall: None,
                })
            }
            Destination::Dock(carrier) => {
                self.at_dock(now, trip.order, carrier, Some(tote));
                Ok(Reply::Done)
            }
        }
    }

    /// The packer takes the order's tote off the station's spur.
    pub(crate) fn take_from_spur(&mut self, now: SimTime, order: OrderId) {
        if let Some(conveyor) = self.conveyor.as_mut() {
            for e in conveyor.take(now, order) {
                self.emit(now, e);
            }
        }
    }

    pub(crate) fn set_conveyor(
        &mut self,
        now: SimTime,
        segment: SegmentId,
        running: bool,
        reason: String,
    ) -> Result<Reply, CommandError> {
        if let Some(e) = self
            .conveyor_mut()?
            .set_running(now, segment, running, reason)?
        {
            self.emit(now, e);
        }
        Ok(Reply::Done)
    }
}
