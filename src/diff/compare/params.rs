//! The parameters compared: collection, encoding and values
//! (RFC 5849 §3.4.1.3), the unsigned body and the volatile protocol
//! parameters (§3.3).

use super::super::{Category, Effect, Finding};
use super::{finding, is_volatile, visible, Pv, View};
use crate::encode::{decode_lenient, has_lowercase_escape, has_unencoded_reserved};
use crate::hunt::body_hash::wrong_bytes;
use crate::hunt::encoders::latin1_as_utf8;
use crate::params::Source;
use std::borrow::Cow;
use std::collections::HashMap;

/// How the candidate's spelling of a value departs from RFC 5849 §3.6, and
/// the catalogue mistake that spelling is the mark of.
fn describe_encoding(c: &str, g: &str) -> (String, Option<&'static str>) {
    let (text, mistake) = if c.contains('+') && g.contains("%20") {
        (
            "the candidate writes a space as '+' (form encoding) where RFC 5849 §3.6 writes %20",
            Some("plus-for-space"),
        )
    } else if has_lowercase_escape(c) {
        (
            "the candidate writes lower-case hex escapes where RFC 5849 §3.6 requires upper case",
            Some("lowercase-hex"),
        )
    } else if c.contains(['!', '*', '\'', '(', ')']) {
        ("the candidate leaves !*'() unencoded (as JavaScript's encodeURIComponent does) where RFC 5849 §3.6 encodes them", Some("reserved-unencoded"))
    } else if c.contains("%7E") && g.contains('~') {
        (
            "the candidate encodes '~' (as Java's URLEncoder does) where RFC 5849 §3.6 keeps it",
            Some("tilde-encoded"),
        )
    } else if has_unencoded_reserved(c) {
        (
            "the candidate leaves characters unencoded that RFC 5849 §3.6 percent-encodes",
            None,
        )
    } else {
        (
            "the candidate percent-encodes the value differently from RFC 5849 §3.6",
            None,
        )
    };
    (text.to_string(), mistake)
}

struct ParamCtx<'v> {
    body_cause: bool,
    omitted: bool,
    header_not_encoded: bool,
    /// The candidate is what a signer signed (a base string) and the
    /// known-good a request as sent: a parameter on one side only was
    /// sent and not signed, or signed and not sent.
    signed_against_sent: bool,
    /// How many body parameters the known-good signs.
    good_body: usize,
    /// Each side's parameters by trimmed name: the distinct raw names, in order of first appearance.
    good_trimmed: Trimmed<'v>,
    candidate_trimmed: Trimmed<'v>,
}

type Trimmed<'v> = HashMap<String, Vec<Pv<'v>>>;

fn trimmed_names(v: &View) -> Trimmed<'_> {
    let mut m: Trimmed<'_> = HashMap::new();
    for p in v.pvs() {
        let e = m.entry(p.name_str().trim().to_string()).or_default();
        if !e.iter().any(|q| q.name() == p.name()) {
            e.push(p);
        }
    }
    m
}

/// The first parameter of a side whose name, trimmed, is `p`'s trimmed
/// name while its raw name differs (a name with stray whitespace).
fn whitespace_twin<'v>(side: &Trimmed<'v>, p: Pv<'_>) -> Option<Pv<'v>> {
    side.get(p.name_str().trim())?
        .iter()
        .find(|q| q.name() != p.name())
        .copied()
}

