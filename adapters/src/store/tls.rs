//! PostgreSQL over TLS, as libpq's `sslmode` in the address says:
//! - `disable`: plain;
//! - `prefer` (the default): encrypted if the server offers it;
//! - `require`: encrypted, or no connection;
//! - `verify-full`: encrypted, the server's certificate checked against
//!   `sslrootcert` (a PEM file) or the system's roots, and its host name.
//!
//! As with libpq, `prefer` and `require` do not check the certificate:
//! they keep the traffic from being read, not a server from posing as
//! another. `verify-ca` and `allow` are refused by name.

use std::sync::Arc;

use postgres::config::SslMode;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, ring, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

/// How a store's connection is secured.
pub(super) struct Security {
    /// The address without `sslmode` and `sslrootcert`, which the driver
    /// does not take in the forms libpq does.
    pub(super) address: String,
    /// Whether TLS is off, tried or required.
    pub(super) mode: SslMode,
    /// The TLS connector.
    pub(super) tls: MakeRustlsConnect,
}

/// Reads `sslmode` and `sslrootcert` from `url`'s query.
///
/// # Errors
/// A mode this store does not support, or a root certificate file that
/// cannot be read; the message names the parameter.
pub(super) fn security(url: &str) -> Result<Security, String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (mut mode, mut root, mut rest) = ("prefer", None, Vec::new());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", v)) => mode = v,
            Some(("sslrootcert", v)) => root = Some(v),
            _ => rest.push(pair),
        }
    }
    let address = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let provider = Arc::new(ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("sslmode: {e}"))?;
    let unchecked = |builder: rustls::ConfigBuilder<ClientConfig, _>| {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(provider.clone())))
            .with_no_client_auth()
    };
    let (mode, config) = match mode {
        "disable" => (SslMode::Disable, unchecked(builder)),
        "prefer" => (SslMode::Prefer, unchecked(builder)),
        "require" => (SslMode::Require, unchecked(builder)),
        "verify-full" => {
            let mut roots = RootCertStore::empty();
            match root {
                Some(path) => {
                    let bad = |e: &dyn std::fmt::Display| format!("sslrootcert: {path}: {e}");
                    for cert in CertificateDer::pem_file_iter(path).map_err(|e| bad(&e))? {
                        roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
                    }
                }
                None => {
                    for cert in rustls_native_certs::load_native_certs().certs {
                        // A system root rustls cannot use is left out.
                        let _ = roots.add(cert);
                    }
                }
            }
            if roots.is_empty() {
                return Err(
                    "sslrootcert: no root certificate to check the server's against".into(),
                );
            }
            let config = builder.with_root_certificates(roots).with_no_client_auth();
            (SslMode::Require, config)
        }
        other => {
            return Err(format!(
                "sslmode: {other:?} is not supported; use disable, prefer, require or verify-full"
            ));
        }
    };
    Ok(Security {
        address,
        mode,
        tls: MakeRustlsConnect::new(config),
    })
}

/// Takes any certificate, checking only that the handshake is signed by
/// its key: encryption without authentication, as libpq's `require`.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
