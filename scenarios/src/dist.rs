//! Sampling the distributions of a scenario file.

use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal, Normal, Poisson, Triangular, Uniform};

use crate::schema::{CountDist, Dist};

/// A ready-to-draw form of a [`Dist`] (its parameters were validated when
/// the scenario was loaded).
#[derive(Debug, Clone, Copy)]
pub struct Sampler {
    kind: Kind,
    mean: f64,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Constant(f64),
    Uniform(Uniform<f64>),
    Exponential(Exp<f64>),
    /// Redrawn while not positive.
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Triangular(Triangular<f64>),
}

/// The lognormal with this mean and standard deviation (as scenarios give
/// it), as the mean and standard deviation of its logarithm.
#[must_use]
pub fn lognormal_log_params(mean: f64, sd: f64) -> (f64, f64) {
    let s2 = (1.0 + (sd / mean).powi(2)).ln();
    (mean.ln() - s2 / 2.0, s2.sqrt())
}

impl Sampler {
    /// Prepares a validated distribution for drawing.
    ///
    /// # Panics
    /// On parameters that validation rejects.
    #[must_use]
    pub fn new(d: &Dist) -> Self {
        let (kind, mean) = match *d {
            Dist::Constant { value } => (Kind::Constant(value), value),
            Dist::Uniform { min, max } if min == max => (Kind::Constant(min), min),
            Dist::Uniform { min, max } => (
                Kind::Uniform(Uniform::new_inclusive(min, max).expect("validated")),
                (min + max) / 2.0,
            ),
            Dist::Exponential { mean } => (
                Kind::Exponential(Exp::new(1.0 / mean).expect("validated")),
                mean,
            ),
            Dist::Normal { mean, sd } => (
                Kind::Normal(Normal::new(mean, sd).expect("validated")),
                mean,
            ),
            Dist::Lognormal { mean, sd } => {
                let (mu, sigma) = lognormal_log_params(mean, sd);
                (
                    Kind::LogNormal(LogNormal::new(mu, sigma).expect("validated")),
                    mean,
                )
            }
            Dist::Triangular { min, mode, max } if min == max => (Kind::Constant(mode), mode),
            Dist::Triangular { min, mode, max } => (
                Kind::Triangular(Triangular::new(min, max, mode).expect("validated")),
                (min + mode + max) / 3.0,
            ),
        };
        Sampler { kind, mean }
    }

    /// One draw (never negative).
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            Kind::Constant(v) => *v,
            Kind::Uniform(d) => d.sample(rng),
            Kind::Exponential(d) => d.sample(rng),
            Kind::Normal(d) => (0..64)
                .map(|_| d.sample(rng))
                .find(|v| *v > 0.0)
                .unwrap_or(self.mean),
            Kind::LogNormal(d) => d.sample(rng),
            Kind::Triangular(d) => d.sample(rng),
        }
        .max(0.0)
    }

    /// The mean (of the normal before truncation at zero).
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.mean
    }
}

/// A ready-to-draw form of a [`CountDist`].
#[derive(Debug, Clone, Copy)]
pub enum CountSampler {
    /// A constant.
    Constant(u32),
    /// Uniform on `min..=max`.
    Uniform(u32, u32),
    /// Geometric on 1, 2, … with success probability `p`, cut at `max`.
    Geometric(f64, u32),
    /// 1 + Poisson(λ), cut at `max`: the sampler (none when λ = 0), λ, max.
    Poisson(Option<Poisson<f64>>, f64, u32),
}

impl CountSampler {
    /// Prepares a validated distribution for drawing.
    #[must_use]
    pub fn new(d: &CountDist) -> Self {
        match *d {
            CountDist::Constant { value } => CountSampler::Constant(value),
            CountDist::Uniform { min, max } => CountSampler::Uniform(min, max),
            CountDist::Geometric { mean, max } => CountSampler::Geometric(1.0 / mean, max),
            CountDist::Poisson { mean, max } => {
                CountSampler::Poisson(Poisson::new(mean - 1.0).ok(), mean - 1.0, max)
            }
        }
    }

