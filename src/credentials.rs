//! Client and token credentials (RFC 5849 §1.1) looked up by identifier,
//! for verifying requests from many clients at once.
//!
//! They are read from a secrets file (TOML):
//!
//! ```toml
//! # Client credentials, by oauth_consumer_key.
//! [consumers]
//! "dpf43f3p2l4k3l03" = "kd94hf93k423kf44"      # shorthand: the consumer secret
//!
//! [consumers."jira-rsa-client"]
//! public_key = "keys/jira.pub.pem"             # RSA-*: PEM public key or certificate,
//!                                              # relative to this file
//! [consumers."both"]
//! secret = "s3cret"                            # HMAC-* and PLAINTEXT
//! public_key = "/etc/keys/both.pem"
//!
//! # Token credentials, by oauth_token.
//! [tokens]
//! "nnch734d00sl2jdk" = "pfkkdhi9sl3r4s00"
//! ```
//!
//! A request without `oauth_token` (or with an empty one) is checked with
//! an empty token secret; an RSA-signed request needs no token secret
//! (RFC 5849 §3.4.3), so its token is not looked up. Errors name the line and the entry but never
//! quote a value, since values are secrets.

use crate::fixtures::join_relative;
use crate::input::Files;
use crate::signature::{PublicKey, Secrets};
use crate::verify::Identity;
use crate::Secret;
use std::borrow::Cow;
use std::collections::HashMap;

/// Looked up once per request of a log: a seeded fast hash (foldhash)
/// rather than SipHash.
type Map<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// Client and token secrets by identifier.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    consumers: Map<Secrets>,
    tokens: Map<Secret>,
}

/// Why a secrets file could not be read. Never holds a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map_or(String::new(), |l| format!("line {l}: ")))]
pub struct CredentialsError {
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
}

fn error(message: impl Into<String>) -> CredentialsError {
    CredentialsError {
        line: None,
        message: message.into(),
    }
}

impl Credentials {
    /// Reads a secrets file. `dir` is the file's directory, against which
    /// relative `public_key` paths are resolved and read through `files`.
    pub fn from_toml(
        text: &str,
        dir: &str,
        files: &dyn Files,
    ) -> Result<Credentials, CredentialsError> {
        let table: toml::Table = toml::from_str(text).map_err(|e| CredentialsError {
            line: e.span().map(|s| crate::error::line_col(text, s.start).0),
            // The message only: toml's rendering quotes the line, which may hold a secret.
            message: format!("not valid TOML: {}", e.message().trim_end()),
        })?;
        let mut out = Credentials::default();
        for (section, value) in &table {
            let entries = value.as_table().ok_or_else(|| {
                error(format!(
                    "`{section}` must be a table ([{section}]), not a single value"
                ))
            })?;
            match section.as_str() {
                "consumers" => {
                    for (key, entry) in entries {
                        out.consumers
                            .insert(key.clone(), consumer(key, entry, dir, files)?);
                    }
                }
                "tokens" => {
                    for (token, secret) in entries {
                        let secret = secret.as_str().ok_or_else(|| {
                            error(format!(
                                "tokens.\"{token}\": expected the token secret as a string"
                            ))
                        })?;
                        out.tokens.insert(token.clone(), Secret::new(secret));
                    }
                }
                other => {
                    return Err(error(format!(
                        "unknown section [{other}]: expected [consumers] and [tokens]"
                    )))
                }
            }
        }
        Ok(out)
    }

    /// How many consumers and tokens are known.
    pub fn len(&self) -> (usize, usize) {
        (self.consumers.len(), self.tokens.len())
    }

    /// True when the file names no consumer.
    pub fn is_empty(&self) -> bool {
        self.consumers.is_empty()
    }

