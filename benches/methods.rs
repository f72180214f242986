//! Sign and verify with each signature method (RFC 5849 §3.4.2–§3.4.4 and
//! the SHA-256/512 variants) over the X/Twitter documentation base string.
//! RSA uses the 1024-bit oauthlib test key in fixtures/keys/.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use oauth1_doctor::signature::{sign, verify, PrivateKey, Secrets, ALL_METHODS};
use std::time::Duration;

const BASE: &str = "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521";

fn bench(c: &mut Criterion) {
    let pem = include_str!("../fixtures/keys/oauthlib-rsa.pem");
    let private = PrivateKey::from_pem(pem).expect("the test key reads");
    let mut secrets = Secrets::shared(
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    );
    secrets.public_key = Some(private.public_key());
    secrets.private_key = Some(private);
    assert_eq!(
        sign(ALL_METHODS[0], BASE, &secrets).unwrap(),
        "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
    );
    for method in ALL_METHODS {
        let signature = sign(method, BASE, &secrets).unwrap();
        assert!(verify(method, BASE, &secrets, &signature).unwrap());
        c.bench_function(&format!("methods/{method}/sign"), |b| {
            b.iter(|| sign(method, black_box(BASE), &secrets).unwrap())
        });
        c.bench_function(&format!("methods/{method}/verify"), |b| {
            b.iter(|| verify(method, black_box(BASE), &secrets, black_box(&signature)).unwrap())
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    targets = bench
}
criterion_main!(benches);
