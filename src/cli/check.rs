//! `check`: run fixture files (default: the bundled corpus) through the
//! pipeline, one pass/fail line per case and a closing `N passed, M failed`.

use super::junit::{junit_case, write_junit};
use super::render::{paint, visible, visible_lines, BAD, DIM, GOOD};
use super::Outcome;
use anyhow::{bail, Context, Result};
use clap::Args;
use oauth1_doctor::fixtures::{
    self, join_relative, parent, BundledFiles, Case, CheckReport, CheckedVector,
};
use oauth1_doctor::input::files::{read_bounded, read_bounded_text};
use oauth1_doctor::input::Files;
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fixture files or directories (searched for *.toml); default: the bundled corpus.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print one JSON object instead of lines.
    #[arg(long)]
    pub json: bool,
    /// Also write a JUnit XML report to FILE (for CI systems): a
    /// `<failure>` for a case whose expectation is not met, an `<error>`
    /// for a fixture that cannot be loaded.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    #[command(flatten)]
    pub quiet: super::Quiet,
}

/// Files next to a fixture on disk.
pub struct FixtureDir(pub String);

impl Files for FixtureDir {
    fn read(&self, path: &str) -> std::result::Result<Vec<u8>, String> {
        let p = join_relative(&self.0, path);
        read_bounded(Path::new(&p)).map_err(|e| e.to_string())
    }
}

/// One fixture file, loaded (or why not).
pub struct Loaded {
    /// Where it came from (a path, or `bundled:vectors/...`).
    pub path: String,
    /// The prepared case, or the load error (file:line:col) or build mismatch.
    pub case: std::result::Result<Case, String>,
}

fn collect_tomls(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for c in children {
            if c.is_dir() || c.extension().is_some_and(|e| e == "toml") {
                collect_tomls(&c, out)?;
            }
        }
    } else if path.exists() {
        out.push(path.to_path_buf());
    } else {
        bail!("{}: no such file or directory", path.display());
    }
    Ok(())
}

fn prepare(path: String, text: &str, files: &dyn Files) -> Loaded {
    let case = fixtures::load(&path, text)
        .map_err(|e| e.to_string())
        .and_then(|f| fixtures::prepare(&f, files).map_err(|m| format!("{path}: {}: {m}", f.name)));
    Loaded { path, case }
}

/// Loads the fixtures at `paths`, or the bundled corpus when there are none.
pub fn load_corpus(paths: &[PathBuf]) -> Result<Vec<Loaded>> {
    if paths.is_empty() {
        return Ok(fixtures::bundled_fixtures()
            .map(|(p, text)| {
                let files = BundledFiles {
                    dir: parent(p).to_string(),
                };
                prepare(format!("bundled:{p}"), text, &files)
            })
            .collect());
    }
    let mut files = Vec::new();
    for p in paths {
        collect_tomls(p, &mut files)?;
    }
    let mut out = Vec::new();
    for f in files {
        let shown = f.to_string_lossy().replace('\\', "/");
        let loaded = match read_bounded_text(&f) {
            Ok(text) => prepare(
                shown.clone(),
                &text,
                &FixtureDir(parent(&shown).to_string()),
            ),
            Err(e) => Loaded {
                path: shown.clone(),
                case: Err(e.to_string()),
            },
        };
        out.push(loaded);
    }
    Ok(out)
}

struct CaseReport {
    vector: CheckedVector,
    /// When the case was checked and how long it took (JUnit only).
    timing: Option<(SystemTime, Duration)>,
}

/// The JUnit test case of one checked fixture: a `<failure>` with the
/// first differing stage, or an `<error>` for a fixture that did not load.
fn junit_check_case(c: &CaseReport) -> TestCase {
    let r = &c.vector;
    let status = if r.passed {
        TestCaseStatus::success()
    } else if let Some(m) = &r.mismatch {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(format!("first differing stage: {}", m.stage));
        status.set_type(format!("{:?}", m.stage));
        status.set_description(format!(
            "first differing stage: {}\nexpected: {}\nactual:   {}",
            m.stage, m.expected, m.actual
        ));
        status
    } else {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        let error = r.error.clone().unwrap_or_default();
        status.set_message(error.lines().next().unwrap_or_default());
        status.set_description(error);
        status
    };
    let name = r.id.as_deref().unwrap_or(&r.path);
    let mut case = junit_case("check", name, status, c.timing);
    case.set_system_out(format!("fixture: {}", r.path));
    case
}

pub fn run(args: CheckArgs) -> Result<Outcome> {
    let suite_started = (SystemTime::now(), Instant::now());
    let corpus = load_corpus(&args.paths)?;
    if corpus.is_empty() {
        // Nothing ran, so nothing passed: that is not a success.
        let shown: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "no fixture found in {}: a fixture is a .toml file (see fixtures/vectors/); nothing was checked",
            shown.join(", ")
        );
    }
    let mut reports = Vec::new();
    for l in corpus {
        let report = match &l.case {
            Ok(case) => {
                let started = (SystemTime::now(), Instant::now());
                let result = fixtures::check_case(case);
                CaseReport {
                    vector: CheckedVector {
                        id: Some(case.fixture.name.clone()),
                        path: l.path.clone(),
                        passed: result.is_ok(),
                        mismatch: result.err(),
                        error: None,
                    },
                    timing: Some((started.0, started.1.elapsed())),
                }
            }
            Err(e) => CaseReport {
                vector: CheckedVector {
                    id: None,
                    path: l.path.clone(),
                    passed: false,
                    mismatch: None,
                    error: Some(e.clone()),
                },
                timing: None,
            },
        };
        reports.push(report);
    }
    if let Some(path) = &args.junit {
        let run = (suite_started.0, suite_started.1.elapsed());
        write_junit(
            path,
            "check",
            run,
            reports.iter().map(junit_check_case).collect(),
        )?;
    }
    let report = CheckReport::new(reports.into_iter().map(|c| c.vector).collect());
    let (passed, failed) = (report.passed, report.failed);
    if args.json {
        anstream::println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let width = report
            .vectors
            .iter()
            .filter_map(|r| r.id.as_ref().map(|n| n.chars().count()))
            .max()
            .unwrap_or(0);
        for r in &report.vectors {
            match (&r.id, r.passed) {
                (Some(n), true) => anstream::println!(
                    "{}  {}  {}",
                    paint(GOOD, "pass"),
                    super::render::pad(&visible(n), width),
                    paint(DIM, visible(&r.path))
                ),
                (Some(n), false) => {
                    anstream::println!(
                        "{}  {}  {}",
                        paint(BAD, "FAIL"),
                        super::render::pad(&visible(n), width),
                        paint(DIM, visible(&r.path))
                    );
                    if let Some(m) = &r.mismatch {
                        anstream::println!("      first differing stage: {}", m.stage);
                        anstream::println!("      expected: {}", visible(&m.expected));
                        anstream::println!("      actual:   {}", visible(&m.actual));
                    }
                }
                (None, _) => {
                    anstream::println!(
                        "{}  {}",
                        paint(BAD, "FAIL"),
                        visible_lines(r.error.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        let summary = format!("{passed} passed, {failed} failed");
        anstream::println!("{}", paint(if failed == 0 { GOOD } else { BAD }, summary));
    }
    Ok(if failed == 0 {
        Outcome::Ok
    } else {
        Outcome::Mismatch
    })
}
