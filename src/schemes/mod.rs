//! The other authentication schemes people meet beside OAuth 1.0: HTTP
//! Basic (RFC 7617), Bearer tokens (RFC 6750, with a look inside a JWT,
//! RFC 7519), API keys in a header or the query, and OAuth 2.0 token
//! requests (RFC 6749 §4.3, §4.4, §6).
//!
//! [`detect`] says which scheme a request uses; [`analyze`] reads what it
//! carries, names the mistakes people make with it (as
//! [`Violation`]s with stable codes) and, given the scheme's credentials,
//! says whether they match. The OAuth 1.0 pipeline is not involved: a
//! request detected as [`Scheme::Oauth1`] goes to [`crate::verify`] and the
//! rest of the crate as before.
//!
//! No secret leaves this module in clear unless the caller asks for it
//! ([`SchemeOptions::show_secrets`]): passwords and client secrets are
//! shown as their length, tokens and keys as their first and last four
//! characters.

pub mod api_key;
pub mod basic;
pub mod bearer;
pub mod compare;
pub mod jwt;
pub mod oauth2;

use crate::error::Violation;
use crate::request::Request;
use crate::secret::Secret;
use serde::Serialize;

/// The authentication scheme a request uses.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// OAuth 1.0 (RFC 5849): `Authorization: OAuth …` or `oauth_*` parameters.
    Oauth1,
    /// HTTP Basic (RFC 7617).
    Basic,
    /// A Bearer token (RFC 6750).
    Bearer,
    /// An API key in a header or a query parameter of the provider's choosing.
    ApiKey,
    /// An OAuth 2.0 access token request (RFC 6749 §3.2).
    Oauth2TokenRequest,
    /// No credentials found.
    None,
}

impl Scheme {
    /// The scheme's name as people say it.
    pub fn label(self) -> &'static str {
        match self {
            Scheme::Oauth1 => "OAuth 1.0",
            Scheme::Basic => "HTTP Basic",
            Scheme::Bearer => "Bearer token",
            Scheme::ApiKey => "API key",
            Scheme::Oauth2TokenRequest => "OAuth 2.0 token request",
            Scheme::None => "no credentials",
        }
    }
}

/// Which scheme a request uses, and where that was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The scheme.
    pub scheme: Scheme,
    /// Where its credentials are, e.g. `Authorization header` or `query parameter api_key`.
    pub carrier: String,
}

/// The credentials a scheme is checked against, each optional; and the
/// clock for expiry checks.
#[derive(Debug, Clone, Default)]
pub struct SchemeSecrets {
    /// Basic: the user-id (RFC 7617 §2).
    pub user: Option<String>,
    /// Basic: the password.
    pub password: Option<Secret>,
    /// Bearer: the access token.
    pub token: Option<Secret>,
    /// API key: the key.
    pub api_key: Option<Secret>,
    /// OAuth 2.0: the client identifier (RFC 6749 §2.2).
    pub client_id: Option<String>,
    /// OAuth 2.0: the client secret (RFC 6749 §2.3.1).
    pub client_secret: Option<Secret>,
}

/// How to analyze.
#[derive(Debug, Clone, Copy, Default)]
pub struct SchemeOptions {
    /// Seconds since the Unix epoch, for `exp` checks; `None` skips them
    /// (the library has no clock: the command line passes the system's, or `--now`).
    pub now: Option<i64>,
    /// Show passwords, secrets and tokens in full.
    pub show_secrets: bool,
}

/// What a request's credentials are and what is wrong with them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeReport {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// The scheme.
    pub scheme: Scheme,
    /// Where the credentials are.
    pub carrier: String,
    /// One line: the scheme and the first thing wrong (or that nothing is).
    pub summary: String,
    /// HTTP Basic: what the header holds.
    pub basic: Option<basic::BasicCredentials>,
    /// Bearer: the token and, for a JWT, its header and claims.
    pub bearer: Option<bearer::BearerToken>,
    /// API key: where it is sent.
    pub api_key: Option<api_key::ApiKeyUse>,
    /// OAuth 2.0 token request: grant, client authentication, parameters.
    pub token_request: Option<oauth2::TokenRequest>,
    /// Mistakes found, most serious first (`{code, section, message}`).
    pub violations: Vec<Violation>,
    /// With credentials given: whether the request carries them (`null` when none were given).
    pub verified: Option<bool>,
    /// With credentials given: which of them differ (names only, never values).
    pub mismatches: Vec<String>,
    /// A token endpoint's response read beside the request (RFC 6749 §5), when given.
    pub token_response: Option<oauth2::TokenResponse>,
}

