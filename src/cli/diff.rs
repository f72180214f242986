//! `diff`: a known-good request against a candidate (or a server's echoed
//! base string against a candidate), findings ranked, base strings aligned.

use super::inputs::{
    private_key_file, public_key_file, read_input, secret_file, DiskFiles, FormatArg, SecretArgs,
};
use super::render::{pad, paint, visible, BAD, BOLD, DIM, GOOD, WARN};
use super::Outcome;
use anyhow::{anyhow, bail, Result};
use clap::Args;
use oauth1_doctor::diff::base_diff::is_base_string;
use oauth1_doctor::diff::echo::ServerEcho;
use oauth1_doctor::diff::select::{self, Role};
use oauth1_doctor::diff::{
    self, postman, Cause, CauseSource, DiffOptions, DiffReport, Reference, Side, SideSecrets,
    Situation,
};
use oauth1_doctor::hunt;
use oauth1_doctor::input::{self, ReadOptions};
use oauth1_doctor::schemes;
use oauth1_doctor::signature::Secrets;
use oauth1_doctor::{Format, Secret};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// GOOD then CANDIDATE: files (raw HTTP, cURL, HAR, or a bare signature base string) or `-`. With --server-response, CANDIDATE alone is enough.
    #[arg(value_name = "GOOD CANDIDATE", num_args = 1..=2, required = true)]
    pub inputs: Vec<String>,
    /// Read both inputs as this format instead of detecting it.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Scheme for a raw HTTP request whose target has none.
    #[arg(long, value_name = "SCHEME")]
    pub scheme: Option<String>,
    /// The body of the server's 401 response: an echoed base string or signature is compared with the candidate.
    #[arg(long, value_name = "FILE")]
    pub server_response: Option<PathBuf>,
    /// Let a cURL command read this file, or any file below this directory, with @FILE (repeatable). Without it only files below each cURL file's own directory are read.
    #[arg(long = "allow-file", value_name = "PATH")]
    pub allow_file: Vec<PathBuf>,
    /// Print one JSON object (the documented contract) instead of text.
    #[arg(long)]
    pub json: bool,
    /// For a CANDIDATE holding several requests (HAR, JSON Lines): use this one (0-based HAR entry, or position). Without it, the one whose signature fails or that was answered 401.
    #[arg(long, value_name = "N")]
    pub entry: Option<usize>,
    /// For a GOOD holding several requests: use this one. Without it, the one whose signature verifies or that was answered 2xx.
    #[arg(long, value_name = "N")]
    pub good_entry: Option<usize>,
    /// Only ask "do they sign the same content?": exit 0 when they do, even if the signatures were not checked (no secrets).
    #[arg(long)]
    pub structural: bool,
    /// Secrets shared by both sides.
    #[command(flatten)]
    pub secrets: SecretArgs,
    #[command(flatten)]
    pub sides: SideSecretArgs,
    #[command(flatten)]
    pub budget: super::hunt::BudgetArgs,
    #[command(flatten)]
    pub quiet: super::Quiet,
    /// When GOOD is a Postman collection: its request and environment.
    #[command(flatten)]
    pub collection: super::postman::CollectionArgs,
}

