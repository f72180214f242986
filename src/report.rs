//! The `--json` objects front ends assemble from more than one library
//! value. `explain --json`'s: the walkthrough of RFC 5849 §3.4 with what
//! the reader knows about the input (its format, label, assumptions and
//! violations).
//!
//! Every front end that answers with `explain --json`'s object (the CLI,
//! the `serve` workbench) builds it here, so they cannot drift apart.

use crate::pipeline::Walkthrough;
use crate::ReadRequest;

/// The `explain --json` object for one request, as one JSON value (its
/// keys in alphabetical order, as a JSON map sorts them).
///
/// The walkthrough's own fields, plus `schema`, `scheme` (`"oauth1"`),
/// `format`, `label`, `assumptions`, and the reader's violations before
/// the pipeline's (RFC 5849 §3.4.1: reading comes before the base string).
pub fn explain_json(w: &Walkthrough, read: &ReadRequest) -> serde_json::Value {
    let mut v = serde_json::to_value(w).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("schema".into(), crate::SCHEMA.into());
        obj.insert("scheme".into(), "oauth1".into());
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

/// `sign --output json`'s object: the signed request and its walkthrough
/// (RFC 5849 §3.4), with `schema`; through a JSON value, so that every
/// object's keys are sorted.
pub fn sign_json(signed: &crate::sign::Signed) -> serde_json::Value {
    let mut v = serde_json::to_value(signed).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("schema".into(), crate::SCHEMA.into());
    }
    v
}
