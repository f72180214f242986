//! `listen --grade`: every request a tool sends is graded against the
//! conformance vector it answers (a row of the table `vectors export`
//! writes), with the grading `vectors grade` uses ([`crate::conform::grade`]).
//!
//! The expected signature of each row is computed from the row itself (its
//! method, URL, body, protocol parameters and secrets; RFC 5849 §3.4), so a
//! row whose URL was changed to point at the server is graded for that URL.
//! A request is matched to its row by `oauth_nonce` and `oauth_timestamp`
//! (RFC 5849 §3.3: the pair a server uses to tell requests apart), and the
//! consumer key where the row has one; rows that share all three are told
//! apart by what the request signs.

use super::diagnose::{Diagnosed, Diagnoser, Draft, Invalid, Step, Work};
use super::problem::{problem_json, Problem, Refusal, Response};
use crate::conform::{grade_within, vector_secrets, Answer, Grade};
use crate::fixtures::{ExportedVector, Vector};
use crate::hunt::Budget;
use crate::params::Collected;
use crate::pipeline::RunOptions;
use crate::request::Request;
use crate::sign::{sign_request, Protocol, SignRequestError};
use std::sync::Mutex;

/// Why the vectors table cannot be graded against.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GradeTableError {
    /// The table has no row.
    #[error("the table has no vector")]
    Empty,
    /// A row cannot be signed (no or an unknown signature method, an
    /// unreadable URL, a missing key).
    #[error("vector {id}: cannot compute its signature: {error}")]
    Sign {
        /// The vector id.
        id: String,
        /// Why.
        error: SignRequestError,
    },
}

/// One vector and what a request that answers it carries.
#[derive(Debug)]
struct Row {
    vector: Vector,
    /// RFC 5849 §3.4.4: a PLAINTEXT request may omit both.
    nonce: Option<String>,
    timestamp: Option<String>,
    consumer_key: Option<String>,
}

/// The vectors of a `--grade` run and the grade of each one received.
#[derive(Debug)]
pub struct Grader {
    rows: Vec<Row>,
    grades: Mutex<Vec<Option<Grade>>>,
}

/// Where a received request stands against the table.
#[derive(Debug)]
pub enum Match {
    /// The request answers this row (an index into the table).
    Row(usize),
    /// No row has the request's nonce and timestamp: what it sent.
    NoVector {
        /// `oauth_nonce`, if sent.
        nonce: Option<String>,
        /// `oauth_timestamp`, if sent.
        timestamp: Option<String>,
    },
}

impl Grader {
    /// Reads the table: each row's expected signature and base string are
    /// computed from the row (RFC 5849 §3.4).
    pub fn new(table: Vec<ExportedVector>) -> Result<Grader, GradeTableError> {
        if table.is_empty() {
            return Err(GradeTableError::Empty);
        }
        let rows = table
            .into_iter()
            .map(row)
            .collect::<Result<Vec<Row>, GradeTableError>>()?;
        let grades = Mutex::new(vec![None; rows.len()]);
        Ok(Grader { rows, grades })
    }

    /// How many vectors the table holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the table holds no vector (never, once built).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The vector id of row `index`.
    pub fn id(&self, index: usize) -> &str {
        &self.rows[index].vector.id
    }

