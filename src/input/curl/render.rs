//! Rendering: a request written as a curl command line for a dialect, one
//! that reads back as the same request.

use super::Dialect;
use crate::request::Request;

/// Why a request cannot be written as a command line in a dialect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write {what} as a {dialect:?} command line: {reason}")]
pub struct RenderError {
    /// What could not be written ("body", "header X", "URL").
    pub what: String,
    /// The dialect asked for.
    pub dialect: Dialect,
    /// Why not.
    pub reason: String,
}

/// Writes `request` as a multi-line curl command for `dialect` that reads
/// back (with [`read_dialect`](super::read_dialect)) as the same request:
/// `--request`, the URL, one `--header` per field, `--data-raw` for the
/// body, and `Content-Type:` (which stops curl adding its form default)
/// when a body has no Content-Type.
pub fn render(request: &Request, dialect: Dialect) -> Result<String, RenderError> {
    let q = |what: &str, bytes: &[u8]| quote(bytes, dialect, what);
    // A URL that starts with `-` would read as an option: give it with --url.
    let url_option = if request.url.starts_with('-') {
        "--url "
    } else {
        ""
    };
    let m = &request.method;
    let method = if !m.is_empty()
        && !m.starts_with('-')
        && m.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        m.clone()
    } else {
        q("method", m.as_bytes())?
    };
    let mut lines = vec![format!(
        "curl --request {method} {url_option}{}",
        q("URL", request.url.as_bytes())?
    )];
    if request.url.contains(['[', ']', '{', '}']) {
        lines.push("--globoff".into());
    }
    for (name, value) in &request.headers {
        if name.starts_with('@') {
            // Only a line of a `-H @file` file can hold such a header:
            // as an argument, curl reads `-H @…` as a file name.
            return Err(RenderError {
                what: format!("header {name}"),
                dialect,
                reason: "curl reads -H @… as a file name, so a header whose name starts with @ cannot be given on the command line".into(),
            });
        }
        let field = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        };
        lines.push(format!(
            "--header {}",
            q(&format!("header {name}"), field.as_bytes())?
        ));
    }
    if !request.body.is_empty() {
        if request.header("content-type").is_none() {
            lines.push(format!("--header {}", q("header", b"Content-Type:")?));
        }
        lines.push(format!("--data-raw {}", q("body", &request.body)?));
    }
    let sep = format!(" {}\n  ", dialect.continuation());
    Ok(lines.join(&sep))
}

/// Quotes one argument for `dialect`.
fn quote(bytes: &[u8], dialect: Dialect, what: &str) -> Result<String, RenderError> {
    let fail = |reason: &str| RenderError {
        what: what.to_string(),
        dialect,
        reason: reason.to_string(),
    };
    if bytes.contains(&0) {
        return Err(fail("a command-line argument cannot hold a NUL byte"));
    }
    match dialect {
        Dialect::Bash => {
            let plain = std::str::from_utf8(bytes)
                .ok()
                .filter(|s| !s.chars().any(char::is_control));
            Ok(match plain {
                Some(s) => format!("'{}'", s.replace('\'', "'\\''")),
                None => {
                    // ANSI-C quoting for control characters and non-UTF-8 bytes.
                    let mut o = String::from("$'");
                    for chunk in bytes.utf8_chunks() {
                        for c in chunk.valid().chars() {
                            match c {
                                '\\' => o.push_str("\\\\"),
                                '\'' => o.push_str("\\'"),
                                '\n' => o.push_str("\\n"),
                                '\r' => o.push_str("\\r"),
                                '\t' => o.push_str("\\t"),
                                c if c.is_control() && (c as u32) < 0x80 => {
                                    o.push_str(&format!("\\x{:02x}", c as u32))
                                }
                                c if c.is_control() => {
                                    let mut buf = [0; 4];
                                    for b in c.encode_utf8(&mut buf).bytes() {
                                        o.push_str(&format!("\\x{b:02x}"));
                                    }
                                }
                                c => o.push(c),
                            }
                        }
                        for b in chunk.invalid() {
                            o.push_str(&format!("\\x{b:02x}"));
                        }
                    }
                    o.push('\'');
                    o
                }
            })
        }
        Dialect::PowerShell => {
            let s = std::str::from_utf8(bytes)
                .map_err(|_| fail("PowerShell passes text, and this is not valid UTF-8"))?;
            Ok(format!("'{}'", s.replace('\'', "''")))
        }
        Dialect::Cmd => {
            let s = std::str::from_utf8(bytes)
                .map_err(|_| fail("cmd passes text, and this is not valid UTF-8"))?;
            if s.contains(['\n', '\r']) {
                return Err(fail("a cmd argument cannot hold a line break"));
            }
            // C runtime rules: backslashes before a quote are doubled; a quote is "".
            let mut o = String::from("\"");
            let mut backslashes = 0;
            for c in s.chars() {
                match c {
                    '\\' => backslashes += 1,
                    '"' => {
                        o.push_str(&"\\".repeat(backslashes * 2));
                        backslashes = 0;
                        o.push_str("\"\"");
                    }
                    c => {
                        o.push_str(&"\\".repeat(backslashes));
                        backslashes = 0;
                        o.push(c);
                    }
                }
            }
            o.push_str(&"\\".repeat(backslashes * 2));
            o.push('"');
            Ok(o)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::curl::{detect_dialect, read_dialect};
    use crate::input::NoFiles;

    #[test]
    fn render_reads_back_in_every_dialect() {
        let req = Request::new("PATCH", "https://h/p?a=1&b='x'")
            .with_header("Authorization", "OAuth oauth_signature=\"a%2Bb\"")
            .with_header("X-Empty", "")
            .with_body("it's \"quoted\" \\ & ^ ` $HOME %PATH%!");
        for d in Dialect::ALL {
            let text = render(&req, d).unwrap();
            let back = read_dialect(text.as_bytes(), Some(d), &NoFiles).unwrap();
            assert_eq!(back[0].request, req, "{d:?}:\n{text}");
            // Detection finds the dialect from the continuation character.
            assert_eq!(detect_dialect(&text), d);
        }
    }
}
