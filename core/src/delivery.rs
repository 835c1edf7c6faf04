//! The one delivery path. Every channel (mail, Telegram, Discord, the
//! console) is a [`Transport`]; one [`Worker`] fetches its due outbox rows,
//! has the transport render and send each, and settles the row with
//! [`EngineCore::settle_delivery`](crate::engine::EngineCore::settle_delivery):
//! marked sent only after the transport accepted it (at least once: a crash
//! in between sends the row again, with the same nonce or Message-ID), due
//! again later with [`RetryPolicy`] backoff, or failed.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use vouch_store::{Channel, OutboxMessage, OutboxState, Timestamp};

use crate::{Engine, UserError};

/// What one attempt to send a row came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// The platform or server accepted it.
    Sent,
    /// Worth trying again: after `wait` when the platform said how long
    /// (Telegram's `retry_after`), else after the retry policy's backoff.
    RetryAfter { wait: Option<Duration>, reason: String },
    /// Will not work later either (a 5xx from SMTP, a bad address, a row
    /// that does not render).
    FailedForGood(String),
    /// The recipient cannot be reached there (blocked the bot, never started
    /// it, deactivated): the identity is marked unreachable, so notices go
    /// to the member's other identities, and the row fails.
    RecipientGone(String),
    /// The transport itself is down (the SMTP server does not answer): this
    /// row is retried like [`SendOutcome::RetryAfter`], and the pass stops,
    /// leaving the rest due for the next one.
    TransportDown(String),
}

impl SendOutcome {
    pub fn is_sent(&self) -> bool {
        matches!(self, SendOutcome::Sent)
    }

    pub fn retry(reason: impl Into<String>) -> Self {
        SendOutcome::RetryAfter { wait: None, reason: reason.into() }
    }
}

impl std::fmt::Display for SendOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendOutcome::Sent => write!(f, "sent"),
            SendOutcome::RetryAfter { reason, .. } => write!(f, "failed for now: {reason}"),
            SendOutcome::FailedForGood(reason) => write!(f, "refused: {reason}"),
            SendOutcome::RecipientGone(reason) => write!(f, "unreachable: {reason}"),
            SendOutcome::TransportDown(reason) => write!(f, "transport down: {reason}"),
        }
    }
}

/// One channel's way out. `render` is pure (a row that cannot be rendered
/// fails for good); `send` talks to the platform and sorts its answer into
/// a [`SendOutcome`].
pub trait Transport: Send + Sync {
    /// The rows this transport delivers.
    const CHANNEL: Channel;
    /// In log lines: `vouch: NAME: 2 sent, …`.
    const NAME: &'static str;
    /// A row as this channel sends it (a mail, an HTML text and a keyboard).
    type Rendered: Send + Sync;

    fn render(&self, message: &OutboxMessage, lang: &str) -> Result<Self::Rendered, String>;

    fn send(&self, message: &OutboxMessage, rendered: &Self::Rendered) -> impl Future<Output = SendOutcome> + Send;
}

/// When a temporarily failing row is tried again, and when it is given up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first failure; doubles with each further failure.
    pub base: Duration,
    /// The longest wait between two attempts.
    pub max: Duration,
    /// Attempts before a temporarily failing row is marked failed.
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// Mail: about two days of trying, as MTAs do.
    pub const MAIL: RetryPolicy =
        RetryPolicy { base: Duration::from_secs(30), max: Duration::from_secs(3600), max_attempts: 60 };
    /// Chat DMs: a notice days late is worth less than a mail, so fewer tries.
    pub const CHAT: RetryPolicy =
        RetryPolicy { base: Duration::from_secs(60), max: Duration::from_secs(3600), max_attempts: 12 };
    /// Webhooks: 30 s doubling to an hour, for about three days (at most
    /// an hour apart with jitter, 150 attempts outlast 72 hours); the
    /// endpoint itself is disabled after 3 days of failures.
    pub const WEBHOOK: RetryPolicy =
        RetryPolicy { base: Duration::from_secs(30), max: Duration::from_secs(3600), max_attempts: 150 };

    /// The wait before attempt `attempts + 1`: `base · 2^(attempts-1)`
    /// capped at `max`, then "equal jitter" (half fixed, half random, by
    /// `jitter` in [0, 1)) so rows that failed together do not all return
    /// together.
    pub fn backoff_with(&self, attempts: u32, jitter: f64) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp).min(self.max);
        let half = full / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }

    /// [`RetryPolicy::backoff_with`] with a random jitter.
    pub fn backoff(&self, attempts: u32) -> Duration {
        self.backoff_with(attempts, rand::rng().random::<f64>())
    }
}

