//! Fuzz target `jsonl`: see `fuzz/checks/jsonl.rs` for what it checks
//! (the same check replays `fuzz/regressions/jsonl/` in `cargo test`).
#![no_main]

#[path = "../checks/jsonl.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
