//! Order intake and waves: `POST /api/v1/orders`, `GET /api/v1/orders/{id}`, `POST /api/v1/waves`, wave release.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use paklog_domain::wave_planning::WaveStatus;
use paklog_domain::{
    Command, NewOrder, NewOrderLine, OrderId, Priority, Reply, WaveId, WavePriority, WaveStrategy,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::live::Query;

use super::*;
use crate::problem::{Problem, ProblemBody, Unauthorized};
use crate::views::*;

/// Order priority.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderPriority {
    /// Ships first.
    Express,
    /// Everything else.
    #[default]
    Standard,
}

/// A line of an order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLineRequest {
    /// SKU code, one of the site's.
    pub sku: String,
    /// Units, 1 to 1 000 000.
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub quantity: u32,
}

/// An order to take in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// The source's id for it; must be new (a repeat is refused, so a
    /// client may safely retry).
    #[schema(example = "ERP-000123", min_length = 1, pattern = r"\S")]
    pub external_id: String,
    /// Carrier name, one of the site's.
    pub carrier: String,
    /// Priority (default STANDARD).
    #[serde(default)]
    pub priority: OrderPriority,
    /// The lines, 1 to 1 000.
    #[schema(min_items = 1, max_items = 1_000)]
    pub lines: Vec<OrderLineRequest>,
}

impl From<OrderRequest> for NewOrder {
    fn from(o: OrderRequest) -> Self {
        NewOrder {
            external_id: o.external_id,
            carrier: o.carrier,
            priority: match o.priority {
                OrderPriority::Express => Priority::Express,
                OrderPriority::Standard => Priority::Standard,
            },
            lines: o
                .lines
                .into_iter()
                .map(|l| NewOrderLine {
                    sku: l.sku,
                    quantity: l.quantity,
                })
                .collect(),
        }
    }
}

/// An order was taken in.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreated {
    /// Its id.
    pub order_id: u32,
    /// `RESERVED` or `BACKORDERED`.
    pub status: Value,
}

/// Take in an order: validate it and reserve its stock.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Accepted and stored", body = OrderCreated),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "`external_id` was already received: the order is in", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Against the schema: an unknown SKU or carrier, a blank `external_id`, no lines, a quantity of 0 (the field is named)", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn create_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(order): JsonBody<OrderRequest>,
) -> Result<Response, Problem> {
    caller.integration()?;
    match execute(&state, Command::ReceiveOrder(order.into())).await? {
        Reply::OrderAccepted { order, status } => Ok((
            StatusCode::CREATED,
            Json(OrderCreated {
                order_id: order.0,
                status: serde_json::to_value(status).unwrap_or(Value::Null),
            }),
        )
            .into_response()),
        other => Ok(Json(other).into_response()),
    }
}

/// An order: lines, status, times.
#[utoipa::path(get, path = "/api/v1/orders/{orderId}", tag = "orders",
    params(("orderId" = String, Path, pattern = r"^[A-Za-z-]*[0-9]{1,9}$", description = "Order id (`7` or `ORD-7`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The order", body = OrderView),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such order", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(order_id): Path<String>,
) -> Result<Json<OrderView>, Problem> {
    caller.integration()?;
    let id = OrderId(id_of(&order_id, "orderId")?);
    find(&state, Query::Order(id), &format!("no order {order_id}")).await
}

/// A wave planned by hand (the seed's `CreateWaveRequest`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewWave {
    /// Reserved orders to put in it, at least one.
    #[schema(min_items = 1)]
    pub order_ids: Vec<u32>,
    /// How the planner formed it; the wave's strategy is `manual` when
    /// not given.
    #[serde(default)]
    pub strategy: Option<WaveStrategyName>,
    /// Its priority: CRITICAL waves wait for release before HIGH ones,
    /// HIGH before STANDARD.
    #[serde(default)]
    pub priority: WavePriorityName,
}

/// A wave strategy as the seed names it.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WaveStrategyName {
    /// Formed by time: oldest orders first.
    TimeBased,
    /// Formed by carrier.
    CarrierBased,
    /// Formed by zone.
    ZoneBased,
}

/// A wave priority.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WavePriorityName {
    /// The usual.
    #[default]
    Standard,
    /// Before standard waves.
    High,
    /// Before everything.
    Critical,
}

impl From<WaveStrategyName> for WaveStrategy {
    fn from(s: WaveStrategyName) -> Self {
        match s {
            WaveStrategyName::TimeBased => WaveStrategy::Time,
            WaveStrategyName::CarrierBased => WaveStrategy::Carrier,
            WaveStrategyName::ZoneBased => WaveStrategy::Zone,
        }
    }
}

