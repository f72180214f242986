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
    /// The answer the exit code gives (0 when true): the situation is
    /// `equivalent`; with `--structural` ([`DiffOptions::structural`]),
    /// the sides sign the same content (`equivalent`), checked or not.
    pub passed: bool,
}

impl Diagnosis {
    /// True when the candidate signs what the reference signs (the
    /// signatures may be unchecked: see [`Diagnosis::passed`]).
    pub fn equivalent(&self) -> bool {
        self.report.equivalent
    }
}

/// The verdict behind the exit code: never a pass for signatures that
/// were not checked, unless only the signed content was asked about.
fn passed(report: &DiffReport, structural: bool) -> bool {
    report.equivalent
        && (structural || report.situation != Some(super::Situation::SignaturesUnchecked))
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

/// What `diff` answers, whichever scheme the two sides use.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum DiffAnswer {
    /// Two requests of another scheme than OAuth 1.0 (Basic, Bearer, an
    /// API key, an OAuth 2.0 token request): their credentials compared
    /// by [`crate::schemes::compare::compare`].
    Credentials(Box<crate::schemes::compare::SchemeDiff>),
    /// OAuth 1.0 (or a base string, or a server's response): [`diagnose`]'s answer.
    Signature(Box<Diagnosis>),
}

impl DiffAnswer {
    /// The answer the exit code gives: the credentials are the same, or
    /// [`Diagnosis::passed`].
    pub fn passed(&self) -> bool {
        match self {
            DiffAnswer::Credentials(d) => d.equivalent,
            DiffAnswer::Signature(d) => d.passed,
        }
    }
}

/// `diff`'s whole answer: two requests of another scheme than OAuth 1.0
/// have their credentials compared ([`crate::schemes::compare::applies`]);
/// everything else goes to [`diagnose`]. The CLI and the workbench both
/// call this, so they cannot disagree on which comparison runs.
pub fn answer(
    good: Option<&Side>,
    candidate: &Side,
    server_response: Option<&str>,
    secrets: &SideSecrets,
    options: &DiffOptions,
) -> Result<DiffAnswer, DiagnoseError> {
    use crate::schemes::{compare, SchemeOptions, SchemeSecrets};
    if let (Some(Side::Request(g)), Side::Request(c)) = (good, candidate) {
        if compare::applies(&g.request, &c.request) {
            return Ok(DiffAnswer::Credentials(Box::new(compare::compare(
                &g.request,
                &c.request,
                &SchemeSecrets::default(),
                SchemeOptions {
                    now: None,
                    show_secrets: options.show_secrets,
                },
            ))));
        }
    }
    diagnose(good, candidate, server_response, secrets, options)
        .map(|d| DiffAnswer::Signature(Box::new(d)))
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
        passed: passed(&report, options.structural),
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
        cause: None,
        postman_settings: Vec::new(),
        candidate_is_base_string: false,
        key_shapes: (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{self, NoFiles, ReadOptions};
    use crate::signature::Secrets;

    /// The Tumblr scenario of `fixtures/diff/echo-tumblr` (RFC 5849 §1.2's
    /// credentials; the server names signatures only, no base string).
    fn tumblr() -> (Side, &'static str, SideSecrets) {
        let bytes = include_bytes!("../../fixtures/diff/echo-tumblr/candidate.http");
        let read = input::read(bytes, &ReadOptions::default(), &NoFiles)
            .unwrap()
            .remove(0);
        let body = include_str!("../../fixtures/diff/echo-tumblr/server_response.txt");
        let secrets = SideSecrets::shared(Secrets::shared("kd94hf93k423kf44", "pfkkdhi9sl3r4s00"));
        (Side::Request(read), body, secrets)
    }

    #[test]
    fn without_good_or_response_there_is_no_reference() {
        let (cand, _, secrets) = tumblr();
        let e = diagnose(None, &cand, None, &secrets, &DiffOptions::default()).unwrap_err();
        assert_eq!(e, DiagnoseError::NoReference);
    }

    #[test]
    fn a_response_that_reveals_nothing_is_an_error_without_good() {
        let (cand, _, secrets) = tumblr();
        let e = diagnose(
            None,
            &cand,
            Some("<html><body>401 Unauthorized</body></html>"),
            &secrets,
            &DiffOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e, DiagnoseError::NothingInResponse);
        assert!(e.to_string().starts_with("nothing to compare with"));
    }

    /// RFC 5849 §3.4: a server that names the signature it expected but no
    /// base string gives no reference to diff against; its notes decide.
    #[test]
    fn signatures_only_give_no_reference_and_a_verdict_from_the_notes() {
        let (cand, body, secrets) = tumblr();
        let d = diagnose(None, &cand, Some(body), &secrets, &DiffOptions::default()).unwrap();
        assert_eq!(d.reference, None);
        assert_eq!(d.report.situation, None);
        let s = d.server_response.as_ref().unwrap();
        assert!(!s.notes.is_empty());
        assert!(!d.equivalent(), "the server expected another signature");
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["schema"], crate::SCHEMA);
        assert_eq!(v["base_strings"]["good"], serde_json::Value::Null);
        let candidate = v["base_strings"]["candidate"].as_str().unwrap();
        assert_eq!(candidate.split('&').count(), 3, "{candidate}");
        assert_eq!(v["server_response"]["findings"], serde_json::Value::Null);
        assert_eq!(v["server_response"]["shape"], "tumblr");
    }

    /// With GOOD as well, the known-good request is the reference and the
    /// server's comparison stays under `server_response`.
    #[test]
    fn with_good_the_known_good_request_is_the_reference() {
        let (cand, body, secrets) = tumblr();
        let d = diagnose(
            Some(&cand),
            &cand,
            Some(body),
            &secrets,
            &DiffOptions::default(),
        )
        .unwrap();
        assert_eq!(d.reference, Some(Reference::KnownGood));
        // The candidate against itself: equivalent, whatever the server said.
        assert!(d.equivalent());
        assert!(d.server_response.is_some());
    }
}
