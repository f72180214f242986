//! The real binary over every input format: X/Twitter's documented example
//! request (published secrets and signature `hCtSmYh+iHYCEqBWrE7C7hYmtUk=`)
//! verifies in every Postman cURL export dialect, as raw HTTP and as a HAR
//! entry; bad inputs fail with exit code 2 and a located, caret-marked error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CONSUMER_SECRET: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TOKEN_SECRET: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"));
    c.env_remove("OAUTH1_CONSUMER_SECRET")
        .env_remove("OAUTH1_TOKEN_SECRET")
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn verify(path: &Path) -> Output {
    run(&[
        "verify",
        path.to_str().unwrap(),
        "--consumer-secret",
        CONSUMER_SECRET,
        "--token-secret",
        TOKEN_SECRET,
    ])
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn fixtures(format: &str, prefix: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/readers")
        .join(format);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()) == Some(format)
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    out.sort();
    out
}

/// A file in the temporary directory holding `content`.
fn temp(name: &str, content: &[u8]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("oauth1-doctor-cli-readers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn assert_valid(path: &Path) {
    let out = verify(path);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\nstdout: {}\nstderr: {}",
        path.display(),
        text(&out.stdout),
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("valid: oauth_signature is valid (HMAC-SHA1)"),
        "{stdout}"
    );
    assert!(!stdout.contains("invalid"), "{stdout}");
}

#[test]
fn twitter_example_verifies_in_every_postman_curl_dialect() {
    let all = fixtures("curl", "twitter-");
    let names: Vec<String> = all
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    // Postman's export settings: default (multi-line \, long options, single
    // quotes), one line, short options, double quotes, cmd ^, PowerShell `.
    for dialect in [
        "twitter-postman-default.curl",
        "twitter-postman-one-line.curl",
        "twitter-postman-short-options.curl",
        "twitter-postman-double-quotes.curl",
        "twitter-postman-cmd.curl",
        "twitter-postman-cmd-double-quotes.curl",
        "twitter-postman-powershell.curl",
        "twitter-postman-powershell-double-quotes.curl",
    ] {
        assert!(names.iter().any(|n| n == dialect), "missing {dialect}");
    }
    for path in &all {
        assert_valid(path);
    }
}

#[test]
fn twitter_example_verifies_as_raw_http_and_har() {
    let http = fixtures("http", "twitter-");
    let har = fixtures("har", "twitter-");
    assert!(http.len() >= 3 && har.len() >= 2);
    for path in http.iter().chain(&har) {
        assert_valid(path);
    }
}

#[test]
fn oauth_params_in_the_query_string_verify() {
    let path = Path::new("fixtures/readers/curl/twitter-query-auth-postman.curl");
    assert_valid(path);
    let out = run(&[
        "explain",
        path.to_str().unwrap(),
        "--json",
        "--consumer-secret",
        CONSUMER_SECRET,
        "--token-secret",
        TOKEN_SECRET,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "curl");
    let params = v["parameters"].as_array().unwrap();
    let key = params
        .iter()
        .find(|p| p["name"] == "oauth_consumer_key")
        .unwrap();
    assert_eq!(key["source"], "query");
    // Postman's `flag=null` is read as the value-less key it exported.
    let flag = params.iter().find(|p| p["name"] == "flag").unwrap();
    assert_eq!(flag["value"], "");
    let codes: Vec<&str> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["code"].as_str())
        .collect();
    assert!(codes.contains(&"postman-null-query-value"), "{codes:?}");
}

