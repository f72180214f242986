//! Issue 16: the other schemes through the real binary. Every request
//! under `fixtures/schemes/` was written by `fixtures/schemes/generate.py`
//! (Python's base64/json, from RFC 7617, RFC 6750, RFC 7519 and RFC 6749),
//! never by oauth1-doctor; `expect.toml` names what must be found.

mod common;

use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

#[derive(Deserialize)]
struct Expect {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    scheme: String,
    first: Option<String>,
    #[serde(default)]
    verify: Vec<String>,
    verify_exit: Option<i32>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary from the crate root with a clean `OAUTH1_*` environment.
fn doctor(args: &[&str]) -> (i32, String, String) {
    let mut cmd = common::process::doctor();
    let out = cmd
        .args(["--color", "never"])
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("fixtures/schemes/expect.toml")).unwrap();
    toml::from_str::<Expect>(&text).unwrap().case
}

/// The clock for `exp` checks: 2027-01-15, after every expired fixture token.
const NOW: &str = "1800000000";

#[test]
fn each_fixture_names_its_scheme_and_its_mistake_first() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schema/explain-scheme.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let cases = cases();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    for c in &cases {
        let path = format!("fixtures/schemes/{}", c.file);
        let (code, out, err) = doctor(&["explain", &path, "--json", "--now", NOW]);
        assert_eq!(code, 0, "{}: {err}", c.file);
        let v: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{}: {e}: {out}", c.file));
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", c.file);
        assert_eq!(v["scheme"], c.scheme.as_str(), "{}", c.file);
        let first = v["violations"][0]["code"].as_str();
        assert_eq!(first, c.first.as_deref(), "{}: {}", c.file, v["violations"]);
        // The human first line names the scheme and the mistake.
        let (_, human, _) = doctor(&["explain", &path, "--now", NOW]);
        let line = human.lines().next().unwrap_or_default();
        if let Some(id) = &c.first {
            assert!(line.contains(&format!(": {id}: ")), "{}: {line}", c.file);
        }
    }
}

#[test]
fn verify_checks_the_credentials_and_never_prints_them() {
    let mut checked = 0;
    for c in cases().iter().filter(|c| !c.verify.is_empty()) {
        let path = format!("fixtures/schemes/{}", c.file);
        let mut args = vec!["verify", path.as_str()];
        args.extend(c.verify.iter().map(String::as_str));
        let (code, out, err) = doctor(&args);
        assert_eq!(Some(code), c.verify_exit, "{}: {out}{err}", c.file);
        let mut json_args = args.clone();
        json_args.push("--json");
        let (_, json, _) = doctor(&json_args);
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["verified"], Value::Bool(code == 0), "{}", c.file);
        // No password, token, key or client secret in any output.
        for (flag, value) in c.verify.iter().zip(c.verify.iter().skip(1)) {
            if matches!(
                flag.as_str(),
                "--password" | "--token" | "--api-key" | "--client-secret"
            ) {
                for text in [&out, &err, &json] {
                    assert!(
                        !text.contains(value.as_str()),
                        "{}: {flag} printed: {text}",
                        c.file
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 6, "{checked}");
}

#[test]
fn verify_without_credentials_says_which_to_pass() {
    let (code, _, err) = doctor(&["verify", "fixtures/schemes/basic-ok.http"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--user") && err.contains("OAUTH1_BASIC_PASSWORD"),
        "{err}"
    );
    let (code, _, err) = doctor(&["verify", "fixtures/schemes/token-request-ok.http"]);
    assert_eq!(code, 2);
    assert!(err.contains("--client-secret"), "{err}");
}

#[test]
fn credentials_come_from_the_environment_too() {
    let out = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(["verify", "fixtures/schemes/bearer-ok.http"])
        .env(
            "OAUTH1_BEARER_TOKEN",
            "mF_9.B5f-4.1JqM-2YotnFZFEjr1zCsicMWpAA",
        )
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn show_secrets_reveals_the_password() {
    let (_, masked, _) = doctor(&["explain", "fixtures/schemes/basic-ok.http"]);
    assert!(
        masked.contains("<password: 13 chars>") && !masked.contains("open sesame+1"),
        "{masked}"
    );
    let (_, shown, _) = doctor(&[
        "explain",
        "fixtures/schemes/basic-ok.http",
        "--show-secrets",
    ]);
    assert!(shown.contains("open sesame+1"), "{shown}");
}

#[test]
fn a_token_error_response_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("response.json");
    std::fs::write(
        &body,
        r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
    )
    .unwrap();
    let (code, out, _) = doctor(&[
        "explain",
        "fixtures/schemes/token-request-basic-not-form-encoded.http",
        "--server-response",
        body.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("error invalid_client: Client authentication failed"),
        "{out}"
    );
    assert!(out.contains("form-urlencoding"), "{out}");
}

#[test]
fn oauth1_requests_say_their_scheme_too() {
    let (_, out, _) = doctor(&[
        "explain",
        "fixtures/examples/postman-twitter.curl",
        "--json",
    ]);
    let v: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["scheme"], "oauth1");
}

#[test]
fn diff_of_two_token_requests_names_what_breaks_first() {
    let (code, out, _) = doctor(&[
        "diff",
        "fixtures/schemes/token-request-ok.http",
        "fixtures/schemes/token-request-json-body.http",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("credentials differ: token-request-json-body: "),
        "{out}"
    );
    let (code, out, _) = doctor(&[
        "diff",
        "fixtures/schemes/token-request-ok.http",
        "fixtures/schemes/token-request-basic-ok.http",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("client-authentication-differs"), "{out}");
    let (code, out, _) = doctor(&[
        "diff",
        "fixtures/schemes/basic-ok.http",
        "fixtures/schemes/basic-ok.http",
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn diff_of_two_basic_requests_compares_the_password_without_showing_it() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schema/diff-scheme.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (code, out, _) = doctor(&[
        "diff",
        "fixtures/schemes/basic-ok.http",
        "fixtures/schemes/basic-wrong-password.http",
        "--json",
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(validator.is_valid(&v), "{v}");
    assert_eq!(v["findings"][0]["id"], "password-differs");
    assert!(!out.contains("open sesame"), "{out}");
}
