//! Readers: turn what users have (a raw HTTP request, a cURL command, a
//! HAR file) into [`Request`]s, auto-detecting the format.
//!
//! Readers never touch the file system themselves: anything a request
//! refers to (cURL's `@file`) is fetched through [`Files`], so the library
//! stays pure and tests can supply files from memory.

pub mod http;
pub mod jsonl;

use crate::error::{ParseError, ParseErrorKind, Span};
use crate::request::{Format, ReadRequest};

/// Inputs larger than this are refused (16 MiB): no reader allocates without bound.
pub const MAX_INPUT: usize = 16 * 1024 * 1024;

/// Access to files an input refers to (cURL `@file`, `@-`).
pub trait Files {
    /// The content of `path` (`-` is standard input), or a message saying why not.
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// A [`Files`] that has no files: every reference is an error.
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

/// Guesses the format of `input`: JSON with a `log` object is HAR, text
/// starting with `curl` is cURL, anything else is raw HTTP.
pub fn sniff(input: &[u8]) -> Format {
    let text = String::from_utf8_lossy(&input[..input.len().min(4096)]);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        return Format::Har;
    }
    let first = t.split_whitespace().next().unwrap_or("");
    if first == "curl" || first.ends_with("/curl") || first.eq_ignore_ascii_case("curl.exe") {
        Format::Curl
    } else {
        Format::Http
    }
}

/// Reads every request in `input`: one for HTTP and cURL, one per
/// selected entry for HAR.
pub fn read(
    input: &[u8],
    options: &ReadOptions,
    files: &dyn Files,
) -> Result<Vec<ReadRequest>, ParseError> {
    let _ = files;
    if input.len() > MAX_INPUT {
        return Err(ParseError::new(
            "input",
            ParseErrorKind::TooLarge {
                limit: MAX_INPUT,
                actual: input.len(),
            },
            Span::default(),
            "",
        ));
    }
    let format = options.format.unwrap_or_else(|| sniff(input));
    match format {
        Format::Http => Ok(vec![http::read(input, options.scheme.as_deref())?]),
        Format::Jsonl => jsonl::read_all(input),
        Format::Curl | Format::Har => Err(ParseError::new(
            "input",
            ParseErrorKind::Invalid {
                what: "format".into(),
                reason: format!("the {format:?} reader is not available in this build"),
            },
            Span::default(),
            "",
        )),
    }
}
