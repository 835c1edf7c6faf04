//! The engine: resolves the caller, checks the role, runs the command in one
//! store transaction (with its outbox rows) and answers once it is durable.

mod alts;
mod api;
mod calendar;
mod clicks;
mod consent;
mod event_settings;
mod events;
mod executor;
mod invites;
mod mail;
mod members;
mod occurrences;
mod programs;
mod referrals;
mod refunds;
mod report;
mod schedule;
mod webhooks;
mod wishes;

use std::sync::Arc;

use serde_json::{Value, json};
use vouch_store::{
    Identity, IdentityKey, InboundRecord, Member, MemberId, OutboxId, OutboxMessage, OutboxState, Program, Read, Role,
    Store, Timestamp, WriteTx,
};

use crate::catalog::CommandSpec;
use crate::command::{self, Command};
use crate::error::UserError;
use crate::limit::Limiter;
pub use crate::limit::Limits;
use crate::ports::{Clock, IdGen};
use crate::reply::{Effect, Outcome, Reply, Response};

pub use api::{ApiKeyCreated, idempotency_key};
pub use clicks::{Counted, ShareLink, Visit};
pub use consent::stage as introduction_stage;
pub use mail::{BounceOutcome, MailIn, MailRef, ThreadReply, ThreadText, consent_word};
pub use programs::preset;
pub use webhooks::{EndpointView, EventType};

/// Deployment-wide settings the engine needs (from config).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Shown in share texts and notices ("Acme Community").
    pub community: String,
    /// Share link with `{code}` in it, e.g. `https://acme.example/join?ref={code}`.
    pub share_url: Option<String>,
    /// Currency of new programs (ISO 4217).
    pub currency: String,
    /// How long a `link` code stays valid.
    pub link_ttl_minutes: i64,
    pub limits: Limits,
    /// The ORGANIZER address of event invitations (the inbound mail address,
    /// so calendars' Accept/Decline replies come back to vouch).
    pub calendar_address: Option<String>,
    /// Where vouch's HTTP server is reached from outside (`VOUCH_PUBLIC_URL`):
    /// with it, mail carries signed one-click links and members get a feed URL.
    pub public_url: Option<crate::PublicUrl>,
    /// Where public thanks go (`VOUCH_SHOUTOUT_TO`): a Telegram group
    /// (`telegram:-100…`), a Discord channel (`discord:#…`), a newsletter or
    /// team mailbox (`email:…`).
    pub shoutout_to: Option<IdentityKey>,
    /// The languages spoken (the renderer's locales) and the community
    /// default (`VOUCH_LANGUAGE`).
    pub languages: crate::Languages,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            community: "our community".into(),
            share_url: None,
            currency: "USD".into(),
            link_ttl_minutes: 15,
            limits: Limits::default(),
            calendar_address: None,
            public_url: None,
            shoutout_to: None,
            languages: crate::Languages::default(),
        }
    }
}

/// Who is talking: a channel identity and the name the platform shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub identity: IdentityKey,
    pub display_name: String,
    /// The local CLI: every role, no rate limit.
    pub admin: bool,
    /// The platform proved who this is (chat, `link`, authenticated mail);
    /// false for mail whose sender authentication did not pass.
    pub verified: bool,
    /// The language the channel says this person uses (Telegram
    /// `language_code`, Discord `locale`, mail, `Accept-Language`); their own
    /// `language` choice wins over it.
    pub language: Option<vouch_store::Language>,
}

impl Caller {
    pub fn new(identity: IdentityKey, display_name: &str) -> Self {
        let display_name = clean_name(display_name, &identity_fallback_name(&identity));
        Self { identity, display_name, admin: false, verified: true, language: None }
    }

    /// The channel's language hint; a malformed tag is no hint.
    pub fn with_language(mut self, tag: Option<&str>) -> Self {
        self.language = tag.and_then(|t| vouch_store::Language::parse(t).ok());
        self
    }

    /// The administrator at the command line.
    pub fn admin() -> Self {
        Self {
            identity: IdentityKey::parse("console:admin").unwrap_or_else(|_| unreachable!("valid console name")),
            display_name: "Administrator".into(),
            admin: true,
            verified: true,
            language: None,
        }
    }
}

fn identity_fallback_name(identity: &IdentityKey) -> String {
    identity.external().to_string()
}

/// Names come from platforms and users: trim, drop control characters and
/// bidi overrides, cap the length. Escaping happens at render time.
pub fn clean_name(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = command::truncate(&cleaned, 64);
    if cleaned.is_empty() { fallback.to_string() } else { cleaned }
}