/// Secrets for one side only; they override the shared ones.
#[derive(Debug, Clone, Args)]
pub struct SideSecretArgs {
    /// Known-good consumer secret [env: OAUTH1_GOOD_CONSUMER_SECRET]
    #[arg(
        long,
        env = "OAUTH1_GOOD_CONSUMER_SECRET",
        hide_env = true,
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub good_consumer_secret: Option<String>,
    /// Read the known-good consumer secret from a file.
    #[arg(long, value_name = "FILE")]
    pub good_consumer_secret_file: Option<PathBuf>,
    /// Known-good token secret [env: OAUTH1_GOOD_TOKEN_SECRET]
    #[arg(
        long,
        env = "OAUTH1_GOOD_TOKEN_SECRET",
        hide_env = true,
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub good_token_secret: Option<String>,
    /// Read the known-good token secret from a file.
    #[arg(long, value_name = "FILE")]
    pub good_token_secret_file: Option<PathBuf>,
    /// Known-good RSA private key (PEM).
    #[arg(long, value_name = "FILE")]
    pub good_private_key: Option<PathBuf>,
    /// Known-good RSA public key or certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub good_public_key: Option<PathBuf>,
    /// Candidate consumer secret [env: OAUTH1_CANDIDATE_CONSUMER_SECRET]
    #[arg(
        long,
        env = "OAUTH1_CANDIDATE_CONSUMER_SECRET",
        hide_env = true,
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub candidate_consumer_secret: Option<String>,
    /// Read the candidate consumer secret from a file.
    #[arg(long, value_name = "FILE")]
    pub candidate_consumer_secret_file: Option<PathBuf>,
    /// Candidate token secret [env: OAUTH1_CANDIDATE_TOKEN_SECRET]
    #[arg(
        long,
        env = "OAUTH1_CANDIDATE_TOKEN_SECRET",
        hide_env = true,
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub candidate_token_secret: Option<String>,
    /// Read the candidate token secret from a file.
    #[arg(long, value_name = "FILE")]
    pub candidate_token_secret_file: Option<PathBuf>,
    /// Candidate RSA private key (PEM).
    #[arg(long, value_name = "FILE")]
    pub candidate_private_key: Option<PathBuf>,
    /// Candidate RSA public key or certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub candidate_public_key: Option<PathBuf>,
}

fn secret_from(value: &Option<String>, file: &Option<PathBuf>) -> Result<Option<Secret>> {
    if let Some(f) = file {
        return Ok(Some(secret_file(f)?));
    }
    Ok(value.clone().map(Secret::new))
}

fn overlay(
    mut base: Secrets,
    cs: (&Option<String>, &Option<PathBuf>),
    ts: (&Option<String>, &Option<PathBuf>),
    private: &Option<PathBuf>,
    public: &Option<PathBuf>,
) -> Result<Secrets> {
    if let Some(s) = secret_from(cs.0, cs.1)? {
        base.consumer_secret = Some(s);
    }
    if let Some(s) = secret_from(ts.0, ts.1)? {
        base.token_secret = Some(s);
    }
    if let Some(p) = private {
        base.private_key = Some(private_key_file(p)?);
    }
    if let Some(p) = public {
        base.public_key = Some(public_key_file(p)?);
    }
    Ok(base)
}

impl DiffArgs {
    fn side_secrets(&self) -> Result<SideSecrets> {
        let shared = self.secrets.load()?;
        let s = &self.sides;
        Ok(SideSecrets {
            good: overlay(
                shared.clone(),
                (&s.good_consumer_secret, &s.good_consumer_secret_file),
                (&s.good_token_secret, &s.good_token_secret_file),
                &s.good_private_key,
                &s.good_public_key,
            )?,
            candidate: overlay(
                shared,
                (
                    &s.candidate_consumer_secret,
                    &s.candidate_consumer_secret_file,
                ),
                (&s.candidate_token_secret, &s.candidate_token_secret_file),
                &s.candidate_private_key,
                &s.candidate_public_key,
            )?,
        })
    }

