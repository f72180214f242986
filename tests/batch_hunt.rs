//! `verify LOG --secrets FILE --hunt` through the real binary, on a log
//! written and signed by `benches/batch/mistakes_log.py` (Python's `hmac`,
//! independent of oauth1-doctor): one request in ten carries a signer
//! mistake of the catalogue, one of those in ten a wrong consumer secret.
//! The script's truth file says which line carries which mistake; the hunt
//! must name it for each of them, and nothing for the rest.

mod common;

use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

fn python() -> String {
    std::env::var("OAUTH1_DOCTOR_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

#[test]
fn every_mistake_in_a_python_signed_log_is_named_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let (log, secrets, truth) = (
        dir.path().join("log.jsonl"),
        dir.path().join("secrets.toml"),
        dir.path().join("truth.jsonl"),
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/batch/mistakes_log.py");
    let made = Command::new(python())
        .arg(&script)
        .args(["2000"])
        .args([&log, &secrets])
        .args(["--every", "10", "--truth"])
        .arg(&truth)
        .output()
        .expect("python3 runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let expected: HashMap<u64, String> = std::fs::read_to_string(&truth)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["line"].as_u64().unwrap(),
                v["mistake"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(expected.len(), 200);

    let out = common::process::doctor()
        .arg("verify")
        .arg(&log)
        .arg("--secrets")
        .arg(&secrets)
        .args(["--only-invalid", "--hunt", "--json"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "some requests are invalid");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (summary, lines) = rows.split_last().unwrap();
    assert_eq!(summary["summary"]["valid"], 1800);
    assert_eq!(summary["summary"]["invalid"], 200);
    assert_eq!(lines.len(), 200, "--only-invalid prints the invalid lines");
    let mut named: HashMap<&str, usize> = HashMap::new();
    for row in lines {
        let line = row["line"].as_u64().unwrap();
        let mistake = expected
            .get(&line)
            .unwrap_or_else(|| panic!("line {line} was signed correctly but is {row}"));
        assert_eq!(row["verdict"], "invalid");
        let hunt = &row["hunt"];
        let explanations: Vec<Vec<&str>> = hunt["explanations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e.as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap())
                    .collect()
            })
            .collect();
        if mistake == "wrong-consumer-secret" {
            // No signer mistake reproduces another key: the hunt says so.
            assert_eq!(hunt["matched"], false, "line {line}: {hunt}");
            assert_eq!(hunt["budget"]["depth_completed"], 2, "line {line}");
        } else {
            assert!(
                explanations.contains(&vec![mistake.as_str()]),
                "line {line} was signed with {mistake}; the hunt names {explanations:?}"
            );
        }
        *named.entry(mistake.as_str()).or_default() += 1;
    }
    assert_eq!(named.len(), 10, "{named:?}");
    assert!(named.values().all(|&n| n == 20), "{named:?}");
}
