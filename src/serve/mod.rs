//! `serve`: the local web workbench (feature `serve`).
//!
//! One page, served from the binary on `http://127.0.0.1:8766/`, with four
//! tabs over the library's reports: Explain (every RFC 5849 §3.4 step),
//! Diff (a known-good request against a candidate), Hunt (the signer's
//! mistake) and Live (a [`crate::listen`] server beside the page). The
//! page computes nothing itself: it posts to the JSON API ([`api`]),
//! whose answers are exactly the objects `explain --json`, `diff --json`
//! and `hunt --json` print.
//!
//! Secrets are pasted here, so the server binds loopback by default,
//! answers only to its own `Host` (no DNS rebinding) and its own `Origin`,
//! sends a strict Content-Security-Policy, limits bodies to [`MAX_BODY`],
//! and never logs a body: its [`WorkbenchEvent`]s carry no request data.

pub mod api;
mod assets;
mod http;
mod live;

pub use http::{
    host_allowed, origin_allowed, Workbench, WorkbenchEvent, WorkbenchOptions, CSP, MAX_BODY,
};
pub use live::{LiveEntry, HISTORY};

/// The port `serve` uses by default.
pub const DEFAULT_PORT: u16 = 8766;
