//! The request's JSON body and query string, refused as RFC 9457 problems
//! that name the field at fault: 415 when the body is not declared JSON,
//! 400 when it is not JSON at all, 422 when it is JSON of the wrong shape
//! (`lines[1].quantity: invalid type …`).
//!
//! A JSON number is an integer when its value is one, as JSON Schema says:
//! `2.0` is taken where a whole number is asked for, `2.5` is not.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

use crate::problem::Problem;

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// A query string of type `T`.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !declares_json(req.headers()) {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported media type",
                "the body must be JSON, sent with `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| Problem::new(e.status(), "body not read", e.body_text()))?;
        let mut value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "not JSON",
                format!("the body is not JSON: {e}"),
            )
        })?;
        whole_numbers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(JsonBody)
            .map_err(|e| invalid(&e.path().to_string(), &e.inner().to_string()))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(pairs)
            .map(Params)
            .map_err(|e| invalid(&e.path().to_string(), &e.inner().to_string()))
    }
}

/// Whether the request says its body is JSON (`application/json` or
/// `application/…+json`, any parameters).
fn declares_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(Ok(value)) = headers.get(header::CONTENT_TYPE).map(|v| v.to_str()) else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A 422 naming the field: the path where deserialising stopped, and for
/// a missing or unknown field, the field serde names in backquotes.
fn invalid(path: &str, message: &str) -> Problem {
    let named = message
        .split('`')
        .nth(1)
        .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_alphanumeric() || c == '_'));
    let field = match (path, named) {
        ("." | "?", Some(name)) => Some(name.to_owned()),
        ("." | "?", None) => None,
        (path, Some(name)) if message.starts_with("missing field") => {
            Some(format!("{path}.{name}"))
        }
        (path, _) => Some(path.to_owned()),
    };
    let detail = match &field {
        Some(f) if path != "." && path != "?" => format!("{f}: {message}"),
        _ => message.to_owned(),
    };
    let p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid request", detail);
    match field {
        Some(f) => p.with_field(f),
        None => p,
    }
}

/// Rewrites every number whose value is a whole number within ±2⁵³ as an
/// integer (`2.0` → `2`), so that serde takes it where an integer is asked.
fn whole_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            if let Some(f) = n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() <= 2f64.powi(53))
            {
                *n = Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_become_integers_and_fractions_stay() {
        let mut v = serde_json::json!({"a": 2.0, "b": [3.0, 2.5], "c": -0.0, "d": 1e300});
        whole_numbers(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": 2, "b": [3, 2.5], "c": 0, "d": 1e300})
        );
    }

    #[test]
    fn the_problem_names_the_field() {
        let field = |path: &str, message: &str| invalid(path, message).field().map(str::to_owned);
        assert_eq!(
            field("lines[0]", "missing field `sku`"),
            Some("lines[0].sku".into())
        );
        assert_eq!(field(".", "missing field `lines`"), Some("lines".into()));
        assert_eq!(
            field(
                "lines[1].quantity",
                "invalid type: string \"x\", expected u32"
            ),
            Some("lines[1].quantity".into())
        );
        assert_eq!(
            field(".", "unknown field `colour`, expected one of `sku`"),
            Some("colour".into())
        );
    }
}
