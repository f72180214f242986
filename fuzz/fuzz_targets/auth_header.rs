//! The Authorization header parser (RFC 5849 §3.5.1): never panics, and
//! what it reads survives `build` then `parse` unchanged. The batch path's
//! `read_canonical` never panics either, and what it accepts, `parse`
//! reads as the same pairs with no violation but a repeated name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_doctor::auth_header::{build, parse, read_canonical};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut pairs = Vec::new();
    if read_canonical(text, |n, v| pairs.push((n.to_string(), v.to_string()))) {
        let parsed = parse(text)
            .unwrap_or_else(|e| panic!("canonical {text:?} does not parse: {e}"))
            .unwrap_or_else(|| panic!("canonical {text:?} is not OAuth"));
        let read: Vec<(String, String)> = parsed
            .params
            .iter()
            .map(|p| (p.name.clone(), p.raw_value.clone()))
            .collect();
        assert_eq!(pairs, read, "{text:?}");
        for v in &parsed.violations {
            assert!(
                matches!(v.code, "header-duplicate-param" | "header-scheme-case"),
                "canonical {text:?} has a violation: {v:?}"
            );
        }
    }
    let Ok(Some(header)) = parse(text) else {
        return;
    };
    let realm = header.get("realm").map(|p| p.value_lossy());
    let others: Vec<(String, Vec<u8>)> = header
        .params
        .iter()
        .filter(|p| p.name != "realm")
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect();
    let rebuilt = build(realm.as_deref(), others.iter().map(|(n, v)| (n, v)));
    let again = parse(&rebuilt)
        .unwrap_or_else(|e| panic!("canonical header {rebuilt:?} does not parse: {e}"))
        .unwrap_or_else(|| panic!("canonical header {rebuilt:?} is not OAuth"));
    let again_others: Vec<(String, Vec<u8>)> = again
        .params
        .iter()
        .filter(|p| p.name != "realm")
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect();
    assert_eq!(others, again_others, "{rebuilt:?}");
    assert_eq!(
        realm,
        again.get("realm").map(|p| p.value_lossy()),
        "{rebuilt:?}"
    );
    // The canonical form is clean; only a parameter the input repeated stays repeated.
    let repeated = {
        let mut names: Vec<&str> = header.params.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        names.windows(2).any(|w| w[0] == w[1])
    };
    for v in &again.violations {
        assert!(
            v.code == "header-duplicate-param" && repeated,
            "canonical header {rebuilt:?} has a violation: {v:?}"
        );
    }
});
