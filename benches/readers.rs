//! Each reader on the same typical request: the X/Twitter documentation
//! request as raw HTTP, as Postman exports it as cURL, as a HAR entry, and
//! as a JSON Lines line. A reader that is not in this build (the cURL and
//! HAR readers arrive on another branch) is reported and skipped, so the
//! bench compiles and runs either way.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use oauth1_doctor::input::{jsonl, read, NoFiles, ReadOptions};
use oauth1_doctor::Format;
use std::time::Duration;

const AUTH: &str = r#"OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog",oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",oauth_signature_method="HMAC-SHA1",oauth_timestamp="1318622958",oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",oauth_version="1.0",oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D""#;
const URL: &str = "https://api.twitter.com/1.1/statuses/update.json?include_entities=true";
const BODY: &str = "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21";

fn inputs() -> Vec<(&'static str, Format, String)> {
    let http = format!(
        "POST /1.1/statuses/update.json?include_entities=true HTTP/1.1\r\nHost: api.twitter.com\r\nAuthorization: {AUTH}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    // What Postman's "Code snippet → cURL" gives for this request.
    let curl = format!(
        "curl --location --request POST '{URL}' \\\n--header 'Authorization: {AUTH}' \\\n--header 'Content-Type: application/x-www-form-urlencoded' \\\n--data-urlencode 'status=Hello Ladies + Gentlemen, a signed OAuth request!'"
    );
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": [{
        "startedDateTime": "2024-01-01T00:00:00Z", "time": 1,
        "request": {
            "method": "POST", "url": URL, "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": [
                {"name": "Authorization", "value": AUTH},
                {"name": "Content-Type", "value": "application/x-www-form-urlencoded"}
            ],
            "queryString": [{"name": "include_entities", "value": "true"}],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": BODY},
            "headersSize": -1, "bodySize": BODY.len()
        },
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [], "headers": [],
            "content": {"size": 0, "mimeType": "text/plain"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
        "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}
    }]}})
    .to_string();
    let line = serde_json::json!({"method": "POST", "url": URL,
        "headers": {"Authorization": AUTH, "Content-Type": "application/x-www-form-urlencoded"},
        "body": BODY})
    .to_string();
    vec![
        ("http", Format::Http, http),
        ("curl-postman", Format::Curl, curl),
        ("har", Format::Har, har),
        ("jsonl", Format::Jsonl, line),
    ]
}

fn bench(c: &mut Criterion) {
    for (name, format, text) in inputs() {
        let options = ReadOptions {
            format: Some(format),
            ..ReadOptions::default()
        };
        match read(text.as_bytes(), &options, &NoFiles) {
            Ok(reads) => {
                assert_eq!(reads[0].request.method, "POST", "{name}");
                assert!(reads[0].request.url.starts_with(URL), "{name}");
            }
            Err(e) => {
                eprintln!("readers/{name}: skipped, this build cannot read it: {e}");
                continue;
            }
        }
        c.bench_function(&format!("readers/{name}"), |b| {
            b.iter(|| read(black_box(text.as_bytes()), &options, &NoFiles).unwrap())
        });
        if format == Format::Jsonl {
            c.bench_function("readers/jsonl/read_line", |b| {
                b.iter(|| jsonl::read_line(black_box(&text)).unwrap())
            });
            // The batch path's two readers of one line, side by side: the
            // serde one (borrowing what holds no escape) and the
            // hand-written one (escapes decoded into a kept buffer).
            let line = text.trim_end();
            c.bench_function("readers/jsonl/read_line_ref", |b| {
                b.iter(|| jsonl::read_line_ref(black_box(line)).unwrap().url.len())
            });
            let mut scratch = jsonl::Scratch::default();
            assert!(jsonl::read_line_fast(line, &mut scratch).is_some());
            c.bench_function("readers/jsonl/read_line_fast", |b| {
                b.iter(|| {
                    jsonl::read_line_fast(black_box(line), &mut scratch)
                        .unwrap()
                        .url
                        .len()
                })
            });
        }
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
