//! The location master and the geometry of the building: warehouse → zone →
//! aisle → bay → bin, and walking distances between any two points.
//!
//! Aisles run front to back, `aisle_pitch_m` apart centre to centre, and are
//! cut into `blocks` by cross aisles: one in front, one between each pair of
//! blocks, one at the back. A block's aisle length is the distance between
//! the centre lines of the cross aisles at its ends. A point is an aisle and
//! a distance `y` from the front cross aisle's centre line; walking is along
//! aisle and cross-aisle centre lines only.

#[cfg(test)]
mod rules;

mod configure;
mod exceptions;
mod network;
mod reslotting;
pub mod slotting;
pub use network::{Network, Passage};
pub use reslotting::{FaceMove, SequenceError, Step, sequence};

use bevy_ecs::resource::Resource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{LocationId, SkuId};

/// The building as a scenario or site file describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutSpec {
    /// Blocks of aisles, front to back.
    pub blocks: u32,
    /// Aisles (they run through every block).
    pub aisles: u32,
    /// Bays along each side of an aisle, per block.
    pub bays_per_aisle: u32,
    /// Levels per bay.
    pub levels: u32,
    /// Aisle length per block (m), centre line to centre line of the cross
    /// aisles at its ends.
    pub aisle_length_m: f64,
    /// Aisle pitch, centre to centre (m).
    pub aisle_pitch_m: f64,
    /// Racks on both sides of each aisle.
    pub two_sided: bool,
    /// 0-based aisle at whose front end the depot stands (pack area).
    pub depot_aisle: u32,
    /// Further depots: 0-based aisles at whose front ends pick trips may
    /// also start and end.
    #[serde(default)]
    pub extra_depots: Vec<u32>,
    /// Zones as `(name, first aisle, last aisle)`, 0-based and inclusive;
    /// empty means one zone "Z1" over everything.
    pub zones: Vec<(String, u32, u32)>,
    /// Dock doors.
    pub dock_doors: u32,
    /// Aisles not open end to end in a block, as `(aisle, block, passage)`
    /// (0-based): dead ends and missing aisles. Empty: the perfect grid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passages: Vec<(u32, u32, Passage)>,
}

/// How much a location holds at most; a limit left out is not checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Capacity {
    /// Units.
    pub units: Option<u32>,
    /// Volume (litres).
    pub volume_l: Option<f64>,
    /// Weight (kg).
    pub weight_kg: Option<f64>,
}

impl Capacity {
    /// The most units of an item of this unit volume (l) and weight (kg)
    /// the location holds when empty.
    #[must_use]
    pub fn most_units(&self, volume_l: f64, weight_kg: f64) -> u32 {
        let mut most = self.units.unwrap_or(u32::MAX);
        for (limit, per_unit) in [(self.volume_l, volume_l), (self.weight_kg, weight_kg)] {
            if let Some(limit) = limit
                && per_unit > 0.0
            {
                most = most.min((limit / per_unit + 1e-9).floor().min(f64::from(u32::MAX)) as u32);
            }
        }
        most
    }
}

/// A point on the walking network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// 0-based aisle.
    pub aisle: u32,
    /// Metres from the centre line of the front cross aisle.
    pub y: f64,
    /// A place off the aisle grid (a reserve area, a cage): where it stands
    /// in site metres (`x` = aisle × pitch, `y` as above). `aisle` and `y`
    /// are then the junction of aisle and cross aisle it is walked to from,
    /// in a straight line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<[f64; 2]>,
}

impl Point {
    /// The point `y` metres along aisle `aisle` (0-based).
    #[must_use]
    pub const fn new(aisle: u32, y: f64) -> Self {
        Point {
            aisle,
            y,
            site: None,
        }
    }

    /// A place off the aisle grid at site coordinates `(x, y)` (m); the
    /// master attaches it to its nearest junction when it is built.
    #[must_use]
    pub const fn off_grid(x: f64, y: f64) -> Self {
        Point {
            aisle: 0,
            y: 0.0,
            site: Some([x, y]),
        }
    }
}

/// What a location is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LocationKind {
    /// A pick face in the racks.
    Pick,
    /// Reserve storage, replenishes pick faces.
    Reserve,
    /// A staging lane (pack station in-feed).
    Stage,
    /// A dock door.
    Dock,
}

