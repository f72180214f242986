//! The layer-by-layer comparison behind [`diff`](super::diff).

use super::base_diff::{align, parse_base_string};
use super::postman;
use super::{
    hunt_candidate, BaseStrings, Category, DiffError, DiffOptions, DiffReport, Effect, Finding,
    Side, SideSecrets, Situation,
};
use crate::auth_header;
use crate::base_string::split_url;
use crate::encode::{decode_lenient, encode, has_lowercase_escape, has_unencoded_reserved};
use crate::params::{collect, Collected, Param, Source};
use crate::pipeline::{run, PipelineError, RunOptions, Walkthrough};
use crate::request::ReadRequest;
use crate::signature::{hmac_base64, key_shape, Secrets};
use std::borrow::Cow;
use std::collections::HashMap;

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
                    format!("{}; percent-encode the signature exactly once", v.message),
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
    let situation = if candidate_valid == Some(false) {
        Some(Situation::SignerInconsistent)
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
    Ok(DiffReport {
        equivalent: situation == Some(Situation::Equivalent),
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
    })
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

/// RFC 5849 §3.4.1.1 step 1: the method.
fn compare_method(g: &View, c: &View, out: &mut Vec<Finding>) {
    if g.method == c.method {
        return;
    }
    let (id, msg) = if g.method.eq_ignore_ascii_case(&c.method) {
        ("method-case", "the candidate's base string has the method in another case; RFC 5849 §3.4.1.1 requires it upper-cased: upper-case the method before signing")
    } else {
        ("method-mismatch", "the methods differ and the method is the first part of the base string (RFC 5849 §3.4.1.1): send and sign the known-good's method")
    };
    let mistake = (id == "method-case").then_some("method-not-uppercased");
    out.push(
        finding(
            id,
            Category::Method,
            "method",
            Some(g.method.clone()),
            Some(c.method.clone()),
            Effect::BaseString,
            msg.into(),
        )
        .explained_by(mistake),
    );
}

fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme.to_ascii_lowercase().as_str() {
        "http" => Some("80"),
        "https" => Some("443"),
        _ => None,
    }
}

/// RFC 5849 §3.4.1.2: scheme, host, port and path of the base string URI.
fn compare_uri(g: &View, c: &View, out: &mut Vec<Finding>) {
    let (gs, cs, gw, cw) = (&g.signed_uri, &c.signed_uri, &g.written_uri, &c.written_uri);
    let uri_effect = if g.base_uri == c.base_uri {
        Effect::Note
    } else {
        Effect::BaseString
    };
    if gs.scheme != cs.scheme {
        let msg = if gs.scheme.eq_ignore_ascii_case(&cs.scheme) {
            "the scheme is written in another case in the candidate's base string; RFC 5849 §3.4.1.2 lower-cases it: lower-case the scheme before signing"
        } else {
            "the schemes differ, and the scheme is part of the base string URI (RFC 5849 §3.4.1.2): sign the scheme the server sees (a TLS proxy in front of it can make it https)"
        };
        let mistake = if gs.scheme.eq_ignore_ascii_case(&cs.scheme) {
            "host-case-kept"
        } else {
            "scheme-swapped"
        };
        out.push(
            finding(
                "scheme-mismatch",
                Category::Scheme,
                "URL scheme",
                Some(gs.scheme.clone()),
                Some(cs.scheme.clone()),
                Effect::BaseString,
                msg.into(),
            )
            .explained_by(Some(mistake)),
        );
    }
    if gs.host != cs.host {
        if gs.host.eq_ignore_ascii_case(&cs.host) {
            out.push(finding(
                "host-case",
                Category::Host,
                "URL host",
                Some(gs.host.clone()),
                Some(cs.host.clone()),
                Effect::BaseString,
                "the host differs only in case, and RFC 5849 §3.4.1.2 lower-cases the host in the base string URI: lower-case it before signing".into(),
            ).explained_by(Some("host-case-kept")));
        } else {
            out.push(finding(
                "host-mismatch",
                Category::Host,
                "URL host",
                Some(gs.host.clone()),
                Some(cs.host.clone()),
                Effect::BaseString,
                "the hosts differ, and the host is part of the base string URI (RFC 5849 §3.4.1.2): call and sign the known-good's host (www. and subdomains count)".into(),
            ).explained_by(www_toggled(&gs.host, &cs.host).then_some("host-www-toggled")));
        }
    } else if gw.host != cw.host && gw.host.eq_ignore_ascii_case(&cw.host) {
        out.push(finding(
            "host-case",
            Category::Host,
            "URL host",
            Some(gw.host.clone()),
            Some(cw.host.clone()),
            Effect::Note,
            "the host is written in another case; RFC 5849 §3.4.1.2 lower-cases it, so the base string is the same, but a signer that does not lower-case it signs something else".into(),
        ).explained_by(Some("host-case-kept")));
    }
    if gs.port != cs.port {
        let explicit_default = match (&gs.port, &cs.port) {
            (None, Some(p)) => default_port(&cs.scheme) == Some(p.as_str()),
            (Some(p), None) => default_port(&gs.scheme) == Some(p.as_str()),
            _ => false,
        };
        let show = |u: &Uri| u.port.clone().unwrap_or_else(|| "(none)".into());
        if explicit_default {
            out.push(finding(
                "default-port-kept",
                Category::Port,
                "URL port",
                Some(show(gs)),
                Some(show(cs)),
                Effect::BaseString,
                "one base string keeps the scheme's default port; RFC 5849 §3.4.1.2 drops :80 for http and :443 for https: leave the default port out of the signed URL".into(),
            ));
        } else {
            out.push(finding(
                "port-mismatch",
                Category::Port,
                "URL port",
                Some(show(gs)),
                Some(show(cs)),
                Effect::BaseString,
                "the ports differ, and a non-default port is part of the base string URI (RFC 5849 §3.4.1.2): use and sign the known-good's port".into(),
            ).explained_by((cs.port.is_none()).then_some("port-dropped")));
        }
    } else if gw.port != cw.port {
        out.push(finding(
            "default-port-kept",
            Category::Port,
            "URL port",
            Some(gw.port.clone().unwrap_or_else(|| "(none)".into())),
            Some(cw.port.clone().unwrap_or_else(|| "(none)".into())),
            Effect::Note,
            "one URL writes the scheme's default port explicitly; RFC 5849 §3.4.1.2 drops it from the base string, so this is the same request, but a signer that keeps it signs something else".into(),
        ));
    }
    if gs.path != cs.path {
        out.push(path_finding(&gs.path, &cs.path, uri_effect));
    } else if gw.path != cw.path {
        out.push(path_finding(&gw.path, &cw.path, Effect::Note));
    }
    match (&gs.query, &cs.query) {
        (None, Some(q)) | (Some(q), None) => out.push(finding(
            "query-kept-in-uri",
            Category::Query,
            "base string URI",
            gs.query.as_ref().map(|_| format!("?{q}")),
            cs.query.as_ref().map(|_| format!("?{q}")),
            Effect::BaseString,
            "the query string was left in the base string URI; RFC 5849 §3.4.1.2 excludes it (its parameters belong in the normalized parameters, §3.4.1.3.1): cut the URL at '?' before signing".into(),
        )),
        _ => {}
    }
}

