//! Value types parsed once at the edge ("parse, don't validate").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// A moment, in UTC (stored as RFC 3339).
pub type Timestamp = chrono::DateTime<chrono::Utc>;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl $name {
            pub fn to_key(self) -> [u8; 8] {
                self.0.to_be_bytes()
            }
            pub fn from_key(bytes: &[u8]) -> Option<Self> {
                Some(Self(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?)))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            /// Accepts `12`, `#12` and the display form (`R12`).
            fn from_str(s: &str) -> Result<Self, ParseError> {
                let t = s.trim();
                let t = t.strip_prefix('#').unwrap_or(t);
                let t = t
                    .strip_prefix($prefix)
                    .or_else(|| t.strip_prefix(&$prefix.to_ascii_lowercase()))
                    .unwrap_or(t);
                t.parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Self)
                    .ok_or_else(|| ParseError::Id(s.to_string()))
            }
        }
    };
}

id_type!(
    /// A person known to vouch, whatever channels they use.
    MemberId, "M"
);
id_type!(ProgramId, "P");
id_type!(
    /// What organizers type after `convert`/`approve`/`reject`.
    ReferralId, "R"
);
id_type!(
    /// A reward ledger entry, as used by `reward paid`.
    RewardId, "W"
);
id_type!(SurveyId, "S");
id_type!(OutboxId, "O");
id_type!(
    /// An event (or a series), as typed after `event show`, `rsvp`.
    EventId, "E"
);
id_type!(
    /// A wish on the champions' wish list, as typed after `wish drop`.
    WishId, "A"
);
id_type!(
    /// A webhook endpoint, as typed after `webhook remove`.
    WebhookId, "H"
);
id_type!(
    /// A counted visit of a share link (`/r/CODE`), passed on to the
    /// destination as `vouch_click`.
    ClickId, "C"
);

/// The alphabet of referral and link codes: no 0/O, 1/I/L, so a code read
/// aloud or copied by hand survives.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 8;

/// A referral code: [`CODE_LEN`] characters of [`CODE_ALPHABET`].
/// Input is case-insensitive and may contain spaces or dashes.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReferralCode(String);

impl ReferralCode {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let norm = normalize_code(input);
        if norm.len() != CODE_LEN {
            return Err(ParseError::CodeLength(norm.len()));
        }
        if let Some(bad) = norm.bytes().find(|b| !CODE_ALPHABET.contains(b)) {
            return Err(ParseError::CodeChar(bad as char));
        }
        Ok(Self(norm))
    }

    /// Canonical form, as stored and used in keys.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Uppercases and drops separators a person might type (`abcd-efgh`, `ABCD EFGH`).
pub fn normalize_code(input: &str) -> String {
    input.chars().filter(|c| !matches!(c, '-' | ' ' | '_' | '.')).flat_map(char::to_uppercase).collect()
}

impl fmt::Display for ReferralCode {
    /// Grouped in fours for reading aloud: `7K3M-9QXP`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.0.split_at(self.0.len() / 2);
        write!(f, "{a}-{b}")
    }
}

impl fmt::Debug for ReferralCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReferralCode({self})")
    }
}

impl TryFrom<String> for ReferralCode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<ReferralCode> for String {
    fn from(c: ReferralCode) -> String {
        c.0
    }
}

/// An email address, lowercased. Deliberately simple: one `@`, a dotted
/// domain, no whitespace or control characters, no header-breaking characters.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// Domains where dots in the local part are ignored (one inbox).
const GMAIL_DOMAINS: &[&str] = &["gmail.com", "googlemail.com"];

impl EmailAddress {
    /// The inbox this address reaches, the same string for every spelling
    /// of it: `+tag` dropped, and at Gmail dots too (`jane.doe+x@gmail.com`
    /// and `janedoe@googlemail.com` are `janedoe@gmail.com`).
    pub fn mailbox(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((self.0.as_str(), ""));
        let local = local.split_once('+').map_or(local, |(base, _)| base);
        if GMAIL_DOMAINS.contains(&domain) {
            format!("{}@gmail.com", local.replace('.', ""))
        } else {
            format!("{local}@{domain}")
        }
    }

    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let trimmed = input.trim().trim_start_matches('<').trim_end_matches('>');
        let bad = || ParseError::Email(input.trim().chars().take(80).collect());
        // Inbound mail parses several addresses per message: ASCII (nearly
        // all) is lowercased and checked in one pass over the bytes.
        let refused = |c: char| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '<' | '>' | '(' | ')' | ',' | ';' | ':' | '"' | '\\' | '[' | ']')
        };
        let s = if trimmed.is_ascii() {
            // ASCII whitespace and controls are outside the graphic range.
            let allowed = |b: u8| {
                b.is_ascii_graphic()
                    && !matches!(b, b'<' | b'>' | b'(' | b')' | b',' | b';' | b':' | b'"' | b'\\' | b'[' | b']')
            };
            if trimmed.len() > 254 || !trimmed.bytes().all(allowed) {
                return Err(bad());
            }
            trimmed.to_ascii_lowercase()
        } else {
            let s = trimmed.to_lowercase();
            if s.len() > 254 || s.chars().any(refused) {
                return Err(bad());
            }
            s
        };
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.as_bytes().windows(2).any(|pair| pair == b"..")
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(bad());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.0)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

