//! `listen --oauth2-client`: a client-credentials token endpoint (RFC 6749
//! §4.4) at `POST /oauth2/token` and a resource server (RFC 6750) on every
//! other path, each request diagnosed with [`crate::schemes::analyze`].
//!
//! The tokens are opaque: their text comes from a source the front end
//! gives (the library has no randomness), and they are remembered with
//! their expiry so that a Bearer request is told apart as valid, expired
//! or unknown. The clock is the request's [`super::Arrival`].

use crate::request::Request;
use crate::schemes::{self, Scheme, SchemeOptions, SchemeReport, SchemeSecrets};
use crate::secret::Secret;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;

/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/oauth2/token";
/// How long an issued token lives by default, in seconds.
pub const DEFAULT_TOKEN_TTL: u64 = 3600;
/// Tokens remembered at most (expired ones are forgotten first).
const MAX_TOKENS: usize = 100_000;

/// RFC 6749 §2.3.1: the 401 challenge when the client used Basic.
pub const BASIC_CHALLENGE: &str = r#"Basic realm="oauth1-doctor""#;
/// RFC 6750 §3: the challenge when a request carries no credentials (no error code, §3.1).
pub const BEARER_CHALLENGE: &str = r#"Bearer realm="oauth1-doctor""#;
/// RFC 6750 §3.1: the challenge for a token that is missing its scheme, expired or unknown.
pub const BEARER_INVALID_TOKEN: &str = r#"Bearer realm="oauth1-doctor", error="invalid_token""#;

/// The one client this endpoint knows, and the tokens it issued.
pub struct Oauth2Server {
    /// RFC 6749 §2.2: the client identifier.
    pub client_id: String,
    /// RFC 6749 §2.3.1: the client secret.
    pub client_secret: Secret,
    /// RFC 6749 §5.1 `expires_in`, in seconds.
    pub token_ttl: u64,
    new_token: Box<dyn Fn() -> String + Send + Sync>,
    /// token → expiry (seconds since the Unix epoch).
    issued: Mutex<HashMap<String, u64>>,
}

impl std::fmt::Debug for Oauth2Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oauth2Server")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_ttl", &self.token_ttl)
            .finish_non_exhaustive()
    }
}

/// What the OAuth 2.0 side decided for one request.
#[derive(Debug, Clone)]
pub(super) struct Oauth2Answer {
    pub(super) status: u16,
    pub(super) www_authenticate: Option<&'static str>,
    /// The JSON body (RFC 6749 §5.1 or §5.2, or the resource's answer).
    pub(super) body: Vec<u8>,
    /// The named cause (a violation code or an RFC error code), `None` when valid.
    pub(super) cause: Option<String>,
    pub(super) headline: String,
    pub(super) report: SchemeReport,
}

/// RFC 6749 §5.1: a successful token response.
#[derive(Serialize)]
struct TokenIssued<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: u64,
}

/// RFC 6749 §5.2 (and RFC 6750 §3 for the resource): an error, with the
/// diagnosis beside the standard fields.
#[derive(Serialize)]
struct ErrorBody<'a> {
    schema: &'static str,
    error: &'a str,
    error_description: &'a str,
    oauth1_doctor_cause: &'a str,
}

/// The answer for a valid resource request.
#[derive(Serialize)]
struct Granted<'a> {
    schema: &'static str,
    result: &'static str,
    message: &'a str,
}

fn json(v: &impl Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec(v).unwrap_or_default();
    out.push(b'\n');
    out
}

/// RFC 6749 §5.2: the error code for a token-request violation.
fn error_for(code: &str) -> &'static str {
    match code {
        "token-request-grant-type-unknown" => "unsupported_grant_type",
        "token-request-scope-syntax" => "invalid_scope",
        "token-request-basic-not-form-encoded" => "invalid_client",
        _ => "invalid_request",
    }
}

impl Oauth2Server {
    /// The endpoint for one client; `new_token` makes each access token's
    /// text (it should be random and a b64token, RFC 6750 §2.1).
    pub fn new(
        client_id: String,
        client_secret: Secret,
        token_ttl: u64,
        new_token: Box<dyn Fn() -> String + Send + Sync>,
    ) -> Oauth2Server {
        Oauth2Server {
            client_id,
            client_secret,
            token_ttl,
            new_token,
            issued: Mutex::new(HashMap::new()),
        }
    }

