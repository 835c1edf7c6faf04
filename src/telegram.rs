//! The Telegram frontend's settings, checked once at start.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use vouch_bots::telegram::{TelegramConfig, WebhookConfig, valid_secret};

use crate::config::Config;

/// Where the webhook listens unless configured (8443 is one of the ports
/// Telegram delivers to, for setups without a reverse proxy).
const DEFAULT_WEBHOOK_LISTEN: &str = "0.0.0.0:8443";

/// `None` when no Telegram token is configured.
pub fn config(config: &Config, outbox_every: Duration) -> anyhow::Result<Option<TelegramConfig>> {
    let Some(token) = &config.telegram_token else { return Ok(None) };
    Ok(Some(TelegramConfig {
        token: token.expose().to_string(),
        api_url: config.telegram_api_url.clone(),
        outbox_every,
        webhook: webhook(config)?,
    }))
}

fn webhook(config: &Config) -> anyhow::Result<Option<WebhookConfig>> {
    let Some(url) = &config.telegram_webhook_url else {
        if config.telegram_webhook_listen.is_some() || config.telegram_webhook_secret.is_some() {
            bail!("VOUCH_TELEGRAM_WEBHOOK_LISTEN and _SECRET need VOUCH_TELEGRAM_WEBHOOK_URL (the public https URL)");
        }
        return Ok(None);
    };
    let url = url.trim();
    if !url.starts_with("https://") {
        bail!("VOUCH_TELEGRAM_WEBHOOK_URL must be an https:// URL (Telegram only delivers over TLS), not {url:?}");
    }
    let Some(secret) = &config.telegram_webhook_secret else {
        bail!("VOUCH_TELEGRAM_WEBHOOK_SECRET is required with a webhook: 1-256 characters of A-Z, a-z, 0-9, _ and -");
    };
    if !valid_secret(secret.expose()) {
        bail!("VOUCH_TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -");
    }
    let listen = config.telegram_webhook_listen.as_deref().unwrap_or(DEFAULT_WEBHOOK_LISTEN).trim();
    let listen: SocketAddr = listen.parse().with_context(|| {
        format!("VOUCH_TELEGRAM_WEBHOOK_LISTEN must be an address like 127.0.0.1:8443, not {listen:?}")
    })?;
    Ok(Some(WebhookConfig { url: url.to_string(), listen, secret: secret.expose().to_string() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> anyhow::Result<Option<WebhookConfig>> {
        let mut c = Config::default();
        c.apply_env(|k| vars.iter().find(|(name, _)| *name == k).map(|(_, v)| v.to_string()));
        webhook(&c)
    }

    #[test]
    fn webhook_settings_are_checked() {
        assert!(with(&[]).expect("polling").is_none());
        let ok =
            with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "https://bot.example/tg"), ("VOUCH_TELEGRAM_WEBHOOK_SECRET", "s_3")])
                .expect("valid")
                .expect("webhook");
        assert_eq!(ok.listen, DEFAULT_WEBHOOK_LISTEN.parse::<SocketAddr>().expect("addr"));
        assert!(with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "https://bot.example/tg")]).is_err(), "no secret");
        assert!(
            with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "http://bot.example"), ("VOUCH_TELEGRAM_WEBHOOK_SECRET", "s")])
                .is_err()
        );
        assert!(
            with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "https://b.example"), ("VOUCH_TELEGRAM_WEBHOOK_SECRET", "a b")])
                .is_err()
        );
        assert!(with(&[("VOUCH_TELEGRAM_WEBHOOK_SECRET", "s")]).is_err(), "secret without URL");
        let bad_listen = [
            ("VOUCH_TELEGRAM_WEBHOOK_URL", "https://b.example"),
            ("VOUCH_TELEGRAM_WEBHOOK_SECRET", "s"),
            ("VOUCH_TELEGRAM_WEBHOOK_LISTEN", "localhost"),
        ];
        assert!(with(&bad_listen).is_err());
    }
}
