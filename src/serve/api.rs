//! The workbench's JSON API: `POST /api/explain`, `/api/diff`, `/api/hunt`
//! (and `/api/align`, the aligned base strings the page draws).
//!
//! Each endpoint takes one [`ApiRequest`] and answers with exactly the
//! object the matching command prints with `--json`, built by the same
//! library functions ([`crate::report::explain_json`],
//! [`crate::diff::diagnose`], [`crate::hunt::run`],
//! [`crate::report::sign_json`]). Requests come from
//! the network, so they are read with [`NoFiles`]: a pasted cURL command's
//! `@file` is refused, never read.

use crate::diff::base_diff::{align, is_base_string, SpanKind};
use crate::diff::select::{self, Role};
use crate::diff::{self, postman, DiffOptions, Side, SideSecrets};
use crate::hunt::{self, Budget, HuntOptions};
use crate::input::{self, NoFiles, ReadOptions};
use crate::pipeline::{self, RunOptions};
use crate::schemes::{self, Scheme, SchemeOptions, SchemeSecrets};
use crate::sign::{sign_with_defaults, Fresh, SignOptions, SignRequestError};
use crate::signature::{PrivateKey, PublicKey, Secrets};
use crate::{Format, ParseError, ReadRequest, Request, Secret};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the page (or a script) posts to an endpoint. Every field is
/// optional; each endpoint says which it needs. Unknown fields are refused
/// (a misspelt `consumer_secret` would otherwise be silently ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiRequest {
    /// explain, hunt: the request, in any format the readers take.
    pub request: Option<String>,
    /// explain, hunt: the request as parts, instead of `request`.
    pub parts: Option<Parts>,
    /// diff: the known-good request.
    pub good: Option<String>,
    /// diff: the candidate (a request or a bare base string).
    pub candidate: Option<String>,
    /// diff: the body of the server's 401 response.
    pub server_response: Option<String>,
    /// The consumer (client) secret.
    pub consumer_secret: Option<String>,
    /// The token secret.
    pub token_secret: Option<String>,
    /// An RSA private key (PEM text).
    pub private_key: Option<String>,
    /// An RSA public key or certificate (PEM text).
    pub public_key: Option<String>,
    /// Read inputs as this format (`curl`, `http`, `har`, `jsonl`) instead of detecting it.
    pub format: Option<String>,
    /// Scheme for a raw HTTP request whose target has none.
    pub scheme: Option<String>,
    /// explain: the clock `oauth_timestamp` is checked against (seconds since 1970).
    pub now: Option<u64>,
    /// hunt: how many mistakes may combine (0 to 4, default 2).
    pub depth: Option<u8>,
    /// hunt: the signature to hunt for instead of the request's own.
    pub target: Option<String>,
    /// hunt: a base string the server reported, to hunt for.
    pub expected_base_string: Option<String>,
    /// diff: only ask "do they sign the same content?".
    pub structural: Option<bool>,
    /// sign: what to answer, as `sign --output` (`json`, `header`, `http`, `curl`).
    pub output: Option<String>,
}

/// A request given as its parts, for users whose tool shows them only the
/// `Authorization` header a macro built.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parts {
    /// The HTTP method.
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// The `Authorization` header value (`OAuth …`), if any.
    #[serde(default)]
    pub authorization: String,
    /// The body, if any.
    #[serde(default)]
    pub body: String,
    /// The `Content-Type` header value, if any.
    #[serde(default)]
    pub content_type: String,
}

/// `POST /api/align`: two base strings to align.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlignRequest {
    /// The good (RFC, known-good) base string.
    pub good: String,
    /// The candidate base string.
    pub candidate: String,
}

/// An error answered with status 400: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiError {
    /// What went wrong and, where there is one, how to fix it (one line or a few).
    pub message: String,
    /// Which input field it is about (`request`, `good`, `candidate`, `private_key`, …), when one.
    pub field: Option<String>,
    /// 1-based line of the error in that field, when the reader knows it.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the reader knows it.
    pub column: Option<usize>,
}

impl ApiError {
    /// An error about the request as a whole.
    pub fn new(message: impl Into<String>) -> ApiError {
        ApiError {
            message: message.into(),
            field: None,
            line: None,
            column: None,
        }
    }

    fn field(message: impl Into<String>, field: &str) -> ApiError {
        ApiError {
            field: Some(field.to_string()),
            ..ApiError::new(message)
        }
    }