/// Where an identity lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Console,
    Telegram,
    Discord,
    Email,
    /// A webhook endpoint (`webhook:ID`): not a person, the outbox's way to
    /// the customer's product or CRM.
    Webhook,
}

impl Channel {
    pub const ALL: [Channel; 5] =
        [Channel::Console, Channel::Telegram, Channel::Discord, Channel::Email, Channel::Webhook];

    /// Stable byte used in index keys; never renumber.
    pub fn key_byte(self) -> u8 {
        match self {
            Channel::Console => 0,
            Channel::Telegram => 1,
            Channel::Discord => 2,
            Channel::Email => 3,
            Channel::Webhook => 4,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Console => "console",
            Channel::Telegram => "telegram",
            Channel::Discord => "discord",
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

/// A channel identity: `telegram:42`, `discord:1234`, `email:a@b.org`,
/// `console:alice`. A bare name means a console identity.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdentityKey {
    channel: Channel,
    external: String,
}

impl IdentityKey {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let bad = || ParseError::Identity(s.chars().take(80).collect());
        let (channel, rest) = match s.split_once(':') {
            Some((c, rest)) => {
                let channel = match c.to_ascii_lowercase().as_str() {
                    "console" => Channel::Console,
                    "telegram" | "tg" => Channel::Telegram,
                    "discord" => Channel::Discord,
                    "email" | "mailto" => Channel::Email,
                    "webhook" => Channel::Webhook,
                    _ => return Err(bad()),
                };
                (channel, rest)
            }
            None if s.contains('@') => (Channel::Email, s),
            None => (Channel::Console, s),
        };
        let external = match channel {
            Channel::Email => EmailAddress::parse(rest)?.0,
            Channel::Telegram | Channel::Discord => {
                // Platform ids are integers; a chat id may be negative; on
                // Discord `#id` is a channel (public thanks are posted there).
                let digits = match channel {
                    Channel::Discord => rest.strip_prefix('#').unwrap_or(rest),
                    _ => rest.strip_prefix('-').unwrap_or(rest),
                };
                if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                rest.to_string()
            }
            Channel::Webhook => {
                let id: WebhookId = rest.parse().map_err(|_| bad())?;
                id.0.to_string()
            }
            Channel::Console => {
                let ok = !rest.is_empty()
                    && rest.len() <= 32
                    && rest.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
                if !ok {
                    return Err(bad());
                }
                rest.to_lowercase()
            }
        };
        Ok(Self { channel, external })
    }

    /// A Discord channel (`discord:#123`), not a person: messages to it
    /// are posted there instead of sent by DM.
    pub fn discord_channel(&self) -> Option<u64> {
        let id = self.external.strip_prefix('#').filter(|_| self.channel == Channel::Discord)?;
        id.parse().ok()
    }

    /// The outbox recipient of a webhook endpoint's deliveries.
    pub fn webhook(id: WebhookId) -> Self {
        Self { channel: Channel::Webhook, external: id.0.to_string() }
    }

    /// The endpoint a `webhook:ID` recipient names.
    pub fn webhook_id(&self) -> Option<WebhookId> {
        (self.channel == Channel::Webhook).then(|| self.external.parse().ok().map(WebhookId)).flatten()
    }

    pub fn new_email(email: &EmailAddress) -> Self {
        Self { channel: Channel::Email, external: email.0.clone() }
    }

    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The platform's own id (user id, address, console name).
    pub fn external(&self) -> &str {
        &self.external
    }

    pub fn email(&self) -> Option<EmailAddress> {
        (self.channel == Channel::Email).then(|| EmailAddress(self.external.clone()))
    }
}

impl fmt::Display for IdentityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.channel.as_str(), self.external)
    }
}

impl fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdentityKey({self})")
    }
}

