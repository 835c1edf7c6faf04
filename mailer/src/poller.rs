//! The IMAP poller in `vouch serve`: each new message in the mailbox goes
//! through the same path as `vouch ingest` ([`Intake::prepare`], then
//! [`apply`]), and is
//! marked on the server only after its result is committed:
//!
//! - accepted (committed, a repeat, or nothing to do) → done (flag + move);
//! - rejected (malformed, over the limits) → rejected (flag + move), so it
//!   is not fetched forever;
//! - try later (store busy, bad configuration) → left as it is, for the
//!   next round.
//!
//! A crash between the commit and the mark fetches the message again; its
//! Message-ID (or content hash) dedupe key makes that second run a no-op.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::timeout;
use vouch_core::Engine;

use crate::imap::{Disposition, ImapConfig, ImapError, Inbox};
use crate::intake::{Intake, Outcome, apply};

/// Messages handled per round before the mailbox is looked at again.
const BATCH: usize = 50;
/// The longest wait before reconnecting after a failure.
const MAX_RECONNECT_WAIT: Duration = Duration::from_secs(60);
/// How long one round (or the end of a wait) may take before the
/// connection counts as dead and is replaced.
const STALL: Duration = Duration::from_secs(300);

/// Runs until `stop` changes, reconnecting with backoff after failures.
pub async fn run(engine: Arc<Engine>, config: ImapConfig, intake: Intake, mut stop: watch::Receiver<bool>) {
    let config = Arc::new(config);
    let mut failures = 0u32;
    loop {
        let result = tokio::select! {
            r = session(&engine, &config, &intake, &mut failures) => r,
            _ = stop.changed() => return,
        };
        failures = failures.saturating_add(1);
        let wait = Duration::from_millis(250u64.saturating_mul(1 << failures.min(10))).min(MAX_RECONNECT_WAIT);
        if let Err(e) = result {
            // The error never holds the password (ImapConfig keeps it private).
            eprintln!("vouch: imap {}: {e}; reconnecting in {wait:?}", config.describe());
        }
        if !vouch_core::tasks::wait_or_stop(&mut stop, wait).await {
            return;
        }
    }
}

/// One connection: handle what is pending, wait for more, repeat.
async fn session(
    engine: &Arc<Engine>,
    config: &Arc<ImapConfig>,
    intake: &Intake,
    failures: &mut u32,
) -> Result<(), ImapError> {
    let mut inbox = Inbox::connect(Arc::clone(config)).await?;
    *failures = 0;
    // A server that stops answering must not stall the poller for good.
    let stalled = |what: &str| ImapError::Protocol(format!("no answer to {what} within {STALL:?}"));
    loop {
        // A full batch that all reached a result means more may be waiting.
        while timeout(STALL, round(engine, &mut inbox, intake)).await.map_err(|_| stalled("a round"))?? == BATCH {}
        inbox = timeout(config.poll + STALL, inbox.wait()).await.map_err(|_| stalled("IDLE"))??;
    }
}

/// Handles up to [`BATCH`] pending messages; returns how many were marked.
async fn round(engine: &Arc<Engine>, inbox: &mut Inbox, intake: &Intake) -> Result<usize, ImapError> {
    let pending = inbox.pending(BATCH).await?;
    let mut marked = 0;
    for message in &pending {
        let outcome = if message.size as usize > intake.inbound.limits.max_bytes {
            Outcome::Rejected(format!(
                "the message is {} bytes; the limit is {} (VOUCH_EMAIL_MAX_BYTES)",
                message.size, intake.inbound.limits.max_bytes
            ))
        } else {
            let Some(raw) = inbox.fetch(message.uid).await? else { continue };
            match intake.prepare(&raw).await {
                Ok(plan) => {
                    // The engine blocks until the change is durable.
                    let engine = Arc::clone(engine);
                    match tokio::task::spawn_blocking(move || apply(&engine, &plan)).await {
                        Ok(result) => Outcome::of_run(result),
                        Err(e) => Outcome::TryLater(format!("ingest task: {e}")),
                    }
                }
                Err(outcome) => outcome,
            }
        };
        let uid = message.uid;
        match outcome {
            Outcome::Accepted(lines) => {
                for line in lines {
                    eprintln!("vouch: imap: message {uid}: {line}");
                }
                inbox.mark(uid, Disposition::Done).await?;
                marked += 1;
            }
            Outcome::Rejected(why) | Outcome::Unauthenticated(why) => {
                eprintln!("vouch: imap: message {uid} rejected: {why}");
                inbox.mark(uid, Disposition::Rejected).await?;
                marked += 1;
            }
            Outcome::TryLater(e) => eprintln!("vouch: imap: message {uid}: {e}; will try again"),
        }
    }
    Ok(marked)
}
