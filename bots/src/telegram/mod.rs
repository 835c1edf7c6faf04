//! The Telegram frontend: long polling through teloxide's Bot API client,
//! each update turned into an engine call, replies rendered as Telegram HTML,
//! and the outbox's `telegram:` rows delivered as DMs.

mod buttons;
mod handle;
mod input;
mod outbox;
mod poll;
mod send;
pub mod split;

use std::sync::Arc;
use std::time::Duration;

use teloxide::prelude::Requester;
use teloxide::types::BotCommand;
use teloxide::{ApiError, Bot, RequestError};
use tokio::sync::watch;
use vouch_core::{CATALOG, Engine, Renderer};
use vouch_store::Role;

pub use send::SendError;

/// What the frontend needs from the configuration.
#[derive(Clone)]
pub struct TelegramConfig {
    /// The bot token from @BotFather. Never logged.
    pub token: String,
    /// Bot API base URL (default: Telegram's); tests point it at a fake.
    pub api_url: Option<String>,
    /// How often due outbox rows are looked for.
    pub outbox_every: Duration,
}

impl std::fmt::Debug for TelegramConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramConfig")
            .field("token", &"***")
            .field("api_url", &self.api_url)
            .field("outbox_every", &self.outbox_every)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    #[error("VOUCH_TELEGRAM_API_URL is not a valid URL: {0}")]
    ApiUrl(String),
    #[error("Telegram refused the bot token ({0}); check VOUCH_TELEGRAM_TOKEN")]
    TokenRefused(String),
}

/// Shared by the poller, the update tasks and the outbox worker.
pub(crate) struct Ctx {
    bot: Bot,
    engine: Arc<Engine>,
    renderer: Arc<Renderer>,
    /// The bot's @username, for deep links and `/cmd@bot` in groups.
    username: String,
    bot_id: u64,
}

/// Errors printed with the token blanked out, whatever the library put in them.
pub(crate) fn log(ctx: &Ctx, message: &str) {
    eprintln!("vouch: telegram: {}", redact(message, ctx.bot.token()));
}

fn redact(message: &str, token: &str) -> String {
    if token.is_empty() { message.to_string() } else { message.replace(token, "***") }
}

/// Waits `wait`, or less if `stop` is raised; false means stop.
pub(crate) async fn wait_or_stop(stop: &mut watch::Receiver<bool>, wait: Duration) -> bool {
    if *stop.borrow() {
        return false;
    }
    tokio::select! {
        _ = tokio::time::sleep(wait) => !*stop.borrow(),
        _ = stop.changed() => false,
    }
}

/// Runs the bot until `stop` is raised: start-up calls, long polling and
/// the outbox worker. Returns early only if the token is refused.
pub async fn run(
    engine: Arc<Engine>,
    renderer: Arc<Renderer>,
    config: TelegramConfig,
    mut stop: watch::Receiver<bool>,
) -> Result<(), TelegramError> {
    let mut bot = Bot::new(config.token.clone());
    if let Some(url) = &config.api_url {
        let url = url.trim_end_matches('/');
        bot = bot.set_api_url(url.parse().map_err(|e| TelegramError::ApiUrl(format!("{e}")))?);
    }
    let Some((username, bot_id)) = start(&bot, &mut stop).await? else { return Ok(()) };
    eprintln!("vouch: telegram: @{username} is polling for updates");
    let ctx = Arc::new(Ctx { bot, engine, renderer, username, bot_id });
    let outbox = tokio::spawn(outbox::run(Arc::clone(&ctx), config.outbox_every, stop.clone()));
    poll::run(Arc::clone(&ctx), stop).await;
    if let Err(e) = outbox.await {
        log(&ctx, &format!("outbox task: {e}"));
    }
    Ok(())
}

/// `getMe` (who are we), `deleteWebhook` (polling and a webhook exclude
/// each other), `setMyCommands` (the menu, from the catalog). Network
/// trouble is retried until it passes or `stop`; `None` means stopped.
async fn start(bot: &Bot, stop: &mut watch::Receiver<bool>) -> Result<Option<(String, u64)>, TelegramError> {
    let mut failures = 0;
    loop {
        let attempt = async {
            let me = bot.get_me().await?;
            bot.delete_webhook().await?;
            bot.set_my_commands(menu()).await?;
            Ok::<_, RequestError>((me.username().to_string(), me.id.0))
        };
        let error = match attempt.await {
            Ok(me) => return Ok(Some(me)),
            Err(RequestError::Api(e @ ApiError::InvalidToken)) => {
                return Err(TelegramError::TokenRefused(e.to_string()));
            }
            Err(e) => e,
        };
        eprintln!("vouch: telegram: starting: {}", redact(&error.to_string(), bot.token()));
        let wait = match error {
            RequestError::RetryAfter(seconds) => seconds.duration(),
            _ => send::backoff(failures),
        };
        failures += 1;
        if !wait_or_stop(stop, wait).await {
            return Ok(None);
        }
    }
}

/// The command menu everyone sees. Organizer commands stay typed-only: a
/// menu scoped per admin would need each organizer's chat, and the engine
/// refuses them for members anyway.
fn menu() -> Vec<BotCommand> {
    CATALOG.iter().filter(|c| c.role == Role::Member).map(|c| BotCommand::new(c.name, c.summary)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_comes_from_the_catalog_and_fits_telegram() {
        let menu = menu();
        assert!(menu.iter().any(|c| c.command == "code"));
        assert!(!menu.iter().any(|c| c.command == "convert"), "organizer commands are not in everyone's menu");
        for c in &menu {
            assert!((1..=32).contains(&c.command.len()) && c.description.len() <= 256, "{c:?}");
        }
    }

    #[test]
    fn tokens_are_redacted_and_not_debug_printed() {
        assert_eq!(redact("POST /bot123:SECRET/GetMe failed", "123:SECRET"), "POST /bot***/GetMe failed");
        let config = TelegramConfig { token: "123:SECRET".into(), api_url: None, outbox_every: Duration::from_secs(1) };
        assert!(!format!("{config:?}").contains("SECRET"));
    }
}
