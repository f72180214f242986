//! A hand-written reader for the common JSON Lines shape (RFC 8259 JSON),
//! the fast twin of [`super::read_line_ref`] for the batch path.
//!
//! A log line is almost always one flat object with the keys `method`,
//! `url`, `headers` and `body`, whose Authorization header holds `\"`
//! (RFC 5849 §3.5.1 quotes every parameter value). The serde path copies
//! every string that holds an escape into a new allocation; this reader
//! decodes such strings into a [`Scratch`] buffer kept from line to line
//! and borrows everything else from the line.
//!
//! It reads only what it is sure of: an object with those keys (each once),
//! other keys whose value is a string, an integer, `true`, `false` or
//! `null`; strings whose escapes are those of RFC 8259 §7 outside the
//! surrogate range. Anything else — a nested value under an unknown key, a
//! duplicate key, an escaped key, a surrogate pair, bad JSON — makes it
//! answer `None`, and the caller reads the line with the serde path, whose
//! answer (and error message) is then the answer. Where it answers, it
//! answers what the serde path does (a differential property test and the
//! `jsonl` fuzz target compare them).

use super::{HeadersRef, LineRef};
use std::borrow::Cow;
use std::ops::Range;

/// Where a string read from the line lies: in the line itself (it held no
/// escape) or in the [`Scratch`] buffer (decoded).
#[derive(Debug, Clone)]
enum Piece {
    Line(Range<usize>),
    Decoded(Range<usize>),
}

/// Buffers kept from one line to the next by [`read_line_fast`]: decoded
/// strings and where each header lies. Nothing is allocated for a line
/// once they have grown to its size.
#[derive(Debug, Default)]
pub struct Scratch {
    decoded: String,
    headers: Vec<(Piece, Piece)>,
}

impl Scratch {
    /// Forgets the last line's decoded strings and gives back what the
    /// buffers hold beyond about `bytes` octets each, after an unusually
    /// large line.
    pub fn shrink_to(&mut self, bytes: usize) {
        self.decoded.clear();
        self.headers.clear();
        if self.decoded.capacity() > bytes {
            self.decoded.shrink_to(bytes);
        }
        let keep = bytes / std::mem::size_of::<(Piece, Piece)>();
        if self.headers.capacity() > keep {
            self.headers.shrink_to(keep);
        }
    }
}

/// The strings of one line, as pieces.
struct Pieces {
    method: Piece,
    url: Piece,
    body: Option<Piece>,
}

/// One line read by [`read_line_fast`]: its strings borrowed from the line
/// or, decoded, from the [`Scratch`].
#[derive(Debug, Clone, Copy)]
pub struct FastLine<'a> {
    line: &'a str,
    scratch: &'a Scratch,
    /// The HTTP method as written.
    pub method: &'a str,
    /// The URL as written.
    pub url: &'a str,
    /// The entity-body (`None` when absent or `null`).
    pub body: Option<&'a str>,
}

impl<'a> FastLine<'a> {
    fn text(&self, p: &Piece) -> &'a str {
        match p {
            Piece::Line(r) => &self.line[r.clone()],
            Piece::Decoded(r) => &self.scratch.decoded[r.clone()],
        }
    }

    /// Header fields in order, as `(name, value)`.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.scratch
            .headers
            .iter()
            .map(|(n, v)| (self.text(n), self.text(v)))
    }

    /// The line as [`super::read_line_ref`] reads it.
    pub fn to_line_ref(&self) -> LineRef<'a> {
        LineRef {
            method: Cow::Borrowed(self.method),
            url: Cow::Borrowed(self.url),
            headers: HeadersRef(
                self.headers()
                    .map(|(n, v)| (Cow::Borrowed(n), Cow::Borrowed(v)))
                    .collect(),
            ),
            body: self.body.map(Cow::Borrowed),
        }
    }
}

