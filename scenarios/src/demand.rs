//! Demand: a non-homogeneous Poisson order generator (an hourly profile of
//! rates), or a trace of real orders replayed as they happened.

use std::collections::HashMap;
use std::path::Path;

use paklog_domain::{NewOrder, NewOrderLine, Priority};
use paklog_sim::{SimDuration, SimTime, StreamRng};
use rand::RngExt;
use rand_distr::{Distribution, Exp};

use crate::assortment::Assortment;
use crate::dist::CountSampler;
use crate::error::ScenarioError;
use crate::schema::Scenario;
use crate::table::{self, Columns, Problems, Table};

const HOUR_MS: u64 = 3_600_000;

/// The order generator.
#[derive(Debug, Clone)]
pub struct Generator {
    /// Orders per hour for each hour of the day.
    rates: [f64; 24],
    lines: CountSampler,
    units: CountSampler,
    /// Cumulative line share per SKU, for inverse-transform sampling.
    sku_cdf: Vec<f64>,
    carrier_cdf: Vec<f64>,
    carriers: Vec<String>,
    /// SKU codes, by index.
    codes: Vec<String>,
    express_share: f64,
    issued: u64,
    /// Demand surges: `(start ms, end ms, factor)`.
    surges: Vec<(u64, u64, f64)>,
}

impl Generator {
    /// The generator of a scenario with `orders_per_day` set.
    #[must_use]
    pub fn new(s: &Scenario, assortment: &Assortment) -> Self {
        let rates = Self::hourly_rates(s);
        let cdf = |weights: &mut dyn Iterator<Item = f64>| {
            let mut acc = 0.0;
            let mut v: Vec<f64> = weights
                .map(|w| {
                    acc += w;
                    acc
                })
                .collect();
            if let Some(last) = v.last_mut() {
                *last = f64::INFINITY;
            }
            v
        };
        Generator {
            rates,
            lines: CountSampler::new(&s.demand.lines_per_order),
            units: CountSampler::new(&s.demand.units_per_line),
            sku_cdf: cdf(&mut assortment.line_share.iter().copied()),
            carrier_cdf: cdf(&mut s.demand.carriers.iter().map(|c| c.share)),
            carriers: s.demand.carriers.iter().map(|c| c.name.clone()).collect(),
            codes: assortment.codes.clone(),
            express_share: s.demand.express_share,
            issued: 0,
            surges: Vec::new(),
        }
    }

    /// Orders per hour for each hour of the day: `orders_per_day` spread by
    /// the hourly profile (flat without one).
    #[must_use]
    pub fn hourly_rates(s: &Scenario) -> [f64; 24] {
        let per_day = s.demand.orders_per_day.unwrap_or(0.0);
        let profile: Vec<f64> = if s.demand.hourly_profile.is_empty() {
            vec![1.0; 24]
        } else {
            s.demand.hourly_profile.clone()
        };
        let total: f64 = profile.iter().sum();
        let mut rates = [0.0; 24];
        for (r, w) in rates.iter_mut().zip(&profile) {
            *r = per_day * w / total;
        }
        rates
    }

    /// Multiplies the rate by `factor` from `start` to `end` (a demand
    /// surge).
    pub fn add_surge(&mut self, start: SimTime, end: SimTime, factor: f64) {
        self.surges
            .push((start.as_millis(), end.as_millis(), factor));
    }

    /// The arrival after `now`: exponential gaps at the rate of the hour
    /// (times any surge), restarted at each hour and surge boundary (exact
    /// for a piecewise-constant rate, since the exponential is memoryless).
    /// `None` if no order ever comes.
    pub fn next_arrival(&self, now: SimTime, rng: &mut StreamRng) -> Option<SimTime> {
        if self.rates.iter().all(|&r| r <= 0.0) {
            return None;
        }
        let mut t = now.as_millis();
        loop {
            let hour = ((t / HOUR_MS) % 24) as usize;
            let mut boundary = (t / HOUR_MS + 1) * HOUR_MS;
            let mut factor = 1.0;
            for &(start, end, f) in &self.surges {
                if (start..end).contains(&t) {
                    factor *= f;
                    boundary = boundary.min(end);
                } else if start > t {
                    boundary = boundary.min(start);
                }
            }
            let rate_per_ms = self.rates[hour] * factor / HOUR_MS as f64;
            if rate_per_ms > 0.0 {
                let gap = Exp::new(rate_per_ms).expect("positive rate").sample(rng);
                let next = t as f64 + gap;
                if next < boundary as f64 {
                    return Some(SimTime::from_millis(next.ceil() as u64));
                }
            }
            t = boundary;
        }
    }

