//! The answer a strict provider gives: RFC 5849 §3.2's status codes with a
//! body in the OAuth Problem Reporting style (the OAuth 1.0 extension
//! "Problem Reporting", `oauth_problem=…&oauth_problem_advice=…`).

use super::diagnose::ListenRecord;
use crate::encode::encode;
use crate::hunt;
use serde::Serialize;

/// Why the server refused a request: the `oauth_problem` values of OAuth
/// Problem Reporting §2 that a verifier can decide from one request.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// A required protocol parameter is missing (RFC 5849 §3.1), or the
    /// request carries no OAuth parameters at all.
    ParameterAbsent,
    /// A protocol parameter is sent twice, or in more than one place
    /// (RFC 5849 §3.5), or the request could not be read.
    ParameterRejected,
    /// `oauth_timestamp` is outside the accepted window (RFC 5849 §3.3).
    TimestampRefused,
    /// This nonce was seen before with the same timestamp and consumer key
    /// (RFC 5849 §3.3).
    NonceUsed,
    /// `oauth_signature_method` names no method this server knows
    /// (RFC 5849 §3.4).
    SignatureMethodRejected,
    /// `oauth_consumer_key` is not in the secrets file (RFC 5849 §3.2).
    ConsumerKeyUnknown,
    /// `oauth_token` is not in the secrets file (RFC 5849 §3.2).
    TokenRejected,
    /// The signature does not verify (RFC 5849 §3.2).
    SignatureInvalid,
}

impl Problem {
    /// The `oauth_problem` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::ParameterAbsent => "parameter_absent",
            Problem::ParameterRejected => "parameter_rejected",
            Problem::TimestampRefused => "timestamp_refused",
            Problem::NonceUsed => "nonce_used",
            Problem::SignatureMethodRejected => "signature_method_rejected",
            Problem::ConsumerKeyUnknown => "consumer_key_unknown",
            Problem::TokenRejected => "token_rejected",
            Problem::SignatureInvalid => "signature_invalid",
        }
    }

    /// RFC 5849 §3.2: 400 (Bad Request) for a request that is missing or
    /// duplicates a parameter or names an unsupported signature method;
    /// 401 (Unauthorized) for unknown credentials, a used nonce or an
    /// invalid signature. A refused timestamp is an invalid nonce's
    /// companion (RFC 5849 §3.3) and gets 401 too.
    pub fn status(self) -> u16 {
        match self {
            Problem::ParameterAbsent
            | Problem::ParameterRejected
            | Problem::SignatureMethodRejected => 400,
            Problem::TimestampRefused
            | Problem::NonceUsed
            | Problem::ConsumerKeyUnknown
            | Problem::TokenRejected
            | Problem::SignatureInvalid => 401,
        }
    }
}

/// The response to send, as plain data (the server turns it into HTTP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// `WWW-Authenticate`, for a 401 (RFC 5849 §3.2 and RFC 9110 §11.6.1).
    pub www_authenticate: Option<&'static str>,
    /// The body.
    pub body: Vec<u8>,
    /// RFC 6749 §5.1: a token endpoint's answer carries `Cache-Control:
    /// no-store` (and `Pragma: no-cache`), so no cache keeps a token.
    pub no_store: bool,
}

/// The challenge every 401 carries.
pub const CHALLENGE: &str = r#"OAuth realm="oauth1-doctor""#;

/// The body of a refused request, first line the OAuth Problem Reporting
/// parameters: `oauth_problem`, the extra parameters the extension defines
/// for it (`oauth_parameters_absent`, `oauth_acceptable_timestamps`, …)
/// and `oauth_problem_advice` (the verdict and cause in one line); then
/// the diagnosis for a person.
pub(crate) fn problem_body(
    problem: Problem,
    extra: &[(&str, String)],
    advice: &str,
    diagnosis: &str,
) -> String {
    let mut first = format!("oauth_problem={}", problem.as_str());
    for (name, value) in extra {
        first.push('&');
        first.push_str(name);
        first.push('=');
        first.push_str(&encode(value));
    }
    first.push_str("&oauth_problem_advice=");
    first.push_str(&encode(advice));
    let mut body = first;
    body.push('\n');
    body.push_str(diagnosis);
    if !diagnosis.ends_with('\n') {
        body.push('\n');
    }
    body
}

