//! The IMAP side of the inbound mailbox (async-imap over tokio, rustls for
//! `imaps://` and STARTTLS): find messages not yet handled, fetch one, mark
//! it handled, wait for new mail. What a message *means* is decided by the
//! caller (the same path as `vouch ingest`); this module only moves bytes
//! and flags.
//!
//! State lives on the server, not in vouch: a handled message gets `\Seen`
//! and the keyword `$VouchDone` (or `$VouchRejected`) and is then moved to
//! the done (rejected) folder. New messages are the selected mailbox's
//! messages without either keyword. So a crash between the store's commit
//! and the mark refetches the message, and the store's Message-ID dedupe
//! makes the second run a no-op.
//!
//! Less capable servers:
//! - without MOVE (RFC 6851), a move is COPY, `\Deleted` and then UID
//!   EXPUNGE of that one message (UIDPLUS), or a plain EXPUNGE — which also
//!   removes anything else flagged `\Deleted`, fine in the dedicated
//!   mailbox the README asks for;
//! - a mailbox that keeps no custom keywords (PERMANENTFLAGS without `\*`
//!   or ours) marks with `\Seen` alone, and new messages are the unseen
//!   ones: a message someone reads in the mailbox before vouch does is left
//!   alone, so such a mailbox must be vouch's own.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_imap::Session;
use async_imap::types::Flag;
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// The keyword on a message whose result is committed.
pub const DONE_KEYWORD: &str = "$VouchDone";
/// The keyword on a message refused for good (malformed, over the limits).
pub const REJECTED_KEYWORD: &str = "$VouchRejected";

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("VOUCH_IMAP_URL: {0}")]
    Config(String),
    #[error("IMAP {0}")]
    Protocol(String),
}

impl From<async_imap::error::Error> for ImapError {
    fn from(e: async_imap::error::Error) -> Self {
        ImapError::Protocol(e.to_string())
    }
}

