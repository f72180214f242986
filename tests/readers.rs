//! Every reader fixture: `fixtures/readers/<format>/<name>.<curl|http|har>`
//! must read (with format detection) as `<name>.expected.json`.
//!
//! The expected file holds one request object, or an array of them for an
//! input that holds several: `method`, `url`, `headers` (`[name, value]`
//! pairs in order), `body` (text), `violations` (the exact set of codes),
//! and optionally `label`. Files named under `files/` are what `@file`
//! options refer to, relative to the fixture.
//!
//! Adding a case is adding two files. `BLESS=1 cargo test --test readers`
//! writes missing expected files, to be reviewed by hand before commit.

use oauth1_doctor::input::{self, sniff, Files, ReadOptions};
use oauth1_doctor::{Format, ReadRequest};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Files relative to the fixture's directory.
struct Dir(PathBuf);

impl Files for Dir {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| format!("cannot read {path:?}: {e}"))
    }
}

fn actual(reads: &[ReadRequest]) -> Value {
    let items: Vec<Value> = reads
        .iter()
        .map(|r| {
            let mut codes: Vec<&str> = r.violations.iter().map(|v| v.code).collect();
            codes.sort_unstable();
            codes.dedup();
            let mut v = json!({
                "method": r.request.method,
                "url": r.request.url,
                "headers": r.request.headers,
                "body": String::from_utf8_lossy(&r.request.body),
                "violations": codes,
            });
            if let Some(l) = &r.label {
                v["label"] = json!(l);
            }
            v
        })
        .collect();
    if items.len() == 1 {
        items.into_iter().next().unwrap_or_default()
    } else {
        Value::Array(items)
    }
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/readers");
    let mut out = Vec::new();
    for format in ["curl", "http", "har"] {
        let dir = root.join(format);
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) == Some(format) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_reader_fixture_reads_as_expected() {
    let all = fixtures();
    assert!(all.len() >= 20, "only {} fixtures found", all.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for path in &all {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let format = match ext {
            "curl" => Format::Curl,
            "http" => Format::Http,
            _ => Format::Har,
        };
        if sniff(&bytes) != format {
            failures.push(format!("{name}: detected as {:?}", sniff(&bytes)));
            continue;
        }
        let files = Dir(path.parent().unwrap().to_path_buf());
        let reads = match input::read(&bytes, &ReadOptions::default(), &files) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let got = actual(&reads);
        let expected_path = path.with_extension("expected.json");
        let Ok(text) = std::fs::read_to_string(&expected_path) else {
            if bless {
                let pretty = serde_json::to_string_pretty(&got).unwrap() + "\n";
                std::fs::write(&expected_path, pretty).unwrap();
            } else {
                failures.push(format!("{name}: no {}", expected_path.display()));
            }
            continue;
        };
        let expected: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        if got != expected {
            failures.push(format!(
                "{name}:\nexpected {}\nactual   {}",
                serde_json::to_string_pretty(&expected).unwrap(),
                serde_json::to_string_pretty(&got).unwrap()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}
