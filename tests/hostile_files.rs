//! Issue 11, hostile input through the real binary: crashes found by the
//! fuzzers, the local files a pasted cURL command names, and what is
//! detected in inputs. Exit codes are 0, 1 or 2, never 101 (panic) or 134
//! (abort).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn doctor_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("OAUTH1_CONSUMER_SECRET")
        .env_remove("OAUTH1_TOKEN_SECRET")
        .env_remove("OAUTH1_PRIVATE_KEY")
        .env_remove("OAUTH1_PUBLIC_KEY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory with `files` written into it.
fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    dir
}

fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_string_lossy().into_owned()
}

// ---- crashes -------------------------------------------------------------

/// A no-break space (and other multi-byte characters) right before a base
/// string in a 401 body made `diff --server-response` panic (exit 101).
#[test]
fn issue11_server_response_with_multibyte_character_before_base_string() {
    for before in ["\u{a0}", "é", "—", "😀"] {
        let body = format!(
            "<html><body><p>{before}GET&https%3A%2F%2Fapi.example.com%2Fx&a%3D1</p></body></html>"
        );
        let dir = dir_with(&[
            ("body.html", body.as_bytes()),
            ("c.curl", b"curl 'https://api.example.com/x?a=2'"),
        ]);
        let o = doctor_in(
            dir.path(),
            &["diff", "--server-response", "body.html", "c.curl"],
            None,
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{before:?}: {}{}",
            out(&o),
            err(&o)
        );
        assert!(
            out(&o).contains("GET&https%3A%2F%2Fapi.example.com%2Fx&a%3D1"),
            "{}",
            out(&o)
        );
    }
}

