//! Readers: turn what users have (a raw HTTP request, a cURL command, a
//! HAR file) into [`Request`](crate::Request)s, auto-detecting the format.
//!
//! Readers never touch the file system themselves: anything a request
//! refers to (cURL's `@file`) is fetched through [`Files`], so the library
//! stays pure and tests can supply files from memory. [`files`] holds the
//! disk-backed [`Files`] and the rule for which files a request may name.

pub mod curl;
pub mod files;
pub mod har;
pub mod http;
pub mod jsonl;
pub mod postman;

use crate::error::{ParseError, ParseErrorKind, Span};
use crate::request::{Format, ReadRequest};

/// Inputs larger than this are refused (16 MiB): no reader allocates without bound.
pub const MAX_INPUT: usize = 16 * 1024 * 1024;

/// The input as text for error messages, byte for byte: each byte that is
/// not UTF-8 becomes one `?`, so spans into `input` stay valid in the text.
pub(crate) fn text_for_errors(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len());
    for chunk in input.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(std::iter::repeat('?').take(chunk.invalid().len()));
    }
    out
}

/// Access to files an input refers to (cURL `@file`, `@-`).
///
/// An implementation decides which files may be read: see
/// [`files::ConfinedFiles`] for the rule the command line applies to
/// pasted requests, and [`NoFiles`] for front ends fed from the network.
pub trait Files {
    /// The content of `path` (`-` is standard input), or a message saying why not.
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;

    /// How `path` is resolved, for people ("relative to the cURL file's
    /// directory"), when the implementation can say.
    fn describe(&self, _path: &str) -> Option<String> {
        None
    }
}

/// A [`Files`] that has no files: every reference is an error.
///
/// Front ends that take requests from the network (a `listen` or `serve`
/// server, a web page) must read with `NoFiles`: a request sent by
/// someone else never reads a file of the machine that runs the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        Err(format!("cannot read {path:?}: no file access here"))
    }
}

/// How to read an input.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// Scheme for an origin-form HTTP request target (`https` by default,
    /// `http` when the Host names port 80).
    pub scheme: Option<String>,
    /// For HAR: read only this entry (0-based).
    pub entry: Option<usize>,
}

/// Guesses the format of `input`: a Postman collection (see
/// [`postman::is_collection`]) is Postman; JSON whose first line is a request
/// object (`method`, `url`) is JSON Lines, other JSON is HAR; text whose first
/// command word is `curl` (after blank lines, `#`/`REM` comments and a `$`
/// prompt) is cURL; anything else is raw HTTP.
pub fn sniff(input: &[u8]) -> Format {
    let text = String::from_utf8_lossy(&input[..input.len().min(4096)]);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        if postman::is_collection(input) {
            return Format::Postman;
        }
        // JSON Lines: the first line alone is a request object. Its names
        // are found by a scan, not a parse, so a line nested deeper than
        // serde_json's limit is still JSON Lines (and its reader says
        // what is wrong with it) rather than a HAR file.
        let first_line = input.split(|b| *b == b'\n').next().unwrap_or(&[]);
        if let Some(names) = top_level_names(first_line) {
            let has = |n: &[u8]| names.contains(&n);
            if has(b"method") && has(b"url") && !has(b"log") {
                return Format::Jsonl;
            }
        }
        return Format::Har;
    }
    let line = t
        .lines()
        .map(str::trim)
        .find(|l| {
            !l.is_empty() && !l.starts_with('#') && !l.starts_with("REM ") && !l.starts_with("::")
        })
        .unwrap_or("");
    let mut words = line.split_whitespace();
    let mut first = words.next().unwrap_or("");
    if matches!(first, "$" | ">" | "%" | "PS>") {
        first = words.next().unwrap_or("");
    }
    let base = first.rsplit(['/', '\\']).next().unwrap_or("");
    if base == "curl" || base.eq_ignore_ascii_case("curl.exe") {
        Format::Curl
    } else {
        Format::Http
    }
}

