//! Checks a strict server makes besides the signature (RFC 5849 §3.3,
//! §3.5), and rules a vendor documents for its own API: notes that
//! `explain` and `verify` add beside the walkthrough.
//!
//! A signature can verify and the request still be refused: a timestamp
//! in milliseconds or far from the server's clock, a nonce a server will
//! not take, protocol parameters sent in two places (oauthlib's verifier
//! refuses each of these), or a vendor's own rule (NetSuite's realm,
//! WooCommerce over HTTPS). None of these changes the verdict, which is the
//! signature's ([`crate::verify::judge`]); each is a [`Violation`] with a
//! stable code, and a vendor note names the vendor's documentation it
//! comes from.
//!
//! The library has no clock: the time to compare `oauth_timestamp` with is
//! an input ([`crate::pipeline::RunOptions::now`]); without one the
//! distance from now is not checked.

use crate::error::Violation;
use crate::params::{Collected, Source};
use crate::signature::SignatureMethod;

/// How far (in seconds) `oauth_timestamp` may be from the verifier's clock
/// before it is noted. RFC 5849 §3.3 leaves the window to the server;
/// five minutes is a common choice (oauthlib's default is ten).
pub const TIMESTAMP_WINDOW: u64 = 300;

/// Every code this module notes (a verifier shows them beside its verdict).
pub const CODES: &[&str] = &[
    "timestamp-malformed",
    "timestamp-milliseconds",
    "timestamp-skew",
    "nonce-needs-encoding",
    "protocol-params-split",
    "netsuite-realm",
    "netsuite-hmac-sha256",
    "woocommerce-oauth-over-https",
    "x-hmac-sha1-only",
    "jira-rsa-sha1-only",
    "lti-launch-not-form-post",
    "lti-hmac-sha1",
    "etsy-v3-oauth2",
];

/// What the checks look at, borrowed from a pipeline run.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The collected parameters (RFC 5849 §3.4.1.3.1), realm and carried signature.
    pub collected: &'a Collected,
    /// The base string URI (RFC 5849 §3.4.1.2): lower-case scheme and host.
    pub base_uri: &'a str,
    /// The HTTP method, upper-cased.
    pub method: &'a str,
    /// The declared signature method, when known.
    pub signature_method: Option<SignatureMethod>,
    /// Seconds since 1970 to compare `oauth_timestamp` with (`None`: not checked).
    pub now: Option<u64>,
}

/// Every note of this module, in order: timestamp, nonce, placement, vendor.
pub fn notes(facts: &Facts<'_>) -> Vec<Violation> {
    let mut out = Vec::new();
    timestamp(facts, &mut out);
    nonce(facts, &mut out);
    placement(facts, &mut out);
    vendor(facts, &mut out);
    out
}

/// RFC 5849 §3.3: `oauth_timestamp` is a positive integer of seconds since
/// 1970, and a server may refuse one outside the window it keeps nonces for.
fn timestamp(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let Some(value) = facts.collected.value_of("oauth_timestamp") else {
        return;
    };
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    if !digits {
        out.push(Violation::new(
            "timestamp-malformed",
            "RFC 5849 §3.3",
            format!(
                "oauth_timestamp {:?} is not a positive integer of seconds since 1970; a strict server (oauthlib) refuses it before checking the signature",
                value
            ),
        ));
        return;
    }
    // Seconds since 1970 have had 10 digits since 2001 and keep them until 2286.
    if value.len() >= 13 {
        out.push(Violation::new(
            "timestamp-milliseconds",
            "RFC 5849 §3.3",
            format!("oauth_timestamp {value} looks like milliseconds: RFC 5849 counts seconds (divide by 1000); a strict server refuses it (oauthlib wants 10 digits)"),
        ));
        return;
    }
    let (Some(now), Ok(ts)) = (facts.now, value.parse::<u64>()) else {
        return;
    };
    if ts.abs_diff(now) > TIMESTAMP_WINDOW {
        let side = if ts < now { "before" } else { "after" };
        out.push(Violation::new(
            "timestamp-skew",
            "RFC 5849 §3.3",
            format!("oauth_timestamp {value} is more than {TIMESTAMP_WINDOW} s {side} now (the time of this check; --now pins it): servers refuse a timestamp outside a window of a few minutes (oauthlib: 600 s); sign with a synchronised clock, never reuse a captured timestamp"),
        ));
    }
}

