//! The cURL reader: never panics on any bytes in any dialect, and every
//! request it reads survives `render` then `read` unchanged in each dialect
//! that can express it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_doctor::input::curl::{read_dialect, render, Dialect};
use oauth1_doctor::input::Files;

/// Every path exists and holds a little text derived from its name.
struct AnyFile;

impl Files for AnyFile {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        if path.starts_with('!') {
            return Err(format!("cannot read {path:?}"));
        }
        Ok(format!("{path}\r\n={path}").into_bytes())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let dialect = match selector % 4 {
        0 => None,
        1 => Some(Dialect::Bash),
        2 => Some(Dialect::Cmd),
        _ => Some(Dialect::PowerShell),
    };
    let Ok(reads) = read_dialect(input, dialect, &AnyFile) else {
        return;
    };
    for read in reads {
        for d in Dialect::ALL {
            let Ok(text) = render(&read.request, d) else {
                continue;
            };
            let back = read_dialect(text.as_bytes(), Some(d), &AnyFile)
                .unwrap_or_else(|e| panic!("{d:?} rendering does not read back: {e}\n{text}"));
            assert_eq!(back.len(), 1, "{text}");
            assert_eq!(back[0].request, read.request, "{d:?}:\n{text}");
        }
    }
});
