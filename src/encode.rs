//! Percent-encoding (RFC 5849 §3.6) and the decodings the parameter
//! sources need.
//!
//! RFC 5849 §3.6: text is encoded as UTF-8 octets; the unreserved characters
//! `ALPHA, DIGIT, "-", ".", "_", "~"` are kept and every other octet becomes
//! `%XX` with upper-case hex digits. Decoding works on octets, because a
//! request may carry escapes that are not UTF-8 (`caf%E9`) and re-encoding
//! must give back exactly those octets.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// RFC 5849 §3.6: every octet but the unreserved set is encoded.
pub const RFC5849_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// True for the RFC 3986 unreserved characters RFC 5849 §3.6 leaves as they are.
pub fn is_unreserved(b: u8) -> bool {
    UNRESERVED[b as usize]
}

/// RFC 5849 §3.6: percent-encodes `s` (as UTF-8 octets).
///
/// ```
/// assert_eq!(oauth1_doctor::encode::encode("r b&c=~"), "r%20b%26c%3D~");
/// ```
pub fn encode(s: &str) -> String {
    encode_bytes(s.as_bytes())
}

/// RFC 5849 §3.6 over raw octets.
pub fn encode_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    encode_into(bytes, &mut out);
    out
}

/// Upper-case hex digits, as RFC 5849 §3.6 writes `%XX`.
pub const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
/// Lower-case hex digits: what some signers write in `%xx` (a mistake
/// `hunt` tries) and how a hex digest is printed.
pub const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX: &[u8; 16] = HEX_UPPER;

/// Appends `%XX` for `b` with the given digits ([`HEX_UPPER`] is RFC 5849
/// §3.6's).
pub fn push_escape(out: &mut String, b: u8, digits: &[u8; 16]) {
    out.push('%');
    out.push(digits[(b >> 4) as usize] as char);
    out.push(digits[(b & 15) as usize] as char);
}

/// RFC 5849 §3.6 unreserved octets, as a lookup table for the hot path.
const UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_' || c == b'~';
        b += 1;
    }
    t
};

/// RFC 5849 §3.6, appending to `out`: unreserved octets are copied, every
/// other octet becomes `%XX`. Only the appended ASCII is validated, so
/// appending many pieces to one string stays linear.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len() + bytes.len() / 2);
    let mut rest = bytes;
    while let Some(i) = rest.iter().position(|b| !UNRESERVED[*b as usize]) {
        push_ascii(&rest[..i], out);
        push_ascii(&ESCAPES[rest[i] as usize], out);
        rest = &rest[i + 1..];
    }
    push_ascii(rest, out);
}

/// Appends bytes known to be ASCII (unreserved octets or an escape).
fn push_ascii(ascii: &[u8], out: &mut String) {
    if let Ok(s) = std::str::from_utf8(ascii) {
        out.push_str(s);
    }
}

/// How each octet is written by one encoding, as one little-endian word:
/// the first bytes are its output (1, 3 or 5 of them) and the top byte is
/// that length. Storing the whole word and advancing by the length takes
/// one load and no branch per octet, which matters on text where escapes
/// come at random.
type Table = [u64; 256];

/// Builds the table of §3.6 applied once (`%XX`) or twice (`%25XX`).
const fn table(twice: bool) -> Table {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let (hi, lo) = (HEX[b >> 4], HEX[b & 15]);
        let entry: [u8; 8] =
            if c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_' || c == b'~' {
                [c, 0, 0, 0, 0, 0, 0, 1]
            } else if twice {
                [b'%', b'2', b'5', hi, lo, 0, 0, 5]
            } else {
                [b'%', hi, lo, 0, 0, 0, 0, 3]
            };
        t[b] = u64::from_le_bytes(entry);
        b += 1;
    }
    t
}

/// RFC 5849 §3.6 once.
static ONCE: Table = table(false);
/// RFC 5849 §3.6 twice, as parameters appear in the base string.
static TWICE: Table = table(true);

/// `%XX` for every octet, for the encoder into a `String`.
const ESCAPES: [[u8; 3]; 256] = {
    let mut t = [[0u8; 3]; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = [b'%', HEX[b >> 4], HEX[b & 15]];
        b += 1;
    }
    t
};

