//! Demand: a non-homogeneous Poisson order generator (an hourly profile of
//! rates), or a trace of real orders replayed as they happened.

use std::collections::HashMap;
use std::path::Path;

use paklog_domain::{NewOrder, NewOrderLine, Priority};
use paklog_sim::{SimDuration, SimTime, StreamRng};
use rand::RngExt;
use rand_distr::{Distribution, Exp};

use crate::assortment::{Assortment, sku_code};
use crate::dist::CountSampler;
use crate::error::ScenarioError;
use crate::schema::Scenario;

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
                        sku: sku_code(sku),
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
    sku_count: u32,
    carriers: &[String],
) -> Result<Vec<TracedOrder>, Vec<ScenarioError>> {
    let fail = |line: usize, column: &str, message: String| ScenarioError {
        file: path.to_owned(),
        line,
        column: 0,
        path: column.to_owned(),
        message,
    };
    let parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let (headers, rows) = if parquet {
        parquet_rows(path)
    } else {
        csv_rows(path)
    }
    .map_err(|m| vec![fail(0, "", m)])?;
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut errors = Vec::new();
    let mut need = |name: &str| {
        let c = col(name);
        if c.is_none() {
            errors.push(fail(1, name, format!("the header has no `{name}` column")));
        }
        c
    };
    let (id_c, at_c, sku_c, q_c, carrier_c) = (
        need("order_id"),
        need("created_s"),
        need("sku"),
        need("quantity"),
        need("carrier"),
    );
    let prio_c = col("priority");
    let (Some(id_c), Some(at_c), Some(sku_c), Some(q_c), Some(carrier_c)) =
        (id_c, at_c, sku_c, q_c, carrier_c)
    else {
        return Err(errors);
    };
    let mut orders: Vec<TracedOrder> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (line, record) in rows {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(fail(line, "", format!("unreadable row: {e}")));
                continue;
            }
        };
        let field = |c: usize| record.get(c).map_or("", String::as_str);
        let id = field(id_c).to_owned();
        let created: Option<f64> = field(at_c)
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0);
        let Some(created) = created else {
            errors.push(fail(
                line,
                "created_s",
                format!("must be seconds ≥ 0, got \"{}\"", field(at_c)),
            ));
            continue;
        };
        let sku = field(sku_c);
        let known = sku
            .strip_prefix("SKU")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= 1 && n <= sku_count && sku_code(n as usize - 1) == sku);
        if !known {
            errors.push(fail(
                line,
                "sku",
                format!(
                    "unknown SKU \"{sku}\": this scenario has SKU00001 to {}",
                    sku_code(sku_count as usize - 1)
                ),
            ));
            continue;
        }
        let Some(quantity) = field(q_c).parse::<u32>().ok().filter(|q| *q >= 1) else {
            errors.push(fail(
                line,
                "quantity",
                format!("must be a whole number ≥ 1, got \"{}\"", field(q_c)),
            ));
            continue;
        };
        let carrier = field(carrier_c);
        if !carriers.iter().any(|c| c == carrier) {
            errors.push(fail(
                line,
                "carrier",
                format!(
                    "unknown carrier \"{carrier}\": the scenario has {}",
                    carriers.join(", ")
                ),
            ));
            continue;
        }
        let priority = match prio_c.map(|c| field(c).to_ascii_lowercase()) {
            Some(p) if p == "express" => Priority::Express,
            None => Priority::Standard,
            Some(p) if p.is_empty() || p == "standard" => Priority::Standard,
            Some(p) => {
                errors.push(fail(
                    line,
                    "priority",
                    format!("must be \"express\" or \"standard\", got \"{p}\""),
                ));
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
    if !errors.is_empty() {
        return Err(errors);
    }
    orders.sort_by_key(|o| o.at);
    Ok(orders)
}

/// A row of a trace: its line (CSV, counting the header) or row (Parquet)
/// number, and its fields as text.
type Row = (usize, Result<Vec<String>, String>);

fn csv_rows(path: &Path) -> Result<(Vec<String>, Vec<Row>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read the trace: {e}"))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("bad header: {e}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            (
                i + 2,
                r.map(|r| r.iter().map(str::to_owned).collect())
                    .map_err(|e| e.to_string()),
            )
        })
        .collect();
    Ok((headers, rows))
}

fn parquet_rows(path: &Path) -> Result<(Vec<String>, Vec<Row>), String> {
    use arrow::array::{Array, AsArray, RecordBatchReader};
    use arrow::datatypes::DataType;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the trace: {e}"))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(ParquetRecordBatchReaderBuilder::build)
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let headers: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let columns: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| {
                arrow::compute::cast(c, &DataType::Utf8)
                    .map_err(|e| format!("a column cannot be read as text: {e}"))
            })
            .collect::<Result<_, _>>()?;
        for i in 0..batch.num_rows() {
            let fields = columns
                .iter()
                .map(|c| {
                    let c = c.as_string::<i32>();
                    if c.is_null(i) {
                        String::new()
                    } else {
                        c.value(i).to_owned()
                    }
                })
                .collect();
            rows.push((rows.len() + 1, Ok(fields)));
        }
    }
    Ok((headers, rows))
}
