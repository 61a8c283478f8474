//! The location master's configuration (seed Project 3): locations added,
//! their capacity and slotting class, taken out of use and back.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use paklog_domain::Command;
use paklog_domain::commands::NewLocation;
use paklog_domain::location_master::{AbcClass, FaceMove, LocationKind, Point, Side};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::locations::{BlockRequest, location_id};
use super::*;
use crate::auth::Caller;
use crate::live::{Found, Lookup};
use crate::problem::{Problem, ProblemBody, Unauthorized};
use crate::views::CapacityBody;

/// What a location added is for.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NewLocationKind {
    /// A pick face.
    Pick,
    /// Reserve storage.
    Reserve,
}

/// A rack side.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum SideBody {
    /// Left, looking from the front.
    L,
    /// Right.
    R,
}

/// A velocity class.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum ClassBody {
    /// Fast movers.
    A,
    /// Medium movers.
    B,
    /// Slow movers.
    C,
}

impl From<ClassBody> for AbcClass {
    fn from(c: ClassBody) -> Self {
        match c {
            ClassBody::A => AbcClass::A,
            ClassBody::B => AbcClass::B,
            ClassBody::C => AbcClass::C,
        }
    }
}

/// A location to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewLocationBody {
    /// The code on its label: 1 to 64 characters, not all blank, unique
    /// (409 if taken).
    #[schema(min_length = 1, max_length = 64, pattern = r"\S")]
    pub code: String,
    /// `PICK` or `RESERVE`.
    #[serde(rename = "type")]
    pub kind: NewLocationKind,
    /// One of the site's zones (404 if not).
    pub zone: String,
    /// The aisle where a picker stands to reach it, numbered from 1 (404
    /// past the site's aisles); left out, it stands at the depot.
    #[schema(minimum = 1, maximum = 100_000)]
    pub aisle: Option<u32>,
    /// Metres along the aisle from the front cross aisle's centre line
    /// (404 past the aisle's far end).
    #[schema(minimum = 0, maximum = 100_000)]
    #[serde(default)]
    pub depth_m: f64,
    /// Its bay as the site numbers it.
    #[schema(minimum = 0, maximum = 100_000)]
    #[serde(default)]
    pub bay: u32,
    /// Its level.
    #[schema(minimum = 0, maximum = 1_000)]
    #[serde(default)]
    pub level: u32,
    /// Rack side.
    pub side: Option<SideBody>,
    /// What it holds at most.
    #[serde(default)]
    pub capacity: CapacityBody,
    /// The conditions it meets (`HAZMAT`, `FROZEN` …), each 1 to 32
    /// characters; at most 16.
    #[serde(default)]
    #[schema(max_items = 16)]
    pub restrictions: Vec<String>,
    /// The velocity class of the items it is meant for.
    pub slotting_class: Option<ClassBody>,
}

/// The location added.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedLocation {
    /// Its id.
    pub location_id: u32,
    /// Its code.
    pub code: String,
}

fn invalid(field: &str, detail: &str) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid request", detail).with_field(field)
}

