//! Slotting optimisation: where each pick face should be, by velocity.
//!
//! The fastest faces (an item's order lines shared over its faces) go to
//! the active pick locations nearest a depot, and among locations equally
//! near (the levels of one bay) to the golden zone first: the level at
//! waist height. A face goes only where its item's restrictions are met
//! and no area apart (a hazmat aisle, a secure cage) is entered by an item
//! that does not belong there, so every move is one the site's own rules
//! allow; a location's unit capacity is never exceeded, and deactivated
//! locations are never proposed.

use std::collections::{BTreeMap, BTreeSet};

use super::{LocationKind, LocationMaster, Point};
use crate::config::SkuSpec;
use crate::ids::{LocationId, SkuId};

/// A pick face: an item, where it is, and the units it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Face {
    /// The item.
    pub sku: SkuId,
    /// The pick location.
    pub location: LocationId,
    /// Units in it.
    pub units: u32,
}

/// The level at waist height in bays of `levels` levels: the second where
/// there are three or more, else the first.
#[must_use]
pub fn golden_level(levels: u32) -> u32 {
    if levels >= 3 { 2 } else { 1 }
}

/// The walking distance from the nearest depot to each location (m).
#[must_use]
pub fn depot_distance(master: &LocationMaster) -> Vec<f64> {
    let depots: Vec<Point> = std::iter::once(master.spec.depot_aisle)
        .chain(master.spec.extra_depots.iter().copied())
        .map(|aisle| Point::new(aisle, 0.0))
        .collect();
    master
        .locations
        .iter()
        .map(|l| {
            depots
                .iter()
                .map(|&d| master.distance(d, l.point))
                .fold(f64::INFINITY, f64::min)
        })
        .collect()
}

/// A new place for every face, in the order of `faces`: by velocity
/// (`lines[sku]` order lines, shared evenly over the item's faces), nearest
/// the depot and then the golden zone first. A face may go only where its
/// item's restrictions are met and where no restriction is
/// set apart for other items: a restriction is a mere capability (HEAVY
/// shelving) if some item that does not need it already sits under it, and
/// an area apart (a hazmat aisle, a cage) otherwise. Faces of equal
/// velocity already in places as good as they would get stay; a face that
/// fits nowhere keeps its place. `items` are the site's, by [`SkuId`]: their
/// restrictions, unit volume and weight.
#[must_use]
pub fn propose(
    master: &LocationMaster,
    faces: &[Face],
    lines: &[f64],
    items: &[SkuSpec],
) -> Vec<Face> {
    let distance = depot_distance(master);
    let golden = golden_level(master.spec.levels);
    let velocity = face_velocity(faces, lines);
    // Each face's item's restrictions, sorted: the key of the places it
    // may take.
    let needs: Vec<Vec<String>> = faces
        .iter()
        .map(|f| {
            let mut n = items
                .get(f.sku.index())
                .map(|i| i.restrictions.clone())
                .unwrap_or_default();
            n.sort();
            n.dedup();
            n
        })
        .collect();
    let capabilities: BTreeSet<&String> = faces
        .iter()
        .zip(&needs)
        .flat_map(|(f, n)| {
            master
                .get(f.location)
                .restrictions
                .iter()
                .filter(move |r| !n.contains(r))
        })
        .collect();
    // Each set of needs, the places it may take, best first.
    let mut ranked: Vec<LocationId> = master
        .locations
        .iter()
        .filter(|l| l.kind == LocationKind::Pick && l.active)
        .map(|l| l.id)
        .collect();
    ranked.sort_by(|&a, &b| {
        let (la, lb) = (master.get(a), master.get(b));
        distance[a.index()]
            .total_cmp(&distance[b.index()])
            .then(la.level.abs_diff(golden).cmp(&lb.level.abs_diff(golden)))
            .then(a.cmp(&b))
    });
    let mut places: BTreeMap<Vec<String>, (Vec<LocationId>, usize)> = BTreeMap::new();
    for n in &needs {
        if places.contains_key(n) {
            continue;
        }
        let allowed: Vec<LocationId> = ranked
            .iter()
            .copied()
            .filter(|&id| {
                let r = &master.get(id).restrictions;
                n.iter().all(|x| r.contains(x))
                    && r.iter().all(|x| n.contains(x) || capabilities.contains(x))
            })
            .collect();
        places.insert(n.clone(), (allowed, 0));
    }
    let mut order: Vec<usize> = (0..faces.len()).collect();
    order.sort_by(|&a, &b| {
        velocity[b]
            .total_cmp(&velocity[a])
            .then(faces[a].sku.cmp(&faces[b].sku))
            .then(faces[a].location.cmp(&faces[b].location))
    });
    let mut out = faces.to_vec();
    let mut used = vec![false; master.locations.len()];
    for group in order.chunk_by(|&a, &b| velocity[a] == velocity[b]) {
        // The places each set of needs in the group would take next; a
        // face already in one of them stays.
        let mut wanted: BTreeMap<&Vec<String>, usize> = BTreeMap::new();
        for &i in group {
            *wanted.entry(&needs[i]).or_default() += 1;
        }
        let mut next: BTreeMap<&Vec<String>, Vec<LocationId>> = BTreeMap::new();
        for (n, count) in wanted {
            let (allowed, first_free) = places.get_mut(n).expect("every need has its places");
            while *first_free < allowed.len() && used[allowed[*first_free].index()] {
                *first_free += 1;
            }
            let ids = allowed[*first_free..]
                .iter()
                .copied()
                .filter(|id| !used[id.index()])
                .take(count)
                .collect();
            next.insert(n, ids);
        }
        let mut moving = Vec::new();
        for &i in group {
            let ids = next.get_mut(&needs[i]).expect("filled above");
            match ids.iter().position(|&id| id == faces[i].location) {
                Some(p) => {
                    ids.remove(p);
                    used[faces[i].location.index()] = true;
                }
                None => moving.push(i),
            }
        }
        for i in moving {
            let face = faces[i];
            let n = &needs[i];
            let (allowed, first_free) = &places[n];
            let (volume, weight) = items
                .get(face.sku.index())
                .map_or((0.0, 0.0), |i| (i.volume_l, i.weight_kg));
            let fits = |id: LocationId| {
                !used[id.index()]
                    && face.units <= master.get(id).capacity.most_units(volume, weight)
            };
            let to = next[n]
                .iter()
                .chain(&allowed[*first_free..])
                .copied()
                .find(|&id| fits(id))
                .or_else(|| (!used[face.location.index()]).then_some(face.location))
                .or_else(|| allowed.iter().copied().find(|id| !used[id.index()]))
                .unwrap_or(face.location);
            used[to.index()] = true;
            out[i].location = to;
        }
    }
    out
}

