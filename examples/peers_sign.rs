//! oauth1-doctor's side of `benches/peers/run.sh`: signs the fixed request
//! set (HMAC-SHA1) the way the peers do, from method, URL and form body to
//! the Authorization header, and times the signing loop alone.
//!
//! ```text
//! cargo run --release --example peers_sign -- benches/peers/requests.jsonl OUT
//! ```
//!
//! Four paths are timed, each by its best pass (passes repeat until at
//! least 3 passes and 2 seconds of signing, the same rule as for the peers):
//! `signer::Signer`, one per run with its buffers reused (query and body
//! read, protocol parameters added, base string, HMAC, header);
//! `sign::signature_for` over `Param`s (a new allocation per parameter);
//! `sign::sign_request`, which also keeps the whole walkthrough; and the
//! `Signer` with a `signer::HmacKey` per credential pair derived before the
//! timed loop (as a server, a batch or a client keeps one per credentials),
//! so that the loop signs with `Signer::sign_with_key` and never hashes a
//! key. Every request of the set has its own credentials, so that row
//! leaves out work every other row, the peers' included, does per request.
//! OUT gets one `oauth_signature` per line from the `Signer` path; the run
//! fails if the paths ever disagree.

use oauth1_doctor::auth_header;
use oauth1_doctor::base_string::split_url;
use oauth1_doctor::params::{parse_form, Param, Source};
use oauth1_doctor::pipeline::RunOptions;
use oauth1_doctor::sign::{sign_request, signature_for, Protocol};
use oauth1_doctor::signature::{HashAlg, Secrets, SignatureMethod};
use oauth1_doctor::signer::{HmacKey, Signer};
use oauth1_doctor::Request;
use std::time::Instant;

#[path = "common/peers_set.rs"]
mod peers_set;
use peers_set::Input;

/// Method, URL and body in; the Authorization header out (as every peer
/// gives it), on one signer's buffers, appended to `out` as a line (one
/// growing buffer keeps every header for the comparison afterwards). With
/// `key`, the HMAC key derived beforehand is used instead of the secrets.
fn sign_with(signer: &mut Signer, r: &Input, key: Option<&HmacKey>, out: &mut Vec<u8>) {
    peers_set::sign(signer, r, key);
    out.extend_from_slice(signer.authorization_bytes(None));
    out.push(b'\n');
}

/// The decoded `oauth_signature` of a header this program built.
fn signature_of(header: &str) -> String {
    auth_header::parse(header)
        .ok()
        .flatten()
        .and_then(|h| h.get("oauth_signature").map(|p| p.value_lossy()))
        .expect("every header built here carries oauth_signature")
}

/// The same through `signature_for`, with a `Param` per parameter.
fn sign_lean(r: &Input) -> (String, String) {
    let mut notes = Vec::new();
    let mut params: Vec<Param> = match split_url(&r.url).ok().and_then(|u| u.query) {
        Some(q) => parse_form(q, Source::Query, &mut notes),
        None => Vec::new(),
    };
    if !r.body.is_empty() {
        params.extend(parse_form(&r.body, Source::Body, &mut notes));
    }
    let protocol = r.protocol();
    params.extend(
        protocol
            .iter()
            .map(|(n, v)| Param::new(*n, *v, Source::Header)),
    );
    let secrets = Secrets::shared(&r.consumer_secret, &r.token_secret);
    let signature = signature_for(
        &r.method,
        &r.url,
        &params,
        SignatureMethod::HmacSha1,
        &secrets,
    )
    .expect("every request in the set can be signed");
    let header = auth_header::build(
        None,
        protocol
            .iter()
            .map(|(n, v)| (*n, v.as_bytes()))
            .chain(std::iter::once(("oauth_signature", signature.as_bytes()))),
    );
    (header, signature)
}