impl TryFrom<String> for IdentityKey {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<IdentityKey> for String {
    fn from(k: IdentityKey) -> String {
        k.to_string()
    }
}

/// Roles, ordered by power: each includes the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Champion,
    Organizer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Member, Role::Champion, Role::Organizer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Champion => "champion",
            Role::Organizer => "organizer",
            Role::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseError::Role(s.trim().chars().take(40).collect()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money in minor units (cents). Currency lives on the program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    /// Parses `50`, `49.99`, `1,200.50`, `$50`; at most two decimals.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let bad = || ParseError::Money(input.trim().chars().take(40).collect());
        let s: String =
            input.trim().trim_start_matches(['$', '€', '£']).chars().filter(|c| *c != ',' && *c != '_').collect();
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        if whole.is_empty() && frac.is_empty() {
            return Err(bad());
        }
        if frac.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .filter(|v| *v <= 1_000_000_000_000)
            .map(Money)
            .ok_or_else(bad)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// `50.00`, `-3.50`.
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// `$1,250.00`, `€5.00`, `50.00 CHF`.
    pub fn display(self, currency: &str) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let plain = format!("{sign}{grouped}.{:02}", abs % 100);
        match currency.to_ascii_uppercase().as_str() {
            "USD" => format!("${plain}"),
            "EUR" => format!("€{plain}"),
            "GBP" => format!("£{plain}"),
            other => format!("{plain} {other}"),
        }
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money(0), |a, b| a + b)
    }
}

/// A short machine name for a program: `customer`, `partners-2026`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim().to_lowercase();
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && s.as_bytes()[0].is_ascii_alphabetic();
        if ok { Ok(Self(s)) } else { Err(ParseError::Slug(input.trim().chars().take(40).collect())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_case_and_separator_insensitive() {
        let a = ReferralCode::parse("7k3m-9qxp").expect("valid");
        let b = ReferralCode::parse(" 7K3M 9QXP ").expect("valid");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "7K3M-9QXP");
        assert_eq!(a.as_str(), "7K3M9QXP");
    }

    #[test]
    fn codes_refuse_ambiguous_characters_and_wrong_length() {
        assert_eq!(ReferralCode::parse("7K3M-9QX0"), Err(ParseError::CodeChar('0')));
        assert_eq!(ReferralCode::parse("OK3M-9QXP"), Err(ParseError::CodeChar('O')));
        assert_eq!(ReferralCode::parse("7K3M-9QXL"), Err(ParseError::CodeChar('L')));
        assert_eq!(ReferralCode::parse("7K3M"), Err(ParseError::CodeLength(4)));
    }

    #[test]
    fn identities_parse_every_channel() {
        assert_eq!(IdentityKey::parse("Alice").expect("ok").to_string(), "console:alice");
        assert_eq!(IdentityKey::parse("telegram:42").expect("ok").to_string(), "telegram:42");
        assert_eq!(IdentityKey::parse("discord:123456789012345678").expect("ok").channel(), Channel::Discord);
        assert_eq!(IdentityKey::parse("email:Jane@Acme.COM").expect("ok").to_string(), "email:jane@acme.com");
        assert_eq!(IdentityKey::parse("jane@acme.com").expect("ok").channel(), Channel::Email);
        assert!(IdentityKey::parse("telegram:abc").is_err());
        assert!(IdentityKey::parse("fax:123").is_err());
        // A Discord channel, for posts; a user is not one, nor is a Telegram "#".
        assert_eq!(IdentityKey::parse("discord:#987").expect("ok").discord_channel(), Some(987));
        assert_eq!(IdentityKey::parse("discord:987").expect("ok").discord_channel(), None);
        assert!(IdentityKey::parse("telegram:#987").is_err());
        assert!(IdentityKey::parse("discord:#").is_err());
        assert!(IdentityKey::parse("al ice").is_err());
    }

    #[test]
    fn emails_reject_header_injection() {
        assert!(EmailAddress::parse("a@b.co").is_ok());
        assert!(EmailAddress::parse("a@b.co\r\nBcc: x@y.z").is_err());
        assert!(EmailAddress::parse("a@b").is_err());
        assert!(EmailAddress::parse("<a@b.co>, c@d.co").is_err());
    }

    /// The definition `EmailAddress::parse`'s one-pass ASCII path must keep.
    fn email_reference(input: &str) -> Option<String> {
        let s = input.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase();
        let refused = |c: char| c.is_whitespace() || c.is_control() || "<>(),;:\"\\[]".contains(c);
        if s.len() > 254 || s.chars().any(refused) {
            return None;
        }
        let (local, domain) = s.split_once('@')?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        (!local.is_empty() && local.len() <= 64 && domain_ok).then_some(s)
    }

    #[test]
    fn email_parse_matches_its_reference() {
        let long = format!("{}@x.co", "a".repeat(250));
        for input in [
            " <Jane.Doe@Example.ORG> ",
            "a@b..co",
            "a@.b.co",
            "a@b.co.",
            "@b.co",
            "a@b@c.co",
            "a\tb@c.co",
            "a\u{b}b@c.co",
            "a\u{7f}@c.co",
            "ÉLODIE@Exemple.FR",
            "жанна@пример.рф",
            "a\u{a0}b@c.co",
            "a[b]@c.co",
            "x\\y@c.co",
            long.as_str(),
            "",
        ] {
            assert_eq!(EmailAddress::parse(input).ok().map(String::from), email_reference(input), "{input:?}");
        }
    }

    #[test]
    fn money_parses_and_prints() {
        assert_eq!(Money::parse("49.99"), Ok(Money(4999)));
        assert_eq!(Money::parse("$1,200.5"), Ok(Money(120050)));
        assert_eq!(Money::parse("50"), Ok(Money(5000)));
        assert!(Money::parse("1.234").is_err());
        assert!(Money::parse("-5").is_err());
        assert!(Money::parse("abc").is_err());
        assert_eq!(Money(5000).display("USD"), "$50.00");
        assert_eq!(Money(-350).plain(), "-3.50");
        assert_eq!(Money(5).display("CHF"), "0.05 CHF");
        assert_eq!(Money(123456789).display("EUR"), "€1,234,567.89");
        assert_eq!(Money(100000).display("USD"), "$1,000.00");
    }

    #[test]
    fn ids_accept_hash_and_prefix() {
        assert_eq!("#12".parse::<ReferralId>(), Ok(ReferralId(12)));
        assert_eq!("R12".parse::<ReferralId>(), Ok(ReferralId(12)));
        assert_eq!("r12".parse::<ReferralId>(), Ok(ReferralId(12)));
        assert!("0".parse::<ReferralId>().is_err());
        assert!("x".parse::<ReferralId>().is_err());
    }
}

