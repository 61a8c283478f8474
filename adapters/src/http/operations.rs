//! Operations: health, interval metrics, and the events stream (WebSocket).

use axum::Json;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use tokio::sync::broadcast;

use crate::auth::Caller;
use crate::cloudevents::Published;
use crate::live::Query;

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

/// The domain events as CloudEvents 1.0 JSON text messages, as they happen
/// (WebSocket). Browsers may pass the token as `?access_token=`.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    security(("bearer" = [])),
    responses(
        (status = 101, description = "Switching to the WebSocket; one CloudEvent per text message"),
        (status = 401, response = Unauthorized),
        (status = 403, description = "A device token", body = ProblemBody, content_type = "application/problem+json")))]
pub(crate) async fn events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ws: WebSocketUpgrade,
) -> Result<Response, Problem> {
    caller.integration()?;
    let rx = state.events.subscribe();
    Ok(ws.on_upgrade(move |socket| stream_events(socket, rx)))
}

async fn stream_events(mut socket: WebSocket, mut rx: broadcast::Receiver<Published>) {
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Ok(e) => {
                    if socket.send(Message::Text(e.json.as_ref().into())).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    let reason = format!("too slow: {n} events missed; reconnect");
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
