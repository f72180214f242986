//! Batch verification: many signed requests (RFC 5849 §3.2), one verdict
//! each and a summary, checked on every core (with the `parallel` feature;
//! without it, on one thread, with the same results in the same order).
//!
//! Each request goes through the lean [`crate::verify`] path; only a
//! request that fails is run through the full pipeline again, to say why.
//! The caller streams the input in chunks and calls [`check_lines`] (or
//! [`check_requests`]) per chunk: results come back in input order, so
//! output order is stable however the work was spread.

use crate::credentials::Credentials;
use crate::hunt::{Budget, HuntOptions, HuntReport};
use crate::input::jsonl;
use crate::pipeline::RunOptions;
use crate::request::Request;
use crate::signature::Secrets;
use crate::signer::Signer;
use crate::verify::{
    canonical_check, canonical_ready, check_mismatch, Fast, Identity, Ready, RequestParts,
    Verification,
};
#[cfg(feature = "parallel")]
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

/// Where the secrets for each request come from.
#[derive(Debug, Clone)]
pub enum Keys {
    /// The same secrets for every request.
    Same(Box<Secrets>),
    /// Looked up by consumer key and token (a secrets file).
    ByConsumer(Credentials),
}

/// Why no [`Keys`] could be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeysError {
    /// Neither a secrets file nor secrets for every request.
    #[error("no secrets to verify with: give a secrets file or the secrets for every request")]
    NoSecrets,
    /// Both a secrets file and secrets for every request: which would apply is unclear.
    #[error("a secrets file gives the secrets for every request: give either it or the same secrets for all, not both")]
    Both,
    /// The secrets file names no consumer.
    #[error(
        "no [consumers] entry: add `\"<consumer key>\" = \"<consumer secret>\"` under [consumers]"
    )]
    NoConsumers,
}

impl Keys {
    /// Which secrets verify which request: those of a secrets file, looked
    /// up by each request's `oauth_consumer_key` and `oauth_token` (RFC 5849
    /// §3.1), or the same secrets for every request; never both, and never
    /// none (secrets with no consumer secret and no key count as none).
    pub fn choose(file: Option<Credentials>, same: Option<Secrets>) -> Result<Keys, KeysError> {
        let usable = |s: &Secrets| {
            s.consumer_secret.is_some() || s.public_key.is_some() || s.private_key.is_some()
        };
        match (file, same) {
            (Some(_), Some(_)) => Err(KeysError::Both),
            (Some(c), None) if c.is_empty() => Err(KeysError::NoConsumers),
            (Some(c), None) => Ok(Keys::ByConsumer(c)),
            (None, Some(s)) if usable(&s) => Ok(Keys::Same(Box::new(s))),
            (None, _) => Err(KeysError::NoSecrets),
        }
    }

    /// The secrets to verify a request from `id` with, or why there are none.
    pub fn secrets_for(&self, id: Identity<'_>) -> Result<Cow<'_, Secrets>, String> {
        match self {
            Keys::Same(s) => Ok(Cow::Borrowed(s)),
            Keys::ByConsumer(c) => c.secrets_for(id),
        }
    }

    /// The consumer and token secrets for `id`, borrowed, for the fast path.
    pub fn shared_secrets(&self, id: Identity<'_>) -> Option<(&str, &str)> {
        match self {
            Keys::Same(s) => Some((
                s.consumer_secret.as_ref()?.expose(),
                s.token_secret.as_ref().map_or("", |t| t.expose()),
            )),
            Keys::ByConsumer(c) => c.shared_secrets(id),
        }
    }
}

pub use crate::verify::{one_line, Checked, Verdict};

/// A valid request's result.
fn valid(v: Verification) -> Checked {
    Checked::from_verification(v)
}

/// The fast path's view of a request: its only Authorization header and
/// its first Content-Type. `None` with several Authorization headers.
fn parts<'a>(
    method: &'a str,
    url: &'a str,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &'a [u8],
) -> Option<RequestParts<'a>> {
    let (mut authorization, mut content_type) = (None, None);
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("authorization") {
            if authorization.replace(value).is_some() {
                return None;
            }
        } else if content_type.is_none() && name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value);
        }
    }
    Some(RequestParts {
        method,
        url,
        authorization: authorization?,
        content_type,
        body,
    })
}

/// Pairs of owned or borrowed text as `(&str, &str)`.
fn pairs<N: AsRef<str>, V: AsRef<str>>(headers: &[(N, V)]) -> impl Iterator<Item = (&str, &str)> {
    headers.iter().map(|(n, v)| (n.as_ref(), v.as_ref()))
}

/// Verifies one request, on `signer`'s buffers when it can.
pub fn check_with(request: &Request, keys: &Keys, signer: &mut Signer) -> Checked {
    let parts = parts(
        &request.method,
        &request.url,
        pairs(&request.headers),
        &request.body,
    );
    answer(parts, signer, keys, Detail::Full, || request)
}

/// Verifies one request under the one verdict rule ([`crate::verify::check`]).
pub fn check(request: &Request, keys: &Keys) -> Checked {
    crate::verify::check(request, |id| keys.secrets_for(id), RunOptions::default())
}

/// Reads one JSON Lines line (without its line break) and verifies it.
pub fn check_line(line: &[u8], keys: &Keys) -> Checked {
    check_line_with(line, keys, &mut Signer::new())
}

