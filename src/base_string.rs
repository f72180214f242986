//! Signature base string (RFC 5849 §3.4.1) and base string URI (§3.4.1.2).

use crate::encode::{encode_to_vec, is_escape_at, push_escape, HEX_UPPER};
use crate::error::{ParseError, Violation};
use crate::uri::default_port;
use serde::Serialize;

// Re-exported: the URL splitting lives in the ground-floor [`crate::uri`]
// module, which the signer and the readers use too.
pub use crate::uri::{split_url, UrlParts};

/// The base string URI and what was normalized to get it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseUri {
    /// The base string URI (RFC 5849 §3.4.1.2).
    pub uri: String,
    /// What differs between the URL as written and the base string URI.
    pub violations: Vec<Violation>,
}

/// RFC 5849 §3.4.1.2: the base string URI of an absolute request URL.
///
/// Scheme and host are lower-cased; the port is kept unless it is the
/// scheme's default (80 for http, 443 for https); the path is kept as sent,
/// an empty path becoming `/`, and characters a URI cannot hold are
/// percent-encoded as UTF-8 while existing `%XX` escapes stay; query and
/// fragment are dropped.
///
/// ```
/// use oauth1_doctor::base_string::base_string_uri;
/// assert_eq!(base_string_uri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123").unwrap().uri,
///            "http://example.com/r%20v/X");
/// ```
pub fn base_string_uri(url: &str) -> Result<BaseUri, ParseError> {
    let parts = split_url(url)?;
    let mut uri = String::with_capacity(url.len() + 1);
    push_base_uri(&parts, &mut uri);
    let violations = base_uri_violations(&parts, &uri);
    Ok(BaseUri { uri, violations })
}

/// RFC 5849 §3.4.1.2, appending to `out`: the base string URI of a split
/// URL, with no allocation of its own (the signing hot path calls this).
pub fn push_base_uri(parts: &UrlParts<'_>, out: &mut String) {
    let scheme_start = out.len();
    out.push_str(parts.scheme);
    out[scheme_start..].make_ascii_lowercase();
    let scheme_end = out.len();
    out.push_str("://");
    let host_start = out.len();
    out.push_str(parts.host);
    out[host_start..].make_ascii_lowercase();
    if let Some(n) = non_default_port(parts, &out[scheme_start..scheme_end]) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(out, ":{n}");
    }
    if parts.path.is_empty() {
        out.push('/');
    } else {
        push_uri_path(parts.path, out);
    }
}

/// The port the base string URI keeps: any but the scheme's default
/// (RFC 5849 §3.4.1.2), as a number (`:08080` is written `:8080`).
fn non_default_port(parts: &UrlParts<'_>, lower_scheme: &str) -> Option<u16> {
    let p = parts.port.filter(|p| !p.is_empty())?;
    // split_url validated it.
    let n: u16 = p.parse().unwrap_or_default();
    (Some(n) != default_port(lower_scheme)).then_some(n)
}

/// What [`push_base_uri`] normalized away, worth telling the user.
fn base_uri_violations(parts: &UrlParts<'_>, uri: &str) -> Vec<Violation> {
    let mut violations = Vec::new();
    let scheme = &uri[..parts.scheme.len()];
    let host = &uri[parts.scheme.len() + 3..][..parts.host.len()];
    if scheme != parts.scheme {
        violations.push(Violation::new(
            "uppercase-scheme",
            "RFC 5849 §3.4.1.2",
            format!(
                "the scheme {:?} is lower-cased to {scheme:?} in the base string",
                parts.scheme
            ),
        ));
    }
    if host != parts.host {
        violations.push(Violation::new(
            "uppercase-host",
            "RFC 5849 §3.4.1.2",
            format!(
                "the host {:?} is lower-cased to {host:?} in the base string",
                parts.host
            ),
        ));
    }
    if parts.userinfo.is_some() {
        violations.push(Violation::new(
            "userinfo-in-url",
            "RFC 5849 §3.4.1.2",
            "user information before '@' is not part of the base string URI",
        ));
    }
    if let Some(p) = parts.port.filter(|p| !p.is_empty()) {
        if non_default_port(parts, scheme).is_none() {
            violations.push(Violation::new(
                "default-port-in-url",
                "RFC 5849 §3.4.1.2",
                format!("the default port :{p} of {scheme} is dropped from the base string"),
            ));
        }
    }
    if !parts.path.is_empty() {
        let written = &uri[uri.len() - uri_path_len(parts.path)..];
        if written.len() != parts.path.len() {
            violations.push(Violation::new(
                "path-needs-encoding",
                "RFC 5849 §3.4.1.2",
                format!(
                    "the path {:?} holds characters a URI cannot; they are percent-encoded as {written:?}",
                    parts.path
                ),
            ));
        }
    }
    if parts.fragment.is_some() {
        violations.push(Violation::new(
            "fragment-in-url",
            "RFC 5849 §3.4.1.2",
            "the fragment (#…) is never sent and is not part of the base string",
        ));
    }
    violations
}

