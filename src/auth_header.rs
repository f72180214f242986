//! The `Authorization: OAuth …` header (RFC 5849 §3.5.1): a tolerant parser
//! that reports departures precisely, and a builder for the canonical form.

use crate::encode::{decode_strict, encode_to_vec};
use crate::error::{ParseError, ParseErrorKind, Span, Violation};
use serde::Serialize;

/// One `name="value"` pair of the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderParam {
    /// The name, percent-decoded.
    pub name: String,
    /// The value exactly as written between the quotes (or unquoted).
    pub raw_value: String,
    /// The value percent-decoded (RFC 5849 §3.5.1); `realm` is not decoded.
    #[serde(skip)]
    pub value: Vec<u8>,
    /// Whether the value was quoted as §3.5.1 requires.
    pub quoted: bool,
    /// Where the pair sits in the header value.
    pub span: Span,
}

impl HeaderParam {
    /// The decoded value as text (invalid UTF-8 shown as U+FFFD).
    pub fn value_lossy(&self) -> String {
        String::from_utf8_lossy(&self.value).into_owned()
    }
}

/// A parsed OAuth Authorization header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthHeader {
    /// The auth-scheme as written (`OAuth`, `oauth`, …).
    pub scheme: String,
    /// The parameters in order of appearance, `realm` and `oauth_signature` included.
    pub params: Vec<HeaderParam>,
    /// Accepted departures from §3.5.1.
    pub violations: Vec<Violation>,
}

impl AuthHeader {
    /// The first parameter called `name`.
    pub fn get(&self, name: &str) -> Option<&HeaderParam> {
        self.params.iter().find(|p| p.name == name)
    }
}

const SECTION: &str = "RFC 5849 §3.5.1";

fn err(value: &str, kind: ParseErrorKind, span: Span) -> ParseError {
    ParseError::new("Authorization header", kind, span, value)
}

/// Strips an optional leading `Authorization:` field name.
pub fn strip_field_name(value: &str) -> &str {
    let t = value.trim_start();
    match t.get(..14) {
        Some(p) if p.eq_ignore_ascii_case("authorization:") => t[14..].trim_start(),
        _ => t,
    }
}

