//! Invite attribution. `code` also hands out a personal server invite; the
//! bot creates it, so Discord names the bot as inviter and vouch keeps which
//! member each invite belongs to in the store (with every other change, in
//! backups and exports). Discord does not say which invite a new member
//! used: on every join we fetch the guild's invites and look for the one of
//! ours whose use count went up since the last look.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serenity::all::{ChannelId, Context, CreateInvite, GuildId, Http, InviteCreateEvent, Member};
use tokio::sync::Mutex;
use vouch_core::{Caller, Engine};
use vouch_store::InviteRecord;

use super::{DiscordError, Shared, display_name, identity, name_with_nick};

/// Where versions before 0.1 kept the ledger; read once into the store.
const LEGACY_FILE: &str = "discord-invites.json";

#[derive(Debug)]
pub(super) struct Tracker {
    engine: Arc<Engine>,
    /// Use counts seen at the last look, per invite code (ours and others').
    /// One join is diffed at a time: two interleaved diffs would each see
    /// the other's increment.
    uses: Mutex<HashMap<String, u64>>,
}

/// Runs a store call off the async threads.
async fn blocking<T: Send + 'static>(
    engine: &Arc<Engine>,
    f: impl FnOnce(&Engine) -> Result<T, vouch_core::UserError> + Send + 'static,
) -> Result<T, DiscordError> {
    let engine = Arc::clone(engine);
    tokio::task::spawn_blocking(move || f(&engine))
        .await
        .map_err(|e| DiscordError::State(e.to_string()))?
        .map_err(|e| DiscordError::State(e.to_string()))
}

impl Tracker {
    /// The tracker, after moving an earlier version's ledger file (if any)
    /// into the store; the file is renamed `.imported`, never read again.
    pub(super) async fn load(dir: &Path, engine: Arc<Engine>) -> Result<Self, DiscordError> {
        let path = dir.join(LEGACY_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let invites = legacy_ledger(&bytes)
                    .map_err(|e| DiscordError::State(format!("{} is damaged: {e}", path.display())))?;
                let added = blocking(&engine, move |engine| engine.import_invites(&invites)).await?;
                let done = path.with_extension("json.imported");
                std::fs::rename(&path, &done)
                    .map_err(|e| DiscordError::State(format!("cannot rename {}: {e}", path.display())))?;
                eprintln!("vouch: discord: {added} invites moved from {} into the store", path.display());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(DiscordError::State(format!("cannot read {}: {e}", path.display()))),
        }
        Ok(Self { engine, uses: Mutex::new(HashMap::new()) })
    }

    /// Baseline use counts (at start and after a guild becomes available).
    pub(super) async fn refresh(&self, http: &Http, guild: GuildId) {
        match guild.invites(http).await {
            Ok(invites) => *self.uses.lock().await = invites.into_iter().map(|i| (i.code, i.uses)).collect(),
            Err(e) => eprintln!("vouch: discord: cannot list invites (needs Manage Server): {e}"),
        }
    }

    /// INVITE_CREATE: the use count starts being tracked (an untracked
    /// invite rising at a join would make the diff ambiguous). An invite a
    /// member made by hand is theirs: joins through it are attributed to
    /// them like joins through the personal invite vouch hands out.
    pub(super) async fn created(&self, event: &InviteCreateEvent, bot_id: Option<u64>) -> Result<(), DiscordError> {
        self.uses.lock().await.insert(event.code.clone(), event.uses);
        let Some(inviter) = event.inviter.as_ref().filter(|u| !u.bot && Some(u.id.get()) != bot_id) else {
            return Ok(());
        };
        let Some(owner) = identity(inviter.id) else { return Ok(()) };
        let owner = Caller::new(owner, &name_with_nick(None, inviter));
        let (code, max_age) = (event.code.clone(), event.max_age);
        blocking(&self.engine, move |engine| engine.record_invite(&code, &owner, max_age)).await.map(drop)
    }

    /// INVITE_DELETE (by hand, expired, or used up): forget its count, and
    /// never hand it out again as someone's personal invite.
    pub(super) async fn deleted(&self, code: &str) -> Result<(), DiscordError> {
        self.uses.lock().await.remove(code);
        let code = code.to_string();
        blocking(&self.engine, move |engine| engine.forget_invite(&code)).await.map(drop)
    }