/// [`check_line`] on `signer`'s buffers: a line is read without copying
/// and checked on the fast path ([`canonical_check`]); a mismatch it finds
/// is explained by the pipeline alone ([`check_mismatch`]), and what it
/// does not read (an unusual request) is checked again in full.
pub fn check_line_with(line: &[u8], keys: &Keys, signer: &mut Signer) -> Checked {
    check_line_as(
        line,
        keys,
        (signer, &mut jsonl::Scratch::default()),
        Detail::Full,
    )
}

/// What a valid request's [`Checked`] carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Its consumer key, method and base string URI.
    Full,
    /// Only the verdict and signature method ([`Checked::valid_brief`]).
    Brief,
}

/// [`check_line_with`] on a worker's buffers, valid requests described as
/// `detail` says. The line is read by the hand-written reader
/// ([`jsonl::read_line_fast`], escapes decoded into the scratch buffer);
/// a line it leaves alone is read by the serde one, whose answer (a
/// request or an error) is then the answer.
fn check_line_as(
    line: &[u8],
    keys: &Keys,
    (signer, scratch): (&mut Signer, &mut jsonl::Scratch),
    detail: Detail,
) -> Checked {
    stage(line, keys, (signer, scratch), detail).finish(signer, keys, detail)
}

/// Two lines of a part, each on its own signer and scratch buffer: the
/// answers of [`check_line_as`] for each, in order. When both reach the
/// HMAC on the fast path, the two signatures are computed together
/// ([`Ready::finish_pair`]).
fn check_two_lines(
    (a, b): (&[u8], &[u8]),
    keys: &Keys,
    [(signer_a, scratch_a), (signer_b, scratch_b)]: &mut [(Signer, jsonl::Scratch); 2],
    detail: Detail,
) -> [Checked; 2] {
    let staged_a = stage(a, keys, (signer_a, scratch_a), detail);
    let staged_b = stage(b, keys, (signer_b, scratch_b), detail);
    match (staged_a, staged_b) {
        (Stage::Ready(ra), Stage::Ready(rb)) => {
            let (fa, fb) = Ready::finish_pair((ra.ready, signer_a), (rb.ready, signer_b));
            [
                ra.conclude(fa, signer_a, keys, detail),
                rb.conclude(fb, signer_b, keys, detail),
            ]
        }
        (staged_a, staged_b) => [
            staged_a.finish(signer_a, keys, detail),
            staged_b.finish(signer_b, keys, detail),
        ],
    }
}

/// A line read and checked up to its signature, or its answer already.
enum Stage<'a, 'k> {
    Done(Checked),
    /// Read on the fast path, its base string in the signer and its
    /// secrets found: only the HMAC is left (RFC 5849 §3.4.2).
    Ready(ReadyLine<'a, 'k>),
}

/// A line [`stage`] left at its HMAC.
struct ReadyLine<'a, 'k> {
    line: jsonl::FastLine<'a>,
    parts: RequestParts<'a>,
    ready: Ready<'a, 'k>,
}

impl Stage<'_, '_> {
    /// The answer, the HMAC computed alone where it is left.
    fn finish(self, signer: &mut Signer, keys: &Keys, detail: Detail) -> Checked {
        match self {
            Stage::Done(checked) => checked,
            Stage::Ready(r) => {
                let fast = r.ready.finish(signer);
                r.conclude(fast, signer, keys, detail)
            }
        }
    }
}

impl<'a> ReadyLine<'a, '_> {
    /// The answer once the fast path has its verdict (`fast`).
    fn conclude(
        &self,
        fast: Option<Fast<'a>>,
        signer: &Signer,
        keys: &Keys,
        detail: Detail,
    ) -> Checked {
        conclude(fast, &self.parts, signer, keys, detail, || {
            self.line.to_line_ref().into_request()
        })
    }
}

/// Reads `line` and takes it as far as the fast path goes before its
/// HMAC; everything else (a line the fast reader leaves alone, a request
/// the fast path does not read) is answered here.
fn stage<'a, 'k>(
    line: &'a [u8],
    keys: &'k Keys,
    (signer, scratch): (&mut Signer, &'a mut jsonl::Scratch),
    detail: Detail,
) -> Stage<'a, 'k> {
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            return Stage::Done(Checked::malformed(format!(
                "the line is not valid UTF-8 (byte {})",
                e.valid_up_to() + 1
            )))
        }
    };
    if let Some(line) = jsonl::read_line_fast(text, scratch) {
        let body = line.body.unwrap_or("").as_bytes();
        let Some(parts) = parts(line.method, line.url, line.headers(), body) else {
            return Stage::Done(check(&line.to_line_ref().into_request(), keys));
        };
        return match canonical_ready(signer, &parts, |id| keys.shared_secrets(id)) {
            Some(ready) => Stage::Ready(ReadyLine { line, parts, ready }),
            None => Stage::Done(check(&line.to_line_ref().into_request(), keys)),
        };
    }
    let line = match jsonl::read_line_ref(text) {
        Ok(line) => line,
        Err(e) => return Stage::Done(Checked::malformed(one_line(&e))),
    };
    let body = line.body.as_deref().unwrap_or("").as_bytes();
    let parts = parts(&line.method, &line.url, pairs(&line.headers.0), body);
    Stage::Done(answer(parts, signer, keys, detail, || line.to_request()))
}

/// The answer for a request the fast path reads as `parts` (`None`: it
/// does not): valid as `detail` says; a mismatch explained by the full
/// pipeline alone ([`check_mismatch`]); anything else checked in full
/// ([`check`]) on the request `request` builds.
fn answer<R: std::borrow::Borrow<Request>>(
    parts: Option<RequestParts<'_>>,
    signer: &mut Signer,
    keys: &Keys,
    detail: Detail,
    request: impl FnOnce() -> R,
) -> Checked {
    let Some(parts) = parts else {
        return check(request().borrow(), keys);
    };
    let fast = canonical_check(signer, &parts, |id| keys.shared_secrets(id));
    conclude(fast, &parts, signer, keys, detail, request)
}

