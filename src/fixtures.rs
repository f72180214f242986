//! Fixtures: one signing case per TOML file, checked stage by stage
//! through the RFC 5849 pipeline (§3.4.1.2 base string URI, §3.4.1.3.2
//! normalized parameters, §3.4.1.1 base string, §3.4.2–§3.4.4 signature,
//! §3.5.1 Authorization header).
//!
//! The schema is documented in `fixtures/README.md`. Loading is strict:
//! an unknown key or a missing required field is an error that names the
//! file, line, column and key. The library never reads files itself: files
//! a fixture refers to (an RSA key next to it) come through
//! [`Files`], with paths relative to the fixture.

use crate::auth_header;
use crate::encode::encode;
use crate::error::line_col;
use crate::input::{self, Files, ReadOptions};
use crate::pipeline::{self, RunOptions};
use crate::request::{Format, Request};
use crate::sign::{strip_protocol, Protocol};
use crate::signature::{self, PrivateKey, PublicKey, Secrets, SignatureMethod};
use crate::Secret;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The bundled corpus: `(path relative to fixtures/, content)` for every
/// file under `fixtures/vectors/`, embedded at build time.
pub fn bundled() -> &'static [(&'static str, &'static str)] {
    include!(concat!(env!("OUT_DIR"), "/bundled_fixtures.rs"))
}

/// Joins a path relative to a fixture with the fixture's directory,
/// resolving `.` and `..`, with `/` separators.
pub fn join_relative(dir: &str, relative: &str) -> String {
    let absolute = relative.starts_with('/') || (dir.starts_with('/') && !relative.is_empty());
    let base = if relative.starts_with('/') { "" } else { dir };
    let mut parts: Vec<&str> = Vec::new();
    for p in base.split('/').chain(relative.split('/')) {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// The directory part of a `/`-separated path (`""` for none).
pub fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// [`Files`] over the bundled corpus, relative to one fixture's directory.
#[derive(Debug, Clone)]
pub struct BundledFiles {
    /// The fixture's directory inside the bundle (e.g. `vectors/published`).
    pub dir: String,
}

impl Files for BundledFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let wanted = join_relative(&self.dir, path);
        bundled()
            .iter()
            .find(|(p, _)| *p == wanted)
            .map(|(_, text)| text.as_bytes().to_vec())
            .ok_or_else(|| format!("{path:?} is not in the bundled corpus (looked for {wanted})"))
    }
}

/// The bundled fixture files (`.toml`), as `(path, text)`.
pub fn bundled_fixtures() -> impl Iterator<Item = (&'static str, &'static str)> {
    bundled()
        .iter()
        .copied()
        .filter(|(p, _)| p.ends_with(".toml"))
}

/// One fixture file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// A short unique id, also the conformance vector id.
    pub name: String,
    /// What the case tests; for a published vector, its source.
    pub description: String,
    /// Instead of a request: sign this base string directly (for
    /// published vectors given as a base string, e.g. wiki TestCases §9.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_base_string: Option<String>,
    /// The request, structured or as inline text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestSpec>,
    /// The protocol parameters to add to the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuthSpec>,
    /// Test secrets or key files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<SecretsSpec>,
    /// What the pipeline must produce.
    pub expected: Expected,
}

/// The request of a fixture: either structured (`method`, `url`, …) or
/// inline text (`format` + `text`) read through [`input::read`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSpec {
    /// The HTTP method as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The absolute URL exactly as sent (its query included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Query parameters appended to `url`, each name and value
    /// percent-encoded per RFC 5849 §3.6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_params: Option<Vec<(String, String)>>,
    /// Form body parameters, encoded per RFC 5849 §3.6 and joined with `&`;
    /// `content_type` defaults to `application/x-www-form-urlencoded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_params: Option<Vec<(String, String)>>,
    /// The `Content-Type` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Other header fields, `[name, value]`, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Vec<(String, String)>>,
    /// The raw body, exactly as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The format of `text`: `http` or `curl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The whole request as text (raw HTTP or a cURL command).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Scheme for a raw HTTP request with an origin-form target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
}

/// Where the protocol parameters travel (RFC 5849 §3.5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// RFC 5849 §3.5.1: the `Authorization` header.
    #[default]
    Header,
    /// RFC 5849 §3.5.2: the form-encoded body.
    Body,
    /// RFC 5849 §3.5.3: the query.
    Query,
}

/// The protocol parameters (RFC 5849 §3.1), without `oauth_signature`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthSpec {
    /// `realm` (Authorization header only; never signed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    /// `oauth_consumer_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_key: Option<String>,
    /// `oauth_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `oauth_signature_method`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_method: Option<String>,
    /// `oauth_timestamp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// `oauth_nonce`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// `oauth_version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `oauth_callback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// `oauth_verifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier: Option<String>,
    /// `oauth_body_hash` (OAuth Request Body Hash), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_hash: Option<String>,
    /// Where the parameters travel: `header` (default), `query` or `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
}

