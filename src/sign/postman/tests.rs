use super::*;
use crate::hunt::catalogue::mistake;

/// Requests newman 6.2.2 (postman-runtime 7.39) sent to a loopback
/// server on port 40041, recorded by tests/clients/postman_capture.js:
/// the expected values are Postman's, not this crate's.
const BASE: &str = "http://127.0.0.1:40041/c/";

fn config(nonce: &str) -> PostmanConfig {
    PostmanConfig {
        signature_method: SignatureMethod::HmacSha1,
        consumer_key: "dpf43f3p2l4k3l03".into(),
        token: "tok-123".into(),
        timestamp: "1700000000".into(),
        nonce: nonce.into(),
        version: Some("1.0".into()),
        realm: String::new(),
        callback: String::new(),
        verifier: String::new(),
        placement: Some(Placement::Header),
        add_empty_params: false,
        include_body_hash: false,
        disable_header_encoding: false,
        disable_url_encoding: false,
    }
}

fn run(
    request: &Request,
    form: Option<&[(String, String)]>,
    config: &PostmanConfig,
    ts: &str,
) -> PostmanSigned {
    let hashed = HashedBody::Bytes(request.body.clone());
    let signed = sign_like_postman(
        Unsigned {
            request,
            form,
            hashed_body: &hashed,
            body_sent: true,
        },
        config,
        &Secrets::shared("kd94hf93k423kf44", ts),
    )
    .unwrap();
    for d in &signed.departures {
        assert!(mistake(d.id).is_some(), "{} is not a catalogue id", d.id);
    }
    signed
}

fn ids(s: &PostmanSigned) -> Vec<&'static str> {
    s.departures.iter().map(|d| d.id).collect()
}

#[test]
fn newman_header_placement_byte_for_byte() {
    let r = Request::new(
        "GET",
        format!("{BASE}get-header-sha1?b=2&a=1&c=hello%20world"),
    );
    let s = run(&r, None, &config("nonce-get-header-sha1"), "ts-456");
    assert_eq!(
        s.authorization.as_deref(),
        Some(
            r#"OAuth oauth_consumer_key="dpf43f3p2l4k3l03",oauth_token="tok-123",oauth_signature_method="HMAC-SHA1",oauth_timestamp="1700000000",oauth_nonce="nonce-get-header-sha1",oauth_version="1.0",oauth_signature="%2BYyWEu5Y8VX2cXOMxQRZ2jO9x6w%3D""#
        )
    );
    assert_eq!(
        s.request.url,
        format!("{BASE}get-header-sha1?b=2&a=1&c=hello%20world")
    );
    assert!(ids(&s).is_empty());
}

#[test]
fn newman_body_placement_byte_for_byte() {
    let rows = vec![
        ("status".to_string(), "Hello Ladies + Gentlemen".to_string()),
        ("a".into(), "1".into()),
    ];
    let r = Request::new("POST", format!("{BASE}post-form-body"))
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_body(form_body(&rows));
    let mut c = config("nonce-post-form-body");
    c.placement = None;
    let s = run(&r, Some(&rows), &c, "ts-456");
    assert_eq!(s.placement, Placement::Body);
    assert_eq!(
        String::from_utf8(s.request.body).unwrap(),
        "status=Hello%20Ladies%20%2B%20Gentlemen&a=1&oauth_consumer_key=dpf43f3p2l4k3l03&oauth_token=tok-123&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_nonce=nonce-post-form-body&oauth_version=1.0&oauth_signature=tyN3H%2FH9jpUNnCiEkPoCYqDoxH8%3D"
    );
}

#[test]
fn newman_unencoded_query_with_disable_url_encoding() {
    let r = Request::new("GET", format!("{BASE}no-url-encoding-query?a=1"));
    let mut c = config("nonce-no-url-encoding-query");
    c.placement = None;
    c.disable_url_encoding = true;
    let s = run(&r, None, &c, "ts-456");
    assert_eq!(
        s.request.url,
        format!("{BASE}no-url-encoding-query?a=1&oauth_consumer_key=dpf43f3p2l4k3l03&oauth_token=tok-123&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_nonce=nonce-no-url-encoding-query&oauth_version=1.0&oauth_signature=pQZsSVDmKgsF6WJXyaddmWwZs0w=")
    );
}

