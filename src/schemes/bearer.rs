//! Bearer tokens (RFC 6750): `Authorization: Bearer <token>` (§2.1), a
//! form body's `access_token` (§2.2), or the query's (§2.3).

use super::jwt::{self, Jwt};
use super::{
    form_pairs, partial, query_pairs, split_scheme, SchemeOptions, SchemeReport, SchemeSecrets,
};
use crate::error::Violation;
use crate::request::Request;
use serde::Serialize;

/// A Bearer token as found.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BearerToken {
    /// The scheme as written (`Bearer`, `bearer`, `Token`, …; empty outside the header).
    pub scheme_as_written: String,
    /// The token: its first and last four characters unless secrets are shown.
    pub token: String,
    /// When the token is a JWT: its header and claims.
    pub jwt: Option<Jwt>,
}

/// How an `Authorization` scheme relates to `Bearer`: `Some(true)` when it
/// is `Bearer` as RFC 6750 §2.1 writes it, `Some(false)` when it is a
/// misspelling of it people use (`Bearer:`, `bearer`, `Token`, `JWT`,
/// `Bearer:`), `None` for another scheme.
pub(crate) fn scheme_kind(scheme: &str) -> Option<bool> {
    if scheme == "Bearer" {
        return Some(true);
    }
    let l = scheme.to_ascii_lowercase();
    matches!(
        l.trim_end_matches(':'),
        "bearer" | "token" | "jwt" | "access_token" | "bearer-token"
    )
    .then_some(false)
}

/// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
fn is_b64token(t: &str) -> bool {
    let body = t.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// RFC 6750 (and the mistakes people make with it) into `r`.
pub(super) fn analyze(
    request: &Request,
    secrets: &SchemeSecrets,
    options: SchemeOptions,
    r: &mut SchemeReport,
) {
    let mut v = Vec::new();
    let (scheme_as_written, raw) = match request.header("authorization") {
        Some(value) => {
            let (scheme, rest) = split_scheme(value);
            if scheme_kind(scheme) == Some(false) {
                v.push(Violation::new(
                    "bearer-scheme-misspelt",
                    "RFC 6750 §2.1",
                    format!("the scheme is written {scheme:?}; RFC 6750 §2.1 writes `Bearer` followed by one space"),
                ));
            }
            let token = rest.strip_prefix(' ').unwrap_or(rest);
            if token != token.trim() {
                v.push(Violation::new(
                    "bearer-token-whitespace",
                    "RFC 6750 §2.1",
                    "there is extra whitespace around the token; send exactly `Bearer <token>`",
                ));
            }
            (scheme.to_string(), token.trim().to_string())
        }
        None => {
            let in_query = query_pairs(&request.url)
                .into_iter()
                .find(|(n, _)| n == "access_token");
            match in_query {
                Some((_, t)) => {
                    v.push(Violation::new(
                        "bearer-token-in-query",
                        "RFC 6750 §2.3",
                        "the token is sent in the URL query (`access_token=`), which RFC 6750 §2.3 discourages (it ends up in logs and Referer headers) and many servers refuse: send `Authorization: Bearer <token>`",
                    ));
                    (String::new(), t)
                }
                None => {
                    let body = form_pairs(&String::from_utf8_lossy(&request.body));
                    let t = body
                        .into_iter()
                        .find(|(n, _)| n == "access_token")
                        .map(|(_, t)| t)
                        .unwrap_or_default();
                    if !super::is_form(request) || request.method.eq_ignore_ascii_case("GET") {
                        v.push(Violation::new(
                            "bearer-token-in-body",
                            "RFC 6750 §2.2",
                            "the token is in the body, which RFC 6750 §2.2 allows only in an application/x-www-form-urlencoded body of a request that is not GET: send `Authorization: Bearer <token>`",
                        ));
                    }
                    (String::new(), t)
                }
            }
        }
    };
    let token = match raw.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => {
            v.push(Violation::new(
                "bearer-token-quoted",
                "RFC 6750 §2.1",
                "the token is wrapped in quotes; the header carries the bare token (b64token), the quotes become part of it",
            ));
            inner.to_string()
        }
        None => raw,
    };
    if !token.is_empty()
        && !is_b64token(&token)
        && !v.iter().any(|x| x.code == "bearer-token-quoted")
    {
        v.push(Violation::new(
            "bearer-token-syntax",
            "RFC 6750 §2.1",
            "the token holds characters a Bearer token cannot (b64token: letters, digits, `-._~+/`, trailing `=`)",
        ));
    }
    if token.is_empty() {
        v.push(Violation::new(
            "bearer-token-missing",
            "RFC 6750 §2.1",
            "the scheme is there but no token follows it",
        ));
    }
    let jwt = jwt::decode(&token, options.now);
    if let Some(j) = &jwt {
        if j.expired == Some(true) {
            v.insert(
                0,
                Violation::new(
                    "bearer-token-expired",
                    "RFC 7519 §4.1.4",
                    format!(
                        "the token is a JWT whose `exp` ({}) is in the past: get a new access token",
                        j.expires_at.unwrap_or_default()
                    ),
                ),
            );
        }
    }
    if let Some(want) = &secrets.token {
        r.compare("token", token == want.expose());
    }
    r.violations.extend(v);
    r.bearer = Some(BearerToken {
        scheme_as_written,
        token: partial(&token, options.show_secrets),
        jwt,
    });
}