    /// A reader's error, with its position in `field`, whose text is
    /// `text`. The message is the kind and the hint; the page draws its own
    /// caret. An error about a piece of the input (a URL, a header) is
    /// placed where that piece first occurs in `text`; when it does not
    /// occur there, no position is given rather than a wrong one.
    fn parse(e: &ParseError, field: &str, text: &str) -> ApiError {
        let mut message = format!("{}: {}", e.context, e.kind);
        if let Some(h) = &e.hint {
            message.push_str(&format!(" ({h})"));
        }
        let offset = if e.input.is_empty() {
            None
        } else if e.input == text {
            Some(e.span.start)
        } else {
            text.find(e.input.as_str()).map(|at| at + e.span.start)
        };
        let (line, column) = match offset {
            Some(o) => {
                let (l, c) = crate::error::line_col(text, o);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ApiError {
            message,
            field: Some(field.to_string()),
            line,
            column,
        }
    }
}

/// The `{"error": …}` body.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// The error.
    pub error: ApiError,
}

impl From<ApiError> for ErrorBody {
    fn from(error: ApiError) -> ErrorBody {
        ErrorBody {
            schema: crate::SCHEMA,
            error,
        }
    }
}

/// How the server answers: whether secrets may be shown (`serve
/// --show-secrets`) and the hunt's time budget.
#[derive(Debug, Clone, Copy)]
pub struct ApiOptions {
    /// Show secrets in answers (the key, a PLAINTEXT signature).
    pub show_secrets: bool,
    /// How long a hunt (and the hunt of a diff) may search.
    pub hunt_time: Duration,
}

impl Default for ApiOptions {
    fn default() -> ApiOptions {
        ApiOptions {
            show_secrets: false,
            hunt_time: Duration::from_secs(5),
        }
    }
}

/// The hunt's memory budget, as the command line's default (256 MiB).
const HUNT_MEMORY: usize = 256 << 20;

fn format_of(r: &ApiRequest) -> Result<Option<Format>, ApiError> {
    Ok(match r.format.as_deref() {
        None | Some("") => None,
        Some("curl") => Some(Format::Curl),
        Some("http") => Some(Format::Http),
        Some("har") => Some(Format::Har),
        Some("jsonl") => Some(Format::Jsonl),
        Some(other) => {
            return Err(ApiError::field(
                format!("format {other:?} is not one of curl, http, har, jsonl"),
                "format",
            ))
        }
    })
}

/// The secrets the request names (empty strings count as absent, except
/// an empty token secret, which is RFC 5849 §3.4.2's "no token").
pub fn secrets(r: &ApiRequest) -> Result<Secrets, ApiError> {
    let mut s = Secrets {
        consumer_secret: r.consumer_secret.clone().map(Secret::new),
        token_secret: r.token_secret.clone().map(Secret::new),
        ..Secrets::default()
    };
    if let Some(pem) = r.private_key.as_deref().filter(|p| !p.trim().is_empty()) {
        // The error names what is wrong, never the key's content.
        let key = PrivateKey::from_pem(pem)
            .map_err(|e| ApiError::field(format!("private key: {e}"), "private_key"))?;
        s.private_key = Some(key);
    }
    if let Some(pem) = r.public_key.as_deref().filter(|p| !p.trim().is_empty()) {
        let key = PublicKey::from_pem(pem)
            .map_err(|e| ApiError::field(format!("public key: {e}"), "public_key"))?;
        s.public_key = Some(key);
    }
    Ok(s)
}

/// The one request of `request` or `parts`.
fn one_request(r: &ApiRequest) -> Result<ReadRequest, ApiError> {
    if let Some(p) = &r.parts {
        if r.request.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            return Err(ApiError::new("give either request or parts, not both"));
        }
        return Ok(ReadRequest::new(from_parts(p)?, Format::Http));
    }
    let text = r.request.as_deref().unwrap_or("");
    if text.trim().is_empty() {
        return Err(ApiError::field(
            "paste a request (cURL, raw HTTP, HAR or JSON Lines) or fill in its parts",
            "request",
        ));
    }
    if r.format.is_none() && is_base_string(text) {
        return Err(ApiError::field(
            "this is a bare signature base string (METHOD&encoded-URI&encoded-parameters, RFC 5849 §3.4.1.1), not a request: compare it with a request that works in Diff",
            "request",
        ));
    }
    let mut reads = read_all(text, r, "request")?;
    match reads.len() {
        0 => Err(ApiError::field("no request found", "request")),
        1 => Ok(reads.remove(0)),
        n => Err(ApiError::field(
            format!("this input holds {n} requests: paste one of them"),
            "request",
        )),
    }
}

