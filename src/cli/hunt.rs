//! `hunt`: name the signer's mistake by reproducing its signature.

use super::diffview::base_strings;
use super::inputs::{read_input, RequestArgs, SecretArgs};
use super::render::{paint, visible, BAD, BOLD, DIM, GOOD, WARN};
use super::Outcome;
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use oauth1_doctor::diff::base_diff::align;
use oauth1_doctor::hunt::{self, HuntOptions, HuntReport, Hunted};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct HuntArgs {
    #[command(flatten)]
    pub input: RequestArgs,
    #[command(flatten)]
    pub secrets: SecretArgs,
    /// How many mistakes may combine (0 to 4).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u8).range(0..=4))]
    pub depth: u8,
    /// Hunt for this signature instead of the request's own (e.g. the one a server said it expected; percent-encoding is removed once).
    #[arg(long, value_name = "SIG")]
    pub target: Option<String>,
    /// Hunt for the base string a server reported, read from FILE (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub expected_base_string: Option<PathBuf>,
    /// Print one JSON object (documented in the README) instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub budget: BudgetArgs,
    #[command(flatten)]
    pub quiet: super::Quiet,
}

/// The hunt's budget (`hunt`, and the hunt `diff` runs on a signer-inconsistent candidate).
#[derive(Debug, Clone, Args)]
pub struct BudgetArgs {
    /// Stop the hunt after this many seconds and report what it covered.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0, value_parser = budget_seconds)]
    pub budget_time: f64,
    /// Stop the hunt before its search state would pass this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    pub budget_memory: u64,
}

fn budget_seconds(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a number of seconds between 0 and 86400"
        )),
    }
}

impl BudgetArgs {
    /// The budget, its clock started now.
    pub fn budget(&self) -> hunt::Budget {
        hunt::Budget::new(
            std::time::Duration::from_secs_f64(self.budget_time),
            (self.budget_memory as usize).saturating_mul(1 << 20),
        )
    }
}

pub fn run(args: HuntArgs) -> Result<Outcome> {
    let mut reads = args.input.read_all()?;
    let secrets = args.secrets.load()?;
    let expected_base_string = match &args.expected_base_string {
        Some(path) => {
            let bytes = read_input(&path.to_string_lossy())?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow!("{}: the base string is not UTF-8", path.display()))?;
            Some(text.trim().to_string())
        }
        None => None,
    };
    let target = match &args.target {
        Some(t) if t.contains('%') => Some(
            oauth1_doctor::encode::decode_strict(t)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| anyhow!("--target {t:?} holds a malformed percent-escape"))?,
        ),
        other => other.clone(),
    };
    if reads.len() > 1 && (target.is_some() || expected_base_string.is_some()) {
        let which = if target.is_some() {
            "--target"
        } else {
            "--expected-base-string"
        };
        bail!(
            "{} holds {} requests and {which} belongs to one of them: choose it with --entry N",
            args.input.request,
            reads.len()
        );
    }
    let options = HuntOptions {
        depth: args.depth as usize,
        target,
        expected_base_string,
        budget: args.budget.budget(),
    };
    let colour = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    if reads.len() > 1 {
        return run_entries(&args, &reads, &secrets, &options, colour);
    }
    let read = reads.remove(0);
    let result = hunt::run(&read.request, &secrets, &options)
        .map_err(|e| match e {
            // Name the flags and the environment variables.
            hunt::HuntError::MissingSecret(m) => {
                anyhow!("{m}; {}", super::inputs::SECRETS_HINT)
            }
            e => anyhow!("{e}"),
        })
        .with_context(|| format!("cannot hunt in {}", args.input.request))?;
    if args.json {
        anstream::println!("{}", serde_json::to_string(&result)?);
    } else {
        anstream::print!("{}", human(&result, &args.input.request, colour));
    }
    Ok(outcome(&result))
}

/// Exit code: hunting the request's own signature, 0 when a variant
/// reproduces it; against a target (the server's side), 0 only when
/// neither side has a mistake.
fn outcome(r: &HuntReport) -> Outcome {
    let ok = match r.hunted {
        Hunted::RequestSignature => r.matched,
        _ => r.no_mistake(),
    };
    if ok {
        Outcome::Ok
    } else {
        Outcome::Mismatch
    }
}

