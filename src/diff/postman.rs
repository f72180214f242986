//! Postman's OAuth 1.0 helper: recognising a request it produced, and the
//! setting that explains a difference.
//!
//! Postman writes `Authorization: OAuth realm="…",oauth_consumer_key="…",…`
//! (a comma and no space, realm first) and exports cURL commands with
//! `--location`. Several of its settings depart from RFC 5849 or choose
//! between options the RFC leaves open; when the known-good request came
//! from Postman, naming the setting answers "which box made it work?".

use super::Finding;
use crate::hunt::catalogue;
use crate::request::{Format, ReadRequest};

/// *Add empty parameters to signature* (`addEmptyParamsToSign`).
pub const ADD_EMPTY_PARAMS: &str = catalogue::POSTMAN_ADD_EMPTY_PARAMS;
/// *Encode the parameters in the Authorization header* (`disableHeaderEncoding` off).
pub const ENCODE_HEADER: &str = catalogue::POSTMAN_ENCODE_HEADER;
/// *Include body hash* (`includeBodyHash`).
pub const INCLUDE_BODY_HASH: &str = catalogue::POSTMAN_INCLUDE_BODY_HASH;
/// *Add auth data to* Request Headers / Request URL / Request Body (`addParamsToHeader`).
pub const ADD_AUTH_DATA_TO: &str = catalogue::POSTMAN_ADD_AUTH_DATA_TO;

/// True when `read` (whose input text was `raw`) looks like it came from
/// Postman: a cURL export (`--location`), or an Authorization header in
/// Postman's style (`OAuth ` then `name="value"` pairs joined by a bare comma).
pub fn from_postman(read: &ReadRequest, raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(64 * 1024)]);
    if read.format == Format::Curl && text.contains("--location") {
        return true;
    }
    read.request
        .headers_named("authorization")
        .any(postman_header_style)
}

/// `OAuth realm="…",oauth_consumer_key="…"`: at least two parameters, all
/// separated by a comma with no space.
pub fn postman_header_style(value: &str) -> bool {
    let Some(rest) = value.trim().strip_prefix("OAuth ") else {
        return false;
    };
    rest.contains("\",") && !rest.contains("\", ") && rest.starts_with(['r', 'o'])
}

/// The Postman setting that explains `finding`, if one does: the setting
/// of the catalogue mistake it points at, else one for a plain difference.
pub fn setting_for(finding: &Finding) -> Option<&'static str> {
    if let Some(s) = finding
        .mistake
        .and_then(catalogue::mistake)
        .and_then(|m| m.postman)
    {
        return Some(s);
    }
    match finding.id {
        "empty-param-added" => Some(ADD_EMPTY_PARAMS),
        "body-hash-presence" => Some(INCLUDE_BODY_HASH),
        "header-value-not-encoded" => Some(ENCODE_HEADER),
        "param-encoding" if finding.location.contains("header") => Some(ENCODE_HEADER),
        "param-moved" if finding.category == super::Category::Oauth => Some(ADD_AUTH_DATA_TO),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_postman_header_style() {
        assert!(postman_header_style(
            r#"OAuth realm="123_SB1",oauth_consumer_key="k",oauth_token="t""#
        ));
        assert!(postman_header_style(
            r#"OAuth oauth_consumer_key="k",oauth_nonce="n""#
        ));
        assert!(!postman_header_style(
            r#"OAuth oauth_consumer_key="k", oauth_nonce="n""#
        ));
        assert!(!postman_header_style(r#"OAuth oauth_consumer_key="k""#));
    }
}
