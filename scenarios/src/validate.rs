//! The rules of a scenario file that its types cannot express: ranges,
//! cross-field constraints, names that must resolve. Each problem names the
//! field path; [`crate::load`] locates it in the source.

use crate::schema::{CountDist, Dist, Scenario};
use paklog_domain::SiteCalendar;

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
    c.at_least("layout.bays_per_aisle", l.bays_per_aisle, 1);
    c.at_least("layout.levels", l.levels, 1);
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
    c.at_least("skus.count", k.count, 1);
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
    c.dist("skus.unit_volume_l", &k.unit_volume_l, true);
    c.dist("skus.unit_weight_kg", &k.unit_weight_kg, true);

    let inv = &s.inventory;
    c.at_least("inventory.pick_faces_per_sku", inv.pick_faces_per_sku, 1);
    c.at_least("inventory.pick_face_units", inv.pick_face_units, 1);
    let sides: u64 = if l.two_sided { 2 } else { 1 };
    let bins = [l.blocks, l.aisles, l.bays_per_aisle, l.levels]
        .into_iter()
        .fold(sides, |n, d| n.saturating_mul(u64::from(d)));
    c.check(bins <= MAX_BINS, "layout", || {
        format!("the layout has {bins} bins (blocks × aisles × bays_per_aisle × levels × sides); at most {MAX_BINS} are supported")
    });
    c.check(k.count <= MAX_SKUS, "skus.count", || {
        format!("must be ≤ {MAX_SKUS}, got {}", k.count)
    });
    let faces = u64::from(k.count).saturating_mul(u64::from(inv.pick_faces_per_sku));
    c.check(faces <= bins, "inventory.pick_faces_per_sku", || {
        format!("{faces} pick faces (skus.count × pick_faces_per_sku) do not fit in the layout's {bins} bins")
    });

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
    c.check(!routing.single_block_only() || l.blocks == 1, routing_path, || {
        format!(
            "\"{}\" is defined for single-block layouts and this one has {} blocks: use s_shape, largest_gap, combined, combined_plus, nearest_neighbour or optimal",
            routing.name(),
            l.blocks
        )
    });
    check_picking(&mut c, s);
    check_tokens(&mut c, s);
    check_stock_and_disruptions(&mut c, s);
    c.at_least("strategy.wave_interval_min", st.wave_interval_min, 1);
    c.at_least("strategy.max_wave_orders", st.max_wave_orders, 1);
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

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn fail(&mut self, path: &str, message: String) {
        self.problems.push(Problem {
            path: path.to_owned(),
            message,
        });
    }

    /// A field that only some picking kinds take.
    fn only_for<T>(&mut self, field: &str, value: Option<T>, kinds: &str, ok: bool) {
        self.check(
            value.is_none() || ok,
            &format!("strategy.picking.{field}"),
            || format!("applies to kind = {kinds} only"),
        );
    }

    fn check(&mut self, ok: bool, path: &str, message: impl FnOnce() -> String) {
        if !ok {
            self.fail(path, message());
        }
    }

    fn at_least(&mut self, path: &str, v: u32, min: u32) {
        self.check(v >= min, path, || format!("must be ≥ {min}, got {v}"));
    }

    fn positive(&mut self, path: &str, v: f64) {
        self.check(v.is_finite() && v > 0.0, path, || {
            format!("must be a number > 0, got {v}")
        });
    }

    /// `lo ≤ v ≤ hi` (or `lo < v` when `lo_inclusive` is false).
    fn range(&mut self, path: &str, v: f64, lo: f64, lo_inclusive: bool, hi: f64) {
        let above = if lo_inclusive { v >= lo } else { v > lo };
        let ok = v.is_finite() && above && v <= hi;
        self.check(ok, path, || {
            let op = if lo_inclusive { "≥" } else { ">" };
            if hi == f64::MAX {
                format!("must be {op} {lo}, got {v}")
            } else {
                format!("must be {op} {lo} and ≤ {hi}, got {v}")
            }
        });
    }

    /// A distribution of a non-negative quantity (`zero_ok`) or of a
    /// positive one.
    fn dist(&mut self, path: &str, d: &Dist, zero_ok: bool) {
        let lowest = match *d {
            Dist::Constant { value } => Some(value),
            Dist::Uniform { min, max } => {
                self.check(min <= max, &format!("{path}.max"), || {
                    format!("must be ≥ min ({min}), got {max}")
                });
                Some(min)
            }
            Dist::Triangular { min, mode, max } => {
                self.check(min <= mode && mode <= max, &format!("{path}.mode"), || {
                    format!("must lie between min ({min}) and max ({max}), got {mode}")
                });
                Some(min)
            }
            Dist::Exponential { mean } => {
                self.positive(&format!("{path}.mean"), mean);
                None
            }
            Dist::Normal { mean, sd } | Dist::Lognormal { mean, sd } => {
                self.positive(&format!("{path}.mean"), mean);
                self.range(&format!("{path}.sd"), sd, 0.0, true, f64::MAX);
                None
            }
        };
        if let Some(v) = lowest {
            let field = if matches!(d, Dist::Constant { .. }) {
                "value"
            } else {
                "min"
            };
            let ok = v.is_finite() && if zero_ok { v >= 0.0 } else { v > 0.0 };
            self.check(ok, &format!("{path}.{field}"), || {
                format!("must be {} 0, got {v}", if zero_ok { "≥" } else { ">" })
            });
        }
    }

    fn count_dist(&mut self, path: &str, d: &CountDist) {
        match *d {
            CountDist::Constant { value } => self.at_least(&format!("{path}.value"), value, 1),
            CountDist::Uniform { min, max } => {
                self.at_least(&format!("{path}.min"), min, 1);
                self.check(min <= max, &format!("{path}.max"), || {
                    format!("must be ≥ min ({min}), got {max}")
                });
            }
            CountDist::Geometric { mean, max } | CountDist::Poisson { mean, max } => {
                self.range(&format!("{path}.mean"), mean, 1.0, true, f64::MAX);
                self.at_least(&format!("{path}.max"), max, 1);
            }
        }
    }
}