fn read_all(text: &str, r: &ApiRequest, field: &str) -> Result<Vec<ReadRequest>, ApiError> {
    let options = ReadOptions {
        format: format_of(r)?,
        scheme: r.scheme.clone().filter(|s| !s.is_empty()),
        entry: None,
    };
    input::read(text.as_bytes(), &options, &NoFiles).map_err(|e| ApiError::parse(&e, field, text))
}

/// A parse error found after reading (the pipeline's URL or header
/// checks), placed in the field it came from: the pasted request, or the
/// part of the parts form that holds the text.
fn located(e: &ParseError, r: &ApiRequest) -> ApiError {
    match &r.parts {
        Some(p) => {
            let fields = [
                ("parts.url", p.url.as_str()),
                ("parts.authorization", p.authorization.as_str()),
                ("parts.body", p.body.as_str()),
            ];
            let (field, text) = fields
                .into_iter()
                .find(|(_, t)| !e.input.is_empty() && t.contains(e.input.as_str()))
                .unwrap_or(("parts", ""));
            ApiError::parse(e, field, text)
        }
        None => ApiError::parse(e, "request", r.request.as_deref().unwrap_or("")),
    }
}

/// A [`Request`] from its parts (the `parts` form).
fn from_parts(p: &Parts) -> Result<Request, ApiError> {
    let method = p.method.trim();
    if method.is_empty() {
        return Err(ApiError::field("the method is empty", "parts.method"));
    }
    let url = p.url.trim();
    if url.is_empty() {
        return Err(ApiError::field("the URL is empty", "parts.url"));
    }
    let mut request = Request::new(method, url);
    let authorization = p.authorization.trim();
    if !authorization.is_empty() {
        // "Authorization: OAuth …" pasted whole: keep the value only.
        let value = authorization
            .strip_prefix("Authorization:")
            .or_else(|| authorization.strip_prefix("authorization:"))
            .map_or(authorization, str::trim);
        request = request.with_header("Authorization", value);
    }
    if !p.content_type.trim().is_empty() {
        request = request.with_header("Content-Type", p.content_type.trim());
    }
    if !p.body.is_empty() {
        request = request.with_body(p.body.as_bytes().to_vec());
    }
    Ok(request)
}

/// `POST /api/explain`: `explain --json`'s object (an OAuth 1.0
/// walkthrough, or the report of another scheme).
pub fn explain(r: &ApiRequest, o: ApiOptions) -> Result<serde_json::Value, ApiError> {
    let read = one_request(r)?;
    let detected = schemes::detect(&read.request).scheme;
    if !matches!(detected, Scheme::Oauth1 | Scheme::None) {
        let report = schemes::analyze(
            &read.request,
            &SchemeSecrets::default(),
            SchemeOptions {
                now: r.now.map(|n| n as i64),
                show_secrets: o.show_secrets,
            },
        );
        return Ok(serde_json::to_value(&report).unwrap_or_default());
    }
    let secrets = secrets(r)?;
    let options = RunOptions {
        show_secrets: o.show_secrets,
        now: r.now,
    };
    let w = pipeline::run(&read.request, &secrets, options).map_err(|e| match e {
        pipeline::PipelineError::Parse(p) => located(&p, r),
    })?;
    Ok(crate::report::explain_json(&w, &read))
}

/// `POST /api/hunt`: `hunt --json`'s object.
pub fn hunt(r: &ApiRequest, o: ApiOptions) -> Result<serde_json::Value, ApiError> {
    let read = one_request(r)?;
    let secrets = secrets(r)?;
    let target = match r.target.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.contains('%') => Some(
            crate::encode::decode_strict(t)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    ApiError::field(format!("{t:?} holds a malformed percent-escape"), "target")
                })?,
        ),
        other => other.map(str::to_string),
    };
    let options = HuntOptions {
        depth: r.depth.unwrap_or(2) as usize,
        target,
        expected_base_string: r
            .expected_base_string
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_string),
        budget: Budget::new(o.hunt_time, HUNT_MEMORY),
    };
    let report = hunt::run(&read.request, &secrets, &options).map_err(|e| match e {
        hunt::HuntError::Parse(p) => located(&p, r),
        e => ApiError::new(format!("cannot hunt: {e}")),
    })?;
    Ok(serde_json::to_value(&report).unwrap_or_default())
}

