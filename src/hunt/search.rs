//! Guess and check (RFC 5849 §3.4): which signer variant reproduces the observed signature.
//!
//! Every [`catalogue`](mod@super::catalogue) entry becomes one or more *atoms*
//! (a mistake in one concrete form: "double-encoded, everywhere", "unsorted,
//! header first"). A variant is a set of atoms, at most one per exclusivity
//! group, applied to a set of knobs that drive one parameterised signer.
//! The search tries the correct RFC 5849 signer first, then every single
//! atom, then combinations in increasing size, and stops at the smallest
//! size that reproduces the target. An atom counts by its weight (two
//! parameters left out weigh two) and joins combinations up to its reach
//! (see `Op::reach` in `hunt/knobs.rs`).
//!
//! Work is shared between variants stage by stage: the base string URI and
//! the normalized string are cached by the knobs they depend on (the
//! collected parameters are streamed from the request's list, never
//! copied), each encoded once for the base string and interned, so a base
//! string is the ids of its three parts and is never built whole to be
//! checked; keys are cached apart
//! from base strings, each key's HMAC state is prepared once and cloned,
//! then once more after it has absorbed a base string's `method&uri&`
//! (shared by most variants), and a (base string, key, digest) triple is
//! signed only once however many variants lead to it. The knobs are
//! hashed as a few packed words, and the tables' allocations are kept for
//! the thread's next hunt (emptied: nothing of one request stays). The observed signature is decoded up front
//! (standard base64, once more percent-decoded, hex, base64 of hex, the
//! URL-safe alphabet), so output mistakes cost nothing per variant.
//!
//! This file is the engine (preparing the request, enumerating variants,
//! matching targets); the mistaken encoders live in `hunt/encoders.rs`, the
//! knobs and the ops that set them in `hunt/knobs.rs`, and the budget in
//! `hunt/budget.rs` (re-exported here).

pub use super::budget::{Budget, BudgetReport, Limit};
use super::catalogue::{self, Stage};
use super::encoders::{enc, enc_into, growth, is_plain, latin1_as_utf8, Enc};
use super::knobs::{
    Atom, BodyHandling, ClientUrl, CollKnobs, Duplicates, KeyKnobs, KeyPadding, KeyShape, Knobs,
    NormKnobs, Op, PathHandling, PortHandling, SecretText, SlashHandling, Sort, StrKnobs,
    TimestampHandling, UriKnobs, VersionHandling,
};
use crate::base_string::base_string_uri;
use crate::encode::{decode_lenient, is_unreserved};
use crate::error::ParseError;
use crate::params::{collect, parse_form, Param, Source};
use crate::request::Request;
use crate::signature::{self, HashAlg, PublicKey, Secrets, SignatureMethod};
use crate::signer::Sha1Started;
use crate::uri::{default_port, looks_like_form, split_url};
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Sha256, Sha512};
use std::borrow::Cow;
/// The engine's maps: seeded, and much faster than SipHash on the long
/// strings and wide knobs the hunt hashes.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
use std::fmt;
use std::rc::Rc;
use std::time::Instant;
use zeroize::Zeroizing;

/// The deepest combination hunted.
pub const MAX_DEPTH: usize = 4;

/// The depth from which `param-not-signed` is also tried on pairs of
/// parameters (a pair counts as two mistakes in a combination's size).
pub const PAIR_DEPTH: usize = 3;

/// `param-not-signed` is tried on the first this many parameters it may
/// leave out, and `param-signed-not-sent` on the first this many distinct
/// query and body names: a request with thousands of parameters would
/// otherwise add thousands of forms to every combination.
pub const MAX_PARAM_FORMS: usize = 64;

/// Pairs for `param-not-signed` are formed among the first this many
/// query and body parameters only (at most 276 pairs), so that a request
/// with hundreds of parameters stays within the time a hunt is given.
pub const MAX_PAIRED_PARAMS: usize = 24;

/// What to hunt for and how hard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HuntOptions {
    /// How many base-string and key mistakes may combine (0: only the correct
    /// signer's base string and key; at most [`MAX_DEPTH`]). Output mistakes
    /// (how the signature itself was written or sent, e.g.
    /// `signature-double-encoded-in-header`) are read off the target at every
    /// depth and are not counted, so an answer may name depth + 1 mistakes.
    pub depth: usize,
    /// Hunt for this signature (e.g. one a server said it expected) instead of the request's own.
    pub target: Option<String>,
    /// Hunt for this base string (e.g. one a server reported) instead of a signature.
    pub expected_base_string: Option<String>,
    /// How much the search may spend before it stops and says so.
    pub budget: Budget,
}

impl Default for HuntOptions {
    fn default() -> Self {
        HuntOptions {
            depth: 2,
            target: None,
            expected_base_string: None,
            budget: Budget::default(),
        }
    }
}

/// What was hunted for.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hunted {
    /// The `oauth_signature` the request carries: the search names the signer's mistakes.
    RequestSignature,
    /// A signature given from elsewhere (`--target`), typically the one a server expected.
    TargetSignature,
    /// A base string a server reported (`--expected-base-string`).
    ExpectedBaseString,
}

/// One mistake of an explanation, in the concrete form that reproduced the target.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The catalogue id.
    pub id: &'static str,
    /// The pipeline stage.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub stage: Stage,
    /// The form, when the mistake has several (which parameter, which order, …).
    pub form: Option<String>,
}

/// The outcome of a hunt: plain data, rendered by the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HuntResult {
    /// Whether some variant reproduced the target (including "no mistake").
    pub matched: bool,
    /// The first explanation's ids, in pipeline order (empty for "no mistake" or no match).
    pub mistakes: Vec<&'static str>,
    /// Every explanation of the smallest size, each in pipeline order.
    pub explanations: Vec<Vec<&'static str>>,
    /// The base string the signer (or server) must have built; `null` without a match or for PLAINTEXT.
    pub base_string: Option<String>,
    /// The RFC 5849 base string of the request.
    pub correct_base_string: String,
    /// How many variants were tried.
    pub tried: u64,
    /// What was hunted for.
    pub hunted: Hunted,
    /// The signature method the request declares.
    pub signature_method: SignatureMethod,
    /// Each explanation with the concrete form of each mistake (parallel to `explanations`).
    pub details: Vec<Vec<Applied>>,
    /// With `target`/`expected_base_string`: whether the request's own signature follows RFC 5849.
    pub signer_follows_rfc: Option<bool>,
    /// The depth searched.
    pub depth: usize,
    /// What was ruled out when nothing matched.
    pub ruled_out: Vec<String>,
    /// Inputs that are likely wrong when nothing matched.
    pub suggestions: Vec<String>,
    /// What the search covered within its budget; `exhausted` says it was cut short.
    pub budget: BudgetReport,
}

impl fmt::Display for HuntResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.matched && self.budget.exhausted {
            return write!(
                f,
                "no variant reproduces the target within the budget (search cut short after depth {} of {}, {} tried)",
                self.budget.depth_completed, self.depth, self.tried
            );
        }
        if !self.matched {
            return write!(
                f,
                "no variant up to depth {} reproduces the target ({} tried)",
                self.depth, self.tried
            );
        }
        if self.mistakes.is_empty() {
            return write!(f, "no mistake: RFC 5849 reproduces the target");
        }
        let list: Vec<String> = self.explanations.iter().map(|e| e.join(" + ")).collect();
        write!(f, "reproduced by {}", list.join(", or "))
    }
}

/// Why a hunt could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HuntError {
    /// The request could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Nothing to hunt for.
    #[error("the request carries no oauth_signature to hunt for (give one with --target, or a base string with --expected-base-string)")]
    NoSignature,
    /// The signature method is missing or unknown.
    #[error("{0}")]
    Method(String),
    /// The secrets needed to sign are missing.
    #[error("{0}")]
    MissingSecret(String),
    /// The depth is out of range.
    #[error("depth {0} is out of range: give 0 to {MAX_DEPTH}")]
    Depth(usize),
}

/// Hunts for the request's own `oauth_signature` (or `options.target`, or
/// `options.expected_base_string`).
pub fn hunt(
    request: &Request,
    secrets: &Secrets,
    options: &HuntOptions,
) -> Result<HuntResult, HuntError> {
    run(request, None, None, secrets, options)
}

/// [`hunt`] for a request whose parameters the caller has collected
/// already (RFC 5849 §3.4.1.3.1, `params::collect` of this very request):
/// a batch that looked up the secrets by them does not collect twice.
pub(crate) fn hunt_collected(
    request: &Request,
    collected: crate::params::Collected,
    secrets: &Secrets,
    options: &HuntOptions,
) -> Result<HuntResult, HuntError> {
    run(request, Some(collected), None, secrets, options)
}

/// Hunts for `observed`, a signature produced for `request` by some signer.
pub fn hunt_signature(
    request: &Request,
    observed: &str,
    secrets: &Secrets,
    options: &HuntOptions,
) -> Result<HuntResult, HuntError> {
    run(request, None, Some(observed), secrets, options)
}

fn run(
    request: &Request,
    collected: Option<crate::params::Collected>,
    observed: Option<&str>,
    secrets: &Secrets,
    options: &HuntOptions,
) -> Result<HuntResult, HuntError> {
    if options.depth > MAX_DEPTH {
        return Err(HuntError::Depth(options.depth));
    }
    let mut prep = Prepared::new(request, collected, secrets)?;
    let carried = prep.carried.clone();
    let (hunted, wanted) = match (
        &options.expected_base_string,
        options.target.as_deref(),
        observed,
    ) {
        (Some(b), _, _) => (Hunted::ExpectedBaseString, b.trim().to_string()),
        // Only line breaks are trimmed: a leading or trailing space may be a
        // `+` that transport turned into a space.
        (None, Some(t), _) => (
            Hunted::TargetSignature,
            t.trim_matches(['\r', '\n']).to_string(),
        ),
        (None, None, Some(o)) => (
            Hunted::RequestSignature,
            o.trim_matches(['\r', '\n']).to_string(),
        ),
        (None, None, None) => (
            Hunted::RequestSignature,
            carried.clone().ok_or(HuntError::NoSignature)?,
        ),
    };
    prep.hunted = hunted;
    let method = prep.method;
    let mode = match hunted {
        Hunted::ExpectedBaseString => Mode::BaseString,
        _ if method == SignatureMethod::Plaintext => Mode::Plaintext,
        _ if method.is_rsa() => Mode::Rsa,
        _ => Mode::Hmac,
    };
    let public = match mode {
        Mode::Rsa => Some(
            match (&secrets.public_key, &secrets.private_key) {
                (Some(p), _) => p.clone(),
                (None, Some(k)) => k.public_key(),
                (None, None) => {
                    return Err(HuntError::MissingSecret(format!(
                        "{method} needs the RSA public key (or certificate) to hunt"
                    )))
                }
            },
        ),
        Mode::Hmac | Mode::Plaintext if secrets.consumer_secret.is_none() => {
            return Err(HuntError::MissingSecret(format!(
                "{method} needs the consumer secret (and the token secret, if there is a token) to hunt"
            )))
        }
        _ => None,
    };
    // Cheap checks first: decode the target before any secret is touched.
    let targets = decode_targets(&wanted, mode, public.as_ref());
    let mut engine = Engine::new(&prep, mode, targets, options.budget);
    // A request too big for the budget is not searched at all; its RFC
    // base string is still given, made the lean way (as `verify` does).
    let correct_base_string = if engine.may_try(&Knobs::default()) {
        engine.base_string(&Knobs::default()).to_string()
    } else {
        crate::base_string::base_string_from_params(
            &crate::base_string::normalize_method(&request.method),
            &base_string_uri(&request.url)?.uri,
            &prep.params,
        )
    };
    let signer_follows_rfc = match (hunted, &carried) {
        (Hunted::RequestSignature, _) | (_, None) => None,
        (_, Some(c)) if secrets.can_verify(method) => {
            signature::verify(method, &correct_base_string, secrets, c).ok()
        }
        _ => None,
    };
    let (found, depth_completed) = engine.search(options.depth);
    let mut details: Vec<Vec<Applied>> = found
        .iter()
        .map(|(atoms, target)| engine.describe(atoms, *target))
        .collect();
    if hunted == Hunted::RequestSignature {
        read_body_hash_off(request, &prep, &mut details);
    }
    let explanations: Vec<Vec<&'static str>> = details
        .iter()
        .map(|d| d.iter().map(|a| a.id).collect())
        .collect();
    let matched = !found.is_empty();
    let base_string = match (found.first(), mode) {
        (Some(_), Mode::Plaintext) | (None, _) => None,
        (Some((atoms, _)), _) => Some(engine.base_string(&engine.knobs_of(atoms)).to_string()),
    };
    let (ruled_out, suggestions) = if matched {
        (Vec::new(), Vec::new())
    } else {
        engine.no_match_notes(depth_completed, secrets)
    };
    let budget = BudgetReport {
        exhausted: engine.stopped.is_some(),
        limit: engine.stopped,
        depth_completed,
        candidates_tried: engine.tried,
        candidates_planned: engine.planned(options.depth),
        memory_bytes: engine.peak,
        memory_limit: options.budget.memory,
    };
    Ok(HuntResult {
        matched,
        mistakes: explanations.first().cloned().unwrap_or_default(),
        explanations,
        base_string,
        correct_base_string,
        tried: engine.tried,
        hunted,
        signature_method: method,
        details,
        signer_follows_rfc,
        depth: options.depth,
        ruled_out,
        suggestions,
        budget,
    })
}

/// OAuth Request Body Hash §3.2: a carried `oauth_body_hash` that is the
/// hash of other bytes than the body sent is named in every explanation
/// (`body-hash-wrong-bytes`), as output mistakes are: read off the request,
/// never counted in the depth.
fn read_body_hash_off(request: &Request, prep: &Prepared, details: &mut [Vec<Applied>]) {
    let Some(carried) = prep
        .params
        .iter()
        .find(|q| q.name == b"oauth_body_hash")
        .map(|q| q.value_str())
    else {
        return;
    };
    let Some(form) = super::body_hash::wrong_bytes(&carried, &request.body, Some(prep.method))
    else {
        return;
    };
    let Some(m) = catalogue::mistake("body-hash-wrong-bytes") else {
        return;
    };
    for d in details.iter_mut() {
        d.push(Applied {
            id: m.id,
            stage: m.stage,
            form: Some(form.to_string()),
        });
        d.sort_by_key(|a| catalogue::index_of(a.id));
    }
}

/// What a variant is compared on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// HMAC digest of base string under key.
    Hmac,
    /// RSA: the digest of the base string inside the opened signature.
    Rsa,
    /// PLAINTEXT: the key itself.
    Plaintext,
    /// The base string itself.
    BaseString,
}

/// The output mistake a reading of the target implies: catalogue index and form.
type OutputForm = Option<(usize, Option<String>)>;

/// A form the target can be read in, with the output mistake it implies.
#[derive(Debug, Clone)]
struct Target {
    bytes: Vec<u8>,
    output: OutputForm,
}

fn output_mistake(id: &str, form: Option<&str>) -> OutputForm {
    catalogue::index_of(id).map(|i| (i, form.map(str::to_string)))
}

