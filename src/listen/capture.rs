//! Requests as received: where one raw HTTP/1.1 request ends in the bytes
//! a connection delivered (RFC 9112 §6), the request line rewritten with an
//! absolute target for recording, and the `--as URL` rewrite.

use crate::error::ParseError;
use crate::uri::{split_url, UrlParts};

/// The length of the first whole request in `buf` (leading blank lines
/// included), or `None` when `buf` does not hold one whole request yet or
/// its framing cannot be read. RFC 9112 §6.3: a request's body is framed by
/// `Transfer-Encoding: chunked` (§7.1), else by `Content-Length`, else it
/// has none.
pub fn raw_request_len(buf: &[u8]) -> Option<usize> {
    let start = buf.iter().position(|b| !matches!(b, b'\r' | b'\n'))?;
    let head_end = find_head_end(&buf[start..])? + start;
    let mut headers = [httparse::EMPTY_HEADER; 256];
    let mut req = httparse::Request::new(&mut headers);
    // Only the framing headers matter here; the reader re-parses the head.
    let parsed = req.parse(&buf[start..head_end]).ok()?;
    if parsed.is_partial() {
        return None;
    }
    let mut chunked = false;
    let mut length: Option<usize> = None;
    for h in req.headers.iter() {
        let value = std::str::from_utf8(h.value).ok()?;
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            chunked |= value.to_ascii_lowercase().contains("chunked");
        } else if h.name.eq_ignore_ascii_case("content-length") {
            length = Some(value.trim().parse().ok()?);
        }
    }
    if chunked {
        return chunked_len(&buf[head_end..]).map(|n| head_end + n);
    }
    let end = head_end.checked_add(length.unwrap_or(0))?;
    (end <= buf.len()).then_some(end)
}

/// RFC 9112 §2.1: the end of the head (after the blank line; a bare LF is
/// accepted as a line ending, RFC 9112 §2.2).
fn find_head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'\n', &buf[i..]) {
        let nl = i + p;
        let rest = &buf[nl + 1..];
        if rest.starts_with(b"\r\n") {
            return Some(nl + 3);
        }
        if rest.starts_with(b"\n") {
            return Some(nl + 2);
        }
        i = nl + 1;
    }
    None
}

/// RFC 9112 §7.1: the length of a chunked body (chunks, the last chunk,
/// trailer fields and the closing blank line).
fn chunked_len(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        let line_end = i + memchr::memchr(b'\n', &buf[i..])?;
        let line = std::str::from_utf8(&buf[i..line_end]).ok()?;
        let size = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size, 16).ok()?;
        i = line_end + 1;
        if size == 0 {
            // Trailer fields up to an empty line.
            loop {
                let end = i + memchr::memchr(b'\n', &buf[i..])?;
                let empty = buf[i..end].iter().all(|&b| b == b'\r');
                i = end + 1;
                if empty {
                    return Some(i);
                }
            }
        }
        i = i.checked_add(size)?;
        // The CRLF after the chunk's data.
        let end = i + memchr::memchr(b'\n', buf.get(i..)?)?;
        i = end + 1;
    }
}

/// The raw request with its request target replaced by `url` (absolute
/// form, RFC 9112 §3.2.2), every other byte kept: a recorded file then
/// names the URL the server verified, whatever scheme and host the tool
/// connected to.
pub fn with_absolute_target(raw: &[u8], url: &str) -> Vec<u8> {
    let start = raw
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(0);
    let line_end = memchr::memchr(b'\n', &raw[start..]).map_or(raw.len(), |p| start + p);
    let line = &raw[start..line_end];
    let Some(sp1) = memchr::memchr(b' ', line) else {
        return raw.to_vec();
    };
    let Some(sp2) = memchr::memchr(b' ', &line[sp1 + 1..]).map(|p| sp1 + 1 + p) else {
        return raw.to_vec();
    };
    let mut out = Vec::with_capacity(raw.len() + url.len());
    out.extend_from_slice(&raw[..start + sp1 + 1]);
    out.extend_from_slice(url.as_bytes());
    out.extend_from_slice(&raw[start + sp2..]);
    out
}

/// The API a tool signed for (`--as URL`): scheme, authority and path
/// prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsUrl {
    /// `https://api.vendor.com` (scheme and authority as given, lower-case scheme).
    origin: String,
    /// `/v1` (no trailing slash; empty for the root).
    prefix: String,
}

/// Why `--as URL` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AsUrlError {
    /// Not an absolute `http` or `https` URL.
    #[error("--as needs an absolute http:// or https:// URL (e.g. https://api.vendor.com/v1)")]
    NotAbsolute,
    /// It carries a query or fragment.
    #[error("--as takes a scheme, host, port and path prefix, without a query or fragment")]
    HasQuery,
    /// The URL could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

