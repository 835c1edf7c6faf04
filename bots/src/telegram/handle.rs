//! One update: who sent what, the engine's answer, and where each reply goes
//! (the chat, or a DM when it is private and the chat is a group).

use std::sync::Arc;

use serde_json::json;
use teloxide::payloads::AnswerCallbackQuerySetters;
use teloxide::prelude::Requester;
use teloxide::types::{CallbackQuery, ChatId, Message, Update, UpdateKind, User};
use vouch_core::{Caller, Failure, Format, Input, Reply, Response};
use vouch_store::IdentityKey;

use super::buttons::{keyboard, toast, with_share};
use super::input::{deep_link, engine_line};
use super::send::send_html;
use super::{Ctx, log};
use vouch_core::delivery::SendOutcome;

/// The key under which the store remembers an update's answer. Update ids
/// are per bot, so the bot's id keeps a new bot on the same data dir from
/// colliding with the old one's.
pub fn dedupe_key(bot_id: u64, update: &Update) -> String {
    format!("telegram:update:{bot_id}:{}", update.id.0)
}

/// What became of an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handled {
    /// Committed (or nothing to commit) and answered: Telegram may forget it.
    Done,
    /// The engine could not commit it; Telegram should deliver it again.
    Failed,
}

/// Handles one update to the end: the engine's change is durable and the
/// replies are sent (or given up on) when this returns.
pub async fn handle_update(ctx: &Arc<Ctx>, update: Update) -> Handled {
    let id = update.id.0;
    let handled = match handle_kind(ctx, update).await {
        Attempt::Done => Handled::Done,
        Attempt::Failed => Handled::Failed,
        // The store stopped after a failed flush (vouch is restarting): not
        // this update's fault, so not one of its five attempts.
        Attempt::Unavailable => return Handled::Failed,
    };
    // A failure that repeats (a bug this update triggers every time, not a
    // passing store error) must not hold up every update behind it.
    let mut failures = ctx.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match handled {
        Handled::Done => {
            failures.remove(&id);
            Handled::Done
        }
        Handled::Failed => {
            let count = failures.entry(id).or_insert(0);
            *count += 1;
            if *count < MAX_UPDATE_ATTEMPTS {
                return Handled::Failed;
            }
            failures.remove(&id);
            drop(failures);
            log(ctx, &format!("giving up on update {id} after {MAX_UPDATE_ATTEMPTS} failed attempts"));
            Handled::Done
        }
    }
}

/// Attempts at an update whose command cannot be committed before it is
/// skipped.
const MAX_UPDATE_ATTEMPTS: u32 = 5;

/// One attempt at an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attempt {
    Done,
    /// Not committed; counts toward [`MAX_UPDATE_ATTEMPTS`].
    Failed,
    /// Not committed because the store is unavailable; does not count.
    Unavailable,
}

async fn handle_kind(ctx: &Arc<Ctx>, update: Update) -> Attempt {
    let key = dedupe_key(ctx.bot_id, &update);
    match update.kind {
        UpdateKind::Message(message) => handle_message(ctx, message, key).await,
        UpdateKind::CallbackQuery(query) => handle_button(ctx, query).await,
        // A shape teloxide cannot read (a newer Bot API); skipping it is
        // all we can do, and the log says so.
        UpdateKind::Error(_) => {
            log(ctx, &format!("skipped unreadable update {key}"));
            Attempt::Done
        }
        _ => Attempt::Done,
    }
}

async fn handle_message(ctx: &Arc<Ctx>, message: Message, key: String) -> Attempt {
    let Some(from) = message.from.as_ref().filter(|u| !u.is_bot) else { return Attempt::Done };
    let Some(text) = message.text() else { return Attempt::Done };
    let private_chat = message.chat.is_private();
    let Some(line) = engine_line(text, private_chat, &ctx.username) else { return Attempt::Done };
    let response = match run(ctx, from, line, key).await {
        Ok(response) => response,
        Err(attempt) => return attempt,
    };
    if response.duplicate {
        // Telegram redelivered an update we answered before (we stopped
        // between committing and confirming it): one effect, one answer.
        return Attempt::Done;
    }
    let place = Place { chat: message.chat.id, private_chat, reply_to: Some(message.id), user: from };
    deliver(ctx, &place, &response.replies).await;
    Attempt::Done
}

/// A pressed inline button: its callback data is a command line, run as
/// the person who pressed it. Deduplicated by the callback query's id, so
/// a redelivered press has one effect; the query is answered (the button
/// stops spinning, with a short toast) and the reply sent as for a message.
async fn handle_button(ctx: &Arc<Ctx>, query: CallbackQuery) -> Attempt {
    let line = query.data.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
    let Some(line) = line.filter(|_| !query.from.is_bot) else {
        answer_button(ctx, &query, None).await;
        return Attempt::Done;
    };
    let key = format!("telegram:callback:{}", query.id.0);
    let response = match run(ctx, &query.from, line, key).await {
        Ok(response) => response,
        Err(attempt) => return attempt,
    };
    if response.duplicate {
        answer_button(ctx, &query, None).await;
        return Attempt::Done;
    }
    let first = response.replies.first().map(|r| ctx.renderer.render(r, Format::Plain)).unwrap_or_default();
    answer_button(ctx, &query, Some(toast(&first))).await;
    // The answer goes where the button was; a button on an inline message
    // (no chat for us) answers in a DM.
    let dm = ChatId(i64::try_from(query.from.id.0).unwrap_or(i64::MAX));
    let place = match &query.message {
        Some(m) => {
            Place { chat: m.chat().id, private_chat: m.chat().is_private(), reply_to: Some(m.id()), user: &query.from }
        }
        None => Place { chat: dm, private_chat: true, reply_to: None, user: &query.from },
    };
    deliver(ctx, &place, &response.replies).await;
    Attempt::Done
}

