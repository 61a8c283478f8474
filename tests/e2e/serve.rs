//! `paklog serve` as a process: HTTP on loopback; `kill -9` in the middle
//! of a stream of orders loses none that was acknowledged; virtual
//! associates work a live demo through the API; `paklog replay` turns the
//! store into reports.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small-dc.toml")
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The integration token of the shipped small-dc site file.
pub(crate) const ERP: &str = "small-dc-erp-example-token";

/// One HTTP/1.1 request with the integration's token; the status and the
/// body.
pub(crate) fn http(
    port: u16,
    method: &str,
    path: &str,
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {ERP}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|b| b.1).unwrap_or_default();
    Ok((status, body.to_owned()))
}

pub(crate) fn serve(port: u16, store: &Path) -> Child {
    serve_with(port, store, &[])
}

/// Where the tests' site clock starts (unless a test says otherwise): the
/// same instant on every run, whatever the hour the tests run at.
pub(crate) const CLOCK_AT: &str = "2026-03-02T00:00:00Z";

/// 300 simulated seconds per wall second, three virtual pickers and a
/// packer per station, from the start of the morning shift (06:00–20:00).
const VIRTUAL_FLOOR: &[&str] = &[
    "--speed",
    "300",
    "--simulate-associates",
    "3",
    "--clock-at",
    "2026-03-02T06:00:00Z",
];

pub(crate) fn serve_with(port: u16, store: &Path, extra: &[&str]) -> Child {
    serve_site(&small(), port, store, extra)
}

