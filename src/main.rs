//! The `oauth1-doctor` binary: a thin layer that parses arguments, calls
//! the library and renders its results.

mod cli;

// The system allocator (issue 18): mimalloc, the allocator before, cost a
// one-request `verify` about 110 more page faults at start (0.4-0.6 ms
// of a 1.4 ms median), and batch verification no longer allocates per
// line, so it gained nothing there. README "Performance".

fn main() -> std::process::ExitCode {
    cli::main()
}
