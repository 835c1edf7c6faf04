//! Sending one rendered message. Idempotent per outbox row: the Message-ID
//! is derived from the row id (receivers and the maildir collapse repeats),
//! and the maildir file name is the row id, so a resend after a crash
//! between "sent" and "marked sent" overwrites instead of duplicating.

use std::path::PathBuf;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `Vouch <vouch@example.org>`.
    pub from: String,
    /// `smtp://host:port` (plain), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS; `tls=starttls` is the same), `smtps://user:pass@host`
    /// (TLS on connect, port 465), `&ca=FILE` to trust a private CA. See
    /// [`smtp_transport`].
    pub smtp_url: Option<String>,
    /// Where mail goes when no SMTP server is configured.
    pub maildir: PathBuf,
}

/// One message, rendered.
#[derive(Clone, Debug)]
pub struct OutgoingMail {
    /// The outbox row id: the idempotency key.
    pub key: u64,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Sent by a machine (every vouch notice): `Auto-Submitted: auto-generated`.
    pub auto_submitted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Try again later (4xx, connection refused, timeout).
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Will never work (5xx, invalid address).
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The server could not be reached at all (refused, timed out, TLS
    /// failed): try again later, and skip the rest of this round.
    #[error("server unreachable: {0}")]
    Unreachable(String),
}

/// How long one SMTP conversation may stall before it counts as failed.
const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

enum Transport {
    Maildir(PathBuf),
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
}

pub struct Mailer {
    from: Mailbox,
    domain: String,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    /// The SMTP URL may hold a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::Maildir(p) => format!("maildir {}", p.display()),
            Transport::Smtp(_) => "smtp".to_string(),
        };
        f.debug_struct("Mailer").field("from", &self.from.to_string()).field("transport", &transport).finish()
    }
}

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Self, SendError> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| SendError::Permanent(format!("VOUCH_MAIL_FROM {:?} is not an address: {e}", config.from)))?;
        let domain = from.email.domain().to_string();
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(Box::new(smtp_transport(url)?)),
            None => {
                for sub in ["tmp", "new", "cur"] {
                    std::fs::create_dir_all(config.maildir.join(sub))
                        .map_err(|e| SendError::Permanent(format!("cannot create maildir: {e}")))?;
                }
                Transport::Maildir(config.maildir.clone())
            }
        };
        Ok(Self { from, domain, transport })
    }

    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Maildir(p) => format!("maildir {}", p.display()),
            Transport::Smtp(_) => "SMTP".to_string(),
        }
    }

    /// The stable Message-ID of an outbox row.
    pub fn message_id(&self, key: u64) -> String {
        format!("<vouch.outbox.{key}@{}>", self.domain)
    }

    pub fn build(&self, mail: &OutgoingMail) -> Result<Message, SendError> {
        let to: Mailbox =
            mail.to.parse().map_err(|e| SendError::Permanent(format!("bad recipient {:?}: {e}", mail.to)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.replace(['\r', '\n'], " "))
            .message_id(Some(self.message_id(mail.key)));
        if mail.auto_submitted {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
            .map_err(|e| SendError::Permanent(format!("cannot build message: {e}")))
    }

    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), SendError> {
        let message = self.build(mail)?;
        match &self.transport {
            Transport::Maildir(dir) => write_maildir(dir, mail.key, &message.formatted()),
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(classify),
        }
    }
}

