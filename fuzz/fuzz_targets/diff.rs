//! Fuzz target `diff`: see `fuzz/checks/diff.rs` for what it checks
//! (the same check replays `fuzz/regressions/diff/` in `cargo test`).
#![no_main]

#[path = "../checks/diff.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
