//! Verifying a signed request (RFC 5849 §3.2) on the lean path.
//!
//! [`crate::pipeline::run`] keeps every intermediate value so that it can
//! explain; this path only answers "valid or not" and keeps nothing it does
//! not need, for checking many requests: collect the parameters
//! (§3.4.1.3.1), build the base string (§3.4.1.1), check the signature
//! (§3.4.2–§3.4.4) and, when the request carries one, `oauth_body_hash`.

use crate::auth_header::read_canonical_marked;
use crate::base_string::{base_string_from_params, base_string_uri, normalize_method};
use crate::error::{ParseError, Violation};
use crate::params::{collect, Param};
use crate::pipeline::{self, RunOptions, Walkthrough};
use crate::request::{is_form_content_type, Request};
use crate::signature::{body_hash_match, verify, HashAlg, Secrets, SignError, SignatureMethod};
use crate::signer::Signer;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// Who signed a request: what a verifier looks its secrets up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    /// `oauth_consumer_key` (RFC 5849 §3.1), if sent.
    pub consumer_key: Option<&'a str>,
    /// `oauth_token` (RFC 5849 §3.1), if sent (may be empty).
    pub token: Option<&'a str>,
    /// The declared `oauth_signature_method`, when known: an RSA method
    /// (RFC 5849 §3.4.3) uses no token secret, so a lookup need not find
    /// one for `token`.
    pub signature_method: Option<SignatureMethod>,
}

/// What verifying a request found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The declared `oauth_signature_method`.
    pub signature_method: SignatureMethod,
    /// `oauth_consumer_key`, if sent.
    pub consumer_key: Option<String>,
    /// RFC 5849 §3.4.1.1: the HTTP method, upper-cased.
    pub method: String,
    /// RFC 5849 §3.4.1.2: the base string URI.
    pub base_uri: String,
    /// Whether `oauth_signature` matches the base string and secrets.
    pub signature_valid: bool,
    /// Whether a carried `oauth_body_hash` matches the body (`None` when
    /// there is none).
    pub body_hash_valid: Option<bool>,
}

impl Verification {
    /// True when the signature is valid and a carried body hash matches
    /// ([`judge`], the one verdict rule).
    pub fn is_valid(&self) -> bool {
        judge(self.signature_valid, self.body_hash_valid).0 == Verdict::Valid
    }
}

/// What was concluded about one request, by single-request and batch
/// `verify` alike.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The signature (and body hash, if any) checks out.
    Valid,
    /// The signature or the body hash does not match.
    Invalid,
    /// Nothing could be concluded: no signature, unknown method, no secrets.
    Unverifiable,
    /// The input is not a request: bad JSON, URL or Authorization header.
    Malformed,
}

impl Verdict {
    /// The lower-case name used in output and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Unverifiable => "unverifiable",
            Verdict::Malformed => "malformed",
        }
    }
}

/// Why a request whose signature verifies is invalid all the same.
pub const BODY_HASH_MISMATCH: &str = "oauth_body_hash does not match the body";
/// Why a request is invalid when its signature does not verify.
pub const SIGNATURE_MISMATCH: &str = "oauth_signature does not match";

/// The one verdict rule, for a request whose signature could be checked:
/// RFC 5849 §3.2 has the server recompute the signature, and OAuth Request
/// Body Hash §4.2 has a server that receives `oauth_body_hash` check it
/// too, so a request is valid only when its signature verifies and the
/// body hash it carries (if any) matches its body. Returns the verdict and,
/// when invalid, why.
pub fn judge(
    signature_valid: bool,
    body_hash_valid: Option<bool>,
) -> (Verdict, Option<&'static str>) {
    match (signature_valid, body_hash_valid) {
        (false, _) => (Verdict::Invalid, Some(SIGNATURE_MISMATCH)),
        (true, Some(false)) => (Verdict::Invalid, Some(BODY_HASH_MISMATCH)),
        (true, _) => (Verdict::Valid, None),
    }
}

