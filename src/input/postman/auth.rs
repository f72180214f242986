//! The auth Postman applies to a request: the request's own `auth`, else
//! its nearest folder's, else the collection's; `noauth` at any level
//! stops the search (Postman's *Inherit auth from parent*).
//!
//! An `oauth1` block becomes [`OAuth1Settings`]: the settings of Postman's
//! OAuth 1.0 helper, every `{{variable}}` resolved, secrets held as
//! [`Secret`]. v2.1 writes the settings as `[{key, value, type}]`, v2.0
//! as an object; both are read.

use super::variables::Variables;
use super::{scalar_text, PostmanError};
use crate::secret::Secret;
use serde::Serialize;
use serde_json::Value;

/// Where a setting was read.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "level", content = "name", rename_all = "lowercase")]
pub enum Origin {
    /// The request's own `auth` (or `protocolProfileBehavior`).
    Request,
    /// A folder's, by name.
    Folder(String),
    /// The collection's.
    Collection,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Request => f.write_str("the request"),
            Origin::Folder(n) => write!(f, "folder {n:?}"),
            Origin::Collection => f.write_str("the collection"),
        }
    }
}

/// The auth Postman applies.
#[derive(Debug, Clone)]
pub enum AuthChoice {
    /// No level sets an auth: sent as is.
    None,
    /// `noauth` at this level: sent as is.
    NoAuth(Origin),
    /// Another auth type (`basic`, `bearer`…): not signed here.
    Other(String, Origin),
    /// Postman's OAuth 1.0 helper.
    OAuth1(Box<OAuth1Settings>),
}

/// One setting as read, for `explain`: its name in the collection format,
/// the value (secrets masked) and where it came from.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingRead {
    /// The setting's key (`consumerKey`, `addParamsToHeader`…).
    pub name: String,
    /// Its value after variables are resolved; a secret shows only its
    /// length (`<hidden: 16 chars>`) unless secrets are shown.
    pub value: String,
    /// Where it was read.
    pub from: Origin,
}

/// The settings of Postman's OAuth 1.0 helper (`auth.oauth1`).
///
/// A missing string setting is empty and a missing checkbox is off, as
/// Postman's runtime reads them; `signatureMethod` defaults to HMAC-SHA1.
#[derive(Debug, Clone)]
pub struct OAuth1Settings {
    /// Where the `auth` block was found.
    pub from: Origin,
    /// `signatureMethod`.
    pub signature_method: String,
    /// `consumerKey`, as written (Postman signs it untrimmed).
    pub consumer_key: String,
    /// `consumerSecret`.
    pub consumer_secret: Secret,
    /// `token`.
    pub token: String,
    /// `tokenSecret`.
    pub token_secret: Secret,
    /// `privateKey` (PEM, RSA methods).
    pub private_key: Option<Secret>,
    /// `timestamp` (empty: Postman makes one).
    pub timestamp: String,
    /// `nonce` (empty: Postman makes one).
    pub nonce: String,
    /// `version` (`None`: not set at all).
    pub version: Option<String>,
    /// `realm`.
    pub realm: String,
    /// `callback`.
    pub callback: String,
    /// `verifier`.
    pub verifier: String,
    /// `addParamsToHeader`: header, else body or query.
    pub add_params_to_header: bool,
    /// `addEmptyParamsToSign`.
    pub add_empty_params_to_sign: bool,
    /// `includeBodyHash`.
    pub include_body_hash: bool,
    /// `disableHeaderEncoding`.
    pub disable_header_encoding: bool,
    /// Every setting the block holds, in the block's order.
    pub read: Vec<SettingRead>,
}

/// The settings whose values are secrets (masked in [`SettingRead`]).
const SECRET_SETTINGS: &[&str] = &["consumerSecret", "tokenSecret", "privateKey"];

/// A checkbox value: `true`/`false`, or the strings Postman sometimes writes.
pub(crate) fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") || s.is_empty() => Some(false),
        Value::Null => Some(false),
        _ => None,
    }
}

/// An auth block's type, and its settings as `(key, value)` in order:
/// v2.1's `[{key, value}]` or v2.0's `{key: value}`.
fn settings_of(auth: &Value) -> Option<(String, Vec<(String, Value)>)> {
    let kind = auth.get("type")?.as_str()?.to_string();
    let pairs = match auth.get(&kind) {
        Some(Value::Array(rows)) => rows
            .iter()
            .filter_map(|r| Some((r.get("key")?.as_str()?.to_string(), r.get("value")?.clone())))
            .collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    };
    Some((kind, pairs))
}

