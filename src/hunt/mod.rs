//! Hunt: name the signer's mistake by reproducing its signature.
//!
//! Given a request carrying an `oauth_signature` and the secrets (or the
//! RSA public key), [`hunt`] tries the correct RFC 5849 signer, then every
//! known mistake of the [`catalogue`], then combinations in increasing
//! size, and reports the smallest set of mistakes that reproduces the
//! signature. It never claims a cause it did not reproduce.
//!
//! ```
//! use oauth1_doctor::hunt::{hunt, HuntOptions};
//! use oauth1_doctor::{signature::Secrets, Request};
//! // RFC 5849 §1.2, signed with `GET` written as `get` in the base string.
//! let request = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
//!     .with_header("Authorization", r#"OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#);
//! let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
//! let result = hunt(&request, &secrets, &HuntOptions::default()).unwrap();
//! assert!(result.matched);
//! assert!(result.mistakes.is_empty()); // the RFC 5849 example has no mistake
//! ```

pub mod catalogue;
pub mod search;

pub use catalogue::{catalogue, mistake, postman_options, Mistake, PostmanOption, Stage};
pub use search::{
    hunt, hunt_signature, Applied, HuntError, HuntOptions, HuntResult, Hunted, MAX_DEPTH,
};
