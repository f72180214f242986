//! Request parameters: their sources (RFC 5849 §3.4.1.3.1), where the
//! protocol parameters travel (§3.5), and normalization (§3.4.1.3.2).

use crate::auth_header::{self, AuthHeader};
use crate::encode::{decode_lenient, encode_bytes, encode_to_vec, has_lowercase_escape};
use crate::error::{ParseError, Violation};
use crate::request::Request;
use crate::uri::{looks_like_form, split_url};
use serde::Serialize;
use std::borrow::Cow;

/// Where a parameter was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The URL's query string (RFC 5849 §3.4.1.3.1, §3.5.3).
    Query,
    /// A form-encoded entity-body (RFC 5849 §3.4.1.3.1, §3.5.2).
    Body,
    /// The `Authorization: OAuth` header (RFC 5849 §3.5.1).
    Header,
}

impl Source {
    /// The lower-case name used in output and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Query => "query",
            Source::Body => "body",
            Source::Header => "header",
        }
    }
}

/// Octets of a parameter name or value: up to [`Octets::INLINE`] bytes are
/// held in place, longer ones in one exact-size heap block. A request can
/// carry millions of short parameters, and a heap block per name and value
/// would cost several times the request's own size.
#[derive(Clone)]
pub struct Octets(Repr);

#[derive(Clone)]
enum Repr {
    Inline(u8, [u8; Octets::INLINE]),
    Heap(Box<[u8]>),
}

impl Octets {
    /// The longest name or value held without a heap block.
    pub const INLINE: usize = 22;

    /// The octets as a slice.
    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline(n, b) => &b[..*n as usize],
            Repr::Heap(b) => b,
        }
    }

    /// Bytes held on the heap (0 when inline).
    pub fn heap_bytes(&self) -> usize {
        match &self.0 {
            Repr::Inline(..) => 0,
            Repr::Heap(b) => b.len(),
        }
    }
}

impl Default for Octets {
    fn default() -> Self {
        Octets(Repr::Inline(0, [0; Octets::INLINE]))
    }
}

impl std::ops::Deref for Octets {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for Octets {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl std::borrow::Borrow<[u8]> for Octets {
    fn borrow(&self) -> &[u8] {
        self.as_slice()
    }
}

impl From<&[u8]> for Octets {
    fn from(b: &[u8]) -> Octets {
        if b.len() <= Octets::INLINE {
            let mut buf = [0; Octets::INLINE];
            buf[..b.len()].copy_from_slice(b);
            Octets(Repr::Inline(b.len() as u8, buf))
        } else {
            Octets(Repr::Heap(b.into()))
        }
    }
}

impl From<Vec<u8>> for Octets {
    fn from(v: Vec<u8>) -> Octets {
        if v.len() <= Octets::INLINE {
            Octets::from(v.as_slice())
        } else {
            Octets(Repr::Heap(v.into_boxed_slice()))
        }
    }
}

impl From<&str> for Octets {
    fn from(s: &str) -> Octets {
        Octets::from(s.as_bytes())
    }
}

impl From<String> for Octets {
    fn from(s: String) -> Octets {
        Octets::from(s.into_bytes())
    }
}

impl<const N: usize> From<&[u8; N]> for Octets {
    fn from(b: &[u8; N]) -> Octets {
        Octets::from(b.as_slice())
    }
}

impl From<Octets> for Vec<u8> {
    fn from(o: Octets) -> Vec<u8> {
        match o.0 {
            Repr::Inline(n, b) => b[..n as usize].to_vec(),
            Repr::Heap(b) => b.into_vec(),
        }
    }
}

impl std::fmt::Debug for Octets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

impl PartialEq for Octets {
    fn eq(&self, other: &Octets) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Octets {}

impl PartialOrd for Octets {
    fn partial_cmp(&self, other: &Octets) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Octets {
    fn cmp(&self, other: &Octets) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl std::hash::Hash for Octets {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_slice().hash(h)
    }
}

impl PartialEq<[u8]> for Octets {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<&[u8]> for Octets {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_slice() == *other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Octets {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Octets {
    fn eq(&self, other: &&[u8; N]) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<Vec<u8>> for Octets {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

/// One request parameter, in every form the pipeline needs.
///
/// The text as written ([`Param::raw_name`], [`Param::raw_value`]) is kept
/// only when it differs from the RFC 5849 §3.6 encoding of the decoded
/// octets; most parameters are written that way, and a copy of each would
/// double what a request with millions of them holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The name, decoded (octets).
    pub name: Octets,
    /// The value, decoded (octets).
    pub value: Octets,
    /// Where it was found.
    pub source: Source,
    /// False for a query/body key with no `=`.
    has_value: bool,
    /// The text as written, when it is not the canonical encoding.
    written: Option<Box<Written>>,
}

/// Name and value as written, each `None` when canonical.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Written {
    name: Option<Box<str>>,
    value: Option<Box<str>>,
}

/// Whether `raw` is exactly the RFC 5849 §3.6 encoding of `decoded`.
fn is_canonical(raw: &str, decoded: &[u8]) -> bool {
    let raw = raw.as_bytes();
    if raw.len() == decoded.len() {
        return raw == decoded && raw.iter().all(|b| crate::encode::is_unreserved(*b));
    }
    let mut enc = Vec::with_capacity(raw.len());
    encode_to_vec(decoded, &mut enc);
    enc == raw
}

impl Param {
    /// A parameter with the given decoded name and value, written as their encodings.
    pub fn new(name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>, source: Source) -> Param {
        Param {
            name: Octets::from(name.into()),
            value: Octets::from(value.into()),
            source,
            has_value: true,
            written: None,
        }
    }

