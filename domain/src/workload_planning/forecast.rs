//! Demand forecasting for workload planning: additive Holt–Winters
//! (level, trend and a seasonal cycle, e.g. 24 hours), fitted by a grid
//! search over its smoothing factors for the least one-step-ahead squared
//! error.

use serde::Serialize;

/// A fitted additive Holt–Winters model, ready to forecast from the end of
/// its series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoltWinters {
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing.
    pub beta: f64,
    /// Seasonal smoothing.
    pub gamma: f64,
    /// Season length (steps).
    pub period: usize,
    level: f64,
    trend: f64,
    season: Vec<f64>,
    /// Observations seen.
    pub n: usize,
    /// Root mean squared one-step-ahead error over the fitted series.
    pub rmse: f64,
}

const ALPHAS: [f64; 10] = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
const BETAS: [f64; 5] = [0.0, 0.01, 0.05, 0.1, 0.2];
const GAMMAS: [f64; 10] = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];

impl HoltWinters {
    /// Fits a model with season length `period` to `series`; `None` with
    /// fewer than two whole seasons.
    #[must_use]
    pub fn fit(series: &[f64], period: usize) -> Option<Self> {
        if period == 0 || series.len() < 2 * period {
            return None;
        }
        let mut best: Option<HoltWinters> = None;
        for alpha in ALPHAS {
            for beta in BETAS {
                for gamma in GAMMAS {
                    let m = Self::run(series, period, alpha, beta, gamma);
                    if best.as_ref().is_none_or(|b| m.rmse < b.rmse) {
                        best = Some(m);
                    }
                }
            }
        }
        best
    }

    /// The model with the given factors after smoothing all of `series`.
    fn run(series: &[f64], period: usize, alpha: f64, beta: f64, gamma: f64) -> Self {
        let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
        let first = mean(&series[..period]);
        let second = mean(&series[period..2 * period]);
        let mut m = HoltWinters {
            alpha,
            beta,
            gamma,
            period,
            level: first,
            trend: (second - first) / period as f64,
            season: series[..period].iter().map(|y| y - first).collect(),
            n: period,
            rmse: 0.0,
        };
        let mut sse = 0.0;
        for &y in &series[period..] {
            let e = y - m.forecast(1);
            sse += e * e;
            m.update(y);
        }
        m.rmse = (sse / (series.len() - period) as f64).sqrt();
        m
    }

    /// Takes in the next observation.
    pub fn update(&mut self, y: f64) {
        let i = self.n % self.period;
        let level =
            self.alpha * (y - self.season[i]) + (1.0 - self.alpha) * (self.level + self.trend);
        self.trend = self.beta * (level - self.level) + (1.0 - self.beta) * self.trend;
        self.season[i] = self.gamma * (y - level) + (1.0 - self.gamma) * self.season[i];
        self.level = level;
        self.n += 1;
    }

    /// The forecast `h ≥ 1` steps after the last observation (never
    /// negative: these are counts).
    #[must_use]
    pub fn forecast(&self, h: usize) -> f64 {
        let i = (self.n + h - 1) % self.period;
        (self.level + h as f64 * self.trend + self.season[i]).max(0.0)
    }
}

/// Mean absolute percentage error of `forecast` against `actual` (over the
/// non-zero actuals), in percent.
#[must_use]
pub fn mape(actual: &[f64], forecast: &[f64]) -> f64 {
    let (sum, n) = actual
        .iter()
        .zip(forecast)
        .filter(|(a, _)| **a != 0.0)
        .fold((0.0, 0u32), |(s, n), (a, f)| {
            (s + ((a - f) / a).abs(), n + 1)
        });
    if n == 0 {
        0.0
    } else {
        100.0 * sum / f64::from(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paklog_sim::RngStreams;
    use rand::RngExt;

    /// Hourly orders with a trend, a daily cycle and uniform noise of
    /// ±`noise`.
    fn series(days: usize, noise: f64) -> Vec<f64> {
        let mut rng = RngStreams::new(7).stream("series");
        (0..days * 24)
            .map(|t| {
                let hour = (t % 24) as f64;
                let cycle = 40.0 * (2.0 * std::f64::consts::PI * hour / 24.0).sin();
                let e: f64 = rng.random_range(-noise..=noise);
                100.0 + 0.2 * t as f64 + cycle + e
            })
            .collect()
    }

    fn next_day_error(noise: f64) -> (f64, f64) {
        let all = series(15, noise);
        let (history, next) = all.split_at(14 * 24);
        let m = HoltWinters::fit(history, 24).unwrap();
        let forecast: Vec<f64> = (1..=24).map(|h| m.forecast(h)).collect();
        // The seasonal naive forecast: tomorrow is today.
        let naive = &history[history.len() - 24..];
        (mape(next, &forecast), mape(next, naive))
    }

    #[test]
    fn a_noiseless_seasonal_series_is_forecast_almost_exactly() {
        let (hw, _) = next_day_error(0.0);
        eprintln!("noiseless: MAPE {hw:.3} %");
        assert!(hw < 1.0, "{hw}");
    }

    #[test]
    fn on_a_noisy_seasonal_series_the_day_ahead_error_is_near_the_noise_and_beats_naive() {
        // Noise ±10 on a level of about 140: a perfect forecast has a MAPE
        // of about 3.6 %.
        let (hw, naive) = next_day_error(10.0);
        eprintln!("noisy: Holt–Winters MAPE {hw:.2} %, seasonal naive {naive:.2} %");
        assert!(hw < 5.0, "{hw}");
        assert!(hw < naive, "{hw} vs naive {naive}");
    }

    #[test]
    fn too_short_a_series_has_no_model() {
        assert!(HoltWinters::fit(&[1.0; 47], 24).is_none());
        assert!(HoltWinters::fit(&[1.0; 48], 24).is_some());
    }
}
