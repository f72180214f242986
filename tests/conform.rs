//! `conform`, `vectors export`/`grade` and `record`, run as a binary against
//! the reference signers in `tests/signers/` (Node, stdlib only).
//!
//! Which vectors a buggy signer must fail is computed here from the vector
//! inputs (not from the signer's output): a space anywhere the signer
//! encodes for `plus_for_space`, an empty token secret with a shared-secret
//! method for `drop_ampersand`.

use oauth1_doctor::params::{parse_form, Source};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn signer(name: &str) -> String {
    format!("node {}", root().join("tests/signers").join(name).display())
}

fn doctor(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

/// Every exported vector input, by id.
fn exported() -> Vec<Value> {
    let o = doctor(&["vectors", "export", "--format", "json"], &root());
    assert_eq!(o.status.code(), Some(0));
    json_of(&o).as_array().unwrap().clone()
}

fn failed_ids(report: &Value) -> BTreeSet<String> {
    report["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["passed"] == false)
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

fn is_rsa(v: &Value) -> bool {
    v["oauth"]["oauth_signature_method"]
        .as_str()
        .unwrap()
        .starts_with("RSA")
}

/// The decoded signed parameters of a vector input (RFC 5849 §3.4.1.3.1).
fn decoded_params(v: &Value) -> Vec<Vec<u8>> {
    let url = v["url"].as_str().unwrap();
    let mut out = Vec::new();
    let mut violations = Vec::new();
    let query = url.split('#').next().unwrap().split_once('?').map(|x| x.1);
    if let Some(q) = query {
        for p in parse_form(q, Source::Query, &mut violations) {
            out.push(p.name.to_vec());
            out.push(p.value.to_vec());
        }
    }
    let form = v["content_type"].as_str().is_some_and(|c| {
        c.split(';')
            .next()
            .unwrap()
            .trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    });
    if let (true, Some(b)) = (form, v["body"].as_str()) {
        for p in parse_form(b, Source::Body, &mut violations) {
            out.push(p.name.to_vec());
            out.push(p.value.to_vec());
        }
    }
    for (n, val) in v["oauth"].as_object().unwrap() {
        out.push(n.as_bytes().to_vec());
        out.push(val.as_str().unwrap().as_bytes().to_vec());
    }
    out
}

fn affected_by_plus_for_space(v: &Value) -> bool {
    let secrets = !is_rsa(v)
        && (v["consumer_secret"].as_str().unwrap().contains(' ')
            || v["token_secret"].as_str().unwrap().contains(' '));
    // PLAINTEXT signs no parameters: only its key (the secrets) can be affected.
    let plaintext = v["oauth"]["oauth_signature_method"] == "PLAINTEXT";
    secrets || (!plaintext && decoded_params(v).iter().any(|p| p.contains(&b' ')))
}

fn affected_by_drop_ampersand(v: &Value) -> bool {
    !is_rsa(v) && v["token_secret"].as_str().unwrap().is_empty()
}

fn ids_where(pred: fn(&Value) -> bool) -> BTreeSet<String> {
    exported()
        .iter()
        .filter(|v| pred(v))
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn conform_passes_the_correct_signer_on_every_vector() {
    let o = doctor(
        &[
            "conform",
            "--signer",
            &signer("correct.js"),
            "--json",
            "--jobs",
            "2",
        ],
        &root(),
    );
    let r = json_of(&o);
    let total = exported().len();
    assert!(total >= 60, "{total} vectors");
    assert_eq!(r["passed"], total, "{r}");
    assert_eq!(r["failed"], 0);
    assert_eq!(o.status.code(), Some(0));
    for v in r["vectors"].as_array().unwrap() {
        assert_eq!(v["mistakes"], Value::Null);
        assert_eq!(v["reason"], Value::Null);
    }
}

#[test]
fn conform_fails_plus_for_space_exactly_where_a_space_is_encoded() {
    let expected = ids_where(affected_by_plus_for_space);
    assert!(expected.len() >= 5, "{expected:?}");
    let o = doctor(
        &[
            "conform",
            "--signer",
            &signer("plus_for_space.js"),
            "--json",
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(1));
    let r = json_of(&o);
    assert_eq!(failed_ids(&r), expected);
    assert_failures_named(&r, "plus-for-space");
    // The signer reports its base string, so the human report diffs it.
    let human = doctor(
        &[
            "conform",
            "--signer",
            &signer("plus_for_space.js"),
            "--filter",
            "duplicate-names",
        ],
        &root(),
    );
    let out = String::from_utf8_lossy(&human.stdout);
    // Shown as every command shows two base strings: each whole, then the
    // differing place aligned, `^` under it.
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("where they differ (1 place"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        lines[at - 2].trim_start().starts_with("known-good  POST&"),
        "{out}"
    );
    assert!(
        lines[at - 1].trim_start().starts_with("signer      POST&"),
        "{out}"
    );
    assert!(lines[at + 1].contains("a%3D%2520"), "{out}");
    assert!(lines[at + 2].contains("a%3D%2B"), "{out}");
    assert!(lines[at + 3].trim_start().starts_with('^'), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn conform_fails_drop_ampersand_exactly_where_the_token_secret_is_empty() {
    let expected = ids_where(affected_by_drop_ampersand);
    assert!(expected.len() >= 5, "{expected:?}");
    let o = doctor(
        &[
            "conform",
            "--signer",
            &signer("drop_ampersand.js"),
            "--json",
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(1));
    let r = json_of(&o);
    assert_eq!(failed_ids(&r), expected);
    assert_failures_named(&r, "key-amp-dropped");
}

/// Every failed vector names exactly the mistake the buggy signer makes
/// (found by the hunt engine, which does not know the signer).
fn assert_failures_named(report: &Value, id: &str) {
    for v in report["vectors"].as_array().unwrap() {
        if v["passed"] == false {
            assert_eq!(v["mistakes"], serde_json::json!([id]), "{v}");
        }
    }
}

#[test]
fn a_hanging_signer_is_killed_at_the_timeout() {
    let start = Instant::now();
    let o = doctor(
        &[
            "conform",
            "--signer",
            "sleep 30",
            "--timeout",
            "0.5",
            "--filter",
            "rfc5849-1.2-*",
            "--jobs",
            "4",
            "--json",
        ],
        &root(),
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    let r = json_of(&o);
    assert_eq!(r["passed"], 0);
    assert_eq!(r["failed"], 6);
    for v in r["vectors"].as_array().unwrap() {
        assert!(v["reason"]
            .as_str()
            .unwrap()
            .contains("timed out after 0.5s"));
    }
}

#[test]
fn crashing_and_garbage_signers_fail_with_a_clear_reason() {
    let one = ["--filter", "rfc5849-1.2-photos", "--json"];
    let crash = doctor(
        &[
            &["conform", "--signer", "echo boom >&2; exit 3"][..],
            &one[..],
        ]
        .concat(),
        &root(),
    );
    let r = json_of(&crash);
    let reason = r["vectors"][0]["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("exit status: 3") && reason.contains("boom"),
        "{reason}"
    );
    let garbage = doctor(
        &[&["conform", "--signer", "echo hello world"][..], &one[..]].concat(),
        &root(),
    );
    let r = json_of(&garbage);
    let reason = r["vectors"][0]["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("expected an OAuth Authorization header"),
        "{reason}"
    );
    assert_eq!(garbage.status.code(), Some(1));
}

/// The element kinds under each `<testcase>` of a JUnit report, by case
/// name (and whether the case has a time and a timestamp), and the
/// report's `tests`/`failures`/`errors` counts, read back with an XML parser.
type JunitCase = (String, Vec<String>, bool);
fn junit_cases(xml: &str) -> (Vec<JunitCase>, [String; 3]) {
    use quick_xml::events::Event;
    let attr = |e: &quick_xml::events::BytesStart, name: &str| {
        e.try_get_attribute(name)
            .unwrap()
            .map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .to_string()
            })
            .unwrap_or_default()
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cases: Vec<JunitCase> = Vec::new();
    let mut counts = [String::new(), String::new(), String::new()];
    let mut open: Vec<String> = Vec::new();
    loop {
        let (e, empty) = match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => (e.into_owned(), false),
            Event::Empty(e) => (e.into_owned(), true),
            Event::End(_) => {
                open.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let tag = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        match tag.as_str() {
            "testsuite" => counts = ["tests", "failures", "errors"].map(|n| attr(&e, n)),
            "testcase" => {
                let timed = !attr(&e, "time").is_empty() && !attr(&e, "timestamp").is_empty();
                cases.push((attr(&e, "name"), Vec::new(), timed));
            }
            _ if open.last().map(String::as_str) == Some("testcase") => {
                cases.last_mut().unwrap().1.push(tag.clone())
            }
            _ => {}
        }
        if !empty {
            open.push(tag);
        }
    }
    (cases, counts)
}

fn kinds(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Issue 12: `conform --junit` reports a wrong answer as `<failure>` with
/// the base-string diff in system-out, and a signer that crashed or timed
/// out as `<error>` with its standard error (secrets masked) in
/// system-err; every case has a time and a timestamp.
#[test]
fn issue12_conform_junit_failures_errors_and_output() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let script = format!(
        r#"input=$(cat)
case "$input" in
  *'/token"'*) echo "crashing, secret kd94hf93k423kf44" >&2; exit 3;;
  *'"https://photos.example.net/photos'*) sleep 10;;
  *'/initiate"'*) printf '%s' '{{"signature":"AAAA","base_string":"POST&https%3A%2F%2Fphotos.example.net%2Finitiate&a%3D1"}}';;
  *) printf '%s' "$input" | {};;
esac"#,
        signer("correct.js")
    );
    let o = doctor(
        &[
            "conform",
            "--signer",
            &script,
            "--filter",
            "rfc5849-1.2",
            "--timeout",
            "1",
            "--junit",
            junit.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let (cases, counts) = junit_cases(&xml);
    assert_eq!(counts, ["6", "2", "3"].map(String::from), "{xml}");
    assert_eq!(
        cases,
        [
            (
                "rfc5849-1.2-initiate-over-http",
                kinds(&["failure", "system-out"])
            ),
            ("rfc5849-1.2-initiate", kinds(&["failure", "system-out"])),
            ("rfc5849-1.2-photos-over-https", kinds(&["error"])),
            ("rfc5849-1.2-photos", kinds(&[])),
            (
                "rfc5849-1.2-token-over-http",
                kinds(&["error", "system-err"])
            ),
            ("rfc5849-1.2-token", kinds(&["error", "system-err"])),
        ]
        .map(|(n, k)| (n.to_string(), k, true)),
        "{xml}"
    );
    assert!(
        xml.contains("  POST\n  https%3A%2F%2Fphotos.example.net%2Finitiate\n- oauth_callback"),
        "{xml}"
    );
    assert!(xml.contains("+ a%3D1\n</system-out>"), "{xml}");
    assert!(xml.contains("crashing, secret &lt;hidden&gt;"), "{xml}");
    assert!(!xml.contains("kd94hf93k423kf44"), "{xml}");
    assert!(xml.contains("timed out after 1.0s"), "{xml}");
}

/// Issue 12: `check --junit` writes one case per fixture: a bare case for
/// a pass, `<failure>` for an expectation not met, `<error>` for a fixture
/// that does not load.
#[test]
fn issue12_check_junit() {
    let dir = tempfile::tempdir().unwrap();
    let photos = std::fs::read_to_string(
        root().join("fixtures/vectors/published/oauth-core-1.0-a5-photos-hmac-sha1.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("a-good.toml"), &photos).unwrap();
    std::fs::write(
        dir.path().join("b-wrong.toml"),
        photos
            .replace(
                "name = \"oauth-core-1.0-a5-photos-hmac-sha1\"",
                "name = \"wrong\"",
            )
            .replace("tR3+Ty81", "XR3+Ty81"),
    )
    .unwrap();
    std::fs::write(dir.path().join("c-broken.toml"), "name = \n").unwrap();
    let junit = dir.path().join("check.xml");
    let o = doctor(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let broken = dir.path().join("c-broken.toml");
    let (cases, counts) = junit_cases(&xml);
    assert_eq!(counts, ["3", "1", "1"].map(String::from), "{xml}");
    assert_eq!(
        cases,
        [
            (
                "oauth-core-1.0-a5-photos-hmac-sha1".to_string(),
                kinds(&["system-out"]),
                true
            ),
            ("wrong".to_string(), kinds(&["failure", "system-out"]), true),
            // Not loaded, so not timed; named by its path.
            (
                broken.to_string_lossy().to_string(),
                kinds(&["error", "system-out"]),
                false
            ),
        ],
        "{xml}"
    );
    assert!(xml.contains("first differing stage: signature"), "{xml}");
}

fn export_sign_grade(flag: Option<&str>) -> (Output, Value) {
    let dir = tempfile::tempdir().unwrap();
    let csv = doctor(&["vectors", "export", "--format", "csv"], &root());
    assert_eq!(csv.status.code(), Some(0));
    let input = dir.path().join("vectors.csv");
    let results = dir.path().join("results.csv");
    std::fs::write(&input, &csv.stdout).unwrap();
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/signers/sign_csv.js"))
        .arg(&input)
        .arg(&results);
    if let Some(f) = flag {
        cmd.arg(f);
    }
    assert!(cmd.status().unwrap().success());
    let o = doctor(
        &["vectors", "grade", results.to_str().unwrap(), "--json"],
        &root(),
    );
    let r = json_of(&o);
    (o, r)
}

#[test]
fn exported_csv_signed_correctly_grades_all_passed() {
    let (o, r) = export_sign_grade(None);
    assert_eq!(o.status.code(), Some(0), "{r}");
    assert_eq!(r["passed"], exported().len());
    assert_eq!(r["failed"], 0);
}

#[test]
fn exported_csv_signed_with_a_mistake_grades_exactly_the_affected_rows_failed() {
    let (o, r) = export_sign_grade(Some("--drop-ampersand"));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(failed_ids(&r), ids_where(affected_by_drop_ampersand));
    let (_, r) = export_sign_grade(Some("--plus-for-space"));
    assert_eq!(failed_ids(&r), ids_where(affected_by_plus_for_space));
}

#[test]
fn grade_needs_an_id_and_a_signature_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.csv");
    std::fs::write(&p, "name,sig\nx,y\n").unwrap();
    let o = doctor(&["vectors", "grade", p.to_str().unwrap()], &root());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no `id` column"));
}

const PHOTOS: &str = "GET /photos?file=vacation.jpg&size=original HTTP/1.1\r\nHost: photos.example.net:80\r\nAuthorization: OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"\r\nCookie: session=do-not-record\r\n\r\n";

#[test]
fn record_writes_a_fixture_that_checks_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photos.http"), PHOTOS).unwrap();
    let args = [
        "record",
        "photos.http",
        "--consumer-secret",
        "kd94hf93k423kf44",
        "--token-secret",
        "pfkkdhi9sl3r4s00",
        "--name",
        "my-photos",
        "--dir",
        "out",
    ];
    let o = doctor(&args, dir.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("out/my-photos.toml")).unwrap();
    assert!(
        text.contains("signature = \"MdpQcU8iPSUjWoN/UDMsK2sui9I=\""),
        "{text}"
    );
    assert!(!text.contains("do-not-record"), "{text}");
    let check = doctor(&["check", "out"], dir.path());
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // The recorded request is a conformance vector too.
    let c = doctor(
        &[
            "conform",
            "--signer",
            &signer("correct.js"),
            "--fixtures",
            "out",
        ],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&c.stdout).ends_with("1 passed, 0 failed\n"));

    std::fs::write(dir.path().join("out/my-photos.toml"), "precious").unwrap();
    let again = doctor(&args, dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/my-photos.toml")).unwrap(),
        "precious"
    );
    let forced = doctor(&[&args[..], &["--force"]].concat(), dir.path());
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/my-photos.toml")).unwrap(),
        text
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn record_refuses_a_request_whose_signature_does_not_verify() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("photos.http"), PHOTOS).unwrap();
    let o = doctor(
        &[
            "record",
            "photos.http",
            "--consumer-secret",
            "wrong",
            "--token-secret",
            "pfkkdhi9sl3r4s00",
            "--name",
            "bad",
            "--dir",
            "out",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.path().join("out/bad.toml").exists());
}

#[test]
fn no_command_prints_a_test_secret_by_default() {
    let o = doctor(
        &["conform", "--signer", &signer("drop_ampersand.js")],
        &root(),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    for secret in [
        "kd94hf93k423kf44",
        "ja893SD9",
        "only-consumer",
        "doctor-consumer-secret",
    ] {
        assert!(!out.contains(secret), "{secret} printed:\n{out}");
    }
}

#[test]
fn the_readme_example_signer_passes_exactly_the_hmac_sha1_vectors() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("This example signer")
        .and_then(|at| readme[at..].find("```python\n").map(|i| at + i + 10))
        .expect("the example signer in README.md");
    let code = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("signer.py");
    std::fs::write(&script, code).unwrap();
    let o = doctor(
        &[
            "conform",
            "--signer",
            &format!("python3 {}", script.display()),
            "--json",
        ],
        &root(),
    );
    let hmac_sha1 = ids_where(|v| v["oauth"]["oauth_signature_method"] == "HMAC-SHA1");
    let r = json_of(&o);
    let passed: BTreeSet<String> = exported()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .filter(|id| !failed_ids(&r).contains(id))
        .collect();
    assert_eq!(passed, hmac_sha1);
}

#[test]
fn the_signer_input_has_exactly_the_documented_keys() {
    let keys: BTreeSet<String> = [
        "id",
        "method",
        "url",
        "content_type",
        "body",
        "realm",
        "oauth",
        "consumer_secret",
        "token_secret",
        "private_key_pem",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for v in exported() {
        let got: BTreeSet<String> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(got, keys);
        let oauth = v["oauth"].as_object().unwrap();
        assert!(!oauth.contains_key("oauth_signature"), "{v}");
        for required in [
            "oauth_consumer_key",
            "oauth_signature_method",
            "oauth_timestamp",
            "oauth_nonce",
        ] {
            // RFC 5849 §3.4.4: PLAINTEXT may omit timestamp and nonce.
            let optional = v["oauth"]["oauth_signature_method"] == "PLAINTEXT"
                && required != "oauth_consumer_key"
                && required != "oauth_signature_method";
            assert!(
                optional || oauth.contains_key(required),
                "{required} in {v}"
            );
        }
    }
}

#[test]
fn check_json_reports_every_case() {
    let o = doctor(&["check", "--json"], &root());
    let r = json_of(&o);
    let cases = r["vectors"].as_array().unwrap();
    assert_eq!(r["passed"], cases.len());
    assert_eq!(r["failed"], 0);
    assert!(cases
        .iter()
        .all(|c| c["mismatch"].is_null() && c["passed"] == true));
}
