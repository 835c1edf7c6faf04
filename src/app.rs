//! Wiring: the store, engine and renderer of one data dir, and the way a
//! second process reaches them (the control socket) when the first holds
//! the data dir's lock.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use vouch_store::Read;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use vouch_core::delivery::{RetryPolicy, SendOutcome, Transport, Worker};
use vouch_core::{Caller, Engine, Format, IdGen, RandomIds, Renderer, SystemClock};
use vouch_store::{Channel, IdentityKey, OutboxMessage, Store, StoreError};

use crate::config::Config;

/// Everything that serves one data dir in this process.
pub struct App {
    pub config: Config,
    pub store: Arc<Store>,
    pub engine: Arc<Engine>,
    pub renderer: Arc<Renderer>,
}

/// Who a line comes from, as the CLI and the socket carry it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Speaker {
    /// `None` is the administrator.
    pub identity: Option<String>,
    pub name: Option<String>,
}

impl Speaker {
    pub fn admin() -> Self {
        Self { identity: None, name: None }
    }

    pub(crate) fn caller(&self) -> anyhow::Result<Caller> {
        match &self.identity {
            None => Ok(Caller::admin()),
            Some(id) => {
                let key = IdentityKey::parse(id).map_err(|e| anyhow::anyhow!("{e}"))?;
                if key.channel() == Channel::Webhook {
                    bail!("{key} is a webhook endpoint, not a person");
                }
                let name = self.name.clone().unwrap_or_else(|| key.external().to_string());
                Ok(Caller::new(key, &name))
            }
        }
    }
}

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("vouch.sock")
}

impl App {
    pub fn open(config: Config) -> Result<Self, OpenError> {
        Self::open_with(config, Arc::new(RandomIds))
    }

    pub fn open_with(config: Config, ids: Arc<dyn IdGen>) -> Result<Self, OpenError> {
        let dir = config.data_dir();
        match crate::secure::tighten(&dir) {
            Ok(0) => {}
            Ok(n) => tracing::warn!("{} was readable by others; made {n} entries private (0700/0600)", dir.display()),
            Err(e) => {
                return Err(OpenError::Other(
                    anyhow::Error::new(e).context(format!("cannot secure {}", dir.display())),
                ));
            }
        }
        // A running serve answers on its control socket: go there at once
        // rather than wait out the store's lock grace period.
        if UnixStream::connect(socket_path(&dir)).is_ok() {
            return Err(OpenError::InUse(dir));
        }
        let options = config.store_options().map_err(OpenError::Other)?;
        let store = match Store::open_with(&dir, options) {
            Ok(s) => Arc::new(s),
            Err(StoreError::Locked(_)) => return Err(OpenError::InUse(dir)),
            Err(e) => {
                return Err(OpenError::Other(anyhow::Error::new(e).context(format!("cannot open {}", dir.display()))));
            }
        };
        let renderer = Renderer::load(config.templates_dir.as_deref()).map_err(|e| OpenError::Other(e.into()))?;
        let mut settings = config.settings(renderer.languages()).map_err(OpenError::Other)?;
        settings.languages = settings.languages.with_calendar_words(|lang, id| renderer.text(lang, id));
        let engine = Engine::new(Arc::clone(&store), Arc::new(SystemClock), ids, settings)
            .map_err(|e| OpenError::Other(anyhow::anyhow!("cannot start the engine: {e}")))?;
        let organizers = config.organizer_identities().map_err(OpenError::Other)?;
        engine
            .seed_organizers(&organizers)
            .map_err(|e| OpenError::Other(anyhow::anyhow!("cannot seed organizers: {e}")))?;
        Ok(Self { config, store, engine: Arc::new(engine), renderer: Arc::new(renderer) })
    }

    /// Runs one line and renders the answer, plus any notices waiting for a
    /// console identity.
    pub fn say(&self, speaker: &Speaker, line: &str) -> anyhow::Result<Said> {
        let caller = speaker.caller()?;
        let response = self.engine.handle(&caller, vouch_core::Input::Line(line), None);
        let mut texts: Vec<String> = response.replies.iter().map(|r| self.renderer.render(r, Format::Plain)).collect();
        texts.extend(self.take_console_notices(&caller.identity)?);
        Ok(Said { texts, refusal: response.refusal() })
    }

