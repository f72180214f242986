//! Postman collections (format v2.0 and v2.1, as Postman's *Export*
//! writes them) and environments: one request of a collection, built as
//! Postman's runtime sends it, with the auth settings it inherits.
//!
//! The formats are described by Postman's published JSON Schemas
//! (`https://schema.getpostman.com/json/collection/v2.1.0/collection.json`
//! and `…/v2.0.0/…`). The two differ where this reader cares in one
//! place: v2.1 writes an auth method's settings as an array of
//! `{key, value, type}`, v2.0 as an object (`{"consumerKey": "…"}`). Both
//! are read; unknown fields are ignored.
//!
//! - [`Collection::parse`] reads the file (errors carry the JSON line and
//!   column), [`Environment::parse`] an environment export.
//! - [`Collection::find`] picks a request by name or `folder/…/name`
//!   ([`ItemError`] lists the candidates when the name is missing or
//!   ambiguous).
//! - [`Collection::resolve`] builds the request ([`PostmanItem`]): every
//!   `{{variable}}` resolved ([`variables`]), the body as Postman sends
//!   it ([`body`]), the auth Postman applies and where it came from
//!   ([`auth`]).
//!
//! Signing the result as Postman does is [`crate::sign::postman`].

pub mod auth;
pub mod body;
pub mod variables;

use crate::error::{ParseError, ParseErrorKind, Span};
use crate::input::MAX_INPUT;
use crate::request::Request;
use serde::Deserialize;
use serde_json::Value;

pub use auth::{AuthChoice, OAuth1Settings, Origin, SettingRead};
pub use body::BodyMode;
use variables::Variables;

const CONTEXT: &str = "Postman collection";

/// A Postman collection, read but not yet resolved.
#[derive(Debug, Clone)]
pub struct Collection {
    /// `info.name`.
    pub name: Option<String>,
    /// The format version named by `info.schema` (`v2.0.0`, `v2.1.0`), if any.
    pub schema: Option<String>,
    items: Vec<Node>,
    auth: Option<Value>,
    variables: Vec<(String, String)>,
    behavior: Option<Value>,
}

#[derive(Debug, Clone)]
enum Node {
    Folder {
        name: String,
        items: Vec<Node>,
        auth: Option<Value>,
        behavior: Option<Value>,
    },
    Request {
        name: String,
        request: Value,
        behavior: Option<Value>,
    },
}

#[derive(Deserialize)]
struct RawCollection {
    #[serde(default)]
    info: Option<RawInfo>,
    #[serde(default)]
    item: Vec<RawItem>,
    #[serde(default)]
    auth: Option<Value>,
    #[serde(default)]
    variable: Vec<RawVariable>,
    #[serde(default, rename = "protocolProfileBehavior")]
    behavior: Option<Value>,
}

#[derive(Deserialize)]
struct RawInfo {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    schema: Option<String>,
}

#[derive(Deserialize)]
struct RawItem {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    item: Option<Vec<RawItem>>,
    #[serde(default)]
    request: Option<Value>,
    #[serde(default)]
    auth: Option<Value>,
    #[serde(default, rename = "protocolProfileBehavior")]
    behavior: Option<Value>,
}

#[derive(Deserialize)]
struct RawVariable {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    enabled: Option<bool>,
}

#[derive(Deserialize)]
struct RawEnvironment {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    values: Vec<RawVariable>,
}

/// A Postman environment export: its enabled values.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `name`.
    pub name: Option<String>,
    /// Enabled `values`, in order.
    pub values: Vec<(String, String)>,
}

