//! Local files: the one place the library reads the disk, and the rule for
//! which files a pasted request may name.
//!
//! A cURL command can name any file (`-d @/etc/passwd`, `-H @file`,
//! `--data-binary @/proc/self/environ`), and `explain`, `sign` and `diff`
//! print what they read. So two kinds of reads are kept apart:
//!
//! - files the **user** names on the command line or in their own
//!   configuration (the request file, `--consumer-secret-file`, keys, a
//!   secrets file, fixtures): [`read_bounded`] / [`NamedFiles`], any path,
//!   at most [`MAX_INPUT`] bytes;
//! - files a **pasted request** names (cURL `@file`, `<file`): [`ConfinedFiles`],
//!   only below one base directory (the cURL file's own, or the working
//!   directory for standard input) or below a path the user allowed
//!   explicitly, never from `/proc`, `/sys` or `/dev`, and only regular
//!   files, so a FIFO or a device cannot hang or flood the reader.
//!
//! Front ends that take requests from the network must give the readers
//! [`NoFiles`](super::NoFiles): they never read local files at all.

use super::{Files, MAX_INPUT};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a file was not read. Names the file; never holds its content.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be opened (or resolved).
    #[error("cannot open {path}: {error}")]
    Open {
        /// The file as named.
        path: String,
        /// The system's reason.
        error: std::io::Error,
    },
    /// The file could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The file as named.
        path: String,
        /// The system's reason.
        error: std::io::Error,
    },
    /// The file holds more than the limit; only the limit is known, not its size.
    #[error("{path} is larger than the {limit}-byte ({mib} MiB) limit", mib = limit / (1024 * 1024))]
    TooLarge {
        /// The file as named.
        path: String,
        /// The limit in bytes ([`MAX_INPUT`]).
        limit: usize,
    },
    /// The rule for files named by a request refuses it.
    #[error("refused to read {path}: {reason}")]
    Refused {
        /// The file as named in the request.
        path: String,
        /// Why, in a few words.
        reason: String,
        /// Whether the user can allow it explicitly (false for `/proc`,
        /// `/sys`, `/dev` and files that are not regular files).
        allowable: bool,
        /// The file as resolved (symbolic links and `..` followed), when known.
        resolved: Option<PathBuf>,
    },
}

/// Reads at most [`MAX_INPUT`] bytes from `reader`, or says that there are more.
/// `name` names the source in the error.
pub fn read_limited(reader: impl Read, name: &str) -> Result<Vec<u8>, FileError> {
    let mut buf = Vec::new();
    // One byte past the limit tells "exactly the limit" from "more".
    reader
        .take(MAX_INPUT as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|error| FileError::Io {
            path: name.to_string(),
            error,
        })?;
    if buf.len() > MAX_INPUT {
        return Err(FileError::TooLarge {
            path: name.to_string(),
            limit: MAX_INPUT,
        });
    }
    Ok(buf)
}

/// Reads a file the user named (a request, a secret, a key, a secrets
/// file, a fixture), refusing one over [`MAX_INPUT`] bytes. Any kind of
/// file is read, so `<(…)` process substitution keeps working.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, FileError> {
    let name = path.display().to_string();
    let f = File::open(path).map_err(|error| FileError::Open {
        path: name.clone(),
        error,
    })?;
    read_limited(f, &name)
}

/// [`read_bounded`] for text: the file must be UTF-8.
pub fn read_bounded_text(path: &Path) -> Result<String, FileError> {
    let bytes = read_bounded(path)?;
    String::from_utf8(bytes).map_err(|_| FileError::Io {
        path: path.display().to_string(),
        error: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
    })
}

/// [`Files`] for files the user named in their own configuration (a
/// secrets file's key paths, a fixture's key files): any path, relative
/// ones taken as given, each at most [`MAX_INPUT`] bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct NamedFiles;

impl Files for NamedFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        read_bounded(Path::new(path)).map_err(|e| e.to_string())
    }
}

/// Directories no request may read from, whatever the user allowed:
/// their files describe the running system (`/proc/self/environ` holds
/// every secret in the environment) or never end (`/dev/zero`).
const NEVER: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Where a confined file was found allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    /// Below the base directory.
    UnderBase,
    /// At or below this explicitly allowed path.
    Explicitly(PathBuf),
}