/// One side of a diff: a bare base string, or the request a multi-request
/// input stands for ([`select::choose`]).
fn diff_side(
    text: &str,
    r: &ApiRequest,
    role: Role,
    secrets: &Secrets,
) -> Result<(Side, bool), ApiError> {
    let field = match role {
        Role::KnownGood => "good",
        Role::Candidate => "candidate",
    };
    if r.format.is_none() && is_base_string(text) {
        return Ok((Side::BaseString(text.trim().to_string()), false));
    }
    let reads = read_all(text, r, field)?;
    if reads.is_empty() {
        return Err(ApiError::field("no request found", field));
    }
    let choice = select::choose(&reads, secrets, role, None)
        .map_err(|e| ApiError::field(e.to_string(), field))?;
    let read = reads
        .into_iter()
        .nth(choice.position)
        .ok_or_else(|| ApiError::field("no request found", field))?;
    let from_postman = postman::from_postman(&read, text.as_bytes());
    Ok((Side::Request(read), from_postman))
}

/// The text of a field, unless absent or blank.
fn present(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|t| !t.trim().is_empty())
}

/// `POST /api/diff`: `diff --json`'s object (or, for two requests of
/// another scheme, its credential comparison).
pub fn diff(r: &ApiRequest, o: ApiOptions) -> Result<serde_json::Value, ApiError> {
    let secrets = SideSecrets::shared(secrets(r)?);
    let candidate_text = present(&r.candidate).ok_or_else(|| {
        ApiError::field(
            "paste the candidate: the request (or base string) that is rejected",
            "candidate",
        )
    })?;
    let response = present(&r.server_response);
    let good_text = present(&r.good);
    if good_text.is_none() && response.is_none() {
        return Err(ApiError::field(
            "paste the known-good request (e.g. Postman's cURL), or the server's 401 response",
            "good",
        ));
    }
    let (candidate, _) = diff_side(candidate_text, r, Role::Candidate, &secrets.candidate)?;
    let (good, good_from_postman) = match good_text {
        Some(t) => {
            let (side, p) = diff_side(t, r, Role::KnownGood, &secrets.good)?;
            (Some(side), p)
        }
        None => (None, false),
    };
    let options = DiffOptions {
        good_from_postman,
        hunt_budget: Budget::new(o.hunt_time, HUNT_MEMORY),
        structural: r.structural.unwrap_or(false),
        show_secrets: o.show_secrets,
    };
    let d =
        diff::answer(good.as_ref(), &candidate, response, &secrets, &options).map_err(
            |e| match e {
                diff::DiagnoseError::NothingInResponse => {
                    ApiError::field(e.to_string(), "server_response")
                }
                e => ApiError::new(e.to_string()),
            },
        )?;
    Ok(serde_json::to_value(&d).unwrap_or_default())
}

/// What `POST /api/sign` prints: `sign --output json`'s object, or the
/// text of `--output header`, `http` or `curl`.
#[derive(Debug)]
pub enum Signed {
    /// `sign --output json`.
    Json(serde_json::Value),
    /// `sign --output header`, `http` or `curl`.
    Text(String),
}

/// `POST /api/sign`: the request signed again with its own protocol
/// parameters (RFC 5849 §3.4), as `sign` prints it: the corrected
/// `Authorization` header or cURL command the page offers to copy. `fresh`
/// supplies a timestamp and nonce (RFC 5849 §3.3) only when the request
/// has none. A PLAINTEXT signature is the key itself (RFC 5849 §3.4.4), so
/// it is signed only when secrets may be shown.
pub fn sign(r: &ApiRequest, o: ApiOptions, fresh: &Fresh) -> Result<Signed, ApiError> {
    let read = one_request(r)?;
    let secrets = secrets(r)?;
    let options = SignOptions {
        show_secrets: o.show_secrets,
        ..SignOptions::default()
    };
    let signed = sign_with_defaults(&read.request, &options, fresh, &secrets).map_err(|e| match e {
        SignRequestError::NoConsumerKey => ApiError::field(
            "no oauth_consumer_key: the request needs an OAuth Authorization header (or query or body parameters)",
            "request",
        ),
        e => ApiError::new(format!("cannot sign: {e}")),
    })?;
    if !o.show_secrets
        && signed.walkthrough.signature_method == Some(crate::signature::SignatureMethod::Plaintext)
    {
        return Err(ApiError::new(
            "a PLAINTEXT signature is the key itself (RFC 5849 §3.4.4): it is not sent back unless serve runs with --show-secrets",
        ));
    }
    Ok(match r.output.as_deref().unwrap_or("json") {
        "json" => Signed::Json(crate::report::sign_json(&signed)),
        "header" => Signed::Text(format!("Authorization: {}\n", signed.authorization)),
        "http" => Signed::Text(
            String::from_utf8_lossy(&crate::input::http::render(&signed.request)).into_owned(),
        ),
        "curl" => Signed::Text(
            crate::input::curl::render(&signed.request, crate::input::curl::Dialect::Bash)
                .map_err(|e| ApiError::new(format!("cannot write it as cURL: {e}")))?
                + "\n",
        ),
        other => {
            return Err(ApiError::field(
                format!("output {other:?} is not one of json, header, http, curl"),
                "output",
            ))
        }
    })
}

