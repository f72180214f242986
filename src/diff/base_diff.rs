//! Signature base strings (RFC 5849 §3.4.1.1) taken apart and aligned.
//!
//! A signer that logs its base string, or a server that echoes the one it
//! computed, gives a bare `METHOD&encoded-uri&encoded-params` string. This
//! module recognises such strings, splits them back into their three parts,
//! and aligns two of them character by character (with `similar`) so the
//! differing spans can be shown.

use crate::encode::decode_lenient;
use serde::Serialize;
use similar::{Algorithm, ChangeTag, TextDiff};
use std::ops::Range;

/// True when `text` (trimmed) looks like a bare signature base string:
/// `METHOD&http%3A%2F%2F…&…` (RFC 5849 §3.4.1.1), on one line.
///
/// ```
/// use oauth1_doctor::diff::base_diff::is_base_string;
/// assert!(is_base_string("GET&http%3A%2F%2Fexample.com%2F&a%3Db"));
/// assert!(!is_base_string("GET /path HTTP/1.1"));
/// ```
pub fn is_base_string(text: &str) -> bool {
    let t = text.trim();
    if t.contains('\n') {
        return false;
    }
    let Some((method, rest)) = t.split_once('&') else {
        return false;
    };
    !method.is_empty() && method.bytes().all(|b| b.is_ascii_alphabetic()) && rest.contains('&') && {
        let lower = rest.get(..16).unwrap_or(rest).to_ascii_lowercase();
        lower.starts_with("http%3a%2f%2f")
            || lower.starts_with("https%3a%2f%2f")
            || lower.starts_with("http%3a")
            || lower.starts_with("http://")
            || lower.starts_with("https://")
    }
}

/// A bare base string split back into its parts (RFC 5849 §3.4.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedBaseString {
    /// The whole string, trimmed.
    pub text: String,
    /// The first part, as written.
    pub method: String,
    /// The second part decoded once: the base string URI as the signer built it.
    pub base_uri: String,
    /// The third part decoded once: the normalized parameters as the signer built them.
    pub normalized_parameters: String,
    /// Each `name=value` pair of the normalized parameters, still encoded
    /// the way the signer encoded them, in the signer's order.
    pub pairs: Vec<(String, String)>,
}

/// Splits a bare base string into method, base string URI and the
/// encoded `name=value` pairs (the inverse of RFC 5849 §3.4.1.1 and
/// §3.4.1.3.2 steps 3–4). Returns `None` when it has fewer than three parts.
pub fn parse_base_string(text: &str) -> Option<ParsedBaseString> {
    let t = text.trim();
    let mut parts = t.splitn(3, '&');
    let method = parts.next()?.to_string();
    let uri_enc = parts.next()?;
    let params_enc = parts.next()?;
    let base_uri = String::from_utf8_lossy(&decode_lenient(uri_enc, false).0).into_owned();
    let normalized = String::from_utf8_lossy(&decode_lenient(params_enc, false).0).into_owned();
    let pairs = normalized
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|seg| match seg.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (seg.to_string(), String::new()),
        })
        .collect();
    Some(ParsedBaseString {
        text: t.to_string(),
        method,
        base_uri,
        normalized_parameters: normalized,
        pairs,
    })
}

/// Whether a run of characters is the same on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    /// Identical on both sides.
    Same,
    /// Differs: deleted from the good side, inserted on the candidate, or both.
    Changed,
    /// Differs, but only inside `oauth_nonce` or `oauth_timestamp` values,
    /// which differ in every pair of real requests.
    Volatile,
}

/// One run of the alignment, as byte ranges into each string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlignedSpan {
    /// Same or changed.
    pub kind: SpanKind,
    /// Bytes of the good (expected) string; empty when only the candidate has text here.
    pub good: Range<usize>,
    /// Bytes of the candidate (actual) string; empty when only the good side has text here.
    pub candidate: Range<usize>,
}