async fn answer_button(ctx: &Ctx, query: &CallbackQuery, text: Option<String>) {
    let mut request = ctx.bot.answer_callback_query(query.id.clone());
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        request = request.text(text);
    }
    if let Err(e) = request.await {
        log(ctx, &format!("answering a button: {e}"));
    }
}

/// The engine's answer to `line` from `user`, once durable; `Err` when it
/// could not be committed (the update should come again).
async fn run(ctx: &Arc<Ctx>, user: &User, line: String, key: String) -> Result<Response, Attempt> {
    let identity = match IdentityKey::parse(&format!("telegram:{}", user.id.0)) {
        Ok(identity) => identity,
        Err(e) => {
            log(ctx, &format!("user {}: {e}", user.id.0));
            return Ok(Response { replies: Vec::new(), duplicate: false });
        }
    };
    let caller = Caller::new(identity, &user.full_name()).with_language(user.language_code.as_deref());
    let engine = Arc::clone(&ctx.engine);
    match tokio::task::spawn_blocking(move || engine.handle(&caller, Input::Line(&line), Some(&key))).await {
        // A store failure answers with an apology and commits nothing.
        Ok(response) => match response.failure() {
            Some(Failure::Unavailable) => {
                log(ctx, "the store is unavailable (a failed flush); the update will come again");
                Err(Attempt::Unavailable)
            }
            Some(Failure::Internal) => {
                log(ctx, "the engine could not commit an update");
                Err(Attempt::Failed)
            }
            _ => Ok(response),
        },
        Err(e) => {
            log(ctx, &format!("engine task: {e}"));
            Err(Attempt::Failed)
        }
    }
}

struct Place<'a> {
    chat: ChatId,
    private_chat: bool,
    reply_to: Option<teloxide::types::MessageId>,
    user: &'a User,
}

async fn deliver(ctx: &Ctx, place: &Place<'_>, replies: &[Reply]) {
    let mut for_dm = Vec::new();
    for reply in replies {
        let text = render(ctx, reply);
        let mut keyboard = keyboard(&ctx.renderer, reply_language(reply), &reply.actions);
        if let Some(link) = share_link(reply) {
            let label = ctx.renderer.label(reply_language(reply), "action.share");
            keyboard = with_share(keyboard, label, link);
        }
        if place.private_chat || !reply.private {
            let reply_to = place.reply_to.filter(|_| !place.private_chat);
            let outcome = send_html(&ctx.bot, place.chat, &text, reply_to, keyboard.as_ref()).await;
            if !outcome.is_sent() {
                log(ctx, &format!("reply to chat {}: {outcome}", place.chat.0));
            }
        } else {
            for_dm.push((text, keyboard));
        }
    }
    if for_dm.is_empty() {
        return;
    }
    let dm = ChatId(i64::try_from(place.user.id.0).unwrap_or(i64::MAX));
    let mut result = SendOutcome::Sent;
    for (text, keyboard) in &for_dm {
        result = send_html(&ctx.bot, dm, text, None, keyboard.as_ref()).await;
        if !result.is_sent() {
            break;
        }
    }
    let name = place.user.first_name.as_str();
    let lang = replies.first().map_or("en", reply_language);
    let note = match result {
        SendOutcome::Sent => chat_text(ctx, lang, "chat/sent_dm", json!({ "name": name })),
        SendOutcome::RecipientGone(_) => {
            let url = deep_link(&ctx.username, "help").unwrap_or_else(|| format!("https://t.me/{}", ctx.username));
            chat_text(ctx, lang, "chat/dm_blocked", json!({ "name": name, "url": url }))
        }
        e => {
            log(ctx, &format!("DM to {}: {e}", place.user.id.0));
            chat_text(ctx, lang, "chat/dm_failed", json!({ "name": name }))
        }
    };
    let outcome = send_html(&ctx.bot, place.chat, &note, place.reply_to, None).await;
    if !outcome.is_sent() {
        log(ctx, &format!("note in chat {}: {outcome}", place.chat.0));
    }
}

/// Renders a reply; a code gets its Telegram share link, which only the
/// adapter can build (the core does not know the bot's username).
fn render(ctx: &Ctx, reply: &Reply) -> String {
    let mut text = ctx.renderer.render(reply, Format::Html);
    if let Some(code) = &reply.share
        && let Some(link) = deep_link(&ctx.username, &code.to_string())
    {
        text.push('\n');
        text.push_str(&chat_text(ctx, reply_language(reply), "chat/telegram_link", json!({ "url": link })));
    }
    text
}

/// The link a code's reply shares (the same in every channel's text).
fn share_link(reply: &Reply) -> Option<&str> {
    reply.share.as_ref().and(reply.data.get("share_link")).and_then(|v| v.as_str())
}

/// The adapter's own lines, from templates like every other text.
fn chat_text(ctx: &Ctx, lang: &str, template: &str, data: serde_json::Value) -> String {
    ctx.renderer.render(&Reply::new(template, data).in_language(lang), Format::Html)
}

fn reply_language(reply: &Reply) -> &str {
    reply.language.as_ref().map_or("en", |l| l.as_str())
}
