//! The `--json` contract (issue 12): the JSON Schema files under
//! `docs/schema/` are the ones the library generates, and every command's
//! `--json` output on the bundled fixtures validates against its schema.
//!
//! Regenerate the files after changing a report type:
//! `OAUTH1_DOCTOR_WRITE_SCHEMAS=1 cargo test --test schema`.
//!
//! Every command runs through the real binary. Fixtures are the bundled
//! ones (`fixtures/diff/*`, `fixtures/examples/*`, `fixtures/readers/*`,
//! `fixtures/verify/*`, `fixtures/hunt/*`, the conformance vectors); their
//! signatures are published values or come from the independent signers
//! in `fixtures/`.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// X/Twitter's published example secrets (`fixtures/examples/README.md`).
const TW_CS: &str = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
const TW_TS: &str = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_dir() -> PathBuf {
    root().join("docs/schema")
}

/// The generated schemas as their committed text.
fn generated() -> BTreeMap<String, String> {
    oauth1_doctor::schema::schemas()
        .into_iter()
        .map(|(name, v)| {
            (
                format!("{name}.json"),
                serde_json::to_string_pretty(&v).unwrap() + "\n",
            )
        })
        .collect()
}

#[test]
fn committed_schemas_are_the_generated_ones() {
    let want = generated();
    let dir = schema_dir();
    if std::env::var_os("OAUTH1_DOCTOR_WRITE_SCHEMAS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &want {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    let mut have = BTreeMap::new();
    for e in std::fs::read_dir(&dir).expect("docs/schema exists") {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            have.insert(name, std::fs::read_to_string(&p).unwrap());
        }
    }
    assert_eq!(
        have.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "docs/schema/ holds other files than the generated ones; regenerate with OAUTH1_DOCTOR_WRITE_SCHEMAS=1 cargo test --test schema"
    );
    for (name, text) in &want {
        assert!(
            have[name] == *text,
            "docs/schema/{name} is stale; regenerate with OAUTH1_DOCTOR_WRITE_SCHEMAS=1 cargo test --test schema"
        );
    }
}

#[test]
fn every_report_declares_the_schema_version() {
    for (name, v) in oauth1_doctor::schema::schemas() {
        let text = v.to_string();
        if name == "vectors-export" {
            // An array: no top-level object to carry it.
            continue;
        }
        assert!(text.contains("\"schema\""), "{name}: no schema field");
    }
}

#[test]
fn the_schemas_reject_an_unknown_field_and_a_missing_one() {
    let v = Validators::new();
    let (_, out, _) = doctor(&[
        "verify",
        "fixtures/examples/twitter.http",
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
        "--json",
    ]);
    let good: Value = serde_json::from_str(&out).unwrap();
    v.check("verify", &good, "verify twitter.http");
    // The hand-written objects are described by mirrors that forbid
    // unknown fields: an output field the mirror lacks fails the test.
    let mut extra = good.clone();
    extra["surprise"] = Value::Bool(true);
    assert!(!v.0["verify"].is_valid(&extra));
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("base_string");
    assert!(!v.0["verify"].is_valid(&missing));
    // A field that is null when unknown is still always present.
    let mut no_realm = good.clone();
    no_realm.as_object_mut().unwrap().remove("realm");
    assert!(!v.0["verify"].is_valid(&no_realm));
    let mut hunt_extra = serde_json::json!({});
    hunt_extra["schema"] = oauth1_doctor::SCHEMA.into();
    assert!(!v.0["hunt"].is_valid(&hunt_extra));
}

