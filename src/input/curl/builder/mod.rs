//! The request builder: applies each option curl would, then builds the
//! request(s) curl sends, one per URL, with the method curl picks.
//!
//! The body (data and multipart form) is in `body`, the headers in
//! `headers`, the URL in `url`.

mod body;
mod headers;
mod url;

pub use body::FORM_BOUNDARY;

use super::lexer::{Lexed, Word};
use super::options::{lookup_long, lookup_short, DataMode, Effect};
use super::{err, MAX_URLS};
use crate::error::{ParseError, ParseErrorKind, Span, Violation};
use crate::input::{Files, MAX_INPUT};
use crate::request::{Format, ReadRequest, Request};
use body::FormPart;
use std::collections::{HashMap, HashSet};

/// Collects the effect of every option, then builds the request(s).
pub(super) struct Builder<'a> {
    text: &'a str,
    files: &'a dyn Files,
    words: Vec<Word>,
    file_cache: HashMap<String, Vec<u8>>,
    read_total: usize,
    /// The option being applied (`-d`, `--header`), for the assumptions.
    option: String,
    method: Option<String>,
    urls: Vec<Word>,
    headers: Vec<(String, String)>,
    /// Lower-cased names of headers curl must not add (`-H 'Name:'`).
    removed: HashSet<String>,
    data: Vec<Vec<u8>>,
    data_len: usize,
    json: bool,
    form: Vec<FormPart>,
    form_span: Option<Span>,
    data_span: Option<Span>,
    url_query: Vec<Vec<u8>>,
    get: bool,
    head: bool,
    globoff: bool,
    path_as_is: bool,
    user: Option<String>,
    user_agent: Option<String>,
    referer: Option<String>,
    cookie: Option<String>,
    bearer: Option<String>,
    unknown: Vec<String>,
    /// `--location` written out, as Postman's exporter does by default.
    postman_shape: bool,
    violations: Vec<Violation>,
    assumptions: Vec<String>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(text: &'a str, files: &'a dyn Files, lexed: Lexed) -> Builder<'a> {
        Builder {
            text,
            files,
            words: lexed.words,
            file_cache: HashMap::new(),
            read_total: 0,
            option: String::new(),
            method: None,
            urls: Vec::new(),
            headers: Vec::new(),
            removed: HashSet::new(),
            data: Vec::new(),
            data_len: 0,
            json: false,
            form: Vec::new(),
            form_span: None,
            data_span: None,
            url_query: Vec::new(),
            get: false,
            head: false,
            globoff: false,
            path_as_is: false,
            user: None,
            user_agent: None,
            referer: None,
            cookie: None,
            bearer: None,
            unknown: Vec::new(),
            postman_shape: false,
            violations: lexed.violations,
            assumptions: Vec::new(),
        }
    }

    fn error(&self, kind: ParseErrorKind, span: Span) -> ParseError {
        err(self.text, kind, span)
    }

    pub(super) fn build(mut self) -> Result<Vec<ReadRequest>, ParseError> {
        let mut words = std::mem::take(&mut self.words);
        // A shell prompt pasted along with the command.
        if words.len() > 1 && matches!(words[0].bytes.as_slice(), b"$" | b">" | b"%" | b"PS>") {
            words.remove(0);
        }
        self.program(&words)?;
        let mut k = 1;
        while k < words.len() {
            let w = &words[k];
            let t = w.text();
            if t.starts_with("--") && t.len() > 2 {
                k = self.long_option(&words, k, &t)?;
            } else if t.starts_with('-') && t.len() > 1 {
                k = self.short_options(&words, k)?;
            } else {
                self.urls.push(w.clone());
                k += 1;
            }
        }
        self.finish(&words)
    }

    /// The first word must be the command curl (with any path, or `curl.exe`).
    fn program(&self, words: &[Word]) -> Result<(), ParseError> {
        let Some(first) = words.first() else {
            return Err(self
                .error(
                    ParseErrorKind::Missing {
                        what: "curl command (the input is empty)".into(),
                    },
                    Span::at(0),
                )
                .with_hint("paste the whole command, starting with curl"));
        };
        let program = first.text();
        let base = program.rsplit(['/', '\\']).next().unwrap_or("");
        if !(base.eq_ignore_ascii_case("curl") || base.eq_ignore_ascii_case("curl.exe")) {
            return Err(self
                .error(
                    ParseErrorKind::Expected {
                        expected: "the command curl".into(),
                        found: format!("{program:?}"),
                    },
                    first.span,
                )
                .with_hint(
                    "the input must be a curl command line, e.g. curl --request POST 'https://…'",
                ));
        }
        Ok(())
    }

    /// A long option at `words[k]` (`--name`, `--name=value`, `--no-name`)
    /// and its argument, applied; returns the index of the next word.
    fn long_option(&mut self, words: &[Word], mut k: usize, t: &str) -> Result<usize, ParseError> {
        let w = &words[k];
        let (name, inline) = match t[2..].split_once('=') {
            Some((n, v)) if lookup_long(n).is_some() => (n.to_string(), Some(v.to_string())),
            _ => (t[2..].to_string(), None),
        };
        let looked = lookup_long(&name).or_else(|| {
            // --no-<flag> turns a flag off: never changes the signed request here.
            name.strip_prefix("no-")
                .and_then(lookup_long)
                .filter(|(arg, _)| !arg)
                .map(|_| (false, Effect::Ignore))
        });
        if name == "location" {
            self.postman_shape = true;
        }
        let Some((takes_arg, effect)) = looked else {
            self.unknown.push(t.to_string());
            return Ok(k + 1);
        };
        if takes_arg {
            let arg = match inline {
                Some(v) => {
                    self.violations.push(Violation::new(
                        "curl-option-equals",
                        "curl(1)",
                        format!("curl does not accept --{name}=value (it would say the option is unknown); read as --{name} {v:?}"),
                    ));
                    Word {
                        bytes: v.into_bytes(),
                        span: w.span,
                    }
                }
                None => {
                    k += 1;
                    self.argument(words, k, w, &format!("--{name}"))?
                }
            };
            self.apply(effect, &format!("--{name}"), w.span, Some(arg))?;
        } else {
            self.apply(effect, &format!("--{name}"), w.span, None)?;
        }
        Ok(k + 1)
    }

    /// Short options at `words[k]` (`-X POST`, `-XPOST`, `-sSL`) and the
    /// argument of the last one, applied; returns the index of the next word.
    fn short_options(&mut self, words: &[Word], mut k: usize) -> Result<usize, ParseError> {
        let w = &words[k];
        // Short options are ASCII letters, possibly clustered (-sSL, -XPOST).
        let mut c = 1;
        while c < w.bytes.len() {
            let letter = w.bytes[c] as char;
            let looked = lookup_short(letter).filter(|_| w.bytes[c].is_ascii());
            let Some((long, takes_arg, effect)) = looked else {
                self.unknown
                    .push(format!("-{}", String::from_utf8_lossy(&w.bytes[c..c + 1])));
                c += 1;
                continue;
            };
            if takes_arg {
                let rest_at = c + 1;
                let arg = if rest_at < w.bytes.len() {
                    // -XPOST, -H'…': the rest of the word is the argument.
                    Word {
                        bytes: w.bytes[rest_at..].to_vec(),
                        span: w.span,
                    }
                } else {
                    k += 1;
                    self.argument(words, k, w, &format!("-{letter} (--{long})"))?
                };
                self.apply(effect, &format!("-{letter}"), w.span, Some(arg))?;
                break;
            }
            self.apply(effect, &format!("-{letter}"), w.span, None)?;
            c += 1;
        }
        Ok(k + 1)
    }

    fn argument(
        &self,
        words: &[Word],
        k: usize,
        option: &Word,
        name: &str,
    ) -> Result<Word, ParseError> {
        words.get(k).cloned().ok_or_else(|| {
            self.error(
                ParseErrorKind::Expected {
                    expected: format!("an argument after {name}"),
                    found: "the end of the command".into(),
                },
                option.span,
            )
            .with_hint(format!(
                "{name} takes a value, e.g. {name} 'value'; quote it if it has spaces"
            ))
        })
    }

    /// The content of `path`, through [`Files`], counted against [`MAX_INPUT`].
    /// Each file read is listed in the assumptions, with its size and how
    /// its path was resolved, since its content becomes part of the request.
    fn file(&mut self, path: &str, span: Span) -> Result<Vec<u8>, ParseError> {
        if let Some(c) = self.file_cache.get(path) {
            return Ok(c.clone());
        }
        let content = self.files.read(path).map_err(|reason| {
            self.error(
                ParseErrorKind::Invalid {
                    what: format!("@{path}"),
                    reason,
                },
                span,
            )
            .with_hint("use --data-raw to send a literal @")
        })?;
        self.read_total += content.len();
        if self.read_total > MAX_INPUT {
            return Err(self.error(
                ParseErrorKind::Invalid {
                    what: format!("@{path}"),
                    reason: format!(
                        "the files the command reads add up to more than the {MAX_INPUT}-byte (16 MiB) limit"
                    ),
                },
                span,
            ));
        }
        let how = self
            .files
            .describe(path)
            .map(|d| format!(", {d}"))
            .unwrap_or_default();
        self.assumptions.push(format!(
            "read @{path} ({} bytes) for {}{how}",
            content.len(),
            self.option
        ));
        self.file_cache.insert(path.to_string(), content.clone());
        Ok(content)
    }

    fn apply(
        &mut self,
        effect: Effect,
        name: &str,
        span: Span,
        arg: Option<Word>,
    ) -> Result<(), ParseError> {
        let arg_span = arg.as_ref().map_or(span, |a| a.span);
        name.clone_into(&mut self.option);
        let text = arg.as_ref().map(Word::text).unwrap_or_default();
        let bytes = arg.map(|a| a.bytes).unwrap_or_default();
        match effect {
            Effect::Request => self.method = Some(text),
            Effect::Header => self.header(&text, arg_span)?,
            Effect::Data(mode) => {
                self.data_span.get_or_insert(arg_span);
                let part = self.data(mode, &bytes, arg_span)?;
                // Repeated --json pieces are concatenated; other data is joined with `&`.
                let glue = !(mode == DataMode::Json && self.json);
                self.add_data(part, glue, arg_span)?;
                if mode == DataMode::Json {
                    self.json = true;
                }
            }
            Effect::Form { literal } => {
                self.form_span.get_or_insert(arg_span);
                let part = self.form_part(&text, literal, arg_span)?;
                self.form.push(part);
            }
            Effect::Get => self.get = true,
            Effect::Head => self.head = true,
            Effect::Url => self.urls.push(Word {
                bytes,
                span: arg_span,
            }),
            Effect::User => self.user = Some(text),
            Effect::UserAgent => self.user_agent = Some(text),
            Effect::Referer => self.referer = Some(text),
            Effect::Cookie => self.cookie = Some(text),
            Effect::UrlQuery => {
                // `+text` is added as is; anything else as --data-urlencode encodes it.
                let part = match bytes.strip_prefix(b"+") {
                    Some(raw) => raw.to_vec(),
                    None => self.data(DataMode::Urlencode, &bytes, arg_span)?,
                };
                self.url_query.push(part);
            }
            Effect::Globoff => self.globoff = true,
            Effect::PathAsIs => self.path_as_is = true,
            Effect::Bearer => self.bearer = Some(text),
            Effect::Ignore => {}
            Effect::Unsupported(why) => {
                return Err(self
                    .error(
                        ParseErrorKind::Invalid {
                            what: format!("option {name}"),
                            reason: format!("{why}, which changes the request that is signed"),
                        },
                        span,
                    )
                    .with_hint("remove it, or give the request as raw HTTP or HAR instead"))
            }
        }
        Ok(())
    }

    fn finish(mut self, words: &[Word]) -> Result<Vec<ReadRequest>, ParseError> {
        let end = words.last().map_or(0, |w| w.span.end);
        if self.urls.is_empty() {
            return Err(self
                .error(
                    ParseErrorKind::Missing { what: "URL".into() },
                    Span::at(end),
                )
                .with_hint("put the URL after curl (curl 'https://…') or use --url"));
        }
        if !self.unknown.is_empty() {
            self.violations.push(Violation::new(
                "curl-unknown-options",
                "curl(1)",
                format!(
                    "options this reader does not know were skipped: {}",
                    self.unknown.join(", ")
                ),
            ));
        }
        let has_data = !self.data.is_empty();
        self.check_combinations(has_data)?;
        let data = self.data.join(&b'&');
        let default_method = if self.head {
            "HEAD"
        } else if self.get {
            "GET"
        } else if has_data || !self.form.is_empty() {
            "POST"
        } else {
            "GET"
        };
        let method = self.method.clone().unwrap_or_else(|| default_method.into());

        // Headers curl adds itself that matter here.
        let body = self.body(has_data, &data);
        self.option_headers();
        self.requests(method, body, &data)
    }

    /// Options curl refuses to combine: `-F` with `-d`, `-G` or `-I`; `-I`
    /// with `-d` unless `-G` moves the data to the query.
    fn check_combinations(&self, has_data: bool) -> Result<(), ParseError> {
        if !self.form.is_empty() && (has_data || self.get || self.head) {
            let span = self.form_span.unwrap_or_default();
            return Err(self
                .error(
                    ParseErrorKind::Invalid {
                        what: "combination of options".into(),
                        reason: "-F (multipart) cannot be combined with -d, -G or -I; curl refuses: \"You can only select one HTTP request method!\"".into(),
                    },
                    span,
                )
                .with_hint("keep either the -d options or the -F options"));
        }
        if self.head && has_data && !self.get {
            let span = self.data_span.unwrap_or_default();
            return Err(self
                .error(
                    ParseErrorKind::Invalid {
                        what: "combination of options".into(),
                        reason: "-I (HEAD) cannot be combined with -d unless -G moves the data to the query; curl refuses".into(),
                    },
                    span,
                )
                .with_hint("remove -I, or add -G"));
        }
        Ok(())
    }

    /// One request per URL, each with the same method, headers and body
    /// (curl sends the same options to each).
    fn requests(
        &mut self,
        method: String,
        body: Vec<u8>,
        data: &[u8],
    ) -> Result<Vec<ReadRequest>, ParseError> {
        let urls = std::mem::take(&mut self.urls);
        if urls.len() > MAX_URLS {
            return Err(self
                .error(
                    ParseErrorKind::Invalid {
                        what: "cURL command".into(),
                        reason: format!("it names {} URLs, more than {MAX_URLS}", urls.len()),
                    },
                    urls[MAX_URLS].span,
                )
                .with_hint("give the one request to check"));
        }
        let mut extras: Vec<&[u8]> = Vec::new();
        if self.get && !data.is_empty() {
            extras.push(data);
        }
        extras.extend(self.url_query.iter().map(Vec::as_slice));
        let extra = String::from_utf8_lossy(&extras.join(&b'&')).into_owned();
        let header_len: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        let each = body.len() + extra.len() + header_len;
        if urls.len().saturating_mul(each) > 4 * MAX_INPUT {
            return Err(self
                .error(
                    ParseErrorKind::TooLarge {
                        limit: 4 * MAX_INPUT,
                        actual: urls.len().saturating_mul(each),
                    },
                    urls[0].span,
                )
                .with_hint(
                    "the command names many URLs and each would carry the whole body; give one URL",
                ));
        }
        let many = urls.len() > 1;
        let mut out = Vec::with_capacity(urls.len());
        for (i, u) in urls.iter().enumerate() {
            let mut violations = self.violations.clone();
            let mut assumptions = self.assumptions.clone();
            let url = self.url(u, &extra, &mut violations, &mut assumptions);
            let request = Request {
                method: method.clone(),
                url,
                headers: self.headers.clone(),
                body: body.clone(),
            };
            let mut read = ReadRequest::new(request, Format::Curl);
            read.violations = violations;
            read.assumptions = assumptions;
            if many {
                read.label = Some(format!("URL {}", i + 1));
            }
            out.push(read);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::input::curl::read;
    use crate::input::curl::test_util::one;
    use crate::input::NoFiles;

    #[test]
    fn default_method_and_form_content_type() {
        let r = one("curl https://h/p");
        assert_eq!(r.request.method, "GET");
        assert!(r.request.headers.is_empty());
        let r = one("curl -d a=1 -d 'b=2' https://h/p");
        assert_eq!(r.request.method, "POST");
        assert_eq!(r.request.body, b"a=1&b=2");
        assert_eq!(
            r.request.header("Content-Type"),
            Some("application/x-www-form-urlencoded")
        );
        assert!(r.assumptions[0].contains("application/x-www-form-urlencoded"));
        let r = one("curl -X PUT -d a https://h/p");
        assert_eq!(r.request.method, "PUT");
        let r = one("curl -I https://h/p");
        assert_eq!(r.request.method, "HEAD");
        let r = one("curl -d a=1 -H 'Content-Type: text/plain' https://h/p");
        assert_eq!(r.request.header("content-type"), Some("text/plain"));
        assert!(r.assumptions.is_empty());
        let r = one("curl -d a=1 -H 'Content-Type:' https://h/p");
        assert_eq!(r.request.header("content-type"), None);
    }

    #[test]
    fn conflicting_methods_are_refused_like_curl() {
        let e = read(b"curl -I -d a=1 http://h/", &NoFiles).unwrap_err();
        assert!(e.to_string().contains("-I (HEAD)"), "{e}");
        assert_eq!(e.found_text(), "a=1");
        let r = one("curl -I -G -d a=1 http://h/");
        assert_eq!(r.request.method, "HEAD");
        assert_eq!(r.request.url, "http://h/?a=1");
    }

    #[test]
    fn short_option_clusters_and_attached_arguments() {
        let r = one("curl -sSLkXPOST -H'A: 1' -dx=1 http://h/");
        assert_eq!(r.request.method, "POST");
        assert_eq!(r.request.header("a"), Some("1"));
        assert_eq!(r.request.body, b"x=1");
    }

    #[test]
    fn unknown_options_are_listed() {
        let r = one("curl --frobnicate -Wq http://h/");
        let v = r
            .violations
            .iter()
            .find(|v| v.code == "curl-unknown-options")
            .unwrap();
        assert!(v.message.contains("--frobnicate, -W"), "{}", v.message);
    }

    #[test]
    fn several_urls_give_several_requests() {
        let reads = read(b"curl -d a=1 http://h/1 --url http://h/2", &NoFiles).unwrap();
        assert_eq!(reads.len(), 2);
        assert_eq!(reads[1].request.url, "http://h/2");
        assert_eq!(reads[1].request.body, b"a=1");
        assert_eq!(reads[1].label.as_deref(), Some("URL 2"));
    }
}
