//! Fitting the shell, through the real binary: completion scripts that bash
//! loads, a manual page that `man` renders, `-q/--quiet` and `-j`, and the
//! CSV export read and written back by Python's `csv` module (a reader
//! independent of the `csv` crate that wrote it).
//!
//! `man` (Debian's `man-db`, which `.ci/run` installs where missing) and
//! `python3`/`node` are found on `PATH`; without them a test says it is
//! skipped, except in CI (`CI=true`), where it fails.

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const CS: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TS: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(p: &str) -> String {
    root().join("fixtures").join(p).display().to_string()
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_oauth1-doctor")
}

fn run(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    let mut child = cmd
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn doctor(args: &[&str], stdin: Option<&[u8]>) -> Output {
    run(Command::new(bin()).args(args), stdin)
}

/// True when `tool` answers `--version`; otherwise says the test is
/// skipped, or panics in CI.
fn have(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "{tool} is not installed (.ci/run installs it)"
        );
        eprintln!("SKIPPED: {tool} is not installed");
    }
    found
}

const COMMANDS: [&str; 10] = [
    "diff", "sign", "explain", "verify", "hunt", "check", "conform", "vectors", "record", "man",
];

#[test]
fn completions_load_in_bash() {
    let script = format!(
        "source <('{}' completions bash) && complete -p oauth1-doctor",
        bin()
    );
    let o = run(Command::new("bash").args(["-c", &script]), None);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("complete ") && out.trim_end().ends_with(" oauth1-doctor"));
    // The function bash registered completes the subcommands.
    let script = format!(
        "source <('{}' completions bash) && COMP_WORDS=(oauth1-doctor ve) COMP_CWORD=1 && _oauth1__doctor oauth1-doctor ve oauth1-doctor && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bin()
    );
    let o = run(Command::new("bash").args(["-c", &script]), None);
    let words: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(
        words.contains(&"verify".to_string()) && words.contains(&"vectors".to_string()),
        "{words:?}"
    );
}

#[test]
fn completions_for_every_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = doctor(&["completions", shell], None);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&o.stdout);
        for c in COMMANDS {
            assert!(script.contains(c), "{shell} completions lack {c}");
        }
        assert!(
            script.contains("quiet") && script.contains("bom"),
            "{shell}"
        );
    }
    let o = doctor(&["completions", "tcsh"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_page_is_roff_that_man_renders() {
    let o = doctor(&["man"], None);
    assert_eq!(o.status.code(), Some(0));
    let roff = String::from_utf8(o.stdout).unwrap();
    assert!(roff.starts_with(".ie \\n(.g .ds Aq") || roff.contains(".TH oauth1-doctor 1"));
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS", ".SH VERSION"] {
        assert!(roff.contains(section), "no {section}");
    }
    for c in COMMANDS {
        assert!(
            roff.contains(&format!("oauth1\\-doctor\\-{c}(1)")),
            "no {c}"
        );
    }
    if !have("man") {
        return;
    }
    let o = run(
        Command::new("man")
            .args(["-l", "-"])
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80"),
        Some(roff.as_bytes()),
    );
    let page = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        page.contains("NAME") && page.contains("SUBCOMMANDS"),
        "{page}"
    );
    // Rendered: no roff requests left on the page.
    assert!(!page.lines().any(|l| l.starts_with(".SH")), "{page}");
    assert!(page.contains("oauth1-doctor-verify(1)"), "{page}");
}

