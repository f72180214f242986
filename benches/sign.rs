//! Signing the X/Twitter documentation example (HMAC-SHA1): the full sign
//! path (on a reused [`Signer`], and through `signature_for`) next to the
//! bare HMAC-SHA1 of the same base string, its floor.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use oauth1_doctor::auth_header;
use oauth1_doctor::params::{Param, Source};
use oauth1_doctor::sign::signature_for;
use oauth1_doctor::signature::{shared_key, HashAlg, Secrets, SignatureMethod};
use oauth1_doctor::signer::{HmacKey, Signer};
use sha1::Sha1;

const URL: &str = "https://api.twitter.com/1.1/statuses/update.json";
const CS: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TS: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
const PROTOCOL: [(&str, &str); 6] = [
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
const BASE: &str = "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521";

fn params() -> Vec<Param> {
    let mut p = vec![
        Param::new("include_entities", "true", Source::Query),
        Param::new(
            "status",
            "Hello Ladies + Gentlemen, a signed OAuth request!",
            Source::Body,
        ),
    ];
    p.extend(
        PROTOCOL
            .iter()
            .map(|(n, v)| Param::new(*n, *v, Source::Header)),
    );
    p
}

/// The full path on reused buffers ([`Signer`]): parameters added decoded,
/// base string, HMAC, base64, Authorization header.
fn signer_sign(s: &mut Signer) -> usize {
    signer_sign_until_base(s);
    s.sign_hmac(HashAlg::Sha1, CS, TS);
    s.authorization_bytes(None).len()
}

/// [`signer_sign`] up to the base string.
fn signer_sign_until_base(s: &mut Signer) {
    s.clear();
    s.set_url(URL).unwrap();
    s.add(b"include_entities", b"true");
    s.add(
        b"status",
        b"Hello Ladies + Gentlemen, a signed OAuth request!",
    );
    for (n, v) in PROTOCOL {
        s.add_protocol(n, v);
    }
    s.base_string("POST");
}

/// The full path through `signature_for`: base string URI, normalization, base string, HMAC, base64, header.
fn full_sign(params: &[Param], secrets: &Secrets) -> String {
    let sig = signature_for("POST", URL, params, SignatureMethod::HmacSha1, secrets).unwrap();
    auth_header::build(
        None,
        PROTOCOL
            .iter()
            .map(|(n, v)| (*n, v.as_bytes()))
            .chain(std::iter::once(("oauth_signature", sig.as_bytes()))),
    )
}

/// One request of `benches/peers/requests.jsonl`.
#[derive(serde::Deserialize)]
struct PeerRequest {
    method: String,
    url: String,
    body: String,
    consumer_key: String,
    consumer_secret: String,
    token: String,
    token_secret: String,
    nonce: String,
    timestamp: String,
}

/// The peers' request set, signed on one reused signer, header out.
fn sign_peer_set(s: &mut Signer, set: &[PeerRequest]) -> usize {
    let mut total = 0;
    for r in set {
        s.clear();
        s.set_url(&r.url).unwrap();
        if !r.body.is_empty() {
            s.add_form(&r.body);
        }
        s.add_protocol("oauth_consumer_key", &r.consumer_key);
        s.add_protocol("oauth_nonce", &r.nonce);
        s.add_protocol("oauth_signature_method", "HMAC-SHA1");
        s.add_protocol("oauth_timestamp", &r.timestamp);
        if !r.token.is_empty() {
            s.add_protocol("oauth_token", &r.token);
        }
        s.add_protocol("oauth_version", "1.0");
        s.base_string(&r.method);
        s.sign_hmac(HashAlg::Sha1, &r.consumer_secret, &r.token_secret);
        total += s.authorization_bytes(None).len();
    }
    total
}

fn bench(c: &mut Criterion) {
    let params = params();
    let secrets = Secrets::shared(CS, TS);
    let header = full_sign(&params, &secrets);
    assert!(
        header.contains("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\""),
        "{header}"
    );
    let key = shared_key(CS, TS);
    let mut signer = Signer::new();
    signer_sign(&mut signer);
    assert_eq!(signer.authorization(None), header);
    c.bench_function("sign/twitter-example/signer-hmac-sha1", |b| {
        b.iter(|| signer_sign(black_box(&mut signer)))
    });
    let set: Vec<PeerRequest> = include_str!("peers/requests.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    c.bench_function("sign/peers-set-10000/signer-hmac-sha1", |b| {
        b.iter(|| sign_peer_set(black_box(&mut signer), black_box(&set)))
    });
    c.bench_function("sign/twitter-example/signature-for-hmac-sha1", |b| {
        b.iter(|| full_sign(black_box(&params), black_box(&secrets)))
    });
    // The Signer's stages, to see where time goes beyond the hash.
    c.bench_function("sign/twitter-example/stage/set-url", |b| {
        b.iter(|| {
            signer.clear();
            signer.set_url(black_box(URL)).unwrap();
        })
    });
    c.bench_function("sign/twitter-example/stage/add-8-params", |b| {
        b.iter(|| {
            signer.clear();
            signer.add(b"include_entities", b"true");
            signer.add(
                black_box(b"status"),
                b"Hello Ladies + Gentlemen, a signed OAuth request!",
            );
            for (n, v) in PROTOCOL {
                signer.add_protocol(black_box(n), v);
            }
        })
    });
    c.bench_function("sign/twitter-example/stage/up-to-base-string", |b| {
        b.iter(|| {
            signer_sign_until_base(black_box(&mut signer));
        })
    });
    signer_sign(&mut signer);
    assert_eq!(signer.base_string_text(), BASE);
    c.bench_function("sign/twitter-example/stage/sign-hmac", |b| {
        b.iter(|| signer.sign_hmac(HashAlg::Sha1, black_box(CS), TS).len())
    });
    c.bench_function("sign/twitter-example/stage/authorization", |b| {
        b.iter(|| signer.authorization_bytes(black_box(None)).len())
    });
    c.bench_function("sign/twitter-example/bare-hmac-sha1", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha1>::new_from_slice(black_box(key.expose().as_bytes())).unwrap();
            mac.update(black_box(BASE.as_bytes()));
            mac.finalize().into_bytes()
        })
    });
    // Issue 18: the whole sign path with the key derived once per
    // credential pair, beside a bare HMAC that derives its key each time
    // (formatted from the secrets) and one that is handed the key's bytes.
    let cached = HmacKey::new(HashAlg::Sha1, CS, TS);
    signer_sign(&mut signer);
    let uncached_signature = signer.signature().to_string();
    assert_eq!(signer.sign_with_key(&cached), uncached_signature);
    let mut g = c.benchmark_group("sign/twitter-example/cached-key");
    g.bench_function("signer-whole-path-cached-key", |b| {
        b.iter(|| {
            signer_sign_until_base(black_box(&mut signer));
            signer.sign_with_key(black_box(&cached));
            signer.authorization_bytes(None).len()
        })
    });
    g.bench_function("signer-whole-path-key-each-time", |b| {
        b.iter(|| signer_sign(black_box(&mut signer)))
    });
    g.bench_function("signer-sign-with-key", |b| {
        b.iter(|| signer.sign_with_key(black_box(&cached)).len())
    });
    g.bench_function("bare-hmac-sha1-key-formatted-each-time", |b| {
        b.iter(|| {
            let key = format!(
                "{}&{}",
                oauth1_doctor::encode::encode(black_box(CS)),
                oauth1_doctor::encode::encode(black_box(TS))
            );
            let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(black_box(BASE.as_bytes()));
            mac.finalize().into_bytes()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
