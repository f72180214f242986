//! The diff engine on arbitrary pairs: never panics on two raw HTTP
//! requests (or bare base strings), and any side diffed with itself is
//! `equivalent`, with no significant finding and the same base string on
//! both sides — unless, with secrets, its own signature is known to be
//! wrong, which is then the one thing that makes it not equivalent.

use oauth1_doctor::diff::{diff, DiffOptions, Side, SideSecrets, Situation};
use oauth1_doctor::input::{self, NoFiles, ReadOptions};
use oauth1_doctor::signature::Secrets;
use oauth1_doctor::Format;

/// One side from fuzz bytes: a raw HTTP request, or (selector odd) a bare
/// base string.
fn side(bytes: &[u8], base_string: bool) -> Option<Side> {
    if base_string {
        return Some(Side::BaseString(
            String::from_utf8_lossy(bytes).into_owned(),
        ));
    }
    let options = ReadOptions {
        format: Some(Format::Http),
        ..ReadOptions::default()
    };
    let mut reads = input::read(bytes, &options, &NoFiles).ok()?;
    (!reads.is_empty()).then(|| Side::Request(reads.swap_remove(0)))
}

fn self_diff(s: &Side, secrets: &SideSecrets, options: &DiffOptions) {
    let Ok(r) = diff(s, s, secrets, options) else {
        return;
    };
    assert_eq!(r.base_strings.good, r.base_strings.candidate);
    let significant: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.is_significant())
        .map(|f| f.id)
        .collect();
    if r.candidate_valid == Some(false) {
        assert_eq!(r.situation, Some(Situation::SignerInconsistent));
        assert!(!r.equivalent);
        return;
    }
    assert!(
        significant.is_empty(),
        "a side diffed with itself has significant findings {significant:?}: {s:?}"
    );
    assert!(
        r.equivalent,
        "a side diffed with itself is not equivalent: {s:?}"
    );
    // A signature that was not checked is never claimed equivalent.
    assert!(
        matches!(
            (r.situation, r.candidate_valid),
            (Some(Situation::Equivalent), _) | (Some(Situation::SignaturesUnchecked), None)
        ),
        "{:?}",
        r.situation
    );
    assert!(r.cause().is_none());
}

/// Checks one input; panics when an invariant breaks.
pub fn check(data: &[u8]) {
    // selector, then the known-good and the candidate split at the first \0.
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (a, b) = match rest.iter().position(|&c| c == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &rest[..0]),
    };
    let secrets = match selector & 0b1100 {
        0 => SideSecrets::default(),
        4 => SideSecrets::shared(Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00")),
        8 => SideSecrets::shared(Secrets::shared("cs", "")),
        _ => SideSecrets {
            good: Secrets::shared("cs", "ts"),
            candidate: Secrets::shared("cs", "other"),
        },
    };
    let options = DiffOptions {
        good_from_postman: selector & 0b1_0000 != 0,
        // A variant cap, not a clock: the same input takes the same path.
        hunt_budget: oauth1_doctor::hunt::Budget {
            variants: Some(2_000),
            ..Default::default()
        },
        structural: false,
        show_secrets: false,
    };
    let good = side(a, selector & 1 != 0);
    let candidate = side(b, selector & 2 != 0);
    let self_secrets = SideSecrets::shared(secrets.good.clone());
    if let Some(g) = &good {
        self_diff(g, &self_secrets, &options);
    }
    if let Some(c) = &candidate {
        self_diff(c, &SideSecrets::shared(secrets.candidate.clone()), &options);
    }
    if let (Some(g), Some(c)) = (&good, &candidate) {
        if let Ok(r) = diff(g, c, &secrets, &options) {
            serde_json::to_string(&r).expect("a DiffReport serializes");
            assert_eq!(
                r.equivalent,
                matches!(
                    r.situation,
                    Some(Situation::Equivalent | Situation::SignaturesUnchecked)
                )
            );
            if r.equivalent {
                assert!(r.cause().is_none(), "equivalent yet {:?}", r.cause());
            }
        }
    }
}