/// Two base strings aligned character by character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alignment {
    /// The good (expected) string.
    pub good: String,
    /// The candidate (actual) string.
    pub candidate: String,
    /// Runs covering both strings in order.
    pub spans: Vec<AlignedSpan>,
    /// True when the strings differed in too many pairs for a minimal
    /// alignment: pairs were then matched by name in sorted order, which
    /// may mark more text changed than strictly differs.
    pub coarse: bool,
}

impl Alignment {
    /// The changed runs only (volatile differences left out).
    pub fn changes(&self) -> impl Iterator<Item = &AlignedSpan> {
        self.spans.iter().filter(|s| s.kind == SpanKind::Changed)
    }

    /// True when the strings are identical.
    pub fn is_same(&self) -> bool {
        self.changes().next().is_none()
    }
}

/// Aligns `good` and `candidate`: first pair by pair (the string is cut
/// after each `&` and `%26`, so a missing parameter shows as one whole
/// run), then character by character inside pairs that were replaced one
/// for one. Consecutive changes are merged into one run.
///
/// ```
/// use oauth1_doctor::diff::base_diff::align;
/// let a = align("GET&x%3D1", "GET&x%3D2");
/// let c: Vec<_> = a.changes().collect();
/// assert_eq!((&a.good[c[0].good.clone()], &a.candidate[c[0].candidate.clone()]), ("1", "2"));
/// ```
pub fn align(good: &str, candidate: &str) -> Alignment {
    let (gt, ct) = (tokens(good), tokens(candidate));
    // Pairs are matched by name (`name%3D`), so a changed value is diffed
    // character by character against the same parameter's value.
    // Slices of the strings: a base string can hold millions of pairs.
    fn name<'s>(s: &'s str, r: &Range<usize>) -> &'s str {
        let t = &s[r.clone()];
        t.find("%3D").map_or(t, |i| &t[..i + 3])
    }
    let gn: Vec<&str> = gt.iter().map(|r| name(good, r)).collect();
    let cn: Vec<&str> = ct.iter().map(|r| name(candidate, r)).collect();
    let (steps, coarse) = pair_tokens(&gn, &cn);
    let mut spans: Vec<AlignedSpan> = Vec::new();
    // Positions come from running cursors: an empty side of a step carries
    // no reliable index of its own.
    let (mut gpos, mut cpos) = (0usize, 0usize);
    let width = |toks: &[Range<usize>], r: &Range<usize>| -> usize {
        toks[r.clone()].iter().map(|t| t.len()).sum()
    };
    for step in steps {
        match step {
            Step::Pair(gi, ci) => {
                chars(&mut spans, good, candidate, gt[gi].clone(), ct[ci].clone());
                gpos = gt[gi].end;
                cpos = ct[ci].end;
            }
            Step::Gap(old, new) => {
                let (gw, cw) = (width(&gt, &old), width(&ct, &new));
                push(
                    &mut spans,
                    SpanKind::Changed,
                    gpos..gpos + gw,
                    cpos..cpos + cw,
                );
                gpos += gw;
                cpos += cw;
            }
        }
    }
    let (gv, cv) = (volatile_ranges(good), volatile_ranges(candidate));
    for s in spans.iter_mut().filter(|s| s.kind == SpanKind::Changed) {
        if gv.covers(&s.good) && cv.covers(&s.candidate) {
            s.kind = SpanKind::Volatile;
        }
    }
    Alignment {
        good: good.to_string(),
        candidate: candidate.to_string(),
        spans,
        coarse,
    }
}

/// More differing pairs than this (both sides together, after the common
/// head and tail) are aligned by a merge on names instead of Myers' diff,
/// whose cost grows with the product of size and differences.
const MAX_DIFFED_PAIRS: usize = 8192;

/// Longer differing middles of one pair are marked changed as one run
/// instead of being diffed character by character.
const MAX_DIFFED_CHARS: usize = 4096;

