//! The HTTP API (axum), as the seeds describe it. Every request becomes a
//! command or a query to the live kernel; refusals are RFC 9457
//! `application/problem+json` naming the field at fault, and change nothing.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use paklog_domain::task::TaskStatus;
use paklog_domain::{
    Command, CommandError, LocationId, NewOrder, NewOrderLine, OrderId, Priority, Reply, RtlsPing,
    SegmentId, TaskId, ToteId, WaveId,
};
use paklog_sim::CommandSender;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::broadcast;
use utoipa::ToSchema;

use crate::auth::{Caller, Tokens};
use crate::cloudevents::Published;
use crate::live::{Answer, Ask, Input, Live, NextTask, Query};

/// What every handler needs: the way to the kernel, the tokens, and the
/// events.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The live kernel's request channel.
    pub kernel: CommandSender<Input>,
    /// Who may call.
    pub tokens: Arc<Tokens>,
    /// The domain events as they happen.
    pub events: broadcast::Sender<Published>,
}

impl AppState {
    /// The state for a running kernel.
    #[must_use]
    pub fn new(live: &Live, tokens: Tokens) -> Self {
        AppState {
            kernel: live.sender.clone(),
            tokens: Arc::new(tokens),
            events: live.events.clone(),
        }
    }
}

/// An RFC 9457 problem.
#[derive(Debug)]
pub struct Problem {
    status: StatusCode,
    title: &'static str,
    detail: String,
    field: Option<String>,
}

/// An RFC 9457 problem as sent (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemBody {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What is wrong, for a person.
    pub detail: String,
    /// The request field (or header) at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The answer to a request with no token or an unknown one, described
/// once for every route of the OpenAPI document.
#[derive(Debug, utoipa::ToResponse)]
#[response(
    description = "No or unknown token",
    content_type = "application/problem+json"
)]
pub struct Unauthorized(#[to_schema] pub ProblemBody);

impl Problem {
    /// A problem with no field.
    pub(crate) fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Problem {
            status,
            title,
            detail: detail.into(),
            field: None,
        }
    }

    /// The same problem, naming the field at fault.
    pub(crate) fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A refused command: 404 for an unknown id, 409 for a state that does
    /// not allow it, 422 for bad values; the field is the part of the
    /// message before its first `: `.
    fn refused(e: &CommandError) -> Self {
        use CommandError as E;
        let text = e.to_string();
        let (field, detail) = match text.split_once(": ") {
            Some((f, d)) => (Some(f.to_owned()), d.to_owned()),
            None => (None, text.clone()),
        };
        let (status, title) = match e {
            E::UnknownTask(_)
            | E::UnknownWave(_)
            | E::UnknownStation(_)
            | E::UnknownLocation(_)
            | E::UnknownSegment(_)
            | E::NoConveyor
            | E::ToteNotRouted(_) => (StatusCode::NOT_FOUND, "not found"),
            E::NotYourTask { .. } => (StatusCode::FORBIDDEN, "not your task"),
            E::WrongTaskState { .. }
            | E::WaveNotPlanned { .. }
            | E::LineConfirmed { .. }
            | E::StopsOpen { .. }
            | E::StationBusy { .. }
            | E::OffRoute { .. }
            | E::SegmentStopped(_)
            | E::SegmentFull(_)
            | E::NotAtDestination(_)
            | E::NotSignedOn(_) => (StatusCode::CONFLICT, "not allowed in this state"),
            _ => (StatusCode::UNPROCESSABLE_ENTITY, "invalid request"),
        };
        Problem {
            status,
            title,
            detail,
            field,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let Some(f) = self.field {
            body["field"] = Value::String(f);
        }
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"paklog\""),
            );
        }
        response
    }
}

async fn ask(state: &AppState, ask: Ask) -> Result<Answer, Problem> {
    crate::live::request(&state.kernel, ask)
        .await
        .ok_or_else(|| {
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service unavailable",
                "the kernel is not running",
            )
        })
}

fn not_stored(why: &str) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not stored",
        format!("the command could not be made durable and was not accepted: {why}"),
    )
}

