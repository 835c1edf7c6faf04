//! Outbox rows addressed to `discord:<id>` go out as direct messages. A row
//! is marked sent only after Discord accepted the message; the message nonce
//! (derived from the row id, enforced) lets Discord collapse a resend after a
//! crash between "sent" and "marked".

use std::sync::Arc;

use serenity::all::{ChannelId, CreateAllowedMentions, CreateMessage, Http, HttpError, Nonce, UserId};
use tokio::sync::watch;
use vouch_core::{Format, Renderer};
use vouch_store::{Channel, OutboxMessage, OutboxState};

use super::split::{MAX_MESSAGE, split_markdown};
use super::{Shared, buttons};

/// Attempts before a transiently failing message is given up (as for mail).
const MAX_ATTEMPTS: u32 = 12;

enum Failure {
    /// Worth retrying: network, 5xx, rate limited.
    Transient(String),
    /// Will not work later either: DMs closed, unknown user, bad row.
    Permanent(String),
}

pub(super) async fn run(http: Arc<Http>, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    loop {
        match pass(&http, &shared).await {
            Ok(0) => {}
            Ok(n) => eprintln!("vouch: discord: {n} direct messages handled"),
            Err(e) => eprintln!("vouch: discord: outbox: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(shared.config.outbox_poll) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Delivers every due Discord row once; returns how many were handled.
async fn pass(http: &Http, shared: &Arc<Shared>) -> Result<usize, String> {
    let engine = &shared.engine;
    let due = engine.store().outbox_deliverable(Channel::Discord, engine.now(), 200).map_err(|e| e.to_string())?;
    let mut handled = 0;
    for message in due {
        let lang = engine.notice_language(&message);
        let result = match shared.renderer.render_template(&lang, &message.template, &message.data, Format::Markdown) {
            Ok(text) => send(http, &shared.renderer, &lang, &message, &text).await,
            Err(e) => Err(Failure::Permanent(e.to_string())),
        };
        let updated = settle(message, result, engine.now());
        let engine = Arc::clone(engine);
        tokio::task::spawn_blocking(move || engine.outbox_update(&updated))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        handled += 1;
    }
    Ok(handled)
}

async fn send(
    http: &Http,
    renderer: &Renderer,
    lang: &str,
    message: &OutboxMessage,
    text: &str,
) -> Result<(), Failure> {
    let channel = match message.to.discord_channel() {
        // A server channel (`discord:#id`, e.g. public thanks): posted there.
        Some(id) => ChannelId::new(id.max(1)),
        None => {
            let user: u64 =
                message.to.external().parse().map_err(|_| Failure::Permanent("not a Discord user id".into()))?;
            UserId::new(user.max(1)).create_dm_channel(http).await.map_err(classify)?.id
        }
    };
    // A long notice goes as several messages, each with its own nonce
    // (`v<row>` for the first, `v<row>.<n>` after: at most 25 characters).
    let parts = split_markdown(text, MAX_MESSAGE);
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        let nonce = if i == 0 { format!("v{}", message.id.0) } else { format!("v{}.{i}", message.id.0) };
        let components = if i == last { buttons::components(renderer, lang, &message.actions) } else { Vec::new() };
        let dm = CreateMessage::new()
            .content(part)
            .allowed_mentions(CreateAllowedMentions::new())
            .components(components)
            .nonce(Nonce::String(nonce))
            .enforce_nonce(true);
        channel.send_message(http, dm).await.map_err(classify)?;
    }
    Ok(())
}

fn classify(e: serenity::Error) -> Failure {
    match &e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r))
            if r.status_code.is_client_error() && r.status_code.as_u16() != 429 =>
        {
            Failure::Permanent(e.to_string())
        }
        _ => Failure::Transient(e.to_string()),
    }
}

/// The row after one attempt: sent, due again later with backoff, or failed.
fn settle(message: OutboxMessage, result: Result<(), Failure>, now: vouch_store::Timestamp) -> OutboxMessage {
    let mut updated = message;
    updated.attempts += 1;
    match result {
        Ok(()) => {
            updated.state = OutboxState::Sent;
            updated.sent_at = Some(now);
            updated.last_error = None;
        }
        Err(Failure::Transient(e)) if updated.attempts < MAX_ATTEMPTS => {
            let backoff = 30i64.saturating_mul(1 << updated.attempts.min(7)).min(3600);
            updated.next_attempt_at = now + chrono::Duration::seconds(backoff);
            updated.last_error = Some(e);
        }
        Err(Failure::Transient(e) | Failure::Permanent(e)) => {
            updated.state = OutboxState::Failed;
            updated.last_error = Some(e);
        }
    }
    updated
}
