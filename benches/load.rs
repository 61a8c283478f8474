//! Load on the live API over loopback: handhelds asking for their next
//! task, confirming picks and delivering totes, against `paklog serve`'s
//! own stack (axum, bearer tokens, the kernel thread, the SQLite store with
//! group commit), started in this process on a free port.
//!
//! The server runs on its own tokio runtime (threads `paklog-http`), the
//! devices on another (`load-devices`), and the kernel on its thread
//! (`paklog-kernel`); the bench prints each one's share of a core.
//!
//! Open loop: every device sends on a fixed schedule whatever the answers'
//! speed, and each request's latency counts from when it was due, so a
//! stall shows in the tail instead of slowing the load (no coordinated
//! omission).
//!
//! ```text
//! cargo bench --bench load -- [--rate 5000] [--seconds 10] [--devices 200] [--store sqlite|none]
//! ```
//! Prints the throughput reached and the latency percentiles, beside a
//! plain fsync probe in the store's folder (an 8-byte write and
//! `fdatasync`, 2 000 times): the floor any durable commit stands on.

use std::path::Path;
use std::time::{Duration, Instant};

use paklog_adapters::live::{Answer, Ask, request};
use paklog_adapters::store::{CommandStore, SqliteStore};
use paklog_adapters::views::View;
use paklog_adapters::{AppState, Live, Principal, Tokens, app};
use paklog_domain::{AssociateId, Command, NewOrder, NewOrderLine, OrderId, Priority, WaveId};
use paklog_scenarios::build::site_config;
use paklog_sim::RngStreams;
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Args {
    rate: f64,
    seconds: f64,
    devices: u32,
    store: String,
}

fn args() -> Args {
    let mut a = Args {
        rate: 5000.0,
        seconds: 10.0,
        devices: 200,
        store: "sqlite".into(),
    };
    let argv: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        argv.iter()
            .position(|x| x == name)
            .and_then(|i| argv.get(i + 1))
            .cloned()
    };
    if let Some(v) = value("--rate") {
        a.rate = v.parse().expect("--rate: a number");
    }
    if let Some(v) = value("--seconds") {
        a.seconds = v.parse().expect("--seconds: a number");
    }
    if let Some(v) = value("--devices") {
        a.devices = v.parse().expect("--devices: a number");
    }
    if let Some(v) = value("--store") {
        a.store = v;
    }
    a
}

fn token(a: u32) -> String {
    format!("bench-device-token-{a:05}")
}

/// Orders for the whole run, planned in waves of 100 (released by
/// [`feed`]).
async fn preload(live: &Live, orders: u32) -> u32 {
    let mut ids = Vec::new();
    for i in 0..orders {
        let order = NewOrder {
            external_id: format!("load-{i}"),
            carrier: "UPS".into(),
            priority: Priority::Standard,
            lines: vec![NewOrderLine {
                sku: format!("SKU{:05}", i % 500 + 1),
                quantity: 1,
            }],
        };
        match request(&live.sender, Ask::Execute(Command::ReceiveOrder(order))).await {
            Some(Answer::Executed(Ok(paklog_domain::Reply::OrderAccepted { order, .. }))) => {
                ids.push(order);
            }
            other => panic!("preload: {other:?}"),
        }
    }
    for chunk in ids.chunks(100) {
        let orders: Vec<OrderId> = chunk.to_vec();
        let create = Command::wave_of(orders);
        assert!(matches!(
            request(&live.sender, Ask::Execute(create)).await,
            Some(Answer::Executed(Ok(_)))
        ));
    }
    ids.len().div_ceil(100) as u32
}

