//! Commands that arrive by email. There is no session to answer in: each
//! reply is queued as mail to the sender, in the same store transaction as
//! the change and the dedupe record, so a crash can lose neither alone.

use vouch_store::Read;

use super::{Caller, Cx, Engine};
use crate::catalog::{self, CommandSpec};
use crate::command::{self, Command};
use crate::error::UserError;
use crate::reply::{Outcome, Reply, Response};

impl Engine {
    /// Parses and runs a line from an email (subject or first body line);
    /// the replies, refusals included, are queued as mail to the caller.
    /// `Err` only when nothing was stored and the sender should retry later
    /// (rate limit, store trouble).
    pub fn respond_by_mail(&self, caller: &Caller, line: &str, dedupe_key: &str) -> Result<Response, UserError> {
        self.check_mail_limit(caller)?;
        match command::parse(line) {
            Ok((spec, cmd)) => self.run_by_mail(caller, spec, cmd, dedupe_key),
            Err(refusal) => self.mail_refusal(caller, &refusal, dedupe_key),
        }
    }

    /// Like [`Engine::respond_by_mail`] for a command an adapter built
    /// (a forwarded introduction becomes `refer`).
    pub fn respond_command_by_mail(
        &self,
        caller: &Caller,
        cmd: Command,
        dedupe_key: &str,
    ) -> Result<Response, UserError> {
        self.check_mail_limit(caller)?;
        let name = super::command_name(&cmd);
        let spec = catalog::find(name).ok_or_else(|| UserError::Internal(format!("{name} not in catalog")))?;
        self.run_by_mail(caller, spec, cmd, dedupe_key)
    }

    fn check_mail_limit(&self, caller: &Caller) -> Result<(), UserError> {
        if caller.admin { Ok(()) } else { self.limiter.check(&caller.identity, self.clock.now()) }
    }

    fn run_by_mail(
        &self,
        caller: &Caller,
        spec: &'static CommandSpec,
        cmd: Command,
        dedupe_key: &str,
    ) -> Result<Response, UserError> {
        let now = self.clock.now();
        self.check_guess_limit(caller, &cmd, now)?;
        let result = self.store.write(|tx| self.run_in(tx, caller, spec, cmd, Some(dedupe_key), now, true));
        self.count_failed_guess(caller, &result, now);
        match result {
            Ok((outcome, duplicate)) => Ok(Response { replies: outcome.replies, duplicate }),
            Err(e @ (UserError::Internal(_) | UserError::RateLimited { .. })) => Err(e),
            Err(e) => self.mail_refusal(caller, &e, dedupe_key),
        }
    }

    /// A refused command changed nothing; its explanation still goes back
    /// by mail, once per message.
    fn mail_refusal(&self, caller: &Caller, refusal: &UserError, dedupe_key: &str) -> Result<Response, UserError> {
        let reply = refusal.to_reply();
        let now = self.clock.now();
        self.store.write(|tx| {
            if let Some(seen) = tx.inbound(dedupe_key)? {
                return Ok(duplicate(seen.outcome));
            }
            let me = self.resolve(tx, caller, now)?;
            let mut cx = Cx { engine: self, tx, me, caller, now, effects: Vec::new() };
            cx.notify_identity(caller.identity.clone(), &reply.template, reply.data.clone())?;
            let outcome = Outcome { replies: vec![reply.clone()], effects: cx.effects };
            super::remember(tx, dedupe_key, now, &outcome)?;
            Ok(Response { replies: vec![reply], duplicate: false })
        })
    }
}

fn duplicate(stored: serde_json::Value) -> Response {
    let outcome: Outcome = serde_json::from_value(stored).unwrap_or_default();
    let replies: Vec<Reply> = outcome.replies;
    Response { replies, duplicate: true }
}
