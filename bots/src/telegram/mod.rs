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
mod webhook;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use teloxide::payloads::{SetMyCommandsSetters, SetWebhookSetters};
use teloxide::prelude::Requester;
use teloxide::types::{AllowedUpdate, BotCommand};
use teloxide::{ApiError, Bot, RequestError};
use tokio::sync::watch;
use vouch_core::delivery::{RetryPolicy, Worker};
use vouch_core::{CATALOG, Engine, Renderer};
use vouch_store::Role;

pub use webhook::valid_secret;

/// What the frontend needs from the configuration.
#[derive(Clone)]
pub struct TelegramConfig {
    /// The bot token from @BotFather. Never logged.
    pub token: String,
    /// Bot API base URL (default: Telegram's); tests point it at a fake.
    pub api_url: Option<String>,
    /// How often due outbox rows are looked for.
    pub outbox_every: Duration,
    /// Receive updates by webhook instead of long polling.
    pub webhook: Option<WebhookConfig>,
}

/// Webhook mode: Telegram POSTs updates to `url`, which reaches `listen`
/// (usually through a TLS-terminating reverse proxy).
#[derive(Clone)]
pub struct WebhookConfig {
    /// The public HTTPS URL given to `setWebhook`.
    pub url: String,
    /// Where vouch listens for those POSTs.
    pub listen: SocketAddr,
    /// Sent back by Telegram in `X-Telegram-Bot-Api-Secret-Token`. Never logged.
    pub secret: String,
    /// Timeouts and the connection slots, shared with the other listeners.
    pub limits: crate::http_server::ServerLimits,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &self.url)
            .field("listen", &self.listen)
            .field("secret", &"***")
            .field("limits", &self.limits)
            .finish()
    }
}

impl std::fmt::Debug for TelegramConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramConfig")
            .field("token", &"***")
            .field("api_url", &self.api_url)
            .field("outbox_every", &self.outbox_every)
            .field("webhook", &self.webhook)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    #[error("VOUCH_TELEGRAM_API_URL is not a valid URL: {0}")]
    ApiUrl(String),
    #[error("Telegram refused the bot token ({0}); check VOUCH_TELEGRAM_TOKEN")]
    TokenRefused(String),
    #[error("cannot listen for the webhook on {0}: {1}")]
    Listen(SocketAddr, String),
    #[error("VOUCH_TELEGRAM_WEBHOOK_URL is not a valid URL: {0}")]
    WebhookUrl(String),
}

/// Shared by the poller, the update tasks and the outbox worker.
pub(crate) struct Ctx {
    bot: Bot,
    engine: Arc<Engine>,
    renderer: Arc<Renderer>,
    /// The bot's @username, for deep links and `/cmd@bot` in groups.
    username: String,
    bot_id: u64,
    /// Failed attempts per update id, for updates not yet committed.
    failures: std::sync::Mutex<std::collections::HashMap<u32, u32>>,
}

/// Errors printed with the token blanked out, whatever the library put in them.
pub(crate) fn log(ctx: &Ctx, message: &str) {
    eprintln!("vouch: telegram: {}", redact(message, ctx.bot.token()));
}

fn redact(message: &str, token: &str) -> String {
    if token.is_empty() { message.to_string() } else { message.replace(token, "***") }
}

pub(crate) use vouch_core::tasks::wait_or_stop;

/// Runs the bot until `stop` is raised: start-up calls, long polling (or
/// the webhook server) and the outbox worker. Returns early only if the
/// token is refused or the webhook cannot listen.
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
    // Listen before telling Telegram where to send: no update is refused
    // for want of a listener.
    let listener = match &config.webhook {
        Some(hook) => {
            let (listener, local) =
                webhook::bind(hook.listen).await.map_err(|e| TelegramError::Listen(hook.listen, e.to_string()))?;
            Some((listener, local, hook.clone()))
        }
        None => None,
    };
    let hook = listener.as_ref().map(|(_, _, hook)| hook);
    let menus = menus(&renderer);
    let Some((username, bot_id)) = start(&bot, hook, &menus, &mut stop).await? else { return Ok(()) };
    let ctx = Arc::new(Ctx { bot, engine, renderer, username, bot_id, failures: Default::default() });
    let worker = Worker::new(Arc::clone(&ctx.engine), outbox::Telegram(Arc::clone(&ctx)), RetryPolicy::CHAT);
    let outbox = tokio::spawn(worker.run(config.outbox_every, stop.clone()));
    match listener {
        Some((listener, local, hook)) => {
            eprintln!("vouch: telegram: @{} receives updates by webhook on {local}", ctx.username);
            webhook::serve(Arc::clone(&ctx), listener, hook.secret, hook.limits, stop).await;
        }
        None => {
            eprintln!("vouch: telegram: @{} is polling for updates", ctx.username);
            poll::run(Arc::clone(&ctx), stop).await;
        }
    }
    if let Err(e) = outbox.await {
        log(&ctx, &format!("outbox task: {e}"));
    }
    Ok(())
}

