//! `listen`: a local, strict OAuth 1.0 server that diagnoses every request
//! it receives (feature `listen`).
//!
//! A tool whose requests cannot be seen (a no-code workflow, a connector, a
//! plugin) is pointed at this server instead of the real API. Each request
//! is kept exactly as received and checked the way a strict provider
//! checks it (RFC 5849 §3.2): the protocol parameters are present and sent
//! once, the signature method is known, the consumer key is known, the
//! timestamp is recent and the nonce fresh (RFC 5849 §3.3), and the
//! signature verifies. The answer mimics a provider's, in the OAuth Problem
//! Reporting style, so the tool's own error handling runs; its body and
//! the [`ListenRecord`] carry the same diagnosis `verify`, `hunt` and
//! `diff` give.
//!
//! The pieces, from pure to I/O:
//!
//! - [`Diagnoser::diagnose`]: raw request bytes in, a [`Diagnosed`] (the record and
//!   the response to send) out. No socket, no clock: the time of arrival
//!   and the replay memory ([`NonceStore`]) are inputs.
//! - [`rewrite_as`]: the `--as URL` rewrite (scheme, host, port and path
//!   prefix).
//! - [`Recorder`]: `NNNN.http` and `NNNN.json` files, never overwritten.
//! - [`Server`]: hyper on tokio, optional TLS with a certificate made at
//!   start, the limits (body size, header and idle timeouts, a cap on
//!   connections) and graceful shutdown. It reports through [`Event`]s;
//!   the front end prints them.
//! - [`Grader`] (`--grade`): each request graded against the conformance
//!   vector it answers, with [`crate::conform::grade`].
//! - [`ProxyOptions`] and [`ProxyCa`] (`--proxy`): the server as an HTTP
//!   forward proxy, `CONNECT` intercepted with a local CA; the upstream's
//!   answer ([`UpstreamReport`]) joins the diagnosis.

mod ca;
mod capture;
mod diagnose;
mod grade;
mod oauth2;
mod problem;
mod proxy;
mod record;
mod server;
mod strict;
mod tls;

pub use ca::{CaError, ProxyCa, CA_CERT_FILE};
pub use capture::{raw_request_len, rewrite_as, AsUrl, AsUrlError};
#[cfg(feature = "serve")]
pub(crate) use diagnose::hide_param;
pub use diagnose::{Arrival, Diagnosed, Diagnoser, Invalid, ListenRecord, Step, VerifyLine};
pub use grade::{GradeTableError, Grader, Match};
pub use oauth2::{Oauth2Server, DEFAULT_TOKEN_TTL, TOKEN_PATH};
pub use problem::{Problem, ProblemJson, Response};
pub use proxy::{roots_from_pem, strip_hop_by_hop, ProxyOptions, UpstreamReport};
pub use record::Recorder;
#[cfg(feature = "serve")]
pub(crate) use server::bind_on_runtime;
#[cfg(feature = "serve")]
pub(crate) use server::interrupt;
pub use server::{Event, Flow, Limits, Server, ServerError, ServerOptions, Summary};
pub use strict::NonceStore;
pub use tls::{self_signed, SelfSigned, TlsError};

/// The port `listen` serves on by default.
pub const DEFAULT_PORT: u16 = 8765;
/// How far a request's timestamp may be from the server's clock, in
/// seconds, by default (RFC 5849 §3.3 leaves the window to the server).
pub const DEFAULT_MAX_SKEW: u64 = 600;