/// The cheap checks: every way the observed signature can be read, each
/// with the output mistake that reading implies. RFC 5849 §3.4.2 step 2
/// (base64) is the mistake-free reading.
fn decode_targets(observed: &str, mode: Mode, public: Option<&PublicKey>) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    let mut add = |bytes: Vec<u8>, output: OutputForm| {
        if !out.iter().any(|t| t.bytes == bytes) {
            out.push(Target { bytes, output });
        }
    };
    match mode {
        Mode::BaseString => add(observed.as_bytes().to_vec(), None),
        Mode::Plaintext => {
            add(observed.as_bytes().to_vec(), None);
            if observed.contains('%') {
                add(
                    decode_lenient(observed, false).0,
                    output_mistake("signature-double-encoded-in-header", None),
                );
            }
        }
        Mode::Hmac | Mode::Rsa => {
            let mut raw: Vec<(Vec<u8>, OutputForm)> = Vec::new();
            if let Ok(b) = B64.decode(observed) {
                if let Some(h) = hex_text(&b) {
                    raw.push((h, output_mistake("base64-of-hex", None)));
                }
                raw.push((b, None));
            }
            if observed.contains('%') {
                let once = String::from_utf8_lossy(&decode_lenient(observed, false).0).into_owned();
                if let Ok(b) = B64.decode(once.trim()) {
                    raw.push((
                        b,
                        output_mistake("signature-double-encoded-in-header", None),
                    ));
                }
            }
            if observed.contains(' ') {
                if let Ok(b) = B64.decode(observed.replace(' ', "+")) {
                    raw.push((b, output_mistake("signature-not-encoded", None)));
                }
            }
            if let Some(h) = hex_text(observed.as_bytes()) {
                raw.push((h, output_mistake("signature-hex", None)));
            }
            let url_safe = observed.contains(['-', '_']) || observed.len() % 4 != 0;
            if url_safe {
                let unpadded = observed.trim_end_matches('=');
                if let Ok(b) = URL_SAFE_NO_PAD.decode(unpadded) {
                    let form = if unpadded.len() == observed.len() {
                        "without padding"
                    } else {
                        "with padding"
                    };
                    raw.push((b, output_mistake("signature-base64url", Some(form))));
                }
            }
            for (bytes, output) in raw {
                match (mode, public) {
                    (Mode::Rsa, Some(key)) => {
                        if let Some(em) = key.open(&bytes) {
                            add(em, output);
                        }
                    }
                    _ => add(bytes, output),
                }
            }
        }
    }
    out
}

/// The bytes a hex digest text (40, 64 or 128 hex digits) stands for.
fn hex_text(text: &[u8]) -> Option<Vec<u8>> {
    if !matches!(text.len(), 40 | 64 | 128) {
        return None;
    }
    crate::encode::decode_hex(text)
}

/// The request taken apart once, before any variant is built.
struct Prepared {
    method_as_sent: String,
    method: SignatureMethod,
    scheme: String,
    host: String,
    port: Option<u16>,
    path: String,
    query: Option<String>,
    /// Host, port and path of the URL a WHATWG-conformant client sends,
    /// when its base string URI differs from the request's.
    client: Option<(String, Option<u16>, String)>,
    /// The request's host as typed, when it holds IDNA A-labels.
    typed_host: Option<String>,
    /// What is hunted: which side a client's normalization would be on.
    hunted: Hunted,
    params: Vec<Param>,
    /// Pairs of a form-shaped body whose Content-Type is not form-urlencoded.
    shadow_body: Vec<Param>,
    realm: Option<String>,
    carried: Option<String>,
    /// Names that may have been signed once more with an empty value and
    /// not sent (`param-signed-not-sent`): the index of the first query or
    /// body parameter of each distinct name that is sent more than once or
    /// with an empty value (a repeated or blank field).
    unsent: Vec<u32>,
    /// What the parameters weigh, for the memory a variant may need.
    sizes: Sizes,
    /// The request URL's length.
    url_len: usize,
    consumer_secret: crate::Secret,
    token_secret: crate::Secret,
}

impl Prepared {
    fn new(
        request: &Request,
        collected: Option<crate::params::Collected>,
        secrets: &Secrets,
    ) -> Result<Prepared, HuntError> {
        let collected = match collected {
            Some(c) => c,
            None => collect(request)?,
        };
        let parts = split_url(&request.url)?;
        let uri = base_string_uri(&request.url)?.uri;
        let after = uri.find("://").map_or(0, |i| i + 3);
        let path = uri[after..]
            .find('/')
            .map_or("/".to_string(), |i| uri[after + i..].to_string());
        let method =
            match collected.value_of("oauth_signature_method") {
                Some(m) => m
                    .parse::<SignatureMethod>()
                    .map_err(|e| HuntError::Method(e.to_string()))?,
                None => return Err(HuntError::Method(
                    "the request has no oauth_signature_method, so there is no signer to reproduce"
                        .into(),
                )),
            };
        let shadow_body = if !collected.body_is_form && looks_like_form(&request.body) {
            parse_form(
                &String::from_utf8_lossy(&request.body),
                Source::Body,
                &mut Vec::new(),
            )
        } else {
            Vec::new()
        };
        let sizes = Sizes::of(collected.params.iter().chain(&shadow_body));
        let mut unsent: Vec<u32> = Vec::new();
        let mut first: HashMap<&[u8], (u32, bool)> = HashMap::default();
        for (i, q) in collected.params.iter().enumerate() {
            if q.source == Source::Header {
                continue;
            }
            match first.get_mut(&q.name[..]) {
                Some(e) => e.1 = true,
                None => {
                    first.insert(&q.name[..], (i as u32, q.value.is_empty()));
                }
            }
            if q.value.is_empty() {
                if let Some(e) = first.get_mut(&q.name[..]) {
                    e.1 = true;
                }
            }
        }
        unsent.extend(first.values().filter(|e| e.1).map(|e| e.0));
        unsent.sort_unstable();
        drop(first);
        Ok(Prepared {
            sizes,
            url_len: request.url.len(),
            method_as_sent: request.method.clone(),
            method,
            scheme: parts.scheme.to_ascii_lowercase(),
            host: parts.host.to_string(),
            port: parts.port.and_then(|p| p.parse().ok()),
            path,
            query: parts.query.map(str::to_string),
            client: crate::client_url::normalized_base_uri(&request.url).and_then(|u| {
                let c = split_url(&u).ok()?;
                Some((
                    c.host.to_string(),
                    c.port.and_then(|p| p.parse().ok()),
                    c.path.to_string(),
                ))
            }),
            typed_host: crate::client_url::unicode_host(parts.host),
            hunted: Hunted::RequestSignature,
            params: collected.params,
            shadow_body,
            realm: collected.realm,
            unsent,
            carried: collected.signature.map(|s| s.value),
            consumer_secret: secrets.consumer_secret.clone().unwrap_or_default(),
            token_secret: secrets.token_secret.clone().unwrap_or_default(),
        })
    }

    fn has(&self, name: &str) -> bool {
        self.params.iter().any(|p| p.name == name.as_bytes())
    }
}

/// What the collected parameters weigh: how many, and how many octets of
/// their names and values every encoder keeps as they are (letters,
/// digits, `-`, `.`, `_`) or may escape.
#[derive(Debug, Clone, Copy, Default)]
struct Sizes {
    count: usize,
    plain: usize,
    other: usize,
    longest_value: usize,
    longest_name: usize,
}

impl Sizes {
    fn of<'p>(params: impl Iterator<Item = &'p Param>) -> Sizes {
        let mut s = Sizes::default();
        for p in params {
            s.count += 1;
            let plain = p
                .name
                .iter()
                .chain(p.value.iter())
                .filter(|b| is_plain(**b))
                .count();
            s.plain += plain;
            s.other += p.name.len() + p.value.len() - plain;
            s.longest_value = s.longest_value.max(p.value.len());
            s.longest_name = s.longest_name.max(p.name.len());
        }
        s
    }
}

/// How many octets of `text` are not plain ([`is_plain`]): counted in
/// runs of 255 into one octet each, without a table, so that the loop is
/// vectorized with 16 or 32 octets a step.
fn not_plain(text: &[u8]) -> usize {
    text.chunks(255)
        .map(|run| {
            run.iter().fold(0u8, |n, &b| {
                let letter = (b | 0x20).wrapping_sub(b'a') < 26;
                let digit = b.wrapping_sub(b'0') < 10;
                let plain = letter || digit || b == b'-' || b == b'.' || b == b'_';
                n.wrapping_add(!plain as u8)
            }) as usize
        })
        .sum()
}

/// One collected parameter of a variant: the request's octets, or octets
/// the variant changed.
type Octs<'a> = Cow<'a, [u8]>;

/// A name and value in a shared buffer (offsets fit: the buffer is
/// bounded by the memory budget, checked before it is built).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    mid: u32,
    end: u32,
    /// The source's rank (header 0, query 1, body 2) in the low two bits;
    /// above them, for a request parameter signed as sent, its place in
    /// the RFC order of every such parameter under the variant's encoder
    /// ([`Slots::order`]), or [`NO_KEY`].
    tag: u32,
}

/// A [`Span`] with no place in [`Slots::order`].
const NO_KEY: u32 = u32::MAX >> 2;

/// A parameter streamed by [`Prepared::collect_with`] that is none of the
/// request's parameters as sent (changed, renamed or added by a mistake).
const NO_SLOT: u32 = u32::MAX;

impl Span {
    fn rank(&self) -> u32 {
        self.tag & 3
    }

    fn key(&self) -> u32 {
        self.tag >> 2
    }

    fn pair<'b>(&self, buf: &'b [u8]) -> (&'b [u8], &'b [u8]) {
        (
            &buf[self.start as usize..self.mid as usize],
            &buf[self.mid as usize..self.end as usize],
        )
    }
}

/// The request's parameters as sent (`params`, then `shadow_body`), each
/// encoded once by one encoder, so that a normalized string copies them
/// instead of encoding them again for every variant (RFC 5849 §3.4.1.3.2).
struct Slots {
    buf: Vec<u8>,
    /// Where each slot's encoded name and value lie in `buf`.
    spans: Vec<[u32; 3]>,
    /// Each slot's place when every slot is sorted by its encoded name,
    /// then value (RFC 5849 §3.4.1.3.2 step 2); equal pairs share a place.
    order: Vec<u32>,
    /// A slot at each place.
    by_place: Vec<u32>,
    /// Per outer encoder used so far: the pair `name=value` of each place
    /// encoded by it, one after the other, and where each place ends
    /// (after a leading 0).
    outer: Vec<(Enc, Vec<u8>, Vec<u32>)>,
}

impl Slots {
    fn of(p: &Prepared, e: Enc) -> Slots {
        let all = p.params.iter().chain(&p.shadow_body);
        let mut buf: Vec<u8> = Vec::with_capacity(p.sizes.plain + growth(e) * p.sizes.other);
        let mut spans: Vec<[u32; 3]> = Vec::with_capacity(p.sizes.count);
        for q in all {
            let start = buf.len() as u32;
            enc_into(e, &q.name, &mut buf);
            let mid = buf.len() as u32;
            enc_into(e, &q.value, &mut buf);
            spans.push([start, mid, buf.len() as u32]);
        }
        let pair = |s: &[u32; 3]| {
            let [a, m, z] = s.map(|x| x as usize);
            (&buf[a..m], &buf[m..z])
        };
        let mut sorted: Vec<u32> = (0..spans.len() as u32).collect();
        sorted.sort_unstable_by(|x, y| pair(&spans[*x as usize]).cmp(&pair(&spans[*y as usize])));
        let mut order = vec![0u32; spans.len()];
        let mut by_place: Vec<u32> = Vec::with_capacity(spans.len());
        for (k, &i) in sorted.iter().enumerate() {
            if k == 0 || pair(&spans[sorted[k - 1] as usize]) != pair(&spans[i as usize]) {
                by_place.push(i);
            }
            let place = by_place.len() as u32 - 1;
            order[i as usize] = if place < NO_KEY { place } else { NO_KEY };
        }
        Slots {
            buf,
            spans,
            order,
            by_place,
            outer: Vec::new(),
        }
    }

    /// The bytes the engine counts for these slots.
    fn bytes(&self) -> usize {
        self.buf.capacity() + 20 * self.spans.capacity() + ENTRY
    }

    /// Every place's pair encoded by `e` (built on first use), with the
    /// bytes that building it added.
    fn outer(&mut self, e: Enc) -> (usize, (&[u8], &[u32])) {
        let mut added = 0;
        let i = match self.outer.iter().position(|o| o.0 == e) {
            Some(i) => i,
            None => {
                let mut bytes = Vec::new();
                let mut ends = Vec::with_capacity(self.by_place.len() + 1);
                ends.push(0u32);
                for &slot in &self.by_place {
                    let [a, m, z] = self.spans[slot as usize].map(|x| x as usize);
                    outer_into(e, &self.buf[a..m], &mut bytes);
                    outer_into(e, b"=", &mut bytes);
                    outer_into(e, &self.buf[m..z], &mut bytes);
                    ends.push(bytes.len() as u32);
                }
                added = bytes.capacity() + 4 * ends.capacity() + ENTRY;
                self.outer.push((e, bytes, ends));
                self.outer.len() - 1
            }
        };
        let (_, bytes, ends) = &self.outer[i];
        (added, (bytes, ends))
    }
}

fn rank(s: Source) -> u32 {
    match s {
        Source::Header => 0,
        Source::Query => 1,
        Source::Body => 2,
    }
}

