//! A signer under test and every process it starts, killed with system
//! calls (no `kill` binary) and reaped, so `conform` leaves nothing behind.
//!
//! On Linux this process becomes a child subreaper: a descendant whose
//! parent exits (a background job, a daemon that called `setsid`) is
//! re-parented here instead of to init, so it can be found and reaped.
//! Each signer runs in its own process group and carries a marker in its
//! environment ([`MARKER`]) that its descendants inherit. When the signer
//! exits or times out, its group is killed, then every process that
//! carries its marker or holds its output pipes open (found in `/proc`),
//! then the zombies are reaped. At
//! the end of a run, any child left (one that cleared its environment and
//! left the group) is killed too. Elsewhere on Unix only the group is
//! killed; on other systems only the signer itself.

use std::io;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The environment variable that marks a signer's processes: its value is
/// `<our pid>-<run number>`.
pub const MARKER: &str = "OAUTH1_DOCTOR_CONFORM_SIGNER";

/// The signers being waited for: their exit status belongs to their
/// [`Child`], so a sweep never reaps them. Held while spawning, so a
/// sweep never sees a signer before it is listed.
static ACTIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());
static RUNS: AtomicUsize = AtomicUsize::new(0);

/// One signer: its process group and its marker.
#[derive(Debug)]
pub struct Signer {
    /// The signer's process (a shell), leader of its own group.
    pub child: Child,
    marker: String,
    /// The pipes of its standard output and error (Linux: their inodes):
    /// whoever holds them is the signer's, marker or not.
    pipes: Vec<u64>,
}

/// Makes this process the reaper of its orphaned descendants (Linux).
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// Starts `cmd` in its own process group, marked.
pub fn spawn(cmd: &mut Command) -> io::Result<Signer> {
    let marker = format!(
        "{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::SeqCst)
    );
    cmd.env(MARKER, &marker);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    let child = cmd.spawn()?;
    active.push(child.id());
    let mut pipes = Vec::new();
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let fds = [
            child.stdout.as_ref().map(|p| p.as_raw_fd()),
            child.stderr.as_ref().map(|p| p.as_raw_fd()),
        ];
        pipes.extend(
            fds.into_iter()
                .flatten()
                .filter_map(|fd| pipe_inode(&format!("/proc/self/fd/{fd}"))),
        );
    }
    Ok(Signer {
        child,
        marker,
        pipes,
    })
}

impl Signer {
    /// Kills the signer and everything it started, waits for them, and
    /// says whether the signer itself is gone (`Err` when a kill failed).
    pub fn kill_tree(&mut self) -> Result<(), String> {
        let group = kill_group(self.child.id());
        let own = match self.child.kill() {
            Ok(()) => Ok(()),
            // Already exited: nothing to kill.
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
            Err(e) => Err(e.to_string()),
        };
        let waited = self.child.wait().map_err(|e| e.to_string());
        self.sweep();
        match (group, own, waited) {
            (_, Ok(()), Ok(_)) => Ok(()),
            (Err(g), Err(o), _) => Err(format!("{o}; {g}")),
            (_, Err(e), _) | (_, _, Err(e)) => Err(e),
        }
    }

    /// After the signer exited (and was waited for): kills what it left
    /// behind and reaps it; how many processes were killed.
    pub fn sweep(&mut self) -> usize {
        forget(self.child.id());
        let _ = kill_group(self.child.id());
        sweep_where(|p| {
            p.marker.as_deref() == Some(self.marker.as_str())
                || p.pgrp == i64::from(self.child.id())
                || p.pipes.iter().any(|i| self.pipes.contains(i))
        })
    }
}

/// Kills whatever children are left at the end of a run (none is a
/// signer being waited for any more); how many.
pub fn sweep_all() -> usize {
    let me = i64::from(std::process::id());
    sweep_where(|p| p.ppid == me)
}

fn forget(pid: u32) {
    let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    active.retain(|p| *p != pid);
}

