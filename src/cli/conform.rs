//! `conform`: run a signer under test on every vector and grade its answers.
//!
//! Each vector runs `sh -c COMMAND` once, with the vector's inputs as one
//! JSON object on standard input; its standard output is the answer. A
//! signer that hangs is killed at the timeout, and whatever a signer
//! started is killed when it exits (see `process_tree`).

use super::check::load_corpus;
use super::junit::{junit_case, write_junit};
use super::process_tree;
use super::render::{clip, paint, visible, BAD, GOOD};
use super::Outcome;
use anyhow::{bail, Result};
use clap::Args;
use oauth1_doctor::conform::{base_string_lines, grade, parse_answer, ConformReport, Grade};
use oauth1_doctor::fixtures::Vector;
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// Output beyond this is cut (a signer printing forever is garbage, not an answer).
const MAX_OUTPUT: u64 = 1024 * 1024;

/// Options shared by `conform` and `vectors grade`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only vectors whose id matches PATTERN (a substring, or a glob with `*`).
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// Also write a JUnit XML report to FILE (for CI systems).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print one JSON object: {passed, failed, vectors: [{id, passed, mistakes, reason}]}.
    #[arg(long)]
    pub json: bool,
    /// Fixture files or directories to take vectors from (default: the bundled corpus).
    #[arg(long = "fixtures", value_name = "PATH")]
    pub fixtures: Vec<PathBuf>,
    #[command(flatten)]
    pub quiet: super::Quiet,
}

#[derive(Debug, Args)]
pub struct ConformArgs {
    /// The signer under test, run through `sh -c` once per vector.
    #[arg(long, value_name = "COMMAND")]
    pub signer: String,
    /// Seconds a signer may take per vector before it is killed.
    #[arg(long, value_name = "SECONDS", default_value = "10")]
    pub timeout: f64,
    /// How many vectors to run at once.
    #[arg(long, value_name = "N", default_value = "2")]
    pub jobs: usize,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// True when `id` matches `pattern`: a substring, or a glob when it holds `*`.
pub fn matches(pattern: &str, id: &str) -> bool {
    if !pattern.contains('*') {
        return id.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = id;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    rest.is_empty()
}

/// The conformance vectors of the corpus, filtered; a broken fixture is an error.
pub fn vectors(report: &ReportArgs) -> Result<Vec<Vector>> {
    let mut out = Vec::new();
    for l in load_corpus(&report.fixtures)? {
        let case = match l.case {
            Ok(c) => c,
            Err(e) => bail!("{e}"),
        };
        if let Some(v) = case.vector() {
            if report.filter.as_deref().is_none_or(|p| matches(p, &v.id)) {
                out.push(v);
            }
        }
    }
    if out.is_empty() {
        bail!("no conformance vector matches");
    }
    Ok(out)
}

/// Reads `r` to its end, keeping the first `limit` bytes: the rest is
/// read and dropped, so a signer that prints too much is not stopped by
/// a closed pipe (SIGPIPE) but finishes, and the cut is reported.
fn reader<R: Read + Send + 'static>(r: R, limit: u64) -> mpsc::Receiver<(Vec<u8>, bool)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut r = r;
        let _ = (&mut r).take(limit).read_to_end(&mut buf);
        let over = std::io::copy(&mut r, &mut std::io::sink()).unwrap_or(0) > 0;
        let _ = tx.send((buf, over));
    });
    rx
}

/// What one run of the signer gave.
pub struct SignerRun {
    /// Its standard output (the answer to grade), or why there is none.
    pub output: Result<String, String>,
    /// True when the signer itself broke (could not start, crashed, timed
    /// out, printed without end) rather than answering: a JUnit `<error>`,
    /// not a `<failure>`.
    pub broke: bool,
    /// Its standard error, as far as it was read.
    pub stderr: Vec<u8>,
}

