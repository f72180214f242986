//! Batch verification through the real binary: a generated JSON Lines log
//! of 10,000 requests, some valid, some deliberately broken.
//!
//! Every request is signed here by a small independent RFC 5849 signer
//! (its own §3.6 encoder, base string and key), and each expected verdict
//! comes from how the request was built, never from oauth1-doctor.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use std::io::Write;
use std::process::{Command, Output, Stdio};

const CONSUMERS: [(&str, &str); 4] = [
    ("ck-alpha", "cs alpha"),
    ("ck-beta", "s3cr3t+/="),
    ("ck-gamma", "gämma&key"),
    ("ck-delta", ""),
];
const TOKENS: [(&str, &str); 3] = [
    ("tk-one", "ts-one"),
    ("tk-two", "ts two~"),
    ("tk-three", "ts%3"),
];
const RSA_CONSUMER: &str = "rsa-client";

fn doctor(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(args)
        .env_remove("OAUTH1_CONSUMER_SECRET")
        .env_remove("OAUTH1_TOKEN_SECRET")
        .env_remove("OAUTH1_PRIVATE_KEY")
        .env_remove("OAUTH1_PUBLIC_KEY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.map(<[u8]>::to_vec);
    // Write from another thread: the binary streams, so it answers before reading all.
    let writer = std::thread::spawn(move || {
        if let Some(input) = input {
            let _ = pipe.write_all(&input);
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// xorshift64*: the same log on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn text(&mut self, len: usize) -> String {
        const CHARS: &[&str] = &[
            "a", "b", "z", "Q", "0", "7", "-", ".", "_", "~", " ", "+", "&", "=", "/", "?", "%",
            "é", "☃", "*", "!",
        ];
        (0..len).map(|_| *self.pick(CHARS)).collect()
    }
    fn alnum(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| (b'a' + self.below(26) as u8) as char)
            .collect()
    }
}

/// RFC 5849 §3.6, written independently of the crate under test.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(n, v)| format!("{}={}", enc(n), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// What the test expects oauth1-doctor to say about a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Valid,
    Invalid,
    Unverifiable,
    Malformed,
}

impl Expect {
    fn as_str(self) -> &'static str {
        match self {
            Expect::Valid => "valid",
            Expect::Invalid => "invalid",
            Expect::Unverifiable => "unverifiable",
            Expect::Malformed => "malformed",
        }
    }
}

struct RefSigner {
    rsa: rsa::RsaPrivateKey,
}

impl RefSigner {
    /// RFC 5849 §3.4.1 base string and §3.4.2–4 signature.
    fn sign(
        &self,
        method: &str,
        base_uri: &str,
        params: &[(String, String)],
        sig_method: &str,
        cs: &str,
        ts: &str,
    ) -> String {
        let mut pairs: Vec<(String, String)> =
            params.iter().map(|(n, v)| (enc(n), enc(v))).collect();
        pairs.sort();
        let normalized = pairs
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let base = format!(
            "{}&{}&{}",
            method.to_ascii_uppercase(),
            enc(base_uri),
            enc(&normalized)
        );
        let key = format!("{}&{}", enc(cs), enc(ts));
        match sig_method {
            "HMAC-SHA1" => {
                let mut m = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
                m.update(base.as_bytes());
                B64.encode(m.finalize().into_bytes())
            }
            "HMAC-SHA256" => {
                let mut m = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
                m.update(base.as_bytes());
                B64.encode(m.finalize().into_bytes())
            }
            "PLAINTEXT" => key,
            "RSA-SHA1" => {
                let k = rsa::pkcs1v15::SigningKey::<sha1::Sha1>::new(self.rsa.clone());
                B64.encode(k.sign(base.as_bytes()).to_vec())
            }
            other => panic!("the test signer has no {other}"),
        }
    }
}