impl LocationKind {
    /// Every kind, in the order their names are listed.
    pub const ALL: [LocationKind; 4] = [
        LocationKind::Pick,
        LocationKind::Reserve,
        LocationKind::Stage,
        LocationKind::Dock,
    ];

    /// The name a site file uses: `PICK`, `RESERVE`, `STAGE`, `DOCK`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            LocationKind::Pick => "PICK",
            LocationKind::Reserve => "RESERVE",
            LocationKind::Stage => "STAGE",
            LocationKind::Dock => "DOCK",
        }
    }
}

/// Velocity class of the SKU slotted in a location.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum AbcClass {
    /// Fast movers.
    A,
    /// Medium movers.
    B,
    /// Slow movers.
    C,
}

/// Rack side of a pick location, looking from the front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    /// Left.
    L,
    /// Right.
    R,
}

/// One location of the master.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Its id (index in the master).
    pub id: LocationId,
    /// Human-readable code, e.g. `A03-B1-12-2L` (aisle 3, block 1, bay 12,
    /// level 2, left side).
    pub code: String,
    /// What it is for.
    pub kind: LocationKind,
    /// Index of its zone in [`LocationMaster::zones`].
    pub zone: u16,
    /// Where a picker stands to reach it.
    pub point: Point,
    /// 0-based block (pick locations).
    pub block: u32,
    /// 0-based bay within the aisle and block (pick locations).
    pub bay: u32,
    /// 1-based level (pick locations).
    pub level: u32,
    /// Velocity class of the SKU slotted here, if any.
    pub abc: Option<AbcClass>,
    /// The SKU slotted here, if any.
    pub sku: Option<SkuId>,
    /// Rack side (pick locations).
    #[serde(default)]
    pub side: Option<Side>,
    /// What it holds at most.
    #[serde(default)]
    pub capacity: Capacity,
    /// The conditions it meets (`HAZMAT`, `FROZEN`, `HEAVY` …): an item that
    /// needs one is stored only where it is listed.
    #[serde(default)]
    pub restrictions: Vec<String>,
    /// In use: an inactive location is never slotted nor picked from.
    #[serde(default = "in_use")]
    pub active: bool,
    /// The velocity class of the items it is meant for, if the location
    /// master set one.
    #[serde(default)]
    pub slotting_class: Option<AbcClass>,
}

fn in_use() -> bool {
    true
}

impl Location {
    /// Whether an item that needs `needs` may be stored here.
    #[must_use]
    pub fn permits(&self, needs: &[String]) -> bool {
        needs.iter().all(|n| self.restrictions.contains(n))
    }
}

/// The location master: every location, its zone, and the geometry to walk
/// between them.
#[derive(Debug, Clone, Resource)]
pub struct LocationMaster {
    /// The building.
    pub spec: LayoutSpec,
    /// All locations, indexed by [`LocationId`].
    pub locations: Vec<Location>,
    /// Zone names, indexed by [`Location::zone`].
    pub zones: Vec<String>,
    /// Zone of each aisle.
    aisle_zone: Vec<u16>,
    /// The staging lanes, one per pack station.
    pub(crate) stage: Vec<LocationId>,
    /// The dock doors.
    pub(crate) docks: Vec<LocationId>,
    /// Each location by its code.
    by_code: foldhash::HashMap<String, LocationId>,
    /// The walking network when the site is not the perfect grid (dead
    /// ends, missing aisles, places off the grid); `None` on the grid.
    network: Option<Network>,
    /// A slotting being applied.
    pub(crate) reslotting: reslotting::Reslotting,
}

