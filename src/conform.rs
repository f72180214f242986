//! Conformance grading: what a signer under test answered for a vector,
//! and whether it is right.
//!
//! A signer answers with an Authorization header (RFC 5849 §3.5.1; the
//! `Authorization:` field name optional) or a JSON object
//! `{"signature": "...", "base_string": "..."}`. Running the signer is the
//! binary's job; this module only reads and grades answers.

use crate::auth_header;
use crate::fixtures::Vector;
use crate::signature::SignatureMethod;
use serde::Serialize;

/// A signer's answer, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An `OAuth …` Authorization header.
    Header {
        /// `oauth_signature`, decoded (RFC 5849 §3.5.1).
        signature: Option<String>,
        /// Every parameter except `realm`, decoded, in order.
        params: Vec<(String, String)>,
    },
    /// A JSON object.
    Json {
        /// The `signature` field.
        signature: String,
        /// The `base_string` field, when reported.
        base_string: Option<String>,
    },
}

impl Answer {
    /// The signature the answer carries.
    pub fn signature(&self) -> Option<&str> {
        match self {
            Answer::Header { signature, .. } => signature.as_deref(),
            Answer::Json { signature, .. } => Some(signature),
        }
    }

    /// The base string the signer reports, if it does.
    pub fn base_string(&self) -> Option<&str> {
        match self {
            Answer::Header { .. } => None,
            Answer::Json { base_string, .. } => base_string.as_deref(),
        }
    }
}

fn clip(s: &str) -> String {
    let one_line: String = s
        .chars()
        .take(80)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if s.chars().count() > 80 {
        format!("\"{one_line}…\"")
    } else {
        format!("\"{one_line}\"")
    }
}

/// Reads a signer's standard output: a JSON object, or an Authorization
/// header (with or without the `Authorization:` field name).
pub fn parse_answer(output: &str) -> Result<Answer, String> {
    let t = output.trim();
    if t.is_empty() {
        return Err("the signer printed nothing".into());
    }
    if t.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(t)
            .map_err(|e| format!("the output is not valid JSON ({e}): {}", clip(t)))?;
        let signature = v
            .get("signature")
            .and_then(|s| s.as_str())
            .ok_or_else(|| "the JSON answer has no string field \"signature\"".to_string())?;
        let base_string = match v.get("base_string") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(_) => return Err("the JSON field \"base_string\" is not a string".into()),
        };
        return Ok(Answer::Json {
            signature: signature.to_string(),
            base_string,
        });
    }
    let value = auth_header::strip_field_name(t);
    let header = match auth_header::parse(value) {
        Ok(Some(h)) => h,
        Ok(None) | Err(_) => {
            return Err(format!(
                "expected an OAuth Authorization header or a JSON object, got {}",
                clip(t)
            ))
        }
    };
    Ok(Answer::Header {
        signature: header.get("oauth_signature").map(|p| p.value_lossy()),
        params: header
            .params
            .iter()
            .filter(|p| p.name != "realm")
            .map(|p| (p.name.clone(), p.value_lossy()))
            .collect(),
    })
}

/// The verdict on one vector.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grade {
    /// The vector id.
    pub id: String,
    /// Whether the signer got it right.
    pub passed: bool,
    /// Known mistakes that explain a failure (from the hunt engine), or `null`.
    pub mistakes: Option<Vec<String>>,
    /// Why it failed, or `null`.
    pub reason: Option<String>,
    /// `(expected, reported)` base strings when the signer reported a different one.
    #[serde(skip)]
    pub base_string_diff: Option<(String, String)>,
}

/// The answer of `conform` and `vectors grade`, printed by their `--json`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConformReport {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// How many vectors the signer got right.
    pub passed: usize,
    /// How many it got wrong.
    pub failed: usize,
    /// Each vector's grade, in vector order.
    pub vectors: Vec<Grade>,
}

impl ConformReport {
    /// The report over `vectors`, counted.
    pub fn new(vectors: Vec<Grade>) -> ConformReport {
        let passed = vectors.iter().filter(|g| g.passed).count();
        ConformReport {
            schema: crate::SCHEMA,
            passed,
            failed: vectors.len() - passed,
            vectors,
        }
    }
}

