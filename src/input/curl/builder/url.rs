//! The URL curl requests: scheme, `-G` data and `--url-query` appended,
//! and what curl or Postman would change in it.

use super::Builder;
use crate::error::Violation;
use crate::input::curl::lexer::Word;

impl Builder<'_> {
    /// The URL curl requests: scheme guessed, `-G` data and `--url-query`
    /// appended, Postman's quirks read as Postman meant them.
    pub(super) fn url(
        &self,
        word: &Word,
        extra: &str,
        violations: &mut Vec<Violation>,
        assumptions: &mut Vec<String>,
    ) -> String {
        let mut url = word.text();
        if !url.contains("://") {
            url = format!("http://{url}");
            assumptions.push("the URL has no scheme: curl uses http://".into());
        }
        let (mut head, fragment) = match url.find('#') {
            Some(p) => (url[..p].to_string(), url[p..].to_string()),
            None => (url.clone(), String::new()),
        };
        if !extra.is_empty() {
            head.push(if head.contains('?') { '&' } else { '?' });
            head.push_str(extra);
        }
        if let Some(q) = head.find('?') {
            let (path, query) = head.split_at(q + 1);
            let mut nulls = Vec::new();
            let parts: Vec<String> = query
                .split('&')
                .map(|p| match p.strip_suffix("=null") {
                    Some(k) if !k.is_empty() && !k.contains('=') => {
                        nulls.push(k.to_string());
                        k.to_string()
                    }
                    _ => p.to_string(),
                })
                .collect();
            if !nulls.is_empty() && self.postman_shape {
                violations.push(Violation::new(
                    "postman-null-query-value",
                    "Postman cURL export",
                    format!("query {} written as key=null: Postman exports a query key that has no value this way, so it is read as the key alone (signed as key=); curl itself would send the literal value null", nulls.join(", ")),
                ));
                head = format!("{path}{}", parts.join("&"));
            } else if !nulls.is_empty() {
                violations.push(Violation::new(
                    "postman-null-query-value",
                    "Postman cURL export",
                    format!("query {} has the value null: Postman exports a key that has no value this way, but without Postman's --location this command is read as written", nulls.join(", ")),
                ));
            }
            let reencoded = [
                "%27", "%2F", "%3D", "%3A", "%40", "%2C", "%21", "%28", "%29", "%2A",
            ];
            if parts
                .iter()
                .any(|p| reencoded.iter().any(|r| p.to_ascii_uppercase().contains(r)))
            {
                violations.push(Violation::new(
                    "postman-reencoded-query",
                    "Postman cURL export",
                    "the query holds percent-encoded characters that Postman's exporter re-encodes (' / = : @ , ! ( ) *): the URL may not be byte-identical to the one Postman sent, but the decoded parameters, and so the signature, are the same",
                ));
            }
        }
        if !self.globoff && head.contains(['[', ']', '{', '}']) {
            violations.push(Violation::new(
                "curl-url-globbing",
                "curl(1)",
                "the URL holds [ ] { }, which curl expands as a glob pattern unless -g/--globoff is given; read literally",
            ));
        }
        if !self.path_as_is {
            let path = head
                .split_once("://")
                .map_or("", |(_, r)| r.find('/').map_or("", |p| &r[p..]));
            let path = path.split('?').next().unwrap_or("");
            if path.split('/').any(|s| s == "." || s == "..") {
                violations.push(Violation::new(
                    "curl-dot-segments",
                    "curl(1)",
                    "the path holds . or .. segments, which curl removes before sending unless --path-as-is is given; read as written",
                ));
            }
        }
        head.push_str(&fragment);
        head
    }
}

#[cfg(test)]
mod tests {
    use crate::input::curl::test_util::{codes, one};

    #[test]
    fn get_moves_data_to_the_query() {
        let r = one("curl -G -d a=1 --data-urlencode 'b=x y' 'https://h/p?z=0'");
        assert_eq!(r.request.method, "GET");
        assert_eq!(r.request.url, "https://h/p?z=0&a=1&b=x%20y");
        assert!(r.request.body.is_empty());
        assert!(r.request.header("content-type").is_none());
    }

    #[test]
    fn url_query_encodes_unless_plus() {
        let r = one("curl --url-query 'a=b c' --url-query '+x=%20' 'http://h/p?z=1'");
        assert_eq!(r.request.url, "http://h/p?z=1&a=b%20c&x=%20");
        assert_eq!(r.request.method, "GET");
    }

    #[test]
    fn postman_quirks_are_read_as_meant() {
        let r = one("curl --location \"http://h/p?a=b\\!&flag=null&s=%2F\"");
        assert_eq!(r.request.url, "http://h/p?a=b!&flag&s=%2F");
        let c = codes(&r);
        assert!(c.contains(&"postman-escaped-bang"), "{c:?}");
        assert!(c.contains(&"postman-null-query-value"), "{c:?}");
        assert!(c.contains(&"postman-reencoded-query"), "{c:?}");
    }

    #[test]
    fn scheme_less_url_gets_http() {
        let r = one("curl example.com/x");
        assert_eq!(r.request.url, "http://example.com/x");
        assert!(r.assumptions[0].contains("http://"));
    }
}
