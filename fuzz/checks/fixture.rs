//! The fixture loader: never panics on any text; an error points inside
//! the file; a fixture it loads survives being written back as TOML then
//! loaded again unchanged; and preparing and checking it through the
//! pipeline never panics, with files that exist, hold keys or are missing.

use oauth1_doctor::fixtures::{check_case, load, prepare};
use oauth1_doctor::input::Files;

/// `*.pub.pem`/`*.crt` paths hold a public key or certificate, other
/// `*.pem` paths a private key; other paths hold text derived from their
/// name; paths with `!` cannot be read.
struct SomeFiles;

impl Files for SomeFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        if path.contains('!') {
            return Err(format!("cannot read {path:?}"));
        }
        if path.ends_with(".pub.pem") {
            return Ok(include_bytes!("../../fixtures/keys/oauthlib-rsa.pub.pem").to_vec());
        }
        if path.ends_with(".crt") {
            return Ok(include_bytes!("../../fixtures/keys/wiki-testcases-rsa.crt").to_vec());
        }
        if path.ends_with(".pem") {
            return Ok(include_bytes!("../../fixtures/keys/oauthlib-rsa.pem").to_vec());
        }
        Ok(format!("{path}\r\n={path}").into_bytes())
    }
}

/// Checks one input; panics when an invariant breaks.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let fixture = match load("f/x.toml", text) {
        Ok(f) => f,
        Err(e) => {
            assert_eq!(e.path, "f/x.toml");
            assert!(e.line >= 1 && e.line <= text.split('\n').count(), "{e:?}");
            assert!(e.column >= 1, "{e:?}");
            let _ = e.to_string();
            return;
        }
    };
    let written = toml::to_string(&fixture)
        .unwrap_or_else(|e| panic!("{fixture:?} cannot be written as TOML: {e}"));
    let again = load("f/x.toml", &written)
        .unwrap_or_else(|e| panic!("written fixture does not load: {e}\n{written}"));
    assert_eq!(again, fixture, "{written}");

    if let Ok(case) = prepare(&fixture, &SomeFiles) {
        let _ = case.vector();
        if let Err(m) = check_case(&case) {
            let _ = m.to_string();
        }
    }
}
