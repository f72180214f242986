//! OAuth 2.0 token requests (RFC 6749 §3.2): client credentials (§4.4),
//! resource owner password (§4.3), refresh (§6) and authorization code
//! (§4.1.3) grants, client authentication (§2.3.1), and the token
//! endpoint's answers (§5.1 success, §5.2 errors).

use super::basic::decoded_pair;
use super::{
    form_pairs, masked, partial, query_pairs, split_scheme, SchemeOptions, SchemeReport,
    SchemeSecrets,
};
use crate::error::Violation;
use crate::request::Request;
use serde::Serialize;

/// How the client authenticates (RFC 6749 §2.3.1; names from RFC 8414 §2).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// HTTP Basic with the form-encoded id and secret.
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// Both at once (RFC 6749 §2.3 forbids it).
    Both,
    /// Only a `client_id` (a public client), or nothing.
    None,
}

/// What a token request holds. Secrets are masked.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRequest {
    /// `grant_type` as sent.
    pub grant_type: Option<String>,
    /// The body's format: `form`, `json`, `other` or `none`.
    pub body_format: &'static str,
    /// How the client authenticates.
    pub client_auth: ClientAuth,
    /// The client identifier (not a secret, RFC 6749 §2.2).
    pub client_id: Option<String>,
    /// The client secret, masked unless secrets are shown.
    pub client_secret: Option<String>,
    /// `scope` as sent.
    pub scope: Option<String>,
    /// The names of every parameter sent (body and query), values left out.
    pub parameters: Vec<String>,
}

/// A top-level JSON object in `text`, or `None`.
pub(crate) fn json_object(text: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_str::<serde_json::Value>(text.trim()) {
        Ok(serde_json::Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// RFC 6749 Appendix B: `application/x-www-form-urlencoded` encoding of
/// one name or value (UTF-8; space as `+`; letters, digits and `*-._` kept).
pub fn form_urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => out.push(b as char),
            b => crate::encode::push_escape(&mut out, b, crate::encode::HEX_UPPER),
        }
    }
    out
}

/// RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6: the grant types and the
/// parameters each requires besides `grant_type`. An absolute URI is an
/// extension grant (§4.5).
const GRANTS: &[(&str, &[&str])] = &[
    ("client_credentials", &[]),
    ("password", &["username", "password"]),
    ("refresh_token", &["refresh_token"]),
    ("authorization_code", &["code"]),
];

/// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), joined by single spaces.
fn scope_ok(scope: &str) -> bool {
    !scope.is_empty()
        && scope.split(' ').all(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
        })
}

