//! `sign`: add the protocol parameters to a request and sign it.

use super::inputs::{missing_secret_message, read_input, RequestArgs, SecretArgs};
use super::postman::{LikeArg, PostmanFlags};
use super::Outcome;
use anyhow::{anyhow, bail, Result};
use clap::Args;
use oauth1_doctor::input::curl::{self, Dialect};
use oauth1_doctor::input::http;
use oauth1_doctor::input::postman::body::HashedBody;
use oauth1_doctor::sign::postman::{
    sign_like_postman, Placement, PostmanConfig, PostmanReport, Unsigned,
};
use oauth1_doctor::sign::{protocol_with_defaults, relocate};
use oauth1_doctor::sign::{sign_with_defaults, Fresh, SignOptions, SignRequestError, Version};
use oauth1_doctor::signature::SignError;
use oauth1_doctor::Request;

#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    pub input: RequestArgs,
    #[command(flatten)]
    pub secrets: SecretArgs,
    /// oauth_consumer_key
    #[arg(long, value_name = "KEY")]
    pub consumer_key: Option<String>,
    /// oauth_token (omit for two-legged requests)
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// oauth_signature_method (HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256, RSA-SHA512, PLAINTEXT)
    #[arg(long, value_name = "METHOD")]
    pub signature_method: Option<String>,
    /// oauth_nonce (fresh and random when neither the request nor this flag gives one)
    #[arg(long)]
    pub nonce: Option<String>,
    /// oauth_timestamp (now when neither the request nor this flag gives one)
    #[arg(long)]
    pub timestamp: Option<String>,
    /// realm for the Authorization header (not signed)
    #[arg(long)]
    pub realm: Option<String>,
    /// oauth_callback
    #[arg(long, value_name = "URL")]
    pub callback: Option<String>,
    /// oauth_verifier
    #[arg(long)]
    pub verifier: Option<String>,
    /// oauth_version to send (default 1.0 when the request has no OAuth header). Was `--version`, which now prints oauth1-doctor's version as on every command.
    #[arg(
        long = "oauth-version",
        value_name = "VERSION",
        conflicts_with = "no_version"
    )]
    pub oauth_version: Option<String>,
    /// Send no oauth_version.
    #[arg(long)]
    pub no_version: bool,
    /// Add oauth_body_hash (OAuth Request Body Hash) for a non-form body.
    #[arg(long)]
    pub body_hash: bool,
    /// What to print.
    #[arg(long, value_enum, default_value = "header")]
    pub output: SignOutput,
    /// Shell to write the command for with --output curl.
    #[arg(long, value_enum, default_value = "bash", value_name = "SHELL")]
    pub curl_dialect: CurlDialectArg,
    #[command(flatten)]
    pub postman: PostmanFlags,
}

/// `--curl-dialect` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CurlDialectArg {
    /// bash and other POSIX shells (`\` line continuation).
    Bash,
    /// Windows cmd.exe (`^` line continuation).
    Cmd,
    /// PowerShell (backtick line continuation).
    Powershell,
}

