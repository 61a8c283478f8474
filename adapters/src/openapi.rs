//! `GET /openapi.json`: the OpenAPI 3.1 document of the live API, generated
//! from the handlers' own annotations and request types (utoipa), so it
//! cannot drift from the code; then made the document of one site, whose
//! codes and bounds the handlers check (`SiteFacts`), so that a request it
//! calls valid is never refused as invalid (`scripts/schemathesis`).

use std::sync::Arc;

use paklog_domain::task_execution::TaskStatus;
use paklog_domain::vocabulary::OrderStatus;
use paklog_domain::wave_planning::WaveStatus;
use paklog_domain::{SiteArea, SiteConfig};
use schemars::JsonSchema;
use serde_json::{Value, json};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use axum::Json;
use axum::extract::State;

use crate::{http, problem, views};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PakLog Twin live API",
        description = "The WMS/WES of PakLog Twin running live: orders, waves, tasks, the picker's handheld, locations, RTLS, metrics and the events stream. Every accepted command is durable before its response. Errors are RFC 9457 problem+json naming the field at fault."
    ),
    paths(
        http::healthz,
        openapi_json,
        crate::asyncapi::asyncapi_json,
        http::create_order,
        http::get_order,
        http::create_wave,
        http::list_waves,
        http::get_wave,
        http::cancel_wave,
        http::release_wave,
        http::list_tasks,
        http::next_task,
        http::confirm,
        http::deliver,
        http::scan_bulk_tote,
        http::put_into_slot,
        http::close_slot,
        http::get_put_wall,
        http::start_packing,
        http::complete_packing,
        http::get_location,
        http::block_location,
        http::unblock_location,
        http::create_location,
        http::configure_capacity,
        http::assign_slotting_class,
        http::apply_slotting,
        http::deactivate_location,
        http::activate_location,
        http::reconciliation,
        http::receive_stock,
        http::conveyor,
        http::conveyor_scan,
        http::conveyor_divert,
        http::conveyor_discharge,
        http::conveyor_stop,
        http::conveyor_start,
        http::rtls_pings,
        http::get_tag,
        http::metrics,
        http::events,
    ),
    components(schemas(
        problem::ProblemBody,
        http::OrderRequest,
        http::OrderLineRequest,
        http::OrderPriority,
        http::OrderCreated,
        http::NewWave,
        http::WaveStrategyName,
        http::WavePriorityName,
        http::WaveCreated,
        http::Confirmation,
        http::Delivery,
        http::PackStation,
        http::BulkToteScan,
        http::SlotPut,
        http::SlotClose,
        http::PutResult,
        views::PutWallView,
        views::PutWallSlotView,
        views::PutInstructionView,
        http::PackedCarton,
        http::BlockRequest,
        http::NewLocationBody,
        http::NewLocationKind,
        http::SideBody,
        http::ClassBody,
        http::CreatedLocation,
        http::SlottingClassBody,
        http::MoveBody,
        http::SlottingMovesBody,
        http::ReslottingBody,
        views::CapacityBody,
        http::Receipt,
        http::ConveyorScan,
        http::ToteScan,
        http::DivertDecision,
        http::PingRequest,
        http::PingBatch,
        http::PingsAccepted,
        views::OrderView,
        views::OrderLineView,
        views::OrderTimes,
        views::WaveView,
        views::WaveTimes,
        views::TaskView,
        views::TaskTimes,
        views::StopView,
        views::LocationView,
        views::LocationMasterView,
        views::PointView,
        views::NextTaskView,
        views::InstructionView,
        views::NavigationView,
        views::LegView,
        views::StockView,
        views::MetricsView,
        views::IntervalView,
        views::TagView,
        views::ReconciliationView,
        views::VarianceView,
        views::ConveyorView,
        views::SegmentView,
        views::SegmentStatsView,
    ), responses(problem::Unauthorized)),
    modifiers(&Bearer),
    tags(
        (name = "orders", description = "Order intake (integrations)"),
        (name = "waves", description = "Wave planning and release (integrations)"),
        (name = "tasks", description = "Task execution state"),
        (name = "mobile", description = "The picker's handheld (device tokens)"),
        (name = "locations", description = "Location master and stock"),
        (name = "conveyor", description = "Material handling: the conveyor controller's scans and stops (integrations)"),
        (name = "rtls", description = "Physical tracking"),
        (name = "events", description = "Domain events as CloudEvents"),
        (name = "operations", description = "Health, metrics and this document"),
    )
)]
struct ApiDoc;

struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// What the document of one site says that another's would not: the codes
/// the handlers take and the values they check against the site.
#[derive(Debug, Clone)]
pub struct SiteFacts {
    /// SKU codes, as the item master has them.
    pub skus: Vec<String>,
    /// Carrier names.
    pub carriers: Vec<String>,
    /// Whether a pick must be confirmed with a barcode.
    pub barcode_required: bool,
    /// Where an RTLS ping may be.
    pub area: SiteArea,
}

