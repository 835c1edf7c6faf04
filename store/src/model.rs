//! The persisted domain. Every struct here is stored as versioned JSON;
//! new fields get `#[serde(default)]` so older data keeps loading.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ParseError;
use crate::types::{
    EmailAddress, IdentityKey, MemberId, Money, OutboxId, ProgramId, ReferralCode, ReferralId, RewardId, Role, Slug,
    SurveyId, Timestamp,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub display_name: String,
    pub roles: BTreeSet<Role>,
    pub joined_at: Timestamp,
    /// Where notifications go: the identity used most recently to reach vouch.
    pub primary_identity: IdentityKey,
    #[serde(default)]
    pub email: Option<EmailAddress>,
    /// Where event times are shown for this person; unset: each event's own zone.
    #[serde(default)]
    pub timezone: Option<crate::event::Timezone>,
    /// Where they work, as an introduction named it (display name or
    /// business domain); unset for members who came another way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Agreed to be thanked by name in public (`shoutout on`): PLAYBOOK's
    /// public thanks "where the referrer agrees". Off unless they say so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public_thanks: bool,
    /// Bumped by `feed reset`: calendar feed links signed for an older
    /// version stop working (a leaked link is revoked).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub feed_version: u32,
    /// An organizer only because a platform role says so (Discord's
    /// organizer role): losing that role loses it. An explicit `role
    /// grant|revoke … organizer` clears the flag, so an organizer appointed
    /// from the CLI is never demoted by a platform.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub organizer_by_platform: bool,
    /// The language they chose (`language ru`); wins over every hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::Language>,
    /// The language their channel last reported (Telegram `language_code`,
    /// Discord `locale`, a mail's `Content-Language` or detected text, a web
    /// request's `Accept-Language`); used while they chose none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_hint: Option<crate::Language>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Member {
    /// The highest role; every member has at least `Member`.
    pub fn top_role(&self) -> Role {
        self.roles.iter().copied().max().unwrap_or(Role::Member)
    }

    pub fn has_role(&self, needed: Role) -> bool {
        self.top_role() >= needed
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub key: IdentityKey,
    pub member: MemberId,
    /// Proven by the platform (a chat message, an authenticated email, `link`).
    pub verified: bool,
    pub first_seen: Timestamp,
    /// Set when the platform says the person cannot be reached (blocked bot, hard bounce).
    #[serde(default)]
    pub unreachable: bool,
    /// The person declined an introduction: no notices are sent here any
    /// more (answers to their own messages still are).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub opted_out: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProgramKind {
    Customer,
    Champion,
    Ecosystem,
    Internal,
    Hiring,
    Partner,
    ExpertClub,
    Mastermind,
}

impl ProgramKind {
    pub const ALL: [ProgramKind; 8] = [
        ProgramKind::Customer,
        ProgramKind::Champion,
        ProgramKind::Ecosystem,
        ProgramKind::Internal,
        ProgramKind::Hiring,
        ProgramKind::Partner,
        ProgramKind::ExpertClub,
        ProgramKind::Mastermind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProgramKind::Customer => "customer",
            ProgramKind::Champion => "champion",
            ProgramKind::Ecosystem => "ecosystem",
            ProgramKind::Internal => "internal",
            ProgramKind::Hiring => "hiring",
            ProgramKind::Partner => "partner",
            ProgramKind::ExpertClub => "expert-club",
            ProgramKind::Mastermind => "mastermind",
        }
    }
}

impl FromStr for ProgramKind {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        let s = if s == "employee" { "internal".to_string() } else { s };
        ProgramKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or(ParseError::Value { key: "kind", value: s })
    }
}

/// What one side of a referral receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Reward {
    Nothing,
    DiscountPercent(u8),
    FreeMonths(u16),
    Credit(Money),
    Cashback(Money),
    Donation(Money),
    Swag(String),
    FeatureUnlock(String),
    EventSeat(String),
    Custom(String),
}