fn decode_str(s: &str) -> String {
    String::from_utf8_lossy(&decode_lenient(s, false).0).into_owned()
}

/// RFC 5849 §3.4.1.2: the path is kept as sent; name the first difference.
fn path_finding(g: &str, c: &str, effect: Effect) -> Finding {
    let mk = |id, location: String, gv: &str, cv: &str, msg: &str| {
        finding(
            id,
            Category::Path,
            location,
            Some(gv.to_string()),
            Some(cv.to_string()),
            effect,
            msg.to_string(),
        )
    };
    if g.strip_suffix('/') == Some(c) || c.strip_suffix('/') == Some(g) {
        return mk("path-trailing-slash", "URL path".into(), g, c, "a trailing slash is present on one side only, and RFC 5849 §3.4.1.2 keeps the path exactly as sent: sign and send the known-good's path, slash included or not").explained_by(Some(if c.len() > g.len() { "trailing-slash-added" } else { "trailing-slash-removed" }));
    }
    let gs: Vec<&str> = g.split('/').collect();
    let cs: Vec<&str> = c.split('/').collect();
    let i = gs
        .iter()
        .zip(cs.iter())
        .position(|(a, b)| a != b)
        .unwrap_or(gs.len().min(cs.len()));
    let (ga, cb) = (
        gs.get(i).copied().unwrap_or(""),
        cs.get(i).copied().unwrap_or(""),
    );
    let location = format!("URL path segment {i}");
    if gs.len() == cs.len() {
        if decode_str(ga) == decode_str(cb) {
            return mk("path-encoding", location, ga, cb, "the segment decodes to the same text but is escaped differently, and RFC 5849 §3.4.1.2 keeps the path's escapes as sent: escape the path exactly as the known-good does").explained_by((decode_str(ga) == cb).then_some("path-decoded"));
        }
        if decode_str(&decode_str(cb)) == decode_str(ga)
            || decode_str(&decode_str(ga)) == decode_str(cb)
        {
            return mk("path-double-encoded", location, ga, cb, "the segment is percent-encoded one time too many on one side (%25 escapes); RFC 5849 §3.4.1.2 signs the path as sent: encode the path once");
        }
    }
    if g.eq_ignore_ascii_case(c) {
        return mk("path-case", "URL path".into(), g, c, "the paths differ only in case; RFC 5849 §3.4.1.2 keeps the path's case (only scheme and host are lower-cased): do not lower-case the path").explained_by((c == g.to_ascii_lowercase()).then_some("path-lowercased"));
    }
    mk("path-mismatch", location, ga, cb, "the paths differ, and the path is part of the base string URI (RFC 5849 §3.4.1.2): sign the path the server sees (a subfolder or proxy prefix counts)")
}

/// The hosts differ only by a leading `www.` (RFC 5849 §3.4.1.2).
fn www_toggled(a: &str, b: &str) -> bool {
    let bare = |h: &str| {
        let l = h.to_ascii_lowercase();
        l.strip_prefix("www.").map(str::to_string).unwrap_or(l)
    };
    !a.eq_ignore_ascii_case(b) && bare(a) == bare(b)
}

/// How the candidate's spelling of a value departs from RFC 5849 §3.6, and
/// the catalogue mistake that spelling is the mark of.
fn describe_encoding(c: &str, g: &str) -> (String, Option<&'static str>) {
    let (text, mistake) = if c.contains('+') && g.contains("%20") {
        (
            "the candidate writes a space as '+' (form encoding) where RFC 5849 §3.6 writes %20",
            Some("plus-for-space"),
        )
    } else if has_lowercase_escape(c) {
        (
            "the candidate writes lower-case hex escapes where RFC 5849 §3.6 requires upper case",
            Some("lowercase-hex"),
        )
    } else if c.contains(['!', '*', '\'', '(', ')']) {
        ("the candidate leaves !*'() unencoded (as JavaScript's encodeURIComponent does) where RFC 5849 §3.6 encodes them", Some("reserved-unencoded"))
    } else if c.contains("%7E") && g.contains('~') {
        (
            "the candidate encodes '~' (as Java's URLEncoder does) where RFC 5849 §3.6 keeps it",
            Some("tilde-encoded"),
        )
    } else if has_unencoded_reserved(c) {
        (
            "the candidate leaves characters unencoded that RFC 5849 §3.6 percent-encodes",
            None,
        )
    } else {
        (
            "the candidate percent-encodes the value differently from RFC 5849 §3.6",
            None,
        )
    };
    (text.to_string(), mistake)
}