/// What a person sent, as an adapter received it.
#[derive(Clone, Debug)]
pub enum Input<'a> {
    /// Text as typed: a chat message, a console line, a button's command.
    Line(&'a str),
    /// A command the adapter built itself (a role granted at start, a
    /// button's typed action).
    Command(Command),
    /// A command by name with named values (Discord's slash options): each
    /// value is one argument as given, never re-parsed from a line (see
    /// [`command::from_options`]).
    Options { name: &'a str, options: &'a [(&'a str, &'a str)] },
}

/// The engine a frontend holds. Commands are executed by one writer thread
/// (see [`executor`]): callers queue a job and sleep until their answer is
/// durable, so nothing contends for the store and each caller wakes once.
pub struct Engine {
    core: Arc<EngineCore>,
    writer: executor::Writer,
}

/// What commands run against: the store, the ports, the settings.
pub struct EngineCore {
    store: Arc<Store>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
    settings: Settings,
    limiter: Limiter,
    /// Checks link tokens (the HTTP server), with or without a public URL.
    signer: crate::Signer,
    /// Builds links (mail, `feed`); `None` without a public URL.
    links: Option<crate::PublicLinks>,
    /// Share-link clicks: the visitor key and flood limits.
    clicks: clicks::Clicks,
}

impl std::ops::Deref for Engine {
    type Target = EngineCore;
    fn deref(&self) -> &EngineCore {
        &self.core
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("store", &self.store).field("settings", &self.settings).finish_non_exhaustive()
    }
}

/// What a notice carries beyond its template and data.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    pub actions: Vec<vouch_store::Action>,
    pub attachments: Vec<vouch_store::Attachment>,
}

/// Everything a command handler needs inside its transaction.
pub(crate) struct Cx<'a, 'tx> {
    pub engine: &'a EngineCore,
    pub tx: &'a WriteTx<'tx>,
    pub me: Member,
    pub caller: &'a Caller,
    pub now: Timestamp,
    pub effects: Vec<Effect>,
    /// Set when the command came by email.
    pub mail: Option<&'a MailIn>,
}

impl Cx<'_, '_> {
    /// Queues a message to a member's preferred identity, in this
    /// transaction; if that one is unreachable, to another that isn't.
    pub fn notify(&mut self, member: &Member, template: &str, data: Value) -> Result<(), UserError> {
        self.notify_with(member, template, data, Extras::default())
    }

    /// [`Cx::notify`] with buttons and attachments.
    pub fn notify_with(
        &mut self,
        member: &Member,
        template: &str,
        data: Value,
        extras: Extras,
    ) -> Result<(), UserError> {
        let primary_ok = self.tx.identity(&member.primary_identity)?.is_none_or(|i| !i.unreachable);
        let to = if primary_ok {
            member.primary_identity.clone()
        } else {
            match self.tx.identities_of(member.id)?.into_iter().find(|i| !i.unreachable) {
                Some(other) => other.key,
                None => member.primary_identity.clone(),
            }
        };
        self.notify_identity_with(to, template, data, extras).map(drop)
    }

    /// Queues a notice to one identity; returns its outbox row, or `None`
    /// when the person opted out or the address bounced (nothing queued).
    pub fn notify_identity_with(
        &mut self,
        to: IdentityKey,
        template: &str,
        data: Value,
        extras: Extras,
    ) -> Result<Option<OutboxId>, UserError> {
        if let Some(identity) = self.tx.identity(&to)?
            && (identity.opted_out || (identity.unreachable && to.email().is_some()))
        {
            return Ok(None);
        }
        // Every notice by mail says how to stop them (List-Unsubscribe).
        let mut data = data;
        if to.email().is_some()
            && let Value::Object(map) = &mut data
        {
            map.entry("unsubscribe").or_insert_with(|| json!("unsubscribe"));
        }
        self.queue(to, template, data, extras, None).map(Some)
    }

    /// Queues a reply to the caller: never suppressed (they just wrote),
    /// and by mail threaded under their message.
    pub fn queue_reply(&mut self, template: &str, data: Value) -> Result<OutboxId, UserError> {
        let thread = self.mail.and_then(MailIn::thread);
        self.queue(self.caller.identity.clone(), template, data, Extras::default(), thread)
    }

