//! The HTTP API through `app().oneshot(…)`, on the tiny site, with a real
//! SQLite store: every route, bad input, authorisation, and a restart that
//! replays the store.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use paklog_adapters::{AppState, CommandStore, Live, Principal, SqliteStore, Tokens, app};
use paklog_domain::AssociateId;
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

const ERP: &str = "integration-erp-0001";
const ALICE: &str = "device-alice-000001";
const BOB: &str = "device-bob-00000001";

fn tokens() -> Tokens {
    Tokens::new([
        (ERP.to_owned(), Principal::Integration("erp".into())),
        (ALICE.to_owned(), Principal::Associate(AssociateId(0))),
        (BOB.to_owned(), Principal::Associate(AssociateId(1))),
    ])
}

fn sqlite(path: &std::path::Path) -> Option<Box<dyn CommandStore>> {
    Some(Box::new(SqliteStore::open(path).unwrap()))
}

fn start(path: &std::path::Path) -> (Live, AppState) {
    let live = Live::start(tiny_site(), sqlite(path), 1.0, None).unwrap();
    let state = AppState::new(&live, tokens());
    (live, state)
}

/// The device token of associate `a` of the tiny site.
fn device(a: u32) -> &'static str {
    [ALICE, BOB][a as usize]
}

/// A request with the integration's token.
async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    call_as(state, Some(ERP), method, uri, body).await
}

async fn call_as(
    state: &AppState,
    token: Option<&str>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = req
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
    call_as(state, Some(device(a)), "GET", &uri, None).await
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
        StatusCode::NOT_FOUND
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
    let (st, v, _) = call_as(
        &s,
        Some(ALICE),
        "POST",
        "/api/v1/mobile/picking/confirm",
        Some(confirm("SKU0001")),
    )
    .await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::CONFLICT, json!("barcode"))
    );
    let (st, v, _) = call_as(
        &s,
        Some(ALICE),
        "POST",
        "/api/v1/mobile/picking/confirm",
        Some(confirm("SKU0003")),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let other = json!({"taskId": 0});
    let (st, _, _) = call_as(
        &s,
        Some(BOB),
        "POST",
        "/api/v1/mobile/picking/deliver",
        Some(other),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "bob is not signed on");
    let (st, v, _) = call_as(
        &s,
        Some(ALICE),
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
    // Packing: an unknown station, a bad weight, then the order packed.
    let pack = |body: Value| {
        call_as(
            &s,
            Some(ALICE),
            "POST",
            "/api/v1/mobile/packing/start",
            Some(body),
        )
    };
    let (st, v, _) = pack(json!({"station": 7})).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::NOT_FOUND, json!("station")),
        "{v}"
    );
    let (st, v, _) = pack(json!({"station": "one"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, v, _) = pack(json!({"station": 0})).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let job = v["job"].clone();
    assert_eq!(job["order"], 0, "{v}");
    let done = |w: f64| json!({"station": 0, "orderId": 0, "weightKg": w});
    let complete = |body: Value| call(&s, "POST", "/api/v1/mobile/packing/complete", Some(body));
    let (st, v, _) = complete(done(-1.0)).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("weight_kg")),
        "{v}"
    );
    let (st, v, _) = complete(done(job["expected_weight_kg"].as_f64().unwrap())).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, metrics, _) = call(&s, "GET", "/api/v1/metrics", None).await;
    assert_eq!((st, metrics["orders"].clone()), (StatusCode::OK, json!(1)));
    assert_eq!(metrics["interval"]["lines_picked"], 1, "{metrics}");
    assert_eq!(metrics["interval"]["start_ms"], 0, "{metrics}");

    // Polling with nothing to do stores nothing after the first answer; an
    // unknown device's associate is not found.
    for _ in 0..3 {
        let (st, _, _) = next_task(&s, 0).await;
        assert_eq!(st, StatusCode::NO_CONTENT);
    }
    let open = AppState::new(&live, Tokens::open());
    let (st, v, _) = call_as(
        &open,
        None,
        "GET",
        "/api/v1/mobile/picking/next-task?associate=9",
        None,
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");

    // Restart: the store is replayed and the state is the same.
    let before = (
        call(&s, "GET", "/api/v1/orders/0", None).await.1,
        call(&s, "GET", "/api/v1/tasks", None).await.1,
        call(&s, "GET", "/api/v1/waves/0", None).await.1,
    );
    live.stop();
    let (live, s) = start(&path);
    assert_eq!(
        live.replayed, 11,
        "order, wave, release, sign-on, next, start, pick, deliver, pack start and end"
    );
    let after = (
        call(&s, "GET", "/api/v1/orders/0", None).await.1,
        call(&s, "GET", "/api/v1/tasks", None).await.1,
        call(&s, "GET", "/api/v1/waves/0", None).await.1,
    );
    assert_eq!(before, after);
    assert_eq!(before.0["status"], "READY_TO_SHIP");
    live.stop();
}

