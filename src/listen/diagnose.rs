//! One received request, checked as a strict provider checks it (RFC 5849
//! §3.2) and diagnosed with the library's reports: `verify`'s line, the
//! hunt's report and `diff`'s diagnosis.

use super::capture::{rewrite_as, with_absolute_target, AsUrl};
use super::grade::Grader;
use super::oauth2::Oauth2Server;
use super::problem::{diagnosis_text, problem_body, problem_json, Problem, Refusal, Response};
use super::strict::{nonce_key, NonceStore};
use crate::batch::Keys;
use crate::conform::Answer;
use crate::diff::{self, DiffOptions, Side, SideSecrets};
use crate::hunt::{self, Budget, HuntOptions, HuntReport};
use crate::input::http;
use crate::params::collect;
use crate::request::ReadRequest;
use crate::signature::SignatureMethod;
use crate::verify::{check, one_line, Checked, Identity, Verdict};
use serde::Serialize;
use std::time::Duration;

/// `verify --json`'s object for one request (as batch `verify` prints each
/// line): the contract version, where the request came from (`null` here)
/// and [`Checked`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyLine {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// A JSON Lines line number: always `null` here.
    pub line: Option<usize>,
    /// A HAR entry's label: always `null` here.
    pub label: Option<String>,
    /// The verdict and why ([`check`]).
    #[serde(flatten)]
    pub checked: Checked,
}

/// What `listen --json` prints for one request (one object per line), and
/// what `--record` writes as `NNNN.json`. The nested objects are those of
/// `verify --json`, `hunt --json` and `diff --json`; each is `null` when it
/// was not run.
#[derive(Debug, Clone, Serialize)]
pub struct ListenRecord {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// The request's number in this run, from 1.
    pub seq: u64,
    /// When it was received (RFC 3339, UTC).
    pub received_at: String,
    /// The HTTP method as received.
    pub method: String,
    /// The URL verified: as received, or as `--as` rewrote it.
    pub url: String,
    /// `verify`'s verdict, when the request carries OAuth parameters.
    pub verification: Option<VerifyLine>,
    /// The hunt for the signer's mistake, when the signature is invalid.
    pub hunt: Option<HuntReport>,
    /// The diff against `--good`, when given and the signature is invalid.
    pub diff: Option<diff::Diagnosis>,
    /// `listen --oauth2-client`: what the request's credentials are and
    /// what is wrong with them ([`crate::schemes::analyze`]); `null` in
    /// the OAuth 1.0 mode.
    pub scheme_report: Option<crate::schemes::SchemeReport>,
    /// `listen --grade`: the grade of the conformance vector this request
    /// answers (`vectors grade`'s object); `null` otherwise.
    pub grade: Option<crate::conform::Grade>,
    /// `listen --proxy`: what the upstream answered (`null` otherwise).
    pub upstream: Option<super::proxy::UpstreamReport>,
    /// The status code answered.
    pub response_status: u16,
}

/// A diagnosed request: the record, the response, and what a front end
/// prints on one line.
#[derive(Debug, Clone)]
pub struct Diagnosed {
    /// The record (`--json` line, `NNNN.json`).
    pub record: ListenRecord,
    /// The response to send.
    pub response: Response,
    /// Why it was refused (`None` when valid).
    pub problem: Option<Problem>,
    /// The named cause, first: a catalogue id (`plus-for-space`), several
    /// joined with `+`, or the problem's own name.
    pub cause: Option<String>,
    /// One line: the verdict and cause (`plus-for-space: …`, or `valid
    /// (HMAC-SHA1)`). It is also the response's `oauth_problem_advice`.
    pub headline: String,
    /// The request target as received (`/1.1/statuses/update.json?x=1`).
    pub target: String,
    /// The raw request with its target in absolute form (the URL verified;
    /// every other byte as received), for `NNNN.http`.
    pub raw_for_record: Vec<u8>,
}

