//! The twin validated against a reality it was not told about.
//!
//! A "real" day of the shipped riverside site runs live: `paklog serve
//! --simulate-associates`, its virtual people slower than the site file the
//! twin starts from believes (walking 0.95 m/s, 13 s a line, 3 s a unit,
//! 65 s to pack, against 1.2, 9, 2.5 and 50), fed over HTTP with a day of
//! orders drawn here, independently of the twin's demand generator. The
//! store is then calibrated (`paklog calibrate`) into the twin's file, the
//! twin simulates the same orders (their live arrival times, as a trace),
//! and the hourly lines picked and orders packed are compared with the live
//! day's — for the fitted twin and for the twin as it believed.
//!
//! ```text
//! cargo build && cargo run --example validate_twin [-- --speed 300]
//! ```
//!
//! A day takes 86 400 / speed seconds of wall time (under five minutes at
//! the default 300). Prints a Markdown table.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::{DataType, Float64Type};
use clap::Parser;
use paklog_scenarios::dist::CountSampler;
use paklog_scenarios::schema::CountDist;
use paklog_sim::RngStreams;
use rand::RngExt;
use rand_distr::{Distribution, Poisson};

/// Command line of the example.
#[derive(Debug, Parser)]
#[command(about = "Validates the calibrated twin against a live day it was not told about")]
struct Args {
    /// Simulated seconds per wall second of the live day.
    #[arg(long, default_value_t = 300.0)]
    speed: f64,
    /// Working folder [default: a temporary one].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Seed of the day's orders.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Reuse the live day already in `--out` (only calibrate, simulate and
    /// compare again).
    #[arg(long)]
    reuse: bool,
    /// Runs of the fitted twin (its seed, then the next ones): their range
    /// per hour is the band the live day should fall in.
    #[arg(long, default_value_t = 10)]
    replications: u32,
}

type Outcome = Result<(), String>;

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One order of the day.
struct Order {
    id: String,
    at_s: f64,
    carrier: String,
    express: bool,
    lines: Vec<(String, u32)>,
}

fn run(args: &Args) -> Outcome {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let paklog = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("paklog"))
        .filter(|p| p.exists())
        .ok_or("no paklog binary beside the examples: run `cargo build` first")?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("paklog-validate-twin"));
    if !args.reuse {
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sites/riverside");
    for f in ["locations.csv", "items.csv", "stock.csv"] {
        std::fs::copy(site.join(f), dir.join(f)).map_err(|e| format!("{f}: {e}"))?;
    }
    // One round-the-clock roster: the virtual people of `serve` keep no
    // shifts, so the twin's must not either.
    let people = std::fs::read_to_string(site.join("people.csv")).map_err(|e| e.to_string())?;
    let mut rows = people.lines();
    let mut roster = format!("{}\n", rows.next().unwrap_or_default());
    for row in rows {
        let mut cells: Vec<&str> = row.split(',').collect();
        cells[1] = "all";
        roster.push_str(&cells.join(","));
        roster.push('\n');
    }
    let heads = roster.lines().count() - 1;
    std::fs::write(dir.join("people.csv"), roster).map_err(|e| e.to_string())?;
    let base: toml::Table = std::fs::read_to_string(site.join("riverside.toml"))
        .map_err(|e| e.to_string())?
        .parse()
        .map_err(|e| format!("riverside.toml: {e}"))?;
    let real = scenario(
        &base,
        heads,
        (0.95, 0.08),
        (13.0, 4.0),
        (3.0, 0.8),
        (65.0, 18.0),
        None,
    );
    let twin = scenario(
        &base,
        heads,
        (1.2, 0.1),
        (9.0, 3.0),
        (2.5, 0.6),
        (50.0, 15.0),
        Some("live-orders.csv"),
    );
    std::fs::write(dir.join("real.toml"), real).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("twin.toml"), twin).map_err(|e| e.to_string())?;

    let orders = day_of_orders(&base, &dir.join("items.csv"), args.seed)?;
    eprintln!(
        "{} orders; the live day takes {:.0} s",
        orders.len(),
        86_400.0 / args.speed
    );
    if !args.reuse {
        live_day(&paklog, &dir, &orders, args.speed)?;
        paklog_ok(
            &paklog,
            &dir,
            &["replay", "sqlite:store.db", "--out", "live"],
        )?;
    }
    write_trace(&dir, &orders)?;
    paklog_ok(
        &paklog,
        &dir,
        &[
            "calibrate",
            "sqlite:store.db",
            "--scenario",
            "twin.toml",
            "--out",
            "fitted.toml",
        ],
    )?;
    paklog_ok(
        &paklog,
        &dir,
        &["run", "fitted.toml", "--out", "fitted", "-q"],
    )?;
    let seed = base
        .get("seed")
        .and_then(toml::Value::as_integer)
        .unwrap_or(0);
    for k in 1..args.replications {
        let (out, seed) = (format!("fitted-{k}"), (seed + i64::from(k)).to_string());
        paklog_ok(
            &paklog,
            &dir,
            &["run", "fitted.toml", "--out", &out, "--seed", &seed, "-q"],
        )?;
    }
    paklog_ok(
        &paklog,
        &dir,
        &["run", "twin.toml", "--out", "believed", "-q"],
    )?;
    print!("{}", table(&dir, args.replications)?);
    Ok(())
}

