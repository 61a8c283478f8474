//! `paklog compare`: studies over replications, their tables and report.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Float64Type, UInt32Type};

use crate::{read, run_ok};

fn paklog() -> Command {
    Command::new(env!("CARGO_BIN_EXE_paklog"))
}

fn small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small-dc.toml")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paklog-cmp-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

/// `paklog compare` of the small scenario, waves time vs carrier.
fn compare(out: &Path, extra: &[&str]) -> String {
    let mut cmd = paklog();
    cmd.arg("compare")
        .arg(small())
        .args(["--vary", "strategy.wave=time,carrier", "-q", "--out"])
        .arg(out)
        .args(extra);
    String::from_utf8(run_ok(&mut cmd).stdout).unwrap()
}

/// `(variant, kpi) → (mean, diff, diff half-width)` of a comparison.parquet.
fn comparison(dir: &Path) -> Vec<(String, String, f64, f64, f64)> {
    let b = read(&dir.join("comparison.parquet"));
    let s = |n: &str| {
        arrow::compute::cast(
            b.column_by_name(n).unwrap(),
            &arrow::datatypes::DataType::Utf8,
        )
        .unwrap()
        .as_string::<i32>()
        .clone()
    };
    let f = |n: &str| {
        b.column_by_name(n)
            .unwrap()
            .as_primitive::<Float64Type>()
            .clone()
    };
    let (variant, kpi, mean, diff, lo, hi) = (
        s("variant"),
        s("kpi"),
        f("mean"),
        f("diff"),
        f("diff_ci_low"),
        f("diff_ci_high"),
    );
    (0..b.num_rows())
        .map(|i| {
            let hw = if lo.is_null(i) {
                f64::NAN
            } else {
                (hi.value(i) - lo.value(i)) / 2.0
            };
            (
                variant.value(i).to_owned(),
                kpi.value(i).to_owned(),
                mean.value(i),
                diff.value(i),
                hw,
            )
        })
        .collect()
}

#[test]
fn common_random_numbers_shrink_the_interval_of_the_paired_difference() {
    let (crn, ind) = (scratch("crn"), scratch("independent"));
    let text = compare(&crn, &["--replications", "6"]);
    assert!(text.contains("carrier"), "{text}");
    compare(&ind, &["--replications", "6", "--independent-seeds"]);
    let (a, b) = (comparison(&crn), comparison(&ind));
    let width = |rows: &[(String, String, f64, f64, f64)], kpi: &str| {
        rows.iter()
            .find(|r| r.0 == "carrier" && r.1 == kpi)
            .unwrap()
            .4
    };
    // Measured on the same study: the paired difference's 95 % interval is
    // narrower with common random numbers, because both variants see the
    // same orders and the same associates.
    let mut report = Vec::new();
    for kpi in ["orders_shipped", "travel_km", "lines_per_labour_hour"] {
        let (w_crn, w_ind) = (width(&a, kpi), width(&b, kpi));
        report.push(format!("{kpi}: ±{w_crn:.3} vs ±{w_ind:.3}"));
        assert!(w_crn < w_ind, "{kpi}: CRN ±{w_crn} vs independent ±{w_ind}");
    }
    eprintln!("{report:?}");
    fs::remove_dir_all(crn).unwrap();
    fs::remove_dir_all(ind).unwrap();
}

