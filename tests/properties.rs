//! Property tests of the RFC 5849 core (proptest).

use oauth1_doctor::auth_header;
use oauth1_doctor::base_string::{base_string, base_string_uri};
use oauth1_doctor::encode::{
    decode_lenient, decode_strict, encode, encode_bytes, encode_to_vec, encode_twice_to_vec,
    reencode_twice_to_vec,
};
use oauth1_doctor::params::{normalize, parse_form, Param, Source};
use oauth1_doctor::signature::HashAlg;
use oauth1_doctor::signature::{
    sign, verify, PrivateKey, PublicKey, Secrets, SignatureMethod, ALL_METHODS,
};
use oauth1_doctor::signer::{HmacKey, Signer};
use oauth1_doctor::Secret;
use proptest::prelude::*;
use std::sync::OnceLock;

fn rsa_secrets() -> &'static Secrets {
    static S: OnceLock<Secrets> = OnceLock::new();
    S.get_or_init(|| {
        let dir = env!("CARGO_MANIFEST_DIR");
        let pem = std::fs::read_to_string(format!("{dir}/fixtures/keys/oauthlib-rsa.pem")).unwrap();
        let public =
            std::fs::read_to_string(format!("{dir}/fixtures/keys/oauthlib-rsa.pub.pem")).unwrap();
        Secrets {
            private_key: Some(PrivateKey::from_pem(&pem).unwrap()),
            public_key: Some(PublicKey::from_pem(&public).unwrap()),
            ..Secrets::default()
        }
    })
}

fn secrets_for(method: SignatureMethod, cs: &str, ts: &str) -> Secrets {
    if method.is_rsa() {
        rsa_secrets().clone()
    } else {
        Secrets::shared(cs, ts)
    }
}

fn method() -> impl Strategy<Value = SignatureMethod> {
    proptest::sample::select(ALL_METHODS.to_vec())
}

