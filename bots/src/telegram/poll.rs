//! Long polling. Telegram forgets an update once a later `getUpdates` asks
//! for an offset past it, so the offset moves only after every update of a
//! batch is committed by the engine and answered. A crash in between makes
//! Telegram redeliver, and the store's dedupe gives the redelivery no effect.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use teloxide::RequestError;
use teloxide::payloads::GetUpdatesSetters;
use teloxide::prelude::Requester;
use teloxide::types::{AllowedUpdate, Update};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::handle::{Handled, handle_update};
use super::send::backoff;
use super::{Ctx, log, wait_or_stop};

/// Long-poll window: under teloxide's 17 s HTTP timeout, and short enough
/// that a stop never waits long for an idle poll.
const POLL_SECONDS: u32 = 10;
/// Updates per `getUpdates`: Telegram's maximum.
const BATCH: u8 = 100;

/// Polls until `stop` says so, then confirms what was handled.
pub async fn run(ctx: Arc<Ctx>, mut stop: watch::Receiver<bool>) {
    let mut offset: Option<i32> = None;
    let mut failures = 0;
    while !*stop.borrow() {
        let mut request = ctx
            .bot
            .get_updates()
            .timeout(POLL_SECONDS)
            .limit(BATCH)
            .allowed_updates([AllowedUpdate::Message, AllowedUpdate::CallbackQuery]);
        if let Some(offset) = offset {
            request = request.offset(offset);
        }
        let result = tokio::select! {
            result = request => result,
            _ = stop.changed() => break,
        };
        match result {
            Ok(updates) => {
                let Some(next) = updates.iter().map(|u| u.id.0).max().map(next_offset) else { continue };
                match handle_batch(&ctx, updates).await {
                    None => {
                        failures = 0;
                        offset = Some(next);
                    }
                    // Not committed: fetch again from the first failure (the
                    // ones after it that did commit are deduplicated), later.
                    Some(failed) => {
                        log(&ctx, &format!("update {failed} was not committed; it will be fetched again"));
                        offset = Some(i32::try_from(failed).unwrap_or(i32::MAX));
                        let wait = backoff(failures);
                        failures += 1;
                        if !wait_or_stop(&mut stop, wait).await {
                            break;
                        }
                    }
                }
            }
            Err(RequestError::RetryAfter(seconds)) => {
                if !wait_or_stop(&mut stop, seconds.duration()).await {
                    break;
                }
            }
            Err(e) => {
                log(&ctx, &format!("getUpdates: {e}"));
                let wait = backoff(failures);
                failures += 1;
                if !wait_or_stop(&mut stop, wait).await {
                    break;
                }
            }
        }
    }
    if let Some(offset) = offset {
        confirm(&ctx, offset).await;
    }
}

fn next_offset(id: u32) -> i32 {
    i32::try_from(id).map_or(i32::MAX, |id| id.saturating_add(1))
}

/// Tells Telegram that everything before `offset` is handled, so the next
/// start does not fetch it again.
async fn confirm(ctx: &Ctx, offset: i32) {
    let request = ctx.bot.get_updates().offset(offset).limit(1).timeout(0);
    match tokio::time::timeout(Duration::from_secs(5), request).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => log(ctx, &format!("confirming offset {offset}: {e}")),
        Err(_) => log(ctx, &format!("confirming offset {offset}: timed out")),
    }
}

/// Runs a batch with one task per sender: one person's commands stay in
/// order, different people's share the engine's group commit. Returns the
/// lowest update id that could not be committed, if any.
async fn handle_batch(ctx: &Arc<Ctx>, updates: Vec<Update>) -> Option<u32> {
    let mut by_sender: Vec<Vec<Update>> = Vec::new();
    let mut slot: HashMap<Option<u64>, usize> = HashMap::new();
    for update in updates {
        let sender = update.from().map(|u| u.id.0);
        let index = *slot.entry(sender).or_insert_with(|| {
            by_sender.push(Vec::new());
            by_sender.len() - 1
        });
        by_sender[index].push(update);
    }
    let mut tasks = JoinSet::new();
    for updates in by_sender {
        let ctx = Arc::clone(ctx);
        tasks.spawn(async move {
            for update in updates {
                let id = update.id.0;
                // A sender's later updates wait for the failed one's retry.
                if handle_update(&ctx, update).await == Handled::Failed {
                    return Some(id);
                }
            }
            None
        });
    }
    let mut failed: Option<u32> = None;
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Some(id)) => failed = Some(failed.map_or(id, |f| f.min(id))),
            Ok(None) => {}
            Err(e) => log(ctx, &format!("update task: {e}")),
        }
    }
    failed
}
