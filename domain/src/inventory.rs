//! Inventory (WMS): stock per location and per SKU, reservation on
//! validation, allocation to pick faces on wave release, and the picks and
//! adjustments that move it.
//!
//! Invariants, checked by the tests: per SKU, `reserved ≤ on_hand` (plus
//! reserve and units on their way, if the site replenishes) unless a count
//! has just found less stock than the books held; per location,
//! `allocated ≤ on_hand + incoming` likewise. Nothing is ever reserved
//! twice, and a unit is on the books in exactly one place: a reachable
//! face, a blocked face, on its way from reserve, in reserve, or received
//! and not yet put away.

#[cfg(test)]
mod rules;

mod counting;
mod stock_work;

use std::collections::BTreeSet;

use bevy_ecs::event::Event;
use paklog_sim::SimTime;
use serde::{Deserialize, Serialize};

use crate::ids::{LocationId, SkuId};

/// Fact: stock was put away (to a face or to reserve).
#[derive(Debug, Clone, Event)]
pub(crate) struct StockPutAway {
    pub(crate) at: SimTime,
}

/// Stock in one location.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationStock {
    /// The SKU slotted here.
    pub sku: Option<SkuId>,
    /// Units the books say are there.
    pub on_hand: u32,
    /// Units promised to released pick lines.
    pub allocated: u32,
    /// Units on their way here on an open replenishment.
    #[serde(default)]
    pub incoming: u32,
    /// Blocked (physical tracking): nothing is allocated here, and its units
    /// are counted in [`SkuStock::blocked`] instead of `on_hand`.
    #[serde(default)]
    pub blocked: bool,
    /// A pick came up short here: nothing more is allocated until a count
    /// has set the books right.
    #[serde(default)]
    pub count_pending: bool,
}

impl LocationStock {
    /// Whether new pick lines may be allocated here.
    #[must_use]
    pub fn usable(&self) -> bool {
        !self.blocked && !self.count_pending
    }
}

/// Stock of one SKU.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuStock {
    /// Its pick faces, nearest to the depot first.
    pub faces: Vec<LocationId>,
    /// Units in pick faces.
    pub on_hand: u32,
    /// Units reserved for validated orders not yet picked.
    pub reserved: u32,
    /// Units in reserve storage.
    pub reserve: u32,
    /// Units in blocked pick faces (on the books, out of reach).
    #[serde(default)]
    pub blocked: u32,
    /// Units on their way from reserve to its faces.
    #[serde(default)]
    pub incoming: u32,
    /// Units received at the dock and not yet put away.
    #[serde(default)]
    pub inbound: u32,
    /// Where its reserve is put away, if any reserve location can take it.
    #[serde(default)]
    pub reserve_at: Option<LocationId>,
}

/// Most units a SKU's books count, all places together: a receipt past it
/// is refused, so no count can overflow.
pub const MAX_SKU_UNITS: u32 = 1_000_000_000;

/// Stock of the whole site.
#[derive(Debug, Clone, Default, bevy_ecs::resource::Resource)]
pub struct Inventory {
    locations: Vec<LocationStock>,
    skus: Vec<SkuStock>,
    /// Reserve stock counts as available to promise: the site replenishes
    /// its pick faces from it.
    pub promise_reserve: bool,
    /// Locations with an open COUNT task.
    pub(crate) counts_open: BTreeSet<LocationId>,
    /// Next entry of the slotting the cycle-count plan visits.
    pub(crate) cycle_cursor: usize,
}

impl Inventory {
    /// Empty books for `locations` locations and `skus` SKUs.
    #[must_use]
    pub fn new(locations: usize, skus: usize) -> Self {
        Inventory {
            locations: vec![LocationStock::default(); locations],
            skus: vec![SkuStock::default(); skus],
            promise_reserve: false,
            counts_open: BTreeSet::new(),
            cycle_cursor: 0,
        }
    }

    /// Slots `sku` in `location` with `units` on hand (faces are kept in the
    /// order they are slotted).
    pub fn slot(&mut self, sku: SkuId, location: LocationId, units: u32) {
        self.locations[location.index()] = LocationStock {
            sku: Some(sku),
            on_hand: units,
            ..LocationStock::default()
        };
        let s = &mut self.skus[sku.index()];
        s.faces.push(location);
        s.on_hand += units;
    }

