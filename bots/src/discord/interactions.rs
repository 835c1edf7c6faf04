//! Slash command interactions: caller from the interaction's user, one
//! engine call deduplicated by the interaction id, the rendered answer as
//! the interaction's response (ephemeral for personal data and refusals).

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{
    CommandInteraction, Context, CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseMessage,
    EditInteractionResponse, Member, User,
};
use vouch_core::{Caller, Engine, Format, Reply, Response};
use vouch_store::{Read, Role};

use super::{Shared, identity, invites, slash};

/// Discord drops an interaction not answered within 3 seconds. A commit
/// normally takes milliseconds; past this we acknowledge first ("thinking…")
/// and edit the answer in when the engine is done.
const DEFER_AFTER: Duration = Duration::from_millis(2000);

/// Discord's limit for a message's content.
const CONTENT_MAX: usize = 2000;

pub(super) async fn on_command(shared: &Arc<Shared>, ctx: &Context, command: &CommandInteraction) {
    let Some(identity) = identity(command.user.id) else { return };
    let caller = Caller::new(identity, &display_name(command.member.as_deref(), &command.user));
    if let (Some(role), Some(member)) = (shared.config.organizer_role_id, command.member.as_deref())
        && member.roles.iter().any(|r| r.get() == role)
    {
        ensure_organizer(&shared.engine, &caller).await;
    }
    let line = slash::line(&command.data);
    let key = format!("discord:interaction:{}", command.id);
    let private = vouch_core::catalog::find(&command.data.name).is_none_or(|spec| spec.private);
    let engine = Arc::clone(&shared.engine);
    let run_caller = caller.clone();
    let mut job = tokio::task::spawn_blocking(move || engine.respond(&run_caller, &line, Some(&key)));
    let (response, deferred) = match tokio::time::timeout(DEFER_AFTER, &mut job).await {
        Ok(done) => (done, false),
        Err(_) => {
            let deferred =
                if private { command.defer_ephemeral(&ctx.http).await } else { command.defer(&ctx.http).await };
            if let Err(e) = deferred {
                eprintln!("vouch: discord: cannot defer interaction: {e}");
            }
            (job.await, true)
        }
    };
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vouch: discord: command task failed: {e}");
            return;
        }
    };
    // A redelivered interaction (gateway resume replay) was answered the
    // first time; Discord accepts one response per interaction.
    if response.duplicate {
        return;
    }
    let mut text = render(shared, &response);
    if command.data.name == "code"
        && succeeded(&response)
        && let Some(extra) = personal_invite(shared, ctx, &command.user, &caller.display_name).await
    {
        text.push_str("\n\n");
        text.push_str(&extra);
    }
    let text = fit(&text);
    let ephemeral = response.replies.iter().any(|r| r.private || r.is_error);
    let sent = if deferred {
        let edit = EditInteractionResponse::new().content(text).allowed_mentions(CreateAllowedMentions::new());
        command.edit_response(&ctx.http, edit).await.map(|_| ())
    } else {
        let message = CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(ephemeral)
            .allowed_mentions(CreateAllowedMentions::new());
        command.create_response(&ctx.http, CreateInteractionResponse::Message(message)).await
    };
    if let Err(e) = sent {
        eprintln!("vouch: discord: cannot answer /{}: {e}", command.data.name);
    }
}

fn succeeded(response: &Response) -> bool {
    !response.replies.is_empty() && response.replies.iter().all(|r| !r.is_error)
}

fn render(shared: &Shared, response: &Response) -> String {
    let texts: Vec<String> =
        response.replies.iter().map(|r: &Reply| shared.renderer.render(r, Format::Markdown)).collect();
    texts.join("\n\n")
}

/// Cuts to Discord's limit on a character boundary.
pub(super) fn fit(text: &str) -> String {
    if text.chars().count() <= CONTENT_MAX {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(CONTENT_MAX - 1).collect();
    cut.push('…');
    cut
}

/// The name people see in this server: nickname, then global name, then username.
pub(super) fn display_name(member: Option<&Member>, user: &User) -> String {
    member.and_then(|m| m.nick.clone()).or_else(|| user.global_name.clone()).unwrap_or_else(|| user.name.clone())
}

/// Someone holding the configured Discord organizer role is an organizer in
/// vouch too. Only granted, never revoked here: organizers may also be
/// appointed from the CLI, and a missing role must not undo that.
async fn ensure_organizer(engine: &Arc<Engine>, caller: &Caller) {
    let known = engine.store().member_by_identity(&caller.identity).ok().flatten();
    if known.is_some_and(|m| m.has_role(Role::Organizer)) {
        return;
    }
    let engine = Arc::clone(engine);
    let line = format!("role grant {} organizer", caller.identity);
    let granted = tokio::task::spawn_blocking(move || engine.respond(&Caller::admin(), &line, None)).await;
    match granted {
        Ok(r) if succeeded(&r) => eprintln!("vouch: discord: {} is an organizer (Discord role)", caller.identity),
        Ok(_) | Err(_) => eprintln!("vouch: discord: could not make {} an organizer", caller.identity),
    }
}

/// The member's personal server invite, as a line to add to the `code`
/// answer; `None` when invites are not configured or Discord refused.
async fn personal_invite(shared: &Arc<Shared>, ctx: &Context, user: &User, name: &str) -> Option<String> {
    let channel = shared.config.invite_channel_id?;
    let max_age = shared.config.invite_max_age_secs;
    match shared.invites.invite_for(&ctx.http, channel, user.id.get(), name, max_age).await {
        Ok(code) => Some(invites::invite_line(&shared.renderer, &code)),
        Err(e) => {
            eprintln!("vouch: discord: cannot create an invite: {e}");
            None
        }
    }
}