/// Bearer tokens: long enough, each once, held by exactly one associate of
/// the roster or one named integration.
/// Replenishment levels, cycle counts, and every disruption: when it
/// happens, what it names, and its sizes.
fn check_stock_and_disruptions(c: &mut Checker, s: &Scenario) {
    use crate::schema::Disruption as D;
    if let Some(r) = s.inventory.replenishment {
        c.check(r.max > r.min, "inventory.replenishment.max", || {
            format!("must be more than min ({}), got {}", r.min, r.max)
        });
    }
    if let Some(i) = &s.inbound {
        c.dist("inbound.every_h", &i.every_h, false);
        c.at_least("inbound.units", i.units, 1);
    }
    if let Some(r) = s.rtls {
        c.positive("rtls.ping_interval_s", r.ping_interval_s);
        c.range("rtls.noise_m", r.noise_m, 0.0, true, 10.0);
    }
    if let Some(w) = s.workload {
        c.check(
            w.max_overtime_min <= 720,
            "workload.max_overtime_min",
            || format!("must be 0 to 720, got {}", w.max_overtime_min),
        );
    }
    if let Some(m) = s.inventory.cycle_count_interval_min {
        c.at_least("inventory.cycle_count_interval_min", m, 1);
    }
    if let Some(cv) = s.conveyor {
        for (name, g) in [
            ("induct", cv.induct),
            ("main", cv.main),
            ("spur", cv.spur),
            ("takeaway", cv.takeaway),
            ("lane", cv.lane),
        ] {
            c.positive(&format!("conveyor.{name}.length_m"), g.length_m);
            c.positive(&format!("conveyor.{name}.speed_mps"), g.speed_mps);
            c.at_least(&format!("conveyor.{name}.capacity"), g.capacity, 1);
        }
    }
    let l = &s.layout;
    // The master is built only if some disruption names a location.
    let names_location = s.disruptions.iter().any(|d| {
        matches!(
            d,
            D::BlockedLocation {
                location: Some(_),
                ..
            } | D::InventoryDiscrepancy {
                location: Some(_),
                ..
            }
        )
    });
    let names_segment = s.disruptions.iter().any(|d| {
        matches!(
            d,
            D::ConveyorStop {
                segment: Some(_),
                ..
            }
        )
    });
    let master = ((names_location || names_segment)
        && l.blocks >= 1
        && l.aisles >= 1
        && l.bays_per_aisle >= 1
        && l.levels >= 1)
        .then(|| {
            paklog_domain::location_master::LocationMaster::new(crate::build::layout_spec(s), 0, 0)
        });
    let heads: u32 = s.associates.shifts.iter().map(|sh| sh.headcount).sum();
    for (i, d) in s.disruptions.iter().enumerate() {
        let at = |f: &str| format!("disruptions[{i}].{f}");
        match d.when() {
            (Some(_), None) => {}
            (None, Some(every)) => c.dist(&at("every_h"), every, false),
            _ => c.fail(
                &format!("disruptions[{i}]"),
                "give either `at` (a time of day) or `every_h` (a distribution of hours between occurrences), not both or neither".into(),
            ),
        }
        let check_code = |c: &mut Checker, code: &Option<String>| {
            if let (Some(code), Some(master)) = (code, &master) {
                let pick = master
                    .by_code(code)
                    .is_some_and(|l| l.kind == paklog_domain::location_master::LocationKind::Pick);
                c.check(pick, &at("location"), || {
                    format!("no pick location has the code \"{code}\" (codes look like \"A01-B1-01-1L\")")
                });
            }
        };
        match d {
            D::BlockedLocation {
                location, minutes, ..
            } => {
                check_code(c, location);
                if let Some(m) = minutes {
                    c.positive(&at("minutes"), *m);
                }
            }
            D::InventoryDiscrepancy {
                location, units, ..
            } => {
                check_code(c, location);
                c.at_least(&at("units"), *units, 1);
            }
            D::Absence {
                associate, minutes, ..
            } => {
                if let Some(a) = associate {
                    c.check(*a < heads, &at("associate"), || {
                        format!("the roster has associates 0 to {}", heads.saturating_sub(1))
                    });
                }
                c.positive(&at("minutes"), *minutes);
            }
            D::ConveyorStop {
                segment, minutes, ..
            } => {
                c.positive(&at("minutes"), *minutes);
                match (&s.conveyor, segment, &master) {
                    (None, ..) => c.fail(
                        &format!("disruptions[{i}]"),
                        "a conveyor stop needs a [conveyor] section".into(),
                    ),
                    (Some(_), Some(code), Some(master)) => {
                        let codes = crate::build::segment_codes(s, master);
                        c.check(codes.contains(code), &at("segment"), || {
                            format!(
                                "no conveyor segment has the code \"{code}\"; this site has {}",
                                codes.join(", ")
                            )
                        });
                    }
                    _ => {}
                }
            }
            D::DemandSurge {
                minutes, factor, ..
            } => {
                c.positive(&at("minutes"), *minutes);
                c.positive(&at("factor"), *factor);
                c.check(
                    s.demand.trace.is_none(),
                    &format!("disruptions[{i}]"),
                    || {
                        "a demand surge needs generated demand; this scenario replays a trace"
                            .into()
                    },
                );
            }
        }
    }
}

