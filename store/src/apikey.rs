//! API keys of the HTTP API (`vouch api-key …`) and the external ids the API
//! and Stripe attach to referrals. A key itself is never stored: only its
//! SHA-256, so a copied data dir or an export lets nobody call the API.

use std::fmt;
use std::ops::Bound;

use serde::{Deserialize, Serialize};

use crate::read::Read;
use crate::tree::{TreeName, encode};
use crate::{Referral, ReferralId, ReferralState, StoreError, Timestamp, WriteTx};

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiScope {
    Read,
    Write,
}

impl ApiScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::Read => "read",
            ApiScope::Write => "write",
        }
    }

    /// `read`, `write` or `read,write`.
    pub fn parse_list(text: &str) -> Result<Vec<ApiScope>, String> {
        let mut scopes = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let scope = match word.to_ascii_lowercase().as_str() {
                "read" => ApiScope::Read,
                "write" => ApiScope::Write,
                other => return Err(format!("unknown scope '{other}': use read, write or read,write")),
            };
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err("name at least one scope: read, write or read,write".into());
        }
        scopes.sort();
        Ok(scopes)
    }
}

/// The SHA-256 of a key, hex: all the store knows of it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyHash(pub String);

impl fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only a hash, but a hash of a secret stays out of logs too.
        f.write_str("KeyHash(<redacted>)")
    }
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: u64,
    pub name: String,
    pub hash: KeyHash,
    pub scopes: Vec<ApiScope>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub last_used_at: Option<Timestamp>,
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("created_at", &self.created_at)
            .field("last_used_at", &self.last_used_at)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

impl ApiKey {
    pub fn allows(&self, scope: ApiScope) -> bool {
        self.revoked_at.is_none() && self.scopes.contains(&scope)
    }
}

/// A referral's id in the customer's own system (the API's `external_id`,
/// a Stripe customer id): one external id names one referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalRef {
    pub external_id: String,
    pub referral: ReferralId,
}

pub(crate) fn api_key_id(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

/// Reads of keys and external ids, for the store and for transactions.
pub trait ApiRead: Read {
    fn api_key(&self, id: u64) -> Result<Option<ApiKey>, StoreError> {
        self.get(TreeName::ApiKeys, &api_key_id(id))
    }

    fn api_key_by_hash(&self, hash: &KeyHash) -> Result<Option<ApiKey>, StoreError> {
        match self.get_raw(TreeName::ApiKeysByHash, hash.0.as_bytes())? {
            Some(id) => {
                let id = u64::from_be_bytes(
                    id.as_ref().try_into().map_err(|_| StoreError::Corrupt("api_keys_by_hash".into()))?,
                );
                self.api_key(id)
            }
            None => Ok(None),
        }
    }

    fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        self.scan_values(TreeName::ApiKeys, b"")
    }

    fn referral_by_external_id(&self, external_id: &str) -> Result<Option<ReferralId>, StoreError> {
        Ok(self.get::<ExternalRef>(TreeName::ExternalIds, external_id.as_bytes())?.map(|r| r.referral))
    }

    fn external_refs(&self) -> Result<Vec<ExternalRef>, StoreError> {
        self.scan_values(TreeName::ExternalIds, b"")
    }

    /// Up to `limit` referrals with ids from `from` on, in id order, of
    /// one state or all: a range scan of the referrals tree (or of the
    /// state index in `stats`), so a page costs `limit` reads however many
    /// referrals there are.
    fn referrals_from(
        &self,
        state: Option<ReferralState>,
        from: ReferralId,
        limit: usize,
    ) -> Result<Vec<Referral>, StoreError> {
        let ids: Vec<ReferralId> = match state {
            None => self
                .scan_raw_limited(TreeName::Referrals, &from.to_key(), Bound::Unbounded, limit, false)?
                .iter()
                .filter_map(|(k, _)| ReferralId::from_key(k))
                .collect(),
            Some(s) => {
                let mut prefix = vec![b's'];
                prefix.extend_from_slice(s.as_str().as_bytes());
                prefix.push(b'|');
                let start = [prefix.as_slice(), &from.to_key()].concat();
                let mut end = prefix.clone();
                if let Some(last) = end.last_mut() {
                    *last += 1;
                }
                self.scan_raw_limited(TreeName::Stats, &start, Bound::Excluded(&end), limit, false)?
                    .iter()
                    .filter_map(|(k, _)| ReferralId::from_key(&k[prefix.len()..]))
                    .collect()
            }
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.referral(id)?);
        }
        Ok(out)
    }

    /// The first referral id created at or after `since` (ids grow with
    /// time): a binary search over ids, a few reads however many there are.
    fn first_referral_since(&self, since: Timestamp) -> Result<ReferralId, StoreError> {
        let (mut lo, mut hi) = (1u64, self.counter("referral")? + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let next = self.scan_raw_limited(TreeName::Referrals, &mid.to_be_bytes(), Bound::Unbounded, 1, false)?;
            let found = next.first().and_then(|(k, v)| Some((ReferralId::from_key(k)?, v.clone())));
            match found {
                Some((id, bytes)) => {
                    let r: Referral = crate::tree::decode(TreeName::Referrals, &bytes)?;
                    if r.created_at >= since {
                        hi = mid;
                    } else {
                        lo = id.0 + 1;
                    }
                }
                None => hi = mid,
            }
        }
        Ok(ReferralId(lo))
    }
}

