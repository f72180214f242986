//! `--record DIR`: each request as `NNNN.http` (its bytes, the target in
//! absolute form) and `NNNN.json` (its [`ListenRecord`]), created new (never
//! overwriting) and readable by the user only.

use super::diagnose::ListenRecord;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Writes recorded requests into one directory.
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    /// The next number to try (files already there are skipped).
    next: Mutex<u64>,
}

impl Recorder {
    /// Records into `dir`, creating it (mode 0700 on Unix) when missing.
    pub fn new(dir: &Path) -> io::Result<Recorder> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir)?;
        Ok(Recorder {
            dir: dir.to_path_buf(),
            next: Mutex::new(1),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `NNNN.http` and `NNNN.json` under the first number whose
    /// files do not exist yet, and returns the `.http` path. Neither file
    /// is ever overwritten: both are created with `create_new`.
    pub fn write(&self, raw: &[u8], record: &ListenRecord) -> io::Result<PathBuf> {
        let mut json = serde_json::to_vec_pretty(record).map_err(io::Error::other)?;
        json.push(b'\n');
        let mut next = self
            .next
            .lock()
            .map_err(|_| io::Error::other("recorder lock"))?;
        loop {
            let n = *next;
            *next += 1;
            let http = self.dir.join(format!("{n:04}.http"));
            let meta = self.dir.join(format!("{n:04}.json"));
            if meta.exists() {
                continue;
            }
            match create_new(&http) {
                Ok(mut f) => {
                    f.write_all(raw)?;
                    let mut m = create_new(&meta)?;
                    m.write_all(&json)?;
                    return Ok(http);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// A new file, readable and writable by the user only (mode 0600 on Unix).
fn create_new(path: &Path) -> io::Result<std::fs::File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}
