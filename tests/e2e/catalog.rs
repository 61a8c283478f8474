//! The event catalog as consumers see it: the AsyncAPI document served at
//! `/asyncapi.json` describes every CloudEvents type the domain can emit,
//! and every event of a simulated `small-dc` day, encoded as the live
//! service sends it, validates against its message's payload schema.

use std::collections::BTreeMap;
use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use paklog_adapters::cloudevents::{cloud_event, topic_of};
use paklog_domain::events::CATALOG;
use paklog_scenarios::{ScenarioRun, load};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The document as a client gets it from a running site.
async fn served() -> Value {
    let live =
        paklog_adapters::Live::start(paklog_domain::testing::tiny_site(), None, 1.0, None).unwrap();
    let state = paklog_adapters::AppState::new(&live, paklog_adapters::Tokens::new([]));
    let req = Request::get("/asyncapi.json").body(Body::empty()).unwrap();
    let res = paklog_adapters::app(state).oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

/// A validator of the payload of message `tag`: the payload with the
/// document's components beside it, so its `$ref`s resolve.
fn validator(doc: &Value, tag: &str) -> jsonschema::Validator {
    let mut schema = doc["components"]["messages"][tag]["payload"].clone();
    schema["components"] = doc["components"].clone();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("the schema of {tag}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asyncapi_describes_every_type_and_a_small_days_events_validate_against_it() {
    let doc = served().await;
    assert_eq!(doc["asyncapi"], "3.0.0");
    // Every type of the catalog is a message on its topic's channel.
    for &(tag, kind) in CATALOG {
        let message = &doc["components"]["messages"][tag];
        assert_eq!(message["title"], kind, "{tag}");
        let channel = &doc["channels"][topic_of(kind)];
        assert_eq!(
            channel["messages"][tag]["$ref"],
            json!(format!("#/components/messages/{tag}")),
            "{tag} on {}",
            topic_of(kind)
        );
    }
    // A day of the shipped small site, encoded as the service sends it.
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small-dc.toml");
    let mut run = ScenarioRun::new(&load(&scenario).unwrap(), None);
    run.run(|_| {});
    let wh = run.warehouse();
    let tag_of: BTreeMap<&str, &str> = CATALOG.iter().map(|&(t, k)| (k, t)).collect();
    let mut validators: BTreeMap<&str, (jsonschema::Validator, u32)> = BTreeMap::new();
    for r in wh.bus().since(0) {
        let ce = cloud_event(wh.config(), r);
        let kind = r.event.cloud_event_type();
        let tag = tag_of[kind];
        let (v, checked) = validators
            .entry(kind)
            .or_insert_with(|| (validator(&doc, tag), 0));
        // Enough of each type to meet its variety, not all 300 000.
        if *checked < 500 {
            if let Err(e) = v.validate(&ce) {
                panic!("{kind} does not validate: {e}\n{ce}");
            }
            *checked += 1;
        }
    }
    // The day emits most of the catalog (the rest needs a conveyor,
    // disruptions, a planner or a put wall).
    eprintln!("{} of {} types seen", validators.len(), CATALOG.len());
    for kind in [
        "com.paklog.wms.wave.released.v1",
        "com.paklog.wes.task.completed.v1",
        "com.paklog.wms.order.waved.v1",
        "com.paklog.wms.inventory.allocated.v1",
        "com.paklog.wes.location.reserved.v1",
        "com.paklog.wes.workflow.execution-started.v1",
        "com.paklog.wes.picking.started.v1",
    ] {
        assert!(validators.contains_key(kind), "no {kind} in a small day");
    }
}

/// Appendix C's two payloads, field for field.
#[test]
fn the_seed_payloads_carry_the_seed_fields() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small-dc.toml");
    let mut loaded = load(&scenario).unwrap();
    loaded.scenario.horizon_h = 10.0;
    let mut run = ScenarioRun::new(&loaded, None);
    run.run(|_| {});
    let wh = run.warehouse();
    let first = |kind: &str, task_type: Option<&str>| {
        wh.bus()
            .since(0)
            .iter()
            .filter(|r| r.event.cloud_event_type() == kind)
            .map(|r| cloud_event(wh.config(), r)["data"].clone())
            .find(|data| task_type.is_none_or(|t| data["taskType"] == t))
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let released = first("com.paklog.wms.wave.released.v1", None);
    for field in [
        "waveId",
        "orderIds",
        "warehouseId",
        "priority",
        "releasedAt",
    ] {
        assert!(released.get(field).is_some(), "{field}: {released}");
    }
    assert!(
        released["orderIds"]
            .as_array()
            .is_some_and(|o| !o.is_empty())
    );
    assert!(
        released["releasedAt"]
            .as_str()
            .is_some_and(|t| t.contains('T'))
    );
    let completed = first("com.paklog.wes.task.completed.v1", Some("PICK"));
    for field in [
        "taskId",
        "taskType",
        "completedBy",
        "completedAt",
        "metrics",
    ] {
        assert!(completed.get(field).is_some(), "{field}: {completed}");
    }
    assert!(completed["metrics"]["distanceM"].as_f64().unwrap() > 0.0);
}
