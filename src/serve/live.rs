//! The Live tab: a `listen` server beside the workbench, whose diagnosed
//! requests stream to the page as Server-Sent Events.
//!
//! The listen server runs on its own thread and runtime
//! ([`crate::listen::Server::run`] blocks), on a free port of the
//! workbench's own address. Each request it diagnoses becomes one
//! [`LiveEntry`], kept (the last [`HISTORY`]) for pages that connect later
//! and sent to every page connected.

use crate::listen::{
    Diagnosed, Diagnoser, Event, Flow, Limits, ListenRecord, Server, ServerOptions,
};
use bytes::Bytes;
use serde::Serialize;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// How many entries a page that connects late is sent.
pub const HISTORY: usize = 200;

/// One request the listen server caught, as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEntry {
    /// The contract version, [`crate::SCHEMA`].
    pub schema: &'static str,
    /// The verdict and cause in one line (`plus-for-space: …`, `valid (HMAC-SHA1)`).
    pub headline: String,
    /// The named cause (a catalogue id), when refused.
    pub cause: Option<String>,
    /// The request target as received.
    pub target: String,
    /// The request as received, its target in absolute form (the URL
    /// verified), for opening it in Explain or Diff. It is what the tool
    /// sent, except a PLAINTEXT signature (the key itself), which is
    /// `<hidden>`; the secrets the server checks with are never in it. A
    /// request over [`super::http::MAX_BODY`] (which the page could not
    /// send back to the API anyway) keeps only its head, so that the
    /// [`HISTORY`] entries stay small while listen accepts 16 MiB bodies.
    pub raw: String,
    /// `listen --json`'s record of the request.
    pub record: ListenRecord,
}

impl LiveEntry {
    fn from_diagnosed(d: &Diagnosed) -> LiveEntry {
        LiveEntry {
            schema: crate::SCHEMA,
            headline: d.headline.clone(),
            cause: d.cause.clone(),
            target: d.target.clone(),
            raw: hide_plaintext_signature(&String::from_utf8_lossy(kept(&d.raw_for_record))),
            record: d.record.clone(),
        }
    }
}

/// `raw`, or only its head (through the blank line) when it is over
/// [`super::http::MAX_BODY`].
fn kept(raw: &[u8]) -> &[u8] {
    if raw.len() <= super::http::MAX_BODY {
        return raw;
    }
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |i| i + 4);
    &raw[..head_end.min(super::http::MAX_BODY)]
}

/// `raw` with every `oauth_signature` value (header, query or body, its
/// name written plainly or percent-encoded) replaced by `<hidden>` when the
/// request may use PLAINTEXT (the method's name appears once escapes are
/// decoded): RFC 5849 §3.4.4 makes that signature `encode(consumer
/// secret)&encode(token secret)`, so it is a secret and never reaches the
/// page.
fn hide_plaintext_signature(raw: &str) -> String {
    let decoded = crate::encode::decode_lenient(raw, true).0;
    let plaintext = decoded
        .windows(9)
        .any(|w| w.eq_ignore_ascii_case(b"PLAINTEXT"));
    if !plaintext {
        return raw.to_string();
    }
    crate::listen::hide_param(raw, "oauth_signature")
}

/// The live server's state, shared by the workbench's handlers.
pub(super) struct Live {
    /// The diagnoser, until the listen server is started with it.
    diagnoser: Mutex<Option<Diagnoser>>,
    /// The listen server's URL, once started.
    url: Mutex<Option<String>>,
    /// Serialized entries, the last [`HISTORY`].
    history: Mutex<VecDeque<Bytes>>,
    sender: broadcast::Sender<Bytes>,
}

impl Live {
    pub(super) fn new(diagnoser: Option<Diagnoser>) -> Live {
        Live {
            diagnoser: Mutex::new(diagnoser),
            url: Mutex::new(None),
            history: Mutex::new(VecDeque::new()),
            sender: broadcast::channel(256).0,
        }
    }

    /// The listen server's URL, when it runs.
    pub(super) fn url(&self) -> Option<String> {
        self.url.lock().ok().and_then(|u| u.clone())
    }

    /// Whether a listen server can still be started (or already runs).
    pub(super) fn available(&self) -> bool {
        self.url().is_some() || self.diagnoser.lock().is_ok_and(|d| d.is_some())
    }

    /// What a page connecting now is sent first, and its subscription.
    pub(super) fn subscribe(&self) -> (Vec<Bytes>, broadcast::Receiver<Bytes>) {
        let history = self
            .history
            .lock()
            .map(|h| h.iter().cloned().collect())
            .unwrap_or_default();
        (history, self.sender.subscribe())
    }

