//! The Discord frontend's settings, checked once at start.

use std::time::Duration;

use anyhow::Context;
use vouch_bots::discord::DiscordConfig;

use crate::config::Config;

/// Personal invites last a week unless configured.
const DEFAULT_INVITE_MAX_AGE_SECS: u32 = 7 * 24 * 3600;
/// Joins by accounts younger than this are held for review unless configured.
const DEFAULT_HOLD_DAYS: i64 = 7;
/// Discord drops an interaction not answered within 3 s. A commit normally
/// takes milliseconds; past this the answer is deferred ("thinking…").
const DEFAULT_DEFER_MS: u64 = 2000;

/// `None` when no Discord token is configured.
pub fn config(config: &Config, outbox_poll: Duration) -> anyhow::Result<Option<DiscordConfig>> {
    let Some(token) = &config.discord_token else { return Ok(None) };
    let snowflake = |name: &str, value: &Option<String>| -> anyhow::Result<Option<u64>> {
        value
            .as_deref()
            .map(|v| {
                v.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .with_context(|| format!("{name} must be a Discord id (digits), not {v:?}"))
            })
            .transpose()
    };
    let invite_max_age_secs = match &config.discord_invite_max_age {
        Some(v) => v.trim().parse().ok().filter(|s| *s <= 604_800).with_context(|| {
            format!("VOUCH_DISCORD_INVITE_MAX_AGE must be seconds from 0 (never expires) to 604800 (a week), not {v:?}")
        })?,
        None => DEFAULT_INVITE_MAX_AGE_SECS,
    };
    let hold_days = match &config.discord_hold_days {
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=3650).contains(d))
            .with_context(|| format!("VOUCH_DISCORD_HOLD_DAYS must be a number of days, not {v:?}"))?,
        None => DEFAULT_HOLD_DAYS,
    };
    let defer_ms = match &config.discord_defer_ms {
        Some(v) => v.trim().parse::<u64>().ok().filter(|ms| *ms <= 2500).with_context(|| {
            format!("VOUCH_DISCORD_DEFER_MS must be milliseconds from 0 to 2500 (Discord waits 3000), not {v:?}")
        })?,
        None => DEFAULT_DEFER_MS,
    };
    Ok(Some(DiscordConfig {
        token: token.expose().to_string(),
        api_url: config.discord_api_url.clone(),
        guild_id: snowflake("VOUCH_DISCORD_GUILD_ID", &config.discord_guild_id)?,
        organizer_role_id: snowflake("VOUCH_DISCORD_ORGANIZER_ROLE_ID", &config.discord_organizer_role_id)?,
        invite_channel_id: snowflake("VOUCH_DISCORD_INVITE_CHANNEL_ID", &config.discord_invite_channel_id)?,
        invite_max_age_secs,
        hold_accounts_younger_than: chrono::Duration::days(hold_days),
        state_dir: config.data_dir(),
        outbox_poll,
        defer_after: Duration::from_millis(defer_ms),
        prefix: match config.discord_prefix.as_deref().map(str::trim) {
            None => Some("!".to_string()),
            Some("off") => None,
            Some(p) if p.chars().count() <= 5 && !p.chars().any(char::is_whitespace) => Some(p.to_string()),
            Some(p) => {
                anyhow::bail!("VOUCH_DISCORD_PREFIX must be up to 5 characters without spaces, or off; not {p:?}")
            }
        },
    }))
}
