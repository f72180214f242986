//! The one way every command shows two signature base strings (RFC 5849
//! §3.4.1.1): `diff` (known-good or server against candidate) and `hunt`
//! (the correct one against the signer's or server's).
//!
//! First each string whole, on its own line, so it can be copied as it is
//! (differing spans coloured when colour is on, nothing inserted into it);
//! then each place where they differ, the two sides lined up column by
//! column with a little context, and `^` under the differing characters
//! when colour is off. The alignment itself (pair by pair, then character
//! by character, nonce and timestamp told apart) is the library's
//! [`align`](oauth1_doctor::diff::base_diff::align); this module only lays
//! it out.

use super::render::{pad, paint, BAD, DIM, GOOD};
use oauth1_doctor::diff::base_diff::{Alignment, SpanKind};

/// Columns per line of an aligned excerpt.
const WIDTH: usize = 100;
/// Characters of unchanged context on each side of a difference.
const CONTEXT: usize = 24;
/// Past this many characters a string is not printed whole (only where it differs).
const HUGE: usize = 20_000;
/// At most this many places of difference are shown.
const MAX_EXCERPTS: usize = 12;
/// At most this many characters of one changed run are shown per side.
const MAX_RUN: usize = 300;

/// One column of an aligned excerpt.
#[derive(Clone, Copy)]
struct Cell {
    top: Option<char>,
    bottom: Option<char>,
    kind: SpanKind,
}

