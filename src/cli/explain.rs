//! `explain` and `verify`: run the pipeline over a request and show it.

use super::inputs::{missing_secret_message, RequestArgs, SecretArgs};
use super::render::{self, paint, BAD, DIM, GOOD};
use super::Outcome;
use anyhow::{bail, Result};
use clap::Args;
use oauth1_doctor::pipeline::{self, ParamRow, RunOptions, Walkthrough};
use oauth1_doctor::ReadRequest;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: RequestArgs,
    #[command(flatten)]
    pub secrets: SecretArgs,
    /// Print one JSON object (one per line for several requests) instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Explain,
    Verify,
}

pub fn run(args: ExplainArgs, mode: Mode) -> Result<Outcome> {
    let reads = args.input.read_all()?;
    let secrets = args.secrets.load()?;
    let options = RunOptions {
        show_secrets: args.secrets.show_secrets,
    };
    let many = reads.len() > 1;
    let mut outcome = Outcome::Ok;
    let mut unverifiable = 0;
    for read in &reads {
        let label = read
            .label
            .clone()
            .unwrap_or_else(|| args.input.request.clone());
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
        if mode == Mode::Verify {
            let problem = if w.request_signature.is_none() {
                Some("the request carries no oauth_signature to verify (look in the Authorization header, query or form body)".to_string())
            } else if w.valid.is_none() {
                let detail = match w.signature_method {
                    Some(m) => missing_secret_message(m, false),
                    None => w.not_computed.clone().unwrap_or_default(),
                };
                Some(format!("cannot verify: {detail}"))
            } else {
                None
            };
            match problem {
                Some(p) if many => {
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
                Some(p) => bail!("{label}: {p}"),
                None => {}
            }
        }
        if w.valid == Some(false) {
            outcome = Outcome::Mismatch;
        }
        if args.json {
            write_json_report(w, read)?;
        } else if mode == Mode::Explain {
            anstream::print!("{}", render::walkthrough(&w, read, &label));
        } else {
            anstream::print!("{}", verdict(&w, &label, &args.input.request, many));
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

/// Prints the `--json` object for explain and verify (documented in the
/// README) on one line: keys in alphabetical order, as a JSON map sorts
/// them, with the parameter table written row by row rather than held as
/// one JSON value (a form can have millions of parameters).
fn write_json_report(mut w: Walkthrough, read: &ReadRequest) -> Result<()> {
    use std::io::Write;
    let params = std::mem::take(&mut w.parameters);
    let v = json_report(&w, read);
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

/// The `--json` object for explain and verify, as one JSON value.
fn json_report(w: &Walkthrough, read: &ReadRequest) -> serde_json::Value {
    let mut v = serde_json::to_value(w).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert(
            "format".into(),
            serde_json::to_value(read.format).unwrap_or_default(),
        );
        obj.insert(
            "label".into(),
            serde_json::to_value(&read.label).unwrap_or_default(),
        );
        obj.insert(
            "assumptions".into(),
            serde_json::to_value(&read.assumptions).unwrap_or_default(),
        );
        if let Some(list) = obj.get_mut("violations").and_then(|x| x.as_array_mut()) {
            let mut all = serde_json::to_value(&read.violations)
                .unwrap_or_default()
                .as_array()
                .cloned()
                .unwrap_or_default();
            all.append(list);
            *list = all;
        }
    }
    v
}

fn verdict(w: &Walkthrough, label: &str, path: &str, many: bool) -> String {
    let method = w
        .signature_method
        .map_or("?".to_string(), |m| m.to_string());
    let carried = w.shown_request_signature().unwrap_or_default();
    let carried = render::visible(&carried);
    let expected = w.shown_signature();
    let prefix = if many {
        format!("{}: ", render::visible(label))
    } else {
        String::new()
    };
    if w.valid == Some(true) {
        return format!(
            "{prefix}{} oauth_signature is valid ({method})\n",
            paint(GOOD, "valid:")
        );
    }
    if many {
        // Several requests (a HAR file): exactly one line each.
        return format!(
            "{prefix}{} oauth_signature does not match ({method}): expected {}, actual {carried}\n",
            paint(BAD, "invalid:"),
            expected.as_deref().unwrap_or("?")
        );
    }
    let mut o = format!(
        "{prefix}{} oauth_signature does not match ({method})\n",
        paint(BAD, "invalid:")
    );
    if let Some(s) = &expected {
        o.push_str(&format!("  expected  {s}\n"));
    }
    o.push_str(&format!("  actual    {carried}\n"));
    for v in &w.violations {
        if v.code.starts_with("signature-") || v.code.starts_with("body-hash") {
            o.push_str(&format!("  note: {}\n", render::visible(&v.to_string())));
        }
    }
    o.push_str(&format!(
        "  {}\n",
        paint(
            DIM,
            format!(
                "run `oauth1-doctor explain {}` to see each step of the signature",
                render::visible(path)
            )
        )
    ));
    o
}
