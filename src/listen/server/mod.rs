//! The server: HTTP/1.1 with keep-alive (hyper) on tokio, optionally over
//! TLS (rustls), with the limits a local diagnostic server needs so that
//! no client can hold it: a body limit, header and idle timeouts, a cap on
//! connections and on diagnoses running at once, and a graceful shutdown.
//!
//! Each connection's bytes are copied as they are read, so a request is
//! diagnosed from exactly what the client sent (header order and case, the
//! body as framed), not from hyper's normalized view of it.

mod respond;
mod tunnel;

use super::capture::raw_request_len;
use super::diagnose::{Arrival, Diagnosed, Diagnoser};
use super::proxy::{forward, Proxy, ProxyOptions, Target};
use super::record::Recorder;
use super::tls::SelfSigned;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ACCEPT, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

/// The limits that keep one client from holding the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest body accepted (413 above it): 16 MiB.
    pub max_body: usize,
    /// How long a client may take to send a request's head (a slow-loris
    /// connection is closed then), and a TLS handshake. hyper counts a
    /// keep-alive connection's wait for its next request as part of the
    /// head, so it bounds that wait too.
    pub header_timeout: Duration,
    /// How long a keep-alive connection may stay silent between requests.
    pub idle_timeout: Duration,
    /// How long a client may take to send a body.
    pub body_timeout: Duration,
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
    /// Diagnoses (hunts) running at once.
    pub max_diagnoses: usize,
    /// How long a shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: crate::input::MAX_INPUT,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(60),
            max_connections: 256,
            max_diagnoses: std::thread::available_parallelism().map_or(2, |n| n.get()),
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// Where and how to serve.
#[derive(Debug)]
pub struct ServerOptions {
    /// The address to bind (loopback unless the user said otherwise).
    pub addr: SocketAddr,
    /// Serve HTTPS with this certificate.
    pub tls: Option<SelfSigned>,
    /// The limits.
    pub limits: Limits,
    /// Record every request here.
    pub recorder: Option<Recorder>,
    /// `--proxy`: forward each request upstream instead of answering it.
    pub proxy: Option<ProxyOptions>,
}

/// What the server reports, for a front end to print.
#[derive(Debug)]
pub enum Event {
    /// A request was diagnosed and answered.
    Request {
        /// The diagnosis.
        diagnosed: Box<Diagnosed>,
        /// The `NNNN.http` file written, with `--record`.
        recorded: Option<PathBuf>,
    },
    /// Something went wrong with a client or a file, in one line (no
    /// secret: it names the peer and what happened).
    Error(String),
}

/// What the front end wants after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep serving.
    Continue,
    /// Stop: finish the requests in flight and return.
    Stop,
}

/// What a run served.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Requests diagnosed.
    pub requests: u64,
    /// Of those, answered 200.
    pub valid: u64,
    /// Of those, refused (4xx).
    pub refused: u64,
    /// Client errors logged (bad HTTP, timeouts, bodies too large, disconnects).
    pub errors: u64,
    /// Whether the run ended on Ctrl-C or SIGTERM.
    pub interrupted: bool,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The runtime could not start.
    #[error("cannot start the server runtime: {0}")]
    Runtime(std::io::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
}

/// A tokio runtime (`workers` threads, else one a core, named `name`)
/// and a listener bound on it to `addr`, with the address it got (the
/// port chosen for port 0): what `listen` and `serve` start from.
pub(crate) fn bind_on_runtime(
    addr: SocketAddr,
    workers: Option<usize>,
    name: &str,
) -> Result<(tokio::runtime::Runtime, TcpListener, SocketAddr), ServerError> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = workers {
        builder.worker_threads(n);
    }
    let runtime = builder
        .enable_all()
        .thread_name(name)
        .build()
        .map_err(ServerError::Runtime)?;
    let listener = runtime
        .block_on(TcpListener::bind(addr))
        .map_err(|error| ServerError::Bind { addr, error })?;
    let local_addr = listener
        .local_addr()
        .map_err(|error| ServerError::Bind { addr, error })?;
    Ok((runtime, listener, local_addr))
}

/// A bound server, not yet serving: its URL is known.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    listener: TcpListener,
    local_addr: SocketAddr,
    options: ServerOptions,
    diagnoser: Diagnoser,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

/// Everything the connections share.
struct Shared {
    diagnoser: Arc<Diagnoser>,
    recorder: Option<Recorder>,
    proxy: Option<Proxy>,
    limits: Limits,
    on_event: Box<dyn Fn(Event) -> Flow + Send + Sync>,
    diagnoses: Semaphore,
    seq: AtomicU64,
    requests: AtomicU64,
    valid: AtomicU64,
    refused: AtomicU64,
    errors: AtomicU64,
    stop: watch::Sender<bool>,
}

