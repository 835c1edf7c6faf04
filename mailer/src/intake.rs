//! Mail intake: the one path from a raw inbound message to its effect,
//! shared by `vouch ingest` (an MTA pipe), the IMAP poller and the demo.
//!
//! [`Intake::prepare`] extracts, authenticates the sender (async DNS) and
//! plans; [`apply`] runs a [`Plan`] against the engine where the data dir is
//! open (this process, or `vouch serve` through its control socket: a plan
//! is serde). Nothing is committed unless `apply` commits it, and a plan
//! carries typed values from extraction to the engine, never re-parsed.
//!
//! Sender authentication (`VOUCH_MAIL_AUTH`, see [`crate::auth`]): `record`
//! keeps the verdict on the inbound record and counts the address as
//! verified only when it passed; `require` refuses an unauthenticated sender
//! outright (no reply).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use vouch_core::{BounceOutcome, Caller, Command, Engine, MailIn, MailRef, ThreadReply, ThreadText};
use vouch_store::{EmailAddress, IdentityKey, OutboxId, SenderAuth};

use crate::auth::{self, Dns, Envelope, Policy, Verdict};
use crate::inbound::{self, Extraction, InboundConfig, Kind};

/// What to do with an accepted message, built by [`Intake::prepare`] and
/// run by [`apply`] in whichever process holds the data dir.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The From address, as the sender's identity.
    pub sender: IdentityKey,
    pub name: String,
    /// The mail's language (Content-Language, else its detected text): the
    /// sender's language hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// What the engine keeps of the mail: dedupe key, threading, the
    /// sender authentication verdict (`None` with `VOUCH_MAIL_AUTH=off`).
    pub mail: MailIn,
    pub action: Action,
    /// `VOUCH_EMAIL_UNKNOWN=ignore`: a sender with no identity yet is ignored.
    pub ignore_unknown: bool,
}

/// A person an introduction names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prospect {
    pub name: String,
    pub email: EmailAddress,
    pub company: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Action {
    Refer {
        prospects: Vec<Prospect>,
        note: String,
    },
    Command {
        line: String,
        /// An iMIP REPLY's UID: the engine checks it names an invitation
        /// sent to the sender.
        calendar_uid: Option<String>,
    },
    /// A reply threaded under outbox row `row` (a consent answer).
    Reply {
        row: OutboxId,
        /// The token of the Message-ID the reply names.
        token: Option<String>,
        text: String,
        /// The reply's own words (quotes cut), for answers longer than a line.
        body: String,
    },
    /// A DSN: hard-bounced addresses stop receiving mail, when it returns
    /// a mail vouch sent them (`returned`: the row and token it names).
    Bounce {
        hard: Vec<EmailAddress>,
        returned: Option<(OutboxId, Option<String>)>,
    },
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
    TryLater(String),
}

impl Outcome {
    /// The outcome of running a plan: accepted once committed, else later.
    pub fn of_run(result: Result<Vec<String>, impl std::fmt::Display>) -> Self {
        match result {
            Ok(lines) => Outcome::Accepted(lines),
            Err(e) => Outcome::TryLater(e.to_string()),
        }
    }
}

/// Sender authentication for inbound mail: the policy and where DNS answers
/// come from (read once), plus the SMTP envelope when an MTA passed it.
#[derive(Clone, Debug)]
pub struct AuthCheck {
    pub policy: Policy,
    dns: Arc<Dns>,
    pub envelope: Envelope,
}

impl AuthCheck {
    /// `zone`: fixed TXT records (`VOUCH_MAIL_AUTH_DNS`) instead of DNS.
    pub fn new(policy: Policy, zone: Option<&str>, envelope: Envelope) -> Result<Self, String> {
        let dns = match zone {
            Some(zone) => Dns::fixed(zone)?,
            None => Dns::system(),
        };
        Ok(Self { policy, dns: Arc::new(dns), envelope })
    }

