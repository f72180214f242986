//! Server echoes: the body of a `401` that says what the server computed.
//!
//! Several servers return their own signature base string (RFC 5849
//! §3.4.1.1) or the signature they expected, which turns "invalid
//! signature" into a plain string diff. This module recognises the
//! published shapes, and for unknown bodies looks for anything shaped
//! like a base string or a base64 signature.

use super::base_diff::is_base_string;
use crate::encode::form_decode;
use serde::Serialize;

/// Which server wrote the response.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EchoShape {
    /// `oauth_problem=signature_invalid&debug_sbs=…` (Etsy, Flickr).
    DebugSbs,
    /// `oauth_signature_base_string=…` (Jira and other Atlassian servers).
    Jira,
    /// `Invalid signature. Expected signature base string: …` (Khan Academy).
    Khan,
    /// `Acceptable signature base string: …` (Mastercard).
    Mastercard,
    /// `OAuth signature does not match. Shoud be: … We are using this base uri: …` (WordPress OAuth1).
    Wordpress,
    /// `Invalid signature ours= … yours= …` (IMS LTI test provider).
    ImsLti,
    /// `oauth_signature [x] does not match expected value [y]` (Tumblr).
    Tumblr,
    /// No known shape; `found` says what was recognised, if anything.
    Unknown,
}

impl EchoShape {
    /// Who uses this shape, for people.
    pub fn describe(self) -> &'static str {
        match self {
            EchoShape::DebugSbs => "oauth_problem/debug_sbs (Etsy, Flickr)",
            EchoShape::Jira => "oauth_signature_base_string (Jira/Atlassian)",
            EchoShape::Khan => "\"Expected signature base string\" (Khan Academy)",
            EchoShape::Mastercard => "\"Acceptable signature base string\" (Mastercard)",
            EchoShape::Wordpress => "\"Shoud be … base uri\" (WordPress OAuth1)",
            EchoShape::ImsLti => "\"ours= … yours=\" (IMS LTI test provider)",
            EchoShape::Tumblr => "\"does not match expected value\" (Tumblr)",
            EchoShape::Unknown => "unknown shape",
        }
    }
}

/// What a server response revealed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerEcho {
    /// The recognised shape.
    pub shape: EchoShape,
    /// The base string the server computed, when it said.
    pub base_string: Option<String>,
    /// The base string the server says it received from the client (LTI `yours=`), when given.
    pub client_base_string: Option<String>,
    /// The base string URI the server used (WordPress), when it said.
    pub base_uri: Option<String>,
    /// The signature the server expected, when it said.
    pub expected_signature: Option<String>,
    /// The signature the server received, when it said.
    pub received_signature: Option<String>,
    /// What was found, one sentence each.
    pub found: Vec<String>,
}

impl ServerEcho {
    fn new(shape: EchoShape) -> ServerEcho {
        ServerEcho {
            shape,
            base_string: None,
            client_base_string: None,
            base_uri: None,
            expected_signature: None,
            received_signature: None,
            found: Vec::new(),
        }
    }
}

/// Reads a server's error response body.
///
/// JSON bodies are searched through every string they hold (so escaped
/// `\u0026` and quotes do not get in the way).
pub fn parse(body: &str) -> ServerEcho {
    let mut texts = vec![body.trim().to_string()];
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body.trim()) {
        let mut strings = Vec::new();
        json_strings(&v, &mut strings);
        texts.extend(strings);
    }
    for t in &texts {
        if let Some(e) = known_shape(t) {
            return e;
        }
    }
    unknown_shape(&texts)
}

impl ServerEcho {
    /// Whether the response gave any value to compare with: a base string
    /// (the server's or the client's), a base string URI or a signature.
    /// A body in which nothing was recognised reveals nothing, whatever
    /// keywords it mentions.
    pub fn reveals_anything(&self) -> bool {
        self.base_string.is_some()
            || self.client_base_string.is_some()
            || self.base_uri.is_some()
            || self.expected_signature.is_some()
            || self.received_signature.is_some()
    }