impl OAuthSpec {
    /// The `oauth_*` pairs given, in a fixed order.
    pub fn params(&self) -> Vec<(&'static str, &str)> {
        [
            ("oauth_consumer_key", &self.consumer_key),
            ("oauth_token", &self.token),
            ("oauth_signature_method", &self.signature_method),
            ("oauth_timestamp", &self.timestamp),
            ("oauth_nonce", &self.nonce),
            ("oauth_version", &self.version),
            ("oauth_callback", &self.callback),
            ("oauth_verifier", &self.verifier),
            ("oauth_body_hash", &self.body_hash),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
        .collect()
    }
}

/// Test secrets (never real ones) and key files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretsSpec {
    /// The consumer (client) secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer_secret: Option<String>,
    /// The token secret (absent or empty when there is no token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_secret: Option<String>,
    /// A PEM RSA private key file (PKCS#1 or PKCS#8), relative to the fixture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_file: Option<String>,
    /// A PEM public key or X.509 certificate file the expected signature
    /// must also verify with, relative to the fixture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_file: Option<String>,
}

/// The expected value of each stage; at least one is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// RFC 5849 §3.4.1.2 base string URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_uri: Option<String>,
    /// RFC 5849 §3.4.1.3.2 normalized parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized_parameters: Option<String>,
    /// RFC 5849 §3.4.1.1 signature base string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_string: Option<String>,
    /// `oauth_signature`, decoded (base64 for HMAC and RSA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The Authorization header value (compared parameter by parameter,
    /// in any order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
    /// The request must be rejected with an error containing this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Expected {
    fn is_empty(&self) -> bool {
        *self == Expected::default()
    }
}

/// A fixture that could not be loaded: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct FixtureError {
    /// The fixture's path as given.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The key at fault, when there is one.
    pub key: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Where `key` is written in `text`, searching after the `[table]` header
/// when one is given; the start of the table (or file) otherwise.
fn locate(text: &str, table: Option<&str>, key: &str) -> (usize, usize) {
    let mut offset = 0;
    let mut in_table = table.is_none();
    let mut table_at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('[') {
            let name = t.trim_end().trim_start_matches('[').trim_end_matches(']');
            in_table = Some(name.trim()) == table;
            if in_table {
                table_at = offset;
            }
        } else if in_table {
            let k = t.split('=').next().unwrap_or("").trim();
            if t.contains('=') && k == key {
                return line_col(text, offset + (line.len() - t.len()));
            }
        }
        offset += line.len();
    }
    line_col(text, table_at)
}

/// A TOML error message without the string values it quotes (`invalid
/// type: string "…"`): in a fixture they may be secrets. Only their
/// length is kept.
fn unquote_strings(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("string \"") {
        let (head, tail) = rest.split_at(at + 7);
        out.push_str(head);
        let body = &tail[1..];
        // serde writes the value with Debug escapes: a quote inside is \".
        let mut end = None;
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            out.push_str("(not shown)");
            return out;
        };
        out.push_str(&format!(
            "({} chars, not shown)",
            body[..end].chars().count()
        ));
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Reads and validates one fixture; `path` is only used in messages.
pub fn load(path: &str, text: &str) -> Result<Fixture, FixtureError> {
    let fixture: Fixture = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        let message = unquote_strings(e.message());
        let key = message
            .split('`')
            .nth(1)
            .filter(|_| message.contains("field"))
            .map(str::to_string);
        FixtureError {
            path: path.to_string(),
            line,
            column,
            key,
            message,
        }
    })?;
    let fail = |table: Option<&str>, key: &str, message: String| {
        let (line, column) = locate(text, table, key);
        Err(FixtureError {
            path: path.to_string(),
            line,
            column,
            key: Some(key.to_string()),
            message,
        })
    };
    if fixture.name.trim().is_empty() {
        return fail(None, "name", "`name` must not be empty".into());
    }
    if fixture.expected.is_empty() {
        return fail(
            Some("expected"),
            "expected",
            "[expected] needs at least one of base_uri, normalized_parameters, base_string, signature, authorization, error".into(),
        );
    }
    match (&fixture.request, &fixture.given_base_string) {
        (Some(_), Some(_)) => {
            return fail(
                None,
                "given_base_string",
                "give either [request] or given_base_string, not both".into(),
            )
        }
        (None, None) => {
            return fail(
                None,
                "request",
                "missing [request] (or given_base_string for a signature-only case)".into(),
            )
        }
        _ => {}
    }
    if let Some(r) = &fixture.request {
        let t = Some("request");
        if let Some(text_) = &r.text {
            let _ = text_;
            for (k, set) in [
                ("method", r.method.is_some()),
                ("url", r.url.is_some()),
                ("query_params", r.query_params.is_some()),
                ("body_params", r.body_params.is_some()),
                ("content_type", r.content_type.is_some()),
                ("headers", r.headers.is_some()),
                ("body", r.body.is_some()),
            ] {
                if set {
                    return fail(
                        t,
                        k,
                        format!(
                            "`{k}` cannot be combined with `text`: the text is the whole request"
                        ),
                    );
                }
            }
            match r.format.as_deref() {
                Some("http" | "curl") => {}
                Some(other) => {
                    return fail(
                        t,
                        "format",
                        format!("unknown format {other:?}: expected \"http\" or \"curl\""),
                    )
                }
                None => {
                    return fail(
                        t,
                        "text",
                        "`text` needs `format = \"http\"` or `format = \"curl\"`".into(),
                    )
                }
            }
        } else {
            if r.method.is_none() {
                return fail(
                    t,
                    "method",
                    "missing `method` in [request] (or give `text`)".into(),
                );
            }
            if r.url.is_none() {
                return fail(
                    t,
                    "url",
                    "missing `url` in [request] (or give `text`)".into(),
                );
            }
            if r.format.is_some() || r.scheme.is_some() {
                return fail(
                    t,
                    "format",
                    "`format` and `scheme` only go with `text`".into(),
                );
            }
            if r.body.is_some() && r.body_params.is_some() {
                return fail(
                    t,
                    "body",
                    "give either `body` or `body_params`, not both".into(),
                );
            }
        }
    }
    if let Some(m) = fixture
        .oauth
        .as_ref()
        .and_then(|o| o.signature_method.as_deref())
    {
        if let Err(e) = m.parse::<SignatureMethod>() {
            return fail(Some("oauth"), "signature_method", e.to_string());
        }
    }
    if fixture.given_base_string.is_some()
        && fixture
            .oauth
            .as_ref()
            .and_then(|o| o.signature_method.as_ref())
            .is_none()
    {
        return fail(
            Some("oauth"),
            "signature_method",
            "given_base_string needs [oauth] signature_method".into(),
        );
    }
    Ok(fixture)
}