/// Why a collection item could not be picked or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PostmanError {
    /// The file is not a collection (or an environment) this reader can read.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// `--item` is missing, names nothing, or names several requests.
    #[error(transparent)]
    Item(#[from] ItemError),
    /// A `{{variable}}` that neither the environment nor the collection defines.
    #[error("unresolved variable {{{{{name}}}}} in {place}: define it in the collection's variables or pass an environment (--environment FILE) that does; globals, data files and dynamic variables ({{{{$guid}}}}…) are not read")]
    Unresolved {
        /// The variable's name.
        name: String,
        /// Where it is used (`URL`, `header X-Id`, `auth setting consumerKey (from collection)`…).
        place: String,
    },
    /// A `{{variable}}` whose value, resolved, grows past `limit` bytes
    /// (in one text, or over all the item's texts together).
    #[error("variable {{{{{name}}}}} in {place} grows past {limit} bytes when resolved (in this text, or with the item's other texts): its value refers to itself (or to variables that do) more than once, or a large value is named many times")]
    TooLong {
        /// The variable's name.
        name: String,
        /// Where it is used.
        place: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// Something the collection asks for that cannot be reproduced.
    #[error("{0}")]
    Unsupported(String),
}

impl PostmanError {
    /// The error for a variable [`Variables::resolve`] could not resolve
    /// at `place`.
    pub(crate) fn unresolved(u: variables::Unresolved, place: String) -> PostmanError {
        match u.too_long {
            Some(limit) => PostmanError::TooLong {
                name: u.name,
                place,
                limit,
            },
            None => PostmanError::Unresolved {
                name: u.name,
                place,
            },
        }
    }
}

/// Picking a request out of a collection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    /// The collection holds several requests and none was named.
    #[error("the collection holds {} requests: pick one with --item NAME (or folder/…/NAME): {}", candidates.len(), candidates.join(", "))]
    Required {
        /// Every request's path.
        candidates: Vec<String>,
    },
    /// No request has that name or path.
    #[error("no request named {wanted:?} in the collection; its requests are: {}", candidates.join(", "))]
    NotFound {
        /// What was asked for.
        wanted: String,
        /// Every request's path.
        candidates: Vec<String>,
    },
    /// Several requests have that name.
    #[error("{wanted:?} names {} requests; give its folder path: {}", candidates.len(), candidates.join(", "))]
    Ambiguous {
        /// What was asked for.
        wanted: String,
        /// The paths of the requests it names.
        candidates: Vec<String>,
    },
    /// The collection holds no request at all.
    #[error("the collection holds no request")]
    Empty,
}

/// True when `input` looks like a Postman collection: a JSON object with
/// `info` (whose `schema` names getpostman.com, or with `_postman_id`) and
/// `item`. Cheap enough to call on any input.
pub fn is_collection(input: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&input[..input.len().min(1024)]);
    let t = head.trim_start_matches('\u{feff}').trim_start();
    let has = |needle: &[u8]| memchr::memmem::find(input, needle).is_some();
    // Postman's Export writes `info` first; its SDK writes it last.
    t.starts_with('{')
        && has(b"\"item\"")
        && has(b"\"info\"")
        && (has(b"schema.getpostman.com") || has(b"_postman_id"))
        // A HAR (`{"log": …}`, its only key) recorded from Postman may
        // hold all of the above in its bodies; a collection may name a
        // request, folder or header `log`.
        && !t[1..].trim_start().starts_with("\"log\"")
}

fn too_large(actual: usize) -> ParseError {
    ParseError::new(
        CONTEXT,
        ParseErrorKind::TooLarge {
            limit: MAX_INPUT,
            actual,
        },
        Span::default(),
        "",
    )
}

/// A JSON scalar as Postman turns it into text (`true`, `12`, `""` for null).
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn variable_pairs(raw: Vec<RawVariable>) -> Vec<(String, String)> {
    raw.into_iter()
        .filter(|v| !v.disabled && v.enabled != Some(false))
        .filter_map(|v| {
            let key = v.key.or(v.id)?;
            Some((key, v.value.as_ref().map(scalar_text).unwrap_or_default()))
        })
        .collect()
}

fn nodes(raw: Vec<RawItem>) -> Vec<Node> {
    raw.into_iter()
        .map(|i| {
            let name = i.name.unwrap_or_default();
            match (i.item, i.request) {
                (Some(items), _) => Node::Folder {
                    name,
                    items: nodes(items),
                    auth: i.auth,
                    behavior: i.behavior,
                },
                (None, request) => Node::Request {
                    name,
                    request: request.unwrap_or(Value::Null),
                    behavior: i.behavior,
                },
            }
        })
        .collect()
}

/// One request of a collection, built as Postman sends it.
#[derive(Debug, Clone)]
pub struct PostmanItem {
    /// The item's path, `folder/…/name`.
    pub path: String,
    /// The request as Postman sends it before its auth helper runs:
    /// variables resolved, the body as sent (none for a GET, whose body
    /// Postman prunes), the `Content-Type` Postman adds.
    pub request: Request,
    /// The body mode.
    pub body_mode: BodyMode,
    /// The enabled rows of a `urlencoded` body (names and values as
    /// written, variables resolved): the form parameters Postman signs.
    pub form: Option<Vec<(String, String)>>,
    /// The bytes Postman's *Include body hash* hashes.
    pub hashed_body: body::HashedBody,
    /// Whether the body is sent (Postman prunes a GET's body).
    pub body_sent: bool,
    /// The auth Postman applies.
    pub auth: AuthChoice,
    /// The request setting `protocolProfileBehavior.disableUrlEncoding`
    /// and where it was read (the request, a folder, the collection).
    pub disable_url_encoding: Option<(bool, Origin)>,
    /// What was assumed while building the request.
    pub notes: Vec<String>,
}

