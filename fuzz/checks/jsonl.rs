//! The JSON Lines reader: never panics on any bytes; the whole-input
//! reader (`read_all`, owned) and the batch path's borrowed line reader
//! (`read_line_ref`) agree line by line, borrowed strings really are the
//! line's own bytes, an error points at the first bad line, a request
//! read survives being written back as JSON then read again, and the
//! batch path's hand-written reader (`read_line_fast`), where it answers,
//! answers what the serde reader does (one scratch buffer over every line).

use oauth1_doctor::input::jsonl::{read_all, read_line, read_line_fast, read_line_ref, Scratch};
use oauth1_doctor::Request;
use std::borrow::Cow;

/// A borrowed string lies inside `line` and holds the bytes it points at.
#[allow(clippy::ptr_arg)] // the Cow's variant is what is checked
fn check_borrowed(line: &str, s: &Cow<'_, str>) {
    if let Cow::Borrowed(b) = s {
        let start = b.as_ptr() as usize;
        let base = line.as_ptr() as usize;
        assert!(
            start >= base && start + b.len() <= base + line.len(),
            "{b:?} is borrowed from outside {line:?}"
        );
    }
}

fn to_json(r: &Request) -> String {
    serde_json::json!({
        "method": r.method,
        "url": r.url,
        "headers": r.headers,
        "body": String::from_utf8(r.body.clone()).expect("a JSON body is text"),
    })
    .to_string()
}

/// Checks one input; panics when an invariant breaks.
pub fn check(data: &[u8]) {
    let all = read_all(data);
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(all.is_err(), "bytes that are not UTF-8 were read");
        return;
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let mut first_bad = None;
    let mut owned = Vec::new();
    let mut scratch = Scratch::default();
    for &(i, line) in &lines {
        if let Some(fast) = read_line_fast(line, &mut scratch) {
            let fast = fast.to_line_ref().into_request();
            match read_line(line) {
                Ok(slow) => assert_eq!(fast, slow, "{line:?}"),
                Err(e) => panic!("read_line_fast accepts {line:?}, serde refuses: {e}"),
            }
        }
        match read_line_ref(line) {
            Ok(r) => {
                check_borrowed(line, &r.method);
                check_borrowed(line, &r.url);
                for (n, v) in &r.headers.0 {
                    check_borrowed(line, n);
                    check_borrowed(line, v);
                }
                if let Some(b) = &r.body {
                    check_borrowed(line, b);
                }
                let request = r.into_request();
                assert_eq!(read_line(line).as_ref(), Ok(&request));
                owned.push((i, request));
            }
            Err(e) => {
                assert!(e.span.start <= line.len(), "{e:?}");
                assert_eq!(read_line(line).err().as_ref(), Some(&e));
                first_bad = Some(i);
                break;
            }
        }
    }
    match (all, first_bad) {
        (Ok(reads), None) => {
            assert_eq!(reads.len(), owned.len());
            for (read, (i, request)) in reads.iter().zip(&owned) {
                assert_eq!(&read.request, request);
                assert_eq!(
                    read.label.as_deref(),
                    Some(format!("line {}", i + 1).as_str())
                );
            }
        }
        (Err(e), Some(i)) => {
            assert_eq!(e.line_col().0, i + 1, "{e}");
            assert!(e.span.start <= text.len(), "{e:?}");
        }
        (Ok(_), Some(i)) => panic!("read_all accepts line {} that read_line_ref refuses", i + 1),
        (Err(e), None) => panic!("read_all refuses what read_line_ref accepts: {e}"),
    }
    for (_, request) in owned {
        let json = to_json(&request);
        let back = read_line(&json).unwrap_or_else(|e| panic!("{json} does not read back: {e}"));
        assert_eq!(back, request, "{json}");
    }
}