/// RFC 5849 §3.4.1.3: the parameters, as a multiset keyed by name across
/// the query, the form body and the Authorization header.
pub(super) fn compare_params(g: &View, c: &View, out: &mut Vec<Finding>) {
    let mut ctx = ParamCtx {
        body_cause: false,
        omitted: false,
        header_not_encoded: c.collected.as_ref().is_some_and(|x| {
            x.header.as_ref().is_some_and(|h| {
                h.violations
                    .iter()
                    .any(|v| v.code == "header-value-not-encoded")
            })
        }),
        signed_against_sent: c.is_base_string && !g.is_base_string,
        good_body: g.pvs().filter(|p| p.source() == Some(Source::Body)).count(),
        good_trimmed: trimmed_names(g),
        candidate_trimmed: trimmed_names(c),
    };
    if let (Some(gc), Some(cc)) = (&g.collected, &c.collected) {
        if gc.body_is_form != cc.body_is_form {
            ctx.body_cause = true;
            let form_side = if gc.body_is_form { g } else { c };
            let names: Vec<String> = form_side
                .pvs()
                .filter(|p| p.source() == Some(Source::Body))
                .map(|p| p.name_str())
                .collect();
            let ct = |v: &View| {
                v.read
                    .as_ref()
                    .and_then(|r| r.request.header("content-type").map(str::to_string))
                    .unwrap_or_else(|| "(absent)".into())
            };
            let who = if gc.body_is_form {
                "known-good"
            } else {
                "candidate"
            };
            out.push(finding(
                "body-content-type",
                Category::Body,
                "Content-Type",
                Some(ct(g)),
                Some(ct(c)),
                if names.is_empty() { Effect::Note } else { Effect::BaseString },
                format!(
                    "only the {who} side's body is signed, because RFC 5849 §3.4.1.3.1 signs body parameters only with Content-Type application/x-www-form-urlencoded ({}): send the body with the known-good's Content-Type",
                    if names.is_empty() { "no body parameters".to_string() } else { format!("signed on one side only: {}", names.join(", ")) }
                ),
            ));
        }
    }
    let g_query: Vec<Pv<'_>> = g
        .pvs()
        .filter(|p| p.source() == Some(Source::Query) && !p.is_oauth())
        .collect();
    if !g_query.is_empty()
        && g_query.iter().all(|p| {
            let name = p.name_str();
            !ctx.candidate_trimmed.contains_key(name.trim())
                && renaming(&name, true, &ctx).is_none()
        })
    {
        ctx.omitted = true;
        let names: Vec<String> = g_query.iter().map(|p| p.name_str()).collect();
        out.push(finding(
            "query-params-omitted",
            Category::Query,
            "query parameters",
            Some(names.join(", ")),
            None,
            Effect::BaseString,
            "the candidate signs none of the query parameters; RFC 5849 §3.4.1.3.1 signs every query parameter with the others: add the decoded query pairs to the signed parameters".into(),
        ));
    }
    // Both sides grouped by name in one pass each, names in order of first
    // appearance (good side first): linear in the number of parameters.
    // A group holds indices, since a request can hold millions.
    let mut names: Vec<&[u8]> = Vec::new();
    let mut by_name: HashMap<&[u8], (Vec<u32>, Vec<u32>)> = HashMap::new();
    for (i, p, good_side) in g
        .pvs()
        .enumerate()
        .map(|(i, p)| (i, p, true))
        .chain(c.pvs().enumerate().map(|(i, p)| (i, p, false)))
    {
        let entry = by_name.entry(p.name()).or_insert_with(|| {
            names.push(p.name());
            (Vec::new(), Vec::new())
        });
        let i = i as u32;
        if good_side {
            entry.0.push(i);
        } else {
            entry.1.push(i);
        }
    }
    let (gpv, cpv) = (g.pv_at(), c.pv_at());
    for name in names {
        let Some((gi, ci)) = by_name.remove(name) else {
            continue;
        };
        if is_volatile(name) {
            if ci.is_empty() {
                missing(gpv(gi[0]), &ctx, out);
            } else if gi.is_empty() {
                extra(cpv(ci[0]), &ctx, out);
            }
            continue;
        }
        let (gm, cm) = pair_by_signed(&gi, &ci, &gpv, &cpv, |gp, cp| {
            same_signed(g, c, gp, cp, &ctx, out)
        });
        if gm.is_empty() && cm.is_empty() {
            continue;
        }
        if ci.is_empty() {
            gm.iter().for_each(|gp| missing(*gp, &ctx, out));
            continue;
        }
        if gi.is_empty() {
            cm.iter().for_each(|cp| extra(*cp, &ctx, out));
            continue;
        }
        let (gl, cl) = (gi.len(), ci.len());
        let gl0 = gpv(gi[0]);
        let first = gm.first().copied().unwrap_or(gl0);
        let joined = gm
            .iter()
            .map(|p| String::from_utf8_lossy(p.value()).into_owned())
            .collect::<Vec<_>>()
            .join(",");
        if gm.len() > 1 && cm.len() == 1 && joined.as_bytes() == cm[0].value() {
            out.push(collapsed(first, gl, cl));
            continue;
        }
        let n = gm.len().min(cm.len());
        for i in 0..n {
            value_differs(gm[i], cm[i], out);
        }
        if gm.len() > n {
            // One copy kept: the first value (and not the last) is
            // `duplicates-first-wins`.
            let kept_first = cl == 1 && {
                let (kept, first, last) = (
                    cpv(ci[0]).value(),
                    gpv(gi[0]).value(),
                    gpv(gi[gl - 1]).value(),
                );
                kept == first && kept != last
            };
            if kept_first {
                out.push(first_wins(first, gl));
                continue;
            }
            out.push(collapsed(first, gl, cl));
        } else if cm.len() > n {
            out.push(finding(
                "param-duplicated",
                first.category(),
                first.location(),
                Some(format!("{gl} copies")),
                Some(format!("{cl} copies")),
                Effect::BaseString,
                "the candidate repeats this parameter more often; RFC 5849 §3.4.1.3.2 signs every copy: send each parameter as many times as the known-good does".into(),
            ));
        }
    }
    explain_body_hash(g, c, out);
    if c.is_base_string {
        let pairs: Vec<(&[u8], Cow<'_, str>)> = c.pvs().map(|p| (p.name(), p.signed())).collect();
        let mut sorted = pairs.clone();
        sorted.sort();
        if pairs != sorted {
            let i = pairs
                .iter()
                .zip(&sorted)
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            out.push(finding(
                "param-order",
                Category::Encoding,
                "normalized parameters",
                Some(String::from_utf8_lossy(sorted[i].0).into_owned()),
                Some(String::from_utf8_lossy(pairs[i].0).into_owned()),
                Effect::BaseString,
                "the candidate's parameters are not in byte order; RFC 5849 §3.4.1.3.2 sorts the encoded pairs by name, then value: sort after encoding".into(),
            ));
        }
    }
}

/// OAuth Request Body Hash §3.2: a `body-hash-mismatch` whose candidate
/// hash is the hash of other bytes than the body (the candidate's, or the
/// known-good's when the candidate is a base string) is explained by
/// `body-hash-wrong-bytes`.
fn explain_body_hash(g: &View, c: &View, out: &mut [Finding]) {
    let body = c.read.as_ref().or(g.read.as_ref()).map(|r| &r.request.body);
    let method = c
        .pvs()
        .find(|p| p.name() == b"oauth_signature_method")
        .and_then(|p| {
            p.value_str()
                .parse::<crate::signature::SignatureMethod>()
                .ok()
        });
    let Some(body) = body else {
        return;
    };
    for f in out.iter_mut() {
        if f.id != "body-hash-mismatch" || f.mistake.is_some() {
            continue;
        }
        if let Some(carried) = &f.candidate {
            if wrong_bytes(carried, body, method).is_some() {
                f.mistake = Some("body-hash-wrong-bytes");
            }
        }
    }
}

/// Pairs each known-good copy of one parameter with the first unmatched
/// candidate copy that signs the same text, handing each pair to `pair`
/// in known-good order. Returns the unmatched copies of each side, in
/// their order. Linear: each signed text keeps a queue of its candidate
/// copies.
fn pair_by_signed<'v>(
    gl: &[u32],
    cl: &[u32],
    gpv: &impl Fn(u32) -> Pv<'v>,
    cpv: &impl Fn(u32) -> Pv<'v>,
    mut pair: impl FnMut(Pv<'v>, Pv<'v>),
) -> (Vec<Pv<'v>>, Vec<Pv<'v>>) {
    let mut queues: HashMap<Cow<'v, str>, std::collections::VecDeque<u32>> = HashMap::new();
    for (i, &cp) in cl.iter().enumerate() {
        queues
            .entry(cpv(cp).signed())
            .or_default()
            .push_back(i as u32);
    }
    let mut used = vec![false; cl.len()];
    let mut gm = Vec::new();
    for &g in gl {
        let gp = gpv(g);
        match queues
            .get_mut(gp.signed().as_ref())
            .and_then(|q| q.pop_front())
        {
            Some(i) => {
                used[i as usize] = true;
                pair(gp, cpv(cl[i as usize]));
            }
            None => gm.push(gp),
        }
    }
    let cm = cl
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(p, _)| cpv(*p))
        .collect();
    (gm, cm)
}

