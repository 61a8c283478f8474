//! Replenishment, cycle counts and disruptions.

use super::checker::Checker;
use crate::schema::Scenario;

/// Replenishment levels, cycle counts, and every disruption: when it
/// happens, what it names, and its sizes.
pub(super) fn check_stock_and_disruptions(c: &mut Checker, s: &Scenario) {
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
    let buildable = l.blocks >= 1
        && l.aisles >= 1
        && match &s.site {
            // Checked once the files are read.
            Some(files) => files.data.is_some(),
            None => l.bays_per_aisle.is_some_and(|b| b >= 1) && l.levels.is_some_and(|v| v >= 1),
        };
    let master = ((names_location || names_segment) && buildable).then(|| crate::build::master(s));
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