/// [`Files`] for the files a pasted request names (cURL `@file`): read
/// only below one base directory or an explicitly allowed path, never
/// from `/proc`, `/sys` or `/dev`, regular files only, each at most
/// [`MAX_INPUT`] bytes.
///
/// `~` is not expanded: curl does not expand it either (a shell does,
/// before curl runs), so a path starting with `~` is refused with a hint
/// to write it out.
///
/// ```
/// use oauth1_doctor::input::files::ConfinedFiles;
/// use oauth1_doctor::input::Files;
/// let dir = std::env::temp_dir();
/// let files = ConfinedFiles::new(&dir, "the test directory");
/// assert!(files.read("/etc/passwd").unwrap_err().contains("outside the test directory"));
/// assert!(files.read("/proc/self/environ").unwrap_err().contains("/proc, /sys and /dev"));
/// ```
#[derive(Debug, Clone)]
pub struct ConfinedFiles {
    base: PathBuf,
    base_name: String,
    allowed: Vec<PathBuf>,
}

impl ConfinedFiles {
    /// Files below `base`, described to people as `base_name` (e.g. "the
    /// cURL file's directory"). `base` is resolved now (symbolic links
    /// followed); one that does not resolve allows nothing.
    pub fn new(base: &Path, base_name: &str) -> ConfinedFiles {
        ConfinedFiles {
            base: std::fs::canonicalize(base).unwrap_or_default(),
            base_name: base_name.to_string(),
            allowed: Vec::new(),
        }
    }

    /// Also allows the file `path`, or every file below it if it is a
    /// directory. The path must exist; it is resolved now.
    pub fn allow(&mut self, path: &Path) -> Result<(), FileError> {
        let resolved = std::fs::canonicalize(path).map_err(|error| FileError::Open {
            path: path.display().to_string(),
            error,
        })?;
        self.allowed.push(resolved);
        Ok(())
    }

    /// The file `path` names, resolved, and why it may be read; or why not.
    pub fn check(&self, path: &str) -> Result<(PathBuf, Allowed), FileError> {
        let refuse =
            |reason: String, allowable: bool, resolved: Option<PathBuf>| FileError::Refused {
                path: path.to_string(),
                reason,
                allowable,
                resolved,
            };
        if path.is_empty() {
            return Err(refuse("the file name is empty".into(), false, None));
        }
        if path.starts_with('~') {
            return Err(refuse(
                "`~` is expanded by a shell, not by curl, and oauth1-doctor does not expand it: write the path out".into(),
                true,
                None,
            ));
        }
        let named = Path::new(path);
        let joined = if named.is_absolute() {
            named.to_path_buf()
        } else {
            self.base.join(named)
        };
        if under_never(&joined) {
            return Err(refuse(never_reason(), false, Some(joined)));
        }
        let resolved = std::fs::canonicalize(&joined).map_err(|error| FileError::Open {
            path: path.to_string(),
            error,
        })?;
        if under_never(&resolved) {
            return Err(refuse(never_reason(), false, Some(resolved)));
        }
        let allowed = if !self.base.as_os_str().is_empty() && resolved.starts_with(&self.base) {
            Allowed::UnderBase
        } else if let Some(a) = self.allowed.iter().find(|a| resolved.starts_with(a)) {
            Allowed::Explicitly(a.clone())
        } else {
            let how = if named.is_absolute() {
                "it is an absolute path"
            } else {
                "it leads out through `..` or a symbolic link"
            };
            return Err(refuse(
                format!(
                    "{how} outside {} ({}), and was not allowed explicitly",
                    self.base_name,
                    self.base.display()
                ),
                true,
                Some(resolved),
            ));
        };
        // Checked before opening, so a FIFO is never opened (opening one
        // for reading waits for a writer).
        let meta = std::fs::metadata(&resolved).map_err(|error| FileError::Open {
            path: path.to_string(),
            error,
        })?;
        if !meta.is_file() {
            return Err(refuse(not_regular(&meta), false, Some(resolved)));
        }
        Ok((resolved, allowed))
    }

    /// How `path` is (or would be) read, for a reader's assumptions.
    pub fn describe_path(&self, path: &str) -> Option<String> {
        match self.check(path).ok()? {
            (_, Allowed::UnderBase) => Some(format!("relative to {}", self.base_name)),
            (resolved, Allowed::Explicitly(a)) => Some(format!(
                "{} allowed explicitly ({})",
                resolved.display(),
                a.display()
            )),
        }
    }
}

