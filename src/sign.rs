//! Signing a request: the protocol parameters (RFC 5849 §3.1) are added,
//! the request is run through the pipeline, and the signature is placed in
//! the Authorization header (§3.5.1).

pub mod postman;

use crate::auth_header;
use crate::base_string::{base_string_from_params, base_string_uri, normalize_method};
use crate::error::ParseError;
use crate::params::{collect, Param};
use crate::pipeline::{run, PipelineError, RunOptions, Walkthrough};
use crate::request::Request;
use crate::signature::{body_hash, body_hash_alg, sign, Secrets, SignError, SignatureMethod};
use crate::uri::split_url;
use serde::Serialize;

/// The protocol parameters to sign with, in the order they are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protocol {
    /// `realm` for the Authorization header (RFC 5849 §3.5.1; never signed).
    pub realm: Option<String>,
    /// `oauth_*` name/value pairs, `oauth_signature` excluded.
    pub params: Vec<(String, String)>,
}

impl Protocol {
    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `name` (replacing it in place, or appending).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.params.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name.to_string(), value)),
        }
    }

    /// Removes `name`.
    pub fn remove(&mut self, name: &str) {
        self.params.retain(|(n, _)| n != name);
    }

    /// The protocol parameters a request already carries, wherever they
    /// travel (RFC 5849 §3.5), and the header's realm.
    pub fn from_request(request: &Request) -> Result<Protocol, ParseError> {
        let c = collect(request)?;
        let mut p = Protocol {
            realm: c.realm.clone(),
            params: Vec::new(),
        };
        for param in c.params.iter().filter(|p| p.is_protocol()) {
            if p.get(&param.name_str()).is_none() {
                p.params.push((param.name_str(), param.value_str()));
            }
        }
        Ok(p)
    }

    /// The declared signature method.
    pub fn method(&self) -> Option<Result<SignatureMethod, crate::signature::UnknownMethod>> {
        self.get("oauth_signature_method").map(str::parse)
    }
}

/// A signed request and how it was signed: `sign --output json` prints
/// it (keys sorted).
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    /// The Authorization header value.
    pub authorization: String,
    /// The request with its `Authorization` header set and `oauth_*`
    /// parameters removed from the query and body.
    pub request: Request,
    /// The signature (decoded).
    pub signature: String,
    /// Every step of the signing.
    pub walkthrough: Walkthrough,
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignRequestError {
    /// The request could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The signature method is missing or unknown.
    #[error("{0}")]
    Method(String),
    /// The secrets do not allow signing.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// RFC 5849 §3.1: `oauth_consumer_key` is required, and neither the
    /// request nor the caller gave one.
    #[error(
        "no oauth_consumer_key: give one (or put an OAuth Authorization header in the request)"
    )]
    NoConsumerKey,
}

/// Which `oauth_version` to send (RFC 5849 §3.1: optional; if present,
/// its value must be `1.0`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Version {
    /// Keep what the request carries; a request without an OAuth
    /// Authorization header gets `1.0`.
    #[default]
    Default,
    /// Send this value.
    Set(String),
    /// Send none.
    Omit,
}

/// What a caller asks [`sign_with_defaults`] for: each `Some` sets that
/// protocol parameter over what the request carries; the rest take the
/// protocol defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignOptions {
    /// `oauth_consumer_key` (RFC 5849 §3.1).
    pub consumer_key: Option<String>,
    /// `oauth_token` (RFC 5849 §3.1; none for two-legged requests).
    pub token: Option<String>,
    /// `oauth_signature_method` (RFC 5849 §3.1; default `HMAC-SHA1`).
    pub signature_method: Option<String>,
    /// `oauth_timestamp` (RFC 5849 §3.3; default [`Fresh::timestamp`]).
    pub timestamp: Option<String>,
    /// `oauth_nonce` (RFC 5849 §3.3; default [`Fresh::nonce`]).
    pub nonce: Option<String>,
    /// `realm` of the Authorization header (RFC 5849 §3.5.1; not signed).
    pub realm: Option<String>,
    /// `oauth_callback` (RFC 5849 §2.1).
    pub callback: Option<String>,
    /// `oauth_verifier` (RFC 5849 §2.3).
    pub verifier: Option<String>,
    /// `oauth_version`.
    pub version: Version,
    /// Add `oauth_body_hash` (OAuth Request Body Hash §3.2).
    pub body_hash: bool,
    /// Show secrets in the walkthrough ([`RunOptions::show_secrets`]).
    pub show_secrets: bool,
}