/// How `listen` checks and diagnoses requests.
pub struct Diagnoser {
    /// The secrets, the same for all or per consumer key.
    pub keys: Keys,
    /// A known-good request to diff an invalid one against (`--good`).
    pub good: Option<ReadRequest>,
    /// Whether `good` came from Postman.
    pub good_from_postman: bool,
    /// `--as URL`.
    pub as_url: Option<AsUrl>,
    /// The scheme requests arrive on (`http`, or `https` with TLS).
    pub scheme: &'static str,
    /// RFC 5849 §3.3: the accepted distance between `oauth_timestamp` and
    /// the server's clock, in seconds; 0 accepts any timestamp.
    pub max_skew: u64,
    /// How long a hunt may search.
    pub hunt_time: Duration,
    /// How many mistakes a hunt may combine.
    pub hunt_depth: usize,
    /// Nonces accepted in this run.
    pub nonces: NonceStore,
    /// `--oauth2-client`: serve OAuth 2.0 (a token endpoint and Bearer
    /// resources) instead of OAuth 1.0.
    pub oauth2: Option<Oauth2Server>,
    /// `--grade`: grade each request against the conformance vector it
    /// answers instead of verifying it with `keys`.
    pub grader: Option<Grader>,
}

/// Where [`Diagnoser::check_request`] left a request.
#[derive(Debug)]
pub enum Step {
    /// Answered: valid, or refused before its signature was explained.
    Answered(Box<Diagnosed>),
    /// The signature is invalid: [`Diagnoser::explain`] names the cause.
    Invalid(Box<Invalid>),
}

impl Step {
    pub(super) fn answered(d: Diagnosed) -> Step {
        Step::Answered(Box::new(d))
    }
}

/// A request whose signature does not verify, checked and waiting for
/// [`Diagnoser::explain`].
#[derive(Debug)]
pub struct Invalid {
    pub(super) work: Work,
    pub(super) draft: Draft,
}

/// What is left to do for an [`Invalid`] request.
#[derive(Debug)]
pub(super) enum Work {
    /// Name the cause of an invalid signature.
    Explain {
        read: Box<ReadRequest>,
        token: Option<String>,
        verification: Checked,
    },
    /// `--grade`: grade a wrong answer to row `row` (the grade hunts for
    /// the signer's mistake).
    Grade { row: usize, answer: Answer },
}

/// What every answer about one request needs, filled in as it is checked.
#[derive(Debug)]
pub(super) struct Draft {
    pub(super) record: ListenRecord,
    pub(super) target: String,
    pub(super) raw_for_record: Vec<u8>,
    pub(super) accept_json: bool,
}

/// The time a request arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    /// Its number in this run, from 1.
    pub seq: u64,
    /// Seconds since the Unix epoch.
    pub unix_secs: u64,
    /// Milliseconds past that second.
    pub millis: u32,
}

impl Diagnoser {
    /// A diagnoser with the defaults of `listen` (port aside): no `--good`,
    /// no `--as`, plain HTTP, a 600 s timestamp window, a 1.5 s depth-3 hunt.
    pub fn new(keys: Keys) -> Diagnoser {
        Diagnoser {
            keys,
            good: None,
            good_from_postman: false,
            as_url: None,
            scheme: "http",
            max_skew: super::DEFAULT_MAX_SKEW,
            hunt_time: Duration::from_millis(1500),
            hunt_depth: 3,
            nonces: NonceStore::default(),
            oauth2: None,
            grader: None,
        }
    }

    /// Checks one raw request as RFC 5849 §3.2 has a server check it, and
    /// diagnoses it: the record, the response (JSON when `accept_json`),
    /// and the line to print. [`Diagnoser::check_request`] then, for an
    /// invalid signature, [`Diagnoser::explain`].
    pub fn diagnose(&self, raw: &[u8], arrival: Arrival, accept_json: bool) -> Diagnosed {
        match self.check_request(raw, arrival, accept_json) {
            Step::Answered(d) => *d,
            Step::Invalid(i) => self.explain(*i),
        }
    }