    fn queue(
        &mut self,
        to: IdentityKey,
        template: &str,
        data: Value,
        extras: Extras,
        in_reply_to: Option<vouch_store::MailThread>,
    ) -> Result<OutboxId, UserError> {
        let id = OutboxId(self.tx.next_id("outbox")?);
        let mut data = data;
        if let Value::Object(map) = &mut data {
            map.insert("community".into(), json!(self.engine.settings.community));
        }
        let language = self.row_language(&to)?;
        // Mail only: chat deliveries have no Message-ID to protect.
        let token = to.email().map(|_| self.engine.ids.code().to_string().replace('-', "").to_ascii_lowercase());
        self.tx.put_outbox(&OutboxMessage {
            id,
            token,
            to: to.clone(),
            template: template.to_string(),
            data,
            created_at: self.now,
            state: OutboxState::Pending,
            attempts: 0,
            next_attempt_at: self.now,
            last_error: None,
            sent_at: None,
            actions: extras.actions,
            attachments: extras.attachments,
            in_reply_to,
            language,
        })?;
        self.effects.push(Effect { to, template: template.to_string() });
        Ok(id)
    }

    /// The language a queued row is written in: the recipient's (choice or
    /// last hint); for someone vouch never heard from (a prospect), the
    /// language of whoever caused the notice — except organizers, who get
    /// the community default until they say otherwise.
    fn row_language(&self, to: &IdentityKey) -> Result<Option<vouch_store::Language>, UserError> {
        let recipient = match self.tx.identity(to)? {
            Some(identity) => self.tx.member(identity.member)?,
            None => None,
        };
        let languages = &self.engine.settings.languages;
        let own = recipient.as_ref().and_then(|m| m.language.clone().or_else(|| m.language_hint.clone()));
        if own.is_some() || recipient.as_ref().is_some_and(|m| m.has_role(Role::Organizer)) {
            return Ok(own);
        }
        if recipient.is_none() || self.caller.admin {
            return Ok(None);
        }
        let theirs = languages.for_member(Some(&self.me), self.caller.language.as_ref());
        Ok(vouch_store::Language::parse(theirs).ok())
    }

    /// The caller's language (for text the engine writes itself).
    pub fn language(&self) -> &str {
        self.engine.settings.languages.for_member(Some(&self.me), self.caller.language.as_ref())
    }

    pub fn member(&self, id: MemberId) -> Result<Member, UserError> {
        self.tx.member(id)?.ok_or_else(|| UserError::Internal(format!("member {id} missing")))
    }

    pub fn program(&self, id: vouch_store::ProgramId) -> Result<Program, UserError> {
        self.tx.program(id)?.ok_or_else(|| UserError::Internal(format!("program {id} missing")))
    }

    pub fn settings(&self) -> &Settings {
        &self.engine.settings
    }

    pub fn reply(&self, template: &str, data: Value) -> Outcome {
        let mut data = data;
        if let Value::Object(map) = &mut data {
            map.insert("community".into(), json!(self.engine.settings.community));
        }
        Outcome::reply(Reply::new(template, data))
    }
}

impl Engine {
    /// Builds the engine and makes sure a default program exists.
    pub fn new(
        store: Arc<Store>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGen>,
        settings: Settings,
    ) -> Result<Self, UserError> {
        let limiter = Limiter::new(settings.limits);
        let secret = link_secret(&store, ids.as_ref())?;
        let signer = crate::Signer::new(&secret);
        let clicks = clicks::Clicks::new(&secret);
        let links = settings.public_url.clone().map(|base| crate::PublicLinks::new(base, signer.clone()));
        let core = Arc::new(EngineCore { store, clock, ids, settings, limiter, signer, links, clicks });
        core.ensure_default_program()?;
        let writer = executor::Writer::start(Arc::clone(&core))?;
        Ok(Self { core, writer })
    }
}

/// The store's link secret, made on first start (one transaction, so two
/// processes racing on a fresh data dir cannot end up with two keys).
fn link_secret(store: &Store, ids: &dyn IdGen) -> Result<vouch_store::LinkSecret, UserError> {
    if let Some(secret) = store.link_secret()? {
        return Ok(secret);
    }
    store.write(|tx| -> Result<_, UserError> {
        if let Some(secret) = tx.link_secret()? {
            return Ok(secret);
        }
        let secret = vouch_store::LinkSecret::new(ids.secret());
        tx.put_link_secret(&secret)?;
        Ok(secret)
    })
}

impl EngineCore {
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Verifies link tokens presented to the HTTP server.
    pub fn signer(&self) -> &crate::Signer {
        &self.signer
    }

