//! A received request diagnosed, recorded and reported, and the answer
//! built from the diagnosis.

use super::super::diagnose::{Arrival, Diagnosed, Step};
use super::{Answer, Event, Flow, Shared};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The upstream's answer to a proxied request, shared with the blocking
/// pool.
type Upstream = Arc<Result<super::super::proxy::UpstreamAnswer, String>>;

/// Diagnoses, records and reports one request; the response to send.
/// Every check and the verification are cheap: answered here. Only an
/// invalid signature's explanation (the hunt, the diff), reading an
/// upstream's 401 echo and recording (file I/O) go to the blocking pool,
/// a bounded number at a time.
pub(super) async fn diagnose(
    shared: &Arc<Shared>,
    raw: Vec<u8>,
    arrival: Arrival,
    accept_json: bool,
    upstream: Option<Upstream>,
) -> Result<super::super::problem::Response, (u16, String)> {
    let step = shared.diagnoser.check_request(&raw, arrival, accept_json);
    let echo_to_read = upstream
        .as_ref()
        .is_some_and(|u| u.as_ref().as_ref().is_ok_and(|a| a.status == 401));
    let hunts = echo_to_read || matches!(step, Step::Invalid(_));
    if !hunts && shared.recorder.is_none() && upstream.is_none() {
        if let Step::Answered(d) = step {
            return Ok(finish(shared, *d));
        }
    }
    let _permit = if hunts {
        match shared.diagnoses.acquire().await {
            Ok(p) => Some(p),
            Err(_) => return Err((503, "shutting down".into())),
        }
    } else {
        None
    };
    let shared = shared.clone();
    let job = tokio::task::spawn_blocking(move || {
        let mut diagnosed = match step {
            Step::Answered(d) => *d,
            Step::Invalid(i) => shared.diagnoser.explain(*i),
        };
        if let Some(u) = &upstream {
            let answer = u.as_ref().as_ref().map_err(String::as_str);
            shared.diagnoser.upstream_answered(&mut diagnosed, answer);
        }
        finish(&shared, diagnosed)
    });
    job.await
        .map_err(|e| (500, format!("the diagnosis failed: {e}")))
}

/// The HTTP answer for a [`super::super::problem::Response`].
pub(super) fn answer(response: super::super::problem::Response) -> Answer {
    let mut r = hyper::Response::new(Full::new(Bytes::from(response.body)));
    *r.status_mut() =
        hyper::StatusCode::from_u16(response.status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(response.content_type),
    );
    if response.no_store {
        r.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r.headers_mut()
            .insert(PRAGMA, HeaderValue::from_static("no-cache"));
    }
    if let Some(challenge) = response.www_authenticate {
        r.headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    r
}

/// Records a diagnosed request (with `--record`), counts it, reports it,
/// and returns the response to send.
fn finish(shared: &Shared, diagnosed: Diagnosed) -> super::super::problem::Response {
    let seq = diagnosed.record.seq;
    let recorded = match &shared.recorder {
        Some(r) => match r.write(&diagnosed.raw_for_record, &diagnosed.record) {
            Ok(p) => Some(p),
            Err(e) => {
                shared.error(format!(
                    "cannot record request {seq} in {}: {e}",
                    r.dir().display()
                ));
                None
            }
        },
        None => None,
    };
    let response = diagnosed.response.clone();
    shared.requests.fetch_add(1, Ordering::Relaxed);
    if response.status == 200 {
        shared.valid.fetch_add(1, Ordering::Relaxed);
    } else {
        shared.refused.fetch_add(1, Ordering::Relaxed);
    }
    let flow = (shared.on_event)(Event::Request {
        diagnosed: Box::new(diagnosed),
        recorded,
    });
    if flow == Flow::Stop {
        shared.stop.send_replace(true);
    }
    response
}
