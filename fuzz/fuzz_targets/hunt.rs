//! Fuzz target `hunt`: see `fuzz/checks/hunt.rs` for what it checks
//! (the same check replays `fuzz/regressions/hunt/` in `cargo test`).
#![no_main]

#[path = "../checks/hunt.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
