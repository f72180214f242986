//! PowerShell: `'…'` with `''`, `"…"` with backtick escapes, backtick
//! line continuation.

use super::{
    continuation_end, expansion_violation, note_rest, push_once, radix_digits, unterminated,
};
use super::{Current, Lexed};
use crate::error::{ParseError, Violation};

/// PowerShell: `'…'` (with `''`), `"…"` with backtick escapes and `""`,
/// backtick escapes and line continuation outside quotes. The flag is set
/// when a double-quoted string ends in a backslash (`\"`), which is how
/// Postman's bash-style escapes look to PowerShell.
pub(super) fn lex_powershell(input: &[u8], text: &str) -> Result<(Lexed, bool), ParseError> {
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
                let (next, ends_in_backslash) =
                    double_quoted(input, i, &mut cur.bytes, text, &mut out.violations)?;
                bash_like |= ends_in_backslash;
                i = next;
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

/// Reads a PowerShell double-quoted string starting at the `"` at `i`
/// (`""` and backtick escapes); returns the index after the closing quote,
/// and whether the string ends in a backslash (`\"`).
fn double_quoted(
    input: &[u8],
    i: usize,
    out: &mut Vec<u8>,
    text: &str,
    violations: &mut Vec<Violation>,
) -> Result<(usize, bool), ParseError> {
    let n = input.len();
    let mut bash_like = false;
    let mut j = i + 1;
    loop {
        match input.get(j) {
            None => return Err(unterminated(text, i, "double-quoted string")),
            Some(b'"') if input.get(j + 1) == Some(&b'"') => {
                out.push(b'"');
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
                    b'0' => out.push(0),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'e' => out.push(27),
                    b'f' => out.push(12),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'v' => out.push(11),
                    b'u' if input.get(j) == Some(&b'{') => {
                        let (v, used) = radix_digits(&input[j + 1..], 16, 6);
                        match char::from_u32(v)
                            .filter(|_| used > 0 && input.get(j + 1 + used) == Some(&b'}'))
                        {
                            Some(ch) => {
                                let mut buf = [0; 4];
                                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                                j += used + 2;
                            }
                            None => out.push(b'u'),
                        }
                    }
                    _ => out.push(c),
                }
            }
            Some(b'$') if matches!(input.get(j + 1), Some(c) if c.is_ascii_alphabetic() || matches!(c, b'_' | b'{' | b'(')) =>
            {
                push_once(violations, expansion_violation());
                out.push(b'$');
                j += 1;
            }
            Some(c) => {
                out.push(*c);
                j += 1;
            }
        }
    }
    Ok((j + 1, bash_like))
}

#[cfg(test)]
mod tests {
    use crate::input::curl::test_util::{codes, one};

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
}