/// Characters RFC 3986 §3.3 allows in a path as they are (pchar and `/`).
fn is_path_char(b: u8) -> bool {
    PATH_CHARS[b as usize]
}

/// [`is_path_char`] as a table: every URL's path goes through it.
const PATH_CHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'-' | b'.' | b'_' | b'~')
            || matches!(
                c,
                b'!' | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
            );
        b += 1;
    }
    t
};

/// Appends `path`, percent-encoding (as UTF-8) what a URI path cannot hold
/// and keeping valid `%XX` escapes as written.
fn push_uri_path(path: &str, out: &mut String) {
    let b = path.as_bytes();
    if b.iter().all(|&c| is_path_char(c)) {
        out.push_str(path);
        return;
    }
    for (i, &c) in b.iter().enumerate() {
        if is_path_char(c) || is_escape_at(b, i) {
            out.push(c as char);
        } else {
            push_escape(out, c, HEX_UPPER);
        }
    }
}

/// The length [`push_uri_path`] writes for `path`.
fn uri_path_len(path: &str) -> usize {
    let b = path.as_bytes();
    (0..b.len())
        .map(|i| {
            if is_path_char(b[i]) || is_escape_at(b, i) {
                1
            } else {
                3
            }
        })
        .sum()
}

/// RFC 5849 §3.4.1.1: the three parts of the base string, each as it
/// appears before the final encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseStringParts {
    /// The method, upper-cased.
    pub method: String,
    /// The base string URI.
    pub base_uri: String,
    /// The normalized parameters.
    pub normalized_parameters: String,
}

/// RFC 5849 §3.4.1.1 step 1: the request method in upper case.
pub fn normalize_method(method: &str) -> String {
    method.to_ascii_uppercase()
}

/// RFC 5849 §3.4.1.1: `METHOD&encode(base-uri)&encode(normalized-params)`.
/// `method` must already be upper-cased; each part is encoded (§3.6) and
/// joined with `&`.
///
/// ```
/// use oauth1_doctor::base_string::base_string;
/// assert_eq!(base_string("GET", "http://example.com/", "n=v"),
///            "GET&http%3A%2F%2Fexample.com%2F&n%3Dv");
/// ```
pub fn base_string(method: &str, base_uri: &str, normalized_parameters: &str) -> String {
    base_string_bytes(method, base_uri, normalized_parameters.as_bytes())
}

/// [`base_string`] from normalized parameters held as bytes.
pub fn base_string_bytes(method: &str, base_uri: &str, normalized_parameters: &[u8]) -> String {
    let mut out = Vec::with_capacity(
        method.len() + 2 + base_uri.len() * 3 / 2 + normalized_parameters.len() * 3 / 2,
    );
    encode_to_vec(method.as_bytes(), &mut out);
    out.push(b'&');
    encode_to_vec(base_uri.as_bytes(), &mut out);
    out.push(b'&');
    encode_to_vec(normalized_parameters, &mut out);
    // Only ASCII was written, so this cannot fail.
    String::from_utf8(out).unwrap_or_default()
}