#[test]
fn a_study_reruns_identically_and_its_shards_read_together_are_the_whole() {
    let (whole, again, shards) = (scratch("whole"), scratch("again"), scratch("shards"));
    compare(&whole, &["--replications", "3"]);
    compare(&again, &["--replications", "3"]);
    let bytes = |d: &Path, f: &str| fs::read(d.join(f)).unwrap();
    assert_eq!(
        bytes(&whole, "summary.parquet"),
        bytes(&again, "summary.parquet")
    );
    assert_eq!(
        bytes(&whole, "comparison.parquet"),
        bytes(&again, "comparison.parquet")
    );
    // Hive partitions of every run.
    for v in ["time", "carrier"] {
        for k in 0..3 {
            let run = whole.join(format!("variant={v}/replication={k}"));
            assert!(run.join("orders.parquet").exists(), "{}", run.display());
        }
    }
    for i in 0..3 {
        compare(
            &shards,
            &["--replications", "3", "--shard", &format!("{i}/3")],
        );
    }
    assert!(!shards.join("summary.parquet").exists());
    let together = paklog_reports::compare::read_summaries(&shards).unwrap();
    let one = paklog_reports::compare::read_summaries(&whole).unwrap();
    assert_eq!(together, one);
    // Comparing the merged shards gives the whole study's comparison.
    compare(&shards, &["--replications", "3", "--report-only"]);
    assert_eq!(
        bytes(&shards, "comparison.parquet"),
        bytes(&whole, "comparison.parquet")
    );
    for d in [whole, again, shards] {
        fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn the_report_shows_every_variant_and_kpi_with_the_comparisons_numbers() {
    let dir = scratch("report");
    let printed = compare(&dir, &["--replications", "3"]);
    let html = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "readable without JavaScript");
    for outside in ["src=\"http", "href=\"http", "<link", "@import"] {
        assert!(!html.contains(outside), "opens offline: {outside}");
    }
    let rows = comparison(&dir);
    assert_eq!(rows.len(), 2 * paklog_reports::compare::KPIS.len());
    for (variant, kpi, mean, diff, hw) in &rows {
        let cell = format!("data-variant=\"{variant}\" data-kpi=\"{kpi}\" data-mean=\"{mean}\"");
        assert!(html.contains(&cell), "{cell} missing");
        if variant == "carrier" {
            let d = format!("data-diff=\"{diff}\"");
            assert!(html.contains(&d), "{kpi}: {d} missing");
            let found = html.split(&cell).nth(1).unwrap();
            let attr = found
                .split("data-diff-half-width=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let parsed: f64 = attr.parse().unwrap();
            assert!((parsed - hw).abs() < 1e-6, "{kpi}: {parsed} vs {hw}");
        }
    }
    // A sentence per KPI for the variant, in the page and on the terminal.
    let sentences = html
        .split("<ul class=\"sentences\">")
        .nth(1)
        .unwrap()
        .split("</ul>")
        .next()
        .unwrap();
    assert_eq!(
        sentences.matches("<li>").count(),
        paklog_reports::compare::KPIS.len()
    );
    assert!(sentences.contains("carrier"));
    assert!(printed.contains("on_time_pct"), "{printed}");
    // Charts: shipped over the day, utilisation, one per KPI.
    assert_eq!(
        html.matches("<svg").count(),
        2 + paklog_reports::compare::KPIS.len()
    );
    let b = read(&dir.join("summary.parquet"));
    let reps = b
        .column_by_name("replication")
        .unwrap()
        .as_primitive::<UInt32Type>();
    assert_eq!(reps.values().to_vec(), vec![0, 1, 2, 0, 1, 2]);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_bad_study_is_refused_before_anything_runs() {
    let dir = scratch("bad");
    let refused = |args: &[&str]| {
        let out = paklog()
            .arg("compare")
            .arg(small())
            .args(args)
            .args(["-q", "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let e = refused(&["--vary", "strategy.wav=time"]);
    assert!(e.contains("`strategy` has no field `wav`"), "{e}");
    let e = refused(&["--vary", "strategy.wave=time,hourly"]);
    assert!(e.contains("(variant hourly): `strategy.wave`"), "{e}");
    let e = refused(&["--vary", "strategy.wave=time", "--shard", "3/3"]);
    assert!(e.contains("--shard 3/3"), "{e}");
    let e = refused(&["--vary", "strategy.wave=time", "--baseline", "zone"]);
    assert!(e.contains("no variant is named \"zone\""), "{e}");
    assert!(!dir.join("summary.parquet").exists());
    let _ = fs::remove_dir_all(dir);
}
