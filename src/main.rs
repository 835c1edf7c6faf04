//! vouch: the binary. CLI parsing and wiring only; rules live in vouch-core.

mod api_keys;
mod app;
mod backup;
#[cfg(feature = "bench")]
mod bench_api;
mod chat;
mod config;
mod csv_export;
mod demo;
mod discord;
mod doctor;
mod http;
mod ingest;
mod log;
mod secure;
mod telegram;
mod webhook;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use vouch_core::delivery::{RetryPolicy, Worker};
use vouch_core::tasks;

use crate::app::{App, OpenError, Session, Speaker};
use crate::config::Config;

#[derive(Parser, Debug)]
#[command(
    name = "vouch",
    version,
    disable_help_subcommand = true,
    about = "Self-hosted referral assistant: codes, introductions, rewards and champion events.",
    after_help = "Any engine command also works from the command line, run as the administrator:\n  \
                  vouch role grant alice organizer\n  vouch program list\n  vouch referrals\n  \
                  vouch convert R1 1200\n  vouch report 2026-11\n  \
                  vouch event create --kind mastermind --title T --start \"2026-12-03 18:00\" --tz Europe/Bucharest --every month\n  \
                  vouch event invite E1 alice email:bob@example.org\n  vouch rsvp E1 alice yes\n  vouch ics E1\nSee `vouch help` for the full list."
)]
struct Cli {
    /// TOML config file (default: ./vouch.toml if present). VOUCH_* variables override it.
    #[arg(long, global = true, env = "VOUCH_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (default ./vouch-data; also VOUCH_DATA_DIR).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Talk to vouch as a member, one command per line (stdin).
    Chat {
        /// Who you are: a console name (alice) or telegram:ID, discord:ID, email:ADDRESS.
        #[arg(long = "as", value_name = "IDENTITY")]
        who: String,
        /// Display name (default: the identity's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Run the configured frontends and the outbox until stopped.
    Serve {
        /// How often the outbox looks for due messages, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        poll_ms: u64,
        /// Hours between automatic backups in DATA_DIR/backups (0: none).
        #[arg(long, default_value_t = 24)]
        backup_hours: u64,
        /// Automatic backups kept.
        #[arg(long, default_value_t = 7)]
        backup_keep: usize,
        /// Wait after a mail's first temporary failure (4xx, server down), in
        /// milliseconds; doubles per further failure up to an hour, with jitter.
        #[arg(long, default_value_t = 30_000)]
        mail_retry_ms: u64,
        /// Wait after a webhook delivery's first failure, in milliseconds;
        /// doubles per further failure up to an hour, with jitter.
        #[arg(long, default_value_t = 30_000)]
        webhook_retry_ms: u64,
        /// Longest wait for a webhook receiver's answer, in milliseconds.
        #[arg(long, default_value_t = 10_000)]
        webhook_timeout_ms: u64,
    },
    /// Walk through the main flows on a temporary data dir.
    Demo {
        /// The language everyone in the demo is answered in (en, ru, ar, ro).
        #[arg(long)]
        language: Option<String>,
    },
    /// Write all data as JSON, or one table as CSV for a spreadsheet.
    Export {
        /// File to write (default: stdout).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// One table as CSV instead of everything as JSON.
        #[arg(long, value_enum, value_name = "TABLE")]
        csv: Option<csv_export::Table>,
    },
    /// Load an export into an empty data dir.
    Import { file: PathBuf },
    /// Take one email on stdin (an MTA pipe). Exit 0 accepted, 65 malformed, 67 sender not
    /// authenticated (VOUCH_MAIL_AUTH=require), 75 try later.
    Ingest {
        /// Classify and extract only; store nothing.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run: print the extraction as one JSON object.
        #[arg(long)]
        json: bool,
        /// The SMTP client's IP, for SPF (Postfix pipe: `${client_address}`). Default: the
        /// topmost Received header.
        #[arg(long)]
        client_ip: Option<std::net::IpAddr>,
        /// The SMTP HELO name (Postfix: `${client_helo}`).
        #[arg(long)]
        helo: Option<String>,
        /// The envelope sender (Postfix: `${sender}`). Default: the Return-Path header.
        #[arg(long)]
        mail_from: Option<String>,
    },
    /// Write a consistent snapshot (an export), also while `serve` runs.
    Backup {
        /// File to write (default: DATA_DIR/backups/vouch-TIMESTAMP.json).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Check the data: every value decodes, indexes match their entities,
    /// counters are ahead. Exit 0 healthy, 1 problems. Also while `serve` runs.
    Doctor {
        /// Rebuild indexes and counters from the entities (one transaction).
        #[arg(long, conflicts_with = "restore")]
        repair: bool,
        /// Replace the store with this backup or export (vouch must be
        /// stopped); the current store is moved aside, not deleted.
        #[arg(long, value_name = "BACKUP")]
        restore: Option<PathBuf>,
    },
    /// Signed webhooks out: add, list, remove, enable or test an endpoint.
    Webhook {
        #[command(subcommand)]
        cmd: webhook::WebhookCmd,
    },
    /// Measure durable throughput and latency on this disk.
    Bench {
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Concurrent clients for the concurrent runs.
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// Directory for the temporary stores (default: the system temp dir).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Run one measurement only: `ingest` is (d), inbound mail next to
        /// mail-parser's raw parse, without the disk-bound runs.
        #[arg(long, value_enum)]
        only: Option<BenchPart>,
    },
    /// Keys of the HTTP API (`/api/v1`): create, list, revoke. Also while `serve` runs.
    #[command(name = "api-key", subcommand)]
    ApiKey(api_keys::ApiKeyCmd),
    /// Any engine command, run as the administrator (`vouch help` lists them).
    #[command(external_subcommand)]
    Engine(Vec<String>),
}

/// A measurement `vouch bench --only` runs by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum BenchPart {
    /// (d): ingest's parse + classify + extract next to mail-parser's raw parse.
    Ingest,
    /// The HTTP API: signups/s and conversions/s at `--clients` over loopback.
    Api,
}

fn main() -> ExitCode {
    secure::private_by_default();
    log::init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vouch: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Exit codes of a refused engine command, from sysexits(3), so a script can
/// tell "fix the command" (65, EX_DATAERR) from "run it again later" (75,
/// EX_TEMPFAIL); the reason is on stdout as for a person.
fn refusal_exit(refusal: vouch_core::Refusal) -> ExitCode {
    match refusal {
        vouch_core::Refusal::Refused => ExitCode::from(65),
        vouch_core::Refusal::TryLater => ExitCode::from(75),
    }
}

/// `vouch bench`: the measurements of benches/, in a binary built with
/// `--features bench` (the production build carries neither them nor the
/// bundled SQLite they compare with).
#[cfg(feature = "bench")]
fn bench(
    json: bool,
    seconds: f64,
    clients: usize,
    dir: Option<PathBuf>,
    only: Option<BenchPart>,
) -> anyhow::Result<ExitCode> {
    let report = match only {
        Some(BenchPart::Ingest) => {
            let report = vouch_bench::run_ingest(seconds).map_err(|e| anyhow::anyhow!(e))?;
            if json { report.to_json().to_string() } else { report.table() }
        }
        Some(BenchPart::Api) => {
            let api = bench_api::measure(seconds, clients, dir.as_deref())?;
            if json { api.to_json().to_string() } else { api.line() }
        }
        None => {
            let opts = vouch_bench::BenchOptions { dir: dir.clone(), seconds, clients };
            let report = vouch_bench::run(&opts).map_err(|e| anyhow::anyhow!(e))?;
            let api = bench_api::measure(seconds, clients, dir.as_deref())?;
            if json {
                let mut all = report.to_json();
                all["api"] = api.to_json();
                all.to_string()
            } else {
                format!("{}\n{}", report.table(), api.line())
            }
        }
    };
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "bench"))]
fn bench(_: bool, _: f64, _: usize, _: Option<PathBuf>, _: Option<BenchPart>) -> anyhow::Result<ExitCode> {
    eprintln!(
        "vouch: this binary was built without the benchmarks; run them with\n  \
         cargo run --release --locked --features bench -- bench"
    );
    // sysexits.h EX_UNAVAILABLE: the service is not in this build.
    Ok(ExitCode::from(69))
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = &cli.data_dir {
        config.data_dir = Some(dir.clone());
    }
    Ok(config)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let Some(command) = &cli.command else {
        println!("vouch {} — try `vouch demo`, `vouch chat --as alice` or `vouch --help`.", env!("CARGO_PKG_VERSION"));
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Cmd::Chat { who, name } => {
            let config = load_config(&cli)?;
            vouch_store::IdentityKey::parse(who).map_err(|e| anyhow::anyhow!("--as: {e}"))?;
            let speaker = Speaker { identity: Some(who.clone()), name: name.clone() };
            chat::run(config, speaker)
        }
        Cmd::Serve { poll_ms, backup_hours, backup_keep, mail_retry_ms, webhook_retry_ms, webhook_timeout_ms } => {
            serve(
                load_config(&cli)?,
                Duration::from_millis((*poll_ms).max(10)),
                (*backup_hours > 0).then(|| (Duration::from_secs(backup_hours.saturating_mul(3600)), *backup_keep)),
                RetryPolicy { base: Duration::from_millis((*mail_retry_ms).max(1)), ..RetryPolicy::MAIL },
                Webhooks {
                    retry: RetryPolicy {
                        base: Duration::from_millis((*webhook_retry_ms).max(1)),
                        ..RetryPolicy::WEBHOOK
                    },
                    timeout: Duration::from_millis((*webhook_timeout_ms).max(1)),
                },
            )
        }
        Cmd::Webhook { cmd } => {
            let answer = match Session::open(load_config(&cli)?)? {
                Session::Local(app) => webhook::apply(&app.engine, cmd),
                Session::Remote(mut remote) => remote.webhook(cmd)?,
            };
            Ok(webhook::print(answer))
        }
        Cmd::Demo { language } => demo::run(language.as_deref()),
        Cmd::Export { out, csv } => export(load_config(&cli)?, out.as_deref(), *csv),
        Cmd::Import { file } => import(load_config(&cli)?, file),
        Cmd::Ingest { dry_run, json, client_ip, helo, mail_from } => {
            let envelope = vouch_mailer::auth::Envelope {
                client_ip: *client_ip,
                helo: helo.clone(),
                mail_from: mail_from.clone(),
            };
            Ok(ingest::run(load_config(&cli), *dry_run, *json, envelope))
        }
        Cmd::Backup { out } => backup::run(load_config(&cli)?, out.as_deref()),
        Cmd::Doctor { repair, restore } => doctor::run(load_config(&cli)?, *repair, restore.as_deref()),
        Cmd::Bench { json, seconds, clients, dir, only } => bench(*json, *seconds, *clients, dir.clone(), *only),
        Cmd::ApiKey(cmd) => {
            let op = api_keys::op(cmd)?;
            let answer = match Session::open(load_config(&cli)?)? {
                Session::Local(app) => api_keys::apply(&app.engine, op)?,
                Session::Remote(mut remote) => remote.api_key(&op)?,
            };
            api_keys::print(cmd, answer)
        }
        Cmd::Engine(args) => {
            let line = args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ");
            let mut session = Session::open(load_config(&cli)?)?;
            let said = session.say(&Speaker::admin(), &line)?;
            let texts = said.texts;
            let mut out = std::io::stdout().lock();
            // A calendar on stdout keeps RFC 5545's CRLF line endings.
            let calendar = args.first().is_some_and(|a| a == "ics" || a == "ical");
            for t in &texts {
                if calendar && t.starts_with("BEGIN:VCALENDAR") {
                    write!(out, "{}\r\n", t.replace('\n', "\r\n"))?;
                } else {
                    writeln!(out, "{t}")?;
                }
            }
            Ok(match said.refusal {
                None => ExitCode::SUCCESS,
                Some(refusal) => {
                    out.flush()?;
                    refusal_exit(refusal)
                }
            })
        }
    }
}