/// [`answer`] once the fast path has its verdict on `parts` (`fast`;
/// `None`: it has none).
fn conclude<R: std::borrow::Borrow<Request>>(
    fast: Option<Fast<'_>>,
    parts: &RequestParts<'_>,
    signer: &Signer,
    keys: &Keys,
    detail: Detail,
    request: impl FnOnce() -> R,
) -> Checked {
    match fast {
        Some(Fast::Valid(method, key)) => match detail {
            Detail::Full => valid(Fast::verification(signer, parts, method, key)),
            Detail::Brief => Checked::valid_brief(method),
        },
        Some(Fast::Mismatch(id)) => {
            let request = request();
            let request = request.borrow();
            keys.secrets_for(id)
                .ok()
                .and_then(|s| check_mismatch(request, &s, RunOptions::default()))
                .unwrap_or_else(|| check(request, keys))
        }
        None => check(request().borrow(), keys),
    }
}

/// [`check_line`] over a chunk of lines, in parallel (with the
/// `parallel` feature), results in order. For a log read in chunks,
/// [`Checker`] keeps its signers and their HMAC keys from one chunk to the
/// next.
pub fn check_lines<L: AsRef<[u8]> + Sync>(lines: &[L], keys: &Keys) -> Vec<Checked> {
    Checker::new(keys).check_lines(lines)
}

/// Checks a log chunk by chunk with [`check_line_with`], on every core
/// (with the `parallel` feature; otherwise on one thread), keeping two
/// [`Signer`]s per part of a chunk from one chunk to the next: their
/// buffers and the HMAC key of every credential pair each has verified
/// with ([`Signer::with_key_cache`], RFC 5849 §3.4.2), since a log's
/// requests mostly repeat a few credentials. A part checks its lines two
/// at a time: when both reach the fast path's HMAC-SHA1 with a signature
/// it can decode, the two are computed together
/// ([`Signer::verify_sha1_pair`]). (Each signer keeps its own key cache,
/// so a credential pair may be derived once by each.) Results are in input order, the same
/// as [`check_line`] gives line by line.
pub struct Checker<'k> {
    keys: &'k Keys,
    /// Two signers and JSON scratch buffers per part a chunk is cut into:
    /// a part checks its lines two at a time ([`check_two_lines`]).
    signers: Vec<[(Signer, jsonl::Scratch); 2]>,
    /// What a valid request's result carries.
    detail: Detail,
}

impl fmt::Debug for Checker<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checker")
            .field("signers", &self.signers.len())
            .finish_non_exhaustive()
    }
}

/// What each part of a [`Checker`] keeps of its buffers between chunks,
/// about: far more than a usual request needs.
const KEEP_BYTES: usize = 256 << 10;

impl<'k> Checker<'k> {
    /// A checker with the secrets `keys` gives.
    pub fn new(keys: &'k Keys) -> Checker<'k> {
        // Many parts per thread (16: on 2 threads, 256 lines each in a
        // chunk of 8,192),
        // so that a part slowed by invalid requests (the full path) or a
        // worker preempted by the reading thread leaves the other cores
        // idle for little at the chunk's end: with 4 parts a thread the
        // workers kept 1.77-1.81 cores busy, with 16 1.81-1.91.
        #[cfg(feature = "parallel")]
        let parts = rayon::current_num_threads() * 16;
        #[cfg(not(feature = "parallel"))]
        let parts = 1;
        Checker {
            keys,
            signers: (0..parts)
                .map(|_| [(); 2].map(|_| (Signer::with_key_cache(), jsonl::Scratch::default())))
                .collect(),
            detail: Detail::Full,
        }
    }

    /// Valid requests come back counted, not described
    /// ([`Checked::valid_brief`]: no consumer key, method or base string
    /// URI is copied out), for a caller that shows only invalid requests.
    /// Invalid, unverifiable and malformed requests are described in full,
    /// as before.
    pub fn brief(mut self) -> Checker<'k> {
        self.detail = Detail::Brief;
        self
    }

    /// [`check_line`] over one chunk of lines, results in order.
    pub fn check_lines<L: AsRef<[u8]> + Sync>(&mut self, lines: &[L]) -> Vec<Checked> {
        let results = self.check_parts(lines);
        // A part that met a huge line (up to the 16 MiB a line may hold,
        // its form encoded twice in up to 5.5 times that) gives the room
        // back, rather than every part keeping its largest line's worth.
        for (signer, scratch) in self.signers.iter_mut().flatten() {
            signer.shrink_to(KEEP_BYTES);
            scratch.shrink_to(KEEP_BYTES);
        }
        results
    }

