//! Interactions: slash commands and button presses. The caller comes from
//! the interaction's user, one engine call is deduplicated by the
//! interaction id, and the rendered answer (with any buttons) is the
//! interaction's response: ephemeral for personal data, refusals and
//! button presses.

use std::sync::Arc;

use serenity::all::{
    CommandInteraction, ComponentInteraction, ComponentInteractionDataKind, Context, CreateAllowedMentions,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    EditInteractionResponse, InteractionId, Member, User,
};
use vouch_core::{Caller, Engine, Format, Reply, Response};

use serenity::builder::Builder as _;

use super::asked::Asked;
use super::split::{MAX_MESSAGE, split_markdown};
use super::{Shared, buttons, display_name, identity, invites, slash};

/// One interaction to answer: who, what, and how to reach Discord.
struct Ask<'a> {
    id: InteractionId,
    token: &'a str,
    user: &'a User,
    member: Option<&'a Member>,
    asked: Asked,
    /// Answer only the asker whatever the replies say (button presses: the
    /// message with the button may be public, the press is personal).
    always_ephemeral: bool,
    /// What the answer is shown as when it has to be deferred.
    private: bool,
    /// The asker's Discord client language (`ru`, `ro`, `en-US`).
    locale: &'a str,
}

pub(super) async fn on_command(shared: &Arc<Shared>, ctx: &Context, command: &CommandInteraction) {
    let private = vouch_core::catalog::find(&command.data.name).is_none_or(|spec| spec.answers_privately());
    let ask = Ask {
        id: command.id,
        token: &command.token,
        user: &command.user,
        member: command.member.as_deref(),
        asked: slash::asked(&command.data),
        always_ephemeral: false,
        private,
        locale: &command.locale,
    };
    answer(shared, ctx, ask).await;
}

/// A pressed button (custom_id `vouch:` + a command line) or a choice in
/// one of our select menus (the chosen value is the command line).
pub(super) async fn on_component(shared: &Arc<Shared>, ctx: &Context, press: &ComponentInteraction) {
    let chosen = match &press.data.kind {
        ComponentInteractionDataKind::StringSelect { values } if press.data.custom_id == buttons::SELECT_ID => {
            values.first().map(|v| v.trim()).filter(|v| !v.is_empty())
        }
        _ if press.data.custom_id == buttons::SELECT_ID => None,
        _ => buttons::line(&press.data.custom_id),
    };
    let Some(line) = chosen else {
        // Not ours; acknowledge so the client does not show a failure.
        if let Err(e) = press.create_response(&ctx.http, CreateInteractionResponse::Acknowledge).await {
            tracing::warn!("discord: cannot acknowledge a button: {e}");
        }
        return;
    };
    let ask = Ask {
        id: press.id,
        token: &press.token,
        user: &press.user,
        member: press.member.as_ref(),
        asked: Asked::Line(line.to_string()),
        always_ephemeral: true,
        private: true,
        locale: &press.locale,
    };
    answer(shared, ctx, ask).await;
}

