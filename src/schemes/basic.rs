//! HTTP Basic (RFC 7617): `Authorization: Basic base64(user-id ":" password)`.

use super::{masked, split_scheme, SchemeOptions, SchemeReport, SchemeSecrets};
use crate::error::Violation;
use crate::request::Request;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde::Serialize;

/// Standard alphabet, padding optional: a missing `=` is its own finding,
/// not a reason to stop reading.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
/// The URL-safe alphabet (RFC 4648 §5), padding optional.
const LENIENT_URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// What a Basic header holds.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasicCredentials {
    /// The scheme as written (`Basic`, `basic`, `Basic:`, or empty when missing).
    pub scheme_as_written: String,
    /// The user-id (RFC 7617 §2), when the value decodes.
    pub user_id: Option<String>,
    /// The password, masked unless secrets are shown.
    pub password: Option<String>,
}

/// True when `value` is base64 (either alphabet) of text holding a `:`:
/// a Basic value written without its scheme.
pub(crate) fn decodes_to_pair(value: &str) -> bool {
    value.len() >= 4
        && !value.contains(' ')
        && decode(value)
            .is_some_and(|(bytes, _)| bytes.contains(&b':') && std::str::from_utf8(&bytes).is_ok())
}

/// Decodes token68 text, standard alphabet first (RFC 7617 §2 uses
/// RFC 4648 §4), then the URL-safe one; says which worked.
fn decode(value: &str) -> Option<(Vec<u8>, bool)> {
    if let Ok(b) = LENIENT.decode(value) {
        return Some((b, false));
    }
    LENIENT_URL.decode(value).ok().map(|b| (b, true))
}

/// RFC 7617 §2 (and the mistakes people make with it) into `r`.
pub(super) fn analyze(
    request: &Request,
    secrets: &SchemeSecrets,
    options: SchemeOptions,
    r: &mut SchemeReport,
) {
    let value = request.header("authorization").unwrap_or_default();
    let (creds, violations) = read(value, options.show_secrets);
    r.violations.extend(violations);
    if let (Some(user), Some(password)) = (&secrets.user, &secrets.password) {
        match decoded_pair(value) {
            Some((u, p)) => {
                r.compare("user-id", &u == user);
                r.compare("password", p == password.expose());
            }
            None => r.compare("credentials", false),
        }
    } else if let Some(user) = &secrets.user {
        let u = decoded_pair(value).map(|(u, _)| u);
        r.compare("user-id", u.as_deref() == Some(user.as_str()));
    }
    r.basic = Some(creds);
}