impl LocationMaster {
    /// Builds every pick bin of the layout, plus one staging lane per pack
    /// station, one dock location per door and `reserve` reserve locations
    /// at the depot end. Nothing is slotted yet.
    #[must_use]
    pub fn new(spec: LayoutSpec, pack_stations: u32, reserve: u32) -> Self {
        let mut zones: Vec<String> = spec.zones.iter().map(|z| z.0.clone()).collect();
        let mut aisle_zone = vec![0u16; spec.aisles as usize];
        if zones.is_empty() {
            zones.push("Z1".into());
        } else {
            for (zi, (_, first, last)) in spec.zones.iter().enumerate() {
                for a in *first..=*last {
                    if let Some(z) = aisle_zone.get_mut(a as usize) {
                        *z = zi as u16;
                    }
                }
            }
        }
        let mut locations = Vec::new();
        let sides: &[Side] = if spec.two_sided {
            &[Side::L, Side::R]
        } else {
            &[Side::L]
        };
        let bay_len = spec.aisle_length_m / f64::from(spec.bays_per_aisle);
        for aisle in 0..spec.aisles {
            for block in 0..spec.blocks {
                for bay in 0..spec.bays_per_aisle {
                    let y =
                        f64::from(block) * spec.aisle_length_m + (f64::from(bay) + 0.5) * bay_len;
                    for level in 1..=spec.levels {
                        for side in sides {
                            let id = LocationId(locations.len() as u32);
                            locations.push(Location {
                                id,
                                code: format!(
                                    "A{:02}-B{}-{:02}-{}{:?}",
                                    aisle + 1,
                                    block + 1,
                                    bay + 1,
                                    level,
                                    side
                                ),
                                kind: LocationKind::Pick,
                                zone: aisle_zone[aisle as usize],
                                point: Point::new(aisle, y),
                                block,
                                bay,
                                level,
                                abc: None,
                                sku: None,
                                side: Some(*side),
                                capacity: Capacity::default(),
                                restrictions: Vec::new(),
                                active: true,
                                slotting_class: None,
                            });
                        }
                    }
                }
            }
        }
        let depot = Point::new(spec.depot_aisle, 0.0);
        let mut extra = |kind: LocationKind, code: String| {
            let id = LocationId(locations.len() as u32);
            locations.push(Location {
                id,
                code,
                kind,
                zone: aisle_zone[spec.depot_aisle as usize],
                point: depot,
                block: 0,
                bay: 0,
                level: 0,
                abc: None,
                sku: None,
                side: None,
                capacity: Capacity::default(),
                restrictions: Vec::new(),
                active: true,
                slotting_class: None,
            });
        };
        for s in 0..pack_stations {
            extra(LocationKind::Stage, format!("STAGE-PS{}", s + 1));
        }
        for d in 0..spec.dock_doors {
            extra(LocationKind::Dock, format!("DOCK-{:02}", d + 1));
        }
        for r in 0..reserve {
            extra(LocationKind::Reserve, format!("RES-{:05}", r + 1));
        }
        Self::assemble(spec, zones, aisle_zone, locations)
    }

    /// The master of a site whose locations are given (by its files) rather
    /// than generated: ids are their places in `locations`, zones are the
    /// layout's zone names (`Location::zone` indexes them), and an aisle's
    /// zone is that of its first pick location.
    #[must_use]
    pub fn from_locations(spec: LayoutSpec, mut locations: Vec<Location>) -> Self {
        let mut zones: Vec<String> = spec.zones.iter().map(|z| z.0.clone()).collect();
        if zones.is_empty() {
            zones.push("Z1".into());
        }
        let mut aisle_zone = vec![None; spec.aisles as usize];
        for (i, l) in locations.iter_mut().enumerate() {
            l.id = LocationId(i as u32);
            if l.kind == LocationKind::Pick
                && let Some(z @ None) = aisle_zone.get_mut(l.point.aisle as usize)
            {
                *z = Some(l.zone);
            }
        }
        let aisle_zone = aisle_zone
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        Self::assemble(spec, zones, aisle_zone, locations)
    }

    fn assemble(
        spec: LayoutSpec,
        zones: Vec<String>,
        aisle_zone: Vec<u16>,
        locations: Vec<Location>,
    ) -> Self {
        let of_kind = |kind| {
            locations
                .iter()
                .filter(|l: &&Location| l.kind == kind)
                .map(|l| l.id)
                .collect()
        };
        let stage = of_kind(LocationKind::Stage);
        let docks = of_kind(LocationKind::Dock);
        let by_code = locations.iter().map(|l| (l.code.clone(), l.id)).collect();
        let off_grid = locations.iter().any(|l| l.point.site.is_some());
        let network = if off_grid {
            Some(Network::build(&spec))
        } else {
            Network::of(&spec)
        };
        let mut locations = locations;
        if let Some(net) = &network {
            let depot = Point::new(spec.depot_aisle, 0.0);
            for l in &mut locations {
                l.point = net.attach(l.point, depot);
            }
        }
        LocationMaster {
            spec,
            locations,
            zones,
            aisle_zone,
            stage,
            docks,
            by_code,
            network,
            reslotting: reslotting::Reslotting::default(),
        }
    }

