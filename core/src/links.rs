//! Signed web links: one-click choices in mail, RFC 8058 unsubscribe, and a
//! member's calendar feed.
//!
//! A token is `base64url(payload).base64url(HMAC-SHA256(secret, payload))`
//! with the store's [`LinkSecret`]. Nothing is stored per link: the payload
//! names what the link is for (`act:<row>:<choice>[:<issued>]`, `unsub:<row>`,
//! `feed:<member>[:<version>]`), so one link cannot be turned into another (a
//! different row, choice or purpose) without the key, and a link is only
//! accepted where its purpose is expected. The tag is checked in constant
//! time before the payload is even parsed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use vouch_store::{LinkSecret, MemberId, OutboxId};

/// Longer tokens are refused before any decoding (ours are ~60 characters).
const MAX_TOKEN_LEN: usize = 200;

/// What a link does when it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Runs choice `choice` (an index into the row's actions) as the row's
    /// recipient. `issued` (Unix seconds; 0 in links from before it was
    /// carried) starts the [`ACTION_LINK_DAYS`] after which it expires.
    Action { row: OutboxId, choice: usize, issued: i64 },
    /// Runs the row's unsubscribe command as its recipient.
    Unsubscribe { row: OutboxId },
    /// The member's calendar feed (read-only), for the member's current
    /// feed version (`feed reset` revokes older links).
    Feed { member: MemberId, version: u32 },
}

/// How long an action link (consent, RSVP, a held seat) works after it was
/// issued. Unsubscribe links never expire (RFC 8058 mail is kept for years).
pub const ACTION_LINK_DAYS: i64 = 30;

/// Where a token is presented: each route accepts one purpose only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Action,
    Unsubscribe,
    Feed,
}

impl Link {
    pub fn purpose(&self) -> Purpose {
        match self {
            Link::Action { .. } => Purpose::Action,
            Link::Unsubscribe { .. } => Purpose::Unsubscribe,
            Link::Feed { .. } => Purpose::Feed,
        }
    }

    fn payload(&self) -> String {
        match self {
            Link::Action { row, choice, issued: 0 } => format!("act:{}:{choice}", row.0),
            Link::Action { row, choice, issued } => format!("act:{}:{choice}:{issued}", row.0),
            Link::Unsubscribe { row } => format!("unsub:{}", row.0),
            // Version 0 keeps the form of links issued before versions.
            Link::Feed { member, version: 0 } => format!("feed:{}", member.0),
            Link::Feed { member, version } => format!("feed:{}:{version}", member.0),
        }
    }

    fn from_payload(payload: &str) -> Option<Self> {
        let number = |s: &str| -> Option<u64> {
            // Canonical digits only: one link, one spelling.
            (!s.is_empty()
                && s.len() <= 20
                && s.bytes().all(|b| b.is_ascii_digit())
                && (s == "0" || !s.starts_with('0')))
            .then(|| s.parse().ok())
            .flatten()
        };
        let mut parts = payload.split(':');
        let link = match (parts.next()?, parts.next(), parts.next()) {
            ("act", Some(row), Some(choice)) => {
                let issued = match parts.next() {
                    None => 0,
                    Some(at) => i64::try_from(number(at)?).ok().filter(|t| *t > 0)?,
                };
                Link::Action { row: OutboxId(number(row)?), choice: usize::try_from(number(choice)?).ok()?, issued }
            }
            ("unsub", Some(row), None) => Link::Unsubscribe { row: OutboxId(number(row)?) },
            ("feed", Some(member), None) => Link::Feed { member: MemberId(number(member)?), version: 0 },
            ("feed", Some(member), Some(version)) => Link::Feed {
                member: MemberId(number(member)?),
                version: u32::try_from(number(version)?).ok().filter(|v| *v > 0)?,
            },
            _ => return None,
        };
        parts.next().is_none().then_some(link)
    }
}

/// Why a token was refused. Deliberately vague towards the presenter: a
/// forged, truncated or misplaced link all look the same from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this link is not valid")]
    Invalid,
    #[error("this link is meant for something else")]
    WrongPurpose,
}

/// Signs and checks link tokens with the store's secret.
#[derive(Clone)]
pub struct Signer {
    key: hmac::Key,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(***)")
    }
}

