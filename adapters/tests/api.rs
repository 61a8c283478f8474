//! The HTTP API through `app().oneshot(…)`, on the tiny site, with a real
//! SQLite store: every route, bad input, and a restart that replays the
//! store.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use paklog_adapters::{AppState, Live, SqliteStore, app};
use paklog_domain::testing::tiny_site;
use serde_json::{Value, json};
use tower::ServiceExt;

fn store_path(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("paklog-api-{}-{name}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    p
}

fn start(path: &std::path::Path) -> (Live, AppState) {
    let live = Live::start(tiny_site(), Some(SqliteStore::open(path).unwrap()), 1.0).unwrap();
    let state = AppState {
        kernel: live.sender.clone(),
    };
    (live, state)
}

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(match body {
            Some(b) => Body::from(b.to_string()),
            None => Body::empty(),
        })
        .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value, ctype)
}

/// The handheld of associate `a` asks for its next task.
async fn next_task(state: &AppState, a: u32) -> (StatusCode, Value, String) {
    let uri = format!("/api/v1/mobile/picking/next-task?associate={a}");
    call(state, "GET", &uri, None).await
}

fn order(id: &str, sku: &str, quantity: u32) -> Value {
    json!({
        "external_id": id,
        "carrier": "UPS",
        "priority": "STANDARD",
        "lines": [{ "sku": sku, "quantity": quantity }]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_works_refuses_bad_input_and_survives_a_restart() {
    let path = store_path("routes");
    let (live, s) = start(&path);
    assert_eq!(call(&s, "GET", "/healthz", None).await.0, StatusCode::OK);

    // Orders: accepted, read back; a bad one refused by field, changing nothing.
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o1", "SKU0003", 2)),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(v["orderId"], 0);
    assert_eq!(v["status"], "RESERVED");
    let (st, v, ctype) = call(&s, "POST", "/api/v1/orders", Some(order("o2", "NOPE", 1))).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ctype, "application/problem+json");
    assert_eq!(v["field"], "lines[0].sku", "{v}");
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(json!({"external_id": 5})),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, v, _) = call(&s, "GET", "/api/v1/orders/0", None).await;
    assert_eq!(
        (st, v["external_id"].clone()),
        (StatusCode::OK, json!("o1"))
    );
    assert_eq!(
        call(&s, "GET", "/api/v1/orders/7", None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&s, "GET", "/api/v1/orders/x!", None).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Waves: created from reserved orders, released once.
    let (st, v, _) = call(&s, "POST", "/api/v1/waves", Some(json!({"orderIds": [0]}))).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v, _) = call(&s, "POST", "/api/v1/waves/0/release", None).await;
    assert_eq!(
        (st, v["status"].clone()),
        (StatusCode::OK, json!("RELEASED")),
        "{v}"
    );
    let (st, v, _) = call(&s, "POST", "/api/v1/waves/0/release", None).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["field"], "wave");
    let (st, v, _) = call(&s, "GET", "/api/v1/tasks?status=pending", None).await;
    assert_eq!((st, v.as_array().unwrap().len()), (StatusCode::OK, 1));
    assert_eq!(
        call(&s, "GET", "/api/v1/tasks?status=lost", None).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The handheld: next task (started), a wrong barcode refused, the pick
    // confirmed, the tote delivered.
    let (st, task, _) = next_task(&s, 0).await;
    assert_eq!(st, StatusCode::OK, "{task}");
    assert_eq!(task["status"], "IN_PROGRESS");
    let confirm = |barcode: &str| json!({"associate": 0, "taskId": 0, "instruction": 0, "quantity": 2, "barcode": barcode});
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/mobile/picking/confirm",
        Some(confirm("SKU0001")),
    )
    .await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("barcode"))
    );
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/mobile/picking/confirm",
        Some(confirm("SKU0003")),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let other = json!({"associate": 1, "taskId": 0});
    let (st, _, _) = call(&s, "POST", "/api/v1/mobile/picking/deliver", Some(other)).await;
    assert_eq!(st, StatusCode::CONFLICT, "bob is not signed on");
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/mobile/picking/deliver",
        Some(json!({"associate": 0, "taskId": 0})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // Locations by id or code: master data and live stock (SKU0003 is in
    // bin 12 with 10 units, 2 picked).
    let (st, v, _) = call(&s, "GET", "/api/v1/locations/12", None).await;
    assert_eq!(
        (st, v["stock"]["on_hand"].clone()),
        (StatusCode::OK, json!(8)),
        "{v}"
    );
    let code = v["location"]["code"].as_str().unwrap().to_owned();
    let (st, w, _) = call(&s, "GET", &format!("/api/v1/locations/{code}"), None).await;
    assert_eq!((st, w), (StatusCode::OK, v));
    assert_eq!(
        call(&s, "GET", "/api/v1/locations/Z99", None).await.0,
        StatusCode::NOT_FOUND
    );
    let (st, metrics, _) = call(&s, "GET", "/api/v1/metrics", None).await;
    assert_eq!((st, metrics["orders"].clone()), (StatusCode::OK, json!(1)));

    // Polling with nothing to do stores nothing after the first answer; an
    // unknown device's associate is not found.
    for _ in 0..3 {
        let (st, _, _) = next_task(&s, 0).await;
        assert_eq!(st, StatusCode::NO_CONTENT);
    }
    assert_eq!(next_task(&s, 9).await.0, StatusCode::NOT_FOUND);

    // Restart: the store is replayed and the state is the same.
    let before = (
        call(&s, "GET", "/api/v1/orders/0", None).await.1,
        call(&s, "GET", "/api/v1/tasks", None).await.1,
        call(&s, "GET", "/api/v1/waves/0", None).await.1,
    );
    live.stop();
    let (live, s) = start(&path);
    assert_eq!(
        live.replayed, 9,
        "order, wave, release, sign-on, next, start, pick, deliver"
    );
    let after = (
        call(&s, "GET", "/api/v1/orders/0", None).await.1,
        call(&s, "GET", "/api/v1/tasks", None).await.1,
        call(&s, "GET", "/api/v1/waves/0", None).await.1,
    );
    assert_eq!(before, after);
    assert_eq!(before.0["status"], "PICKED");
    live.stop();
}