/// One generated line and its expected verdict (`None` for a blank line).
fn generate(rng: &mut Rng, signer: &RefSigner, n: usize) -> (Vec<u8>, Option<Expect>) {
    if rng.below(50) == 0 {
        return (b"   ".to_vec(), None);
    }
    let roll = rng.below(100);
    // Malformed lines do not need a signature at all.
    if roll >= 92 {
        let line: Vec<u8> = match rng.below(5) {
            0 => b"{\"method\":\"GET\",\"url\":\"https://api.example.com/x\",\"headers\":{".to_vec(),
            1 => b"[1,2,3]".to_vec(),
            2 => b"{\"method\":\"GET\",\"url\":\"api.example.com/no-scheme\",\"headers\":{\"Authorization\":\"OAuth oauth_signature=\\\"x\\\"\"}}".to_vec(),
            3 => b"{\"method\":\"GET\",\"url\":\"https://x/\xff\xfe\"}".to_vec(),
            _ => b"{\"method\":\"GET\",\"url\":\"https://x/\",\"headers\":{\"Authorization\":5}}".to_vec(),
        };
        return (line, Some(Expect::Malformed));
    }
    let rsa = rng.below(40) == 0;
    let (mut ck, mut cs) = if rsa {
        (RSA_CONSUMER.to_string(), String::new())
    } else {
        let (k, s) = rng.pick(&CONSUMERS);
        (k.to_string(), s.to_string())
    };
    let token = if rng.below(2) == 0 {
        let (t, s) = rng.pick(&TOKENS);
        Some((t.to_string(), s.to_string()))
    } else {
        None
    };
    let sig_method = if rsa {
        "RSA-SHA1"
    } else {
        *rng.pick(&[
            "HMAC-SHA1",
            "HMAC-SHA1",
            "HMAC-SHA1",
            "HMAC-SHA256",
            "PLAINTEXT",
        ])
    };
    let method = *rng.pick(&["GET", "POST", "POST", "PUT", "delete"]);
    let (scheme, host, base_host) = *rng.pick(&[
        ("https", "api.example.com", "api.example.com"),
        ("http", "Api.Example.COM:80", "api.example.com"),
        ("https", "api.example.com:8443", "api.example.com:8443"),
    ]);
    let path = format!("/v1/items/{}/{}", n % 97, enc(&rng.text(3)));
    let base_uri = format!("{scheme}://{base_host}{path}");
    let query: Vec<(String, String)> = (0..rng.below(4))
        .map(|_| (rng.text(3), rng.text(5)))
        .collect();
    let form_body = method == "POST" && rng.below(2) == 0;
    let body: Vec<(String, String)> = if form_body {
        (0..1 + rng.below(3))
            .map(|_| (rng.text(4), rng.text(6)))
            .collect()
    } else {
        Vec::new()
    };
    let mut expect = Expect::Valid;
    let mut oauth = vec![
        ("oauth_consumer_key".to_string(), ck.clone()),
        ("oauth_nonce".to_string(), rng.alnum(16)),
        ("oauth_signature_method".to_string(), sig_method.to_string()),
        (
            "oauth_timestamp".to_string(),
            (1_700_000_000 + n).to_string(),
        ),
    ];
    let mut ts = String::new();
    if let Some((t, s)) = &token {
        oauth.push(("oauth_token".to_string(), t.clone()));
        ts = s.clone();
    }
    if rng.below(2) == 0 {
        oauth.push(("oauth_version".to_string(), "1.0".to_string()));
    }
    // Unverifiable and invalid variants, decided before signing.
    let mut after = 0;
    if (70..78).contains(&roll) {
        expect = Expect::Unverifiable;
        match rng.below(4) {
            0 => {
                ck = "ck-unknown".into();
                oauth[0].1 = ck.clone();
            }
            1 => {
                oauth.retain(|(n, _)| n != "oauth_token");
                oauth.push(("oauth_token".into(), "tk-unknown".into()));
                // RFC 5849 §3.4.3: RSA uses no token secret, so an unknown
                // token does not stop an RSA request from being verified.
                if rsa {
                    expect = Expect::Valid;
                }
            }
            2 => after = 1, // drop the signature
            _ => {
                oauth[2].1 = "HMAC-MD5".into();
                after = 2; // sign as HMAC-SHA1 but declare HMAC-MD5
            }
        }
    } else if (78..92).contains(&roll) {
        expect = Expect::Invalid;
        after = 3 + rng.below(3) as usize;
        // RSA has no secret to get wrong; PLAINTEXT signs no parameter
        // (RFC 5849 §3.4.4), so adding one changes nothing.
        if (after == 5 && rsa) || (after == 4 && sig_method == "PLAINTEXT") {
            after = 3;
        }
    }
    let mut params: Vec<(String, String)> = query.clone();
    params.extend(body.iter().cloned());
    params.extend(oauth.iter().cloned());
    if after == 5 {
        cs.push('x'); // signed with the wrong consumer secret
    }
    let real_method = if after == 2 { "HMAC-SHA1" } else { sig_method };
    let mut signature = signer.sign(method, &base_uri, &params, real_method, &cs, &ts);
    if after == 3 {
        // One character of the signature changed.
        let first = if signature.starts_with('A') { "B" } else { "A" };
        signature.replace_range(..1, first);
    }

    let in_query = rng.below(5) == 0;
    let mut url_query = query.clone();
    let mut header = None;
    if in_query {
        url_query.extend(oauth.iter().cloned());
        if after != 1 {
            url_query.push(("oauth_signature".into(), signature.clone()));
        }
    } else {
        let mut fields: Vec<String> = oauth
            .iter()
            .map(|(n, v)| format!("{n}=\"{}\"", enc(v)))
            .collect();
        if after != 1 {
            fields.push(format!("oauth_signature=\"{}\"", enc(&signature)));
        }
        header = Some(format!("OAuth realm=\"Example\", {}", fields.join(", ")));
    }
    if after == 4 {
        // A parameter added after signing.
        url_query.push(("added".into(), "later".into()));
    }
    let mut url = format!("{scheme}://{host}{path}");
    if !url_query.is_empty() {
        url.push('?');
        url.push_str(&form(&url_query));
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    if form_body {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    if let Some(h) = header {
        headers.push(("Authorization".into(), h));
    }
    let headers_json = if rng.below(2) == 0 {
        serde_json::Value::Object(
            headers
                .iter()
                .map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone())))
                .collect(),
        )
    } else {
        serde_json::json!(headers
            .iter()
            .map(|(n, v)| [n.clone(), v.clone()])
            .collect::<Vec<_>>())
    };
    let mut line = serde_json::json!({
        "method": method,
        "url": url,
        "headers": headers_json,
        "id": n,
    });
    if form_body {
        line["body"] = serde_json::Value::String(form(&body));
    }
    (
        serde_json::to_vec(&line).unwrap(),
        Some(if after == 4 { Expect::Invalid } else { expect }),
    )
}