async fn execute(state: &AppState, command: Command) -> Result<Reply, Problem> {
    match ask(state, Ask::Execute(command)).await? {
        Answer::Executed(Ok(reply)) => Ok(reply),
        Answer::Executed(Err(e)) => Err(Problem::refused(&e)),
        Answer::NotStored(why) => Err(not_stored(&why)),
        Answer::Found(_) | Answer::NextTask(_) => Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
            "unexpected answer",
        )),
    }
}

async fn find(state: &AppState, query: Query, what: &str) -> Result<Json<Value>, Problem> {
    match ask(state, Ask::Query(query)).await? {
        Answer::Found(Some(v)) => Ok(Json(v)),
        _ => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not found",
            what.to_owned(),
        )),
    }
}

/// The API's routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi_json))
        .route("/api/v1/orders", post(create_order))
        .route("/api/v1/orders/{order_id}", get(get_order))
        .route("/api/v1/waves", post(create_wave))
        .route("/api/v1/waves/{wave_id}", get(get_wave))
        .route("/api/v1/waves/{wave_id}/release", post(release_wave))
        .route("/api/v1/tasks", get(list_tasks))
        .route("/api/v1/mobile/picking/next-task", get(next_task))
        .route("/api/v1/mobile/picking/confirm", post(confirm))
        .route("/api/v1/mobile/picking/deliver", post(deliver))
        .route("/api/v1/mobile/packing/start", post(start_packing))
        .route("/api/v1/mobile/packing/complete", post(complete_packing))
        .route("/api/v1/locations/{location_id}", get(get_location))
        .route(
            "/api/v1/locations/{location_id}/block",
            post(block_location),
        )
        .route(
            "/api/v1/locations/{location_id}/unblock",
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

/// The request's JSON body, or a 422 that says what is wrong with it.
fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<Json<T>, Problem> {
    body.map_err(|e| {
        let text = e.body_text();
        // serde_json names the field in "… `name` …" messages.
        let field = text
            .split('`')
            .nth(1)
            .filter(|f| f.chars().all(|c| c.is_alphanumeric() || c == '_'))
            .map(str::to_owned);
        let p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid request", text);
        match field {
            Some(f) => p.with_field(f),
            None => p,
        }
    })
}

fn id_of(text: &str, field: &str) -> Result<u32, Problem> {
    text.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '-')
        .parse()
        .map_err(|_| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid request",
                format!("not an id: \"{text}\""),
            )
            .with_field(field)
        })
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The service is up", body = String)))]
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub(crate) async fn openapi_json() -> Json<Value> {
    Json(crate::openapi::document())
}

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
    /// SKU code, as in the site file.
    #[schema(example = "SKU0001")]
    pub sku: String,
    /// Units, at least 1.
    #[schema(minimum = 1)]
    pub quantity: u32,
}

