//! `refund REFERRAL [reason]`: the referred customer got their money back
//! (the API's `POST /api/v1/refunds`, Stripe's `charge.refunded`). Rewards
//! not yet paid are reversed: each gets a reversal entry in its history
//! (voided, with the reason), so `why` shows what happened and costs drop.
//! Paid rewards are never erased: they get a flag entry and the organizers
//! a notice to decide whether to recover them.

use serde_json::json;
use vouch_store::{Read, ReferralId, RewardChange, RewardEntry, RewardStatus, StateChange};

use super::Cx;
use super::referrals::{entry_json, referral_json};
use crate::error::UserError;
use crate::reply::Outcome;

/// The history note that marks a referral's refund (and each reversal).
pub(crate) const REFUND_NOTE: &str = "refunded";

pub(super) fn refund(cx: &mut Cx<'_, '_>, id: ReferralId, reason: &str) -> Result<Outcome, UserError> {
    let mut r = cx.tx.referral(id)?.ok_or(UserError::UnknownReferral { id: id.to_string() })?;
    let refuse = |hint: &str| UserError::InvalidTransition {
        id: r.id.to_string(),
        state: r.state.as_str(),
        action: "refund",
        hint: hint.to_string(),
    };
    if !r.state.is_converted() {
        return Err(refuse("it never converted, so there is nothing to refund"));
    }
    if r.history.iter().any(|h| h.note.starts_with(REFUND_NOTE)) {
        return Err(refuse("it was refunded already"));
    }
    let note =
        if reason.trim().is_empty() { REFUND_NOTE.to_string() } else { format!("{REFUND_NOTE}: {}", reason.trim()) };
    let entries: Vec<RewardEntry> = cx
        .tx
        .rewards_of(r.referrer)?
        .into_iter()
        .chain(if r.referred == r.referrer { Vec::new() } else { cx.tx.rewards_of(r.referred)? })
        .filter(|e| e.referral == r.id)
        .collect();
    let (mut reversed, mut flagged) = (Vec::new(), Vec::new());
    for mut e in entries {
        match e.status {
            RewardStatus::Pending | RewardStatus::Approved => {
                e.status = RewardStatus::Void;
                e.history.push(RewardChange {
                    at: cx.now,
                    status: RewardStatus::Void,
                    by: Some(cx.me.id),
                    note: note.clone(),
                });
                cx.tx.put_reward(&e)?;
                super::webhooks::reward(cx, super::webhooks::EventType::RewardReversed, &e)?;
                reversed.push(e);
            }
            RewardStatus::Paid => {
                let flag = format!("{note} after payout: for the organizers to review");
                e.history.push(RewardChange { at: cx.now, status: RewardStatus::Paid, by: Some(cx.me.id), note: flag });
                cx.tx.put_reward(&e)?;
                flagged.push(e);
            }
            RewardStatus::Void => {}
        }
    }
    r.history.push(StateChange { at: cx.now, state: r.state, by: Some(cx.me.id), note: note.clone() });
    cx.tx.put_referral(&r)?;
    let referrer = cx.member(r.referrer)?;
    let referred = cx.member(r.referred)?;
    if !flagged.is_empty() {
        let rewards = flagged.iter().map(|e| entry_json(e, cx)).collect::<Result<Vec<_>, _>>()?;
        for organizer in super::members::organizers(cx)? {
            cx.notify(
                &organizer,
                "notice/refund_after_payout",
                json!({
                    "name": organizer.display_name,
                    "id": r.id.to_string(),
                    "referrer": referrer.display_name,
                    "referred": referred.display_name,
                    "reason": reason.trim(),
                    "rewards": rewards,
                }),
            )?;
        }
    }
    let mut data = referral_json(cx, &r)?;
    data["reversed"] = json!(reversed.iter().map(|e| entry_json(e, cx)).collect::<Result<Vec<_>, _>>()?);
    data["flagged"] = json!(flagged.iter().map(|e| entry_json(e, cx)).collect::<Result<Vec<_>, _>>()?);
    data["refund_reason"] = json!(reason.trim());
    Ok(cx.reply("reply/refunded", data))
}