/// The location master adds a PICK or RESERVE location, on the walking
/// network or at the depot. `LocationCreated` follows.
#[utoipa::path(post, path = "/api/v1/locations", tag = "locations", request_body = NewLocationBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added and stored", body = CreatedLocation),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such `zone`, or the `aisle` and `depthM` are off the site's walking network", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The `code` is taken", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn create_location(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<NewLocationBody>,
) -> Result<(StatusCode, Json<CreatedLocation>), Problem> {
    caller.integration()?;
    let code = body.code.trim().to_owned();
    if code.is_empty() || code.chars().count() > 64 {
        return Err(invalid("code", "must be 1 to 64 characters"));
    }
    let mut restrictions = Vec::with_capacity(body.restrictions.len());
    for r in &body.restrictions {
        let r = r.trim();
        if r.is_empty() || r.chars().count() > 32 {
            return Err(invalid("restrictions", "each must be 1 to 32 characters"));
        }
        restrictions.push(r.to_ascii_uppercase());
    }
    if restrictions.len() > 16 {
        return Err(invalid("restrictions", "at most 16"));
    }
    check_capacity(&body.capacity)?;
    if !(body.depth_m.is_finite() && body.depth_m >= 0.0) {
        return Err(invalid("depthM", "must be a number ≥ 0"));
    }
    let location = NewLocation {
        code: code.clone(),
        kind: match body.kind {
            NewLocationKind::Pick => LocationKind::Pick,
            NewLocationKind::Reserve => LocationKind::Reserve,
        },
        zone: body.zone,
        point: body
            .aisle
            .map(|a| Point::new(a.saturating_sub(1), body.depth_m)),
        bay: body.bay,
        level: body.level,
        side: body.side.map(|s| match s {
            SideBody::L => Side::L,
            SideBody::R => Side::R,
        }),
        capacity: body.capacity.into(),
        restrictions,
        slotting_class: body.slotting_class.map(Into::into),
    };
    execute(&state, Command::CreateLocation { location }).await?;
    let Found::Location(id) = look_up(&state, Lookup::Location(code.clone())).await? else {
        return Err(unexpected());
    };
    Ok((
        StatusCode::CREATED,
        Json(CreatedLocation {
            location_id: id.0,
            code,
        }),
    ))
}

fn check_capacity(c: &CapacityBody) -> Result<(), Problem> {
    let ok = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && (0.0..=1e6).contains(&v));
    if !ok(c.volume_l) {
        return Err(invalid(
            "capacity.volumeL",
            "must be a number from 0 to 1 000 000",
        ));
    }
    if !ok(c.weight_kg) {
        return Err(invalid(
            "capacity.weightKg",
            "must be a number from 0 to 1 000 000",
        ));
    }
    if c.units.is_some_and(|u| u > 1_000_000_000) {
        return Err(invalid("capacity.units", "must be 0 to 1 000 000 000"));
    }
    Ok(())
}