/// An order to take in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// The source's id for it; must be new (a repeat is refused, so a
    /// client may safely retry).
    #[schema(example = "ERP-000123")]
    pub external_id: String,
    /// Carrier name, as in the site file.
    #[schema(example = "UPS")]
    pub carrier: String,
    /// Priority (default STANDARD).
    #[serde(default)]
    pub priority: OrderPriority,
    /// The lines.
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
        (status = 422, description = "Bad order (the field is named)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Not stored: not accepted", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn create_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<OrderRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    caller.integration()?;
    let Json(order) = json_body(body)?;
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
#[utoipa::path(get, path = "/api/v1/orders/{order_id}", tag = "orders",
    params(("order_id" = String, Path, description = "Order id (`7` or `ORD-7`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The order", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such order", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_order(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(order_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    caller.integration()?;
    let id = OrderId(id_of(&order_id, "orderId")?);
    find(&state, Query::Order(id), &format!("no order {order_id}")).await
}

/// A wave planned by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewWave {
    /// Reserved orders to put in it.
    pub order_ids: Vec<u32>,
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
        (status = 422, description = "Bad request (the field is named)", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn create_wave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<NewWave>, JsonRejection>,
) -> Result<Response, Problem> {
    caller.integration()?;
    let Json(wave) = json_body(body)?;
    let orders = wave.order_ids.into_iter().map(OrderId).collect();
    match execute(&state, Command::CreateWave { orders }).await? {
        Reply::WavePlanned { wave } => {
            Ok((StatusCode::CREATED, Json(WaveCreated { wave_id: wave.0 })).into_response())
        }
        other => Ok(Json(other).into_response()),
    }
}

/// A wave: its orders and status.
#[utoipa::path(get, path = "/api/v1/waves/{wave_id}", tag = "waves",
    params(("wave_id" = String, Path, description = "Wave id (`3` or `WAVE-3`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The wave", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such wave", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_wave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(wave_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    caller.integration()?;
    let id = WaveId(id_of(&wave_id, "waveId")?);
    find(&state, Query::Wave(id), &format!("no wave {wave_id}")).await
}

/// Release a planned wave to the floor: its pick tasks are created.
#[utoipa::path(post, path = "/api/v1/waves/{wave_id}/release", tag = "waves",
    params(("wave_id" = String, Path, description = "Wave id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The released wave", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such wave", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not planned (already released)", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn release_wave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(wave_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    caller.integration()?;
    let wave = WaveId(id_of(&wave_id, "waveId")?);
    execute(&state, Command::ReleaseWave { wave }).await?;
    find(&state, Query::Wave(wave), "the wave").await
}

/// Which tasks to list.
#[derive(Debug, Deserialize)]
pub struct TaskFilter {
    /// PENDING, ASSIGNED, IN_PROGRESS, COMPLETED or CANCELLED.
    pub status: Option<String>,
}

/// Tasks, optionally in one state.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(("status" = Option<String>, Query, description = "PENDING, ASSIGNED, IN_PROGRESS, COMPLETED or CANCELLED")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tasks", body = Vec<Object>),
        (status = 401, response = Unauthorized),
        (status = 422, description = "Unknown status", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn list_tasks(
    State(state): State<AppState>,
    Caller(caller): Caller,
    QueryParams(filter): QueryParams<TaskFilter>,
) -> Result<Json<Value>, Problem> {
    caller.integration()?;
    let status = match filter.status.as_deref() {
        None => None,
        Some(s) => Some(
            serde_json::from_value::<TaskStatus>(Value::String(s.to_ascii_uppercase())).map_err(
                |_| {
                    Problem::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid request",
                        format!(
                            "unknown status \"{s}\": expected PENDING, ASSIGNED, IN_PROGRESS, COMPLETED or CANCELLED"
                        ),
                    )
                    .with_field("status")
                },
            )?,
        ),
    };
    find(&state, Query::Tasks(status), "tasks").await
}

/// Whose next task (a device token tells by itself).
#[derive(Debug, Deserialize)]
pub struct Device {
    /// The associate; optional with a device token, and must be its own.
    pub associate: Option<u32>,
}

/// The associate's next task: signs them on if need be, assigns the best
/// pending task and starts it; 204 when there is none.
#[utoipa::path(get, path = "/api/v1/mobile/picking/next-task", tag = "mobile", params(("associate" = Option<u32>, Query, description = "The associate; optional with a device token, and must be its own")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The task in hand, started", body = Object),
        (status = 204, description = "Nothing to do"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Another associate's device, or an integration", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such associate", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn next_task(
    State(state): State<AppState>,
    Caller(caller): Caller,
    QueryParams(device): QueryParams<Device>,
) -> Result<Response, Problem> {
    let associate = caller.acting_for(device.associate)?;
    match ask(&state, Ask::NextTask(associate)).await? {
        Answer::NextTask(NextTask::Task(task)) => Ok(Json(task).into_response()),
        Answer::NextTask(NextTask::Nothing) => Ok(StatusCode::NO_CONTENT.into_response()),
        Answer::NextTask(NextTask::UnknownAssociate) => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not found",
            format!("no associate {}", associate.0),
        )
        .with_field("associate")),
        Answer::NextTask(NextTask::Refused(e)) => Err(Problem::refused(&e)),
        Answer::NotStored(why) => Err(not_stored(&why)),
        _ => Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
            "unexpected answer",
        )),
    }
}

/// A pick confirmed at one stop of a task.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Confirmation {
    /// The associate; optional with a device token, and must be its own.
    pub associate: Option<u32>,
    /// The task.
    pub task_id: u32,
    /// The stop's index in the task (the instruction id).
    pub instruction: u32,
    /// Units picked; fewer than asked starts the short-pick flow.
    pub quantity: u32,
    /// The barcode scanned: must be the SKU's code.
    pub barcode: Option<String>,
}