/// RFC 5849 §3.3 and §3.6: a nonce is any string, but one holding
/// characters that need percent-encoding is where signers and servers
/// disagree (one encodes it, one does not), and oauthlib's verifier takes
/// only letters and digits.
fn nonce(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let Some(p) = facts.collected.get("oauth_nonce") else {
        return;
    };
    if p.value.iter().any(|b| !crate::encode::is_unreserved(*b)) {
        out.push(Violation::new(
            "nonce-needs-encoding",
            "RFC 5849 §3.6",
            format!(
                "oauth_nonce {:?} holds characters that must be percent-encoded: a signer that forgets to encode it signs something else, and a strict server (oauthlib) takes only letters and digits; use an alphanumeric nonce",
                p.value_str()
            ),
        ));
    }
}

/// RFC 5849 §3.5: the protocol parameters travel in one and only one
/// place (the Authorization header, the form body or the query). A name
/// sent twice is already noted by [`crate::params::collect`]; this notes
/// different protocol parameters split between places.
fn placement(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let c = facts.collected;
    let mut places: Vec<Source> = Vec::new();
    let sources = c
        .params
        .iter()
        .filter(|p| p.is_protocol())
        .map(|p| p.source)
        .chain(c.signature.as_ref().map(|s| s.source));
    for s in sources {
        if !places.contains(&s) {
            places.push(s);
        }
    }
    if places.len() > 1 {
        let list: Vec<&str> = places.iter().map(|s| s.as_str()).collect();
        out.push(Violation::new(
            "protocol-params-split",
            "RFC 5849 §3.5",
            format!(
                "the oauth_* parameters travel in more than one place ({}): RFC 5849 allows one per request, and a strict server (oauthlib) refuses the request; send them all in the Authorization header",
                list.join(", ")
            ),
        ));
    }
}

/// The scheme, host (without port) and path of a base string URI.
fn split(base_uri: &str) -> (&str, &str, &str) {
    let (scheme, rest) = base_uri.split_once("://").unwrap_or(("", base_uri));
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = match authority.rfind(':') {
        Some(i) if !authority.ends_with(']') => &authority[..i],
        _ => authority,
    };
    (scheme, host, path)
}

/// A vendor's documented rule, as a note naming its documentation.
fn vendor_note(code: &'static str, source: &'static str, message: String) -> Violation {
    Violation::new(code, source, message)
}

/// Rules vendors document for their own OAuth 1.0 APIs, recognised from
/// the host or path (or, for LTI, the launch parameters).
fn vendor(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let (scheme, host, path) = split(facts.base_uri);
    let method = facts.signature_method;
    netsuite(facts, host, out);
    // WooCommerce REST API docs, "Authentication over HTTPS" and
    // "Authentication over HTTP".
    let woo = path.starts_with("/wp-json/wc/") || path.starts_with("/wc-api/");
    if woo && scheme == "https" {
        out.push(vendor_note(
            "woocommerce-oauth-over-https",
            "WooCommerce REST API documentation, \"Authentication over HTTPS\" and \"Authentication over HTTP\"",
            "WooCommerce takes OAuth 1.0a only over plain HTTP; over HTTPS it expects the API keys as HTTP Basic auth (or as consumer_key and consumer_secret query parameters) and does not check an OAuth signature".into(),
        ));
    }
    // X developer documentation, "Authorizing a request" and "Creating a signature".
    let x = matches!(
        host,
        "api.twitter.com" | "upload.twitter.com" | "api.x.com" | "upload.x.com"
    );
    if x && method.is_some_and(|m| m != SignatureMethod::HmacSha1) {
        out.push(vendor_note(
            "x-hmac-sha1-only",
            "X developer documentation, \"Creating a signature\"",
            format!("X (Twitter) signs OAuth 1.0a requests with HMAC-SHA1 only; this request declares {}", method.map_or("?", |m| m.as_str())),
        ));
    }
    // Atlassian's Jira REST API documentation, "OAuth authentication"
    // (application links sign with an RSA key pair).
    let jira = host.ends_with(".atlassian.net") || path.contains("/plugins/servlet/oauth/");
    if jira && method.is_some_and(|m| m != SignatureMethod::RsaSha1) {
        out.push(vendor_note(
            "jira-rsa-sha1-only",
            "Atlassian, Jira REST API examples, \"OAuth authentication\"",
            format!("Jira's OAuth 1.0a (application links) takes RSA-SHA1 signatures made with the key pair whose public key is in the application link; this request declares {}", method.map_or("?", |m| m.as_str())),
        ));
    }
    lti(facts, out);
    // Etsy Open API v3 documentation, "Authentication".
    let etsy = matches!(host, "openapi.etsy.com" | "api.etsy.com") && path.starts_with("/v3/");
    if etsy {
        out.push(vendor_note(
            "etsy-v3-oauth2",
            "Etsy Open API v3 documentation, \"Authentication\"",
            "Etsy's Open API v3 authenticates with OAuth 2.0 (authorization code with PKCE) and an x-api-key header, not OAuth 1.0 signatures, which belonged to the retired v2 API".into(),
        ));
    }
}