    /// Builds signed links, when a public URL is configured.
    pub fn public_links(&self) -> Option<&crate::PublicLinks> {
        self.links.as_ref()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn ensure_default_program(&self) -> Result<(), UserError> {
        if !self.store.programs()?.is_empty() {
            return Ok(());
        }
        let now = self.clock.now();
        let currency = self.settings.currency.clone();
        self.store.write(|tx| programs::create_default(tx, now, &currency))
    }

    /// Pending outbox rows for `channel` due now and covered by a flush:
    /// what a delivery worker may send (at most `limit`).
    pub fn outbox_due(&self, channel: vouch_store::Channel, limit: usize) -> Result<Vec<OutboxMessage>, UserError> {
        Ok(self.store.outbox_deliverable(channel, self.clock.now(), limit)?)
    }

    /// Settles an outbox row after one attempt (see
    /// [`crate::delivery::settled`]) and, when the recipient is gone, marks
    /// their identity unreachable: both in one transaction, durably.
    /// Returns the row as written.
    pub fn settle_delivery(
        &self,
        message: &OutboxMessage,
        outcome: &crate::delivery::SendOutcome,
        retry: &crate::delivery::RetryPolicy,
    ) -> Result<OutboxMessage, UserError> {
        use rand::Rng;
        let now = self.clock.now();
        let mut row = crate::delivery::settled(message, outcome, now, retry, rand::rng().random());
        self.store.write(|tx| {
            if matches!(outcome, crate::delivery::SendOutcome::RecipientGone(_)) {
                mark_unreachable_in(tx, &row.to)?;
            }
            if row.to.channel() == vouch_store::Channel::Webhook {
                self.webhook_attempted(tx, &mut row, outcome, now)?;
            }
            tx.put_outbox(&row)?;
            Ok::<_, UserError>(())
        })?;
        Ok(row)
    }

    /// Forgets inbound delivery keys older than `older_than` (at most
    /// `limit` per call). Platforms redeliver within hours or days, and
    /// Telegram may reuse update ids after a quiet week, so keys must not
    /// live forever. Returns how many were removed.
    pub fn prune_inbound(&self, older_than: chrono::Duration, limit: usize) -> Result<usize, UserError> {
        let cutoff = self.clock.now() - older_than;
        self.store.write(|tx| {
            let old: Vec<String> =
                tx.inbound_records()?.into_iter().filter(|r| r.at < cutoff).take(limit).map(|r| r.key).collect();
            for key in &old {
                tx.remove_inbound(key)?;
            }
            Ok(old.len())
        })
    }

    /// The platform says this identity can't be reached (bot blocked, hard
    /// bounce). Notices go to the member's other identities until the person
    /// writes in again.
    pub fn mark_unreachable(&self, identity: &IdentityKey) -> Result<(), UserError> {
        self.store.write(|tx| mark_unreachable_in(tx, identity))
    }
}

fn mark_unreachable_in(tx: &mut vouch_store::WriteTx<'_>, identity: &IdentityKey) -> Result<(), UserError> {
    if let Some(mut found) = tx.identity(identity)?
        && !found.unreachable
    {
        found.unreachable = true;
        tx.put_identity(&found)?;
    }
    Ok(())
}

impl Engine {
    /// Grants `organizer` to each identity (from `VOUCH_ORGANIZERS`); writes
    /// only what is missing.
    pub fn seed_organizers(&self, identities: &[IdentityKey]) -> Result<(), UserError> {
        for identity in identities {
            let has = self.store.member_by_identity(identity)?.is_some_and(|m| m.has_role(Role::Organizer));
            if !has {
                let grant = Command::Role { grant: true, identity: identity.clone(), role: Role::Organizer };
                let response = self.respond_command(&Caller::admin(), grant, None);
                if let Some(r) = response.replies.iter().find(|r| r.is_error()) {
                    return Err(UserError::Internal(format!("seeding organizer {identity}: {}", r.template)));
                }
            }
        }
        Ok(())
    }

    /// The entry point of every chat adapter (Telegram, Discord, the console,
    /// the web): runs what `caller` sent, with rate limits, role checks and
    /// dedupe (`dedupe_key`: the platform's delivery id, so a redelivery
    /// returns the first answer and changes nothing). Refusals are replies
    /// with a typed [`crate::Failure`]; a code to share is [`Reply::share`].
    pub fn handle(&self, caller: &Caller, input: Input, dedupe_key: Option<&str>) -> Response {
        match input {
            Input::Line(line) => self.respond(caller, line, dedupe_key),
            Input::Command(cmd) => self.respond_command(caller, cmd, dedupe_key),
            Input::Options { name, options } => {
                let response = self
                    .try_parsed(caller, || command::from_options(name, options), dedupe_key)
                    .unwrap_or_else(|e| self.refusal(e));
                self.in_language(caller, response)
            }
        }
    }