impl Collection {
    /// Reads a collection (v2.0 or v2.1).
    pub fn parse(input: &[u8]) -> Result<Collection, ParseError> {
        if input.len() > MAX_INPUT {
            return Err(too_large(input.len()));
        }
        let text = String::from_utf8_lossy(input);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let raw: RawCollection = serde_json::from_str(text).map_err(|e| {
            super::har::json_error(
                CONTEXT,
                text,
                &e,
                "a Postman collection is {\"info\": {…}, \"item\": [{\"name\", \"request\": {…}}, …]}: export it again from Postman (Collection v2.1)",
            )
        })?;
        let (name, schema) = match raw.info {
            Some(i) => (i.name, i.schema),
            None => (None, None),
        };
        let schema = schema.and_then(|s| {
            ["v2.0.0", "v2.1.0", "v1.0.0"]
                .into_iter()
                .find(|v| s.contains(v))
                .map(str::to_string)
        });
        if schema.as_deref() == Some("v1.0.0") {
            return Err(ParseError::new(
                CONTEXT,
                ParseErrorKind::Invalid {
                    what: "collection format".into(),
                    reason: "format v1 is not read".into(),
                },
                Span::default(),
                text,
            )
            .with_hint("export the collection again from Postman as Collection v2.1"));
        }
        Ok(Collection {
            name,
            schema,
            items: nodes(raw.item),
            auth: raw.auth,
            variables: variable_pairs(raw.variable),
            behavior: raw.behavior,
        })
    }

