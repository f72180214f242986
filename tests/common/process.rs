//! Child processes the tests start: the binary under test (without the
//! user's `OAUTH1_*` settings), long-running servers whose first line is
//! read at once and whose other lines are collected, and curl.

#![allow(dead_code)] // not every test file uses every helper

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Removes every `OAUTH1_*` variable (secrets, keys, the conform signer
/// the user may have set) from what `cmd` inherits, so a test sees only
/// what it passes.
pub fn without_user_env(cmd: &mut Command) -> &mut Command {
    for (k, _) in std::env::vars() {
        if k.starts_with("OAUTH1_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// The binary under test, without the user's `OAUTH1_*` variables.
pub fn doctor() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oauth1-doctor"));
    without_user_env(&mut cmd);
    cmd
}

/// Whether curl runs; `.ci/run` installs it where missing, so in CI
/// (`CI=true`) its absence fails the test, and locally it is said on
/// stderr that the test is skipped.
pub fn curl_available() -> bool {
    let ok = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "curl is not installed (.ci/run installs it)"
        );
        eprintln!("skipped: curl is not installed");
    }
    ok
}

/// Lines read from `r` on a thread of their own, into `into`.
pub fn collect_lines(r: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines() {
            let Ok(line) = line else { break };
            into.lock().unwrap().push(line);
        }
    });
}

/// A child process whose first stdout line (a server's URL) was read at
/// start; its other stdout lines and its stderr are collected as they
/// come. Killed when dropped.
pub struct Running {
    child: Child,
    /// The first stdout line, trimmed.
    pub first: String,
    /// Stdout after the first line.
    pub out: Arc<Mutex<Vec<String>>>,
    /// Stderr.
    pub err: Arc<Mutex<Vec<String>>>,
}

impl Running {
    /// Starts `cmd` (from the repository root unless it names a folder)
    /// with stdin closed, and reads its first line; panics with its stderr
    /// when there is none.
    pub fn spawn(mut cmd: Command) -> Running {
        if cmd.get_current_dir().is_none() {
            cmd.current_dir(root());
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the process starts");
        let err = Arc::new(Mutex::new(Vec::new()));
        collect_lines(child.stderr.take().unwrap(), err.clone());
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        if first.trim().is_empty() {
            std::thread::sleep(Duration::from_millis(300));
            panic!("no first line; stderr {:?}", err.lock().unwrap());
        }
        let out = Arc::new(Mutex::new(Vec::new()));
        collect_lines(stdout, out.clone());
        Running {
            child,
            first: first.trim().to_string(),
            out,
            err,
        }
    }

    /// Waits (60 s at most) until a stdout line contains `needle`; all stdout lines so far.
    pub fn wait_out(&self, needle: &str) -> Vec<String> {
        wait_for(&self.out, needle, &self.err)
    }

    /// Waits (60 s at most) until a stderr line contains `needle`; all stderr lines so far.
    pub fn wait_err(&self, needle: &str) -> Vec<String> {
        wait_for(&self.err, needle, &self.out)
    }

    /// Waits (60 s at most) for `n` stdout lines after the first.
    pub fn wait_lines(&self, n: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let l = self.out.lock().unwrap().clone();
            if l.len() >= n {
                return l;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "waiting for {n} lines: {l:?}; stderr {:?}",
                self.err.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (60 s at most) for the process to end by itself (after
    /// `--count`, a signal): its status, stdout after the first line, stderr.
    pub fn finish(mut self) -> (ExitStatus, Vec<String>, Vec<String>) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The collecting threads read what is left in the pipes.
                std::thread::sleep(Duration::from_millis(100));
                let out = self.out.lock().unwrap().clone();
                let err = self.err.lock().unwrap().clone();
                return (status, out, err);
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "did not exit; stdout {:?}, stderr {:?}",
                self.out.lock().unwrap(),
                self.err.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The process id (to send it a signal).
    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(
    lines: &Arc<Mutex<Vec<String>>>,
    needle: &str,
    other: &Arc<Mutex<Vec<String>>>,
) -> Vec<String> {
    let start = Instant::now();
    loop {
        {
            let l = lines.lock().unwrap();
            if l.iter().any(|x| x.contains(needle)) {
                return l.clone();
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {needle}: have {:?}; other stream {:?}",
            lines.lock().unwrap(),
            other.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