    /// A parameter with its decoded name and value and the text it was
    /// written as (`raw_value` `None` for a key with no `=`).
    pub fn written(
        name: impl Into<Octets>,
        value: impl Into<Octets>,
        source: Source,
        raw_name: &str,
        raw_value: Option<&str>,
    ) -> Param {
        let name = name.into();
        let value = value.into();
        let wn = (!is_canonical(raw_name, &name)).then(|| Box::from(raw_name));
        let wv = raw_value
            .filter(|v| !is_canonical(v, &value))
            .map(Box::from);
        let written = (wn.is_some() || wv.is_some()).then(|| {
            Box::new(Written {
                name: wn,
                value: wv,
            })
        });
        Param {
            name,
            value,
            source,
            has_value: raw_value.is_some(),
            written,
        }
    }

    /// The name as written in the request.
    pub fn raw_name(&self) -> Cow<'_, str> {
        match self.written.as_ref().and_then(|w| w.name.as_deref()) {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(encode_bytes(&self.name)),
        }
    }

    /// The value as written, `None` for a query/body key with no `=`.
    pub fn raw_value(&self) -> Option<Cow<'_, str>> {
        if !self.has_value {
            return None;
        }
        Some(
            match self.written.as_ref().and_then(|w| w.value.as_deref()) {
                Some(v) => Cow::Borrowed(v),
                None => Cow::Owned(encode_bytes(&self.value)),
            },
        )
    }

    /// Replaces the decoded value, keeping how the name was written; the
    /// value counts as written in its encoding.
    pub fn set_value(&mut self, value: impl Into<Octets>) {
        self.value = value.into();
        self.has_value = true;
        if let Some(w) = &mut self.written {
            w.value = None;
            if w.name.is_none() {
                self.written = None;
            }
        }
    }

    /// Bytes this parameter holds, itself and on the heap.
    pub fn size_bytes(&self) -> usize {
        std::mem::size_of::<Param>()
            + self.name.heap_bytes()
            + self.value.heap_bytes()
            + self.written.as_ref().map_or(0, |w| {
                std::mem::size_of::<Written>()
                    + w.name.as_ref().map_or(0, |n| n.len())
                    + w.value.as_ref().map_or(0, |v| v.len())
            })
    }

    /// The decoded name as text.
    pub fn name_str(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }

    /// The decoded value as text.
    pub fn value_str(&self) -> String {
        String::from_utf8_lossy(&self.value).into_owned()
    }

    /// True for the protocol parameters (`oauth_*`, RFC 5849 §3.4.1).
    pub fn is_protocol(&self) -> bool {
        self.name.starts_with(b"oauth_")
    }
}

/// The `oauth_signature` a request carries, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarriedSignature {
    /// As written (percent-encoded in a header or query).
    pub raw: String,
    /// Decoded: the signature itself.
    pub value: String,
    /// Where it travels.
    pub source: Source,
}

/// Everything §3.4.1.3.1 and §3.5 find in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected {
    /// The parameters that are signed, in order: query, body, header.
    pub params: Vec<Param>,
    /// The `oauth_signature` found, if any (excluded from `params`).
    pub signature: Option<CarriedSignature>,
    /// The header's `realm`, if any (excluded from `params`).
    pub realm: Option<String>,
    /// The parsed OAuth Authorization header, if any.
    pub header: Option<AuthHeader>,
    /// Whether the body was a parameter source.
    pub body_is_form: bool,
    /// Accepted departures from the RFC and things worth knowing.
    pub violations: Vec<Violation>,
}

impl Collected {
    /// The decoded value of the first parameter named `name`.
    pub fn get(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name.as_bytes())
    }