/// Runs the signer once: its standard output (or why there is none) and
/// its standard error. Whatever it started is killed and reaped before
/// this returns.
pub fn run_signer(command: &str, input: &str, timeout: Duration) -> SignerRun {
    let broke = |reason: String, stderr: Vec<u8>| SignerRun {
        output: Err(reason),
        broke: true,
        stderr,
    };
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut signer = match process_tree::spawn(&mut cmd) {
        Ok(s) => s,
        Err(e) => return broke(format!("cannot start the signer: {e}"), Vec::new()),
    };
    let stdin = signer.child.stdin.take();
    let input = input.as_bytes().to_vec();
    std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            // A signer that does not read its input closes the pipe: not our error.
            let _ = s.write_all(&input);
        }
    });
    let out = reader(signer.child.stdout.take().expect("piped"), MAX_OUTPUT);
    let err = reader(signer.child.stderr.take().expect("piped"), 64 * 1024);
    let start = Instant::now();
    // Standard error as far as it came, once the signer is gone or killed.
    let stderr_of = |err: &mpsc::Receiver<(Vec<u8>, bool)>| {
        err.recv_timeout(Duration::from_millis(200))
            .map(|(b, _)| b)
            .unwrap_or_default()
    };
    let status = loop {
        match signer.child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                let killed = match signer.kill_tree() {
                    Ok(()) => "the signer and what it started were killed".to_string(),
                    Err(e) => format!("killing the signer failed: {e}"),
                };
                return broke(
                    format!("timed out after {:.1}s ({killed})", timeout.as_secs_f64()),
                    stderr_of(&err),
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = signer.kill_tree();
                return broke(format!("cannot wait for the signer: {e}"), stderr_of(&err));
            }
        }
    };
    // The signer is done: what it left running (a background job, a
    // daemon) is killed now, which also closes the output it held open.
    signer.sweep();
    let grace = Duration::from_millis(500).max(timeout.saturating_sub(start.elapsed()));
    let Ok((stdout, over)) = out.recv_timeout(grace) else {
        return broke(
            "the signer exited but something it started kept its output open".into(),
            stderr_of(&err),
        );
    };
    let stderr = stderr_of(&err);
    if over {
        return broke(
            format!(
                "output over {} MiB, truncated (not an answer)",
                MAX_OUTPUT / (1024 * 1024)
            ),
            stderr,
        );
    }
    if !status.success() {
        // The signer's own words, as it wrote them but with control
        // characters escaped (they must not reach the terminal).
        let last = String::from_utf8_lossy(&stderr)
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!(": {}", clip(&visible(l.trim()), 160)))
            .unwrap_or_default();
        return broke(format!("the signer failed ({status}){last}"), stderr);
    }
    SignerRun {
        output: String::from_utf8(stdout)
            .map_err(|_| "the signer's output is not UTF-8".to_string()),
        broke: false,
        stderr,
    }
}

/// One graded vector, with what JUnit reports beside the grade.
pub struct Graded {
    /// The verdict.
    pub grade: Grade,
    /// True when the signer broke instead of answering (a JUnit `<error>`).
    pub broke: bool,
    /// When the run started, and how long it took (running and grading).
    pub timing: Option<(SystemTime, Duration)>,
    /// The signer's standard error, secrets of the vector masked.
    pub stderr: Option<String>,
}

impl Graded {
    /// A grade with nothing else to report (`vectors grade`: no signer ran).
    pub fn of(grade: Grade) -> Graded {
        Graded {
            grade,
            broke: false,
            timing: None,
            stderr: None,
        }
    }
}

/// `text` with every secret of `v` replaced by `<hidden>`: a signer may
/// print the secrets it was given, and they are never written out.
fn mask_secrets(text: &str, v: &Vector) -> String {
    let mut out = text.to_string();
    let secrets = [
        Some(v.input.consumer_secret.as_str()),
        Some(v.input.token_secret.as_str()),
        v.input.private_key_pem.as_deref(),
    ];
    for secret in secrets.into_iter().flatten() {
        if !secret.is_empty() {
            out = out.replace(secret, "<hidden>");
        }
    }
    out
}

/// Runs and grades one vector.
fn conform_one(v: &Vector, command: &str, timeout: Duration) -> Graded {
    let started = SystemTime::now();
    let clock = Instant::now();
    let input = match serde_json::to_string(&v.input) {
        Ok(s) => s,
        Err(e) => {
            return Graded::of(Grade::failed(
                &v.id,
                format!("cannot encode the vector: {e}"),
            ))
        }
    };
    let run = run_signer(command, &input, timeout);
    let mut grade = match run.output {
        Ok(output) => match parse_answer(&output) {
            Ok(answer) => grade(v, &answer),
            Err(reason) => Grade::failed(&v.id, reason),
        },
        Err(reason) => Grade::failed(&v.id, reason),
    };
    // A reason may quote the signer's output or standard error.
    grade.reason = grade.reason.map(|r| mask_secrets(&r, v));
    Graded {
        grade,
        broke: run.broke,
        timing: Some((started, clock.elapsed())),
        stderr: Some(mask_secrets(&String::from_utf8_lossy(&run.stderr), v)),
    }
}

