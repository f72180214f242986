//! `verify` over many requests: JSON Lines streamed from a file or standard
//! input (or every request of a HAR), secrets per consumer from a secrets
//! file, one result line per request in input order, and a summary.
//!
//! Lines are read on one thread in bounded chunks and each chunk is
//! verified on every core, so memory stays flat however long the input.
//! A single request without `--secrets`, `--only-invalid` or JSON Lines
//! takes the `explain`-style path in `explain.rs`, unchanged.

use super::explain::{self, ExplainArgs, Mode};
use super::inputs::{read_text_file, FormatArg};
use super::render::{pad, visible, BAD, GOOD};
use super::Outcome;
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use oauth1_doctor::batch::{
    check_requests, hunt_invalid, hunt_line, hunt_request, Checked, Checker, HuntSettings, Keys,
    KeysError, MistakeRanking, Ranker, Summary, Verdict,
};
use oauth1_doctor::credentials::Credentials;
use oauth1_doctor::hunt::HuntReport;
use oauth1_doctor::input::files::NamedFiles;
use oauth1_doctor::input::MAX_INPUT;
use serde::Serialize;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// At most this many lines are verified together.
const CHUNK_LINES: usize = 8192;
/// At most about this many bytes are read for a chunk (more only to
/// finish a line longer than that).
const CHUNK_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub base: ExplainArgs,
    /// Secrets per consumer key and token (TOML, see the README); verifies every request of the input.
    #[arg(long, value_name = "FILE")]
    pub secrets: Option<PathBuf>,
    /// Print only the requests that are not valid (and the summary); verifies every request of the input.
    #[arg(long)]
    pub only_invalid: bool,
    /// Also hunt the signer's mistake in every invalid request (as `hunt` does, on every core) and rank the mistakes found per consumer key in the summary; verifies every request of the input.
    #[arg(long)]
    pub hunt: bool,
    /// With --hunt: how many mistakes may combine (0 to 4).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u8).range(0..=4))]
    pub hunt_depth: u8,
    #[command(flatten)]
    pub quiet: super::Quiet,
}

pub fn run(args: VerifyArgs) -> Result<Outcome> {
    let input = &args.base.input;
    let jsonl = match input.format {
        Some(f) => matches!(f, FormatArg::Jsonl),
        None => {
            let name = input.request.to_ascii_lowercase();
            name.ends_with(".jsonl") || name.ends_with(".ndjson")
        }
    };
    if !jsonl && args.secrets.is_none() && !args.only_invalid && !args.hunt {
        return explain::run(args.base, Mode::Verify);
    }
    let keys = keys(&args)?;
    let hunt = args.hunt.then(|| HuntSettings {
        depth: usize::from(args.hunt_depth),
        ..HuntSettings::default()
    });
    let out = Output::new(args.base.json, args.only_invalid, hunt.is_some());
    let summary = if jsonl {
        stream_jsonl(&input.request, &keys, hunt.as_ref(), out)?
    } else {
        every_request(&args, &keys, hunt.as_ref(), out)?
    };
    if summary.requests == 0 {
        bail!("{}: no request found", input.request);
    }
    Ok(if summary.all_valid() {
        Outcome::Ok
    } else {
        Outcome::Mismatch
    })
}

/// Reads the secrets file and the secrets the flags name, and lets the
/// library choose ([`Keys::choose`]). A secrets file given on the command
/// line wins over `OAUTH1_*` variables in the environment, which are then
/// not read; it conflicts only with secret flags on the command line.
fn keys(args: &VerifyArgs) -> Result<Keys> {
    choose_keys(&args.base.secrets, args.secrets.as_deref())
}