/// RFC 5849 §3.5.1: parses an Authorization header value.
///
/// Returns `Ok(None)` when the header uses another scheme (e.g. `Basic`),
/// since such a header is simply not a parameter source. Accepts what real
/// clients send (no space or several after commas, `realm` anywhere, the
/// scheme in any case, unquoted values, a missing comma) and reports each
/// departure as a [`Violation`]; fails only when no parameters can be read.
///
/// ```
/// use oauth1_doctor::auth_header::parse;
/// let h = parse(r#"OAuth realm="Example",oauth_token="a%20b""#).unwrap().unwrap();
/// assert_eq!(h.params[1].value, b"a b");
/// ```
pub fn parse(value: &str) -> Result<Option<AuthHeader>, ParseError> {
    let lead = value.len() - value.trim_start().len();
    let s = value.as_bytes();
    let mut i = lead;
    while i < s.len() && (s[i].is_ascii_alphanumeric() || b"-._~+/".contains(&s[i])) {
        i += 1;
    }
    let scheme = &value[lead..i];
    if !scheme.eq_ignore_ascii_case("oauth") {
        return Ok(None);
    }
    let mut violations = Vec::new();
    if scheme != "OAuth" {
        violations.push(Violation::new(
            "header-scheme-case",
            SECTION,
            format!("the auth-scheme is written {scheme:?}; RFC 5849 spells it \"OAuth\" (matched case-insensitively)"),
        ));
    }
    let mut params: Vec<HeaderParam> = Vec::new();
    // Names met so far: the duplicate check stays linear in the header.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut first = true;
    loop {
        // Separator: whitespace and at most one comma (several are tolerated).
        let sep_start = i;
        let mut commas = 0;
        while i < s.len()
            && (s[i] == b' ' || s[i] == b'\t' || s[i] == b',' || s[i] == b'\r' || s[i] == b'\n')
        {
            if s[i] == b',' {
                commas += 1;
            }
            i += 1;
        }
        if i >= s.len() {
            break;
        }
        if first {
            if commas > 0 {
                violations.push(Violation::new(
                    "header-comma-after-scheme",
                    SECTION,
                    "a comma follows the \"OAuth\" scheme name; some servers then miss the first parameter",
                ));
            } else if i == sep_start {
                // The next character may be multi-byte (e.g. U+00A0): take it whole.
                let next = value[i..].chars().next().unwrap_or(' ');
                return Err(err(
                    value,
                    ParseErrorKind::Expected {
                        expected: "a space after \"OAuth\"".into(),
                        found: format!("{next:?}"),
                    },
                    Span::new(i, i + next.len_utf8()),
                ));
            }
        } else if commas == 0 {
            violations.push(Violation::new(
                "header-missing-comma",
                SECTION,
                format!(
                    "no comma before the parameter at byte {i}; parameters must be separated by \",\""
                ),
            ));
        }
        first = false;
        let name_start = i;
        while i < s.len() && s[i] != b'=' && s[i] != b',' && s[i] != b' ' {
            i += 1;
        }
        let raw_name = &value[name_start..i];
        if i >= s.len() || s[i] != b'=' {
            return Err(err(
                value,
                ParseErrorKind::Expected {
                    expected: format!("'=' after the parameter name {raw_name:?}"),
                    found: if i >= s.len() {
                        "the end of the header".into()
                    } else {
                        format!("{:?}", &value[i..i + 1])
                    },
                },
                Span::new(i, (i + 1).min(s.len())),
            )
            .with_hint("each parameter is written name=\"value\""));
        }
        i += 1;
        let (raw_value, quoted) = if s.get(i) == Some(&b'"') {
            let open = i;
            i += 1;
            let vstart = i;
            // Jump from quote-or-backslash to quote-or-backslash: values are
            // long and rarely escaped (this parser is on the batch path).
            loop {
                let next = s
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|&b| b == b'"' || b == b'\\'));
                match next {
                    Some(k) if s[i + k] == b'"' => {
                        i += k;
                        break;
                    }
                    // A backslash escapes the next character.
                    Some(k) => i += k + 2,
                    None => {
                        i = s.len();
                        break;
                    }
                }
            }
            if i >= s.len() {
                return Err(err(
                    value,
                    ParseErrorKind::Unterminated {
                        what: format!("quoted value of {raw_name:?}"),
                    },
                    Span::new(open, s.len()),
                )
                .with_hint("close the value with a double quote"));
            }
            let v = unescape_quoted(&value[vstart..i]);
            i += 1;
            (v, true)
        } else {
            let vstart = i;
            while i < s.len() && s[i] != b',' && s[i] != b' ' && s[i] != b'\t' {
                i += 1;
            }
            violations.push(Violation::new(
                "header-value-unquoted",
                SECTION,
                format!("the value of {raw_name:?} is not in double quotes"),
            ));
            (value[vstart..i].to_string(), false)
        };
        let name = match decode_strict(raw_name) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(_) => raw_name.to_string(),
        };
        let decoded = if name == "realm" {
            raw_value.as_bytes().to_vec()
        } else {
            if raw_value
                .bytes()
                .any(|b| !crate::encode::is_unreserved(b) && b != b'%')
            {
                violations.push(Violation::new(
                    "header-value-not-encoded",
                    "RFC 5849 §3.5.1, §3.6",
                    format!("the value of {name:?} holds characters that must be percent-encoded"),
                ));
            }
            match decode_strict(&raw_value) {
                Ok(b) => b,
                Err(e) => {
                    violations.push(Violation::new(
                        "header-bad-escape",
                        SECTION,
                        format!(
                            "the value of {name:?} has a malformed escape {:?}; kept literally",
                            e.text
                        ),
                    ));
                    raw_value.as_bytes().to_vec()
                }
            }
        };
        if !seen.insert(name.clone()) {
            violations.push(Violation::new(
                "header-duplicate-param",
                SECTION,
                format!("{name:?} appears more than once in the header"),
            ));
        }
        params.push(HeaderParam {
            name,
            raw_value,
            value: decoded,
            quoted,
            span: Span::new(name_start, i),
        });
    }
    Ok(Some(AuthHeader {
        scheme: scheme.to_string(),
        params,
        violations,
    }))
}

/// The fast reading of a header already in the canonical form of
/// RFC 5849 §3.5.1, for checking many requests: `OAuth ` then
/// `name="value"` pairs joined by `,` and spaces, names of `realm` or
/// `oauth_*` (lower-case letters, digits, `_`), values without `\\`, and
/// every value but `realm`'s made of unreserved characters and valid `%XX`
/// escapes (§3.6). Calls `each(name, value as written)` for every pair in
/// order and returns true; returns false as soon as the header is anything
/// else (the caller then takes [`parse`], which reads and reports it all),
/// after which the pairs already passed to `each` must be discarded.
pub fn read_canonical<'a>(value: &'a str, mut each: impl FnMut(&'a str, &'a str)) -> bool {
    read_canonical_marked(value, |name, value, _| each(name, value))
}

