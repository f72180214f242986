//! The base string URI compared: method, scheme, host, port and path
//! (RFC 5849 §3.4.1.1–§3.4.1.2).

use super::super::{Category, Effect, Finding};
use super::{finding, Uri, View};
use crate::client_url::{normalized_base_uri, unicode_host};
use crate::encode::decode_lenient;
use crate::uri::default_port;

/// RFC 5849 §3.4.1.1 step 1: the method.
pub(super) fn compare_method(g: &View, c: &View, out: &mut Vec<Finding>) {
    if g.method == c.method {
        return;
    }
    let (id, msg) = if g.method.eq_ignore_ascii_case(&c.method) {
        ("method-case", "the candidate's base string has the method in another case; RFC 5849 §3.4.1.1 requires it upper-cased: upper-case the method before signing")
    } else {
        ("method-mismatch", "the methods differ and the method is the first part of the base string (RFC 5849 §3.4.1.1): send and sign the known-good's method")
    };
    let mistake = (id == "method-case").then_some("method-not-uppercased");
    out.push(
        finding(
            id,
            Category::Method,
            "method",
            Some(g.method.clone()),
            Some(c.method.clone()),
            Effect::BaseString,
            msg.into(),
        )
        .explained_by(mistake),
    );
}

/// RFC 5849 §3.4.1.2 against the WHATWG URL Standard: one side's base
/// string URI is the other's URL as an HTTP client sends it
/// ([`crate::client_url`]). Returns the mistake and what to tell.
fn client_normalization(g: &View, c: &View) -> Option<(&'static str, String)> {
    let url = |v: &View| v.read.as_ref().map(|r| r.request.url.clone());
    // The candidate signed its URL as written; a client sends it
    // normalized, and the known-good signed that.
    if let Some(sent) = url(c).and_then(|u| normalized_base_uri(&u)) {
        if sent == g.base_uri {
            return Some(("url-normalized-after-signing", format!(
                "the candidate signed its URL as written ({}), but an HTTP client sends it normalized (WHATWG URL Standard: IDNA host, dot segments, `\\` as `/`) as {sent}, which is what the known-good signed and what the server signs (RFC 5849 §3.4.1.2): sign the URL the client will send",
                c.base_uri
            )));
        }
    }
    // The candidate signed the host as typed (U-labels); the known-good
    // was sent, and signed, with its IDNA A-labels.
    if let Some(typed) = unicode_host(&g.signed_uri.host) {
        if c.base_uri == g.base_uri.replacen(&g.signed_uri.host, &typed, 1) {
            return Some(("url-normalized-after-signing", format!(
                "the candidate signed the host as typed ({typed}), but an HTTP client sends its IDNA form ({}), which is what the known-good signed and what the server signs (RFC 5849 §3.4.1.2): sign the host as the client sends it",
                g.signed_uri.host
            )));
        }
    }
    // The candidate signed the URL normalized; the request goes out as
    // written, as the known-good shows.
    if let Some(normalized) = url(g).and_then(|u| normalized_base_uri(&u)) {
        if normalized == c.base_uri {
            return Some(("url-normalized-before-signing", format!(
                "the candidate signed the URL normalized as an HTTP client would ({normalized}), but the request is sent as written ({}), which is what the known-good signed and what the server signs (RFC 5849 §3.4.1.2): sign the URL exactly as it is sent",
                g.base_uri
            )));
        }
    }
    None
}

