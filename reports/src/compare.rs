//! Comparing the variants of a study: one summary row per run
//! (`summary.parquet`), and per variant and KPI the mean, standard deviation
//! and 95 % confidence interval over the replications, with the paired
//! difference to the baseline variant and its interval
//! (`comparison.parquet`), computed with polars.
//!
//! Replication `k` of every variant runs with the same seed (common random
//! numbers), so the difference of variant and baseline in replication `k`
//! is a paired observation: its interval is Student's t over the `n`
//! differences, `mean ± t(0.975, n − 1) · sd / √n`.

use std::path::Path;

use polars::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::ReportError;
use crate::run::Summary;

mod kpis;

pub use kpis::{Better, KPIS, Kpi};

/// One run of a study.
#[derive(Debug, Clone)]
pub struct StudyRun {
    /// Variant name.
    pub variant: String,
    /// Position of the variant in the study (0 = baseline).
    pub variant_index: u32,
    /// Replication number, from 0.
    pub replication: u32,
    /// The run's seed.
    pub seed: u64,
    /// Its KPIs.
    pub summary: Summary,
}

fn polars_error(path: &Path) -> impl Fn(PolarsError) -> ReportError + '_ {
    move |e| ReportError::Arrow(path.to_owned(), e.to_string())
}

/// The summary table: one row per run, ordered by variant and replication.
///
/// # Errors
/// If polars refuses the columns (a bug).
pub fn summary_frame(runs: &[StudyRun]) -> PolarsResult<DataFrame> {
    let mut runs: Vec<&StudyRun> = runs.iter().collect();
    runs.sort_by_key(|r| (r.variant_index, r.replication));
    let mut columns = vec![
        Column::new(
            "variant".into(),
            runs.iter().map(|r| r.variant.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "variant_index".into(),
            runs.iter().map(|r| r.variant_index).collect::<Vec<_>>(),
        ),
        Column::new(
            "replication".into(),
            runs.iter().map(|r| r.replication).collect::<Vec<_>>(),
        ),
        Column::new(
            "seed".into(),
            runs.iter().map(|r| r.seed).collect::<Vec<_>>(),
        ),
        Column::new(
            "orders_received".into(),
            runs.iter()
                .map(|r| r.summary.orders_received)
                .collect::<Vec<_>>(),
        ),
    ];
    for k in &KPIS {
        columns.push(Column::new(
            k.name.into(),
            runs.iter().map(|r| k.of(&r.summary)).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new_infer_height(columns)
}

/// Writes a frame as ZSTD-compressed Parquet.
///
/// # Errors
/// If the file cannot be written.
pub fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), ReportError> {
    let file = std::fs::File::create(path).map_err(|e| ReportError::Io(path.to_owned(), e))?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(df)
        .map_err(polars_error(path))?;
    Ok(())
}

fn read_parquet(path: &Path) -> Result<DataFrame, ReportError> {
    let file = std::fs::File::open(path).map_err(|e| ReportError::Io(path.to_owned(), e))?;
    ParquetReader::new(file)
        .finish()
        .map_err(polars_error(path))
}

/// Every `summary*.parquet` of a study folder (the whole study's, or each
/// shard's), read together and ordered by variant and replication.
///
/// # Errors
/// If the folder or a file cannot be read, or none is there.
pub fn read_summaries(dir: &Path) -> Result<DataFrame, ReportError> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| ReportError::Io(dir.to_owned(), e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("summary") && n.ends_with(".parquet"))
        })
        .collect();
    files.sort();
    let mut frames = files.iter().map(|f| read_parquet(f));
    let Some(first) = frames.next() else {
        return Err(ReportError::Io(
            dir.join("summary.parquet"),
            std::io::Error::new(std::io::ErrorKind::NotFound, "no summary*.parquet here"),
        ));
    };
    let mut all = first?;
    for f in frames {
        all.vstack_mut(&f?).map_err(polars_error(dir))?;
    }
    let all = all
        .sort(
            ["variant_index", "replication"],
            SortMultipleOptions::default(),
        )
        .map_err(polars_error(dir))?;
    // A run twice means stale files of an earlier study in the folder.
    let names = all.column("variant").map_err(polars_error(dir))?;
    let reps = all.column("replication").map_err(polars_error(dir))?;
    let (names, reps) = (
        names.str().map_err(polars_error(dir))?,
        reps.u32().map_err(polars_error(dir))?,
    );
    let mut seen = std::collections::BTreeSet::new();
    for (n, r) in names.iter().zip(reps.iter()) {
        if !seen.insert((n, r)) {
            return Err(ReportError::Arrow(
                dir.to_owned(),
                format!(
                    "the summary*.parquet files hold run variant={} replication={} more than once: remove the files of an earlier study",
                    n.unwrap_or_default(),
                    r.unwrap_or_default()
                ),
            ));
        }
    }
    Ok(all)
}

