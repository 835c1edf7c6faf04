//! Telegram as one [`Transport`] of the delivery worker: outbox rows
//! addressed to `telegram:<user id>` go out as HTML DMs with their buttons.
//! A person who blocked the bot or never started it is gone: their identity
//! is marked unreachable and notices go to their other identities.

use std::sync::Arc;

use teloxide::types::{ChatId, InlineKeyboardMarkup};
use vouch_core::Format;
use vouch_core::delivery::{SendOutcome, Transport};
use vouch_store::{Channel, OutboxMessage};

use super::Ctx;
use super::buttons::keyboard;
use super::send::send_html;

pub(super) struct Telegram(pub(super) Arc<Ctx>);

/// A row as a DM: the chat, the HTML text and its buttons.
pub(super) struct Dm {
    chat: ChatId,
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
}

impl Transport for Telegram {
    const CHANNEL: Channel = Channel::Telegram;
    const NAME: &'static str = "telegram: outbox";
    type Rendered = Dm;

    fn render(&self, message: &OutboxMessage, lang: &str) -> Result<Dm, String> {
        let ctx = &self.0;
        let chat =
            message.to.external().parse::<i64>().map_err(|_| format!("{} is not a Telegram user id", message.to))?;
        let html = ctx
            .renderer
            .render_template(lang, &message.template, &message.data, Format::Html)
            .map_err(|e| e.to_string())?;
        Ok(Dm { chat: ChatId(chat), html, keyboard: keyboard(&ctx.renderer, lang, &message.actions) })
    }

    async fn send(&self, _message: &OutboxMessage, dm: &Dm) -> SendOutcome {
        send_html(&self.0.bot, dm.chat, &dm.html, None, dm.keyboard.as_ref()).await
    }
}
