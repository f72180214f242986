//! Fuzz target `echo`: see `fuzz/checks/echo.rs` for what it checks
//! (the same check replays `fuzz/regressions/echo/` in `cargo test`).
#![no_main]

#[path = "../checks/echo.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