/// Reads one line (without its line break) when it has the common shape;
/// `None` means "read it with [`super::read_line_ref`]", whose answer is
/// then the answer (a request or an error).
///
/// ```
/// use oauth1_doctor::input::jsonl::{read_line_fast, Scratch};
/// let mut scratch = Scratch::default();
/// let line = r#"{"method":"GET","url":"http://x/p","headers":{"A":"q\"1"},"id":7}"#;
/// let r = read_line_fast(line, &mut scratch).unwrap();
/// assert_eq!(r.url, "http://x/p");
/// assert_eq!(r.headers().next(), Some(("A", "q\"1")));
/// // A nested value under an unknown key is left to the serde path.
/// assert!(read_line_fast(r#"{"method":"GET","url":"http://x/","x":[1]}"#, &mut scratch).is_none());
/// ```
pub fn read_line_fast<'a>(line: &'a str, scratch: &'a mut Scratch) -> Option<FastLine<'a>> {
    scratch.decoded.clear();
    scratch.headers.clear();
    let pieces = Reader {
        line,
        b: line.as_bytes(),
        at: 0,
        scratch: &mut *scratch,
    }
    .object()?;
    let mut fast = FastLine {
        line,
        scratch,
        method: "",
        url: "",
        body: None,
    };
    fast.method = fast.text(&pieces.method);
    fast.url = fast.text(&pieces.url);
    fast.body = pieces.body.as_ref().map(|b| fast.text(b));
    Some(fast)
}

