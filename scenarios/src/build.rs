//! Building the site (the domain's [`SiteConfig`]) from a scenario: the
//! location master, the assortment with its velocity classes, slotting,
//! stock, carriers, the labour plan and the roster.

use paklog_domain::config::{
    AssignmentWeights, AssociateSpec, CarrierSpec, CartonSpec, LabourWindow, MinMax, PackPolicy,
    SiteConfig, SkuSpec, WavePolicy, WorkloadPolicy,
};
use paklog_domain::location_master::{LayoutSpec, LocationKind, LocationMaster};
use paklog_domain::material_handling::{Conveyor, ConveyorSpec, SegmentSpec};
use paklog_domain::pick_execution::{BatchRule, Picking, ZoneMode};
use paklog_domain::routing::Policy;
use paklog_domain::{CalendarError, SiteCalendar};
use paklog_domain::{LocationId, SkuId};
use paklog_sim::{RngStreams, SimDuration};
use rand::RngExt;

pub use crate::assortment::{Assortment, assortment, sku_code};
use crate::dist::{CountSampler, Sampler};
use crate::schema::{PickingKind, Scenario, Skill, Slotting};

/// The domain's layout from the scenario's: for a site from files, its
/// walking network, with the bays, levels, sides and zones its locations
/// have.
#[must_use]
pub fn layout_spec(s: &Scenario) -> LayoutSpec {
    let l = &s.layout;
    let mut spec = LayoutSpec {
        blocks: l.blocks,
        aisles: l.aisles,
        bays_per_aisle: l.bays_per_aisle.unwrap_or(0),
        levels: l.levels.unwrap_or(0),
        aisle_length_m: l.aisle_length_m,
        aisle_pitch_m: l.aisle_pitch_m,
        two_sided: l.two_sided,
        depot_aisle: l.depot_aisle - 1,
        extra_depots: l.more_depots.iter().map(|a| a - 1).collect(),
        zones: l
            .zones
            .iter()
            .map(|z| (z.name.clone(), z.first_aisle - 1, z.last_aisle - 1))
            .collect(),
        dock_doors: l.dock_doors,
        passages: l
            .passages
            .iter()
            .flat_map(|p| p.aisles().map(move |a| (a - 1, p.block - 1, p.open)))
            .collect(),
    };
    if let Some(site) = s.site_data() {
        let picks = || {
            site.locations
                .iter()
                .filter(|l| l.kind == LocationKind::Pick)
        };
        spec.bays_per_aisle = picks().map(|l| l.bay + 1).max().unwrap_or(0);
        spec.levels = picks().map(|l| l.level).max().unwrap_or(0);
        spec.two_sided = picks().any(|l| l.side == Some(paklog_domain::location_master::Side::R));
        // One zone "Z1" is what no zones mean.
        spec.zones = if site.zones == ["Z1"] {
            Vec::new()
        } else {
            site.zones
                .iter()
                .enumerate()
                .map(|(z, name)| {
                    let aisles = picks()
                        .filter(|l| l.zone as usize == z)
                        .map(|l| l.point.aisle);
                    let first = aisles.clone().min().unwrap_or(spec.depot_aisle);
                    (name.clone(), first, aisles.max().unwrap_or(first))
                })
                .collect()
        };
    }
    spec
}

/// The location master of the scenario's site: its files' locations, or
/// every bin of its layout (with a reserve location per SKU).
#[must_use]
pub fn master(s: &Scenario) -> LocationMaster {
    let layout = layout_spec(s);
    match s.site_data() {
        Some(site) => LocationMaster::from_locations(layout, site.locations.clone()),
        None => LocationMaster::new(layout, s.packing.stations, s.sku_count()),
    }
}