    /// Reads one side: a bare base string, or a request through the
    /// shared readers; of several requests, the one [`select::choose`]
    /// names (said on standard error), never one picked silently.
    fn read_side(&self, path: &str, role: Role, secrets: &Secrets) -> Result<(Side, bool)> {
        let who = match role {
            Role::KnownGood => "known-good",
            Role::Candidate => "candidate",
        };
        let bytes = read_input(path)?;
        let text = String::from_utf8_lossy(&bytes);
        if self.format.is_none() && is_base_string(&text) {
            return Ok((Side::BaseString(text.trim().to_string()), false));
        }
        let named = match role {
            Role::KnownGood => self.good_entry,
            Role::Candidate => self.entry,
        };
        let options = ReadOptions {
            format: self.format.map(Format::from),
            scheme: self.scheme.clone(),
            // A HAR reader reads the named entry itself; for JSON Lines
            // it is a position among the lines read (below).
            entry: named,
        };
        let files = DiskFiles::for_request(path, &self.allow_file)?;
        let mut reads =
            input::read(&bytes, &options, &files).map_err(|e| anyhow!("{who} {path}: {e}"))?;
        if reads.is_empty() {
            bail!("{who} {path}: no request found");
        }
        let said = reads.len() > 1 || named.is_some();
        // A HAR reader has read the named entry alone: it is position 0.
        let named = named.map(|n| if reads.len() == 1 { 0 } else { n });
        if let Some(n) = named.filter(|n| *n >= reads.len()) {
            bail!(
                "{who} {path}: request {n} does not exist: it holds {} (numbered from 0)",
                reads.len()
            );
        }
        let choice =
            select::choose(&reads, secrets, role, named).map_err(|e| anyhow!("{path}: {e}"))?;
        if said {
            anstream::eprintln!(
                "{} {who} {path}: {}",
                paint(DIM, "note:"),
                visible(&choice.to_string())
            );
        }
        let read = reads.swap_remove(choice.position);
        let from_postman = postman::from_postman(&read, &bytes);
        Ok((Side::Request(read), from_postman))
    }
}

pub fn run(args: DiffArgs) -> Result<Outcome> {
    let stdin_inputs = args
        .inputs
        .iter()
        .map(String::as_str)
        .chain(args.server_response.as_deref().and_then(|p| p.to_str()))
        .filter(|p| *p == "-")
        .count();
    if stdin_inputs > 1 {
        bail!("standard input (-) can be read only once: give at most one of GOOD, CANDIDATE and --server-response as -, the others as files");
    }
    let mut secrets = args.side_secrets()?;
    let response = match &args.server_response {
        Some(p) => {
            let bytes = read_input(&p.to_string_lossy())?;
            Some((p, String::from_utf8_lossy(&bytes).into_owned()))
        }
        None => None,
    };
    let (good_path, cand_path) = match (args.inputs.as_slice(), &response) {
        ([g, c], _) => (Some(g.clone()), c.clone()),
        ([c], Some(_)) => (None, c.clone()),
        _ => bail!("{}", diff::DiagnoseError::NoReference),
    };
    let (candidate, _) = args.read_side(&cand_path, Role::Candidate, &secrets.candidate)?;
    let collection = match &good_path {
        Some(gp) if gp != "-" => args.collection.load(gp, &read_input(gp)?)?,
        _ if args.collection.item.is_some() || args.collection.environment.is_some() => {
            bail!("--item and --environment name a request of a Postman collection given as GOOD (a file)")
        }
        _ => None,
    };
    let (good, good_from_postman) = match (&good_path, collection) {
        (Some(gp), Some(item)) => {
            let good = postman_good(&args, gp, &item, &candidate, &mut secrets)?;
            (Some(good), true)
        }
        (Some(gp), None) => {
            let (side, from_postman) = args.read_side(gp, Role::KnownGood, &secrets.good)?;
            (Some(side), from_postman)
        }
        (None, _) => (None, false),
    };
    let options = DiffOptions {
        good_from_postman,
        hunt_budget: args.budget.budget(),
        structural: args.structural,
        show_secrets: args.secrets.show_secrets,
    };
    // Two requests of another scheme than OAuth 1.0 have their credentials
    // compared; everything else is diagnosed as OAuth 1.0.
    let d = match diff::answer(
        good.as_ref(),
        &candidate,
        response.as_ref().map(|(_, body)| body.as_str()),
        &secrets,
        &options,
    )
    .map_err(|e| match (&e, &response) {
        (diff::DiagnoseError::NothingInResponse, Some((p, _))) => {
            anyhow!("server response {}: {e}", p.display())
        }
        _ => anyhow!("{e}"),
    })? {
        diff::DiffAnswer::Credentials(d) => {
            if args.json {
                anstream::println!("{}", serde_json::to_string(&d)?);
            } else {
                anstream::print!("{}", scheme_diff_human(&d));
            }
            return Ok(if d.equivalent {
                Outcome::Ok
            } else {
                Outcome::Mismatch
            });
        }
        diff::DiffAnswer::Signature(d) => *d,
    };
    if args.json {
        anstream::println!("{}", serde_json::to_string(&d)?);
    } else {
        // The verdict and its cause come first, then what the server said.
        let server_is_main = d.reference == Some(Reference::Server);
        let reference = if server_is_main {
            "server"
        } else {
            "known-good"
        };
        let (head, body) = match d.reference {
            Some(_) => render(&d.report, reference, &cand_path),
            None => (String::new(), String::new()),
        };
        let server = d.server_response.as_ref().map(|s| {
            let block = render_server(&s.echo, &s.notes, s.report.as_ref(), server_is_main);
            // One blank line between the blocks.
            let block = if body.is_empty() {
                block
            } else {
                block.trim_end_matches('\n').to_string() + "\n"
            };
            if head.is_empty() {
                block
            } else {
                format!("\n{block}")
            }
        });
        let keys = match (&d.reference, args.secrets.show_secrets) {
            (Some(_), true) => shown_keys(&d.report, &secrets),
            _ => String::new(),
        };
        anstream::print!("{head}{}{body}{keys}", server.unwrap_or_default());
    }
    Ok(if d.passed {
        Outcome::Ok
    } else {
        Outcome::Mismatch
    })
}