    /// Console identities have no platform to push to: their notices wait
    /// in the outbox until that person next uses the console, and are then
    /// delivered through the [`Console`] transport.
    pub fn take_console_notices(&self, identity: &IdentityKey) -> anyhow::Result<Vec<String>> {
        if identity.channel() != Channel::Console {
            return Ok(Vec::new());
        }
        let now = self.engine.now();
        let pending = self.store.outbox_pending_for(identity)?;
        // Shown only once saved: another command's row may still be flushing.
        self.store.settle_reads()?;
        let due: Vec<_> = pending.into_iter().filter(|m| m.next_attempt_at <= now).collect();
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let console = Console { renderer: Arc::clone(&self.renderer), shown: Mutex::new(Vec::new()) };
        let worker = Worker::new(Arc::clone(&self.engine), console, RetryPolicy::CHAT);
        // Called from plain threads (the CLI, control connections); the
        // worker settles rows off its async thread, so it needs a runtime.
        let runtime = tokio::runtime::Builder::new_current_thread().build()?;
        runtime.block_on(worker.deliver(due)).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(std::mem::take(&mut *worker.transport().shown.lock().unwrap_or_else(|p| p.into_inner())))
    }

    /// Serves the control socket on a background thread, so `vouch chat`
    /// and admin commands from other processes reach this one.
    pub fn serve_control_socket(self: &Arc<Self>) -> anyhow::Result<PathBuf> {
        let path = socket_path(&self.config.data_dir());
        // We hold the data dir's lock, so any socket file left is stale.
        let _ = std::fs::remove_file(&path);
        let listener = UnixListener::bind(&path).with_context(|| format!("cannot listen on {}", path.display()))?;
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
        let app = Arc::clone(self);
        std::thread::Builder::new().name("control".into()).spawn(move || {
            for stream in listener.incoming().flatten() {
                let app = Arc::clone(&app);
                let _ = std::thread::Builder::new().name("control-conn".into()).spawn(move || {
                    if let Err(e) = app.serve_connection(stream) {
                        tracing::warn!("control connection: {e:#}");
                    }
                });
            }
        })?;
        Ok(path)
    }

    fn serve_connection(&self, stream: UnixStream) -> anyhow::Result<()> {
        // One write per answer, not one per JSON token (an export is megabytes).
        let mut writer = std::io::BufWriter::with_capacity(64 * 1024, stream.try_clone()?);
        for line in BufReader::new(stream).lines() {
            let request: Request = serde_json::from_str(&line?)?;
            let response = match request {
                Request::Say { speaker, line } => match self.say(&speaker, &line) {
                    Ok(said) => Answer::Said(said),
                    Err(e) => Answer::Error(format!("{e:#}")),
                },
                Request::Ingest { plan } => match vouch_mailer::intake::apply(&self.engine, &plan) {
                    Ok(texts) => Answer::Texts(texts),
                    Err(e) => Answer::Error(format!("{e:#}")),
                },
                Request::ExportStream => {
                    serde_json::to_writer(&mut writer, &Answer::Streaming)?;
                    writer.write_all(b"\n")?;
                    let counts = self.store.snapshot_to(&mut writer, vouch_store::DumpStyle::Compact)?;
                    writer.write_all(b"\n")?;
                    Answer::Streamed(counts)
                }
                Request::Export => match self.store.snapshot() {
                    Ok(dump) => Answer::Export(Box::new(dump)),
                    Err(e) => Answer::Error(e.to_string()),
                },
                Request::Webhook { cmd } => Answer::Webhook(crate::webhook::apply(&self.engine, &cmd)),
                Request::Doctor { repair } => match self.store.doctor(repair) {
                    Ok(report) => Answer::Doctor(Box::new(report)),
                    Err(e) => Answer::Error(e.to_string()),
                },
                Request::ApiKey { key_op } => match crate::api_keys::apply(&self.engine, key_op) {
                    Ok(answer) => Answer::ApiKey(answer),
                    Err(e) => Answer::Error(format!("{e:#}")),
                },
            };
            serde_json::to_writer(&mut writer, &response)?;
            writer.write_all(b"\n")?;
            writer.flush()?;
        }
        Ok(())
    }
}