/// Most SKU codes the document lists; a larger item master is described
/// in words (and an unknown code is still refused with 422).
pub const MAX_LISTED_SKUS: usize = 10_000;

impl SiteFacts {
    /// The facts of a site.
    #[must_use]
    pub fn of(config: &SiteConfig) -> Self {
        SiteFacts {
            skus: config.skus.iter().map(|s| s.code.clone()).collect(),
            carriers: config.carriers.iter().map(|c| c.name.clone()).collect(),
            barcode_required: config.barcode_required,
            area: SiteArea::of(&config.layout)
                .with_places(config.locations.iter().filter_map(|l| l.point.site)),
        }
    }
}

/// The OpenAPI document of a site's API as JSON.
#[must_use]
pub fn document(site: &SiteFacts) -> Value {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut doc = serde_json::to_value(doc).unwrap_or(Value::Null);
    standard_integers(&mut doc);
    add_links(&mut doc);
    add_shared_responses(&mut doc);
    add_status_names(&mut doc);
    add_site(&mut doc, site);
    // Each restriction of a location added (utoipa bounds the list only).
    if let Some(Value::Object(items)) =
        doc.pointer_mut("/components/schemas/NewLocationBody/properties/restrictions/items")
    {
        items.insert("minLength".into(), json!(1));
        items.insert("maxLength".into(), json!(32));
        items.insert("pattern".into(), json!(r"\S"));
    }
    doc
}

/// Rust's integer types as standard formats with their bounds: utoipa
/// says `u-int32` for a `u32`, which no client knows, and `int32` would
/// leave out half its range.
fn standard_integers(value: &mut Value) {
    match value {
        Value::Object(schema) => {
            // utoipa writes `u-int32` for a `u32`.
            let format = schema
                .get("format")
                .and_then(Value::as_str)
                .map(|f| f.replace('-', ""));
            let bounds = match format.as_deref() {
                Some("int8") => Some(("int32", i64::from(i8::MIN), Some(i64::from(i8::MAX)))),
                Some("int16") => Some(("int32", i64::from(i16::MIN), Some(i64::from(i16::MAX)))),
                Some("uint8") => Some(("int32", 0, Some(i64::from(u8::MAX)))),
                Some("uint16") => Some(("int32", 0, Some(i64::from(u16::MAX)))),
                Some("uint32") => Some(("int64", 0, Some(i64::from(u32::MAX)))),
                // Up to int64's bound: a client need not send more.
                Some("uint64") => Some(("int64", 0, None)),
                _ => None,
            };
            if let Some((format, min, max)) = bounds {
                schema.insert("format".to_owned(), json!(format));
                let least = schema.get("minimum").and_then(Value::as_i64);
                if least.is_none_or(|m| m < min) {
                    schema.insert("minimum".to_owned(), json!(min));
                }
                if let Some(max) = max {
                    let most = schema.get("maximum").and_then(Value::as_i64);
                    if most.is_none_or(|m| m > max) {
                        schema.insert("maximum".to_owned(), json!(max));
                    }
                }
            }
            schema.values_mut().for_each(standard_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(standard_integers),
        _ => {}
    }
}

/// The answers every operation with a JSON body can give, and every
/// operation of the API, said once here rather than on each.
fn add_shared_responses(doc: &mut Value) {
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemBody"}}},
        })
    };
    let Some(paths) = doc.pointer_mut("/paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut().filter_map(Value::as_object_mut) {
            let has_body = op.contains_key("requestBody");
            let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                continue;
            };
            let mut shared = Vec::new();
            if has_body {
                shared.extend([
                    ("400", "The body is not JSON"),
                    ("413", "The body is too large"),
                    ("415", "The body is not declared `application/json`"),
                    ("422", "The body is not of the schema (the field is named)"),
                ]);
            }
            if path.starts_with("/api/") {
                shared.push((
                    "503",
                    "The site is not running, or the command could not be stored: nothing was accepted",
                ));
            }
            for (status, description) in shared {
                responses
                    .entry(status)
                    .or_insert_with(|| problem(description));
            }
        }
    }
}

/// The names of a domain enum, from its JSON Schema (`enum`, or `oneOf`
/// of `const`s when its variants are documented).
fn names<T: JsonSchema>() -> Vec<Value> {
    let schema = schemars::schema_for!(T).to_value();
    if let Some(list) = schema.get("enum").and_then(Value::as_array) {
        return list.clone();
    }
    schema
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|v| {
            v.get("const").cloned().into_iter().chain(
                v.get("enum")
                    .and_then(Value::as_array)
                    .cloned()
                    .into_iter()
                    .flatten(),
            )
        })
        .collect()
}

