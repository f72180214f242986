//! Diff: a known-good request and a candidate pulled apart stage by stage
//! (RFC 5849 §3.4.1 base string, §3.4.2–§3.4.4 key, §3.5 transport).
//!
//! Both sides are run through the same pipeline and compared layer by
//! layer: request line, parameters (as a multiset keyed by name across the
//! three sources), protocol parameters, Authorization header syntax, base
//! strings and keys. Each difference is a [`Finding`] with a stable `id`;
//! findings are ranked so that what changes the base string or the key
//! comes first, in pipeline order, and consequences (transport, notes)
//! after. With secrets, the [`Situation`] says whether the candidate's
//! signer is inconsistent with its own request or signs a different one.
//!
//! ```
//! use oauth1_doctor::diff::{diff, Side, DiffOptions, SideSecrets};
//! use oauth1_doctor::{Format, ReadRequest, Request};
//! let good = Request::new("GET", "https://api.example.com/v1/items?a=1")
//!     .with_header("Authorization", r#"OAuth oauth_consumer_key="k", oauth_nonce="n1", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1700000000", oauth_signature="x""#);
//! let mut cand = good.clone();
//! cand.url = "https://api.example.com:8443/v1/items?a=1".into();
//! let report = diff(
//!     &Side::Request(ReadRequest::new(good, Format::Http)),
//!     &Side::Request(ReadRequest::new(cand, Format::Http)),
//!     &SideSecrets::default(),
//!     &DiffOptions::default(),
//! ).unwrap();
//! assert_eq!(report.findings[0].id, "port-mismatch");
//! assert!(!report.equivalent);
//! ```

pub mod base_diff;
mod compare;
pub mod echo;
pub mod postman;
mod report;
pub mod select;

use crate::error::ParseError;
use crate::request::ReadRequest;
use crate::signature::Secrets;
use serde::Serialize;
use std::fmt;

pub use compare::diff;
pub use report::{
    answer, diagnose, DiagnoseError, Diagnosis, DiffAnswer, Reference, ServerResponse,
};

/// One side of a diff.
#[derive(Debug, Clone)]
pub enum Side {
    /// A request, as a reader produced it.
    Request(ReadRequest),
    /// A bare signature base string (a signer's log line or a server echo).
    BaseString(String),
}

impl Side {
    /// True for a bare base string.
    pub fn is_base_string(&self) -> bool {
        matches!(self, Side::BaseString(_))
    }
}

/// The secrets of each side (the same ones twice when shared).
#[derive(Debug, Clone, Default)]
pub struct SideSecrets {
    /// Secrets the known-good request was signed with.
    pub good: Secrets,
    /// Secrets the candidate was signed with.
    pub candidate: Secrets,
}

impl SideSecrets {
    /// The same secrets on both sides.
    pub fn shared(secrets: Secrets) -> SideSecrets {
        SideSecrets {
            good: secrets.clone(),
            candidate: secrets,
        }
    }
}

/// Options for [`diff`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions {
    /// The known-good request came from Postman (see [`postman::from_postman`]):
    /// findings a Postman OAuth 1.0 setting explains say which.
    pub good_from_postman: bool,
    /// What the hunt run on a signer-inconsistent candidate may spend.
    pub hunt_budget: crate::hunt::Budget,
    /// Ask only "do they sign the same content?": a candidate whose
    /// signature was not checked passes when it does (`diff --structural`).
    pub structural: bool,
    /// Show secrets unmasked in a credentials comparison
    /// ([`DiffAnswer::Credentials`], `--show-secrets`).
    pub show_secrets: bool,
}