/// A pipeline stage a fixture can pin, in pipeline order.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Building the request (or the expected rejection of it).
    Request,
    /// RFC 5849 §3.4.1.2.
    BaseUri,
    /// RFC 5849 §3.4.1.3.2.
    NormalizedParameters,
    /// RFC 5849 §3.4.1.1.
    BaseString,
    /// RFC 5849 §3.4.2–§3.4.4.
    Signature,
    /// RFC 5849 §3.4.3: the expected signature verifies with the public key.
    PublicKey,
    /// RFC 5849 §3.5.1.
    Authorization,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Request => "request",
            Stage::BaseUri => "base string URI (RFC 5849 §3.4.1.2)",
            Stage::NormalizedParameters => "normalized parameters (RFC 5849 §3.4.1.3.2)",
            Stage::BaseString => "base string (RFC 5849 §3.4.1.1)",
            Stage::Signature => "signature (RFC 5849 §3.4.2-§3.4.4)",
            Stage::PublicKey => "verification with the public key (RFC 5849 §3.4.3)",
            Stage::Authorization => "Authorization header (RFC 5849 §3.5.1)",
        })
    }
}

/// The first stage where a fixture's expectation was not met.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The first differing stage.
    pub stage: Stage,
    /// What the fixture expects (masked when it would reveal a secret).
    pub expected: String,
    /// What the pipeline produced (masked likewise).
    pub actual: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.stage, self.expected, self.actual
        )
    }
}

/// One fixture checked (`check`): a conformance vector, by its `id`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedVector {
    /// The fixture's `name`, which is its vector id; `null` when the file did not load.
    pub id: Option<String>,
    /// The fixture file.
    pub path: String,
    /// Whether every stage it pins was met.
    pub passed: bool,
    /// The first stage that was not met, or `null`.
    pub mismatch: Option<Mismatch>,
    /// Why the file did not load, or `null`.
    pub error: Option<String>,
}

/// The answer of `check`, printed by `check --json`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// How many vectors passed.
    pub passed: usize,
    /// How many failed or did not load.
    pub failed: usize,
    /// Each fixture, in the order given.
    pub vectors: Vec<CheckedVector>,
}

impl CheckReport {
    /// The report over `vectors`, counted.
    pub fn new(vectors: Vec<CheckedVector>) -> CheckReport {
        let passed = vectors.iter().filter(|v| v.passed).count();
        CheckReport {
            schema: crate::SCHEMA,
            passed,
            failed: vectors.len() - passed,
            vectors,
        }
    }
}

/// Everything a fixture describes, made concrete: the request with its
/// protocol parameters, the secrets, and what the signer sends.
#[derive(Debug, Clone)]
pub struct Case {
    /// The fixture.
    pub fixture: Fixture,
    /// The request carrying its protocol parameters (`None` for a
    /// `given_base_string` case).
    pub request: Option<Request>,
    /// The loaded secrets.
    pub secrets: Secrets,
    /// The private key PEM text, when the fixture names one.
    pub private_key_pem: Option<Secret>,
    /// The public key or certificate, when the fixture names one.
    pub public_key: Option<PublicKey>,
}

fn request_error(message: String) -> Mismatch {
    Mismatch {
        stage: Stage::Request,
        expected: "a request that can be built".into(),
        actual: message,
    }
}

/// Appends `name=value` pairs, encoded per RFC 5849 §3.6, to a form string.
fn append_pairs<'a>(form: &mut String, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) {
    for (n, v) in pairs {
        if !form.is_empty() {
            form.push('&');
        }
        form.push_str(&encode(n));
        form.push('=');
        form.push_str(&encode(v));
    }
}

