//! Inputs the fuzzer once broke, kept under `fuzz/regressions/<target>/`
//! (file names say what they found) and replayed here with the same
//! invariants as the fuzz targets, so a fix cannot silently regress.

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
    for (target, check) in [
        ("auth_header", check_auth_header as fn(&[u8])),
        ("http", check_http),
        ("curl", check_curl),
        ("har", check_har),
    ] {
        let Ok(dir) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in dir {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            check(&data);
            count += 1;
        }
    }
    assert!(count >= 3, "only {count} regression inputs found");
}
