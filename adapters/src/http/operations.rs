//! Operations: health, interval metrics, and the events stream (WebSocket).

use axum::Json;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;

use crate::auth::Caller;
use crate::live::{Query, Since, SubscribeError, Subscription, subscribe};

use super::*;
use crate::problem::{Problem, ProblemBody, Unauthorized};
use crate::views::*;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The service is up", body = String)))]
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// The KPIs of the current metrics interval and the site's counters.
#[utoipa::path(get, path = "/api/v1/metrics", tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Interval KPIs and counters", body = MetricsView),
        (status = 401, response = Unauthorized)))]
pub(crate) async fn metrics(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<MetricsView>, Problem> {
    caller.integration()?;
    find(&state, Query::Metrics, "metrics").await
}

/// Where an events stream starts.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EventsFrom {
    /// The sequence number to start at (the number after the last `-` of a
    /// CloudEvent id): the events already out from there come first. A
    /// stream closed for being too slow says where to resume. Without it,
    /// the stream starts with the next event.
    from: Option<u64>,
}

/// The domain events as CloudEvents 1.0 JSON text messages, as they happen
/// (WebSocket), from `?from=SEQ` if given. Browsers may pass the token as
/// `?access_token=`.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    security(("bearer" = [])),
    params(EventsFrom),
    responses(
        (status = 101, description = "Switching to the WebSocket; one CloudEvent per text message"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`from` names an event not out yet; the detail gives the next", body = ProblemBody, content_type = "application/problem+json"),
        (status = 410, description = "`from` names an event the site no longer keeps in memory; the detail gives the oldest kept", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`from` is not a sequence number", body = ProblemBody, content_type = "application/problem+json"),
        (status = 426, description = "Not a WebSocket upgrade request: the stream is only served over a WebSocket", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(from): Params<EventsFrom>,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, Problem> {
    caller.integration()?;
    let since = from.from.map_or(Since::Now, Since::Seq);
    let sub = match subscribe(&state.kernel, since).await {
        Some(Ok(sub)) => sub,
        Some(Err(e @ SubscribeError::Ahead { .. })) => {
            return Err(
                Problem::new(StatusCode::NOT_FOUND, "not out yet", e.to_string())
                    .with_field("from"),
            );
        }
        Some(Err(e @ SubscribeError::Forgotten { .. })) => {
            return Err(
                Problem::new(StatusCode::GONE, "no longer kept", e.to_string()).with_field("from"),
            );
        }
        Some(Err(e)) => {
            return Err(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store unavailable",
                e.to_string(),
            ));
        }
        None => return Err(kernel_gone()),
    };
    match ws {
        Ok(ws) => Ok(ws.on_upgrade(move |socket| stream_events(socket, sub))),
        Err(e) => {
            let mut refused = Problem::new(
                StatusCode::UPGRADE_REQUIRED,
                "not a WebSocket upgrade",
                e.body_text(),
            )
            .into_response();
            refused.headers_mut().insert(
                axum::http::header::UPGRADE,
                axum::http::HeaderValue::from_static("websocket"),
            );
            Ok(refused)
        }
    }
}

async fn stream_events(mut socket: WebSocket, sub: Subscription) {
    let Subscription {
        from,
        backlog,
        live: mut rx,
    } = sub;
    let mut next = from;
    for e in backlog {
        if socket
            .send(Message::Text(e.json.as_ref().into()))
            .await
            .is_err()
        {
            return;
        }
        next = e.seq + 1;
    }
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Ok(e) => {
                    if socket.send(Message::Text(e.json.as_ref().into())).await.is_err() {
                        return;
                    }
                    next = e.seq + 1;
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    let reason = format!("too slow: {n} events behind; resume with ?from={next}");
                    let _ = socket
                        .send(Message::Close(Some(axum::extract::ws::CloseFrame {
                            code: 1008,
                            reason: reason.into(),
                        })))
                        .await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