/// Pick faces for every SKU: by ABC (fast movers nearest the depot) or at
/// random.
#[must_use]
pub fn slotting(
    s: &Scenario,
    master: &LocationMaster,
    assortment: &Assortment,
    streams: &RngStreams,
) -> Vec<(SkuId, LocationId)> {
    if let Some(faces) = &s.skus.slotting_faces {
        return faces.iter().map(|f| (f.sku, f.location)).collect();
    }
    if let Some(site) = s.site_data() {
        return site.faces.iter().map(|&(k, l, _)| (k, l)).collect();
    }
    let mut bins = master.pick_bins_by_distance();
    let mut skus: Vec<usize> = (0..s.sku_count() as usize).collect();
    match s.skus.slotting {
        Slotting::Abc => {
            // Highest line share first; ties keep their index order.
            skus.sort_by(|&a, &b| {
                assortment.line_share[b]
                    .total_cmp(&assortment.line_share[a])
                    .then(a.cmp(&b))
            });
        }
        Slotting::Random => {
            let mut rng = streams.stream("slotting");
            for i in (1..bins.len()).rev() {
                bins.swap(i, rng.random_range(0..=i));
            }
        }
    }
    let faces = s.inventory.pick_faces_per_sku as usize;
    let mut next = bins.into_iter();
    let mut slots = Vec::with_capacity(skus.len() * faces);
    for sku in skus {
        for _ in 0..faces {
            slots.push((
                SkuId(sku as u32),
                next.next().expect("validated: enough bins"),
            ));
        }
    }
    slots
}

/// One associate of the virtual workforce.
#[derive(Debug, Clone)]
pub struct RosterEntry {
    /// Index of the shift in the scenario.
    pub shift: usize,
    /// Name, e.g. `day-07`.
    pub name: String,
}

/// The roster: every associate of every shift, shift by shift.
#[must_use]
pub fn roster(s: &Scenario) -> Vec<RosterEntry> {
    if let Some(people) = people_by_shift(s) {
        return people
            .iter()
            .map(|p| RosterEntry {
                shift: p.shift,
                name: p.name.clone(),
            })
            .collect();
    }
    s.associates
        .shifts
        .iter()
        .enumerate()
        .flat_map(|(i, sh)| {
            (0..sh.headcount).map(move |k| RosterEntry {
                shift: i,
                name: format!("{}-{:02}", sh.name, k + 1),
            })
        })
        .collect()
}

/// The people file's roster in roster order (shift by shift, file order
/// within each), if the site has one.
#[must_use]
pub fn people_by_shift(s: &Scenario) -> Option<Vec<&crate::site_files::Person>> {
    let mut people: Vec<_> = s.site_data()?.people.as_ref()?.iter().collect();
    people.sort_by_key(|p| p.shift);
    Some(people)
}

/// Whether each associate of the roster picks express orders with
/// priority: as the people file says, or as their shift's skills say.
#[must_use]
pub fn express(s: &Scenario) -> Vec<bool> {
    if let Some(people) = people_by_shift(s) {
        return people.iter().map(|p| p.express).collect();
    }
    roster(s)
        .iter()
        .map(|r| {
            s.associates.shifts[r.shift]
                .skills
                .contains(&Skill::Express)
        })
        .collect()
}

/// Under zone picking, the zone of each associate of the roster: every zone
/// gets one associate of each shift, and each further one goes to the zone
/// with the most expected lines per associate (D'Hondt on the zones'
/// shares of the order lines, by slotting and SKU popularity). `None` for
/// everyone under other strategies.
#[must_use]
pub fn zone_assignment(
    s: &Scenario,
    master: &LocationMaster,
    slots: &[(SkuId, LocationId)],
    assortment: &Assortment,
) -> Vec<Option<u16>> {
    let roster = roster(s);
    if s.strategy.picking.kind != PickingKind::Zone {
        return vec![None; roster.len()];
    }
    // A roster's own zones, where it gives them.
    let given: Vec<Option<u16>> = match people_by_shift(s) {
        Some(people) => people.iter().map(|p| p.zone).collect(),
        None => vec![None; roster.len()],
    };
    let mut share = vec![0.0; master.zones.len()];
    for &(sku, loc) in slots {
        share[master.get(loc).zone as usize] += assortment.line_share[sku.index()];
    }
    let mut zones = Vec::with_capacity(roster.len());
    for sh in &s.associates.shifts {
        let mut heads = vec![0u32; share.len()];
        for k in 0..sh.headcount as usize {
            let z = if k < share.len() {
                k
            } else {
                (0..share.len())
                    .max_by(|&a, &b| {
                        (share[a] / f64::from(heads[a]))
                            .total_cmp(&(share[b] / f64::from(heads[b])))
                            .then(b.cmp(&a))
                    })
                    .expect("zones")
            };
            heads[z] += 1;
            zones.push(Some(z as u16));
        }
    }
    zones
        .into_iter()
        .zip(given)
        .map(|(planned, given)| given.or(planned))
        .collect()
}