    /// The secrets for a request's consumer key and token, or why there are none.
    pub fn secrets_for(&self, id: Identity<'_>) -> Result<Cow<'_, Secrets>, String> {
        let key = id
            .consumer_key
            .ok_or("the request has no oauth_consumer_key")?;
        let consumer = self
            .consumers
            .get(key)
            .ok_or_else(|| format!("unknown consumer key {key:?}: not in the secrets file"))?;
        // RFC 5849 §3.4.3: RSA-SHA1 signs with the client's private key
        // alone; a token secret is never used, so none is looked up.
        let rsa = id.signature_method.is_some_and(|m| m.is_rsa());
        match id.token.filter(|t| !t.is_empty() && !rsa) {
            None => Ok(Cow::Borrowed(consumer)),
            Some(token) => {
                let secret = self
                    .tokens
                    .get(token)
                    .ok_or_else(|| format!("unknown token {token:?}: not in the secrets file"))?;
                let mut secrets = consumer.clone();
                secrets.token_secret = Some(secret.clone());
                Ok(Cow::Owned(secrets))
            }
        }
    }
}

impl Credentials {
    /// The HMAC/PLAINTEXT secrets for `id`, borrowed: the consumer secret
    /// and the token secret (empty without a token). `None` when the file
    /// has none for it; [`Credentials::secrets_for`] then says why.
    pub fn shared_secrets(&self, id: Identity<'_>) -> Option<(&str, &str)> {
        let consumer = self.consumers.get(id.consumer_key?)?;
        let cs = consumer.consumer_secret.as_ref()?.expose();
        let ts = match id.token.filter(|t| !t.is_empty()) {
            None => consumer.token_secret.as_ref().map_or("", |t| t.expose()),
            Some(token) => self.tokens.get(token)?.expose(),
        };
        Some((cs, ts))
    }
}

fn consumer(
    key: &str,
    entry: &toml::Value,
    dir: &str,
    files: &dyn Files,
) -> Result<Secrets, CredentialsError> {
    let place = format!("consumers.\"{key}\"");
    if let Some(secret) = entry.as_str() {
        return Ok(Secrets {
            consumer_secret: Some(Secret::new(secret)),
            ..Secrets::default()
        });
    }
    let table = entry.as_table().ok_or_else(|| {
        error(format!(
            "{place}: expected the consumer secret as a string, or a table with `secret` and/or `public_key`"
        ))
    })?;
    let mut secrets = Secrets::default();
    for (field, value) in table {
        let text = value
            .as_str()
            .ok_or_else(|| error(format!("{place}.{field}: expected a string")))?;
        match field.as_str() {
            "secret" => secrets.consumer_secret = Some(Secret::new(text)),
            "public_key" => {
                let path = join_relative(dir, text);
                let pem = files
                    .read(&path)
                    .map_err(|e| error(format!("{place}.public_key: {e}")))?;
                let pem = String::from_utf8_lossy(&pem);
                let key = PublicKey::from_pem(&pem)
                    .map_err(|e| error(format!("{place}.public_key ({path}): {e}")))?;
                secrets.public_key = Some(key);
            }
            other => {
                return Err(error(format!(
                    "{place}: unknown field `{other}`: expected `secret` and/or `public_key`"
                )))
            }
        }
    }
    if secrets.consumer_secret.is_none() && secrets.public_key.is_none() {
        return Err(error(format!(
            "{place}: give `secret` (HMAC, PLAINTEXT) and/or `public_key` (RSA)"
        )));
    }
    Ok(secrets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::NoFiles;

    fn id<'a>(consumer_key: Option<&'a str>, token: Option<&'a str>) -> Identity<'a> {
        Identity {
            consumer_key,
            token,
            signature_method: None,
        }
    }

    #[test]
    fn shorthand_and_tables() {
        let c = Credentials::from_toml(
            "[consumers]\nk1 = \"s1\"\n[consumers.k2]\nsecret = \"s2\"\n[tokens]\nt1 = \"ts1\"\n",
            ".",
            &NoFiles,
        )
        .unwrap();
        assert_eq!(c.len(), (2, 1));
        let s = c.secrets_for(id(Some("k1"), None)).unwrap();
        assert_eq!(s.consumer_secret.as_ref().unwrap().expose(), "s1");
        assert!(s.token_secret.is_none());
        let s = c.secrets_for(id(Some("k2"), Some("t1"))).unwrap();
        assert_eq!(s.consumer_secret.as_ref().unwrap().expose(), "s2");
        assert_eq!(s.token_secret.as_ref().unwrap().expose(), "ts1");
        assert!(c.secrets_for(id(Some("k1"), Some(""))).is_ok());
        let e = c.secrets_for(id(Some("k3"), None)).unwrap_err();
        assert!(e.contains("unknown consumer key \"k3\""), "{e}");
        let e = c.secrets_for(id(Some("k1"), Some("t2"))).unwrap_err();
        assert!(e.contains("unknown token \"t2\""), "{e}");
        let e = c.secrets_for(id(None, None)).unwrap_err();
        assert!(e.contains("no oauth_consumer_key"), "{e}");
    }

    #[test]
    fn public_keys_are_read_relative_to_the_file() {
        struct One;
        impl Files for One {
            fn read(&self, path: &str) -> Result<Vec<u8>, String> {
                assert_eq!(path, "conf/keys/k.pem");
                Ok(include_bytes!("../fixtures/keys/oauthlib-rsa.pub.pem").to_vec())
            }
        }
        let c = Credentials::from_toml(
            "[consumers.rsa]\npublic_key = \"keys/k.pem\"\n",
            "conf",
            &One,
        )
        .unwrap();
        let s = c.secrets_for(id(Some("rsa"), None)).unwrap();
        assert!(s.public_key.is_some() && s.consumer_secret.is_none());
        // RFC 5849 §3.4.3: an RSA request's token needs no token secret.
        let rsa = Identity {
            signature_method: Some(crate::signature::SignatureMethod::RsaSha1),
            ..id(Some("rsa"), Some("a-token-not-in-the-file"))
        };
        let s = c.secrets_for(rsa).unwrap();
        assert!(s.public_key.is_some() && s.token_secret.is_none());
        assert!(c
            .secrets_for(id(Some("rsa"), Some("a-token-not-in-the-file")))
            .is_err());
    }

    #[test]
    fn errors_never_quote_a_secret() {
        let cases = [
            ("[consumers]\nk = \"hunter2\n", "line 2: not valid TOML"),
            (
                "[consumers]\nk = 123456\n",
                "expected the consumer secret as a string",
            ),
            (
                "[consumers.k]\nsecrte = \"hunter2\"\n",
                "unknown field `secrte`",
            ),
            ("[consumers.k]\n", "give `secret`"),
            (
                "[tokens]\nt = 98765\n",
                "expected the token secret as a string",
            ),
            (
                "[consumer]\nk = \"hunter2\"\n",
                "unknown section [consumer]",
            ),
            ("consumers = \"hunter2\"\n", "must be a table"),
            (
                "[consumers.k]\npublic_key = \"k.pem\"\n",
                "consumers.\"k\".public_key: cannot read",
            ),
        ];
        for (text, expected) in cases {
            let e = Credentials::from_toml(text, ".", &NoFiles)
                .unwrap_err()
                .to_string();
            assert!(e.contains(expected), "{text:?}: {e}");
            for secret in ["hunter2", "123456", "98765"] {
                assert!(!e.contains(secret), "{text:?}: {e}");
            }
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::from_toml("[consumers]\nk = \"hunter2\"\n", ".", &NoFiles).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
