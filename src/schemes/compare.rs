//! `diff` for the other schemes: a known-good request (e.g. Postman's
//! export) against the candidate (the workflow's), both read by
//! [`super::analyze`]; the findings ranked so that the first names what
//! breaks authentication.

use super::{analyze, SchemeOptions, SchemeReport, SchemeSecrets};
use crate::request::Request;
use serde::Serialize;

/// One difference between the two requests' credentials.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeFinding {
    /// A stable id: `scheme-differs`, `carrier-differs`, `<field>-differs`,
    /// or the code of a mistake only the candidate makes.
    pub id: String,
    /// What it is about.
    pub location: String,
    /// The known-good's value (masked as in the reports).
    pub good: Option<String>,
    /// The candidate's value (masked as in the reports).
    pub candidate: Option<String>,
    /// One sentence: what differs and what to do.
    pub message: String,
}

/// The two requests compared.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeDiff {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// One line: what breaks authentication first, or that nothing differs.
    pub summary: String,
    /// True when nothing that authenticates differs.
    pub equivalent: bool,
    /// Ranked: a different scheme, the candidate's own mistakes, then the
    /// credentials that differ.
    pub findings: Vec<SchemeFinding>,
    /// The known-good request's report.
    pub good: SchemeReport,
    /// The candidate's report.
    pub candidate: SchemeReport,
}

/// The fields each report shows, by name, for comparing (values masked
/// as the reports mask them; secrets compared on the requests themselves).
fn fields(r: &SchemeReport) -> Vec<(&'static str, Option<String>)> {
    let mut f: Vec<(&'static str, Option<String>)> = vec![("carrier", Some(r.carrier.clone()))];
    if let Some(b) = &r.basic {
        f.push(("basic scheme", Some(b.scheme_as_written.clone())));
        f.push(("user-id", b.user_id.clone()));
    }
    if let Some(b) = &r.bearer {
        f.push(("bearer scheme", Some(b.scheme_as_written.clone())));
    }
    if let Some(t) = &r.token_request {
        f.push(("grant_type", t.grant_type.clone()));
        f.push(("body format", Some(t.body_format.to_string())));
        f.push((
            "client authentication",
            serde_json::to_value(t.client_auth)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string)),
        ));
        f.push(("client_id", t.client_id.clone()));
        f.push(("scope", t.scope.clone()));
        // A form's order does not matter to the token endpoint.
        let mut names = t.parameters.clone();
        names.sort();
        f.push(("parameters", Some(names.join(", "))));
    }
    f
}

/// The secret each side carries, for comparison only (never shown).
fn secret_of(request: &Request, r: &SchemeReport) -> Option<(&'static str, String)> {
    let auth = request.header("authorization").unwrap_or_default();
    if r.basic.is_some() {
        return super::basic::decoded_pair(auth).map(|(_, p)| ("password", p));
    }
    if r.bearer.is_some() {
        let (_, rest) = super::split_scheme(auth);
        let t = rest.trim().trim_matches('"').to_string();
        let t = if t.is_empty() {
            super::query_pairs(&request.url)
                .into_iter()
                .find(|(n, _)| n == "access_token")
                .map(|(_, v)| v)
                .unwrap_or_default()
        } else {
            t
        };
        return Some(("token", t));
    }
    if r.api_key.is_some() {
        let k = super::key_headers(request)
            .into_iter()
            .map(|(_, v)| v)
            .chain(super::key_params(&request.url).into_iter().map(|(_, v)| v))
            .next()
            .or_else(|| (!auth.is_empty()).then(|| super::split_scheme(auth).1.trim().to_string()));
        return k.map(|k| ("API key", k));
    }
    if r.token_request.is_some() {
        let body = super::form_pairs(&String::from_utf8_lossy(&request.body));
        let posted = body
            .into_iter()
            .find(|(n, _)| n == "client_secret")
            .map(|(_, v)| v);
        let basic = super::basic::decoded_pair(auth)
            .map(|(_, p)| String::from_utf8_lossy(&crate::encode::form_decode(&p)).into_owned());
        return posted.or(basic).map(|s| ("client secret", s));
    }
    None
}

/// True when `diff` should compare these two requests with [`compare`]:
/// either uses a scheme other than OAuth 1.0 (RFC 5849 requests, and
/// requests with no credentials at all, go to [`crate::diff`]).
pub fn applies(good: &Request, candidate: &Request) -> bool {
    let other = |r: &Request| {
        !matches!(
            super::detect(r).scheme,
            super::Scheme::Oauth1 | super::Scheme::None
        )
    };
    other(good) || other(candidate)
}

