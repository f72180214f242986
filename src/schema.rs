//! JSON Schema of every command's `--json` output (feature `schema`):
//! [`schemas`] generates what `docs/schema/*.json` hold, and
//! `tests/schema.rs` checks both that the committed files are current and
//! that every command's output on the bundled fixtures validates.
//!
//! Reports the library returns as data ([`crate::diff::Diagnosis`],
//! [`crate::hunt::HuntReport`], [`crate::fixtures::CheckReport`],
//! [`crate::conform::ConformReport`]) derive their schema. The objects of
//! `explain`/`verify` (streamed row by row), `batch verify`'s lines and
//! `sign --output json` are written field by field; their schema comes from
//! the mirror types below, which forbid unknown fields, so the validation
//! test fails when the output and the mirror drift apart.

// The mirrors are never built: they only describe a shape.
#![allow(dead_code)]

use crate::conform::ConformReport;
use crate::diff::Diagnosis;
use crate::fixtures::{CheckReport, ExportedVector};
use crate::hunt::{HuntEntries, HuntReport};
use crate::request::Format;
use crate::schemes::compare::SchemeDiff;
use crate::schemes::SchemeReport;
use crate::signature::{HashAlg, SignatureMethod};
use crate::verify::Verdict;
use schemars::{schema_for, JsonSchema};

/// Where a parameter travelled (RFC 5849 §3.4.1.3.1).
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Source {
    Query,
    Body,
    Header,
}

/// One row of the parameter table.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ParamRow {
    /// The decoded name.
    name: String,
    /// The decoded value.
    value: String,
    /// Where it travelled.
    source: Source,
    /// The name as sent.
    raw_name: String,
    /// The value as sent (`null` for a name without `=`).
    raw_value: Option<String>,
    /// RFC 5849 §3.6 encoding of the name.
    encoded_name: String,
    /// RFC 5849 §3.6 encoding of the value.
    encoded_value: String,
}

/// Something suspicious but accepted.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Violation {
    /// A stable kebab-case code.
    code: String,
    /// The RFC 5849 section (or other reference) the input departs from.
    section: String,
    /// One sentence for a person.
    message: String,
    /// The catalogue mistake this input is the trace of (`null` when none).
    mistake: Option<String>,
}

/// The `oauth_body_hash` check.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BodyHashCheck {
    /// The value carried.
    carried: String,
    /// The body's SHA-1 hash (base64).
    sha1: String,
    /// The hash the signature method's digest gives, when not SHA-1.
    method_hash: Option<String>,
    /// Which digest matched, if any.
    matched: Option<HashAlg>,
}

/// The walkthrough of one request: every step of RFC 5849 §3.4.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Walkthrough {
    /// The method, upper-cased (RFC 5849 §3.4.1.1).
    method: String,
    /// The method as sent.
    method_as_sent: String,
    /// The URL as sent (credentials masked).
    url: String,
    /// The base string URI (RFC 5849 §3.4.1.2).
    base_uri: String,
    /// The parameters, in the order they were collected.
    parameters: Vec<ParamRow>,
    /// RFC 5849 §3.4.1.3.2 normalized parameters.
    normalized_parameters: String,
    /// The RFC 5849 §3.4.1 base string.
    base_string: String,
    /// The signature method, when known.
    signature_method: Option<SignatureMethod>,
    /// `oauth_signature_method` as sent.
    signature_method_as_sent: Option<String>,
    /// The signing key, secrets masked.
    key: Option<String>,
    /// The signature computed (masked for PLAINTEXT).
    signature: Option<String>,
    /// The signature the request carries (decoded).
    request_signature: Option<String>,
    /// The signature as sent.
    request_signature_raw: Option<String>,
    /// Where it travelled.
    request_signature_source: Option<Source>,
    /// Whether they match (`null` when not computed).
    valid: Option<bool>,
    /// The header realm.
    realm: Option<String>,
    /// Whether the body's parameters are signed.
    body_signed: bool,
    /// The `oauth_body_hash` check, when one is carried.
    body_hash: Option<BodyHashCheck>,
    /// Why the signature was not computed.
    not_computed: Option<String>,
    /// Suspicious input.
    violations: Vec<Violation>,
}

/// `explain --json`: the walkthrough with what the reader said.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Explain {
    /// The contract version, `oauth1-doctor/2`.
    schema: String,
    /// The authentication scheme: always `oauth1` here; the other schemes
    /// print `explain-scheme.json`'s object.
    scheme: String,
    #[serde(flatten)]
    walk: Walkthrough,
    /// The input format.
    format: Format,
    /// The entry's label (HAR, JSON Lines), if any.
    label: Option<String>,
    /// What the reader assumed.
    assumptions: Vec<String>,
}

/// `verify --json` (one request): `explain`'s object with the verdict.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Verify {
    #[serde(flatten)]
    explain: Explain,
    /// The verdict under the one rule (`verify::check`).
    verdict: Verdict,
    /// Why it is not valid, or `null`.
    reason: Option<String>,
}

