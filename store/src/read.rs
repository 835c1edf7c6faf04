//! Typed reads. [`Read`] is implemented by the committed [`Store`] and by a
//! [`WriteTx`](crate::WriteTx) (which also sees its own writes), so command
//! logic is written once for both.

use serde::de::DeserializeOwned;

use crate::tree::{TreeName, decode, key2};
use crate::*;

pub trait Read {
    fn get_raw(&self, tree: TreeName, key: &[u8]) -> Result<Option<sled::IVec>, StoreError>;

    /// The committed store, for scans. Inside a transaction, scans do not see
    /// the transaction's own writes.
    fn committed(&self) -> &Store;

    fn get<V: DeserializeOwned>(&self, tree: TreeName, key: &[u8]) -> Result<Option<V>, StoreError> {
        self.get_raw(tree, key)?.map(|v| decode(tree, &v)).transpose()
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

    fn inbound(&self, key: &str) -> Result<Option<InboundRecord>, StoreError> {
        self.get(TreeName::Inbound, key.as_bytes())
    }

    fn outbox(&self, id: OutboxId) -> Result<Option<OutboxMessage>, StoreError> {
        self.get(TreeName::Outbox, &id.to_key())
    }
}

impl Read for Store {
    fn get_raw(&self, tree: TreeName, key: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        Ok(self.tree(tree).get(key)?)
    }

    fn committed(&self) -> &Store {
        self
    }
}

/// Scans over committed data.
impl Store {
    fn scan_values<V: DeserializeOwned>(&self, tree: TreeName, prefix: &[u8]) -> Result<Vec<V>, StoreError> {
        self.tree(tree)
            .scan_prefix(prefix)
            .map(|kv| {
                let (_, v) = kv?;
                decode(tree, &v)
            })
            .collect()
    }

    /// Follows an index whose keys end in an 8-byte id into `target`.
    fn scan_index<V: DeserializeOwned>(
        &self,
        index: TreeName,
        prefix: &[u8],
        target: TreeName,
    ) -> Result<Vec<V>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree(index).scan_prefix(prefix) {
            let (k, _) = kv?;
            let id = k.get(k.len().saturating_sub(8)..).unwrap_or_default();
            if let Some(v) = self.tree(target).get(id)? {
                out.push(decode(target, &v)?);
            }
        }
        Ok(out)
    }

    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        self.scan_values(TreeName::Members, b"")
    }

    pub fn identities(&self) -> Result<Vec<Identity>, StoreError> {
        self.scan_values(TreeName::Identities, b"")
    }

    pub fn identities_of(&self, member: MemberId) -> Result<Vec<Identity>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree(TreeName::IdentitiesByMember).scan_prefix(member.to_key()) {
            let (k, _) = kv?;
            if let Some(v) = self.tree(TreeName::Identities).get(&k[8..])? {
                out.push(decode(TreeName::Identities, &v)?);
            }
        }
        Ok(out)
    }

    pub fn programs(&self) -> Result<Vec<Program>, StoreError> {
        self.scan_values(TreeName::Programs, b"")
    }

    pub fn codes(&self) -> Result<Vec<CodeRecord>, StoreError> {
        self.scan_values(TreeName::Codes, b"")
    }

    pub fn referrals(&self) -> Result<Vec<Referral>, StoreError> {
        self.scan_values(TreeName::Referrals, b"")
    }

    pub fn referrals_by_referrer(&self, referrer: MemberId) -> Result<Vec<Referral>, StoreError> {
        self.scan_index(TreeName::ReferralsByReferrer, &referrer.to_key(), TreeName::Referrals)
    }

    pub fn rewards(&self) -> Result<Vec<RewardEntry>, StoreError> {
        self.scan_values(TreeName::Ledger, b"")
    }

    pub fn rewards_of(&self, member: MemberId) -> Result<Vec<RewardEntry>, StoreError> {
        self.scan_index(TreeName::LedgerByMember, &member.to_key(), TreeName::Ledger)
    }

    pub fn surveys(&self) -> Result<Vec<SurveyRecord>, StoreError> {
        self.scan_values(TreeName::Surveys, b"")
    }

    pub fn outbox_messages(&self) -> Result<Vec<OutboxMessage>, StoreError> {
        self.scan_values(TreeName::Outbox, b"")
    }

    /// Pending outbox rows due at or before `now`, oldest first.
    pub fn outbox_due(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxMessage>, StoreError> {
        let end = (now.timestamp_millis().max(0) as u64 + 1).to_be_bytes();
        self.scan_index_range(TreeName::OutboxDue, ..end.to_vec(), TreeName::Outbox, limit)
    }

    fn scan_index_range<V: DeserializeOwned>(
        &self,
        index: TreeName,
        range: std::ops::RangeTo<Vec<u8>>,
        target: TreeName,
        limit: usize,
    ) -> Result<Vec<V>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree(index).range(range).take(limit) {
            let (k, _) = kv?;
            if let Some(v) = self.tree(target).get(&k[k.len() - 8..])? {
                out.push(decode(target, &v)?);
            }
        }
        Ok(out)
    }

    /// Earliest time a pending outbox row becomes due, if any.
    pub fn outbox_next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        match self.tree(TreeName::OutboxDue).first()? {
            Some((k, _)) => {
                let ms = u64::from_be_bytes(k[..8].try_into().map_err(|_| StoreError::Corrupt("outbox_due".into()))?);
                Ok(chrono::DateTime::from_timestamp_millis(ms as i64))
            }
            None => Ok(None),
        }
    }

    pub fn inbound_records(&self) -> Result<Vec<InboundRecord>, StoreError> {
        self.scan_values(TreeName::Inbound, b"")
    }

    pub fn link_codes(&self) -> Result<Vec<LinkCode>, StoreError> {
        self.scan_values(TreeName::LinkCodes, b"")
    }

    /// Current value of an id counter (the last id handed out).
    pub fn counter(&self, name: &str) -> Result<u64, StoreError> {
        counter_value(self.tree(TreeName::Meta).get(counter_key(name))?)
    }

    pub fn counters(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree(TreeName::Meta).scan_prefix(b"next:") {
            let (k, v) = kv?;
            let name = String::from_utf8_lossy(&k[5..]).into_owned();
            out.push((name, counter_value(Some(v))?));
        }
        Ok(out)
    }
}

pub(crate) fn counter_key(name: &str) -> Vec<u8> {
    format!("next:{name}").into_bytes()
}

pub(crate) fn counter_value(v: Option<sled::IVec>) -> Result<u64, StoreError> {
    match v {
        None => Ok(0),
        Some(v) => Ok(u64::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt("counter".into()))?)),
    }
}