/// RFC 5849 §3.4.1.2: scheme, host, port and path of the base string URI.
pub(super) fn compare_uri(g: &View, c: &View, out: &mut Vec<Finding>) {
    if g.base_uri != c.base_uri {
        if let Some((mistake, message)) = client_normalization(g, c) {
            out.push(
                finding(
                    "url-normalized",
                    Category::Path,
                    "base string URI",
                    Some(g.base_uri.clone()),
                    Some(c.base_uri.clone()),
                    Effect::BaseString,
                    message,
                )
                .explained_by(Some(mistake)),
            );
            return;
        }
    }
    let (gs, cs, gw, cw) = (&g.signed_uri, &c.signed_uri, &g.written_uri, &c.written_uri);
    let uri_effect = if g.base_uri == c.base_uri {
        Effect::Note
    } else {
        Effect::BaseString
    };
    if gs.scheme != cs.scheme {
        let msg = if gs.scheme.eq_ignore_ascii_case(&cs.scheme) {
            "the scheme is written in another case in the candidate's base string; RFC 5849 §3.4.1.2 lower-cases it: lower-case the scheme before signing"
        } else {
            "the schemes differ, and the scheme is part of the base string URI (RFC 5849 §3.4.1.2): sign the scheme the server sees (a TLS proxy in front of it can make it https)"
        };
        let mistake = if gs.scheme.eq_ignore_ascii_case(&cs.scheme) {
            "host-case-kept"
        } else {
            "scheme-swapped"
        };
        out.push(
            finding(
                "scheme-mismatch",
                Category::Scheme,
                "URL scheme",
                Some(gs.scheme.clone()),
                Some(cs.scheme.clone()),
                Effect::BaseString,
                msg.into(),
            )
            .explained_by(Some(mistake)),
        );
    }
    if gs.host != cs.host {
        if gs.host.eq_ignore_ascii_case(&cs.host) {
            out.push(finding(
                "host-case",
                Category::Host,
                "URL host",
                Some(gs.host.clone()),
                Some(cs.host.clone()),
                Effect::BaseString,
                "the host differs only in case, and RFC 5849 §3.4.1.2 lower-cases the host in the base string URI: lower-case it before signing".into(),
            ).explained_by(Some("host-case-kept")));
        } else {
            out.push(finding(
                "host-mismatch",
                Category::Host,
                "URL host",
                Some(gs.host.clone()),
                Some(cs.host.clone()),
                Effect::BaseString,
                "the hosts differ, and the host is part of the base string URI (RFC 5849 §3.4.1.2): call and sign the known-good's host (www. and subdomains count)".into(),
            ).explained_by(www_toggled(&gs.host, &cs.host).then_some("host-www-toggled")));
        }
    } else if gw.host != cw.host && gw.host.eq_ignore_ascii_case(&cw.host) {
        out.push(finding(
            "host-case",
            Category::Host,
            "URL host",
            Some(gw.host.clone()),
            Some(cw.host.clone()),
            Effect::Note,
            "the host is written in another case; RFC 5849 §3.4.1.2 lower-cases it, so the base string is the same, but a signer that does not lower-case it signs something else".into(),
        ).explained_by(Some("host-case-kept")));
    }
    if gs.port != cs.port {
        let explicit_default = match (&gs.port, &cs.port) {
            (None, Some(p)) => default_port(&cs.scheme).is_some_and(|d| p.parse() == Ok(d)),
            (Some(p), None) => default_port(&gs.scheme).is_some_and(|d| p.parse() == Ok(d)),
            _ => false,
        };
        let show = |u: &Uri| u.port.clone().unwrap_or_else(|| "(none)".into());
        if explicit_default {
            out.push(finding(
                "default-port-kept",
                Category::Port,
                "URL port",
                Some(show(gs)),
                Some(show(cs)),
                Effect::BaseString,
                "one base string keeps the scheme's default port; RFC 5849 §3.4.1.2 drops :80 for http and :443 for https: leave the default port out of the signed URL".into(),
            ));
        } else {
            out.push(finding(
                "port-mismatch",
                Category::Port,
                "URL port",
                Some(show(gs)),
                Some(show(cs)),
                Effect::BaseString,
                "the ports differ, and a non-default port is part of the base string URI (RFC 5849 §3.4.1.2): use and sign the known-good's port".into(),
            ).explained_by((cs.port.is_none()).then_some("port-dropped")));
        }
    } else if gw.port != cw.port {
        out.push(finding(
            "default-port-kept",
            Category::Port,
            "URL port",
            Some(gw.port.clone().unwrap_or_else(|| "(none)".into())),
            Some(cw.port.clone().unwrap_or_else(|| "(none)".into())),
            Effect::Note,
            "one URL writes the scheme's default port explicitly; RFC 5849 §3.4.1.2 drops it from the base string, so this is the same request, but a signer that keeps it signs something else".into(),
        ));
    }
    if gs.path != cs.path {
        out.push(path_finding(&gs.path, &cs.path, uri_effect));
    } else if gw.path != cw.path {
        out.push(path_finding(&gw.path, &cw.path, Effect::Note));
    }
    match (&gs.query, &cs.query) {
        (None, Some(q)) | (Some(q), None) => out.push(finding(
            "query-kept-in-uri",
            Category::Query,
            "base string URI",
            gs.query.as_ref().map(|_| format!("?{q}")),
            cs.query.as_ref().map(|_| format!("?{q}")),
            Effect::BaseString,
            "the query string was left in the base string URI; RFC 5849 §3.4.1.2 excludes it (its parameters belong in the normalized parameters, §3.4.1.3.1): cut the URL at '?' before signing".into(),
        )),
        _ => {}
    }
}

