//! Put walls live: an operator's handheld scans a bulk tote at a wall, puts
//! items into slots by SKU and quantity, and closes a slot short (the
//! seed's `PutWallSlot`). Any token may sort (a device's associate or an
//! integration's wall terminal).

use axum::Json;
use axum::extract::{Path, State};
use paklog_domain::{Command, Reply, ToteId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::auth::Caller;
use crate::live::{Found, Lookup, Query};
use crate::problem::{Problem, ProblemBody, Unauthorized};
use crate::views::PutWallView;

/// A bulk tote scanned at a put wall.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BulkToteScan {
    /// The put wall (from 0).
    #[schema(minimum = 0, maximum = 65535)]
    pub wall: u16,
    /// The bulk tote's licence plate number.
    pub tote_id: u32,
}

/// Items put into a slot.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SlotPut {
    /// The put wall (from 0).
    #[schema(minimum = 0, maximum = 65535)]
    pub wall: u16,
    /// The slot (from 0; the wall's view lists them).
    #[schema(minimum = 0, maximum = 65535)]
    pub slot: u16,
    /// The SKU scanned (its code), one of the site's.
    pub sku: String,
    /// Units put.
    #[schema(minimum = 1)]
    pub quantity: u32,
}

/// A slot closed short.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SlotClose {
    /// The put wall (from 0).
    #[schema(minimum = 0, maximum = 65535)]
    pub wall: u16,
    /// The slot.
    #[schema(minimum = 0, maximum = 65535)]
    pub slot: u16,
}

/// After a put or a close: the wall, and where a completed slot's order
/// now queues for packing.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PutResult {
    /// The station the completed slot's order queues at, if it completed.
    pub station: Option<u32>,
    /// Stops of the bulk tote still to put.
    pub left: u32,
    /// The wall now.
    pub put_wall: PutWallView,
}

async fn wall_view(state: &AppState, wall: u16) -> Result<PutWallView, Problem> {
    Ok(find(state, Query::PutWall(wall), "no such put wall")
        .await?
        .0)
}

/// Scan a bulk tote waiting at a put wall: its orders get the wall's slots.
#[utoipa::path(post, path = "/api/v1/mobile/put-wall/scan", tag = "mobile", request_body = BulkToteScan,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Sorting: the wall with its slots", body = PutWallView),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such put wall", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The wall is sorting another tote, or this tote is not waiting there", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn scan_bulk_tote(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    JsonBody(s): JsonBody<BulkToteScan>,
) -> Result<Json<PutWallView>, Problem> {
    let command = Command::ScanBulkTote {
        wall: s.wall,
        tote: ToteId(s.tote_id),
    };
    execute(&state, command).await?;
    Ok(Json(wall_view(&state, s.wall).await?))
}

/// Put items of a SKU into a slot; the slot completes at its expected
/// count and its order goes to packing.
#[utoipa::path(post, path = "/api/v1/mobile/put-wall/put", tag = "mobile", request_body = SlotPut,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Put", body = PutResult),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such put wall or slot", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "No tote is being sorted, the slot is complete, its order did not get this SKU from the tote, or more than it expects", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn put_into_slot(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    JsonBody(p): JsonBody<SlotPut>,
) -> Result<Json<PutResult>, Problem> {
    let Found::Sku(sku) = look_up(&state, Lookup::Sku(p.sku)).await? else {
        return Err(unexpected());
    };
    let command = Command::PutIntoSlot {
        wall: p.wall,
        slot: p.slot,
        sku,
        quantity: p.quantity,
    };
    put_result(&state, p.wall, execute(&state, command).await?).await
}

/// Close a slot short: what it still expects is recorded short, and its
/// order goes to packing with what is in it.
#[utoipa::path(post, path = "/api/v1/mobile/put-wall/close", tag = "mobile", request_body = SlotClose,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Closed", body = PutResult),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such put wall or slot", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "No tote is being sorted, or the slot is complete", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn close_slot(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    JsonBody(c): JsonBody<SlotClose>,
) -> Result<Json<PutResult>, Problem> {
    let command = Command::CloseSlot {
        wall: c.wall,
        slot: c.slot,
    };
    put_result(&state, c.wall, execute(&state, command).await?).await
}

async fn put_result(state: &AppState, wall: u16, reply: Reply) -> Result<Json<PutResult>, Problem> {
    let Reply::Put { station, left } = reply else {
        return Err(unexpected());
    };
    Ok(Json(PutResult {
        station: station.map(|s| s.0),
        left,
        put_wall: wall_view(state, wall).await?,
    }))
}

/// A put wall: the bulk totes waiting and the sort under way.
#[utoipa::path(get, path = "/api/v1/put-walls/{wall}", tag = "mobile",
    params(("wall" = u16, Path, description = "The put wall (from 0)", minimum = 0, maximum = 65535)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The wall", body = PutWallView),
        (status = 401, response = Unauthorized),
        (status = 404, description = "No such put wall", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn get_put_wall(
    State(state): State<AppState>,
    Caller(_caller): Caller,
    Path(wall): Path<String>,
) -> Result<Json<PutWallView>, Problem> {
    let wall = wall.parse().map_err(|_| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not found",
            format!("no put wall {wall}"),
        )
        .with_field("wall")
    })?;
    Ok(Json(wall_view(&state, wall).await?))
}