    /// No checks (`VOUCH_MAIL_AUTH=off`).
    pub fn off() -> Self {
        Self { policy: Policy::Off, dns: Arc::new(Dns::system()), envelope: Envelope::default() }
    }

    /// The verdict (skipped with `off`). The envelope is completed from the
    /// message's own trace headers, which the receiving MTA wrote.
    pub async fn verdict(&self, raw: &[u8]) -> Verdict {
        if self.policy == Policy::Off {
            return Verdict::skipped();
        }
        let envelope = self.envelope.clone().or_from_headers(raw);
        auth::verify(raw, &envelope, &self.dns, self.policy).await
    }
}

/// Everything intake needs to know, read once from the configuration.
#[derive(Clone, Debug)]
pub struct Intake {
    pub inbound: InboundConfig,
    pub auth: AuthCheck,
    /// `VOUCH_EMAIL_UNKNOWN=ignore`.
    pub ignore_unknown: bool,
}

impl Intake {
    /// Extracts, authenticates and plans one message. `Ok` is a plan for
    /// [`apply`]; `Err` is already the final outcome (nothing to do,
    /// rejected, unauthenticated, or try later).
    pub async fn prepare(&self, raw: &[u8]) -> Result<Plan, Outcome> {
        let extraction = inbound::extract(raw, &self.inbound).map_err(|e| Outcome::Rejected(e.to_string()))?;
        // Ignored mail is not worth DNS lookups.
        let verdict = if extraction.kind == Kind::Ignored { Verdict::skipped() } else { self.auth.verdict(raw).await };
        // Mail that proves itself another way goes on to the engine, which
        // checks the proof: a reply naming a vouch Message-ID with its token
        // (only the recipient saw it), a DSN returning such a mail.
        let proves_itself = match extraction.kind {
            Kind::Bounce => true,
            Kind::Reply => extraction.thread.vouch_token.is_some(),
            Kind::Command => extraction.calendar_uid.is_some(),
            _ => false,
        };
        let policy = self.auth.policy;
        if policy == Policy::Require && !verdict.passed() && extraction.kind != Kind::Ignored && !proves_itself {
            let reasons = verdict.reasons.join("; ");
            if verdict.result == auth::Outcome::TempError {
                // A DNS hiccup is not a verdict: the message is kept and retried.
                return Err(Outcome::TryLater(format!("sender authentication incomplete ({reasons})")));
            }
            return Err(Outcome::Unauthenticated(format!(
                "sender {} not authenticated (VOUCH_MAIL_AUTH=require): {reasons}",
                extraction.introducer.email
            )));
        }
        let sender_auth =
            (policy != Policy::Off).then(|| SenderAuth { passed: verdict.passed(), summary: verdict.summary() });
        match plan(&extraction, sender_auth, self.ignore_unknown) {
            // An address that does not parse never will: the MTA should not retry.
            Err(e) => Err(Outcome::Rejected(e)),
            Ok(None) => Err(Outcome::Accepted(vec![format!("{}; nothing to do", summary(&extraction))])),
            Ok(Some(mut plan)) => {
                plan.language = crate::language::of_message(raw);
                Ok(plan)
            }
        }
    }
}

