//! The workbench's HTTP server: hyper on tokio like `listen`, with the
//! checks a page that takes secrets needs (loopback, `Host`, `Origin`,
//! body size, CSP).

use super::api::{self, AlignRequest, ApiError, ApiOptions, ApiRequest, ErrorBody};
use super::assets;
use super::live::{sse_event, Live};
use crate::listen::{Diagnoser, Limits, ServerError};
use crate::sign::Fresh;
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST, ORIGIN};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Semaphore};

/// The largest request body the API takes (413 above it): 1 MiB.
pub const MAX_BODY: usize = 1 << 20;

/// The Content-Security-Policy of every answer: the page's own script and
/// style only, no inline script, nothing from elsewhere.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Where and how to serve the workbench.
pub struct WorkbenchOptions {
    /// The address to bind (loopback unless the user said otherwise).
    pub addr: SocketAddr,
    /// How the API answers.
    pub api: ApiOptions,
    /// The connection limits (header timeout, connections at once).
    pub limits: Limits,
    /// The diagnoser of the Live tab's listen server (`None`: no Live tab).
    pub live: Option<Diagnoser>,
    /// Start the listen server at once (`serve --listen`) rather than
    /// when the page asks.
    pub live_now: bool,
}

/// What the workbench reports, for a front end to print. Never a body or
/// a secret.
#[derive(Debug)]
pub enum WorkbenchEvent {
    /// The Live tab's listen server started at this URL.
    LiveStarted(String),
    /// Something went wrong with a client, in one line.
    Error(String),
}

/// A bound workbench, not yet serving: its URL is known.
pub struct Workbench {
    runtime: tokio::runtime::Runtime,
    listener: TcpListener,
    local_addr: SocketAddr,
    options: WorkbenchOptions,
}

impl std::fmt::Debug for Workbench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workbench")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

struct Shared {
    addr: SocketAddr,
    api: ApiOptions,
    limits: Limits,
    live: Arc<Live>,
    work: Semaphore,
    on_event: Box<dyn Fn(WorkbenchEvent) + Send + Sync>,
}

impl Workbench {
    /// Binds `options.addr` on a small runtime (two workers: the page is
    /// one user's).
    pub fn bind(options: WorkbenchOptions) -> Result<Workbench, ServerError> {
        let (runtime, listener, local_addr) =
            crate::listen::bind_on_runtime(options.addr, Some(2), "serve")?;
        Ok(Workbench {
            runtime,
            listener,
            local_addr,
            options,
        })
    }

    /// The address bound (the port chosen for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The page's URL: `http://127.0.0.1:PORT/` (bound to every address,
    /// the loopback one of its family, which a browser can open).
    pub fn url(&self) -> String {
        let mut addr = self.local_addr;
        match addr.ip() {
            std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
                addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into())
            }
            std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
                addr.set_ip(std::net::Ipv6Addr::LOCALHOST.into())
            }
            _ => {}
        }
        format!("http://{addr}/")
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub fn run<F>(self, on_event: F)
    where
        F: Fn(WorkbenchEvent) + Send + Sync + 'static,
    {
        let Workbench {
            runtime,
            listener,
            local_addr,
            options,
        } = self;
        let live = Arc::new(Live::new(options.live));
        if options.live_now {
            match live.start(local_addr.ip()) {
                Ok(url) => on_event(WorkbenchEvent::LiveStarted(url)),
                Err(e) => on_event(WorkbenchEvent::Error(e)),
            }
        }
        let shared = Arc::new(Shared {
            addr: local_addr,
            api: options.api,
            work: Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
            limits: options.limits,
            live,
            on_event: Box::new(on_event),
        });
        runtime.block_on(accept(listener, shared));
        runtime.shutdown_timeout(Duration::from_millis(100));
    }
}

/// The accept loop, until a signal.
async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let slots = Arc::new(Semaphore::new(shared.limits.max_connections.max(1)));
    let signal = crate::listen::interrupt();
    tokio::pin!(signal);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = &mut signal => break,
        };
        let (stream, peer) = tokio::select! {
            a = listener.accept() => match a {
                Ok(a) => a,
                Err(e) => {
                    (shared.on_event)(WorkbenchEvent::Error(format!("accept: {e}")));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = {
                let shared = shared.clone();
                service_fn(move |req| {
                    let shared = shared.clone();
                    async move { Ok::<_, Infallible>(handle(req, &shared).await) }
                })
            };
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(shared.limits.header_timeout)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(e) = conn.await {
                if !e.is_timeout() && !e.is_incomplete_message() && !e.is_canceled() {
                    (shared.on_event)(WorkbenchEvent::Error(format!("{peer}: {e}")));
                }
            }
            drop(permit);
        });
    }
}

