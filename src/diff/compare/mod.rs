//! The layer-by-layer comparison behind [`diff`](super::diff): one side
//! against the other in pipeline order (RFC 5849 §3.4.1 base string,
//! §3.4.2–§3.4.4 key, §3.5 transport).
//!
//! Each stage has its own file: [`uri`] (method and base string URI,
//! §3.4.1.1–§3.4.1.2), [`params`] (§3.4.1.3), [`header`] (§3.5.1) and
//! [`keys`] (§3.4.2–§3.4.4). This file holds the entry point, the view of
//! a side every stage reads, and the shared [`Finding`] constructor.

mod header;
mod keys;
mod params;
mod uri;

use header::compare_header;
use keys::compare_keys;
use params::{compare_body, compare_params, compare_volatile};
use uri::{compare_method, compare_uri};

use super::base_diff::{align, parse_base_string};
use super::postman;
use super::{
    hunt_candidate, BaseStrings, Category, DiffError, DiffOptions, DiffReport, Effect, Finding,
    Side, SideSecrets, Situation,
};
use crate::auth_header;
use crate::encode::decode_lenient;
use crate::params::{collect, Collected, Param, Source};
use crate::pipeline::{run, PipelineError, RunOptions, Walkthrough};
use crate::request::ReadRequest;
use crate::signature::Secrets;
use crate::uri::split_url;
use std::borrow::Cow;

/// A URL split into the parts the base string URI is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Uri {
    scheme: String,
    host: String,
    port: Option<String>,
    path: String,
    query: Option<String>,
}

fn uri_parts(url: &str) -> Option<Uri> {
    let p = split_url(url).ok()?;
    Some(Uri {
        scheme: p.scheme.to_string(),
        host: p.host.to_string(),
        port: p.port.filter(|x| !x.is_empty()).map(str::to_string),
        path: p.path.to_string(),
        query: p.query.map(str::to_string),
    })
}

/// One signed parameter of a side, read from the side's own list (a
/// request can hold millions: no copy is made).
#[derive(Debug, Clone, Copy)]
struct Pv<'v> {
    p: &'v Param,
    /// From a bare base string: no source, and signed as written there.
    base: bool,
}

impl<'v> Pv<'v> {
    fn name(&self) -> &'v [u8] {
        &self.p.name
    }
    fn value(&self) -> &'v [u8] {
        &self.p.value
    }
    fn raw_value(&self) -> Option<Cow<'v, str>> {
        self.p.raw_value()
    }
    fn source(&self) -> Option<Source> {
        (!self.base).then_some(self.p.source)
    }
    /// The value as it appears in the normalized parameters (RFC 5849 §3.4.1.3.2).
    fn signed(&self) -> Cow<'v, str> {
        if self.base {
            self.p.raw_value().unwrap_or_default()
        } else {
            Cow::Owned(crate::encode::encode_bytes(&self.p.value))
        }
    }
    fn name_str(&self) -> String {
        String::from_utf8_lossy(self.name()).into_owned()
    }
    fn value_str(&self) -> String {
        visible(&String::from_utf8_lossy(self.value()))
    }
    fn is_oauth(&self) -> bool {
        self.name().starts_with(b"oauth_")
    }
    fn location(&self) -> String {
        match self.source() {
            Some(s) => format!("{} ({})", visible(&self.name_str()), s.as_str()),
            None => visible(&self.name_str()),
        }
    }
    fn category(&self) -> Category {
        if self.is_oauth() {
            Category::Oauth
        } else if self.source() == Some(Source::Body) {
            Category::Body
        } else {
            Category::Query
        }
    }
}

/// Control characters and stray spaces shown visibly.
fn visible(s: &str) -> String {
    let e = s.escape_debug().to_string().replace("\\\"", "\"");
    if e.starts_with(' ') || e.ends_with(' ') {
        format!("{e:?}")
    } else {
        e
    }
}

/// One side run through the pipeline, or a bare base string taken apart.
struct View {
    is_base_string: bool,
    method: String,
    signed_uri: Uri,
    written_uri: Uri,
    base_uri: String,
    params: Vec<Param>,
    base_string: String,
    collected: Option<Collected>,
    walk: Option<Walkthrough>,
    read: Option<ReadRequest>,
    /// The scheme name an Authorization header used instead of `OAuth`.
    rewritten_scheme: Option<String>,
}

