//! JSON Lines: one request per line, for logs of many signed requests.
//!
//! Each non-blank line is a JSON object:
//!
//! ```json
//! {"method": "POST", "url": "https://api.example.com/x?a=1",
//!  "headers": {"Authorization": "OAuth …", "Content-Type": "application/x-www-form-urlencoded"},
//!  "body": "status=hi"}
//! ```
//!
//! - `method` and `url` (absolute, as sent) are required strings.
//! - `headers` is optional: an object of `"Name": "value"`, or an array of
//!   `["Name", "value"]` pairs (which can repeat a name). Order is kept.
//! - `body` is optional: the entity-body as a string (`null` is empty).
//! - Other fields (`id`, `time`, `status`, …) are ignored, so log records
//!   can be fed as they are.

use crate::error::{ParseError, ParseErrorKind, Span};
use crate::request::{Format, ReadRequest, Request};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

mod fast;
pub use fast::{read_line_fast, FastLine, Scratch};

const CONTEXT: &str = "JSON Lines request";

/// One line read without copying: strings that hold no JSON escape are
/// borrowed from the line. For the batch path, which reads millions.
#[derive(Deserialize)]
pub struct LineRef<'a> {
    /// The HTTP method as written.
    #[serde(borrow)]
    pub method: Cow<'a, str>,
    /// The URL as written.
    #[serde(borrow)]
    pub url: Cow<'a, str>,
    /// Header fields in order.
    #[serde(default, borrow)]
    pub headers: HeadersRef<'a>,
    /// The entity-body (`None` when absent or `null`).
    #[serde(default, borrow)]
    pub body: Option<Cow<'a, str>>,
}

/// Header fields of a [`LineRef`], in order.
#[derive(Default)]
pub struct HeadersRef<'a>(pub Vec<(Cow<'a, str>, Cow<'a, str>)>);

/// A string borrowed from the line when it can be.
#[derive(Deserialize)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for HeadersRef<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HeadersRef<'a>, D::Error> {
        d.deserialize_any(HeadersRefVisitor(std::marker::PhantomData))
    }
}

struct HeadersRefVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for HeadersRefVisitor<'a> {
    type Value = HeadersRef<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of \"Name\": \"value\" or an array of [\"Name\", \"value\"] pairs")
    }

    fn visit_unit<E: de::Error>(self) -> Result<HeadersRef<'a>, E> {
        Ok(HeadersRef::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HeadersRef<'a>, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(4));
        while let Some((Text(name), Text(value))) = map.next_entry::<Text<'de>, Text<'de>>()? {
            out.push((name, value));
        }
        Ok(HeadersRef(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HeadersRef<'a>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some((Text(name), Text(value))) = seq.next_element::<(Text<'de>, Text<'de>)>()? {
            out.push((name, value));
        }
        Ok(HeadersRef(out))
    }
}

impl LineRef<'_> {
    /// The request, its text copied.
    pub fn to_request(&self) -> Request {
        Request {
            method: self.method.to_string(),
            url: self.url.to_string(),
            headers: self
                .headers
                .0
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: self
                .body
                .as_deref()
                .map(|b| b.as_bytes().to_vec())
                .unwrap_or_default(),
        }
    }

    /// The request, owning its text.
    pub fn into_request(self) -> Request {
        self.to_request()
    }
}

/// Reads one line (without its line break), copying only strings that
/// hold a JSON escape.
///
/// ```
/// use oauth1_doctor::input::jsonl::read_line_ref;
/// let r = read_line_ref(r#"{"method":"GET","url":"http://x/p","headers":{"A":"q\"1"}}"#).unwrap();
/// assert_eq!(r.url, "http://x/p");
/// assert_eq!(r.headers.0[0].1, "q\"1");
/// ```
pub fn read_line_ref(line: &str) -> Result<LineRef<'_>, ParseError> {
    serde_json::from_str(line).map_err(|e| json_error(line, &e))
}