impl Shared {
    fn error(&self, line: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if (self.on_event)(Event::Error(line)) == Flow::Stop {
            self.stop.send_replace(true);
        }
    }
}

impl Server {
    /// Binds `options.addr` on a runtime with one worker per core.
    pub fn bind(options: ServerOptions, diagnoser: Diagnoser) -> Result<Server, ServerError> {
        let (runtime, listener, local_addr) = bind_on_runtime(options.addr, None, "listen")?;
        Ok(Server {
            runtime,
            listener,
            local_addr,
            options,
            diagnoser,
        })
    }

    /// The address bound (the port chosen for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The URL clients call: `http://127.0.0.1:PORT` (`https` with TLS).
    pub fn url(&self) -> String {
        let scheme = if self.options.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.local_addr)
    }

    /// Serves until Ctrl-C, SIGTERM or `on_event` returns [`Flow::Stop`],
    /// then lets the requests in flight finish (within the grace period)
    /// and returns what was served.
    pub fn run<F>(self, on_event: F) -> Summary
    where
        F: Fn(Event) -> Flow + Send + Sync + 'static,
    {
        self.run_and_keep(on_event).0
    }

    /// [`Server::run`], giving the diagnoser back (with what it kept:
    /// `--grade`'s grades) once every connection is closed.
    pub fn run_and_keep<F>(self, on_event: F) -> (Summary, Arc<Diagnoser>)
    where
        F: Fn(Event) -> Flow + Send + Sync + 'static,
    {
        let Server {
            runtime,
            listener,
            options,
            diagnoser,
            ..
        } = self;
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            diagnoser: Arc::new(diagnoser),
            recorder: options.recorder,
            proxy: options.proxy.map(Proxy::new),
            diagnoses: Semaphore::new(options.limits.max_diagnoses.max(1)),
            limits: options.limits,
            on_event: Box::new(on_event),
            seq: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            valid: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            stop,
        });
        let tls = options
            .tls
            .map(|t| tokio_rustls::TlsAcceptor::from(t.config));
        let interrupted = runtime.block_on(serve(listener, tls, shared.clone(), stopped));
        // Blocking diagnoses still running are not waited for past the grace.
        runtime.shutdown_timeout(Duration::from_millis(100));
        let summary = Summary {
            requests: shared.requests.load(Ordering::Relaxed),
            valid: shared.valid.load(Ordering::Relaxed),
            refused: shared.refused.load(Ordering::Relaxed),
            errors: shared.errors.load(Ordering::Relaxed),
            interrupted,
        };
        (summary, shared.diagnoser.clone())
    }
}

/// Ctrl-C or (on Unix) SIGTERM.
pub(crate) async fn interrupt() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The accept loop; returns whether it ended on a signal.
async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) -> bool {
    let slots = Arc::new(Semaphore::new(shared.limits.max_connections.max(1)));
    let signal = interrupt();
    tokio::pin!(signal);
    let mut interrupted = false;
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = stopped.wait_for(|s| *s) => break,
            _ = &mut signal => { interrupted = true; break }
        };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stopped.wait_for(|s| *s) => break,
            _ = &mut signal => { interrupted = true; break }
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                shared.error(format!("accept: {e}"));
                // Out of file descriptors: let connections close first.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let tls = tls.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move {
            connection(stream, peer, tls, shared, stopped).await;
            drop(permit);
        });
    }
    shared.stop.send_replace(true);
    drop(listener);
    // Wait for the connections to finish their requests in flight.
    let all = shared.limits.max_connections.max(1) as u32;
    let _ = tokio::time::timeout(shared.limits.shutdown_grace, slots.acquire_many(all)).await;
    interrupted
}

/// One connection: the TLS handshake (bounded by the header timeout), then
/// HTTP/1.1.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shared: Arc<Shared>,
    stopped: watch::Receiver<bool>,
) {
    match tls {
        None => http(stream, peer, shared, stopped, None).await,
        Some(acceptor) => {
            let timeout = shared.limits.header_timeout;
            match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
                Ok(Ok(s)) => http(s, peer, shared, stopped, None).await,
                Ok(Err(e)) => shared.error(format!("{peer}: TLS handshake failed: {e}")),
                Err(_) => shared.error(format!(
                    "{peer}: TLS handshake not finished within {} s; connection closed",
                    timeout.as_secs()
                )),
            }
        }
    }
}