/// One run of the binary: exit code and stdout.
fn doctor(args: &[&str]) -> (i32, String, String) {
    let mut cmd = common::process::doctor();
    let out = cmd
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Validators by schema name, compiled once per test.
struct Validators(BTreeMap<&'static str, jsonschema::Validator>);

impl Validators {
    fn new() -> Validators {
        Validators(
            oauth1_doctor::schema::schemas()
                .into_iter()
                .map(|(name, v)| {
                    let on_disk: Value = serde_json::from_str(
                        &std::fs::read_to_string(schema_dir().join(format!("{name}.json")))
                            .unwrap(),
                    )
                    .unwrap();
                    // The committed file is the one users get; the other
                    // test checks it equals the generated one.
                    assert_eq!(on_disk, v, "docs/schema/{name}.json is stale");
                    let validator = jsonschema::validator_for(&on_disk)
                        .unwrap_or_else(|e| panic!("{name}: not a valid schema: {e}"));
                    (name, validator)
                })
                .collect(),
        )
    }

    /// Validates `value` against `schema`; panics with every error.
    fn check(&self, schema: &str, value: &Value, what: &str) {
        let v = &self.0[schema];
        let errors: Vec<String> = v
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what}: output does not match docs/schema/{schema}.json:\n  {}\n{value:#}",
            errors.join("\n  ")
        );
        if schema != "vectors-export" && schema != "batch-verify" {
            assert_eq!(value["schema"], oauth1_doctor::SCHEMA, "{what}");
        }
    }

    /// Runs the binary and validates its single JSON document.
    fn run(&self, schema: &str, args: &[&str]) -> Value {
        let (code, out, err) = doctor(args);
        assert!(code == 0 || code == 1, "{args:?} exited {code}: {err}");
        let v: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}): {out}"));
        self.check(schema, &v, &format!("{args:?}"));
        v
    }
}

/// Files under `dir` (recursively) whose name ends with one of `exts`.
fn files(dir: &Path, exts: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if exts.iter().any(|x| name.ends_with(x)) && !name.ends_with(".expected.json") {
                    out.push(
                        p.strip_prefix(root())
                            .unwrap()
                            .to_string_lossy()
                            .into_owned(),
                    );
                }
            }
        }
    }
    out.sort();
    out
}

/// The request inputs of the reader and example fixtures.
fn request_inputs() -> Vec<String> {
    let mut all = files(&root().join("fixtures/examples"), &[".http", ".curl"]);
    all.extend(files(
        &root().join("fixtures/readers"),
        &[".http", ".curl", ".har"],
    ));
    all.extend(files(&root().join("fixtures/verify"), &[".http"]));
    all.extend(files(&root().join("fixtures/hunt"), &[".http"]));
    assert!(all.len() > 10, "fixtures found: {all:?}");
    all
}

#[test]
fn explain_and_verify_json_match_their_schemas() {
    let v = Validators::new();
    let secrets = [
        "--consumer-secret",
        TW_CS,
        "--token-secret",
        TW_TS,
        "--allow-file",
        "fixtures",
    ];
    for input in request_inputs() {
        for (command, schema) in [("explain", "explain"), ("verify", "verify")] {
            // A HAR file holds several requests: one object per line.
            let mut args = vec![command, input.as_str(), "--json"];
            args.extend_from_slice(&secrets);
            let (code, out, err) = doctor(&args);
            if code == 2 {
                // A fixture that is meant to be rejected: not JSON output.
                assert!(out.is_empty(), "{args:?}: {err}");
                continue;
            }
            let mut n = 0;
            for line in out.lines().filter(|l| !l.trim().is_empty()) {
                let value: Value =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("{args:?}: {e}: {line}"));
                // Another scheme than OAuth 1.0 has its own object.
                let schema = if value["scheme"] == "oauth1" {
                    schema
                } else {
                    "explain-scheme"
                };
                v.check(schema, &value, &format!("{args:?}"));
                n += 1;
            }
            assert!(n > 0, "{args:?} printed nothing: {err}");
        }
    }
}

#[test]
fn batch_verify_lines_match_their_schema() {
    let v = Validators::new();
    let runs: [&[&str]; 3] = [
        // The verify fixtures' own secret (fixtures/verify/README.md):
        // valid, a wrong oauth_body_hash, a wrong signature.
        &[
            "verify",
            "fixtures/verify/all.jsonl",
            "--consumer-secret",
            "verify-cs",
            "--json",
        ],
        // A HAR file through batch verify, the invalid entries only.
        &[
            "verify",
            "fixtures/readers/har/two-ok-one-bad-signature.har",
            "--only-invalid",
            "--consumer-secret",
            TW_CS,
            "--token-secret",
            TW_TS,
            "--json",
        ],
        // --hunt: a hunt object on invalid lines, the ranking in the summary.
        &[
            "verify",
            "fixtures/batch-hunt/log.jsonl",
            "--secrets",
            "fixtures/batch-hunt/secrets.toml",
            "--hunt",
            "--json",
        ],
    ];
    for args in runs {
        let (code, out, err) = doctor(args);
        assert!(code == 0 || code == 1, "{args:?}: {err}");
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(lines.len() > 1, "{args:?}: {out}");
        for l in &lines {
            v.check("batch-verify", l, &format!("{args:?}"));
            assert_eq!(l["schema"], oauth1_doctor::SCHEMA);
        }
        assert!(lines.last().unwrap()["summary"].is_object());
        assert!(lines[..lines.len() - 1]
            .iter()
            .any(|l| l["verdict"] == "invalid"));
    }
}

