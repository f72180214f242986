//! Errors and diagnostics shared by every parser.
//!
//! A fatal [`ParseError`] means no request could be built; it carries the
//! input, a byte [`Span`], what was expected and what was found, and renders
//! like a compiler diagnostic (the line, with a caret under the span).
//! Suspicious but accepted input is a [`Violation`] instead, returned beside
//! the result.

use serde::Serialize;
use std::fmt;

/// A byte range `[start, end)` into the text a parser was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
}

impl Span {
    /// A span over `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// A zero-width span at `at`, for "expected X here".
    pub fn at(at: usize) -> Span {
        Span { start: at, end: at }
    }
}

/// What went wrong in a [`ParseError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// Something specific was expected here and something else was found.
    Expected {
        /// What the parser wanted.
        expected: String,
        /// What it saw instead.
        found: String,
    },
    /// An opening delimiter (a quote, a bracket) was never closed.
    Unterminated {
        /// The delimited thing, e.g. "single-quoted string".
        what: String,
    },
    /// A part the input must hold is absent.
    Missing {
        /// The absent part, e.g. "URL".
        what: String,
    },
    /// The text is present but not valid.
    Invalid {
        /// The thing that is invalid, e.g. "port".
        what: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The input is larger than the documented limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The input's size in bytes.
        actual: usize,
    },
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::Expected { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            ParseErrorKind::Unterminated { what } => write!(f, "unterminated {what}"),
            ParseErrorKind::Missing { what } => write!(f, "missing {what}"),
            ParseErrorKind::Invalid { what, reason } => write!(f, "invalid {what}: {reason}"),
            ParseErrorKind::TooLarge { limit, actual } => write!(
                f,
                "input is {actual} bytes, larger than the {limit}-byte limit"
            ),
        }
    }
}

/// A fatal error: the input could not be turned into what was asked.
///
/// Boxed so that `Result<_, ParseError>` stays small; the fields are read
/// through [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(Box<Diagnostic>);

impl std::ops::Deref for ParseError {
    type Target = Diagnostic;
    fn deref(&self) -> &Diagnostic {
        &self.0
    }
}

impl std::ops::DerefMut for ParseError {
    fn deref_mut(&mut self) -> &mut Diagnostic {
        &mut self.0
    }
}

/// The content of a [`ParseError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Where, as bytes of `input`.
    pub span: Span,
    /// The text that was being parsed (one line of it is shown when rendering).
    pub input: String,
    /// What kind of input this was, e.g. "cURL command", "URL".
    pub context: &'static str,
    /// How to fix it, when there is an obvious way.
    pub hint: Option<String>,
}

impl ParseError {
    /// A new error over `input` at `span`.
    pub fn new(
        context: &'static str,
        kind: ParseErrorKind,
        span: Span,
        input: impl Into<String>,
    ) -> ParseError {
        ParseError(Box::new(Diagnostic {
            kind,
            span,
            input: input.into(),
            context,
            hint: None,
        }))
    }

    /// The same error with a fix hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> ParseError {
        self.hint = Some(hint.into());
        self
    }

    /// 1-based line and column (in characters) of the span's start.
    pub fn line_col(&self) -> (usize, usize) {
        line_col(&self.input, self.span.start)
    }

    /// The offending text (the span's content, clamped to the input).
    pub fn found_text(&self) -> &str {
        let start = floor_char(&self.input, self.span.start.min(self.input.len()));
        let end = floor_char(&self.input, self.span.end.min(self.input.len())).max(start);
        &self.input[start..end]
    }
}