    /// The cheap part of [`Diagnoser::diagnose`]: every check and the
    /// verification, answered at once unless the signature is invalid;
    /// then what [`Diagnoser::explain`] needs to name the cause (the hunt
    /// may search for up to `hunt_time`, so a server runs it apart).
    pub fn check_request(&self, raw: &[u8], arrival: Arrival, accept_json: bool) -> Step {
        let mut draft = Draft {
            record: ListenRecord {
                schema: crate::SCHEMA,
                seq: arrival.seq,
                received_at: rfc3339(arrival.unix_secs, arrival.millis),
                method: String::new(),
                url: String::new(),
                verification: None,
                hunt: None,
                diff: None,
                scheme_report: None,
                grade: None,
                upstream: None,
                response_status: 0,
            },
            target: request_target(raw),
            raw_for_record: raw.to_vec(),
            accept_json,
        };
        let mut read = match http::read(raw, Some(self.scheme)) {
            Ok(r) => r,
            Err(e) => {
                let why = format!("the request could not be read: {}", one_line(&e));
                return self.refuse(draft, Refusal::new(Problem::ParameterRejected, why));
            }
        };
        if let Some(as_url) = &self.as_url {
            read.request.url = rewrite_as(&read.request.url, as_url);
        }
        let request = &read.request;
        draft.record.method = request.method.clone();
        draft.record.url = request.url.clone();
        draft.raw_for_record = with_absolute_target(raw, &request.url);
        if let Some(server) = &self.oauth2 {
            return Step::answered(oauth2_answered(server, request, arrival, draft));
        }
        let collected = match collect(request) {
            Ok(c) => c,
            Err(e) => {
                let why = format!("the OAuth parameters could not be read: {}", one_line(&e));
                return self.refuse(draft, Refusal::new(Problem::ParameterRejected, why));
            }
        };
        // RFC 5849 §3.4.4: a PLAINTEXT signature is the key itself; one
        // sent in the query is not shown.
        let method = collected.value_of("oauth_signature_method");
        if method.and_then(|m| m.parse::<SignatureMethod>().ok())
            == Some(SignatureMethod::Plaintext)
        {
            draft.target = hide_signature(&draft.target);
            draft.record.url = hide_signature(&draft.record.url);
        }
        if !collected.params.iter().any(|p| p.is_protocol()) && collected.signature.is_none() {
            let mut r = Refusal::new(
                Problem::ParameterAbsent,
                "no OAuth parameters: sign the request (an Authorization: OAuth header, or oauth_* parameters in the query or form body; RFC 5849 §3.5)",
            );
            r.extra.push((
                "oauth_parameters_absent",
                "oauth_consumer_key&oauth_signature_method&oauth_signature&oauth_timestamp&oauth_nonce".into(),
            ));
            return self.refuse(draft, r);
        }
        if let Some(grader) = &self.grader {
            return self.grade_step(grader, request, &collected, draft);
        }
        let verification = check(request, |id| self.keys.secrets_for(id), Default::default());
        draft.record.verification = Some(VerifyLine {
            schema: crate::SCHEMA,
            line: None,
            label: None,
            checked: verification.clone(),
        });
        if let Some(refusal) = self.refuse_before_signature(&collected, &verification, arrival) {
            return self.refuse(draft, refusal);
        }
        if verification.verdict != Verdict::Valid {
            let token = collected.value_of("oauth_token");
            return Step::Invalid(Box::new(Invalid {
                work: Work::Explain {
                    read: Box::new(read),
                    token,
                    verification,
                },
                draft,
            }));
        }
        // RFC 5849 §3.3: a nonce is used once per timestamp and
        // credentials. Only a request whose signature verifies is a
        // replay; an invalid one is diagnosed as invalid.
        if let Some(key) = nonce_key(&collected) {
            if self.nonces.seen(&key) {
                let why = format!(
                    "oauth_nonce {:?} was already used with oauth_timestamp {} by this consumer key in this run (RFC 5849 §3.3: a fresh nonce for every request)",
                    key.3, key.2
                );
                return self.refuse(draft, Refusal::new(Problem::NonceUsed, why));
            }
            self.nonces.remember(key, arrival.unix_secs, self.max_skew);
        }
        let method = verification
            .signature_method
            .map_or("?", SignatureMethod::as_str);
        let headline = format!("valid ({method})");
        draft.record.response_status = 200;
        let response = if accept_json {
            Response::json(200, problem_json(None, &headline, &draft.record))
        } else {
            Response::text(200, format!("200 {headline}\n"))
        };
        Step::answered(Diagnosed {
            record: draft.record,
            response,
            problem: None,
            cause: None,
            headline,
            target: draft.target,
            raw_for_record: draft.raw_for_record,
        })
    }

    /// The expensive part of [`Diagnoser::diagnose`], for an invalid
    /// signature: the hunt names the signer's mistake, `--good` is diffed
    /// against, and the answer names the cause first.
    pub fn explain(&self, invalid: Invalid) -> Diagnosed {
        let Invalid { work, mut draft } = invalid;
        match work {
            Work::Explain {
                read,
                token,
                verification,
            } => {
                let refusal =
                    self.explain_invalid(&read, token.as_deref(), &verification, &mut draft.record);
                self.refused(draft, refusal)
            }
            Work::Grade { row, answer } => match &self.grader {
                Some(grader) => {
                    let budget = Budget::new(self.hunt_time, Budget::DEFAULT_MEMORY);
                    let grade = grader.grade(row, &answer, budget);
                    self.graded(draft, grader.id(row), grade)
                }
                None => self.refused(
                    draft,
                    Refusal::new(Problem::ParameterRejected, "no --grade table"),
                ),
            },
        }
    }