impl From<std::io::Error> for ImapError {
    fn from(e: std::io::Error) -> Self {
        ImapError::Protocol(e.to_string())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `imap://`: no TLS (loopback, or a trusted network only).
    Plain,
    /// `imap://…?tls=starttls`: upgrade with STARTTLS before logging in.
    StartTls,
    /// `imaps://`: TLS from the first byte.
    Tls,
}

/// A parsed `VOUCH_IMAP_URL`:
/// `imap[s]://user:pass@host[:port][/MAILBOX][?poll=SECS&done=FOLDER&rejected=FOLDER&idle=off&tls=starttls&ca=PEM]`.
#[derive(Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    password: String,
    /// The mailbox read for new mail (default `INBOX`).
    pub mailbox: String,
    /// Where handled messages are moved (default `vouch-done`; empty: flag only).
    pub done_folder: Option<String>,
    /// Where rejected messages are moved (default `vouch-rejected`; empty: flag only).
    pub rejected_folder: Option<String>,
    /// The longest wait between two looks at the mailbox (default 30 s).
    pub poll: Duration,
    /// Wait with IDLE when the server has it (default on), so new mail is
    /// seen at once; `poll` still bounds each wait.
    pub idle: bool,
    /// Certificates (PEM) trusted besides the Mozilla roots: a private CA.
    pub ca_file: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for ImapConfig {
    /// Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .field("password", &"***")
            .field("mailbox", &self.mailbox)
            .field("done_folder", &self.done_folder)
            .field("rejected_folder", &self.rejected_folder)
            .field("poll", &self.poll)
            .field("idle", &self.idle)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl ImapConfig {
    pub fn parse(url: &str) -> Result<Self, ImapError> {
        let bad = |what: &str| ImapError::Config(what.to_string());
        let url = url::Url::parse(url).map_err(|e| bad(&format!("not a URL ({e})")))?;
        let mut security = match url.scheme() {
            "imap" => Security::Plain,
            "imaps" => Security::Tls,
            other => return Err(bad(&format!("scheme {other:?}: use imap:// or imaps://"))),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad("no host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let user = percent_decode(url.username());
        let password = percent_decode(url.password().unwrap_or(""));
        if user.is_empty() {
            return Err(bad("no user name (imap://user:password@host/INBOX)"));
        }
        let mailbox = percent_decode(url.path().trim_start_matches('/'));
        let mut config = ImapConfig {
            port: url.port().unwrap_or(if security == Security::Tls { 993 } else { 143 }),
            host,
            security,
            user,
            password,
            mailbox: if mailbox.is_empty() { "INBOX".into() } else { mailbox },
            done_folder: Some("vouch-done".into()),
            rejected_folder: Some("vouch-rejected".into()),
            poll: Duration::from_secs(30),
            idle: true,
            ca_file: None,
        };
        for (key, value) in url.query_pairs() {
            let folder = || Some(value.to_string()).filter(|v| !v.is_empty());
            match key.as_ref() {
                "done" => config.done_folder = folder(),
                "rejected" => config.rejected_folder = folder(),
                "poll" => {
                    let secs: f64 = value.parse().map_err(|_| bad(&format!("poll={value}: seconds, e.g. 30")))?;
                    if !(0.01..=86_400.0).contains(&secs) {
                        return Err(bad(&format!("poll={value}: between 0.01 and 86400 seconds")));
                    }
                    config.poll = Duration::from_secs_f64(secs);
                }
                "idle" => config.idle = !matches!(value.as_ref(), "off" | "no" | "false" | "0"),
                "ca" => config.ca_file = Some(value.to_string().into()),
                "tls" => match (value.as_ref(), security) {
                    ("starttls" | "required", Security::Plain) => security = Security::StartTls,
                    ("starttls" | "required", _) => {}
                    _ => return Err(bad(&format!("tls={value}: use tls=starttls (or imaps://)"))),
                },
                other => return Err(bad(&format!("unknown parameter {other:?}"))),
            }
        }
        config.security = security;
        if config.ca_file.is_some() && security == Security::Plain {
            return Err(bad("ca= needs TLS: use imaps:// or tls=starttls"));
        }
        for folder in [&config.mailbox].into_iter().chain(config.done_folder.iter()).chain(&config.rejected_folder) {
            // async-imap quotes names; line breaks cannot be quoted, and
            // non-ASCII names would need modified UTF-7.
            if folder.chars().any(|c| c.is_control() || !c.is_ascii()) {
                return Err(bad(&format!("folder {folder:?}: use ASCII letters, digits and punctuation")));
            }
        }
        Ok(config)
    }

    pub fn describe(&self) -> String {
        let scheme = match self.security {
            Security::Plain => "imap",
            Security::StartTls => "imap+starttls",
            Security::Tls => "imaps",
        };
        format!("{scheme}://{}@{}:{}/{}", self.user, self.host, self.port, self.mailbox)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Stream for T {}

/// How one fetched message ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Its result is committed (or it needed none): never fetch it again.
    Done,
    /// Refused for good: keep it aside for a person to look at.
    Rejected,
}

/// A message waiting in the mailbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    pub uid: u32,
    pub size: u32,
}

/// What the server and the selected mailbox can do, as far as marking goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Abilities {
    /// UID MOVE (RFC 6851); else COPY + `\Deleted` + EXPUNGE.
    can_move: bool,
    /// UID EXPUNGE (RFC 4315): expunges only our message.
    uidplus: bool,
    idle: bool,
    /// The mailbox keeps `$VouchDone`/`$VouchRejected`; else `\Seen` marks.
    keywords: bool,
}

/// One logged-in connection with the mailbox selected.
pub struct Inbox {
    session: Session<Box<dyn Stream>>,
    config: Arc<ImapConfig>,
    abilities: Abilities,
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbox").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Inbox {
    /// Connects, logs in, creates the done/rejected folders if missing and
    /// selects the mailbox.
    pub async fn connect(config: Arc<ImapConfig>) -> Result<Self, ImapError> {
        let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((config.host.as_str(), config.port)))
            .await
            .map_err(|_| ImapError::Protocol(format!("connecting to {}:{} timed out", config.host, config.port)))??;
        let stream: Box<dyn Stream> = match config.security {
            Security::Plain => Box::new(tcp),
            Security::Tls => Box::new(tls(&config, tcp).await?),
            Security::StartTls => {
                let mut plain = async_imap::Client::new(tcp);
                plain.read_response().await?.ok_or_else(|| ImapError::Protocol("no greeting".into()))?;
                plain.run_command_and_check_ok("STARTTLS", None).await?;
                Box::new(tls(&config, plain.into_inner()).await?)
            }
        };
        let mut client = async_imap::Client::new(stream);
        if config.security != Security::StartTls {
            client.read_response().await?.ok_or_else(|| ImapError::Protocol("no greeting".into()))?;
        }
        let mut session = client
            .login(&config.user, &config.password)
            .await
            .map_err(|(e, _)| ImapError::Protocol(format!("login as {} refused: {e}", config.user)))?;
        let caps = session.capabilities().await?;
        let (can_move, uidplus, idle) = (caps.has_str("MOVE"), caps.has_str("UIDPLUS"), caps.has_str("IDLE"));
        drop(caps);
        for folder in config.done_folder.iter().chain(&config.rejected_folder) {
            // Exists already is the usual answer; a real failure shows at MOVE.
            let _ = session.create(folder).await;
        }
        let mailbox = session.select(&config.mailbox).await?;
        let keywords = keeps_keywords(&mailbox.permanent_flags);
        if !keywords {
            let seen = mailbox.permanent_flags.contains(&Flag::Seen);
            tracing::warn!(
                "imap {}: the mailbox keeps no custom keywords; handled mail is marked \\Seen only{}",
                config.describe(),
                if seen { "" } else { " (nor \\Seen: only the done/rejected folders keep mail from being read again)" }
            );
        }
        Ok(Self { session, config, abilities: Abilities { can_move, uidplus, idle, keywords } })
    }

    /// Messages without a vouch keyword (unseen ones where the mailbox keeps
    /// no keywords), oldest first, at most `limit`.
    pub async fn pending(&mut self, limit: usize) -> Result<Vec<Pending>, ImapError> {
        let query = if self.abilities.keywords {
            format!("UNDELETED UNKEYWORD {DONE_KEYWORD} UNKEYWORD {REJECTED_KEYWORD}")
        } else {
            "UNDELETED UNSEEN".to_string()
        };
        let uids: HashSet<u32> = self.session.uid_search(query).await?;
        let mut uids: Vec<u32> = uids.into_iter().collect();
        uids.sort_unstable();
        uids.truncate(limit);
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set = uids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let fetches: Vec<_> = self.session.uid_fetch(&set, "(UID RFC822.SIZE)").await?.try_collect().await?;
        let mut out: Vec<Pending> =
            fetches.iter().filter_map(|f| Some(Pending { uid: f.uid?, size: f.size.unwrap_or(0) })).collect();
        out.sort_by_key(|p| p.uid);
        Ok(out)
    }

    /// The whole message, without setting `\Seen` (BODY.PEEK).
    pub async fn fetch(&mut self, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
        let fetches: Vec<_> = self.session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").await?.try_collect().await?;
        Ok(fetches.iter().find(|f| f.uid == Some(uid)).and_then(|f| f.body()).map(<[u8]>::to_vec))
    }

    /// Marks a message handled: `\Seen` plus the keyword (when the mailbox
    /// keeps keywords), then a move to the folder when one is configured.
    pub async fn mark(&mut self, uid: u32, disposition: Disposition) -> Result<(), ImapError> {
        let (keyword, folder) = match disposition {
            Disposition::Done => (DONE_KEYWORD, self.config.done_folder.clone()),
            Disposition::Rejected => (REJECTED_KEYWORD, self.config.rejected_folder.clone()),
        };
        let flags = if self.abilities.keywords { format!("(\\Seen {keyword})") } else { "(\\Seen)".to_string() };
        self.store(uid, &flags).await?;
        if let Some(folder) = folder {
            self.move_to(uid, &folder).await?;
        }
        Ok(())
    }

    async fn store(&mut self, uid: u32, flags: &str) -> Result<(), ImapError> {
        let _: Vec<_> =
            self.session.uid_store(uid.to_string(), format!("+FLAGS.SILENT {flags}")).await?.try_collect().await?;
        Ok(())
    }

    /// UID MOVE, or without it RFC 6851's own fallback: COPY, `\Deleted`,
    /// EXPUNGE. A crash in between leaves the original marked (so it is not
    /// handled again) next to its copy.
    async fn move_to(&mut self, uid: u32, folder: &str) -> Result<(), ImapError> {
        let set = uid.to_string();
        if self.abilities.can_move {
            self.session.uid_mv(&set, folder).await?;
            return Ok(());
        }
        self.session.uid_copy(&set, folder).await?;
        self.store(uid, "(\\Deleted)").await?;
        if self.abilities.uidplus {
            let _: Vec<_> = self.session.uid_expunge(&set).await?.try_collect().await?;
        } else {
            let _: Vec<_> = self.session.expunge().await?.try_collect().await?;
        }
        Ok(())
    }

    /// Waits until the server reports a change (IDLE) or `poll` passes.
    pub async fn wait(self) -> Result<Self, ImapError> {
        let Inbox { session, config, abilities } = self;
        if !(config.idle && abilities.idle) {
            tokio::time::sleep(config.poll).await;
            return Ok(Inbox { session, config, abilities });
        }
        let mut idle = session.idle();
        idle.init().await?;
        let (wait, _interrupt) = idle.wait_with_timeout(config.poll);
        wait.await?;
        let session = idle.done().await?;
        Ok(Inbox { session, config, abilities })
    }

    pub async fn logout(mut self) {
        let _ = self.session.logout().await;
    }
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether a mailbox with these PERMANENTFLAGS keeps our keywords: `\*`
/// (new keywords may be created) or both of ours listed. A server that
/// sends no PERMANENTFLAGS keeps every flag (RFC 3501, 7.1).
fn keeps_keywords(permanent: &[Flag<'_>]) -> bool {
    let listed = |keyword: &str| permanent.iter().any(|f| matches!(f, Flag::Custom(k) if k == keyword));
    permanent.is_empty() || permanent.contains(&Flag::MayCreate) || (listed(DONE_KEYWORD) && listed(REJECTED_KEYWORD))
}

async fn tls(config: &ImapConfig, tcp: TcpStream) -> Result<tokio_rustls::client::TlsStream<TcpStream>, ImapError> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &config.ca_file {
        let unusable = |e: &dyn std::fmt::Display| ImapError::Config(format!("ca={}: {e}", path.display()));
        let pem = std::fs::read(path).map_err(|e| unusable(&e))?;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            roots.add(cert.map_err(|e| unusable(&e))?).map_err(|e| unusable(&e))?;
        }
    }
    let tls = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ImapError::Protocol(format!("TLS setup: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let host = &config.host;
    let name = rustls_pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| ImapError::Config(format!("host {host:?} is not a TLS server name: {e}")))?;
    Ok(tokio_rustls::TlsConnector::from(Arc::new(tls)).connect(name, tcp).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_defaults_and_options() {
        let c = ImapConfig::parse("imap://vouch:s3cret%20p%40ss@127.0.0.1:1143/INBOX").expect("parse");
        assert_eq!((c.host.as_str(), c.port, c.security), ("127.0.0.1", 1143, Security::Plain));
        assert_eq!((c.user.as_str(), c.password.as_str(), c.mailbox.as_str()), ("vouch", "s3cret p@ss", "INBOX"));
        assert_eq!(c.done_folder.as_deref(), Some("vouch-done"));
        assert_eq!(c.poll, Duration::from_secs(30));
        assert!(!format!("{c:?}").contains("s3cret"), "no password in Debug");

        let c = ImapConfig::parse("imaps://u:p@mail.example.org?poll=0.5&done=&rejected=Junk&idle=off").expect("ok");
        assert_eq!((c.port, c.security, c.mailbox.as_str()), (993, Security::Tls, "INBOX"));
        assert_eq!((c.done_folder, c.rejected_folder.as_deref()), (None, Some("Junk")));
        assert_eq!((c.poll, c.idle), (Duration::from_millis(500), false));

        let c = ImapConfig::parse("imap://u:p@mail.example.org/Vouch?tls=starttls").expect("ok");
        assert_eq!((c.port, c.security, c.mailbox.as_str()), (143, Security::StartTls, "Vouch"));
    }

    #[test]
    fn keywords_are_used_only_where_the_mailbox_keeps_them() {
        use std::borrow::Cow;
        let custom = |k: &'static str| Flag::Custom(Cow::Borrowed(k));
        // Dovecot, Cyrus, Gmail: `\*` says new keywords may be created.
        assert!(keeps_keywords(&[Flag::Seen, Flag::Deleted, Flag::MayCreate]));
        // No PERMANENTFLAGS at all: every flag is permanent.
        assert!(keeps_keywords(&[]));
        // Ours were created before and are listed, even without `\*`.
        assert!(keeps_keywords(&[Flag::Seen, custom(DONE_KEYWORD), custom(REJECTED_KEYWORD)]));
        // System flags only (Dovecot with an ACL without `w`, Exchange's
        // older IMAP): `\Seen` alone marks.
        assert!(!keeps_keywords(&[Flag::Deleted, Flag::Seen]));
        assert!(!keeps_keywords(&[Flag::Seen, custom(DONE_KEYWORD)]), "the rejected keyword could not be kept");
        assert!(!keeps_keywords(&[Flag::Seen, custom("$Junk")]));
    }

    #[test]
    fn bad_urls_say_what_is_wrong_without_the_password() {
        for (url, says) in [
            ("pop3://u:p@h/INBOX", "scheme"),
            ("imap://h/INBOX", "no user"),
            ("imap://u:hunter2@h/INBOX?poll=never", "poll"),
            ("imap://u:hunter2@h/INBOX?colour=blue", "unknown parameter"),
            ("imap://u:hunter2@h/IN%0ABOX", "use ASCII"),
            ("imap://u:hunter2@h/INBOX?ca=/etc/ca.pem", "needs TLS"),
        ] {
            let e = ImapConfig::parse(url).expect_err(url).to_string();
            assert!(e.contains(says), "{url}: {e}");
            assert!(!e.contains("hunter2"), "{e}");
        }
    }
}
