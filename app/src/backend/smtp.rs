//! How Roster reaches its SMTP server (SMTP_URL):
//! - `smtp://host[:port]` — plain SMTP to a relay on the same network (port 25 by default), no
//!   password;
//! - `smtps://user:password@host[:port]` — implicit TLS (RFC 8314, port 465 by default), then
//!   AUTH;
//! - `smtp://user:password@host:587?tls=required` — STARTTLS, required, then AUTH (the
//!   submission port most providers offer, and the only one of some).
//!
//! The server's certificate is checked against the system's roots, plus those of SMTP_TLS_CA
//! when given (a company CA). A password is never sent without TLS. Every connection is opened
//! here with TCP_NODELAY (see `mail`: lettre would leave Nagle on) and handed to lettre: implicit
//! TLS is done here on that socket (lettre cannot take a socket for it), STARTTLS by lettre on
//! the same socket.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

/// What SMTP_URL says, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// (user, password), only with TLS.
    pub login: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        let user = self.login.as_ref().map(|(user, _)| user.as_str());
        f.debug_struct("SmtpUrl").field("host", &self.host).field("port", &self.port).field("security", &self.security).field("user", &user).finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    Plain,
    /// TLS from the first byte (smtps://).
    Tls,
    /// Plain, then STARTTLS before anything else (`?tls=required`).
    StartTls,
}

const FORMS: &str = "smtps://user:password@host[:465] (TLS), smtp://user:password@host:587?tls=required (STARTTLS) or smtp://host[:25] (plain, no password)";

impl SmtpUrl {
    pub fn parse(text: &str) -> Result<SmtpUrl, String> {
        let bad = |why: &str| format!("SMTP_URL: {why}; use {FORMS}");
        let url = url::Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
        let security = match (url.scheme(), url.query()) {
            ("smtp", None) => Security::Plain,
            ("smtp", Some("tls=required")) => Security::StartTls,
            ("smtps", None) => Security::Tls,
            ("smtp" | "smtps", Some(query)) => return Err(bad(&format!("unknown option {query:?}"))),
            (other, _) => return Err(bad(&format!("unknown scheme {other:?}"))),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("no host"))?;
        // An IPv6 literal comes back in brackets; the socket wants it bare.
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let port = url.port().unwrap_or(match security {
            Security::Plain => 25,
            Security::Tls => 465,
            Security::StartTls => 587,
        });
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().map(|s| s.into_owned()).map_err(|_| bad("the user or password is not UTF-8"));
        let login = match (url.username(), url.password()) {
            ("", None) => None,
            (user, Some(password)) if !user.is_empty() => Some((decode(user)?, decode(password)?)),
            _ => return Err(bad("give both a user and a password, or neither")),
        };
        if login.is_some() && security == Security::Plain {
            return Err(bad("a password is only sent over TLS"));
        }
        Ok(SmtpUrl { host, port, security, login })
    }
}

/// Opens connections to the SMTP server as SMTP_URL says.
pub struct Endpoint {
    pub url: SmtpUrl,
    tls: Tls,
}

/// The TLS set-up of `Security`, built once.
enum Tls {
    None,
    Implicit(TlsConnector),
    StartTls(TlsParameters),
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Endpoint").field("url", &self.url).finish()
    }
}