impl Prepared {
    /// RFC 5849 §3.4.1.3.1, with the collection mistakes applied, handed
    /// to `f` one parameter at a time in the order of appearance (query,
    /// body, header), then the parameters a mistake adds.
    fn collect_with<'a>(
        &'a self,
        c: &CollKnobs,
        f: &mut dyn FnMut(Octs<'a>, Octs<'a>, Source, u32),
    ) {
        let keep = |v: &[u8]| !(c.drop_empty && v.is_empty());
        match c.duplicates {
            Duplicates::AsSent => self.stream(c, &mut |n, v, s, i| {
                if keep(&v) {
                    f(n, v, s, i)
                }
            }),
            Duplicates::LastWins => self.last_wins(c, &keep, f),
            Duplicates::FirstWins => {
                let mut seen: HashSet<Octs<'a>> = HashSet::default();
                self.stream(c, &mut |n, v, s, i| {
                    if keep(&v) && !seen.contains(n.as_ref()) {
                        seen.insert(n.clone());
                        f(n, v, s, i)
                    }
                });
            }
            Duplicates::Indexed => self.indexed(c, &keep, f),
        }
    }

    /// A map keeps one value per name: the first copy's place, the last value.
    fn last_wins<'a>(
        &'a self,
        c: &CollKnobs,
        keep: &dyn Fn(&[u8]) -> bool,
        f: &mut dyn FnMut(Octs<'a>, Octs<'a>, Source, u32),
    ) {
        // The last copy's value, with that copy's slot: its name is the
        // same octets, so the pair is that copy's.
        let mut last: HashMap<Octs<'a>, (u64, Octs<'a>, u32)> = HashMap::default();
        let mut at = 0u64;
        self.stream(c, &mut |n, v, _, i| {
            if !keep(&v) {
                return;
            }
            match last.get_mut(n.as_ref()) {
                Some(e) => (e.1, e.2) = (v, i),
                None => {
                    last.insert(n, (at, v, i));
                }
            }
            at += 1;
        });
        let mut at = 0u64;
        self.stream(c, &mut |n, v, s, _| {
            if !keep(&v) {
                return;
            }
            if last.get(n.as_ref()).is_some_and(|e| e.0 == at) {
                if let Some((n, (_, v, i))) = last.remove_entry(n.as_ref()) {
                    f(n, v, s, i);
                }
            }
            at += 1;
        });
    }

    /// A repeated name (or one written `name[]`) read into an array and
    /// written out again: `name[0]`, `name[1]`, … in sent order.
    fn indexed<'a>(
        &'a self,
        c: &CollKnobs,
        keep: &dyn Fn(&[u8]) -> bool,
        f: &mut dyn FnMut(Octs<'a>, Octs<'a>, Source, u32),
    ) {
        let mut count: HashMap<Octs<'a>, u32> = HashMap::default();
        self.stream(c, &mut |n, v, _, _| {
            if keep(&v) {
                *count.entry(n).or_insert(0) += 1;
            }
        });
        let mut next: HashMap<Octs<'a>, u32> = HashMap::default();
        self.stream(c, &mut |n, v, s, i| {
            if !keep(&v) {
                return;
            }
            let base = n.strip_suffix(b"[]");
            if base.is_none() && count.get(n.as_ref()).is_none_or(|k| *k < 2) {
                return f(n, v, s, i);
            }
            let i = next.entry(n.clone()).or_insert(0);
            let mut name = base.unwrap_or(&n).to_vec();
            name.extend_from_slice(format!("[{i}]").as_bytes());
            *i += 1;
            f(Cow::Owned(name), v, s, NO_SLOT)
        });
    }

    /// [`Prepared::collect_with`] before empty values are dropped and
    /// duplicates collapsed. Each parameter comes with its slot when it is
    /// one of the request's as sent (its index in `params`, or after them
    /// in `shadow_body`), [`NO_SLOT`] when a mistake changed or added it.
    fn stream<'a>(&'a self, c: &CollKnobs, f: &mut dyn FnMut(Octs<'a>, Octs<'a>, Source, u32)) {
        let b = |x: &'a [u8]| Cow::Borrowed(x);
        let shadow = self.params.len() as u32;
        let push_body = |f: &mut dyn FnMut(Octs<'a>, Octs<'a>, Source, u32)| {
            if c.body == BodyHandling::NonFormSigned {
                for (j, q) in self.shadow_body.iter().enumerate() {
                    f(b(&q.name), b(&q.value), q.source, shadow + j as u32);
                }
            }
        };
        let realm = self.realm.as_deref().filter(|_| c.realm);
        let mut realm_done = realm.is_none();
        let mut emit_realm = |f: &mut dyn FnMut(Octs<'a>, Octs<'a>, Source, u32)| {
            if let (false, Some(r)) = (realm_done, realm) {
                f(b(b"realm"), b(r.as_bytes()), Source::Header, NO_SLOT);
            }
            realm_done = true;
        };
        let mut body_done = false;
        let (skip_a, skip_b) = (c.not_signed.0 as usize, c.not_signed.1 as usize);
        for (i, q) in self.params.iter().enumerate() {
            if skip_a == i + 1 || skip_b == i + 1 {
                continue;
            }
            if q.source == Source::Header && !body_done {
                push_body(f);
                body_done = true;
            }
            match q.source {
                Source::Query if c.omit_query => continue,
                Source::Body if c.body == BodyHandling::FormOmitted => continue,
                _ => {}
            }
            if (c.callback_off && q.name == b"oauth_callback")
                || (c.body_hash_off && q.name == b"oauth_body_hash")
                || (c.version == VersionHandling::Omitted && q.name == b"oauth_version")
            {
                continue;
            }
            let (mut name, mut value): (Octs<'a>, Octs<'a>) = (b(&q.name), b(&q.value));
            if c.plus_literal && q.source == Source::Query {
                name = Cow::Owned(decode_lenient(&q.raw_name(), false).0);
                value = Cow::Owned(decode_lenient(&q.raw_value().unwrap_or_default(), false).0);
            }
            if c.names_raw && q.source != Source::Header {
                name = Cow::Owned(q.raw_name().into_owned().into_bytes());
            }
            if c.utf8_double {
                name = utf8_twice(name);
                value = utf8_twice(value);
            }
            if c.timestamp != TimestampHandling::AsSent && q.name == b"oauth_timestamp" {
                if let Some(t) = signed_timestamp(c.timestamp, &value) {
                    value = Cow::Owned(t.into_bytes());
                }
            }
            if c.pre_encoded as usize == i + 1 {
                value = Cow::Owned(enc(Enc::Rfc, &value).into_bytes());
            }
            if c.key_padding != KeyPadding::None && q.name == b"oauth_consumer_key" {
                value = Cow::Owned(if c.key_padding == KeyPadding::Leading {
                    [b" ".as_slice(), &value].concat()
                } else {
                    [value.as_ref(), b" "].concat()
                });
            }
            if q.source == Source::Header {
                emit_realm(f);
            }
            // Every change above makes an owned copy: borrowed octets are
            // the parameter as sent.
            let slot = match (&name, &value) {
                (Cow::Borrowed(_), Cow::Borrowed(_)) => i as u32,
                _ => NO_SLOT,
            };
            f(name, value, q.source, slot);
        }
        if !body_done {
            push_body(f);
        }
        emit_realm(f);
        if c.version == VersionHandling::Added {
            f(b(b"oauth_version"), b(b"1.0"), Source::Header, NO_SLOT);
        }
        if c.empty_token {
            f(b(b"oauth_token"), b(b""), Source::Header, NO_SLOT);
        }
        if c.signature_param {
            f(b(b"oauth_signature"), b(b""), Source::Header, NO_SLOT);
        }
        if let Some(&i) = self.unsent.get((c.unsent as usize).wrapping_sub(1)) {
            let q = &self.params[i as usize];
            f(b(&q.name), b(b""), q.source, NO_SLOT);
        }
    }
}

/// [`latin1_as_utf8`], borrowing ASCII text as it is.
fn utf8_twice(o: Octs<'_>) -> Octs<'_> {
    if o.is_ascii() {
        return o;
    }
    Cow::Owned(latin1_as_utf8(&o))
}

/// RFC 5849 §3.3: the `oauth_timestamp` a signer signed in the form `t`,
/// read off the `sent` text; `None` when the form does not apply to it.
fn signed_timestamp(t: TimestampHandling, sent: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(sent).ok()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) if digits(w) && digits(f) => (w, Some(f)),
        None if digits(text) => (text, None),
        _ => return None,
    };
    match (t, fraction) {
        (TimestampHandling::SignedMillis, None) if whole.len() <= 11 => Some(format!("{whole}000")),
        (TimestampHandling::SignedSeconds, None) if whole.len() >= 12 => {
            Some(whole[..whole.len() - 3].to_string())
        }
        (TimestampHandling::SignedFloat, None) => Some(format!("{whole}.0")),
        (TimestampHandling::SignedTruncated, Some(_)) => Some(whole.to_string()),
        (TimestampHandling::SignedRounded, Some(f)) if f.as_bytes()[0] >= b'5' => {
            let n: u64 = whole.parse().ok()?;
            Some((n.checked_add(1)?).to_string())
        }
        _ => None,
    }
}

