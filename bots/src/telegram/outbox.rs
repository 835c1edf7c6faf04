//! Delivers outbox rows addressed to `telegram:<user id>` as DMs, then
//! marks them durably. A row is marked only after Telegram accepted it, so a
//! crash in between can send a notice twice but never lose one.

use std::sync::Arc;
use std::time::Duration;

use teloxide::types::ChatId;
use tokio::sync::watch;
use vouch_core::Format;
use vouch_store::{Channel, OutboxMessage, OutboxState};

use super::buttons::keyboard;
use super::send::{SendError, send_html};
use super::{Ctx, log, wait_or_stop};

/// Attempts before a transiently failing notice is given up.
const MAX_ATTEMPTS: u32 = 12;
/// Rows delivered per pass.
const SCAN: usize = 200;

pub async fn run(ctx: Arc<Ctx>, every: Duration, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        if let Err(e) = deliver_due(&ctx).await {
            log(&ctx, &format!("outbox: {e}"));
        }
        if !wait_or_stop(&mut stop, every).await {
            break;
        }
    }
}

async fn deliver_due(ctx: &Ctx) -> Result<(), String> {
    let engine = Arc::clone(&ctx.engine);
    let due =
        tokio::task::spawn_blocking(move || engine.store().outbox_deliverable(Channel::Telegram, engine.now(), SCAN))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
    for message in due {
        let result = send(ctx, &message).await;
        // The person blocked the bot or never started it.
        let unreachable = matches!(result, Err(SendError::Unreachable(_)));
        let mut updated = message;
        updated.attempts += 1;
        let now = ctx.engine.now();
        match result {
            Ok(()) => {
                updated.state = OutboxState::Sent;
                updated.sent_at = Some(now);
                updated.last_error = None;
            }
            Err(SendError::Transient(e)) if updated.attempts < MAX_ATTEMPTS => {
                let seconds = 30i64.saturating_mul(1 << updated.attempts.min(7)).min(3600);
                updated.next_attempt_at = now + chrono::Duration::seconds(seconds);
                updated.last_error = Some(e);
            }
            // Blocked or never started: the person has to act, so looping
            // would only spend our rate limit.
            Err(e) => {
                updated.state = OutboxState::Failed;
                updated.last_error = Some(e.to_string());
            }
        }
        let engine = Arc::clone(&ctx.engine);
        tokio::task::spawn_blocking(move || {
            if unreachable {
                engine.mark_unreachable(&updated.to)?;
            }
            engine.outbox_update(&updated)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

async fn send(ctx: &Ctx, message: &OutboxMessage) -> Result<(), SendError> {
    let chat = message
        .to
        .external()
        .parse::<i64>()
        .map_err(|_| SendError::Permanent(format!("{} is not a Telegram user id", message.to)))?;
    let lang = ctx.engine.notice_language(message);
    let text = ctx
        .renderer
        .render_template(&lang, &message.template, &message.data, Format::Html)
        .map_err(|e| SendError::Permanent(e.to_string()))?;
    let keyboard = keyboard(&ctx.renderer, &lang, &message.actions);
    send_html(&ctx.bot, ChatId(chat), &text, None, keyboard.as_ref()).await
}
