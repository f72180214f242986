//! Writes a JSON Lines log of signed requests and its secrets file, for
//! timing batch verification (README "Performance"):
//!
//! ```text
//! cargo run --release --example batch_log -- 1000000 /tmp/log.jsonl /tmp/secrets.toml
//! oauth1-doctor verify /tmp/log.jsonl --secrets /tmp/secrets.toml --only-invalid
//! ```
//!
//! Requests are HMAC-SHA1, from 20 consumers with 100 tokens, with a query,
//! sometimes a form body, about 500 bytes a line; every 100th is signed
//! with a wrong secret, so the run ends with 1% invalid. Deterministic.

use oauth1_doctor::encode::encode;
use oauth1_doctor::params::{Param, Source};
use oauth1_doctor::sign::signature_for;
use oauth1_doctor::signature::{Secrets, SignatureMethod};
use std::io::{BufWriter, Write};

fn consumer(i: usize) -> (String, String) {
    (
        format!("ck_{i:04}_4f1a9b2c3d4e5f6a7b"),
        format!("cs_{i:04}_9d8e7f6a5b4c3d2e1f0a"),
    )
}

fn token(i: usize) -> (String, String) {
    (
        format!("{i:05}-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
        format!("ts_{i:05}_LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"),
    )
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, count, log, secrets] = args.as_slice() else {
        eprintln!("usage: batch_log COUNT LOG.jsonl SECRETS.toml");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let mut toml = String::from("[consumers]\n");
    for i in 0..20 {
        let (k, s) = consumer(i);
        toml.push_str(&format!("{k:?} = {s:?}\n"));
    }
    toml.push_str("[tokens]\n");
    for i in 0..100 {
        let (t, s) = token(i);
        toml.push_str(&format!("{t:?} = {s:?}\n"));
    }
    std::fs::write(secrets, toml)?;

    let mut out = BufWriter::new(std::fs::File::create(log)?);
    for n in 0..count {
        let (ck, mut cs) = consumer(n % 20);
        let (tk, ts) = token(n % 100);
        if n % 100 == 99 {
            cs.push('x');
        }
        let post = n % 3 == 0;
        let url = format!(
            "https://api.example.com/1.1/statuses/update.json?include_entities=true&page={}",
            n % 50
        );
        let body = format!("status=Hello%20Ladies%20%2B%20Gentlemen%2C%20request%20{n}%21&lang=en");
        let nonce = format!("kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgm{n:010}");
        let timestamp = (1_700_000_000 + n).to_string();
        let protocol = [
            ("oauth_consumer_key", ck.as_str()),
            ("oauth_nonce", nonce.as_str()),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", timestamp.as_str()),
            ("oauth_token", tk.as_str()),
            ("oauth_version", "1.0"),
        ];
        let mut params = vec![
            Param::new("include_entities", "true", Source::Query),
            Param::new("page", (n % 50).to_string(), Source::Query),
        ];
        if post {
            params.push(Param::new(
                "status",
                format!("Hello Ladies + Gentlemen, request {n}!"),
                Source::Body,
            ));
            params.push(Param::new("lang", "en", Source::Body));
        }
        params.extend(
            protocol
                .iter()
                .map(|(k, v)| Param::new(*k, *v, Source::Header)),
        );
        let method = if post { "POST" } else { "GET" };
        let signature = signature_for(
            method,
            &url,
            &params,
            SignatureMethod::HmacSha1,
            &Secrets::shared(&cs, &ts),
        )
        .expect("HMAC-SHA1 with a consumer secret signs");
        let mut header = String::from("OAuth ");
        for (k, v) in protocol {
            header.push_str(&format!("{k}=\"{}\", ", encode(v)));
        }
        header.push_str(&format!("oauth_signature=\"{}\"", encode(&signature)));
        let mut line = serde_json::json!({
            "method": method,
            "url": url,
            "headers": {"Authorization": header},
        });
        if post {
            line["headers"]["Content-Type"] = "application/x-www-form-urlencoded".into();
            line["body"] = body.into();
        }
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
