//! The request set of `benches/peers/run.sh` (`benches/peers/requests.jsonl`)
//! and the `Signer` path over one of its requests, shared by the examples
//! `peers_sign` (timed against the peers) and `signer_loop` (counted in
//! instructions), so both measure the same code.

use oauth1_doctor::signature::HashAlg;
use oauth1_doctor::signer::{HmacKey, Signer};
use serde::Deserialize;

/// One request of the set, with its credentials, nonce and timestamp.
#[derive(Deserialize)]
pub struct Input {
    pub method: String,
    pub url: String,
    pub body: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token: String,
    pub token_secret: String,
    pub nonce: String,
    pub timestamp: String,
}

impl Input {
    /// The protocol parameters, in the order the `Signer` path adds them.
    #[allow(dead_code)] // signer_loop does not use it
    pub fn protocol(&self) -> Vec<(&'static str, &str)> {
        let mut p = vec![
            ("oauth_consumer_key", self.consumer_key.as_str()),
            ("oauth_nonce", self.nonce.as_str()),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", self.timestamp.as_str()),
        ];
        if !self.token.is_empty() {
            p.push(("oauth_token", self.token.as_str()));
        }
        p.push(("oauth_version", "1.0"));
        p
    }
}

/// Reads the set, one request per line.
pub fn read(path: &str) -> Vec<Input> {
    std::fs::read_to_string(path)
        .expect("the request set is readable")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a request"))
        .collect()
}

/// Signs `r` on `signer`'s buffers (URL, form body, protocol parameters,
/// base string, HMAC-SHA1); with `key`, the HMAC key derived beforehand
/// instead of the secrets. The header is then `signer.authorization_bytes(None)`.
pub fn sign(signer: &mut Signer, r: &Input, key: Option<&HmacKey>) {
    signer.clear();
    signer
        .set_url(&r.url)
        .expect("every URL in the set is absolute");
    if !r.body.is_empty() {
        signer.add_form(&r.body);
    }
    signer.add_protocol("oauth_consumer_key", &r.consumer_key);
    signer.add_protocol("oauth_nonce", &r.nonce);
    signer.add_protocol("oauth_signature_method", "HMAC-SHA1");
    signer.add_protocol("oauth_timestamp", &r.timestamp);
    if !r.token.is_empty() {
        signer.add_protocol("oauth_token", &r.token);
    }
    signer.add_protocol("oauth_version", "1.0");
    signer.base_string(&r.method);
    match key {
        Some(key) => {
            signer.sign_with_key(key);
        }
        None => {
            signer.sign_hmac(HashAlg::Sha1, &r.consumer_secret, &r.token_secret);
        }
    }
}