/// Several requests (a HAR file, JSON Lines): every one whose signature
/// fails is hunted, one block each; the others are listed with why not.
fn run_entries(
    args: &HuntArgs,
    reads: &[oauth1_doctor::ReadRequest],
    secrets: &oauth1_doctor::signature::Secrets,
    options: &HuntOptions,
    colour: bool,
) -> Result<Outcome> {
    let report = hunt::run_entries(reads, secrets, options);
    if report.none_checked() {
        let why = report
            .entries
            .first()
            .and_then(|e| e.not_hunted.clone())
            .unwrap_or_default();
        bail!(
            "{}: none of its {} requests can be checked ({why}); {}",
            args.input.request,
            reads.len(),
            super::inputs::SECRETS_HINT
        );
    }
    if args.json {
        anstream::println!("{}", serde_json::to_string(&report)?);
    } else {
        let mut o = String::new();
        let hunted = report.entries.iter().filter(|e| e.hunt.is_some()).count();
        o.push_str(&format!(
            "{} {} requests, {hunted} with a failing signature hunted\n",
            paint(BOLD, "Hunt"),
            report.entries.len()
        ));
        for e in &report.entries {
            let status = e.status.map_or("no response recorded".to_string(), |s| {
                format!("answered {s}")
            });
            let label = e
                .label
                .clone()
                .unwrap_or_else(|| format!("request {}", e.position));
            o.push_str(&format!(
                "\n{} {} {} {}\n",
                paint(BOLD, format!("── {label}:")),
                visible(&e.method),
                visible(&e.url),
                paint(DIM, format!("({status})"))
            ));
            match (&e.hunt, &e.not_hunted) {
                (Some(h), _) => {
                    let source = format!("{} {label}", args.input.request);
                    o.push_str(&human(h, &source, colour));
                }
                (None, Some(why)) => {
                    o.push_str(&format!("  not hunted: {}\n", visible(why)));
                }
                (None, None) => {}
            }
        }
        anstream::print!("{o}");
    }
    Ok(if report.unexplained() {
        Outcome::Mismatch
    } else {
        Outcome::Ok
    })
}

/// What a hunt cut short by its budget covered, in one sentence.
fn cut_short(r: &HuntReport) -> String {
    let b = &r.budget;
    let why = match b.limit {
        Some(hunt::Limit::Time) => "its time limit (--budget-time)",
        Some(hunt::Limit::Memory) => "its memory limit (--budget-memory)",
        _ => "its variant limit",
    };
    let of = b
        .candidates_planned
        .map_or(String::new(), |p| format!(" of at most {p}"));
    let covered = if b.depth_completed == 0 {
        "only the correct signer was checked".to_string()
    } else {
        format!(
            "every combination of up to {} mistake(s) was checked",
            b.depth_completed
        )
    };
    let more = if r.matched {
        "; other explanations of the same size may exist"
    } else {
        ""
    };
    format!(
        "search cut short by {why} after {} variant{}{of} (depth {} asked, {} MiB of search state at most): {covered}{more}; raise the limit to search further",
        b.candidates_tried,
        if b.candidates_tried == 1 { "" } else { "s" },
        r.depth,
        b.memory_bytes >> 20
    )
}

/// The signer's mistake found by the hunt of the request's own signature, in a few words.
fn signer_summary(r: &HuntReport) -> String {
    match &r.request_hunt {
        Some(h) if h.matched && !h.mistakes.is_empty() => {
            format!("your signer's mistake is {}", h.mistakes.join(" + "))
        }
        Some(h) if h.matched => "it verifies once read as sent".into(),
        Some(_) => "no known signer mistake reproduces it".into(),
        None => "it could not be hunted".into(),
    }
}