/// The user-id and password a Basic value carries, read as leniently as
/// [`read`] does (the mistakes are reported there).
pub(crate) fn decoded_pair(value: &str) -> Option<(String, String)> {
    let (scheme, rest) = split_scheme(value);
    let token = if scheme.to_ascii_lowercase().trim_end_matches(':') == "basic" {
        rest
    } else {
        value
    };
    let token: String = token.chars().filter(|c| !c.is_whitespace()).collect();
    let (bytes, _) = decode(&token)?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

/// Reads a Basic `Authorization` value: what it holds and every mistake.
pub fn read(value: &str, show: bool) -> (BasicCredentials, Vec<Violation>) {
    let mut v = Vec::new();
    let (scheme, rest) = split_scheme(value);
    let is_basic = scheme.to_ascii_lowercase().trim_end_matches(':') == "basic";
    let (scheme_as_written, token) = if is_basic {
        (scheme.to_string(), rest)
    } else {
        (String::new(), value)
    };
    if !is_basic {
        v.push(Violation::new(
            "basic-prefix-missing",
            "RFC 7617 §2",
            "the value has no `Basic ` scheme in front of the base64 credentials: send `Authorization: Basic <base64>`",
        ));
    } else if scheme != "Basic" {
        v.push(Violation::new(
            "basic-prefix-missing",
            "RFC 7617 §2",
            format!(
                "the scheme is written {scheme:?}: RFC 7235 §2.1 compares schemes without case, but many servers accept only `Basic` followed by one space"
            ),
        ));
    }
    // RFC 7617 §2: token68, one line.
    if token.trim().contains(['\r', '\n']) || token.trim().contains(' ') {
        v.push(Violation::new(
            "basic-line-break",
            "RFC 7617 §2",
            "the base64 value is broken across lines or spaces (as `base64` wraps at 76 characters): write it on one line (`base64 -w0`)",
        ));
    }
    let token: String = token.chars().filter(|c| !c.is_whitespace()).collect();
    let mut creds = BasicCredentials {
        scheme_as_written,
        user_id: None,
        password: None,
    };
    let Some((bytes, url_safe)) = decode(&token) else {
        v.push(Violation::new(
            "basic-not-base64",
            "RFC 7617 §2",
            "the credentials are not base64 (RFC 4648 §4): encode `user-id:password` with base64",
        ));
        return (creds, v);
    };
    if url_safe || (STANDARD.decode(&token).is_err() && URL_SAFE.decode(&token).is_ok()) {
        v.push(Violation::new(
            "basic-base64url",
            "RFC 7617 §2",
            "the credentials use the URL-safe base64 alphabet (`-`, `_`); Basic uses the standard one (`+`, `/`, RFC 4648 §4)",
        ));
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            v.push(Violation::new(
                "basic-not-utf8",
                "RFC 7617 §2.1",
                "the decoded credentials are not UTF-8 (a Latin-1 password?); servers that announce charset=\"UTF-8\" expect UTF-8",
            ));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let trimmed = text.trim_end_matches(['\r', '\n']);
    if trimmed.len() != text.len() {
        v.push(Violation::new(
            "basic-trailing-newline",
            "RFC 7617 §2",
            "the decoded credentials end with a line break: they were base64-encoded with `echo` without `-n`; use `printf '%s' 'user:pass' | base64`",
        ));
    }
    let Some((user, password)) = trimmed.split_once(':') else {
        v.push(Violation::new(
            "basic-colon-missing",
            "RFC 7617 §2",
            "the decoded credentials hold no `:` between user-id and password; if the provider wants an API key, send it in its own header instead",
        ));
        creds.user_id = Some(masked("value", trimmed, show));
        return (creds, v);
    };
    if user.ends_with(' ') || password.starts_with(' ') {
        v.push(Violation::new(
            "basic-colon-spaced",
            "RFC 7617 §2",
            "there are spaces around the `:`; they become part of the user-id or password",
        ));
    }
    let escaped = |s: &str| {
        let b = s.as_bytes();
        (0..b.len()).any(|i| crate::encode::is_escape_at(b, i))
    };
    if escaped(user) || escaped(password) {
        v.push(Violation::new(
            "basic-credentials-percent-encoded",
            "RFC 7617 §2",
            "the user-id or password holds %XX escapes: they were percent-encoded before base64, which Basic does not do (OAuth 2.0 client authentication does, RFC 6749 §2.3.1)",
        ));
    }
    creds.user_id = Some(user.to_string());
    creds.password = Some(masked("password", password, show));
    (creds, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(value: &str) -> Vec<&'static str> {
        read(value, false).1.iter().map(|v| v.code).collect()
    }

    /// RFC 7617 §2's example: Aladdin / open sesame.
    #[test]
    fn rfc7617_example() {
        let (c, v) = read("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", false);
        assert!(v.is_empty(), "{v:?}");
        assert_eq!(c.user_id.as_deref(), Some("Aladdin"));
        assert_eq!(c.password.as_deref(), Some("<password: 11 chars>"));
        assert_eq!(
            decoded_pair("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            Some(("Aladdin".into(), "open sesame".into()))
        );
    }

    #[test]
    fn each_mistake_is_named() {
        let b = |s: &str| STANDARD.encode(s);
        assert_eq!(codes(&b("Aladdin:open sesame")), ["basic-prefix-missing"]);
        assert_eq!(
            codes(&format!("basic {}", b("a:b"))),
            ["basic-prefix-missing"]
        );
        assert_eq!(
            codes(&format!("Basic {}", b("a:b\n"))),
            ["basic-trailing-newline"]
        );
        assert_eq!(
            codes(&format!("Basic {}", URL_SAFE.encode("a:b>?~"))),
            ["basic-base64url"]
        );
        let long = b(&format!("{}:{}", "u".repeat(40), "p".repeat(40)));
        assert_eq!(
            codes(&format!("Basic {}\n {}", &long[..76], &long[76..])),
            ["basic-line-break"]
        );
        assert_eq!(
            codes(&format!("Basic {}", b("apikey123"))),
            ["basic-colon-missing"]
        );
        assert_eq!(
            codes(&format!("Basic {}", b("a : b"))),
            ["basic-colon-spaced"]
        );
        assert_eq!(
            codes(&format!("Basic {}", b("a:p%2Bw"))),
            ["basic-credentials-percent-encoded"]
        );
        assert_eq!(
            codes(&format!("Basic {}", STANDARD.encode([b'a', b':', 0xe9]))),
            ["basic-not-utf8"]
        );
        assert_eq!(codes("Basic ***"), ["basic-not-base64"]);
    }

    #[test]
    fn a_bare_pair_is_recognised() {
        assert!(decodes_to_pair(&STANDARD.encode("u:p")));
        assert!(!decodes_to_pair("abcdef"));
        assert!(!decodes_to_pair("sk_live_123"));
    }
}
