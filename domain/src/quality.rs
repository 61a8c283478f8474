//! Quality (WES): which packed orders are sampled for inspection, and the
//! weight check on the scale. An order sampled or off weight is held for
//! QC at its station instead of going to the dock.

use bevy_ecs::resource::Resource;
use paklog_sim::StreamRng;

/// Quality's own state: the stream it samples packed orders from.
#[derive(Debug, Resource)]
pub(crate) struct Quality {
    pub(crate) rng: StreamRng,
}

impl Quality {
    /// Draws whether the order on the bench is sampled for QC, at `rate`,
    /// from the QC stream.
    pub(crate) fn sample(&mut self, rate: f64) -> bool {
        use rand::RngExt;
        self.rng.random::<f64>() < rate
    }
}

/// Whether the scale agrees with the expected weight within `tolerance`.
#[must_use]
pub fn weight_ok(expected_kg: f64, measured_kg: f64, tolerance: f64) -> bool {
    (measured_kg - expected_kg).abs() <= tolerance * expected_kg.max(1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_check_uses_a_relative_tolerance() {
        assert!(weight_ok(2.0, 2.09, 0.05));
        assert!(!weight_ok(2.0, 2.11, 0.05));
    }
}
