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
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
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