impl Endpoint {
    /// `extra_ca`: PEM certificates trusted besides the system's (SMTP_TLS_CA).
    pub fn new(url: SmtpUrl, extra_ca: Option<&[u8]>) -> Result<Endpoint, String> {
        let ca_error = |e: &dyn std::fmt::Display| format!("SMTP_TLS_CA: {e}");
        let extra: Vec<CertificateDer<'static>> = match extra_ca {
            Some(pem) => CertificateDer::pem_slice_iter(pem).collect::<Result<_, _>>().map_err(|e| ca_error(&e))?,
            None => Vec::new(),
        };
        if extra_ca.is_some() && extra.is_empty() {
            return Err("SMTP_TLS_CA: no certificate in the file".into());
        }
        let tls = match url.security {
            Security::Plain => Tls::None,
            Security::Tls => {
                let mut roots = RootCertStore::empty();
                roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
                for cert in extra {
                    roots.add(cert).map_err(|e| ca_error(&e))?;
                }
                let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
                let config = ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| e.to_string())?
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                Tls::Implicit(TlsConnector::from(Arc::new(config)))
            }
            // lettre's own rustls set-up: the same system roots and ring.
            Security::StartTls => {
                let mut builder = TlsParameters::builder(url.host.clone());
                for cert in extra {
                    builder = builder.add_root_certificate(Certificate::from_der(cert.to_vec()).map_err(|e| ca_error(&e))?);
                }
                Tls::StartTls(builder.build_rustls().map_err(|e| e.to_string())?)
            }
        };
        Ok(Endpoint { url, tls })
    }

    /// A new connection, greeted, over TLS and logged in if SMTP_URL says so.
    pub async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let SmtpUrl { host, port, .. } = &self.url;
        let tcp = TcpStream::connect((host.as_str(), *port)).await.map_err(|e| format!("cannot reach {host}:{port}: {e}"))?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let stream: Box<dyn AsyncTokioStream> = match &self.tls {
            Tls::Implicit(connector) => {
                let name = ServerName::try_from(host.clone()).map_err(|e| format!("{host}: {e}"))?;
                Box::new(TlsTcp(connector.connect(name, tcp).await.map_err(|e| format!("TLS with {host}:{port}: {e}"))?))
            }
            Tls::None | Tls::StartTls(_) => Box::new(tcp),
        };
        let mut connection = AsyncSmtpConnection::connect_with_transport(stream, &ClientId::default()).await.map_err(|e| format!("{host}:{port}: {e}"))?;
        if let Tls::StartTls(parameters) = &self.tls {
            // On failure the connection is dropped, not aborted: after a failed handshake lettre's
            // stream is gone, and writing QUIT to it would panic.
            connection.starttls(parameters.clone(), &ClientId::default()).await.map_err(|e| format!("TLS with {host}:{port}: {e}"))?;
        }
        if let Some((user, password)) = &self.url.login {
            let credentials = Credentials::new(user.clone(), password.clone());
            if let Err(error) = connection.auth(&[Mechanism::Plain, Mechanism::Login], &credentials).await {
                tracing::error!(%error, host, "the SMTP server refused Roster's user and password (SMTP_URL)");
                connection.abort().await;
                return Err(format!("{host}:{port} refused the login: {error}"));
            }
        }
        Ok(connection)
    }
}

/// A TLS stream over TCP, as lettre takes streams.
#[derive(Debug)]
struct TlsTcp(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncTokioStream for TlsTcp {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl AsyncRead for TlsTcp {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsTcp {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> SmtpUrl {
        SmtpUrl::parse(text).unwrap()
    }

    #[test]
    fn plain_smtp_to_a_relay_tls_or_starttls_with_a_login() {
        assert_eq!(parsed("smtp://127.0.0.1:1025"), SmtpUrl { host: "127.0.0.1".into(), port: 1025, security: Security::Plain, login: None });
        assert_eq!(parsed("smtp://relay.internal").port, 25);
        let url = parsed("smtps://apikey:p%40ss%3Aword@smtp.example.com");
        assert_eq!((url.port, url.security), (465, Security::Tls));
        assert_eq!(url.login, Some(("apikey".into(), "p@ss:word".into())), "percent-encoded user and password are decoded");
        let url = parsed("smtp://me%40corp.example:pw@smtp.office365.com?tls=required");
        assert_eq!((url.port, url.security, url.login.unwrap().0.as_str()), (587, Security::StartTls, "me@corp.example"));
        assert_eq!(parsed("smtps://u:p@[::1]:2465").host, "::1");
    }

    #[test]
    fn a_password_never_travels_without_tls_and_unknown_forms_are_refused() {
        for (text, says) in [
            ("smtp://user:secret@smtp.example.com:587", "only sent over TLS"),
            ("smtp://smtp.example.com:587?tls=opportunistic", "unknown option"),
            ("smtps://user@smtp.example.com", "both a user and a password"),
            ("http://smtp.example.com", "unknown scheme"),
            ("smtp.example.com:25", "use smtps://"),
        ] {
            let error = SmtpUrl::parse(text).unwrap_err();
            assert!(error.contains(says) && error.contains("smtps://user:password@host"), "{text}: {error}");
            assert!(!error.contains("secret"), "the password is never repeated: {error}");
        }
    }
}