    /// The row a received request answers: the rows with its
    /// `oauth_nonce` and `oauth_timestamp` (and consumer key, where the row
    /// has one); among several, the one whose signature it carries, then
    /// the one whose request it signs (same method, URL and parameters),
    /// then the first not yet received.
    pub fn find(&self, request: &Request, collected: &Collected) -> Match {
        let nonce = collected.value_of("oauth_nonce");
        let timestamp = collected.value_of("oauth_timestamp");
        let consumer_key = collected.value_of("oauth_consumer_key");
        let candidates: Vec<usize> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                nonce == r.nonce
                    && timestamp == r.timestamp
                    && r.consumer_key
                        .as_ref()
                        .is_none_or(|k| consumer_key.as_deref() == Some(k.as_str()))
            })
            .map(|(i, _)| i)
            .collect();
        if candidates.is_empty() {
            return Match::NoVector { nonce, timestamp };
        }
        let received = self.grades.lock().map(|g| g.clone()).unwrap_or_default();
        let fresh = |i: &usize| received.get(*i).is_none_or(|g| g.is_none());
        let pick = |keep: &dyn Fn(&Row) -> bool| {
            let matching: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&i| keep(&self.rows[i]))
                .collect();
            matching
                .iter()
                .copied()
                .find(fresh)
                .or(matching.first().copied())
        };
        let signature = collected.signature.as_ref().map(|s| s.value.as_str());
        let base_string = crate::pipeline::run(request, &Default::default(), RunOptions::default())
            .ok()
            .map(|w| w.base_string);
        pick(&|r| Some(r.vector.signature.as_str()) == signature)
            .or_else(|| pick(&|r| Some(&r.vector.base_string) == base_string.as_ref()))
            .or_else(|| pick(&|_| true))
            .map_or(Match::NoVector { nonce, timestamp }, Match::Row)
    }

    /// What the request answered, read as `vectors grade` reads an
    /// Authorization header: its signature and every protocol parameter
    /// (wherever it travels, RFC 5849 §3.5).
    pub fn answer(collected: &Collected) -> Answer {
        Answer::Header {
            signature: collected.signature.as_ref().map(|s| s.value.clone()),
            params: collected
                .params
                .iter()
                .filter(|p| p.is_protocol())
                .map(|p| (p.name_str(), p.value_str()))
                .collect(),
        }
    }

    /// True when `answer` carries row `index`'s signature: its grade is
    /// quick (no hunt for a cause).
    pub fn is_quick(&self, index: usize, answer: &Answer) -> bool {
        answer.signature() == Some(self.rows[index].vector.signature.as_str())
    }

    /// Grades `answer` against row `index` with `vectors grade`'s rule
    /// (the hunt for a failed answer's cause bounded by `budget`) and keeps
    /// the grade (a later request for the same row replaces it).
    pub fn grade(&self, index: usize, answer: &Answer, budget: Budget) -> Grade {
        let g = grade_within(&self.rows[index].vector, answer, budget);
        if let Ok(mut grades) = self.grades.lock() {
            grades[index] = Some(g.clone());
        }
        g
    }

    /// How many rows have been received.
    pub fn received(&self) -> usize {
        self.grades
            .lock()
            .map_or(0, |g| g.iter().filter(|g| g.is_some()).count())
    }

    /// Every row's grade, in table order; a row never received fails,
    /// named with the nonce and timestamp its request should carry.
    pub fn grades(&self) -> Vec<Grade> {
        let kept = self.grades.lock().map(|g| g.clone()).unwrap_or_default();
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| match kept.get(i).cloned().flatten() {
                Some(g) => g,
                None => Grade::failed(
                    &r.vector.id,
                    format!(
                        "never received: no request with oauth_nonce={} and oauth_timestamp={} arrived",
                        shown(&r.nonce), shown(&r.timestamp)
                    ),
                ),
            })
            .collect()
    }
}

impl Diagnoser {
    /// `--grade`: the row the request answers, graded at once when it
    /// carries the row's signature; a wrong answer is graded by
    /// [`Diagnoser::explain`] (the grade hunts for the mistake); a request
    /// that answers no row is refused (400).
    pub(super) fn grade_step(
        &self,
        grader: &Grader,
        request: &crate::request::Request,
        collected: &crate::params::Collected,
        draft: Draft,
    ) -> Step {
        match grader.find(request, collected) {
            Match::NoVector { nonce, timestamp } => {
                let why = format!(
                    "no vector in the --grade table has oauth_nonce={} and oauth_timestamp={}: send each vector's own nonce and timestamp",
                    shown(&nonce),
                    shown(&timestamp),
                );
                self.refuse(draft, Refusal::new(Problem::ParameterRejected, why))
            }
            Match::Row(row) => {
                let answer = Grader::answer(collected);
                if grader.is_quick(row, &answer) {
                    // A quick grade passes: no hunt runs.
                    let grade = grader.grade(row, &answer, Budget::default());
                    Step::answered(self.graded(draft, grader.id(row), grade))
                } else {
                    Step::Invalid(Box::new(Invalid {
                        work: Work::Grade { row, answer },
                        draft,
                    }))
                }
            }
        }
    }

