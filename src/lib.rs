//! oauth1-doctor: explains why an OAuth 1.0 (RFC 5849) signature is rejected.
//!
//! The pipeline, one module per RFC 5849 concept:
//!
//! ```text
//! input (readers) → Request → params (§3.4.1.3) → base_string (§3.4.1) → signature (§3.4.2–4)
//! ```
//!
//! [`pipeline::run`] runs every step over a request and keeps each
//! intermediate value:
//!
//! ```
//! use oauth1_doctor::{pipeline, Request, signature::Secrets};
//! let request = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
//!     .with_header("Authorization", r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#);
//! let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
//! let w = pipeline::run(&request, &secrets, Default::default()).unwrap();
//! assert_eq!(w.base_uri, "http://photos.example.net/photos");
//! assert_eq!(w.signature.as_deref(), Some("MdpQcU8iPSUjWoN/UDMsK2sui9I="));
//! assert_eq!(w.valid, Some(true));
//! ```
#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod auth_header;
pub mod base_string;
pub mod batch;
pub mod conform;
pub mod credentials;
pub mod diff;
pub mod encode;
pub mod error;
pub mod fixtures;
pub mod hunt;
pub mod input;
pub mod params;
pub mod pipeline;
pub mod request;
pub mod secret;
pub mod sign;
pub mod signature;
pub mod signer;
pub mod verify;

pub use error::{ParseError, ParseErrorKind, Span, Violation};
pub use request::{Format, ReadRequest, Request};
pub use secret::Secret;
