//! Commands that arrive by email. There is no session to answer in: each
//! reply is queued as mail to the sender, in the same store transaction as
//! the change and the dedupe record, so a crash can lose neither alone.
//! Replies thread under the sender's message.

use vouch_store::{IdentityKey, MailThread, OutboxId, Read, SenderAuth};

use super::{Caller, Cx, Engine};
use crate::catalog::{self, CommandSpec};
use crate::command::{self, Command};
use crate::error::UserError;
use crate::reply::{Outcome, Reply, Response};

/// What the engine keeps of one inbound mail besides its sender.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MailIn {
    /// `email:<Message-ID>` or a content hash: a redelivery has one effect.
    pub dedupe_key: String,
    /// `<id@host>`: replies carry it in In-Reply-To.
    pub message_id: Option<String>,
    /// The mail's own References, oldest first.
    pub references: Vec<String>,
    pub subject: String,
    /// The verdict, stored on the inbound record (`VOUCH_MAIL_AUTH`).
    pub sender_auth: Option<SenderAuth>,
}

impl MailIn {
    pub(crate) fn thread(&self) -> Option<MailThread> {
        let message_id = self.message_id.clone()?;
        Some(MailThread { message_id, references: self.references.clone(), subject: self.subject.clone() })
    }
}

/// What a reply to one of vouch's mails says: its first line (an answer
/// word or a command) and its own words, quotes cut.
#[derive(Clone, Copy, Debug)]
pub struct ThreadText<'a> {
    pub first_line: &'a str,
    pub body: &'a str,
}

/// The vouch mail a reply names in In-Reply-To/References:
/// `<vouch.outbox.ROW.TOKEN@domain>`.
#[derive(Clone, Copy, Debug)]
pub struct MailRef<'a> {
    pub row: OutboxId,
    pub token: Option<&'a str>,
}

/// The exact reference to a row, as its recipient's mail client has it.
impl<'a> From<&'a vouch_store::OutboxMessage> for MailRef<'a> {
    fn from(row: &'a vouch_store::OutboxMessage) -> Self {
        Self { row: row.id, token: row.token.as_deref() }
    }
}

/// A one-line reply: the line is all it says.
impl<'a> From<&'a str> for ThreadText<'a> {
    fn from(text: &'a str) -> Self {
        Self { first_line: text, body: text }
    }
}

/// What a reply to one of vouch's own mails amounted to.
#[derive(Clone, Debug)]
pub enum ThreadReply {
    /// Run as a command (a consent answer); replies were queued as mail.
    Handled(Response),
    /// Nothing vouch acts on (a reply to a thank-you note); not answered.
    Ignored(String),
}

/// Yes and no, in the languages the inbound classifier knows.
const YES: &[&str] = &["yes", "y", "ok", "okay", "sure", "ja", "oui", "sí", "si", "да", "da", "نعم", "accept", "agree"];
const NO: &[&str] = &["no", "n", "nein", "non", "нет", "nu", "لا", "decline", "stop", "unsubscribe"];

/// "Maybe" in the same languages.
const MAYBE: &[&str] =
    &["maybe", "perhaps", "vielleicht", "peut-être", "quizás", "quizas", "tal vez", "возможно", "poate", "ربما"];

/// Which of `actions` a reply's first line names: the whole command
/// (`rsvp E3 yes`), or a yes / no / maybe word matching the last word of
/// exactly one command.
pub fn chosen_action<'a>(actions: &'a [vouch_store::Action], text: &str) -> Option<&'a vouch_store::Action> {
    let first_line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = first_line.trim_start_matches('/').trim_end_matches(['.', '!']).to_lowercase();
    if let Some(a) = actions.iter().find(|a| a.command.to_lowercase() == line) {
        return Some(a);
    }
    let first_word = line.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':')).next()?;
    let word = match consent_word(first_word) {
        Some(true) => "yes",
        Some(false) => "no",
        None if MAYBE.iter().any(|m| line.starts_with(m)) => "maybe",
        None => return None,
    };
    let mut matching = actions.iter().filter(|a| a.command.split_whitespace().last() == Some(word));
    let one = matching.next()?;
    matching.next().is_none().then_some(one)
}

/// `yes`/`no` from the first words of a reply, if it says one of them.
pub fn consent_word(text: &str) -> Option<bool> {
    let first = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '!' | ';' | ':'))
        .find(|w| !w.is_empty())?
        .to_lowercase();
    if YES.contains(&first.as_str()) {
        Some(true)
    } else if NO.contains(&first.as_str()) {
        Some(false)
    } else {
        None
    }
}

