//! Property: a request written as a curl command (`curl::render`) reads
//! back (`curl::read_dialect`) as the same request, for arbitrary methods,
//! URLs, headers and bodies, in each shell dialect.

use oauth1_doctor::input::curl::{detect_dialect, read_dialect, render, Dialect};
use oauth1_doctor::input::NoFiles;
use oauth1_doctor::Request;
use proptest::prelude::*;

/// Text a dialect can carry in one argument: never NUL; never a line
/// break for cmd, where an argument cannot span lines.
fn text(dialect: Dialect, max: usize) -> BoxedStrategy<String> {
    let pattern = match dialect {
        Dialect::Cmd => format!("[^\\x00\\r\\n]{{0,{max}}}"),
        _ => format!("[^\\x00]{{0,{max}}}"),
    };
    proptest::string::string_regex(&pattern).unwrap().boxed()
}

fn body(dialect: Dialect) -> BoxedStrategy<Vec<u8>> {
    match dialect {
        // bash's $'…' carries any byte but NUL, UTF-8 or not.
        Dialect::Bash => proptest::collection::vec(1u8..=255, 0..80).boxed(),
        d => text(d, 80).prop_map(String::into_bytes).boxed(),
    }
}

fn request(dialect: Dialect) -> impl Strategy<Value = Request> {
    let method = prop_oneof![
        Just("GET".to_string()),
        Just("POST".to_string()),
        "[A-Za-z_-]{1,10}",
        text(dialect, 12),
    ];
    let url = (
        prop_oneof![Just("http"), Just("https"), Just("HTTPS")],
        "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        text(dialect, 40),
    )
        .prop_map(|(scheme, host, rest)| format!("{scheme}://{host}/{rest}"));
    let value = text(dialect, 30).prop_map(|v| v.trim().to_string());
    let headers = proptest::collection::vec(("[A-Za-z0-9_-]{1,16}", value), 0..5);
    (method, url, headers, body(dialect)).prop_map(|(method, url, headers, body)| Request {
        method,
        url,
        headers,
        body,
    })
}

fn round_trip(req: &Request, dialect: Dialect) -> Result<(), TestCaseError> {
    let text = render(req, dialect).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = read_dialect(text.as_bytes(), Some(dialect), &NoFiles)
        .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert_eq!(back.len(), 1, "{}", text);
    prop_assert_eq!(&back[0].request, req, "{}", text);
    // On a multi-line command the continuation character tells the dialect,
    // unless quoted text itself spans lines (then the dialect must be given).
    let spans_lines = |t: &[u8]| t.contains(&b'\n') || t.contains(&b'\r');
    if text.contains('\n')
        && !spans_lines(req.url.as_bytes())
        && !spans_lines(&req.body)
        && !req.headers.iter().any(|(_, v)| spans_lines(v.as_bytes()))
        && !spans_lines(req.method.as_bytes())
    {
        prop_assert_eq!(detect_dialect(&text), dialect);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn bash_render_then_read_is_identity(req in request(Dialect::Bash)) {
        round_trip(&req, Dialect::Bash)?;
    }

    #[test]
    fn cmd_render_then_read_is_identity(req in request(Dialect::Cmd)) {
        round_trip(&req, Dialect::Cmd)?;
    }

    #[test]
    fn powershell_render_then_read_is_identity(req in request(Dialect::PowerShell)) {
        round_trip(&req, Dialect::PowerShell)?;
    }
}

#[test]
fn what_a_dialect_cannot_carry_is_refused() {
    let with_nul = Request::new("POST", "http://h/").with_body(b"a\0b".to_vec());
    for d in Dialect::ALL {
        assert!(render(&with_nul, d).is_err(), "{d:?}");
    }
    let multi_line = Request::new("POST", "http://h/").with_body("a\nb");
    assert!(render(&multi_line, Dialect::Cmd).is_err());
    assert!(render(&multi_line, Dialect::Bash).is_ok());
    let binary = Request::new("POST", "http://h/").with_body(vec![0xff, 0xfe]);
    assert!(render(&binary, Dialect::PowerShell).is_err());
    assert_eq!(
        read_dialect(
            render(&binary, Dialect::Bash).unwrap().as_bytes(),
            Some(Dialect::Bash),
            &NoFiles
        )
        .unwrap()[0]
            .request
            .body,
        vec![0xff, 0xfe]
    );
}