/// RFC 6749 token requests (and the mistakes people make with them) into `r`.
pub(super) fn analyze(
    request: &Request,
    secrets: &SchemeSecrets,
    options: SchemeOptions,
    r: &mut SchemeReport,
) {
    let mut v = Vec::new();
    let text = String::from_utf8_lossy(&request.body);
    let json = json_object(&text);
    let body_format = if request.body.is_empty() {
        "none"
    } else if json.is_some() {
        "json"
    } else if super::is_form(request) || crate::uri::looks_like_form(&request.body) {
        "form"
    } else {
        "other"
    };
    // Parameters from wherever they were put, so that the rest can be checked.
    let body: Vec<(String, String)> = match &json {
        Some(m) => m
            .iter()
            .map(|(k, x)| {
                (
                    k.clone(),
                    x.as_str().map_or_else(|| x.to_string(), str::to_string),
                )
            })
            .collect(),
        None => form_pairs(&text),
    };
    let query = query_pairs(&request.url);
    let get = |name: &str| {
        body.iter()
            .chain(&query)
            .find(|(n, _)| n == name)
            .map(|(_, x)| x.clone())
    };
    if !request.method.eq_ignore_ascii_case("POST") {
        v.push(Violation::new(
            "token-request-not-post",
            "RFC 6749 §3.2",
            format!(
                "the token request uses {}; the token endpoint takes POST",
                request.method
            ),
        ));
    }
    match body_format {
        "json" => v.push(Violation::new(
            "token-request-json-body",
            "RFC 6749 §4.4.2",
            "the parameters are sent as a JSON body; the token endpoint reads application/x-www-form-urlencoded (`grant_type=client_credentials&…`, Content-Type: application/x-www-form-urlencoded)",
        )),
        "form" if !super::is_form(request) => v.push(Violation::new(
            "token-request-not-form",
            "RFC 6749 §4.4.2",
            "the body is form-shaped but its Content-Type is not application/x-www-form-urlencoded",
        )),
        "other" => v.push(Violation::new(
            "token-request-not-form",
            "RFC 6749 §4.4.2",
            "the body is neither a form nor JSON; the token endpoint reads application/x-www-form-urlencoded",
        )),
        _ => {}
    }
    let grant_type = get("grant_type");
    match &grant_type {
        None => v.push(Violation::new(
            "token-request-grant-type-missing",
            "RFC 6749 §4.4.2",
            "no grant_type is sent; a client-credentials request sends `grant_type=client_credentials`",
        )),
        Some(g) => match GRANTS.iter().find(|(name, _)| name == g) {
            Some((_, required)) => {
                for p in required.iter().filter(|p| get(p).is_none()) {
                    v.push(Violation::new(
                        "token-request-parameter-missing",
                        "RFC 6749 §4.3.2, §4.1.3, §6",
                        format!("grant_type={g} needs `{p}`, which is not sent"),
                    ));
                }
            }
            None if g.contains(':') => {}
            None => v.push(Violation::new(
                "token-request-grant-type-unknown",
                "RFC 6749 §4.4.2",
                format!(
                    "grant_type {g:?} is not a grant type (client_credentials, password, refresh_token, authorization_code, or an absolute URI)"
                ),
            )),
        },
    }
    for name in ["client_id", "client_secret", "password"] {
        if query.iter().any(|(n, _)| n == name) {
            v.push(Violation::new(
                "token-request-credentials-in-query",
                "RFC 6749 §2.3.1",
                format!("`{name}` is in the URL query; credentials go in the request body (or Basic), never the request URI"),
            ));
            break;
        }
    }
    // RFC 6749 §2.3.1: Basic over the form-encoded id and secret.
    let basic = request.header("authorization").and_then(|h| {
        let (scheme, _) = split_scheme(h);
        scheme
            .eq_ignore_ascii_case("basic")
            .then(|| decoded_pair(h))
            .flatten()
    });
    let posted_secret = body
        .iter()
        .find(|(n, _)| n == "client_secret")
        .map(|(_, x)| x.clone());
    let client_auth = match (&basic, &posted_secret) {
        (Some(_), Some(_)) => {
            v.push(Violation::new(
                "token-request-client-auth-twice",
                "RFC 6749 §2.3",
                "the client authenticates twice, with Basic and with client_secret in the body; RFC 6749 §2.3 allows one method per request: keep the one the provider documents",
            ));
            ClientAuth::Both
        }
        (Some(_), None) => ClientAuth::ClientSecretBasic,
        (None, Some(_)) => ClientAuth::ClientSecretPost,
        (None, None) => ClientAuth::None,
    };
    if let Some((user, pass)) = &basic {
        // Form-decoded as a server following §2.3.1 reads them.
        let decode = |s: &str| String::from_utf8_lossy(&crate::encode::form_decode(s)).into_owned();
        // `~` is kept by some encoders (Python's quote_plus) and escaped by others.
        let needs_encoding =
            |s: &str| form_urlencode(&decode(s)).replace("%7E", "~") != s.replace("%7E", "~");
        let known_raw = secrets
            .client_secret
            .as_ref()
            .is_some_and(|s| pass == s.expose() && form_urlencode(s.expose()) != *pass);
        if known_raw
            || (secrets.client_secret.is_none() && (needs_encoding(user) || needs_encoding(pass)))
        {
            v.push(Violation::new(
                "token-request-basic-not-form-encoded",
                "RFC 6749 §2.3.1",
                "the client id or secret in Basic is not form-urlencoded before base64: RFC 6749 §2.3.1 encodes each (`+` → %2B, `:` → %3A, space → +) first, so a server decoding them reads another secret",
            ));
        }
        if let (Some(id), Some(secret)) = (&secrets.client_id, &secrets.client_secret) {
            r.compare("client id", decode(user) == *id);
            r.compare("client secret", decode(pass) == secret.expose());
        }
    } else if let (Some(id), Some(secret)) = (&secrets.client_id, &secrets.client_secret) {
        r.compare(
            "client id",
            get("client_id").as_deref() == Some(id.as_str()),
        );
        r.compare(
            "client secret",
            posted_secret.as_deref() == Some(secret.expose()),
        );
    }
    let scope = get("scope");
    if let Some(s) = scope.as_deref().filter(|s| !scope_ok(s)) {
        v.push(Violation::new(
            "token-request-scope-syntax",
            "RFC 6749 §3.3",
            format!("the scope {s:?} is not space-separated scope tokens (printable ASCII without `\"` or `\\`, one space between)"),
        ));
    }
    let client_id = get("client_id").or_else(|| basic.as_ref().map(|(u, _)| u.clone()));
    let client_secret = posted_secret.or_else(|| basic.as_ref().map(|(_, p)| p.clone()));
    let mut parameters: Vec<String> = body.iter().chain(&query).map(|(n, _)| n.clone()).collect();
    parameters.dedup();
    r.violations.extend(v);
    r.token_request = Some(TokenRequest {
        grant_type,
        body_format,
        client_auth,
        client_id,
        client_secret: client_secret.map(|s| masked("client secret", &s, options.show_secrets)),
        scope,
        parameters,
    });
}