    /// The decoded value of the first parameter named `name`, as text.
    pub fn value_of(&self, name: &str) -> Option<String> {
        self.get(name).map(Param::value_str)
    }
}

/// RFC 5849 §3.4.1.3.1: form-decodes one name or value, without a heap
/// copy when nothing is escaped.
fn decode_form_part(raw: &str) -> (Octets, Vec<crate::encode::BadEscape>) {
    if !raw.contains(['%', '+']) {
        return (Octets::from(raw), Vec::new());
    }
    let (d, bad) = decode_lenient(raw, true);
    (Octets::from(d), bad)
}

/// RFC 5849 §3.4.1.3.1: splits a form-urlencoded string (a query or a form
/// body) into parameters, `+` decoding to a space. A key without `=` has an
/// empty value; empty segments (`a=1&&b=2`) are skipped.
pub fn parse_form(text: &str, source: Source, violations: &mut Vec<Violation>) -> Vec<Param> {
    let mut out = Vec::new();
    parse_form_into(text, source, violations, &mut out);
    out
}

/// [`parse_form`] appending to `out`, which grows once: a form can hold
/// millions of parameters, and doubling (or a second list to append) would
/// hold them twice.
fn parse_form_into(
    text: &str,
    source: Source,
    violations: &mut Vec<Violation>,
    out: &mut Vec<Param>,
) {
    out.reserve_exact(memchr::memchr_iter(b'&', text.as_bytes()).count() + 1);
    let where_ = source.as_str();
    // Notes per parameter are listed up to NOTES_LISTED of each kind, then
    // counted: a form can hold millions of parameters, each with a note.
    let mut counts = [0usize; 3];
    let mut note = |kind: usize, v: &mut Vec<Violation>, make: &dyn Fn() -> Violation| {
        counts[kind] += 1;
        if counts[kind] <= NOTES_LISTED {
            v.push(make());
        }
    };
    for seg in text.split('&') {
        if seg.is_empty() {
            continue;
        }
        let (raw_name, raw_value) = match seg.find('=') {
            Some(i) => (&seg[..i], Some(&seg[i + 1..])),
            None => (seg, None),
        };
        let (name, bad_n) = decode_form_part(raw_name);
        let (value, bad_v) = decode_form_part(raw_value.unwrap_or(""));
        for bad in bad_n.iter().chain(bad_v.iter()) {
            note(0, violations, &|| {
                Violation::new(
                "bad-percent-escape",
                "RFC 5849 §3.6",
                format!(
                    "{where_} parameter {raw_name:?} holds {:?}, which is not a %XX escape; it is kept literally",
                    bad.text
                ),
            )
            });
        }
        if has_lowercase_escape(seg) {
            note(1, violations, &|| {
                Violation::new(
                "lowercase-hex",
                "RFC 5849 §3.6",
                format!("{where_} parameter {raw_name:?} uses lower-case hex in an escape; it decodes the same but RFC 5849 writes upper case"),
            )
            });
        }
        if seg.contains('+') {
            note(2, violations, &|| {
                Violation::new(
                "plus-is-space",
                "RFC 5849 §3.4.1.3.1",
                format!("'+' in {where_} parameter {raw_name:?} decodes to a space (form encoding); a literal plus must be sent as %2B"),
            )
            });
        }
        out.push(Param::written(name, value, source, raw_name, raw_value));
    }
    let kinds = [
        ("bad-percent-escape", "RFC 5849 §3.6"),
        ("lowercase-hex", "RFC 5849 §3.6"),
        ("plus-is-space", "RFC 5849 §3.4.1.3.1"),
    ];
    for ((code, section), n) in kinds.into_iter().zip(counts) {
        if n > NOTES_LISTED {
            violations.push(Violation::new(
                code,
                section,
                format!(
                    "{} more notes like these on {where_} parameters are not listed ({n} in all)",
                    n - NOTES_LISTED
                ),
            ));
        }
    }
}

/// How many notes of one kind about single parameters of one source are
/// listed before the rest are only counted.
pub const NOTES_LISTED: usize = 100;

/// RFC 5849 §3.4.1.3.1 and §3.5: collects the parameters a request signs.
///
/// Sources, in this order: the query (§3.4.1.3.1, form-decoded), the body
/// when it is single-part `application/x-www-form-urlencoded`, and the
/// `Authorization: OAuth` header's parameters except `realm`.
/// `oauth_signature` is excluded wherever it travels. A protocol parameter
/// found in more than one place is reported.
pub fn collect(request: &Request) -> Result<Collected, ParseError> {
    let mut violations = Vec::new();
    let url = split_url(&request.url)?;
    // The header is read first so that the list is allocated once, at its
    // final size (growing it would hold millions of parameters twice); its
    // parameters and notes still come last.
    let mut header = None;
    let mut realm = None;
    let mut header_notes = Vec::new();
    for value in request.headers_named("authorization") {
        match auth_header::parse(value)? {
            Some(h) if header.is_none() => header = Some(h),
            Some(_) => header_notes.push(Violation::new(
                "several-oauth-headers",
                "RFC 5849 §3.5.1",
                "the request has more than one OAuth Authorization header; only the first is used",
            )),
            None => {}
        }
    }
    let body_is_form = request.has_form_body();
    let amps = |t: &[u8]| memchr::memchr_iter(b'&', t).count() + 1;
    let mut all = Vec::with_capacity(
        url.query.map_or(0, |q| amps(q.as_bytes()))
            + if body_is_form { amps(&request.body) } else { 0 }
            + header.as_ref().map_or(0, |h: &AuthHeader| h.params.len()),
    );
    if let Some(q) = url.query {
        parse_form_into(q, Source::Query, &mut violations, &mut all);
    }
    if body_is_form {
        let text = String::from_utf8_lossy(&request.body);
        if matches!(text, std::borrow::Cow::Owned(_)) {
            violations.push(Violation::new(
                "body-not-utf8",
                "RFC 5849 §3.4.1.3.1",
                "the form body is not valid UTF-8; invalid bytes were read as U+FFFD",
            ));
        }
        parse_form_into(&text, Source::Body, &mut violations, &mut all);
    } else if !request.body.is_empty() && looks_like_form(&request.body) {
        violations.push(Violation::new(
            "form-shaped-body-not-signed",
            "RFC 5849 §3.4.1.3.1",
            format!(
                "the body looks like name=value pairs but Content-Type is {}, so its parameters are not signed",
                request
                    .header("content-type")
                    .map_or("absent".to_string(), |c| format!("{c:?}"))
            ),
        ));
    }
    if let Some(h) = &header {
        violations.extend(h.violations.iter().cloned());
        for p in &h.params {
            if p.name == "realm" {
                realm = Some(p.value_lossy());
                continue;
            }
            all.push(Param::written(
                p.name.as_str(),
                p.value.as_slice(),
                Source::Header,
                &p.name,
                Some(&p.raw_value),
            ));
        }
    }
    violations.extend(header_notes);
    let mut signature = None;
    all.retain(|p| {
        if p.name == b"oauth_signature" {
            if signature.is_none() {
                signature = Some(CarriedSignature {
                    raw: p.raw_value().map(Cow::into_owned).unwrap_or_default(),
                    value: p.value_str(),
                    source: p.source,
                });
            }
            return false;
        }
        true
    });
    report_protocol_placement(&all, &mut violations);
    Ok(Collected {
        params: all,
        signature,
        realm,
        header,
        body_is_form,
        violations,
    })
}

/// RFC 5849 §3.5: each protocol parameter is sent once, in one place.
fn report_protocol_placement(params: &[Param], violations: &mut Vec<Violation>) {
    let mut seen: Vec<(&[u8], Vec<Source>)> = Vec::new();
    for p in params.iter().filter(|p| p.is_protocol()) {
        match seen.iter_mut().find(|(n, _)| *n == p.name.as_slice()) {
            Some((_, sources)) => sources.push(p.source),
            None => seen.push((&p.name, vec![p.source])),
        }
    }
    for (name, sources) in seen.iter().filter(|(_, s)| s.len() > 1) {
        let name = String::from_utf8_lossy(name);
        let list: Vec<_> = sources.iter().map(|s| s.as_str()).collect();
        let (code, what) = if sources.iter().all(|s| *s == sources[0]) {
            ("duplicate-protocol-param", "more than once")
        } else {
            ("protocol-param-in-several-places", "in more than one place")
        };
        violations.push(Violation::new(
            code,
            "RFC 5849 §3.5",
            format!(
                "{name} is sent {what} ({}); every copy is signed",
                list.join(", ")
            ),
        ));
    }
}

/// RFC 5849 §3.4.1.3.2: the normalized parameter string, `name=value`
/// pairs (encoded, sorted) joined with `&`. Duplicate names and empty
/// values are kept.
///
/// All encodings go into one buffer and are sorted as spans of it. (The
/// signing path, [`crate::signer::Signer`], goes further and writes the
/// base string's form of each pair directly.)
///
/// ```
/// use oauth1_doctor::params::{normalize, Param, Source};
/// let p = [Param::new("b", "x y", Source::Query), Param::new("a", "", Source::Query)];
/// assert_eq!(normalize(&p), "a=&b=x%20y");
/// ```
pub fn normalize<'a>(params: impl IntoIterator<Item = &'a Param>) -> String {
    // Only ASCII is written, so this cannot fail.
    String::from_utf8(normalize_bytes(params)).unwrap_or_default()
}

/// [`normalize`] as bytes, for callers that keep building on it.
pub fn normalize_bytes<'a>(params: impl IntoIterator<Item = &'a Param>) -> Vec<u8> {
    let sorted = SortedPairs::new(params);
    let mut out = Vec::with_capacity(sorted.buf.len() + 2 * sorted.spans.len());
    for (i, (n, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(n);
        out.push(b'=');
        out.extend_from_slice(v);
    }
    out
}

/// RFC 5849 §3.4.1.3.2 steps 1–2 without a string per name and value: all
/// encodings live in one buffer and are sorted as spans of it, since one
/// allocation per name and value would cost more than the hashing.
pub struct SortedPairs {
    buf: Vec<u8>,
    spans: Vec<(usize, usize, usize)>,
}

impl SortedPairs {
    /// Encodes (§3.6) and sorts `params` by encoded name, then value.
    pub fn new<'a>(params: impl IntoIterator<Item = &'a Param>) -> SortedPairs {
        let params = params.into_iter();
        let mut buf = Vec::with_capacity(512);
        let mut spans: Vec<(usize, usize, usize)> = Vec::with_capacity(params.size_hint().0);
        for p in params {
            let start = buf.len();
            encode_to_vec(&p.name, &mut buf);
            let name_end = buf.len();
            encode_to_vec(&p.value, &mut buf);
            spans.push((start, name_end, buf.len()));
        }
        let key = |&(s, n, e): &(usize, usize, usize)| (&buf[s..n], &buf[n..e]);
        spans.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
        SortedPairs { buf, spans }
    }

    /// The encoded `(name, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.spans
            .iter()
            .map(|&(s, n, e)| (&self.buf[s..n], &self.buf[n..e]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_request() -> Request {
        Request::new("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b")
            .with_header("Host", "example.com")
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_header(
                "Authorization",
                "OAuth realm=\"Example\",\n oauth_consumer_key=\"9djdj82h48djs9d2\",\n oauth_token=\"kkk9d7dh3k39sjv7\",\n oauth_signature_method=\"HMAC-SHA1\",\n oauth_timestamp=\"137131201\",\n oauth_nonce=\"7d8f3e4a\",\n oauth_signature=\"bYT5CMsGcbgUdFHObYMEfcx6bsw%3D\"",
            )
            .with_body("c2&a3=2+q")
    }

    /// RFC 5849 §3.4.1.3.1: the example's parameter table.
    #[test]
    fn rfc5849_3_4_1_3_1_parameter_sources() {
        let c = collect(&rfc_request()).unwrap();
        let got: Vec<(String, String, Source)> = c
            .params
            .iter()
            .map(|p| (p.name_str(), p.value_str(), p.source))
            .collect();
        let want = [
            ("b5", "=%3D", Source::Query),
            ("a3", "a", Source::Query),
            ("c@", "", Source::Query),
            ("a2", "r b", Source::Query),
            ("c2", "", Source::Body),
            ("a3", "2 q", Source::Body),
            ("oauth_consumer_key", "9djdj82h48djs9d2", Source::Header),
            ("oauth_token", "kkk9d7dh3k39sjv7", Source::Header),
            ("oauth_signature_method", "HMAC-SHA1", Source::Header),
            ("oauth_timestamp", "137131201", Source::Header),
            ("oauth_nonce", "7d8f3e4a", Source::Header),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(n, v, s)| (n.to_string(), v.to_string(), *s))
            .collect();
        assert_eq!(got, want);
        assert_eq!(c.realm.as_deref(), Some("Example"));
        assert_eq!(c.signature.unwrap().value, "bYT5CMsGcbgUdFHObYMEfcx6bsw=");
    }

    /// RFC 5849 §3.4.1.3.2: the example's normalized string.
    #[test]
    fn rfc5849_3_4_1_3_2_normalization() {
        let c = collect(&rfc_request()).unwrap();
        assert_eq!(
            normalize(&c.params),
            "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7"
        );
    }

    /// wiki.oauth.net TestCases, "normalize request parameters".
    #[test]
    fn oauth_wiki_testcases_normalization() {
        let cases = [
            ("name", "name="),
            ("a=b", "a=b"),
            ("a=b&c=d", "a=b&c=d"),
            ("a=x!y&a=x+y", "a=x%20y&a=x%21y"),
            ("x!y=a&x=a", "x=a&x%21y=a"),
        ];
        for (input, want) in cases {
            let p = parse_form(input, Source::Query, &mut Vec::new());
            assert_eq!(normalize(&p), want, "normalizing {input:?}");
        }
    }

    #[test]
    fn body_is_not_signed_without_form_content_type() {
        let r = Request::new("POST", "http://x/")
            .with_header("Content-Type", "application/json")
            .with_body("a=b");
        let c = collect(&r).unwrap();
        assert!(c.params.is_empty());
        assert_eq!(c.violations[0].code, "form-shaped-body-not-signed");
    }

    /// Issue 11: a parameter keeps the text it was written as only when
    /// it is not the RFC 5849 §3.6 encoding of its octets, and reads the
    /// same through its accessors either way.
    #[test]
    fn issue11_text_as_written_is_kept_only_when_not_canonical() {
        let p = parse_form(
            "a=1&b%7e=x+y&c&long_name_of_thirty_chars_xx=%41",
            Source::Query,
            &mut Vec::new(),
        );
        let got: Vec<(String, Option<String>)> = p
            .iter()
            .map(|q| {
                (
                    q.raw_name().into_owned(),
                    q.raw_value().map(Cow::into_owned),
                )
            })
            .collect();
        let want = [
            ("a", Some("1")),
            ("b%7e", Some("x+y")),
            ("c", None),
            ("long_name_of_thirty_chars_xx", Some("%41")),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
            .collect();
        assert_eq!(got, want);
        assert_eq!(p[1].name, b"b~");
        assert_eq!(p[1].value, b"x y");
        assert_eq!(p[3].name.as_slice(), b"long_name_of_thirty_chars_xx");
        // Canonical and short: nothing beyond the parameter itself.
        assert_eq!(p[0].size_bytes(), std::mem::size_of::<Param>());
        assert_eq!(p[2].size_bytes(), std::mem::size_of::<Param>());
        assert!(p[1].size_bytes() > std::mem::size_of::<Param>());
        // A value set later counts as written in its encoding.
        let mut q = p[1].clone();
        q.set_value("r s");
        assert_eq!(q.raw_value().as_deref(), Some("r%20s"));
        assert_eq!(q.raw_name(), "b%7e");
    }

    /// Issue 11: notes about single parameters are listed up to
    /// NOTES_LISTED of a kind, then counted in one note.
    #[test]
    fn issue11_notes_per_parameter_are_counted_past_a_limit() {
        let text: Vec<String> = (0..NOTES_LISTED + 250)
            .map(|i| format!("p{i}=a+b"))
            .collect();
        let mut notes = Vec::new();
        let p = parse_form(&text.join("&"), Source::Body, &mut notes);
        assert_eq!(p.len(), NOTES_LISTED + 250);
        assert!(notes.iter().all(|n| n.code == "plus-is-space"));
        assert_eq!(notes.len(), NOTES_LISTED + 1);
        assert_eq!(
            notes[NOTES_LISTED].message,
            format!(
                "250 more notes like these on body parameters are not listed ({} in all)",
                NOTES_LISTED + 250
            )
        );
        let mut notes = Vec::new();
        parse_form("a=%zz&b=1+2", Source::Query, &mut notes);
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn protocol_params_found_in_query_and_reported_when_doubled() {
        let r = Request::new("GET", "http://x/?oauth_token=a&oauth_signature=s%2B")
            .with_header("Authorization", "OAuth oauth_token=\"a\"");
        let c = collect(&r).unwrap();
        assert_eq!(c.signature.as_ref().unwrap().value, "s+");
        assert_eq!(c.signature.as_ref().unwrap().source, Source::Query);
        assert!(c
            .violations
            .iter()
            .any(|v| v.code == "protocol-param-in-several-places"));
    }
}
