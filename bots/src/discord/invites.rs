//! Invite attribution. `code` also hands out a personal server invite; the
//! bot creates it, so Discord names the bot as inviter and vouch keeps which
//! member each invite belongs to in a small file. Discord does not say which
//! invite a new member used: on every join we fetch the guild's invites and
//! look for the one of ours whose use count went up since the last look.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serenity::all::{ChannelId, Context, CreateInvite, GuildId, Http, InviteCreateEvent, Member};
use tokio::sync::Mutex;
use vouch_core::Caller;

use super::interactions::{display_name, name_with_nick};
use super::{DiscordError, Shared, identity};

const FILE: &str = "discord-invites.json";

/// A personal invite: whose it is, and until when it can be handed out again.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Owned {
    inviter: u64,
    name: String,
    created_unix: i64,
    /// Seconds; 0 never expires.
    max_age: u32,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Ledger {
    invites: BTreeMap<String, Owned>,
}

#[derive(Debug, Default)]
struct State {
    ledger: Ledger,
    /// Use counts seen at the last look, per invite code (ours and others').
    uses: HashMap<String, u64>,
}

#[derive(Debug)]
pub(super) struct Tracker {
    path: PathBuf,
    // One join is diffed at a time: two interleaved diffs would each see
    // the other's increment.
    state: Mutex<State>,
}

impl Tracker {
    pub(super) fn load(dir: &Path) -> Result<Self, DiscordError> {
        let path = dir.join(FILE);
        let ledger = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| DiscordError::State(format!("{} is damaged: {e}", path.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ledger::default(),
            Err(e) => return Err(DiscordError::State(format!("cannot read {}: {e}", path.display()))),
        };
        Ok(Self { path, state: Mutex::new(State { ledger, uses: HashMap::new() }) })
    }

    /// Baseline use counts (at start and after a guild becomes available).
    pub(super) async fn refresh(&self, http: &Http, guild: GuildId) {
        match guild.invites(http).await {
            Ok(invites) => {
                let mut state = self.state.lock().await;
                state.uses = invites.into_iter().map(|i| (i.code, i.uses)).collect();
            }
            Err(e) => eprintln!("vouch: discord: cannot list invites (needs Manage Server): {e}"),
        }
    }

    /// INVITE_CREATE: the use count starts being tracked (an untracked
    /// invite rising at a join would make the diff ambiguous). An invite a
    /// member made by hand is theirs: joins through it are attributed to
    /// them like joins through the personal invite vouch hands out.
    pub(super) async fn created(&self, event: &InviteCreateEvent, bot_id: Option<u64>) -> Result<(), DiscordError> {
        let mut state = self.state.lock().await;
        state.uses.insert(event.code.clone(), event.uses);
        let Some(inviter) = event.inviter.as_ref().filter(|u| !u.bot && Some(u.id.get()) != bot_id) else {
            return Ok(());
        };
        if state.ledger.invites.contains_key(&event.code) {
            return Ok(());
        }
        let owned = Owned {
            inviter: inviter.id.get(),
            name: name_with_nick(None, inviter),
            created_unix: event.created_at.unix_timestamp(),
            max_age: event.max_age,
        };
        state.ledger.invites.insert(event.code.clone(), owned);
        save(&self.path, &state.ledger)
    }

    /// INVITE_DELETE (by hand, expired, or used up): forget its count, and
    /// never hand it out again as someone's personal invite.
    pub(super) async fn deleted(&self, code: &str) -> Result<(), DiscordError> {
        let mut state = self.state.lock().await;
        state.uses.remove(code);
        if state.ledger.invites.remove(code).is_some() {
            save(&self.path, &state.ledger)?;
        }
        Ok(())
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
        let mut state = self.state.lock().await;
        let now = chrono::Utc::now().timestamp();
        // Hand out an old invite only with at least an hour left on it.
        let usable = |o: &Owned| o.max_age == 0 || o.created_unix + i64::from(o.max_age) > now + 3600;
        if let Some((code, _)) = state.ledger.invites.iter().find(|(_, o)| o.inviter == user && usable(o)) {
            return Ok(code.clone());
        }
        let invite = ChannelId::new(channel.max(1))
            .create_invite(http, CreateInvite::new().max_age(max_age).unique(true))
            .await?;
        state.uses.insert(invite.code.clone(), invite.uses);
        let owned = Owned { inviter: user, name: name.to_string(), created_unix: now, max_age };
        state.ledger.invites.insert(invite.code.clone(), owned);
        // Written before the invite is shown: a join through an invite we
        // cannot attribute would be lost for good.
        save(&self.path, &state.ledger)?;
        Ok(invite.code)
    }

    /// Whose invite a new member used: the one of ours whose count rose.
    async fn used_by(&self, http: &Http, guild: GuildId) -> Option<Owned> {
        let mut state = self.state.lock().await;
        let invites = match guild.invites(http).await {
            Ok(i) => i,
            Err(e) => {
                eprintln!("vouch: discord: cannot list invites for a join: {e}");
                return None;
            }
        };
        let fresh: HashMap<String, u64> = invites.into_iter().map(|i| (i.code, i.uses)).collect();
        let risen: Vec<&String> = fresh
            .iter()
            .filter(|(code, uses)| **uses > state.uses.get(*code).copied().unwrap_or(0))
            .map(|(c, _)| c)
            .collect();
        // Two invites rising at once (joins we missed) leave it ambiguous;
        // a guess would credit the wrong person.
        let found = match risen.as_slice() {
            [one] => state.ledger.invites.get(*one).cloned(),
            _ => None,
        };
        state.uses = fresh;
        found
    }
}

/// How the invite is shown under the `code` answer.
pub(super) fn invite_line(renderer: &vouch_core::Renderer, code: &str) -> String {
    let data = serde_json::json!({ "url": format!("https://discord.gg/{code}") });
    renderer.render(&vouch_core::Reply::new("chat/discord_invite", data), vouch_core::Format::Markdown)
}

fn save(path: &Path, ledger: &Ledger) -> Result<(), DiscordError> {
    let fail = |e: std::io::Error| DiscordError::State(format!("cannot write {}: {e}", path.display()));
    let bytes = serde_json::to_vec_pretty(ledger).map_err(|e| DiscordError::State(e.to_string()))?;
    let tmp = path.with_extension("json.tmp");
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&tmp).map_err(fail)?;
        file.write_all(&bytes).map_err(fail)?;
        file.sync_all().map_err(fail)?;
    }
    std::fs::rename(&tmp, path).map_err(fail)
}

/// GUILD_MEMBER_ADD: attribute the join to the owner of the invite used.
pub(super) async fn on_join(shared: &Arc<Shared>, ctx: &Context, member: &Member) {
    if shared.config.invite_channel_id.is_none() || member.user.bot {
        return;
    }
    let Some(owner) = shared.invites.used_by(&ctx.http, member.guild_id).await else { return };
    let (Some(inviter_id), Some(joined_id)) = (identity(owner.inviter), identity(member.user.id)) else { return };
    let inviter = Caller::new(inviter_id, &owner.name);
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
