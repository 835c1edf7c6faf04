//! `vouch ingest`: one email on stdin, as an MTA pipe delivers it (Postfix
//! `alias: "|vouch ingest"`). Exit codes follow sysexits so the MTA knows
//! whether to bounce (65, 67) or retry later (75).
//!
//! Sender authentication (`VOUCH_MAIL_AUTH`, see `vouch_mailer::auth`)
//! runs here, before anything is stored: `record` keeps the verdict on the
//! inbound record and counts the address as verified only when it passed;
//! `require` refuses an unauthenticated sender outright (exit 67, no reply).

use std::io::Read as _;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use vouch_core::{BounceOutcome, Caller, Command, MailIn, MailRef, ThreadReply};
use vouch_mailer::auth::{self, Dns, Envelope, Policy, Verdict};
use vouch_mailer::inbound::{self, Extraction, InboundConfig, Kind, Limits};
use vouch_store::{EmailAddress, IdentityKey, OutboxId, Read, SenderAuth};

use crate::app::{App, OpenError, Remote};
use crate::config::Config;

/// sysexits.h: the input was bad; the MTA bounces it.
const EX_DATAERR: u8 = 65;
/// sysexits.h: no such user — here, a sender who could not be authenticated.
const EX_NOUSER: u8 = 67;
/// sysexits.h: try again later; the MTA keeps the message queued.
const EX_TEMPFAIL: u8 = 75;

/// What to do with an accepted message, built here and run by whichever
/// process holds the data dir (this one, or `vouch serve` via its socket).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    pub identity: String,
    pub name: String,
    pub dedupe_key: String,
    pub action: Action,
    /// `VOUCH_EMAIL_UNKNOWN=ignore`: a sender with no identity yet is ignored.
    pub ignore_unknown: bool,
    /// Threading of the inbound mail: replies go under it.
    #[serde(default)]
    pub message_id: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub subject: String,
    /// The sender authentication verdict; `None` with `VOUCH_MAIL_AUTH=off`.
    #[serde(default)]
    pub sender_auth: Option<SenderAuth>,
    /// The mail's language (Content-Language, else its detected text): the
    /// sender's language hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Action {
    Refer {
        /// Name, address and company of each person introduced.
        prospects: Vec<(String, String, Option<String>)>,
        note: String,
    },
    Command {
        line: String,
        /// An iMIP REPLY's UID: the engine checks it names an invitation
        /// sent to the sender.
        #[serde(default)]
        calendar_uid: Option<String>,
    },
    /// A reply threaded under outbox row `row` (a consent answer).
    Reply {
        row: u64,
        /// The token of the Message-ID the reply names.
        #[serde(default)]
        token: Option<String>,
        text: String,
        /// The reply's own words (quotes cut), for answers longer than a line.
        #[serde(default)]
        body: String,
    },
    /// A DSN: hard-bounced addresses stop receiving mail, when it returns
    /// a mail vouch sent them (`returned`: the row and token it names).
    Bounce {
        hard: Vec<String>,
        #[serde(default)]
        returned: Option<(u64, Option<String>)>,
    },
}