/// Every form of every catalogue entry that could change something for
/// this request (cheap preconditions; the search drops no-ops after).
fn candidate_ops(p: &Prepared, mode: Mode) -> Vec<(&'static str, Op)> {
    let mut v: Vec<(&'static str, Op)> = Vec::new();
    let path = &p.path;
    let query_plus = p.params.iter().any(|q| {
        q.source == Source::Query
            && (q.raw_name().contains('+') || q.raw_value().is_some_and(|v| v.contains('+')))
    });
    v.push(("method-not-uppercased", Op::MethodLower));
    v.push(("default-port-kept", Op::Port(PortHandling::KeptDefault)));
    if p.port.is_some() {
        v.push(("port-dropped", Op::Port(PortHandling::Dropped)));
        v.push((
            "postman-port-dropped",
            Op::Port(PortHandling::PostmanDropped),
        ));
    }
    v.push(("scheme-swapped", Op::SchemeSwap));
    if p.host.bytes().any(|b| b.is_ascii_uppercase()) {
        v.push(("host-case-kept", Op::HostCase));
    }
    v.push(("host-www-toggled", Op::Www));
    if p.query.is_some() {
        v.push(("query-kept-in-uri", Op::KeepQuery));
    }
    v.push(("trailing-slash-added", Op::Slash(SlashHandling::Added)));
    v.push(("trailing-slash-removed", Op::Slash(SlashHandling::Removed)));
    if path.contains('%') {
        v.push(("path-decoded", Op::Path(PathHandling::Decoded)));
    }
    if path.bytes().any(|b| b.is_ascii_uppercase()) {
        v.push(("path-lowercased", Op::Path(PathHandling::Lowercased)));
    }
    if p.client.is_some() {
        v.push(match p.hunted {
            Hunted::RequestSignature => (
                "url-normalized-before-signing",
                Op::Client(ClientUrl::SignedNormalized),
            ),
            _ => (
                "url-normalized-after-signing",
                Op::Client(ClientUrl::ServerSawNormalized),
            ),
        });
    }
    if p.typed_host.is_some() && p.hunted == Hunted::RequestSignature {
        v.push((
            "url-normalized-after-signing",
            Op::Client(ClientUrl::SignedTypedHost),
        ));
    }
    v.push(("uri-not-encoded", Op::UriRaw));
    v.push(("query-params-omitted", Op::OmitQuery));
    v.push(("body-params-omitted", Op::Body(BodyHandling::FormOmitted)));
    if !p.shadow_body.is_empty() {
        v.push((
            "non-form-body-signed",
            Op::Body(BodyHandling::NonFormSigned),
        ));
    }
    if p.realm.is_some() {
        v.push(("realm-signed", Op::Realm));
    }
    v.push(("signature-param-signed", Op::SignatureParam));
    if p.has("oauth_version") {
        v.push(("version-omitted", Op::Version(VersionHandling::Omitted)));
    } else {
        v.push(("version-added", Op::Version(VersionHandling::Added)));
    }
    v.push(("empty-params-dropped", Op::DropEmpty));
    if !p.has("oauth_token") {
        v.push(("empty-token-signed", Op::EmptyToken));
    }
    v.push(("duplicates-collapsed", Op::Duplicates(Duplicates::LastWins)));
    let mut names = HashSet::default();
    let repeated = p.params.iter().any(|q| !names.insert(&q.name[..]));
    if repeated {
        v.push((
            "duplicates-first-wins",
            Op::Duplicates(Duplicates::FirstWins),
        ));
    }
    if repeated || p.params.iter().any(|q| q.name.ends_with(b"[]")) {
        v.push(("array-index-names", Op::Duplicates(Duplicates::Indexed)));
    }
    let singles = Leavable::of(p);
    let leavable = (0..p.params.len()).filter(|&i| singles.single(p, i));
    for i in leavable.take(MAX_PARAM_FORMS) {
        v.push(("param-not-signed", Op::NotSigned(i as u32)));
    }
    for i in 0..p.unsent.len().min(MAX_PARAM_FORMS) {
        v.push(("param-signed-not-sent", Op::SignedNotSent(i as u32)));
    }
    if p.params
        .iter()
        .any(|q| q.source != Source::Header && q.raw_name().contains('%'))
    {
        v.push(("names-not-decoded", Op::NamesRaw));
    }
    if p.params
        .iter()
        .any(|q| !q.name.is_ascii() || !q.value.is_ascii())
    {
        v.push(("utf8-double-encoded", Op::Utf8Double));
    }
    if let Some(t) = p.params.iter().find(|q| q.name == b"oauth_timestamp") {
        for (id, form) in [
            ("timestamp-milliseconds", TimestampHandling::SignedMillis),
            ("timestamp-milliseconds", TimestampHandling::SignedSeconds),
            ("timestamp-not-integer", TimestampHandling::SignedFloat),
            ("timestamp-not-integer", TimestampHandling::SignedTruncated),
            ("timestamp-not-integer", TimestampHandling::SignedRounded),
        ] {
            if signed_timestamp(form, &t.value).is_some() {
                v.push((id, Op::Timestamp(form)));
            }
        }
    }
    for (i, q) in p.params.iter().enumerate() {
        if !q.value.iter().all(|b| is_unreserved(*b)) {
            v.push(("param-pre-encoded", Op::PreEncoded(i as u32)));
        }
    }
    if p.has("oauth_consumer_key") {
        v.push((
            "postman-consumer-key-untrimmed",
            Op::KeyPadding(KeyPadding::Leading),
        ));
        v.push((
            "postman-consumer-key-untrimmed",
            Op::KeyPadding(KeyPadding::Trailing),
        ));
    }
    if p.has("oauth_callback") {
        v.push(("callback-not-signed", Op::CallbackOff));
    }
    if p.has("oauth_body_hash") {
        v.push(("body-hash-not-signed", Op::BodyHashOff));
    }
    if query_plus {
        v.push(("plus-kept-literal", Op::PlusLiteral));
    }
    for (id, e) in [
        ("plus-for-space", Enc::PlusForSpace),
        ("reserved-unencoded", Enc::Reserved),
        ("lowercase-hex", Enc::LowerHex),
        ("double-encoded", Enc::Double),
        ("not-encoded", Enc::Raw),
        ("tilde-encoded", Enc::Tilde),
        ("java-urlencoder", Enc::Java),
        ("php-urlencode", Enc::Php),
        ("latin1-bytes", Enc::Latin1),
    ] {
        v.push((id, Op::Encode(e, true)));
        v.push((id, Op::Encode(e, false)));
    }
    v.push(("unsorted", Op::Order(Sort::AsCollected)));
    v.push(("unsorted", Op::Order(Sort::HeaderFirst)));
    v.push(("sorted-by-raw-name", Op::Order(Sort::RawName)));
    v.push(("sorted-by-name-only", Op::Order(Sort::NameOnly)));
    v.push(("sorted-case-insensitive", Op::Order(Sort::CaseInsensitive)));
    v.push(("sorted-by-pair-string", Op::Order(Sort::PairString)));
    v.push(("params-not-reencoded", Op::NotReencoded));
    v.push(("params-joined-with-comma", Op::Comma));
    let (cs, ts) = (p.consumer_secret.expose(), p.token_secret.expose());
    v.push(("key-not-encoded", Op::KeyRaw));
    if ts.is_empty() {
        v.push(("key-amp-dropped", Op::KeyShape(KeyShape::NoAmpersand)));
        v.push(("key-null-token-secret", Op::KeyShape(KeyShape::NullText)));
        v.push((
            "key-null-token-secret",
            Op::KeyShape(KeyShape::UndefinedText),
        ));
    } else if !ts.trim().is_empty() {
        v.push((
            "key-token-secret-omitted",
            Op::KeyShape(KeyShape::TokenSecretOmitted),
        ));
    }
    v.push(("key-secrets-swapped", Op::KeyShape(KeyShape::Swapped)));
    for t in [
        SecretText::ConsumerNewline,
        SecretText::ConsumerSpace,
        SecretText::TokenNewline,
        SecretText::TokenSpace,
    ] {
        v.push(("secret-whitespace", Op::SecretText(t)));
    }
    if cs.trim() != cs {
        v.push((
            "secret-whitespace",
            Op::SecretText(SecretText::ConsumerTrimmed),
        ));
    }
    if ts.trim() != ts && !ts.trim().is_empty() {
        v.push((
            "secret-whitespace",
            Op::SecretText(SecretText::TokenTrimmed),
        ));
    }
    if !ts.is_empty() && ts.trim().is_empty() {
        v.push((
            "postman-blank-token-secret",
            Op::SecretText(SecretText::BlankTokenEmptied),
        ));
    }
    let declared = p.method.hash();
    if matches!(mode, Mode::Hmac | Mode::Rsa) {
        for h in [HashAlg::Sha1, HashAlg::Sha256, HashAlg::Sha512] {
            if Some(h) != declared {
                v.push(("wrong-hash", Op::Hash(h)));
            }
        }
    }
    v
}

/// `param-not-signed` on pairs of parameters (RFC 5849 §3.4.1.3.1), for
/// depth [`PAIR_DEPTH`] and more: pairs among the first
/// [`MAX_PAIRED_PARAMS`] query and body parameters that
/// [`Leavable::single`] allows, except a pair that is every query, every
/// body or every empty parameter (a coarser mistake names that).
fn pair_ops(p: &Prepared) -> Vec<(&'static str, Op)> {
    let l = Leavable::of(p);
    let pool: Vec<usize> = (0..p.params.len())
        .filter(|&i| l.single(p, i))
        .take(MAX_PAIRED_PARAMS)
        .collect();
    let mut v = Vec::new();
    for (k, &i) in pool.iter().enumerate() {
        for &j in &pool[k + 1..] {
            if !l.is_whole(&[i, j]) {
                v.push(("param-not-signed", Op::NotSignedPair(i as u32, j as u32)));
            }
        }
    }
    v
}

/// Which parameters `param-not-signed` leaves out: not one whose absence a
/// coarser or more specific catalogue mistake already names.
struct Leavable {
    query: Vec<usize>,
    body: Vec<usize>,
    empty: Vec<usize>,
    /// Parameters whose name is sent exactly twice: leaving one copy out
    /// signs what `duplicates-first-wins` or `duplicates-collapsed` signs.
    twice: Vec<usize>,
}

impl Leavable {
    fn of(p: &Prepared) -> Leavable {
        let of = |pred: &dyn Fn(&Param) -> bool| -> Vec<usize> {
            (0..p.params.len())
                .filter(|&i| pred(&p.params[i]))
                .collect()
        };
        let mut copies: HashMap<&[u8], usize> = HashMap::default();
        for q in &p.params {
            *copies.entry(&q.name[..]).or_insert(0) += 1;
        }
        Leavable {
            query: of(&|q| q.source == Source::Query),
            body: of(&|q| q.source == Source::Body),
            empty: of(&|q| q.value.is_empty()),
            twice: of(&|q| copies.get(&q.name[..]) == Some(&2)),
        }
    }

    /// Whether `set` is every query, every body or every empty parameter
    /// (`query-params-omitted`, `body-params-omitted`, `empty-params-dropped`).
    fn is_whole(&self, set: &[usize]) -> bool {
        [&self.query, &self.body, &self.empty]
            .iter()
            .any(|w| w.as_slice() == set)
    }

    /// Whether parameter `i` alone may be the one left out: a query or
    /// body parameter (a field added after signing; the protocol
    /// parameters a signer writes itself, and `oauth_version`,
    /// `oauth_callback` and `oauth_body_hash` have their own ids), not the
    /// only query, body or empty parameter, and not one copy of a name sent
    /// twice (the duplicates mistakes name that).
    fn single(&self, p: &Prepared, i: usize) -> bool {
        p.params[i].source != Source::Header
            && !self.is_whole(&[i])
            && self.twice.binary_search(&i).is_err()
    }
}

/// A prepared HMAC key, cloned for each message. HMAC-SHA1 runs on the
/// SHA-1 compression function ([`Sha1Started`]), so that two of its tags
/// can be computed together ([`Engine::flush`]).
#[derive(Clone)]
enum KeyedMac {
    Sha1(Sha1Started),
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
}

impl KeyedMac {
    fn new(alg: HashAlg, key: &[u8]) -> KeyedMac {
        // HMAC takes keys of any length: `new_from_slice` cannot fail.
        match alg {
            HashAlg::Sha1 => KeyedMac::Sha1(Sha1Started::new(key)),
            HashAlg::Sha256 => KeyedMac::Sha256(Hmac::new_from_slice(key).expect("any key length")),
            HashAlg::Sha512 => KeyedMac::Sha512(Hmac::new_from_slice(key).expect("any key length")),
        }
    }

    /// A copy that has absorbed the concatenation of `parts`.
    fn absorbed(&self, parts: &[&[u8]]) -> KeyedMac {
        let mut m = self.clone();
        match &mut m {
            KeyedMac::Sha1(m) => parts.iter().for_each(|p| m.absorb(p)),
            KeyedMac::Sha256(m) => parts.iter().for_each(|p| m.update(p)),
            KeyedMac::Sha512(m) => parts.iter().for_each(|p| m.update(p)),
        }
        m
    }

    /// The tag of what was absorbed followed by `text`, written to the
    /// front of `out`; returns its length (20, 32 or 64).
    fn tag(&self, text: &[u8], out: &mut [u8; 64]) -> usize {
        fn finish<M: Mac + Clone>(m: &M, text: &[u8], out: &mut [u8; 64]) -> usize {
            let tag = m.clone().chain_update(text).finalize().into_bytes();
            out[..tag.len()].copy_from_slice(&tag);
            tag.len()
        }
        match self {
            KeyedMac::Sha1(m) => {
                out[..20].copy_from_slice(&m.tag(text));
                20
            }
            KeyedMac::Sha256(m) => finish(m, text, out),
            KeyedMac::Sha512(m) => finish(m, text, out),
        }
    }
}

fn alg_code(h: HashAlg) -> u8 {
    match h {
        HashAlg::Sha1 => 0,
        HashAlg::Sha256 => 1,
        HashAlg::Sha512 => 2,
    }
}

/// The octets of an HMAC tag made with `h` (RFC 2104 §2: the digest's length).
fn tag_len(h: HashAlg) -> usize {
    match h {
        HashAlg::Sha1 => 20,
        HashAlg::Sha256 => 32,
        HashAlg::Sha512 => 64,
    }
}

/// What a variant produces, as interned ids: (base string, key, digest).
type Outcome = (u32, u32, u8);

/// The explanations found so far: (size, atoms, target).
type Found = Vec<(usize, Vec<usize>, usize)>;

/// The most variants [`Engine::check_later`] keeps waiting.
const MAX_QUEUE: usize = 64;

#[cfg(test)]
thread_local! {
    /// Tests only: every outcome signed the moment it is met, as before
    /// [`Engine::check_later`] queued them, to compare the two.
    static SIGN_AT_ONCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A variant met by the search whose outcome waits to be signed
/// ([`Engine::check_later`]): its size without the target's output
/// mistake, and its atoms.
struct Queued {
    out: Outcome,
    /// The outcome's first appearance: it is signed when the queue is flushed.
    fresh: bool,
    size: usize,
    atoms: [usize; MAX_DEPTH],
    len: usize,
}

/// A key, a digest, and the method and URI parts a base string starts with.
type Prefix = (u32, u8, u32, u32);

struct Engine<'a> {
    prep: &'a Prepared,
    mode: Mode,
    targets: Vec<Target>,
    atoms: Vec<Atom>,
    uris: HashMap<UriKnobs, Rc<str>>,
    /// Normalized strings, each with how many of its octets are not plain
    /// (what the outer encoding may escape) and its id in `inner_ids`.
    norms: HashMap<NormKnobs, (Rc<[u8]>, usize, u32)>,
    /// Each distinct normalized string once: many knobs lead to the same
    /// one, and it is then kept and encoded for the base string only once.
    inner_ids: HashMap<Rc<[u8]>, (u32, usize)>,
    /// The encoded part of each (normalized string, outer encoder, raw).
    enc_inner: HashMap<(u32, Enc, bool), u32>,
    base_of: HashMap<StrKnobs, u32>,
    /// The three parts of a base string (RFC 5849 §3.4.1.1), each encoded
    /// and interned once: the method, the base string URI and the
    /// normalized parameters. A base string is the ids of its parts, so a
    /// variant is checked without building, encoding or hashing the whole.
    /// Every part is UTF-8 (the encoders write UTF-8), kept as octets.
    parts: Vec<Rc<[u8]>>,
    part_ids: HashMap<Rc<[u8]>, u32>,
    /// The method part for each (lower-cased, outer encoder): `u32::MAX` until built.
    method_parts: [[u32; 2]; ENCODERS],
    enc_uris: HashMap<(UriKnobs, Enc, bool), u32>,
    enc_norms: HashMap<(NormKnobs, Enc, bool), u32>,
    base_ids: HashMap<[u32; 3], u32>,
    bases: Vec<[u32; 3]>,
    key_of: HashMap<KeyKnobs, u32>,
    keys: Vec<crate::Secret>,
    macs: HashMap<(u32, u8), KeyedMac>,
    /// HMAC states that have absorbed `method&uri&` (RFC 5849 §3.4.1.1),
    /// shared by every base string with those two parts: the blocks of
    /// that prefix are hashed once per key and digest.
    prefixed: HashMap<Prefix, KeyedMac>,
    seen: HashMap<Outcome, Option<usize>>,
    tried: u64,
    budget: Budget,
    /// Bytes of search state held now (caches, interned base strings, bookkeeping).
    held: usize,
    /// The most bytes held at once.
    peak: usize,
    /// The most one variant has added to `held`: the room kept free for the next one.
    per_variant: usize,
    /// The limit that stopped the search, once one has.
    stopped: Option<Limit>,
    /// How many forms [`Engine::build_atoms`] enumerated (singles, and
    /// pairs from [`PAIR_DEPTH`]), so that [`Engine::planned`] does not
    /// enumerate them again.
    ops_len: Option<u64>,
    /// Variants whose outcome waits to be signed, in the order the
    /// search met them ([`Engine::check_later`]).
    queue: Vec<Queued>,
    /// How many of them are an outcome's first appearance (0 or 1
    /// between flushes).
    queue_fresh: usize,
    /// Where [`Engine::encoded_part`] encodes before interning.
    scratch: Vec<u8>,
    /// The request's parameters encoded once per encoder, from the
    /// second normalized string that encoder builds (many variants use
    /// [`Enc::Rfc`]; a mistaken encoder at depth 1 builds one only).
    slots: [Option<Slots>; ENCODERS],
    /// How many normalized strings each encoder has built.
    enc_uses: [u32; ENCODERS],
    /// The pairs of the normalized string built last from slots: each
    /// one's place in [`Slots::order`] (or [`NO_KEY`]) and where it lies.
    pieces: Vec<[u32; 3]>,
    /// That string's interned id and the encoder of its slots.
    pieces_of: Option<(u32, Enc)>,
}

/// Appends `text` encoded the way `e` does; RFC 5849 §3.6 through the
/// table-driven encoder the [`crate::signer::Signer`] uses, which writes
/// the same octets as `encode::encode_into` without a check per escape.
fn outer_into(e: Enc, text: &[u8], out: &mut Vec<u8>) {
    if e == Enc::Rfc {
        crate::encode::encode_to_vec(text, out);
    } else {
        enc_into(e, text, out);
    }
}

/// A request whose URL and parameters hold fewer octets than this is small:
/// the search reads the clock before every [`CLOCK_EVERY`]th variant only.
const SMALL: usize = 4096;

/// How often the clock is read while hunting a small request.
const CLOCK_EVERY: u64 = 16;

/// How many encoders [`Enc`] names.
const ENCODERS: usize = 10;

/// The engine's tables, empty, kept with their capacity from one hunt to
/// the next on a thread (a batch hunts many requests on each worker): a
/// hunt then neither grows its maps step by step nor allocates them. Only
/// the allocations are kept: everything in them (keys included) is dropped
/// when a hunt ends, and tables grown past [`Tables::KEEP`] entries by a
/// huge request are freed.
#[derive(Default)]
struct Tables {
    uris: HashMap<UriKnobs, Rc<str>>,
    norms: HashMap<NormKnobs, (Rc<[u8]>, usize, u32)>,
    inner_ids: HashMap<Rc<[u8]>, (u32, usize)>,
    enc_inner: HashMap<(u32, Enc, bool), u32>,
    base_of: HashMap<StrKnobs, u32>,
    parts: Vec<Rc<[u8]>>,
    part_ids: HashMap<Rc<[u8]>, u32>,
    enc_uris: HashMap<(UriKnobs, Enc, bool), u32>,
    enc_norms: HashMap<(NormKnobs, Enc, bool), u32>,
    base_ids: HashMap<[u32; 3], u32>,
    bases: Vec<[u32; 3]>,
    key_of: HashMap<KeyKnobs, u32>,
    keys: Vec<crate::Secret>,
    macs: HashMap<(u32, u8), KeyedMac>,
    prefixed: HashMap<Prefix, KeyedMac>,
    seen: HashMap<Outcome, Option<usize>>,
}

thread_local! {
    static SPARE: std::cell::RefCell<Option<Tables>> = const { std::cell::RefCell::new(None) };
}

impl Tables {
    /// Tables larger than this many entries are not kept.
    const KEEP: usize = 1 << 14;

    /// The thread's spare tables (empty), or new ones.
    fn take() -> Tables {
        SPARE
            .try_with(|s| s.borrow_mut().take())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Empties the tables and keeps them for the thread's next hunt.
    fn put_back(mut self) {
        if self.seen.capacity() > Self::KEEP || self.base_of.capacity() > Self::KEEP {
            return;
        }
        self.uris.clear();
        self.norms.clear();
        self.inner_ids.clear();
        self.enc_inner.clear();
        self.base_of.clear();
        self.parts.clear();
        self.part_ids.clear();
        self.enc_uris.clear();
        self.enc_norms.clear();
        self.base_ids.clear();
        self.bases.clear();
        self.key_of.clear();
        self.keys.clear();
        self.macs.clear();
        self.prefixed.clear();
        self.seen.clear();
        let _ = SPARE.try_with(|s| *s.borrow_mut() = Some(self));
    }
}

impl Drop for Engine<'_> {
    fn drop(&mut self) {
        use std::mem::take;
        Tables {
            uris: take(&mut self.uris),
            norms: take(&mut self.norms),
            inner_ids: take(&mut self.inner_ids),
            enc_inner: take(&mut self.enc_inner),
            base_of: take(&mut self.base_of),
            parts: take(&mut self.parts),
            part_ids: take(&mut self.part_ids),
            enc_uris: take(&mut self.enc_uris),
            enc_norms: take(&mut self.enc_norms),
            base_ids: take(&mut self.base_ids),
            bases: take(&mut self.bases),
            key_of: take(&mut self.key_of),
            keys: take(&mut self.keys),
            macs: take(&mut self.macs),
            prefixed: take(&mut self.prefixed),
            seen: take(&mut self.seen),
        }
        .put_back();
    }
}

/// Room for a key variant of secrets `cs` and `ts` ([`Engine::key_id`]):
/// the most `enc` makes of an octet, over both secrets and an extra
/// character each, plus the longest join (`&undefined`) and the octet a
/// table encoder writes past its text.
fn key_room(enc: Enc, cs: &str, ts: &str) -> usize {
    growth(enc) * (cs.len() + ts.len() + 2) + 16
}

/// Room kept for the key, the URI and the bookkeeping of one variant.
const VARIANT_SLACK: usize = 4096 + 8 * ENTRY;

/// Bookkeeping bytes per entry of a hash map (key, value, hash and slack).
const ENTRY: usize = 64;

impl<'a> Engine<'a> {
    fn new(prep: &'a Prepared, mode: Mode, targets: Vec<Target>, budget: Budget) -> Engine<'a> {
        let t = Tables::take();
        Engine {
            prep,
            mode,
            targets,
            atoms: Vec::new(),
            uris: t.uris,
            norms: t.norms,
            inner_ids: t.inner_ids,
            enc_inner: t.enc_inner,
            base_of: t.base_of,
            parts: t.parts,
            part_ids: t.part_ids,
            method_parts: [[u32::MAX; 2]; ENCODERS],
            enc_uris: t.enc_uris,
            enc_norms: t.enc_norms,
            base_ids: t.base_ids,
            bases: t.bases,
            key_of: t.key_of,
            keys: t.keys,
            macs: t.macs,
            prefixed: t.prefixed,
            seen: t.seen,
            tried: 0,
            budget,
            held: 0,
            peak: 0,
            per_variant: 0,
            stopped: None,
            ops_len: None,
            queue: Vec::new(),
            queue_fresh: 0,
            scratch: Vec::new(),
            slots: Default::default(),
            enc_uses: [0; ENCODERS],
            pieces: Vec::new(),
            pieces_of: None,
        }
    }

    fn hold(&mut self, bytes: usize) {
        self.held += bytes;
        self.peak = self.peak.max(self.held);
    }

    /// An upper bound on the bytes the variant `k` adds to the search
    /// state, the strings it builds on the way included, read off the
    /// parameters' [`Sizes`] before anything is built.
    fn need(&self, k: &Knobs) -> usize {
        if self.base_of.contains_key(&k.s) {
            return VARIANT_SLACK;
        }
        let p = self.prep;
        let n = &k.s.norm;
        let z = p.sizes;
        let count = z.count + 6;
        // A pre-encoded value, padding, realm and the parameters a mistake
        // adds (an empty copy of the longest name); `[NN]` added to names;
        // names signed as written (`%XX` for an octet) or octets from 0x80
        // doubled.
        let c = &n.coll;
        let mut other = z.other
            + 3 * z.longest_value
            + 3 * z.longest_name
            + p.realm.as_ref().map_or(0, String::len)
            + 96;
        if c.duplicates == Duplicates::Indexed {
            other += 24 * count;
        }
        if c.names_raw || c.utf8_double {
            other += 2 * (z.other + z.plain);
        }
        let span = std::mem::size_of::<Span>();
        let (norm_need, norm_len, norm_other) = match self.norms.get(n) {
            Some((s, other, _)) => (0, s.len(), *other),
            None => {
                let encoded = z.plain + growth(n.enc) * other;
                let norm_len = encoded + 2 * count;
                let mut need = 2 * count * span + encoded + norm_len + ENTRY;
                if n.sort == Sort::RawName {
                    need += z.plain + other + 2 * count * span;
                }
                (need, norm_len, 3 * other + 2 * count)
            }
        };
        let outer = |len: usize, other: usize| match k.s.outer {
            Enc::Raw => len,
            e => len + (growth(e) - 1) * other,
        };
        let uri_len = p.url_len + 32;
        let base = outer(p.method_as_sent.len(), p.method_as_sent.len())
            + if k.s.uri_raw {
                uri_len
            } else {
                outer(uri_len, uri_len)
            }
            + if k.s.not_reencoded {
                norm_len
            } else {
                outer(norm_len, norm_other)
            }
            + 2;
        norm_need + 2 * base + VARIANT_SLACK
    }

    /// Whether the variant `k` fits the budget. Over the memory limit,
    /// the caches that can be rebuilt are dropped first; the search stops
    /// only when even then the variant could go past the limit.
    fn may_try(&mut self, k: &Knobs) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        if self.budget.variants.is_some_and(|v| self.tried >= v) {
            self.stopped = Some(Limit::Variants);
            return false;
        }
        // A variant of a small request takes microseconds: the clock is
        // read before every [`CLOCK_EVERY`]th only (before each of a big one).
        let small = self.prep.url_len + self.prep.sizes.plain + self.prep.sizes.other < SMALL;
        let due = !small || self.tried % CLOCK_EVERY == 0;
        if due && self.budget.deadline.is_some_and(|d| Instant::now() >= d) {
            self.stopped = Some(Limit::Time);
            return false;
        }
        let need = self.need(k).max(self.per_variant);
        if self.held + need > self.budget.memory {
            self.evict();
            if self.held + self.need(k).max(self.per_variant) > self.budget.memory {
                self.stopped = Some(Limit::Memory);
                return false;
            }
        }
        true
    }

    /// Drops the caches of URIs and normalized strings
    /// (rebuilt on demand); interned base strings and outcomes stay.
    fn evict(&mut self) {
        let freed: usize = self.uris.values().map(|u| u.len() + ENTRY).sum::<usize>()
            + self
                .inner_ids
                .keys()
                .map(|n| n.len() + ENTRY)
                .sum::<usize>()
            + ENTRY * (self.norms.len() + self.enc_inner.len());
        self.uris.clear();
        self.norms.clear();
        self.inner_ids.clear();
        self.enc_inner.clear();
        self.held -= freed.min(self.held);
    }

    /// One variant: its outcome, with the bytes it added remembered as the
    /// room to keep for the next.
    fn variant(&mut self, k: &Knobs) -> Outcome {
        let before = self.held;
        self.tried += 1;
        let out = self.outcome(k);
        if !self.seen.contains_key(&out) {
            self.hold(ENTRY);
        }
        self.per_variant = self.per_variant.max(self.held.saturating_sub(before));
        out
    }

    /// Variants the search up to `depth` would try, when the atoms are known.
    fn planned(&self, depth: usize) -> Option<u64> {
        if depth >= 1 && self.atoms.is_empty() && self.stopped.is_some() {
            return None;
        }
        let singles = match self.ops_len {
            Some(n) => n,
            None if depth >= 1 => {
                let mut n = candidate_ops(self.prep, self.mode).len() as u64;
                if depth >= PAIR_DEPTH {
                    n += pair_ops(self.prep).len() as u64;
                }
                n
            }
            None => 0,
        };
        // Combinations of total weight `size`, at most one atom per group,
        // of the atoms that reach that size: the coefficient of x^size in
        // the product over groups of (1 + ones·x + twos·x²).
        let mut combos = 0u64;
        for size in 2..=depth {
            let mut sizes: Vec<[u64; 2]> = Vec::new();
            for a in self.atoms.iter().filter(|a| a.op.reach() >= size) {
                let g = a.group as usize;
                if sizes.len() <= g {
                    sizes.resize(g + 1, [0, 0]);
                }
                sizes[g][a.op.weight().min(2) - 1] += 1;
            }
            let mut e = vec![0u64; size + 1];
            e[0] = 1;
            for [ones, twos] in sizes {
                for k in (1..=size).rev() {
                    let mut add = e[k - 1].saturating_mul(ones);
                    if k >= 2 {
                        add = add.saturating_add(e[k - 2].saturating_mul(twos));
                    }
                    e[k] = e[k].saturating_add(add);
                }
            }
            combos = combos.saturating_add(e[size]);
        }
        Some(1 + if depth >= 1 { singles } else { 0 } + combos)
    }

    fn knobs_of(&self, atoms: &[usize]) -> Knobs {
        let mut k = Knobs::default();
        for &a in atoms {
            self.atoms[a].op.apply(&mut k);
        }
        k
    }

    /// Searches sizes 0..=depth and returns every smallest explanation:
    /// the atoms (indices into `self.atoms`) and the target they match.
    /// Also returns the largest size searched completely.
    fn search(&mut self, depth: usize) -> (Vec<(Vec<usize>, usize)>, usize) {
        let mut found: Found = Vec::new();
        // The correct signer is tried whatever the budget, unless the
        // request alone is too big for it.
        if self.stopped.is_some() {
            return (Vec::new(), 0);
        }
        let zero = self.variant(&Knobs::default());
        if let Some(t) = self.check(zero) {
            found.push((self.targets[t].output.is_some() as usize, Vec::new(), t));
        }
        let mut completed = 0;
        if depth > 0 && found.iter().all(|f| f.0 >= 1) {
            self.build_atoms(zero, depth, &mut found);
        }
        if self.stopped.is_none() {
            completed = depth.min(1);
        }
        let mut best = found.iter().map(|f| f.0).min();
        for size in 2..=depth {
            if best.is_some_and(|b| size > b) || self.stopped.is_some() {
                break;
            }
            let mut chosen = Vec::with_capacity(size);
            self.combos(size, 0, 0, 0, Knobs::default(), &mut chosen, &mut found);
            self.flush(&mut found);
            best = found.iter().map(|f| f.0).min();
            if self.stopped.is_none() {
                completed = size;
            }
        }
        let Some(best) = best else {
            return (Vec::new(), completed);
        };
        let mut out: Vec<(Vec<usize>, usize)> = Vec::new();
        let mut ids_seen: Vec<Vec<usize>> = Vec::new();
        for (total, atoms, t) in found {
            if total != best {
                continue;
            }
            let mut ids: Vec<usize> = atoms.iter().map(|&a| self.atoms[a].mistake).collect();
            if let Some((o, _)) = &self.targets[t].output {
                ids.push(*o);
            }
            ids.sort_unstable();
            if !ids_seen.contains(&ids) {
                ids_seen.push(ids);
                out.push((atoms, t));
            }
        }
        (out, completed)
    }

    /// Size 1: keeps the atoms that change something, one per distinct
    /// outcome of each mistake, and records single-atom matches (an atom
    /// of weight 2, tried only from depth [`PAIR_DEPTH`], as size 2).
    fn build_atoms(&mut self, zero: Outcome, depth: usize, found: &mut Found) {
        let mut groups: Vec<&'static str> = Vec::new();
        // (mistake, outcome) pairs already kept: a set, since a request
        // with millions of parameters gives millions of candidate forms.
        let mut kept: HashSet<(usize, Outcome)> = HashSet::default();
        let mut ops = candidate_ops(self.prep, self.mode);
        if depth >= PAIR_DEPTH {
            ops.extend(pair_ops(self.prep));
        }
        self.ops_len = Some(ops.len() as u64);
        for (id, op) in ops {
            let Some(mistake) = catalogue::index_of(id) else {
                continue;
            };
            let group_name = catalogue::catalogue()[mistake].group;
            let group = match groups.iter().position(|g| *g == group_name) {
                Some(i) => i,
                None => {
                    groups.push(group_name);
                    groups.len() - 1
                }
            } as u8;
            let mut k = Knobs::default();
            op.apply(&mut k);
            if !self.may_try(&k) {
                self.flush(found);
                return;
            }
            let out = self.variant(&k);
            if out == zero || !kept.insert((mistake, out)) {
                continue;
            }
            let atom = Atom { mistake, group, op };
            self.atoms.push(atom);
            self.check_later(out, op.weight(), &[self.atoms.len() - 1], found);
        }
        self.flush(found);
    }

    /// Every combination of atoms from `from` on, one per group, whose
    /// weights add up to exactly `size` (`weight` so far). A lone atom was
    /// tried by [`Engine::build_atoms`].
    #[allow(clippy::too_many_arguments)]
    fn combos(
        &mut self,
        size: usize,
        weight: usize,
        from: usize,
        used: u64,
        knobs: Knobs,
        chosen: &mut Vec<usize>,
        found: &mut Found,
    ) {
        if weight == size {
            if chosen.len() < 2 || !self.may_try(&knobs) {
                return;
            }
            let out = self.variant(&knobs);
            self.check_later(out, size, chosen, found);
            return;
        }
        let remaining = size - weight;
        for i in from..self.atoms.len() {
            // Each atom weighs 1 or 2.
            if 2 * (self.atoms.len() - i) < remaining {
                break;
            }
            let a = self.atoms[i];
            let bit = 1u64 << a.group;
            if used & bit != 0 || a.op.weight() > remaining || a.op.reach() < size {
                continue;
            }
            if self.stopped.is_some() {
                return;
            }
            let mut k = knobs;
            a.op.apply(&mut k);
            chosen.push(i);
            self.combos(
                size,
                weight + a.op.weight(),
                i + 1,
                used | bit,
                k,
                chosen,
                found,
            );
            chosen.pop();
        }
    }

    /// The target index this outcome reproduces, signing it at most once.
    fn check(&mut self, out: Outcome) -> Option<usize> {
        if let Some(r) = self.seen.get(&out) {
            return *r;
        }
        self.prepare(out);
        let r = self.compute(out);
        self.seen.insert(out, r);
        r
    }

    /// Makes the HMAC states `out` is signed from (per key, and per key
    /// with the method and URI absorbed), counted as search state.
    fn prepare(&mut self, out: Outcome) {
        let states = self.macs.len() + self.prefixed.len();
        if self.mode == Mode::Hmac {
            self.started(out);
        }
        let added = self.macs.len() + self.prefixed.len() - states;
        self.hold(added * (std::mem::size_of::<KeyedMac>() + ENTRY));
    }

    /// Adds the explanation of a variant of `size` made of `atoms` that
    /// reproduces target `t` (its output mistake, if any, counts too).
    fn explain(&self, t: usize, size: usize, atoms: &[usize], found: &mut Found) {
        let total = size + self.targets[t].output.is_some() as usize;
        found.push((total, atoms.to_vec(), t));
    }

    /// [`Engine::check`] for a variant of `size` made of `atoms`, its
    /// explanation added to `found` if it matches. Its outcome is signed
    /// later, with the next new one, the two tags computed together
    /// ([`Engine::flush`]); what the search counts (variants tried,
    /// bytes held) and the order of `found` are as if each were signed
    /// at once.
    fn check_later(&mut self, out: Outcome, size: usize, atoms: &[usize], found: &mut Found) {
        #[cfg(test)]
        if SIGN_AT_ONCE.get() {
            if let Some(t) = self.check(out) {
                self.explain(t, size, atoms, found);
            }
            return;
        }
        let known = self.seen.contains_key(&out);
        if known && self.queue.is_empty() {
            if let Some(&Some(t)) = self.seen.get(&out) {
                self.explain(t, size, atoms, found);
            }
            return;
        }
        if !known {
            self.prepare(out);
            // Known from now on (signed at the flush), as `check` would
            // have it.
            self.seen.insert(out, None);
        }
        let mut kept = [0; MAX_DEPTH];
        let len = atoms.len().min(MAX_DEPTH);
        kept[..len].copy_from_slice(&atoms[..len]);
        self.queue.push(Queued {
            out,
            fresh: !known,
            size,
            atoms: kept,
            len,
        });
        self.queue_fresh += usize::from(!known);
        // A long run of outcomes met before, behind one that waits, is
        // not kept waiting: the queue stays short.
        if self.queue_fresh == 2 || self.queue.len() >= MAX_QUEUE {
            self.flush(found);
        }
    }

    /// Signs the queued outcomes not signed yet (two at once where both
    /// are HMAC-SHA1) and adds the queued variants that match to `found`,
    /// in the order they were met.
    fn flush(&mut self, found: &mut Found) {
        let mut fresh = self.queue.iter().filter(|q| q.fresh).map(|q| q.out);
        match (fresh.next(), fresh.next()) {
            (Some(a), Some(b)) => {
                let (ra, rb) = self.compute_two(a, b);
                self.seen.insert(a, ra);
                self.seen.insert(b, rb);
            }
            (Some(a), None) => {
                let r = self.compute(a);
                self.seen.insert(a, r);
            }
            _ => {}
        }
        self.queue_fresh = 0;
        for q in std::mem::take(&mut self.queue) {
            if let Some(&Some(t)) = self.seen.get(&q.out) {
                self.explain(t, q.size, &q.atoms[..q.len], found);
            }
        }
    }

    /// [`Engine::compute`] of two outcomes: two HMAC-SHA1 tags are
    /// computed together ([`Sha1Started::tag_pair`]: each hash runs in
    /// the other's waits), anything else one after the other.
    fn compute_two(&mut self, a: Outcome, b: Outcome) -> (Option<usize>, Option<usize>) {
        // A started state exists only where a target is as long as the
        // digest's tag (Engine::started).
        let started = |e: &Self, out: Outcome| match (e.mode, e.prefixed.get(&e.prefix_of(out))) {
            (Mode::Hmac, Some(KeyedMac::Sha1(s))) => Some(*s),
            _ => None,
        };
        let (Some(sa), Some(sb)) = (started(self, a), started(self, b)) else {
            return (self.compute(a), self.compute(b));
        };
        let (ta, tb) = {
            let normalized = |out: Outcome| &self.parts[self.bases[out.0 as usize][2] as usize][..];
            Sha1Started::tag_pair((&sa, normalized(a)), (&sb, normalized(b)))
        };
        let matching = |tag: &[u8]| {
            self.targets
                .iter()
                .position(|t| signature::constant_time_eq(&t.bytes, tag))
        };
        (matching(&ta), matching(&tb))
    }

    /// The key, digest, method and URI of an HMAC outcome: which started
    /// state ([`Engine::prefixed`]) signs it.
    fn prefix_of(&self, (base, key, alg): Outcome) -> Prefix {
        let [mi, ui, _] = self.bases[base as usize];
        (key, alg, mi, ui)
    }

    /// The HMAC state of an HMAC outcome's key and digest with its method
    /// and URI absorbed (RFC 5849 §3.4.1.1: `method&uri&`), made once.
    fn started(&mut self, out: Outcome) {
        let alg = [HashAlg::Sha1, HashAlg::Sha256, HashAlg::Sha512][out.2 as usize];
        // No target has this digest's length: nothing is signed (compute).
        if !self.targets.iter().any(|t| t.bytes.len() == tag_len(alg)) {
            return;
        }
        let prefix = self.prefix_of(out);
        if self.prefixed.contains_key(&prefix) {
            return;
        }
        let [m, u, _] = self.bases[out.0 as usize].map(|i| &self.parts[i as usize][..]);
        let key = out.1;
        let mac = self
            .macs
            .entry((key, out.2))
            .or_insert_with(|| KeyedMac::new(alg, self.keys[key as usize].expose().as_bytes()));
        let started = mac.absorbed(&[m, b"&", u, b"&"]);
        self.prefixed.insert(prefix, started);
    }

    /// The target `out` reproduces, its HMAC states made beforehand
    /// ([`Engine::prepare`]).
    fn compute(&mut self, (base, key, alg): Outcome) -> Option<usize> {
        let alg = [HashAlg::Sha1, HashAlg::Sha256, HashAlg::Sha512][alg as usize];
        let [m, u, n] = self.bases[base as usize].map(|i| &self.parts[i as usize][..]);
        let whole = [m, b"&", u, b"&", n];
        let mut tag = [0u8; 64];
        let owned: Vec<u8>;
        let produced: &[u8] = match self.mode {
            Mode::BaseString => {
                owned = whole.concat();
                &owned
            }
            Mode::Plaintext => self.keys[key as usize].expose().as_bytes(),
            Mode::Rsa => {
                owned = alg.digest(&whole.concat());
                &owned
            }
            // RFC 2104 §2: an HMAC tag is as long as its digest (20, 32 or
            // 64 octets), and a target is compared whole: when no reading
            // of the target has that length (a SHA-256 tag against an
            // HMAC-SHA1 signature, `wrong-hash`), nothing is signed.
            Mode::Hmac if !self.targets.iter().any(|t| t.bytes.len() == tag_len(alg)) => {
                return None;
            }
            Mode::Hmac => {
                let prefix = self.prefix_of((base, key, alg_code(alg)));
                let len = self.prefixed[&prefix].tag(n, &mut tag);
                &tag[..len]
            }
        };
        self.targets.iter().position(|t| match self.mode {
            Mode::Rsa => t.bytes.ends_with(produced),
            _ => signature::constant_time_eq(&t.bytes, produced),
        })
    }

    /// The interned (base string, key, digest) a set of knobs leads to;
    /// parts the mode does not compare are left at 0.
    fn outcome(&mut self, k: &Knobs) -> Outcome {
        let declared = self.prep.method.hash().unwrap_or(HashAlg::Sha1);
        let alg = alg_code(k.hash.unwrap_or(declared));
        match self.mode {
            Mode::BaseString => (self.base_id(&k.s), 0, 0),
            Mode::Plaintext => (0, self.key_id(&k.k), 0),
            Mode::Rsa => (self.base_id(&k.s), 0, alg),
            Mode::Hmac => (self.base_id(&k.s), self.key_id(&k.k), alg),
        }
    }

    /// The base string a set of knobs leads to, written out.
    fn base_string(&mut self, k: &Knobs) -> String {
        let id = self.base_id(&k.s);
        let [m, u, n] = self.bases[id as usize].map(|i| self.parts[i as usize].clone());
        // The parts are UTF-8: the lossy reading is never needed, and
        // would copy them as they are.
        String::from_utf8([&m[..], b"&", &u, b"&", &n].concat())
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Interns one encoded part of a base string, built in `scratch`
    /// (whose room is counted with the interned copy).
    fn part_id(&mut self, text: &[u8], scratch: usize) -> u32 {
        // The text as built and its interned copy, at once.
        self.peak = self.peak.max(self.held + scratch + text.len());
        if let Some(&id) = self.part_ids.get(text) {
            return id;
        }
        self.hold(text.len() + ENTRY);
        let rc: Rc<[u8]> = Rc::from(text);
        let id = self.parts.len() as u32;
        self.parts.push(rc.clone());
        self.part_ids.insert(rc, id);
        id
    }

    /// RFC 5849 §3.4.1.1: `text` as the base string writes it: encoded
    /// by `outer`, or as it is when `raw`.
    fn encoded_part(&mut self, text: &[u8], outer: Enc, raw: bool) -> u32 {
        if raw {
            return self.part_id(text, text.len());
        }
        // One buffer for every part of the hunt: a part already interned
        // costs no allocation.
        let mut b = std::mem::take(&mut self.scratch);
        b.clear();
        // Every encoder writes UTF-8 (ASCII escapes, or the text as it was).
        outer_into(outer, text, &mut b);
        let id = self.part_id(&b, b.capacity());
        self.scratch = b;
        id
    }

    /// RFC 5849 §3.4.1.1 step 1: the method part, upper-cased (or, with
    /// `method-not-uppercased`, lower-cased unless it was sent with a
    /// lower-case letter), encoded by `outer`; built once per form.
    fn method_part(&mut self, lower: bool, outer: Enc) -> u32 {
        let slot = self.method_parts[outer as usize][lower as usize];
        if slot != u32::MAX {
            return slot;
        }
        let sent = &self.prep.method_as_sent;
        let method = if lower {
            if sent.bytes().any(|b| b.is_ascii_lowercase()) {
                sent.clone()
            } else {
                sent.to_ascii_lowercase()
            }
        } else {
            sent.to_ascii_uppercase()
        };
        let id = self.encoded_part(method.as_bytes(), outer, false);
        self.method_parts[outer as usize][lower as usize] = id;
        id
    }

    fn base_id(&mut self, s: &StrKnobs) -> u32 {
        if let Some(&id) = self.base_of.get(s) {
            return id;
        }
        // RFC 5849 §3.4.1.1: METHOD & encode(base string URI) & encode(normalized parameters).
        let m = self.method_part(s.method_lower, s.outer);
        let u = match self.enc_uris.get(&(s.uri, s.outer, s.uri_raw)) {
            Some(&id) => id,
            None => {
                let uri = self.uri(&s.uri);
                let id = self.encoded_part(uri.as_bytes(), s.outer, s.uri_raw);
                self.enc_uris.insert((s.uri, s.outer, s.uri_raw), id);
                self.hold(ENTRY);
                id
            }
        };
        let n = match self.enc_norms.get(&(s.norm, s.outer, s.not_reencoded)) {
            Some(&id) => id,
            None => {
                let (norm, inner) = self.normalized(&s.norm);
                let id = match self.enc_inner.get(&(inner, s.outer, s.not_reencoded)) {
                    Some(&id) => id,
                    None => {
                        let id = if s.not_reencoded {
                            self.encoded_part(&norm, s.outer, true)
                        } else {
                            self.encoded_norm(&norm, inner, s.outer)
                        };
                        self.enc_inner.insert((inner, s.outer, s.not_reencoded), id);
                        self.hold(ENTRY);
                        id
                    }
                };
                self.enc_norms
                    .insert((s.norm, s.outer, s.not_reencoded), id);
                self.hold(ENTRY);
                id
            }
        };
        let id = match self.base_ids.get(&[m, u, n]) {
            Some(&id) => id,
            None => {
                self.hold(ENTRY);
                let id = self.bases.len() as u32;
                self.bases.push([m, u, n]);
                self.base_ids.insert([m, u, n], id);
                id
            }
        };
        self.base_of.insert(*s, id);
        self.hold(ENTRY);
        id
    }

    /// RFC 5849 §3.4.1.2, with the base URI mistakes applied.
    fn uri(&mut self, u: &UriKnobs) -> Rc<str> {
        if let Some(s) = self.uris.get(u) {
            return s.clone();
        }
        let p = self.prep;
        let mut scheme = p.scheme.as_str();
        if u.scheme_swap {
            scheme = match scheme {
                "http" => "https",
                "https" => "http",
                other => other,
            };
        }
        // The client's normalized URL replaces host, port and path
        // (WHATWG URL Standard; `crate::client_url`).
        let client = match (u.client, &p.client) {
            (ClientUrl::SignedNormalized | ClientUrl::ServerSawNormalized, Some(c)) => Some(c),
            _ => None,
        };
        let typed = match (u.client, &p.typed_host) {
            (ClientUrl::SignedTypedHost, Some(h)) => Some(h),
            _ => None,
        };
        let as_sent = client.map_or(&p.host, |c| &c.0);
        let as_sent = typed.unwrap_or(as_sent);
        let mut host = if u.host_case {
            as_sent.clone()
        } else {
            as_sent.to_ascii_lowercase()
        };
        if u.www {
            host = match host
                .strip_prefix("www.")
                .or_else(|| host.strip_prefix("WWW."))
            {
                Some(rest) => rest.to_string(),
                None => format!("www.{host}"),
            };
        }
        let default = default_port(scheme);
        let sent_port = client.map_or(p.port, |c| c.1);
        let port = match u.port {
            PortHandling::Rfc => sent_port.filter(|n| Some(*n) != default),
            PortHandling::KeptDefault => sent_port.or(default),
            PortHandling::Dropped => None,
            PortHandling::PostmanDropped => sent_port.filter(|n| *n != 80 && *n != 443),
        };
        let sent_path = client.map_or(&p.path, |c| &c.2);
        let mut path = match u.path {
            PathHandling::Decoded => {
                String::from_utf8_lossy(&decode_lenient(sent_path, false).0).into_owned()
            }
            PathHandling::Lowercased => sent_path.to_ascii_lowercase(),
            PathHandling::AsSent => sent_path.clone(),
        };
        match u.slash {
            SlashHandling::Added if !path.ends_with('/') => path.push('/'),
            SlashHandling::Removed if path.ends_with('/') => {
                path.pop();
            }
            _ => {}
        }
        let mut s = format!("{scheme}://{host}");
        if let Some(n) = port {
            s.push_str(&format!(":{n}"));
        }
        s.push_str(&path);
        if let (true, Some(q)) = (u.keep_query, &p.query) {
            s.push('?');
            s.push_str(q);
        }
        self.hold(s.len() + ENTRY);
        let rc: Rc<str> = Rc::from(s);
        self.uris.insert(*u, rc.clone());
        rc
    }

    /// RFC 5849 §3.4.1.3.2, with encoding, sorting and joining mistakes.
    /// The collected parameters are streamed from the request's list
    /// ([`Prepared::collect_with`]) and encoded into one buffer sorted as
    /// spans of it: no copy of the list is made per variant.
    fn normalized(&mut self, n: &NormKnobs) -> (Rc<[u8]>, u32) {
        if let Some((s, _, id)) = self.norms.get(n) {
            return (s.clone(), *id);
        }
        let p = self.prep;
        let e = n.enc as usize;
        self.enc_uses[e] += 1;
        if self.slots[e].is_none() && self.enc_uses[e] >= 2 {
            let slots = Slots::of(p, n.enc);
            self.hold(slots.bytes());
            self.slots[e] = Some(slots);
        }
        let cache = self.slots[e].as_ref();
        let cached = cache.is_some();
        // Room for the request's parameters encoded (the bound `need`
        // counts), so that the buffers are not grown step by step.
        let z = p.sizes;
        let mut buf: Vec<u8> = Vec::with_capacity(z.plain + growth(n.enc) * z.other);
        let mut spans: Vec<Span> = Vec::with_capacity(z.count + 2);
        let push = |buf: &mut Vec<u8>, spans: &mut Vec<Span>, name: &[u8], value: &[u8], src| {
            let start = buf.len() as u32;
            enc_into(n.enc, name, buf);
            let mid = buf.len() as u32;
            enc_into(n.enc, value, buf);
            spans.push(Span {
                start,
                mid,
                end: buf.len() as u32,
                tag: NO_KEY << 2 | rank(src),
            });
        };
        // A parameter as sent is copied as its slot was encoded.
        let push_slot =
            |buf: &mut Vec<u8>, spans: &mut Vec<Span>, cache: &Slots, slot: u32, src| {
                let [a, m, z] = cache.spans[slot as usize];
                let start = buf.len() as u32;
                buf.extend_from_slice(&cache.buf[a as usize..z as usize]);
                spans.push(Span {
                    start,
                    mid: start + (m - a),
                    end: buf.len() as u32,
                    tag: cache.order[slot as usize] << 2 | rank(src),
                });
            };
        let mut transient = 0;
        if n.sort == Sort::RawName {
            // Sorted by the decoded octets, then encoded in that order.
            let mut raw: Vec<u8> = Vec::new();
            let mut rs: Vec<Span> = Vec::new();
            p.collect_with(&n.coll, &mut |name, value, src, _| {
                let start = raw.len() as u32;
                raw.extend_from_slice(&name);
                let mid = raw.len() as u32;
                raw.extend_from_slice(&value);
                rs.push(Span {
                    start,
                    mid,
                    end: raw.len() as u32,
                    tag: rank(src),
                });
            });
            rs.sort_by(|a, b| a.pair(&raw).cmp(&b.pair(&raw)));
            spans.reserve_exact(rs.len());
            for s in &rs {
                let (name, value) = s.pair(&raw);
                push(&mut buf, &mut spans, name, value, Source::Query);
                spans.last_mut().expect("just pushed").tag = NO_KEY << 2 | s.rank();
            }
            transient += raw.capacity() + 2 * rs.capacity() * std::mem::size_of::<Span>();
        } else {
            p.collect_with(&n.coll, &mut |name, value, src, slot| match cache {
                Some(c) if slot != NO_SLOT => push_slot(&mut buf, &mut spans, c, slot, src),
                _ => push(&mut buf, &mut spans, &name, &value, src),
            });
        }
        {
            let b = buf.as_slice();
            match n.sort {
                // Two parameters as sent compare by their places in the
                // order of all of them, which is this very order.
                Sort::Rfc => spans.sort_unstable_by(|x, y| match (x.key(), y.key()) {
                    (NO_KEY, _) | (_, NO_KEY) => x.pair(b).cmp(&y.pair(b)),
                    (kx, ky) => kx.cmp(&ky),
                }),
                Sort::AsCollected | Sort::RawName => {}
                Sort::HeaderFirst => spans.sort_by_key(|s| s.rank()),
                Sort::NameOnly => spans.sort_by(|x, y| x.pair(b).0.cmp(y.pair(b).0)),
                Sort::CaseInsensitive => spans.sort_by(|x, y| {
                    let (xn, xv) = x.pair(b);
                    let (yn, yv) = y.pair(b);
                    xn.iter()
                        .map(u8::to_ascii_lowercase)
                        .cmp(yn.iter().map(u8::to_ascii_lowercase))
                        .then_with(|| xv.cmp(yv))
                }),
                Sort::PairString => spans.sort_by(|x, y| {
                    let (xn, xv) = x.pair(b);
                    let (yn, yv) = y.pair(b);
                    let xs = xn.iter().chain(b"=").chain(xv);
                    let ys = yn.iter().chain(b"=").chain(yv);
                    xs.cmp(ys)
                }),
            }
        }
        let sep = if n.comma { b',' } else { b'&' };
        let mut s: Vec<u8> = Vec::with_capacity(buf.len() + 2 * spans.len());
        // Where each pair lies in `s`, with its place in the slots' order,
        // for `Engine::encoded_norm`.
        self.pieces.clear();
        self.pieces_of = None;
        for (i, span) in spans.iter().enumerate() {
            if i > 0 {
                s.push(sep);
            }
            let start = s.len() as u32;
            s.extend_from_slice(&buf[span.start as usize..span.mid as usize]);
            s.push(b'=');
            s.extend_from_slice(&buf[span.mid as usize..span.end as usize]);
            if cached {
                self.pieces.push([span.key(), start, s.len() as u32]);
            }
        }
        // The stable sorts take up to one more list of spans as scratch.
        transient += buf.capacity() + 2 * spans.capacity() * std::mem::size_of::<Span>();
        self.peak = self.peak.max(self.held + transient + s.capacity());
        drop(buf);
        drop(spans);
        self.hold(ENTRY);
        let (rc, (id, other)) = match self.inner_ids.get_key_value(s.as_slice()) {
            Some((rc, &v)) => (rc.clone(), v),
            None => {
                self.hold(s.len() + ENTRY);
                let other = not_plain(&s);
                let rc: Rc<[u8]> = Rc::from(s);
                let v = (self.inner_ids.len() as u32, other);
                self.inner_ids.insert(rc.clone(), v);
                (rc, v)
            }
        };
        self.norms.insert(*n, (rc.clone(), other, id));
        if cached {
            self.pieces_of = Some((id, n.enc));
        }
        (rc, id)
    }

    /// RFC 5849 §3.4.1.1: the normalized string `norm` (interned as
    /// `inner`) encoded by `outer`, pair by pair when it is the one
    /// [`Engine::normalized`] has just built from slots: a pair as sent
    /// is copied as [`Slots::outer`] encoded it once, the rest encoded
    /// here. Every encoder but [`Enc::Latin1`] (which reads the whole text
    /// to choose between Latin-1 and UTF-8) writes a text piece by piece
    /// as it writes it whole.
    fn encoded_norm(&mut self, norm: &[u8], inner: u32, outer: Enc) -> u32 {
        let Some((of, e)) = self.pieces_of else {
            return self.encoded_part(norm, outer, false);
        };
        if of != inner || outer == Enc::Latin1 {
            return self.encoded_part(norm, outer, false);
        }
        let Some(slots) = self.slots[e as usize].as_mut() else {
            return self.encoded_part(norm, outer, false);
        };
        let (added, (bytes, ends)) = slots.outer(outer);
        // `Engine::hold`, with the slots borrowed.
        self.held += added;
        self.peak = self.peak.max(self.held);
        let mut b = std::mem::take(&mut self.scratch);
        b.clear();
        let mut last = 0usize;
        for (i, &[key, start, end]) in self.pieces.iter().enumerate() {
            if i > 0 {
                outer_into(outer, &norm[last..start as usize], &mut b);
            }
            if key == NO_KEY {
                outer_into(outer, &norm[start as usize..end as usize], &mut b);
            } else {
                let (a, z) = (ends[key as usize] as usize, ends[key as usize + 1] as usize);
                b.extend_from_slice(&bytes[a..z]);
            }
            last = end as usize;
        }
        debug_assert_eq!(b, {
            let mut whole = Vec::new();
            outer_into(outer, norm, &mut whole);
            whole
        });
        let id = self.part_id(&b, b.capacity());
        self.scratch = b;
        id
    }

    /// RFC 5849 §3.4.2: the key, with the key mistakes applied.
    fn key_id(&mut self, k: &KeyKnobs) -> u32 {
        if let Some(&id) = self.key_of.get(k) {
            return id;
        }
        let (cs, ts) = (
            self.prep.consumer_secret.expose(),
            self.prep.token_secret.expose(),
        );
        // The secrets as this mistake leaves them: trimmed, emptied, or
        // followed by one more character, kept apart (borrowed text, then
        // that character) rather than copied.
        let (cs, cs_tail, ts, ts_tail) = match k.text {
            SecretText::ConsumerNewline => (cs, "\n", ts, ""),
            SecretText::ConsumerSpace => (cs, " ", ts, ""),
            SecretText::TokenNewline => (cs, "", ts, "\n"),
            SecretText::TokenSpace => (cs, "", ts, " "),
            SecretText::ConsumerTrimmed => (cs.trim(), "", ts, ""),
            SecretText::TokenTrimmed => (cs, "", ts.trim(), ""),
            SecretText::BlankTokenEmptied => (cs, "", "", ""),
            SecretText::AsGiven => (cs, "", ts, ""),
        };
        // Each secret as it is or encoded (RFC 5849 §3.4.2 encodes both),
        // straight into one buffer that is wiped when dropped, sized for
        // the most the encoder can make of them so that it never moves
        // (a move would free a copy unwiped). A secret and its extra
        // character are encoded in turn, which gives the octets the joined
        // text would: most encoders map octet by octet, `Raw` passes valid
        // UTF-8 through, and `Latin1`, which decides for a whole text
        // whether to narrow it, writes the only extra characters there
        // are, `\n` and a space, as `%0A` and `%20` either way.
        let mut key = Zeroizing::new(Vec::with_capacity(key_room(k.enc, cs, ts)));
        let put = |key: &mut Vec<u8>, text: &str| {
            if k.raw {
                key.extend_from_slice(text.as_bytes());
            } else {
                enc_into(k.enc, text.as_bytes(), key);
            }
        };
        let ((first, first_tail), second) = match k.shape {
            KeyShape::Swapped => ((ts, ts_tail), (cs, cs_tail)),
            _ => ((cs, cs_tail), (ts, ts_tail)),
        };
        // What joins the first secret to the rest, and whether the second follows.
        let (join, both): (&[u8], bool) = match k.shape {
            KeyShape::Rfc | KeyShape::Swapped => (b"&", true),
            KeyShape::NoAmpersand => (b"", true),
            KeyShape::TokenSecretOmitted => (b"&", false),
            KeyShape::NullText => (b"&null", false),
            KeyShape::UndefinedText => (b"&undefined", false),
        };
        put(&mut key, first);
        put(&mut key, first_tail);
        key.extend_from_slice(join);
        if both {
            put(&mut key, second.0);
            put(&mut key, second.1);
        }
        let id = match self
            .keys
            .iter()
            .position(|x| x.expose().as_bytes() == &key[..])
        {
            Some(i) => i as u32,
            None => {
                // Always UTF-8 (see `enc_into`); moved, not copied, into
                // the `Secret` that wipes it.
                let text = String::from_utf8(std::mem::take(&mut *key))
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                self.keys.push(crate::Secret::new(text));
                self.keys.len() as u32 - 1
            }
        };
        self.key_of.insert(*k, id);
        id
    }

    /// The explanation as catalogue entries with their forms, in pipeline order.
    fn describe(&self, atoms: &[usize], target: usize) -> Vec<Applied> {
        let cat = catalogue::catalogue();
        let mut out: Vec<(usize, Applied)> = atoms
            .iter()
            .map(|&a| {
                let atom = self.atoms[a];
                let m = &cat[atom.mistake];
                (
                    atom.mistake,
                    Applied {
                        id: m.id,
                        stage: m.stage,
                        form: self.form(atom.op),
                    },
                )
            })
            .collect();
        if let Some((o, form)) = &self.targets[target].output {
            out.push((
                *o,
                Applied {
                    id: cat[*o].id,
                    stage: cat[*o].stage,
                    form: form.clone(),
                },
            ));
        }
        out.sort_by_key(|(i, _)| *i);
        out.into_iter().map(|(_, a)| a).collect()
    }

    fn form(&self, op: Op) -> Option<String> {
        let p = self.prep;
        let text = match op {
            Op::Client(ClientUrl::SignedTypedHost) => format!(
                "signed the host as typed ({}); the client sent {}",
                p.typed_host.as_deref().unwrap_or_default(),
                p.host
            ),
            Op::Client(_) => {
                let (host, port, path) = p.client.as_ref()?;
                let port = port.map(|n| format!(":{n}")).unwrap_or_default();
                let normalized = format!("{host}{port}{path}");
                if p.hunted == Hunted::RequestSignature {
                    format!(
                        "signed {normalized}; the request was sent to {}{}",
                        p.host, p.path
                    )
                } else {
                    format!(
                        "the server saw {normalized}; the request was signed for {}{}",
                        p.host, p.path
                    )
                }
            }
            Op::Encode(_, true) => {
                "everywhere it encodes: names, values, base string URI, normalized string and key"
                    .to_string()
            }
            Op::Encode(_, false) => "parameter names and values only".to_string(),
            Op::Order(Sort::AsCollected) => "order of appearance: query, body, header".to_string(),
            Op::Order(Sort::HeaderFirst) => "order of appearance: header, query, body".to_string(),
            Op::PreEncoded(i) | Op::NotSigned(i) => {
                let q = &p.params[i as usize];
                format!("parameter {} ({})", q.name_str(), q.source.as_str())
            }
            Op::NotSignedPair(i, j) => {
                let (a, b) = (&p.params[i as usize], &p.params[j as usize]);
                format!(
                    "parameters {} ({}) and {} ({})",
                    a.name_str(),
                    a.source.as_str(),
                    b.name_str(),
                    b.source.as_str()
                )
            }
            Op::SignedNotSent(i) => {
                let q = &p.params[*p.unsent.get(i as usize)? as usize];
                format!("{}= (empty) signed but not sent", q.name_str())
            }
            Op::Duplicates(d) => {
                let mut count: HashMap<&[u8], usize> = HashMap::default();
                for q in &p.params {
                    *count.entry(&q.name[..]).or_insert(0) += 1;
                }
                let mut names: Vec<String> = Vec::new();
                for q in &p.params {
                    let n = count.get(&q.name[..]).copied().unwrap_or(0);
                    let listed = names.iter().any(|x| x.as_bytes() == &q.name[..]);
                    if (n > 1 || q.name.ends_with(b"[]")) && !listed {
                        names.push(q.name_str());
                    }
                }
                let shown = names.iter().take(3).cloned().collect::<Vec<_>>();
                match d {
                    Duplicates::Indexed => shown
                        .iter()
                        .map(|n| {
                            let base = n.strip_suffix("[]").unwrap_or(n);
                            format!("{n} → {base}[0], {base}[1], …")
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    Duplicates::FirstWins => format!("first value kept: {}", shown.join(", ")),
                    _ => return None,
                }
            }
            Op::NamesRaw => {
                let names: Vec<String> = p
                    .params
                    .iter()
                    .filter(|q| q.source != Source::Header && q.raw_name().contains('%'))
                    .take(3)
                    .map(|q| {
                        format!(
                            "{} signed as {}",
                            q.raw_name(),
                            enc(Enc::Rfc, q.raw_name().as_bytes())
                        )
                    })
                    .collect();
                names.join(", ")
            }
            Op::Utf8Double => {
                let q = p
                    .params
                    .iter()
                    .find(|q| !q.name.is_ascii() || !q.value.is_ascii())?;
                let text = if q.value.is_ascii() {
                    &q.name
                } else {
                    &q.value
                };
                let twice = latin1_as_utf8(text);
                format!(
                    "parameter {}: {} signed as {}",
                    q.name_str(),
                    enc(Enc::Rfc, text),
                    enc(Enc::Rfc, &twice)
                )
            }
            Op::Timestamp(t) => {
                let sent = p.params.iter().find(|q| q.name == b"oauth_timestamp")?;
                let signed = signed_timestamp(t, &sent.value)?;
                format!("sent {}, signed {signed}", sent.value_str())
            }
            Op::KeyPadding(KeyPadding::Leading) => "leading space".to_string(),
            Op::KeyPadding(_) => "trailing space".to_string(),
            Op::Port(PortHandling::KeptDefault) => match p.port {
                Some(n) => format!("kept :{n}"),
                None => match default_port(&p.scheme) {
                    Some(n) => format!("added :{n}"),
                    None => return None,
                },
            },
            Op::KeyShape(KeyShape::NullText) => "`null`".to_string(),
            Op::KeyShape(KeyShape::UndefinedText) => "`undefined`".to_string(),
            Op::SecretText(t) => match t {
                SecretText::ConsumerNewline => "consumer secret + newline",
                SecretText::ConsumerSpace => "consumer secret + space",
                SecretText::TokenNewline => "token secret + newline",
                SecretText::TokenSpace => "token secret + space",
                SecretText::ConsumerTrimmed => "consumer secret trimmed",
                SecretText::TokenTrimmed => "token secret trimmed",
                SecretText::BlankTokenEmptied | SecretText::AsGiven => return None,
            }
            .to_string(),
            Op::Hash(h) => format!("signed with {}", h.as_str()),
            _ => return None,
        };
        Some(text)
    }

    /// What a failed hunt can honestly say.
    fn no_match_notes(&self, depth: usize, secrets: &Secrets) -> (Vec<String>, Vec<String>) {
        let mut ruled = Vec::new();
        let mut hints = Vec::new();
        if self.targets.is_empty() && self.mode == Mode::Rsa {
            ruled.push(
                "every decoding of the signature: none opens under this RSA public key".to_string(),
            );
            hints.push(
                "the public key may not belong to the private key that signed (the signature does not even fit its modulus): check the certificate the server holds".to_string(),
            );
            return (ruled, hints);
        }
        if self.targets.is_empty() {
            ruled.push(
                "the target is not standard base64, URL-safe base64, hex or base64 of hex, so it cannot be a digest".to_string(),
            );
            hints.push("check that the whole oauth_signature was copied".to_string());
            return (ruled, hints);
        }
        ruled.push("the correct RFC 5849 signature".to_string());
        let mut ids: Vec<usize> = self.atoms.iter().map(|a| a.mistake).collect();
        ids.dedup();
        if depth >= 1 {
            ruled.push(format!(
                "each of the {} catalogue mistakes that change something for this request",
                ids.len()
            ));
        }
        if depth >= 2 {
            let bounded = self.atoms.iter().any(|a| a.op.reach() < depth);
            ruled.push(format!(
                "every combination of up to {depth} of them{} ({} variants tried)",
                if bounded {
                    ", a parameter left out (param-not-signed) joining at most one other"
                } else {
                    ""
                },
                self.tried
            ));
        }
        if self.mode != Mode::BaseString {
            ruled.push(
                "the output forms: hex, base64 of hex, URL-safe base64, double percent-encoding, `+` sent as a space".to_string(),
            );
        }
        let p = self.prep;
        match self.mode {
            Mode::BaseString => hints.push(
                "the server's base string differs in a way no catalogue mistake explains: compare it with correct_base_string".to_string(),
            ),
            Mode::Rsa => hints.push(
                "the public key may not belong to the private key that signed (check the certificate the server holds)".to_string(),
            ),
            _ => {
                let len = |s: &Option<crate::Secret>| s.as_ref().map_or(0, |s| s.len());
                hints.push(format!(
                    "the consumer secret ({} chars) may not be the one the signer used",
                    len(&secrets.consumer_secret)
                ));
                if p.has("oauth_token") && p.token_secret.is_empty() {
                    hints.push("the request carries oauth_token but no token secret was given: pass the token secret".to_string());
                } else if p.has("oauth_token") {
                    hints.push(format!(
                        "the token secret ({} chars) may not belong to this oauth_token (request token vs access token)",
                        p.token_secret.len()
                    ));
                }
            }
        }
        if self.mode != Mode::BaseString && self.mode != Mode::Plaintext {
            hints.push(
                "the signer may have signed other oauth_consumer_key, oauth_token, oauth_timestamp or oauth_nonce values than it sent: compare with its log".to_string(),
            );
            if let Some(t) = self.targets.iter().find(|t| t.output.is_none()) {
                let declared = p.method.hash().map_or(0, |h| h.digest(b"").len());
                if self.mode == Mode::Hmac && t.bytes.len() != declared {
                    hints.push(format!(
                        "the signature is {} bytes long, not the {declared} of {}",
                        t.bytes.len(),
                        p.method
                    ));
                }
            }
        }
        (ruled, hints)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn not_plain_counts_the_octets_is_plain_does_not_keep() {
        for b in 0..=255u8 {
            assert_eq!(not_plain(&[b]), !is_plain(b) as usize, "{b:#x}");
        }
        // Over several runs of 255 octets.
        let text: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
        assert_eq!(
            not_plain(&text),
            text.iter().filter(|b| !is_plain(**b)).count()
        );
    }

    fn photos(sig: &str) -> Request {
        Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
            .with_header("Authorization", format!("OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"{sig}\""))
    }

    fn secrets() -> Secrets {
        Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00")
    }

    /// RFC 5849 §1.2: the photos example signs with no mistake.
    #[test]
    fn rfc5849_1_2_example_is_no_mistake() {
        let r = hunt(
            &photos("MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"),
            &secrets(),
            &HuntOptions::default(),
        )
        .unwrap();
        assert!(r.matched);
        assert!(r.mistakes.is_empty());
        assert_eq!(r.explanations, vec![Vec::<&str>::new()]);
        assert_eq!(r.tried, 1);
        assert_eq!(
            r.correct_base_string,
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
        );
    }

    #[test]
    fn hex_signature_is_found_by_the_cheap_check() {
        let hex = "31da50714f223d25235a837f50332c2b6b2e8bd2";
        let r = hunt(&photos(hex), &secrets(), &HuntOptions::default()).unwrap();
        assert_eq!(r.mistakes, ["signature-hex"]);
    }

    #[test]
    fn issue11_variant_budget_cuts_the_search_short_and_says_so() {
        let request = photos("MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D");
        let wrong = Secrets::shared("wrong", "pfkkdhi9sl3r4s00");
        let full = hunt(&request, &wrong, &HuntOptions::default()).unwrap();
        assert!(!full.budget.exhausted && full.budget.limit.is_none());
        assert_eq!(full.budget.depth_completed, 2);
        assert_eq!(full.budget.candidates_tried, full.tried);
        let planned = full.budget.candidates_planned.unwrap();
        assert!(full.tried <= planned, "{} > {planned}", full.tried);
        for cap in [1, 7, 40] {
            let options = HuntOptions {
                budget: Budget {
                    variants: Some(cap),
                    ..Budget::default()
                },
                ..HuntOptions::default()
            };
            let r = hunt(&request, &wrong, &options).unwrap();
            assert!(r.budget.exhausted, "cap {cap}");
            assert_eq!(r.budget.limit, Some(Limit::Variants));
            assert_eq!(r.tried, cap, "the search stops at the cap");
            assert!(r.budget.depth_completed < 2);
            assert!(!r.matched && r.mistakes.is_empty());
            assert!(r.to_string().contains("cut short"), "{r}");
        }
    }

    /// Issue 11: a request whose first variant alone would go past the
    /// memory budget is not searched; the result says so and still gives
    /// the RFC 5849 base string.
    #[test]
    fn issue11_request_too_big_for_the_memory_budget_is_not_searched() {
        let query: Vec<String> = (0..2000).map(|i| format!("p{i}=v%20{i}")).collect();
        let request = Request::new(
            "GET",
            format!("http://photos.example.net/photos?{}", query.join("&")),
        )
        .with_header("Authorization", "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"AAAA\"");
        let limit = 64 << 10;
        let options = HuntOptions {
            budget: Budget {
                memory: limit,
                ..Budget::default()
            },
            ..HuntOptions::default()
        };
        let r = hunt(&request, &secrets(), &options).unwrap();
        assert!(!r.matched);
        assert_eq!(r.tried, 0);
        assert!(r.budget.exhausted);
        assert_eq!(r.budget.limit, Some(Limit::Memory));
        assert!(r.budget.memory_bytes <= limit);
        let walk = crate::pipeline::run(&request, &secrets(), Default::default()).unwrap();
        assert_eq!(r.correct_base_string, walk.base_string);
        // With room, the same request is searched.
        let r = hunt(&request, &secrets(), &HuntOptions::default()).unwrap();
        assert!(r.tried > 0);
        assert_eq!(r.correct_base_string, walk.base_string);
    }

    #[test]
    fn issue11_memory_budget_is_never_exceeded() {
        let request = photos("MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D");
        let wrong = Secrets::shared("wrong", "pfkkdhi9sl3r4s00");
        let full = hunt(&request, &wrong, &HuntOptions::default()).unwrap();
        let limit = full.budget.memory_bytes / 3;
        let options = HuntOptions {
            budget: Budget {
                memory: limit,
                ..Budget::default()
            },
            ..HuntOptions::default()
        };
        let r = hunt(&request, &wrong, &options).unwrap();
        assert!(r.budget.exhausted);
        assert_eq!(r.budget.limit, Some(Limit::Memory));
        assert!(r.tried < full.tried);
        assert!(
            r.budget.memory_bytes <= limit,
            "{} > {limit}",
            r.budget.memory_bytes
        );
    }

    /// Every key variant (RFC 5849 §3.4.2 mistakes) equals the secrets
    /// altered, joined and then encoded as one text, for every encoder,
    /// shape and alteration, on secrets with spaces, Latin-1 and wider
    /// characters; and is shorter than the room `key_id` sets aside for it
    /// ([`key_room`]: a buffer that moved would leave a copy unwiped).
    #[test]
    fn key_variants_equal_the_joined_text_encoded() {
        let pairs = [
            (" caf\u{e9} \u{f1}x ", "t\u{f8}ken \u{fc}"),
            ("kd94hf93k423kf44", " "),
            ("\u{20ac}uro~*", "\u{1d11e} \u{e9}"),
            ("", ""),
        ];
        let shapes = [
            KeyShape::Rfc,
            KeyShape::NoAmpersand,
            KeyShape::TokenSecretOmitted,
            KeyShape::Swapped,
            KeyShape::NullText,
            KeyShape::UndefinedText,
        ];
        let texts = [
            SecretText::AsGiven,
            SecretText::ConsumerNewline,
            SecretText::ConsumerSpace,
            SecretText::TokenNewline,
            SecretText::TokenSpace,
            SecretText::ConsumerTrimmed,
            SecretText::TokenTrimmed,
            SecretText::BlankTokenEmptied,
        ];
        let request = photos("MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D");
        let enc_str = |e: Enc, x: &str| enc(e, x.as_bytes());
        for (cs, ts) in pairs {
            let prep = Prepared::new(&request, None, &Secrets::shared(cs, ts)).unwrap();
            let mut e = Engine::new(&prep, Mode::Hmac, Vec::new(), Budget::default());
            let mut cases = Vec::new();
            for enc in super::super::encoders::ALL {
                for raw in [false, true] {
                    for shape in shapes {
                        cases.extend(texts.map(|text| (enc, raw, shape, text)));
                    }
                }
            }
            for (enc, raw, shape, text) in cases {
                let (mut c, mut t) = (cs.to_string(), ts.to_string());
                match text {
                    SecretText::ConsumerNewline => c.push('\n'),
                    SecretText::ConsumerSpace => c.push(' '),
                    SecretText::TokenNewline => t.push('\n'),
                    SecretText::TokenSpace => t.push(' '),
                    SecretText::ConsumerTrimmed => c = c.trim().to_string(),
                    SecretText::TokenTrimmed => t = t.trim().to_string(),
                    SecretText::BlankTokenEmptied => t.clear(),
                    SecretText::AsGiven => {}
                }
                let e_ = |x: &str| if raw { x.to_string() } else { enc_str(enc, x) };
                let want = match shape {
                    KeyShape::NoAmpersand => format!("{}{}", e_(&c), e_(&t)),
                    KeyShape::TokenSecretOmitted => format!("{}&", e_(&c)),
                    KeyShape::Swapped => format!("{}&{}", e_(&t), e_(&c)),
                    KeyShape::NullText => format!("{}&null", e_(&c)),
                    KeyShape::UndefinedText => format!("{}&undefined", e_(&c)),
                    KeyShape::Rfc => format!("{}&{}", e_(&c), e_(&t)),
                };
                let k = KeyKnobs {
                    enc,
                    raw,
                    shape,
                    text,
                };
                let id = e.key_id(&k) as usize;
                let case = format!("{cs:?} {ts:?} {k:?}");
                assert_eq!(e.keys[id].expose(), want, "{case}");
                // The room key_id sets aside, and the one octet more a
                // table encoder writes past its text.
                assert!(want.len() < key_room(enc, cs, ts), "{case}");
            }
        }
    }

    /// The queue itself, fed outcomes in every order it can meet them: new
    /// ones, one met again while it waits, one signed before, matching or
    /// not. The explanations come out as from signing each at once, in the
    /// order met.
    #[test]
    fn queued_outcomes_keep_the_order_they_were_met() {
        // The RFC base string sent to port 443: the outcome without the
        // port matches, every other does not.
        let base = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal";
        let mut mac =
            Hmac::<sha1::Sha1>::new_from_slice(b"kd94hf93k423kf44&pfkkdhi9sl3r4s00").unwrap();
        mac.update(base.as_bytes());
        let sig = crate::encode::encode(&B64.encode(mac.finalize().into_bytes()));
        let photos_443 = photos(&sig);
        let request = Request {
            url: photos_443.url.replacen("net/", "net:443/", 1),
            ..photos_443
        };
        let prep = Prepared::new(&request, None, &secrets()).unwrap();
        let targets = || decode_targets(prep.carried.as_deref().unwrap(), Mode::Hmac, None);
        // Outcomes of single mistakes: the first that matches, and others.
        let mut probe = Engine::new(&prep, Mode::Hmac, targets(), Budget::default());
        let (mut outcomes, mut knobs) = (Vec::new(), Vec::new());
        for (_, op) in candidate_ops(&prep, Mode::Hmac) {
            let mut k = Knobs::default();
            op.apply(&mut k);
            let out = probe.variant(&k);
            if !outcomes.contains(&out) {
                outcomes.push(out);
                knobs.push(k);
            }
        }
        let matching = outcomes
            .iter()
            .position(|&o| probe.check(o).is_some())
            .expect("dropping the port matches");
        let others: Vec<Outcome> = outcomes
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != matching)
            .map(|(_, &o)| o)
            .take(4)
            .collect();
        let m = outcomes[matching];
        let [a, b, c, d]: [Outcome; 4] = others[..].try_into().expect("four other outcomes");
        drop(probe);
        // The last: one waiting outcome met again past the queue's length.
        let long_run = [m; MAX_QUEUE + 7];
        let orders: [&[Outcome]; 7] = [
            &[m, a, m, b],
            &[a, m, m, m, b, m],
            &[a, b, m, c, m],
            &[m, m],
            &[a, m, b, c, d, m, a, m],
            &[a, b, c, m],
            &long_run,
        ];
        for order in orders {
            let run = |at_once: bool| {
                let mut e = Engine::new(&prep, Mode::Hmac, targets(), Budget::default());
                // Outcomes are interned per engine: intern them again, in the same order.
                for (_, op) in candidate_ops(&prep, Mode::Hmac) {
                    let mut k = Knobs::default();
                    op.apply(&mut k);
                    e.outcome(&k);
                }
                let mut found = Vec::new();
                SIGN_AT_ONCE.set(at_once);
                for (i, &out) in order.iter().enumerate() {
                    // As the search meets it: counted, then checked.
                    let k = knobs[outcomes.iter().position(|&o| o == out).unwrap()];
                    assert_eq!(e.variant(&k), out);
                    e.check_later(out, 1, &[i], &mut found);
                }
                e.flush(&mut found);
                SIGN_AT_ONCE.set(false);
                (found, e.held, e.peak, e.seen.len(), e.tried)
            };
            let (queued, at_once) = (run(false), run(true));
            assert_eq!(queued, at_once, "{order:?}");
            let matches = order.iter().filter(|&&o| o == m).count();
            assert_eq!(queued.0.len(), matches, "{order:?}");
        }
    }

    #[test]
    fn signing_two_outcomes_at_once_changes_no_answer() {
        // Signatures made with the `hmac` crate over mistaken base strings
        // and keys of the RFC 5849 §1.2 request, several of which more
        // than one set of mistakes explains, and a wrong secret: queued
        // and signed two at a time (HMAC-SHA1 together), the hunt gives
        // the very result (mistakes, alternatives, variants tried, bytes
        // held) it gives signing each outcome the moment it is met.
        let base = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal";
        let lower = base.replacen("GET", "get", 1);
        let unsorted = base.replace(
            "file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03",
            "oauth_consumer_key%3Ddpf43f3p2l4k3l03%26file%3Dvacation.jpg",
        );
        let signed: [(&str, &str); 6] = [
            (&lower, "kd94hf93k423kf44&pfkkdhi9sl3r4s00"),
            (base, "kd94hf93k423kf44&"),
            (base, "kd94hf93k423kf44"),
            (&unsorted, "kd94hf93k423kf44&pfkkdhi9sl3r4s00"),
            (&lower, "kd94hf93k423kf44&"),
            (base, "wrong&secret"),
        ];
        // Sent to port 443 over http and signed without the port: two
        // mistakes explain it alike, and their order is part of the answer.
        fn on_443_photos(sig: &str) -> Request {
            let r = photos(sig);
            Request {
                url: r.url.replacen("net/", "net:443/", 1),
                ..r
            }
        }
        let requests = signed
            .iter()
            .map(|&(text, key)| (text, key, photos as fn(&str) -> Request))
            .chain([(
                base,
                "kd94hf93k423kf44&pfkkdhi9sl3r4s00",
                on_443_photos as fn(&str) -> Request,
            )]);
        for (text, key, request_for) in requests {
            let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(text.as_bytes());
            let sig = B64.encode(mac.finalize().into_bytes());
            let request = request_for(&crate::encode::encode(&sig));
            for depth in [1, 2, 3] {
                let options = HuntOptions {
                    depth,
                    ..HuntOptions::default()
                };
                SIGN_AT_ONCE.set(true);
                let at_once = hunt(&request, &secrets(), &options).unwrap();
                SIGN_AT_ONCE.set(false);
                let queued = hunt(&request, &secrets(), &options).unwrap();
                assert_eq!(queued, at_once, "{text} {key} depth {depth}");
            }
        }
    }

    #[test]
    fn issue11_a_budget_does_not_change_a_match_found_within_it() {
        let signed = "get&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal";
        let sig = crate::signature::sign(SignatureMethod::HmacSha1, signed, &secrets()).unwrap();
        let request = photos(&crate::encode::encode(&sig));
        let options = HuntOptions {
            budget: Budget::new(Duration::from_secs(3600), 64 << 20),
            ..HuntOptions::default()
        };
        let r = hunt(&request, &secrets(), &options).unwrap();
        assert_eq!(r.mistakes, ["method-not-uppercased"]);
        assert!(!r.budget.exhausted);
    }

    #[test]
    fn wrong_secret_matches_nothing_and_names_no_cause() {
        let r = hunt(
            &photos("MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"),
            &Secrets::shared("wrong", "pfkkdhi9sl3r4s00"),
            &HuntOptions::default(),
        )
        .unwrap();
        assert!(!r.matched);
        assert!(r.mistakes.is_empty() && r.explanations.is_empty());
        assert_eq!(r.base_string, None);
        assert!(r.suggestions.iter().any(|s| s.contains("consumer secret")));
        assert!(r.tried > 100, "{}", r.tried);
    }

    /// Every searched catalogue entry is a set of named variants ([`Op`]),
    /// no variant belongs to two ids, and entries the hunt does not vary
    /// have none.
    #[test]
    fn each_variant_has_one_catalogue_id() {
        let header = |extra: &str| {
            format!(
                r#"OAuth realm="R", oauth_consumer_key="k", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_nonce="n", oauth_signature="x"{extra}"#
            )
        };
        let rich = Request::new("POST", "http://Api.Example.test:8080/A%2Fb/?q=a+b&e=%C3%A9")
            .with_header(
                "Authorization",
                header(r#", oauth_token="t", oauth_version="1.0", oauth_callback="oob", oauth_body_hash="h""#),
            )
            .with_header("Content-Type", "text/plain")
            .with_body("a=1&b=2");
        let two_legged = Request::new("GET", "https://api.example.test/a")
            .with_header("Authorization", header(""));
        let client_normalized = Request::new("GET", "https://xn--bcher-kva.test/a/./b/../c")
            .with_header("Authorization", header(""));
        // Repeated and `[]` names, an escaped name, non-ASCII text, a
        // millisecond timestamp; then a fractional one.
        let collected = |ts: &str| {
            Request::new(
                "POST",
                "https://api.example.test/a?b=1&b=2&c%5B%5D=3&d=%C3%A9&e=5",
            )
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body("f=6&g=")
            .with_header(
                "Authorization",
                header("").replace(
                    "oauth_timestamp=\"1\"",
                    &format!("oauth_timestamp=\"{ts}\""),
                ),
            )
        };
        let millis = collected("1700000000123");
        let fraction = collected("1700000000.5");
        let cases = [
            (&rich, Secrets::shared(" cs ", "ts ")),
            (&two_legged, Secrets::shared("cs", "")),
            (&two_legged, Secrets::shared("cs", "  ")),
            (&client_normalized, Secrets::shared("cs", "")),
            (&millis, Secrets::shared("cs", "")),
            (&fraction, Secrets::shared("cs", "")),
        ];
        let mut owner: HashMap<Op, &'static str> = HashMap::default();
        let mut named: std::collections::BTreeSet<&'static str> = Default::default();
        let sides = [Hunted::RequestSignature, Hunted::TargetSignature];
        for ((request, secrets), hunted) in cases.iter().flat_map(|c| sides.map(|h| (c, h))) {
            let mut prep = Prepared::new(request, None, secrets).unwrap();
            prep.hunted = hunted;
            for (id, op) in candidate_ops(&prep, Mode::Hmac)
                .into_iter()
                .chain(pair_ops(&prep))
            {
                let m = catalogue::mistake(id).unwrap_or_else(|| panic!("{id} is not catalogued"));
                assert!(m.searched, "{id} is searched but marked searched: false");
                let first = *owner.entry(op).or_insert(id);
                assert_eq!(first, id, "{op:?} is named both {first} and {id}");
                named.insert(id);
            }
        }
        // Without a model of the HTTP client, nothing differs from it.
        if !cfg!(feature = "whatwg") {
            named.extend([
                "url-normalized-before-signing",
                "url-normalized-after-signing",
            ]);
        }
        // Output mistakes are read off the target, and a body hash over
        // the wrong bytes off the request, not varied.
        for id in [
            "body-hash-wrong-bytes",
            "signature-hex",
            "base64-of-hex",
            "signature-base64url",
            "signature-double-encoded-in-header",
            "signature-not-encoded",
        ] {
            named.insert(id);
        }
        for m in catalogue::catalogue() {
            assert_eq!(named.contains(m.id), m.searched, "{}", m.id);
        }
    }
}