/// Releases the planned waves one by one whenever fewer than 400 tasks
/// are pending, as wave planning keeps a floor busy but not flooded (the
/// assignment scores every pending task).
async fn feed(sender: paklog_sim::CommandSender<paklog_adapters::live::Input>, waves: u32) {
    let mut next = 0;
    while next < waves {
        let pending =
            match request(&sender, Ask::Query(paklog_adapters::live::Query::Metrics)).await {
                Some(Answer::Found(Some(view))) => match *view {
                    View::Metrics(m) => m.pending_tasks,
                    _ => return,
                },
                _ => return,
            };
        if pending < 400 {
            let release = Command::ReleaseWave { wave: WaveId(next) };
            if !matches!(
                request(&sender, Ask::Execute(release)).await,
                Some(Answer::Executed(Ok(_)))
            ) {
                return;
            }
            next += 1;
        } else {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// One handheld: next task, each stop, deliver, again; a request every
/// `interval`, each timed from when it was due.
async fn device(
    base: String,
    associate: u32,
    interval: Duration,
    start: Instant,
    until: Instant,
) -> Timings {
    let client = reqwest::Client::new();
    let auth = format!("Bearer {}", token(associate));
    let mut latencies = Vec::new();
    let mut service = Vec::new();
    let mut lateness = Vec::new();
    let mut errors = 0;
    // Spread the devices over one interval.
    let mut due = start + interval.mul_f64(f64::from(associate % 997) / 997.0);
    let mut task: Option<Value> = None;
    let mut next_line: Option<u64> = None;
    while due < until {
        tokio::time::sleep_until(due.into()).await;
        let (method, path, body) = match (&task, next_line) {
            (None, _) => ("GET", "/api/v1/mobile/picking/next-task".to_owned(), None),
            (Some(t), Some(i)) => {
                let line = &t["lines"][i as usize];
                let pick = json!({"taskId": t["id"], "instructionId": i,
                                  "quantity": line["quantity"], "barcode": line["sku_code"]});
                (
                    "POST",
                    "/api/v1/mobile/picking/confirm".to_owned(),
                    Some(pick),
                )
            }
            (Some(t), None) => (
                "POST",
                "/api/v1/mobile/picking/deliver".to_owned(),
                Some(json!({"taskId": t["id"]})),
            ),
        };
        let sent = Instant::now();
        lateness.push(micros(sent - due));
        let url = format!("{base}{path}");
        let req = match method {
            "GET" => client.get(url),
            _ => client.post(url).json(&body),
        }
        .header("authorization", &auth);
        let res = req.send().await;
        latencies.push(micros(due.elapsed()));
        service.push(micros(sent.elapsed()));
        match res {
            Ok(r) if r.status() == StatusCode::OK => {
                let v: Value = r.json().await.unwrap_or(Value::Null);
                match path.rsplit('/').next() {
                    Some("next-task") => {
                        next_line = Some(0);
                        task = Some(v);
                    }
                    Some("confirm") => next_line = v["next_line"].as_u64(),
                    _ => task = None,
                }
            }
            Ok(r) if r.status() == StatusCode::NO_CONTENT => {}
            _ => {
                errors += 1;
                task = None;
            }
        }
        due += interval;
    }
    Timings {
        latencies,
        service,
        lateness,
        errors,
    }
}

/// What one device measured, in microseconds per request.
struct Timings {
    /// From when the request was due to its answer.
    latencies: Vec<u32>,
    /// From when it was sent to its answer.
    service: Vec<u32>,
    /// How late the device's own timer sent it.
    lateness: Vec<u32>,
    errors: u32,
}

fn micros(d: Duration) -> u32 {
    d.as_micros().min(u128::from(u32::MAX)) as u32
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

/// Latencies (µs) of an 8-byte append plus `fdatasync` in `dir`.
fn fsync_probe(dir: &Path, n: usize) -> Vec<u32> {
    use std::io::Write;
    let path = dir.join(format!("paklog-fsync-{}", std::process::id()));
    let mut f = std::fs::File::create(&path).expect("a probe file");
    let mut out = Vec::with_capacity(n);
    for i in 0..n as u64 {
        let t = Instant::now();
        f.write_all(&i.to_le_bytes()).expect("a write");
        f.sync_data().expect("an fsync");
        out.push(t.elapsed().as_micros() as u32);
    }
    let _ = std::fs::remove_file(path);
    out.sort_unstable();
    out
}

/// CPU seconds each group of this process's threads has used so far, by
/// thread name (`paklog-kernel`, tokio's workers …), from `/proc`.
fn thread_cpu() -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        // `pid (name) state ppid …`: the name may hold spaces; utime and
        // stime are the 14th and 15th fields, in clock ticks (100 a second).
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_owned();
        let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        *out.entry(name).or_insert(0.0) += (ticks(11) + ticks(12)) / 100.0;
    }
    out
}

fn main() {
    let a = args();
    let probe = fsync_probe(&std::env::temp_dir(), 2000);
    println!(
        "fsync probe ({}): ms p50 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
        std::env::temp_dir().display(),
        percentile(&probe, 0.5),
        percentile(&probe, 0.99),
        percentile(&probe, 0.999),
        percentile(&probe, 1.0),
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small-dc.toml");
    let mut loaded = paklog_scenarios::load(&path).expect("the small-dc scenario");
    loaded.scenario.associates.shifts[0].headcount = a.devices;
    let site = site_config(&loaded.scenario, &RngStreams::new(loaded.scenario.seed));
    let file = std::env::temp_dir().join(format!("paklog-load-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let store: Option<Box<dyn CommandStore>> = match a.store.as_str() {
        "sqlite" => Some(Box::new(SqliteStore::open(&file).expect("a temp store"))),
        "none" => None,
        other => panic!("--store {other}: sqlite or none"),
    };
    let live = Live::start(site, store, 1.0, None).expect("the site starts");
    let tokens =
        Tokens::new((0..a.devices).map(|d| (token(d), Principal::Associate(AssociateId(d)))));
    let state = AppState::new(&live, tokens);
    // The server on its own runtime, as `paklog serve` runs it; the devices
    // on another, so that each side's CPU shows under its threads' names.
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("paklog-http")
        .build()
        .expect("a runtime");
    let listener = server
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let listener = {
        use axum::serve::ListenerExt;
        listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        })
    };
    server.spawn(axum::serve(listener, app(state)).into_future());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("load-devices")
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        // One task is about 3 requests (next, a stop, deliver).
        let orders = ((a.rate * (a.seconds + 2.0)) / 3.0).ceil() as u32 + a.devices;
        let t = Instant::now();
        let waves = preload(&live, orders).await;
        let feeder = tokio::spawn(feed(live.sender.clone(), waves));
        eprintln!("preloaded {orders} orders in {:.1} s", t.elapsed().as_secs_f64());
        let interval = Duration::from_secs_f64(f64::from(a.devices) / a.rate);
        let start = Instant::now() + Duration::from_millis(200);
        let until = start + Duration::from_secs_f64(a.seconds);
        let cpu_before = thread_cpu();
        let mut set = tokio::task::JoinSet::new();
        for d in 0..a.devices {
            set.spawn(device(base.clone(), d, interval, start, until));
        }
        let mut all = Vec::new();
        let mut service = Vec::new();
        let mut lateness = Vec::new();
        let mut errors = 0;
        while let Some(r) = set.join_next().await {
            let t = r.expect("a device");
            all.extend(t.latencies);
            service.extend(t.service);
            lateness.extend(t.lateness);
            errors += t.errors;
        }
        service.sort_unstable();
        lateness.sort_unstable();
        let elapsed = start.elapsed().as_secs_f64();
        let cpu_after = thread_cpu();
        feeder.abort();
        all.sort_unstable();
        println!(
            "load: {} devices, store {}, target {:.0} req/s for {:.0} s",
            a.devices, a.store, a.rate, a.seconds
        );
        println!(
            "  reached {:.0} req/s ({} requests, {errors} errors); latency ms p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
            all.len() as f64 / elapsed,
            all.len(),
            percentile(&all, 0.5),
            percentile(&all, 0.9),
            percentile(&all, 0.99),
            percentile(&all, 0.999),
            percentile(&all, 1.0),
        );
        for (what, v) in [
            ("from sending (service)", &service),
            ("devices' timers late by", &lateness),
        ] {
            println!(
                "  {what}: ms p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
                percentile(v, 0.5),
                percentile(v, 0.9),
                percentile(v, 0.99),
                percentile(v, 0.999),
                percentile(v, 1.0),
            );
        }
        // Where the CPU went: a thread near 100 % is the bottleneck.
        let used: Vec<String> = cpu_after
            .iter()
            .map(|(name, &after)| {
                let busy = after - cpu_before.get(name).copied().unwrap_or(0.0);
                (name, busy / elapsed * 100.0)
            })
            .filter(|&(_, pct)| pct >= 1.0)
            .map(|(name, pct)| format!("{name} {pct:.0} %"))
            .collect();
        println!("  CPU by thread (of one core): {}", used.join(", "));
    });
    drop(runtime);
    drop(server);
    drop(live);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}
