//! `record`: turn a known-good request (e.g. a request Postman sent and the
//! server accepted) into a fixture file, written atomically and readable
//! by the user only (0600), like the copied private key; when the fixture
//! cannot be written, the key file written before it is removed.

use super::inputs::{RequestArgs, SecretArgs};
use super::Outcome;
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use oauth1_doctor::fixtures::{self, Fixture, RecordError};
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

pub fn run(args: RecordArgs) -> Result<Outcome> {
    if !fixtures::valid_name(&args.name) {
        bail!(
            "--name {:?}: use letters, digits, '-', '_' and '.' only (it becomes the file name)",
            args.name
        );
    }
    let mut reads = args.input.read_all()?;
    if reads.len() > 1 {
        // A fixture is one request: never pick one of several silently.
        let labels: Vec<String> = reads
            .iter()
            .enumerate()
            .map(|(i, r)| r.label.clone().unwrap_or_else(|| format!("request {i}")))
            .collect();
        bail!(
            "{} holds {} requests ({}): pass --entry N to record one",
            args.input.request,
            reads.len(),
            labels.join("; ")
        );
    }
    let read = reads.remove(0);
    let secrets = args.secrets.load()?;
    let key_pem = match args.secrets.private_key_path()? {
        Some(p) => Some(super::inputs::read_text_file(&p, "the private key")?),
        None => None,
    };
    let description = args.description.clone().unwrap_or_else(|| {
        format!(
            "Recorded by `oauth1-doctor record` from {} (a known-good request).",
            args.input.request
        )
    });
    let recorded = match Fixture::record(
        &read.request,
        &secrets,
        key_pem.as_deref(),
        &args.name,
        &description,
    ) {
        Ok(r) => r,
        Err(e @ RecordError::NotKnownGood) => {
            anstream::eprintln!("{e}");
            return Ok(Outcome::Mismatch);
        }
        Err(e) => return Err(anyhow!("{e}")),
    };
    let path = args.dir.join(&recorded.file_name);
    let shown = path.to_string_lossy().replace('\\', "/");
    let key_path = recorded.key_file.as_ref().map(|(f, _)| args.dir.join(f));
    if !args.force {
        for p in [Some(&path), key_path.as_ref()].into_iter().flatten() {
            if p.exists() {
                bail!("{} already exists: pass --force to replace it", p.display());
            }
        }
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    if let (Some(key_path), Some((_, pem))) = (&key_path, &recorded.key_file) {
        write_atomically(key_path, pem.as_bytes(), args.force)?;
    }
    if let Err(e) = write_atomically(&path, recorded.text.as_bytes(), args.force) {
        // No key file without the fixture that names it.
        if let Some(key_path) = &key_path {
            let _ = std::fs::remove_file(key_path);
        }
        return Err(e);
    }
    anstream::println!("wrote {shown} (it holds the secrets given: keep test secrets only)");
    Ok(Outcome::Ok)
}
