//! The hunt engine on small arbitrary requests: never panics and always
//! ends (inputs are bounded); its result is consistent (mistakes are
//! catalogue ids, the first explanation, in order, no more than the depth
//! asked plus one output mistake); a "no mistake" answer
//! agrees with the pipeline's own verdict; and a request signed correctly
//! is answered "no mistake".

use oauth1_doctor::auth_header::build;
use oauth1_doctor::hunt::{hunt, mistake, HuntOptions, Hunted, Stage};
use oauth1_doctor::input::{self, NoFiles, ReadOptions};
use oauth1_doctor::pipeline::{run, RunOptions};
use oauth1_doctor::signature::Secrets;
use oauth1_doctor::{Format, Request};

/// Requests past this size are skipped: the search is exponential in depth.
const MAX_INPUT: usize = 1024;

const METHODS: [&str; 4] = ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "PLAINTEXT"];

/// The request signed correctly (RFC 5849 §3.4) with its Authorization
/// header replaced by canonical protocol parameters.
fn signed(mut request: Request, method: &str, secrets: &Secrets) -> Option<Request> {
    request.remove_header("Authorization");
    let protocol = [
        ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
        ("oauth_nonce", "n0nce"),
        ("oauth_signature_method", method),
        ("oauth_timestamp", "1700000000"),
        ("oauth_token", "nnch734d00sl2jdk"),
    ];
    request.set_header("Authorization", build(None, protocol));
    let signature = run(&request, secrets, RunOptions::default())
        .ok()?
        .signature?;
    let mut with = protocol.map(|(n, v)| (n, v.to_string())).to_vec();
    with.push(("oauth_signature", signature));
    request.set_header(
        "Authorization",
        build(None, with.iter().map(|(n, v)| (*n, v.as_bytes()))),
    );
    Some(request)
}

/// Checks one input; panics when an invariant breaks.
pub fn check(data: &[u8]) {
    hunted(data);
}

/// Checks one input; true when a hunt ran and its result was checked.
pub fn hunted(data: &[u8]) -> bool {
    let Some((&selector, rest)) = data.split_first() else {
        return false;
    };
    if rest.len() > MAX_INPUT {
        return false;
    }
    let options = ReadOptions {
        format: Some(Format::Http),
        ..ReadOptions::default()
    };
    let Ok(mut reads) = input::read(rest, &options, &NoFiles) else {
        return false;
    };
    let request = reads.swap_remove(0).request;
    let secrets = match selector & 0b1000 {
        0 => Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00"),
        _ => Secrets::shared("c&s", ""),
    };
    let depth = usize::from(selector & 0b11).min(2);
    let hunt_options = HuntOptions {
        depth,
        ..HuntOptions::default()
    };

    if selector & 0b100 != 0 {
        // A request signed correctly has no mistake.
        let method = METHODS[usize::from(selector >> 4) % METHODS.len()];
        let Some(good) = signed(request, method, &secrets) else {
            return false;
        };
        // A second oauth_signature in the query or body is another story.
        if good.url.contains("oauth_") || good.body.windows(6).any(|w| w == b"oauth_") {
            return false;
        }
        let w = run(&good, &secrets, RunOptions::default()).expect("it was signed");
        assert_eq!(w.valid, Some(true), "{good:?}");
        let r = hunt(&good, &secrets, &hunt_options)
            .unwrap_or_else(|e| panic!("a signed request cannot be hunted: {e}\n{good:?}"));
        assert!(r.matched && r.mistakes.is_empty(), "{r:?}\n{good:?}");
        return true;
    }

    let Ok(r) = hunt(&request, &secrets, &hunt_options) else {
        return false;
    };
    let _ = r.to_string();
    serde_json::to_string(&r).expect("a HuntResult serializes");
    assert_eq!(r.depth, depth);
    assert!(r.tried >= 1, "{r:?}");
    assert_eq!(r.details.len(), r.explanations.len(), "{r:?}");
    for (e, d) in r.explanations.iter().zip(&r.details) {
        // Output mistakes (how the signature was written on the wire) are
        // read off the observed signature up front and cost no depth: at
        // most one of them on top of `depth` others.
        let output = d.iter().filter(|a| a.stage == Stage::Output).count();
        assert!(output <= 1 && e.len() - output <= depth, "{r:?}");
        assert_eq!(e, &d.iter().map(|a| a.id).collect::<Vec<_>>(), "{r:?}");
        for id in e {
            assert!(mistake(id).is_some(), "{id} is not in the catalogue");
        }
    }
    if !r.matched {
        assert!(r.mistakes.is_empty() && r.explanations.is_empty(), "{r:?}");
    } else if !r.mistakes.is_empty() {
        assert_eq!(r.mistakes, r.explanations[0], "{r:?}");
    } else if r.hunted == Hunted::RequestSignature {
        let w = run(&request, &secrets, RunOptions::default()).expect("the hunt read it");
        assert_eq!(w.valid, Some(true), "no mistake, yet invalid: {request:?}");
    }
    true
}
