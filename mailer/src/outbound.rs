//! Sending one rendered message. Idempotent per outbox row: the Message-ID
//! is derived from the row id (receivers and the maildir collapse repeats),
//! and the maildir file name is the row id, so a resend after a crash
//! between "sent" and "marked sent" overwrites instead of duplicating.

use std::path::PathBuf;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use vouch_core::delivery::SendOutcome;

#[derive(Clone)]
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

impl std::fmt::Debug for MailConfig {
    /// The SMTP URL may hold a password: only the server is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("from", &self.from)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("maildir", &self.maildir)
            .finish()
    }
}

/// A URL without its credentials: `smtps://user:pass@host:465` becomes
/// `smtps://***@host:465`. Everything before the last `@` goes, so a
/// password with `/` or `?` in it cannot slip through.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    match rest.rsplit_once('@') {
        Some((_, server)) if scheme.is_empty() => format!("***@{server}"),
        Some((_, server)) => format!("{scheme}://***@{server}"),
        None => url.to_string(),
    }
}

/// One message, rendered.
#[derive(Clone, Debug, Default)]
pub struct OutgoingMail {
    /// The outbox row id: the idempotency key.
    pub key: u64,
    /// The row's random token, part of the Message-ID.
    pub token: Option<String>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Sent by a machine (every vouch mail): `Auto-Submitted: auto-replied`
    /// when it answers a message (`in_reply_to`), else `auto-generated`.
    pub auto_submitted: bool,
    /// Files from the outbox row (an event's `.ics`).
    pub attachments: Vec<vouch_store::Attachment>,
    /// A reply: the answered message's `<Message-ID>` (In-Reply-To).
    pub in_reply_to: Option<String>,
    /// That message's References, oldest first; its own id is appended.
    pub references: Vec<String>,
    /// `mailto:` subject that opts the recipient out (List-Unsubscribe).
    pub list_unsubscribe: Option<String>,
    /// A signed `https://…/u/TOKEN` that opts the recipient out with one
    /// POST (RFC 8058): listed first, with `List-Unsubscribe-Post`, so
    /// Gmail and others show their own unsubscribe button.
    pub list_unsubscribe_url: Option<String>,
}

/// A mail setup or message that cannot work (a bad address, an unusable
/// SMTP URL, a maildir that cannot be created): no retry helps.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

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
    pub fn new(config: &MailConfig) -> Result<Self, MailError> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| MailError(format!("VOUCH_MAIL_FROM {:?} is not an address: {e}", config.from)))?;
        let domain = from.email.domain().to_string();
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(Box::new(smtp_transport(url)?)),
            None => {
                for sub in ["tmp", "new", "cur"] {
                    std::fs::create_dir_all(config.maildir.join(sub))
                        .map_err(|e| MailError(format!("cannot create maildir: {e}")))?;
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
    /// `<vouch.outbox.KEY.TOKEN@domain>`: the row id makes resends collapse,
    /// the row's random token makes it unguessable.
    pub fn message_id(&self, key: u64, token: Option<&str>) -> String {
        match token {
            Some(token) => format!("<vouch.outbox.{key}.{token}@{}>", self.domain),
            None => format!("<vouch.outbox.{key}@{}>", self.domain),
        }
    }

    pub fn build(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let to: Mailbox = mail.to.parse().map_err(|e| MailError(format!("bad recipient {:?}: {e}", mail.to)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.replace(['\r', '\n'], " "))
            .message_id(Some(self.message_id(mail.key, mail.token.as_deref())));
        for (name, value) in self.thread_headers(mail) {
            builder = builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str(name), value));
        }
        builder
            .multipart(with_attachments(
                MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()),
                &mail.attachments,
            ))
            .map_err(|e| MailError(format!("cannot build message: {e}")))
    }

    /// Auto-Submitted, In-Reply-To, References and List-Unsubscribe, with
    /// every value cleaned of anything that could end the header.
    fn thread_headers(&self, mail: &OutgoingMail) -> Vec<(&'static str, String)> {
        let msg_id = |id: &str| {
            // A malformed id is dropped, never repaired into something else.
            let inner = id.trim().strip_prefix('<')?.strip_suffix('>')?;
            let ok = inner.contains('@') && inner.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>'));
            ok.then(|| format!("<{inner}>"))
        };
        let mut headers = Vec::new();
        if mail.auto_submitted {
            let kind = if mail.in_reply_to.is_some() { "auto-replied" } else { "auto-generated" };
            headers.push(("Auto-Submitted", kind.to_string()));
        }
        if let Some(parent) = mail.in_reply_to.as_deref().and_then(msg_id) {
            let mut chain: Vec<String> = mail.references.iter().filter_map(|r| msg_id(r)).collect();
            chain.retain(|r| *r != parent);
            chain.push(parent.clone());
            // Keep the thread root and the newest ids: long chains get cut by receivers anyway.
            if chain.len() > 10 {
                chain.drain(1..chain.len() - 9);
            }
            headers.push(("In-Reply-To", parent));
            headers.push(("References", chain.join(" ")));
        }
        if let Some(subject) = &mail.list_unsubscribe {
            let encoded: String = subject
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
                .map(|c| if c == ' ' { "%20".to_string() } else { c.to_string() })
                .collect();
            let mailto = format!("<mailto:{}?subject={encoded}>", self.from.email);
            // A URL that could break out of its angle brackets is dropped, not repaired.
            let one_click = mail.list_unsubscribe_url.as_deref().filter(|url| {
                url.starts_with("http") && url.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | ','))
            });
            match one_click {
                Some(url) => {
                    headers.push(("List-Unsubscribe", format!("<{url}>, {mailto}")));
                    headers.push(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".to_string()));
                }
                None => headers.push(("List-Unsubscribe", mailto)),
            }
        }
        headers
    }

    /// Sends `mail`: sent, retried (4xx, a maildir write that failed),
    /// failed for good (5xx, a bad recipient), or the server is down.
    pub async fn send(&self, mail: &OutgoingMail) -> SendOutcome {
        let message = match self.build(mail) {
            Ok(message) => message,
            Err(MailError(e)) => return SendOutcome::FailedForGood(e),
        };
        match &self.transport {
            Transport::Maildir(dir) => write_maildir(dir, mail.key, &message.formatted())
                .map_or_else(|e| SendOutcome::retry(format!("maildir: {e}")), |()| SendOutcome::Sent),
            Transport::Smtp(smtp) => smtp.send(message).await.map_or_else(classify, |_| SendOutcome::Sent),
        }
    }
}

