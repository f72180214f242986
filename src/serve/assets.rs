//! The page's files, embedded in the binary (no CDN, nothing fetched
//! from elsewhere): `assets/serve/`.

/// The file served at `path`, with its content type.
pub fn get(path: &str) -> Option<(&'static str, &'static [u8])> {
    Some(match path {
        "/" | "/index.html" => (
            "text/html; charset=utf-8",
            include_bytes!("../../assets/serve/index.html"),
        ),
        "/app.js" => (
            "text/javascript; charset=utf-8",
            include_bytes!("../../assets/serve/app.js"),
        ),
        "/app.css" => (
            "text/css; charset=utf-8",
            include_bytes!("../../assets/serve/app.css"),
        ),
        "/presets.json" => (
            "application/json",
            include_bytes!("../../assets/serve/presets.json"),
        ),
        // A published test key (oauthlib's), for the RSA-SHA1 preset only.
        "/demo-rsa.pem" => (
            "text/plain; charset=utf-8",
            include_bytes!("../../assets/serve/demo-rsa.pem"),
        ),
        _ => return None,
    })
}
