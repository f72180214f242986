//! Issue 13, through the real binary: the checks a strict server makes
//! (`explain`, `verify`, `--now`), batch verification with `--hunt` (the
//! ranking of mistakes per consumer, an RSA request carrying a token, the
//! secrets file against `OAUTH1_*` variables), and the small fixes found on
//! the way (`sign --version`, `diff --show-secrets`, `diff - -`, `check` on an
//! empty directory, `vectors grade -`, a long caret, a doubled citation).
//!
//! The batch log (`fixtures/batch-hunt/`) was signed by
//! `fixtures/batch-hunt/generate.py` (Python's `hmac`, and `openssl dgst` for
//! RSA-SHA1), never by oauth1-doctor; the single requests are X/Twitter's
//! published example or requests whose signature is not under test.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn doctor_env(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"));
    c.args(args)
        .env_remove("OAUTH1_CONSUMER_SECRET")
        .env_remove("OAUTH1_TOKEN_SECRET")
        .env_remove("OAUTH1_PRIVATE_KEY")
        .env_remove("OAUTH1_PUBLIC_KEY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().expect("binary runs");
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        // The binary may refuse before reading (a closed pipe is then fine).
        let _ = pipe.write_all(input);
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn doctor(args: &[&str], stdin: Option<&[u8]>) -> Output {
    doctor_env(args, stdin, &[])
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const LOG: &str = "fixtures/batch-hunt/log.jsonl";
const SECRETS: &str = "fixtures/batch-hunt/secrets.toml";

/// The summary ranks the mistakes the hunts found, per consumer key; the
/// RSA request that carries a token not in the secrets file verifies.
#[test]
fn batch_hunt_ranks_mistakes_per_consumer() {
    let o = doctor(&["verify", LOG, "--secrets", SECRETS, "--hunt"], None);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        "summary: 13 requests: 3 valid, 10 invalid, 0 unverifiable, 0 malformed"
    );
    assert_eq!(
        lines[lines.len() - 1],
        "mistakes: 4 consumers, 10 invalid: plus-for-space 6 (consumers ck_plus 5, ck_plus2 1), default-port-kept 3 (consumer ck_port), no known mistake 1"
    );
    // RFC 5849 §3.4.3: the RSA line's token is not in the file, and RSA needs no token secret.
    let rsa = lines.iter().find(|l| l.starts_with("line 13")).unwrap();
    assert!(rsa.contains("valid") && rsa.contains("RSA-SHA1"), "{rsa}");
    assert!(!rsa.contains("unverifiable"), "{rsa}");
    let port = lines.iter().find(|l| l.starts_with("line 5 ")).unwrap();
    assert!(port.ends_with("; hunt: default-port-kept"), "{port}");
    let wrong = lines.iter().find(|l| l.starts_with("line 8 ")).unwrap();
    assert!(
        wrong.ends_with("; hunt: no known mistake at depth 2"),
        "{wrong}"
    );
    // Without --hunt, nothing of it.
    let (plain, _) = text(&doctor(&["verify", LOG, "--secrets", SECRETS], None));
    assert!(
        !plain.contains("hunt:") && !plain.contains("mistakes:"),
        "{plain}"
    );
}

/// `--json`: each invalid line carries `hunt`, the same object `hunt --json`
/// prints for that request; the summary line carries the ranking.
#[test]
fn batch_hunt_json_carries_the_hunt_object_and_the_ranking() {
    let o = doctor(
        &["verify", LOG, "--secrets", SECRETS, "--hunt", "--json"],
        None,
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 14);
    for r in &rows[..13] {
        let invalid = r["verdict"] == "invalid";
        assert_eq!(r.get("hunt").is_some(), invalid, "{r}");
    }
    assert_eq!(
        rows[1]["hunt"]["mistakes"],
        serde_json::json!(["plus-for-space"])
    );
    assert_eq!(rows[12]["verdict"], "valid");

    // The same request through `hunt --json`.
    let dir = tempdir();
    let one = dir.join("line2.jsonl");
    let log = std::fs::read_to_string(LOG).unwrap();
    std::fs::write(&one, format!("{}\n", log.lines().nth(1).unwrap())).unwrap();
    let h = doctor(
        &[
            "hunt",
            one.to_str().unwrap(),
            "--format",
            "jsonl",
            "--consumer-secret",
            "cs-plus",
            "--token-secret",
            "ts-one",
            "--json",
        ],
        None,
    );
    let (hout, herr) = text(&h);
    assert_eq!(h.status.code(), Some(0), "{herr}");
    let alone: Value = serde_json::from_str(hout.trim()).unwrap();
    let in_batch = &rows[1]["hunt"];
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(in_batch), keys(&alone));
    for k in [
        "schema",
        "matched",
        "mistakes",
        "explanations",
        "details",
        "signer_base_string",
        "base_string",
        "depth",
    ] {
        assert_eq!(in_batch[k], alone[k], "{k}");
    }

    let summary = &rows[13];
    assert_eq!(summary["summary"]["invalid"], 10);
    let m = &summary["mistakes"];
    assert_eq!(m["consumers"], 4);
    assert_eq!(m["invalid"], 10);
    assert_eq!(m["hunted"], 10);
    assert_eq!(m["unexplained"], 1);
    assert_eq!(
        m["mistakes"],
        serde_json::json!([
            {"mistakes": ["plus-for-space"], "count": 6, "consumers": [
                {"consumer_key": "ck_plus", "count": 5},
                {"consumer_key": "ck_plus2", "count": 1}]},
            {"mistakes": ["default-port-kept"], "count": 3, "consumers": [
                {"consumer_key": "ck_port", "count": 3}]}
        ])
    );
}

