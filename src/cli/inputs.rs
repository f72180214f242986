//! Shared arguments: where a request comes from, and the secrets.
//!
//! Secrets come from flags, environment variables or files, and are held
//! as [`Secret`] so they cannot be printed by accident.

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use oauth1_doctor::input::files::{read_bounded, read_limited, ConfinedFiles, FileError};
use oauth1_doctor::input::{self, Files, ReadOptions};
use oauth1_doctor::signature::{PrivateKey, PublicKey, Secrets, SignatureMethod};
use oauth1_doctor::{Format, ReadRequest, Secret};
use std::path::{Path, PathBuf};

/// Where to read a request from.
#[derive(Debug, Clone, Args)]
pub struct RequestArgs {
    /// The request: a file (raw HTTP, cURL command, HAR, JSON Lines or a Postman collection) or `-` for standard input.
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
    /// Let a cURL command read this file, or any file below this directory, with @FILE (repeatable). Without it only files below the cURL file's own directory (the working directory for standard input) are read.
    #[arg(long = "allow-file", value_name = "PATH")]
    pub allow_file: Vec<PathBuf>,
    /// A Postman collection's request and environment.
    #[command(flatten)]
    pub collection: super::postman::CollectionArgs,
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

/// The files a cURL command may read with `@FILE`: standard input for
/// `@-`, and otherwise the library's rule ([`ConfinedFiles`]): below the
/// cURL file's own directory (the working directory when the command
/// came from standard input) or a path given with `--allow-file`, never
/// from /proc, /sys or /dev, regular files only, 16 MiB at most.
pub struct DiskFiles(ConfinedFiles);

impl DiskFiles {
    /// The files a command read from `request` (a path, or `-`) may name.
    pub fn for_request(request: &str, allowed: &[PathBuf]) -> Result<DiskFiles> {
        let (base, name) = if request == "-" {
            (
                PathBuf::from("."),
                "the working directory (the command came from standard input)",
            )
        } else {
            let parent = Path::new(request).parent().unwrap_or(Path::new(""));
            let base = if parent.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                parent.to_path_buf()
            };
            (base, "the cURL file's directory")
        };
        let mut files = ConfinedFiles::new(&base, name);
        for a in allowed {
            files
                .allow(a)
                .map_err(|e| anyhow!("--allow-file {}: {e}", a.display()))?;
        }
        Ok(DiskFiles(files))
    }
}

impl Files for DiskFiles {
    fn read(&self, path: &str) -> std::result::Result<Vec<u8>, String> {
        if path == "-" {
            return read_limited(std::io::stdin(), "standard input").map_err(|e| e.to_string());
        }
        self.0.check(path).map_err(|e| match &e {
            FileError::Refused {
                allowable: true,
                resolved,
                ..
            } => format!(
                "{e}; to let oauth1-doctor read it, pass --allow-file {}",
                resolved.as_deref().unwrap_or(Path::new(path)).display()
            ),
            _ => e.to_string(),
        })?;
        self.0.read(path)
    }

    fn describe(&self, path: &str) -> Option<String> {
        if path == "-" {
            return Some("from standard input".into());
        }
        self.0.describe(path)
    }
}

/// Reads the bytes of a file argument (`-` is standard input), refusing inputs over the limit.
pub fn read_input(path: &str) -> Result<Vec<u8>> {
    if path == "-" {
        return Ok(read_limited(std::io::stdin(), "standard input")?);
    }
    Ok(read_bounded(Path::new(path))?)
}

/// Reads a file the user named as text (a secret, a key), within the limit.
pub fn read_text_file(path: &Path, what: &str) -> Result<String> {
    let bytes = read_bounded(path).with_context(|| format!("cannot read {what}"))?;
    String::from_utf8(bytes).map_err(|_| anyhow!("{what} {} is not UTF-8 text", path.display()))
}

/// A secret from a file: one trailing line break is removed.
pub fn secret_file(path: &Path) -> Result<Secret> {
    let mut s = read_text_file(path, "the secret file")?;
    if s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    Ok(Secret::new(s))
}

