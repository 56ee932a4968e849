//! GraphQL over WebSocket at `GET /graphql` with `Upgrade: websocket`: the `graphql-transport-ws` protocol (the
//! `graphql-ws` library's) and the older `graphql-ws` (subscriptions-transport-ws).
//!
//! A socket authenticates once, in `connection_init`, with the same rules as HTTP: its payload's `Authorization`
//! (`"Bearer <token>"`, any case of the key) or `token` is checked like a bearer header; a token that does not verify
//! closes the socket (4403 on graphql-transport-ws) with no reason but "the bearer token is invalid or expired", the
//! reason going to the log; no token is the anonymous public. Every operation on the socket then runs for that
//! caller, on the schema its roles select, exactly as an HTTP request would; subscriptions stream their events.

use std::sync::{Arc, OnceLock};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::http::{WebSocket, WebSocketProtocols, WsMessage};
use async_graphql::{Data, Executor, Request, Response};
use futures_util::stream::{BoxStream, StreamExt};
use futures_util::FutureExt;
use hrc_db::Database;
use hrc_schema::{AppSchema, Lang, RequestContext};
use tracing_actix_web::RequestId;

use crate::startup::AppState;

/// What a socket whose token does not verify is told.
const REFUSED: &str = "the bearer token is invalid or expired";

/// Runs a socket's operations for the caller its `connection_init` named.
#[derive(Clone)]
struct SocketExecutor {
    schema: AppSchema,
    db: Database,
    lang: Lang,
    request_id: String,
    /// The rate-limit key of the socket's anonymous caller (its address).
    client: String,
    /// Set once the connection is initialised: the verified caller, or `None` for the anonymous public.
    caller: Arc<OnceLock<Option<hrc_schema::support::auth::Viewer>>>,
    /// A mutation over the socket empties the response caches, as over HTTP.
    cache: Arc<crate::caching::ResponseCache>,
    events: hrc_schema::events::Events,
}

impl SocketExecutor {
    fn context(&self) -> RequestContext {
        let viewer = self.caller.get().cloned().flatten();
        let rate_key = viewer.as_ref().map(|v| format!("sub:{}", v.subject)).unwrap_or_else(|| self.client.clone());
        RequestContext { viewer, lang: self.lang, request_id: self.request_id.clone(), rate_key, ..Default::default() }
    }
}

impl Executor for SocketExecutor {
    async fn execute(&self, request: Request) -> Response {
        let mut response = self.schema.execute(self.context(), request, &self.db).await;
        hrc_schema::support::error::ensure_codes(&mut response);
        response
    }

    fn execute_stream(&self, request: Request, _session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let mutation = crate::request::operation_type(&request.query, request.operation_name.as_deref())
            == Some(async_graphql::parser::types::OperationType::Mutation);
        let (cache, events, schema) = (self.cache.clone(), self.events.clone(), self.schema.clone());
        self.schema
            .execute_stream(self.context(), request, &self.db)
            .map(move |mut response| {
                hrc_schema::support::error::ensure_codes(&mut response);
                if mutation {
                    cache.invalidate();
                    schema.data_changed();
                    events.publish(events.changed());
                }
                response
            })
            .boxed()
    }
}

/// The bearer token of a `connection_init` payload, if it carries one.
fn token_of(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    let value = object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v)
        .or_else(|| object.get("token"))?
        .as_str()?;
    Some(if value.len() > 7 && value[..7].eq_ignore_ascii_case("bearer ") {
        value.to_owned()
    } else {
        format!("Bearer {value}")
    })
}