/// What a finding is about (the layer it belongs to).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The HTTP method (RFC 5849 §3.4.1.1).
    Method,
    /// The URL scheme (RFC 5849 §3.4.1.2).
    Scheme,
    /// The host (RFC 5849 §3.4.1.2).
    Host,
    /// The port (RFC 5849 §3.4.1.2).
    Port,
    /// The path (RFC 5849 §3.4.1.2).
    Path,
    /// Query parameters (RFC 5849 §3.4.1.3.1).
    Query,
    /// The body and body parameters (RFC 5849 §3.4.1.3.1).
    Body,
    /// Protocol parameters `oauth_*` (RFC 5849 §3.1).
    Oauth,
    /// The Authorization header's syntax (RFC 5849 §3.5.1).
    Header,
    /// Percent-encoding and normalization (RFC 5849 §3.6, §3.4.1.3.2).
    Encoding,
    /// The signing key (RFC 5849 §3.4.2, §3.4.4).
    Key,
    /// The signature method (RFC 5849 §3.4).
    SignatureMethod,
    /// `oauth_body_hash` (OAuth Request Body Hash).
    BodyHash,
}

impl Category {
    /// The kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Method => "method",
            Category::Scheme => "scheme",
            Category::Host => "host",
            Category::Port => "port",
            Category::Path => "path",
            Category::Query => "query",
            Category::Body => "body",
            Category::Oauth => "oauth",
            Category::Header => "header",
            Category::Encoding => "encoding",
            Category::Key => "key",
            Category::SignatureMethod => "signature-method",
            Category::BodyHash => "body-hash",
        }
    }

    /// Pipeline stage, for ranking: earlier stages are causes.
    fn stage(self) -> u8 {
        match self {
            Category::Method => 0,
            Category::Scheme => 1,
            Category::Host => 2,
            Category::Port => 3,
            Category::Path => 4,
            Category::Query | Category::Body | Category::Encoding => 5,
            Category::Oauth => 6,
            Category::SignatureMethod => 7,
            Category::BodyHash => 8,
            Category::Key => 9,
            Category::Header => 10,
        }
    }
}

/// What a finding changes. Not part of the JSON contract (its ranking is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// The two base strings differ because of it.
    BaseString,
    /// The two signing keys differ because of it.
    Key,
    /// Same base string and key, but what travels differs in a way a server
    /// may read differently (header syntax, signature transport, placement).
    Transport,
    /// Worth knowing, never the cause by itself (volatile values, spellings
    /// that normalize to the same base string).
    Note,
}

/// One difference between the known-good side and the candidate.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case identifier (see [`FINDING_IDS`]).
    pub id: &'static str,
    /// The layer it belongs to.
    pub category: Category,
    /// Where: a URL part, a parameter name, a header, the key.
    pub location: String,
    /// The known-good (expected) value, when there is one to show.
    pub good: Option<String>,
    /// The candidate (actual) value, when there is one to show.
    pub candidate: Option<String>,
    /// One sentence: what differs, the RFC section it breaks, and the fix.
    pub message: String,
    /// The catalogue mistake ([`crate::hunt::catalogue()`]) that explains it,
    /// e.g. `default-port-kept` (`null` when none does). A finding whose
    /// `id` is itself a catalogue id carries that id here too.
    pub mistake: Option<&'static str>,
    /// What it changes.
    #[serde(skip)]
    pub effect: Effect,
}

impl Finding {
    /// True when the finding changes what is signed or how it is sent.
    pub fn is_significant(&self) -> bool {
        self.effect != Effect::Note
    }

    fn rank(&self) -> (Effect, u8) {
        (self.effect, self.category.stage())
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.id, self.location, self.message)?;
        if self.good.is_some() || self.candidate.is_some() {
            write!(
                f,
                " (expected {}, actual {})",
                self.good.as_deref().unwrap_or("(absent)"),
                self.candidate.as_deref().unwrap_or("(absent)")
            )?;
        }
        Ok(())
    }
}