/// Confirm a pick (a wrong barcode is refused; a short quantity records a
/// shortage).
#[utoipa::path(post, path = "/api/v1/mobile/picking/confirm", tag = "mobile", request_body = Confirmation,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded: the next stop, if any", body = Object),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Another associate's task or device", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such task", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Stop already confirmed, task not in progress", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Wrong barcode or quantity (the field is named)", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<Confirmation>, JsonRejection>,
) -> Result<Json<Reply>, Problem> {
    let Json(c) = json_body(body)?;
    let associate = caller.acting_for(c.associate)?;
    let command = Command::ConfirmPick {
        associate,
        task: TaskId(c.task_id),
        line: c.instruction,
        quantity: c.quantity,
        barcode: c.barcode,
    };
    Ok(Json(execute(&state, command).await?))
}

/// The tote(s) of a finished trip are dropped off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Delivery {
    /// The associate; optional with a device token, and must be its own.
    pub associate: Option<u32>,
    /// The task whose totes they are.
    pub task_id: u32,
}

/// Deliver the totes of a task whose stops are all confirmed.
#[utoipa::path(post, path = "/api/v1/mobile/picking/deliver", tag = "mobile", request_body = Delivery,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Delivered: where the orders now queue", body = Object),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Another associate's task or device", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Stops still open", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn deliver(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<Delivery>, JsonRejection>,
) -> Result<Json<Reply>, Problem> {
    let Json(d) = json_body(body)?;
    let associate = caller.acting_for(d.associate)?;
    let command = Command::DeliverTote {
        associate,
        task: TaskId(d.task_id),
    };
    Ok(Json(execute(&state, command).await?))
}

/// A pack station.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PackStation {
    /// The station (from 0).
    pub station: u32,
}

/// A packed carton on the scale.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PackedCarton {
    /// The station (from 0).
    pub station: u32,
    /// The order on its bench.
    pub order_id: u32,
    /// What the scale shows (kg).
    pub weight_kg: f64,
}

/// A packer takes the next tote waiting at a station (any token).
#[utoipa::path(post, path = "/api/v1/mobile/packing/start", tag = "mobile", request_body = PackStation,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The order to pack, if a tote waits", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such station", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The station is still packing", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn start_packing(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    body: Result<Json<PackStation>, JsonRejection>,
) -> Result<Json<Reply>, Problem> {
    let Json(p) = json_body(body)?;
    let station = paklog_domain::StationId(p.station);
    Ok(Json(
        execute(&state, Command::StartPacking { station }).await?,
    ))
}

/// A packer closes the carton on the scale (any token); a weight off the
/// expected sends the order to QC.
#[utoipa::path(post, path = "/api/v1/mobile/packing/complete", tag = "mobile", request_body = PackedCarton,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Packed", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such station", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Not that station's order, or a bad weight", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn complete_packing(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    body: Result<Json<PackedCarton>, JsonRejection>,
) -> Result<Json<Reply>, Problem> {
    let Json(p) = json_body(body)?;
    let command = Command::CompletePacking {
        station: paklog_domain::StationId(p.station),
        order: OrderId(p.order_id),
        weight_kg: p.weight_kg,
    };
    Ok(Json(execute(&state, command).await?))
}

/// A location by id or code (`A03-B1-12-2L`): master data and stock.
#[utoipa::path(get, path = "/api/v1/locations/{location_id}", tag = "locations",
    params(("location_id" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Master data and stock", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_location(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    Path(location_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let what = format!("no location {location_id}");
    find(&state, Query::Location(location_id), &what).await
}

/// Goods received at the dock.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// SKU code.
    pub sku: String,
    /// Units received (≥ 1).
    pub units: u32,
}

