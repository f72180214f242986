//! `vectors export` and `vectors grade`: conformance for tools that cannot
//! be driven through standard input (spreadsheets, workflow macros). Export
//! the vector inputs as a table, let the tool sign each row, grade its table.

use super::conform::{report, vectors, ReportArgs};
use super::Outcome;
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use oauth1_doctor::conform::{grade, parse_answer, Answer, Grade};
use oauth1_doctor::fixtures::{ExportedVector, SignerInput};
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
    /// CSV: start with a UTF-8 byte order mark, so that spreadsheet tools read the file as UTF-8.
    #[arg(long)]
    pub bom: bool,
    /// CSV: end rows with CR LF, as spreadsheet tools write them (default: LF).
    #[arg(long)]
    pub crlf: bool,
    /// CSV: the field separator, one ASCII character or `tab`.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, default_value = ",")]
    pub delimiter: u8,
}

#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The results table (CSV with a header row), or `-` for standard input.
    #[arg(value_name = "RESULTS.csv")]
    pub results: PathBuf,
    /// The field separator, one ASCII character or `tab`: `;` for what European spreadsheet exports write.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter, default_value = ",")]
    pub delimiter: u8,
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
        quiet: Default::default(),
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
            let terminator = if args.crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            };
            let mut w = csv::WriterBuilder::new()
                .delimiter(args.delimiter)
                .terminator(terminator)
                .from_writer(Vec::new());
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
                w.write_record(row.iter().map(|c| guard_cell(c)))?;
            }
            let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
            let bom = if args.bom { "\u{feff}" } else { "" };
            anstream::print!("{bom}{}", String::from_utf8_lossy(&bytes));
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
    let table = table.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&table);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(args.delimiter)
        .from_reader(table);
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the header row"))?
        .iter()
        .map(|h| unguard_cell(h.trim()).to_ascii_lowercase())
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
        let cell =
            |c: Option<usize>| unguard_cell(c.and_then(|c| record.get(c)).unwrap_or("").trim());
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

/// Reads a table `vectors export --format csv` wrote (perhaps edited: its
/// URLs pointed at `listen`), for `listen --grade`: each row a vector's
/// inputs, the `oauth_*` columns left empty not sent. Cells are unguarded
/// as `vectors grade` does.
pub fn read_table(path: &std::path::Path) -> Result<Vec<ExportedVector>> {
    let shown = path.display().to_string();
    let bytes = super::inputs::read_input(&shown)?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(b"");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the header row"))?
        .iter()
        .map(|h| unguard_cell(h.trim()).to_ascii_lowercase())
        .collect();
    for needed in ["id", "method", "url"] {
        if !headers.iter().any(|h| h == needed) {
            bail!(
                "{shown}: no `{needed}` column: --grade reads the table `vectors export` writes (the header row has: {})",
                headers.join(", ")
            );
        }
    }
    let mut table = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{shown}: row {}", n + 2))?;
        let cell = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|c| record.get(c))
                .map(|c| unguard_cell(c).to_string())
                .unwrap_or_default()
        };
        let some = |name: &str| Some(cell(name)).filter(|c| !c.is_empty());
        let id = cell("id");
        if id.is_empty() {
            bail!("{shown}: row {} has no id", n + 2);
        }
        let oauth = headers
            .iter()
            .filter(|h| h.starts_with("oauth_") && *h != "oauth_signature")
            .filter_map(|h| some(h).map(|v| (h.clone(), serde_json::Value::String(v))))
            .collect();
        table.push(ExportedVector {
            id,
            input: SignerInput {
                method: cell("method"),
                url: cell("url"),
                content_type: some("content_type"),
                body: some("body"),
                realm: some("realm"),
                oauth,
                consumer_secret: cell("consumer_secret"),
                token_secret: cell("token_secret"),
                private_key_pem: some("private_key_pem"),
            },
        });
    }
    if table.is_empty() {
        bail!("{shown}: the table has no vector");
    }
    Ok(table)
}

/// `--delimiter`: one ASCII character, or `tab`.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
            Ok(s.as_bytes()[0])
        }
        _ => {
            Err("expected one ASCII character (not a quote or a line break), or `tab`".to_string())
        }
    }
}

/// True when a spreadsheet tool would not read `cell` back as the text it
/// is: a formula (a cell starting with `=`, `+`, `-` or `@`, or a tab or CR,
/// as OWASP's CSV injection advice lists), a number that loses digits (a
/// nonce of more than 11 digits is shown in scientific notation, a leading
/// zero is dropped), or a cell that already starts with the guard (so that
/// [`unguard_cell`] undoes exactly what [`guard_cell`] did).
fn needs_guard(cell: &str) -> bool {
    let Some(first) = cell.chars().next() else {
        return false;
    };
    let digits = cell.bytes().all(|b| b.is_ascii_digit());
    match first {
        '=' | '+' | '-' | '@' | '\t' | '\r' => true,
        '\'' => needs_guard(&cell[1..]),
        _ => digits && (cell.len() > 11 || (cell.len() > 1 && first == '0')),
    }
}

/// A CSV cell as written by `vectors export`: prefixed with `'` (the text
/// marker spreadsheet tools know) when [`needs_guard`] says so.
fn guard_cell(cell: &str) -> String {
    if needs_guard(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The inverse of [`guard_cell`], applied to every cell `vectors grade`
/// reads: a leading `'` is dropped when what follows would have been guarded.
fn unguard_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_and_long_numbers_are_guarded_and_unguarded_exactly() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            ("+abc=", "'+abc="),
            ("-----BEGIN", "'-----BEGIN"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("13917289812797014437", "'13917289812797014437"),
            ("0123", "'0123"),
            ("'=x", "''=x"),
            ("'x", "'x"),
            ("1370000000", "1370000000"),
            ("0", "0"),
            ("", ""),
            ("abc", "abc"),
        ] {
            assert_eq!(guard_cell(cell), written, "{cell:?}");
            assert_eq!(unguard_cell(written), cell, "{written:?}");
        }
    }

    #[test]
    fn delimiters_are_one_ascii_character_or_tab() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert!(parse_delimiter(";;").is_err());
        assert!(parse_delimiter("\"").is_err());
        assert!(parse_delimiter("é").is_err());
    }
}
