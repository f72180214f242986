//! The `--secrets` TOML loader: never panics on any text; a file it loads
//! answers every consumer and token it names with the secrets written
//! there, through both lookups (`secrets_for`, the batch fast path's
//! `shared_secrets`); and neither an error nor `Debug` ever shows a secret
//! value. A value counts as secret when it holds the marker `SEKRIT`
//! (which the fuzzer finds through its comparison tracing) and no key or
//! public key path does.

use oauth1_doctor::credentials::Credentials;
use oauth1_doctor::input::Files;
use oauth1_doctor::verify::Identity;

const MARKER: &str = "SEKRIT";

/// `*.pem` paths hold a real public key; other paths hold text derived
/// from their name; paths starting with `!` cannot be read.
struct SomeFiles;

impl Files for SomeFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        if path.contains('!') {
            return Err(format!("cannot read {path:?}"));
        }
        if path.ends_with(".pem") {
            return Ok(include_bytes!("../../fixtures/keys/oauthlib-rsa.pub.pem").to_vec());
        }
        Ok(format!("-----BEGIN PUBLIC KEY-----\n{path}\n-----END PUBLIC KEY-----\n").into_bytes())
    }
}

/// Whether the marker shows anywhere it may: a key, a section name, a
/// public key path.
fn marker_in_names(table: &toml::Table, under_public_key: bool) -> bool {
    table.iter().any(|(k, v)| {
        k.contains(MARKER)
            || match v {
                toml::Value::Table(t) => marker_in_names(t, false),
                toml::Value::String(s) => {
                    (under_public_key || k == "public_key") && s.contains(MARKER)
                }
                toml::Value::Array(a) => a.iter().any(|x| match x {
                    toml::Value::Table(t) => marker_in_names(t, false),
                    _ => false,
                }),
                _ => false,
            }
    })
}

/// Checks one input; panics when an invariant breaks.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = Credentials::from_toml(text, "conf", &SomeFiles);
    if let Err(e) = &loaded {
        if let Some(line) = e.line {
            assert!(line >= 1 && line <= text.split('\n').count(), "{e:?}");
        }
    }
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        assert!(loaded.is_err(), "text that is not TOML was loaded");
        return;
    };
    let check_secrets = !marker_in_names(&table, false);
    let creds = match loaded {
        Ok(c) => c,
        Err(e) => {
            let shown = e.to_string();
            assert!(
                !(check_secrets && shown.contains(MARKER)),
                "the error shows a secret: {shown}"
            );
            return;
        }
    };
    assert!(
        !(check_secrets && format!("{creds:?}").contains(MARKER)),
        "Debug shows a secret"
    );

    // Every consumer and token the file names is found with its secrets.
    let empty = toml::Table::new();
    let section = |name: &str| table.get(name).and_then(|v| v.as_table()).unwrap_or(&empty);
    let (consumers, tokens) = (section("consumers"), section("tokens"));
    assert_eq!(creds.len(), (consumers.len(), tokens.len()));
    let no_token = [None, Some("")];
    let ids: Vec<Option<&str>> = no_token
        .into_iter()
        .chain(tokens.keys().map(|t| Some(t.as_str())))
        .collect();
    for (key, entry) in consumers {
        let secret = entry
            .as_str()
            .or_else(|| entry.get("secret").and_then(|s| s.as_str()));
        for &token in &ids {
            let id = Identity {
                consumer_key: Some(key),
                token,
                signature_method: None,
            };
            let token_secret = token.filter(|t| !t.is_empty()).map(|t| {
                tokens[t]
                    .as_str()
                    .expect("a loaded token secret is a string")
            });
            let full = creds
                .secrets_for(id)
                .unwrap_or_else(|e| panic!("{key:?} {token:?} not found: {e}"));
            assert_eq!(
                full.consumer_secret.as_ref().map(|s| s.expose()),
                secret,
                "{key:?}"
            );
            assert_eq!(
                full.token_secret.as_ref().map(|s| s.expose()),
                token_secret,
                "{key:?} {token:?}"
            );
            assert_eq!(full.public_key.is_some(), entry.get("public_key").is_some());
            let fast = creds.shared_secrets(id);
            match secret {
                Some(cs) => assert_eq!(fast, Some((cs, token_secret.unwrap_or("")))),
                None => assert_eq!(fast, None),
            }
        }
    }
    // Identifiers the file does not name are not found.
    let unknown = Identity {
        consumer_key: Some("\u{1}not named\u{1}"),
        token: None,
        signature_method: None,
    };
    assert!(!consumers.contains_key("\u{1}not named\u{1}"));
    assert!(creds.secrets_for(unknown).is_err());
    assert_eq!(creds.shared_secrets(unknown), None);
}
