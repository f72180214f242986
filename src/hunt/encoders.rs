//! Percent-encoders (RFC 5849 §3.6): how the correct encoder and each
//! mistaken one a signer may use write names and values.

use crate::encode::{encode_to_vec, encode_twice_to_vec, HEX_LOWER, HEX_UPPER};
use std::borrow::Cow;

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

/// Encodes `bytes` the way `enc` does, appending to `out`. Every encoder
/// writes UTF-8 (ASCII escapes, kept ASCII octets, or for [`Enc::Raw`] the
/// text as it is, an invalid sequence as U+FFFD), so `out` stays text when
/// it was; the hunt keeps its strings as octets and never checks them again.
pub(super) fn enc_into(enc: Enc, bytes: &[u8], out: &mut Vec<u8>) {
    // RFC 5849 §3.6: the encoder most variants use tests for text that
    // needs no escape itself, a block at a time.
    if enc == Enc::Rfc {
        return encode_to_vec(bytes, out);
    }
    // Letters, digits, `-`, `.` and `_` are kept by every encoder here.
    if bytes.iter().all(|&b| PLAIN[b as usize]) {
        out.extend_from_slice(bytes);
        return;
    }
    match enc {
        Enc::Rfc => encode_to_vec(bytes, out),
        Enc::Raw => match String::from_utf8_lossy(bytes) {
            Cow::Borrowed(text) => out.extend_from_slice(text.as_bytes()),
            Cow::Owned(text) => out.extend_from_slice(text.as_bytes()),
        },
        // RFC 5849 §3.6 applied twice: `%XX` becomes `%25XX`.
        Enc::Double => encode_twice_to_vec(bytes, out),
        Enc::Latin1 => match std::str::from_utf8(bytes) {
            Ok(s) if s.chars().all(|c| (c as u32) < 256) => {
                // Wiped when dropped: the text may be a secret (a key
                // variant of the hunt).
                let narrow: zeroize::Zeroizing<Vec<u8>> =
                    zeroize::Zeroizing::new(s.chars().map(|c| c as u32 as u8).collect());
                encode_to_vec(&narrow, out);
            }
            _ => encode_to_vec(bytes, out),
        },
        _ => {
            let table = &TABLES[enc as usize];
            // Each octet's word is stored whole (four octets, the last
            // one overwritten by the next) and the end moved by its
            // length: no branch per octet.
            let start = out.len();
            out.resize(start + 3 * bytes.len() + 1, 0);
            let dst = &mut out[start..];
            let mut w = 0;
            for &b in bytes {
                let e = table[b as usize];
                dst[w..w + 4].copy_from_slice(&e.to_le_bytes());
                w += (e >> 24) as usize;
            }
            out.truncate(start + w);
        }
    }
}

/// Whether every encoder keeps `b` as it is (letters, digits, `-`, `.`, `_`).
pub(super) fn is_plain(b: u8) -> bool {
    PLAIN[b as usize]
}

/// The octets every encoder keeps as they are.
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_';
        b += 1;
    }
    t
};

/// What one octet becomes under one encoder: up to three octets, low
/// byte first, and their count in the top byte.
type Table = [u32; 256];

/// The table of an encoder that writes each octet on its own (all but
/// [`Enc::Rfc`], [`Enc::Raw`], [`Enc::Double`] and [`Enc::Latin1`], which
/// `enc_into` handles apart; their slots hold RFC 5849 §3.6's table).
const fn table(enc: Enc) -> Table {
    let mut t = [0u32; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let unreserved =
            c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_' || c == b'~';
        let keep = match enc {
            Enc::Reserved => {
                unreserved || c == b'!' || c == b'*' || c == b'\'' || c == b'(' || c == b')'
            }
            Enc::Tilde | Enc::Php => unreserved && c != b'~',
            Enc::Java => {
                c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_' || c == b'*'
            }
            _ => unreserved,
        };
        let plus = c == b' ' && matches!(enc, Enc::PlusForSpace | Enc::Java | Enc::Php);
        t[b] = if keep {
            c as u32 | 1 << 24
        } else if plus {
            b'+' as u32 | 1 << 24
        } else {
            let digits = if matches!(enc, Enc::LowerHex) {
                HEX_LOWER
            } else {
                HEX_UPPER
            };
            b'%' as u32 | (digits[b >> 4] as u32) << 8 | (digits[b & 15] as u32) << 16 | 3 << 24
        };
        b += 1;
    }
    t
}

/// Every encoder's table, in the order [`Enc`] declares them.
static TABLES: [Table; 10] = [
    table(Enc::Rfc),
    table(Enc::PlusForSpace),
    table(Enc::Reserved),
    table(Enc::LowerHex),
    table(Enc::Double),
    table(Enc::Raw),
    table(Enc::Tilde),
    table(Enc::Java),
    table(Enc::Php),
    table(Enc::Latin1),
];

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
    let mut s = Vec::with_capacity(bytes.len() + 8);
    enc_into(e, bytes, &mut s);
    // Always UTF-8 (see `enc_into`); a lossy copy would be the same text.
    String::from_utf8(s).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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

/// Every encoder, for the tests.
#[cfg(test)]
pub(super) const ALL: [Enc; 10] = [
    Enc::Rfc,
    Enc::PlusForSpace,
    Enc::Reserved,
    Enc::LowerHex,
    Enc::Double,
    Enc::Raw,
    Enc::Tilde,
    Enc::Java,
    Enc::Php,
    Enc::Latin1,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::{encode_into, is_unreserved, push_escape};

    /// The encoders as first written, into a `String`, one escape at a
    /// time: the reference `enc_into` is kept equal to.
    fn reference(enc: Enc, bytes: &[u8]) -> String {
        let mut out = String::new();
        match enc {
            Enc::Rfc => encode_into(bytes, &mut out),
            Enc::Raw => out.push_str(&String::from_utf8_lossy(bytes)),
            Enc::Double => {
                let mut once = String::new();
                encode_into(bytes, &mut once);
                encode_into(once.as_bytes(), &mut out);
            }
            Enc::Latin1 => match std::str::from_utf8(bytes) {
                Ok(s) if s.chars().all(|c| (c as u32) < 256) => {
                    let narrow: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
                    encode_into(&narrow, &mut out);
                }
                _ => encode_into(bytes, &mut out),
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
                        push_escape(&mut out, b, HEX_LOWER);
                    } else {
                        push_escape(&mut out, b, HEX_UPPER);
                    }
                }
            }
        }
        out
    }

    /// RFC 5849 §3.6: every encoder over all 256 octets, alone and inside
    /// text, and over UTF-8 and broken sequences, writes what the
    /// reference writes.
    #[test]
    fn enc_into_matches_the_reference_on_every_octet() {
        let mut inputs: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        inputs.extend((0..=255u8).map(|b| [b"ab".as_slice(), &[b], b"-z~ "].concat()));
        for text in ["a b*~!é", "Ladies + Gentlemen", "ü€𝄞", "plain-._09", ""] {
            inputs.push(text.as_bytes().to_vec());
        }
        inputs.push(vec![0xC3, b'a', 0xFF, 0xE2, 0x82]);
        for e in ALL {
            for input in &inputs {
                let mut out = b"prefix".to_vec();
                enc_into(e, input, &mut out);
                let want = format!("prefix{}", reference(e, input));
                assert_eq!(out, want.as_bytes(), "{e:?} on {input:?}");
            }
        }
    }

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
