//! The Authorization header compared: syntax, scheme, realm and the
//! signature's presence (RFC 5849 §3.5.1).

use super::super::{Category, Effect, Finding};
use super::{finding, View};

const HEADER_CODES: [&str; 7] = [
    "header-scheme-case",
    "header-comma-after-scheme",
    "header-missing-comma",
    "header-value-unquoted",
    "header-value-not-encoded",
    "header-bad-escape",
    "header-duplicate-param",
];

/// RFC 5849 §3.5.1: the Authorization header's syntax, the realm, and
/// whether a signature is carried at all.
pub(super) fn compare_header(g: &View, c: &View, out: &mut Vec<Finding>) {
    let (Some(gc), Some(cc)) = (&g.collected, &c.collected) else {
        return;
    };
    if let Some(scheme) = &c.rewritten_scheme {
        if g.rewritten_scheme.is_none() {
            out.push(finding(
                "header-scheme-wrong",
                Category::Header,
                "Authorization header",
                Some("OAuth".into()),
                Some(scheme.clone()),
                Effect::Transport,
                "the Authorization header uses another scheme name, so a server does not read its parameters; RFC 5849 §3.5.1 names the scheme \"OAuth\": write `Authorization: OAuth …`".into(),
            ));
        }
    }
    let good_codes: Vec<&str> = gc
        .header
        .as_ref()
        .map(|h| h.violations.iter().map(|v| v.code).collect())
        .unwrap_or_default();
    if let Some(h) = &cc.header {
        let mut seen: Vec<&str> = Vec::new();
        for v in &h.violations {
            if let Some(id) = HEADER_CODES.iter().find(|c| **c == v.code) {
                if good_codes.contains(id) || seen.contains(id) {
                    continue;
                }
                seen.push(id);
                out.push(finding(
                    id,
                    Category::Header,
                    "Authorization header",
                    None,
                    None,
                    Effect::Transport,
                    format!("{} (RFC 5849 §3.5.1: comma-separated name=\"percent-encoded value\" pairs): write the header as the known-good does", v.message),
                ));
            }
        }
    }
    if gc.realm != cc.realm && g.rewritten_scheme == c.rewritten_scheme {
        out.push(finding(
            "realm-mismatch",
            Category::Header,
            "Authorization header realm",
            gc.realm.clone(),
            cc.realm.clone(),
            Effect::Transport,
            "the realm differs; it is not signed (RFC 5849 §3.4.1.3.1) but servers such as NetSuite check it against the account: send the known-good's realm".into(),
        ));
    }
    if gc.signature.is_some() && cc.signature.is_none() {
        out.push(finding(
            "signature-missing",
            Category::Oauth,
            "oauth_signature",
            Some("present".into()),
            None,
            Effect::Transport,
            "the candidate carries no oauth_signature (RFC 5849 §3.5): send the signature with the other protocol parameters".into(),
        ));
    }
}
