//! The API's routes: one table from path to handler.

use axum::Router;
use axum::routing::{get, post, put};

use crate::asyncapi::asyncapi_json;
use crate::http::*;
use crate::openapi::openapi_json;

/// The API's routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi_json))
        .route("/asyncapi.json", get(asyncapi_json))
        .route("/api/v1/orders", post(create_order))
        .route("/api/v1/orders/{orderId}", get(get_order))
        .route("/api/v1/waves", post(create_wave).get(list_waves))
        .route("/api/v1/waves/{waveId}/cancel", post(cancel_wave))
        .route("/api/v1/waves/{waveId}", get(get_wave))
        .route("/api/v1/waves/{waveId}/release", post(release_wave))
        .route("/api/v1/tasks", get(list_tasks))
        .route("/api/v1/mobile/picking/next-task", get(next_task))
        .route("/api/v1/mobile/picking/confirm", post(confirm))
        .route("/api/v1/mobile/picking/deliver", post(deliver))
        .route("/api/v1/mobile/put-wall/scan", post(scan_bulk_tote))
        .route("/api/v1/mobile/put-wall/put", post(put_into_slot))
        .route("/api/v1/mobile/put-wall/close", post(close_slot))
        .route("/api/v1/put-walls/{wall}", get(get_put_wall))
        .route("/api/v1/mobile/packing/start", post(start_packing))
        .route("/api/v1/mobile/packing/complete", post(complete_packing))
        .route("/api/v1/locations", post(create_location))
        .route("/api/v1/locations/{locationId}", get(get_location))
        .route(
            "/api/v1/locations/{locationId}/capacity",
            put(configure_capacity),
        )
        .route(
            "/api/v1/locations/{locationId}/slotting-class",
            put(assign_slotting_class),
        )
        .route(
            "/api/v1/locations/{locationId}/deactivate",
            post(deactivate_location),
        )
        .route(
            "/api/v1/locations/{locationId}/activate",
            post(activate_location),
        )
        .route("/api/v1/locations/{locationId}/block", post(block_location))
        .route("/api/v1/slotting/moves", post(apply_slotting))
        .route(
            "/api/v1/locations/{locationId}/unblock",
            post(unblock_location),
        )
        .route("/api/v1/reconciliation", get(reconciliation))
        .route("/api/v1/receipts", post(receive_stock))
        .route("/api/v1/conveyor", get(conveyor))
        .route("/api/v1/conveyor/scans", post(conveyor_scan))
        .route("/api/v1/conveyor/diverts", post(conveyor_divert))
        .route("/api/v1/conveyor/discharges", post(conveyor_discharge))
        .route(
            "/api/v1/conveyor/segments/{segment}/stop",
            post(conveyor_stop),
        )
        .route(
            "/api/v1/conveyor/segments/{segment}/start",
            post(conveyor_start),
        )
        .route("/api/v1/rtls/pings", post(rtls_pings))
        .route("/api/v1/rtls/tags/{tag}", get(get_tag))
        .route("/api/v1/metrics", get(metrics))
        .route("/api/v1/events", get(events))
        .with_state(state)
}
