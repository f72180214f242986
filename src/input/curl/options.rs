//! curl's options (curl(1)): which options exist, which take a value, and
//! what each does to the request that is signed (applied, skipped as
//! harmless, or refused as not modelled).

/// How a data option treats its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DataMode {
    /// `-d`, `--data`, `--data-ascii`: `@file` read with CR and LF removed.
    Ascii,
    /// `--data-binary`: `@file` read as is.
    Binary,
    /// `--data-raw`: no `@` processing.
    Raw,
    /// `--data-urlencode`: `content`, `=content`, `name=content`, `@file`, `name@file`.
    Urlencode,
    /// `--json`: like `--data-binary`, with JSON headers.
    Json,
}

/// What an option does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    Request,
    Header,
    Data(DataMode),
    Form {
        literal: bool,
    },
    Get,
    Head,
    Url,
    User,
    UserAgent,
    Referer,
    Cookie,
    UrlQuery,
    Globoff,
    PathAsIs,
    Bearer,
    /// Does not change the request that is signed.
    Ignore,
    /// Changes the request in a way this reader does not model.
    Unsupported(&'static str),
}

/// (long name, short letter, takes an argument, effect)
#[rustfmt::skip]
const OPTIONS: &[(&str, Option<char>, bool, Effect)] = &[
    ("request", Some('X'), true, Effect::Request),
    ("header", Some('H'), true, Effect::Header),
    ("data", Some('d'), true, Effect::Data(DataMode::Ascii)),
    ("data-ascii", None, true, Effect::Data(DataMode::Ascii)),
    ("data-binary", None, true, Effect::Data(DataMode::Binary)),
    ("data-raw", None, true, Effect::Data(DataMode::Raw)),
    ("data-urlencode", None, true, Effect::Data(DataMode::Urlencode)),
    ("json", None, true, Effect::Data(DataMode::Json)),
    ("form", Some('F'), true, Effect::Form { literal: false }),
    ("form-string", None, true, Effect::Form { literal: true }),
    ("get", Some('G'), false, Effect::Get),
    ("head", Some('I'), false, Effect::Head),
    ("url", None, true, Effect::Url),
    ("user", Some('u'), true, Effect::User),
    ("user-agent", Some('A'), true, Effect::UserAgent),
    ("referer", Some('e'), true, Effect::Referer),
    ("cookie", Some('b'), true, Effect::Cookie),
    ("url-query", None, true, Effect::UrlQuery),
    ("globoff", Some('g'), false, Effect::Globoff),
    ("path-as-is", None, false, Effect::PathAsIs),
    ("oauth2-bearer", None, true, Effect::Bearer),
    // Options that change the request in ways not modelled here.
    ("config", Some('K'), true, Effect::Unsupported("it reads more options from a file")),
    ("upload-file", Some('T'), true, Effect::Unsupported("it sends a file as the body with PUT")),
    ("request-target", None, true, Effect::Unsupported("it replaces the request target that is signed")),
    ("aws-sigv4", None, true, Effect::Unsupported("it adds an AWS Signature V4 Authorization header")),
    ("digest", None, false, Effect::Unsupported("it uses HTTP Digest authentication")),
    ("ntlm", None, false, Effect::Unsupported("it uses NTLM authentication")),
    ("ntlm-wb", None, false, Effect::Unsupported("it uses NTLM authentication")),
    ("negotiate", None, false, Effect::Unsupported("it uses SPNEGO authentication")),
    ("next", Some(':'), false, Effect::Unsupported("it starts a second request with other options")),
    ("variable", None, true, Effect::Unsupported("it defines variables expanded into the request")),
    ("expand-url", None, true, Effect::Unsupported("it expands variables into the URL")),
    ("expand-data", None, true, Effect::Unsupported("it expands variables into the body")),
    ("expand-header", None, true, Effect::Unsupported("it expands variables into a header")),
    // Options with an argument that do not change the signed request.
    ("output", Some('o'), true, Effect::Ignore),
    ("max-time", Some('m'), true, Effect::Ignore),
    ("connect-timeout", None, true, Effect::Ignore),
    ("retry", None, true, Effect::Ignore),
    ("retry-delay", None, true, Effect::Ignore),
    ("retry-max-time", None, true, Effect::Ignore),
    ("write-out", Some('w'), true, Effect::Ignore),
    ("proxy", Some('x'), true, Effect::Ignore),
    ("proxy-user", Some('U'), true, Effect::Ignore),
    ("proxy-header", None, true, Effect::Ignore),
    ("noproxy", None, true, Effect::Ignore),
    ("preproxy", None, true, Effect::Ignore),
    ("socks5", None, true, Effect::Ignore),
    ("socks5-hostname", None, true, Effect::Ignore),
    ("socks4", None, true, Effect::Ignore),
    ("socks4a", None, true, Effect::Ignore),
    ("cacert", None, true, Effect::Ignore),
    ("capath", None, true, Effect::Ignore),
    ("cert", Some('E'), true, Effect::Ignore),
    ("cert-type", None, true, Effect::Ignore),
    ("key", None, true, Effect::Ignore),
    ("key-type", None, true, Effect::Ignore),
    ("pass", None, true, Effect::Ignore),
    ("ciphers", None, true, Effect::Ignore),
    ("tls-max", None, true, Effect::Ignore),
    ("resolve", None, true, Effect::Ignore),
    ("connect-to", None, true, Effect::Ignore),
    ("dns-servers", None, true, Effect::Ignore),
    ("interface", None, true, Effect::Ignore),
    ("local-port", None, true, Effect::Ignore),
    ("unix-socket", None, true, Effect::Ignore),
    ("abstract-unix-socket", None, true, Effect::Ignore),
    ("max-redirs", None, true, Effect::Ignore),
    ("max-filesize", None, true, Effect::Ignore),
    ("limit-rate", None, true, Effect::Ignore),
    ("speed-limit", Some('Y'), true, Effect::Ignore),
    ("speed-time", Some('y'), true, Effect::Ignore),
    ("dump-header", Some('D'), true, Effect::Ignore),
    ("cookie-jar", Some('c'), true, Effect::Ignore),
    ("trace", None, true, Effect::Ignore),
    ("trace-ascii", None, true, Effect::Ignore),
    ("stderr", None, true, Effect::Ignore),
    ("range", Some('r'), true, Effect::Ignore),
    ("continue-at", Some('C'), true, Effect::Ignore),
    ("time-cond", Some('z'), true, Effect::Ignore),
    ("proto", None, true, Effect::Ignore),
    ("proto-redir", None, true, Effect::Ignore),
    ("proto-default", None, true, Effect::Ignore),
    ("keepalive-time", None, true, Effect::Ignore),
    ("expect100-timeout", None, true, Effect::Ignore),
    ("output-dir", None, true, Effect::Ignore),
    ("netrc-file", None, true, Effect::Ignore),
    ("quote", Some('Q'), true, Effect::Ignore),
    ("telnet-option", Some('t'), true, Effect::Ignore),
    ("ftp-port", Some('P'), true, Effect::Ignore),
    // Flags that do not change the signed request.
    ("location", Some('L'), false, Effect::Ignore),
    ("location-trusted", None, false, Effect::Ignore),
    ("silent", Some('s'), false, Effect::Ignore),
    ("show-error", Some('S'), false, Effect::Ignore),
    ("insecure", Some('k'), false, Effect::Ignore),
    ("include", Some('i'), false, Effect::Ignore),
    ("verbose", Some('v'), false, Effect::Ignore),
    ("compressed", None, false, Effect::Ignore),
    ("fail", Some('f'), false, Effect::Ignore),
    ("fail-with-body", None, false, Effect::Ignore),
    ("remote-name", Some('O'), false, Effect::Ignore),
    ("remote-header-name", Some('J'), false, Effect::Ignore),
    ("no-buffer", Some('N'), false, Effect::Ignore),
    ("progress-bar", Some('#'), false, Effect::Ignore),
    ("no-progress-meter", None, false, Effect::Ignore),
    ("ipv4", Some('4'), false, Effect::Ignore),
    ("ipv6", Some('6'), false, Effect::Ignore),
    ("http1.0", Some('0'), false, Effect::Ignore),
    ("http1.1", None, false, Effect::Ignore),
    ("http2", None, false, Effect::Ignore),
    ("http2-prior-knowledge", None, false, Effect::Ignore),
    ("http3", None, false, Effect::Ignore),
    ("http3-only", None, false, Effect::Ignore),
    ("tlsv1", Some('1'), false, Effect::Ignore),
    ("tlsv1.0", None, false, Effect::Ignore),
    ("tlsv1.1", None, false, Effect::Ignore),
    ("tlsv1.2", None, false, Effect::Ignore),
    ("tlsv1.3", None, false, Effect::Ignore),
    ("sslv2", Some('2'), false, Effect::Ignore),
    ("sslv3", Some('3'), false, Effect::Ignore),
    ("basic", None, false, Effect::Ignore),
    ("anyauth", None, false, Effect::Ignore),
    ("tcp-nodelay", None, false, Effect::Ignore),
    ("tcp-fastopen", None, false, Effect::Ignore),
    ("raw", None, false, Effect::Ignore),
    ("junk-session-cookies", Some('j'), false, Effect::Ignore),
    ("list-only", Some('l'), false, Effect::Ignore),
    ("netrc", Some('n'), false, Effect::Ignore),
    ("netrc-optional", None, false, Effect::Ignore),
    ("proxytunnel", Some('p'), false, Effect::Ignore),
    ("disable", Some('q'), false, Effect::Ignore),
    ("remote-time", Some('R'), false, Effect::Ignore),
    ("use-ascii", Some('B'), false, Effect::Ignore),
    ("manual", Some('M'), false, Effect::Ignore),
    ("version", Some('V'), false, Effect::Ignore),
    ("help", Some('h'), false, Effect::Ignore),
    ("parallel", Some('Z'), false, Effect::Ignore),
    ("append", Some('a'), false, Effect::Ignore),
    ("create-dirs", None, false, Effect::Ignore),
    ("ssl", None, false, Effect::Ignore),
    ("ssl-reqd", None, false, Effect::Ignore),
    ("ssl-no-revoke", None, false, Effect::Ignore),
    ("no-keepalive", None, false, Effect::Ignore),
    ("no-sessionid", None, false, Effect::Ignore),
    ("no-alpn", None, false, Effect::Ignore),
    ("no-npn", None, false, Effect::Ignore),
    ("proxy-insecure", None, false, Effect::Ignore),
    ("retry-connrefused", None, false, Effect::Ignore),
    ("retry-all-errors", None, false, Effect::Ignore),
    ("ignore-content-length", None, false, Effect::Ignore),
    ("fail-early", None, false, Effect::Ignore),
    ("post301", None, false, Effect::Ignore),
    ("post302", None, false, Effect::Ignore),
    ("post303", None, false, Effect::Ignore),
    ("styled-output", None, false, Effect::Ignore),
    ("suppress-connect-headers", None, false, Effect::Ignore),
    ("cert-status", None, false, Effect::Ignore),
    ("false-start", None, false, Effect::Ignore),
    ("xattr", None, false, Effect::Ignore),
];

pub(super) fn lookup_long(name: &str) -> Option<(bool, Effect)> {
    OPTIONS
        .iter()
        .find(|(long, ..)| *long == name)
        .map(|(_, _, arg, e)| (*arg, *e))
}

pub(super) fn lookup_short(c: char) -> Option<(&'static str, bool, Effect)> {
    OPTIONS
        .iter()
        .find(|(_, short, ..)| *short == Some(c))
        .map(|(long, _, arg, e)| (*long, *arg, *e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lookup takes the first entry that matches, so a name or letter
    /// listed twice would silently hide the second entry.
    #[test]
    fn every_long_name_and_short_letter_is_listed_once() {
        for (i, (long, short, ..)) in OPTIONS.iter().enumerate() {
            let later = &OPTIONS[i + 1..];
            assert!(
                !later.iter().any(|(l, ..)| l == long),
                "--{long} is listed twice"
            );
            if let Some(c) = short {
                assert!(
                    !later.iter().any(|(_, s, ..)| s == short),
                    "-{c} is listed twice"
                );
                assert_eq!(lookup_short(*c).map(|(l, ..)| l), Some(*long));
            }
            assert!(lookup_long(long).is_some(), "--{long}");
        }
    }
}