/// Appends pairs to the query of `url` (before any fragment).
fn append_query<'a>(url: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let (head, fragment) = match url.find('#') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let (path, query) = match head.find('?') {
        Some(i) => (&head[..i], head[i + 1..].to_string()),
        None => (head, String::new()),
    };
    let mut query = query;
    let had_query = head.contains('?');
    append_pairs(&mut query, pairs);
    if query.is_empty() && !had_query {
        format!("{path}{fragment}")
    } else {
        format!("{path}?{query}{fragment}")
    }
}

fn build_request(spec: &RequestSpec, files: &dyn Files) -> Result<Request, String> {
    if let Some(text) = &spec.text {
        let format = match spec.format.as_deref() {
            Some("curl") => Format::Curl,
            _ => Format::Http,
        };
        let options = ReadOptions {
            format: Some(format),
            scheme: spec.scheme.clone(),
            entry: None,
        };
        let mut read = input::read(text.as_bytes(), &options, files).map_err(|e| e.to_string())?;
        if read.is_empty() {
            return Err("the text holds no request".into());
        }
        return Ok(read.remove(0).request);
    }
    let method = spec.method.clone().unwrap_or_default();
    let mut url = spec.url.clone().unwrap_or_default();
    if let Some(q) = &spec.query_params {
        url = append_query(&url, q.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    }
    let mut request = Request::new(method, url);
    let content_type = match (&spec.content_type, &spec.body_params) {
        (Some(ct), _) => Some(ct.clone()),
        (None, Some(_)) => Some("application/x-www-form-urlencoded".to_string()),
        (None, None) => None,
    };
    if let Some(ct) = content_type {
        request = request.with_header("Content-Type", ct);
    }
    for (n, v) in spec.headers.iter().flatten() {
        request = request.with_header(n.clone(), v.clone());
    }
    if let Some(b) = &spec.body {
        request = request.with_body(b.clone());
    }
    if let Some(p) = &spec.body_params {
        let mut body = String::new();
        append_pairs(&mut body, p.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        request = request.with_body(body);
    }
    Ok(request)
}

/// Adds the protocol parameters of `oauth` where its transport says.
fn add_protocol(request: &mut Request, oauth: &OAuthSpec) -> Result<(), String> {
    let params = oauth.params();
    match oauth.transport.unwrap_or_default() {
        Transport::Header => {
            request.set_header(
                "Authorization",
                auth_header::build(
                    oauth.realm.as_deref(),
                    params.iter().map(|(n, v)| (*n, v.as_bytes())),
                ),
            );
        }
        Transport::Query => {
            request.url = append_query(&request.url, params);
        }
        Transport::Body => {
            if !request.has_form_body() {
                return Err(
                    "transport = \"body\" needs a form-encoded body (RFC 5849 §3.5.2)".into(),
                );
            }
            let mut body = String::from_utf8_lossy(&request.body).into_owned();
            append_pairs(&mut body, params);
            request.body = body.into_bytes();
        }
    }
    Ok(())
}

fn read_text(files: &dyn Files, path: &str) -> Result<String, String> {
    let bytes = files.read(path)?;
    String::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8 text"))
}

/// Builds the concrete case of a fixture: request, protocol parameters and
/// secrets. `files` resolves paths relative to the fixture.
pub fn prepare(fixture: &Fixture, files: &dyn Files) -> Result<Case, Mismatch> {
    let request = match &fixture.request {
        Some(spec) => {
            let mut r = build_request(spec, files).map_err(request_error)?;
            if let Some(o) = &fixture.oauth {
                add_protocol(&mut r, o).map_err(request_error)?;
            }
            Some(r)
        }
        None => None,
    };
    let s = fixture.secrets.clone().unwrap_or_default();
    let mut secrets = Secrets {
        consumer_secret: s.consumer_secret.as_deref().map(Secret::new),
        token_secret: s.token_secret.as_deref().map(Secret::new),
        ..Secrets::default()
    };
    let mut private_key_pem = None;
    if let Some(p) = &s.private_key_file {
        let pem = read_text(files, p).map_err(request_error)?;
        let key = PrivateKey::from_pem(&pem).map_err(|e| request_error(format!("{p}: {e}")))?;
        secrets.private_key = Some(key);
        private_key_pem = Some(Secret::new(pem));
    }
    let mut public_key = None;
    if let Some(p) = &s.public_key_file {
        let pem = read_text(files, p).map_err(request_error)?;
        public_key =
            Some(PublicKey::from_pem(&pem).map_err(|e| request_error(format!("{p}: {e}")))?);
    }
    Ok(Case {
        fixture: fixture.clone(),
        request,
        secrets,
        private_key_pem,
        public_key,
    })
}

/// A value fit to print: PLAINTEXT signatures and keys are the secrets
/// themselves, so only their length is shown.
fn shown(method: Option<SignatureMethod>, value: &str) -> String {
    crate::signature::masked_signature(method, value).unwrap_or_else(|| format!("{value:?}"))
}

fn compare(
    stage: Stage,
    expected: &Option<String>,
    actual: &str,
    method: Option<SignatureMethod>,
) -> Result<(), Mismatch> {
    match expected {
        Some(e) if e != actual => Err(Mismatch {
            stage,
            expected: shown(method, e),
            actual: shown(method, actual),
        }),
        _ => Ok(()),
    }
}

/// The Authorization header's parameters, decoded, sorted, for comparison
/// in any order (`realm` included, undecoded as §3.5.1 says).
fn header_params(value: &str) -> Result<Vec<(String, String)>, String> {
    let h = auth_header::parse(value)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{value:?} is not an OAuth Authorization header"))?;
    let mut out: Vec<(String, String)> = h
        .params
        .iter()
        .map(|p| {
            let v = if p.name == "realm" {
                p.raw_value.clone()
            } else {
                p.value_lossy()
            };
            (p.name.clone(), v)
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Runs one fixture through the pipeline and reports the first stage that
/// differs from what it expects.
pub fn check(fixture: &Fixture, files: &dyn Files) -> Result<(), Mismatch> {
    let case = prepare(fixture, files)?;
    check_case(&case)
}

/// [`check`] over an already prepared case.
pub fn check_case(case: &Case) -> Result<(), Mismatch> {
    let f = &case.fixture;
    let e = &f.expected;
    let declared = f
        .oauth
        .as_ref()
        .and_then(|o| o.signature_method.as_deref())
        .and_then(|m| m.parse().ok());
    let Some(request) = &case.request else {
        // A signature-only case: the base string is given.
        let base = f.given_base_string.clone().unwrap_or_default();
        compare(Stage::BaseString, &e.base_string, &base, None)?;
        let method = declared.unwrap_or(SignatureMethod::HmacSha1);
        let sig = signature::sign(method, &base, &case.secrets).map_err(|err| Mismatch {
            stage: Stage::Signature,
            expected: "a signature".into(),
            actual: err.to_string(),
        })?;
        compare(Stage::Signature, &e.signature, &sig, Some(method))?;
        return check_public_key(case, method, &base);
    };
    let w = match pipeline::run(request, &case.secrets, RunOptions::default()) {
        Ok(w) => w,
        Err(err) => {
            let msg = err.to_string();
            return match &e.error {
                Some(want) if msg.contains(want.as_str()) => Ok(()),
                Some(want) => Err(Mismatch {
                    stage: Stage::Request,
                    expected: format!("an error containing {want:?}"),
                    actual: msg,
                }),
                None => Err(request_error(msg)),
            };
        }
    };
    if let Some(want) = &e.error {
        return Err(Mismatch {
            stage: Stage::Request,
            expected: format!("an error containing {want:?}"),
            actual: "no error".into(),
        });
    }
    let method = w.signature_method;
    compare(Stage::BaseUri, &e.base_uri, &w.base_uri, None)?;
    compare(
        Stage::NormalizedParameters,
        &e.normalized_parameters,
        &w.normalized_parameters,
        None,
    )?;
    compare(Stage::BaseString, &e.base_string, &w.base_string, None)?;
    if e.signature.is_some() || e.authorization.is_some() {
        let Some(sig) = &w.signature else {
            return Err(Mismatch {
                stage: Stage::Signature,
                expected: "a signature".into(),
                actual: w
                    .not_computed
                    .clone()
                    .unwrap_or_else(|| "none computed".into()),
            });
        };
        compare(Stage::Signature, &e.signature, sig, method)?;
        if let Some(m) = method {
            check_public_key(case, m, &w.base_string)?;
        }
        if let Some(want) = &e.authorization {
            let protocol =
                Protocol::from_request(request).map_err(|x| request_error(x.to_string()))?;
            let actual = auth_header::build(
                protocol.realm.as_deref(),
                protocol
                    .params
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_bytes()))
                    .chain(std::iter::once(("oauth_signature", sig.as_bytes()))),
            );
            let mismatch = |why: String| Mismatch {
                stage: Stage::Authorization,
                expected: shown(method, want),
                actual: if method == Some(SignatureMethod::Plaintext) {
                    why
                } else {
                    format!("{actual:?} ({why})")
                },
            };
            let want_params = header_params(want).map_err(&mismatch)?;
            let got_params = header_params(&actual).map_err(&mismatch)?;
            if want_params != got_params {
                let diff = want_params
                    .iter()
                    .find(|p| !got_params.contains(p))
                    .or_else(|| got_params.iter().find(|p| !want_params.contains(p)))
                    .map_or(String::new(), |(n, _)| format!("{n} differs"));
                return Err(mismatch(diff));
            }
        }
    }
    Ok(())
}

fn check_public_key(case: &Case, method: SignatureMethod, base: &str) -> Result<(), Mismatch> {
    let (Some(pk), Some(sig)) = (&case.public_key, &case.fixture.expected.signature) else {
        return Ok(());
    };
    let secrets = Secrets {
        public_key: Some(pk.clone()),
        ..Secrets::default()
    };
    match signature::verify(method, base, &secrets, sig) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Mismatch {
            stage: Stage::PublicKey,
            expected: "the expected signature verifies".into(),
            actual: "it does not".into(),
        }),
        Err(err) => Err(Mismatch {
            stage: Stage::PublicKey,
            expected: "the expected signature verifies".into(),
            actual: err.to_string(),
        }),
    }
}

/// The inputs a conformance signer receives for one vector (the JSON
/// object written to its standard input; see README "Fixtures and
/// conformance").
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerInput {
    /// The HTTP method.
    pub method: String,
    /// The absolute URL, query included, exactly as the request sends it.
    pub url: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body, if any.
    pub body: Option<String>,
    /// The `realm` for the Authorization header, if any.
    pub realm: Option<String>,
    /// The `oauth_*` parameters to send, without `oauth_signature`.
    pub oauth: serde_json::Map<String, serde_json::Value>,
    /// The consumer secret (empty for RSA vectors).
    pub consumer_secret: String,
    /// The token secret (may be empty).
    pub token_secret: String,
    /// The RSA private key (PEM) for RSA vectors.
    pub private_key_pem: Option<String>,
}

/// One element of `vectors export --format json`: the vector's `id` and
/// the [`SignerInput`] fields beside it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedVector {
    /// The vector id (the fixture's `name`).
    pub id: String,
    /// What the signer receives.
    #[serde(flatten)]
    pub input: SignerInput,
}