/// The summary with each variant's position taken from `order` (the
/// study's variants, baseline first), so a baseline chosen at compare time
/// counts.
///
/// # Errors
/// A variant of the summary that the study does not have.
pub fn reorder(summary: &DataFrame, order: &[String]) -> Result<DataFrame, String> {
    let names = summary
        .column("variant")
        .and_then(|c| c.str().cloned())
        .map_err(|e| e.to_string())?;
    let mut index = Vec::with_capacity(names.len());
    for n in names.iter() {
        let n = n.unwrap_or_default();
        let at = order.iter().position(|o| o == n).ok_or_else(|| {
            format!(
                "the summaries hold variant \"{n}\", which this study does not have ({})",
                order.join(", ")
            )
        })?;
        index.push(at as u32);
    }
    let mut out = summary.clone();
    out.with_column(Column::new("variant_index".into(), index))
        .map_err(|e| e.to_string())?;
    out.sort(
        ["variant_index", "replication"],
        SortMultipleOptions::default(),
    )
    .map_err(|e| e.to_string())
}

/// The comparison of one variant on one KPI.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// Variant.
    pub variant: String,
    /// Its position (0 = baseline).
    pub variant_index: u32,
    /// KPI (index into [`KPIS`]).
    pub kpi: usize,
    /// Replications.
    pub n: u32,
    /// Mean over the replications.
    pub mean: f64,
    /// Standard deviation over the replications.
    pub sd: f64,
    /// Half-width of the 95 % confidence interval of the mean.
    pub half_width: f64,
    /// Mean paired difference to the baseline (0 for the baseline).
    pub diff: f64,
    /// Half-width of the 95 % confidence interval of the difference.
    pub diff_half_width: f64,
}

impl Compared {
    /// Whether the difference to the baseline is significant at 95 %.
    #[must_use]
    pub fn significant(&self) -> bool {
        self.variant_index > 0
            && self.diff_half_width.is_finite()
            && self.diff.abs() > self.diff_half_width
    }
}

/// Half-width of a 95 % Student-t interval of a mean of `n` values with
/// standard deviation `sd` (NaN for fewer than two).
#[must_use]
pub fn half_width(n: u32, sd: f64) -> f64 {
    if n < 2 || !sd.is_finite() {
        return f64::NAN;
    }
    let t = StudentsT::new(0.0, 1.0, f64::from(n - 1))
        .expect("n - 1 ≥ 1 degrees of freedom")
        .inverse_cdf(0.975);
    t * sd / f64::from(n).sqrt()
}

