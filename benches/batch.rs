//! Batch verify throughput: 10,000 JSON Lines requests (the X/Twitter
//! documentation request with a varying nonce, signed here) through
//! `batch::check_lines` on every core, and one line on one core (with a
//! new `Signer` each time, and with one reused as the workers do).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use oauth1_doctor::batch::{check_line, check_line_with, check_lines, Keys, Verdict};
use oauth1_doctor::credentials::Credentials;
use oauth1_doctor::encode::encode;
use oauth1_doctor::input::{jsonl, NoFiles};
use oauth1_doctor::pipeline::{run, RunOptions};
use oauth1_doctor::signature::Secrets;
use oauth1_doctor::signer::Signer;
use std::time::Duration;

const CK: &str = "xvz1evFS4wEEPTGEFPHBog";
const CS: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TOKEN: &str = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb";
const TS: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

/// One signed JSON line with nonce `n`.
fn line(n: usize) -> String {
    let unsigned = format!(
        r#"{{"method":"POST","url":"https://api.twitter.com/1.1/statuses/update.json?include_entities=true","headers":{{"Content-Type":"application/x-www-form-urlencoded","Authorization":"OAuth oauth_consumer_key=\"{CK}\", oauth_nonce=\"nonce{n}\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"{TOKEN}\", oauth_version=\"1.0\""}},"body":"status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"}}"#
    );
    let request = jsonl::read_line(&unsigned).unwrap();
    let w = run(&request, &Secrets::shared(CS, TS), RunOptions::default()).unwrap();
    let sig = encode(w.signature.as_deref().unwrap());
    unsigned.replace(
        r#"oauth_version=\"1.0\""#,
        &format!(r#"oauth_version=\"1.0\", oauth_signature=\"{sig}\""#),
    )
}

fn bench(c: &mut Criterion) {
    let lines: Vec<String> = (0..10_000).map(line).collect();
    let keys = Keys::ByConsumer(
        Credentials::from_toml(
            &format!("[consumers]\n{CK} = \"{CS}\"\n[tokens]\n\"{TOKEN}\" = \"{TS}\"\n"),
            ".",
            &NoFiles,
        )
        .unwrap(),
    );
    assert!(check_lines(&lines, &keys)
        .iter()
        .all(|c| c.verdict == Verdict::Valid));
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(lines.len() as u64));
    g.bench_function("check_lines/10000-jsonl/all-cores", |b| {
        b.iter(|| check_lines(black_box(&lines), &keys))
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("check_line/one-core", |b| {
        b.iter(|| check_line(black_box(lines[7].as_bytes()), &keys))
    });
    let mut signer = Signer::new();
    g.bench_function("check_line_with/one-core-reused-signer", |b| {
        b.iter(|| check_line_with(black_box(lines[7].as_bytes()), &keys, &mut signer))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = bench
}
criterion_main!(benches);