impl From<CurlDialectArg> for Dialect {
    fn from(d: CurlDialectArg) -> Dialect {
        match d {
            CurlDialectArg::Bash => Dialect::Bash,
            CurlDialectArg::Cmd => Dialect::Cmd,
            CurlDialectArg::Powershell => Dialect::PowerShell,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SignOutput {
    /// What carries the parameters: the Authorization header line, or the URL (--placement query) or the body (--placement body).
    Header,
    /// The whole signed request as raw HTTP.
    Http,
    /// The whole signed request as a curl command (see --curl-dialect).
    Curl,
    /// A JSON object with the header, signature and every step.
    Json,
}

pub fn run(args: SignArgs) -> Result<Outcome> {
    let bytes = read_input(&args.input.request)?;
    if let Some(item) = args.input.collection_item(&bytes)? {
        let signed = super::postman::sign_item(
            &item,
            &args.postman,
            &sign_options(&args),
            &args.secrets,
            &fresh(),
        )?;
        return print_postman(
            &args,
            &signed.signed.request,
            signed.signed.placement,
            &signed.report,
        );
    }
    let read = args.input.read_all_from(bytes)?.remove(0);
    if args.postman.like == Some(LikeArg::Postman) {
        return run_like_postman(&args, &read.request);
    }
    if args.postman.postman_only() {
        bail!("--add-empty-params, --no-header-encoding and --no-url-encoding are Postman's checkboxes: add --like postman (or sign a Postman collection)");
    }
    let secrets = args.secrets.load()?;
    let options = sign_options(&args);
    let signed = match sign_with_defaults(&read.request, &options, &fresh(), &secrets) {
        Ok(s) => s,
        Err(SignRequestError::NoConsumerKey) => {
            return Err(anyhow!(
                "no oauth_consumer_key: pass --consumer-key (or put an OAuth Authorization header in the request)"
            ))
        }
        Err(SignRequestError::Sign(
            SignError::MissingConsumerSecret(m) | SignError::MissingPrivateKey(m),
        )) => return Err(anyhow!("{}", missing_secret_message(m, true))),
        Err(e) => return Err(anyhow!("{e}")),
    };
    if let Some(p) = args.postman.placement.map(Placement::from) {
        if p != Placement::Header {
            let request = relocate(&signed, p).map_err(|e| anyhow!("{e}"))?;
            if let SignOutput::Json = args.output {
                bail!("--output json describes the header placement; use --output http or curl with --placement {p:?}");
            }
            return print_request(&args, &request, p);
        }
    }
    match args.output {
        SignOutput::Header => anstream::println!("Authorization: {}", signed.authorization),
        SignOutput::Http => {
            anstream::print!(
                "{}",
                String::from_utf8_lossy(&http::render(&signed.request))
            )
        }
        SignOutput::Curl => {
            let text = curl::render(&signed.request, args.curl_dialect.into())
                .map_err(|e| anyhow!("{e}"))?;
            anstream::println!("{text}");
        }
        SignOutput::Json => {
            let v = oauth1_doctor::report::sign_json(&signed);
            anstream::println!("{}", serde_json::to_string(&v)?);
        }
    }
    Ok(Outcome::Ok)
}

/// The protocol parameters and defaults the flags ask for.
fn sign_options(args: &SignArgs) -> SignOptions {
    let version = match (&args.oauth_version, args.no_version) {
        (_, true) => Version::Omit,
        (Some(v), false) => Version::Set(v.clone()),
        (None, false) => Version::Default,
    };
    SignOptions {
        consumer_key: args.consumer_key.clone(),
        token: args.token.clone(),
        signature_method: args.signature_method.clone(),
        timestamp: args.timestamp.clone(),
        nonce: args.nonce.clone(),
        realm: args.realm.clone(),
        callback: args.callback.clone(),
        verifier: args.verifier.clone(),
        version,
        body_hash: args.body_hash,
        show_secrets: args.secrets.show_secrets,
    }
}

/// `sign REQUEST --like postman`: the request's own protocol parameters
/// and the flags, signed as Postman's helper would.
fn run_like_postman(args: &SignArgs, request: &Request) -> Result<Outcome> {
    let options = sign_options(args);
    let protocol = protocol_with_defaults(request, &options, &fresh()).map_err(|e| match e {
        SignRequestError::NoConsumerKey => anyhow!("no oauth_consumer_key: pass --consumer-key (or put an OAuth Authorization header in the request)"),
        e => anyhow!("{e}"),
    })?;
    let method = match protocol.method() {
        Some(Ok(m)) => m,
        Some(Err(e)) => bail!("{e}"),
        None => bail!("no oauth_signature_method"),
    };
    let get = |n: &str| protocol.get(n).unwrap_or("").to_string();
    let mut config = PostmanConfig {
        signature_method: method,
        consumer_key: get("oauth_consumer_key"),
        token: get("oauth_token"),
        timestamp: get("oauth_timestamp"),
        nonce: get("oauth_nonce"),
        version: protocol.get("oauth_version").map(str::to_string),
        realm: protocol.realm.clone().unwrap_or_default(),
        callback: get("oauth_callback"),
        verifier: get("oauth_verifier"),
        placement: Some(Placement::Header),
        add_empty_params: false,
        include_body_hash: false,
        disable_header_encoding: false,
        disable_url_encoding: false,
    };
    args.postman.apply(&mut config, args.body_hash);
    let secrets = args.secrets.load()?;
    if !secrets.can_sign(method) {
        bail!("{}", missing_secret_message(method, true));
    }
    let form: Option<Vec<(String, String)>> = request.has_form_body().then(|| {
        String::from_utf8_lossy(&request.body)
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (n, v) = p.split_once('=').unwrap_or((p, ""));
                let d = |s: &str| {
                    String::from_utf8_lossy(&oauth1_doctor::encode::form_decode(s)).into_owned()
                };
                (d(n), d(v))
            })
            .collect()
    });
    let hashed = HashedBody::Bytes(request.body.clone());
    let signed = sign_like_postman(
        Unsigned {
            request,
            form: form.as_deref(),
            hashed_body: &hashed,
            body_sent: true,
        },
        &config,
        &secrets,
    )
    .map_err(|e| anyhow!("{e}"))?;
    let report = PostmanReport::new(
        &signed,
        None,
        None,
        Vec::new(),
        Vec::new(),
        method,
        args.secrets.show_secrets,
    );
    print_postman(args, &signed.request, signed.placement, &report)
}

/// Prints a request signed as Postman would, as `--output` asks.
fn print_postman(
    args: &SignArgs,
    request: &Request,
    placement: Placement,
    report: &PostmanReport,
) -> Result<Outcome> {
    if let SignOutput::Json = args.output {
        anstream::println!("{}", serde_json::to_string(report)?);
        return Ok(Outcome::Ok);
    }
    for d in &report.departures {
        anstream::eprintln!(
            "{} {}: {}",
            super::render::paint(super::render::WARN, "postman:"),
            d.id,
            super::render::visible(&d.detail)
        );
    }
    print_request(args, request, placement)
}

/// Prints a signed request as `--output` asks: what carries the
/// parameters (header, URL or body), the raw request, or a cURL command.
fn print_request(args: &SignArgs, request: &Request, placement: Placement) -> Result<Outcome> {
    match args.output {
        SignOutput::Header => match placement {
            Placement::Header => anstream::println!(
                "Authorization: {}",
                request.header("authorization").unwrap_or("")
            ),
            Placement::Query => anstream::println!("{}", request.url),
            Placement::Body => {
                anstream::println!("{}", String::from_utf8_lossy(&request.body))
            }
        },
        SignOutput::Http => {
            anstream::print!("{}", String::from_utf8_lossy(&http::render(request)))
        }
        SignOutput::Curl => {
            let text =
                curl::render(request, args.curl_dialect.into()).map_err(|e| anyhow!("{e}"))?;
            anstream::println!("{text}");
        }
        SignOutput::Json => unreachable!("JSON is written by the caller"),
    }
    Ok(Outcome::Ok)
}

/// A timestamp (now) and a nonce (32 random letters and digits) for
/// RFC 5849 §3.3, used when neither the request nor a flag gives one.
pub(super) fn fresh() -> Fresh {
    use rand::Rng;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let nonce: String = rand::thread_rng()
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    Fresh {
        timestamp: now.to_string(),
        nonce,
    }
}