#[test]
fn hunt_and_sign_json_match_their_schemas() {
    let v = Validators::new();
    for input in request_inputs() {
        let args = [
            "hunt",
            input.as_str(),
            "--json",
            "--consumer-secret",
            TW_CS,
            "--token-secret",
            TW_TS,
            "--allow-file",
            "fixtures",
            "--budget-time",
            "2",
        ];
        let (code, out, err) = doctor(&args);
        if code == 2 {
            continue; // no signature to hunt, or several requests
        }
        let value: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        // Several requests: one element per request (`hunt-entries`).
        let schema = if value.get("entries").is_some() {
            "hunt-entries"
        } else {
            "hunt"
        };
        v.check(schema, &value, &format!("{args:?}"));
    }
    // A HAR with a 200 and a 401 entry, and a --target whose server side
    // is the RFC one (the request's own hunt inside), from generate.py.
    let entries = v.run(
        "hunt-entries",
        &[
            "hunt",
            "fixtures/multi/twitter-200-401.har",
            "--json",
            "--consumer-secret",
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "--token-secret",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        ],
    );
    assert!(entries["entries"][1]["hunt"].is_object());
    let target =
        std::fs::read_to_string(root().join("fixtures/multi/twitter-candidate.rfc-signature.txt"))
            .unwrap();
    let both = v.run(
        "hunt",
        &[
            "hunt",
            "fixtures/multi/twitter-candidate.http",
            "--json",
            "--consumer-secret",
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "--token-secret",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            "--target",
            target.trim(),
        ],
    );
    assert!(both["request_hunt"].is_object());
    let hunted = v.run(
        "hunt",
        &[
            "hunt",
            "fixtures/hunt/twitter-plus-for-space.http",
            "--json",
            "--consumer-secret",
            TW_CS,
            "--token-secret",
            TW_TS,
        ],
    );
    assert_eq!(hunted["matched"], true);
    v.run(
        "sign",
        &[
            "sign",
            "fixtures/examples/twitter.http",
            "--output",
            "json",
            "--consumer-secret",
            TW_CS,
            "--token-secret",
            TW_TS,
        ],
    );
}

#[test]
fn diff_json_matches_its_schema_on_every_scenario() {
    let v = Validators::new();
    let mut scenarios = 0;
    let mut hunted = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/diff"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let rel = dir
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let Some(files) = common::diff_scenario_args(&dir, &rel, true) else {
            continue;
        };
        let mut args = vec!["diff".to_owned(), "--json".to_owned()];
        args.extend(files);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = doctor(&args);
        if code == 2 {
            // A scenario whose answer is an error (nothing to compare with).
            assert!(out.is_empty(), "{args:?}: {err}");
            continue;
        }
        let value: Value = serde_json::from_str(&out).unwrap_or_else(|x| panic!("{x}: {err}"));
        v.check("diff", &value, &format!("{args:?}"));
        if value["hunt"].is_object() {
            hunted += 1;
            // The hunt inside diff is the hunt object, checked by its own schema.
            v.check("hunt", &value["hunt"], &format!("{args:?} (hunt)"));
        }
        scenarios += 1;
    }
    assert!(scenarios > 100, "only {scenarios} scenarios ran");
    assert!(hunted > 0, "no scenario hunted");
}

