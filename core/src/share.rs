//! Share links (`/r/CODE`): which visits count as clicks, and the hashed
//! visitor a click is stored under. Pure functions; the HTTP adapter brings
//! the request's facts, the engine ([`crate::Engine::open_share_link`])
//! stores the click.

use std::net::IpAddr;

use ring::hmac;
use vouch_store::{LinkSecret, Timestamp};

/// User-agent tokens of link-preview fetchers and crawlers, lower case,
/// matched as substrings. A preview is a platform building a card for a
/// shared link (not a person), a crawler indexes. The strings they send:
/// `TelegramBot (like TwitterBot)`; `Mozilla/5.0 (compatible; Discordbot/2.0;
/// +https://discordapp.com)`; `Slackbot-LinkExpanding 1.0
/// (+https://api.slack.com/robots)` and `Slack-ImgProxy`; `WhatsApp/2.23.20.0`;
/// `facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)`
/// and `Facebot`; `Twitterbot/1.0`; `LinkedInBot/1.0 (compatible; Mozilla/5.0;
/// Apache-HttpClient +http://www.linkedin.com)`; iMessage's Safari string
/// ending in `facebookexternalhit/1.1 Facebot Twitterbot/1.0`; Apple's
/// `(Applebot/0.1; +http://www.apple.com/go/applebot)`; Google's
/// `(compatible; Googlebot/2.1; +http://www.google.com/bot.html)`; Bing's
/// `(compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)`.
const NOT_PEOPLE: &[&str] = &[
    // Link previews in chat and social apps.
    "telegrambot",
    "discordbot",
    "slackbot",
    "slack-imgproxy",
    "whatsapp",
    "facebookexternalhit",
    "facebot",
    "meta-externalagent",
    "twitterbot",
    "linkedinbot",
    "applebot",
    "skypeuripreview",
    "redditbot",
    "pinterestbot",
    "vkshare",
    "embedly",
    "mastodon/",
    // Search engines and other crawlers.
    "googlebot",
    "google-inspectiontool",
    "adsbot-google",
    "bingbot",
    "yandexbot",
    "duckduckbot",
    "baiduspider",
    "petalbot",
    "ahrefsbot",
    "semrushbot",
    "gptbot",
    // HTTP libraries: scripts, not people following a link.
    "curl/",
    "wget/",
    "python-requests",
    "go-http-client",
];

/// Whether a visit with this `User-Agent` is a person's (counted) or a
/// preview fetcher's, crawler's or script's (redirected, not counted). A
/// visit without a user agent is no browser's.
pub fn is_person(user_agent: &str) -> bool {
    let ua = user_agent.trim().to_ascii_lowercase();
    !ua.is_empty() && !NOT_PEOPLE.iter().any(|token| ua.contains(token))
}

/// The host of a `Referer` header, lower case, without port or path:
/// `https://t.me/some/chat?x=1` gives `t.me`. Anything else gives `None`.
pub fn referrer_host(referer: &str) -> Option<String> {
    let rest = referer.trim().split_once("://").map(|(scheme, rest)| (scheme.to_ascii_lowercase(), rest))?;
    if rest.0 != "http" && rest.0 != "https" {
        return None;
    }
    let authority = rest.1.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host =
        if host.starts_with('[') { host.split_once(']').map(|(h, _)| &h[1..])? } else { host.split(':').next()? };
    let ok = !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    ok.then(|| host.to_ascii_lowercase())
}

/// Hashes visitors. The key is derived from the store's link secret (so a
/// restore keeps a day's visitors the same) and used for nothing else.
#[derive(Clone)]
pub struct VisitorHasher(hmac::Key);

impl std::fmt::Debug for VisitorHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VisitorHasher(***)")
    }
}

impl VisitorHasher {
    pub fn new(secret: &LinkSecret) -> Self {
        let master = hmac::Key::new(hmac::HMAC_SHA256, secret.bytes());
        let derived = hmac::sign(&master, b"vouch share-link visitor key v1");
        Self(hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()))
    }

    /// Hex HMAC-SHA256 of IP, user agent and UTC day: one visitor per day,
    /// not traceable back to the IP, not comparable across days.
    pub fn visitor(&self, ip: IpAddr, user_agent: &str, at: Timestamp) -> String {
        let day = at.format("%Y-%m-%d").to_string();
        let mut ctx = hmac::Context::with_key(&self.0);
        for part in [ip.to_string().as_bytes(), user_agent.as_bytes(), day.as_bytes()] {
            // Length-prefixed, so no two different triples hash alike.
            ctx.update(&(part.len() as u64).to_be_bytes());
            ctx.update(part);
        }
        ctx.sign().as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_crawlers_and_scripts_are_not_people() {
        for ua in [
            "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Slack-ImgProxy (+https://api.slack.com/robots)",
            "WhatsApp/2.23.20.0 A",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Facebot",
            "Twitterbot/1.0",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) \
             Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) \
             Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; BINGBOT/2.0; +http://www.bing.com/bingbot.htm)",
            "curl/8.5.0",
            "",
            "   ",
        ] {
            assert!(!is_person(ua), "{ua:?} counted as a person");
        }
        for ua in [
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) \
             Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/126.0.0.0 Mobile Safari/537.36",
        ] {
            assert!(is_person(ua), "{ua:?} not counted");
        }
    }

    #[test]
    fn referrers_keep_only_the_host() {
        assert_eq!(referrer_host("https://t.me/acme/12?x=1").as_deref(), Some("t.me"));
        assert_eq!(referrer_host("HTTP://User:pw@Mail.Example.COM:8443/inbox").as_deref(), Some("mail.example.com"));
        assert_eq!(referrer_host("https://[2001:db8::1]:443/x").as_deref(), Some("2001:db8::1"));
        assert_eq!(referrer_host("android-app://org.telegram.messenger/"), None);
        assert_eq!(referrer_host("not a url"), None);
        assert_eq!(referrer_host("https://<script>/"), None);
    }

    #[test]
    fn a_visitor_is_the_same_within_a_day_and_new_the_next() {
        let hasher = VisitorHasher::new(&LinkSecret::new([7; LinkSecret::LEN]));
        let ip: IpAddr = "203.0.113.9".parse().expect("ip");
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-04T08:00:00Z").expect("t").to_utc();
        let a = hasher.visitor(ip, "Firefox", at);
        assert_eq!(a, hasher.visitor(ip, "Firefox", at + chrono::Duration::hours(15)));
        assert_ne!(a, hasher.visitor(ip, "Firefox", at + chrono::Duration::hours(16)), "the next UTC day");
        assert_ne!(a, hasher.visitor(ip, "Chrome", at));
        assert_ne!(a, hasher.visitor("203.0.113.10".parse().expect("ip"), "Firefox", at));
        assert_eq!(a.len(), 64);
        let other = VisitorHasher::new(&LinkSecret::new([8; LinkSecret::LEN]));
        assert_ne!(a, other.visitor(ip, "Firefox", at), "another server, another visitor");
    }
}
