//! Typed reads. [`Read`] is implemented by the committed [`Store`] and by a
//! [`WriteTx`](crate::WriteTx) (which also sees pending and its own writes),
//! so command logic is written once for both.

use std::ops::Bound;

use serde::de::DeserializeOwned;

use crate::tree::{TreeName, decode, key2};
use crate::*;

/// The smallest key greater than every key starting with `prefix`.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

pub trait Read {
    fn get_raw(&self, tree: TreeName, key: &[u8]) -> Result<Option<sled::IVec>, StoreError>;

    /// Key/value pairs of `tree` with `start <= key` and below `end`, in key order.
    fn scan_raw(
        &self,
        tree: TreeName,
        start: &[u8],
        end: Bound<&[u8]>,
    ) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError>;

    /// At most `limit` pairs of [`Read::scan_raw`]'s range: the first ones,
    /// or with `last` the last ones (newest first).
    fn scan_raw_limited(
        &self,
        tree: TreeName,
        start: &[u8],
        end: Bound<&[u8]>,
        limit: usize,
        last: bool,
    ) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError>;

    /// At most `limit` pairs under `prefix`: the first ones, or with `last`
    /// the last ones (last first).
    fn scan_prefix_limited(
        &self,
        tree: TreeName,
        prefix: &[u8],
        limit: usize,
        last: bool,
    ) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
        let end = prefix_end(prefix);
        let end = end.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
        self.scan_raw_limited(tree, prefix, end, limit, last)
    }

    fn scan_prefix_raw(&self, tree: TreeName, prefix: &[u8]) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
        match prefix_end(prefix) {
            Some(end) => self.scan_raw(tree, prefix, Bound::Excluded(&end)),
            None => self.scan_raw(tree, prefix, Bound::Unbounded),
        }
    }

    fn get<V: DeserializeOwned>(&self, tree: TreeName, key: &[u8]) -> Result<Option<V>, StoreError> {
        self.get_raw(tree, key)?.map(|v| decode(tree, &v)).transpose()
    }

    fn scan_values<V: DeserializeOwned>(&self, tree: TreeName, prefix: &[u8]) -> Result<Vec<V>, StoreError> {
        self.scan_prefix_raw(tree, prefix)?.iter().map(|(_, v)| decode(tree, v)).collect()
    }

    /// Follows an index whose keys end in an 8-byte id into `target`.
    fn scan_index<V: DeserializeOwned>(
        &self,
        index: TreeName,
        prefix: &[u8],
        target: TreeName,
    ) -> Result<Vec<V>, StoreError> {
        let mut out = Vec::new();
        for (k, _) in self.scan_prefix_raw(index, prefix)? {
            let id = k.get(k.len().saturating_sub(8)..).unwrap_or_default();
            if let Some(v) = self.get::<V>(target, id)? {
                out.push(v);
            }
        }
        Ok(out)
    }

    fn member(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
        self.get(TreeName::Members, &id.to_key())
    }

    fn identity(&self, key: &IdentityKey) -> Result<Option<Identity>, StoreError> {
        self.get(TreeName::Identities, key.to_string().as_bytes())
    }

    fn member_by_identity(&self, key: &IdentityKey) -> Result<Option<Member>, StoreError> {
        match self.identity(key)? {
            Some(identity) => self.member(identity.member),
            None => Ok(None),
        }
    }

    fn program(&self, id: ProgramId) -> Result<Option<Program>, StoreError> {
        self.get(TreeName::Programs, &id.to_key())
    }

    fn program_by_slug(&self, slug: &Slug) -> Result<Option<Program>, StoreError> {
        match self.get_raw(TreeName::ProgramsBySlug, slug.as_str().as_bytes())? {
            Some(id) => match ProgramId::from_key(&id) {
                Some(id) => self.program(id),
                None => Err(StoreError::Corrupt("programs_by_slug".into())),
            },
            None => Ok(None),
        }
    }

    fn code(&self, code: &ReferralCode) -> Result<Option<CodeRecord>, StoreError> {
        self.get(TreeName::Codes, code.as_str().as_bytes())
    }

    /// A member's code for a program, if one was issued.
    fn code_of(&self, member: MemberId, program: ProgramId) -> Result<Option<CodeRecord>, StoreError> {
        match self.get_raw(TreeName::CodesByOwner, &key2(&member.to_key(), &program.to_key()))? {
            Some(code) => {
                let code = std::str::from_utf8(&code)
                    .ok()
                    .and_then(|c| ReferralCode::parse(c).ok())
                    .ok_or_else(|| StoreError::Corrupt("codes_by_owner".into()))?;
                self.code(&code)
            }
            None => Ok(None),
        }
    }

    fn referral(&self, id: ReferralId) -> Result<Option<Referral>, StoreError> {
        self.get(TreeName::Referrals, &id.to_key())
    }

    /// The referral (if any) that brought `referred` into `program`.
    fn referral_of_referred(&self, referred: MemberId, program: ProgramId) -> Result<Option<Referral>, StoreError> {
        match self.get_raw(TreeName::ReferralsByReferred, &key2(&referred.to_key(), &program.to_key()))? {
            Some(id) => match ReferralId::from_key(&id) {
                Some(id) => self.referral(id),
                None => Err(StoreError::Corrupt("referrals_by_referred".into())),
            },
            None => Ok(None),
        }
    }

    fn reward(&self, id: RewardId) -> Result<Option<RewardEntry>, StoreError> {
        self.get(TreeName::Ledger, &id.to_key())
    }

    fn link_code(&self, code: &ReferralCode) -> Result<Option<LinkCode>, StoreError> {
        self.get(TreeName::LinkCodes, code.as_str().as_bytes())
    }

    fn invite(&self, code: &str) -> Result<Option<InviteRecord>, StoreError> {
        self.get(TreeName::Invites, code.as_bytes())
    }

    /// The invites `owner` holds, oldest code first.
    fn invites_of(&self, owner: &IdentityKey) -> Result<Vec<InviteRecord>, StoreError> {
        let mut prefix = owner.to_string().into_bytes();
        prefix.push(0);
        let mut found = Vec::new();
        for (key, _) in self.scan_prefix_raw(TreeName::InvitesByOwner, &prefix)? {
            let code = std::str::from_utf8(&key[prefix.len()..])
                .map_err(|_| StoreError::Corrupt("invites_by_owner".into()))?;
            found.extend(self.invite(code)?);
        }
        Ok(found)
    }

    fn inbound(&self, key: &str) -> Result<Option<InboundRecord>, StoreError> {
        self.get(TreeName::Inbound, key.as_bytes())
    }

    fn outbox(&self, id: OutboxId) -> Result<Option<OutboxMessage>, StoreError> {
        self.get(TreeName::Outbox, &id.to_key())
    }

    fn members(&self) -> Result<Vec<Member>, StoreError> {
        self.scan_values(TreeName::Members, b"")
    }

    fn identities(&self) -> Result<Vec<Identity>, StoreError> {
        self.scan_values(TreeName::Identities, b"")
    }

    fn identities_of(&self, member: MemberId) -> Result<Vec<Identity>, StoreError> {
        let mut out = Vec::new();
        for (k, _) in self.scan_prefix_raw(TreeName::IdentitiesByMember, &member.to_key())? {
            if let Some(identity) = self.get(TreeName::Identities, &k[8..])? {
                out.push(identity);
            }
        }
        Ok(out)
    }

    /// Every email identity reading `mailbox` (see `EmailAddress::mailbox`),
    /// from the index: no scan of the community's identities.
    fn identities_at_mailbox(&self, mailbox: &str) -> Result<Vec<Identity>, StoreError> {
        let mut prefix = mailbox.as_bytes().to_vec();
        prefix.push(0);
        let mut out = Vec::new();
        for (k, _) in self.scan_prefix_raw(TreeName::IdentitiesByMailbox, &prefix)? {
            if let Some(identity) = self.get(TreeName::Identities, &k[prefix.len()..])? {
                out.push(identity);
            }
        }
        Ok(out)
    }

    fn programs(&self) -> Result<Vec<Program>, StoreError> {
        self.scan_values(TreeName::Programs, b"")
    }

    fn codes(&self) -> Result<Vec<CodeRecord>, StoreError> {
        self.scan_values(TreeName::Codes, b"")
    }

    fn referrals(&self) -> Result<Vec<Referral>, StoreError> {
        self.scan_values(TreeName::Referrals, b"")
    }

    fn referrals_by_referrer(&self, referrer: MemberId) -> Result<Vec<Referral>, StoreError> {
        self.scan_index(TreeName::ReferralsByReferrer, &referrer.to_key(), TreeName::Referrals)
    }

    fn rewards(&self) -> Result<Vec<RewardEntry>, StoreError> {
        self.scan_values(TreeName::Ledger, b"")
    }

    fn rewards_of(&self, member: MemberId) -> Result<Vec<RewardEntry>, StoreError> {
        self.scan_index(TreeName::LedgerByMember, &member.to_key(), TreeName::Ledger)
    }

    fn surveys(&self) -> Result<Vec<SurveyRecord>, StoreError> {
        self.scan_values(TreeName::Surveys, b"")
    }

    fn wish(&self, id: crate::WishId) -> Result<Option<crate::Wish>, StoreError> {
        self.get(TreeName::Wishes, &id.to_key())
    }

    fn webhook(&self, id: crate::WebhookId) -> Result<Option<crate::WebhookEndpoint>, StoreError> {
        self.get(TreeName::Webhooks, &id.to_key())
    }

    /// Every webhook endpoint, oldest first (enabled and disabled).
    fn webhooks(&self) -> Result<Vec<crate::WebhookEndpoint>, StoreError> {
        self.scan_values(TreeName::Webhooks, b"")
    }

    /// The wish list, oldest first (open, met and dropped).
    fn wishes(&self) -> Result<Vec<crate::Wish>, StoreError> {
        self.scan_values(TreeName::Wishes, b"")
    }

    fn outbox_messages(&self) -> Result<Vec<OutboxMessage>, StoreError> {
        self.scan_values(TreeName::Outbox, b"")
    }

    /// Pending outbox rows for `channel` due at or before `now`, oldest first.
    fn outbox_due(&self, channel: Channel, now: Timestamp, limit: usize) -> Result<Vec<OutboxMessage>, StoreError> {
        let ms = now.timestamp_millis().max(0) as u64;
        let start = [channel.key_byte()];
        let end = key2(&start, &(ms + 1).to_be_bytes());
        let mut out = Vec::new();
        for (k, _) in self.scan_raw(TreeName::OutboxDue, &start, Bound::Excluded(&end))?.into_iter().take(limit) {
            if let Some(m) = self.get(TreeName::Outbox, &k[k.len() - 8..])? {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// Pending outbox rows addressed to one identity, oldest first (how the
    /// console shows a person their notices without reading everyone's).
    fn outbox_pending_for(&self, to: &IdentityKey) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut prefix = to.to_string().into_bytes();
        prefix.push(0);
        self.scan_index(TreeName::OutboxPendingByRecipient, &prefix, TreeName::Outbox)
    }

    fn inbound_records(&self) -> Result<Vec<InboundRecord>, StoreError> {
        self.scan_values(TreeName::Inbound, b"")
    }

    fn event(&self, id: EventId) -> Result<Option<Event>, StoreError> {
        self.get(TreeName::Events, &id.to_key())
    }

    fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.scan_values(TreeName::Events, b"")
    }

    fn rsvp(&self, event: EventId, member: MemberId) -> Result<Option<Rsvp>, StoreError> {
        self.get(TreeName::Rsvps, &key2(&event.to_key(), &member.to_key()))
    }

    /// Every answer to one event, in member order.
    fn rsvps_of_event(&self, event: EventId) -> Result<Vec<Rsvp>, StoreError> {
        self.scan_values(TreeName::Rsvps, &event.to_key())
    }

    /// Every answer one member gave, in event order.
    fn rsvps_of_member(&self, member: MemberId) -> Result<Vec<Rsvp>, StoreError> {
        let mut out = Vec::new();
        for (k, _) in self.scan_prefix_raw(TreeName::RsvpsByMember, &member.to_key())? {
            if let Some(event) = EventId::from_key(&k[8..])
                && let Some(r) = self.rsvp(event, member)?
            {
                out.push(r);
            }
        }
        Ok(out)
    }

    fn rsvps(&self) -> Result<Vec<Rsvp>, StoreError> {
        self.scan_values(TreeName::Rsvps, b"")
    }

    /// Scheduler jobs due at or before `now`, earliest first.
    fn due_jobs(&self, now: Timestamp, limit: usize) -> Result<Vec<Due>, StoreError> {
        let ms = now.timestamp_millis().max(0) as u64;
        let end = (ms + 1).to_be_bytes();
        self.scan_raw(TreeName::EventDue, b"", Bound::Excluded(&end))?
            .into_iter()
            .take(limit)
            .map(|(_, v)| decode(TreeName::EventDue, &v))
            .collect()
    }

    /// The stored row of a scheduled job, if it is still there.
    fn due_row(&self, due: &Due) -> Result<Option<Due>, StoreError> {
        self.get(TreeName::EventDue, &due.key())
    }

    /// The earliest scheduled job's time.
    fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        Ok(self
            .scan_raw(TreeName::EventDue, b"", Bound::Unbounded)?
            .first()
            .map(|(_, v)| decode::<Due>(TreeName::EventDue, v))
            .transpose()?
            .map(|d| d.at))
    }

    fn due_all(&self) -> Result<Vec<Due>, StoreError> {
        self.scan_values(TreeName::EventDue, b"")
    }

    fn invites(&self) -> Result<Vec<InviteRecord>, StoreError> {
        self.scan_values(TreeName::Invites, b"")
    }

    fn link_codes(&self) -> Result<Vec<LinkCode>, StoreError> {
        self.scan_values(TreeName::LinkCodes, b"")
    }

    /// Current value of an id counter (the last id handed out).
    fn counter(&self, name: &str) -> Result<u64, StoreError> {
        counter_value(self.get_raw(TreeName::Meta, &counter_key(name))?)
    }

    /// The key that signs web links, once one was made (see [`LinkSecret`]).
    fn link_secret(&self) -> Result<Option<LinkSecret>, StoreError> {
        self.get(TreeName::Meta, LINK_SECRET_KEY)
    }

    fn counters(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.scan_prefix_raw(TreeName::Meta, b"next:")?
            .into_iter()
            .map(|(k, v)| Ok((String::from_utf8_lossy(&k[5..]).into_owned(), counter_value(Some(v))?)))
            .collect()
    }
}