#[test]
fn check_conform_and_vectors_json_match_their_schemas() {
    let v = Validators::new();
    let r = v.run("check", &["check", "--json"]);
    assert_eq!(r["failed"], 0);
    assert!(r["vectors"][0]["id"].is_string());
    v.run("check", &["check", "fixtures/vectors", "--json"]);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("broken.toml"),
        "name = \"broken\"\nsignatur = 1\n",
    )
    .unwrap();
    let broken = v.run("check", &["check", tmp.path().to_str().unwrap(), "--json"]);
    assert_eq!(broken["vectors"][0]["id"], Value::Null);

    let export = v.run("vectors-export", &["vectors", "export", "--format", "json"]);
    assert!(export.as_array().is_some_and(|a| !a.is_empty()));

    let node = Command::new("node").arg("--version").output();
    if node.is_ok_and(|o| o.status.success()) {
        for signer in ["correct.js", "drop_ampersand.js", "plus_for_space.js"] {
            let command = format!("node tests/signers/{signer}");
            let r = v.run(
                "conform",
                &[
                    "conform", "--signer", &command, "--filter", "rfc5849*", "--json",
                ],
            );
            assert!(r["vectors"][0]["id"].is_string());
        }
    } else {
        eprintln!("node not found: conform --json not run");
    }
    // `vectors grade` prints the same object as `conform`.
    let answers = tmp.path().join("results.csv");
    std::fs::write(
        &answers,
        "id,signature\nrfc5849-1.2-photos,MdpQcU8iPSUjWoN/UDMsK2sui9I=\n",
    )
    .unwrap();
    let graded = v.run(
        "conform",
        &[
            "vectors",
            "grade",
            answers.to_str().unwrap(),
            "--filter",
            "rfc5849-1.2-photos",
            "--json",
        ],
    );
    assert!(graded["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["id"] == "rfc5849-1.2-photos" && g["passed"] == true));
}

/// Sends `raw` to the server at `port` with `Connection: close` added, and
/// returns the response body.
#[cfg(feature = "listen")]
fn send_raw(port: u16, raw: &str, accept_json: bool) -> String {
    use std::io::{Read, Write};
    let (line, rest) = raw.split_once('\n').unwrap();
    let accept = if accept_json {
        "Accept: application/json\r\n"
    } else {
        ""
    };
    let raw = format!("{line}\nConnection: close\r\n{accept}{rest}");
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or(out)
}

/// `listen --json` lines and the JSON body it answers validate: a valid
/// request (X's published example), an invalid one (hunt and diff against
/// the Postman export run), and one without OAuth parameters.
#[cfg(feature = "listen")]
#[test]
fn listen_json_lines_and_responses_match_their_schemas() {
    use std::io::BufRead;
    let v = Validators::new();
    let mut cmd = common::process::doctor();
    let mut child = cmd
        .args([
            "listen",
            "--port",
            "0",
            "--json",
            "--count",
            "3",
            "--max-skew",
            "0",
        ])
        .args(["--as", "https://api.twitter.com"])
        .args(["--good", "fixtures/examples/postman-twitter.curl"])
        .args(["--consumer-secret", TW_CS, "--token-secret", TW_TS])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap();
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let good = std::fs::read_to_string(root().join("fixtures/examples/twitter.http")).unwrap();
    let bad = good.replace("Ladies%20%2b", "Ladiez%20%2b");
    let plain = "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut bodies = Vec::new();
    for raw in [&good, &bad, plain] {
        bodies.push(send_raw(port, raw, true));
    }
    let records: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let _ = child.wait();
    assert_eq!(records.len(), 3);
    for (r, what) in records.iter().zip(["valid", "invalid", "no oauth"]) {
        v.check("listen", r, what);
    }
    assert_eq!(records[0]["response_status"], 200);
    assert_eq!(records[1]["response_status"], 401);
    assert!(records[1]["hunt"].is_object());
    assert_eq!(records[1]["diff"]["reference"], "known-good");
    assert_eq!(records[2]["response_status"], 400);
    for (body, what) in bodies.iter().zip(["valid", "invalid", "no oauth"]) {
        let b: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: {e}: {body}"));
        v.check("listen-response", &b, what);
    }
}

/// `listen --oauth2-client --json` lines validate: a token issued, a token
/// request refused (JSON body), a valid Bearer request and a misspelt one.
#[cfg(feature = "listen")]
#[test]
fn listen_oauth2_json_lines_match_the_schema() {
    use std::io::BufRead;
    let v = Validators::new();
    let mut cmd = common::process::doctor();
    let mut child = cmd
        .args(["listen", "--port", "0", "--json", "--count", "4"])
        .args(["--oauth2-client", "app:s3cr3t"])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap();
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let form = "grant_type=client_credentials&client_id=app&client_secret=s3cr3t";
    let token_req = format!("POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}", form.len());
    let issued: Value = serde_json::from_str(&send_raw(port, &token_req, false)).unwrap();
    let token = issued["access_token"].as_str().unwrap().to_string();
    let json = r#"{"grant_type":"client_credentials","client_id":"app","client_secret":"s3cr3t"}"#;
    let json_req = format!("POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}", json.len());
    send_raw(port, &json_req, false);
    for scheme in ["Bearer", "Bearer:"] {
        let get =
            format!("GET /items HTTP/1.1\r\nHost: x\r\nAuthorization: {scheme} {token}\r\n\r\n");
        send_raw(port, &get, false);
    }
    let records: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let _ = child.wait();
    assert_eq!(records.len(), 4);
    for (r, what) in records
        .iter()
        .zip(["issued", "json body", "valid", "misspelt"])
    {
        v.check("listen", r, what);
        assert!(r["verification"].is_null() && r["hunt"].is_null() && r["diff"].is_null());
        assert!(
            !r.to_string().contains(&token),
            "{what}: the token is printed"
        );
    }
    let status: Vec<u64> = records
        .iter()
        .map(|r| r["response_status"].as_u64().unwrap())
        .collect();
    assert_eq!(status, [200, 400, 200, 401]);
    assert_eq!(
        records[1]["scheme_report"]["violations"][0]["code"],
        "token-request-json-body"
    );
    assert_eq!(
        records[3]["scheme_report"]["violations"][0]["code"],
        "bearer-scheme-misspelt"
    );
}

/// `listen --grade --json` lines validate: RFC 5849 §1.2's request with
/// its published signature (the vector passes) and with another one (it
/// fails), graded against a one-row `vectors export` table.
#[cfg(feature = "listen")]
#[test]
fn listen_grade_json_lines_match_the_schema() {
    use std::io::BufRead;
    let v = Validators::new();
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("table.csv");
    std::fs::write(
        &table,
        "id,method,url,realm,oauth_consumer_key,oauth_token,oauth_signature_method,oauth_timestamp,oauth_nonce,consumer_secret,token_secret\n\
         photos,GET,http://photos.example.net/photos?file=vacation.jpg&size=original,Photos,dpf43f3p2l4k3l03,nnch734d00sl2jdk,HMAC-SHA1,137131202,chapoH,kd94hf93k423kf44,pfkkdhi9sl3r4s00\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"))
        .args(["listen", "--port", "0", "--json", "--count", "2", "--grade"])
        .arg(&table)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap();
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let rfc = "GET /photos?file=vacation.jpg&size=original HTTP/1.1\r\nHost: photos.example.net\r\nAuthorization: OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"\r\n\r\n";
    let wrong = rfc.replace("MdpQcU8i", "XdpQcU8i");
    for raw in [rfc, wrong.as_str()] {
        send_raw(port, raw, false);
    }
    let records: Vec<Value> = lines
        .take(2)
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    for (r, what) in records.iter().zip(["passed", "failed"]) {
        v.check("listen", r, what);
    }
    assert_eq!(records[0]["grade"]["passed"], true);
    assert_eq!(records[0]["response_status"], 200);
    assert_eq!(records[1]["grade"]["passed"], false);
    assert_eq!(records[1]["response_status"], 401);
}

/// Issue 17: `sign --output json` and `explain --json` for a Postman
/// collection's request, and `sign --like postman`.
#[test]
fn postman_json_matches_its_schema() {
    let v = Validators::new();
    let collection = "fixtures/postman/v2.0-oauth1-object.postman_collection.json";
    let signed = v.run("postman", &["sign", collection, "--output", "json"]);
    assert_eq!(signed["placement"], "header");
    assert_eq!(signed["auth_from"]["level"], "request");
    let explained = v.run("postman", &["explain", collection, "--json"]);
    assert_eq!(explained["item"], "get-header-sha1");
    let like = v.run(
        "postman",
        &[
            "sign",
            "fixtures/examples/twitter.http",
            "--like",
            "postman",
            "--placement",
            "query",
            "--output",
            "json",
            "--consumer-secret",
            TW_CS,
            "--token-secret",
            TW_TS,
        ],
    );
    assert_eq!(like["item"], Value::Null);
    assert_eq!(like["placement"], "query");
}