/// A secrets file given on the command line wins over `OAUTH1_*`
/// variables; a secret flag on the command line still conflicts with it.
#[test]
fn secrets_file_wins_over_the_environment() {
    let env = [
        ("OAUTH1_CONSUMER_SECRET", "from-the-environment"),
        ("OAUTH1_TOKEN_SECRET", "from-the-environment-too"),
    ];
    let o = doctor_env(&["verify", LOG, "--secrets", SECRETS], None, &env);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        out.contains("summary: 13 requests: 3 valid, 10 invalid"),
        "{out}"
    );
    assert!(!out.contains("from-the-environment") && !err.contains("from-the-environment"));
    let o = doctor(
        &[
            "verify",
            LOG,
            "--secrets",
            SECRETS,
            "--consumer-secret",
            "x",
        ],
        None,
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("--secrets gives the secrets for every request"),
        "{err}"
    );
    // The environment alone still works for one request.
    let o = doctor_env(
        &[
            "verify",
            "fixtures/examples/twitter.http",
            "--now",
            "1318622958",
        ],
        None,
        &[
            (
                "OAUTH1_CONSUMER_SECRET",
                "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            ),
            (
                "OAUTH1_TOKEN_SECRET",
                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            ),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "oauth1-doctor-checks-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes a raw HTTP request and returns its path.
fn request_file(name: &str, text: &str) -> String {
    let p = tempdir().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn violations(args: &[&str]) -> Vec<(String, String, Value)> {
    let o = doctor(args, None);
    let (out, err) = text(&o);
    assert!(o.status.code() != Some(2), "{args:?}: {err}");
    let v: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap().to_string(),
                x["section"].as_str().unwrap().to_string(),
                x["mistake"].clone(),
            )
        })
        .collect()
}

fn codes(args: &[&str]) -> Vec<String> {
    violations(args).into_iter().map(|(c, _, _)| c).collect()
}

const TS_HEADER: &str = "GET https://api.example.com/v1/items HTTP/1.1\nAuthorization: OAuth oauth_consumer_key=\"k\", oauth_nonce=\"NONCE\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"TS\", oauth_signature=\"c2ln\"\n\n";

/// RFC 5849 §3.3: `--now` pins the clock, so the output does not change
/// from run to run; the system clock is used without it.
#[test]
fn now_pins_the_clock() {
    let req = request_file(
        "ts.http",
        &TS_HEADER
            .replace("TS", "1700000000")
            .replace("NONCE", "abc"),
    );
    let near = ["explain", req.as_str(), "--json", "--now", "1700000100"];
    let far = ["explain", req.as_str(), "--json", "--now", "1800000000"];
    assert!(!codes(&near).contains(&"timestamp-skew".to_string()));
    let skew = violations(&far);
    let s = skew.iter().find(|(c, _, _)| c == "timestamp-skew").unwrap();
    assert_eq!(s.1, "RFC 5849 §3.3");
    assert_eq!(s.2, "timestamp-skew");
    // Reproducible: two runs, the same bytes.
    assert_eq!(doctor(&far, None).stdout, doctor(&far, None).stdout);
    // Without --now: this machine's clock, far past 2023.
    assert!(codes(&["explain", req.as_str(), "--json"]).contains(&"timestamp-skew".to_string()));
}

/// A timestamp in milliseconds, a nonce that needs encoding, protocol
/// parameters in two places (oauthlib refuses each).
#[test]
fn strict_server_checks() {
    let ms = request_file(
        "ms.http",
        &TS_HEADER
            .replace("TS", "1700000000123")
            .replace("NONCE", "abc"),
    );
    let v = violations(&["explain", &ms, "--json", "--now", "1700000000"]);
    assert_eq!(
        v,
        [(
            "timestamp-milliseconds".to_string(),
            "RFC 5849 §3.3".to_string(),
            Value::from("timestamp-milliseconds")
        )]
    );
    let nonce = request_file(
        "nonce.http",
        &TS_HEADER
            .replace("TS", "1700000000")
            .replace("NONCE", "a%2Fb%3D"),
    );
    assert_eq!(
        codes(&["explain", &nonce, "--json", "--now", "1700000000"]),
        ["nonce-needs-encoding"]
    );
    let split = request_file(
        "split.http",
        &TS_HEADER
            .replace("TS", "1700000000")
            .replace("NONCE", "abc")
            .replace("/v1/items", "/v1/items?oauth_token=t"),
    );
    assert_eq!(
        codes(&["explain", &split, "--json", "--now", "1700000000"]),
        ["protocol-params-split"]
    );
    let twice = request_file(
        "twice.http",
        &TS_HEADER
            .replace("TS", "1700000000")
            .replace("NONCE", "abc")
            .replace("/v1/items", "/v1/items?oauth_nonce=abc"),
    );
    let c = codes(&["explain", &twice, "--json", "--now", "1700000000"]);
    assert!(
        c.contains(&"protocol-param-in-several-places".to_string()),
        "{c:?}"
    );
}

/// Vendor rules are notes that name the vendor's documentation.
#[test]
fn vendor_notes_cite_their_documentation() {
    let ns = request_file(
        "netsuite.http",
        "POST https://1234567-sb1.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=1&deploy=1 HTTP/1.1\nAuthorization: OAuth realm=\"1234567-sb1\", oauth_consumer_key=\"k\", oauth_token=\"t\", oauth_nonce=\"abc\", oauth_signature_method=\"HMAC-SHA256\", oauth_timestamp=\"1700000000\", oauth_signature=\"c2ln\"\n\n",
    );
    let o = doctor(&["explain", &ns, "--now", "1700000000"], None);
    let (out, _) = text(&o);
    let note = out
        .lines()
        .find(|l| l.contains("[netsuite-realm]"))
        .unwrap();
    assert!(note.contains("realm=\"1234567_SB1\""), "{note}");
    assert!(note.contains("NetSuite Help Center"), "{note}");
    let right = ns.replace("netsuite.http", "netsuite-right.http");
    std::fs::write(
        &right,
        std::fs::read_to_string(&ns)
            .unwrap()
            .replace("realm=\"1234567-sb1\"", "realm=\"1234567_SB1\""),
    )
    .unwrap();
    assert!(codes(&["explain", &right, "--json", "--now", "1700000000"]).is_empty());

    let woo = request_file(
        "woo.http",
        &TS_HEADER
            .replace("TS", "1700000000")
            .replace("NONCE", "abc")
            .replace(
                "api.example.com/v1/items",
                "shop.example/wp-json/wc/v3/orders",
            ),
    );
    let v = violations(&["explain", &woo, "--json", "--now", "1700000000"]);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].0, "woocommerce-oauth-over-https");
    assert!(
        v[0].1.contains("WooCommerce REST API documentation"),
        "{v:?}"
    );
    let plain_http = woo.replace("woo.http", "woo-http.http");
    std::fs::write(
        &plain_http,
        std::fs::read_to_string(&woo)
            .unwrap()
            .replace("https://shop", "http://shop"),
    )
    .unwrap();
    assert!(codes(&["explain", &plain_http, "--json", "--now", "1700000000"]).is_empty());
}

