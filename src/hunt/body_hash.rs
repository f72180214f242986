//! Body hash over the wrong bytes (OAuth Request Body Hash §3.2): which
//! small change to the body a request sends reproduces the
//! `oauth_body_hash` it carries.
//!
//! The extension hashes the entity-body exactly as sent. A signer that
//! hashed the body before the HTTP client re-serialized it (JSON written
//! again by another library), or a file with its final line break (or
//! without it), or nothing at all, sends a hash of other bytes; the
//! signature itself may well verify. The forms tried are a fixed, small
//! list, each computed once per request: this is a check read off the
//! request, like the output forms read off the signature, not a variant of
//! the signer, so it costs nothing per variant and is never counted in the
//! depth.

use crate::signature::{body_hash_match, SignatureMethod};

/// How a JSON text is written again (whitespace between tokens and the
/// escapes inside strings; member order and number text are kept, as a
/// parse and re-serialize round trip in JavaScript or Python keeps them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonStyle {
    /// No whitespace: `JSON.stringify(value)`.
    Compact,
    /// `, ` and `: `: Python's `json.dumps(value)`.
    Spaced,
    /// One member per line, two spaces deep: `JSON.stringify(value, null, 2)`.
    Indented,
    /// No whitespace and `/` written `\/`: PHP's `json_encode($value)`.
    SlashEscaped,
}

/// The bytes a signer may have hashed instead of `body`, each with the
/// form named in the hunt's and diff's answers.
fn wrong_bodies(body: &[u8]) -> Vec<(Vec<u8>, &'static str)> {
    let mut out: Vec<(Vec<u8>, &'static str)> = Vec::new();
    if body.is_empty() {
        // A missing body turned into text by the language's own spelling.
        out.push((
            b"None".to_vec(),
            "the text `None` (a missing body formatted by Python)",
        ));
        out.push((
            b"null".to_vec(),
            "the text `null` (a missing body formatted as JSON)",
        ));
        out.push((
            b"undefined".to_vec(),
            "the text `undefined` (a missing body formatted by JavaScript)",
        ));
        return out;
    }
    out.push((
        b"".to_vec(),
        "an empty body (hashed before the body was set)",
    ));
    if let Some(stripped) = body
        .strip_suffix(b"\r\n")
        .or_else(|| body.strip_suffix(b"\n"))
    {
        out.push((stripped.to_vec(), "the body without its final line break"));
    } else {
        out.push((
            [body, b"\n"].concat(),
            "the body with a line break added at the end",
        ));
    }
    if let Ok(text) = std::str::from_utf8(body) {
        for (style, form) in [
            (
                JsonStyle::Compact,
                "the JSON written again without spaces (JSON.stringify)",
            ),
            (
                JsonStyle::Spaced,
                "the JSON written again with `, ` and `: ` (Python json.dumps)",
            ),
            (
                JsonStyle::Indented,
                "the JSON written again indented by 2 (JSON.stringify(v, null, 2))",
            ),
            (
                JsonStyle::SlashEscaped,
                "the JSON written again with `/` escaped as `\\/` (PHP json_encode)",
            ),
        ] {
            if let Some(j) = rewrite_json(text, style) {
                if j.as_bytes() != body && !out.iter().any(|(b, _)| b == j.as_bytes()) {
                    out.push((j.into_bytes(), form));
                }
            }
        }
    }
    out
}

/// OAuth Request Body Hash §3.2: when `carried` is not the hash of `body`
/// (under SHA-1 or the method's digest) but is the hash of one of the
/// [wrong bodies](wrong_bodies), that form. `None` when the body hash is
/// right or no form reproduces it.
pub(crate) fn wrong_bytes(
    carried: &str,
    body: &[u8],
    method: Option<SignatureMethod>,
) -> Option<&'static str> {
    if body_hash_match(carried, body, method).is_some() {
        return None;
    }
    wrong_bodies(body)
        .into_iter()
        .find(|(bytes, _)| body_hash_match(carried, bytes, method).is_some())
        .map(|(_, form)| form)
}

