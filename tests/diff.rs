//! The diff fixture pairs, `fixtures/diff/<scenario>/`, discovered and run
//! through the real binary (adding a case is adding a directory).
//!
//! Each directory holds `known_good.http` (absent for server-echo cases),
//! `candidate.http` or `candidate.txt` (a bare base string), optionally
//! `server_response.txt`, and `expect.toml`. Signatures in the fixtures
//! were computed by `fixtures/diff/generate.py`, an independent Python
//! RFC 5849 signer, never by oauth1-doctor.

mod common;

use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// The id the diff must name first.
    first: Option<String>,
    /// The exact set of ids (one-thing pairs).
    ids: Option<Vec<String>>,
    /// Ids that must also be present.
    also: Option<Vec<String>>,
    /// `signer-inconsistent`, `request-differs` or `equivalent`.
    situation: Option<String>,
    consumer_secret: Option<String>,
    token_secret: Option<String>,
    good_consumer_secret: Option<String>,
    good_token_secret: Option<String>,
    candidate_consumer_secret: Option<String>,
    candidate_token_secret: Option<String>,
    server_response: Option<String>,
    /// Text the human output must contain.
    contains: Option<Vec<String>>,
    /// The Postman setting the output must name.
    postman: Option<String>,
    /// The server-echo shape `--server-response` must recognise.
    shape: Option<String>,
    /// The catalogue mistake the first finding must name.
    mistake: Option<String>,
    /// Text the first line of the human output must contain (each).
    first_line: Option<Vec<String>>,
    /// The first id of the JSON `cause` (the hunt's best explanation or the top finding).
    cause: Option<String>,
    /// An RSA public key for both sides (a path from the repository root).
    public_key: Option<String>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/diff")
}