    /// The base string to compare the candidate's with: the server's own,
    /// or (WordPress) the candidate's base string with the server's base
    /// string URI put in its place, so that only the URI can differ.
    pub fn reference_base_string(&self, candidate_base_string: &str) -> Option<String> {
        if let Some(b) = &self.base_string {
            return Some(b.clone());
        }
        let uri = self.base_uri.as_ref()?;
        let mut parts = candidate_base_string.splitn(3, '&');
        let (method, _, params) = (parts.next()?, parts.next()?, parts.next()?);
        Some(format!("{method}&{}&{params}", crate::encode::encode(uri)))
    }

    /// What the signatures the server quoted say about the candidate:
    /// `sent` is the candidate's carried `oauth_signature`, `computed` its
    /// RFC 5849 signature (with secrets). With `mask` (PLAINTEXT, whose
    /// signature is the key itself, RFC 5849 §3.4.4) values are compared
    /// but only their lengths are shown.
    pub fn signature_notes(
        &self,
        sent: Option<&str>,
        computed: Option<&str>,
        mask: bool,
    ) -> Vec<String> {
        let show = |s: &str| {
            if mask {
                format!("<signature: {} chars>", s.len())
            } else {
                s.to_string()
            }
        };
        let mut notes = Vec::new();
        if let (Some(r), Some(s)) = (&self.received_signature, sent) {
            if r == s {
                notes.push(format!(
                    "the server received the signature the candidate sent ({})",
                    show(s)
                ));
            } else {
                notes.push(format!(
                    "the server received {} but the candidate sent {}: the signature was altered on the way (percent-encode it exactly once, RFC 5849 §3.5.1)",
                    show(r),
                    show(s)
                ));
            }
        }
        if let (Some(e), Some(c)) = (&self.expected_signature, computed) {
            if e == c {
                notes.push(format!(
                    "the server expected {}, which is the RFC 5849 signature of the candidate request: the server agrees with RFC 5849, so the candidate's signer computes it differently",
                    show(e)
                ));
            } else {
                notes.push(format!(
                    "the server expected {}, but the RFC 5849 signature of the candidate request is {}: the server signs another base string or key (the URL it sees behind a proxy, another secret)",
                    show(e),
                    show(c)
                ));
            }
        }
        if let (Some(e), Some(s), None) = (&self.expected_signature, sent, computed) {
            if e != s {
                notes.push(format!(
                    "the server expected {} and the candidate sent {}; give the secrets to tell whose computation departs from RFC 5849",
                    show(e),
                    show(s)
                ));
            }
        }
        notes
    }
}

fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// The text after `marker`, up to the first whitespace, quote or `<`.
fn token_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let i = find_ci(text, marker)? + marker.len();
    let rest = text[i..].trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '\'')
        .unwrap_or(rest.len());
    let tok = &rest[..end];
    (!tok.is_empty()).then_some(tok)
}

fn find_ci(text: &str, marker: &str) -> Option<usize> {
    text.to_ascii_lowercase().find(&marker.to_ascii_lowercase())
}

/// A form-encoded response (`a=b&c=d`) as decoded pairs.
fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter_map(|seg| seg.split_once('='))
        .map(|(n, v)| {
            (
                String::from_utf8_lossy(&form_decode(n)).into_owned(),
                String::from_utf8_lossy(&form_decode(v)).into_owned(),
            )
        })
        .collect()
}