/// Updates vouch handles; everything else Telegram need not send.
const ALLOWED_UPDATES: [AllowedUpdate; 2] = [AllowedUpdate::Message, AllowedUpdate::CallbackQuery];

/// `getMe` (who are we), then `setWebhook` with the secret, or
/// `deleteWebhook` for polling (the two exclude each other), then
/// `setMyCommands` per menu language. Network trouble is retried until it
/// passes or `stop`; `None` means stopped.
async fn start(
    bot: &Bot,
    hook: Option<&WebhookConfig>,
    menus: &[Menu],
    stop: &mut watch::Receiver<bool>,
) -> Result<Option<(String, u64)>, TelegramError> {
    let webhook_url = match hook {
        Some(hook) => Some(hook.url.parse().map_err(|e| TelegramError::WebhookUrl(format!("{e}")))?),
        None => None,
    };
    let mut failures = 0;
    loop {
        let attempt = async {
            let me = bot.get_me().await?;
            match (&webhook_url, hook) {
                (Some(url), Some(hook)) => {
                    bot.set_webhook(Clone::clone(url))
                        .secret_token(hook.secret.clone())
                        .allowed_updates(ALLOWED_UPDATES)
                        .await?;
                }
                _ => {
                    bot.delete_webhook().await?;
                }
            }
            for menu in menus {
                let mut request = bot.set_my_commands(menu.commands.clone());
                if let Some(language) = &menu.language {
                    request = request.language_code(language.clone());
                }
                request.await?;
            }
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

/// One command menu: the default (`language: None`) or one language's.
#[derive(Debug)]
struct Menu {
    language: Option<String>,
    commands: Vec<BotCommand>,
}

/// The command menus everyone sees: the default one (English), plus one per
/// language vouch speaks, which Telegram shows to users whose app has that
/// `language_code`. Command names stay English words (they are what people
/// type); the descriptions are `command-NAME` in the language's messages.
/// Organizer commands stay typed-only: a menu scoped per admin would need
/// each organizer's chat, and the engine refuses them for members anyway.
fn menus(renderer: &Renderer) -> Vec<Menu> {
    let member_commands = || CATALOG.iter().filter(|c| c.role == Role::Member);
    let describe = |lang: &str, name: &str, summary: &str| {
        let text = renderer.text(lang, &format!("command.{name}")).unwrap_or_else(|| summary.to_string());
        let text: String = text.chars().take(256).collect();
        if text.trim().is_empty() { name.to_string() } else { text }
    };
    let mut menus = vec![Menu {
        language: None,
        commands: member_commands().map(|c| BotCommand::new(c.name, describe("en", c.name, c.summary))).collect(),
    }];
    for lang in renderer.languages() {
        // Telegram takes two-letter ISO 639-1 codes.
        if lang == "en" || lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
            continue;
        }
        let commands: Vec<BotCommand> =
            member_commands().map(|c| BotCommand::new(c.name, describe(&lang, c.name, c.summary))).collect();
        // A language that translates no command would only repeat the default menu.
        if commands.iter().zip(&menus[0].commands).all(|(own, en)| own.description == en.description) {
            continue;
        }
        menus.push(Menu { language: Some(lang), commands });
    }
    menus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_comes_from_the_catalog_and_fits_telegram() {
        let renderer = Renderer::builtin().expect("templates");
        let menus = menus(&renderer);
        let languages: Vec<_> = menus.iter().map(|m| m.language.as_deref()).collect();
        let spoken = renderer.languages();
        assert_eq!(languages.len(), spoken.len(), "the default menu plus one per language but English: {menus:?}");
        assert!(languages.contains(&Some("ru")), "{languages:?}");
        let ru = menus.iter().find(|m| m.language.as_deref() == Some("ru")).expect("ru menu");
        let code = ru.commands.iter().find(|c| c.command == "code").expect("code in the ru menu");
        assert!(code.description.contains("реферальн"), "translated description: {code:?}");
        let menu = &menus[0].commands;
        assert!(menu.iter().any(|c| c.command == "code"));
        assert!(!menu.iter().any(|c| c.command == "convert"), "organizer commands are not in everyone's menu");
        for c in menu {
            assert!((1..=32).contains(&c.command.len()) && c.description.len() <= 256, "{c:?}");
        }
    }

    #[test]
    fn tokens_are_redacted_and_not_debug_printed() {
        assert_eq!(redact("POST /bot123:SECRET/GetMe failed", "123:SECRET"), "POST /bot***/GetMe failed");
        let webhook = WebhookConfig {
            url: "https://bot.example/tg".into(),
            listen: "127.0.0.1:8443".parse().expect("addr"),
            secret: "HOOKSECRET".into(),
            limits: crate::http_server::ServerLimits::default(),
        };
        let config = TelegramConfig {
            token: "123:SECRET".into(),
            api_url: None,
            outbox_every: Duration::from_secs(1),
            webhook: Some(webhook),
        };
        let debug = format!("{config:?}");
        assert!(!debug.contains("SECRET") && debug.contains("bot.example"), "{debug}");
    }
}