/// The known-good side from a Postman collection: the item signed as
/// Postman would sign it **with the candidate's nonce and timestamp**, so
/// that the two base strings line up. The collection's secrets are the
/// known-good's (flags over them), and the candidate's when none are given.
fn postman_good(
    args: &DiffArgs,
    path: &str,
    item: &oauth1_doctor::input::postman::PostmanItem,
    candidate: &Side,
    secrets: &mut SideSecrets,
) -> Result<Side> {
    use oauth1_doctor::sign::Protocol;
    let Side::Request(c) = candidate else {
        bail!("a Postman collection item is compared with a request, not with a bare base string");
    };
    let carried = Protocol::from_request(&c.request).map_err(|e| anyhow!("candidate: {e}"))?;
    let protocol = oauth1_doctor::sign::SignOptions {
        nonce: carried.get("oauth_nonce").map(str::to_string),
        timestamp: carried.get("oauth_timestamp").map(str::to_string),
        ..Default::default()
    };
    let signed = super::postman::sign_item(
        item,
        &super::postman::PostmanFlags::default(),
        &protocol,
        &args.secrets,
        &super::sign::fresh(),
    )?;
    let s = &args.sides;
    secrets.good = overlay(
        signed.secrets.clone(),
        (&s.good_consumer_secret, &s.good_consumer_secret_file),
        (&s.good_token_secret, &s.good_token_secret_file),
        &s.good_private_key,
        &s.good_public_key,
    )?;
    let c = &secrets.candidate;
    if c.consumer_secret.is_none() && c.private_key.is_none() && c.public_key.is_none() {
        secrets.candidate = signed.secrets.clone();
    }
    let cfg = &signed.config;
    let on = |b: bool| if b { "on" } else { "off" };
    anstream::eprintln!(
        "{} known-good {path}: item {} signed as Postman would (settings from {}: Add auth data to {}, Add empty parameters to signature {}, Encode the parameters in the Authorization header {}, Include body hash {}, disableUrlEncoding {}), with the candidate's nonce and timestamp",
        paint(DIM, "note:"),
        visible(&item.path),
        signed.report.auth_from.as_ref().map_or("flags".to_string(), |o| o.to_string()),
        match signed.signed.placement {
            oauth1_doctor::sign::postman::Placement::Header => "Request Headers",
            oauth1_doctor::sign::postman::Placement::Query => "Request URL",
            oauth1_doctor::sign::postman::Placement::Body => "Request Body",
        },
        on(cfg.add_empty_params),
        on(!cfg.disable_header_encoding),
        on(cfg.include_body_hash),
        on(cfg.disable_url_encoding),
    );
    for d in &signed.report.departures {
        anstream::eprintln!(
            "{} {}: {}",
            paint(WARN, "postman:"),
            d.id,
            visible(&d.detail)
        );
    }
    let mut read = item.to_read();
    read.request = signed.signed.request;
    Ok(Side::Request(read))
}