/// A block's output on the stack: at most 16 input octets at 5 output
/// octets each (80), plus the 8 that every write stores. Sized so that an
/// offset masked to 7 bits is always in bounds, which spares the check.
const BLOCK_OUT: usize = 128 + 8;

/// Writes octet `b` per `table` at `buf[*k..]`.
#[inline(always)]
fn put(table: &Table, b: u8, buf: &mut [u8; BLOCK_OUT], k: &mut usize) {
    // `*k` is at most 80 (16 octets of at most 5), so the mask changes nothing.
    let at = *k & 127;
    let entry = table[b as usize];
    buf[at..at + 8].copy_from_slice(&entry.to_le_bytes());
    *k = at + (entry >> 56) as usize;
}

/// RFC 5849 §3.6 into a byte buffer: blocks of 16 unreserved octets are
/// copied whole (tested with vector compares), other octets are written
/// from a table without a branch each. This is the hot path of signing
/// and hunting.
pub fn encode_to_vec(bytes: &[u8], out: &mut Vec<u8>) {
    encode_with(bytes, out, &ONCE, 3);
}

/// RFC 5849 §3.6 applied twice, in one pass: what a parameter becomes in
/// the signature base string, where the normalized parameters are encoded
/// again (§3.4.1.1 step 5). Only the escapes change: `%XX` becomes `%25XX`.
///
/// ```
/// let mut out = Vec::new();
/// oauth1_doctor::encode::encode_twice_to_vec(b"a b~", &mut out);
/// assert_eq!(out, b"a%2520b~");
/// ```
pub fn encode_twice_to_vec(bytes: &[u8], out: &mut Vec<u8>) {
    encode_with(bytes, out, &TWICE, 5);
}

/// Encodes `bytes` per `table`, whose longest entry writes `widest` octets.
fn encode_with(bytes: &[u8], out: &mut Vec<u8>, table: &Table, widest: usize) {
    // Most names and values need no escape: one test (vector compares,
    // no early exit) then one copy beats going block by block.
    if is_all_unreserved(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    // Short text with something to escape (a URI, a key, a signature),
    // into a vector that already has the room (a reused buffer): written
    // straight into it, each octet's entry stored whole, with no test per
    // block and no copy from a buffer. A vector without that room takes
    // the blocks below, which grow it only by what the text becomes: a
    // caller may have sized a buffer holding a secret so that it never
    // moves (a move would free a copy unwiped), and the hunt counts its
    // buffers by capacity.
    if bytes.len() <= 64 && out.capacity() - out.len() >= widest * bytes.len() + 8 {
        let mut k = out.len();
        // Room for the most the text can become, and the last entry's 8.
        out.resize(k + widest * bytes.len() + 8, 0);
        for &b in bytes {
            let entry = table[b as usize];
            if let Some(at) = out.get_mut(k..k + 8) {
                at.copy_from_slice(&entry.to_le_bytes());
            }
            k += (entry >> 56) as usize;
        }
        out.truncate(k);
        return;
    }
    let mut chunks = bytes.chunks_exact(16);
    for chunk in &mut chunks {
        let mut block = [0u8; 16];
        block.copy_from_slice(chunk);
        if all_unreserved(&block) {
            out.extend_from_slice(&block);
        } else {
            encode_short(&block, out, table);
        }
    }
    encode_short(chunks.remainder(), out, table);
}

/// Encodes at most 16 octets through a buffer on the stack.
#[inline(always)]
fn encode_short(bytes: &[u8], out: &mut Vec<u8>, table: &Table) {
    let mut buf = [0u8; BLOCK_OUT];
    let mut k = 0;
    for &b in bytes.iter().take(16) {
        put(table, b, &mut buf, &mut k);
    }
    out.extend_from_slice(&buf[..k]);
}

/// The unreserved test by arithmetic rather than a table, so that a whole
/// chunk can be tested at once with vector instructions.
#[inline(always)]
fn is_unreserved_arith(b: u8) -> bool {
    (b.wrapping_sub(b'0') < 10)
        | ((b | 0x20).wrapping_sub(b'a') < 26)
        | (b == b'-')
        | (b == b'.')
        | (b == b'_')
        | (b == b'~')
}

/// True when no octet of `bytes` must be escaped (RFC 5849 §3.6), tested
/// 16 octets at a time without an early exit, so that the compiler can
/// use vector compares. Text shorter than a block is tested as two
/// overlapping pieces of fixed size (no call to `memcpy` or `memset`),
/// and a long text's last block overlaps the one before it.
#[inline]
pub(crate) fn is_all_unreserved(bytes: &[u8]) -> bool {
    if let Some(last) = bytes.last_chunk::<16>() {
        let mut ok = all_unreserved(last);
        for chunk in bytes.chunks_exact(16) {
            ok &= chunk.first_chunk::<16>().is_some_and(all_unreserved);
        }
        return ok;
    }
    // Shorter text is tested as two overlapping pieces of fixed size,
    // read where they are: a block assembled from them on the stack would
    // be read back whole before the stores that wrote it had completed (a
    // store forwarding stall, 30% of the time of this test).
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        return all_unreserved_pair(head, tail);
    }
    if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        return all_unreserved_pair(head, tail);
    }
    // One to three octets: the first, middle and last.
    bytes.iter().all(|&b| is_unreserved_arith(b))
}

