//! Shared arguments: where a request comes from, and the secrets.
//!
//! Secrets come from flags, environment variables or files, and are held
//! as [`Secret`] so they cannot be printed by accident.

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use oauth1_doctor::input::{self, Files, ReadOptions};
use oauth1_doctor::signature::{PrivateKey, PublicKey, Secrets, SignatureMethod};
use oauth1_doctor::{Format, ReadRequest, Secret};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where to read a request from.
#[derive(Debug, Clone, Args)]
pub struct RequestArgs {
    /// The request: a file (raw HTTP, cURL command or HAR) or `-` for standard input.
    #[arg(value_name = "REQUEST")]
    pub request: String,
    /// Read REQUEST as this format instead of detecting it.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Scheme for a raw HTTP request whose target has none (default: https, or http when Host names port 80).
    #[arg(long, value_name = "SCHEME")]
    pub scheme: Option<String>,
    /// For a HAR file: only this entry (0-based).
    #[arg(long, value_name = "N")]
    pub entry: Option<usize>,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    /// A cURL command line.
    Curl,
    /// A raw HTTP/1.x request.
    Http,
    /// A HAR 1.2 file.
    Har,
    /// JSON Lines: one request per line (`verify` streams it).
    Jsonl,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Curl => Format::Curl,
            FormatArg::Http => Format::Http,
            FormatArg::Har => Format::Har,
            FormatArg::Jsonl => Format::Jsonl,
        }
    }
}

/// The real file system, for cURL's `@file` references.
pub struct DiskFiles;

impl Files for DiskFiles {
    fn read(&self, path: &str) -> std::result::Result<Vec<u8>, String> {
        if path == "-" {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(input::MAX_INPUT as u64 + 1)
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            return Ok(buf);
        }
        // At most one byte over the limit: the reader then refuses it.
        let mut buf = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(input::MAX_INPUT as u64 + 1).read_to_end(&mut buf))
            .map_err(|e| format!("cannot read {path:?}: {e}"))?;
        Ok(buf)
    }
}

/// Reads the bytes of a file argument (`-` is standard input), refusing inputs over the limit.
pub fn read_input(path: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    if path == "-" {
        std::io::stdin()
            .take(input::MAX_INPUT as u64 + 1)
            .read_to_end(&mut buf)
            .context("cannot read the request from standard input")?;
    } else {
        let f = std::fs::File::open(path).with_context(|| format!("cannot open {path:?}"))?;
        f.take(input::MAX_INPUT as u64 + 1)
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {path:?}"))?;
    }
    Ok(buf)
}

impl RequestArgs {
    /// Reads every request the input holds.
    pub fn read_all(&self) -> Result<Vec<ReadRequest>> {
        let bytes = read_input(&self.request)?;
        let options = ReadOptions {
            format: self.format.map(Format::from),
            scheme: self.scheme.clone(),
            entry: self.entry,
        };
        let reqs = input::read(&bytes, &options, &DiskFiles).map_err(|e| anyhow!("{e}"))?;
        if reqs.is_empty() {
            bail!("{}: no request found", self.request);
        }
        Ok(reqs)
    }

    /// Reads exactly one request (the first, for a HAR with several).
    pub fn read_one(&self) -> Result<ReadRequest> {
        let mut all = self.read_all()?;
        Ok(all.remove(0))
    }
}

/// Secrets for signing and verifying.
#[derive(Debug, Clone, Args)]
pub struct SecretArgs {
    /// Consumer (client) secret [env: OAUTH1_CONSUMER_SECRET]
    #[arg(
        long,
        env = "OAUTH1_CONSUMER_SECRET",
        hide_env = true,
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub consumer_secret: Option<String>,
    /// Read the consumer secret from a file (one trailing line break is removed).
    #[arg(long, value_name = "FILE")]
    pub consumer_secret_file: Option<PathBuf>,
    /// Token secret [env: OAUTH1_TOKEN_SECRET]
    #[arg(
        long,
        env = "OAUTH1_TOKEN_SECRET",
        hide_env = true,
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub token_secret: Option<String>,
    /// Read the token secret from a file (one trailing line break is removed).
    #[arg(long, value_name = "FILE")]
    pub token_secret_file: Option<PathBuf>,
    /// RSA private key (PKCS#1 or PKCS#8 PEM) for RSA signing [env: OAUTH1_PRIVATE_KEY]
    #[arg(long, env = "OAUTH1_PRIVATE_KEY", hide_env = true, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// RSA public key or X.509 certificate (PEM) for RSA verification [env: OAUTH1_PUBLIC_KEY]
    #[arg(long, env = "OAUTH1_PUBLIC_KEY", hide_env = true, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
    /// Print secrets and the signing key in output (they are masked otherwise).
    #[arg(long)]
    pub show_secrets: bool,
}

fn secret_file(path: &Path) -> Result<Secret> {
    let mut s = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the secret file {}", path.display()))?;
    if s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    Ok(Secret::new(s))
}

impl SecretArgs {
    /// Loads every secret given, reading key files.
    pub fn load(&self) -> Result<Secrets> {
        let consumer_secret = match (&self.consumer_secret_file, &self.consumer_secret) {
            (Some(f), _) => Some(secret_file(f)?),
            (None, Some(s)) => Some(Secret::new(s.clone())),
            (None, None) => None,
        };
        let token_secret = match (&self.token_secret_file, &self.token_secret) {
            (Some(f), _) => Some(secret_file(f)?),
            (None, Some(s)) => Some(Secret::new(s.clone())),
            (None, None) => None,
        };
        let private_key = match &self.private_key {
            Some(p) => {
                let pem = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read the private key {}", p.display()))?;
                Some(PrivateKey::from_pem(&pem).map_err(|e| anyhow!("{}: {e}", p.display()))?)
            }
            None => None,
        };
        let public_key = match &self.public_key {
            Some(p) => {
                let pem = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read the public key {}", p.display()))?;
                Some(PublicKey::from_pem(&pem).map_err(|e| anyhow!("{}: {e}", p.display()))?)
            }
            None => None,
        };
        Ok(Secrets {
            consumer_secret,
            token_secret,
            private_key,
            public_key,
        })
    }
}

/// What to tell a user who did not give the secret `method` needs.
pub fn missing_secret_message(method: SignatureMethod, signing: bool) -> String {
    if method.is_rsa() && signing {
        format!("{method} signing needs the RSA private key: pass --private-key FILE or set OAUTH1_PRIVATE_KEY to its path")
    } else if method.is_rsa() {
        format!("{method} verification needs the RSA public key or certificate: pass --public-key FILE (or --private-key FILE), or set OAUTH1_PUBLIC_KEY to its path")
    } else {
        format!("{method} needs the consumer secret: pass --consumer-secret, --consumer-secret-file FILE, or set OAUTH1_CONSUMER_SECRET (and the token secret likewise: --token-secret / OAUTH1_TOKEN_SECRET)")
    }
}
