//! The whole signing pipeline run over one request, keeping every
//! intermediate value so that `explain`, `verify`, `diff` and `hunt` can
//! show or compare them: request → parameters (RFC 5849 §3.4.1.3) →
//! normalized string (§3.4.1.3.2) → base string (§3.4.1.1) → key and
//! signature (§3.4.2–§3.4.4).

use crate::base_string::{base_string, base_string_uri, normalize_method, BaseStringParts};
use crate::encode::encode_bytes;
use crate::error::{ParseError, Violation};
use crate::params::{collect, normalize, CarriedSignature, Collected, Param, Source};
use crate::request::Request;
use crate::signature::{
    body_hash, body_hash_match, key_shape, sign, verify, HashAlg, Secrets, SignError,
    SignatureMethod, UnknownMethod,
};
use serde::Serialize;

/// One row of the parameter table, made from a [`Param`] when shown
/// (a walkthrough keeps only the parameters: a row per parameter would
/// hold seven strings each, too many for a request with millions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamRow {
    /// Decoded name.
    pub name: String,
    /// Decoded value.
    pub value: String,
    /// Where the parameter travels.
    pub source: Source,
    /// Name as written in the request.
    pub raw_name: String,
    /// Value as written (`null` for a key with no `=`).
    pub raw_value: Option<String>,
    /// Name encoded per RFC 5849 §3.6.
    pub encoded_name: String,
    /// Value encoded per RFC 5849 §3.6.
    pub encoded_value: String,
}

impl From<&Param> for ParamRow {
    fn from(p: &Param) -> ParamRow {
        ParamRow {
            name: p.name_str(),
            value: p.value_str(),
            source: p.source,
            raw_name: p.raw_name().into_owned(),
            raw_value: p.raw_value().map(std::borrow::Cow::into_owned),
            encoded_name: encode_bytes(&p.name),
            encoded_value: encode_bytes(&p.value),
        }
    }
}

/// Serializes parameters as [`ParamRow`]s, one row at a time.
struct Rows<'a>(&'a [Param]);

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(ParamRow::from))
    }
}

/// What the `oauth_body_hash` check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BodyHashCheck {
    /// The `oauth_body_hash` the request carries.
    pub carried: String,
    /// The body's SHA-1 hash (what oauthlib always uses).
    pub sha1: String,
    /// The body's hash with the signature method's digest (what Postman uses).
    pub method_hash: Option<String>,
    /// Which digest reproduced the carried value, if any.
    pub matched: Option<HashAlg>,
}

/// Every step of signing one request.
///
/// The fields hold the values as computed, for callers that compare them;
/// its JSON form and the `shown_*` methods, what front ends print, mask a
/// PLAINTEXT signature like the key (RFC 5849 §3.4.4: it *is* the key)
/// unless the walkthrough was made with [`RunOptions::show_secrets`].
#[derive(Debug, Clone)]
pub struct Walkthrough {
    /// RFC 5849 §3.4.1.1: the method, upper-cased.
    pub method: String,
    /// The method as written in the request.
    pub method_as_sent: String,
    /// The request URL as written.
    pub url: String,
    /// RFC 5849 §3.4.1.2: the base string URI.
    pub base_uri: String,
    /// RFC 5849 §3.4.1.3.1: the signed parameters, in order of appearance
    /// ([`Walkthrough::parameter_rows`] for their table rows).
    pub parameters: Vec<Param>,
    /// RFC 5849 §3.4.1.3.2: the normalized parameter string.
    pub normalized_parameters: String,
    /// RFC 5849 §3.4.1.1: the signature base string.
    pub base_string: String,
    /// `oauth_signature_method` as sent, when it names a known method.
    pub signature_method: Option<SignatureMethod>,
    /// `oauth_signature_method` as written (also when unknown).
    pub signature_method_as_sent: Option<String>,
    /// The key with secrets masked (HMAC/PLAINTEXT only, when a consumer secret is known).
    pub key: Option<String>,
    /// The signature computed here (`None` without the secrets it needs).
    pub signature: Option<String>,
    /// The `oauth_signature` the request carries, decoded.
    pub request_signature: Option<String>,
    /// The carried `oauth_signature` as written (percent-encoded in a header or query).
    pub request_signature_raw: Option<String>,
    /// Where the carried `oauth_signature` travels.
    pub request_signature_source: Option<Source>,
    /// Whether the carried signature is valid (`None` when it cannot be told).
    pub valid: Option<bool>,
    /// The `realm` of the Authorization header (not signed).
    pub realm: Option<String>,
    /// Whether the body was a parameter source (RFC 5849 §3.4.1.3.1).
    pub body_signed: bool,
    /// The body hash check, when the request carries `oauth_body_hash`.
    pub body_hash: Option<BodyHashCheck>,
    /// Why a signature could not be computed or checked, if so.
    pub not_computed: Option<String>,
    /// Everything accepted but worth knowing, in pipeline order.
    pub violations: Vec<Violation>,
    /// Whether the secrets it holds may be printed ([`RunOptions::show_secrets`]).
    pub show_secrets: bool,
}