    /// Parses and runs one line from a person. Errors become polite replies.
    /// With `dedupe_key` (a platform's message id), a redelivery returns the
    /// first answer and changes nothing.
    pub fn respond(&self, caller: &Caller, line: &str, dedupe_key: Option<&str>) -> Response {
        let response = self.try_respond(caller, line, dedupe_key).unwrap_or_else(|e| self.refusal(e));
        self.in_language(caller, response)
    }

    /// Marks each reply with the language it is rendered in, read after the
    /// command (so `language ar` is answered in Arabic).
    pub(crate) fn in_language(&self, caller: &Caller, mut response: Response) -> Response {
        let member = self.store.member_by_identity(&caller.identity).ok().flatten();
        let lang = self.settings.languages.for_member(member.as_ref(), caller.language.as_ref());
        for reply in &mut response.replies {
            if reply.language.is_none() {
                reply.language = vouch_store::Language::parse(lang).ok();
            }
        }
        response
    }

    /// The language an outbox row is rendered in when a worker delivers it:
    /// the recipient's current choice if they made one since it was queued,
    /// else the row's own, else their last hint, else the default.
    pub fn notice_language(&self, message: &OutboxMessage) -> String {
        let member = self.store.member_by_identity(&message.to).ok().flatten();
        let languages = &self.settings.languages;
        let choice = member.as_ref().and_then(|m| m.language.as_ref());
        let hint = member.as_ref().and_then(|m| m.language_hint.as_ref());
        [choice, message.language.as_ref(), hint]
            .into_iter()
            .flatten()
            .find_map(|t| languages.negotiate(t))
            .unwrap_or(languages.default_language())
            .to_string()
    }

    fn try_respond(&self, caller: &Caller, line: &str, dedupe_key: Option<&str>) -> Result<Response, UserError> {
        self.try_parsed(caller, || command::parse(line), dedupe_key)
    }

    fn try_parsed(
        &self,
        caller: &Caller,
        parse: impl FnOnce() -> Result<(&'static CommandSpec, Command), UserError>,
        dedupe_key: Option<&str>,
    ) -> Result<Response, UserError> {
        // Limit before parsing: a flood of garbage costs as much as commands.
        if !caller.admin {
            self.limiter.check(&caller.identity, self.clock.now())?;
        }
        let (spec, cmd) = parse()?;
        self.execute(caller, spec, cmd, dedupe_key)
    }

    /// Runs a command built by an adapter from structured input (Discord
    /// slash options, Telegram buttons), with the same limits, role checks,
    /// dedupe and privacy as a typed line. Errors become polite replies.
    pub fn respond_command(&self, caller: &Caller, cmd: Command, dedupe_key: Option<&str>) -> Response {
        let name = command_name(&cmd);
        let result = match crate::catalog::find(name) {
            Some(spec) => {
                let limited =
                    if caller.admin { Ok(()) } else { self.limiter.check(&caller.identity, self.clock.now()) };
                limited.and_then(|()| self.execute(caller, spec, cmd, dedupe_key))
            }
            None => Err(UserError::Internal(format!("{name} not in catalog"))),
        };
        let response = result.unwrap_or_else(|e| self.refusal(e));
        self.in_language(caller, response)
    }

    fn refusal(&self, e: UserError) -> Response {
        if let UserError::Internal(detail) | UserError::Unavailable(detail) = &e {
            tracing_like_log(detail);
        }
        Response { replies: vec![e.to_reply()], duplicate: false }
    }

    fn execute(
        &self,
        caller: &Caller,
        spec: &'static CommandSpec,
        cmd: Command,
        dedupe_key: Option<&str>,
    ) -> Result<Response, UserError> {
        let now = self.clock.now();
        self.check_guess_limit(caller, &cmd, now)?;
        let result = self.run(caller, spec, cmd, dedupe_key);
        self.count_failed_guess(caller, &result, now);
        let (outcome, duplicate) = result?;
        let mut replies = outcome.replies;
        if spec.answers_privately() {
            for r in &mut replies {
                r.private = true;
            }
        }
        Ok(Response { replies, duplicate })
    }

    fn run(
        &self,
        caller: &Caller,
        spec: &'static CommandSpec,
        cmd: Command,
        dedupe_key: Option<&str>,
    ) -> Result<(Outcome, bool), UserError> {
        self.writer.submit(caller, spec, cmd, dedupe_key)
    }
}

impl EngineCore {
    /// Runs one command in the store without waiting for durability; the
    /// executor waits once for the whole batch before answering.
    ///
    /// A refusal changes nothing, but with a dedupe key it is remembered
    /// (in its own write, the command's being discarded): a redelivery gets
    /// the first answer again instead of running the command against a
    /// state that may have changed since, so one delivery has one outcome.
    /// Returns the answer and the sequence number to wait for before giving it.
    fn run_nowait(
        &self,
        caller: &Caller,
        spec: &'static CommandSpec,
        cmd: Command,
        dedupe_key: Option<&str>,
    ) -> (Result<(Outcome, bool), UserError>, Option<u64>) {
        let now = self.clock.now();
        let refusal = match self.store.apply(|tx| self.run_in(tx, caller, spec, cmd, dedupe_key, now, None)) {
            Ok((answer, seq)) => return (Ok(answer), seq),
            Err(refusal) => refusal,
        };
        let Some(key) = dedupe_key.filter(|_| refusal.is_final()) else { return (Err(refusal), None) };
        let outcome = Outcome { replies: vec![refusal.to_reply()], effects: Vec::new() };
        match self.store.apply(|tx| remember(tx, key, now, &outcome, None)) {
            Ok(((), seq)) => (Err(refusal), seq),
            // The refusal stands; only its memory is lost (a redelivery runs again).
            Err(e) => {
                tracing_like_log(&format!("remembering a refusal: {e}"));
                (Err(refusal), None)
            }
        }
    }