impl View {
    /// The parameter at an index of the side's list.
    fn pv_at<'v>(&'v self) -> impl Fn(u32) -> Pv<'v> + 'v {
        let base = self.is_base_string;
        move |i| Pv {
            p: &self.params[i as usize],
            base,
        }
    }

    /// The side's signed parameters, in order.
    fn pvs(&self) -> impl Iterator<Item = Pv<'_>> + '_ {
        let base = self.is_base_string;
        self.params.iter().map(move |p| Pv { p, base })
    }
}

fn view(side: &'static str, s: &Side, secrets: &Secrets) -> Result<View, DiffError> {
    match s {
        Side::Request(read) => request_view(side, read, secrets),
        Side::BaseString(text) => base_string_view(side, text),
    }
}

fn request_view(
    side: &'static str,
    read: &ReadRequest,
    secrets: &Secrets,
) -> Result<View, DiffError> {
    let mut request = read.request.clone();
    let mut rewritten_scheme = None;
    // An Authorization header with OAuth parameters under another scheme
    // name: read its parameters anyway, and report the scheme.
    if let Some(v) = request.header("authorization").map(str::to_string) {
        let stripped = auth_header::strip_field_name(&v).to_string();
        if matches!(auth_header::parse(&stripped), Ok(None)) && stripped.contains("oauth_") {
            if let Some((scheme, rest)) = stripped.split_once(' ') {
                rewritten_scheme = Some(scheme.to_string());
                request.set_header("Authorization", format!("OAuth {rest}"));
            }
        }
    }
    let parse_err = |error| DiffError::Parse { side, error };
    let mut collected = collect(&request).map_err(parse_err)?;
    // The comparison reads the parameters from the walkthrough's list
    // (moved out of it below); a request can hold millions, so the
    // collected copy goes before the pipeline makes its own.
    collected.params = Vec::new();
    let mut walk = run(&request, secrets, RunOptions::default()).map_err(|e| match e {
        PipelineError::Parse(p) => parse_err(p),
    })?;
    let params = std::mem::take(&mut walk.parameters);
    walk.normalized_parameters = String::new();
    let written_uri = uri_parts(&request.url).ok_or(DiffError::BaseString { side })?;
    let signed_uri = uri_parts(&walk.base_uri).ok_or(DiffError::BaseString { side })?;
    let mut read = read.clone();
    read.request = request;
    Ok(View {
        is_base_string: false,
        method: walk.method.clone(),
        signed_uri,
        written_uri,
        base_uri: walk.base_uri.clone(),
        params,
        base_string: walk.base_string.clone(),
        collected: Some(collected),
        walk: Some(walk),
        read: Some(read),
        rewritten_scheme,
    })
}

fn base_string_view(side: &'static str, text: &str) -> Result<View, DiffError> {
    let p = parse_base_string(text).ok_or(DiffError::BaseString { side })?;
    let uri = uri_parts(&p.base_uri).ok_or(DiffError::BaseString { side })?;
    let params = p
        .pairs
        .iter()
        .map(|(n, v)| {
            Param::written(
                decode_lenient(n, false).0,
                decode_lenient(v, false).0,
                Source::Query,
                n,
                Some(v),
            )
        })
        .collect();
    Ok(View {
        is_base_string: true,
        method: p.method.clone(),
        signed_uri: uri.clone(),
        written_uri: uri,
        base_uri: p.base_uri.clone(),
        params,
        base_string: p.text.clone(),
        collected: None,
        walk: None,
        read: None,
        rewritten_scheme: None,
    })
}

fn finding(
    id: &'static str,
    category: Category,
    location: impl Into<String>,
    good: Option<String>,
    candidate: Option<String>,
    effect: Effect,
    message: String,
) -> Finding {
    Finding {
        id,
        category,
        location: location.into(),
        good,
        candidate,
        message,
        // A finding whose id is a catalogue id names that mistake.
        mistake: crate::hunt::mistake(id).map(|m| m.id),
        effect,
    }
}

