//! The Signer (RFC 5849 §3.4 on reused buffers) never panics, and gives
//! the base string, base string URI and header that the step-by-step
//! modules give, on any URL, form body and protocol value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_doctor::auth_header::build;
use oauth1_doctor::base_string::{base_string, base_string_uri, split_url};
use oauth1_doctor::params::{normalize, parse_form, Param, Source};
use oauth1_doctor::signature::HashAlg;
use oauth1_doctor::signer::{HmacKey, Signer};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // method \n url \n body \n protocol value
    let mut parts = text.splitn(4, '\n');
    let (Some(method), Some(url), Some(body), Some(value)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let mut signer = Signer::new();
    let Ok(()) = signer.set_url(url) else {
        assert!(base_string_uri(url).is_err(), "{url:?}");
        return;
    };
    signer.add_form(body);
    signer.add_protocol("oauth_nonce", value);
    signer.base_string(method);

    let uri = base_string_uri(url).expect("the Signer read this URL");
    let mut notes = Vec::new();
    let query = split_url(url).ok().and_then(|p| p.query).unwrap_or("");
    let mut params = parse_form(query, Source::Query, &mut notes);
    params.extend(parse_form(body, Source::Body, &mut notes));
    params.push(Param::new("oauth_nonce", value, Source::Header));
    let want = base_string(&method.to_ascii_uppercase(), &uri.uri, &normalize(&params));
    assert_eq!(signer.base_uri(), uri.uri, "{url:?}");
    assert_eq!(signer.base_string_text(), want, "{text:?}");

    let signature = signer.sign_hmac(HashAlg::Sha1, "cs", "ts").to_string();
    // The key derived once (issue 18's cached path) signs the same.
    let key = HmacKey::new(HashAlg::Sha1, "cs", "ts");
    assert_eq!(signer.sign_with_key(&key), signature);
    // A signer with a key cache: the pair again after another one (the
    // same text split elsewhere) still signs with its own key.
    let mut cached = Signer::with_key_cache();
    cached.set_url(url).expect("the first signer read this URL");
    cached.add_form(body);
    cached.add_protocol("oauth_nonce", value);
    cached.base_string(method);
    assert_eq!(cached.sign_hmac(HashAlg::Sha1, "cs", "ts"), signature);
    let other = signer.sign_hmac(HashAlg::Sha1, "c", "sts").to_string();
    assert_eq!(cached.sign_hmac(HashAlg::Sha1, "c", "sts"), other);
    assert_eq!(cached.sign_hmac(HashAlg::Sha1, "cs", "ts"), signature);
    // Two at once (a batch's pairs of lines): the same signatures.
    assert_eq!(
        Signer::verify_sha1_pair((&mut cached, "c", "sts", &other), (&mut signer, "cs", "ts", &signature)),
        (true, true)
    );
    signer.sign_hmac(HashAlg::Sha1, "cs", "ts");
    let header = build(
        None,
        [("oauth_nonce", value.as_bytes()), ("oauth_signature", signature.as_bytes())],
    );
    assert_eq!(signer.authorization(None), header);
});