#[cfg(test)]
mod tests {
    use super::super::{analyze as run, SchemeOptions, SchemeSecrets};
    use crate::request::Request;

    fn codes(r: Request) -> Vec<&'static str> {
        run(
            &r,
            &SchemeSecrets::default(),
            SchemeOptions {
                now: Some(2_000_000_000),
                show_secrets: false,
            },
        )
        .violations
        .iter()
        .map(|v| v.code)
        .collect()
    }

    const U: &str = "https://api.example.com/me";

    #[test]
    fn each_mistake_is_named() {
        let h = |v: &str| Request::new("GET", U).with_header("Authorization", v);
        assert!(codes(h("Bearer mF_9.B5f-4.1JqM")).is_empty());
        assert_eq!(
            codes(h("Bearer: mF_9.B5f-4.1JqM")),
            ["bearer-scheme-misspelt"]
        );
        assert_eq!(
            codes(h("Token mF_9.B5f-4.1JqM")),
            ["bearer-scheme-misspelt"]
        );
        assert_eq!(
            codes(h("Bearer \"mF_9.B5f-4.1JqM\"")),
            ["bearer-token-quoted"]
        );
        assert_eq!(
            codes(h("Bearer  mF_9.B5f-4.1JqM ")),
            ["bearer-token-whitespace"]
        );
        assert_eq!(
            codes(Request::new(
                "GET",
                format!("{U}?access_token=mF_9.B5f-4.1JqM")
            )),
            ["bearer-token-in-query"]
        );
        // RFC 7519 §3.1's example JWT expired in 2011.
        let jwt = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(codes(h(&format!("Bearer {jwt}"))), ["bearer-token-expired"]);
    }

    #[test]
    fn the_token_is_checked_and_never_shown() {
        let r = Request::new("GET", U).with_header("Authorization", "Bearer abcdefghijklmnopqrst");
        let secrets = SchemeSecrets {
            token: Some("abcdefghijklmnopqrsX".into()),
            ..Default::default()
        };
        let report = run(&r, &secrets, SchemeOptions::default());
        assert_eq!(report.verified, Some(false));
        assert_eq!(report.mismatches, ["token"]);
        let json = serde_json::to_string(&report).unwrap();
        assert!(!json.contains("abcdefghijklmnopqrst"), "{json}");
        assert!(json.contains("abcd…qrst (20 chars)"), "{json}");
    }
}