/// One step of the pair-level alignment.
enum Step {
    /// Pair `i` of the good string against pair `j` of the candidate.
    Pair(usize, usize),
    /// Pairs present on one side only (or replaced in unequal numbers).
    Gap(Range<usize>, Range<usize>),
}

/// Aligns the pair names: the common head and tail pair up one for one,
/// the middle goes through Myers' diff when small, else through a merge
/// in byte order (normalized parameters are sorted, RFC 5849 §3.4.1.3.2),
/// which is linear; the second value is true in that coarse case.
fn pair_tokens(gn: &[&str], cn: &[&str]) -> (Vec<Step>, bool) {
    let head = gn.iter().zip(cn).take_while(|(a, b)| a == b).count();
    let tail = gn[head..]
        .iter()
        .rev()
        .zip(cn[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (gm, cm) = (head..gn.len() - tail, head..cn.len() - tail);
    let mut steps: Vec<Step> = (0..head).map(|i| Step::Pair(i, i)).collect();
    let coarse = gm.len() + cm.len() > MAX_DIFFED_PAIRS;
    if coarse {
        let (mut i, mut j) = (gm.start, cm.start);
        while i < gm.end || j < cm.end {
            if i < gm.end && j < cm.end && gn[i] == cn[j] {
                steps.push(Step::Pair(i, j));
                i += 1;
                j += 1;
            } else if j >= cm.end || (i < gm.end && gn[i] < cn[j]) {
                steps.push(Step::Gap(i..i + 1, j..j));
                i += 1;
            } else {
                steps.push(Step::Gap(i..i, j..j + 1));
                j += 1;
            }
        }
    } else {
        for op in similar::capture_diff_slices(Algorithm::Myers, &gn[gm.clone()], &cn[cm.clone()]) {
            let (_, old, new) = op.as_tag_tuple();
            let (old, new) = (
                old.start + gm.start..old.end + gm.start,
                new.start + cm.start..new.end + cm.start,
            );
            let one_for_one = old.len() == new.len()
                && matches!(
                    op,
                    similar::DiffOp::Equal { .. } | similar::DiffOp::Replace { .. }
                );
            if one_for_one {
                steps.extend(old.zip(new).map(|(i, j)| Step::Pair(i, j)));
            } else {
                steps.push(Step::Gap(old, new));
            }
        }
    }
    let (gl, cl) = (gn.len(), cn.len());
    steps.extend((0..tail).rev().map(|k| Step::Pair(gl - 1 - k, cl - 1 - k)));
    (steps, coarse)
}

/// Cuts a base string after each `&` and `%26`.
fn tokens(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let cut = if b[i] == b'&' {
            Some(i + 1)
        } else if b[i..].starts_with(b"%26") {
            Some(i + 3)
        } else {
            None
        };
        match cut {
            Some(end) => {
                out.push(start..end);
                start = end;
                i = end;
            }
            None => i += 1,
        }
    }
    if start < s.len() {
        out.push(start..s.len());
    }
    out
}

fn push(spans: &mut Vec<AlignedSpan>, kind: SpanKind, good: Range<usize>, candidate: Range<usize>) {
    if good.is_empty() && candidate.is_empty() {
        return;
    }
    match spans.last_mut() {
        Some(last)
            if last.kind == kind
                && last.good.end == good.start
                && last.candidate.end == candidate.start =>
        {
            last.good.end = good.end;
            last.candidate.end = candidate.end;
        }
        _ => spans.push(AlignedSpan {
            kind,
            good,
            candidate,
        }),
    }
}

/// Character-level alignment of one replaced pair.
fn chars(
    spans: &mut Vec<AlignedSpan>,
    good: &str,
    candidate: &str,
    g: Range<usize>,
    c: Range<usize>,
) {
    let (gs, cs) = (&good[g.clone()], &candidate[c.clone()]);
    if gs == cs {
        push(spans, SpanKind::Same, g, c);
        return;
    }
    // Runs of the same tag, merged.
    let mut runs: Vec<(ChangeTag, String)> = Vec::new();
    let mut add = |tag: ChangeTag, value: &str| match runs.last_mut() {
        Some((t, text)) if *t == tag => text.push_str(value),
        _ => runs.push((tag, value.to_string())),
    };
    let head = common_prefix(gs, cs);
    let tail = common_prefix_rev(&gs[head..], &cs[head..]);
    let (gmid, cmid) = (&gs[head..gs.len() - tail], &cs[head..cs.len() - tail]);
    add(ChangeTag::Equal, &gs[..head]);
    if gmid.len() + cmid.len() > MAX_DIFFED_CHARS {
        add(ChangeTag::Delete, gmid);
        add(ChangeTag::Insert, cmid);
    } else {
        let diff = TextDiff::configure()
            .algorithm(Algorithm::Myers)
            .timeout(std::time::Duration::from_millis(200))
            .diff_chars(gmid, cmid);
        for change in diff.iter_all_changes() {
            add(change.tag(), change.value());
        }
    }
    add(ChangeTag::Equal, &gs[gs.len() - tail..]);
    runs.retain(|(_, t)| !t.is_empty());
    slide_left(&mut runs);
    let (mut gi, mut ci) = (g.start, c.start);
    for (tag, text) in runs {
        let len = text.len();
        match tag {
            ChangeTag::Equal => {
                push(spans, SpanKind::Same, gi..gi + len, ci..ci + len);
                gi += len;
                ci += len;
            }
            ChangeTag::Delete => {
                push(spans, SpanKind::Changed, gi..gi + len, ci..ci);
                gi += len;
            }
            ChangeTag::Insert => {
                push(spans, SpanKind::Changed, gi..gi, ci..ci + len);
                ci += len;
            }
        }
    }
}

/// Bytes the two strings share at their start, on a character boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// Bytes the two strings share at their end, on a character boundary.
fn common_prefix_rev(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// At most this many characters of slide: enough to make a torn `%XX`
/// escape whole, and bounded on runs of one repeated character.
const MAX_SLIDE: usize = 16;

/// Moves a lone insertion or deletion as far left as it can go without
/// changing the result (`com%` + `3A8443%` + `2F` becomes `com` +
/// `%3A8443` + `%2F`), so that a whole escape is marked, not a torn one.
fn slide_left(runs: &mut Vec<(ChangeTag, String)>) {
    let mut i = 1;
    while i < runs.len() {
        let lone = runs[i].0 != ChangeTag::Equal
            && runs[i - 1].0 == ChangeTag::Equal
            && !matches!(runs.get(i + 1), Some(r) if r.0 != ChangeTag::Equal);
        if lone {
            let mut slid = 0;
            while let (Some(p), Some(l)) = (runs[i - 1].1.chars().last(), runs[i].1.chars().last())
            {
                if p != l || slid == MAX_SLIDE {
                    break;
                }
                slid += 1;
                runs[i - 1].1.pop();
                runs[i].1.pop();
                runs[i].1.insert(0, p);
                match runs.get_mut(i + 1) {
                    Some(next) => next.1.insert(0, p),
                    None => runs.push((ChangeTag::Equal, p.to_string())),
                }
            }
        }
        i += 1;
    }
    runs.retain(|(_, t)| !t.is_empty());
}

/// Byte ranges of the `oauth_nonce` and `oauth_timestamp` values in a base
/// string (encoded once more in its third part, so `name%3Dvalue%26`).
fn volatile_ranges(sbs: &str) -> Volatile {
    let amps: Vec<usize> = sbs.match_indices("%26").map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for name in ["oauth_nonce%3D", "oauth_timestamp%3D"] {
        for (i, _) in sbs.match_indices(name) {
            let start = i + name.len();
            let k = amps.partition_point(|&a| a < start);
            out.push(start..amps.get(k).copied().unwrap_or(sbs.len()));
        }
    }
    Volatile::new(out)
}

/// Volatile ranges sorted by start, with the furthest end reached so far,
/// so that "is this span inside one of them" is a binary search.
struct Volatile {
    starts: Vec<usize>,
    reach: Vec<usize>,
}

impl Volatile {
    fn new(mut ranges: Vec<Range<usize>>) -> Volatile {
        ranges.sort_by_key(|r| r.start);
        let mut far = 0;
        let reach = ranges
            .iter()
            .map(|r| {
                far = far.max(r.end);
                far
            })
            .collect();
        Volatile {
            starts: ranges.iter().map(|r| r.start).collect(),
            reach,
        }
    }

    /// True when some range holds all of `r`.
    fn covers(&self, r: &Range<usize>) -> bool {
        let k = self.starts.partition_point(|&s| s <= r.start);
        k > 0 && self.reach[k - 1] >= r.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_rfc_example_base_string() {
        // RFC 5849 §3.4.1.1 example (shortened parameter list).
        let p = parse_base_string(
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q",
        )
        .unwrap();
        assert_eq!(p.method, "POST");
        assert_eq!(p.base_uri, "http://example.com/request");
        assert_eq!(
            p.pairs,
            vec![
                ("a2".to_string(), "r%20b".to_string()),
                ("a3".to_string(), "2%20q".to_string())
            ]
        );
    }

    #[test]
    fn alignment_covers_both_strings() {
        let a = align(
            "GET&http%3A%2F%2Fx%2F&a%3D1",
            "GET&https%3A%2F%2Fx%2F&a%3D1",
        );
        let changed: Vec<_> = a.changes().collect();
        assert_eq!(changed.len(), 1);
        assert_eq!(&a.candidate[changed[0].candidate.clone()], "s");
        assert!(changed[0].good.is_empty());
        let total_g: usize = a.spans.iter().map(|s| s.good.len()).sum();
        let total_c: usize = a.spans.iter().map(|s| s.candidate.len()).sum();
        assert_eq!((total_g, total_c), (a.good.len(), a.candidate.len()));
    }

    #[test]
    fn nonce_and_timestamp_differences_are_volatile() {
        let a = align(
            "GET&http%3A%2F%2Fx%2F&oauth_nonce%3Dabc%26oauth_timestamp%3D17%26z%3D1",
            "GET&http%3A%2F%2Fx%2F&oauth_nonce%3Dxyz%26oauth_timestamp%3D18%26z%3D2",
        );
        let kinds: Vec<_> = a
            .spans
            .iter()
            .filter(|s| s.kind != SpanKind::Same)
            .map(|s| s.kind)
            .collect();
        assert_eq!(
            kinds,
            [SpanKind::Volatile, SpanKind::Volatile, SpanKind::Changed]
        );
        assert_eq!(a.changes().count(), 1);
    }

    proptest::proptest! {
        /// Alignment covers both strings exactly, whatever they hold.
        #[test]
        fn alignment_partitions_both_strings(g in "[a-zA-Z0-9%&=é]{0,40}", c in "[a-zA-Z0-9%&=é]{0,40}") {
            let a = align(&g, &c);
            let (mut gi, mut ci) = (0, 0);
            for s in &a.spans {
                proptest::prop_assert_eq!(s.good.start, gi);
                proptest::prop_assert_eq!(s.candidate.start, ci);
                gi = s.good.end;
                ci = s.candidate.end;
            }
            proptest::prop_assert_eq!((gi, ci), (g.len(), c.len()));
            let _ = parse_base_string(&g);
            let _ = is_base_string(&c);
        }
    }

    #[test]
    fn base_string_detection() {
        assert!(is_base_string(
            "  POST&https%3A%2F%2Fapi.x.com%2F1&oauth_nonce%3D1\n"
        ));
        assert!(!is_base_string("curl https://x"));
        assert!(!is_base_string("GET&https%3A%2F%2Fx\nHost: y"));
    }
}