/// The octets of a canonical parameter name: lower-case letters, digits
/// and `_` (every `oauth_` name of RFC 5849, and `realm`).
const NAME_OCTET: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_';
        b += 1;
    }
    t
};

/// [`read_canonical`] that also says of each value whether it is made of
/// unreserved octets only (RFC 5849 §3.6: no `%XX` escape), which the test
/// of the value has found anyway: such a value is its own encoding.
pub(crate) fn read_canonical_marked<'a>(
    value: &'a str,
    mut each: impl FnMut(&'a str, &'a str, bool),
) -> bool {
    let s = value.as_bytes();
    if s.len() < 6 || !s[..5].eq_ignore_ascii_case(b"oauth") || s[5] != b' ' {
        return false;
    }
    let mut i = 5;
    loop {
        while s.get(i) == Some(&b' ') {
            i += 1;
        }
        let name_start = i;
        // One table look-up an octet: three tests (letter, digit, `_`)
        // were mispredicted at every `_` of a name and at its end.
        while s.get(i).is_some_and(|&b| NAME_OCTET[b as usize]) {
            i += 1;
        }
        let name = &value[name_start..i];
        let realm = name == "realm";
        if !(realm || name.starts_with("oauth_")) || s.get(i..i + 2) != Some(b"=\"") {
            return false;
        }
        i += 2;
        let value_start = i;
        let Some(len) = memchr::memchr(b'"', &s[i..]) else {
            return false;
        };
        i += len;
        let raw = &s[value_start..i];
        let plain = !realm && crate::encode::is_all_unreserved(raw);
        let canonical = if realm {
            !raw.contains(&b'\\')
        } else {
            // Most values have no escape: one test of them all. Hex digits
            // are unreserved, so only a '%' needs a look ahead.
            plain
                || raw.iter().enumerate().all(|(k, &b)| {
                    crate::encode::is_unreserved(b) || crate::encode::is_escape_at(raw, k)
                })
        };
        if !canonical {
            return false;
        }
        each(name, &value[value_start..i], plain);
        i += 1;
        match s.get(i) {
            None => return true,
            Some(b',') => i += 1,
            Some(_) => return false,
        }
    }
}

