//! Secrets that cannot be printed by accident.
//!
//! Consumer secrets, token secrets and private keys travel as [`Secret`]:
//! `Debug` and `Display` print `<hidden>`, the bytes are wiped on drop, and
//! the only way to read the value is the explicit [`Secret::expose`].

use std::fmt;
use zeroize::Zeroizing;

/// A secret string, redacted in every formatted output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret value. Call sites of this are the places a secret can leak.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in bytes: safe to report, helps spot a stray newline.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Secret {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret::new(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("kd94hf93k423kf44");
        assert_eq!(format!("{s:?}"), "<hidden>");
        assert_eq!(format!("{s}"), "<hidden>");
        assert_eq!(s.expose(), "kd94hf93k423kf44");
        assert_eq!(s.len(), 16);
    }
}
