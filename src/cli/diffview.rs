//! A character-level, aligned diff of two strings (base strings, keys
//! shapes, headers): the known-good text above the candidate, differing
//! characters coloured, and `^` markers under them when colour is off.
//!
//! The diff itself comes from `similar`; this module only lays it out.

use super::render::{paint, BAD, DIM, GOOD};
use similar::{ChangeTag, TextDiff};

/// One column of the aligned view.
struct Cell {
    expected: Option<char>,
    actual: Option<char>,
}

impl Cell {
    fn tag(&self) -> ChangeTag {
        match (self.expected, self.actual) {
            (Some(_), Some(_)) => ChangeTag::Equal,
            (Some(_), None) => ChangeTag::Delete,
            _ => ChangeTag::Insert,
        }
    }
}

/// Renders `expected` over `actual`, aligned, `width` columns per block,
/// each line prefixed with its label. With `colour`, removed characters
/// are red and added ones green; without, a third line marks them with `^`.
pub fn char_diff(
    labels: (&str, &str),
    expected: &str,
    actual: &str,
    width: usize,
    colour: bool,
) -> String {
    if expected.len() + actual.len() > CHAR_DIFF_LIMIT {
        return coarse_diff(labels, expected, actual, width, colour);
    }
    let mut cells = Vec::with_capacity(expected.len().max(actual.len()));
    for (tag, text) in runs(expected, actual) {
        for c in text.chars() {
            cells.push(match tag {
                ChangeTag::Equal => Cell {
                    expected: Some(c),
                    actual: Some(c),
                },
                ChangeTag::Delete => Cell {
                    expected: Some(c),
                    actual: None,
                },
                ChangeTag::Insert => Cell {
                    expected: None,
                    actual: Some(c),
                },
            });
        }
    }
    let label_width = labels.0.chars().count().max(labels.1.chars().count());
    let pad = |l: &str| {
        let l = format!("{l}{}", " ".repeat(label_width - l.chars().count()));
        if colour {
            paint(DIM, l)
        } else {
            l
        }
    };
    let mut out = String::new();
    for block in cells.chunks(width.max(1)) {
        let mut top = Line::default();
        let mut bottom = Line::default();
        let mut marks = String::new();
        for cell in block {
            let changed = cell.tag() != ChangeTag::Equal;
            top.push(cell.expected, changed && colour);
            bottom.push(cell.actual, changed && colour);
            marks.push(if changed { '^' } else { ' ' });
        }
        let (top, bottom) = (top.finish(BAD), bottom.finish(GOOD));
        out.push_str(&format!("  {}  {top}\n", pad(labels.0)));
        out.push_str(&format!("  {}  {bottom}\n", pad(labels.1)));
        if !colour && marks.contains('^') {
            out.push_str(&format!(
                "  {}  {}\n",
                " ".repeat(label_width),
                marks.trim_end()
            ));
        }
    }
    out
}

/// Longest pair of strings (bytes, both sides) given a character diff;
/// past it the diff is coarse (see [`coarse_diff`]), as a character diff
/// can cost the product of the lengths.
const CHAR_DIFF_LIMIT: usize = 20_000;

