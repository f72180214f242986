//! The Authorization header parser (RFC 5849 §3.5.1): never panics, and
//! what it reads survives `build` then `parse` unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_doctor::auth_header::{build, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
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
