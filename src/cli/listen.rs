//! `listen`: serve a local strict OAuth 1.0 endpoint and print one line
//! per request ([`oauth1_doctor::listen`] does the serving and the
//! diagnosis; this only reads flags and secrets and prints).

use super::batch::choose_keys;
use super::conform::{report_graded, Graded, ReportArgs};
use super::inputs::{read_input, DiskFiles, SecretArgs};
use super::render::{paint, visible, BAD, DIM, GOOD, WARN};
use super::Outcome;
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use oauth1_doctor::batch::Keys;
use oauth1_doctor::diff::postman;
use oauth1_doctor::input::{self, ReadOptions};
use oauth1_doctor::listen::{
    roots_from_pem, self_signed, AsUrl, Diagnoser, Event, Flow, Grader, Limits, Oauth2Server,
    ProxyCa, ProxyOptions, Recorder, Server, ServerOptions, DEFAULT_MAX_SKEW, DEFAULT_PORT,
    DEFAULT_TOKEN_TTL,
};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The port to listen on (0: any free port). The first line printed is the URL.
    #[arg(long, default_value_t = DEFAULT_PORT, value_name = "N")]
    pub port: u16,
    /// Listen on this address instead of 127.0.0.1 (loopback). Any other address lets other hosts send requests: a warning is printed.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<IpAddr>,
    #[command(flatten)]
    pub secrets: SecretArgs,
    /// Secrets per consumer key and token (TOML, as for verify): an unknown consumer key is refused (consumer_key_unknown).
    #[arg(long = "secrets", value_name = "FILE")]
    pub secrets_file: Option<PathBuf>,
    /// A known-good request (Postman cURL, raw HTTP, HAR) to diff every invalid request against.
    #[arg(long, value_name = "FILE")]
    pub good: Option<String>,
    /// Verify as if requests had been sent to this API (scheme, host, port and path prefix replaced), e.g. https://api.vendor.com/v1.
    #[arg(long = "as", value_name = "URL")]
    pub as_url: Option<String>,
    /// Save each request as DIR/NNNN.http (its bytes, the target as the URL verified) and DIR/NNNN.json (its diagnosis); files are never overwritten and readable by you only.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// Print one JSON object per request instead of a line.
    #[arg(long)]
    pub json: bool,
    /// Serve HTTPS with a certificate made at start; its PEM is written to --cert FILE (default: a new file in the temporary directory) and its path printed on stderr.
    #[arg(long)]
    pub tls: bool,
    /// With --tls: where to write the certificate (PEM); the file must not exist.
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub cert: Option<PathBuf>,
    /// Refuse an oauth_timestamp further than S seconds from this machine's clock (timestamp_refused); 0 accepts any (for replaying old captures).
    #[arg(long, value_name = "S", default_value_t = DEFAULT_MAX_SKEW)]
    pub max_skew: u64,
    /// Exit after N requests.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Close a connection whose request head is not received within S seconds (slow clients).
    #[arg(long, value_name = "S", default_value_t = 10)]
    pub header_timeout: u64,
    /// Close a connection silent for S seconds (a keep-alive connection waiting for its next request is also closed by --header-timeout, whichever comes first).
    #[arg(long, value_name = "S", default_value_t = 60)]
    pub idle_timeout: u64,
    /// Serve OAuth 2.0 instead of OAuth 1.0: a client-credentials token endpoint at POST /oauth2/token for this client (ID:SECRET, or ID with the secret from --oauth2-client-secret-file or OAUTH1_CLIENT_SECRET), and Bearer-protected resources on every other path.
    #[arg(long, value_name = "ID:SECRET")]
    pub oauth2_client: Option<String>,
    /// With --oauth2-client: read the client secret from a file (one trailing line break is removed).
    #[arg(long, value_name = "FILE", requires = "oauth2_client")]
    pub oauth2_client_secret_file: Option<PathBuf>,
    /// With --oauth2-client: how long an issued access token is valid (expires_in), in seconds.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_TOKEN_TTL, requires = "oauth2_client")]
    pub token_ttl: u64,
    /// Grade each request against the conformance vector it answers: VECTORS.csv is the table `vectors export` writes (each row's signature is expected for the row's own URL: point the URLs at this server when the tool signs the URL it calls); a request is matched to its row by oauth_nonce and oauth_timestamp (and consumer key). Answers 200 when the vector passes, 401 naming the cause otherwise, 400 for a request that answers no row. --count N or Ctrl-C ends the run with `vectors grade`'s summary: exit 0 when every vector was received and passed, 1 otherwise.
    #[arg(long, value_name = "VECTORS.csv", conflicts_with_all = ["oauth2_client", "good", "secrets_file"])]
    pub grade: Option<PathBuf>,
    /// With --grade: also write a JUnit XML report to FILE (as `conform --junit`).
    #[arg(long, value_name = "FILE", requires = "grade")]
    pub junit: Option<PathBuf>,
    /// Be an HTTP forward proxy instead of a server: point the tool's proxy setting here (curl --proxy URL). http:// requests are diagnosed and forwarded unchanged (hop-by-hop headers aside), the upstream's answer relayed, and an upstream 401 body read for the server's echo (debug_sbs, oauth_signature_base_string, …). https:// (CONNECT) is intercepted with a local CA made on first use in --ca-dir; trust its certificate (printed). Secrets are optional: without them requests are diagnosed but their signatures not checked.
    #[arg(long, conflicts_with_all = ["as_url", "grade", "oauth2_client", "tls"])]
    pub proxy: bool,
    /// With --proxy: the directory of the local CA (default: $XDG_CONFIG_HOME/oauth1-doctor/ca, or ~/.config/oauth1-doctor/ca).
    #[arg(long, value_name = "DIR", requires = "proxy")]
    pub ca_dir: Option<PathBuf>,
    /// With --proxy: trust these CA certificates (PEM) for https:// upstreams, instead of the system's bundle (SSL_CERT_FILE, or /etc/ssl/certs/ca-certificates.crt and the other usual places).
    #[arg(long, value_name = "FILE", requires = "proxy")]
    pub upstream_cacert: Option<PathBuf>,
    /// How long the hunt for an invalid signature's cause may search, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1500)]
    pub hunt_time: u64,
}

