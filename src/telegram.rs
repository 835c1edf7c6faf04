//! The Telegram frontend's settings, checked once at start.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use vouch_bots::http_server::ServerLimits;
use vouch_bots::telegram::{TelegramConfig, WebhookConfig, valid_secret};

use crate::config::Config;

/// Where the webhook listens unless configured: loopback, for a
/// TLS-terminating reverse proxy in front (8443 is one of the ports Telegram
/// delivers to). Listening on every interface is a choice to write down.
const DEFAULT_WEBHOOK_LISTEN: &str = "127.0.0.1:8443";

/// The shortest webhook secret accepted. Telegram allows one character; the
/// secret is all that tells an update from a forgery, so it must not be
/// guessable: 32 characters of its alphabet are ~190 bits.
const MIN_WEBHOOK_SECRET: usize = 32;

/// `None` when no Telegram token is configured.
pub fn config(
    config: &Config,
    outbox_every: Duration,
    limits: &ServerLimits,
) -> anyhow::Result<Option<TelegramConfig>> {
    let Some(token) = &config.telegram_token else { return Ok(None) };
    Ok(Some(TelegramConfig {
        token: token.expose().to_string(),
        api_url: config.telegram_api_url.clone(),
        outbox_every,
        webhook: webhook(config, limits)?,
    }))
}

fn webhook(config: &Config, limits: &ServerLimits) -> anyhow::Result<Option<WebhookConfig>> {
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
        bail!(
            "VOUCH_TELEGRAM_WEBHOOK_SECRET is required with a webhook: {MIN_WEBHOOK_SECRET}-256 characters of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`)"
        );
    };
    if !valid_secret(secret.expose()) {
        bail!(
            "VOUCH_TELEGRAM_WEBHOOK_SECRET must be {MIN_WEBHOOK_SECRET}-256 characters of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`)"
        );
    }
    let length = secret.expose().len();
    if length < MIN_WEBHOOK_SECRET {
        bail!(
            "VOUCH_TELEGRAM_WEBHOOK_SECRET is too short ({length} characters): use at least {MIN_WEBHOOK_SECRET} of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`); it is all that tells Telegram's requests from forged ones"
        );
    }
    let listen = config.telegram_webhook_listen.as_deref().unwrap_or(DEFAULT_WEBHOOK_LISTEN).trim();
    let listen: SocketAddr = listen.parse().with_context(|| {
        format!("VOUCH_TELEGRAM_WEBHOOK_LISTEN must be an address like 127.0.0.1:8443, not {listen:?}")
    })?;
    Ok(Some(WebhookConfig {
        url: url.to_string(),
        listen,
        secret: secret.expose().to_string(),
        limits: limits.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s_3-0123456789abcdef0123456789ab";

    fn with(vars: &[(&str, &str)]) -> anyhow::Result<Option<WebhookConfig>> {
        let mut c = Config::default();
        c.apply_env(|k| vars.iter().find(|(name, _)| *name == k).map(|(_, v)| v.to_string()));
        webhook(&c, &ServerLimits::default())
    }

    #[test]
    fn webhook_settings_are_checked() {
        assert!(with(&[]).expect("polling").is_none());
        let ok = with(&[
            ("VOUCH_TELEGRAM_WEBHOOK_URL", "https://bot.example/tg"),
            ("VOUCH_TELEGRAM_WEBHOOK_SECRET", SECRET),
        ])
        .expect("valid")
        .expect("webhook");
        assert_eq!(ok.listen, "127.0.0.1:8443".parse::<SocketAddr>().expect("addr"), "loopback unless configured");
        assert!(with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "https://bot.example/tg")]).is_err(), "no secret");
        assert!(
            with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "http://bot.example"), ("VOUCH_TELEGRAM_WEBHOOK_SECRET", SECRET)])
                .is_err()
        );
        let spaced = format!("a b{SECRET}");
        assert!(
            with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "https://b.example"), ("VOUCH_TELEGRAM_WEBHOOK_SECRET", &spaced)])
                .is_err()
        );
        assert!(with(&[("VOUCH_TELEGRAM_WEBHOOK_SECRET", SECRET)]).is_err(), "secret without URL");
        let bad_listen = [
            ("VOUCH_TELEGRAM_WEBHOOK_URL", "https://b.example"),
            ("VOUCH_TELEGRAM_WEBHOOK_SECRET", SECRET),
            ("VOUCH_TELEGRAM_WEBHOOK_LISTEN", "localhost"),
        ];
        assert!(with(&bad_listen).is_err());
    }

    #[test]
    fn a_short_webhook_secret_is_refused_by_name() {
        let short = &SECRET[..MIN_WEBHOOK_SECRET - 1];
        let e = with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "https://b.example"), ("VOUCH_TELEGRAM_WEBHOOK_SECRET", short)])
            .expect_err("31 characters")
            .to_string();
        assert!(e.contains("VOUCH_TELEGRAM_WEBHOOK_SECRET is too short (31 characters)"), "{e}");
        assert!(!e.contains(short), "the secret is not echoed: {e}");
        let exact = &SECRET[..MIN_WEBHOOK_SECRET];
        assert!(
            with(&[("VOUCH_TELEGRAM_WEBHOOK_URL", "https://b.example"), ("VOUCH_TELEGRAM_WEBHOOK_SECRET", exact)])
                .is_ok()
        );
    }
}
