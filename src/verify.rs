//! Verifying a signed request (RFC 5849 §3.2) on the lean path.
//!
//! [`crate::pipeline::run`] keeps every intermediate value so that it can
//! explain; this path only answers "valid or not" and keeps nothing it does
//! not need, for checking many requests: collect the parameters
//! (§3.4.1.3.1), build the base string (§3.4.1.1), check the signature
//! (§3.4.2–§3.4.4) and, when the request carries one, `oauth_body_hash`.

use crate::base_string::{base_string_from_params, base_string_uri, normalize_method};
use crate::error::ParseError;
use crate::params::{collect, Param};
use crate::request::Request;
use crate::signature::{body_hash_match, verify, Secrets, SignError, SignatureMethod};
use std::borrow::Cow;

/// Who signed a request: what a verifier looks its secrets up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    /// `oauth_consumer_key` (RFC 5849 §3.1), if sent.
    pub consumer_key: Option<&'a str>,
    /// `oauth_token` (RFC 5849 §3.1), if sent (may be empty).
    pub token: Option<&'a str>,
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
    /// True when the signature is valid and a carried body hash matches:
    /// OAuth Request Body Hash §4.2 has the verifier check both.
    pub fn is_valid(&self) -> bool {
        self.signature_valid && self.body_hash_valid != Some(false)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
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
    }
}
