//! `vectors export` and `vectors grade`: conformance for tools that cannot
//! be driven through standard input (spreadsheets, workflow macros). Export
//! the vector inputs as a table, let the tool sign each row, grade its table.

use super::conform::{report, vectors, ReportArgs};
use super::Outcome;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use oauth1_doctor::conform::{grade, parse_answer, Answer, Grade};
use oauth1_doctor::fixtures::ExportedVector;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum VectorsCommand {
    /// Write every vector's inputs as CSV or JSON.
    Export(ExportArgs),
    /// Grade a table of results (an `id` column plus a `signature` or `authorization` column).
    Grade(GradeArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    /// One row per vector, one column per input (oauth parameters flattened).
    Csv,
    /// An array of the objects `conform` writes to a signer, each with its `id`.
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Table format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// Only vectors whose id matches PATTERN (a substring, or a glob with `*`).
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// Fixture files or directories to take vectors from (default: the bundled corpus).
    #[arg(long = "fixtures", value_name = "PATH")]
    pub fixtures: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The results table (CSV with a header row), or `-` for standard input.
    #[arg(value_name = "RESULTS.csv")]
    pub results: PathBuf,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// The CSV columns, in order; `oauth_*` columns hold the parameters to send.
pub const COLUMNS: [&str; 18] = [
    "id",
    "method",
    "url",
    "content_type",
    "body",
    "realm",
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_version",
    "oauth_callback",
    "oauth_verifier",
    "oauth_body_hash",
    "consumer_secret",
    "token_secret",
    "private_key_pem",
];

pub fn run(command: VectorsCommand) -> Result<Outcome> {
    match command {
        VectorsCommand::Export(a) => export(a),
        VectorsCommand::Grade(a) => grade_table(a),
    }
}

fn export(args: ExportArgs) -> Result<Outcome> {
    let report = ReportArgs {
        filter: args.filter,
        junit: None,
        json: false,
        fixtures: args.fixtures,
    };
    let vectors = vectors(&report)?;
    match args.format {
        ExportFormat::Json => {
            let rows: Vec<ExportedVector> = vectors
                .iter()
                .map(|v| ExportedVector {
                    id: v.id.clone(),
                    input: v.input.clone(),
                })
                .collect();
            // Through a JSON value, so that every object's keys are sorted.
            let rows = serde_json::to_value(&rows)?;
            anstream::println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(COLUMNS)?;
            for v in &vectors {
                let i = &v.input;
                let oauth = |n: &str| {
                    i.oauth
                        .get(n)
                        .and_then(|x| x.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                let mut row = vec![
                    v.id.clone(),
                    i.method.clone(),
                    i.url.clone(),
                    i.content_type.clone().unwrap_or_default(),
                    i.body.clone().unwrap_or_default(),
                    i.realm.clone().unwrap_or_default(),
                ];
                row.extend(COLUMNS[6..15].iter().map(|c| oauth(c)));
                row.push(i.consumer_secret.clone());
                row.push(i.token_secret.clone());
                row.push(i.private_key_pem.clone().unwrap_or_default());
                w.write_record(&row)?;
            }
            let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
            anstream::print!("{}", String::from_utf8_lossy(&bytes));
        }
    }
    Ok(Outcome::Ok)
}

fn grade_table(args: GradeArgs) -> Result<Outcome> {
    let vectors = vectors(&args.report)?;
    let path = args.results.display().to_string();
    let table = super::inputs::read_input(&path)?;
    let shown = if path == "-" {
        "standard input".to_string()
    } else {
        path
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(table.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the header row"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let Some(id_col) = col(&["id"]) else {
        bail!(
            "{shown}: no `id` column (the header row has: {})",
            headers.join(", ")
        );
    };
    let sig_col = col(&["signature", "oauth_signature"]);
    let header_col = col(&["authorization", "header"]);
    if sig_col.is_none() && header_col.is_none() {
        bail!("{shown}: needs a `signature` or an `authorization` column besides `id`");
    }
    let mut answers: Vec<(String, Result<Answer, String>)> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{shown}: row {}", n + 2))?;
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").trim();
        let id = cell(Some(id_col)).to_string();
        let answer = if !cell(header_col).is_empty() {
            parse_answer(cell(header_col))
        } else if !cell(sig_col).is_empty() {
            Ok(Answer::Json {
                signature: cell(sig_col).to_string(),
                base_string: None,
            })
        } else {
            Err(format!("row {} has no signature", n + 2))
        };
        answers.push((id, answer));
    }
    let mut grades: Vec<Grade> = vectors
        .iter()
        .map(|v| match answers.iter().find(|(id, _)| *id == v.id) {
            Some((_, Ok(a))) => grade(v, a),
            Some((_, Err(reason))) => Grade::failed(&v.id, reason.clone()),
            None => Grade::failed(&v.id, format!("no row for this vector in {shown}")),
        })
        .collect();
    for (id, _) in &answers {
        if !vectors.iter().any(|v| &v.id == id) && args.report.filter.is_none() {
            grades.push(Grade::failed(id, "no vector has this id"));
        }
    }
    report("vectors-grade", &grades, &args.report)
}
