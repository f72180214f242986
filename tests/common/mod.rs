//! Helpers shared by the integration tests (each test file that needs one
//! says `mod common;`).

pub mod process;

use std::path::Path;

/// The secrets and server response of `fixtures/diff/<name>/expect.toml`.
#[derive(serde::Deserialize, Default)]
pub struct ScenarioInputs {
    consumer_secret: Option<String>,
    token_secret: Option<String>,
    good_consumer_secret: Option<String>,
    good_token_secret: Option<String>,
    candidate_consumer_secret: Option<String>,
    candidate_token_secret: Option<String>,
    server_response: Option<String>,
    /// An RSA public key for both sides, from the repository root.
    public_key: Option<String>,
}

/// The `diff` arguments of the scenario in `dir`, as `tests/diff.rs` runs
/// it: the known-good file (when there is one), the candidate, the
/// scenario's secrets (when `secrets`) and its server response. Files are
/// named as `shown` followed by their name, so a caller can pass a path
/// relative to the repository root and keep absolute paths out of output.
/// `None` when the scenario has no candidate file.
#[allow(dead_code)] // not every test file uses every helper
pub fn diff_scenario_args(dir: &Path, shown: &str, secrets: bool) -> Option<Vec<String>> {
    let e: ScenarioInputs = std::fs::read_to_string(dir.join("expect.toml"))
        .ok()
        .and_then(|t| toml::from_str(&t).ok())
        .unwrap_or_default();
    let cand = ["candidate.http", "candidate.txt"]
        .into_iter()
        .find(|c| dir.join(c).is_file())?;
    let mut args = Vec::new();
    if dir.join("known_good.http").is_file() {
        args.push(format!("{shown}/known_good.http"));
    }
    args.push(format!("{shown}/{cand}"));
    if secrets {
        for (flag, value) in [
            ("--consumer-secret", &e.consumer_secret),
            ("--token-secret", &e.token_secret),
            ("--good-consumer-secret", &e.good_consumer_secret),
            ("--good-token-secret", &e.good_token_secret),
            ("--candidate-consumer-secret", &e.candidate_consumer_secret),
            ("--candidate-token-secret", &e.candidate_token_secret),
        ] {
            if let Some(v) = value {
                args.push(format!("{flag}={v}"));
            }
        }
    }
    if let (true, Some(k)) = (secrets, &e.public_key) {
        args.push(format!("--public-key={k}"));
    }
    if let Some(r) = &e.server_response {
        args.push("--server-response".into());
        args.push(format!("{shown}/{r}"));
    }
    Some(args)
}

/// A real client the tests drive (a venv's python, a node_modules folder):
/// from the environment variable `var` that `.ci/run` sets, else
/// `tests/clients/.deps/<default>`, which `tests/clients/setup.sh` fills
/// (run here once when it is empty, so that a plain `cargo test` runs
/// every test). `None` (skipped, said on stderr) when it cannot be had
/// locally; a failure in CI (`CI=true`).
#[allow(dead_code)]
pub fn real_client(var: &str, default: &str, what: &str) -> Option<std::path::PathBuf> {
    use std::process::{Command, Stdio};
    if let Some(p) = std::env::var_os(var)
        .map(std::path::PathBuf::from)
        .filter(|p| p.exists())
    {
        return Some(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let default = root.join("tests/clients/.deps").join(default);
    static SETUP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ready = default.exists()
        || *SETUP.get_or_init(|| {
            Command::new("bash")
                .arg(root.join("tests/clients/setup.sh"))
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
    if ready && default.exists() {
        return Some(default);
    }
    let msg = format!(
        "{var} is not set and tests/clients/setup.sh could not install {what} (.ci/run does)"
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{msg}");
    }
    eprintln!("skipped: {msg}");
    None
}