fn secrets_file(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::from("[consumers]\n");
    for (k, s) in CONSUMERS {
        text.push_str(&format!("{k:?} = {s:?}\n"));
    }
    let key = format!(
        "{}/fixtures/keys/oauthlib-rsa.pub.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    text.push_str(&format!(
        "[consumers.{RSA_CONSUMER:?}]\npublic_key = {key:?}\n[tokens]\n"
    ));
    for (t, s) in TOKENS {
        text.push_str(&format!("{t:?} = {s:?}\n"));
    }
    let path = dir.join("secrets.toml");
    std::fs::write(&path, text).unwrap();
    path
}

struct Log {
    bytes: Vec<u8>,
    /// (line number, expected verdict) of every non-blank line, in order.
    expected: Vec<(usize, Expect)>,
}

fn log(count: usize) -> Log {
    let pem = std::fs::read_to_string(format!(
        "{}/fixtures/keys/oauthlib-rsa.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let signer = RefSigner {
        rsa: rsa::RsaPrivateKey::from_pkcs1_pem(&pem).unwrap(),
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut bytes = Vec::new();
    let mut expected = Vec::new();
    let mut line_no = 0;
    while expected.len() < count {
        let (line, expect) = generate(&mut rng, &signer, line_no);
        line_no += 1;
        bytes.extend_from_slice(&line);
        bytes.extend_from_slice(if line_no % 7 == 0 { b"\r\n" } else { b"\n" });
        if let Some(e) = expect {
            expected.push((line_no, e));
        }
    }
    Log { bytes, expected }
}

fn tally(expected: &[(usize, Expect)], e: Expect) -> usize {
    expected.iter().filter(|(_, x)| *x == e).count()
}

#[test]
fn ten_thousand_requests_every_verdict_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = secrets_file(dir.path());
    let log = log(10_000);
    let path = dir.path().join("requests.jsonl");
    std::fs::write(&path, &log.bytes).unwrap();
    for e in [
        Expect::Valid,
        Expect::Invalid,
        Expect::Unverifiable,
        Expect::Malformed,
    ] {
        assert!(tally(&log.expected, e) > 300, "{e:?} is too rare to test");
    }

    let o = doctor(
        &[
            "verify",
            path.to_str().unwrap(),
            "--secrets",
            secrets.to_str().unwrap(),
            "--json",
        ],
        None,
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.is_empty(), "{err}");
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), log.expected.len() + 1);
    for (row, (line, expect)) in rows.iter().zip(&log.expected) {
        assert_eq!(row["line"], *line, "{row}");
        assert_eq!(row["verdict"], expect.as_str(), "line {line}: {row}");
        if *expect == Expect::Malformed {
            assert!(row["reason"].as_str().unwrap().len() > 10, "{row}");
        }
    }
    let summary = &rows.last().unwrap()["summary"];
    assert_eq!(summary["requests"], log.expected.len());
    for e in [
        Expect::Valid,
        Expect::Invalid,
        Expect::Unverifiable,
        Expect::Malformed,
    ] {
        assert_eq!(summary[e.as_str()], tally(&log.expected, e), "{summary}");
    }
    for secret in CONSUMERS.iter().chain(&TOKENS).map(|(_, s)| *s) {
        if secret.len() > 4 {
            assert!(!out.contains(secret), "{secret} printed");
        }
    }
}

