//! HAR 1.2 files (HTTP Archive, as exported by browser devtools, Postman,
//! Insomnia, Charles, mitmproxy): each `log.entries[i].request` becomes a
//! [`Request`].
//!
//! By default only the entries that carry OAuth (an `Authorization: OAuth`
//! header, or an `oauth_signature` parameter in the URL or the posted
//! data) are read; `entry` picks one by its 0-based index instead.

use super::MAX_INPUT;
use crate::encode::encode;
use crate::error::{ParseError, ParseErrorKind, Span, Violation};
use crate::request::{Format, ReadRequest, Request};
use serde::Deserialize;

const CONTEXT: &str = "HAR file";

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    request: HarRequest,
    #[serde(default)]
    response: Option<HarResponse>,
}

/// The part of an entry's response that labels it (HAR 1.2 `response.status`).
#[derive(Deserialize)]
struct HarResponse {
    /// Any JSON value: a malformed status must not make the file unreadable.
    #[serde(default)]
    status: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarRequest {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<NameValue>,
    #[serde(default)]
    post_data: Option<PostData>,
}

#[derive(Deserialize)]
struct NameValue {
    name: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostData {
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    params: Vec<NameValue>,
}

/// A JSON document (`context`: "HAR file", "Postman collection", …) that
/// serde_json could not read: its message without serde's own "at line"
/// suffix, the offending byte marked, and `hint` saying what was expected.
pub(crate) fn json_error(
    context: &'static str,
    text: &str,
    e: &serde_json::Error,
    hint: &str,
) -> ParseError {
    let at = offset_of(text, e.line(), e.column());
    let message = e.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    ParseError::new(
        context,
        ParseErrorKind::Invalid {
            what: "JSON".into(),
            reason: message,
        },
        Span::new(at, (at + 1).min(text.len())),
        text,
    )
    .with_hint(hint)
}

/// Byte offset of a 1-based line and column (as serde_json reports them).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let mut at = line_start;
    for (n, (i, _)) in text[line_start..].char_indices().enumerate() {
        at = line_start + i;
        if n + 1 >= column {
            break;
        }
    }
    at.min(text.len())
}

/// Reads the requests of a HAR file: entry `entry` only, or every entry
/// that carries OAuth.
pub fn read(input: &[u8], entry: Option<usize>) -> Result<Vec<ReadRequest>, ParseError> {
    if input.len() > MAX_INPUT {
        return Err(ParseError::new(
            CONTEXT,
            ParseErrorKind::TooLarge {
                limit: MAX_INPUT,
                actual: input.len(),
            },
            Span::default(),
            "",
        ));
    }
    let text = String::from_utf8_lossy(input);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let har: Har = serde_json::from_str(text).map_err(|e| {
        let hint = match e.classify() {
            serde_json::error::Category::Data => {
                "a HAR file is {\"log\": {\"entries\": [{\"request\": {\"method\", \"url\", \"headers\", …}}]}}"
            }
            _ => "the file is not valid JSON; was it cut short or edited by hand?",
        };
        json_error(CONTEXT, text, &e, hint)
    })?;
    let total = har.log.entries.len();
    let entries_at = text.find("\"entries\"").unwrap_or(0);
    let chosen: Vec<(usize, &Entry)> = match entry {
        Some(n) => match har.log.entries.get(n) {
            Some(e) => vec![(n, e)],
            None => {
                return Err(ParseError::new(
                    CONTEXT,
                    ParseErrorKind::Invalid {
                        what: "--entry".into(),
                        reason: format!(
                        "entry {n} does not exist: the file has {total} entries (numbered from 0)"
                    ),
                    },
                    Span::new(entries_at, entries_at + 9),
                    text,
                ))
            }
        },
        None => har
            .log
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| carries_oauth(&e.request))
            .collect(),
    };
    if chosen.is_empty() {
        return Err(ParseError::new(
            CONTEXT,
            ParseErrorKind::Missing {
                what: format!("an OAuth request among the {total} entries"),
            },
            Span::new(entries_at, entries_at + 9),
            text,
        )
        .with_hint("no entry has an Authorization: OAuth header or an oauth_signature parameter; choose one with --entry N"));
    }
    Ok(chosen
        .into_iter()
        .map(|(i, e)| {
            let mut read = to_request(i, &e.request);
            // HAR writes 0 (or -1) when no response was received.
            read.response_status = e
                .response
                .as_ref()
                .and_then(|r| r.status.as_ref())
                .and_then(serde_json::Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| *s > 0);
            read
        })
        .collect())
}