/// Runs `args` with and without `-q`: the quiet run prints nothing and
/// exits as the loud one does, which printed something.
fn quiet_matches_loud(args: &[&str], code: i32) {
    let loud = doctor(args, None);
    assert_eq!(loud.status.code(), Some(code), "{args:?}");
    assert!(!loud.stdout.is_empty(), "{args:?}");
    for flag in ["-q", "--quiet"] {
        let mut with = args.to_vec();
        with.push(flag);
        let o = doctor(&with, None);
        assert_eq!(o.status.code(), Some(code), "{with:?}");
        assert!(
            o.stdout.is_empty() && o.stderr.is_empty(),
            "{with:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn quiet_prints_nothing_and_keeps_the_exit_code() {
    let twitter = fixture("examples/twitter.http");
    let secrets = ["--consumer-secret", CS, "--token-secret", TS];
    let verify = |cs: &'static str| {
        let mut a = vec!["verify", twitter.as_str()];
        a.extend(["--consumer-secret", cs, "--token-secret", TS]);
        a
    };
    quiet_matches_loud(&verify(CS), 0);
    quiet_matches_loud(&verify("wrong"), 1);
    let hunted = fixture("hunt/twitter-plus-for-space.http");
    let mut hunt = vec!["hunt", hunted.as_str()];
    hunt.extend(secrets);
    quiet_matches_loud(&hunt, 0);
    let curl = fixture("examples/postman-twitter.curl");
    let logged = fixture("examples/my-signer-base-string.txt");
    let mut diff = vec!["diff", curl.as_str(), logged.as_str()];
    diff.extend(secrets);
    quiet_matches_loud(&diff, 1);
    quiet_matches_loud(&["check"], 0);
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("results.csv");
    std::fs::write(&table, "id,signature\nno-such-vector,abc\n").unwrap();
    quiet_matches_loud(&["vectors", "grade", table.to_str().unwrap()], 1);
}

#[test]
fn quiet_still_explains_an_error_that_exits_2() {
    let o = doctor(&["verify", "-q", "/no/such/request.http"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/request.http"));
    // Commands without a verdict do not take it.
    let o = doctor(&["sign", "-q"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn short_j_is_json() {
    let long = doctor(&["check", "--json"], None);
    let short = doctor(&["check", "-j"], None);
    assert_eq!(long.status.code(), Some(0));
    let parse = |o: &Output| -> Value { serde_json::from_slice(&o.stdout).unwrap() };
    assert_eq!(parse(&long), parse(&short));
}

/// The cells of `path` as Python's `csv` reads them with `dialect`, and the
/// bytes Python writes back with the same dialect.
const PY_ROUND_TRIP: &str = r#"
import csv, json, sys
src, dialect, out = sys.argv[1], sys.argv[2], sys.argv[3]
with open(src, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f, dialect=dialect))
with open(out, "w", newline="", encoding="utf-8") as f:
    csv.writer(f, dialect=dialect).writerows(rows)
with open(out, newline="", encoding="utf-8") as f:
    again = list(csv.reader(f, dialect=dialect))
json.dump({"rows": rows, "again": again}, sys.stdout)
"#;

/// What a vector's JSON export holds, as the CSV columns.
fn expected_cells(v: &Value) -> Vec<String> {
    let s = |x: &Value| x.as_str().unwrap_or("").to_string();
    let mut row = vec![
        s(&v["id"]),
        s(&v["method"]),
        s(&v["url"]),
        s(&v["content_type"]),
        s(&v["body"]),
        s(&v["realm"]),
    ];
    for c in [
        "oauth_consumer_key",
        "oauth_token",
        "oauth_signature_method",
        "oauth_timestamp",
        "oauth_nonce",
        "oauth_version",
        "oauth_callback",
        "oauth_verifier",
        "oauth_body_hash",
    ] {
        row.push(s(&v["oauth"][c]));
    }
    for c in ["consumer_secret", "token_secret", "private_key_pem"] {
        row.push(s(&v[c]));
    }
    row
}

/// The guard `vectors export` writes, undone (README, `vectors export`).
fn unguard(cell: &str) -> String {
    fn needs(c: &str) -> bool {
        match c.chars().next() {
            None => false,
            Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
            Some('\'') => needs(&c[1..]),
            Some(first) => {
                c.bytes().all(|b| b.is_ascii_digit())
                    && (c.len() > 11 || (c.len() > 1 && first == '0'))
            }
        }
    }
    match cell.strip_prefix('\'') {
        Some(rest) if needs(rest) => rest.to_string(),
        _ => cell.to_string(),
    }
}

#[test]
fn csv_export_round_trips_through_python_excel_and_excel_tab() {
    if !have("python3") {
        return;
    }
    let json = doctor(&["vectors", "export", "--format", "json"], None);
    let vectors: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (dialect, extra) in [
        ("excel", vec!["--bom", "--crlf"]),
        ("excel", vec![]),
        ("excel-tab", vec!["--bom", "--crlf", "--delimiter", "tab"]),
    ] {
        let mut args = vec!["vectors", "export", "--format", "csv"];
        args.extend(&extra);
        let o = doctor(&args, None);
        assert_eq!(o.status.code(), Some(0));
        let bom = o.stdout.starts_with(b"\xef\xbb\xbf");
        assert_eq!(bom, extra.contains(&"--bom"));
        let crlf = o.stdout.windows(2).filter(|w| w == b"\r\n").count();
        if extra.contains(&"--crlf") {
            assert_eq!(crlf, vectors.len() + 1, "{dialect} {extra:?}");
        }
        let src = dir.path().join("export.csv");
        let back = dir.path().join("back.csv");
        std::fs::write(&src, &o.stdout).unwrap();
        let py = run(
            Command::new("python3").args([
                "-c",
                PY_ROUND_TRIP,
                src.to_str().unwrap(),
                dialect,
                back.to_str().unwrap(),
            ]),
            None,
        );
        assert!(
            py.status.success(),
            "{}",
            String::from_utf8_lossy(&py.stderr)
        );
        let r: Value = serde_json::from_slice(&py.stdout).unwrap();
        let rows: Vec<Vec<String>> = serde_json::from_value(r["rows"].clone()).unwrap();
        let again: Vec<Vec<String>> = serde_json::from_value(r["again"].clone()).unwrap();
        assert_eq!(rows, again, "{dialect}: written back, read again");
        assert_eq!(rows.len(), vectors.len() + 1);
        // Every cell, the guard undone, is the vector's input; the guarded
        // cells are the ones a spreadsheet would have evaluated or rounded.
        let mut guarded = 0;
        for (row, v) in rows[1..].iter().zip(&vectors) {
            let want = expected_cells(v);
            let got: Vec<String> = row.iter().map(|c| unguard(c)).collect();
            assert_eq!(got, want, "{dialect} {}", v["id"]);
            for c in row {
                let first = c.chars().next();
                assert!(!matches!(first, Some('=' | '+' | '-' | '@')), "{c:?}");
                if c.starts_with('\'') {
                    guarded += 1;
                }
            }
        }
        assert!(guarded >= 2, "PEM keys and the long nonce are guarded");
        assert!(rows.iter().flatten().any(|c| c == "'13917289812797014437"));
    }
}

#[test]
fn grade_reads_semicolons_from_standard_input_with_guards_kept() {
    if !have("python3") || !have("node") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("vectors.csv");
    let results = dir.path().join("results.csv");
    let o = doctor(&["vectors", "export", "--bom", "--crlf"], None);
    std::fs::write(&input, &o.stdout).unwrap();
    let signed = Command::new("node")
        .arg(root().join("tests/signers/sign_csv.js"))
        .args([&input, &results])
        .status()
        .unwrap();
    assert!(signed.success());
    // A spreadsheet's ';' export, with the text guard on signatures that
    // start with '+' or '-' and a byte order mark.
    let py = run(
        Command::new("python3").args([
            "-c",
            r#"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
w = csv.writer(sys.stdout, delimiter=";", lineterminator="\r\n")
sys.stdout.write("\ufeff")
for r in rows:
    w.writerow(["'" + c if c[:1] in "+-=@" else c for c in r])
"#,
            results.to_str().unwrap(),
        ]),
        None,
    );
    assert!(py.status.success());
    let table = py.stdout;
    assert!(String::from_utf8_lossy(&table).contains(";'"), "some guard");
    let o = doctor(
        &["vectors", "grade", "--delimiter", ";", "-", "-j"],
        Some(&table),
    );
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{r}");
    assert_eq!(r["failed"], 0);
    // Read as commas, the same table has no `id` column.
    let o = doctor(&["vectors", "grade", "-"], Some(&table));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn grade_escapes_control_characters_from_the_table() {
    let o = doctor(
        &["vectors", "grade", "-"],
        Some(b"id,signature\nevil\x1b[31mred,abc\n"),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains('\x1b'), "{out}");
    assert!(out.contains("evil"), "{out}");
}
