//! `GET /openapi.json`: the OpenAPI 3.1 document of the live API, generated
//! from the handlers' own annotations and request types (utoipa), so it
//! cannot drift from the code.

use serde_json::Value;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use axum::Json;

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

/// The OpenAPI document as JSON.
#[must_use]
pub fn document() -> Value {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut doc = serde_json::to_value(doc).unwrap_or(Value::Null);
    add_links(&mut doc);
    doc
}

/// OpenAPI links from what a POST creates to the operations on it, so a
/// client (or a stateful test) can chain them: order → GET; wave → GET,
/// release, cancel.
fn add_links(doc: &mut Value) {
    let link = |operation: &str, param: &str, pointer: &str| {
        serde_json::json!({
            "operationId": operation,
            "parameters": { param: format!("$response.body#/{pointer}") },
        })
    };
    let links = [
        (
            "/api/v1/orders",
            "201",
            vec![("GetOrder", link("get_order", "orderId", "orderId"))],
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
            .pointer_mut(&format!(
                "/paths/{}/post/responses/{status}",
                path.replace('/', "~1")
            ))
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
pub(crate) async fn openapi_json() -> Json<Value> {
    Json(document())
}
