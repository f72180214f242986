//! `sign`: add the protocol parameters to a request and sign it.

use super::inputs::{missing_secret_message, RequestArgs, SecretArgs};
use super::Outcome;
use anyhow::{anyhow, Result};
use clap::Args;
use oauth1_doctor::input::curl::{self, Dialect};
use oauth1_doctor::input::http;
use oauth1_doctor::sign::{sign_with_defaults, Fresh, SignOptions, SignRequestError, Version};
use oauth1_doctor::signature::SignError;

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
    /// The Authorization header line.
    Header,
    /// The whole signed request as raw HTTP.
    Http,
    /// The whole signed request as a curl command (see --curl-dialect).
    Curl,
    /// A JSON object with the header, signature and every step.
    Json,
}

pub fn run(args: SignArgs) -> Result<Outcome> {
    let read = args.input.read_one()?;
    let secrets = args.secrets.load()?;
    let version = match (&args.oauth_version, args.no_version) {
        (_, true) => Version::Omit,
        (Some(v), false) => Version::Set(v.clone()),
        (None, false) => Version::Default,
    };
    let options = SignOptions {
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
    };
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

/// A timestamp (now) and a nonce (32 random letters and digits) for
/// RFC 5849 §3.3, used when neither the request nor a flag gives one.
fn fresh() -> Fresh {
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
