//! Physical tracking's command handlers, written against the [`Site`]:
//! RTLS pings, tote movements and licence plates opened, nested and
//! unnested.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply, RtlsPing};
use crate::events::{DomainEvent, PlateNested, PlateOpened, PlateUnnested};
use crate::ids::{LocationId, OrderId, ToteId};
use crate::site::Site;

use super::{LicencePlates, PlateKind, Tracking};

impl Site<'_, '_> {
    /// A tote (or a parcel under its own plate) was put down at `to` with
    /// its order: the plate's place changes and `LicensePlateMoved` says so.
    pub(crate) fn plate_moved(
        &mut self,
        now: SimTime,
        tote: ToteId,
        order: OrderId,
        to: LocationId,
    ) {
        self.plates.put(tote.0, to);
        self.emit(now, DomainEvent::LicensePlateMoved { tote, order, to });
    }

    /// A label is applied: a new licence plate.
    ///
    /// # Errors
    /// A code that is empty, too long or already open; an unknown location.
    pub(crate) fn open_plate(
        &mut self,
        now: SimTime,
        plate: String,
        kind: PlateKind,
        location: Option<LocationId>,
    ) -> Result<Reply, CommandError> {
        if plate.is_empty() || plate.chars().count() > 64 {
            return Err(CommandError::BadPlateCode(plate.chars().take(80).collect()));
        }
        if self.plates.contains(&plate) {
            return Err(CommandError::PlateExists(plate));
        }
        if LicencePlates::is_flow_code(&plate) {
            return Err(CommandError::ReservedPlateCode(plate));
        }
        if let Some(l) = location
            && l.index() >= self.master.locations.len()
        {
            return Err(CommandError::UnknownLocation(l));
        }
        self.plates.open(&plate, kind, location);
        let opened = PlateOpened {
            plate,
            kind,
            location,
        };
        self.emit(now, DomainEvent::LicensePlateOpened(Box::new(opened)));
        Ok(Reply::Done)
    }

    /// **Licence plates can be nested**: `plate` goes into `into` (out of
    /// the plate it was in), by the rules of [`LicencePlates`].
    ///
    /// # Errors
    /// An unknown plate, or a nesting the rules refuse.
    pub(crate) fn nest_plate(
        &mut self,
        now: SimTime,
        plate: String,
        into: String,
    ) -> Result<Reply, CommandError> {
        let from = self.plates.nest(&plate, &into)?;
        let nested = PlateNested { plate, into, from };
        self.emit(now, DomainEvent::LicensePlateNested(Box::new(nested)));
        Ok(Reply::Done)
    }

    /// A plate comes out of the plate it is in.
    ///
    /// # Errors
    /// An unknown plate, or one not nested.
    pub(crate) fn unnest_plate(
        &mut self,
        now: SimTime,
        plate: String,
    ) -> Result<Reply, CommandError> {
        let from = self.plates.unnest(&plate)?;
        let unnested = PlateUnnested { plate, from };
        self.emit(now, DomainEvent::LicensePlateUnnested(Box::new(unnested)));
        Ok(Reply::Done)
    }

    /// RTLS pings → each tag's place; a tote seen leaving one place or
    /// reaching another changes the state of both (`LocationStateChanged`).
    ///
    /// # Errors
    /// If any ping is malformed or off the site: then none is taken.
    pub(crate) fn record_pings(
        &mut self,
        now: SimTime,
        pings: &[RtlsPing],
    ) -> Result<Reply, CommandError> {
        Tracking::check(&self.master, pings)?;
        for p in pings {
            let Some(moved) = self.tracking.record(now, &p.tag, p.x_mm, p.y_mm) else {
                continue;
            };
            // Physical tracking: the place a tote left and the one
            // it reached change state.
            for location in [moved.from, moved.to].into_iter().flatten() {
                let totes = self.tracking.totes_at(location);
                self.emit(
                    now,
                    DomainEvent::LocationStateChanged {
                        location,
                        on_hand: totes,
                        occupied: totes > 0,
                    },
                );
            }
        }
        Ok(Reply::Done)
    }
}