/// The diff of two base strings, one parameter per line, without colour:
/// `-` known-good, `+` signer.
fn base_string_diff_text(expected: &str, reported: &str) -> String {
    let e = base_string_lines(expected);
    let r = base_string_lines(reported);
    let e: Vec<&str> = e.iter().map(String::as_str).collect();
    let r: Vec<&str> = r.iter().map(String::as_str).collect();
    let mut o = String::from("base string diff (- known-good, + signer):\n");
    for change in similar::TextDiff::from_slices(&e, &r).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => ' ',
        };
        o.push_str(&format!("{sign} {}\n", change.value()));
    }
    o
}

/// The JUnit test case of one graded vector: a `<failure>` for a wrong
/// answer, an `<error>` for a signer that broke; the base-string diff in
/// system-out and the signer's standard error in system-err.
fn junit_conform_case(suite: &str, g: &Graded) -> TestCase {
    let grade = &g.grade;
    let status = if grade.passed {
        TestCaseStatus::success()
    } else {
        let kind = if g.broke {
            NonSuccessKind::Error
        } else {
            NonSuccessKind::Failure
        };
        let mut status = TestCaseStatus::non_success(kind);
        let reason = grade.reason.clone().unwrap_or_default();
        status.set_message(reason.as_str());
        let mut description = reason;
        if let Some(m) = &grade.mistakes {
            description.push_str(&format!("\nmistakes: {}", m.join(", ")));
            status.set_type(m.join(", "));
        }
        status.set_description(description);
        status
    };
    let mut case = junit_case(suite, &grade.id, status, g.timing);
    if let Some((expected, reported)) = &grade.base_string_diff {
        case.set_system_out(base_string_diff_text(expected, reported));
    }
    if let Some(err) = g.stderr.as_deref().filter(|e| !e.is_empty()) {
        case.set_system_err(err);
    }
    case
}

/// [`report_graded`] for grades with nothing beside them (`vectors grade`).
pub fn report(suite: &str, grades: &[Grade], args: &ReportArgs) -> Result<Outcome> {
    let started = SystemTime::now();
    let graded: Vec<Graded> = grades.iter().cloned().map(Graded::of).collect();
    report_graded(suite, &graded, (started, Duration::ZERO), args)
}

