//! Issue 12: one mistake vocabulary. Every mistake id the binary prints in
//! `--json` (diff findings' `mistake`, the hunt's `mistakes` and
//! `explanations`, violations' `mistake`, conform's `mistakes`) is a
//! catalogue id, never an old alias; and no two catalogue ids name the same
//! variant (the search side of that is the unit test
//! `hunt::search::tests::each_variant_has_one_catalogue_id`).

mod common;

use oauth1_doctor::hunt::catalogue::{canonical, catalogue, mistake, ALIASES};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary from the crate root; returns its stdout parsed as JSON.
fn json(args: &[String]) -> Value {
    let mut cmd = common::process::doctor();
    let out = cmd
        .args(["--color", "never"])
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Every mistake id in `v`: string values of `mistake`, string items of
/// `mistakes`, and the id lists of `explanations` (hunt's shape; diff's
/// sentences start with the id and a colon).
fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("mistake", Value::String(id)) => out.push(id.clone()),
                    ("mistakes", Value::Array(ids)) => {
                        out.extend(ids.iter().filter_map(|i| i.as_str().map(str::to_string)))
                    }
                    ("explanations", Value::Array(list)) => {
                        for e in list {
                            match e {
                                Value::Array(ids) => out.extend(
                                    ids.iter().filter_map(|i| i.as_str().map(str::to_string)),
                                ),
                                Value::String(s) => {
                                    if let Some((id, _)) = s.split_once(": ") {
                                        out.push(id.to_string());
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    _ => collect(x, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

/// Finding ids of a diff report (they must not be old aliases either).
fn finding_ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn diff_args(dir: &Path) -> Vec<String> {
    let mut args = vec!["diff".to_string(), "--json".to_string()];
    args.extend(
        common::diff_scenario_args(dir, &dir.display().to_string(), true)
            .expect("a candidate file"),
    );
    args
}

fn s(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

#[test]
fn issue12_every_printed_mistake_id_is_a_catalogue_id() {
    let mut printed: Vec<(String, String)> = Vec::new();
    let mut note = |source: &str, v: &Value| {
        let mut ids = Vec::new();
        collect(v, &mut ids);
        printed.extend(ids.into_iter().map(|id| (source.to_string(), id)));
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/diff"))
        .unwrap()
        .map(|d| d.unwrap().path())
        .filter(|d| d.join("expect.toml").is_file())
        .collect();
    dirs.sort();
    let mut findings = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let v = json(&diff_args(dir));
        note(&format!("diff {name}"), &v);
        findings.extend(finding_ids(&v).into_iter().map(|id| (name.clone(), id)));
        // Violations of each side's request.
        for side in ["known_good.http", "candidate.http"] {
            let p = dir.join(side);
            if p.is_file() {
                note(
                    &format!("explain {name}/{side}"),
                    &json(&s(&["explain", "--json", &p.display().to_string()])),
                );
            }
        }
    }
    note(
        "hunt",
        &json(&s(&[
            "hunt",
            "--json",
            "fixtures/hunt/twitter-plus-for-space.http",
            "--consumer-secret=kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "--token-secret=LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        ])),
    );
    for example in ["twitter.http", "postman-twitter.curl"] {
        note(
            example,
            &json(&s(&[
                "explain",
                "--json",
                &format!("fixtures/examples/{example}"),
            ])),
        );
    }
    note("check", &json(&s(&["check", "--json"])));
    if Command::new("node").arg("--version").output().is_ok() {
        for signer in ["drop_ampersand.js", "plus_for_space.js"] {
            note(
                &format!("conform {signer}"),
                &json(&s(&[
                    "conform",
                    "--json",
                    "--signer",
                    &format!("node tests/signers/{signer}"),
                ])),
            );
        }
    }

    let mut bad: Vec<String> = Vec::new();
    for (source, id) in &printed {
        if mistake(id).is_none() {
            bad.push(format!("{source}: {id} is not a catalogue id"));
        }
    }
    for (source, id) in &findings {
        if canonical(id) != id {
            bad.push(format!("{source}: finding id {id} is an old alias"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The run covered the kinds of ids the issue names (the test can fail).
    let seen: BTreeSet<&str> = printed.iter().map(|(_, id)| id.as_str()).collect();
    for id in [
        "default-port-kept",
        "key-not-encoded",
        "key-amp-dropped",
        "query-kept-in-uri",
    ] {
        assert!(seen.contains(id), "no output named {id}: {seen:?}");
    }
    assert!(
        printed.iter().any(|(s, _)| s.starts_with("explain")),
        "no violation named a mistake"
    );
}

#[test]
fn issue12_one_id_per_mistake_and_aliases_only_on_input() {
    let mut ids = BTreeSet::new();
    for m in catalogue() {
        assert!(ids.insert(m.id), "{} twice", m.id);
        assert!(!m.fix.is_empty() && !m.description.is_empty(), "{}", m.id);
        assert!(
            m.section.starts_with("RFC 5849 §") || m.section.starts_with("OAuth Request"),
            "{}",
            m.id
        );
    }
    for (old, new) in ALIASES {
        assert!(!ids.contains(old), "alias {old} is a catalogue id");
        assert!(ids.contains(new), "alias {old} points at unknown {new}");
    }
    // No finding id of diff is an old alias.
    for (id, _, _) in oauth1_doctor::diff::FINDING_IDS {
        assert_eq!(canonical(id), *id, "{id}");
    }
}
