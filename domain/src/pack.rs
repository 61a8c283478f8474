//! Pack & ship (WES): pack station queues, QC sampling, carton choice by
//! volume and weight, the weight check, and the carriers' departures.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::config::CartonSpec;
use crate::ids::{OrderId, StationId};

/// A pack station's queue and the order on its bench.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Station {
    /// Totes waiting at the station, in arrival order.
    pub queue: VecDeque<OrderId>,
    /// The order being packed.
    pub packing: Option<OrderId>,
    /// Orders packed.
    pub packed: u32,
}

/// All pack stations.
#[derive(Debug, Clone, Default)]
pub struct PackArea {
    /// Stations, indexed by [`StationId`].
    pub stations: Vec<Station>,
    /// Orders packed and waiting for their carrier, per carrier.
    pub at_dock: Vec<Vec<OrderId>>,
}

impl PackArea {
    /// The station with the least work queued (ties: lowest id).
    #[must_use]
    pub fn least_loaded(&self) -> StationId {
        let (i, _) = self
            .stations
            .iter()
            .enumerate()
            .min_by_key(|(i, s)| (s.queue.len() + usize::from(s.packing.is_some()), *i))
            .expect("at least one station");
        StationId(i as u32)
    }
}

/// The smallest carton (by volume) that holds `volume_l` and `weight_kg`,
/// or the largest one if none does (the order then ships in it anyway and
/// the overflow is left to the packer).
#[must_use]
pub fn choose_carton(cartons: &[CartonSpec], volume_l: f64, weight_kg: f64) -> u32 {
    let fits = cartons
        .iter()
        .enumerate()
        .filter(|(_, c)| c.volume_l >= volume_l && c.max_weight_kg >= weight_kg)
        .min_by(|a, b| a.1.volume_l.total_cmp(&b.1.volume_l));
    let largest = || {
        cartons
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.volume_l.total_cmp(&b.1.volume_l))
            .expect("at least one carton")
    };
    fits.unwrap_or_else(largest).0 as u32
}

/// Whether the scale agrees with the expected weight within `tolerance`.
#[must_use]
pub fn weight_ok(expected_kg: f64, measured_kg: f64, tolerance: f64) -> bool {
    (measured_kg - expected_kg).abs() <= tolerance * expected_kg.max(1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cartons() -> Vec<CartonSpec> {
        [("S", 5.0, 5.0), ("L", 50.0, 30.0), ("M", 20.0, 15.0)]
            .into_iter()
            .map(|(n, v, w)| CartonSpec {
                name: n.into(),
                volume_l: v,
                max_weight_kg: w,
            })
            .collect()
    }

    #[test]
    fn picks_the_smallest_carton_that_fits() {
        let c = cartons();
        assert_eq!(choose_carton(&c, 4.0, 1.0), 0);
        assert_eq!(choose_carton(&c, 6.0, 1.0), 2, "M, listed after L");
        assert_eq!(choose_carton(&c, 4.0, 10.0), 2, "too heavy for S");
        assert_eq!(choose_carton(&c, 80.0, 1.0), 1, "nothing fits: the largest");
    }

    #[test]
    fn weight_check_uses_a_relative_tolerance() {
        assert!(weight_ok(2.0, 2.09, 0.05));
        assert!(!weight_ok(2.0, 2.11, 0.05));
    }
}