/// The same through `sign_request`, which keeps every intermediate value.
fn sign_full(r: &Input) -> String {
    let mut request = Request::new(r.method.as_str(), r.url.as_str());
    if !r.body.is_empty() {
        request = request
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_body(r.body.as_str());
    }
    let protocol = Protocol {
        realm: None,
        params: r
            .protocol()
            .into_iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    };
    let secrets = Secrets::shared(&r.consumer_secret, &r.token_secret);
    sign_request(&request, &protocol, &secrets, false, RunOptions::default())
        .expect("every request in the set can be signed")
        .signature
}

/// The best pass of `f`; passes repeat until at least 3 passes and 2
/// seconds of signing, the same rule as for every peer, so that each
/// signer is timed warmed up.
fn best_pass<T>(f: impl Fn() -> T) -> (T, f64) {
    let (mut best, mut total, mut passes) = (f64::INFINITY, 0.0, 0);
    let mut out = None;
    while passes < 3 || total < 2.0 {
        let start = Instant::now();
        let r = f();
        let seconds = start.elapsed().as_secs_f64();
        (best, total, passes) = (best.min(seconds), total + seconds, passes + 1);
        out = Some(r);
    }
    (out.expect("at least three passes ran"), best)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (src, out) = match args.as_slice() {
        [_, src, out] => (src, out),
        _ => {
            eprintln!("usage: peers_sign REQUESTS.jsonl OUT");
            std::process::exit(2);
        }
    };
    let inputs = peers_set::read(src);

    let (fast, fast_s) = best_pass(|| {
        let mut signer = Signer::new();
        let mut headers = Vec::with_capacity(inputs.len() * 320);
        for r in &inputs {
            sign_with(&mut signer, r, None, &mut headers);
        }
        headers
    });
    let keys: Vec<HmacKey> = inputs
        .iter()
        .map(|r| HmacKey::new(HashAlg::Sha1, &r.consumer_secret, &r.token_secret))
        .collect();
    let (cached, cached_s) = best_pass(|| {
        let mut signer = Signer::new();
        let mut headers = Vec::with_capacity(inputs.len() * 320);
        for (r, key) in inputs.iter().zip(&keys) {
            sign_with(&mut signer, r, Some(key), &mut headers);
        }
        headers
    });
    assert!(
        cached == fast,
        "Signer::sign_with_key and Signer::sign_hmac disagree"
    );
    let (lean, lean_s) = best_pass(|| inputs.iter().map(sign_lean).collect::<Vec<_>>());
    let (full, full_s) = best_pass(|| inputs.iter().map(sign_full).collect::<Vec<_>>());
    let fast = String::from_utf8(fast).expect("headers are ASCII");
    let fast: Vec<(String, String)> = fast
        .lines()
        .map(|h| (h.to_string(), signature_of(h)))
        .collect();
    assert_eq!(fast.len(), inputs.len());
    for (i, (((fast_header, fast), (header, lean)), full)) in
        fast.iter().zip(&lean).zip(&full).enumerate()
    {
        assert!(header.starts_with("OAuth oauth_consumer_key="));
        assert_eq!(fast_header, header, "request {i}: the headers differ");
        assert_eq!(fast, lean, "request {i}: Signer and signature_for disagree");
        assert_eq!(
            lean, full,
            "request {i}: signature_for and sign_request disagree"
        );
    }
    let lines: String = fast.iter().map(|(_, s)| format!("{s}\n")).collect();
    std::fs::write(out, lines).expect("OUT is writable");
    for (signer, seconds) in [
        ("oauth1-doctor (Signer)", fast_s),
        ("oauth1-doctor (signature_for)", lean_s),
        ("oauth1-doctor (sign_request)", full_s),
        (
            "oauth1-doctor (Signer::sign_with_key, keys derived beforehand)",
            cached_s,
        ),
    ] {
        println!(
            "{}",
            serde_json::json!({
                "signer": signer,
                "version": env!("CARGO_PKG_VERSION"),
                "requests": inputs.len(),
                "seconds": seconds,
            })
        );
    }
}