/// NetSuite (Oracle NetSuite Help Center, token-based authentication for
/// RESTlets and SuiteTalk REST web services): the Authorization header's
/// `realm` is the account id, upper-cased, with `_` where the account's
/// host name has `-` (`1234567_SB1` for `1234567-sb1.restlets.api.netsuite.com`),
/// and the signature method is HMAC-SHA256.
fn netsuite(facts: &Facts<'_>, host: &str, out: &mut Vec<Violation>) {
    let Some((account, domain)) = host.split_once('.') else {
        return;
    };
    let netsuite = matches!(
        domain,
        "restlets.api.netsuite.com" | "suitetalk.api.netsuite.com" | "app.netsuite.com"
    );
    if !netsuite {
        return;
    }
    let expected = account.to_ascii_uppercase().replace('-', "_");
    const SOURCE: &str = "Oracle NetSuite Help Center, token-based authentication (TBA) for RESTlets and REST web services";
    match facts.collected.realm.as_deref() {
        None => out.push(vendor_note(
            "netsuite-realm",
            SOURCE,
            format!("NetSuite wants realm=\"{expected}\" (the account id: upper case, '_' where the host has '-') in the Authorization header; this request has no realm"),
        )),
        Some(realm) if realm != expected => out.push(vendor_note(
            "netsuite-realm",
            SOURCE,
            format!(
                "NetSuite wants realm=\"{expected}\" (the account id: upper case, '_' where the host has '-'), not {:?}, for host {host}",
                realm
            ),
        )),
        Some(_) => {}
    }
    if facts.signature_method == Some(SignatureMethod::HmacSha1) {
        out.push(vendor_note(
            "netsuite-hmac-sha256",
            SOURCE,
            "NetSuite token-based authentication signs with HMAC-SHA256; HMAC-SHA1 is no longer accepted".into(),
        ));
    }
}

