//! Issue 13, "Never claim what was not checked" and "Name the cause
//! first", through the real binary. Every request here was signed by
//! `fixtures/diff/generate.py` (an independent Python RFC 5849 signer),
//! never by oauth1-doctor: `fixtures/multi/` holds the X/Twitter request
//! that works (answered 200) and one whose signer writes a space as `+`
//! (answered 401), as a HAR capture and as JSON Lines, and the RFC 5849
//! signature of that candidate; `fixtures/diff/{unchecked,signer}-*` are
//! the seven scenarios, run by `tests/diff.rs`.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn multi(name: &str) -> String {
    root()
        .join("fixtures/multi")
        .join(name)
        .display()
        .to_string()
}

/// The X/Twitter consumer and token secrets (made-up test values).
fn secrets() -> (String, String) {
    let text = std::fs::read_to_string(multi("twitter-secrets.txt")).unwrap();
    let mut lines = text.lines();
    (
        lines.next().unwrap().to_string(),
        lines.next().unwrap().to_string(),
    )
}

fn secret_args() -> Vec<String> {
    let (cs, ts) = secrets();
    vec![
        format!("--consumer-secret={cs}"),
        format!("--token-secret={ts}"),
    ]
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn first_line(&self) -> &str {
        self.stdout.lines().next().unwrap_or("")
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
    /// No secret of the fixtures appears anywhere.
    fn hides_secrets(&self) {
        let (cs, ts) = secrets();
        for s in [cs, ts] {
            assert!(
                !self.stdout.contains(&s) && !self.stderr.contains(&s),
                "a secret is printed"
            );
        }
    }
}

fn doctor(args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = common::process::doctor();
    cmd.arg("--color=never").args(args).current_dir(root());
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(text) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn with_secrets<'a>(args: &[&'a str], owned: &'a [String]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(owned.iter().map(String::as_str));
    all
}

// ------------------------------------------------------------- several requests

/// A HAR with a 200 entry and a 401 entry: hunt hunts the one whose
/// signature fails, labelled by index, method, URL and status, and says
/// why the other was not hunted.
#[test]
fn hunt_hunts_every_failing_entry_of_a_har() {
    let har = multi("twitter-200-401.har");
    let s = secret_args();
    let out = doctor(&with_secrets(&["hunt", &har], &s), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.hides_secrets();
    assert!(
        out.first_line()
            .contains("2 requests, 1 with a failing signature hunted"),
        "{}",
        out.stdout
    );
    let entry0 = out.stdout.find("entry 0: POST https://api.x.com/").unwrap();
    let entry1 = out.stdout.find("entry 1: POST https://api.x.com/").unwrap();
    assert!(out.stdout[entry0..entry1].contains("(answered 200)"));
    assert!(out.stdout[entry0..entry1].contains("not hunted: its signature verifies"));
    assert!(out.stdout[entry1..].contains("(answered 401)"));
    assert!(out.stdout[entry1..].contains("plus-for-space"));

    let json = doctor(&with_secrets(&["hunt", &har, "--json"], &s), None).json();
    assert_eq!(json["schema"], oauth1_doctor::SCHEMA);
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["label"], "entry 0");
    assert_eq!(entries[0]["status"], 200);
    assert_eq!(entries[0]["valid"], true);
    assert_eq!(entries[0]["hunt"], Value::Null);
    assert_eq!(entries[1]["status"], 401);
    assert_eq!(entries[1]["valid"], false);
    assert_eq!(
        entries[1]["hunt"]["mistakes"],
        serde_json::json!(["plus-for-space"])
    );
}

#[test]
fn hunt_over_json_lines_hunts_the_failing_line() {
    let s = secret_args();
    let out = doctor(
        &with_secrets(&["hunt", &multi("twitter.jsonl"), "--json"], &s),
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["entries"][0]["label"], "line 1");
    assert_eq!(v["entries"][0]["hunt"], Value::Null);
    assert_eq!(
        v["entries"][1]["hunt"]["mistakes"],
        serde_json::json!(["plus-for-space"])
    );
}

