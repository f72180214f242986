//! `listen --oauth2-client` (issue 16), driven by real clients over
//! loopback: Python `requests` doing the two steps of the client-credentials
//! flow by hand, requests-oauthlib's `BackendApplicationClient`, and curl
//! `-u id:secret -d grant_type=client_credentials`; then each with one
//! mistake, checked for the diagnosis on the response, the terminal line
//! and the `--json` line.
//!
//! The Python clients come from `tests/clients/setup.sh` (`.ci/run` exports
//! `OAUTH1_DOCTOR_PYTHON`); run locally without them, those tests say they
//! are skipped; in CI (`CI=true`) a missing client fails the test.

mod common;

use common::process::{curl_available, doctor, root, Running};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const ID: &str = "app-1";
/// Alphanumeric: what requests-oauthlib sends in Basic unencoded is then
/// also RFC 6749 §2.3.1's form-encoded form.
const SECRET: &str = "s3cr3tValue";
/// A secret with `+`, which RFC 6749 §2.3.1 form-encodes before Basic.
const PLUS_SECRET: &str = "se+cret/9";

/// A running `listen --oauth2-client`, its URL (its first line) and its stdout lines.
struct Listen {
    process: Running,
    url: String,
}

impl Listen {
    fn start(secret: &str, args: &[&str]) -> Listen {
        let mut cmd = doctor();
        cmd.args(["listen", "--port", "0", "--color", "never"])
            .args(["--oauth2-client", &format!("{ID}:{secret}")])
            .args(args);
        let process = Running::spawn(cmd);
        let url = process.first.clone();
        assert!(url.starts_with("http://"), "{url:?}");
        Listen { process, url }
    }

    /// Waits for `n` lines after the URL, in which no secret may stand.
    fn lines(&self, n: usize) -> Vec<String> {
        let l = self.process.wait_lines(n);
        for line in &l {
            for s in [SECRET, PLUS_SECRET] {
                assert!(!line.contains(s), "a secret is printed: {line}");
            }
        }
        l
    }
}

/// The venv's python (requests, requests-oauthlib), [`common::real_client`].
fn python() -> Option<PathBuf> {
    common::real_client(
        "OAUTH1_DOCTOR_PYTHON",
        "venv/bin/python",
        "requests-oauthlib",
    )
}

/// One response a client saw.
#[derive(Debug)]
struct Seen {
    step: String,
    status: u64,
    body: String,
    www_authenticate: Option<String>,
}

/// Runs `oauth2_python.py SERVER CLIENT MISTAKE` with the secret in the environment.
fn run_python(py: &Path, url: &str, client: &str, mistake: &str, secret: &str) -> Vec<Seen> {
    let out = Command::new(py)
        .arg(root().join("tests/clients/oauth2_python.py"))
        .args([url, client, mistake])
        .env("CLIENT_ID", ID)
        .env("CLIENT_SECRET", secret)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Seen {
                step: v["step"].as_str().unwrap().to_string(),
                status: v["status"].as_u64().unwrap(),
                body: v["body"].as_str().unwrap().to_string(),
                www_authenticate: v["www_authenticate"].as_str().map(str::to_string),
            }
        })
        .collect()
}

fn cause(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["oauth1_doctor_cause"].as_str().unwrap_or("").to_string()
}

#[test]
fn python_requests_two_steps_get_a_token_and_a_200() {
    let Some(py) = python() else { return };
    let l = Listen::start(SECRET, &[]);
    let seen = run_python(&py, &l.url, "requests", "none", SECRET);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!((seen[0].step.as_str(), seen[0].status), ("token", 200));
    let token: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    let access = token["access_token"].as_str().unwrap();
    assert!(access.len() >= 20);
    assert_eq!(seen[1].status, 200, "{}", seen[1].body);
    let lines = l.lines(2);
    assert!(
        lines[0].contains("200  POST /oauth2/token  token issued"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("200  GET /items  valid (Bearer"),
        "{lines:?}"
    );
    assert!(!lines.join("\n").contains(access), "the token is printed");
}

#[test]
fn requests_oauthlib_backend_application_client_gets_a_200() {
    let Some(py) = python() else { return };
    let l = Listen::start(SECRET, &["--json"]);
    let seen = run_python(&py, &l.url, "oauthlib", "none", SECRET);
    assert_eq!(
        seen.iter().map(|s| s.status).collect::<Vec<_>>(),
        [200, 200]
    );
    let lines = l.lines(2);
    let token: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(token["schema"], oauth1_doctor::SCHEMA);
    assert!(token["verification"].is_null() && token["hunt"].is_null());
    // fetch_token(client_id=…, client_secret=…) authenticates with Basic.
    assert_eq!(
        token["scheme_report"]["token_request"]["client_auth"],
        "client_secret_basic"
    );
    assert_eq!(token["scheme_report"]["verified"], true);
}

#[test]
fn curl_basic_gets_a_token() {
    if !curl_available() {
        return;
    }
    let l = Listen::start(SECRET, &[]);
    let out = Command::new("curl")
        .args(["--silent", "--include", "-u", &format!("{ID}:{SECRET}")])
        .args(["-d", "grant_type=client_credentials"])
        .arg(format!("{}/oauth2/token", l.url))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    // RFC 6749 §5.1: a token is never cached.
    let head = head.to_ascii_lowercase();
    assert!(head.contains("\r\ncache-control: no-store\r\n"), "{head}");
    assert!(head.contains("\r\npragma: no-cache"), "{head}");
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["token_type"], "Bearer");
    assert!(v["access_token"].is_string());
    assert!(l.lines(1)[0].contains("token issued"));
}