/// The riverside scenario with one roster of `heads` on round the clock,
/// these people, and (for the twin) the day's orders as a trace.
fn scenario(
    base: &toml::Table,
    heads: usize,
    walk: (f64, f64),
    line: (f64, f64),
    unit: (f64, f64),
    pack: (f64, f64),
    trace: Option<&str>,
) -> String {
    let dist = |kind: &str, (mean, sd): (f64, f64)| {
        let mut t = toml::Table::new();
        t.insert("dist".into(), kind.into());
        t.insert("mean".into(), mean.into());
        t.insert("sd".into(), sd.into());
        toml::Value::Table(t)
    };
    let mut s = base.clone();
    let mut shift = toml::Table::new();
    shift.insert("name".into(), "all".into());
    shift.insert("start".into(), "00:00".into());
    shift.insert("end".into(), "23:59".into());
    shift.insert("headcount".into(), (heads as i64).into());
    shift.insert("walking_speed_mps".into(), dist("normal", walk));
    shift.insert("pick_time_per_line_s".into(), dist("lognormal", line));
    shift.insert("pick_time_per_unit_s".into(), dist("lognormal", unit));
    shift.insert(
        "skills".into(),
        toml::Value::Array(vec!["pick".into(), "express".into()]),
    );
    if let Some(toml::Value::Table(a)) = s.get_mut("associates") {
        a.insert(
            "shifts".into(),
            toml::Value::Array(vec![toml::Value::Table(shift)]),
        );
    }
    if let Some(toml::Value::Table(p)) = s.get_mut("packing") {
        p.insert("pack_time_s".into(), dist("lognormal", pack));
    }
    // The planner's standard rate is the site's setting, the same live and
    // in the twin, not the people's (unknown) pace.
    if let Some(toml::Value::Table(st)) = s.get_mut("strategy") {
        st.insert("lines_per_head_hour".into(), 100.0.into());
    }
    // Counting is not part of what is compared.
    if let Some(toml::Value::Table(i)) = s.get_mut("inventory") {
        i.remove("cycle_count_interval_min");
    }
    if let (Some(trace), Some(toml::Value::Table(d))) = (trace, s.get_mut("demand")) {
        d.remove("orders_per_day");
        d.insert("trace".into(), trace.into());
    }
    toml::to_string(&s).expect("a table serialises")
}