/// The committed state: what a flush made (or is making) durable.
/// A poisoned store reads nothing: sled's memory may hold a batch whose
/// flush failed, and no one may see (or deliver) what was never saved.
impl Read for Store {
    fn get_raw(&self, tree: TreeName, key: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        self.group.check()?;
        Ok(self.tree(tree).get(key)?)
    }

    fn scan_raw(
        &self,
        tree: TreeName,
        start: &[u8],
        end: Bound<&[u8]>,
    ) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
        self.group.check()?;
        let range = (Bound::Included(start), end);
        self.tree(tree).range::<&[u8], _>(range).map(|kv| kv.map_err(StoreError::from)).collect()
    }

    fn scan_raw_limited(
        &self,
        tree: TreeName,
        start: &[u8],
        end: Bound<&[u8]>,
        limit: usize,
        last: bool,
    ) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
        self.group.check()?;
        let range = self.tree(tree).range::<&[u8], _>((Bound::Included(start), end));
        if last {
            range.rev().take(limit).map(|kv| kv.map_err(StoreError::from)).collect()
        } else {
            range.take(limit).map(|kv| kv.map_err(StoreError::from)).collect()
        }
    }
}

/// Where [`LinkSecret`] lives in the meta tree (next to `schema` and the
/// `next:*` counters; a versioned JSON value like every entity).
pub(crate) const LINK_SECRET_KEY: &[u8] = b"link_secret";

pub(crate) fn counter_key(name: &str) -> Vec<u8> {
    format!("next:{name}").into_bytes()
}

pub(crate) fn counter_value(v: Option<sled::IVec>) -> Result<u64, StoreError> {
    match v {
        None => Ok(0),
        Some(v) => Ok(u64::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt("counter".into()))?)),
    }
}