impl Engine {
    /// Parses and runs a line from an email (subject or first body line);
    /// the replies, refusals included, are queued as mail to the caller.
    /// `Err` only when nothing was stored and the sender should retry later
    /// (rate limit, store trouble).
    /// Whether `identity` is known here (`VOUCH_EMAIL_UNKNOWN=ignore`).
    pub fn is_known(&self, identity: &IdentityKey) -> Result<bool, UserError> {
        Ok(self.store.identity(identity)?.is_some())
    }

    pub fn respond_by_mail(&self, caller: &Caller, line: &str, mail: &MailIn) -> Result<Response, UserError> {
        self.check_mail_limit(caller)?;
        match command::parse(line) {
            Ok((spec, cmd)) => self.run_by_mail(caller, spec, cmd, mail),
            Err(refusal) => self.mail_refusal(caller, &refusal, mail),
        }
    }

    /// Like [`Engine::respond_by_mail`] for a command an adapter built
    /// (a forwarded introduction becomes `refer`).
    pub fn respond_command_by_mail(&self, caller: &Caller, cmd: Command, mail: &MailIn) -> Result<Response, UserError> {
        self.check_mail_limit(caller)?;
        let name = super::command_name(&cmd);
        let spec = catalog::find(name).ok_or_else(|| UserError::Internal(format!("{name} not in catalog")))?;
        self.run_by_mail(caller, spec, cmd, mail)
    }

    /// A reply threaded under vouch's outbox row `row` (its Message-ID
    /// names the row), from the person the row was mailed to. A reply to a
    /// consent request is their answer; a reply to any other mail that
    /// offered choices (an invitation's RSVP buttons, a held seat's
    /// confirm/pass) picks the choice its first words name. Anything else is
    /// not acted on.
    pub fn respond_to_thread(
        &self,
        caller: &Caller,
        named: MailRef<'_>,
        reply: ThreadText<'_>,
        mail: &MailIn,
    ) -> Result<ThreadReply, UserError> {
        let text = reply.first_line;
        let row = named.row;
        let Some(request) = self.store.outbox(row)? else {
            return Ok(ThreadReply::Ignored(format!("no outbox row {row}")));
        };
        // A forged reply (a guessed row id, a spoofed sender) cannot name
        // the row's random token, which only its recipient has seen.
        if request.token.is_some() && request.token.as_deref() != named.token {
            return Ok(ThreadReply::Ignored(format!("the reply does not name vouch mail {row} exactly")));
        }
        if request.to != caller.identity {
            return Ok(ThreadReply::Ignored(format!("{} answered a mail sent to someone else", caller.identity)));
        }
        // Naming the row's random token proves the sender read the mail vouch
        // sent to this address, as a signed link does: the answer counts as
        // theirs even when their domain does not sign its mail. A row from
        // before tokens proves nothing; then only an authenticated sender acts.
        let proven;
        let caller = if request.token.is_some() && !caller.verified {
            proven = Caller { verified: true, ..caller.clone() };
            &proven
        } else if request.token.is_none() && !caller.verified {
            return Ok(ThreadReply::Ignored("an unauthenticated reply to a mail without a token".into()));
        } else {
            caller
        };
        if request.template == super::consent::PARTNER_ASK_TEMPLATE {
            return self.partner_answered(caller, reply.body, mail);
        }
        if request.template != super::consent::REQUEST_TEMPLATE {
            return self.choose_by_reply(caller, &request, text, mail);
        }
        let Some(referral) = request.data.get("referral").and_then(|v| v.as_str()).and_then(|v| v.parse().ok()) else {
            return Ok(ThreadReply::Ignored("consent request without a referral".into()));
        };
        self.check_mail_limit(caller)?;
        let response = match consent_word(text) {
            Some(accept) => self.run_by_mail(caller, consent_spec()?, Command::Consent { referral, accept }, mail)?,
            None => self.mail_refusal(caller, &UserError::ConsentUnclear { referral: referral.to_string() }, mail)?,
        };
        Ok(ThreadReply::Handled(response))
    }

    /// A calendar's Accept/Decline/Maybe (iMIP REPLY) for the event its UID
    /// names, run as `line` (`rsvp E3 yes`). Event UIDs are easy to guess,
    /// so the UID must be the one vouch put in the sender's own invitation
    /// (its attendee tag, signed for them): that proves the mail answers an
    /// invitation this address received, as a token reply does. Events from
    /// before attendees got their own UIDs need an authenticated sender.
    pub fn respond_to_calendar(
        &self,
        caller: &Caller,
        uid: &str,
        line: &str,
        mail: &MailIn,
    ) -> Result<ThreadReply, UserError> {
        let Some(event) = crate::ics::event_of_uid(uid).map(|id| self.store.event(id)).transpose()?.flatten() else {
            return Ok(ThreadReply::Ignored(format!("no vouch event has the UID {uid}")));
        };
        if !event.uid_per_attendee {
            return self.respond_by_mail(caller, line, mail).map(ThreadReply::Handled);
        }
        let member = self.store.member_by_identity(&caller.identity)?;
        let tag = crate::ics::uid_tag(uid);
        let matches = member.zip(tag).is_some_and(|(m, tag)| self.signer.calendar_tag_matches(event.id, m.id, tag));
        if !matches {
            return Ok(ThreadReply::Ignored(format!(
                "the calendar reply's UID is not the one sent to {}",
                caller.identity
            )));
        }
        let proven = Caller { verified: true, ..caller.clone() };
        self.respond_by_mail(&proven, line, mail).map(ThreadReply::Handled)
    }

