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
use crate::error::{ParseError, Violation};
use crate::input::jsonl;
use crate::pipeline::{self, RunOptions};
use crate::request::Request;
use crate::signature::{Secrets, SignatureMethod};
use crate::signer::Signer;
use crate::verify::{
    verify_canonical, verify_request, Identity, RequestParts, Verification, VerifyError,
};
#[cfg(feature = "parallel")]
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// Where the secrets for each request come from.
#[derive(Debug, Clone)]
pub enum Keys {
    /// The same secrets for every request.
    Same(Box<Secrets>),
    /// Looked up by consumer key and token (a secrets file).
    ByConsumer(Credentials),
}

impl Keys {
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

/// What was concluded about one request.
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

/// The result for one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// The verdict.
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
    /// For an invalid request: what the full pipeline noticed about the
    /// signature and body hash (e.g. a `+` that became a space).
    pub notes: Vec<Violation>,
}

impl Checked {
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
        }
    }
}

/// A parse error in one line: what, where (column) and no echo of the input.
pub fn one_line(e: &ParseError) -> String {
    format!("{}: {} (column {})", e.context, e.kind, e.line_col().1)
}

/// A valid request's result.
fn valid(v: Verification) -> Checked {
    Checked {
        verdict: Verdict::Valid,
        signature_method: Some(v.signature_method),
        consumer_key: v.consumer_key,
        method: Some(v.method),
        base_uri: Some(v.base_uri),
        reason: None,
        notes: Vec::new(),
    }
}

/// The fast path's view of a request: its only Authorization header and
/// its first Content-Type. `None` with several Authorization headers.
fn parts<'a, N, V>(
    method: &'a str,
    url: &'a str,
    headers: &'a [(N, V)],
    body: &'a [u8],
) -> Option<RequestParts<'a>>
where
    N: AsRef<str>,
    V: AsRef<str>,
{
    let (mut authorization, mut content_type) = (None, None);
    for (name, value) in headers {
        let name = name.as_ref();
        if name.eq_ignore_ascii_case("authorization") {
            if authorization.replace(value.as_ref()).is_some() {
                return None;
            }
        } else if content_type.is_none() && name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value.as_ref());
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

/// Verifies one request, on `signer`'s buffers when it can.
pub fn check_with(request: &Request, keys: &Keys, signer: &mut Signer) -> Checked {
    let fast = parts(
        &request.method,
        &request.url,
        &request.headers,
        &request.body,
    )
    .and_then(|p| verify_canonical(signer, &p, |id| keys.shared_secrets(id)));
    match fast {
        Some(v) => valid(v),
        None => check(request, keys),
    }
}

/// Verifies one request.
pub fn check(request: &Request, keys: &Keys) -> Checked {
    let v = match verify_request(request, |id| keys.secrets_for(id)) {
        Ok(v) => v,
        Err(VerifyError::Parse(e)) => return Checked::malformed(one_line(&e)),
        Err(e) => {
            return Checked {
                verdict: Verdict::Unverifiable,
                reason: Some(e.to_string()),
                ..Checked::malformed("")
            }
        }
    };
    let (is_valid, signature_valid) = (v.is_valid(), v.signature_valid);
    let mut checked = valid(v);
    if is_valid {
        return checked;
    }
    checked.verdict = Verdict::Invalid;
    checked.reason = Some(
        if signature_valid {
            "oauth_body_hash does not match the body (OAuth Request Body Hash §4.2)"
        } else {
            "oauth_signature does not match"
        }
        .to_string(),
    );
    // The rare path: run the whole pipeline to say why.
    let explained = rerun_secrets(request, keys)
        .and_then(|s| pipeline::run(request, &s, RunOptions::default()).ok());
    if let Some(w) = explained {
        checked.notes = w
            .violations
            .into_iter()
            .filter(|n| n.code.starts_with("signature-") || n.code.starts_with("body-hash"))
            .collect();
    }
    checked
}

/// The secrets [`check`] used, looked up again for the explaining rerun.
fn rerun_secrets(request: &Request, keys: &Keys) -> Option<Secrets> {
    let c = crate::params::collect(request).ok()?;
    let key = c.value_of("oauth_consumer_key");
    let token = c.value_of("oauth_token");
    keys.secrets_for(Identity {
        consumer_key: key.as_deref(),
        token: token.as_deref(),
    })
    .ok()
    .map(Cow::into_owned)
}

/// Reads one JSON Lines line (without its line break) and verifies it.
pub fn check_line(line: &[u8], keys: &Keys) -> Checked {
    check_line_with(line, keys, &mut Signer::new())
}

/// [`check_line`] on `signer`'s buffers: a line is read without copying
/// and checked on the fast path ([`verify_canonical`]); only what that path
/// does not answer (an invalid signature, an unusual request) is checked
/// again in full.
pub fn check_line_with(line: &[u8], keys: &Keys, signer: &mut Signer) -> Checked {
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            return Checked::malformed(format!(
                "the line is not valid UTF-8 (byte {})",
                e.valid_up_to() + 1
            ))
        }
    };
    let line = match jsonl::read_line_ref(text) {
        Ok(line) => line,
        Err(e) => return Checked::malformed(one_line(&e)),
    };
    let body = line.body.as_deref().unwrap_or("").as_bytes();
    let fast = parts(&line.method, &line.url, &line.headers.0, body)
        .and_then(|p| verify_canonical(signer, &p, |id| keys.shared_secrets(id)));
    match fast {
        Some(v) => valid(v),
        None => check(&line.into_request(), keys),
    }
}

/// [`check_line`] over a chunk of lines, in parallel, results in order.
#[cfg(feature = "parallel")]
pub fn check_lines<L: AsRef<[u8]> + Sync>(lines: &[L], keys: &Keys) -> Vec<Checked> {
    lines
        .par_iter()
        .map_init(Signer::new, |s, l| check_line_with(l.as_ref(), keys, s))
        .collect()
}

/// [`check_line`] over a chunk of lines, one after the other (the
/// `parallel` feature is off), results in order.
#[cfg(not(feature = "parallel"))]
pub fn check_lines<L: AsRef<[u8]> + Sync>(lines: &[L], keys: &Keys) -> Vec<Checked> {
    check_lines_in_turn(lines, keys)
}

/// The sequential twin of the parallel [`check_lines`]: one signer, lines in turn.
#[cfg(any(not(feature = "parallel"), test))]
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

/// How many requests got each verdict.
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

    const PHOTOS: &str = r#"{"method":"GET","url":"http://photos.example.net/photos?file=vacation.jpg&size=original","headers":{"Authorization":"OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\""}}"#;

    fn keys() -> Keys {
        Keys::ByConsumer(
            Credentials::from_toml(
                "[consumers]\ndpf43f3p2l4k3l03 = \"kd94hf93k423kf44\"\n[tokens]\nnnch734d00sl2jdk = \"pfkkdhi9sl3r4s00\"\n",
                ".",
                &crate::input::NoFiles,
            )
            .unwrap(),
        )
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

    #[test]
    fn not_utf8_is_malformed() {
        let c = check_line(b"{\"method\":\"\xff\"}", &keys());
        assert_eq!(c.verdict, Verdict::Malformed);
        assert_eq!(
            c.reason.as_deref(),
            Some("the line is not valid UTF-8 (byte 12)")
        );
    }
}
