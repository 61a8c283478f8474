//! PostgreSQL over TLS, as libpq's `sslmode` in the address says:
//! - `disable`: plain;
//! - `prefer` (the default): encrypted if the server offers it;
//! - `require`: encrypted, or no connection;
//! - `verify-ca`: encrypted, the server's certificate checked against
//!   `sslrootcert` (a PEM file; required, since any public certificate
//!   chains to the system's roots);
//! - `verify-full`: as `verify-ca`, and the certificate must also name the
//!   host the address names.
//!
//! As with libpq, `prefer` and `require` do not check the certificate:
//! they keep the traffic from being read, not a server from posing as
//! another. `allow` (plain first, TLS if refused) is refused by name.

use std::sync::Arc;

use postgres::config::SslMode;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, ring, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
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
        "verify-ca" if root.is_none() => {
            // Any public certificate chains to the system's roots: without
            // its own root, verify-ca would authenticate nobody (libpq 16
            // refuses it too).
            return Err(
                "sslrootcert: verify-ca needs the root certificate that signed the server's".into(),
            );
        }
        "verify-ca" | "verify-full" => {
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
            let config = if mode == "verify-full" {
                builder.with_root_certificates(roots).with_no_client_auth()
            } else {
                let chain =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .map_err(|e| format!("sslrootcert: {e}"))?;
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(ChainOnly(chain)))
                    .with_no_client_auth()
            };
            (SslMode::Require, config)
        }
        other => {
            return Err(format!(
                "sslmode: {other:?} is not supported; use disable, prefer, require, verify-ca or verify-full"
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

/// Checks the server's certificate chain against the roots, but not the
/// name it is for: libpq's `verify-ca`.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The chain is checked before the name: a certificate refused
        // only for its name was signed by a root the user trusts.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