fn collapsed(p: Pv<'_>, good: usize, cand: usize) -> Finding {
    finding(
        "duplicates-collapsed",
        p.category(),
        p.location(),
        Some(format!("{good} copies")),
        Some(format!("{cand} copies")),
        Effect::BaseString,
        "the candidate collapses repeated copies of this parameter (a map or dictionary keeps one value); RFC 5849 §3.4.1.3.2 signs every copy: keep the parameters as a list".into(),
    )
}

fn first_wins(p: Pv<'_>, good: usize) -> Finding {
    finding(
        "duplicates-first-wins",
        p.category(),
        p.location(),
        Some(format!("{good} copies")),
        Some("1 copy, the first value".into()),
        Effect::BaseString,
        "the candidate keeps only the first copy of this repeated parameter; RFC 5849 §3.4.1.3.2 signs every copy: keep the parameters as a list".into(),
    )
}

/// Same signed text on both sides: only placement or spelling can differ.
fn same_signed(g: &View, c: &View, gp: Pv<'_>, cp: Pv<'_>, ctx: &ParamCtx, out: &mut Vec<Finding>) {
    if let (Some(gs), Some(cs)) = (gp.source(), cp.source()) {
        if gs != cs {
            out.push(finding(
                "param-moved",
                cp.category(),
                visible(&cp.name_str()),
                Some(gs.as_str().into()),
                Some(cs.as_str().into()),
                Effect::Transport,
                format!(
                    "the parameter travels in the {} instead of the {}; RFC 5849 §3.4.1.3.1 signs it either way, but a server that reads only one place (§3.5) misses it: send it where the known-good does",
                    cs.as_str(),
                    gs.as_str()
                ),
            ));
            return;
        }
    }
    if g.is_base_string || c.is_base_string {
        return;
    }
    let (gr, cr) = (
        gp.raw_value().unwrap_or_default(),
        cp.raw_value().unwrap_or_default(),
    );
    if gr != cr && !(cp.source() == Some(Source::Header) && ctx.header_not_encoded) {
        let (how, mistake) = describe_encoding(&cr, &gr);
        out.push(finding(
            "param-encoding",
            Category::Encoding,
            cp.location(),
            Some(gr.to_string()),
            Some(cr.to_string()),
            Effect::Note,
            format!(
                "{how}; both decode to the same value, so the RFC base string is the same, but a signer that signs the text as written signs something else: encode as the known-good does"
            ),
        ).explained_by(mistake));
    }
}

