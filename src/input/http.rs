//! Raw HTTP/1.x requests (RFC 9112): request line, header fields, blank
//! line, body. The head is parsed with `httparse`; this module adds what
//! dumps of real requests need: folded header lines, bare-LF line endings,
//! chunked bodies, and the absolute URL rebuilt from `Host` for an
//! origin-form target.

use crate::error::{ParseError, ParseErrorKind, Span, Violation};
use crate::request::{Format, ReadRequest, Request};

const CONTEXT: &str = "HTTP request";

fn err(input: &str, kind: ParseErrorKind, span: Span) -> ParseError {
    ParseError::new(CONTEXT, kind, span, input)
}

/// Reads one raw HTTP/1.0 or HTTP/1.1 request.
///
/// `scheme` is used for an origin-form target (`GET /path`); without it the
/// scheme is `https`, or `http` when `Host` names port 80, and the
/// assumption is recorded on the result.
pub fn read(input: &[u8], scheme: Option<&str>) -> Result<ReadRequest, ParseError> {
    if input.len() > super::MAX_INPUT {
        return Err(err(
            "",
            ParseErrorKind::TooLarge {
                limit: super::MAX_INPUT,
                actual: input.len(),
            },
            Span::default(),
        ));
    }
    let text_for_errors = super::text_for_errors(input);
    // Skip leading blank lines (RFC 9112 §2.2 allows a server to).
    let start = input
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
        .ok_or_else(|| {
            err(
                &text_for_errors,
                ParseErrorKind::Missing {
                    what: "request line (the input is empty)".into(),
                },
                Span::at(0),
            )
        })?;
    let (head_end, body_start) = find_head_end(input, start);
    let head_bytes = &input[start..head_end];
    let Ok(head_text) = std::str::from_utf8(head_bytes) else {
        let bad = head_bytes
            .utf8_chunks()
            .next()
            .map_or(0, |c| c.valid().len());
        return Err(err(
            &text_for_errors,
            ParseErrorKind::Invalid {
                what: "request head".into(),
                reason: "it is not valid UTF-8 text".into(),
            },
            Span::new(start + bad, start + bad + 1),
        ));
    };
    let mut violations = Vec::new();
    let mut assumptions = Vec::new();

    // Unfold obsolete line folding (RFC 9112 §5.2) so httparse sees one line per field.
    let mut unfolded = String::with_capacity(head_text.len() + 4);
    let mut offsets: Vec<usize> = Vec::new(); // start offset in input of each unfolded line
    let mut line_start = start;
    for (i, line) in head_text.split('\n').enumerate() {
        let line_no_cr = line.strip_suffix('\r').unwrap_or(line);
        if i > 0
            && (line_no_cr.starts_with(' ') || line_no_cr.starts_with('\t'))
            && !unfolded.is_empty()
        {
            unfolded.push(' ');
            unfolded.push_str(line_no_cr.trim());
            if !violations
                .iter()
                .any(|v: &Violation| v.code == "folded-header")
            {
                violations.push(Violation::new(
                    "folded-header",
                    "RFC 9112 §5.2",
                    "a header field is folded over several lines; it is read as one line",
                ));
            }
        } else {
            if i > 0 {
                unfolded.push_str("\r\n");
            }
            offsets.push(line_start);
            unfolded.push_str(line_no_cr);
        }
        line_start += line.len() + 1;
    }
    unfolded.push_str("\r\n\r\n");

    let (method, target, version, headers) =
        parse_head(&unfolded, &offsets, &text_for_errors, start)?;
    if version == 0 {
        violations.push(Violation::new(
            "http-1-0",
            "RFC 9112",
            "an HTTP/1.0 request: read the same way as HTTP/1.1",
        ));
    }

    // The body.
    let rest = &input[body_start.min(input.len())..];
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    let body = if chunked {
        dechunk(rest, body_start, &text_for_errors)?
    } else if let Some((_, cl)) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        let n: usize = cl.trim().parse().map_err(|_| {
            err(
                &text_for_errors,
                ParseErrorKind::Invalid {
                    what: "Content-Length".into(),
                    reason: format!("{cl:?} is not a number"),
                },
                Span::at(body_start.min(input.len())),
            )
        })?;
        if n > rest.len() {
            violations.push(Violation::new(
                "body-shorter-than-content-length",
                "RFC 9112 §6.2",
                format!(
                    "Content-Length says {n} bytes but only {} follow; the body is read as given",
                    rest.len()
                ),
            ));
            rest.to_vec()
        } else {
            if n < rest.len() && !rest[n..].iter().all(|b| b.is_ascii_whitespace()) {
                violations.push(Violation::new(
                    "bytes-after-body",
                    "RFC 9112 §6.2",
                    format!("{} bytes follow the {n}-byte body given by Content-Length; they are ignored", rest.len() - n),
                ));
            }
            rest[..n].to_vec()
        }
    } else {
        // A file saved by an editor ends with a newline that was never sent.
        let mut b = rest.to_vec();
        if b.ends_with(b"\r\n") {
            b.truncate(b.len() - 2);
            assumptions.push(
                "no Content-Length: the final line break of the file is not part of the body"
                    .into(),
            );
        } else if b.ends_with(b"\n") {
            b.truncate(b.len() - 1);
            assumptions.push(
                "no Content-Length: the final line break of the file is not part of the body"
                    .into(),
            );
        }
        b
    };

    let url = if target.contains("://") {
        target.clone()
    } else {
        let host = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))
            .map(|(_, v)| v.trim().to_string())
            .ok_or_else(|| {
                err(
                    &text_for_errors,
                    ParseErrorKind::Missing {
                        what: "Host header".into(),
                    },
                    Span::new(start, start + unfolded.find('\r').unwrap_or(0)),
                )
                .with_hint("an origin-form target (GET /path) needs a Host header, or write the absolute URL in the request line")
            })?;
        // RFC 9110 §7.2: Host is uri-host [":" port]; a space in it cannot become a URL.
        if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            let at = text_for_errors.find(host.as_str()).unwrap_or(start);
            return Err(err(
                &text_for_errors,
                ParseErrorKind::Invalid {
                    what: "Host header".into(),
                    reason: format!("{host:?} holds white space, so no URL can be built from it"),
                },
                Span::new(at, at + host.len()),
            )
            .with_hint("the Host header is the host name and optional port only, e.g. Host: api.example.com"));
        }
        let scheme = match scheme {
            Some(s) => s.to_string(),
            None => {
                let s = if host.ends_with(":80") {
                    "http"
                } else {
                    "https"
                };
                assumptions.push(format!(
                    "the request line has no scheme: assumed {s}:// ({}); pass --scheme to change it",
                    if s == "http" { "the Host names port 80" } else { "the default" }
                ));
                s.to_string()
            }
        };
        let path = if target.starts_with('/') || target == "*" {
            target.clone()
        } else {
            format!("/{target}")
        };
        format!("{scheme}://{host}{path}")
    };

    let request = Request {
        method,
        url,
        headers,
        body,
    };
    let mut read = ReadRequest::new(request, Format::Http);
    read.assumptions = assumptions;
    read.violations = violations;
    Ok(read)
}