/// The whole answer of `verify` for one request: the verdict, why, and
/// what was compared. It is the `--json` object of batch `verify` (one per
/// line), and what single-request `verify` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// The verdict ([`judge`]).
    pub verdict: Verdict,
    /// The declared `oauth_signature_method`, when it could be read.
    pub signature_method: Option<SignatureMethod>,
    /// `oauth_consumer_key`, when it could be read.
    pub consumer_key: Option<String>,
    /// The HTTP method, upper-cased (RFC 5849 §3.4.1.1).
    pub method: Option<String>,
    /// The base string URI (RFC 5849 §3.4.1.2).
    pub base_uri: Option<String>,
    /// Why the request is not valid, in one line (`None` when valid).
    pub reason: Option<String>,
    /// What the full pipeline noticed about the signature and body hash
    /// (e.g. a `+` that became a space) and what a strict server checks
    /// besides ([`crate::strict`]). Batch verification runs the full
    /// pipeline for invalid requests only, so only they carry notes there.
    pub notes: Vec<Violation>,
    /// Whether the carried `oauth_body_hash` matches the body (absent when
    /// the request carries none, or it was not checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_hash_valid: Option<bool>,
    /// For an invalid request in single-request `verify`: the signature
    /// computed here, masked for PLAINTEXT (RFC 5849 §3.4.4: it is the key)
    /// unless secrets are shown. Batch `verify` prints no signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_signature: Option<String>,
    /// For an invalid request: the carried `oauth_signature` (decoded),
    /// masked like `expected_signature`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_signature: Option<String>,
    /// For an unverifiable request whose method is known: the method whose
    /// secrets were missing or unusable (a front end says how to give them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_secrets_for: Option<SignatureMethod>,
}

impl Checked {
    /// A valid request counted rather than described: the verdict and the
    /// declared signature method, nothing copied from the request (no
    /// consumer key, method or base string URI). Batch verification gives
    /// these when only invalid requests are shown
    /// ([`crate::batch::Checker::brief`]).
    pub fn valid_brief(signature_method: SignatureMethod) -> Checked {
        Checked {
            verdict: Verdict::Valid,
            signature_method: Some(signature_method),
            consumer_key: None,
            method: None,
            base_uri: None,
            reason: None,
            notes: Vec::new(),
            body_hash_valid: None,
            expected_signature: None,
            actual_signature: None,
            needs_secrets_for: None,
        }
    }

    /// A malformed request, with why.
    pub fn malformed(reason: impl Into<String>) -> Checked {
        Checked {
            verdict: Verdict::Malformed,
            signature_method: None,
            consumer_key: None,
            method: None,
            base_uri: None,
            reason: Some(reason.into()),
            notes: Vec::new(),
            body_hash_valid: None,
            expected_signature: None,
            actual_signature: None,
            needs_secrets_for: None,
        }
    }

    /// An unverifiable request, with why.
    pub fn unverifiable(reason: impl Into<String>) -> Checked {
        Checked {
            verdict: Verdict::Unverifiable,
            ..Checked::malformed(reason)
        }
    }

    /// The lean path's answer under [`judge`]: valid or invalid, with no
    /// notes yet.
    pub fn from_verification(v: Verification) -> Checked {
        let (verdict, reason) = judge(v.signature_valid, v.body_hash_valid);
        Checked {
            verdict,
            signature_method: Some(v.signature_method),
            consumer_key: v.consumer_key,
            method: Some(v.method),
            base_uri: Some(v.base_uri),
            reason: reason.map(str::to_string),
            notes: Vec::new(),
            body_hash_valid: v.body_hash_valid,
            expected_signature: None,
            actual_signature: None,
            needs_secrets_for: None,
        }
    }

    /// A walkthrough's answer under [`judge`] (what single-request `verify`
    /// prints): unverifiable without a carried signature, a known method or
    /// the secrets to check it; otherwise valid or invalid, an invalid one
    /// with the signatures compared (masked) and the pipeline's notes on
    /// the signature and body hash.
    pub fn from_walkthrough(w: &Walkthrough) -> Checked {
        let consumer_key = w
            .parameters
            .iter()
            .find(|p| p.is_protocol() && p.name == b"oauth_consumer_key")
            .map(|p| p.value_str());
        let mut c = Checked {
            signature_method: w.signature_method,
            consumer_key,
            method: Some(w.method.clone()),
            base_uri: Some(w.base_uri.clone()),
            ..Checked::unverifiable("")
        };
        if w.request_signature.is_none() {
            c.reason = Some("the request carries no oauth_signature to verify (look in the Authorization header, query or form body)".into());
            return c;
        }
        let Some(signature_valid) = w.valid else {
            c.needs_secrets_for = w.signature_method;
            c.reason = Some(match (w.signature_method, &w.not_computed) {
                (None, Some(why)) => why.clone(),
                (Some(m), _) => format!("{m} cannot be checked without its secrets"),
                (None, None) => "no signature method to check".into(),
            });
            return c;
        };
        c.body_hash_valid = w.body_hash.as_ref().map(|h| h.matched.is_some());
        let (verdict, reason) = judge(signature_valid, c.body_hash_valid);
        c.verdict = verdict;
        c.reason = reason.map(str::to_string);
        if verdict == Verdict::Invalid {
            c.expected_signature = w.shown_signature().map(Cow::into_owned);
            c.actual_signature = w.shown_request_signature().map(Cow::into_owned);
        }
        c.notes = notes(&w.violations);
        c
    }
}