/// [`keys`] for any command that verifies: the secrets file (`--secrets`)
/// or the secrets the flags name. A secrets file wins over `OAUTH1_*`
/// variables in the environment; it conflicts only with secret flags on
/// the command line.
pub fn choose_keys(
    flags: &super::inputs::SecretArgs,
    file: Option<&std::path::Path>,
) -> Result<Keys> {
    let given = flags.given_on_command_line();
    let same = match (file, given) {
        (Some(_), false) => None,
        _ => Some(flags.load()?),
    };
    let path = file;
    let file = file.map(credentials).transpose()?;
    let chosen = Keys::choose(file, same);
    chosen.map_err(|e| match e {
        KeysError::NoSecrets => anyhow!("no secrets to verify with: pass --secrets FILE (secrets per consumer key), or --consumer-secret / --public-key for every request"),
        KeysError::Both => anyhow!("--secrets gives the secrets for every request: drop --consumer-secret, --token-secret, --private-key and --public-key"),
        e => anyhow!(
            "secrets file {}: {e}",
            path.unwrap_or(std::path::Path::new("")).display()
        ),
    })
}

/// Reads a secrets file (TOML, see the README).
fn credentials(path: &std::path::Path) -> Result<Credentials> {
    let text = read_text_file(path, "the secrets file")?;
    let dir = path
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = if dir.is_empty() { ".".to_string() } else { dir };
    Credentials::from_toml(&text, &dir, &NamedFiles)
        .map_err(|e| anyhow!("secrets file {}: {e}", path.display()))
}

/// Lines of one chunk in one buffer (one allocation per chunk, not per
/// line), with their 1-based line numbers.
#[derive(Default)]
struct Chunk {
    data: Vec<u8>,
    /// Line number and byte range in `data` of each non-blank line.
    lines: Vec<(usize, std::ops::Range<usize>)>,
    /// Indexes (into `lines`) of lines over [`MAX_INPUT`], left empty.
    too_long: Vec<usize>,
    /// Input bytes the chunk covers, blank lines included.
    bytes: u64,
}

fn stream_jsonl(
    path: &str,
    keys: &Keys,
    hunt: Option<&HuntSettings>,
    mut out: Output,
) -> Result<Summary> {
    let (source, total): (Box<dyn Read + Send>, Option<u64>) = if path == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let f = std::fs::File::open(path).with_context(|| format!("cannot open {path:?}"))?;
        let len = f.metadata().ok().map(|m| m.len());
        (Box::new(f), len)
    };
    let (tx, rx) = sync_channel::<io::Result<Chunk>>(2);
    // Buffers go back to the reader once printed: fresh 8 MiB buffers
    // would cost a page fault per 4 KiB.
    let (give_back, recycled) = sync_channel::<Vec<u8>>(4);
    let reading = std::thread::spawn(move || read_chunks(source, &tx, &recycled));
    let progress = progress_bar(total);
    let mut summary = Summary::default();
    // Valid requests not shown are only counted: nothing copied out.
    let mut checker = match out.only_invalid {
        true => Checker::new(keys).brief(),
        false => Checker::new(keys),
    };
    for chunk in rx {
        let chunk = chunk.with_context(|| format!("cannot read {path:?}"))?;
        let lines: Vec<&[u8]> = chunk
            .lines
            .iter()
            .map(|(_, r)| &chunk.data[r.clone()])
            .collect();
        let mut results = checker.check_lines(&lines);
        for &i in &chunk.too_long {
            results[i] = Checked::malformed(format!(
                "the line is longer than the {MAX_INPUT}-byte limit; it was skipped"
            ));
        }
        let hunts = match hunt {
            Some(h) => hunt_invalid(&lines, &results, |l| hunt_line(l, keys, h)),
            None => Vec::new(),
        };
        let rows = chunk
            .lines
            .iter()
            .zip(&results)
            .enumerate()
            .map(|(i, ((n, _), c))| {
                (
                    Position::Line(*n),
                    c,
                    hunts.get(i).and_then(Option::as_deref),
                )
            });
        let written = match &progress {
            Some(p) => p.suspend(|| out.rows(rows, &mut summary)),
            None => out.rows(rows, &mut summary),
        };
        if !out.keep_going(written)? {
            break;
        }
        if let Some(p) = &progress {
            p.inc(chunk.bytes);
        }
        drop(lines);
        let _ = give_back.try_send(chunk.data);
    }
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    // The reader stops by itself at the end, or when the receiver is gone.
    let _ = reading.join();
    out.summary(&summary)?;
    Ok(summary)
}

