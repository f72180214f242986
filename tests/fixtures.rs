//! Data-driven: every fixture file under `fixtures/` is loaded and checked
//! through the library; adding a case is adding a file.

use oauth1_doctor::fixtures::{self, join_relative, parent};
use oauth1_doctor::input::Files;
use std::path::{Path, PathBuf};

struct Disk {
    dir: String,
}

impl Files for Disk {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let p = join_relative(&self.dir, path);
        std::fs::read(&p).map_err(|e| format!("{p}: {e}"))
    }
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    toml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/vectors"),
        &mut files,
    );
    files.sort();
    files
}

#[test]
fn every_fixture_file_checks() {
    let files = corpus();
    assert!(files.len() >= 60, "only {} fixture files", files.len());
    let mut failures = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for path in &files {
        let shown = path.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let f = match fixtures::load(&shown, &text) {
            Ok(f) => f,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        assert!(
            names.insert(f.name.clone()),
            "duplicate fixture name {}",
            f.name
        );
        let files = Disk {
            dir: parent(&shown.replace('\\', "/")).to_string(),
        };
        if let Err(m) = fixtures::check(&f, &files) {
            failures.push(format!("{shown}: {m}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing fixtures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_bundled_corpus_is_the_one_on_disk() {
    let on_disk: Vec<String> = corpus()
        .iter()
        .filter(|p| p.to_string_lossy().contains("/fixtures/vectors/"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let bundled: Vec<String> = fixtures::bundled_fixtures()
        .map(|(_, t)| t.to_string())
        .collect();
    assert_eq!(on_disk.len(), bundled.len());
    for t in &on_disk {
        assert!(bundled.contains(t));
    }
}

// ---- the `check` command, run as a binary

use std::process::{Command, Output};

fn doctor(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn check_runs_the_bundled_corpus_from_any_directory() {
    let dir = tempfile::tempdir().unwrap();
    let o = doctor(&["check"], dir.path());
    let out = stdout(&o);
    let n = fixtures::bundled_fixtures().count();
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("pass  ")).count(), n);
    assert_eq!(
        out.lines().last(),
        Some(format!("{n} passed, 0 failed").as_str())
    );
}

const GOOD: &str = r#"name = "tiny"
description = "wiki.oauth.net TestCases HMAC-SHA1"
given_base_string = "bs"

[oauth]
signature_method = "HMAC-SHA1"

[secrets]
consumer_secret = "cs"
token_secret = "ts"

[expected]
signature = "VZVjXceV7JgPq/dOTnNmEfO0Fv8="
"#;

#[test]
fn check_reports_a_broken_fixture_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    std::fs::write(
        dir.path().join("typo.toml"),
        GOOD.replace(
            "token_secret = \"ts\"",
            "token_secret = \"ts\"\ntoken_secert = \"ts\"",
        ),
    )
    .unwrap();
    let o = doctor(&["check", "."], dir.path());
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("pass  tiny"), "{out}");
    assert!(
        out.contains("FAIL  ./typo.toml:11:1: unknown field `token_secert`"),
        "{out}"
    );
    assert_eq!(out.lines().last(), Some("1 passed, 1 failed"));
}

#[test]
fn check_names_the_first_differing_stage_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("wrong.toml"),
        GOOD.replace("VZVjX", "XZVjX"),
    )
    .unwrap();
    let o = doctor(&["check", "wrong.toml"], dir.path());
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(out.contains("first differing stage: signature"), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn check_of_a_missing_path_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let o = doctor(&["check", "nope.toml"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope.toml"));
}

#[test]
fn check_resolves_key_files_relative_to_a_relative_fixture_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = doctor(
        &["check", "computed/method-rsa-sha1.toml"],
        &root.join("fixtures/vectors"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = doctor(
        &["check", "method-rsa-sha1.toml"],
        &root.join("fixtures/vectors/computed"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