impl Reward {
    /// Parses `credit:50`, `discount:20%`, `free-months:1`, `swag:T-shirt`,
    /// `donation:25`, `event-seat:Quarterly lunch`, `feature:SSO`, `none`.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let input = input.trim();
        let (kind, value) = input.split_once(':').unwrap_or((input, ""));
        let value = value.trim();
        let bad = || ParseError::Reward(input.chars().take(60).collect());
        let text = || -> Result<String, ParseError> {
            if value.is_empty() || value.chars().count() > 80 { Err(bad()) } else { Ok(value.to_string()) }
        };
        let reward = match kind.trim().to_ascii_lowercase().as_str() {
            "none" | "nothing" => Reward::Nothing,
            "discount" => {
                let pct: u8 = value.trim_end_matches('%').trim().parse().map_err(|_| bad())?;
                if pct == 0 || pct > 100 {
                    return Err(bad());
                }
                Reward::DiscountPercent(pct)
            }
            "free-months" | "free-month" | "months" => {
                let n: u16 = value.parse().map_err(|_| bad())?;
                if n == 0 || n > 120 {
                    return Err(bad());
                }
                Reward::FreeMonths(n)
            }
            "credit" => Reward::Credit(Money::parse(value)?),
            "cashback" | "cash" => Reward::Cashback(Money::parse(value)?),
            "donation" | "charity" => Reward::Donation(Money::parse(value)?),
            "swag" | "gift" => Reward::Swag(text()?),
            "feature" | "feature-unlock" | "unlock" => Reward::FeatureUnlock(text()?),
            "event-seat" | "seat" => Reward::EventSeat(text()?),
            "custom" => Reward::Custom(text()?),
            _ => return Err(bad()),
        };
        Ok(reward)
    }

    /// The money value when the reward itself is money.
    pub fn money(&self) -> Option<Money> {
        match self {
            Reward::Credit(m) | Reward::Cashback(m) | Reward::Donation(m) => Some(*m),
            _ => None,
        }
    }

    pub fn is_nothing(&self) -> bool {
        matches!(self, Reward::Nothing)
    }

    /// The machine form accepted by [`Reward::parse`].
    pub fn spec(&self) -> String {
        match self {
            Reward::Nothing => "none".into(),
            Reward::DiscountPercent(p) => format!("discount:{p}%"),
            Reward::FreeMonths(n) => format!("free-months:{n}"),
            Reward::Credit(m) => format!("credit:{}", m.plain()),
            Reward::Cashback(m) => format!("cashback:{}", m.plain()),
            Reward::Donation(m) => format!("donation:{}", m.plain()),
            Reward::Swag(t) => format!("swag:{t}"),
            Reward::FeatureUnlock(t) => format!("feature:{t}"),
            Reward::EventSeat(t) => format!("event-seat:{t}"),
            Reward::Custom(t) => format!("custom:{t}"),
        }
    }

    /// Human wording, e.g. "$50.00 account credit", "20% off".
    pub fn describe(&self, currency: &str) -> String {
        match self {
            Reward::Nothing => "no reward".into(),
            Reward::DiscountPercent(p) => format!("{p}% off"),
            Reward::FreeMonths(1) => "1 free month".into(),
            Reward::FreeMonths(n) => format!("{n} free months"),
            Reward::Credit(m) => format!("{} account credit", m.display(currency)),
            Reward::Cashback(m) => format!("{} cashback", m.display(currency)),
            Reward::Donation(m) => format!("a {} donation to charity", m.display(currency)),
            Reward::Swag(t) => format!("a gift: {t}"),
            Reward::FeatureUnlock(t) => format!("{t} unlocked"),
            Reward::EventSeat(t) => format!("a seat at {t}"),
            Reward::Custom(t) => t.clone(),
        }
    }
}

/// A reward plus what it costs the organizer (for ROI).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardSpec {
    pub reward: Reward,
    /// Cost per reward; defaults to the money value for money rewards.
    #[serde(default)]
    pub cost: Option<Money>,
}

