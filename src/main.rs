//! The `oauth1-doctor` binary: a thin layer that parses arguments, calls
//! the library and renders its results.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