/// A token endpoint's answer (RFC 6749 §5.1 or §5.2), as read.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenResponse {
    /// `token`, `error`, or `unknown` when it is neither.
    pub kind: &'static str,
    /// The access token: first and last four characters unless secrets are shown.
    pub access_token: Option<String>,
    /// `token_type` (§5.1, REQUIRED).
    pub token_type: Option<String>,
    /// `expires_in`, seconds.
    pub expires_in: Option<i64>,
    /// The §5.2 `error` code.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
    /// What usually causes this error, most likely first.
    pub likely_causes: Vec<&'static str>,
    /// What is wrong with the response itself.
    pub violations: Vec<Violation>,
}

/// RFC 6749 §5.2's error codes and what usually causes each.
const ERROR_CAUSES: &[(&str, &[&str])] = &[
    ("invalid_client", &[
        "the client id or secret is wrong (a stray space or newline, the sandbox pair against production)",
        "the secret was sent in Basic without form-urlencoding it first (RFC 6749 §2.3.1), so a secret with `+`, `:`, `%` or non-ASCII reads differently",
        "the server wants client_secret_basic and got client_secret_post, or the reverse",
        "the client authenticated twice (Basic and client_secret in the body)",
    ]),
    ("invalid_grant", &[
        "the authorization code or refresh token expired, was revoked, or was used already",
        "redirect_uri differs from the one in the authorization request",
        "the resource owner's username or password is wrong (password grant)",
    ]),
    ("unauthorized_client", &[
        "this client is not allowed this grant type: enable it (e.g. client credentials) in the app's settings at the provider",
    ]),
    ("unsupported_grant_type", &[
        "grant_type is misspelt, or the body was sent as JSON so the server saw no grant_type at all",
        "the server does not support this grant type",
    ]),
    ("invalid_scope", &[
        "a scope is unknown or not granted to this client",
        "scopes are joined with the wrong separator (RFC 6749 §3.3 uses spaces)",
    ]),
    ("invalid_request", &[
        "a required parameter is missing or repeated, or the body is not application/x-www-form-urlencoded",
        "the client authenticated with more than one method",
    ]),
];