impl Response {
    /// A text/plain response.
    pub(crate) fn text(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            www_authenticate: (status == 401).then_some(CHALLENGE),
            body: body.into_bytes(),
            no_store: false,
        }
    }

    /// An application/json response.
    pub(crate) fn json(status: u16, body: Vec<u8>) -> Response {
        Response {
            status,
            content_type: "application/json",
            www_authenticate: (status == 401).then_some(CHALLENGE),
            body,
            no_store: false,
        }
    }
}

/// What the checks before the signature found.
pub(super) struct Refusal {
    pub(super) problem: Problem,
    pub(super) extra: Vec<(&'static str, String)>,
    pub(super) cause: Option<String>,
    pub(super) headline: String,
}

impl Refusal {
    pub(super) fn new(problem: Problem, headline: impl Into<String>) -> Refusal {
        Refusal {
            problem,
            extra: Vec::new(),
            cause: None,
            headline: headline.into(),
        }
    }
}

/// The body of a JSON response (`Accept: application/json`).
#[derive(Debug, Clone, Serialize)]
pub struct ProblemJson<'a> {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// The OAuth Problem Reporting `oauth_problem` (`null` when valid).
    pub oauth_problem: Option<Problem>,
    /// The verdict and cause in one line.
    pub oauth_problem_advice: &'a str,
    /// The whole diagnosis.
    pub record: &'a ListenRecord,
}

/// The JSON body of a response.
pub(super) fn problem_json(
    problem: Option<Problem>,
    advice: &str,
    record: &ListenRecord,
) -> Vec<u8> {
    let body = ProblemJson {
        schema: crate::SCHEMA,
        oauth_problem: problem,
        oauth_problem_advice: advice,
        record,
    };
    let mut out = serde_json::to_vec(&body).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The diagnosis for a person: the verdict and cause first, then what the
/// hunt and the diff found.
pub(super) fn diagnosis_text(status: u16, headline: &str, record: &ListenRecord) -> String {
    let mut o = format!("{status} {headline}\n");
    if let Some(v) = &record.verification {
        if let Some(uri) = &v.checked.base_uri {
            o.push_str(&format!("base string URI: {uri}\n"));
        }
        if let Some(reason) = &v.checked.reason {
            o.push_str(&format!(
                "verify: {} ({reason})\n",
                v.checked.verdict.as_str()
            ));
        } else {
            o.push_str(&format!("verify: {}\n", v.checked.verdict.as_str()));
        }
        for n in &v.checked.notes {
            o.push_str(&format!("note: {n}\n"));
        }
    }
    if let Some(h) = &record.hunt {
        if h.matched && !h.mistakes.is_empty() {
            o.push_str(&format!(
                "hunt: reproduced with {}\n",
                h.mistakes.join(" + ")
            ));
            for id in &h.mistakes {
                if let Some(m) = hunt::mistake(id) {
                    o.push_str(&format!(
                        "  {id}: {} ({})\n  fix: {}\n",
                        m.description, m.section, m.fix
                    ));
                }
            }
            if let Some(s) = &h.signer_base_string {
                o.push_str(&format!("signer's base string:     {s}\n"));
            }
        } else {
            o.push_str(&format!(
                "hunt: no combination of up to {} known mistakes reproduces the signature ({} variants tried)\n",
                h.depth, h.tried
            ));
        }
        o.push_str(&format!("RFC 5849 base string:     {}\n", h.base_string));
    }
    if let Some(d) = &record.diff {
        match d.report.cause() {
            Some(f) => o.push_str(&format!("diff against --good: {}: {}\n", f.id, f.message)),
            None => o.push_str("diff against --good: no difference in what is signed\n"),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_is_form_encoded_problem_reporting() {
        let body = problem_body(
            Problem::TimestampRefused,
            &[("oauth_acceptable_timestamps", "100-200".into())],
            "timestamp-skew: 5 s & more",
            "invalid\nmore",
        );
        assert_eq!(
            body,
            "oauth_problem=timestamp_refused&oauth_acceptable_timestamps=100-200&oauth_problem_advice=timestamp-skew%3A%205%20s%20%26%20more\ninvalid\nmore\n"
        );
        assert_eq!(Problem::TimestampRefused.status(), 401);
        assert_eq!(Problem::ParameterAbsent.status(), 400);
    }

    #[test]
    fn only_a_401_carries_the_challenge() {
        assert_eq!(
            Response::text(401, String::new()).www_authenticate,
            Some(CHALLENGE)
        );
        assert_eq!(Response::text(400, String::new()).www_authenticate, None);
    }
}
