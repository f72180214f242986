//! The server-echo parser (`diff --server-response`): never panics on any
//! body; what it quotes from the body is really there; the comparison base
//! string follows the candidate's where the server gave only its URI; and
//! masked signature notes (PLAINTEXT, RFC 5849 §3.4.4) depend only on the
//! lengths of the signatures and on which of them are equal, never on
//! their text.

use oauth1_doctor::diff::echo::{parse, EchoShape, ServerEcho};

/// Every string the JSON body holds, as the parser searches them.
fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// The same values with each distinct text replaced by a run of one
/// control character of the same byte length.
fn placeholders(values: [Option<&str>; 4]) -> [Option<String>; 4] {
    let mut seen: Vec<&str> = Vec::new();
    values.map(|v| {
        let v = v?;
        let class = seen.iter().position(|s| *s == v).unwrap_or_else(|| {
            seen.push(v);
            seen.len() - 1
        });
        Some(char::from(1 + class as u8).to_string().repeat(v.len()))
    })
}

/// Checks one input; panics when an invariant breaks.
pub fn check(data: &[u8]) {
    // body \0 sent \0 computed \0 candidate base string
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\0');
    let body = parts.next().unwrap_or("");
    let sent = parts.next();
    let computed = parts.next();
    let candidate = parts.next().unwrap_or("GET&http%3A%2F%2Fx%2F&a%3D1");

    let echo = parse(body);
    serde_json::to_string(&echo).expect("a ServerEcho serializes");
    assert!(!echo.found.is_empty() || echo.shape != EchoShape::Unknown);

    // Quoted values are found in the body or in one of its JSON strings
    // (Jira's are form-decoded, an unknown body's base string may be too).
    let mut texts = vec![body.to_string()];
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body.trim()) {
        json_strings(&v, &mut texts);
    }
    let quoted = |v: &Option<String>| {
        if let Some(v) = v {
            assert!(
                texts.iter().any(|t| t.contains(v.as_str())),
                "{:?} quotes {v:?}, which is not in {body:?}",
                echo.shape
            );
        }
    };
    if echo.shape != EchoShape::Jira {
        quoted(&echo.expected_signature);
        quoted(&echo.received_signature);
        quoted(&echo.base_uri);
        quoted(&echo.client_base_string);
        if echo.shape != EchoShape::Unknown {
            quoted(&echo.base_string);
        }
    }

    // The reference base string.
    let reference = echo.reference_base_string(candidate);
    match (&echo.base_string, &echo.base_uri) {
        (Some(b), _) => assert_eq!(reference.as_ref(), Some(b)),
        (None, Some(_)) => {
            let mut want = candidate.splitn(3, '&');
            let (m, _, p) = (want.next(), want.next(), want.next());
            if let Some(r) = &reference {
                let mut got = r.splitn(3, '&');
                assert_eq!(got.next(), m, "{r:?} from {candidate:?}");
                got.next();
                assert_eq!(got.next(), p, "{r:?} from {candidate:?}");
            } else {
                assert!(p.is_none(), "no reference for {candidate:?}");
            }
        }
        (None, None) => assert_eq!(reference, None),
    }

    // Masked notes say nothing about the signatures but their lengths and
    // which of them are equal.
    let _ = echo.signature_notes(sent, computed, false);
    let masked = echo.signature_notes(sent, computed, true);
    let [r, e, s, c] = placeholders([
        echo.received_signature.as_deref(),
        echo.expected_signature.as_deref(),
        sent,
        computed,
    ]);
    let blind = ServerEcho {
        received_signature: r,
        expected_signature: e,
        ..echo.clone()
    };
    assert_eq!(
        masked,
        blind.signature_notes(s.as_deref(), c.as_deref(), true),
        "masked notes depend on the signatures' text"
    );
}