fn check_tokens(c: &mut Checker, s: &Scenario) {
    let heads: u32 = s.associates.shifts.iter().map(|sh| sh.headcount).sum();
    let mut seen = std::collections::HashSet::new();
    for (i, t) in s.live.tokens.iter().enumerate() {
        let at = |f: &str| format!("live.tokens[{i}].{f}");
        let given = [
            t.token.is_some(),
            t.token_env.is_some(),
            t.token_file.is_some(),
        ];
        c.check(
            given.iter().filter(|&&g| g).count() == 1,
            &format!("live.tokens[{i}]"),
            || "give exactly one of `token`, `token_env` or `token_file`".into(),
        );
        // Secrets from the environment or a file are checked when `paklog
        // serve` reads them.
        if let Some(token) = &t.token {
            c.check(token.chars().count() >= 16, &at("token"), || {
                "must be at least 16 characters".into()
            });
            c.check(seen.insert(token.as_str()), &at("token"), || {
                "is given twice: every device and integration needs its own".into()
            });
        }
        for (field, name) in [("token_env", &t.token_env), ("token_file", &t.token_file)] {
            if let Some(name) = name {
                c.check(!name.trim().is_empty(), &at(field), || {
                    "must not be empty".into()
                });
            }
        }
        match (t.associate, &t.integration) {
            (Some(a), None) => c.check(a < heads, &at("associate"), || {
                format!("the roster has associates 0 to {}", heads.saturating_sub(1))
            }),
            (None, Some(name)) => c.check(!name.trim().is_empty(), &at("integration"), || {
                "must name the integration".into()
            }),
            _ => c.fail(
                &format!("live.tokens[{i}]"),
                "give either `associate` (a device) or `integration`, not both or neither".into(),
            ),
        }
    }
}

/// The picking strategy: each field only where its kind takes it, sizes in
/// range, and enough associates for zone picking.
fn check_picking(c: &mut Checker, s: &Scenario) {
    use crate::schema::PickingKind as K;
    let p = &s.strategy.picking;
    c.only_for("rule", p.rule, "\"batch\"", p.kind == K::Batch);
    c.only_for(
        "totes",
        p.totes,
        "\"batch\" or \"cluster\"",
        matches!(p.kind, K::Batch | K::Cluster),
    );
    c.only_for("mode", p.mode, "\"zone\"", p.kind == K::Zone);
    for (field, value) in [
        ("slots", p.slots.is_some()),
        ("walls", p.walls.is_some()),
        ("put_time_per_unit_s", p.put_time_per_unit_s.is_some()),
    ] {
        c.only_for(
            field,
            value.then_some(()),
            "\"put_wall\"",
            p.kind == K::PutWall,
        );
    }
    for (field, value, max) in [
        ("totes", p.totes, MAX_TOTES),
        ("slots", p.slots, MAX_SLOTS),
        ("walls", p.walls, MAX_WALLS),
    ] {
        if let Some(v) = value {
            c.check(
                (1..=max).contains(&v),
                &format!("strategy.picking.{field}"),
                || format!("must be between 1 and {max}, got {v}"),
            );
        }
    }
    if let Some(d) = &p.put_time_per_unit_s {
        c.dist("strategy.picking.put_time_per_unit_s", d, true);
    }
    if p.kind == K::Zone {
        let zones = s.layout.zones.len();
        c.check(zones >= 2, "strategy.picking.kind", || {
            format!("zone picking needs at least two zones in layout.zones, got {zones}")
        });
        for (i, sh) in s.associates.shifts.iter().enumerate() {
            c.check(
                sh.headcount as usize >= zones,
                &format!("associates.shifts[{i}].headcount"),
                || {
                    format!(
                        "zone picking spreads each shift over the {zones} zones: needs at least {zones} associates, got {}",
                        sh.headcount
                    )
                },
            );
        }
    }
}