/// A finding's value for people: empty shown as `(empty)`, control characters visible.
fn shown(v: &str) -> String {
    if v.is_empty() {
        "(empty)".into()
    } else {
        visible(v).into_owned()
    }
}

use super::inputs::SECRETS_HINT as PASS_SECRETS;

/// The cause in one line: its id(s), then what the signer did and the rule it breaks.
fn cause_text(c: &Cause) -> String {
    match c.source {
        CauseSource::Hunt => format!(
            "{}: {}",
            paint(WARN, c.ids.join(" + ")),
            visible(&c.message)
        ),
        CauseSource::Finding => {
            let id = c.ids.first().copied().unwrap_or_default();
            let mistake = match c.mistake {
                Some(m) if m != id => format!(" ({m})"),
                _ => String::new(),
            };
            let at = c
                .location
                .as_deref()
                .map(|l| format!(" at {}", visible(l)))
                .unwrap_or_default();
            format!("{}{mistake}{at}: {}", paint(WARN, id), visible(&c.message))
        }
    }
}

/// The first line: the verdict, then the cause in the user's words.
fn situation_line(r: &DiffReport, reference: &str) -> String {
    let cause = r.cause.as_ref().map(cause_text);
    match r.situation {
        Some(Situation::Equivalent) => format!(
            "{} the {reference} and candidate requests sign the same base string; only volatile values (nonce, timestamp, signature) differ",
            paint(GOOD, "equivalent:")
        ),
        Some(Situation::SignaturesUnchecked) => format!(
            "{} the {reference} and candidate requests sign the same content, but their signatures were not checked, so a mistake in how the candidate computes its signature cannot be seen: {PASS_SECRETS}",
            paint(WARN, "signatures unchecked:")
        ),
        Some(Situation::SignerInconsistent) => format!(
            "{} {}",
            paint(BAD, "signer inconsistent:"),
            cause.unwrap_or_else(|| "the candidate's oauth_signature does not match the request it sent".into())
        ),
        Some(Situation::RequestDiffers) if r.candidate_is_base_string => format!(
            "{} {}",
            paint(BAD, "base string differs:"),
            cause.unwrap_or_else(|| format!("the candidate's base string is not the one the {reference} request signs"))
        ),
        Some(Situation::RequestDiffers) => format!(
            "{} {}",
            paint(BAD, "request differs:"),
            cause.unwrap_or_else(|| "the candidate is self-consistent but signs a different request".into())
        ),
        None => format!(
            "{} {} (the signatures were not checked: {PASS_SECRETS})",
            paint(BAD, "different:"),
            cause.unwrap_or_else(|| "see the findings".into())
        ),
    }
}