/// An RSA private key file (PEM).
pub fn private_key_file(p: &Path) -> Result<PrivateKey> {
    let pem = read_text_file(p, "the private key")?;
    PrivateKey::from_pem(&pem).map_err(|e| anyhow!("{}: {e}", p.display()))
}

/// An RSA public key or certificate file (PEM).
pub fn public_key_file(p: &Path) -> Result<PublicKey> {
    let pem = read_text_file(p, "the public key")?;
    PublicKey::from_pem(&pem).map_err(|e| anyhow!("{}: {e}", p.display()))
}

impl RequestArgs {
    /// Reads every request the input holds.
    pub fn read_all(&self) -> Result<Vec<ReadRequest>> {
        self.read_all_from(read_input(&self.request)?)
    }

    /// Every request `bytes` (REQUEST's content) holds.
    pub fn read_all_from(&self, bytes: Vec<u8>) -> Result<Vec<ReadRequest>> {
        if self.format.is_none()
            && oauth1_doctor::diff::base_diff::is_base_string(&String::from_utf8_lossy(&bytes))
        {
            bail!(
                "{}: this is a bare signature base string (METHOD&encoded-URI&encoded-parameters, RFC 5849 §3.4.1.1), not a request: `oauth1-doctor diff KNOWN_GOOD {}` compares it with a request that works, and `oauth1-doctor hunt REQUEST --expected-base-string {}` hunts it as the base string a server reported",
                self.request,
                self.request,
                self.request
            );
        }
        if let Some(item) = self.collection.load(&self.request, &bytes)? {
            return Ok(vec![item.to_read()]);
        }
        let options = ReadOptions {
            format: self.format.map(Format::from),
            scheme: self.scheme.clone(),
            entry: self.entry,
        };
        let files = DiskFiles::for_request(&self.request, &self.allow_file)?;
        let reads = input::read(&bytes, &options, &files).map_err(|e| anyhow!("{e}"))?;
        if reads.is_empty() {
            bail!("{}: no request found", self.request);
        }
        Ok(reads)
    }
}

/// A file argument as it can be pasted into a POSIX shell.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/-=:,+@%".contains(&b));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

impl RequestArgs {
    /// These arguments as command-line words (`REQUEST --format … --allow-file …`).
    pub fn words(&self) -> Vec<String> {
        let mut w = vec![shell_word(&self.request)];
        if let Some(f) = self.format {
            w.push("--format".into());
            w.push(format!("{f:?}").to_ascii_lowercase());
        }
        if let Some(s) = &self.scheme {
            w.push("--scheme".into());
            w.push(shell_word(s));
        }
        if let Some(n) = self.entry {
            w.push("--entry".into());
            w.push(n.to_string());
        }
        for p in &self.allow_file {
            w.push("--allow-file".into());
            w.push(shell_word(&p.to_string_lossy()));
        }
        w.extend(self.collection.words());
        w
    }

    /// The Postman collection item REQUEST names, when REQUEST is a
    /// collection (`--item`, `--environment`).
    pub fn collection_item(
        &self,
        bytes: &[u8],
    ) -> Result<Option<oauth1_doctor::input::postman::PostmanItem>> {
        self.collection.load(&self.request, bytes)
    }
}

/// Secrets for signing and verifying.
#[derive(Debug, Clone, Args)]
pub struct SecretArgs {
    /// Consumer (client) secret [env: OAUTH1_CONSUMER_SECRET]
    #[arg(long, value_name = "SECRET")]
    pub consumer_secret: Option<String>,
    /// Read the consumer secret from a file (one trailing line break is removed).
    #[arg(long, value_name = "FILE")]
    pub consumer_secret_file: Option<PathBuf>,
    /// Token secret [env: OAUTH1_TOKEN_SECRET]
    #[arg(long, value_name = "SECRET")]
    pub token_secret: Option<String>,
    /// Read the token secret from a file (one trailing line break is removed).
    #[arg(long, value_name = "FILE")]
    pub token_secret_file: Option<PathBuf>,
    /// RSA private key (PKCS#1 or PKCS#8 PEM) for RSA signing [env: OAUTH1_PRIVATE_KEY]
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// RSA public key or X.509 certificate (PEM) for RSA verification [env: OAUTH1_PUBLIC_KEY]
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
    /// Print secrets and the signing key in output (they are masked otherwise).
    #[arg(long)]
    pub show_secrets: bool,
}