/// One `batch verify --json` result line.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BatchLine {
    /// The contract version, `oauth1-doctor/2`.
    schema: String,
    /// The JSON Lines line number, or `null`.
    line: Option<usize>,
    /// The HAR entry's label, or `null`.
    label: Option<String>,
    /// The verdict.
    verdict: Verdict,
    /// The signature method, when known.
    signature_method: Option<SignatureMethod>,
    /// `oauth_consumer_key`.
    consumer_key: Option<String>,
    /// The HTTP method.
    method: Option<String>,
    /// The base string URI.
    base_uri: Option<String>,
    /// Why it is not valid, or `null`.
    reason: Option<String>,
    /// Suspicious input.
    notes: Vec<Violation>,
    /// Whether `oauth_body_hash` matches (only when carried).
    body_hash_valid: Option<bool>,
    /// The signature expected (only when it does not match).
    expected_signature: Option<String>,
    /// The signature carried (only when it does not match).
    actual_signature: Option<String>,
    /// With `--hunt`, for a request whose signature does not match: the `hunt --json` object (absent when no hunt could run, e.g. no secrets for it).
    hunt: Option<Box<HuntReport>>,
}

/// The last `batch verify --json` line.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BatchSummary {
    /// The contract version, `oauth1-doctor/2`.
    schema: String,
    /// The counts.
    summary: crate::batch::Summary,
    /// With `--hunt`: the mistakes found, ranked per consumer key.
    mistakes: Option<crate::batch::MistakeRanking>,
}

/// A `batch verify --json` line: a result or the closing summary.
#[derive(JsonSchema)]
#[serde(untagged)]
enum Batch {
    Line(BatchLine),
    Summary(BatchSummary),
}

/// A request as sent.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Request {
    /// The method.
    method: String,
    /// The URL.
    url: String,
    /// Header name and value pairs, in order.
    headers: Vec<(String, String)>,
    /// The body (lossy UTF-8).
    body: String,
}

/// `sign --output json`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Sign {
    /// The contract version, `oauth1-doctor/2`.
    schema: String,
    /// The Authorization header value.
    authorization: String,
    /// The signed request.
    request: Request,
    /// The signature (decoded).
    signature: String,
    /// Every step of the signing.
    walkthrough: Walkthrough,
}

/// `listen --json`: one request, diagnosed (also `--record`'s `NNNN.json`).
#[cfg(feature = "listen")]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Listen {
    /// The contract version, `oauth1-doctor/2`.
    schema: String,
    /// The request's number in this run, from 1.
    seq: u64,
    /// When it was received (RFC 3339, UTC).
    received_at: String,
    /// The HTTP method as received.
    method: String,
    /// The URL verified (as received, or as `--as` rewrote it).
    url: String,
    /// `verify`'s line for the request (`null` without OAuth parameters).
    verification: Option<BatchLine>,
    /// `hunt --json`'s report (`null` unless the signature is invalid).
    hunt: Option<HuntReport>,
    /// `diff --json`'s diagnosis against `--good` (`null` unless given and invalid).
    diff: Option<Diagnosis>,
    /// `listen --oauth2-client`: the request's credentials and what is
    /// wrong with them (`explain --json`'s scheme report; `null` in the
    /// OAuth 1.0 mode).
    scheme_report: Option<crate::schemes::SchemeReport>,
    /// `listen --grade`: the grade of the conformance vector the request
    /// answers (`vectors grade --json`'s object; `null` otherwise).
    grade: Option<crate::conform::Grade>,
    /// `listen --proxy`: what the upstream answered (`null` otherwise).
    upstream: Option<crate::listen::UpstreamReport>,
    /// The status code answered.
    response_status: u16,
}

/// The JSON body `listen` answers a client that accepts `application/json`.
#[cfg(feature = "listen")]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ListenResponse {
    /// The contract version, `oauth1-doctor/2`.
    schema: String,
    /// The OAuth Problem Reporting problem (`null` when valid).
    oauth_problem: Option<crate::listen::Problem>,
    /// The verdict and cause in one line.
    oauth_problem_advice: String,
    /// The diagnosis, as `listen --json` prints it.
    record: Listen,
}

/// `serve`'s `GET /api/live` events: one request the Live tab's listen
/// server caught.
#[cfg(feature = "serve")]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ServeLive {
    /// The contract version, `oauth1-doctor/2`.
    schema: String,
    /// The verdict and cause in one line.
    headline: String,
    /// The named cause (a catalogue id), when refused.
    cause: Option<String>,
    /// The request target as received.
    target: String,
    /// The request as received, its target in absolute form.
    raw: String,
    /// `listen --json`'s record of the request.
    record: Listen,
}

