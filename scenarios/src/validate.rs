//! The rules of a scenario file that its types cannot express: ranges,
//! cross-field constraints, names that must resolve. Each problem names the
//! field path; [`crate::load`] locates it in the source.

use crate::schema::{Passage, Routing, Scenario};
use paklog_domain::SiteCalendar;

mod checker;
mod disruptions;
mod live;
mod strategy;

use checker::Checker;
use disruptions::check_stock_and_disruptions;
use live::{check_retention, check_tokens};
use strategy::check_picking;

/// A rule broken by a parsed scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted field path.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Largest layout supported, in bins (the location master lives in memory).
pub const MAX_BINS: u64 = 5_000_000;

/// Largest assortment supported.
pub const MAX_SKUS: u32 = 2_000_000;

/// Most associates over all shifts.
pub const MAX_ASSOCIATES: u64 = 100_000;

/// Most pack stations, and most dock doors.
pub const MAX_STATIONS: u32 = 10_000;

/// Most totes on a batch or cluster trip.
pub const MAX_TOTES: u32 = 64;

/// Most slots of a put wall.
pub const MAX_SLOTS: u32 = 1_000;

/// Most put walls.
pub const MAX_WALLS: u32 = MAX_STATIONS;

/// Checks the rules that the types cannot express.
#[must_use]
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut c = Checker::default();
    c.check(!s.name.trim().is_empty(), "name", || {
        "must not be empty".into()
    });
    c.range("horizon_h", s.horizon_h, 0.0, false, 24.0 * 366.0);
    // The zone and the date, each on its own.
    let calendar = [
        s.time_zone
            .as_deref()
            .map(|z| SiteCalendar::parse(z, "2000-01-01")),
        s.start_date
            .as_deref()
            .map(|d| SiteCalendar::parse("UTC", d)),
    ];
    for e in calendar.into_iter().flatten().filter_map(Result::err) {
        c.fail(e.field(), e.to_string());
    }
    c.range("warm_up_min", s.warm_up_min, 0.0, true, s.horizon_h * 60.0);

    let l = &s.layout;
    c.at_least("layout.blocks", l.blocks, 1);
    c.at_least("layout.aisles", l.aisles, 1);
    let files = s.site.is_some();
    // What generates a site, required without `[site]` and left out with it.
    let generated = |c: &mut Checker, path: &str, given: bool| match (files, given) {
        (false, false) => c.fail(
            path,
            "missing: required unless `[site]` names the site's files".into(),
        ),
        (true, true) => c.fail(
            path,
            "must be left out: `[site]` names the site's files, which give it".into(),
        ),
        _ => {}
    };
    generated(&mut c, "layout.bays_per_aisle", l.bays_per_aisle.is_some());
    generated(&mut c, "layout.levels", l.levels.is_some());
    generated(&mut c, "skus.count", s.skus.count.is_some());
    generated(&mut c, "skus.unit_volume_l", s.skus.unit_volume_l.is_some());
    generated(
        &mut c,
        "skus.unit_weight_kg",
        s.skus.unit_weight_kg.is_some(),
    );
    generated(
        &mut c,
        "inventory.pick_face_units",
        s.inventory.pick_face_units.is_some(),
    );
    if files {
        c.check(l.zones.is_empty(), "layout.zones", || {
            "must be left out: with `[site]` zones come from the locations file's `zone` column"
                .into()
        });
        c.check(
            s.inventory.pick_faces_per_sku == 1,
            "inventory.pick_faces_per_sku",
            || "must be left out: with `[site]` the stock file gives the pick faces".into(),
        );
        c.check(
            s.inventory.reserve_units == 0,
            "inventory.reserve_units",
            || "must be left out: with `[site]` the stock file gives the reserve".into(),
        );
    }
    if let Some(b) = l.bays_per_aisle {
        c.at_least("layout.bays_per_aisle", b, 1);
    }
    if let Some(v) = l.levels {
        c.at_least("layout.levels", v, 1);
    }
    c.at_least("layout.dock_doors", l.dock_doors, 1);
    c.check(l.dock_doors <= MAX_STATIONS, "layout.dock_doors", || {
        format!("must be ≤ {MAX_STATIONS}, got {}", l.dock_doors)
    });
    c.positive("layout.aisle_length_m", l.aisle_length_m);
    c.positive("layout.aisle_pitch_m", l.aisle_pitch_m);
    c.check(
        (1..=l.aisles.max(1)).contains(&l.depot_aisle),
        "layout.depot_aisle",
        || {
            format!(
                "must be an aisle from 1 to {}, got {}",
                l.aisles, l.depot_aisle
            )
        },
    );
    for (i, &d) in l.more_depots.iter().enumerate() {
        let path = format!("layout.more_depots[{i}]");
        c.check((1..=l.aisles.max(1)).contains(&d), &path, || {
            format!("must be an aisle from 1 to {}, got {d}", l.aisles)
        });
        c.check(
            d != l.depot_aisle && !l.more_depots[..i].contains(&d),
            &path,
            || format!("aisle {d} already has a depot"),
        );
    }
    check_passages(&mut c, l);
    let mut covered = vec![None::<usize>; l.aisles as usize + 1];
    for (i, z) in l.zones.iter().enumerate() {
        let p = format!("layout.zones[{i}]");
        c.check(!z.name.trim().is_empty(), &format!("{p}.name"), || {
            "must not be empty".into()
        });
        if l.zones[..i].iter().any(|o| o.name == z.name) {
            c.fail(
                &format!("{p}.name"),
                format!("zone \"{}\" is defined twice", z.name),
            );
        }
        let ok = 1 <= z.first_aisle && z.first_aisle <= z.last_aisle && z.last_aisle <= l.aisles;
        c.check(ok, &format!("{p}.last_aisle"), || {
            format!(
                "must satisfy 1 ≤ first_aisle ≤ last_aisle ≤ {} (layout.aisles), got {}..{}",
                l.aisles, z.first_aisle, z.last_aisle
            )
        });
        if ok {
            for a in z.first_aisle..=z.last_aisle {
                if let Some(other) = covered[a as usize] {
                    c.fail(
                        &format!("{p}.first_aisle"),
                        format!("aisle {a} is already in zone \"{}\"", l.zones[other].name),
                    );
                    break;
                }
                covered[a as usize] = Some(i);
            }
        }
    }
    if !l.zones.is_empty()
        && let Some(a) = (1..=l.aisles).find(|&a| covered[a as usize].is_none())
    {
        c.fail(
            "layout.zones",
            format!("aisle {a} is in no zone: zones must cover every aisle"),
        );
    }

    let k = &s.skus;
    if let Some(count) = k.count {
        c.at_least("skus.count", count, 1);
    }
    for (name, v) in [
        ("skus.abc.a_skus", k.abc.a_skus),
        ("skus.abc.a_lines", k.abc.a_lines),
        ("skus.abc.b_skus", k.abc.b_skus),
        ("skus.abc.b_lines", k.abc.b_lines),
    ] {
        c.range(name, v, 0.0, true, 1.0);
    }
    c.check(
        k.abc.a_skus + k.abc.b_skus <= 1.0 + 1e-9,
        "skus.abc.b_skus",
        || {
            format!(
                "a_skus + b_skus must be at most 1, got {}",
                k.abc.a_skus + k.abc.b_skus
            )
        },
    );
    c.check(
        k.abc.a_lines + k.abc.b_lines <= 1.0 + 1e-9,
        "skus.abc.b_lines",
        || {
            format!(
                "a_lines + b_lines must be at most 1, got {}",
                k.abc.a_lines + k.abc.b_lines
            )
        },
    );
    if let Some(d) = &k.unit_volume_l {
        c.dist("skus.unit_volume_l", d, true);
    }
    if let Some(d) = &k.unit_weight_kg {
        c.dist("skus.unit_weight_kg", d, true);
    }

    let inv = &s.inventory;
    c.at_least("inventory.pick_faces_per_sku", inv.pick_faces_per_sku, 1);
    if let Some(units) = inv.pick_face_units {
        c.at_least("inventory.pick_face_units", units, 1);
    }
    if let (Some(bays), Some(levels), Some(count)) = (l.bays_per_aisle, l.levels, k.count) {
        let sides: u64 = if l.two_sided { 2 } else { 1 };
        let bins = [l.blocks, l.aisles, bays, levels]
            .into_iter()
            .fold(sides, |n, d| n.saturating_mul(u64::from(d)));
        c.check(bins <= MAX_BINS, "layout", || {
            format!("the layout has {bins} bins (blocks × aisles × bays_per_aisle × levels × sides); at most {MAX_BINS} are supported")
        });
        c.check(count <= MAX_SKUS, "skus.count", || {
            format!("must be ≤ {MAX_SKUS}, got {count}")
        });
        let faces = u64::from(count).saturating_mul(u64::from(inv.pick_faces_per_sku));
        c.check(faces <= bins, "inventory.pick_faces_per_sku", || {
            format!("{faces} pick faces (skus.count × pick_faces_per_sku) do not fit in the layout's {bins} bins")
        });
    }
    if let Some(site) = s.site_data() {
        validate_site_counts(&mut c, s, site);
    }

    let d = &s.demand;
    match (d.orders_per_day, &d.trace) {
        (Some(_), Some(_)) => c.fail(
            "demand.trace",
            "give either `orders_per_day` or `trace`, not both".into(),
        ),
        (None, None) => c.fail(
            "demand",
            "give `orders_per_day` (generator) or `trace` (a file of orders)".into(),
        ),
        (Some(n), None) => {
            c.positive("demand.orders_per_day", n);
            c.check(
                d.hourly_profile.is_empty() || d.hourly_profile.len() == 24,
                "demand.hourly_profile",
                || {
                    format!(
                        "must have 24 weights, one per hour, got {}",
                        d.hourly_profile.len()
                    )
                },
            );
            for (i, w) in d.hourly_profile.iter().enumerate() {
                c.range(
                    &format!("demand.hourly_profile[{i}]"),
                    *w,
                    0.0,
                    true,
                    f64::MAX,
                );
            }
            if !d.hourly_profile.is_empty() {
                c.check(
                    d.hourly_profile.iter().sum::<f64>() > 0.0,
                    "demand.hourly_profile",
                    || "weights must not all be zero".into(),
                );
            }
            let share: f64 = d.carriers.iter().map(|c| c.share).sum();
            c.check((share - 1.0).abs() < 1e-6, "demand.carriers", || {
                format!("carrier shares must sum to 1, got {share}")
            });
        }
        (None, Some(_)) => {}
    }
    c.count_dist("demand.lines_per_order", &d.lines_per_order);
    c.count_dist("demand.units_per_line", &d.units_per_line);
    c.range("demand.express_share", d.express_share, 0.0, true, 1.0);
    c.check(!d.carriers.is_empty(), "demand.carriers", || {
        "must list at least one carrier".into()
    });
    for (i, carrier) in d.carriers.iter().enumerate() {
        let p = format!("demand.carriers[{i}]");
        c.check(
            !carrier.name.trim().is_empty(),
            &format!("{p}.name"),
            || "must not be empty".into(),
        );
        if d.carriers[..i].iter().any(|o| o.name == carrier.name) {
            c.fail(
                &format!("{p}.name"),
                format!("carrier \"{}\" is listed twice", carrier.name),
            );
        }
        c.range(&format!("{p}.share"), carrier.share, 0.0, true, 1.0);
    }

    c.check(!s.associates.shifts.is_empty(), "associates.shifts", || {
        "must list at least one shift".into()
    });
    let heads: u64 = s
        .associates
        .shifts
        .iter()
        .map(|sh| u64::from(sh.headcount))
        .sum();
    c.check(heads <= MAX_ASSOCIATES, "associates.shifts", || {
        format!("{heads} associates in all shifts; at most {MAX_ASSOCIATES} are supported")
    });
    for (i, sh) in s.associates.shifts.iter().enumerate() {
        let p = format!("associates.shifts[{i}]");
        c.at_least(&format!("{p}.headcount"), sh.headcount, 1);
        c.check(sh.start != sh.end, &format!("{p}.end"), || {
            "must differ from start".into()
        });
        c.dist(
            &format!("{p}.walking_speed_mps"),
            &sh.walking_speed_mps,
            false,
        );
        c.dist(
            &format!("{p}.pick_time_per_line_s"),
            &sh.pick_time_per_line_s,
            true,
        );
        c.dist(
            &format!("{p}.pick_time_per_unit_s"),
            &sh.pick_time_per_unit_s,
            true,
        );
        c.check(
            sh.skills.contains(&crate::schema::Skill::Pick),
            &format!("{p}.skills"),
            || "must include \"pick\": every associate here picks".into(),
        );
        for (j, b) in sh.breaks.iter().enumerate() {
            c.at_least(&format!("{p}.breaks[{j}].minutes"), b.minutes, 1);
        }
    }

    let st = &s.strategy;
    let (routing, routing_path) = match st.picking.routing {
        Some(r) => (r, "strategy.picking.routing"),
        None => (st.routing, "strategy.routing"),
    };
    let off_grid = s
        .site_data()
        .and_then(|d| d.locations.iter().find(|l| l.point.site.is_some()));
    let dead_end = l.passages.iter().find(|p| p.open != Passage::Open);
    if !matches!(routing, Routing::NearestNeighbour | Routing::Optimal) {
        let why = match (dead_end, off_grid) {
            (Some(p), _) => Some(format!(
                "aisle {} is {} in block {} (`layout.passages`)",
                p.first_aisle,
                match p.open {
                    Passage::None => "missing",
                    _ => "a dead end",
                },
                p.block
            )),
            (None, Some(place)) => {
                Some(format!("location {} stands off the aisle grid", place.code))
            }
            (None, None) => None,
        };
        if let Some(why) = why {
            c.fail(
                routing_path,
                format!(
                    "\"{}\" is defined for the perfect grid of blocks, and {why}: use nearest_neighbour, or optimal (exact up to 13 stops, nearest neighbour + 2-opt beyond)",
                    routing.name()
                ),
            );
        }
    }
    c.check(!routing.single_block_only() || l.blocks == 1, routing_path, || {
        format!(
            "\"{}\" is defined for single-block layouts and this one has {} blocks: use s_shape, largest_gap, combined, combined_plus, nearest_neighbour or optimal",
            routing.name(),
            l.blocks
        )
    });
    check_picking(&mut c, s);
    check_tokens(&mut c, s);
    check_retention(&mut c, s);
    check_stock_and_disruptions(&mut c, s);
    c.at_least("strategy.wave_interval_min", st.wave_interval_min, 1);
    if let Some(rate) = st.lines_per_head_hour {
        c.positive("strategy.lines_per_head_hour", rate);
    }
    c.at_least("strategy.max_wave_orders", st.max_wave_orders, 1);
    c.at_least("strategy.planner_review_min", st.planner_review_min, 1);
    let w = &st.assignment;
    for (name, v) in [
        ("distance", w.distance),
        ("skill", w.skill),
        ("workload", w.workload),
        ("performance", w.performance),
        ("priority", w.priority),
    ] {
        c.range(
            &format!("strategy.assignment.{name}"),
            v,
            0.0,
            true,
            f64::MAX,
        );
    }

    let pk = &s.packing;
    c.at_least("packing.stations", pk.stations, 1);
    c.check(pk.stations <= MAX_STATIONS, "packing.stations", || {
        format!("must be ≤ {MAX_STATIONS}, got {}", pk.stations)
    });
    c.dist("packing.pack_time_s", &pk.pack_time_s, true);
    c.dist("packing.qc_time_s", &pk.qc_time_s, true);
    c.range(
        "packing.qc_sampling_rate",
        pk.qc_sampling_rate,
        0.0,
        true,
        1.0,
    );
    c.range(
        "packing.weight_tolerance",
        pk.weight_tolerance,
        0.0,
        true,
        1.0,
    );
    c.check(!pk.cartons.is_empty(), "packing.cartons", || {
        "must list at least one carton".into()
    });
    for (i, carton) in pk.cartons.iter().enumerate() {
        c.positive(&format!("packing.cartons[{i}].volume_l"), carton.volume_l);
        c.positive(
            &format!("packing.cartons[{i}].max_weight_kg"),
            carton.max_weight_kg,
        );
    }
    c.problems
}

