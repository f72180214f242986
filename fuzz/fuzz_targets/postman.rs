//! Fuzz target `postman`: see `fuzz/checks/postman.rs` for what it checks
//! (the same check replays `fuzz/regressions/postman/` in `cargo test`).
#![no_main]

#[path = "../checks/postman.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