struct ParamCtx<'v> {
    body_cause: bool,
    omitted: bool,
    header_not_encoded: bool,
    /// Each side's parameters by trimmed name: the distinct raw names, in order of first appearance.
    good_trimmed: Trimmed<'v>,
    candidate_trimmed: Trimmed<'v>,
}

type Trimmed<'v> = HashMap<String, Vec<Pv<'v>>>;

fn trimmed_names(v: &View) -> Trimmed<'_> {
    let mut m: Trimmed<'_> = HashMap::new();
    for p in v.pvs() {
        let e = m.entry(p.name_str().trim().to_string()).or_default();
        if !e.iter().any(|q| q.name() == p.name()) {
            e.push(p);
        }
    }
    m
}

/// The first parameter of a side whose name, trimmed, is `p`'s trimmed
/// name while its raw name differs (a name with stray whitespace).
fn whitespace_twin<'v>(side: &Trimmed<'v>, p: Pv<'_>) -> Option<Pv<'v>> {
    side.get(p.name_str().trim())?
        .iter()
        .find(|q| q.name() != p.name())
        .copied()
}

/// RFC 5849 §3.4.1.3: the parameters, as a multiset keyed by name across
/// the query, the form body and the Authorization header.
fn compare_params(g: &View, c: &View, out: &mut Vec<Finding>) {
    let mut ctx = ParamCtx {
        body_cause: false,
        omitted: false,
        header_not_encoded: c.collected.as_ref().is_some_and(|x| {
            x.header.as_ref().is_some_and(|h| {
                h.violations
                    .iter()
                    .any(|v| v.code == "header-value-not-encoded")
            })
        }),
        good_trimmed: trimmed_names(g),
        candidate_trimmed: trimmed_names(c),
    };
    if let (Some(gc), Some(cc)) = (&g.collected, &c.collected) {
        if gc.body_is_form != cc.body_is_form {
            ctx.body_cause = true;
            let form_side = if gc.body_is_form { g } else { c };
            let names: Vec<String> = form_side
                .pvs()
                .filter(|p| p.source() == Some(Source::Body))
                .map(|p| p.name_str())
                .collect();
            let ct = |v: &View| {
                v.read
                    .as_ref()
                    .and_then(|r| r.request.header("content-type").map(str::to_string))
                    .unwrap_or_else(|| "(absent)".into())
            };
            let who = if gc.body_is_form {
                "known-good"
            } else {
                "candidate"
            };
            out.push(finding(
                "body-content-type",
                Category::Body,
                "Content-Type",
                Some(ct(g)),
                Some(ct(c)),
                if names.is_empty() { Effect::Note } else { Effect::BaseString },
                format!(
                    "only the {who} side's body is signed, because RFC 5849 §3.4.1.3.1 signs body parameters only with Content-Type application/x-www-form-urlencoded ({}): send the body with the known-good's Content-Type",
                    if names.is_empty() { "no body parameters".to_string() } else { format!("signed on one side only: {}", names.join(", ")) }
                ),
            ));
        }
    }
    let g_query: Vec<Pv<'_>> = g
        .pvs()
        .filter(|p| p.source() == Some(Source::Query) && !p.is_oauth())
        .collect();
    if !g_query.is_empty()
        && g_query
            .iter()
            .all(|p| !ctx.candidate_trimmed.contains_key(p.name_str().trim()))
    {
        ctx.omitted = true;
        let names: Vec<String> = g_query.iter().map(|p| p.name_str()).collect();
        out.push(finding(
            "query-params-omitted",
            Category::Query,
            "query parameters",
            Some(names.join(", ")),
            None,
            Effect::BaseString,
            "the candidate signs none of the query parameters; RFC 5849 §3.4.1.3.1 signs every query parameter with the others: add the decoded query pairs to the signed parameters".into(),
        ));
    }
    // Both sides grouped by name in one pass each, names in order of first
    // appearance (good side first): linear in the number of parameters.
    // A group holds indices, since a request can hold millions.
    let mut names: Vec<&[u8]> = Vec::new();
    let mut by_name: HashMap<&[u8], (Vec<u32>, Vec<u32>)> = HashMap::new();
    for (i, p, good_side) in g
        .pvs()
        .enumerate()
        .map(|(i, p)| (i, p, true))
        .chain(c.pvs().enumerate().map(|(i, p)| (i, p, false)))
    {
        let entry = by_name.entry(p.name()).or_insert_with(|| {
            names.push(p.name());
            (Vec::new(), Vec::new())
        });
        let i = i as u32;
        if good_side {
            entry.0.push(i);
        } else {
            entry.1.push(i);
        }
    }
    let (gpv, cpv) = (g.pv_at(), c.pv_at());
    for name in names {
        let Some((gi, ci)) = by_name.remove(name) else {
            continue;
        };
        if is_volatile(name) {
            if ci.is_empty() {
                missing(gpv(gi[0]), &ctx, out);
            } else if gi.is_empty() {
                extra(cpv(ci[0]), &ctx, out);
            }
            continue;
        }
        let (gm, cm) = pair_by_signed(&gi, &ci, &gpv, &cpv, |gp, cp| {
            same_signed(g, c, gp, cp, &ctx, out)
        });
        if gm.is_empty() && cm.is_empty() {
            continue;
        }
        if ci.is_empty() {
            gm.iter().for_each(|gp| missing(*gp, &ctx, out));
            continue;
        }
        if gi.is_empty() {
            cm.iter().for_each(|cp| extra(*cp, &ctx, out));
            continue;
        }
        let (gl, cl) = (gi.len(), ci.len());
        let gl0 = gpv(gi[0]);
        let first = gm.first().copied().unwrap_or(gl0);
        let joined = gm
            .iter()
            .map(|p| String::from_utf8_lossy(p.value()).into_owned())
            .collect::<Vec<_>>()
            .join(",");
        if gm.len() > 1 && cm.len() == 1 && joined.as_bytes() == cm[0].value() {
            out.push(collapsed(first, gl, cl));
            continue;
        }
        let n = gm.len().min(cm.len());
        for i in 0..n {
            value_differs(gm[i], cm[i], out);
        }
        if gm.len() > n {
            out.push(collapsed(first, gl, cl));
        } else if cm.len() > n {
            out.push(finding(
                "param-duplicated",
                first.category(),
                first.location(),
                Some(format!("{gl} copies")),
                Some(format!("{cl} copies")),
                Effect::BaseString,
                "the candidate repeats this parameter more often; RFC 5849 §3.4.1.3.2 signs every copy: send each parameter as many times as the known-good does".into(),
            ));
        }
    }
    if c.is_base_string {
        let pairs: Vec<(&[u8], Cow<'_, str>)> = c.pvs().map(|p| (p.name(), p.signed())).collect();
        let mut sorted = pairs.clone();
        sorted.sort();
        if pairs != sorted {
            let i = pairs
                .iter()
                .zip(&sorted)
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            out.push(finding(
                "param-order",
                Category::Encoding,
                "normalized parameters",
                Some(String::from_utf8_lossy(sorted[i].0).into_owned()),
                Some(String::from_utf8_lossy(pairs[i].0).into_owned()),
                Effect::BaseString,
                "the candidate's parameters are not in byte order; RFC 5849 §3.4.1.3.2 sorts the encoded pairs by name, then value: sort after encoding".into(),
            ));
        }
    }
}

/// Pairs each known-good copy of one parameter with the first unmatched
/// candidate copy that signs the same text, handing each pair to `pair`
/// in known-good order. Returns the unmatched copies of each side, in
/// their order. Linear: each signed text keeps a queue of its candidate
/// copies.
fn pair_by_signed<'v>(
    gl: &[u32],
    cl: &[u32],
    gpv: &impl Fn(u32) -> Pv<'v>,
    cpv: &impl Fn(u32) -> Pv<'v>,
    mut pair: impl FnMut(Pv<'v>, Pv<'v>),
) -> (Vec<Pv<'v>>, Vec<Pv<'v>>) {
    let mut queues: HashMap<Cow<'v, str>, std::collections::VecDeque<u32>> = HashMap::new();
    for (i, &cp) in cl.iter().enumerate() {
        queues
            .entry(cpv(cp).signed())
            .or_default()
            .push_back(i as u32);
    }
    let mut used = vec![false; cl.len()];
    let mut gm = Vec::new();
    for &g in gl {
        let gp = gpv(g);
        match queues
            .get_mut(gp.signed().as_ref())
            .and_then(|q| q.pop_front())
        {
            Some(i) => {
                used[i as usize] = true;
                pair(gp, cpv(cl[i as usize]));
            }
            None => gm.push(gp),
        }
    }
    let cm = cl
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(p, _)| cpv(*p))
        .collect();
    (gm, cm)
}

