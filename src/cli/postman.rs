//! Postman collections on the command line: `--item`, `--environment`,
//! `sign --like postman` and its checkbox flags. The reading and signing
//! are the library's (`input::postman`, `sign::postman`); this file turns
//! flags into its configuration and renders its report.

use super::inputs::{read_input, SecretArgs};
use anyhow::{anyhow, bail, Result};
use clap::Args;
use oauth1_doctor::input::postman::{self, AuthChoice, Environment, PostmanItem, SettingRead};
use oauth1_doctor::sign::postman::{
    config_from, sign_like_postman, Placement, PostmanConfig, PostmanReport, PostmanSigned,
    Unsigned,
};
use oauth1_doctor::sign::Fresh;
use oauth1_doctor::signature::Secrets;
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
        if let Some(p) = self.placement {
            config.placement = Some(p.into());
        }
        config.add_empty_params |= self.add_empty_params;
        config.disable_header_encoding |= self.no_header_encoding;
        config.disable_url_encoding |= self.no_url_encoding;
        config.include_body_hash |= body_hash;
    }
}

/// A collection item signed as Postman would sign it, and its report.
pub struct SignedItem {
    pub signed: PostmanSigned,
    pub report: PostmanReport,
    /// The secrets it was signed with (the collection's, flags over them).
    pub secrets: Secrets,
    /// The config it was signed with.
    pub config: PostmanConfig,
}

/// Overrides from `sign`'s flags (`None`: the collection's).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub consumer_key: Option<String>,
    pub token: Option<String>,
    pub signature_method: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    pub realm: Option<String>,
    pub callback: Option<String>,
    pub verifier: Option<String>,
    pub version: Option<Option<String>>,
}

/// Secrets given on the command line (or `OAUTH1_*`) over the collection's.
pub fn secrets_over(collection: Secrets, given: &SecretArgs) -> Result<Secrets> {
    let flags = given.load()?;
    Ok(Secrets {
        consumer_secret: flags.consumer_secret.or(collection.consumer_secret),
        token_secret: flags.token_secret.or(collection.token_secret),
        private_key: flags.private_key.or(collection.private_key),
        public_key: flags.public_key.or(collection.public_key),
    })
}

/// Signs `item` as Postman would, flags over the collection's settings.
pub fn sign_item(
    item: &PostmanItem,
    flags: &PostmanFlags,
    body_hash: bool,
    overrides: &Overrides,
    secrets: &SecretArgs,
    fresh: &Fresh,
) -> Result<SignedItem> {
    let settings = match &item.auth {
        AuthChoice::OAuth1(s) => s,
        AuthChoice::None => bail!(
            "{}: no OAuth 1.0 auth: neither the request, its folders nor the collection set one (Postman sends it unsigned)",
            item.path
        ),
        AuthChoice::NoAuth(from) => bail!(
            "{}: auth is \"No Auth\" (set on {from}): Postman sends it unsigned",
            item.path
        ),
        AuthChoice::Other(kind, from) => bail!(
            "{}: auth is {kind:?} (set on {from}), not OAuth 1.0",
            item.path
        ),
    };
    let mut settings = settings.as_ref().clone();
    let o = overrides;
    for (slot, v) in [
        (&mut settings.consumer_key, &o.consumer_key),
        (&mut settings.token, &o.token),
        (&mut settings.signature_method, &o.signature_method),
        (&mut settings.timestamp, &o.timestamp),
        (&mut settings.nonce, &o.nonce),
        (&mut settings.realm, &o.realm),
        (&mut settings.callback, &o.callback),
        (&mut settings.verifier, &o.verifier),
    ] {
        if let Some(v) = v {
            *slot = v.clone();
        }
    }
    if let Some(v) = &o.version {
        settings.version = v.clone();
    }
    let disable_url_encoding = item.disable_url_encoding.as_ref().is_some_and(|(v, _)| *v);
    let (mut config, collection_secrets) = config_from(&settings, disable_url_encoding, fresh)
        .map_err(|e| anyhow!("{}: {e}", item.path))?;
    flags.apply(&mut config, body_hash);
    let secrets_args = secrets;
    let secrets = secrets_over(collection_secrets, secrets_args)?;
    let signed = sign_like_postman(
        Unsigned {
            request: &item.request,
            form: item.form.as_deref(),
            hashed_body: &item.hashed_body,
            body_sent: item.body_sent,
        },
        &config,
        &secrets,
    )
    .map_err(|e| anyhow!("{}: {e}", item.path))?;
    let show = secrets_args.show_secrets;
    let mut read: Vec<SettingRead> = if show {
        settings.read_with_secrets()
    } else {
        settings.read.clone()
    };
    if let Some((v, from)) = &item.disable_url_encoding {
        read.push(SettingRead {
            name: "disableUrlEncoding".into(),
            value: v.to_string(),
            from: from.clone(),
        });
    }
    let report = PostmanReport::new(
        &signed,
        Some(item.path.clone()),
        Some(settings.from.clone()),
        read,
        item.notes.clone(),
        config.signature_method,
        show,
    );
    Ok(SignedItem {
        signed,
        report,
        secrets,
        config,
    })
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
