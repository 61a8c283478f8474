//! Inventory (WMS): stock per location and per SKU, reservation on
//! validation, allocation to pick faces on wave release, and the picks and
//! adjustments that move it.
//!
//! Invariants, checked by the tests: per SKU, `reserved ≤ on_hand` unless a
//! count correction has just found less stock than the books held; per
//! location, `allocated ≤ on_hand` likewise. Nothing is ever reserved twice.

use serde::{Deserialize, Serialize};

use crate::ids::{LocationId, SkuId};

/// Stock in one location.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationStock {
    /// The SKU slotted here.
    pub sku: Option<SkuId>,
    /// Units the books say are there.
    pub on_hand: u32,
    /// Units promised to released pick lines.
    pub allocated: u32,
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
}

/// Stock of the whole site.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    locations: Vec<LocationStock>,
    skus: Vec<SkuStock>,
}

impl Inventory {
    /// Empty books for `locations` locations and `skus` SKUs.
    #[must_use]
    pub fn new(locations: usize, skus: usize) -> Self {
        Inventory {
            locations: vec![LocationStock::default(); locations],
            skus: vec![SkuStock::default(); skus],
        }
    }

    /// Slots `sku` in `location` with `units` on hand (faces are kept in the
    /// order they are slotted).
    pub fn slot(&mut self, sku: SkuId, location: LocationId, units: u32) {
        self.locations[location.index()] = LocationStock {
            sku: Some(sku),
            on_hand: units,
            allocated: 0,
        };
        let s = &mut self.skus[sku.index()];
        s.faces.push(location);
        s.on_hand += units;
    }

    /// Sets the reserve stock of a SKU.
    pub fn set_reserve(&mut self, sku: SkuId, units: u32) {
        self.skus[sku.index()].reserve = units;
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

    /// Units of `sku` in pick faces not yet reserved.
    #[must_use]
    pub fn available(&self, sku: SkuId) -> u32 {
        let s = &self.skus[sku.index()];
        s.on_hand.saturating_sub(s.reserved)
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

    /// Allocates `quantity` reserved units of `sku` to pick faces, nearest
    /// face first. Returns the `(location, units)` split; it covers less than
    /// `quantity` only if the faces hold less than the books promised.
    pub fn allocate(&mut self, sku: SkuId, quantity: u32) -> Vec<(LocationId, u32)> {
        let mut left = quantity;
        let mut split = Vec::new();
        for &face in &self.skus[sku.index()].faces {
            if left == 0 {
                break;
            }
            let loc = &mut self.locations[face.index()];
            let free = loc.on_hand.saturating_sub(loc.allocated);
            let take = free.min(left);
            if take > 0 {
                loc.allocated += take;
                left -= take;
                split.push((face, take));
            }
        }
        split
    }

    /// Records a pick of `found` units where `expected` were allocated. A
    /// short pick corrects the books: the location held only what was found.
    /// Returns the location's units on hand afterwards.
    pub fn pick(&mut self, location: LocationId, expected: u32, found: u32) -> u32 {
        let loc = &mut self.locations[location.index()];
        let sku = loc.sku.expect("picks come from slotted locations");
        loc.allocated = loc.allocated.saturating_sub(expected);
        let removed = if found < expected {
            // Everything there was taken; the rest of the books were wrong.
            let removed = loc.on_hand;
            loc.on_hand = 0;
            loc.allocated = 0;
            removed
        } else {
            loc.on_hand -= found.min(loc.on_hand);
            found
        };
        let s = &mut self.skus[sku.index()];
        s.on_hand = s.on_hand.saturating_sub(removed);
        s.reserved = s.reserved.saturating_sub(found);
        loc.on_hand
    }

    /// Drops `units` of a SKU's reservation that will never be picked.
    pub fn release_reservation(&mut self, sku: SkuId, units: u32) {
        let s = &mut self.skus[sku.index()];
        s.reserved = s.reserved.saturating_sub(units);
    }

    /// Units across all pick faces.
    #[must_use]
    pub fn total_on_hand(&self) -> u64 {
        self.skus.iter().map(|s| u64::from(s.on_hand)).sum()
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
    fn a_short_pick_empties_the_location_and_corrects_the_books() {
        let mut inv = books();
        inv.reserve_all(&[(SkuId(0), 4)]).unwrap();
        inv.allocate(SkuId(0), 4);
        // The shelf held 1 unit, not 5.
        assert_eq!(inv.pick(LocationId(0), 4, 1), 0);
        assert_eq!(inv.sku(SkuId(0)).on_hand, 3);
        assert_eq!(inv.sku(SkuId(0)).reserved, 3);
        assert_eq!(
            *inv.location(LocationId(0)),
            LocationStock {
                sku: Some(SkuId(0)),
                on_hand: 0,
                allocated: 0
            }
        );
    }
}
