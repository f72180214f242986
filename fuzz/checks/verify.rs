//! The batch fast path (`verify::canonical_check`) against the full path
//! (`verify::verify_request`), RFC 5849 §3.2: wherever the fast path
//! finds a request valid, the full path gives the same `Verification`,
//! valid, after looking up the same identity; where it finds a mismatch,
//! the pipeline alone (`verify::check_mismatch`) answers what
//! `verify::check` does, for the same identity. Requests are built from
//! fuzz data and, most of the time, signed correctly, so that the fast
//! path answers.

use oauth1_doctor::auth_header::build;
use oauth1_doctor::pipeline::{run, RunOptions};
use oauth1_doctor::signature::Secrets;
use oauth1_doctor::signer::Signer;
use oauth1_doctor::verify::{
    canonical_check, check as check_full, check_mismatch, verify_request, Fast, RequestParts,
    Verification,
};
use oauth1_doctor::Request;
use std::borrow::Cow;
use std::cell::RefCell;

const METHODS: [&str; 6] = [
    "HMAC-SHA1",
    "HMAC-SHA256",
    "HMAC-SHA512",
    "PLAINTEXT",
    "RSA-SHA1",
    "hmac-sha1",
];

thread_local! {
    static SIGNER: RefCell<Signer> = RefCell::new(Signer::new());
}

/// What the fast path found: a valid request's `Verification`, or the
/// identity of a mismatched one.
enum Found {
    Valid(Verification),
    Mismatch(Option<String>, Option<String>),
}

fn fast(
    request: &Request,
    cs: &str,
    ts: &str,
    seen: &mut Option<(Option<String>, Option<String>)>,
) -> Option<Found> {
    let parts = RequestParts {
        method: &request.method,
        url: &request.url,
        authorization: request.header("authorization")?,
        content_type: request.header("content-type"),
        body: &request.body,
    };
    // One Signer for every run, as a batch worker reuses its own.
    SIGNER.with(|s| {
        let mut signer = s.borrow_mut();
        let found = canonical_check(&mut signer, &parts, |id| {
            *seen = Some((
                id.consumer_key.map(str::to_string),
                id.token.map(str::to_string),
            ));
            Some((cs, ts))
        })?;
        Some(match found {
            Fast::Valid(method, key) => {
                Found::Valid(Fast::verification(&signer, &parts, method, key))
            }
            Fast::Mismatch(id) => Found::Mismatch(
                id.consumer_key.map(str::to_string),
                id.token.map(str::to_string),
            ),
        })
    })
}

/// Checks one input; panics when an invariant breaks.
pub fn check(data: &[u8]) {
    compared(data);
}

/// Checks one input; true when the fast path answered and both paths were
/// compared (for a mismatch: the full check and the pipeline alone).
pub fn compared(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    // selector \n method \n url \n content-type \n body \n name=value lines (protocol parameters)
    let mut parts = text.splitn(6, '\n');
    let (Some(selector), Some(method), Some(url), Some(content_type), Some(body)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let selector = selector.bytes().fold(0u8, |a, b| a.wrapping_add(b));
    let extra: Vec<(&str, &str)> = parts
        .next()
        .unwrap_or("")
        .lines()
        .map(|l| l.split_once('=').unwrap_or((l, "")))
        .collect();
    let (cs, ts) = if selector & 1 == 0 {
        ("kd94hf93k423kf44", "pfkkdhi9sl3r4s00")
    } else {
        ("c%s&", "")
    };
    let secrets = Secrets::shared(cs, ts);
    let signature_method = METHODS[usize::from(selector >> 1) % METHODS.len()];

    let mut request = Request::new(method, url).with_body(body.as_bytes().to_vec());
    if !content_type.is_empty() {
        request = request.with_header("Content-Type", content_type);
    }
    let mut protocol: Vec<(&str, String)> = vec![
        ("oauth_consumer_key", "dpf43f3p2l4k3l03".into()),
        ("oauth_signature_method", signature_method.into()),
    ];
    if selector & 0b1000_0000 == 0 {
        protocol.push(("oauth_token", "nnch734d00sl2jdk".into()));
    }
    protocol.extend(extra.iter().map(|(n, v)| (*n, v.to_string())));
    let realm = (selector & 0b100_0000 != 0).then_some("Photos");
    let header = |p: &[(&str, String)]| build(realm, p.iter().map(|(n, v)| (*n, v.as_bytes())));
    request.set_header("Authorization", header(&protocol));
    // Sign it as RFC 5849 says, unless told to keep a wrong signature.
    let signature = match run(&request, &secrets, RunOptions::default()) {
        Ok(w) if selector & 0b10_0000 == 0 => w.signature.unwrap_or_default(),
        _ => "d3JvbmcK".to_string(),
    };
    protocol.push(("oauth_signature", signature));
    let mut header = header(&protocol);
    if selector & 0b1_0000 != 0 {
        // A hand-written variant: spaces after commas gone.
        header = header.replace(", ", ",");
    }
    request.set_header("Authorization", header);

    let mut fast_id = None;
    let Some(found) = fast(&request, cs, ts, &mut fast_id) else {
        return false;
    };
    let quick = match found {
        Found::Valid(v) => v,
        Found::Mismatch(key, token) => {
            assert_eq!(fast_id, Some((key, token)), "{request:?}");
            let full = check_full(
                &request,
                |id| {
                    assert_eq!(
                        fast_id,
                        Some((
                            id.consumer_key.map(str::to_string),
                            id.token.map(str::to_string)
                        )),
                        "{request:?}"
                    );
                    Ok(Cow::Borrowed(&secrets))
                },
                RunOptions::default(),
            );
            // Compared only when the pipeline alone answers (the batch
            // path otherwise falls back to the full check).
            let alone = check_mismatch(&request, &secrets, RunOptions::default());
            if let Some(alone) = &alone {
                assert_eq!(alone, &full, "{request:?}");
            }
            return alone.is_some();
        }
    };
    let mut full_id = None;
    let full = verify_request(&request, |id| {
        full_id = Some((
            id.consumer_key.map(str::to_string),
            id.token.map(str::to_string),
        ));
        Ok(Cow::Borrowed(&secrets))
    })
    .unwrap_or_else(|e| {
        panic!("the fast path verified what the full path refuses: {e}\n{request:?}")
    });
    assert!(full.is_valid(), "{request:?}");
    assert_eq!(quick, full, "{request:?}");
    assert_eq!(fast_id, full_id, "{request:?}");
    true
}