proptest! {
    /// RFC 5849 §3.6: decoding an encoding gives back the text, for any Unicode.
    #[test]
    fn encode_decode_round_trip(s in any::<String>()) {
        let enc = encode(&s);
        prop_assert!(enc.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%ABCDEF".contains(&b)));
        prop_assert_eq!(decode_strict(&enc).unwrap(), s.as_bytes());
    }

    /// The byte encoders (short text straight into a vector with room,
    /// other text a block at a time) append what the `String` encoder
    /// gives, once and twice, for any octets and after any text already
    /// in the vector.
    #[test]
    fn byte_encoders_match_the_string_encoder(
        bytes in proptest::collection::vec(
            proptest::prop_oneof![any::<u8>(), proptest::sample::select(b"aZ09-._~/:%+ ".to_vec())],
            0..100,
        ),
        before in "[a-z%]{0,5}",
    ) {
        let once = encode_bytes(&bytes);
        let twice = encode(&once);
        // A vector with no room to spare (it grows by what the text
        // becomes) and one with room (a reused buffer: short text is
        // written straight into it).
        for room in [0, 600] {
            let mut got = Vec::with_capacity(before.len() + room);
            got.extend_from_slice(before.as_bytes());
            encode_to_vec(&bytes, &mut got);
            prop_assert_eq!(&got[before.len()..], once.as_bytes());
            got.truncate(before.len());
            encode_twice_to_vec(&bytes, &mut got);
            prop_assert_eq!(&got[before.len()..], twice.as_bytes());
        }
    }

    /// The one-pass transcoder gives what decoding then encoding twice gives,
    /// on text full of escapes, bad escapes, `+` and non-ASCII.
    #[test]
    fn reencode_is_decode_then_encode(raw in "([%+=&a-fA-F0-9 ~*.é\\-]|%[0-9a-fA-F]{2}){0,24}", plus in any::<bool>()) {
        let decoded = decode_lenient(&raw, plus).0;
        let (mut once, mut twice) = (Vec::new(), Vec::new());
        encode_to_vec(&decoded, &mut once);
        encode_to_vec(&once, &mut twice);
        let mut got = Vec::new();
        reencode_twice_to_vec(raw.as_bytes(), plus, &mut got);
        prop_assert_eq!(&got, &twice);
        got.clear();
        encode_twice_to_vec(&decoded, &mut got);
        prop_assert_eq!(&got, &twice);
    }

    /// The Signer's buffers give the same base string, signature and
    /// header as the step-by-step modules, for any query, form body and
    /// protocol values, reused across requests.
    #[test]
    fn signer_matches_the_step_by_step_path(
        requests in proptest::collection::vec((
            "(GET|post|Put)",
            "(HTTPS://Api\\.Example\\.com(:443)?|http://h:8080)(/[a-z%20]{0,5}){0,3}",
            "([a-z0-9%+=&~*é]|%[0-9a-fA-F]{2}){0,30}",
            "([a-z0-9%+=&~é ]|%[0-9a-fA-F]{2}){0,30}",
            proptest::collection::vec(("oauth_[a-z]{1,6}", ".{0,12}"), 0..5),
        ), 1..4),
        cs in ".{0,10}",
        ts in ".{0,10}",
    ) {
        let mut signer = Signer::new();
        let mut cached = Signer::with_key_cache();
        for (method, base, query, body, protocol) in &requests {
            let url = format!("{base}?{query}");
            signer.clear();
            signer.set_url(&url).unwrap();
            signer.add_form(body);
            for (n, v) in protocol {
                signer.add_protocol(n, v);
            }
            signer.base_string(method);

            let mut notes = Vec::new();
            let mut params = parse_form(query, Source::Query, &mut notes);
            params.extend(parse_form(body, Source::Body, &mut notes));
            params.extend(protocol.iter().map(|(n, v)| Param::new(n.as_str(), v.as_str(), Source::Header)));
            let uri = base_string_uri(&url).unwrap().uri;
            let want = base_string(&method.to_ascii_uppercase(), &uri, &normalize(&params));
            prop_assert_eq!(signer.base_string_text(), want.as_str());
            prop_assert_eq!(signer.base_uri(), uri.as_str());

            let sig = signer.sign_hmac(HashAlg::Sha256, &cs, &ts).to_string();
            let want_sig = sign(SignatureMethod::HmacSha256, &want, &Secrets::shared(&cs, &ts)).unwrap();
            prop_assert_eq!(&sig, &want_sig);
            // The key derived once gives the same signature, and verifies it.
            let key = HmacKey::new(HashAlg::Sha256, &cs, &ts);
            prop_assert_eq!(signer.sign_with_key(&key), want_sig.as_str());
            prop_assert!(signer.verify_with_key(&key, &want_sig));
            cached.clear();
            cached.set_url(&url).unwrap();
            cached.add_form(body);
            for (n, v) in protocol {
                cached.add_protocol(n, v);
            }
            cached.base_string(method);
            prop_assert_eq!(cached.base_string_text(), want.as_str());
            // A signer with a key cache, meeting these credentials again
            // among others (the same text split elsewhere, swapped, another
            // hash), signs each as the step-by-step module does.
            let joined = format!("{cs}{ts}");
            let pairs = [(cs.as_str(), ts.as_str()), (joined.as_str(), ""), (ts.as_str(), cs.as_str())];
            for (round, (c, t)) in pairs.iter().cycle().take(7).enumerate() {
                let (hash, method) = match round % 3 {
                    0 => (HashAlg::Sha256, SignatureMethod::HmacSha256),
                    1 => (HashAlg::Sha512, SignatureMethod::HmacSha512),
                    _ => (HashAlg::Sha1, SignatureMethod::HmacSha1),
                };
                let want_here = sign(method, &want, &Secrets::shared(c, t)).unwrap();
                prop_assert_eq!(cached.sign_hmac(hash, c, t), want_here.as_str());
            }
            // Two HMAC-SHA1s at once (how a batch checks two lines), on
            // base strings of different lengths, with and without a key
            // cache: each answer and signature as the step-by-step
            // module's, either way round.
            let mut longer = Signer::new();
            longer.set_url(&url).unwrap();
            longer.add_form(body);
            longer.add(b"extra", &[b'x'; 70]);
            longer.base_string(method);
            let long_text = longer.base_string_text().to_string();
            let sha1 = sign(SignatureMethod::HmacSha1, &want, &Secrets::shared(&cs, &ts)).unwrap();
            let long_sha1 = sign(SignatureMethod::HmacSha1, &long_text, &Secrets::shared(&ts, &cs)).unwrap();
            prop_assert_eq!(
                Signer::verify_sha1_pair((&mut cached, &cs, &ts, &sha1), (&mut longer, &ts, &cs, &long_sha1)),
                (true, true)
            );
            prop_assert_eq!(cached.signature(), sha1.as_str());
            prop_assert_eq!(longer.signature(), long_sha1.as_str());
            prop_assert_eq!(
                Signer::verify_sha1_pair((&mut longer, &cs, &ts, &long_sha1), (&mut cached, &cs, &ts, "x")),
                (cs == ts, false)
            );
            let header = auth_header::build(
                None,
                protocol.iter().map(|(n, v)| (n.as_str(), v.as_bytes()))
                    .chain(std::iter::once(("oauth_signature", sig.as_bytes()))),
            );
            prop_assert_eq!(signer.authorization(None), header.as_str());
        }
    }

    /// RFC 5849 §3.4.1.3.2: the order parameters arrive in does not matter.
    #[test]
    fn normalization_is_order_independent(
        pairs in proptest::collection::vec((".{0,6}", ".{0,6}"), 0..12),
        seed in any::<u64>(),
    ) {
        let params: Vec<Param> = pairs.iter().map(|(n, v)| Param::new(n.as_str(), v.as_str(), Source::Query)).collect();
        let mut shuffled = params.clone();
        // A deterministic shuffle driven by the seed.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let a = base_string("GET", "http://example.com/", &normalize(&params));
        let b = base_string("GET", "http://example.com/", &normalize(&shuffled));
        prop_assert_eq!(a, b);
    }

    /// Signing then verifying holds for all seven methods.
    #[test]
    fn sign_then_verify(m in method(), cs in ".{0,20}", ts in ".{0,20}", base in ".{0,80}") {
        let secrets = secrets_for(m, &cs, &ts);
        let sig = sign(m, &base, &secrets).unwrap();
        prop_assert!(verify(m, &base, &secrets, &sig).unwrap());
    }

    /// Changing any single byte of the base string, a secret or the
    /// signature makes verification fail.
    #[test]
    fn any_single_byte_change_fails(
        m in method(),
        cs in "[ -~]{1,16}",
        ts in "[ -~]{0,16}",
        base in "[ -~]{1,60}",
        which in 0usize..4,
        pos in any::<prop::sample::Index>(),
        delta in 1u8..127,
    ) {
        // PLAINTEXT (RFC 5849 §3.4.4) does not sign the base string at all.
        prop_assume!(!(which == 0 && m == SignatureMethod::Plaintext));
        let secrets = secrets_for(m, &cs, &ts);
        let sig = sign(m, &base, &secrets).unwrap();
        // Flip one byte, staying within printable ASCII so inputs stay valid text.
        let flip = |s: &str| -> String {
            if s.is_empty() { return "x".to_string(); }
            let mut b = s.as_bytes().to_vec();
            let i = pos.index(b.len());
            b[i] = 32 + (b[i] - 32 + delta) % 95;
            String::from_utf8(b).unwrap()
        };
        let (base2, secrets2, sig2) = match which {
            0 => (flip(&base), secrets.clone(), sig.clone()),
            1 if !m.is_rsa() => (base.clone(), Secrets::shared(&flip(&cs), &ts), sig.clone()),
            2 if !m.is_rsa() => (base.clone(), Secrets::shared(&cs, &flip(&ts)), sig.clone()),
            _ => (base.clone(), secrets.clone(), flip(&sig)),
        };
        prop_assume!(base2 != base || sig2 != sig || secrets2.consumer_secret != secrets.consumer_secret || secrets2.token_secret != secrets.token_secret);
        prop_assert!(!verify(m, &base2, &secrets2, &sig2).unwrap());
    }

    /// RFC 5849 §3.5.1: the header builder's output parses back to the same parameters.
    #[test]
    fn header_build_parse_round_trip(
        realm in proptest::option::of("[ -~]{0,12}"),
        params in proptest::collection::btree_map("oauth_[a-z_]{1,10}", ".{0,12}", 0..8),
    ) {
        let params: Vec<(String, String)> = params.into_iter().collect();
        let header = auth_header::build(realm.as_deref(), params.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
        let parsed = auth_header::parse(&header).unwrap().unwrap();
        prop_assert!(parsed.violations.is_empty(), "{:?}", parsed.violations);
        let mut got = parsed.params.iter();
        if let Some(r) = &realm {
            let p = got.next().unwrap();
            prop_assert_eq!(&p.name, "realm");
            prop_assert_eq!(&p.value, r.as_bytes());
        }
        for (n, v) in &params {
            let p = got.next().unwrap();
            prop_assert_eq!(&p.name, n);
            prop_assert_eq!(&p.value, v.as_bytes());
        }
        prop_assert!(got.next().is_none());
        // The batch path's reader takes the built header as it is (unless
        // the realm needed a backslash, or there is nothing to read) and
        // reads the same pairs.
        let mut pairs = Vec::new();
        let canonical = auth_header::read_canonical(&header, |n, v| pairs.push((n.to_string(), v.to_string())));
        let escaped_realm = realm.as_deref().is_some_and(|r| r.contains(['"', '\\']));
        let empty = realm.is_none() && params.is_empty();
        prop_assert_eq!(canonical, !escaped_realm && !empty);
        if canonical {
            let want: Vec<(String, String)> = parsed.params.iter().map(|p| (p.name.clone(), p.raw_value.clone())).collect();
            prop_assert_eq!(pairs, want);
        }
    }

    /// RFC 5849 §3.4.1.2: normalizing a base string URI again changes nothing.
    #[test]
    fn base_uri_is_idempotent(host in "[A-Za-z0-9.-]{1,12}", port in proptest::option::of(1u16..), path in "(/[ -~&&[^?#]]{0,8}){0,3}") {
        let url = match port { Some(p) => format!("HTTPS://{host}:{p}{path}"), None => format!("http://{host}{path}") };
        if let Ok(once) = base_string_uri(&url) {
            let twice = base_string_uri(&once.uri).unwrap();
            prop_assert_eq!(once.uri, twice.uri);
        }
    }
}

#[test]
fn secret_type_never_formats_its_value() {
    let s = Secret::new("hunter2");
    assert!(!format!("{s:?} {s}").contains("hunter2"));
    let secrets = Secrets::shared("hunter2", "tok-secret");
    let dbg = format!("{secrets:?}");
    assert!(
        !dbg.contains("hunter2") && !dbg.contains("tok-secret"),
        "{dbg}"
    );
    let rsa = format!("{:?}", rsa_secrets());
    assert!(!rsa.contains("MIIC"), "{rsa}");
}