    /// The answer to a graded request: 200 when the vector passes, 401
    /// naming the vector, the reason and the mistake otherwise.
    pub(super) fn graded(&self, mut draft: Draft, id: &str, grade: Grade) -> Diagnosed {
        draft.record.grade = Some(grade.clone());
        if !grade.passed {
            let mistakes = grade.mistakes.as_ref().filter(|m| !m.is_empty());
            let mut headline = format!(
                "vector {id} fails: {}",
                grade.reason.as_deref().unwrap_or("wrong answer")
            );
            if let Some(m) = mistakes {
                headline = format!("{}: {headline}", m.join("+"));
            }
            let refusal = Refusal {
                problem: Problem::SignatureInvalid,
                extra: Vec::new(),
                cause: mistakes.map(|m| m.join("+")),
                headline,
            };
            return self.refused(draft, refusal);
        }
        let headline = format!("vector {id} passes");
        draft.record.response_status = 200;
        let response = if draft.accept_json {
            Response::json(200, problem_json(None, &headline, &draft.record))
        } else {
            Response::text(200, format!("200 {headline}\n"))
        };
        Diagnosed {
            record: draft.record,
            response,
            problem: None,
            cause: None,
            headline,
            target: draft.target,
            raw_for_record: draft.raw_for_record,
        }
    }
}

/// A nonce or timestamp as a message shows it.
pub(super) fn shown(value: &Option<String>) -> String {
    value
        .as_deref()
        .map_or("(none)".to_string(), |v| format!("{v:?}"))
}

