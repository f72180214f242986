//! HMAC-SHA1 (RFC 2104 §2 over SHA-1, RFC 3174) written on the SHA-1
//! compression function alone, for the signer's per-request path
//! (RFC 5849 §3.4.2, HMAC-SHA1).
//!
//! The `hmac` crate computes the same value through buffered hashers: a
//! block buffer per hasher, the key's digest copied through its generic
//! output, the inner digest fed to the outer hasher through its buffer.
//! Here the pads and the final blocks are fixed-size arrays on the stack.
//! One HMAC ([`Sha1Pads::tag`]) copies its base string into up to ten
//! blocks and compresses eight whole blocks a call; two at once
//! ([`tag_pair`], [`Sha1Started::tag_pair`]) read each text's whole blocks
//! where they lie and compress one block of each in turn. The
//! differential tests keep all of it equal to the `hmac` crate.

use sha1::digest::generic_array::typenum::U64;
use sha1::digest::generic_array::GenericArray;
use zeroize::Zeroize;

/// SHA-1's initial hash value (RFC 3174 §6.1, FIPS 180-4 §5.3.1).
const IV: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// SHA-1's block, and HMAC's `B` (RFC 2104 §2): 64 octets.
const BLOCK: usize = 64;

/// The hash states after HMAC's inner and outer padded keys (RFC 2104 §2
/// steps (1)–(2) and (5), each key block compressed once).
#[derive(Clone, Copy)]
pub(super) struct Sha1Pads {
    inner: [u32; 5],
    outer: [u32; 5],
}

/// One SHA-1 block as the `sha1` crate takes it.
type Block = GenericArray<u8, U64>;

/// Blocks [`finish`] holds for a base string: each call of
/// `sha1::compress` loads and stores the state and checks the CPU's
/// features again (about 20 cycles), so up to 8 whole blocks and the
/// padding's 1 or 2 are handed over together.
const TEXT_BLOCKS: usize = 10;

/// Compresses the one 64-octet block `data` into `state`
/// (RFC 3174 §6.1).
#[inline]
fn compress(state: &mut [u32; 5], data: &[u8; BLOCK]) {
    sha1::compress(state, std::slice::from_ref(GenericArray::from_slice(data)));
}

/// The 20 octets of a SHA-1 state, big-endian (RFC 3174 §6.1: H0 first).
/// The first 16 are built in a register and stored at once, so that a
/// 16-octet load of them afterwards is forwarded from one store.
#[inline]
fn state_bytes(state: &[u32; 5]) -> [u8; 20] {
    let head = (u128::from(state[0]) << 96)
        | (u128::from(state[1]) << 64)
        | (u128::from(state[2]) << 32)
        | u128::from(state[3]);
    let mut out = [0u8; 20];
    out[..16].copy_from_slice(&head.to_be_bytes());
    out[16..].copy_from_slice(&state[4].to_be_bytes());
    out
}

/// Ends a message of `total` octets whose last `tail.len()` octets are
/// `tail` and whose earlier octets (a multiple of 64) are already in
/// `state`: its whole blocks, then its rest padded with `0x80`, zeros and
/// the length in bits, big-endian (RFC 3174 §4). The blocks are copied
/// into an array of `N` blocks and compressed up to `N - 2` a call, the
/// last call with the padding.
fn finish<const N: usize>(state: &mut [u32; 5], tail: &[u8], total: usize) {
    let mut last = [Block::default(); N];
    let group = N - 2;
    let mut rest = tail;
    while rest.len() >= (group + 1) * BLOCK {
        for (block, chunk) in last[..group].iter_mut().zip(rest.chunks_exact(BLOCK)) {
            block.copy_from_slice(chunk);
        }
        sha1::compress(state, &last[..group]);
        rest = &rest[group * BLOCK..];
    }
    // At most `N - 2` whole blocks, a part block, and the padding: the
    // 0x80, then the 8 octets of the length in the same block or the next.
    let whole = rest.len() / BLOCK;
    for (block, chunk) in last.iter_mut().zip(rest.chunks_exact(BLOCK)) {
        block.copy_from_slice(chunk);
    }
    let part = &rest[whole * BLOCK..];
    last[whole][..part.len()].copy_from_slice(part);
    last[whole][part.len()..].fill(0);
    last[whole][part.len()] = 0x80;
    let n = if part.len() < BLOCK - 8 {
        whole + 1
    } else {
        whole + 2
    };
    if n > whole + 1 {
        last[n - 1].fill(0);
    }
    last[n - 1][BLOCK - 8..].copy_from_slice(&(total as u64).wrapping_mul(8).to_be_bytes());
    sha1::compress(state, &last[..n]);
}