impl From<WavePriorityName> for WavePriority {
    fn from(p: WavePriorityName) -> Self {
        match p {
            WavePriorityName::Standard => WavePriority::Standard,
            WavePriorityName::High => WavePriority::High,
            WavePriorityName::Critical => WavePriority::Critical,
        }
    }
}

/// A wave was planned.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaveCreated {
    /// Its id.
    pub wave_id: u32,
}

/// Plan a wave from reserved orders (the site's strategy and priority
/// rules apply when it is released).
#[utoipa::path(post, path = "/api/v1/waves", tag = "waves", request_body = NewWave,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Planned and stored", body = WaveCreated),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "An order that does not exist (`orders[i]`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "An order not waiting for a wave: not reserved, or in another wave (`orders[i]`)", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn create_wave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(wave): JsonBody<NewWave>,
) -> Result<Response, Problem> {
    caller.integration()?;
    let command = Command::CreateWave {
        orders: wave.order_ids.into_iter().map(OrderId).collect(),
        strategy: wave.strategy.map(WaveStrategy::from),
        priority: wave.priority.into(),
    };
    match execute(&state, command).await? {
        Reply::WavePlanned { wave } => {
            Ok((StatusCode::CREATED, Json(WaveCreated { wave_id: wave.0 })).into_response())
        }
        other => Ok(Json(other).into_response()),
    }
}

/// A wave: its orders and status.
#[utoipa::path(get, path = "/api/v1/waves/{waveId}", tag = "waves",
    params(("waveId" = String, Path, pattern = r"^[A-Za-z-]*[0-9]{1,9}$", description = "Wave id (`3` or `WAVE-3`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The wave", body = WaveView),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such wave", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_wave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(wave_id): Path<String>,
) -> Result<Json<WaveView>, Problem> {
    caller.integration()?;
    let id = WaveId(id_of(&wave_id, "waveId")?);
    find(&state, Query::Wave(id), &format!("no wave {wave_id}")).await
}

/// Which waves to list.
#[derive(Debug, Deserialize)]
pub struct WaveFilter {
    /// PLANNED, RELEASED, IN_PROGRESS, COMPLETED or CANCELLED.
    pub status: Option<String>,
}

/// Waves, optionally in one state, in planning order: by priority
/// (CRITICAL first), then as they were planned. `?status=PLANNED` is the
/// seed's list of pending waves, in the order a planner releases them.
#[utoipa::path(get, path = "/api/v1/waves", tag = "waves", params(("status" = Option<String>, Query, description = "PLANNED, RELEASED, IN_PROGRESS, COMPLETED or CANCELLED")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The waves", body = Vec<WaveView>),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn list_waves(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(filter): Params<WaveFilter>,
) -> Result<Json<Vec<WaveView>>, Problem> {
    caller.integration()?;
    let status: Option<WaveStatus> = status_filter(
        filter.status.as_deref(),
        "PLANNED, RELEASED, IN_PROGRESS, COMPLETED or CANCELLED",
    )?;
    find(&state, Query::Waves(status), "waves").await
}

/// Cancel a planned wave (the seed's `CancelWaveCommand`): its orders go
/// back to wait for another wave, their stock still reserved. A wave
/// already released is refused (409): its stock is allocated and its
/// tasks are on the floor.
#[utoipa::path(post, path = "/api/v1/waves/{waveId}/cancel", tag = "waves",
    params(("waveId" = String, Path, pattern = r"^[A-Za-z-]*[0-9]{1,9}$", description = "Wave id (`3` or `WAVE-3`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cancelled wave", body = WaveView),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such wave", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Its tasks have started (in progress), or it is completed or cancelled", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn cancel_wave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(wave_id): Path<String>,
) -> Result<Json<WaveView>, Problem> {
    caller.integration()?;
    on_wave(&state, &wave_id, |wave| Command::CancelWave { wave }).await
}

/// Release a planned wave to the floor: its pick tasks are created.
#[utoipa::path(post, path = "/api/v1/waves/{waveId}/release", tag = "waves",
    params(("waveId" = String, Path, pattern = r"^[A-Za-z-]*[0-9]{1,9}$", description = "Wave id (`3` or `WAVE-3`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The released wave", body = WaveView),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such wave", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not planned (already released, cancelled …), or nothing of it can be allocated", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn release_wave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(wave_id): Path<String>,
) -> Result<Json<WaveView>, Problem> {
    caller.integration()?;
    on_wave(&state, &wave_id, |wave| Command::ReleaseWave { wave }).await
}

/// Runs the command `command` makes of the wave `wave_id` names; the wave
/// after it.
async fn on_wave(
    state: &AppState,
    wave_id: &str,
    command: impl FnOnce(WaveId) -> Command,
) -> Result<Json<WaveView>, Problem> {
    let wave = WaveId(id_of(wave_id, "waveId")?);
    execute(state, command(wave)).await?;
    find(state, Query::Wave(wave), "the wave").await
}
