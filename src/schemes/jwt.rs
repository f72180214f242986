//! A look inside a JSON Web Token (RFC 7519) carried as a Bearer token:
//! its JOSE header and claims, decoded, never trusted. The signature is
//! not verified (no key is taken here); the expiry is compared with the
//! caller's clock.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;

/// A decoded JWT.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Jwt {
    /// The JOSE header (RFC 7515 §4), e.g. `{"alg":"HS256","typ":"JWT"}`.
    pub header: serde_json::Value,
    /// The claims set (RFC 7519 §4).
    pub claims: serde_json::Value,
    /// `exp` (RFC 7519 §4.1.4), seconds since the epoch.
    pub expires_at: Option<i64>,
    /// With a clock: whether `exp` is in the past.
    pub expired: Option<bool>,
    /// Always false: the signature is shown as read, not checked.
    pub signature_verified: bool,
}

/// RFC 7519 §7.2: a token of three base64url parts whose first two are
/// JSON objects, or `None` when `token` is not a JWT (an opaque token).
pub fn decode(token: &str, now: Option<i64>) -> Option<Jwt> {
    let mut parts = token.split('.');
    let (h, c, _s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let json = |part: &str| -> Option<serde_json::Value> {
        // RFC 7515 §2: base64url without padding; tolerate padding.
        let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        v.is_object().then_some(v)
    };
    let header = json(h)?;
    let claims = json(c)?;
    let expires_at = claims
        .get("exp")
        .and_then(|e| e.as_i64().or_else(|| e.as_f64().map(|f| f as i64)));
    let expired = match (expires_at, now) {
        (Some(exp), Some(now)) => Some(exp <= now),
        _ => None,
    };
    Some(Jwt {
        header,
        claims,
        expires_at,
        expired,
        signature_verified: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7519 §3.1's example JWT.
    #[test]
    fn rfc7519_example() {
        let t = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let j = decode(t, Some(1_300_819_381)).unwrap();
        assert_eq!(j.header["alg"], "HS256");
        assert_eq!(j.claims["iss"], "joe");
        assert_eq!(j.expires_at, Some(1_300_819_380));
        assert_eq!(j.expired, Some(true));
        assert_eq!(decode(t, Some(1_300_819_379)).unwrap().expired, Some(false));
        assert_eq!(decode(t, None).unwrap().expired, None);
    }

    #[test]
    fn opaque_tokens_are_not_jwts() {
        assert!(decode("2YotnFZFEjr1zCsicMWpAA", None).is_none());
        assert!(decode("a.b.c", None).is_none());
    }
}
