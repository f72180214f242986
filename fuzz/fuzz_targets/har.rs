//! The HAR reader: never panics on any bytes; every request it returns is
//! labelled with an entry that exists, and an error points inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_doctor::input::har;
use oauth1_doctor::Format;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let entry = (selector < 8).then_some(selector as usize);
    match har::read(input, entry) {
        Ok(reads) => {
            assert!(!reads.is_empty());
            if entry.is_some() {
                assert_eq!(reads.len(), 1);
            }
            for r in reads {
                assert_eq!(r.format, Format::Har);
                let label = r.label.expect("every HAR request is labelled");
                assert!(label.starts_with("entry "), "{label}");
            }
        }
        Err(e) => {
            assert!(e.span.start <= e.input.len(), "{e:?}");
            let _ = e.to_string();
        }
    }
});
