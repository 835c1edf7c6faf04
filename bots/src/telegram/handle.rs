//! One update: who sent what, the engine's answer, and where each reply goes
//! (the chat, or a DM when it is private and the chat is a group).

use std::sync::Arc;

use serde_json::json;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, Message, Update, UpdateKind, User};
use vouch_core::{Caller, Format, Reply};
use vouch_store::IdentityKey;

use super::input::{deep_link, engine_line};
use super::send::{SendError, send_html};
use super::{Ctx, log};

/// The key under which the store remembers an update's answer. Update ids
/// are per bot, so the bot's id keeps a new bot on the same data dir from
/// colliding with the old one's.
pub fn dedupe_key(bot_id: u64, update: &Update) -> String {
    format!("telegram:update:{bot_id}:{}", update.id.0)
}

/// Handles one update to the end: the engine's change is durable and the
/// replies are sent (or given up on) when this returns.
pub async fn handle_update(ctx: &Arc<Ctx>, update: Update) {
    let key = dedupe_key(ctx.bot_id, &update);
    match update.kind {
        UpdateKind::Message(message) => handle_message(ctx, message, key).await,
        UpdateKind::CallbackQuery(query) => {
            // No buttons carry engine commands yet; answering stops the
            // client's spinner on any stale button.
            if let Err(e) = ctx.bot.answer_callback_query(query.id).await {
                log(ctx, &format!("answering a button: {e}"));
            }
        }
        // A shape teloxide cannot read (a newer Bot API); skipping it is
        // all we can do, and the log says so.
        UpdateKind::Error(_) => log(ctx, &format!("skipped unreadable update {key}")),
        _ => {}
    }
}

async fn handle_message(ctx: &Arc<Ctx>, message: Message, key: String) {
    let Some(from) = message.from.as_ref().filter(|u| !u.is_bot) else { return };
    let Some(text) = message.text() else { return };
    let private_chat = message.chat.is_private();
    let Some(line) = engine_line(text, private_chat, &ctx.username) else { return };
    let identity = match IdentityKey::parse(&format!("telegram:{}", from.id.0)) {
        Ok(identity) => identity,
        Err(e) => return log(ctx, &format!("user {}: {e}", from.id.0)),
    };
    let caller = Caller::new(identity, &from.full_name());
    let engine = Arc::clone(&ctx.engine);
    let response = match tokio::task::spawn_blocking(move || engine.respond(&caller, &line, Some(&key))).await {
        Ok(response) => response,
        Err(e) => return log(ctx, &format!("engine task: {e}")),
    };
    if response.duplicate {
        // Telegram redelivered an update we answered before (we stopped
        // between committing and confirming it): one effect, one answer.
        return;
    }
    let place = Place { chat: message.chat.id, private_chat, reply_to: message.id, user: from };
    deliver(ctx, &place, &response.replies).await;
}

struct Place<'a> {
    chat: ChatId,
    private_chat: bool,
    reply_to: teloxide::types::MessageId,
    user: &'a User,
}

async fn deliver(ctx: &Ctx, place: &Place<'_>, replies: &[Reply]) {
    let mut for_dm = Vec::new();
    for reply in replies {
        let text = render(ctx, reply);
        if place.private_chat || !reply.private {
            let reply_to = (!place.private_chat).then_some(place.reply_to);
            if let Err(e) = send_html(&ctx.bot, place.chat, &text, reply_to).await {
                log(ctx, &format!("reply to chat {}: {e}", place.chat.0));
            }
        } else {
            for_dm.push(text);
        }
    }
    if for_dm.is_empty() {
        return;
    }
    let dm = ChatId(i64::try_from(place.user.id.0).unwrap_or(i64::MAX));
    let mut result = Ok(());
    for text in &for_dm {
        result = send_html(&ctx.bot, dm, text, None).await;
        if result.is_err() {
            break;
        }
    }
    let name = place.user.first_name.as_str();
    let note = match result {
        Ok(()) => chat_text(ctx, "chat/sent_dm", json!({ "name": name })),
        Err(SendError::Unreachable(_)) => {
            let url = deep_link(&ctx.username, "help").unwrap_or_else(|| format!("https://t.me/{}", ctx.username));
            chat_text(ctx, "chat/dm_blocked", json!({ "name": name, "url": url }))
        }
        Err(e) => {
            log(ctx, &format!("DM to {}: {e}", place.user.id.0));
            chat_text(ctx, "chat/dm_failed", json!({ "name": name }))
        }
    };
    if let Err(e) = send_html(&ctx.bot, place.chat, &note, Some(place.reply_to)).await {
        log(ctx, &format!("note in chat {}: {e}", place.chat.0));
    }
}

/// Renders a reply; a code gets its Telegram share link, which only the
/// adapter can build (the core does not know the bot's username).
fn render(ctx: &Ctx, reply: &Reply) -> String {
    let mut text = ctx.renderer.render(reply, Format::Html);
    if reply.template == "reply/code"
        && let Some(code) = reply.data.get("code").and_then(|c| c.as_str())
        && let Some(link) = deep_link(&ctx.username, code)
    {
        text.push('\n');
        text.push_str(&chat_text(ctx, "chat/telegram_link", json!({ "url": link })));
    }
    text
}

/// The adapter's own lines, from templates like every other text.
fn chat_text(ctx: &Ctx, template: &str, data: serde_json::Value) -> String {
    ctx.renderer.render(&Reply::new(template, data), Format::Html)
}
