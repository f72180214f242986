//! The request model every reader produces: an HTTP request as the signer
//! saw it.
//!
//! Nothing is normalized here: the URL is kept exactly as written and the
//! headers in order, because the point of the tool is to show what a signer
//! did with exactly these bytes.

use crate::error::Violation;
use serde::Serialize;

/// An HTTP request as sent (or about to be sent) by a signer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Request {
    /// The method as written (`post` stays `post`; the base string upper-cases it).
    pub method: String,
    /// The absolute URL exactly as written, query included.
    pub url: String,
    /// Header fields in order, names as written.
    pub headers: Vec<(String, String)>,
    /// The raw entity-body.
    #[serde(serialize_with = "serialize_body")]
    pub body: Vec<u8>,
}

fn serialize_body<S: serde::Serializer>(body: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(body))
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Request {
        Request {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The same request with one more header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The same request with a body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    /// The first header named `name` (case-insensitive, as HTTP field names are).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every header named `name`, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Removes every header named `name`.
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// Sets `name` to `value`, replacing earlier fields of that name in place.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .headers
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(i) => {
                self.headers[i].1 = value;
                let mut seen = 0;
                self.headers.retain(|(n, _)| {
                    if n.eq_ignore_ascii_case(name) {
                        seen += 1;
                        seen == 1
                    } else {
                        true
                    }
                });
            }
            None => self.headers.push((name.to_string(), value)),
        }
    }

    /// The media type of `Content-Type`, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        let ct = self.header("content-type")?;
        let mt = ct.split(';').next().unwrap_or("").trim();
        Some(mt.to_ascii_lowercase())
    }

    /// RFC 5849 §3.4.1.3.1: the body is a parameter source only when it is
    /// single-part and `Content-Type` is `application/x-www-form-urlencoded`.
    pub fn has_form_body(&self) -> bool {
        self.header("content-type")
            .is_some_and(is_form_content_type)
    }
}

/// RFC 5849 §3.4.1.3.1: true when a `Content-Type` value names
/// `application/x-www-form-urlencoded` (any case, parameters ignored).
pub fn is_form_content_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// Which reader produced a request.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A cURL command line.
    Curl,
    /// A raw HTTP/1.x request.
    Http,
    /// An entry of a HAR file.
    Har,
    /// A line of a JSON Lines file.
    Jsonl,
    /// A request of a Postman collection (v2.0 or v2.1).
    Postman,
}

/// A request read from user input, with what the reader assumed or noticed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadRequest {
    /// The request.
    pub request: Request,
    /// The format it was read from.
    pub format: Format,
    /// Assumptions the reader made (e.g. the scheme of an origin-form target).
    pub assumptions: Vec<String>,
    /// Suspicious but accepted input.
    pub violations: Vec<Violation>,
    /// A label for the request, e.g. "entry 3" in a HAR file.
    pub label: Option<String>,
    /// The status the server answered it with, when the input recorded
    /// one (a HAR entry's `response.status`).
    #[serde(skip)]
    pub response_status: Option<u16>,
}

impl ReadRequest {
    /// A request with no notes.
    pub fn new(request: Request, format: Format) -> ReadRequest {
        ReadRequest {
            request,
            format,
            assumptions: Vec::new(),
            violations: Vec::new(),
            label: None,
            response_status: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_body_detection_ignores_case_and_parameters() {
        let r = Request::new("POST", "http://x/").with_header(
            "content-TYPE",
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
        );
        assert!(r.has_form_body());
        let r = Request::new("POST", "http://x/").with_header("Content-Type", "application/json");
        assert!(!r.has_form_body());
        assert!(!Request::new("POST", "http://x/").has_form_body());
    }

    #[test]
    fn set_header_replaces_all_fields_of_that_name() {
        let mut r = Request::new("GET", "http://x/")
            .with_header("A", "1")
            .with_header("b", "2")
            .with_header("a", "3");
        r.set_header("a", "9");
        assert_eq!(
            r.headers,
            vec![("A".into(), "9".into()), ("b".into(), "2".into())]
        );
    }
}