    /// An invalid signature: the hunt names the signer's mistake, `--good`
    /// is diffed against, and the named cause comes first.
    fn explain_invalid(
        &self,
        read: &ReadRequest,
        token: Option<&str>,
        verification: &Checked,
        record: &mut ListenRecord,
    ) -> Refusal {
        let id = Identity {
            consumer_key: verification.consumer_key.as_deref(),
            token,
            signature_method: verification.signature_method,
        };
        let secrets = self.keys.secrets_for(id).ok();
        if let Some(secrets) = &secrets {
            let options = HuntOptions {
                depth: self.hunt_depth,
                budget: Budget::new(self.hunt_time, Budget::DEFAULT_MEMORY),
                ..HuntOptions::default()
            };
            record.hunt = hunt::run(&read.request, secrets, &options).ok();
            if let Some(good) = &self.good {
                let options = DiffOptions {
                    good_from_postman: self.good_from_postman,
                    hunt_budget: Budget::new(self.hunt_time / 2, Budget::DEFAULT_MEMORY),
                    structural: false,
                    show_secrets: false,
                };
                record.diff = diff::diagnose(
                    Some(&Side::Request(good.clone())),
                    &Side::Request(read.clone()),
                    None,
                    &SideSecrets::shared(secrets.as_ref().clone()),
                    &options,
                )
                .ok();
            }
        }
        let reason = verification
            .reason
            .clone()
            .unwrap_or_else(|| "the signature is not valid".into());
        let (cause, what) = self.cause(record, verification);
        let headline = match &cause {
            Some(c) => format!("{c}: {what}"),
            None => format!("{reason}; no known signer mistake reproduces it: {what}"),
        };
        Refusal {
            problem: Problem::SignatureInvalid,
            extra: Vec::new(),
            cause,
            headline,
        }
    }

    /// The named cause of an invalid signature and one sentence on it: the
    /// hunt's reproduced mistakes first, then the known-good diff's first
    /// significant finding, then the notes on the request.
    fn cause(&self, record: &ListenRecord, verification: &Checked) -> (Option<String>, String) {
        if let Some(h) = record
            .hunt
            .as_ref()
            .filter(|h| h.matched && !h.mistakes.is_empty())
        {
            let first = h.mistakes[0];
            let what = hunt::mistake(first).map_or(String::new(), |m| {
                format!("{} ({}); fix: {}", m.description, m.section, m.fix)
            });
            return (Some(h.mistakes.join("+")), what);
        }
        if let Some(f) = record.diff.as_ref().and_then(|d| d.report.cause()) {
            return (
                Some(f.mistake.unwrap_or(f.id).to_string()),
                f.message.clone(),
            );
        }
        if let Some(n) = verification.notes.iter().find(|n| n.mistake.is_some()) {
            return (n.mistake.map(str::to_string), n.message.clone());
        }
        let what = match &record.hunt {
            Some(h) if h.budget.exhausted => {
                "the hunt ran out of time; check the secrets, or run `oauth1-doctor hunt` on the recorded request".to_string()
            }
            Some(h) if !h.suggestions.is_empty() => h.suggestions.join("; "),
            _ => "check the consumer and token secrets".to_string(),
        };
        (None, what)
    }

    /// A request answered with `refusal`.
    pub(super) fn refuse(&self, draft: Draft, refusal: Refusal) -> Step {
        Step::answered(self.refused(draft, refusal))
    }

    /// The refused request's record and response.
    pub(super) fn refused(&self, draft: Draft, refusal: Refusal) -> Diagnosed {
        let Draft {
            mut record,
            target,
            raw_for_record,
            accept_json,
        } = draft;
        let status = refusal.problem.status();
        record.response_status = status;
        let cause = refusal
            .cause
            .clone()
            .or_else(|| Some(refusal.problem.as_str().to_string()));
        let headline = if refusal.problem == Problem::SignatureInvalid || refusal.cause.is_some() {
            refusal.headline.clone()
        } else {
            format!("{}: {}", refusal.problem.as_str(), refusal.headline)
        };
        let response = if accept_json {
            Response::json(
                status,
                problem_json(Some(refusal.problem), &headline, &record),
            )
        } else {
            let text = diagnosis_text(status, &headline, &record);
            Response::text(
                status,
                problem_body(refusal.problem, &refusal.extra, &headline, &text),
            )
        };
        Diagnosed {
            record,
            response,
            problem: Some(refusal.problem),
            cause,
            headline,
            target,
            raw_for_record,
        }
    }
}

