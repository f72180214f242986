//! `serve`, the web workbench (issue 15): its API answers exactly what the
//! CLI prints with `--json`, its security checks refuse what they should,
//! no secret reaches its output, and a real headless Chromium
//! (`tests/clients/workbench.js`, playwright-core and axe-core) uses every
//! tab.
//!
//! Test data: the presets' signatures are published vectors or the Python
//! reference's (`tests/clients/presets.py` recomputes them with oauthlib);
//! the Diff and Hunt inputs are `fixtures/examples/` (a base string logged
//! by Python's `quote_plus`) and `fixtures/hunt/` (signed outside
//! oauth1-doctor with the `plus-for-space` mistake).
#![cfg(feature = "serve")]

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// X/Twitter's published example secrets (`fixtures/examples/README.md`).
const TW_CS: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TW_TS: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &str) -> String {
    std::fs::read_to_string(root().join(p)).unwrap()
}

/// A running `serve`, its output collected; killed when dropped.
struct Served {
    child: Child,
    url: String,
    host: String,
    out: Arc<Mutex<String>>,
    err: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(r: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut r = BufReader::new(r);
        let mut line = String::new();
        while r.read_line(&mut line).is_ok_and(|n| n > 0) {
            into.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
}

fn serve(args: &[&str], env: &[(&str, &str)]) -> Served {
    let mut cmd = common::process::doctor();
    let mut child = cmd
        .arg("serve")
        .args(["--port", "0"])
        .args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first.trim().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "first line: {first:?}"
    );
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let out = Arc::new(Mutex::new(first.clone()));
    let err = Arc::new(Mutex::new(String::new()));
    collect(stdout, out.clone());
    collect(child.stderr.take().unwrap(), err.clone());
    Served {
        child,
        url,
        host,
        out,
        err,
    }
}

/// One HTTP/1.1 exchange over a fresh connection: status, head, body.
fn exchange(addr: &str, raw: &[u8]) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn post(s: &Served, path: &str, body: &Value, extra: &str) -> (u16, String, Value) {
    let body = body.to_string();
    let raw = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        s.host,
        body.len()
    );
    let (status, head, body) = exchange(&s.host, raw.as_bytes());
    let v = serde_json::from_str(&body).unwrap_or(Value::Null);
    (status, head, v)
}

fn get(s: &Served, path: &str, host: &str) -> (u16, String, String) {
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    exchange(&s.host, raw.as_bytes())
}