/// An `OAUTH1_*` environment variable, when set.
fn env_var(name: &str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{name} is not valid UTF-8"),
    }
}

impl SecretArgs {
    /// These arguments as command-line words, never a secret's value: the
    /// files they name, and `--consumer-secret …` / `--token-secret …` as
    /// placeholders for values given on the command line (the fields hold
    /// command-line values only; the environment variables need nothing).
    pub fn words(&self) -> Vec<String> {
        let mut w = Vec::new();
        match (&self.consumer_secret_file, &self.consumer_secret) {
            (Some(f), _) => w.extend([
                "--consumer-secret-file".into(),
                shell_word(&f.to_string_lossy()),
            ]),
            (None, Some(_)) => w.extend(["--consumer-secret".into(), "…".into()]),
            _ => {}
        }
        match (&self.token_secret_file, &self.token_secret) {
            (Some(f), _) => w.extend([
                "--token-secret-file".into(),
                shell_word(&f.to_string_lossy()),
            ]),
            (None, Some(_)) => w.extend(["--token-secret".into(), "…".into()]),
            _ => {}
        }
        for (flag, path) in [
            ("--private-key", &self.private_key),
            ("--public-key", &self.public_key),
        ] {
            if let Some(p) = path {
                w.extend([flag.to_string(), shell_word(&p.to_string_lossy())]);
            }
        }
        w
    }

    /// True when a secret or key was given on the command line (not only
    /// through an `OAUTH1_*` environment variable).
    pub fn given_on_command_line(&self) -> bool {
        self.consumer_secret.is_some()
            || self.consumer_secret_file.is_some()
            || self.token_secret.is_some()
            || self.token_secret_file.is_some()
            || self.private_key.is_some()
            || self.public_key.is_some()
    }

    /// The RSA private key file: `--private-key`, else `OAUTH1_PRIVATE_KEY`.
    pub fn private_key_path(&self) -> Result<Option<PathBuf>> {
        match &self.private_key {
            Some(p) => Ok(Some(p.clone())),
            None => Ok(env_var("OAUTH1_PRIVATE_KEY")?.map(PathBuf::from)),
        }
    }

    /// The RSA public key file: `--public-key`, else `OAUTH1_PUBLIC_KEY`.
    fn public_key_path(&self) -> Result<Option<PathBuf>> {
        match &self.public_key {
            Some(p) => Ok(Some(p.clone())),
            None => Ok(env_var("OAUTH1_PUBLIC_KEY")?.map(PathBuf::from)),
        }
    }

    /// Loads every secret given, reading key files: a flag wins over its
    /// `OAUTH1_*` environment variable.
    pub fn load(&self) -> Result<Secrets> {
        let consumer_secret = match (&self.consumer_secret_file, &self.consumer_secret) {
            (Some(f), _) => Some(secret_file(f)?),
            (None, Some(s)) => Some(Secret::new(s.clone())),
            (None, None) => env_var("OAUTH1_CONSUMER_SECRET")?.map(Secret::new),
        };
        let token_secret = match (&self.token_secret_file, &self.token_secret) {
            (Some(f), _) => Some(secret_file(f)?),
            (None, Some(s)) => Some(Secret::new(s.clone())),
            (None, None) => env_var("OAUTH1_TOKEN_SECRET")?.map(Secret::new),
        };
        let private_key = self
            .private_key_path()?
            .as_deref()
            .map(private_key_file)
            .transpose()?;
        let public_key = self
            .public_key_path()?
            .as_deref()
            .map(public_key_file)
            .transpose()?;
        Ok(Secrets {
            consumer_secret,
            token_secret,
            private_key,
            public_key,
        })
    }
}

/// How to give the secrets (flags, files and environment variables), for
/// any message that needs them.
pub const SECRETS_HINT: &str = "pass the secrets: --consumer-secret S (or --consumer-secret-file FILE, or the environment variable OAUTH1_CONSUMER_SECRET) and --token-secret T (--token-secret-file FILE, OAUTH1_TOKEN_SECRET); for RSA --public-key FILE (OAUTH1_PUBLIC_KEY)";

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
