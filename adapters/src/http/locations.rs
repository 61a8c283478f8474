//! The location master and stock: locations by id or code, receipts, blocking and unblocking, reconciliation.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use paklog_domain::{Command, LocationId};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::live::{Found, Lookup, Query};

use super::*;
use crate::problem::{Problem, ProblemBody, Unauthorized};
use crate::views::*;

/// A location by id or code (`A03-B1-12-2L`): master data and stock.
#[utoipa::path(get, path = "/api/v1/locations/{locationId}", tag = "locations",
    params(("locationId" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Master data and stock", body = LocationView),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_location(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    Path(location_id): Path<String>,
) -> Result<Json<LocationView>, Problem> {
    let what = format!("no location {location_id}");
    find(&state, Query::Location(location_id), &what).await
}

/// Goods received at the dock.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// SKU code, one of the site's.
    pub sku: String,
    /// Units received: 1 to 1 000 000 000, and no more than the SKU's
    /// books have room for (409 past it).
    #[schema(minimum = 1, maximum = 1_000_000_000)]
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
        (status = 409, description = "More `units` than the SKU's books have room for", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Against the schema: an unknown `sku`, no `units`", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn receive_stock(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(receipt): JsonBody<Receipt>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
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
    /// Free text (`rack damage`, `spill` …), 1 to 200 characters, not
    /// all blank.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub reason: String,
}

/// The location id behind an id or a code.
pub(crate) async fn location_id(state: &AppState, key: String) -> Result<LocationId, Problem> {
    match look_up(state, Lookup::Location(key)).await? {
        Found::Location(id) => Ok(id),
        _ => Err(unexpected()),
    }
}

/// The location master blocks a location: nothing more is allocated there,
/// and the next pick there raises a location exception that re-slots its
/// SKU and re-routes open tasks.
#[utoipa::path(post, path = "/api/v1/locations/{locationId}/block", tag = "locations",
    params(("locationId" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    request_body = BlockRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Blocked (or already blocked) and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn block_location(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    JsonBody(request): JsonBody<BlockRequest>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let reason = checked_reason(&request.reason)?;
    let location = location_id(&state, key).await?;
    execute(&state, Command::BlockLocation { location, reason }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The location master opens a blocked location again.
#[utoipa::path(post, path = "/api/v1/locations/{locationId}/unblock", tag = "locations",
    params(("locationId" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
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
        (status = 200, description = "`{\"variances\": [{kind, location, sku, units, explained_by}]}`", body = ReconciliationView),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn reconciliation(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<ReconciliationView>, Problem> {
    caller.integration()?;
    find(&state, Query::Reconciliation, "no reconciliation").await
}
