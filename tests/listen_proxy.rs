//! `listen --proxy` (issue 14, proxy mode) with a local upstream on
//! loopback (tests/clients/upstream.py, Python stdlib), driven by curl.
//!
//! The requests are signed by the Python reference signer
//! (tests/clients/send_python.py, independent of the engine). The
//! upstream logs the Authorization header it receives, so the tests check
//! that signatures arrive unaltered; it answers 401 with a provider's echo
//! of its base string when told to, and the proxy's diagnosis must read it.

mod common;

use common::process::{curl_available, doctor, root, Running};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const CREDS: (&str, &str, &str, &str) = ("ck1", "c+s/1=", "tok1", "t s&2");

/// The upstream API: its origin, log file and echo file.
struct Upstream {
    _process: Running,
    origin: String,
    log: PathBuf,
    echo: PathBuf,
}

impl Upstream {
    /// Starts tests/clients/upstream.py, over TLS with `cert` (PEM cert and
    /// key files) for `https://localhost:PORT`.
    fn start(dir: &Path, cert: Option<(&Path, &Path)>) -> Upstream {
        let log = dir.join("upstream.jsonl");
        let echo = dir.join("echo.txt");
        std::fs::write(&echo, "").unwrap();
        let mut cmd = Command::new("python3");
        cmd.arg(root().join("tests/clients/upstream.py"))
            .arg(&log)
            .arg(&echo);
        if let Some((c, k)) = cert {
            cmd.arg(c).arg(k);
        }
        let process = Running::spawn(cmd);
        let origin = match cert {
            Some(_) => format!("https://localhost:{}", process.first),
            None => format!("http://127.0.0.1:{}", process.first),
        };
        Upstream {
            _process: process,
            origin,
            log,
            echo,
        }
    }