impl SchemeReport {
    fn new(d: &Detection) -> SchemeReport {
        SchemeReport {
            schema: crate::SCHEMA,
            scheme: d.scheme,
            carrier: d.carrier.clone(),
            summary: String::new(),
            basic: None,
            bearer: None,
            api_key: None,
            token_request: None,
            violations: Vec::new(),
            verified: None,
            mismatches: Vec::new(),
            token_response: None,
        }
    }

    /// The report with a token endpoint's response body read beside it
    /// (RFC 6749 §5.1 or §5.2, [`oauth2::read_token_response`]).
    pub fn with_token_response(mut self, body: &str, show_secrets: bool) -> SchemeReport {
        self.token_response = Some(oauth2::read_token_response(body, show_secrets));
        self
    }

    /// Records one credential comparison.
    fn compare(&mut self, what: &str, matches: bool) {
        self.verified = Some(self.verified.unwrap_or(true) && matches);
        if !matches {
            self.mismatches.push(what.to_string());
        }
    }

    fn summarize(&mut self) {
        let head = format!("{} ({})", self.scheme.label(), self.carrier);
        self.summary = match (self.verified, self.violations.first()) {
            (Some(false), Some(v)) => format!(
                "{head}: the credentials do not match ({}), and {}: {}",
                self.mismatches.join(", "),
                v.code,
                v.message
            ),
            (Some(false), None) => format!(
                "{head}: the credentials do not match ({})",
                self.mismatches.join(", ")
            ),
            (_, Some(v)) => format!("{head}: {}: {}", v.code, v.message),
            (Some(true), None) => format!("{head}: the credentials match"),
            (None, None) => format!("{head}: nothing wrong found"),
        };
    }
}

/// RFC 7235 §2.1: the auth-scheme of an `Authorization` value and the rest.
pub(crate) fn split_scheme(value: &str) -> (&str, &str) {
    let v = value.trim_start();
    match v.find([' ', '\t']) {
        Some(i) => (&v[..i], &v[i..]),
        None => (v, ""),
    }
}

/// Names of headers that carry an API key, compared without case. A
/// header whose name holds `key` or `token` counts too.
const KEY_HEADERS: &[&str] = &[
    "x-api-key",
    "api-key",
    "apikey",
    "x-apikey",
    "x-auth-token",
    "x-api-token",
    "x-access-token",
    "ocp-apim-subscription-key",
    "x-rapidapi-key",
    "private-token",
];

/// Names of query parameters that carry an API key.
const KEY_PARAMS: &[&str] = &[
    "api_key",
    "apikey",
    "api-key",
    "key",
    "access_key",
    "apiKey",
    "token",
    "auth_token",
];

/// Headers that are never an API key whatever their name: protocol
/// headers and request-level tokens (idempotency, CSRF) that carry no
/// credentials.
const NOT_KEY_HEADERS: &[&str] = &[
    "authorization",
    "keep-alive",
    "sec-websocket-key",
    "idempotency-key",
    "x-idempotency-key",
    "x-csrf-token",
    "x-xsrf-token",
    "x-request-token",
];

/// The headers that carry an API key.
pub(crate) fn key_headers(request: &Request) -> Vec<(String, String)> {
    request
        .headers
        .iter()
        .filter(|(n, _)| {
            let l = n.to_ascii_lowercase();
            !NOT_KEY_HEADERS.contains(&l.as_str())
                && (KEY_HEADERS.contains(&l.as_str()) || l.contains("key") || l.ends_with("token"))
        })
        .cloned()
        .collect()
}

/// The query parameters of the URL, form-decoded (name, value).
pub(crate) fn query_pairs(url: &str) -> Vec<(String, String)> {
    let Ok(parts) = crate::uri::split_url(url) else {
        return Vec::new();
    };
    form_pairs(parts.query.unwrap_or(""))
}

/// `application/x-www-form-urlencoded` pairs (HTML 4.01 §17.13.4.1).
pub(crate) fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|s| !s.is_empty())
        .map(|seg| {
            let (n, v) = seg.split_once('=').unwrap_or((seg, ""));
            let d = |s: &str| String::from_utf8_lossy(&crate::encode::form_decode(s)).into_owned();
            (d(n), d(v))
        })
        .collect()
}

