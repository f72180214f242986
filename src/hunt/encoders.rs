//! Percent-encoders (RFC 5849 §3.6): how the correct encoder and each
//! mistaken one a signer may use write names and values.

use crate::encode::{encode_into, is_unreserved, push_escape, HEX_LOWER, HEX_UPPER};

/// The percent-encoding function a signer uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(super) enum Enc {
    /// RFC 5849 §3.6.
    #[default]
    Rfc,
    PlusForSpace,
    Reserved,
    LowerHex,
    Double,
    Raw,
    Tilde,
    Java,
    Php,
    Latin1,
}

/// Encodes `bytes` the way `enc` does.
pub(super) fn enc_into(enc: Enc, bytes: &[u8], out: &mut String) {
    // Letters, digits, `-`, `.` and `_` are kept by every encoder here.
    if bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
        return;
    }
    match enc {
        Enc::Rfc => encode_into(bytes, out),
        Enc::Raw => out.push_str(&String::from_utf8_lossy(bytes)),
        Enc::Double => {
            let mut once = String::with_capacity(bytes.len() * 3);
            encode_into(bytes, &mut once);
            encode_into(once.as_bytes(), out);
        }
        Enc::Latin1 => match std::str::from_utf8(bytes) {
            Ok(s) if s.chars().all(|c| (c as u32) < 256) => {
                let narrow: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
                encode_into(&narrow, out);
            }
            _ => encode_into(bytes, out),
        },
        _ => {
            for &b in bytes {
                let keep = match enc {
                    Enc::Reserved => is_unreserved(b) || b"!*'()".contains(&b),
                    Enc::Tilde | Enc::Php => is_unreserved(b) && b != b'~',
                    Enc::Java => b.is_ascii_alphanumeric() || b"-._*".contains(&b),
                    _ => is_unreserved(b),
                };
                if keep {
                    out.push(b as char);
                } else if b == b' ' && matches!(enc, Enc::PlusForSpace | Enc::Java | Enc::Php) {
                    out.push('+');
                } else if enc == Enc::LowerHex {
                    push_escape(out, b, HEX_LOWER);
                } else {
                    push_escape(out, b, HEX_UPPER);
                }
            }
        }
    }
}

/// Octets read as Latin-1 characters and written out again as UTF-8: each
/// octet from 0x80 becomes two (`é`, C3 A9, becomes C3 83 C2 A9). RFC 5849
/// §3.6 encodes the UTF-8 octets of the text once; this is text that was
/// UTF-8 already, encoded to UTF-8 again (`utf8-double-encoded`).
pub(crate) fn latin1_as_utf8(bytes: &[u8]) -> Vec<u8> {
    let mut s = String::with_capacity(bytes.len() * 2);
    s.extend(bytes.iter().map(|&b| char::from(b)));
    s.into_bytes()
}

pub(super) fn enc(e: Enc, bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 8);
    enc_into(e, bytes, &mut s);
    s
}

/// The most an encoder makes of one octet it escapes: `%XX`, or `%25XX`
/// encoded twice; a raw octet that is not UTF-8 becomes U+FFFD (3 octets).
pub(super) fn growth(e: Enc) -> usize {
    if e == Enc::Double {
        5
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoders_follow_their_libraries() {
        let s = "a b*~!é";
        assert_eq!(enc(Enc::Rfc, s.as_bytes()), "a%20b%2A~%21%C3%A9");
        assert_eq!(enc(Enc::PlusForSpace, s.as_bytes()), "a+b%2A~%21%C3%A9");
        assert_eq!(enc(Enc::Reserved, s.as_bytes()), "a%20b*~!%C3%A9");
        assert_eq!(enc(Enc::Java, s.as_bytes()), "a+b*%7E%21%C3%A9");
        assert_eq!(enc(Enc::Php, s.as_bytes()), "a+b%2A%7E%21%C3%A9");
        assert_eq!(enc(Enc::Tilde, s.as_bytes()), "a%20b%2A%7E%21%C3%A9");
        assert_eq!(enc(Enc::LowerHex, s.as_bytes()), "a%20b%2a~%21%c3%a9");
        assert_eq!(
            enc(Enc::Double, s.as_bytes()),
            "a%2520b%252A~%2521%25C3%25A9"
        );
        assert_eq!(enc(Enc::Latin1, s.as_bytes()), "a%20b%2A~%21%E9");
        assert_eq!(enc(Enc::Raw, s.as_bytes()), s);
        assert_eq!(
            enc(Enc::Rfc, &latin1_as_utf8("é".as_bytes())),
            "%C3%83%C2%A9"
        );
    }
}