/// The console channel: a notice is "sent" by showing it to the person at
/// the console, so it is rendered as plain text and kept for the answer.
pub struct Console {
    renderer: Arc<Renderer>,
    shown: Mutex<Vec<String>>,
}

impl Transport for Console {
    const CHANNEL: Channel = Channel::Console;
    const NAME: &'static str = "console";
    type Rendered = String;

    fn render(&self, message: &OutboxMessage, lang: &str) -> Result<String, String> {
        self.renderer.render_template(lang, &message.template, &message.data, Format::Plain).map_err(|e| e.to_string())
    }

    async fn send(&self, _message: &OutboxMessage, text: &String) -> SendOutcome {
        self.shown.lock().unwrap_or_else(|p| p.into_inner()).push(format!("📬 {text}"));
        SendOutcome::Sent
    }
}

#[derive(Debug)]
pub enum OpenError {
    /// Another vouch process holds the data dir.
    InUse(PathBuf),
    Other(anyhow::Error),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::InUse(dir) => write!(f, "{}", StoreError::Locked(dir.clone())),
            OpenError::Other(e) => write!(f, "{e:#}"),
        }
    }
}

/// The texts of one command's answer and, when it was not done, why (the
/// CLI's exit code).
#[derive(Debug, Serialize, Deserialize)]
pub struct Said {
    pub texts: Vec<String>,
    pub refusal: Option<vouch_core::Refusal>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum Request {
    Say {
        speaker: Speaker,
        line: String,
    },
    // Boxed: a plan is far larger than the other requests (same JSON).
    Ingest {
        plan: Box<vouch_mailer::intake::Plan>,
    },
    Export,
    /// The export as it is read: a `Streaming` answer line, then the export
    /// itself as one line of JSON (or the connection closes mid-line when the
    /// store fails, which the reader sees as a truncated document).
    #[serde(rename = "export-stream")]
    ExportStream,
    Doctor {
        repair: bool,
    },
    Webhook {
        cmd: crate::webhook::WebhookCmd,
    },
    #[serde(rename = "api-key")]
    ApiKey {
        key_op: crate::api_keys::ApiKeyOp,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Answer {
    Said(Said),
    Streaming,
    Streamed(vouch_store::DumpCounts),
    Texts(Vec<String>),
    Export(Box<vouch_store::Dump>),
    Doctor(Box<vouch_store::DoctorReport>),
    /// A webhook command's lines, or why it was refused.
    Webhook(Result<Vec<String>, String>),
    #[serde(rename = "api-key")]
    ApiKey(crate::api_keys::ApiKeyAnswer),
    Error(String),
}

/// Talks to the vouch process that holds the data dir.
pub struct Remote {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Remote {
    pub fn connect(data_dir: &Path) -> anyhow::Result<Self> {
        let path = socket_path(data_dir);
        let stream = UnixStream::connect(&path).with_context(|| {
            format!(
                "{} is in use by another vouch process, and its control socket {} does not answer",
                data_dir.display(),
                path.display()
            )
        })?;
        Ok(Self { reader: BufReader::new(stream.try_clone()?), writer: stream })
    }

    fn call(&mut self, request: &Request) -> anyhow::Result<Answer> {
        serde_json::to_writer(&mut self.writer, request)?;
        self.writer.write_all(b"\n")?;
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            bail!("the vouch process closed the connection");
        }
        Ok(serde_json::from_str(&line)?)
    }

    pub fn say(&mut self, speaker: &Speaker, line: &str) -> anyhow::Result<Said> {
        match self.call(&Request::Say { speaker: speaker.clone(), line: line.to_string() })? {
            Answer::Said(said) => Ok(said),
            Answer::Error(e) => bail!(e),
            _ => bail!("unexpected answer"),
        }
    }

    /// Hands an email to the process that holds the data dir.
    pub fn ingest(&mut self, plan: &vouch_mailer::intake::Plan) -> anyhow::Result<Vec<String>> {
        match self.call(&Request::Ingest { plan: Box::new(plan.clone()) })? {
            Answer::Texts(t) => Ok(t),
            Answer::Error(e) => bail!(e),
            _ => bail!("unexpected answer"),
        }
    }

    /// Runs a `vouch webhook` command in the running process.
    pub fn webhook(&mut self, cmd: &crate::webhook::WebhookCmd) -> anyhow::Result<Result<Vec<String>, String>> {
        match self.call(&Request::Webhook { cmd: cmd.clone() })? {
            Answer::Webhook(answer) => Ok(answer),
            Answer::Error(e) => bail!(e),
            _ => bail!("unexpected answer"),
        }
    }

    /// Checks (and with `repair` rebuilds) the store of the running process.
    pub fn doctor(&mut self, repair: bool) -> anyhow::Result<vouch_store::DoctorReport> {
        match self.call(&Request::Doctor { repair })? {
            Answer::Doctor(report) => Ok(*report),
            Answer::Error(e) => bail!(e),
            _ => bail!("unexpected answer"),
        }
    }

    /// The running process's export, written to `out` as pretty JSON with a
    /// final newline while it arrives (never whole in memory here or there).
    pub fn export_to(&mut self, mut out: impl Write) -> anyhow::Result<vouch_store::DumpCounts> {
        match self.call(&Request::ExportStream)? {
            Answer::Streaming => {}
            Answer::Error(e) => bail!(e),
            _ => bail!("unexpected answer"),
        }
        {
            let mut source = serde_json::Deserializer::from_reader(&mut self.reader);
            let mut pretty = serde_json::Serializer::pretty(std::io::BufWriter::new(&mut out));
            serde_transcode::transcode(&mut source, &mut pretty)
                .context("the export from the running vouch process broke off")?;
            pretty.into_inner().flush()?;
        }
        out.write_all(b"\n")?;
        // The rest of the export's line, then what it held.
        let mut rest = String::new();
        self.reader.read_line(&mut rest)?;
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            bail!("the vouch process closed the connection");
        }
        match serde_json::from_str(&line)? {
            Answer::Streamed(counts) => Ok(counts),
            Answer::Error(e) => bail!(e),
            _ => bail!("unexpected answer"),
        }
    }

    pub fn api_key(&mut self, op: &crate::api_keys::ApiKeyOp) -> anyhow::Result<crate::api_keys::ApiKeyAnswer> {
        match self.call(&Request::ApiKey { key_op: op.clone() })? {
            Answer::ApiKey(answer) => Ok(answer),
            Answer::Error(e) => bail!(e),
            _ => bail!("unexpected answer"),
        }
    }

    pub fn export(&mut self) -> anyhow::Result<vouch_store::Dump> {
        match self.call(&Request::Export)? {
            Answer::Export(d) => Ok(*d),
            Answer::Error(e) => bail!(e),
            _ => bail!("unexpected answer"),
        }
    }
}

/// A place to send lines: this process's own app, or the one holding the lock.
pub enum Session {
    Local(Arc<App>),
    Remote(Remote),
}

impl Session {
    /// Opens the data dir, or connects to the process that has it open.
    pub fn open(config: Config) -> anyhow::Result<Self> {
        let dir = config.data_dir();
        match App::open(config) {
            Ok(app) => Ok(Session::Local(Arc::new(app))),
            Err(OpenError::InUse(_)) => Ok(Session::Remote(Remote::connect(&dir)?)),
            Err(OpenError::Other(e)) => Err(e),
        }
    }

    pub fn say(&mut self, speaker: &Speaker, line: &str) -> anyhow::Result<Said> {
        match self {
            Session::Local(app) => app.say(speaker, line),
            Session::Remote(r) => r.say(speaker, line),
        }
    }
}
