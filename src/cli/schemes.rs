//! `explain` and `verify` for the other schemes (Basic, Bearer, API keys,
//! OAuth 2.0 token requests): the flags that carry their credentials, and
//! the rendering of [`oauth1_doctor::schemes::SchemeReport`]. The reading
//! and judging is the library's.

use super::inputs::secret_file;
use super::render::{paint, visible, BAD, BOLD, DIM, GOOD};
use anyhow::{bail, Result};
use clap::Args;
use oauth1_doctor::schemes::{SchemeReport, SchemeSecrets};
use oauth1_doctor::Secret;
use std::path::PathBuf;

/// Credentials of the other schemes, each also from an environment
/// variable or a file.
#[derive(Debug, Clone, Args)]
pub struct SchemeArgs {
    /// HTTP Basic user-id, to verify a Basic request (RFC 7617) [env: OAUTH1_BASIC_USER]
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// HTTP Basic password [env: OAUTH1_BASIC_PASSWORD]
    #[arg(long, value_name = "SECRET")]
    pub password: Option<String>,
    /// Read the Basic password from a file.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Bearer access token, to verify a Bearer request (RFC 6750) [env: OAUTH1_BEARER_TOKEN]
    #[arg(long, value_name = "SECRET")]
    pub token: Option<String>,
    /// Read the Bearer token from a file.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// API key, to verify a request that sends one [env: OAUTH1_API_KEY]
    #[arg(long, value_name = "SECRET")]
    pub api_key: Option<String>,
    /// Read the API key from a file.
    #[arg(long, value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,
    /// OAuth 2.0 client id, to verify a token request (RFC 6749 §2.3.1) [env: OAUTH1_CLIENT_ID]
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// OAuth 2.0 client secret [env: OAUTH1_CLIENT_SECRET]
    #[arg(long, value_name = "SECRET")]
    pub client_secret: Option<String>,
    /// Read the OAuth 2.0 client secret from a file.
    #[arg(long, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// The server's response body to a token request (RFC 6749 §5.1 token or §5.2 error), explained beside it.
    #[arg(
        long = "server-response",
        visible_alias = "token-response",
        value_name = "FILE"
    )]
    pub token_response: Option<PathBuf>,
}

/// An `OAUTH1_*` variable, when set and UTF-8.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A flag, else its file, else its environment variable.
pub(super) fn secret(
    flag: &Option<String>,
    file: &Option<PathBuf>,
    var: &str,
) -> Result<Option<Secret>> {
    Ok(match (file, flag) {
        (Some(f), _) => Some(secret_file(f)?),
        (None, Some(s)) => Some(Secret::new(s.clone())),
        (None, None) => env(var).map(Secret::new),
    })
}

impl SchemeArgs {
    /// The credentials given, from flags, files or the environment.
    pub fn load(&self) -> Result<SchemeSecrets> {
        Ok(SchemeSecrets {
            user: self.user.clone().or_else(|| env("OAUTH1_BASIC_USER")),
            password: secret(&self.password, &self.password_file, "OAUTH1_BASIC_PASSWORD")?,
            token: secret(&self.token, &self.token_file, "OAUTH1_BEARER_TOKEN")?,
            api_key: secret(&self.api_key, &self.api_key_file, "OAUTH1_API_KEY")?,
            client_id: self.client_id.clone().or_else(|| env("OAUTH1_CLIENT_ID")),
            client_secret: secret(
                &self.client_secret,
                &self.client_secret_file,
                "OAUTH1_CLIENT_SECRET",
            )?,
        })
    }

    /// The token response's text, when one was given.
    pub fn token_response(&self) -> Result<Option<String>> {
        self.token_response
            .as_deref()
            .map(|path| super::inputs::read_text_file(path, "the token response"))
            .transpose()
    }
}

/// What to pass to verify each scheme, for a report that checked nothing.
fn how_to_verify(r: &SchemeReport) -> &'static str {
    use oauth1_doctor::schemes::Scheme;
    match r.scheme {
        Scheme::Basic => "pass --user and --password (or OAUTH1_BASIC_USER / OAUTH1_BASIC_PASSWORD, or --password-file)",
        Scheme::Bearer => "pass --token (or OAUTH1_BEARER_TOKEN, or --token-file)",
        Scheme::ApiKey => "pass --api-key (or OAUTH1_API_KEY, or --api-key-file)",
        Scheme::Oauth2TokenRequest => "pass --client-id and --client-secret (or OAUTH1_CLIENT_ID / OAUTH1_CLIENT_SECRET, or --client-secret-file)",
        Scheme::Oauth1 | Scheme::None => "",
    }
}