/// [`is_all_unreserved`] inlined whole, for a protocol parameter's name:
/// where the caller writes the name as a literal, the test folds to a
/// constant; elsewhere it is a plain inlined loop.
#[inline(always)]
pub(crate) fn is_all_unreserved_inline(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |ok, &b| ok & is_unreserved_arith(b))
}

/// True when no octet of `a` and `b` must be escaped (RFC 5849 §3.6):
/// [`all_unreserved`] for two pieces of a short text.
#[inline(never)]
fn all_unreserved_pair<const N: usize>(a: &[u8; N], b: &[u8; N]) -> bool {
    let ok = a.iter().fold(true, |ok, &c| ok & is_unreserved_arith(c));
    b.iter().fold(ok, |ok, &c| ok & is_unreserved_arith(c))
}

/// True when no octet of `block` must be escaped. The loop has no early
/// exit, so the compiler turns it into a few vector compares. Kept out of
/// line: inlined into a loop over blocks, the compiler vectorizes across
/// the blocks instead, octet by octet, at several times the cost.
#[inline(never)]
fn all_unreserved(block: &[u8; 16]) -> bool {
    block
        .iter()
        .fold(true, |ok, &b| ok & is_unreserved_arith(b))
}

/// Decoding and RFC 5849 §3.6 encoding applied twice, in one pass, into a
/// byte buffer: gives exactly what [`encode_twice_to_vec`] gives on
/// `decode_lenient(raw, plus_is_space).0`, without the intermediate
/// vectors. A `%XX` escape becomes its octet, a malformed escape is a
/// literal `%`, and with `plus_is_space` (form encoding, §3.4.1.3.1) a `+`
/// is a space. This is how the signing path reads an Authorization header
/// value (§3.5.1) straight to its form in the base string.
pub fn reencode_twice_to_vec(raw: &[u8], plus_is_space: bool, out: &mut Vec<u8>) {
    // Most values need neither decoding nor escaping: tested at once and
    // copied.
    if is_all_unreserved(raw) {
        out.extend_from_slice(raw);
        return;
    }
    let table = &TWICE;
    let mut i = 0;
    let mut buf = [0u8; BLOCK_OUT];
    while i < raw.len() {
        // 16 octets with nothing to escape or decode are copied whole.
        if let Some(block) = raw[i..].first_chunk::<16>() {
            if all_unreserved(block) {
                out.extend_from_slice(block);
                i += 16;
                continue;
            }
        }
        // One block: up to 16 octets of input. An escape read near its end
        // may run 2 octets past it, and writes at most 5 for 3 read.
        let end = (i + 16).min(raw.len());
        let mut k = 0;
        while i < end {
            let c = raw[i];
            i += 1;
            if !SPECIAL[c as usize] {
                put(table, c, &mut buf, &mut k);
                continue;
            }
            i = put_special(raw, i, plus_is_space, &mut buf, &mut k);
        }
        out.extend_from_slice(&buf[..k]);
    }
}

/// Octets that [`reencode_twice_to_vec`] and [`reencode_piece`] must look
/// at: escapes, `+` and the form's separators. Every other octet is
/// written from the table.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'%' as usize] = true;
    t[b'+' as usize] = true;
    t[b'&' as usize] = true;
    t[b'=' as usize] = true;
    t
};

