//! The write side. Commands run one at a time under the store's writer
//! lock. Each collects its writes in its own overlay; on success they join
//! the pending batch, which later commands read through. A group commit
//! moves the whole batch into sled as one write-only transaction (atomic
//! across trees and crashes) and then flushes once, so sled's per-transaction
//! cost and the fsync are paid once per batch rather than once per command.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Bound;

use serde::Serialize;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};

use crate::read::{LINK_SECRET_KEY, counter_key, counter_value};
use crate::tree::{TreeName, encode, key2};
use crate::*;

/// Writes by (tree, key); `None` removes.
pub(crate) type Overlay = BTreeMap<(usize, Vec<u8>), Option<Vec<u8>>>;

/// Commands that ran but are not yet in sled, and their sequence numbers.
#[derive(Default)]
pub(crate) struct Pending {
    writes: Overlay,
    last_seq: u64,
}

impl Pending {
    /// The sequence number of the last command that wrote.
    pub(crate) fn last_seq(&self) -> u64 {
        self.last_seq
    }

    pub(crate) fn add(&mut self, writes: Overlay) -> u64 {
        self.writes.extend(writes);
        self.last_seq += 1;
        self.last_seq
    }
}

/// A transaction in progress. Obtained from [`Store::write`].
pub struct WriteTx<'a> {
    store: &'a Store,
    pending: &'a Overlay,
    writes: RefCell<Overlay>,
}

/// Runs `f`; returns its value and its writes (not yet applied anywhere).
pub(crate) fn run<T, E>(
    store: &Store,
    pending: &Pending,
    f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>,
) -> Result<(T, Overlay), E>
where
    E: From<StoreError>,
{
    let mut tx = WriteTx { store, pending: &pending.writes, writes: RefCell::new(BTreeMap::new()) };
    let value = f(&mut tx)?;
    Ok((value, tx.writes.into_inner()))
}

/// Moves the pending batch into sled as one transaction; returns the last
/// sequence number it covers.
pub(crate) fn commit(store: &Store, pending: &mut Pending) -> Result<u64, StoreError> {
    if pending.writes.is_empty() {
        return Ok(pending.last_seq);
    }
    let writes = &pending.writes;
    let mut touched: Vec<usize> = writes.keys().map(|(t, _)| *t).collect();
    touched.dedup();
    let trees: Vec<sled::Tree> = touched.iter().map(|t| store.trees[*t].clone()).collect();
    let result = trees.as_slice().transaction(|views: &Vec<TransactionalTree>| {
        for ((tree, key), value) in writes {
            let slot = touched.iter().position(|t| t == tree).unwrap_or_default();
            match value {
                Some(v) => views[slot].insert(key.as_slice(), v.as_slice())?,
                None => views[slot].remove(key.as_slice())?,
            };
        }
        Ok::<_, ConflictableTransactionError<StoreError>>(())
    });
    match result {
        Ok(()) => {
            pending.writes.clear();
            Ok(pending.last_seq)
        }
        Err(TransactionError::Abort(e)) => Err(e),
        Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
    }
}

/// The overlay's keys of `tree` within `[start, end)`.
type OverlayRange = (Bound<(usize, Vec<u8>)>, Bound<(usize, Vec<u8>)>);

fn overlay_range(tree: TreeName, start: &[u8], end: Bound<&[u8]>) -> OverlayRange {
    let lo = Bound::Included((tree as usize, start.to_vec()));
    let hi = match end {
        Bound::Excluded(e) => Bound::Excluded((tree as usize, e.to_vec())),
        Bound::Included(e) => Bound::Included((tree as usize, e.to_vec())),
        Bound::Unbounded => Bound::Excluded((tree as usize + 1, Vec::new())),
    };
    (lo, hi)
}

/// Applies overlay entries of `tree` within `[start, end)` onto `base`.
fn merge(base: &mut BTreeMap<Vec<u8>, sled::IVec>, overlay: &Overlay, tree: TreeName, start: &[u8], end: Bound<&[u8]>) {
    for ((_, key), value) in overlay.range(overlay_range(tree, start, end)) {
        match value {
            Some(v) => base.insert(key.clone(), sled::IVec::from(v.as_slice())),
            None => base.remove(key),
        };
    }
}