    /// The requests it received.
    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// A request signed by the Python reference signer for `origin` (with
/// `mistake`, or none): its Authorization header, target, form body, and
/// the base string a correct server computes.
struct Signed {
    authorization: String,
    target: String,
    body: String,
    base_string: String,
}

fn sign(origin: &str, mistake: Option<&str>, nonce: &str) -> Signed {
    let (ck, cs, tok, ts) = CREDS;
    let script = format!(
        "import sys, time\n\
         sys.path.insert(0, {clients:?})\n\
         import send_python as s\n\
         h, b = s.signed({origin:?}, {mistake}, int(time.time()), {nonce:?}, ({ck:?}, {cs:?}, {tok:?}, {ts:?}))\n\
         print(h)\n\
         print(s.target())\n\
         print(s.form_body())\n\
         print(b)\n",
        clients = root().join("tests/clients").display().to_string(),
        mistake = mistake.map_or("None".to_string(), |m| format!("{m:?}")),
    );
    let out = Command::new("python3")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let l: Vec<&str> = text.lines().collect();
    Signed {
        authorization: l[0].to_string(),
        target: l[1].to_string(),
        body: l[2].to_string(),
        base_string: l[3].to_string(),
    }
}

/// Starts `listen --proxy` with the test secrets, its CA in `dir/ca`.
fn proxy(dir: &Path, extra: &[&str]) -> Running {
    let (_, cs, _, ts) = CREDS;
    let mut cmd = doctor();
    cmd.args(["listen", "--proxy", "--port", "0", "--color", "never"])
        .arg("--ca-dir")
        .arg(dir.join("ca"))
        .args(["--consumer-secret", cs, "--token-secret", ts])
        .args(extra);
    Running::spawn(cmd)
}

/// Sends `s` to `url` through the proxy with curl: the status and body.
fn curl(proxy: &str, url: &str, s: &Signed, extra: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(["--silent", "--show-error", "--proxy", proxy])
        .args(["-H", &format!("Authorization: {}", s.authorization)])
        .args(["-H", "Content-Type: application/x-www-form-urlencoded"])
        .args(["--data", &s.body])
        .args(["--write-out", "\n%{http_code}"])
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    let code = code.trim().parse().unwrap_or_else(|_| {
        panic!(
            "curl failed: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    if code == 0 {
        return (0, String::from_utf8_lossy(&out.stderr).into_owned());
    }
    (code, body.to_string())
}

/// No secret, raw or percent-encoded, in `text`.
fn assert_no_secret(text: &str) {
    for s in ["c+s/1=", "t s&2", "c%2Bs%2F1%3D", "t%20s%262"] {
        assert!(!text.contains(s), "a secret ({s:?}) was printed:\n{text}");
    }
}

/// Plain http through the proxy: a correct request is diagnosed valid and
/// relayed; the upstream's 401 echo of its base string is read and the
/// diagnosis says how the request differs (the hunt names the mistake);
/// the upstream receives both Authorization headers byte for byte.
#[test]
fn http_through_the_proxy_is_diagnosed_forwarded_unaltered_and_the_401_echo_read() {
    if !curl_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let up = Upstream::start(dir.path(), None);
    let rec = dir.path().join("rec");
    let p = proxy(
        dir.path(),
        &["--count", "2", "--json", "--record", rec.to_str().unwrap()],
    );
    let good = sign(&up.origin, None, "proxy-n1");
    let url = format!("{}{}", up.origin, good.target);
    // Proxy credentials are for the proxy only (RFC 9110 §11.7.2).
    let (code, body) = curl(&p.first, &url, &good, &["--proxy-user", "me:proxy-pw-9"]);
    assert_eq!((code, body.as_str()), (200, "upstream ok\n"));
    let bad = sign(&up.origin, Some("plus-for-space"), "proxy-n2");
    std::fs::write(
        &up.echo,
        format!(
            "oauth_problem=signature_invalid&debug_sbs={}",
            bad.base_string
        ),
    )
    .unwrap();
    // A Host that disagrees with the absolute URL is replaced by the URL's
    // authority (RFC 9112 §3.2.2), the one the signature was checked for.
    let (code, body) = curl(&p.first, &url, &bad, &["-H", "Host: other.example"]);
    assert_eq!(code, 401);
    assert!(body.starts_with("oauth_problem=signature_invalid&debug_sbs=POST&"));
    let (status, out, err) = p.finish();
    assert!(status.success(), "{err:?}");
    assert_no_secret(&out.join("\n"));
    assert_no_secret(&err.join("\n"));
    let received = up.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0]["authorization"], good.authorization.as_str());
    assert_eq!(received[1]["authorization"], bad.authorization.as_str());
    assert_eq!(received[0]["path"], good.target.as_str());
    let authority = up.origin.trim_start_matches("http://");
    assert_eq!(received[0]["host"], authority);
    assert_eq!(received[1]["host"], authority);
    assert_eq!(received[0]["body"], good.body.as_str());
    assert_eq!(received[0]["proxy_authorization"], Value::Null);
    assert!(!out.join("\n").contains("proxy-pw-9"));
    // Nor in the recorded request (base64 of me:proxy-pw-9).
    let recorded = std::fs::read_to_string(rec.join("0001.http")).unwrap();
    assert!(!recorded.contains("bWU6cHJveHktcHctOQ=="), "{recorded}");
    assert!(
        recorded.contains("Proxy-Authorization: Basic <hidden>\r\n"),
        "{recorded}"
    );
    // The recorded request (its absolute URL) verifies again.
    let (_, cs, _, ts) = CREDS;
    let verify = doctor()
        .arg("verify")
        .arg(rec.join("0001.http"))
        .args(["--consumer-secret", cs, "--token-secret", ts])
        .output()
        .unwrap();
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let lines: Vec<Value> = out
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["url"], url.as_str());
    assert_eq!(lines[0]["verification"]["verdict"], "valid");
    assert_eq!(lines[0]["upstream"]["status"], 200);
    assert_eq!(lines[0]["response_status"], 200);
    assert_eq!(lines[1]["verification"]["verdict"], "invalid");
    assert_eq!(lines[1]["hunt"]["mistakes"][0], "plus-for-space");
    assert_eq!(lines[1]["upstream"]["status"], 401);
    assert_eq!(lines[1]["upstream"]["echo"]["shape"], "debug-sbs");
    assert_eq!(
        lines[1]["upstream"]["echo"]["base_string"],
        bad.base_string.as_str()
    );
    // diff --json's diagnosis against the server's base string.
    assert!(lines[1]["diff"].is_object(), "{}", lines[1]);
    assert_eq!(lines[1]["response_status"], 401);
    // Both lines validate against docs/schema/listen.json.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schema/listen.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for l in &lines {
        let errors: Vec<String> = validator.iter_errors(l).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{l}");
    }
}

/// The terminal line of a proxied 401 with an echo says so.
#[test]
fn the_line_names_the_mistake_and_the_upstream_echo() {
    if !curl_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let up = Upstream::start(dir.path(), None);
    let p = proxy(dir.path(), &["--count", "1"]);
    let bad = sign(&up.origin, Some("plus-for-space"), "proxy-n3");
    std::fs::write(
        &up.echo,
        format!(
            "oauth_problem=signature_invalid&debug_sbs={}",
            bad.base_string
        ),
    )
    .unwrap();
    let url = format!("{}{}", up.origin, bad.target);
    assert_eq!(curl(&p.first, &url, &bad, &[]).0, 401);
    let (_, out, _) = p.finish();
    assert!(
        out[0].contains(&format!("  401  POST {url}  plus-for-space: ")),
        "{out:?}"
    );
    assert!(
        out[0].ends_with("; upstream 401, its echo: the server signs the same base string, so the signature itself differs (the key, or how it was computed)"),
        "{out:?}"
    );
}

