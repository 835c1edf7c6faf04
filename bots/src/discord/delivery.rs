//! Discord as one [`Transport`] of the delivery worker: outbox rows
//! addressed to `discord:<id>` go out as direct messages (`discord:#id`: to
//! that server channel). The message nonce (derived from the row id,
//! enforced) lets Discord collapse a resend after a crash between "sent"
//! and "marked".

use std::sync::Arc;

use serenity::all::{ChannelId, CreateAllowedMentions, CreateMessage, Http, HttpError, Nonce, UserId};
use vouch_core::delivery::{SendOutcome, Transport};
use vouch_core::{Format, Renderer};
use vouch_store::{Channel, OutboxMessage};

use super::split::{MAX_MESSAGE, split_markdown};
use super::{Shared, buttons};

pub(super) struct Discord {
    pub(super) http: Arc<Http>,
    pub(super) shared: Arc<Shared>,
}

/// A row as Discord messages: the Markdown text and the language of its buttons.
pub(super) struct Notice {
    text: String,
    lang: String,
}

impl Transport for Discord {
    const CHANNEL: Channel = Channel::Discord;
    const NAME: &'static str = "discord: outbox";
    type Rendered = Notice;

    fn render(&self, message: &OutboxMessage, lang: &str) -> Result<Notice, String> {
        let text = self
            .shared
            .renderer
            .render_template(lang, &message.template, &message.data, Format::Markdown)
            .map_err(|e| e.to_string())?;
        Ok(Notice { text, lang: lang.to_string() })
    }

    async fn send(&self, message: &OutboxMessage, notice: &Notice) -> SendOutcome {
        match send(&self.http, &self.shared.renderer, &notice.lang, message, &notice.text).await {
            Ok(()) => SendOutcome::Sent,
            Err(outcome) => outcome,
        }
    }
}

async fn send(
    http: &Http,
    renderer: &Renderer,
    lang: &str,
    message: &OutboxMessage,
    text: &str,
) -> Result<(), SendOutcome> {
    let channel = match message.to.discord_channel() {
        // A server channel (`discord:#id`, e.g. public thanks): posted there.
        Some(id) => ChannelId::new(id.max(1)),
        None => {
            let user: u64 = message
                .to
                .external()
                .parse()
                .map_err(|_| SendOutcome::FailedForGood("not a Discord user id".into()))?;
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

/// A 4xx other than 429 will not work later either (DMs closed, unknown
/// user); anything else (network, 5xx, a 429 that got past serenity's
/// ratelimiter, which waits them out in place) is retried with backoff.
fn classify(e: serenity::Error) -> SendOutcome {
    match &e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r))
            if r.status_code.is_client_error() && r.status_code.as_u16() != 429 =>
        {
            SendOutcome::FailedForGood(e.to_string())
        }
        _ => SendOutcome::retry(e.to_string()),
    }
}
