//! API keys: a key the provider names, sent in a header of its choosing
//! (`X-API-Key`, `Ocp-Apim-Subscription-Key`, …) or a query parameter
//! (`api_key=`). No RFC defines them; the provider's documentation does,
//! so only what is wrong whatever the provider says is named here.

use super::{
    key_headers, key_params, partial, split_scheme, SchemeOptions, SchemeReport, SchemeSecrets,
};
use crate::error::Violation;
use crate::request::Request;
use serde::Serialize;

/// Where a key is sent.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyUse {
    /// Each place a key is sent: `header X-API-Key`, `query parameter api_key`, `Authorization header`.
    pub carriers: Vec<String>,
    /// The key: its first and last four characters unless secrets are shown.
    pub key: String,
}

/// API keys (and the mistakes people make with them) into `r`.
pub(super) fn analyze(
    request: &Request,
    secrets: &SchemeSecrets,
    options: SchemeOptions,
    r: &mut SchemeReport,
) {
    let mut found: Vec<(String, String)> = Vec::new();
    if let Some(value) = request.header("authorization") {
        let (scheme, rest) = split_scheme(value);
        let key = if rest.trim().is_empty() {
            scheme
        } else {
            rest.trim()
        };
        found.push(("Authorization header".into(), key.to_string()));
    }
    for (name, value) in key_headers(request) {
        found.push((format!("header {name}"), value.trim().to_string()));
    }
    for (name, value) in key_params(&request.url) {
        found.push((format!("query parameter {name}"), value));
    }
    let mut carriers: Vec<String> = found.iter().map(|(c, _)| c.clone()).collect();
    carriers.dedup();
    if found.len() > 1 {
        let same = found.iter().skip(1).any(|(_, k)| k == &found[0].1);
        let message = if same {
            format!(
                "the same key is sent {} times ({}): providers that read one place may reject the request as ambiguous; send it once, where the provider's documentation says",
                found.len(),
                carriers.join(", ")
            )
        } else {
            format!(
                "{} different keys are sent ({}): the provider reads one of them; send only the one its documentation names",
                found.len(),
                carriers.join(", ")
            )
        };
        r.violations.push(Violation::new(
            "api-key-sent-twice",
            "provider documentation",
            message,
        ));
    }
    if let Some(want) = &secrets.api_key {
        let there = found.iter().find(|(_, k)| k == want.expose());
        r.compare("API key", there.is_some());
        if let Some((carrier, _)) = there {
            if carrier == "Authorization header" {
                r.violations.push(Violation::new(
                    "api-key-in-authorization",
                    "RFC 7235 §4.2",
                    "the key is sent in `Authorization`, where a scheme (`Basic`, `Bearer`) is expected; if the provider's example puts it in its own header (e.g. `X-API-Key`), send it there",
                ));
            }
        }
    }
    let key = found.first().map(|(_, k)| k.as_str()).unwrap_or_default();
    r.api_key = Some(ApiKeyUse {
        carriers,
        key: partial(key, options.show_secrets),
    });
}

#[cfg(test)]
mod tests {
    use super::super::{analyze as run, SchemeOptions, SchemeSecrets};
    use crate::request::Request;

    #[test]
    fn a_key_sent_twice_is_named() {
        let r = Request::new(
            "GET",
            "https://api.example.com/v1?api_key=k_1234567890abcdef",
        )
        .with_header("X-API-Key", "k_1234567890abcdef");
        let report = run(&r, &SchemeSecrets::default(), SchemeOptions::default());
        let codes: Vec<_> = report.violations.iter().map(|v| v.code).collect();
        assert_eq!(codes, ["api-key-sent-twice"]);
        assert_eq!(
            report.api_key.unwrap().carriers,
            ["header X-API-Key", "query parameter api_key"]
        );
    }

    #[test]
    fn a_key_in_authorization_is_named_when_the_key_is_known() {
        let r = Request::new("GET", "https://api.example.com/v1")
            .with_header("Authorization", "k_1234567890abcdef");
        let secrets = SchemeSecrets {
            api_key: Some("k_1234567890abcdef".into()),
            ..Default::default()
        };
        let report = run(&r, &secrets, SchemeOptions::default());
        assert_eq!(report.verified, Some(true));
        assert_eq!(report.violations[0].code, "api-key-in-authorization");
    }
}