impl Finding {
    /// The same finding, explained by the catalogue mistake `id` (when one applies).
    fn explained_by(mut self, id: Option<&'static str>) -> Finding {
        debug_assert!(id.is_none_or(|id| crate::hunt::mistake(id).is_some()));
        if id.is_some() {
            self.mistake = id;
        }
        self
    }
}

/// `oauth_nonce` and `oauth_timestamp` differ in every pair of real requests.
fn is_volatile(name: &[u8]) -> bool {
    name == b"oauth_nonce" || name == b"oauth_timestamp"
}

/// Compares a known-good side with a candidate, layer by layer, and
/// ranks the findings (RFC 5849 §3.4.1 base string first, then §3.4.2
/// key, then §3.5 transport, then notes).
pub fn diff(
    good: &Side,
    candidate: &Side,
    secrets: &SideSecrets,
    options: &DiffOptions,
) -> Result<DiffReport, DiffError> {
    let mut g = view("known-good", good, &secrets.good)?;
    let mut c = view("candidate", candidate, &secrets.candidate)?;
    let mut f = Vec::new();
    compare_method(&g, &c, &mut f);
    compare_uri(&g, &c, &mut f);
    compare_params(&g, &c, &mut f);
    compare_header(&g, &c, &mut f);
    compare_body(&g, &c, &mut f);
    compare_volatile(&g, &c, &mut f);
    let good_valid = g.walk.as_ref().and_then(|w| w.valid);
    let candidate_valid = c.walk.as_ref().and_then(|w| w.valid);
    compare_keys(&c, secrets, candidate_valid, &mut f);
    if good_valid == Some(false) {
        f.push(finding(
            "good-signature-invalid",
            Category::Key,
            "known-good oauth_signature",
            None,
            None,
            Effect::Note,
            "the known-good request's own oauth_signature does not verify with the known-good secrets (RFC 5849 §3.4.2): the secrets given are probably not the ones it was signed with, so the signature checks are unreliable; check the secrets".into(),
        ));
    }
    if let Some(w) = &c.walk {
        for v in &w.violations {
            if matches!(
                v.code,
                "signature-plus-became-space" | "signature-double-encoded"
            ) {
                // The violation's catalogue mistake is the finding's id.
                let id = v.mistake.unwrap_or(v.code);
                f.push(finding(
                    id,
                    Category::Encoding,
                    "candidate oauth_signature",
                    None,
                    // A PLAINTEXT signature is the key itself (RFC 5849 §3.4.4): never shown.
                    w.request_signature_raw.clone().filter(|_| {
                        w.signature_method != Some(crate::signature::SignatureMethod::Plaintext)
                    }),
                    Effect::Transport,
                    format!(
                        "{} ({}); percent-encode the signature exactly once",
                        v.message, v.section
                    ),
                ));
            }
        }
    }
    // Consistency with the base strings themselves: nothing that leaves
    // them equal can change them, and a difference nothing explains is
    // still reported.
    if fingerprint(&g) == fingerprint(&c) {
        for x in f.iter_mut().filter(|x| x.effect == Effect::BaseString) {
            x.effect = Effect::Note;
        }
    } else if !f.iter().any(|x| x.effect == Effect::BaseString) {
        f.push(finding(
            "base-string-differs",
            Category::Encoding,
            "base string",
            None,
            None,
            Effect::BaseString,
            "the base strings differ in a way no other check explains (RFC 5849 §3.4.1.1): compare them below".into(),
        ));
    }
    f.sort_by_key(|x| x.rank());

    let good_from_postman = options.good_from_postman
        || matches!(good, Side::Request(r) if postman::from_postman(r, b""));
    let mut postman_settings = Vec::new();
    if good_from_postman {
        for x in f.iter_mut() {
            if let Some(s) = postman::setting_for(x) {
                x.message.push_str(&format!(
                    "; in Postman this is the *{s}* setting of the OAuth 1.0 helper"
                ));
                if !postman_settings.contains(&s) {
                    postman_settings.push(s);
                }
            }
        }
    }

    let significant = f.iter().any(Finding::is_significant);
    // A request whose own signature was not checked (no secrets, or a
    // method that needs a key not given) may sign the right content with a
    // wrong key or a wrong computation: RFC 5849 §3.4 cannot be judged
    // from the content alone, so "equivalent" is never claimed for it.
    let candidate_signed = c
        .walk
        .as_ref()
        .is_some_and(|w| w.request_signature.is_some());
    let situation = if candidate_valid == Some(false) {
        Some(Situation::SignerInconsistent)
    } else if !significant && candidate_valid.is_none() && candidate_signed {
        Some(Situation::SignaturesUnchecked)
    } else if !significant {
        Some(Situation::Equivalent)
    } else if candidate_valid == Some(true) || c.is_base_string {
        Some(Situation::RequestDiffers)
    } else {
        None
    };
    let key_shapes = (
        g.walk.as_ref().and_then(|w| w.key.clone()),
        c.walk.as_ref().and_then(|w| w.key.clone()),
    );
    let candidate_is_base_string = c.is_base_string;
    // The alignment and the hunt need only the base strings and the
    // candidate as read: both sides' parameters go first (a request can
    // hold millions).
    let base_strings = BaseStrings {
        good: std::mem::take(&mut g.base_string),
        candidate: std::mem::take(&mut c.base_string),
    };
    drop(g);
    let read = c.read.take();
    drop(c);
    let alignment = align(&base_strings.good, &base_strings.candidate);
    let hunt = match (&situation, &read) {
        (Some(Situation::SignerInconsistent), Some(read)) => {
            hunt_candidate(read, &secrets.candidate, options.hunt_budget)
        }
        _ => None,
    };
    let mut report = DiffReport {
        equivalent: matches!(
            situation,
            Some(Situation::Equivalent | Situation::SignaturesUnchecked)
        ),
        situation,
        findings: f,
        base_strings,
        good_valid,
        candidate_valid,
        hunt,
        alignment,
        postman_settings,
        candidate_is_base_string,
        key_shapes,
        cause: None,
    };
    report.cause = report.first_cause();
    Ok(report)
}

