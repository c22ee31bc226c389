//! SMTP: the transport from `FLIGHTCLAIM_SMTP_URL`, the MIME message built from an outbox row,
//! and SMTP errors turned into a hint an operator can act on.
//!
//! URL forms (lettre's `from_url`): `smtp://host:port` plain (no TLS; for a relay on localhost),
//! `smtp://host:587?tls=opportunistic` STARTTLS when offered, `smtp://host:587?tls=required`
//! STARTTLS or fail, `smtps://host:465` implicit TLS. Credentials come from the URL userinfo
//! (`smtps://user:pass@host:465`, percent-encode `@` and `:` in them).

use std::error::Error as _;
use std::time::{Duration, SystemTime};

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use crate::config::Secret;
use crate::db::outbox::OutboxRow;

/// How long one SMTP command may take before the attempt counts as a timeout.
pub const SMTP_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// Upper bound for a whole send (connect, TLS, auth, DATA).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(45);

/// The SMTP server to use, parsed once at start-up.
#[derive(Clone)]
pub struct SmtpSettings {
    builder: AsyncSmtpTransportBuilder,
    /// `host:port`, for hints and logs (never the credentials).
    pub server: String,
    /// Whether the URL asks for TLS (`smtps://` or `?tls=`).
    pub tls: bool,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("server", &self.server)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl SmtpSettings {
    /// Parses `FLIGHTCLAIM_SMTP_URL`; the error says what is wrong without echoing the secret.
    pub fn from_url(url: &Secret) -> Result<SmtpSettings, String> {
        let text = url.expose().trim();
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(text)
            .map_err(|e| format!("cannot use this SMTP URL: {}", redact_source(&e)))?
            .timeout(Some(SMTP_COMMAND_TIMEOUT));
        let implicit_tls = text.starts_with("smtps://");
        let tls = implicit_tls || text.contains("tls=");
        let default_port = if implicit_tls {
            465
        } else if text.contains("tls=") {
            587
        } else {
            25
        };
        Ok(SmtpSettings {
            builder,
            server: server_of(text, default_port),
            tls,
        })
    }

    /// A pooled transport. Needs a Tokio runtime (the pool spawns a cleanup task).
    pub fn transport(&self) -> AsyncSmtpTransport<Tokio1Executor> {
        self.builder.clone().build()
    }
}

fn redact_source(err: &lettre::transport::smtp::Error) -> String {
    // URL parse errors do not contain the URL itself; keep only the first line to be safe.
    err.to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// `host:port` of an SMTP URL, without scheme, credentials, path or query.
pub fn server_of(url: &str, default_port: u16) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let has_port = host_port
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if has_port {
        host_port.to_string()
    } else {
        format!("{host_port}:{default_port}")
    }
}

/// Why a send failed, phrased for the operator, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{hint}")]
pub struct SendError {
    pub permanent: bool,
    pub hint: String,
}

impl SendError {
    fn temporary(hint: String) -> SendError {
        SendError {
            permanent: false,
            hint,
        }
    }

    fn permanent(hint: String) -> SendError {
        SendError {
            permanent: true,
            hint,
        }
    }
}

/// What went wrong, reduced to what the hint depends on (testable without a server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The server answered with a negative reply code.
    Reply {
        code: u16,
        message: String,
    },
    Refused,
    Timeout,
    Dns(String),
    Tls(String),
    /// Credentials in the URL but the server offers no mechanism we support.
    NoAuthMechanism,
    InvalidAddress(String),
    Other(String),
}

