//! Fuzz target `fixture`: see `fuzz/checks/fixture.rs` for what it checks
//! (the same check replays `fuzz/regressions/fixture/` in `cargo test`).
#![no_main]

#[path = "../checks/fixture.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