/// The domain's picking strategy for a scenario's.
#[must_use]
pub fn picking(p: &crate::schema::Picking) -> Picking {
    use crate::schema::{BatchRule as R, ZoneMode as Z};
    match p.kind {
        PickingKind::Discrete => Picking::Discrete,
        PickingKind::Batch => Picking::Batch {
            rule: match p.rule.unwrap_or(R::Fcfs) {
                R::Fcfs => BatchRule::Fcfs,
                R::Seed => BatchRule::Seed,
                R::Savings => BatchRule::Savings,
            },
            totes: p.totes(),
        },
        PickingKind::Cluster => Picking::Cluster { totes: p.totes() },
        PickingKind::Zone => Picking::Zone {
            mode: match p.mode.unwrap_or(Z::PickAndPass) {
                Z::PickAndPass => ZoneMode::PickAndPass,
                Z::Parallel => ZoneMode::Parallel,
            },
        },
        PickingKind::PutWall => Picking::PutWall {
            slots: p.slots.unwrap_or(24),
            walls: p.walls.unwrap_or(1),
        },
    }
}

/// Lines one associate can pick per hour, estimated from the scenario's
/// means: time at the shelf per line plus the walk to the next line, with
/// the distance from the depot to a line's pick face weighted by how often
/// each SKU is ordered.
#[must_use]
pub fn lines_per_head_hour(
    s: &Scenario,
    master: &LocationMaster,
    slots: &[(SkuId, LocationId)],
    assortment: &Assortment,
) -> f64 {
    let lines = CountSampler::new(&s.demand.lines_per_order).mean();
    let units = CountSampler::new(&s.demand.units_per_line).mean();
    let sh = &s.associates.shifts[0];
    let at_shelf = Sampler::new(&sh.pick_time_per_line_s).mean()
        + units * Sampler::new(&sh.pick_time_per_unit_s).mean();
    let depot = master.depot();
    let mut faces = vec![0u32; assortment.line_share.len()];
    for &(sku, _) in slots {
        faces[sku.index()] += 1;
    }
    let mean_out: f64 = slots
        .iter()
        .map(|&(sku, loc)| {
            assortment.line_share[sku.index()] / f64::from(faces[sku.index()])
                * master.distance(depot, master.get(loc).point)
        })
        .sum();
    // A trip of `lines` stops is at most out-and-back per line; take half of
    // that as a typical shared route.
    let walk_per_line = (2.0 * mean_out * (1.0 + lines) / 2.0) / lines;
    let speed = Sampler::new(&sh.walking_speed_mps).mean().max(0.1);
    3600.0 / (at_shelf + walk_per_line / speed)
}

/// The scenario's calendar: its time zone and day one (UTC from 1970 by
/// default).
///
/// # Errors
/// An unknown zone or a bad date, naming its field.
pub fn calendar(s: &Scenario) -> Result<SiteCalendar, CalendarError> {
    if s.time_zone.is_none() && s.start_date.is_none() {
        return Ok(SiteCalendar::default());
    }
    SiteCalendar::parse(
        s.time_zone.as_deref().unwrap_or("UTC"),
        s.start_date.as_deref().unwrap_or("1970-01-01"),
    )
}

/// The domain's configuration of the scenario's site.
#[must_use]
pub fn site_config(s: &Scenario, streams: &RngStreams) -> SiteConfig {
    site(s, streams).0
}