/// Every finding id, its category and what it means (documented in the README).
pub const FINDING_IDS: &[(&str, Category, &str)] = &[
    ("method-mismatch", Category::Method, "the HTTP methods differ"),
    ("method-case", Category::Method, "a base string has the method in lower case"),
    ("scheme-mismatch", Category::Scheme, "http vs https (or the scheme's case in a base string)"),
    ("host-mismatch", Category::Host, "the hosts differ (www., subdomain, another host)"),
    ("host-case", Category::Host, "the hosts differ only in case"),
    ("port-mismatch", Category::Port, "the ports that enter the base string differ"),
    ("default-port-kept", Category::Port, "one side writes the default port (:80/:443) explicitly"),
    ("path-mismatch", Category::Path, "a path segment differs"),
    ("path-case", Category::Path, "the paths differ only in case"),
    ("path-trailing-slash", Category::Path, "a trailing slash is present on one side only"),
    ("url-normalized", Category::Path, "one side's base string URI is the other's URL as an HTTP client normalizes it"),
    ("path-encoding", Category::Path, "a path segment decodes the same but is escaped differently"),
    ("path-double-encoded", Category::Path, "a path segment is percent-encoded twice"),
    ("query-kept-in-uri", Category::Query, "the query string was left in the base string URI"),
    ("query-params-omitted", Category::Query, "every query parameter is missing from the signed parameters"),
    ("body-content-type", Category::Body, "body parameters are signed on one side only, because of Content-Type"),
    ("param-missing", Category::Query, "a parameter is signed by the known-good side only (category query, body or oauth)"),
    ("param-extra", Category::Query, "a parameter is signed by the candidate only (category query, body or oauth)"),
    ("param-value-mismatch", Category::Query, "a parameter has a different value (category query, body or oauth)"),
    ("param-encoding", Category::Encoding, "same value, different percent-encoding (+ for space, lower-case hex, unencoded reserved characters)"),
    ("param-double-encoded", Category::Encoding, "a value is percent-encoded once too often (or decoded once too often)"),
    ("param-moved", Category::Query, "the same parameter travels in a different place (query, body, header)"),
    ("param-duplicated", Category::Query, "a parameter is repeated more often on the candidate"),
    ("duplicates-collapsed", Category::Query, "repeated parameters were collapsed into fewer"),
    ("duplicates-first-wins", Category::Query, "repeated parameters were cut down to the first copy"),
    ("param-name-whitespace", Category::Query, "a parameter name carries stray whitespace"),
    ("param-order", Category::Encoding, "a base string's parameters are not sorted (RFC 5849 §3.4.1.3.2)"),
    ("empty-params-dropped", Category::Query, "an empty parameter signed by the known-good side is missing"),
    ("empty-param-added", Category::Query, "the candidate signs an empty parameter the known-good side does not"),
    ("realm-signed", Category::Oauth, "realm is included in the signed parameters"),
    ("consumer-key-mismatch", Category::Oauth, "oauth_consumer_key differs"),
    ("token-mismatch", Category::Oauth, "oauth_token differs"),
    ("version-presence", Category::Oauth, "oauth_version is sent on one side only"),
    ("version-mismatch", Category::Oauth, "oauth_version has a different value"),
    ("callback-mismatch", Category::Oauth, "oauth_callback differs"),
    ("verifier-mismatch", Category::Oauth, "oauth_verifier differs"),
    ("signature-method-mismatch", Category::SignatureMethod, "oauth_signature_method differs"),
    ("body-hash-presence", Category::BodyHash, "oauth_body_hash is sent on one side only"),
    ("body-hash-mismatch", Category::BodyHash, "oauth_body_hash differs"),
    ("base-string-differs", Category::Encoding, "the base strings differ in a way no other finding explains"),
    ("consumer-secret-mismatch", Category::Key, "the consumer secrets given for each side differ"),
    ("token-secret-mismatch", Category::Key, "the token secrets given for each side differ"),
    ("secret-whitespace", Category::Key, "a secret differs only by stray whitespace (a pasted newline)"),
    ("key-not-encoded", Category::Key, "the candidate's key joins the secrets without percent-encoding them"),
    ("key-amp-dropped", Category::Key, "the candidate's key lacks the '&' after the consumer secret"),
    ("key-token-secret-omitted", Category::Key, "the candidate's key leaves out the token secret"),
    ("header-scheme-wrong", Category::Header, "the Authorization header uses another scheme name than OAuth"),
    ("header-scheme-case", Category::Header, "the scheme is written in another case than \"OAuth\""),
    ("header-comma-after-scheme", Category::Header, "a comma follows the scheme name"),
    ("header-missing-comma", Category::Header, "two header parameters are not separated by a comma"),
    ("header-value-unquoted", Category::Header, "a header value is not in double quotes"),
    ("header-value-not-encoded", Category::Header, "a header value holds characters that must be percent-encoded"),
    ("header-bad-escape", Category::Header, "a header value holds a malformed %XX escape"),
    ("header-duplicate-param", Category::Header, "a header parameter appears twice"),
    ("realm-mismatch", Category::Header, "the header realm differs (not signed, but checked by e.g. NetSuite)"),
    ("signature-missing", Category::Oauth, "the candidate carries no oauth_signature"),
    ("signature-not-encoded", Category::Encoding, "the candidate's signature verifies once its spaces are read as '+'"),
    ("signature-double-encoded-in-header", Category::Encoding, "the candidate's signature verifies once decoded twice"),
    ("timestamp-milliseconds", Category::Oauth, "oauth_timestamp is in milliseconds (volatile: never the cause of a mismatch)"),
    ("timestamp-not-integer", Category::Oauth, "oauth_timestamp has a fraction (not a whole number of seconds)"),
    ("timestamp-malformed", Category::Oauth, "oauth_timestamp is not a number of seconds"),
    ("timestamp-skew", Category::Oauth, "the two timestamps are more than 300 s apart"),
    ("nonce-needs-encoding", Category::Oauth, "oauth_nonce holds characters that need percent-encoding"),
    ("body-differs", Category::Body, "the (unsigned) bodies differ"),
    ("good-signature-invalid", Category::Key, "the known-good request does not verify with its own secrets"),
];