/// Without secrets no signature can be checked, so there is nothing to
/// hunt: exit 2, naming the flags and the environment variables.
#[test]
fn hunt_over_several_requests_without_secrets_names_them() {
    let out = doctor(&["hunt", &multi("twitter-200-401.har")], None);
    assert_eq!(out.code, 2, "{}", out.stdout);
    for want in [
        "--consumer-secret",
        "OAUTH1_CONSUMER_SECRET",
        "OAUTH1_TOKEN_SECRET",
    ] {
        assert!(out.stderr.contains(want), "{want}: {}", out.stderr);
    }
}

/// The same HAR as GOOD and CANDIDATE: without secrets the 200 entry is
/// the known-good one and the 401 entry the candidate, said on stderr;
/// their signatures were not checked, so not "equivalent".
#[test]
fn diff_picks_the_200_and_401_entries_and_says_so() {
    let har = multi("twitter-200-401.har");
    let out = doctor(&["diff", &har, &har], None);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.first_line().starts_with("signatures unchecked:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("candidate ")
            && out.stderr.contains("entry 1: POST")
            && out.stderr.contains("answered 401"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("known-good ") && out.stderr.contains("entry 0: POST"));

    let s = secret_args();
    let out = doctor(&with_secrets(&["diff", &har, &har], &s), None);
    assert_eq!(out.code, 1);
    out.hides_secrets();
    assert!(
        out.first_line()
            .starts_with("signer inconsistent: plus-for-space: "),
        "{}",
        out.stdout
    );
}

/// Two entries answered 401 and no secrets: nothing tells them apart, so
/// diff refuses (exit 2) and lists them; `--entry N` picks one.
#[test]
fn diff_refuses_to_pick_silently_and_takes_entry() {
    let har = multi("twitter-401-401.har");
    let out = doctor(&["diff", &har, &har], None);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("choose one with --entry N"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("entry 0: POST https://api.x.com/"));
    assert!(out.stderr.contains("entry 1: POST https://api.x.com/"));

    let out = doctor(
        &["diff", &har, &har, "--good-entry", "0", "--entry", "1"],
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.first_line().starts_with("signatures unchecked:"));
    assert!(out.stderr.contains("named with --entry"), "{}", out.stderr);

    // With the secrets the failing signature decides.
    let s = secret_args();
    let out = doctor(&with_secrets(&["diff", &har, &har], &s), None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.first_line().contains("plus-for-space"),
        "{}",
        out.stdout
    );
}

// ----------------------------------------------------- never claim what was not checked

/// `--structural` asks only whether the two sign the same content.
#[test]
fn structural_passes_the_same_content_unchecked() {
    let dir = root().join("fixtures/diff/unchecked-twitter-plus-for-space");
    let good = dir.join("known_good.http").display().to_string();
    let cand = dir.join("candidate.http").display().to_string();
    let out = doctor(&["diff", &good, &cand, "--json"], None);
    assert_eq!(out.code, 1);
    let v = out.json();
    assert_eq!(v["situation"], "signatures-unchecked");
    assert_eq!(v["equivalent"], true);
    assert_eq!(v["passed"], false);
    let out = doctor(&["diff", &good, &cand, "--structural", "--json"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["passed"], true);
}

/// `hunt --target` with the RFC 5849 signature of a request whose own
/// signature is wrong: the server's side has no mistake, the signer's has
/// one, and both are said; never "no mistake", and exit 1.
#[test]
fn hunt_target_with_the_rfc_signature_hunts_the_signer_too() {
    let target = std::fs::read_to_string(multi("twitter-candidate.rfc-signature.txt")).unwrap();
    let cand = multi("twitter-candidate.http");
    let s = secret_args();
    let out = doctor(
        &with_secrets(&["hunt", &cand, "--target", target.trim()], &s),
        None,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    out.hides_secrets();
    let verdict = out.stdout.lines().nth(1).unwrap();
    assert!(
        verdict.contains("follows RFC 5849, but the request's own oauth_signature does not")
            && verdict.contains("plus-for-space"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("no mistake"), "{}", out.stdout);

    let v = doctor(
        &with_secrets(&["hunt", &cand, "--target", target.trim(), "--json"], &s),
        None,
    )
    .json();
    assert_eq!(v["hunted"], "target-signature");
    assert_eq!(v["matched"], true);
    assert_eq!(v["mistakes"], serde_json::json!([]));
    assert_eq!(v["signer_follows_rfc"], false);
    assert_eq!(v["request_hunt"]["hunted"], "request-signature");
    assert_eq!(
        v["request_hunt"]["mistakes"],
        serde_json::json!(["plus-for-space"])
    );
}

/// The known-good request with its own signature as the target: neither
/// side has a mistake, exit 0.
#[test]
fn hunt_target_no_mistake_only_when_neither_side_has_one() {
    let har = multi("twitter-200-401.har");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&har).unwrap()).unwrap();
    let auth = v["log"]["entries"][0]["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "Authorization")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    let sig = auth
        .split("oauth_signature=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let s = secret_args();
    let out = doctor(
        &with_secrets(&["hunt", &har, "--entry", "0", "--target", &sig], &s),
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("no mistake"), "{}", out.stdout);
    assert!(out.stdout.contains("and so does the request's own"));
}

// ------------------------------------------------------------- name the cause first

/// `diff --json`'s `hunt.explanations` is the same list of id lists as
/// `hunt --json` on the candidate; the human output gives the
/// alternatives on the lines after the first.
#[test]
fn diff_names_the_hunts_explanation_and_its_alternatives() {
    let dir = root().join("fixtures/diff/signer-twitter-plus-for-space");
    let good = dir.join("known_good.http").display().to_string();
    let cand = dir.join("candidate.http").display().to_string();
    let s = secret_args();
    let d = doctor(&with_secrets(&["diff", &good, &cand, "--json"], &s), None).json();
    let h = doctor(&with_secrets(&["hunt", &cand, "--json"], &s), None).json();
    assert_eq!(d["hunt"]["explanations"], h["explanations"]);
    assert_eq!(
        h["explanations"],
        serde_json::json!([["plus-for-space"], ["java-urlencoder"], ["php-urlencode"]])
    );
    assert_eq!(d["cause"]["source"], "hunt");
    assert_eq!(d["cause"]["ids"], serde_json::json!(["plus-for-space"]));

    let out = doctor(&with_secrets(&["diff", &good, &cand], &s), None);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("signer inconsistent: plus-for-space: ")
            && lines[0].contains("RFC 5849 §3.6"),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].starts_with("  or equally java-urlencoder: "),
        "{}",
        out.stdout
    );
    assert!(
        lines[2].starts_with("  or equally php-urlencode: "),
        "{}",
        out.stdout
    );
}

/// An explicit `:443` is a note: with the secrets the hunt's mistake
/// (the signer kept the port) comes first, never the note.
#[test]
fn a_note_never_comes_before_the_cause() {
    let dir = root().join("fixtures/diff/signer-woo-default-port-kept");
    let good = dir.join("known_good.http").display().to_string();
    let cand = dir.join("candidate.http").display().to_string();
    let toml = std::fs::read_to_string(dir.join("expect.toml")).unwrap();
    let cs = toml
        .lines()
        .find_map(|l| l.strip_prefix("consumer_secret = "))
        .unwrap()
        .trim_matches('"')
        .to_string();
    let out = doctor(
        &["diff", &good, &cand, &format!("--consumer-secret={cs}")],
        None,
    );
    assert!(
        out.first_line()
            .starts_with("signer inconsistent: default-port-kept: the scheme's default port"),
        "{}",
        out.stdout
    );
    assert!(!out.first_line().contains("first suspect"));
}

// ------------------------------------------------------------------- verify

/// An invalid request: verify suggests `hunt` with the same arguments,
/// never a secret's value.
#[test]
fn verify_suggests_hunt_with_the_same_arguments() {
    let cand = multi("twitter-candidate.http");
    let s = secret_args();
    let out = doctor(&with_secrets(&["verify", &cand], &s), None);
    assert_eq!(out.code, 1);
    out.hides_secrets();
    assert!(
        out.stdout.contains(&format!(
            "run `oauth1-doctor hunt {cand} --consumer-secret … --token-secret …` to name the signer's mistake"
        )),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("explain"), "{}", out.stdout);

    // From standard input, which is consumed: not `explain -`.
    let text = std::fs::read_to_string(&cand).unwrap();
    let (cs, ts) = secrets();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"));
    cmd.args(["--color=never", "verify", "-"])
        .env("OAUTH1_CONSUMER_SECRET", cs)
        .env("OAUTH1_TOKEN_SECRET", ts)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("run `oauth1-doctor hunt -` with the request on standard input again"),
        "{stdout}"
    );
}

/// A bare base string given where a request is expected: said what it is
/// and which command takes it.
#[test]
fn a_bare_base_string_is_named_with_the_command_that_takes_it() {
    let sbs = root().join("fixtures/examples/my-signer-base-string.txt");
    let sbs = sbs.display().to_string();
    for command in ["verify", "explain", "hunt"] {
        let out = doctor(&[command, &sbs], None);
        assert_eq!(out.code, 2, "{command}");
        assert!(
            out.stderr.contains("bare signature base string")
                && out.stderr.contains("oauth1-doctor diff KNOWN_GOOD"),
            "{command}: {}",
            out.stderr
        );
    }
}

/// A missing secret names its flag and its environment variable, in
/// every command that needs one.
#[test]
fn a_missing_secret_names_flag_and_variable_everywhere() {
    let cand = multi("twitter-candidate.http");
    for args in [
        vec!["verify", cand.as_str()],
        vec!["hunt", cand.as_str()],
        vec!["sign", cand.as_str()],
    ] {
        let out = doctor(&args, None);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stdout);
        for want in ["--consumer-secret", "OAUTH1_CONSUMER_SECRET"] {
            assert!(out.stderr.contains(want), "{args:?}: {}", out.stderr);
        }
    }
}

