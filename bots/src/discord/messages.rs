//! Commands in ordinary messages: `!code` (the configured prefix) or
//! `@vouch code` in a server channel, or anything in a DM. Bots and webhooks
//! are ignored; each message id is one engine call (a replayed
//! MESSAGE_CREATE has no second effect). Personal answers go by DM with a
//! short note in the channel, as on Telegram.

use std::sync::Arc;

use serde_json::json;
use serenity::all::{ChannelId, Context, CreateAllowedMentions, CreateMessage, HttpError, Message, MessageReference};
use vouch_core::{Caller, Format, Input, Reply};

use super::asked::command_name;
use super::interactions::{personal_invite, succeeded, sync_organizer};
use super::name_with_nick;
use super::split::{MAX_MESSAGE, split_markdown};
use super::{Shared, buttons, identity};

/// Discord's error code for "Cannot send messages to this user" (DMs closed).
const DMS_CLOSED: isize = 50007;

/// The engine line a message stands for, or `None` when it is not for us.
/// In a server, a prefixed message counts only if it names a command (so
/// `!!!` or `!important` stay chatter); a mention of the bot always counts.
pub(super) fn command_line(text: &str, prefix: Option<&str>, bot_id: Option<u64>, in_guild: bool) -> Option<String> {
    let text = text.trim();
    if let Some(id) = bot_id {
        for mention in [format!("<@{id}>"), format!("<@!{id}>")] {
            if let Some(rest) = text.strip_prefix(mention.as_str()) {
                let rest = rest.trim();
                return Some(if rest.is_empty() { "help".to_string() } else { rest.to_string() });
            }
        }
    }
    let prefixed = prefix.filter(|p| !p.is_empty()).and_then(|p| text.strip_prefix(p)).map(str::trim);
    match prefixed {
        Some(rest) if !rest.is_empty() && (!in_guild || command_name(rest).is_some()) => Some(rest.to_string()),
        Some(_) => None,
        None => (!in_guild && !text.is_empty()).then(|| text.to_string()),
    }
}

pub(super) async fn on_message(shared: &Arc<Shared>, ctx: &Context, msg: &Message) {
    if msg.author.bot || msg.webhook_id.is_some() {
        return;
    }
    let bot_id = shared.bot_id.get().copied();
    let in_guild = msg.guild_id.is_some();
    let Some(line) = command_line(&msg.content, shared.config.prefix.as_deref(), bot_id, in_guild) else { return };
    let Some(identity) = identity(msg.author.id) else { return };
    let member = msg.member.as_deref();
    let caller = Caller::new(identity, &name_with_nick(member.and_then(|m| m.nick.as_deref()), &msg.author));
    if let (Some(role), Some(member)) = (shared.config.organizer_role_id, member) {
        sync_organizer(&shared.engine, &caller, member.roles.iter().any(|r| r.get() == role)).await;
    }
    let key = format!("discord:message:{}", msg.id);
    let engine = Arc::clone(&shared.engine);
    let (run_caller, run_line) = (caller.clone(), line.clone());
    let response =
        match tokio::task::spawn_blocking(move || engine.handle(&run_caller, Input::Line(&run_line), Some(&key))).await
        {
            Ok(response) => response,
            Err(e) => return tracing::warn!("discord: message task failed: {e}"),
        };
    if response.duplicate {
        return;
    }
    let invite = if command_name(&line) == Some("code") && succeeded(&response) {
        personal_invite(shared, ctx, &msg.author, &caller.display_name).await
    } else {
        None
    };
    // Messages carry no client locale: the member's choice or the hint their
    // last slash command left decides (resolved by the engine).
    let lang = response.replies.first().and_then(|r| r.language.as_ref()).map_or("en", |l| l.as_str());
    let (mut public, mut private) = (Vec::new(), Vec::new());
    for reply in &response.replies {
        let mut text = shared.renderer.render(reply, Format::Markdown);
        if reply.share.is_some()
            && let Some(invite) = &invite
        {
            text.push_str("\n\n");
            text.push_str(invite);
        }
        let entry = (text, reply.actions.clone());
        if reply.private && in_guild { private.push(entry) } else { public.push(entry) }
    }
    let http = &ctx.http;
    if !public.is_empty()
        && let Err(e) = send(shared, lang, http, msg.channel_id, Some(msg), &public).await
    {
        tracing::warn!("discord: cannot answer in channel {}: {e}", msg.channel_id);
    }
    if private.is_empty() {
        return;
    }
    let sent = match msg.author.create_dm_channel(http).await {
        Ok(dm) => send(shared, lang, http, dm.id, None, &private).await,
        Err(e) => Err(e),
    };
    let name = json!({ "name": caller.display_name });
    let note = match sent {
        Ok(()) => "chat/sent_dm",
        Err(e) if dms_closed(&e) => "chat/discord_dm_closed",
        Err(e) => {
            tracing::info!("discord: DM to {}: {e}", msg.author.id);
            "chat/dm_failed"
        }
    };
    let note = shared.renderer.render(&Reply::new(note, name).in_language(lang), Format::Markdown);
    if let Err(e) = send(shared, lang, http, msg.channel_id, Some(msg), &[(note, Vec::new())]).await {
        tracing::warn!("discord: cannot leave a note in channel {}: {e}", msg.channel_id);
    }
}

