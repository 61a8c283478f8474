//! The HTTP API (axum), as the seeds describe it. Every request becomes a
//! command or a query to the live kernel; refusals are RFC 9457
//! `application/problem+json` naming the field at fault, and change nothing.

mod conveyor;
mod extract;
mod location_master;
mod locations;
mod mobile;
mod operations;
mod orders;
mod put_walls;
mod rtls;

pub use conveyor::*;
pub(crate) use extract::{JsonBody, Params};
pub use location_master::*;
pub use locations::*;
pub use mobile::*;
pub use operations::*;
pub use orders::*;
pub use put_walls::*;
pub use rtls::*;

use std::sync::Arc;

use axum::Json;
use axum::extract::FromRef;
use axum::http::StatusCode;
use paklog_domain::{Command, Reply};
use paklog_sim::CommandSender;

use crate::auth::Tokens;
use crate::live::{Answer, Ask, Found, Input, Live, Lookup, Query};

use crate::problem::Problem;
use crate::views::View;

/// What every handler needs: the way to the kernel (commands, queries,
/// the events) and the tokens.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The live kernel's request channel.
    pub kernel: CommandSender<Input>,
    /// Who may call.
    pub tokens: Arc<Tokens>,
    /// The site's OpenAPI document.
    pub openapi: Arc<serde_json::Value>,
}

impl FromRef<AppState> for Arc<serde_json::Value> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.openapi)
    }
}

impl FromRef<AppState> for Arc<Tokens> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.tokens)
    }
}

impl AppState {
    /// The state for a running kernel.
    #[must_use]
    pub fn new(live: &Live, tokens: Tokens) -> Self {
        AppState {
            kernel: live.sender.clone(),
            tokens: Arc::new(tokens),
            openapi: Arc::clone(&live.openapi),
        }
    }
}

pub(crate) async fn ask(state: &AppState, ask: Ask) -> Result<Answer, Problem> {
    crate::live::request(&state.kernel, ask)
        .await
        .ok_or_else(kernel_gone)
}

/// The kernel has stopped: nothing can be answered.
pub(crate) fn kernel_gone() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "service unavailable",
        "the kernel is not running",
    )
}

pub(crate) fn not_stored(why: &str) -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not stored",
        format!("the command could not be made durable and was not accepted: {why}"),
    )
}

/// The kernel answered with something the request cannot have asked for.
pub(crate) fn unexpected() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error",
        "unexpected answer",
    )
}

/// Resolves a code people use to the kernel's id.
pub(crate) async fn look_up(state: &AppState, code: Lookup) -> Result<Found, Problem> {
    match ask(state, Ask::Lookup(code)).await? {
        Answer::Looked(found) => found.map_err(|e| Problem::refused(&e)),
        _ => Err(unexpected()),
    }
}

pub(crate) async fn execute(state: &AppState, command: Command) -> Result<Reply, Problem> {
    match ask(state, Ask::Execute(command)).await? {
        Answer::Executed(Ok(reply)) => Ok(reply),
        Answer::Executed(Err(e)) => Err(Problem::refused(&e)),
        Answer::NotStored(why) => Err(not_stored(&why)),
        Answer::Found(_) | Answer::NextTask(_) | Answer::Looked(_) => Err(unexpected()),
    }
}

pub(crate) async fn find<T: TryFrom<View>>(
    state: &AppState,
    query: Query,
    what: &str,
) -> Result<Json<T>, Problem> {
    match ask(state, Ask::Query(query)).await? {
        Answer::Found(Some(view)) => T::try_from(*view).map(Json).map_err(|_| unexpected()),
        _ => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not found",
            what.to_owned(),
        )),
    }
}

/// The id in a path (`7`, or `ORD-7` as the views write it); anything else
/// names nothing there is (404).
pub(crate) fn id_of(text: &str, field: &str) -> Result<u32, Problem> {
    text.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '-')
        .parse()
        .map_err(|_| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "not found",
                format!("not an id: \"{text}\""),
            )
            .with_field(field)
        })
}

/// A list's `?status=` filter as the state it names (any case), or a 422
/// naming the field and the `expected` states.
pub(crate) fn status_filter<T: serde::de::DeserializeOwned>(
    status: Option<&str>,
    expected: &str,
) -> Result<Option<T>, Problem> {
    status
        .map(|s| {
            serde_json::from_value(serde_json::Value::String(s.to_ascii_uppercase())).map_err(
                |_| {
                    Problem::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid request",
                        format!("unknown status \"{s}\": expected {expected}"),
                    )
                    .with_field("status")
                },
            )
        })
        .transpose()
}

/// A reason of 1 to 200 characters, trimmed.
pub(crate) fn checked_reason(reason: &str) -> Result<String, Problem> {
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
