//! The picking strategy.

use super::checker::Checker;
use super::{MAX_SLOTS, MAX_TOTES, MAX_WALLS};
use crate::schema::Scenario;

/// The picking strategy: each field only where its kind takes it, sizes in
/// range, and enough associates for zone picking.
pub(super) fn check_picking(c: &mut Checker, s: &Scenario) {
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