/// Values only the caller can make, since the library has no clock and no
/// randomness: used when neither the request nor [`SignOptions`] gives one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fresh {
    /// Seconds since 1970-01-01 UTC (RFC 5849 §3.3).
    pub timestamp: String,
    /// A random string, unique for this timestamp (RFC 5849 §3.3).
    pub nonce: String,
}

/// The protocol parameters to sign `request` with: those it carries
/// (RFC 5849 §3.5), overridden by `options`, with the defaults filled in:
/// `oauth_signature_method` `HMAC-SHA1`, `oauth_timestamp` and
/// `oauth_nonce` from `fresh` (RFC 5849 §3.3), and `oauth_version` `1.0`
/// for a request without an OAuth Authorization header (RFC 5849 §3.1).
///
/// ```
/// use oauth1_doctor::sign::{protocol_with_defaults, Fresh, SignOptions};
/// use oauth1_doctor::Request;
/// let request = Request::new("GET", "http://x.example/p");
/// let options = SignOptions { consumer_key: Some("ck".into()), ..SignOptions::default() };
/// let fresh = Fresh { timestamp: "1".into(), nonce: "abc".into() };
/// let p = protocol_with_defaults(&request, &options, &fresh).unwrap();
/// let names: Vec<_> = p.params.iter().map(|(n, v)| format!("{n}={v}")).collect();
/// assert_eq!(names, ["oauth_consumer_key=ck", "oauth_signature_method=HMAC-SHA1",
///     "oauth_timestamp=1", "oauth_nonce=abc", "oauth_version=1.0"]);
/// ```
pub fn protocol_with_defaults(
    request: &Request,
    options: &SignOptions,
    fresh: &Fresh,
) -> Result<Protocol, SignRequestError> {
    let had_header = request.headers_named("authorization").any(|v| {
        v.trim_start()
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("oauth"))
    });
    let mut protocol = Protocol::from_request(request)?;
    if let Some(r) = &options.realm {
        protocol.realm = Some(r.clone());
    }
    for (name, value) in [
        ("oauth_consumer_key", &options.consumer_key),
        ("oauth_token", &options.token),
        ("oauth_signature_method", &options.signature_method),
        ("oauth_timestamp", &options.timestamp),
        ("oauth_nonce", &options.nonce),
        ("oauth_callback", &options.callback),
        ("oauth_verifier", &options.verifier),
    ] {
        if let Some(v) = value {
            protocol.set(name, v.clone());
        }
    }
    if protocol.get("oauth_consumer_key").is_none() {
        return Err(SignRequestError::NoConsumerKey);
    }
    for (name, default) in [
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", fresh.timestamp.as_str()),
        ("oauth_nonce", fresh.nonce.as_str()),
    ] {
        if protocol.get(name).is_none() {
            protocol.set(name, default);
        }
    }
    match &options.version {
        Version::Omit => protocol.remove("oauth_version"),
        Version::Set(v) => protocol.set("oauth_version", v.clone()),
        Version::Default if !had_header && protocol.get("oauth_version").is_none() => {
            protocol.set("oauth_version", "1.0")
        }
        Version::Default => {}
    }
    Ok(protocol)
}

/// Signs `request` the way `sign` does: [`protocol_with_defaults`], then
/// [`sign_request`] (protocol parameters moved to the Authorization header,
/// `oauth_body_hash` added when asked).
pub fn sign_with_defaults(
    request: &Request,
    options: &SignOptions,
    fresh: &Fresh,
    secrets: &Secrets,
) -> Result<Signed, SignRequestError> {
    let protocol = protocol_with_defaults(request, options, fresh)?;
    sign_request(
        request,
        &protocol,
        secrets,
        options.body_hash,
        RunOptions {
            show_secrets: options.show_secrets,
            ..RunOptions::default()
        },
    )
}