/// Whether a HAR request carries an OAuth signature somewhere.
fn carries_oauth(r: &HarRequest) -> bool {
    let header = r.headers.iter().any(|h| {
        h.name.eq_ignore_ascii_case("authorization")
            && h.value
                .trim_start()
                .get(..6)
                .is_some_and(|s| s.eq_ignore_ascii_case("oauth "))
    });
    let in_url = r.url.contains("oauth_signature=");
    let in_body = r.post_data.as_ref().is_some_and(|p| {
        p.text
            .as_deref()
            .is_some_and(|t| t.contains("oauth_signature="))
            || p.params.iter().any(|x| x.name == "oauth_signature")
    });
    header || in_url || in_body
}

fn to_request(index: usize, r: &HarRequest) -> ReadRequest {
    let mut violations = Vec::new();
    let mut assumptions = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    for h in &r.headers {
        if h.name.starts_with(':') {
            // HTTP/2 pseudo-headers (:method, :authority, …) are not header fields.
            continue;
        }
        headers.push((h.name.clone(), h.value.clone()));
    }
    if headers.len() < r.headers.len() {
        violations.push(Violation::new(
            "har-pseudo-headers",
            "RFC 9113 §8.3",
            "HTTP/2 pseudo-header fields (:method, :path, …) were left out; the method and URL come from the entry",
        ));
    }
    let mut body = Vec::new();
    if let Some(p) = &r.post_data {
        // `text` is the body as sent; some exporters leave it empty and list `params`.
        match p
            .text
            .as_deref()
            .filter(|t| !t.is_empty() || p.params.is_empty())
        {
            Some(t) => body = t.as_bytes().to_vec(),
            None if !p.params.is_empty() => {
                let pairs: Vec<String> = p
                    .params
                    .iter()
                    .map(|x| format!("{}={}", encode(&x.name), encode(&x.value)))
                    .collect();
                body = pairs.join("&").into_bytes();
                assumptions.push("postData has params but no text: the body is rebuilt from them, each name and value percent-encoded (RFC 5849 §3.6), so its bytes may differ from what was sent".into());
            }
            None => {}
        }
        if let Some(mt) = p.mime_type.as_deref().filter(|m| !m.is_empty()) {
            if !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".into(), mt.to_string()));
                assumptions.push(format!(
                    "the entry has no Content-Type header: postData.mimeType {mt:?} is used"
                ));
            }
        }
    }
    let request = Request {
        method: r.method.clone(),
        url: r.url.clone(),
        headers,
        body,
    };
    let mut read = ReadRequest::new(request, Format::Har);
    read.violations = violations;
    read.assumptions = assumptions;
    read.label = Some(format!("entry {index}"));
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAR: &str = r#"{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [
  {"request": {"method": "GET", "url": "https://a.example/none", "headers": []}},
  {"request": {"method": "POST", "url": "https://a.example/p", "httpVersion": "HTTP/1.1",
    "headers": [{"name": "Authorization", "value": "OAuth oauth_signature=\"x\""}, {"name": ":authority", "value": "a.example"}],
    "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "a b", "value": "c&d"}]}}},
  {"request": {"method": "GET", "url": "https://a.example/q?oauth_signature=y", "headers": []}}
]}}"#;

    #[test]
    fn default_reads_entries_with_oauth() {
        let reads = read(HAR.as_bytes(), None).unwrap();
        let labels: Vec<_> = reads.iter().map(|r| r.label.clone().unwrap()).collect();
        assert_eq!(labels, ["entry 1", "entry 2"]);
        let r = &reads[0].request;
        assert_eq!(r.body, b"a%20b=c%26d");
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(r.header(":authority").is_none());
        assert!(reads[0]
            .violations
            .iter()
            .any(|v| v.code == "har-pseudo-headers"));
    }

    #[test]
    fn entry_picks_one_and_out_of_range_is_explained() {
        let reads = read(HAR.as_bytes(), Some(0)).unwrap();
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0].request.url, "https://a.example/none");
        let e = read(HAR.as_bytes(), Some(7)).unwrap_err();
        assert!(e.to_string().contains("the file has 3 entries"), "{e}");
    }

    #[test]
    fn invalid_json_reports_json_position() {
        let e = read(b"{\"log\": {\n  \"entries\": [,]}}", None).unwrap_err();
        assert_eq!(e.line_col(), (2, 15));
        assert!(e.to_string().contains("^"), "{e}");
    }

    #[test]
    fn no_oauth_entry_is_an_error_with_a_hint() {
        let e = read(
            br#"{"log":{"entries":[{"request":{"method":"GET","url":"http://x/","headers":[]}}]}}"#,
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("--entry"), "{e}");
    }
}