/// Sends rendered replies to `channel`: joined, split to Discord's limit,
/// the first part answering `reference`, each reply's buttons under its
/// last part.
async fn send(
    shared: &Shared,
    lang: &str,
    http: &serenity::all::Http,
    channel: ChannelId,
    reference: Option<&Message>,
    replies: &[(String, Vec<vouch_store::Action>)],
) -> Result<(), serenity::Error> {
    let mut first = true;
    for (text, actions) in replies {
        let parts = split_markdown(text, MAX_MESSAGE);
        let last = parts.len().saturating_sub(1);
        for (i, part) in parts.iter().enumerate() {
            let mut message = CreateMessage::new().content(part).allowed_mentions(CreateAllowedMentions::new());
            if i == last {
                message = message.components(buttons::components(&shared.renderer, lang, actions));
            }
            if let Some(original) = reference.filter(|_| first) {
                message = message.reference_message(MessageReference::from(original));
            }
            first = false;
            channel.send_message(http, message).await?;
        }
    }
    Ok(())
}

fn dms_closed(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) if r.error.code == DMS_CLOSED)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT: u64 = 42;

    fn line(text: &str, in_guild: bool) -> Option<String> {
        command_line(text, Some("!"), Some(BOT), in_guild)
    }

    #[test]
    fn prefixed_commands_and_mentions_are_for_us() {
        assert_eq!(line("!code", true).as_deref(), Some("code"));
        assert_eq!(line("  ! redeem 7K3M-9QXP ", true).as_deref(), Some("redeem 7K3M-9QXP"));
        assert_eq!(line("<@42> mine", true).as_deref(), Some("mine"));
        assert_eq!(line("<@!42>", true).as_deref(), Some("help"));
        assert_eq!(line("<@!42> frobnicate", true).as_deref(), Some("frobnicate"), "addressed: told it's unknown");
    }

    #[test]
    fn chatter_is_not() {
        assert_eq!(line("hello all", true), None);
        assert_eq!(line("!important news", true), None, "not a command name");
        assert_eq!(line("!", true), None);
        assert_eq!(line("<@43> code", true), None, "another user mentioned");
        assert_eq!(command_line("!code", None, Some(BOT), true), None, "prefix commands off");
    }

    #[test]
    fn in_a_dm_everything_is_for_us() {
        assert_eq!(line("code", false).as_deref(), Some("code"));
        assert_eq!(line("!code", false).as_deref(), Some("code"));
        assert_eq!(line("what is this?", false).as_deref(), Some("what is this?"));
        assert_eq!(line("   ", false), None);
    }
}