/// A language tag as a person or a channel gives it (`ru`, `pt-BR`,
/// `ro_RO`, Discord's `es-ES`), parsed once: a 2–3 letter primary subtag,
/// then up to three alphanumeric subtags. Stored as `pt-BR` (primary lower
/// case, a region upper case). Whether vouch *speaks* it is the renderer's
/// business: this only says it is a well-formed tag.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Language(String);

impl Language {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let bad = || ParseError::Value { key: "language", value: s.chars().take(40).collect() };
        // `Accept-Language` weights and Content-Language lists: the first tag counts.
        let s = s.split([',', ';']).next().unwrap_or("").trim();
        let mut parts = s.split(['-', '_']);
        let primary = parts.next().unwrap_or("");
        if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(bad());
        }
        let mut tag = primary.to_ascii_lowercase();
        for (i, part) in parts.enumerate() {
            if i >= 3 || part.is_empty() || part.len() > 8 || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad());
            }
            tag.push('-');
            if part.len() == 2 && part.bytes().all(|b| b.is_ascii_alphabetic()) {
                tag.push_str(&part.to_ascii_uppercase());
            } else {
                tag.push_str(&part.to_ascii_lowercase());
            }
        }
        Ok(Self(tag))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `pt-BR` then `pt`: the tags to try, most specific first.
    pub fn fallbacks(&self) -> impl Iterator<Item = &str> {
        let s = self.0.as_str();
        let mut cuts: Vec<&str> = s.match_indices('-').map(|(i, _)| &s[..i]).collect();
        cuts.reverse();
        std::iter::once(s).chain(cuts)
    }

    pub fn english() -> Self {
        Self("en".into())
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Language {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<Language> for String {
    fn from(l: Language) -> String {
        l.0
    }
}

#[cfg(test)]
mod language_tests {
    use super::Language;

    #[test]
    fn tags_are_normalised_and_fall_back_to_their_primary() {
        let l = Language::parse("pt_br").expect("tag");
        assert_eq!(l.as_str(), "pt-BR");
        assert_eq!(l.fallbacks().collect::<Vec<_>>(), ["pt-BR", "pt"]);
        assert_eq!(Language::parse("ru-RU,ru;q=0.9,en;q=0.5").expect("header").as_str(), "ru-RU");
        assert_eq!(
            Language::parse("zh-Hant-TW").expect("tag").fallbacks().collect::<Vec<_>>(),
            ["zh-hant-TW", "zh-hant", "zh"]
        );
        for bad in ["", "x", "english", "r1", "ru--", "ru-toolongsubtag"] {
            assert!(Language::parse(bad).is_err(), "{bad}");
        }
    }
}