    /// Face `from`'s books go to the empty location `to`: its SKU, the
    /// units promised from it and those on their way to it, and the `units`
    /// taken out of it, now on their way to `to`. `from` is left empty and
    /// unslotted; the SKU's faces keep their order.
    pub fn move_face(&mut self, from: LocationId, to: LocationId, units: u32) {
        let old = std::mem::take(&mut self.locations[from.index()]);
        let sku = old.sku.expect("a face moves with its SKU");
        let s = &mut self.skus[sku.index()];
        s.on_hand = s.on_hand.saturating_sub(old.on_hand);
        s.incoming += units;
        for f in &mut s.faces {
            if *f == from {
                *f = to;
            }
        }
        self.locations[to.index()] = LocationStock {
            sku: Some(sku),
            allocated: old.allocated,
            incoming: old.incoming + units,
            ..LocationStock::default()
        };
    }

    /// Faces `x` and `y` swap items: each one's SKU, promised units and
    /// units on their way go to the other, with the units taken out of it
    /// (`at_x`, `at_y`) now on their way there.
    pub fn swap_faces(&mut self, x: LocationId, y: LocationId, at_x: u32, at_y: u32) {
        let (ox, oy) = (
            std::mem::take(&mut self.locations[x.index()]),
            std::mem::take(&mut self.locations[y.index()]),
        );
        for (old, units) in [(ox, at_x), (oy, at_y)] {
            let sku = old.sku.expect("a swap's faces hold items");
            let s = &mut self.skus[sku.index()];
            s.on_hand = s.on_hand.saturating_sub(old.on_hand);
            s.incoming += units;
        }
        for sku in [ox.sku, oy.sku]
            .into_iter()
            .flatten()
            .collect::<BTreeSet<_>>()
        {
            for f in &mut self.skus[sku.index()].faces {
                *f = if *f == x {
                    y
                } else if *f == y {
                    x
                } else {
                    *f
                };
            }
        }
        self.locations[y.index()] = LocationStock {
            sku: ox.sku,
            allocated: ox.allocated,
            incoming: ox.incoming + at_x,
            ..LocationStock::default()
        };
        self.locations[x.index()] = LocationStock {
            sku: oy.sku,
            allocated: oy.allocated,
            incoming: oy.incoming + at_y,
            ..LocationStock::default()
        };
    }

    /// Books for a location the location master added.
    pub fn add_location(&mut self) {
        self.locations.push(LocationStock::default());
    }

    /// Unslots an empty face: its SKU has one face fewer.
    pub fn unslot(&mut self, location: LocationId) {
        let loc = &mut self.locations[location.index()];
        if let Some(sku) = loc.sku.take() {
            self.skus[sku.index()].faces.retain(|&f| f != location);
        }
    }

