//! HMAC keys derived once per credential pair (RFC 5849 §3.4.2, RFC 2104 §2).
//!
//! Signing hashes the key twice before it hashes the base string: once
//! XORed with the inner pad, once with the outer pad (and, for a key
//! longer than a hash block, once more to shorten it). [`HmacKey`] keeps
//! those two hash states; [`KeyCache`] keeps the keys of the credential
//! pairs a signer has seen, so that a server, a batch or a client signing
//! many requests with the same credentials hashes only each base string.

use super::sha1_mac::Sha1Pads;
use super::{push_base64, push_key};
use crate::signature::HashAlg;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use zeroize::Zeroize;

/// An HMAC key (RFC 5849 §3.4.2: `encode(consumer_secret)&encode(token_secret)`)
/// derived once for one pair of secrets: HMAC's inner and outer hash
/// states (RFC 2104 §2), kept so that each signature with these
/// credentials hashes only its base string. Keep one per credential pair
/// and pass it to [`super::Signer::sign_with_key`]. `Debug` shows only the hash.
///
/// ```
/// use oauth1_doctor::signer::{HmacKey, Signer};
/// use oauth1_doctor::signature::HashAlg;
/// let key = HmacKey::new(HashAlg::Sha1, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
/// let mut s = Signer::new();
/// s.set_url("http://photos.example.net/photos?file=vacation.jpg&size=original").unwrap();
/// for (n, v) in [("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "nnch734d00sl2jdk"),
///                ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "137131202"),
///                ("oauth_nonce", "chapoH")] {
///     s.add_protocol(n, v);
/// }
/// s.base_string("GET");
/// assert_eq!(s.sign_with_key(&key), "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
/// ```
#[derive(Clone)]
pub struct HmacKey {
    pub(super) mac: KeyedMac,
}

/// The keyed MAC of each hash. The key's bytes are wiped as soon as the
/// states are derived; the states themselves (hashes of the padded key,
/// RFC 2104 §2) are not wiped on drop: the `hmac` crate offers no way to
/// for SHA-256 and SHA-512, and SHA-1's two states ([`Sha1Pads`], hashed
/// on directly) are `Copy`, which rules out a wiping `Drop`. The
/// others are boxed: unboxed, SHA-512's 350-odd octets made every entry
/// of a [`KeyCache`] that large, and a lookup among a log's hundred
/// credential pairs missed the L1 cache (two thirds of `KeyCache::get`'s
/// time went to the load of the entry's tag).
#[derive(Clone)]
pub(super) enum KeyedMac {
    Sha1(Sha1Pads),
    Sha256(Box<Hmac<Sha256>>),
    Sha512(Box<Hmac<Sha512>>),
}

impl HmacKey {
    /// Derives the key for `hash` from the two secrets (RFC 5849 §3.4.2).
    pub fn new(hash: HashAlg, consumer_secret: &str, token_secret: &str) -> HmacKey {
        let mut key = Vec::new();
        push_key(consumer_secret, token_secret, &mut key);
        // HMAC takes keys of any length, so `new_from_slice` cannot fail;
        // `new` on an empty key is the same (RFC 2104 §2 pads with zeros).
        let mac = match hash {
            HashAlg::Sha1 => KeyedMac::Sha1(Sha1Pads::new(&key)),
            HashAlg::Sha256 => KeyedMac::Sha256(Box::new(
                Hmac::<Sha256>::new_from_slice(&key)
                    .unwrap_or_else(|_| Hmac::<Sha256>::new(&Default::default())),
            )),
            HashAlg::Sha512 => KeyedMac::Sha512(Box::new(
                Hmac::<Sha512>::new_from_slice(&key)
                    .unwrap_or_else(|_| Hmac::<Sha512>::new(&Default::default())),
            )),
        };
        key.zeroize();
        HmacKey { mac }
    }

    /// The SHA-1 key's two hash states, for [`super::Signer::verify_sha1_pair`].
    pub(super) fn sha1_pads(&self) -> Option<Sha1Pads> {
        match &self.mac {
            KeyedMac::Sha1(pads) => Some(*pads),
            _ => None,
        }
    }

    /// The hash the key is for.
    pub fn hash(&self) -> HashAlg {
        match self.mac {
            KeyedMac::Sha1(_) => HashAlg::Sha1,
            KeyedMac::Sha256(_) => HashAlg::Sha256,
            KeyedMac::Sha512(_) => HashAlg::Sha512,
        }
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HmacKey({:?}, <hidden>)", self.hash())
    }
}

