//! Tree names and the value codec.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::StoreError;

/// One sled tree per entity, plus secondary indexes (`*By*`, values empty
/// unless noted). The discriminant is the position in [`TreeName::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeName {
    /// `schema` version and id counters.
    Meta,
    Members,
    /// identity key string -> Identity
    Identities,
    /// member ++ identity key
    IdentitiesByMember,
    Programs,
    /// slug -> program id
    ProgramsBySlug,
    /// canonical code -> CodeRecord
    Codes,
    /// member ++ program -> canonical code
    CodesByOwner,
    Referrals,
    /// referrer ++ referral
    ReferralsByReferrer,
    /// referred ++ program -> referral id
    ReferralsByReferred,
    Ledger,
    /// member ++ reward
    LedgerByMember,
    Surveys,
    Outbox,
    /// channel byte ++ next attempt (ms, big endian) ++ outbox id, pending rows only
    OutboxDue,
    /// inbound delivery key -> InboundRecord
    Inbound,
    /// link code -> LinkCode
    LinkCodes,
    /// recipient identity ++ 0 ++ outbox id, for pending rows only
    OutboxPendingByRecipient,
    Events,
    /// event ++ member -> Rsvp
    Rsvps,
    /// member ++ event
    RsvpsByMember,
    /// due time (ms, big endian) ++ job id -> Due (reminders, held-seat deadlines)
    EventDue,
    /// The champions' wish list.
    Wishes,
    /// Aggregates of referrals and rewards, kept with them (see `stats.rs`).
    Stats,
    /// invite code -> InviteRecord (personal chat invites, e.g. Discord's)
    Invites,
    /// owner identity ++ 0 ++ invite code
    InvitesByOwner,
    /// webhook id -> WebhookEndpoint (see `webhook.rs`); its deliveries are outbox rows.
    Webhooks,
    /// click id -> Click (counted visits of share links, see `click.rs`)
    Clicks,
    /// code ++ time (ms, big endian) ++ click id
    ClicksByCode,
    /// Aggregates of clicks, kept with them (see `click.rs`).
    ClickStats,
    /// API key id -> ApiKey (the key's hash, never the key)
    ApiKeys,
    /// key hash (hex) -> API key id
    ApiKeysByHash,
    /// external id (API `external_id`, Stripe customer) -> ExternalRef
    ExternalIds,
    /// inbox (`EmailAddress::mailbox`) ++ 0 ++ email identity key: who reads
    /// that inbox under any spelling, without a scan of every identity.
    IdentitiesByMailbox,
}

impl TreeName {
    pub const ALL: [TreeName; 35] = [
        TreeName::Meta,
        TreeName::Members,
        TreeName::Identities,
        TreeName::IdentitiesByMember,
        TreeName::Programs,
        TreeName::ProgramsBySlug,
        TreeName::Codes,
        TreeName::CodesByOwner,
        TreeName::Referrals,
        TreeName::ReferralsByReferrer,
        TreeName::ReferralsByReferred,
        TreeName::Ledger,
        TreeName::LedgerByMember,
        TreeName::Surveys,
        TreeName::Outbox,
        TreeName::OutboxDue,
        TreeName::Inbound,
        TreeName::LinkCodes,
        TreeName::OutboxPendingByRecipient,
        TreeName::Events,
        TreeName::Rsvps,
        TreeName::RsvpsByMember,
        TreeName::EventDue,
        TreeName::Wishes,
        TreeName::Stats,
        TreeName::Invites,
        TreeName::InvitesByOwner,
        TreeName::Webhooks,
        TreeName::Clicks,
        TreeName::ClicksByCode,
        TreeName::ClickStats,
        TreeName::ApiKeys,
        TreeName::ApiKeysByHash,
        TreeName::ExternalIds,
        TreeName::IdentitiesByMailbox,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TreeName::Meta => "meta",
            TreeName::Members => "members",
            TreeName::Identities => "identities",
            TreeName::IdentitiesByMember => "identities_by_member",
            TreeName::Programs => "programs",
            TreeName::ProgramsBySlug => "programs_by_slug",
            TreeName::Codes => "codes",
            TreeName::CodesByOwner => "codes_by_owner",
            TreeName::Referrals => "referrals",
            TreeName::ReferralsByReferrer => "referrals_by_referrer",
            TreeName::ReferralsByReferred => "referrals_by_referred",
            TreeName::Ledger => "ledger",
            TreeName::LedgerByMember => "ledger_by_member",
            TreeName::Surveys => "surveys",
            TreeName::Outbox => "outbox",
            TreeName::OutboxDue => "outbox_due",
            TreeName::Inbound => "inbound",
            TreeName::LinkCodes => "link_codes",
            TreeName::OutboxPendingByRecipient => "outbox_pending_by_recipient",
            TreeName::Events => "events",
            TreeName::Rsvps => "rsvps",
            TreeName::RsvpsByMember => "rsvps_by_member",
            TreeName::EventDue => "event_due",
            TreeName::Wishes => "wishes",
            TreeName::Stats => "stats",
            TreeName::Invites => "invites",
            TreeName::InvitesByOwner => "invites_by_owner",
            TreeName::Webhooks => "webhooks",
            TreeName::Clicks => "clicks",
            TreeName::ClicksByCode => "clicks_by_code",
            TreeName::ClickStats => "click_stats",
            TreeName::ApiKeys => "api_keys",
            TreeName::ApiKeysByHash => "api_keys_by_hash",
            TreeName::ExternalIds => "external_ids",
            TreeName::IdentitiesByMailbox => "identities_by_mailbox",
        }
    }
}

/// Version byte in front of every stored value. Version 1 is JSON.
const CODEC_JSON_V1: u8 = 1;

pub(crate) fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(128);
    out.push(CODEC_JSON_V1);
    serde_json::to_writer(&mut out, value).map_err(|e| StoreError::Corrupt(format!("encode: {e}")))?;
    Ok(out)
}

pub(crate) fn decode<T: DeserializeOwned>(tree: TreeName, bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&CODEC_JSON_V1, body)) => {
            serde_json::from_slice(body).map_err(|e| StoreError::Corrupt(format!("{}: {e}", tree.as_str())))
        }
        Some((v, _)) => Err(StoreError::Corrupt(format!("{}: unknown codec version {v}", tree.as_str()))),
        None => Err(StoreError::Corrupt(format!("{}: empty value", tree.as_str()))),
    }
}

/// Concatenates key parts (ids are big-endian so keys sort by id).
/// The `IdentitiesByMailbox` key of an email identity.
pub(crate) fn mailbox_key(email: &crate::EmailAddress, identity: &str) -> Vec<u8> {
    let mut k = email.mailbox().into_bytes();
    k.push(0);
    k.extend_from_slice(identity.as_bytes());
    k
}

pub(crate) fn key2(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(a.len() + b.len());
    k.extend_from_slice(a);
    k.extend_from_slice(b);
    k
}