    /// Answers one request arriving at `now` (seconds since the epoch):
    /// the token endpoint for `POST /oauth2/token`, the resource otherwise.
    pub(super) fn answer(&self, request: &Request, now: u64) -> Oauth2Answer {
        let path = crate::uri::split_url(&request.url).map_or("/", |p| p.path);
        if path == TOKEN_PATH {
            self.token(request, now)
        } else {
            self.resource(request, now)
        }
    }

    /// RFC 6749 §4.4.2–§4.4.3: a client-credentials token request.
    fn token(&self, request: &Request, now: u64) -> Oauth2Answer {
        let secrets = SchemeSecrets {
            client_id: Some(self.client_id.clone()),
            client_secret: Some(self.client_secret.clone()),
            ..SchemeSecrets::default()
        };
        let options = SchemeOptions {
            now: i64::try_from(now).ok(),
            show_secrets: false,
        };
        // A request `detect` takes for another scheme has no token_request:
        // the client does not authenticate (invalid_client below).
        let report = schemes::analyze(request, &secrets, options);
        let used_basic = request
            .header("authorization")
            .is_some_and(|h| h.trim_start().to_ascii_lowercase().starts_with("basic"));
        let tr = report.token_request.clone();
        let client_auth = tr.as_ref().map(|t| t.client_auth);
        let grant = tr.as_ref().and_then(|t| t.grant_type.clone());
        // RFC 6749 §5.2: the first thing wrong decides the error code.
        let refusal: Option<(&str, String, String)> = if let Some(v) = report.violations.first() {
            Some((error_for(v.code), v.code.to_string(), v.message.clone()))
        } else if client_auth == Some(schemes::oauth2::ClientAuth::None) || client_auth.is_none() {
            Some((
                "invalid_client",
                "invalid_client".into(),
                "the client does not authenticate: send Basic with the form-encoded id and secret (RFC 6749 §2.3.1), or client_id and client_secret in the form body".into(),
            ))
        } else if report.verified == Some(false) {
            Some((
                "invalid_client",
                "invalid_client".into(),
                format!(
                    "the client credentials do not match ({}): check the client id and secret",
                    report.mismatches.join(", ")
                ),
            ))
        } else if grant.as_deref() != Some("client_credentials") {
            Some((
                "unsupported_grant_type",
                "unsupported_grant_type".into(),
                format!(
                    "this endpoint issues tokens for grant_type=client_credentials (RFC 6749 §4.4.2), not {:?}",
                    grant.unwrap_or_default()
                ),
            ))
        } else {
            None
        };
        match refusal {
            Some((error, cause, message)) => {
                // RFC 6749 §5.2: invalid_client is 401, with the Basic challenge when Basic was used.
                let status = if error == "invalid_client" { 401 } else { 400 };
                let challenge = (status == 401 && used_basic).then_some(BASIC_CHALLENGE);
                let headline = if cause == error {
                    format!("{error}: {message}")
                } else {
                    format!("{error}: {cause}: {message}")
                };
                Oauth2Answer {
                    status,
                    www_authenticate: challenge,
                    body: json(&ErrorBody {
                        schema: crate::SCHEMA,
                        error,
                        error_description: &message,
                        oauth1_doctor_cause: &cause,
                    }),
                    cause: Some(cause),
                    headline,
                    report,
                }
            }
            None => {
                let token = (self.new_token)();
                self.remember(&token, now);
                let headline = format!(
                    "token issued ({}, expires in {} s)",
                    schemes::partial(&token, false),
                    self.token_ttl
                );
                Oauth2Answer {
                    status: 200,
                    www_authenticate: None,
                    body: json(&TokenIssued {
                        access_token: &token,
                        token_type: "Bearer",
                        expires_in: self.token_ttl,
                    }),
                    cause: None,
                    headline,
                    report,
                }
            }
        }
    }