/// The catalogue mistake that renames a known-good parameter `good` into
/// the candidate's `cand`, when one does: `array-index-names` (`b` or `b[]`
/// signed as `b[0]`, RFC 5849 §3.4.1.3.1 signs names as sent) or
/// `names-not-decoded` (`a%5Bb%5D` signed for the name `a[b]`, which
/// §3.4.1.3.1 decodes first).
fn renamed(good: &str, cand: &str) -> Option<&'static str> {
    let indexed = cand
        .strip_suffix(']')
        .and_then(|c| c.rsplit_once('['))
        .filter(|(_, i)| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
        .map(|(base, _)| base);
    if indexed.is_some_and(|base| good == base || good.strip_suffix("[]") == Some(base)) {
        return Some("array-index-names");
    }
    let once = decode_lenient(cand, false).0;
    (cand != good && once == good.as_bytes()).then_some("names-not-decoded")
}

/// The mistake that explains a parameter found on one side only: a
/// renaming (see [`renamed`]) that pairs it with a parameter of the other
/// side, else, when the candidate is a signer's base string and the
/// known-good the request it should sign, `param-not-signed` (the
/// known-good sends it, the signer left it out) or `param-signed-not-sent`
/// (the signer signed what the request does not carry); the only body
/// parameter left out is `body-params-omitted`, as the hunt names it.
/// Each renaming is looked up by name, so the pass stays linear.
fn one_sided(
    name: &str,
    source: Option<Source>,
    good_side: bool,
    ctx: &ParamCtx,
) -> Option<&'static str> {
    let renaming = renaming(name, good_side, ctx);
    if renaming.is_some() {
        return renaming;
    }
    let oauth = name.starts_with("oauth_") || name == "realm";
    match (ctx.signed_against_sent && !oauth, good_side) {
        (true, true) if source == Some(Source::Body) && ctx.good_body == 1 => {
            Some("body-params-omitted")
        }
        (true, true) => Some("param-not-signed"),
        (true, false) => Some("param-signed-not-sent"),
        _ => None,
    }
}

