//! The request URL taken apart as written (RFC 3986 §3), default ports,
//! and the shape of a form body: the ground floor that the readers, the
//! base string, the signer, `diff` and `hunt` all stand on.
//!
//! Nothing here normalizes: the base string must reflect exactly what was
//! written (a `:443`, an upper-case host, an unencoded space), and it is the
//! base string's job ([`crate::base_string`]) to normalize as RFC 5849
//! §3.4.1.2 says.

use crate::error::{ParseError, ParseErrorKind, Span};

/// The pieces of an absolute URL, as byte ranges of the text they came from.
///
/// Splitting is done here rather than with a general URL parser because the
/// base string must reflect exactly what was written (a `:443`, an upper-case
/// host, an unencoded space), which general parsers normalize away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Scheme as written (`HTTPS`).
    pub scheme: &'a str,
    /// `user:pass` before `@`, if any.
    pub userinfo: Option<&'a str>,
    /// Host as written, brackets included for IPv6.
    pub host: &'a str,
    /// Port text after `:` (may be empty: `http://x:/`).
    pub port: Option<&'a str>,
    /// Path as written (may be empty).
    pub path: &'a str,
    /// Query after `?`, without the `?`.
    pub query: Option<&'a str>,
    /// Fragment after `#`.
    pub fragment: Option<&'a str>,
    /// Byte offset of the query in the URL.
    pub query_offset: usize,
}

fn url_error(url: &str, kind: ParseErrorKind, span: Span) -> ParseError {
    ParseError::new("URL", kind, span, url)
}

/// Splits an absolute URL into its parts (RFC 3986 §3), rejecting what
/// cannot be a request URI: no scheme, no host, a bad port.
pub fn split_url(url: &str) -> Result<UrlParts<'_>, ParseError> {
    // A scheme holds no ':', so the first ':' must start "://".
    let sep = url
        .bytes()
        .position(|b| b == b':')
        .filter(|&i| url[i..].starts_with("://"))
        .ok_or_else(|| {
            url_error(
                url,
                ParseErrorKind::Expected {
                    expected: "an absolute URL (scheme://host/path)".into(),
                    found: if url.is_empty() {
                        "nothing".into()
                    } else {
                        format!("{url:?}")
                    },
                },
                Span::new(0, url.len()),
            )
            .with_hint("write the full URL, e.g. https://api.example.com/path")
        })?;
    let scheme = &url[..sep];
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(url_error(
            url,
            ParseErrorKind::Invalid {
                what: "scheme".into(),
                reason: format!("{scheme:?} is not a URI scheme"),
            },
            Span::new(0, sep),
        ));
    }
    let auth_start = sep + 3;
    // One pass over the authority: where it ends, its last '@' (user
    // information comes before it), and the first ':' after that '@'.
    let (mut auth_end, mut last_at, mut first_colon) = (url.len(), None, None);
    for (i, &b) in url.as_bytes()[auth_start..].iter().enumerate() {
        match b {
            b'/' | b'?' | b'#' => {
                auth_end = auth_start + i;
                break;
            }
            b'@' => (last_at, first_colon) = (Some(i), None),
            b':' if first_colon.is_none() => first_colon = Some(i),
            _ => {}
        }
    }
    let authority = &url[auth_start..auth_end];
    let (userinfo, hostport, hp_start) = match last_at {
        Some(i) => (
            Some(&authority[..i]),
            &authority[i + 1..],
            auth_start + i + 1,
        ),
        None => (None, authority, auth_start),
    };
    let (host, port) = if hostport.starts_with('[') {
        match hostport.find(']') {
            Some(i) => {
                let rest = &hostport[i + 1..];
                let port = match rest.strip_prefix(':') {
                    Some(p) => Some(p),
                    None if rest.is_empty() => None,
                    None => {
                        return Err(url_error(
                            url,
                            ParseErrorKind::Expected {
                                expected: "':' and a port after the IPv6 address".into(),
                                found: format!("{rest:?}"),
                            },
                            Span::new(hp_start + i + 1, auth_end),
                        ))
                    }
                };
                (&hostport[..=i], port)
            }
            None => {
                return Err(url_error(
                    url,
                    ParseErrorKind::Unterminated {
                        what: "IPv6 address (no ']')".into(),
                    },
                    Span::new(hp_start, auth_end),
                ))
            }
        }
    } else {
        // `first_colon` counts from the authority's start.
        match first_colon.map(|c| c - (hp_start - auth_start)) {
            Some(i) => (&hostport[..i], Some(&hostport[i + 1..])),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err(url_error(
            url,
            ParseErrorKind::Missing {
                what: "host".into(),
            },
            Span::at(hp_start),
        )
        .with_hint("the URL needs a host after '://'"));
    }
    if let Some(p) = port.filter(|p| !p.is_empty()) {
        let port_start = hp_start + host.len() + 1;
        let valid = p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && matches!(p.parse::<u32>(), Ok(1..=65535));
        if !valid {
            return Err(url_error(
                url,
                ParseErrorKind::Invalid {
                    what: "port".into(),
                    reason: format!("{p:?} is not a number from 1 to 65535"),
                },
                Span::new(port_start, port_start + p.len()),
            ));
        }
    }
    let rest = &url[auth_end..];
    // The first '?' or '#' ends the path; a '?' after the '#' is the fragment's.
    let (path, query, query_offset, fragment) = match memchr::memchr2(b'?', b'#', rest.as_bytes()) {
        None => (rest, None, url.len(), None),
        Some(i) if rest.as_bytes()[i] == b'#' => {
            (&rest[..i], None, url.len(), Some(&rest[i + 1..]))
        }
        Some(i) => {
            let after = &rest[i + 1..];
            let (query, fragment) = match memchr::memchr(b'#', after.as_bytes()) {
                Some(j) => (&after[..j], Some(&after[j + 1..])),
                None => (after, None),
            };
            (&rest[..i], Some(query), auth_end + i + 1, fragment)
        }
    };
    Ok(UrlParts {
        scheme,
        userinfo,
        host,
        port,
        path,
        query,
        fragment,
        query_offset,
    })
}