/// RFC 5849 §3.4.1.1 straight from the parameters, for a caller that
/// already holds the base string URI: [`base_string`] over
/// [`crate::params::normalize_bytes`], without the normalized string
/// becoming a `String` first. (The fused signing path,
/// [`crate::signer::Signer`], stands above this module and is checked
/// against it by a differential property test.)
pub fn base_string_from_params<'a>(
    method: &str,
    base_uri: &str,
    params: impl IntoIterator<Item = &'a crate::params::Param>,
) -> String {
    base_string_bytes(method, base_uri, &crate::params::normalize_bytes(params))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(u: &str) -> String {
        base_string_uri(u).unwrap().uri
    }

    /// RFC 5849 §3.4.1.2 worked examples.
    #[test]
    fn rfc5849_3_4_1_2_examples() {
        assert_eq!(
            uri("http://EXAMPLE.COM:80/r%20v/X?id=123"),
            "http://example.com/r%20v/X"
        );
        assert_eq!(
            uri("https://www.example.net:8080/?q=1"),
            "https://www.example.net:8080/"
        );
    }

    /// oauthlib's base_string_uri expectations (published test data).
    #[test]
    fn oauthlib_base_string_uri_cases() {
        let cases = [
            (
                "http://EXAMPLE.COM:80/r v/X?id=123",
                "http://example.com/r%20v/X",
            ),
            ("FOOBAR://www.example.com", "foobar://www.example.com/"),
            ("http://www.example.com:80/", "http://www.example.com/"),
            ("https://www.example.com:443/", "https://www.example.com/"),
            ("HTTP://www.example.com:443/", "http://www.example.com:443/"),
            ("HTTPS://www.example.com:80/", "https://www.example.com:80/"),
            ("http://www.example.com:/", "http://www.example.com/"),
            (
                "https://[123:db8:fd00:1000::5]:13000",
                "https://[123:db8:fd00:1000::5]:13000/",
            ),
            (
                "https://www.example.com/path#fragment",
                "https://www.example.com/path",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(uri(input), want, "base string URI of {input:?}");
        }
    }

    #[test]
    fn oauthlib_base_string_uri_errors() {
        for bad in ["", "http", "example.com", "http://", "http://:8080"] {
            assert!(base_string_uri(bad).is_err(), "{bad:?} should be rejected");
        }
        for port in ["0", "-1", "65536", "3.14", "BAD", "42:42"] {
            let u = format!("http://www.example.com:{port}/");
            let err = base_string_uri(&u).unwrap_err();
            assert!(err.to_string().contains("port"), "{u}: {err}");
        }
    }

    #[test]
    fn default_port_and_case_are_reported() {
        let b = base_string_uri("https://API.example.com:443/x").unwrap();
        let codes: Vec<_> = b.violations.iter().map(|v| v.code).collect();
        assert_eq!(codes, ["uppercase-host", "default-port-in-url"]);
    }

    #[test]
    fn path_escapes_kept_and_unicode_encoded() {
        assert_eq!(uri("http://x/a%2fb/ü c"), "http://x/a%2fb/%C3%BC%20c");
        assert_eq!(uri("http://x/100%"), "http://x/100%25");
    }

    #[test]
    fn fused_base_string_matches_the_two_step_one() {
        use crate::params::{normalize, Param, Source};
        let params = [
            Param::new("b", "x y&z=%", Source::Query),
            Param::new("a", "", Source::Body),
            Param::new("a", "é~", Source::Header),
            Param::new("c@", "1", Source::Query),
        ];
        assert_eq!(
            base_string_from_params("POST", "http://x/p", &params),
            base_string("POST", "http://x/p", &normalize(&params))
        );
    }

    /// wiki.oauth.net TestCases, "concatenate request elements".
    #[test]
    fn oauth_wiki_testcases_concatenation() {
        assert_eq!(
            base_string("GET", &uri("http://example.com"), "n=v"),
            "GET&http%3A%2F%2Fexample.com%2F&n%3Dv"
        );
    }
}