impl RewardSpec {
    pub fn new(reward: Reward) -> Self {
        Self { reward, cost: None }
    }

    pub fn cost(&self) -> Money {
        self.cost.or_else(|| self.reward.money()).unwrap_or_default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

impl FromStr for Period {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.trim().to_ascii_lowercase().trim_end_matches('s') {
            "month" | "monthly" | "m" => Ok(Period::Month),
            "quarter" | "quarterly" | "q" => Ok(Period::Quarter),
            "year" | "yearly" | "annual" | "y" => Ok(Period::Year),
            other => Err(ParseError::Value { key: "period", value: other.to_string() }),
        }
    }
}

/// "At most `max` referrals per referrer per `period`" (e.g. 12 per year).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cap {
    pub max: u32,
    pub period: Period,
}

impl Cap {
    /// Parses `12/year`, `3/month`, `none`.
    pub fn parse(input: &str) -> Result<Option<Self>, ParseError> {
        let s = input.trim();
        if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let bad = || ParseError::Value { key: "cap", value: s.to_string() };
        let (n, p) = s.split_once('/').ok_or_else(bad)?;
        let max: u32 = n.trim().parse().map_err(|_| bad())?;
        if max == 0 {
            return Err(bad());
        }
        Ok(Some(Cap { max, period: p.parse().map_err(|_| bad())? }))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Approval {
    /// Conversions are rewarded at once.
    Auto,
    /// An organizer approves each reward.
    Manual,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub id: ProgramId,
    pub slug: Slug,
    pub kind: ProgramKind,
    #[serde(default)]
    pub description: String,
    pub referrer_reward: RewardSpec,
    pub referred_reward: RewardSpec,
    pub cap: Option<Cap>,
    /// A referral must convert within this many days of being recorded.
    pub attribution_days: u32,
    pub approval: Approval,
    /// Days a member must have been around before their code can be redeemed.
    #[serde(default)]
    pub min_tenure_days: u32,
    /// Ideal-client notes shown with the share text ("SaaS, 10-200 staff").
    #[serde(default)]
    pub ideal_client: String,
    pub paused: bool,
    pub currency: String,
    /// Average revenue per account per year, for LTV.
    #[serde(default)]
    pub arpa: Option<Money>,
    #[serde(default)]
    pub lifetime_years: Option<f64>,
    /// Customer acquisition cost through other channels, for LTV:CAC.
    #[serde(default)]
    pub cac: Option<Money>,
    pub created_at: Timestamp,
}

/// One referrer's code for one program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeRecord {
    pub code: ReferralCode,
    pub member: MemberId,
    pub program: ProgramId,
    pub created_at: Timestamp,
    #[serde(default)]
    pub revoked: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferralState {
    /// Recorded by hand (`refer`); the referred person has not acted yet.
    Issued,
    /// The referred person used a code.
    Redeemed,
    /// Vetted by an organizer before conversion.
    Qualified,
    /// Became a customer; rewards are pending approval.
    Converted,
    /// Rewards approved.
    Rewarded,
    Rejected,
}

impl ReferralState {
    pub const ALL: [ReferralState; 6] = [
        ReferralState::Issued,
        ReferralState::Redeemed,
        ReferralState::Qualified,
        ReferralState::Converted,
        ReferralState::Rewarded,
        ReferralState::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferralState::Issued => "issued",
            ReferralState::Redeemed => "redeemed",
            ReferralState::Qualified => "qualified",
            ReferralState::Converted => "converted",
            ReferralState::Rewarded => "rewarded",
            ReferralState::Rejected => "rejected",
        }
    }

    /// Still on its way to a conversion.
    pub fn is_open(self) -> bool {
        matches!(self, ReferralState::Issued | ReferralState::Redeemed | ReferralState::Qualified)
    }

    pub fn is_converted(self) -> bool {
        matches!(self, ReferralState::Converted | ReferralState::Rewarded)
    }
}

impl FromStr for ReferralState {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        ReferralState::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseError::Value { key: "state", value: s.trim().to_string() })
    }
}