impl From<PipelineError> for SignRequestError {
    fn from(e: PipelineError) -> Self {
        match e {
            PipelineError::Parse(p) => SignRequestError::Parse(p),
        }
    }
}

/// Removes the protocol parameters a request carries: the OAuth
/// Authorization header, and `oauth_*` pairs of the query and form body.
pub fn strip_protocol(request: &Request) -> Result<Request, ParseError> {
    let mut out = request.clone();
    out.headers.retain(|(n, v)| {
        !(n.eq_ignore_ascii_case("authorization")
            && auth_header::strip_field_name(v)
                .get(..5)
                .is_some_and(|s| s.eq_ignore_ascii_case("oauth")))
    });
    let parts = split_url(&request.url)?;
    if let Some(q) = parts.query {
        let kept = drop_oauth_pairs(q);
        let before = &request.url[..parts.query_offset - 1];
        let after = &request.url[parts.query_offset + q.len()..];
        out.url = if kept.is_empty() {
            format!("{before}{after}")
        } else {
            format!("{before}?{kept}{after}")
        };
    }
    if request.has_form_body() {
        let body = String::from_utf8_lossy(&request.body);
        out.body = drop_oauth_pairs(&body).into_bytes();
    }
    Ok(out)
}

fn drop_oauth_pairs(form: &str) -> String {
    form.split('&')
        .filter(|seg| {
            let name = seg.split('=').next().unwrap_or("");
            !crate::encode::form_decode(name).starts_with(b"oauth_")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs `request`: removes any protocol parameters it carries, adds
/// `protocol` (with `oauth_body_hash` computed when `with_body_hash`),
/// computes the signature and writes the Authorization header.
pub fn sign_request(
    request: &Request,
    protocol: &Protocol,
    secrets: &Secrets,
    with_body_hash: bool,
    options: RunOptions,
) -> Result<Signed, SignRequestError> {
    let method = match protocol.method() {
        Some(Ok(m)) => m,
        Some(Err(e)) => return Err(SignRequestError::Method(e.to_string())),
        None => {
            return Err(SignRequestError::Method(
                "no oauth_signature_method: give one (e.g. HMAC-SHA1)".into(),
            ))
        }
    };
    let mut protocol = protocol.clone();
    protocol.remove("oauth_signature");
    let mut unsigned = strip_protocol(request)?;
    if with_body_hash {
        // OAuth Request Body Hash §3.1: never on a form-encoded body.
        protocol.set(
            "oauth_body_hash",
            body_hash(body_hash_alg(method), &unsigned.body),
        );
    }
    let header = auth_header::build(
        protocol.realm.as_deref(),
        protocol
            .params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes())),
    );
    unsigned.set_header("Authorization", header);
    let walkthrough = run(&unsigned, secrets, options)?;
    let signature = match &walkthrough.signature {
        Some(s) => s.clone(),
        None => sign(method, &walkthrough.base_string, secrets)?,
    };
    let authorization = auth_header::build(
        protocol.realm.as_deref(),
        protocol
            .params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .chain(std::iter::once(("oauth_signature", signature.as_bytes()))),
    );
    let mut signed = unsigned;
    signed.set_header("Authorization", authorization.clone());
    Ok(Signed {
        authorization,
        request: signed,
        signature,
        walkthrough,
    })
}

/// RFC 5849 §3.5.2 and §3.5.3: `signed`'s request with its protocol
/// parameters (the signature included) moved from the Authorization
/// header to the form body or the query, each name and value
/// percent-encoded (§3.6). The body needs to be a form (§3.5.2:
/// single-part, `application/x-www-form-urlencoded`); an empty body of a
/// request without a `Content-Type` becomes one.
///
/// ```
/// use oauth1_doctor::sign::{relocate, sign_with_defaults, Fresh, SignOptions};
/// use oauth1_doctor::sign::postman::Placement;
/// use oauth1_doctor::{signature::Secrets, Request};
/// let options = SignOptions { consumer_key: Some("ck".into()), ..SignOptions::default() };
/// let fresh = Fresh { timestamp: "1".into(), nonce: "n".into() };
/// let signed = sign_with_defaults(&Request::new("GET", "https://x.example/p?a=1"), &options, &fresh,
///     &Secrets::shared("cs", "")).unwrap();
/// let moved = relocate(&signed, Placement::Query).unwrap();
/// assert!(moved.url.starts_with("https://x.example/p?a=1&oauth_consumer_key=ck&oauth_signature_method=HMAC-SHA1"));
/// assert_eq!(moved.header("authorization"), None);
/// ```
pub fn relocate(
    signed: &Signed,
    placement: postman::Placement,
) -> Result<Request, SignRequestError> {
    let mut request = signed.request.clone();
    if placement == postman::Placement::Header {
        return Ok(request);
    }
    let header = auth_header::parse(&signed.authorization)?;
    let pairs: Vec<String> = header
        .map(|h| h.params)
        .unwrap_or_default()
        .iter()
        .filter(|p| p.name != "realm")
        .map(|p| {
            format!(
                "{}={}",
                crate::encode::encode(&p.name),
                crate::encode::encode_bytes(&p.value)
            )
        })
        .collect();
    request.remove_header("Authorization");
    let joined = pairs.join("&");
    match placement {
        postman::Placement::Query => {
            let (before, fragment) = match request.url.split_once('#') {
                Some((b, f)) => (b.to_string(), format!("#{f}")),
                None => (request.url.clone(), String::new()),
            };
            let sep = if before.contains('?') {
                if before.ends_with('?') || before.ends_with('&') {
                    ""
                } else {
                    "&"
                }
            } else {
                "?"
            };
            request.url = format!("{before}{sep}{joined}{fragment}");
        }
        postman::Placement::Body => {
            if !request.has_form_body() {
                if request.body.is_empty() && request.header("content-type").is_none() {
                    request.headers.push((
                        "Content-Type".into(),
                        "application/x-www-form-urlencoded".into(),
                    ));
                } else {
                    return Err(SignRequestError::Method(
                        "--placement body needs a form body (Content-Type: application/x-www-form-urlencoded, RFC 5849 §3.5.2); this request's body is not one".into(),
                    ));
                }
            }
            if !request.body.is_empty() {
                request.body.push(b'&');
            }
            request.body.extend_from_slice(joined.as_bytes());
        }
        postman::Placement::Header => {}
    }
    Ok(request)
}

/// The lean signing path for callers that already hold the parameters:
/// base string URI (RFC 5849 §3.4.1.2), normalization (§3.4.1.3.2), base
/// string (§3.4.1.1) and signature (§3.4.2–§3.4.4), with no request to parse.
///
/// `params` are every signed parameter (query, body and protocol).
pub fn signature_for(
    http_method: &str,
    url: &str,
    params: &[Param],
    method: SignatureMethod,
    secrets: &Secrets,
) -> Result<String, SignRequestError> {
    let uri = base_string_uri(url)?;
    let base = base_string_from_params(&normalize_method(http_method), &uri.uri, params);
    Ok(sign(method, &base, secrets)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Source;

    #[test]
    fn strip_protocol_keeps_other_params() {
        let r = Request::new("POST", "http://x/p?a=1&oauth_token=t&b=2#f")
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_header("Authorization", "OAuth oauth_nonce=\"n\"")
            .with_body("oauth_nonce=n&c=3");
        let s = strip_protocol(&r).unwrap();
        assert_eq!(s.url, "http://x/p?a=1&b=2#f");
        assert_eq!(s.body, b"c=3");
        assert_eq!(s.header("authorization"), None);
    }

    /// RFC 5849 §1.2: the photos request, signed from scratch.
    #[test]
    fn rfc5849_1_2_photos_request_signs() {
        let r = Request::new(
            "GET",
            "http://photos.example.net/photos?file=vacation.jpg&size=original",
        );
        let mut p = Protocol {
            realm: Some("Photos".into()),
            params: Vec::new(),
        };
        for (n, v) in [
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131202"),
            ("oauth_nonce", "chapoH"),
        ] {
            p.set(n, v);
        }
        let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        let s = sign_request(&r, &p, &secrets, false, RunOptions::default()).unwrap();
        assert_eq!(s.signature, "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
        assert_eq!(
            s.authorization,
            "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\""
        );
        let lean = signature_for(
            "GET",
            "http://photos.example.net/photos",
            &[
                Param::new("file", "vacation.jpg", Source::Query),
                Param::new("size", "original", Source::Query),
                Param::new("oauth_consumer_key", "dpf43f3p2l4k3l03", Source::Header),
                Param::new("oauth_token", "nnch734d00sl2jdk", Source::Header),
                Param::new("oauth_signature_method", "HMAC-SHA1", Source::Header),
                Param::new("oauth_timestamp", "137131202", Source::Header),
                Param::new("oauth_nonce", "chapoH", Source::Header),
            ],
            SignatureMethod::HmacSha1,
            &secrets,
        )
        .unwrap();
        assert_eq!(lean, s.signature);
    }

    fn fresh() -> Fresh {
        Fresh {
            timestamp: "1700000000".into(),
            nonce: "fresh-nonce".into(),
        }
    }

    /// RFC 5849 §3.1 and §3.3: what the request and the caller give wins
    /// over the defaults; `oauth_version` is added only to a request
    /// without an OAuth header, unless asked.
    #[test]
    fn protocol_defaults_fill_only_what_is_missing() {
        let bare = Request::new("GET", "http://x.example/p");
        let err = protocol_with_defaults(&bare, &SignOptions::default(), &fresh());
        assert_eq!(err, Err(SignRequestError::NoConsumerKey));

        let carried = bare.clone().with_header(
            "Authorization",
            r#"OAuth oauth_consumer_key="ck", oauth_nonce="old", oauth_signature_method="PLAINTEXT", oauth_signature="x""#,
        );
        let p = protocol_with_defaults(&carried, &SignOptions::default(), &fresh()).unwrap();
        assert_eq!(p.get("oauth_nonce"), Some("old"));
        assert_eq!(p.get("oauth_signature_method"), Some("PLAINTEXT"));
        assert_eq!(p.get("oauth_timestamp"), Some("1700000000"));
        assert_eq!(p.get("oauth_version"), None);

        let options = SignOptions {
            consumer_key: Some("other".into()),
            nonce: Some("given".into()),
            version: Version::Set("1.0a".into()),
            ..SignOptions::default()
        };
        let p = protocol_with_defaults(&carried, &options, &fresh()).unwrap();
        assert_eq!(p.get("oauth_consumer_key"), Some("other"));
        assert_eq!(p.get("oauth_nonce"), Some("given"));
        assert_eq!(p.get("oauth_version"), Some("1.0a"));

        let bare_key = SignOptions {
            consumer_key: Some("ck".into()),
            ..SignOptions::default()
        };
        let p = protocol_with_defaults(&bare, &bare_key, &fresh()).unwrap();
        assert_eq!(p.get("oauth_signature_method"), Some("HMAC-SHA1"));
        assert_eq!(p.get("oauth_nonce"), Some("fresh-nonce"));
        assert_eq!(p.get("oauth_version"), Some("1.0"));
        let omit = SignOptions {
            version: Version::Omit,
            ..bare_key
        };
        let p = protocol_with_defaults(&bare, &omit, &fresh()).unwrap();
        assert_eq!(p.get("oauth_version"), None);
    }

    /// RFC 5849 §3.5.1: protocol parameters in the query move to the
    /// header, and the request signs (RFC 5849 §1.2's photos request).
    #[test]
    fn rfc5849_1_2_photos_request_signs_with_defaults() {
        let r = Request::new(
            "GET",
            "http://photos.example.net/photos?file=vacation.jpg&size=original&oauth_token=nnch734d00sl2jdk",
        );
        let options = SignOptions {
            consumer_key: Some("dpf43f3p2l4k3l03".into()),
            timestamp: Some("137131202".into()),
            nonce: Some("chapoH".into()),
            realm: Some("Photos".into()),
            version: Version::Omit,
            ..SignOptions::default()
        };
        let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        let s = sign_with_defaults(&r, &options, &fresh(), &secrets).unwrap();
        assert_eq!(s.signature, "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
        assert_eq!(
            s.request.url,
            "http://photos.example.net/photos?file=vacation.jpg&size=original"
        );
    }
}