#[test]
fn human_output_from_stdin_and_only_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = secrets_file(dir.path());
    let log = log(2_000);
    let secrets = secrets.to_str().unwrap();
    let o = doctor(
        &["verify", "-", "--format", "jsonl", "--secrets", secrets],
        Some(&log.bytes),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), log.expected.len() + 1);
    for (text, (line, expect)) in lines.iter().zip(&log.expected) {
        let mut words = text.split_whitespace();
        assert_eq!(words.next(), Some("line"), "{text}");
        assert_eq!(words.next(), Some(line.to_string().as_str()), "{text}");
        assert_eq!(words.next(), Some(expect.as_str()), "{text}");
    }
    let summary = format!(
        "summary: {} requests: {} valid, {} invalid, {} unverifiable, {} malformed",
        log.expected.len(),
        tally(&log.expected, Expect::Valid),
        tally(&log.expected, Expect::Invalid),
        tally(&log.expected, Expect::Unverifiable),
        tally(&log.expected, Expect::Malformed),
    );
    assert_eq!(lines.last(), Some(&summary.as_str()));

    let o = doctor(
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--secrets",
            secrets,
            "--only-invalid",
        ],
        Some(&log.bytes),
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let shown: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("line "))
        .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
        .collect();
    let not_valid: Vec<String> = log
        .expected
        .iter()
        .filter(|(_, e)| *e != Expect::Valid)
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(shown, not_valid);
    assert_eq!(out.lines().last(), Some(summary.as_str()));
}

#[test]
fn all_valid_exits_0_and_malformed_lines_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = secrets_file(dir.path());
    let log = log(3_000);
    let valid: Vec<&[u8]> = log
        .bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(i, _)| {
            log.expected
                .iter()
                .any(|(n, e)| n == &(i + 1) && *e == Expect::Valid)
        })
        .map(|(_, l)| l)
        .collect();
    let mut input = valid.join(&b'\n');
    let o = doctor(
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--secrets",
            secrets.to_str().unwrap(),
        ],
        Some(&input),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.ends_with(&format!(
        "summary: {0} requests: {0} valid, 0 invalid, 0 unverifiable, 0 malformed\n",
        valid.len()
    )));

    // One broken line in the middle does not stop the run.
    let middle = valid.len() / 2;
    let mut lines: Vec<Vec<u8>> = valid.iter().map(|l| l.to_vec()).collect();
    lines[middle] = b"{\"method\": \"GET\", \"url\": }".to_vec();
    input = lines.join(&b'\n');
    let o = doctor(
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--secrets",
            secrets.to_str().unwrap(),
            "--only-invalid",
        ],
        Some(&input),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("line {}", middle + 1)) && first.contains("malformed"),
        "{first}"
    );
    assert!(first.contains("(column 26)"), "{first}");
    assert!(out.ends_with(&format!(
        "summary: {} requests: {} valid, 0 invalid, 0 unverifiable, 1 malformed\n",
        valid.len(),
        valid.len() - 1
    )));
}