/// Each face's share of its item's order lines, in the order of `faces`:
/// `lines[sku]` shared evenly over the item's faces.
fn face_velocity(faces: &[Face], lines: &[f64]) -> Vec<f64> {
    let mut per_sku: BTreeMap<SkuId, u32> = BTreeMap::new();
    for f in faces {
        *per_sku.entry(f.sku).or_default() += 1;
    }
    faces
        .iter()
        .map(|f| lines.get(f.sku.index()).copied().unwrap_or(0.0) / f64::from(per_sku[&f.sku]))
        .collect()
}

/// The one-way walk from the nearest depot to a line's face, weighted by
/// the faces' velocities: `Σ velocity × distance` (m per line when `lines`
/// are shares that sum to 1); what a re-slotting lowers.
#[must_use]
pub fn demand_distance(master: &LocationMaster, faces: &[Face], lines: &[f64]) -> f64 {
    let distance = depot_distance(master);
    faces
        .iter()
        .zip(face_velocity(faces, lines))
        .map(|(f, v)| v * distance[f.location.index()])
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::location_master::LayoutSpec;

    /// Two aisles of 5 bays, two sides, three levels: 60 pick locations.
    fn master() -> LocationMaster {
        LocationMaster::new(
            LayoutSpec {
                bays_per_aisle: 5,
                levels: 3,
                ..crate::testing::layout(1, 2)
            },
            1,
            0,
        )
    }

    fn code(m: &LocationMaster, id: LocationId) -> &str {
        &m.get(id).code
    }

    fn at(m: &LocationMaster, code: &str) -> LocationId {
        m.by_code(code).expect("a code of the layout").id
    }

    fn item(sku: u32) -> SkuSpec {
        SkuSpec::new(
            format!("I{sku}"),
            1.0,
            1.0,
            crate::location_master::AbcClass::A,
        )
    }

    fn face(sku: u32, location: LocationId) -> Face {
        Face {
            sku: SkuId(sku),
            location,
            units: 10,
        }
    }

    #[test]
    fn the_fast_mover_takes_the_golden_level_of_the_nearest_bay() {
        let m = master();
        let faces = [
            face(0, at(&m, "A01-B1-01-2L")),
            face(1, at(&m, "A02-B1-05-3R")),
        ];
        let new = propose(&m, &faces, &[1.0, 50.0], &[]);
        assert_eq!(code(&m, new[1].location), "A01-B1-01-2L");
        // The slow one takes the next best: the same bay's other side, golden.
        assert_eq!(code(&m, new[0].location), "A01-B1-01-2R");
        assert!(
            demand_distance(&m, &new, &[1.0, 50.0]) < demand_distance(&m, &faces, &[1.0, 50.0])
        );
    }

    #[test]
    fn a_deactivated_location_is_never_proposed() {
        let mut m = master();
        for side in ["L", "R"] {
            let id = at(&m, &format!("A01-B1-01-2{side}"));
            m.locations[id.index()].active = false;
        }
        let faces = [face(0, at(&m, "A02-B1-05-3R"))];
        let new = propose(&m, &faces, &[5.0], &[]);
        // The golden level's neighbours of the same bay come next.
        assert_eq!(code(&m, new[0].location), "A01-B1-01-1L");
    }

    #[test]
    fn a_face_stays_in_its_area_and_within_capacity() {
        let mut m = master();
        for l in m.locations.iter_mut().filter(|l| l.point.aisle == 1) {
            l.restrictions = vec!["HAZMAT".into()];
        }
        let near = at(&m, "A01-B1-01-2L");
        m.locations[near.index()].capacity.units = Some(5);
        let beside = at(&m, "A01-B1-01-2R");
        m.locations[beside.index()].capacity.volume_l = Some(9.0);
        let mut hazmat = item(0);
        hazmat.restrictions = vec!["HAZMAT".into()];
        // A hazmat item in aisle 2 and an ordinary one; both fast.
        let faces = [
            face(0, at(&m, "A02-B1-05-1L")),
            face(1, at(&m, "A01-B1-05-1L")),
        ];
        let new = propose(&m, &faces, &[9.0, 8.0], &[hazmat, item(1)]);
        assert_eq!(
            code(&m, new[0].location),
            "A02-B1-01-2L",
            "hazmat aisle only"
        );
        // 10 units do not fit the 5-unit golden bin, nor 10 l the 9-litre
        // one beside it.
        assert_eq!(code(&m, new[1].location), "A01-B1-01-1L");
    }

    #[test]
    fn a_restriction_an_ordinary_item_already_sits_under_is_a_capability() {
        let mut m = master();
        for l in m.locations.iter_mut() {
            if l.level == 1 {
                l.restrictions = vec!["HEAVY".into()];
            } else if l.bay == 0 && l.point.aisle == 0 {
                l.active = false;
            }
        }
        let fast = [face(0, at(&m, "A02-B1-05-2L"))];
        // Nobody sits under HEAVY without needing it: an area apart.
        let new = propose(&m, &fast, &[9.0], &[]);
        assert_eq!(code(&m, new[0].location), "A01-B1-02-2L");
        // An ordinary item on a heavy shelf: HEAVY is a capability.
        let both = [fast[0], face(1, at(&m, "A02-B1-05-1L"))];
        let new = propose(&m, &both, &[9.0, 1.0], &[]);
        assert_eq!(code(&m, new[0].location), "A01-B1-01-1L");
    }

    #[test]
    fn faces_of_equal_velocity_already_in_the_best_places_stay() {
        let m = master();
        // Two equally fast items in the two best places, in the "wrong"
        // order of their ids, and a slow one.
        let faces = [
            face(0, at(&m, "A01-B1-01-2R")),
            face(1, at(&m, "A01-B1-01-2L")),
            face(2, at(&m, "A02-B1-05-3R")),
        ];
        let new = propose(&m, &faces, &[5.0, 5.0, 1.0], &[]);
        assert_eq!(new[..2], faces[..2]);
        assert_eq!(code(&m, new[2].location), "A01-B1-01-1L");
    }

    #[test]
    fn an_items_faces_share_its_lines() {
        let m = master();
        // Item 0: 30 lines over three faces (10 each); item 1: 12 lines.
        let faces = [
            face(0, at(&m, "A02-B1-05-1L")),
            face(0, at(&m, "A02-B1-05-1R")),
            face(0, at(&m, "A02-B1-05-2L")),
            face(1, at(&m, "A02-B1-05-2R")),
        ];
        let new = propose(&m, &faces, &[30.0, 12.0], &[]);
        assert_eq!(code(&m, new[3].location), "A01-B1-01-2L");
        let same = propose(&m, &new, &[30.0, 12.0], &[]);
        assert_eq!(same, new, "a proposal is its own fixed point");
    }
}