impl Sha1Pads {
    /// RFC 2104 §2: a key longer than the block is hashed first; the key
    /// (or its hash) is padded with zeros to 64 octets, then XORed with
    /// `ipad` (0x36 repeated) for the inner hash and `opad` (0x5c repeated)
    /// for the outer one. Each padded key is one block, compressed once.
    ///
    /// Every copy of the key (or of its hash) made here is wiped
    /// (`zeroize`, volatile writes): the octets that held key material and
    /// no more. The wipes write a byte at a time, and wiping whole blocks
    /// (320 octets for a long key) took 3% of the time of signing a
    /// request; a long key's whole blocks are therefore hashed where they
    /// lie, in the caller's buffer, and only its last part is copied.
    pub(super) fn new(key: &[u8]) -> Sha1Pads {
        let mut pad = [0x36u8; BLOCK];
        let secret = if key.len() > BLOCK {
            let mut state = IV;
            let (whole, part) = key.split_at(key.len() / BLOCK * BLOCK);
            for block in whole.chunks_exact(BLOCK) {
                if let Some(block) = block.first_chunk::<BLOCK>() {
                    compress(&mut state, block);
                }
            }
            // The last part, 0x80, zeros and the length in bits (RFC 3174 §4).
            let mut last = [Block::default(); 2];
            last[0][..part.len()].copy_from_slice(part);
            last[0][part.len()] = 0x80;
            let n = if part.len() < BLOCK - 8 { 1 } else { 2 };
            last[n - 1][BLOCK - 8..].copy_from_slice(&(key.len() as u64 * 8).to_be_bytes());
            sha1::compress(&mut state, &last[..n]);
            last[0][..part.len()].zeroize();
            let mut digest = state_bytes(&state);
            for (p, d) in pad.iter_mut().zip(&digest) {
                *p ^= d;
            }
            digest.zeroize();
            state.zeroize();
            digest.len()
        } else {
            for (p, k) in pad.iter_mut().zip(key) {
                *p ^= k;
            }
            key.len()
        };
        let mut inner = IV;
        compress(&mut inner, &pad);
        // The same block XORed with `opad` instead: 0x36 ^ 0x5c turns one
        // into the other.
        for p in pad.iter_mut() {
            *p ^= 0x36 ^ 0x5c;
        }
        let mut outer = IV;
        compress(&mut outer, &pad);
        // Past the key's octets the pad holds only 0x5c.
        pad[..secret].zeroize();
        Sha1Pads { inner, outer }
    }

    /// RFC 2104 §2 steps (3)–(7): `H(K ^ opad, H(K ^ ipad, text))`, from
    /// the states after the padded keys (one block each, so the inner
    /// message is 64 + `text.len()` octets and the outer one 64 + 20).
    pub(super) fn tag(&self, text: &[u8]) -> [u8; 20] {
        // Its own padding ([`finish`]) rather than [`Padded`]'s: through
        // `Padded::compress_into`, which picks each block from where it
        // lies, signing took about 2% longer (`signer_loop`, best of 12).
        let mut inner = self.inner;
        finish::<TEXT_BLOCKS>(&mut inner, text, BLOCK + text.len());
        let mut outer = self.outer;
        compress(&mut outer, &outer_block(&inner));
        state_bytes(&outer)
    }
}

/// The blocks that end a message as SHA-1 reads them (RFC 3174 §4):
/// octets kept from before (under a block), then a text, then the
/// padding. [`Padded::block`] gives the text's whole blocks where they
/// lie; the block that joins the kept octets to the text, and the last one
/// or two with the padding, are built here. ([`Padded::compress_into`]
/// copies them into groups, for fewer calls.)
struct Padded<'t> {
    /// The kept octets and the text's first octets, when they fill a block.
    first: Option<[u8; BLOCK]>,
    whole: &'t [u8],
    tail: [[u8; BLOCK]; 2],
    blocks: usize,
}