/// The location master sets what a location holds at most, never below
/// what it holds now. `LocationCapacityConfigured` follows; a putaway or
/// replenishment past it is cut to it (`LocationCapacityExceeded`).
#[utoipa::path(put, path = "/api/v1/locations/{locationId}/capacity", tag = "locations",
    params(("locationId" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    request_body = CapacityBody,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Set and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Below what the location holds now", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn configure_capacity(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    JsonBody(capacity): JsonBody<CapacityBody>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    check_capacity(&capacity)?;
    let location = location_id(&state, key).await?;
    execute(
        &state,
        Command::ConfigureLocationCapacity {
            location,
            capacity: capacity.into(),
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A location's slotting class.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SlottingClassBody {
    /// The velocity class of the items it is meant for; null for any.
    pub slotting_class: Option<ClassBody>,
}

/// The location master sets the velocity class of the items a location is
/// meant for. `LocationSlottingChanged` follows if it changed.
#[utoipa::path(put, path = "/api/v1/locations/{locationId}/slotting-class", tag = "locations",
    params(("locationId" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    request_body = SlottingClassBody,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Set and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn assign_slotting_class(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    JsonBody(body): JsonBody<SlottingClassBody>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    let location = location_id(&state, key).await?;
    execute(
        &state,
        Command::AssignSlottingClass {
            location,
            class: body.slotting_class.map(Into::into),
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_active(
    state: &AppState,
    key: String,
    active: bool,
    request: &BlockRequest,
) -> Result<StatusCode, Problem> {
    let reason = checked_reason(&request.reason)?;
    let location = location_id(state, key).await?;
    execute(
        state,
        Command::SetLocationActive {
            location,
            active,
            reason,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The location master takes a location out of use: it must be empty
/// (nothing on hand, on its way or promised, no SKU's reserve kept there);
/// an empty pick face is unslotted. It is never slotted nor picked from
/// again until it is put back. `LocationDeactivated` follows.
#[utoipa::path(post, path = "/api/v1/locations/{locationId}/deactivate", tag = "locations",
    params(("locationId" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    request_body = BlockRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Out of use (or already) and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The location is not empty", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn deactivate_location(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    JsonBody(request): JsonBody<BlockRequest>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    set_active(&state, key, false, &request).await
}

/// The location master puts a location back into use. `LocationActivated`
/// follows.
#[utoipa::path(post, path = "/api/v1/locations/{locationId}/activate", tag = "locations",
    params(("locationId" = String, Path, description = "Location id (`12`) or code (`A01-B1-03-1L`)")),
    request_body = BlockRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "In use (or already) and stored"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn activate_location(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    JsonBody(request): JsonBody<BlockRequest>,
) -> Result<StatusCode, Problem> {
    caller.integration()?;
    set_active(&state, key, true, &request).await
}

/// Most moves one request applies.
const MAX_MOVES: usize = 100_000;

/// One move of a slotting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    /// The pick face whose item moves: id (`12`) or code.
    #[schema(min_length = 1, max_length = 64)]
    pub from: String,
    /// Where the item goes: an active pick location, empty or left by
    /// another move of the same request.
    #[schema(min_length = 1, max_length = 64)]
    pub to: String,
}

/// A slotting to apply: the moves `paklog slot` writes (`moves.csv`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlottingMovesBody {
    /// The moves; each face moves once and each target takes one item.
    #[schema(min_items = 1, max_items = 100_000)]
    pub moves: Vec<MoveBody>,
}

/// What a slotting became.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReslottingBody {
    /// Moves asked for.
    pub moves: u32,
    /// Moves added to pass an item of a cycle through a free face (a
    /// cycle with none runs as swaps).
    pub hops: u32,
    /// RESLOT tasks opened now; the rest open as their targets free up.
    pub started: u32,
}

/// The location master applies a slotting live: each move becomes a
/// RESLOT task (take the face's units out, put them in the new face), in
/// an order that can run — a target is emptied before it is filled, and a
/// cycle of moves passes one item through a free pick face or, where the
/// area has none (a full cage), runs as swaps (one task takes two faces'
/// units out and puts each into the other). When the units are taken out
/// the face changes hands (`ItemReslotted`) and open pick lines follow
/// them (`TaskRerouted`).
#[utoipa::path(post, path = "/api/v1/slotting/moves", tag = "locations",
    request_body = SlottingMovesBody,
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued as RESLOT tasks and stored", body = ReslottingBody),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "A move names no location", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "A move the site cannot make as it stands: not a pick face, a target out of use, blocked, too small, or one its item's restrictions forbid, a target held by an item no move takes away; or a location already being moved", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No moves, or more than 100 000", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn apply_slotting(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<SlottingMovesBody>,
) -> Result<(StatusCode, Json<ReslottingBody>), Problem> {
    caller.integration()?;
    if body.moves.is_empty() || body.moves.len() > MAX_MOVES {
        return Err(invalid("moves", "give 1 to 100 000 moves"));
    }
    let mut moves = Vec::with_capacity(body.moves.len());
    for (i, m) in body.moves.into_iter().enumerate() {
        let from = location_id(&state, m.from)
            .await
            .map_err(|p| p.with_field(format!("moves[{i}].from")))?;
        let to = location_id(&state, m.to)
            .await
            .map_err(|p| p.with_field(format!("moves[{i}].to")))?;
        moves.push(FaceMove { from, to });
    }
    let Reply::Reslotting {
        moves,
        hops,
        started,
    } = execute(&state, Command::ReslotFaces { moves }).await?
    else {
        return Err(unexpected());
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(ReslottingBody {
            moves,
            hops,
            started,
        }),
    ))
}