/// `paklog serve SITE` on `port` with `store`, once it answers.
pub(crate) fn serve_site(site: &Path, port: u16, store: &Path, extra: &[&str]) -> Child {
    let clock = if extra.contains(&"--clock-at") {
        &[][..]
    } else {
        &["--clock-at", CLOCK_AT][..]
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_paklog"))
        .arg("serve")
        .arg(site)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--store"])
        .arg(format!("sqlite:{}", store.display()))
        .args(clock)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until {
        if http(port, "GET", "/healthz", "").is_ok_and(|(s, _)| s == 200) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("paklog serve did not come up on port {port}");
}

pub(crate) fn fresh_store(name: &str) -> PathBuf {
    let store = std::env::temp_dir().join(format!("paklog-{name}-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", store.display()));
    }
    store
}

#[test]
fn a_crash_loses_no_acknowledged_order() {
    let store = fresh_store("serve");
    let port = free_port();
    let mut server = serve(port, &store);
    // A stream of orders from another thread; the server is killed while
    // it runs. Every 201 is an acknowledged, stored order.
    let sender = std::thread::spawn(move || {
        let mut acknowledged = Vec::new();
        for i in 0..10_000 {
            let order = format!(
                r#"{{"external_id":"o{i}","carrier":"UPS","priority":"STANDARD","lines":[{{"sku":"SKU00001","quantity":1}}]}}"#
            );
            match http(port, "POST", "/api/v1/orders", &order) {
                // A complete answer is an acknowledgement.
                Ok((201, body)) if serde_json::from_str::<serde_json::Value>(&body).is_ok() => {
                    acknowledged.push((i, body));
                }
                Ok((201, _)) => break,
                // The server died before it answered: not acknowledged.
                Ok((0, _)) | Err(_) => break,
                Ok((status, body)) => panic!("order {i}: {status} {body}"),
            }
        }
        acknowledged
    });
    std::thread::sleep(Duration::from_millis(700));
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let acknowledged = sender.join().unwrap();
    assert!(
        acknowledged.len() > 5,
        "the stream was running: {}",
        acknowledged.len()
    );
    // Restarted from the store, every acknowledged order is there.
    let port = free_port();
    let mut server = serve(port, &store);
    for (i, body) in &acknowledged {
        let id: serde_json::Value = serde_json::from_str(body).unwrap();
        let (status, order) = http(
            port,
            "GET",
            &format!("/api/v1/orders/{}", id["orderId"]),
            "",
        )
        .unwrap();
        assert_eq!(status, 200, "order o{i} lost");
        assert!(order.contains(&format!("\"o{i}\"")), "{order}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    eprintln!(
        "{} orders acknowledged before the crash, all found",
        acknowledged.len()
    );
}

#[test]
fn a_site_file_without_a_zone_runs_on_utc_from_the_day_its_store_was_made() {
    let store = fresh_store("utc");
    let port = free_port();
    // 09:30 in Berlin is 08:30 UTC; small-dc names no zone.
    let server = serve_with(port, &store, &["--clock-at", "2026-03-02T09:30:00+01:00"]);
    let order = r#"{"external_id":"u1","carrier":"UPS","lines":[{"sku":"SKU00001","quantity":1}]}"#;
    let (status, body) = http(port, "POST", "/api/v1/orders", order).unwrap();
    assert_eq!(status, 201, "{body}");
    let id: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (_, body) = http(
        port,
        "GET",
        &format!("/api/v1/orders/{}", id["orderId"]),
        "",
    )
    .unwrap();
    let o: serde_json::Value = serde_json::from_str(&body).unwrap();
    let created = o["times"]["created"].as_str().unwrap();
    assert!(created.starts_with("2026-03-02T08:30:"), "{body}");
    assert!(created.ends_with("+00:00"), "{body}");
    // UPS's 17:00 cut-off is 17:00 UTC that day, 17 hours after midnight.
    assert_eq!(o["times"]["due"], "2026-03-02T17:00:00.000+00:00", "{body}");
    assert_eq!(o["due"], 17 * 3_600_000, "{body}");
    terminate(server);
    // A restart the next morning keeps the store's day one.
    let server = serve_with(port, &store, &["--clock-at", "2026-03-03T07:00:00Z"]);
    let (_, body) = http(
        port,
        "GET",
        &format!("/api/v1/orders/{}", id["orderId"]),
        "",
    )
    .unwrap();
    let o: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(o["times"]["due"], "2026-03-02T17:00:00.000+00:00", "{body}");
    terminate(server);
    // A --clock-at that is not an instant is refused by name.
    let out = Command::new(env!("CARGO_BIN_EXE_paklog"))
        .arg("serve")
        .arg(small())
        .args(["--clock-at", "tomorrow 6am"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--clock-at") && stderr.contains("RFC 3339"),
        "{stderr}"
    );
}

/// Stops a server the way an operator does (SIGTERM) and waits for it.
pub(crate) fn terminate(mut server: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        if let Ok(Some(status)) = server.try_wait() {
            assert!(status.success(), "paklog serve exited with {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = server.kill();
    panic!("paklog serve did not stop on SIGTERM");
}

/// Waits (two minutes at most) until every order of `ids` is packed.
fn wait_packed(port: u16, ids: &[u64]) {
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        let packed = ids
            .iter()
            .filter(|id| {
                http(port, "GET", &format!("/api/v1/orders/{id}"), "").is_ok_and(|(_, o)| {
                    o.contains("\"READY_TO_SHIP\"") || o.contains("\"SHIPPED\"")
                })
            })
            .count();
        if packed == ids.len() {
            break;
        }
        assert!(
            Instant::now() < until,
            "{packed} of {} orders packed after 2 min",
            ids.len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// On a put-wall site the virtual floor sorts its bulk totes through the
/// put-wall routes (scan, put by SKU into slots) and every order is packed.
#[test]
fn virtual_associates_sort_a_put_wall_live() {
    let dir = std::env::temp_dir().join(format!("paklog-putwall-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let site = dir.join("put-wall.toml");
    let text = std::fs::read_to_string(small()).unwrap().replace(
        "picking = { kind = \"discrete\" }",
        "picking = { kind = \"put_wall\", slots = 6, put_time_per_unit_s = { dist = \"constant\", value = 2.0 } }",
    );
    assert!(text.contains("put_wall"));
    std::fs::write(&site, text).unwrap();
    let store = fresh_store("put-wall");
    let port = free_port();
    let server = serve_site(&site, port, &store, VIRTUAL_FLOOR);
    let mut ids = Vec::new();
    for i in 0..12 {
        let order = format!(
            r#"{{"external_id":"w{i}","carrier":"UPS","lines":[{{"sku":"SKU{:05}","quantity":2}}]}}"#,
            1 + i * 7,
        );
        let (status, body) = http(port, "POST", "/api/v1/orders", &order).unwrap();
        assert_eq!(status, 201, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        ids.push(v["orderId"].as_u64().unwrap());
    }
    let wave = format!(r#"{{"orderIds":{ids:?}}}"#);
    let (status, body) = http(port, "POST", "/api/v1/waves", &wave).unwrap();
    assert_eq!(status, 201, "{body}");
    let w: serde_json::Value = serde_json::from_str(&body).unwrap();
    let release = format!("/api/v1/waves/{}/release", w["waveId"]);
    assert_eq!(http(port, "POST", &release, "").unwrap().0, 200);
    wait_packed(port, &ids);
    let (status, body) = http(port, "GET", "/api/v1/put-walls/0", "").unwrap();
    assert_eq!(status, 200, "{body}");
    let wall: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(wall["sorted"], 12, "{wall}");
    terminate(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn virtual_associates_work_a_live_site_and_the_store_replays_into_reports() {
    let store = fresh_store("demo");
    let port = free_port();
    // 300 simulated seconds per wall second; three virtual pickers (with
    // their devices' tokens) and a packer per station, as HTTP clients.
    let server = serve_with(port, &store, VIRTUAL_FLOOR);
    let mut ids = Vec::new();
    for i in 0..12 {
        let order = format!(
            r#"{{"external_id":"d{i}","carrier":"UPS","lines":[{{"sku":"SKU{:05}","quantity":1}},{{"sku":"SKU{:05}","quantity":2}}]}}"#,
            1 + i * 7,
            3 + i * 11
        );
        let (status, body) = http(port, "POST", "/api/v1/orders", &order).unwrap();
        assert_eq!(status, 201, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        ids.push(v["orderId"].as_u64().unwrap());
    }
    let wave = format!(r#"{{"orderIds":{ids:?}}}"#);
    let (status, body) = http(port, "POST", "/api/v1/waves", &wave).unwrap();
    assert_eq!(status, 201, "{body}");
    let w: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (status, body) = http(
        port,
        "POST",
        &format!("/api/v1/waves/{}/release", w["waveId"]),
        "",
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    // The virtual floor picks and packs every order.
    wait_packed(port, &ids);
    terminate(server);

    // The store, replayed into the reports of a run.
    let out = std::env::temp_dir().join(format!("paklog-replay-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let printed = crate::run_ok(
        Command::new(env!("CARGO_BIN_EXE_paklog"))
            .arg("replay")
            .arg(format!("sqlite:{}", store.display()))
            .arg("--out")
            .arg(&out),
    );
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(text.contains("orders received"), "{text}");
    let orders = crate::read(&out.join("orders.parquet"));
    assert_eq!(orders.num_rows(), ids.len());
    let picks = crate::read(&out.join("picks.parquet"));
    assert_eq!(picks.num_rows(), 2 * ids.len(), "every line picked once");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    // Conservation: every unit ordered is shipped, short or still open.
    let units = |k: &str| summary[k].as_u64().unwrap();
    assert_eq!(units("units_ordered"), 36);
    assert_eq!(
        units("units_ordered"),
        units("units_shipped") + units("units_short") + units("units_open"),
        "{summary}"
    );
    assert!(
        summary["lines_per_labour_hour"].as_f64().unwrap() > 0.0,
        "{summary}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn tokens_come_from_the_environment_and_files_and_a_missing_one_is_named() {
    let dir = std::env::temp_dir().join(format!("paklog-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let site = dir.join("site.toml");
    let text = std::fs::read_to_string(small()).unwrap().replace(
        r#"{ integration = "erp", token = "small-dc-erp-example-token" }"#,
        r#"{ integration = "erp", token_env = "PAKLOG_E2E_ERP_TOKEN" }"#,
    );
    let text = text.replace(
        r#"{ associate = 0, token = "small-dc-device-0-example-token" }"#,
        r#"{ associate = 0, token_file = "device-0.token" }"#,
    );
    std::fs::write(&site, text).unwrap();
    std::fs::write(dir.join("device-0.token"), "device-0-from-a-file\n").unwrap();
    // The variable unset: refused at start, naming the file and the field.
    let out = Command::new(env!("CARGO_BIN_EXE_paklog"))
        .arg("serve")
        .arg(&site)
        .args(["--listen", &format!("127.0.0.1:{}", free_port())])
        .env_remove("PAKLOG_E2E_ERP_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("site.toml") && stderr.contains("live.tokens[0].token_env"),
        "{stderr}"
    );
    assert!(stderr.contains("PAKLOG_E2E_ERP_TOKEN"), "{stderr}");

    // Set: the secret from the environment is the integration's token, the
    // one from the file the device's; the store, too, may come from the
    // environment (PAKLOG_STORE, as PAKLOG_KAFKA for --kafka).
    let port = free_port();
    let store = dir.join("store.sqlite");
    let server = {
        let mut c = Command::new(env!("CARGO_BIN_EXE_paklog"));
        c.arg("serve")
            .arg(&site)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("PAKLOG_E2E_ERP_TOKEN", ERP)
            .env("PAKLOG_STORE", format!("sqlite:{}", store.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c.spawn().unwrap()
    };
    let until = Instant::now() + Duration::from_secs(30);
    while http(port, "GET", "/healthz", "").is_err() {
        assert!(Instant::now() < until, "serve did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, _) = http(port, "GET", "/api/v1/metrics", "").unwrap();
    assert_eq!(status, 200, "the ERP's token from the environment");
    terminate(server);
    assert!(store.exists(), "the store named by PAKLOG_STORE");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Kafka's librdkafka properties come from the site file, a secret from
/// the environment; a property librdkafka refuses, or one the bridge sets
/// itself, stops the start naming the file and the property.
#[test]
fn kafka_properties_are_checked_at_start_and_a_bad_one_is_named() {
    let dir = std::env::temp_dir().join(format!("paklog-kafka-props-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let serve = |name: &str, properties: &str| {
        let site = dir.join(name);
        let text = std::fs::read_to_string(small()).unwrap();
        std::fs::write(
            &site,
            format!("{text}\n[live.kafka.properties]\n{properties}\n"),
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_paklog"))
            .arg("serve")
            .arg(&site)
            // An address not of this machine: a start that gets past the
            // checks fails at the listener.
            .args(["--listen", "192.0.2.1:8080"])
            .env_remove("PAKLOG_E2E_KAFKA_PASSWORD")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = serve(
        "unknown.toml",
        r#""security.protocol" = "SASL_PLAINTEXT"
"sasl.mechansim" = "PLAIN""#,
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("unknown.toml")
            && stderr.contains(r#"live.kafka.properties."sasl.mechansim""#),
        "{stderr}"
    );
    let (code, stderr) = serve("own.toml", r#""acks" = "1""#);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(r#"live.kafka.properties."acks""#),
        "{stderr}"
    );
    let (code, stderr) = serve(
        "secret.toml",
        r#""sasl.password" = { env = "PAKLOG_E2E_KAFKA_PASSWORD" }"#,
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(r#"live.kafka.properties."sasl.password""#)
            && stderr.contains("PAKLOG_E2E_KAFKA_PASSWORD"),
        "{stderr}"
    );
    // Good properties pass the check: the start goes on to the listener.
    let (code, stderr) = serve(
        "good.toml",
        r#""security.protocol" = "SASL_PLAINTEXT"
"sasl.mechanism" = "PLAIN"
"sasl.username" = "paklog"
"sasl.password" = "not-a-real-one""#,
    );
    assert_ne!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("live.kafka"), "{stderr}");
    assert!(stderr.contains("--listen"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