/// What a side signs, volatile values left out: the method, the base
/// string URI and each (name, signed value) pair, the pairs in one buffer
/// (a request can hold millions) and sorted, except for a bare base
/// string, whose order is part of what it signs.
struct Fingerprint<'v> {
    method: &'v str,
    base_uri: &'v str,
    buf: Vec<u8>,
    /// Name start, name end (value start), value end in `buf`.
    spans: Vec<(u32, u32, u32)>,
}

impl Fingerprint<'_> {
    fn pairs(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.spans.iter().map(|&(s, m, e)| {
            (
                &self.buf[s as usize..m as usize],
                &self.buf[m as usize..e as usize],
            )
        })
    }
}

impl PartialEq for Fingerprint<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method
            && self.base_uri == other.base_uri
            && self.spans.len() == other.spans.len()
            && self.pairs().eq(other.pairs())
    }
}

fn fingerprint(v: &View) -> Fingerprint<'_> {
    let mut buf = Vec::new();
    let mut spans = Vec::with_capacity(v.params.len());
    // Offsets fit u32: the readers take requests of at most 16 MiB.
    let at = |buf: &Vec<u8>| u32::try_from(buf.len()).unwrap_or(u32::MAX);
    for p in v.pvs().filter(|p| !is_volatile(p.name())) {
        let start = at(&buf);
        buf.extend_from_slice(p.name());
        let mid = at(&buf);
        buf.extend_from_slice(p.signed().as_bytes());
        spans.push((start, mid, at(&buf)));
    }
    if !v.is_base_string {
        let key = |&(s, m, e): &(u32, u32, u32)| {
            (&buf[s as usize..m as usize], &buf[m as usize..e as usize])
        };
        spans.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    }
    Fingerprint {
        method: &v.method,
        base_uri: &v.base_uri,
        buf,
        spans,
    }
}

#[cfg(test)]
mod testing {
    use super::diff;
    use crate::diff::{DiffOptions, DiffReport, Side, SideSecrets};
    use crate::request::{Format, ReadRequest, Request};