fn plan(x: &Extraction, sender_auth: Option<SenderAuth>, ignore_unknown: bool) -> Result<Option<Plan>, String> {
    let action = match x.kind {
        Kind::Introduction => Action::Refer {
            prospects: x
                .prospects
                .iter()
                .map(|p| {
                    let email = EmailAddress::parse(&p.email).map_err(|e| format!("prospect {}: {e}", p.email))?;
                    Ok(Prospect { name: p.name.clone(), email, company: p.company.clone() })
                })
                .collect::<Result<_, String>>()?,
            note: x.note.chars().take(500).collect(),
        },
        Kind::Command => match &x.command {
            Some(line) => Action::Command { line: line.clone(), calendar_uid: x.calendar_uid.clone() },
            None => return Ok(None),
        },
        Kind::Reply => match x.thread.vouch_row {
            Some(row) => Action::Reply {
                row: OutboxId(row),
                token: x.thread.vouch_token.clone(),
                text: x.command.clone().unwrap_or_default(),
                body: x.note.clone(),
            },
            None => return Ok(None),
        },
        Kind::Bounce => {
            let hard: Vec<EmailAddress> = x
                .bounce
                .iter()
                .flat_map(|b| &b.recipients)
                .filter(|r| r.hard)
                .filter_map(|r| EmailAddress::parse(&r.email).ok())
                .collect();
            if hard.is_empty() {
                return Ok(None);
            }
            let returned =
                x.bounce.as_ref().and_then(|b| b.returned.as_ref()).map(|r| (OutboxId(r.row), r.token.clone()));
            Action::Bounce { hard, returned }
        }
        Kind::Ignored => return Ok(None),
    };
    let from = EmailAddress::parse(&x.introducer.email).map_err(|e| format!("sender {}: {e}", x.introducer.email))?;
    Ok(Some(Plan {
        sender: IdentityKey::new_email(&from),
        name: x.introducer.name.clone(),
        language: None,
        mail: MailIn {
            dedupe_key: x.dedupe_key.clone(),
            message_id: x.thread.message_id.clone(),
            references: x.thread.references.clone(),
            subject: x.thread.subject.clone(),
            sender_auth,
        },
        action,
        ignore_unknown,
    }))
}

/// Runs a plan against this process's engine (it blocks until the change
/// is durable: call it off async threads). Replies go out as mail through
/// the outbox, queued with the change. `Err` means retry later.
pub fn apply(engine: &Engine, plan: &Plan) -> Result<Vec<String>, vouch_core::UserError> {
    if let Action::Bounce { hard, returned } = &plan.action {
        // The sender is a mail system, never a member: nothing runs as it.
        let named = returned.as_ref().map(|(row, token)| MailRef { row: *row, token: token.as_deref() });
        let mut out = Vec::new();
        for (i, email) in hard.iter().enumerate() {
            let key = format!("{}#bounce{i}", plan.mail.dedupe_key);
            let what = match engine.record_bounce(&IdentityKey::new_email(email), named, &key)? {
                BounceOutcome::Marked => "marked unreachable",
                BounceOutcome::NoChange => "no change",
                BounceOutcome::NotOurs => "it returns no mail vouch sent there; not acted on",
                BounceOutcome::Repeat => "already handled; no change",
            };
            out.push(format!("hard bounce for {email}: {what}"));
        }
        return Ok(out);
    }
    if plan.ignore_unknown && !engine.is_known(&plan.sender)? {
        return Ok(vec![format!("{} is not known here (VOUCH_EMAIL_UNKNOWN=ignore); ignored", plan.sender.external())]);
    }
    let mut caller = Caller::new(plan.sender.clone(), &plan.name).with_language(plan.language.as_deref());
    // With VOUCH_MAIL_AUTH=off the From address is taken at its word, as before.
    caller.verified = plan.mail.sender_auth.as_ref().is_none_or(|a| a.passed);
    let mail = &plan.mail;
    let mut out = Vec::new();
    let mut note = |response: vouch_core::Response, what: &str| {
        let answer = response.replies.first().map_or("no reply", |r| r.template.as_str()).to_string();
        let dup = if response.duplicate { " (already handled; no change)" } else { "" };
        out.push(format!("{what}: {answer}{dup}"));
    };
    match &plan.action {
        Action::Refer { prospects, note: text } => {
            for (i, p) in prospects.iter().enumerate() {
                // One dedupe key per prospect, stable across redeliveries.
                let key = if i == 0 { mail.dedupe_key.clone() } else { format!("{}#{i}", mail.dedupe_key) };
                let cmd = Command::Refer {
                    name: p.name.clone(),
                    email: p.email.clone(),
                    note: text.clone(),
                    company: p.company.clone(),
                };
                let response =
                    engine.respond_command_by_mail(&caller, cmd, &MailIn { dedupe_key: key, ..mail.clone() })?;
                note(response, &format!("introduction of {}", p.email));
            }
        }
        Action::Command { line, calendar_uid: Some(uid) } => {
            match engine.respond_to_calendar(&caller, uid, line, mail)? {
                ThreadReply::Handled(response) => note(response, &format!("calendar reply {line:?}")),
                ThreadReply::Ignored(why) => out.push(format!("calendar reply {line:?}: {why}; not acted on")),
            }
        }
        Action::Command { line, calendar_uid: None } => {
            let response = engine.respond_by_mail(&caller, line, mail)?;
            note(response, &format!("command {line:?}"));
        }
        Action::Reply { row, token, text, body } => {
            let reply = ThreadText { first_line: text, body };
            let named = MailRef { row: *row, token: token.as_deref() };
            match engine.respond_to_thread(&caller, named, reply, mail)? {
                ThreadReply::Handled(response) => note(response, &format!("reply to vouch mail {row}")),
                ThreadReply::Ignored(why) => out.push(format!("reply to vouch mail {row}: {why}; not acted on")),
            }
        }
        Action::Bounce { .. } => {}
    }
    Ok(out)
}