type Body = BoxBody<Bytes, Infallible>;
type Answer = hyper::Response<Body>;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

/// An answer with the headers every answer carries.
fn answer(status: StatusCode, content_type: &'static str, body: Body) -> Answer {
    let mut r = hyper::Response::new(body);
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    for (name, value) in [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
        ("x-frame-options", "DENY"),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    r
}

fn json(status: StatusCode, value: &impl serde::Serialize) -> Answer {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    answer(status, "application/json", full(body))
}

fn error(status: StatusCode, e: ApiError) -> Answer {
    json(status, &ErrorBody::from(e))
}

/// Whether `host` (the `Host` header) names the address the workbench is
/// bound to, exactly: a page served under another name (DNS rebinding)
/// is refused. Bound to every address (`--bind 0.0.0.0`), any IP literal
/// with the right port passes: a rebinding attack needs a name.
pub fn host_allowed(host: Option<&str>, bound: SocketAddr) -> bool {
    let Some(host) = host else { return false };
    if host == bound.to_string() {
        return true;
    }
    if bound.ip().is_unspecified() {
        if let Ok(addr) = host.parse::<SocketAddr>() {
            return addr.port() == bound.port();
        }
    }
    false
}

/// Whether a POST's `Origin` (when present) is the page's own origin.
pub fn origin_allowed(origin: Option<&str>, host: &str) -> bool {
    match origin {
        None => true,
        Some(o) => o == format!("http://{host}"),
    }
}

async fn handle(req: hyper::Request<Incoming>, shared: &Arc<Shared>) -> Answer {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    if !host_allowed(host.as_deref(), shared.addr) {
        return error(
            StatusCode::MISDIRECTED_REQUEST,
            ApiError::new(format!(
                "this workbench answers only to Host {}: open it by that address",
                shared.addr
            )),
        );
    }
    let host = host.unwrap_or_default();
    let path = req.uri().path().to_string();
    if req.method() == Method::POST {
        let origin = req.headers().get(ORIGIN).and_then(|h| h.to_str().ok());
        if !origin_allowed(origin, &host) {
            return error(
                StatusCode::FORBIDDEN,
                ApiError::new("cross-origin requests are refused"),
            );
        }
        return post(req, &path, shared).await;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            ApiError::new("only GET and POST are served"),
        );
    }
    match path.as_str() {
        "/api/live" => live_stream(shared),
        "/api/live/status" => json(StatusCode::OK, &live_status(shared)),
        "/api/catalogue" => json(StatusCode::OK, &api::catalogue()),
        "/favicon.ico" => answer(StatusCode::NO_CONTENT, "text/plain", full(Bytes::new())),
        p => match assets::get(p) {
            Some((content_type, bytes)) => answer(StatusCode::OK, content_type, full(bytes)),
            None => error(
                StatusCode::NOT_FOUND,
                ApiError::new(format!("no page at {p}")),
            ),
        },
    }
}

#[derive(serde::Serialize)]
struct LiveStatus {
    schema: &'static str,
    available: bool,
    url: Option<String>,
}

fn live_status(shared: &Shared) -> LiveStatus {
    LiveStatus {
        schema: crate::SCHEMA,
        available: shared.live.available(),
        url: shared.live.url(),
    }
}

async fn post(req: hyper::Request<Incoming>, path: &str, shared: &Arc<Shared>) -> Answer {
    let is_json = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|c| c.trim_start().starts_with("application/json"));
    if path == "/api/live/start" {
        let (live, ip) = (shared.live.clone(), shared.addr.ip());
        let started = tokio::task::spawn_blocking(move || live.start(ip)).await;
        return match started {
            Ok(Ok(url)) => {
                (shared.on_event)(WorkbenchEvent::LiveStarted(url));
                json(StatusCode::OK, &live_status(shared))
            }
            Ok(Err(e)) => error(StatusCode::CONFLICT, ApiError::new(e)),
            Err(_) => error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::new("the live listen server did not start"),
            ),
        };
    }
    if !matches!(
        path,
        "/api/explain" | "/api/diff" | "/api/hunt" | "/api/sign" | "/api/align"
    ) {
        return error(
            StatusCode::NOT_FOUND,
            ApiError::new(format!("no endpoint at {path}")),
        );
    }
    if !is_json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::new("send the request as Content-Type: application/json"),
        );
    }
    let timeout = shared.limits.body_timeout;
    let body = match tokio::time::timeout(
        timeout,
        Limited::new(req.into_body(), MAX_BODY).collect(),
    )
    .await
    {
        Ok(Ok(b)) => b.to_bytes(),
        Ok(Err(e))
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                ApiError::new(format!("the request body is over {MAX_BODY} bytes")),
            )
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                ApiError::new("the request body could not be read"),
            )
        }
    };
    let Ok(_permit) = shared.work.acquire().await else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            ApiError::new("shutting down"),
        );
    };
    let (path, options) = (path.to_string(), shared.api);
    let done = tokio::task::spawn_blocking(move || dispatch(&path, &body, options)).await;
    match done {
        Ok(Ok(Done::Json(v))) => json(StatusCode::OK, &v),
        Ok(Ok(Done::Text(t))) => answer(StatusCode::OK, "text/plain; charset=utf-8", full(t)),
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, e),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::new("the request could not be diagnosed"),
        ),
    }
}

