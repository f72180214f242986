//! `--proxy`: what the server does as a forward proxy: an absolute-form
//! request's target (RFC 9112 §3.2.2), a `CONNECT` tunnel intercepted
//! with the local CA (RFC 9110 §9.3.6), and the upstream's answer relayed.

use super::super::proxy::{Target, UpstreamAnswer};
use super::{http, plain, Answer, ConnState, Shared};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::CONNECTION;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;

/// `--proxy`: the upstream's answer relayed (hop-by-hop fields removed,
/// RFC 9110 §7.6.1), or 502 when it could not be had.
pub(super) fn relayed(upstream: &Result<UpstreamAnswer, String>) -> Answer {
    match upstream {
        Ok(a) => {
            let mut r = hyper::Response::new(Full::new(a.body.clone()));
            *r.status_mut() =
                hyper::StatusCode::from_u16(a.status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
            *r.headers_mut() = a.headers.clone();
            r
        }
        Err(e) => {
            let mut r = plain(502, &format!("oauth1-doctor listen --proxy: {e}"));
            r.headers_mut().remove(CONNECTION);
            r
        }
    }
}

/// `--proxy`: where a request goes and the head to send there (its
/// target in origin form, its fields as received): the tunnel's host, or
/// an absolute-form request's (RFC 9112 §3.2.2). `None` without
/// `--proxy`; a 400 (logged) for a request that is not a proxy request.
pub(super) fn proxied(
    req: &hyper::Request<Incoming>,
    peer: SocketAddr,
    shared: &Shared,
    state: &ConnState,
) -> Result<Option<(Target, hyper::Request<()>)>, Box<Answer>> {
    if shared.proxy.is_none() {
        return Ok(None);
    }
    let target = match &state.tunnel {
        Some(t) => t.clone(),
        None => match proxied_target(req.uri()) {
            Some(t) => t,
            None => {
                shared.error(format!(
                    "{peer}: {} {}: not a proxy request (absolute-form http:// URL or CONNECT); answered 400",
                    req.method(),
                    req.uri().path()
                ));
                return Err(Box::new(plain(400, "oauth1-doctor listen --proxy is a forward proxy: configure it as your tool's HTTP proxy (curl --proxy), so requests arrive as http://host/path or CONNECT host:443")));
            }
        },
    };
    let mut head = hyper::Request::new(());
    *head.method_mut() = req.method().clone();
    *head.uri_mut() = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse()
        .unwrap_or_default();
    *head.headers_mut() = req.headers().clone();
    Ok(Some((target, head)))
}

/// `--proxy`: the target of an absolute-form request (RFC 9112 §3.2.2):
/// an `http://` URL, or an `https://` one from a client that asks the
/// proxy to make the TLS connection itself.
fn proxied_target(uri: &hyper::Uri) -> Option<Target> {
    let https = match uri.scheme_str()? {
        "http" => false,
        "https" => true,
        _ => return None,
    };
    Target::parse(uri.authority()?.as_str(), https)
}

/// `--proxy`: `CONNECT host:port` (RFC 9110 §9.3.6) answered 200, then the
/// tunnel intercepted: TLS ended with a certificate for the host signed
/// by the local CA, and HTTP/1.1 served inside it, each request forwarded
/// to the host over TLS.
pub(super) fn connect(
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
    shared: &Arc<Shared>,
    state: &Arc<ConnState>,
) -> Answer {
    let authority = req.uri().authority().map(|a| a.to_string());
    let Some(target) = authority
        .as_deref()
        .and_then(|a| Target::parse(a, true))
        .filter(|_| authority.as_deref().is_some_and(|a| a.contains(':')))
    else {
        shared.error(format!(
            "{peer}: CONNECT {}: not host:port; answered 400",
            req.uri()
        ));
        return plain(400, "CONNECT needs host:port (RFC 9110 §9.3.6)");
    };
    let Some(ca) = shared.proxy.as_ref().and_then(|p| p.ca.as_ref()) else {
        return plain(501, "CONNECT is not intercepted: no CA");
    };
    let config = match ca.server_config(&target.host) {
        Ok(c) => c,
        Err(e) => {
            shared.error(format!("{peer}: CONNECT {}: {e}", target.origin()));
            return plain(502, "cannot make a certificate for this host");
        }
    };
    state.stop_recording();
    let shared = shared.clone();
    let task = tokio::spawn(async move {
        let upgraded = match hyper::upgrade::on(req).await {
            Ok(u) => u,
            Err(e) => {
                shared.error(format!("{peer}: CONNECT {}: {e}", target.origin()));
                return;
            }
        };
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let timeout = shared.limits.header_timeout;
        match tokio::time::timeout(timeout, acceptor.accept(TokioIo::new(upgraded))).await {
            Ok(Ok(tls)) => {
                let stopped = shared.stop.subscribe();
                http(tls, peer, shared, stopped, Some(target)).await
            }
            Ok(Err(e)) => shared.error(format!(
                "{peer}: CONNECT {}: TLS handshake failed: {e} (does the client trust the CA certificate?)",
                target.origin()
            )),
            Err(_) => shared.error(format!(
                "{peer}: CONNECT {}: TLS handshake not finished within {} s",
                target.origin(),
                timeout.as_secs()
            )),
        }
    });
    if let Ok(mut t) = state.tunnel_task.lock() {
        *t = Some(task);
    }
    hyper::Response::new(Full::new(Bytes::new()))
}
