//! The HTTP API (axum), as the seeds describe it. Every request becomes a
//! command or a query to the live kernel; refusals are RFC 9457
//! `application/problem+json` naming the field at fault, and change nothing.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query as QueryParams, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use paklog_domain::task::TaskStatus;
use paklog_domain::{AssociateId, Command, CommandError, NewOrder, OrderId, Reply, TaskId, WaveId};
use paklog_sim::CommandSender;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::live::{Answer, Ask, Input, Query};

/// What every handler needs: the way to the kernel.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The live kernel's request channel.
    pub kernel: CommandSender<Input>,
}

/// An RFC 9457 problem.
#[derive(Debug)]
pub struct Problem {
    status: StatusCode,
    title: &'static str,
    detail: String,
    field: Option<String>,
}

impl Problem {
    fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Problem {
            status,
            title,
            detail: detail.into(),
            field: None,
        }
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
            | E::UnknownLocation(_) => (StatusCode::NOT_FOUND, "not found"),
            E::NotYourTask { .. } => (StatusCode::FORBIDDEN, "not your task"),
            E::WrongTaskState { .. }
            | E::WaveNotPlanned { .. }
            | E::LineConfirmed { .. }
            | E::StopsOpen { .. }
            | E::StationBusy { .. }
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
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

async fn ask(state: &AppState, ask: Ask) -> Result<Answer, Problem> {
    let (tx, rx) = oneshot::channel();
    let unavailable = || {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service unavailable",
            "the kernel is not running",
        )
    };
    state
        .kernel
        .send(Input::Request(ask, tx))
        .map_err(|_| unavailable())?;
    rx.await.map_err(|_| unavailable())
}

async fn execute(state: &AppState, command: Command) -> Result<Reply, Problem> {
    match ask(state, Ask::Execute(command)).await? {
        Answer::Executed(Ok(reply)) => Ok(reply),
        Answer::Executed(Err(e)) => Err(Problem::refused(&e)),
        Answer::NotStored(why) => Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not stored",
            format!("the command could not be made durable and was not accepted: {why}"),
        )),
        Answer::Found(_) => Err(Problem::new(
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
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/orders", post(create_order))
        .route("/api/v1/orders/{order_id}", get(get_order))
        .route("/api/v1/waves", post(create_wave))
        .route("/api/v1/waves/{wave_id}", get(get_wave))
        .route("/api/v1/waves/{wave_id}/release", post(release_wave))
        .route("/api/v1/tasks", get(list_tasks))
        .route("/api/v1/mobile/picking/next-task", get(next_task))
        .route("/api/v1/mobile/picking/confirm", post(confirm))
        .route("/api/v1/mobile/picking/deliver", post(deliver))
        .route("/api/v1/locations/{location_id}", get(get_location))
        .route("/api/v1/metrics", get(metrics))
        .with_state(state)
}

/// The request's JSON body, or a 422 that says what is wrong with it.
fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<Json<T>, Problem> {
    body.map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid request",
            e.body_text(),
        )
    })
}

fn id_of(text: &str, field: &str) -> Result<u32, Problem> {
    text.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '-')
        .parse()
        .map_err(|_| {
            let mut p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid request",
                format!("not an id: \"{text}\""),
            );
            p.field = Some(field.to_owned());
            p
        })
}

async fn create_order(
    State(state): State<AppState>,
    body: Result<Json<NewOrder>, JsonRejection>,
) -> Result<Response, Problem> {
    let Json(order) = json_body(body)?;
    match execute(&state, Command::ReceiveOrder(order)).await? {
        Reply::OrderAccepted { order, status } => Ok((
            StatusCode::CREATED,
            Json(json!({ "orderId": order, "status": status })),
        )
            .into_response()),
        other => Ok(Json(other).into_response()),
    }
}

