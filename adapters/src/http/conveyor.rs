//! Material handling: the conveyor controller's scans, diverts, discharges and stops.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use paklog_domain::{Command, Reply, SegmentId, ToteId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::live::{Found, Lookup, Query};

use super::*;
use crate::problem::{Problem, ProblemBody, Unauthorized};
use crate::views::*;

/// The conveyor's segments: whether each runs, the totes on it, and its
/// statistics so far (as in `conveyors.parquet`).
#[utoipa::path(get, path = "/api/v1/conveyor", tag = "conveyor",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{\"segments\": [{id, code, kind, running, capacity, totes, stats}], \"totes\": n}`", body = ConveyorView),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "The site has no conveyor", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<ConveyorView>, Problem> {
    caller.integration()?;
    find(&state, Query::Conveyor, "this site has no conveyor").await
}

/// The segment with `code`, or a problem naming the `segment`.
async fn segment_id(state: &AppState, code: &str) -> Result<SegmentId, Problem> {
    match look_up(state, Lookup::Segment(code.to_owned())).await? {
        Found::Segment(id) => Ok(id),
        _ => Err(unexpected()),
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
        (status = 404, description = "No conveyor, no such segment, or the tote is not on it", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not the tote's next segment, or the segment is full or stopped", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor_scan(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(scan): JsonBody<ConveyorScan>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
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
    JsonBody(scan): JsonBody<ToteScan>,
) -> Result<Json<DivertDecision>, Problem> {
    caller.integration()?;
    let tote = ToteId(scan.tote);
    let Reply::Diverted { segment } = execute(&state, Command::DivertTote { tote }).await? else {
        return Err(unexpected());
    };
    match look_up(&state, Lookup::SegmentCode(segment)).await? {
        Found::Code(segment) => Ok(Json(DivertDecision { segment })),
        _ => Err(unexpected()),
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
    JsonBody(scan): JsonBody<ToteScan>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
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
        (status = 404, description = "No conveyor, or no such segment", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn conveyor_stop(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(code): Path<String>,
    JsonBody(request): JsonBody<BlockRequest>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
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
        (status = 404, description = "No conveyor, or no such segment", body = ProblemBody, content_type = "application/problem+json")))]
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