/// Commands that act on what timers created (a wave planned by the clock)
/// replay at their place among the timers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_on_timer_made_tasks_replay_among_the_timers() {
    let path = store_path("timers");
    // Fast: wave planning every 30 simulated minutes is every 18 ms.
    let live = Live::start(
        tiny_site(),
        Some(SqliteStore::open(&path).unwrap()),
        100_000.0,
    )
    .unwrap();
    let s = AppState {
        kernel: live.sender.clone(),
    };
    let (st, _, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o1", "SKU0003", 1)),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let mut waited = 0;
    while call(&s, "GET", "/api/v1/tasks", None)
        .await
        .1
        .as_array()
        .is_none_or(Vec::is_empty)
    {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        waited += 1;
        assert!(waited < 400, "the clock planned no wave");
    }
    let (st, task, _) = next_task(&s, 0).await;
    assert_eq!(st, StatusCode::OK, "{task}");
    let confirm = json!({"associate": 0, "taskId": task["id"], "instruction": 0, "quantity": 1});
    assert_eq!(
        call(&s, "POST", "/api/v1/mobile/picking/confirm", Some(confirm))
            .await
            .0,
        StatusCode::OK
    );
    let deliver = json!({"associate": 0, "taskId": task["id"]});
    assert_eq!(
        call(&s, "POST", "/api/v1/mobile/picking/deliver", Some(deliver))
            .await
            .0,
        StatusCode::OK
    );
    live.stop();
    // Restarted (and held still), every stored command is accepted again.
    let live = Live::start(tiny_site(), Some(SqliteStore::open(&path).unwrap()), 1e-9).unwrap();
    let s = AppState {
        kernel: live.sender.clone(),
    };
    assert_eq!(
        call(&s, "GET", "/api/v1/orders/0", None).await.1["status"],
        "PICKED"
    );
    live.stop();
}

#[test]
fn a_store_in_use_is_refused_and_a_foreign_one_does_not_replay() {
    let path = store_path("locked");
    let first = SqliteStore::open(&path).unwrap();
    let second = SqliteStore::open(&path).unwrap_err();
    assert!(second.to_string().contains("another service"), "{second}");
    drop(first);
    // A store whose commands this site refuses: the start says which.
    let mut store = SqliteStore::open(&path).unwrap();
    let ghost = paklog_domain::Command::ReleaseWave {
        wave: paklog_domain::WaveId(9),
    };
    store.append(paklog_sim::SimTime::ZERO, 0, &ghost).unwrap();
    drop(store);
    let err = Live::start(tiny_site(), Some(SqliteStore::open(&path).unwrap()), 1.0)
        .err()
        .expect("refused");
    assert!(err.to_string().starts_with("replay: event 0"), "{err}");
}
