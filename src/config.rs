//! Configuration: an optional TOML file, then `VOUCH_*` environment
//! variables (env wins). Secrets are redacted from `Debug`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use vouch_bots::http_server::ServerLimits;

/// A value that must never reach a log.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub data_dir: Option<PathBuf>,
    pub templates_dir: Option<PathBuf>,
    /// Identities made organizers at start: `alice`, `telegram:42`, ...
    pub organizers: Vec<String>,
    pub community: Option<String>,
    pub share_url: Option<String>,
    pub currency: Option<String>,
    pub mail_from: Option<String>,
    pub inbox_address: Option<String>,
    /// `off`, `record` (default) or `require`: sender authentication of inbound mail.
    pub mail_auth: Option<String>,
    /// A file of fixed TXT records; when set, no DNS server is asked (tests, air-gapped hosts).
    pub mail_auth_dns: Option<PathBuf>,
    /// May contain a password.
    pub smtp_url: Option<Secret>,
    pub imap_url: Option<Secret>,
    pub telegram_token: Option<Secret>,
    pub telegram_api_url: Option<String>,
    /// Public HTTPS URL for Telegram to POST updates to (webhook mode).
    pub telegram_webhook_url: Option<String>,
    /// Address the webhook listens on (default 127.0.0.1:8443, behind a
    /// TLS-terminating reverse proxy).
    pub telegram_webhook_listen: Option<String>,
    /// Secret token Telegram sends back with every webhook request.
    pub telegram_webhook_secret: Option<Secret>,
    pub discord_token: Option<Secret>,
    pub discord_api_url: Option<String>,
    pub discord_guild_id: Option<String>,
    /// Discord role whose holders are vouch organizers.
    pub discord_organizer_role_id: Option<String>,
    /// Channel personal invites point at; enables invite attribution.
    pub discord_invite_channel_id: Option<String>,
    /// Personal invite lifetime in seconds (default a week; 0 = forever).
    pub discord_invite_max_age: Option<String>,
    /// Joins by accounts younger than this many days are held for review (default 7).
    pub discord_hold_days: Option<String>,
    /// Messages starting with this run commands (default `!`; `off` for none).
    pub discord_prefix: Option<String>,
    /// Milliseconds before an interaction is acknowledged as "thinking…"
    /// and its answer edited in later (default 2000; Discord allows 3000).
    pub discord_defer_ms: Option<String>,
    /// Where public thanks go (`shoutout on` members only): an identity
    /// such as a Telegram group `telegram:-1001234567`, a Discord channel
    /// `discord:#ID` or `email:news@…`.
    pub shoutout_to: Option<String>,
    /// The community's default language (`VOUCH_LANGUAGE`, default `en`):
    /// for whoever chose none and whose channel says nothing vouch speaks.
    pub language: Option<String>,
    /// Address the HTTP server (signed mail links, unsubscribe, calendar
    /// feeds) listens on, e.g. `127.0.0.1:8080`; unset: no HTTP server.
    pub http_listen: Option<String>,
    /// The externally visible base of that server (`https://vouch.example.org`);
    /// mail carries links only when it is set.
    pub public_url: Option<String>,
    /// Milliseconds a client may take to send a request's headers, also
    /// the longest a kept-alive connection waits for its next request
    /// (default 10000). For every HTTP listener: the web pages and the
    /// Telegram webhook.
    #[serde(deserialize_with = "number_or_text")]
    pub http_header_timeout_ms: Option<String>,
    /// Milliseconds from a request's headers to its answer, else 503 (default 30000).
    #[serde(deserialize_with = "number_or_text")]
    pub http_request_timeout_ms: Option<String>,
    /// Milliseconds a connection may move no byte while no request is
    /// being handled (default 60000).
    #[serde(deserialize_with = "number_or_text")]
    pub http_idle_timeout_ms: Option<String>,
    /// HTTP connections open at once over all listeners (default 512),
    /// lowered to fit under the open-file limit; past it, 503 and close.
    #[serde(deserialize_with = "number_or_text")]
    pub http_max_connections: Option<String>,
    /// The store's page cache in MiB (default 64).
    #[serde(deserialize_with = "number_or_text")]
    pub store_cache_mb: Option<String>,
    /// The largest inbound mail accepted, in bytes (default 10 MiB).
    #[serde(deserialize_with = "number_or_text")]
    pub email_max_bytes: Option<String>,
    /// Mail from an address vouch does not know: `accept` (default) or `ignore`.
    pub email_unknown: Option<String>,
    /// The signing secret of the Stripe endpoint (`whsec_…`): with it,
    /// `POST /webhooks/stripe` takes Stripe's events.
    pub stripe_webhook_secret: Option<Secret>,
    /// API calls per second per key after the burst (default 50).
    #[serde(deserialize_with = "number_or_text")]
    pub api_rate_per_second: Option<String>,
    /// API calls a key may make at once (default 100).
    #[serde(deserialize_with = "number_or_text")]
    pub api_burst: Option<String>,
}