/// Reads `source` into chunks of non-blank lines and sends them in order.
fn read_chunks(
    source: impl Read,
    tx: &SyncSender<io::Result<Chunk>>,
    recycled: &Receiver<Vec<u8>>,
) {
    let cutter = Cutter {
        chunk_lines: CHUNK_LINES,
        chunk_bytes: CHUNK_BYTES,
        max_line: MAX_INPUT,
    };
    cutter.run(
        source,
        |chunk| tx.send(chunk).is_ok(),
        || recycled.try_recv().ok(),
    );
}

/// Cuts a stream into chunks of whole lines, reading straight into each
/// chunk's buffer (no second copy through a `BufReader`); the unfinished
/// line at the end of a read is carried into the next chunk.
struct Cutter {
    /// At most this many lines a chunk.
    chunk_lines: usize,
    /// About this many bytes a read.
    chunk_bytes: usize,
    /// A line longer than this (line break excluded) is reported, not kept.
    max_line: usize,
}

impl Cutter {
    /// Sends chunks to `send` until the end, an error (sent too) or `send`
    /// returning false; takes buffers back from `recycled` when it has one.
    fn run(
        &self,
        mut source: impl Read,
        mut send: impl FnMut(io::Result<Chunk>) -> bool,
        mut recycled: impl FnMut() -> Option<Vec<u8>>,
    ) {
        let mut line_no = 0;
        // The unfinished line of the last read, and whether it is an
        // over-long line already reported, whose rest is skipped.
        let mut carry = Vec::new();
        // Whether `carry` is whole lines left at the line cap (then it is
        // read on only as far as a chunk's worth), not one unfinished line.
        let mut carry_has_lines = false;
        let mut skipping = false;
        // Reads are sized for about `chunk_lines` lines of the length seen.
        let mut line_len = 256;
        let mut eof = false;
        while !eof {
            let mut data =
                recycled().unwrap_or_else(|| Vec::with_capacity(self.chunk_bytes + (64 << 10)));
            data.clear();
            data.extend_from_slice(&carry);
            let sized = self
                .chunk_lines
                .saturating_mul(line_len)
                .clamp(1, self.chunk_bytes);
            let want = if carry_has_lines {
                // Lines left at the line cap count towards this chunk's
                // bytes: read only what tops them up, so that the carry
                // does not grow from chunk to chunk.
                sized.saturating_sub(carry.len()).max(1)
            } else {
                // A long unfinished line is read on at least as far
                // again, so that it is copied over a bounded number of
                // times (a line of n octets: under 2n octets copied),
                // whatever `line_len` says.
                sized.max(carry.len())
            };
            carry.clear();
            let read = match (&mut source).take(want as u64).read_to_end(&mut data) {
                Ok(n) => n,
                Err(e) => {
                    send(Err(e));
                    return;
                }
            };
            eof = read < want;
            let mut chunk = Chunk {
                data,
                ..Chunk::default()
            };
            let mut start = 0;
            while chunk.lines.len() < self.chunk_lines {
                let Some(i) = memchr::memchr(b'\n', &chunk.data[start..]) else {
                    break;
                };
                let end = start + i;
                chunk.bytes += (end + 1 - start) as u64;
                if std::mem::take(&mut skipping) {
                    start = end + 1;
                    continue;
                }
                line_no += 1;
                self.keep(&mut chunk, line_no, start..end);
                start = end + 1;
            }
            let (rest, len) = (chunk.data.len() - start, chunk.data.len());
            carry_has_lines = chunk.lines.len() >= self.chunk_lines;
            if carry_has_lines {
                // Stopped at the line cap: the rest may hold whole lines.
                carry.extend_from_slice(&chunk.data[start..]);
                eof = false;
            } else if eof {
                // The last line, without a line break.
                chunk.bytes += rest as u64;
                if rest > 0 && !skipping {
                    line_no += 1;
                    self.keep(&mut chunk, line_no, start..len);
                    start = len;
                }
            } else if skipping {
                chunk.bytes += rest as u64;
            } else if rest > self.max_line {
                chunk.bytes += rest as u64;
                line_no += 1;
                chunk.too_long.push(chunk.lines.len());
                chunk.lines.push((line_no, start..start));
                skipping = true;
            } else {
                carry.extend_from_slice(&chunk.data[start..]);
            }
            chunk.data.truncate(start);
            if !chunk.lines.is_empty() {
                line_len = (chunk.bytes as usize / chunk.lines.len()).max(16);
            }
            if (!chunk.lines.is_empty() || chunk.bytes > 0) && !send(Ok(chunk)) {
                return;
            }
        }
    }