/// The domain's configuration of the scenario's site, and its location
/// master (built once: slotting needs it, and the site takes it over).
#[must_use]
pub fn site(s: &Scenario, streams: &RngStreams) -> (SiteConfig, LocationMaster) {
    let assortment = assortment(s);
    let skus = match s.site_data() {
        Some(site) => site.items.clone(),
        None => {
            let mut volume = streams.stream("sku-volume");
            let mut weight = streams.stream("sku-weight");
            let unit = |d: &Option<crate::schema::Dist>| {
                Sampler::new(
                    d.as_ref()
                        .expect("validated: a generated site has unit distributions"),
                )
            };
            let (volume_dist, weight_dist) =
                (unit(&s.skus.unit_volume_l), unit(&s.skus.unit_weight_kg));
            (0..s.sku_count() as usize)
                .map(|i| {
                    SkuSpec::new(
                        sku_code(i),
                        volume_dist.draw(&mut volume),
                        weight_dist.draw(&mut weight),
                        assortment.class[i],
                    )
                })
                .collect()
        }
    };
    let master = master(s);
    let layout = master.spec.clone();
    let slotting = slotting(s, &master, &assortment, streams);
    let (locations, mut face_units, reserve_stock, pick_face_units, reserve_units) =
        match s.site_data() {
            Some(site) => {
                let units: Vec<u32> = site.faces.iter().map(|f| f.2).collect();
                let most = s
                    .inventory
                    .pick_face_units
                    .unwrap_or_else(|| units.iter().copied().max().unwrap_or(0));
                (site.locations.clone(), units, site.reserve.clone(), most, 0)
            }
            None => (
                Vec::new(),
                Vec::new(),
                Vec::new(),
                s.inventory.pick_face_units.unwrap_or(0),
                s.inventory.reserve_units,
            ),
        };
    if let Some(faces) = &s.skus.slotting_faces {
        // A face the file gives no units keeps what the item's first face
        // held before (the stock file's, or the scenario's face size).
        let mut before = vec![pick_face_units; skus.len()];
        if let Some(site) = s.site_data() {
            for &(sku, _, units) in site.faces.iter().rev() {
                before[sku.index()] = units;
            }
        }
        face_units = faces
            .iter()
            .map(|f| f.units.unwrap_or(before[f.sku.index()]))
            .collect();
    }
    let lines_per_head_hour = s
        .strategy
        .lines_per_head_hour
        .unwrap_or_else(|| lines_per_head_hour(s, &master, &slotting, &assortment));
    let zones = zone_assignment(s, &master, &slotting, &assortment);
    let w = &s.strategy.assignment;
    let config = SiteConfig {
        warehouse_id: s.name.clone(),
        calendar: calendar(s).unwrap_or_default(),
        layout,
        locations,
        skus,
        slotting,
        face_units,
        pick_face_units,
        reserve_units,
        reserve_stock,
        carriers: s
            .demand
            .carriers
            .iter()
            .map(|c| CarrierSpec {
                name: c.name.clone(),
                cutoff_min: c.cutoff.minutes(),
            })
            .collect(),
        wave: WavePolicy {
            strategy: match s.strategy.wave {
                crate::schema::WaveStrategy::Time => paklog_domain::WaveStrategy::Time,
                crate::schema::WaveStrategy::Carrier => paklog_domain::WaveStrategy::Carrier,
                crate::schema::WaveStrategy::Zone => paklog_domain::WaveStrategy::Zone,
            },
            interval: SimDuration::from_mins(u64::from(s.strategy.wave_interval_min)),
            max_orders: s.strategy.max_wave_orders,
            cutoff_lead: SimDuration::from_mins(u64::from(s.strategy.cutoff_lead_min)),
            lines_per_head_hour,
            release: s.strategy.wave_release,
        },
        labour: s
            .associates
            .shifts
            .iter()
            .map(|sh| LabourWindow {
                start_min: sh.start.minutes(),
                end_min: sh.end.minutes(),
                heads: sh.headcount,
            })
            .collect(),
        assignment: AssignmentWeights {
            distance: w.distance,
            skill: w.skill,
            workload: w.workload,
            performance: w.performance,
            priority: w.priority,
        },
        routing: s
            .strategy
            .picking
            .routing(s.strategy.routing)
            .name()
            .parse::<Policy>()
            .expect("scenario routing names are the domain's"),
        picking: picking(&s.strategy.picking),
        associates: roster(s)
            .into_iter()
            .zip(zones)
            .zip(express(s))
            .map(|((r, zone), express)| AssociateSpec {
                express,
                zone,
                name: r.name,
            })
            .collect(),
        packing: PackPolicy {
            stations: s.packing.stations,
            qc_rate: s.packing.qc_sampling_rate,
            weight_tolerance: s.packing.weight_tolerance,
            cartons: s
                .packing
                .cartons
                .iter()
                .map(|c| CartonSpec {
                    name: c.name.clone(),
                    volume_l: c.volume_l,
                    max_weight_kg: c.max_weight_kg,
                })
                .collect(),
        },
        seed: s.seed,
        replenishment: s.inventory.replenishment.map(|r| MinMax {
            min: r.min,
            max: r.max,
        }),
        cycle_count_interval: s
            .inventory
            .cycle_count_interval_min
            .map(|m| SimDuration::from_mins(u64::from(m))),
        workload: workload_policy(s, None),
        conveyor: conveyor_spec(s),
        barcode_required: s.strategy.barcode_required,
    };
    (config, master)
}