    fn check_parts<L: AsRef<[u8]> + Sync>(&mut self, lines: &[L]) -> Vec<Checked> {
        let (keys, detail) = (self.keys, self.detail);
        let per_part = lines.len().div_ceil(self.signers.len()).max(1);
        // Each part writes its results into its own slice of one vector
        // (placeholders first, a result with nothing to free): collected
        // from the parts instead, every result was moved twice more, into
        // rayon's list of vectors and from there into one (about 2.5% of
        // the samples of a `--hunt` run over a log, in `memmove`).
        let mut results = Vec::with_capacity(lines.len());
        results.resize_with(lines.len(), || {
            Checked::valid_brief(crate::signature::SignatureMethod::HmacSha1)
        });
        #[cfg(feature = "parallel")]
        results
            .par_chunks_mut(per_part)
            .zip(lines.par_chunks(per_part))
            .zip(self.signers.par_iter_mut())
            .for_each(|((out, part), workers)| check_part(part, keys, workers, detail, out));
        #[cfg(not(feature = "parallel"))]
        results
            .chunks_mut(per_part)
            .zip(lines.chunks(per_part))
            .zip(self.signers.iter_mut())
            .for_each(|((out, part), workers)| check_part(part, keys, workers, detail, out));
        results
    }
}

/// One part of a chunk, two lines at a time ([`check_two_lines`]), each
/// result written to its line's place in `out` (as long as `part`).
fn check_part<L: AsRef<[u8]>>(
    part: &[L],
    keys: &Keys,
    workers: &mut [(Signer, jsonl::Scratch); 2],
    detail: Detail,
    out: &mut [Checked],
) {
    debug_assert_eq!(part.len(), out.len(), "one result slot a line");
    let mut pairs = part.chunks_exact(2);
    let mut slots = out.chunks_exact_mut(2);
    for (pair, slot) in (&mut pairs).zip(&mut slots) {
        let lines = (pair[0].as_ref(), pair[1].as_ref());
        let [a, b] = check_two_lines(lines, keys, workers, detail);
        slot[0] = a;
        slot[1] = b;
    }
    for (line, slot) in pairs.remainder().iter().zip(slots.into_remainder()) {
        let (signer, scratch) = &mut workers[0];
        *slot = check_line_as(line.as_ref(), keys, (signer, scratch), detail);
    }
}

/// The sequential twin of the parallel [`check_lines`]: one signer
/// without a key cache, lines in turn.
#[cfg(test)]
fn check_lines_in_turn<L: AsRef<[u8]>>(lines: &[L], keys: &Keys) -> Vec<Checked> {
    let mut signer = Signer::new();
    lines
        .iter()
        .map(|l| check_line_with(l.as_ref(), keys, &mut signer))
        .collect()
}

/// [`check`] over requests, in parallel, results in order.
#[cfg(feature = "parallel")]
pub fn check_requests(requests: &[&Request], keys: &Keys) -> Vec<Checked> {
    requests
        .par_iter()
        .map_init(Signer::new, |s, r| check_with(r, keys, s))
        .collect()
}

/// [`check`] over requests, one after the other (the `parallel` feature is
/// off), results in order.
#[cfg(not(feature = "parallel"))]
pub fn check_requests(requests: &[&Request], keys: &Keys) -> Vec<Checked> {
    check_requests_in_turn(requests, keys)
}

/// The sequential twin of the parallel [`check_requests`]: one signer, requests in turn.
#[cfg(any(not(feature = "parallel"), test))]
fn check_requests_in_turn(requests: &[&Request], keys: &Keys) -> Vec<Checked> {
    let mut signer = Signer::new();
    requests
        .iter()
        .map(|r| check_with(r, keys, &mut signer))
        .collect()
}

/// How `--hunt` searches each invalid request: bounded, since a log can
/// hold many (RFC 5849 mistakes, see [`crate::hunt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HuntSettings {
    /// How many mistakes may combine (default 2).
    pub depth: usize,
    /// Time budget per request (default 2 s).
    pub time: Duration,
    /// Memory budget per request, in bytes (default 128 MiB; one hunt runs per core).
    pub memory: usize,
}

impl Default for HuntSettings {
    fn default() -> Self {
        HuntSettings {
            depth: 2,
            time: Duration::from_secs(2),
            memory: 128 << 20,
        }
    }
}

impl HuntSettings {
    /// Options for one hunt, its time budget starting now.
    fn options(&self) -> HuntOptions {
        HuntOptions {
            depth: self.depth,
            budget: Budget::new(self.time, self.memory),
            ..HuntOptions::default()
        }
    }
}

/// Hunts the signer's mistake in one request (`hunt`'s search, with the
/// secrets `keys` gives for its consumer key and token). `None` when no
/// hunt could run: no secrets for it, no signature, an unknown method.
pub fn hunt_request(request: &Request, keys: &Keys, settings: &HuntSettings) -> Option<HuntReport> {
    let collected = crate::params::collect(request).ok()?;
    let text = |name: &str| collected.value_of(name);
    let (key, token) = (text("oauth_consumer_key"), text("oauth_token"));
    let method = text("oauth_signature_method").and_then(|m| m.parse().ok());
    let secrets = keys
        .secrets_for(Identity {
            consumer_key: key.as_deref(),
            token: token.as_deref(),
            signature_method: method,
        })
        .ok()?;
    crate::hunt::run_collected(request, collected, &secrets, &settings.options()).ok()
}

/// [`hunt_request`] for one JSON Lines line.
pub fn hunt_line(line: &[u8], keys: &Keys, settings: &HuntSettings) -> Option<HuntReport> {
    let text = std::str::from_utf8(line).ok()?;
    let request = jsonl::read_line_ref(text).ok()?.into_request();
    hunt_request(&request, keys, settings)
}

/// Whether `--hunt` searches a result: an invalid request whose signature
/// does not match (one whose body hash alone fails has a correct signature).
pub fn needs_hunt(c: &Checked) -> bool {
    c.verdict == Verdict::Invalid && c.reason.as_deref() == Some(crate::verify::SIGNATURE_MISMATCH)
}