    /// The SKUs whose reserve is put away in `location`.
    pub fn reserve_of(&self, location: LocationId) -> impl Iterator<Item = SkuId> + '_ {
        self.skus
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.reserve_at == Some(location))
            .map(|(i, _)| SkuId(i as u32))
    }

    /// Sets the reserve stock of a SKU.
    pub fn set_reserve(&mut self, sku: SkuId, units: u32) {
        self.skus[sku.index()].reserve = units;
    }

    /// Puts `sku`'s reserve in `location` from now on (the first place
    /// given wins).
    pub fn set_reserve_home(&mut self, sku: SkuId, location: LocationId) {
        self.skus[sku.index()].reserve_at.get_or_insert(location);
    }

    /// Adds `units` of `sku` to reserve (at the start: a site's stock file),
    /// up to [`MAX_SKU_UNITS`].
    pub fn add_reserve(&mut self, sku: SkuId, units: u32) {
        let reserve = &mut self.skus[sku.index()].reserve;
        *reserve = reserve.saturating_add(units).min(MAX_SKU_UNITS);
    }

    /// Stock of a SKU.
    #[must_use]
    pub fn sku(&self, sku: SkuId) -> &SkuStock {
        &self.skus[sku.index()]
    }

    /// Stock in a location.
    #[must_use]
    pub fn location(&self, location: LocationId) -> &LocationStock {
        &self.locations[location.index()]
    }

    /// Number of SKUs.
    #[must_use]
    pub fn sku_count(&self) -> usize {
        self.skus.len()
    }

    /// Units of `sku` not yet reserved: in reachable pick faces, and, if
    /// the site replenishes, in reserve or on the way from it.
    #[must_use]
    pub fn available(&self, sku: SkuId) -> u32 {
        let s = &self.skus[sku.index()];
        let mut units = s.on_hand;
        if self.promise_reserve {
            units += s.reserve + s.incoming;
        }
        units.saturating_sub(s.reserved)
    }

    /// Reserves every `(sku, quantity)` or nothing: on a shortage returns the
    /// first SKU short and the units missing, and changes nothing.
    ///
    /// # Errors
    /// `(sku, missing)` of the first line that cannot be covered.
    pub fn reserve_all(&mut self, lines: &[(SkuId, u32)]) -> Result<u32, (SkuId, u32)> {
        // Lines may repeat a SKU: check the totals per SKU first.
        let mut need: Vec<(SkuId, u32)> = Vec::with_capacity(lines.len());
        for &(sku, q) in lines {
            match need.iter_mut().find(|(s, _)| *s == sku) {
                Some((_, total)) => *total += q,
                None => need.push((sku, q)),
            }
        }
        for &(sku, q) in &need {
            let available = self.available(sku);
            if available < q {
                return Err((sku, q - available));
            }
        }
        let mut units = 0;
        for (sku, q) in need {
            self.skus[sku.index()].reserved += q;
            units += q;
        }
        Ok(units)
    }

    /// Allocates `quantity` reserved units of `sku` to usable pick faces
    /// (neither blocked nor awaiting a count), nearest face first, counting
    /// units on their way on a replenishment. Returns the `(location,
    /// units)` split; it covers less than `quantity` only if the faces hold
    /// less than the books promised.
    pub fn allocate(&mut self, sku: SkuId, quantity: u32) -> Vec<(LocationId, u32)> {
        let mut left = quantity;
        let mut split = Vec::new();
        for &face in &self.skus[sku.index()].faces {
            if left == 0 {
                break;
            }
            let loc = &mut self.locations[face.index()];
            if !loc.usable() {
                continue;
            }
            let free = (loc.on_hand + loc.incoming).saturating_sub(loc.allocated);
            let take = free.min(left);
            if take > 0 {
                loc.allocated += take;
                left -= take;
                split.push((face, take));
            }
        }
        split
    }

    /// Records a pick of `found` units where `expected` were allocated.
    /// Returns the location's units on hand afterwards. A short pick
    /// (`found < expected`) leaves the rest of the books as they are but
    /// marks the location for a count: the shelf and the books disagree,
    /// and only a count says by how much.
    pub fn pick(&mut self, location: LocationId, expected: u32, found: u32) -> u32 {
        let loc = &mut self.locations[location.index()];
        let sku = loc.sku.expect("picks come from slotted locations");
        loc.allocated = loc.allocated.saturating_sub(expected);
        let removed = found.min(loc.on_hand);
        loc.on_hand -= removed;
        if found < expected {
            loc.count_pending = true;
        }
        let blocked = loc.blocked;
        let s = &mut self.skus[sku.index()];
        if blocked {
            s.blocked = s.blocked.saturating_sub(removed);
        } else {
            s.on_hand = s.on_hand.saturating_sub(removed);
        }
        s.reserved = s.reserved.saturating_sub(found);
        loc.on_hand
    }

    /// Gives back `units` allocated to `location` that will be picked
    /// elsewhere.
    pub fn deallocate(&mut self, location: LocationId, units: u32) {
        let loc = &mut self.locations[location.index()];
        loc.allocated = loc.allocated.saturating_sub(units);
    }

    /// Blocks or unblocks a location; its units move between the SKU's
    /// `on_hand` and `blocked`. Returns whether anything changed.
    pub fn set_blocked(&mut self, location: LocationId, blocked: bool) -> bool {
        let loc = &mut self.locations[location.index()];
        if loc.blocked == blocked {
            return false;
        }
        loc.blocked = blocked;
        if let Some(sku) = loc.sku {
            let s = &mut self.skus[sku.index()];
            if blocked {
                s.on_hand -= loc.on_hand;
                s.blocked += loc.on_hand;
            } else {
                s.blocked -= loc.on_hand;
                s.on_hand += loc.on_hand;
            }
        }
        true
    }

    /// Takes `units` of `sku` out of reserve for a replenishment of `face`.
    pub fn start_replenishment(&mut self, face: LocationId, sku: SkuId, units: u32) {
        let s = &mut self.skus[sku.index()];
        debug_assert!(units <= s.reserve);
        s.reserve -= units;
        s.incoming += units;
        self.locations[face.index()].incoming += units;
    }

    /// A replenishment of `expected` units reached `face` with `put` of
    /// them (any not put go back to reserve). Returns units on hand there.
    pub fn complete_replenishment(&mut self, face: LocationId, expected: u32, put: u32) -> u32 {
        let loc = &mut self.locations[face.index()];
        loc.incoming = loc.incoming.saturating_sub(expected);
        let (sku, on_hand) = self.stock_face(face, put);
        let s = &mut self.skus[sku.index()];
        s.incoming = s.incoming.saturating_sub(expected);
        s.reserve += expected.saturating_sub(put);
        on_hand
    }

    /// Puts `units` in `face` on the books (the SKU's `blocked` if the face
    /// is blocked). Returns its SKU and units on hand there.
    fn stock_face(&mut self, face: LocationId, units: u32) -> (SkuId, u32) {
        let loc = &mut self.locations[face.index()];
        let sku = loc.sku.expect("stock goes to slotted faces");
        loc.on_hand += units;
        let s = &mut self.skus[sku.index()];
        if loc.blocked {
            s.blocked += units;
        } else {
            s.on_hand += units;
        }
        (sku, loc.on_hand)
    }

    /// A count found `counted` units in `location`: the books follow, and
    /// allocation may use it again. Returns the units the books held.
    pub fn adjust(&mut self, location: LocationId, counted: u32) -> u32 {
        let loc = &mut self.locations[location.index()];
        let before = loc.on_hand;
        loc.on_hand = counted;
        loc.count_pending = false;
        if let Some(sku) = loc.sku {
            let blocked = loc.blocked;
            let s = &mut self.skus[sku.index()];
            let books = if blocked {
                &mut s.blocked
            } else {
                &mut s.on_hand
            };
            *books = (*books + counted).saturating_sub(before);
        }
        before
    }

    /// How many more units `sku` may get on its books.
    #[must_use]
    pub fn room(&self, sku: SkuId) -> u32 {
        let s = &self.skus[sku.index()];
        let held = [s.on_hand, s.reserve, s.blocked, s.incoming, s.inbound]
            .iter()
            .fold(0u32, |sum, &u| sum.saturating_add(u));
        MAX_SKU_UNITS.saturating_sub(held)
    }

    /// Units of `sku` received at the dock, to be put away.
    pub fn receive(&mut self, sku: SkuId, units: u32) {
        self.skus[sku.index()].inbound += units;
    }

    /// `put` of `expected` inbound units are in `face`; the rest go to
    /// reserve. Returns units on hand in the face.
    pub fn put_away_to_face(&mut self, face: LocationId, expected: u32, put: u32) -> u32 {
        let (sku, on_hand) = self.stock_face(face, put);
        let s = &mut self.skus[sku.index()];
        s.inbound = s.inbound.saturating_sub(expected);
        s.reserve += expected.saturating_sub(put);
        on_hand
    }

    /// `units` inbound units of `sku` are in reserve storage.
    pub fn put_away_to_reserve(&mut self, sku: SkuId, units: u32) {
        let s = &mut self.skus[sku.index()];
        s.inbound = s.inbound.saturating_sub(units);
        s.reserve += units;
    }

    /// Stock of every location, by id.
    #[must_use]
    pub fn locations(&self) -> &[LocationStock] {
        &self.locations
    }

    /// Drops `units` of a SKU's reservation that will never be picked.
    pub fn release_reservation(&mut self, sku: SkuId, units: u32) {
        let s = &mut self.skus[sku.index()];
        s.reserved = s.reserved.saturating_sub(units);
    }

    /// Units across all pick faces (blocked ones included).
    #[must_use]
    pub fn total_on_hand(&self) -> u64 {
        self.skus
            .iter()
            .map(|s| u64::from(s.on_hand) + u64::from(s.blocked))
            .sum()
    }

    /// Every unit on the books: pick faces (blocked or not), units on their
    /// way to a face, reserve, and units received and not yet put away.
    #[must_use]
    pub fn total_units(&self) -> u64 {
        self.total_on_hand()
            + self
                .skus
                .iter()
                .map(|s| u64::from(s.reserve) + u64::from(s.incoming) + u64::from(s.inbound))
                .sum::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn books() -> Inventory {
        let mut inv = Inventory::new(4, 2);
        inv.slot(SkuId(0), LocationId(0), 5);
        inv.slot(SkuId(0), LocationId(1), 3);
        inv.slot(SkuId(1), LocationId(2), 2);
        inv
    }

    #[test]
    fn reservation_is_all_or_nothing_and_never_over_allocates() {
        let mut inv = books();
        assert_eq!(inv.reserve_all(&[(SkuId(0), 6), (SkuId(1), 2)]), Ok(8));
        // Only 2 of SKU 0 and none of SKU 1 are left.
        assert_eq!(
            inv.reserve_all(&[(SkuId(0), 1), (SkuId(1), 1)]),
            Err((SkuId(1), 1))
        );
        assert_eq!(
            inv.available(SkuId(0)),
            2,
            "the failed reservation changed nothing"
        );
        assert_eq!(
            inv.reserve_all(&[(SkuId(0), 2), (SkuId(0), 1)]),
            Err((SkuId(0), 1))
        );
    }

    #[test]
    fn allocation_fills_the_nearest_face_first() {
        let mut inv = books();
        inv.reserve_all(&[(SkuId(0), 7)]).unwrap();
        assert_eq!(
            inv.allocate(SkuId(0), 7),
            vec![(LocationId(0), 5), (LocationId(1), 2)]
        );
        assert_eq!(
            inv.allocate(SkuId(0), 5),
            vec![(LocationId(1), 1)],
            "only 1 unit is left unallocated"
        );
    }

    #[test]
    fn a_short_pick_holds_the_location_for_a_count_which_corrects_the_books() {
        let mut inv = books();
        inv.reserve_all(&[(SkuId(0), 4)]).unwrap();
        inv.allocate(SkuId(0), 4);
        // The books say 5; the picker found 1 of the 4 asked for.
        assert_eq!(inv.pick(LocationId(0), 4, 1), 4);
        assert!(inv.location(LocationId(0)).count_pending);
        assert_eq!(inv.sku(SkuId(0)).on_hand, 7);
        assert_eq!(inv.sku(SkuId(0)).reserved, 3);
        // Nothing more is allocated there until it is counted …
        assert_eq!(inv.allocate(SkuId(0), 3), vec![(LocationId(1), 3)]);
        // … and the count (none left) sets the books right.
        assert_eq!(inv.adjust(LocationId(0), 0), 4);
        assert_eq!(inv.sku(SkuId(0)).on_hand, 3);
        assert!(inv.location(LocationId(0)).usable());
    }

    #[test]
    fn blocking_moves_stock_out_of_reach_and_back() {
        let mut inv = books();
        assert!(inv.set_blocked(LocationId(0), true));
        assert!(!inv.set_blocked(LocationId(0), true), "already blocked");
        assert_eq!(
            (inv.sku(SkuId(0)).on_hand, inv.sku(SkuId(0)).blocked),
            (3, 5)
        );
        inv.reserve_all(&[(SkuId(0), 3)]).unwrap();
        assert_eq!(inv.allocate(SkuId(0), 3), vec![(LocationId(1), 3)]);
        assert_eq!(inv.total_on_hand(), 10, "blocked units stay on the books");
        inv.set_blocked(LocationId(0), false);
        assert_eq!(
            (inv.sku(SkuId(0)).on_hand, inv.sku(SkuId(0)).blocked),
            (8, 0)
        );
    }

    #[test]
    fn a_replenishment_moves_units_from_reserve_and_is_allocatable_on_its_way() {
        let mut inv = books();
        inv.set_reserve(SkuId(1), 10);
        inv.reserve_all(&[(SkuId(1), 2)]).unwrap();
        assert_eq!(inv.allocate(SkuId(1), 2), vec![(LocationId(2), 2)]);
        let before = inv.total_units();
        inv.start_replenishment(LocationId(2), SkuId(1), 6);
        assert_eq!(
            inv.total_units(),
            before,
            "units in transit are counted once"
        );
        assert_eq!(inv.allocate(SkuId(1), 4), vec![(LocationId(2), 4)]);
        // 5 of the 6 arrive; one goes back to reserve.
        assert_eq!(inv.complete_replenishment(LocationId(2), 6, 5), 7);
        assert_eq!(inv.sku(SkuId(1)).reserve, 5);
        assert_eq!(inv.total_units(), before);
    }
}