/// `listen --oauth2-client`: the OAuth 2.0 answer to one request, with
/// the secrets it carries hidden from the printed target and URL.
fn oauth2_answered(
    server: &Oauth2Server,
    request: &crate::request::Request,
    arrival: Arrival,
    draft: Draft,
) -> Diagnosed {
    let Draft {
        mut record,
        target,
        raw_for_record,
        ..
    } = draft;
    let a = server.answer(request, arrival.unix_secs);
    // RFC 6749 §5.1 and §5.2: the token endpoint's answers are not cached.
    let no_store =
        crate::uri::split_url(&request.url).is_ok_and(|p| p.path == super::oauth2::TOKEN_PATH);
    record.response_status = a.status;
    record.url = hide_query(&record.url, SECRET_PARAMS);
    record.scheme_report = Some(a.report);
    Diagnosed {
        record,
        response: Response {
            status: a.status,
            content_type: "application/json",
            www_authenticate: a.www_authenticate,
            body: a.body,
            no_store,
        },
        problem: None,
        cause: a.cause,
        headline: a.headline,
        target: hide_query(&target, SECRET_PARAMS),
        raw_for_record: super::oauth2::redact_raw(&raw_for_record),
    }
}

/// Query parameters whose values are secrets in OAuth 2.0 (RFC 6749
/// §2.3.1, RFC 6750 §2.3).
pub(super) const SECRET_PARAMS: &[&str] =
    &["client_secret", "access_token", "password", "refresh_token"];

