//! A collection request as Postman's runtime sends it: the URL from its
//! parts, enabled headers, and the body of each mode (`raw`,
//! `urlencoded`, `formdata`, `file`, `graphql`) with the `Content-Type`
//! Postman adds when the request sets none.

use super::variables::Variables;
use super::{scalar_text, AuthChoice, PostmanError, PostmanItem};
use crate::encode::encode;
use crate::request::Request;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// The body modes of the collection format.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyMode {
    /// No body (or a disabled one).
    None,
    /// `raw`: the text as written.
    Raw,
    /// `urlencoded`: enabled rows, form-encoded.
    Urlencoded,
    /// `formdata`: multipart/form-data.
    Formdata,
    /// `file`: a file's content (named, not read).
    File,
    /// `graphql`: `{"query", "variables"}` as JSON.
    Graphql,
}

/// What Postman's *Include body hash* hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashedBody {
    /// These bytes (the raw or GraphQL body, even when not sent; empty for no body).
    Bytes(Vec<u8>),
    /// Nothing: Postman adds no body hash for this mode (`urlencoded`, `formdata`).
    NotHashed,
    /// The content of this file, which is not read.
    Unread(String),
}

/// The multipart boundary used for `formdata` bodies (Postman's is
/// random; the parts are not signed, RFC 5849 §3.4.1.3.1).
pub const FORMDATA_BOUNDARY: &str = "--------------------------oauth1doctor";

/// The methods whose body Postman's runtime does not send (unless
/// `protocolProfileBehavior.disableBodyPruning`).
const PRUNED: &[&str] = &["GET", "COPY", "HEAD", "PURGE", "UNLOCK"];

fn resolve(
    vars: &Variables,
    text: &str,
    place: impl Fn() -> String,
) -> Result<String, PostmanError> {
    vars.resolve(text)
        .map_err(|u| PostmanError::unresolved(u, place()))
}

fn enabled_rows(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(rows)) => rows
            .iter()
            .filter(|r| !r.get("disabled").and_then(Value::as_bool).unwrap_or(false))
            .collect(),
        _ => Vec::new(),
    }
}

fn field(v: &Value, name: &str) -> String {
    v.get(name).map(scalar_text).unwrap_or_default()
}

/// The URL as Postman assembles it from a `url` object (protocol, host
/// parts, port, path parts with `:name` path variables, enabled query
/// parameters, hash), or the string as written.
fn url_text(url: &Value) -> String {
    let Value::Object(_) = url else {
        return scalar_text(url);
    };
    let host = match url.get("host") {
        Some(Value::Array(parts)) => parts.iter().map(scalar_text).collect::<Vec<_>>().join("."),
        Some(v) => scalar_text(v),
        None => {
            return url.get("raw").map(scalar_text).unwrap_or_default();
        }
    };
    let mut out = String::new();
    if let Some(p) = url
        .get("protocol")
        .map(scalar_text)
        .filter(|p| !p.is_empty())
    {
        out.push_str(&p);
        out.push_str("://");
    }
    out.push_str(&host);
    if let Some(port) = url.get("port").map(scalar_text).filter(|p| !p.is_empty()) {
        out.push(':');
        out.push_str(&port);
    }
    // The first row of each name counts, as the list was searched before.
    let mut path_vars: HashMap<String, String> = HashMap::new();
    for v in enabled_rows(url.get("variable")) {
        path_vars
            .entry(field(v, "key"))
            .or_insert_with(|| field(v, "value"));
    }
    match url.get("path") {
        Some(Value::Array(parts)) => {
            for part in parts {
                let seg = scalar_text(part);
                out.push('/');
                match seg.strip_prefix(':').and_then(|n| path_vars.get(n)) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&seg),
                }
            }
        }
        Some(Value::String(p)) => {
            if !p.starts_with('/') {
                out.push('/');
            }
            out.push_str(p);
        }
        _ => {}
    }
    let query: Vec<String> = enabled_rows(url.get("query"))
        .into_iter()
        .map(|q| match q.get("value") {
            None | Some(Value::Null) => field(q, "key"),
            Some(v) => format!("{}={}", field(q, "key"), scalar_text(v)),
        })
        .collect();
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query.join("&"));
    }
    if let Some(h) = url.get("hash").map(scalar_text).filter(|h| !h.is_empty()) {
        out.push('#');
        out.push_str(&h);
    }
    out
}