    /// One draw (≥ 1).
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        match *self {
            CountSampler::Constant(v) => v,
            CountSampler::Uniform(lo, hi) => Uniform::new_inclusive(lo, hi)
                .expect("validated")
                .sample(rng),
            CountSampler::Geometric(p, max) => {
                if p >= 1.0 {
                    return 1;
                }
                let u: f64 = rand::RngExt::random(rng);
                // Inverse transform: k = 1 + floor(ln(1-u) / ln(1-p)).
                let k = 1.0 + ((1.0 - u).ln() / (1.0 - p).ln()).floor();
                (k.min(f64::from(max)) as u32).max(1)
            }
            CountSampler::Poisson(d, _, max) => {
                let extra = d.map_or(0.0, |d| d.sample(rng));
                ((1.0 + extra).min(f64::from(max)) as u32).max(1)
            }
        }
    }

    /// The mean of the cut distribution, computed exactly.
    #[must_use]
    pub fn mean(&self) -> f64 {
        match *self {
            CountSampler::Constant(v) => f64::from(v),
            CountSampler::Uniform(lo, hi) => (f64::from(lo) + f64::from(hi)) / 2.0,
            CountSampler::Geometric(p, max) => {
                if p >= 1.0 {
                    return 1.0;
                }
                // Σ_{k<max} k p (1-p)^(k-1) + max · (1-p)^(max-1)
                let q = 1.0 - p;
                let body: f64 = (1..max)
                    .map(|k| f64::from(k) * p * q.powi(k as i32 - 1))
                    .sum();
                body + f64::from(max) * q.powi(max as i32 - 1)
            }
            CountSampler::Poisson(_, lambda, max) => {
                let mut pk: f64 = (-lambda).exp();
                let mut mean = 0.0;
                let mut mass = 0.0;
                for k in 0..max.saturating_sub(1) {
                    mean += f64::from(k + 1) * pk;
                    mass += pk;
                    pk *= lambda / f64::from(k + 1);
                }
                mean + f64::from(max) * (1.0 - mass)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paklog_sim::RngStreams;

    #[test]
    fn lognormal_has_the_mean_and_sd_asked_for() {
        let s = Sampler::new(&Dist::Lognormal { mean: 8.0, sd: 3.0 });
        let mut rng = RngStreams::new(1).stream("t");
        let xs: Vec<f64> = (0..200_000).map(|_| s.draw(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
        assert!((mean - 8.0).abs() < 0.05, "{mean}");
        assert!((sd - 3.0).abs() < 0.05, "{sd}");
    }

    #[test]
    fn cut_geometric_matches_its_exact_mean() {
        let c = CountSampler::new(&CountDist::Geometric { mean: 2.0, max: 6 });
        let mut rng = RngStreams::new(2).stream("t");
        let n = 200_000;
        let draws: Vec<u32> = (0..n).map(|_| c.draw(&mut rng)).collect();
        assert!(draws.iter().all(|&k| (1..=6).contains(&k)));
        let mean = f64::from(draws.iter().sum::<u32>()) / f64::from(n);
        assert!((mean - c.mean()).abs() < 0.01, "{mean} vs {}", c.mean());
        // Uncut geometric mean 2 minus the tail beyond 6.
        assert!((c.mean() - (2.0 - 2.0 * 0.5f64.powi(6))).abs() < 1e-12);
    }

    #[test]
    fn cut_poisson_matches_its_exact_mean() {
        let c = CountSampler::new(&CountDist::Poisson { mean: 2.5, max: 4 });
        let mut rng = RngStreams::new(3).stream("t");
        let n = 200_000;
        let mean = f64::from((0..n).map(|_| c.draw(&mut rng)).sum::<u32>()) / f64::from(n);
        assert!((mean - c.mean()).abs() < 0.01, "{mean} vs {}", c.mean());
    }
}