/// Goods received at the dock: a PUTAWAY task takes them to the SKU's
/// pick face while it has room, the rest to reserve; orders waiting for the
/// stock are reserved once it is put away.
#[utoipa::path(post, path = "/api/v1/receipts", tag = "locations", request_body = Receipt,
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Received and stored; the PUTAWAY task is open"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `sku` or no `units`", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn receive_stock(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<Receipt>, JsonRejection>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let Json(receipt) = json_body(body)?;
    execute(
        &state,
        Command::ReceiveStock {
            sku: receipt.sku,
            units: receipt.units,
        },
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Why a location is blocked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    /// Free text (`rack damage`, `spill` …), 1 to 200 characters.
    pub reason: String,
}

/// A reason of 1 to 200 characters, trimmed.
fn checked_reason(reason: &str) -> Result<String, Problem> {
    let reason = reason.trim();
    if (1..=200).contains(&reason.chars().count()) {
        Ok(reason.to_owned())
    } else {
        Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid request",
            "must be 1 to 200 characters",
        )
        .with_field("reason"))
    }
}

/// The location id behind an id or a code.
async fn location_id(state: &AppState, key: String) -> Result<LocationId, Problem> {
    let what = format!("no location {key}");
    let Json(found) = find(state, Query::Location(key), &what).await?;
    found["location"]["id"]
        .as_u64()
        .map(|id| LocationId(id as u32))
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "not found", what))
}

/// The location master blocks a location: nothing more is allocated there,
/// and the next pick there raises a location exception that re-slots its
/// SKU and re-routes open tasks.
#[utoipa::path(post, path = "/api/v1/locations/{location_id}/block", tag = "locations",
    params(("location_id" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    request_body = BlockRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Blocked (or already blocked) and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A bad `reason`", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn block_location(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    body: Result<Json<BlockRequest>, JsonRejection>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let Json(request) = json_body(body)?;
    let reason = checked_reason(&request.reason)?;
    let location = location_id(&state, key).await?;
    execute(&state, Command::BlockLocation { location, reason }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The location master opens a blocked location again.
#[utoipa::path(post, path = "/api/v1/locations/{location_id}/unblock", tag = "locations",
    params(("location_id" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Open (or already open) and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn unblock_location(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(key): Path<String>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let location = location_id(&state, key).await?;
    execute(&state, Command::UnblockLocation { location }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the reconciliation service finds now: every variance between the
/// location master, the books and the physical state, with the sequence
/// number of the event that explains it.
#[utoipa::path(get, path = "/api/v1/reconciliation", tag = "locations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{\"variances\": [{kind, location, sku, units, explained_by}]}`", body = Object),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn reconciliation(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Value>, Problem> {
    caller.integration()?;
    find(&state, Query::Reconciliation, "no reconciliation").await
}

/// The conveyor's segments: whether each runs, the totes on it, and its
/// statistics so far (as in `conveyors.parquet`).
#[utoipa::path(get, path = "/api/v1/conveyor", tag = "conveyor",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{\"segments\": [{id, code, kind, running, capacity, totes, stats}], \"totes\": n}`", body = Object),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "The site has no conveyor", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Value>, Problem> {
    caller.integration()?;
    find(&state, Query::Conveyor, "this site has no conveyor").await
}

/// The conveyor's segment codes, by segment id.
async fn segment_codes(state: &AppState) -> Result<Vec<String>, Problem> {
    let Json(c) = find(state, Query::Conveyor, "this site has no conveyor").await?;
    Ok(c["segments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["code"].as_str().map(str::to_owned))
        .collect())
}

/// The segment with `code`, or a problem naming the `segment`.
async fn segment_id(state: &AppState, code: &str) -> Result<SegmentId, Problem> {
    match segment_codes(state).await?.iter().position(|c| c == code) {
        Some(i) => Ok(SegmentId(i as u32)),
        None => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid request",
            format!("no conveyor segment has the code \"{code}\""),
        )
        .with_field("segment")),
    }
}

/// A conveyor scan: a tote entered a segment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConveyorScan {
    /// The tote's licence plate number (`LP17` is 17).
    pub tote: u32,
    /// The segment's code (`main`, `spur-PS3` …).
    pub segment: String,
}

/// A tote seen by a scanner at a divert or at the end of its route.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToteScan {
    /// The tote's licence plate number.
    pub tote: u32,
}

/// Where a tote goes from the diverts.
#[derive(Debug, Serialize, ToSchema)]
pub struct DivertDecision {
    /// The code of the segment it takes next.
    pub segment: String,
}

/// The conveyor controller reports that a scanner saw a tote enter a
/// segment, the next one of the route the tote got at induction.
#[utoipa::path(post, path = "/api/v1/conveyor/scans", tag = "conveyor", request_body = ConveyorScan,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Recorded and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No conveyor, or the tote is not on it", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not the tote's next segment, or the segment is full or stopped", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `segment` code", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor_scan(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<ConveyorScan>, JsonRejection>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let Json(scan) = json_body(body)?;
    let segment = segment_id(&state, &scan.segment).await?;
    let tote = ToteId(scan.tote);
    execute(&state, Command::ConveyTote { tote, segment }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The scanner before the diverts to the pack stations reads a tote: the
/// answer is the segment it takes (its station's spur, or another with
/// room if that one is full or stopped).
#[utoipa::path(post, path = "/api/v1/conveyor/diverts", tag = "conveyor", request_body = ToteScan,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The segment to divert to", body = DivertDecision),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No conveyor, or the tote is not on it", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor_divert(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<ToteScan>, JsonRejection>,
) -> Result<Json<DivertDecision>, Problem> {
    caller.integration()?;
    let Json(scan) = json_body(body)?;
    let codes = segment_codes(&state).await?;
    let tote = ToteId(scan.tote);
    match execute(&state, Command::DivertTote { tote }).await? {
        Reply::Diverted { segment } => Ok(Json(DivertDecision {
            segment: codes.get(segment.index()).cloned().unwrap_or_default(),
        })),
        _ => Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
            "unexpected answer",
        )),
    }
}