/// The human report: the summary first, what was found, the violations,
/// and whether the credentials were checked.
pub fn human(r: &SchemeReport, verify: bool) -> String {
    let mut o = String::new();
    let style = if r.verified == Some(false) || !r.violations.is_empty() {
        BAD
    } else {
        GOOD
    };
    o.push_str(&format!("{}\n", paint(style, visible(&r.summary))));
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(b) = &r.basic {
        rows.push((
            "scheme",
            if b.scheme_as_written.is_empty() {
                "(none)".into()
            } else {
                b.scheme_as_written.clone()
            },
        ));
        rows.extend(b.user_id.clone().map(|u| ("user-id", u)));
        rows.extend(b.password.clone().map(|p| ("password", p)));
    }
    if let Some(b) = &r.bearer {
        if !b.scheme_as_written.is_empty() {
            rows.push(("scheme", b.scheme_as_written.clone()));
        }
        rows.push(("token", b.token.clone()));
        if let Some(j) = &b.jwt {
            rows.push(("JWT header", j.header.to_string()));
            rows.push(("JWT claims", j.claims.to_string()));
            rows.push(("JWT signature", "not verified".into()));
        }
    }
    if let Some(k) = &r.api_key {
        rows.push(("sent in", k.carriers.join(", ")));
        rows.push(("key", k.key.clone()));
    }
    if let Some(t) = &r.token_request {
        rows.push((
            "grant_type",
            t.grant_type.clone().unwrap_or_else(|| "(none)".into()),
        ));
        rows.push(("body", t.body_format.to_string()));
        rows.push((
            "client auth",
            serde_json::to_value(t.client_auth)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        ));
        rows.extend(t.client_id.clone().map(|c| ("client_id", c)));
        rows.extend(t.client_secret.clone().map(|c| ("client_secret", c)));
        rows.extend(t.scope.clone().map(|s| ("scope", s)));
        rows.push(("parameters", t.parameters.join(", ")));
    }
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in rows {
        o.push_str(&format!(
            "  {}  {}\n",
            paint(DIM, format!("{k:<w$}")),
            visible(&v)
        ));
    }
    if !r.violations.is_empty() {
        o.push_str(&format!("\n{}\n", paint(BOLD, "Mistakes")));
        for v in &r.violations {
            o.push_str(&format!(
                "  {} {}  {}\n    {}\n",
                paint(BAD, "✗"),
                v.code,
                paint(DIM, format!("({})", v.section)),
                visible(&v.message)
            ));
        }
    }
    if let Some(resp) = &r.token_response {
        o.push_str(&format!(
            "\n{}\n",
            paint(BOLD, "Token response (RFC 6749 §5)")
        ));
        if let Some(e) = &resp.error {
            let d = resp
                .error_description
                .as_deref()
                .map(|d| format!(": {}", visible(d)));
            o.push_str(&format!(
                "  error {}{}\n",
                visible(e),
                d.unwrap_or_default()
            ));
            for c in &resp.likely_causes {
                o.push_str(&format!("  • {c}\n"));
            }
        } else if let Some(t) = &resp.access_token {
            let ty = resp.token_type.as_deref().unwrap_or("(missing)");
            o.push_str(&format!("  access_token {t}, token_type {}\n", visible(ty)));
        } else {
            o.push_str("  neither a token (§5.1) nor an error (§5.2)\n");
        }
        for v in &resp.violations {
            o.push_str(&format!(
                "  {} {}: {}\n",
                paint(BAD, "✗"),
                v.code,
                v.message
            ));
        }
    }
    match r.verified {
        Some(true) => o.push_str(&format!(
            "\n{}\n",
            paint(GOOD, "✓ the credentials carried match the ones given")
        )),
        Some(false) => o.push_str(&format!(
            "\n{}\n",
            paint(
                BAD,
                format!(
                    "✗ the {} carried do not match the ones given",
                    r.mismatches.join(" and ")
                )
            )
        )),
        None if verify => o.push_str(&format!(
            "\n{} {}\n",
            paint(DIM, "credentials not checked:"),
            how_to_verify(r)
        )),
        None => {}
    }
    o
}

/// `verify`'s refusal when no credentials were given.
pub fn nothing_to_verify(r: &SchemeReport) -> Result<()> {
    bail!(
        "{} ({}): nothing to verify with: {}",
        r.scheme.label(),
        r.carrier,
        how_to_verify(r)
    )
}
