//! The Postman collection reader and Postman's signer: never panic on any
//! bytes; every request path the collection lists is found again by
//! `find` when it is unique, resolves or fails with an error (never a
//! panic), and a request that signs keeps its placement's promise (the
//! header placement has an Authorization header holding oauth_signature,
//! the others have none).

use oauth1_doctor::input::postman::{AuthChoice, Collection, ItemError};
use oauth1_doctor::sign::postman::{config_from, sign_like_postman, Placement, Unsigned};
use oauth1_doctor::sign::Fresh;

/// Checks one input; panics when an invariant breaks.
pub fn check(data: &[u8]) {
    let Ok(collection) = Collection::parse(data) else {
        return;
    };
    let paths = collection.request_paths();
    for path in paths.iter().take(64) {
        let unique = paths.iter().filter(|p| *p == path).count() == 1;
        if unique && !path.starts_with('/') && !path.ends_with('/') {
            match collection.find(Some(path)) {
                Ok(p) => assert_eq!(&p, path),
                Err(ItemError::Ambiguous { .. }) => {}
                Err(e) => panic!("{path:?} is listed but not found: {e}"),
            }
        }
        let Ok(item) = collection.resolve(path, None) else {
            continue;
        };
        let AuthChoice::OAuth1(settings) = &item.auth else {
            continue;
        };
        let fresh = Fresh {
            timestamp: "1".into(),
            nonce: "n".into(),
        };
        let Ok((config, secrets)) = config_from(settings, false, &fresh) else {
            continue;
        };
        let Ok(signed) = sign_like_postman(
            Unsigned {
                request: &item.request,
                form: item.form.as_deref(),
                hashed_body: &item.hashed_body,
                body_sent: item.body_sent,
            },
            &config,
            &secrets,
        ) else {
            continue;
        };
        let header = signed.request.header("authorization");
        match signed.placement {
            Placement::Header => {
                assert!(
                    header.is_some_and(|h| h.contains("oauth_signature=")),
                    "{signed:?}"
                )
            }
            _ => assert!(header.is_none(), "{signed:?}"),
        }
    }
}