/// `GET /api/catalogue`: every known signer mistake (the hunt's catalogue,
/// [`crate::hunt::catalogue()`]), so the page can show each id's
/// description, fix and RFC section.
#[derive(Debug, Serialize)]
pub struct Catalogue {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// The mistakes, in catalogue order.
    pub mistakes: &'static [crate::hunt::Mistake],
}

/// `GET /api/catalogue`.
pub fn catalogue() -> Catalogue {
    Catalogue {
        schema: crate::SCHEMA,
        mistakes: crate::hunt::catalogue(),
    }
}

/// `POST /api/align`'s answer: the two base strings cut into runs that are
/// the same on both sides or differ (what the CLI draws under `diff`).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Aligned {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// The runs, in order, covering both strings.
    pub spans: Vec<AlignedRun>,
}

/// One run of [`Aligned`].
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AlignedRun {
    /// `same`, `changed`, or `volatile` (differs only inside `oauth_nonce` or `oauth_timestamp`).
    pub kind: &'static str,
    /// The good side's text of the run (empty when only the candidate has text here).
    pub good: String,
    /// The candidate's text of the run (empty when only the good side has text here).
    pub candidate: String,
}

/// `POST /api/align`.
pub fn aligned(r: &AlignRequest) -> Aligned {
    let a = align(&r.good, &r.candidate);
    let spans = a
        .spans
        .iter()
        .map(|s| AlignedRun {
            kind: match s.kind {
                SpanKind::Same => "same",
                SpanKind::Changed => "changed",
                SpanKind::Volatile => "volatile",
            },
            good: a.good[s.good.clone()].to_string(),
            candidate: a.candidate[s.candidate.clone()].to_string(),
        })
        .collect();
    Aligned {
        schema: crate::SCHEMA,
        spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_error_carries_its_line_and_column() {
        let r = ApiRequest {
            request: Some("curl -H 'Authorization: OAuth a=\"b\"' 'https://x.example/\n".into()),
            ..ApiRequest::default()
        };
        let e = explain(&r, ApiOptions::default()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("request"));
        assert!(e.line.is_some() && e.column.is_some(), "{e:?}");
    }

    #[test]
    fn a_bad_url_is_placed_in_the_pasted_request_and_in_the_parts() {
        let r = ApiRequest {
            request: Some("curl -X POST \\\n  -H 'A: b' \\\n  'http://x.example:99999/a'".into()),
            ..ApiRequest::default()
        };
        let e = explain(&r, ApiOptions::default()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(21)), "{e:?}");
        assert!(!e.message.contains('\n'), "{}", e.message);
        let r = ApiRequest {
            parts: Some(Parts {
                method: "GET".into(),
                url: "http://x.example:99999/a".into(),
                ..Parts::default()
            }),
            ..ApiRequest::default()
        };
        let e = explain(&r, ApiOptions::default()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("parts.url"));
        assert_eq!((e.line, e.column), (Some(1), Some(18)), "{e:?}");
    }

    #[test]
    fn a_bad_private_key_is_named_without_its_content() {
        let r = ApiRequest {
            request: Some("GET https://x.example/ HTTP/1.1\nHost: x.example\n\n".into()),
            private_key: Some("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n".into()),
            ..ApiRequest::default()
        };
        let e = explain(&r, ApiOptions::default()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("private_key"));
        assert!(!e.message.contains("c2VjcmV0"), "{}", e.message);
    }

    #[test]
    fn parts_and_a_request_are_not_both_taken() {
        let r = ApiRequest {
            request: Some("curl https://x.example/".into()),
            parts: Some(Parts {
                method: "GET".into(),
                url: "https://x.example/".into(),
                ..Parts::default()
            }),
            ..ApiRequest::default()
        };
        assert!(explain(&r, ApiOptions::default()).is_err());
    }

    #[test]
    fn align_marks_the_differing_run() {
        let a = aligned(&AlignRequest {
            good: "GET&x%3D1".into(),
            candidate: "GET&x%3D2".into(),
        });
        let changed: Vec<_> = a.spans.iter().filter(|s| s.kind == "changed").collect();
        assert_eq!(changed.len(), 1);
        assert_eq!(
            (changed[0].good.as_str(), changed[0].candidate.as_str()),
            ("1", "2")
        );
    }
}