    /// Adds the line at `range` (without its line break): a carriage
    /// return before the break is dropped, a blank line skipped, an
    /// over-long one reported.
    fn keep(&self, chunk: &mut Chunk, line_no: usize, range: std::ops::Range<usize>) {
        let (start, mut end) = (range.start, range.end);
        if end - start > self.max_line {
            chunk.too_long.push(chunk.lines.len());
            chunk.lines.push((line_no, start..start));
            return;
        }
        if end > start && chunk.data[end - 1] == b'\r' {
            end -= 1;
        }
        if chunk.data[start..end].trim_ascii().is_empty() {
            return;
        }
        chunk.lines.push((line_no, start..end));
    }
}

/// Every request of a HAR, raw HTTP or cURL input (read whole: at most 16 MiB).
fn every_request(
    args: &VerifyArgs,
    keys: &Keys,
    hunt: Option<&HuntSettings>,
    mut out: Output,
) -> Result<Summary> {
    let reads = args.base.input.read_all()?;
    let requests: Vec<_> = reads.iter().map(|r| &r.request).collect();
    let results = check_requests(&requests, keys);
    let hunts = match hunt {
        Some(h) => hunt_invalid(&requests, &results, |r| hunt_request(r, keys, h)),
        None => Vec::new(),
    };
    let labels: Vec<String> = reads
        .iter()
        .map(|r| {
            r.label
                .clone()
                .unwrap_or_else(|| args.base.input.request.clone())
        })
        .collect();
    let mut summary = Summary::default();
    let rows = labels.iter().zip(&results).enumerate().map(|(i, (l, c))| {
        (
            Position::Label(l),
            c,
            hunts.get(i).and_then(Option::as_deref),
        )
    });
    let written = out.rows(rows, &mut summary);
    if out.keep_going(written)? {
        out.summary(&summary)?;
    }
    Ok(summary)
}

/// A progress bar on stderr, only when stderr is a terminal: by bytes for
/// a file, a counter for standard input.
fn progress_bar(total: Option<u64>) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let (bar, template) = match total {
        Some(n) => (
            ProgressBar::new(n),
            "{bar:30} {bytes}/{total_bytes}  {bytes_per_sec}  eta {eta}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {bytes} read  {bytes_per_sec}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Where a result comes from.
#[derive(Clone, Copy)]
enum Position<'a> {
    Line(usize),
    Label(&'a str),
}

/// One `--json` result line (documented in the README).
#[derive(Serialize)]
struct Row<'a> {
    schema: &'static str,
    line: Option<usize>,
    label: Option<&'a str>,
    #[serde(flatten)]
    checked: &'a Checked,
    /// With `--hunt`, for an invalid request: the `hunt --json` object.
    #[serde(skip_serializing_if = "Option::is_none")]
    hunt: Option<&'a HuntReport>,
}

/// The last `--json` line.
#[derive(Serialize)]
struct SummaryLine<'a> {
    schema: &'static str,
    summary: &'a Summary,
    /// With `--hunt`: the mistakes found, ranked.
    #[serde(skip_serializing_if = "Option::is_none")]
    mistakes: Option<MistakeRanking>,
}

