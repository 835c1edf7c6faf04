//! Alt-account rules for referrals, on top of the pure signals in
//! [`crate::abuse`]: one inbox under several spellings (`+alias`, Gmail
//! dots) is one person, so it can neither refer itself nor be referred
//! twice; and a conversion that looks like an alt (a disposable mailbox, a
//! Discord account too new) is held for an organizer instead of being
//! rewarded automatically.

use std::collections::BTreeSet;

use vouch_store::{EmailAddress, Member, MemberId, Read, Referral, ReferralSource};

use super::Cx;
use crate::abuse::{is_disposable, mailbox_key};
use crate::error::UserError;

/// Marks a join by a young account in the referral's note; a conversion of
/// such a referral waits for an organizer (see [`hold_reason`]).
pub(super) const HELD_FOR_REVIEW: &str = "held for review";

/// Every address a member is known by: email identities and the one on file.
pub(super) fn emails_of(cx: &Cx<'_, '_>, member: &Member) -> Result<Vec<EmailAddress>, UserError> {
    let mut out: Vec<EmailAddress> = cx.tx.identities_of(member.id)?.iter().filter_map(|i| i.key.email()).collect();
    out.extend(member.email.clone());
    Ok(out)
}

/// True when two members share an inbox under any spelling.
pub(super) fn same_person(cx: &Cx<'_, '_>, a: &Member, b: &Member) -> Result<bool, UserError> {
    if a.id == b.id {
        return Ok(true);
    }
    let theirs: BTreeSet<String> = emails_of(cx, b)?.iter().map(mailbox_key).collect();
    Ok(emails_of(cx, a)?.iter().any(|e| theirs.contains(&mailbox_key(e))))
}

/// Members other than `except` who use the same inbox as any of `emails`,
/// from the store's inbox index (a lookup per address, not a scan).
pub(super) fn members_at_inbox(
    cx: &Cx<'_, '_>,
    emails: &[EmailAddress],
    except: Option<MemberId>,
) -> Result<Vec<MemberId>, UserError> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let inboxes: BTreeSet<String> = emails.iter().map(mailbox_key).collect();
    let mut found = BTreeSet::new();
    for inbox in &inboxes {
        found.extend(cx.tx.identities_at_mailbox(inbox)?.into_iter().map(|i| i.member).filter(|m| Some(*m) != except));
    }
    Ok(found.into_iter().collect())
}

/// Why a converted referral needs an organizer's look before any reward,
/// as a locale key under `hold.` (None: nothing suspicious).
pub(super) fn hold_reason(cx: &Cx<'_, '_>, r: &Referral) -> Result<Option<&'static str>, UserError> {
    let referred = cx.member(r.referred)?;
    let emails = emails_of(cx, &referred)?;
    if emails.iter().any(is_disposable) {
        return Ok(Some("disposable_email"));
    }
    if same_person(cx, &referred, &cx.member(r.referrer)?)? {
        return Ok(Some("same_inbox"));
    }
    if r.source == ReferralSource::Invite && r.note.contains(HELD_FOR_REVIEW) {
        return Ok(Some("new_account"));
    }
    Ok(None)
}