/// Writes the [`SPECIAL`] octet just read, `src[i - 1]`, decoded and
/// encoded twice (§3.6) at `buf[*k..]`: a valid `%XX` escape as its octet
/// (reading on past it), a malformed one as a literal `%`, with
/// `plus_is_space` (form encoding, RFC 5849 §3.4.1.3.1) a `+` as a space,
/// anything else as itself. Returns where reading goes on.
#[inline(always)]
fn put_special(
    src: &[u8],
    i: usize,
    plus_is_space: bool,
    buf: &mut [u8; BLOCK_OUT],
    k: &mut usize,
) -> usize {
    match src[i - 1] {
        b'%' => match hex_pair(src, i - 1) {
            Some(v) => {
                put(&TWICE, v, buf, k);
                i + 2
            }
            None => {
                put(&TWICE, b'%', buf, k);
                i
            }
        },
        b'+' if plus_is_space => {
            put(&TWICE, b' ', buf, k);
            i
        }
        c => {
            put(&TWICE, c, buf, k);
            i
        }
    }
}

/// Where a name of a form ends (RFC 5849 §3.4.1.3.1: at `&` or at its first `=`).
const NAME_ENDS: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'=' as usize] = true;
    t
};

/// Where a value of a form ends (RFC 5849 §3.4.1.3.1: at `&`).
const VALUE_ENDS: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t
};

/// One name or value of a form (RFC 5849 §3.4.1.3.1) from `form[i..]`,
/// decoded (`+` is a space, `%XX` its octet, a malformed escape a
/// literal `%`) and encoded twice (§3.6, §3.4.1.1) at `out[k..]`, up to an
/// octet `ends` marks (not read). Returns where reading and writing
/// stopped. `out` has room for 5 octets a read octet, plus [`BLOCK_OUT`].
///
/// Every octet is written from the table straight into `out` (no copy
/// through a buffer, no call to `memcpy`). A value's blocks that hold a
/// `%` go through [`reencode_block`], which finds the escapes and the
/// value's end by masks instead of a branch per octet; names, and blocks
/// without a `%` or with a malformed escape, are read octet by octet.
#[inline(always)]
fn reencode_piece<const NAME: bool>(
    form: &[u8],
    mut i: usize,
    out: &mut [u8],
    mut k: usize,
) -> (usize, usize) {
    let ends = if NAME { &NAME_ENDS } else { &VALUE_ENDS };
    loop {
        let Some(win) = out
            .get_mut(k..)
            .and_then(|w| w.first_chunk_mut::<BLOCK_OUT>())
        else {
            return (i, k);
        };
        // A name is short and seldom escaped: through the block it took
        // longer.
        if !NAME {
            if let Some((read, written, ended)) = reencode_block(form, i, win) {
                i += read;
                k += written;
                if ended {
                    return (i, k);
                }
                continue;
            }
        }
        // Up to 16 octets read; an escape near the end reads 2 more.
        let end = (i + 16).min(form.len());
        let mut w = 0;
        while i < end {
            let c = form[i];
            i += 1;
            if !SPECIAL[c as usize] {
                put(&TWICE, c, win, &mut w);
                continue;
            }
            if ends[c as usize] {
                return (i - 1, k + w);
            }
            i = put_special(form, i, true, win, &mut w);
        }
        k += w;
        if i >= form.len() {
            return (i, k);
        }
    }
}

/// A hex digit, either case, by arithmetic (so that a block is tested
/// with vector compares).
#[inline(always)]
fn is_hex_arith(b: u8) -> bool {
    (b.wrapping_sub(b'0') < 10) | ((b | 0x20).wrapping_sub(b'a') < 6)
}

/// Up to 16 octets of a form's value from `form[i..]`, decoded and
/// encoded twice into `win` as [`reencode_piece`] does, without a branch
/// that depends on where the escapes fall: masks of the block's `%`s, of
/// its ends (`&`, or the form's end) and of the positions two hex digits
/// follow give the octets it reads; the octet each stands for (at a `%`,
/// the escape's; `+`, a space) is worked out for the whole block at once
/// and written from [`TWICE`]; an escape's digits are written too but
/// not kept. Returns the octets read, the octets written and whether the
/// value ended inside the block (at a `&`, not read, or the form's end;
/// a value that ends exactly at the block's edge is found ended by the
/// next call); `None` for a block without a `%` or with a malformed
/// escape (not `%` and two hex digits, RFC 3986 §2.1), for the
/// octet-by-octet path.
#[inline(always)]
fn reencode_block(
    form: &[u8],
    i: usize,
    win: &mut [u8; BLOCK_OUT],
) -> Option<(usize, usize, bool)> {
    let rest = form.get(i..).unwrap_or_default();
    match rest.first_chunk::<18>() {
        // Read where it lies: a copy on the stack would be read back
        // before its stores complete (a store forwarding stall).
        Some(b) => reencode_window(b, 18, win),
        None => {
            // Near the form's end: zeros past it (neither `%` nor a digit).
            let mut b = [0u8; 18];
            b[..rest.len()].copy_from_slice(rest);
            reencode_window(&b, rest.len(), win)
        }
    }
}

