//! Human rendering: aligned tables and colour (through `anstream`, which
//! drops colour when the output is not a terminal or `NO_COLOR` is set).

use anstyle::{AnsiColor, Style};
use oauth1_doctor::pipeline::Walkthrough;
use oauth1_doctor::ReadRequest;
use std::borrow::Cow;

/// Rows of the parameter table shown before the rest is summed up (the
/// JSON form always lists every parameter).
const TABLE_ROWS: usize = 200;

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GOOD: Style = AnsiColor::Green.on_default().bold();
pub const BAD: Style = AnsiColor::Red.on_default().bold();
pub const WARN: Style = AnsiColor::Yellow.on_default();
pub const METHOD: Style = AnsiColor::Magenta.on_default();
pub const URI: Style = AnsiColor::Cyan.on_default();
pub const PARAMS: Style = AnsiColor::Blue.on_default();

/// `text` in `style`.
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// Prints an error to stderr as `error: …` (its text may quote input:
/// control characters are escaped, line breaks kept).
pub fn error(e: &anyhow::Error) {
    let text = format!("{e:#}");
    anstream::eprintln!("{}: {}", paint(BAD, "error"), visible_lines(&text));
}

/// Pads `s` to `width` characters.
pub fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// Shortens `s` to at most `max` characters, marking the cut with `…`.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Untrusted text (a header value, a signer's stderr, a fixture name, a
/// label) fit for a terminal, on one line: every control character is
/// written as an escape (`\n`, `\t`, `\r`, `\u{1b}`), so a stray newline
/// cannot hide and no escape sequence reaches the terminal.
pub fn visible(s: &str) -> Cow<'_, str> {
    escape_controls(s, false)
}

/// [`visible`] for text whose line breaks are structure (an error's
/// caret under the line it points at): `\n` and tab stay as they are.
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    escape_controls(s, true)
}

/// True for what must never reach a terminal raw: C0 controls, DEL, C1
/// controls (U+0080–U+009F, U+009B is a CSI on its own), and the Unicode
/// bidirectional controls that reorder what is shown (Trojan Source).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The one escaping helper of every human renderer (see [`visible`]).
fn escape_controls(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let kept = |c: char| keep_newlines && matches!(c, '\n' | '\t');
    if !s.chars().any(|c| is_unsafe(c) && !kept(c)) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if kept(c) || !is_unsafe(c) => o.push(c),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(o)
}

