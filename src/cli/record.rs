//! `record`: turn a known-good request (e.g. a request Postman sent and the
//! server accepted) into a fixture file, written atomically and readable
//! by the user only (0600), like the copied private key; when the fixture
//! cannot be written, the key file written before it is removed.

use super::inputs::{RequestArgs, SecretArgs};
use super::Outcome;
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use oauth1_doctor::fixtures::{self, Expected, Fixture, RequestSpec, SecretsSpec};
use oauth1_doctor::input::Files;
use oauth1_doctor::pipeline::{self, RunOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RecordArgs {
    #[command(flatten)]
    pub input: RequestArgs,
    #[command(flatten)]
    pub secrets: SecretArgs,
    /// The fixture's name (letters, digits, `-`, `_`, `.`); the file is NAME.toml.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// What the case shows (default: where it was recorded from).
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Directory to write into.
    #[arg(long, value_name = "DIR", default_value = "fixtures/vectors/recorded")]
    pub dir: PathBuf,
    /// Replace an existing file of that name.
    #[arg(long)]
    pub force: bool,
}

/// Writes `content` to `path` through a temporary file in the same
/// directory and a rename, so a reader never sees half a file. Without
/// `force`, an existing file is never replaced (a hard link refuses to).
pub fn write_atomically(path: &Path, content: &[u8], force: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .ok_or_else(|| anyhow!("{}: not a file name", path.display()))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        // Fixtures hold secrets (and the private key): readable by the user only.
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    let written = f.write_all(content).and_then(|_| f.sync_all());
    drop(f);
    let placed = written.and_then(|_| {
        if force {
            std::fs::rename(&tmp, path)
        } else {
            std::fs::hard_link(&tmp, path)
        }
    });
    let _ = std::fs::remove_file(&tmp);
    match placed {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists: pass --force to replace it",
            path.display()
        ),
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

struct Memory<'a> {
    key: Option<(&'a str, &'a str)>,
}

impl Files for Memory<'_> {
    fn read(&self, path: &str) -> std::result::Result<Vec<u8>, String> {
        match self.key {
            Some((name, pem)) if name == path => Ok(pem.as_bytes().to_vec()),
            _ => Err(format!("{path}: not found")),
        }
    }
}

pub fn run(args: RecordArgs) -> Result<Outcome> {
    if !valid_name(&args.name) {
        bail!(
            "--name {:?}: use letters, digits, '-', '_' and '.' only (it becomes the file name)",
            args.name
        );
    }
    let read = args.input.read_one()?;
    let secrets = args.secrets.load()?;
    let request = &read.request;
    let w = pipeline::run(request, &secrets, RunOptions::default()).map_err(|e| anyhow!("{e}"))?;
    let Some(signature) = w.signature.clone() else {
        bail!(
            "cannot record: {}",
            w.not_computed
                .clone()
                .unwrap_or_else(|| "no signature could be computed".into())
        );
    };
    if w.valid == Some(false) {
        anstream::eprintln!(
            "not recorded: the request's oauth_signature does not verify with these secrets, so it is not known-good (run `oauth1-doctor explain` on it)"
        );
        return Ok(Outcome::Mismatch);
    }
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .cloned()
        .collect();
    headers.dedup();
    let body = if request.body.is_empty() {
        None
    } else {
        Some(
            String::from_utf8(request.body.clone())
                .map_err(|_| anyhow!("cannot record a body that is not UTF-8 text"))?,
        )
    };
    let key_file = format!("{}.pem", args.name);
    let key_pem = match &args.secrets.private_key {
        Some(p) => Some(super::inputs::read_text_file(p, "the private key")?),
        None => None,
    };
    let fixture = Fixture {
        name: args.name.clone(),
        description: args.description.clone().unwrap_or_else(|| {
            format!(
                "Recorded by `oauth1-doctor record` from {} (a known-good request).",
                args.input.request
            )
        }),
        given_base_string: None,
        request: Some(RequestSpec {
            method: Some(request.method.clone()),
            url: Some(request.url.clone()),
            content_type: request.header("content-type").map(str::to_string),
            headers: (!headers.is_empty()).then_some(headers),
            body,
            ..RequestSpec::default()
        }),
        oauth: None,
        secrets: Some(SecretsSpec {
            consumer_secret: secrets
                .consumer_secret
                .as_ref()
                .map(|s| s.expose().to_string()),
            token_secret: secrets
                .token_secret
                .as_ref()
                .map(|s| s.expose().to_string()),
            private_key_file: key_pem.as_ref().map(|_| key_file.clone()),
            public_key_file: None,
        }),
        expected: Expected {
            base_uri: Some(w.base_uri.clone()),
            normalized_parameters: Some(w.normalized_parameters.clone()),
            base_string: Some(w.base_string.clone()),
            signature: Some(signature),
            authorization: None,
            error: None,
        },
    };
    let text = format!(
        "# Recorded by oauth1-doctor record. It holds the secrets given: keep test secrets only.\n{}",
        toml::to_string_pretty(&fixture).context("cannot write the fixture as TOML")?
    );
    // The file must load and check before it is written.
    let path = args.dir.join(format!("{}.toml", args.name));
    let shown = path.to_string_lossy().replace('\\', "/");
    let reloaded = fixtures::load(&shown, &text).map_err(|e| anyhow!("internal: {e}"))?;
    let files = Memory {
        key: key_pem.as_deref().map(|k| (key_file.as_str(), k)),
    };
    fixtures::check(&reloaded, &files)
        .map_err(|m| anyhow!("internal: the recorded fixture does not check: {m}"))?;
    if !args.force {
        for p in [
            Some(path.clone()),
            key_pem.as_ref().map(|_| args.dir.join(&key_file)),
        ]
        .into_iter()
        .flatten()
        {
            if p.exists() {
                bail!("{} already exists: pass --force to replace it", p.display());
            }
        }
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let key_path = args.dir.join(&key_file);
    if let Some(pem) = &key_pem {
        write_atomically(&key_path, pem.as_bytes(), args.force)?;
    }
    if let Err(e) = write_atomically(&path, text.as_bytes(), args.force) {
        // No key file without the fixture that names it.
        if key_pem.is_some() {
            let _ = std::fs::remove_file(&key_path);
        }
        return Err(e);
    }
    anstream::println!("wrote {shown} (it holds the secrets given: keep test secrets only)");
    Ok(Outcome::Ok)
}