fn collapsed(p: Pv<'_>, good: usize, cand: usize) -> Finding {
    finding(
        "duplicates-collapsed",
        p.category(),
        p.location(),
        Some(format!("{good} copies")),
        Some(format!("{cand} copies")),
        Effect::BaseString,
        "the candidate collapses repeated copies of this parameter (a map or dictionary keeps one value); RFC 5849 §3.4.1.3.2 signs every copy: keep the parameters as a list".into(),
    )
}

/// Same signed text on both sides: only placement or spelling can differ.
fn same_signed(g: &View, c: &View, gp: Pv<'_>, cp: Pv<'_>, ctx: &ParamCtx, out: &mut Vec<Finding>) {
    if let (Some(gs), Some(cs)) = (gp.source(), cp.source()) {
        if gs != cs {
            out.push(finding(
                "param-moved",
                cp.category(),
                visible(&cp.name_str()),
                Some(gs.as_str().into()),
                Some(cs.as_str().into()),
                Effect::Transport,
                format!(
                    "the parameter travels in the {} instead of the {}; RFC 5849 §3.4.1.3.1 signs it either way, but a server that reads only one place (§3.5) misses it: send it where the known-good does",
                    cs.as_str(),
                    gs.as_str()
                ),
            ));
            return;
        }
    }
    if g.is_base_string || c.is_base_string {
        return;
    }
    let (gr, cr) = (
        gp.raw_value().unwrap_or_default(),
        cp.raw_value().unwrap_or_default(),
    );
    if gr != cr && !(cp.source() == Some(Source::Header) && ctx.header_not_encoded) {
        let (how, mistake) = describe_encoding(&cr, &gr);
        out.push(finding(
            "param-encoding",
            Category::Encoding,
            cp.location(),
            Some(gr.to_string()),
            Some(cr.to_string()),
            Effect::Note,
            format!(
                "{how}; both decode to the same value, so the RFC base string is the same, but a signer that signs the text as written signs something else: encode as the known-good does"
            ),
        ).explained_by(mistake));
    }
}

