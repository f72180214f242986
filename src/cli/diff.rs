//! `diff`: a known-good request against a candidate (or a server's echoed
//! base string against a candidate), findings ranked, base strings aligned.

use super::inputs::{
    private_key_file, public_key_file, read_input, secret_file, DiskFiles, FormatArg, SecretArgs,
};
use super::render::{pad, paint, visible, BAD, BOLD, DIM, GOOD, WARN};
use super::Outcome;
use anyhow::{anyhow, bail, Result};
use clap::Args;
use oauth1_doctor::diff::base_diff::{is_base_string, SpanKind};
use oauth1_doctor::diff::echo::ServerEcho;
use oauth1_doctor::diff::{
    self, postman, DiffOptions, DiffReport, Finding, Reference, Side, SideSecrets, Situation,
};
use oauth1_doctor::hunt;
use oauth1_doctor::input::{self, ReadOptions};
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
    /// Secrets shared by both sides.
    #[command(flatten)]
    pub secrets: SecretArgs,
    #[command(flatten)]
    pub sides: SideSecretArgs,
    #[command(flatten)]
    pub budget: super::hunt::BudgetArgs,
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

    /// Reads one side: a bare base string, or a request through the shared readers.
    fn read_side(&self, path: &str, who: &str) -> Result<(Side, bool)> {
        let bytes = read_input(path)?;
        let text = String::from_utf8_lossy(&bytes);
        if self.format.is_none() && is_base_string(&text) {
            return Ok((Side::BaseString(text.trim().to_string()), false));
        }
        let options = ReadOptions {
            format: self.format.map(Format::from),
            scheme: self.scheme.clone(),
            entry: None,
        };
        let files = DiskFiles::for_request(path, &self.allow_file)?;
        let mut reads =
            input::read(&bytes, &options, &files).map_err(|e| anyhow!("{who} {path}: {e}"))?;
        if reads.is_empty() {
            bail!("{who} {path}: no request found");
        }
        let read = reads.remove(0);
        let from_postman = postman::from_postman(&read, &bytes);
        Ok((Side::Request(read), from_postman))
    }
}

pub fn run(args: DiffArgs) -> Result<Outcome> {
    let secrets = args.side_secrets()?;
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
    let (candidate, _) = args.read_side(&cand_path, "candidate")?;
    let (good, good_from_postman) = match &good_path {
        Some(gp) => {
            let (side, from_postman) = args.read_side(gp, "known-good")?;
            (Some(side), from_postman)
        }
        None => (None, false),
    };
    let options = DiffOptions {
        good_from_postman,
        hunt_budget: args.budget.budget(),
    };
    let d = diff::diagnose(
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
    })?;
    if args.json {
        anstream::println!("{}", serde_json::to_string(&d)?);
    } else {
        let mut o = String::new();
        let server_is_main = d.reference == Some(Reference::Server);
        if let Some(s) = &d.server_response {
            o.push_str(&render_server(
                &s.echo,
                &s.notes,
                s.report.as_ref(),
                server_is_main,
            ));
        }
        if d.reference.is_some() {
            let reference = if server_is_main {
                "server"
            } else {
                "known-good"
            };
            o.push_str(&render(&d.report, reference, &cand_path));
        }
        anstream::print!("{o}");
    }
    Ok(if d.equivalent() {
        Outcome::Ok
    } else {
        Outcome::Mismatch
    })
}

/// A finding's value for people: empty shown as `(empty)`, control characters visible.
fn shown(v: &str) -> String {
    if v.is_empty() {
        "(empty)".into()
    } else {
        visible(v).into_owned()
    }
}