/// Renders two base strings the one way (see the module documentation),
/// `labels` naming the top (reference) and bottom side.
pub fn base_strings(labels: (&str, &str), a: &Alignment, colour: bool) -> String {
    let w = labels.0.chars().count().max(labels.1.chars().count());
    let mut o = String::new();
    for (label, text, top, style) in [
        (labels.0, &a.good, true, GOOD),
        (labels.1, &a.candidate, false, BAD),
    ] {
        if text.is_empty() {
            o.push_str(&format!("  {}  (empty)\n", pad(label, w)));
        } else if text.chars().count() > HUGE {
            o.push_str(&format!(
                "  {}  {}\n",
                pad(label, w),
                paint(
                    DIM,
                    format!(
                        "({} characters: too long to print whole; only where they differ is shown below)",
                        text.chars().count()
                    )
                )
            ));
        } else {
            o.push_str(&format!(
                "  {}  {}\n",
                pad(label, w),
                whole(a, top, style, colour)
            ));
        }
    }
    if a.is_same() {
        let same = if a.good == a.candidate {
            "(identical)"
        } else {
            "(identical apart from nonce and timestamp)"
        };
        o.push_str(&format!("  {}\n", paint(DIM, same)));
        return o;
    }
    let groups = excerpts(a);
    let total = groups.len();
    o.push_str(&format!(
        "  {}\n",
        paint(
            DIM,
            format!(
                "where they differ ({total} place{}, aligned{}):",
                if total == 1 { "" } else { "s" },
                if colour {
                    ""
                } else {
                    ", ^ under the differing characters"
                }
            )
        )
    ));
    for cells in groups.iter().take(MAX_EXCERPTS) {
        for block in cells.chunks(WIDTH) {
            o.push_str(&excerpt_block(labels, w, block, colour));
        }
    }
    if total > MAX_EXCERPTS {
        o.push_str(&format!(
            "  {}\n",
            paint(
                DIM,
                format!("({} more places not shown)", total - MAX_EXCERPTS)
            )
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

/// One side whole, its changed spans painted (volatile ones dimmed).
fn whole(a: &Alignment, top: bool, style: anstyle::Style, colour: bool) -> String {
    let text = if top { &a.good } else { &a.candidate };
    if !colour {
        return text.chars().map(visible).collect();
    }
    let mut o = String::new();
    for s in &a.spans {
        let r = if top {
            s.good.clone()
        } else {
            s.candidate.clone()
        };
        let part: String = text[r].chars().map(visible).collect();
        match s.kind {
            SpanKind::Same => o.push_str(&part),
            SpanKind::Changed => o.push_str(&paint(style, part)),
            SpanKind::Volatile => o.push_str(&paint(DIM, part)),
        }
    }
    o
}

/// The places where the strings differ, each as aligned cells with context.
fn excerpts(a: &Alignment) -> Vec<Vec<Cell>> {
    let spans = &a.spans;
    let changed: Vec<usize> = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == SpanKind::Changed)
        .map(|(i, _)| i)
        .collect();
    // Changes separated by little unchanged text are one place.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        match groups.last_mut() {
            Some((_, end))
                if spans[*end + 1..i]
                    .iter()
                    .map(|s| a.good[s.good.clone()].chars().count())
                    .sum::<usize>()
                    < 2 * CONTEXT =>
            {
                *end = i
            }
            _ => groups.push((i, i)),
        }
    }
    groups
        .into_iter()
        .take(MAX_EXCERPTS + 1)
        .map(|(first, last)| {
            let mut cells = Vec::new();
            if let Some(s) = first
                .checked_sub(1)
                .map(|i| &spans[i])
                .filter(|s| s.kind == SpanKind::Same)
            {
                let text = &a.good[s.good.clone()];
                let n = text.chars().count();
                if n > CONTEXT {
                    cells.push(same('…'));
                }
                cells.extend(text.chars().skip(n.saturating_sub(CONTEXT)).map(same));
            }
            for s in &spans[first..=last] {
                let g = &a.good[s.good.clone()];
                let c = &a.candidate[s.candidate.clone()];
                if s.kind == SpanKind::Same {
                    cells.extend(g.chars().map(|ch| Cell {
                        top: Some(ch),
                        bottom: Some(ch),
                        kind: s.kind,
                    }));
                    continue;
                }
                let (gn, cn) = (g.chars().count(), c.chars().count());
                let mut gi = g.chars().take(MAX_RUN);
                let mut ci = c.chars().take(MAX_RUN);
                for _ in 0..gn.max(cn).min(MAX_RUN) {
                    cells.push(Cell {
                        top: gi.next(),
                        bottom: ci.next(),
                        kind: s.kind,
                    });
                }
                if gn.max(cn) > MAX_RUN {
                    cells.push(Cell {
                        top: (gn > MAX_RUN).then_some('…'),
                        bottom: (cn > MAX_RUN).then_some('…'),
                        kind: s.kind,
                    });
                }
            }
            if let Some(s) = spans.get(last + 1).filter(|s| s.kind == SpanKind::Same) {
                let text = &a.good[s.good.clone()];
                cells.extend(text.chars().take(CONTEXT).map(same));
                if text.chars().count() > CONTEXT {
                    cells.push(same('…'));
                }
            }
            cells
        })
        .collect()
}

fn same(c: char) -> Cell {
    Cell {
        top: Some(c),
        bottom: Some(c),
        kind: SpanKind::Same,
    }
}

/// One block of an excerpt: top side, bottom side, and the `^` line.
fn excerpt_block(labels: (&str, &str), w: usize, cells: &[Cell], colour: bool) -> String {
    let line = |top: bool, style: anstyle::Style| {
        let mut o = String::new();
        let mut run = String::new();
        let mut run_kind = SpanKind::Same;
        let flush = |o: &mut String, run: &mut String, kind: SpanKind| {
            match kind {
                _ if !colour => o.push_str(run),
                SpanKind::Same => o.push_str(run),
                SpanKind::Changed => o.push_str(&paint(style, &*run)),
                SpanKind::Volatile => o.push_str(&paint(DIM, &*run)),
            }
            run.clear();
        };
        for cell in cells {
            if cell.kind != run_kind {
                flush(&mut o, &mut run, run_kind);
                run_kind = cell.kind;
            }
            let ch = if top { cell.top } else { cell.bottom };
            run.push(ch.map_or(' ', visible));
        }
        flush(&mut o, &mut run, run_kind);
        o.trim_end().to_string()
    };
    let mut o = format!(
        "  {}  {}\n  {}  {}\n",
        pad(labels.0, w),
        line(true, GOOD),
        pad(labels.1, w),
        line(false, BAD)
    );
    let marks: String = cells
        .iter()
        .map(|c| {
            if c.kind == SpanKind::Changed {
                '^'
            } else {
                ' '
            }
        })
        .collect();
    if !colour && marks.contains('^') {
        o.push_str(&format!("  {}  {}\n", " ".repeat(w), marks.trim_end()));
    }
    o
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
    use oauth1_doctor::diff::base_diff::align;

    /// RFC 5849 §3.4.1.2: a port kept in the base string URI is marked where it is.
    #[test]
    fn a_difference_is_shown_whole_then_aligned_and_marked() {
        let a = align(
            "GET&https%3A%2F%2Fx.test%2Fa&b%3D1",
            "GET&https%3A%2F%2Fx.test%3A443%2Fa&b%3D1",
        );
        let out = base_strings(("known-good", "candidate"), &a, false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "  known-good  GET&https%3A%2F%2Fx.test%2Fa&b%3D1");
        assert_eq!(
            lines[1],
            "  candidate   GET&https%3A%2F%2Fx.test%3A443%2Fa&b%3D1"
        );
        assert!(lines[2].contains("where they differ (1 place"), "{out}");
        assert_eq!(
            lines[3],
            "  known-good  GET&https%3A%2F%2Fx.test      %2Fa&b%3D1"
        );
        assert_eq!(
            lines[4],
            "  candidate   GET&https%3A%2F%2Fx.test%3A443%2Fa&b%3D1"
        );
        assert_eq!(lines[5], "                                      ^^^^^^");
    }

    #[test]
    fn identical_strings_say_so_and_carry_no_marks() {
        let a = align("GET&http%3A%2F%2Fx&a%3D1", "GET&http%3A%2F%2Fx&a%3D1");
        let out = base_strings(("correct", "signer"), &a, false);
        assert!(out.contains("(identical)"), "{out}");
        assert!(!out.contains('^'), "{out}");
    }

    #[test]
    fn issue11_huge_strings_are_not_printed_whole() {
        let a_text = format!("GET&http%3A%2F%2Fx&a%3D{}A", "x".repeat(30_000));
        let b_text = format!("GET&http%3A%2F%2Fx&a%3D{}B", "x".repeat(30_000));
        let out = base_strings(("a", "b"), &align(&a_text, &b_text), false);
        assert!(out.contains("too long to print whole"), "{out}");
        assert!(out.contains('A') && out.contains('B') && out.contains('^'));
        assert!(out.len() < 2_000, "{} bytes", out.len());
    }
}
