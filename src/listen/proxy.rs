//! `listen --proxy`: an HTTP forward proxy, so that a tool configured with
//! a proxy keeps calling the real API while each request is diagnosed.
//!
//! - An absolute-form request to an `http://` target (RFC 9112 §3.2.2) is
//!   diagnosed, forwarded upstream with its hop-by-hop fields removed
//!   (RFC 9110 §7.6.1), `Host` set to the target's authority (RFC 9112
//!   §3.2.2) and the signature, the query, the body and the other header
//!   values unchanged, and the upstream's answer relayed.
//! - A `CONNECT host:port` (RFC 9110 §9.3.6) is answered 200 and the tunnel
//!   is intercepted: TLS is ended with a certificate for the host signed by
//!   the local CA ([`ProxyCa`]), each request inside it is diagnosed as
//!   `https://host:port/…` and forwarded over TLS to the host.
//! - An upstream `401` body is read for the server echoes `diff`
//!   understands ([`crate::diff::echo`]): the diagnosis then carries
//!   `diff`'s comparison with the server's base string.

use super::ca::ProxyCa;
use crate::diff::echo::ServerEcho;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderMap, HeaderName, HeaderValue, CONNECTION, HOST};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// What the proxy needs besides the server.
#[derive(Debug)]
pub struct ProxyOptions {
    /// The CA that intercepts `CONNECT` tunnels (none: `CONNECT` is refused).
    pub ca: Option<ProxyCa>,
    /// The roots an upstream TLS server's certificate must chain to.
    pub upstream_roots: rustls::RootCertStore,
    /// How long connecting to the upstream and its answer may take.
    pub upstream_timeout: Duration,
}

/// The proxy's state, shared by its connections.
pub(super) struct Proxy {
    pub(super) ca: Option<ProxyCa>,
    tls: tokio_rustls::TlsConnector,
    timeout: Duration,
}

impl Proxy {
    pub(super) fn new(options: ProxyOptions) -> Proxy {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| {
                b.with_root_certificates(options.upstream_roots)
                    .with_no_client_auth()
            });
        let mut config = match config {
            Ok(c) => c,
            // The ring provider supports the default versions; not reached.
            Err(_) => rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Proxy {
            ca: options.ca,
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
            timeout: options.upstream_timeout,
        }
    }
}

/// What the upstream answered, in `listen --proxy --json`'s record.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpstreamReport {
    /// The upstream's status code (`null` when it could not be reached).
    pub status: Option<u16>,
    /// Why the upstream could not be reached or read (`null` when it answered).
    pub error: Option<String>,
    /// What a `401` body revealed (the server's base string, signature…),
    /// when it revealed anything.
    pub echo: Option<ServerEcho>,
}

/// The upstream's answer, read whole.
#[derive(Debug)]
pub(super) struct UpstreamAnswer {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

/// RFC 9110 §7.6.1: the fields meant for one connection only: those a
/// proxy must not forward, and every field `Connection` names.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "proxy-connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// RFC 9110 §7.6.1: removes the hop-by-hop fields from `headers`.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|n| HeaderName::from_bytes(n.trim().as_bytes()).ok())
        .collect();
    for n in named {
        headers.remove(n);
    }
    for n in HOP_BY_HOP {
        headers.remove(n);
    }
}

/// Where a proxied request goes: `http` or `https`, the host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) https: bool,
    pub(super) host: String,
    pub(super) port: u16,
}

impl Target {
    /// `host:port` of a `CONNECT` (RFC 9110 §9.3.6: the port is required),
    /// or of an absolute URI's authority with the scheme's default port.
    pub(super) fn parse(authority: &str, https: bool) -> Option<Target> {
        let a: hyper::http::uri::Authority = authority.parse().ok()?;
        let host = a.host().trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return None;
        }
        Some(Target {
            https,
            host: host.to_string(),
            port: a.port_u16().unwrap_or(if https { 443 } else { 80 }),
        })
    }

    /// `scheme://host[:port]` as a URL's start (the default port left out).
    pub(super) fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let default = if self.https { 443 } else { 80 };
        if self.port == default {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{}", self.port)
        }
    }
}