/// The binary's `--json` output.
fn cli(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("OAUTH1_CONSUMER_SECRET")
        .env_remove("OAUTH1_TOKEN_SECRET")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn validator(name: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&read(&format!("docs/schema/{name}.json"))).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn valid(name: &str, v: &Value) {
    let errors: Vec<String> = validator(name)
        .iter_errors(v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{v:#}");
    assert_eq!(v["schema"], oauth1_doctor::SCHEMA);
}

/// `POST /api/explain`, `/api/diff` and `/api/hunt` answer exactly what
/// `explain --json`, `diff --json` and `hunt --json` print for the same
/// input (the hunt's `elapsed_ms` aside), and each validates against the
/// CLI's schema.
#[test]
fn the_api_answers_the_cli_json_objects() {
    let s = serve(&[], &[]);
    let twitter = read("fixtures/examples/twitter.http");
    let (status, _, explained) = post(
        &s,
        "/api/explain",
        &json!({"request": twitter, "consumer_secret": TW_CS, "token_secret": TW_TS, "now": 1318622958}),
        "",
    );
    assert_eq!(status, 200, "{explained}");
    valid("explain", &explained);
    let want = cli(&[
        "explain",
        "fixtures/examples/twitter.http",
        "--json",
        "--now",
        "1318622958",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    // The CLI labels nothing for a single file; the same object.
    assert_eq!(explained, want);
    assert_eq!(explained["signature"], "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
    assert_eq!(explained["valid"], true);

    let (status, _, diffed) = post(
        &s,
        "/api/diff",
        &json!({
            "good": read("fixtures/examples/postman-twitter.curl"),
            "candidate": read("fixtures/examples/my-signer-base-string.txt"),
        }),
        "",
    );
    assert_eq!(status, 200, "{diffed}");
    valid("diff", &diffed);
    let want = cli(&[
        "diff",
        "fixtures/examples/postman-twitter.curl",
        "fixtures/examples/my-signer-base-string.txt",
        "--json",
    ]);
    assert_eq!(diffed, want);
    assert_eq!(diffed["cause"]["mistake"], "plus-for-space");

    let (status, _, mut hunted) = post(
        &s,
        "/api/hunt",
        &json!({
            "request": read("fixtures/hunt/twitter-plus-for-space.http"),
            "consumer_secret": TW_CS,
            "token_secret": TW_TS,
        }),
        "",
    );
    assert_eq!(status, 200, "{hunted}");
    valid("hunt", &hunted);
    let mut want = cli(&[
        "hunt",
        "fixtures/hunt/twitter-plus-for-space.http",
        "--json",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    hunted["elapsed_ms"] = Value::Null;
    want["elapsed_ms"] = Value::Null;
    assert_eq!(hunted, want);
    assert_eq!(hunted["mistakes"], json!(["plus-for-space"]));

    let (status, _, aligned) = post(
        &s,
        "/api/align",
        &json!({"good": "GET&x%3D1", "candidate": "GET&x%3D2"}),
        "",
    );
    assert_eq!(status, 200);
    valid("serve-align", &aligned);
    let (status, _, catalogue) = get(&s, "/api/catalogue", &s.host);
    assert_eq!(status, 200);
    let catalogue: Value = serde_json::from_str(&catalogue).unwrap();
    valid("serve-catalogue", &catalogue);
    assert!(catalogue["mistakes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == "plus-for-space"
            && m["section"].as_str().unwrap().starts_with("RFC 5849")));
}

/// `POST /api/sign` answers `sign --output json`'s object and `--output
/// curl`'s text; a PLAINTEXT signature (the key itself) is not sent back.
#[test]
fn sign_answers_the_cli_sign_output() {
    let s = serve(&[], &[]);
    let twitter = read("fixtures/examples/twitter.http");
    let secrets = ["--consumer-secret", TW_CS, "--token-secret", TW_TS];
    let (status, _, signed) = post(
        &s,
        "/api/sign",
        &json!({"request": twitter, "consumer_secret": TW_CS, "token_secret": TW_TS}),
        "",
    );
    assert_eq!(status, 200, "{signed}");
    let mut args = vec!["sign", "fixtures/examples/twitter.http", "--output", "json"];
    args.extend(secrets);
    valid("sign", &signed);
    assert_eq!(signed, cli(&args));
    assert_eq!(signed["signature"], "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
    let body = json!({"request": twitter, "consumer_secret": TW_CS, "token_secret": TW_TS, "output": "curl"}).to_string();
    let raw = format!(
        "POST /api/sign HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        s.host,
        body.len()
    );
    let (status, _, text) = exchange(&s.host, raw.as_bytes());
    assert_eq!(status, 200, "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(["sign", "fixtures/examples/twitter.http", "--output", "curl"])
        .args(secrets)
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(text, String::from_utf8_lossy(&out.stdout));
    let plaintext = "GET https://x.example/a HTTP/1.1\nHost: x.example\nAuthorization: OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"x\"\n\n";
    let (status, _, v) = post(
        &s,
        "/api/sign",
        &json!({"request": plaintext, "consumer_secret": "plain-secret-4411"}),
        "",
    );
    assert_eq!(status, 400, "{v}");
    assert!(!v.to_string().contains("plain-secret-4411"));
}

/// Without `--listen` the page's button starts the Live server (once);
/// another page's POST cannot.
#[test]
fn the_live_server_starts_on_request_once() {
    let s = serve(&[], &[]);
    let (_, _, status) = get(&s, "/api/live/status", &s.host);
    let status: Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["available"], true);
    assert_eq!(status["url"], Value::Null);
    let (code, _, _) = post(
        &s,
        "/api/live/start",
        &json!({}),
        "Origin: http://evil.example\r\n",
    );
    assert_eq!(code, 403);
    let (code, _, started) = post(&s, "/api/live/start", &json!({}), "");
    assert_eq!(code, 200, "{started}");
    let url = started["url"].as_str().expect("a URL").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let (_, _, again) = post(&s, "/api/live/start", &json!({}), "");
    assert_eq!(again["url"], url.as_str(), "started once");
    std::thread::sleep(Duration::from_millis(200));
    assert!(s.err.lock().unwrap().contains(&url));
}

/// `--bind` another address than loopback warns on standard error; the
/// page still answers to its loopback address.
#[test]
fn bind_elsewhere_warns() {
    let s = serve(&["--bind", "0.0.0.0"], &[]);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        s.err
            .lock()
            .unwrap()
            .contains("warning: serving on 0.0.0.0"),
        "{}",
        s.err.lock().unwrap()
    );
    assert_eq!(get(&s, "/", &s.host).0, 200);
    let port = s.host.rsplit(':').next().unwrap();
    assert_eq!(get(&s, "/", &format!("rebind.example:{port}")).0, 421);
}

/// The parts form gives the same walkthrough as the pasted request.
#[test]
fn parts_give_the_pasted_requests_signature() {
    let s = serve(&[], &[]);
    let header = r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#;
    let (status, _, v) = post(
        &s,
        "/api/explain",
        &json!({
            "parts": {"method": "GET", "url": "http://photos.example.net/photos?file=vacation.jpg&size=original", "authorization": header},
            "consumer_secret": "kd94hf93k423kf44",
            "token_secret": "pfkkdhi9sl3r4s00",
        }),
        "",
    );
    assert_eq!(status, 200, "{v}");
    valid("explain", &v);
    // RFC 5849 §1.2's published signature.
    assert_eq!(v["signature"], "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    assert_eq!(v["valid"], true);
}

/// Errors are `{"error": {message, line, column}}` with status 400, the
/// reader's position included.
#[test]
fn errors_carry_the_readers_position() {
    let s = serve(&[], &[]);
    let (status, _, v) = post(
        &s,
        "/api/explain",
        &json!({"request": "curl -X POST \\\n  'https://api.example.com/x"}),
        "",
    );
    assert_eq!(status, 400);
    valid("serve-error", &v);
    assert_eq!(v["error"]["field"], "request");
    assert_eq!(v["error"]["line"], 2, "{v}");
    assert!(v["error"]["column"].as_u64().unwrap() >= 1);
    // A field the API does not know is refused, with its position.
    let (status, _, v) = post(&s, "/api/hunt", &json!({"consumer_secrte": "x"}), "");
    assert_eq!(status, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("consumer_secrte"),
        "{v}"
    );
    // Not JSON at all.
    let raw = format!(
        "POST /api/diff HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{{oops",
        s.host
    );
    let (status, _, body) = exchange(&s.host, raw.as_bytes());
    assert_eq!(status, 400, "{body}");
    // The server keeps serving.
    assert_eq!(get(&s, "/", &s.host).0, 200);
}

/// DNS rebinding (a page under another name), cross-origin POSTs, a
/// non-JSON POST (a form another page could send) and bodies over 1 MiB
/// are refused; every answer carries the CSP and the other headers.
#[test]
fn security_checks_refuse_what_they_should() {
    let s = serve(&[], &[]);
    let (status, head, body) = get(&s, "/", &s.host);
    assert_eq!(status, 200);
    assert!(body.contains("<script src=\"/app.js\""));
    assert!(!body.contains("<script>"), "no inline script");
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains(&format!(
            "content-security-policy: {}",
            oauth1_doctor::serve::CSP.to_ascii_lowercase()
        )),
        "{head}"
    );
    assert!(lower.contains("x-content-type-options: nosniff"));
    assert!(lower.contains("referrer-policy: no-referrer"));
    assert!(lower.contains("cache-control: no-store"));

    let port = s.host.rsplit(':').next().unwrap();
    for host in [
        format!("localhost:{port}"),
        format!("rebind.example:{port}"),
        "127.0.0.1".to_string(),
    ] {
        let (status, _, _) = get(&s, "/", &host);
        assert_eq!(status, 421, "Host {host}");
    }
    let (status, _, _) = post(
        &s,
        "/api/explain",
        &json!({"request": "curl https://x.example/"}),
        "Origin: http://evil.example\r\n",
    );
    assert_eq!(status, 403);
    let (status, head, v) = post(
        &s,
        "/api/explain",
        &json!({"request": "curl https://x.example/"}),
        &format!("Origin: http://{}\r\n", s.host),
    );
    assert_eq!(status, 200, "{v}");
    assert!(head
        .to_ascii_lowercase()
        .contains("content-security-policy: default-src 'none'"));
    let raw = format!(
        "POST /api/explain HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b",
        s.host
    );
    assert_eq!(exchange(&s.host, raw.as_bytes()).0, 415);
    let big = json!({"request": "x".repeat(oauth1_doctor::serve::MAX_BODY)});
    assert_eq!(post(&s, "/api/explain", &big, "").0, 413);
    assert_eq!(get(&s, "/", &s.host).0, 200, "still serving");
}

/// Secrets posted to every endpoint (and one in a malformed key) appear
/// in no answer and nowhere in the server's standard output or error.
#[test]
fn a_posted_secret_appears_in_no_output() {
    let secret = "s3cr3t-Do-Not-Print-7731";
    let token = "t0ken-Do-Not-Print-9902";
    let s = serve(&["--listen"], &[("OAUTH1_CONSUMER_SECRET", secret)]);
    let twitter = read("fixtures/examples/twitter.http");
    let bodies = [
        (
            "/api/explain",
            json!({"request": twitter, "consumer_secret": secret, "token_secret": token}),
        ),
        (
            "/api/diff",
            json!({"good": read("fixtures/examples/postman-twitter.curl"), "candidate": twitter, "consumer_secret": secret, "token_secret": token}),
        ),
        (
            "/api/hunt",
            json!({"request": twitter, "consumer_secret": secret, "token_secret": token, "depth": 1}),
        ),
        (
            "/api/explain",
            json!({"request": twitter, "private_key": format!("-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----\n")}),
        ),
        (
            "/api/explain",
            json!({"request": format!("curl -u user:{secret} 'https://x.example/"), "consumer_secret": secret}),
        ),
    ];
    for (path, body) in &bodies {
        let (status, _, v) = post(&s, path, body, "");
        assert!(status == 200 || status == 400, "{path}: {status}");
        let text = v.to_string();
        assert!(
            !text.contains(secret) && !text.contains(token),
            "{path} answered a secret: {text}"
        );
    }
    // A request to the Live tab's listen server too, and its event stream.
    let (_, _, status) = get(&s, "/api/live/status", &s.host);
    let status: Value = serde_json::from_str(&status).unwrap();
    let listen = status["url"].as_str().expect("running");
    let listen_host = listen.trim_start_matches("http://").to_string();
    let raw = twitter.replace(
        "Host: api.twitter.com",
        &format!("Host: {listen_host}\nConnection: close"),
    );
    let (_, _, answered) = exchange(&listen_host, raw.replace('\n', "\r\n").as_bytes());
    assert!(!answered.contains(secret), "{answered}");
    std::thread::sleep(Duration::from_millis(300));
    let out = s.out.lock().unwrap().clone();
    let err = s.err.lock().unwrap().clone();
    assert!(err.contains("live: a listen server"), "{err}");
    for text in [&out, &err] {
        assert!(
            !text.contains(secret) && !text.contains(token),
            "printed: {text}"
        );
    }
}

/// With `--listen`, a request sent to the listen server arrives on
/// `GET /api/live` as an event that validates against `serve-live.json`.
#[test]
fn live_streams_what_the_listen_server_catches() {
    let s = serve(
        &["--listen"],
        &[
            ("OAUTH1_CONSUMER_SECRET", TW_CS),
            ("OAUTH1_TOKEN_SECRET", TW_TS),
        ],
    );
    let (_, _, status) = get(&s, "/api/live/status", &s.host);
    let status: Value = serde_json::from_str(&status).unwrap();
    let listen = status["url"].as_str().expect("running").to_string();
    let listen_host = listen.trim_start_matches("http://").to_string();
    let twitter = read("fixtures/examples/twitter.http");
    let raw = twitter.replace(
        "Host: api.twitter.com",
        &format!("Host: {listen_host}\nConnection: close"),
    );
    let (code, _, _) = exchange(&listen_host, raw.replace('\n', "\r\n").as_bytes());
    assert!(code == 401 || code == 200, "{code}");
    // The event stream: the entry caught so far comes first.
    let mut conn = TcpStream::connect(&s.host).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(conn, "GET /api/live HTTP/1.1\r\nHost: {}\r\n\r\n", s.host).unwrap();
    let mut r = BufReader::new(conn);
    let mut line = String::new();
    let data = loop {
        line.clear();
        assert!(r.read_line(&mut line).unwrap() > 0, "stream ended");
        if let Some(d) = line.strip_prefix("data: ") {
            break d.trim().to_string();
        }
    };
    let entry: Value = serde_json::from_str(&data).unwrap();
    valid("serve-live", &entry);
    assert_eq!(entry["record"]["method"], "POST");
    assert!(entry["raw"]
        .as_str()
        .unwrap()
        .contains("statuses/update.json"));
}

/// Every preset's expected signature is what oauthlib computes (the
/// browser test then finds it on the page): HMAC presets only; the RSA
/// one is `fixtures/vectors/computed/method-rsa-sha1.toml`'s (openssl).
#[test]
fn presets_expected_signatures_are_oauthlibs() {
    let presets: Vec<Value> = serde_json::from_str(&read("assets/serve/presets.json")).unwrap();
    let rsa = presets.iter().find(|p| p["id"] == "rsa-sha1").unwrap();
    let vector: toml::Value =
        toml::from_str(&read("fixtures/vectors/computed/method-rsa-sha1.toml")).unwrap();
    assert_eq!(
        rsa["expected"].as_str(),
        vector["expected"]["signature"].as_str()
    );
    assert_eq!(
        read("assets/serve/demo-rsa.pem"),
        read("fixtures/vectors/published/oauthlib-rsa-pkcs1.pem")
    );
    let Some(python) = common::real_client(
        "OAUTH1_DOCTOR_PYTHON",
        "venv/bin/python",
        "Python with oauthlib",
    ) else {
        return;
    };
    let out = Command::new(python)
        .arg(root().join("tests/clients/presets.py"))
        .arg(root().join("assets/serve/presets.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let computed: Value = serde_json::from_slice(&out.stdout).unwrap();
    for p in &presets {
        if p["id"] == "rsa-sha1" {
            continue;
        }
        assert_eq!(
            computed[p["id"].as_str().unwrap()],
            p["expected"],
            "preset {}",
            p["id"]
        );
    }
}

/// Debian's chromium (`OAUTH1_DOCTOR_CHROMIUM`, `.ci/run` installs it).
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("OAUTH1_DOCTOR_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/bin/chromium")))
        .filter(|p| p.exists());
    if found.is_none() {
        let msg = "no chromium: set OAUTH1_DOCTOR_CHROMIUM (.ci/run installs Debian's chromium)";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{msg}");
        }
        eprintln!("skipped: {msg}");
    }
    found
}

/// The workbench in a real headless Chromium: every preset's signature,
/// the parts form, an error's caret, Diff and Hunt naming the mistake, a
/// curl request appearing in Live, axe-core on each tab, screenshots
/// under target/screenshots/.
#[test]
fn workbench_in_headless_chromium() {
    let Some(modules) = common::real_client(
        "OAUTH1_DOCTOR_NODE_MODULES",
        "node/node_modules",
        "playwright-core and axe-core",
    ) else {
        return;
    };
    let Some(chromium) = chromium() else { return };
    let s = serve(
        &["--listen"],
        &[
            ("OAUTH1_CONSUMER_SECRET", TW_CS),
            ("OAUTH1_TOKEN_SECRET", TW_TS),
        ],
    );
    let presets: Vec<Value> = serde_json::from_str(&read("assets/serve/presets.json")).unwrap();
    let auth_of = |raw: &str| {
        raw.lines()
            .find_map(|l| l.strip_prefix("Authorization: "))
            .unwrap()
            .to_string()
    };
    let twitter = read("fixtures/examples/twitter.http");
    let rfc = presets.iter().find(|p| p["id"] == "rfc5849-1.2").unwrap();
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    let config = json!({
        "url": s.url,
        "screenshots": screenshots,
        "presets": presets.iter().map(|p| json!({"id": p["id"], "expected": p["expected"]})).collect::<Vec<_>>(),
        "twitter_consumer_secret": TW_CS,
        "parts": {
            "url": "http://photos.example.net/photos?file=vacation.jpg&size=original",
            "authorization": auth_of(rfc["request"].as_str().unwrap()),
        },
        "diff": {
            "good": read("fixtures/examples/postman-twitter.curl"),
            "candidate": read("fixtures/examples/my-signer-base-string.txt"),
            "mistake": "plus-for-space",
        },
        "hunt": {
            "request": read("fixtures/hunt/twitter-plus-for-space.http"),
            "consumer_secret": TW_CS,
            "token_secret": TW_TS,
            "mistake": "plus-for-space",
        },
        "live": {
            "authorization": auth_of(&twitter),
            "body": twitter.split_once("\n\n").unwrap().1,
        },
    });
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("workbench.json");
    std::fs::write(&config_path, config.to_string()).unwrap();
    let out = Command::new("node")
        .arg(root().join("tests/clients/workbench.js"))
        .arg(&config_path)
        .env("OAUTH1_DOCTOR_NODE_MODULES", &modules)
        .env("OAUTH1_DOCTOR_CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("the Diff verdict names plus-for-space"),
        "{stdout}"
    );
    for tab in ["explain", "diff", "hunt", "live"] {
        assert!(
            screenshots.join(format!("{tab}.png")).is_file(),
            "{tab}.png"
        );
    }
    // Secrets typed into the page reach no server output.
    let printed = format!("{}{}", s.out.lock().unwrap(), s.err.lock().unwrap());
    assert!(
        !printed.contains(TW_CS) && !printed.contains(TW_TS),
        "{printed}"
    );
}