/// A tote reached the end of its route: a pack station's queue, or a
/// parcel its dock door.
#[utoipa::path(post, path = "/api/v1/conveyor/discharges", tag = "conveyor", request_body = ToteScan,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Handed over and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No conveyor, or the tote is not on it", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The tote is not on its route's last segment", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor_discharge(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<ToteScan>, JsonRejection>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let Json(scan) = json_body(body)?;
    let tote = ToteId(scan.tote);
    execute(&state, Command::DischargeTote { tote }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The controller or an operator stops a segment (a jam, an emergency
/// stop): nothing enters or leaves it until it starts again.
#[utoipa::path(post, path = "/api/v1/conveyor/segments/{segment}/stop", tag = "conveyor",
    params(("segment" = String, Path, description = "Segment code (`main`, `spur-PS3` …)")),
    request_body = BlockRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Stopped (or already stopped) and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "The site has no conveyor", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `segment` or a bad `reason`", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor_stop(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(code): Path<String>,
    body: Result<Json<BlockRequest>, JsonRejection>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let Json(request) = json_body(body)?;
    let reason = checked_reason(&request.reason)?;
    let segment = segment_id(&state, &code).await?;
    let command = Command::SetConveyor {
        segment,
        running: false,
        reason,
    };
    execute(&state, command).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A stopped segment runs again.
#[utoipa::path(post, path = "/api/v1/conveyor/segments/{segment}/start", tag = "conveyor",
    params(("segment" = String, Path, description = "Segment code (`main`, `spur-PS3` …)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Running (or already running) and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "The site has no conveyor", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `segment`", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor_start(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(code): Path<String>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let segment = segment_id(&state, &code).await?;
    let command = Command::SetConveyor {
        segment,
        running: true,
        reason: String::new(),
    };
    execute(&state, command).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One RTLS position report, in metres.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PingRequest {
    /// The tag (`associate-3`, a licence plate …), 1 to 64 characters.
    pub tag: String,
    /// Across the aisles (m): aisle `a`'s centre line is at `a × pitch`.
    pub x_m: f64,
    /// Along the aisles (m) from the front cross aisle.
    pub y_m: f64,
}

impl PingRequest {
    /// The domain's ping (millimetres).
    pub(crate) fn to_ping(&self) -> RtlsPing {
        let mm = |v: f64| (v * 1000.0).round().clamp(i64::MIN as f64, i64::MAX as f64) as i64;
        RtlsPing {
            tag: self.tag.clone(),
            x_mm: mm(self.x_m),
            y_mm: mm(self.y_m),
        }
    }
}

/// A batch of RTLS pings: all are taken or none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PingBatch {
    /// 1 to 1000 pings, in the order they were measured.
    pub pings: Vec<PingRequest>,
}

/// Pings taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct PingsAccepted {
    /// How many.
    pub accepted: usize,
}

/// RTLS position pings (physical tracking).
#[utoipa::path(post, path = "/api/v1/rtls/pings", tag = "rtls", request_body = PingBatch,
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Taken and stored", body = PingsAccepted),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "A bad ping (named `pings[i].field`); none taken", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn rtls_pings(
    State(state): State<AppState>,
    Caller(caller): Caller,
    body: Result<Json<PingBatch>, JsonRejection>,
) -> Result<Response, Problem> {
    caller.integration()?;
    let Json(batch) = json_body(body)?;
    for (i, p) in batch.pings.iter().enumerate() {
        for (name, v) in [("x_m", p.x_m), ("y_m", p.y_m)] {
            if !v.is_finite() {
                return Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid request",
                    "must be a finite number",
                )
                .with_field(format!("pings[{i}].{name}")));
            }
        }
    }
    let pings: Vec<RtlsPing> = batch.pings.iter().map(PingRequest::to_ping).collect();
    let accepted = pings.len();
    execute(&state, Command::RtlsPings { pings }).await?;
    Ok((StatusCode::ACCEPTED, Json(PingsAccepted { accepted })).into_response())
}