/// Sends `request` (origin-form target, hop-by-hop fields removed) to
/// `target` on a new connection and reads the whole answer (up to
/// `max_body` bytes).
pub(super) async fn forward(
    proxy: &Proxy,
    target: &Target,
    mut request: hyper::Request<Full<Bytes>>,
    max_body: usize,
) -> Result<UpstreamAnswer, String> {
    strip_hop_by_hop(request.headers_mut());
    // RFC 9112 §3.2.2: a proxy replaces the Host of an absolute-form
    // request with the target's authority; it is also the URL the
    // signature was diagnosed against, so the upstream sees the same.
    let host = target.origin();
    let host = host.split_once("://").map_or(host.as_str(), |(_, h)| h);
    if let Ok(v) = HeaderValue::from_str(host) {
        request.headers_mut().insert(HOST, v);
    }
    let addr = (target.host.as_str(), target.port);
    let connected = tokio::time::timeout(proxy.timeout, TcpStream::connect(addr)).await;
    let tcp = match connected {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(format!("cannot connect to {}: {e}", target.origin())),
        Err(_) => {
            return Err(format!(
                "cannot connect to {} within {} s",
                target.origin(),
                proxy.timeout.as_secs()
            ))
        }
    };
    let _ = tcp.set_nodelay(true);
    let work = async {
        if target.https {
            let name = rustls::pki_types::ServerName::try_from(target.host.clone())
                .map_err(|e| format!("{}: {e}", target.host))?;
            let tls = proxy
                .tls
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS with {} failed: {e}", target.origin()))?;
            exchange(tls, request, max_body).await
        } else {
            exchange(tcp, request, max_body).await
        }
    };
    match tokio::time::timeout(proxy.timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "{} did not answer within {} s",
            target.origin(),
            proxy.timeout.as_secs()
        )),
    }
}

/// One HTTP/1.1 exchange on `io`.
async fn exchange<S>(
    io: S,
    request: hyper::Request<Full<Bytes>>,
    max_body: usize,
) -> Result<UpstreamAnswer, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| format!("upstream: {e}"))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("upstream: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = Limited::new(body, max_body)
        .collect()
        .await
        .map_err(|e| format!("upstream body: {e}"))?
        .to_bytes();
    let mut headers = parts.headers;
    strip_hop_by_hop(&mut headers);
    Ok(UpstreamAnswer {
        status: parts.status.as_u16(),
        headers,
        body,
    })
}

impl super::Diagnoser {
    /// Adds what the upstream answered to a proxied request's diagnosis:
    /// its status (the status relayed), and for a `401` whose body echoes
    /// what the server computed, `diff`'s comparison of the request with
    /// it (and with `--good`, when given); the line says so.
    pub(super) fn upstream_answered(
        &self,
        d: &mut super::Diagnosed,
        answer: Result<&UpstreamAnswer, &str>,
    ) {
        let answer = match answer {
            Ok(a) => a,
            Err(e) => {
                d.record.upstream = Some(UpstreamReport {
                    status: None,
                    error: Some(e.to_string()),
                    echo: None,
                });
                d.record.response_status = 502;
                d.response.status = 502;
                d.headline = format!("{}; upstream not reached: {e}", d.headline);
                return;
            }
        };
        let mut report = UpstreamReport {
            status: Some(answer.status),
            error: None,
            echo: None,
        };
        d.record.response_status = answer.status;
        d.response.status = answer.status;
        let mut said = format!("upstream {}", answer.status);
        if answer.status == 401 {
            let body = String::from_utf8_lossy(&answer.body);
            let echo = crate::diff::echo::parse(&body);
            if echo.reveals_anything() {
                if let Some(diagnosis) = self.diff_with_echo(&d.raw_for_record, &body) {
                    if let Some(f) = diagnosis.report.cause() {
                        said = format!("{said}, its echo differs: {}: {}", f.id, f.message);
                    } else {
                        said = format!(
                            "{said}, its echo: the server signs the same base string, so the signature itself differs (the key, or how it was computed)"
                        );
                    }
                    d.record.diff = Some(diagnosis);
                } else {
                    said = format!("{said}: {}", echo.found.join(", "));
                }
                report.echo = Some(echo);
            }
        }
        d.headline = format!("{}; {said}", d.headline);
        d.record.upstream = Some(report);
    }

    /// `diff`'s diagnosis of the request (`raw`, absolute target) against
    /// the server's 401 body (and `--good`).
    fn diff_with_echo(&self, raw: &[u8], body: &str) -> Option<crate::diff::Diagnosis> {
        use crate::diff::{DiffOptions, Side, SideSecrets};
        let read = crate::input::http::read(raw, None).ok()?;
        let collected = crate::params::collect(&read.request).ok();
        let value = |n: &str| collected.as_ref().and_then(|c| c.value_of(n));
        let (key, token, method) = (
            value("oauth_consumer_key"),
            value("oauth_token"),
            value("oauth_signature_method"),
        );
        let id = crate::verify::Identity {
            consumer_key: key.as_deref(),
            token: token.as_deref(),
            signature_method: method.and_then(|m| m.parse().ok()),
        };
        let secrets = self
            .keys
            .secrets_for(id)
            .map(|s| s.as_ref().clone())
            .unwrap_or_default();
        let options = DiffOptions {
            good_from_postman: self.good_from_postman,
            hunt_budget: crate::hunt::Budget::new(
                self.hunt_time / 2,
                crate::hunt::Budget::DEFAULT_MEMORY,
            ),
            structural: false,
            show_secrets: false,
        };
        crate::diff::diagnose(
            self.good.clone().map(Side::Request).as_ref(),
            &Side::Request(read),
            Some(body),
            &SideSecrets::shared(secrets),
            &options,
        )
        .ok()
    }
}

