//! bash and other POSIX shells: word splitting and quote removal (`'…'`,
//! `"…"`, `$'…'`, `\` escapes and line continuation), also used for
//! Postman's cmd and PowerShell exports, which keep bash quoting.

use super::{
    continuation_end, expansion_violation, note_rest, push_once, radix_digits, unterminated,
    Current, Lexed,
};
use crate::error::{ParseError, Violation};

/// POSIX shell (bash) word splitting and quote removal. `cont` is the line
/// continuation character: `\` for bash; `^` or `` ` `` for Postman's cmd
/// and PowerShell exports, which keep bash quoting.
pub(super) fn lex_posix(input: &[u8], cont: u8, text: &str) -> Result<Lexed, ParseError> {
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
                i = single_quoted(input, i, &mut cur.bytes, text, &mut multiline_quote)?;
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

/// Reads a bash single-quoted string starting at the `'` at `i`; returns
/// the index after the closing quote. `multiline_quote` is the first
/// single-quoted string that spans lines: when a later quote is left open,
/// the missing quote is more likely there.
fn single_quoted(
    input: &[u8],
    i: usize,
    out: &mut Vec<u8>,
    text: &str,
    multiline_quote: &mut Option<usize>,
) -> Result<usize, ParseError> {
    let close = input[i + 1..]
        .iter()
        .position(|c| *c == b'\'')
        .ok_or_else(|| {
            let e = unterminated(text, i, "single-quoted string");
            match *multiline_quote {
                Some(at) => {
                    let (line, col) = crate::error::line_col(text, at);
                    e.with_hint(format!("the quote opened at line {line}, column {col} runs over a line break: its closing quote is probably missing"))
                }
                None => e,
            }
        })?;
    let content = &input[i + 1..i + 1 + close];
    if multiline_quote.is_none() && content.contains(&b'\n') {
        *multiline_quote = Some(i);
    }
    out.extend_from_slice(content);
    Ok(i + close + 2)
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

#[cfg(test)]
mod tests {
    use crate::input::curl::test_util::{codes, one};

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
}
