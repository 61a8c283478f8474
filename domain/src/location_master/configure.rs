//! The location master's configuration (seed Project 3): locations added,
//! their capacity and slotting class set, taken out of use and back; and
//! the capacity check on what is put into a location.

use paklog_sim::SimTime;

use crate::commands::{CommandError, NewLocation, Reply};
use crate::events::DomainEvent;
use crate::ids::{LocationId, SkuId};
use crate::location_master::{AbcClass, Capacity, Location, LocationKind};
use crate::site::Site;

impl Site<'_, '_> {
    /// Adds a PICK or RESERVE location on the walking network (or at the
    /// depot), in one of the site's zones, under a code of its own.
    pub(crate) fn create_location(
        &mut self,
        now: SimTime,
        new: NewLocation,
    ) -> Result<Reply, CommandError> {
        if self.master.by_code(&new.code).is_some() {
            return Err(CommandError::DuplicateLocationCode(new.code));
        }
        if !matches!(new.kind, LocationKind::Pick | LocationKind::Reserve) {
            return Err(CommandError::FixedLocationKind(new.kind));
        }
        let zone = self
            .master
            .zones
            .iter()
            .position(|z| *z == new.zone)
            .ok_or_else(|| CommandError::UnknownZone(new.zone.clone()))?;
        check_capacity(&new.capacity)?;
        let spec = &self.master.spec;
        let depth = f64::from(spec.blocks) * spec.aisle_length_m;
        let point = match new.point {
            Some(p) if p.aisle < spec.aisles && p.y.is_finite() && (0.0..=depth).contains(&p.y) => {
                p
            }
            Some(p) => {
                return Err(CommandError::OffNetwork {
                    aisle: p.aisle + 1,
                    depth_m: p.y,
                });
            }
            None => self.master.depot(),
        };
        let id = LocationId(self.master.locations.len() as u32);
        let block = ((point.y / spec.aisle_length_m) as u32).min(spec.blocks.saturating_sub(1));
        let location = Location {
            id,
            code: new.code,
            kind: new.kind,
            zone: zone as u16,
            point,
            block,
            bay: new.bay.saturating_sub(1),
            level: new.level,
            abc: None,
            sku: None,
            side: new.side,
            capacity: new.capacity,
            restrictions: new.restrictions,
            active: true,
            slotting_class: new.slotting_class,
        };
        let (code, kind, zone) = (
            location.code.clone(),
            location.kind,
            self.master.zones[zone].clone(),
        );
        self.master.add(location);
        self.inventory.add_location();
        self.emit(
            now,
            DomainEvent::LocationCreated {
                location: id,
                code,
                kind,
                zone,
            },
        );
        Ok(Reply::Done)
    }

    /// Sets what a location holds at most, not below what it holds now.
    pub(crate) fn configure_capacity(
        &mut self,
        now: SimTime,
        location: LocationId,
        capacity: Capacity,
    ) -> Result<Reply, CommandError> {
        self.known(location)?;
        check_capacity(&capacity)?;
        let stock = self.inventory.location(location);
        let units = stock.on_hand.saturating_add(stock.incoming);
        if let Some(sku) = stock.sku
            && held_past(&capacity, units, &self.config.skus[sku.index()])
        {
            return Err(CommandError::CapacityBelowContents { units });
        }
        self.master.locations[location.index()].capacity = capacity;
        self.emit(
            now,
            DomainEvent::LocationCapacityConfigured { location, capacity },
        );
        Ok(Reply::Done)
    }

    /// Sets the velocity class of the items a location is meant for.
    pub(crate) fn assign_slotting_class(
        &mut self,
        now: SimTime,
        location: LocationId,
        class: Option<AbcClass>,
    ) -> Result<Reply, CommandError> {
        self.known(location)?;
        let l = &mut self.master.locations[location.index()];
        if l.slotting_class != class {
            l.slotting_class = class;
            self.emit(
                now,
                DomainEvent::LocationSlottingChanged {
                    location,
                    slotting_class: class,
                },
            );
        }
        Ok(Reply::Done)
    }

    /// Takes a location out of use, or puts it back. Out of use, it is
    /// never slotted nor picked from, so it must be empty first: nothing on
    /// hand, on its way or promised, and no SKU's reserve kept there. An
    /// empty pick face is unslotted.
    pub(crate) fn set_active(
        &mut self,
        now: SimTime,
        location: LocationId,
        active: bool,
        reason: String,
    ) -> Result<Reply, CommandError> {
        self.known(location)?;
        if self.master.get(location).active == active {
            return Ok(Reply::Done);
        }
        if !active {
            let stock = self.inventory.location(location);
            let mut what = Vec::new();
            for (units, name) in [
                (stock.on_hand, "on hand"),
                (stock.incoming, "on their way"),
                (stock.allocated, "promised to pick lines"),
            ] {
                if units > 0 {
                    what.push(format!("{units} units {name}"));
                }
            }
            let reserves = self.inventory.reserve_of(location).count();
            if reserves > 0 {
                what.push(format!("the reserve of {reserves} SKUs"));
            }
            if !what.is_empty() {
                return Err(CommandError::LocationInUse {
                    what: what.join(", "),
                });
            }
            self.inventory.unslot(location);
            let l = &mut self.master.locations[location.index()];
            l.sku = None;
            l.abc = None;
        }
        self.master.locations[location.index()].active = active;
        let event = if active {
            DomainEvent::LocationActivated { location, reason }
        } else {
            DomainEvent::LocationDeactivated { location, reason }
        };
        self.emit(now, event);
        Ok(Reply::Done)
    }

    /// `units` of `sku` bound for `location`, cut to what its capacity
    /// leaves room for (counting what it holds and has on its way); a cut
    /// is reported (`LocationCapacityExceeded`).
    pub(crate) fn within_capacity(
        &mut self,
        now: SimTime,
        location: LocationId,
        sku: SkuId,
        units: u32,
    ) -> u32 {
        let room = self.capacity_room(location, sku);
        if units <= room {
            return units;
        }
        self.emit(
            now,
            DomainEvent::LocationCapacityExceeded {
                location,
                sku,
                units,
                room,
            },
        );
        room
    }

    /// Units of `sku` that `location` still has room for.
    pub(crate) fn capacity_room(&self, location: LocationId, sku: SkuId) -> u32 {
        let c = self.master.get(location).capacity;
        let stock = self.inventory.location(location);
        let held = stock.on_hand.saturating_add(stock.incoming);
        let item = &self.config.skus[sku.index()];
        c.most_units(item.volume_l, item.weight_kg)
            .saturating_sub(held)
    }

    fn known(&self, location: LocationId) -> Result<(), CommandError> {
        if location.index() < self.master.locations.len() {
            Ok(())
        } else {
            Err(CommandError::UnknownLocation(location))
        }
    }
}

fn check_capacity(c: &Capacity) -> Result<(), CommandError> {
    let ok = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && v >= 0.0);
    if ok(c.volume_l) && ok(c.weight_kg) {
        Ok(())
    } else {
        Err(CommandError::BadCapacity)
    }
}

/// Whether `units` of an item are past capacity `c`.
fn held_past(c: &Capacity, units: u32, item: &crate::config::SkuSpec) -> bool {
    let u = f64::from(units);
    c.units.is_some_and(|max| units > max)
        || c.volume_l.is_some_and(|max| u * item.volume_l > max + 1e-9)
        || c.weight_kg
            .is_some_and(|max| u * item.weight_kg > max + 1e-9)
}