/// The raw request as a proxy keeps it (for the diagnosis and
/// `--record`): the credentials of every `Proxy-Authorization` field
/// (RFC 9110 §11.7.2, meant for this proxy only and never forwarded)
/// replaced by `<hidden>` after their scheme; every other byte as received.
pub(super) fn hide_proxy_credentials(raw: &[u8]) -> Vec<u8> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 2);
    let mut out = Vec::with_capacity(raw.len());
    for line in raw[..head_end].split_inclusive(|&b| b == b'\n') {
        let name_end = line.iter().position(|&b| b == b':');
        let is_proxy_auth =
            name_end.is_some_and(|n| line[..n].eq_ignore_ascii_case(b"proxy-authorization"));
        match name_end {
            Some(n) if is_proxy_auth => {
                let value = String::from_utf8_lossy(&line[n + 1..]);
                let scheme = value.split_whitespace().next().unwrap_or("");
                out.extend_from_slice(&line[..=n]);
                out.extend_from_slice(format!(" {scheme} <hidden>\r\n").as_bytes());
            }
            _ => out.extend_from_slice(line),
        }
    }
    out.extend_from_slice(&raw[head_end..]);
    out
}

/// The roots for upstream TLS: the certificates in `pem` (PEM, one or
/// more), or none when it holds none.
pub fn roots_from_pem(pem: &[u8]) -> Result<rustls::RootCertStore, String> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| format!("not a PEM certificate: {e}"))?;
        roots
            .add(cert)
            .map_err(|e| format!("not a usable certificate: {e}"))?;
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9110 §7.6.1: the listed fields and those `Connection` names go;
    /// `Authorization` and the rest stay.
    #[test]
    fn rfc9110_7_6_1_hop_by_hop_fields_are_removed() {
        let mut h = HeaderMap::new();
        for (n, v) in [
            ("connection", "keep-alive, x-trace"),
            ("keep-alive", "timeout=5"),
            ("proxy-authorization", "Basic eA=="),
            ("x-trace", "1"),
            ("authorization", "OAuth oauth_signature=\"a%2Bb\""),
            ("content-type", "application/x-www-form-urlencoded"),
        ] {
            h.append(n, HeaderValue::from_static(v));
        }
        strip_hop_by_hop(&mut h);
        let left: Vec<&str> = h.keys().map(|k| k.as_str()).collect();
        assert_eq!(left, ["authorization", "content-type"]);
        assert_eq!(h["authorization"], "OAuth oauth_signature=\"a%2Bb\"");
    }

    #[test]
    fn proxy_credentials_are_hidden_and_the_rest_kept() {
        let raw = b"GET http://h/p HTTP/1.1\r\nHost: h\r\nproxy-authorization: Basic bWU6cHc=\r\nAuthorization: OAuth a=\"1\"\r\n\r\nProxy-Authorization: body";
        let kept = hide_proxy_credentials(raw);
        assert_eq!(
            String::from_utf8(kept).unwrap(),
            "GET http://h/p HTTP/1.1\r\nHost: h\r\nproxy-authorization: Basic <hidden>\r\nAuthorization: OAuth a=\"1\"\r\n\r\nProxy-Authorization: body"
        );
    }

    #[test]
    fn targets_and_their_origins() {
        let t = Target::parse("api.example.com:443", true).unwrap();
        assert_eq!(t.port, 443);
        assert_eq!(t.origin(), "https://api.example.com");
        let t = Target::parse("127.0.0.1:8080", false).unwrap();
        assert_eq!(t.origin(), "http://127.0.0.1:8080");
        let t = Target::parse("[::1]:8443", true).unwrap();
        assert_eq!(t.host, "::1");
        assert_eq!(t.origin(), "https://[::1]:8443");
        assert_eq!(Target::parse("h", false).unwrap().port, 80);
        assert!(Target::parse("", false).is_none());
    }
}