impl Signer {
    pub fn new(secret: &LinkSecret) -> Self {
        Self { key: hmac::Key::new(hmac::HMAC_SHA256, secret.bytes()) }
    }

    pub fn sign(&self, link: &Link) -> String {
        let payload = link.payload();
        let tag = hmac::sign(&self.key, payload.as_bytes());
        format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// The tag in a member's UID for an event (`ics::attendee_uid`): 64 bits
    /// of HMAC, so a calendar REPLY names the invitation it answers.
    /// The signing secret of webhook endpoint `id`: HMAC of its random
    /// `salt` under the link secret, so only a store holding both can sign,
    /// and a restore signs exactly as before without the secret being
    /// written anywhere.
    pub fn webhook_secret(&self, id: vouch_store::WebhookId, salt: &str) -> vouch_store::WebhookSecret {
        let tag = hmac::sign(&self.key, format!("vouch webhook secret v1|{id}|{salt}").as_bytes());
        crate::webhook::new_secret(tag.as_ref())
    }

    pub fn calendar_tag(&self, event: vouch_store::EventId, member: MemberId) -> String {
        let tag = hmac::sign(&self.key, format!("uid:{}:{}", event.0, member.0).as_bytes());
        tag.as_ref().iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `tag` is `member`'s for `event`, in constant time.
    pub fn calendar_tag_matches(&self, event: vouch_store::EventId, member: MemberId, tag: &str) -> bool {
        let expected = self.calendar_tag(event, member);
        expected.len() == tag.len()
            && expected.bytes().zip(tag.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b.to_ascii_lowercase())) == 0
    }

    /// The link a token stands for, if this key signed it and it is for `purpose`.
    pub fn verify(&self, token: &str, purpose: Purpose) -> Result<Link, LinkError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(LinkError::Invalid);
        }
        let (payload, tag) = token.split_once('.').ok_or(LinkError::Invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| LinkError::Invalid)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| LinkError::Invalid)?;
        // ring compares the whole tag in constant time; a truncated tag fails.
        hmac::verify(&self.key, &payload, &tag).map_err(|_| LinkError::Invalid)?;
        let link = std::str::from_utf8(&payload).ok().and_then(Link::from_payload).ok_or(LinkError::Invalid)?;
        if link.purpose() == purpose { Ok(link) } else { Err(LinkError::WrongPurpose) }
    }
}

/// The externally visible base URL of vouch's HTTP server
/// (`VOUCH_PUBLIC_URL`), without a trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a public web address; use the http:// or https:// address vouch is reached at, like https://vouch.example.org"
)]
pub struct PublicUrlError(String);