/// The `explain` walkthrough: each RFC 5849 step as a teacher would draw it.
pub fn walkthrough(w: &Walkthrough, read: &ReadRequest, source: &str) -> String {
    let mut o = String::new();
    let step = |o: &mut String, n: u32, title: &str, section: &str| {
        o.push_str(&format!(
            "\n{} {}  {}\n",
            paint(BOLD, format!("Step {n}")),
            paint(BOLD, title),
            paint(DIM, section)
        ));
    };
    o.push_str(&format!(
        "{} {} ({})\n",
        paint(BOLD, "Request"),
        visible(source),
        format!("{:?}", read.format).to_lowercase()
    ));
    o.push_str(&format!(
        "  {} {}\n",
        visible(&w.method_as_sent),
        visible(&w.shown_url())
    ));
    for note in &read.assumptions {
        o.push_str(&format!(
            "  {} {}\n",
            paint(WARN, "assumed:"),
            visible(note)
        ));
    }

    step(&mut o, 1, "Method", "RFC 5849 §3.4.1.1");
    o.push_str(&format!("  {}", paint(METHOD, visible(&w.method))));
    if w.method != w.method_as_sent {
        o.push_str(&format!("  (sent as {:?}; upper-cased)", w.method_as_sent));
    }
    o.push('\n');

    step(&mut o, 2, "Base string URI", "RFC 5849 §3.4.1.2");
    o.push_str(&format!("  {}\n", paint(URI, visible(&w.base_uri))));
    o.push_str(&format!(
        "  {}\n",
        paint(
            DIM,
            "scheme and host lower-cased, default port dropped, query and fragment removed"
        )
    ));

    step(&mut o, 3, "Parameters", "RFC 5849 §3.4.1.3.1");
    if w.parameters.is_empty() {
        o.push_str("  (none)\n");
    } else {
        let rows: Vec<[String; 4]> = w
            .parameter_rows()
            .take(TABLE_ROWS)
            .map(|p| {
                [
                    clip(&visible(&p.name), 32),
                    clip(&visible(&p.value), 40),
                    p.source.as_str().to_string(),
                    clip(&format!("{}={}", p.encoded_name, p.encoded_value), 60),
                ]
            })
            .collect();
        let head = ["name", "value (decoded)", "source", "encoded"];
        let widths: Vec<usize> = (0..4)
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([head[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        o.push_str("  ");
        let line: String = head
            .iter()
            .enumerate()
            .map(|(i, h)| pad(h, widths[i] + 2))
            .collect();
        o.push_str(&paint(DIM, line.trim_end()));
        o.push('\n');
        for r in rows {
            o.push_str("  ");
            let line: String = r
                .iter()
                .enumerate()
                .map(|(i, cell)| pad(cell, widths[i] + 2))
                .collect();
            o.push_str(line.trim_end());
            o.push('\n');
        }
        if w.parameters.len() > TABLE_ROWS {
            o.push_str(&format!(
                "  {}\n",
                paint(
                    DIM,
                    format!(
                        "… {} more parameters; --json shows all",
                        w.parameters.len() - TABLE_ROWS
                    )
                )
            ));
        }
    }
    let body_note = match (w.body_signed, read.request.body.is_empty()) {
        (true, _) => "the body is signed: Content-Type is application/x-www-form-urlencoded".to_string(),
        (false, true) => "no body".to_string(),
        (false, false) => format!(
            "the body ({} bytes) is not signed: Content-Type is {}, not application/x-www-form-urlencoded",
            read.request.body.len(),
            read.request.header("content-type").map_or("absent".into(), |c| format!("{c:?}"))
        ),
    };
    o.push_str(&format!("  {}\n", paint(DIM, body_note)));
    if let Some(r) = &w.realm {
        o.push_str(&format!(
            "  {}\n",
            paint(
                DIM,
                format!("realm={r:?} is in the header but never signed (§3.4.1.3.1)")
            )
        ));
    }
    if let Some(s) = &w.request_signature_source {
        o.push_str(&format!(
            "  {}\n",
            paint(
                DIM,
                format!("oauth_signature ({}) is excluded (§3.4.1.3.1)", s.as_str())
            )
        ));
    }

    step(&mut o, 4, "Normalized parameters", "RFC 5849 §3.4.1.3.2");
    o.push_str(&format!(
        "  {}\n  {}\n",
        paint(
            DIM,
            "each name and value encoded, sorted by name then value, joined with = and &"
        ),
        paint(PARAMS, &w.normalized_parameters)
    ));

    step(&mut o, 5, "Signature base string", "RFC 5849 §3.4.1.1");
    let mut parts = w.base_string.splitn(3, '&');
    let (m, u, p) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    o.push_str(&format!("  {}  method\n", paint(METHOD, m)));
    o.push_str(&format!("  &{}  encoded base string URI\n", paint(URI, u)));
    o.push_str(&format!(
        "  &{}  encoded normalized parameters\n",
        paint(PARAMS, clip(p, 200))
    ));
    o.push_str(&format!(
        "  {}\n  {}{}{}{}{}\n",
        paint(DIM, "as one line:"),
        paint(METHOD, m),
        "&",
        paint(URI, u),
        "&",
        paint(PARAMS, p)
    ));

    let method = w
        .signature_method
        .map(|m| m.as_str().to_string())
        .or_else(|| {
            w.signature_method_as_sent
                .as_deref()
                .map(|m| visible(m).into_owned())
        })
        .unwrap_or_else(|| "(none)".into());
    let section = w.signature_method.map_or("RFC 5849 §3.4", |m| m.section());
    step(&mut o, 6, &format!("Key and signature: {method}"), section);
    match (&w.key, w.signature_method) {
        (Some(k), _) => o.push_str(&format!("  key        {k}\n")),
        (None, Some(m)) if m.is_rsa() => {
            o.push_str("  key        the RSA private key (public key to verify)\n")
        }
        _ => {}
    }
    match w.shown_signature() {
        Some(s) => o.push_str(&format!("  computed   {}\n", paint(BOLD, s))),
        None => o.push_str(&format!(
            "  computed   {}\n",
            paint(
                WARN,
                visible(w.not_computed.as_deref().unwrap_or("not computed"))
            )
        )),
    }
    if let (Some(s), Some(src)) = (w.shown_request_signature(), &w.request_signature_source) {
        o.push_str(&format!(
            "  in request {}  ({})\n",
            visible(&s),
            src.as_str()
        ));
    }
    match w.valid {
        Some(true) => o.push_str(&format!(
            "  {}\n",
            paint(GOOD, "✓ the request's oauth_signature is valid")
        )),
        Some(false) => o.push_str(&format!(
            "  {}\n",
            paint(BAD, "✗ the request's oauth_signature does not match")
        )),
        None => {}
    }
    if let Some(b) = &w.body_hash {
        o.push_str(&format!(
            "  body hash  carried {}; SHA-1 {}",
            visible(&b.carried),
            b.sha1
        ));
        if let Some(m) = &b.method_hash {
            o.push_str(&format!("; method digest {m}"));
        }
        match b.matched {
            Some(h) => o.push_str(&format!(
                "  {}\n",
                paint(GOOD, format!("✓ matches {}", h.as_str()))
            )),
            None => o.push_str(&format!("  {}\n", paint(BAD, "✗ matches neither"))),
        }
    }

    let notes: Vec<String> = read
        .violations
        .iter()
        .chain(w.violations.iter())
        .map(|v| v.to_string())
        .collect();
    if !notes.is_empty() {
        o.push_str(&format!("\n{}\n", paint(BOLD, "Notes")));
        for n in notes {
            o.push_str(&format!("  {} {}\n", paint(WARN, "•"), visible(&n)));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue11_visible_escapes_every_control_and_bidi_character() {
        assert!(matches!(visible("plain text é ✓"), Cow::Borrowed(_)));
        assert_eq!(visible("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(visible("\u{9b}31m\u{7f}"), "\\u{9b}31m\\u{7f}");
        assert_eq!(visible("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(visible("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(visible_lines("a\nb\tc\x07"), "a\nb\tc\\u{7}");
        for b in 0u32..0x20 {
            let c = char::from_u32(b).unwrap();
            assert!(!visible(&c.to_string()).contains(c), "{b:#x}");
        }
    }
}