/// Prints the grades (human or JSON), writes JUnit when asked, and maps to
/// the exit code. `run` is when the suite started and how long it took.
pub fn report_graded(
    suite: &str,
    graded: &[Graded],
    run: (SystemTime, Duration),
    args: &ReportArgs,
) -> Result<Outcome> {
    if let Some(path) = &args.junit {
        let cases = graded
            .iter()
            .map(|g| junit_conform_case(suite, g))
            .collect();
        write_junit(path, suite, run, cases)?;
    }
    let report = ConformReport::new(graded.iter().map(|g| g.grade.clone()).collect());
    let grades: Vec<&Grade> = report.vectors.iter().collect();
    let (passed, failed) = (report.passed, report.failed);
    if args.json {
        anstream::println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let width = grades
            .iter()
            .map(|g| g.id.chars().count())
            .max()
            .unwrap_or(0);
        for &g in &grades {
            if g.passed {
                anstream::println!("{}  {}", paint(GOOD, "pass"), visible(&g.id));
                continue;
            }
            anstream::println!(
                "{}  {}  {}",
                paint(BAD, "FAIL"),
                super::render::pad(&visible(&g.id), width),
                visible(g.reason.as_deref().unwrap_or(""))
            );
            if let Some(m) = &g.mistakes {
                anstream::println!("      mistake: {}", visible(&m.join(", ")));
            }
            if let Some((expected, reported)) = &g.base_string_diff {
                // The one way every command shows two base strings.
                let colour = anstream::stdout().current_choice() != anstream::ColorChoice::Never;
                let shown = super::diffview::base_strings(
                    ("known-good", "signer"),
                    &oauth1_doctor::diff::base_diff::align(expected, reported),
                    colour,
                );
                for line in shown.lines() {
                    anstream::println!("    {line}");
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

pub fn run(args: ConformArgs) -> Result<Outcome> {
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        bail!("--timeout must be a positive number of seconds");
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    let vectors = vectors(&args.report)?;
    let started = (SystemTime::now(), Instant::now());
    process_tree::become_subreaper();
    let jobs = args.jobs.clamp(1, 64).min(vectors.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Graded>>> =
        Mutex::new((0..vectors.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(v) = vectors.get(i) else { break };
                let g = conform_one(v, &args.signer, timeout);
                if let Ok(mut r) = results.lock() {
                    r[i] = Some(g);
                }
            });
        }
    });
    // Anything still here left the signer's group and cleared its marker.
    process_tree::sweep_all();
    let graded: Vec<Graded> = results
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a worker panicked"))?
        .into_iter()
        .zip(&vectors)
        .map(|(g, v)| g.unwrap_or_else(|| Graded::of(Grade::failed(&v.id, "not run"))))
        .collect();
    let run = (started.0, started.1.elapsed());
    report_graded("conform", &graded, run, &args.report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_is_a_substring_or_a_glob() {
        assert!(matches("photos", "rfc5849-1.2-photos"));
        assert!(matches("rfc*photos", "rfc5849-1.2-photos"));
        assert!(matches("*-token", "rfc5849-1.2-token"));
        assert!(!matches("*-token", "rfc5849-1.2-token-over-http"));
        assert!(matches("rfc*1.2*http", "rfc5849-1.2-token-over-http"));
        assert!(!matches("wiki*", "rfc5849-1.2-photos"));
    }

    /// The element kinds under each `<testcase>` of a JUnit report, by
    /// case name, read back with an XML parser.
    pub fn junit_children(xml: &str) -> Vec<(String, Vec<String>)> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut cases: Vec<(String, Vec<String>)> = Vec::new();
        let mut depth_in_case = None;
        let mut depth = 0;
        loop {
            let event = reader.read_event().expect("well-formed XML");
            let (start, empty) = match &event {
                Event::Start(e) => (Some(e.clone()), false),
                Event::Empty(e) => (Some(e.clone()), true),
                Event::End(_) => {
                    depth -= 1;
                    if depth_in_case == Some(depth) {
                        depth_in_case = None;
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let e = start.expect("a start tag");
            let tag = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
            if tag == "testcase" {
                let name = e
                    .try_get_attribute("name")
                    .unwrap()
                    .expect("a name")
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .to_string();
                cases.push((name, Vec::new()));
                if !empty {
                    depth_in_case = Some(depth);
                }
            } else if depth_in_case == Some(depth - 1) {
                cases.last_mut().unwrap().1.push(tag);
            }
            if !empty {
                depth += 1;
            }
        }
        cases
    }

    /// A right answer is a bare case, a wrong one a `<failure>` with the
    /// base-string diff in system-out, a broken signer an `<error>` with
    /// its standard error in system-err; each case has a time and a
    /// timestamp, and text XML cannot hold is escaped.
    #[test]
    fn junit_case_kinds() {
        let at = (SystemTime::now(), Duration::from_millis(12));
        let mut wrong = Grade::failed("a<b", "said \"no\" & left");
        wrong.base_string_diff = Some((
            "GET&http%3A%2F%2Fx%2F&a%3D1".into(),
            "GET&http%3A%2F%2Fx%2F&a%3D2".into(),
        ));
        let passed = Grade {
            passed: true,
            reason: None,
            ..Grade::failed("right", "")
        };
        let graded = [
            Graded {
                timing: Some(at),
                ..Graded::of(passed)
            },
            Graded {
                timing: Some(at),
                stderr: Some(String::new()),
                ..Graded::of(wrong)
            },
            Graded {
                grade: Grade::failed("crashed", "the signer failed (exit status: 3)"),
                broke: true,
                timing: Some(at),
                stderr: Some("Traceback: boom".into()),
            },
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junit.xml");
        let cases = graded
            .iter()
            .map(|g| junit_conform_case("conform", g))
            .collect();
        write_junit(&path, "conform", at, cases).unwrap();
        let xml = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            junit_children(&xml),
            [
                ("right".to_string(), vec![]),
                (
                    "a<b".to_string(),
                    vec!["failure".to_string(), "system-out".to_string()]
                ),
                (
                    "crashed".to_string(),
                    vec!["error".to_string(), "system-err".to_string()]
                ),
            ]
        );
        assert!(
            xml.contains("message=\"said &quot;no&quot; &amp; left\""),
            "{xml}"
        );
        assert!(xml.contains("- a%3D1\n+ a%3D2"), "{xml}");
        assert!(xml.contains("Traceback: boom"), "{xml}");
        assert_eq!(xml.matches(" time=\"0.012\"").count(), 4, "{xml}");
        assert_eq!(xml.matches(" timestamp=\"").count(), 4, "{xml}");
    }
}
