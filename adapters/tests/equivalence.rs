//! The same code, proved: a command sequence fed through the HTTP API on
//! the wall clock produces the same domain events, in the same order, with
//! the same times and ids, as the same commands fed to the simulation on
//! the virtual clock.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bevy_ecs::prelude::*;
use http_body_util::BodyExt;
use paklog_adapters::cloudevents::cloud_event;
use paklog_adapters::store::CommandStore;
use paklog_adapters::{AppState, Live, SqliteStore, Tokens, app};
use paklog_domain::testing::tiny_site;
use paklog_domain::{Command, DomainTimer, Warehouse};
use paklog_sim::{Scheduler, SimTime, Simulation, VirtualClock};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A morning on the tiny site through the API: orders, a wave, two pickers
/// working it (one short pick), packing, RTLS pings.
async fn morning(s: &AppState) {
    for (i, (sku, qty)) in [("SKU0001", 2), ("SKU0003", 1), ("SKU0002", 4)]
        .into_iter()
        .enumerate()
    {
        let order = json!({"external_id": format!("eq-{i}"), "carrier": "UPS",
                           "lines": [{"sku": sku, "quantity": qty}, {"sku": "SKU0003", "quantity": 1}]});
        assert_eq!(
            call(s, "POST", "/api/v1/orders", Some(order)).await.0,
            StatusCode::CREATED
        );
    }
    let (st, _) = call(
        s,
        "POST",
        "/api/v1/waves",
        Some(json!({"orderIds": [0, 1, 2]})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(
        call(s, "POST", "/api/v1/waves/0/release", None).await.0,
        StatusCode::OK
    );
    let pings = json!({"pings": [{"tag": "associate-0", "x_m": 0.0, "y_m": 1.0}]});
    assert_eq!(
        call(s, "POST", "/api/v1/rtls/pings", Some(pings)).await.0,
        StatusCode::ACCEPTED
    );
    let mut short = true;
    loop {
        let mut worked = false;
        for a in 0..2 {
            let (st, task) = call(
                s,
                "GET",
                &format!("/api/v1/mobile/picking/next-task?associate={a}"),
                None,
            )
            .await;
            if st != StatusCode::OK {
                continue;
            }
            worked = true;
            // Stop by stop as the handheld says; a short pick may add a
            // stop at another location, so the task is fetched again.
            let mut task = task;
            let mut next = Some(0);
            while let Some(i) = next {
                let line = task["lines"][i as usize].clone();
                let mut quantity = line["quantity"].as_u64().unwrap();
                if short && quantity > 1 {
                    quantity -= 1;
                    short = false;
                }
                let pick = json!({"associate": a, "taskId": task["id"], "instruction": i,
                                  "quantity": quantity, "barcode": line["sku_code"]});
                let (st, v) = call(s, "POST", "/api/v1/mobile/picking/confirm", Some(pick)).await;
                assert_eq!(st, StatusCode::OK, "{v}");
                next = v["next_line"].as_u64();
                if next.is_some_and(|n| task["lines"].get(n as usize).is_none()) {
                    task = call(
                        s,
                        "GET",
                        &format!("/api/v1/mobile/picking/next-task?associate={a}"),
                        None,
                    )
                    .await
                    .1;
                }
            }
            let deliver = json!({"associate": a, "taskId": task["id"]});
            let (st, v) = call(s, "POST", "/api/v1/mobile/picking/deliver", Some(deliver)).await;
            assert_eq!(st, StatusCode::OK, "{v}: {task}");
        }
        if !worked {
            break;
        }
    }
    loop {
        let (st, v) = call(
            s,
            "POST",
            "/api/v1/mobile/packing/start",
            Some(json!({"station": 0})),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        let Some(job) = v["job"].as_object().cloned() else {
            break;
        };
        let done =
            json!({"station": 0, "orderId": job["order"], "weightKg": job["expected_weight_kg"]});
        let (st, v) = call(s, "POST", "/api/v1/mobile/packing/complete", Some(done)).await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
}

enum Ev {
    Timer(DomainTimer),
    Command(Command),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_on_the_wall_clock_and_the_simulation_make_the_same_events() {
    let path = std::env::temp_dir().join(format!("paklog-eq-{}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = SqliteStore::open(&path).unwrap();
    let live = Live::start(tiny_site(), Some(Box::new(store)), 1.0, None).unwrap();
    let mut events = live.events.subscribe();
    let s = AppState::new(&live, Tokens::open());
    // Let the timers due at the start run before the first request.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    morning(&s).await;
    live.stop();
    let mut live_events = Vec::new();
    while let Ok(e) = events.try_recv() {
        live_events.push(serde_json::from_str::<Value>(&e.json).unwrap());
    }

    // The commands the API made, as recorded, fed to the simulation at
    // the same simulated times.
    let recorded = SqliteStore::open(&path).unwrap().history().unwrap();
    assert!(recorded.len() > 20, "{}", recorded.len());
    let end = recorded.last().unwrap().at;
    let mut wh = Warehouse::new(tiny_site()).unwrap();
    wh.start(SimTime::ZERO);
    let mut sim = Simulation::new(World::new());
    wh.schedule_timers(&mut sim, Ev::Timer);
    sim.world_mut().insert_resource(wh);
    for r in &recorded {
        sim.schedule_at(r.at, Ev::Command(r.command.clone()));
    }
    sim.run(
        &mut VirtualClock,
        Some(end),
        |world: &mut World, sched: &mut Scheduler<'_, Ev>, ev| {
            let now = sched.now();
            let mut wh = world.resource_mut::<Warehouse>();
            match ev {
                Ev::Timer(t) => wh.on_timer(now, t),
                Ev::Command(c) => {
                    if let Err(e) = wh.execute(now, c.clone()) {
                        panic!("{c:?} refused in the simulation: {e}");
                    }
                }
            }
            wh.schedule_timers(sched, Ev::Timer);
        },
    );
    let wh = sim.world().resource::<Warehouse>();
    let simulated: Vec<Value> = wh
        .bus()
        .log()
        .iter()
        .map(|r| cloud_event(wh.config(), r))
        .collect();

    assert!(simulated.len() > 50, "{}", simulated.len());
    let shipped = |log: &[Value]| {
        log.iter()
            .filter(|e| e["type"] == "com.paklog.wes.packing.completed.v1")
            .count()
    };
    assert_eq!(shipped(&simulated), 3, "the morning packs every order");
    assert!(
        simulated
            .iter()
            .any(|e| e["type"] == "com.paklog.wes.pick.short.v1")
    );
    assert_eq!(live_events.len(), simulated.len());
    for (i, (l, v)) in live_events.iter().zip(&simulated).enumerate() {
        assert_eq!(l, v, "event {i} differs");
    }
}