/// The pipeline's notes that bear on a verdict: about the signature and
/// the body hash, and what a strict server checks besides
/// ([`crate::strict`]: the timestamp, the nonce, where the protocol
/// parameters travel, a vendor's documented rules), which can get a
/// request refused even when its signature verifies.
fn notes(violations: &[Violation]) -> Vec<Violation> {
    violations
        .iter()
        .filter(|n| {
            n.code.starts_with("signature-")
                || n.code.starts_with("body-hash")
                || crate::strict::CODES.contains(&n.code)
                || matches!(
                    n.code,
                    "duplicate-protocol-param" | "protocol-param-in-several-places"
                )
        })
        .cloned()
        .collect()
}

/// RFC 5849 §3.2: verifies `request` with the secrets `secrets_for` gives
/// for its consumer key and token, under the one verdict rule ([`judge`]).
/// A valid request takes the lean path; an invalid one is run through the
/// whole pipeline again to say why (its notes). Batch `verify` prints no
/// signature, so this leaves `expected_signature` and `actual_signature`
/// empty; [`Checked::from_walkthrough`] fills them (masked for PLAINTEXT).
///
/// ```
/// use oauth1_doctor::{verify::{check, Verdict}, Request, signature::Secrets};
/// use std::borrow::Cow;
/// let request = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
///     .with_header("Authorization", r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#);
/// let right = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
/// let c = check(&request, |_| Ok(Cow::Borrowed(&right)), Default::default());
/// assert_eq!(c.verdict, Verdict::Valid);
/// let wrong = Secrets::shared("kd94hf93k423kf44", "other");
/// let c = check(&request, |_| Ok(Cow::Borrowed(&wrong)), Default::default());
/// assert_eq!(c.verdict, Verdict::Invalid);
/// assert_eq!(c.reason.as_deref(), Some("oauth_signature does not match"));
/// ```
pub fn check<'k, F>(request: &Request, secrets_for: F, options: RunOptions) -> Checked
where
    F: FnOnce(Identity<'_>) -> Result<Cow<'k, Secrets>, String>,
{
    let mut used: Option<Cow<'k, Secrets>> = None;
    let v = verify_request(request, |id| {
        let s = secrets_for(id)?;
        used = Some(s.clone());
        Ok(s)
    });
    let v = match v {
        Ok(v) => v,
        Err(VerifyError::Parse(e)) => return Checked::malformed(one_line(&e)),
        Err(e) => return Checked::unverifiable(e.to_string()),
    };
    let mut checked = Checked::from_verification(v);
    if checked.verdict == Verdict::Valid {
        return checked;
    }
    // The rare path: run the whole pipeline to say why.
    let explained = used.and_then(|s| pipeline::run(request, &s, options).ok());
    if let Some(w) = explained {
        let full = Checked::from_walkthrough(&w);
        if full.verdict == checked.verdict {
            checked.notes = full.notes;
        }
    }
    checked
}

/// A parse error in one line: what, where (column) and no echo of the input.
pub fn one_line(e: &ParseError) -> String {
    format!("{}: {} (column {})", e.context, e.kind, e.line_col().1)
}

/// Why a request could not be verified at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The URL or the Authorization header could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Nothing to verify.
    #[error("the request carries no oauth_signature")]
    NoSignature,
    /// RFC 5849 §3.1: `oauth_signature_method` is required.
    #[error("the request has no oauth_signature_method")]
    NoSignatureMethod,
    /// A method this tool does not know.
    #[error("unknown oauth_signature_method {0:?}")]
    UnknownSignatureMethod(String),
    /// The secrets lookup found nothing for this identity.
    #[error("{0}")]
    NoSecrets(String),
    /// The secrets found cannot check this method (e.g. no public key for RSA).
    #[error(transparent)]
    Sign(#[from] SignError),
}

/// RFC 5849 §3.2: verifies `request`'s signature with the secrets that
/// `secrets_for` returns for its consumer key and token.
///
/// ```
/// use oauth1_doctor::{verify::verify_request, Request, signature::Secrets};
/// use std::borrow::Cow;
/// let request = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
///     .with_header("Authorization", r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#);
/// let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
/// let v = verify_request(&request, |id| {
///     assert_eq!(id.consumer_key, Some("dpf43f3p2l4k3l03"));
///     Ok(Cow::Borrowed(&secrets))
/// }).unwrap();
/// assert!(v.is_valid());
/// assert_eq!(v.base_uri, "http://photos.example.net/photos");
/// ```
pub fn verify_request<'k, F>(request: &Request, secrets_for: F) -> Result<Verification, VerifyError>
where
    F: FnOnce(Identity<'_>) -> Result<Cow<'k, Secrets>, String>,
{
    let collected = collect(request)?;
    let carried = collected
        .signature
        .as_ref()
        .ok_or(VerifyError::NoSignature)?;
    let declared = collected
        .get("oauth_signature_method")
        .ok_or(VerifyError::NoSignatureMethod)?;
    let declared = String::from_utf8_lossy(&declared.value);
    let signature_method: SignatureMethod = declared
        .parse()
        .map_err(|_| VerifyError::UnknownSignatureMethod(declared.into_owned()))?;
    let uri = base_string_uri(&request.url)?;
    let method = normalize_method(&request.method);
    let base = base_string_from_params(&method, &uri.uri, &collected.params);

    let text = |name: &str| {
        collected
            .get(name)
            .map(|p: &Param| String::from_utf8_lossy(&p.value))
    };
    let consumer_key = text("oauth_consumer_key");
    let token = text("oauth_token");
    let secrets = secrets_for(Identity {
        consumer_key: consumer_key.as_deref(),
        token: token.as_deref(),
        signature_method: Some(signature_method),
    })
    .map_err(VerifyError::NoSecrets)?;
    let consumer_key = consumer_key.map(|k| k.into_owned());
    let signature_valid = verify(signature_method, &base, &secrets, &carried.value)?;
    let body_hash_valid = collected
        .get("oauth_body_hash")
        .map(|c| body_hash_match(&c.value_str(), &request.body, Some(signature_method)).is_some());
    Ok(Verification {
        signature_method,
        consumer_key,
        method,
        base_uri: uri.uri,
        signature_valid,
        body_hash_valid,
    })
}

/// A request as [`verify_canonical`] reads it: borrowed parts.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The HTTP method as sent.
    pub method: &'a str,
    /// The absolute URL as sent.
    pub url: &'a str,
    /// The value of the request's only `Authorization` header.
    pub authorization: &'a str,
    /// The first `Content-Type`, if any.
    pub content_type: Option<&'a str>,
    /// The entity-body.
    pub body: &'a [u8],
}

/// RFC 5849 §3.2 on the fast path, for checking many requests: on one
/// [`Signer`]'s buffers, with nothing copied from the request. Answers only
/// the common case: an HMAC-signed request whose Authorization header is
/// canonical ([`crate::auth_header::read_canonical`]), with no protocol
/// parameter in the query or body and no `oauth_body_hash`, whose
/// signature is valid. Everything else, invalid signatures included, gives
/// `None`, and [`verify_request`] is the answer (and can say why); both
/// paths give the same [`Verification`] where this one answers.
///
/// `secrets_for` returns the consumer and token secrets, or `None` when it
/// has none for the request.
pub fn verify_canonical<'s>(
    signer: &mut Signer,
    request: &RequestParts<'_>,
    secrets_for: impl FnOnce(Identity<'_>) -> Option<(&'s str, &'s str)>,
) -> Option<Verification> {
    match canonical_check(signer, request, secrets_for)? {
        Fast::Valid(method, key) => Some(Fast::verification(signer, request, method, key)),
        Fast::Mismatch(_) => None,
    }
}

/// What the fast path found about a request it could read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fast<'r> {
    /// The signature is valid: the declared signature method and the
    /// `oauth_consumer_key` as sent (canonical identities need no
    /// decoding); the base string URI is left in the signer.
    Valid(SignatureMethod, Option<&'r str>),
    /// The HMAC signature was computed and does not match the carried one;
    /// the identity it was computed for. The full path then says why
    /// ([`check_mismatch`]).
    Mismatch(Identity<'r>),
}

impl Fast<'_> {
    /// The [`Verification`] of a request [`canonical_check`] found valid
    /// on `signer` (which holds its base string URI).
    pub fn verification(
        signer: &Signer,
        request: &RequestParts<'_>,
        signature_method: SignatureMethod,
        consumer_key: Option<&str>,
    ) -> Verification {
        Verification {
            signature_method,
            consumer_key: consumer_key.map(str::to_string),
            method: normalize_method(request.method),
            base_uri: signer.base_uri().to_string(),
            signature_valid: true,
            body_hash_valid: None,
        }
    }
}

/// [`verify_canonical`] that also tells a mismatch from a request the
/// fast path does not read (`None`), for the batch path: a mismatched
/// request goes straight to the full pipeline ([`check_mismatch`]).
pub fn canonical_check<'r, 's>(
    signer: &mut Signer,
    request: &RequestParts<'r>,
    secrets_for: impl FnOnce(Identity<'_>) -> Option<(&'s str, &'s str)>,
) -> Option<Fast<'r>> {
    canonical_ready(signer, request, secrets_for)?.finish(signer)
}

/// A request [`canonical_ready`] has read up to its HMAC: its base string
/// is in the signer, its secrets are found, and only the signature is
/// left to compute and compare (RFC 5849 §3.4.2). [`Ready::finish`]
/// does that for one request, [`Ready::finish_pair`] for two at once.
#[derive(Clone, Copy)]
pub struct Ready<'r, 's> {
    hash: HashAlg,
    consumer_secret: &'s str,
    token_secret: &'s str,
    /// `oauth_signature` as sent, percent-encoded (§3.5.1).
    carried: &'r str,
    id: Identity<'r>,
    signature_method: SignatureMethod,
}

impl fmt::Debug for Ready<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secrets are never shown.
        f.debug_struct("Ready")
            .field("hash", &self.hash)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl<'r> Ready<'r, '_> {
    /// The signature computed and compared: [`canonical_check`]'s answer;
    /// `None` when the carried signature cannot be an HMAC's (too long,
    /// a malformed escape, not UTF-8: the full path says why).
    pub fn finish(self, signer: &mut Signer) -> Option<Fast<'r>> {
        let mut buf = [0u8; SIGNATURE_ROOM];
        let signature = decode_signature(self.carried, &mut buf)?;
        let valid = signer.verify_hmac(
            self.hash,
            self.consumer_secret,
            self.token_secret,
            signature,
        );
        Some(self.verdict(valid))
    }

    /// [`Ready::finish`] for two requests, each on its own signer, with the
    /// same two answers. When both are HMAC-SHA1, the two signatures are
    /// computed together ([`Signer::verify_sha1_pair`]): each hash runs in
    /// the other's waits.
    pub fn finish_pair<'q>(
        (a, signer_a): (Self, &mut Signer),
        (b, signer_b): (Ready<'q, '_>, &mut Signer),
    ) -> (Option<Fast<'r>>, Option<Fast<'q>>) {
        let (mut buf_a, mut buf_b) = ([0u8; SIGNATURE_ROOM], [0u8; SIGNATURE_ROOM]);
        let both_sha1 = a.hash == HashAlg::Sha1 && b.hash == HashAlg::Sha1;
        let decoded = (
            decode_signature(a.carried, &mut buf_a),
            decode_signature(b.carried, &mut buf_b),
        );
        match decoded {
            (Some(sig_a), Some(sig_b)) if both_sha1 => {
                let (valid_a, valid_b) = Signer::verify_sha1_pair(
                    (signer_a, a.consumer_secret, a.token_secret, sig_a),
                    (signer_b, b.consumer_secret, b.token_secret, sig_b),
                );
                (Some(a.verdict(valid_a)), Some(b.verdict(valid_b)))
            }
            _ => (a.finish(signer_a), b.finish(signer_b)),
        }
    }

    fn verdict(&self, valid: bool) -> Fast<'r> {
        match valid {
            true => Fast::Valid(self.signature_method, self.id.consumer_key),
            false => Fast::Mismatch(self.id),
        }
    }
}

