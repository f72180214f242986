//! Issue 11, "Hostile input": secrets that leaked, processes left behind,
//! files written too widely, control characters written raw. Each test
//! runs the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn doctor_in(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("OAUTH1_CONSUMER_SECRET")
        .env_remove("OAUTH1_TOKEN_SECRET")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A PLAINTEXT request (RFC 5849 §3.4.4): its signature is the key,
/// `enc(consumer secret)&enc(token secret)`, written here by hand.
const SECRET: &str = "Zq7s3cr3tPlain";
fn plaintext_request(dir: &Path) -> String {
    let http = format!(
        "POST /initiate HTTP/1.1\r\nHost: photos.example.net\r\nAuthorization: OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"{SECRET}%26\"\r\n\r\n"
    );
    std::fs::write(dir.join("pt.http"), http).unwrap();
    "pt.http".into()
}

#[test]
fn issue11_plaintext_signature_is_masked_in_explain_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let req = plaintext_request(dir.path());
    for secret in [SECRET, "another-secret"] {
        for command in ["explain", "verify"] {
            for json in [false, true] {
                let mut args = vec![command, req.as_str(), "--consumer-secret", secret];
                if json {
                    args.push("--json");
                }
                let o = doctor_in(&args, dir.path());
                let out = text(&o);
                assert!(
                    o.status.code() == Some(0) || o.status.code() == Some(1),
                    "{out}"
                );
                assert!(!out.contains(SECRET), "{args:?} leaks: {out}");
                assert!(!out.contains(secret), "{args:?} leaks: {out}");
                // A valid verdict shows no signature; everything else does, masked.
                if command == "explain" || json || secret != SECRET {
                    assert!(out.contains("<PLAINTEXT signature:"), "{args:?}: {out}");
                }
            }
        }
    }
    // With --show-secrets the value is shown.
    let o = doctor_in(
        &[
            "explain",
            &req,
            "--consumer-secret",
            SECRET,
            "--show-secrets",
        ],
        dir.path(),
    );
    assert!(text(&o).contains(&format!("{SECRET}&")), "{}", text(&o));
}

#[test]
fn issue11_plaintext_signature_is_masked_in_the_sign_walkthrough_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("g.http"),
        "GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n",
    )
    .unwrap();
    let o = doctor_in(
        &[
            "sign",
            "g.http",
            "--consumer-key",
            "ck",
            "--consumer-secret",
            SECRET,
            "--signature-method",
            "PLAINTEXT",
            "--output",
            "json",
        ],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The header is what `sign` was asked for.
    assert!(v["authorization"]
        .as_str()
        .unwrap()
        .contains(&format!("{SECRET}%26")));
    let walk = v["walkthrough"].to_string();
    assert!(!walk.contains(SECRET), "{walk}");
}

#[test]
fn issue11_a_pem_label_typo_never_prints_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let pem = std::fs::read_to_string(root().join("fixtures/keys/wiki-testcases-rsa.pem")).unwrap();
    let body_line = pem.lines().nth(1).unwrap().to_string();
    for broken in [
        pem.replacen("PRIVATE KEY-----", "PRIVATE KEY----", 1),
        pem.replacen("-----BEGIN ", "-----BEGIN\n", 1),
        pem.replacen("KEY-----\n", "KEY-----", 1),
    ] {
        std::fs::write(dir.path().join("typo.pem"), &broken).unwrap();
        std::fs::write(
            dir.path().join("g.http"),
            "GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n",
        )
        .unwrap();
        let o = doctor_in(
            &[
                "sign",
                "g.http",
                "--consumer-key",
                "ck",
                "--signature-method",
                "RSA-SHA1",
                "--private-key",
                "typo.pem",
            ],
            dir.path(),
        );
        let out = text(&o);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(out.contains("typo.pem"), "{out}");
        assert!(!out.contains(&body_line[..20]), "the key leaks: {out}");
        let public = doctor_in(
            &["verify", "g.http", "--public-key", "typo.pem"],
            dir.path(),
        );
        assert!(
            !text(&public).contains(&body_line[..20]),
            "{}",
            text(&public)
        );
    }
}