fn known_shape(t: &str) -> Option<ServerEcho> {
    // A shape is recognised only with a value: a body that names a shape's
    // keyword but holds nothing after it is not that shape.
    if let Some(i) = t.find("debug_sbs=") {
        let sbs = t[i + "debug_sbs=".len()..].trim();
        let sbs = sbs.split_whitespace().next().unwrap_or("");
        if !sbs.is_empty() {
            let mut e = ServerEcho::new(EchoShape::DebugSbs);
            e.found.push("the server's base string (debug_sbs)".into());
            e.base_string = Some(sbs.to_string());
            return Some(e);
        }
    }
    if t.contains("oauth_signature_base_string=") {
        let mut e = ServerEcho::new(EchoShape::Jira);
        for (n, v) in form_pairs(t.split_whitespace().next().unwrap_or(t)) {
            match n.as_str() {
                "oauth_signature_base_string" if !v.is_empty() => e.base_string = Some(v),
                "oauth_signature" if !v.is_empty() => e.received_signature = Some(v),
                _ => {}
            }
        }
        if e.base_string.is_some() {
            e.found
                .push("the server's base string (oauth_signature_base_string)".into());
            return Some(e);
        }
    }
    if let Some(sbs) = token_after(t, "Expected signature base string:") {
        let mut e = ServerEcho::new(EchoShape::Khan);
        e.base_string = Some(sbs.to_string());
        e.found
            .push("the server's base string (\"Expected signature base string\")".into());
        return Some(e);
    }
    if let Some(sbs) = token_after(t, "Acceptable signature base string:") {
        let mut e = ServerEcho::new(EchoShape::Mastercard);
        e.base_string = Some(sbs.to_string());
        e.found
            .push("the server's base string (\"Acceptable signature base string\")".into());
        return Some(e);
    }
    if find_ci(t, "Shoud be:").is_some() || find_ci(t, "We are using this base uri:").is_some() {
        let mut e = ServerEcho::new(EchoShape::Wordpress);
        if let Some(v) = token_after(t, "Shoud be:") {
            if is_base_string(v) {
                e.base_string = Some(v.to_string());
                e.found
                    .push("the server's base string (\"Shoud be\")".into());
            } else {
                e.expected_signature = Some(v.to_string());
                e.found
                    .push("the signature the server expected (\"Shoud be\")".into());
            }
        }
        if let Some(u) = token_after(t, "We are using this base uri:") {
            e.base_uri = Some(u.trim_end_matches(['.', ',']).to_string());
            e.found
                .push("the base string URI the server used (\"base uri\")".into());
        }
        if e.reveals_anything() {
            return Some(e);
        }
    }
    if find_ci(t, "ours=").is_some() && find_ci(t, "yours=").is_some() {
        let mut e = ServerEcho::new(EchoShape::ImsLti);
        // "yours=" contains "ours=": find the first "ours=" that is not inside "yours=".
        let lower = t.to_ascii_lowercase();
        let ours_at = lower
            .match_indices("ours=")
            .find(|(i, _)| *i == 0 || lower.as_bytes()[i - 1] != b'y')
            .map(|(i, _)| i);
        let yours_at = find_ci(t, "yours=");
        // Each value ends where the other marker starts, so an empty
        // `ours=` does not take the word `yours=` as its value.
        let region = |from: usize, other: Option<usize>| match other {
            Some(o) if o > from => &t[from..o],
            _ => &t[from..],
        };
        let ours = ours_at.and_then(|i| token_after(region(i, yours_at), "ours="));
        let yours = yours_at.and_then(|i| token_after(region(i, ours_at), "yours="));
        match ours {
            Some(v) if is_base_string(v) => {
                e.base_string = Some(v.to_string());
                e.found.push("the server's base string (ours=)".into());
            }
            Some(v) => {
                e.expected_signature = Some(v.to_string());
                e.found
                    .push("the signature the server computed (ours=)".into());
            }
            None => {}
        }
        match yours {
            Some(v) if is_base_string(v) => {
                e.client_base_string = Some(v.to_string());
                e.found
                    .push("the base string the client sent, as the server saw it (yours=)".into());
            }
            Some(v) => {
                e.received_signature = Some(v.to_string());
                e.found
                    .push("the signature the server received (yours=)".into());
            }
            None => {}
        }
        if e.reveals_anything() {
            return Some(e);
        }
    }
    if let Some(i) = find_ci(t, "does not match expected value") {
        let mut e = ServerEcho::new(EchoShape::Tumblr);
        // `oauth_signature [sent] does not match expected value [expected]`:
        // the last bracket before the phrase, the first one after it.
        let before = &t[..i];
        e.received_signature = before.rfind('[').and_then(|a| {
            let b = before[a..].find(']')? + a;
            Some(before[a + 1..b].to_string()).filter(|v| !v.is_empty())
        });
        let after = &t[i..];
        e.expected_signature = after.find('[').and_then(|a| {
            let b = after[a..].find(']')? + a;
            Some(after[a + 1..b].to_string()).filter(|v| !v.is_empty())
        });
        if e.reveals_anything() {
            e.found
                .push("the signature the server received and the one it expected (Tumblr)".into());
            return Some(e);
        }
    }
    None
}