#[test]
fn a_bad_secrets_file_is_a_usage_error_that_hides_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets.toml");
    std::fs::write(&path, "[consumers]\nck = \"hunter2\n").unwrap();
    let o = doctor(
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--secrets",
            path.to_str().unwrap(),
        ],
        Some(b"{}"),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("line 2: not valid TOML"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn secrets_file_with_a_single_http_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets.toml");
    std::fs::write(
        &path,
        "[consumers]\nxvz1evFS4wEEPTGEFPHBog = \"kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw\"\n[tokens]\n\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\" = \"LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE\"\n",
    )
    .unwrap();
    let request = format!(
        "{}/fixtures/examples/twitter.http",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = doctor(
        &["verify", &request, "--secrets", path.to_str().unwrap()],
        None,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("valid         HMAC-SHA1    POST https://api.twitter.com/1.1/statuses/update.json  consumer xvz1evFS4wEEPTGEFPHBog"), "{out}");
    assert!(
        out.ends_with("summary: 1 requests: 1 valid, 0 invalid, 0 unverifiable, 0 malformed\n"),
        "{out}"
    );
}

/// Without a secrets file, the secrets flags hold for every line; with
/// one, the flags are refused rather than silently ignored.
#[test]
fn secrets_flags_for_every_line_and_refused_beside_a_secrets_file() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = secrets_file(dir.path());
    let log = log(300);
    // The ck-alpha lines without a token: the same secrets for each.
    let (lines, expected): (Vec<&[u8]>, Vec<Expect>) = log
        .bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| {
            let t = String::from_utf8_lossy(l);
            t.contains("\"ck-alpha\\\"") && !t.contains("oauth_token")
        })
        .map(|(i, l)| {
            let e = log.expected.iter().find(|(n, _)| *n == i + 1).unwrap().1;
            (l, e)
        })
        .unzip();
    assert!(expected.contains(&Expect::Valid) && expected.contains(&Expect::Invalid));
    let input = lines.join(&b'\n');
    let o = doctor(
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--consumer-secret",
            "cs alpha",
            "--json",
        ],
        Some(&input),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let verdicts: Vec<String> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["verdict"].as_str().map(str::to_string))
        .collect();
    let expected: Vec<&str> = expected.iter().map(|e| e.as_str()).collect();
    assert_eq!(verdicts, expected, "{out}");

    let o = doctor(
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--secrets",
            secrets.to_str().unwrap(),
            "--consumer-secret",
            "cs alpha",
        ],
        Some(&input),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--secrets gives the secrets for every request"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

/// A line over the 16 MiB limit is skipped as malformed, by number, and
/// the lines around it are still verified.
#[test]
fn an_over_long_line_is_skipped_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = secrets_file(dir.path());
    let log = log(50);
    let valid: Vec<&[u8]> = log
        .bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(i, _)| {
            log.expected
                .iter()
                .any(|(n, e)| *n == i + 1 && *e == Expect::Valid)
        })
        .map(|(_, l)| l)
        .take(2)
        .collect();
    let mut input = valid[0].to_vec();
    input.push(b'\n');
    input.extend(vec![b'x'; 16 * 1024 * 1024 + 10]);
    input.push(b'\n');
    input.extend_from_slice(valid[1]);
    let o = doctor(
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--secrets",
            secrets.to_str().unwrap(),
        ],
        Some(&input),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("line 1 ") && lines[0].contains(" valid "));
    assert!(
        lines[1].starts_with("line 2 ") && lines[1].contains("longer than the 16777216-byte limit"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("line 3 ") && lines[2].contains(" valid "));
    assert_eq!(
        lines[3],
        "summary: 3 requests: 2 valid, 0 invalid, 0 unverifiable, 1 malformed"
    );
}