fn scenarios() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/diff exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expect.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, e: &Expect, json: bool) -> Run {
    let mut cmd = common::process::doctor();
    cmd.args(["--color", "never", "diff"]);
    let good = dir.join("known_good.http");
    if good.is_file() {
        cmd.arg(&good);
    }
    let cand = ["candidate.http", "candidate.txt"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{}: no candidate file", dir.display()));
    cmd.arg(&cand);
    let flags = [
        ("--consumer-secret", &e.consumer_secret),
        ("--token-secret", &e.token_secret),
        ("--good-consumer-secret", &e.good_consumer_secret),
        ("--good-token-secret", &e.good_token_secret),
        ("--candidate-consumer-secret", &e.candidate_consumer_secret),
        ("--candidate-token-secret", &e.candidate_token_secret),
    ];
    for (flag, value) in flags {
        if let Some(v) = value {
            cmd.arg(format!("{flag}={v}"));
        }
    }
    if let Some(k) = &e.public_key {
        cmd.arg("--public-key")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(k));
    }
    if let Some(r) = &e.server_response {
        cmd.arg("--server-response").arg(dir.join(r));
    }
    if json {
        cmd.arg("--json");
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Checks one scenario; returns what went wrong.
fn check(dir: &Path) -> Vec<String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(dir.join("expect.toml")).unwrap();
    let mut e: Expect = match toml::from_str(&text) {
        Ok(e) => e,
        Err(err) => return vec![format!("{name}: bad expect.toml: {err}")],
    };
    // Old finding ids are accepted here and read as their catalogue ids.
    let canonical = |id: &mut String| {
        *id = oauth1_doctor::hunt::catalogue::canonical(id).to_string();
    };
    e.first.iter_mut().for_each(canonical);
    e.ids.iter_mut().flatten().for_each(canonical);
    e.also.iter_mut().flatten().for_each(canonical);
    let mut problems = Vec::new();
    let r = run(dir, &e, true);
    if r.code == 2 || r.code < 0 {
        return vec![format!("{name}: exit {}: {}", r.code, r.stderr.trim())];
    }
    let v: serde_json::Value = match serde_json::from_str(&r.stdout) {
        Ok(v) => v,
        Err(err) => return vec![format!("{name}: not JSON ({err}): {}", r.stdout)],
    };
    let ids: Vec<String> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["id"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default();
    // The exit code is `passed`; `equivalent` is about the signed content
    // only, and never passes for signatures that were not checked.
    let passed = v["passed"].as_bool();
    let want_code = if passed == Some(true) { 0 } else { 1 };
    if r.code != want_code {
        problems.push(format!("{name}: exit {} but passed={passed:?}", r.code));
    }
    if v["situation"] == "signatures-unchecked"
        && (passed != Some(false) || v["equivalent"] != true)
    {
        problems.push(format!(
            "{name}: signatures-unchecked must be equivalent but not passed"
        ));
    }
    if let Some(want) = &e.cause {
        let got = v["cause"]["ids"][0].as_str();
        if got != Some(want.as_str()) {
            problems.push(format!("{name}: cause {}, expected {want:?}", v["cause"]));
        }
    }
    if let Some(first) = &e.first {
        if ids.first() != Some(first) {
            problems.push(format!(
                "{name}: first finding {:?}, expected {first:?} (all: {ids:?})",
                ids.first()
            ));
        }
    }
    if let Some(want) = &e.mistake {
        let got = v["findings"][0]["mistake"].as_str();
        if got != Some(want.as_str()) {
            problems.push(format!(
                "{name}: first finding's mistake {got:?}, expected {want:?}"
            ));
        }
    }
    if let Some(want) = &e.ids {
        let got: BTreeSet<&String> = ids.iter().collect();
        let want: BTreeSet<&String> = want.iter().collect();
        if got != want {
            problems.push(format!(
                "{name}: findings {got:?}, expected exactly {want:?}"
            ));
        }
    }
    for also in e.also.iter().flatten() {
        if !ids.contains(also) {
            problems.push(format!("{name}: {also} missing from {ids:?}"));
        }
    }
    if let Some(s) = &e.situation {
        if v["situation"].as_str() != Some(s.as_str()) {
            problems.push(format!(
                "{name}: situation {}, expected {s}",
                v["situation"]
            ));
        }
        if (s == "equivalent") != (r.code == 0) {
            problems.push(format!("{name}: situation {s} but exit {}", r.code));
        }
    }
    if let Some(shape) = &e.shape {
        if v["server_response"]["shape"].as_str() != Some(shape.as_str()) {
            problems.push(format!(
                "{name}: server response shape {}, expected {shape}",
                v["server_response"]["shape"]
            ));
        }
    }
    for key in [
        "equivalent",
        "situation",
        "findings",
        "base_strings",
        "good_valid",
        "candidate_valid",
        "hunt",
        "cause",
        "passed",
    ] {
        if v.get(key).is_none() {
            problems.push(format!("{name}: JSON lacks {key:?}"));
        }
    }
    let human = run(dir, &e, false);
    if human.code != r.code {
        problems.push(format!(
            "{name}: human exit {} vs JSON exit {}",
            human.code, r.code
        ));
    }
    let first_line = human.stdout.lines().next().unwrap_or("");
    let verdicts = [
        "equivalent:",
        "signatures unchecked:",
        "signer inconsistent:",
        "request differs:",
        "base string differs:",
        "different:",
        "Server response:",
    ];
    if !verdicts.iter().any(|w| first_line.starts_with(w)) {
        problems.push(format!(
            "{name}: first line is not a verdict: {first_line:?}"
        ));
    }
    for c in e.first_line.iter().flatten() {
        if !first_line.contains(c.as_str()) {
            problems.push(format!("{name}: first line lacks {c:?}: {first_line:?}"));
        }
    }
    // A signer-inconsistent candidate whose hunt found the mistake names
    // it first (not a finding, and never a note such as an explicit port).
    let hunted = &v["hunt"]["mistakes"];
    if v["situation"] == "signer-inconsistent"
        && v["hunt"]["matched"] == true
        && hunted.as_array().is_some_and(|m| !m.is_empty())
        && (v["cause"]["source"] != "hunt" || &v["cause"]["ids"] != hunted)
    {
        problems.push(format!(
            "{name}: cause {} is not the hunt's {hunted}",
            v["cause"]
        ));
    }
    if let Some(id) = v["cause"]["ids"][0].as_str() {
        if !first_line.contains(id) {
            problems.push(format!(
                "{name}: first line does not name the cause {id}: {first_line:?}"
            ));
        }
    }
    for c in e.contains.iter().flatten() {
        if !human.stdout.contains(c.as_str()) {
            problems.push(format!("{name}: output lacks {c:?}"));
        }
    }
    if let Some(p) = &e.postman {
        if !human.stdout.contains(p.as_str()) || !r.stdout.contains(p.as_str()) {
            problems.push(format!("{name}: the Postman setting {p:?} is not named"));
        }
    }
    let secrets = [
        &e.consumer_secret,
        &e.token_secret,
        &e.good_consumer_secret,
        &e.good_token_secret,
        &e.candidate_consumer_secret,
        &e.candidate_token_secret,
    ];
    for s in secrets.into_iter().flatten() {
        let s = s.trim();
        if s.len() >= 6
            && (human.stdout.contains(s) || r.stdout.contains(s) || human.stderr.contains(s))
        {
            problems.push(format!("{name}: a secret is printed"));
        }
    }
    problems
}

#[test]
fn diff_fixture_pairs() {
    let dirs = scenarios();
    let mut problems = Vec::new();
    for d in &dirs {
        problems.extend(check(d));
    }
    assert!(
        problems.is_empty(),
        "{} of {} scenarios failed:\n{}",
        problems.len(),
        dirs.len(),
        problems.join("\n")
    );
}

#[test]
fn every_finding_id_has_a_one_thing_pair() {
    // base-string-differs is the safety net for differences no other check
    // explains; by construction no pair can produce it alone.
    let names: BTreeSet<String> = scenarios()
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let missing: Vec<&str> = oauth1_doctor::diff::FINDING_IDS
        .iter()
        .map(|(id, _, _)| *id)
        .filter(|id| *id != "base-string-differs" && !names.contains(&format!("id-{id}")))
        .collect();
    assert!(missing.is_empty(), "no id-<id> pair for {missing:?}");
    let count = |prefix: &str| names.iter().filter(|n| n.starts_with(prefix)).count();
    assert!(
        count("mistake-") >= 40,
        "only {} realistic mistakes",
        count("mistake-")
    );
    assert!(count("equivalent-") >= 3);
    for shape in [
        "etsy-debug-sbs",
        "flickr-debug-sbs",
        "jira",
        "khan",
        "mastercard",
        "wordpress",
        "ims-lti",
        "tumblr",
        "unknown-html",
    ] {
        assert!(names.contains(&format!("echo-{shape}")), "no echo-{shape}");
    }
}

#[test]
fn unreadable_input_exits_2() {
    let dir = fixtures();
    let out = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(["diff", "no-such-file.http"])
        .arg(dir.join("id-port-mismatch/candidate.http"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.http"));
}

#[test]
fn readme_documents_every_finding_id() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme
        .find("## diff")
        .expect("README has a ## diff section")..];
    for (id, category, _) in oauth1_doctor::diff::FINDING_IDS {
        let row = format!("| `{id}` | {} |", category.as_str());
        assert!(section.contains(&row), "README lacks the row for {id}");
    }
}

/// With colour off, `^` marks exactly the differing span under each base string.
#[test]
fn carets_mark_the_differing_span() {
    let dir = fixtures().join("id-port-mismatch");
    let out = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(["--color", "never", "diff"])
        .arg(dir.join("known_good.http"))
        .arg(dir.join("candidate.http"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let mut marked = String::new();
    for pair in lines.windows(2) {
        let (line, marks) = (pair[0], pair[1]);
        if marks.trim_start().starts_with('^') && !line.trim().is_empty() {
            // Columns are characters (the excerpt may start with '…').
            for (i, m) in marks.chars().enumerate() {
                if m == '^' {
                    marked.push(line.chars().nth(i).unwrap());
                }
            }
            marked.push('|');
        }
    }
    assert_eq!(marked, "%3A8443|", "{text}");
}
