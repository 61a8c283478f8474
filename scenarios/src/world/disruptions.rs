//! Disruptions and supplier receipts: blocked racks, inventory
//! discrepancies, absences, demand surges, conveyor stops; deliveries to the
//! dock.

use super::*;

impl VirtualWorld {
    /// Disruption `i` of the scenario happens now.
    pub(super) fn disrupt(&mut self, wh: &mut Warehouse, sched: &mut Agenda<SimEvent>, i: usize) {
        use crate::schema::Disruption as D;
        let now = sched.now();
        match self.scenario.disruptions[i].clone() {
            D::BlockedLocation {
                location, minutes, ..
            } => {
                let Some(location) = self.pick_face(wh, location.as_deref()) else {
                    return;
                };
                if wh.inventory().location(location).blocked {
                    return;
                }
                self.send(
                    wh,
                    now,
                    Command::BlockLocation {
                        location,
                        reason: format!("disruptions[{i}]"),
                    },
                );
                if let Some(m) = minutes {
                    sched.schedule_in(
                        SimDuration::from_secs_f64(m * 60.0),
                        SimEvent::Unblock(location),
                    );
                }
            }
            D::InventoryDiscrepancy {
                location, units, ..
            } => {
                let Some(location) = self.pick_face(wh, location.as_deref()) else {
                    return;
                };
                let lost = units.min(self.shelf[location.index()]);
                self.shelf[location.index()] -= lost;
                if lost > 0 {
                    self.discrepancies.push((now, location, lost));
                }
            }
            D::Absence {
                associate, minutes, ..
            } => {
                let a = match associate {
                    Some(a) => a as usize,
                    None => self.disruptions.random_range(0..self.crew.len()),
                };
                let until = now + SimDuration::from_secs_f64(minutes * 60.0);
                self.away(wh, sched, AssociateId(a as u32), until);
            }
            // Built into the demand generator's rate.
            D::DemandSurge { .. } => {}
            D::ConveyorStop {
                segment, minutes, ..
            } => {
                let code = segment.as_deref().unwrap_or("main");
                let (Some(belts), Some(s)) =
                    (&mut self.belts, wh.conveyor().and_then(|c| c.by_code(code)))
                else {
                    return;
                };
                belts.set_running(wh, sched, s, false, &format!("disruptions[{i}]"));
                sched.schedule_in(
                    SimDuration::from_secs_f64(minutes * 60.0),
                    SimEvent::ConveyorRestart(s),
                );
            }
        }
    }

    /// A supplier delivery: the SKU with the least stock on the books.
    pub(super) fn receive(&mut self, wh: &mut Warehouse, now: SimTime) {
        let Some(units) = self.scenario.inbound.as_ref().map(|i| i.units) else {
            return;
        };
        let stock = |i: usize| {
            let s = wh.inventory().sku(paklog_domain::SkuId(i as u32));
            u64::from(s.on_hand)
                + u64::from(s.reserve)
                + u64::from(s.incoming)
                + u64::from(s.inbound)
        };
        let Some(sku) = (0..wh.inventory().sku_count()).min_by_key(|&i| (stock(i), i)) else {
            return;
        };
        let sku = wh.config().skus[sku].code.clone();
        self.send(wh, now, Command::ReceiveStock { sku, units });
    }

    /// The pick face a disruption names, or one drawn among the slotted
    /// faces.
    pub(super) fn pick_face(&mut self, wh: &Warehouse, code: Option<&str>) -> Option<LocationId> {
        match code {
            Some(code) => wh.master().by_code(code).map(|l| l.id),
            None => {
                let slots = &wh.config().slotting;
                (!slots.is_empty()).then(|| slots[self.disruptions.random_range(0..slots.len())].1)
            }
        }
    }
}
