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
//! reported as a [`Violation`] with a stable `postman-…` code.

use super::{Files, MAX_INPUT};
use crate::encode::encode_bytes;
use crate::error::{ParseError, ParseErrorKind, Span, Violation};
use crate::request::{Format, ReadRequest, Request};
use std::collections::{HashMap, HashSet};

const CONTEXT: &str = "cURL command";

/// More shell words than this is not a command anyone pasted: refused, so
/// that memory stays proportional to a sane command.
const MAX_WORDS: usize = 100_000;

/// More URLs than this is refused: each becomes a request of its own.
const MAX_URLS: usize = 1_000;

/// The boundary written into a `-F` multipart body. curl picks a random
/// one; any boundary gives the same signature, since a multipart body is
/// never a parameter source (RFC 5849 §3.4.1.3.1).
pub const FORM_BOUNDARY: &str = "------------------------oauth1doctor";

/// The shell a command line is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// bash and other POSIX shells: `'…'`, `"…"`, `$'…'`, `\` line continuation.
    Bash,
    /// Windows `cmd.exe`: `"…"`, `^` escapes and line continuation.
    Cmd,
    /// PowerShell: `'…'`, `"…"` with `` ` `` escapes, `` ` `` line continuation.
    PowerShell,
}

impl Dialect {
    /// Every dialect, for tests and help texts.
    pub const ALL: [Dialect; 3] = [Dialect::Bash, Dialect::Cmd, Dialect::PowerShell];

    /// The line continuation character.
    pub fn continuation(self) -> char {
        match self {
            Dialect::Bash => '\\',
            Dialect::Cmd => '^',
            Dialect::PowerShell => '`',
        }
    }
}

/// Guesses the dialect from the line continuation character that ends the
/// most lines after a space (` \`, ` ^`, `` ` ` ``); a one-line command is read
/// as bash, or PowerShell when it starts with `curl.exe`. Quoted text that
/// itself spans lines can mislead it: then give the dialect.
pub fn detect_dialect(text: &str) -> Dialect {
    let mut votes = [0usize; 3];
    for line in text.lines() {
        let t = line.trim_end();
        for (k, d) in Dialect::ALL.iter().enumerate() {
            let c = d.continuation();
            if t.strip_suffix(c)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with([' ', '\t']))
            {
                votes[k] += 1;
            }
        }
    }
    let best = (0..3)
        .max_by_key(|k| (votes[*k], std::cmp::Reverse(*k)))
        .unwrap_or(0);
    if votes[best] > 0 {
        return Dialect::ALL[best];
    }
    let first = text.split_whitespace().next().unwrap_or("");
    if first.eq_ignore_ascii_case("curl.exe") {
        return Dialect::PowerShell;
    }
    Dialect::Bash
}

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

// ---------------------------------------------------------------------------
// Shell tokenizers

/// One shell word after quote removal, with where it was written.
#[derive(Debug, Clone)]
struct Word {
    bytes: Vec<u8>,
    span: Span,
}

impl Word {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

#[derive(Debug, Default)]
struct Lexed {
    words: Vec<Word>,
    violations: Vec<Violation>,
}

fn push_once(violations: &mut Vec<Violation>, v: Violation) {
    if !violations.iter().any(|x| x.code == v.code) {
        violations.push(v);
    }
}

fn lex(input: &[u8], dialect: Dialect, text: &str) -> Result<Lexed, ParseError> {
    match dialect {
        Dialect::Bash => lex_posix(input, b'\\', text),
        Dialect::Cmd => {
            if uses_single_quotes_in_cmd(input) {
                let mut l = lex_posix(input, b'^', text)?;
                l.violations.push(Violation::new(
                    "postman-single-quotes-in-cmd",
                    "Postman cURL export",
                    "the command uses ^ line continuations (Windows cmd) but single quotes, as Postman writes them; cmd does not treat ' as a quote, so pasted into cmd.exe curl would receive the quotes; read with the quoting Postman meant",
                ));
                Ok(l)
            } else {
                lex_cmd(input, text)
            }
        }
        Dialect::PowerShell => {
            let native = lex_powershell(input, text);
            if let Ok((l, false)) = native {
                return Ok(l);
            }
            // A double-quoted string ending in \" (or one PowerShell cannot
            // close): Postman wrote bash escapes into a PowerShell export.
            match (lex_posix(input, b'`', text), native) {
                (Ok(mut l), _) => {
                    l.violations.push(Violation::new(
                        "postman-bash-quoting-in-powershell",
                        "Postman cURL export",
                        "the command uses ` line continuations (PowerShell) but bash escapes such as \\\" inside double quotes, as Postman writes them; PowerShell would split these arguments differently; read with the quoting Postman meant",
                    ));
                    Ok(l)
                }
                (Err(_), Ok((l, _))) => Ok(l),
                (Err(_), Err(e)) => Err(e),
            }
        }
    }
}

/// Whether an unquoted word starts with `'` (Postman's single-quoted export
/// under cmd, where `'` is not a quote character).
fn uses_single_quotes_in_cmd(input: &[u8]) -> bool {
    let mut in_double = false;
    let mut prev_space = true;
    for &b in input {
        match b {
            b'"' => in_double = !in_double,
            b'\'' if !in_double && prev_space => return true,
            _ => {}
        }
        prev_space = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    }
    false
}

/// Where a continuation character at `i` is followed by the end of the
/// line: returns the index just after the newline.
fn continuation_end(input: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < input.len() && matches!(input[j], b' ' | b'\t' | b'\r') {
        j += 1;
    }
    if j >= input.len() {
        return Some(j);
    }
    (input[j] == b'\n').then_some(j + 1)
}

/// What is left after the command ends (`|`, `;`, `&&`, a newline): a
/// violation when it is more than blank lines and comments.
fn note_rest(input: &[u8], from: usize, why: &str, violations: &mut Vec<Violation>) {
    let rest = String::from_utf8_lossy(&input[from.min(input.len())..]);
    let meaningful: Vec<&str> = rest
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("REM "))
        .collect();
    if let Some(first) = meaningful.first() {
        let mut shown: String = first.chars().take(60).collect();
        if first.chars().count() > 60 {
            shown.push('…');
        }
        violations.push(Violation::new(
            "curl-command-ended",
            "curl(1)",
            format!("the curl command ends {why}; what follows is not part of it and is ignored: {shown:?}"),
        ));
    }
}

/// A word being built.
struct Current {
    bytes: Vec<u8>,
    start: Option<usize>,
}

impl Current {
    fn new() -> Current {
        Current {
            bytes: Vec::new(),
            start: None,
        }
    }
    fn begin(&mut self, at: usize) {
        if self.start.is_none() {
            self.start = Some(at);
        }
    }
    fn push(&mut self, at: usize, b: u8) {
        self.begin(at);
        self.bytes.push(b);
    }
    fn finish(&mut self, end: usize, words: &mut Vec<Word>) {
        if let Some(start) = self.start.take() {
            if words.len() > MAX_WORDS {
                self.bytes.clear();
                return;
            }
            words.push(Word {
                bytes: std::mem::take(&mut self.bytes),
                span: Span::new(start, end),
            });
        }
    }
}