/// [`canonical_check`] up to the HMAC: the request read, its base string
/// written to `signer` and its secrets found; `None` where the fast path
/// does not answer (as [`canonical_check`]).
pub fn canonical_ready<'r, 's>(
    signer: &mut Signer,
    request: &RequestParts<'r>,
    secrets_for: impl FnOnce(Identity<'_>) -> Option<(&'s str, &'s str)>,
) -> Option<Ready<'r, 's>> {
    // §3.5: protocol parameters may travel in the query or body too; then
    // which copy counts is the full path's business.
    if has_protocol_name(request.url) {
        return None;
    }
    let body = if request.content_type.is_some_and(is_form_content_type) {
        let body = std::str::from_utf8(request.body).ok()?;
        if has_protocol_name(body) {
            return None;
        }
        Some(body)
    } else {
        None
    };
    signer.clear();
    let (mut carried, mut key, mut token, mut method) = (None, None, None, None);
    let mut repeated = false;
    let mut body_hash = false;
    let canonical = read_canonical_marked(request.authorization, |name, value, plain| {
        let slot = match name {
            "realm" => return,
            "oauth_signature" => {
                repeated |= carried.replace(value).is_some();
                return;
            }
            "oauth_consumer_key" => &mut key,
            "oauth_token" => &mut token,
            "oauth_signature_method" => &mut method,
            "oauth_body_hash" => {
                body_hash = true;
                return;
            }
            _ => {
                signer.add_canonical_marked(name, value, plain);
                return;
            }
        };
        repeated |= slot.replace(value).is_some();
        signer.add_canonical_marked(name, value, plain);
    });
    if !canonical || repeated || body_hash {
        return None;
    }
    let signature_method: SignatureMethod = method?.parse().ok()?;
    let hash = signature_method
        .hash()
        .filter(|_| !signature_method.is_rsa())?;
    // Identities are looked up as text; escaped ones take the full path.
    if key.is_some_and(|k| k.contains('%')) || token.is_some_and(|t| t.contains('%')) {
        return None;
    }
    signer.set_url(request.url).ok()?;
    if let Some(body) = body {
        signer.add_form(body);
    }
    signer.base_string(request.method);
    let id = Identity {
        consumer_key: key,
        token,
        signature_method: Some(signature_method),
    };
    let (consumer_secret, token_secret) = secrets_for(id)?;
    Some(Ready {
        hash,
        consumer_secret,
        token_secret,
        carried: carried?,
        id,
        signature_method,
    })
}

/// [`check`] for a request [`canonical_check`] found mismatched, with the
/// secrets of its identity: the full pipeline alone gives the verdict and
/// the notes, where [`check`] would verify first and run the pipeline
/// after (the same answer: a test and the `verify` fuzz check compare
/// them). `None` when the pipeline does not find the request invalid
/// (then [`check`] is the answer).
pub fn check_mismatch(
    request: &Request,
    secrets: &Secrets,
    options: RunOptions,
) -> Option<Checked> {
    let w = pipeline::run(request, secrets, options).ok()?;
    let mut checked = Checked::from_walkthrough(&w);
    if checked.verdict != Verdict::Invalid {
        return None;
    }
    // `check` reports no signatures (single-request `verify` shows them).
    checked.expected_signature = None;
    checked.actual_signature = None;
    Some(checked)
}

/// Room for a carried HMAC signature, decoded: the base64 of an
/// HMAC-SHA512 is 88 octets.
const SIGNATURE_ROOM: usize = 128;

/// RFC 5849 §3.5.1: the carried `oauth_signature` percent-decoded into
/// `buf`, without allocating; `None` when it does not fit (no HMAC
/// signature is that long: the full path says why it fails), has a
/// malformed escape or is not UTF-8.
fn decode_signature<'b>(carried: &str, buf: &'b mut [u8; SIGNATURE_ROOM]) -> Option<&'b str> {
    let b = carried.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        let (octet, step) = match b[i] {
            b'%' => (crate::encode::hex_pair(b, i)?, 3),
            c => (c, 1),
        };
        *buf.get_mut(n)? = octet;
        n += 1;
        i += step;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// True when `text` holds `oauth_` anywhere (a conservative test for a