    /// Keeps `token` until its expiry, forgetting long-expired ones.
    fn remember(&self, token: &str, now: u64) {
        if let Ok(mut issued) = self.issued.lock() {
            let ttl = self.token_ttl;
            issued.retain(|_, exp| exp.saturating_add(ttl.max(3600)) > now);
            if issued.len() >= MAX_TOKENS {
                issued.retain(|_, exp| *exp > now);
            }
            issued.insert(token.to_string(), now.saturating_add(ttl));
        }
    }

    /// RFC 6750 §2.1, §3.1: a request for a protected resource.
    fn resource(&self, request: &Request, now: u64) -> Oauth2Answer {
        let options = SchemeOptions {
            now: i64::try_from(now).ok(),
            show_secrets: false,
        };
        let report = schemes::analyze(request, &SchemeSecrets::default(), options);
        let header = request.header("authorization");
        let token = header.and_then(|h| {
            let (scheme, rest) = schemes::split_scheme(h);
            (scheme == "Bearer").then(|| rest.trim().to_string())
        });
        let expiry = token
            .as_ref()
            .and_then(|t| self.issued.lock().ok().and_then(|m| m.get(t).copied()));
        let refusal: Option<(String, String, &'static str)> = if header.is_none()
            && report.scheme != Scheme::Bearer
        {
            Some((
                "bearer-token-missing".into(),
                format!("no Authorization header: send `Authorization: Bearer <token>` with a token from POST {TOKEN_PATH} (RFC 6750 §2.1)"),
                BEARER_CHALLENGE,
            ))
        } else if let Some(v) = report.violations.first() {
            (v.code.to_string(), v.message.clone(), BEARER_INVALID_TOKEN).into()
        } else if token.is_none() {
            Some((
                "bearer-scheme-missing".into(),
                format!(
                    "the request uses {} ({}), not `Authorization: Bearer <token>` (RFC 6750 §2.1)",
                    report.scheme.label(),
                    report.carrier
                ),
                BEARER_INVALID_TOKEN,
            ))
        } else {
            match expiry {
                None => Some((
                    "bearer-token-unknown".into(),
                    format!("this token was not issued by POST {TOKEN_PATH} in this run (RFC 6750 §3.1 invalid_token)"),
                    BEARER_INVALID_TOKEN,
                )),
                Some(exp) if exp <= now => Some((
                    "bearer-token-expired".into(),
                    format!("the token expired {} s ago (expires_in was {} s): request a new one (RFC 6749 §5.1, RFC 6750 §3.1)", now - exp, self.token_ttl),
                    BEARER_INVALID_TOKEN,
                )),
                Some(_) => None,
            }
        };
        match refusal {
            Some((cause, message, challenge)) => Oauth2Answer {
                status: 401,
                www_authenticate: Some(challenge),
                body: json(&ErrorBody {
                    schema: crate::SCHEMA,
                    error: "invalid_token",
                    error_description: &message,
                    oauth1_doctor_cause: &cause,
                }),
                headline: format!("{cause}: {message}"),
                cause: Some(cause),
                report,
            },
            None => {
                let shown = schemes::partial(token.as_deref().unwrap_or(""), false);
                let headline = format!("valid (Bearer {shown})");
                Oauth2Answer {
                    status: 200,
                    www_authenticate: None,
                    body: json(&Granted {
                        schema: crate::SCHEMA,
                        result: "valid",
                        message: &headline,
                    }),
                    cause: None,
                    headline,
                    report,
                }
            }
        }
    }
}

/// The raw request as `--record` keeps it in this mode: the
/// `Authorization` credentials after the scheme, and `client_secret`,
/// `access_token`, `password` and `refresh_token` in a form body, replaced
/// by `<hidden>` (RFC 6749 §2.3.1, RFC 6750 §2), `Content-Length` updated.
pub(super) fn redact_raw(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = body
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((n, _))
                if ["client_secret", "access_token", "password", "refresh_token"].contains(&n) =>
            {
                format!("{n}=<hidden>")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    let body = if body.trim_start().starts_with('{') {
        "<hidden JSON body>".to_string()
    } else {
        body
    };
    let head: Vec<String> = head
        .split("\r\n")
        .enumerate()
        .map(|(i, line)| match line.split_once(':') {
            // RFC 9112 §3: the request line; RFC 6750 §2.3 puts a token in the query.
            _ if i == 0 => {
                let parts: Vec<String> = line
                    .split(' ')
                    .map(|p| super::diagnose::hide_query(p, super::diagnose::SECRET_PARAMS))
                    .collect();
                parts.join(" ")
            }
            Some((name, value)) if name.eq_ignore_ascii_case("authorization") => {
                let (scheme, _) = schemes::split_scheme(value);
                format!("{name}: {scheme} <hidden>")
            }
            Some((name, _)) if name.eq_ignore_ascii_case("content-length") => {
                format!("{name}: {}", body.len())
            }
            _ => line.to_string(),
        })
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n")).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(ttl: u64) -> Oauth2Server {
        Oauth2Server::new(
            "app".into(),
            Secret::new("s3cr3t"),
            ttl,
            Box::new(|| "abcdefghijklmnopqrstuvwxyz012345".to_string()),
        )
    }

    fn form(body: &str) -> Request {
        Request::new("POST", "http://127.0.0.1/oauth2/token")
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body(body)
    }

    #[test]
    fn rfc6749_4_4_client_credentials_then_rfc6750_bearer() {
        let s = server(10);
        let a = s.answer(
            &form("grant_type=client_credentials&client_id=app&client_secret=s3cr3t"),
            100,
        );
        assert_eq!(a.status, 200, "{}", a.headline);
        let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(v["token_type"], "Bearer");
        assert_eq!(v["expires_in"], 10);
        let get =
            |h: &str| Request::new("GET", "http://127.0.0.1/items").with_header("Authorization", h);
        let ok = s.answer(&get("Bearer abcdefghijklmnopqrstuvwxyz012345"), 105);
        assert_eq!(ok.status, 200, "{}", ok.headline);
        let expired = s.answer(&get("Bearer abcdefghijklmnopqrstuvwxyz012345"), 110);
        assert_eq!(expired.cause.as_deref(), Some("bearer-token-expired"));
        let unknown = s.answer(&get("Bearer zzzzzzzzzzzzzzzz"), 105);
        assert_eq!(unknown.cause.as_deref(), Some("bearer-token-unknown"));
        let colon = s.answer(&get("Bearer: abcdefghijklmnopqrstuvwxyz012345"), 105);
        assert_eq!(colon.cause.as_deref(), Some("bearer-scheme-misspelt"));
        assert_eq!(colon.www_authenticate, Some(BEARER_INVALID_TOKEN));
        let none = s.answer(&Request::new("GET", "http://127.0.0.1/items"), 105);
        assert_eq!(none.cause.as_deref(), Some("bearer-token-missing"));
    }

    #[test]
    fn recorded_requests_hide_the_credentials() {
        let get = redact_raw(b"GET /x?access_token=abcdefgh&y=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assert!(String::from_utf8_lossy(&get)
            .starts_with("GET /x?access_token=<hidden>&y=1 HTTP/1.1\r\n"));
        let raw = b"POST /oauth2/token HTTP/1.1\r\nAuthorization: Basic YXBwOnMzY3IzdA==\r\nContent-Length: 58\r\n\r\ngrant_type=client_credentials&client_secret=s3cr3t&x=1";
        let out = String::from_utf8(redact_raw(raw)).unwrap();
        assert!(!out.contains("YXBw") && !out.contains("s3cr3t"), "{out}");
        assert!(out.contains("Authorization: Basic <hidden>"), "{out}");
        assert!(out.contains("Content-Length: 56\r\n"), "{out}");
    }

    #[test]
    fn rfc6749_5_2_errors() {
        let s = server(10);
        let wrong = s.answer(
            &form("grant_type=client_credentials&client_id=app&client_secret=nope"),
            1,
        );
        assert_eq!(
            (wrong.status, wrong.cause.as_deref()),
            (401, Some("invalid_client"))
        );
        assert_eq!(wrong.www_authenticate, None);
        let grant = s.answer(
            &form("grant_type=bogus&client_id=app&client_secret=s3cr3t"),
            1,
        );
        assert_eq!(grant.status, 400);
        assert!(String::from_utf8_lossy(&grant.body).contains("unsupported_grant_type"));
        assert!(!String::from_utf8_lossy(&wrong.body).contains("s3cr3t"));
    }
}