/// Hunts every item [`needs_hunt`] picks from `results`, on every core
/// (with the `parallel` feature), results in input order (`None` for the
/// others). Each report is boxed: a log's chunk has thousands of items and
/// (at 1% invalid) about a hundred hunts, and a vector of unboxed reports
/// (280 bytes each) was mostly empty room written for nothing.
pub fn hunt_invalid<T: Sync>(
    items: &[T],
    results: &[Checked],
    hunt_one: impl Fn(&T) -> Option<HuntReport> + Sync,
) -> Vec<Option<Box<HuntReport>>> {
    let picked: Vec<usize> = (0..items.len().min(results.len()))
        .filter(|&i| needs_hunt(&results[i]))
        .collect();
    let hunt_boxed = |&i: &usize| hunt_one(&items[i]).map(Box::new);
    #[cfg(feature = "parallel")]
    let found: Vec<Option<Box<HuntReport>>> = picked.par_iter().map(hunt_boxed).collect();
    #[cfg(not(feature = "parallel"))]
    let found: Vec<Option<Box<HuntReport>>> = picked.iter().map(hunt_boxed).collect();
    let mut out = Vec::with_capacity(items.len());
    out.resize_with(items.len(), || None);
    for (i, f) in picked.into_iter().zip(found) {
        out[i] = f;
    }
    out
}

/// The mistakes `--hunt` found over a log, ranked: which explanation
/// reproduced how many invalid signatures, and from which consumers.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MistakeRanking {
    /// Distinct consumer keys among the invalid requests.
    pub consumers: usize,
    /// Invalid requests counted.
    pub invalid: usize,
    /// Invalid requests whose signature was hunted (those whose body hash
    /// alone failed are not).
    pub hunted: usize,
    /// Hunted requests no combination of known mistakes (within the depth
    /// and budget) reproduced, or that could not be hunted.
    pub unexplained: usize,
    /// Explanations, most frequent first (ties by id).
    pub mistakes: Vec<RankedMistake>,
}

/// One explanation found by `--hunt` and how often.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankedMistake {
    /// The explanation's catalogue ids, in pipeline order (`hunt --json`'s
    /// `mistakes`); empty when the signature follows RFC 5849.
    pub mistakes: Vec<&'static str>,
    /// How many invalid requests it explains.
    pub count: usize,
    /// By consumer key, most requests first (ties by key).
    pub consumers: Vec<ConsumerCount>,
}

/// How many requests of one consumer an explanation covers.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsumerCount {
    /// `oauth_consumer_key` (`null` when the request has none).
    pub consumer_key: Option<String>,
    /// Requests.
    pub count: usize,
}

/// Counts results and hunts into a [`MistakeRanking`].
#[derive(Debug, Default)]
pub struct Ranker {
    consumers: std::collections::HashSet<Option<String>>,
    invalid: usize,
    hunted: usize,
    unexplained: usize,
    by_mistakes: HashMap<Vec<&'static str>, HashMap<Option<String>, usize>>,
}

impl Ranker {
    /// Counts one request's result and, when it was hunted, its hunt.
    pub fn add(&mut self, checked: &Checked, hunt: Option<&HuntReport>) {
        if checked.verdict != Verdict::Invalid {
            return;
        }
        self.invalid += 1;
        self.consumers.insert(checked.consumer_key.clone());
        if !needs_hunt(checked) {
            return;
        }
        self.hunted += 1;
        match hunt.filter(|h| h.matched) {
            Some(h) => {
                *self
                    .by_mistakes
                    .entry(h.mistakes.clone())
                    .or_default()
                    .entry(checked.consumer_key.clone())
                    .or_default() += 1;
            }
            None => self.unexplained += 1,
        }
    }

    /// The ranking so far.
    pub fn ranking(&self) -> MistakeRanking {
        let mut mistakes: Vec<RankedMistake> = self
            .by_mistakes
            .iter()
            .map(|(ids, per)| {
                let mut consumers: Vec<ConsumerCount> = per
                    .iter()
                    .map(|(k, n)| ConsumerCount {
                        consumer_key: k.clone(),
                        count: *n,
                    })
                    .collect();
                consumers.sort_by(|a, b| {
                    b.count
                        .cmp(&a.count)
                        .then_with(|| a.consumer_key.cmp(&b.consumer_key))
                });
                RankedMistake {
                    mistakes: ids.clone(),
                    count: consumers.iter().map(|c| c.count).sum(),
                    consumers,
                }
            })
            .collect();
        mistakes.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.mistakes.cmp(&b.mistakes))
        });
        MistakeRanking {
            consumers: self.consumers.len(),
            invalid: self.invalid,
            hunted: self.hunted,
            unexplained: self.unexplained,
            mistakes,
        }
    }
}

/// How many consumers a ranked mistake names before "and N more".
const CONSUMERS_SHOWN: usize = 3;

