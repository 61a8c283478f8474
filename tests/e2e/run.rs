//! `paklog run`, `validate` and `schema` as a user runs them, on the shipped
//! small scenario.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::UInt32Type;
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::{read, run_ok};

const FILES: [&str; 10] = [
    "events.parquet",
    "orders.parquet",
    "tasks.parquet",
    "picks.parquet",
    "waves.parquet",
    "associates.parquet",
    "kpi_intervals.parquet",
    "reconciliation.parquet",
    "plan_vs_actual.parquet",
    "summary.json",
];

fn paklog() -> Command {
    Command::new(env!("CARGO_BIN_EXE_paklog"))
}

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/examples")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paklog-e2e-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn run_small(out: &Path, seed: Option<u64>) -> String {
    let mut cmd = paklog();
    cmd.arg("run")
        .arg(scenario("small-dc.toml"))
        .arg("--out")
        .arg(out)
        .arg("--quiet");
    if let Some(seed) = seed {
        cmd.args(["--seed", &seed.to_string()]);
    }
    String::from_utf8(run_ok(&mut cmd).stdout).unwrap()
}

/// Runs the small scenario with `from` replaced by `to` in a scratch folder
/// `name`; the reports are in its `out`.
fn run_small_edited(name: &str, from: &str, to: &str) -> PathBuf {
    let dir = scratch(name);
    fs::create_dir_all(&dir).unwrap();
    let text = fs::read_to_string(scenario("small-dc.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    fs::write(dir.join("s.toml"), text.replace(from, to)).unwrap();
    run_ok(
        paklog()
            .arg("run")
            .arg(dir.join("s.toml"))
            .arg("--out")
            .arg(dir.join("out"))
            .arg("-q"),
    );
    dir
}

fn strings(batch: &RecordBatch, column: &str) -> Vec<String> {
    let a = batch.column_by_name(column).unwrap().as_string::<i32>();
    (0..a.len()).map(|i| a.value(i).to_owned()).collect()
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn the_same_seed_gives_byte_identical_reports_and_another_seed_does_not() {
    let (a, b, c) = (scratch("a"), scratch("b"), scratch("c"));
    let printed = run_small(&a, None);
    run_small(&b, None);
    run_small(&c, Some(7));
    assert!(printed.contains("orders shipped"), "{printed}");
    assert!(
        printed.contains(&format!("reports: {}", a.display())),
        "{printed}"
    );
    for f in FILES {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(x == y, "{f} differs between two runs with the same seed");
    }
    assert_ne!(
        fs::read(a.join("orders.parquet")).unwrap(),
        fs::read(c.join("orders.parquet")).unwrap()
    );
    assert_ne!(
        summary(&a)["orders_received"],
        summary(&c)["orders_received"]
    );
    for d in [a, b, c] {
        fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn every_unit_is_accounted_for_and_everything_ends_in_a_legal_state() {
    let dir = scratch("states");
    run_small(&dir, None);
    let s = summary(&dir);
    let n = |k: &str| s[k].as_u64().unwrap();
    assert!(n("orders_received") > 1000);
    assert_eq!(
        n("units_ordered"),
        n("units_shipped") + n("units_short") + n("units_open")
    );

    let orders = read(&dir.join("orders.parquet"));
    let legal_orders = [
        "BACKORDERED",
        "RESERVED",
        "WAVED",
        "PICKING",
        "PICKED",
        "READY_TO_SHIP",
        "SHIPPED",
        "CLOSED",
    ];
    let status = strings(&orders, "status");
    assert!(
        status.iter().all(|st| legal_orders.contains(&st.as_str())),
        "{status:?}"
    );
    let shipped = status.iter().filter(|st| *st == "SHIPPED").count() as u64;
    assert_eq!(shipped, n("orders_shipped"));
    // Shipped orders have every timestamp of their life, in order.
    let col = |name: &str| {
        orders
            .column_by_name(name)
            .unwrap()
            .as_primitive::<arrow::datatypes::UInt64Type>()
            .clone()
    };
    let (created, picked, packed, shipped_at) = (
        col("created_ms"),
        col("picked_ms"),
        col("packed_ms"),
        col("shipped_ms"),
    );
    for i in (0..orders.num_rows()).filter(|&i| status[i] == "SHIPPED") {
        assert!(
            created.value(i) <= picked.value(i)
                && picked.value(i) <= packed.value(i)
                && packed.value(i) <= shipped_at.value(i)
        );
    }

    let tasks = read(&dir.join("tasks.parquet"));
    let task_status = strings(&tasks, "status");
    assert!(
        task_status
            .iter()
            .all(|s| ["PENDING", "ASSIGNED", "IN_PROGRESS", "COMPLETED"].contains(&s.as_str()))
    );
    let waves = read(&dir.join("waves.parquet"));
    assert!(
        strings(&waves, "status")
            .iter()
            .all(|s| s == "RELEASED" || s == "COMPLETED")
    );
    // Every order in a wave belongs to a wave that exists.
    let wave_count = waves.num_rows() as u32;
    let order_waves = orders
        .column_by_name("wave_id")
        .unwrap()
        .as_primitive::<UInt32Type>();
    assert!(order_waves.iter().flatten().all(|w| w < wave_count));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_report_carries_the_run_identity() {
    let dir = scratch("meta");
    run_small(&dir, Some(5));
    for f in FILES.iter().filter(|f| f.ends_with(".parquet")) {
        let reader = SerializedFileReader::new(fs::File::open(dir.join(f)).unwrap()).unwrap();
        let kv: HashMap<String, String> = reader
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .unwrap()
            .iter()
            .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
            .collect();
        assert_eq!(kv["paklog.scenario"], "small-dc", "{f}");
        assert_eq!(kv["paklog.seed"], "5", "{f}");
        assert_eq!(kv["paklog.version"], env!("CARGO_PKG_VERSION"), "{f}");
        assert_eq!(kv["paklog.scenario_hash"].len(), 16, "{f}");
    }
    let events = read(&dir.join("events.parquet"));
    let types = strings(&events, "type");
    for t in [
        "com.paklog.wms.order.received.v1",
        "com.paklog.wms.wave.released.v1",
        "com.paklog.wes.task.assigned.v1",
        "com.paklog.wes.pick.completed.v1",
        "com.paklog.wes.packing.completed.v1",
        "com.paklog.wes.shipment.ready.v1",
        "com.paklog.wms.order.shipped.v1",
        "com.paklog.wes.metrics.updated.v1",
    ] {
        assert!(types.iter().any(|x| x == t), "no {t}");
    }
    fs::remove_dir_all(dir).unwrap();
}

/// Writes a copy of the small scenario with `edit` applied and validates it.
fn validate_edited(name: &str, edit: impl Fn(String) -> String) -> (i32, String) {
    let dir = scratch(name);
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.toml");
    fs::write(
        &file,
        edit(fs::read_to_string(scenario("small-dc.toml")).unwrap()),
    )
    .unwrap();
    let out = paklog().arg("validate").arg(&file).output().unwrap();
    fs::remove_dir_all(&dir).unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn bad_scenario_files_get_precise_errors() {
    type Edit = fn(String) -> String;
    let cases: [(&str, Edit, &str); 5] = [
        (
            "missing",
            |t| t.replace("levels = 4\n", ""),
            "`layout.levels`: missing: required unless `[site]` names the site's files",
        ),
        (
            "type",
            |t| t.replace("seed = 42", "seed = \"forty-two\""),
            ":4:8: `seed`: invalid type: string",
        ),
        (
            "speed",
            |t| {
                t.replace(
                    "walking_speed_mps = { dist = \"normal\", mean = 1.2, sd = 0.1 }",
                    "walking_speed_mps = { dist = \"normal\", mean = -1.2, sd = 0.1 }",
                )
            },
            "`associates.shifts[0].walking_speed_mps.mean`: must be a number > 0, got -1.2",
        ),
        (
            "strategy",
            |t| t.replace("wave = \"time\"", "wave = \"lunar\""),
            "`strategy.wave`: unknown variant `lunar`, expected one of `time`, `carrier`, `zone`",
        ),
        (
            "unknown",
            |t| t.replace("seed = 42", "seed = 42\nsede = 1"),
            "unknown field `sede`",
        ),
    ];
    for (name, edit, expected) in cases {
        let (code, stderr) = validate_edited(name, edit);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.contains("s.toml:"), "{name}: {stderr}");
    }
}

#[test]
fn a_trace_of_real_orders_is_replayed_and_a_bad_one_is_refused() {
    let dir = scratch("trace");
    fs::create_dir_all(&dir).unwrap();
    let text = fs::read_to_string(scenario("small-dc.toml"))
        .unwrap()
        .replace("orders_per_day = 1500", "trace = \"orders.csv\"");
    fs::write(dir.join("s.toml"), &text).unwrap();
    fs::write(
        dir.join("orders.csv"),
        "order_id,created_s,sku,quantity,carrier,priority\n\
         web-1,25200,SKU00001,2,UPS,standard\n\
         web-1,25200,SKU00002,1,UPS,standard\n\
         web-2,28800,SKU00003,1,DHL,express\n",
    )
    .unwrap();
    let out = dir.join("out");
    run_ok(
        paklog()
            .arg("run")
            .arg(dir.join("s.toml"))
            .arg("--out")
            .arg(&out)
            .arg("-q"),
    );
    let s = summary(&out);
    assert_eq!(s["orders_received"], 2);
    assert_eq!(s["units_ordered"], 4);
    assert_eq!(s["orders_shipped"], 2);

    // The same orders as Parquet, with numeric columns typed as numbers.
    write_parquet_trace(&dir.join("orders.parquet"));
    fs::write(
        dir.join("p.toml"),
        text.replace("orders.csv", "orders.parquet"),
    )
    .unwrap();
    let out_p = dir.join("out-p");
    run_ok(
        paklog()
            .arg("run")
            .arg(dir.join("p.toml"))
            .arg("--out")
            .arg(&out_p)
            .arg("-q"),
    );
    // Same orders, same day (only the scenario hash in the metadata differs).
    assert_eq!(summary(&out), summary(&out_p));

    fs::write(
        dir.join("orders.csv"),
        "order_id,created_s,sku,quantity,carrier\nweb-1,10,SKU99999,1,UPS\n",
    )
    .unwrap();
    let bad = paklog()
        .arg("validate")
        .arg(dir.join("s.toml"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(stderr.contains("orders.csv:2:"), "{stderr}");
    assert!(
        stderr.contains("`sku`: unknown SKU \"SKU99999\""),
        "{stderr}"
    );
    fs::remove_dir_all(dir).unwrap();
}

fn write_parquet_trace(path: &Path) {
    use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
    use std::sync::Arc;
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "order_id",
            Arc::new(StringArray::from(vec!["web-1", "web-1", "web-2"])),
        ),
        (
            "created_s",
            Arc::new(Float64Array::from(vec![25200.0, 25200.0, 28800.0])),
        ),
        (
            "sku",
            Arc::new(StringArray::from(vec!["SKU00001", "SKU00002", "SKU00003"])),
        ),
        ("quantity", Arc::new(Int64Array::from(vec![2, 1, 1]))),
        (
            "carrier",
            Arc::new(StringArray::from(vec!["UPS", "UPS", "DHL"])),
        ),
        (
            "priority",
            Arc::new(StringArray::from(vec!["standard", "standard", "express"])),
        ),
    ];
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(fs::File::create(path).unwrap(), batch.schema(), None)
            .unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

#[test]
fn the_schema_describes_every_top_level_field() {
    let out = run_ok(paklog().arg("schema"));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "name",
        "seed",
        "horizon_h",
        "layout",
        "skus",
        "inventory",
        "demand",
        "associates",
        "strategy",
        "packing",
    ] {
        assert!(props.contains_key(key), "{key}");
    }
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn route_prints_the_distance_of_each_list_by_policy_and_names_bad_rows() {
    let dir = scratch("route");
    fs::create_dir_all(&dir).unwrap();
    let picks = dir.join("picks.csv");
    // small-dc: 10 aisles, 3 m apart, 30 m long, depot at the front of aisle 1.
    fs::write(&picks, "list_id,aisle,position_m\nA,1,5\nA,3,20\n").unwrap();
    let out = run_ok(
        paklog()
            .arg("route")
            .arg(scenario("small-dc.toml"))
            .args(["--policy", "all", "--picks"])
            .arg(&picks),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // Return: 2 × 6 m across + 2 × 5 + 2 × 20; S-shape: 2 × 6 + 2 × 30.
    for row in [
        "A,return,62.000",
        "A,s_shape,72.000",
        "A,combined,62.000",
        "A,combined_plus,62.000",
        "A,optimal,62.000",
    ] {
        assert!(text.lines().any(|l| l == row), "{row} missing in\n{text}");
    }
    assert_eq!(text.lines().next(), Some("list_id,policy,distance_m"));
    assert_eq!(text.lines().count(), 1 + 8);

    // The same stops named by location code route the same way.
    fs::write(
        &picks,
        "list_id,location_id\nA,A01-B1-02-1L\nA,A03-B1-07-3R\n",
    )
    .unwrap();
    let out = run_ok(
        paklog()
            .arg("route")
            .arg(scenario("small-dc.toml"))
            .args(["--policy", "return", "--picks"])
            .arg(&picks),
    );
    // Bay 2 of 20 is centred at 2.25 m, bay 7 at 9.75 m.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "list_id,policy,distance_m\nA,return,36.000\n"
    );

    fs::write(&picks, "list_id,aisle,position_m\nA,11,5\nA,2,-1\n").unwrap();
    let bad = paklog()
        .arg("route")
        .arg(scenario("small-dc.toml"))
        .args(["--policy", "optimal", "--picks"])
        .arg(&picks)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(
        stderr.contains("picks.csv:2: `aisle`: must be an aisle from 1 to 10, got \"11\""),
        "{stderr}"
    );
    assert!(stderr.contains("picks.csv:3: `position_m`"), "{stderr}");
    assert!(bad.stdout.is_empty());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn route_gap_prints_every_heuristic_at_or_above_optimal() {
    let out = run_ok(
        paklog()
            .arg("route-gap")
            .arg(scenario("small-dc.toml"))
            .args(["--lists", "40", "--sizes", "5,20"]),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{text}");
    for row in rows {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[2], "yes", "single-block optimal is exact: {row}");
        let gaps: Vec<f64> = cells[3..]
            .iter()
            .map(|c| c.trim_end_matches('%').parse().unwrap())
            .collect();
        assert_eq!(gaps.len(), 7, "{row}");
        assert!(gaps.iter().all(|&g| g >= 0.0), "{row}");
    }
}

#[test]
fn a_runs_pick_lists_route_no_longer_optimally_than_planned() {
    use arrow::datatypes::{Float64Type, UInt32Type};
    let dir = scratch("roundtrip");
    run_small(&dir, None);
    let picks = read(&dir.join("picks.parquet"));
    let col32 = |n: &str| {
        picks
            .column_by_name(n)
            .unwrap()
            .as_primitive::<UInt32Type>()
            .clone()
    };
    let col64 = |n: &str| {
        picks
            .column_by_name(n)
            .unwrap()
            .as_primitive::<Float64Type>()
            .clone()
    };
    let (task, aisle, position, trip) = (
        col32("task_id"),
        col32("aisle"),
        col64("position_m"),
        col64("trip_distance_m"),
    );
    let mut csv = String::from("list_id,aisle,position_m\n");
    let mut planned: HashMap<String, f64> = HashMap::new();
    for i in 0..picks.num_rows() {
        if task.value(i) < 200 {
            csv += &format!(
                "{},{},{}\n",
                task.value(i),
                aisle.value(i),
                position.value(i)
            );
            planned.insert(task.value(i).to_string(), trip.value(i));
        }
    }
    fs::write(dir.join("lists.csv"), csv).unwrap();
    let out = run_ok(
        paklog()
            .arg("route")
            .arg(scenario("small-dc.toml"))
            .args(["--policy", "optimal", "--picks"])
            .arg(dir.join("lists.csv")),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut checked = 0;
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let optimal: f64 = cells[2].parse().unwrap();
        let plan = planned[cells[0]];
        // The planned route is a feasible tour of the same stops.
        assert!(
            optimal <= plan + 1e-3,
            "task {}: optimal {optimal} > planned {plan}",
            cells[0]
        );
        checked += 1;
    }
    assert_eq!(checked, planned.len());
    assert!(checked > 100);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_routing_policy_of_a_scenario_changes_how_far_pickers_walk() {
    let travel = |policy: &str| {
        let dir = run_small_edited(
            &format!("routing-{policy}"),
            "cutoff_lead_min = 120",
            &format!("cutoff_lead_min = 120\nrouting = \"{policy}\""),
        );
        let s = summary(&dir.join("out"));
        fs::remove_dir_all(&dir).unwrap();
        (
            s["travel_km"].as_f64().unwrap(),
            s["orders_received"].as_u64().unwrap(),
        )
    };
    let (s_shape, orders_a) = travel("s_shape");
    let (optimal, orders_b) = travel("optimal");
    assert_eq!(orders_a, orders_b, "the same demand under both policies");
    assert!(
        optimal < s_shape * 0.9,
        "optimal {optimal} km vs s_shape {s_shape} km"
    );
}

#[test]
fn a_picking_strategy_in_the_scenario_file_batches_trips_and_shortens_the_walk() {
    use arrow::datatypes::UInt32Type;
    let plain = scratch("picking-discrete");
    run_small(&plain, None);
    let discrete = summary(&plain);
    fs::remove_dir_all(plain).unwrap();
    let dir = run_small_edited(
        "picking-batch",
        "picking = { kind = \"discrete\" }",
        "picking = { kind = \"batch\", rule = \"savings\", totes = 6 }",
    );
    let tasks = read(&dir.join("out/tasks.parquet"));
    assert!(strings(&tasks, "picking").iter().all(|p| p == "batch"));
    let orders = tasks
        .column_by_name("orders")
        .unwrap()
        .as_primitive::<UInt32Type>();
    assert!(orders.values().iter().all(|&n| (1..=6).contains(&n)));
    assert!(orders.values().iter().any(|&n| n > 1));
    let batch = summary(&dir.join("out"));
    assert_eq!(batch["orders_received"], discrete["orders_received"]);
    let (b, d) = (
        batch["travel_km"].as_f64().unwrap(),
        discrete["travel_km"].as_f64().unwrap(),
    );
    assert!(b < d * 0.7, "batch {b} km vs discrete {d} km");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn route_gap_over_a_runs_trips_agrees_with_the_plans_of_the_run() {
    let dir = scratch("gap-run");
    run_small(&dir, None);
    let out = run_ok(
        paklog()
            .arg("route-gap")
            .arg(scenario("small-dc.toml"))
            .arg("--picks")
            .arg(&dir),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(2)
        .filter(|l| !l.starts_with("planned"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(rows.len() >= 4, "{text}");
    let trips: usize = rows.iter().map(|r| r[1].parse::<usize>().unwrap()).sum();
    let tasks = read(&dir.join("tasks.parquet"));
    let done = strings(&tasks, "status")
        .iter()
        .filter(|s| *s == "COMPLETED" || *s == "IN_PROGRESS")
        .count();
    assert!(
        trips >= done,
        "every completed trip is in the table: {trips} vs {done}"
    );
    for r in &rows {
        assert_eq!(r[3], "100%", "single-block optimal is exact: {r:?}");
        let pct: Vec<f64> = r[4..]
            .iter()
            .map(|c| c.trim_end_matches('%').parse().unwrap())
            .collect();
        // The run routes S-shape: its plans are the S-shape routes.
        assert!((pct[0] - pct[1]).abs() < 0.05, "planned vs s_shape: {r:?}");
        assert!(pct.iter().all(|&g| g >= 0.0), "{r:?}");
        if r[0] == "1" {
            assert!(pct.iter().all(|&g| g == 0.0), "one stop, one route: {r:?}");
        }
    }
    let err = paklog()
        .arg("route-gap")
        .arg(scenario("small-dc.toml"))
        .arg("--picks")
        .arg(dir.join("orders.parquet"))
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("no `aisle` column"),
        "{}",
        String::from_utf8_lossy(&err.stderr)
    );
    fs::remove_dir_all(dir).unwrap();
}

/// On a site in Berlin, the timestamp columns hold the same instants as
/// the `*_ms` ones, on the site's calendar: day one's midnight is the
/// local midnight of the start date, and the zone travels with the column.
#[test]
fn timestamp_columns_are_the_site_times_on_the_calendar() {
    use arrow::datatypes::{DataType, TimeUnit, TimestampMillisecondType, UInt64Type};
    let dir = run_small_edited(
        "calendar",
        "warm_up_min = 0\n",
        "warm_up_min = 0\ntime_zone = \"Europe/Berlin\"\nstart_date = \"2026-03-29\"\n",
    );
    let out = dir.join("out");
    // Site time counts real milliseconds from 2026-03-29 00:00 CET
    // (2026-03-28 23:00 UTC), across the change to summer time at 02:00.
    let midnight = 1_774_738_800_000_i64;
    for (file, ms, ts) in [
        ("events.parquet", "time_ms", "time"),
        ("picks.parquet", "time_ms", "time"),
        ("orders.parquet", "created_ms", "created"),
        ("kpi_intervals.parquet", "start_ms", "start"),
    ] {
        let batch = read(&out.join(file));
        let stamps = batch.column_by_name(ts).unwrap();
        assert_eq!(
            stamps.data_type(),
            &DataType::Timestamp(TimeUnit::Millisecond, Some("Europe/Berlin".into())),
            "{file}"
        );
        let stamps = stamps.as_primitive::<TimestampMillisecondType>();
        let ms = batch
            .column_by_name(ms)
            .unwrap()
            .as_primitive::<UInt64Type>();
        assert!(!ms.is_empty(), "{file}");
        for i in 0..ms.len() {
            let site = ms.value(i) as i64;
            assert_eq!(stamps.value(i), midnight + site, "{file} row {i}");
        }
    }
    fs::remove_dir_all(dir).unwrap();
}