/// An `application/x-www-form-urlencoded` body as Postman's runtime
/// writes it: rows grouped by name in order of first appearance, names
/// and values RFC 3986-encoded (a space is `%20`).
pub fn form_body(rows: &[(String, String)]) -> String {
    // Each name's first appearance; a stable sort by it groups the rows
    // and keeps their order within a name (linear in the rows, not
    // rows × names).
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, (k, _)) in rows.iter().enumerate() {
        first.entry(k.as_str()).or_insert(i);
    }
    let mut grouped: Vec<&(String, String)> = rows.iter().collect();
    grouped.sort_by_key(|(k, _)| first[k.as_str()]);
    grouped
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The URL with its path percent-encoded as Postman's URL encoder does
/// before sending (WHATWG URL §1.3's path percent-encode set: C0 controls,
/// bytes above `~`, space, `"`, `<`, `>`, `` ` ``, `{`, `}`; an existing
/// `%XX` is kept). The query is encoded by the signer, the host is left.
///
/// ```
/// use oauth1_doctor::input::postman::body::encode_path;
/// assert_eq!(encode_path("http://h/a b/{c}\u{1b}?q= x"), "http://h/a%20b/%7Bc%7D%1B?q= x");
/// ```
pub fn encode_path(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let after = scheme_end + 3;
    let path_start = url[after..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after + i);
    let path_end = url[path_start..]
        .find(['?', '#'])
        .map_or(url.len(), |i| path_start + i);
    let mut out = String::with_capacity(url.len() + 8);
    out.push_str(&url[..path_start]);
    for &b in &url.as_bytes()[path_start..path_end] {
        if !(0x21..=0x7e).contains(&b) || b"\"<>`{}".contains(&b) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out.push_str(&url[path_end..]);
    out
}

fn raw_content_type(language: &str) -> &'static str {
    match language {
        "html" => "text/html",
        "json" => "application/json",
        "javascript" => "application/javascript",
        "xml" => "application/xml",
        _ => "text/plain",
    }
}

