//! Calibration: fitting a scenario's service times and demand to what a
//! day recorded — a simulated run's reports, or a live store replayed into
//! them (`paklog calibrate`).
//!
//! - **Walking speed and pick times** come from the completed pick tasks.
//!   A task's duration is its walk (its planned route, or the distance its
//!   RTLS tag travelled) at the associate's speed plus, per stop, a time
//!   per line and a time per unit: `duration = d / v_a + stops · line +
//!   units · unit`. Least squares over every task, with one speed per
//!   associate, gives each associate's speed and the mean line and unit
//!   times; the speeds' spread over associates is the walking-speed
//!   distribution (normal). The times' spreads come from the residuals:
//!   a task's squared residual is on average `stops · sd_line² + Σ q² ·
//!   sd_unit²` (the twin draws one unit time per line and multiplies it by
//!   the line's units `q`), fitted by least squares too.
//! - **Pack time**: per station, each order's packing runs from when its
//!   tote came (or the previous order was packed, if later) to when it was
//!   packed; orders sampled for quality control are left out.
//! - **Demand**: orders per day, the hourly profile, the express share,
//!   lines per order and units per line (geometric, cut at the largest
//!   seen, its parameter set so that the cut mean is the observed mean).
//!
//! Each fit says its distribution, its parameters, how many observations
//! it rests on and a goodness-of-fit figure: the Kolmogorov–Smirnov
//! distance `D` between the observations and the fitted distribution, or
//! the task-time model's R².

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::{DataType, Float64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use statrs::distribution::{ContinuousCDF, LogNormal, Normal};

use crate::dist::CountSampler;
use crate::schema::CountDist;

/// One fitted quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The distribution: `normal`, `lognormal`, `geometric`.
    pub dist: &'static str,
    /// Its parameters, as the scenario names them.
    pub params: Vec<(&'static str, f64)>,
    /// Observations it rests on.
    pub observations: usize,
    /// What they are, e.g. "associates", "tasks".
    pub of: &'static str,
    /// Goodness of fit: its name and value.
    pub gof: (&'static str, f64),
}

impl Fit {
    /// The parameter `name`.
    #[must_use]
    pub fn param(&self, name: &str) -> f64 {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(f64::NAN, |p| p.1)
    }

    /// A one-line description: `lognormal(mean 9.1, sd 3.0) · 4210 lines ·
    /// KS D 0.031`.
    #[must_use]
    pub fn describe(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(n, v)| format!("{n} {}", short(*v)))
            .collect();
        format!(
            "{}({}) from {} {}; {} {:.3}",
            self.dist,
            params.join(", "),
            self.observations,
            self.of,
            self.gof.0,
            self.gof.1
        )
    }
}

fn short(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e9 {
        format!("{v:.0}")
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// What a day says about the site's people and its demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Walking speed (m/s), over associates.
    pub walking_speed_mps: Fit,
    /// Time per pick line (s).
    pub pick_time_per_line_s: Fit,
    /// Time per unit picked (s).
    pub pick_time_per_unit_s: Fit,
    /// R² of the task-time model.
    pub task_r2: f64,
    /// Where the walked distances came from.
    pub distances: &'static str,
    /// Pack time per order (s), if orders were packed.
    pub pack_time_s: Option<Fit>,
    /// Orders per day.
    pub orders_per_day: f64,
    /// Days the orders span.
    pub days: u32,
    /// Orders per hour of the day, averaged over the days.
    pub hourly_profile: [f64; 24],
    /// Share of express orders.
    pub express_share: f64,
    /// Lines per order.
    pub lines_per_order: Fit,
    /// Units per line.
    pub units_per_line: Fit,
}

/// Fits what the run's reports in `dir` recorded (`tasks.parquet`,
/// `picks.parquet`, `orders.parquet`).
///
/// # Errors
/// A message naming the file and what is missing or too thin to fit.
pub fn calibrate(dir: &Path) -> Result<Calibration, String> {
    let tasks = Columns::read(&dir.join("tasks.parquet"))?;
    let picks = Columns::read(&dir.join("picks.parquet"))?;
    let orders = Columns::read(&dir.join("orders.parquet"))?;
    let (walk, line, unit, task_r2, distances) = pick_times(&tasks, &picks)?;
    let pack_time_s = pack_time(&orders)?;
    let demand = demand(&orders, &picks)?;
    Ok(Calibration {
        walking_speed_mps: walk,
        pick_time_per_line_s: line,
        pick_time_per_unit_s: unit,
        task_r2,
        distances,
        pack_time_s,
        orders_per_day: demand.0,
        days: demand.1,
        hourly_profile: demand.2,
        express_share: demand.3,
        lines_per_order: demand.4,
        units_per_line: demand.5,
    })
}

/// A Parquet file's columns, read whole.
struct Columns {
    file: String,
    batch: RecordBatch,
}

impl Columns {
    fn read(path: &Path) -> Result<Columns, String> {
        let file = path.display().to_string();
        let f = std::fs::File::open(path).map_err(|e| format!("{file}: cannot read: {e}"))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(f)
            .and_then(ParquetRecordBatchReaderBuilder::build)
            .map_err(|e| format!("{file}: not a readable Parquet file: {e}"))?;
        let batches: Vec<RecordBatch> = reader
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{file}: not a readable Parquet file: {e}"))?;
        let Some(first) = batches.first() else {
            return Err(format!("{file}: no rows"));
        };
        let batch = arrow::compute::concat_batches(&first.schema(), &batches)
            .map_err(|e| format!("{file}: {e}"))?;
        Ok(Columns { file, batch })
    }

    fn rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// A column as numbers; `None` where null.
    fn num(&self, name: &str) -> Result<Vec<Option<f64>>, String> {
        let c = self
            .batch
            .column_by_name(name)
            .ok_or_else(|| format!("{}: no `{name}` column", self.file))?;
        let c = arrow::compute::cast(c, &DataType::Float64)
            .map_err(|e| format!("{}: `{name}`: {e}", self.file))?;
        Ok(c.as_primitive::<Float64Type>().iter().collect())
    }

    /// A column as text; `None` where null.
    fn text(&self, name: &str) -> Result<Vec<Option<String>>, String> {
        let c = self
            .batch
            .column_by_name(name)
            .ok_or_else(|| format!("{}: no `{name}` column", self.file))?;
        let c = arrow::compute::cast(c, &DataType::Utf8)
            .map_err(|e| format!("{}: `{name}`: {e}", self.file))?;
        Ok(c.as_string::<i32>()
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect())
    }

    /// A column as booleans (null = false).
    fn flag(&self, name: &str) -> Result<Vec<bool>, String> {
        Ok(self
            .text(name)?
            .into_iter()
            .map(|v| v.as_deref() == Some("true"))
            .collect())
    }
}

type PickFits = (Fit, Fit, Fit, f64, &'static str);

/// Walking speed and the line and unit times from the completed pick
/// tasks (see the module's notes).
fn pick_times(tasks: &Columns, picks: &Columns) -> Result<PickFits, String> {
    let kind = tasks.text("kind")?;
    let status = tasks.text("status")?;
    let id = tasks.num("task_id")?;
    let associate = tasks.num("associate_id")?;
    let (started, completed) = (tasks.num("started_ms")?, tasks.num("completed_ms")?);
    let (stops, units) = (tasks.num("stops")?, tasks.num("units")?);
    let (planned, rtls) = (tasks.num("distance_m")?, tasks.num("rtls_m")?);
    // Σ q² per task, from its picks.
    let mut q2: HashMap<u64, f64> = HashMap::new();
    let (task_of, requested) = (picks.num("task_id")?, picks.num("requested")?);
    for (t, q) in task_of.iter().zip(&requested) {
        if let (Some(t), Some(q)) = (t, q) {
            *q2.entry(*t as u64).or_default() += q * q;
        }
    }
    let done: Vec<usize> = (0..tasks.rows())
        .filter(|&i| {
            kind[i].as_deref() == Some("PICK")
                && status[i].as_deref() == Some("COMPLETED")
                && associate[i].is_some()
                && started[i].is_some()
                && completed[i].is_some()
        })
        .collect();
    let with_rtls = done.iter().filter(|&&i| rtls[i].is_some()).count();
    let use_rtls = !done.is_empty() && with_rtls * 10 >= done.len() * 9;
    let distances = if use_rtls {
        "the distance each task's RTLS tag travelled"
    } else {
        "each task's planned route"
    };
    struct Row {
        a: usize,
        d: f64,
        stops: f64,
        units: f64,
        q2: f64,
        y: f64,
    }
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(done.len());
    for &i in &done {
        let a = associate[i].unwrap_or(0.0) as u64;
        let next = index.len();
        let a = *index.entry(a).or_insert(next);
        let d = if use_rtls {
            rtls[i].or(planned[i])
        } else {
            planned[i]
        }
        .unwrap_or(0.0);
        rows.push(Row {
            a,
            d,
            stops: stops[i].unwrap_or(0.0),
            units: units[i].unwrap_or(0.0),
            q2: id[i]
                .and_then(|t| q2.get(&(t as u64)).copied())
                .unwrap_or(0.0),
            y: (completed[i].unwrap_or(0.0) - started[i].unwrap_or(0.0)) / 1000.0,
        });
    }
    let k = index.len();
    if rows.len() < k + 3 {
        return Err(format!(
            "{}: {} completed pick tasks by {k} associates: too few to fit walking and picking",
            tasks.file,
            rows.len()
        ));
    }
    // duration = Σ_a [a = row.a] · d · pace_a + stops · line + units · unit
    let n = k + 2;
    let x = |r: &Row| -> Vec<(usize, f64)> { vec![(r.a, r.d), (k, r.stops), (k + 1, r.units)] };
    let mut xtx = vec![vec![0.0; n]; n];
    let mut xty = vec![0.0; n];
    for r in &rows {
        let xs = x(r);
        for &(i, vi) in &xs {
            xty[i] += vi * r.y;
            for &(j, vj) in &xs {
                xtx[i][j] += vi * vj;
            }
        }
    }
    let beta = solve(xtx, xty).ok_or_else(|| {
        format!(
            "{}: walking and picking cannot be told apart (every task of an associate has the same shape)",
            tasks.file
        )
    })?;
    let predict = |r: &Row| x(r).iter().map(|&(i, v)| beta[i] * v).sum::<f64>();
    let mean_y = rows.iter().map(|r| r.y).sum::<f64>() / rows.len() as f64;
    let sse: f64 = rows.iter().map(|r| (r.y - predict(r)).powi(2)).sum();
    let sst: f64 = rows.iter().map(|r| (r.y - mean_y).powi(2)).sum();
    let r2 = if sst > 0.0 { 1.0 - sse / sst } else { 1.0 };
    // The spreads: e² ≈ stops · var_line + Σq² · var_unit.
    let (mut a11, mut a12, mut a22, mut b1, mut b2) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for r in &rows {
        let e2 = (r.y - predict(r)).powi(2);
        a11 += r.stops * r.stops;
        a12 += r.stops * r.q2;
        a22 += r.q2 * r.q2;
        b1 += r.stops * e2;
        b2 += r.q2 * e2;
    }
    let var = solve(vec![vec![a11, a12], vec![a12, a22]], vec![b1, b2]).unwrap_or(vec![0.0, 0.0]);
    let tasks_per: Vec<usize> = (0..k)
        .map(|a| rows.iter().filter(|r| r.a == a).count())
        .collect();
    let speeds: Vec<f64> = (0..k)
        .filter(|&a| beta[a] > 0.0 && tasks_per[a] >= 3)
        .map(|a| 1.0 / beta[a])
        .collect();
    if speeds.is_empty() {
        return Err(format!(
            "{}: no associate's tasks give a positive walking pace",
            tasks.file
        ));
    }
    let (mean, sd) = mean_sd(&speeds);
    let walk = Fit {
        dist: "normal",
        params: vec![("mean", mean), ("sd", sd)],
        observations: speeds.len(),
        of: "associates",
        gof: ("KS D", ks(&speeds, |v| normal_cdf(mean, sd, v))),
    };
    let lines: usize = rows.iter().map(|r| r.stops as usize).sum();
    let time = |mean: f64, var: f64, of| Fit {
        dist: "lognormal",
        params: vec![("mean", mean.max(0.01)), ("sd", var.max(0.0).sqrt())],
        observations: if of == "lines" {
            lines
        } else {
            rows.iter().map(|r| r.units as usize).sum()
        },
        of,
        gof: ("task-time R²", r2),
    };
    Ok((
        walk,
        time(beta[k], var[0], "lines"),
        time(beta[k + 1], var[1], "units"),
        r2,
        distances,
    ))
}

/// Pack time per order, from each station's sequence of orders.
fn pack_time(orders: &Columns) -> Result<Option<Fit>, String> {
    let station = orders.num("station_id")?;
    let (picked, packed) = (orders.num("picked_ms")?, orders.num("packed_ms")?);
    let qc = orders.flag("qc")?;
    let mut by_station: HashMap<u64, Vec<(f64, f64, bool)>> = HashMap::new();
    for i in 0..orders.rows() {
        if let (Some(s), Some(p), Some(k)) = (station[i], picked[i], packed[i]) {
            by_station.entry(s as u64).or_default().push((k, p, qc[i]));
        }
    }
    let mut times = Vec::new();
    let mut keys: Vec<u64> = by_station.keys().copied().collect();
    keys.sort_unstable();
    for s in keys {
        let mut seq = by_station.remove(&s).unwrap_or_default();
        seq.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut free = f64::NEG_INFINITY;
        for (packed, came, qc) in seq {
            let secs = (packed - came.max(free)) / 1000.0;
            if !qc && secs > 0.0 {
                times.push(secs);
            }
            free = packed;
        }
    }
    if times.len() < 2 {
        return Ok(None);
    }
    let (mean, sd) = mean_sd(&times);
    Ok(Some(Fit {
        dist: "lognormal",
        params: vec![("mean", mean), ("sd", sd)],
        observations: times.len(),
        of: "orders",
        gof: ("KS D", ks(&times, |v| lognormal_cdf(mean, sd, v))),
    }))
}

type Demand = (f64, u32, [f64; 24], f64, Fit, Fit);

/// Orders per day, the hourly profile, the express share, lines per order
/// and units per line.
fn demand(orders: &Columns, picks: &Columns) -> Result<Demand, String> {
    let created = orders.num("created_ms")?;
    let lines = orders.num("lines")?;
    let priority = orders.text("priority")?;
    let n = orders.rows();
    let last = created.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    let days = ((last / 86_400_000.0).floor() as u32 + 1).max(1);
    let mut hourly = [0.0; 24];
    for c in created.iter().flatten() {
        hourly[((c / 3_600_000.0) as usize) % 24] += 1.0 / f64::from(days);
    }
    let express = priority
        .iter()
        .filter(|p| p.as_deref() == Some("EXPRESS"))
        .count() as f64
        / n.max(1) as f64;
    let lines: Vec<u32> = lines.iter().flatten().map(|&l| l as u32).collect();
    // Units per line: each (task, order, sku)'s first stop.
    let (task, order, sku, requested) = (
        picks.num("task_id")?,
        picks.num("order_id")?,
        picks.text("sku")?,
        picks.num("requested")?,
    );
    let mut seen = std::collections::HashSet::new();
    let mut units = Vec::new();
    for i in 0..picks.rows() {
        if let (Some(t), Some(o), Some(s), Some(q)) = (task[i], order[i], &sku[i], requested[i])
            && seen.insert((t as u64, o as u64, s.clone()))
        {
            units.push(q as u32);
        }
    }
    Ok((
        n as f64 / f64::from(days),
        days,
        hourly,
        express,
        geometric(&lines, "orders")?,
        geometric(&units, "lines")?,
    ))
}

/// A geometric distribution on 1, 2, … cut at the largest observation,
/// with the parameter whose cut mean is the observations' mean.
fn geometric(xs: &[u32], of: &'static str) -> Result<Fit, String> {
    let Some(&max) = xs.iter().max() else {
        return Err(format!("no {of} to fit"));
    };
    let max = max.max(1);
    let observed = xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len() as f64;
    let cut_mean = |m: f64| CountSampler::new(&CountDist::Geometric { mean: m, max }).mean();
    // The cut mean grows with the parameter: bisect.
    let (mut lo, mut hi) = (1.0, observed.max(1.0) * 4.0 + 1.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if cut_mean(mid) < observed {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let mean = 0.5 * (lo + hi);
    let p = 1.0 / mean;
    let cdf = |k: f64| {
        if k >= f64::from(max) {
            1.0
        } else {
            1.0 - (1.0 - p).powf(k.floor())
        }
    };
    let mut sorted: Vec<f64> = xs.iter().map(|&x| f64::from(x)).collect();
    sorted.sort_by(f64::total_cmp);
    // KS distance of a discrete law: compare at each support point.
    let n = sorted.len() as f64;
    let d = (1..=max)
        .map(|k| {
            let k = f64::from(k);
            let emp = sorted.partition_point(|&x| x <= k) as f64 / n;
            (emp - cdf(k)).abs()
        })
        .fold(0.0, f64::max);
    Ok(Fit {
        dist: "geometric",
        params: vec![("mean", mean), ("max", f64::from(max))],
        observations: xs.len(),
        of,
        gof: ("KS D", d),
    })
}

fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 {
        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

fn normal_cdf(mean: f64, sd: f64, v: f64) -> f64 {
    match Normal::new(mean, sd) {
        Ok(d) if sd > 0.0 => d.cdf(v),
        _ => f64::from(u8::from(v >= mean)),
    }
}

/// The CDF of the lognormal with this mean and standard deviation.
fn lognormal_cdf(mean: f64, sd: f64, v: f64) -> f64 {
    let (mu, sigma) = crate::dist::lognormal_log_params(mean, sd);
    match LogNormal::new(mu, sigma) {
        Ok(d) if sigma > 0.0 => d.cdf(v),
        _ => f64::from(u8::from(v >= mean)),
    }
}

/// The Kolmogorov–Smirnov distance between observations and a CDF.
fn ks(xs: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max)
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting;
/// `None` if `a` is singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    let scale = a
        .iter()
        .flatten()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= scale * 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            if f != 0.0 {
                let (above, below) = a.split_at_mut(row);
                for (x, p) in below[0][col..].iter_mut().zip(&above[col][col..]) {
                    *x -= f * p;
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// The files a scenario names by paths relative to its folder.
const FILE_FIELDS: [(&str, &str); 6] = [
    ("site", "locations"),
    ("site", "items"),
    ("site", "stock"),
    ("site", "people"),
    ("demand", "trace"),
    ("skus", "slotting_file"),
];

/// The scenario `base` (TOML text) with the fitted values in place, each
/// with a comment saying how it was fitted; every shift gets the same
/// people fits. `rebase` gives each file the base names (site files, a
/// trace, a slotting file) its path from where the fitted file is written.
///
/// # Errors
/// If `base` is not TOML.
pub fn fitted_scenario(
    base: &str,
    c: &Calibration,
    source: &str,
    rebase: &dyn Fn(&str) -> String,
) -> Result<String, String> {
    use toml_edit::{Array, DocumentMut, InlineTable, Item, Value, value};
    let mut doc: DocumentMut = base.parse().map_err(|e| format!("{e}"))?;
    for (table, key) in FILE_FIELDS {
        if let Some(t) = doc.get_mut(table).and_then(Item::as_table_like_mut)
            && let Some(path) = t.get(key).and_then(Item::as_str).map(str::to_owned)
            && let Some(v) = t.get_mut(key).and_then(Item::as_value_mut)
        {
            let decor = v.decor().clone();
            *v = Value::from(rebase(&path));
            *v.decor_mut() = decor;
        }
    }
    let dist = |f: &Fit| {
        let mut t = InlineTable::new();
        t.insert("dist", f.dist.into());
        for (n, v) in &f.params {
            let v = if *n == "max" {
                Value::from(*v as i64)
            } else {
                Value::from(round(*v))
            };
            t.insert(*n, v);
        }
        Item::Value(Value::InlineTable(t))
    };
    let note = |key: &str, what: &str| format!("# {key}: fitted, {what}\n");
    let set = |table: &mut toml_edit::Table, key: &str, item: Item, comment: String| {
        table.insert(key, item);
        if let Some(mut k) = table.key_mut(key) {
            k.leaf_decor_mut().set_prefix(comment);
        }
    };
    let demand = doc
        .get_mut("demand")
        .and_then(Item::as_table_mut)
        .ok_or("the scenario has no [demand] table")?;
    // A scenario that replays a trace takes its demand from it: the demand
    // fits stay in the report.
    let generated = !demand.contains_key("trace");
    if generated {
        set(
            demand,
            "orders_per_day",
            value(c.orders_per_day.round() as i64),
            note(
                "orders_per_day",
                &format!("{:.1} a day over {} day(s)", c.orders_per_day, c.days),
            ),
        );
        let profile: Array = c.hourly_profile.iter().map(|v| round(*v)).collect();
        set(
            demand,
            "hourly_profile",
            value(profile),
            note(
                "hourly_profile",
                "orders received per hour of the day, averaged over the days",
            ),
        );
        set(
            demand,
            "express_share",
            value(round(c.express_share)),
            note("express_share", "the share of express orders"),
        );
        for (key, f) in [
            ("lines_per_order", &c.lines_per_order),
            ("units_per_line", &c.units_per_line),
        ] {
            set(demand, key, dist(f), note(key, &f.describe()));
        }
    }
    if let Some(shifts) = doc
        .get_mut("associates")
        .and_then(|a| a.get_mut("shifts"))
        .and_then(Item::as_array_of_tables_mut)
    {
        for shift in shifts.iter_mut() {
            for (key, f, extra) in [
                (
                    "walking_speed_mps",
                    &c.walking_speed_mps,
                    format!(" (distances: {})", c.distances),
                ),
                (
                    "pick_time_per_line_s",
                    &c.pick_time_per_line_s,
                    String::new(),
                ),
                (
                    "pick_time_per_unit_s",
                    &c.pick_time_per_unit_s,
                    String::new(),
                ),
            ] {
                set(
                    shift,
                    key,
                    dist(f),
                    note(key, &format!("{}{extra}", f.describe())),
                );
            }
        }
    }
    if let Some(f) = &c.pack_time_s
        && let Some(packing) = doc.get_mut("packing").and_then(Item::as_table_mut)
    {
        set(
            packing,
            "pack_time_s",
            dist(f),
            note("pack_time_s", &f.describe()),
        );
    }
    let mut out = format!(
        "# Calibrated by `paklog calibrate` from {source}: each fitted value has a\n\
         # comment with its distribution, its parameters, the observations it rests\n\
         # on and a goodness-of-fit figure.\n"
    );
    out.push_str(&doc.to_string());
    Ok(out)
}

fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// The short report: one line per fit.
#[must_use]
pub fn report(c: &Calibration) -> String {
    let mut out = String::new();
    let mut line = |what: &str, text: String| {
        let _ = writeln!(out, "{what:<24} {text}");
    };
    line(
        "walking speed (m/s)",
        format!(
            "{}; distances: {}",
            c.walking_speed_mps.describe(),
            c.distances
        ),
    );
    line("pick time per line (s)", c.pick_time_per_line_s.describe());
    line("pick time per unit (s)", c.pick_time_per_unit_s.describe());
    line(
        "pack time (s)",
        c.pack_time_s
            .as_ref()
            .map_or("no packed orders".to_owned(), Fit::describe),
    );
    line(
        "orders per day",
        format!("{:.1} over {} day(s)", c.orders_per_day, c.days),
    );
    line(
        "hourly profile",
        c.hourly_profile
            .iter()
            .map(|v| format!("{v:.0}"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    line("express share", format!("{:.3}", c.express_share));
    line("lines per order", c.lines_per_order.describe());
    line("units per line", c.units_per_line.describe());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_recovers_a_known_linear_model() {
        // y = 2a + 3b exactly.
        let a = vec![vec![1.0, 1.0], vec![1.0, 2.0]];
        let x = solve(a, vec![5.0, 8.0]).unwrap();
        assert!((x[0] - 2.0).abs() < 1e-12 && (x[1] - 3.0).abs() < 1e-12);
        assert_eq!(
            solve(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]),
            None
        );
    }

    #[test]
    fn a_geometric_fit_matches_the_cut_mean_and_fits_its_own_law() {
        let law = CountSampler::new(&CountDist::Geometric { mean: 2.1, max: 10 });
        let mut rng = paklog_sim::RngStreams::new(7).stream("t");
        let xs: Vec<u32> = (0..20_000).map(|_| law.draw(&mut rng)).collect();
        let fit = geometric(&xs, "orders").unwrap();
        assert!((fit.param("mean") - 2.1).abs() < 0.05, "{fit:?}");
        assert_eq!(fit.param("max"), 10.0);
        assert!(fit.gof.1 < 0.02, "{fit:?}");
    }

    fn fit(dist: &'static str, mean: f64) -> Fit {
        Fit {
            dist,
            params: vec![("mean", mean), ("sd", 1.0)],
            observations: 10,
            of: "tasks",
            gof: ("KS D", 0.05),
        }
    }

    fn calibration() -> Calibration {
        Calibration {
            walking_speed_mps: fit("normal", 0.9),
            pick_time_per_line_s: fit("lognormal", 12.0),
            pick_time_per_unit_s: fit("lognormal", 3.0),
            task_r2: 0.99,
            distances: "each task's planned route",
            pack_time_s: Some(fit("lognormal", 60.0)),
            orders_per_day: 1000.4,
            days: 1,
            hourly_profile: [1.0; 24],
            express_share: 0.1,
            lines_per_order: Fit {
                params: vec![("mean", 2.0), ("max", 8.0)],
                ..fit("geometric", 2.0)
            },
            units_per_line: Fit {
                params: vec![("mean", 1.5), ("max", 4.0)],
                ..fit("geometric", 1.5)
            },
        }
    }

    #[test]
    fn fitted_values_replace_the_bases_with_comments_and_a_trace_keeps_its_demand() {
        let base = "name = \"x\"\n# the site\n[site]\nlocations = \"l.csv\"\n\
                    [demand]\norders_per_day = 10\n\
                    [[associates.shifts]]\nname = \"a\"\nwalking_speed_mps = { dist = \"constant\", value = 1.2 }\n\
                    [packing]\npack_time_s = { dist = \"constant\", value = 50.0 }\n";
        let text = fitted_scenario(base, &calibration(), "run", &|p| format!("/base/{p}")).unwrap();
        let t: toml::Table = text.parse().unwrap();
        assert_eq!(t["demand"]["orders_per_day"].as_integer(), Some(1000));
        assert_eq!(t["demand"]["lines_per_order"]["max"].as_integer(), Some(8));
        let shift = &t["associates"]["shifts"][0];
        assert_eq!(shift["walking_speed_mps"]["mean"].as_float(), Some(0.9));
        assert_eq!(t["packing"]["pack_time_s"]["mean"].as_float(), Some(60.0));
        assert_eq!(t["site"]["locations"].as_str(), Some("/base/l.csv"));
        assert!(text.contains("# the site"), "{text}");
        assert!(
            text.contains(
                "# pick_time_per_line_s: fitted, lognormal(mean 12, sd 1) from 10 tasks; KS D 0.050"
            ),
            "{text}"
        );

        // A trace gives the demand; no [associates]: nothing to fit there.
        let base = "[demand]\ntrace = \"o.csv\"\n";
        let text = fitted_scenario(base, &calibration(), "run", &str::to_owned).unwrap();
        let t: toml::Table = text.parse().unwrap();
        assert!(t["demand"].get("orders_per_day").is_none(), "{text}");
        assert!(t.get("associates").is_none(), "{text}");
    }

    #[test]
    fn the_ks_distance_is_small_for_the_law_and_large_for_another() {
        let xs: Vec<f64> = (1..1000).map(|i| f64::from(i) / 1000.0).collect();
        assert!(ks(&xs, |v| v.clamp(0.0, 1.0)) < 0.002);
        assert!(ks(&xs, |v| (v * v).clamp(0.0, 1.0)) > 0.2);
    }
}
