//! Windows `cmd.exe`: cmd's own pass (`^` escapes and line continuation),
//! then the C runtime's argument splitting (`"…"`, `""`, `\"`).

use super::{continuation_end, expansion_violation, note_rest, push_once, unterminated};
use super::{Current, Lexed, Word};
use crate::error::{ParseError, Violation};

/// Whether an unquoted word starts with `'` (Postman's single-quoted export
/// under cmd, where `'` is not a quote character).
pub(super) fn uses_single_quotes_in_cmd(input: &[u8]) -> bool {
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

/// Windows cmd.exe: first cmd's own pass (`^` escapes and continuations,
/// `&`, `|`, `<`, `>` outside quotes), then the C runtime's argument
/// splitting (`"…"`, `""` and `\"` inside quotes, backslashes doubled
/// before a quote).
pub(super) fn lex_cmd(input: &[u8], text: &str) -> Result<Lexed, ParseError> {
    let mut out = Lexed::default();
    let (line, map) = command_line(input, text, &mut out.violations)?;
    split_arguments(&line, &map, &mut out.words);
    Ok(out)
}

/// Pass 1: cmd.exe builds the command line; `map` keeps each byte's origin.
fn command_line(
    input: &[u8],
    text: &str,
    violations: &mut Vec<Violation>,
) -> Result<(Vec<u8>, Vec<usize>), ParseError> {
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
                        violations,
                    );
                    break;
                }
                line.push(b' ');
                map.push(i);
                i += 1;
            }
            b'&' | b'|' => {
                note_rest(input, i + 1, &format!("at {:?}", b as char), violations);
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
                    push_once(violations, expansion_violation());
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
    Ok((line, map))
}

/// Pass 2: the C runtime splits the command line into arguments.
fn split_arguments(line: &[u8], map: &[usize], words: &mut Vec<Word>) {
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
                cur.finish(map[k], words);
                k += 1;
            }
            _ => {
                cur.push(map[k], b);
                k += 1;
            }
        }
    }
    cur.finish(map[line.len()], words);
}

#[cfg(test)]
mod tests {
    use crate::input::curl::test_util::{codes, one};

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
}
