//! The keys compared, and which non-RFC key reproduces an inconsistent
//! candidate's signature (RFC 5849 §3.4.2–§3.4.4).

use super::super::{Category, Effect, Finding, SideSecrets};
use super::{finding, View};
use crate::encode::encode;
use crate::signature::{hmac_base64, key_shape};

/// RFC 5849 §3.4.2 and §3.4.4: the keys of each side, and which
/// non-RFC key reproduces an inconsistent candidate's signature.
pub(super) fn compare_keys(
    c: &View,
    secrets: &SideSecrets,
    candidate_valid: Option<bool>,
    out: &mut Vec<Finding>,
) {
    let (gs, cs) = (&secrets.good, &secrets.candidate);
    let pairs = [
        (
            "consumer secret",
            &gs.consumer_secret,
            &cs.consumer_secret,
            "consumer-secret-mismatch",
        ),
        (
            "token secret",
            &gs.token_secret,
            &cs.token_secret,
            "token-secret-mismatch",
        ),
    ];
    for (what, a, b, id) in pairs {
        let (Some(a), Some(b)) = (a, b) else { continue };
        if a.expose() == b.expose() {
            continue;
        }
        let len = |s: &crate::Secret| format!("{} chars", s.len());
        if a.expose().trim() == b.expose().trim() {
            out.push(finding("secret-whitespace", Category::Key, what, Some(len(a)), Some(len(b)), Effect::Key,
                format!("the {what}s differ only by leading or trailing whitespace (a pasted newline?), and every byte of the secret is in the key (RFC 5849 §3.4.2): trim the {what}")));
        } else {
            out.push(finding(id, Category::Key, what, Some(len(a)), Some(len(b)), Effect::Key,
                format!("the {what}s given for each side differ (values not shown), so the keys differ (RFC 5849 §3.4.2): use the known-good's {what}")));
        }
    }
    if candidate_valid != Some(false) {
        return;
    }
    let Some(w) = &c.walk else { return };
    let (Some(m), Some(carried), Some(csec)) = (
        w.signature_method,
        &w.request_signature,
        &cs.consumer_secret,
    ) else {
        return;
    };
    if m.is_rsa() {
        return;
    }
    let raw_c = csec.expose();
    let raw_t = cs.token_secret.as_ref().map_or("", |t| t.expose());
    let produces = |key: &str| match m.hash() {
        Some(h) => crate::signature::constant_time_eq(
            hmac_base64(h, key.as_bytes(), w.base_string.as_bytes()).as_bytes(),
            carried.as_bytes(),
        ),
        None => crate::signature::constant_time_eq(key.as_bytes(), carried.as_bytes()),
    };
    let rfc_shape = key_shape(cs, false);
    let mut variants: Vec<(&'static str, String, &'static str, String)> = Vec::new();
    if encode(raw_c) != raw_c || encode(raw_t) != raw_t {
        variants.push((
            "key-not-encoded",
            format!("{raw_c}&{raw_t}"),
            "secrets joined as written, not percent-encoded",
            "the candidate's signature is reproduced with the secrets joined without percent-encoding; RFC 5849 §3.4.2 encodes each secret (§3.6) before joining with '&': encode the secrets".into(),
        ));
    }
    if raw_t.is_empty() {
        variants.push((
            "key-amp-dropped",
            encode(raw_c),
            "consumer secret without the trailing '&'",
            "the candidate's signature is reproduced with a key that lacks the '&' after the consumer secret; RFC 5849 §3.4.2 keeps the '&' even when the token secret is empty: end the key with '&'".into(),
        ));
    } else {
        variants.push((
            "key-token-secret-omitted",
            format!("{}&", encode(raw_c)),
            "consumer secret and '&', token secret left out",
            "the candidate's signature is reproduced with the token secret left out of the key; RFC 5849 §3.4.2 appends the token secret after '&': include it".into(),
        ));
    }
    for (id, key, shape, message) in variants {
        if produces(&key) {
            out.push(finding(
                id,
                Category::Key,
                "signing key",
                Some(rfc_shape.clone()),
                Some(shape.to_string()),
                Effect::Key,
                message,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ids, HEADER};
    use super::*;
    use crate::diff::{diff, DiffOptions, Side, Situation};
    use crate::pipeline::RunOptions;
    use crate::request::{Format, ReadRequest, Request};
    use crate::signature::Secrets;

    /// RFC 5849 §3.4.2: a signature over the right base string with a wrong key.
    #[test]
    fn signer_inconsistent_candidate_with_unencoded_secret() {
        let secrets = Secrets::shared("c s", "t&s");
        let sign = |url: &str, key: &str| {
            let unsigned = Request::new("GET", url).with_header(
                "Authorization",
                HEADER.replace('N', "n").replace("=\"T\"", "=\"1\""),
            );
            let w = crate::pipeline::run(&unsigned, &Secrets::default(), RunOptions::default())
                .unwrap();
            let sig = hmac_base64(
                crate::signature::HashAlg::Sha1,
                key.as_bytes(),
                w.base_string.as_bytes(),
            );
            let h = format!(
                "{}, oauth_signature=\"{}\"",
                unsigned.header("authorization").unwrap(),
                encode(&sig)
            );
            Side::Request(ReadRequest::new(
                Request::new("GET", url).with_header("Authorization", h),
                Format::Http,
            ))
        };
        let good = sign("https://x.test/a", "c%20s&t%26s");
        let cand = sign("https://x.test/a", "c s&t&s");
        let r = diff(
            &good,
            &cand,
            &SideSecrets::shared(secrets),
            &DiffOptions::default(),
        )
        .unwrap();
        assert_eq!((r.good_valid, r.candidate_valid), (Some(true), Some(false)));
        assert_eq!(r.situation, Some(Situation::SignerInconsistent));
        assert_eq!(ids(&r), ["key-not-encoded"]);
        assert_eq!(r.findings[0].mistake, Some("key-not-encoded"));
        let hunt = r
            .hunt
            .as_ref()
            .expect("a signer-inconsistent candidate is hunted");
        assert!(hunt.matched);
        assert_eq!(hunt.mistakes, ["key-not-encoded"]);
        assert_eq!(hunt.explanations[0], ["key-not-encoded"]);
        let text = format!("{:?}", r);
        assert!(
            !text.contains("c s&t&s") && !text.contains("t&s\""),
            "a secret leaked: {text}"
        );
    }
}