impl Read for WriteTx<'_> {
    fn get_raw(&self, tree: TreeName, key: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        let k = (tree as usize, key.to_vec());
        if let Some(own) = self.writes.borrow().get(&k) {
            return Ok(own.as_deref().map(sled::IVec::from));
        }
        if let Some(pending) = self.pending.get(&k) {
            return Ok(pending.as_deref().map(sled::IVec::from));
        }
        self.store.get_raw(tree, key)
    }

    fn scan_raw(
        &self,
        tree: TreeName,
        start: &[u8],
        end: Bound<&[u8]>,
    ) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
        let base = self.store.scan_raw(tree, start, end)?;
        if self.pending.is_empty() && self.writes.borrow().is_empty() {
            return Ok(base);
        }
        let mut merged: BTreeMap<Vec<u8>, sled::IVec> = base.into_iter().map(|(k, v)| (k.to_vec(), v)).collect();
        merge(&mut merged, self.pending, tree, start, end);
        merge(&mut merged, &self.writes.borrow(), tree, start, end);
        Ok(merged.into_iter().map(|(k, v)| (sled::IVec::from(k), v)).collect())
    }

    fn scan_raw_limited(
        &self,
        tree: TreeName,
        start: &[u8],
        end: Bound<&[u8]>,
        limit: usize,
        last: bool,
    ) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
        // Enough of the committed range that the overlay's removals in it
        // cannot leave fewer than `limit`, then the overlay on top.
        let in_range = |overlay: &Overlay| overlay.range(overlay_range(tree, start, end)).count();
        let extra = in_range(self.pending) + in_range(&self.writes.borrow());
        let wanted = limit.saturating_add(extra);
        let base = self.store.scan_raw_limited(tree, start, end, wanted, last)?;
        if extra == 0 {
            return Ok(base);
        }
        // A full base covers only part of the range, up to the last key it
        // read (forward) or from it (backward, read in reverse): overlay
        // entries past that part would jump committed keys never read.
        let (lo, hi) = match base.last() {
            Some((edge, _)) if base.len() >= wanted && last => (edge.to_vec(), end.map(<[u8]>::to_vec)),
            Some((edge, _)) if base.len() >= wanted => (start.to_vec(), Bound::Included(edge.to_vec())),
            _ => (start.to_vec(), end.map(<[u8]>::to_vec)),
        };
        let hi = hi.as_ref().map(Vec::as_slice);
        let mut merged: BTreeMap<Vec<u8>, sled::IVec> = base.into_iter().map(|(k, v)| (k.to_vec(), v)).collect();
        merge(&mut merged, self.pending, tree, &lo, hi);
        merge(&mut merged, &self.writes.borrow(), tree, &lo, hi);
        let pairs = merged.into_iter().map(|(k, v)| (sled::IVec::from(k), v));
        Ok(if last { pairs.rev().take(limit).collect() } else { pairs.take(limit).collect() })
    }
}