/// The two situations a diff with secrets tells apart.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Situation {
    /// The candidate's `oauth_signature` does not match the request it sent.
    SignerInconsistent,
    /// The candidate is self-consistent but signs a different request.
    RequestDiffers,
    /// Only volatile parameters differ.
    Equivalent,
    /// The two requests sign the same content, but the candidate's own
    /// signature was not checked (no secrets or key given): the signer's
    /// key or computation (RFC 5849 §3.4.2–§3.4.4) may still be wrong.
    SignaturesUnchecked,
}

/// Where the cause named first comes from.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CauseSource {
    /// The hunt's best explanation of a signer-inconsistent candidate.
    Hunt,
    /// The top finding that changes what is signed or sent (never a note).
    Finding,
}

/// The cause `diff` names first: for a signer-inconsistent candidate the
/// hunt's best explanation, otherwise the top significant finding. A
/// note (an explicit default port, a volatile value) is never the cause.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    /// Where it comes from.
    pub source: CauseSource,
    /// The catalogue mistake ids of the hunt's first explanation (in
    /// pipeline order), or the finding's id alone.
    pub ids: Vec<&'static str>,
    /// For a finding: the catalogue mistake that explains it (`null` when none does).
    pub mistake: Option<&'static str>,
    /// For a finding: where it is (a URL part, a parameter name).
    pub location: Option<String>,
    /// In the user's words: what the signer did and the rule it breaks.
    pub message: String,
}

impl Cause {
    /// The cause behind a hunt's first explanation, `None` for "no
    /// mistake" or no match.
    fn from_hunt(h: &crate::hunt::HuntReport) -> Option<Cause> {
        if !h.matched || h.mistakes.is_empty() {
            return None;
        }
        let message = h
            .mistakes
            .iter()
            .filter_map(|id| crate::hunt::mistake(id))
            .map(|m| format!("{} ({})", m.description, m.section))
            .collect::<Vec<_>>()
            .join("; and ");
        Some(Cause {
            source: CauseSource::Hunt,
            ids: h.mistakes.clone(),
            mistake: None,
            location: None,
            message,
        })
    }

    fn from_finding(f: &Finding) -> Cause {
        Cause {
            source: CauseSource::Finding,
            ids: vec![f.id],
            mistake: f.mistake,
            location: Some(f.location.clone()),
            message: f.message.clone(),
        }
    }
}