    /// The content of the next order.
    pub fn order(&mut self, rng: &mut StreamRng) -> NewOrder {
        self.issued += 1;
        let n = self.lines.draw(rng) as usize;
        let mut lines: Vec<NewOrderLine> = Vec::with_capacity(n);
        let mut skus: Vec<usize> = Vec::with_capacity(n);
        for _ in 0..n {
            // Distinct SKUs per order; give up on a duplicate after a few tries.
            for _ in 0..8 {
                let u: f64 = rng.random();
                let sku = self.sku_cdf.partition_point(|&c| c <= u);
                if !skus.contains(&sku) {
                    skus.push(sku);
                    lines.push(NewOrderLine {
                        sku: self.codes[sku].clone(),
                        quantity: self.units.draw(rng),
                    });
                    break;
                }
            }
        }
        let u: f64 = rng.random();
        let carrier = self.carrier_cdf.partition_point(|&c| c <= u);
        let express = rng.random::<f64>() < self.express_share;
        NewOrder {
            external_id: format!("G{:07}", self.issued),
            carrier: self.carriers[carrier].clone(),
            priority: if express {
                Priority::Express
            } else {
                Priority::Standard
            },
            lines,
        }
    }
}

/// One order of a trace, with when it came in.
#[derive(Debug, Clone, PartialEq)]
pub struct TracedOrder {
    /// When it came in.
    pub at: SimTime,
    /// The order.
    pub order: NewOrder,
}

/// Reads a trace of orders from a CSV or Parquet file (by its extension):
/// columns `order_id`, `created_s` (seconds since the scenario epoch),
/// `sku`, `quantity`, `carrier`, and optionally `priority` (`express` or
/// `standard`); one row per line, rows of one order sharing its id. Orders
/// are returned by creation time (ties in file order).
///
/// # Errors
/// Every bad row, with its line (CSV) or row (Parquet) number and column
/// name: a missing column, a number that does not parse, an unknown SKU or
/// carrier.
pub fn read_trace(
    path: &Path,
    known_sku: &dyn Fn(&str) -> bool,
    skus_hint: &str,
    carriers: &[String],
) -> Result<Vec<TracedOrder>, Vec<ScenarioError>> {
    let mut problems = Problems::new(path);
    let table = match Table::read(path) {
        Ok(t) => t,
        Err(m) => {
            problems.add(0, None, "", format!("cannot read the trace: {m}"));
            return Err(problems.into_errors());
        }
    };
    let Some(columns) = Columns::find(
        &table,
        &["order_id", "created_s", "sku", "quantity", "carrier"],
        &["priority"],
        &mut problems,
    ) else {
        return Err(problems.into_errors());
    };
    let mut orders: Vec<TracedOrder> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in columns.rows(&table, &mut problems) {
        let id = row.text("order_id").to_owned();
        let Ok(created) = row.need(
            &mut problems,
            "created_s",
            "seconds ≥ 0",
            table::non_negative,
        ) else {
            continue;
        };
        let sku = row.text("sku");
        if !known_sku(sku) {
            row.fail(
                &mut problems,
                "sku",
                format!("unknown SKU \"{sku}\": {skus_hint}"),
            );
            continue;
        }
        let Ok(quantity) = row.need(
            &mut problems,
            "quantity",
            "a whole number ≥ 1",
            table::whole(1),
        ) else {
            continue;
        };
        let carrier = row.text("carrier");
        if !carriers.iter().any(|c| c == carrier) {
            row.fail(
                &mut problems,
                "carrier",
                format!(
                    "unknown carrier \"{carrier}\": the scenario has {}",
                    carriers.join(", ")
                ),
            );
            continue;
        }
        let priority = match row.text("priority").to_ascii_lowercase() {
            p if p == "express" => Priority::Express,
            p if p.is_empty() || p == "standard" => Priority::Standard,
            p => {
                row.fail(
                    &mut problems,
                    "priority",
                    format!("must be \"express\" or \"standard\", got \"{p}\""),
                );
                continue;
            }
        };
        let at = SimTime::ZERO + SimDuration::from_secs_f64(created);
        let slot = *index.entry(id.clone()).or_insert_with(|| {
            orders.push(TracedOrder {
                at,
                order: NewOrder {
                    external_id: id.clone(),
                    carrier: carrier.to_owned(),
                    priority,
                    lines: Vec::new(),
                },
            });
            orders.len() - 1
        });
        orders[slot].order.lines.push(NewOrderLine {
            sku: sku.to_owned(),
            quantity,
        });
    }
    if !problems.is_empty() {
        return Err(problems.into_errors());
    }
    orders.sort_by_key(|o| o.at);
    Ok(orders)
}
