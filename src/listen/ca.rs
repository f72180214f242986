//! `listen --proxy`: the local certificate authority that lets the proxy
//! read an `https://` request sent through a `CONNECT` tunnel (RFC 9110
//! §9.3.6). It is made on first use (rcgen), kept in a directory readable
//! by the user only, and signs one certificate per host, kept in memory
//! for the last [`MAX_HOSTS`] hosts (a client sending `CONNECT` for ever
//! new names cannot make the proxy hold ever more).
//!
//! Only the CA's key and certificate are stored. The issuer is rebuilt
//! from the stored key and the fixed parameters below, so the certificates
//! it signs name the stored certificate's subject and key (RFC 5280
//! §4.1.2.4 issuer, §4.2.1.1 authority key identifier).

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How many hosts' certificates are kept; the oldest made is dropped
/// (and made again when asked for) beyond it.
pub const MAX_HOSTS: usize = 1024;

fn half_made(dir: &Path, present: &'static str, missing: &'static str) -> CaError {
    CaError::HalfMade {
        dir: dir.to_path_buf(),
        present,
        missing,
    }
}

/// The certificates made, by host, with the order they were made in.
#[derive(Default)]
struct Leaves {
    by_host: HashMap<String, Arc<rustls::ServerConfig>>,
    order: VecDeque<String>,
}

impl Leaves {
    /// Keeps `config` for `host`, dropping the oldest beyond `capacity`.
    fn insert(&mut self, host: &str, config: Arc<rustls::ServerConfig>, capacity: usize) {
        if self.by_host.insert(host.to_string(), config).is_none() {
            self.order.push_back(host.to_string());
        }
        while self.order.len() > capacity {
            if let Some(old) = self.order.pop_front() {
                self.by_host.remove(&old);
            }
        }
    }
}

/// The CA certificate's file name in its directory.
pub const CA_CERT_FILE: &str = "oauth1-doctor-ca.pem";
/// The CA key's file name in its directory.
const CA_KEY_FILE: &str = "oauth1-doctor-ca-key.pem";

/// Why the certificate authority cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaError {
    /// A file or the directory could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The stored key is not one rcgen reads (its content is not shown).
    #[error("{path}: not a private key this tool wrote ({error}); move the directory away to make a new CA")]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// Why.
        error: rcgen::Error,
    },
    /// Only one of the CA's two files is there (a run stopped while making
    /// them, or one was removed).
    #[error("{dir}: holds {present} but not {missing}; move the directory away to make a new CA")]
    HalfMade {
        /// The CA directory.
        dir: PathBuf,
        /// The file that is there.
        present: &'static str,
        /// The file that is missing.
        missing: &'static str,
    },
    /// A certificate could not be made.
    #[error("cannot make a certificate for {host}: {error}")]
    Certificate {
        /// The host.
        host: String,
        /// Why.
        error: String,
    },
}

/// The proxy's certificate authority.
pub struct ProxyCa {
    issuer: Issuer<'static, KeyPair>,
    cert_path: PathBuf,
    created: bool,
    leaves: Mutex<Leaves>,
    /// [`MAX_HOSTS`], smaller in tests.
    capacity: usize,
}

impl std::fmt::Debug for ProxyCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyCa")
            .field("cert_path", &self.cert_path)
            .field("key", &"<hidden>")
            .finish_non_exhaustive()
    }
}

/// The CA's fixed parameters: the same on every start, so that a CA
/// rebuilt from the stored key signs as the stored certificate's subject.
fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "oauth1-doctor listen --proxy local CA");
    dn.push(DnType::OrganizationName, "oauth1-doctor");
    params.distinguished_name = dn;
    // RFC 5280 §4.2.1.9: a CA that signs end-entity certificates only.
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    // RFC 5280 §4.2.1.3.
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CaError + '_ {
    move |error| CaError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Writes a new file readable by the user only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CaError> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(io(path))
}

