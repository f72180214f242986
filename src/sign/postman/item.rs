//! A collection item signed as Postman would sign it, with what the
//! caller lays over the collection's settings (a front end's flags): the
//! settings' values, the helper's checkboxes and the secrets. Front ends
//! turn their flags into [`ItemOptions`] and render the [`SignedItem`].

use super::{config_from, sign_like_postman, Placement, PostmanConfig, PostmanReport};
use super::{PostmanSignError, PostmanSigned, Unsigned};
use crate::input::postman::{AuthChoice, OAuth1Settings, Origin, PostmanItem, SettingRead};
use crate::sign::Fresh;
use crate::signature::Secrets;

/// Values laid over an item's OAuth 1.0 settings; `None` keeps the
/// collection's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingOverrides {
    /// `consumerKey`.
    pub consumer_key: Option<String>,
    /// `token`.
    pub token: Option<String>,
    /// `signatureMethod`.
    pub signature_method: Option<String>,
    /// `timestamp`.
    pub timestamp: Option<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// `realm`.
    pub realm: Option<String>,
    /// `callback`.
    pub callback: Option<String>,
    /// `verifier`.
    pub verifier: Option<String>,
    /// `version` (`Some(None)`: not sent).
    pub version: Option<Option<String>>,
}

impl SettingOverrides {
    /// Lays these values over `settings`.
    pub fn apply(&self, settings: &mut OAuth1Settings) {
        for (slot, v) in [
            (&mut settings.consumer_key, &self.consumer_key),
            (&mut settings.token, &self.token),
            (&mut settings.signature_method, &self.signature_method),
            (&mut settings.timestamp, &self.timestamp),
            (&mut settings.nonce, &self.nonce),
            (&mut settings.realm, &self.realm),
            (&mut settings.callback, &self.callback),
            (&mut settings.verifier, &self.verifier),
        ] {
            if let Some(v) = v {
                slot.clone_from(v);
            }
        }
        if let Some(v) = &self.version {
            settings.version.clone_from(v);
        }
    }
}

/// What the caller lays over a collection item before it is signed.
#[derive(Debug, Clone, Default)]
pub struct ItemOptions {
    /// Setting values over the collection's.
    pub settings: SettingOverrides,
    /// Where the parameters go, over the collection's `addParamsToHeader`.
    pub placement: Option<Placement>,
    /// *Add empty parameters to signature*, turned on.
    pub add_empty_params: bool,
    /// *Encode the parameters in the Authorization header*, turned off.
    pub disable_header_encoding: bool,
    /// The request setting `disableUrlEncoding`, turned on.
    pub disable_url_encoding: bool,
    /// `includeBodyHash`, turned on.
    pub include_body_hash: bool,
    /// Secrets given by the caller, each over the collection's own.
    pub secrets: Secrets,
    /// Whether the report may show secrets (the settings' secret values,
    /// a PLAINTEXT signature); off, they are masked.
    pub show_secrets: bool,
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
        config.include_body_hash |= self.include_body_hash;
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
    options.settings.apply(&mut settings);
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
    let show = options.show_secrets;
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