/// The SMTP transport for a `VOUCH_SMTP_URL`, using lettre's URL forms
/// (`smtp://[user:pass@]host[:port][?tls=required|opportunistic]`,
/// `smtps://[user:pass@]host[:port]`); `tls=starttls` means `required`, and
/// `ca=FILE` adds the certificates of a PEM file (a private CA) to the
/// trusted roots. Credentials are used with AUTH PLAIN/LOGIN.
pub fn smtp_transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    // Never echo the URL: it may hold a password.
    let unusable = |e: &dyn std::fmt::Display| SendError::Permanent(format!("VOUCH_SMTP_URL is not usable: {e}"));
    let parsed = url::Url::parse(url).map_err(|e| unusable(&e))?;
    let param = |key: &str| parsed.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
    let tls_mode = param("tls").map(|t| if t == "starttls" { "required".to_string() } else { t });
    let mut lettre_url = parsed.clone();
    lettre_url.set_query(tls_mode.as_ref().map(|t| format!("tls={t}")).as_deref());
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(lettre_url.as_str()).map_err(|e| unusable(&e))?;
    if let Some(path) = param("ca") {
        let host = parsed.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let pem = std::fs::read(&path).map_err(|e| unusable(&format!("ca={path}: {e}")))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| unusable(&format!("ca={path}: {e}")))?;
        let params = TlsParameters::builder(host.to_string())
            .add_root_certificate(cert)
            .build()
            .map_err(|e| unusable(&format!("ca={path}: {e}")))?;
        builder = builder.tls(match (parsed.scheme(), tls_mode.as_deref()) {
            ("smtps", _) => Tls::Wrapper(params),
            (_, Some("required")) => Tls::Required(params),
            (_, Some("opportunistic")) => Tls::Opportunistic(params),
            _ => return Err(unusable(&"ca= needs TLS: use smtps:// or tls=required")),
        });
    }
    Ok(builder.timeout(Some(SMTP_TIMEOUT)).build())
}

/// A reply code decides: 5xx is final, 4xx is retried; no reply at all
/// (connection refused, timeout, TLS) means the server is unreachable.
fn classify(e: lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(e.to_string())
    } else if e.is_transient() {
        SendError::Transient(e.to_string())
    } else {
        SendError::Unreachable(e.to_string())
    }
}

/// Maildir delivery: write to tmp/, fsync, rename into new/ (atomic), fsync
/// the directory so the rename survives power loss.
fn write_maildir(dir: &std::path::Path, key: u64, bytes: &[u8]) -> Result<(), SendError> {
    use std::io::Write;
    let io = |e: std::io::Error| SendError::Transient(format!("maildir: {e}"));
    let name = format!("vouch-outbox-{key:012}.eml");
    let tmp = dir.join("tmp").join(&name);
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, dir.join("new").join(&name)).map_err(io)?;
    std::fs::File::open(dir.join("new")).and_then(|d| d.sync_all()).map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(key: u64) -> OutgoingMail {
        OutgoingMail {
            key,
            to: "bob@example.org".into(),
            subject: "Hi\r\nBcc: evil@example.org".into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
            auto_submitted: true,
        }
    }

    #[tokio::test]
    async fn maildir_delivery_is_idempotent_and_headers_are_safe() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mailer = Mailer::new(&MailConfig {
            from: "Vouch <vouch@example.org>".into(),
            smtp_url: None,
            maildir: dir.path().join("mail"),
        })
        .expect("mailer");
        mailer.send(&mail(7)).await.expect("send");
        mailer.send(&mail(7)).await.expect("send again");
        let files: Vec<_> = std::fs::read_dir(dir.path().join("mail/new")).expect("read").collect();
        assert_eq!(files.len(), 1, "a resend of the same row overwrites");
        let text = std::fs::read_to_string(dir.path().join("mail/new/vouch-outbox-000000000007.eml")).expect("read");
        assert!(text.contains("Message-ID: <vouch.outbox.7@example.org>"), "{text}");
        assert!(text.contains("Auto-Submitted: auto-generated"));
        assert!(text.contains("multipart/alternative"));
        assert!(!text.lines().any(|l| l.starts_with("Bcc:")), "no header injection through the subject");
    }

    #[test]
    fn a_bad_recipient_is_permanent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mailer =
            Mailer::new(&MailConfig { from: "vouch@example.org".into(), smtp_url: None, maildir: dir.path().into() })
                .expect("mailer");
        let mut m = mail(1);
        m.to = "not an address".into();
        assert!(matches!(mailer.build(&m), Err(SendError::Permanent(_))));
    }
}