impl PublicUrl {
    pub fn parse(input: &str) -> Result<Self, PublicUrlError> {
        let url = input.trim().trim_end_matches('/');
        let bad = || PublicUrlError(input.to_string());
        let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or_else(bad)?;
        let host = rest.split('/').next().unwrap_or_default();
        // Links are pasted into headers and HTML: nothing that needs quoting.
        let clean =
            url.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\' | '?' | '#'));
        if host.is_empty() || host.contains('@') || !clean {
            return Err(bad());
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Full URLs for links, when vouch has a public address.
#[derive(Clone, Debug)]
pub struct PublicLinks {
    base: PublicUrl,
    signer: Signer,
}

impl PublicLinks {
    pub fn new(base: PublicUrl, signer: Signer) -> Self {
        Self { base, signer }
    }

    /// `BASE/a/TOKEN`: a page naming the choice, with a button that makes
    /// it, for [`ACTION_LINK_DAYS`] from `issued` (the row's creation, so a
    /// resend carries the same links).
    pub fn action(&self, row: OutboxId, choice: usize, issued: vouch_store::Timestamp) -> String {
        let link = Link::Action { row, choice, issued: issued.timestamp().max(1) };
        format!("{}/a/{}", self.base.as_str(), self.signer.sign(&link))
    }

    /// `BASE/u/TOKEN`: RFC 8058 one-click unsubscribe (POST), or a confirm page (GET).
    pub fn unsubscribe(&self, row: OutboxId) -> String {
        format!("{}/u/{}", self.base.as_str(), self.signer.sign(&Link::Unsubscribe { row }))
    }

    /// `BASE/ics/TOKEN.ics`: the member's events as a calendar subscription.
    pub fn feed(&self, member: MemberId, version: u32) -> String {
        format!("{}/ics/{}.ics", self.base.as_str(), self.signer.sign(&Link::Feed { member, version }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(byte: u8) -> Signer {
        Signer::new(&LinkSecret::new([byte; LinkSecret::LEN]))
    }

    #[test]
    fn a_signed_link_round_trips_for_its_own_purpose_only() {
        let s = signer(1);
        let links = [
            Link::Action { row: OutboxId(12), choice: 1, issued: 1_796_000_000 },
            Link::Unsubscribe { row: OutboxId(12) },
            Link::Feed { member: MemberId(3), version: 0 },
            Link::Feed { member: MemberId(3), version: 2 },
        ];
        for link in links {
            let token = s.sign(&link);
            assert!(token.len() < 80, "{token}");
            assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')), "{token}");
            assert_eq!(s.verify(&token, link.purpose()), Ok(link));
            for other in [Purpose::Action, Purpose::Unsubscribe, Purpose::Feed] {
                if other != link.purpose() {
                    assert_eq!(s.verify(&token, other), Err(LinkError::WrongPurpose), "{link:?} as {other:?}");
                }
            }
        }
    }

    #[test]
    fn tampered_truncated_or_foreign_tokens_are_refused() {
        let s = signer(1);
        let token = s.sign(&Link::Action { row: OutboxId(12), choice: 0, issued: 0 });
        let (payload, tag) = token.split_once('.').expect("two parts");
        // Another row or choice under the same tag.
        for forged in ["act:13:0", "act:12:1", "unsub:12", "act:012:0", "act:12:0:x"] {
            let t = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(forged));
            assert!(s.verify(&t, Purpose::Action).is_err(), "{forged}");
            assert!(s.verify(&t, Purpose::Unsubscribe).is_err(), "{forged}");
        }
        // Every single-character change, and every truncation.
        for i in 0..token.len() {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).expect("ascii");
            if changed != token {
                assert_eq!(s.verify(&changed, Purpose::Action), Err(LinkError::Invalid), "{changed}");
            }
            assert_eq!(s.verify(&token[..i], Purpose::Action), Err(LinkError::Invalid), "{}", &token[..i]);
        }
        assert_eq!(s.verify(&format!("{payload}.{tag}A"), Purpose::Action), Err(LinkError::Invalid));
        assert_eq!(s.verify(&format!("{payload}.{tag}.{tag}"), Purpose::Action), Err(LinkError::Invalid));
        assert_eq!(s.verify(&"A".repeat(5000), Purpose::Action), Err(LinkError::Invalid));
        // Another store's key.
        assert_eq!(signer(2).verify(&token, Purpose::Action), Err(LinkError::Invalid));
    }

    #[test]
    fn public_urls_are_plain_http_addresses() {
        let url = PublicUrl::parse(" https://vouch.example.org/ ").expect("valid");
        assert_eq!(url.as_str(), "https://vouch.example.org");
        assert_eq!(
            PublicUrl::parse("http://127.0.0.1:8080/vouch").expect("valid").as_str(),
            "http://127.0.0.1:8080/vouch"
        );
        for bad in [
            "vouch.example.org",
            "ftp://x.example",
            "https://",
            "https://a b.example",
            "https://x/\"><script>",
            "https://u:p@x.example",
            "https://x.example/?a=1",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
        let links = PublicLinks::new(url, signer(1));
        let issued = chrono::DateTime::from_timestamp(1_796_000_000, 0).expect("a time");
        let action = links.action(OutboxId(4), 0, issued);
        assert!(action.starts_with("https://vouch.example.org/a/"));
        let token = action.rsplit('/').next().expect("token");
        assert_eq!(
            signer(1).verify(token, Purpose::Action),
            Ok(Link::Action { row: OutboxId(4), choice: 0, issued: 1_796_000_000 }),
            "the issue time is signed in"
        );
        assert!(links.unsubscribe(OutboxId(4)).starts_with("https://vouch.example.org/u/"));
        let feed = links.feed(MemberId(2), 0);
        assert!(feed.starts_with("https://vouch.example.org/ics/") && feed.ends_with(".ics"), "{feed}");
    }
}
