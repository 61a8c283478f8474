//! The checker every rule reports through: each failed rule becomes a
//! [`Problem`] naming its field path.

use super::Problem;
use crate::schema::{CountDist, Dist};

#[derive(Default)]
pub(super) struct Checker {
    pub(super) problems: Vec<Problem>,
}

impl Checker {
    pub(super) fn fail(&mut self, path: &str, message: String) {
        self.problems.push(Problem {
            path: path.to_owned(),
            message,
        });
    }

    /// A field that only some picking kinds take.
    pub(super) fn only_for<T>(&mut self, field: &str, value: Option<T>, kinds: &str, ok: bool) {
        self.check(
            value.is_none() || ok,
            &format!("strategy.picking.{field}"),
            || format!("applies to kind = {kinds} only"),
        );
    }

    pub(super) fn check(&mut self, ok: bool, path: &str, message: impl FnOnce() -> String) {
        if !ok {
            self.fail(path, message());
        }
    }

    pub(super) fn at_least(&mut self, path: &str, v: u32, min: u32) {
        self.check(v >= min, path, || format!("must be ≥ {min}, got {v}"));
    }

    pub(super) fn positive(&mut self, path: &str, v: f64) {
        self.check(v.is_finite() && v > 0.0, path, || {
            format!("must be a number > 0, got {v}")
        });
    }

    /// `lo ≤ v ≤ hi` (or `lo < v` when `lo_inclusive` is false).
    pub(super) fn range(&mut self, path: &str, v: f64, lo: f64, lo_inclusive: bool, hi: f64) {
        let above = if lo_inclusive { v >= lo } else { v > lo };
        let ok = v.is_finite() && above && v <= hi;
        self.check(ok, path, || {
            let op = if lo_inclusive { "≥" } else { ">" };
            if hi == f64::MAX {
                format!("must be {op} {lo}, got {v}")
            } else {
                format!("must be {op} {lo} and ≤ {hi}, got {v}")
            }
        });
    }

    /// A distribution of a non-negative quantity (`zero_ok`) or of a
    /// positive one.
    pub(super) fn dist(&mut self, path: &str, d: &Dist, zero_ok: bool) {
        let lowest = match *d {
            Dist::Constant { value } => Some(value),
            Dist::Uniform { min, max } => {
                self.check(min <= max, &format!("{path}.max"), || {
                    format!("must be ≥ min ({min}), got {max}")
                });
                Some(min)
            }
            Dist::Triangular { min, mode, max } => {
                self.check(min <= mode && mode <= max, &format!("{path}.mode"), || {
                    format!("must lie between min ({min}) and max ({max}), got {mode}")
                });
                Some(min)
            }
            Dist::Exponential { mean } => {
                self.positive(&format!("{path}.mean"), mean);
                None
            }
            Dist::Normal { mean, sd } | Dist::Lognormal { mean, sd } => {
                self.positive(&format!("{path}.mean"), mean);
                self.range(&format!("{path}.sd"), sd, 0.0, true, f64::MAX);
                None
            }
        };
        if let Some(v) = lowest {
            let field = if matches!(d, Dist::Constant { .. }) {
                "value"
            } else {
                "min"
            };
            let ok = v.is_finite() && if zero_ok { v >= 0.0 } else { v > 0.0 };
            self.check(ok, &format!("{path}.{field}"), || {
                format!("must be {} 0, got {v}", if zero_ok { "≥" } else { ">" })
            });
        }
    }

    pub(super) fn count_dist(&mut self, path: &str, d: &CountDist) {
        match *d {
            CountDist::Constant { value } => self.at_least(&format!("{path}.value"), value, 1),
            CountDist::Uniform { min, max } => {
                self.at_least(&format!("{path}.min"), min, 1);
                self.check(min <= max, &format!("{path}.max"), || {
                    format!("must be ≥ min ({min}), got {max}")
                });
            }
            CountDist::Geometric { mean, max } | CountDist::Poisson { mean, max } => {
                self.range(&format!("{path}.mean"), mean, 1.0, true, f64::MAX);
                self.at_least(&format!("{path}.max"), max, 1);
            }
        }
    }
}