type Head = (String, String, u8, Vec<(String, String)>);

fn parse_head(
    unfolded: &str,
    offsets: &[usize],
    input: &str,
    start: usize,
) -> Result<Head, ParseError> {
    let line_offset = |line: usize| offsets.get(line).copied().unwrap_or(start);
    // Report a header line without a colon before httparse gives a vaguer error.
    for (i, line) in unfolded.split("\r\n").enumerate().skip(1) {
        if !line.is_empty() && !line.contains(':') {
            let at = line_offset(i);
            return Err(err(
                input,
                ParseErrorKind::Expected {
                    expected: "a header field \"Name: value\"".into(),
                    found: format!("{line:?} (no colon)"),
                },
                Span::new(at, at + line.len()),
            )
            .with_hint(
                "every line between the request line and the blank line must be Name: value",
            ));
        }
    }
    let mut storage = vec![httparse::EMPTY_HEADER; 256];
    let mut req = httparse::Request::new(&mut storage);
    match req.parse(unfolded.as_bytes()) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(err(
                input,
                ParseErrorKind::Missing {
                    what: "end of the request head".into(),
                },
                Span::at(input.len()),
            ))
        }
        Err(e) => {
            let first = unfolded.split("\r\n").next().unwrap_or("");
            let (kind, hint) = match e {
                httparse::Error::Version | httparse::Error::Token | httparse::Error::NewLine => (
                    ParseErrorKind::Expected {
                        expected: "a request line \"METHOD target HTTP/1.1\"".into(),
                        found: format!("{first:?}"),
                    },
                    "the first line must be e.g. POST /path HTTP/1.1",
                ),
                httparse::Error::TooManyHeaders => (
                    ParseErrorKind::Invalid {
                        what: "request head".into(),
                        reason: "more than 256 header fields".into(),
                    },
                    "remove unrelated headers",
                ),
                other => (
                    ParseErrorKind::Invalid {
                        what: "header field".into(),
                        reason: other.to_string(),
                    },
                    "header fields are Name: value, one per line",
                ),
            };
            return Err(err(input, kind, Span::new(start, start + first.len())).with_hint(hint));
        }
    }
    let method = req.method.unwrap_or("").to_string();
    let target = req.path.unwrap_or("").to_string();
    let version = req.version.unwrap_or(1);
    let headers = req
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    Ok((method, target, version, headers))
}