/// Result lines written to stdout, buffered, coloured only on a terminal.
struct Output {
    w: BufWriter<Box<dyn Write>>,
    json: bool,
    only_invalid: bool,
    colour: bool,
    /// With `--hunt`: the mistakes counted so far.
    ranker: Option<Ranker>,
}

impl Output {
    fn new(json: bool, only_invalid: bool, hunt: bool) -> Output {
        let colour =
            !json && anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never;
        let sink: Box<dyn Write> = if colour {
            Box::new(anstream::stdout())
        } else {
            Box::new(io::stdout())
        };
        Output {
            w: BufWriter::with_capacity(1 << 16, sink),
            json,
            only_invalid,
            colour,
            ranker: hunt.then(Ranker::default),
        }
    }

    fn paint(&self, style: anstyle::Style, text: &str) -> String {
        if self.colour {
            super::render::paint(style, text)
        } else {
            text.to_string()
        }
    }

    /// Writes the rows (counting every one) and flushes.
    fn rows<'a>(
        &mut self,
        rows: impl Iterator<Item = (Position<'a>, &'a Checked, Option<&'a HuntReport>)>,
        summary: &mut Summary,
    ) -> io::Result<()> {
        for (at, c, hunt) in rows {
            summary.add(c.verdict);
            if let Some(r) = &mut self.ranker {
                r.add(c, hunt);
            }
            if self.only_invalid && c.verdict == Verdict::Valid {
                continue;
            }
            if self.json {
                let (line, label) = match at {
                    Position::Line(n) => (Some(n), None),
                    Position::Label(l) => (None, Some(l)),
                };
                serde_json::to_writer(
                    &mut self.w,
                    &Row {
                        schema: oauth1_doctor::SCHEMA,
                        line,
                        label,
                        checked: c,
                        hunt,
                    },
                )?;
                self.w.write_all(b"\n")?;
            } else {
                let text = self.human(at, c, hunt);
                self.w.write_all(text.as_bytes())?;
            }
        }
        self.w.flush()
    }

    fn human(&self, at: Position<'_>, c: &Checked, hunt: Option<&HuntReport>) -> String {
        let label = match at {
            Position::Line(n) => format!("line {n}"),
            Position::Label(l) => visible(l).into_owned(),
        };
        let style = if c.verdict == Verdict::Valid {
            GOOD
        } else {
            BAD
        };
        let mut o = format!(
            "{}  {}  ",
            pad(&label, 12),
            self.paint(style, &pad(c.verdict.as_str(), 12))
        );
        if let (Some(m), Some(method), Some(uri)) = (c.signature_method, &c.method, &c.base_uri) {
            o.push_str(&format!(
                "{:<11}  {} {}",
                m.as_str(),
                visible(method),
                visible(uri)
            ));
            if let Some(k) = &c.consumer_key {
                o.push_str(&format!("  consumer {}", visible(k)));
            }
            if c.reason.is_some() {
                o.push_str(": ");
            }
        }
        if let Some(r) = &c.reason {
            o.push_str(&visible(r));
        }
        for n in &c.notes {
            o.push_str(&format!("; {} ({})", visible(&n.message), n.section));
        }
        if self.ranker.is_some() && oauth1_doctor::batch::needs_hunt(c) {
            o.push_str("; hunt: ");
            o.push_str(&hunt_answer(hunt));
        }
        o.push('\n');
        o
    }

