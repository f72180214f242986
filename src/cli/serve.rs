//! `serve`: the local web workbench ([`oauth1_doctor::serve`] serves the
//! page and its API; this reads flags and secrets and prints the URL).

use super::batch::choose_keys;
use super::inputs::SecretArgs;
use super::render::{paint, visible, BAD, WARN};
use super::Outcome;
use anyhow::Result;
use clap::Args;
use oauth1_doctor::batch::Keys;
use oauth1_doctor::listen::{Diagnoser, Limits};
use oauth1_doctor::serve::{
    api::ApiOptions, Workbench, WorkbenchEvent, WorkbenchOptions, DEFAULT_PORT,
};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to serve on (0: any free port). The first line printed is the URL.
    #[arg(long, default_value_t = DEFAULT_PORT, value_name = "N")]
    pub port: u16,
    /// Open the page in the default browser (xdg-open or open); only a warning if that fails.
    #[arg(long)]
    pub open: bool,
    /// Start the Live tab's listen server at once (on its own free port, shown in the page); without it the page has a button for it.
    #[arg(long)]
    pub listen: bool,
    /// Serve on this address instead of 127.0.0.1 (loopback). Secrets are pasted into this page: any other address is a risk, and a warning is printed.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<IpAddr>,
    /// Secrets the Live tab's listen server verifies with (the page's own tabs take secrets in the page).
    #[command(flatten)]
    pub secrets: SecretArgs,
    /// Secrets per consumer key and token for the Live tab (TOML, as for verify and listen).
    #[arg(long = "secrets", value_name = "FILE")]
    pub secrets_file: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> Result<Outcome> {
    // Without any, the Live tab's server still shows what arrives (the
    // signature is then not checked).
    let keys = match &args.secrets_file {
        Some(file) => choose_keys(&args.secrets, Some(file))?,
        None => Keys::Same(Box::new(args.secrets.load()?)),
    };
    let bind = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !bind.is_loopback() {
        anstream::eprintln!(
            "{} serving on {bind}: other hosts that can reach it can use this page and read what is pasted into it (without --bind, only this machine can)",
            paint(WARN, "warning:")
        );
    }
    let options = WorkbenchOptions {
        addr: SocketAddr::new(bind, args.port),
        api: ApiOptions {
            show_secrets: args.secrets.show_secrets,
            ..ApiOptions::default()
        },
        limits: Limits::default(),
        live: Some(Diagnoser::new(keys)),
        live_now: args.listen,
    };
    let workbench = Workbench::bind(options)?;
    let url = workbench.url();
    anstream::println!("{url}");
    if args.open {
        open_browser(&url);
    }
    workbench.run(|event| match event {
        WorkbenchEvent::LiveStarted(u) => {
            anstream::eprintln!("live: a listen server catches requests on {u}");
        }
        WorkbenchEvent::Error(line) => {
            anstream::eprintln!("{} {}", paint(BAD, "error:"), visible(&line));
        }
    });
    Ok(Outcome::Ok)
}

/// Opens `url` with the desktop's opener; says so when there is none.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let started = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = started {
        anstream::eprintln!(
            "{} cannot open a browser ({opener}: {e}); open {url} yourself",
            paint(WARN, "warning:")
        );
    }
}