/// Where the RTLS last saw a tag.
#[utoipa::path(get, path = "/api/v1/rtls/tags/{tag}", tag = "rtls",
    params(("tag" = String, Path, description = "The tag")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Last position (mm), time, pings, distance travelled", body = Object),
        (status = 401, response = Unauthorized),
        (status = 404, description = "Never seen", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_tag(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(tag): Path<String>,
) -> Result<Json<Value>, Problem> {
    caller.integration()?;
    let what = format!("no tag {tag}");
    find(&state, Query::Tag(tag), &what).await
}

/// The KPIs of the current metrics interval and the site's counters.
#[utoipa::path(get, path = "/api/v1/metrics", tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Interval KPIs and counters", body = Object),
        (status = 401, response = Unauthorized)))]
pub(crate) async fn metrics(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<Value>, Problem> {
    caller.integration()?;
    find(&state, Query::Metrics, "metrics").await
}

/// The domain events as CloudEvents 1.0 JSON text messages, as they happen
/// (WebSocket). Browsers may pass the token as `?access_token=`.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    security(("bearer" = [])),
    responses(
        (status = 101, description = "Switching to the WebSocket; one CloudEvent per text message"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ws: WebSocketUpgrade,
) -> Result<Response, Problem> {
    caller.integration()?;
    let rx = state.events.subscribe();
    Ok(ws.on_upgrade(move |socket| stream_events(socket, rx)))
}

async fn stream_events(mut socket: WebSocket, mut rx: broadcast::Receiver<Published>) {
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Ok(e) => {
                    if socket.send(Message::Text(e.json.as_ref().into())).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    let reason = format!("too slow: {n} events missed; reconnect");
                    let _ = socket
                        .send(Message::Close(Some(axum::extract::ws::CloseFrame {
                            code: 1008,
                            reason: reason.into(),
                        })))
                        .await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