/// Upgrades the request to a GraphQL WebSocket.
pub async fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> actix_web::Result<HttpResponse> {
    let protocol = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|protocols| protocols.split(',').find_map(|p| p.trim().parse::<WebSocketProtocols>().ok()));
    let Some(protocol) = protocol else {
        return Ok(HttpResponse::BadRequest()
            .content_type("application/json")
            .json(serde_json::json!({ "errors": [{ "message": "ask for the graphql-transport-ws or graphql-ws subprotocol (Sec-WebSocket-Protocol)", "extensions": { "code": "BAD_REQUEST" } }] })));
    };
    let (mut response, mut session, messages) = actix_ws::handle(&req, body)?;
    response
        .headers_mut()
        .insert(header::SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(protocol.sec_websocket_protocol()));
    let lang = crate::request::language(&req);
    let caller = Arc::new(OnceLock::new());
    let executor = SocketExecutor {
        schema: state.schema.clone(),
        db: state.db.clone(),
        lang,
        request_id: request_id.to_string(),
        client: crate::request::client_key(&req),
        caller: caller.clone(),
        cache: state.cache.clone(),
        events: state.events.clone(),
    };
    let auth = state.auth.clone();
    // Pings are answered here (actix-ws leaves it to us): clients that keep their connection alive with them, as
    // many libraries do, would otherwise give up on a quiet subscription.
    let ponger = session.clone();
    let incoming = messages.filter_map(move |message| {
        let mut ponger = ponger.clone();
        async move {
            match message {
                Ok(actix_ws::Message::Text(text)) => Some(text.as_bytes().to_vec()),
                Ok(actix_ws::Message::Binary(bytes)) => Some(bytes.to_vec()),
                Ok(actix_ws::Message::Ping(bytes)) => {
                    let _ = ponger.pong(&bytes).await;
                    None
                }
                _ => None,
            }
        }
    });
    let mut socket = WebSocket::new(executor, Box::pin(incoming), protocol).on_connection_init(
        move |payload: serde_json::Value| async move {
            let viewer = match token_of(&payload) {
                None => None,
                Some(header) => match auth.verify_header(&header) {
                    Ok(viewer) => Some(viewer),
                    Err(reason) => {
                        tracing::info!(%reason, "bearer token refused in connection_init");
                        return Err(async_graphql::Error::new(REFUSED));
                    }
                },
            };
            let _ = caller.set(viewer);
            Ok(Data::default())
        },
    );
    // No keep-alive timeout: graphql-ws clients send no pings by default, and a dashboard's subscription may be quiet
    // for long stretches; a socket ends when its client closes it, its connection drops, or the server stops.
    let mut stopping = state.stopping.clone();
    actix_web::rt::spawn(async move {
        loop {
            tokio::select! {
                // What is ready goes out before the stop is heard.
                biased;
                message = socket.next() => match message {
                    Some(message) => {
                        if forward(&mut session, message).await.is_break() {
                            return;
                        }
                    }
                    None => break,
                },
                () = stopped(&mut stopping) => {
                    // Deliver what the socket has ready (an event already raised), then say goodbye.
                    while let Some(Some(message)) = socket.next().now_or_never() {
                        if forward(&mut session, message).await.is_break() {
                            return;
                        }
                    }
                    let reason = actix_ws::CloseReason {
                        code: actix_ws::CloseCode::Away,
                        description: Some("the server is shutting down; reconnect".into()),
                    };
                    let _ = session.close(Some(reason)).await;
                    return;
                }
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}

/// Sends one message of the protocol to the client; `Break` once the socket is closed (or cannot be written).
async fn forward(session: &mut actix_ws::Session, message: WsMessage) -> std::ops::ControlFlow<()> {
    match message {
        WsMessage::Text(text) => match session.text(text).await {
            Ok(()) => std::ops::ControlFlow::Continue(()),
            Err(_) => std::ops::ControlFlow::Break(()),
        },
        WsMessage::Close(code, reason) => {
            // async-graphql closes a refused connection_init with 1002; graphql-transport-ws asks for 4403.
            let code = if code == 1002 && reason == REFUSED { 4403 } else { code };
            let _ = session
                .clone()
                .close(Some(actix_ws::CloseReason { code: code.into(), description: Some(reason) }))
                .await;
            std::ops::ControlFlow::Break(())
        }
    }
}

/// Resolves once the server starts to stop (never, if its sender is gone without saying so).
async fn stopped(stopping: &mut tokio::sync::watch::Receiver<bool>) {
    if stopping.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}