/// A conformance vector: a fixture that pins a signature over a request.
#[derive(Debug, Clone)]
pub struct Vector {
    /// The fixture name.
    pub id: String,
    /// The signature method.
    pub method: SignatureMethod,
    /// What the signer receives.
    pub input: SignerInput,
    /// The `oauth_signature` a correct signer produces (decoded).
    pub signature: String,
    /// The base string a correct signer signs.
    pub base_string: String,
}

impl Case {
    /// The conformance vector of this case, when it is one: a request (not
    /// a bare base string) with a known signature method, no expected
    /// error, and an expected signature (or Authorization header).
    pub fn vector(&self) -> Option<Vector> {
        let f = &self.fixture;
        let request = self.request.as_ref()?;
        if f.expected.error.is_some() {
            return None;
        }
        let from_header = || {
            let h = auth_header::parse(f.expected.authorization.as_deref()?).ok()??;
            Some(h.get("oauth_signature")?.value_lossy())
        };
        let signature = f.expected.signature.clone().or_else(from_header)?;
        let w = pipeline::run(request, &Secrets::default(), RunOptions::default()).ok()?;
        let method = w.signature_method?;
        let protocol = Protocol::from_request(request).ok()?;
        let unsigned = strip_protocol(request).ok()?;
        let oauth = protocol
            .params
            .iter()
            .filter(|(n, _)| n != "oauth_signature")
            .map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let body = (!unsigned.body.is_empty())
            .then(|| String::from_utf8_lossy(&unsigned.body).into_owned());
        let expose =
            |s: &Option<Secret>| s.as_ref().map_or(String::new(), |s| s.expose().to_string());
        Some(Vector {
            id: f.name.clone(),
            method,
            input: SignerInput {
                method: unsigned.method.clone(),
                url: unsigned.url.clone(),
                content_type: unsigned.header("content-type").map(str::to_string),
                body,
                realm: protocol.realm.clone(),
                oauth,
                consumer_secret: expose(&self.secrets.consumer_secret),
                token_secret: expose(&self.secrets.token_secret),
                private_key_pem: self
                    .private_key_pem
                    .as_ref()
                    .map(|p| p.expose().to_string()),
            },
            signature,
            base_string: w.base_string,
        })
    }
}

