//! Shell words (the tokenizer): a cURL command split into words and
//! unquoted as the shell it was written for would, one file per dialect.
//!
//! Shared here: the dialect and its detection, the word being built, line
//! continuations, what follows the end of the command, and the errors and
//! violations every dialect reports the same way.

mod bash;
mod cmd;
mod powershell;

use super::{err, MAX_WORDS};
use crate::error::{ParseError, ParseErrorKind, Span, Violation};
use bash::lex_posix;
use cmd::{lex_cmd, uses_single_quotes_in_cmd};
use powershell::lex_powershell;

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

/// One shell word after quote removal, with where it was written.
#[derive(Debug, Clone)]
pub(super) struct Word {
    pub(super) bytes: Vec<u8>,
    pub(super) span: Span,
}

impl Word {
    pub(super) fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

#[derive(Debug, Default)]
pub(super) struct Lexed {
    pub(super) words: Vec<Word>,
    pub(super) violations: Vec<Violation>,
}

fn push_once(violations: &mut Vec<Violation>, v: Violation) {
    if !violations.iter().any(|x| x.code == v.code) {
        violations.push(v);
    }
}

pub(super) fn lex(input: &[u8], dialect: Dialect, text: &str) -> Result<Lexed, ParseError> {
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

#[cfg(test)]
mod tests {
    use crate::input::curl::test_util::one;

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
}