fn unknown_shape(texts: &[String]) -> ServerEcho {
    let mut e = ServerEcho::new(EchoShape::Unknown);
    for t in texts {
        // Also look inside a form-encoded copy (a base string sent as a form value).
        let decoded = String::from_utf8_lossy(&form_decode(t)).into_owned();
        for candidate in [t.as_str(), decoded.as_str()] {
            if e.base_string.is_none() {
                if let Some(sbs) = find_base_string(candidate) {
                    e.found
                        .push("something shaped like a signature base string".into());
                    e.base_string = Some(sbs);
                }
            }
        }
        if e.expected_signature.is_none() {
            if let Some(sig) = find_signature(t) {
                e.found.push(format!(
                    "a base64 string of signature length ({sig}); the response does not say whose it is"
                ));
                e.expected_signature = Some(sig);
            }
        }
    }
    if e.found.is_empty() {
        e.found
            .push("nothing shaped like a base string or a signature".into());
    }
    e
}

/// Finds `METHOD&http%3A%2F%2F…` inside free text.
fn find_base_string(t: &str) -> Option<String> {
    let lower = t.to_ascii_lowercase();
    let at = lower
        .find("&http%3a%2f%2f")
        .or_else(|| lower.find("&https%3a%2f%2f"))?;
    // The method is the ASCII letters just before `&`; the character before
    // them may be any character (a no-break space in HTML), so step over it
    // by its own length, not by one byte.
    let start = t[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = t[at..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '\'')
        .map_or(t.len(), |i| at + i);
    let s = &t[start..end];
    is_base_string(s).then(|| s.to_string())
}

/// A base64 token that decodes to a SHA-1, SHA-256 or SHA-512 digest length.
fn find_signature(t: &str) -> Option<String> {
    use base64::Engine;
    t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
        .map(|tok| {
            // `sig=AbC…=`: keep what follows the last '=' that is not padding.
            let body = tok.trim_end_matches('=');
            body.rfind('=').map_or(tok, |i| &tok[i + 1..])
        })
        .find(|tok| {
            matches!(tok.len(), 28 | 44 | 88)
                && tok.ends_with('=')
                && base64::engine::general_purpose::STANDARD
                    .decode(tok)
                    .is_ok_and(|b| matches!(b.len(), 20 | 32 | 64))
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jira_base_string_is_form_decoded() {
        let e = parse("oauth_problem=signature_invalid&oauth_signature=abc%3D&oauth_signature_base_string=GET%26https%253A%252F%252Fjira.example.com%252Frest%26a%253Db&oauth_signature_method=RSA-SHA1");
        assert_eq!(e.shape, EchoShape::Jira);
        assert_eq!(
            e.base_string.as_deref(),
            Some("GET&https%3A%2F%2Fjira.example.com%2Frest&a%3Db")
        );
        assert_eq!(e.received_signature.as_deref(), Some("abc="));
    }

    #[test]
    fn lti_ours_is_not_confused_with_yours() {
        let e = parse("Invalid signature ours= POST&https%3A%2F%2Ft.example%2Flaunch&a%3D1 yours= POST&https%3A%2F%2Ft.example%2Flaunch%2F&a%3D1");
        assert_eq!(e.shape, EchoShape::ImsLti);
        assert!(e.base_string.unwrap().contains("launch&a"));
        assert!(e.client_base_string.unwrap().contains("launch%2F&a"));
    }

    #[test]
    fn tumblr_brackets_inside_json() {
        let e = parse(
            r#"{"response":[],"errors":[{"detail":"oauth_signature [abc=] does not match expected value [xyz=]"}]}"#,
        );
        assert_eq!(e.shape, EchoShape::Tumblr);
        assert_eq!(e.received_signature.as_deref(), Some("abc="));
        assert_eq!(e.expected_signature.as_deref(), Some("xyz="));
    }

    proptest::proptest! {
        /// Any body is read without a panic.
        #[test]
        fn any_body_is_read(body in "(?s).{0,200}") {
            let _ = parse(&body);
        }

        #[test]
        fn shaped_bodies_with_noise_are_read(noise in "[ -~]{0,40}") {
            let _ = parse(&format!("ours= {noise} yours={noise} does not match expected value [{noise}"));
            let _ = parse(&format!("Shoud be:{noise}We are using this base uri:"));
        }
    }

    /// Issue 11: a character of several bytes just before a base string
    /// (a no-break space in an HTML page) made the method's start land
    /// inside it.
    #[test]
    fn issue11_multibyte_character_before_a_base_string() {
        for before in ["\u{a0}", "é", "\u{2028}", "😀", "<p>\u{a0}"] {
            let body = format!("{before}GET&http%3A%2F%2Fh%2Fx&a%3D1</p>");
            let e = parse(&body);
            assert_eq!(
                e.base_string.as_deref(),
                Some("GET&http%3A%2F%2Fh%2Fx&a%3D1"),
                "{body:?}"
            );
        }
        // With no letters before the `&` the base string is not one.
        assert_eq!(parse("\u{a0}&http%3A%2F%2Fh%2Fx&a%3D1").base_string, None);
    }

    /// Issue 11: a body that names a shape's keyword but holds no value is
    /// not that shape, and reveals nothing.
    #[test]
    fn issue11_keywords_without_values_are_not_a_shape() {
        for body in [
            "oauth_problem=signature_invalid&debug_sbs=",
            "oauth_signature_base_string=&oauth_signature=",
            "Expected signature base string: ",
            "Acceptable signature base string:<br>",
            "OAuth signature does not match. Shoud be: <b>",
            "Invalid signature ours= yours=",
            "oauth_signature [] does not match expected value []",
            "oauth_signature does not match expected value",
            "{\"error\": \"the base string and oauth_signature were wrong\"}",
        ] {
            let e = parse(body);
            assert_eq!(e.shape, EchoShape::Unknown, "{body:?}");
            assert!(!e.reveals_anything(), "{body:?}: {e:?}");
            assert!(e.found[0].starts_with("nothing"), "{body:?}");
        }
        assert!(parse("debug_sbs=GET&http%3A%2F%2Fh%2F&").reveals_anything());
    }

    proptest::proptest! {
        /// Any text, with base-string markers put after arbitrary
        /// (multi-byte) characters, is read without a panic.
        #[test]
        fn any_text_around_base_string_markers(
            before in "\\PC{0,8}",
            method in "[A-Za-z]{0,4}",
            after in "\\PC{0,8}",
        ) {
            for marker in ["&http%3A%2F%2F", "&HTTPS%3a%2f%2f"] {
                let _ = parse(&format!("{before}{method}{marker}{after}"));
                let _ = parse(&format!("{before}{method}{marker}h%2F&a{after} ours={after} yours= Shoud be:{before}"));
            }
        }
    }

    #[test]
    fn unknown_shape_says_what_it_found() {
        let e =
            parse("<html><body>Signature rejected. sig=wOJIO9A2W5mFwDgiDvZbTSMK/PY=</body></html>");
        assert_eq!(e.shape, EchoShape::Unknown);
        assert_eq!(
            e.expected_signature.as_deref(),
            Some("wOJIO9A2W5mFwDgiDvZbTSMK/PY=")
        );
        let e = parse("nope");
        assert!(e.found[0].starts_with("nothing"));
    }
}
