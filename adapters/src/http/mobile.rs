//! The picker's handheld and the packer's bench: tasks, next task, confirm, deliver, start and complete packing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use paklog_domain::task_execution::TaskStatus;
use paklog_domain::{Command, OrderId, Reply, TaskId};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::live::{Answer, Ask, NextTask, Query};

use super::*;
use crate::problem::{Problem, ProblemBody, Unauthorized};
use crate::views::*;

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
        (status = 200, description = "The tasks", body = Vec<TaskView>),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn list_tasks(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(filter): Params<TaskFilter>,
) -> Result<Json<Vec<TaskView>>, Problem> {
    caller.integration()?;
    let status: Option<TaskStatus> = status_filter(
        filter.status.as_deref(),
        "PENDING, ASSIGNED, IN_PROGRESS, COMPLETED or CANCELLED",
    )?;
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
        (status = 200, description = "The task in hand, started, with the stop to do now and the walk to it", body = NextTaskView),
        (status = 204, description = "Nothing to do"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "Another associate's device, or an integration", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such associate", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The associate cannot be signed on or given work now", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`associate` is not a number", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn next_task(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(device): Params<Device>,
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
        _ => Err(unexpected()),
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
    /// The stop's index in the task (the seed's instruction id;
    /// `instruction` is taken too).
    #[serde(alias = "instruction")]
    pub instruction_id: u32,
    /// Units picked; fewer than asked starts the short-pick flow.
    pub quantity: u32,
    /// The barcode scanned: must be the SKU's code; required on a site
    /// that confirms picks by scan.
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
        (status = 404, description = "No such task, stop or associate", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The stop is already confirmed, the task is not in progress, the barcode is not the stop's SKU, or more units than it asks", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No barcode on a site that confirms picks by scan", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(c): JsonBody<Confirmation>,
) -> Result<Json<Reply>, Problem> {
    let associate = caller.acting_for(c.associate)?;
    let command = Command::ConfirmPick {
        associate,
        task: TaskId(c.task_id),
        line: c.instruction_id,
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
        (status = 404, description = "No such task or associate", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Stops still open, or the task is not in progress", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn deliver(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(d): JsonBody<Delivery>,
) -> Result<Json<Reply>, Problem> {
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
    #[schema(minimum = 0)]
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
    JsonBody(p): JsonBody<PackStation>,
) -> Result<Json<Reply>, Problem> {
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
        (status = 409, description = "Not the order on that station's bench", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn complete_packing(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    JsonBody(p): JsonBody<PackedCarton>,
) -> Result<Json<Reply>, Problem> {
    let command = Command::CompletePacking {
        station: paklog_domain::StationId(p.station),
        order: OrderId(p.order_id),
        weight_kg: p.weight_kg,
    };
    Ok(Json(execute(&state, command).await?))
}