    fn summary(&mut self, s: &Summary) -> Result<()> {
        let r = if self.json {
            serde_json::to_writer(
                &mut self.w,
                &SummaryLine {
                    schema: oauth1_doctor::SCHEMA,
                    summary: s,
                    mistakes: self.ranker.as_ref().map(Ranker::ranking),
                },
            )
            .map_err(io::Error::from)
            .and_then(|_| self.w.write_all(b"\n"))
        } else {
            let style = if s.all_valid() { GOOD } else { BAD };
            let mut text = format!("{} {s}\n", self.paint(style, "summary:"));
            if let Some(r) = &self.ranker {
                text.push_str(&format!(
                    "{} {}\n",
                    self.paint(style, "mistakes:"),
                    r.ranking()
                ));
            }
            self.w.write_all(text.as_bytes())
        };
        let r = r.and_then(|_| self.w.flush());
        self.keep_going(r).map(|_| ())
    }

    /// Whether to go on after a write: a closed pipe (`| head`) ends the run quietly.
    fn keep_going(&self, written: io::Result<()>) -> Result<bool> {
        match written {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
            Err(e) => Err(anyhow!("cannot write the results: {e}")),
        }
    }
}

/// A hunt's answer in a few words, for a result line.
fn hunt_answer(hunt: Option<&HuntReport>) -> String {
    let Some(h) = hunt else {
        return "could not run".into();
    };
    if !h.matched {
        let cut = if h.budget.exhausted {
            ", search cut short by its budget"
        } else {
            ""
        };
        return format!("no known mistake at depth {}{cut}", h.depth);
    }
    if h.mistakes.is_empty() {
        return "no signer mistake (the signature follows RFC 5849)".into();
    }
    let mut o = h.mistakes.join(" + ");
    let others: Vec<String> = h
        .explanations
        .iter()
        .skip(1)
        .map(|e| e.join(" + "))
        .collect();
    if !others.is_empty() {
        o.push_str(&format!(" (or {})", others.join(", ")));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader handing out at most `step` bytes a call.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// What the cutter should give: (line number, text or `None` when too
    /// long) of each non-blank line, and the total of bytes.
    fn expected(text: &[u8], max_line: usize) -> Vec<(usize, Option<Vec<u8>>)> {
        let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        if text.ends_with(b"\n") || text.is_empty() {
            lines.pop();
        }
        lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                if l.len() > max_line {
                    return Some((i + 1, None));
                }
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                (!l.trim_ascii().is_empty()).then(|| (i + 1, Some(l.to_vec())))
            })
            .collect()
    }

    proptest::proptest! {
        /// The same on any text of short and long lines, blanks and CRs.
        #[test]
        fn chunks_hold_any_lines(
            pieces in proptest::collection::vec(proptest::sample::select(vec!["a", "bcdefgh", "\n", "\r", " ", "\r\n"]), 0..60),
            chunk_lines in 1usize..6,
            chunk_bytes in 1usize..40,
            max_line in 0usize..12,
            step in 1usize..9,
        ) {
            let text = pieces.concat().into_bytes();
            let cutter = Cutter { chunk_lines, chunk_bytes, max_line };
            let (mut got, mut bytes) = (Vec::new(), 0);
            cutter.run(Trickle { data: &text, step }, |c| {
                let c = c.unwrap();
                bytes += c.bytes;
                for (i, (n, r)) in c.lines.iter().enumerate() {
                    got.push((*n, (!c.too_long.contains(&i)).then(|| c.data[r.clone()].to_vec())));
                }
                true
            }, || None);
            proptest::prop_assert_eq!(got, expected(&text, max_line));
            proptest::prop_assert_eq!(bytes, text.len() as u64);
        }
    }

    /// A long line after short ones is not read a few octets at a time
    /// (each read copying the part carried so far): the reads grow with
    /// what is carried, so 100,000 octets take a handful of reads, not
    /// thousands.
    #[test]
    fn a_long_line_after_short_ones_takes_few_reads() {
        let mut text = b"a\nb\nc\nd\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 100_000));
        text.push(b'\n');
        let cutter = Cutter {
            chunk_lines: 4,
            chunk_bytes: 1 << 20,
            max_line: 1 << 20,
        };
        let (mut reads, mut lines) = (0, 0);
        cutter.run(
            &text[..],
            |c| {
                lines += c.unwrap().lines.len();
                true
            },
            || {
                reads += 1;
                None
            },
        );
        assert_eq!(lines, 5);
        assert!(reads < 40, "{reads} reads");
    }

    /// Lines much shorter than the first reads expect (the initial
    /// guess, or a stretch of long lines before them) stop chunks at the
    /// line cap: the lines left over are carried, and no chunk's buffer
    /// grows past a few reads' worth however long the log. Before, each
    /// read was made at least as long as that carry, which then doubled
    /// chunk after chunk (the whole log in memory, copied over and over).
    #[test]
    fn lines_left_at_the_line_cap_do_not_pile_up() {
        for first in [0, 2048] {
            let mut text = Vec::new();
            for i in 0..first {
                text.extend(format!("{i:02000}\n").bytes());
            }
            for i in 0..200_000 {
                text.extend(format!("{i:099}\n").bytes());
            }
            let cutter = Cutter {
                chunk_lines: 256,
                chunk_bytes: 1 << 20,
                max_line: 1 << 20,
            };
            let (mut lines, mut largest) = (0, 0);
            cutter.run(
                &text[..],
                |c| {
                    let c = c.unwrap();
                    lines += c.lines.len();
                    // What the buffer had to hold: the lines sent and
                    // the carry cut off them.
                    largest = largest.max(c.data.capacity());
                    true
                },
                || None,
            );
            assert_eq!(lines, first + 200_000);
            // A new buffer holds 1 MiB and 64 KiB; 256 lines of 2,001
            // octets are 512 KB, of 100 octets 25.6 KB.
            assert!(largest < 3 << 20, "a buffer of {largest} octets");
        }
    }

    /// Chunks cut from a stream read in odd pieces hold every non-blank
    /// line once, in order, numbered, with a CR before the break dropped
    /// and over-long lines reported, whatever the chunk sizes; their bytes
    /// add up to the input's.
    #[test]
    fn chunks_hold_every_line_once() {
        let texts: [&[u8]; 6] = [
            b"first line\nsecond, longer than the rest of them\n\n  \r\nlast without break",
            b"a\r\nb\n",
            b"",
            b"\n\n\n",
            b"0123456789abcdefghij\nshort\n0123456789abcdefghijklmnop\nx",
            b"only one line, unbroken and long, longer than the limit",
        ];
        for text in texts {
            for (chunk_lines, chunk_bytes, max_line, step) in [
                (1, 1, 100, 1),
                (2, 5, 12, 3),
                (3, 7, 20, 7),
                (8192, 64, 25, 64),
                (4, 1 << 20, 1000, 5),
            ] {
                let cutter = Cutter {
                    chunk_lines,
                    chunk_bytes,
                    max_line,
                };
                let mut got = Vec::new();
                let mut bytes = 0;
                cutter.run(
                    Trickle { data: text, step },
                    |c| {
                        let c = c.unwrap();
                        assert!(c.lines.len() <= chunk_lines);
                        bytes += c.bytes;
                        for (i, (n, r)) in c.lines.iter().enumerate() {
                            let text =
                                (!c.too_long.contains(&i)).then(|| c.data[r.clone()].to_vec());
                            got.push((*n, text));
                        }
                        true
                    },
                    || None,
                );
                let case = format!(
                    "{:?} cut {chunk_lines}/{chunk_bytes}/{max_line}/{step}",
                    String::from_utf8_lossy(text)
                );
                assert_eq!(got, expected(text, max_line), "{case}");
                assert_eq!(bytes, text.len() as u64, "{case}");
            }
        }
    }
}