/// Commands that act on what timers created (a wave planned by the clock)
/// replay at their place among the timers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_on_timer_made_tasks_replay_among_the_timers() {
    let path = store_path("timers");
    // Fast: wave planning every 30 simulated minutes is every 18 ms.
    let live = Live::start(tiny_site(), sqlite(&path), 100_000.0, None).unwrap();
    let s = AppState::new(&live, tokens());
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
        call_as(
            &s,
            Some(ALICE),
            "POST",
            "/api/v1/mobile/picking/confirm",
            Some(confirm)
        )
        .await
        .0,
        StatusCode::OK
    );
    let deliver = json!({"associate": 0, "taskId": task["id"]});
    assert_eq!(
        call_as(
            &s,
            Some(ALICE),
            "POST",
            "/api/v1/mobile/picking/deliver",
            Some(deliver)
        )
        .await
        .0,
        StatusCode::OK
    );
    live.stop();
    // Restarted (and held still), every stored command is accepted again.
    let live = Live::start(tiny_site(), sqlite(&path), 1e-9, None).unwrap();
    let s = AppState::new(&live, tokens());
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
    store.commit().unwrap();
    drop(store);
    let err = Live::start(tiny_site(), sqlite(&path), 1.0, None)
        .err()
        .expect("refused");
    assert!(err.to_string().starts_with("replay: event 0"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_decide_who_may_do_what_and_a_refusal_changes_nothing() {
    let path = store_path("auth");
    let (live, s) = start(&path);
    let o = || Some(order("o1", "SKU0003", 2));
    // No token, a malformed header, an unknown token: 401, with the scheme.
    for token in [None, Some("nonsense-token-000000")] {
        let (st, v, ctype) = call_as(&s, token, "POST", "/api/v1/orders", o()).await;
        assert_eq!(
            (st, ctype.as_str()),
            (StatusCode::UNAUTHORIZED, "application/problem+json")
        );
        assert_eq!(v["field"], "Authorization", "{v}");
    }
    let req = Request::builder()
        .uri("/api/v1/metrics")
        .header("authorization", ERP)
        .body(Body::empty())
        .unwrap();
    let res = app(s.clone()).oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "not `Bearer …`");
    assert!(res.headers().contains_key("www-authenticate"));
    // A device may not send orders, read the back office or post pings.
    for (method, uri, body) in [
        ("POST", "/api/v1/orders", o()),
        ("GET", "/api/v1/tasks", None),
        ("GET", "/api/v1/metrics", None),
        (
            "POST",
            "/api/v1/rtls/pings",
            Some(json!({"pings": [{"tag": "t", "x_m": 1.0, "y_m": 1.0}]})),
        ),
    ] {
        let (st, v, _) = call_as(&s, Some(ALICE), method, uri, body).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{method} {uri}: {v}");
    }
    // Nothing of that was taken.
    let (_, m, _) = call(&s, "GET", "/api/v1/metrics", None).await;
    assert_eq!(
        (m["orders"].clone(), m["rtls_pings"].clone()),
        (json!(0), json!(0))
    );

    // An order and its wave, for Alice to pick.
    assert_eq!(
        call(&s, "POST", "/api/v1/orders", o()).await.0,
        StatusCode::CREATED
    );
    call(&s, "POST", "/api/v1/waves", Some(json!({"orderIds": [0]}))).await;
    call(&s, "POST", "/api/v1/waves/0/release", None).await;
    // The integration may not pick; Bob's device may not ask for Alice.
    let (st, v, _) = call(
        &s,
        "GET",
        "/api/v1/mobile/picking/next-task?associate=0",
        None,
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    let (st, v, _) = call_as(
        &s,
        Some(BOB),
        "GET",
        "/api/v1/mobile/picking/next-task?associate=0",
        None,
    )
    .await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::FORBIDDEN, json!("associate")),
        "{v}"
    );
    // Alice's device needs no associate parameter.
    let (st, task, _) = call_as(
        &s,
        Some(ALICE),
        "GET",
        "/api/v1/mobile/picking/next-task",
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{task}");
    assert_eq!(task["associate"], 0);
    assert_eq!(task["associate_name"], "ann", "{task}");
    assert!(task["times"]["started"].is_string(), "{task}");
    assert_eq!(
        task["lines"][0]["sku_code"], "SKU0003",
        "the barcode to scan"
    );
    // Bob, signed on, may not confirm or deliver Alice's task.
    assert_eq!(next_task(&s, 1).await.0, StatusCode::NO_CONTENT);
    let pick = json!({"taskId": 0, "instruction": 0, "quantity": 2, "barcode": "SKU0003"});
    let (st, v, _) = call_as(
        &s,
        Some(BOB),
        "POST",
        "/api/v1/mobile/picking/confirm",
        Some(pick.clone()),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    let (st, v, _) = call_as(
        &s,
        Some(BOB),
        "POST",
        "/api/v1/mobile/picking/confirm",
        Some(json!({"associate": 0, "taskId": 0, "instruction": 0, "quantity": 2})),
    )
    .await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::FORBIDDEN, json!("associate")),
        "{v}"
    );
    let (_, t, _) = call(&s, "GET", "/api/v1/tasks", None).await;
    assert!(t[0]["lines"][0]["picked"].is_null(), "unchanged: {t}");
    let (st, v, _) = call_as(
        &s,
        Some(ALICE),
        "POST",
        "/api/v1/mobile/picking/confirm",
        Some(pick),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    live.stop();
    // Refusals were not stored: order, wave, release, Alice's sign-on,
    // next and start, Bob's sign-on and next (none), the pick.
    let (live, _) = start(&path);
    assert_eq!(live.replayed, 9);
    live.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rtls_pings_are_taken_all_or_none() {
    use paklog_domain::SiteCalendar;
    use paklog_sim::SimTime;
    let path = store_path("rtls");
    let (live, s) = start(&path);
    let pings = |x2: f64| {
        json!({"pings": [
            {"tag": "associate-0", "x_m": 0.0, "y_m": 2.0},
            {"tag": "associate-0", "x_m": x2, "y_m": 6.0},
        ]})
    };
    let (st, v, _) = call(&s, "POST", "/api/v1/rtls/pings", Some(pings(3.0))).await;
    assert_eq!(
        (st, v["accepted"].clone()),
        (StatusCode::ACCEPTED, json!(2)),
        "{v}"
    );
    let (st, tag, _) = call(&s, "GET", "/api/v1/rtls/tags/associate-0", None).await;
    assert_eq!(st, StatusCode::OK, "{tag}");
    assert_eq!(
        (tag["x_mm"].clone(), tag["y_mm"].clone()),
        (json!(3000), json!(6000))
    );
    assert_eq!(tag["travelled_mm"], 5000, "a 3-4-5 step");
    // A site without a zone counts from 1970-01-01 00:00 UTC.
    let seen = SimTime::from_millis(tag["at"].as_u64().unwrap());
    assert_eq!(tag["seen"], SiteCalendar::default().rfc3339(seen), "{tag}");
    // One bad ping refuses the batch, naming it.
    let (st, v, _) = call(&s, "POST", "/api/v1/rtls/pings", Some(pings(5000.0))).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("pings[1].x_m")),
        "{v}"
    );
    let (st, v, _) = call(&s, "POST", "/api/v1/rtls/pings", Some(json!({"pings": []}))).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("pings")),
        "{v}"
    );
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/rtls/pings",
        Some(json!({"pings": [{"tag": "", "x_m": 0.0, "y_m": 0.0}]})),
    )
    .await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("pings[0].tag")),
        "{v}"
    );
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/rtls/pings",
        Some(json!({"pings": [{"tag": "x", "x_m": "left"}]})),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, m, _) = call(&s, "GET", "/api/v1/metrics", None).await;
    assert_eq!(
        (m["rtls_pings"].clone(), m["rtls_tags"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(
        call(&s, "GET", "/api/v1/rtls/tags/nobody", None).await.0,
        StatusCode::NOT_FOUND
    );
    live.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_every_route() {
    let path = store_path("openapi");
    let (live, s) = start(&path);
    let (st, doc, _) = call_as(&s, None, "GET", "/openapi.json", None).await;
    assert_eq!(st, StatusCode::OK, "public");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Every route the router serves, with each of its methods.
    let source = include_str!("../src/routes.rs");
    let mut routes = 0;
    for line in source
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(".route(\""))
    {
        let path = line.split('"').nth(1).unwrap();
        let method = line.split(", ").nth(1).unwrap().split('(').next().unwrap();
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].is_object(), "{method} {path}");
        if path.starts_with("/api/") {
            assert_eq!(op["security"][0]["bearer"], json!([]), "{method} {path}");
            assert!(op["responses"]["401"].is_object(), "{method} {path}: 401");
        }
        routes += 1;
    }
    assert!(routes >= 18, "{routes}");
    // What the API answers are typed schemas, not bare objects.
    for (path, view) in [
        ("/api/v1/orders/{orderId}", "OrderView"),
        ("/api/v1/waves/{waveId}", "WaveView"),
        ("/api/v1/locations/{locationId}", "LocationView"),
        ("/api/v1/metrics", "MetricsView"),
        ("/api/v1/conveyor", "ConveyorView"),
    ] {
        let schema = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"];
        assert_eq!(
            schema.as_str(),
            Some(format!("#/components/schemas/{view}").as_str()),
            "{path}"
        );
        assert!(
            doc["components"]["schemas"][view]["properties"].is_object(),
            "{view}"
        );
    }
    // Local times are a schema of their own; the events stream says where
    // it may start.
    assert_eq!(
        doc["components"]["schemas"]["OrderView"]["properties"]["times"]["$ref"],
        "#/components/schemas/OrderTimes"
    );
    assert_eq!(
        doc["paths"]["/api/v1/events"]["get"]["parameters"][0]["name"],
        "from"
    );
    // Request bodies are the types the handlers read.
    let order = &doc["components"]["schemas"]["OrderRequest"];
    assert_eq!(
        order["required"],
        json!(["external_id", "carrier", "lines"]),
        "{order}"
    );
    let r = &doc["paths"]["/api/v1/orders"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["$ref"];
    assert_eq!(r, "#/components/schemas/OrderRequest");
    // Links chain what a POST creates to the operations on it, by ids the
    // document has.
    let operations: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|p| p.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    for (path, links) in [
        ("/api/v1/orders", vec!["GetOrder", "CreateWave"]),
        (
            "/api/v1/waves",
            vec!["GetWave", "ReleaseWave", "CancelWave"],
        ),
    ] {
        for name in links {
            let link = &doc["paths"][path]["post"]["responses"]["201"]["links"][name];
            let op = link["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{path} {name}"));
            assert!(operations.contains(&op), "{op} of {path} {name}");
        }
    }
    // The site's codes are the schema's: the order a client builds from
    // the document's examples is one the site takes, and the states a
    // filter takes are listed.
    let schemas = &doc["components"]["schemas"];
    let sku = &schemas["OrderLineRequest"]["properties"]["sku"];
    let carrier = &schemas["OrderRequest"]["properties"]["carrier"];
    assert!(
        sku["enum"].as_array().unwrap().contains(&sku["example"]),
        "{sku}"
    );
    assert!(
        carrier["enum"]
            .as_array()
            .unwrap()
            .contains(&carrier["example"]),
        "{carrier}"
    );
    let example = json!({
        "external_id": "from-the-document",
        "carrier": carrier["example"],
        "lines": [{ "sku": sku["example"], "quantity": 1 }],
    });
    let (st, v, _) = call(&s, "POST", "/api/v1/orders", Some(example)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let waves = &doc["paths"]["/api/v1/waves"]["get"]["parameters"][0]["schema"]["enum"];
    assert_eq!(
        waves,
        &json!([
            "PLANNED",
            "RELEASED",
            "IN_PROGRESS",
            "COMPLETED",
            "CANCELLED"
        ])
    );
    // A body route says how it refuses a body that is not JSON.
    for status in ["400", "415", "422"] {
        assert!(
            doc["paths"]["/api/v1/orders"]["post"]["responses"][status].is_object(),
            "{status}"
        );
    }
    // The event catalog is public too.
    let (st, asyncapi, _) = call_as(&s, None, "GET", "/asyncapi.json", None).await;
    assert_eq!(
        (st, asyncapi["asyncapi"].clone()),
        (StatusCode::OK, json!("3.0.0"))
    );
    live.stop();
}

/// A raw request with the integration's token: `content_type` and `body`
/// as given.
async fn raw(
    state: &AppState,
    uri: &str,
    content_type: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("authorization", format!("Bearer {ERP}"));
    if let Some(t) = content_type {
        req = req.header("content-type", t);
    }
    let res = app(state.clone())
        .oneshot(req.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_read_as_json_schema_says_and_refused_by_kind() {
    let path = store_path("bodies");
    let (live, s) = start(&path);
    let good = order("b1", "SKU0003", 2).to_string();
    // Not declared JSON: 415; not JSON: 400; JSON of the wrong shape: 422
    // naming the field, down to the line.
    assert_eq!(
        raw(&s, "/api/v1/orders", None, &good).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        raw(&s, "/api/v1/orders", Some("text/plain"), &good).await.0,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        raw(
            &s,
            "/api/v1/orders",
            Some("application/json"),
            "{\"external_id\":"
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    // A whole number written `2.0` is an integer, as JSON Schema says (below);
    // a fraction is not.
    let mut wrong = order("b1", "SKU0003", 2);
    wrong["lines"][0]["quantity"] = json!("two");
    let mut missing = order("b1", "SKU0003", 2);
    missing["lines"][0].as_object_mut().unwrap().remove("sku");
    let mut fraction = order("b1", "SKU0003", 2);
    fraction["lines"][0]["quantity"] = json!(2.5);
    for (body, field) in [
        (wrong, "lines[0].quantity"),
        (missing, "lines[0].sku"),
        (fraction, "lines[0].quantity"),
    ] {
        let (st, v) = raw(
            &s,
            "/api/v1/orders",
            Some("application/json"),
            &body.to_string(),
        )
        .await;
        assert_eq!(
            (st, &v["field"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!(field)),
            "{body}: {v}"
        );
    }
    let whole = good.replace("\"quantity\":2", "\"quantity\":2.0");
    assert!(whole.contains("2.0"), "{whole}");
    let (st, v) = raw(
        &s,
        "/api/v1/orders",
        Some("application/json; charset=utf-8"),
        &whole,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    // The same external id again: the order is in (409), not a bad one.
    let (st, v) = raw(&s, "/api/v1/orders", Some("application/json"), &good).await;
    assert_eq!(
        (st, &v["field"]),
        (StatusCode::CONFLICT, &json!("external_id")),
        "{v}"
    );
    // An id in a path that is no id names nothing (404), like one that is
    // not there; a query parameter of the wrong type is a 422.
    for uri in ["/api/v1/orders/seven", "/api/v1/waves/ORD-x/release"] {
        let method = if uri.ends_with("release") {
            "POST"
        } else {
            "GET"
        };
        let (st, v, _) = call(&s, method, uri, None).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{uri}: {v}");
    }
    let (st, v, _) = call(&s, "GET", "/api/v1/put-walls/x", None).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
    let uri = "/api/v1/mobile/picking/next-task?associate=me";
    let (st, v, _) = call_as(&s, Some(ALICE), "GET", uri, None).await;
    assert_eq!(
        (st, &v["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("associate")),
        "{v}"
    );
    // A plain GET of the events stream is told to upgrade.
    let (st, v, _) = call(&s, "GET", "/api/v1/events", None).await;
    assert_eq!(st, StatusCode::UPGRADE_REQUIRED, "{v}");
    live.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_events_websocket_streams_cloudevents_as_they_happen() {
    use futures_util::StreamExt;
    let path = store_path("ws");
    let (live, s) = start(&path);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, app(s.clone())).into_future());
    // No token: the upgrade is refused.
    let refused = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events")).await;
    assert!(refused.is_err());
    let device =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?access_token={ALICE}"))
            .await;
    assert!(device.is_err(), "a device may not follow the events");
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/events?access_token={ERP}"))
            .await
            .unwrap();
    assert_eq!(
        call(
            &s,
            "POST",
            "/api/v1/orders",
            Some(order("o1", "SKU0003", 2))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let mut kinds = Vec::new();
    while kinds.len() < 3 {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .unwrap();
        let ce: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
        assert_eq!(ce["specversion"], "1.0");
        assert_eq!(ce["source"], "/paklog/tiny");
        assert_eq!(ce["datacontenttype"], "application/json");
        assert!(ce["id"].as_str().unwrap().starts_with("tiny-"));
        assert_eq!(ce["data"]["orderId"], 0, "{ce}");
        assert_eq!(ce["data"]["warehouseId"], "tiny", "{ce}");
        kinds.push(ce["type"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        kinds,
        [
            "com.paklog.wms.order.received.v1",
            "com.paklog.wms.order.validated.v1",
            "com.paklog.wms.inventory.reserved.v1"
        ]
    );
    server.abort();
    live.stop();
}

/// The next `n` CloudEvents of a stream: `(id, whole JSON)`.
async fn next_events<S>(ws: &mut S, n: usize) -> Vec<(String, String)>
where
    S: futures_util::Stream<
            Item = Result<
                tokio_tungstenite::tungstenite::Message,
                tokio_tungstenite::tungstenite::Error,
            >,
        > + Unpin,
{
    use futures_util::StreamExt;
    let mut out = Vec::new();
    while out.len() < n {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .unwrap();
        let text = msg.to_text().unwrap().to_owned();
        let ce: Value = serde_json::from_str(&text).unwrap();
        out.push((ce["id"].as_str().unwrap().to_owned(), text));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_events_stream_resumes_from_a_sequence_number_with_the_same_ids_after_a_restart() {
    let path = store_path("resume");
    let serve = |s: AppState| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        (
            addr,
            tokio::spawn(axum::serve(listener, app(s)).into_future()),
        )
    };
    let (live, s) = start(&path);
    let (addr, server) = serve(s.clone()).await;
    for (i, sku) in ["SKU0001", "SKU0003"].into_iter().enumerate() {
        let (code, _, _) = call(
            &s,
            "POST",
            "/api/v1/orders",
            Some(order(&format!("o{i}"), sku, 1)),
        )
        .await;
        assert_eq!(code, StatusCode::CREATED);
    }
    // From the start: the backlog, in order.
    let url = |from: &str| format!("ws://{addr}/api/v1/events?access_token={ERP}&from={from}");
    let (mut ws, _) = tokio_tungstenite::connect_async(url("0")).await.unwrap();
    let all = next_events(&mut ws, 6).await;
    let ids: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        ["tiny-0", "tiny-1", "tiny-2", "tiny-3", "tiny-4", "tiny-5"]
    );
    // From the middle: the rest of it, then what comes next.
    let (mut ws, _) = tokio_tungstenite::connect_async(url("4")).await.unwrap();
    assert_eq!(next_events(&mut ws, 2).await, all[4..]);
    let (code, _, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o2", "SKU0003", 1)),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED);
    let later = next_events(&mut ws, 1).await;
    assert_eq!(later[0].0, "tiny-6");
    // Not a number, or not out yet: refused, naming the field.
    // Not a sequence number: 422; one not out yet: 404.
    for (bad, status) in [
        ("x", StatusCode::UNPROCESSABLE_ENTITY),
        ("-1", StatusCode::UNPROCESSABLE_ENTITY),
        ("99", StatusCode::NOT_FOUND),
    ] {
        let (code, problem, _) = call(&s, "GET", &format!("/api/v1/events?from={bad}"), None).await;
        assert_eq!(code, status, "from={bad}: {problem}");
        assert_eq!(problem["field"], "from", "{problem}");
    }
    server.abort();
    live.stop();

    // After a restart the same events have the same ids.
    let (live, s) = start(&path);
    let (addr, server) = serve(s.clone()).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!(
        "ws://{addr}/api/v1/events?access_token={ERP}&from=0"
    ))
    .await
    .unwrap();
    let again = next_events(&mut ws, 7).await;
    assert_eq!(again[..6], all[..]);
    assert_eq!(again[6], later[0]);
    server.abort();
    live.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_made_by_timers_after_the_last_command_keep_their_ids_across_a_restart() {
    use paklog_adapters::live::{Since, subscribe};
    let path = store_path("reached");
    // Ten minutes of site time a second: metrics every five minutes.
    let live = Live::start(tiny_site(), sqlite(&path), 600.0, None).unwrap();
    let s = AppState::new(&live, tokens());
    let (code, _, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o1", "SKU0003", 1)),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let out = |live: &Live| {
        let kernel = live.sender.clone();
        async move {
            let sub = subscribe(&kernel, Since::Seq(0)).await.unwrap().unwrap();
            sub.backlog
                .into_iter()
                .map(|e| e.json.to_string())
                .collect::<Vec<_>>()
        }
    };
    let before = out(&live).await;
    let timers = before
        .iter()
        .filter(|e| e.contains("metrics.updated"))
        .count();
    assert!(timers >= 2, "metrics ticked after the order: {timers}");
    live.stop();

    let live = Live::start(tiny_site(), sqlite(&path), 600.0, None).unwrap();
    let after = out(&live).await;
    assert!(
        after.len() >= before.len(),
        "{} < {}",
        after.len(),
        before.len()
    );
    assert_eq!(
        after[..before.len()],
        before[..],
        "the same events under the same ids"
    );
    live.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_location_master_blocks_and_opens_locations_and_reconciliation_explains_them() {
    let path = store_path("block");
    let (live, state) = start(&path);
    // Given the tiny site, when the ERP blocks SKU0002's face by its code,
    let (code, _, _) = call(
        &state,
        "POST",
        "/api/v1/locations/A01-B1-02-1L/block",
        Some(json!({ "reason": "rack damage" })),
    )
    .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    // then its stock is out of reach and reconciliation explains it by the
    // block.
    let (_, loc, _) = call(&state, "GET", "/api/v1/locations/A01-B1-02-1L", None).await;
    assert_eq!(loc["stock"]["blocked"], true, "{loc}");
    let (code, rec, _) = call(&state, "GET", "/api/v1/reconciliation", None).await;
    assert_eq!(code, StatusCode::OK);
    let v = &rec["variances"][0];
    assert_eq!(v["kind"], "BLOCKED_STOCK", "{rec}");
    assert_eq!(v["units"], 10);
    assert!(v["explained_by"].is_u64(), "{rec}");
    // Bad requests are refused by name and change nothing.
    for (token, uri, body, status, field) in [
        (
            Some(ALICE),
            "/api/v1/locations/2/block",
            json!({ "reason": "x" }),
            StatusCode::FORBIDDEN,
            "Authorization",
        ),
        (
            Some(ERP),
            "/api/v1/locations/2/block",
            json!({ "reason": " " }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        ),
    ] {
        let (code, problem, _) = call_as(&state, token, "POST", uri, Some(body)).await;
        assert_eq!(code, status, "{problem}");
        assert_eq!(problem["field"], field);
    }
    let (code, _, _) = call(&state, "POST", "/api/v1/locations/NOPE/unblock", None).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, _, _) = call_as(&state, Some(BOB), "GET", "/api/v1/reconciliation", None).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    // A receipt opens a PUTAWAY task; a bad one is refused by name.
    let (code, _, _) = call(
        &state,
        "POST",
        "/api/v1/receipts",
        Some(json!({ "sku": "SKU0003", "units": 5 })),
    )
    .await;
    assert_eq!(code, StatusCode::ACCEPTED);
    let (code, problem, _) = call(
        &state,
        "POST",
        "/api/v1/receipts",
        Some(json!({ "sku": "NOPE", "units": 5 })),
    )
    .await;
    assert_eq!(
        (code, problem["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("sku"))
    );
    let (code, problem, _) = call(
        &state,
        "POST",
        "/api/v1/receipts",
        Some(json!({ "sku": "SKU0003", "units": 0 })),
    )
    .await;
    assert_eq!(
        (code, problem["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("units"))
    );
    let (_, tasks, _) = call(&state, "GET", "/api/v1/tasks?status=PENDING", None).await;
    assert_eq!(tasks[0]["kind"], "PUTAWAY", "{tasks}");
    // When it is opened again there is nothing left to explain.
    let (code, _, _) = call(&state, "POST", "/api/v1/locations/2/unblock", None).await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let (_, rec, _) = call(&state, "GET", "/api/v1/reconciliation", None).await;
    assert_eq!(rec["variances"], json!([]));
    live.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_location_master_adds_configures_and_retires_locations_and_a_restart_keeps_them() {
    let path = store_path("location-master");
    let (live, state) = start(&path);
    // The ERP adds a HAZMAT pick face at the back of aisle 2,
    let (code, created, _) = call(
        &state,
        "POST",
        "/api/v1/locations",
        Some(
            json!({ "code": "HZ-01", "type": "PICK", "zone": "Z1", "aisle": 2,
                      "depthM": 7.5, "bay": 6, "level": 1, "side": "L",
                      "restrictions": ["hazmat"], "slottingClass": "C",
                      "capacity": { "units": 24, "weightKg": 100 } }),
        ),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{created}");
    assert_eq!(created["code"], "HZ-01");
    // sets its capacity and class, and takes an empty face out of use;
    for (method, uri, body) in [
        (
            "PUT",
            "/api/v1/locations/HZ-01/capacity",
            json!({ "units": 30, "volumeL": null }),
        ),
        (
            "PUT",
            "/api/v1/locations/HZ-01/slotting-class",
            json!({ "slottingClass": "B" }),
        ),
        (
            "POST",
            "/api/v1/locations/A01-B1-01-1R/deactivate",
            json!({ "reason": "rack survey" }),
        ),
    ] {
        let (code, body, _) = call(&state, method, uri, Some(body)).await;
        assert_eq!(code, StatusCode::NO_CONTENT, "{uri}: {body}");
    }
    // refused by name: a code taken, a zone or aisle the site has not, a
    // type it does not add, a capacity below contents, a face with stock.
    for (method, uri, body, status, field) in [
        (
            "POST",
            "/api/v1/locations",
            json!({ "code": "HZ-01", "type": "RESERVE", "zone": "Z1" }),
            StatusCode::CONFLICT,
            "code",
        ),
        (
            "POST",
            "/api/v1/locations",
            json!({ "code": "F-1", "type": "RESERVE", "zone": "FROZEN" }),
            StatusCode::NOT_FOUND,
            "zone",
        ),
        (
            "POST",
            "/api/v1/locations",
            json!({ "code": "F-2", "type": "PICK", "zone": "Z1", "aisle": 9 }),
            StatusCode::NOT_FOUND,
            "aisle",
        ),
        (
            "POST",
            "/api/v1/locations",
            json!({ "code": "F-3", "type": "DOCK", "zone": "Z1" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "type",
        ),
        (
            "PUT",
            "/api/v1/locations/A01-B1-02-1L/capacity",
            json!({ "units": 3 }),
            StatusCode::CONFLICT,
            "location",
        ),
        (
            "PUT",
            "/api/v1/locations/HZ-01/capacity",
            json!({ "weightKg": -1 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "capacity.weightKg",
        ),
        (
            "POST",
            "/api/v1/locations/A01-B1-02-1L/deactivate",
            json!({ "reason": "survey" }),
            StatusCode::CONFLICT,
            "location",
        ),
    ] {
        let (code, problem, _) = call(&state, method, uri, Some(body)).await;
        assert_eq!(
            (code, problem["field"].as_str()),
            (status, Some(field)),
            "{uri}: {problem}"
        );
    }
    let check = |loc: &Value| {
        let m = &loc["location"];
        assert_eq!(m["code"], "HZ-01", "{loc}");
        assert_eq!(
            m["capacity"],
            json!({ "units": 30, "volumeL": null, "weightKg": null })
        );
        assert_eq!(m["restrictions"], json!(["HAZMAT"]));
        assert_eq!(m["slotting_class"], "B");
        assert_eq!(
            (m["point"]["aisle"].as_u64(), m["active"].as_bool()),
            (Some(1), Some(true))
        );
    };
    let (_, loc, _) = call(&state, "GET", "/api/v1/locations/HZ-01", None).await;
    check(&loc);
    let (_, retired, _) = call(&state, "GET", "/api/v1/locations/A01-B1-01-1R", None).await;
    assert_eq!(retired["location"]["active"], false, "{retired}");
    live.stop();
    // A restart replays the store to the same master.
    let (live, state) = start(&path);
    let (_, loc, _) = call(&state, "GET", "/api/v1/locations/HZ-01", None).await;
    check(&loc);
    let (_, retired, _) = call(&state, "GET", "/api/v1/locations/A01-B1-01-1R", None).await;
    assert_eq!(retired["location"]["active"], false, "{retired}");
    live.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_conveyor_controller_scans_diverts_discharges_and_stops_through_the_api() {
    use paklog_domain::material_handling::{ConveyorSpec, SegmentSpec};
    let path = store_path("conveyor");
    let belt = |capacity| SegmentSpec {
        length_m: 10.0,
        speed_mps: 0.5,
        capacity,
    };
    let mut site = tiny_site();
    site.conveyor = Some(ConveyorSpec {
        induct: belt(4),
        main: belt(10),
        spur: belt(2),
        takeaway: belt(10),
        lane: belt(4),
    });
    let live = Live::start(site, sqlite(&path), 1.0, None).unwrap();
    let s = AppState::new(&live, tokens());
    // Given an order picked and its tote delivered to the induct
    call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o1", "SKU0003", 1)),
    )
    .await;
    call(&s, "POST", "/api/v1/waves", Some(json!({"orderIds": [0]}))).await;
    call(&s, "POST", "/api/v1/waves/0/release", None).await;
    next_task(&s, 0).await;
    let confirm = json!({"associate": 0, "taskId": 0, "instruction": 0, "quantity": 1});
    let (st, v, _) = call_as(
        &s,
        Some(ALICE),
        "POST",
        "/api/v1/mobile/picking/confirm",
        Some(confirm),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let deliver = json!({"associate": 0, "taskId": 0});
    let (st, v, _) = call_as(
        &s,
        Some(ALICE),
        "POST",
        "/api/v1/mobile/picking/deliver",
        Some(deliver),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/0", None).await;
    let tote = o["tote"].as_u64().unwrap();
    // When the controller reports its scans, then the tote follows its route
    let scan = |segment: &str| json!({"tote": tote, "segment": segment});
    let (st, v, _) = call(&s, "POST", "/api/v1/conveyor/scans", Some(scan("main"))).await;
    assert_eq!(
        (st, v["field"].as_str()),
        (StatusCode::CONFLICT, Some("segment")),
        "{v}"
    );
    let (st, v, _) = call(&s, "POST", "/api/v1/conveyor/scans", Some(scan("mian"))).await;
    assert_eq!(
        (st, v["field"].as_str()),
        (StatusCode::NOT_FOUND, Some("segment")),
        "{v}"
    );
    for segment in ["induct-Z1", "main"] {
        let (st, v, _) = call(&s, "POST", "/api/v1/conveyor/scans", Some(scan(segment))).await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{segment}: {v}");
    }
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/conveyor/diverts",
        Some(json!({"tote": tote})),
    )
    .await;
    assert_eq!((st, v), (StatusCode::OK, json!({"segment": "spur-PS0"})));
    call(&s, "POST", "/api/v1/conveyor/scans", Some(scan("spur-PS0"))).await;
    let (st, _, _) = call(
        &s,
        "POST",
        "/api/v1/conveyor/discharges",
        Some(json!({"tote": tote})),
    )
    .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, c, _) = call(&s, "GET", "/api/v1/conveyor", None).await;
    assert_eq!(st, StatusCode::OK);
    let spur = c["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "spur-PS0")
        .unwrap()
        .clone();
    assert_eq!(spur["totes"], json!([tote]), "{c}");
    // And the packer finds it at the station
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/mobile/packing/start",
        Some(json!({"station": 0})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["job"]["order"], 0, "{v}");
    // Stops: a reason is required, a stopped segment refuses totes, and a
    // device may not stop the line.
    let stop = |reason: &str| json!({ "reason": reason });
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/conveyor/segments/main/stop",
        Some(stop(" ")),
    )
    .await;
    assert_eq!(
        (st, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let (st, _, _) = call_as(
        &s,
        Some(BOB),
        "POST",
        "/api/v1/conveyor/segments/main/stop",
        Some(stop("jam")),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _, _) = call(
        &s,
        "POST",
        "/api/v1/conveyor/segments/main/stop",
        Some(stop("jam")),
    )
    .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, c, _) = call(&s, "GET", "/api/v1/conveyor", None).await;
    assert_eq!(c["segments"][1]["running"], false, "{c}");
    let (st, _, _) = call(&s, "POST", "/api/v1/conveyor/segments/main/start", None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, c, _) = call(&s, "GET", "/api/v1/conveyor", None).await;
    assert_eq!(c["segments"][1]["stats"]["stops"], 1, "{c}");
    live.stop();
    // A site without a conveyor has none to show.
    let (live, s) = start(&store_path("no-conveyor"));
    assert_eq!(
        call(&s, "GET", "/api/v1/conveyor", None).await.0,
        StatusCode::NOT_FOUND
    );
    live.stop();
}

/// A site that confirms picks by scan refuses a confirmation without a
/// barcode (naming the field and the item to scan); the seed's
/// `instructionId` names the stop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scanning_site_refuses_a_pick_without_a_barcode() {
    let mut site = tiny_site();
    site.barcode_required = true;
    let live = Live::start(site, None, 1.0, None).unwrap();
    let s = AppState::new(&live, tokens());
    let (st, v, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("b1", "SKU0003", 2)),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    call(&s, "POST", "/api/v1/waves", Some(json!({"orderIds": [0]}))).await;
    call(&s, "POST", "/api/v1/waves/0/release", None).await;
    let (st, task, _) = next_task(&s, 0).await;
    assert_eq!(st, StatusCode::OK, "{task}");
    // The instruction to do now and the walk to it, beside the whole task.
    let i = &task["instruction"];
    assert_eq!(
        (
            i["instructionId"].clone(),
            i["sku_code"].clone(),
            i["quantity"].clone()
        ),
        (json!(0), json!("SKU0003"), json!(2)),
        "{task}"
    );
    assert_eq!(
        i["location_code"], task["lines"][0]["location_code"],
        "{task}"
    );
    let nav = &task["navigation"];
    let legs = nav["legs"].as_array().unwrap();
    let sum: f64 = legs.iter().map(|l| l["distance_m"].as_f64().unwrap()).sum();
    let total = nav["distance_m"].as_f64().unwrap();
    assert!((sum - total).abs() < 1e-9, "{nav}");
    // From the depot, where the associate stands, it is the route's first leg.
    let first_leg = task["lines"][0]["leg_m"].as_f64().unwrap();
    assert!(
        total > 0.0 && (total - first_leg).abs() < 1e-6,
        "{total} vs {first_leg}: {nav}"
    );
    for pair in legs.windows(2) {
        assert_eq!(pair[0]["to"], pair[1]["from"], "legs join: {nav}");
    }
    let confirm = |body: Value| {
        let s = s.clone();
        async move {
            call_as(
                &s,
                Some(ALICE),
                "POST",
                "/api/v1/mobile/picking/confirm",
                Some(body),
            )
            .await
        }
    };
    let (st, v, _) =
        confirm(json!({"taskId": task["id"], "instructionId": 0, "quantity": 2})).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("barcode")),
        "{v}"
    );
    assert!(
        v["detail"].as_str().unwrap().contains("scan SKU0003"),
        "{v}"
    );
    let (st, v, _) = confirm(
        json!({"taskId": task["id"], "instructionId": 0, "quantity": 2, "barcode": "SKU0001"}),
    )
    .await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::CONFLICT, json!("barcode")),
        "{v}"
    );
    let (st, v, _) = confirm(
        json!({"taskId": task["id"], "instructionId": 0, "quantity": 2, "barcode": "SKU0003"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // Both names of the stop at once are one field given twice.
    let (st, v, _) =
        confirm(json!({"taskId": task["id"], "instructionId": 0, "instruction": 0, "quantity": 2}))
            .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

/// Wave control as the seed describes it: the create body with a strategy
/// and a priority, the pending waves in the order a planner releases them,
/// cancel while planned, cancel compensating a release before any task
/// started and 409 after; a release refused while nothing is allocatable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waves_are_created_listed_by_priority_and_cancelled_as_the_seed_says() {
    let path = store_path("wave-control");
    let (_live, s) = start(&path);
    for (i, sku) in ["SKU0001", "SKU0002", "SKU0003"].into_iter().enumerate() {
        let (st, v, _) = call(
            &s,
            "POST",
            "/api/v1/orders",
            Some(order(&format!("w{i}"), sku, 1)),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let create = |body: Value| {
        let s = s.clone();
        async move { call(&s, "POST", "/api/v1/waves", Some(body)).await }
    };
    let (st, v, _) = create(json!({"orderIds": [0]})).await;
    assert_eq!(
        (st, v["waveId"].clone()),
        (StatusCode::CREATED, json!(0)),
        "{v}"
    );
    let (st, v, _) =
        create(json!({"orderIds": [1], "strategy": "CARRIER_BASED", "priority": "CRITICAL"})).await;
    assert_eq!(
        (st, v["waveId"].clone()),
        (StatusCode::CREATED, json!(1)),
        "{v}"
    );
    let (st, v, _) =
        create(json!({"orderIds": [2], "strategy": "ZONE_BASED", "priority": "HIGH"})).await;
    assert_eq!(
        (st, v["waveId"].clone()),
        (StatusCode::CREATED, json!(2)),
        "{v}"
    );
    // Values outside the seed's enums are refused by name.
    let (st, v, _) = create(json!({"orderIds": [2], "priority": "URGENT"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, v, _) = create(json!({"orderIds": [2], "strategy": "RANDOM"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // Pending waves, most urgent first.
    let (st, v, _) = call(&s, "GET", "/api/v1/waves?status=PLANNED", None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let listed: Vec<(u64, &str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_u64().unwrap(),
                w["priority"].as_str().unwrap(),
                w["strategy"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (1, "CRITICAL", "carrier"),
            (2, "HIGH", "zone"),
            (0, "STANDARD", "manual")
        ]
    );

    // Cancel a planned wave: its order is reserved again and can be waved.
    let (st, v, _) = call(&s, "POST", "/api/v1/waves/2/cancel", None).await;
    assert_eq!(
        (st, v["status"].clone()),
        (StatusCode::OK, json!("CANCELLED")),
        "{v}"
    );
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/2", None).await;
    assert_eq!(o["status"], "RESERVED", "{o}");
    let (st, v, _) = call(&s, "POST", "/api/v1/waves/2/cancel", None).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["field"], "wave", "{v}");
    // Released, no task started: the cancel compensates the release (its
    // task cancelled, its stock given back) and the order waits again.
    let (st, _, _) = call(&s, "POST", "/api/v1/waves/1/release", None).await;
    assert_eq!(st, StatusCode::OK);
    let (st, v, _) = call(&s, "POST", "/api/v1/waves/1/cancel", None).await;
    assert_eq!(
        (st, v["status"].clone()),
        (StatusCode::OK, json!("CANCELLED")),
        "{v}"
    );
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/1", None).await;
    assert_eq!(o["status"], "RESERVED", "{o}");
    let (_, t, _) = call(&s, "GET", "/api/v1/tasks?status=cancelled", None).await;
    let cancelled: Vec<&Value> = t.as_array().unwrap().iter().collect();
    assert_eq!(cancelled.len(), 1, "{t}");
    assert_eq!(cancelled[0]["wave"], 1, "{t}");
    let (_, loc, _) = call(&s, "GET", "/api/v1/locations/2", None).await;
    assert_eq!(loc["stock"]["allocated"], 0, "{loc}");
    // Waved again and released, its task started: too late to cancel.
    let (st, v, _) = create(json!({"orderIds": [1]})).await;
    assert_eq!((st, v["waveId"].clone()), (StatusCode::CREATED, json!(3)));
    let (st, _, _) = call(&s, "POST", "/api/v1/waves/3/release", None).await;
    assert_eq!(st, StatusCode::OK);
    let (st, task, _) = next_task(&s, 0).await;
    assert_eq!(
        (st, task["status"].clone()),
        (StatusCode::OK, json!("IN_PROGRESS")),
        "{task}"
    );
    let (_, w, _) = call(&s, "GET", "/api/v1/waves/3", None).await;
    assert_eq!(w["status"], "IN_PROGRESS", "{w}");
    let (st, v, _) = call(&s, "POST", "/api/v1/waves/3/cancel", None).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("a RELEASED one none of whose tasks has started"),
        "{v}"
    );
    // A wave nothing of which can be allocated is not released: wave 0's
    // order wants SKU0001, whose faces are then blocked.
    for face in ["0", "19"] {
        let (st, v, _) = call(
            &s,
            "POST",
            &format!("/api/v1/locations/{face}/block"),
            Some(json!({ "reason": "rack damage" })),
        )
        .await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    }
    let (st, v, _) = call(&s, "POST", "/api/v1/waves/0/release", None).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::CONFLICT, json!("wave")),
        "{v}"
    );
    assert!(
        v["detail"].as_str().unwrap().contains("can be allocated"),
        "{v}"
    );
    let (_, w, _) = call(&s, "GET", "/api/v1/waves/0", None).await;
    assert_eq!(
        w["status"], "PLANNED",
        "a refused release changes nothing: {w}"
    );
    let (st, _, _) = call(&s, "POST", "/api/v1/waves/9/cancel", None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let (_, v, _) = call(&s, "GET", "/api/v1/waves?status=planned", None).await;
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    let (_, v, _) = call(&s, "GET", "/api/v1/waves", None).await;
    assert_eq!(v.as_array().unwrap().len(), 4, "{v}");
    let (st, v, _) = call(&s, "GET", "/api/v1/waves?status=LOST", None).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("status"))
    );
    // A device may not plan.
    let (st, _, _) = call_as(&s, Some(ALICE), "POST", "/api/v1/waves/0/cancel", None).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

/// A store made on the virtual clock (by a site without a calendar, before
/// sites had one) keeps it when its site starts on a calendar, as `paklog
/// serve` now starts a site file that names no zone: its commands stay
/// where they ran. A new store on that calendar takes the real day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_made_on_the_virtual_clock_keeps_it_and_a_new_one_takes_the_calendar() {
    use paklog_adapters::live::wall_now_ms;
    use paklog_domain::SiteCalendar;
    let path = store_path("virtual-clock");
    let live = Live::start(tiny_site(), sqlite(&path), 1.0, None).unwrap();
    let s = AppState::new(&live, tokens());
    let (st, o, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o1", "SKU0003", 1)),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{o}");
    live.stop();

    let now = wall_now_ms();
    let mut utc = tiny_site();
    let calendar = SiteCalendar::from_day_of("UTC", now).unwrap();
    utc.calendar = calendar;
    let live = Live::start_at(utc.clone(), sqlite(&path), 1.0, None, now).unwrap();
    let s = AppState::new(&live, tokens());
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/0", None).await;
    assert!(o["created"].as_u64().unwrap() < 60_000, "{o}");
    let created = o["times"]["created"].as_str().unwrap();
    assert!(created.starts_with("1970-01-01T00:0"), "{o}");
    live.stop();

    let path = store_path("utc-clock");
    let live = Live::start_at(utc, sqlite(&path), 1.0, None, now).unwrap();
    let s = AppState::new(&live, tokens());
    let (st, o, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o1", "SKU0003", 1)),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{o}");
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/0", None).await;
    // Site time is the real time of day on UTC's calendar.
    let created = o["created"].as_u64().unwrap();
    let real = calendar.site_time(now).as_millis();
    assert!(
        (real.saturating_sub(300_000)..real + 60_000).contains(&created),
        "{created} ms, {real} ms: {o}"
    );
    assert!(
        o["times"]["created"].as_str().unwrap().ends_with("+00:00"),
        "{o}"
    );
    live.stop();
}

/// A site in Berlin runs on local time: started at 16:20, stopped, and
/// restarted at 17:40, it fires the wave planning that fell due while it
/// was down (16:50 and 17:20) and UPS's 17:00 departure, in order and
/// marked late, before it takes a new command; a second restart replays
/// the same site and sends the same events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_with_a_time_zone_runs_on_local_time_and_catches_up_after_downtime() {
    use paklog_adapters::live::{Since, subscribe};
    use paklog_domain::SiteCalendar;
    let events = |live: &Live| {
        let kernel = live.sender.clone();
        async move {
            let sub = subscribe(&kernel, Since::Seq(0)).await.unwrap().unwrap();
            sub.backlog
                .into_iter()
                .map(|e| serde_json::from_str::<Value>(&e.json).unwrap())
                .collect::<Vec<_>>()
        }
    };
    let path = store_path("calendar");
    let mut site = tiny_site();
    site.calendar = SiteCalendar::parse("Europe/Berlin", "1970-01-01").unwrap();
    let day = SiteCalendar::parse("Europe/Berlin", "2026-06-10").unwrap();
    let wall = |h: u64, m: u64| day.unix_ms(day.at(0, (h * 60 + m) as u32));
    let site_ms = |h: u64, m: u64| day.at(0, (h * 60 + m) as u32).as_millis();

    let live = Live::start_at(site.clone(), sqlite(&path), 1.0, None, wall(16, 20)).unwrap();
    let s = AppState::new(&live, tokens());
    let (st, o, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o1", "SKU0003", 1)),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{o}");
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/0", None).await;
    let created = o["created"].as_u64().unwrap();
    assert!((site_ms(16, 20)..site_ms(16, 21)).contains(&created), "{o}");
    assert_eq!(o["due"], site_ms(17, 0), "UPS's cut-off, 17:00 local");
    // The same as people read it, with the codes beside the ids.
    assert_eq!(o["times"]["due"], "2026-06-10T17:00:00.000+02:00", "{o}");
    assert!(
        o["times"]["created"]
            .as_str()
            .unwrap()
            .starts_with("2026-06-10T16:20"),
        "{o}"
    );
    assert_eq!(o["carrier_name"], "UPS", "{o}");
    assert_eq!(o["lines"][0]["sku_code"], "SKU0003", "{o}");
    let (_, m, _) = call(&s, "GET", "/api/v1/metrics", None).await;
    assert!(
        m["now"].as_str().unwrap().starts_with("2026-06-10T16:20"),
        "{m}"
    );
    assert_eq!(
        m["interval"]["start"], "2026-06-10T16:20:00.000+02:00",
        "{m}"
    );
    assert_eq!(m["interval"]["end"], "2026-06-10T16:25:00.000+02:00", "{m}");
    // o1 is picked and packed by hand, to wait at the dock for UPS's
    // truck; o0 waits for the 16:50 wave planning.
    let (st, o, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o0", "SKU0001", 1)),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{o}");
    let (st, v, _) = call(&s, "POST", "/api/v1/waves", Some(json!({"orderIds": [0]}))).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v, _) = call(&s, "POST", "/api/v1/waves/0/release", None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, task, _) = next_task(&s, 0).await;
    assert_eq!(st, StatusCode::OK, "{task}");
    for (path, body) in [
        (
            "picking/confirm",
            json!({"associate": 0, "taskId": 0, "instruction": 0, "quantity": 1, "barcode": "SKU0003"}),
        ),
        ("picking/deliver", json!({"associate": 0, "taskId": 0})),
        ("packing/start", json!({"station": 0})),
    ] {
        let uri = format!("/api/v1/mobile/{path}");
        let (st, v, _) = call_as(&s, Some(device(0)), "POST", &uri, Some(body)).await;
        assert_eq!(st, StatusCode::OK, "{path}: {v}");
        if path == "packing/start" {
            let done =
                json!({"station": 0, "orderId": 0, "weightKg": v["job"]["expected_weight_kg"]});
            let (st, v, _) = call(&s, "POST", "/api/v1/mobile/packing/complete", Some(done)).await;
            assert_eq!(st, StatusCode::OK, "{v}");
        }
    }
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/0", None).await;
    assert_eq!(o["status"], "READY_TO_SHIP", "{o}");
    assert_eq!(
        call(&s, "GET", "/api/v1/waves/1", None).await.0,
        StatusCode::NOT_FOUND
    );
    let on_time = events(&live).await;
    assert!(
        on_time.iter().all(|e| e.get("pakloglatems").is_none()),
        "{on_time:?}"
    );
    live.stop();

    // Down from 16:20 to 17:40: the 16:50 wave planning fires on start.
    let live = Live::start_at(site.clone(), sqlite(&path), 1.0, None, wall(17, 40)).unwrap();
    let s = AppState::new(&live, tokens());
    let caught = events(&live).await;
    assert_eq!(
        caught[..on_time.len()],
        on_time[..],
        "the same ids as before"
    );
    let late: Vec<_> = caught[on_time.len()..]
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["time"].as_str().unwrap(),
                e["pakloglatems"].as_u64(),
            )
        })
        .collect();
    let at = |t: &str| late.iter().position(|e| e.0.contains(t));
    let released = at("wave.released").expect("the 16:50 wave");
    let departed = at("order.shipped").expect("UPS's 17:00 departure");
    assert!(released < departed, "in the order they fell due: {late:?}");
    assert_eq!(late[released].1, "2026-06-10T16:50:00.000+02:00");
    assert_eq!(late[released].2, Some(50 * 60_000), "{late:?}");
    assert_eq!(late[departed].1, "2026-06-10T17:00:00.000+02:00");
    assert_eq!(late[departed].2, Some(40 * 60_000), "{late:?}");
    assert!(
        late.iter()
            .all(|e| e.2.is_some() || e.1 >= "2026-06-10T17:40"),
        "every event due before the restart is marked late: {late:?}"
    );
    let (st, w, _) = call(&s, "GET", "/api/v1/waves/1", None).await;
    assert_eq!(st, StatusCode::OK, "{w}");
    let released = |w: &Value| w["releasedAt"].as_u64().or(w["released_at"].as_u64());
    assert_eq!(released(&w), Some(site_ms(16, 50)), "{w}");
    assert_eq!(
        w["times"]["released"], "2026-06-10T16:50:00.000+02:00",
        "{w}"
    );
    let (st, o, _) = call(
        &s,
        "POST",
        "/api/v1/orders",
        Some(order("o2", "SKU0003", 1)),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{o}");
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/2", None).await;
    assert!(
        o["created"].as_u64().unwrap() >= site_ms(17, 40),
        "after the catch-up: {o}"
    );
    assert_eq!(
        o["due"],
        site_ms(17, 0) + 24 * 3_600_000,
        "tomorrow's 17:00"
    );
    assert_eq!(o["times"]["due"], "2026-06-11T17:00:00.000+02:00", "{o}");
    let sent = events(&live).await;
    live.stop();

    // A restart replays the same site and sends the same events, the late
    // ones still marked so; o2's events went out on time.
    let live = Live::start_at(site, sqlite(&path), 1.0, None, wall(17, 41)).unwrap();
    let s = AppState::new(&live, tokens());
    let (_, again, _) = call(&s, "GET", "/api/v1/waves/1", None).await;
    assert_eq!(again, w);
    let resent = events(&live).await;
    assert_eq!(resent[..sent.len()], sent[..]);
    assert!(
        sent[caught.len()..]
            .iter()
            .all(|e| e.get("pakloglatems").is_none()),
        "{sent:?}"
    );
    live.stop();
}

/// A live site keeps the latest events in memory and forgets older ones,
/// but never one a sink (Kafka) has not acknowledged: a subscriber that
/// asks for a forgotten one is told (410, with the oldest kept), and the
/// reconciliation still cites the fact behind a variance after the fact
/// itself is forgotten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_site_forgets_old_events_only_once_every_sink_has_them() {
    use paklog_adapters::live::{
        Input, KAFKA_SINK, Retention, Since, SubscribeError, subscribe, wall_now_ms,
    };
    let retention = Retention {
        events: 1024,
        ..Retention::default()
    };
    let live = Live::start_with(tiny_site(), None, 1.0, None, wall_now_ms(), retention).unwrap();
    let s = AppState::new(&live, tokens());
    // A block (an early event), then Kafka subscribes: from here on it
    // holds every event it has not acknowledged.
    let (code, _, _) = call(
        &s,
        "POST",
        "/api/v1/locations/A01-B1-02-1L/block",
        Some(json!({ "reason": "rack damage" })),
    )
    .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let kafka = subscribe(&live.sender, Since::Unacknowledged(KAFKA_SINK))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kafka.from, 0);
    let post_orders = |from: usize, n: usize| {
        let s = s.clone();
        async move {
            for batch in (from..from + n).collect::<Vec<_>>().chunks(50) {
                let calls = batch.iter().map(|i| {
                    let s = s.clone();
                    async move {
                        let body = order(&format!("r-{i}"), "SKU0001", 1);
                        call(&s, "POST", "/api/v1/orders", Some(body)).await.0
                    }
                });
                for code in futures_util::future::join_all(calls).await {
                    assert_eq!(code, StatusCode::CREATED);
                }
            }
        }
    };
    post_orders(0, 1000).await;
    let everything = subscribe(&live.sender, Since::Seq(0))
        .await
        .unwrap()
        .unwrap();
    let made = everything.backlog.len() as u64;
    assert!(made > 2 * 1024, "{made} events");
    // Kafka has not acknowledged anything: nothing is forgotten.
    assert_eq!(everything.from, 0);

    // Kafka acknowledges all but the last 100: what it has and is not
    // among the latest 1 024 is forgotten at the next step.
    live.sender
        .send(Input::Delivered {
            sink: KAFKA_SINK,
            upto: made - 100,
        })
        .unwrap();
    post_orders(1000, 1).await;
    let next = match subscribe(&live.sender, Since::Seq(0)).await.unwrap() {
        Err(SubscribeError::Forgotten { from: 0, first }) => first,
        other => panic!("{other:?}"),
    };
    let kept = subscribe(&live.sender, Since::Seq(next))
        .await
        .unwrap()
        .unwrap();
    assert!(
        (1024..made as usize).contains(&kept.backlog.len()),
        "{} kept of {made}",
        kept.backlog.len()
    );
    assert_eq!(kept.backlog[0].seq, next);
    let (code, problem, _) = call(&s, "GET", "/api/v1/events?from=0", None).await;
    assert_eq!(code, StatusCode::GONE, "{problem}");
    assert_eq!(problem["field"], "from");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&next.to_string()),
        "{problem}"
    );
    // The block's event is forgotten; reconciliation still cites it.
    let (_, rec, _) = call(&s, "GET", "/api/v1/reconciliation", None).await;
    let blocked = rec["variances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["kind"] == "BLOCKED_STOCK")
        .unwrap_or_else(|| panic!("{rec}"));
    let cited = blocked["explained_by"]
        .as_u64()
        .unwrap_or_else(|| panic!("{rec}"));
    assert!(cited < next, "{rec}");
    drop(kafka);
    live.stop();
}

/// Put walls live: a bulk tote picked for two orders is scanned at the
/// wall, items go into slots by SKU and quantity (a wrong SKU, too many
/// and a put into a full slot refused by field), a complete slot's order
/// goes to packing, and a slot that cannot complete is closed short.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_tote_is_sorted_at_a_put_wall_slot_by_slot_as_the_seed_says() {
    let path = store_path("put-wall");
    let live = Live::start(tiny_site_with_put_wall(), sqlite(&path), 1.0, None).unwrap();
    let s = AppState::new(&live, tokens());
    for (id, sku, quantity) in [("p1", "SKU0003", 2), ("p2", "SKU0002", 1)] {
        let (st, v, _) = call(&s, "POST", "/api/v1/orders", Some(order(id, sku, quantity))).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    call(
        &s,
        "POST",
        "/api/v1/waves",
        Some(json!({"orderIds": [0, 1]})),
    )
    .await;
    let (st, _, _) = call(&s, "POST", "/api/v1/waves/0/release", None).await;
    assert_eq!(st, StatusCode::OK);
    // Alice picks the bulk tote and takes it to the wall.
    let (st, task, _) = next_task(&s, 0).await;
    assert_eq!(st, StatusCode::OK, "{task}");
    let stops = task["lines"].as_array().unwrap().clone();
    for (i, stop) in stops.iter().enumerate() {
        let pick = json!({"taskId": task["id"], "instructionId": i,
                          "quantity": stop["quantity"], "barcode": stop["sku_code"]});
        let (st, v, _) = call_as(
            &s,
            Some(ALICE),
            "POST",
            "/api/v1/mobile/picking/confirm",
            Some(pick),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    let (st, v, _) = call_as(
        &s,
        Some(ALICE),
        "POST",
        "/api/v1/mobile/picking/deliver",
        Some(json!({"taskId": task["id"]})),
    )
    .await;
    assert_eq!(
        (st, v["put_wall"].clone()),
        (StatusCode::OK, json!(0)),
        "{v}"
    );
    let tote = task["totes"][0].as_u64().unwrap();
    let (st, wall, _) = call(&s, "GET", "/api/v1/put-walls/0", None).await;
    assert_eq!(
        (st, wall["waitingTotes"].clone()),
        (StatusCode::OK, json!([tote])),
        "{wall}"
    );
    assert_eq!(
        call(&s, "GET", "/api/v1/put-walls/3", None).await.0,
        StatusCode::NOT_FOUND
    );

    let post = |uri: &'static str, body: Value| {
        let s = s.clone();
        async move { call(&s, "POST", uri, Some(body)).await }
    };
    // Nothing is put before a tote is scanned; a tote not at the wall is
    // refused.
    let put = |slot: u64, sku: &str, quantity: u32| json!({"wall": 0, "slot": slot, "sku": sku, "quantity": quantity});
    let (st, v, _) = post("/api/v1/mobile/put-wall/put", put(0, "SKU0003", 1)).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::CONFLICT, json!("wall")),
        "{v}"
    );
    let (st, v, _) = post(
        "/api/v1/mobile/put-wall/scan",
        json!({"wall": 0, "toteId": tote + 7}),
    )
    .await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::CONFLICT, json!("tote")),
        "{v}"
    );
    let (st, wall, _) = post(
        "/api/v1/mobile/put-wall/scan",
        json!({"wall": 0, "toteId": tote}),
    )
    .await;
    assert_eq!(
        (st, wall["sortingTote"].clone()),
        (StatusCode::OK, json!(tote)),
        "{wall}"
    );
    let slot_of = |wall: &Value, order: u64| {
        wall["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["orderId"] == order)
            .unwrap_or_else(|| panic!("order {order}: {wall}"))["slot"]
            .as_u64()
            .unwrap()
    };
    let (p1, p2) = (slot_of(&wall, 0), slot_of(&wall, 1));
    assert_eq!(wall["slots"][p1 as usize]["expectedItemCount"], 2, "{wall}");
    // A SKU the slot's order did not get, more than it expects (409), an
    // unknown SKU or none put (422), a slot the wall has not (404): refused
    // by field, nothing put.
    for (body, status, field) in [
        (put(p1, "SKU0002", 1), StatusCode::CONFLICT, "sku"),
        (put(p1, "SKU0003", 3), StatusCode::CONFLICT, "quantity"),
        (put(p1, "NOPE", 1), StatusCode::UNPROCESSABLE_ENTITY, "sku"),
        (put(9, "SKU0003", 1), StatusCode::NOT_FOUND, "slot"),
        (
            json!({"wall": 0, "slot": p1, "sku": "SKU0003", "quantity": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity",
        ),
    ] {
        let (st, v, _) = post("/api/v1/mobile/put-wall/put", body.clone()).await;
        assert_eq!(
            (st, v["field"].clone()),
            (status, json!(field)),
            "{body}: {v}"
        );
    }
    // One unit, then the second: the slot completes and p1 goes to packing.
    let (st, v, _) = post("/api/v1/mobile/put-wall/put", put(p1, "SKU0003", 1)).await;
    assert_eq!(
        (st, v["station"].clone()),
        (StatusCode::OK, Value::Null),
        "{v}"
    );
    assert_eq!(
        v["putWall"]["slots"][p1 as usize]["currentItemCount"], 1,
        "{v}"
    );
    let (st, v, _) = post("/api/v1/mobile/put-wall/put", put(p1, "SKU0003", 1)).await;
    assert_eq!(
        (st, v["station"].clone()),
        (StatusCode::OK, json!(0)),
        "{v}"
    );
    assert_eq!(
        v["putWall"]["slots"][p1 as usize]["status"], "COMPLETE",
        "{v}"
    );
    // A full slot takes nothing more.
    let (st, v, _) = post("/api/v1/mobile/put-wall/put", put(p1, "SKU0003", 1)).await;
    assert_eq!(
        (st, v["field"].clone()),
        (StatusCode::CONFLICT, json!("slot")),
        "{v}"
    );
    // p2's item was damaged at the wall: its slot is closed short, the
    // order closes (nothing of it is left to pack), and the wall is free.
    let (st, v, _) = post(
        "/api/v1/mobile/put-wall/close",
        json!({"wall": 0, "slot": p2}),
    )
    .await;
    assert_eq!((st, v["left"].clone()), (StatusCode::OK, json!(0)), "{v}");
    assert_eq!(v["putWall"]["sortingTote"], Value::Null, "{v}");
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/1", None).await;
    assert_eq!(o["lines"][0]["short"], 1, "{o}");
    assert_eq!(o["status"], "CLOSED", "nothing of it to pack: {o}");
    let (_, o, _) = call(&s, "GET", "/api/v1/orders/0", None).await;
    assert_eq!(o["status"], "PICKED", "{o}");
    live.stop();
    // The sort replays from the store.
    let live = Live::start(tiny_site_with_put_wall(), sqlite(&path), 1.0, None).unwrap();
    let s = AppState::new(&live, tokens());
    let (_, wall, _) = call(&s, "GET", "/api/v1/put-walls/0", None).await;
    assert_eq!(wall["sorted"], 2, "{wall}");
}

fn tiny_site_with_put_wall() -> paklog_domain::SiteConfig {
    let mut site = tiny_site();
    site.picking = paklog_domain::pick_execution::Picking::PutWall { slots: 2, walls: 1 };
    site
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slotting_applied_through_the_api_moves_a_face_by_a_reslot_task_and_a_restart_keeps_it() {
    let path = store_path("reslot");
    let (live, state) = start(&path);
    // SKU0002's face A01-B1-02-1L moves to the empty A01-B1-01-1R.
    let moves = |from: &str, to: &str| json!({ "moves": [{ "from": from, "to": to }] });
    let (code, body, _) = call(
        &state,
        "POST",
        "/api/v1/slotting/moves",
        Some(moves("A01-B1-02-1L", "A01-B1-01-1R")),
    )
    .await;
    assert_eq!(code, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body, json!({ "moves": 1, "hops": 0, "started": 1 }));
    // Refused by the move's field: no such location, a target another item
    // holds, a face already moving.
    for (from, to, status, field) in [
        (
            "NOPE",
            "A01-B1-02-1R",
            StatusCode::NOT_FOUND,
            "moves[0].from",
        ),
        (
            "A01-B1-01-1L",
            "A02-B1-02-1L",
            StatusCode::CONFLICT,
            "moves[0].to",
        ),
        (
            "A01-B1-02-1L",
            "A01-B1-02-1R",
            StatusCode::CONFLICT,
            "moves[0].from",
        ),
    ] {
        let (code, problem, _) = call(
            &state,
            "POST",
            "/api/v1/slotting/moves",
            Some(moves(from, to)),
        )
        .await;
        assert_eq!(
            (code, problem["field"].as_str()),
            (status, Some(field)),
            "{from} → {to}: {problem}"
        );
    }
    // The handheld gets the RESLOT task: take 10 out, put 10 in.
    let (_, task, _) = next_task(&state, 0).await;
    assert_eq!(task["kind"], "RESLOT", "{task}");
    let id = task["id"].clone();
    for instruction in 0..2 {
        let (code, body, _) = call_as(
            &state,
            Some(ALICE),
            "POST",
            "/api/v1/mobile/picking/confirm",
            Some(
                json!({ "associate": 0, "taskId": id, "instruction": instruction, "quantity": 10 }),
            ),
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    let (code, body, _) = call_as(
        &state,
        Some(ALICE),
        "POST",
        "/api/v1/mobile/picking/deliver",
        Some(json!({ "associate": 0, "taskId": id })),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let check = |old: &Value, new: &Value| {
        assert_eq!(old["location"]["sku"], Value::Null, "{old}");
        assert_eq!(new["location"]["sku"], 1, "{new}");
        assert_eq!(new["stock"]["on_hand"], 10, "{new}");
    };
    let (_, old, _) = call(&state, "GET", "/api/v1/locations/A01-B1-02-1L", None).await;
    let (_, new, _) = call(&state, "GET", "/api/v1/locations/A01-B1-01-1R", None).await;
    check(&old, &new);
    live.stop();
    // A restart replays the store to the same slotting.
    let (live, state) = start(&path);
    let (_, old, _) = call(&state, "GET", "/api/v1/locations/A01-B1-02-1L", None).await;
    let (_, new, _) = call(&state, "GET", "/api/v1/locations/A01-B1-01-1R", None).await;
    check(&old, &new);
    live.stop();
}
