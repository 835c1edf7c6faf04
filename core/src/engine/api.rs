//! What the HTTP API (`/api/v1`) needs of the engine beyond `handle`: API
//! keys, the request fingerprints behind `Idempotency-Key`, and the
//! external ids (the API's `external_id`, Stripe customers) of referrals.
//! Every rule of a signup, a conversion or a refund stays in the commands.

use base64::Engine as _;
use vouch_store::{ApiKey, ApiRead, ApiScope, ExternalRef, InboundRecord, KeyHash, Read, ReferralId, WriteTx};

use super::EngineCore;
use crate::error::UserError;

/// Between a dedupe key and the fingerprint of the request it came with.
const FINGERPRINT_SEPARATOR: char = '\u{1f}';

/// Keys are `vk_` and 32 random bytes, base64url.
const KEY_PREFIX: &str = "vk_";

/// The dedupe key of an API request: `scope` (the API key's) and the
/// client's `Idempotency-Key`, with the SHA-256 of the request so the same
/// key with a different request is refused ([`UserError::IdempotencyMismatch`]).
pub fn idempotency_key(scope: &str, key: &str, request: &[u8]) -> String {
    format!("{scope}{key}{FINGERPRINT_SEPARATOR}{}", sha256_hex(request))
}

/// The stored key and the fingerprint, if the dedupe key carries one.
pub(super) fn split_fingerprint(key: &str) -> (&str, Option<&str>) {
    match key.split_once(FINGERPRINT_SEPARATOR) {
        Some((key, fingerprint)) => (key, Some(fingerprint)),
        None => (key, None),
    }
}

/// The first answer under `key`, if any; the same key with another
/// request is refused.
pub(super) fn seen(tx: &WriteTx<'_>, key: &str) -> Result<Option<InboundRecord>, UserError> {
    let (key, fingerprint) = split_fingerprint(key);
    let Some(seen) = tx.inbound(key)? else { return Ok(None) };
    if let (Some(first), Some(now)) = (seen.fingerprint.as_deref(), fingerprint)
        && first != now
    {
        return Err(UserError::IdempotencyMismatch);
    }
    Ok(Some(seen))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref().iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// What the store keeps of a key: its hash.
pub fn key_hash(key: &str) -> KeyHash {
    KeyHash(sha256_hex(key.trim().as_bytes()))
}

/// A key just made: the only moment the key itself exists outside the
/// client. `Debug` shows the record, never the key.
pub struct ApiKeyCreated {
    pub record: ApiKey,
    pub key: String,
}

impl std::fmt::Debug for ApiKeyCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyCreated").field("record", &self.record).field("key", &"<redacted>").finish()
    }
}

/// `last_used_at` is written at most this often per key: a write per API
/// call would cost a flush.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::minutes(1);

impl EngineCore {
    /// Makes a key named `name`; the answer is the only place it is shown.
    pub fn create_api_key(&self, name: &str, scopes: Vec<ApiScope>) -> Result<ApiKeyCreated, UserError> {
        let name = super::clean_name(name, "api key");
        let key = format!("{KEY_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.ids.secret()));
        let now = self.clock.now();
        let record = self.store.write(|tx| {
            let record = ApiKey {
                id: tx.next_id("api_key")?,
                name,
                hash: key_hash(&key),
                scopes,
                created_at: now,
                last_used_at: None,
                revoked_at: None,
            };
            tx.put_api_key(&record)?;
            Ok::<_, UserError>(record)
        })?;
        Ok(ApiKeyCreated { record, key })
    }

    pub fn api_keys(&self) -> Result<Vec<ApiKey>, UserError> {
        Ok(ApiRead::api_keys(self.store.as_ref())?)
    }

    /// Revokes key `id`; `None` when there is no such key. Revoking twice
    /// keeps the first time.
    pub fn revoke_api_key(&self, id: u64) -> Result<Option<ApiKey>, UserError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let Some(mut key) = tx.api_key(id)? else { return Ok(None) };
            if key.revoked_at.is_none() {
                key.revoked_at = Some(now);
                tx.put_api_key(&key)?;
            }
            Ok(Some(key))
        })
    }

    /// The live key `presented` is, if any (unknown and revoked: `None`);
    /// notes when it was last used.
    pub fn authenticate_api_key(&self, presented: &str) -> Result<Option<ApiKey>, UserError> {
        if !presented.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let hash = key_hash(presented);
        let Some(key) = self.store.api_key_by_hash(&hash)? else { return Ok(None) };
        // Looked up by the hash of what was presented: timing reveals
        // nothing of a stored key, only of hashes nobody can invert.
        if key.revoked_at.is_some() {
            return Ok(None);
        }
        let now = self.clock.now();
        if key.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY) {
            self.store.write(|tx| {
                if let Some(mut fresh) = tx.api_key(key.id)? {
                    fresh.last_used_at = Some(now);
                    tx.put_api_key(&fresh)?;
                }
                Ok::<_, UserError>(())
            })?;
        }
        Ok(Some(key))
    }

    /// The referral an external id names.
    pub fn referral_by_external_id(&self, external_id: &str) -> Result<Option<ReferralId>, UserError> {
        Ok(self.store.referral_by_external_id(external_id)?)
    }

    /// Attaches `external_id` to `referral`. An id already naming another
    /// referral keeps it (the first signup wins); returns the referral it names.
    pub fn attach_external_id(&self, external_id: &str, referral: ReferralId) -> Result<ReferralId, UserError> {
        self.store.write(|tx| {
            if let Some(existing) = tx.referral_by_external_id(external_id)? {
                return Ok(existing);
            }
            tx.put_external_ref(&ExternalRef { external_id: external_id.to_string(), referral })?;
            Ok::<_, UserError>(referral)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_rides_on_the_key_and_comes_off_again() {
        let a = idempotency_key("api:1:", "k1", b"{\"value\":1}");
        let b = idempotency_key("api:1:", "k1", b"{\"value\":2}");
        assert_ne!(a, b);
        assert_eq!(split_fingerprint(&a).0, "api:1:k1");
        assert_eq!(split_fingerprint(&a).0, split_fingerprint(&b).0);
        assert_ne!(split_fingerprint(&a).1, split_fingerprint(&b).1);
        assert_eq!(split_fingerprint("telegram:update:1"), ("telegram:update:1", None));
    }

    #[test]
    fn a_key_hash_is_hex_sha256() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(key_hash("abc").0, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