/// Builds the request at `path` (its JSON `request`), auth left for
/// [`super::auth::choose`].
pub(crate) fn build(
    path: &str,
    request: &Value,
    vars: &Variables,
    prune_disabled: bool,
) -> Result<PostmanItem, PostmanError> {
    let mut notes = Vec::new();
    let method = request
        .get("method")
        .map(scalar_text)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "GET".into())
        .to_ascii_uppercase();
    let url_raw = request.get("url").map(url_text).unwrap_or_default();
    let mut url = resolve(vars, &url_raw, || "the URL".into())?;
    if url.trim().is_empty() {
        return Err(PostmanError::Unsupported(format!(
            "request {path:?} has no URL"
        )));
    }
    if !url.contains("://") {
        url = format!("http://{url}");
        notes.push("the URL names no scheme: http, as Postman assumes".into());
    }
    let url = encode_path(&url);
    let mut req = Request::new(method.clone(), url);
    match request.get("header") {
        Some(Value::String(block)) => {
            for line in block.lines() {
                if let Some((n, v)) = line.split_once(':') {
                    let v = resolve(vars, v.trim(), || format!("header {}", n.trim()))?;
                    req.headers.push((n.trim().to_string(), v));
                }
            }
        }
        h => {
            for row in enabled_rows(h) {
                let name = resolve(vars, &field(row, "key"), || "a header name".into())?;
                let value = resolve(vars, &field(row, "value"), || format!("header {name}"))?;
                req.headers.push((name, value));
            }
        }
    }
    let body = request
        .get("body")
        .filter(|b| !b.get("disabled").and_then(Value::as_bool).unwrap_or(false));
    let mode = body
        .and_then(|b| b.get("mode"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut form = None;
    let (body_mode, bytes, hashed, content_type): (BodyMode, Vec<u8>, HashedBody, Option<String>) =
        match (mode, body) {
            ("raw", Some(b)) => {
                let raw = resolve(vars, &field(b, "raw"), || "the raw body".into())?;
                let language = b
                    .pointer("/options/raw/language")
                    .and_then(Value::as_str)
                    .unwrap_or("text");
                let ct = (!raw.is_empty()).then(|| raw_content_type(language).to_string());
                (
                    BodyMode::Raw,
                    raw.clone().into_bytes(),
                    HashedBody::Bytes(raw.into_bytes()),
                    ct,
                )
            }
            ("urlencoded", Some(b)) => {
                let mut rows = Vec::new();
                for row in enabled_rows(b.get("urlencoded")) {
                    let k = resolve(vars, &field(row, "key"), || "a form field name".into())?;
                    let v = resolve(vars, &field(row, "value"), || format!("form field {k}"))?;
                    rows.push((k, v));
                }
                let text = form_body(&rows);
                let ct =
                    (!rows.is_empty()).then(|| "application/x-www-form-urlencoded".to_string());
                form = Some(rows);
                (
                    BodyMode::Urlencoded,
                    text.into_bytes(),
                    HashedBody::NotHashed,
                    ct,
                )
            }
            ("formdata", Some(b)) => {
                let mut out = String::new();
                for row in enabled_rows(b.get("formdata")) {
                    let k = resolve(vars, &field(row, "key"), || "a form-data field name".into())?;
                    if field(row, "type") == "file" {
                        notes.push(format!(
                            "form-data field {k:?} is a file ({}): named, not read",
                            field(row, "src")
                        ));
                        continue;
                    }
                    let v = resolve(vars, &field(row, "value"), || {
                        format!("form-data field {k}")
                    })?;
                    out.push_str(&format!(
                        "--{FORMDATA_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                    ));
                }
                out.push_str(&format!("--{FORMDATA_BOUNDARY}--\r\n"));
                notes.push("multipart boundary: Postman's is random (the parts are not signed, RFC 5849 §3.4.1.3.1)".into());
                (
                    BodyMode::Formdata,
                    out.into_bytes(),
                    HashedBody::NotHashed,
                    Some(format!("multipart/form-data; boundary={FORMDATA_BOUNDARY}")),
                )
            }
            ("file", Some(b)) => {
                let src = b.pointer("/file/src").map(scalar_text).unwrap_or_default();
                notes.push(format!("the body is the file {src:?}: named, not read"));
                (BodyMode::File, Vec::new(), HashedBody::Unread(src), None)
            }
            ("graphql", Some(b)) => {
                let g = b.get("graphql").cloned().unwrap_or(Value::Null);
                let query = resolve(vars, &field(&g, "query"), || "the GraphQL query".into())?;
                let mut parts = vec![format!("\"query\":{}", Value::String(query))];
                if let Some(Value::String(op)) = g.get("operationName") {
                    parts.push(format!("\"operationName\":{}", Value::String(op.clone())));
                }
                match g.get("variables") {
                    Some(Value::String(v)) if !v.is_empty() => {
                        let v = resolve(vars, v, || "the GraphQL variables".into())?;
                        parts.push(format!("\"variables\":{v}"));
                    }
                    Some(v @ Value::Object(_)) => parts.push(format!("\"variables\":{v}")),
                    _ => {}
                }
                let text = format!("{{{}}}", parts.join(","));
                (
                    BodyMode::Graphql,
                    text.clone().into_bytes(),
                    HashedBody::Bytes(text.into_bytes()),
                    Some("application/json".into()),
                )
            }
            _ => (
                BodyMode::None,
                Vec::new(),
                HashedBody::Bytes(Vec::new()),
                None,
            ),
        };
    let body_sent =
        !PRUNED.contains(&method.as_str()) || prune_disabled || body_mode == BodyMode::None;
    if body_sent {
        if let Some(ct) = content_type {
            if req.header("content-type").is_none() {
                req.headers.push(("Content-Type".into(), ct));
            }
        }
        req.body = bytes;
    } else {
        notes.push(format!("Postman does not send a {method} request's body"));
    }
    Ok(PostmanItem {
        path: path.to_string(),
        request: req,
        body_mode,
        form,
        hashed_body: hashed,
        body_sent,
        auth: AuthChoice::None,
        disable_url_encoding: None,
        notes,
    })
}
