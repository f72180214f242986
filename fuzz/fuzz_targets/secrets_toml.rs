//! Fuzz target `secrets_toml`: see `fuzz/checks/secrets_toml.rs` for what it checks
//! (the same check replays `fuzz/regressions/secrets_toml/` in `cargo test`).
#![no_main]

#[path = "../checks/secrets_toml.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