const TW: &str = "fixtures/examples/twitter.http";
const TW_CS: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TW_TS: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

/// `verify` shows what a strict server checks besides a valid signature.
#[test]
fn verify_notes_follow_a_valid_verdict() {
    let args = |now: &'static str| {
        [
            "verify",
            TW,
            "--consumer-secret",
            TW_CS,
            "--token-secret",
            TW_TS,
            "--now",
            now,
        ]
    };
    let o = doctor(&args("1318622958"), None);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out, "valid: oauth_signature is valid (HMAC-SHA1)\n");
    let o = doctor(&args("1700000000"), None);
    let (out, _) = text(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the verdict stays the signature's"
    );
    assert!(
        out.contains("\n  note: oauth_timestamp 1318622958 is more than 300 s before now"),
        "{out}"
    );
    assert!(out.contains("[timestamp-skew]"), "{out}");
}

/// A note's section is printed once, not twice ("(RFC 5849 §3.6) (RFC 5849 §3.6)").
#[test]
fn a_citation_is_printed_once() {
    let line = std::fs::read_to_string("fixtures/examples/twitter.jsonl")
        .ok()
        .and_then(|t| t.lines().next().map(str::to_string));
    let line = line.unwrap_or_else(|| r#"{"method":"POST","url":"https://api.twitter.com/1.1/statuses/update.json?include_entities=true","headers":[["Content-Type","application/x-www-form-urlencoded"],["Authorization","OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\""]],"body":"status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"}"#.to_string());
    // The signature's '+' arrived as a space.
    let mangled = line.replace("%2BiHY", " iHY");
    assert_ne!(mangled, line);
    let o = doctor(
        &[
            "verify",
            "-",
            "--format",
            "jsonl",
            "--consumer-secret",
            TW_CS,
            "--token-secret",
            TW_TS,
        ],
        Some(format!("{mangled}\n").as_bytes()),
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        out.contains("'+' arrived as a space (RFC 5849 §3.6)"),
        "{out}"
    );
    assert!(!out.contains("(RFC 5849 §3.6) (RFC 5849 §3.6)"), "{out}");
}

/// `sign --version` prints the version, as every command does; the old
/// `--version VALUE` is refused with the new flag's name.
#[test]
fn sign_version_is_the_program_version() {
    let o = doctor(&["sign", "--version"], None);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(out.contains(env!("CARGO_PKG_VERSION")), "{out}");
    let o = doctor(&["sign", TW, "--version", "1.0"], None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("--oauth-version 1.0"), "{err}");
    let o = doctor(
        &[
            "sign",
            TW,
            "--consumer-secret",
            "cs",
            "--oauth-version",
            "2.0",
            "--output",
            "header",
        ],
        None,
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.contains("oauth_version=\"2.0\""), "{out}");
}

/// `diff --show-secrets` shows each side's key; without it, no secret.
#[test]
fn diff_show_secrets_shows_the_keys_only_then() {
    let base = [
        "diff",
        "fixtures/examples/twitter.http",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
    ];
    let (out, _) = text(&doctor(&base, None));
    assert!(!out.contains(TW_CS) && !out.contains(TW_TS), "{out}");
    let mut shown = base.to_vec();
    shown.push("--show-secrets");
    let (out, err) = text(&doctor(&shown, None));
    let line = out
        .lines()
        .find(|l| l.starts_with("Keys (--show-secrets)"))
        .unwrap_or_else(|| panic!("{out}{err}"));
    assert!(line.contains(&format!("{TW_CS}&{TW_TS}")), "{line}");
    // --json never holds a secret.
    shown.push("--json");
    let (out, _) = text(&doctor(&shown, None));
    assert!(!out.contains(TW_CS), "{out}");
}

/// Standard input is read once: `diff - -` is refused.
#[test]
fn diff_reads_standard_input_once() {
    let o = doctor(&["diff", "-", "-"], Some(b"GET http://x/ HTTP/1.1\n\n"));
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("standard input (-) can be read only once"),
        "{err}"
    );
}