/// `text` written again in `style`, when it is a JSON object or array
/// (checked only as far as the tokens go: strings are closed and brackets
/// balance). Strings and other tokens are copied as they are.
fn rewrite_json(text: &str, style: JsonStyle) -> Option<String> {
    let t = text.trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    let mut out = String::with_capacity(t.len() + t.len() / 4);
    let mut depth: usize = 0;
    let mut chars = t.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                loop {
                    let c = chars.next()?;
                    match c {
                        '\\' => {
                            out.push('\\');
                            out.push(chars.next()?);
                        }
                        '/' if style == JsonStyle::SlashEscaped => out.push_str("\\/"),
                        '"' => {
                            out.push('"');
                            break;
                        }
                        c => out.push(c),
                    }
                }
            }
            c if c.is_whitespace() => {}
            '{' | '[' => {
                out.push(c);
                depth += 1;
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                let empty = chars.peek().is_some_and(|n| matches!(n, '}' | ']'));
                if style == JsonStyle::Indented && !empty {
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if style == JsonStyle::Indented && !matches!(out.chars().last(), Some('{' | '[')) {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(',');
                match style {
                    JsonStyle::Spaced => out.push(' '),
                    JsonStyle::Indented => newline(&mut out, depth),
                    _ => {}
                }
            }
            ':' => {
                out.push(':');
                if matches!(style, JsonStyle::Spaced | JsonStyle::Indented) {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    (depth == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use sha1::{Digest, Sha1};

    /// SHA-1 and base64 written out here, apart from `signature::body_hash`.
    fn sha1_b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(Sha1::digest(bytes))
    }

    #[test]
    fn json_is_written_again_as_each_library_writes_it() {
        let body = "{\n  \"a\": [1, 2],\n  \"url\": \"http://x/y\",\n  \"e\": {}\n}";
        assert_eq!(
            rewrite_json(body, JsonStyle::Compact).unwrap(),
            r#"{"a":[1,2],"url":"http://x/y","e":{}}"#
        );
        assert_eq!(
            rewrite_json(body, JsonStyle::Spaced).unwrap(),
            r#"{"a": [1, 2], "url": "http://x/y", "e": {}}"#
        );
        assert_eq!(
            rewrite_json(body, JsonStyle::Indented).unwrap(),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"url\": \"http://x/y\",\n  \"e\": {}\n}"
        );
        assert_eq!(
            rewrite_json(body, JsonStyle::SlashEscaped).unwrap(),
            r#"{"a":[1,2],"url":"http:\/\/x\/y","e":{}}"#
        );
        assert_eq!(rewrite_json("{\"a\": \"b", JsonStyle::Compact), None);
        assert_eq!(rewrite_json("a=1&b=2", JsonStyle::Compact), None);
        assert_eq!(rewrite_json("{]]", JsonStyle::Compact), None);
    }

    /// OAuth Request Body Hash §3.2: each wrong body is named; the right
    /// one is not a mistake.
    #[test]
    fn body_hash_over_the_wrong_bytes_is_named() {
        let sent = br#"{"a": 1, "b": "x/y"}"#;
        let m = Some(SignatureMethod::HmacSha1);
        assert_eq!(wrong_bytes(&sha1_b64(sent), sent, m), None);
        assert_eq!(
            wrong_bytes(&sha1_b64(br#"{"a":1,"b":"x/y"}"#), sent, m),
            Some("the JSON written again without spaces (JSON.stringify)")
        );
        assert_eq!(
            wrong_bytes(&sha1_b64(br#"{"a":1,"b":"x\/y"}"#), sent, m),
            Some("the JSON written again with `/` escaped as `\\/` (PHP json_encode)")
        );
        let with_newline = [sent.as_slice(), b"\n"].concat();
        assert_eq!(
            wrong_bytes(&sha1_b64(&with_newline), sent, m),
            Some("the body with a line break added at the end")
        );
        assert_eq!(
            wrong_bytes(&sha1_b64(sent), &with_newline, m),
            Some("the body without its final line break")
        );
        assert_eq!(
            wrong_bytes(&sha1_b64(b"None"), b"", m),
            Some("the text `None` (a missing body formatted by Python)")
        );
        assert_eq!(wrong_bytes(&sha1_b64(b"other"), sent, m), None);
    }
}
