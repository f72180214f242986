//! `listen` (issue 14, server mode), driven by real clients over loopback.
//!
//! Every test starts the real binary with `--port 0`, reads the URL from
//! its first line, and sends requests with a real client: curl (running
//! the command `sign --output curl` prints), Python requests-oauthlib, the
//! npm package oauth-1.0a, a Python reference signer that makes one named
//! mistake on purpose (`tests/clients/send_python.py`, independent of the
//! engine), or a raw TCP socket for broken HTTP.
//!
//! The Python and Node clients are installed by `.ci/run` (through
//! `tests/clients/setup.sh`), which exports `OAUTH1_DOCTOR_PYTHON` and
//! `OAUTH1_DOCTOR_NODE_MODULES`. Run locally without them, those tests say
//! they are skipped; in CI (`CI=true`) a missing client fails the test.

use serde_json::Value;
mod common;

use common::process::{doctor, root, without_user_env, Running};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_oauth1-doctor");
const CK: &str = "ck1";
const TOKEN: &str = "tok1";
/// Secrets with characters that encode (RFC 5849 §3.6), so a key built
/// without encoding them differs.
const CS: &str = "c+s/1=";
const TS: &str = "t s&2";
/// The API the clients sign for (`--as`).
const API: &str = "http://api.example.com";

/// A running `listen`: its URL (its first line) and every line it printed so far.
struct Listen {
    process: Running,
    url: String,
}

impl Listen {
    /// Starts `listen --port 0` with the test secrets and `args`.
    fn start(args: &[&str]) -> Listen {
        let mut cmd = doctor();
        cmd.args(["listen", "--port", "0", "--color", "never"])
            .args(["--consumer-secret", CS, "--token-secret", TS])
            .args(args);
        Listen::spawn(cmd)
    }

    /// Starts `cmd`, whose first line must be the URL it listens on.
    fn spawn(mut cmd: Command) -> Listen {
        without_user_env(&mut cmd);
        let process = Running::spawn(cmd);
        let url = process.first.clone();
        if !url.starts_with("http") {
            std::thread::sleep(Duration::from_millis(200));
            panic!(
                "first line is not a URL: {url:?}; stderr: {:?}",
                process.err.lock().unwrap()
            );
        }
        Listen { process, url }
    }

    fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Waits until a stderr line contains `needle`.
    fn wait_err(&self, needle: &str) -> Vec<String> {
        self.process.wait_err(needle)
    }

    /// Waits until a stdout line contains `needle`.
    fn wait_out(&self, needle: &str) -> Vec<String> {
        self.process.wait_out(needle)
    }

    /// Waits for the process to end (after `--count`), with its output,
    /// in which no secret may stand.
    fn finish(self) -> (ExitStatus, Vec<String>, Vec<String>) {
        let (status, out, err) = self.process.finish();
        assert_no_secret(&out.join("\n"));
        assert_no_secret(&err.join("\n"));
        (status, out, err)
    }
}

/// No secret, raw or percent-encoded, in `text`.
fn assert_no_secret(text: &str) {
    for s in [CS, TS, "c%2Bs%2F1%3D", "t%20s%262"] {
        assert!(!text.contains(s), "a secret ({s:?}) was printed:\n{text}");
    }
}

/// A client the tests need ([`common::real_client`]).
fn client(var: &str, what: &str) -> Option<PathBuf> {
    let default = match var {
        "OAUTH1_DOCTOR_PYTHON" => "venv/bin/python",
        _ => "node/node_modules",
    };
    common::real_client(var, default, what)
}

/// curl, which `.ci/run` installs where missing.
fn curl() -> Option<PathBuf> {
    let ok = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(PathBuf::from("curl"));
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("curl is not installed (.ci/run installs it)");
    }
    eprintln!("skipped: curl is not installed");
    None
}

/// One response a client saw.
#[derive(Debug)]
struct Seen {
    mistake: Option<String>,
    status: u64,
    body: String,
    www_authenticate: Option<String>,
}

fn parse_seen(line: &str) -> Seen {
    let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    Seen {
        mistake: v["mistake"].as_str().map(str::to_string),
        status: v["status"].as_u64().unwrap(),
        body: v["body"].as_str().unwrap().to_string(),
        www_authenticate: v["www_authenticate"].as_str().map(str::to_string),
    }
}

fn creds(cmd: &mut Command) -> &mut Command {
    cmd.env("CK", CK)
        .env("CS", CS)
        .env("TOKEN", TOKEN)
        .env("TS", TS)
}

/// Runs the Python client: `send_python.py SERVER API args…`.
fn python(server: &str, args: &[&str]) -> Option<Vec<Seen>> {
    let py = client("OAUTH1_DOCTOR_PYTHON", "Python requests-oauthlib")?;
    let out = creds(&mut Command::new(py))
        .arg(root().join("tests/clients/send_python.py"))
        .args([server, API])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python client failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(stdout.lines().map(parse_seen).collect())
}