/// What [`Fixture::record`] made of a known-good request: the fixture,
/// the text of its file, and the private key file to write beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The fixture, as loaded back from `text`.
    pub fixture: Fixture,
    /// The file's content (TOML, with a first comment line): it holds the
    /// secrets given, so a front end writes it readable by the user only.
    pub text: String,
    /// The file name (`<name>.toml`).
    pub file_name: String,
    /// The private key to copy beside it, when the request is RSA-signed:
    /// `(file name, PEM text)`, the file name as the fixture names it.
    pub key_file: Option<(String, String)>,
}

/// Why a request could not be recorded as a fixture. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The name is not fit for a file name.
    #[error("{0:?}: use letters, digits, '-', '_' and '.' only (it becomes the file name)")]
    BadName(String),
    /// The request could not be read.
    #[error(transparent)]
    Pipeline(#[from] pipeline::PipelineError),
    /// No signature could be computed with the secrets given.
    #[error("cannot record: {0}")]
    CannotSign(String),
    /// The carried `oauth_signature` does not verify with the secrets
    /// given (RFC 5849 §3.2), so the request is not known-good.
    #[error("not recorded: the request's oauth_signature does not verify with these secrets, so it is not known-good (run `oauth1-doctor explain` on it)")]
    NotKnownGood,
    /// A fixture's body is text.
    #[error("cannot record a body that is not UTF-8 text")]
    BodyNotUtf8,
    /// The fixture could not be written as TOML.
    #[error("cannot write the fixture as TOML: {0}")]
    Toml(String),
    /// A bug: the recorded fixture does not load or check.
    #[error("internal: the recorded fixture does not check: {0}")]
    DoesNotCheck(String),
}

