//! Inputs the fuzzer once broke, kept under `fuzz/regressions/<target>/`
//! (file names say what they found) and replayed here with the same
//! invariants as the fuzz targets, so a fix cannot silently regress.
//! The newer targets keep their check in `fuzz/checks/<target>.rs`, shared
//! with the fuzz target, so there is one copy of each invariant.

#[path = "../fuzz/checks/diff.rs"]
mod diff;
#[path = "../fuzz/checks/echo.rs"]
mod echo;
#[path = "../fuzz/checks/fixture.rs"]
mod fixture;
#[path = "../fuzz/checks/hunt.rs"]
mod hunt;
#[path = "../fuzz/checks/jsonl.rs"]
mod jsonl;
#[path = "../fuzz/checks/postman.rs"]
mod postman;
#[path = "../fuzz/checks/secrets_toml.rs"]
mod secrets_toml;
#[path = "../fuzz/checks/verify.rs"]
mod verify;

use oauth1_doctor::auth_header;
use oauth1_doctor::input::curl::{self, Dialect};
use oauth1_doctor::input::{har, http, Files};
use std::path::Path;

/// As in the `curl` fuzz target: every path exists, holding the input after
/// its first NUL byte, or without one a little text derived from its name.
struct AnyFile<'a>(Option<&'a [u8]>);

impl Files for AnyFile<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        if path.starts_with('!') {
            return Err(format!("cannot read {path:?}"));
        }
        Ok(match self.0 {
            Some(c) => c.to_vec(),
            None => format!("{path}\r\n={path}").into_bytes(),
        })
    }
}

fn check_auth_header(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(Some(h)) = auth_header::parse(text) else {
        return;
    };
    let realm = h.get("realm").map(|p| p.value_lossy());
    let others: Vec<(String, Vec<u8>)> = h
        .params
        .iter()
        .filter(|p| p.name != "realm")
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect();
    let rebuilt = auth_header::build(realm.as_deref(), others.iter().map(|(n, v)| (n, v)));
    let again = auth_header::parse(&rebuilt).unwrap().unwrap();
    let again_others: Vec<(String, Vec<u8>)> = again
        .params
        .iter()
        .filter(|p| p.name != "realm")
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect();
    assert_eq!(others, again_others, "{rebuilt:?}");
}

fn check_http(data: &[u8]) {
    let Ok(read) = http::read(data, None) else {
        return;
    };
    let back = http::read(&http::render(&read.request), None)
        .unwrap()
        .request;
    assert_eq!(back.method, read.request.method);
    assert_eq!(back.url, read.request.url);
    assert_eq!(back.body, read.request.body);
}

fn check_curl(data: &[u8]) {
    let Some((&selector, data)) = data.split_first() else {
        return;
    };
    let (input, files) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], AnyFile(Some(&data[i + 1..]))),
        None => (data, AnyFile(None)),
    };
    let dialect = match selector % 4 {
        0 => None,
        1 => Some(Dialect::Bash),
        2 => Some(Dialect::Cmd),
        _ => Some(Dialect::PowerShell),
    };
    let Ok(reads) = curl::read_dialect(input, dialect, &files) else {
        return;
    };
    for read in reads {
        for d in Dialect::ALL {
            if let Ok(text) = curl::render(&read.request, d) {
                let back = curl::read_dialect(text.as_bytes(), Some(d), &files).unwrap();
                assert_eq!(back[0].request, read.request, "{d:?}\n{text}");
            }
        }
    }
}

fn check_har(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let entry = (selector < 8).then_some(selector as usize);
    if let Err(e) = har::read(input, entry) {
        let _ = e.to_string();
    }
}

