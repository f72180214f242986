//! The hunt's answer as data: [`HuntReport`] is the `hunt --json` object,
//! and the same object appears as `hunt` in `diff --json`.

use super::search::{hunt, Applied, BudgetReport, HuntError, HuntOptions, HuntResult, Hunted};
use crate::request::{ReadRequest, Request};
use crate::signature::{Secrets, SignatureMethod};
use serde::Serialize;
use std::time::Instant;

/// What a hunt found, ready to print (`hunt --json`, and `hunt` inside
/// `diff --json`).
///
/// Two base strings, named apart: `base_string` is the RFC 5849 §3.4.1 base
/// string of the request (as `explain` calls it); `signer_base_string` is
/// the one the signer (or server) must have built for the mistakes found.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HuntReport {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// Whether some variant reproduced the target (including "no mistake").
    pub matched: bool,
    /// The first explanation's mistake ids, in pipeline order (empty for "no mistake" or no match).
    pub mistakes: Vec<&'static str>,
    /// Every explanation of the smallest size, each a list of mistake ids in pipeline order; the first is `mistakes`.
    pub explanations: Vec<Vec<&'static str>>,
    /// Each explanation with the concrete form of each mistake (parallel to `explanations`).
    pub details: Vec<Vec<Applied>>,
    /// The base string the signer (or server) must have built; `null` without a match or for PLAINTEXT.
    pub signer_base_string: Option<String>,
    /// The RFC 5849 §3.4.1 base string of the request.
    pub base_string: String,
    /// How many variants were tried.
    pub tried: u64,
    /// What was hunted for.
    pub hunted: Hunted,
    /// The signature method the request declares.
    pub signature_method: SignatureMethod,
    /// With a target signature or expected base string: whether the request's own signature follows RFC 5849.
    pub signer_follows_rfc: Option<bool>,
    /// With a target signature or expected base string, when the request's
    /// own signature does not follow RFC 5849 (`signer_follows_rfc` false):
    /// the hunt for the request's own signature, the signer's mistake
    /// (`hunted` is `request-signature` in it). `null` otherwise.
    pub request_hunt: Option<Box<HuntReport>>,
    /// The depth searched.
    pub depth: usize,
    /// What was ruled out when nothing matched.
    pub ruled_out: Vec<String>,
    /// Inputs that are likely wrong when nothing matched.
    pub suggestions: Vec<String>,
    /// What the search covered within its budget; `exhausted` says it was cut short.
    pub budget: BudgetReport,
    /// Wall time of the search, in milliseconds.
    pub elapsed_ms: f64,
}

impl HuntReport {
    /// The report of a finished search that took `elapsed_ms`.
    pub fn from_result(r: HuntResult, elapsed_ms: f64) -> HuntReport {
        HuntReport {
            schema: crate::SCHEMA,
            matched: r.matched,
            mistakes: r.mistakes,
            explanations: r.explanations,
            details: r.details,
            signer_base_string: r.base_string,
            base_string: r.correct_base_string,
            tried: r.tried,
            hunted: r.hunted,
            signature_method: r.signature_method,
            signer_follows_rfc: r.signer_follows_rfc,
            request_hunt: None,
            depth: r.depth,
            ruled_out: r.ruled_out,
            suggestions: r.suggestions,
            budget: r.budget,
            elapsed_ms,
        }
    }
}

impl HuntReport {
    /// True when neither side has a mistake: the target (or the request's
    /// own signature) is reproduced by the correct RFC 5849 signer, and,
    /// with a target, the request's own signature was not found wrong.
    pub fn no_mistake(&self) -> bool {
        self.matched && self.mistakes.is_empty() && self.signer_follows_rfc != Some(false)
    }
}

/// Runs [`hunt`] and reports it with its wall time: the entry point of
/// `hunt` and of the hunt `diff` runs on a signer-inconsistent candidate.
///
/// With a target signature or an expected base string (the server's
/// side), the request's own signature is hunted too when it does not
/// follow RFC 5849 (RFC 5849 §3.4): a server that computes the RFC
/// signature does not make a signer that does not right, so both
/// mistakes are reported (`request_hunt`), within the same budget.
pub fn run(
    request: &Request,
    secrets: &Secrets,
    options: &HuntOptions,
) -> Result<HuntReport, HuntError> {
    run_with(request, None, secrets, options)
}