impl ProxyCa {
    /// The CA kept in `dir`, made there (directory 0700, files 0600) when
    /// it holds none.
    pub fn load_or_create(dir: &Path) -> Result<ProxyCa, CaError> {
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        match (key_path.exists(), cert_path.exists()) {
            (true, false) => return Err(half_made(dir, CA_KEY_FILE, CA_CERT_FILE)),
            (false, true) => return Err(half_made(dir, CA_CERT_FILE, CA_KEY_FILE)),
            _ => {}
        }
        let (key, created) = if key_path.is_file() && cert_path.is_file() {
            let pem = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
            let key = KeyPair::from_pem(&pem).map_err(|error| CaError::BadKey {
                path: key_path.clone(),
                error,
            })?;
            (key, false)
        } else {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            b.create(dir).map_err(io(dir))?;
            let key = KeyPair::generate().map_err(|e| CaError::Certificate {
                host: "the CA".into(),
                error: e.to_string(),
            })?;
            let cert = ca_params()
                .self_signed(&key)
                .map_err(|e| CaError::Certificate {
                    host: "the CA".into(),
                    error: e.to_string(),
                })?;
            write_private(&key_path, key.serialize_pem().as_bytes())?;
            write_private(&cert_path, cert.pem().as_bytes())?;
            (key, true)
        };
        Ok(ProxyCa {
            issuer: Issuer::new(ca_params(), key),
            cert_path,
            created,
            leaves: Mutex::new(Leaves::default()),
            capacity: MAX_HOSTS,
        })
    }

    /// The CA certificate's file: what a client trusts (`curl --cacert`).
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// True when this start made the CA.
    pub fn created(&self) -> bool {
        self.created
    }

    /// A rustls server configuration presenting a certificate for `host`
    /// signed by the CA (made once per host, then kept for the last
    /// `MAX_HOSTS` hosts).
    pub fn server_config(&self, host: &str) -> Result<Arc<rustls::ServerConfig>, CaError> {
        if let Some(c) = self
            .leaves
            .lock()
            .ok()
            .and_then(|l| l.by_host.get(host).cloned())
        {
            return Ok(c);
        }
        let fail = |error: String| CaError::Certificate {
            host: host.to_string(),
            error,
        };
        let key = KeyPair::generate().map_err(|e| fail(e.to_string()))?;
        let mut params =
            CertificateParams::new(vec![host.to_string()]).map_err(|e| fail(e.to_string()))?;
        params
            .distinguished_name
            .push(DnType::CommonName, host.to_string());
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| fail(e.to_string()))?;
        let der = rustls::pki_types::PrivateKeyDer::Pkcs8(
            rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der()),
        );
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| fail(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], der)
            .map_err(|e| fail(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let config = Arc::new(config);
        if let Ok(mut l) = self.leaves.lock() {
            l.insert(host, config.clone(), self.capacity);
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made once (files 0600), loaded again, host configurations kept.
    /// That a reloaded CA's host certificate verifies against the stored
    /// CA certificate is shown by curl in tests/listen_proxy.rs.
    #[test]
    fn a_reloaded_ca_signs_certificates_its_stored_certificate_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let ca_dir = dir.path().join("ca");
        let first = ProxyCa::load_or_create(&ca_dir).unwrap();
        assert!(first.created());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for f in [CA_CERT_FILE, CA_KEY_FILE] {
                let mode = std::fs::metadata(ca_dir.join(f))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "{f}");
            }
        }
        let again = ProxyCa::load_or_create(&ca_dir).unwrap();
        assert!(!again.created());
        let config = again.server_config("localhost").unwrap();
        assert!(Arc::ptr_eq(
            &config,
            &again.server_config("localhost").unwrap()
        ));
    }

    /// A directory holding only the key is refused with a message saying
    /// so, not a bare "File exists" from trying to make the key again.
    #[test]
    fn a_half_made_ca_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let ca_dir = dir.path().join("ca");
        ProxyCa::load_or_create(&ca_dir).unwrap();
        std::fs::remove_file(ca_dir.join(CA_CERT_FILE)).unwrap();
        let e = ProxyCa::load_or_create(&ca_dir).unwrap_err();
        assert!(matches!(e, CaError::HalfMade { .. }), "{e}");
        let text = e.to_string();
        assert!(
            text.contains(CA_KEY_FILE) && text.contains("move the directory away"),
            "{text}"
        );
    }

    /// Beyond its capacity the oldest host's certificate is dropped, and
    /// made anew when that host comes back; the rest stay.
    #[test]
    fn certificates_are_kept_for_the_last_hosts_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut ca = ProxyCa::load_or_create(&dir.path().join("ca")).unwrap();
        ca.capacity = 3;
        let first: Vec<_> = ["a.test", "b.test", "c.test"]
            .iter()
            .map(|h| ca.server_config(h).unwrap())
            .collect();
        ca.server_config("d.test").unwrap();
        let kept = ca.leaves.lock().unwrap().by_host.len();
        assert_eq!(kept, 3);
        assert!(Arc::ptr_eq(&first[2], &ca.server_config("c.test").unwrap()));
        assert!(!Arc::ptr_eq(
            &first[0],
            &ca.server_config("a.test").unwrap()
        ));
        assert_eq!(ca.leaves.lock().unwrap().order.len(), 3);
    }
}