/// A raw HTTP file for `sign`: POST to `url` with a form body.
fn request_file(dir: &Path, url: &str) -> PathBuf {
    let host = url.split("://").nth(1).unwrap();
    let p = dir.join("request.http");
    std::fs::write(
        &p,
        format!("POST {url}/items?b=2&a=1 HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nstatus=Hello%20World%20~%21&c=3"),
    )
    .unwrap();
    p
}

/// The curl command `sign --output curl` prints for a request to `url`.
fn signed_curl(dir: &Path, url: &str) -> String {
    let req = request_file(dir, url);
    let out = doctor()
        .arg("sign")
        .arg(&req)
        .args(["--consumer-key", CK, "--token", TOKEN])
        .args(["--consumer-secret", CS, "--token-secret", TS])
        .args(["--output", "curl"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .trim_end()
        .to_string()
}

/// Runs a curl command line (with extra options appended) in bash:
/// the status code and the body.
fn run_curl(command: &str, extra: &str) -> (u64, String) {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{command} --silent --show-error --output - --write-out '\\n%{{http_code}}' {extra}"
        ))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    let code = code.trim().parse().unwrap_or_else(|_| {
        panic!(
            "curl failed: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, body.to_string())
}

#[test]
fn the_curl_command_sign_prints_is_valid_and_its_replay_is_nonce_used() {
    if curl().is_none() {
        return;
    }
    let listen = Listen::start(&["--count", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let command = signed_curl(dir.path(), &listen.url);
    let (code, body) = run_curl(&command, "");
    assert_eq!(code, 200, "{body}");
    assert_eq!(body, "200 valid (HMAC-SHA1)\n");
    // The same command again: same nonce, timestamp and key (RFC 5849 §3.3).
    let (code, body) = run_curl(&command, "");
    assert_eq!(code, 401, "{body}");
    assert!(
        body.starts_with("oauth_problem=nonce_used&oauth_problem_advice="),
        "{body}"
    );
    let (status, out, _) = listen.finish();
    assert!(status.success());
    assert!(
        out[0].contains("  200  POST /items?b=2&a=1  valid (HMAC-SHA1)"),
        "{out:?}"
    );
    assert!(
        out[1].contains("  401  POST /items?b=2&a=1  nonce_used: "),
        "{out:?}"
    );
}

#[test]
fn requests_oauthlib_signing_for_the_api_is_valid_with_as() {
    let listen = Listen::start(&["--as", API, "--count", "1"]);
    let Some(seen) = python(&listen.url, &["oauthlib"]) else {
        return;
    };
    assert_eq!(seen[0].status, 200, "{}", seen[0].body);
    let (_, out, _) = listen.finish();
    assert!(
        out[0].ends_with("valid (HMAC-SHA1)  (as http://api.example.com/items?b=2&a=1)"),
        "--as is said on the line: {out:?}"
    );
}

#[test]
fn node_oauth_1_0a_signing_for_the_api_is_valid_with_as() {
    let Some(modules) = client("OAUTH1_DOCTOR_NODE_MODULES", "the npm package oauth-1.0a") else {
        return;
    };
    let listen = Listen::start(&["--as", API, "--count", "1", "--json"]);
    let out = creds(&mut Command::new("node"))
        .env("NODE_PATH", &modules)
        .arg(root().join("tests/clients/send_node.js"))
        .args([&listen.url, API])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = parse_seen(String::from_utf8_lossy(&out.stdout).trim());
    assert_eq!(seen.status, 200, "{}", seen.body);
    let (_, lines, _) = listen.finish();
    let v: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["url"], "http://api.example.com/items?b=2&a=1");
    assert_eq!(v["verification"]["verdict"], "valid");
    assert_eq!(v["response_status"], 200);
}

/// The mistakes the Python reference signer makes on purpose: each is one
/// catalogue id (`src/hunt/catalogue.rs`).
const MISTAKES: &[&str] = &[
    "method-not-uppercased",
    "default-port-kept",
    "query-kept-in-uri",
    "trailing-slash-added",
    "unsorted",
    "body-params-omitted",
    "plus-for-space",
    "tilde-encoded",
    "lowercase-hex",
    "key-not-encoded",
    "key-token-secret-omitted",
    "version-omitted",
    "realm-signed",
];

#[test]
fn each_injected_signer_mistake_is_named_on_the_line_in_the_body_and_in_json() {
    let n = MISTAKES.len().to_string();
    let text = Listen::start(&["--as", API, "--count", &n]);
    let json = Listen::start(&["--as", API, "--count", &n, "--json"]);
    let mut args = vec!["reference"];
    args.extend_from_slice(MISTAKES);
    let Some(seen) = python(&text.url, &args) else {
        return;
    };
    let seen_json = python(&json.url, &args).unwrap();
    for (s, id) in seen.iter().zip(MISTAKES) {
        assert_eq!(s.mistake.as_deref(), Some(*id));
        assert_eq!(s.status, 401, "{id}: {}", s.body);
        assert_eq!(
            s.www_authenticate.as_deref(),
            Some(r#"OAuth realm="oauth1-doctor""#)
        );
        let mut lines = s.body.lines();
        let first = lines.next().unwrap();
        assert!(
            first.starts_with(&format!(
                "oauth_problem=signature_invalid&oauth_problem_advice={id}%3A%20"
            )),
            "{id}: {first}"
        );
        let verdict = lines.next().unwrap();
        assert!(
            verdict.starts_with(&format!("401 {id}: ")),
            "{id}: {verdict}"
        );
        assert_no_secret(&s.body);
    }
    for s in &seen_json {
        assert_eq!(s.status, 401);
    }
    let (_, out, _) = text.finish();
    let (_, json_lines, _) = json.finish();
    assert_eq!(out.len(), MISTAKES.len(), "{out:?}");
    for id in MISTAKES {
        // Requests are diagnosed in the order sent (one client, one at a time).
        assert!(
            out.iter().any(
                |l| l.contains(&format!("  401  POST /items?b=2&a=1  {id}: "))
                    && l.ends_with("(as http://api.example.com/items?b=2&a=1)")
            ),
            "{id} not named first on a line: {out:?}"
        );
        let named = json_lines.iter().any(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["hunt"]["mistakes"][0] == *id && v["response_status"] == 401
        });
        assert!(named, "{id} not in a JSON line's hunt");
    }
    for l in &json_lines {
        let v: Value = serde_json::from_str(l).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "diff",
                "grade",
                "hunt",
                "method",
                "received_at",
                "response_status",
                "schema",
                "scheme_report",
                "seq",
                "upstream",
                "url",
                "verification"
            ]
        );
        assert_eq!(v["schema"], oauth1_doctor::SCHEMA);
        assert_eq!(v["verification"]["verdict"], "invalid");
        assert_eq!(v["diff"], Value::Null);
    }
}

#[test]
fn a_json_client_gets_the_diagnosis_as_json() {
    if curl().is_none() {
        return;
    }
    let listen = Listen::start(&["--count", "1"]);
    let (code, body) = run_curl(
        &format!("curl '{}/nothing'", listen.url),
        "--header 'Accept: application/json'",
    );
    assert_eq!(code, 400);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["oauth_problem"], "parameter_absent");
    assert_eq!(v["record"]["response_status"], 400);
    assert_eq!(v["record"]["verification"], Value::Null);
    listen.finish();
}

#[test]
fn tls_with_the_printed_certificate_and_curl_cacert() {
    if curl().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let listen = Listen::start(&["--tls", "--cert", cert.to_str().unwrap(), "--count", "1"]);
    assert!(
        listen.url.starts_with("https://127.0.0.1:"),
        "{}",
        listen.url
    );
    listen.wait_err("certificate: ");
    assert!(std::fs::read_to_string(&cert)
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    let command = signed_curl(dir.path(), &listen.url);
    let (code, body) = run_curl(&command, &format!("--cacert '{}'", cert.display()));
    assert_eq!(code, 200, "{body}");
    let (_, out, _) = listen.finish();
    assert!(out[0].contains("valid (HMAC-SHA1)"), "{out:?}");
}

#[test]
fn a_recorded_request_verifies_again_and_is_kept_private() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    // A file already there is never overwritten.
    std::fs::create_dir(&rec).unwrap();
    std::fs::write(rec.join("0001.http"), "keep me").unwrap();
    let listen = Listen::start(&[
        "--as",
        API,
        "--record",
        rec.to_str().unwrap(),
        "--count",
        "2",
    ]);
    let Some(seen) = python(&listen.url, &["reference", "", "plus-for-space"]) else {
        return;
    };
    assert_eq!(seen[0].status, 200);
    assert_eq!(seen[1].status, 401);
    let (_, out, _) = listen.finish();
    assert!(out[0].contains("recorded "), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(rec.join("0001.http")).unwrap(),
        "keep me"
    );
    for name in ["0002.http", "0002.json", "0003.http", "0003.json"] {
        let meta = std::fs::metadata(rec.join(name)).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
        }
        let _ = meta;
        assert_no_secret(&std::fs::read_to_string(rec.join(name)).unwrap());
    }
    let verify = |name: &str| {
        doctor()
            .arg("verify")
            .arg(rec.join(name))
            .args(["--consumer-secret", CS, "--token-secret", TS])
            .output()
            .unwrap()
    };
    let ok = verify("0002.http");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let bad = verify("0003.http");
    assert_eq!(bad.status.code(), Some(1));
    let hunt = doctor()
        .arg("hunt")
        .arg(rec.join("0003.http"))
        .args(["--consumer-secret", CS, "--token-secret", TS, "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&hunt.stdout).unwrap();
    assert_eq!(v["mistakes"][0], "plus-for-space");
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(rec.join("0003.json")).unwrap()).unwrap();
    assert_eq!(record["seq"], 2);
    assert_eq!(record["hunt"]["mistakes"][0], "plus-for-space");
}

#[test]
fn a_timestamp_outside_max_skew_is_refused() {
    let listen = Listen::start(&["--as", API, "--count", "2", "--max-skew", "300"]);
    let Some(seen) = python(&listen.url, &["reference", "--skew", "3600"]) else {
        return;
    };
    assert_eq!(seen[0].status, 401, "{}", seen[0].body);
    assert!(
        seen[0]
            .body
            .starts_with("oauth_problem=timestamp_refused&oauth_acceptable_timestamps="),
        "{}",
        seen[0].body
    );
    // Within the window it is accepted.
    let seen = python(&listen.url, &["reference", "--skew", "200"]).unwrap();
    assert_eq!(seen[0].status, 200, "{}", seen[0].body);
    let (_, out, _) = listen.finish();
    assert!(
        out[0].contains("  401  POST /items?b=2&a=1  timestamp-skew: "),
        "{out:?}"
    );
}

#[test]
fn a_request_without_oauth_parameters_is_parameter_absent() {
    if curl().is_none() {
        return;
    }
    let listen = Listen::start(&["--count", "1"]);
    let (code, body) = run_curl(&format!("curl '{}/plain?x=1'", listen.url), "");
    assert_eq!(code, 400);
    assert!(
        body.starts_with("oauth_problem=parameter_absent&oauth_parameters_absent="),
        "{body}"
    );
    let (_, out, _) = listen.finish();
    assert!(
        out[0].contains("  400  GET /plain?x=1  parameter_absent: "),
        "{out:?}"
    );
}

/// Sends `bytes` on a new connection and reads the answer until the
/// server closes it or `wait` passes.
fn raw_exchange(port: u16, bytes: &[u8], wait: Duration) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_20_mib_body_gets_413_and_the_server_keeps_serving() {
    if curl().is_none() {
        return;
    }
    let listen = Listen::start(&["--count", "1"]);
    let port = listen.port();
    // Declared up front: refused before it is read.
    let head = "POST /big HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 20971520\r\n\r\n";
    let answer = raw_exchange(port, head.as_bytes(), Duration::from_secs(10));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    listen.wait_err("over the 16777216-byte limit");
    // Chunked, so only the bytes tell: 20 MiB sent, cut at 16 MiB.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(b"POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..20 {
        let header = format!("{:x}\r\n", chunk.len());
        if s.write_all(header.as_bytes()).is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // Still serving.
    let (code, _) = run_curl(&format!("curl '{}/after'", listen.url), "");
    assert_eq!(code, 400);
    let (_, out, err) = listen.finish();
    assert!(out[0].contains("GET /after"), "{out:?}");
    assert!(
        err.iter().filter(|l| l.contains("413")).count() >= 2,
        "{err:?}"
    );
}

#[test]
fn malformed_http_gets_400_and_one_error_line() {
    let listen = Listen::start(&["--count", "1"]);
    let answer = raw_exchange(
        listen.port(),
        b"THIS IS NOT HTTP\r\n\x01\x02\r\n\r\n",
        Duration::from_secs(10),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let err = listen.wait_err("malformed HTTP");
    assert_eq!(
        err.iter().filter(|l| l.starts_with("error: ")).count(),
        1,
        "{err:?}"
    );
    // Still serving: a request without OAuth parameters.
    let answer = raw_exchange(
        listen.port(),
        b"GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer.contains("oauth_problem=parameter_absent"),
        "{answer}"
    );
    listen.finish();
}

#[test]
fn a_slow_loris_does_not_hold_the_server_and_is_closed() {
    if curl().is_none() {
        return;
    }
    let listen = Listen::start(&["--header-timeout", "2", "--count", "3"]);
    let port = listen.port();
    // Sends a request head one byte every 100 ms (it would take ~6 s).
    let loris = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let head = b"GET /slow HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        let start = Instant::now();
        for b in head {
            if s.write_all(&[*b]).is_err() {
                return (start.elapsed(), true);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut rest = Vec::new();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let n = s.read_to_end(&mut rest);
        (start.elapsed(), n.is_ok() && rest.is_empty())
    });
    std::thread::sleep(Duration::from_millis(300));
    // Other clients are answered meanwhile.
    for _ in 0..3 {
        let start = Instant::now();
        let (code, _) = run_curl(&format!("curl '{}/fast'", listen.url), "");
        assert_eq!(code, 400);
        assert!(
            start.elapsed() < Duration::from_millis(1500),
            "a fast client waited {:?} behind the slow one",
            start.elapsed()
        );
    }
    let (_, closed) = loris.join().unwrap();
    assert!(closed, "the slow connection was closed without an answer");
    let err = listen.wait_err("request head not received within 2 s");
    assert!(err.iter().any(|l| l.contains("slow client")), "{err:?}");
    listen.finish();
}

#[test]
fn a_client_disconnecting_mid_body_is_logged() {
    let listen = Listen::start(&["--count", "1"]);
    {
        let mut s = TcpStream::connect(("127.0.0.1", listen.port())).unwrap();
        s.write_all(b"POST /cut HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly ten..")
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    let err = listen.wait_err("mid-body");
    assert!(err.iter().any(|l| l.contains("POST /cut")), "{err:?}");
    // Still serving.
    let answer = raw_exchange(
        listen.port(),
        b"GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    listen.finish();
}

#[test]
fn bad_flags_are_usage_errors() {
    let out = doctor()
        .args(["listen", "--port", "0", "--as", "ftp://x"])
        .args(["--consumer-secret", CS])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--as needs an absolute http:// or https:// URL"),
        "{err}"
    );
    let out = doctor()
        .args(["listen", "--port", "0"])
        .env_remove("OAUTH1_CONSUMER_SECRET")
        .env_remove("OAUTH1_PUBLIC_KEY")
        .env_remove("OAUTH1_PRIVATE_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no secrets to verify with"));
    // --grade takes the secrets from each vector's row: a secret flag
    // beside it would be silently unused, so it is refused.
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("table.csv");
    std::fs::write(&table, "id,method,url\n").unwrap();
    let out = doctor()
        .args(["listen", "--port", "0", "--grade"])
        .arg(&table)
        .args(["--consumer-secret", CS])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--grade checks each request with its vector's own secrets"),
        "{err}"
    );
    assert!(!err.contains(CS), "{err}");
}

/// The README's worked example ("Catch what your tool sends") runs as
/// written: its `listen` command (on a free port), its curl command (the
/// signature made outside this crate, by a signer with the `plus-for-space`
/// mistake) and its `diff` of the recorded file give the lines it shows.
#[test]
fn the_readme_worked_example_runs_as_written() {
    if curl().is_none() {
        return;
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("## Catch what your tool sends").unwrap();
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let blocks = |lang: &str| -> Vec<String> {
        section
            .split(&format!("```{lang}\n"))
            .skip(1)
            .map(|b| b.split("```").next().unwrap().replace("\\\n", " "))
            .collect()
    };
    let sh = blocks("sh");
    let text = blocks("text");
    assert_eq!(sh.len(), 3, "listen, curl, diff");
    let dir = tempfile::tempdir().unwrap();
    let bin = format!("{BIN} ");
    let listen_cmd = sh[0].trim().replace("oauth1-doctor ", &bin);
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(format!(
            "exec {listen_cmd} --port 0 --count 1 --color never"
        ))
        .current_dir(dir.path());
    let listen = Listen::spawn(cmd);
    let curl_cmd = sh[1].trim().replace("http://127.0.0.1:8765", &listen.url);
    let (code, body) = run_curl(&curl_cmd, "");
    assert_eq!(code, 401, "{body}");
    let verdict = body.lines().nth(1).unwrap();
    assert!(
        text[0].lines().any(|l| l == verdict),
        "README body block lacks {verdict:?}"
    );
    assert!(body.lines().next().unwrap().starts_with(
        "oauth_problem=signature_invalid&oauth_problem_advice=plus-for-space%3A%20a%20space%20was%20encoded%20as%20%60%2B%60%20"
    ));
    let (_, out, _) = listen.finish();
    assert!(
        out[0].contains(
            "  401  POST /1.1/statuses/update.json?include_entities=true  plus-for-space: "
        ),
        "{out:?}"
    );
    assert!(out[0].contains("recorded rec/0001.http"), "{out:?}");
    let recorded = dir.path().join("rec/0001.http");
    let diff_cmd = sh[2].trim().replace("oauth1-doctor ", &bin);
    let out = Command::new("bash")
        .arg("-c")
        .arg(
            format!("{diff_cmd} --color never")
                .replace("rec/0001.http", &recorded.display().to_string()),
        )
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first_two: Vec<&str> = stdout.lines().take(2).collect();
    assert_eq!(
        first_two,
        text[2].lines().take(2).collect::<Vec<_>>(),
        "{stdout}"
    );
}

#[test]
fn a_silent_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let listen = Listen::start(&["--idle-timeout", "1", "--count", "2"]);
    let mut s = TcpStream::connect(("127.0.0.1", listen.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /once HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let start = Instant::now();
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    // The answer, then (keep-alive, nothing more sent) the server closes.
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) => panic!("not closed within the read timeout: {e}"),
        }
    }
    let answer = String::from_utf8_lossy(&all);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        !answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "closed after {waited:?}"
    );
    let answer = raw_exchange(
        listen.port(),
        b"GET /twice HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    );
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    listen.finish();
}