/// RFC 5849 §3.1 (as Postman's helper fills it): the auth that applies to
/// `request`, searched from the request up through `folders` (outermost
/// first) to the collection.
pub(crate) fn choose(
    request: &Value,
    folders: &[(&str, &Option<Value>, &Option<Value>)],
    collection: Option<&Value>,
    vars: &Variables,
) -> Result<AuthChoice, PostmanError> {
    let mut levels: Vec<(Option<&Value>, Origin)> = vec![(request.get("auth"), Origin::Request)];
    for (name, auth, _) in folders.iter().rev() {
        levels.push((auth.as_ref(), Origin::Folder(name.to_string())));
    }
    levels.push((collection, Origin::Collection));
    for (auth, origin) in levels {
        let Some(auth) = auth.filter(|a| !a.is_null()) else {
            continue;
        };
        let Some((kind, pairs)) = settings_of(auth) else {
            continue;
        };
        return match kind.as_str() {
            "noauth" => Ok(AuthChoice::NoAuth(origin)),
            "inherit" => continue,
            "oauth1" => Ok(AuthChoice::OAuth1(Box::new(oauth1(pairs, origin, vars)?))),
            _ => Ok(AuthChoice::Other(kind, origin)),
        };
    }
    Ok(AuthChoice::None)
}

fn oauth1(
    pairs: Vec<(String, Value)>,
    from: Origin,
    vars: &Variables,
) -> Result<OAuth1Settings, PostmanError> {
    let mut s = OAuth1Settings {
        from: from.clone(),
        signature_method: "HMAC-SHA1".into(),
        consumer_key: String::new(),
        consumer_secret: Secret::new(""),
        token: String::new(),
        token_secret: Secret::new(""),
        private_key: None,
        timestamp: String::new(),
        nonce: String::new(),
        version: None,
        realm: String::new(),
        callback: String::new(),
        verifier: String::new(),
        add_params_to_header: false,
        add_empty_params_to_sign: false,
        include_body_hash: false,
        disable_header_encoding: false,
        read: Vec::new(),
    };
    for (key, value) in pairs {
        let text = vars.resolve(&scalar_text(&value)).map_err(|u| {
            PostmanError::unresolved(u, format!("auth setting {key} (from {from})"))
        })?;
        let flag = || as_bool(&Value::String(text.clone())).unwrap_or(false);
        match key.as_str() {
            "signatureMethod" if !text.is_empty() => s.signature_method = text.clone(),
            "consumerKey" => s.consumer_key = text.clone(),
            "consumerSecret" => s.consumer_secret = Secret::new(text.clone()),
            "token" => s.token = text.clone(),
            "tokenSecret" => s.token_secret = Secret::new(text.clone()),
            "privateKey" if !text.is_empty() => s.private_key = Some(Secret::new(text.clone())),
            "timestamp" => s.timestamp = text.clone(),
            "nonce" => s.nonce = text.clone(),
            "version" => s.version = Some(text.clone()),
            "realm" => s.realm = text.clone(),
            "callback" => s.callback = text.clone(),
            "verifier" => s.verifier = text.clone(),
            "addParamsToHeader" => s.add_params_to_header = flag(),
            "addEmptyParamsToSign" => s.add_empty_params_to_sign = flag(),
            "includeBodyHash" => s.include_body_hash = flag(),
            "disableHeaderEncoding" => s.disable_header_encoding = flag(),
            _ => {}
        }
        let shown = if SECRET_SETTINGS.contains(&key.as_str()) {
            format!("<hidden: {} chars>", text.chars().count())
        } else {
            text
        };
        s.read.push(SettingRead {
            name: key,
            value: shown,
            from: from.clone(),
        });
    }
    Ok(s)
}

impl OAuth1Settings {
    /// [`OAuth1Settings::read`] with secrets shown (for `--show-secrets`).
    pub fn read_with_secrets(&self) -> Vec<SettingRead> {
        self.read
            .iter()
            .map(|r| {
                let value = match r.name.as_str() {
                    "consumerSecret" => self.consumer_secret.expose().to_string(),
                    "tokenSecret" => self.token_secret.expose().to_string(),
                    "privateKey" => self
                        .private_key
                        .as_ref()
                        .map_or(String::new(), |k| k.expose().to_string()),
                    _ => return r.clone(),
                };
                SettingRead { value, ..r.clone() }
            })
            .collect()
    }
}
