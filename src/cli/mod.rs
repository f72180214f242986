//! Command-line interface: argument definitions and dispatch.
//!
//! Exit codes everywhere: 0 ok, 1 a mismatch or invalid signature was
//! found, 2 bad usage or unreadable input.

mod batch;
mod check;
mod conform;
mod diff;
mod diffview;
mod explain;
mod hunt;
mod inputs;
mod junit;
#[cfg(feature = "listen")]
mod listen;
mod postman;
mod process_tree;
mod record;
mod render;
mod schemes;
#[cfg(feature = "serve")]
mod serve;
mod shell;
mod sign;
mod vectors;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Explains why an OAuth 1.0 (RFC 5849) signature is rejected.
#[derive(Debug, Parser)]
#[command(name = "oauth1-doctor", version, propagate_version = true, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// The flags every command takes.
#[derive(Debug, clap::Args)]
struct Global {
    /// When to colour output: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    color: ColorWhen,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compare a known-good request with a candidate and pinpoint what breaks the signature (exit 0 equivalent, 1 different).
    Diff(Box<diff::DiffArgs>),
    /// Sign a request and print its Authorization header.
    Sign(Box<sign::SignArgs>),
    /// Walk through every RFC 5849 step of signing a request.
    Explain(explain::ExplainArgs),
    /// Check a request's oauth_signature (exit 0 valid, 1 invalid), or every request of a log (--format jsonl, --secrets).
    Verify(batch::VerifyArgs),
    /// Name the signer's mistake by reproducing its signature (exit 0 reproduced, 1 not; with --target, 0 only when neither side has a mistake).
    Hunt(Box<hunt::HuntArgs>),
    /// Run fixture files (default: the bundled corpus) and report pass/fail per case.
    Check(check::CheckArgs),
    /// Grade a signer under test (a command reading JSON on stdin) on every vector.
    Conform(conform::ConformArgs),
    /// Export the vectors as a table, or grade a table of results.
    #[command(subcommand)]
    Vectors(vectors::VectorsCommand),
    /// Turn a known-good request into a fixture file.
    Record(Box<record::RecordArgs>),
    /// Serve a local strict OAuth 1.0 endpoint: point a tool at it and read why its requests are rejected.
    #[cfg(feature = "listen")]
    Listen(Box<listen::ListenArgs>),
    /// Serve the local web workbench: paste, compare, hunt and watch requests in a browser page (offline; secrets stay on this machine).
    #[cfg(feature = "serve")]
    Serve(Box<serve::ServeArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to standard output.
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff) to standard output: `oauth1-doctor man | man -l -`.
    Man,
}

/// `-q/--quiet`, on every command with a verdict.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct Quiet {
    /// Print nothing: the exit code is the whole answer (0 ok, 1 mismatch or invalid). An error that exits 2 is still explained on standard error.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
}

impl Command {
    /// True when the command was given `-q/--quiet`.
    fn quiet(&self) -> bool {
        match self {
            Command::Diff(a) => a.quiet.quiet,
            Command::Verify(a) => a.quiet.quiet,
            Command::Hunt(a) => a.quiet.quiet,
            Command::Check(a) => a.quiet.quiet,
            Command::Conform(a) => a.report.quiet.quiet,
            Command::Vectors(vectors::VectorsCommand::Grade(a)) => a.report.quiet.quiet,
            _ => false,
        }
    }
}