/// The lines under the first: alternatives, then what the situation means.
fn situation_details(r: &DiffReport, reference: &str, cand_path: &str) -> String {
    let mut o = String::new();
    let dim = |o: &mut String, text: String| o.push_str(&format!("  {}\n", paint(DIM, text)));
    match r.situation {
        Some(Situation::SignerInconsistent) => {
            let from_hunt = r
                .cause
                .as_ref()
                .is_some_and(|c| c.source == CauseSource::Hunt);
            if let Some(h) = r.hunt.as_ref().filter(|_| from_hunt) {
                for e in h.explanations.iter().skip(1) {
                    let text = e
                        .iter()
                        .filter_map(|id| hunt::mistake(id))
                        .map(|m| format!("{} ({})", m.description, m.section))
                        .collect::<Vec<_>>()
                        .join("; and ");
                    o.push_str(&format!(
                        "  or equally {}: {}\n",
                        paint(WARN, e.join(" + ")),
                        visible(&text)
                    ));
                }
                for m in h.mistakes.iter().filter_map(|id| hunt::mistake(id)) {
                    dim(&mut o, format!("fix ({}): {}", m.id, m.fix));
                }
                dim(&mut o, format!(
                    "the candidate's oauth_signature does not match the request it sent; the hunt reproduced it with {} ({} variant{} tried)",
                    if h.mistakes.len() == 1 { "this mistake" } else { "these mistakes" },
                    h.tried,
                    if h.tried == 1 { "" } else { "s" }
                ));
            } else {
                let why = match &r.hunt {
                    Some(h) if !h.matched && h.budget.exhausted => format!(
                        "the hunt for a known signer mistake was cut short by its budget ({} variant{} tried); run `oauth1-doctor hunt {cand_path}` with a larger --budget-time or --budget-memory to search further",
                        h.budget.candidates_tried,
                        if h.budget.candidates_tried == 1 { "" } else { "s" }
                    ),
                    Some(h) if !h.matched => format!(
                        "no known signer mistake (up to {} combined) reproduces it; run `oauth1-doctor hunt {cand_path} --depth 4` (with the same secrets) to search deeper",
                        h.depth
                    ),
                    _ => format!(
                        "run `oauth1-doctor hunt {cand_path}` (with the same secrets) to search which known signer mistake reproduces it"
                    ),
                };
                dim(&mut o, format!(
                    "the candidate's oauth_signature does not match the request it sent, so its signer signs something other than what it sends; {why}"
                ));
            }
        }
        Some(Situation::RequestDiffers) if !r.candidate_is_base_string => dim(
            &mut o,
            format!(
                "the candidate's own signature verifies, but it signs {} than the {}",
                if r.cause().is_some_and(|f| f.effect == diff::Effect::Key) {
                    "with a different key"
                } else {
                    "a different request"
                },
                if reference == "server" {
                    "server's base string"
                } else {
                    "known-good request"
                }
            ),
        ),
        Some(Situation::SignaturesUnchecked) => dim(
            &mut o,
            "with --structural only the signed content is compared (exit 0 when it is the same)"
                .into(),
        ),
        _ => {}
    }
    o
}