/// The renaming ([`renamed`]) that pairs a parameter of one side with a
/// name of the other side, looked up by name.
fn renaming(name: &str, good_side: bool, ctx: &ParamCtx) -> Option<&'static str> {
    if good_side {
        // The candidate's `name[0]` or its name encoded once more.
        let base = name.strip_suffix("[]").unwrap_or(name);
        [format!("{base}[0]"), crate::encode::encode(name)]
            .into_iter()
            .find_map(|c| {
                ctx.candidate_trimmed
                    .contains_key(&c)
                    .then(|| renamed(name, &c))
                    .flatten()
            })
    } else {
        let base = name
            .strip_suffix(']')
            .and_then(|c| c.rsplit_once('['))
            .map(|(b, _)| b.to_string());
        let once = String::from_utf8_lossy(&decode_lenient(name, false).0).into_owned();
        base.iter()
            .flat_map(|b| [b.clone(), format!("{b}[]")])
            .chain([once])
            .find_map(|g| {
                ctx.good_trimmed
                    .contains_key(&g)
                    .then(|| renamed(&g, name))
                    .flatten()
            })
    }
}

/// A parameter the known-good side signs and the candidate does not.
fn missing(gp: Pv<'_>, ctx: &ParamCtx, out: &mut Vec<Finding>) {
    if ctx.omitted && gp.source() == Some(Source::Query) && !gp.is_oauth() {
        return;
    }
    if ctx.body_cause && gp.source() == Some(Source::Body) {
        return;
    }
    let name = gp.name_str();
    let loc = gp.location();
    let good = Some(gp.value_str());
    let f = if name == "oauth_version" {
        finding("version-presence", Category::Oauth, loc, good, None, Effect::BaseString,
            "the known-good sends oauth_version and the candidate does not; it is optional (RFC 5849 §3.1) but signed when sent: send oauth_version=1.0 as the known-good does".into())
    } else if name == "oauth_body_hash" {
        finding("body-hash-presence", Category::BodyHash, loc, good, None, Effect::BaseString,
            "the known-good signs oauth_body_hash and the candidate does not (OAuth Request Body Hash §3.1, signed per RFC 5849 §3.4.1.3.1): add the body hash".into())
    } else if let Some(cp) = whitespace_twin(&ctx.candidate_trimmed, gp) {
        finding("param-name-whitespace", gp.category(), loc, Some(visible(&name)), Some(visible(&cp.name_str())), Effect::BaseString,
            "a parameter name differs only by stray whitespace, which is encoded and signed (RFC 5849 §3.4.1.3.2): trim the name".into())
    } else if gp.value().is_empty() {
        finding("empty-params-dropped", gp.category(), loc, Some(String::new()), None, Effect::BaseString,
            "the known-good signs this parameter with an empty value and the candidate leaves it out; RFC 5849 §3.4.1.3.1 signs empty parameters: include it with an empty value".into())
    } else {
        finding("param-missing", gp.category(), loc, good, None, Effect::BaseString,
            "the known-good signs this parameter and the candidate does not (RFC 5849 §3.4.1.3.1): send and sign it".into())
            .explained_by(one_sided(&name, gp.source(), true, ctx))
    };
    out.push(f);
}