/// Compares the credentials of two requests that do not use OAuth 1.0.
pub fn compare(
    good: &Request,
    candidate: &Request,
    secrets: &SchemeSecrets,
    options: SchemeOptions,
) -> SchemeDiff {
    let g = analyze(good, secrets, options);
    let c = analyze(candidate, secrets, options);
    let mut findings = Vec::new();
    let finding =
        |id: &str, location: &str, gv: Option<String>, cv: Option<String>, message: String| {
            SchemeFinding {
                id: id.to_string(),
                location: location.to_string(),
                good: gv,
                candidate: cv,
                message,
            }
        };
    if g.scheme != c.scheme {
        findings.push(finding(
            "scheme-differs",
            "scheme",
            Some(g.scheme.label().into()),
            Some(c.scheme.label().into()),
            format!(
                "the known-good authenticates with {} ({}), the candidate with {} ({}): send the credentials the way the known-good does",
                g.scheme.label(),
                g.carrier,
                c.scheme.label(),
                c.carrier
            ),
        ));
    }
    // The candidate's own mistakes, those the known-good does not make.
    for v in &c.violations {
        if !g.violations.iter().any(|x| x.code == v.code) {
            findings.push(finding(
                v.code,
                "candidate",
                None,
                None,
                format!("{} ({})", v.message, v.section),
            ));
        }
    }
    if g.scheme == c.scheme {
        let (gf, cf) = (fields(&g), fields(&c));
        for ((name, gv), (_, cv)) in gf.iter().zip(&cf) {
            if gv != cv {
                let id = format!("{}-differs", name.replace([' ', '_'], "-"));
                findings.push(finding(
                    &id,
                    name,
                    gv.clone(),
                    cv.clone(),
                    format!("{name}: the two requests differ here; send the known-good's"),
                ));
            }
        }
        if let (Some((what, gs)), Some((_, cs))) = (secret_of(good, &g), secret_of(candidate, &c)) {
            if gs != cs {
                let detail = if gs.trim() == cs.trim() {
                    "they differ only in whitespace at an end".to_string()
                } else if gs.len() != cs.len() {
                    format!(
                        "{} characters against {}",
                        gs.chars().count(),
                        cs.chars().count()
                    )
                } else {
                    "same length, different characters".to_string()
                };
                findings.push(finding(
                    &format!("{}-differs", what.replace(' ', "-").to_ascii_lowercase()),
                    what,
                    None,
                    None,
                    format!("the {what} differs ({detail}); it is not shown"),
                ));
            }
        }
    }
    let equivalent = findings.is_empty();
    let summary = match findings.first() {
        Some(f) => format!("credentials differ: {}: {}", f.id, f.message),
        None => format!(
            "equivalent: both authenticate the same way ({})",
            c.scheme.label()
        ),
    };
    SchemeDiff {
        schema: crate::SCHEMA,
        summary,
        equivalent,
        findings,
        good: g,
        candidate: c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "https://auth.example.com/oauth2/token";

    fn form(body: &str) -> Request {
        Request::new("POST", TOKEN)
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body(body)
    }

    #[test]
    fn a_json_token_request_against_postmans_form() {
        let good = form("grant_type=client_credentials&client_id=a&client_secret=b");
        let cand = Request::new("POST", TOKEN)
            .with_header("Content-Type", "application/json")
            .with_body(
                r#"{"grant_type":"client_credentials","client_id":"a","client_secret":"b"}"#,
            );
        let d = compare(
            &good,
            &cand,
            &SchemeSecrets::default(),
            SchemeOptions::default(),
        );
        assert_eq!(d.findings[0].id, "token-request-json-body");
        assert!(d
            .summary
            .starts_with("credentials differ: token-request-json-body: "));
        assert!(!d.equivalent);
    }

    #[test]
    fn secrets_are_compared_not_shown() {
        use base64::Engine;
        let b = |s: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(s)
            )
        };
        let good =
            Request::new("GET", "https://x.test/").with_header("Authorization", b("u:hunter2"));
        let cand =
            Request::new("GET", "https://x.test/").with_header("Authorization", b("u:hunter2 "));
        let d = compare(
            &good,
            &cand,
            &SchemeSecrets::default(),
            SchemeOptions::default(),
        );
        assert_eq!(d.findings.len(), 1);
        assert_eq!(d.findings[0].id, "password-differs");
        assert!(d.findings[0].message.contains("whitespace"));
        assert!(!serde_json::to_string(&d).unwrap().contains("hunter2"));
        let same = compare(
            &good,
            &good,
            &SchemeSecrets::default(),
            SchemeOptions::default(),
        );
        assert!(same.equivalent);
    }

    #[test]
    fn an_api_key_sent_as_basic_is_a_different_scheme() {
        let good =
            Request::new("GET", "https://x.test/").with_header("X-API-Key", "k_1234567890abcdef");
        let cand =
            Request::new("GET", "https://x.test/").with_header("Authorization", "Basic azpw");
        let d = compare(
            &good,
            &cand,
            &SchemeSecrets::default(),
            SchemeOptions::default(),
        );
        assert_eq!(d.findings[0].id, "scheme-differs");
    }
}