    /// The walking network, when the site is not the perfect grid of
    /// blocks (then only routing by shortest walks applies).
    #[must_use]
    pub fn network(&self) -> Option<&Network> {
        self.network.as_ref()
    }

    /// Adds a location (its id is the next one).
    pub(crate) fn add(&mut self, mut location: Location) {
        if let Some(net) = &self.network {
            location.point = net.attach(location.point, self.depot());
        }
        self.by_code.insert(location.code.clone(), location.id);
        self.locations.push(location);
    }

    /// The location `id`.
    ///
    /// # Panics
    /// If `id` is not in the master (ids come from the master itself).
    #[must_use]
    pub fn get(&self, id: LocationId) -> &Location {
        &self.locations[id.index()]
    }

    /// Finds a location by its code.
    #[must_use]
    pub fn by_code(&self, code: &str) -> Option<&Location> {
        self.by_code.get(code).map(|&id| self.get(id))
    }

    /// Where the depot (start and end of every pick trip, and the pack area)
    /// is.
    #[must_use]
    pub fn depot(&self) -> Point {
        Point::new(self.spec.depot_aisle, 0.0)
    }

    /// The hand-over point of a zone: the aisle at whose front end its
    /// pickers start and end their trips — the depot's aisle if it lies in
    /// the zone, else the zone's middle aisle.
    #[must_use]
    pub fn zone_depot(&self, zone: u16) -> u32 {
        let aisles: Vec<u32> = (0..self.spec.aisles)
            .filter(|&a| self.zone_of_aisle(a) == zone)
            .collect();
        if aisles.is_empty() || aisles.contains(&self.spec.depot_aisle) {
            self.spec.depot_aisle
        } else {
            aisles[aisles.len() / 2]
        }
    }

    /// The zone of an aisle.
    #[must_use]
    pub fn zone_of_aisle(&self, aisle: u32) -> u16 {
        self.aisle_zone.get(aisle as usize).copied().unwrap_or(0)
    }

    /// Active pick locations, nearest to the depot first (ties by id): the
    /// order in which ABC slotting fills them.
    #[must_use]
    pub fn pick_bins_by_distance(&self) -> Vec<LocationId> {
        let depot = self.depot();
        let mut bins: Vec<(u64, LocationId)> = self
            .locations
            .iter()
            .filter(|l| l.kind == LocationKind::Pick && l.active)
            .map(|l| ((self.distance(depot, l.point) * 1000.0) as u64, l.id))
            .collect();
        bins.sort_unstable();
        bins.into_iter().map(|(_, id)| id).collect()
    }

    /// Shortest walking distance between two points (m).
    #[must_use]
    pub fn distance(&self, a: Point, b: Point) -> f64 {
        match &self.network {
            Some(net) => net.distance(a, b),
            None => self.cross_aisle(a, b).0,
        }
    }

    /// The walking distance from `a` to `b` and, if they are in different
    /// aisles, the `y` of the cross aisle the shortest walk takes.
    fn cross_aisle(&self, a: Point, b: Point) -> (f64, Option<f64>) {
        if a.aisle == b.aisle {
            return ((a.y - b.y).abs(), None);
        }
        let dx = f64::from(a.aisle.abs_diff(b.aisle)) * self.spec.aisle_pitch_m;
        let (walk, cross) = (0..=self.spec.blocks)
            .map(|k| {
                let cross = f64::from(k) * self.spec.aisle_length_m;
                ((a.y - cross).abs() + (b.y - cross).abs(), cross)
            })
            .fold(
                (f64::INFINITY, 0.0),
                |best, c| if c.0 < best.0 { c } else { best },
            );
        (walk + dx, Some(cross))
    }