#[test]
fn a_json_body_is_token_request_json_body() {
    let Some(py) = python() else { return };
    let l = Listen::start(SECRET, &[]);
    let seen = run_python(&py, &l.url, "requests", "json-body", SECRET);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].status, 400);
    let v: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(v["error"], "invalid_request");
    assert_eq!(cause(&seen[0].body), "token-request-json-body");
    assert!(
        l.lines(1)[0].contains("400  POST /oauth2/token  invalid_request: token-request-json-body")
    );
}

#[test]
fn a_plus_secret_sent_raw_in_basic_is_token_request_basic_not_form_encoded() {
    let Some(py) = python() else { return };
    let l = Listen::start(PLUS_SECRET, &[]);
    let seen = run_python(&py, &l.url, "requests", "basic-raw", PLUS_SECRET);
    assert_eq!(seen[0].status, 401);
    assert_eq!(
        seen[0].www_authenticate.as_deref(),
        Some(r#"Basic realm="oauth1-doctor""#)
    );
    let v: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(v["error"], "invalid_client");
    assert_eq!(cause(&seen[0].body), "token-request-basic-not-form-encoded");
    assert!(l.lines(1)[0].contains("token-request-basic-not-form-encoded"));
    // curl -u sends it raw too.
    if curl_available() {
        let out = Command::new("curl")
            .args(["--silent", "-u", &format!("{ID}:{PLUS_SECRET}")])
            .args(["-d", "grant_type=client_credentials"])
            .arg(format!("{}/oauth2/token", l.url))
            .output()
            .unwrap();
        assert_eq!(
            cause(&String::from_utf8_lossy(&out.stdout)),
            "token-request-basic-not-form-encoded"
        );
    }
}

#[test]
fn a_bearer_colon_header_is_bearer_scheme_misspelt() {
    let Some(py) = python() else { return };
    let l = Listen::start(SECRET, &[]);
    let seen = run_python(&py, &l.url, "requests", "bearer-colon", SECRET);
    assert_eq!(seen[1].status, 401);
    assert_eq!(
        seen[1].www_authenticate.as_deref(),
        Some(r#"Bearer realm="oauth1-doctor", error="invalid_token""#)
    );
    assert_eq!(cause(&seen[1].body), "bearer-scheme-misspelt");
    assert!(l.lines(2)[1].contains("401  GET /items  bearer-scheme-misspelt"));
}

#[test]
fn an_expired_token_is_bearer_token_expired() {
    let Some(py) = python() else { return };
    let l = Listen::start(SECRET, &["--token-ttl", "1"]);
    let seen = run_python(&py, &l.url, "oauthlib", "expired", SECRET);
    assert_eq!(seen[1].status, 401, "{seen:?}");
    assert_eq!(cause(&seen[1].body), "bearer-token-expired");
    assert!(l.lines(2)[1].contains("bearer-token-expired"));
}

#[test]
fn no_token_and_an_unknown_token_are_named() {
    if !curl_available() {
        return;
    }
    let l = Listen::start(SECRET, &[]);
    let get = |extra: &[&str]| {
        let out = Command::new("curl")
            .arg("--silent")
            .args(extra)
            .arg(format!("{}/items", l.url))
            .output()
            .unwrap();
        cause(&String::from_utf8_lossy(&out.stdout))
    };
    assert_eq!(get(&[]), "bearer-token-missing");
    assert_eq!(
        get(&["-H", "Authorization: Bearer notissuedbythisserver"]),
        "bearer-token-unknown"
    );
}

#[test]
fn a_missing_client_secret_is_a_usage_error() {
    let out = doctor()
        .args(["listen", "--port", "0", "--oauth2-client", "app"])
        .env_remove("OAUTH1_CLIENT_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no client secret"));
}