impl HmacKey {
    /// RFC 5849 §3.4.2: the HMAC of `base` under this key, base64, appended
    /// to `out`. The key's states are copied, not derived again.
    pub(super) fn push_signature(&self, base: &[u8], out: &mut String) {
        match &self.mac {
            KeyedMac::Sha1(pads) => push_base64(&pads.tag(base), out),
            // `&**mac`: the state is cloned out of its box onto the
            // stack (cloning the box would allocate).
            KeyedMac::Sha256(mac) => push_tag(&**mac, base, out),
            KeyedMac::Sha512(mac) => push_tag(&**mac, base, out),
        }
    }
}

/// The HMAC of `base` under a copy of the keyed state `mac`, base64,
/// appended to `out`.
fn push_tag<M: Mac + Clone>(mac: &M, base: &[u8], out: &mut String) {
    push_base64(&mac.clone().chain_update(base).finalize().into_bytes(), out);
}

/// The most credential pairs a [`KeyCache`] holds; past it, it starts
/// again empty (a log's credentials are usually far fewer).
const MAX_KEYS: usize = 4096;

/// The [`HmacKey`]s of the credential pairs signed with so far, looked up
/// by the secrets themselves (RFC 5849 §3.4.2). A copy of each pair of
/// secrets is kept to tell pairs apart, and wiped when the cache is
/// dropped or starts again; `Debug` shows only how many keys it holds.
///
/// ```
/// use oauth1_doctor::signer::{HmacKey, KeyCache};
/// use oauth1_doctor::signature::HashAlg;
/// let mut cache = KeyCache::new();
/// let key = cache.get(HashAlg::Sha1, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00").clone();
/// assert_eq!(cache.len(), 1);
/// cache.get(HashAlg::Sha1, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
/// assert_eq!(cache.len(), 1);
/// // The same secrets with another hash, or split differently, are other keys.
/// cache.get(HashAlg::Sha256, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
/// cache.get(HashAlg::Sha1, "kd94hf93k423kf4", "4pfkkdhi9sl3r4s00");
/// assert_eq!(cache.len(), 3);
/// # let _ = key;
/// ```
#[derive(Default)]
pub struct KeyCache {
    /// Keyed by a seeded hash of the secrets; the slot's own copy of the
    /// secrets decides (a pair whose hash collides replaces the other).
    keys: HashMap<u64, Cached, foldhash::fast::RandomState>,
    state: foldhash::fast::RandomState,
}

/// One cached key and the secrets it was derived from.
struct Cached {
    hash: HashAlg,
    /// The consumer secret then the token secret, as given.
    secrets: Vec<u8>,
    consumer_len: usize,
    key: HmacKey,
}

impl Cached {
    fn new(hash: HashAlg, consumer_secret: &str, token_secret: &str) -> Cached {
        let mut secrets = Vec::with_capacity(consumer_secret.len() + token_secret.len());
        secrets.extend_from_slice(consumer_secret.as_bytes());
        secrets.extend_from_slice(token_secret.as_bytes());
        Cached {
            hash,
            secrets,
            consumer_len: consumer_secret.len(),
            key: HmacKey::new(hash, consumer_secret, token_secret),
        }
    }

    fn is_for(&self, hash: HashAlg, consumer_secret: &str, token_secret: &str) -> bool {
        self.hash == hash
            && self.consumer_len == consumer_secret.len()
            && self.secrets.len() == consumer_secret.len() + token_secret.len()
            && self.secrets[..self.consumer_len] == *consumer_secret.as_bytes()
            && self.secrets[self.consumer_len..] == *token_secret.as_bytes()
    }
}

impl Drop for Cached {
    fn drop(&mut self) {
        self.secrets.zeroize();
    }
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyCache({} keys, <hidden>)", self.keys.len())
    }
}

impl KeyCache {
    /// An empty cache.
    pub fn new() -> KeyCache {
        KeyCache::default()
    }

    /// How many keys the cache holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when the cache holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key for these secrets (RFC 5849 §3.4.2), derived the first time
    /// and kept.
    pub fn get(&mut self, hash: HashAlg, consumer_secret: &str, token_secret: &str) -> &HmacKey {
        let id = self.state.hash_one((hash, consumer_secret, token_secret));
        if self.keys.len() >= MAX_KEYS && !self.keys.contains_key(&id) {
            self.keys.clear();
        }
        let derive = || Cached::new(hash, consumer_secret, token_secret);
        let slot = self.keys.entry(id).or_insert_with(derive);
        if !slot.is_for(hash, consumer_secret, token_secret) {
            *slot = derive();
        }
        &slot.key
    }
}
