//! oauth1-doctor: explains why an OAuth 1.0 (RFC 5849) signature is rejected.
//!
//! The pipeline, one module per RFC 5849 concept:
//!
//! ```text
//! input (readers) → Request → params (§3.4.1.3) → base_string (§3.4.1) → signature (§3.4.2–4)
//! ```
//!
//! Which entry point to use:
//!
//! | to… | call | returns |
//! |---|---|---|
//! | read a request (cURL, raw HTTP, HAR, JSON Lines) | [`input::read`] | [`ReadRequest`] |
//! | read a Postman collection's request, its auth and variables | [`input::postman::read`] | [`input::postman::PostmanItem`] |
//! | sign exactly as Postman does (its departures from RFC 5849 named) | [`sign::postman::sign_like_postman`] | [`sign::postman::PostmanSigned`] |
//! | see every step of the signature | [`pipeline::run`] | [`pipeline::Walkthrough`] |
//! | sign | [`sign::sign_request`] | [`sign::Signed`] |
//! | verify | [`verify::verify_request`] | [`verify::Verification`] |
//! | diff a known-good request and a rejected one | [`diff::diff`] | [`diff::DiffReport`] |
//! | the whole `diff` answer (situation, cause first, hunt, server echo) | [`diff::diagnose`] | [`diff::Diagnosis`] |
//! | choose the request of a multi-request input a `diff` side stands for | [`diff::select::choose`] | [`diff::select::Choice`] |
//! | name the signer's mistake from its signature | [`hunt::hunt`] | [`hunt::HuntResult`] |
//! | hunt every failing request of a HAR or JSON Lines input | [`hunt::run_entries`] | [`hunt::HuntEntries`] |
//! | verify many requests (a log) | [`batch::check_lines`], or [`batch::Checker`] chunk by chunk | [`batch::Checked`] |
//! | hunt a log's invalid requests, rank the mistakes per consumer | [`batch::hunt_invalid`], [`batch::Ranker`] | [`batch::MistakeRanking`] |
//! | what a strict server checks besides the signature | [`strict::notes`] (through [`pipeline::run`]) | [`error::Violation`]s |
//! | serve a strict endpoint and diagnose what a tool sends (feature `listen`) | `listen::Server` | `listen::ListenRecord` per request |
//! | `explain --json`'s object for a request | [`report::explain_json`] | `serde_json::Value` |
//! | serve the web workbench and its JSON API (feature `serve`) | `serve::Workbench`, `serve::api` | the same reports |
//!
//! Every result is plain data (`serde::Serialize` where a command prints
//! it as `--json`); the library never prints and never exits.
//!
//! # Every step: RFC 5849 §3.4.1.1
//!
//! The RFC's own example request, through the pipeline; every
//! intermediate value is kept:
//!
//! ```
//! use oauth1_doctor::{pipeline, signature::Secrets, Request};
//! let request = Request::new("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b")
//!     .with_header("Content-Type", "application/x-www-form-urlencoded")
//!     .with_header("Authorization", r#"OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D""#)
//!     .with_body("c2&a3=2+q");
//! let w = pipeline::run(&request, &Secrets::default(), Default::default()).unwrap();
//! assert_eq!(w.base_uri, "http://example.com/request");
//! assert_eq!(
//!     w.base_string,
//!     "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
//!      %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key\
//!      %3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method\
//!      %3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
//! );
//! ```
//!
//! # Sign: RFC 5849 §1.2
//!
//! The nonce and timestamp are inputs (the library has no clock and no
//! randomness), so the header is exactly the RFC's:
//!
//! ```
//! use oauth1_doctor::sign::{sign_request, Protocol};
//! use oauth1_doctor::{signature::Secrets, Request};
//! let request = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original");
//! let protocol = Protocol {
//!     realm: Some("Photos".into()),
//!     params: [
//!         ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
//!         ("oauth_token", "nnch734d00sl2jdk"),
//!         ("oauth_signature_method", "HMAC-SHA1"),
//!         ("oauth_timestamp", "137131202"),
//!         ("oauth_nonce", "chapoH"),
//!     ]
//!     .map(|(n, v)| (n.to_string(), v.to_string()))
//!     .to_vec(),
//! };
//! let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
//! let signed = sign_request(&request, &protocol, &secrets, false, Default::default()).unwrap();
//! assert_eq!(signed.signature, "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
//! assert_eq!(
//!     signed.authorization,
//!     r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#
//! );
//! ```
//!
//! # Verify: RFC 5849 §3.2
//!
//! The secrets are looked up by the consumer key and token the request
//! carries:
//!
//! ```
//! use oauth1_doctor::{signature::Secrets, verify::verify_request, Request};
//! use std::borrow::Cow;
//! let header = r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#;
//! let url = "http://photos.example.net/photos?file=vacation.jpg&size=original";
//! let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
//! let lookup = |id: oauth1_doctor::verify::Identity<'_>| {
//!     assert_eq!(id.consumer_key, Some("dpf43f3p2l4k3l03"));
//!     Ok(Cow::Borrowed(&secrets))
//! };
//! let v = verify_request(&Request::new("GET", url).with_header("Authorization", header), lookup).unwrap();
//! assert!(v.is_valid());
//! assert_eq!(v.base_uri, "http://photos.example.net/photos");
//! // The same header on another URL does not verify.
//! let moved = Request::new("GET", url.replace("original", "small")).with_header("Authorization", header);
//! assert!(!verify_request(&moved, lookup).unwrap().is_valid());
//! ```
//!
//! # Diff: a known-good request against a rejected one
//!
//! Findings are ranked: the first one that changes the base string is the
//! cause.
//!
//! ```
//! use oauth1_doctor::diff::{diff, DiffOptions, Side, SideSecrets};
//! use oauth1_doctor::{signature::Secrets, Format, ReadRequest, Request};
//! let header = r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#;
//! let good = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
//!     .with_header("Authorization", header);
//! let candidate = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=Original")
//!     .with_header("Authorization", header);
//! let secrets = SideSecrets::shared(Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00"));
//! let report = diff(
//!     &Side::Request(ReadRequest::new(good, Format::Http)),
//!     &Side::Request(ReadRequest::new(candidate, Format::Http)),
//!     &secrets,
//!     &DiffOptions::default(),
//! )
//! .unwrap();
//! let cause = report.cause().unwrap();
//! assert_eq!(cause.id, "param-value-mismatch");
//! assert_eq!(cause.location, "size (query)");
//! assert_eq!(cause.good.as_deref(), Some("original"));
//! assert_eq!(cause.candidate.as_deref(), Some("Original"));
//! assert_eq!(report.good_valid, Some(true));
//! assert_eq!(report.candidate_valid, Some(false));
//! ```
//!
//! # Hunt: which mistake the signer made
//!
//! A signature made (here by Python's `hmac`, not by this crate) over
//! RFC 5849 §1.2's request by a signer that did not upper-case the method
//! (RFC 5849 §3.4.1.1): the hunt reproduces it and names the mistake.
//!
//! ```
//! use oauth1_doctor::hunt::{hunt, HuntOptions};
//! use oauth1_doctor::{signature::Secrets, Request};
//! let request = Request::new("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
//!     .with_header("Authorization", r#"OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="Um1UV9a%2FnytkWJX87V%2BVE15QSsI%3D""#);
//! let secrets = Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
//! let found = hunt(&request, &secrets, &HuntOptions::default()).unwrap();
//! assert!(found.matched);
//! assert_eq!(found.mistakes, ["method-not-uppercased"]);
//! assert_eq!(
//!     found.base_string.as_deref(),
//!     Some("get&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal")
//! );
//! ```
//!
//! # Features
//!
//! - `cli` (default): the `oauth1-doctor` binary's dependencies (argument
//!   parsing, terminal colour, progress bars, the allocator). A library
//!   user writes `default-features = false` and gets only what signing,
//!   reading and diagnosing need.
//! - `listen` (default): [`listen`], the `listen` server (tokio, hyper,
//!   rustls, rcgen).
//! - `parallel` (default): [`batch`] checks requests on every core
//!   (rayon); without it, on one thread, with the same results in the same
//!   order.
//! - `whatwg` (default): [`client_url`] models what a WHATWG-conformant
//!   HTTP client does to a URL before sending it (the `url` crate), so
//!   `hunt` and `diff` can name `url-normalized-before-signing` and
//!   `url-normalized-after-signing`; without it those are not searched.
#![forbid(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod auth_header;
pub mod base_string;
pub mod batch;
pub mod client_url;
pub mod conform;
pub mod credentials;
pub mod diff;
pub mod encode;
pub mod error;
pub mod fixtures;
pub mod hunt;
pub mod input;
#[cfg(feature = "listen")]
pub mod listen;
pub mod params;
pub mod pipeline;
pub mod report;
pub mod request;
#[cfg(feature = "schema")]
pub mod schema;
pub mod schemes;
pub mod secret;
#[cfg(feature = "serve")]
pub mod serve;
pub mod sign;
pub mod signature;
pub mod signer;
pub mod strict;
pub mod uri;
pub mod verify;

/// The version of the `--json` contract: the `"schema"` field of every
/// top-level JSON object the command line prints (`docs/schema/*.json`
/// describe each command's). A new field keeps it; renaming or removing
/// one, or changing a field's meaning or type, bumps it.
pub const SCHEMA: &str = "oauth1-doctor/2";

pub use error::{ParseError, ParseErrorKind, Span, Violation};
pub use request::{Format, ReadRequest, Request};
pub use secret::Secret;