    /// One command inside a transaction: a redelivery returns the first
    /// answer; otherwise resolve the caller, check the role, run the rules
    /// and remember the answer under the dedupe key. With `mail` each
    /// reply is also queued as mail to the caller (email has no session to
    /// answer in), in the same transaction, threaded under their message.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run_in(
        &self,
        tx: &WriteTx<'_>,
        caller: &Caller,
        spec: &'static CommandSpec,
        cmd: Command,
        dedupe_key: Option<&str>,
        now: Timestamp,
        mail: Option<&MailIn>,
    ) -> Result<(Outcome, bool), UserError> {
        if let Some(key) = dedupe_key
            && let Some(seen) = api::seen(tx, key)?
        {
            let outcome: Outcome = serde_json::from_value(seen.outcome).unwrap_or_default();
            return Ok((outcome, true));
        }
        if let Some(key) = dedupe_key {
            refuse_a_second_link_answer(tx, key)?;
        }
        if !caller.verified && !caller.admin {
            stranger_may(spec, tx.identity(&caller.identity)?.is_some())?;
        }
        let me = self.resolve(tx, caller, now)?;
        if !caller.admin && !me.has_role(spec.role) {
            return Err(UserError::NotAllowed { command: spec.name, needed: spec.role });
        }
        let mut cx = Cx { engine: self, tx, me, caller, now, effects: Vec::new(), mail };
        let mut outcome = self.dispatch(&mut cx, cmd)?;
        if mail.is_some() {
            for reply in &outcome.replies {
                cx.queue_reply(&reply.template, reply.data.clone())?;
            }
        }
        outcome.effects.append(&mut cx.effects);
        if let Some(key) = dedupe_key {
            remember(tx, key, now, &outcome, mail.and_then(|m| m.sender_auth.clone()))?;
        }
        Ok((outcome, false))
    }

    /// Wrong codes are counted per identity: guessing stays hopeless.
    pub(super) fn check_guess_limit(&self, caller: &Caller, cmd: &Command, now: Timestamp) -> Result<(), UserError> {
        let guesses_code = matches!(cmd, Command::Redeem { .. } | Command::Link { code: Some(_) });
        if guesses_code && !caller.admin { self.limiter.check_guesses(&caller.identity, now) } else { Ok(()) }
    }

    pub(super) fn count_failed_guess<T>(&self, caller: &Caller, result: &Result<T, UserError>, now: Timestamp) {
        if let Err(UserError::UnknownCode { .. } | UserError::MalformedCode { .. } | UserError::LinkInvalid) = result {
            self.limiter.record_failed_guess(&caller.identity, now);
        }
    }

    /// The member behind an identity; a first contact creates one.
    fn resolve(&self, tx: &WriteTx<'_>, caller: &Caller, now: Timestamp) -> Result<Member, UserError> {
        if let Some(mut identity) = tx.identity(&caller.identity)? {
            // Hearing from someone proves they can be reached again; an
            // authenticated message proves the address is theirs. A mail
            // that failed authentication proves neither: it changes nothing.
            if caller.verified && (identity.unreachable || !identity.verified) {
                identity.unreachable = false;
                identity.verified = true;
                tx.put_identity(&identity)?;
            }
            if let Some(mut member) = tx.member(identity.member)? {
                // Made on someone else's word (`role grant discord:123`)
                // under a placeholder name: the platform's name is better.
                let placeholder = caller.identity.external();
                let renamed =
                    caller.verified && member.display_name == placeholder && caller.display_name != placeholder;
                if renamed {
                    member.display_name = caller.display_name.clone();
                }
                // Kept for notices rendered later, when no channel is talking.
                let new_hint = caller.language.is_some() && caller.language != member.language_hint;
                if new_hint {
                    member.language_hint = caller.language.clone();
                }
                if renamed || new_hint {
                    tx.put_member(&member)?;
                }
                return Ok(member);
            }
        }
        let mut roles = std::collections::BTreeSet::from([Role::Member]);
        if caller.admin {
            roles.insert(Role::Admin);
        }
        let mut member = create_member(tx, &caller.identity, &caller.display_name, roles, caller.verified, now)?;
        if caller.language.is_some() {
            member.language_hint = caller.language.clone();
            tx.put_member(&member)?;
        }
        Ok(member)
    }