/// A table row as a vector: its signature computed (RFC 5849 §3.4).
fn row(exported: ExportedVector) -> Result<Row, GradeTableError> {
    let ExportedVector { id, input } = exported;
    let value = |name: &str| {
        input
            .oauth
            .get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (nonce, timestamp) = (value("oauth_nonce"), value("oauth_timestamp"));
    let consumer_key = value("oauth_consumer_key");
    let mut request = Request::new(&input.method, &input.url);
    if let Some(ct) = &input.content_type {
        request = request.with_header("Content-Type", ct);
    }
    if let Some(body) = &input.body {
        request = request.with_body(body.as_bytes());
    }
    let protocol = Protocol {
        realm: input.realm.clone(),
        params: input
            .oauth
            .iter()
            .map(|(n, v)| (n.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect(),
    };
    let sign_error = |error| GradeTableError::Sign {
        id: id.clone(),
        error,
    };
    let method = match protocol.method() {
        Some(Ok(m)) => m,
        Some(Err(e)) => return Err(sign_error(SignRequestError::Method(e.to_string()))),
        None => {
            return Err(sign_error(SignRequestError::Method(
                "no oauth_signature_method".into(),
            )))
        }
    };
    let mut vector = Vector {
        id: id.clone(),
        method,
        input,
        signature: String::new(),
        base_string: String::new(),
    };
    let secrets = vector_secrets(&vector);
    let signed = sign_request(&request, &protocol, &secrets, false, RunOptions::default())
        .map_err(sign_error)?;
    vector.signature = signed.signature;
    vector.base_string = signed.walkthrough.base_string;
    Ok(Row {
        vector,
        nonce,
        timestamp,
        consumer_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::SignerInput;

    /// RFC 5849 §1.2's request as a table row (its signature is the RFC's).
    fn rfc_1_2(id: &str, url: &str) -> ExportedVector {
        let mut oauth = serde_json::Map::new();
        for (n, v) in [
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131202"),
            ("oauth_nonce", "chapoH"),
        ] {
            oauth.insert(n.into(), v.into());
        }
        ExportedVector {
            id: id.into(),
            input: SignerInput {
                method: "GET".into(),
                url: url.into(),
                content_type: None,
                body: None,
                realm: Some("Photos".into()),
                oauth,
                consumer_secret: "kd94hf93k423kf44".into(),
                token_secret: "pfkkdhi9sl3r4s00".into(),
                private_key_pem: None,
            },
        }
    }

    fn collected(request: &Request) -> Collected {
        crate::params::collect(request).unwrap()
    }

    /// The hunt for a wrong answer's cause stops at the server's budget:
    /// with time it names the mistake, with none it names nothing.
    #[test]
    fn a_wrong_answer_is_hunted_within_the_budget() {
        let g = Grader::new(vec![rfc_1_2(
            "photos",
            "http://photos.example.net/photos?file=vacation.jpg&size=original",
        )])
        .unwrap();
        let answer = Answer::Json {
            signature: "not-the-signature".into(),
            base_string: Some(g.rows[0].vector.base_string.replacen("GET", "get", 1)),
        };
        let timely = g.grade(0, &answer, Budget::default());
        assert!(!timely.passed);
        assert_eq!(
            timely.mistakes,
            Some(vec!["method-not-uppercased".to_string()])
        );
        let spent = Budget::new(std::time::Duration::ZERO, Budget::DEFAULT_MEMORY);
        assert_eq!(g.grade(0, &answer, spent).mistakes, None);
    }

    /// RFC 5849 §1.2: the row's signature is the RFC's
    /// `MdpQcU8iPSUjWoN/UDMsK2sui9I=`, and rows sharing the nonce and
    /// timestamp are told apart by what the request signs.
    #[test]
    fn rfc5849_1_2_rows_sharing_a_nonce_are_told_apart() {
        let url = "http://photos.example.net/photos?file=vacation.jpg&size=original";
        let g = Grader::new(vec![
            rfc_1_2("other", "http://photos.example.net/other"),
            rfc_1_2("photos", url),
        ])
        .unwrap();
        assert_eq!(g.rows[1].vector.signature, "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
        let sent = Request::new("GET", url).with_header(
            "Authorization",
            r#"OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#,
        );
        let c = collected(&sent);
        let Match::Row(i) = g.find(&sent, &c) else {
            panic!("no row")
        };
        assert_eq!(g.id(i), "photos");
        let answer = Grader::answer(&c);
        assert!(g.is_quick(i, &answer));
        assert!(g.grade(i, &answer, Budget::default()).passed);
        let grades = g.grades();
        assert!(grades[1].passed);
        assert!(!grades[0].passed);
        assert!(
            grades[0]
                .reason
                .as_deref()
                .unwrap()
                .starts_with("never received"),
            "{:?}",
            grades[0]
        );
    }

    #[test]
    fn a_request_with_another_nonce_matches_no_vector() {
        let g = Grader::new(vec![rfc_1_2("photos", "http://h/p")]).unwrap();
        let sent = Request::new("GET", "http://h/p").with_header(
            "Authorization",
            r#"OAuth oauth_nonce="other", oauth_timestamp="137131202", oauth_signature="x""#,
        );
        match g.find(&sent, &collected(&sent)) {
            Match::NoVector { nonce, .. } => assert_eq!(nonce.as_deref(), Some("other")),
            Match::Row(i) => panic!("matched {}", g.id(i)),
        }
    }

    #[test]
    fn an_empty_table_is_refused() {
        assert!(matches!(Grader::new(vec![]), Err(GradeTableError::Empty)));
    }
}