impl Grade {
    /// A failure with a reason and nothing else to show.
    pub fn failed(id: &str, reason: impl Into<String>) -> Grade {
        Grade {
            id: id.to_string(),
            passed: false,
            mistakes: None,
            reason: Some(reason.into()),
            base_string_diff: None,
        }
    }
}

/// Names the known mistake(s) that turn the vector's correct answer into
/// the signer's, by asking the hunt engine ([`crate::hunt`], depth 2) to
/// reproduce the signer's signature over the vector's request with the
/// vector's secrets; when that finds nothing and the signer reported its
/// base string, the base string is hunted instead. `None` when no
/// combination of known mistakes reproduces the answer: no cause is claimed.
pub fn explain_failure(vector: &Vector, answer: &Answer) -> Option<Vec<String>> {
    explain_failure_within(vector, answer, crate::hunt::Budget::default())
}

/// [`explain_failure`] with the hunts bounded by `budget` (a server's
/// time per request): a hunt the budget stops names no cause.
pub fn explain_failure_within(
    vector: &Vector,
    answer: &Answer,
    budget: crate::hunt::Budget,
) -> Option<Vec<String>> {
    let request = vector_request(vector);
    let secrets = vector_secrets(vector);
    let named = |r: crate::hunt::HuntResult| {
        (r.matched && !r.mistakes.is_empty())
            .then(|| r.mistakes.iter().map(|m| m.to_string()).collect::<Vec<_>>())
    };
    let options = crate::hunt::HuntOptions {
        budget,
        ..crate::hunt::HuntOptions::default()
    };
    let by_signature = answer.signature().and_then(|sig| {
        crate::hunt::hunt_signature(&request, sig, &secrets, &options)
            .ok()
            .and_then(named)
    });
    by_signature.or_else(|| {
        let options = crate::hunt::HuntOptions {
            expected_base_string: Some(answer.base_string()?.to_string()),
            ..options
        };
        crate::hunt::hunt(&request, &secrets, &options)
            .ok()
            .and_then(named)
    })
}

/// The request a vector describes, signed correctly (its oauth_* in the
/// Authorization header, RFC 5849 §3.5.1).
fn vector_request(vector: &Vector) -> crate::Request {
    let input = &vector.input;
    let params = input
        .oauth
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str().unwrap_or_default()))
        .chain(std::iter::once((
            "oauth_signature",
            vector.signature.as_str(),
        )));
    let mut request = crate::Request::new(&input.method, &input.url).with_header(
        "Authorization",
        auth_header::build(input.realm.as_deref(), params),
    );
    if let Some(ct) = &input.content_type {
        request = request.with_header("Content-Type", ct);
    }
    if let Some(body) = &input.body {
        request = request.with_body(body.as_bytes());
    }
    request
}

/// The secrets a vector signs with.
pub(crate) fn vector_secrets(vector: &Vector) -> crate::signature::Secrets {
    let input = &vector.input;
    let mut secrets =
        crate::signature::Secrets::shared(&input.consumer_secret, &input.token_secret);
    secrets.private_key = input
        .private_key_pem
        .as_deref()
        .and_then(|pem| crate::signature::PrivateKey::from_pem(pem).ok());
    secrets
}

/// A signature fit to print: a PLAINTEXT signature is the secrets themselves.
fn shown(method: SignatureMethod, value: &str) -> String {
    crate::signature::masked_signature(Some(method), value).unwrap_or_else(|| format!("{value:?}"))
}

/// The byte length of a base64 signature (`None` if it is not base64).
fn decoded_len(signature: &str) -> Option<usize> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(signature)
        .ok()
        .map(|b| b.len())
}

/// Grades an answer: the signature must equal the vector's, and a header
/// answer must send each protocol parameter with the vector's value.
pub fn grade(vector: &Vector, answer: &Answer) -> Grade {
    grade_within(vector, answer, crate::hunt::Budget::default())
}