pub fn run(args: ListenArgs) -> Result<Outcome> {
    if args.secrets.show_secrets {
        bail!("listen never shows secrets: drop --show-secrets");
    }
    let oauth2 = args
        .oauth2_client
        .as_deref()
        .map(|value| oauth2_server(value, &args))
        .transpose()?;
    if args.grade.is_some() && args.secrets.given_on_command_line() {
        bail!("--grade checks each request with its vector's own secrets (the table's consumer_secret and token_secret columns): drop the secret flags");
    }
    let grader = match &args.grade {
        Some(path) => {
            let table = super::vectors::read_table(path)?;
            Some(Grader::new(table).map_err(|e| anyhow!("--grade {}: {e}", path.display()))?)
        }
        None => None,
    };
    let no_secrets = args.proxy
        && !args.secrets.given_on_command_line()
        && args.secrets_file.is_none()
        && [
            "OAUTH1_CONSUMER_SECRET",
            "OAUTH1_PUBLIC_KEY",
            "OAUTH1_PRIVATE_KEY",
        ]
        .iter()
        .all(|v| std::env::var_os(v).is_none());
    let keys = match (&oauth2, &grader) {
        (None, None) if !no_secrets => choose_keys(&args.secrets, args.secrets_file.as_deref())?,
        _ => Keys::Same(Box::default()),
    };
    let mut diagnoser = Diagnoser::new(keys);
    diagnoser.oauth2 = oauth2;
    diagnoser.grader = grader;
    diagnoser.max_skew = args.max_skew;
    diagnoser.hunt_time = Duration::from_millis(args.hunt_time);
    if let Some(url) = &args.as_url {
        diagnoser.as_url = Some(AsUrl::parse(url).map_err(|e| anyhow!("--as {url}: {e}"))?);
    }
    if let Some(path) = &args.good {
        let bytes = read_input(path)?;
        let files = DiskFiles::for_request(path, &[])?;
        let mut reads = input::read(&bytes, &ReadOptions::default(), &files)
            .map_err(|e| anyhow!("--good {path}: {e}"))?;
        if reads.is_empty() {
            bail!("--good {path}: no request found");
        }
        let read = reads.remove(0);
        diagnoser.good_from_postman = postman::from_postman(&read, &bytes);
        diagnoser.good = Some(read);
    }
    let bind = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !bind.is_loopback() {
        anstream::eprintln!(
            "{} listening on {bind}: other hosts that can reach it can send requests here (without --bind, only this machine can)",
            paint(WARN, "warning:")
        );
    }
    let tls = if args.tls {
        diagnoser.scheme = "https";
        Some(self_signed(&[bind.to_string()])?)
    } else {
        None
    };
    let recorder = match &args.record {
        Some(dir) => {
            Some(Recorder::new(dir).with_context(|| format!("--record {}", dir.display()))?)
        }
        None => None,
    };
    let limits = Limits {
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        ..Limits::default()
    };
    let cert_pem = tls.as_ref().map(|t| t.cert_pem.clone());
    let proxy = if args.proxy {
        Some(proxy_options(&args)?)
    } else {
        None
    };
    let ca_path = proxy
        .as_ref()
        .and_then(|p| p.ca.as_ref())
        .map(|ca| (ca.cert_path().to_path_buf(), ca.created()));
    let options = ServerOptions {
        addr: SocketAddr::new(bind, args.port),
        tls,
        limits,
        recorder,
        proxy,
    };
    let vectors = diagnoser.grader.as_ref().map_or(0, Grader::len);
    let server = Server::bind(options, diagnoser)?;
    anstream::println!("{}", server.url());
    if let Some((path, created)) = &ca_path {
        let p = path.display();
        anstream::eprintln!(
            "proxy: {} CA certificate {p}\n  trust it for https:// through this proxy: curl --proxy {} --cacert {p} https://…\n  (or add it to the system store: Debian/Ubuntu: sudo cp {p} /usr/local/share/ca-certificates/oauth1-doctor.crt && sudo update-ca-certificates; macOS: Keychain Access, trust for SSL; remove it when done)",
            if *created { "made a new" } else { "using the" },
            server.url()
        );
        if no_secrets {
            anstream::eprintln!(
                "proxy: no secrets given: requests are diagnosed, their signatures not checked (pass --consumer-secret/--token-secret or --secrets FILE)"
            );
        }
    }
    if let Some(path) = &args.grade {
        anstream::eprintln!(
            "grading {vectors} vectors from {}: send each one's request here",
            path.display()
        );
    }
    if let Some(pem) = cert_pem {
        let path = match &args.cert {
            Some(p) => p.clone(),
            None => std::env::temp_dir().join(format!(
                "oauth1-doctor-listen-{}-{}.pem",
                std::process::id(),
                server.local_addr().port()
            )),
        };
        write_new(&path, pem.as_bytes())
            .with_context(|| format!("cannot write the certificate to {}", path.display()))?;
        anstream::eprintln!(
            "certificate: {} (trust it with curl --cacert {})",
            path.display(),
            path.display()
        );
    }
    let printer = Printer {
        json: args.json,
        as_given: args.as_url.is_some(),
        count: args.count,
        grading: args.grade.is_some(),
        seen: AtomicU64::new(0),
    };
    let started = (std::time::SystemTime::now(), std::time::Instant::now());
    let (summary, diagnoser) = server.run_and_keep(move |event| printer.print(event));
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    anstream::eprintln!(
        "{}{}: {} valid, {} refused; {}",
        if summary.interrupted {
            "interrupted: "
        } else {
            ""
        },
        plural(summary.requests, "request", "requests"),
        summary.valid,
        summary.refused,
        plural(summary.errors, "client error", "client errors")
    );
    if let Some(grader) = &diagnoser.grader {
        let graded: Vec<Graded> = grader.grades().into_iter().map(Graded::of).collect();
        let report = ReportArgs {
            filter: None,
            junit: args.junit.clone(),
            json: args.json,
            fixtures: Vec::new(),
            quiet: Default::default(),
        };
        let run = (started.0, started.1.elapsed());
        return report_graded("listen-grade", &graded, run, &report);
    }
    Ok(Outcome::Ok)
}

