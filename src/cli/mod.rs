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
mod record;
mod render;
mod sign;
mod vectors;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Explains why an OAuth 1.0 (RFC 5849) signature is rejected.
#[derive(Debug, Parser)]
#[command(name = "oauth1-doctor", version, about, long_about = None)]
pub struct Cli {
    /// When to colour output: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
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
    /// Name the signer's mistake by reproducing its signature (exit 0 reproduced, 1 not).
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
    let cli = Cli::parse();
    let choice = match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
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
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::from(0),
        Ok(Outcome::Mismatch) => ExitCode::from(1),
        Err(e) => {
            render::error(&e);
            ExitCode::from(2)
        }
    }
}