    /// The path (`folder/…/name`) of every request, in collection order.
    pub fn request_paths(&self) -> Vec<String> {
        fn walk(nodes: &[Node], prefix: &str, out: &mut Vec<String>) {
            for n in nodes {
                match n {
                    Node::Folder { name, items, .. } => {
                        walk(items, &format!("{prefix}{name}/"), out)
                    }
                    Node::Request { name, .. } => out.push(format!("{prefix}{name}")),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, "", &mut out);
        out
    }

    /// The path of the request `wanted` names: its full path
    /// (`folder/…/name`), a path's tail (`sub/name`), or its name alone.
    /// Without `wanted`, the collection's only request.
    pub fn find(&self, wanted: Option<&str>) -> Result<String, ItemError> {
        let all = self.request_paths();
        let Some(wanted) = wanted else {
            return match all.len() {
                0 => Err(ItemError::Empty),
                1 => Ok(all[0].clone()),
                _ => Err(ItemError::Required { candidates: all }),
            };
        };
        let wanted_trim = wanted.trim_matches('/');
        if all.iter().filter(|p| *p == wanted_trim).count() == 1 {
            return Ok(wanted_trim.to_string());
        }
        let matching: Vec<String> = all
            .iter()
            .filter(|p| *p == wanted_trim || p.ends_with(&format!("/{wanted_trim}")))
            .cloned()
            .collect();
        match matching.len() {
            0 => Err(ItemError::NotFound {
                wanted: wanted.to_string(),
                candidates: all,
            }),
            1 => Ok(matching[0].clone()),
            _ => Err(ItemError::Ambiguous {
                wanted: wanted.to_string(),
                candidates: matching,
            }),
        }
    }

    /// Builds the request at `path` (from [`Collection::find`]): variables
    /// from `environment` over the collection's own; auth from the
    /// request, else its nearest folder, else the collection.
    pub fn resolve(
        &self,
        path: &str,
        environment: Option<&Environment>,
    ) -> Result<PostmanItem, PostmanError> {
        let vars = Variables::new(
            self.variables.clone(),
            environment.map(|e| e.values.clone()).unwrap_or_default(),
        );
        // The chain of folders down to the request.
        let mut folders: Vec<(&str, &Option<Value>, &Option<Value>)> = Vec::new();
        let mut level = &self.items;
        let mut found = None;
        let mut walked = String::new();
        'outer: loop {
            for n in level {
                match n {
                    Node::Folder {
                        name,
                        items,
                        auth,
                        behavior,
                    } => {
                        let prefix = format!("{walked}{name}/");
                        if path.starts_with(&prefix) {
                            folders.push((name, auth, behavior));
                            walked = prefix;
                            level = items;
                            continue 'outer;
                        }
                    }
                    Node::Request {
                        name,
                        request,
                        behavior,
                    } if format!("{walked}{name}") == path => {
                        found = Some((request, behavior));
                        break 'outer;
                    }
                    Node::Request { .. } => {}
                }
            }
            break;
        }
        let Some((request, behavior)) = found else {
            return Err(ItemError::NotFound {
                wanted: path.to_string(),
                candidates: self.request_paths(),
            }
            .into());
        };
        let request = match request {
            Value::String(url) => serde_json::json!({ "url": url, "method": "GET" }),
            other => other.clone(),
        };
        let prune_disabled =
            behavior_flag("disableBodyPruning", behavior, &folders, &self.behavior)
                .is_some_and(|(v, _)| v);
        let mut item = body::build(path, &request, &vars, prune_disabled)?;
        item.auth = auth::choose(&request, &folders, self.auth.as_ref(), &vars)?;
        item.disable_url_encoding =
            behavior_flag("disableUrlEncoding", behavior, &folders, &self.behavior);
        Ok(item)
    }
}

/// A `protocolProfileBehavior` flag (`disableUrlEncoding`,
/// `disableBodyPruning`): the item's, else the nearest folder's, else the
/// collection's (Postman merges the behaviours down the tree; the item's
/// sits beside its `request`).
fn behavior_flag(
    key: &str,
    request: &Option<Value>,
    folders: &[(&str, &Option<Value>, &Option<Value>)],
    collection: &Option<Value>,
) -> Option<(bool, Origin)> {
    let read = |b: &Option<Value>| b.as_ref().and_then(|v| v.get(key)).and_then(auth::as_bool);
    if let Some(v) = read(request) {
        return Some((v, Origin::Request));
    }
    for (name, _, behavior) in folders.iter().rev() {
        if let Some(v) = read(behavior) {
            return Some((v, Origin::Folder(name.to_string())));
        }
    }
    read(collection).map(|v| (v, Origin::Collection))
}

impl PostmanItem {
    /// The request as a [`ReadRequest`](crate::request::ReadRequest) (format Postman, labelled with
    /// the item's path): the request before Postman's auth helper runs.
    pub fn to_read(&self) -> crate::request::ReadRequest {
        let mut r =
            crate::request::ReadRequest::new(self.request.clone(), crate::request::Format::Postman);
        r.label = Some(self.path.clone());
        r.assumptions = self.notes.clone();
        r
    }
}

/// Reads the request `item` names in `input` (a collection), with
/// `environment`'s variables over the collection's.
pub fn read(
    input: &[u8],
    item: Option<&str>,
    environment: Option<&Environment>,
) -> Result<PostmanItem, PostmanError> {
    let c = Collection::parse(input)?;
    let path = c.find(item)?;
    c.resolve(&path, environment)
}

/// [`read`] for [`crate::input::read`]: the only request of a collection,
/// before its auth is applied (an item is picked, and auth applied, by
/// [`read`] and [`crate::sign::postman`]).
pub fn read_one(input: &[u8]) -> Result<crate::request::ReadRequest, ParseError> {
    let item = read(input, None, None).map_err(|e| match e {
        PostmanError::Parse(p) => p,
        other => ParseError::new(
            CONTEXT,
            ParseErrorKind::Invalid {
                what: "request".into(),
                reason: other.to_string(),
            },
            Span::default(),
            "",
        ),
    })?;
    let mut read = item.to_read();
    read.assumptions.push(
        "a Postman collection: the request is shown before Postman's auth helper signs it (sign, explain and diff read its auth: --item, --environment)".into(),
    );
    Ok(read)
}

impl Environment {
    /// Reads a Postman environment export (`{"name", "values": [{"key",
    /// "value", "enabled"}]}`); disabled values are skipped.
    pub fn parse(input: &[u8]) -> Result<Environment, ParseError> {
        if input.len() > MAX_INPUT {
            return Err(too_large(input.len()));
        }
        let text = String::from_utf8_lossy(input);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let raw: RawEnvironment = serde_json::from_str(text).map_err(|e| {
            super::har::json_error(
                CONTEXT,
                text,
                &e,
                "a Postman environment is {\"name\", \"values\": [{\"key\", \"value\", \"enabled\"}]}: export it again from Postman",
            )
        })?;
        Ok(Environment {
            name: raw.name,
            values: variable_pairs(raw.values),
        })
    }
}

#[cfg(test)]
mod tests;