/// `serve`'s `GET /api/catalogue`: the hunt's catalogue of signer mistakes.
#[cfg(feature = "serve")]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ServeCatalogue {
    /// The contract version, `oauth1-doctor/2`.
    schema: String,
    /// Every known mistake, in catalogue order.
    mistakes: Vec<CatalogueMistake>,
}

/// One catalogue entry (`hunt::Mistake`).
#[cfg(feature = "serve")]
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct CatalogueMistake {
    /// Stable kebab-case id.
    id: String,
    /// The pipeline stage (`encoding`, `uri`, `params`, …).
    stage: String,
    /// Exclusivity group: two mistakes of one group are never combined.
    group: String,
    /// One line: what the signer did.
    description: String,
    /// Real-world signers known to make it.
    signers: Vec<String>,
    /// How to fix it.
    fix: String,
    /// The rule it breaks, `RFC 5849 §…`.
    section: String,
    /// The Postman OAuth 1.0 setting that causes or fixes it, where one applies.
    postman: Option<String>,
    /// Whether the hunt varies it.
    searched: bool,
}

/// Fields that are left out rather than `null` when they say nothing
/// (`verify::Checked`'s `skip_serializing_if`), by the type that holds them.
const OMITTED_WHEN_EMPTY: &[(&str, &[&str])] = &[
    (
        "BatchLine",
        &[
            "body_hash_valid",
            "expected_signature",
            "actual_signature",
            "hunt",
        ],
    ),
    ("BatchSummary", &["mistakes"]),
];

/// Makes the contract strict: every field is always present (`null` when
/// there is nothing to say; the few exceptions are in
/// [`OMITTED_WHEN_EMPTY`]), and no other field may appear.
fn strict(mut v: serde_json::Value) -> serde_json::Value {
    fn walk(v: &mut serde_json::Value, name: Option<&str>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(serde_json::Value::Object(props)) = o.get("properties") {
                    let skip = OMITTED_WHEN_EMPTY
                        .iter()
                        .find(|(n, _)| Some(*n) == name)
                        .map_or(&[][..], |(_, f)| *f);
                    let required: Vec<serde_json::Value> = props
                        .keys()
                        .filter(|k| !skip.contains(&k.as_str()))
                        .map(|k| k.as_str().into())
                        .collect();
                    o.insert("required".into(), required.into());
                    o.insert("additionalProperties".into(), false.into());
                }
                for (k, child) in o.iter_mut() {
                    if k == "$defs" {
                        if let serde_json::Value::Object(defs) = child {
                            for (def, schema) in defs.iter_mut() {
                                walk(schema, Some(def));
                            }
                        }
                    } else if k != "properties" {
                        walk(child, None);
                    } else if let serde_json::Value::Object(props) = child {
                        for p in props.values_mut() {
                            walk(p, None);
                        }
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, None)),
            _ => {}
        }
    }
    let title = v.get("title").and_then(|t| t.as_str()).map(str::to_owned);
    walk(&mut v, title.as_deref());
    v
}

/// Every command's schema, by the file name stem under `docs/schema/`.
///
/// `batch-verify` describes one line (a result or the summary); `listen`
/// one `listen --json` line, `listen-response` the JSON body it answers;
/// `postman` is `sign --output json` and `explain --json` for a request
/// of a Postman collection (or `sign --like postman`);
/// `vectors-export` the whole array `vectors export --format json` prints;
/// `conform` also `vectors grade --json`.
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    let v = |s: schemars::Schema| strict(s.to_value());
    vec![
        ("batch-verify", v(schema_for!(Batch))),
        ("check", v(schema_for!(CheckReport))),
        ("conform", v(schema_for!(ConformReport))),
        ("diff", v(schema_for!(Diagnosis))),
        ("diff-scheme", v(schema_for!(SchemeDiff))),
        ("explain", v(schema_for!(Explain))),
        ("explain-scheme", v(schema_for!(SchemeReport))),
        ("hunt", v(schema_for!(HuntReport))),
        ("hunt-entries", v(schema_for!(HuntEntries))),
        #[cfg(feature = "listen")]
        ("listen", v(schema_for!(Listen))),
        #[cfg(feature = "listen")]
        ("listen-response", v(schema_for!(ListenResponse))),
        #[cfg(feature = "serve")]
        ("serve-align", v(schema_for!(crate::serve::api::Aligned))),
        #[cfg(feature = "serve")]
        ("serve-catalogue", v(schema_for!(ServeCatalogue))),
        #[cfg(feature = "serve")]
        ("serve-error", v(schema_for!(crate::serve::api::ErrorBody))),
        #[cfg(feature = "serve")]
        ("serve-live", v(schema_for!(ServeLive))),
        (
            "postman",
            v(schema_for!(crate::sign::postman::PostmanReport)),
        ),
        ("sign", v(schema_for!(Sign))),
        ("vectors-export", v(schema_for!(Vec<ExportedVector>))),
        ("verify", v(schema_for!(Verify))),
    ]
}