    /// Mail has no buttons: the reply names one of the row's actions.
    fn choose_by_reply(
        &self,
        caller: &Caller,
        request: &vouch_store::OutboxMessage,
        text: &str,
        mail: &MailIn,
    ) -> Result<ThreadReply, UserError> {
        if request.actions.is_empty() {
            return Ok(ThreadReply::Ignored(format!("a reply to a {} mail; nothing to do", request.template)));
        }
        let Some(action) = chosen_action(&request.actions, text) else {
            return Ok(ThreadReply::Ignored(format!(
                "a reply to a {} mail that names none of its choices; not acted on",
                request.template
            )));
        };
        Ok(ThreadReply::Handled(self.respond_by_mail(caller, &action.command, mail)?))
    }

    /// A partner's answer to the "ideal introduction in reverse" goes to
    /// the organizers; the partner is thanked, once per message.
    fn partner_answered(&self, caller: &Caller, body: &str, mail: &MailIn) -> Result<ThreadReply, UserError> {
        self.check_mail_limit(caller)?;
        if body.trim().is_empty() {
            return Ok(ThreadReply::Ignored("an empty answer to a partner question".into()));
        }
        let answer: String = body.trim().chars().take(4000).collect();
        let now = self.clock.now();
        let response = self.store.write(|tx| -> Result<Response, UserError> {
            if let Some(seen) = tx.inbound(&mail.dedupe_key)? {
                return Ok(duplicate(seen.outcome));
            }
            let me = self.resolve(tx, caller, now)?;
            let partner = me.display_name.clone();
            let mut cx = Cx { engine: self, tx, me, caller, now, effects: Vec::new(), mail: Some(mail) };
            for organizer in super::members::organizers(&cx)? {
                cx.notify(
                    &organizer,
                    "notice/partner_profile",
                    serde_json::json!({
                        "name": organizer.display_name,
                        "partner": partner,
                        "contact": caller.identity.to_string(),
                        "answer": answer,
                    }),
                )?;
            }
            let outcome = cx.reply("reply/partner_thanks", serde_json::json!({ "name": partner }));
            for r in &outcome.replies {
                cx.queue_reply(&r.template, r.data.clone())?;
            }
            let outcome = Outcome { replies: outcome.replies, effects: cx.effects };
            super::remember(tx, &mail.dedupe_key, now, &outcome, mail.sender_auth.clone())?;
            Ok(Response { replies: outcome.replies, duplicate: false })
        })?;
        Ok(ThreadReply::Handled(response))
    }

    fn check_mail_limit(&self, caller: &Caller) -> Result<(), UserError> {
        if caller.admin { Ok(()) } else { self.limiter.check(&caller.identity, self.clock.now()) }
    }

    fn run_by_mail(
        &self,
        caller: &Caller,
        spec: &'static CommandSpec,
        cmd: Command,
        mail: &MailIn,
    ) -> Result<Response, UserError> {
        let now = self.clock.now();
        self.check_guess_limit(caller, &cmd, now)?;
        let result = self.store.write(|tx| self.run_in(tx, caller, spec, cmd, Some(&mail.dedupe_key), now, Some(mail)));
        self.count_failed_guess(caller, &result, now);
        match result {
            Ok((outcome, duplicate)) => Ok(Response { replies: outcome.replies, duplicate }),
            Err(e @ (UserError::Internal(_) | UserError::Unavailable(_) | UserError::RateLimited { .. })) => Err(e),
            Err(e) => self.mail_refusal(caller, &e, mail),
        }
    }

    /// A refused command changed nothing; its explanation still goes back
    /// by mail, once per message.
    fn mail_refusal(&self, caller: &Caller, refusal: &UserError, mail: &MailIn) -> Result<Response, UserError> {
        let reply = refusal.to_reply();
        let now = self.clock.now();
        self.store.write(|tx| {
            if let Some(seen) = tx.inbound(&mail.dedupe_key)? {
                return Ok(duplicate(seen.outcome));
            }
            let me = self.resolve(tx, caller, now)?;
            let mut cx = Cx { engine: self, tx, me, caller, now, effects: Vec::new(), mail: Some(mail) };
            cx.queue_reply(&reply.template, reply.data.clone())?;
            let outcome = Outcome { replies: vec![reply.clone()], effects: cx.effects };
            super::remember(tx, &mail.dedupe_key, now, &outcome, mail.sender_auth.clone())?;
            Ok(Response { replies: vec![reply], duplicate: false })
        })
    }