/// True when `name` is fit to be a fixture's file name: letters, digits,
/// `-`, `_` and `.`, not starting with a dot.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The one key file a recorded fixture may name, held in memory.
struct KeyInMemory<'a> {
    key: Option<(&'a str, &'a str)>,
}

impl Files for KeyInMemory<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        match self.key {
            Some((name, pem)) if name == path => Ok(pem.as_bytes().to_vec()),
            _ => Err(format!("{path}: not found")),
        }
    }
}

impl Fixture {
    /// Records a known-good request (e.g. one Postman sent and the server
    /// accepted) as a fixture named `name`: its method, URL, Content-Type,
    /// Authorization header and body, the secrets given, and what the
    /// pipeline computes at each stage (RFC 5849 §3.4.1.2 base string URI,
    /// §3.4.1.3.2 normalized parameters, §3.4.1.1 base string, §3.4.2–§3.4.4
    /// signature). A request whose carried signature does not verify with
    /// `secrets` is refused. `private_key_pem` is the text of the private
    /// key file given for RSA, copied beside the fixture. The result has
    /// been loaded back and checked; nothing is written here.
    pub fn record(
        request: &Request,
        secrets: &Secrets,
        private_key_pem: Option<&str>,
        name: &str,
        description: &str,
    ) -> Result<Recorded, RecordError> {
        if !valid_name(name) {
            return Err(RecordError::BadName(name.to_string()));
        }
        let w = pipeline::run(request, secrets, RunOptions::default())?;
        let Some(signature) = w.signature.clone() else {
            return Err(RecordError::CannotSign(
                w.not_computed
                    .clone()
                    .unwrap_or_else(|| "no signature could be computed".into()),
            ));
        };
        if w.valid == Some(false) {
            return Err(RecordError::NotKnownGood);
        }
        let mut headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .cloned()
            .collect();
        headers.dedup();
        let body = if request.body.is_empty() {
            None
        } else {
            Some(String::from_utf8(request.body.clone()).map_err(|_| RecordError::BodyNotUtf8)?)
        };
        let key_file = private_key_pem.map(|pem| (format!("{name}.pem"), pem.to_string()));
        let fixture = Fixture {
            name: name.to_string(),
            description: description.to_string(),
            given_base_string: None,
            request: Some(RequestSpec {
                method: Some(request.method.clone()),
                url: Some(request.url.clone()),
                content_type: request.header("content-type").map(str::to_string),
                headers: (!headers.is_empty()).then_some(headers),
                body,
                ..RequestSpec::default()
            }),
            oauth: None,
            secrets: Some(SecretsSpec {
                consumer_secret: secrets
                    .consumer_secret
                    .as_ref()
                    .map(|s| s.expose().to_string()),
                token_secret: secrets
                    .token_secret
                    .as_ref()
                    .map(|s| s.expose().to_string()),
                private_key_file: key_file.as_ref().map(|(f, _)| f.clone()),
                public_key_file: None,
            }),
            expected: Expected {
                base_uri: Some(w.base_uri.clone()),
                normalized_parameters: Some(w.normalized_parameters.clone()),
                base_string: Some(w.base_string.clone()),
                signature: Some(signature),
                authorization: None,
                error: None,
            },
        };
        let toml =
            toml::to_string_pretty(&fixture).map_err(|e| RecordError::Toml(e.to_string()))?;
        let text = format!(
            "# Recorded by oauth1-doctor record. It holds the secrets given: keep test secrets only.\n{toml}"
        );
        // The file must load and check before anyone writes it.
        let file_name = format!("{name}.toml");
        let reloaded =
            load(&file_name, &text).map_err(|e| RecordError::DoesNotCheck(e.to_string()))?;
        let files = KeyInMemory {
            key: key_file.as_ref().map(|(f, pem)| (f.as_str(), pem.as_str())),
        };
        check(&reloaded, &files).map_err(|m| RecordError::DoesNotCheck(m.to_string()))?;
        Ok(Recorded {
            fixture: reloaded,
            text,
            file_name,
            key_file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue11_fixture_toml_errors_never_quote_a_string_value() {
        let text = "name = \"x\"\ndescription = \"d\"\nsecrets = \"hunter2-secret\"\n";
        let e = load("x.toml", text).unwrap_err().to_string();
        assert!(!e.contains("hunter2"), "{e}");
        assert!(e.contains("14 chars"), "{e}");
        assert_eq!(
            unquote_strings(r#"invalid type: string "a\"b", expected x"#),
            "invalid type: string (4 chars, not shown), expected x"
        );
    }
    use crate::input::NoFiles;

    const PHOTOS: &str = r#"
name = "photos"
description = "RFC 5849 §1.2"

[request]
method = "GET"
url = "http://photos.example.net/photos"
query_params = [["file", "vacation.jpg"], ["size", "original"]]

[oauth]
realm = "Photos"
consumer_key = "dpf43f3p2l4k3l03"
token = "nnch734d00sl2jdk"
signature_method = "HMAC-SHA1"
timestamp = "137131202"
nonce = "chapoH"

[secrets]
consumer_secret = "kd94hf93k423kf44"
token_secret = "pfkkdhi9sl3r4s00"

[expected]
signature = "MdpQcU8iPSUjWoN/UDMsK2sui9I="
authorization = 'OAuth oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D", realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH"'
"#;

    #[test]
    fn rfc5849_1_2_photos_fixture_checks_with_header_in_any_order() {
        let f = load("photos.toml", PHOTOS).unwrap();
        assert_eq!(check(&f, &NoFiles), Ok(()));
    }

    #[test]
    fn a_wrong_signature_is_reported_at_the_signature_stage() {
        let text = PHOTOS.replace("MdpQcU8iPSUjWoN/", "XdpQcU8iPSUjWoN/");
        let f = load("photos.toml", &text).unwrap();
        let m = check(&f, &NoFiles).unwrap_err();
        assert_eq!(m.stage, Stage::Signature);
    }

    #[test]
    fn an_unknown_key_names_file_line_and_key() {
        let text = PHOTOS.replace("nonce = \"chapoH\"", "nonce = \"chapoH\"\nnonse = \"x\"");
        let e = load("photos.toml", &text).unwrap_err();
        assert_eq!(e.line, 17);
        assert_eq!(e.key.as_deref(), Some("nonse"));
        assert!(e
            .to_string()
            .starts_with("photos.toml:17:1: unknown field `nonse`"));
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let text = PHOTOS.replace("description = \"RFC 5849 §1.2\"\n", "");
        let e = load("photos.toml", &text).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("description"));
    }

    #[test]
    fn a_structural_error_points_at_its_key() {
        let text = PHOTOS.replace("url = ", "format = \"http\"\nurl = ");
        let e = load("photos.toml", &text).unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (7, Some("format")));
    }

    #[test]
    fn the_vector_carries_no_signature_and_strips_protocol() {
        let f = load("photos.toml", PHOTOS).unwrap();
        let v = prepare(&f, &NoFiles).unwrap().vector().unwrap();
        assert_eq!(
            v.input.url,
            "http://photos.example.net/photos?file=vacation.jpg&size=original"
        );
        assert_eq!(v.input.oauth.len(), 5);
        assert_eq!(v.input.realm.as_deref(), Some("Photos"));
        assert_eq!(v.signature, "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    }

    #[test]
    fn relative_paths_join_like_a_file_system() {
        assert_eq!(join_relative(".", "../p/k.pem"), "../p/k.pem");
        assert_eq!(
            join_relative("vectors/computed", "../published/k.pem"),
            "vectors/published/k.pem"
        );
        assert_eq!(join_relative("/a/b", "./k.pem"), "/a/b/k.pem");
        assert_eq!(join_relative("/a", "../../k.pem"), "/k.pem");
        assert_eq!(join_relative("a", "/etc/k.pem"), "/etc/k.pem");
        assert_eq!(join_relative("", "k.pem"), "k.pem");
        assert_eq!(join_relative("../x", "../../k.pem"), "../../k.pem");
    }

    #[test]
    fn query_pairs_go_before_the_fragment() {
        assert_eq!(
            append_query("http://x/p#f", [("a b", "c")]),
            "http://x/p?a%20b=c#f"
        );
        assert_eq!(append_query("http://x/p?z", [("a", "")]), "http://x/p?z&a=");
    }

    /// RFC 5849 §1.2's photos request records as a fixture that checks;
    /// with a wrong secret it is not known-good (RFC 5849 §3.2).
    #[test]
    fn rfc5849_1_2_photos_request_records() {
        let r = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
            .with_header("Cookie", "session=not-recorded")
            .with_header("Authorization", r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#);
        let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        let rec = Fixture::record(&r, &secrets, None, "photos", "from RFC 5849 §1.2").unwrap();
        assert_eq!(rec.file_name, "photos.toml");
        assert_eq!(rec.key_file, None);
        assert_eq!(
            rec.fixture.expected.signature.as_deref(),
            Some("MdpQcU8iPSUjWoN/UDMsK2sui9I=")
        );
        assert!(!rec.text.contains("not-recorded"), "{}", rec.text);
        assert_eq!(load("photos.toml", &rec.text).unwrap(), rec.fixture);

        let wrong = Secrets::shared("wrong", "pfkkdhi9sl3r4s00");
        assert_eq!(
            Fixture::record(&r, &wrong, None, "photos", "d"),
            Err(RecordError::NotKnownGood)
        );
        assert_eq!(
            Fixture::record(&r, &secrets, None, "../up", "d"),
            Err(RecordError::BadName("../up".into()))
        );
        let unsigned = Secrets::default();
        assert!(matches!(
            Fixture::record(&r, &unsigned, None, "photos", "d"),
            Err(RecordError::CannotSign(_))
        ));
    }
}
