//! Headers: `-H` (added, removed, empty, `@file`) and the headers curl
//! adds itself unless `-H` set or removed them.

use super::Builder;
use crate::error::{ParseError, Span, Violation};

impl Builder<'_> {
    /// `-H`: `Name: value` adds a header, `Name:` removes one curl would
    /// add, `Name;` sends it empty, `@file` reads one header per line.
    ///
    /// As in curl, a line of the file is a header line and nothing else: a
    /// line `@other` is not read as a file again (curl sends no such
    /// header, since it has no colon), so nothing nests.
    pub(super) fn header(&mut self, text: &str, span: Span) -> Result<(), ParseError> {
        if let Some(path) = text.strip_prefix('@') {
            let content = self.file(path, span)?;
            for line in String::from_utf8_lossy(&content).lines() {
                if !line.trim().is_empty() {
                    self.header_line(line);
                }
            }
            return Ok(());
        }
        self.header_line(text);
        Ok(())
    }

    /// One header line, from the command or from a `-H @file`.
    fn header_line(&mut self, text: &str) {
        match text.find([':', ';']) {
            Some(p) if text.as_bytes()[p] == b':' => {
                let name = text[..p].trim().to_string();
                let value = text[p + 1..].trim().to_string();
                if value.is_empty() {
                    // `Name:` is not sent: it stops curl adding its own `Name`.
                    self.removed.insert(name.to_ascii_lowercase());
                } else {
                    self.headers.push((name, value));
                }
            }
            Some(p) if text[p + 1..].trim().is_empty() => {
                self.headers
                    .push((text[..p].trim().to_string(), String::new()));
            }
            _ => self.violations.push(Violation::new(
                "curl-header-without-colon",
                "curl(1)",
                format!("-H {text:?} has no colon; curl does not send it"),
            )),
        }
    }

    /// The headers curl adds for `--oauth2-bearer`, `-u`, `-A`, `-e` and
    /// `-b`, with a violation for the ones that are not OAuth 1.0.
    pub(super) fn option_headers(&mut self) {
        if let Some(token) = self.bearer.clone() {
            self.default_header("Authorization", format!("Bearer {token}"));
            self.violations.push(Violation::new(
                "curl-oauth2-bearer",
                "curl(1)",
                "--oauth2-bearer sends an OAuth 2.0 bearer token, not an OAuth 1.0 signature",
            ));
        }
        if let Some(user) = self.user.clone() {
            use base64::Engine;
            let creds = if user.contains(':') {
                user.clone()
            } else {
                format!("{user}:")
            };
            let encoded = base64::engine::general_purpose::STANDARD.encode(creds);
            let had_auth = self.has_header("authorization");
            self.default_header("Authorization", format!("Basic {encoded}"));
            self.violations.push(Violation::new(
                "curl-basic-auth",
                "curl(1)",
                if had_auth {
                    "-u/--user asks for HTTP Basic authentication, which is not OAuth; the Authorization header given with -H replaces it"
                } else {
                    "-u/--user sends HTTP Basic authentication (Authorization: Basic …), which is not OAuth 1.0"
                },
            ));
        }
        if let Some(ua) = self.user_agent.clone() {
            self.default_header("User-Agent", ua);
        }
        if let Some(r) = self.referer.clone() {
            let r = r.strip_suffix(";auto").unwrap_or(&r).to_string();
            if !r.is_empty() {
                self.default_header("Referer", r);
            }
        }
        if let Some(c) = self.cookie.clone() {
            if c.contains('=') {
                self.default_header("Cookie", c);
            } else {
                self.violations.push(Violation::new(
                    "curl-cookie-file",
                    "curl(1)",
                    format!(
                        "-b {c:?} names a cookie file, which is not read; cookies are never signed"
                    ),
                ));
            }
        }
    }

    pub(super) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
            || self.removed.contains(&name.to_ascii_lowercase())
    }

    /// Adds a header curl would add itself, unless `-H` set or removed it
    /// or the value is empty (`-A ''` removes User-Agent). The value is
    /// trimmed, as every reader trims field values.
    pub(super) fn default_header(&mut self, name: &str, value: String) {
        let value = value.trim();
        if !value.is_empty() && !self.has_header(name) {
            self.headers.push((name.to_string(), value.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::input::curl::test_util::{codes, one, Mem};
    use crate::input::curl::{read, render, Dialect};

    #[test]
    fn header_forms() {
        // `a:` only stops curl adding a header of its own; given ones stay.
        let r = one("curl -H 'X-Empty;' -H 'A: 1' -H 'a:' -H 'A: 2' -H 'no colon' http://h/");
        assert_eq!(
            r.request.headers,
            vec![
                ("X-Empty".to_string(), String::new()),
                ("A".to_string(), "1".to_string()),
                ("A".to_string(), "2".to_string())
            ]
        );
        assert!(codes(&r).contains(&"curl-header-without-colon"));
    }

    /// Issue 11: `-H @file` whose file names itself (or `@-` fed `@-`)
    /// recursed without end. As in curl, a line of the file is a header
    /// line: never read as a file again.
    #[test]
    fn issue11_header_file_lines_are_not_read_again() {
        let files = Mem(&[("h", b"A: 1\r\n@h\n@-\n@h: 2\n"), ("-", b"@-\n")]);
        let r = &read(b"curl -H @h -H @- http://h/", &files).unwrap()[0];
        // `@h: 2` has a colon, so curl sends it as a header named `@h`.
        assert_eq!(
            r.request.headers,
            vec![
                ("A".to_string(), "1".to_string()),
                ("@h".into(), "2".into())
            ]
        );
        let noted = r
            .violations
            .iter()
            .filter(|v| v.code == "curl-header-without-colon")
            .count();
        assert_eq!(noted, 3, "{:?}", r.violations);
        // Such a header cannot be written back as a command line.
        let e = render(&r.request, Dialect::Bash).unwrap_err();
        assert!(e.reason.contains("file name"), "{e}");
    }

    #[test]
    fn added_headers_are_trimmed_and_empty_ones_dropped() {
        let r = one("curl -A ' ua ' -e '' --oauth2-bearer tok http://h/");
        assert_eq!(r.request.header("user-agent"), Some("ua"));
        assert_eq!(r.request.header("referer"), None);
        assert_eq!(r.request.header("authorization"), Some("Bearer tok"));
        assert!(codes(&r).contains(&"curl-oauth2-bearer"));
    }

    #[test]
    fn user_agent_referer_cookie_user() {
        let r = one("curl -A ua/1 -e http://r/ -b 'k=v' -u me:pw http://h/");
        assert_eq!(r.request.header("user-agent"), Some("ua/1"));
        assert_eq!(r.request.header("referer"), Some("http://r/"));
        assert_eq!(r.request.header("cookie"), Some("k=v"));
        assert_eq!(r.request.header("authorization"), Some("Basic bWU6cHc="));
        assert!(codes(&r).contains(&"curl-basic-auth"));
    }

    #[test]
    fn cookie_file_is_noted_not_read() {
        let r = one("curl -b cookies.txt http://h/");
        assert!(r.request.header("cookie").is_none());
        assert!(codes(&r).contains(&"curl-cookie-file"));
    }
}