/// A parameter the known-good side signs and the candidate does not.
fn missing(gp: Pv<'_>, ctx: &ParamCtx, out: &mut Vec<Finding>) {
    if ctx.omitted && gp.source() == Some(Source::Query) && !gp.is_oauth() {
        return;
    }
    if ctx.body_cause && gp.source() == Some(Source::Body) {
        return;
    }
    let name = gp.name_str();
    let loc = gp.location();
    let good = Some(gp.value_str());
    let f = if name == "oauth_version" {
        finding("version-presence", Category::Oauth, loc, good, None, Effect::BaseString,
            "the known-good sends oauth_version and the candidate does not; it is optional (RFC 5849 §3.1) but signed when sent: send oauth_version=1.0 as the known-good does".into())
    } else if name == "oauth_body_hash" {
        finding("body-hash-presence", Category::BodyHash, loc, good, None, Effect::BaseString,
            "the known-good signs oauth_body_hash and the candidate does not (OAuth Request Body Hash §3.1, signed per RFC 5849 §3.4.1.3.1): add the body hash".into())
    } else if let Some(cp) = whitespace_twin(&ctx.candidate_trimmed, gp) {
        finding("param-name-whitespace", gp.category(), loc, Some(visible(&name)), Some(visible(&cp.name_str())), Effect::BaseString,
            "a parameter name differs only by stray whitespace, which is encoded and signed (RFC 5849 §3.4.1.3.2): trim the name".into())
    } else if gp.value().is_empty() {
        finding("empty-params-dropped", gp.category(), loc, Some(String::new()), None, Effect::BaseString,
            "the known-good signs this parameter with an empty value and the candidate leaves it out; RFC 5849 §3.4.1.3.1 signs empty parameters: include it with an empty value".into())
    } else {
        finding("param-missing", gp.category(), loc, good, None, Effect::BaseString,
            "the known-good signs this parameter and the candidate does not (RFC 5849 §3.4.1.3.1): send and sign it".into())
    };
    out.push(f);
}

/// A parameter the candidate signs and the known-good side does not.
fn extra(cp: Pv<'_>, ctx: &ParamCtx, out: &mut Vec<Finding>) {
    if ctx.body_cause && cp.source() == Some(Source::Body) {
        return;
    }
    let name = cp.name_str();
    if whitespace_twin(&ctx.good_trimmed, cp).is_some() {
        return; // reported from the known-good side as param-name-whitespace
    }
    let loc = cp.location();
    let cand = Some(cp.value_str());
    let f = if name == "realm" {
        finding("realm-signed", Category::Oauth, loc, None, cand, Effect::BaseString,
            "the candidate signs realm; RFC 5849 §3.4.1.3.1 excludes the header's realm from the signed parameters: leave it out of the base string".into())
    } else if name == "oauth_version" {
        finding("version-presence", Category::Oauth, loc, None, cand, Effect::BaseString,
            "the candidate sends oauth_version and the known-good does not; it is optional (RFC 5849 §3.1) but signed when sent: leave it out as the known-good does".into())
    } else if name == "oauth_body_hash" {
        finding("body-hash-presence", Category::BodyHash, loc, None, cand, Effect::BaseString,
            "the candidate signs oauth_body_hash and the known-good does not (OAuth Request Body Hash §3.1): leave it out as the known-good does".into())
    } else if cp.value().is_empty() {
        finding("empty-param-added", cp.category(), loc, None, Some(String::new()), Effect::BaseString,
            "the candidate signs this parameter with an empty value and the known-good does not send it (RFC 5849 §3.4.1.3.1): leave it out".into())
    } else {
        finding("param-extra", cp.category(), loc, None, cand, Effect::BaseString,
            "the candidate signs a parameter the known-good does not (RFC 5849 §3.4.1.3.1): remove it or sign it only if it is sent".into())
    };
    out.push(f);
}