/// The hint and the retry decision for a cause, at `server` (`host:port`).
pub fn classify(cause: &Cause, server: &str) -> SendError {
    match cause {
        Cause::Reply { code, message } => {
            let said = format!("{code} {}", message.trim());
            match code {
                // Authentication problems are configuration problems: retrying lets the mail go
                // out once the operator fixes the password, instead of losing it.
                530 | 534 | 535 | 538 | 454 => SendError::temporary(format!(
                    "authentication failed: check FLIGHTCLAIM_SMTP_URL's user and password (server said: {said})"
                )),
                550 | 551 | 553 | 501 | 511 | 513 => {
                    SendError::permanent(format!("recipient rejected: {said}"))
                }
                500..=599 => {
                    SendError::permanent(format!("message rejected by the server: {said}"))
                }
                _ => SendError::temporary(format!(
                    "temporary failure from {server}, will retry: {said}"
                )),
            }
        }
        Cause::Refused => SendError::temporary(format!(
            "connection refused: is the SMTP server at {server} running?"
        )),
        Cause::Timeout => SendError::temporary(format!(
            "timed out talking to {server}: check the host, the port and the firewall (many hosts block outgoing port 25; use 587 or 465)"
        )),
        Cause::Dns(detail) => SendError::temporary(format!(
            "cannot resolve the SMTP host of {server}: check the host name in FLIGHTCLAIM_SMTP_URL ({detail})"
        )),
        Cause::Tls(detail) => SendError::temporary(format!(
            "TLS handshake failed with {server}: try smtps:// on 465 or ?tls=required on 587 ({detail})"
        )),
        Cause::NoAuthMechanism => SendError::temporary(format!(
            "authentication failed: {server} offers no login method we support; check FLIGHTCLAIM_SMTP_URL's user and password, and use TLS (smtps:// or ?tls=required) since servers only offer AUTH over TLS"
        )),
        Cause::InvalidAddress(addr) => {
            SendError::permanent(format!("invalid recipient address `{addr}`"))
        }
        Cause::Other(detail) => SendError::temporary(format!("SMTP error with {server}: {detail}")),
    }
}

/// Reduces a lettre error to a [`Cause`].
pub fn cause_of(err: &lettre::transport::smtp::Error, tls_expected: bool) -> Cause {
    let detail = err.to_string();
    if let Some(code) = err.status() {
        let code = code.to_string().parse().unwrap_or(0);
        let message = err.source().map(ToString::to_string).unwrap_or_default();
        return Cause::Reply { code, message };
    }
    if err.is_timeout() {
        return Cause::Timeout;
    }
    if err.is_tls() {
        return Cause::Tls(detail);
    }
    let mut source = err.source();
    while let Some(inner) = source {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            let text = io.to_string();
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => Cause::Refused,
                std::io::ErrorKind::TimedOut => Cause::Timeout,
                _ if text.contains("lookup") || text.contains("resolve") => Cause::Dns(text),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
                    if tls_expected =>
                {
                    Cause::Tls(text)
                }
                _ => Cause::Other(detail),
            };
        }
        source = inner.source();
    }
    let lower = detail.to_ascii_lowercase();
    if lower.contains("authentication mechanism") {
        Cause::NoAuthMechanism
    } else if lower.contains("starttls") || lower.contains("tls") {
        Cause::Tls(detail)
    } else {
        Cause::Other(detail)
    }
}

fn header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string())
}

/// The MIME message of an outbox row: multipart/alternative (text, then HTML), the stored
/// `Message-ID`, `Date` = enqueue time, `Content-Language`, and `Auto-Submitted` for system mail.
pub fn build_message(from: &Mailbox, row: &OutboxRow) -> Result<Message, Cause> {
    let address: Address = row
        .to_addr
        .trim()
        .parse()
        .map_err(|_| Cause::InvalidAddress(row.to_addr.clone()))?;
    let name = row.to_name.trim();
    let to = Mailbox::new((!name.is_empty()).then(|| name.to_string()), address);
    let date = chrono::DateTime::parse_from_rfc3339(&row.created_at)
        .map_or_else(|_| SystemTime::now(), SystemTime::from);
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date(date)
        .raw_header(header("Content-Language", &row.locale));
    if row.auto_submitted {
        builder = builder.raw_header(header("Auto-Submitted", "auto-generated"));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            row.body_text.clone(),
            row.body_html.clone(),
        ))
        .map_err(|e| Cause::Other(format!("cannot build the message: {e}")))
}

