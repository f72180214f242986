//! Issue 12: single-request and batch `verify` give one verdict under one
//! rule (`verify::judge`), run through the real binary on requests signed
//! by fixtures/tools/verify_cases.py (Python stdlib, not oauth1-doctor).

use std::process::Command;

fn fixture(name: &str) -> String {
    format!("{}/fixtures/verify/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn doctor(args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(args)
        .env_remove("OAUTH1_CONSUMER_SECRET")
        .env_remove("OAUTH1_TOKEN_SECRET")
        .env("NO_COLOR", "1")
        .output()
        .expect("run oauth1-doctor");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The three requests of all.jsonl, in order, with the verdict each must get.
const CASES: [(&str, &str, Option<&str>); 3] = [
    ("body-hash-ok.http", "valid", None),
    (
        "body-hash-wrong.http",
        "invalid",
        Some("oauth_body_hash does not match the body"),
    ),
    (
        "signature-wrong.http",
        "invalid",
        Some("oauth_signature does not match"),
    ),
];

#[test]
fn issue12_single_and_batch_verify_agree() {
    let (batch_code, batch_out) = doctor(&[
        "verify",
        &fixture("all.jsonl"),
        "--consumer-secret",
        "verify-cs",
        "--json",
    ]);
    assert_eq!(batch_code, 1, "{batch_out}");
    let rows = json_lines(&batch_out);
    assert_eq!(rows.len(), CASES.len() + 1, "{batch_out}");
    for (i, (file, verdict, reason)) in CASES.iter().enumerate() {
        // Batch verify, one JSON line per request.
        let row = &rows[i];
        assert_eq!(row["verdict"], *verdict, "batch, {file}: {row}");
        assert_eq!(row["reason"].as_str(), *reason, "batch, {file}: {row}");
        // Single-request verify on the same request as raw HTTP.
        let (code, out) = doctor(&[
            "verify",
            &fixture(file),
            "--consumer-secret",
            "verify-cs",
            "--json",
        ]);
        let single = &json_lines(&out)[0];
        assert_eq!(single["verdict"], *verdict, "single, {file}: {out}");
        assert_eq!(single["reason"].as_str(), *reason, "single, {file}");
        assert_eq!(code, if *verdict == "valid" { 0 } else { 1 }, "{file}");
        // The batch path over the raw HTTP file (--only-invalid takes it).
        let (code_b, out_b) = doctor(&[
            "verify",
            &fixture(file),
            "--consumer-secret",
            "verify-cs",
            "--only-invalid",
            "--json",
        ]);
        assert_eq!(code_b, code, "{file}: {out_b}");
        let summary = &json_lines(&out_b).last().cloned().unwrap()["summary"];
        assert_eq!(summary[*verdict], 1, "{file}: {out_b}");
    }
}

/// The human form of a body-hash verdict says so, and the signature itself
/// is shown as matching.
#[test]
fn issue12_single_verify_names_a_wrong_body_hash() {
    let (code, out) = doctor(&[
        "verify",
        &fixture("body-hash-wrong.http"),
        "--consumer-secret",
        "verify-cs",
    ]);
    assert_eq!(code, 1, "{out}");
    let first = out.lines().next().unwrap_or("");
    assert_eq!(
        first,
        "invalid: oauth_body_hash does not match the body (HMAC-SHA1)"
    );
    let shown: Vec<&str> = out
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("expected")
                .or(l.trim().strip_prefix("actual"))
        })
        .map(str::trim)
        .collect();
    assert_eq!(shown.len(), 2, "{out}");
    assert_eq!(shown[0], shown[1], "{out}");
    assert!(out.contains("[body-hash-mismatch]"), "{out}");
}