/// The default port of a scheme (RFC 7230 §2.7.1 for `http`, §2.7.2 for
/// `https`), which RFC 5849 §3.4.1.2 drops from the base string URI. The
/// scheme is compared without regard to case (RFC 3986 §3.1).
///
/// ```
/// use oauth1_doctor::uri::default_port;
/// assert_eq!(default_port("HTTPS"), Some(443));
/// assert_eq!(default_port("ftp"), None);
/// ```
pub fn default_port(scheme: &str) -> Option<u16> {
    if scheme.eq_ignore_ascii_case("http") {
        Some(80)
    } else if scheme.eq_ignore_ascii_case("https") {
        Some(443)
    } else {
        None
    }
}

/// True when a body reads as `application/x-www-form-urlencoded` content
/// (HTML 4.01 §17.13.4.1: `name=value` pairs joined with `&`), whatever its
/// `Content-Type` says: UTF-8 text, not JSON or XML, every pair with a
/// non-empty name of visible ASCII. RFC 5849 §3.4.1.3.1 signs such a body
/// only when it is declared as a form, so a form-shaped body sent under
/// another type is worth a warning, and a signer that signs it anyway is a
/// mistake `hunt` tries.
///
/// ```
/// use oauth1_doctor::uri::looks_like_form;
/// assert!(looks_like_form(b"status=hi&a="));
/// assert!(!looks_like_form(b"{\"status\":\"hi\"}"));
/// assert!(!looks_like_form(b"=nameless"));
/// ```
pub fn looks_like_form(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let t = text.trim();
    !t.is_empty()
        && !t.starts_with(['{', '[', '<'])
        && t.split('&').all(|seg| {
            seg.split_once('=').is_some_and(|(n, _)| {
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_graphic() && b != b'=')
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3986 §3.2: user information, host and port split where they
    /// should, whatever ':' and '@' the user information holds.
    #[test]
    fn authority_parts() {
        let cases = [
            ("http://h/x", None, "h", None),
            ("http://h:81/x", None, "h", Some("81")),
            ("http://u:p@h:81/x", Some("u:p"), "h", Some("81")),
            ("http://a@b:c@H?q", Some("a@b:c"), "H", None),
            ("http://u@[::1]:8080/", Some("u"), "[::1]", Some("8080")),
            ("http://h:/x", None, "h", Some("")),
        ];
        for (url, userinfo, host, port) in cases {
            let p = split_url(url).unwrap();
            assert_eq!(
                (p.userinfo, p.host, p.port),
                (userinfo, host, port),
                "{url}"
            );
        }
    }

    #[test]
    fn form_shape() {
        for yes in ["a=1", "a=1&b=", " a=x y&b=2\n", "a=%20&b=+"] {
            assert!(looks_like_form(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "",
            "a",
            "a=1&b",
            "=1",
            "{\"a\":1}",
            "[1]",
            "<a>=1</a>",
            "a b=1",
            "é=1",
        ] {
            assert!(!looks_like_form(no.as_bytes()), "{no:?}");
        }
        assert!(!looks_like_form(b"a=\xff"));
    }
}