/// Both sides sign the parameter, with different text.
fn value_differs(gp: Pv<'_>, cp: Pv<'_>, out: &mut Vec<Finding>) {
    let dec = |v: &[u8]| decode_lenient(&String::from_utf8_lossy(v), false).0;
    let plus_as_space = |v: &[u8]| -> Vec<u8> {
        v.iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect()
    };
    let loc = cp.location();
    let (gv, cv) = (
        Some(gp.signed().into_owned()),
        Some(cp.signed().into_owned()),
    );
    let mut mistake = None;
    let (id, category, message): (&'static str, Category, String) = if gp.value() == cp.value() {
        let (how, m) = describe_encoding(&cp.signed(), &gp.signed());
        mistake = m;
        (
            "param-encoding",
            Category::Encoding,
            format!(
                "{how}; the base string must hold the RFC encoding (RFC 5849 §3.4.1.3.2): encode with the RFC 5849 §3.6 set"
            ),
        )
    } else if dec(cp.value()) == gp.value() {
        mistake = Some("param-pre-encoded");
        (
            "param-double-encoded",
            Category::Encoding,
            "the candidate percent-encodes this value twice (%25 escapes); RFC 5849 §3.4.1.3.2 encodes each value once after decoding it (§3.4.1.3.1): decode before encoding".into(),
        )
    } else if dec(gp.value()) == cp.value() {
        (
            "param-double-encoded",
            Category::Encoding,
            "the candidate decodes this value once too often (the known-good value holds a literal %XX); RFC 5849 §3.4.1.3.1 decodes once: keep the escape".into(),
        )
    } else if plus_as_space(cp.value()) == gp.value()
        || crate::encode::form_decode(&cp.signed()) == gp.value()
    {
        mistake = Some("plus-for-space");
        (
            "param-encoding",
            Category::Encoding,
            "the candidate writes a space as '+' (form encoding) where RFC 5849 §3.6 writes %20: percent-encode the space (a literal '+' is %2B)".into(),
        )
    } else if plus_as_space(gp.value()) == cp.value() {
        (
            "param-encoding",
            Category::Encoding,
            "a literal '+' travels unencoded on the candidate and form decoding (RFC 5849 §3.4.1.3.1) reads it as a space: send '+' as %2B".into(),
        )
    } else {
        let name = gp.name_str();
        let (id, category, what) = match name.as_str() {
            "oauth_consumer_key" => ("consumer-key-mismatch", Category::Oauth, "the consumer key differs (RFC 5849 §3.1): use the same client credentials as the known-good"),
            "oauth_token" => ("token-mismatch", Category::Oauth, "the token differs (RFC 5849 §3.1), so the token secret in the key probably differs too: use the known-good's token and its secret"),
            "oauth_signature_method" => ("signature-method-mismatch", Category::SignatureMethod, "the signature methods differ: the method is signed and picks the algorithm (RFC 5849 §3.4): use the server's method"),
            "oauth_version" => ("version-mismatch", Category::Oauth, "oauth_version differs; RFC 5849 §3.1 allows only \"1.0\": send 1.0 or leave it out as the known-good does"),
            "oauth_callback" => ("callback-mismatch", Category::Oauth, "oauth_callback differs (RFC 5849 §2.1): sign exactly the callback URL the known-good sends"),
            "oauth_verifier" => ("verifier-mismatch", Category::Oauth, "oauth_verifier differs (RFC 5849 §2.3): use the verifier the server returned"),
            "oauth_body_hash" => ("body-hash-mismatch", Category::BodyHash, "oauth_body_hash differs (OAuth Request Body Hash §3.2): hash the exact body bytes sent, with the digest the server expects"),
            _ => ("param-value-mismatch", if cp.source().is_some() { cp.category() } else { gp.category() }, "the value differs, and every parameter value is signed (RFC 5849 §3.4.1.3.2): send the known-good's value"),
        };
        (id, category, what.to_string())
    };
    let (gv, cv) = if id == "param-value-mismatch"
        || category == Category::Oauth
        || category == Category::SignatureMethod
        || category == Category::BodyHash
    {
        (Some(gp.value_str()), Some(cp.value_str()))
    } else {
        (gv, cv)
    };
    out.push(finding(id, category, loc, gv, cv, Effect::BaseString, message).explained_by(mistake));
}

const HEADER_CODES: [&str; 7] = [
    "header-scheme-case",
    "header-comma-after-scheme",
    "header-missing-comma",
    "header-value-unquoted",
    "header-value-not-encoded",
    "header-bad-escape",
    "header-duplicate-param",
];

/// RFC 5849 §3.5.1: the Authorization header's syntax, the realm, and
/// whether a signature is carried at all.
fn compare_header(g: &View, c: &View, out: &mut Vec<Finding>) {
    let (Some(gc), Some(cc)) = (&g.collected, &c.collected) else {
        return;
    };
    if let Some(scheme) = &c.rewritten_scheme {
        if g.rewritten_scheme.is_none() {
            out.push(finding(
                "header-scheme-wrong",
                Category::Header,
                "Authorization header",
                Some("OAuth".into()),
                Some(scheme.clone()),
                Effect::Transport,
                "the Authorization header uses another scheme name, so a server does not read its parameters; RFC 5849 §3.5.1 names the scheme \"OAuth\": write `Authorization: OAuth …`".into(),
            ));
        }
    }
    let good_codes: Vec<&str> = gc
        .header
        .as_ref()
        .map(|h| h.violations.iter().map(|v| v.code).collect())
        .unwrap_or_default();
    if let Some(h) = &cc.header {
        let mut seen: Vec<&str> = Vec::new();
        for v in &h.violations {
            if let Some(id) = HEADER_CODES.iter().find(|c| **c == v.code) {
                if good_codes.contains(id) || seen.contains(id) {
                    continue;
                }
                seen.push(id);
                out.push(finding(
                    id,
                    Category::Header,
                    "Authorization header",
                    None,
                    None,
                    Effect::Transport,
                    format!("{} (RFC 5849 §3.5.1: comma-separated name=\"percent-encoded value\" pairs): write the header as the known-good does", v.message),
                ));
            }
        }
    }
    if gc.realm != cc.realm && g.rewritten_scheme == c.rewritten_scheme {
        out.push(finding(
            "realm-mismatch",
            Category::Header,
            "Authorization header realm",
            gc.realm.clone(),
            cc.realm.clone(),
            Effect::Transport,
            "the realm differs; it is not signed (RFC 5849 §3.4.1.3.1) but servers such as NetSuite check it against the account: send the known-good's realm".into(),
        ));
    }
    if gc.signature.is_some() && cc.signature.is_none() {
        out.push(finding(
            "signature-missing",
            Category::Oauth,
            "oauth_signature",
            Some("present".into()),
            None,
            Effect::Transport,
            "the candidate carries no oauth_signature (RFC 5849 §3.5): send the signature with the other protocol parameters".into(),
        ));
    }
}

/// Bodies that are not signed: only a body hash makes them matter.
fn compare_body(g: &View, c: &View, out: &mut Vec<Finding>) {
    let (Some(gr), Some(cr), Some(gc), Some(cc)) = (&g.read, &c.read, &g.collected, &c.collected)
    else {
        return;
    };
    if gc.body_is_form || cc.body_is_form || gr.request.body == cr.request.body {
        return;
    }
    let hashed = g
        .params
        .iter()
        .chain(&c.params)
        .any(|p| p.name == b"oauth_body_hash");
    if hashed {
        return;
    }
    out.push(finding(
        "body-differs",
        Category::Body,
        "body",
        Some(format!("{} bytes", gr.request.body.len())),
        Some(format!("{} bytes", cr.request.body.len())),
        Effect::Note,
        "the bodies differ but are not signed (RFC 5849 §3.4.1.3.1 signs only form bodies), so this does not change the signature".into(),
    ));
}