/// `--oauth2-client ID:SECRET` (or `ID` with the secret from
/// `--oauth2-client-secret-file` or `OAUTH1_CLIENT_SECRET`), and the
/// token source: 32 random alphanumeric characters (RFC 6750 §2.1 b64token).
fn oauth2_server(value: &str, args: &ListenArgs) -> Result<Oauth2Server> {
    let (id, inline) = match value.split_once(':') {
        Some((id, secret)) => (id, Some(secret.to_string())),
        None => (value, None),
    };
    if id.is_empty() {
        bail!("--oauth2-client wants ID:SECRET; the client id is empty");
    }
    let secret = super::schemes::secret(
        &inline,
        &args.oauth2_client_secret_file,
        "OAUTH1_CLIENT_SECRET",
    )?
    .ok_or_else(|| {
        anyhow!("--oauth2-client {id}: no client secret: pass ID:SECRET, --oauth2-client-secret-file or OAUTH1_CLIENT_SECRET")
    })?;
    let new_token = || {
        use rand::Rng;
        rand::thread_rng()
            .sample_iter(&rand::distributions::Alphanumeric)
            .take(32)
            .map(char::from)
            .collect::<String>()
    };
    Ok(Oauth2Server::new(
        id.to_string(),
        secret,
        args.token_ttl,
        Box::new(new_token),
    ))
}