/// Sends one row; `Ok` once the server accepted the DATA.
pub async fn send_row(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    settings: &SmtpSettings,
    from: &Mailbox,
    row: &OutboxRow,
) -> Result<(), SendError> {
    let message = build_message(from, row).map_err(|c| classify(&c, &settings.server))?;
    match tokio::time::timeout(SEND_TIMEOUT, transport.send(message)).await {
        Ok(Ok(_response)) => Ok(()),
        Ok(Err(e)) => Err(classify(&cause_of(&e, settings.tls), &settings.server)),
        Err(_) => Err(classify(&Cause::Timeout, &settings.server)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_is_extracted_without_credentials() {
        assert_eq!(
            server_of("smtps://bob:s3cr%40t@mail.example.com:465", 465),
            "mail.example.com:465"
        );
        assert_eq!(
            server_of("smtp://relay.example.com?tls=required", 587),
            "relay.example.com:587"
        );
        assert_eq!(server_of("smtp://127.0.0.1:2525", 25), "127.0.0.1:2525");
    }

    #[test]
    fn settings_parse_and_describe_the_server() {
        let s = SmtpSettings::from_url(&Secret::new("smtp://u:p@smtp.example.com?tls=required"))
            .unwrap();
        assert_eq!(s.server, "smtp.example.com:587");
        assert!(s.tls);
        assert!(!format!("{s:?}").contains("u:p"));
        let plain = SmtpSettings::from_url(&Secret::new("smtp://127.0.0.1:2525")).unwrap();
        assert!(!plain.tls);
        assert!(SmtpSettings::from_url(&Secret::new("smtp://:25")).is_err());
    }

    #[test]
    fn causes_become_hints() {
        let server = "mail.example.com:587";
        let cases: Vec<(Cause, bool, &str)> = vec![
            (
                Cause::Reply {
                    code: 535,
                    message: "5.7.8 bad credentials".into(),
                },
                false,
                "authentication failed: check FLIGHTCLAIM_SMTP_URL's user and password",
            ),
            (
                Cause::Reply {
                    code: 550,
                    message: "5.1.1 no such user".into(),
                },
                true,
                "recipient rejected: 550 5.1.1 no such user",
            ),
            (
                Cause::Reply {
                    code: 554,
                    message: "spam".into(),
                },
                true,
                "message rejected by the server: 554 spam",
            ),
            (
                Cause::Reply {
                    code: 451,
                    message: "try later".into(),
                },
                false,
                "will retry: 451 try later",
            ),
            (
                Cause::Refused,
                false,
                "connection refused: is the SMTP server at mail.example.com:587 running?",
            ),
            (
                Cause::Tls("corrupt message".into()),
                false,
                "TLS handshake failed with mail.example.com:587: try smtps:// on 465 or ?tls=required on 587",
            ),
            (Cause::Timeout, false, "timed out talking to"),
            (Cause::Dns("x".into()), false, "cannot resolve"),
            (
                Cause::InvalidAddress("not-an-address".into()),
                true,
                "invalid recipient address `not-an-address`",
            ),
        ];
        for (cause, permanent, phrase) in cases {
            let err = classify(&cause, server);
            assert_eq!(err.permanent, permanent, "{cause:?}");
            assert!(err.hint.contains(phrase), "{cause:?}: {}", err.hint);
        }
    }

    #[tokio::test]
    async fn a_closed_port_is_connection_refused() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let settings =
            SmtpSettings::from_url(&Secret::new(format!("smtp://127.0.0.1:{port}"))).unwrap();
        let transport = settings.transport();
        let err = transport.test_connection().await.unwrap_err();
        let hint = classify(&cause_of(&err, false), &settings.server);
        assert_eq!(
            hint.hint,
            format!("connection refused: is the SMTP server at 127.0.0.1:{port} running?")
        );
        assert!(!hint.permanent);
    }

    #[tokio::test]
    async fn tls_against_a_plain_server_is_a_tls_hint() {
        // A fake plain-text SMTP greeting where TLS is expected.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt as _;
            while let Ok((mut sock, _)) = listener.accept().await {
                let _ = sock.write_all(b"220 plain.example ESMTP ready\r\n").await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        let settings =
            SmtpSettings::from_url(&Secret::new(format!("smtps://127.0.0.1:{port}"))).unwrap();
        let err = settings.transport().test_connection().await.unwrap_err();
        let hint = classify(&cause_of(&err, true), &settings.server);
        assert!(
            hint.hint.starts_with("TLS handshake failed"),
            "{hint:?} / {err:?}"
        );
    }
}