impl WriteTx<'_> {
    pub(crate) fn insert_raw(&self, tree: TreeName, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.writes.borrow_mut().insert((tree as usize, key.to_vec()), Some(value.to_vec()));
        Ok(())
    }

    pub(crate) fn remove_raw(&self, tree: TreeName, key: &[u8]) -> Result<(), StoreError> {
        self.writes.borrow_mut().insert((tree as usize, key.to_vec()), None);
        Ok(())
    }

    fn put<V: Serialize>(&self, tree: TreeName, key: &[u8], value: &V) -> Result<(), StoreError> {
        self.insert_raw(tree, key, &encode(value)?)
    }

    /// Hands out the next id of a sequence (`member`, `referral`, ...).
    pub fn next_id(&self, name: &str) -> Result<u64, StoreError> {
        let key = counter_key(name);
        let next = counter_value(self.get_raw(TreeName::Meta, &key)?)? + 1;
        self.insert_raw(TreeName::Meta, &key, &next.to_be_bytes())?;
        Ok(next)
    }

    /// Sets a counter to at least `value` (import).
    pub fn raise_counter(&self, name: &str, value: u64) -> Result<(), StoreError> {
        let key = counter_key(name);
        if counter_value(self.get_raw(TreeName::Meta, &key)?)? < value {
            self.insert_raw(TreeName::Meta, &key, &value.to_be_bytes())?;
        }
        Ok(())
    }

    /// Stores the key that signs web links. Replacing it invalidates every
    /// link mailed so far: only the first start and an import do this.
    pub fn put_link_secret(&self, secret: &LinkSecret) -> Result<(), StoreError> {
        self.put(TreeName::Meta, LINK_SECRET_KEY, secret)
    }

    pub fn put_member(&self, m: &Member) -> Result<(), StoreError> {
        self.put(TreeName::Members, &m.id.to_key(), m)
    }

    /// Removes a member record (only for one left without identities or history).
    pub fn remove_member(&self, id: MemberId) -> Result<(), StoreError> {
        self.remove_raw(TreeName::Members, &id.to_key())
    }

    /// Inserts or moves an identity, keeping the by-member index right.
    pub fn put_identity(&self, identity: &Identity) -> Result<(), StoreError> {
        let key = identity.key.to_string();
        if let Some(old) = self.identity(&identity.key)?
            && old.member != identity.member
        {
            self.remove_raw(TreeName::IdentitiesByMember, &key2(&old.member.to_key(), key.as_bytes()))?;
        }
        self.insert_raw(TreeName::IdentitiesByMember, &key2(&identity.member.to_key(), key.as_bytes()), b"")?;
        if let Some(email) = identity.key.email() {
            self.insert_raw(TreeName::IdentitiesByMailbox, &crate::tree::mailbox_key(&email, &key), b"")?;
        }
        self.put(TreeName::Identities, key.as_bytes(), identity)
    }

    pub fn put_program(&self, p: &Program) -> Result<(), StoreError> {
        if let Some(old) = self.program(p.id)?
            && old.slug != p.slug
        {
            self.remove_raw(TreeName::ProgramsBySlug, old.slug.as_str().as_bytes())?;
        }
        self.insert_raw(TreeName::ProgramsBySlug, p.slug.as_str().as_bytes(), &p.id.to_key())?;
        self.put(TreeName::Programs, &p.id.to_key(), p)
    }

    pub fn put_code(&self, c: &CodeRecord) -> Result<(), StoreError> {
        self.insert_raw(
            TreeName::CodesByOwner,
            &key2(&c.member.to_key(), &c.program.to_key()),
            c.code.as_str().as_bytes(),
        )?;
        self.put(TreeName::Codes, c.code.as_str().as_bytes(), c)
    }

    /// Referrer, referred and program never change after creation, so the
    /// indexes are written once and re-writing them is harmless.
    pub fn put_referral(&self, r: &Referral) -> Result<(), StoreError> {
        self.count_referral(r)?;
        self.insert_raw(TreeName::ReferralsByReferrer, &key2(&r.referrer.to_key(), &r.id.to_key()), b"")?;
        self.insert_raw(
            TreeName::ReferralsByReferred,
            &key2(&r.referred.to_key(), &r.program.to_key()),
            &r.id.to_key(),
        )?;
        self.put(TreeName::Referrals, &r.id.to_key(), r)
    }

    pub fn put_reward(&self, w: &RewardEntry) -> Result<(), StoreError> {
        self.count_reward(w)?;
        self.insert_raw(TreeName::LedgerByMember, &key2(&w.member.to_key(), &w.id.to_key()), b"")?;
        self.put(TreeName::Ledger, &w.id.to_key(), w)
    }

    pub fn put_survey(&self, s: &SurveyRecord) -> Result<(), StoreError> {
        self.put(TreeName::Surveys, &s.id.to_key(), s)
    }

    pub fn put_wish(&self, w: &crate::Wish) -> Result<(), StoreError> {
        self.put(TreeName::Wishes, &w.id.to_key(), w)
    }

    pub fn put_webhook(&self, w: &crate::WebhookEndpoint) -> Result<(), StoreError> {
        self.put(TreeName::Webhooks, &w.id.to_key(), w)
    }

    pub fn remove_webhook(&self, id: crate::WebhookId) -> Result<(), StoreError> {
        self.remove_raw(TreeName::Webhooks, &id.to_key())
    }

    /// Inserts or updates an outbox row; only pending rows are in the due index.
    pub fn put_outbox(&self, m: &OutboxMessage) -> Result<(), StoreError> {
        if let Some(old) = self.outbox(m.id)? {
            self.remove_raw(TreeName::OutboxDue, &due_key(&old))?;
            self.remove_raw(TreeName::OutboxPendingByRecipient, &recipient_key(&old.to, old.id))?;
        }
        if m.state == OutboxState::Pending {
            self.insert_raw(TreeName::OutboxDue, &due_key(m), b"")?;
            self.insert_raw(TreeName::OutboxPendingByRecipient, &recipient_key(&m.to, m.id), b"")?;
        }
        self.put(TreeName::Outbox, &m.id.to_key(), m)
    }

    pub fn put_inbound(&self, r: &InboundRecord) -> Result<(), StoreError> {
        self.put(TreeName::Inbound, r.key.as_bytes(), r)
    }

    pub fn remove_inbound(&self, key: &str) -> Result<(), StoreError> {
        self.remove_raw(TreeName::Inbound, key.as_bytes())
    }

    pub fn put_link_code(&self, l: &LinkCode) -> Result<(), StoreError> {
        self.put(TreeName::LinkCodes, l.code.as_str().as_bytes(), l)
    }

    pub fn put_event(&self, e: &Event) -> Result<(), StoreError> {
        self.put(TreeName::Events, &e.id.to_key(), e)
    }

    pub fn put_rsvp(&self, r: &Rsvp) -> Result<(), StoreError> {
        self.insert_raw(TreeName::RsvpsByMember, &key2(&r.member.to_key(), &r.event.to_key()), b"")?;
        self.put(TreeName::Rsvps, &key2(&r.event.to_key(), &r.member.to_key()), r)
    }

    /// Schedules a job; `due.id` comes from [`WriteTx::next_id`]`("due")`.
    pub fn put_due(&self, due: &Due) -> Result<(), StoreError> {
        self.put(TreeName::EventDue, &due.key(), due)
    }

    pub fn remove_due(&self, due: &Due) -> Result<(), StoreError> {
        self.remove_raw(TreeName::EventDue, &due.key())
    }

    pub fn remove_link_code(&self, code: &ReferralCode) -> Result<(), StoreError> {
        self.remove_raw(TreeName::LinkCodes, code.as_str().as_bytes())
    }

    /// Records an invite; an invite's owner never changes.
    pub fn put_invite(&self, invite: &InviteRecord) -> Result<(), StoreError> {
        self.insert_raw(TreeName::InvitesByOwner, &invite_owner_key(&invite.owner, &invite.code), b"")?;
        self.put(TreeName::Invites, invite.code.as_bytes(), invite)
    }

    /// Forgets an invite; returns whether there was one.
    pub fn remove_invite(&self, code: &str) -> Result<bool, StoreError> {
        let Some(old) = self.invite(code)? else { return Ok(false) };
        self.remove_raw(TreeName::InvitesByOwner, &invite_owner_key(&old.owner, code))?;
        self.remove_raw(TreeName::Invites, code.as_bytes())?;
        Ok(true)
    }
}

/// Owner, a separator no identity contains, then the invite code.
pub(crate) fn invite_owner_key(owner: &IdentityKey, code: &str) -> Vec<u8> {
    let mut key = owner.to_string().into_bytes();
    key.push(0);
    key.extend_from_slice(code.as_bytes());
    key
}

/// Recipient, a separator no identity contains, then id.
pub(crate) fn recipient_key(to: &IdentityKey, id: OutboxId) -> Vec<u8> {
    let mut key = to.to_string().into_bytes();
    key.push(0);
    key.extend_from_slice(&id.to_key());
    key
}

/// Channel, then due time, then id: each channel's worker reads only its rows.
pub(crate) fn due_key(m: &OutboxMessage) -> Vec<u8> {
    let ms = m.next_attempt_at.timestamp_millis().max(0) as u64;
    let mut key = Vec::with_capacity(17);
    key.push(m.to.channel().key_byte());
    key.extend_from_slice(&ms.to_be_bytes());
    key.extend_from_slice(&m.id.to_key());
    key
}