/// An endpoint's answer: JSON, or `sign`'s text outputs.
enum Done {
    Json(serde_json::Value),
    Text(String),
}

/// A timestamp (this machine's clock) and a nonce for RFC 5849 §3.3, used
/// by `/api/sign` only when the request carries none.
fn fresh() -> Fresh {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Fresh {
        timestamp: now.as_secs().to_string(),
        nonce: format!("{:x}{:08x}", now.as_secs(), now.subsec_nanos()),
    }
}

/// Runs one endpoint over a JSON body.
fn dispatch(path: &str, body: &[u8], options: ApiOptions) -> Result<Done, ApiError> {
    // serde's message names the field and position, never a value.
    let bad = |e: serde_json::Error| ApiError {
        line: Some(e.line()),
        column: Some(e.column()),
        ..ApiError::new(format!("the JSON body: {e}"))
    };
    if path == "/api/align" {
        let r: AlignRequest = serde_json::from_slice(body).map_err(bad)?;
        return Ok(Done::Json(
            serde_json::to_value(api::aligned(&r)).unwrap_or_default(),
        ));
    }
    let r: ApiRequest = serde_json::from_slice(body).map_err(bad)?;
    match path {
        "/api/explain" => api::explain(&r, options).map(Done::Json),
        "/api/diff" => api::diff(&r, options).map(Done::Json),
        "/api/sign" => api::sign(&r, options, &fresh()).map(|s| match s {
            api::Signed::Json(v) => Done::Json(v),
            api::Signed::Text(t) => Done::Text(t),
        }),
        _ => api::hunt(&r, options).map(Done::Json),
    }
}

/// `GET /api/live`: the entries caught so far, then each new one, as
/// Server-Sent Events.
fn live_stream(shared: &Shared) -> Answer {
    let (history, mut rx) = shared.live.subscribe();
    let (tx, body_rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        // A comment first, so the page knows it is connected.
        if tx
            .send(Bytes::from_static(b": connected\n\n"))
            .await
            .is_err()
        {
            return;
        }
        for h in history {
            if tx.send(sse_event(&h)).await.is_err() {
                return;
            }
        }
        loop {
            let next = tokio::select! {
                r = rx.recv() => r,
                _ = tx.closed() => return,
            };
            match next {
                Ok(json) => {
                    if tx.send(sse_event(&json)).await.is_err() {
                        return;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return,
            }
        }
    });
    answer(StatusCode::OK, "text/event-stream", Sse(body_rx).boxed())
}

/// A streamed body fed by a channel.
struct Sse(mpsc::Receiver<Bytes>);

impl hyper::body::Body for Sse {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_must_be_the_bound_address_exactly() {
        let bound: SocketAddr = "127.0.0.1:8766".parse().unwrap();
        assert!(host_allowed(Some("127.0.0.1:8766"), bound));
        assert!(!host_allowed(Some("localhost:8766"), bound));
        assert!(!host_allowed(Some("evil.example:8766"), bound));
        assert!(!host_allowed(Some("127.0.0.1:8767"), bound));
        assert!(!host_allowed(None, bound));
        let any: SocketAddr = "0.0.0.0:8766".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:8766"), any));
        assert!(!host_allowed(Some("rebind.example:8766"), any));
    }

    #[test]
    fn origin_must_be_the_page_when_present() {
        assert!(origin_allowed(None, "127.0.0.1:1"));
        assert!(origin_allowed(Some("http://127.0.0.1:1"), "127.0.0.1:1"));
        assert!(!origin_allowed(Some("http://evil.example"), "127.0.0.1:1"));
        assert!(!origin_allowed(Some("null"), "127.0.0.1:1"));
    }
}
