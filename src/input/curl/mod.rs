//! cURL command lines (curl(1)), read into the request curl would send.
//!
//! Two steps: a shell tokenizer for the dialect the command was written
//! for ([`Dialect`]: bash/POSIX, Windows cmd, PowerShell), then curl's own
//! option parser. What decides the signature is followed exactly: the
//! method curl picks, its default `Content-Type:
//! application/x-www-form-urlencoded` for `-d` (recorded as an assumption,
//! since it makes the body a parameter source, RFC 5849 §3.4.1.3.1), how
//! `-d`, `--data-urlencode`, `-G` and `-F` build the body or the query.
//!
//! Postman's "Code → cURL" exporter writes bash quoting whatever line
//! continuation character is chosen, and has a few quirks (`\!`, `key=null`,
//! re-encoded query values); each is read the way Postman meant it and
//! reported as a [`Violation`](crate::error::Violation) with a stable
//! `postman-…` code.
//!
//! The source follows those steps: `lexer` splits the command into shell
//! words for its [`Dialect`] (one file per shell), `options` is curl's
//! option table, `builder` applies the options and builds the request(s)
//! (body, headers, URL), and `render` writes a request back as a command
//! line.

mod builder;
mod lexer;
mod options;
mod render;

pub use builder::FORM_BOUNDARY;
pub use lexer::{detect_dialect, Dialect};
pub use render::{render, RenderError};

use super::{Files, MAX_INPUT};
use crate::error::{ParseError, ParseErrorKind, Span};
use crate::request::ReadRequest;
use builder::Builder;
use lexer::lex;

const CONTEXT: &str = "cURL command";

/// More shell words than this is not a command anyone pasted: refused, so
/// that memory stays proportional to a sane command.
const MAX_WORDS: usize = 100_000;

/// More URLs than this is refused: each becomes a request of its own.
const MAX_URLS: usize = 1_000;

fn err(input: &str, kind: ParseErrorKind, span: Span) -> ParseError {
    ParseError::new(CONTEXT, kind, span, input)
}

/// Reads a cURL command, detecting its dialect with [`detect_dialect`].
/// Returns one request per URL on the command line (curl sends the same
/// options to each).
pub fn read(input: &[u8], files: &dyn Files) -> Result<Vec<ReadRequest>, ParseError> {
    read_dialect(input, None, files)
}

/// Reads a cURL command written for `dialect` (detected when `None`).
pub fn read_dialect(
    input: &[u8],
    dialect: Option<Dialect>,
    files: &dyn Files,
) -> Result<Vec<ReadRequest>, ParseError> {
    if input.len() > MAX_INPUT {
        return Err(err(
            "",
            ParseErrorKind::TooLarge {
                limit: MAX_INPUT,
                actual: input.len(),
            },
            Span::default(),
        ));
    }
    // Offsets into `input` are offsets into `text`: spans and slices agree.
    let text = super::text_for_errors(input);
    let dialect = dialect.unwrap_or_else(|| detect_dialect(&text));
    let lexed = lex(input, dialect, &text)?;
    if lexed.words.len() > MAX_WORDS {
        let at = lexed.words[MAX_WORDS].span;
        return Err(err(
            &text,
            ParseErrorKind::Invalid {
                what: "cURL command".into(),
                reason: format!("it has more than {MAX_WORDS} words"),
            },
            at,
        )
        .with_hint("give one curl command, as Postman's Code panel shows it"));
    }
    Builder::new(&text, files, lexed).build()
}

/// Helpers shared by the tests of every part of the reader.
#[cfg(test)]
mod test_util {
    use crate::input::{Files, NoFiles};
    use crate::request::ReadRequest;

    /// Files from memory.
    pub(super) struct Mem(pub(super) &'static [(&'static str, &'static [u8])]);

    impl Files for Mem {
        fn read(&self, path: &str) -> Result<Vec<u8>, String> {
            self.0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, c)| c.to_vec())
                .ok_or_else(|| format!("cannot read {path:?}: not found"))
        }
    }

    pub(super) fn one(cmd: &str) -> ReadRequest {
        let mut all = super::read(cmd.as_bytes(), &NoFiles).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    pub(super) fn codes(r: &ReadRequest) -> Vec<&'static str> {
        r.violations.iter().map(|v| v.code).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::codes;
    use super::*;
    use crate::input::NoFiles;

    #[test]
    fn errors_are_located() {
        let e = read(b"curl 'http://h/", &NoFiles).unwrap_err();
        assert!(matches!(e.kind, ParseErrorKind::Unterminated { .. }), "{e}");
        assert_eq!(e.line_col(), (1, 6));
        let e = read(b"curl http://h/ \\\n  --header", &NoFiles).unwrap_err();
        assert_eq!(e.line_col(), (2, 3));
        assert!(e.to_string().contains("an argument after --header"), "{e}");
        let e = read(b"curl -X POST", &NoFiles).unwrap_err();
        assert!(e.to_string().contains("missing URL"), "{e}");
        let e = read(b"wget http://h/", &NoFiles).unwrap_err();
        assert_eq!(e.found_text(), "wget");
        let e = read(b"curl -T f http://h/", &NoFiles).unwrap_err();
        assert!(e.to_string().contains("changes the request"), "{e}");
    }

    /// Found by `cargo fuzz run curl` (fuzz/regressions/curl/): bytes that
    /// are not UTF-8 shifted offsets between the input and its error text.
    #[test]
    fn fuzz_regression_invalid_utf8_keeps_offsets() {
        let reads = read(b"curl \"http://h/\xff\xfe\" \n--header x", &NoFiles).unwrap();
        assert_eq!(reads[0].request.url, "http://h/\u{fffd}\u{fffd}");
        assert!(codes(&reads[0]).contains(&"curl-command-ended"));
        let e = read(b"curl \xff\xff 'http://h/", &NoFiles).unwrap_err();
        assert_eq!(e.line_col(), (1, 9));
        assert_eq!(e.found_text(), "'http://h/");
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;
    use crate::input::NoFiles;

    #[test]
    fn a_huge_number_of_words_or_urls_is_refused() {
        let words = "curl ".to_string() + &"-s ".repeat(MAX_WORDS + 5) + "http://h/";
        let e = read(words.as_bytes(), &NoFiles).unwrap_err();
        assert!(e.to_string().contains("more than 100000 words"), "{e}");
        let urls = "curl ".to_string() + &"h ".repeat(MAX_URLS + 1);
        let e = read(urls.as_bytes(), &NoFiles).unwrap_err();
        assert!(e.to_string().contains("more than 1000"), "{e}");
    }
}
