//! Server joins through a member's personal invite (Discord). Attribution
//! only: the referral is recorded as redeemed and never rewarded here,
//! because Discord's policies forbid incentivised invites. Joins by young
//! accounts (likely alts) are marked for an organizer's review.

use serde_json::json;
use vouch_store::{
    IdentityKey, InboundRecord, InviteRecord, Read, Referral, ReferralId, ReferralSource, ReferralState, StateChange,
    Timestamp,
};

use super::alts::HELD_FOR_REVIEW;
use super::{Caller, Cx, EngineCore, referrals};
use crate::error::UserError;

/// What a join amounted to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InviteJoin {
    Recorded {
        referral: ReferralId,
        held: bool,
    },
    /// Same delivery seen before; nothing changed.
    Duplicate,
    /// Not recorded, with why (self-invite, already referred, no program).
    Skipped(String),
}

impl std::fmt::Display for InviteJoin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InviteJoin::Recorded { referral, held: false } => write!(f, "recorded as referral {referral}"),
            InviteJoin::Recorded { referral, held: true } => {
                write!(f, "recorded as referral {referral}, held for review")
            }
            InviteJoin::Duplicate => f.write_str("already recorded"),
            InviteJoin::Skipped(why) => write!(f, "not recorded: {why}"),
        }
    }
}

/// An invite is handed out again only with at least this long left on it.
const INVITE_MARGIN: chrono::Duration = chrono::Duration::hours(1);

impl EngineCore {
    /// The owner's invite that can still be handed out, if any.
    pub fn usable_invite(&self, owner: &IdentityKey) -> Result<Option<InviteRecord>, UserError> {
        let now = self.clock.now();
        Ok(self.store.invites_of(owner)?.into_iter().find(|i| i.usable(now, INVITE_MARGIN)))
    }

    /// Records that `owner` holds invite `code` (made for them by vouch, or by
    /// hand in the client), made now with a lifetime of `max_age_secs`
    /// (0: never expires). An invite already known keeps its owner; returns
    /// whether this one is new.
    pub fn record_invite(&self, code: &str, owner: &Caller, max_age_secs: u32) -> Result<bool, UserError> {
        let invite = InviteRecord {
            code: code.to_string(),
            owner: owner.identity.clone(),
            owner_name: owner.display_name.clone(),
            created_at: self.clock.now(),
            max_age_secs,
        };
        self.import_invites(std::slice::from_ref(&invite)).map(|added| added == 1)
    }

    /// Records invites made elsewhere (the ledger file of earlier versions);
    /// ones already known are kept as they are. Returns how many were new.
    pub fn import_invites(&self, invites: &[InviteRecord]) -> Result<usize, UserError> {
        self.store.write(|tx| {
            let mut added = 0;
            for invite in invites {
                if tx.invite(&invite.code)?.is_none() {
                    tx.put_invite(invite)?;
                    added += 1;
                }
            }
            Ok(added)
        })
    }

    /// Forgets invite `code` (deleted, expired or used up): it is never
    /// handed out again. Returns whether it was known.
    pub fn forget_invite(&self, code: &str) -> Result<bool, UserError> {
        Ok(self.store.write(|tx| tx.remove_invite(code))?)
    }

    /// Whose invite `code` is.
    pub fn invite_owner(&self, code: &str) -> Result<Option<InviteRecord>, UserError> {
        Ok(self.store.invite(code)?)
    }

    /// Records that `joined` arrived through `inviter`'s personal invite.
    /// Accounts created less than `hold_younger_than` ago are held for
    /// review. `dedupe_key` identifies the join event: a replay changes
    /// nothing.
    pub fn record_invite_join(
        &self,
        inviter: &Caller,
        joined: &Caller,
        account_created: Timestamp,
        hold_younger_than: chrono::Duration,
        dedupe_key: &str,
    ) -> Result<InviteJoin, UserError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            if tx.inbound(dedupe_key)?.is_some() {
                return Ok(InviteJoin::Duplicate);
            }
            let referrer = self.resolve(tx, inviter, now)?;
            let me = self.resolve(tx, joined, now)?;
            let mut cx = Cx { engine: self, tx, me, caller: joined, now, effects: Vec::new(), mail: None };
            let result = match try_record(&mut cx, &referrer, account_created, hold_younger_than) {
                Ok(result) => result,
                // Nothing was written yet for these; the join is remembered
                // as seen so a replay stays quiet.
                Err(e @ (UserError::NoProgram | UserError::ProgramPaused { .. })) => {
                    InviteJoin::Skipped(format!("{e:?}"))
                }
                Err(e) => return Err(e),
            };
            let stored = json!({ "invite_join": result.to_string() });
            tx.put_inbound(&InboundRecord {
                key: dedupe_key.to_string(),
                at: now,
                outcome: stored,
                sender_auth: None,
                fingerprint: None,
            })?;
            Ok(result)
        })
    }
}

fn try_record(
    cx: &mut Cx<'_, '_>,
    referrer: &vouch_store::Member,
    account_created: Timestamp,
    hold_younger_than: chrono::Duration,
) -> Result<InviteJoin, UserError> {
    if referrer.id == cx.me.id {
        return Ok(InviteJoin::Skipped("joined through their own invite".into()));
    }
    let program = referrals::default_program(cx)?;
    if cx.tx.referral_of_referred(cx.me.id, program.id)?.is_some() {
        return Ok(InviteJoin::Skipped("already referred in this program".into()));
    }
    let held = cx.now - account_created < hold_younger_than;
    let note = if held {
        // A stored note, exported as it is: a plain ISO date, not a mark.
        format!("joined via Discord invite; {HELD_FOR_REVIEW}: account created {}", account_created.format("%Y-%m-%d"))
    } else {
        "joined via Discord invite".to_string()
    };
    let id = ReferralId(cx.tx.next_id("referral")?);
    let referral = Referral {
        id,
        program: program.id,
        referrer: referrer.id,
        referred: cx.me.id,
        code: None,
        source: ReferralSource::Invite,
        state: ReferralState::Redeemed,
        note: note.clone(),
        value: None,
        reject_reason: None,
        created_at: cx.now,
        history: vec![StateChange { at: cx.now, state: ReferralState::Redeemed, by: None, note }],
        introduction: None,
    };
    cx.tx.put_referral(&referral)?;
    super::webhooks::referral(cx, super::webhooks::EventType::ReferralCreated, &referral)?;
    if !held {
        let me = cx.me.clone();
        cx.notify(
            referrer,
            "notice/invite_joined",
            json!({ "referrer": referrer.display_name, "referred": me.display_name, "program": program.slug.as_str() }),
        )?;
    }
    Ok(InviteJoin::Recorded { referral: id, held })
}