/// 1-based line and column (counted in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for ParseError {
    /// Renders as `error: …`, the location, the line with a caret, and the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.context, self.kind)?;
        if self.input.is_empty() {
            if let Some(h) = &self.hint {
                write!(f, "\n  = help: {h}")?;
            }
            return Ok(());
        }
        let (line, col) = self.line_col();
        write!(
            f,
            "\n --> line {line}, column {col} (byte {})",
            self.span.start
        )?;
        let start = floor_char(&self.input, self.span.start.min(self.input.len()));
        let line_start = self.input[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.input[start..]
            .find('\n')
            .map_or(self.input.len(), |i| start + i);
        let raw_line = self.input[line_start..line_end].trim_end_matches('\r');
        // Keep very long lines readable: show a window around the span.
        let (shown, skipped_chars) = window(raw_line, col - 1);
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        write!(f, "\n{pad} |\n{line} | {}", printable(shown))?;
        let span_chars = self.found_text().chars().take_while(|c| *c != '\n').count();
        let caret_col = col - 1 - skipped_chars;
        // The caret stays under the text shown: a span longer than the
        // window (a whole base string) is marked up to its edge, then `…`.
        let room = shown.chars().count().saturating_sub(caret_col);
        let carets = span_chars.min(room).max(1);
        let cut = if span_chars > carets { "…" } else { "" };
        write!(
            f,
            "\n{pad} | {}{}{cut}",
            " ".repeat(caret_col),
            "^".repeat(carets)
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n{pad} = help: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Shows at most 100 characters of `line` around character `col`.
fn window(line: &str, col: usize) -> (&str, usize) {
    const WIDTH: usize = 100;
    let n = line.chars().count();
    if n <= WIDTH {
        return (line, 0);
    }
    let first = col.saturating_sub(WIDTH / 2).min(n - WIDTH);
    let start = line.char_indices().nth(first).map_or(0, |(i, _)| i);
    let end = line
        .char_indices()
        .nth(first + WIDTH)
        .map_or(line.len(), |(i, _)| i);
    (&line[start..end], first)
}

/// Control characters shown as `·` so the caret stays aligned.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '·' } else { c })
        .collect()
}

/// Suspicious but accepted input, reported beside a result.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// A stable kebab-case code, e.g. `default-port-in-url`.
    pub code: &'static str,
    /// The RFC 5849 section (or other reference) the input departs from.
    pub section: &'static str,
    /// One sentence for a person.
    pub message: String,
    /// The catalogue mistake ([`crate::hunt::catalogue()`]) this input is the
    /// trace of, e.g. `default-port-kept` for `default-port-in-url`: what a
    /// signer that gets this input wrong does (`null` when none).
    pub mistake: Option<&'static str>,
}

impl Violation {
    /// A new violation; its catalogue mistake is looked up from `code`.
    pub fn new(code: &'static str, section: &'static str, message: impl Into<String>) -> Self {
        Violation {
            code,
            section,
            message: message.into(),
            mistake: crate::hunt::catalogue::mistake_for_violation(code),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}) [{}]", self.message, self.section, self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let e = ParseError::new(
            "URL",
            ParseErrorKind::Invalid {
                what: "port".into(),
                reason: "65536 is out of range".into(),
            },
            Span::new(18, 23),
            "line one\nhttp://x:65536/",
        );
        assert_eq!(e.line_col(), (2, 10));
        let text = e.to_string();
        assert!(text.contains("line 2, column 10"), "{text}");
        assert!(text.contains("2 | http://x:65536/"), "{text}");
        assert!(text.ends_with("\n  |          ^^^^^"), "{text:?}");
        assert_eq!(e.found_text(), "65536");
    }

    /// A span over a whole 400-character line (a base string) is marked
    /// within the 100 characters shown, not 400 carets wide.
    #[test]
    fn caret_stays_within_the_window() {
        let line = format!("GET&{}", "a".repeat(396));
        let e = ParseError::new(
            "base string",
            ParseErrorKind::Invalid {
                what: "base string".into(),
                reason: "x".into(),
            },
            Span::new(0, line.len()),
            line,
        );
        let text = e.to_string();
        let caret = text.lines().last().unwrap();
        assert_eq!(caret.matches('^').count(), 100, "{text}");
        assert!(caret.ends_with('…'), "{caret}");
        // A long line with a short span in its middle: the caret under it.
        let line = format!("{}XYZ{}", "a".repeat(300), "b".repeat(300));
        let e = ParseError::new(
            "x",
            ParseErrorKind::Missing { what: "y".into() },
            Span::new(300, 303),
            line,
        );
        let text = e.to_string();
        let mut lines = text.lines().rev();
        let (caret, shown) = (lines.next().unwrap(), lines.next().unwrap());
        let at = caret.find('^').unwrap();
        assert_eq!(&shown[at..at + 3], "XYZ", "{text}");
        assert_eq!(caret.matches('^').count(), 3);
    }

    #[test]
    fn out_of_range_span_does_not_panic() {
        let e = ParseError::new(
            "x",
            ParseErrorKind::Missing { what: "y".into() },
            Span::new(99, 120),
            "é",
        );
        let _ = e.to_string();
        assert_eq!(e.line_col(), (1, 2));
    }
}
