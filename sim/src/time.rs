//! Simulated time: [`SimTime`] (an instant) and [`SimDuration`] (a span), both
//! integer milliseconds.
//!
//! The calendar never sees a float. Conversions from seconds, minutes and hours
//! are exact; conversions from `f64` (for sampled durations) round to the
//! nearest millisecond and saturate at the ends of the range.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// An instant of simulated time: milliseconds since the scenario epoch.
///
/// In live mode the epoch is the moment the service started its day, so the
/// same type serves both clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct SimTime(u64);

/// A span of simulated time in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct SimDuration(u64);

impl SimTime {
    /// The scenario epoch.
    pub const ZERO: SimTime = SimTime(0);
    /// The last representable instant; used as "never".
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// The instant `ms` milliseconds after the epoch.
    #[must_use]
    pub const fn from_millis(ms: u64) -> Self {
        SimTime(ms)
    }

    /// Milliseconds since the epoch.
    #[must_use]
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Seconds since the epoch, for reports and statistics (never for the calendar).
    #[must_use]
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The span from `earlier` to `self`, or zero if `earlier` is later.
    #[must_use]
    pub const fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// `self + d`, saturating at [`SimTime::MAX`].
    #[must_use]
    pub const fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of `ms` milliseconds.
    #[must_use]
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }

    /// A span of `s` whole seconds.
    #[must_use]
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1_000)
    }

    /// A span of `m` whole minutes.
    #[must_use]
    pub const fn from_mins(m: u64) -> Self {
        SimDuration(m * 60_000)
    }

    /// A span of `h` whole hours.
    #[must_use]
    pub const fn from_hours(h: u64) -> Self {
        SimDuration(h * 3_600_000)
    }

    /// A span of `s` seconds, rounded to the nearest millisecond.
    ///
    /// Negative and NaN inputs give zero; huge ones saturate. Use this for
    /// sampled durations (walking times, service times).
    #[must_use]
    #[inline]
    pub fn from_secs_f64(s: f64) -> Self {
        // Round half up by truncating `ms + 0.5`: `f64::round` is a libm call
        // on most targets, and this sits on the hot path of every sampled
        // duration. `as` maps NaN and negatives to 0 and saturates at the top.
        SimDuration((s * 1000.0 + 0.5) as u64)
    }

    /// Milliseconds in this span.
    #[must_use]
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Seconds in this span, for reports and statistics.
    #[must_use]
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;

    /// # Panics
    /// On overflow past [`SimTime::MAX`] in debug builds, like integer addition.
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0 + rhs.0)
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        self.0 += rhs.0;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;

    /// # Panics
    /// If `rhs` is later than `self` in debug builds; use
    /// [`SimTime::saturating_since`] when that can happen.
    fn sub(self, rhs: SimTime) -> SimDuration {
        SimDuration(self.0 - rhs.0)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;

    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0 + rhs.0)
    }
}

impl fmt::Display for SimTime {
    /// `d+hh:mm:ss.mmm`, e.g. `0+08:30:00.000` for half past eight on day one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        write!(
            f,
            "{}+{:02}:{:02}:{:02}.{:03}",
            s / 86_400,
            (s / 3600) % 24,
            (s / 60) % 60,
            s % 60,
            ms
        )
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_exact_in_milliseconds() {
        let t = SimTime::ZERO + SimDuration::from_hours(8) + SimDuration::from_mins(30);
        assert_eq!(t.as_millis(), 30_600_000);
        assert_eq!(
            t - SimTime::from_millis(1_800_000),
            SimDuration::from_hours(8)
        );
        assert_eq!(t.to_string(), "0+08:30:00.000");
        assert_eq!(
            SimTime::from_millis(86_400_000 + 1).to_string(),
            "1+00:00:00.001"
        );
    }

    #[test]
    fn sampled_durations_round_and_clamp() {
        assert_eq!(SimDuration::from_secs_f64(1.2345).as_millis(), 1_235);
        assert_eq!(SimDuration::from_secs_f64(-3.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
        assert_eq!(
            SimDuration::from_secs_f64(f64::INFINITY).as_millis(),
            u64::MAX
        );
    }

    #[test]
    fn saturating_helpers_never_wrap() {
        assert_eq!(
            SimTime::from_millis(5).saturating_since(SimTime::from_millis(9)),
            SimDuration::ZERO
        );
        assert_eq!(
            SimTime::MAX.saturating_add(SimDuration::from_secs(1)),
            SimTime::MAX
        );
    }
}
