//! RFC 9457 problems (`application/problem+json`): every error the API
//! answers, naming the request field at fault. A refused command's status
//! follows its kind ([`RefusalKind`]), never its text.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use paklog_domain::{CommandError, RefusalKind};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

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

    /// The request field at fault, if any.
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A refused command, with the status its kind calls for and the
    /// request field it names.
    pub(crate) fn refused(e: &CommandError) -> Self {
        let (status, title) = match e.kind() {
            RefusalKind::NotFound => (StatusCode::NOT_FOUND, "not found"),
            RefusalKind::Forbidden => (StatusCode::FORBIDDEN, "not your task"),
            RefusalKind::Conflict => (StatusCode::CONFLICT, "not allowed in this state"),
            RefusalKind::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "invalid request"),
        };
        Problem {
            status,
            title,
            detail: e.detail(),
            field: Some(e.field()),
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