/// With `--secrets FILE`, a consumer key the file does not list is
/// `consumer_key_unknown` (RFC 5849 §3.2), an unlisted token
/// `token_rejected`, and a listed pair verifies.
#[test]
fn with_a_secrets_file_an_unknown_consumer_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secrets.toml");
    let toml = |ck: &str, token: &str| {
        format!("[consumers]\n\"{ck}\" = \"{CS}\"\n\n[tokens]\n\"{token}\" = \"{TS}\"\n")
    };
    std::fs::write(&file, toml(CK, TOKEN)).unwrap();
    let mut cmd = doctor();
    cmd.args(["listen", "--port", "0", "--color", "never", "--count", "1"])
        .args(["--as", API, "--secrets"])
        .arg(&file);
    let listen = Listen::spawn(cmd);
    let Some(seen) = python(&listen.url, &["reference"]) else {
        return;
    };
    assert_eq!(seen[0].status, 200, "{}", seen[0].body);
    listen.finish();

    for (listed, problem) in [
        (toml("other-key", TOKEN), "consumer_key_unknown"),
        (toml(CK, "other-token"), "token_rejected"),
    ] {
        std::fs::write(&file, listed).unwrap();
        let mut cmd = doctor();
        cmd.args(["listen", "--port", "0", "--color", "never", "--count", "1"])
            .args(["--as", API, "--secrets"])
            .arg(&file);
        let listen = Listen::spawn(cmd);
        let seen = python(&listen.url, &["reference"]).unwrap();
        assert_eq!(seen[0].status, 401, "{}", seen[0].body);
        assert!(
            seen[0]
                .body
                .starts_with(&format!("oauth_problem={problem}&oauth_problem_advice=")),
            "{}",
            seen[0].body
        );
        assert_no_secret(&seen[0].body);
        let (_, out, _) = listen.finish();
        assert!(
            out[0].contains(&format!("  401  POST /items?b=2&a=1  {problem}: ")),
            "{out:?}"
        );
    }
}