/// `oauth_nonce` and `oauth_timestamp` are never the cause, but a
/// malformed one is worth knowing (RFC 5849 §3.3).
fn compare_volatile(g: &View, c: &View, out: &mut Vec<Finding>) {
    fn get<'v>(v: &'v View, n: &[u8]) -> Option<Pv<'v>> {
        v.pvs().find(|p| p.name() == n)
    }
    if let Some(t) = get(c, b"oauth_timestamp") {
        let v = String::from_utf8_lossy(t.value()).into_owned();
        let numeric = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        if !numeric {
            out.push(finding("timestamp-malformed", Category::Oauth, t.location(), None, Some(visible(&v)), Effect::Note,
                "oauth_timestamp must be a positive integer of seconds since 1970 (RFC 5849 §3.3); it is volatile and not compared, but servers reject a malformed one".into()));
        } else if v.len() >= 13 {
            out.push(finding("timestamp-milliseconds", Category::Oauth, t.location(), None, Some(v.clone()), Effect::Note,
                "oauth_timestamp looks like milliseconds; RFC 5849 §3.3 counts seconds: divide by 1000 (servers answer \"timestamp invalid\" or a signature error)".into()));
        } else if let Some(gt) = get(g, b"oauth_timestamp") {
            let gv = String::from_utf8_lossy(gt.value()).into_owned();
            if let (Ok(a), Ok(b)) = (gv.parse::<i64>(), v.parse::<i64>()) {
                if (a - b).abs() > 300 {
                    out.push(finding("timestamp-skew", Category::Oauth, t.location(), Some(gv), Some(v), Effect::Note,
                        "the timestamps are more than 300 s apart; that is expected when the known-good is an old capture, but servers reject a clock that is off by more than a few minutes (RFC 5849 §3.3)".into()));
                }
            }
        }
    }
    if let Some(n) = get(c, b"oauth_nonce") {
        let raw = n.raw_value().clone().unwrap_or_default();
        let needs = n.value().iter().any(|b| !crate::encode::is_unreserved(*b));
        if needs || (!c.is_base_string && has_unencoded_reserved(&raw)) {
            out.push(finding("nonce-needs-encoding", Category::Oauth, n.location(), None, Some(visible(&raw)), Effect::Note,
                "oauth_nonce holds characters that must be percent-encoded (RFC 5849 §3.6); it is volatile and not compared, but a signer that forgets to encode it signs something else: use an alphanumeric nonce".into()));
        }
    }
}