/// A parameter the candidate signs and the known-good side does not.
fn extra(cp: Pv<'_>, ctx: &ParamCtx, out: &mut Vec<Finding>) {
    if ctx.body_cause && cp.source() == Some(Source::Body) {
        return;
    }
    let name = cp.name_str();
    if whitespace_twin(&ctx.good_trimmed, cp).is_some() {
        return; // reported from the known-good side as param-name-whitespace
    }
    let loc = cp.location();
    let cand = Some(cp.value_str());
    let f = if name == "realm" {
        finding("realm-signed", Category::Oauth, loc, None, cand, Effect::BaseString,
            "the candidate signs realm; RFC 5849 §3.4.1.3.1 excludes the header's realm from the signed parameters: leave it out of the base string".into())
    } else if name == "oauth_version" {
        finding("version-presence", Category::Oauth, loc, None, cand, Effect::BaseString,
            "the candidate sends oauth_version and the known-good does not; it is optional (RFC 5849 §3.1) but signed when sent: leave it out as the known-good does".into())
    } else if name == "oauth_body_hash" {
        finding("body-hash-presence", Category::BodyHash, loc, None, cand, Effect::BaseString,
            "the candidate signs oauth_body_hash and the known-good does not (OAuth Request Body Hash §3.1): leave it out as the known-good does".into())
    } else if cp.value().is_empty() {
        finding("empty-param-added", cp.category(), loc, None, Some(String::new()), Effect::BaseString,
            "the candidate signs this parameter with an empty value and the known-good does not send it (RFC 5849 §3.4.1.3.1): leave it out".into())
            .explained_by(one_sided(&name, cp.source(), false, ctx))
    } else {
        finding("param-extra", cp.category(), loc, None, cand, Effect::BaseString,
            "the candidate signs a parameter the known-good does not (RFC 5849 §3.4.1.3.1): remove it or sign it only if it is sent".into())
            .explained_by(one_sided(&name, cp.source(), false, ctx))
    };
    out.push(f);
}