/// `--proxy`: the CA (made on first use) and the roots for https:// upstreams.
fn proxy_options(args: &ListenArgs) -> Result<ProxyOptions> {
    let dir = match &args.ca_dir {
        Some(d) => d.clone(),
        None => {
            let config = std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
                .ok_or_else(|| {
                    anyhow!("--proxy: no $XDG_CONFIG_HOME or $HOME for the CA: pass --ca-dir DIR")
                })?;
            config.join("oauth1-doctor").join("ca")
        }
    };
    let ca = ProxyCa::load_or_create(&dir).map_err(|e| anyhow!("--proxy CA: {e}"))?;
    let (pem, from) = match &args.upstream_cacert {
        Some(f) => (
            std::fs::read(f).with_context(|| format!("--upstream-cacert {}", f.display()))?,
            f.clone(),
        ),
        None => system_roots(),
    };
    let upstream_roots = roots_from_pem(&pem).map_err(|e| anyhow!("{}: {e}", from.display()))?;
    if upstream_roots.is_empty() && args.upstream_cacert.is_some() {
        bail!("--upstream-cacert {}: no certificate in it", from.display());
    }
    Ok(ProxyOptions {
        ca: Some(ca),
        upstream_roots,
        upstream_timeout: Duration::from_secs(30),
    })
}

/// The system's CA bundle: `SSL_CERT_FILE`, or the first of the usual
/// places that exists (none: https:// upstreams are refused until
/// `--upstream-cacert` is given).
fn system_roots() -> (Vec<u8>, PathBuf) {
    let candidates = std::env::var_os("SSL_CERT_FILE")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            [
                "/etc/ssl/certs/ca-certificates.crt",
                "/etc/pki/tls/certs/ca-bundle.crt",
                "/etc/ssl/cert.pem",
                "/etc/ssl/ca-bundle.pem",
            ]
            .map(PathBuf::from),
        );
    for p in candidates {
        if let Ok(pem) = std::fs::read(&p) {
            return (pem, p);
        }
    }
    (Vec::new(), PathBuf::from("(no system CA bundle)"))
}

/// A new file (never overwriting), readable by the user only.
fn write_new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(bytes)
}

/// Prints events: one line (or JSON object) per request on stdout, one
/// line per error on stderr.
struct Printer {
    json: bool,
    as_given: bool,
    count: Option<u64>,
    /// `--grade`: `count` counts graded requests only.
    grading: bool,
    seen: AtomicU64,
}

impl Printer {
    fn print(&self, event: Event) -> Flow {
        match event {
            Event::Error(line) => {
                anstream::eprintln!("{} {}", paint(BAD, "error:"), visible(&line));
                Flow::Continue
            }
            Event::Request {
                diagnosed,
                recorded,
            } => {
                let d = &diagnosed;
                if self.json {
                    match serde_json::to_string(&d.record) {
                        Ok(line) => anstream::println!("{line}"),
                        Err(e) => anstream::eprintln!("{} {e}", paint(BAD, "error:")),
                    }
                } else {
                    let time = d
                        .record
                        .received_at
                        .get(11..19)
                        .unwrap_or(&d.record.received_at);
                    let status = d.response.status;
                    let style = if status == 200 { GOOD } else { BAD };
                    let mut line = format!(
                        "{}  {}  {} {}  {}",
                        paint(DIM, time),
                        paint(style, status),
                        visible(&d.record.method),
                        visible(&d.target),
                        visible(&d.headline)
                    );
                    if self.as_given {
                        line.push_str(&format!("  (as {})", visible(&d.record.url)));
                    }
                    if let Some(p) = recorded {
                        line.push_str(&format!(
                            "  {}",
                            paint(DIM, format!("recorded {}", p.display()))
                        ));
                    }
                    anstream::println!("{line}");
                }
                if self.grading && d.record.grade.is_none() {
                    return Flow::Continue;
                }
                let n = self.seen.fetch_add(1, Ordering::Relaxed) + 1;
                if self.count.is_some_and(|c| n >= c) {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            }
        }
    }
}