/// POSIX shell (bash) word splitting and quote removal. `cont` is the line
/// continuation character: `\` for bash; `^` or `` ` `` for Postman's cmd
/// and PowerShell exports, which keep bash quoting.
fn lex_posix(input: &[u8], cont: u8, text: &str) -> Result<Lexed, ParseError> {
    let mut out = Lexed::default();
    let mut cur = Current::new();
    // A single-quoted string spanning lines: when a later quote is left
    // open, the missing quote is more likely there.
    let mut multiline_quote: Option<usize> = None;
    let mut i = 0;
    let n = input.len();
    while i < n {
        let b = input[i];
        if b == cont && cont != b'\\' {
            if let Some(next) = continuation_end(input, i) {
                cur.finish(i, &mut out.words);
                i = next;
                continue;
            }
        }
        match b {
            b' ' | b'\t' | b'\r' => {
                cur.finish(i, &mut out.words);
                i += 1;
            }
            b'\n' => {
                cur.finish(i, &mut out.words);
                if !out.words.is_empty() {
                    note_rest(
                        input,
                        i + 1,
                        &format!(
                            "at the end of line {} (no {} continuation)",
                            text[..i.min(text.len())].matches('\n').count() + 1,
                            cont as char
                        ),
                        &mut out.violations,
                    );
                    return Ok(out);
                }
                i += 1;
            }
            b'#' if cur.start.is_none() => {
                while i < n && input[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' => {
                if let Some(next) = continuation_end(input, i).filter(|_| cont == b'\\') {
                    // Backslash-newline: a line continuation, removed.
                    if !input[i + 1..next]
                        .iter()
                        .all(|c| *c == b'\n' || *c == b'\r')
                    {
                        push_once(&mut out.violations, Violation::new(
                            "curl-space-after-continuation",
                            "curl(1)",
                            "a line ends with \\ followed by spaces: bash would escape the space and end the command there; read as a line continuation",
                        ));
                    }
                    i = next;
                    continue;
                }
                if i + 1 < n {
                    cur.push(i, input[i + 1]);
                    i += 2;
                } else {
                    cur.push(i, b'\\');
                    i += 1;
                }
            }
            b'\'' => {
                cur.begin(i);
                let close = input[i + 1..]
                    .iter()
                    .position(|c| *c == b'\'')
                    .ok_or_else(|| {
                        let e = unterminated(text, i, "single-quoted string");
                        match multiline_quote {
                            Some(at) => {
                                let (line, col) = crate::error::line_col(text, at);
                                e.with_hint(format!("the quote opened at line {line}, column {col} runs over a line break: its closing quote is probably missing"))
                            }
                            None => e,
                        }
                    })?;
                let content = &input[i + 1..i + 1 + close];
                if multiline_quote.is_none() && content.contains(&b'\n') {
                    multiline_quote = Some(i);
                }
                cur.bytes.extend_from_slice(content);
                i += close + 2;
            }
            b'$' if input.get(i + 1) == Some(&b'\'') => {
                cur.begin(i);
                i = ansi_c(input, i + 2, &mut cur.bytes)
                    .ok_or_else(|| unterminated(text, i, "$'…' string"))?;
            }
            b'$' if input.get(i + 1) == Some(&b'"') => {
                cur.begin(i);
                i = double_quoted(input, i + 1, &mut cur.bytes, text, &mut out.violations)?;
            }
            b'"' => {
                cur.begin(i);
                i = double_quoted(input, i, &mut cur.bytes, text, &mut out.violations)?;
            }
            b'|' | b';' | b'&' => {
                cur.finish(i, &mut out.words);
                let op = if input.get(i + 1) == Some(&b) {
                    format!("{}{}", b as char, b as char)
                } else {
                    (b as char).to_string()
                };
                note_rest(
                    input,
                    i + op.len(),
                    &format!("at {op:?}"),
                    &mut out.violations,
                );
                return Ok(out);
            }
            b'>' | b'<' => {
                // A redirection: drop a file descriptor number before it and its target.
                if cur.start.is_some() && cur.bytes.iter().all(u8::is_ascii_digit) {
                    cur = Current::new();
                }
                cur.finish(i, &mut out.words);
                i += 1;
                while i < n && matches!(input[i], b'>' | b'<' | b'&') {
                    i += 1;
                }
                while i < n && matches!(input[i], b' ' | b'\t') {
                    i += 1;
                }
                while i < n && !matches!(input[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'$' | b'`' => {
                if b == b'`'
                    || matches!(input.get(i + 1), Some(c) if c.is_ascii_alphabetic() || matches!(c, b'_' | b'{' | b'('))
                {
                    push_once(&mut out.violations, expansion_violation());
                }
                cur.push(i, b);
                i += 1;
            }
            _ => {
                cur.push(i, b);
                i += 1;
            }
        }
    }
    cur.finish(n, &mut out.words);
    Ok(out)
}

fn expansion_violation() -> Violation {
    Violation::new(
        "shell-expansion-not-done",
        "curl(1)",
        "the command contains a shell expansion ($VAR, $(…) or `…`); it is read literally, as if the shell had left it alone",
    )
}

fn unterminated(text: &str, at: usize, what: &str) -> ParseError {
    err(
        text,
        ParseErrorKind::Unterminated { what: what.into() },
        Span::new(at, text.len().max(at)),
    )
    .with_hint("add the closing quote (a quote inside the value must be escaped)")
}

/// Reads a bash double-quoted string starting at the `"` at `i`; returns
/// the index after the closing quote.
fn double_quoted(
    input: &[u8],
    i: usize,
    out: &mut Vec<u8>,
    text: &str,
    violations: &mut Vec<Violation>,
) -> Result<usize, ParseError> {
    let mut j = i + 1;
    while j < input.len() {
        match input[j] {
            b'"' => return Ok(j + 1),
            b'\\' if j + 1 < input.len() => {
                let c = input[j + 1];
                match c {
                    b'$' | b'`' | b'"' | b'\\' => out.push(c),
                    b'\n' => {}
                    b'\r' if input.get(j + 2) == Some(&b'\n') => j += 1,
                    b'!' => {
                        out.push(b'!');
                        push_once(violations, Violation::new(
                            "postman-escaped-bang",
                            "Postman cURL export",
                            "\\! inside double quotes: Postman writes ! this way, but bash keeps the backslash, so the command as pasted sends \\! where Postman signed !; read as !",
                        ));
                    }
                    _ => {
                        out.push(b'\\');
                        out.push(c);
                    }
                }
                j += 2;
            }
            b'$' if matches!(input.get(j + 1), Some(c) if c.is_ascii_alphabetic() || matches!(c, b'_' | b'{' | b'(')) =>
            {
                push_once(violations, expansion_violation());
                out.push(b'$');
                j += 1;
            }
            b'`' => {
                push_once(violations, expansion_violation());
                out.push(b'`');
                j += 1;
            }
            c => {
                out.push(c);
                j += 1;
            }
        }
    }
    Err(unterminated(text, i, "double-quoted string"))
}

/// Reads a bash `$'…'` string from just after the opening quote; returns
/// the index after the closing quote, or `None` when it is unterminated.
fn ansi_c(input: &[u8], mut j: usize, out: &mut Vec<u8>) -> Option<usize> {
    while j < input.len() {
        match input[j] {
            b'\'' => return Some(j + 1),
            b'\\' if j + 1 < input.len() => {
                let c = input[j + 1];
                j += 2;
                match c {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'e' | b'E' => out.push(27),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    b'\\' | b'\'' | b'"' | b'?' => out.push(c),
                    b'x' => {
                        let (v, used) = radix_digits(&input[j..], 16, 2);
                        if used == 0 {
                            out.extend_from_slice(b"\\x");
                        } else {
                            out.push(v as u8);
                        }
                        j += used;
                    }
                    b'u' | b'U' => {
                        let max = if c == b'u' { 4 } else { 8 };
                        let (v, used) = radix_digits(&input[j..], 16, max);
                        match char::from_u32(v).filter(|_| used > 0) {
                            Some(ch) => {
                                let mut buf = [0; 4];
                                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            }
                            None => {
                                out.push(b'\\');
                                out.push(c);
                            }
                        }
                        j += used;
                    }
                    b'0'..=b'7' => {
                        let (v, used) = radix_digits(&input[j - 1..], 8, 3);
                        out.push(v as u8);
                        j += used - 1;
                    }
                    b'c' if j < input.len() => {
                        out.push(input[j] & 0x1f);
                        j += 1;
                    }
                    _ => {
                        out.push(b'\\');
                        out.push(c);
                    }
                }
            }
            c => {
                out.push(c);
                j += 1;
            }
        }
    }
    None
}

/// Up to `max` digits in `radix` at the start of `s`: their value and count.
fn radix_digits(s: &[u8], radix: u32, max: usize) -> (u32, usize) {
    let mut v: u32 = 0;
    let mut used = 0;
    for &b in s.iter().take(max) {
        match (b as char).to_digit(radix) {
            Some(d) => {
                v = v.wrapping_mul(radix).wrapping_add(d);
                used += 1;
            }
            None => break,
        }
    }
    (v, used)
}

/// Windows cmd.exe: first cmd's own pass (`^` escapes and continuations,
/// `&`, `|`, `<`, `>` outside quotes), then the C runtime's argument
/// splitting (`"…"`, `""` and `\"` inside quotes, backslashes doubled
/// before a quote).
fn lex_cmd(input: &[u8], text: &str) -> Result<Lexed, ParseError> {
    let mut out = Lexed::default();
    // Pass 1: cmd.exe builds the command line; `map` keeps each byte's origin.
    let mut line: Vec<u8> = Vec::new();
    let mut map: Vec<usize> = Vec::new();
    let mut in_quotes = false;
    let mut quote_start = 0;
    let mut i = 0;
    let n = input.len();
    let mut started = false;
    while i < n {
        let b = input[i];
        if in_quotes {
            if b == b'\n' {
                return Err(unterminated(text, quote_start, "double-quoted string"));
            }
            if b == b'"' {
                in_quotes = false;
            }
            line.push(b);
            map.push(i);
            i += 1;
            continue;
        }
        match b {
            b'^' => {
                if let Some(next) = continuation_end(input, i) {
                    line.push(b' ');
                    map.push(i);
                    i = next;
                } else {
                    line.push(input[i + 1]);
                    map.push(i + 1);
                    i += 2;
                }
            }
            b'"' => {
                in_quotes = true;
                quote_start = i;
                started = true;
                line.push(b);
                map.push(i);
                i += 1;
            }
            b'\n' => {
                if started {
                    note_rest(
                        input,
                        i + 1,
                        &format!(
                            "at the end of line {} (no ^ continuation)",
                            text[..i.min(text.len())].matches('\n').count() + 1
                        ),
                        &mut out.violations,
                    );
                    break;
                }
                line.push(b' ');
                map.push(i);
                i += 1;
            }
            b'&' | b'|' => {
                note_rest(
                    input,
                    i + 1,
                    &format!("at {:?}", b as char),
                    &mut out.violations,
                );
                break;
            }
            b'<' | b'>' => {
                if line.last().is_some_and(u8::is_ascii_digit) {
                    line.pop();
                    map.pop();
                }
                i += 1;
                while i < n && matches!(input[i], b'>' | b'&') {
                    i += 1;
                }
                while i < n && matches!(input[i], b' ' | b'\t') {
                    i += 1;
                }
                while i < n && !matches!(input[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'%' => {
                if input[i + 1..]
                    .iter()
                    .take(64)
                    .take_while(|c| !matches!(c, b' ' | b'\n' | b'"'))
                    .any(|c| *c == b'%')
                {
                    push_once(&mut out.violations, expansion_violation());
                }
                started = true;
                line.push(b);
                map.push(i);
                i += 1;
            }
            _ => {
                if !matches!(b, b' ' | b'\t' | b'\r') {
                    started = true;
                }
                line.push(b);
                map.push(i);
                i += 1;
            }
        }
    }
    if in_quotes {
        return Err(unterminated(text, quote_start, "double-quoted string"));
    }
    map.push(n);

    // Pass 2: the C runtime splits the command line into arguments.
    let mut cur = Current::new();
    let mut in_q = false;
    let mut k = 0;
    while k < line.len() {
        let b = line[k];
        match b {
            b'\\' => {
                let run = line[k..].iter().take_while(|c| **c == b'\\').count();
                cur.begin(map[k]);
                if line.get(k + run) == Some(&b'"') {
                    cur.bytes.extend(std::iter::repeat(b'\\').take(run / 2));
                    if run % 2 == 1 {
                        cur.bytes.push(b'"');
                        k += run + 1;
                    } else {
                        k += run;
                    }
                } else {
                    cur.bytes.extend(std::iter::repeat(b'\\').take(run));
                    k += run;
                }
            }
            b'"' => {
                cur.begin(map[k]);
                if in_q && line.get(k + 1) == Some(&b'"') {
                    cur.bytes.push(b'"');
                    k += 2;
                } else {
                    in_q = !in_q;
                    k += 1;
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' if !in_q => {
                cur.finish(map[k], &mut out.words);
                k += 1;
            }
            _ => {
                cur.push(map[k], b);
                k += 1;
            }
        }
    }
    cur.finish(map[line.len()], &mut out.words);
    Ok(out)
}

/// PowerShell: `'…'` (with `''`), `"…"` with backtick escapes and `""`,
/// backtick escapes and line continuation outside quotes. The flag is set
/// when a double-quoted string ends in a backslash (`\"`), which is how
/// Postman's bash-style escapes look to PowerShell.
fn lex_powershell(input: &[u8], text: &str) -> Result<(Lexed, bool), ParseError> {
    let mut out = Lexed::default();
    let mut cur = Current::new();
    let mut bash_like = false;
    let mut i = 0;
    let n = input.len();
    while i < n {
        let b = input[i];
        match b {
            b'`' => {
                if let Some(next) = continuation_end(input, i) {
                    cur.finish(i, &mut out.words);
                    i = next;
                } else {
                    cur.push(i, input[i + 1]);
                    i += 2;
                }
            }
            b' ' | b'\t' | b'\r' => {
                cur.finish(i, &mut out.words);
                i += 1;
            }
            b'\n' => {
                cur.finish(i, &mut out.words);
                if !out.words.is_empty() {
                    note_rest(
                        input,
                        i + 1,
                        &format!(
                            "at the end of line {} (no ` continuation)",
                            text[..i.min(text.len())].matches('\n').count() + 1
                        ),
                        &mut out.violations,
                    );
                    return Ok((out, bash_like));
                }
                i += 1;
            }
            b'#' if cur.start.is_none() => {
                while i < n && input[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' => {
                cur.begin(i);
                let mut j = i + 1;
                loop {
                    match input.get(j) {
                        None => return Err(unterminated(text, i, "single-quoted string")),
                        Some(b'\'') if input.get(j + 1) == Some(&b'\'') => {
                            cur.bytes.push(b'\'');
                            j += 2;
                        }
                        Some(b'\'') => break,
                        Some(c) => {
                            cur.bytes.push(*c);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
            }
            b'"' => {
                cur.begin(i);
                let mut j = i + 1;
                loop {
                    match input.get(j) {
                        None => return Err(unterminated(text, i, "double-quoted string")),
                        Some(b'"') if input.get(j + 1) == Some(&b'"') => {
                            cur.bytes.push(b'"');
                            j += 2;
                        }
                        Some(b'"') => {
                            if input[j - 1] == b'\\' && j - 1 > i {
                                bash_like = true;
                            }
                            break;
                        }
                        Some(b'`') if j + 1 < n => {
                            let c = input[j + 1];
                            j += 2;
                            match c {
                                b'0' => cur.bytes.push(0),
                                b'a' => cur.bytes.push(7),
                                b'b' => cur.bytes.push(8),
                                b'e' => cur.bytes.push(27),
                                b'f' => cur.bytes.push(12),
                                b'n' => cur.bytes.push(b'\n'),
                                b'r' => cur.bytes.push(b'\r'),
                                b't' => cur.bytes.push(b'\t'),
                                b'v' => cur.bytes.push(11),
                                b'u' if input.get(j) == Some(&b'{') => {
                                    let (v, used) = radix_digits(&input[j + 1..], 16, 6);
                                    match char::from_u32(v).filter(|_| {
                                        used > 0 && input.get(j + 1 + used) == Some(&b'}')
                                    }) {
                                        Some(ch) => {
                                            let mut buf = [0; 4];
                                            cur.bytes.extend_from_slice(
                                                ch.encode_utf8(&mut buf).as_bytes(),
                                            );
                                            j += used + 2;
                                        }
                                        None => cur.bytes.push(b'u'),
                                    }
                                }
                                _ => cur.bytes.push(c),
                            }
                        }
                        Some(b'$') if matches!(input.get(j + 1), Some(c) if c.is_ascii_alphabetic() || matches!(c, b'_' | b'{' | b'(')) =>
                        {
                            push_once(&mut out.violations, expansion_violation());
                            cur.bytes.push(b'$');
                            j += 1;
                        }
                        Some(c) => {
                            cur.bytes.push(*c);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
            }
            b'|' | b';' => {
                cur.finish(i, &mut out.words);
                note_rest(
                    input,
                    i + 1,
                    &format!("at {:?}", b as char),
                    &mut out.violations,
                );
                return Ok((out, bash_like));
            }
            b'>' => {
                if cur.start.is_some() && cur.bytes.iter().all(u8::is_ascii_digit) {
                    cur = Current::new();
                }
                cur.finish(i, &mut out.words);
                i += 1;
                while i < n && matches!(input[i], b'>' | b'&') {
                    i += 1;
                }
                while i < n && matches!(input[i], b' ' | b'\t') {
                    i += 1;
                }
                while i < n && !matches!(input[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
            }
            _ => {
                if b == b'$'
                    && matches!(input.get(i + 1), Some(c) if c.is_ascii_alphabetic() || matches!(c, b'_' | b'{' | b'('))
                {
                    push_once(&mut out.violations, expansion_violation());
                }
                cur.push(i, b);
                i += 1;
            }
        }
    }
    cur.finish(n, &mut out.words);
    Ok((out, bash_like))
}

// ---------------------------------------------------------------------------
// curl's options

/// How a data option treats its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DataMode {
    /// `-d`, `--data`, `--data-ascii`: `@file` read with CR and LF removed.
    Ascii,
    /// `--data-binary`: `@file` read as is.
    Binary,
    /// `--data-raw`: no `@` processing.
    Raw,
    /// `--data-urlencode`: `content`, `=content`, `name=content`, `@file`, `name@file`.
    Urlencode,
    /// `--json`: like `--data-binary`, with JSON headers.
    Json,
}

/// What an option does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Request,
    Header,
    Data(DataMode),
    Form {
        literal: bool,
    },
    Get,
    Head,
    Url,
    User,
    UserAgent,
    Referer,
    Cookie,
    UrlQuery,
    Globoff,
    PathAsIs,
    Bearer,
    /// Does not change the request that is signed.
    Ignore,
    /// Changes the request in a way this reader does not model.
    Unsupported(&'static str),
}

/// (long name, short letter, takes an argument, effect)
#[rustfmt::skip]
const OPTIONS: &[(&str, Option<char>, bool, Effect)] = &[
    ("request", Some('X'), true, Effect::Request),
    ("header", Some('H'), true, Effect::Header),
    ("data", Some('d'), true, Effect::Data(DataMode::Ascii)),
    ("data-ascii", None, true, Effect::Data(DataMode::Ascii)),
    ("data-binary", None, true, Effect::Data(DataMode::Binary)),
    ("data-raw", None, true, Effect::Data(DataMode::Raw)),
    ("data-urlencode", None, true, Effect::Data(DataMode::Urlencode)),
    ("json", None, true, Effect::Data(DataMode::Json)),
    ("form", Some('F'), true, Effect::Form { literal: false }),
    ("form-string", None, true, Effect::Form { literal: true }),
    ("get", Some('G'), false, Effect::Get),
    ("head", Some('I'), false, Effect::Head),
    ("url", None, true, Effect::Url),
    ("user", Some('u'), true, Effect::User),
    ("user-agent", Some('A'), true, Effect::UserAgent),
    ("referer", Some('e'), true, Effect::Referer),
    ("cookie", Some('b'), true, Effect::Cookie),
    ("url-query", None, true, Effect::UrlQuery),
    ("globoff", Some('g'), false, Effect::Globoff),
    ("path-as-is", None, false, Effect::PathAsIs),
    ("oauth2-bearer", None, true, Effect::Bearer),
    // Options that change the request in ways not modelled here.
    ("config", Some('K'), true, Effect::Unsupported("it reads more options from a file")),
    ("upload-file", Some('T'), true, Effect::Unsupported("it sends a file as the body with PUT")),
    ("request-target", None, true, Effect::Unsupported("it replaces the request target that is signed")),
    ("aws-sigv4", None, true, Effect::Unsupported("it adds an AWS Signature V4 Authorization header")),
    ("digest", None, false, Effect::Unsupported("it uses HTTP Digest authentication")),
    ("ntlm", None, false, Effect::Unsupported("it uses NTLM authentication")),
    ("ntlm-wb", None, false, Effect::Unsupported("it uses NTLM authentication")),
    ("negotiate", None, false, Effect::Unsupported("it uses SPNEGO authentication")),
    ("next", Some(':'), false, Effect::Unsupported("it starts a second request with other options")),
    ("variable", None, true, Effect::Unsupported("it defines variables expanded into the request")),
    ("expand-url", None, true, Effect::Unsupported("it expands variables into the URL")),
    ("expand-data", None, true, Effect::Unsupported("it expands variables into the body")),
    ("expand-header", None, true, Effect::Unsupported("it expands variables into a header")),
    // Options with an argument that do not change the signed request.
    ("output", Some('o'), true, Effect::Ignore),
    ("max-time", Some('m'), true, Effect::Ignore),
    ("connect-timeout", None, true, Effect::Ignore),
    ("retry", None, true, Effect::Ignore),
    ("retry-delay", None, true, Effect::Ignore),
    ("retry-max-time", None, true, Effect::Ignore),
    ("write-out", Some('w'), true, Effect::Ignore),
    ("proxy", Some('x'), true, Effect::Ignore),
    ("proxy-user", Some('U'), true, Effect::Ignore),
    ("proxy-header", None, true, Effect::Ignore),
    ("noproxy", None, true, Effect::Ignore),
    ("preproxy", None, true, Effect::Ignore),
    ("socks5", None, true, Effect::Ignore),
    ("socks5-hostname", None, true, Effect::Ignore),
    ("socks4", None, true, Effect::Ignore),
    ("socks4a", None, true, Effect::Ignore),
    ("cacert", None, true, Effect::Ignore),
    ("capath", None, true, Effect::Ignore),
    ("cert", Some('E'), true, Effect::Ignore),
    ("cert-type", None, true, Effect::Ignore),
    ("key", None, true, Effect::Ignore),
    ("key-type", None, true, Effect::Ignore),
    ("pass", None, true, Effect::Ignore),
    ("ciphers", None, true, Effect::Ignore),
    ("tls-max", None, true, Effect::Ignore),
    ("resolve", None, true, Effect::Ignore),
    ("connect-to", None, true, Effect::Ignore),
    ("dns-servers", None, true, Effect::Ignore),
    ("interface", None, true, Effect::Ignore),
    ("local-port", None, true, Effect::Ignore),
    ("unix-socket", None, true, Effect::Ignore),
    ("abstract-unix-socket", None, true, Effect::Ignore),
    ("max-redirs", None, true, Effect::Ignore),
    ("max-filesize", None, true, Effect::Ignore),
    ("limit-rate", None, true, Effect::Ignore),
    ("speed-limit", Some('Y'), true, Effect::Ignore),
    ("speed-time", Some('y'), true, Effect::Ignore),
    ("dump-header", Some('D'), true, Effect::Ignore),
    ("cookie-jar", Some('c'), true, Effect::Ignore),
    ("trace", None, true, Effect::Ignore),
    ("trace-ascii", None, true, Effect::Ignore),
    ("stderr", None, true, Effect::Ignore),
    ("range", Some('r'), true, Effect::Ignore),
    ("continue-at", Some('C'), true, Effect::Ignore),
    ("time-cond", Some('z'), true, Effect::Ignore),
    ("proto", None, true, Effect::Ignore),
    ("proto-redir", None, true, Effect::Ignore),
    ("proto-default", None, true, Effect::Ignore),
    ("keepalive-time", None, true, Effect::Ignore),
    ("expect100-timeout", None, true, Effect::Ignore),
    ("output-dir", None, true, Effect::Ignore),
    ("netrc-file", None, true, Effect::Ignore),
    ("quote", Some('Q'), true, Effect::Ignore),
    ("telnet-option", Some('t'), true, Effect::Ignore),
    ("ftp-port", Some('P'), true, Effect::Ignore),
    // Flags that do not change the signed request.
    ("location", Some('L'), false, Effect::Ignore),
    ("location-trusted", None, false, Effect::Ignore),
    ("silent", Some('s'), false, Effect::Ignore),
    ("show-error", Some('S'), false, Effect::Ignore),
    ("insecure", Some('k'), false, Effect::Ignore),
    ("include", Some('i'), false, Effect::Ignore),
    ("verbose", Some('v'), false, Effect::Ignore),
    ("compressed", None, false, Effect::Ignore),
    ("fail", Some('f'), false, Effect::Ignore),
    ("fail-with-body", None, false, Effect::Ignore),
    ("remote-name", Some('O'), false, Effect::Ignore),
    ("remote-header-name", Some('J'), false, Effect::Ignore),
    ("no-buffer", Some('N'), false, Effect::Ignore),
    ("progress-bar", Some('#'), false, Effect::Ignore),
    ("no-progress-meter", None, false, Effect::Ignore),
    ("ipv4", Some('4'), false, Effect::Ignore),
    ("ipv6", Some('6'), false, Effect::Ignore),
    ("http1.0", Some('0'), false, Effect::Ignore),
    ("http1.1", None, false, Effect::Ignore),
    ("http2", None, false, Effect::Ignore),
    ("http2-prior-knowledge", None, false, Effect::Ignore),
    ("http3", None, false, Effect::Ignore),
    ("http3-only", None, false, Effect::Ignore),
    ("tlsv1", Some('1'), false, Effect::Ignore),
    ("tlsv1.0", None, false, Effect::Ignore),
    ("tlsv1.1", None, false, Effect::Ignore),
    ("tlsv1.2", None, false, Effect::Ignore),
    ("tlsv1.3", None, false, Effect::Ignore),
    ("sslv2", Some('2'), false, Effect::Ignore),
    ("sslv3", Some('3'), false, Effect::Ignore),
    ("basic", None, false, Effect::Ignore),
    ("anyauth", None, false, Effect::Ignore),
    ("tcp-nodelay", None, false, Effect::Ignore),
    ("tcp-fastopen", None, false, Effect::Ignore),
    ("raw", None, false, Effect::Ignore),
    ("junk-session-cookies", Some('j'), false, Effect::Ignore),
    ("list-only", Some('l'), false, Effect::Ignore),
    ("netrc", Some('n'), false, Effect::Ignore),
    ("netrc-optional", None, false, Effect::Ignore),
    ("proxytunnel", Some('p'), false, Effect::Ignore),
    ("disable", Some('q'), false, Effect::Ignore),
    ("remote-time", Some('R'), false, Effect::Ignore),
    ("use-ascii", Some('B'), false, Effect::Ignore),
    ("manual", Some('M'), false, Effect::Ignore),
    ("version", Some('V'), false, Effect::Ignore),
    ("help", Some('h'), false, Effect::Ignore),
    ("parallel", Some('Z'), false, Effect::Ignore),
    ("append", Some('a'), false, Effect::Ignore),
    ("create-dirs", None, false, Effect::Ignore),
    ("ssl", None, false, Effect::Ignore),
    ("ssl-reqd", None, false, Effect::Ignore),
    ("ssl-no-revoke", None, false, Effect::Ignore),
    ("no-keepalive", None, false, Effect::Ignore),
    ("no-sessionid", None, false, Effect::Ignore),
    ("no-alpn", None, false, Effect::Ignore),
    ("no-npn", None, false, Effect::Ignore),
    ("proxy-insecure", None, false, Effect::Ignore),
    ("retry-connrefused", None, false, Effect::Ignore),
    ("retry-all-errors", None, false, Effect::Ignore),
    ("ignore-content-length", None, false, Effect::Ignore),
    ("fail-early", None, false, Effect::Ignore),
    ("post301", None, false, Effect::Ignore),
    ("post302", None, false, Effect::Ignore),
    ("post303", None, false, Effect::Ignore),
    ("styled-output", None, false, Effect::Ignore),
    ("suppress-connect-headers", None, false, Effect::Ignore),
    ("cert-status", None, false, Effect::Ignore),
    ("false-start", None, false, Effect::Ignore),
    ("xattr", None, false, Effect::Ignore),
];

fn lookup_long(name: &str) -> Option<(bool, Effect)> {
    OPTIONS
        .iter()
        .find(|(long, ..)| *long == name)
        .map(|(_, _, arg, e)| (*arg, *e))
}

fn lookup_short(c: char) -> Option<(&'static str, bool, Effect)> {
    OPTIONS
        .iter()
        .find(|(_, short, ..)| *short == Some(c))
        .map(|(long, _, arg, e)| (*long, *arg, *e))
}

/// One `-F` part.
#[derive(Debug)]
struct FormPart {
    name: String,
    content: Vec<u8>,
    filename: Option<String>,
    content_type: Option<String>,
}

/// Collects the effect of every option, then builds the request(s).
struct Builder<'a> {
    text: &'a str,
    files: &'a dyn Files,
    words: Vec<Word>,
    file_cache: HashMap<String, Vec<u8>>,
    read_total: usize,
    /// The option being applied (`-d`, `--header`), for the assumptions.
    option: String,
    method: Option<String>,
    urls: Vec<Word>,
    headers: Vec<(String, String)>,
    /// Lower-cased names of headers curl must not add (`-H 'Name:'`).
    removed: HashSet<String>,
    data: Vec<Vec<u8>>,
    data_len: usize,
    json: bool,
    form: Vec<FormPart>,
    form_span: Option<Span>,
    data_span: Option<Span>,
    url_query: Vec<Vec<u8>>,
    get: bool,
    head: bool,
    globoff: bool,
    path_as_is: bool,
    user: Option<String>,
    user_agent: Option<String>,
    referer: Option<String>,
    cookie: Option<String>,
    bearer: Option<String>,
    unknown: Vec<String>,
    /// `--location` written out, as Postman's exporter does by default.
    postman_shape: bool,
    violations: Vec<Violation>,
    assumptions: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, files: &'a dyn Files, lexed: Lexed) -> Builder<'a> {
        Builder {
            text,
            files,
            words: lexed.words,
            file_cache: HashMap::new(),
            read_total: 0,
            option: String::new(),
            method: None,
            urls: Vec::new(),
            headers: Vec::new(),
            removed: HashSet::new(),
            data: Vec::new(),
            data_len: 0,
            json: false,
            form: Vec::new(),
            form_span: None,
            data_span: None,
            url_query: Vec::new(),
            get: false,
            head: false,
            globoff: false,
            path_as_is: false,
            user: None,
            user_agent: None,
            referer: None,
            cookie: None,
            bearer: None,
            unknown: Vec::new(),
            postman_shape: false,
            violations: lexed.violations,
            assumptions: Vec::new(),
        }
    }

    fn error(&self, kind: ParseErrorKind, span: Span) -> ParseError {
        err(self.text, kind, span)
    }

    fn build(mut self) -> Result<Vec<ReadRequest>, ParseError> {
        let mut words = std::mem::take(&mut self.words);
        // A shell prompt pasted along with the command.
        if words.len() > 1 && matches!(words[0].bytes.as_slice(), b"$" | b">" | b"%" | b"PS>") {
            words.remove(0);
        }
        let Some(first) = words.first() else {
            return Err(self
                .error(
                    ParseErrorKind::Missing {
                        what: "curl command (the input is empty)".into(),
                    },
                    Span::at(0),
                )
                .with_hint("paste the whole command, starting with curl"));
        };
        let program = first.text();
        let base = program.rsplit(['/', '\\']).next().unwrap_or("");
        if !(base.eq_ignore_ascii_case("curl") || base.eq_ignore_ascii_case("curl.exe")) {
            return Err(self
                .error(
                    ParseErrorKind::Expected {
                        expected: "the command curl".into(),
                        found: format!("{program:?}"),
                    },
                    first.span,
                )
                .with_hint(
                    "the input must be a curl command line, e.g. curl --request POST 'https://…'",
                ));
        }
        let mut k = 1;
        while k < words.len() {
            let w = &words[k];
            let t = w.text();
            if t.starts_with("--") && t.len() > 2 {
                let (name, inline) = match t[2..].split_once('=') {
                    Some((n, v)) if lookup_long(n).is_some() => {
                        (n.to_string(), Some(v.to_string()))
                    }
                    _ => (t[2..].to_string(), None),
                };
                let looked = lookup_long(&name).or_else(|| {
                    // --no-<flag> turns a flag off: never changes the signed request here.
                    name.strip_prefix("no-")
                        .and_then(lookup_long)
                        .filter(|(arg, _)| !arg)
                        .map(|_| (false, Effect::Ignore))
                });
                if name == "location" {
                    self.postman_shape = true;
                }
                let Some((takes_arg, effect)) = looked else {
                    self.unknown.push(t.clone());
                    k += 1;
                    continue;
                };
                if takes_arg {
                    let arg = match inline {
                        Some(v) => {
                            self.violations.push(Violation::new(
                                "curl-option-equals",
                                "curl(1)",
                                format!("curl does not accept --{name}=value (it would say the option is unknown); read as --{name} {v:?}"),
                            ));
                            Word {
                                bytes: v.into_bytes(),
                                span: w.span,
                            }
                        }
                        None => {
                            k += 1;
                            self.argument(&words, k, w, &format!("--{name}"))?
                        }
                    };
                    self.apply(effect, &format!("--{name}"), w.span, Some(arg))?;
                } else {
                    self.apply(effect, &format!("--{name}"), w.span, None)?;
                }
                k += 1;
            } else if t.starts_with('-') && t.len() > 1 {
                // Short options are ASCII letters, possibly clustered (-sSL, -XPOST).
                let mut c = 1;
                while c < w.bytes.len() {
                    let letter = w.bytes[c] as char;
                    let looked = lookup_short(letter).filter(|_| w.bytes[c].is_ascii());
                    let Some((long, takes_arg, effect)) = looked else {
                        self.unknown
                            .push(format!("-{}", String::from_utf8_lossy(&w.bytes[c..c + 1])));
                        c += 1;
                        continue;
                    };
                    if takes_arg {
                        let rest_at = c + 1;
                        let arg = if rest_at < w.bytes.len() {
                            // -XPOST, -H'…': the rest of the word is the argument.
                            Word {
                                bytes: w.bytes[rest_at..].to_vec(),
                                span: w.span,
                            }
                        } else {
                            k += 1;
                            self.argument(&words, k, w, &format!("-{letter} (--{long})"))?
                        };
                        self.apply(effect, &format!("-{letter}"), w.span, Some(arg))?;
                        break;
                    }
                    self.apply(effect, &format!("-{letter}"), w.span, None)?;
                    c += 1;
                }
                k += 1;
            } else {
                self.urls.push(w.clone());
                k += 1;
            }
        }
        self.finish(&words)
    }

    fn argument(
        &self,
        words: &[Word],
        k: usize,
        option: &Word,
        name: &str,
    ) -> Result<Word, ParseError> {
        words.get(k).cloned().ok_or_else(|| {
            self.error(
                ParseErrorKind::Expected {
                    expected: format!("an argument after {name}"),
                    found: "the end of the command".into(),
                },
                option.span,
            )
            .with_hint(format!(
                "{name} takes a value, e.g. {name} 'value'; quote it if it has spaces"
            ))
        })
    }

    /// The content of `path`, through [`Files`], counted against [`MAX_INPUT`].
    /// Each file read is listed in the assumptions, with its size and how
    /// its path was resolved, since its content becomes part of the request.
    fn file(&mut self, path: &str, span: Span) -> Result<Vec<u8>, ParseError> {
        if let Some(c) = self.file_cache.get(path) {
            return Ok(c.clone());
        }
        let content = self.files.read(path).map_err(|reason| {
            self.error(
                ParseErrorKind::Invalid {
                    what: format!("@{path}"),
                    reason,
                },
                span,
            )
            .with_hint("use --data-raw to send a literal @")
        })?;
        self.read_total += content.len();
        if self.read_total > MAX_INPUT {
            return Err(self.error(
                ParseErrorKind::Invalid {
                    what: format!("@{path}"),
                    reason: format!(
                        "the files the command reads add up to more than the {MAX_INPUT}-byte (16 MiB) limit"
                    ),
                },
                span,
            ));
        }
        let how = self
            .files
            .describe(path)
            .map(|d| format!(", {d}"))
            .unwrap_or_default();
        self.assumptions.push(format!(
            "read @{path} ({} bytes) for {}{how}",
            content.len(),
            self.option
        ));
        self.file_cache.insert(path.to_string(), content.clone());
        Ok(content)
    }

    fn apply(
        &mut self,
        effect: Effect,
        name: &str,
        span: Span,
        arg: Option<Word>,
    ) -> Result<(), ParseError> {
        let arg_span = arg.as_ref().map_or(span, |a| a.span);
        name.clone_into(&mut self.option);
        let text = arg.as_ref().map(Word::text).unwrap_or_default();
        let bytes = arg.map(|a| a.bytes).unwrap_or_default();
        match effect {
            Effect::Request => self.method = Some(text),
            Effect::Header => self.header(&text, arg_span)?,
            Effect::Data(mode) => {
                self.data_span.get_or_insert(arg_span);
                let part = self.data(mode, &bytes, arg_span)?;
                // Repeated --json pieces are concatenated; other data is joined with `&`.
                let glue = !(mode == DataMode::Json && self.json);
                self.add_data(part, glue, arg_span)?;
                if mode == DataMode::Json {
                    self.json = true;
                }
            }
            Effect::Form { literal } => {
                self.form_span.get_or_insert(arg_span);
                let part = self.form_part(&text, literal, arg_span)?;
                self.form.push(part);
            }
            Effect::Get => self.get = true,
            Effect::Head => self.head = true,
            Effect::Url => self.urls.push(Word {
                bytes,
                span: arg_span,
            }),
            Effect::User => self.user = Some(text),
            Effect::UserAgent => self.user_agent = Some(text),
            Effect::Referer => self.referer = Some(text),
            Effect::Cookie => self.cookie = Some(text),
            Effect::UrlQuery => {
                // `+text` is added as is; anything else as --data-urlencode encodes it.
                let part = match bytes.strip_prefix(b"+") {
                    Some(raw) => raw.to_vec(),
                    None => self.data(DataMode::Urlencode, &bytes, arg_span)?,
                };
                self.url_query.push(part);
            }
            Effect::Globoff => self.globoff = true,
            Effect::PathAsIs => self.path_as_is = true,
            Effect::Bearer => self.bearer = Some(text),
            Effect::Ignore => {}
            Effect::Unsupported(why) => {
                return Err(self
                    .error(
                        ParseErrorKind::Invalid {
                            what: format!("option {name}"),
                            reason: format!("{why}, which changes the request that is signed"),
                        },
                        span,
                    )
                    .with_hint("remove it, or give the request as raw HTTP or HAR instead"))
            }
        }
        Ok(())
    }

    fn add_data(&mut self, part: Vec<u8>, separate: bool, span: Span) -> Result<(), ParseError> {
        self.data_len += part.len() + 1;
        let total = self.data_len;
        if total > MAX_INPUT {
            return Err(self.error(
                ParseErrorKind::TooLarge {
                    limit: MAX_INPUT,
                    actual: total,
                },
                span,
            ));
        }
        match self.data.last_mut() {
            Some(last) if !separate => last.extend_from_slice(&part),
            _ => self.data.push(part),
        }
        Ok(())
    }

    /// `-H`: `Name: value` adds a header, `Name:` removes one curl would
    /// add, `Name;` sends it empty, `@file` reads one header per line.
    ///
    /// As in curl, a line of the file is a header line and nothing else: a
    /// line `@other` is not read as a file again (curl sends no such
    /// header, since it has no colon), so nothing nests.
    fn header(&mut self, text: &str, span: Span) -> Result<(), ParseError> {
        if let Some(path) = text.strip_prefix('@') {
            let content = self.file(path, span)?;
            for line in String::from_utf8_lossy(&content).lines() {
                if !line.trim().is_empty() {
                    self.header_line(line);
                }
            }
            return Ok(());
        }
        self.header_line(text);
        Ok(())
    }

    /// One header line, from the command or from a `-H @file`.
    fn header_line(&mut self, text: &str) {
        match text.find([':', ';']) {
            Some(p) if text.as_bytes()[p] == b':' => {
                let name = text[..p].trim().to_string();
                let value = text[p + 1..].trim().to_string();
                if value.is_empty() {
                    // `Name:` is not sent: it stops curl adding its own `Name`.
                    self.removed.insert(name.to_ascii_lowercase());
                } else {
                    self.headers.push((name, value));
                }
            }
            Some(p) if text[p + 1..].trim().is_empty() => {
                self.headers
                    .push((text[..p].trim().to_string(), String::new()));
            }
            _ => self.violations.push(Violation::new(
                "curl-header-without-colon",
                "curl(1)",
                format!("-H {text:?} has no colon; curl does not send it"),
            )),
        }
    }

    /// What one data option adds to the body, before joining with `&`.
    fn data(&mut self, mode: DataMode, arg: &[u8], span: Span) -> Result<Vec<u8>, ParseError> {
        match mode {
            DataMode::Raw => Ok(arg.to_vec()),
            DataMode::Ascii | DataMode::Binary | DataMode::Json => match arg.strip_prefix(b"@") {
                Some(path) => {
                    let content = self.file(&String::from_utf8_lossy(path), span)?;
                    Ok(if mode == DataMode::Ascii {
                        content
                            .into_iter()
                            .filter(|b| *b != b'\r' && *b != b'\n')
                            .collect()
                    } else {
                        content
                    })
                }
                None => Ok(arg.to_vec()),
            },
            DataMode::Urlencode => {
                // curl: "=content", "name=content", "@file", "name@file", "content";
                // a `=` anywhere wins over `@` (curl looks for `@` only without `=`).
                let eq = arg.iter().position(|b| *b == b'=');
                let at = arg.iter().position(|b| *b == b'@');
                match (eq, at) {
                    (Some(e), _) => {
                        let mut out = arg[..e].to_vec();
                        if e > 0 {
                            out.push(b'=');
                        }
                        out.extend_from_slice(encode_bytes(&arg[e + 1..]).as_bytes());
                        Ok(out)
                    }
                    (_, Some(a)) => {
                        let content = self.file(&String::from_utf8_lossy(&arg[a + 1..]), span)?;
                        let mut out = arg[..a].to_vec();
                        if a > 0 {
                            out.push(b'=');
                        }
                        out.extend_from_slice(encode_bytes(&content).as_bytes());
                        Ok(out)
                    }
                    _ => Ok(encode_bytes(arg).into_bytes()),
                }
            }
        }
    }

    /// `-F name=value`, `name=@file`, `name=<file`, with `;type=` and `;filename=`.
    fn form_part(&mut self, text: &str, literal: bool, span: Span) -> Result<FormPart, ParseError> {
        let Some((name, value)) = text.split_once('=') else {
            return Err(self
                .error(
                    ParseErrorKind::Expected {
                        expected: "name=content in -F".into(),
                        found: format!("{text:?}"),
                    },
                    span,
                )
                .with_hint("write -F 'name=value' or -F 'name=@file'"));
        };
        let mut part = FormPart {
            name: name.to_string(),
            content: Vec::new(),
            filename: None,
            content_type: None,
        };
        if literal {
            part.content = value.as_bytes().to_vec();
            return Ok(part);
        }
        let mut pieces = value.split(';');
        let main = pieces.next().unwrap_or("");
        for p in pieces {
            if let Some(t) = p.trim().strip_prefix("type=") {
                part.content_type = Some(t.to_string());
            } else if let Some(f) = p.trim().strip_prefix("filename=") {
                part.filename = Some(f.trim_matches('"').to_string());
            }
        }
        if let Some(path) = main.strip_prefix('@') {
            part.content = self.file(path, span)?;
            if part.filename.is_none() {
                part.filename = Some(path.rsplit(['/', '\\']).next().unwrap_or(path).to_string());
            }
            part.content_type
                .get_or_insert_with(|| "application/octet-stream".into());
        } else if let Some(path) = main.strip_prefix('<') {
            part.content = self.file(path, span)?;
        } else {
            part.content = main.as_bytes().to_vec();
        }
        Ok(part)
    }

    fn multipart_body(&self) -> Vec<u8> {
        let mut body = Vec::new();
        for p in &self.form {
            body.extend_from_slice(format!("--{FORM_BOUNDARY}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", p.name);
            if let Some(f) = &p.filename {
                disposition.push_str(&format!("; filename=\"{f}\""));
            }
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(b"\r\n");
            if let Some(t) = &p.content_type {
                body.extend_from_slice(format!("Content-Type: {t}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&p.content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{FORM_BOUNDARY}--\r\n").as_bytes());
        body
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
            || self.removed.contains(&name.to_ascii_lowercase())
    }

    /// Adds a header curl would add itself, unless `-H` set or removed it
    /// or the value is empty (`-A ''` removes User-Agent). The value is
    /// trimmed, as every reader trims field values.
    fn default_header(&mut self, name: &str, value: String) {
        let value = value.trim();
        if !value.is_empty() && !self.has_header(name) {
            self.headers.push((name.to_string(), value.to_string()));
        }
    }

    fn finish(mut self, words: &[Word]) -> Result<Vec<ReadRequest>, ParseError> {
        let end = words.last().map_or(0, |w| w.span.end);
        if self.urls.is_empty() {
            return Err(self
                .error(
                    ParseErrorKind::Missing { what: "URL".into() },
                    Span::at(end),
                )
                .with_hint("put the URL after curl (curl 'https://…') or use --url"));
        }
        if !self.unknown.is_empty() {
            self.violations.push(Violation::new(
                "curl-unknown-options",
                "curl(1)",
                format!(
                    "options this reader does not know were skipped: {}",
                    self.unknown.join(", ")
                ),
            ));
        }
        let has_data = !self.data.is_empty();
        if !self.form.is_empty() && (has_data || self.get || self.head) {
            let span = self.form_span.unwrap_or_default();
            return Err(self
                .error(
                    ParseErrorKind::Invalid {
                        what: "combination of options".into(),
                        reason: "-F (multipart) cannot be combined with -d, -G or -I; curl refuses: \"You can only select one HTTP request method!\"".into(),
                    },
                    span,
                )
                .with_hint("keep either the -d options or the -F options"));
        }
        if self.head && has_data && !self.get {
            let span = self.data_span.unwrap_or_default();
            return Err(self
                .error(
                    ParseErrorKind::Invalid {
                        what: "combination of options".into(),
                        reason: "-I (HEAD) cannot be combined with -d unless -G moves the data to the query; curl refuses".into(),
                    },
                    span,
                )
                .with_hint("remove -I, or add -G"));
        }
        let data = self.data.join(&b'&');
        let default_method = if self.head {
            "HEAD"
        } else if self.get {
            "GET"
        } else if has_data || !self.form.is_empty() {
            "POST"
        } else {
            "GET"
        };
        let method = self.method.clone().unwrap_or_else(|| default_method.into());

        // Headers curl adds itself that matter here.
        let mut body = Vec::new();
        if has_data && !self.get {
            body = data.clone();
            if self.json {
                self.default_header("Content-Type", "application/json".into());
                self.default_header("Accept", "application/json".into());
            } else if !self.has_header("content-type") {
                self.headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
                self.assumptions.push("curl adds Content-Type: application/x-www-form-urlencoded for -d/--data, so the body is signed as form parameters (RFC 5849 §3.4.1.3.1)".into());
            }
        } else if !self.form.is_empty() {
            body = self.multipart_body();
            let ct = match self
                .headers
                .iter()
                .position(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                Some(i) => {
                    let v = format!("{}; boundary={FORM_BOUNDARY}", self.headers[i].1);
                    self.headers.remove(i);
                    v
                }
                None => format!("multipart/form-data; boundary={FORM_BOUNDARY}"),
            };
            if !self.removed.contains("content-type") {
                self.headers.push(("Content-Type".into(), ct));
            }
            self.assumptions.push("-F sends a multipart/form-data body: its fields are not signed (RFC 5849 §3.4.1.3.1); curl picks a random boundary, a fixed one is used here".into());
        }
        if let Some(token) = self.bearer.clone() {
            self.default_header("Authorization", format!("Bearer {token}"));
            self.violations.push(Violation::new(
                "curl-oauth2-bearer",
                "curl(1)",
                "--oauth2-bearer sends an OAuth 2.0 bearer token, not an OAuth 1.0 signature",
            ));
        }
        if let Some(user) = self.user.clone() {
            use base64::Engine;
            let creds = if user.contains(':') {
                user.clone()
            } else {
                format!("{user}:")
            };
            let encoded = base64::engine::general_purpose::STANDARD.encode(creds);
            let had_auth = self.has_header("authorization");
            self.default_header("Authorization", format!("Basic {encoded}"));
            self.violations.push(Violation::new(
                "curl-basic-auth",
                "curl(1)",
                if had_auth {
                    "-u/--user asks for HTTP Basic authentication, which is not OAuth; the Authorization header given with -H replaces it"
                } else {
                    "-u/--user sends HTTP Basic authentication (Authorization: Basic …), which is not OAuth 1.0"
                },
            ));
        }
        if let Some(ua) = self.user_agent.clone() {
            self.default_header("User-Agent", ua);
        }
        if let Some(r) = self.referer.clone() {
            let r = r.strip_suffix(";auto").unwrap_or(&r).to_string();
            if !r.is_empty() {
                self.default_header("Referer", r);
            }
        }
        if let Some(c) = self.cookie.clone() {
            if c.contains('=') {
                self.default_header("Cookie", c);
            } else {
                self.violations.push(Violation::new(
                    "curl-cookie-file",
                    "curl(1)",
                    format!(
                        "-b {c:?} names a cookie file, which is not read; cookies are never signed"
                    ),
                ));
            }
        }

        let urls = std::mem::take(&mut self.urls);
        if urls.len() > MAX_URLS {
            return Err(self
                .error(
                    ParseErrorKind::Invalid {
                        what: "cURL command".into(),
                        reason: format!("it names {} URLs, more than {MAX_URLS}", urls.len()),
                    },
                    urls[MAX_URLS].span,
                )
                .with_hint("give the one request to check"));
        }
        let mut extras: Vec<&[u8]> = Vec::new();
        if self.get && !data.is_empty() {
            extras.push(&data);
        }
        extras.extend(self.url_query.iter().map(Vec::as_slice));
        let extra = String::from_utf8_lossy(&extras.join(&b'&')).into_owned();
        let header_len: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        let each = body.len() + extra.len() + header_len;
        if urls.len().saturating_mul(each) > 4 * MAX_INPUT {
            return Err(self
                .error(
                    ParseErrorKind::TooLarge {
                        limit: 4 * MAX_INPUT,
                        actual: urls.len().saturating_mul(each),
                    },
                    urls[0].span,
                )
                .with_hint(
                    "the command names many URLs and each would carry the whole body; give one URL",
                ));
        }
        let many = urls.len() > 1;
        let mut out = Vec::with_capacity(urls.len());
        for (i, u) in urls.iter().enumerate() {
            let mut violations = self.violations.clone();
            let mut assumptions = self.assumptions.clone();
            let url = self.url(u, &extra, &mut violations, &mut assumptions);
            let request = Request {
                method: method.clone(),
                url,
                headers: self.headers.clone(),
                body: body.clone(),
            };
            let mut read = ReadRequest::new(request, Format::Curl);
            read.violations = violations;
            read.assumptions = assumptions;
            if many {
                read.label = Some(format!("URL {}", i + 1));
            }
            out.push(read);
        }
        Ok(out)
    }

    /// The URL curl requests: scheme guessed, `-G` data and `--url-query`
    /// appended, Postman's quirks read as Postman meant them.
    fn url(
        &self,
        word: &Word,
        extra: &str,
        violations: &mut Vec<Violation>,
        assumptions: &mut Vec<String>,
    ) -> String {
        let mut url = word.text();
        if !url.contains("://") {
            url = format!("http://{url}");
            assumptions.push("the URL has no scheme: curl uses http://".into());
        }
        let (mut head, fragment) = match url.find('#') {
            Some(p) => (url[..p].to_string(), url[p..].to_string()),
            None => (url.clone(), String::new()),
        };
        if !extra.is_empty() {
            head.push(if head.contains('?') { '&' } else { '?' });
            head.push_str(extra);
        }
        if let Some(q) = head.find('?') {
            let (path, query) = head.split_at(q + 1);
            let mut nulls = Vec::new();
            let parts: Vec<String> = query
                .split('&')
                .map(|p| match p.strip_suffix("=null") {
                    Some(k) if !k.is_empty() && !k.contains('=') => {
                        nulls.push(k.to_string());
                        k.to_string()
                    }
                    _ => p.to_string(),
                })
                .collect();
            if !nulls.is_empty() && self.postman_shape {
                violations.push(Violation::new(
                    "postman-null-query-value",
                    "Postman cURL export",
                    format!("query {} written as key=null: Postman exports a query key that has no value this way, so it is read as the key alone (signed as key=); curl itself would send the literal value null", nulls.join(", ")),
                ));
                head = format!("{path}{}", parts.join("&"));
            } else if !nulls.is_empty() {
                violations.push(Violation::new(
                    "postman-null-query-value",
                    "Postman cURL export",
                    format!("query {} has the value null: Postman exports a key that has no value this way, but without Postman's --location this command is read as written", nulls.join(", ")),
                ));
            }
            let reencoded = [
                "%27", "%2F", "%3D", "%3A", "%40", "%2C", "%21", "%28", "%29", "%2A",
            ];
            if parts
                .iter()
                .any(|p| reencoded.iter().any(|r| p.to_ascii_uppercase().contains(r)))
            {
                violations.push(Violation::new(
                    "postman-reencoded-query",
                    "Postman cURL export",
                    "the query holds percent-encoded characters that Postman's exporter re-encodes (' / = : @ , ! ( ) *): the URL may not be byte-identical to the one Postman sent, but the decoded parameters, and so the signature, are the same",
                ));
            }
        }
        if !self.globoff && head.contains(['[', ']', '{', '}']) {
            violations.push(Violation::new(
                "curl-url-globbing",
                "curl(1)",
                "the URL holds [ ] { }, which curl expands as a glob pattern unless -g/--globoff is given; read literally",
            ));
        }
        if !self.path_as_is {
            let path = head
                .split_once("://")
                .map_or("", |(_, r)| r.find('/').map_or("", |p| &r[p..]));
            let path = path.split('?').next().unwrap_or("");
            if path.split('/').any(|s| s == "." || s == "..") {
                violations.push(Violation::new(
                    "curl-dot-segments",
                    "curl(1)",
                    "the path holds . or .. segments, which curl removes before sending unless --path-as-is is given; read as written",
                ));
            }
        }
        head.push_str(&fragment);
        head
    }
}

// ---------------------------------------------------------------------------
// Rendering

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
/// back (with [`read_dialect`]) as the same request: `--request`, the URL,
/// one `--header` per field, `--data-raw` for the body, and `Content-Type:`
/// (which stops curl adding its form default) when a body has no
/// Content-Type.
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
    use crate::input::NoFiles;

    /// Files from memory.
    struct Mem(&'static [(&'static str, &'static [u8])]);

    impl Files for Mem {
        fn read(&self, path: &str) -> Result<Vec<u8>, String> {
            self.0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, c)| c.to_vec())
                .ok_or_else(|| format!("cannot read {path:?}: not found"))
        }
    }

    fn one(cmd: &str) -> ReadRequest {
        let mut all = read(cmd.as_bytes(), &NoFiles).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    fn codes(r: &ReadRequest) -> Vec<&'static str> {
        r.violations.iter().map(|v| v.code).collect()
    }

    #[test]
    fn default_method_and_form_content_type() {
        let r = one("curl https://h/p");
        assert_eq!(r.request.method, "GET");
        assert!(r.request.headers.is_empty());
        let r = one("curl -d a=1 -d 'b=2' https://h/p");
        assert_eq!(r.request.method, "POST");
        assert_eq!(r.request.body, b"a=1&b=2");
        assert_eq!(
            r.request.header("Content-Type"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(r.assumptions[0].contains("application/x-www-form-urlencoded"));
        let r = one("curl -X PUT -d a https://h/p");
        assert_eq!(r.request.method, "PUT");
        let r = one("curl -I https://h/p");
        assert_eq!(r.request.method, "HEAD");
        let r = one("curl -d a=1 -H 'Content-Type: text/plain' https://h/p");
        assert_eq!(r.request.header("content-type"), Some("text/plain"));
        assert!(r.assumptions.is_empty());
        let r = one("curl -d a=1 -H 'Content-Type:' https://h/p");
        assert_eq!(r.request.header("content-type"), None);
    }

    #[test]
    fn get_moves_data_to_the_query() {
        let r = one("curl -G -d a=1 --data-urlencode 'b=x y' 'https://h/p?z=0'");
        assert_eq!(r.request.method, "GET");
        assert_eq!(r.request.url, "https://h/p?z=0&a=1&b=x%20y");
        assert!(r.request.body.is_empty());
        assert!(r.request.header("content-type").is_none());
    }

    #[test]
    fn data_urlencode_forms() {
        let files = Mem(&[("f.txt", b"a b\n")]);
        let reads = read(
            b"curl --data-urlencode 'x y' --data-urlencode '=a&b' --data-urlencode 'n=v/w' --data-urlencode @f.txt --data-urlencode 'm@f.txt' http://h/",
            &files,
        )
        .unwrap();
        assert_eq!(
            reads[0].request.body,
            b"x%20y&a%26b&n=v%2Fw&a%20b%0A&m=a%20b%0A"
        );
    }

    #[test]
    fn added_headers_are_trimmed_and_empty_ones_dropped() {
        let r = one("curl -A ' ua ' -e '' --oauth2-bearer tok http://h/");
        assert_eq!(r.request.header("user-agent"), Some("ua"));
        assert_eq!(r.request.header("referer"), None);
        assert_eq!(r.request.header("authorization"), Some("Bearer tok"));
        assert!(codes(&r).contains(&"curl-oauth2-bearer"));
    }

    #[test]
    fn url_query_encodes_unless_plus() {
        let r = one("curl --url-query 'a=b c' --url-query '+x=%20' 'http://h/p?z=1'");
        assert_eq!(r.request.url, "http://h/p?z=1&a=b%20c&x=%20");
        assert_eq!(r.request.method, "GET");
    }

    #[test]
    fn json_pieces_are_concatenated_with_json_headers() {
        let r = one("curl --json '{\"a\":' --json '1}' http://h/");
        assert_eq!(r.request.body, b"{\"a\":1}");
        assert_eq!(r.request.header("content-type"), Some("application/json"));
        assert_eq!(r.request.header("accept"), Some("application/json"));
        assert!(!r.request.has_form_body());
    }

    #[test]
    fn data_urlencode_equals_wins_over_at() {
        let r = one("curl --data-urlencode 'n@f=x y' http://h/");
        assert_eq!(r.request.body, b"n@f=x%20y");
    }

    /// Issue 11: `-H @file` whose file names itself (or `@-` fed `@-`)
    /// recursed without end. As in curl, a line of the file is a header
    /// line: never read as a file again.
    #[test]
    fn issue11_header_file_lines_are_not_read_again() {
        let files = Mem(&[("h", b"A: 1\r\n@h\n@-\n@h: 2\n"), ("-", b"@-\n")]);
        let r = &read(b"curl -H @h -H @- http://h/", &files).unwrap()[0];
        // `@h: 2` has a colon, so curl sends it as a header named `@h`.
        assert_eq!(
            r.request.headers,
            vec![
                ("A".to_string(), "1".to_string()),
                ("@h".into(), "2".into())
            ]
        );
        let noted = r
            .violations
            .iter()
            .filter(|v| v.code == "curl-header-without-colon")
            .count();
        assert_eq!(noted, 3, "{:?}", r.violations);
        // Such a header cannot be written back as a command line.
        let e = render(&r.request, Dialect::Bash).unwrap_err();
        assert!(e.reason.contains("file name"), "{e}");
    }

    #[test]
    fn data_files_strip_newlines_except_binary() {
        let files = Mem(&[("b", b"a=1\r\n&b=2\n"), ("-", b"s=1\n")]);
        let r = &read(b"curl -d @b http://h/", &files).unwrap()[0];
        assert_eq!(r.request.body, b"a=1&b=2");
        let r = &read(b"curl --data-binary @b http://h/", &files).unwrap()[0];
        assert_eq!(r.request.body, b"a=1\r\n&b=2\n");
        let r = &read(b"curl --data-raw @b http://h/", &files).unwrap()[0];
        assert_eq!(r.request.body, b"@b");
        let r = &read(b"curl -d @- http://h/", &files).unwrap()[0];
        assert_eq!(r.request.body, b"s=1");
        let e = read(b"curl -d @missing http://h/", &files).unwrap_err();
        assert!(e.to_string().contains("@missing"), "{e}");
        assert_eq!(e.found_text(), "@missing");
    }

    #[test]
    fn form_is_multipart_and_not_a_param_source() {
        let files = Mem(&[("pic.png", b"PNG")]);
        let r = &read(b"curl -F 'a=1' -F 'f=@pic.png' http://h/", &files).unwrap()[0];
        assert_eq!(r.request.method, "POST");
        assert!(!r.request.has_form_body());
        let body = String::from_utf8_lossy(&r.request.body);
        assert!(body.contains("name=\"f\"; filename=\"pic.png\""), "{body}");
        let e = read(b"curl -F a=1 -d b=2 http://h/", &files).unwrap_err();
        assert!(e.to_string().contains("-F"), "{e}");
    }

    #[test]
    fn short_option_clusters_and_attached_arguments() {
        let r = one("curl -sSLkXPOST -H'A: 1' -dx=1 http://h/");
        assert_eq!(r.request.method, "POST");
        assert_eq!(r.request.header("a"), Some("1"));
        assert_eq!(r.request.body, b"x=1");
    }

    #[test]
    fn header_forms() {
        // `a:` only stops curl adding a header of its own; given ones stay.
        let r = one("curl -H 'X-Empty;' -H 'A: 1' -H 'a:' -H 'A: 2' -H 'no colon' http://h/");
        assert_eq!(
            r.request.headers,
            vec![
                ("X-Empty".to_string(), String::new()),
                ("A".to_string(), "1".to_string()),
                ("A".to_string(), "2".to_string())
            ]
        );
        assert!(codes(&r).contains(&"curl-header-without-colon"));
    }

    #[test]
    fn user_agent_referer_cookie_user() {
        let r = one("curl -A ua/1 -e http://r/ -b 'k=v' -u me:pw http://h/");
        assert_eq!(r.request.header("user-agent"), Some("ua/1"));
        assert_eq!(r.request.header("referer"), Some("http://r/"));
        assert_eq!(r.request.header("cookie"), Some("k=v"));
        assert_eq!(r.request.header("authorization"), Some("Basic bWU6cHc="));
        assert!(codes(&r).contains(&"curl-basic-auth"));
    }

    #[test]
    fn bash_quoting() {
        let r = one("curl $'http://h/a\\x41\\n' -H \"X: a\\\"b\\\\c\\d \\$HOME\" -d 'it'\\''s'");
        assert_eq!(r.request.url, "http://h/aA\n");
        assert_eq!(r.request.header("x"), Some("a\"b\\c\\d $HOME"));
        assert_eq!(r.request.body, b"it's");
    }

    #[test]
    fn bash_continuations_and_trailing_commands() {
        let r = one("curl \\\n  --request POST \\\r\n  'http://h/' | jq .\n");
        assert_eq!(r.request.method, "POST");
        assert!(codes(&r).contains(&"curl-command-ended"));
        let r = one("curl 'http://h/'\n  --header 'A: 1'\n");
        assert!(r.request.header("a").is_none());
        assert!(codes(&r).contains(&"curl-command-ended"));
    }

    #[test]
    fn postman_quirks_are_read_as_meant() {
        let r = one("curl --location \"http://h/p?a=b\\!&flag=null&s=%2F\"");
        assert_eq!(r.request.url, "http://h/p?a=b!&flag&s=%2F");
        let c = codes(&r);
        assert!(c.contains(&"postman-escaped-bang"), "{c:?}");
        assert!(c.contains(&"postman-null-query-value"), "{c:?}");
        assert!(c.contains(&"postman-reencoded-query"), "{c:?}");
    }

    #[test]
    fn cmd_dialect() {
        let r = one("curl --request POST \"http://h/p?a=1&b=2\" ^\n  --header \"X: say \"\"hi\"\" ^&\" ^\n  --data-raw \"a=\\\"q\\\"\"");
        assert_eq!(r.request.method, "POST");
        assert_eq!(r.request.url, "http://h/p?a=1&b=2");
        assert_eq!(r.request.header("x"), Some("say \"hi\" ^&"));
        assert_eq!(r.request.body, b"a=\"q\"");
        // Postman's single-quoted export with ^ continuations.
        let r = one("curl --location 'http://h/p?a=1&b=2' ^\n--header 'A: 1'");
        assert_eq!(r.request.url, "http://h/p?a=1&b=2");
        assert_eq!(r.request.header("a"), Some("1"));
        assert!(codes(&r).contains(&"postman-single-quotes-in-cmd"));
    }

    #[test]
    fn powershell_dialect() {
        let r = one("curl.exe --request POST 'http://h/p' `\n  --header \"X: a`\"b`tc\" `\n  --header 'Y: it''s'");
        assert_eq!(r.request.header("x"), Some("a\"b\tc"));
        assert_eq!(r.request.header("y"), Some("it's"));
        // Postman's double-quoted export keeps bash escapes.
        let r =
            one("curl --location \"http://h/p\" `\n--header \"Authorization: OAuth a=\\\"1\\\"\"");
        assert_eq!(r.request.header("authorization"), Some("OAuth a=\"1\""));
        assert!(codes(&r).contains(&"postman-bash-quoting-in-powershell"));
    }

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

    #[test]
    fn conflicting_methods_are_refused_like_curl() {
        let e = read(b"curl -I -d a=1 http://h/", &NoFiles).unwrap_err();
        assert!(e.to_string().contains("-I (HEAD)"), "{e}");
        assert_eq!(e.found_text(), "a=1");
        let r = one("curl -I -G -d a=1 http://h/");
        assert_eq!(r.request.method, "HEAD");
        assert_eq!(r.request.url, "http://h/?a=1");
    }

    #[test]
    fn cookie_file_is_noted_not_read() {
        let r = one("curl -b cookies.txt http://h/");
        assert!(r.request.header("cookie").is_none());
        assert!(codes(&r).contains(&"curl-cookie-file"));
    }

    #[test]
    fn redirections_are_dropped() {
        for cmd in [
            "curl -s http://h/ > out.json 2>&1",
            "curl -s http://h/ 2>nul >out.json",
            "curl.exe -s \"http://h/\" > out.json ^\n",
        ] {
            let r = one(cmd);
            assert_eq!(r.request.url, "http://h/", "{cmd}");
            assert!(r.violations.is_empty(), "{cmd}: {:?}", r.violations);
        }
    }

    #[test]
    fn unknown_options_are_listed() {
        let r = one("curl --frobnicate -Wq http://h/");
        let v = r
            .violations
            .iter()
            .find(|v| v.code == "curl-unknown-options")
            .unwrap();
        assert!(v.message.contains("--frobnicate, -W"), "{}", v.message);
    }

    #[test]
    fn several_urls_give_several_requests() {
        let reads = read(b"curl -d a=1 http://h/1 --url http://h/2", &NoFiles).unwrap();
        assert_eq!(reads.len(), 2);
        assert_eq!(reads[1].request.url, "http://h/2");
        assert_eq!(reads[1].request.body, b"a=1");
        assert_eq!(reads[1].label.as_deref(), Some("URL 2"));
    }

    #[test]
    fn scheme_less_url_gets_http() {
        let r = one("curl example.com/x");
        assert_eq!(r.request.url, "http://example.com/x");
        assert!(r.assumptions[0].contains("http://"));
    }

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