    /// A hard bounce (DSN 5.x.x) for `address`: notices stop going there
    /// until the person writes in again. Remembered under `dedupe_key`.
    ///
    /// Anyone can write a DSN, so it counts only when it returns a mail
    /// vouch sent to `address`: `returned` must name that outbox row with
    /// its token (the Message-ID only the real receiving system has seen).
    pub fn record_bounce(
        &self,
        address: &IdentityKey,
        returned: Option<MailRef<'_>>,
        dedupe_key: &str,
    ) -> Result<BounceOutcome, UserError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            if tx.inbound(dedupe_key)?.is_some() {
                return Ok(BounceOutcome::Repeat);
            }
            let row = match returned {
                Some(named) => {
                    tx.outbox(named.row)?.filter(|row| row.token.is_some() && row.token.as_deref() == named.token)
                }
                None => None,
            };
            if row.is_none_or(|row| &row.to != address) {
                super::remember(tx, dedupe_key, now, &Outcome::default(), None)?;
                return Ok(BounceOutcome::NotOurs);
            }
            let mut marked = BounceOutcome::NoChange;
            if let Some(mut found) = tx.identity(address)?
                && !found.unreachable
            {
                found.unreachable = true;
                tx.put_identity(&found)?;
                marked = BounceOutcome::Marked;
            }
            let outcome = Outcome::default();
            super::remember(tx, dedupe_key, now, &outcome, None)?;
            Ok(marked)
        })
    }
}

/// What a DSN did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BounceOutcome {
    /// The address is now unreachable.
    Marked,
    /// Already unreachable, or no identity under it.
    NoChange,
    /// The DSN does not return a mail vouch sent to that address: ignored.
    NotOurs,
    /// The same DSN again.
    Repeat,
}

fn consent_spec() -> Result<&'static CommandSpec, UserError> {
    catalog::find("consent").ok_or_else(|| UserError::Internal("consent not in catalog".into()))
}

fn duplicate(stored: serde_json::Value) -> Response {
    let outcome: Outcome = serde_json::from_value(stored).unwrap_or_default();
    let replies: Vec<Reply> = outcome.replies;
    Response { replies, duplicate: true }
}

#[cfg(test)]
mod tests {
    use vouch_store::Action;

    use super::{chosen_action, consent_word};

    #[test]
    fn yes_and_no_in_several_languages() {
        for yes in ["Yes", "yes, please", "Oui !", "Ja.", "Да", "sí", "نعم", "Da, cu plăcere"] {
            assert_eq!(consent_word(yes), Some(true), "{yes}");
        }
        for no in ["no", "No thanks", "Nein", "нет", "non merci", "لا", "Nu, mulțumesc"] {
            assert_eq!(consent_word(no), Some(false), "{no}");
        }
        assert_eq!(consent_word("maybe later"), None);
        assert_eq!(consent_word(""), None);
    }

    #[test]
    fn a_reply_names_one_choice_or_none() {
        let rsvp =
            [Action::new("Yes", "rsvp E3 yes"), Action::new("No", "rsvp E3 no"), Action::new("Maybe", "rsvp E3 maybe")];
        let pick = |text: &str| chosen_action(&rsvp, text).map(|a| a.command.as_str());
        assert_eq!(pick("yes"), Some("rsvp E3 yes"));
        assert_eq!(pick("\n  Oui, avec plaisir\n> quoted"), Some("rsvp E3 yes"));
        assert_eq!(pick("Nein, leider nicht."), Some("rsvp E3 no"));
        assert_eq!(pick("maybe, depends on the train"), Some("rsvp E3 maybe"));
        // Romanian, the words the Romanian templates ask for.
        assert_eq!(pick("Da!"), Some("rsvp E3 yes"));
        assert_eq!(pick("nu pot, din păcate"), Some("rsvp E3 no"));
        assert_eq!(pick("Poate, dacă termin devreme"), Some("rsvp E3 maybe"));
        assert_eq!(pick("/rsvp e3 no"), Some("rsvp E3 no"));
        assert_eq!(pick("what time?"), None);
        assert_eq!(pick(""), None);
        // Two choices ending in "yes" are ambiguous: nothing is guessed.
        let two = [Action::new("a", "rsvp E1 yes"), Action::new("b", "rsvp E2 yes")];
        assert!(chosen_action(&two, "yes").is_none());
    }
}
