//! Discord frontend (serenity): slash commands generated from the catalog,
//! ephemeral answers for personal data, outbox notices delivered as DMs, and
//! invite attribution on member joins. It turns events into engine calls and
//! renders the replies; every rule (roles, limits, dedupe) lives in the core.

mod asked;
mod buttons;
mod delivery;
mod interactions;
mod invites;
mod messages;
mod slash;
mod split;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serenity::all::{
    ClientBuilder, Command as SlashCommand, Context, CreateAllowedMentions, EventHandler, GatewayIntents, Guild,
    GuildId, HttpBuilder, Interaction, InviteCreateEvent, InviteDeleteEvent, Member, Message, Ready,
};
use serenity::async_trait;
use tokio::sync::watch;
use vouch_core::delivery::{RetryPolicy, Worker};
use vouch_core::{Engine, Renderer};
use vouch_store::IdentityKey;

/// What the Discord frontend needs from configuration.
#[derive(Clone)]
pub struct DiscordConfig {
    pub token: String,
    /// Where REST goes instead of discord.com (tests point it at a fake);
    /// the gateway URL then comes from that API's `GET /gateway/bot`.
    pub api_url: Option<String>,
    /// Register slash commands in this guild only (instant updates) instead
    /// of globally (which Discord propagates slowly).
    pub guild_id: Option<u64>,
    /// Members with this Discord role are made vouch organizers.
    pub organizer_role_id: Option<u64>,
    /// Channel that personal server invites point at; no invites without it.
    pub invite_channel_id: Option<u64>,
    /// Lifetime of a personal invite in seconds (0 = never expires).
    pub invite_max_age_secs: u32,
    /// Joins by accounts younger than this are held for review (possible alts).
    pub hold_accounts_younger_than: chrono::Duration,
    /// Where the invite ownership file lives (the data dir).
    pub state_dir: PathBuf,
    /// How often the DM worker looks for due outbox rows.
    pub outbox_poll: Duration,
    /// Messages starting with this (`!`) run commands; `None` turns prefix
    /// commands off (and with them the privileged Message Content intent;
    /// mentions of the bot and DMs still work).
    pub prefix: Option<String>,
    /// An interaction whose answer takes longer is acknowledged first
    /// ("thinking…") and its answer edited in when ready. Discord drops an
    /// interaction not answered within 3 s; a slow disk or network needs
    /// a margin. Zero defers every answer.
    pub defer_after: Duration,
}

impl From<serenity::Error> for DiscordError {
    fn from(e: serenity::Error) -> Self {
        Self::Serenity(Box::new(e))
    }
}

impl std::fmt::Debug for DiscordConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordConfig")
            .field("token", &"***")
            .field("api_url", &self.api_url)
            .field("guild_id", &self.guild_id)
            .field("organizer_role_id", &self.organizer_role_id)
            .field("invite_channel_id", &self.invite_channel_id)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    // Boxed: serenity's error is large and most results here are Ok.
    #[error("discord: {0}")]
    Serenity(#[from] Box<serenity::Error>),
    #[error("discord: {0}")]
    State(String),
}

/// What every event handler shares.
struct Shared {
    engine: Arc<Engine>,
    renderer: Arc<Renderer>,
    config: DiscordConfig,
    invites: invites::Tracker,
    /// Our own user id, from READY (to recognise mentions of the bot).
    bot_id: OnceLock<u64>,
}

struct Handler(Arc<Shared>);