/// Both sides sign the parameter, with different text.
fn value_differs(gp: Pv<'_>, cp: Pv<'_>, out: &mut Vec<Finding>) {
    let dec = |v: &[u8]| decode_lenient(&String::from_utf8_lossy(v), false).0;
    let plus_as_space = |v: &[u8]| -> Vec<u8> {
        v.iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect()
    };
    let loc = cp.location();
    let (gv, cv) = (
        Some(gp.signed().into_owned()),
        Some(cp.signed().into_owned()),
    );
    let mut mistake = None;
    let (id, category, message): (&'static str, Category, String) = if gp.value() == cp.value() {
        let (how, m) = describe_encoding(&cp.signed(), &gp.signed());
        mistake = m;
        (
            "param-encoding",
            Category::Encoding,
            format!(
                "{how}; the base string must hold the RFC encoding (RFC 5849 §3.4.1.3.2): encode with the RFC 5849 §3.6 set"
            ),
        )
    } else if dec(cp.value()) == gp.value() {
        mistake = Some("param-pre-encoded");
        (
            "param-double-encoded",
            Category::Encoding,
            "the candidate percent-encodes this value twice (%25 escapes); RFC 5849 §3.4.1.3.2 encodes each value once after decoding it (§3.4.1.3.1): decode before encoding".into(),
        )
    } else if dec(gp.value()) == cp.value() {
        (
            "param-double-encoded",
            Category::Encoding,
            "the candidate decodes this value once too often (the known-good value holds a literal %XX); RFC 5849 §3.4.1.3.1 decodes once: keep the escape".into(),
        )
    } else if plus_as_space(cp.value()) == gp.value()
        || crate::encode::form_decode(&cp.signed()) == gp.value()
    {
        mistake = Some("plus-for-space");
        (
            "param-encoding",
            Category::Encoding,
            "the candidate writes a space as '+' (form encoding) where RFC 5849 §3.6 writes %20: percent-encode the space (a literal '+' is %2B)".into(),
        )
    } else if plus_as_space(gp.value()) == cp.value() {
        (
            "param-encoding",
            Category::Encoding,
            "a literal '+' travels unencoded on the candidate and form decoding (RFC 5849 §3.4.1.3.1) reads it as a space: send '+' as %2B".into(),
        )
    } else if !gp.value().is_ascii() && latin1_as_utf8(gp.value()) == cp.value() {
        mistake = Some("utf8-double-encoded");
        (
            "param-encoding",
            Category::Encoding,
            "the candidate's value is the known-good's UTF-8 octets read as Latin-1 and encoded to UTF-8 again (é → %C3%83%C2%A9); RFC 5849 §3.6 encodes the UTF-8 octets once: decode escapes to octets and read them as UTF-8".into(),
        )
    } else {
        let name = gp.name_str();
        let (id, category, what) = match name.as_str() {
            "oauth_consumer_key" => ("consumer-key-mismatch", Category::Oauth, "the consumer key differs (RFC 5849 §3.1): use the same client credentials as the known-good"),
            "oauth_token" => ("token-mismatch", Category::Oauth, "the token differs (RFC 5849 §3.1), so the token secret in the key probably differs too: use the known-good's token and its secret"),
            "oauth_signature_method" => ("signature-method-mismatch", Category::SignatureMethod, "the signature methods differ: the method is signed and picks the algorithm (RFC 5849 §3.4): use the server's method"),
            "oauth_version" => ("version-mismatch", Category::Oauth, "oauth_version differs; RFC 5849 §3.1 allows only \"1.0\": send 1.0 or leave it out as the known-good does"),
            "oauth_callback" => ("callback-mismatch", Category::Oauth, "oauth_callback differs (RFC 5849 §2.1): sign exactly the callback URL the known-good sends"),
            "oauth_verifier" => ("verifier-mismatch", Category::Oauth, "oauth_verifier differs (RFC 5849 §2.3): use the verifier the server returned"),
            "oauth_body_hash" => ("body-hash-mismatch", Category::BodyHash, "oauth_body_hash differs (OAuth Request Body Hash §3.2): hash the exact body bytes sent, with the digest the server expects"),
            _ => ("param-value-mismatch", if cp.source().is_some() { cp.category() } else { gp.category() }, "the value differs, and every parameter value is signed (RFC 5849 §3.4.1.3.2): send the known-good's value"),
        };
        (id, category, what.to_string())
    };
    let (gv, cv) = if id == "param-value-mismatch"
        || category == Category::Oauth
        || category == Category::SignatureMethod
        || category == Category::BodyHash
    {
        (Some(gp.value_str()), Some(cp.value_str()))
    } else {
        (gv, cv)
    };
    out.push(finding(id, category, loc, gv, cv, Effect::BaseString, message).explained_by(mistake));
}

/// Bodies that are not signed: only a body hash makes them matter.
pub(super) fn compare_body(g: &View, c: &View, out: &mut Vec<Finding>) {
    let (Some(gr), Some(cr), Some(gc), Some(cc)) = (&g.read, &c.read, &g.collected, &c.collected)
    else {
        return;
    };
    if gc.body_is_form || cc.body_is_form || gr.request.body == cr.request.body {
        return;
    }
    let hashed = g
        .params
        .iter()
        .chain(&c.params)
        .any(|p| p.name == b"oauth_body_hash");
    if hashed {
        return;
    }
    out.push(finding(
        "body-differs",
        Category::Body,
        "body",
        Some(format!("{} bytes", gr.request.body.len())),
        Some(format!("{} bytes", cr.request.body.len())),
        Effect::Note,
        "the bodies differ but are not signed (RFC 5849 §3.4.1.3.1 signs only form bodies), so this does not change the signature".into(),
    ));
}