/// The query parameters that carry an API key.
pub(crate) fn key_params(url: &str) -> Vec<(String, String)> {
    query_pairs(url)
        .into_iter()
        .filter(|(n, _)| KEY_PARAMS.iter().any(|k| k.eq_ignore_ascii_case(n)))
        .collect()
}

/// True when the body is declared as a form (RFC 6749 Appendix B).
pub(crate) fn is_form(request: &Request) -> bool {
    request
        .header("content-type")
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Which scheme a request uses. OAuth 1.0 first (its own pipeline), then
/// a token request (RFC 6749 §4: a `grant_type` in the body, or a POST to
/// a `…/token` path with client credentials), then what `Authorization`
/// says, then a Bearer token or an API key elsewhere.
pub fn detect(request: &Request) -> Detection {
    let d = |scheme, carrier: &str| Detection {
        scheme,
        carrier: carrier.to_string(),
    };
    let auth = request.header("authorization");
    let (auth_scheme, auth_rest) = auth.map(split_scheme).unwrap_or_default();
    let query = query_pairs(&request.url);
    let body_text = String::from_utf8_lossy(&request.body);
    let json_body = oauth2::json_object(&body_text);
    let body = if is_form(request) || crate::uri::looks_like_form(&request.body) {
        form_pairs(&body_text)
    } else {
        Vec::new()
    };
    let has = |pairs: &[(String, String)], name: &str| pairs.iter().any(|(n, _)| n == name);
    // RFC 5849 §3.5: the header, the query or the body.
    // OAuth 1.0 parameters, whatever the scheme is spelt (`OAuth,`,
    // `oauth`, `Bearer oauth_…`: mistakes the OAuth 1.0 pipeline names).
    let oauth1_params = ["oauth_consumer_key", "oauth_signature"]
        .iter()
        .any(|p| auth.is_some_and(|a| a.contains(p)));
    if (auth_scheme.eq_ignore_ascii_case("OAuth") && auth_rest.contains("oauth_")) || oauth1_params
    {
        return d(Scheme::Oauth1, "Authorization header");
    }
    if has(&query, "oauth_signature") || has(&body, "oauth_signature") {
        return d(Scheme::Oauth1, "oauth_* parameters");
    }
    // RFC 6749 §4.3.2, §4.4.2, §6: the token endpoint's request.
    let path = crate::uri::split_url(&request.url)
        .map(|p| p.path.to_ascii_lowercase())
        .unwrap_or_default();
    let json_has = |name: &str| json_body.as_ref().is_some_and(|o| o.contains_key(name));
    let client_creds = ["client_id", "client_secret"]
        .iter()
        .any(|n| has(&body, n) || has(&query, n) || json_has(n));
    if has(&body, "grant_type")
        || json_has("grant_type")
        || has(&query, "grant_type")
        || (path.ends_with("token")
            && (client_creds
                || request.method.eq_ignore_ascii_case("POST")
                    && auth_scheme.eq_ignore_ascii_case("basic")))
    {
        let path = crate::uri::split_url(&request.url).map_or("/", |p| p.path);
        return d(
            Scheme::Oauth2TokenRequest,
            &format!(
                "{} {}",
                request.method,
                if path.is_empty() { "/" } else { path }
            ),
        );
    }
    if let Some(value) = auth {
        return match bearer::scheme_kind(auth_scheme) {
            Some(_) => d(Scheme::Bearer, "Authorization header"),
            None if auth_scheme.to_ascii_lowercase().trim_end_matches(':') == "basic" => {
                d(Scheme::Basic, "Authorization header")
            }
            // RFC 7617 §2 without its scheme: a bare base64 `user:pass`.
            None if basic::decodes_to_pair(value.trim()) => {
                d(Scheme::Basic, "Authorization header")
            }
            None => d(Scheme::ApiKey, "Authorization header"),
        };
    }
    // RFC 6750 §2.2–§2.3.
    if has(&query, "access_token") {
        return d(Scheme::Bearer, "query parameter access_token");
    }
    if has(&body, "access_token") {
        return d(Scheme::Bearer, "form body parameter access_token");
    }
    if let Some((name, _)) = key_headers(request).first() {
        return d(Scheme::ApiKey, &format!("header {name}"));
    }
    if let Some((name, _)) = key_params(&request.url).first() {
        return d(Scheme::ApiKey, &format!("query parameter {name}"));
    }
    d(Scheme::None, "nothing")
}

/// Reads the credentials of a request that does not use OAuth 1.0, names
/// the mistakes in them, and checks them against `secrets` where given.
/// For an OAuth 1.0 request it only says so (use [`crate::verify`]).
pub fn analyze(request: &Request, secrets: &SchemeSecrets, options: SchemeOptions) -> SchemeReport {
    let detection = detect(request);
    let mut r = SchemeReport::new(&detection);
    match detection.scheme {
        Scheme::Basic => basic::analyze(request, secrets, options, &mut r),
        Scheme::Bearer => bearer::analyze(request, secrets, options, &mut r),
        Scheme::ApiKey => api_key::analyze(request, secrets, options, &mut r),
        Scheme::Oauth2TokenRequest => oauth2::analyze(request, secrets, options, &mut r),
        Scheme::Oauth1 | Scheme::None => {}
    }
    r.summarize();
    r
}

/// A password or secret as shown: its length, or itself with `show`.
pub(crate) fn masked(what: &str, value: &str, show: bool) -> String {
    if show {
        value.to_string()
    } else if value.is_empty() {
        format!("<{what}: empty>")
    } else {
        format!("<{what}: {} chars>", value.chars().count())
    }
}

/// A token or key as shown: its first and last four characters, or itself with `show`.
pub(crate) fn partial(value: &str, show: bool) -> String {
    let n = value.chars().count();
    if show {
        value.to_string()
    } else if n <= 12 {
        format!("<{n} chars>")
    } else {
        let head: String = value.chars().take(4).collect();
        let tail: String = value.chars().skip(n - 4).collect();
        format!("{head}…{tail} ({n} chars)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(r: Request) -> Scheme {
        detect(&r).scheme
    }

    #[test]
    fn detects_each_scheme() {
        let u = "https://api.example.com/v1/items";
        assert_eq!(
            scheme(Request::new("GET", u).with_header(
                "Authorization",
                r#"OAuth oauth_consumer_key="k", oauth_signature="s""#
            )),
            Scheme::Oauth1
        );
        assert_eq!(
            scheme(Request::new("GET", u).with_header("Authorization", "Basic dTpw")),
            Scheme::Basic
        );
        assert_eq!(
            scheme(Request::new("GET", u).with_header("Authorization", "dTpw")),
            Scheme::Basic
        );
        assert_eq!(
            scheme(Request::new("GET", u).with_header("Authorization", "Bearer abc")),
            Scheme::Bearer
        );
        assert_eq!(
            scheme(Request::new("GET", u).with_header("Authorization", "Token abc")),
            Scheme::Bearer
        );
        assert_eq!(
            scheme(Request::new("GET", format!("{u}?access_token=abc"))),
            Scheme::Bearer
        );
        assert_eq!(
            scheme(Request::new("GET", u).with_header("X-API-Key", "abc")),
            Scheme::ApiKey
        );
        assert_eq!(
            scheme(Request::new("GET", format!("{u}?api_key=abc"))),
            Scheme::ApiKey
        );
        let token = Request::new("POST", "https://auth.example.com/oauth2/token")
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body("grant_type=client_credentials&client_id=a&client_secret=b");
        assert_eq!(scheme(token), Scheme::Oauth2TokenRequest);
        let json = Request::new("POST", "https://auth.example.com/oauth2/token")
            .with_header("Content-Type", "application/json")
            .with_body(r#"{"grant_type":"client_credentials"}"#);
        assert_eq!(scheme(json), Scheme::Oauth2TokenRequest);
        assert_eq!(scheme(Request::new("GET", u)), Scheme::None);
        // Request-level tokens are not credentials.
        let plain = Request::new("POST", u)
            .with_header("Idempotency-Key", "8e03978e-40d5-43e8-bc93-6894a57f9324")
            .with_header("X-CSRF-Token", "abc");
        assert_eq!(scheme(plain), Scheme::None);
    }

    #[test]
    fn secrets_are_masked() {
        assert_eq!(masked("password", "hunter2", false), "<password: 7 chars>");
        assert_eq!(masked("password", "hunter2", true), "hunter2");
        assert_eq!(
            partial("abcdefghijklmnopqrstuvwxyz", false),
            "abcd…wxyz (26 chars)"
        );
        assert_eq!(partial("short", false), "<5 chars>");
    }
}