#[test]
fn issue11_argument_errors_never_echo_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let req = plaintext_request(dir.path());
    let cases: Vec<Vec<&str>> = vec![
        vec!["verify", &req, "--consumer-secret", "Sx9first", "Sx9second"],
        vec!["verify", &req, "--consumer-secret=Sx9first", "Sx9second"],
        vec!["verify", &req, "--consumer-secret", "-Sx9first"],
        vec![
            "explain",
            &req,
            "--token-secret",
            "Sx9first",
            "Sx9second",
            "--json",
        ],
        vec!["diff", &req, &req, "--good-consumer-secret", "-Sx9first"],
    ];
    for args in cases {
        let o = doctor_in(&args, dir.path());
        let out = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}");
        assert!(!out.contains("Sx9"), "{args:?} echoes a secret: {out}");
        assert!(out.contains("position"), "{args:?}: {out}");
    }
    // Other usage errors keep clap's own message.
    let o = doctor_in(&["verify", &req, "--bogus"], dir.path());
    assert!(text(&o).contains("'--bogus'"), "{}", text(&o));
}

#[test]
fn issue11_control_characters_in_the_request_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let http = "GET /x HTTP/1.1\r\nHost: a.example\r\nAuthorization: OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"HM\x1b[31mAC\", oauth_signature=\"s\x1b]0;pwned\x07\"\r\n\r\n";
    std::fs::write(dir.path().join("cc.http"), http).unwrap();
    for command in ["explain", "verify"] {
        let o = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
            .args([
                command,
                "cc.http",
                "--consumer-secret",
                "x",
                "--color",
                "always",
            ])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let out = text(&o);
        assert!(!out.contains("\x1b[31mAC"), "{command}: {out:?}");
        assert!(!out.contains("\x1b]0;"), "{command}: {out:?}");
        assert!(!out.contains('\x07'), "{command}: {out:?}");
    }
}

/// The same through the commands that compare and search: a cURL command
/// can carry any byte (`$'\e'`), so decoded names, values and header text
/// reach `diff` and `hunt` too.
#[test]
fn issue11_control_characters_are_escaped_by_diff_and_hunt() {
    let dir = tempfile::tempdir().unwrap();
    let curl = "curl -X POST 'https://api.example.com/x' -H $'X-Evil: \\e]0;pwned\\a' -H $'Authorization: OAuth oauth_consumer_key=\"k\\e[31mK\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_version=\"1.0\", oauth_signature=\"abc%3D\"' --data-urlencode $'status=a\\e[32mB'\n";
    std::fs::write(dir.path().join("c.curl"), curl).unwrap();
    std::fs::write(
        dir.path().join("g.http"),
        "POST https://api.example.com/x HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: OAuth oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_version=\"1.0\", oauth_signature=\"abc%3D\"\r\n\r\nstatus=x",
    )
    .unwrap();
    let runs: [&[&str]; 4] = [
        &["diff", "g.http", "c.curl"],
        &["diff", "g.http", "c.curl", "--consumer-secret", "x"],
        &["hunt", "c.curl", "--consumer-secret", "x"],
        &["explain", "c.curl"],
    ];
    for args in runs {
        let o = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
            .args(args)
            .args(["--color", "always"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let out = text(&o);
        assert!(o.status.code().is_some_and(|c| c < 2), "{args:?}: {out}");
        assert!(!out.contains("\x1b[31mK"), "{args:?}: {out:?}");
        assert!(!out.contains("\x1b[32mB"), "{args:?}: {out:?}");
        assert!(!out.contains("\x1b]0;"), "{args:?}: {out:?}");
        assert!(!out.contains('\x07'), "{args:?}: {out:?}");
    }
}

// ---- conform: no process left behind ----

/// A tag no other process carries: the test's `sleep` runs for
/// `300.<tag>` seconds, so `/proc/*/cmdline` finds it.
fn tag(n: u32) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("300.{}{n}{:09}", std::process::id(), nanos)
}

/// Processes (not zombies) whose command line holds `needle`.
#[cfg(target_os = "linux")]
fn survivors(needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let p = e.path();
        if let Ok(cmd) = std::fs::read(p.join("cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.contains(needle) {
                out.push(format!("{}: {cmd}", p.display()));
            }
        }
    }
    out
}

#[cfg(target_os = "linux")]
fn conform(signer: &str, extra: &[&str], path: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"));
    cmd.args([
        "conform",
        "--signer",
        signer,
        "--filter",
        "rfc5849-1.2-photos",
        "--json",
    ])
    .args(extra)
    .current_dir(root())
    .env("NO_COLOR", "1");
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    cmd.output().unwrap()
}

