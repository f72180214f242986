//! The body: `-d` and its variants joined with `&`, `--json`, `-F`
//! multipart forms, and the `@file` content they read.

use super::Builder;
use crate::encode::encode_bytes;
use crate::error::{ParseError, ParseErrorKind, Span};
use crate::input::curl::options::DataMode;
use crate::input::MAX_INPUT;

/// The boundary written into a `-F` multipart body. curl picks a random
/// one; any boundary gives the same signature, since a multipart body is
/// never a parameter source (RFC 5849 §3.4.1.3.1).
pub const FORM_BOUNDARY: &str = "------------------------oauth1doctor";

/// One `-F` part.
#[derive(Debug)]
pub(super) struct FormPart {
    name: String,
    content: Vec<u8>,
    filename: Option<String>,
    content_type: Option<String>,
}

impl Builder<'_> {
    pub(super) fn add_data(
        &mut self,
        part: Vec<u8>,
        separate: bool,
        span: Span,
    ) -> Result<(), ParseError> {
        self.data_len += part.len() + 1;
        let total = self.data_len;
        if total > MAX_INPUT {
            return Err(self.error(
                ParseErrorKind::TooLarge {
                    limit: MAX_INPUT,
                    actual: total,
                },
                span,
            ));
        }
        match self.data.last_mut() {
            Some(last) if !separate => last.extend_from_slice(&part),
            _ => self.data.push(part),
        }
        Ok(())
    }

    /// What one data option adds to the body, before joining with `&`.
    pub(super) fn data(
        &mut self,
        mode: DataMode,
        arg: &[u8],
        span: Span,
    ) -> Result<Vec<u8>, ParseError> {
        match mode {
            DataMode::Raw => Ok(arg.to_vec()),
            DataMode::Ascii | DataMode::Binary | DataMode::Json => match arg.strip_prefix(b"@") {
                Some(path) => {
                    let content = self.file(&String::from_utf8_lossy(path), span)?;
                    Ok(if mode == DataMode::Ascii {
                        content
                            .into_iter()
                            .filter(|b| *b != b'\r' && *b != b'\n')
                            .collect()
                    } else {
                        content
                    })
                }
                None => Ok(arg.to_vec()),
            },
            DataMode::Urlencode => {
                // curl: "=content", "name=content", "@file", "name@file", "content";
                // a `=` anywhere wins over `@` (curl looks for `@` only without `=`).
                let eq = arg.iter().position(|b| *b == b'=');
                let at = arg.iter().position(|b| *b == b'@');
                match (eq, at) {
                    (Some(e), _) => {
                        let mut out = arg[..e].to_vec();
                        if e > 0 {
                            out.push(b'=');
                        }
                        out.extend_from_slice(encode_bytes(&arg[e + 1..]).as_bytes());
                        Ok(out)
                    }
                    (_, Some(a)) => {
                        let content = self.file(&String::from_utf8_lossy(&arg[a + 1..]), span)?;
                        let mut out = arg[..a].to_vec();
                        if a > 0 {
                            out.push(b'=');
                        }
                        out.extend_from_slice(encode_bytes(&content).as_bytes());
                        Ok(out)
                    }
                    _ => Ok(encode_bytes(arg).into_bytes()),
                }
            }
        }
    }

    /// `-F name=value`, `name=@file`, `name=<file`, with `;type=` and `;filename=`.
    pub(super) fn form_part(
        &mut self,
        text: &str,
        literal: bool,
        span: Span,
    ) -> Result<FormPart, ParseError> {
        let Some((name, value)) = text.split_once('=') else {
            return Err(self
                .error(
                    ParseErrorKind::Expected {
                        expected: "name=content in -F".into(),
                        found: format!("{text:?}"),
                    },
                    span,
                )
                .with_hint("write -F 'name=value' or -F 'name=@file'"));
        };
        let mut part = FormPart {
            name: name.to_string(),
            content: Vec::new(),
            filename: None,
            content_type: None,
        };
        if literal {
            part.content = value.as_bytes().to_vec();
            return Ok(part);
        }
        let mut pieces = value.split(';');
        let main = pieces.next().unwrap_or("");
        for p in pieces {
            if let Some(t) = p.trim().strip_prefix("type=") {
                part.content_type = Some(t.to_string());
            } else if let Some(f) = p.trim().strip_prefix("filename=") {
                part.filename = Some(f.trim_matches('"').to_string());
            }
        }
        if let Some(path) = main.strip_prefix('@') {
            part.content = self.file(path, span)?;
            if part.filename.is_none() {
                part.filename = Some(path.rsplit(['/', '\\']).next().unwrap_or(path).to_string());
            }
            part.content_type
                .get_or_insert_with(|| "application/octet-stream".into());
        } else if let Some(path) = main.strip_prefix('<') {
            part.content = self.file(path, span)?;
        } else {
            part.content = main.as_bytes().to_vec();
        }
        Ok(part)
    }

    /// The body curl sends, with the Content-Type curl adds for it: the
    /// data joined with `&` (unless `-G` moved it to the query), or the
    /// multipart form.
    pub(super) fn body(&mut self, has_data: bool, data: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        if has_data && !self.get {
            body = data.to_vec();
            if self.json {
                self.default_header("Content-Type", "application/json".into());
                self.default_header("Accept", "application/json".into());
            } else if !self.has_header("content-type") {
                self.headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
                self.assumptions.push("curl adds Content-Type: application/x-www-form-urlencoded for -d/--data, so the body is signed as form parameters (RFC 5849 §3.4.1.3.1)".into());
            }
        } else if !self.form.is_empty() {
            body = self.multipart_body();
            let ct = match self
                .headers
                .iter()
                .position(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                Some(i) => {
                    let v = format!("{}; boundary={FORM_BOUNDARY}", self.headers[i].1);
                    self.headers.remove(i);
                    v
                }
                None => format!("multipart/form-data; boundary={FORM_BOUNDARY}"),
            };
            if !self.removed.contains("content-type") {
                self.headers.push(("Content-Type".into(), ct));
            }
            self.assumptions.push("-F sends a multipart/form-data body: its fields are not signed (RFC 5849 §3.4.1.3.1); curl picks a random boundary, a fixed one is used here".into());
        }
        body
    }

    pub(super) fn multipart_body(&self) -> Vec<u8> {
        let mut body = Vec::new();
        for p in &self.form {
            body.extend_from_slice(format!("--{FORM_BOUNDARY}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", p.name);
            if let Some(f) = &p.filename {
                disposition.push_str(&format!("; filename=\"{f}\""));
            }
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(b"\r\n");
            if let Some(t) = &p.content_type {
                body.extend_from_slice(format!("Content-Type: {t}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&p.content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{FORM_BOUNDARY}--\r\n").as_bytes());
        body
    }
}

#[cfg(test)]
mod tests {
    use crate::input::curl::read;
    use crate::input::curl::test_util::{one, Mem};

    #[test]
    fn data_urlencode_forms() {
        let files = Mem(&[("f.txt", b"a b\n")]);
        let reads = read(
            b"curl --data-urlencode 'x y' --data-urlencode '=a&b' --data-urlencode 'n=v/w' --data-urlencode @f.txt --data-urlencode 'm@f.txt' http://h/",
            &files,
        )
        .unwrap();
        assert_eq!(
            reads[0].request.body,
            b"x%20y&a%26b&n=v%2Fw&a%20b%0A&m=a%20b%0A"
        );
    }

    #[test]
    fn json_pieces_are_concatenated_with_json_headers() {
        let r = one("curl --json '{\"a\":' --json '1}' http://h/");
        assert_eq!(r.request.body, b"{\"a\":1}");
        assert_eq!(r.request.header("content-type"), Some("application/json"));
        assert_eq!(r.request.header("accept"), Some("application/json"));
        assert!(!r.request.has_form_body());
    }

    #[test]
    fn data_urlencode_equals_wins_over_at() {
        let r = one("curl --data-urlencode 'n@f=x y' http://h/");
        assert_eq!(r.request.body, b"n@f=x%20y");
    }

    #[test]
    fn data_files_strip_newlines_except_binary() {
        let files = Mem(&[("b", b"a=1\r\n&b=2\n"), ("-", b"s=1\n")]);
        let r = &read(b"curl -d @b http://h/", &files).unwrap()[0];
        assert_eq!(r.request.body, b"a=1&b=2");
        let r = &read(b"curl --data-binary @b http://h/", &files).unwrap()[0];
        assert_eq!(r.request.body, b"a=1\r\n&b=2\n");
        let r = &read(b"curl --data-raw @b http://h/", &files).unwrap()[0];
        assert_eq!(r.request.body, b"@b");
        let r = &read(b"curl -d @- http://h/", &files).unwrap()[0];
        assert_eq!(r.request.body, b"s=1");
        let e = read(b"curl -d @missing http://h/", &files).unwrap_err();
        assert!(e.to_string().contains("@missing"), "{e}");
        assert_eq!(e.found_text(), "@missing");
    }

    #[test]
    fn form_is_multipart_and_not_a_param_source() {
        let files = Mem(&[("pic.png", b"PNG")]);
        let r = &read(b"curl -F 'a=1' -F 'f=@pic.png' http://h/", &files).unwrap()[0];
        assert_eq!(r.request.method, "POST");
        assert!(!r.request.has_form_body());
        let body = String::from_utf8_lossy(&r.request.body);
        assert!(body.contains("name=\"f\"; filename=\"pic.png\""), "{body}");
        let e = read(b"curl -F a=1 -d b=2 http://h/", &files).unwrap_err();
        assert!(e.to_string().contains("-F"), "{e}");
    }
}
