//! Human (and `--json`) output of every command on the bundled examples,
//! pinned by `insta` snapshots (issue 12), so a wording change is reviewed
//! in `tests/snapshots/*.snap` rather than made by accident.
//!
//! Each case runs the real binary from the repository root with relative
//! paths, colour off (`--color never` and `NO_COLOR`), and no `OAUTH1_*`
//! variables, and snapshots the exit code, stdout and stderr together.
//! What changes from run to run is redacted here: the hunt's wall time
//! (`… variants tried in [elapsed] ms`, `"elapsed_ms"`) and temporary
//! directories (`[TMP]`). `--json` output is pretty-printed (keys sorted)
//! so a change of the contract shows as a readable diff.
//!
//! Review a change: `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test snapshots` and `git diff`.
//!
//! Request data comes from the bundled fixtures, whose signatures are
//! published values or were computed by the independent Python signers in
//! `fixtures/`; the JSON Lines log below is built from published values
//! (RFC 5849 §1.2, X/Twitter's "Creating a signature").

mod common;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// X/Twitter's published example secrets (`fixtures/examples/README.md`).
const TW_CS: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TW_TS: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
/// RFC 5849 §1.2's client and token credentials.
const RFC_CS: &str = "kd94hf93k423kf44";
const RFC_TS: &str = "pfkkdhi9sl3r4s00";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One run of the binary.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary in `cwd` with `args` (after `--color never`).
fn doctor_in(cwd: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = common::process::doctor();
    cmd.arg("--color")
        .arg("never")
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.map(str::to_owned);
    let writer = std::thread::spawn(move || {
        if let Some(input) = input {
            let _ = pipe.write_all(input.as_bytes());
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the binary from the repository root.
fn doctor(args: &[&str]) -> Run {
    doctor_in(&root(), args, None)
}

/// Replaces the hunt's wall time in `N variants tried in 6.0 ms`.
fn redact_elapsed(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mark = [" variants tried in ", " variant tried in "]
                .into_iter()
                .find_map(|m| line.find(m).map(|at| (at, m)));
            match mark {
                Some((at, mark)) if line.ends_with(" ms") => {
                    format!("{}{mark}[elapsed] ms", &line[..at])
                }
                _ => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

/// Replaces every temporary path (and what the OS may resolve it to).
fn redact_tmp(text: &str, tmp: Option<&Path>) -> String {
    let Some(tmp) = tmp else {
        return text.to_owned();
    };
    let mut out = text.to_owned();
    let mut paths = vec![tmp.to_path_buf()];
    if let Ok(real) = tmp.canonicalize() {
        paths.push(real);
    }
    // Longest first, so a resolved path is not half-replaced.
    paths.sort_by_key(|p| std::cmp::Reverse(p.as_os_str().len()));
    for p in paths {
        out = out.replace(&*p.to_string_lossy(), "[TMP]");
    }
    out
}

/// `exit: N`, stdout and stderr, as one snapshot.
fn human(run: &Run, tmp: Option<&Path>) -> String {
    let body = format!(
        "exit: {}\n--- stdout\n{}\n--- stderr\n{}",
        run.code, run.stdout, run.stderr
    );
    redact_tmp(&redact_elapsed(&body), tmp)
}

/// Replaces values that change from run to run in a JSON value.
fn redact_json(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if k == "elapsed_ms" {
                    *val = Value::String("[elapsed]".into());
                } else {
                    redact_json(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// `exit: N`, stdout as pretty JSON (one document per value, for JSON
/// Lines too) and stderr, as one snapshot.
fn json(run: &Run, tmp: Option<&Path>) -> String {
    let mut docs = Vec::new();
    for value in serde_json::Deserializer::from_str(&run.stdout).into_iter::<Value>() {
        let mut value =
            value.unwrap_or_else(|e| panic!("{e}: stdout is not JSON:\n{}", run.stdout));
        redact_json(&mut value);
        docs.push(serde_json::to_string_pretty(&value).unwrap());
    }
    assert!(
        !docs.is_empty(),
        "no JSON on stdout; stderr: {}",
        run.stderr
    );
    let body = format!(
        "exit: {}\n--- stdout (JSON, pretty-printed)\n{}\n--- stderr\n{}",
        run.code,
        docs.join("\n"),
        run.stderr
    );
    redact_tmp(&body, tmp)
}

fn snap(name: &str, text: String) {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, text);
    });
}

// ------------------------------------------------------------ explain, verify

#[test]
fn explain_twitter_http() {
    let r = doctor(&[
        "explain",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    snap("explain_twitter_http", human(&r, None));
}

#[test]
fn explain_twitter_http_without_secrets() {
    let r = doctor(&["explain", "fixtures/examples/twitter.http"]);
    snap("explain_twitter_http_without_secrets", human(&r, None));
}

#[test]
fn explain_postman_curl() {
    let r = doctor(&[
        "explain",
        "fixtures/examples/postman-twitter.curl",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    snap("explain_postman_curl", human(&r, None));
}

#[test]
fn explain_twitter_http_json() {
    let r = doctor(&[
        "explain",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
        "--json",
    ]);
    snap("explain_twitter_http_json", json(&r, None));
}

#[test]
fn explain_har_two_entries() {
    let r = doctor(&[
        "explain",
        "fixtures/readers/har/two-ok-one-bad-signature.har",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    snap("explain_har_two_entries", human(&r, None));
}

#[test]
fn verify_twitter_valid() {
    let r = doctor(&[
        "verify",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    snap("verify_twitter_valid", human(&r, None));
}

#[test]
fn verify_twitter_wrong_secret() {
    let r = doctor(&[
        "verify",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        "not-the-secret",
        "--token-secret",
        TW_TS,
    ]);
    snap("verify_twitter_wrong_secret", human(&r, None));
}

#[test]
fn verify_twitter_without_secrets() {
    let r = doctor(&["verify", "fixtures/examples/twitter.http"]);
    snap("verify_twitter_without_secrets", human(&r, None));
}

#[test]
fn verify_twitter_wrong_secret_json() {
    let r = doctor(&[
        "verify",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        "not-the-secret",
        "--token-secret",
        TW_TS,
        "--json",
    ]);
    snap("verify_twitter_wrong_secret_json", json(&r, None));
}

#[test]
fn verify_unreadable_file() {
    let r = doctor(&["verify", "fixtures/examples/no-such-file.http"]);
    snap("verify_unreadable_file", human(&r, None));
}

// ------------------------------------------------------------------------ sign

fn sign(output: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "sign",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
        "--nonce",
        "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        "--timestamp",
        "1318622958",
        "--output",
        output,
    ];
    args.extend_from_slice(extra);
    doctor(&args)
}

#[test]
fn sign_output_header() {
    snap("sign_output_header", human(&sign("header", &[]), None));
}

#[test]
fn sign_output_http() {
    snap("sign_output_http", human(&sign("http", &[]), None));
}

#[test]
fn sign_output_curl() {
    snap("sign_output_curl", human(&sign("curl", &[]), None));
}

#[test]
fn sign_output_curl_powershell() {
    let r = sign("curl", &["--curl-dialect", "powershell"]);
    snap("sign_output_curl_powershell", human(&r, None));
}

#[test]
fn sign_output_json() {
    snap("sign_output_json", json(&sign("json", &[]), None));
}

#[test]
fn sign_hmac_sha256_with_body_hash() {
    let r = sign(
        "header",
        &["--signature-method", "HMAC-SHA256", "--body-hash"],
    );
    snap("sign_hmac_sha256_with_body_hash", human(&r, None));
}

// ------------------------------------------------------------------------ diff

#[test]
fn diff_readme_first_command() {
    let r = doctor(&[
        "diff",
        "fixtures/examples/postman-twitter.curl",
        "fixtures/examples/my-signer-base-string.txt",
    ]);
    snap("diff_readme_first_command", human(&r, None));
}

#[test]
fn diff_readme_first_command_json() {
    let r = doctor(&[
        "diff",
        "fixtures/examples/postman-twitter.curl",
        "fixtures/examples/my-signer-base-string.txt",
        "--json",
    ]);
    snap("diff_readme_first_command_json", json(&r, None));
}

#[test]
fn diff_examples_http_vs_postman_curl_with_secrets() {
    let r = doctor(&[
        "diff",
        "fixtures/examples/postman-twitter.curl",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    snap(
        "diff_examples_http_vs_postman_curl_with_secrets",
        human(&r, None),
    );
}

#[test]
fn diff_examples_base_string_with_secrets() {
    let r = doctor(&[
        "diff",
        "fixtures/examples/twitter.http",
        "fixtures/examples/my-signer-base-string.txt",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    snap("diff_examples_base_string_with_secrets", human(&r, None));
}

/// `diff` on `fixtures/diff/<name>/` as `tests/diff.rs` runs it, with or
/// without the scenario's secrets.
fn diff_scenario(name: &str, secrets: bool, extra: &[&str]) -> Run {
    let dir = format!("fixtures/diff/{name}");
    let mut args = vec!["diff".to_owned()];
    args.extend(
        common::diff_scenario_args(&root().join(&dir), &dir, secrets).expect("a candidate file"),
    );
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    doctor(&args)
}

/// Scenarios run with their secrets, human output.
const DIFF_WITH_SECRETS: &[&str] = &[
    "id-port-mismatch",
    "id-header-missing-comma",
    "id-good-signature-invalid",
    "id-key-token-secret-omitted",
    "mistake-etrade-secret-not-encoded",
    "mistake-postman-empty-token",
    "mistake-scribejava-default-port-signed",
    "mistake-space-as-plus-in-base-string",
    "mistake-woo-signature-not-encoded",
    "mistake-twitter-body-params-not-signed",
    "equivalent-header-param-order",
    "echo-jira",
    "echo-wordpress",
    "echo-unknown-html",
    "signer-twitter-plus-for-space",
    "signer-woo-default-port-kept",
];

#[test]
fn diff_fixture_scenarios_with_secrets() {
    for name in DIFF_WITH_SECRETS {
        let r = diff_scenario(name, true, &[]);
        snap(&format!("diff_{name}"), human(&r, None));
    }
}

#[test]
fn diff_fixture_scenarios_without_secrets() {
    for name in [
        "id-port-mismatch",
        "mistake-etrade-secret-not-encoded",
        "unchecked-lti-no-secrets",
        "unchecked-woo-default-port-kept",
    ] {
        let r = diff_scenario(name, false, &[]);
        snap(&format!("diff_{name}_without_secrets"), human(&r, None));
    }
}

#[test]
fn diff_fixture_scenarios_json() {
    for name in [
        "mistake-etrade-secret-not-encoded",
        "mistake-postman-empty-token",
        "echo-jira",
    ] {
        let r = diff_scenario(name, true, &["--json"]);
        snap(&format!("diff_{name}_json"), json(&r, None));
    }
}

// ------------------------------------------------------------------------ hunt

#[test]
fn hunt_readme_plus_for_space() {
    let r = doctor(&[
        "hunt",
        "fixtures/hunt/twitter-plus-for-space.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    snap("hunt_readme_plus_for_space", human(&r, None));
}

#[test]
fn hunt_readme_plus_for_space_json() {
    let r = doctor(&[
        "hunt",
        "fixtures/hunt/twitter-plus-for-space.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
        "--json",
    ]);
    snap("hunt_readme_plus_for_space_json", json(&r, None));
}

#[test]
fn hunt_correct_signer() {
    let r = doctor(&[
        "hunt",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ]);
    snap("hunt_correct_signer", human(&r, None));
}

#[test]
fn hunt_no_match_wrong_secret() {
    let r = doctor(&[
        "hunt",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        "not-the-secret",
        "--token-secret",
        TW_TS,
    ]);
    snap("hunt_no_match_wrong_secret", human(&r, None));
}

#[test]
fn hunt_key_mistake_from_diff_fixture() {
    let r = doctor(&[
        "hunt",
        "fixtures/diff/mistake-etrade-secret-not-encoded/candidate.http",
        "--consumer-secret=etrade+consumer/secret=",
        "--token-secret=tok3n+secret/with=sym",
    ]);
    snap("hunt_key_mistake_from_diff_fixture", human(&r, None));
}

/// The scribejava scenario's logged base string (`:443` kept) against its
/// known-good request with the nonce and timestamp of that log (from stdin).
#[test]
fn hunt_expected_base_string() {
    let dir = "fixtures/diff/mistake-scribejava-default-port-signed";
    let good = std::fs::read_to_string(root().join(dir).join("known_good.http")).unwrap();
    let request = good
        .replace("oauth_nonce=\"k3Jd9sL2pQ\"", "oauth_nonce=\"Zx81mNq7Tb\"")
        .replace(
            "oauth_timestamp=\"1700000000\"",
            "oauth_timestamp=\"1700000042\"",
        );
    assert_ne!(request, good);
    let expected = format!("{dir}/candidate.txt");
    let args = ["hunt", "-", "--expected-base-string", &expected];
    let r = doctor_in(&root(), &args, Some(&request));
    snap("hunt_expected_base_string", human(&r, None));
}

/// The same base string against the known-good request as it is: its
/// nonce and timestamp differ, so nothing reproduces it.
#[test]
fn hunt_expected_base_string_no_match() {
    let dir = "fixtures/diff/mistake-scribejava-default-port-signed";
    let r = doctor(&[
        "hunt",
        &format!("{dir}/known_good.http"),
        "--expected-base-string",
        &format!("{dir}/candidate.txt"),
    ]);
    snap("hunt_expected_base_string_no_match", human(&r, None));
}

// ---------------------------------------------------------------------- check

#[test]
fn check_bundled_corpus() {
    let r = doctor(&["check"]);
    snap("check_bundled_corpus", human(&r, None));
}

#[test]
fn check_two_files_json() {
    let r = doctor(&[
        "check",
        "fixtures/vectors/published/rfc5849-1.2-photos.toml",
        "fixtures/vectors/computed/method-plaintext.toml",
        "--json",
    ]);
    snap("check_two_files_json", json(&r, None));
}

/// A failing case (the photos vector with another expected signature) and
/// a broken one (an unknown key), in a temporary directory.
fn check_failures(extra: &[&str]) -> (Run, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let good =
        std::fs::read_to_string(root().join("fixtures/vectors/published/rfc5849-1.2-photos.toml"))
            .unwrap();
    let wrong = good
        .replace(
            "name = \"rfc5849-1.2-photos\"",
            "name = \"wrong-signature\"",
        )
        .replace(
            "signature = \"MdpQcU8iPSUjWoN/UDMsK2sui9I=\"",
            "signature = \"AAAAcU8iPSUjWoN/UDMsK2sui9I=\"",
        );
    assert_ne!(wrong, good);
    std::fs::write(tmp.path().join("wrong-signature.toml"), wrong).unwrap();
    std::fs::write(
        tmp.path().join("broken.toml"),
        "name = \"broken\"\ndescription = \"an unknown key\"\nsignatur = 1\n",
    )
    .unwrap();
    let dir = tmp.path().to_str().unwrap().to_owned();
    let mut args = vec!["check", &dir];
    args.extend_from_slice(extra);
    (doctor(&args), tmp)
}

#[test]
fn check_failing_and_broken_fixtures() {
    let (r, tmp) = check_failures(&[]);
    snap(
        "check_failing_and_broken_fixtures",
        human(&r, Some(tmp.path())),
    );
}

#[test]
fn check_failing_and_broken_fixtures_json() {
    let (r, tmp) = check_failures(&["--json"]);
    snap(
        "check_failing_and_broken_fixtures_json",
        json(&r, Some(tmp.path())),
    );
}

// --------------------------------------------------------------------- conform

/// `conform` with a reference signer of `tests/signers/` (Node, stdlib only).
fn conform(signer: &str, filter: &str, extra: &[&str]) -> Run {
    let command = format!("node tests/signers/{signer}");
    let mut args = vec!["conform", "--signer", &command, "--filter", filter];
    args.extend_from_slice(extra);
    doctor(&args)
}

#[test]
fn conform_correct_signer() {
    let r = conform("correct.js", "rfc5849*", &[]);
    snap("conform_correct_signer", human(&r, None));
}

#[test]
fn conform_plus_for_space_signer() {
    let r = conform("plus_for_space.js", "twitter", &[]);
    snap("conform_plus_for_space_signer", human(&r, None));
}

#[test]
fn conform_drop_ampersand_signer_json() {
    let r = conform("drop_ampersand.js", "rfc5849*", &["--json"]);
    snap("conform_drop_ampersand_signer_json", json(&r, None));
}

#[test]
fn conform_crashing_signer() {
    let r = doctor(&[
        "conform",
        "--signer",
        "echo 'no key here' >&2; exit 3",
        "--filter",
        "rfc5849-1.2-photos",
    ]);
    snap("conform_crashing_signer", human(&r, None));
}

// --------------------------------------------------------------------- vectors

#[test]
fn vectors_export_csv() {
    let r = doctor(&[
        "vectors", "export", "--format", "csv", "--filter", "rfc5849*",
    ]);
    snap("vectors_export_csv", human(&r, None));
}

#[test]
fn vectors_export_json() {
    let r = doctor(&[
        "vectors",
        "export",
        "--format",
        "json",
        "--filter",
        "rfc5849-1.2-photos",
    ]);
    snap("vectors_export_json", json(&r, None));
}

// ---------------------------------------------------------------------- record

fn record(dir: &Path, consumer_secret: &str) -> Run {
    doctor(&[
        "record",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        consumer_secret,
        "--token-secret",
        TW_TS,
        "--name",
        "twitter",
        "--dir",
        dir.to_str().unwrap(),
    ])
}

#[test]
fn record_twitter_example() {
    let tmp = tempfile::tempdir().unwrap();
    let r = record(tmp.path(), TW_CS);
    let written = std::fs::read_to_string(tmp.path().join("twitter.toml"))
        .unwrap_or_else(|e| format!("(no file: {e})"));
    let text = format!(
        "{}\n--- twitter.toml\n{written}",
        human(&r, Some(tmp.path()))
    );
    snap(
        "record_twitter_example",
        redact_tmp(&text, Some(tmp.path())),
    );

    // The same again: refused without --force.
    let again = record(tmp.path(), TW_CS);
    snap(
        "record_existing_without_force",
        human(&again, Some(tmp.path())),
    );
}

#[test]
fn record_refuses_a_request_that_does_not_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let r = record(tmp.path(), "not-the-secret");
    let files: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(files.is_empty(), "record wrote {files:?}");
    snap("record_does_not_verify", human(&r, Some(tmp.path())));
}

// ------------------------------------------------------------- batch verify

/// A log of five lines: the RFC 5849 §1.2 photos request and X/Twitter's
/// example with their published signatures, the photos request with a
/// signature that is not its own, a line that is not JSON, and a consumer
/// the secrets file does not know.
const LOG: &str = concat!(
    r#"{"method": "GET", "url": "http://photos.example.net/photos?file=vacation.jpg&size=original", "headers": {"Authorization": "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\""}}"#,
    "\n",
    r#"{"method": "POST", "url": "https://api.twitter.com/1.1/statuses/update.json?include_entities=true", "headers": [["Content-Type", "application/x-www-form-urlencoded"], ["Authorization", "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\""]], "body": "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"}"#,
    "\n",
    r#"{"method": "GET", "url": "http://photos.example.net/photos?file=vacation.jpg&size=large", "headers": {"Authorization": "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\""}}"#,
    "\n",
    r#"{"method": "GET", "url": "http://photos.example.net/photos",}"#,
    "\n",
    r#"{"method": "GET", "url": "http://photos.example.net/photos", "headers": {"Authorization": "OAuth oauth_consumer_key=\"someone-else\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\""}}"#,
    "\n",
);

/// `verify` over `LOG` with a secrets file for both published clients.
fn batch(extra: &[&str]) -> (Run, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let secrets = tmp.path().join("secrets.toml");
    std::fs::write(
        &secrets,
        format!(
            "[consumers]\n\"dpf43f3p2l4k3l03\" = \"{RFC_CS}\"\n\"xvz1evFS4wEEPTGEFPHBog\" = \"{TW_CS}\"\n\n\
             [tokens]\n\"nnch734d00sl2jdk\" = \"{RFC_TS}\"\n\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\" = \"{TW_TS}\"\n"
        ),
    )
    .unwrap();
    let log = tmp.path().join("requests.jsonl");
    std::fs::write(&log, LOG).unwrap();
    let mut args = vec![
        "verify",
        log.to_str().unwrap(),
        "--secrets",
        secrets.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let r = doctor(&args);
    (r, tmp)
}

#[test]
fn batch_verify_jsonl() {
    let (r, tmp) = batch(&[]);
    snap("batch_verify_jsonl", human(&r, Some(tmp.path())));
}

#[test]
fn batch_verify_jsonl_only_invalid() {
    let (r, tmp) = batch(&["--only-invalid"]);
    snap(
        "batch_verify_jsonl_only_invalid",
        human(&r, Some(tmp.path())),
    );
}

#[test]
fn batch_verify_jsonl_json() {
    let (r, tmp) = batch(&["--json"]);
    snap("batch_verify_jsonl_json", json(&r, Some(tmp.path())));
}

#[test]
fn batch_verify_from_stdin_with_one_client() {
    let r = doctor_in(
        &root(),
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--consumer-secret",
            RFC_CS,
            "--token-secret",
            RFC_TS,
        ],
        Some(LOG),
    );
    snap("batch_verify_from_stdin_with_one_client", human(&r, None));
}

#[test]
fn batch_verify_har_only_invalid() {
    let tmp = tempfile::tempdir().unwrap();
    let secrets = tmp.path().join("secrets.toml");
    std::fs::write(
        &secrets,
        format!(
            "[consumers]\n\"xvz1evFS4wEEPTGEFPHBog\" = \"{TW_CS}\"\n\n\
             [tokens]\n\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\" = \"{TW_TS}\"\n"
        ),
    )
    .unwrap();
    let r = doctor(&[
        "verify",
        "fixtures/readers/har/two-ok-one-bad-signature.har",
        "--secrets",
        secrets.to_str().unwrap(),
    ]);
    snap("batch_verify_har", human(&r, Some(tmp.path())));
}

// ---------------------------------------------------------------- the helpers

#[test]
fn redactions_replace_only_what_changes() {
    assert_eq!(
        redact_elapsed("x\n53 variants tried in 6.0 ms\ny\n"),
        "x\n53 variants tried in [elapsed] ms\ny\n"
    );
    assert_eq!(
        redact_elapsed("1 variant tried in 0.4 ms"),
        "1 variant tried in [elapsed] ms"
    );
    assert_eq!(redact_elapsed("tried in 6.0 ms"), "tried in 6.0 ms");
    let tmp = Path::new("/tmp/abc");
    assert_eq!(
        redact_tmp("wrote /tmp/abc/x.toml", Some(tmp)),
        "wrote [TMP]/x.toml"
    );
    let mut v: Value = serde_json::json!({"a": {"elapsed_ms": 2.5}, "b": [1]});
    redact_json(&mut v);
    assert_eq!(
        v,
        serde_json::json!({"a": {"elapsed_ms": "[elapsed]"}, "b": [1]})
    );
}