    fn dispatch(&self, cx: &mut Cx<'_, '_>, cmd: Command) -> Result<Outcome, UserError> {
        match cmd {
            Command::Help { topic } => members::help(cx, topic),
            Command::Code { program } => referrals::code(cx, program),
            Command::Redeem { code } => referrals::redeem(cx, &code),
            Command::Refer { name, email, note, company } => {
                referrals::refer(cx, &name, &email, &note, company.as_deref())
            }
            Command::Mine => members::mine(cx),
            Command::Why => members::why(cx),
            Command::Leaderboard { period } => members::leaderboard(cx, period),
            Command::Nps { score, comment } => members::nps(cx, score, &comment),
            Command::Heard { source } => members::heard(cx, &source),
            Command::Link { code } => members::link(cx, code.as_deref()),
            Command::Program(action) => programs::program(cx, action),
            Command::Referrals { state } => referrals::list(cx, state),
            Command::Convert { referral, value } => referrals::convert(cx, referral, value),
            Command::Approve { referral } => referrals::approve(cx, referral),
            Command::Reject { referral, reason } => referrals::reject(cx, referral, &reason),
            Command::Refund { referral, reason } => refunds::refund(cx, referral, &reason),
            Command::RewardPaid { reward } => referrals::reward_paid(cx, reward),
            Command::RewardList { status } => referrals::reward_list(cx, status),
            Command::Role { grant, identity, role } => members::role(cx, grant, &identity, role),
            Command::Report { month } => report::report(cx, month),
            Command::Events { mine } => events::list(cx, mine),
            Command::Event(action) => events::event(cx, action),
            Command::Rsvp { event, answer, guests, on_behalf, date } => {
                events::rsvp(cx, event, answer, guests, on_behalf.as_ref(), date)
            }
            Command::Agenda { event } => events::agenda(cx, event),
            Command::Attendees { event, date } => events::attendees(cx, event, date),
            Command::Ics { event, member } => calendar::ics(cx, event, member.as_ref()),
            Command::Feed { reset } => calendar::feed(cx, reset),
            Command::Timezone { zone } => calendar::timezone(cx, zone),
            Command::Language { code } => members::language(cx, code.as_deref()),
            Command::AskPartner { email, name } => consent::ask_partner(cx, &email, &name),
            Command::Consent { referral, accept } => consent::consent(cx, referral, accept),
            Command::Subscribe { on } => consent::subscription(cx, on),
            Command::WishAdd { text } => wishes::add(cx, &text),
            Command::WishDrop { wish } => wishes::drop(cx, wish),
            Command::Wishes => wishes::list(cx),
            Command::Shoutout { on } => members::shoutout(cx, on),
            Command::Thank { referral, message } => referrals::thank(cx, referral, &message),
        }
    }
}

fn command_name(cmd: &Command) -> &'static str {
    match cmd {
        Command::Help { .. } => "help",
        Command::Code { .. } => "code",
        Command::Redeem { .. } => "redeem",
        Command::Refer { .. } => "refer",
        Command::Mine => "mine",
        Command::Why => "why",
        Command::Leaderboard { .. } => "leaderboard",
        Command::Nps { .. } => "nps",
        Command::Heard { .. } => "heard",
        Command::Link { .. } => "link",
        Command::Program(_) => "program",
        Command::Referrals { .. } => "referrals",
        Command::Convert { .. } => "convert",
        Command::Approve { .. } => "approve",
        Command::Reject { .. } => "reject",
        Command::Refund { .. } => "refund",
        Command::RewardPaid { .. } | Command::RewardList { .. } => "reward",
        Command::Role { .. } => "role",
        Command::Report { .. } => "report",
        Command::Events { .. } => "events",
        Command::Event(_) => "event",
        Command::Rsvp { .. } => "rsvp",
        Command::Agenda { .. } => "agenda",
        Command::Attendees { .. } => "attendees",
        Command::Ics { .. } => "ics",
        Command::Feed { .. } => "feed",
        Command::Timezone { .. } => "timezone",
        Command::Language { .. } => "language",
        Command::AskPartner { .. } => "partner",
        Command::Consent { .. } => "consent",
        Command::Subscribe { on: true } => "subscribe",
        Command::Subscribe { on: false } => "unsubscribe",
        Command::WishAdd { .. } | Command::WishDrop { .. } => "wish",
        Command::Wishes => "wishes",
        Command::Shoutout { .. } => "shoutout",
        Command::Thank { .. } => "thank",
    }
}

