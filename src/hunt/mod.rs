//! Hunt: name the signer's mistake by reproducing its signature.
//!
//! Given a request carrying an `oauth_signature` and the secrets (or the
//! RSA public key), [`hunt`] tries the correct RFC 5849 signer, then every
//! known mistake of the [`catalogue`](mod@catalogue), then combinations in increasing
//! size, and reports the smallest set of mistakes that reproduces the
//! signature. It never claims a cause it did not reproduce.
//!
//! ```
//! use oauth1_doctor::hunt::{hunt, HuntOptions};
//! use oauth1_doctor::signature::{sign, Secrets, SignatureMethod};
//! use oauth1_doctor::{encode::encode, Request};
//! let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
//! // RFC 5849 §1.2's request, signed by a signer that did not upper-case
//! // the method (RFC 5849 §3.4.1.1).
//! let signed = "get&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal";
//! let sig = sign(SignatureMethod::HmacSha1, signed, &secrets).unwrap();
//! let request = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
//!     .with_header("Authorization", format!(r#"OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="{}""#, encode(&sig)));
//! let result = hunt(&request, &secrets, &HuntOptions::default()).unwrap();
//! assert_eq!(result.mistakes, ["method-not-uppercased"]);
//! assert_eq!(result.base_string.as_deref(), Some(signed));
//! assert!(result.correct_base_string.starts_with("GET&"));
//! ```

pub(crate) mod body_hash;
mod budget;
pub mod catalogue;
pub(crate) mod encoders;
mod knobs;
mod report;
pub mod search;

pub use catalogue::{catalogue, mistake, postman_options, Mistake, PostmanOption, Stage};
pub(crate) use report::run_collected;
pub use report::{run, run_entries, HuntEntries, HuntEntry, HuntReport};
pub use search::{
    hunt, hunt_signature, Applied, Budget, BudgetReport, HuntError, HuntOptions, HuntResult,
    Hunted, Limit, MAX_DEPTH, MAX_PAIRED_PARAMS, MAX_PARAM_FORMS, PAIR_DEPTH,
};
