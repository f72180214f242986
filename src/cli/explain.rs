//! `explain` and `verify`: run the pipeline over a request and show it.

use super::inputs::{missing_secret_message, RequestArgs, SecretArgs};
use super::render::{self, paint, BAD, DIM, GOOD};
use super::Outcome;
use anyhow::{bail, Result};
use clap::Args;
use oauth1_doctor::pipeline::{self, ParamRow, RunOptions, Walkthrough};
use oauth1_doctor::schemes::{self, Scheme, SchemeOptions};
use oauth1_doctor::verify::{Checked, Verdict};
use oauth1_doctor::ReadRequest;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: RequestArgs,
    #[command(flatten)]
    pub secrets: SecretArgs,
    #[command(flatten)]
    pub schemes: super::schemes::SchemeArgs,
    /// Print one JSON object (one per line for several requests) instead of text.
    #[arg(long)]
    pub json: bool,
    /// The clock oauth_timestamp is checked against, in seconds since 1970 (default: this machine's clock); pin it for reproducible output.
    #[arg(long, value_name = "EPOCH_SECONDS")]
    pub now: Option<u64>,
}

impl ExplainArgs {
    /// `--now`, or this machine's clock: the library has none of its own.
    pub fn now(&self) -> Option<u64> {
        self.now.or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs())
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Explain,
    Verify,
}

pub fn run(args: ExplainArgs, mode: Mode) -> Result<Outcome> {
    let bytes = super::inputs::read_input(&args.input.request)?;
    let options = RunOptions {
        show_secrets: args.secrets.show_secrets,
        now: args.now(),
    };
    if let Some(item) = args.input.collection_item(&bytes)? {
        return explain_collection_item(&args, &item, options);
    }
    let reads = args.input.read_all_from(bytes)?;
    let secrets = args.secrets.load()?;
    let many = reads.len() > 1;
    let mut outcome = Outcome::Ok;
    let mut unverifiable = 0;
    for read in &reads {
        let label = read
            .label
            .clone()
            .unwrap_or_else(|| args.input.request.clone());
        // Another scheme than OAuth 1.0: its own report (the library's).
        let detected = schemes::detect(&read.request).scheme;
        if !matches!(detected, Scheme::Oauth1 | Scheme::None) {
            let scheme_secrets = args.schemes.load()?;
            let show = args.secrets.show_secrets;
            let mut r = schemes::analyze(
                &read.request,
                &scheme_secrets,
                SchemeOptions {
                    now: args.now().map(|n| n as i64),
                    show_secrets: show,
                },
            );
            if let Some(body) = args.schemes.token_response()? {
                r = r.with_token_response(&body, show);
            }
            if mode == Mode::Verify && r.verified.is_none() {
                super::schemes::nothing_to_verify(&r)?;
            }
            if r.verified == Some(false) {
                outcome = Outcome::Mismatch;
            }
            if args.json {
                anstream::println!("{}", serde_json::to_string(&r)?);
            } else {
                anstream::print!("{}", super::schemes::human(&r, mode == Mode::Verify));
            }
            continue;
        }
        let w = match pipeline::run(&read.request, &secrets, options) {
            Ok(w) => w,
            Err(e) if many => {
                // One line per request: report it and go on with the others.
                let first = e.to_string();
                let first = first.lines().next().unwrap_or("");
                anstream::println!(
                    "{}: {} {}",
                    render::visible(&label),
                    paint(BAD, "error:"),
                    render::visible(first)
                );
                unverifiable += 1;
                continue;
            }
            Err(e) => bail!("{e}"),
        };
        let checked = (mode == Mode::Verify).then(|| Checked::from_walkthrough(&w));
        if let Some(c) = checked
            .as_ref()
            .filter(|c| c.verdict == Verdict::Unverifiable)
        {
            let p = match c.needs_secrets_for {
                Some(m) => format!("cannot verify: {}", missing_secret_message(m, false)),
                None if w.request_signature.is_none() => c.reason.clone().unwrap_or_default(),
                None => format!("cannot verify: {}", c.reason.as_deref().unwrap_or("")),
            };
            if many {
                // One line per request: report it and go on with the others.
                anstream::println!(
                    "{}: {} {}",
                    render::visible(&label),
                    paint(BAD, "error:"),
                    render::visible(&p)
                );
                unverifiable += 1;
                continue;
            }
            bail!("{label}: {p}");
        }
        let invalid = match &checked {
            Some(c) => c.verdict == Verdict::Invalid,
            None => w.valid == Some(false),
        };
        if invalid {
            outcome = Outcome::Mismatch;
        }
        match checked {
            _ if args.json => write_json_report(w, read, checked.as_ref())?,
            None => anstream::print!("{}", render::walkthrough(&w, read, &label)),
            Some(c) => anstream::print!("{}", verdict(&c, &label, &hunt_hint(&args), many)),
        }
    }
    if unverifiable > 0 {
        bail!(
            "{unverifiable} of {} requests could not be verified",
            reads.len()
        );
    }
    Ok(outcome)
}