/// The SMTP transport for a `VOUCH_SMTP_URL`, using lettre's URL forms
/// (`smtp://[user:pass@]host[:port][?tls=required|opportunistic]`,
/// `smtps://[user:pass@]host[:port]`); `tls=starttls` means `required`, and
/// `ca=FILE` adds the certificates of a PEM file (a private CA) to the
/// trusted roots. Credentials are used with AUTH PLAIN/LOGIN.
pub fn smtp_transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    // Never echo the URL: it may hold a password.
    let unusable = |e: &dyn std::fmt::Display| MailError(format!("VOUCH_SMTP_URL is not usable: {e}"));
    let parsed = url::Url::parse(url).map_err(|e| unusable(&e))?;
    let param = |key: &str| parsed.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
    let tls_mode = param("tls").map(|t| if t == "starttls" { "required".to_string() } else { t });
    refuse_clear_text_credentials(&parsed, tls_mode.as_deref()).map_err(|e| unusable(&e))?;
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

/// A user name or password goes over a connection that may stay plain
/// text (`smtp://` without `tls=`, or `tls=opportunistic`, which anyone on
/// the path can downgrade by hiding STARTTLS) only to this machine, where
/// nobody on the path can read it. Loopback: `localhost`, 127.0.0.0/8, `::1`.
fn refuse_clear_text_credentials(url: &url::Url, tls_mode: Option<&str>) -> Result<(), String> {
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    let encrypted = url.scheme() == "smtps" || tls_mode == Some("required");
    if !has_credentials || encrypted || is_loopback(url.host()) {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    Err(format!(
        "it would send the SMTP user name and password to {host} without TLS; \
         use smtps://…:465 or add ?tls=required (STARTTLS, port 587) to VOUCH_SMTP_URL \
         (plain smtp:// with credentials is allowed only to localhost)"
    ))
}

fn is_loopback(host: Option<url::Host<&str>>) -> bool {
    let ip = |ip: std::net::IpAddr| ip.to_canonical().is_loopback();
    match host {
        // `smtp:` is not a special scheme to the URL standard: an IPv4
        // address stays a domain-like host, so it is parsed here.
        Some(url::Host::Domain(name)) => {
            name.trim_end_matches('.').eq_ignore_ascii_case("localhost") || name.parse().is_ok_and(ip)
        }
        Some(url::Host::Ipv4(v4)) => v4.is_loopback(),
        Some(url::Host::Ipv6(v6)) => ip(v6.into()),
        None => false,
    }
}

/// A reply code decides: 5xx is final, 4xx is retried; no reply at all
/// (connection refused, timeout, TLS) means the server is down.
fn classify(e: lettre::transport::smtp::Error) -> SendOutcome {
    if e.is_permanent() {
        SendOutcome::FailedForGood(e.to_string())
    } else if e.is_transient() {
        SendOutcome::retry(e.to_string())
    } else {
        SendOutcome::TransportDown(e.to_string())
    }
}

/// Maildir delivery: write to tmp/, fsync, rename into new/ (atomic), fsync
/// the directory so the rename survives power loss.
/// Adds the outbox row's files. A calendar (`text/calendar; method=…`) goes
/// into the alternative part too, where Gmail and Outlook look for an iMIP
/// invitation or cancellation to show Accept/Decline, and is attached as
/// an `.ics` file for every other client.
fn with_attachments(body: MultiPart, attachments: &[vouch_store::Attachment]) -> MultiPart {
    use lettre::message::header::ContentType;
    use lettre::message::{Attachment, SinglePart};
    if attachments.is_empty() {
        return body;
    }
    let mut body = body;
    let mut files = Vec::new();
    for a in attachments {
        let content_type = ContentType::parse(&a.content_type).unwrap_or(ContentType::TEXT_PLAIN);
        if a.content_type.starts_with("text/calendar") {
            body = body.singlepart(SinglePart::builder().header(content_type.clone()).body(a.content.clone()));
        }
        let filename = a.filename.replace(['\r', '\n', '"', '/', '\\'], "_");
        files.push(Attachment::new(filename).body(a.content.clone(), content_type));
    }
    files.into_iter().fold(MultiPart::mixed().multipart(body), |mixed, file| mixed.singlepart(file))
}

fn write_maildir(dir: &std::path::Path, key: u64, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = format!("vouch-outbox-{key:012}.eml");
    let tmp = dir.join("tmp").join(&name);
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join("new").join(&name))?;
    std::fs::File::open(dir.join("new")).and_then(|d| d.sync_all())
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
            ..Default::default()
        }
    }

    #[test]
    fn debug_output_never_shows_smtp_credentials() {
        let config = MailConfig {
            from: "vouch@example.org".into(),
            smtp_url: Some("smtps://vouch:s3cr/et?@x@mail.example.org:465?tls=required".into()),
            maildir: "/tmp/m".into(),
        };
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cr") && !debug.contains("vouch:"), "{debug}");
        assert!(debug.contains("smtps://***@mail.example.org:465?tls=required"), "{debug}");
        assert_eq!(redact_url("smtp://localhost:25"), "smtp://localhost:25");
        assert_eq!(redact_url("user:pw@host"), "***@host");
    }

    fn headers_of(mailer: &Mailer, mail: &OutgoingMail) -> Vec<String> {
        let text = String::from_utf8(mailer.build(mail).expect("build").formatted()).expect("utf-8");
        // Unfolded: long values (two List-Unsubscribe URIs) are folded at a space.
        let head = text.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ");
        let wanted = [
            "Subject",
            "Message-ID",
            "Auto-Submitted",
            "In-Reply-To",
            "References",
            "List-Unsubscribe",
            "List-Unsubscribe-Post",
        ];
        head.split("\r\n")
            .filter(|l| wanted.iter().any(|w| l.starts_with(&format!("{w}:"))))
            .map(str::to_string)
            .collect()
    }

    /// Golden headers: a reply threads under the message it answers; a
    /// notice to a prospect says how to opt out.
    #[test]
    fn reply_and_notice_headers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mailer = Mailer::new(&MailConfig {
            from: "Acme <vouch@acme.example>".into(),
            smtp_url: None,
            maildir: dir.path().into(),
        })
        .expect("mailer");
        let reply = OutgoingMail {
            key: 12,
            token: Some("k7m2x9qp".into()),
            to: "bob@partner.example".into(),
            subject: "Re: Fwd: Pilot for Acme".into(),
            text: "t".into(),
            html: "h".into(),
            auto_submitted: true,
            in_reply_to: Some("<fwd-1@partner.example>".into()),
            references: vec!["<orig-1@prospect.example>".into(), "<evil>\r\nBcc: x@y".into()],
            list_unsubscribe: None,
            list_unsubscribe_url: None,
            attachments: Vec::new(),
        };
        assert_eq!(
            headers_of(&mailer, &reply),
            [
                "Subject: Re: Fwd: Pilot for Acme",
                "Message-ID: <vouch.outbox.12.k7m2x9qp@acme.example>",
                "Auto-Submitted: auto-replied",
                "In-Reply-To: <fwd-1@partner.example>",
                "References: <orig-1@prospect.example> <fwd-1@partner.example>",
            ]
        );
        let notice = OutgoingMail {
            key: 13,
            to: "jane@prospect.example".into(),
            subject: "Bob would like to introduce you to Acme".into(),
            auto_submitted: true,
            list_unsubscribe: Some("consent 4 no".into()),
            ..Default::default()
        };
        assert_eq!(
            headers_of(&mailer, &notice),
            [
                "Subject: Bob would like to introduce you to Acme",
                "Message-ID: <vouch.outbox.13@acme.example>",
                "Auto-Submitted: auto-generated",
                "List-Unsubscribe: <mailto:vouch@acme.example?subject=consent%204%20no>",
            ]
        );
        let one_click = OutgoingMail {
            list_unsubscribe_url: Some("https://vouch.acme.example/u/dW5zdWI6MTM.sig-_x".into()),
            ..notice.clone()
        };
        let headers = headers_of(&mailer, &one_click);
        assert_eq!(
            headers[3..],
            [
                "List-Unsubscribe: <https://vouch.acme.example/u/dW5zdWI6MTM.sig-_x>, <mailto:vouch@acme.example?subject=consent%204%20no>",
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            ]
        );
        let sneaky =
            OutgoingMail { list_unsubscribe_url: Some("https://x.example/u/a>, <https://evil".into()), ..notice };
        assert!(!headers_of(&mailer, &sneaky).concat().contains("evil"), "a URL that breaks out is dropped");
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
        assert_eq!(mailer.send(&mail(7)).await, SendOutcome::Sent);
        assert_eq!(mailer.send(&mail(7)).await, SendOutcome::Sent, "send again");
        let files: Vec<_> = std::fs::read_dir(dir.path().join("mail/new")).expect("read").collect();
        assert_eq!(files.len(), 1, "a resend of the same row overwrites");
        let text = std::fs::read_to_string(dir.path().join("mail/new/vouch-outbox-000000000007.eml")).expect("read");
        assert!(text.contains("Message-ID: <vouch.outbox.7@example.org>"), "{text}");
        assert!(text.contains("Auto-Submitted: auto-generated"));
        assert!(text.contains("multipart/alternative"));
        assert!(!text.lines().any(|l| l.starts_with("Bcc:")), "no header injection through the subject");
    }

    #[test]
    fn credentials_in_clear_text_go_to_loopback_only() {
        let refused = [
            "smtp://user:pw@mail.example.org:587",
            "smtp://user@mail.example.org",
            "smtp://:pw@192.0.2.7:25",
            "smtp://user:pw@mail.example.org:587?tls=opportunistic",
            "smtp://user:pw@[2001:db8::1]:25",
            "smtp://user:pw@localhost.example.org:25",
            "smtp://user:pw@127.0.0.1.example.org:25",
        ];
        for url in refused {
            let Err(MailError(e)) = smtp_transport(url) else { panic!("{url} was accepted") };
            assert!(e.contains("VOUCH_SMTP_URL") && e.contains("tls=required") && e.contains("without TLS"), "{e}");
            assert!(!e.contains("pw"), "the password is not echoed: {e}");
        }
        let allowed = [
            "smtp://user:pw@127.0.0.1:2525",
            "smtp://user:pw@127.8.9.10:2525",
            "smtp://user:pw@[::1]:2525",
            "smtp://user:pw@[::ffff:127.0.0.1]:2525",
            "smtp://user:pw@localhost:2525",
            "smtp://user:pw@LOCALHOST.:2525",
            "smtp://mail.example.org:25",
            "smtp://user:pw@mail.example.org:587?tls=required",
            "smtp://user:pw@mail.example.org:587?tls=starttls",
            "smtps://user:pw@mail.example.org",
        ];
        for url in allowed {
            assert!(smtp_transport(url).is_ok(), "{url} was refused: {:?}", smtp_transport(url).err());
        }
    }

    #[test]
    fn a_bad_recipient_is_permanent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mailer =
            Mailer::new(&MailConfig { from: "vouch@example.org".into(), smtp_url: None, maildir: dir.path().into() })
                .expect("mailer");
        let mut m = mail(1);
        m.to = "not an address".into();
        assert!(matches!(mailer.build(&m), Err(MailError(e)) if e.contains("bad recipient")));
    }

    #[test]
    fn an_invitation_carries_its_calendar_inline_and_as_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mailer =
            Mailer::new(&MailConfig { from: "vouch@example.org".into(), smtp_url: None, maildir: dir.path().into() })
                .expect("mailer");
        let mut m = mail(2);
        m.attachments.push(vouch_store::Attachment {
            filename: "invite.ics".into(),
            content_type: "text/calendar; method=REQUEST; charset=UTF-8".into(),
            content: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into(),
        });
        let text = String::from_utf8(mailer.build(&m).expect("build").formatted()).expect("utf-8");
        assert!(text.contains("multipart/mixed") && text.contains("multipart/alternative"), "{text}");
        assert_eq!(
            text.to_ascii_lowercase().matches("content-type: text/calendar; method=request; charset=utf-8").count(),
            2,
            "{text}"
        );
        assert!(text.contains("Content-Disposition: attachment; filename=\"invite.ics\""), "{text}");
        assert!(text.contains("METHOD:REQUEST"), "{text}");
    }
}
