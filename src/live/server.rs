//! The HTTP side: the embedded page, the event stream and the control endpoints.
//!
//! | method and path | what |
//! |---|---|
//! | `GET /` , `/app.js`, `/style.css`, `/font.ttf` | the page, embedded in the binary |
//! | `GET /events` | server-sent events: `init`, then `frame`s (see `protocol.rs`) |
//! | `GET /api/state` | the `init` state as JSON |
//! | `GET /api/scenario.toml` | the session saved as a scenario (a download) |
//! | `POST /api/{start,pause,reset}` | `{}` |
//! | `POST /api/step` | `{"ticks": n}` (default 1) |
//! | `POST /api/speed` | `{"ticks_per_second": x}` or `null` for as fast as it goes |
//! | `POST /api/shock` | `{"kind": "surge", "factor": 2.5, "duration": 100}` and so on |
//! | `POST /api/rate`, `/api/authority` | `{"rate": x}`, `{"authority": x}` (`null`: the design's) |
//!
//! Any other path is a 404, any other method a 405, a body that is not the JSON asked for a
//! 4xx; nothing a client sends can stop the server. Requests naming another host, or posted
//! from another site's page, are refused (403), so a web page elsewhere cannot drive the
//! session.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, body::Body};
use tokio::sync::{broadcast, oneshot};

use super::protocol::*;
use super::sim::{Command, Control, Msg, Subscription};

/// Largest request body: every control fits in a few dozen bytes.
pub const MAX_BODY: usize = 4096;

const INDEX: &str = include_str!("page/index.html");
const APP: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/style.css");
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub commands: mpsc::Sender<Command>,
    /// Open event streams.
    pub clients: Arc<AtomicUsize>,
    pub port: u16,
}

/// The dashboard's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { asset(INDEX, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { asset(APP, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
        .route("/font.ttf", get(|| async { asset(FONT, "font/ttf") }))
        .route("/events", get(events))
        .route("/api/state", get(state_json))
        .route("/api/scenario.toml", get(save))
        .route("/api/start", post(start))
        .route("/api/pause", post(pause))
        .route("/api/reset", post(reset))
        .route("/api/step", post(step))
        .route("/api/speed", post(speed))
        .route("/api/shock", post(shock))
        .route("/api/rate", post(rate))
        .route("/api/authority", post(authority))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: the dashboard is at /, its stream at /events\n",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), local_only))
        .with_state(state)
}

fn asset(body: impl Into<Body>, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body.into(),
    )
        .into_response()
}

/// Whether a `Host` or `Origin` authority names this server on the loopback interface.
fn is_local(authority: &str, port: u16) -> bool {
    ["127.0.0.1", "localhost"]
        .iter()
        .any(|h| authority == format!("{h}:{port}"))
}

async fn local_only(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let host_ok = req
        .headers()
        .get(header::HOST)
        .is_none_or(|h| h.to_str().is_ok_and(|h| is_local(h, s.port)));
    // A page of another site may post to this server; its Origin gives it away.
    let origin_ok = req.method() == Method::GET
        || req.method() == Method::HEAD
        || req.headers().get(header::ORIGIN).is_none_or(|o| {
            o.to_str().is_ok_and(|o| {
                o.strip_prefix("http://")
                    .is_some_and(|rest| is_local(rest, s.port))
            })
        });
    if host_ok && origin_ok {
        next.run(req).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "refused: orgsim live answers only its own page on 127.0.0.1\n",
        )
            .into_response()
    }
}

fn stopped() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "the simulation has stopped\n",
    )
        .into_response()
}

async fn ask<T>(s: &AppState, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Option<T> {
    let (tx, rx) = oneshot::channel();
    s.commands.send(make(tx)).ok()?;
    rx.await.ok()
}

async fn control(s: &AppState, c: Control) -> Response {
    match ask(s, |tx| Command::Control(c, tx)).await {
        Some(Ok(ack)) => Json(ack).into_response(),
        Some(Err(r)) => {
            let code = if r.conflict {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (code, Json(serde_json::json!({ "error": r.message }))).into_response()
        }
        None => stopped(),
    }
}

async fn start(State(s): State<AppState>, Json(_): Json<Empty>) -> Response {
    control(&s, Control::Start).await
}

async fn pause(State(s): State<AppState>, Json(_): Json<Empty>) -> Response {
    control(&s, Control::Pause).await
}

async fn reset(State(s): State<AppState>, Json(_): Json<Empty>) -> Response {
    control(&s, Control::Reset).await
}

async fn step(State(s): State<AppState>, Json(r): Json<StepRequest>) -> Response {
    control(&s, Control::Step(r.ticks)).await
}

async fn speed(State(s): State<AppState>, Json(r): Json<SpeedRequest>) -> Response {
    control(&s, Control::Speed(r.ticks_per_second)).await
}

async fn shock(State(s): State<AppState>, Json(r): Json<ShockRequest>) -> Response {
    control(&s, Control::Shock(r)).await
}

async fn rate(State(s): State<AppState>, Json(r): Json<RateRequest>) -> Response {
    control(&s, Control::Rate(r.rate)).await
}

async fn authority(State(s): State<AppState>, Json(r): Json<AuthorityRequest>) -> Response {
    control(&s, Control::Authority(r.authority)).await
}

async fn state_json(State(s): State<AppState>) -> Response {
    match ask(&s, Command::State).await {
        Some(init) => asset(init.to_string(), "application/json"),
        None => stopped(),
    }
}

async fn save(State(s): State<AppState>) -> Response {
    match ask(&s, Command::Save).await {
        Some(Ok(saved)) => {
            let disposition = format!("attachment; filename=\"{}\"", saved.file_name);
            let mut r = asset(saved.text, "application/toml; charset=utf-8");
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Some(Err(r)) => (
            if r.conflict {
                StatusCode::CONFLICT
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            },
            r.message + "\n",
        )
            .into_response(),
        None => stopped(),
    }
}

/// Counts an open stream while it lives.
struct Client(Arc<AtomicUsize>);

impl Client {
    fn new(count: Arc<AtomicUsize>) -> Client {
        count.fetch_add(1, Ordering::Relaxed);
        Client(count)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

struct Stream {
    init: Option<Arc<str>>,
    rx: broadcast::Receiver<Msg>,
    state: AppState,
    _client: Client,
}

async fn events(State(s): State<AppState>) -> Response {
    let Some(Subscription { init, rx }) = ask(&s, Command::Subscribe).await else {
        return stopped();
    };
    let start = Stream {
        init: Some(init),
        rx,
        _client: Client::new(s.clients.clone()),
        state: s,
    };
    // The stream ends when the simulation stops; a page that goes away drops it, and with
    // it its place in the client count.
    let stream = futures_util::stream::unfold(start, |mut st| async move {
        if let Some(init) = st.init.take() {
            return Some((Ok::<_, Infallible>(event("init", &init)), st));
        }
        match st.rx.recv().await {
            Ok(Msg::Frame(f)) => Some((Ok(event("frame", &f)), st)),
            Ok(Msg::Init(i)) => Some((Ok(event("init", &i)), st)),
            // Too slow to keep up: start again from the whole state.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                let Subscription { init, rx } = ask(&st.state, Command::Subscribe).await?;
                st.rx = rx;
                Some((Ok(event("init", &init)), st))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn event(name: &str, data: &str) -> Event {
    Event::default().event(name).data(data)
}
