//! Reconciliation: every disagreement between master data, the books and
//! the physical state (what the RTLS sees).

use crate::ids::{LocationId, SkuId};
use crate::warehouse::Warehouse;

use super::{Variance, VarianceKind};

impl Warehouse {
    /// Compares the location master, the books and the physical state, and
    /// explains every variance found by the fact that caused it.
    #[must_use]
    pub fn reconcile(&self) -> Vec<Variance> {
        let explained = &self.tracking().explanations;
        let mut out = explained.adjusted.clone();
        for (i, stock) in self.inventory().locations().iter().enumerate() {
            let location = LocationId(i as u32);
            let master = self.master().locations[i].sku;
            if master != stock.sku {
                // Re-slotting writes both; a difference has no explanation.
                out.push(Variance {
                    kind: VarianceKind::SlottingMismatch,
                    location,
                    sku: stock.sku.or(master),
                    units: i64::from(stock.on_hand),
                    explained_by: None,
                });
            }
            if stock.blocked && stock.on_hand > 0 {
                out.push(Variance {
                    kind: VarianceKind::BlockedStock,
                    location,
                    sku: stock.sku,
                    units: i64::from(stock.on_hand),
                    explained_by: explained.blocked_by.get(&location).copied(),
                });
            }
            if stock.count_pending {
                out.push(Variance {
                    kind: VarianceKind::CountPending,
                    location,
                    sku: stock.sku,
                    units: 0,
                    explained_by: explained.doubted_by.get(&location).copied(),
                });
            }
        }
        for i in 0..self.inventory().sku_count() {
            let sku = SkuId(i as u32);
            let s = self.inventory().sku(sku);
            let (mut reach, mut blocked, mut incoming) = (0u32, 0u32, 0u32);
            for &f in &s.faces {
                let l = self.inventory().location(f);
                if l.blocked {
                    blocked += l.on_hand;
                } else {
                    reach += l.on_hand;
                }
                incoming += l.incoming;
            }
            if (reach, blocked, incoming) != (s.on_hand, s.blocked, s.incoming) {
                out.push(Variance {
                    kind: VarianceKind::BooksMismatch,
                    location: s.faces.first().copied().unwrap_or(LocationId(0)),
                    sku: Some(sku),
                    units: i64::from(reach) - i64::from(s.on_hand),
                    explained_by: None,
                });
            }
        }
        if self.tracking().follows_totes() {
            for (location, expected) in self.expected_totes() {
                let seen = self.tracking().totes_at(location);
                if seen != expected {
                    out.push(Variance {
                        kind: VarianceKind::OccupancyMismatch,
                        location,
                        sku: None,
                        units: i64::from(seen) - i64::from(expected),
                        explained_by: None,
                    });
                }
            }
        }
        out
    }

    /// The totes the WES has at each staging lane (queued for its station)
    /// and dock door (parcels waiting for their carrier).
    fn expected_totes(&self) -> Vec<(LocationId, u32)> {
        let mut out: Vec<(LocationId, u32)> = self
            .master()
            .stage
            .iter()
            .zip(&self.pack().stations)
            .map(|(&l, s)| (l, s.queue.len() as u32))
            .collect();
        let mut docks: Vec<(LocationId, u32)> =
            self.master().docks.iter().map(|&d| (d, 0)).collect();
        for (c, parcels) in self.pack().at_dock.iter().enumerate() {
            docks[c % self.master().docks.len()].1 += parcels.len() as u32;
        }
        out.extend(docks);
        out
    }
}