/// The choices of one mail's links (`http:action:<row>:<choice>`, see
/// `src/http.rs`) answer one question: once one was used, another is
/// refused (an old "yes" link cannot undo a "no"). The same link again is
/// a redelivery, answered by the dedupe record before this check.
fn refuse_a_second_link_answer(tx: &WriteTx<'_>, key: &str) -> Result<(), UserError> {
    let Some((row, _choice)) = key.strip_prefix(LINK_ANSWER_KEY).and_then(|rest| rest.split_once(':')) else {
        return Ok(());
    };
    let group = format!("{LINK_ANSWER_KEY}{row}:");
    let answered = tx.scan_prefix_raw(vouch_store::TreeName::Inbound, group.as_bytes())?;
    if answered.iter().any(|(k, _)| k.as_ref() != key.as_bytes()) {
        return Err(UserError::AlreadyAnswered);
    }
    Ok(())
}

/// Dedupe keys of answers given through a mail's action links.
pub const LINK_ANSWER_KEY: &str = "http:action:";

/// What a caller whose mail failed sender authentication may run: what a
/// stranger may — ask for help, and get a code of their own when the
/// address is new here. Never anything as an existing identity (its roles,
/// consent, links, RSVPs, subscriptions), since anyone can write any From.
const STRANGER_COMMANDS: &[&str] = &["help", "code"];

fn stranger_may(spec: &CommandSpec, identity_exists: bool) -> Result<(), UserError> {
    let allowed = spec.name == "help" || (!identity_exists && STRANGER_COMMANDS.contains(&spec.name));
    if allowed { Ok(()) } else { Err(UserError::Unverified { what: unverified_what(spec.name) }) }
}

/// Which "…so we can't ___" the refusal says (`unverified-*` messages).
fn unverified_what(command: &str) -> &'static str {
    match command {
        "refer" => "refer",
        "consent" => "consent",
        "rsvp" => "rsvp",
        "subscribe" => "subscribe",
        "unsubscribe" => "unsubscribe",
        "link" => "link",
        "role" => "role",
        _ => "other",
    }
}

/// Stores the answer to an inbound delivery so a redelivery repeats it.
pub(super) fn remember(
    tx: &WriteTx<'_>,
    key: &str,
    at: Timestamp,
    outcome: &Outcome,
    sender_auth: Option<vouch_store::SenderAuth>,
) -> Result<(), UserError> {
    let stored = serde_json::to_value(outcome).map_err(|e| UserError::Internal(e.to_string()))?;
    let (key, fingerprint) = api::split_fingerprint(key);
    let fingerprint = fingerprint.map(str::to_string);
    tx.put_inbound(&InboundRecord { key: key.to_string(), at, outcome: stored, sender_auth, fingerprint })?;
    Ok(())
}

/// The core has no logger dependency; internal errors go to stderr, which
/// the binary's log setup captures. User-facing text never includes them.
fn tracing_like_log(detail: &str) {
    tracing::error!("internal error: {detail}");
}

pub(crate) fn create_member(
    tx: &WriteTx<'_>,
    identity: &IdentityKey,
    name: &str,
    roles: std::collections::BTreeSet<Role>,
    verified: bool,
    now: Timestamp,
) -> Result<Member, UserError> {
    let id = MemberId(tx.next_id("member")?);
    let member = Member {
        id,
        display_name: clean_name(name, identity.external()),
        roles,
        joined_at: now,
        primary_identity: identity.clone(),
        email: identity.email(),
        timezone: None,
        company: None,
        public_thanks: false,
        feed_version: 0,
        organizer_by_platform: false,
        language: None,
        language_hint: None,
    };
    tx.put_member(&member)?;
    tx.put_identity(&Identity {
        key: identity.clone(),
        member: id,
        verified,
        first_seen: now,
        unreachable: false,
        opted_out: false,
    })?;
    Ok(member)
}

#[cfg(test)]
mod tests;