impl<T: Read + ?Sized> ApiRead for T {}

impl WriteTx<'_> {
    /// Inserts or updates a key; its hash never changes.
    pub fn put_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        self.insert_raw(TreeName::ApiKeysByHash, key.hash.0.as_bytes(), &api_key_id(key.id))?;
        self.insert_raw(TreeName::ApiKeys, &api_key_id(key.id), &encode(key)?)
    }

    pub fn put_external_ref(&self, r: &ExternalRef) -> Result<(), StoreError> {
        self.insert_raw(TreeName::ExternalIds, r.external_id.as_bytes(), &encode(r)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DumpStyle, Store};

    fn key(id: u64) -> ApiKey {
        ApiKey {
            id,
            name: format!("key{id}"),
            hash: KeyHash(format!("{id:064x}")),
            scopes: vec![ApiScope::Read],
            created_at: chrono::DateTime::UNIX_EPOCH,
            last_used_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn keys_and_external_ids_round_trip_through_a_streamed_export_and_are_found_by_hash() {
        let (a, b) = (tempfile::tempdir().expect("tempdir"), tempfile::tempdir().expect("tempdir"));
        let store = Store::open(a.path()).expect("open");
        store
            .write(|tx| {
                tx.put_api_key(&key(1))?;
                tx.put_api_key(&key(2))?;
                tx.raise_counter("api_key", 2)?;
                tx.put_external_ref(&ExternalRef { external_id: "cus_1".into(), referral: ReferralId(7) })
            })
            .expect("write");
        let mut out = Vec::new();
        store.snapshot_to(&mut out, DumpStyle::Compact).expect("export");
        let copy = Store::open(b.path()).expect("open");
        copy.import_from(out.as_slice()).expect("import");
        assert_eq!(copy.api_keys().expect("keys"), vec![key(1), key(2)]);
        assert_eq!(copy.api_key_by_hash(&key(2).hash).expect("by hash"), Some(key(2)));
        assert_eq!(copy.api_key_by_hash(&KeyHash("00".into())).expect("by hash"), None);
        assert_eq!(copy.referral_by_external_id("cus_1").expect("external"), Some(ReferralId(7)));
    }

    #[test]
    fn debug_never_shows_a_hash() {
        let shown = format!("{:?}", key(3));
        assert!(!shown.contains(&key(3).hash.0) && shown.contains("key3"), "{shown}");
    }
}