impl fmt::Display for MistakeRanking {
    /// `3 consumers, 412 invalid: plus-for-space 380 (consumer ck_a), default-port-kept 32 (consumers ck_b 30, ck_c 2)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {} invalid",
            plural(self.consumers, "consumer", "consumers"),
            self.invalid
        )?;
        let mut parts: Vec<String> = Vec::new();
        for m in &self.mistakes {
            let name = if m.mistakes.is_empty() {
                "no signer mistake".to_string()
            } else {
                m.mistakes.join("+")
            };
            let key = |c: &ConsumerCount| c.consumer_key.as_deref().unwrap_or("(none)").to_string();
            let who = match m.consumers.as_slice() {
                [one] => format!("consumer {}", key(one)),
                many => {
                    let mut shown: Vec<String> = many
                        .iter()
                        .take(CONSUMERS_SHOWN)
                        .map(|c| format!("{} {}", key(c), c.count))
                        .collect();
                    if many.len() > CONSUMERS_SHOWN {
                        shown.push(format!("{} more", many.len() - CONSUMERS_SHOWN));
                    }
                    format!("consumers {}", shown.join(", "))
                }
            };
            parts.push(format!("{name} {} ({who})", m.count));
        }
        if self.unexplained > 0 {
            parts.push(format!("no known mistake {}", self.unexplained));
        }
        let not_hunted = self.invalid - self.hunted;
        if not_hunted > 0 {
            parts.push(format!("body hash only {not_hunted}"));
        }
        if !parts.is_empty() {
            write!(f, ": {}", parts.join(", "))?;
        }
        Ok(())
    }
}

/// How many requests got each verdict.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Every request counted.
    pub requests: usize,
    /// Valid ones.
    pub valid: usize,
    /// Invalid ones.
    pub invalid: usize,
    /// Unverifiable ones.
    pub unverifiable: usize,
    /// Malformed ones.
    pub malformed: usize,
}

impl Summary {
    /// Counts one verdict.
    pub fn add(&mut self, verdict: Verdict) {
        self.requests += 1;
        match verdict {
            Verdict::Valid => self.valid += 1,
            Verdict::Invalid => self.invalid += 1,
            Verdict::Unverifiable => self.unverifiable += 1,
            Verdict::Malformed => self.malformed += 1,
        }
    }

