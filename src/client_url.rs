//! What an HTTP client does to a URL before sending it, modelled on the
//! WHATWG URL Standard (the `url` crate, feature `whatwg`): browsers,
//! `fetch`, Node's `URL`, Python's `requests` and most HTTP libraries
//! parse the URL they are given and send its serialization.
//!
//! RFC 5849 §3.4.1.2 builds the base string URI from the request as the
//! server receives it. A signer that signs the URL as typed while its
//! HTTP client sends the normalized one (`url-normalized-after-signing`),
//! or that signs a normalized URL while the request goes out as typed
//! (`url-normalized-before-signing`), signs another base string URI. Only
//! the changes the base string URI sees matter here: an IDNA host
//! (UTS #46, `bücher.example` → `xn--bcher-kva.example`), dot segments
//! (`/a/./b/../c` → `/a/c`), `\` read as `/`, an IPv4 address in short
//! or hexadecimal form, tabs and newlines dropped. Percent-encoding of
//! spaces and non-ASCII in the path, upper-case hosts and default ports
//! change nothing there: §3.4.1.2 normalizes those itself.

use crate::base_string::base_string_uri;

/// The base string URI (RFC 5849 §3.4.1.2) of the URL a WHATWG-conformant
/// client sends for `url`, when it differs from the base string URI of
/// `url` as written; `None` when both are the same, when either does not
/// parse, or without the `whatwg` feature.
///
/// ```
/// use oauth1_doctor::client_url::normalized_base_uri;
/// # if cfg!(feature = "whatwg") {
/// assert_eq!(
///     normalized_base_uri("https://api.example.com/v1/./users/../items").as_deref(),
///     Some("https://api.example.com/v1/items")
/// );
/// // A space is percent-encoded by the client and by §3.4.1.2 alike.
/// assert_eq!(normalized_base_uri("https://api.example.com/a b"), None);
/// # }
/// ```
pub fn normalized_base_uri(url: &str) -> Option<String> {
    let sent = client_serialization(url)?;
    let as_written = base_string_uri(url).ok()?.uri;
    let as_sent = base_string_uri(&sent).ok()?.uri;
    (as_sent != as_written).then_some(as_sent)
}

/// The URL a WHATWG-conformant client sends for `url` (its
/// serialization, URL Standard §4.5), or `None` when it does not parse.
#[cfg(feature = "whatwg")]
pub fn client_serialization(url: &str) -> Option<String> {
    url::Url::parse(url).ok().map(String::from)
}

/// Without the `whatwg` feature there is no model of the client.
#[cfg(not(feature = "whatwg"))]
pub fn client_serialization(_url: &str) -> Option<String> {
    None
}

/// The host as a person writes it, when `host` holds IDNA A-labels
/// (`xn--…`, RFC 5890 §2.3.2.1): the U-label form a signer given the
/// typed URL would have signed before its client converted it (UTS #46
/// ToUnicode). `None` when there is nothing to convert, or without the
/// `whatwg` feature.
///
/// ```
/// use oauth1_doctor::client_url::unicode_host;
/// # if cfg!(feature = "whatwg") {
/// assert_eq!(unicode_host("xn--bcher-kva.example").as_deref(), Some("bücher.example"));
/// assert_eq!(unicode_host("api.example.com"), None);
/// # }
/// ```
#[cfg(feature = "whatwg")]
pub fn unicode_host(host: &str) -> Option<String> {
    if !host
        .split('.')
        .any(|label| label.len() > 4 && label[..4].eq_ignore_ascii_case("xn--"))
    {
        return None;
    }
    let (unicode, result) = idna::domain_to_unicode(host);
    (result.is_ok() && unicode != host.to_ascii_lowercase()).then_some(unicode)
}

/// Without the `whatwg` feature there is no model of the client.
#[cfg(not(feature = "whatwg"))]
pub fn unicode_host(_host: &str) -> Option<String> {
    None
}

#[cfg(all(test, feature = "whatwg"))]
mod tests {
    use super::*;

    /// URL Standard §4.4 (the basic URL parser): what changes the base
    /// string URI, and what RFC 5849 §3.4.1.2 normalizes anyway.
    #[test]
    fn what_the_client_changes() {
        let cases = [
            (
                "https://bücher.example/x",
                Some("https://xn--bcher-kva.example/x"),
            ),
            ("http://h.test/a/./b/../c", Some("http://h.test/a/c")),
            ("http://h.test/a\\b", Some("http://h.test/a/b")),
            ("http://0x7f.1/x", Some("http://127.0.0.1/x")),
            ("http://h.test/a\tb", Some("http://h.test/ab")),
            ("HTTP://H.TEST:80/a b?q=ü", None),
            ("https://h.test:443/%7Euser", None),
            ("https://h.test/ü", None),
        ];
        for (url, want) in cases {
            assert_eq!(normalized_base_uri(url).as_deref(), want, "{url:?}");
        }
        assert_eq!(normalized_base_uri("not a url"), None);
    }
}