// ------------------------------------------------------------ one renderer

/// `diff` and `hunt` show two base strings the same way: each whole on
/// its own line (copy-pasteable), then the differing places aligned with
/// `^` under them.
#[test]
fn diff_and_hunt_show_base_strings_one_way() {
    let hunt = doctor(
        &[
            "hunt",
            "fixtures/hunt/twitter-plus-for-space.http",
            "--consumer-secret=kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "--token-secret=LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        ],
        None,
    );
    let diff = doctor(
        &[
            "diff",
            "fixtures/examples/postman-twitter.curl",
            "fixtures/examples/my-signer-base-string.txt",
        ],
        None,
    );
    let signer =
        std::fs::read_to_string(root().join("fixtures/examples/my-signer-base-string.txt"))
            .unwrap();
    for (out, label) in [(&hunt, "signer"), (&diff, "candidate")] {
        let whole = out
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(label) && l.contains("POST&"))
            .unwrap_or_else(|| panic!("{}", out.stdout));
        let text = whole.trim_start()[label.len()..].trim();
        assert!(text.starts_with("POST&https%3A%2F%2Fapi."), "{whole}");
        assert!(
            out.stdout.contains(
                "where they differ (1 place, aligned, ^ under the differing characters):"
            ),
            "{}",
            out.stdout
        );
        let marks = out
            .stdout
            .lines()
            .filter(|l| l.trim_start().starts_with('^'))
            .count();
        assert!(marks >= 1, "{}", out.stdout);
    }
    // The whole candidate line of diff is the signer's file, untouched.
    assert!(diff.stdout.contains(signer.trim()), "{}", diff.stdout);
}