impl fmt::Display for ReferralState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferralSource {
    Code,
    Manual,
    Email,
    Invite,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateChange {
    pub at: Timestamp,
    pub state: ReferralState,
    pub by: Option<MemberId>,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Referral {
    pub id: ReferralId,
    pub program: ProgramId,
    pub referrer: MemberId,
    pub referred: MemberId,
    pub code: Option<ReferralCode>,
    pub source: ReferralSource,
    pub state: ReferralState,
    #[serde(default)]
    pub note: String,
    pub value: Option<Money>,
    #[serde(default)]
    pub reject_reason: Option<String>,
    pub created_at: Timestamp,
    pub history: Vec<StateChange>,
    /// Set for an introduction by email: the prospect's consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<Introduction>,
}

/// The prospect's answer to the double opt-in mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Consent {
    Requested,
    Accepted,
    Declined,
}

/// An introduction is a referral plus the prospect's consent. Its states:
/// `received -> consent_requested -> accepted|declined -> meeting -> won|lost`
/// (`meeting` is the referral qualified, `won` converted, `lost` rejected).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Introduction {
    pub consent: Consent,
    /// The consent request's outbox row: the prospect's reply threads under
    /// its Message-ID, which names this row.
    #[serde(default)]
    pub request: Option<OutboxId>,
    /// Message-ID of the champion's mail.
    #[serde(default)]
    pub source_message: Option<String>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub answered_at: Option<Timestamp>,
    /// Why an organizer should look before any reward (a disposable address).
    #[serde(default)]
    pub review: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Referrer,
    Referred,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RewardStatus {
    Pending,
    Approved,
    Paid,
    Void,
}

impl RewardStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RewardStatus::Pending => "pending",
            RewardStatus::Approved => "approved",
            RewardStatus::Paid => "paid",
            RewardStatus::Void => "void",
        }
    }

    /// Counts toward a member's balance and the program's cost.
    pub fn is_earned(self) -> bool {
        matches!(self, RewardStatus::Approved | RewardStatus::Paid)
    }
}

/// One line of the reward ledger. Entries are never deleted; a rejected
/// referral voids its entries so `why` can still explain what happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RewardEntry {
    pub id: RewardId,
    pub member: MemberId,
    pub referral: ReferralId,
    pub program: ProgramId,
    pub side: Side,
    pub reward: Reward,
    /// What this entry costs the organizer, in the program's currency.
    pub cost: Money,
    pub currency: String,
    pub status: RewardStatus,
    pub created_at: Timestamp,
    pub history: Vec<RewardChange>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RewardChange {
    pub at: Timestamp,
    pub status: RewardStatus,
    pub by: Option<MemberId>,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SurveyAnswer {
    Nps { score: u8, comment: String },
    Heard { source: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyRecord {
    pub id: SurveyId,
    pub member: MemberId,
    pub answer: SurveyAnswer,
    pub at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    Pending,
    Sent,
    /// Permanently failed (e.g. SMTP 5xx); kept with the error for organizers.
    Failed,
}

/// A message waiting to leave vouch. Workers render `template` with `data`
/// for the recipient's channel, deliver, and mark it sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: OutboxId,
    /// A random word in a mailed row's Message-ID
    /// (`<vouch.outbox.ID.TOKEN@domain>`): a reply must name it to act on
    /// the mail (a consent answer, an RSVP), so Message-IDs cannot be
    /// guessed from the row id. Rows written before it existed have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub to: IdentityKey,
    pub template: String,
    pub data: serde_json::Value,
    pub created_at: Timestamp,
    pub state: OutboxState,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub sent_at: Option<Timestamp>,
    /// Choices the recipient can make: chat adapters render buttons, mail
    /// lists them as reply keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// Files sent along by mail (an event's `.ics`); chat adapters ignore them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// A reply to an inbound mail: threads under it (In-Reply-To, References, `Re:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<MailThread>,
    /// The language chosen when the row was queued (the recipient's, or for
    /// someone vouch never heard from, the language of who caused it). At
    /// render time the recipient's own current choice still wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::Language>,
}

/// The inbound mail a reply answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailThread {
    /// `<id@host>`, angle brackets included.
    pub message_id: String,
    /// The inbound mail's own References, oldest first.
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub subject: String,
}

/// How an inbound mail's sender was authenticated (`VOUCH_MAIL_AUTH`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderAuth {
    pub passed: bool,
    /// `pass; dkim=pass (example.org); spf=fail (example.org); dmarc=pass (p=reject)`.
    pub summary: String,
}

