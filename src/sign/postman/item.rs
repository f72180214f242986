//! A collection item signed as Postman would sign it, with what the
//! caller lays over the collection's settings (a front end's flags): the
//! settings' values, the helper's checkboxes and the secrets. Front ends
//! turn their flags into [`ItemOptions`] and render the [`SignedItem`].

use super::{config_from, sign_like_postman, Placement, PostmanConfig, PostmanReport};
use super::{PostmanSignError, PostmanSigned, Unsigned};
use crate::input::postman::{AuthChoice, OAuth1Settings, Origin, PostmanItem, SettingRead};
use crate::sign::{Fresh, SignOptions, Version};
use crate::signature::Secrets;

/// Lays `protocol`'s values over `settings`: each `Some` (and a version
/// set or omitted) replaces the collection's; `None` keeps it.
fn lay_over(protocol: &SignOptions, settings: &mut OAuth1Settings) {
    for (slot, v) in [
        (&mut settings.consumer_key, &protocol.consumer_key),
        (&mut settings.token, &protocol.token),
        (&mut settings.signature_method, &protocol.signature_method),
        (&mut settings.timestamp, &protocol.timestamp),
        (&mut settings.nonce, &protocol.nonce),
        (&mut settings.realm, &protocol.realm),
        (&mut settings.callback, &protocol.callback),
        (&mut settings.verifier, &protocol.verifier),
    ] {
        if let Some(v) = v {
            slot.clone_from(v);
        }
    }
    match &protocol.version {
        Version::Default => {}
        Version::Set(v) => settings.version = Some(v.clone()),
        Version::Omit => settings.version = None,
    }
}

/// What the caller lays over a collection item before it is signed.
#[derive(Debug, Clone, Default)]
pub struct ItemOptions {
    /// Protocol parameters over the collection's settings (`None`: the
    /// collection's); `body_hash` turns `includeBodyHash` on and
    /// `show_secrets` lets the report show secrets (the settings' secret
    /// values, a PLAINTEXT signature), masked otherwise.
    pub protocol: SignOptions,
    /// Where the parameters go, over the collection's `addParamsToHeader`.
    pub placement: Option<Placement>,
    /// *Add empty parameters to signature*, turned on.
    pub add_empty_params: bool,
    /// *Encode the parameters in the Authorization header*, turned off.
    pub disable_header_encoding: bool,
    /// The request setting `disableUrlEncoding`, turned on.
    pub disable_url_encoding: bool,
    /// Secrets given by the caller, each over the collection's own.
    pub secrets: Secrets,
}

impl ItemOptions {
    /// Turns the checkboxes and placement given on over `config`.
    pub fn apply(&self, config: &mut PostmanConfig) {
        if let Some(p) = self.placement {
            config.placement = Some(p);
        }
        config.add_empty_params |= self.add_empty_params;
        config.disable_header_encoding |= self.disable_header_encoding;
        config.disable_url_encoding |= self.disable_url_encoding;
        config.include_body_hash |= self.protocol.body_hash;
    }
}

/// A collection item signed as Postman would sign it, and its report.
#[derive(Debug, Clone)]
pub struct SignedItem {
    /// The request as Postman sends it.
    pub signed: PostmanSigned,
    /// Where each setting came from, Postman's departures, the notes.
    pub report: PostmanReport,
    /// The secrets it was signed with (the collection's, the caller's over them).
    pub secrets: Secrets,
    /// The configuration it was signed with.
    pub config: PostmanConfig,
}

/// Why an item cannot be signed as Postman would; each names the item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemError {
    /// No OAuth 1.0 auth anywhere from the request up to the collection.
    #[error("{0}: no OAuth 1.0 auth: neither the request, its folders nor the collection set one (Postman sends it unsigned)")]
    NoAuth(String),
    /// Auth is explicitly "No Auth".
    #[error("{path}: auth is \"No Auth\" (set on {from}): Postman sends it unsigned")]
    NoAuthSet {
        /// The item.
        path: String,
        /// Where "No Auth" was set.
        from: Origin,
    },
    /// Another scheme than OAuth 1.0.
    #[error("{path}: auth is {kind:?} (set on {from}), not OAuth 1.0")]
    OtherScheme {
        /// The item.
        path: String,
        /// Postman's name of the scheme.
        kind: String,
        /// Where it was set.
        from: Origin,
    },
    /// The settings or the request cannot be signed.
    #[error("{path}: {error}")]
    Sign {
        /// The item.
        path: String,
        /// Why.
        error: PostmanSignError,
    },
}

/// Signs `item` as Postman would, `options` over the collection's
/// settings; `fresh` fills an empty timestamp or nonce (RFC 5849 §3.3).
pub fn sign_item(
    item: &PostmanItem,
    options: &ItemOptions,
    fresh: &Fresh,
) -> Result<SignedItem, ItemError> {
    let settings = match &item.auth {
        AuthChoice::OAuth1(s) => s,
        AuthChoice::None => return Err(ItemError::NoAuth(item.path.clone())),
        AuthChoice::NoAuth(from) => {
            return Err(ItemError::NoAuthSet {
                path: item.path.clone(),
                from: from.clone(),
            })
        }
        AuthChoice::Other(kind, from) => {
            return Err(ItemError::OtherScheme {
                path: item.path.clone(),
                kind: kind.clone(),
                from: from.clone(),
            })
        }
    };
    let failed = |error| ItemError::Sign {
        path: item.path.clone(),
        error,
    };
    let mut settings = settings.as_ref().clone();
    lay_over(&options.protocol, &mut settings);
    let disable_url_encoding = item.disable_url_encoding.as_ref().is_some_and(|(v, _)| *v);
    let (mut config, collection) =
        config_from(&settings, disable_url_encoding, fresh).map_err(failed)?;
    options.apply(&mut config);
    let given = &options.secrets;
    let secrets = Secrets {
        consumer_secret: given.consumer_secret.clone().or(collection.consumer_secret),
        token_secret: given.token_secret.clone().or(collection.token_secret),
        private_key: given.private_key.clone().or(collection.private_key),
        public_key: given.public_key.clone().or(collection.public_key),
    };
    let signed = sign_like_postman(
        Unsigned {
            request: &item.request,
            form: item.form.as_deref(),
            hashed_body: &item.hashed_body,
            body_sent: item.body_sent,
        },
        &config,
        &secrets,
    )
    .map_err(failed)?;
    let show = options.protocol.show_secrets;
    let mut read: Vec<SettingRead> = if show {
        settings.read_with_secrets()
    } else {
        settings.read.clone()
    };
    if let Some((v, from)) = &item.disable_url_encoding {
        read.push(SettingRead {
            name: "disableUrlEncoding".into(),
            value: v.to_string(),
            from: from.clone(),
        });
    }
    let report = PostmanReport::new(
        &signed,
        Some(item.path.clone()),
        Some(settings.from.clone()),
        read,
        item.notes.clone(),
        config.signature_method,
        show,
    );
    Ok(SignedItem {
        signed,
        report,
        secrets,
        config,
    })
}