/// Keeps an argument with spaces together when the line is re-parsed.
fn quote(arg: &str) -> String {
    if arg.chars().any(char::is_whitespace) && !arg.contains('"') { format!("\"{arg}\"") } else { arg.to_string() }
}

/// How `serve` delivers webhooks out.
struct Webhooks {
    retry: RetryPolicy,
    timeout: Duration,
}

fn serve(
    config: Config,
    poll: Duration,
    backups: Option<(Duration, usize)>,
    retry: RetryPolicy,
    webhooks: Webhooks,
) -> anyhow::Result<ExitCode> {
    let frontends = config.frontends();
    let mail = vouch_mailer::MailConfig {
        from: config.mail_from(),
        smtp_url: config.smtp_url.as_ref().map(|s| s.expose().to_string()),
        maildir: config.data_dir().join("mail"),
    };
    let app = match App::open(config) {
        Ok(app) => Arc::new(app),
        Err(OpenError::InUse(dir)) => bail!("vouch is already running on {} (stop it first)", dir.display()),
        Err(OpenError::Other(e)) => return Err(e),
    };
    let mailer = vouch_mailer::Mailer::new(&mail).map_err(|e| anyhow::anyhow!("{e}"))?;
    warn_unauthenticated_organizers(&app)?;
    let socket = app.serve_control_socket()?;
    // One set of limits for every HTTP listener: they share the connection slots.
    let http_limits = app.config.http_limits()?;
    let telegram = telegram::config(&app.config, poll, &http_limits)?;
    let discord = discord::config(&app.config, poll)?;
    let imap = match &app.config.imap_url {
        Some(url) => Some((
            vouch_mailer::imap::ImapConfig::parse(url.expose())?,
            app.config.intake(vouch_mailer::auth::Envelope::default())?,
        )),
        None => None,
    };
    let http = match app.config.http_listen()? {
        Some(addr) => Some(http::bind(addr)?),
        None => None,
    };
    let (per_second, burst) = app.config.api_rate()?;
    let api = http::ApiConfig {
        limits: http::ApiLimits { per_second, burst },
        stripe_secret: app.config.stripe_webhook_secret()?.map(|s| s.expose().to_string()),
    };
    if frontends.is_empty() {
        println!(
            "vouch: no chat or email frontends configured (set VOUCH_TELEGRAM_TOKEN, VOUCH_DISCORD_TOKEN or VOUCH_IMAP_URL)."
        );
    }
    match &telegram {
        Some(t) if t.webhook.is_some() => println!("vouch: telegram bot running (webhook)"),
        Some(_) => println!("vouch: telegram bot running (long polling)"),
        None => {}
    }
    if discord.is_some() {
        println!("vouch: discord bot running (gateway)");
    }
    if let Some((imap, _)) = &imap {
        let done = imap.done_folder.as_deref().unwrap_or("stays in place, flagged");
        println!("vouch: reading mail from {} (handled mail: {done})", imap.describe());
    }
    if let Some(listener) = &http {
        let links = match &app.engine.settings().public_url {
            Some(url) => format!("links in mail point at {}", url.as_str()),
            None => "no links in mail until VOUCH_PUBLIC_URL is set".to_string(),
        };
        println!("vouch: http on {} ({links})", listener.local_addr()?);
    }
    if (http.is_some() || telegram.as_ref().is_some_and(|t| t.webhook.is_some()))
        && let Some(wanted) = http_limits.lowered_from()
    {
        println!(
            "vouch: at most {} HTTP connections at once (VOUCH_HTTP_MAX_CONNECTIONS={wanted} lowered to stay under the open-file limit)",
            http_limits.max_connections()
        );
    }
    println!("vouch: outbox running; mail goes to {}", mailer.describe());
    println!(
        "vouch: data in {}; talk to me with `vouch chat --as NAME` (control socket {})",
        app.config.data_dir().display(),
        socket.display()
    );
    std::io::stdout().flush()?;

    // Fail-stop: after a failed flush nothing can be saved or acknowledged,
    // and only a fresh start (sled recovering from what reached the disk)
    // gives a state that is known. Stop and exit non-zero so a supervisor
    // restarts vouch; until then every command answers "try again later".
    let poisoned = Arc::new(tokio::sync::Notify::new());
    {
        let poisoned = Arc::clone(&poisoned);
        app.store.on_poisoned(move |why| {
            tracing::error!("a write to disk failed ({why}); stopping so nothing unsaved is acknowledged or sent");
            poisoned.notify_one();
        });
    }
    let webhook_client = vouch_bots::webhook::client(webhooks.timeout)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let failed = runtime.block_on(async {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let telegram = telegram.map(|config| {
            let (engine, renderer, stopped) = (Arc::clone(&app.engine), Arc::clone(&app.renderer), stopped.clone());
            tokio::spawn(async move {
                if let Err(e) = vouch_bots::telegram::run(engine, renderer, config, stopped).await {
                    tracing::error!("telegram: {e}; the Telegram frontend is stopped");
                }
            })
        });
        let discord = discord.map(|config| {
            let (engine, renderer, stopped) = (Arc::clone(&app.engine), Arc::clone(&app.renderer), stopped.clone());
            tokio::spawn(async move {
                if let Err(e) = vouch_bots::discord::run(config, engine, renderer, stopped).await {
                    tracing::error!("{e}; the Discord frontend is stopped");
                }
            })
        });
        let imap = imap.map(|(config, intake)| {
            tokio::spawn(vouch_mailer::poller::run(Arc::clone(&app.engine), config, intake, stopped.clone()))
        });
        let http = http.map(|listener| {
            let (engine, renderer, stopped) = (Arc::clone(&app.engine), Arc::clone(&app.renderer), stopped.clone());
            let limits = http_limits.clone();
            tokio::spawn(async move {
                if let Err(e) = http::run(engine, renderer, listener, limits, api, stopped).await {
                    tracing::error!("http: {e:#}; the HTTP server is stopped");
                }
            })
        });
        let housekeeping = tokio::spawn(housekeeping(Arc::clone(&app.engine), stopped.clone()));
        let scheduler = tokio::spawn(scheduler(Arc::clone(&app.engine), stopped.clone()));
        let backups =
            backups.map(|(every, keep)| tokio::spawn(backup::periodic(Arc::clone(&app), every, keep, stopped.clone())));
        let mail =
            vouch_mailer::MailTransport::new(mailer, Arc::clone(&app.renderer), app.engine.public_links().cloned());
        let webhook_transport =
            vouch_bots::webhook::WebhookTransport::new(Arc::clone(&app.engine), webhook_client, stopped.clone());
        let webhook_worker = tokio::spawn(
            Worker::new(Arc::clone(&app.engine), webhook_transport, webhooks.retry).run(poll, stopped.clone()),
        );
        let worker = tokio::spawn(Worker::new(Arc::clone(&app.engine), mail, retry).run(poll, stopped));
        let failed = tokio::select! {
            () = shutdown_signal() => false,
            () = poisoned.notified() => true,
        };
        let _ = stop.send(true);
        let _ = worker.await;
        let _ = webhook_worker.await;
        let _ = housekeeping.await;
        let _ = scheduler.await;
        if let Some(backups) = backups {
            let _ = backups.await;
        }
        if let Some(telegram) = telegram {
            let _ = telegram.await;
        }
        if let Some(discord) = discord {
            let _ = discord.await;
        }
        if let Some(imap) = imap {
            let _ = imap.await;
        }
        if let Some(http) = http {
            let _ = http.await;
        }
        failed
    });
    let _ = std::fs::remove_file(&socket);
    if failed {
        tracing::error!("stopped after a failed write to disk; fix the disk and start vouch again");
        return Ok(ExitCode::from(EX_IOERR));
    }
    app.store.sync().context("final flush")?;
    println!("vouch: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Hourly upkeep: forget inbound dedupe keys older than 30 days (platforms
/// redeliver within days; Telegram may reuse update ids after a quiet week).
async fn housekeeping(engine: Arc<vouch_core::Engine>, stopped: tokio::sync::watch::Receiver<bool>) {
    tasks::every(Duration::from_secs(3600), stopped, || async {
        let e = Arc::clone(&engine);
        match tokio::task::spawn_blocking(move || e.prune_inbound(chrono::Duration::days(30), 10_000)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!("forgot {n} inbound delivery keys older than 30 days"),
            Ok(Err(e)) => tracing::warn!("housekeeping: {e}"),
            Err(e) => tracing::warn!("housekeeping: {e}"),
        }
    })
    .await
}

/// The event scheduler: runs due reminders and held-seat deadlines, then
/// sleeps until the next one or for at most a few seconds (an edit made over
/// the control socket may have scheduled something sooner).
async fn scheduler(engine: Arc<vouch_core::Engine>, stopped: tokio::sync::watch::Receiver<bool>) {
    const MAX_SLEEP: Duration = Duration::from_secs(5);
    tasks::repeat(stopped, || async {
        let e = Arc::clone(&engine);
        let next = tokio::task::spawn_blocking(move || {
            let ran = e.run_due(e.now())?;
            Ok::<_, vouch_core::UserError>((ran, e.next_due()?))
        })
        .await;
        let sleep = match next {
            Ok(Ok((_, Some(at)))) => (at - engine.now()).to_std().unwrap_or(Duration::ZERO).min(MAX_SLEEP),
            Ok(Ok((_, None))) => MAX_SLEEP,
            Ok(Err(e)) => {
                tracing::warn!("scheduler: {e}");
                MAX_SLEEP
            }
            Err(e) => {
                tracing::warn!("scheduler: {e}");
                MAX_SLEEP
            }
        };
        sleep.max(Duration::from_millis(50))
    })
    .await
}

/// With `VOUCH_MAIL_AUTH=record` or `off`, mail from an organizer's address
/// is believed (off) or demoted to a stranger's (record) on the From line
/// alone; either way the operator should know which addresses are at stake.
fn warn_unauthenticated_organizers(app: &App) -> anyhow::Result<()> {
    use vouch_mailer::auth::Policy;
    use vouch_store::{Channel, Read as _, Role};
    let policy = app.config.intake(vouch_mailer::auth::Envelope::default())?.auth.policy;
    if policy == Policy::Require {
        return Ok(());
    }
    let mut addresses = Vec::new();
    for member in app.store.members()? {
        if !(member.has_role(Role::Organizer) || member.has_role(Role::Admin)) {
            continue;
        }
        for identity in app.store.identities_of(member.id)? {
            if identity.key.channel() == Channel::Email {
                addresses.push(identity.key.external().to_string());
            }
        }
    }
    if !addresses.is_empty() {
        let what = if policy == Policy::Off {
            "mail claiming to come from them is believed without any check, so anyone can act as them"
        } else {
            "their mail that fails DKIM/SPF/DMARC is refused their role, but nothing proves the rest"
        };
        tracing::warn!(
            "VOUCH_MAIL_AUTH={} and organizers write from {}: {what}; set VOUCH_MAIL_AUTH=require",
            if policy == Policy::Off { "off" } else { "record" },
            addresses.join(", ")
        );
    }
    Ok(())
}

/// sysexits.h: an I/O error (a failed flush stopped `serve`).
const EX_IOERR: u8 = 74;

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn export(config: Config, out: Option<&std::path::Path>, csv: Option<csv_export::Table>) -> anyhow::Result<ExitCode> {
    let mut session = Session::open(config)?;
    if let Some(table) = csv {
        let dump = match &mut session {
            Session::Local(app) => app.store.export()?,
            Session::Remote(remote) => remote.export()?,
        };
        match out {
            Some(path) => {
                let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
                let rows = csv_export::write(&dump, table, std::io::BufWriter::new(file))?;
                eprintln!("vouch: wrote {rows} rows to {}", path.display());
            }
            None => {
                csv_export::write(&dump, table, std::io::stdout().lock())?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Streamed from the store (or the running serve) to the file or stdout,
    // entity by entity: memory stays small whatever the store's size.
    let mut stream = |out: &mut dyn Write| match &mut session {
        Session::Local(app) => backup::stream_snapshot(&app.store, out),
        Session::Remote(remote) => remote.export_to(out),
    };
    match out {
        Some(path) => {
            let counts = backup::write_atomically_with(path, |file| stream(file))?;
            eprintln!(
                "vouch: exported {} members, {} referrals, {} rewards to {}",
                counts.members,
                counts.referrals,
                counts.rewards,
                path.display()
            );
        }
        None => {
            stream(&mut std::io::stdout().lock())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn import(config: Config, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let input = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let dir = config.data_dir();
    let store = vouch_store::Store::open(&dir).with_context(|| format!("cannot open {}", dir.display()))?;
    // Read as it is loaded: memory stays small whatever the export's size.
    let counts =
        store.import_from(input).with_context(|| format!("cannot import {} into {}", file.display(), dir.display()))?;
    eprintln!(
        "vouch: imported {} members, {} referrals, {} rewards into {}",
        counts.members,
        counts.referrals,
        counts.rewards,
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