/// A button: pressing it runs `command` (a catalog command line such as
/// `rsvp 12 yes`) as the person who pressed it. Adapters drop an action
/// whose command is longer than their platform allows (Telegram's callback
/// data: 64 bytes; Discord's custom_id: 100 characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub label: String,
    pub command: String,
}

impl Action {
    pub fn new(label: impl Into<String>, command: impl Into<String>) -> Self {
        Self { label: label.into(), command: command.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    /// A full MIME type, parameters included (`text/calendar; method=REQUEST`).
    pub content_type: String,
    pub content: String,
}

/// The remembered result of one inbound delivery (Telegram update, Discord
/// interaction, email Message-ID), so a redelivery has no second effect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboundRecord {
    pub key: String,
    pub at: Timestamp,
    /// What was answered the first time, for adapters that want to repeat it.
    pub outcome: serde_json::Value,
    /// For mail: the sender authentication verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_auth: Option<SenderAuth>,
    /// For an API `Idempotency-Key`: a hash of the request it first came
    /// with, so the same key with another request is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// A one-time code pairing a second identity with a member (`link`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkCode {
    pub code: ReferralCode,
    pub member: MemberId,
    pub expires_at: Timestamp,
}

/// A personal invite into a chat server (a Discord server invite) and whose
/// it is: a join through it is attributed to the owner. The platform names
/// the bot as the inviter of invites vouch creates, so vouch keeps the owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRecord {
    /// The platform's invite code (`discord.gg/<code>`).
    pub code: String,
    pub owner: IdentityKey,
    /// The owner's display name when the invite was made.
    pub owner_name: String,
    pub created_at: Timestamp,
    /// Lifetime in seconds; 0 never expires.
    pub max_age_secs: u32,
}

impl InviteRecord {
    /// Whether it can still be handed out at `now` with at least `margin` left.
    pub fn usable(&self, now: Timestamp, margin: chrono::Duration) -> bool {
        self.max_age_secs == 0
            || self.created_at + chrono::Duration::seconds(i64::from(self.max_age_secs)) > now + margin
    }
}

/// The HMAC key that signs vouch's web links (one-click actions in mail,
/// unsubscribe, calendar feeds). Generated once and kept in the store, so
/// backups and export/import keep every link that was mailed valid.
/// Stored and exported as hex; never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LinkSecret([u8; LinkSecret::LEN]);

impl LinkSecret {
    /// HMAC-SHA256's block-sized key would be 64 bytes; 32 random bytes
    /// already carry the full 256-bit strength.
    pub const LEN: usize = 32;

    pub fn new(bytes: [u8; Self::LEN]) -> Self {
        Self(bytes)
    }

    pub fn bytes(&self) -> &[u8; Self::LEN] {
        &self.0
    }
}

impl fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkSecret(***)")
    }
}

impl From<LinkSecret> for String {
    fn from(secret: LinkSecret) -> Self {
        secret.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl TryFrom<String> for LinkSecret {
    type Error = ParseError;

    fn try_from(hex: String) -> Result<Self, ParseError> {
        let bad = || ParseError::LinkSecret(Self::LEN * 2);
        if hex.len() != Self::LEN * 2 || !hex.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; Self::LEN];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).map_err(|_| bad())?;
        }
        Ok(Self(out))
    }
}