    pub(super) const HEADER: &str = r#"OAuth oauth_consumer_key="k", oauth_nonce="N", oauth_signature_method="HMAC-SHA1", oauth_timestamp="T", oauth_version="1.0""#;

    pub(super) fn req(url: &str, nonce: &str, ts: &str) -> Side {
        let h = HEADER
            .replace('N', nonce)
            .replace("=\"T\"", &format!("=\"{ts}\""));
        Side::Request(ReadRequest::new(
            Request::new("GET", url).with_header("Authorization", h),
            Format::Http,
        ))
    }

    pub(super) fn ids(r: &DiffReport) -> Vec<&str> {
        r.findings.iter().map(|f| f.id).collect()
    }

    pub(super) fn run(good: &Side, cand: &Side) -> DiffReport {
        diff(good, cand, &SideSecrets::default(), &DiffOptions::default()).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{ids, req, run};
    use super::*;

    /// RFC 5849 §3.4.1.3.1: nonce and timestamp differ in every real pair.
    #[test]
    fn volatile_values_alone_are_equivalent() {
        let r = run(
            &req("https://x.test/a?b=1", "n1", "1700000000"),
            &req("https://x.test/a?b=1", "n2", "1700000100"),
        );
        assert!(r.equivalent, "{:?}", r.findings);
        assert_eq!(r.situation, Some(Situation::Equivalent));
    }

    /// RFC 5849 §3.4: the same content with a signature nobody checked is
    /// not "equivalent" (the key or the computation may be wrong), and a
    /// note (an explicit default port) is never the cause.
    #[test]
    fn an_unchecked_signature_is_never_called_equivalent() {
        let signed = |url: &str, nonce: &str| match req(url, nonce, "1700000000") {
            Side::Request(mut r) => {
                let h = r.request.header("authorization").unwrap().to_string();
                r.request
                    .set_header("Authorization", format!(r#"{h}, oauth_signature="c2ln""#));
                Side::Request(r)
            }
            s => s,
        };
        let r = run(
            &signed("https://x.test/a?b=1", "n1"),
            &signed("https://x.test:443/a?b=1", "n2"),
        );
        assert_eq!(r.situation, Some(Situation::SignaturesUnchecked));
        assert!(r.equivalent, "the signed content is the same");
        assert_eq!(ids(&r), ["default-port-kept"]);
        assert_eq!(r.cause, None, "a note is never the cause");
    }

    /// RFC 5849 §3.4.1.2: the cause comes before what follows from it.
    #[test]
    fn findings_are_ranked_by_pipeline_stage() {
        let r = run(
            &req("https://x.test/a?b=1", "n", "1"),
            &req("https://x.test:8443/A?b=2&c=3", "n", "1"),
        );
        assert_eq!(
            ids(&r),
            [
                "port-mismatch",
                "path-case",
                "param-value-mismatch",
                "param-extra"
            ]
        );
    }

    #[test]
    fn a_base_string_candidate_is_compared_with_the_good_base_string() {
        let good = req("https://x.test/a?b=1", "n", "1");
        let sbs = "GET&https%3A%2F%2Fx.test%2Fa&b%3D1%26oauth_consumer_key%3Dk%26oauth_nonce%3Dz%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D9%26oauth_version%3D1.0";
        let r = run(&good, &Side::BaseString(sbs.into()));
        assert!(r.equivalent, "{:?}", r.findings);
        let r = run(&good, &Side::BaseString(sbs.replace("x.test", "X.test")));
        assert_eq!(ids(&r), ["host-case"]);
        assert_eq!(r.situation, Some(Situation::RequestDiffers));
        assert!(matches!(
            diff(
                &good,
                &Side::BaseString("GET&nope".into()),
                &SideSecrets::default(),
                &DiffOptions::default()
            ),
            Err(DiffError::BaseString { side: "candidate" })
        ));
    }

    #[test]
    fn every_finding_id_is_catalogued_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (id, _, _) in super::super::FINDING_IDS {
            assert!(seen.insert(*id), "{id} twice");
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{id} is not kebab-case"
            );
            // One name per mistake: an old alias is never printed.
            assert_eq!(
                crate::hunt::catalogue::canonical(id),
                *id,
                "{id} is an alias"
            );
        }
    }
}
