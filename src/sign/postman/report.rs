//! The report of a request signed as Postman signs it (`sign --output
//! json`, `explain --json` on a collection: `docs/schema/postman.json`),
//! and the signing configuration a collection's settings give.

use super::{encode, Departure, Placement, PostmanConfig, PostmanSignError, PostmanSigned};
use crate::signature::{Secrets, SignatureMethod};
use serde::Serialize;

/// The signing configuration and secrets of a collection's `oauth1`
/// settings: an empty `timestamp` or `nonce` takes `fresh`'s (Postman
/// makes its own), an unknown `signatureMethod` or an unreadable
/// `privateKey` is an error, and `disable_url_encoding` is the request's
/// `protocolProfileBehavior.disableUrlEncoding`.
pub fn config_from(
    settings: &crate::input::postman::OAuth1Settings,
    disable_url_encoding: bool,
    fresh: &crate::sign::Fresh,
) -> Result<(PostmanConfig, Secrets), PostmanSignError> {
    let signature_method: SignatureMethod =
        settings
            .signature_method
            .parse()
            .map_err(|e: crate::signature::UnknownMethod| {
                PostmanSignError::Placement(format!("signatureMethod: {e}"))
            })?;
    let private_key = match (&settings.private_key, signature_method.is_rsa()) {
        (Some(pem), true) => Some(
            crate::signature::PrivateKey::from_pem(pem.expose()).map_err(|e| {
                PostmanSignError::Placement(format!("privateKey (from {}): {e}", settings.from))
            })?,
        ),
        _ => None,
    };
    let or_fresh = |v: &str, f: &str| {
        if v.is_empty() {
            f.to_string()
        } else {
            v.to_string()
        }
    };
    let config = PostmanConfig {
        signature_method,
        consumer_key: settings.consumer_key.clone(),
        token: settings.token.clone(),
        timestamp: or_fresh(&settings.timestamp, &fresh.timestamp),
        nonce: or_fresh(&settings.nonce, &fresh.nonce),
        version: settings.version.clone(),
        realm: settings.realm.clone(),
        callback: settings.callback.clone(),
        verifier: settings.verifier.clone(),
        placement: settings.add_params_to_header.then_some(Placement::Header),
        add_empty_params: settings.add_empty_params_to_sign,
        include_body_hash: settings.include_body_hash,
        disable_header_encoding: settings.disable_header_encoding,
        disable_url_encoding,
    };
    let secrets = Secrets {
        consumer_secret: Some(settings.consumer_secret.clone()),
        token_secret: Some(settings.token_secret.clone()),
        private_key,
        public_key: None,
    };
    Ok((config, secrets))
}

/// `sign --output json` and `explain --json` for a request signed as
/// Postman signs it (`docs/schema/postman.json`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PostmanReport {
    /// The contract version ([`crate::SCHEMA`]).
    pub schema: String,
    /// The collection item's path (`folder/…/name`), `null` for a request
    /// that is not from a collection (`sign --like postman`).
    pub item: Option<String>,
    /// Where the `oauth1` settings were read (`null` when from flags).
    pub auth_from: Option<crate::input::postman::Origin>,
    /// Every setting read, with where it came from (secrets masked unless
    /// `--show-secrets`), then `disableUrlEncoding` when set.
    pub settings: Vec<crate::input::postman::SettingRead>,
    /// Where the protocol parameters went.
    pub placement: Placement,
    /// The method sent.
    pub method: String,
    /// The URL sent.
    pub url: String,
    /// The headers sent, `[name, value]`, in order.
    pub headers: Vec<(String, String)>,
    /// The body sent (UTF-8, lossy).
    pub body: String,
    /// The `Authorization` header (`null` unless the header placement).
    pub authorization: Option<String>,
    /// The signature (a PLAINTEXT signature is masked unless `--show-secrets`).
    pub signature: String,
    /// The base string Postman signs.
    pub base_string: String,
    /// Postman's departures from RFC 5849 in this request, by catalogue id.
    pub departures: Vec<Departure>,
    /// What was assumed while building the request.
    pub notes: Vec<String>,
}

impl PostmanReport {
    /// The same report with a PLAINTEXT signature (which *is* the key,
    /// RFC 5849 §3.4.4) masked wherever the request carries it: the
    /// header, URL, body and headers (`explain` without `--show-secrets`;
    /// `sign` prints the request it signs).
    pub fn masked(mut self, signed: &PostmanSigned, method: SignatureMethod) -> PostmanReport {
        let mask = crate::signature::masked_signature(Some(method), &signed.signature);
        let Some(mask) = mask.filter(|_| !signed.signature.is_empty()) else {
            return self;
        };
        let hide = |s: &str| {
            s.replace(&encode(&signed.signature), &mask)
                .replace(&signed.signature, &mask)
        };
        self.authorization = self.authorization.as_deref().map(hide);
        self.url = hide(&self.url);
        self.body = hide(&self.body);
        for (_, v) in &mut self.headers {
            *v = hide(v);
        }
        self.signature = mask;
        self
    }

    /// The report of `signed`.
    pub fn new(
        signed: &PostmanSigned,
        item: Option<String>,
        auth_from: Option<crate::input::postman::Origin>,
        settings: Vec<crate::input::postman::SettingRead>,
        notes: Vec<String>,
        method: SignatureMethod,
        show_secrets: bool,
    ) -> PostmanReport {
        let signature = match crate::signature::masked_signature(Some(method), &signed.signature) {
            Some(mask) if !show_secrets => mask,
            _ => signed.signature.clone(),
        };
        PostmanReport {
            schema: crate::SCHEMA.to_string(),
            item,
            auth_from,
            settings,
            placement: signed.placement,
            method: signed.request.method.clone(),
            url: signed.request.url.clone(),
            headers: signed.request.headers.clone(),
            body: String::from_utf8_lossy(&signed.request.body).into_owned(),
            authorization: signed.authorization.clone(),
            signature,
            base_string: signed.base_string.clone(),
            departures: signed.departures.clone(),
            notes,
        }
    }
}