/// Both base strings.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseStrings {
    /// The reference side's base string (known-good or server); `null` in
    /// `diff --json` when there is no reference (empty here).
    #[serde(serialize_with = "empty_as_null")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub good: String,
    /// The candidate's base string.
    pub candidate: String,
}

fn empty_as_null<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    if v.is_empty() {
        s.serialize_none()
    } else {
        s.serialize_str(v)
    }
}

/// The result of [`diff`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// True when the two sides sign the same content: only volatile
    /// parameters differ, and the candidate's own signature is not known to
    /// be wrong (it may be unchecked: see [`Situation::SignaturesUnchecked`]).
    pub equivalent: bool,
    /// The situation; `None` when it cannot be told (no secrets and the requests differ).
    pub situation: Option<Situation>,
    /// Ranked findings: causes (base string, key) first, in pipeline order.
    pub findings: Vec<Finding>,
    /// The two base strings.
    pub base_strings: BaseStrings,
    /// Whether the known-good request's signature verifies (`None` without secrets or signature).
    pub good_valid: Option<bool>,
    /// Whether the candidate's signature verifies (`None` without secrets or signature).
    pub candidate_valid: Option<bool>,
    /// The hunt's result for a signer-inconsistent candidate (see [`hunt_candidate`]).
    pub hunt: Option<crate::hunt::HuntReport>,
    /// The cause named first (`null` when the sides sign the same content,
    /// or when nothing significant differs): see [`DiffReport::first_cause`].
    pub cause: Option<Cause>,
    /// The base strings aligned character by character.
    #[serde(skip)]
    pub alignment: base_diff::Alignment,
    /// Postman OAuth 1.0 settings that explain a finding (known-good from Postman only).
    #[serde(skip)]
    pub postman_settings: Vec<&'static str>,
    /// The candidate was a bare base string.
    #[serde(skip)]
    pub candidate_is_base_string: bool,
    /// Each side's signing key with the secrets masked (HMAC/PLAINTEXT with a consumer secret).
    #[serde(skip)]
    pub key_shapes: (Option<String>, Option<String>),
}

impl DiffReport {
    /// The first finding that changes what is signed or sent, if any.
    pub fn cause(&self) -> Option<&Finding> {
        self.findings.iter().find(|f| f.is_significant())
    }

    /// The cause to name first: for a signer-inconsistent candidate the
    /// hunt's best explanation when it found one, otherwise the top
    /// finding that changes what is signed or sent. Notes never come first.
    pub fn first_cause(&self) -> Option<Cause> {
        if matches!(
            self.situation,
            Some(Situation::Equivalent | Situation::SignaturesUnchecked)
        ) {
            return None;
        }
        let from_hunt = match self.situation {
            Some(Situation::SignerInconsistent) => self.hunt.as_ref().and_then(Cause::from_hunt),
            _ => None,
        };
        from_hunt.or_else(|| self.cause().map(Cause::from_finding))
    }
}

/// Why a diff could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// A side could not be read (its URL or header).
    #[error("{side}: {error}")]
    Parse {
        /// "known-good" or "candidate".
        side: &'static str,
        /// What was wrong.
        error: ParseError,
    },
    /// A bare base string could not be split into its three parts.
    #[error(
        "{side}: not a signature base string (expected METHOD&encoded-URI&encoded-parameters)"
    )]
    BaseString {
        /// "known-good" or "candidate".
        side: &'static str,
    },
}

/// For a signer-inconsistent candidate, searches the catalogue of known
/// signer mistakes ([`crate::hunt`], default depth) for the smallest set
/// that reproduces its `oauth_signature`. `None` when the hunt cannot run
/// (no signature, unknown method, missing secret); a hunt that finds
/// nothing is `matched: false` and names no mistake.
pub fn hunt_candidate(
    candidate: &ReadRequest,
    secrets: &Secrets,
    budget: crate::hunt::Budget,
) -> Option<crate::hunt::HuntReport> {
    let options = crate::hunt::HuntOptions {
        budget,
        ..crate::hunt::HuntOptions::default()
    };
    crate::hunt::run(&candidate.request, secrets, &options).ok()
}
