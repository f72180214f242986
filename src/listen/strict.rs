//! The checks a strict provider makes before and around the signature
//! (RFC 5849 §3.2): each protocol parameter once (§3.5), the required ones
//! present (§3.1), a known method (§3.4) and consumer, a recent timestamp
//! and a fresh nonce (§3.3).

use super::diagnose::{Arrival, Diagnoser};
use super::problem::{Problem, Refusal};
use crate::batch::Keys;
use crate::hunt;
use crate::params::Collected;
use crate::signature::{SignatureMethod, ALL_METHODS};
use crate::verify::{Checked, Identity};
use std::collections::HashSet;
use std::sync::Mutex;

/// Nonces seen in this run (RFC 5849 §3.3: a nonce is unique for all
/// requests with the same timestamp, client credentials and token).
#[derive(Debug, Default)]
pub struct NonceStore {
    seen: Mutex<HashSet<(String, String, u64, String)>>,
}

/// Past this many remembered nonces, those outside the timestamp window
/// are forgotten (all of them when there is no window).
const NONCE_MEMORY: usize = 200_000;

impl NonceStore {
    /// True when `nonce` was accepted before with this timestamp, consumer
    /// key and token.
    pub(super) fn seen(&self, key: &(String, String, u64, String)) -> bool {
        self.seen.lock().map(|s| s.contains(key)).unwrap_or(false)
    }

    /// Remembers an accepted request's nonce.
    pub(super) fn remember(&self, key: (String, String, u64, String), now: u64, max_skew: u64) {
        if let Ok(mut s) = self.seen.lock() {
            if s.len() >= NONCE_MEMORY {
                if max_skew == 0 {
                    s.clear();
                } else {
                    s.retain(|(_, _, ts, _)| ts.abs_diff(now) <= max_skew);
                    if s.len() >= NONCE_MEMORY {
                        s.clear();
                    }
                }
            }
            s.insert(key);
        }
    }
}