/// `vectors export --format json` (filtered by `filter`) written back as
/// the CSV `vectors export` writes (every cell quoted), to
/// `dir/table.csv`: the table a tool reads; the ids in table order. (The
/// JSON export and a writer here, because the test has no CSV crate.)
fn grade_table(dir: &Path, filter: Option<&str>) -> (PathBuf, Vec<String>) {
    grade_table_of(dir, filter, |_| true)
}

/// [`grade_table`], keeping only the vectors `keep` accepts.
fn grade_table_of(
    dir: &Path,
    filter: Option<&str>,
    keep: impl Fn(&str) -> bool,
) -> (PathBuf, Vec<String>) {
    let mut cmd = doctor();
    cmd.args(["vectors", "export", "--format", "json"]);
    if let Some(f) = filter {
        cmd.args(["--filter", f]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    const OAUTH: [&str; 9] = [
        "oauth_consumer_key",
        "oauth_token",
        "oauth_signature_method",
        "oauth_timestamp",
        "oauth_nonce",
        "oauth_version",
        "oauth_callback",
        "oauth_verifier",
        "oauth_body_hash",
    ];
    let quote = |c: &str| format!("\"{}\"", c.replace('"', "\"\""));
    let mut csv = String::from("id,method,url,content_type,body,realm,");
    csv.push_str(&OAUTH.join(","));
    csv.push_str(",consumer_secret,token_secret,private_key_pem\n");
    let mut ids = Vec::new();
    for row in rows.iter().filter(|r| keep(r["id"].as_str().unwrap())) {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let mut cells = vec![
            text(&row["id"]),
            text(&row["method"]),
            text(&row["url"]),
            text(&row["content_type"]),
            text(&row["body"]),
            text(&row["realm"]),
        ];
        cells.extend(OAUTH.iter().map(|n| text(&row["oauth"][n])));
        for n in ["consumer_secret", "token_secret", "private_key_pem"] {
            cells.push(text(&row[n]));
        }
        ids.push(cells[0].clone());
        let quoted: Vec<String> = cells.iter().map(|c| quote(c)).collect();
        csv.push_str(&quoted.join(","));
        csv.push('\n');
    }
    let p = dir.join("table.csv");
    std::fs::write(&p, csv).unwrap();
    (p, ids)
}

/// Sends every row of `table` with the Node reference signer
/// (tests/clients/send_vectors.js, independent of the engine), the rows in
/// `broken` signed with a wrong secret: each answer's id, status and body.
fn send_vectors(table: &Path, server: &str, broken: &[&str]) -> Vec<(String, u64, String)> {
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/clients/send_vectors.js"))
        .arg(table)
        .args(["--to", server]);
    if !broken.is_empty() {
        cmd.args(["--break", &broken.join(",")]);
    }
    let out = cmd.output().expect("node (the test signer) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["status"].as_u64().unwrap(),
                v["body"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Starts `listen --grade` on a free port (no secrets on the command line:
/// they come from the table).
fn start_grade(table: &Path, extra: &[&str]) -> Listen {
    let mut cmd = doctor();
    cmd.args(["listen", "--port", "0", "--color", "never"])
        .arg("--grade")
        .arg(table)
        .args(extra);
    Listen::spawn(cmd)
}

/// Issue 14: every vector's request sent by a signer independent of the
/// engine, three of them signed wrong: those three get 401 naming their
/// vector, the summary names them, the JUnit report fails them, exit 1.
#[test]
fn grade_names_the_three_vectors_a_signer_gets_wrong_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let (table, ids) = grade_table(dir.path(), None);
    let broken = ["rfc5849-1.2-photos", "twitter-1.1-update", "form-body"];
    for b in broken {
        assert!(ids.iter().any(|i| i == b), "{b} is no longer a vector");
    }
    let junit = dir.path().join("junit.xml");
    let n = ids.len().to_string();
    let listen = start_grade(&table, &["--count", &n, "--junit", junit.to_str().unwrap()]);
    let answers = send_vectors(&table, &listen.url, &broken);
    assert_eq!(answers.len(), ids.len());
    for (id, status, body) in &answers {
        if broken.contains(&id.as_str()) {
            assert_eq!(*status, 401, "{id}: {body}");
            assert!(
                body.starts_with("oauth_problem=signature_invalid&"),
                "{id}: {body}"
            );
            assert!(
                body.contains(&format!("401 vector {id} fails: ")),
                "{id}: {body}"
            );
        } else {
            assert_eq!(*status, 200, "{id}: {body}");
            assert_eq!(body, &format!("200 vector {id} passes\n"));
        }
    }
    let (status, out, _) = listen.finish();
    assert_eq!(status.code(), Some(1), "{out:?}");
    let failed: Vec<&String> = out.iter().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(failed.len(), 3, "{out:?}");
    for b in broken {
        assert!(
            failed.iter().any(|l| l.contains(b)),
            "{b} not named: {failed:?}"
        );
    }
    let summary = format!("{} passed, 3 failed", ids.len() - 3);
    assert_eq!(out.last().unwrap(), &summary, "{out:?}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("failures=\"3\""), "{xml}");
    assert!(xml.contains("rfc5849-1.2-photos"), "{xml}");
    // The table's secrets are never printed.
    assert!(!out.join("\n").contains("kd94hf93k423kf44"));
}

/// All vectors right: exit 0.
#[test]
fn grade_exits_0_when_every_vector_is_received_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let (table, ids) = grade_table(dir.path(), Some("rfc5849"));
    let listen = start_grade(&table, &["--count", &ids.len().to_string()]);
    let answers = send_vectors(&table, &listen.url, &[]);
    assert!(answers.iter().all(|a| a.1 == 200), "{answers:?}");
    let (status, out, _) = listen.finish();
    assert_eq!(status.code(), Some(0), "{out:?}");
    assert_eq!(
        out.last().unwrap(),
        &format!("{} passed, 0 failed", ids.len())
    );
}

/// A request that answers no vector gets 400 naming its nonce; Ctrl-C
/// ends the run; the vectors never received fail, named.
#[cfg(unix)]
#[test]
fn grade_on_ctrl_c_fails_the_vectors_never_received() {
    if curl().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (table, ids) = grade_table(dir.path(), Some("rfc5849-1.2"));
    let listen = start_grade(&table, &[]);
    let stray = format!(
        "curl -X GET '{}/x' -H 'Authorization: OAuth oauth_consumer_key=\"ck\", oauth_nonce=\"stray\", oauth_timestamp=\"1\", oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"x\"'",
        listen.url
    );
    let (code, body) = run_curl(&stray, "");
    assert_eq!(code, 400, "{body}");
    assert!(
        body.contains("no vector in the --grade table has oauth_nonce=\"stray\""),
        "{body}"
    );
    // Only the first vector's row is sent.
    let partial = dir.path().join("partial");
    std::fs::create_dir(&partial).unwrap();
    let (partial, _) = grade_table_of(&partial, None, |id| id == ids[0]);
    assert_eq!(send_vectors(&partial, &listen.url, &[])[0].1, 200);
    listen.wait_out(&format!("vector {} passes", ids[0]));
    // The shell's kill builtin (no procps needed).
    let kill = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", listen.process.id())])
        .status()
        .unwrap();
    assert!(kill.success());
    let (status, out, err) = listen.finish();
    assert_eq!(status.code(), Some(1), "{out:?} {err:?}");
    assert!(
        err.iter().any(|l| l.starts_with("interrupted: ")),
        "{err:?}"
    );
    for id in &ids[1..] {
        let line = out
            .iter()
            .find(|l| l.starts_with("FAIL") && l.contains(id.as_str()))
            .unwrap_or_else(|| panic!("{id} not failed: {out:?}"));
        assert!(line.contains("never received"), "{line}");
    }
}

/// Reads one HTTP/1.1 response (status line, headers, a Content-Length
/// body) from a keep-alive connection: its status code.
fn read_response(r: &mut BufReader<TcpStream>) -> u16 {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {line:?}"));
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        if h == "\r\n" || h.is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).unwrap();
    status
}

/// Issue 14, load: 5,000 requests from 50 concurrent keep-alive clients,
/// each signed by the Python reference signer (independent of the engine)
/// with its own nonce, one in 50 with the `plus-for-space` mistake: every
/// request answered (200 or 401 as signed), none lost; p50 and p99
/// latency printed, not asserted.
#[test]
fn five_thousand_requests_from_50_keep_alive_clients_are_all_answered() {
    const N: usize = 5000;
    const CLIENTS: usize = 50;
    let dir = tempfile::tempdir().unwrap();
    let headers = dir.path().join("headers.txt");
    let script = format!(
        "import sys, time\n\
         sys.path.insert(0, {clients:?})\n\
         import send_python as s\n\
         creds = ({CK:?}, {CS:?}, {TOKEN:?}, {TS:?})\n\
         now = int(time.time())\n\
         with open({out:?}, 'w') as f:\n\
         \x20   for i in range({N}):\n\
         \x20       m = 'plus-for-space' if i % 50 == 49 else None\n\
         \x20       f.write(s.authorization({API:?}, m, now, 'load%06d' % i, creds) + '\\n')\n\
         print(s.target())\n\
         print(s.form_body())\n",
        clients = root().join("tests/clients").display().to_string(),
        out = headers.display().to_string(),
    );
    let out = Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let mut printed = printed.lines();
    let (target, body) = (printed.next().unwrap(), printed.next().unwrap());
    let auth: Vec<String> = std::fs::read_to_string(&headers)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(auth.len(), N);
    let listen = Listen::start(&[
        "--as",
        API,
        "--max-skew",
        "0",
        "--hunt-time",
        "200",
        "--count",
        &N.to_string(),
    ]);
    let port = listen.port();
    let requests: Arc<Vec<Vec<u8>>> = Arc::new(
        auth.iter()
            .map(|a| {
                format!(
                    "POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {a}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes()
            })
            .collect(),
    );
    let started = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let requests = requests.clone();
            std::thread::spawn(move || {
                let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(30)))
                    .unwrap();
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                let mut seen = Vec::new();
                for i in (c..N).step_by(CLIENTS) {
                    let t = Instant::now();
                    writer.write_all(&requests[i]).unwrap();
                    let status = read_response(&mut reader);
                    seen.push((i, status, t.elapsed()));
                }
                seen
            })
        })
        .collect();
    let mut seen: Vec<(usize, u16, Duration)> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let wall = started.elapsed();
    assert_eq!(seen.len(), N, "every request answered");
    for (i, status, _) in &seen {
        let want = if i % 50 == 49 { 401 } else { 200 };
        assert_eq!(*status, want, "request {i}");
    }
    seen.sort_by_key(|s| s.2);
    let p = |q: f64| seen[((N as f64 * q) as usize).min(N - 1)].2;
    eprintln!(
        "load: {N} requests from {CLIENTS} keep-alive clients in {wall:.2?} ({:.0}/s); latency p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        N as f64 / wall.as_secs_f64(),
        p(0.50),
        p(0.99),
        seen[N - 1].2
    );
    let (status, out, err) = listen.finish();
    assert!(status.success());
    assert_eq!(out.len(), N, "one line per request");
    assert_eq!(out.iter().filter(|l| l.contains("  401  ")).count(), N / 50);
    assert!(
        out.iter()
            .filter(|l| l.contains("  401  "))
            .all(|l| l.contains("plus-for-space")),
        "each invalid request named"
    );
    let summary = format!(
        "{N} requests: {} valid, {} refused; 0 client errors",
        N - N / 50,
        N / 50
    );
    assert!(err.iter().any(|l| l == &summary), "{err:?}");
}