    /// Starts the listen server on a free port of `ip` (once; later calls
    /// return its URL). Blocking: call it off the workbench's runtime.
    pub(super) fn start(self: &Arc<Self>, ip: std::net::IpAddr) -> Result<String, String> {
        let mut url = self.url.lock().map_err(|_| "the live state is poisoned")?;
        if let Some(u) = url.as_ref() {
            return Ok(u.clone());
        }
        let diagnoser = self
            .diagnoser
            .lock()
            .ok()
            .and_then(|mut d| d.take())
            .ok_or("the live listen server cannot be started")?;
        let options = ServerOptions {
            addr: SocketAddr::new(ip, 0),
            tls: None,
            limits: Limits::default(),
            recorder: None,
            proxy: None,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let me = self.clone();
        // The listen server makes and drops its own runtime: its own
        // thread, away from the workbench's.
        std::thread::Builder::new()
            .name("serve-live".into())
            .spawn(move || match Server::bind(options, diagnoser) {
                Ok(server) => {
                    let _ = tx.send(Ok(server.url()));
                    server.run(move |event| me.caught(event));
                }
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                }
            })
            .map_err(|e| format!("cannot start the live listen server: {e}"))?;
        let started = rx
            .recv()
            .map_err(|_| "the live listen server did not start".to_string())??;
        *url = Some(started.clone());
        Ok(started)
    }

    /// A listen server event: a diagnosed request becomes an entry.
    fn caught(&self, event: Event) -> Flow {
        if let Event::Request { diagnosed, .. } = event {
            let entry = LiveEntry::from_diagnosed(&diagnosed);
            if let Ok(json) = serde_json::to_string(&entry) {
                let bytes = Bytes::from(json);
                if let Ok(mut h) = self.history.lock() {
                    if h.len() >= HISTORY {
                        h.pop_front();
                    }
                    h.push_back(bytes.clone());
                }
                let _ = self.sender.send(bytes);
            }
        }
        Flow::Continue
    }
}

/// One Server-Sent Event (`data:` lines, a blank line).
pub(super) fn sse_event(json: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(json.len() + 16);
    out.extend_from_slice(b"event: entry\ndata: ");
    // JSON from serde_json has no raw newline; keep it one data line anyway.
    out.extend(json.iter().map(|&b| if b == b'\n' { b' ' } else { b }));
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::{hide_plaintext_signature, kept};

    /// A 2 MiB body is not kept in the page's history: only the head.
    #[test]
    fn a_body_over_the_api_limit_keeps_only_the_head() {
        let head = b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2097152\r\n\r\n".to_vec();
        let mut raw = head.clone();
        raw.resize(head.len() + (2 << 20), b'a');
        assert_eq!(kept(&raw), &head[..]);
        let small = b"GET / HTTP/1.1\r\n\r\nbody".to_vec();
        assert_eq!(kept(&small), &small[..]);
    }

    /// RFC 5849 §3.4.4: the PLAINTEXT signature is the key; wherever the
    /// tool put it, the page never gets it.
    #[test]
    fn a_plaintext_signature_is_hidden_in_header_query_and_body() {
        let raw = "POST /p?oauth_signature=kd94%26pfkk&a=1 HTTP/1.1\r\n\
                   Authorization: OAuth oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"kd94%2526pfkk\"\r\n\r\n\
                   oauth_signature=kd94%26pfkk&b=2";
        let shown = hide_plaintext_signature(raw);
        assert!(!shown.contains("kd94"), "{shown}");
        assert_eq!(shown.matches("<hidden>").count(), 3, "{shown}");
        assert!(shown.contains("oauth_signature_method=\"PLAINTEXT\""));
        assert!(shown.contains("&a=1 HTTP/1.1") && shown.ends_with("&b=2"));
    }

    /// A server decodes parameter names and values: `oauth%5Fsignature` is
    /// `oauth_signature` and `PLAIN%54EXT` is PLAINTEXT, so both are hidden too.
    #[test]
    fn an_escaped_plaintext_signature_is_hidden() {
        let raw = "POST /p?oauth%5fsignature=kd94%26pfkk HTTP/1.1\r\n\
                   Authorization: OAuth oauth_signature_method=\"PLAIN%54EXT\", oauth%5Fsignature=\"kd94%2526pfkk\"\r\n\r\n\
                   a=1&oauth%5Fsignature=kd94%26pfkk";
        let shown = hide_plaintext_signature(raw);
        assert!(!shown.contains("kd94"), "{shown}");
        assert_eq!(shown.matches("<hidden>").count(), 3, "{shown}");
    }

    #[test]
    fn an_hmac_signature_is_left_as_sent() {
        let raw = "GET /p HTTP/1.1\r\nAuthorization: OAuth oauth_signature_method=\"HMAC-SHA1\", oauth_signature=\"abc%3D\"\r\n\r\n";
        assert_eq!(hide_plaintext_signature(raw), raw);
    }
}