fn never_reason() -> String {
    "files under /proc, /sys and /dev describe the running system (the environment's secrets) or never end, so no request may name them".into()
}

fn not_regular(meta: &std::fs::Metadata) -> String {
    let kind = if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file (a FIFO, socket or device)"
    };
    format!("it is {kind}; only regular files are read")
}

fn under_never(p: &Path) -> bool {
    NEVER.iter().any(|n| p.starts_with(n))
}

/// Opens a regular file without waiting: if it was swapped for a FIFO
/// after the check, opening does not block and the handle is refused.
fn open_regular(path: &Path, shown: &str) -> Result<File, FileError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let f = options.open(path).map_err(|error| FileError::Open {
        path: shown.to_string(),
        error,
    })?;
    let meta = f.metadata().map_err(|error| FileError::Open {
        path: shown.to_string(),
        error,
    })?;
    if !meta.is_file() {
        return Err(FileError::Refused {
            path: shown.to_string(),
            reason: not_regular(&meta),
            allowable: false,
            resolved: Some(path.to_path_buf()),
        });
    }
    Ok(f)
}

impl Files for ConfinedFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let (resolved, _) = self.check(path).map_err(|e| e.to_string())?;
        let f = open_regular(&resolved, path).map_err(|e| e.to_string())?;
        read_limited(f, path).map_err(|e| e.to_string())
    }

    fn describe(&self, path: &str) -> Option<String> {
        self.describe_path(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, ConfinedFiles) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/data.txt"), b"a=1").unwrap();
        std::fs::write(dir.path().join("outside.txt"), b"secret").unwrap();
        let files = ConfinedFiles::new(&dir.path().join("sub"), "the cURL file's directory");
        (dir, files)
    }

    #[test]
    fn files_below_the_base_are_read() {
        let (_dir, files) = tree();
        assert_eq!(files.read("data.txt").unwrap(), b"a=1");
        assert_eq!(files.read("./data.txt").unwrap(), b"a=1");
        assert_eq!(
            files.describe("data.txt").as_deref(),
            Some("relative to the cURL file's directory")
        );
    }

    #[test]
    fn escapes_are_refused_until_allowed() {
        let (dir, mut files) = tree();
        let outside = dir.path().join("outside.txt");
        for p in ["../outside.txt", outside.to_str().unwrap()] {
            let e = files.read(p).unwrap_err();
            assert!(e.contains("refused") && e.contains("outside"), "{e}");
        }
        files.allow(&outside).unwrap();
        assert_eq!(files.read("../outside.txt").unwrap(), b"secret");
        assert!(files
            .describe("../outside.txt")
            .unwrap()
            .contains("allowed explicitly"));
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_followed_before_the_rule() {
        let (dir, files) = tree();
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), dir.path().join("sub/link"))
            .unwrap();
        let e = files.read("link").unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
    }

    #[test]
    fn system_files_and_tilde_are_never_read() {
        let (_dir, mut files) = tree();
        files.allow(Path::new("/")).unwrap();
        for p in [
            "/proc/self/environ",
            "/dev/zero",
            "/sys/kernel/hostname",
            "/dev/stdin",
        ] {
            let e = files.read(p).unwrap_err();
            assert!(e.contains("/proc, /sys and /dev"), "{p}: {e}");
        }
        let e = files.read("~/.ssh/id_rsa").unwrap_err();
        assert!(e.contains("`~` is expanded by a shell"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_opening_it() {
        let (dir, files) = tree();
        let fifo = dir.path().join("sub/fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to test
        }
        let e = files.read("fifo").unwrap_err();
        assert!(e.contains("FIFO"), "{e}");
        let e = files.read(".").unwrap_err();
        assert!(e.contains("a directory"), "{e}");
    }

    #[test]
    fn the_limit_is_reported_as_the_limit() {
        let e = read_limited(&vec![0u8; MAX_INPUT + 10][..], "big").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("big is larger than the {MAX_INPUT}-byte (16 MiB) limit")
        );
        assert_eq!(
            read_limited(&vec![0u8; MAX_INPUT][..], "x").unwrap().len(),
            MAX_INPUT
        );
    }
}