/// [`reencode_block`] on the 18 octets `b`, of which the first `len` are
/// the form's.
#[inline(always)]
fn reencode_window(
    b: &[u8; 18],
    len: usize,
    win: &mut [u8; BLOCK_OUT],
) -> Option<(usize, usize, bool)> {
    let mut pct = 0u32;
    for (j, &c) in b[..16].iter().enumerate() {
        pct |= u32::from(c == b'%') << j;
    }
    // Without an escape the octet-by-octet path has nothing to mispredict
    // but the piece's end, and is quicker than working out the masks.
    if pct == 0 {
        return None;
    }
    // Three overlapping 16-octet loads: each position, the next and the
    // one after.
    let ahead = |from: usize| -> [u8; 16] {
        let mut a = [0u8; 16];
        a.copy_from_slice(&b[from..from + 16]);
        a
    };
    let (b0, b1, b2) = (ahead(0), ahead(1), ahead(2));
    // Where the value ends, and where two hex digits follow.
    let (mut stop, mut hex) = (0u32, 0u32);
    for j in 0..16 {
        let c = b0[j];
        stop |= u32::from(c == b'&') << j;
        hex |= u32::from(is_hex_arith(b1[j]) & is_hex_arith(b2[j])) << j;
    }
    if len < 16 {
        stop |= !0u32 << len;
    }
    // Positions before the value's end, at most 16 (an escape in the
    // last two reads on, up to 18 octets in all).
    let n = (stop | 1 << 16).trailing_zeros() as usize;
    let esc = pct & ((1u32 << n) - 1);
    // Each `%` is followed by two hex digits, or the block goes octet by
    // octet.
    if esc & !hex != 0 {
        return None;
    }
    let digits = (esc << 1) | (esc << 2);
    // The octet each position stands for, for all 16 at once (vector
    // instructions): at a `%`, the escape's octet (its digits, checked
    // above, each `(d & 15) + 9` for a letter); a `+` is a space.
    let mut octets = [0u8; 16];
    for (j, o) in octets.iter_mut().enumerate() {
        let (c, h, l) = (b0[j], b1[j], b2[j]);
        let value = |d: u8| (d & 15) + 9 * (d >> 6 & 1);
        *o = if c == b'%' {
            value(h) << 4 | value(l)
        } else if c == b'+' {
            b' '
        } else {
            c
        };
    }
    let twice = &TWICE;
    let mut w = 0;
    for (j, &o) in octets.iter().enumerate().take(n) {
        // An escape's digits are written too, but not kept: the next
        // octet is written over them (a branch here would be taken at
        // random).
        let entry = twice[o as usize];
        let keep = (!digits >> j & 1) as usize;
        let at = w & 127;
        win[at..at + 8].copy_from_slice(&entry.to_le_bytes());
        w = at + (entry >> 56) as usize * keep;
    }
    // An escape at the block's last two octets reads on past it.
    let read = if n < 16 {
        n
    } else {
        16.max(32 - digits.leading_zeros() as usize)
    };
    Some((read, w, n < 16))
}