#[cfg(target_os = "linux")]
fn reasons(o: &Output) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)));
    v["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["reason"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
#[cfg(target_os = "linux")]
fn issue11_conform_kills_what_a_signer_leaves_behind() {
    let (a, b, c) = (tag(1), tag(2), tag(3));
    let signer = format!(
        "sleep {a} & setsid sleep {b} & env -i setsid sleep {c} >/dev/null 2>&1 </dev/null & echo done"
    );
    let start = std::time::Instant::now();
    let o = conform(&signer, &["--jobs", "2"], None);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "{}",
        text(&o)
    );
    for r in reasons(&o) {
        assert!(r.contains("got \"done\""), "{r}");
    }
    for t in [&a, &b, &c] {
        assert_eq!(survivors(t), Vec::<String>::new(), "{}", text(&o));
    }
}

#[test]
#[cfg(target_os = "linux")]
fn issue11_conform_kills_a_timed_out_signer_without_a_kill_binary() {
    // A PATH with sh and sleep but no `kill`.
    let bin = tempfile::tempdir().unwrap();
    for tool in ["sh", "sleep", "setsid"] {
        let found = ["/bin", "/usr/bin"]
            .iter()
            .map(|d| Path::new(d).join(tool))
            .find(|p| p.exists())
            .unwrap();
        std::os::unix::fs::symlink(found, bin.path().join(tool)).unwrap();
    }
    assert!(!bin.path().join("kill").exists());
    let (a, b) = (tag(4), tag(5));
    let signer = format!("sleep {a} & setsid sleep {b} & sleep 30");
    let o = conform(
        &signer,
        &["--timeout", "0.5"],
        Some(&bin.path().to_string_lossy()),
    );
    for r in reasons(&o) {
        assert!(r.contains("timed out after 0.5s"), "{r}");
        assert!(r.contains("were killed"), "{r}");
    }
    for t in [&a, &b] {
        assert_eq!(survivors(t), Vec::<String>::new(), "{}", text(&o));
    }
}

#[test]
#[cfg(target_os = "linux")]
fn issue11_conform_output_over_1_mib_is_reported_as_such() {
    let o = conform("head -c 3000000 /dev/zero | tr '\\0' a", &[], None);
    for r in reasons(&o) {
        assert!(r.contains("output over 1 MiB, truncated"), "{r}");
        assert!(!r.contains("141"), "{r}");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn issue11_conform_escapes_the_signers_stderr() {
    let o = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args([
            "conform",
            "--color",
            "always",
            "--filter",
            "rfc5849-1.2-photos",
            "--signer",
            "printf 'bad\\033[31mred\\033]0;title\\007\\n' >&2; exit 3",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("bad\\u{1b}[31mred"), "{out:?}");
    assert!(!out.contains("\x1b[31mred"), "{out:?}");
    assert!(!out.contains('\x07'), "{out:?}");
}

// ---- record: files for the user only, none left half-done ----

const PHOTOS: &str = "GET /photos?file=vacation.jpg&size=original HTTP/1.1\r\nHost: photos.example.net:80\r\nAuthorization: OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"\r\n\r\n";

fn record_args(key: &Path) -> Vec<String> {
    [
        "record",
        "photos.http",
        "--consumer-secret",
        "kd94hf93k423kf44",
        "--token-secret",
        "pfkkdhi9sl3r4s00",
        "--name",
        "rec",
        "--dir",
        "out",
        "--private-key",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([key.to_string_lossy().into_owned()])
    .collect()
}

#[test]
#[cfg(unix)]
fn issue11_record_writes_files_readable_by_the_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photos.http"), PHOTOS).unwrap();
    let key = root().join("fixtures/keys/wiki-testcases-rsa.pem");
    let args = record_args(&key);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = doctor_in(&args, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for f in ["out/rec.toml", "out/rec.pem"] {
        let mode = std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}: {mode:o}");
    }
}

#[test]
fn issue11_record_leaves_no_key_file_when_the_fixture_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photos.http"), PHOTOS).unwrap();
    // The fixture's place is taken by a directory that a rename cannot replace.
    std::fs::create_dir_all(dir.path().join("out/rec.toml/inside")).unwrap();
    let key = root().join("fixtures/keys/wiki-testcases-rsa.pem");
    let mut args = record_args(&key);
    args.push("--force".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = doctor_in(&args, dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        !dir.path().join("out/rec.pem").exists(),
        "an orphan key file is left"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["rec.toml".to_string()]);
}