fn decode_str(s: &str) -> String {
    String::from_utf8_lossy(&decode_lenient(s, false).0).into_owned()
}

/// RFC 5849 §3.4.1.2: the path is kept as sent; name the first difference.
fn path_finding(g: &str, c: &str, effect: Effect) -> Finding {
    let mk = |id, location: String, gv: &str, cv: &str, msg: &str| {
        finding(
            id,
            Category::Path,
            location,
            Some(gv.to_string()),
            Some(cv.to_string()),
            effect,
            msg.to_string(),
        )
    };
    if g.strip_suffix('/') == Some(c) || c.strip_suffix('/') == Some(g) {
        return mk("path-trailing-slash", "URL path".into(), g, c, "a trailing slash is present on one side only, and RFC 5849 §3.4.1.2 keeps the path exactly as sent: sign and send the known-good's path, slash included or not").explained_by(Some(if c.len() > g.len() { "trailing-slash-added" } else { "trailing-slash-removed" }));
    }
    let gs: Vec<&str> = g.split('/').collect();
    let cs: Vec<&str> = c.split('/').collect();
    let i = gs
        .iter()
        .zip(cs.iter())
        .position(|(a, b)| a != b)
        .unwrap_or(gs.len().min(cs.len()));
    let (ga, cb) = (
        gs.get(i).copied().unwrap_or(""),
        cs.get(i).copied().unwrap_or(""),
    );
    let location = format!("URL path segment {i}");
    if gs.len() == cs.len() {
        if decode_str(ga) == decode_str(cb) {
            return mk("path-encoding", location, ga, cb, "the segment decodes to the same text but is escaped differently, and RFC 5849 §3.4.1.2 keeps the path's escapes as sent: escape the path exactly as the known-good does").explained_by((decode_str(ga) == cb).then_some("path-decoded"));
        }
        if decode_str(&decode_str(cb)) == decode_str(ga)
            || decode_str(&decode_str(ga)) == decode_str(cb)
        {
            return mk("path-double-encoded", location, ga, cb, "the segment is percent-encoded one time too many on one side (%25 escapes); RFC 5849 §3.4.1.2 signs the path as sent: encode the path once");
        }
    }
    if g.eq_ignore_ascii_case(c) {
        return mk("path-case", "URL path".into(), g, c, "the paths differ only in case; RFC 5849 §3.4.1.2 keeps the path's case (only scheme and host are lower-cased): do not lower-case the path").explained_by((c == g.to_ascii_lowercase()).then_some("path-lowercased"));
    }
    mk("path-mismatch", location, ga, cb, "the paths differ, and the path is part of the base string URI (RFC 5849 §3.4.1.2): sign the path the server sees (a subfolder or proxy prefix counts)")
}

/// The hosts differ only by a leading `www.` (RFC 5849 §3.4.1.2).
fn www_toggled(a: &str, b: &str) -> bool {
    let bare = |h: &str| {
        let l = h.to_ascii_lowercase();
        l.strip_prefix("www.").map(str::to_string).unwrap_or(l)
    };
    !a.eq_ignore_ascii_case(b) && bare(a) == bare(b)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ids, req, run};

    /// RFC 5849 §3.4.1.2: a difference a catalogue mistake explains names it.
    #[test]
    fn differences_name_the_catalogue_mistake_behind_them() {
        let good = req("https://www.x.test/a/?b=1", "n", "1");
        let r = run(&good, &req("https://x.test/a/?b=1", "n", "1"));
        assert_eq!(ids(&r), ["host-mismatch"]);
        assert_eq!(r.findings[0].mistake, Some("host-www-toggled"));
        let r = run(&good, &req("https://www.x.test/a?b=1", "n", "1"));
        assert_eq!(ids(&r), ["path-trailing-slash"]);
        assert_eq!(r.findings[0].mistake, Some("trailing-slash-removed"));
        let r = run(&good, &req("https://www.x.test:443/a/?b=1", "n", "1"));
        assert_eq!(ids(&r), ["default-port-kept"]);
        assert_eq!(r.findings[0].mistake, Some("default-port-kept"));
        let r = run(&good, &req("https://www.x.test/a/?b=2", "n", "1"));
        assert_eq!(ids(&r), ["param-value-mismatch"]);
        assert_eq!(r.findings[0].mistake, None);
    }
}
