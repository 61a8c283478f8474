//! Bearer tokens: one per associate device, one per integration, from the
//! site file. A device may only fetch and confirm its own tasks; an
//! integration sends orders, waves and RTLS pings, reads everything and
//! follows the events. No token or an unknown one is 401, a token used
//! beyond its rights 403; either way nothing changes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use paklog_domain::AssociateId;

use crate::problem::Problem;

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An associate's handheld.
    Associate(AssociateId),
    /// A named integration (ERP, RTLS …).
    Integration(String),
    /// Anyone: the service runs without tokens (`paklog serve --open`).
    Anyone,
}

/// The tokens a site accepts.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_token: HashMap<String, Principal>,
    open: bool,
}

impl Tokens {
    /// Accepts exactly these tokens.
    #[must_use]
    pub fn new(tokens: impl IntoIterator<Item = (String, Principal)>) -> Self {
        Tokens {
            by_token: tokens.into_iter().collect(),
            open: false,
        }
    }

    /// Accepts everyone, without a token (development and demos).
    #[must_use]
    pub fn open() -> Self {
        Tokens {
            by_token: HashMap::new(),
            open: true,
        }
    }

    /// The token held by an associate's device, if there is one.
    #[must_use]
    pub fn of_associate(&self, associate: AssociateId) -> Option<&str> {
        self.by_token
            .iter()
            .find(|(_, p)| **p == Principal::Associate(associate))
            .map(|(t, _)| t.as_str())
    }

    /// Whether everyone is let in.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Who holds the token in an `Authorization` header.
    ///
    /// # Errors
    /// A 401 problem when there is no bearer token or it is unknown.
    pub fn caller(&self, authorization: Option<&str>) -> Result<Principal, Problem> {
        if self.open {
            return Ok(Principal::Anyone);
        }
        let Some(value) = authorization else {
            return Err(unauthorized(
                "no bearer token: send `Authorization: Bearer TOKEN`",
            ));
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| unauthorized("the Authorization header is not `Bearer TOKEN`"))?;
        self.by_token
            .get(token.trim())
            .cloned()
            .ok_or_else(|| unauthorized("unknown token"))
    }
}

fn unauthorized(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).with_field("Authorization")
}

impl Principal {
    /// Allows integrations (and everyone on an open service).
    ///
    /// # Errors
    /// 403 for a device token.
    pub fn integration(&self) -> Result<(), Problem> {
        match self {
            Principal::Associate(a) => Err(Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "the token of associate {}'s device may only fetch and confirm its own tasks",
                    a.0
                ),
            )
            .with_field("Authorization")),
            _ => Ok(()),
        }
    }

    /// The associate a mobile request acts for: the device's own (`asked`
    /// must be it or absent); integrations may not pick.
    ///
    /// # Errors
    /// 403 for another associate or an integration token; 422 when an open
    /// service is not told who.
    pub fn acting_for(&self, asked: Option<u32>) -> Result<AssociateId, Problem> {
        match (self, asked) {
            (Principal::Associate(me), None) => Ok(*me),
            (Principal::Associate(me), Some(a)) if a == me.0 => Ok(*me),
            (Principal::Associate(me), Some(a)) => Err(Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("this device belongs to associate {}, not {a}", me.0),
            )
            .with_field("associate")),
            (Principal::Integration(name), _) => Err(Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("integration \"{name}\" may not pick: use the associate's device token"),
            )
            .with_field("Authorization")),
            (Principal::Anyone, Some(a)) => Ok(AssociateId(a)),
            (Principal::Anyone, None) => Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid request",
                "which associate? (no device token to tell)",
            )
            .with_field("associate")),
        }
    }
}

/// The caller of a request, from its bearer token.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    Arc<Tokens>: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            // Browsers cannot set headers on a WebSocket.
            .or_else(|| {
                parts.uri.query().and_then(|q| {
                    q.split('&')
                        .find_map(|kv| kv.strip_prefix("access_token="))
                        .map(|t| format!("Bearer {t}"))
                })
            });
        Arc::<Tokens>::from_ref(state)
            .caller(header.as_deref())
            .map(Caller)
    }
}