/// The human report: verdict, mistakes in pipeline order, base string diff, effort.
fn human(r: &HuntReport, source: &str, colour: bool) -> String {
    let mut o = String::new();
    let what = match r.hunted {
        Hunted::RequestSignature => "the request's oauth_signature",
        Hunted::TargetSignature => "the target signature",
        Hunted::ExpectedBaseString => "the expected base string",
    };
    let source = if source == "-" {
        "(standard input)"
    } else {
        source
    };
    o.push_str(&format!(
        "{} {source}  {}\n",
        paint(BOLD, "Hunt"),
        paint(
            DIM,
            format!("({}, depth {}, for {what})", r.signature_method, r.depth)
        )
    ));
    let server = r.hunted != Hunted::RequestSignature;
    let who = if server { "server" } else { "signer" };
    if !r.matched && r.budget.exhausted {
        o.push_str(&format!(
            "{} no variant reproduces {what} within the budget; no cause is claimed\n",
            paint(BAD, "✗"),
        ));
    } else if !r.matched {
        o.push_str(&format!(
            "{} no variant up to depth {} reproduces {what}; no cause is claimed\n",
            paint(BAD, "✗"),
            r.depth
        ));
    }
    if r.budget.exhausted {
        o.push_str(&format!("{} {}\n", paint(WARN, "!"), cut_short(r)));
    }
    if !r.matched {
        if !r.ruled_out.is_empty() {
            o.push_str(&format!("\n{}\n", paint(BOLD, "Ruled out")));
            for line in &r.ruled_out {
                o.push_str(&format!("  • {line}\n"));
            }
        }
        if !r.suggestions.is_empty() {
            o.push_str(&format!("\n{}\n", paint(BOLD, "Likely wrong inputs")));
            for line in &r.suggestions {
                o.push_str(&format!("  {} {line}\n", paint(WARN, "•")));
            }
        }
    } else if r.mistakes.is_empty() && r.signer_follows_rfc == Some(false) {
        // The server's side is the RFC one, the request's own is not:
        // never "no mistake" (the signer's is hunted below).
        o.push_str(&format!(
            "{} {what} follows RFC 5849, but the request's own oauth_signature does not: {}\n",
            paint(BAD, "✗"),
            signer_summary(r)
        ));
    } else if r.mistakes.is_empty() {
        let text = if server {
            format!("no mistake: {what} follows RFC 5849, and so does the request's own oauth_signature")
        } else {
            "no mistake: the signature follows RFC 5849".to_string()
        };
        let text = if server && r.signer_follows_rfc.is_none() {
            format!("no mistake: {what} follows RFC 5849 (the request's own oauth_signature was not checked)")
        } else {
            text
        };
        o.push_str(&format!("{} {text}\n", paint(GOOD, "✓")));
    } else {
        let n = r.mistakes.len();
        let plural = if n == 1 { "" } else { "s" };
        let head = match (server, r.signer_follows_rfc) {
            (true, Some(true)) => format!(
                "your signer follows RFC 5849; the server computes a variant with {n} mistake{plural}:"
            ),
            (true, Some(false)) => format!(
                "{what} is reproduced with {n} mistake{plural}; the request's own oauth_signature does not follow RFC 5849 either ({}):",
                signer_summary(r)
            ),
            (true, _) => format!("{what} is reproduced with {n} mistake{plural}:"),
            (false, _) => format!("reproduced with {n} mistake{plural}:"),
        };
        o.push_str(&format!("{} {head}\n", paint(GOOD, "✓")));
        for (i, a) in r.details[0].iter().enumerate() {
            let Some(m) = hunt::mistake(a.id) else {
                continue;
            };
            o.push_str(&format!(
                "\n  {}. {}  {}\n",
                i + 1,
                paint(BOLD, m.id),
                paint(DIM, format!("({}, {})", m.stage.as_str(), m.section))
            ));
            o.push_str(&format!("     {}\n", m.description));
            if let Some(form) = &a.form {
                o.push_str(&format!("     {} {form}\n", paint(DIM, "form:")));
            }
            o.push_str(&format!("     {} {}\n", paint(DIM, "fix:"), m.fix));
            o.push_str(&format!(
                "     {} {}\n",
                paint(DIM, "seen in:"),
                m.signers.join(", ")
            ));
        }
        if r.explanations.len() > 1 {
            o.push_str(&format!(
                "\n  {}\n",
                paint(
                    WARN,
                    "other explanations of the same size (the request cannot tell them apart):"
                )
            ));
            for e in &r.explanations[1..] {
                o.push_str(&format!("    • {}\n", e.join(" + ")));
            }
        }
    }
    if let Some(b) = &r.signer_base_string {
        if r.matched && !r.mistakes.is_empty() {
            o.push_str(&format!("\n{}\n", paint(BOLD, "Base string")));
            if *b == r.base_string {
                o.push_str(&format!(
                    "  {}\n",
                    paint(
                        DIM,
                        format!("the {who}'s base string is the correct one: the mistake is after it (key, digest or output)")
                    )
                ));
            } else {
                o.push_str(&base_strings(
                    ("correct", who),
                    &align(&r.base_string, b),
                    colour,
                ));
            }
        }
    }
    if let Some(own) = &r.request_hunt {
        o.push_str(&format!(
            "\n{}\n",
            paint(BOLD, "Your signer's own oauth_signature")
        ));
        o.push_str(&human(own, source, colour));
    }
    o.push_str(&format!(
        "\n{}\n",
        paint(
            DIM,
            format!(
                "{} variant{} tried in {:.1} ms",
                r.tried,
                if r.tried == 1 { "" } else { "s" },
                r.elapsed_ms
            )
        )
    ));
    o
}