/// The names of the top-level members of the one JSON object `line`
/// holds (a BOM and whitespace around it allowed), or `None` when the line
/// is not one whole object. A single pass with a depth counter: no
/// recursion, whatever the nesting.
fn top_level_names(line: &[u8]) -> Option<Vec<&[u8]>> {
    let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
    let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
    if line[start] != b'{' {
        return None;
    }
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut i = start;
    while i < line.len() {
        match line[i] {
            b'"' => {
                let from = i + 1;
                i = from;
                while *line.get(i)? != b'"' {
                    i += if line[i] == b'\\' { 2 } else { 1 };
                }
                let next = line[i + 1..].iter().find(|b| !b.is_ascii_whitespace());
                if depth == 1 && next == Some(&b':') {
                    names.push(&line[from..i]);
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    let rest_blank = line[i + 1..].iter().all(u8::is_ascii_whitespace);
                    return rest_blank.then_some(names);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Reads every request in `input`: one for HTTP, one per URL for cURL,
/// one per selected entry for HAR. Inputs over [`MAX_INPUT`] are refused.
///
/// ```
/// use oauth1_doctor::input::{read, NoFiles, ReadOptions};
/// let reads = read(b"curl -d 'a=1' https://example.com/x", &ReadOptions::default(), &NoFiles).unwrap();
/// assert_eq!(reads[0].request.method, "POST");
/// assert_eq!(reads[0].request.header("content-type"), Some("application/x-www-form-urlencoded"));
/// ```
pub fn read(
    input: &[u8],
    options: &ReadOptions,
    files: &dyn Files,
) -> Result<Vec<ReadRequest>, ParseError> {
    if input.len() > MAX_INPUT {
        return Err(ParseError::new(
            "input",
            ParseErrorKind::TooLarge {
                limit: MAX_INPUT,
                actual: input.len(),
            },
            Span::default(),
            "",
        )
        .with_hint("the limit keeps every reader bounded; cut the input down to the request"));
    }
    let format = options.format.unwrap_or_else(|| sniff(input));
    match format {
        Format::Http => Ok(vec![http::read(input, options.scheme.as_deref())?]),
        Format::Jsonl => jsonl::read_all(input),
        Format::Curl => curl::read(input, files),
        Format::Har => har::read(input, options.entry),
        Format::Postman => Ok(vec![postman::read_one(input)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reader_refuses_inputs_over_the_limit() {
        let big = vec![b' '; MAX_INPUT + 1];
        for format in [Format::Curl, Format::Http, Format::Har] {
            let options = ReadOptions {
                format: Some(format),
                ..ReadOptions::default()
            };
            let e = read(&big, &options, &NoFiles).unwrap_err();
            assert!(
                matches!(e.kind, ParseErrorKind::TooLarge { .. }),
                "{format:?}"
            );
        }
        assert!(http::read(&big, None).is_err());
        assert!(curl::read(&big, &NoFiles).is_err());
        assert!(har::read(&big, None).is_err());
    }

    #[test]
    fn error_text_keeps_byte_offsets() {
        let t = text_for_errors(b"a\xff\xfeb\xc3\xa9");
        assert_eq!(t, "a??bé");
        assert_eq!(t.len(), 6);
    }

    #[test]
    fn sniff_tells_the_formats_apart() {
        assert_eq!(sniff(b"\n# from Postman\n$ curl https://x/"), Format::Curl);
        assert_eq!(sniff(b"C:\\bin\\curl.exe https://x/"), Format::Curl);
        assert_eq!(sniff(b"  {\"log\": {}}"), Format::Har);
        assert_eq!(sniff(b"{\n  \"log\": {}\n}"), Format::Har);
        assert_eq!(
            sniff(b"{\"method\": \"GET\", \"url\": \"http://h/\"}\n{}"),
            Format::Jsonl
        );
        assert_eq!(sniff(b"GET /curl HTTP/1.1\r\n"), Format::Http);
        assert_eq!(
            sniff(b"{\"url\": \"http://h/\", \"x\": {\"log\": 1}, \"method\": \"GET\"}\r\n"),
            Format::Jsonl
        );
        assert_eq!(
            sniff(b"{\"log\": {\"method\": \"GET\", \"url\": \"u\"}}"),
            Format::Har
        );
        assert_eq!(sniff(b"{\"method\": \"GET\", \"url\": \"u\""), Format::Har);
    }

    /// Issue 11: a JSON Lines line nested deeper than serde_json's
    /// recursion limit (128) was taken for a HAR file. It is JSON Lines,
    /// and reading it is a clear error on line 1, not a stack overflow.
    #[test]
    fn issue11_deeply_nested_json_line_is_json_lines() {
        for depth in [127, 200, 100_000] {
            let line = format!(
                "{{\"method\":\"GET\",\"url\":\"http://h/\",\"x\":{}\"\\\"[{{\"{}}}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            assert_eq!(sniff(line.as_bytes()), Format::Jsonl, "{depth}");
            // An ignored field is skipped without recursion, however deep.
            let r = read(line.as_bytes(), &ReadOptions::default(), &NoFiles);
            assert_eq!(r.unwrap()[0].request.url, "http://h/", "{depth}");
            // A field that is read must have its expected shape.
            let line = line.replace("\"x\"", "\"headers\"");
            assert_eq!(sniff(line.as_bytes()), Format::Jsonl, "{depth}");
            let e = read(line.as_bytes(), &ReadOptions::default(), &NoFiles).unwrap_err();
            assert!(e.to_string().contains("line 1"), "{e}");
        }
    }
}
