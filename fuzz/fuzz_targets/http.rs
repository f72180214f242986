//! The raw HTTP reader: never panics on any bytes, and a request it reads
//! survives `render` then `read` unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oauth1_doctor::input::{self, http, NoFiles, ReadOptions};
use oauth1_doctor::Format;

fuzz_target!(|data: &[u8]| {
    let options = ReadOptions {
        format: Some(Format::Http),
        ..ReadOptions::default()
    };
    let Ok(reads) = input::read(data, &options, &NoFiles) else {
        return;
    };
    for read in reads {
        let request = read.request;
        let rendered = http::render(&request);
        let back = http::read(&rendered, None)
            .unwrap_or_else(|e| panic!("rendered request does not read back: {e}\n{request:?}"))
            .request;
        assert_eq!(back.method, request.method);
        assert_eq!(back.url, request.url);
        assert_eq!(back.body, request.body);
        assert_eq!(&back.headers[..request.headers.len()], &request.headers[..]);
    }
});
