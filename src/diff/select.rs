//! Which request of a multi-request input (a HAR file with several OAuth
//! entries, JSON Lines) a side of `diff` stands for.
//!
//! Nothing is picked silently: the candidate is the one entry whose own
//! signature fails (RFC 5849 §3.2), else the one the server answered 401
//! (RFC 5849 §3.2: the server "MUST respond with a 401" to a bad
//! signature); the known-good side is the one entry whose signature
//! verifies, else the one answered with a 2xx. Anything else is refused
//! with the list of entries, so that the user picks one (`--entry N`).

use crate::pipeline;
use crate::request::ReadRequest;
use crate::signature::Secrets;
use std::fmt;

/// Which side an entry is chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The known-good request (GOOD).
    KnownGood,
    /// The candidate (CANDIDATE).
    Candidate,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::KnownGood => "known-good",
            Role::Candidate => "candidate",
        }
    }
}

/// One request of the input, as listed to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySummary {
    /// Its position among the requests read (0-based).
    pub position: usize,
    /// The reader's label (`entry 3`, `line 2`), when it has one.
    pub label: Option<String>,
    /// The method as sent.
    pub method: String,
    /// The URL as sent.
    pub url: String,
    /// The status the server answered, when the input recorded it.
    pub status: Option<u16>,
    /// Whether its own signature verifies (`None` without the secrets).
    pub valid: Option<bool>,
}

impl fmt::Display for EntrySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self
            .label
            .clone()
            .unwrap_or_else(|| format!("request {}", self.position));
        write!(f, "{label}: {} {}", self.method, self.url)?;
        match self.status {
            Some(s) => write!(f, ", answered {s}")?,
            None => write!(f, ", no response recorded")?,
        }
        match self.valid {
            Some(true) => write!(f, ", signature verifies"),
            Some(false) => write!(f, ", signature fails"),
            None => write!(f, ", signature not checked"),
        }
    }
}

/// Why an entry was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// The input holds one request.
    Only,
    /// The user named it (`--entry N`).
    Named,
    /// The one entry whose own signature fails (candidate) or verifies (known-good).
    BySignature,
    /// The one entry answered 401 (candidate) or with a 2xx (known-good).
    ByStatus,
}

/// A choice made: the position among the requests read and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Position in the list given to [`choose`].
    pub position: usize,
    /// Why it was chosen.
    pub why: Chosen,
    /// The entry, as listed to the user.
    pub entry: EntrySummary,
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.why {
            Chosen::Only => "the only request",
            Chosen::Named => "named with --entry",
            Chosen::BySignature => "the one entry whose signature decides it",
            Chosen::ByStatus => "the one entry whose response status decides it",
        };
        write!(f, "{} ({why})", self.entry)
    }
}

/// No single entry could be chosen: the user must name one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{role} holds {} requests and {why}; choose one with {flag} N:\n{}", entries.len(), entries.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
pub struct ChooseError {
    /// The side it was for ("known-good" or "candidate").
    pub role: &'static str,
    /// The `diff` flag that names one: `--good-entry` or `--entry`.
    pub flag: &'static str,
    /// Why no entry stands out.
    pub why: String,
    /// Every request of the input.
    pub entries: Vec<EntrySummary>,
}

/// Lists the requests of an input with their status and whether each
/// one's own signature verifies with `secrets`.
pub fn summarize(reads: &[ReadRequest], secrets: &Secrets) -> Vec<EntrySummary> {
    reads
        .iter()
        .enumerate()
        .map(|(position, r)| EntrySummary {
            position,
            label: r.label.clone(),
            method: r.request.method.clone(),
            url: r.request.url.clone(),
            status: r.response_status,
            valid: pipeline::run(&r.request, secrets, Default::default())
                .ok()
                .and_then(|w| w.valid),
        })
        .collect()
}

/// Chooses the request a side stands for among `reads` (see the module
/// documentation). `named` is a position the user gave.
pub fn choose(
    reads: &[ReadRequest],
    secrets: &Secrets,
    role: Role,
    named: Option<usize>,
) -> Result<Choice, ChooseError> {
    let entries = summarize(reads, secrets);
    let pick = |position: usize, why: Chosen| Choice {
        position,
        why,
        entry: entries[position].clone(),
    };
    if let Some(n) = named {
        if n < entries.len() {
            return Ok(pick(n, Chosen::Named));
        }
    }
    if entries.len() == 1 {
        return Ok(pick(0, Chosen::Only));
    }
    let one = |f: &dyn Fn(&EntrySummary) -> bool| {
        let mut hits = entries.iter().filter(|e| f(e));
        match (hits.next(), hits.next()) {
            (Some(e), None) => Some(e.position),
            _ => None,
        }
    };
    let (want_valid, status_ok): (bool, fn(u16) -> bool) = match role {
        Role::Candidate => (false, |s| s == 401),
        Role::KnownGood => (true, |s| (200..300).contains(&s)),
    };
    if let Some(p) = one(&|e| e.valid == Some(want_valid)) {
        return Ok(pick(p, Chosen::BySignature));
    }
    if let Some(p) = one(&|e| e.status.is_some_and(status_ok)) {
        return Ok(pick(p, Chosen::ByStatus));
    }
    let checked = entries.iter().any(|e| e.valid.is_some());
    let why = match (role, checked) {
        (Role::Candidate, true) => "not exactly one of them has a failing signature or was answered 401",
        (Role::Candidate, false) => "without the secrets their signatures cannot be checked, and not exactly one was answered 401",
        (Role::KnownGood, true) => "not exactly one of them has a verifying signature or was answered 2xx",
        (Role::KnownGood, false) => "without the secrets their signatures cannot be checked, and not exactly one was answered 2xx",
    };
    Err(ChooseError {
        role: role.as_str(),
        flag: match role {
            Role::KnownGood => "--good-entry",
            Role::Candidate => "--entry",
        },
        why: why.into(),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Format, Request};

    fn entry(i: usize, status: Option<u16>) -> ReadRequest {
        let mut r = ReadRequest::new(
            Request::new("GET", format!("https://x.test/{i}")).with_header(
                "Authorization",
                r#"OAuth oauth_consumer_key="k", oauth_signature_method="HMAC-SHA1", oauth_signature="x""#,
            ),
            Format::Har,
        );
        r.label = Some(format!("entry {i}"));
        r.response_status = status;
        r
    }

    /// RFC 5849 §3.2: without secrets, the entry answered 401 is the candidate.
    #[test]
    fn without_secrets_the_401_entry_is_the_candidate() {
        let reads = [entry(0, Some(200)), entry(1, Some(401))];
        let c = choose(&reads, &Secrets::default(), Role::Candidate, None).unwrap();
        assert_eq!((c.position, c.why), (1, Chosen::ByStatus));
        let g = choose(&reads, &Secrets::default(), Role::KnownGood, None).unwrap();
        assert_eq!((g.position, g.why), (0, Chosen::ByStatus));
    }

    #[test]
    fn nothing_is_picked_silently() {
        let reads = [entry(0, Some(401)), entry(1, Some(401))];
        let e = choose(&reads, &Secrets::default(), Role::Candidate, None).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("choose one with --entry N"), "{text}");
        assert!(
            text.contains("entry 0: GET https://x.test/0, answered 401"),
            "{text}"
        );
        let c = choose(&reads, &Secrets::default(), Role::Candidate, Some(1)).unwrap();
        assert_eq!((c.position, c.why), (1, Chosen::Named));
    }
}