fn conveyor_spec(s: &Scenario) -> Option<ConveyorSpec> {
    let seg = |g: crate::schema::Segment| SegmentSpec {
        length_m: g.length_m,
        speed_mps: g.speed_mps,
        capacity: g.capacity,
    };
    s.conveyor.map(|c| ConveyorSpec {
        induct: seg(c.induct),
        main: seg(c.main),
        spur: seg(c.spur),
        takeaway: seg(c.takeaway),
        lane: seg(c.lane),
    })
}

/// The codes of the scenario's conveyor segments (none without a
/// conveyor), for validation messages.
#[must_use]
pub fn segment_codes(s: &Scenario, master: &LocationMaster) -> Vec<String> {
    let Some(spec) = conveyor_spec(s) else {
        return Vec::new();
    };
    let docks: Vec<_> = master
        .locations
        .iter()
        .filter(|l| l.kind == LocationKind::Dock)
        .map(|l| (l.id, l.code.clone()))
        .collect();
    Conveyor::new(&spec, &master.zones, s.packing.stations, &docks)
        .segments
        .into_iter()
        .map(|g| g.code)
        .collect()
}

/// The workload planner's policy: the prior hourly forecast is the
/// generator's rate, or for a trace its mean orders per hour of the day.
#[must_use]
pub fn workload_policy(
    s: &Scenario,
    trace: Option<&[crate::demand::TracedOrder]>,
) -> Option<WorkloadPolicy> {
    let w = s.workload?;
    let (prior, lines_per_order) = match trace {
        Some(trace) => {
            let mut prior = vec![0.0; 24];
            let mut lines = 0usize;
            let mut last = 0u64;
            for o in trace {
                let ms = o.at.as_millis();
                prior[((ms / 3_600_000) % 24) as usize] += 1.0;
                lines += o.order.lines.len();
                last = last.max(ms);
            }
            let days = (last / 86_400_000 + 1) as f64;
            prior.iter_mut().for_each(|p| *p /= days);
            (prior, lines as f64 / trace.len().max(1) as f64)
        }
        None => (
            crate::demand::Generator::hourly_rates(s).to_vec(),
            CountSampler::new(&s.demand.lines_per_order).mean(),
        ),
    };
    let p = &s.packing;
    Some(WorkloadPolicy {
        prior_orders_per_hour: prior,
        lines_per_order,
        max_overtime: SimDuration::from_mins(u64::from(w.max_overtime_min)),
        pack_seconds_per_order: Sampler::new(&p.pack_time_s).mean()
            + p.qc_sampling_rate * Sampler::new(&p.qc_time_s).mean(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Routing;

    #[test]
    fn every_routing_name_of_a_scenario_is_a_domain_policy() {
        for r in [
            Routing::SShape,
            Routing::Return,
            Routing::Midpoint,
            Routing::LargestGap,
            Routing::Combined,
            Routing::CombinedPlus,
            Routing::NearestNeighbour,
            Routing::Optimal,
        ] {
            let p: Policy = r.name().parse().unwrap();
            assert_eq!(p.name(), r.name());
        }
    }
}
