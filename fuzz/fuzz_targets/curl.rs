//! The cURL reader: never panics or overflows its stack on any bytes in
//! any dialect, whatever the files it reads hold (a `-H @file` whose file
//! holds `@file` lines), and every request it reads survives `render`
//! then `read` unchanged in each dialect that can express it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_doctor::input::curl::{read_dialect, render, Dialect};
use oauth1_doctor::input::Files;
use std::cell::Cell;

/// Every path exists. Its content is the part of the fuzz input after the
/// first NUL byte (so it can hold `@file` lines, headers, anything), or,
/// without one, a little text derived from the path's name.
struct AnyFile<'a> {
    content: Option<&'a [u8]>,
    reads: Cell<usize>,
}

impl Files for AnyFile<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.reads.set(self.reads.get() + 1);
        if path.starts_with('!') {
            return Err(format!("cannot read {path:?}"));
        }
        Ok(match self.content {
            Some(c) => c.to_vec(),
            None => format!("{path}\r\n={path}").into_bytes(),
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, data)) = data.split_first() else {
        return;
    };
    let (input, content) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let dialect = match selector % 4 {
        0 => None,
        1 => Some(Dialect::Bash),
        2 => Some(Dialect::Cmd),
        _ => Some(Dialect::PowerShell),
    };
    let files = AnyFile {
        content,
        reads: Cell::new(0),
    };
    let result = read_dialect(input, dialect, &files);
    // Each read is of a file named in the command (at least its `@`), and
    // a file's lines are never read as file references again.
    assert!(
        files.reads.get() <= input.len(),
        "{} file reads for a {}-byte command",
        files.reads.get(),
        input.len()
    );
    let Ok(reads) = result else {
        return;
    };
    for read in reads {
        for d in Dialect::ALL {
            let Ok(text) = render(&read.request, d) else {
                continue;
            };
            let back = read_dialect(text.as_bytes(), Some(d), &files)
                .unwrap_or_else(|e| panic!("{d:?} rendering does not read back: {e}\n{text}"));
            assert_eq!(back.len(), 1, "{text}");
            assert_eq!(back[0].request, read.request, "{d:?}:\n{text}");
        }
    }
});