/// Reads one line (without its line break) as a request.
///
/// ```
/// use oauth1_doctor::input::jsonl::read_line;
/// let r = read_line(r#"{"method":"GET","url":"http://x/p","headers":[["A","1"],["A","2"]]}"#).unwrap();
/// assert_eq!(r.headers, vec![("A".into(), "1".into()), ("A".into(), "2".into())]);
/// assert!(r.body.is_empty());
/// ```
pub fn read_line(line: &str) -> Result<Request, ParseError> {
    read_line_ref(line).map(LineRef::into_request)
}

fn json_error(line: &str, e: &serde_json::Error) -> ParseError {
    // serde_json counts columns in bytes from 1; the line has no line breaks.
    let at = e.column().saturating_sub(1).min(line.len());
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    let hint = if e.is_eof() {
        "the line ends before the JSON object does: each request must be one whole line"
    } else {
        "each line must be {\"method\": …, \"url\": …, \"headers\": {…} or [[name, value], …], \"body\": …}"
    };
    ParseError::new(
        CONTEXT,
        ParseErrorKind::Invalid {
            what: "JSON".into(),
            reason: message,
        },
        Span::new(at, (at + 1).min(line.len()).max(at)),
        line,
    )
    .with_hint(hint)
}

/// Reads every non-blank line of `input`; the first bad line is an error.
/// For long inputs, stream lines through [`read_line`] instead.
pub fn read_all(input: &[u8]) -> Result<Vec<ReadRequest>, ParseError> {
    let text = std::str::from_utf8(input).map_err(|e| {
        ParseError::new(
            CONTEXT,
            ParseErrorKind::Invalid {
                what: "text".into(),
                reason: "it is not valid UTF-8".into(),
            },
            Span::new(e.valid_up_to(), e.valid_up_to() + 1),
            String::from_utf8_lossy(input),
        )
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let request = read_line(line).map_err(|mut e| {
            // Point into the whole input so the error names the right line.
            let offset = line.as_ptr() as usize - text.as_ptr() as usize;
            e.span = Span::new(e.span.start + offset, e.span.end + offset);
            e.input = text.to_string();
            e
        })?;
        let mut read = ReadRequest::new(request, Format::Jsonl);
        read.label = Some(format!("line {}", i + 1));
        out.push(read);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_headers_keep_their_order() {
        let r = read_line(
            r#"{"method":"post","url":"https://x/","headers":{"Z":"1","A":"2"},"body":"a=1","id":7}"#,
        )
        .unwrap();
        assert_eq!(r.method, "post");
        assert_eq!(
            r.headers,
            vec![("Z".into(), "1".into()), ("A".into(), "2".into())]
        );
        assert_eq!(r.body, b"a=1");
    }

    #[test]
    fn null_headers_and_body_are_empty() {
        let r =
            read_line(r#"{"method":"GET","url":"http://x/","headers":null,"body":null}"#).unwrap();
        assert!(r.headers.is_empty() && r.body.is_empty());
    }

    #[test]
    fn errors_point_at_the_column() {
        let line = r#"{"method":"GET","url":"http://x/",}"#;
        let e = read_line(line).unwrap_err();
        assert_eq!(e.context, CONTEXT);
        assert_eq!(e.line_col(), (1, 35), "{e}");
        assert!(e.to_string().contains("trailing comma"), "{e}");
        let e = read_line(r#"{"method":"GET"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `url`"), "{e}");
        let e = read_line(r#"{"method":"GET","url":"http://x/","headers":[["A"]]}"#).unwrap_err();
        assert!(e.to_string().contains("invalid length 1"), "{e}");
        let e = read_line(r#"{"method":"GET","url":"http://x/","headers":"A: 1"}"#).unwrap_err();
        assert!(e.to_string().contains("array of"), "{e}");
    }

    #[test]
    fn read_all_labels_lines_and_skips_blank_ones() {
        let input = b"{\"method\":\"GET\",\"url\":\"http://x/1\"}\n\n{\"method\":\"GET\",\"url\":\"http://x/3\"}\r\n";
        let all = read_all(input).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].label.as_deref(), Some("line 3"));
        assert_eq!(all[1].request.url, "http://x/3");
        let e = read_all(b"{\"method\":\"GET\",\"url\":\"http://x/1\"}\n{oops}\n").unwrap_err();
        assert_eq!(e.line_col().0, 2, "{e}");
    }
}