/// `explain COLLECTION --item X`: which settings were read and from
/// where, Postman's departures, then every step of the request as
/// Postman signs it. `--json` prints the library's Postman report.
fn explain_collection_item(
    args: &ExplainArgs,
    item: &oauth1_doctor::input::postman::PostmanItem,
    options: RunOptions,
) -> Result<Outcome> {
    let signed = super::postman::sign_item(
        item,
        &super::postman::PostmanFlags::default(),
        &oauth1_doctor::sign::SignOptions::default(),
        &args.secrets,
        &super::sign::fresh(),
    )?;
    // RFC 5849 verification of what Postman sends decides the exit code,
    // whichever way the answer is printed.
    let w = pipeline::run(&signed.signed.request, &signed.secrets, options)?;
    let outcome = if w.valid == Some(false) {
        Outcome::Mismatch
    } else {
        Outcome::Ok
    };
    if args.json {
        let report = if args.secrets.show_secrets {
            signed.report.clone()
        } else {
            signed
                .report
                .clone()
                .masked(&signed.signed, signed.config.signature_method)
        };
        anstream::println!("{}", serde_json::to_string(&report)?);
        return Ok(outcome);
    }
    anstream::print!("{}", super::postman::human(&signed.report));
    let mut read = item.to_read();
    read.request = signed.signed.request.clone();
    anstream::println!();
    anstream::print!("{}", render::walkthrough(&w, &read, &item.path));
    Ok(outcome)
}

/// Prints the `--json` object for explain and verify (documented in the
/// README) on one line: keys in alphabetical order, as a JSON map sorts
/// them, with the parameter table written row by row rather than held as
/// one JSON value (a form can have millions of parameters).
fn write_json_report(
    mut w: Walkthrough,
    read: &ReadRequest,
    checked: Option<&Checked>,
) -> Result<()> {
    use std::io::Write;
    let params = std::mem::take(&mut w.parameters);
    let mut v = oauth1_doctor::report::explain_json(&w, read);
    if let (Some(obj), Some(c)) = (v.as_object_mut(), checked) {
        // verify only: the verdict under the one rule, and why.
        obj.insert("verdict".into(), serde_json::to_value(c.verdict)?);
        obj.insert("reason".into(), serde_json::to_value(&c.reason)?);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    out.write_all(b"{")?;
    if let Some(obj) = v.as_object() {
        for (i, (key, value)) in obj.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut out, key)?;
            out.write_all(b":")?;
            if key == "parameters" {
                out.write_all(b"[")?;
                for (j, p) in params.iter().enumerate() {
                    if j > 0 {
                        out.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut out, &SortedRow(ParamRow::from(p)))?;
                }
                out.write_all(b"]")?;
            } else {
                serde_json::to_writer(&mut out, value)?;
            }
        }
    }
    out.write_all(b"}\n")?;
    out.flush()?;
    Ok(())
}

/// A parameter row with its keys in alphabetical order, like the rest of
/// the `--json` object.
struct SortedRow(ParamRow);

impl serde::Serialize for SortedRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let r = &self.0;
        let mut o = s.serialize_struct("ParamRow", 7)?;
        o.serialize_field("encoded_name", &r.encoded_name)?;
        o.serialize_field("encoded_value", &r.encoded_value)?;
        o.serialize_field("name", &r.name)?;
        o.serialize_field("raw_name", &r.raw_name)?;
        o.serialize_field("raw_value", &r.raw_value)?;
        o.serialize_field("source", &r.source)?;
        o.serialize_field("value", &r.value)?;
        o.end()
    }
}

/// What to run next on an invalid request: `hunt` with the same request
/// and secret arguments (secret values are never repeated), which names
/// the signer's mistake.
fn hunt_hint(args: &ExplainArgs) -> String {
    let mut words = vec!["oauth1-doctor".to_string(), "hunt".into()];
    words.extend(args.input.words());
    words.extend(args.secrets.words());
    let command = words.join(" ");
    let command = render::visible(&command);
    if args.input.request == "-" {
        format!("run `{command}` with the request on standard input again (it was read already) to name the signer's mistake")
    } else {
        format!("run `{command}` to name the signer's mistake")
    }
}

/// Renders single-request `verify`'s answer ([`Checked`]): one line per
/// request for several, the signatures compared and the notes for one.
fn verdict(c: &Checked, label: &str, hint: &str, many: bool) -> String {
    let method = c
        .signature_method
        .map_or("?".to_string(), |m| m.to_string());
    let prefix = if many {
        format!("{}: ", render::visible(label))
    } else {
        String::new()
    };
    if c.verdict == Verdict::Valid {
        let mut o = format!(
            "{prefix}{} oauth_signature is valid ({method})\n",
            paint(GOOD, "valid:")
        );
        // What a strict server checks besides the signature.
        for v in c.notes.iter().filter(|_| !many) {
            o.push_str(&format!("  note: {}\n", render::visible(&v.to_string())));
        }
        return o;
    }
    let reason = c.reason.as_deref().unwrap_or("");
    let carried = render::visible(c.actual_signature.as_deref().unwrap_or_default());
    let expected = c.expected_signature.as_deref();
    if many {
        // Several requests (a HAR file): exactly one line each.
        return format!(
            "{prefix}{} {reason} ({method}): expected {}, actual {carried}\n",
            paint(BAD, "invalid:"),
            expected.unwrap_or("?")
        );
    }
    let mut o = format!("{prefix}{} {reason} ({method})\n", paint(BAD, "invalid:"));
    if let Some(s) = expected {
        o.push_str(&format!("  expected  {s}\n"));
    }
    o.push_str(&format!("  actual    {carried}\n"));
    for v in &c.notes {
        o.push_str(&format!("  note: {}\n", render::visible(&v.to_string())));
    }
    o.push_str(&format!("  {}\n", paint(DIM, hint)));
    o
}