/// `url` with the value of every query parameter named in `names`
/// replaced by `<hidden>`.
/// Names are compared form-decoded (RFC 5849 §3.4.1.3.1: the server reads
/// `oauth%5Fsignature` as `oauth_signature`).
pub(super) fn hide_query(url: &str, names: &[&str]) -> String {
    let Some((before, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if names.iter().any(|n| decodes_to(name, n)) => {
                format!("{name}=<hidden>")
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{before}?{}", pairs.join("&"))
}

/// True when `written`, form-decoded (`%XX` and `+`), is `name`.
fn decodes_to(written: &str, name: &str) -> bool {
    written == name
        || (written.contains(['%', '+'])
            && crate::encode::decode_lenient(written, true).0 == name.as_bytes())
}

/// `raw` (a request as received) with the value of every parameter whose
/// name, form-decoded, is `name` replaced by `<hidden>`: a quoted value of
/// the Authorization header (RFC 5849 §3.5.1) or a query or form body
/// value (§3.5.2, §3.5.3). What a page or a log may show of a request
/// whose PLAINTEXT signature is the key (§3.4.4).
#[cfg_attr(not(feature = "serve"), allow(dead_code))]
pub(crate) fn hide_param(raw: &str, name: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(eq) = rest.find('=') {
        let (head, after) = (&rest[..eq], &rest[eq + 1..]);
        let start = head
            .rfind(['&', '?', ' ', ',', '\r', '\n', '\t', '"', ';'])
            .map_or(0, |i| i + 1);
        out.push_str(head);
        out.push('=');
        rest = if !decodes_to(&head[start..], name) {
            after
        } else if let Some(quoted) = after.strip_prefix('"') {
            out.push_str("\"<hidden>");
            &quoted[quoted.find('"').unwrap_or(quoted.len())..]
        } else {
            out.push_str("<hidden>");
            &after[after
                .find(['&', ' ', '\r', '\n', '#'])
                .unwrap_or(after.len())..]
        };
    }
    out.push_str(rest);
    out
}

/// `url` with the value of every `oauth_signature` in its query replaced
/// by `<hidden>` (RFC 5849 §3.4.4: with PLAINTEXT it is the key).
fn hide_signature(url: &str) -> String {
    hide_query(url, &["oauth_signature"])
}

/// The request target of the request line, as received (RFC 9112 §3.2).
fn request_target(raw: &[u8]) -> String {
    let start = raw
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(0);
    let line = raw[start..].split(|&b| b == b'\n').next().unwrap_or(b"");
    let line = String::from_utf8_lossy(line);
    line.split(' ').nth(1).unwrap_or("?").to_string()
}

/// RFC 3339 UTC time from seconds since the Unix epoch (proleptic
/// Gregorian calendar, days to civil date as in H. Hinnant's algorithm).
pub(crate) fn rfc3339(unix_secs: u64, millis: u32) -> String {
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::Secrets;

    /// A name is hidden however it is escaped, since the server decodes it.
    #[test]
    fn query_names_are_compared_decoded() {
        assert_eq!(
            hide_query(
                "/p?oauth%5Fsignature=k&a=1&oauth_signature_method=PLAINTEXT",
                &["oauth_signature"]
            ),
            "/p?oauth%5Fsignature=<hidden>&a=1&oauth_signature_method=PLAINTEXT"
        );
        assert_eq!(
            hide_query("/p?client%5fsecret=s", SECRET_PARAMS),
            "/p?client%5fsecret=<hidden>"
        );
    }

    /// RFC 5849 §1.2's credentials.
    fn diagnoser() -> Diagnoser {
        let keys = Keys::Same(Box::new(Secrets::shared(
            "kd94hf93k423kf44",
            "pfkkdhi9sl3r4s00",
        )));
        let mut d = Diagnoser::new(keys);
        d.max_skew = 0;
        d.hunt_time = Duration::from_millis(500);
        d
    }

    /// RFC 5849 §1.2's signed request, as an HTTP client sends it.
    const RFC_1_2: &[u8] = b"GET /photos?file=vacation.jpg&size=original HTTP/1.1\r\nHost: photos.example.net\r\nAuthorization: OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"\r\n\r\n";

    fn at(seq: u64) -> Arrival {
        Arrival {
            seq,
            unix_secs: 137131202,
            millis: 0,
        }
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_767_225_599, 999), "2025-12-31T23:59:59.999Z");
    }

    /// RFC 5849 §1.2: the example verifies; its replay is a used nonce
    /// (RFC 5849 §3.3).
    #[test]
    fn rfc5849_1_2_is_valid_then_its_replay_is_nonce_used() {
        let d = diagnoser();
        let first = d.diagnose(RFC_1_2, at(1), false);
        assert_eq!(first.response.status, 200, "{}", first.headline);
        assert_eq!(
            first.record.url,
            "http://photos.example.net/photos?file=vacation.jpg&size=original"
        );
        assert_eq!(first.target, "/photos?file=vacation.jpg&size=original");
        let again = d.diagnose(RFC_1_2, at(2), false);
        assert_eq!(again.problem, Some(Problem::NonceUsed));
        assert_eq!(again.response.status, 401);
        let body = String::from_utf8(again.response.body).unwrap();
        assert!(
            body.starts_with("oauth_problem=nonce_used&oauth_problem_advice="),
            "{body}"
        );
    }

    /// RFC 5849 §3.3: outside the window the timestamp is refused.
    #[test]
    fn a_stale_timestamp_is_refused() {
        let mut d = diagnoser();
        d.max_skew = 600;
        let late = Arrival {
            unix_secs: 137131202 + 601,
            ..at(1)
        };
        let r = d.diagnose(RFC_1_2, late, false);
        assert_eq!(r.problem, Some(Problem::TimestampRefused));
        assert_eq!(r.cause.as_deref(), Some("timestamp-skew"));
        let body = String::from_utf8(r.response.body).unwrap();
        assert!(
            body.contains("oauth_acceptable_timestamps=137131203-137132403"),
            "{body}"
        );
    }

    #[test]
    fn no_oauth_parameters_is_parameter_absent() {
        let r = diagnoser().diagnose(b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n", at(1), false);
        assert_eq!(r.response.status, 400);
        assert_eq!(r.problem, Some(Problem::ParameterAbsent));
        assert!(r.record.verification.is_none());
        let v = serde_json::to_value(&r.record).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "diff",
                "grade",
                "hunt",
                "method",
                "received_at",
                "response_status",
                "schema",
                "scheme_report",
                "seq",
                "upstream",
                "url",
                "verification"
            ]
        );
    }

    /// RFC 5849 §3.5: a protocol parameter in the header and the query.
    #[test]
    fn a_protocol_parameter_in_two_places_is_rejected() {
        let raw = String::from_utf8(RFC_1_2.to_vec())
            .unwrap()
            .replace("size=original", "size=original&oauth_nonce=x");
        let r = diagnoser().diagnose(raw.as_bytes(), at(1), false);
        assert_eq!(r.problem, Some(Problem::ParameterRejected));
        let body = String::from_utf8(r.response.body).unwrap();
        assert!(
            body.starts_with(
                "oauth_problem=parameter_rejected&oauth_parameters_rejected=oauth_nonce&"
            ),
            "{body}"
        );
    }

    #[test]
    fn an_unknown_method_is_rejected() {
        let raw = String::from_utf8(RFC_1_2.to_vec())
            .unwrap()
            .replace("HMAC-SHA1", "HMAC-MD5");
        let r = diagnoser().diagnose(raw.as_bytes(), at(1), false);
        assert_eq!(r.problem, Some(Problem::SignatureMethodRejected));
        assert_eq!(r.response.status, 400);
    }

    /// A signature made by Python's `hmac` (not this crate) over RFC 5849
    /// §1.2's request with a lower-case method (RFC 5849 §3.4.1.1): the
    /// named cause comes first, in the headline and the body.
    #[test]
    fn an_invalid_signature_names_the_hunted_mistake_first() {
        let raw = String::from_utf8(RFC_1_2.to_vec()).unwrap().replace(
            "MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D",
            "Um1UV9a%2FnytkWJX87V%2BVE15QSsI%3D",
        );
        let r = diagnoser().diagnose(raw.as_bytes(), at(1), false);
        assert_eq!(r.problem, Some(Problem::SignatureInvalid));
        assert_eq!(r.cause.as_deref(), Some("method-not-uppercased"));
        assert!(
            r.headline.starts_with("method-not-uppercased: "),
            "{}",
            r.headline
        );
        let body = String::from_utf8(r.response.body.clone()).unwrap();
        let mut lines = body.lines();
        assert!(lines.next().unwrap().starts_with(
            "oauth_problem=signature_invalid&oauth_problem_advice=method-not-uppercased%3A"
        ));
        assert!(lines
            .next()
            .unwrap()
            .starts_with("401 method-not-uppercased: "));
        assert_eq!(
            r.response.www_authenticate,
            Some(super::super::problem::CHALLENGE)
        );
        let json = d_json(&r);
        assert_eq!(json["hunt"]["mistakes"][0], "method-not-uppercased");
        assert_eq!(json["verification"]["verdict"], "invalid");
        assert_eq!(json["diff"], serde_json::Value::Null);
    }

    /// RFC 5849 §3.4.4: a PLAINTEXT signature is the key; sent in the
    /// query with the wrong token secret, it appears nowhere in what is
    /// printed or answered, nor does the right key.
    #[test]
    fn a_plaintext_signature_in_the_query_is_never_shown() {
        let raw = b"GET /p?oauth_consumer_key=ck&oauth_signature_method=PLAINTEXT&oauth_signature=kd94hf93k423kf44%26wrongsecret HTTP/1.1\r\nHost: h\r\n\r\n";
        let r = diagnoser().diagnose(raw, at(1), false);
        assert_eq!(r.problem, Some(Problem::SignatureInvalid), "{}", r.headline);
        assert_eq!(
            r.target,
            "/p?oauth_consumer_key=ck&oauth_signature_method=PLAINTEXT&oauth_signature=<hidden>"
        );
        let shown = format!(
            "{}\n{}\n{}\n{}",
            r.target,
            r.headline,
            serde_json::to_string(&r.record).unwrap(),
            String::from_utf8_lossy(&r.response.body)
        );
        for secret in ["kd94hf93k423kf44", "pfkkdhi9sl3r4s00", "wrongsecret"] {
            assert!(!shown.contains(secret), "{secret} shown:\n{shown}");
        }
    }

    fn d_json(r: &Diagnosed) -> serde_json::Value {
        serde_json::to_value(&r.record).unwrap()
    }

    #[test]
    fn a_json_client_gets_json() {
        let r = diagnoser().diagnose(b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n", at(1), true);
        assert_eq!(r.response.content_type, "application/json");
        let v: serde_json::Value = serde_json::from_slice(&r.response.body).unwrap();
        assert_eq!(v["oauth_problem"], "parameter_absent");
        assert_eq!(v["record"]["seq"], 1);
    }
}