/// States are the domain's: the `?status=` filters and the views' `status`.
fn add_status_names(doc: &mut Value) {
    let waves = Value::Array(names::<WaveStatus>());
    let tasks = Value::Array(names::<TaskStatus>());
    let orders = Value::Array(names::<OrderStatus>());
    for (path, list) in [("/api/v1/waves", &waves), ("/api/v1/tasks", &tasks)] {
        if let Some(params) = doc
            .pointer_mut(&format!("/paths/{}/get/parameters", escape(path)))
            .and_then(Value::as_array_mut)
        {
            for p in params.iter_mut().filter(|p| p["name"] == "status") {
                p["schema"]["enum"] = list.clone();
            }
        }
    }
    for (view, list) in [
        ("WaveView", &waves),
        ("TaskView", &tasks),
        ("OrderView", &orders),
    ] {
        if let Some(status) =
            doc.pointer_mut(&format!("/components/schemas/{view}/properties/status"))
        {
            status["enum"] = list.clone();
        }
    }
}

/// The request fields that take a SKU code (schema/properties/field).
const SKU_FIELDS: [&str; 3] = [
    "OrderLineRequest/properties/sku",
    "Receipt/properties/sku",
    "SlotPut/properties/sku",
];

/// The site's codes and bounds where the handlers check them.
fn add_site(doc: &mut Value, site: &SiteFacts) {
    let schemas = "/components/schemas";
    let mut set = |pointer: &str, key: &str, value: Value| {
        if let Some(Value::Object(schema)) = doc.pointer_mut(&format!("{schemas}/{pointer}")) {
            schema.insert(key.to_owned(), value);
        }
    };
    if site.skus.len() <= MAX_LISTED_SKUS {
        let skus = Value::Array(site.skus.iter().cloned().map(Value::String).collect());
        for sku in SKU_FIELDS {
            set(sku, "enum", skus.clone());
        }
    } else {
        let said = format!(
            "SKU code, one of the site's {} (too many to list here; an unknown one is refused with 422).",
            site.skus.len()
        );
        for sku in SKU_FIELDS {
            set(sku, "description", json!(said));
        }
    }
    if let Some(first) = site.skus.first() {
        for sku in SKU_FIELDS {
            set(sku, "example", json!(first));
        }
    }
    let carriers = Value::Array(site.carriers.iter().cloned().map(Value::String).collect());
    set("OrderRequest/properties/carrier", "enum", carriers);
    if let Some(first) = site.carriers.first() {
        set("OrderRequest/properties/carrier", "example", json!(first));
    }
    // In whole millimetres, inside the area: a ping is taken to the
    // millimetre, so one at a bound stays in.
    let a = site.area;
    let (up, down) = (
        |v: f64| (v * 1000.0).ceil() / 1000.0,
        |v: f64| (v * 1000.0).floor() / 1000.0,
    );
    set("PingRequest/properties/x_m", "minimum", json!(up(a.x_min)));
    set(
        "PingRequest/properties/x_m",
        "maximum",
        json!(down(a.x_max)),
    );
    set("PingRequest/properties/y_m", "minimum", json!(up(a.y_min)));
    set(
        "PingRequest/properties/y_m",
        "maximum",
        json!(down(a.y_max)),
    );
    if site.barcode_required {
        set("Confirmation/properties/barcode", "type", json!("string"));
        if let Some(required) = doc
            .pointer_mut(&format!("{schemas}/Confirmation/required"))
            .and_then(Value::as_array_mut)
        {
            required.push(json!("barcode"));
        }
    }
}

/// A path as a JSON Pointer token.
fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// OpenAPI links from what a POST creates to the operations on it, so a
/// client (or a stateful test) can chain them: order → GET, a wave of it;
/// wave → GET, release, cancel.
fn add_links(doc: &mut Value) {
    let link = |operation: &str, param: &str, pointer: &str| {
        json!({
            "operationId": operation,
            "parameters": { param: format!("$response.body#/{pointer}") },
        })
    };
    let links = [
        (
            "/api/v1/orders",
            "201",
            vec![
                ("GetOrder", link("get_order", "orderId", "orderId")),
                (
                    "CreateWave",
                    json!({
                        "operationId": "create_wave",
                        "requestBody": { "orderIds": ["$response.body#/orderId"] },
                    }),
                ),
            ],
        ),
        (
            "/api/v1/waves",
            "201",
            vec![
                ("GetWave", link("get_wave", "waveId", "waveId")),
                ("ReleaseWave", link("release_wave", "waveId", "waveId")),
                ("CancelWave", link("cancel_wave", "waveId", "waveId")),
            ],
        ),
    ];
    for (path, status, named) in links {
        if let Some(response) = doc
            .pointer_mut(&format!("/paths/{}/post/responses/{status}", escape(path)))
            .and_then(Value::as_object_mut)
        {
            let map: serde_json::Map<String, Value> =
                named.into_iter().map(|(n, l)| (n.to_owned(), l)).collect();
            response.insert("links".to_owned(), Value::Object(map));
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub(crate) async fn openapi_json(State(doc): State<Arc<Value>>) -> Json<Value> {
    Json(Value::clone(&doc))
}