/// A certificate and key (PEM files in `dir`) for `localhost`, made here
/// with rcgen for the TLS upstream (not by the proxy).
fn upstream_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let c = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = dir.join("upstream.pem");
    let key = dir.join("upstream-key.pem");
    std::fs::write(&cert, c.cert.pem()).unwrap();
    std::fs::write(&key, c.signing_key.serialize_pem()).unwrap();
    (cert, key)
}

/// https through the proxy: `CONNECT localhost:PORT` intercepted with the
/// CA made on first use (its certificate trusted by curl --cacert), the
/// request diagnosed as `https://localhost:PORT/…` and forwarded over TLS
/// to the upstream (trusted with --upstream-cacert), unaltered. A second
/// run reuses the CA.
#[test]
fn https_through_the_proxy_is_intercepted_with_the_local_ca() {
    if !curl_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = upstream_cert(dir.path());
    let up = Upstream::start(dir.path(), Some((&cert, &key)));
    let upstream_ca = ["--upstream-cacert", cert.to_str().unwrap()];
    let ca = dir.path().join("ca/oauth1-doctor-ca.pem");
    for (run, nonce) in [(0, "proxy-tls-1"), (1, "proxy-tls-2")] {
        let p = proxy(dir.path(), &[&upstream_ca[..], &["--count", "1"]].concat());
        let good = sign(&up.origin, None, nonce);
        let url = format!("{}{}", up.origin, good.target);
        let (code, body) = curl(&p.first, &url, &good, &["--cacert", ca.to_str().unwrap()]);
        assert_eq!(
            (code, body.as_str()),
            (200, "upstream ok\n"),
            "{:?}",
            p.err.lock().unwrap()
        );
        let (status, out, err) = p.finish();
        assert!(status.success());
        let said = if run == 0 { "made a new" } else { "using the" };
        assert!(
            err[0].starts_with(&format!("proxy: {said} CA certificate {}", ca.display())),
            "{err:?}"
        );
        assert!(err[1].contains("--cacert"), "{err:?}");
        assert!(
            out[0].contains(&format!(
                "  200  POST {url}  valid (HMAC-SHA1); upstream 200"
            )),
            "{out:?}"
        );
        assert_eq!(
            up.received()[run]["authorization"],
            good.authorization.as_str()
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&ca).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// A request that is not a proxy request (origin-form) gets 400 and the
/// proxy keeps serving; an unreachable upstream gets 502 naming it.
#[test]
fn a_direct_request_gets_400_and_an_unreachable_upstream_502() {
    if !curl_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = proxy(dir.path(), &["--count", "1"]);
    let direct = Command::new("curl")
        .args(["--silent", "--write-out", "\n%{http_code}"])
        .arg(format!("{}/items", p.first))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&direct.stdout);
    assert!(text.ends_with("\n400"), "{text}");
    assert!(text.contains("is a forward proxy"), "{text}");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let origin = format!("http://127.0.0.1:{port}");
    let s = sign(&origin, None, "proxy-n4");
    let (code, body) = curl(&p.first, &format!("{origin}{}", s.target), &s, &[]);
    assert_eq!(code, 502, "{body}");
    assert!(
        body.contains(&format!("cannot connect to {origin}")),
        "{body}"
    );
    let (_, out, err) = p.finish();
    assert!(out[0].contains("upstream not reached"), "{out:?}");
    assert!(
        err.iter().any(|l| l.contains("not a proxy request")),
        "{err:?}"
    );
}

/// A client that sends an absolute-form `https://` request to the proxy
/// (no CONNECT) has the proxy make the TLS connection upstream.
#[test]
fn an_absolute_https_request_is_forwarded_over_tls() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = upstream_cert(dir.path());
    let up = Upstream::start(dir.path(), Some((&cert, &key)));
    let p = proxy(
        dir.path(),
        &["--upstream-cacert", cert.to_str().unwrap(), "--count", "1"],
    );
    let s = sign(&up.origin, None, "proxy-abs-1");
    let url = format!("{}{}", up.origin, s.target);
    let host = up.origin.trim_start_matches("https://");
    let raw = format!(
        "POST {url} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        s.authorization,
        s.body.len(),
        s.body
    );
    let addr = p.first.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("upstream ok\n"), "{answer}");
    let (_, out, _) = p.finish();
    assert!(
        out[0].contains(&format!(
            "  200  POST {url}  valid (HMAC-SHA1); upstream 200"
        )),
        "{out:?}"
    );
    assert_eq!(up.received()[0]["authorization"], s.authorization.as_str());
}