/// The report as text: the verdict lines, then the rest (findings, base strings, signatures).
fn render(r: &DiffReport, reference: &str, cand_path: &str) -> (String, String) {
    let mut o = situation_line(r, reference);
    if !r.postman_settings.is_empty() {
        o.push_str(&format!(
            "; the known-good came from Postman, whose OAuth 1.0 setting {} explains this",
            r.postman_settings
                .iter()
                .map(|s| paint(WARN, format!("*{s}*")))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    o.push('\n');
    o.push_str(&situation_details(r, reference, cand_path));
    let head = std::mem::take(&mut o);
    if !r.findings.is_empty() {
        o.push_str(&format!("\n{}\n", paint(BOLD, "Findings")));
        let labels = [reference.to_string(), "candidate".to_string()];
        let w = labels.iter().map(|l| l.len()).max().unwrap_or(9);
        for (i, f) in r.findings.iter().enumerate() {
            let style = if f.is_significant() { BAD } else { DIM };
            // The catalogue mistake behind the finding, when it has another name.
            let mistake = match f.mistake {
                Some(m) if m != f.id => format!("  {}", paint(DIM, format!("mistake: {m}"))),
                _ => String::new(),
            };
            o.push_str(&format!(
                "{:>3}. {}  {}  {}{mistake}\n",
                i + 1,
                paint(style, f.id),
                paint(DIM, format!("[{}]", f.category.as_str())),
                f.location
            ));
            if f.good.is_some() || f.candidate.is_some() {
                o.push_str(&format!(
                    "     {}  {}\n     {}  {}\n",
                    pad(&labels[0], w),
                    f.good.as_deref().map_or("(absent)".into(), shown),
                    pad(&labels[1], w),
                    f.candidate.as_deref().map_or("(absent)".into(), shown),
                ));
            }
            o.push_str(&format!("     {}\n", f.message));
        }
    }
    o.push_str(&format!("\n{}\n", paint(BOLD, "Base strings")));
    o.push_str(&aligned(r, reference));
    let valid = |v: Option<bool>| match v {
        Some(true) => paint(GOOD, "valid"),
        Some(false) => paint(BAD, "does not match"),
        None => paint(DIM, "not checked"),
    };
    o.push_str(&format!(
        "\n{} {reference}: {}; candidate: {}\n",
        paint(BOLD, "Own signatures"),
        valid(r.good_valid),
        valid(r.candidate_valid)
    ));
    if let (Some(g), Some(c)) = &r.key_shapes {
        o.push_str(&format!(
            "{} {reference}: {g}; candidate: {c}\n",
            paint(BOLD, "Keys (RFC 5849 §3.4.2, secrets masked)")
        ));
    }
    (head, o)
}

/// With `--show-secrets` only: each side's signing key itself (RFC 5849
/// §3.4.2), for the sides whose key is shown masked above.
fn shown_keys(r: &DiffReport, secrets: &SideSecrets) -> String {
    let key = |shape: &Option<String>, s: &Secrets| {
        shape
            .as_ref()
            .map(|_| oauth1_doctor::signature::key_shape(s, true))
    };
    match (
        key(&r.key_shapes.0, &secrets.good),
        key(&r.key_shapes.1, &secrets.candidate),
    ) {
        (None, None) => String::new(),
        (g, c) => format!(
            "{} known-good: {}; candidate: {}\n",
            paint(BOLD, "Keys (--show-secrets)"),
            visible(g.as_deref().unwrap_or("(none)")),
            visible(c.as_deref().unwrap_or("(none)"))
        ),
    }
}

/// The two base strings of a report, the one way every command shows them.
fn aligned(r: &DiffReport, reference: &str) -> String {
    let colour = anstream::stdout().current_choice() != anstream::ColorChoice::Never;
    super::diffview::base_strings((reference, "candidate"), &r.alignment, colour)
}

fn render_server(
    e: &ServerEcho,
    notes: &[String],
    r: Option<&DiffReport>,
    is_main: bool,
) -> String {
    let mut o = format!(
        "{} {}\n",
        paint(BOLD, "Server response:"),
        e.shape.describe()
    );
    for f in &e.found {
        o.push_str(&format!("  found: {f}\n"));
    }
    for n in notes {
        o.push_str(&format!("  {} {n}\n", paint(WARN, "•")));
    }
    if let (Some(r), false) = (r, is_main) {
        match r.cause() {
            Some(f) => o.push_str(&format!(
                "  the server's base string differs from the candidate's first at {} ({})\n",
                f.location, f.id
            )),
            None => o.push_str(
                "  the server's base string matches the candidate's (volatile values aside)\n",
            ),
        }
        o.push_str(&aligned(r, "server"));
    }
    o.push('\n');
    o
}

/// `diff` of two requests of another scheme: the first line, then the
/// ranked findings (values masked as the reports mask them).
fn scheme_diff_human(d: &schemes::compare::SchemeDiff) -> String {
    let mut o = String::new();
    let style = if d.equivalent { GOOD } else { BAD };
    o.push_str(&format!("{}\n", paint(style, visible(&d.summary))));
    o.push_str(&format!(
        "  known-good: {} ({}); candidate: {} ({})\n",
        d.good.scheme.label(),
        visible(&d.good.carrier),
        d.candidate.scheme.label(),
        visible(&d.candidate.carrier)
    ));
    if !d.findings.is_empty() {
        o.push_str(&format!("\n{}\n", paint(BOLD, "Findings")));
        for (i, f) in d.findings.iter().enumerate() {
            o.push_str(&format!(
                "{:>3}. {}  {}\n",
                i + 1,
                paint(BAD, &f.id),
                visible(&f.location)
            ));
            if f.good.is_some() || f.candidate.is_some() {
                let show = |v: &Option<String>| {
                    v.as_deref()
                        .map_or_else(|| "(absent)".to_string(), |x| visible(x).to_string())
                };
                o.push_str(&format!(
                    "     known-good  {}\n     candidate   {}\n",
                    show(&f.good),
                    show(&f.candidate)
                ));
            }
            o.push_str(&format!("     {}\n", visible(&f.message)));
        }
    }
    o
}
