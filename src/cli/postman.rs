//! Postman collections on the command line: `--item`, `--environment`,
//! `sign --like postman` and its checkbox flags. The reading and signing
//! are the library's (`input::postman`, `sign::postman`); this file turns
//! flags into its configuration and renders its report.

use super::inputs::{read_input, SecretArgs};
use anyhow::{anyhow, bail, Result};
use clap::Args;
use oauth1_doctor::input::postman::{self, Environment, PostmanItem};
pub use oauth1_doctor::sign::postman::SignedItem;
use oauth1_doctor::sign::postman::{
    self as sign_postman, ItemOptions, Placement, PostmanConfig, PostmanReport,
};
use oauth1_doctor::sign::{Fresh, SignOptions};
use std::path::PathBuf;

/// Which request of a Postman collection, and its environment.
#[derive(Debug, Clone, Default, Args)]
pub struct CollectionArgs {
    /// For a Postman collection: the request, by name or folder/…/name (not needed when it holds one request).
    #[arg(long, value_name = "PATH")]
    pub item: Option<String>,
    /// For a Postman collection: a Postman environment export whose variables override the collection's.
    #[arg(long, value_name = "FILE")]
    pub environment: Option<PathBuf>,
}

impl CollectionArgs {
    /// These arguments as command-line words.
    pub fn words(&self) -> Vec<String> {
        let mut w = Vec::new();
        if let Some(i) = &self.item {
            w.extend(["--item".into(), super::inputs::shell_word(i)]);
        }
        if let Some(e) = &self.environment {
            w.extend([
                "--environment".into(),
                super::inputs::shell_word(&e.to_string_lossy()),
            ]);
        }
        w
    }

    /// The item of the collection in `bytes` (read from `path`), or
    /// `None` when `bytes` is not a collection (then `--item` and
    /// `--environment` are refused).
    pub fn load(&self, path: &str, bytes: &[u8]) -> Result<Option<PostmanItem>> {
        if !postman::is_collection(bytes) {
            if self.item.is_some() || self.environment.is_some() {
                bail!("{path}: --item and --environment are for a Postman collection, and this is not one (a collection has \"info\" and \"item\", as Postman's Export writes it)");
            }
            return Ok(None);
        }
        let environment = match &self.environment {
            Some(p) => {
                let bytes = read_input(&p.to_string_lossy())?;
                Some(
                    Environment::parse(&bytes)
                        .map_err(|e| anyhow!("environment {}: {e}", p.display()))?,
                )
            }
            None => None,
        };
        let item = postman::read(bytes, self.item.as_deref(), environment.as_ref())
            .map_err(|e| anyhow!("{path}: {e}"))?;
        Ok(Some(item))
    }
}

/// `--placement`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PlacementArg {
    /// The Authorization header (RFC 5849 §3.5.1).
    Header,
    /// The query string (RFC 5849 §3.5.3).
    Query,
    /// The form-encoded body (RFC 5849 §3.5.2).
    Body,
}

impl From<PlacementArg> for Placement {
    fn from(p: PlacementArg) -> Placement {
        match p {
            PlacementArg::Header => Placement::Header,
            PlacementArg::Query => Placement::Query,
            PlacementArg::Body => Placement::Body,
        }
    }
}

/// `--like`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LikeArg {
    /// Postman's OAuth 1.0 helper, departures from RFC 5849 included.
    Postman,
}

/// How to sign as Postman: the four checkboxes and the placement.
#[derive(Debug, Clone, Default, Args)]
pub struct PostmanFlags {
    /// Where the protocol parameters go: header, query or body (any request; a collection's own setting otherwise).
    #[arg(long, value_enum, value_name = "WHERE")]
    pub placement: Option<PlacementArg>,
    /// Sign as this client does, its departures from RFC 5849 included (a Postman collection is always signed like postman).
    #[arg(long, value_enum, value_name = "CLIENT")]
    pub like: Option<LikeArg>,
    /// Postman's "Add empty parameters to signature" (with --like postman or a collection).
    #[arg(long)]
    pub add_empty_params: bool,
    /// Postman's "Encode the parameters in the Authorization header" unchecked (with --like postman or a collection).
    #[arg(long)]
    pub no_header_encoding: bool,
    /// Postman's request setting disableUrlEncoding (with --like postman or a collection).
    #[arg(long)]
    pub no_url_encoding: bool,
}

impl PostmanFlags {
    /// True when a Postman-only flag is given.
    pub fn postman_only(&self) -> bool {
        self.add_empty_params || self.no_header_encoding || self.no_url_encoding
    }

    /// Turns the flags given on over a configuration.
    pub fn apply(&self, config: &mut PostmanConfig, body_hash: bool) {
        self.options(body_hash).apply(config);
    }

    /// The flags as the library's options (protocol values, secrets and
    /// settings left as the collection's).
    fn options(&self, body_hash: bool) -> ItemOptions {
        ItemOptions {
            protocol: SignOptions {
                body_hash,
                ..SignOptions::default()
            },
            placement: self.placement.map(Into::into),
            add_empty_params: self.add_empty_params,
            disable_header_encoding: self.no_header_encoding,
            disable_url_encoding: self.no_url_encoding,
            ..ItemOptions::default()
        }
    }
}

/// Signs `item` as Postman would ([`sign_item`](oauth1_doctor::sign::postman::sign_item)):
/// `protocol`'s values (`sign`'s flags) and the secrets given (flags,
/// `OAUTH1_*`, files) over the collection's settings.
pub fn sign_item(
    item: &PostmanItem,
    flags: &PostmanFlags,
    protocol: &SignOptions,
    secrets: &SecretArgs,
    fresh: &Fresh,
) -> Result<SignedItem> {
    let options = ItemOptions {
        protocol: SignOptions {
            show_secrets: secrets.show_secrets,
            ..protocol.clone()
        },
        secrets: secrets.load()?,
        ..flags.options(protocol.body_hash)
    };
    Ok(sign_postman::sign_item(item, &options, fresh)?)
}

/// The report as text: the item, where its settings came from, the
/// departures (catalogue ids) and the notes.
pub fn human(report: &PostmanReport) -> String {
    use super::render::{paint, visible, DIM, WARN};
    let mut out = String::new();
    if let Some(item) = &report.item {
        out.push_str(&format!("Postman item: {}\n", visible(item)));
    }
    if let Some(from) = &report.auth_from {
        out.push_str(&format!(
            "OAuth 1.0 settings read from {}:\n",
            origin_text(from)
        ));
    }
    for s in &report.settings {
        let value = if s.value.is_empty() {
            "(empty)".to_string()
        } else {
            visible(&s.value).into_owned()
        };
        out.push_str(&format!(
            "  {:<22} {value}  {}\n",
            s.name,
            paint(DIM, format!("({})", origin_text(&s.from)))
        ));
    }
    out.push_str(&format!(
        "placement: {}\n",
        match report.placement {
            Placement::Header => "Authorization header",
            Placement::Query => "query",
            Placement::Body => "form body",
        }
    ));
    if report.departures.is_empty() {
        out.push_str("Postman's departures from RFC 5849: none in this request\n");
    } else {
        out.push_str("Postman's departures from RFC 5849 in this request:\n");
        for d in &report.departures {
            out.push_str(&format!(
                "  {}: {}\n",
                paint(WARN, d.id),
                visible(&d.detail)
            ));
        }
    }
    for n in &report.notes {
        out.push_str(&format!("{} {}\n", paint(DIM, "note:"), visible(n)));
    }
    out
}

fn origin_text(o: &postman::Origin) -> String {
    o.to_string()
}