/// [`grade`] with the hunt for a failed answer's cause bounded by `budget`.
pub fn grade_within(vector: &Vector, answer: &Answer, budget: crate::hunt::Budget) -> Grade {
    let id = vector.id.as_str();
    let Some(signature) = answer.signature() else {
        return Grade::failed(id, "the Authorization header has no oauth_signature");
    };
    if let Answer::Header { params, .. } = answer {
        for (name, value) in &vector.input.oauth {
            let want = value.as_str().unwrap_or_default();
            match params.iter().find(|(n, _)| n == name) {
                None => return Grade::failed(id, format!("the header does not send {name}")),
                Some((_, v)) if v != want => {
                    return Grade::failed(
                        id,
                        format!("the header sends {name}={v:?}, the vector gives {want:?}"),
                    )
                }
                Some(_) => {}
            }
        }
    }
    if signature == vector.signature {
        return Grade {
            id: id.to_string(),
            passed: true,
            mistakes: None,
            reason: None,
            base_string_diff: None,
        };
    }
    let base_string_diff = answer
        .base_string()
        .filter(|b| *b != vector.base_string)
        .map(|b| (vector.base_string.clone(), b.to_string()));
    let reason = match (&base_string_diff, answer.base_string()) {
        (Some(_), _) => "the base string differs (see the diff), so the signature does too".to_string(),
        (None, Some(_))
            if vector.method != SignatureMethod::Plaintext
                && decoded_len(signature) != decoded_len(&vector.signature) =>
        {
            format!(
            "the base string is right but the signature is {} bytes long where {} gives {}: check the signature method's digest",
            decoded_len(signature).map_or("not base64, so not".to_string(), |n| n.to_string()),
            vector.method,
            decoded_len(&vector.signature).unwrap_or(0)
        )
        }
        (None, Some(_)) => format!(
            "the base string is right but the signature is wrong: {} instead of {} (check the key: encode(consumer secret)&encode(token secret), RFC 5849 §3.4.2)",
            shown(vector.method, signature),
            shown(vector.method, &vector.signature)
        ),
        (None, None) => format!(
            "signature {} instead of {}",
            shown(vector.method, signature),
            shown(vector.method, &vector.signature)
        ),
    };
    Grade {
        id: id.to_string(),
        passed: false,
        mistakes: explain_failure_within(vector, answer, budget),
        reason: Some(reason),
        base_string_diff,
    }
}

/// Splits a base string into the lines a diff shows: method, base string
/// URI, then one line per encoded `name=value` pair (RFC 5849 §3.4.1.1).
pub fn base_string_lines(base_string: &str) -> Vec<String> {
    let mut parts = base_string.splitn(3, '&');
    let mut lines: Vec<String> = parts.by_ref().take(2).map(str::to_string).collect();
    if let Some(params) = parts.next() {
        lines.extend(params.split("%26").map(str::to_string));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_in_every_documented_shape() {
        let h =
            parse_answer("Authorization: OAuth oauth_signature=\"a%2Bb%3D\", oauth_nonce=\"n\"\n")
                .unwrap();
        assert_eq!(h.signature(), Some("a+b="));
        let h = parse_answer("OAuth realm=\"r\", oauth_signature=\"x\"").unwrap();
        assert_eq!(h.signature(), Some("x"));
        let j = parse_answer(r#"{"signature": "s", "base_string": "GET&x&y"}"#).unwrap();
        assert_eq!(j.base_string(), Some("GET&x&y"));
        assert!(parse_answer("").unwrap_err().contains("nothing"));
        assert!(parse_answer("Traceback (most recent call last)")
            .unwrap_err()
            .contains("expected an OAuth Authorization header"));
        assert!(parse_answer("{\"sig\": 1}")
            .unwrap_err()
            .contains("signature"));
        assert!(parse_answer("{oops")
            .unwrap_err()
            .contains("not valid JSON"));
    }

    #[test]
    fn base_string_lines_split_at_encoded_ampersands() {
        assert_eq!(
            base_string_lines("GET&http%3A%2F%2Fx%2F&a%3D1%26b%3D2"),
            ["GET", "http%3A%2F%2Fx%2F", "a%3D1", "b%3D2"]
        );
    }
}