/// RFC 5849 §3.4.1.3.1 and §3.4.1.1 in one pass over a whole query string
/// or form-encoded body: split on `&` (empty pieces skipped) and at each
/// pair's first `=` (a key without one has an empty value), decoded (`+`
/// is a space, `%XX` its octet, a malformed escape a literal `%`), and
/// each pair appended to `out` as its piece of the base string,
/// `%26name%3Dvalue`, with every name and value encoded twice (§3.6).
/// `pair(out, start, name_end)` is called after each pair is written,
/// with where its piece starts and where its name ends.
///
/// ```
/// let mut out = Vec::new();
/// let mut pairs = Vec::new();
/// oauth1_doctor::encode::reencode_form_twice(b"a+b=%7e&&c", &mut out, |o, s, n| {
///     pairs.push((s, n, o.len()));
/// });
/// assert_eq!(out, b"%26a%2520b%3D~%26c%3D");
/// assert_eq!(pairs, [(0, 10, 14), (14, 18, 21)]);
/// ```
pub fn reencode_form_twice(
    form: &[u8],
    out: &mut Vec<u8>,
    mut pair: impl FnMut(&[u8], usize, usize),
) {
    // Room for the most a form of n octets can become, and the last
    // block's window: p pairs write their `%26` and `%3D` (6 octets) and
    // at most 5 octets for each octet of their names and values. Each pair
    // holds at least one such octet (or a `=`, which writes nothing more)
    // and all but the last are followed by a `&`, so p <= (n + 1) / 2 and
    // the names and values hold at most n - p + 1 octets: 5n + 5 + p in
    // all, at most 5n + n / 2 + 6 (reached by `*&*&…*`). Every octet of the
    // room is zeroed first, so it is kept tight.
    let mut k = out.len();
    let n = form.len();
    out.resize(k + 5 * n + n / 2 + 6 + BLOCK_OUT, 0);
    let mut i = 0;
    while let Some(&c) = form.get(i) {
        if c == b'&' {
            i += 1;
            continue;
        }
        let start = k;
        out[k..k + 3].copy_from_slice(b"%26");
        (i, k) = reencode_piece::<true>(form, i, out, k + 3);
        let name_end = k;
        out[k..k + 3].copy_from_slice(b"%3D");
        k += 3;
        if form.get(i) == Some(&b'=') {
            (i, k) = reencode_piece::<false>(form, i + 1, out, k);
        }
        pair(&out[..k], start, name_end);
    }
    out.truncate(k);
}