impl Walkthrough {
    /// `value` fit to print: a PLAINTEXT signature is masked (RFC 5849
    /// §3.4.4) unless secrets may be shown.
    fn shown<'a>(&self, value: &'a str) -> std::borrow::Cow<'a, str> {
        match crate::signature::masked_signature(self.signature_method, value) {
            Some(mask) if !self.show_secrets => mask.into(),
            _ => value.into(),
        }
    }

    /// The computed signature, fit to print.
    pub fn shown_signature(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.signature.as_deref().map(|s| self.shown(s))
    }

    /// The carried `oauth_signature` (decoded), fit to print.
    pub fn shown_request_signature(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.request_signature.as_deref().map(|s| self.shown(s))
    }

    /// The carried `oauth_signature` as written, fit to print.
    pub fn shown_request_signature_raw(&self) -> Option<std::borrow::Cow<'_, str>> {
        self.request_signature_raw.as_deref().map(|s| self.shown(s))
    }

    /// The request URL, fit to print: a PLAINTEXT `oauth_signature` in the
    /// query (RFC 5849 §3.5.3) is masked.
    pub fn shown_url(&self) -> std::borrow::Cow<'_, str> {
        let (Some(raw), Some(Source::Query)) =
            (&self.request_signature_raw, self.request_signature_source)
        else {
            return self.url.as_str().into();
        };
        let shown = self.shown(raw);
        if shown == raw.as_str() || raw.is_empty() {
            return self.url.as_str().into();
        }
        self.url.replace(raw.as_str(), &shown).into()
    }
}

impl Walkthrough {
    /// The parameter table, a row per parameter, made as it is read.
    pub fn parameter_rows(&self) -> impl ExactSizeIterator<Item = ParamRow> + '_ {
        self.parameters.iter().map(ParamRow::from)
    }
}

impl Serialize for Walkthrough {
    /// The `--json` form: every field, with [`Walkthrough::shown_url`] and
    /// the `shown_*` signatures in place of the values as computed.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut o = s.serialize_struct("Walkthrough", 20)?;
        o.serialize_field("method", &self.method)?;
        o.serialize_field("method_as_sent", &self.method_as_sent)?;
        o.serialize_field("url", &self.shown_url())?;
        o.serialize_field("base_uri", &self.base_uri)?;
        o.serialize_field("parameters", &Rows(&self.parameters))?;
        o.serialize_field("normalized_parameters", &self.normalized_parameters)?;
        o.serialize_field("base_string", &self.base_string)?;
        o.serialize_field("signature_method", &self.signature_method)?;
        o.serialize_field("signature_method_as_sent", &self.signature_method_as_sent)?;
        o.serialize_field("key", &self.key)?;
        o.serialize_field("signature", &self.shown_signature())?;
        o.serialize_field("request_signature", &self.shown_request_signature())?;
        o.serialize_field("request_signature_raw", &self.shown_request_signature_raw())?;
        o.serialize_field("request_signature_source", &self.request_signature_source)?;
        o.serialize_field("valid", &self.valid)?;
        o.serialize_field("realm", &self.realm)?;
        o.serialize_field("body_signed", &self.body_signed)?;
        o.serialize_field("body_hash", &self.body_hash)?;
        o.serialize_field("not_computed", &self.not_computed)?;
        o.serialize_field("violations", &self.violations)?;
        o.end()
    }
}

impl Walkthrough {
    /// The three parts of the base string before their final encoding.
    pub fn base_string_parts(&self) -> BaseStringParts {
        BaseStringParts {
            method: self.method.clone(),
            base_uri: self.base_uri.clone(),
            normalized_parameters: self.normalized_parameters.clone(),
        }
    }
}

