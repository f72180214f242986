//! Diff of a typical pair: the WooCommerce trailing-slash mistake
//! (fixtures/diff/mistake-woo-trailing-slash), both sides read from raw
//! HTTP, with the shared secrets.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use oauth1_doctor::diff::{diff, DiffOptions, Side, SideSecrets};
use oauth1_doctor::input::http;
use oauth1_doctor::signature::Secrets;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let side = |text: &str| Side::Request(http::read(text.as_bytes(), None).unwrap());
    let good = side(include_str!(
        "../fixtures/diff/mistake-woo-trailing-slash/known_good.http"
    ));
    let candidate = side(include_str!(
        "../fixtures/diff/mistake-woo-trailing-slash/candidate.http"
    ));
    let secrets = SideSecrets::shared(Secrets::shared("cs_9d8e7f6a5b4c3d2e1f", ""));
    let options = DiffOptions::default();
    let report = diff(&good, &candidate, &secrets, &options).unwrap();
    assert_eq!(report.findings[0].id, "path-trailing-slash");
    c.bench_function("diff/woo-trailing-slash", |b| {
        b.iter(|| diff(black_box(&good), black_box(&candidate), &secrets, &options).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    targets = bench
}
criterion_main!(benches);