#[test]
fn har_with_several_entries_prints_one_line_each_and_exits_1_on_any_invalid() {
    let out = verify(Path::new(
        "fixtures/readers/har/two-ok-one-bad-signature.har",
    ));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("entry 0: invalid:"), "{stdout}");
    assert!(lines[1].starts_with("entry 1: valid:"), "{stdout}");
    assert!(lines[2].starts_with("entry 2: valid:"), "{stdout}");
    // --entry picks one.
    let out = run(&[
        "verify",
        "fixtures/readers/har/two-ok-one-bad-signature.har",
        "--entry",
        "1",
        "--consumer-secret",
        CONSUMER_SECRET,
        "--token-secret",
        TOKEN_SECRET,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // One verdict line; the strict-server notes (the capture's old
    // timestamp against this machine's clock) follow it.
    let stdout = text(&out.stdout);
    let verdicts = stdout.lines().filter(|l| !l.starts_with("  note: "));
    assert_eq!(verdicts.count(), 1, "{stdout}");
}

#[test]
fn explain_says_curl_added_the_form_content_type() {
    let path = temp(
        "form.curl",
        b"curl https://api.example.com/x -H 'Authorization: OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"cs%26\"' -d 'a=1'",
    );
    let out = run(&["explain", path.to_str().unwrap(), "--consumer-secret", "cs"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("assumed: curl adds Content-Type: application/x-www-form-urlencoded"),
        "{stdout}"
    );
    assert!(stdout.contains("the body is signed"), "{stdout}");
}

#[test]
fn sign_output_curl_reads_back_in_every_dialect() {
    for dialect in ["bash", "cmd", "powershell"] {
        let out = run(&[
            "sign",
            "fixtures/examples/twitter.http",
            "--output",
            "curl",
            "--curl-dialect",
            dialect,
            "--consumer-secret",
            CONSUMER_SECRET,
            "--token-secret",
            TOKEN_SECRET,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let command = text(&out.stdout);
        assert!(command.starts_with("curl --request POST"), "{command}");
        let path = temp(&format!("signed-{dialect}.curl"), command.as_bytes());
        assert_valid(&path);
    }
}

/// Runs `verify` on `content` and checks exit code 2, the location and the caret.
fn assert_located_error(name: &str, content: &[u8], message: &str, location: &str) {
    let path = temp(name, content);
    let out = verify(&path);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert!(stderr.contains(message), "{name}: {stderr}");
    assert!(stderr.contains(location), "{name}: {stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.trim_start().starts_with("| ") && l.contains('^')),
        "{name}: no caret line in {stderr}"
    );
}

#[test]
fn reader_errors_are_located_with_a_caret() {
    assert_located_error(
        "unterminated.curl",
        b"curl --location 'https://api.example.com/x \\\n--header 'A: b'",
        "unterminated single-quoted string",
        "line 2, column 15",
    );
    assert_located_error(
        "unterminated-hint.curl",
        b"curl --location 'https://api.example.com/x \\\n--header 'A: b'",
        "the quote opened at line 1, column 17 runs over a line break",
        "line 2, column 15",
    );
    assert_located_error(
        "missing-argument.curl",
        b"curl https://api.example.com/x \\\n  --header",
        "expected an argument after --header",
        "line 2, column 3",
    );
    assert_located_error(
        "no-url.curl",
        b"curl --request POST \\\n  --header 'A: b'",
        "missing URL",
        "line 2, column 18",
    );
    assert_located_error(
        "missing-file.curl",
        b"curl https://api.example.com/x --data @no-such-file.txt",
        "@no-such-file.txt",
        "line 1, column 39",
    );
    assert_located_error(
        "invalid.har",
        b"{\"log\": {\n  \"entries\": [\n    {\"request\": }\n  ]}}",
        "invalid JSON",
        "line 3, column 17",
    );
    assert_located_error(
        "no-colon.http",
        b"POST /x HTTP/1.1\nHost: api.example.com\nContent-Type application/json\n\n{}",
        "no colon",
        "line 3, column 1",
    );
}

#[test]
fn oversized_input_is_refused() {
    let mut big = b"curl https://api.example.com/x -d '".to_vec();
    big.resize(oauth1_doctor::input::MAX_INPUT + 10, b'a');
    let path = temp("big.curl", &big);
    let out = verify(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("limit"), "{}", text(&out.stderr));
}