fn unescape_quoted(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes `realm="…"` as a quoted-string (RFC 2617, RFC 5849 §3.5.1):
/// `"` and `\` are escaped with a backslash, nothing is percent-encoded.
pub(crate) fn push_realm(realm: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b"realm=\"");
    for &b in realm.as_bytes() {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// RFC 5849 §3.5.1: builds the canonical header value,
/// `OAuth realm="…", name="encoded value", …`, in the order given.
/// `realm` is written as a quoted-string (RFC 2617), not percent-encoded.
///
/// ```
/// use oauth1_doctor::auth_header::build;
/// assert_eq!(build(Some("Ex"), [("oauth_token", "a b")]),
///            r#"OAuth realm="Ex", oauth_token="a%20b""#);
/// ```
pub fn build<'a, I, N, V>(realm: Option<&str>, params: I) -> String
where
    I: IntoIterator<Item = (N, V)>,
    N: AsRef<str> + 'a,
    V: AsRef<[u8]> + 'a,
{
    let mut out: Vec<u8> = Vec::with_capacity(256);
    out.extend_from_slice(b"OAuth ");
    let mut first = true;
    if let Some(r) = realm {
        push_realm(r, &mut out);
        first = false;
    }
    for (name, value) in params {
        if !first {
            out.extend_from_slice(b", ");
        }
        first = false;
        encode_to_vec(name.as_ref().as_bytes(), &mut out);
        out.extend_from_slice(b"=\"");
        encode_to_vec(value.as_ref(), &mut out);
        out.push(b'"');
    }
    // Everything written is ASCII or copied from the realm's UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5849_3_5_1_example_header() {
        let v = "OAuth realm=\"Example\",\n    oauth_consumer_key=\"0685bd9184jfhq22\",\n    oauth_token=\"ad180jjd733klru7\",\n    oauth_signature_method=\"HMAC-SHA1\",\n    oauth_signature=\"wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D\",\n    oauth_timestamp=\"137131200\",\n    oauth_nonce=\"4572616e48616d6d65724c61686176\",\n    oauth_version=\"1.0\"";
        let h = parse(v).unwrap().unwrap();
        assert_eq!(h.params.len(), 8);
        assert_eq!(h.get("realm").unwrap().value, b"Example");
        assert_eq!(
            h.get("oauth_signature").unwrap().value,
            b"wOJIO9A2W5mFwDgiDvZbTSMK/PY="
        );
        assert!(h.violations.is_empty(), "{:?}", h.violations);
    }

    #[test]
    fn tolerates_real_client_shapes() {
        let h = parse("oauth a=\"1\",b=\"2\"  c=3").unwrap().unwrap();
        let codes: Vec<_> = h.violations.iter().map(|v| v.code).collect();
        assert_eq!(
            codes,
            [
                "header-scheme-case",
                "header-missing-comma",
                "header-value-unquoted"
            ]
        );
        assert_eq!(h.params.len(), 3);
    }

    #[test]
    fn other_schemes_are_not_oauth() {
        assert_eq!(parse("Basic dXNlcjpwYXNz").unwrap(), None);
        assert_eq!(parse("OAuth2 x").unwrap(), None);
    }

    #[test]
    fn malformed_headers_point_at_the_fault() {
        let e = parse("OAuth a=\"1\", b").unwrap_err();
        assert_eq!(e.span.start, 14);
        assert!(
            e.to_string().contains("'=' after the parameter name \"b\""),
            "{e}"
        );
        let e = parse("OAuth a=\"1").unwrap_err();
        assert!(e.to_string().contains("unterminated"), "{e}");
    }

    #[test]
    fn backslash_at_the_end_is_an_unterminated_value() {
        for v in ["OAuth a=\"x\\", "OAuth a=\"x\\\"", "OAuth a=\"\\\\\" b"] {
            let r = parse(v);
            if v.ends_with(" b") {
                assert!(r.is_err(), "{v:?}");
            } else {
                assert!(r.unwrap_err().to_string().contains("unterminated"), "{v:?}");
            }
        }
        let h = parse("OAuth a=\"q\\\"x\", b=\"2\"").unwrap().unwrap();
        assert_eq!(h.params[0].raw_value, "q\"x");
        assert_eq!(h.params[1].value, b"2");
    }

    #[test]
    fn build_then_parse_round_trips() {
        let v = build(Some("R \"q\""), [("oauth_x", "é +/"), ("a b", "")]);
        let h = parse(&v).unwrap().unwrap();
        assert_eq!(h.params[0].value, b"R \"q\"");
        assert_eq!(h.params[1].value, "é +/".as_bytes());
        assert_eq!(h.params[2].name, "a b");
        assert!(h.violations.is_empty());
    }

    /// Found by `cargo fuzz run auth_header` (fuzz/regressions/auth_header/):
    /// a no-break space right after the scheme sliced a character in two.
    #[test]
    fn fuzz_regression_non_ascii_after_scheme_is_an_error_not_a_panic() {
        let e = parse("\u{a0}\u{a0}\u{a0}oaUTH\u{a0}").unwrap_err();
        assert!(e.to_string().contains("a space after"), "{e}");
        assert_eq!(e.found_text(), "\u{a0}");
    }

    #[test]
    fn read_canonical_takes_only_the_canonical_form() {
        let mut got = Vec::new();
        assert!(read_canonical(
            r#"OAuth realm="Photos, Inc", oauth_token="a%2Fb",oauth_nonce="""#,
            |n, v| got.push((n, v))
        ));
        assert_eq!(
            got,
            [
                ("realm", "Photos, Inc"),
                ("oauth_token", "a%2Fb"),
                ("oauth_nonce", "")
            ]
        );
        for other in [
            "Basic abc",
            "OAuth",
            "OAuth  ",
            "OAuth oauth_token=\"a\",",
            "OAuth oauth_token=a",
            "OAuth oauth_token=\"a b\"",
            "OAuth oauth_token=\"a%2\"",
            "OAuth oauth_token=\"a\" oauth_nonce=\"b\"",
            "OAuth oauth_token=\"a\",\toauth_nonce=\"b\"",
            "OAuth x_token=\"a\"",
            "OAuth realm=\"a\\\"b\"",
            "OAuth oauth_token=\"a",
        ] {
            assert!(!read_canonical(other, |_, _| {}), "{other}");
        }
    }
}