/// The row after one attempt that came to `outcome` at `now`.
pub fn settled(
    message: &OutboxMessage,
    outcome: &SendOutcome,
    now: Timestamp,
    retry: &RetryPolicy,
    jitter: f64,
) -> OutboxMessage {
    let mut row = message.clone();
    row.attempts += 1;
    match outcome {
        SendOutcome::Sent => {
            row.state = OutboxState::Sent;
            row.sent_at = Some(now);
            row.last_error = None;
        }
        SendOutcome::RetryAfter { wait, reason } if row.attempts < retry.max_attempts => {
            let wait = wait.unwrap_or_else(|| retry.backoff_with(row.attempts, jitter));
            row.next_attempt_at = now + chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::hours(1));
            row.last_error = Some(reason.clone());
        }
        SendOutcome::TransportDown(reason) if row.attempts < retry.max_attempts => {
            let wait = retry.backoff_with(row.attempts, jitter);
            row.next_attempt_at = now + chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::hours(1));
            row.last_error = Some(reason.clone());
        }
        SendOutcome::RetryAfter { reason, .. }
        | SendOutcome::TransportDown(reason)
        | SendOutcome::FailedForGood(reason)
        | SendOutcome::RecipientGone(reason) => {
            row.state = OutboxState::Failed;
            row.last_error = Some(reason.clone());
        }
    }
    row
}

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    /// Rows whose recipient was marked unreachable (also counted as failed).
    pub gone: usize,
    /// The transport was down: the pass stopped early.
    pub stopped: bool,
}

/// Rows fetched per pass.
const BATCH: usize = 200;

/// Delivers one channel's outbox through its transport.
pub struct Worker<T> {
    engine: Arc<Engine>,
    transport: T,
    retry: RetryPolicy,
}

impl<T: Transport> Worker<T> {
    pub fn new(engine: Arc<Engine>, transport: T, retry: RetryPolicy) -> Self {
        Self { engine, transport, retry }
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Delivers this channel's rows due now (at most one batch).
    pub async fn pass(&self) -> Result<Pass, UserError> {
        let engine = Arc::clone(&self.engine);
        let due = blocking(move || engine.outbox_due(T::CHANNEL, BATCH)).await?;
        self.deliver(due).await
    }

    /// Renders, sends and settles `rows` in order; stops at the first
    /// [`SendOutcome::TransportDown`] and leaves the rest as they are.
    pub async fn deliver(&self, rows: Vec<OutboxMessage>) -> Result<Pass, UserError> {
        let mut pass = Pass::default();
        for message in rows {
            let lang = self.engine.notice_language(&message);
            let outcome = match self.transport.render(&message, &lang) {
                Ok(rendered) => self.transport.send(&message, &rendered).await,
                Err(e) => SendOutcome::FailedForGood(e),
            };
            let down = matches!(outcome, SendOutcome::TransportDown(_));
            pass.gone += usize::from(matches!(outcome, SendOutcome::RecipientGone(_)));
            let (engine, retry) = (Arc::clone(&self.engine), self.retry);
            let row = blocking(move || engine.settle_delivery(&message, &outcome, &retry)).await?;
            match row.state {
                OutboxState::Sent => pass.sent += 1,
                OutboxState::Failed => pass.failed += 1,
                _ => pass.retried += 1,
            }
            if down {
                // The rest would fail the same way; they stay due for the next pass.
                pass.stopped = true;
                break;
            }
        }
        Ok(pass)
    }

    /// Delivers every `every` until `stop` is raised.
    pub async fn run(self, every: Duration, stop: tokio::sync::watch::Receiver<bool>) {
        let worker = &self;
        crate::tasks::every(every, stop, || async move {
            match worker.pass().await {
                Ok(p) if p == Pass::default() => {}
                Ok(p) => tracing::info!("{}: {} sent, {} to retry, {} failed", T::NAME, p.sent, p.retried, p.failed),
                Err(e) => tracing::warn!("{}: {e}", T::NAME),
            }
        })
        .await
    }
}

/// Store work off the async threads (a write waits for its flush).
async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, UserError> + Send + 'static,
) -> Result<R, UserError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| UserError::Internal(format!("delivery task: {e}")))?
}

#[cfg(test)]
mod tests;