fn situation_line(r: &DiffReport, reference: &str) -> String {
    let cause = r.cause();
    let what = |f: &Finding| {
        let changes = match f.effect {
            diff::Effect::BaseString => "changes the base string",
            diff::Effect::Key => "changes the signing key",
            diff::Effect::Transport => "changes what the server reads",
            diff::Effect::Note => "is a note",
        };
        // The catalogue mistake that explains the finding, when it has
        // another name than the finding itself (e.g. `plus-for-space`).
        match f.mistake {
            Some(m) if m != f.id => format!("{} ({}: {m}) {changes}", f.location, f.id),
            _ => format!("{} ({}) {changes}", f.location, f.id),
        }
    };
    match r.situation {
        Some(Situation::Equivalent) => format!(
            "{} the {reference} and candidate requests sign the same base string; only volatile values (nonce, timestamp, signature) differ",
            paint(GOOD, "equivalent:")
        ),
        Some(Situation::SignerInconsistent) => {
            let suspect = r
                .findings
                .first()
                .map(|f| format!("; first suspect: {}", what(f)))
                .unwrap_or_default();
            format!(
                "{} the candidate's oauth_signature does not match the request it sent, so its signer signs something other than what it sends{suspect}",
                paint(BAD, "signer inconsistent:")
            )
        }
        Some(Situation::RequestDiffers) if r.candidate_is_base_string => format!(
            "{} the candidate's base string is not the one the {reference} request signs: {}",
            paint(BAD, "base string differs:"),
            cause.map(what).unwrap_or_default()
        ),
        Some(Situation::RequestDiffers) => format!(
            "{} the candidate is self-consistent but signs {}: {}",
            paint(BAD, "request differs:"),
            if cause.is_some_and(|f| f.effect == diff::Effect::Key) {
                "with a different key"
            } else {
                "a different request"
            },
            cause.map(what).unwrap_or_default()
        ),
        None => format!(
            "{} {} (give the secrets to check each side's own signature)",
            paint(BAD, "different:"),
            cause.map(what).unwrap_or_else(|| "see the findings".into())
        ),
    }
}

fn render(r: &DiffReport, reference: &str, cand_path: &str) -> String {
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
    if r.situation == Some(Situation::SignerInconsistent) {
        match &r.hunt {
            Some(h) if h.matched && !h.mistakes.is_empty() => {
                o.push_str(&format!(
                    "  hunt: the candidate's signer reproduces its signature with {}\n",
                    h.mistakes
                        .iter()
                        .map(|m| paint(WARN, m))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ));
                for m in h.mistakes.iter().filter_map(|id| hunt::mistake(id)) {
                    let e = format!("{}: {} (fix: {})", m.id, m.description, m.fix);
                    o.push_str(&format!("    {}\n", paint(DIM, e)));
                }
            }
            Some(h) if !h.matched && h.budget.exhausted => o.push_str(&format!(
                "  {}\n",
                paint(
                    DIM,
                    format!("the hunt for a known signer mistake was cut short by its budget ({} variant{} tried); run `oauth1-doctor hunt {cand_path}` with a larger --budget-time or --budget-memory to search further", h.budget.candidates_tried, if h.budget.candidates_tried == 1 { "" } else { "s" })
                )
            )),
            Some(h) if !h.matched => o.push_str(&format!(
                "  {}\n",
                paint(
                    DIM,
                    format!("no known signer mistake (up to 2 combined) reproduces its signature; run `oauth1-doctor hunt {cand_path} --depth 4` (with the same secrets) to search deeper")
                )
            )),
            _ => o.push_str(&format!(
                "  {}\n",
                paint(
                    DIM,
                    format!("run `oauth1-doctor hunt {cand_path}` (with the same secrets) to search which known signer mistake reproduces its signature")
                )
            )),
        }
    }
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
    o
}

