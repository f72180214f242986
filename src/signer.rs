//! Signing and verifying many requests with reusable buffers.
//!
//! [`crate::pipeline`] keeps every intermediate value so that it can
//! explain; [`Signer`] keeps none, and once its buffers have grown it
//! signs without allocating: parameters are encoded (RFC 5849 §3.6) into
//! one buffer and sorted as spans of it (§3.4.1.3.2), the base string
//! (§3.4.1.1) is written straight from those spans, and the signature
//! (§3.4.2) and the Authorization header (§3.5.1) reuse their own buffers.
//! This is the path for a server checking a log, a gateway signing every
//! request, and the speed comparison with other implementations.
//!
//! ```
//! use oauth1_doctor::signer::Signer;
//! use oauth1_doctor::signature::HashAlg;
//! // RFC 5849 §1.2: the photos request.
//! let mut s = Signer::new();
//! s.set_url("http://photos.example.net/photos?file=vacation.jpg&size=original").unwrap();
//! for (n, v) in [("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "nnch734d00sl2jdk"),
//!                ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131202"),
//!                ("oauth_nonce", "chapoH")] {
//!     s.add_protocol(n, v);
//! }
//! s.base_string("GET");
//! assert_eq!(s.sign_hmac(HashAlg::Sha1, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"),
//!            "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
//! assert!(s.authorization(Some("Photos")).ends_with(r#"oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#));
//! ```

use crate::auth_header::push_realm;
use crate::base_string::push_base_uri;
use crate::encode::{
    encode_to_vec, encode_twice_to_vec, is_all_unreserved, push_once_encoded, reencode_form_twice,
    reencode_twice_to_vec,
};
use crate::error::ParseError;
use crate::signature::{self, constant_time_eq, HashAlg, Secrets, SignError, SignatureMethod};
use crate::uri::split_url;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};
use std::fmt;
use zeroize::Zeroize;

mod keys;
mod sha1_mac;
pub use keys::{HmacKey, KeyCache};
pub(crate) use sha1_mac::Sha1Started;

/// One parameter as byte offsets into the encoded buffer, which holds it
/// as `%26name%3Dvalue`, its piece of the base string: `start..end` is the
/// whole piece, `start + 3..name_end` the name, `name_end + 3..end` the value.
#[derive(Clone, Copy)]
struct Span {
    /// The name's first 8 bytes, big-endian, zero-padded: decides most
    /// comparisons of the sort without reading the buffer (encoded text
    /// holds no zero byte, so padding sorts a shorter name first). Set
    /// by [`sort_spans`], 0 until then.
    prefix: u64,
    start: usize,
    name_end: usize,
    end: usize,
}

impl Span {
    fn name<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        &buf[self.start + 3..self.name_end]
    }

    fn value<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        &buf[self.name_end + 3..self.end]
    }

    /// RFC 5849 §3.4.1.3.2 step 2: by name, then by value, as octets.
    fn before(&self, other: &Span, buf: &[u8]) -> bool {
        match self.prefix.cmp(&other.prefix) {
            std::cmp::Ordering::Equal => {
                (self.name(buf), self.value(buf)) < (other.name(buf), other.value(buf))
            }
            o => o.is_lt(),
        }
    }
}

/// The parameter written to `buf` from `start` up to its end, its name
/// ending at `name_end`. Its prefix is found later, by [`sort_spans`]:
/// read here, straight after the name was written, the 8 octets would
/// wait for the stores that wrote them, which do not line up with them (a
/// store forwarding stall, a quarter of the time of adding a protocol
/// parameter).
#[inline(always)]
fn span_at(buf: &[u8], start: usize, name_end: usize) -> Span {
    Span {
        prefix: 0,
        start,
        name_end,
        end: buf.len(),
    }
}

/// The first 8 octets of a name, big-endian, zero-padded ([`Span::prefix`]).
fn name_prefix(name: &[u8]) -> u64 {
    match name.first_chunk::<8>() {
        Some(head) => u64::from_be_bytes(*head),
        // Shorter names are zero-padded, byte by byte (a copy of
        // variable length would be a call to memcpy).
        None => name
            .iter()
            .enumerate()
            .fold(0, |p, (i, &b)| p | u64::from(b) << (56 - 8 * i)),
    }
}