impl<'t> Padded<'t> {
    /// `kept` (under 64 octets) then `text` end a message of `total`
    /// octets whose earlier octets (a multiple of 64) are already hashed.
    fn new(kept: &[u8], text: &'t [u8], total: usize) -> Padded<'t> {
        let (first, kept, text) = match text.split_at_checked(BLOCK.saturating_sub(kept.len())) {
            Some((head, rest)) if !kept.is_empty() => {
                let mut block = [0u8; BLOCK];
                block[..kept.len()].copy_from_slice(kept);
                block[kept.len()..].copy_from_slice(head);
                (Some(block), &[][..], rest)
            }
            _ => (None, kept, text),
        };
        let split = text.len() / BLOCK * BLOCK;
        let (whole, part) = text.split_at(split);
        let mut tail = [[0u8; BLOCK]; 2];
        tail[0][..kept.len()].copy_from_slice(kept);
        tail[0][kept.len()..kept.len() + part.len()].copy_from_slice(part);
        let used = kept.len() + part.len();
        tail[0][used] = 0x80;
        let last = usize::from(used >= BLOCK - 8);
        tail[last][BLOCK - 8..].copy_from_slice(&(total as u64).wrapping_mul(8).to_be_bytes());
        Padded {
            blocks: usize::from(first.is_some()) + split / BLOCK + last + 1,
            first,
            whole,
            tail,
        }
    }

    /// Block `i` (`i < self.blocks`).
    fn block(&self, i: usize) -> &[u8; BLOCK] {
        let i = match (&self.first, i) {
            (Some(first), 0) => return first,
            (Some(_), i) => i - 1,
            (None, i) => i,
        };
        match self
            .whole
            .get(i * BLOCK..)
            .and_then(|r| r.first_chunk::<BLOCK>())
        {
            Some(b) => b,
            None => &self.tail[i - self.whole.len() / BLOCK],
        }
    }

    /// Every block into `state`, up to 8 a call (each call of
    /// `sha1::compress` loads and stores the state and checks the CPU's
    /// features again).
    fn compress_into(&self, state: &mut [u32; 5]) {
        let mut group = [Block::default(); 8];
        let mut n = 0;
        for i in 0..self.blocks {
            group[n].copy_from_slice(self.block(i));
            n += 1;
            if n == group.len() || i + 1 == self.blocks {
                sha1::compress(state, &group[..n]);
                n = 0;
            }
        }
    }
}

/// The outer message's second block (RFC 2104 §2 step (6)): the inner
/// hash, 0x80, zeros, then its length in bits, (64 + 20) * 8 (RFC 3174 §4).
fn outer_block(inner: &[u32; 5]) -> [u8; BLOCK] {
    let mut last = [0u8; BLOCK];
    last[..20].copy_from_slice(&state_bytes(inner));
    last[20] = 0x80;
    last[BLOCK - 8..].copy_from_slice(&(((BLOCK + 20) * 8) as u64).to_be_bytes());
    last
}

/// Two HMACs ended at once: the inner states `a.0` and `b.0` take the
/// blocks `a.1` and `b.1` in turn, one each, then the outer states `a.2`
/// and `b.2` take the inner hashes. SHA-1's rounds wait on each other
/// within one message, and the CPU runs the other message's rounds in
/// those waits: on this project's machine (SHA-NI) two chains in turn
/// took about 20 ns a block, one chain 29 ns in groups of blocks and
/// 37 ns a block at a time.
fn end_pair(
    (mut ia, pa, mut oa): ([u32; 5], Padded<'_>, [u32; 5]),
    (mut ib, pb, mut ob): ([u32; 5], Padded<'_>, [u32; 5]),
) -> ([u8; 20], [u8; 20]) {
    for i in 0..pa.blocks.max(pb.blocks) {
        if i < pa.blocks {
            compress(&mut ia, pa.block(i));
        }
        if i < pb.blocks {
            compress(&mut ib, pb.block(i));
        }
    }
    compress(&mut oa, &outer_block(&ia));
    compress(&mut ob, &outer_block(&ib));
    (state_bytes(&oa), state_bytes(&ob))
}

/// Two HMACs at once: [`Sha1Pads::tag`] of `a` over `text_a` and of `b`
/// over `text_b`, their blocks compressed in turn ([`end_pair`]).
pub(super) fn tag_pair(
    (a, text_a): (&Sha1Pads, &[u8]),
    (b, text_b): (&Sha1Pads, &[u8]),
) -> ([u8; 20], [u8; 20]) {
    end_pair(
        (
            a.inner,
            Padded::new(&[], text_a, BLOCK + text_a.len()),
            a.outer,
        ),
        (
            b.inner,
            Padded::new(&[], text_b, BLOCK + text_b.len()),
            b.outer,
        ),
    )
}

/// An HMAC-SHA1 (RFC 2104 §2) that has absorbed the start of its text:
/// the inner state after the whole blocks so far, the octets after them
/// (under a block) kept, and the outer state. The hunt starts one per key
/// and `method&uri&` (RFC 5849 §3.4.1.1) and ends it with each
/// normalized parameter string it tries.
#[derive(Clone, Copy)]
pub(crate) struct Sha1Started {
    pads: Sha1Pads,
    kept: [u8; BLOCK],
    kept_len: usize,
    /// Octets of the inner message so far, the padded key's 64 included.
    total: usize,
}

impl Sha1Started {
    /// An HMAC-SHA1 under `key`, nothing absorbed yet.
    pub(crate) fn new(key: &[u8]) -> Sha1Started {
        Sha1Started {
            pads: Sha1Pads::new(key),
            kept: [0u8; BLOCK],
            kept_len: 0,
            total: BLOCK,
        }
    }

    /// Absorbs `data`, after what was absorbed before.
    pub(crate) fn absorb(&mut self, data: &[u8]) {
        self.total += data.len();
        let mut rest = data;
        if self.kept_len + rest.len() < BLOCK {
            self.kept[self.kept_len..self.kept_len + rest.len()].copy_from_slice(rest);
            self.kept_len += rest.len();
            return;
        }
        if self.kept_len > 0 {
            let (head, tail) = rest.split_at(BLOCK - self.kept_len);
            self.kept[self.kept_len..].copy_from_slice(head);
            compress(&mut self.pads.inner, &self.kept);
            rest = tail;
        }
        let mut blocks = rest.chunks_exact(BLOCK);
        for block in &mut blocks {
            if let Some(block) = block.first_chunk::<BLOCK>() {
                compress(&mut self.pads.inner, block);
            }
        }
        let left = blocks.remainder();
        self.kept[..left.len()].copy_from_slice(left);
        self.kept_len = left.len();
    }

    fn ended_by<'t>(&self, text: &'t [u8]) -> Padded<'t> {
        Padded::new(&self.kept[..self.kept_len], text, self.total + text.len())
    }

    /// The HMAC of what was absorbed followed by `text`.
    pub(crate) fn tag(&self, text: &[u8]) -> [u8; 20] {
        let mut inner = self.pads.inner;
        self.ended_by(text).compress_into(&mut inner);
        let mut outer = self.pads.outer;
        compress(&mut outer, &outer_block(&inner));
        state_bytes(&outer)
    }

    /// [`Sha1Started::tag`] of `a` with `text_a` and of `b` with `text_b`,
    /// computed together ([`end_pair`]).
    pub(crate) fn tag_pair(
        (a, text_a): (&Sha1Started, &[u8]),
        (b, text_b): (&Sha1Started, &[u8]),
    ) -> ([u8; 20], [u8; 20]) {
        end_pair(
            (a.pads.inner, a.ended_by(text_a), a.pads.outer),
            (b.pads.inner, b.ended_by(text_b), b.pads.outer),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha1::Sha1;

    /// Equal to the `hmac` crate for keys and texts around every length
    /// where the padding changes: a key of 0, 63–65, 119–121, 128, 200
    /// octets (RFC 2104 §2 hashes those over 64), texts whose last block
    /// leaves 0–9 octets and more for the length (RFC 3174 §4), and texts
    /// of more than one group of blocks.
    #[test]
    fn equals_the_hmac_crate_at_every_padding_boundary() {
        let data: Vec<u8> = (0..1400u32).map(|i| (i * 131 + 7) as u8).collect();
        for key_len in [0, 1, 20, 63, 64, 65, 119, 120, 121, 128, 200] {
            let key = &data[..key_len];
            let pads = Sha1Pads::new(key);
            for text_len in (0..140).chain([
                191, 192, 255, 256, 257, 390, 511, 512, 575, 576, 577, 639, 640, 1100, 1300,
            ]) {
                let text = &data[key_len % 7..key_len % 7 + text_len];
                let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap();
                mac.update(text);
                let want: [u8; 20] = mac.finalize().into_bytes().into();
                assert_eq!(pads.tag(text), want, "key {key_len}, text {text_len}");
            }
        }
    }

    /// Two HMACs at once equal each computed alone, for every pair of
    /// lengths around the padding's boundaries (one message ending while
    /// the other goes on, either way round).
    #[test]
    fn a_pair_equals_each_alone() {
        let data: Vec<u8> = (0..1400u32).map(|i| (i * 37 + 11) as u8).collect();
        let lens = [
            0, 1, 54, 55, 56, 63, 64, 65, 119, 120, 128, 300, 511, 512, 700,
        ];
        let (ka, kb) = (Sha1Pads::new(b"key a"), Sha1Pads::new(&data[..90]));
        for &la in &lens {
            for &lb in &lens {
                let (ta, tb) = (&data[3..3 + la], &data[100..100 + lb]);
                assert_eq!(
                    tag_pair((&ka, ta), (&kb, tb)),
                    (ka.tag(ta), kb.tag(tb)),
                    "{la}, {lb}"
                );
            }
        }
    }

    /// A started HMAC equals the `hmac` crate on the prefix and the text
    /// together, for prefixes absorbed in one piece or several, at lengths
    /// around every block boundary, alone and two at once.
    #[test]
    fn a_started_hmac_equals_the_hmac_crate() {
        let data: Vec<u8> = (0..1400u32).map(|i| (i * 53 + 5) as u8).collect();
        let lens = [0, 1, 8, 55, 56, 63, 64, 65, 100, 128, 191, 300];
        for key_len in [3, 90] {
            let key = &data[..key_len];
            for &prefix_len in &lens {
                let prefix = &data[200..200 + prefix_len];
                let mut whole = Sha1Started::new(key);
                whole.absorb(prefix);
                let mut pieces = Sha1Started::new(key);
                for piece in prefix.chunks(7) {
                    pieces.absorb(piece);
                }
                for &text_len in &lens {
                    let text = &data[600..600 + text_len];
                    let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap();
                    mac.update(prefix);
                    mac.update(text);
                    let want: [u8; 20] = mac.finalize().into_bytes().into();
                    assert_eq!(whole.tag(text), want, "{prefix_len} + {text_len}");
                    assert_eq!(pieces.tag(text), want, "{prefix_len} + {text_len}");
                    let other = &data[900..900 + (text_len * 3) % 250];
                    assert_eq!(
                        Sha1Started::tag_pair((&whole, text), (&pieces, other)),
                        (want, pieces.tag(other)),
                        "{prefix_len} + {text_len}"
                    );
                }
            }
        }
    }

    /// RFC 2202 §3, test cases 1, 6 and 7 (keys of 20 and 80 octets).
    #[test]
    fn rfc_2202_test_cases() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let cases: [(Vec<u8>, &[u8], &str); 3] = [
            (
                vec![0x0b; 20],
                b"Hi There",
                "b617318655057264e28bc0b6fb378c8ef146be00",
            ),
            (
                vec![0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "aa4ae5e15272d00e95705637ce8a3b55ed402112",
            ),
            (
                vec![0xaa; 80],
                b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
                "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
            ),
        ];
        for (key, text, want) in cases {
            assert_eq!(Sha1Pads::new(&key).tag(text).to_vec(), hex(want));
        }
    }
}
