//! The whole `diff` answer as data: the known-good comparison, the server
//! echo and its situation, the hunt on a signer-inconsistent candidate.
//! [`Diagnosis`] is the `diff --json` object.

use super::echo::{self, ServerEcho};
use super::{diff, DiffError, DiffOptions, DiffReport, Finding, Side, SideSecrets};
use crate::pipeline::{self, PipelineError};
use crate::signature::SignatureMethod;
use serde::Serialize;

/// What the candidate was compared with.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reference {
    /// The known-good request (GOOD).
    KnownGood,
    /// The base string the server said it computed (no GOOD given).
    Server,
}

/// What the server's error response revealed, and how the candidate compares.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ServerResponse {
    /// What was recognised in the response; its `base_string` is the one the server computed.
    #[serde(flatten)]
    pub echo: ServerEcho,
    /// What the signatures the server named say about the candidate, one sentence each.
    pub notes: Vec<String>,
    /// Findings between the server's base string and the candidate's; `null`
    /// when the server's base string is the reference of the whole report
    /// (they are the report's `findings` then) or the server said none.
    pub findings: Option<Vec<Finding>>,
    /// The diff against the server's base string, when it said one and it
    /// is not the report's main comparison (for rendering).
    #[serde(skip)]
    pub report: Option<DiffReport>,
}

/// The answer of `diff`: [`diagnose`]'s result, printed by `diff --json`.
///
/// The known-good comparison's fields are flattened into it; without a
/// reference (a server response that named only signatures) they are
/// empty and `situation` is `null`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// What the candidate was compared with: `null` when neither a
    /// known-good request nor a server base string was given.
    pub reference: Option<Reference>,
    /// The comparison with the reference. Its `equivalent` is the verdict:
    /// without a reference, true when the server's signatures raise no note.
    #[serde(flatten)]
    pub report: DiffReport,
    /// The server's response, when one was given.
    pub server_response: Option<ServerResponse>,
}

impl Diagnosis {
    /// True when the candidate signs what the reference signs (exit code 0).
    pub fn equivalent(&self) -> bool {
        self.report.equivalent
    }
}

/// Why a diagnosis could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiagnoseError {
    /// Neither a known-good request nor a server response.
    #[error("diff needs GOOD and CANDIDATE (or --server-response FILE and CANDIDATE)")]
    NoReference,
    /// A server response in which nothing was recognised, and no known-good request.
    #[error("nothing to compare with: no base string, base string URI or signature was recognised in it (known shapes: debug_sbs, oauth_signature_base_string, \"Expected signature base string\", \"Acceptable signature base string\", WordPress \"Shoud be\", LTI ours=/yours=, Tumblr \"does not match expected value\"); give the whole body of the server's 401 response, or a known-good request as GOOD")]
    NothingInResponse,
    /// The candidate's pipeline could not run.
    #[error("candidate: {0}")]
    Candidate(PipelineError),
    /// The comparison with the server's base string failed.
    #[error("server response: {0}")]
    Server(DiffError),
    /// The comparison with the known-good request failed.
    #[error(transparent)]
    Diff(DiffError),
}

/// Compares `candidate` with the known-good request `good` and/or the
/// server's error response body `server_response` (at least one of them),
/// decides the situation, and hunts a signer-inconsistent candidate's
/// mistake within `options.hunt_budget`: everything `diff` prints.
pub fn diagnose(
    good: Option<&Side>,
    candidate: &Side,
    server_response: Option<&str>,
    secrets: &SideSecrets,
    options: &DiffOptions,
) -> Result<Diagnosis, DiagnoseError> {
    let echo = server_response.map(echo::parse);
    match (&echo, good) {
        (None, None) => return Err(DiagnoseError::NoReference),
        // A response in which nothing was recognised gives nothing to
        // compare with: without GOOD there is no answer, which is not
        // "equivalent".
        (Some(e), None) if !e.reveals_anything() => return Err(DiagnoseError::NothingInResponse),
        _ => {}
    }
    // The candidate's own walk (the server echo is compared with its base string).
    let walk = match candidate {
        Side::Request(r) => Some(
            pipeline::run(&r.request, &secrets.candidate, Default::default())
                .map_err(DiagnoseError::Candidate)?,
        ),
        Side::BaseString(_) => None,
    };
    let candidate_sbs = match (candidate, &walk) {
        (Side::BaseString(t), _) => t.clone(),
        (_, Some(w)) => w.base_string.clone(),
        (_, None) => String::new(),
    };

    // The server's view, when it said one.
    let server = match echo {
        Some(e) => {
            let report = match e.reference_base_string(&candidate_sbs) {
                Some(r) => Some(
                    diff(
                        &Side::BaseString(r),
                        candidate,
                        secrets,
                        &DiffOptions::default(),
                    )
                    .map_err(DiagnoseError::Server)?,
                ),
                None => None,
            };
            let (sent, computed, plaintext) = match &walk {
                Some(w) => (
                    w.request_signature.as_deref(),
                    w.signature.as_deref(),
                    w.signature_method == Some(SignatureMethod::Plaintext),
                ),
                None => (None, None, false),
            };
            let notes = e.signature_notes(sent, computed, plaintext);
            Some(ServerResponse {
                echo: e,
                notes,
                findings: None,
                report,
            })
        }
        None => None,
    };

    let (reference, report, server) = match (good, server) {
        (Some(g), server) => {
            let report = diff(g, candidate, secrets, options).map_err(DiagnoseError::Diff)?;
            let server = server.map(|mut s| {
                s.findings = s.report.as_ref().map(|r| r.findings.clone());
                s
            });
            (Some(Reference::KnownGood), report, server)
        }
        // Without GOOD, the server's base string is the reference.
        (None, Some(mut s)) => match s.report.take() {
            Some(r) => (Some(Reference::Server), r, Some(s)),
            None => {
                let equivalent = s.notes.is_empty();
                (None, empty_report(equivalent, candidate_sbs), Some(s))
            }
        },
        (None, None) => return Err(DiagnoseError::NoReference),
    };
    Ok(Diagnosis {
        schema: crate::SCHEMA,
        reference,
        report,
        server_response: server,
    })
}

/// The report when there is nothing to compare the candidate with.
fn empty_report(equivalent: bool, candidate: String) -> DiffReport {
    DiffReport {
        equivalent,
        situation: None,
        findings: Vec::new(),
        alignment: super::base_diff::align("", &candidate),
        base_strings: super::BaseStrings {
            good: String::new(),
            candidate,
        },
        good_valid: None,
        candidate_valid: None,
        hunt: None,
        postman_settings: Vec::new(),
        candidate_is_base_string: false,
        key_shapes: (None, None),
    }
}
