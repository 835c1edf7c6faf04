//! Webhooks out, the pure part: the event types, the endpoint URL rule and
//! the Standard Webhooks signature
//! (<https://www.standardwebhooks.com/>): `webhook-signature: v1,<base64
//! HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the base64 after
//! `whsec_`. The sending is in vouch-bots (`webhook.rs`); the outbox rows
//! are written by the engine (`engine/webhooks.rs`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;
use vouch_store::{OutboxId, WebhookSecret};

/// What happened, as the `type` of a webhook payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    ReferralCreated,
    ReferralConverted,
    ReferralRejected,
    RewardApproved,
    RewardPaid,
    RewardReversed,
    IntroductionCreated,
    IntroductionAccepted,
    IntroductionDeclined,
    EventRsvp,
    /// `vouch webhook test ID`: sent to that endpoint only.
    WebhookTest,
}

impl EventType {
    /// The types an endpoint can subscribe to (`--events`).
    pub const ALL: [EventType; 10] = [
        EventType::ReferralCreated,
        EventType::ReferralConverted,
        EventType::ReferralRejected,
        EventType::RewardApproved,
        EventType::RewardPaid,
        EventType::RewardReversed,
        EventType::IntroductionCreated,
        EventType::IntroductionAccepted,
        EventType::IntroductionDeclined,
        EventType::EventRsvp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ReferralCreated => "referral.created",
            EventType::ReferralConverted => "referral.converted",
            EventType::ReferralRejected => "referral.rejected",
            EventType::RewardApproved => "reward.approved",
            EventType::RewardPaid => "reward.paid",
            EventType::RewardReversed => "reward.reversed",
            EventType::IntroductionCreated => "introduction.created",
            EventType::IntroductionAccepted => "introduction.accepted",
            EventType::IntroductionDeclined => "introduction.declined",
            EventType::EventRsvp => "event.rsvp",
            EventType::WebhookTest => "webhook.test",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }
}

/// Why an endpoint URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("the webhook URL must start with http:// or https://")]
    Scheme,
    #[error("the webhook URL has no host")]
    NoHost,
    #[error("the webhook URL must not carry a user name or password (put a token in the path instead)")]
    Credentials,
    #[error("the webhook URL must not contain spaces or control characters")]
    Characters,
    #[error("the webhook URL is longer than 2000 characters")]
    TooLong,
    #[error("unknown event type {0:?}; the types are {1}")]
    UnknownEvent(String, String),
}

/// An endpoint URL as it is stored: `http(s)://host[:port][/path]`, no
/// credentials, no fragment.
pub fn parse_url(input: &str) -> Result<String, UrlError> {
    let url = input.trim();
    if url.len() > 2000 {
        return Err(UrlError::TooLong);
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::Characters);
    }
    let lower = url.to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Err(UrlError::Scheme);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(UrlError::Credentials);
    }
    let host = authority.rsplit_once(':').map_or(authority, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') { h } else { authority }
    });
    if host.is_empty() || host == "[]" {
        return Err(UrlError::NoHost);
    }
    Ok(url.split('#').next().unwrap_or(url).to_string())
}

/// `--events a,b`: each must be a known type; none is all of them.
pub fn parse_events(list: Option<&str>) -> Result<Vec<String>, UrlError> {
    let Some(list) = list else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let kind = EventType::parse(name).ok_or_else(|| {
            let all: Vec<_> = EventType::ALL.iter().map(|t| t.as_str()).collect();
            UrlError::UnknownEvent(name.to_string(), all.join(", "))
        })?;
        if !out.iter().any(|e| e == kind.as_str()) {
            out.push(kind.as_str().to_string());
        }
    }
    Ok(out)
}

/// A fresh signing secret from 32 random bytes: `whsec_` + base64.
pub fn new_secret(key: &[u8]) -> WebhookSecret {
    WebhookSecret::new(format!("{}{}", WebhookSecret::PREFIX, STANDARD.encode(key)))
}

/// The `webhook-id` of an outbox row: the same on every retry.
pub fn message_id(row: OutboxId) -> String {
    format!("msg_{}", row.0)
}

/// A secret whose key is not base64 cannot sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the webhook secret is not `whsec_` + base64")]
pub struct BadSecret;

/// The `webhook-signature` header value for one attempt.
pub fn sign(secret: &WebhookSecret, id: &str, timestamp: i64, body: &[u8]) -> Result<String, BadSecret> {
    let text = secret.expose();
    let encoded = text.strip_prefix(WebhookSecret::PREFIX).unwrap_or(text);
    let key = STANDARD.decode(encoded).map_err(|_| BadSecret)?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, &key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(id.as_bytes());
    ctx.update(b".");
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    Ok(format!("v1,{}", STANDARD.encode(ctx.sign().as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification and of its
    /// reference libraries' tests (svix `webhook` test vector).
    #[test]
    fn signs_the_specification_example() {
        let secret = WebhookSecret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into());
        let body = br#"{"test": 2432232314}"#;
        let sig = sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).expect("valid secret");
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        // Any change to the signed text changes the signature.
        let tampered = sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232315}"#);
        assert_ne!(tampered.as_deref(), Ok(sig.as_str()));
        let later = sign(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body);
        assert_ne!(later.as_deref(), Ok(sig.as_str()));
    }

    #[test]
    fn a_secret_that_is_not_base64_does_not_sign() {
        assert_eq!(sign(&WebhookSecret::new("whsec_!!!".into()), "msg_1", 1, b"{}"), Err(BadSecret));
    }

    #[test]
    fn urls_must_be_http_without_credentials() {
        assert_eq!(parse_url(" https://crm.example/hooks/vouch "), Ok("https://crm.example/hooks/vouch".into()));
        assert_eq!(parse_url("http://127.0.0.1:8080/h#frag"), Ok("http://127.0.0.1:8080/h".into()));
        assert_eq!(parse_url("ftp://crm.example/"), Err(UrlError::Scheme));
        assert_eq!(parse_url("crm.example/hook"), Err(UrlError::Scheme));
        assert_eq!(parse_url("https://user:pw@crm.example/"), Err(UrlError::Credentials));
        assert_eq!(parse_url("https:///path"), Err(UrlError::NoHost));
        assert_eq!(parse_url("https://crm.example/a b"), Err(UrlError::Characters));
    }

    #[test]
    fn event_lists_name_known_types() {
        assert_eq!(parse_events(None), Ok(vec![]));
        assert_eq!(
            parse_events(Some("referral.converted, reward.paid,referral.converted")),
            Ok(vec!["referral.converted".to_string(), "reward.paid".to_string()])
        );
        assert!(matches!(parse_events(Some("referral.exploded")), Err(UrlError::UnknownEvent(..))));
    }

    #[test]
    fn secrets_are_whsec_and_base64() {
        let s = new_secret(&[7u8; 32]);
        assert!(s.expose().starts_with("whsec_"));
        assert_eq!(STANDARD.decode(&s.expose()[6..]).expect("base64"), vec![7u8; 32]);
    }
}