/// `oauth_nonce` and `oauth_timestamp` are never the cause, but a
/// malformed one is worth knowing (RFC 5849 §3.3).
pub(super) fn compare_volatile(g: &View, c: &View, out: &mut Vec<Finding>) {
    fn get<'v>(v: &'v View, n: &[u8]) -> Option<Pv<'v>> {
        v.pvs().find(|p| p.name() == n)
    }
    if let Some(t) = get(c, b"oauth_timestamp") {
        let v = String::from_utf8_lossy(t.value()).into_owned();
        let numeric = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let fraction = v
            .split_once('.')
            .is_some_and(|(w, f)| digits(w) && digits(f));
        if fraction {
            out.push(finding("timestamp-not-integer", Category::Oauth, t.location(), None, Some(v.clone()), Effect::Note,
                "oauth_timestamp has a fraction; RFC 5849 §3.3 wants a whole number of seconds: floor the clock reading (servers answer \"timestamp invalid\" or a signature error)".into()));
        } else if !numeric {
            out.push(finding("timestamp-malformed", Category::Oauth, t.location(), None, Some(visible(&v)), Effect::Note,
                "oauth_timestamp must be a positive integer of seconds since 1970 (RFC 5849 §3.3); it is volatile and not compared, but servers reject a malformed one".into()));
        } else if v.len() >= 13 {
            out.push(finding("timestamp-milliseconds", Category::Oauth, t.location(), None, Some(v.clone()), Effect::Note,
                "oauth_timestamp looks like milliseconds; RFC 5849 §3.3 counts seconds: divide by 1000 (servers answer \"timestamp invalid\" or a signature error)".into()));
        } else if let Some(gt) = get(g, b"oauth_timestamp") {
            let gv = String::from_utf8_lossy(gt.value()).into_owned();
            if let (Ok(a), Ok(b)) = (gv.parse::<i64>(), v.parse::<i64>()) {
                if (a - b).abs() > 300 {
                    out.push(finding("timestamp-skew", Category::Oauth, t.location(), Some(gv), Some(v), Effect::Note,
                        "the timestamps are more than 300 s apart; that is expected when the known-good is an old capture, but servers reject a clock that is off by more than a few minutes (RFC 5849 §3.3)".into()));
                }
            }
        }
    }
    if let Some(n) = get(c, b"oauth_nonce") {
        let raw = n.raw_value().clone().unwrap_or_default();
        let needs = n.value().iter().any(|b| !crate::encode::is_unreserved(*b));
        if needs || (!c.is_base_string && has_unencoded_reserved(&raw)) {
            out.push(finding("nonce-needs-encoding", Category::Oauth, n.location(), None, Some(visible(&raw)), Effect::Note,
                "oauth_nonce holds characters that must be percent-encoded (RFC 5849 §3.6); it is volatile and not compared, but a signer that forgets to encode it signs something else: use an alphanumeric nonce".into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{ids, req, run};
    use super::renamed;

    /// RFC 5849 §3.4.1.3.1: names are signed as sent, decoded once.
    #[test]
    fn renamed_parameters_name_their_mistake() {
        assert_eq!(renamed("b", "b[0]"), Some("array-index-names"));
        assert_eq!(renamed("b[]", "b[12]"), Some("array-index-names"));
        assert_eq!(renamed("b", "c[0]"), None);
        assert_eq!(renamed("b", "b[x]"), None);
        assert_eq!(renamed("a[b]", "a%5Bb%5D"), Some("names-not-decoded"));
        assert_eq!(renamed("a", "a"), None);
        assert_eq!(renamed("a b", "a%2Bb"), None);
    }

    /// RFC 5849 §3.4.1.3.2: duplicates are signed one by one.
    #[test]
    fn parameters_are_a_multiset() {
        let r = run(
            &req("https://x.test/a?b=1&b=2", "n", "1"),
            &req("https://x.test/a?b=2&b=1", "n", "1"),
        );
        assert!(
            r.equivalent,
            "order of duplicates does not matter: {:?}",
            r.findings
        );
        let r = run(
            &req("https://x.test/a?b=1&b=2", "n", "1"),
            &req("https://x.test/a?b=2", "n", "1"),
        );
        assert_eq!(ids(&r), ["duplicates-collapsed"]);
        assert_eq!(r.findings[0].mistake, Some("duplicates-collapsed"));
        let r = run(
            &req("https://x.test/a?b=1&b=2", "n", "1"),
            &req("https://x.test/a?b=1", "n", "1"),
        );
        assert_eq!(ids(&r), ["duplicates-first-wins"]);
        assert_eq!(r.findings[0].mistake, Some("duplicates-first-wins"));
        assert_eq!(
            r.situation, None,
            "no secrets: the situation cannot be told"
        );
    }
}