/// What a site's files must agree on with the scenario: a staging lane per
/// pack station, the dock doors, at least one pick face.
fn validate_site_counts(c: &mut Checker, s: &Scenario, site: &crate::site_files::SiteData) {
    use paklog_domain::location_master::LocationKind;
    let count = |kind| site.locations.iter().filter(|l| l.kind == kind).count() as u32;
    let stage = count(LocationKind::Stage);
    c.check(stage == s.packing.stations, "packing.stations", || {
        format!(
            "the site's locations file has {stage} STAGE locations (one per pack station), but {} pack stations are set",
            s.packing.stations
        )
    });
    let docks = count(LocationKind::Dock);
    c.check(docks == s.layout.dock_doors, "layout.dock_doors", || {
        format!(
            "the site's locations file has {docks} DOCK locations, but {} dock doors are set",
            s.layout.dock_doors
        )
    });
    if let Some(people) = &site.people {
        for (i, sh) in s.associates.shifts.iter().enumerate() {
            let n = people.iter().filter(|p| p.shift == i).count() as u32;
            c.check(n == sh.headcount, &format!("associates.shifts[{i}].headcount"), || {
                format!(
                    "the people file has {n} associates on shift \"{}\", but its headcount is {}",
                    sh.name, sh.headcount
                )
            });
        }
    }
    c.check(!site.faces.is_empty(), "site.stock", || {
        "the stock file puts nothing in a PICK location: there is nothing to pick".into()
    });
}

/// Each passage names aisles and a block of the layout, once.
fn check_passages(c: &mut Checker, l: &crate::schema::Layout) {
    let mut seen = std::collections::HashSet::new();
    for (i, p) in l.passages.iter().enumerate() {
        let path = format!("layout.passages[{i}]");
        let last = p.last_aisle.unwrap_or(p.first_aisle);
        let aisles_ok = 1 <= p.first_aisle && p.first_aisle <= last && last <= l.aisles;
        c.check(aisles_ok, &format!("{path}.last_aisle"), || {
            format!(
                "must satisfy 1 ≤ first_aisle ≤ last_aisle ≤ {} (layout.aisles), got {}..{last}",
                l.aisles, p.first_aisle
            )
        });
        c.check(
            (1..=l.blocks).contains(&p.block),
            &format!("{path}.block"),
            || format!("must be a block from 1 to {}, got {}", l.blocks, p.block),
        );
        if aisles_ok && let Some(a) = p.aisles().find(|&a| !seen.insert((a, p.block))) {
            c.fail(
                &format!("{path}.first_aisle"),
                format!("aisle {a} in block {} is already given", p.block),
            );
        }
    }
}