/// The bytes a connection delivered that no request has claimed yet, and
/// when it last moved.
struct Tee {
    buf: Vec<u8>,
    /// Past the body limit plus room for a head: bytes are no longer kept.
    overflow: bool,
}

/// Per-connection state the service shares with the I/O wrapper.
struct ConnState {
    tee: Mutex<Tee>,
    /// Milliseconds since `epoch` at the last read or write.
    last_activity: AtomicU64,
    /// Requests being served on this connection.
    busy: AtomicUsize,
    epoch: Instant,
    cap: usize,
    /// `--proxy`: the `CONNECT` target this connection is the tunnel to.
    tunnel: Option<Target>,
    /// `--proxy`: the tunnel a `CONNECT` opened on this connection, served
    /// by its own task: the connection (and its slot) lasts until it ends.
    tunnel_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl ConnState {
    fn touch(&self) {
        let ms = self.epoch.elapsed().as_millis() as u64;
        self.last_activity.store(ms, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let now = self.epoch.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_activity.load(Ordering::Relaxed)))
    }

    /// Takes the first whole request's bytes (all that is kept, when its
    /// framing cannot be read).
    fn take_request(&self) -> Option<Vec<u8>> {
        let mut tee = self.tee.lock().ok()?;
        if tee.overflow {
            tee.buf.clear();
            return None;
        }
        let n = raw_request_len(&tee.buf).unwrap_or(tee.buf.len());
        Some(tee.buf.drain(..n).collect())
    }

    /// Stops keeping what is read (a `CONNECT` tunnel's TLS bytes).
    fn stop_recording(&self) {
        if let Ok(mut tee) = self.tee.lock() {
            tee.overflow = true;
            tee.buf = Vec::new();
        }
    }

    fn pending(&self) -> usize {
        self.tee.lock().map_or(0, |t| t.buf.len())
    }
}

