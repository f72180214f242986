//! `--tls`: a self-signed certificate made at start (rcgen) for the names
//! a local client uses, and the rustls server configuration serving it.

use std::sync::Arc;

/// A certificate and its key, made for this run only.
pub struct SelfSigned {
    /// The certificate, PEM: what a client trusts (`curl --cacert`).
    pub cert_pem: String,
    pub(crate) config: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for SelfSigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelfSigned")
            .field("cert_pem", &self.cert_pem)
            .field("key", &"<hidden>")
            .finish()
    }
}

/// Why no certificate could be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot make the TLS certificate: {0}")]
pub struct TlsError(String);

/// A self-signed certificate for `localhost`, `127.0.0.1`, `::1` and
/// `extra` (the `--bind` address), with a rustls configuration (ring
/// provider, HTTP/1.1 by ALPN).
pub fn self_signed(extra: &[String]) -> Result<SelfSigned, TlsError> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    for e in extra {
        if !names.contains(e) {
            names.push(e.clone());
        }
    }
    let certified =
        rcgen::generate_simple_self_signed(names).map_err(|e| TlsError(e.to_string()))?;
    let cert_pem = certified.cert.pem();
    let der = certified.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![der], key)
        .map_err(|e| TlsError(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(SelfSigned {
        cert_pem,
        config: Arc::new(config),
    })
}