/// What a command concluded, mapped to the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: a mismatch or invalid signature.
    Mismatch,
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(value) = old_sign_version(&argv) {
        render::error(&anyhow::anyhow!(
            "sign: --version prints oauth1-doctor's version (as on every command); to send oauth_version={value}, use --oauth-version {value}"
        ));
        return ExitCode::from(2);
    }
    let parsed = match shell::lean_parse(&argv) {
        Some(cli) => Ok(cli),
        None => shell::command()
            .try_get_matches_from(&argv)
            .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m)),
    };
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, &argv),
    };
    let choice = match cli.global.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    let silenced = if cli.command.quiet() {
        match shell::Silenced::start() {
            Ok(s) => Some(s),
            Err(e) => {
                render::error(&e);
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    let result = match cli.command {
        Command::Sign(args) => sign::run(*args),
        Command::Explain(args) => explain::run(args, explain::Mode::Explain),
        Command::Verify(args) => batch::run(args),
        Command::Hunt(args) => hunt::run(*args),
        Command::Check(args) => check::run(args),
        Command::Conform(args) => conform::run(args),
        Command::Vectors(command) => vectors::run(command),
        Command::Record(args) => record::run(*args),
        Command::Diff(args) => diff::run(*args),
        #[cfg(feature = "listen")]
        Command::Listen(args) => listen::run(*args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(*args),
        Command::Completions(args) => shell::completions(args),
        Command::Man => shell::man(),
    };
    // Errors (exit 2) are explained even under --quiet.
    drop(silenced);
    match result {
        Ok(Outcome::Ok) => ExitCode::from(0),
        Ok(Outcome::Mismatch) => ExitCode::from(1),
        Err(e) => {
            render::error(&e);
            ExitCode::from(2)
        }
    }
}

/// `sign --version VALUE` (or `--version=VALUE`), the old spelling of
/// `--oauth-version`: the value, so that the command is refused rather
/// than answered with the program's version and nothing signed.
fn old_sign_version(argv: &[std::ffi::OsString]) -> Option<String> {
    let args: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let sign = args.iter().position(|a| a == "sign")?;
    let rest = &args[sign + 1..];
    for (i, a) in rest.iter().enumerate() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--version=") {
            return Some(v.to_string());
        }
        let looks_like_version =
            |v: &String| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if a == "--version" {
            return rest.get(i + 1).filter(|v| looks_like_version(v)).cloned();
        }
    }
    None
}

/// The long names of every flag that takes a secret (value name `SECRET`).
fn secret_flags() -> Vec<String> {
    fn walk(c: &clap::Command, out: &mut Vec<String>) {
        for a in c.get_arguments() {
            let secret = a
                .get_value_names()
                .is_some_and(|names| names.iter().any(|n| n.as_str() == "SECRET"));
            if let (true, Some(long)) = (secret, a.get_long()) {
                out.push(format!("--{long}"));
            }
        }
        for sub in c.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&shell::command(), &mut out);
    out.sort();
    out.dedup();
    out
}

/// The arguments that are, or may be part of, a secret: the value of a
/// secret-taking flag (`--consumer-secret VALUE` or `--consumer-secret=VALUE`)
/// and the arguments that follow it up to the next flag (a secret with a
/// space, unquoted). Each with its position (1 = the first argument) and
/// the flag it follows.
fn secret_arguments(argv: &[String]) -> Vec<(usize, String, String)> {
    let flags = secret_flags();
    let mut out = Vec::new();
    let mut after: Option<&str> = None;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            break;
        }
        if let Some(flag) = flags.iter().find(|f| a == *f) {
            if let Some(v) = argv.get(i + 1) {
                out.push((i + 1, flag.clone(), v.clone()));
            }
            after = Some(flag);
            i += 2;
            continue;
        }
        if let Some(flag) = flags.iter().find(|f| {
            a.strip_prefix(f.as_str())
                .is_some_and(|rest| rest.starts_with('='))
        }) {
            out.push((i, flag.clone(), a[flag.len() + 1..].to_string()));
            after = Some(flag);
        } else if a.starts_with('-') {
            after = None;
        } else if let Some(flag) = after {
            out.push((i, flag.to_string(), a.clone()));
        }
        i += 1;
    }
    out
}

/// A clap error, unless it would echo a secret: then which argument was
/// wrong, by position, without its value (secrets are never printed).
fn usage_error(e: clap::Error, argv: &[std::ffi::OsString]) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let argv: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let rendered = e.render().to_string();
    let invalid = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let leak = secret_arguments(&argv).into_iter().find(|(_, _, value)| {
        !value.is_empty()
            && (rendered.contains(value.as_str())
                || invalid
                    .as_deref()
                    .is_some_and(|i| !i.is_empty() && value.contains(i)))
    });
    let Some((position, flag, _)) = leak else {
        e.exit();
    };
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("unexpected argument at position {position}"),
        _ => format!("invalid arguments (near position {position})"),
    };
    render::error(&anyhow::anyhow!(
        "{what}; its value is not shown because it follows {flag}, which takes a secret (quote a secret that holds spaces, and write one that starts with '-' as {flag}=VALUE)\n\nFor more information, try '--help'."
    ));
    ExitCode::from(2)
}