/// A day of orders: Poisson arrivals by the scenario's hourly profile, lines
/// and units geometric, items by their class's share of lines.
fn day_of_orders(base: &toml::Table, items: &Path, seed: u64) -> Result<Vec<Order>, String> {
    let demand = base
        .get("demand")
        .and_then(toml::Value::as_table)
        .ok_or("riverside.toml has no [demand]")?;
    let number = |v: &toml::Value| v.as_float().or(v.as_integer().map(|i| i as f64));
    let per_day = demand.get("orders_per_day").and_then(number).unwrap_or(0.0);
    let profile: Vec<f64> = demand
        .get("hourly_profile")
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(number).collect())
        .unwrap_or_default();
    let total: f64 = profile.iter().sum();
    let carriers: Vec<(String, f64)> = demand
        .get("carriers")
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    Some((
                        c.get("name")?.as_str()?.to_owned(),
                        number(c.get("share")?)?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut by_class: HashMap<String, Vec<String>> = HashMap::new();
    let mut reader = csv::Reader::from_path(items).map_err(|e| e.to_string())?;
    for r in reader.records() {
        let r = r.map_err(|e| e.to_string())?;
        by_class
            .entry(r.get(10).unwrap_or("C").to_owned())
            .or_default()
            .push(r.get(0).unwrap_or_default().to_owned());
    }
    let classes = [("A", 0.75), ("B", 0.18), ("C", 0.07)];
    let mut rng = RngStreams::new(seed).stream("validate-twin-orders");
    let geometric = |rng: &mut paklog_sim::StreamRng, mean: f64, max: u32| {
        CountSampler::new(&CountDist::Geometric { mean, max }).draw(rng)
    };
    let mut orders = Vec::new();
    for (hour, weight) in profile.iter().enumerate() {
        let rate = per_day * weight / total;
        let n = Poisson::new(rate.max(1e-9))
            .map_err(|e| e.to_string())?
            .sample(&mut rng) as usize;
        let mut times: Vec<f64> = (0..n)
            .map(|_| hour as f64 * 3600.0 + rng.random::<f64>() * 3600.0)
            .collect();
        times.sort_by(f64::total_cmp);
        for at_s in times {
            let mut lines: Vec<(String, u32)> = Vec::new();
            for _ in 0..geometric(&mut rng, 2.1, 10) {
                let u: f64 = rng.random();
                let mut acc = 0.0;
                let class = classes
                    .iter()
                    .find(|(_, share)| {
                        acc += share;
                        u < acc
                    })
                    .map_or("C", |c| c.0);
                let pool = &by_class[class];
                let sku = pool[rng.random_range(0..pool.len())].clone();
                if lines.iter().all(|l| l.0 != sku) {
                    lines.push((sku, geometric(&mut rng, 1.4, 6)));
                }
            }
            let u: f64 = rng.random();
            let mut acc = 0.0;
            let carrier = carriers
                .iter()
                .find(|(_, share)| {
                    acc += share;
                    u < acc
                })
                .or(carriers.last())
                .map(|c| c.0.clone())
                .unwrap_or_default();
            orders.push(Order {
                id: format!("RV-{:05}", orders.len() + 1),
                at_s,
                carrier,
                express: rng.random::<f64>() < 0.12,
                lines,
            });
        }
    }
    Ok(orders)
}

/// Runs the live day: the service with its virtual floor, fed each order
/// at its time on the site's clock, stopped at midnight.
fn live_day(paklog: &Path, dir: &Path, orders: &[Order], speed: f64) -> Outcome {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let log = std::fs::File::create(dir.join("serve.log")).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut server = Command::new(paklog)
        .current_dir(dir)
        .args(["serve", "real.toml", "--store", "sqlite:store.db", "--open"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--speed", &speed.to_string()])
        .args(["--simulate-associates", "11"])
        .args(["--clock-at", "2026-11-02T00:00:00Z"])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let fed = rt.block_on(async {
        let client = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let ready = Instant::now() + Duration::from_secs(60);
        while client.get(format!("{base}/healthz")).send().await.is_err() {
            if Instant::now() > ready {
                return Err("paklog serve did not come up (see serve.log)".to_owned());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut refused = 0;
        for o in orders {
            let due = started + Duration::from_secs_f64(o.at_s / speed);
            tokio::time::sleep_until(due.into()).await;
            let body = serde_json::json!({
                "external_id": o.id,
                "carrier": o.carrier,
                "priority": if o.express { "EXPRESS" } else { "STANDARD" },
                "lines": o.lines.iter().map(|(sku, q)| serde_json::json!({"sku": sku, "quantity": q})).collect::<Vec<_>>(),
            });
            match client.post(format!("{base}/api/v1/orders")).json(&body).send().await {
                Ok(r) if r.status().as_u16() == 201 => {}
                _ => refused += 1,
            }
        }
        tokio::time::sleep_until((started + Duration::from_secs_f64(86_400.0 / speed)).into()).await;
        Ok(refused)
    });
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    let refused = fed?;
    if refused > 0 {
        eprintln!("{refused} orders were refused (see serve.log)");
    }
    Ok(())
}

fn paklog_ok(paklog: &Path, dir: &Path, args: &[&str]) -> Outcome {
    let out = Command::new(paklog)
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "paklog {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn read(path: &Path) -> Result<RecordBatch, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let batches: Vec<RecordBatch> = reader
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let schema = batches
        .first()
        .map(RecordBatch::schema)
        .ok_or(format!("{}: no rows", path.display()))?;
    arrow::compute::concat_batches(&schema, &batches).map_err(|e| e.to_string())
}

/// A column as numbers (`None` where null).
fn numbers(batch: &RecordBatch, name: &str) -> Vec<Option<f64>> {
    batch
        .column_by_name(name)
        .and_then(|c| arrow::compute::cast(c, &DataType::Float64).ok())
        .map(|c| c.as_primitive::<Float64Type>().iter().collect())
        .unwrap_or_default()
}

/// The orders as the live store received them: a trace at their live
/// arrival times.
fn write_trace(dir: &Path, orders: &[Order]) -> Outcome {
    let live = read(&dir.join("live/orders.parquet"))?;
    let ids = live
        .column_by_name("external_id")
        .and_then(|c| arrow::compute::cast(c, &DataType::Utf8).ok())
        .ok_or("live/orders.parquet: no external_id")?;
    let ids = ids.as_string::<i32>();
    let created = numbers(&live, "created_ms");
    let at: HashMap<&str, f64> = (0..live.num_rows())
        .filter_map(|i| Some((ids.value(i), created[i]? / 1000.0)))
        .collect();
    let mut w = csv::Writer::from_path(dir.join("live-orders.csv")).map_err(|e| e.to_string())?;
    w.write_record([
        "order_id",
        "created_s",
        "sku",
        "quantity",
        "carrier",
        "priority",
    ])
    .map_err(|e| e.to_string())?;
    for o in orders {
        let Some(at) = at.get(o.id.as_str()) else {
            continue;
        };
        for (sku, q) in &o.lines {
            w.write_record([
                o.id.as_str(),
                &format!("{at:.3}"),
                sku,
                &q.to_string(),
                &o.carrier,
                if o.express { "express" } else { "standard" },
            ])
            .map_err(|e| e.to_string())?;
        }
    }
    w.flush().map_err(|e| e.to_string())
}

/// Per hour of the day: lines picked and orders packed.
fn hourly(run: &Path) -> Result<([f64; 24], [f64; 24]), String> {
    let per_hour = |file: &str, column: &str| -> Result<[f64; 24], String> {
        let mut hours = [0.0; 24];
        for t in numbers(&read(&run.join(file))?, column)
            .into_iter()
            .flatten()
        {
            if let Some(h) = hours.get_mut((t / 3_600_000.0) as usize) {
                *h += 1.0;
            }
        }
        Ok(hours)
    };
    Ok((
        per_hour("picks.parquet", "time_ms")?,
        per_hour("orders.parquet", "packed_ms")?,
    ))
}

fn table(dir: &Path, replications: u32) -> Result<String, String> {
    let (live_l, live_p) = hourly(&dir.join("live"))?;
    let (fit_l, fit_p) = hourly(&dir.join("fitted"))?;
    let (bel_l, bel_p) = hourly(&dir.join("believed"))?;
    // The fitted twin's range per hour over its runs.
    let mut runs = vec![(fit_l, fit_p)];
    for k in 1..replications {
        runs.push(hourly(&dir.join(format!("fitted-{k}")))?);
    }
    let range = |h: usize, lines: bool| {
        let values = runs.iter().map(|r| if lines { r.0[h] } else { r.1[h] });
        (
            values.clone().fold(f64::INFINITY, f64::min),
            values.fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let (mut inside, mut busy) = (0, 0);
    let dev = |twin: f64, live: f64| {
        if live == 0.0 {
            if twin == 0.0 { 0.0 } else { f64::INFINITY }
        } else {
            (twin - live) / live * 100.0
        }
    };
    let mut out = String::from(
        "| hour | lines live | fitted | Δ % | fitted range | believed | Δ % | packed live | fitted | Δ % | fitted range | believed | Δ % |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for h in 0..24 {
        let (l, p) = (range(h, true), range(h, false));
        for (live, (lo, hi)) in [(live_l[h], l), (live_p[h], p)] {
            if live > 0.0 || hi > 0.0 {
                busy += 1;
                inside += usize::from(lo <= live && live <= hi);
            }
        }
        let _ = writeln!(
            out,
            "| {h:02} | {} | {} | {:+.1} | {}–{} | {} | {:+.1} | {} | {} | {:+.1} | {}–{} | {} | {:+.1} |",
            live_l[h],
            fit_l[h],
            dev(fit_l[h], live_l[h]),
            l.0,
            l.1,
            bel_l[h],
            dev(bel_l[h], live_l[h]),
            live_p[h],
            fit_p[h],
            dev(fit_p[h], live_p[h]),
            p.0,
            p.1,
            bel_p[h],
            dev(bel_p[h], live_p[h]),
        );
    }
    let sum = |a: &[f64; 24]| a.iter().sum::<f64>();
    let _ = writeln!(
        out,
        "| day | {} | {} | {:+.1} | | {} | {:+.1} | {} | {} | {:+.1} | | {} | {:+.1} |",
        sum(&live_l),
        sum(&fit_l),
        dev(sum(&fit_l), sum(&live_l)),
        sum(&bel_l),
        dev(sum(&bel_l), sum(&live_l)),
        sum(&live_p),
        sum(&fit_p),
        dev(sum(&fit_p), sum(&live_p)),
        sum(&bel_p),
        dev(sum(&bel_p), sum(&live_p)),
    );
    let _ = writeln!(
        out,
        "\nthe live day is within the fitted twin's range over {} runs in {inside} of {busy} hourly figures with work",
        runs.len()
    );
    let fitted = std::fs::read_to_string(dir.join("fitted.toml")).unwrap_or_default();
    let notes: Vec<&str> = fitted.lines().filter(|l| l.contains(": fitted,")).collect();
    let _ = writeln!(out, "\nfits:\n{}", notes.join("\n"));
    Ok(out)
}
