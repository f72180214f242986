//! The hunt's answer as data: [`HuntReport`] is the `hunt --json` object,
//! and the same object appears as `hunt` in `diff --json`.

use super::search::{hunt, Applied, BudgetReport, HuntError, HuntOptions, HuntResult, Hunted};
use crate::request::Request;
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
            depth: r.depth,
            ruled_out: r.ruled_out,
            suggestions: r.suggestions,
            budget: r.budget,
            elapsed_ms,
        }
    }
}

/// Runs [`hunt`] and reports it with its wall time: the entry point of
/// `hunt` and of the hunt `diff` runs on a signer-inconsistent candidate.
pub fn run(
    request: &Request,
    secrets: &Secrets,
    options: &HuntOptions,
) -> Result<HuntReport, HuntError> {
    let start = Instant::now();
    let result = hunt(request, secrets, options)?;
    Ok(HuntReport::from_result(
        result,
        start.elapsed().as_secs_f64() * 1000.0,
    ))
}