    /// True when every request counted is valid.
    pub fn all_valid(&self) -> bool {
        self.valid == self.requests
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requests: {} valid, {} invalid, {} unverifiable, {} malformed",
            self.requests, self.valid, self.invalid, self.unverifiable, self.malformed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::SignatureMethod;

    const PHOTOS: &str = r#"{"method":"GET","url":"http://photos.example.net/photos?file=vacation.jpg&size=original","headers":{"Authorization":"OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\""}}"#;

    /// The X/Twitter documentation request (HMAC-SHA1, a key of 85 octets).
    const TWITTER: &str = r#"{"method":"POST","url":"https://api.twitter.com/1.1/statuses/update.json?include_entities=true","headers":[["Content-Type","application/x-www-form-urlencoded"],["Authorization","OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\""]],"body":"status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"}"#;

    fn keys() -> Keys {
        keys_from(
            "[consumers]\ndpf43f3p2l4k3l03 = \"kd94hf93k423kf44\"\n[tokens]\nnnch734d00sl2jdk = \"pfkkdhi9sl3r4s00\"\n",
        )
    }

    /// The keys of a secrets file's text.
    fn keys_from(toml: &str) -> Keys {
        Keys::ByConsumer(Credentials::from_toml(toml, ".", &crate::input::NoFiles).unwrap())
    }

    /// RFC 5849 §1.2's request verifies from a JSON line with a secrets file.
    #[test]
    fn rfc5849_1_2_example_line_is_valid() {
        let c = check_line(PHOTOS.as_bytes(), &keys());
        assert_eq!(c.verdict, Verdict::Valid, "{c:?}");
        assert_eq!(c.consumer_key.as_deref(), Some("dpf43f3p2l4k3l03"));
        assert_eq!(
            c.base_uri.as_deref(),
            Some("http://photos.example.net/photos")
        );
    }

    #[test]
    fn each_verdict() {
        let k = keys();
        let bad_sig = PHOTOS.replace("MdpQ", "XdpQ");
        let plus = PHOTOS.replace("%2F", "/").replace("%3D", "=");
        let unknown = PHOTOS.replace("nnch734d00sl2jdk", "other");
        let lines = [
            PHOTOS.to_string(),
            bad_sig,
            "{\"method\":\"GET\"".to_string(),
            unknown,
            PHOTOS.replace("http://photos", "photos"),
            plus,
        ];
        let got: Vec<_> = check_lines(&lines, &k);
        let verdicts: Vec<_> = got.iter().map(|c| c.verdict).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Valid,
                Verdict::Invalid,
                Verdict::Malformed,
                Verdict::Unverifiable,
                Verdict::Malformed,
                Verdict::Valid,
            ]
        );
        assert_eq!(
            got[1].reason.as_deref(),
            Some("oauth_signature does not match")
        );
        assert!(got[2].reason.as_ref().unwrap().contains("(column"));
        assert!(got[3].reason.as_ref().unwrap().contains("unknown token"));
        assert!(got[4].reason.as_ref().unwrap().starts_with("URL:"));
        let mut s = Summary::default();
        for c in &got {
            s.add(c.verdict);
        }
        assert_eq!(
            s.to_string(),
            "6 requests: 2 valid, 1 invalid, 1 unverifiable, 2 malformed"
        );
        assert!(!s.all_valid());
    }

    /// An invalid request says why, from the full pipeline: here the
    /// X/Twitter example with its `%2B` sent as a space.
    #[test]
    fn invalid_requests_carry_notes() {
        let line = r#"{"method":"POST","url":"https://api.twitter.com/1.1/statuses/update.json?include_entities=true","headers":[["Content-Type","application/x-www-form-urlencoded"],["Authorization","OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\""]],"body":"status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"}"#;
        let keys = Keys::Same(Box::new(Secrets::shared(
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        )));
        let c = check_line(line.as_bytes(), &keys);
        assert_eq!(c.verdict, Verdict::Valid, "{c:?}");
        assert!(c.notes.is_empty());
        let c = check_line(line.replace("%2BiHY", " iHY").as_bytes(), &keys);
        assert_eq!(c.verdict, Verdict::Invalid);
        let codes: Vec<_> = c.notes.iter().map(|n| n.code).collect();
        assert_eq!(codes, ["signature-plus-became-space"]);
    }

    /// A [`Checker`] kept over many chunks, its signers' HMAC keys cached
    /// (RFC 5849 §3.4.2), gives what a new signer without a cache gives
    /// line by line: two consumers whose secrets differ, valid and not.
    #[test]
    fn a_checker_over_chunks_agrees_line_by_line() {
        let k = keys_from("[consumers]\ndpf43f3p2l4k3l03 = \"kd94hf93k423kf44\"\nother = \"kd94hf93k423kf4\"\nxvz1evFS4wEEPTGEFPHBog = \"kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw\"\n[tokens]\nnnch734d00sl2jdk = \"pfkkdhi9sl3r4s00\"\n370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb = \"LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE\"\n");
        // A checker takes its lines two at a time and computes two HMACs
        // together when both reach it: every kind of line meets every
        // other in a pair, valid or not, of one SHA-1 block count or
        // another (the X example's base string is longer and its key
        // over 64 octets), with SHA-256, an undecodable signature, or
        // answered before the HMAC.
        let shapes = [
            PHOTOS.to_string(),
            PHOTOS.replace("MdpQ", "XdpQ"),
            PHOTOS.replace("dpf43f3p2l4k3l03", "other"),
            PHOTOS.replace("chapoH", "chapoX"),
            TWITTER.to_string(),
            TWITTER.replace("Ladies", "Lads"),
            PHOTOS.replace("HMAC-SHA1", "HMAC-SHA256"),
            PHOTOS.replace("MdpQ", "%ZZpQ"),
            PHOTOS.replace("Authorization", "X-Authorization"),
            "{not json".to_string(),
        ];
        let n = shapes.len();
        let lines: Vec<&String> = (0..n * n * 2)
            .map(|i| &shapes[(i * 7 + i / n) % n])
            .collect();
        let want = check_lines_in_turn(&lines, &k);
        let valid = want.iter().filter(|c| c.verdict == Verdict::Valid).count();
        assert!(valid > 0 && valid < want.len());
        for chunk_lines in [37, 150] {
            let mut checker = Checker::new(&k);
            let mut got = Vec::new();
            for chunk in lines.chunks(chunk_lines) {
                got.extend(checker.check_lines(chunk));
            }
            assert_eq!(got, want, "chunks of {chunk_lines}");
        }
        // Every pair of shapes, first and second, through check_two_lines.
        let mut workers = [(); 2].map(|_| (Signer::with_key_cache(), jsonl::Scratch::default()));
        for a in &shapes {
            for b in &shapes {
                let got =
                    check_two_lines((a.as_bytes(), b.as_bytes()), &k, &mut workers, Detail::Full);
                assert_eq!(got[0], check_line(a.as_bytes(), &k), "{a} then {b}");
                assert_eq!(got[1], check_line(b.as_bytes(), &k), "{a} then {b}");
            }
        }

        // Brief: the same verdicts; a valid request carries its signature
        // method and nothing copied out, the others are as in full.
        let mut brief = Checker::new(&k).brief();
        let mut got = Vec::new();
        for chunk in lines.chunks(37) {
            got.extend(brief.check_lines(chunk));
        }
        assert_eq!(got.len(), want.len());
        for (b, full) in got.iter().zip(&want) {
            if full.verdict == Verdict::Valid {
                assert_eq!(b, &Checked::valid_brief(SignatureMethod::HmacSha1));
                assert!(matches!(
                    full.base_uri.as_deref(),
                    Some(
                        "http://photos.example.net/photos"
                            | "https://api.twitter.com/1.1/statuses/update.json"
                    )
                ));
            } else {
                assert_eq!(b, full);
            }
        }
    }

    /// A mismatched request the fast path reads is explained by the
    /// pipeline alone, with the answer `check` gives (verdict, reason,
    /// identity, notes): a wrong signature, a changed query, a header
    /// without spaces, a changed form body.
    #[test]
    fn a_mismatch_is_answered_as_check_answers_it() {
        let k = keys_from("[consumers]\ndpf43f3p2l4k3l03 = \"kd94hf93k423kf44\"\nxvz1evFS4wEEPTGEFPHBog = \"kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw\"\n[tokens]\nnnch734d00sl2jdk = \"pfkkdhi9sl3r4s00\"\n370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb = \"LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE\"\n");
        let twitter = r#"{"method":"POST","url":"https://api.twitter.com/1.1/statuses/update.json?include_entities=true","headers":[["Content-Type","application/x-www-form-urlencoded"],["Authorization","OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\""]],"body":"status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"}"#;
        let lines = [
            PHOTOS.replace("MdpQ", "XdpQ"),
            PHOTOS.replace("vacation.jpg", "vacation.png"),
            PHOTOS.replace(r#"\", "#, r#"\","#).replace("MdpQ", "NdpQ"),
            twitter.replace("Ladies", "Gents"),
        ];
        for line in &lines {
            let request = jsonl::read_line(line).unwrap();
            let parts = parts(
                &request.method,
                &request.url,
                pairs(&request.headers),
                &request.body,
            )
            .unwrap();
            let fast = canonical_check(&mut Signer::new(), &parts, |id| k.shared_secrets(id));
            let Some(Fast::Mismatch(id)) = fast else {
                panic!("not a fast-path mismatch: {line}");
            };
            let full = check(&request, &k);
            assert_eq!(full.verdict, Verdict::Invalid, "{line}");
            // The pipeline alone gives the answer (`answer` would fall
            // back to `check` if it gave none, hiding a difference).
            let secrets = k.secrets_for(id).unwrap();
            assert_eq!(
                check_mismatch(&request, &secrets, RunOptions::default()).as_ref(),
                Some(&full),
                "{line}"
            );
            assert_eq!(check_line(line.as_bytes(), &k), full, "{line}");
            let mut checker = Checker::new(&k).brief();
            assert_eq!(checker.check_lines(&[line]), vec![full], "{line}");
        }
    }

    /// The `parallel` and sequential paths give the same results in the
    /// same order (a build without `parallel` uses the sequential one).
    #[test]
    fn parallel_and_sequential_paths_agree() {
        let k = keys();
        let shapes = [
            PHOTOS.to_string(),
            PHOTOS.replace("MdpQ", "XdpQ"),
            "{\"method\":\"GET\"".to_string(),
            PHOTOS.replace("nnch734d00sl2jdk", "other"),
            PHOTOS.replace("%2F", "/").replace("%3D", "="),
            PHOTOS.replace("chapoH", "chapoX"),
        ];
        // Enough lines, in a scrambled order, that the work is really split.
        let lines: Vec<&String> = (0..500).map(|i| &shapes[(i * 7 + i / 3) % 6]).collect();
        let in_turn = check_lines_in_turn(&lines, &k);
        assert_eq!(check_lines(&lines, &k), in_turn);
        let verdicts: std::collections::HashSet<_> = in_turn.iter().map(|c| c.verdict).collect();
        assert_eq!(verdicts.len(), 4, "every verdict appears: {verdicts:?}");

        let requests: Vec<Request> = lines
            .iter()
            .filter_map(|l| jsonl::read_line_ref(l).ok().map(|l| l.into_request()))
            .collect();
        let refs: Vec<&Request> = requests.iter().collect();
        assert_eq!(check_requests(&refs, &k), check_requests_in_turn(&refs, &k));
    }

    /// The ranking counts explanations per consumer, most frequent first,
    /// and prints as the issue shows it.
    #[test]
    fn mistakes_are_ranked_per_consumer() {
        // RFC 5849 §1.2's request signed (by Python's hmac, see lib.rs) by a
        // signer that did not upper-case the method (RFC 5849 §3.4.1.1).
        let request = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
            .with_header("Authorization", r#"OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="Um1UV9a%2FnytkWJX87V%2BVE15QSsI%3D""#);
        let k = keys();
        let checked = check(&request, &k);
        assert!(needs_hunt(&checked), "{checked:?}");
        let settings = HuntSettings::default();
        let found = hunt_invalid(&[&request], std::slice::from_ref(&checked), |r| {
            hunt_request(r, &k, &settings)
        });
        let hunt = found[0].as_deref().unwrap();
        assert_eq!(hunt.mistakes, ["method-not-uppercased"]);

        let mut ranker = Ranker::default();
        for _ in 0..3 {
            ranker.add(&checked, Some(hunt));
        }
        let other = Checked {
            consumer_key: Some("ck_b".into()),
            ..checked.clone()
        };
        ranker.add(&other, Some(hunt));
        ranker.add(&other, None);
        let body_hash_only = Checked {
            reason: Some(crate::verify::BODY_HASH_MISMATCH.into()),
            ..other.clone()
        };
        ranker.add(&body_hash_only, None);
        let valid = check_line(PHOTOS.as_bytes(), &k);
        ranker.add(&valid, None);
        let r = ranker.ranking();
        assert_eq!(
            (r.consumers, r.invalid, r.hunted, r.unexplained),
            (2, 6, 5, 1)
        );
        assert_eq!(r.mistakes.len(), 1);
        assert_eq!(r.mistakes[0].count, 4);
        assert_eq!(
            r.to_string(),
            "2 consumers, 6 invalid: method-not-uppercased 4 (consumers dpf43f3p2l4k3l03 3, ck_b 1), no known mistake 1, body hash only 1"
        );
    }

    #[test]
    fn not_utf8_is_malformed() {
        let c = check_line(b"{\"method\":\"\xff\"}", &keys());
        assert_eq!(c.verdict, Verdict::Malformed);
        assert_eq!(
            c.reason.as_deref(),
            Some("the line is not valid UTF-8 (byte 12)")
        );
    }

    /// A secrets file or the same secrets for all, never both or neither.
    #[test]
    fn keys_are_chosen_from_one_source() {
        let file = || match keys() {
            Keys::ByConsumer(c) => c,
            Keys::Same(_) => unreachable!(),
        };
        let same = Secrets::shared("cs", "");
        assert!(matches!(
            Keys::choose(Some(file()), None),
            Ok(Keys::ByConsumer(_))
        ));
        assert!(matches!(
            Keys::choose(None, Some(same.clone())),
            Ok(Keys::Same(_))
        ));
        assert_eq!(
            Keys::choose(Some(file()), Some(same)).err(),
            Some(KeysError::Both)
        );
        // A token secret alone verifies nothing.
        let token_only = Secrets {
            token_secret: Some(crate::Secret::new("ts")),
            ..Secrets::default()
        };
        assert_eq!(
            Keys::choose(None, Some(token_only)).err(),
            Some(KeysError::NoSecrets)
        );
        assert_eq!(
            Keys::choose(Some(Credentials::default()), None).err(),
            Some(KeysError::NoConsumers)
        );
    }
}