/// Sorts by [`Span::before`]: insertion sort, since requests carry a
/// handful of parameters, with the general sort for long lists.
fn sort_spans(spans: &mut [Span], buf: &[u8]) {
    for span in spans.iter_mut() {
        span.prefix = name_prefix(span.name(buf));
    }
    if spans.len() > 24 {
        spans.sort_unstable_by(|a, b| {
            a.prefix
                .cmp(&b.prefix)
                .then_with(|| (a.name(buf), a.value(buf)).cmp(&(b.name(buf), b.value(buf))))
        });
        return;
    }
    for i in 1..spans.len() {
        let mut j = i;
        while j > 0 && spans[j].before(&spans[j - 1], buf) {
            spans.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Appends the pieces of the base string of `sorted` spans of `buf`
/// (RFC 5849 §3.4.1.1, §3.4.1.3.2): pieces that follow each other in
/// `buf` as they do in the sorted order (the protocol parameters, added
/// in order, usually do) are copied as one run, and the first piece goes
/// without its leading `%26`.
fn push_runs<'a>(mut sorted: impl Iterator<Item = &'a Span>, buf: &[u8], base: &mut Vec<u8>) {
    let mut run = sorted.next().map(|s| s.start + 3..s.end);
    for span in sorted {
        match &mut run {
            Some(r) if r.end == span.start => r.end = span.end,
            _ => {
                if let Some(r) = run.replace(span.start..span.end) {
                    base.extend_from_slice(&buf[r]);
                }
            }
        }
    }
    if let Some(r) = run {
        base.extend_from_slice(&buf[r]);
    }
}

/// Reusable buffers for the lean signing path; see the module docs.
///
/// Use: [`Signer::clear`] (or a new signer), [`Signer::set_url`], add the
/// other parameters, then [`Signer::base_string`], then [`Signer::sign`] (or
/// [`Signer::sign_hmac`] / [`Signer::verify_hmac`]), then, to send,
/// [`Signer::authorization`].
#[derive(Default)]
pub struct Signer {
    /// Every name and value encoded twice (RFC 5849 §3.6, then again as
    /// part of the base string, §3.4.1.1), one after another. Encoding
    /// twice keeps the order of §3.4.1.3.2 (it only turns `%` into `%25`,
    /// and `%` sorts the same against any other byte), so the spans are
    /// sorted as they are and the base string is copied from them.
    encoded: Vec<u8>,
    /// Every signed parameter.
    params: Vec<Span>,
    /// The protocol parameters, in the order added, for the header, and
    /// whether their name and value needed no escape (then the header
    /// copies them as they are).
    protocol: Vec<(Span, bool)>,
    /// The base string URI (§3.4.1.2).
    uri: String,
    /// The base string (§3.4.1.1).
    base: Vec<u8>,
    /// The HMAC key (§3.4.2), wiped when the signer is dropped.
    key: Vec<u8>,
    /// The last signature, base64 (or the PLAINTEXT key, which is why the
    /// signer wipes it when dropped).
    signature: String,
    /// The last Authorization header.
    header: Vec<u8>,
    /// The HMAC keys of the credentials signed with so far, when the
    /// signer was made with [`Signer::with_key_cache`].
    keys: Option<KeyCache>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signature of PLAINTEXT is the key itself: never shown.
        f.debug_struct("Signer")
            .field("params", &self.params.len())
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

/// Base64 (RFC 4648, padded) of a MAC, appended through a buffer on the
/// stack: a little quicker than `encode_string` for these short tags.
fn push_base64(tag: &[u8], out: &mut String) {
    let mut buf = [0u8; 88];
    // A tag is at most 64 bytes (SHA-512), 88 characters in base64.
    if let Ok(n) = B64.encode_slice(tag, &mut buf) {
        out.push_str(std::str::from_utf8(&buf[..n]).unwrap_or_default());
    }
}

/// RFC 5849 §3.4.2: the HMAC key, `encode(consumer_secret)&encode(token_secret)`,
/// written to `out`, which is empty. `out` is first given room for the
/// most the key can become (3 octets an octet, §3.6, the `&`, and the 8
/// octets a short encoding stores past its text), so that it never moves
/// while it holds the key (a move would free a copy unwiped) and each
/// secret is encoded straight into it; when it must grow for that, its
/// earlier contents (an earlier key) are wiped first.
fn push_key(consumer_secret: &str, token_secret: &str, out: &mut Vec<u8>) {
    debug_assert!(out.is_empty(), "the key is written to an empty buffer");
    let room = 3 * (consumer_secret.len() + token_secret.len()) + 1 + 8;
    if out.capacity() < room {
        out.zeroize();
        out.reserve(room);
    }
    encode_to_vec(consumer_secret.as_bytes(), out);
    out.push(b'&');
    encode_to_vec(token_secret.as_bytes(), out);
}

impl Drop for Signer {
    fn drop(&mut self) {
        self.signature.zeroize();
        self.key.zeroize();
    }
}

impl Signer {
    /// An empty signer; its buffers grow to fit the largest request seen.
    pub fn new() -> Signer {
        Signer::default()
    }

    /// A signer with room for `params` parameters and `bytes` of encoded
    /// text, for a signer used once (a reused one grows to fit anyway).
    pub fn with_capacity(params: usize, bytes: usize) -> Signer {
        let mut signer = Signer::default();
        signer.encoded.reserve(bytes);
        signer.params.reserve(params);
        signer.base.reserve(bytes + 128);
        signer
    }

    /// A signer that keeps the HMAC key of every credential pair it signs
    /// or verifies with ([`KeyCache`]), for a server, a batch or a client
    /// that meets the same credentials again: [`Signer::sign_hmac`] and
    /// [`Signer::verify_hmac`] then hash only the base string. The copies
    /// of the secrets it keeps to tell pairs apart are wiped when it is
    /// dropped.
    pub fn with_key_cache() -> Signer {
        let mut signer = Signer::default();
        signer.keys = Some(KeyCache::new());
        signer
    }

    /// Forgets the parameters and results of the last request, keeping the
    /// buffers (and the key cache).
    pub fn clear(&mut self) {
        self.encoded.clear();
        self.params.clear();
        self.protocol.clear();
        self.uri.clear();
        self.base.clear();
        self.signature.clear();
        self.header.clear();
    }

    /// Forgets the last request ([`Signer::clear`]) and gives back what
    /// the buffers hold beyond about `bytes` octets each, for a signer kept
    /// over many requests after an unusually large one (a batch keeps one
    /// per part of a chunk). The key's and the signature's buffers are
    /// wiped before they are given back.
    pub fn shrink_to(&mut self, bytes: usize) {
        self.clear();
        fn shrink<T>(v: &mut Vec<T>, bytes: usize) {
            let keep = bytes / std::mem::size_of::<T>().max(1);
            if v.capacity() > keep {
                v.shrink_to(keep);
            }
        }
        shrink(&mut self.encoded, bytes);
        shrink(&mut self.params, bytes);
        shrink(&mut self.protocol, bytes);
        shrink(&mut self.base, bytes);
        shrink(&mut self.header, bytes);
        if self.uri.capacity() > bytes {
            self.uri.shrink_to(bytes);
        }
        if self.key.capacity() > bytes {
            self.key.zeroize();
            self.key.shrink_to(bytes);
        }
        if self.signature.capacity() > bytes {
            self.signature.zeroize();
            self.signature.shrink_to(bytes);
        }
    }

    #[inline(always)]
    fn push(&mut self, name: &[u8], value: &[u8], write: fn(&[u8], &mut Vec<u8>)) -> Span {
        let start = self.encoded.len();
        self.encoded.extend_from_slice(b"%26");
        write(name, &mut self.encoded);
        let name_end = self.encoded.len();
        self.encoded.extend_from_slice(b"%3D");
        write(value, &mut self.encoded);
        self.push_span(start, name_end)
    }

    /// Records the parameter written to `encoded` from `start`. Inlined,
    /// as are its callers, so that the span stays in registers: returned
    /// through memory, it was stored as four words and read back as two
    /// (a store forwarding stall, a third of `push_verbatim`'s time).
    #[inline(always)]
    fn push_span(&mut self, start: usize, name_end: usize) -> Span {
        let span = span_at(&self.encoded, start, name_end);
        self.params.push(span);
        span
    }

    /// Adds a parameter given decoded (RFC 5849 §3.4.1.3.1).
    pub fn add(&mut self, name: &[u8], value: &[u8]) {
        self.push(name, value, encode_twice_to_vec);
    }

    /// Adds a protocol parameter (RFC 5849 §3.4.1, decoded): it is signed
    /// and written to the Authorization header, in the order added.
    #[inline(always)]
    pub fn add_protocol(&mut self, name: &str, value: &str) {
        let clean_name = crate::encode::is_all_unreserved_inline(name.as_bytes());
        self.add_protocol_tested(name.as_bytes(), value.as_bytes(), clean_name);
    }

    fn add_protocol_tested(&mut self, name: &[u8], value: &[u8], clean_name: bool) {
        // The usual protocol parameter needs no escape (RFC 5849 §3.6):
        // tested once, then copied as it is.
        if clean_name && is_all_unreserved(value) {
            let span = self.push_verbatim(name, value);
            self.protocol.push((span, true));
            return;
        }
        // Something escaped: the header writes this pair encoded again.
        let span = self.push(name, value, encode_twice_to_vec);
        self.protocol.push((span, false));
    }

    /// Adds a pair that is its own encoding, twice (unreserved octets only,
    /// RFC 5849 §3.6): copied as it is.
    #[inline(always)]
    fn push_verbatim(&mut self, name: &[u8], value: &[u8]) -> Span {
        let start = self.encoded.len();
        self.encoded.reserve(name.len() + value.len() + 6);
        self.encoded.extend_from_slice(b"%26");
        self.encoded.extend_from_slice(name);
        let name_end = self.encoded.len();
        self.encoded.extend_from_slice(b"%3D");
        self.encoded.extend_from_slice(value);
        self.push_span(start, name_end)
    }

    /// Adds every pair of a query string or form-encoded body (RFC 5849
    /// §3.4.1.3.1): split on `&` (empty pieces skipped) and at the first
    /// `=` (a key without one has an empty value), `+` read as a space and
    /// `%XX` decoded, as [`crate::params::parse_form`] does.
    pub fn add_form(&mut self, form: &str) {
        // Split, decoded and encoded twice in one pass over the whole form.
        let params = &mut self.params;
        reencode_form_twice(
            form.as_bytes(),
            &mut self.encoded,
            |buf, start, name_end| {
                params.push(span_at(buf, start, name_end));
            },
        );
    }

    /// Sets the request URL: its base string URI (RFC 5849 §3.4.1.2) is
    /// kept for [`Signer::base_string`], and its query's parameters are
    /// added (§3.4.1.3.1, as [`Signer::add_form`]).
    pub fn set_url(&mut self, url: &str) -> Result<(), ParseError> {
        let parts = split_url(url)?;
        self.uri.clear();
        push_base_uri(&parts, &mut self.uri);
        if let Some(query) = parts.query {
            self.add_form(query);
        }
        Ok(())
    }

    /// Sets the base string URI as given, for a caller that has it already
    /// (RFC 5849 §3.4.1.2); unlike [`Signer::set_url`] nothing is added.
    pub fn set_base_uri(&mut self, uri: &str) {
        self.uri.clear();
        self.uri.push_str(uri);
    }

    /// Adds a parameter as an Authorization header carries it (RFC 5849
    /// §3.5.1): percent-encoded, where `+` is a plus.
    pub fn add_encoded(&mut self, name: &str, value: &str) {
        self.push(name.as_bytes(), value.as_bytes(), |raw, out| {
            reencode_twice_to_vec(raw, false, out)
        });
    }

    /// [`Signer::add_encoded`] for a pair that
    /// [`crate::auth_header::read_canonical`] has checked: the name is
    /// unreserved and the value holds only unreserved octets and valid
    /// `%XX` escapes (RFC 5849 §3.5.1, §3.6). A value without `%` is then
    /// its own encoding, twice, and is copied.
    #[cfg(test)]
    pub(crate) fn add_canonical(&mut self, name: &str, value: &str) {
        let plain = memchr::memchr(b'%', value.as_bytes()).is_none();
        self.add_canonical_marked(name, value, plain);
    }

    /// [`Signer::add_canonical`] told whether `value` holds no `%` (it is
    /// then made of unreserved octets only, as read_canonical found).
    pub(crate) fn add_canonical_marked(&mut self, name: &str, value: &str, plain: bool) {
        if !plain {
            return self.add_encoded(name, value);
        }
        self.push_verbatim(name.as_bytes(), value.as_bytes());
    }

    /// RFC 5849 §3.4.1.1: writes the signature base string of the
    /// parameters added so far: the upper-cased method, the base string URI
    /// of the URL given to [`Signer::set_url`] (§3.4.1.2) and the
    /// normalized parameters (§3.4.1.3.2), each encoded (§3.6) and joined
    /// with `&`. Read it with [`Signer::base_string_text`].
    ///
    /// The parameters are held encoded twice already, each with its `%26`
    /// and `%3D`, so the normalized parameters are copied piece by piece.
    pub fn base_string(&mut self, http_method: &str) {
        self.base.clear();
        // §3.4.1.1 step 1: upper-casing only changes unreserved letters,
        // so it commutes with the encoding.
        encode_to_vec(http_method.as_bytes(), &mut self.base);
        self.base.make_ascii_uppercase();
        self.base.push(b'&');
        encode_to_vec(self.uri.as_bytes(), &mut self.base);
        self.base.push(b'&');
        // §3.4.1.3.2: the parameters in order, each piece already encoded
        // twice with its `%26` and `%3D`.
        sort_spans(&mut self.params, &self.encoded);
        push_runs(self.params.iter(), &self.encoded, &mut self.base);
    }

    /// The base string written by the last [`Signer::base_string`].
    pub fn base_string_text(&self) -> &str {
        self.base_str()
    }

    fn base_str(&self) -> &str {
        // Only ASCII is ever written to `base`.
        std::str::from_utf8(&self.base).unwrap_or_default()
    }

    /// The base string URI of the last [`Signer::base_string`].
    pub fn base_uri(&self) -> &str {
        &self.uri
    }

    /// RFC 5849 §3.4.2: the HMAC signature of the last base string, base64,
    /// with the key `encode(consumer_secret)&encode(token_secret)`.
    pub fn sign_hmac(&mut self, hash: HashAlg, consumer_secret: &str, token_secret: &str) -> &str {
        self.signature.clear();
        if let Some(cache) = &mut self.keys {
            cache
                .get(hash, consumer_secret, token_secret)
                .push_signature(&self.base, &mut self.signature);
            return &self.signature;
        }
        self.key.clear();
        push_key(consumer_secret, token_secret, &mut self.key);
        // HMAC takes keys of any length, so `new_from_slice` cannot fail.
        match hash {
            // RFC 2104 §2 on SHA-1's compression function (sha1_mac).
            HashAlg::Sha1 => push_base64(
                &sha1_mac::Sha1Pads::new(&self.key).tag(&self.base),
                &mut self.signature,
            ),
            HashAlg::Sha256 => {
                if let Ok(mac) = Hmac::<Sha256>::new_from_slice(&self.key) {
                    push_base64(
                        &mac.chain_update(&self.base).finalize().into_bytes(),
                        &mut self.signature,
                    );
                }
            }
            HashAlg::Sha512 => {
                if let Ok(mac) = Hmac::<Sha512>::new_from_slice(&self.key) {
                    push_base64(
                        &mac.chain_update(&self.base).finalize().into_bytes(),
                        &mut self.signature,
                    );
                }
            }
        }
        // The key stays until the next signature overwrites it, and is
        // wiped when the signer is dropped; the secrets it is made of stay
        // in the caller's memory anyway.
        self.key.clear();
        &self.signature
    }

    /// [`Signer::sign_hmac`] with a key derived once ([`HmacKey`]): the
    /// key's inner and outer hash states are copied instead of being
    /// computed again from the secrets, so a caller signing many requests
    /// with the same credentials (a server, a batch, a client) hashes only
    /// the base string.
    pub fn sign_with_key(&mut self, key: &HmacKey) -> &str {
        self.signature.clear();
        key.push_signature(&self.base, &mut self.signature);
        &self.signature
    }

    /// [`Signer::verify_hmac`] with a key derived once ([`HmacKey`]).
    pub fn verify_with_key(&mut self, key: &HmacKey, signature: &str) -> bool {
        let expected = self.sign_with_key(key);
        constant_time_eq(expected.as_bytes(), signature.as_bytes())
    }

    /// Signs the last base string with any method (RFC 5849 §3.4.2–§3.4.4).
    /// HMAC reuses the buffers; RSA and PLAINTEXT go through
    /// [`crate::signature::sign`].
    pub fn sign(&mut self, method: SignatureMethod, secrets: &Secrets) -> Result<&str, SignError> {
        if let (Some(hash), false) = (method.hash(), method.is_rsa()) {
            let cs = secrets
                .consumer_secret
                .as_ref()
                .ok_or(SignError::MissingConsumerSecret(method))?;
            let ts = secrets.token_secret.as_ref().map_or("", |t| t.expose());
            return Ok(self.sign_hmac(hash, cs.expose(), ts));
        }
        let signature = signature::sign(method, self.base_str(), secrets)?;
        self.signature.clear();
        self.signature.push_str(&signature);
        Ok(&self.signature)
    }

    /// RFC 5849 §3.4.2: true when `signature` (decoded `oauth_signature`)
    /// is the HMAC of the last base string; compared in constant time.
    pub fn verify_hmac(
        &mut self,
        hash: HashAlg,
        consumer_secret: &str,
        token_secret: &str,
        signature: &str,
    ) -> bool {
        let expected = self.sign_hmac(hash, consumer_secret, token_secret);
        constant_time_eq(expected.as_bytes(), signature.as_bytes())
    }

    /// The key's two SHA-1 hash states for these secrets: from the key
    /// cache, or derived (RFC 5849 §3.4.2, RFC 2104 §2).
    fn sha1_pads(&mut self, consumer_secret: &str, token_secret: &str) -> sha1_mac::Sha1Pads {
        if let Some(pads) = self.keys.as_mut().and_then(|cache| {
            cache
                .get(HashAlg::Sha1, consumer_secret, token_secret)
                .sha1_pads()
        }) {
            return pads;
        }
        self.key.clear();
        push_key(consumer_secret, token_secret, &mut self.key);
        let pads = sha1_mac::Sha1Pads::new(&self.key);
        self.key.clear();
        pads
    }

    /// [`Signer::verify_hmac`] with HMAC-SHA1 on two signers at once, each
    /// with its last base string, consumer secret, token secret and the
    /// signature to check: the same two answers, but the two hashes are
    /// computed together, so that each runs in the other's waits (see
    /// `sha1_mac::tag_pair`). This is how a batch checks its lines two by
    /// two.
    pub fn verify_sha1_pair(
        (a, a_consumer, a_token, a_signature): (&mut Signer, &str, &str, &str),
        (b, b_consumer, b_token, b_signature): (&mut Signer, &str, &str, &str),
    ) -> (bool, bool) {
        let (pa, pb) = (
            a.sha1_pads(a_consumer, a_token),
            b.sha1_pads(b_consumer, b_token),
        );
        let (ta, tb) = sha1_mac::tag_pair((&pa, &a.base), (&pb, &b.base));
        a.signature.clear();
        push_base64(&ta, &mut a.signature);
        b.signature.clear();
        push_base64(&tb, &mut b.signature);
        (
            constant_time_eq(a.signature.as_bytes(), a_signature.as_bytes()),
            constant_time_eq(b.signature.as_bytes(), b_signature.as_bytes()),
        )
    }

    /// The last signature (before percent-encoding for transport).
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// RFC 5849 §3.5.1: the Authorization header of the protocol
    /// parameters, in the order added, then `oauth_signature`; the same
    /// text as [`crate::auth_header::build`].
    pub fn authorization(&mut self, realm: Option<&str>) -> &str {
        // ASCII, or the realm's UTF-8 copied whole, so this cannot fail.
        std::str::from_utf8(self.authorization_bytes(realm)).unwrap_or_default()
    }

    /// [`Signer::authorization`] as the bytes that go on the wire, for
    /// callers that write bytes (most HTTP clients take a header value as
    /// bytes): it spares checking again that the text is UTF-8.
    pub fn authorization_bytes(&mut self, realm: Option<&str>) -> &[u8] {
        let out = &mut self.header;
        out.clear();
        out.extend_from_slice(b"OAuth ");
        if let Some(r) = realm {
            push_realm(r, out);
            out.extend_from_slice(b", ");
        }
        for &(span, clean) in &self.protocol {
            if clean {
                out.extend_from_slice(span.name(&self.encoded));
                out.extend_from_slice(b"=\"");
                out.extend_from_slice(span.value(&self.encoded));
            } else {
                push_once_encoded(span.name(&self.encoded), out);
                out.extend_from_slice(b"=\"");
                push_once_encoded(span.value(&self.encoded), out);
            }
            out.extend_from_slice(b"\", ");
        }
        out.extend_from_slice(b"oauth_signature=\"");
        // Room to encode the signature straight into the header.
        out.reserve(3 * self.signature.len() + 8);
        encode_to_vec(self.signature.as_bytes(), out);
        out.push(b'"');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth_header;
    use crate::base_string::{base_string, base_string_uri};
    use crate::params::{normalize, parse_form, Param, Source};

    const TWITTER_PROTOCOL: [(&str, &str); 6] = [
        ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
        ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "1318622958"),
        (
            "oauth_token",
            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        ),
        ("oauth_version", "1.0"),
    ];

    /// X/Twitter's documentation example, signed and written as a header.
    #[test]
    fn twitter_example_signs_and_builds_the_header() {
        let mut s = Signer::new();
        s.set_url("https://api.twitter.com/1.1/statuses/update.json?include_entities=true")
            .unwrap();
        s.add_form("status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21");
        for (n, v) in TWITTER_PROTOCOL {
            s.add_protocol(n, v);
        }
        s.base_string("post");
        let base = s.base_string_text().to_string();
        assert!(base.starts_with("POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key"));
        assert!(base.ends_with("status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"));
        let sig = s
            .sign_hmac(
                HashAlg::Sha1,
                "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            )
            .to_string();
        assert_eq!(sig, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
        let header = s.authorization(None).to_string();
        let built = auth_header::build(
            None,
            TWITTER_PROTOCOL
                .iter()
                .map(|(n, v)| (*n, v.as_bytes()))
                .chain(std::iter::once(("oauth_signature", sig.as_bytes()))),
        );
        assert_eq!(header, built);
        assert!(s.verify_hmac(
            HashAlg::Sha1,
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            &sig
        ));
        assert!(!s.verify_hmac(HashAlg::Sha1, "wrong", "", &sig));
    }

    /// The same base string as the step-by-step modules, on corner cases of
    /// each source: repeated names, empty values, `+`, bad escapes,
    /// lower-case hex, non-UTF-8 octets, default ports and upper case.
    #[test]
    fn agrees_with_the_param_path_on_corner_cases() {
        let cases = [
            (
                "get",
                "HTTP://Example.COM:80/r%20v/X?a=1&a=&b+c=%2b&d=%zz&e=%e9",
                "x=1&&y",
            ),
            ("POST", "https://h:8443/p?z=~*'()!&%41=%61", "q=a+b%20c&q=a"),
            ("Patch", "https://h", "only-key&k=v=w"),
        ];
        for (method, url, body) in cases {
            let mut s = Signer::new();
            let query = split_url(url).unwrap().query.unwrap_or("");
            s.set_url(url).unwrap();
            s.add_form(body);
            s.add_encoded("oauth_nonce", "a%2Bb+c");
            s.base_string(method);
            let mine = s.base_string_text().to_string();
            let mut notes = Vec::new();
            let mut params = parse_form(query, Source::Query, &mut notes);
            params.extend(parse_form(body, Source::Body, &mut notes));
            params.push(Param::new("oauth_nonce", "a+b+c", Source::Header));
            let uri = base_string_uri(url).unwrap().uri;
            assert_eq!(uri, s.base_uri());
            let theirs = base_string(&method.to_ascii_uppercase(), &uri, &normalize(&params));
            assert_eq!(mine, theirs, "{method} {url} {body}");
        }
    }

    /// Pieces copied as runs (the protocol parameters, added in order)
    /// still give the normalized order when a query parameter sorts
    /// between them, first, or last (RFC 5849 §3.4.1.3.2).
    #[test]
    fn runs_of_pieces_keep_the_normalized_order() {
        let url = "http://x/p?oauth_d=1&a=2&z=&oauth_c=0";
        let protocol = [("oauth_c", "3"), ("oauth_e", "4"), ("oauth_f", "5 6")];
        let mut s = Signer::new();
        s.set_url(url).unwrap();
        for (n, v) in protocol {
            s.add_protocol(n, v);
        }
        s.base_string("GET");
        let mut notes = Vec::new();
        let mut params = parse_form("oauth_d=1&a=2&z=&oauth_c=0", Source::Query, &mut notes);
        params.extend(
            protocol
                .iter()
                .map(|(n, v)| Param::new(*n, *v, Source::Header)),
        );
        let theirs = base_string("GET", "http://x/p", &normalize(&params));
        assert_eq!(s.base_string_text(), theirs);
        assert!(theirs.ends_with(
            "oauth_c%3D0%26oauth_c%3D3%26oauth_d%3D1%26oauth_e%3D4%26oauth_f%3D5%25206%26z%3D"
        ));
    }

    /// A canonical header's pairs give the same base string whichever way
    /// they are added (RFC 5849 §3.5.1): escaped, lower-case hex, an
    /// escaped unreserved octet, empty, none.
    #[test]
    fn add_canonical_is_add_encoded_on_canonical_pairs() {
        for value in ["kYjz-._~09", "a%20b", "%41", "x%2fy%2F", "", "%E2%82%AC"] {
            let (mut a, mut b) = (Signer::new(), Signer::new());
            for s in [&mut a, &mut b] {
                s.set_url("http://x/?q=1").unwrap();
            }
            a.add_canonical("oauth_nonce", value);
            b.add_encoded("oauth_nonce", value);
            a.base_string("GET");
            b.base_string("GET");
            assert_eq!(a.base_string_text(), b.base_string_text(), "{value}");
        }
    }

    /// A reused signer gives the same results as a new one.
    /// A signer used before builds the base string of a new request as a
    /// new signer does.
    fn signs_a_new_request(s: &mut Signer) {
        s.set_url("http://y/").unwrap();
        s.add_protocol("oauth_nonce", "m");
        s.base_string("GET");
        assert_eq!(
            s.base_string_text(),
            "GET&http%3A%2F%2Fy%2F&oauth_nonce%3Dm"
        );
    }

    #[test]
    fn clear_forgets_the_last_request() {
        let mut s = Signer::new();
        s.set_url("http://x/?a=1&b=2").unwrap();
        s.add_protocol("oauth_nonce", "n");
        s.base_string("GET");
        s.sign_hmac(HashAlg::Sha256, "cs", "ts");
        s.authorization(Some("r\"q"));
        s.clear();
        signs_a_new_request(&mut s);
        let sig = crate::encode::encode(s.sign_hmac(HashAlg::Sha1, "cs", ""));
        assert_eq!(
            s.authorization(Some("r\"q")),
            format!("OAuth realm=\"r\\\"q\", oauth_nonce=\"m\", oauth_signature=\"{sig}\"")
        );
    }

    /// After a huge request, `shrink_to` gives the room back, and the
    /// signer signs as a new one does.
    #[test]
    fn shrink_to_gives_back_a_huge_request_s_room() {
        let mut s = Signer::new();
        s.set_url("http://x/?a=1").unwrap();
        s.add_form(&format!("big={}", "%20".repeat(100_000)));
        s.add_protocol("oauth_nonce", "n");
        s.base_string("POST");
        s.sign_hmac(HashAlg::Sha1, "cs", "ts");
        s.authorization(None);
        assert!(s.encoded.capacity() > 500_000 && s.base.capacity() > 500_000);
        s.shrink_to(4096);
        for cap in [s.encoded.capacity(), s.base.capacity(), s.header.capacity()] {
            assert!(cap <= 4096, "{cap}");
        }
        signs_a_new_request(&mut s);
    }

    /// Every method through `sign` gives what `signature::sign` gives.
    #[test]
    fn sign_matches_the_signature_module() {
        let secrets = Secrets::shared("c s", "t&s");
        for method in [
            SignatureMethod::HmacSha1,
            SignatureMethod::HmacSha256,
            SignatureMethod::HmacSha512,
            SignatureMethod::Plaintext,
        ] {
            let mut s = Signer::new();
            s.set_url("http://x/").unwrap();
            s.add(b"a", b"b c");
            s.base_string("GET");
            let base = s.base_string_text().to_string();
            let want = signature::sign(method, &base, &secrets).unwrap();
            assert_eq!(s.sign(method, &secrets).unwrap(), want, "{method}");
        }
        let mut s = Signer::new();
        s.set_url("http://x/").unwrap();
        s.base_string("GET");
        assert!(s
            .sign(SignatureMethod::HmacSha1, &Secrets::default())
            .is_err());
        assert!(s.set_url("not a url").is_err());
        assert!(!format!("{s:?}").contains("c s"));
    }
}