/// A number in the TOML file (`http_max_connections = 100`) or text, as
/// the environment gives it; checked where it is used.
fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Number(u64),
        Text(String),
    }
    Ok(Option::<Value>::deserialize(d)?.map(|v| match v {
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t,
    }))
}

impl Config {
    /// Reads `path` (or `./vouch.toml` if present), then applies the environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let mut config = match path {
            Some(p) => Self::from_file(p)?,
            None if Path::new("vouch.toml").exists() => Self::from_file(Path::new("vouch.toml"))?,
            None => Self::default(),
        };
        config.apply_env(|k| std::env::var(k).ok());
        Ok(config)
    }

    fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("config file {} is not valid", path.display()))
    }

    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let path = |k: &str| get(k).map(PathBuf::from);
        let secret = |k: &str| get(k).map(Secret);
        macro_rules! set {
            ($field:ident, $value:expr) => {
                if let Some(v) = $value {
                    self.$field = Some(v);
                }
            };
        }
        set!(data_dir, path("VOUCH_DATA_DIR"));
        set!(templates_dir, path("VOUCH_TEMPLATES_DIR"));
        set!(community, get("VOUCH_COMMUNITY"));
        set!(share_url, get("VOUCH_SHARE_URL"));
        set!(currency, get("VOUCH_CURRENCY"));
        set!(mail_from, get("VOUCH_MAIL_FROM"));
        set!(inbox_address, get("VOUCH_INBOX_ADDRESS"));
        set!(mail_auth, get("VOUCH_MAIL_AUTH"));
        set!(mail_auth_dns, path("VOUCH_MAIL_AUTH_DNS"));
        set!(smtp_url, secret("VOUCH_SMTP_URL"));
        set!(imap_url, secret("VOUCH_IMAP_URL"));
        set!(telegram_token, secret("VOUCH_TELEGRAM_TOKEN"));
        set!(telegram_api_url, get("VOUCH_TELEGRAM_API_URL"));
        set!(telegram_webhook_url, get("VOUCH_TELEGRAM_WEBHOOK_URL"));
        set!(telegram_webhook_listen, get("VOUCH_TELEGRAM_WEBHOOK_LISTEN"));
        set!(telegram_webhook_secret, secret("VOUCH_TELEGRAM_WEBHOOK_SECRET"));
        set!(stripe_webhook_secret, secret("VOUCH_STRIPE_WEBHOOK_SECRET"));
        set!(api_rate_per_second, get("VOUCH_API_RATE_PER_SECOND"));
        set!(api_burst, get("VOUCH_API_BURST"));
        set!(discord_token, secret("VOUCH_DISCORD_TOKEN"));
        set!(discord_api_url, get("VOUCH_DISCORD_API_URL"));
        set!(discord_guild_id, get("VOUCH_DISCORD_GUILD_ID"));
        set!(discord_organizer_role_id, get("VOUCH_DISCORD_ORGANIZER_ROLE_ID"));
        set!(discord_invite_channel_id, get("VOUCH_DISCORD_INVITE_CHANNEL_ID"));
        set!(discord_invite_max_age, get("VOUCH_DISCORD_INVITE_MAX_AGE"));
        set!(discord_hold_days, get("VOUCH_DISCORD_HOLD_DAYS"));
        set!(discord_prefix, get("VOUCH_DISCORD_PREFIX"));
        set!(discord_defer_ms, get("VOUCH_DISCORD_DEFER_MS"));
        set!(shoutout_to, get("VOUCH_SHOUTOUT_TO"));
        set!(language, get("VOUCH_LANGUAGE"));
        set!(http_listen, get("VOUCH_HTTP_LISTEN"));
        set!(public_url, get("VOUCH_PUBLIC_URL"));
        set!(http_header_timeout_ms, get("VOUCH_HTTP_HEADER_TIMEOUT_MS"));
        set!(http_request_timeout_ms, get("VOUCH_HTTP_REQUEST_TIMEOUT_MS"));
        set!(http_idle_timeout_ms, get("VOUCH_HTTP_IDLE_TIMEOUT_MS"));
        set!(http_max_connections, get("VOUCH_HTTP_MAX_CONNECTIONS"));
        set!(store_cache_mb, get("VOUCH_STORE_CACHE_MB"));
        set!(email_max_bytes, get("VOUCH_EMAIL_MAX_BYTES"));
        set!(email_unknown, get("VOUCH_EMAIL_UNKNOWN"));
        if let Some(list) = get("VOUCH_ORGANIZERS") {
            self.organizers = list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| PathBuf::from("vouch-data"))
    }

    pub fn mail_from(&self) -> String {
        self.mail_from.clone().unwrap_or_else(|| "Vouch <vouch@localhost.localdomain>".into())
    }

    /// The engine's settings; `spoken` are the renderer's languages.
    pub fn settings(&self, spoken: Vec<String>) -> anyhow::Result<vouch_core::Settings> {
        let mut s = vouch_core::Settings::default();
        let default = match &self.language {
            None => vouch_store::Language::english(),
            Some(tag) => vouch_store::Language::parse(tag).map_err(|_| {
                anyhow::anyhow!("VOUCH_LANGUAGE must be a language code like en, ru, ar or ro, not {tag:?}")
            })?,
        };
        let languages = vouch_core::Languages::new(spoken.clone(), &default);
        if languages.negotiate(&default).is_none() {
            bail!("VOUCH_LANGUAGE={default}: vouch speaks {}", spoken.join(", "));
        }
        s.languages = languages;
        if let Some(c) = &self.community {
            s.community = c.clone();
        }
        if let Some(url) = &self.share_url {
            if !url.contains("{code}") {
                bail!("VOUCH_SHARE_URL must contain {{code}}, e.g. https://example.org/join?ref={{code}}");
            }
            // `/r/CODE` redirects there with `vouch_click` added to the query.
            let sample = url.replace("{code}", "ABCD-EFGH");
            if !url::Url::parse(&sample).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
                bail!(
                    "VOUCH_SHARE_URL must be an http:// or https:// address, e.g. https://example.org/join?ref={{code}}"
                );
            }
            s.share_url = Some(url.clone());
        }
        if let Some(c) = &self.currency {
            if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
                bail!("VOUCH_CURRENCY must be a three-letter code like USD");
            }
            s.currency = c.to_ascii_uppercase();
        }
        s.calendar_address = self.inbox_address.clone();
        if let Some(to) = &self.shoutout_to {
            s.shoutout_to = Some(vouch_store::IdentityKey::parse(to.trim()).map_err(|e| {
                anyhow::anyhow!(
                    "VOUCH_SHOUTOUT_TO must be where to post, like telegram:-1001234567, discord:#CHANNEL_ID or email:team@acme.example: {e}"
                )
            })?);
        }
        if let Some(url) = &self.public_url {
            s.public_url = Some(vouch_core::PublicUrl::parse(url).context("VOUCH_PUBLIC_URL")?);
        }
        Ok(s)
    }

    /// The Stripe endpoint's signing secret, checked at start: Stripe's
    /// are `whsec_` and base62 characters.
    pub fn stripe_webhook_secret(&self) -> anyhow::Result<Option<Secret>> {
        let Some(secret) = &self.stripe_webhook_secret else { return Ok(None) };
        let text = secret.expose().trim();
        let body = text.strip_prefix("whsec_").unwrap_or_default();
        if body.len() < 16 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
            bail!(
                "VOUCH_STRIPE_WEBHOOK_SECRET is not a Stripe signing secret: copy the `whsec_…` value of the \
                 endpoint from the Stripe dashboard (Developers → Webhooks)"
            );
        }
        Ok(Some(Secret(text.to_string())))
    }

    /// The HTTP API's rate per key: (per second, burst).
    pub fn api_rate(&self) -> anyhow::Result<(std::num::NonZeroU32, std::num::NonZeroU32)> {
        let read = |value: &Option<String>, name: &str, default: u32| -> anyhow::Result<std::num::NonZeroU32> {
            match value.as_deref().map(str::trim) {
                None | Some("") => Ok(std::num::NonZeroU32::new(default).unwrap_or(std::num::NonZeroU32::MIN)),
                Some(v) => v
                    .parse::<std::num::NonZeroU32>()
                    .with_context(|| format!("{name} {v:?} is not a positive whole number")),
            }
        };
        Ok((
            read(&self.api_rate_per_second, "VOUCH_API_RATE_PER_SECOND", 50)?,
            read(&self.api_burst, "VOUCH_API_BURST", 100)?,
        ))
    }

    /// Where `serve` listens for HTTP, if anywhere.
    pub fn http_listen(&self) -> anyhow::Result<Option<std::net::SocketAddr>> {
        self.http_listen
            .as_deref()
            .map(|addr| {
                addr.trim().parse().with_context(|| {
                    format!("VOUCH_HTTP_LISTEN {addr:?} is not an address and port like 127.0.0.1:8080")
                })
            })
            .transpose()
    }

    /// Timeouts and the connection limit shared by every HTTP listener.
    pub fn http_limits(&self) -> anyhow::Result<ServerLimits> {
        fn positive(value: Option<&str>, name: &str, what: &str) -> anyhow::Result<Option<u64>> {
            value
                .map(|v| match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => bail!("{name} must be {what} above 0, not {v:?}"),
                })
                .transpose()
        }
        let ms = |value: &Option<String>, name: &str, default: Duration| -> anyhow::Result<Duration> {
            Ok(positive(value.as_deref(), name, "a number of milliseconds")?.map_or(default, Duration::from_millis))
        };
        let max = positive(self.http_max_connections.as_deref(), "VOUCH_HTTP_MAX_CONNECTIONS", "a number")?
            .map_or(Ok(ServerLimits::DEFAULT_MAX_CONNECTIONS), usize::try_from)
            .context("VOUCH_HTTP_MAX_CONNECTIONS is too large")?;
        Ok(ServerLimits::new(
            ms(&self.http_header_timeout_ms, "VOUCH_HTTP_HEADER_TIMEOUT_MS", ServerLimits::DEFAULT_HEADER_TIMEOUT)?,
            ms(&self.http_request_timeout_ms, "VOUCH_HTTP_REQUEST_TIMEOUT_MS", ServerLimits::DEFAULT_REQUEST_TIMEOUT)?,
            ms(&self.http_idle_timeout_ms, "VOUCH_HTTP_IDLE_TIMEOUT_MS", ServerLimits::DEFAULT_IDLE_TIMEOUT)?,
            max,
        ))
    }

    /// How the store is opened: its page cache (`VOUCH_STORE_CACHE_MB`, 8 or more).
    pub fn store_options(&self) -> anyhow::Result<vouch_store::StoreOptions> {
        let Some(value) = self.store_cache_mb.as_deref() else { return Ok(Default::default()) };
        match value.trim().parse::<u64>() {
            Ok(mb) if (8..=1024 * 1024).contains(&mb) => {
                Ok(vouch_store::StoreOptions { cache_bytes: mb * 1024 * 1024 })
            }
            _ => bail!("VOUCH_STORE_CACHE_MB must be a number of MiB from 8, not {value:?}"),
        }
    }

    /// Mail intake: the inbox address (`VOUCH_INBOX_ADDRESS`, else the From
    /// address of outgoing mail), the size limit, sender authentication
    /// (`VOUCH_MAIL_AUTH`, `VOUCH_MAIL_AUTH_DNS`) with the SMTP `envelope` an
    /// MTA passed, and what to do with strangers (`VOUCH_EMAIL_UNKNOWN`).
    pub fn intake(&self, envelope: vouch_mailer::auth::Envelope) -> anyhow::Result<vouch_mailer::intake::Intake> {
        use vouch_mailer::inbound::{self, InboundConfig, Limits};
        let inbox = match &self.inbox_address {
            Some(a) => {
                Some(vouch_store::EmailAddress::parse(a).map_err(|e| anyhow::anyhow!("VOUCH_INBOX_ADDRESS: {e}"))?)
            }
            None => {
                inbound::parse_person(&self.mail_from()).and_then(|p| vouch_store::EmailAddress::parse(&p.email).ok())
            }
        };
        let mut limits = Limits::default();
        if let Some(max) = &self.email_max_bytes {
            limits.max_bytes = match max.trim().parse() {
                Ok(n) if n > 0 => n,
                _ => bail!("VOUCH_EMAIL_MAX_BYTES must be a number of bytes above 0, not {max:?}"),
            };
        }
        let ignore_unknown = match self.email_unknown.as_deref().map(str::trim) {
            None | Some("accept") => false,
            Some("ignore") => true,
            Some(other) => bail!("VOUCH_EMAIL_UNKNOWN={other}: use accept or ignore"),
        };
        let policy: vouch_mailer::auth::Policy = match &self.mail_auth {
            Some(p) => p.parse().map_err(|e: String| anyhow::anyhow!(e))?,
            None => Default::default(),
        };
        let zone = match &self.mail_auth_dns {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("VOUCH_MAIL_AUTH_DNS: cannot read {}", path.display()))?,
            ),
            None => None,
        };
        let auth = vouch_mailer::intake::AuthCheck::new(policy, zone.as_deref(), envelope).map_err(|e| {
            anyhow::anyhow!(
                "VOUCH_MAIL_AUTH_DNS {}: {e}",
                self.mail_auth_dns.as_deref().unwrap_or(Path::new("")).display()
            )
        })?;
        Ok(vouch_mailer::intake::Intake { inbound: InboundConfig { inbox, limits }, auth, ignore_unknown })
    }

    pub fn organizer_identities(&self) -> anyhow::Result<Vec<vouch_store::IdentityKey>> {
        self.organizers
            .iter()
            .map(|o| vouch_store::IdentityKey::parse(o).with_context(|| format!("VOUCH_ORGANIZERS: {o:?}")))
            .collect()
    }

    /// Names of the frontends that have what they need to run.
    pub fn frontends(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.telegram_token.is_some() {
            out.push("telegram");
        }
        if self.discord_token.is_some() {
            out.push("discord");
        }
        if self.imap_url.is_some() {
            out.push("email (IMAP)");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_wins_over_file_and_secrets_are_redacted() {
        let mut c: Config = toml::from_str(
            "data_dir = \"/from/file\"\ntelegram_token = \"123:abc\"\norganizers = [\"alice\"]\n\
                 smtp_url = \"smtps://u:smtp-pw@mail.example:465\"\nimap_url = \"imaps://u:imap-pw@mail.example\"\n\
                 discord_token = \"discord-tok\"",
        )
        .expect("toml");
        c.apply_env(|k| match k {
            "VOUCH_DATA_DIR" => Some("/from/env".into()),
            "VOUCH_ORGANIZERS" => Some("bob, telegram:42".into()),
            _ => None,
        });
        assert_eq!(c.data_dir(), PathBuf::from("/from/env"));
        assert_eq!(c.organizers, vec!["bob", "telegram:42"]);
        let debug = format!("{c:?}");
        for secret in ["123:abc", "smtp-pw", "imap-pw", "discord-tok"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("Secret(***)"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        assert!(toml::from_str::<Config>("dataa_dir = 1").is_err());
        let c = Config { share_url: Some("https://x.example/join".into()), ..Config::default() };
        assert!(c.settings(vec!["en".into()]).is_err());
        let c = Config { share_url: Some("x.example/join?ref={code}".into()), ..Config::default() };
        assert!(c.settings(vec!["en".into()]).is_err(), "not an http(s) address");
        let c = Config { public_url: Some("vouch.example.org".into()), ..Config::default() };
        assert!(c.settings(vec!["en".into()]).is_err());
        let c = Config { http_listen: Some("localhost".into()), ..Config::default() };
        assert!(c.http_listen().is_err());
        let envelope = vouch_mailer::auth::Envelope::default;
        for (unknown, max) in [(Some("bogus"), None), (None, Some("0")), (None, Some("big"))] {
            let c = Config {
                email_unknown: unknown.map(Into::into),
                email_max_bytes: max.map(Into::into),
                ..Config::default()
            };
            let e = c.intake(envelope()).expect_err("refused").to_string();
            assert!(e.contains("VOUCH_EMAIL_"), "{e}");
        }
        let c =
            Config { email_unknown: Some("ignore".into()), email_max_bytes: Some("2048".into()), ..Config::default() };
        let intake = c.intake(envelope()).expect("valid");
        assert!(intake.ignore_unknown);
        assert_eq!(intake.inbound.limits.max_bytes, 2048);
    }

    #[test]
    fn http_settings_come_from_the_environment() {
        let mut c = Config::default();
        c.apply_env(|k| match k {
            "VOUCH_HTTP_LISTEN" => Some("127.0.0.1:8080".into()),
            "VOUCH_PUBLIC_URL" => Some("https://vouch.example.org/".into()),
            _ => None,
        });
        assert_eq!(c.http_listen().expect("valid"), Some(([127, 0, 0, 1], 8080).into()));
        let url = c.settings(vec!["en".into()]).expect("valid").public_url.expect("set");
        assert_eq!(url.as_str(), "https://vouch.example.org");
    }

    #[test]
    fn the_store_cache_has_a_default_and_refuses_nonsense() {
        assert_eq!(Config::default().store_options().expect("default").cache_bytes, 64 << 20);
        let config = Config { store_cache_mb: Some("256".into()), ..Config::default() };
        assert_eq!(config.store_options().expect("256").cache_bytes, 256 << 20);
        for bad in ["0", "4", "lots", "-1"] {
            let config = Config { store_cache_mb: Some(bad.into()), ..Config::default() };
            let err = config.store_options().expect_err(bad).to_string();
            assert!(err.contains("VOUCH_STORE_CACHE_MB"), "{err}");
        }
    }

    #[test]
    fn http_limits_have_defaults_and_refuse_nonsense() {
        let limits = Config::default().http_limits().expect("defaults");
        assert_eq!(limits.header_timeout, Duration::from_secs(10));
        assert_eq!(limits.request_timeout, Duration::from_secs(30));
        assert_eq!(limits.idle_timeout, Duration::from_secs(60));
        assert!((1..=512).contains(&limits.max_connections()));
        let mut c = Config::default();
        c.apply_env(|k| match k {
            "VOUCH_HTTP_HEADER_TIMEOUT_MS" => Some("1500".into()),
            "VOUCH_HTTP_MAX_CONNECTIONS" => Some("7".into()),
            _ => None,
        });
        let limits = c.http_limits().expect("valid");
        assert_eq!(limits.header_timeout, Duration::from_millis(1500));
        assert_eq!(limits.max_connections(), 7);
        let c: Config =
            toml::from_str("http_idle_timeout_ms = 2500\nhttp_max_connections = \"9\"").expect("numbers or text");
        let limits = c.http_limits().expect("valid");
        assert_eq!((limits.idle_timeout, limits.max_connections()), (Duration::from_millis(2500), 9));
        for (name, value) in [
            ("VOUCH_HTTP_HEADER_TIMEOUT_MS", "0"),
            ("VOUCH_HTTP_REQUEST_TIMEOUT_MS", "soon"),
            ("VOUCH_HTTP_IDLE_TIMEOUT_MS", "-1"),
            ("VOUCH_HTTP_MAX_CONNECTIONS", "0"),
        ] {
            let mut c = Config::default();
            c.apply_env(|k| (k == name).then(|| value.to_string()));
            let e = c.http_limits().expect_err(name).to_string();
            assert!(e.contains(name), "{e}");
        }
    }
}