/// Where the head ends and the body starts: the first empty line, CRLF or bare LF.
fn find_head_end(input: &[u8], from: usize) -> (usize, usize) {
    let mut i = from;
    while i < input.len() {
        if input[i] == b'\n' {
            if input.get(i + 1) == Some(&b'\n') {
                return (i, i + 2);
            }
            if input.get(i + 1) == Some(&b'\r') && input.get(i + 2) == Some(&b'\n') {
                return (i, i + 3);
            }
        }
        i += 1;
    }
    (input.len(), input.len())
}

/// RFC 9112 §7.1: decodes a chunked body (extensions and trailers ignored).
fn dechunk(data: &[u8], base: usize, input: &str) -> Result<Vec<u8>, ParseError> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let line_end = data[i..]
            .iter()
            .position(|b| *b == b'\n')
            .map(|p| i + p)
            .ok_or_else(|| {
                err(
                    input,
                    ParseErrorKind::Missing {
                        what: "chunk size line".into(),
                    },
                    Span::at(base + i),
                )
            })?;
        let line = String::from_utf8_lossy(&data[i..line_end]);
        let size_text = line
            .trim()
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let size = usize::from_str_radix(&size_text, 16).map_err(|_| {
            err(
                input,
                ParseErrorKind::Expected {
                    expected: "a hexadecimal chunk size".into(),
                    found: format!("{size_text:?}"),
                },
                Span::new(base + i, base + line_end),
            )
        })?;
        i = line_end + 1;
        if size == 0 {
            return Ok(out);
        }
        if i + size > data.len() {
            return Err(err(
                input,
                ParseErrorKind::Invalid {
                    what: "chunk".into(),
                    reason: format!("declares {size} bytes but only {} remain", data.len() - i),
                },
                Span::at(base + i),
            ));
        }
        out.extend_from_slice(&data[i..i + size]);
        i += size;
        // CRLF (or LF) after the chunk data.
        if data.get(i) == Some(&b'\r') {
            i += 1;
        }
        if data.get(i) == Some(&b'\n') {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC: &str = "POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b HTTP/1.1\nHost: example.com\nContent-Type: application/x-www-form-urlencoded\nAuthorization: OAuth realm=\"Example\",\n               oauth_consumer_key=\"9djdj82h48djs9d2\",\n               oauth_token=\"kkk9d7dh3k39sjv7\"\n\nc2&a3=2+q\n";

    #[test]
    fn rfc5849_example_request_reads() {
        let r = read(RFC.as_bytes(), Some("http")).unwrap();
        assert_eq!(r.request.method, "POST");
        assert_eq!(
            r.request.url,
            "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
        );
        assert_eq!(r.request.body, b"c2&a3=2+q");
        let auth = r.request.header("authorization").unwrap();
        assert!(
            auth.starts_with("OAuth realm=\"Example\", oauth_consumer_key="),
            "{auth}"
        );
        assert!(r.violations.iter().any(|v| v.code == "folded-header"));
    }

    #[test]
    fn scheme_assumption_is_recorded() {
        let r = read(b"GET /x HTTP/1.1\r\nHost: a.example:80\r\n\r\n", None).unwrap();
        assert_eq!(r.request.url, "http://a.example:80/x");
        assert!(r.assumptions[0].contains("http://"));
        let r = read(b"GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n", None).unwrap();
        assert_eq!(r.request.url, "https://a.example/x");
    }

    #[test]
    fn absolute_form_and_content_length_and_chunked() {
        let r = read(
            b"POST http://h/p HTTP/1.0\r\nContent-Length: 3\r\n\r\nabcdef",
            None,
        )
        .unwrap();
        assert_eq!(r.request.url, "http://h/p");
        assert_eq!(r.request.body, b"abc");
        let r = read(b"POST http://h/p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n", None).unwrap();
        assert_eq!(r.request.body, b"abcde");
    }

    #[test]
    fn header_without_colon_is_located() {
        let e = read(b"GET /x HTTP/1.1\nHost: h\nBroken header\n\n", None).unwrap_err();
        assert_eq!(e.line_col(), (3, 1));
        assert!(e.to_string().contains("no colon"), "{e}");
    }

    /// Found by `cargo fuzz run http` (fuzz/regressions/http/): a Host
    /// holding spaces made a URL that could not be written back.
    #[test]
    fn fuzz_regression_host_with_spaces_is_an_error() {
        let e = read(b"GET /x HTTP/1.1\r\nHost: ap POST /y\r\n\r\n", None).unwrap_err();
        assert!(e.to_string().contains("white space"), "{e}");
        assert_eq!(e.found_text(), "ap POST /y");
    }

    #[test]
    fn missing_host_is_explained() {
        let e = read(b"GET /x HTTP/1.1\n\n", None).unwrap_err();
        assert!(e.to_string().contains("Host header"), "{e}");
    }
}