/// `killpg(pgid, SIGKILL)`: `Ok` also when the group is already empty.
fn kill_group(pgid: u32) -> Result<(), String> {
    #[cfg(unix)]
    {
        let Ok(pgid) = libc::pid_t::try_from(pgid) else {
            return Err("process id out of range".into());
        };
        // SAFETY: killpg only sends a signal; no memory is involved.
        let r = unsafe { libc::killpg(pgid, libc::SIGKILL) };
        let e = io::Error::last_os_error();
        if r == 0 || e.raw_os_error() == Some(libc::ESRCH) {
            Ok(())
        } else {
            Err(format!("cannot kill the process group: {e}"))
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pgid;
        Ok(())
    }
}

/// A process as `/proc` shows it.
#[derive(Debug)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
struct Proc {
    pid: i64,
    ppid: i64,
    pgrp: i64,
    zombie: bool,
    marker: Option<String>,
    /// The pipes it holds open (inodes).
    pipes: Vec<u64>,
}

/// The inode of the pipe a `/proc/…/fd/N` link points to.
#[cfg(target_os = "linux")]
fn pipe_inode(link: &str) -> Option<u64> {
    let target = std::fs::read_link(link).ok()?;
    target
        .to_str()?
        .strip_prefix("pipe:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

#[cfg(target_os = "linux")]
fn processes() -> Vec<Proc> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let key = format!("{MARKER}=");
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i64>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp ...": comm may hold anything, so read after its last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let mut f = rest.split_ascii_whitespace();
        let (Some(state), Some(ppid), Some(pgrp)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let (Ok(ppid), Ok(pgrp)) = (ppid.parse(), pgrp.parse()) else {
            continue;
        };
        let marker = std::fs::read(format!("/proc/{pid}/environ"))
            .ok()
            .and_then(|env| {
                env.split(|b| *b == 0)
                    .find_map(|v| v.strip_prefix(key.as_bytes()))
                    .map(|v| String::from_utf8_lossy(v).into_owned())
            });
        let pipes = std::fs::read_dir(format!("/proc/{pid}/fd"))
            .map(|fds| {
                fds.flatten()
                    .filter_map(|fd| pipe_inode(&fd.path().to_string_lossy()))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Proc {
            pid,
            ppid,
            pgrp,
            zombie: state == "Z",
            marker,
            pipes,
        });
    }
    out
}

/// Kills every live process that `pick` selects (never this one, never a
/// signer being waited for) and reaps this process's zombie children,
/// until none is left; how many were killed.
#[cfg(target_os = "linux")]
fn sweep_where(pick: impl Fn(&Proc) -> bool) -> usize {
    let me = i64::from(std::process::id());
    let mut killed = std::collections::HashSet::new();
    let mut reaped = std::collections::HashSet::new();
    for _ in 0..200 {
        let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        let is_active = |pid: i64| active.iter().any(|a| i64::from(*a) == pid);
        let mut left = false;
        for p in processes() {
            if p.pid == me || is_active(p.pid) {
                continue;
            }
            let picked = pick(&p);
            if !p.zombie && picked {
                // SAFETY: kill only sends a signal.
                if unsafe { libc::kill(p.pid as libc::pid_t, libc::SIGKILL) } == 0 {
                    killed.insert(p.pid);
                }
                left = true;
            } else if p.zombie && p.ppid == me && (picked || killed.contains(&p.pid)) {
                let mut status = 0;
                // SAFETY: waitpid on one child of ours that nothing else waits for.
                let r = unsafe { libc::waitpid(p.pid as libc::pid_t, &mut status, libc::WNOHANG) };
                if r == p.pid as libc::pid_t {
                    reaped.insert(p.pid);
                }
            } else if p.zombie && killed.contains(&p.pid) && !reaped.contains(&p.pid) {
                // Dead, but its parent is not reaped yet: it comes to us next.
                left = true;
            }
        }
        drop(active);
        if !left {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    killed.len()
}

#[cfg(not(target_os = "linux"))]
fn sweep_where(_pick: impl Fn(&Proc) -> bool) -> usize {
    0
}