/// RFC 8259 §7: the first octet at or after `from` that a string cannot
/// hold as it is — its closing `"`, the `\` of an escape, or a control
/// character (U+0000 to U+001F, which must be escaped) — looked for eight
/// octets at a time in a word: a byte of `w ^ q` is zero where `w` holds
/// `q`, and `x - 0x01…01 & !x & 0x80…80` marks zero bytes (borrows only
/// mark bytes above a true mark, so the lowest mark is exact).
fn special(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x;
    let mut i = from;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().expect("eight octets"));
        let marks = (zero(w ^ (ONES * u64::from(b'"')))
            | zero(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w))
            & HIGH;
        if marks != 0 {
            return Some(i + (marks.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|k| i + k)
}

struct Reader<'l, 's> {
    line: &'l str,
    b: &'l [u8],
    at: usize,
    scratch: &'s mut Scratch,
}

impl<'l> Reader<'l, '_> {
    /// RFC 8259 §2: insignificant whitespace is space, tab, LF and CR.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.at) {
            self.at += 1;
        }
    }

    /// [`Reader::eat`], where anything else ends the fast reading.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Skips whitespace, then consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.ws();
        if self.b.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `word` if it is next (after whitespace).
    fn word(&mut self, word: &[u8]) -> bool {
        self.ws();
        if self.b[self.at..].starts_with(word) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    /// The whole line: `{ key: value, … }` then only whitespace.
    fn object(mut self) -> Option<Pieces> {
        let (mut method, mut url, mut body, mut headers) = (None, None, None, false);
        self.expect(b'{')?;
        if self.eat(b'}') {
            return None; // no method: the serde path says so
        }
        loop {
            self.expect(b'"')?;
            let key = self.key()?;
            self.expect(b':')?;
            match key {
                b"method" if method.is_none() => method = Some(self.string_value()?),
                b"url" if url.is_none() => url = Some(self.string_value()?),
                b"headers" if !headers => {
                    headers = true;
                    self.headers()?;
                }
                b"body" if body.is_none() => {
                    body = Some(if self.word(b"null") {
                        None
                    } else {
                        Some(self.string_value()?)
                    });
                }
                b"method" | b"url" | b"headers" | b"body" => return None, // duplicate
                _ => self.skip_scalar()?,
            }
            if self.eat(b',') {
                continue;
            }
            if self.eat(b'}') {
                break;
            }
            return None;
        }
        self.ws();
        if self.at != self.b.len() {
            return None;
        }
        Some(Pieces {
            method: method?,
            url: url?,
            body: body.flatten(),
        })
    }

    /// A key after its opening quote: only one without escapes.
    fn key(&mut self) -> Option<&'l [u8]> {
        let (b, start) = (self.b, self.at);
        let end = special(b, start)?;
        if b[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        Some(&b[start..end])
    }

    /// `"…"` after whitespace.
    fn string_value(&mut self) -> Option<Piece> {
        self.expect(b'"')?;
        self.string()
    }

    /// A string after its opening quote (RFC 8259 §7).
    fn string(&mut self) -> Option<Piece> {
        let start = self.at;
        let mut end = special(self.b, start)?;
        if self.b[end] == b'"' {
            self.at = end + 1;
            return Some(Piece::Line(start..end));
        }
        let from = self.scratch.decoded.len();
        let mut at = start;
        loop {
            // Both ends are ASCII, so they are character boundaries.
            self.scratch.decoded.push_str(self.line.get(at..end)?);
            at = end;
            let decoded = match self.b[at] {
                b'"' => {
                    self.at = at + 1;
                    return Some(Piece::Decoded(from..self.scratch.decoded.len()));
                }
                b'\\' => match *self.b.get(at + 1)? {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'/' => '/',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'n' => '\n',
                    b'r' => '\r',
                    b't' => '\t',
                    b'u' => {
                        let hex = self.line.get(at + 2..at + 6)?;
                        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                            return None;
                        }
                        // A surrogate (a pair, or a lone one) is left to serde.
                        let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                        at += 4;
                        c
                    }
                    _ => return None,
                },
                _ => return None, // a control character must be escaped
            };
            self.scratch.decoded.push(decoded);
            at += 2;
            end = special(self.b, at)?;
        }
    }

    /// `headers`: `null`, `{"Name": "value", …}` or `[["Name", "value"], …]`.
    fn headers(&mut self) -> Option<()> {
        if self.word(b"null") {
            return Some(());
        }
        if self.eat(b'{') {
            if self.eat(b'}') {
                return Some(());
            }
            loop {
                let name = self.string_value()?;
                self.expect(b':')?;
                let value = self.string_value()?;
                self.scratch.headers.push((name, value));
                if self.eat(b'}') {
                    return Some(());
                }
                self.expect(b',')?;
            }
        }
        if self.eat(b'[') {
            if self.eat(b']') {
                return Some(());
            }
            loop {
                self.expect(b'[')?;
                let name = self.string_value()?;
                self.expect(b',')?;
                let value = self.string_value()?;
                self.expect(b']')?;
                self.scratch.headers.push((name, value));
                if self.eat(b']') {
                    return Some(());
                }
                self.expect(b',')?;
            }
        }
        None
    }

    /// The value of an ignored key: a string, a number (RFC 8259 §6), `true`,
    /// `false` or `null`.
    fn skip_scalar(&mut self) -> Option<()> {
        if self.word(b"true") || self.word(b"false") || self.word(b"null") {
            return Some(());
        }
        if self.eat(b'"') {
            // Read to check its escapes; what it decodes to is dropped.
            let from = self.scratch.decoded.len();
            let read = self.string().map(drop);
            self.scratch.decoded.truncate(from);
            return read;
        }
        let b = self.b;
        let digits = |at: usize| {
            b.get(at..)
                .map_or(0, |t| t.iter().take_while(|c| c.is_ascii_digit()).count())
        };
        // number = [ minus ] int [ frac ] [ exp ]; int = zero / digit1-9 *DIGIT
        let mut at = self.at;
        if b.get(at) == Some(&b'-') {
            at += 1;
        }
        let int = digits(at);
        if int == 0 || (int > 1 && b[at] == b'0') {
            return None;
        }
        at += int;
        // frac = decimal-point 1*DIGIT
        if b.get(at) == Some(&b'.') {
            let frac = digits(at + 1);
            if frac == 0 {
                return None;
            }
            at += 1 + frac;
        }
        // exp = e [ minus / plus ] 1*DIGIT
        if matches!(b.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(b.get(at), Some(b'-' | b'+')) {
                at += 1;
            }
            let exp = digits(at);
            if exp == 0 {
                return None;
            }
            at += exp;
        }
        self.at = at;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::read_line_ref;
    use super::*;
    use proptest::prelude::*;

    type View = (String, String, Vec<(String, String)>, Option<String>);

    fn view(r: LineRef<'_>) -> View {
        (
            r.method.into_owned(),
            r.url.into_owned(),
            r.headers
                .0
                .into_iter()
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect(),
            r.body.map(Cow::into_owned),
        )
    }

    /// Where the fast reader answers, the serde path answers the same
    /// request; returns whether the fast reader answered.
    fn agrees(line: &str, scratch: &mut Scratch) -> bool {
        let slow = read_line_ref(line).map(view);
        match read_line_fast(line, scratch).map(|f| view(f.to_line_ref())) {
            Some(fast) => {
                match slow {
                    Ok(slow) => assert_eq!(fast, slow, "{line:?}"),
                    Err(e) => panic!("fast reader accepts {line:?}, serde refuses: {e}"),
                }
                true
            }
            None => false,
        }
    }

    /// The shapes logs carry are read by the fast reader (so the batch
    /// path really takes it), and read as serde reads them.
    #[test]
    fn common_shapes_are_read_fast_and_alike() {
        let mut scratch = Scratch::default();
        for line in [
            r#"{"method":"POST","url":"https://api.example.com/1.1/statuses/update.json?include_entities=true","headers":{"Authorization":"OAuth oauth_consumer_key=\"ck\", oauth_signature=\"a%2Bb\"","Content-Type":"application/x-www-form-urlencoded"},"body":"status=Hello%20Ladies"}"#,
            r#" { "id" : 7 , "method" : "get", "time": "2024-01-01T00:00:00Z", "url":"http://x/\u00e9\/p", "headers" : [ ["A", "1"] , ["A","2\t\u0000"] ], "body": null, "ok": true, "n": -12, "z": false } "#,
            r#"{"url":"http://x/","method":"GET","headers":null}"#,
            r#"{"method":"GET","url":"http://x/日本","headers":{},"body":"a\\b\"c\n"}"#,
            "{\"method\":\"GET\",\r\n\t\"url\":\"http://x/\"}",
            r#"{"method":"GET","url":"http://x/","duration":0.012,"t":-1.5e-3,"n":1E+9,"z":-0}"#,
            r#"{"method":"GET","url":"http://x/","note":"a \"quoted\" \u00e9 word"}"#,
        ] {
            assert!(agrees(line, &mut scratch), "not read fast: {line}");
        }
    }

    /// Lines whose reading the fast reader leaves to serde: serde then
    /// gives the request or its error.
    #[test]
    fn unusual_lines_are_left_to_serde() {
        let mut scratch = Scratch::default();
        for line in [
            r#"{"method":"GET","url":"http://x/","method":"PUT"}"#,
            r#"{"method":"GET","url":"http://x/","x":{"a":1}}"#,
            r#"{"method":"GET","url":"http://x/","x":01}"#,
            r#"{"method":"GET","url":"http://x/","x":1.}"#,
            r#"{"method":"GET","url":"http://x/","x":.5}"#,
            r#"{"method":"GET","url":"http://x/","x":1e}"#,
            r#"{"met\u0068od":"GET","url":"http://x/"}"#,
            r#"{"method":"GET","url":"http://x/\ud83d\ude00"}"#,
            r#"{"method":"GET","url":"http://x/\ud800"}"#,
            r#"{"method":"GET","url":"http://x/",}"#,
            r#"{"method":"GET","url":"http://x/"} x"#,
            r#"{"method":"GET"}"#,
            r#"{"method":null,"url":"http://x/"}"#,
            r#"{"method":"GET","url":"http://x/","headers":[["A"]]}"#,
            r#"{"method":"GET","url":"http://x/","headers":"A: 1"}"#,
            "{\"method\":\"G\u{1}\",\"url\":\"http://x/\"}",
            r#"{"method":"GET","url":"http://x/\q"}"#,
            r#"{}"#,
            r#"[]"#,
        ] {
            assert!(!agrees(line, &mut scratch), "read fast: {line}");
        }
    }

    fn ws() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", "", "", " ", "\t", "  ", "\r\n", "\n "])
    }

    /// A JSON string body: plain text, unicode, every escape, and some
    /// that serde refuses (a lone surrogate, a bad escape, a raw control
    /// character).
    fn json_string() -> impl Strategy<Value = String> {
        let good = prop::sample::select(vec![
            "a", "OAuth ", "=", "%2B", "é", "日本", "😀", "\\\"", "\\\\", "\\/", "\\b", "\\f",
            "\\n", "\\r", "\\t", "\\u00e9", "\\u0000", "\\u20AC", " ", ",",
        ]);
        let bad = prop::sample::select(vec!["\\ud83d\\ude00", "\\ud800", "\\x", "\u{1}", "\\u12"]);
        let piece = prop_oneof![30 => good, 1 => bad];
        prop::collection::vec(piece, 0..8).prop_map(|p| format!("\"{}\"", p.concat()))
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => json_string(),
            1 => prop::sample::select(vec!["null", "true", "false", "0", "-7", "12", "01", "1.5", "1e3", "0.012", "-1.5e-3", "1E+9", "1e999", "1.", ".5", "1.e3", "1e", "-0", "[1]", "{}", "-", "null"]).prop_map(String::from),
            2 => (ws(), prop::collection::vec((json_string(), ws(), json_string()), 0..3)).prop_map(|(w, h)| {
                let items: Vec<String> = h.iter().map(|(n, w, v)| format!("{n}:{w}{v}")).collect();
                format!("{{{w}{}}}", items.join(","))
            }),
            2 => (ws(), prop::collection::vec((json_string(), ws(), json_string()), 0..3)).prop_map(|(w, h)| {
                let items: Vec<String> = h.iter().map(|(n, w, v)| format!("[{n},{w}{v}]")).collect();
                format!("[{w}{}]", items.join(","))
            }),
        ]
    }

    fn line() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "\"method\"",
            "\"url\"",
            "\"headers\"",
            "\"body\"",
            "\"id\"",
            "\"time\"",
            "\"met\\u0068od\"",
            "\"Method\"",
        ]);
        let required = (json_string(), json_string());
        (
            required,
            prop::collection::vec((key, ws(), value(), ws()), 0..5),
            ws(),
            prop::sample::select(vec!["", "", "", "", "", "", ",", " x", "}"]),
            any::<prop::sample::Index>(),
        )
            .prop_map(|((m, u), extra, w, tail, at)| {
                let mut entries = vec![format!("\"method\":{w}{m}"), format!("\"url\":{u}{w}")];
                for (k, w1, v, w2) in extra {
                    entries.insert(at.index(entries.len() + 1), format!("{w1}{k}{w2}:{w1}{v}"));
                }
                format!("{w}{{{}}}{w}{tail}", entries.join(","))
            })
    }

    /// The word-at-a-time search finds what an octet-by-octet one finds,
    /// every octet value at every offset of a word and in the tail.
    #[test]
    fn special_agrees_with_an_octet_search() {
        let naive = |b: &[u8], from: usize| {
            (from..b.len()).find(|&i| b[i] == b'"' || b[i] == b'\\' || b[i] < 0x20)
        };
        for len in 0..20 {
            for at in 0..len {
                for octet in 0..=255u8 {
                    let mut b = vec![b'a'; len];
                    b[at] = octet;
                    // Octets that mark nothing, after the tested one: a
                    // borrow from it must not hide it or move it.
                    if at + 1 < len {
                        b[at + 1] = 0x21;
                    }
                    for from in 0..=len {
                        assert_eq!(special(&b, from), naive(&b, from), "{b:?} from {from}");
                    }
                }
            }
        }
    }

    proptest! {
        /// Any octets: the same first mark.
        #[test]
        fn special_agrees_on_any_octets(b in prop::collection::vec(any::<u8>(), 0..64), from in 0usize..64) {
            let from = from.min(b.len());
            let naive = (from..b.len()).find(|&i| b[i] == b'"' || b[i] == b'\\' || b[i] < 0x20);
            prop_assert_eq!(special(&b, from), naive);
        }

        /// The fast reader, where it answers, answers what serde does, on
        /// generated lines with escapes, unicode, odd whitespace, unknown
        /// and duplicate keys, and broken JSON.
        #[test]
        fn fast_reader_agrees_with_serde(lines in prop::collection::vec(line(), 1..6), cut in any::<prop::sample::Index>()) {
            // One scratch over several lines, as a batch worker keeps it.
            let mut scratch = Scratch::default();
            for line in &lines {
                agrees(line, &mut scratch);
                // The same line cut short (at a character boundary).
                let mut at = cut.index(line.len() + 1);
                while !line.is_char_boundary(at) {
                    at -= 1;
                }
                agrees(&line[..at], &mut scratch);
            }
        }
    }
}