    /// The member's unexpired invite, or a new one in `channel`.
    pub(super) async fn invite_for(
        &self,
        http: &Http,
        channel: u64,
        user: u64,
        name: &str,
        max_age: u32,
    ) -> Result<String, DiscordError> {
        let owner = Caller::new(identity(user).ok_or_else(|| DiscordError::State("bad user id".into()))?, name);
        let who = owner.identity.clone();
        if let Some(invite) = blocking(&self.engine, move |engine| engine.usable_invite(&who)).await? {
            return Ok(invite.code);
        }
        let invite = ChannelId::new(channel.max(1))
            .create_invite(http, CreateInvite::new().max_age(max_age).unique(true))
            .await?;
        self.uses.lock().await.insert(invite.code.clone(), invite.uses);
        // Recorded before the invite is shown: a join through an invite we
        // cannot attribute would be lost for good.
        let code = invite.code.clone();
        blocking(&self.engine, move |engine| engine.record_invite(&code, &owner, max_age)).await?;
        Ok(invite.code)
    }

    /// Whose invite a new member used: the one of ours whose count rose.
    async fn used_by(&self, http: &Http, guild: GuildId) -> Option<InviteRecord> {
        let mut uses = self.uses.lock().await;
        let invites = match guild.invites(http).await {
            Ok(i) => i,
            Err(e) => {
                eprintln!("vouch: discord: cannot list invites for a join: {e}");
                return None;
            }
        };
        let fresh: HashMap<String, u64> = invites.into_iter().map(|i| (i.code, i.uses)).collect();
        let risen: Vec<String> = fresh
            .iter()
            .filter(|(code, n)| **n > uses.get(*code).copied().unwrap_or(0))
            .map(|(c, _)| c.clone())
            .collect();
        *uses = fresh;
        // Two invites rising at once (joins we missed) leave it ambiguous;
        // a guess would credit the wrong person.
        let [one] = <[String; 1]>::try_from(risen).ok()?;
        match blocking(&self.engine, move |engine| engine.invite_owner(&one)).await {
            Ok(owner) => owner,
            Err(e) => {
                eprintln!("vouch: discord: cannot look up an invite: {e}");
                None
            }
        }
    }
}

/// The ledger file of earlier versions: invite code -> owner.
fn legacy_ledger(bytes: &[u8]) -> Result<Vec<InviteRecord>, String> {
    #[derive(Deserialize)]
    struct Owned {
        inviter: u64,
        name: String,
        created_unix: i64,
        max_age: u32,
    }
    #[derive(Deserialize)]
    struct Ledger {
        invites: BTreeMap<String, Owned>,
    }
    let ledger: Ledger = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    ledger
        .invites
        .into_iter()
        .map(|(code, o)| {
            Ok(InviteRecord {
                code,
                owner: identity(o.inviter).ok_or("bad inviter id")?,
                owner_name: o.name,
                created_at: chrono::DateTime::from_timestamp(o.created_unix, 0).ok_or("bad time")?,
                max_age_secs: o.max_age,
            })
        })
        .collect()
}

/// How the invite is shown under the `code` answer.
pub(super) fn invite_line(renderer: &vouch_core::Renderer, code: &str) -> String {
    let data = serde_json::json!({ "url": format!("https://discord.gg/{code}") });
    renderer.render(&vouch_core::Reply::new("chat/discord_invite", data), vouch_core::Format::Markdown)
}

/// GUILD_MEMBER_ADD: attribute the join to the owner of the invite used.
pub(super) async fn on_join(shared: &Arc<Shared>, ctx: &Context, member: &Member) {
    if shared.config.invite_channel_id.is_none() || member.user.bot {
        return;
    }
    let Some(owner) = shared.invites.used_by(&ctx.http, member.guild_id).await else { return };
    let Some(joined_id) = identity(member.user.id) else { return };
    let inviter = Caller::new(owner.owner, &owner.owner_name);
    let joined = Caller::new(joined_id, &display_name(Some(member), &member.user));
    let created = chrono::DateTime::from_timestamp(member.user.id.created_at().unix_timestamp(), 0)
        .unwrap_or_else(chrono::Utc::now);
    let hold = shared.config.hold_accounts_younger_than;
    let key = format!("discord:join:{}:{}", member.guild_id, member.user.id);
    let engine = Arc::clone(&shared.engine);
    let result =
        tokio::task::spawn_blocking(move || engine.record_invite_join(&inviter, &joined, created, hold, &key)).await;
    match result {
        Ok(Ok(outcome)) => eprintln!("vouch: discord: join of {}: {outcome}", member.user.id),
        Ok(Err(e)) => eprintln!("vouch: discord: cannot record join of {}: {e}", member.user.id),
        Err(e) => eprintln!("vouch: discord: join task failed: {e}"),
    }
}