/// Writes `request` as a raw HTTP/1.1 request with an absolute-form
/// target, so that reading it back needs no scheme assumption.
/// A `Content-Length` is added for a non-empty body that has none.
pub fn render(request: &Request) -> Vec<u8> {
    let mut out = format!("{} {} HTTP/1.1\r\n", request.method, request.url).into_bytes();
    for (n, v) in &request.headers {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    let chunked = request.headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    let has_length = request
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if !request.body.is_empty() && !has_length && !chunked {
        out.extend_from_slice(format!("Content-Length: {}\r\n", request.body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if chunked {
        // The model holds the decoded body: write it back as one chunk.
        if !request.body.is_empty() {
            out.extend_from_slice(format!("{:x}\r\n", request.body.len()).as_bytes());
            out.extend_from_slice(&request.body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(&request.body);
    }
    out
}

#[cfg(test)]
mod render_tests {
    use super::*;

    #[test]
    fn render_then_read_round_trips() {
        let r = Request::new("PUT", "http://h:8080/a%20b?x=1")
            .with_header("Content-Type", "text/plain")
            .with_body("line1\nline2\n");
        let back = read(&render(&r), None).unwrap().request;
        assert_eq!(back.method, r.method);
        assert_eq!(back.url, r.url);
        assert_eq!(back.body, r.body);
        assert_eq!(back.header("content-type"), Some("text/plain"));
    }
}