impl Diagnoser {
    /// The checks a strict provider makes before the signature (RFC 5849
    /// §3.2): every protocol parameter sent once, the required ones
    /// present, a known method and consumer, a recent timestamp.
    pub(super) fn refuse_before_signature(
        &self,
        collected: &Collected,
        verification: &Checked,
        arrival: Arrival,
    ) -> Option<Refusal> {
        // RFC 5849 §3.5: each protocol parameter once, in one place.
        let rejected = repeated_protocol_params(collected);
        if !rejected.is_empty() {
            let mut r = Refusal::new(
                Problem::ParameterRejected,
                format!(
                    "{} sent more than once or in more than one place (RFC 5849 §3.5: send each protocol parameter once, in one place)",
                    rejected.join(", ")
                ),
            );
            r.extra
                .push(("oauth_parameters_rejected", rejected.join("&")));
            return Some(r);
        }
        // RFC 5849 §3.4: a method this server knows.
        let method = collected.value_of("oauth_signature_method");
        let known = method
            .as_deref()
            .and_then(|m| m.parse::<SignatureMethod>().ok());
        if let (Some(m), None) = (&method, known) {
            let accepted: Vec<&str> = ALL_METHODS.iter().map(|m| m.as_str()).collect();
            return Some(Refusal::new(
                Problem::SignatureMethodRejected,
                format!(
                    "oauth_signature_method {m:?} is not one this server knows (RFC 5849 §3.4; known: {})",
                    accepted.join(", ")
                ),
            ));
        }
        // RFC 5849 §3.1: the required parameters (timestamp and nonce may
        // be left out with PLAINTEXT).
        let plaintext = known == Some(SignatureMethod::Plaintext);
        let mut absent: Vec<&str> = Vec::new();
        for name in ["oauth_consumer_key", "oauth_signature_method"] {
            if collected.get(name).is_none() {
                absent.push(name);
            }
        }
        if collected.signature.is_none() {
            absent.push("oauth_signature");
        }
        if !plaintext {
            for name in ["oauth_timestamp", "oauth_nonce"] {
                if collected.get(name).is_none() {
                    absent.push(name);
                }
            }
        }
        if !absent.is_empty() {
            let mut r = Refusal::new(
                Problem::ParameterAbsent,
                format!("{} missing (RFC 5849 §3.1)", absent.join(", ")),
            );
            r.extra.push(("oauth_parameters_absent", absent.join("&")));
            return Some(r);
        }
        // RFC 5849 §3.2: the client credentials (and token) must be known.
        let consumer_key = collected.value_of("oauth_consumer_key");
        let token = collected.value_of("oauth_token");
        if let Keys::ByConsumer(credentials) = &self.keys {
            if let Err(why) = credentials.secrets_for(Identity {
                consumer_key: consumer_key.as_deref(),
                token: token.as_deref(),
                signature_method: verification.signature_method,
            }) {
                let problem = if why.starts_with("unknown token") {
                    Problem::TokenRejected
                } else {
                    Problem::ConsumerKeyUnknown
                };
                return Some(Refusal::new(problem, why));
            }
        }
        // A method this server cannot check without a key it was not given.
        if let Some(m) = verification.needs_secrets_for {
            return Some(Refusal::new(
                Problem::SignatureMethodRejected,
                format!("{m} cannot be checked: listen was started without its secret or key"),
            ));
        }
        // RFC 5849 §3.3: the timestamp is a positive integer of seconds.
        if let Some(ts) = collected.value_of("oauth_timestamp") {
            let Ok(ts) = ts.trim().parse::<u64>() else {
                let mut r = Refusal::new(
                    Problem::ParameterRejected,
                    format!("oauth_timestamp {ts:?} is not a number of seconds (RFC 5849 §3.3)"),
                );
                r.extra
                    .push(("oauth_parameters_rejected", "oauth_timestamp".into()));
                return Some(r);
            };
            let now = arrival.unix_secs;
            if self.max_skew > 0 && ts.abs_diff(now) > self.max_skew {
                let id = if ts > now.saturating_mul(100) {
                    "timestamp-milliseconds"
                } else {
                    "timestamp-skew"
                };
                let what = hunt::mistake(id).map_or("", |m| m.description);
                let mut r = Refusal::new(
                    Problem::TimestampRefused,
                    format!(
                        "{id}: oauth_timestamp {ts} is {} s from this server's clock ({now}), more than --max-skew {}: {what} (RFC 5849 §3.3)",
                        ts.abs_diff(now),
                        self.max_skew
                    ),
                );
                r.cause = Some(id.to_string());
                r.extra.push((
                    "oauth_acceptable_timestamps",
                    format!(
                        "{}-{}",
                        now.saturating_sub(self.max_skew),
                        now.saturating_add(self.max_skew)
                    ),
                ));
                return Some(r);
            }
        }
        None
    }
}

/// The names of protocol parameters sent more than once or in several
/// places (RFC 5849 §3.5), in order of first appearance.
pub(super) fn repeated_protocol_params(collected: &Collected) -> Vec<String> {
    let mut seen: Vec<(&[u8], usize)> = Vec::new();
    for p in collected.params.iter().filter(|p| p.is_protocol()) {
        match seen.iter_mut().find(|(n, _)| *n == p.name.as_slice()) {
            Some((_, count)) => *count += 1,
            None => seen.push((&p.name, 1)),
        }
    }
    seen.into_iter()
        .filter(|(_, count)| *count > 1)
        .map(|(n, _)| String::from_utf8_lossy(n).into_owned())
        .collect()
}

/// RFC 5849 §3.3: what a nonce is unique for (consumer key, token,
/// timestamp), and the nonce; `None` without a nonce or timestamp.
pub(super) fn nonce_key(collected: &Collected) -> Option<(String, String, u64, String)> {
    let nonce = collected.value_of("oauth_nonce")?;
    let ts = collected.value_of("oauth_timestamp")?.trim().parse().ok()?;
    Some((
        collected.value_of("oauth_consumer_key").unwrap_or_default(),
        collected.value_of("oauth_token").unwrap_or_default(),
        ts,
        nonce,
    ))
}