/// Undoes [`encode_twice_to_vec`]'s second encoding: `%25` becomes `%`.
pub fn push_once_encoded(twice: &[u8], out: &mut Vec<u8>) {
    let mut rest = twice;
    while let Some(i) = memchr::memchr(b'%', rest) {
        out.extend_from_slice(&rest[..=i]);
        // Escapes in twice-encoded text are always `%25`.
        rest = rest.get(i + 3..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
}

/// An escape that is not `%` followed by two hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEscape {
    /// Byte offset of the `%` in the input.
    pub offset: usize,
    /// The escape as written (the `%` and up to two following characters).
    pub text: String,
}

/// Strict percent-decoding (RFC 3986 §2.1 as used by RFC 5849 §3.5.1 and
/// §3.6): `+` stays `+`; a `%` not followed by two hex digits is an error.
pub fn decode_strict(s: &str) -> Result<Vec<u8>, BadEscape> {
    if !s.contains('%') {
        return Ok(s.as_bytes().to_vec());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            match hex_pair(b, i) {
                Some(v) => {
                    out.push(v);
                    i += 3;
                }
                None => return Err(bad_escape(s, i)),
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Lenient percent-decoding: a malformed escape is kept literally and
/// reported, the way most servers treat it.
pub fn decode_lenient(s: &str, plus_is_space: bool) -> (Vec<u8>, Vec<BadEscape>) {
    if !s.contains('%') && (!plus_is_space || !s.contains('+')) {
        return (s.as_bytes().to_vec(), Vec::new());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut bad = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => match hex_pair(b, i) {
                Some(v) => {
                    out.push(v);
                    i += 3;
                    continue;
                }
                None => {
                    bad.push(bad_escape(s, i));
                    out.push(b'%');
                }
            },
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    (out, bad)
}

/// `application/x-www-form-urlencoded` decoding of one name or value, as
/// RFC 5849 §3.4.1.3.1 requires for the query and the form body: `+` is a
/// space, then `%XX` escapes are decoded.
pub fn form_decode(s: &str) -> Vec<u8> {
    decode_lenient(s, true).0
}

/// True when `s` holds an escape written with lower-case hex (`%2f`), which
/// RFC 5849 §3.6 forbids for output but servers must decode.
pub fn has_lowercase_escape(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        b[i] == b'%'
            && hex_pair(b, i).is_some()
            && (b[i + 1].is_ascii_lowercase() || b[i + 2].is_ascii_lowercase())
    })
}

/// True when `s` holds a character RFC 5849 §3.6 says must be encoded,
/// other than `%` (which starts an escape).
pub fn has_unencoded_reserved(s: &str) -> bool {
    s.bytes().any(|b| !is_unreserved(b) && b != b'%')
}

/// The octet a `%XX` escape starting at `b[i]` stands for (RFC 3986
/// §2.1), or `None` when `b[i]` does not start a valid one. The `%` itself
/// is not checked, so callers look at it first.
pub fn hex_pair(b: &[u8], i: usize) -> Option<u8> {
    let h = hex_val(*b.get(i + 1)?)?;
    let l = hex_val(*b.get(i + 2)?)?;
    Some(h << 4 | l)
}

/// True when `b[i]` starts a valid `%XX` escape (RFC 3986 §2.1).
pub fn is_escape_at(b: &[u8], i: usize) -> bool {
    b.get(i) == Some(&b'%') && hex_pair(b, i).is_some()
}

/// The value of one hex digit, either case.
pub fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The octets a text of hex digit pairs stands for (a hex digest, as
/// some servers print signatures), or `None` when it is not one.
///
/// ```
/// assert_eq!(oauth1_doctor::encode::decode_hex(b"00fF"), Some(vec![0, 255]));
/// assert_eq!(oauth1_doctor::encode::decode_hex(b"0g"), None);
/// ```
pub fn decode_hex(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    text.chunks(2)
        .map(|p| Some(hex_val(p[0])? << 4 | hex_val(p[1])?))
        .collect()
}

fn bad_escape(s: &str, i: usize) -> BadEscape {
    let end = s[i..].char_indices().nth(3).map_or(s.len(), |(j, _)| i + j);
    BadEscape {
        offset: i,
        text: s[i..end].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5849 §3.6 over every octet: unreserved kept, the rest `%XX` upper-case.
    #[test]
    fn rfc5849_3_6_all_256_octets() {
        for b in 0u8..=255 {
            let enc = encode_bytes(&[b]);
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                assert_eq!(enc, (b as char).to_string());
            } else {
                assert_eq!(enc, format!("%{b:02X}"));
            }
            assert_eq!(decode_strict(&enc).unwrap(), vec![b]);
        }
    }

    /// wiki.oauth.net TestCases, parameter encoding (§5.1 of OAuth Core 1.0).
    #[test]
    fn oauth_wiki_testcases_parameter_encoding() {
        let cases = [
            ("abcABC123", "abcABC123"),
            ("-._~", "-._~"),
            ("%", "%25"),
            ("+", "%2B"),
            ("&=*", "%26%3D%2A"),
            ("\u{000A}", "%0A"),
            ("\u{0020}", "%20"),
            ("\u{007F}", "%7F"),
            ("\u{0080}", "%C2%80"),
            ("\u{3001}", "%E3%80%81"),
        ];
        for (input, want) in cases {
            assert_eq!(encode(input), want, "encoding {input:?}");
        }
    }

    /// The table encoder agrees with the `percent-encoding` crate over the §3.6 set.
    #[test]
    fn table_encoder_matches_percent_encoding_crate() {
        let all: Vec<u8> = (0u8..=255).chain(b"a b~c".iter().copied()).collect();
        let reference: String =
            percent_encoding::percent_encode(&all, RFC5849_ENCODE_SET).collect();
        assert_eq!(encode_bytes(&all), reference);
    }

    /// The whole-text test sees every octet, at every position of every
    /// length around its block sizes (short texts are tested as
    /// overlapping pieces, long ones as overlapping blocks).
    #[test]
    fn all_unreserved_test_sees_every_position() {
        assert!(is_all_unreserved(b""));
        for n in 1..50 {
            for p in 0..n {
                for b in 0u8..=255 {
                    let mut text = vec![b'~'; n];
                    text[p] = b;
                    assert_eq!(is_all_unreserved(&text), is_unreserved(b), "{n} {p} {b}");
                }
            }
        }
    }

    /// The whole-form transcoder gives, pair by pair, what splitting
    /// (RFC 5849 §3.4.1.3.1), decoding and encoding twice give, with
    /// escapes, `+`, separators and malformed escapes at every position
    /// around its 16-octet blocks and at the form's end.
    #[test]
    fn whole_form_transcoder_matches_split_decode_encode() {
        let pieces: [&[u8]; 9] = [b"%41", b"%e9", b"%4", b"%", b"+", b"=", b"&", b"~", b"*"];
        let mut forms = Vec::new();
        for n in 0..40 {
            for (a, b) in pieces.iter().zip(pieces.iter().cycle().skip(3)) {
                for p in 0..=n {
                    let mut form = vec![b'x'; n];
                    form.splice(p..p, a.iter().chain(b.iter()).copied());
                    forms.push(form);
                }
            }
        }
        forms.push(b"%zz%2b=%3D&&a+b=c=d&%%41%".to_vec());
        // Runs of escapes, valid and not, across the 16-octet blocks of
        // the escape path, from a fixed sequence (xorshift) of tokens.
        let tokens: [&[u8]; 15] = [
            b"%41", b"%e9", b"%2B", b"%7E", b"%26", b"%3D", b"%25", b"%4", b"%", b"+", b"=", b"&",
            b"x", b"~", b"%%",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let (len, mut bits) = ((seed % 40) as usize, seed >> 8);
            let mut form = Vec::new();
            for _ in 0..len {
                // Valid escapes more often than the rest.
                let pick = (bits % 29) as usize;
                form.extend_from_slice(tokens[if pick < 15 { pick } else { pick % 7 }]);
                bits = bits.rotate_right(5) ^ seed;
            }
            forms.push(form);
        }
        // The forms that become the longest for their length (one escaped
        // octet a pair) reach the bound the room is made of (exactly for
        // odd lengths) and transcode whole.
        for n in 1..300 {
            let worst: Vec<u8> = b"*&".iter().copied().cycle().take(n).collect();
            let mut out = Vec::new();
            reencode_form_twice(&worst, &mut out, |_, _, _| {});
            let pairs = n.div_ceil(2);
            assert_eq!(out.len(), 11 * pairs);
            assert!(out.len() <= 5 * n + n / 2 + 6, "{n}");
            forms.push(worst);
            forms.push([b"&".as_slice(), &vec![b'*'; n]].concat());
        }
        for form in &forms {
            let mut want = Vec::new();
            let mut want_pairs = Vec::new();
            for pair in form.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
                let (name, value) = match pair.iter().position(|&b| b == b'=') {
                    Some(i) => (&pair[..i], &pair[i + 1..]),
                    None => (pair, &b""[..]),
                };
                let start = want.len();
                want.extend_from_slice(b"%26");
                let text = |t: &[u8]| std::str::from_utf8(t).unwrap().to_string();
                encode_twice_to_vec(&decode_lenient(&text(name), true).0, &mut want);
                let name_end = want.len();
                want.extend_from_slice(b"%3D");
                encode_twice_to_vec(&decode_lenient(&text(value), true).0, &mut want);
                want_pairs.push((start, name_end, want.len()));
            }
            let (mut got, mut pairs) = (b"ab".to_vec(), Vec::new());
            reencode_form_twice(form, &mut got, |o, s, n| {
                pairs.push((s - 2, n - 2, o.len() - 2))
            });
            assert_eq!(&got[2..], want, "{:?}", String::from_utf8_lossy(form));
            assert_eq!(pairs, want_pairs, "{:?}", String::from_utf8_lossy(form));
        }
    }

    #[test]
    fn strict_decoding_rejects_bad_escapes() {
        assert_eq!(decode_strict("a%2Bb+c").unwrap(), b"a+b+c");
        let err = decode_strict("ab%zz").unwrap_err();
        assert_eq!(err.offset, 2);
        assert_eq!(err.text, "%zz");
        assert_eq!(decode_strict("%4").unwrap_err().text, "%4");
    }

    #[test]
    fn form_decoding_turns_plus_into_space() {
        assert_eq!(form_decode("2+q"), b"2 q");
        assert_eq!(form_decode("%3D%253D"), b"=%3D");
        assert_eq!(form_decode("100%"), b"100%");
        assert_eq!(form_decode("caf%E9"), b"caf\xE9");
    }

    #[test]
    fn lowercase_escape_detection() {
        assert!(has_lowercase_escape("a%2fb"));
        assert!(!has_lowercase_escape("a%2Fb"));
        assert!(!has_lowercase_escape("%zz"));
    }
}