/// Runs the bot and its DM worker until `shutdown` turns true.
pub async fn run(
    config: DiscordConfig,
    engine: Arc<Engine>,
    renderer: Arc<Renderer>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), DiscordError> {
    let invites = invites::Tracker::load(&config.state_dir, Arc::clone(&engine)).await?;
    let mut http = HttpBuilder::new(&config.token).default_allowed_mentions(CreateAllowedMentions::new());
    if let Some(url) = &config.api_url {
        // serenity's ratelimiter ignores the proxy (it always calls
        // discord.com), so a custom API URL runs without it; against the
        // real API (no URL set) the ratelimiter handles 429s.
        http = http.proxy(url.trim_end_matches('/')).ratelimiter_disabled(true);
    }
    let http = http.build();
    // GUILD_MEMBERS is privileged (enable "Server Members Intent" in the
    // developer portal); without it joins are never seen. So is
    // MESSAGE_CONTENT ("Message Content Intent"), needed to read `!code` in
    // a channel; mentions and DMs carry their content without it.
    let mut intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MEMBERS
        | GatewayIntents::GUILD_INVITES
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::DIRECT_MESSAGES;
    if config.prefix.is_some() {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    let shared = Arc::new(Shared { engine, renderer, config, invites, bot_id: OnceLock::new() });
    let mut client = ClientBuilder::new_with_http(http, intents).event_handler(Handler(Arc::clone(&shared))).await?;
    let dms = delivery::Discord { http: Arc::clone(&client.http), shared: Arc::clone(&shared) };
    let every = shared.config.outbox_poll;
    let worker = Worker::new(Arc::clone(&shared.engine), dms, RetryPolicy::CHAT);
    let worker = tokio::spawn(worker.run(every, shutdown.clone()));
    let manager = Arc::clone(&client.shard_manager);
    // serenity reconnects and resumes the gateway by itself; `start` ends
    // only on a fatal error (bad token, disallowed intents) or shutdown.
    let result = tokio::select! {
        result = client.start() => result.map_err(|e| match e {
            serenity::Error::Gateway(serenity::all::GatewayError::DisallowedGatewayIntents) => DiscordError::State(
                "Discord refused the bot's intents: enable Server Members Intent and Message Content Intent \
                 in the developer portal (Bot tab), or set VOUCH_DISCORD_PREFIX=off to do without message content"
                    .into(),
            ),
            e => DiscordError::from(e),
        }),
        _ = shutdown.changed() => Ok(()),
    };
    manager.shutdown_all().await;
    if result.is_err() {
        worker.abort();
    }
    let _ = worker.await;
    result
}

/// `discord:<snowflake>`: the identity the core knows a Discord user by.
/// The name people see in this server: nickname, then global name, then username.
fn display_name(member: Option<&serenity::all::Member>, user: &serenity::all::User) -> String {
    name_with_nick(member.and_then(|m| m.nick.as_deref()), user)
}

fn name_with_nick(nick: Option<&str>, user: &serenity::all::User) -> String {
    nick.map(str::to_string).or_else(|| user.global_name.clone()).unwrap_or_else(|| user.name.clone())
}

fn identity(user: impl std::fmt::Display) -> Option<IdentityKey> {
    IdentityKey::parse(&format!("discord:{user}")).ok()
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!("discord: connected as {}", ready.user.name);
        let _ = self.0.bot_id.set(ready.user.id.get());
        let commands = slash::commands(&self.0.renderer);
        let result = match self.0.config.guild_id {
            Some(guild) => GuildId::new(guild).set_commands(&ctx.http, commands).await.map(|c| c.len()),
            None => SlashCommand::set_global_commands(&ctx.http, commands).await.map(|c| c.len()),
        };
        match result {
            Ok(n) => tracing::info!("discord: {n} slash commands registered"),
            Err(e) => tracing::warn!("discord: cannot register slash commands: {e}"),
        }
    }

    async fn guild_create(&self, ctx: Context, guild: Guild, _is_new: Option<bool>) {
        if self.0.config.invite_channel_id.is_some() {
            self.0.invites.refresh(&ctx.http, guild.id).await;
        }
    }

    async fn invite_create(&self, _ctx: Context, data: InviteCreateEvent) {
        let bot_id = self.0.bot_id.get().copied();
        if let Err(e) = self.0.invites.created(&data, bot_id).await {
            tracing::warn!("discord: invite {}: {e}", data.code);
        }
    }

    async fn invite_delete(&self, _ctx: Context, data: InviteDeleteEvent) {
        if let Err(e) = self.0.invites.deleted(&data.code).await {
            tracing::warn!("discord: invite {}: {e}", data.code);
        }
    }

    async fn message(&self, ctx: Context, message: Message) {
        messages::on_message(&self.0, &ctx, &message).await;
    }

    async fn guild_member_addition(&self, ctx: Context, member: Member) {
        invites::on_join(&self.0, &ctx, &member).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Command(command) => interactions::on_command(&self.0, &ctx, &command).await,
            Interaction::Component(press) => interactions::on_component(&self.0, &ctx, &press).await,
            _ => {}
        }
    }
}