/// Why the pipeline could not run at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    /// The URL or a header could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// Options for [`run`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Show the signing key instead of its masked shape, and a PLAINTEXT
    /// signature (the key itself, RFC 5849 §3.4.4) instead of its length.
    pub show_secrets: bool,
    /// The verifier's clock, in seconds since 1970, to compare
    /// `oauth_timestamp` with (RFC 5849 §3.3; [`crate::strict`]). The
    /// library has no clock: `None` leaves that check out.
    pub now: Option<u64>,
}

/// Runs the RFC 5849 pipeline over `request`, computing the signature and
/// checking the carried one when `secrets` allow.
pub fn run(
    request: &Request,
    secrets: &Secrets,
    options: RunOptions,
) -> Result<Walkthrough, PipelineError> {
    let collected = collect(request)?;
    let uri = base_string_uri(&request.url)?;
    Ok(finish(
        request,
        collected,
        uri.uri,
        uri.violations,
        secrets,
        options,
    ))
}

fn finish(
    request: &Request,
    collected: Collected,
    base_uri: String,
    uri_violations: Vec<Violation>,
    secrets: &Secrets,
    options: RunOptions,
) -> Walkthrough {
    let method = normalize_method(&request.method);
    let mut violations = Vec::new();
    if method != request.method {
        violations.push(Violation::new(
            "method-not-uppercase",
            "RFC 5849 §3.4.1.1",
            format!(
                "the method {:?} is upper-cased to {method:?} in the base string",
                request.method
            ),
        ));
    }
    violations.extend(uri_violations);
    violations.extend(collected.violations.iter().cloned());

    let normalized = normalize(&collected.params);
    let base = base_string(&method, &base_uri, &normalized);

    let method_as_sent = collected.value_of("oauth_signature_method");
    let parsed_method = method_as_sent
        .as_deref()
        .map(|m| m.parse::<SignatureMethod>());
    let mut not_computed = None;
    let signature_method = match parsed_method {
        Some(Ok(m)) => Some(m),
        Some(Err(UnknownMethod(m))) => {
            not_computed = Some(format!("unknown oauth_signature_method {m:?}"));
            None
        }
        None => {
            not_computed = Some("the request has no oauth_signature_method".into());
            None
        }
    };
    for (name, section) in [
        ("oauth_consumer_key", "RFC 5849 §3.1"),
        ("oauth_signature_method", "RFC 5849 §3.1"),
        ("oauth_timestamp", "RFC 5849 §3.3"),
        ("oauth_nonce", "RFC 5849 §3.3"),
    ] {
        let optional = signature_method == Some(SignatureMethod::Plaintext)
            && matches!(name, "oauth_timestamp" | "oauth_nonce");
        if collected.get(name).is_none() && !optional {
            violations.push(Violation::new(
                "protocol-param-missing",
                section,
                format!("the request has no {name}"),
            ));
        }
    }

    let mut signature = None;
    let mut valid = None;
    let mut key = None;
    if let Some(m) = signature_method {
        if !m.is_rsa() && secrets.consumer_secret.is_some() {
            key = Some(key_shape(secrets, options.show_secrets));
        }
        if secrets.can_sign(m) {
            match sign(m, &base, secrets) {
                Ok(s) => signature = Some(s),
                Err(e) => not_computed = Some(e.to_string()),
            }
        }
        if let Some(carried) = &collected.signature {
            match verify(m, &base, secrets, &carried.value) {
                Ok(ok) => {
                    valid = Some(ok);
                    if !ok {
                        transport_hints(m, &base, secrets, carried, &mut violations);
                    }
                }
                Err(SignError::MissingConsumerSecret(_) | SignError::MissingPublicKey(_)) => {
                    if not_computed.is_none() && signature.is_none() {
                        not_computed = Some(missing(m));
                    }
                }
                Err(e) => not_computed = Some(e.to_string()),
            }
        } else if signature.is_none() && not_computed.is_none() {
            not_computed = Some(missing(m));
        }
    }

    let body_hash = check_body_hash(request, &collected, signature_method, &mut violations);
    violations.extend(crate::strict::notes(&crate::strict::Facts {
        collected: &collected,
        base_uri: &base_uri,
        method: &method,
        signature_method,
        now: options.now,
    }));

    Walkthrough {
        method,
        method_as_sent: request.method.clone(),
        url: request.url.clone(),
        base_uri,
        parameters: collected.params,
        normalized_parameters: normalized,
        base_string: base,
        signature_method,
        signature_method_as_sent: method_as_sent,
        key,
        signature,
        request_signature: collected.signature.as_ref().map(|s| s.value.clone()),
        request_signature_raw: collected.signature.as_ref().map(|s| s.raw.clone()),
        request_signature_source: collected.signature.as_ref().map(|s| s.source),
        valid,
        realm: collected.realm,
        body_signed: collected.body_is_form,
        body_hash,
        not_computed,
        violations,
        show_secrets: options.show_secrets,
    }
}