/// `check` on a directory without a fixture ran nothing: exit 2.
#[test]
fn check_refuses_an_empty_corpus() {
    let empty = tempdir().join("empty-corpus");
    std::fs::create_dir_all(&empty).unwrap();
    let o = doctor(&["check", empty.to_str().unwrap()], None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no fixture found"), "{err}");
}

/// `vectors grade -` reads the results table from standard input, as it
/// reads it from a file.
#[test]
fn vectors_grade_reads_standard_input() {
    let table = b"id,signature\nno-such-vector,AAAA\n";
    let path = tempdir().join("results.csv");
    std::fs::write(&path, table).unwrap();
    let from_file = doctor(
        &["vectors", "grade", path.to_str().unwrap(), "--json"],
        None,
    );
    let from_stdin = doctor(&["vectors", "grade", "-", "--json"], Some(table));
    assert_eq!(from_stdin.status.code(), Some(1), "{:?}", text(&from_stdin));
    let strip = |o: &Output| -> Value {
        let mut v: Value = serde_json::from_slice(&o.stdout).unwrap();
        // Timings differ between runs.
        if let Some(vs) = v["vectors"].as_array_mut() {
            for x in vs {
                if let Some(o) = x.as_object_mut() {
                    o.retain(|k, _| k == "id" || k == "passed" || k == "reason");
                }
            }
        }
        v
    };
    let file_text = strip(&from_file)
        .to_string()
        .replace(path.to_str().unwrap(), "standard input");
    assert_eq!(strip(&from_stdin).to_string(), file_text);
    assert!(file_text.contains("no row for this vector in standard input"));
    assert!(String::from_utf8_lossy(&from_stdin.stdout).contains("no vector has this id"));
}

/// An error's caret stays under the text it shows, however long the span.
#[test]
fn a_caret_is_never_wider_than_its_line() {
    let long = "a".repeat(400);
    let req = request_file(
        "caret.http",
        &format!("GET https://api.example.com/x HTTP/1.1\nAuthorization: OAuth oauth_consumer_key=\"{long}\n\n"),
    );
    let o = doctor(&["explain", &req], None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let widest = err
        .lines()
        .map(|l| l.matches('^').count())
        .max()
        .unwrap_or(0);
    assert!((1..=100).contains(&widest), "{err}");
}

/// `record` takes one request: an input holding several is refused unless
/// `--entry N` picks one (the README and `record --help` agree on formats).
#[test]
fn record_never_picks_one_of_several_requests() {
    let dir = tempdir().join("recorded");
    let o = doctor(
        &[
            "record",
            "fixtures/readers/har/two-ok-one-bad-signature.har",
            "--consumer-secret",
            "x",
            "--name",
            "several",
            "--dir",
            dir.to_str().unwrap(),
        ],
        None,
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("holds 3 requests") && err.contains("--entry N"),
        "{err}"
    );
    assert!(!dir.join("several.toml").exists());
    let (help, _) = text(&doctor(&["record", "--help"], None));
    let readme = std::fs::read_to_string("README.md").unwrap();
    let said = readme
        .lines()
        .find(|l| l.starts_with("`record` reads the request"))
        .unwrap();
    for format in ["raw HTTP", "cURL", "HAR"] {
        assert!(help.contains(format) && said.contains(format), "{format}");
    }
}