/// IMS Global Learning Tools Interoperability 1.1 Implementation Guide
/// (its security model: launches are signed with OAuth 1.0a): a basic
/// launch is a form POST whose parameters are signed with HMAC-SHA1.
fn lti(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let c = facts.collected;
    let Some(launch) = c.params.iter().find(|p| p.name == b"lti_message_type") else {
        return;
    };
    const SOURCE: &str = "IMS Global LTI 1.1 Implementation Guide, basic launch and security model";
    if facts.method != "POST" || launch.source != Source::Body || !c.body_is_form {
        out.push(vendor_note(
            "lti-launch-not-form-post",
            SOURCE,
            "an LTI 1.1 launch is an HTTP POST of application/x-www-form-urlencoded parameters, all of them signed; this one sends lti_message_type elsewhere".into(),
        ));
    }
    if let Some(m) = facts
        .signature_method
        .filter(|m| *m != SignatureMethod::HmacSha1)
    {
        out.push(vendor_note(
            "lti-hmac-sha1",
            SOURCE,
            format!("LTI 1.1 tool providers verify HMAC-SHA1 signatures; this launch declares {m}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::pipeline::{run, RunOptions};
    use crate::signature::Secrets;
    use crate::Request;

    fn codes(url: &str, header: &str, now: Option<u64>) -> Vec<&'static str> {
        let r = Request::new("GET", url).with_header("Authorization", header);
        let w = run(
            &r,
            &Secrets::default(),
            RunOptions {
                now,
                ..RunOptions::default()
            },
        )
        .unwrap();
        w.violations.iter().map(|v| v.code).collect()
    }

    const H: &str = r#"OAuth oauth_consumer_key="k", oauth_signature_method="HMAC-SHA1", oauth_timestamp="TS", oauth_nonce="NONCE", oauth_signature="x""#;

    fn header(ts: &str, nonce: &str) -> String {
        H.replace("TS", ts).replace("NONCE", nonce)
    }

    /// RFC 5849 §3.3: milliseconds, a non-integer, and a clock far off.
    #[test]
    fn rfc5849_3_3_timestamp() {
        let url = "https://api.example.com/a";
        let now = Some(1_700_000_000);
        assert!(codes(url, &header("1700000000", "abc"), now).is_empty());
        assert_eq!(
            codes(url, &header("1700000000123", "abc"), now),
            ["timestamp-milliseconds"]
        );
        assert_eq!(
            codes(url, &header("1700000000.5", "abc"), now),
            ["timestamp-malformed"]
        );
        assert_eq!(
            codes(url, &header("1699999000", "abc"), now),
            ["timestamp-skew"]
        );
        assert_eq!(
            codes(url, &header("1700000301", "abc"), now),
            ["timestamp-skew"]
        );
        assert!(codes(url, &header("1700000300", "abc"), now).is_empty());
        // No clock, no skew note.
        assert!(codes(url, &header("1699999000", "abc"), None).is_empty());
    }

    /// RFC 5849 §3.6: a nonce that needs encoding.
    #[test]
    fn rfc5849_3_6_nonce() {
        let url = "https://api.example.com/a";
        assert_eq!(
            codes(url, &header("1", "a%2Bb%3D"), None),
            ["nonce-needs-encoding"]
        );
        assert!(codes(url, &header("1", "a-b_c.d~e"), None).is_empty());
    }

    /// RFC 5849 §3.5: one place for every protocol parameter.
    #[test]
    fn rfc5849_3_5_split_protocol_parameters() {
        let url = "https://api.example.com/a?oauth_token=t";
        assert_eq!(
            codes(url, &header("1", "n"), None),
            ["protocol-params-split"]
        );
    }

    #[test]
    fn netsuite_realm_is_the_account_id() {
        let url = "https://1234567-sb1.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=1&deploy=1";
        let h = header("1", "n").replace("HMAC-SHA1", "HMAC-SHA256");
        let with = |realm: &str| h.replace("OAuth ", &format!("OAuth realm=\"{realm}\", "));
        assert!(codes(url, &with("1234567_SB1"), None).is_empty());
        assert_eq!(codes(url, &with("1234567-sb1"), None), ["netsuite-realm"]);
        assert_eq!(codes(url, &h, None), ["netsuite-realm"]);
        assert_eq!(
            codes(
                url,
                &with("1234567_SB1").replace("HMAC-SHA256", "HMAC-SHA1"),
                None
            ),
            ["netsuite-hmac-sha256"]
        );
        // Another host: no vendor note.
        assert!(codes("https://example.com/restlet.nl", &h, None).is_empty());
    }

    #[test]
    fn vendor_rules_by_host() {
        let h = header("1", "n");
        assert_eq!(
            codes("https://shop.example/wp-json/wc/v3/orders", &h, None),
            ["woocommerce-oauth-over-https"]
        );
        assert!(codes("http://shop.example/wp-json/wc/v3/orders", &h, None).is_empty());
        let rsa = h.replace("HMAC-SHA1", "RSA-SHA1");
        assert_eq!(
            codes("https://api.x.com/2/tweets", &rsa, None),
            ["x-hmac-sha1-only"]
        );
        assert!(codes("https://api.x.com/2/tweets", &h, None).is_empty());
        assert_eq!(
            codes(
                "https://jira.example/plugins/servlet/oauth/request-token",
                &h,
                None
            ),
            ["jira-rsa-sha1-only"]
        );
        assert!(codes("https://acme.atlassian.net/rest/api/2/issue", &rsa, None).is_empty());
        assert_eq!(
            codes("https://openapi.etsy.com/v3/application/shops", &h, None),
            ["etsy-v3-oauth2"]
        );
    }

    #[test]
    fn lti_launch_is_a_signed_form_post() {
        let h = header("1", "n");
        let launch = Request::new("POST", "https://tool.example/launch")
            .with_header("Content-Type", "application/x-www-form-urlencoded")
            .with_header("Authorization", h.replace("HMAC-SHA1", "HMAC-SHA256"))
            .with_body("lti_message_type=basic-lti-launch-request&lti_version=LTI-1p0");
        let w = run(&launch, &Secrets::default(), RunOptions::default()).unwrap();
        let got: Vec<_> = w.violations.iter().map(|v| v.code).collect();
        assert_eq!(got, ["lti-hmac-sha1"]);
        assert_eq!(
            codes(
                "https://tool.example/launch?lti_message_type=basic-lti-launch-request",
                &h,
                None
            ),
            ["lti-launch-not-form-post"]
        );
    }
}
