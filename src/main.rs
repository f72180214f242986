//! The `oauth1-doctor` binary: a thin layer that parses arguments, calls
//! the library and renders its results.

mod cli;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
