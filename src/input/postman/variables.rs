//! Postman variables: `{{name}}` resolved in Postman's order of precedence.
//!
//! Postman resolves a variable from the narrowest scope that defines it:
//! local, data (a runner's data file), environment, collection, global.
//! A collection file and an environment export carry two of those scopes;
//! this module supports exactly those two, **the environment over the
//! collection's `variable` list**. Globals, data files, local variables
//! and dynamic variables (`{{$guid}}`, `{{$timestamp}}`…) are not
//! supported: a reference to one is reported as unresolved, by name.

use std::collections::HashMap;

/// How deep a value may refer to another value (`{{a}}` → `{{b}}` → …):
/// Postman stops at 19 levels; so does this resolver.
const MAX_DEPTH: usize = 19;

/// How much text the values put in may add up to, for one text and for
/// all the texts of one item together (its URL, headers, body rows…): no
/// more than the largest input read ([`crate::input::MAX_INPUT`]). A value
/// that refers to itself several times (`a` = `{{a}}{{a}}`) would
/// otherwise double at each of the 19 levels, and many header rows each
/// naming such a value would each grow to the limit.
const MAX_RESOLVED: usize = crate::input::MAX_INPUT;

/// The variables of the supported scopes, narrowest first.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    environment: HashMap<String, String>,
    collection: HashMap<String, String>,
    /// Bytes of values put in so far, over every [`Variables::resolve`].
    spent: std::cell::Cell<usize>,
}

/// A `{{name}}` no scope defines, or one whose value, resolved, grows
/// past the largest input read ([`crate::input::MAX_INPUT`], 16 MiB).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The variable's name, without braces.
    pub name: String,
    /// `Some(limit)` when `name` is defined but the text grew past `limit`
    /// bytes while its value was put in (it refers to itself, or to
    /// variables that do, several times).
    pub too_long: Option<usize>,
}

impl Variables {
    /// Variables from the collection's own `variable` list and an
    /// environment's enabled `values` (either may be empty).
    pub fn new(
        collection: impl IntoIterator<Item = (String, String)>,
        environment: impl IntoIterator<Item = (String, String)>,
    ) -> Variables {
        Variables {
            collection: collection.into_iter().collect(),
            environment: environment.into_iter().collect(),
            spent: std::cell::Cell::new(0),
        }
    }

    /// The value of `name`: the environment's, else the collection's.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.environment
            .get(name)
            .or_else(|| self.collection.get(name))
            .map(String::as_str)
    }

    /// Where `name` is defined: `environment` or `collection`.
    pub fn scope_of(&self, name: &str) -> Option<&'static str> {
        if self.environment.contains_key(name) {
            Some("environment")
        } else if self.collection.contains_key(name) {
            Some("collection")
        } else {
            None
        }
    }

    /// `text` with every `{{name}}` replaced, values resolved in turn (up
    /// to 19 levels, as Postman). The first unresolved name is an error, and
    /// so is a text, or all the texts resolved by these variables together,
    /// that grows past [`crate::input::MAX_INPUT`] bytes of values put in.
    ///
    /// ```
    /// use oauth1_doctor::input::postman::variables::Variables;
    /// let v = Variables::new(
    ///     [("host".to_string(), "collection".to_string()), ("base".into(), "https://{{host}}".into())],
    ///     [("host".to_string(), "env.example".to_string())],
    /// );
    /// assert_eq!(v.resolve("{{base}}/p").unwrap(), "https://env.example/p");
    /// assert_eq!(v.resolve("{{nope}}").unwrap_err().name, "nope");
    /// ```
    pub fn resolve(&self, text: &str) -> Result<String, Unresolved> {
        let mut current = text.to_string();
        for _ in 0..=MAX_DEPTH {
            if !current.contains("{{") {
                return Ok(current);
            }
            let (next, changed) = self.replace_once(&current)?;
            if !changed {
                return Ok(next);
            }
            current = next;
        }
        Ok(current)
    }

    /// One pass: every `{{name}}` replaced by its value as written.
    fn replace_once(&self, text: &str) -> Result<(String, bool), Unresolved> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut changed = false;
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                break;
            };
            let name = &after[..close];
            // `{{ {{x}} }}`: the inner reference is the variable.
            if name.contains("{{") {
                out.push_str(&rest[..open + 2]);
                rest = after;
                continue;
            }
            out.push_str(&rest[..open]);
            match self.get(name) {
                Some(v) => {
                    out.push_str(v);
                    changed = true;
                    let spent = self.spent.get() + v.len();
                    self.spent.set(spent);
                    if out.len() > MAX_RESOLVED || spent > MAX_RESOLVED {
                        return Err(Unresolved {
                            name: name.to_string(),
                            too_long: Some(MAX_RESOLVED),
                        });
                    }
                }
                None => {
                    return Err(Unresolved {
                        name: name.to_string(),
                        too_long: None,
                    })
                }
            }
            rest = &after[close + 2..];
        }
        out.push_str(rest);
        Ok((out, changed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        Variables::new(
            [
                ("a".to_string(), "collection-a".to_string()),
                ("only".into(), "c".into()),
                ("loop".into(), "{{loop}}".into()),
            ],
            [("a".to_string(), "env-a".to_string())],
        )
    }

    #[test]
    fn environment_wins_over_collection() {
        let v = vars();
        assert_eq!(v.resolve("{{a}}/{{only}}").unwrap(), "env-a/c");
        assert_eq!(v.scope_of("a"), Some("environment"));
        assert_eq!(v.scope_of("only"), Some("collection"));
    }

    #[test]
    fn unresolved_names_the_variable() {
        let v = vars();
        assert_eq!(v.resolve("x {{missing}} y").unwrap_err().name, "missing");
        assert_eq!(v.resolve("{{$guid}}").unwrap_err().name, "$guid");
    }

    #[test]
    fn self_reference_stops_and_text_without_braces_is_kept() {
        let v = vars();
        assert_eq!(v.resolve("{{loop}}").unwrap(), "{{loop}}");
        // A value that refers to itself four times would grow 4^19-fold:
        // it stops at MAX_RESOLVED bytes and names the variable.
        let bomb = Variables::new([("a".to_string(), "{{a}}{{a}}{{a}}{{a}}x".to_string())], []);
        let e = bomb.resolve("{{a}}").unwrap_err();
        assert_eq!((e.name.as_str(), e.too_long), ("a", Some(MAX_RESOLVED)));
        assert_eq!(v.resolve("a {{ b").unwrap(), "a {{ b");
        assert_eq!(v.resolve("{}").unwrap(), "{}");
    }

    /// Many texts each putting in a large value (many header rows naming
    /// it) stop once the values put in for the item add up to the limit.
    #[test]
    fn values_put_in_are_counted_over_every_text() {
        let big = "x".repeat(1 << 20);
        let v = Variables::new([("big".to_string(), big)], []);
        let rows = MAX_RESOLVED / (1 << 20);
        for _ in 0..rows {
            assert_eq!(v.resolve("{{big}}").unwrap().len(), 1 << 20);
        }
        let e = v.resolve("{{big}}").unwrap_err();
        assert_eq!((e.name.as_str(), e.too_long), ("big", Some(MAX_RESOLVED)));
    }
}