impl AsUrl {
    /// Reads `--as URL`.
    pub fn parse(url: &str) -> Result<AsUrl, AsUrlError> {
        let parts = split_url(url)?;
        let scheme = parts.scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" || parts.host.is_empty() {
            return Err(AsUrlError::NotAbsolute);
        }
        if parts.query.is_some() || parts.fragment.is_some() {
            return Err(AsUrlError::HasQuery);
        }
        Ok(AsUrl {
            origin: format!("{scheme}://{}", authority(&parts)),
            prefix: parts.path.trim_end_matches('/').to_string(),
        })
    }

    /// The URL as given (origin and path prefix).
    pub fn as_str(&self) -> String {
        format!("{}{}", self.origin, self.prefix)
    }
}

/// RFC 5849 §3.4.1.2: the base string URI is built from the URL the
/// signer targeted, so a request received here is verified as if it had
/// been sent to `as_url`: its scheme and authority are replaced, and the
/// path prefix is put in front of the received path unless the path
/// already starts with it (a tool configured with the prefix on the local
/// URL). The query is kept exactly as received.
///
/// ```
/// use oauth1_doctor::listen::{rewrite_as, AsUrl};
/// let api = AsUrl::parse("https://api.vendor.com/v1").unwrap();
/// assert_eq!(
///     rewrite_as("http://127.0.0.1:8765/items?a=1", &api),
///     "https://api.vendor.com/v1/items?a=1"
/// );
/// assert_eq!(
///     rewrite_as("http://127.0.0.1:8765/v1/items", &api),
///     "https://api.vendor.com/v1/items"
/// );
/// ```
pub fn rewrite_as(received: &str, as_url: &AsUrl) -> String {
    let Ok(parts) = split_url(received) else {
        return received.to_string();
    };
    let path = if parts.path.is_empty() {
        "/"
    } else {
        parts.path
    };
    let prefixed = as_url.prefix.is_empty()
        || path == as_url.prefix
        || path
            .strip_prefix(as_url.prefix.as_str())
            .is_some_and(|rest| rest.starts_with('/'));
    let mut out = as_url.origin.clone();
    if !prefixed {
        out.push_str(&as_url.prefix);
    }
    out.push_str(path);
    if let Some(q) = parts.query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// RFC 3986 §3.2: `host[:port]` as written (user information is dropped:
/// a signer does not sign it, RFC 5849 §3.4.1.2).
fn authority(parts: &UrlParts<'_>) -> String {
    match parts.port {
        Some(port) => format!("{}:{port}", parts.host),
        None => parts.host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_frames_the_body_and_leaves_the_next_request() {
        let two =
            b"POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n";
        let n = raw_request_len(two).unwrap();
        assert_eq!(
            &two[..n],
            b"POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
        );
        assert_eq!(raw_request_len(&two[n..]), Some(two.len() - n));
    }

    /// RFC 9112 §7.1: chunks, an extension, a trailer field.
    #[test]
    fn chunked_framing_with_extensions_and_trailers() {
        let r = b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\nnext";
        assert_eq!(raw_request_len(r), Some(r.len() - 4));
        assert_eq!(raw_request_len(&r[..r.len() - 8]), None);
    }

    #[test]
    fn an_incomplete_request_has_no_length() {
        assert_eq!(raw_request_len(b"GET / HTTP/1.1\r\nHost"), None);
        assert_eq!(
            raw_request_len(b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc"),
            None
        );
        assert_eq!(
            raw_request_len(b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
            None
        );
    }

    #[test]
    fn the_target_becomes_absolute_and_nothing_else_changes() {
        let raw = b"\r\nGET /p?q=1 HTTP/1.1\r\nhOsT: 127.0.0.1:9\r\n\r\n";
        assert_eq!(
            with_absolute_target(raw, "https://api.x/v1/p?q=1"),
            b"\r\nGET https://api.x/v1/p?q=1 HTTP/1.1\r\nhOsT: 127.0.0.1:9\r\n\r\n"
        );
    }

    #[test]
    fn as_url_keeps_port_and_refuses_queries() {
        let a = AsUrl::parse("HTTPS://Api.X:8443/v1/").unwrap();
        assert_eq!(a.as_str(), "https://Api.X:8443/v1");
        assert_eq!(
            rewrite_as("http://127.0.0.1:1", &a),
            "https://Api.X:8443/v1/"
        );
        assert_eq!(
            rewrite_as("http://127.0.0.1:1/v10", &a),
            "https://Api.X:8443/v1/v10"
        );
        assert_eq!(AsUrl::parse("https://x/?a=1"), Err(AsUrlError::HasQuery));
        assert_eq!(AsUrl::parse("ftp://x/"), Err(AsUrlError::NotAbsolute));
        assert!(AsUrl::parse("not a url").is_err());
    }
}