#[test]
fn fuzz_regressions_stay_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut count = 0;
    let mut still_open = Vec::new();
    let checks = [
        ("auth_header", check_auth_header as fn(&[u8])),
        ("http", check_http),
        ("curl", check_curl),
        ("har", check_har),
        ("echo", echo::check),
        ("jsonl", jsonl::check),
        ("secrets_toml", secrets_toml::check),
        ("fixture", fixture::check),
        ("diff", diff::check),
        ("hunt", hunt::check),
        ("verify", verify::check),
        ("postman", postman::check),
    ];
    for &(target, check) in &checks {
        let Ok(dir) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in dir {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy();
            if name.starts_with(OPEN) {
                still_open.push((path.clone(), data));
            } else {
                check(&data);
            }
            count += 1;
        }
    }
    assert!(count >= 3, "only {count} regression inputs found");
    // A crash found but not yet fixed (its code belongs to someone else)
    // is kept as `open-<name>` and must still fail, so that the fix is
    // noticed: then drop the prefix and it is replayed as fixed above.
    for (path, data) in still_open {
        let target = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        let check = checks
            .iter()
            .find(|(t, _)| **t == *target)
            .map(|(_, c)| *c)
            .unwrap();
        let fails = std::panic::catch_unwind(|| check(&data)).is_err();
        assert!(
            fails,
            "{} no longer fails: remove the `{OPEN}` prefix from its name",
            path.display()
        );
    }
}

/// The name prefix of a regression input whose crash is not fixed yet.
const OPEN: &str = "open-";

/// The fuzz checks hold on the repository's own inputs: every fixture
/// (loaded, written back, checked), every server response of the diff
/// fixtures, and every known-good/candidate pair, with and without secrets.
#[test]
fn fuzz_checks_hold_on_the_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut count = 0;
    for group in ["vectors/published", "vectors/computed"] {
        for entry in std::fs::read_dir(root.join(group)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                fixture::check(&std::fs::read(&path).unwrap());
                count += 1;
            }
        }
    }
    for entry in std::fs::read_dir(root.join("diff")).unwrap() {
        let dir = entry.unwrap().path();
        let read = |name: &str| std::fs::read(dir.join(name)).ok();
        if let Some(body) = read("server_response.txt") {
            echo::check(&body);
            count += 1;
        }
        if let (Some(good), Some(candidate)) = (read("known_good.http"), read("candidate.http")) {
            for selector in [0u8, 4] {
                let mut pair = vec![selector];
                pair.extend(&good);
                pair.push(0);
                pair.extend(&candidate);
                diff::check(&pair);
            }
            count += 1;
        }
    }
    assert!(count >= 100, "only {count} fixture inputs found");
}

/// The differential targets reach their comparisons: the batch fast path
/// answers for correctly signed HMAC requests (so `verify` compares both
/// paths) and for a wrong signature (the mismatch: the pipeline alone
/// against `verify::check`), not for PLAINTEXT; and `hunt` hunts a
/// correctly signed request.
#[test]
fn fuzz_checks_reach_their_comparisons() {
    let request = "\nPOST\nhttps://api.example.com/1/x?b=2&a=1\napplication/x-www-form-urlencoded\nstatus=hi%20there\n";
    // The selector line's byte sum picks secrets, method, realm, token, spacing.
    for (selector, compared) in [
        ("H", true),      // HMAC-SHA1, realm
        ("J", true),      // HMAC-SHA256
        ("A", true),      // HMAC-SHA512, other secrets
        ("X", true),      // no space after commas
        ("x\u{c}", true), // no oauth_token
        ("B", false),     // PLAINTEXT: the full path's business
        ("`", true),      // a wrong signature: the mismatch path
    ] {
        let input = format!("{selector}{request}");
        assert_eq!(verify::compared(input.as_bytes()), compared, "{selector:?}");
    }
    let http = b"POST /1/x?b=2&a=1 HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nstatus=hi";
    for selector in [4u8, 0b1_0100, 0b10_0101] {
        let mut input = vec![selector];
        input.extend_from_slice(http);
        assert!(hunt::hunted(&input), "selector {selector}");
    }
}

/// The `postman` target's check holds on the bundled collection.
#[test]
fn postman_check_holds_on_the_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data =
        std::fs::read(root.join("fixtures/postman/v2.0-oauth1-object.postman_collection.json"))
            .unwrap();
    postman::check(&data);
}