/// protocol parameter), with the searcher built once.
fn has_protocol_name(text: &str) -> bool {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    FINDER
        .get_or_init(|| memchr::memmem::Finder::new(b"oauth_"))
        .find(text.as_bytes())
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path's decoding agrees with `decode_strict` wherever the
    /// result fits, and gives up (to the full path) where it does not.
    #[test]
    fn carried_signatures_decode_without_allocating() {
        use crate::encode::decode_strict;
        let mut buf = [0u8; SIGNATURE_ROOM];
        for carried in [
            "hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D",
            "abc",
            "",
            "%41%62",
            "%C3%A9",
        ] {
            let strict = decode_strict(carried).unwrap();
            assert_eq!(
                decode_signature(carried, &mut buf).map(str::as_bytes),
                Some(strict.as_slice())
            );
        }
        for bad in ["%2", "%zz", "%FF", "a%"] {
            assert_eq!(decode_signature(bad, &mut buf), None, "{bad}");
        }
        let fits = "A".repeat(SIGNATURE_ROOM);
        assert_eq!(decode_signature(&fits, &mut buf), Some(fits.as_str()));
        let long = "A".repeat(SIGNATURE_ROOM + 1);
        assert_eq!(decode_signature(&long, &mut buf), None);
        let escaped = "%41".repeat(SIGNATURE_ROOM + 1);
        assert_eq!(decode_signature(&escaped, &mut buf), None);
    }
    use crate::pipeline::{run, RunOptions};
    use crate::signature::HashAlg;

    fn twitter() -> Request {
        Request::new("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true")
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_header("Authorization", "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\"")
            .with_body("status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21")
    }

    fn secrets() -> Secrets {
        Secrets::shared(
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        )
    }

    /// The lean path agrees with the walkthrough, valid or not.
    #[test]
    fn agrees_with_the_pipeline() {
        let s = secrets();
        let good = twitter();
        let mut bad = twitter();
        bad.body = b"status=Hello".to_vec();
        for r in [good, bad] {
            let lean = verify_request(&r, |id| {
                assert_eq!(id.consumer_key, Some("xvz1evFS4wEEPTGEFPHBog"));
                assert_eq!(
                    id.token,
                    Some("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb")
                );
                Ok(Cow::Borrowed(&s))
            })
            .unwrap();
            let full = run(&r, &s, RunOptions::default()).unwrap();
            assert_eq!(Some(lean.signature_valid), full.valid);
            assert_eq!(lean.base_uri, full.base_uri);
        }
    }

    #[test]
    fn refusals_are_errors_not_verdicts() {
        let s = secrets();
        let lookup = |_: Identity<'_>| Ok(Cow::Borrowed(&s));
        let unsigned = Request::new("GET", "http://x/");
        assert_eq!(
            verify_request(&unsigned, lookup),
            Err(VerifyError::NoSignature)
        );
        let r = Request::new(
            "GET",
            "http://x/?oauth_signature=a&oauth_signature_method=HMAC-MD5",
        );
        assert_eq!(
            verify_request(&r, lookup),
            Err(VerifyError::UnknownSignatureMethod("HMAC-MD5".into()))
        );
        let r = Request::new(
            "GET",
            "http://x/?oauth_signature=a&oauth_signature_method=HMAC-SHA1",
        );
        assert_eq!(
            verify_request(&r, |_| Err("unknown consumer".into())),
            Err(VerifyError::NoSecrets("unknown consumer".into()))
        );
        let r = Request::new("GET", "x/?oauth_signature=a");
        assert!(matches!(
            verify_request(&r, lookup),
            Err(VerifyError::Parse(_))
        ));
    }

    /// OAuth Request Body Hash §4.2: a body that does not match its hash fails.
    #[test]
    fn body_hash_is_checked() {
        let s = Secrets::shared("cs", "");
        let body = b"{\"a\":1}".to_vec();
        let sign_with = |hash: &str| {
            let unsigned = Request::new("POST", "http://x/")
                .with_header("Content-Type", "application/json")
                .with_header(
                    "Authorization",
                    format!("OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HMAC-SHA1\", oauth_body_hash=\"{}\"", crate::encode::encode(hash)),
                )
                .with_body(body.clone());
            let sig = run(&unsigned, &s, RunOptions::default())
                .unwrap()
                .signature
                .unwrap();
            let h = unsigned.header("authorization").unwrap().to_string();
            let mut signed = unsigned;
            signed.set_header(
                "Authorization",
                format!("{h}, oauth_signature=\"{}\"", crate::encode::encode(&sig)),
            );
            signed
        };
        let lookup = |_: Identity<'_>| Ok(Cow::Borrowed(&s));
        let good = sign_with(&crate::signature::body_hash(HashAlg::Sha1, &body));
        let v = verify_request(&good, lookup).unwrap();
        assert_eq!((v.signature_valid, v.body_hash_valid), (true, Some(true)));
        let bad = sign_with("AAAA");
        let v = verify_request(&bad, lookup).unwrap();
        assert_eq!((v.signature_valid, v.body_hash_valid), (true, Some(false)));
        assert!(!v.is_valid());
        // One rule: the walkthrough (single verify) and `check` (batch) agree.
        for (r, verdict) in [(&good, Verdict::Valid), (&bad, Verdict::Invalid)] {
            let batch = check(r, lookup, RunOptions::default());
            let w = run(r, &s, RunOptions::default()).unwrap();
            let single = Checked::from_walkthrough(&w);
            assert_eq!(batch.verdict, verdict);
            assert_eq!(single.verdict, verdict);
            assert_eq!(batch.reason, single.reason);
            assert_eq!(batch.body_hash_valid, single.body_hash_valid);
        }
        assert_eq!(
            check(&bad, lookup, RunOptions::default()).reason.as_deref(),
            Some(BODY_HASH_MISMATCH)
        );
    }

    /// RFC 5849 §3.4.4: an invalid PLAINTEXT request shows both signatures
    /// masked (they are the key) in single verify, and none in batch.
    #[test]
    fn plaintext_signatures_are_masked_in_the_verdict() {
        let s = Secrets::shared("cs", "ts");
        let r = Request::new("GET", "http://x/").with_header(
            "Authorization",
            r#"OAuth oauth_consumer_key="k", oauth_signature_method="PLAINTEXT", oauth_signature="cs%26wrong""#,
        );
        let batch = check(&r, |_| Ok(Cow::Borrowed(&s)), RunOptions::default());
        assert_eq!(batch.verdict, Verdict::Invalid);
        assert_eq!(batch.reason.as_deref(), Some(SIGNATURE_MISMATCH));
        assert_eq!(
            (batch.expected_signature, batch.actual_signature),
            (None, None)
        );
        let w = run(&r, &s, RunOptions::default()).unwrap();
        let single = Checked::from_walkthrough(&w);
        assert_eq!(single.verdict, Verdict::Invalid);
        assert_eq!(
            single.expected_signature.as_deref(),
            Some("<PLAINTEXT signature: 5 chars>")
        );
        assert_eq!(
            single.actual_signature.as_deref(),
            Some("<PLAINTEXT signature: 8 chars>")
        );
        let w = run(
            &r,
            &s,
            RunOptions {
                show_secrets: true,
                ..RunOptions::default()
            },
        )
        .unwrap();
        let shown = Checked::from_walkthrough(&w);
        assert_eq!(shown.expected_signature.as_deref(), Some("cs&ts"));
    }

    #[test]
    fn walkthrough_without_signature_or_secrets_is_unverifiable() {
        let r = twitter();
        let w = run(&r, &Secrets::default(), RunOptions::default()).unwrap();
        let c = Checked::from_walkthrough(&w);
        assert_eq!(c.verdict, Verdict::Unverifiable);
        assert_eq!(c.needs_secrets_for, Some(SignatureMethod::HmacSha1));
        let unsigned = Request::new("GET", "http://x/");
        let w = run(&unsigned, &secrets(), RunOptions::default()).unwrap();
        let c = Checked::from_walkthrough(&w);
        assert_eq!(c.verdict, Verdict::Unverifiable);
        assert!(c.reason.unwrap().contains("no oauth_signature"));
    }

    fn fast(request: &Request, signer: &mut Signer, s: &Secrets) -> Option<Verification> {
        let auth = request.header("authorization")?;
        let parts = RequestParts {
            method: &request.method,
            url: &request.url,
            authorization: auth,
            content_type: request.header("content-type"),
            body: &request.body,
        };
        verify_canonical(signer, &parts, |id| {
            assert_eq!(id.consumer_key, Some("xvz1evFS4wEEPTGEFPHBog"));
            Some((
                s.consumer_secret.as_ref()?.expose(),
                s.token_secret.as_ref()?.expose(),
            ))
        })
    }

    /// Where the fast path answers, it answers as the full path does.
    #[test]
    fn the_fast_path_agrees_with_the_full_path() {
        let s = secrets();
        let mut signer = Signer::new();
        let request = twitter();
        let full = verify_request(&request, |_| Ok(Cow::Borrowed(&s))).unwrap();
        assert!(full.is_valid());
        assert_eq!(fast(&request, &mut signer, &s), Some(full.clone()));
        // Reused buffers, and a header written with the realm and without spaces.
        let auth = request.header("authorization").unwrap().replace(", ", ",");
        let mut variant = request.clone();
        variant.set_header("Authorization", format!("OAuth realm=\"X\",{}", &auth[6..]));
        assert_eq!(fast(&variant, &mut signer, &s), Some(full));
    }

    /// Everything but the common valid case is left to the full path,
    /// which still gets it right.
    #[test]
    fn the_fast_path_leaves_the_rest_to_the_full_path() {
        let s = secrets();
        let mut signer = Signer::new();
        let request = twitter();
        let auth = request.header("authorization").unwrap().to_string();
        let with_header = |h: String| {
            let mut r = request.clone();
            r.set_header("Authorization", h);
            r
        };
        let cases = [
            // Not canonical, but valid: a tab, an unquoted value.
            (
                with_header(auth.replace(", oauth_nonce", ",\toauth_nonce")),
                true,
            ),
            (
                with_header(auth.replace("oauth_version=\"1.0\"", "oauth_version=1.0")),
                true,
            ),
            // A protocol parameter in the query.
            (
                Request {
                    url: format!("{}&oauth_extra=1", request.url),
                    ..request.clone()
                },
                false,
            ),
            // A wrong signature.
            (with_header(auth.replace("hCtSmYh", "hCtSmYi")), false),
            // PLAINTEXT.
            (with_header(auth.replace("HMAC-SHA1", "PLAINTEXT")), false),
        ];
        for (r, valid) in cases {
            assert_eq!(fast(&r, &mut signer, &s), None, "{r:?}");
            let full = verify_request(&r, |_| Ok(Cow::Borrowed(&s))).unwrap();
            assert_eq!(full.is_valid(), valid, "{r:?}");
        }
    }
}
