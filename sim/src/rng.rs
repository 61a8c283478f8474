//! Seeded random-number streams, one per purpose.
//!
//! A stream is a [`Xoshiro256PlusPlus`] generator whose seed is derived from
//! the scenario seed and the stream's name (and optionally an index, such as
//! an associate number). Nothing about a stream depends on which other
//! streams exist or in which order they were created, so:
//!
//! - adding a stream, or drawing more from one, shifts no other stream;
//! - two strategies run with the same seed see the same demand and the same
//!   associates (common random numbers), which is what makes their comparison
//!   fair.
//!
//! The derivation uses FNV-1a and SplitMix64, both fixed by their
//! specifications, and Xoshiro256++ is portable, so a stream's output is the
//! same on every platform and in every release.

use rand_core::SeedableRng;
pub use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator type of every stream.
pub type StreamRng = Xoshiro256PlusPlus;

/// Derives named streams from one scenario seed.
///
/// # Example
/// ```
/// use paklog_sim::RngStreams;
/// use rand::RngExt;
///
/// let streams = RngStreams::new(42);
/// let mut demand = streams.stream("demand");
/// let mut picker_7 = streams.indexed("associate", 7);
/// let a: f64 = demand.random();
/// let b: f64 = picker_7.random();
/// assert_ne!(a, b);
/// // The same name gives the same stream, whatever else was created.
/// assert_eq!(streams.stream("demand").random::<f64>(), a);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RngStreams {
    seed: u64,
}

impl RngStreams {
    /// Streams for the scenario seed `seed`.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        RngStreams { seed }
    }

    /// The scenario seed these streams derive from.
    #[must_use]
    pub const fn seed(&self) -> u64 {
        self.seed
    }

    /// The stream called `name`.
    #[must_use]
    pub fn stream(&self, name: &str) -> StreamRng {
        self.derive(fnv1a(name.as_bytes()))
    }

    /// Stream number `index` of the family `name` (e.g. one per associate).
    #[must_use]
    pub fn indexed(&self, name: &str, index: u64) -> StreamRng {
        self.derive(
            fnv1a(name.as_bytes()) ^ splitmix64(&mut index.wrapping_add(0x5851_f42d_4c95_7f2d)),
        )
    }

    fn derive(&self, name_hash: u64) -> StreamRng {
        let mut state = splitmix64(&mut self.seed.clone()) ^ name_hash;
        let mut seed = [0u8; 32];
        for chunk in seed.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        StreamRng::from_seed(seed)
    }
}

/// FNV-1a, 64-bit.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One step of SplitMix64: advances `state` and returns the mixed output.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn draws(mut rng: StreamRng, n: usize) -> Vec<u64> {
        (0..n).map(|_| rng.next_u64()).collect()
    }

    #[test]
    fn output_is_fixed_across_releases() {
        // Pinned values, checked against an independent implementation of
        // FNV-1a + SplitMix64 + Xoshiro256++ from their specifications. If this
        // fails, every stored study changes meaning.
        let streams = RngStreams::new(2026);
        assert_eq!(
            draws(streams.stream("demand"), 3),
            vec![
                18_349_926_345_890_739_449,
                16_732_428_891_867_032_838,
                11_593_201_787_988_088_496
            ]
        );
    }

    #[test]
    fn streams_differ_by_name_index_and_seed() {
        let s = RngStreams::new(1);
        let all = [
            draws(s.stream("demand"), 4),
            draws(s.stream("disruptions"), 4),
            draws(s.indexed("associate", 0), 4),
            draws(s.indexed("associate", 1), 4),
            draws(RngStreams::new(2).stream("demand"), 4),
        ];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn creating_and_drawing_other_streams_shifts_nothing() {
        let s = RngStreams::new(7);
        let alone = draws(s.stream("demand"), 100);
        let mut extra = s.stream("new-purpose");
        let _ = draws(s.indexed("associate", 3), 1000);
        let mut demand = s.stream("demand");
        let mut interleaved = Vec::new();
        for _ in 0..100 {
            interleaved.push(demand.next_u64());
            extra.next_u64();
        }
        assert_eq!(alone, interleaved);
    }
}
