//! Signing a request: the protocol parameters (RFC 5849 §3.1) are added,
//! the request is run through the pipeline, and the signature is placed in
//! the Authorization header (§3.5.1).

use crate::auth_header;
use crate::base_string::{base_string_from_params, base_string_uri, normalize_method, split_url};
use crate::error::ParseError;
use crate::params::{collect, Param};
use crate::pipeline::{run, PipelineError, RunOptions, Walkthrough};
use crate::request::Request;
use crate::signature::{body_hash, body_hash_alg, sign, Secrets, SignError, SignatureMethod};

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

/// A signed request and how it was signed.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The request with its `Authorization` header set and `oauth_*`
    /// parameters removed from the query and body.
    pub request: Request,
    /// The Authorization header value.
    pub authorization: String,
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
        request: signed,
        authorization,
        signature,
        walkthrough,
    })
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
}