/// Compares every variant of a summary table with the baseline (variant
/// index 0), paired by replication.
///
/// # Errors
/// If the table lacks a column of `summary.parquet`.
pub fn compare(summary: &DataFrame) -> PolarsResult<Vec<Compared>> {
    // Long form: one row per run and KPI.
    let variant = summary.column("variant")?.str()?;
    let index = summary.column("variant_index")?.u32()?;
    let replication = summary.column("replication")?.u32()?;
    let (mut v, mut vi, mut rep, mut kpi, mut value) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (k, kp) in KPIS.iter().enumerate() {
        let values = summary.column(kp.name)?.f64()?;
        for row in 0..summary.height() {
            v.push(variant.get(row).unwrap_or_default().to_owned());
            vi.push(index.get(row).unwrap_or_default());
            rep.push(replication.get(row).unwrap_or_default());
            kpi.push(k as u32);
            value.push(values.get(row).unwrap_or(f64::NAN));
        }
    }
    let long = DataFrame::new_infer_height(vec![
        Column::new("variant".into(), v),
        Column::new("variant_index".into(), vi),
        Column::new("replication".into(), rep),
        Column::new("kpi".into(), kpi),
        Column::new("value".into(), value),
    ])?;
    let keys = [col("variant_index"), col("kpi")];
    let stats = long.clone().lazy().group_by(keys.clone()).agg([
        col("variant").first().alias("variant"),
        col("value").count().alias("n"),
        col("value").mean().alias("mean"),
        col("value").std(1).alias("sd"),
    ]);
    let base = long
        .clone()
        .lazy()
        .filter(col("variant_index").eq(lit(0u32)))
        .select([col("replication"), col("kpi"), col("value").alias("base")]);
    let diffs = long
        .lazy()
        .join(
            base,
            [col("replication"), col("kpi")],
            [col("replication"), col("kpi")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column((col("value") - col("base")).alias("diff"))
        .group_by(keys.clone())
        .agg([
            col("diff").count().alias("diff_n"),
            col("diff").mean().alias("diff_mean"),
            col("diff").std(1).alias("diff_sd"),
        ]);
    let table = stats
        .join(diffs, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .sort(["variant_index", "kpi"], SortMultipleOptions::default())
        .collect()?;
    let f = |name: &str| -> PolarsResult<Vec<f64>> {
        Ok(table
            .column(name)?
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .map(|x| x.unwrap_or(f64::NAN))
            .collect())
    };
    let u = |name: &str| -> PolarsResult<Vec<u32>> {
        Ok(table
            .column(name)?
            .cast(&DataType::UInt32)?
            .u32()?
            .iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let names: Vec<String> = table
        .column("variant")?
        .str()?
        .iter()
        .map(|s| s.unwrap_or_default().to_owned())
        .collect();
    let (vi, kpi, n, diff_n) = (u("variant_index")?, u("kpi")?, u("n")?, u("diff_n")?);
    let (mean, sd, diff, diff_sd) = (f("mean")?, f("sd")?, f("diff_mean")?, f("diff_sd")?);
    Ok((0..table.height())
        .map(|i| Compared {
            variant: names[i].clone(),
            variant_index: vi[i],
            kpi: kpi[i] as usize,
            n: n[i],
            mean: mean[i],
            sd: sd[i],
            half_width: half_width(n[i], sd[i]),
            diff: if vi[i] == 0 { 0.0 } else { diff[i] },
            diff_half_width: if vi[i] == 0 {
                0.0
            } else {
                half_width(diff_n[i], diff_sd[i])
            },
        })
        .collect())
}

/// The comparison as a table for `comparison.parquet`.
///
/// # Errors
/// If polars refuses the columns (a bug).
pub fn comparison_frame(rows: &[Compared]) -> PolarsResult<DataFrame> {
    let baseline = rows
        .iter()
        .find(|r| r.variant_index == 0)
        .map_or("", |r| r.variant.as_str());
    let opt = |x: f64| x.is_finite().then_some(x);
    DataFrame::new_infer_height(vec![
        Column::new(
            "variant".into(),
            rows.iter().map(|r| r.variant.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "variant_index".into(),
            rows.iter().map(|r| r.variant_index).collect::<Vec<_>>(),
        ),
        Column::new(
            "kpi".into(),
            rows.iter().map(|r| KPIS[r.kpi].name).collect::<Vec<_>>(),
        ),
        Column::new("n".into(), rows.iter().map(|r| r.n).collect::<Vec<_>>()),
        Column::new(
            "mean".into(),
            rows.iter().map(|r| r.mean).collect::<Vec<_>>(),
        ),
        Column::new(
            "sd".into(),
            rows.iter().map(|r| opt(r.sd)).collect::<Vec<_>>(),
        ),
        Column::new(
            "ci_low".into(),
            rows.iter()
                .map(|r| opt(r.mean - r.half_width))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "ci_high".into(),
            rows.iter()
                .map(|r| opt(r.mean + r.half_width))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "baseline".into(),
            rows.iter().map(|_| baseline).collect::<Vec<_>>(),
        ),
        Column::new(
            "diff".into(),
            rows.iter().map(|r| r.diff).collect::<Vec<_>>(),
        ),
        Column::new(
            "diff_ci_low".into(),
            rows.iter()
                .map(|r| opt(r.diff - r.diff_half_width))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "diff_ci_high".into(),
            rows.iter()
                .map(|r| opt(r.diff + r.diff_half_width))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "significant".into(),
            rows.iter().map(Compared::significant).collect::<Vec<_>>(),
        ),
    ])
}

/// Formats a number with a precision that suits its size.
#[must_use]
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a >= 1000.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// Plain sentences, one per variant other than the baseline and KPI: who
/// beats whom by how much, or that the difference is not significant.
#[must_use]
pub fn sentences(rows: &[Compared]) -> Vec<String> {
    let baseline = rows
        .iter()
        .find(|r| r.variant_index == 0)
        .map_or("the baseline", |r| r.variant.as_str());
    rows.iter()
        .filter(|r| r.variant_index > 0)
        .map(|r| {
            let k = &KPIS[r.kpi];
            if !r.diff_half_width.is_finite() {
                return format!(
                    "{} vs {baseline} on {}: {} {} (one replication: no interval)",
                    r.variant,
                    k.label,
                    num(r.diff),
                    k.unit
                );
            }
            if !r.significant() {
                return format!(
                    "no significant difference in {} between {} and {baseline} ({} {} ± {} at 95 %)",
                    k.label,
                    r.variant,
                    num(r.diff),
                    k.unit,
                    num(r.diff_half_width)
                );
            }
            let by = format!(
                "by {} {} ± {} at 95 %",
                num(r.diff.abs()),
                k.unit,
                num(r.diff_half_width)
            );
            let up = r.diff > 0.0;
            match k.better {
                Better::Neither => format!(
                    "{} has {} {} than {baseline} {by}",
                    r.variant,
                    if up { "higher" } else { "lower" },
                    k.label
                ),
                b => {
                    let wins = (b == Better::Higher) == up;
                    format!(
                        "{} {} {baseline} on {} {by}",
                        r.variant,
                        if wins { "beats" } else { "trails" },
                        k.label
                    )
                }
            }
        })
        .collect()
}

/// A variant's line over time: its name and `(hour, value)` points.
pub type Line = (String, Vec<(f64, f64)>);

/// Mean over the replications of each variant of its orders shipped per
/// 5-minute interval, cumulated: `(variant, [(hour, orders)])`, read from
/// the runs' `kpi_intervals.parquet` under `variant=NAME/replication=K/`.
///
/// # Errors
/// If a run's file cannot be read.
pub fn shipped_over_time(
    dir: &Path,
    variants: &[String],
    replications: u32,
) -> Result<Vec<Line>, ReportError> {
    let mut out = Vec::new();
    for name in variants {
        let vdir = dir.join(format!("variant={name}"));
        // This study's replications only (a folder may hold more from an
        // earlier, longer study); another shard's may be missing.
        let files: Vec<_> = (0..replications)
            .map(|k| vdir.join(format!("replication={k}/kpi_intervals.parquet")))
            .filter(|p| p.exists())
            .collect();
        let mut frames = Vec::new();
        for f in &files {
            frames.push(read_parquet(f)?.lazy().select([
                col("start_ms"),
                col("orders_shipped").cast(DataType::Float64),
            ]));
        }
        if frames.is_empty() {
            continue;
        }
        let runs = frames.len() as f64;
        let per = concat(frames, UnionArgs::default())
            .and_then(|all| {
                all.group_by([col("start_ms")])
                    .agg([col("orders_shipped").sum()])
                    .sort(["start_ms"], SortMultipleOptions::default())
                    .collect()
            })
            .map_err(polars_error(&vdir))?;
        let start = per
            .column("start_ms")
            .and_then(|c| c.cast(&DataType::Float64))
            .map_err(polars_error(&vdir))?;
        let shipped = per.column("orders_shipped").map_err(polars_error(&vdir))?;
        let (start, shipped) = (
            start.f64().map_err(polars_error(&vdir))?,
            shipped.f64().map_err(polars_error(&vdir))?,
        );
        let mut total = 0.0;
        let series = start
            .iter()
            .zip(shipped.iter())
            .map(|(t, s)| {
                total += s.unwrap_or(0.0) / runs;
                (t.unwrap_or(0.0) / 3_600_000.0, total)
            })
            .collect();
        out.push((name.clone(), series));
    }
    Ok(out)
}