async fn get_order(
    State(state): State<AppState>,
    Path(order_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let id = OrderId(id_of(&order_id, "orderId")?);
    find(&state, Query::Order(id), &format!("no order {order_id}")).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewWave {
    order_ids: Vec<u32>,
}

async fn create_wave(
    State(state): State<AppState>,
    body: Result<Json<NewWave>, JsonRejection>,
) -> Result<Response, Problem> {
    let Json(wave) = json_body(body)?;
    let orders = wave.order_ids.into_iter().map(OrderId).collect();
    match execute(&state, Command::CreateWave { orders }).await? {
        Reply::WavePlanned { wave } => {
            Ok((StatusCode::CREATED, Json(json!({ "waveId": wave }))).into_response())
        }
        other => Ok(Json(other).into_response()),
    }
}

async fn get_wave(
    State(state): State<AppState>,
    Path(wave_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let id = WaveId(id_of(&wave_id, "waveId")?);
    find(&state, Query::Wave(id), &format!("no wave {wave_id}")).await
}

async fn release_wave(
    State(state): State<AppState>,
    Path(wave_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let wave = WaveId(id_of(&wave_id, "waveId")?);
    execute(&state, Command::ReleaseWave { wave }).await?;
    find(&state, Query::Wave(wave), "the wave").await
}

#[derive(Debug, Deserialize)]
struct TaskFilter {
    status: Option<String>,
}

async fn list_tasks(
    State(state): State<AppState>,
    QueryParams(filter): QueryParams<TaskFilter>,
) -> Result<Json<Value>, Problem> {
    let status = match filter.status.as_deref() {
        None => None,
        Some(s) => Some(
            serde_json::from_value::<TaskStatus>(Value::String(s.to_ascii_uppercase())).map_err(
                |_| {
                    let mut p = Problem::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid request",
                        format!(
                            "unknown status \"{s}\": expected PENDING, ASSIGNED, IN_PROGRESS, COMPLETED or CANCELLED"
                        ),
                    );
                    p.field = Some("status".into());
                    p
                },
            )?,
        ),
    };
    find(&state, Query::Tasks(status), "tasks").await
}

#[derive(Debug, Deserialize)]
struct Device {
    associate: u32,
}

/// The associate's next task: signs them on if need be, assigns the best
/// pending task and starts it; 204 when there is none.
async fn next_task(
    State(state): State<AppState>,
    QueryParams(device): QueryParams<Device>,
) -> Result<Response, Problem> {
    let associate = AssociateId(device.associate);
    // Polling changes nothing and stores nothing: sign on only when signed
    // off, and ask for work only when there may be some.
    let who = format!("no associate {}", associate.0);
    let Json(me) = find(&state, Query::Associate(associate), &who).await?;
    if me["signed_on"] != true {
        execute(&state, Command::SignOn { associate }).await?;
    } else if me["idle"] == true && me["current"].is_null() {
        let Json(metrics) = find(&state, Query::Metrics, "metrics").await?;
        if metrics["pending_tasks"] == 0 {
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
    }
    let Reply::NextTask { task } = execute(&state, Command::RequestNextTask { associate }).await?
    else {
        return Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error",
            "unexpected reply",
        ));
    };
    let Some(task) = task else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let Json(view) = find(&state, Query::Task(task), "the task").await?;
    if view["status"] == "ASSIGNED" {
        execute(&state, Command::StartTask { associate, task }).await?;
    }
    Ok(find(&state, Query::Task(task), "the task")
        .await?
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Confirmation {
    associate: u32,
    task_id: u32,
    /// The stop's index in the task (the instruction id).
    instruction: u32,
    quantity: u32,
    barcode: Option<String>,
}

async fn confirm(
    State(state): State<AppState>,
    body: Result<Json<Confirmation>, JsonRejection>,
) -> Result<Json<Reply>, Problem> {
    let Json(c) = json_body(body)?;
    let command = Command::ConfirmPick {
        associate: AssociateId(c.associate),
        task: TaskId(c.task_id),
        line: c.instruction,
        quantity: c.quantity,
        barcode: c.barcode,
    };
    Ok(Json(execute(&state, command).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Delivery {
    associate: u32,
    task_id: u32,
}

async fn deliver(
    State(state): State<AppState>,
    body: Result<Json<Delivery>, JsonRejection>,
) -> Result<Json<Reply>, Problem> {
    let Json(d) = json_body(body)?;
    let command = Command::DeliverTote {
        associate: AssociateId(d.associate),
        task: TaskId(d.task_id),
    };
    Ok(Json(execute(&state, command).await?))
}

/// A location by id or code (`A03-B1-12-2L`): master data and stock.
async fn get_location(
    State(state): State<AppState>,
    Path(location_id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let what = format!("no location {location_id}");
    find(&state, Query::Location(location_id), &what).await
}

async fn metrics(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    find(&state, Query::Metrics, "metrics").await
}