/// [`run`] for a request whose parameters the caller has collected
/// already (`params::collect` of this very request), so that they are
/// not collected again.
pub(crate) fn run_collected(
    request: &Request,
    collected: crate::params::Collected,
    secrets: &Secrets,
    options: &HuntOptions,
) -> Result<HuntReport, HuntError> {
    run_with(request, Some(collected), secrets, options)
}

fn run_with(
    request: &Request,
    collected: Option<crate::params::Collected>,
    secrets: &Secrets,
    options: &HuntOptions,
) -> Result<HuntReport, HuntError> {
    let start = Instant::now();
    let result = match collected {
        Some(c) => super::search::hunt_collected(request, c, secrets, options)?,
        None => hunt(request, secrets, options)?,
    };
    let mut report = HuntReport::from_result(result, start.elapsed().as_secs_f64() * 1000.0);
    if report.hunted != Hunted::RequestSignature && report.signer_follows_rfc == Some(false) {
        let own = HuntOptions {
            target: None,
            expected_base_string: None,
            ..options.clone()
        };
        let start = Instant::now();
        if let Ok(r) = hunt(request, secrets, &own) {
            report.request_hunt = Some(Box::new(HuntReport::from_result(
                r,
                start.elapsed().as_secs_f64() * 1000.0,
            )));
        }
    }
    Ok(report)
}

/// One request of a multi-request input (a HAR file, JSON Lines) and its
/// hunt: an element of [`HuntEntries`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HuntEntry {
    /// Its position among the requests read (0-based).
    pub position: usize,
    /// The reader's label: `entry N` (HAR, N its 0-based index) or `line N` (JSON Lines).
    pub label: Option<String>,
    /// The method as sent.
    pub method: String,
    /// The URL as sent.
    pub url: String,
    /// The status the server answered it with, when the input recorded one.
    pub status: Option<u16>,
    /// Whether its own signature verifies (RFC 5849 §3.2); `null` when it cannot be checked.
    pub valid: Option<bool>,
    /// The hunt for its signature's mistake, for an entry whose signature fails.
    pub hunt: Option<HuntReport>,
    /// Why it was not hunted: its signature verifies, or could not be checked.
    pub not_hunted: Option<String>,
}

/// `hunt --json` for an input holding several requests: one element per
/// request, each invalid one hunted ([`run_entries`]).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HuntEntries {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// Every request of the input, in order.
    pub entries: Vec<HuntEntry>,
}

impl HuntEntries {
    /// True when some hunted entry was not reproduced by any variant.
    pub fn unexplained(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.hunt.as_ref().is_some_and(|h| !h.matched))
    }

    /// True when no entry could be checked at all (no secrets).
    pub fn none_checked(&self) -> bool {
        self.entries.iter().all(|e| e.valid.is_none())
    }
}

/// Hunts every request of `reads` whose own signature fails (RFC 5849
/// §3.2), all within `options.budget` (one deadline for the whole input:
/// a hunt that starts late may be cut short, and says so); requests that verify, or
/// cannot be checked, are listed with the reason. Nothing is skipped
/// silently. `options.target` and `options.expected_base_string` belong to
/// one request: use [`run`] for them.
pub fn run_entries(reads: &[ReadRequest], secrets: &Secrets, options: &HuntOptions) -> HuntEntries {
    let entries = reads
        .iter()
        .enumerate()
        .map(|(position, read)| {
            let walk = crate::pipeline::run(&read.request, secrets, Default::default());
            let valid = walk.as_ref().ok().and_then(|w| w.valid);
            let (hunt, not_hunted) = match (&walk, valid) {
                (Err(e), _) => (None, Some(format!("it cannot be read: {e}"))),
                (_, Some(true)) => (None, Some("its signature verifies".to_string())),
                (Ok(w), None) => (
                    None,
                    Some(format!(
                        "its signature cannot be checked: {}",
                        w.not_computed
                            .as_deref()
                            .unwrap_or("no signature or secrets")
                    )),
                ),
                (_, Some(false)) => match run(&read.request, secrets, options) {
                    Ok(h) => (Some(h), None),
                    Err(e) => (None, Some(format!("it cannot be hunted: {e}"))),
                },
            };
            HuntEntry {
                position,
                label: read.label.clone(),
                method: read.request.method.clone(),
                url: read.request.url.clone(),
                status: read.response_status,
                valid,
                hunt,
                not_hunted,
            }
        })
        .collect();
    HuntEntries {
        schema: crate::SCHEMA,
        entries,
    }
}
