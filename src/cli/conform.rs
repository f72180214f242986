//! `conform`: run a signer under test on every vector and grade its answers.
//!
//! Each vector runs `sh -c COMMAND` once, with the vector's inputs as one
//! JSON object on standard input; its standard output is the answer. A
//! signer that hangs is killed at the timeout, and whatever a signer
//! started is killed when it exits (see `process_tree`).

use super::check::load_corpus;
use super::process_tree;
use super::render::{clip, paint, visible, BAD, DIM, GOOD};
use super::Outcome;
use anyhow::{bail, Context, Result};
use clap::Args;
use oauth1_doctor::conform::{base_string_lines, grade, parse_answer, Grade};
use oauth1_doctor::fixtures::Vector;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

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
            if report.filter.as_deref().map_or(true, |p| matches(p, &v.id)) {
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

/// Runs the signer once; its standard output, or why there is none.
/// Whatever it started is killed and reaped before this returns.
pub fn run_signer(command: &str, input: &str, timeout: Duration) -> Result<String, String> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut signer =
        process_tree::spawn(&mut cmd).map_err(|e| format!("cannot start the signer: {e}"))?;
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
    let status = loop {
        match signer.child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                let killed = match signer.kill_tree() {
                    Ok(()) => "the signer and what it started were killed".to_string(),
                    Err(e) => format!("killing the signer failed: {e}"),
                };
                return Err(format!(
                    "timed out after {:.1}s ({killed})",
                    timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = signer.kill_tree();
                return Err(format!("cannot wait for the signer: {e}"));
            }
        }
    };
    // The signer is done: what it left running (a background job, a
    // daemon) is killed now, which also closes the output it held open.
    signer.sweep();
    let grace = Duration::from_millis(500).max(timeout.saturating_sub(start.elapsed()));
    let Ok((stdout, over)) = out.recv_timeout(grace) else {
        return Err("the signer exited but something it started kept its output open".into());
    };
    let stderr = err
        .recv_timeout(Duration::from_millis(200))
        .map(|(b, _)| b)
        .unwrap_or_default();
    if over {
        return Err(format!(
            "output over {} MiB, truncated (not an answer)",
            MAX_OUTPUT / (1024 * 1024)
        ));
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
        return Err(format!("the signer failed ({status}){last}"));
    }
    String::from_utf8(stdout).map_err(|_| "the signer's output is not UTF-8".to_string())
}

/// Runs and grades one vector.
fn conform_one(v: &Vector, command: &str, timeout: Duration) -> Grade {
    let input = match serde_json::to_string(&v.input) {
        Ok(s) => s,
        Err(e) => return Grade::failed(&v.id, format!("cannot encode the vector: {e}")),
    };
    let output = match run_signer(command, &input, timeout) {
        Ok(o) => o,
        Err(reason) => return Grade::failed(&v.id, reason),
    };
    match parse_answer(&output) {
        Ok(answer) => grade(v, &answer),
        Err(reason) => Grade::failed(&v.id, reason),
    }
}

fn xml_escape(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The JUnit XML report of `grades`.
pub fn junit(suite: &str, grades: &[Grade]) -> String {
    let failed = grades.iter().filter(|g| !g.passed).count();
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str(&format!(
        "<testsuites tests=\"{}\" failures=\"{failed}\">\n  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">\n",
        grades.len(),
        xml_escape(suite),
        grades.len()
    ));
    for g in grades {
        o.push_str(&format!(
            "    <testcase classname=\"oauth1-doctor.{}\" name=\"{}\"",
            xml_escape(suite),
            xml_escape(&g.id)
        ));
        if g.passed {
            o.push_str("/>\n");
        } else {
            let reason = g.reason.clone().unwrap_or_default();
            let mistakes = g
                .mistakes
                .as_ref()
                .map(|m| format!("\nmistakes: {}", m.join(", ")))
                .unwrap_or_default();
            o.push_str(&format!(
                ">\n      <failure message=\"{}\">{}{}</failure>\n    </testcase>\n",
                xml_escape(&reason),
                xml_escape(&reason),
                xml_escape(&mistakes)
            ));
        }
    }
    o.push_str("  </testsuite>\n</testsuites>\n");
    o
}

/// Prints the grades (human or JSON), writes JUnit when asked, and maps to the exit code.
pub fn report(suite: &str, grades: &[Grade], args: &ReportArgs) -> Result<Outcome> {
    let passed = grades.iter().filter(|g| g.passed).count();
    let failed = grades.len() - passed;
    if let Some(path) = &args.junit {
        std::fs::write(path, junit(suite, grades))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        let v = serde_json::json!({ "passed": passed, "failed": failed, "vectors": grades });
        anstream::println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let width = grades
            .iter()
            .map(|g| g.id.chars().count())
            .max()
            .unwrap_or(0);
        for g in grades {
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
                anstream::println!(
                    "      base string diff ({} known-good, {} signer):",
                    paint(BAD, "-"),
                    paint(GOOD, "+")
                );
                let e = base_string_lines(expected);
                let r = base_string_lines(reported);
                let e: Vec<&str> = e.iter().map(String::as_str).collect();
                let r: Vec<&str> = r.iter().map(String::as_str).collect();
                let diff = similar::TextDiff::from_slices(&e, &r);
                for change in diff.iter_all_changes() {
                    let line = visible(change.value());
                    match change.tag() {
                        similar::ChangeTag::Delete => {
                            anstream::println!("      {}", paint(BAD, format!("- {line}")))
                        }
                        similar::ChangeTag::Insert => {
                            anstream::println!("      {}", paint(GOOD, format!("+ {line}")))
                        }
                        similar::ChangeTag::Equal => {
                            anstream::println!("      {}", paint(DIM, format!("  {line}")))
                        }
                    }
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
    process_tree::become_subreaper();
    let jobs = args.jobs.clamp(1, 64).min(vectors.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Grade>>> = Mutex::new(vec![None; vectors.len()]);
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
    let grades: Vec<Grade> = results
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a worker panicked"))?
        .into_iter()
        .zip(&vectors)
        .map(|(g, v)| g.unwrap_or_else(|| Grade::failed(&v.id, "not run")))
        .collect();
    report("conform", &grades, &args.report)
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

    #[test]
    fn junit_escapes_what_xml_cannot_hold() {
        let xml = junit("conform", &[Grade::failed("a<b", "said \"no\" & left")]);
        assert!(xml.contains("name=\"a&lt;b\""));
        assert!(xml.contains("message=\"said &quot;no&quot; &amp; left\""));
    }
}