/// RFC 5849 §3.4.2 and §3.4.4: the keys of each side, and which
/// non-RFC key reproduces an inconsistent candidate's signature.
fn compare_keys(
    c: &View,
    secrets: &SideSecrets,
    candidate_valid: Option<bool>,
    out: &mut Vec<Finding>,
) {
    let (gs, cs) = (&secrets.good, &secrets.candidate);
    let pairs = [
        (
            "consumer secret",
            &gs.consumer_secret,
            &cs.consumer_secret,
            "consumer-secret-mismatch",
        ),
        (
            "token secret",
            &gs.token_secret,
            &cs.token_secret,
            "token-secret-mismatch",
        ),
    ];
    for (what, a, b, id) in pairs {
        let (Some(a), Some(b)) = (a, b) else { continue };
        if a.expose() == b.expose() {
            continue;
        }
        let len = |s: &crate::Secret| format!("{} chars", s.len());
        if a.expose().trim() == b.expose().trim() {
            out.push(finding("secret-whitespace", Category::Key, what, Some(len(a)), Some(len(b)), Effect::Key,
                format!("the {what}s differ only by leading or trailing whitespace (a pasted newline?), and every byte of the secret is in the key (RFC 5849 §3.4.2): trim the {what}")));
        } else {
            out.push(finding(id, Category::Key, what, Some(len(a)), Some(len(b)), Effect::Key,
                format!("the {what}s given for each side differ (values not shown), so the keys differ (RFC 5849 §3.4.2): use the known-good's {what}")));
        }
    }
    if candidate_valid != Some(false) {
        return;
    }
    let Some(w) = &c.walk else { return };
    let (Some(m), Some(carried), Some(csec)) = (
        w.signature_method,
        &w.request_signature,
        &cs.consumer_secret,
    ) else {
        return;
    };
    if m.is_rsa() {
        return;
    }
    let raw_c = csec.expose();
    let raw_t = cs.token_secret.as_ref().map_or("", |t| t.expose());
    let produces = |key: &str| match m.hash() {
        Some(h) => crate::signature::constant_time_eq(
            hmac_base64(h, key.as_bytes(), w.base_string.as_bytes()).as_bytes(),
            carried.as_bytes(),
        ),
        None => crate::signature::constant_time_eq(key.as_bytes(), carried.as_bytes()),
    };
    let rfc_shape = key_shape(cs, false);
    let mut variants: Vec<(&'static str, String, &'static str, String)> = Vec::new();
    if encode(raw_c) != raw_c || encode(raw_t) != raw_t {
        variants.push((
            "key-not-encoded",
            format!("{raw_c}&{raw_t}"),
            "secrets joined as written, not percent-encoded",
            "the candidate's signature is reproduced with the secrets joined without percent-encoding; RFC 5849 §3.4.2 encodes each secret (§3.6) before joining with '&': encode the secrets".into(),
        ));
    }
    if raw_t.is_empty() {
        variants.push((
            "key-amp-dropped",
            encode(raw_c),
            "consumer secret without the trailing '&'",
            "the candidate's signature is reproduced with a key that lacks the '&' after the consumer secret; RFC 5849 §3.4.2 keeps the '&' even when the token secret is empty: end the key with '&'".into(),
        ));
    } else {
        variants.push((
            "key-token-secret-omitted",
            format!("{}&", encode(raw_c)),
            "consumer secret and '&', token secret left out",
            "the candidate's signature is reproduced with the token secret left out of the key; RFC 5849 §3.4.2 appends the token secret after '&': include it".into(),
        ));
    }
    for (id, key, shape, message) in variants {
        if produces(&key) {
            out.push(finding(
                id,
                Category::Key,
                "signing key",
                Some(rfc_shape.clone()),
                Some(shape.to_string()),
                Effect::Key,
                message,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Format, Request};
    use crate::signature::Secrets;

    const HEADER: &str = r#"OAuth oauth_consumer_key="k", oauth_nonce="N", oauth_signature_method="HMAC-SHA1", oauth_timestamp="T", oauth_version="1.0""#;

    fn req(url: &str, nonce: &str, ts: &str) -> Side {
        let h = HEADER
            .replace('N', nonce)
            .replace("=\"T\"", &format!("=\"{ts}\""));
        Side::Request(ReadRequest::new(
            Request::new("GET", url).with_header("Authorization", h),
            Format::Http,
        ))
    }

    fn ids(r: &DiffReport) -> Vec<&str> {
        r.findings.iter().map(|f| f.id).collect()
    }

    fn run(good: &Side, cand: &Side) -> DiffReport {
        diff(good, cand, &SideSecrets::default(), &DiffOptions::default()).unwrap()
    }

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

    /// RFC 5849 §3.4.1.3.2: duplicates are signed one by one.
    #[test]
    fn parameters_are_a_multiset() {
        let r = run(
            &req("https://x.test/a?b=1&b=2", "n", "1"),
            &req("https://x.test/a?b=2&b=1", "n", "1"),
        );
        assert!(
            r.equivalent,
            "order of duplicates does not matter: {:?}",
            r.findings
        );
        let r = run(
            &req("https://x.test/a?b=1&b=2", "n", "1"),
            &req("https://x.test/a?b=1", "n", "1"),
        );
        assert_eq!(ids(&r), ["duplicates-collapsed"]);
        assert_eq!(
            r.situation, None,
            "no secrets: the situation cannot be told"
        );
    }

    /// RFC 5849 §3.4.1.2: a difference a catalogue mistake explains names it.
    #[test]
    fn differences_name_the_catalogue_mistake_behind_them() {
        let good = req("https://www.x.test/a/?b=1", "n", "1");
        let r = run(&good, &req("https://x.test/a/?b=1", "n", "1"));
        assert_eq!(ids(&r), ["host-mismatch"]);
        assert_eq!(r.findings[0].mistake, Some("host-www-toggled"));
        let r = run(&good, &req("https://www.x.test/a?b=1", "n", "1"));
        assert_eq!(ids(&r), ["path-trailing-slash"]);
        assert_eq!(r.findings[0].mistake, Some("trailing-slash-removed"));
        let r = run(&good, &req("https://www.x.test:443/a/?b=1", "n", "1"));
        assert_eq!(ids(&r), ["default-port-kept"]);
        assert_eq!(r.findings[0].mistake, Some("default-port-kept"));
        let r = run(&good, &req("https://www.x.test/a/?b=2", "n", "1"));
        assert_eq!(ids(&r), ["param-value-mismatch"]);
        assert_eq!(r.findings[0].mistake, None);
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

    /// RFC 5849 §3.4.2: a signature over the right base string with a wrong key.
    #[test]
    fn signer_inconsistent_candidate_with_unencoded_secret() {
        let secrets = Secrets::shared("c s", "t&s");
        let sign = |url: &str, key: &str| {
            let unsigned = Request::new("GET", url).with_header(
                "Authorization",
                HEADER.replace('N', "n").replace("=\"T\"", "=\"1\""),
            );
            let w = crate::pipeline::run(&unsigned, &Secrets::default(), RunOptions::default())
                .unwrap();
            let sig = hmac_base64(
                crate::signature::HashAlg::Sha1,
                key.as_bytes(),
                w.base_string.as_bytes(),
            );
            let h = format!(
                "{}, oauth_signature=\"{}\"",
                unsigned.header("authorization").unwrap(),
                encode(&sig)
            );
            Side::Request(ReadRequest::new(
                Request::new("GET", url).with_header("Authorization", h),
                Format::Http,
            ))
        };
        let good = sign("https://x.test/a", "c%20s&t%26s");
        let cand = sign("https://x.test/a", "c s&t&s");
        let r = diff(
            &good,
            &cand,
            &SideSecrets::shared(secrets),
            &DiffOptions::default(),
        )
        .unwrap();
        assert_eq!((r.good_valid, r.candidate_valid), (Some(true), Some(false)));
        assert_eq!(r.situation, Some(Situation::SignerInconsistent));
        assert_eq!(ids(&r), ["key-not-encoded"]);
        assert_eq!(r.findings[0].mistake, Some("key-not-encoded"));
        let hunt = r
            .hunt
            .as_ref()
            .expect("a signer-inconsistent candidate is hunted");
        assert!(hunt.matched);
        assert_eq!(hunt.mistakes, ["key-not-encoded"]);
        assert_eq!(hunt.explanations[0], ["key-not-encoded"]);
        let text = format!("{:?}", r);
        assert!(
            !text.contains("c s&t&s") && !text.contains("t&s\""),
            "a secret leaked: {text}"
        );
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
