//! Hunt speed on a typical HMAC-SHA1 request with 10 signed parameters,
//! signed with a secret hunt is not given, so every variant up to the
//! depth is tried (the worst case).

use criterion::{criterion_group, criterion_main, Criterion};
use oauth1_doctor::hunt::{hunt, HuntOptions};
use oauth1_doctor::signature::Secrets;
use oauth1_doctor::Request;

fn typical_request() -> Request {
    Request::new("POST", "https://api.example.com/1.1/statuses/update.json?include_entities=true&trim_user=1")
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_header("Authorization", "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"tnnArxj06cWHq44gCs1OSKk%2FjLY%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\"")
        .with_body("status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21&lang=en")
}

fn bench(c: &mut Criterion) {
    let request = typical_request();
    let secrets = Secrets::shared(
        "not-the-signers-secret",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    );
    for depth in [2, 3, 4] {
        let options = HuntOptions {
            depth,
            ..HuntOptions::default()
        };
        let result = hunt(&request, &secrets, &options).expect("hunt runs");
        assert!(!result.matched);
        eprintln!("depth {depth}: {} variants tried", result.tried);
        let mut group = c.benchmark_group("hunt");
        if depth == 4 {
            group.sample_size(10);
        }
        group.bench_function(format!("depth {depth}, no match, 10 params"), |b| {
            b.iter(|| hunt(&request, &secrets, &options))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
