//! Physical tracking: RTLS pings and where a tag was last seen.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use paklog_domain::{Command, RtlsPing};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::live::Query;

use super::*;
use crate::problem::{Problem, ProblemBody, Unauthorized};
use crate::views::*;

/// One RTLS position report, in metres.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PingRequest {
    /// The tag (`associate-3`, a licence plate …), 1 to 64 characters,
    /// not all blank.
    #[schema(min_length = 1, max_length = 64, pattern = r"\S")]
    pub tag: String,
    /// Across the aisles (m): aisle `a`'s centre line is at `a × pitch`;
    /// within the site's bounds.
    pub x_m: f64,
    /// Along the aisles (m) from the front cross aisle; within the site's
    /// bounds.
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
    #[schema(min_items = 1, max_items = 1000)]
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
    JsonBody(batch): JsonBody<PingBatch>,
) -> Result<Response, Problem> {
    caller.integration()?;
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
        (status = 200, description = "Last position (mm), time, pings, distance travelled", body = TagView),
        (status = 401, response = Unauthorized),
        (status = 404, description = "Never seen", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_tag(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(tag): Path<String>,
) -> Result<Json<TagView>, Problem> {
    caller.integration()?;
    let what = format!("no tag {tag}");
    find(&state, Query::Tag(tag), &what).await
}