/// `-H @FILE` whose FILE holds the line `@FILE` overflowed the stack
/// (SIGABRT). As in curl, a line of the file is a header line: `@hdr` has
/// no colon, so it is not sent, and is noted.
#[test]
fn issue11_header_file_naming_itself_is_not_read_again() {
    let dir = dir_with(&[
        ("hdr", b"X-One: 1\n@hdr\n"),
        ("c.curl", b"curl -H @hdr https://api.example.com/x"),
    ]);
    let o = doctor_in(dir.path(), &["explain", "c.curl", "--json"], None);
    // No oauth_signature here, so nothing to call invalid: exit 0.
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(
        v["assumptions"],
        serde_json::json!(["read @hdr (14 bytes) for -H, relative to the cURL file's directory"])
    );
    assert_eq!(
        v["violations"][0]["code"], "curl-header-without-colon",
        "{v}"
    );
    // The file's other header is sent (and so shown in the HTTP rendering).
    let o = doctor_in(
        dir.path(),
        &[
            "sign",
            "c.curl",
            "--consumer-key",
            "k",
            "--consumer-secret",
            "s",
            "--output",
            "http",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("X-One: 1"), "{}", out(&o));
    assert!(!out(&o).contains("@hdr"), "{}", out(&o));
}

/// `-H @-` fed `@-` on standard input: read once, not again.
#[test]
fn issue11_header_from_stdin_naming_stdin_is_not_read_again() {
    let dir = dir_with(&[("c.curl", b"curl -H @- https://api.example.com/x")]);
    let o = doctor_in(dir.path(), &["explain", "c.curl"], Some(b"@-\n@-\n"));
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert!(
        out(&o).contains("read @- (6 bytes) for -H, from standard input"),
        "{}",
        out(&o)
    );
}

// ---- local files named by a pasted command -------------------------------

/// Files below the cURL file's directory are read, and each one read is an
/// assumption in human and JSON output.
#[test]
fn issue11_files_next_to_the_curl_file_are_read_and_listed() {
    let dir = dir_with(&[
        ("req/data.txt", b"a=1&b=2\n"),
        ("req/c.curl", b"curl -d @data.txt https://api.example.com/x"),
    ]);
    // Run from elsewhere: the path is relative to the cURL file, not to the working directory.
    let o = doctor_in(dir.path(), &["explain", "req/c.curl"], None);
    let expected = "read @data.txt (8 bytes) for -d, relative to the cURL file's directory";
    assert!(out(&o).contains(expected), "{}{}", out(&o), err(&o));
    let o = doctor_in(dir.path(), &["explain", "req/c.curl", "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let assumptions = v["requests"][0]["assumptions"]
        .as_array()
        .or_else(|| v["assumptions"].as_array())
        .unwrap_or_else(|| panic!("no assumptions in {v}"));
    assert!(assumptions.iter().any(|a| a == expected), "{assumptions:?}");
}

/// Absolute paths and `..` escapes are refused with exit 2, naming the
/// file, why, and the flag that consents; --allow-file lets them be read.
#[test]
fn issue11_files_outside_need_allow_file() {
    let dir = dir_with(&[
        ("outside.txt", b"secret=1"),
        (
            "req/c1.curl",
            b"curl -d @../outside.txt https://api.example.com/x",
        ),
    ]);
    let abs = path(&dir, "outside.txt");
    std::fs::write(
        dir.path().join("req/c2.curl"),
        format!("curl --data-binary @{abs} https://api.example.com/x"),
    )
    .unwrap();
    for c in ["req/c1.curl", "req/c2.curl"] {
        for cmd in ["explain", "sign"] {
            let o = doctor_in(dir.path(), &[cmd, c, "--consumer-secret", "s"], None);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{c} {cmd}: {}{}",
                out(&o),
                err(&o)
            );
            let e = err(&o);
            assert!(
                e.contains("refused to read") && e.contains("outside.txt"),
                "{e}"
            );
            assert!(e.contains("--allow-file"), "{e}");
            assert!(
                !out(&o).contains("secret=1") && !e.contains("secret=1"),
                "{e}"
            );
        }
        let o = doctor_in(dir.path(), &["explain", c, "--allow-file", &abs], None);
        assert!(
            out(&o).contains("allowed explicitly"),
            "{c}: {}{}",
            out(&o),
            err(&o)
        );
        assert!(out(&o).contains("secret"), "{}", out(&o));
    }
    // A directory allows what is below it.
    let o = doctor_in(
        dir.path(),
        &[
            "explain",
            "req/c1.curl",
            "--allow-file",
            &dir.path().to_string_lossy(),
        ],
        None,
    );
    assert!(
        out(&o).contains("allowed explicitly"),
        "{}{}",
        out(&o),
        err(&o)
    );
}

/// /proc (the environment's secrets), /sys and /dev are never read, even
/// with --allow-file; `~` is not expanded.
#[test]
fn issue11_system_files_are_never_read() {
    let dir = dir_with(&[]);
    for (name, cmd) in [
        (
            "a.curl",
            "curl -d @/proc/self/environ https://api.example.com/x",
        ),
        ("b.curl", "curl -H @/dev/zero https://api.example.com/x"),
        (
            "c.curl",
            "curl --data-binary @/dev/stdin https://api.example.com/x",
        ),
        (
            "d.curl",
            "curl -d @/sys/kernel/hostname https://api.example.com/x",
        ),
    ] {
        std::fs::write(dir.path().join(name), cmd).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"));
        let o = cmd
            .args(["explain", name, "--allow-file", "/"])
            .current_dir(dir.path())
            .env("OAUTH1_TOKEN_SECRET", "leak-me-not")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{name}: {}{}", out(&o), err(&o));
        assert!(err(&o).contains("/proc, /sys and /dev"), "{}", err(&o));
        assert!(!out(&o).contains("leak-me-not") && !err(&o).contains("leak-me-not"));
    }
    std::fs::write(
        dir.path().join("t.curl"),
        "curl -d @~/.ssh/id_rsa https://h/x",
    )
    .unwrap();
    let o = doctor_in(dir.path(), &["explain", "t.curl"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("`~` is expanded by a shell"),
        "{}",
        err(&o)
    );
}

/// A FIFO named by a command is refused at once instead of hanging.
#[cfg(unix)]
#[test]
fn issue11_a_fifo_is_refused_without_hanging() {
    let dir = dir_with(&[("c.curl", b"curl -d @fifo https://api.example.com/x")]);
    let made = Command::new("mkfifo").arg(dir.path().join("fifo")).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this machine
    }
    let o = doctor_in(dir.path(), &["explain", "c.curl"], None);
    assert_eq!(o.status.code(), Some(2), "{}{}", out(&o), err(&o));
    assert!(err(&o).contains("not a regular file"), "{}", err(&o));
}

/// `diff` reads each side's files relative to that side's own directory,
/// and takes --allow-file too.
#[test]
fn issue11_diff_confines_both_sides() {
    let dir = dir_with(&[
        ("good/body.txt", b"a=1"),
        (
            "good/g.curl",
            b"curl -d @body.txt https://api.example.com/x",
        ),
        (
            "cand/c.curl",
            b"curl -d @../good/body.txt https://api.example.com/x",
        ),
    ]);
    let o = doctor_in(dir.path(), &["diff", "good/g.curl", "cand/c.curl"], None);
    assert_eq!(o.status.code(), Some(2), "{}{}", out(&o), err(&o));
    assert!(
        err(&o).contains("candidate") && err(&o).contains("--allow-file"),
        "{}",
        err(&o)
    );
    let good = path(&dir, "good");
    let o = doctor_in(
        dir.path(),
        &["diff", "good/g.curl", "cand/c.curl", "--allow-file", &good],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
}

// ---- sizes -------------------------------------------------------------

/// Every file the user names is capped at 16 MiB, and the message names the
/// file and the real limit (not the one-over count the reader stops at).
#[test]
fn issue11_user_named_files_over_the_limit_are_refused_honestly() {
    let big = vec![b'a'; oauth1_doctor::input::MAX_INPUT + 100];
    let dir = dir_with(&[("big", &big), ("c.curl", b"curl https://api.example.com/x")]);
    let limit = format!(
        "big is larger than the {}-byte (16 MiB) limit",
        oauth1_doctor::input::MAX_INPUT
    );
    for args in [
        vec!["explain", "big"],
        vec!["sign", "c.curl", "--consumer-secret-file", "big"],
        vec![
            "sign",
            "c.curl",
            "--private-key",
            "big",
            "--signature-method",
            "RSA-SHA1",
        ],
        vec!["verify", "c.curl", "--secrets", "big"],
        vec!["diff", "--server-response", "big", "c.curl"],
        vec!["check", "big"],
    ] {
        let o = doctor_in(dir.path(), &args, None);
        // `check` reports an unreadable fixture as a failed case (exit 1).
        let code = if args[0] == "check" { 1 } else { 2 };
        assert_eq!(
            o.status.code(),
            Some(code),
            "{args:?}: {}{}",
            out(&o),
            err(&o)
        );
        let said = format!("{}{}", out(&o), err(&o));
        assert!(said.contains(&limit), "{args:?}: {said}");
        assert!(!said.contains("16777217"), "{said}");
    }
}

// ---- detection -----------------------------------------------------------

/// A 401 body in which nothing is recognised gives nothing to compare
/// with: exit 2 and a message, not exit 0 beside `equivalent: false`.
#[test]
fn issue11_server_response_revealing_nothing_is_exit_2() {
    for body in [
        "Unauthorized",
        "<html>invalid oauth_signature; check your base string</html>",
        "oauth_problem=signature_invalid&debug_sbs=",
        "oauth_signature [] does not match expected value []",
    ] {
        let dir = dir_with(&[
            ("body", body.as_bytes()),
            ("c.curl", b"curl https://api.example.com/x"),
        ]);
        for json in [false, true] {
            let mut args = vec!["diff", "--server-response", "body", "c.curl"];
            if json {
                args.push("--json");
            }
            let o = doctor_in(dir.path(), &args, None);
            assert_eq!(o.status.code(), Some(2), "{body:?}: {}{}", out(&o), err(&o));
            assert!(err(&o).contains("nothing to compare with"), "{}", err(&o));
        }
    }
}

/// With a known-good request as well, an uninformative response does not
/// stop the diff; the JSON's `equivalent` agrees with the exit code.
#[test]
fn issue11_server_response_json_agrees_with_exit_code() {
    let dir = dir_with(&[
        ("body", b"Unauthorized"),
        ("c.curl", b"curl https://api.example.com/x"),
    ]);
    let o = doctor_in(
        dir.path(),
        &[
            "diff",
            "--server-response",
            "body",
            "c.curl",
            "c.curl",
            "--json",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let equivalent = v["equivalent"].as_bool().unwrap();
    assert_eq!(o.status.code(), Some(if equivalent { 0 } else { 1 }), "{v}");
}

/// A JSON Lines line nested deeper than serde_json's limit is JSON Lines,
/// not HAR, and is read (the deep field is ignored) or refused clearly.
#[test]
fn issue11_deeply_nested_json_line_is_not_har() {
    let deep = |field: &str| {
        format!(
            "{{\"method\":\"GET\",\"url\":\"https://api.example.com/x\",\"{field}\":{}{}}}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        )
    };
    let dir = dir_with(&[
        ("ignored.jsonl", deep("x").as_bytes()),
        ("headers.jsonl", deep("headers").as_bytes()),
    ]);
    let o = doctor_in(dir.path(), &["explain", "ignored.jsonl"], None);
    assert!(
        out(&o).contains("(jsonl)") || out(&o).contains("JSON Lines") || out(&o).contains("line 1"),
        "{}{}",
        out(&o),
        err(&o)
    );
    assert!(!err(&o).contains("HAR"), "{}", err(&o));
    let o = doctor_in(dir.path(), &["explain", "headers.jsonl"], None);
    assert_eq!(o.status.code(), Some(2), "{}{}", out(&o), err(&o));
    assert!(!err(&o).contains("HAR"), "{}", err(&o));
    assert!(err(&o).contains("line 1"), "{}", err(&o));
}