async fn answer(shared: &Arc<Shared>, ctx: &Context, ask: Ask<'_>) {
    if ask.user.bot {
        return;
    }
    let Some(identity) = identity(ask.user.id) else { return };
    let caller = Caller::new(identity, &display_name(ask.member, ask.user)).with_language(Some(ask.locale));
    if let (Some(role), Some(member)) = (shared.config.organizer_role_id, ask.member) {
        sync_organizer(&shared.engine, &caller, member.roles.iter().any(|r| r.get() == role)).await;
    }
    let key = format!("discord:interaction:{}", ask.id);
    let engine = Arc::clone(&shared.engine);
    let run_caller = caller.clone();
    let asked = ask.asked.clone();
    let mut job = tokio::task::spawn_blocking(move || asked.run(&engine, &run_caller, &key));
    // Zero defers every answer (useful on a slow link); otherwise only one
    // not ready in time.
    let wait = shared.config.defer_after;
    let ready = if wait.is_zero() { None } else { tokio::time::timeout(wait, &mut job).await.ok() };
    let (response, deferred) = match ready {
        Some(done) => (done, false),
        None => {
            let message = CreateInteractionResponseMessage::new().ephemeral(ask.private);
            let defer = CreateInteractionResponse::Defer(message);
            if let Err(e) = defer.execute(&ctx.http, (ask.id, ask.token)).await {
                tracing::warn!("discord: cannot defer interaction: {e}");
            }
            (job.await, true)
        }
    };
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("discord: command task failed: {e}");
            return;
        }
    };
    // A redelivered interaction (gateway resume replay) was answered the
    // first time; Discord accepts one response per interaction.
    if response.duplicate {
        return;
    }
    let mut text = render(shared, &response);
    let is_code = ask.asked.command_name() == Some("code");
    if is_code
        && succeeded(&response)
        && let Some(extra) = personal_invite(shared, ctx, ask.user, &caller.display_name).await
    {
        text.push_str("\n\n");
        text.push_str(&extra);
    }
    let parts = split_markdown(&text, MAX_MESSAGE);
    let actions: Vec<vouch_store::Action> = response.replies.iter().flat_map(|r| r.actions.clone()).collect();
    let ephemeral = ask.always_ephemeral || response.replies.iter().any(|r| r.private || r.is_error());
    // A long answer is the response plus follow-ups; buttons go last.
    let last = parts.len().saturating_sub(1);
    let lang = response.replies.first().and_then(|r| r.language.as_ref()).map_or("en", |l| l.as_str());
    let components =
        |i: usize| if i == last { buttons::components(&shared.renderer, lang, &actions) } else { Vec::new() };
    let first = parts.first().cloned().unwrap_or_else(|| "…".to_string());
    let mut sent = if deferred {
        let edit = EditInteractionResponse::new()
            .content(first)
            .components(components(0))
            .allowed_mentions(CreateAllowedMentions::new());
        edit.execute(&ctx.http, ask.token).await.map(|_| ())
    } else {
        let message = CreateInteractionResponseMessage::new()
            .content(first)
            .ephemeral(ephemeral)
            .components(components(0))
            .allowed_mentions(CreateAllowedMentions::new());
        CreateInteractionResponse::Message(message).execute(&ctx.http, (ask.id, ask.token)).await
    };
    for (i, part) in parts.iter().enumerate().skip(1) {
        if sent.is_err() {
            break;
        }
        let followup = CreateInteractionResponseFollowup::new()
            .content(part)
            .ephemeral(ephemeral)
            .components(components(i))
            .allowed_mentions(CreateAllowedMentions::new());
        sent = followup.execute(&ctx.http, (None, ask.token)).await.map(|_| ());
    }
    if let Err(e) = sent {
        tracing::warn!("discord: cannot answer `{}`: {e}", ask.asked.command_name().unwrap_or("?"));
    }
}

pub(super) fn succeeded(response: &Response) -> bool {
    !response.replies.is_empty() && !response.refused()
}

pub(super) fn render(shared: &Shared, response: &Response) -> String {
    let texts: Vec<String> =
        response.replies.iter().map(|r: &Reply| shared.renderer.render(r, Format::Markdown)).collect();
    texts.join("\n\n")
}

/// Someone holding the configured Discord organizer role is an organizer in
/// vouch too, and one who lost it is not (from their next command on in a
/// server, where Discord shows their roles). Organizers appointed from the
/// CLI keep their role whatever Discord says.
pub(super) async fn sync_organizer(engine: &Arc<Engine>, caller: &Caller, holds: bool) {
    let (engine, who) = (Arc::clone(engine), caller.clone());
    match tokio::task::spawn_blocking(move || engine.sync_platform_organizer(&who, holds)).await {
        Ok(Ok(true)) if holds => tracing::info!("discord: {} is an organizer (Discord role)", caller.identity),
        Ok(Ok(true)) => tracing::warn!("discord: {} lost the Discord organizer role", caller.identity),
        Ok(Ok(false)) => {}
        Ok(Err(e)) => tracing::warn!("discord: could not sync {}'s organizer role: {e}", caller.identity),
        Err(e) => tracing::warn!("discord: organizer role task failed: {e}"),
    }
}

/// The member's personal server invite, as a line to add to the `code`
/// answer; `None` when invites are not configured or Discord refused.
pub(super) async fn personal_invite(shared: &Arc<Shared>, ctx: &Context, user: &User, name: &str) -> Option<String> {
    let channel = shared.config.invite_channel_id?;
    let max_age = shared.config.invite_max_age_secs;
    match shared.invites.invite_for(&ctx.http, channel, user.id.get(), name, max_age).await {
        Ok(code) => Some(invites::invite_line(&shared.renderer, &code)),
        Err(e) => {
            tracing::warn!("discord: cannot create an invite: {e}");
            None
        }
    }
}
