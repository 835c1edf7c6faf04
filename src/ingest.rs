//! `vouch ingest`: one email on stdin, as an MTA pipe delivers it (Postfix
//! `alias: "|vouch ingest"`). Exit codes follow sysexits so the MTA knows
//! whether to bounce (65) or retry later (75).

use std::io::Read as _;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use vouch_core::{Caller, Command};
use vouch_mailer::inbound::{self, Extraction, InboundConfig, Kind, Limits};
use vouch_store::{EmailAddress, IdentityKey, Read};

use crate::app::{App, OpenError, Remote};
use crate::config::Config;

/// sysexits.h: the input was bad; the MTA bounces it.
const EX_DATAERR: u8 = 65;
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
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Action {
    Refer { prospects: Vec<(String, String)>, note: String },
    Command { line: String },
}

pub fn run(config: anyhow::Result<Config>, dry_run: bool, json: bool) -> ExitCode {
    match ingest(config, dry_run, json) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vouch ingest: {e:#}; try again later");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

fn ingest(config: anyhow::Result<Config>, dry_run: bool, json: bool) -> anyhow::Result<ExitCode> {
    let config = config?;
    let inbound = inbound_config(&config)?;
    let mut raw = Vec::new();
    let limit = u64::try_from(inbound.limits.max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    std::io::stdin().lock().take(limit).read_to_end(&mut raw).context("cannot read the message on stdin")?;
    if dry_run {
        let extraction = match inbound::extract(&raw, &inbound) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("vouch ingest: rejected: {e}");
                return Ok(ExitCode::from(EX_DATAERR));
            }
        };
        if json {
            println!("{}", serde_json::to_string_pretty(&extraction)?);
        } else {
            println!("{}", summary(&extraction));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let dir = config.data_dir();
    let outcome = handle(&raw, &inbound, |plan| match App::open(config) {
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
    /// Nothing was committed; the same message may succeed later.
    TryLater(anyhow::Error),
}

/// The one path from raw bytes to an effect, shared by `vouch ingest` and
/// the IMAP poller: extract, plan, then `run` the plan where the data dir
/// is open. Nothing is committed unless `run` commits it.
pub fn handle(raw: &[u8], inbound: &InboundConfig, run: impl FnOnce(&Plan) -> anyhow::Result<Vec<String>>) -> Outcome {
    let extraction = match inbound::extract(raw, inbound) {
        Ok(x) => x,
        Err(e) => return Outcome::Rejected(e.to_string()),
    };
    match plan(&extraction) {
        Err(e) => Outcome::TryLater(e),
        Ok(None) => Outcome::Accepted(vec![format!("{}; nothing to do", summary(&extraction))]),
        Ok(Some(plan)) => match run(&plan) {
            Ok(lines) => Outcome::Accepted(lines),
            Err(e) => Outcome::TryLater(e),
        },
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

fn plan(x: &Extraction) -> anyhow::Result<Option<Plan>> {
    let action = match x.kind {
        Kind::Introduction => Action::Refer {
            prospects: x.prospects.iter().map(|p| (p.name.clone(), p.email.clone())).collect(),
            note: x.note.chars().take(500).collect(),
        },
        Kind::Command => match &x.command {
            Some(line) => Action::Command { line: line.clone() },
            None => return Ok(None),
        },
        // Consent and RSVP replies, and bounces, are not acted on yet.
        Kind::Reply | Kind::Bounce | Kind::Ignored => return Ok(None),
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
    }))
}

/// Runs a plan against this process's engine. Replies go out as mail
/// through the outbox, queued with the change. `Err` means retry later.
pub fn apply(app: &App, plan: &Plan) -> anyhow::Result<Vec<String>> {
    let identity = IdentityKey::parse(&plan.identity).map_err(|e| anyhow::anyhow!("{e}"))?;
    if plan.ignore_unknown && app.store.identity(&identity)?.is_none() {
        return Ok(vec![format!("{} is not known here (VOUCH_EMAIL_UNKNOWN=ignore); ignored", identity.external())]);
    }
    let caller = Caller::new(identity, &plan.name);
    let engine = &app.engine;
    let mut out = Vec::new();
    let mut note = |response: vouch_core::Response, what: &str| {
        let answer = response.replies.first().map_or("no reply", |r| r.template.as_str()).to_string();
        let dup = if response.duplicate { " (already handled; no change)" } else { "" };
        out.push(format!("{what}: {answer}{dup}"));
    };
    match &plan.action {
        Action::Refer { prospects, note: text } => {
            for (i, (name, email)) in prospects.iter().enumerate() {
                let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
                // One dedupe key per prospect, stable across redeliveries.
                let key = if i == 0 { plan.dedupe_key.clone() } else { format!("{}#{i}", plan.dedupe_key) };
                let cmd = Command::Refer { name: name.clone(), email: email.clone(), note: text.clone() };
                let response =
                    engine.respond_command_by_mail(&caller, cmd, &key).map_err(|e| anyhow::anyhow!("{e}"))?;
                note(response, &format!("introduction of {email}"));
            }
        }
        Action::Command { line } => {
            let response =
                engine.respond_by_mail(&caller, line, &plan.dedupe_key).map_err(|e| anyhow::anyhow!("{e}"))?;
            note(response, &format!("command {line:?}"));
        }
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
