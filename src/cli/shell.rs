//! Fitting the shell: the argument tree with its short flags, `completions`,
//! `man`, and the silence that `-q/--quiet` asks for.

use super::{Cli, Outcome};
use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use std::io::Write;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The whole argument tree, as parsed, completed and documented: the
/// derived one with `-j` added wherever a command has `--json` (no command
/// has another `-j`).
pub fn command() -> clap::Command {
    short_json(Cli::command())
}

/// `-j` for `--json` on every command that has it.
fn short_json(mut c: clap::Command) -> clap::Command {
    if c.get_arguments().any(|a| a.get_id() == "json") {
        c = c.mut_arg("json", |a| a.short('j'));
    }
    let names: Vec<String> = c
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        c = c.mut_subcommand(name, short_json);
    }
    c
}

/// The command line parsed with only its command's arguments built, for
/// a quick start: clap builds every command's arguments (a quarter of
/// the instructions of a whole `verify` of one request) before it parses.
/// Only `verify`, the command run once per request by scripts, takes this
/// path; `None` for anything else and for anything that does not parse
/// (`--help`, `--version`, a mistake), which [`command`] then parses, so
/// help and errors are those of the whole command line.
pub fn lean_parse(argv: &[std::ffi::OsString]) -> Option<Cli> {
    use clap::FromArgMatches;
    let name = argv.get(1)?.to_str()?;
    let sub = match name {
        "verify" => super::batch::VerifyArgs::augment_args(clap::Command::new("verify")),
        _ => return None,
    };
    // As the derive builds the top level (`#[command(...)]` on `Cli`).
    let top = clap::Command::new("oauth1-doctor")
        .version(env!("CARGO_PKG_VERSION"))
        .propagate_version(true)
        .subcommand_required(true)
        .subcommand(sub);
    let matches = short_json(super::Global::augment_args(top))
        .try_get_matches_from(argv)
        .ok()?;
    Some(Cli {
        global: super::Global::from_arg_matches(&matches).ok()?,
        command: super::Command::from_arg_matches(&matches).ok()?,
    })
}

/// `completions SHELL`: the script on standard output.
pub fn completions(args: CompletionsArgs) -> Result<Outcome> {
    let mut c = command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut c, "oauth1-doctor", &mut out);
    write_stdout(&out)
}

/// `man`: the manual page (roff) on standard output, with every command
/// listed in its SUBCOMMANDS section.
pub fn man() -> Result<Outcome> {
    let c = command();
    let mut out = Vec::new();
    clap_mangen::Man::new(c)
        .render(&mut out)
        .context("cannot render the manual page")?;
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<Outcome> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(Outcome::Ok),
        // `oauth1-doctor man | head`: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Ok),
        Err(e) => Err(e).context("cannot write to standard output"),
    }
}

/// Standard output and standard error pointed at the null device while a
/// `--quiet` command runs; dropping it flushes what was buffered (into the
/// null device) and restores standard error, so that an error that exits 2
/// is still explained.
pub struct Silenced {
    #[cfg(unix)]
    saved_stderr: libc::c_int,
}

impl Silenced {
    #[cfg(unix)]
    pub fn start() -> Result<Silenced> {
        use std::os::fd::AsRawFd;
        let null = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .context("--quiet: cannot open /dev/null")?;
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        // SAFETY: dup and dup2 on descriptors this process owns; no Rust
        // object owns descriptors 1 and 2 exclusively.
        let saved_stderr = unsafe { libc::dup(2) };
        if saved_stderr < 0 {
            anyhow::bail!("--quiet: cannot duplicate standard error");
        }
        let fd = null.as_raw_fd();
        // SAFETY: as above; `null` stays open until both calls return.
        let ok = unsafe { libc::dup2(fd, 1) >= 0 && libc::dup2(fd, 2) >= 0 };
        if !ok {
            anyhow::bail!("--quiet: cannot redirect standard output");
        }
        Ok(Silenced { saved_stderr })
    }

    /// Elsewhere `--quiet` is accepted and the output is written as usual.
    #[cfg(not(unix))]
    pub fn start() -> Result<Silenced> {
        Ok(Silenced {})
    }
}

impl Drop for Silenced {
    fn drop(&mut self) {
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        #[cfg(unix)]
        // SAFETY: `saved_stderr` came from dup above and is closed once.
        unsafe {
            libc::dup2(self.saved_stderr, 2);
            libc::close(self.saved_stderr);
        }
    }
}