/// The connection's stream, copying what is read into [`Tee`].
struct Recording<S> {
    inner: S,
    state: Arc<ConnState>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Recording<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &r {
            let new = &buf.filled()[before..];
            if !new.is_empty() {
                self.state.touch();
                if let Ok(mut tee) = self.state.tee.lock() {
                    if tee.buf.len() + new.len() > self.state.cap {
                        tee.overflow = true;
                    }
                    if !tee.overflow {
                        tee.buf.extend_from_slice(new);
                    }
                }
            }
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recording<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.state.touch();
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.state.touch();
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// HTTP/1.1 on one connection, closed when idle past the idle timeout or
/// when the server stops.
async fn http<S>(
    stream: S,
    peer: SocketAddr,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    tunnel: Option<Target>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = &shared.limits;
    let state = Arc::new(ConnState {
        tee: Mutex::new(Tee {
            buf: Vec::new(),
            overflow: false,
        }),
        last_activity: AtomicU64::new(0),
        busy: AtomicUsize::new(0),
        epoch: Instant::now(),
        cap: limits.max_body + (1 << 20),
        tunnel,
        tunnel_task: Mutex::new(None),
    });
    let io = Recording {
        inner: stream,
        state: state.clone(),
    };
    let service = {
        let shared = shared.clone();
        let state = state.clone();
        service_fn(move |req| {
            let shared = shared.clone();
            let state = state.clone();
            async move { Ok::<_, Infallible>(handle(req, peer, shared, state).await) }
        })
    };
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(conn);
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut closing = false;
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    log_connection_error(&shared, &state, peer, &e);
                }
                break;
            }
            _ = tick.tick(), if !closing => {
                if state.busy.load(Ordering::Relaxed) == 0 && state.idle_for() > limits.idle_timeout {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
            _ = stopped.wait_for(|s| *s), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
    let tunnel = state.tunnel_task.lock().ok().and_then(|mut t| t.take());
    if let Some(task) = tunnel {
        let _ = task.await;
    }
}

/// One line for a connection that ended in error, unless it was an idle
/// keep-alive connection closing.
fn log_connection_error(shared: &Shared, state: &ConnState, peer: SocketAddr, e: &hyper::Error) {
    let pending = state.pending();
    let line = if e.is_timeout() {
        if pending == 0 {
            return;
        }
        format!(
            "{peer}: request head not received within {} s ({pending} bytes so far, a slow client); connection closed",
            shared.limits.header_timeout.as_secs()
        )
    } else if e.is_parse() || e.is_parse_too_large() {
        format!("{peer}: malformed HTTP ({e}); answered 400 and closed the connection")
    } else if e.is_incomplete_message() {
        if pending == 0 {
            return;
        }
        format!("{peer}: the client closed the connection mid-request ({pending} bytes received)")
    } else {
        format!("{peer}: {e}")
    };
    shared.error(line);
}

/// Marks a request in flight on its connection.
struct Busy<'a>(&'a ConnState);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

type Answer = hyper::Response<Full<Bytes>>;

/// A plain answer to a request that was not diagnosed (too large, cut
/// short), closing the connection.
fn plain(status: u16, body: &str) -> Answer {
    let mut r = hyper::Response::new(Full::new(Bytes::from(format!("{body}\n"))));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    r
}

async fn handle(
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
    shared: Arc<Shared>,
    state: Arc<ConnState>,
) -> Answer {
    state.busy.fetch_add(1, Ordering::Relaxed);
    let _busy = Busy(&state);
    if shared.proxy.is_some() && req.method() == hyper::Method::CONNECT {
        return tunnel::connect(req, peer, &shared, &state);
    }
    // `--proxy`: where the request goes, known before its body is read.
    let proxied = match tunnel::proxied(&req, peer, &shared, &state) {
        Ok(p) => p,
        Err(answer) => return *answer,
    };
    // The path only: a query may carry a PLAINTEXT signature (the key).
    let line = format!("{peer}: {} {}", req.method(), req.uri().path());
    let accept_json = req
        .headers()
        .get_all(ACCEPT)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.contains("application/json")));
    let body = match read_body(req, &line, &shared, &state).await {
        Ok(b) => b,
        Err(answer) => return answer,
    };
    let Some(mut raw) = state.take_request() else {
        shared.error(format!(
            "{line}: the request was too large to keep; answered 413"
        ));
        return plain(413, "oauth_problem=parameter_rejected&oauth_problem_advice=the%20request%20is%20too%20large");
    };
    let seq = shared.seq.fetch_add(1, Ordering::Relaxed) + 1;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let arrival = Arrival {
        seq,
        unix_secs: now.as_secs(),
        millis: now.subsec_millis(),
    };
    // `--proxy`: the request goes upstream first (its answer is part of
    // the diagnosis), diagnosed as sent to its absolute URL.
    let upstream = match (&shared.proxy, proxied) {
        (Some(proxy), Some((target, head))) => {
            let path = head.uri().to_string();
            raw = super::capture::with_absolute_target(&raw, &format!("{}{path}", target.origin()));
            raw = super::proxy::hide_proxy_credentials(&raw);
            let (parts, ()) = head.into_parts();
            let request = hyper::Request::from_parts(parts, Full::new(body));
            let answer = forward(proxy, &target, request, shared.limits.max_body).await;
            Some(Arc::new(answer))
        }
        _ => None,
    };
    let response =
        match respond::diagnose(&shared, raw, arrival, accept_json, upstream.clone()).await {
            Ok(r) => r,
            Err((status, e)) => {
                shared.error(format!("{line}: {e}"));
                return plain(status, &e);
            }
        };
    match &upstream {
        Some(u) => tunnel::relayed(u),
        None => respond::answer(response),
    }
}

/// The request's body, whole, within the body limit and timeout; or the
/// answer to a body too large, cut short or too slow (logged).
async fn read_body(
    req: hyper::Request<Incoming>,
    line: &str,
    shared: &Shared,
    state: &ConnState,
) -> Result<Bytes, Answer> {
    let limits = &shared.limits;
    let too_large = "oauth_problem=parameter_rejected&oauth_problem_advice=the%20body%20is%20over%20the%2016%20MiB%20limit";
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        shared.error(format!(
            "{line}: body of {} bytes is over the {}-byte limit; answered 413",
            declared.unwrap_or(0),
            limits.max_body
        ));
        return Err(plain(413, too_large));
    }
    let body = Limited::new(req.into_body(), limits.max_body).collect();
    match tokio::time::timeout(limits.body_timeout, body).await {
        Ok(Ok(b)) => Ok(b.to_bytes()),
        Ok(Err(e))
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            shared.error(format!(
                "{line}: body over the {}-byte limit; answered 413",
                limits.max_body
            ));
            Err(plain(413, too_large))
        }
        Ok(Err(e)) => {
            shared.error(format!(
                "{line}: the client disconnected mid-body ({} bytes received): {e}",
                state.pending()
            ));
            Err(plain(
                400,
                "oauth_problem=parameter_rejected&oauth_problem_advice=incomplete%20body",
            ))
        }
        Err(_) => {
            shared.error(format!(
                "{line}: body not received within {} s; answered 408",
                limits.body_timeout.as_secs()
            ));
            Err(plain(408, "request body timeout"))
        }
    }
}
