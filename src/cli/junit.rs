//! JUnit XML reports (`check --junit`, `conform --junit`), written with
//! quick-junit.

use anyhow::{Context, Result};
use quick_junit::{Report, TestCase, TestCaseStatus, TestSuite};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// A JUnit test case: its name, class, status, and when and how long it ran.
pub fn junit_case(
    suite: &str,
    name: &str,
    status: TestCaseStatus,
    timing: Option<(SystemTime, Duration)>,
) -> TestCase {
    let mut case = TestCase::new(name, status);
    case.set_classname(format!("oauth1-doctor.{suite}"));
    if let Some((started, time)) = timing {
        case.set_timestamp(chrono::DateTime::<chrono::Utc>::from(started));
        case.set_time(time);
    }
    case
}

/// Writes the JUnit XML report of one suite of `cases` to `path`.
pub fn write_junit(
    path: &Path,
    suite: &str,
    run: (SystemTime, Duration),
    cases: Vec<TestCase>,
) -> Result<()> {
    let mut s = TestSuite::new(suite);
    s.set_timestamp(chrono::DateTime::<chrono::Utc>::from(run.0));
    s.set_time(run.1);
    s.add_test_cases(cases);
    let mut report = Report::new("oauth1-doctor");
    report.add_test_suite(s);
    let xml = report
        .to_string()
        .context("cannot write the JUnit report")?;
    std::fs::write(path, xml).with_context(|| format!("cannot write {}", path.display()))
}