/// Reads a token endpoint's response body (RFC 6749 §5.1, §5.2).
pub fn read_token_response(text: &str, show_secrets: bool) -> TokenResponse {
    let mut t = TokenResponse {
        kind: "unknown",
        access_token: None,
        token_type: None,
        expires_in: None,
        error: None,
        error_description: None,
        likely_causes: Vec::new(),
        violations: Vec::new(),
    };
    // §5.1 says JSON; some servers answer with a form (as OAuth 1.0 did).
    let fields: Vec<(String, String)> = match json_object(text) {
        Some(m) => m
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect(),
        None => {
            let pairs = form_pairs(text.trim());
            if !pairs.is_empty()
                && (pairs
                    .iter()
                    .any(|(n, _)| n == "access_token" || n == "error"))
            {
                t.violations.push(Violation::new(
                    "token-response-not-json",
                    "RFC 6749 §5.1",
                    "the response is form-encoded; RFC 6749 §5.1 answers with application/json",
                ));
            }
            pairs
        }
    };
    let get = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    if let Some(error) = get("error") {
        t.kind = "error";
        t.likely_causes = ERROR_CAUSES
            .iter()
            .find(|(code, _)| *code == error)
            .map(|(_, c)| c.to_vec())
            .unwrap_or_default();
        t.error = Some(error);
        t.error_description = get("error_description");
    } else if let Some(token) = get("access_token") {
        t.kind = "token";
        t.access_token = Some(partial(&token, show_secrets));
        t.token_type = get("token_type");
        t.expires_in = get("expires_in").and_then(|e| e.parse().ok());
        if t.token_type.is_none() {
            t.violations.push(Violation::new(
                "token-response-type-missing",
                "RFC 6749 §5.1",
                "token_type is missing (REQUIRED); clients that check it will refuse the token",
            ));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::super::{analyze as run, Scheme, SchemeOptions, SchemeSecrets};
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    const TOKEN_URL: &str = "https://auth.example.com/oauth2/token";

    fn form(body: &str) -> Request {
        Request::new("POST", TOKEN_URL)
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body(body)
    }

    fn codes(r: &Request, secrets: &SchemeSecrets) -> Vec<&'static str> {
        let report = run(r, secrets, SchemeOptions::default());
        assert_eq!(report.scheme, Scheme::Oauth2TokenRequest);
        report.violations.iter().map(|v| v.code).collect()
    }

    #[test]
    fn a_correct_client_credentials_request() {
        let r = form(
            "grant_type=client_credentials&client_id=app&client_secret=s3cr3t&scope=read%20write",
        );
        let secrets = SchemeSecrets {
            client_id: Some("app".into()),
            client_secret: Some("s3cr3t".into()),
            ..Default::default()
        };
        let report = run(&r, &secrets, SchemeOptions::default());
        assert!(report.violations.is_empty(), "{:?}", report.violations);
        assert_eq!(report.verified, Some(true));
        let tr = report.token_request.unwrap();
        assert_eq!(tr.client_auth, ClientAuth::ClientSecretPost);
        assert_eq!(
            tr.client_secret.as_deref(),
            Some("<client secret: 6 chars>")
        );
    }

    #[test]
    fn each_mistake_is_named() {
        let none = SchemeSecrets::default();
        let json = Request::new("POST", TOKEN_URL)
            .with_header("Content-Type", "application/json")
            .with_body(
                r#"{"grant_type":"client_credentials","client_id":"a","client_secret":"b"}"#,
            );
        assert_eq!(codes(&json, &none), ["token-request-json-body"]);
        assert_eq!(
            codes(&form("client_id=a&client_secret=b"), &none),
            ["token-request-grant-type-missing"]
        );
        assert_eq!(
            codes(
                &form("grant_type=client-credentials&client_id=a&client_secret=b"),
                &none
            ),
            ["token-request-grant-type-unknown"]
        );
        let twice = form("grant_type=client_credentials&client_secret=b")
            .with_header("Authorization", format!("Basic {}", STANDARD.encode("a:b")));
        assert_eq!(codes(&twice, &none), ["token-request-client-auth-twice"]);
        let query = Request::new("POST", format!("{TOKEN_URL}?client_id=a&client_secret=b"))
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body("grant_type=client_credentials");
        assert_eq!(codes(&query, &none), ["token-request-credentials-in-query"]);
        let raw = form("grant_type=client_credentials").with_header(
            "Authorization",
            format!("Basic {}", STANDARD.encode("app:s+cr:t")),
        );
        assert_eq!(codes(&raw, &none), ["token-request-basic-not-form-encoded"]);
        let secrets = SchemeSecrets {
            client_id: Some("app".into()),
            client_secret: Some("s+cr:t".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(&raw, &secrets),
            ["token-request-basic-not-form-encoded"]
        );
        let encoded = form("grant_type=client_credentials").with_header(
            "Authorization",
            format!("Basic {}", STANDARD.encode("app:s%2Bcr%3At")),
        );
        assert!(codes(&encoded, &secrets).is_empty());
        assert_eq!(
            run(&encoded, &secrets, SchemeOptions::default()).verified,
            Some(true)
        );
        assert_eq!(
            codes(&form("grant_type=password&username=u"), &none),
            ["token-request-parameter-missing"]
        );
    }

    #[test]
    fn form_encoding_follows_appendix_b() {
        assert_eq!(
            form_urlencode("a b+c:d%é*-._~"),
            "a+b%2Bc%3Ad%25%C3%A9*-._%7E"
        );
    }

    #[test]
    fn responses_are_read() {
        let ok = read_token_response(
            r#"{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"example","expires_in":3600}"#,
            false,
        );
        assert_eq!(ok.kind, "token");
        assert_eq!(ok.access_token.as_deref(), Some("2Yot…WpAA (22 chars)"));
        assert_eq!(ok.expires_in, Some(3600));
        let err = read_token_response(
            r#"{"error":"invalid_client","error_description":"bad"}"#,
            false,
        );
        assert_eq!(err.kind, "error");
        assert!(err.likely_causes[1].contains("form-urlencoding"));
    }
}