/// Departure 2 of the research notes: signed untrimmed, sent trimmed.
#[test]
fn consumer_key_signed_untrimmed_sent_trimmed() {
    let r = Request::new("GET", format!("{BASE}consumer-key-spaces"));
    let mut c = config("nonce-consumer-key-spaces");
    c.consumer_key = " dpf43f3p2l4k3l03 ".into();
    let s = run(&r, None, &c, "ts-456");
    assert!(s
        .authorization
        .as_deref()
        .unwrap()
        .ends_with(r#"oauth_signature="qI7VsUB0nkFWGA%2B0muXrONeUJN4%3D""#));
    assert_eq!(ids(&s), ["postman-consumer-key-untrimmed"]);
}

/// Departure 3: a whitespace-only token secret keys as empty.
#[test]
fn blank_token_secret_keys_as_empty() {
    let r = Request::new("GET", format!("{BASE}blank-token-secret"));
    let s = run(&r, None, &config("nonce-blank-token-secret"), "   ");
    assert!(s
        .authorization
        .as_deref()
        .unwrap()
        .ends_with(r#"oauth_signature="fynvFzw64UnNPnMYfgq%2Bd%2F1G6B0%3D""#));
    assert_eq!(ids(&s), ["postman-blank-token-secret"]);
}

/// Departure 1: `oauth_token=` signed, not sent.
#[test]
fn empty_token_signed_but_not_sent() {
    let r = Request::new("GET", format!("{BASE}empty-token-header-addempty"));
    let mut c = config("nonce-empty-token-header-addempty");
    c.token = String::new();
    c.add_empty_params = true;
    let s = run(&r, None, &c, "");
    assert!(s
        .authorization
        .as_deref()
        .unwrap()
        .ends_with(r#"oauth_signature="JrLReNLsV5jor%2FN6P7JVN0Fwlbk%3D""#));
    assert!(!s.authorization.as_deref().unwrap().contains("oauth_token"));
    assert!(s.base_string.contains("oauth_token%3D%26"));
    assert_eq!(ids(&s), ["empty-token-signed"]);
}

/// Departures 4 and 6: a malformed query is sent unsigned; port 443
/// of an http URL is dropped from the base string URI.
#[test]
fn malformed_query_and_port_443_on_http() {
    let r = Request::new("GET", "http://h.example/p?a=%zz");
    let e = sign_like_postman(
        Unsigned {
            request: &r,
            form: None,
            hashed_body: &HashedBody::NotHashed,
            body_sent: true,
        },
        &config("n"),
        &Secrets::shared("cs", ""),
    )
    .unwrap_err();
    assert!(
        matches!(e, PostmanSignError::SentUnsigned(ref m) if m.contains("postman-unsigned-on-bad-encoding")),
        "{e}"
    );
    let r = Request::new("GET", "http://h.example:443/p");
    let s = run(&r, None, &config("n"), "");
    assert!(
        s.base_string.starts_with("GET&http%3A%2F%2Fh.example%2Fp&"),
        "{}",
        s.base_string
    );
    assert_eq!(ids(&s), ["postman-port-dropped"]);
    let r = Request::new("GET", "https://h.example:443/p");
    assert!(ids(&run(&r, None, &config("n"), "")).is_empty());
}

/// The bundled v2.0 collection's one item.
fn bundled_item() -> crate::input::postman::PostmanItem {
    let bytes =
        include_bytes!("../../../fixtures/postman/v2.0-oauth1-object.postman_collection.json");
    crate::input::postman::read(bytes, None, None).expect("the bundled collection reads")
}

fn fresh() -> crate::sign::Fresh {
    crate::sign::Fresh {
        timestamp: "1".into(),
        nonce: "n".into(),
    }
}

#[test]
fn sign_item_lays_options_over_the_collection() {
    let item = bundled_item();
    let plain = sign_item(&item, &ItemOptions::default(), &fresh()).unwrap();
    assert_eq!(plain.config.consumer_key, "dpf43f3p2l4k3l03");
    assert_eq!(
        plain.secrets.consumer_secret.as_ref().unwrap().expose(),
        "kd94hf93k423kf44"
    );
    assert_eq!(plain.signed.placement, Placement::Header);

    let options = ItemOptions {
        protocol: crate::sign::SignOptions {
            consumer_key: Some("other-key".into()),
            version: crate::sign::Version::Omit,
            ..Default::default()
        },
        placement: Some(Placement::Query),
        secrets: Secrets::shared("other-secret", ""),
        ..ItemOptions::default()
    };
    let over = sign_item(&item, &options, &fresh()).unwrap();
    assert_eq!(over.signed.placement, Placement::Query);
    assert!(over
        .signed
        .request
        .url
        .contains("oauth_consumer_key=other-key"));
    assert!(!over.signed.base_string.contains("oauth_version"));
    // The given consumer secret wins; the collection's token secret stays
    // where none is given (an empty one counts as given).
    assert_eq!(
        over.secrets.consumer_secret.as_ref().unwrap().expose(),
        "other-secret"
    );
    assert_ne!(over.signed.signature, plain.signed.signature);
    // Secrets are masked in the report unless asked for.
    let shown = |s: &SignedItem| {
        s.report
            .settings
            .iter()
            .any(|r| r.value.contains("kd94hf93k423kf44"))
    };
    assert!(!shown(&plain));
    let show = ItemOptions {
        protocol: crate::sign::SignOptions {
            show_secrets: true,
            ..Default::default()
        },
        ..ItemOptions::default()
    };
    assert!(shown(&sign_item(&item, &show, &fresh()).unwrap()));
}

#[test]
fn sign_item_names_the_item_when_it_has_no_oauth1() {
    let mut item = bundled_item();
    item.auth = crate::input::postman::AuthChoice::None;
    let e = sign_item(&item, &ItemOptions::default(), &fresh()).unwrap_err();
    assert!(matches!(e, ItemError::NoAuth(_)));
    assert!(e.to_string().starts_with(&item.path), "{e}");
}

/// Postman's dropped port is cut where the port is, not where `:443`
/// first appears.
#[test]
fn the_port_is_cut_from_the_end_of_the_authority() {
    assert_eq!(
        without_port("http://h.example:443/p", "443"),
        "http://h.example/p"
    );
    assert_eq!(
        without_port("http://u:443@h.example:443/p?q=:443", "443"),
        "http://u:443@h.example/p?q=:443"
    );
    assert_eq!(
        without_port("http://[::443]:443/p", "443"),
        "http://[::443]/p"
    );
    assert_eq!(
        without_port("http://h.example:8443/p", "443"),
        "http://h.example:8443/p"
    );
    assert_eq!(
        without_port("http://h.example:80", "80"),
        "http://h.example"
    );
}