/// [`char_diff`] for huge strings: the common prefix and suffix are cut
/// (a linear scan), and the differing middle, with a little context and
/// clipped to [`CHAR_DIFF_LIMIT`], gets the character diff. A note says so.
fn coarse_diff(
    labels: (&str, &str),
    expected: &str,
    actual: &str,
    width: usize,
    colour: bool,
) -> String {
    const CONTEXT: usize = 40;
    let prefix = expected
        .char_indices()
        .zip(actual.chars())
        .find(|((_, a), b)| a != b)
        .map_or(expected.len().min(actual.len()), |((i, _), _)| i);
    let suffix = expected[prefix..]
        .chars()
        .rev()
        .zip(actual[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    let start = floor_char(expected, prefix.saturating_sub(CONTEXT));
    let clip = |s: &str, end: usize| -> (usize, bool) {
        let end = end.max(start);
        let cap = floor_char(s, (start + CHAR_DIFF_LIMIT / 2).min(s.len()));
        (end.min(cap), end > cap)
    };
    let (e_end, e_cut) = clip(expected, expected.len() - suffix);
    let (a_end, a_cut) = clip(actual, actual.len() - suffix);
    let note = format!(
        "(strings of {} and {} characters: too long for a character diff; {} equal characters at the start and {} at the end are not shown{})",
        expected.chars().count(),
        actual.chars().count(),
        expected[..start].chars().count(),
        expected[e_end..].chars().count().min(actual[a_end..].chars().count()),
        if e_cut || a_cut { ", and the differing middle is cut" } else { "" }
    );
    let mut out = format!("  {}\n", paint(DIM, note));
    out.push_str(&char_diff(
        labels,
        &expected[start..e_end],
        &actual[start..a_end],
        width,
        colour,
    ));
    out
}

/// The largest char boundary of `s` at or below `i`.
fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One rendered line: plain text, with changed runs collected so each is
/// painted once.
#[derive(Default)]
struct Line {
    done: String,
    run: String,
    run_changed: bool,
    style_runs: Vec<(bool, String)>,
}

impl Line {
    /// Appends a character (a space for a gap), `highlight` marking a change.
    fn push(&mut self, c: Option<char>, highlight: bool) {
        let highlight = highlight && c.is_some();
        if highlight != self.run_changed && !self.run.is_empty() {
            self.style_runs
                .push((self.run_changed, std::mem::take(&mut self.run)));
        }
        self.run_changed = highlight;
        self.run.push(c.map_or(' ', visible));
    }

    fn finish(mut self, style: anstyle::Style) -> String {
        self.style_runs.push((self.run_changed, self.run));
        for (changed, text) in self.style_runs {
            if changed {
                self.done.push_str(&paint(style, text));
            } else {
                self.done.push_str(&text);
            }
        }
        self.done
    }
}

/// Equal runs shorter than this between two changes are folded into the
/// change, so a replaced word reads as one block instead of confetti.
const SHORT_EQUAL: usize = 4;

/// The diff as runs of one tag, cleaned up for reading: short equal runs
/// between changes are absorbed, and each change shows what was removed
/// before what was added.
fn runs(expected: &str, actual: &str) -> Vec<(ChangeTag, String)> {
    let diff = TextDiff::from_chars(expected, actual);
    let mut raw: Vec<(ChangeTag, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        match raw.last_mut() {
            Some((tag, text)) if *tag == change.tag() => text.push_str(change.value()),
            _ => raw.push((change.tag(), change.value().to_string())),
        }
    }
    let mut out: Vec<(ChangeTag, String)> = Vec::new();
    let mut removed = String::new();
    let mut added = String::new();
    let flush = |out: &mut Vec<(ChangeTag, String)>, removed: &mut String, added: &mut String| {
        if !removed.is_empty() {
            out.push((ChangeTag::Delete, std::mem::take(removed)));
        }
        if !added.is_empty() {
            out.push((ChangeTag::Insert, std::mem::take(added)));
        }
    };
    for (i, (tag, text)) in raw.iter().enumerate() {
        match tag {
            ChangeTag::Delete => removed.push_str(text),
            ChangeTag::Insert => added.push_str(text),
            ChangeTag::Equal => {
                let inside = i > 0 && i + 1 < raw.len();
                if inside && text.chars().count() < SHORT_EQUAL {
                    removed.push_str(text);
                    added.push_str(text);
                } else {
                    flush(&mut out, &mut removed, &mut added);
                    out.push((ChangeTag::Equal, text.clone()));
                }
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

/// Control characters as a visible stand-in, so one column stays one character.
fn visible(c: char) -> char {
    if c.is_control() {
        '·'
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertion_is_aligned_and_marked() {
        let out = char_diff(("correct", "signer"), "abc", "aXbc", 80, false);
        assert_eq!(out, "  correct  a bc\n  signer   aXbc\n            ^\n");
    }

    #[test]
    fn short_equal_runs_between_changes_are_absorbed() {
        let out = char_diff(("x", "y"), "abcXYZdef", "abc1Y2def", 80, false);
        assert_eq!(
            out,
            "  x  abcXYZ   def\n  y  abc   1Y2def\n        ^^^^^^\n"
        );
    }

    #[test]
    fn equal_strings_have_no_markers_and_long_ones_wrap() {
        let out = char_diff(("a", "b"), "abcdef", "abcdef", 4, false);
        assert_eq!(out, "  a  abcd\n  b  abcd\n  a  ef\n  b  ef\n");
    }

    #[test]
    fn issue11_huge_strings_get_a_coarse_bounded_diff() {
        let a = format!("{}A{}", "x".repeat(30_000), "y".repeat(30_000));
        let b = format!("{}B{}", "x".repeat(30_000), "y".repeat(30_000));
        let out = char_diff(("a", "b"), &a, &b, 100, false);
        assert!(out.contains("too long for a character diff"), "{out}");
        assert!(out.contains("29960 equal characters at the start"), "{out}");
        assert!(out.contains('A') && out.contains('B') && out.contains('^'));
        assert!(out.len() < 1_000, "{} bytes", out.len());
        let c = "z".repeat(50_000);
        let out = char_diff(("a", "b"), &a, &c, 100, false);
        assert!(out.contains("the differing middle is cut"), "{out}");
        assert!(out.len() < 100_000, "{} bytes", out.len());
    }
}