/// The two base strings, changed spans coloured, or marked with `^` when
/// colour is off; wrapped so that the markers stay under their characters.
fn aligned(r: &DiffReport, reference: &str) -> String {
    const WIDTH: usize = 100;
    // Past this many characters on a side, only lines with a change are
    // shown (at most `MAX_LINES` of them): printing megabytes of equal
    // text helps no one.
    const HUGE: usize = 20_000;
    const MAX_LINES: usize = 50;
    let colour = anstream::stdout().current_choice() != anstream::ColorChoice::Never;
    let a = &r.alignment;
    let w = reference.len().max(9);
    let mut o = String::new();
    for (label, text, is_good, style) in [
        (reference, &a.good, true, GOOD),
        ("candidate", &a.candidate, false, BAD),
    ] {
        // The characters of one side with the kind of span they are in,
        // read lazily (a vector of them would take 16 bytes a character).
        let mut chars = a.spans.iter().flat_map(|s| {
            let range = if is_good {
                s.good.clone()
            } else {
                s.candidate.clone()
            };
            text[range].chars().map(move |c| (c, s.kind))
        });
        let huge = text.len() > HUGE;
        let mut chunk: Vec<(char, SpanKind)> = Vec::with_capacity(WIDTH);
        let (mut i, mut shown, mut skipped) = (0usize, 0usize, 0usize);
        let mut empty = true;
        loop {
            chunk.clear();
            chunk.extend(chars.by_ref().take(WIDTH));
            if chunk.is_empty() {
                break;
            }
            empty = false;
            let changed = chunk.iter().any(|(_, k)| *k == SpanKind::Changed);
            if huge && (!changed || shown >= MAX_LINES) {
                skipped += 1;
                i += 1;
                continue;
            }
            shown += 1;
            let mut line = String::new();
            let mut run = String::new();
            let mut run_kind = SpanKind::Same;
            let flush = |line: &mut String, run: &mut String, kind: SpanKind| {
                match kind {
                    SpanKind::Same => line.push_str(run),
                    SpanKind::Changed => line.push_str(&paint(style, &*run)),
                    SpanKind::Volatile => line.push_str(&paint(DIM, &*run)),
                }
                run.clear();
            };
            for (c, k) in &chunk {
                if *k != run_kind {
                    flush(&mut line, &mut run, run_kind);
                    run_kind = *k;
                }
                run.push(*c);
            }
            flush(&mut line, &mut run, run_kind);
            let head = if i == 0 || (huge && shown == 1) {
                label
            } else {
                ""
            };
            if huge {
                o.push_str(&format!(
                    "  {}  {}\n",
                    pad(head, w),
                    paint(DIM, format!("(from character {})", i * WIDTH))
                ));
                o.push_str(&format!("  {}  {line}\n", pad("", w)));
            } else {
                o.push_str(&format!("  {}  {line}\n", pad(head, w)));
            }
            let marks: String = chunk
                .iter()
                .map(|(_, k)| if *k == SpanKind::Changed { '^' } else { ' ' })
                .collect();
            if !colour && marks.contains('^') {
                o.push_str(&format!("  {}  {}\n", pad("", w), marks.trim_end()));
            }
            i += 1;
        }
        if empty {
            o.push_str(&format!("  {}  (empty)\n", pad(label, w)));
        } else if huge {
            if shown == 0 {
                o.push_str(&format!(
                    "  {}  {}\n",
                    pad(label, w),
                    paint(
                        DIM,
                        format!("({} characters, no changed line)", text.chars().count())
                    )
                ));
            } else if skipped > 0 {
                o.push_str(&format!(
                    "  {}  {}\n",
                    pad("", w),
                    paint(
                        DIM,
                        format!(
                            "({skipped} of {i} lines of {WIDTH} characters not shown: {} characters; only changed lines are shown, at most {MAX_LINES})",
                            text.chars().count()
                        )
                    )
                ));
            }
        }
    }
    if a.is_same() {
        o.push_str(&format!(
            "  {}\n",
            paint(DIM, "(identical apart from nonce and timestamp)")
        ));
    }
    if a.coarse {
        o.push_str(&format!(
            "  {}\n",
            paint(DIM, "(too many differing parameters for a minimal alignment: parameters were matched by name in sorted order)")
        ));
    }
    o
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