fn missing(m: SignatureMethod) -> String {
    if m.is_rsa() {
        format!(
            "{m} needs the RSA private key to sign, or the public key (or certificate) to verify"
        )
    } else {
        format!("{m} needs the consumer secret (and the token secret, if there is a token)")
    }
}

/// A signature that fails only because transport mangled it: a `+` that a
/// form decoder turned into a space, or one percent-encoding too many.
fn transport_hints(
    m: SignatureMethod,
    base: &str,
    secrets: &Secrets,
    carried: &CarriedSignature,
    violations: &mut Vec<Violation>,
) {
    let candidates = [
        (
            carried.value.replace(' ', "+"),
            "signature-plus-became-space",
            "RFC 5849 §3.6",
            "the carried signature verifies once its spaces are read as '+': the signer did not percent-encode oauth_signature, so '+' arrived as a space",
        ),
        (
            String::from_utf8_lossy(&crate::encode::form_decode(&carried.value)).into_owned(),
            "signature-double-encoded",
            "RFC 5849 §3.5.1",
            "the carried signature verifies once decoded a second time: it was percent-encoded twice",
        ),
    ];
    for (candidate, code, section, message) in candidates {
        if candidate != carried.value && verify(m, base, secrets, &candidate).unwrap_or(false) {
            violations.push(Violation::new(code, section, message));
        }
    }
}

/// OAuth Request Body Hash: checks a carried `oauth_body_hash` with both
/// SHA-1 (oauthlib) and the method's digest (Postman); the extension
/// forbids it on form-encoded bodies.
fn check_body_hash(
    request: &Request,
    collected: &Collected,
    method: Option<SignatureMethod>,
    violations: &mut Vec<Violation>,
) -> Option<BodyHashCheck> {
    let carried = collected.value_of("oauth_body_hash")?;
    if collected.body_is_form {
        violations.push(Violation::new(
            "body-hash-on-form-body",
            "OAuth Request Body Hash §3.1",
            "oauth_body_hash must not be sent with a form-encoded body",
        ));
    }
    let sha1 = body_hash(HashAlg::Sha1, &request.body);
    let method_alg = method
        .and_then(SignatureMethod::hash)
        .filter(|h| *h != HashAlg::Sha1);
    let method_hash = method_alg.map(|h| body_hash(h, &request.body));
    let matched = body_hash_match(&carried, &request.body, method);
    if matched.is_none() {
        violations.push(Violation::new(
            "body-hash-mismatch",
            "OAuth Request Body Hash §3.2",
            format!(
                "oauth_body_hash does not match the body ({} bytes) with SHA-1{}",
                request.body.len(),
                method_alg.map_or(String::new(), |h| format!(" or {}", h.as_str()))
            ),
        ));
    }
    Some(BodyHashCheck {
        carried,
        sha1,
        method_hash,
        matched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twitter() -> Request {
        Request::new("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true")
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_header("Authorization", "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\"")
            .with_body("status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21")
    }

    fn twitter_secrets() -> Secrets {
        Secrets::shared(
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        )
    }

    #[test]
    fn twitter_documentation_example_verifies() {
        let w = run(&twitter(), &twitter_secrets(), RunOptions::default()).unwrap();
        assert_eq!(w.signature.as_deref(), Some("hCtSmYh+iHYCEqBWrE7C7hYmtUk="));
        assert_eq!(w.valid, Some(true));
        assert!(w.base_string.starts_with("POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue"));
    }

    #[test]
    fn without_secrets_nothing_is_claimed() {
        let w = run(&twitter(), &Secrets::default(), RunOptions::default()).unwrap();
        assert_eq!(w.signature, None);
        assert_eq!(w.valid, None);
        assert!(w.not_computed.unwrap().contains("consumer secret"));
    }

    #[test]
    fn plus_turned_space_is_diagnosed() {
        let mut r = twitter();
        let h = r.header("authorization").unwrap().replace("%2B", " ");
        r.set_header("Authorization", h);
        let w = run(&r, &twitter_secrets(), RunOptions::default()).unwrap();
        assert_eq!(w.valid, Some(false));
        assert!(w
            .violations
            .iter()
            .any(|v| v.code == "signature-plus-became-space"));
    }
}