/// One line on what an extraction found (logs, `vouch ingest --dry-run`).
pub fn summary(x: &Extraction) -> String {
    let prospects: Vec<&str> = x.prospects.iter().map(|p| p.email.as_str()).collect();
    format!(
        "{:?} from {} (prospects: [{}]; {})",
        x.kind,
        x.introducer.email,
        prospects.join(", "),
        x.reasons.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intake() -> Intake {
        let inbox = EmailAddress::parse("vouch@acme.example").ok();
        Intake { inbound: InboundConfig { inbox, ..Default::default() }, auth: AuthCheck::off(), ignore_unknown: false }
    }

    /// A plan crosses the control socket as JSON and comes back the same.
    #[tokio::test]
    async fn a_plan_is_typed_and_survives_the_socket() {
        let raw = "From: Ann Champion <ann@acme.example>\r\nTo: Bob <bob@globex.example>\r\n\
                   Cc: vouch@acme.example\r\nSubject: Intro: Ann, meet Bob\r\nMessage-ID: <intro-1@acme.example>\r\n\
                   \r\nBob, meet Ann. Ann, Bob runs sales at Globex.\r\n";
        let plan = intake().prepare(raw.as_bytes()).await.expect("a plan");
        assert_eq!(plan.sender.to_string(), "email:ann@acme.example");
        let Action::Refer { prospects, .. } = &plan.action else { panic!("an introduction: {plan:?}") };
        assert_eq!(prospects.iter().map(|p| p.email.as_str()).collect::<Vec<_>>(), ["bob@globex.example"]);
        assert_eq!(plan.mail.message_id.as_deref(), Some("<intro-1@acme.example>"));
        let back: Plan = serde_json::from_str(&serde_json::to_string(&plan).expect("json")).expect("parse");
        assert_eq!(back, plan);
    }

    #[tokio::test]
    async fn malformed_mail_is_rejected_and_a_note_to_self_is_nothing_to_do() {
        let huge = vec![b'x'; InboundConfig::default().limits.max_bytes + 1];
        assert!(matches!(intake().prepare(&huge).await, Err(Outcome::Rejected(_))));
        let raw = "From: ann@acme.example\r\nTo: ann@acme.example\r\nSubject: hi\r\n\r\nhello\r\n";
        match intake().prepare(raw.as_bytes()).await {
            Err(Outcome::Accepted(lines)) => assert!(lines[0].contains("nothing to do"), "{lines:?}"),
            other => panic!("nothing to do: {other:?}"),
        }
    }
}