    /// Where each staging location and dock door stands on the site (m), as
    /// RTLS sees it: staging lanes in up to four rows 10 m in front of the
    /// racking, dock doors in up to four rows 30 m in front, each row spread
    /// over the width of the site.
    #[must_use]
    pub fn spots(&self) -> Vec<(LocationId, (f64, f64))> {
        let width = f64::from(self.spec.aisles.saturating_sub(1)) * self.spec.aisle_pitch_m;
        let mut spots = Vec::new();
        for (kind, front, row_gap) in [
            (LocationKind::Stage, -10.0, 3.0),
            (LocationKind::Dock, -30.0, 4.0),
        ] {
            let ids: Vec<LocationId> = self
                .locations
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| l.id)
                .collect();
            let per_row = ids.len().div_ceil(4).max(1);
            let pitch = (width + 80.0) / per_row as f64;
            for (i, id) in ids.into_iter().enumerate() {
                let (row, col) = (i / per_row, i % per_row);
                let x = -40.0 + (col as f64 + 0.5) * pitch;
                spots.push((id, (x, front - row_gap * row as f64)));
            }
        }
        spots
    }

    /// The shortest walk from `a` to `b` as corners in site metres (`x` =
    /// aisle × pitch, `y` along the aisles), `a` first and `b` last; its
    /// length is [`LocationMaster::distance`].
    #[must_use]
    pub fn path(&self, a: Point, b: Point) -> Vec<(f64, f64)> {
        if let Some(net) = &self.network {
            return net.path(a, b);
        }
        let x = |p: Point| f64::from(p.aisle) * self.spec.aisle_pitch_m;
        match self.cross_aisle(a, b).1 {
            None => vec![(x(a), a.y), (x(b), b.y)],
            Some(cross) => vec![(x(a), a.y), (x(a), cross), (x(b), cross), (x(b), b.y)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(blocks: u32, aisles: u32) -> LayoutSpec {
        LayoutSpec {
            levels: 2,
            aisle_length_m: 20.0,
            ..crate::testing::layout(blocks, aisles)
        }
    }

    #[test]
    fn builds_every_bin_and_the_extra_locations() {
        let m = LocationMaster::new(spec(2, 4), 3, 5);
        let picks = m
            .locations
            .iter()
            .filter(|l| l.kind == LocationKind::Pick)
            .count();
        assert_eq!(picks, 2 * 4 * 10 * 2 * 2);
        assert_eq!(m.locations.len(), picks + 3 + 1 + 5);
        assert_eq!(m.get(LocationId(0)).code, "A01-B1-01-1L");
        assert_eq!(
            m.by_code("A04-B2-10-2R").unwrap().point,
            Point::new(3, 39.0)
        );
    }

    #[test]
    fn distances_follow_aisles_and_cross_aisles() {
        let m = LocationMaster::new(spec(2, 4), 1, 0);
        let p = |aisle, y| Point::new(aisle, y);
        // Same aisle: straight along it, across the middle cross aisle too.
        assert_eq!(m.distance(p(1, 5.0), p(1, 35.0)), 30.0);
        // Neighbouring aisles, both near the front: via the front cross aisle.
        assert_eq!(m.distance(p(0, 5.0), p(1, 6.0)), 5.0 + 3.0 + 6.0);
        // Both near the middle cross aisle (y = 20): via it.
        assert_eq!(m.distance(p(0, 18.0), p(3, 23.0)), 2.0 + 9.0 + 3.0);
        // Near the back (y = 40).
        assert_eq!(m.distance(p(0, 39.0), p(2, 38.0)), 1.0 + 6.0 + 2.0);
    }

    #[test]
    fn a_path_turns_at_the_cross_aisle_of_the_shortest_walk_and_has_its_length() {
        let m = LocationMaster::new(spec(2, 4), 1, 0);
        let p = |aisle, y| Point::new(aisle, y);
        assert_eq!(
            m.path(p(0, 18.0), p(3, 23.0)),
            [(0.0, 18.0), (0.0, 20.0), (9.0, 20.0), (9.0, 23.0)]
        );
        assert_eq!(m.path(p(1, 5.0), p(1, 35.0)), [(3.0, 5.0), (3.0, 35.0)]);
        for (a, b) in [
            (p(0, 5.0), p(1, 6.0)),
            (p(0, 39.0), p(2, 38.0)),
            (p(2, 12.0), p(0, 33.0)),
        ] {
            let corners = m.path(a, b);
            let length: f64 = corners
                .windows(2)
                .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
                .sum();
            assert!((length - m.distance(a, b)).abs() < 1e-9);
        }
    }
}