pub fn run(config: anyhow::Result<Config>, dry_run: bool, json: bool, envelope: Envelope) -> ExitCode {
    match ingest(config, dry_run, json, envelope) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vouch ingest: {e:#}; try again later");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

fn ingest(config: anyhow::Result<Config>, dry_run: bool, json: bool, envelope: Envelope) -> anyhow::Result<ExitCode> {
    let config = config?;
    let inbound = inbound_config(&config)?;
    let mut raw = Vec::new();
    let limit = u64::try_from(inbound.limits.max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    std::io::stdin().lock().take(limit).read_to_end(&mut raw).context("cannot read the message on stdin")?;
    let check = AuthCheck::from_config(&config, envelope)?;
    if dry_run {
        let extraction = match inbound::extract(&raw, &inbound) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("vouch ingest: rejected: {e}");
                return Ok(ExitCode::from(EX_DATAERR));
            }
        };
        // A dry run shows the verdict even for mail that would be ignored.
        let verdict = check.verdict(&raw)?;
        if json {
            let mut value = serde_json::to_value(&extraction)?;
            value["auth"] = serde_json::to_value(&verdict)?;
            println!("{}", serde_json::to_string_pretty(&value)?);
        } else {
            println!("{}; auth: {}", summary(&extraction), verdict.summary());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let dir = config.data_dir();
    let outcome = handle(&raw, &inbound, &check, |plan| match App::open(config) {
        Ok(app) => apply(&app, plan),
        Err(OpenError::InUse(_)) => Remote::connect(&dir)?.ingest(plan),
        Err(OpenError::Other(e)) => Err(e),
    });
    match outcome {
        Outcome::Accepted(lines) => {
            for line in lines {
                eprintln!("vouch ingest: {line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Rejected(why) => {
            eprintln!("vouch ingest: rejected: {why}");
            Ok(ExitCode::from(EX_DATAERR))
        }
        Outcome::Unauthenticated(why) => {
            eprintln!("vouch ingest: rejected: {why}");
            Ok(ExitCode::from(EX_NOUSER))
        }
        Outcome::TryLater(e) => Err(e),
    }
}

/// What became of one inbound message.
#[derive(Debug)]
pub enum Outcome {
    /// Committed, or nothing to do (a bounce, an unknown sender ignored, a
    /// repeat): never needs to be seen again. Lines say what happened.
    Accepted(Vec<String>),
    /// Malformed or over the limits: will never be accepted.
    Rejected(String),
    /// `VOUCH_MAIL_AUTH=require` and the sender is not authenticated:
    /// nothing stored, no reply.
    Unauthenticated(String),
    /// Nothing was committed; the same message may succeed later.
    TryLater(anyhow::Error),
}

/// Sender authentication for one message (`VOUCH_MAIL_AUTH`,
/// `VOUCH_MAIL_AUTH_DNS`, and the SMTP envelope when the MTA passed it).
#[derive(Clone, Debug)]
pub struct AuthCheck {
    pub policy: Policy,
    pub dns: Option<std::path::PathBuf>,
    pub envelope: Envelope,
}

impl AuthCheck {
    pub fn from_config(config: &Config, envelope: Envelope) -> anyhow::Result<Self> {
        let policy: Policy = match &config.mail_auth {
            Some(p) => p.parse().map_err(|e: String| anyhow::anyhow!(e))?,
            None => Policy::default(),
        };
        Ok(Self { policy, dns: config.mail_auth_dns.clone(), envelope })
    }

    /// The verdict (skipped with `off`). The envelope is completed from the
    /// message's own trace headers, which the receiving MTA wrote.
    fn verdict(&self, raw: &[u8]) -> anyhow::Result<Verdict> {
        if self.policy == Policy::Off {
            return Ok(Verdict::skipped());
        }
        verify(raw, self.envelope.clone(), self.policy, self.dns.as_deref())
    }
}

/// The one path from raw bytes to an effect, shared by `vouch ingest` and
/// the IMAP poller: extract, authenticate the sender, plan, then `run` the
/// plan where the data dir is open. Nothing is committed unless `run`
/// commits it.
pub fn handle(
    raw: &[u8],
    inbound: &InboundConfig,
    check: &AuthCheck,
    run: impl FnOnce(&Plan) -> anyhow::Result<Vec<String>>,
) -> Outcome {
    let extraction = match inbound::extract(raw, inbound) {
        Ok(x) => x,
        Err(e) => return Outcome::Rejected(e.to_string()),
    };
    // Ignored mail is not worth DNS lookups.
    let verdict = if extraction.kind == Kind::Ignored {
        Verdict::skipped()
    } else {
        match check.verdict(raw) {
            Ok(v) => v,
            Err(e) => return Outcome::TryLater(e),
        }
    };
    // Mail that proves itself another way goes on to the engine, which
    // checks the proof: a reply naming a vouch Message-ID with its token
    // (only the recipient saw it), a DSN returning such a mail.
    let proves_itself = match extraction.kind {
        Kind::Bounce => true,
        Kind::Reply => extraction.thread.vouch_token.is_some(),
        Kind::Command => extraction.calendar_uid.is_some(),
        _ => false,
    };
    if check.policy == Policy::Require && !verdict.passed() && extraction.kind != Kind::Ignored && !proves_itself {
        if verdict.result == auth::Outcome::TempError {
            // A DNS hiccup is not a verdict: the message is kept and retried.
            return Outcome::TryLater(anyhow::anyhow!(
                "sender authentication incomplete ({})",
                verdict.reasons.join("; ")
            ));
        }
        return Outcome::Unauthenticated(format!(
            "sender {} not authenticated (VOUCH_MAIL_AUTH=require): {}",
            extraction.introducer.email,
            verdict.reasons.join("; ")
        ));
    }
    match plan(&extraction) {
        Err(e) => Outcome::TryLater(e),
        Ok(None) => Outcome::Accepted(vec![format!("{}; nothing to do", summary(&extraction))]),
        Ok(Some(mut plan)) => {
            if check.policy != Policy::Off {
                plan.sender_auth = Some(SenderAuth { passed: verdict.passed(), summary: verdict.summary() });
            }
            plan.language = vouch_mailer::language::of_message(raw);
            match run(&plan) {
                Ok(lines) => Outcome::Accepted(lines),
                Err(e) => Outcome::TryLater(e),
            }
        }
    }
}

/// The inbox address (`VOUCH_INBOX_ADDRESS`, else the From address of
/// outgoing mail) and the size limit (`VOUCH_EMAIL_MAX_BYTES`).
pub fn inbound_config(config: &Config) -> anyhow::Result<InboundConfig> {
    let inbox = match &config.inbox_address {
        Some(a) => Some(EmailAddress::parse(a).map_err(|e| anyhow::anyhow!("VOUCH_INBOX_ADDRESS: {e}"))?),
        None => inbound::parse_person(&config.mail_from()).and_then(|p| EmailAddress::parse(&p.email).ok()),
    };
    let mut limits = Limits::default();
    if let Ok(max) = std::env::var("VOUCH_EMAIL_MAX_BYTES") {
        limits.max_bytes = max.trim().parse().with_context(|| format!("VOUCH_EMAIL_MAX_BYTES={max}"))?;
    }
    Ok(InboundConfig { inbox, limits })
}

/// Runs the DKIM/SPF/DMARC checks on a small runtime of their own. Any
/// other way in (the IMAP poller) should call this before [`plan`] too.
pub(crate) fn verify(
    raw: &[u8],
    envelope: Envelope,
    policy: Policy,
    fixed: Option<&std::path::Path>,
) -> anyhow::Result<Verdict> {
    let dns = match fixed {
        Some(path) => {
            let zone = std::fs::read_to_string(path)
                .with_context(|| format!("VOUCH_MAIL_AUTH_DNS: cannot read {}", path.display()))?;
            Dns::fixed(&zone).map_err(|e| anyhow::anyhow!("VOUCH_MAIL_AUTH_DNS {}: {e}", path.display()))?
        }
        None => Dns::system(),
    };
    let envelope = envelope.or_from_headers(raw);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    Ok(runtime.block_on(auth::verify(raw, &envelope, &dns, policy)))
}

fn plan(x: &Extraction) -> anyhow::Result<Option<Plan>> {
    let action = match x.kind {
        Kind::Introduction => Action::Refer {
            prospects: x.prospects.iter().map(|p| (p.name.clone(), p.email.clone(), p.company.clone())).collect(),
            note: x.note.chars().take(500).collect(),
        },
        Kind::Command => match &x.command {
            Some(line) => Action::Command { line: line.clone(), calendar_uid: x.calendar_uid.clone() },
            None => return Ok(None),
        },
        Kind::Reply => match x.thread.vouch_row {
            Some(row) => Action::Reply {
                row,
                token: x.thread.vouch_token.clone(),
                text: x.command.clone().unwrap_or_default(),
                body: x.note.clone(),
            },
            None => return Ok(None),
        },
        Kind::Bounce => {
            let hard: Vec<String> =
                x.bounce.iter().flat_map(|b| &b.recipients).filter(|r| r.hard).map(|r| r.email.clone()).collect();
            if hard.is_empty() {
                return Ok(None);
            }
            let returned = x.bounce.as_ref().and_then(|b| b.returned.as_ref()).map(|r| (r.row, r.token.clone()));
            Action::Bounce { hard, returned }
        }
        Kind::Ignored => return Ok(None),
    };
    let ignore_unknown = match std::env::var("VOUCH_EMAIL_UNKNOWN").as_deref() {
        Err(_) | Ok("accept") => false,
        Ok("ignore") => true,
        Ok(other) => bail!("VOUCH_EMAIL_UNKNOWN={other}: use accept or ignore"),
    };
    Ok(Some(Plan {
        identity: format!("email:{}", x.introducer.email),
        name: x.introducer.name.clone(),
        dedupe_key: x.dedupe_key.clone(),
        action,
        ignore_unknown,
        message_id: x.thread.message_id.clone(),
        references: x.thread.references.clone(),
        subject: x.thread.subject.clone(),
        sender_auth: None,
        language: None,
    }))
}

/// Runs a plan against this process's engine. Replies go out as mail
/// through the outbox, queued with the change. `Err` means retry later.
pub fn apply(app: &App, plan: &Plan) -> anyhow::Result<Vec<String>> {
    let identity = IdentityKey::parse(&plan.identity).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Action::Bounce { hard, returned } = &plan.action {
        // The sender is a mail system, never a member: nothing runs as it.
        let named = returned.as_ref().map(|(row, token)| MailRef { row: OutboxId(*row), token: token.as_deref() });
        let mut out = Vec::new();
        for (i, address) in hard.iter().enumerate() {
            let Ok(email) = EmailAddress::parse(address) else { continue };
            let key = format!("{}#bounce{i}", plan.dedupe_key);
            let outcome = app
                .engine
                .record_bounce(&IdentityKey::new_email(&email), named, &key)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let what = match outcome {
                BounceOutcome::Marked => "marked unreachable",
                BounceOutcome::NoChange => "no change",
                BounceOutcome::NotOurs => "it returns no mail vouch sent there; not acted on",
                BounceOutcome::Repeat => "already handled; no change",
            };
            out.push(format!("hard bounce for {address}: {what}"));
        }
        return Ok(out);
    }
    if plan.ignore_unknown && app.store.identity(&identity)?.is_none() {
        return Ok(vec![format!("{} is not known here (VOUCH_EMAIL_UNKNOWN=ignore); ignored", identity.external())]);
    }
    let mut caller = Caller::new(identity, &plan.name).with_language(plan.language.as_deref());
    // With VOUCH_MAIL_AUTH=off the From address is taken at its word, as before.
    caller.verified = plan.sender_auth.as_ref().is_none_or(|a| a.passed);
    let mail = MailIn {
        dedupe_key: plan.dedupe_key.clone(),
        message_id: plan.message_id.clone(),
        references: plan.references.clone(),
        subject: plan.subject.clone(),
        sender_auth: plan.sender_auth.clone(),
    };
    let engine = &app.engine;
    let mut out = Vec::new();
    let mut note = |response: vouch_core::Response, what: &str| {
        let answer = response.replies.first().map_or("no reply", |r| r.template.as_str()).to_string();
        let dup = if response.duplicate { " (already handled; no change)" } else { "" };
        out.push(format!("{what}: {answer}{dup}"));
    };
    match &plan.action {
        Action::Refer { prospects, note: text } => {
            for (i, (name, email, company)) in prospects.iter().enumerate() {
                let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
                // One dedupe key per prospect, stable across redeliveries.
                let key = if i == 0 { plan.dedupe_key.clone() } else { format!("{}#{i}", plan.dedupe_key) };
                let cmd = Command::Refer {
                    name: name.clone(),
                    email: email.clone(),
                    note: text.clone(),
                    company: company.clone(),
                };
                let mail = MailIn { dedupe_key: key, ..mail.clone() };
                let response =
                    engine.respond_command_by_mail(&caller, cmd, &mail).map_err(|e| anyhow::anyhow!("{e}"))?;
                note(response, &format!("introduction of {email}"));
            }
        }
        Action::Command { line, calendar_uid: Some(uid) } => {
            match engine.respond_to_calendar(&caller, uid, line, &mail).map_err(|e| anyhow::anyhow!("{e}"))? {
                ThreadReply::Handled(response) => note(response, &format!("calendar reply {line:?}")),
                ThreadReply::Ignored(why) => out.push(format!("calendar reply {line:?}: {why}; not acted on")),
            }
        }
        Action::Command { line, calendar_uid: None } => {
            let response = engine.respond_by_mail(&caller, line, &mail).map_err(|e| anyhow::anyhow!("{e}"))?;
            note(response, &format!("command {line:?}"));
        }
        Action::Reply { row, token, text, body } => {
            let reply = vouch_core::ThreadText { first_line: text, body };
            let named = MailRef { row: OutboxId(*row), token: token.as_deref() };
            match engine.respond_to_thread(&caller, named, reply, &mail).map_err(|e| anyhow::anyhow!("{e}"))? {
                ThreadReply::Handled(response) => note(response, &format!("reply to vouch mail {row}")),
                ThreadReply::Ignored(why) => out.push(format!("reply to vouch mail {row}: {why}; not acted on")),
            }
        }
        Action::Bounce { .. } => {}
    }
    Ok(out)
}

fn summary(x: &Extraction) -> String {
    let prospects: Vec<&str> = x.prospects.iter().map(|p| p.email.as_str()).collect();
    format!(
        "{:?} from {} (prospects: [{}]; {})",
        x.kind,
        x.introducer.email,
        prospects.join(", "),
        x.reasons.join("; ")
    )
}
