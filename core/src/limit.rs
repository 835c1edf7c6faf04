//! In-memory flood protection: a token bucket per identity for commands, and
//! a sliding hour of failed code guesses. Memory is bounded by pruning idle
//! entries. Restarting forgets the counts, which only ever helps a person.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use vouch_store::{IdentityKey, Timestamp};

use crate::error::UserError;

/// Flood protection per identity.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Commands allowed in a burst.
    pub burst: u32,
    /// Sustained commands per minute after the burst.
    pub per_minute: u32,
    /// Wrong codes (redeem/link) allowed per hour: guessing stays hopeless.
    pub failed_codes_per_hour: u32,
    /// Consent requests one member may cause in 24 hours: vouch mails people
    /// who never asked to hear from it, and must not become a spam relay.
    pub introductions_per_member_per_day: u32,
    /// Consent requests the whole community may send in a UTC day.
    pub introductions_per_day: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            burst: 20,
            per_minute: 30,
            failed_codes_per_hour: 10,
            introductions_per_member_per_day: 10,
            introductions_per_day: 200,
        }
    }
}

const MAX_TRACKED: usize = 100_000;

/// Buckets per `K`: an identity for commands, a hashed visitor for clicks.
#[derive(Debug)]
pub(crate) struct Limiter<K = IdentityKey> {
    limits: Limits,
    state: Mutex<State<K>>,
}

#[derive(Debug)]
struct State<K> {
    buckets: HashMap<K, Bucket>,
    last_prune: Option<Timestamp>,
}

#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    updated: Timestamp,
    failed_guesses: Vec<Timestamp>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    pub(crate) fn new(limits: Limits) -> Self {
        Self { limits, state: Mutex::new(State { buckets: HashMap::new(), last_prune: None }) }
    }

    fn with_bucket<T>(&self, who: &K, now: Timestamp, f: impl FnOnce(&mut Bucket) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        // Prune at most every few seconds, so a flood of new identities
        // cannot make every call scan the whole map. A bucket idle long
        // enough to have refilled is the same as no bucket.
        let due = state.last_prune.is_none_or(|t| now - t > chrono::Duration::seconds(10));
        if state.buckets.len() >= MAX_TRACKED && due {
            let refill_secs = f64::from(self.limits.burst) * 60.0 / f64::from(self.limits.per_minute.max(1));
            let idle = now - chrono::Duration::milliseconds((refill_secs * 1000.0).min(3_600_000.0) as i64);
            let hour_ago = now - chrono::Duration::hours(1);
            state.buckets.retain(|_, b| b.updated > idle || b.failed_guesses.iter().any(|t| *t > hour_ago));
            state.last_prune = Some(now);
        }
        let burst = f64::from(self.limits.burst);
        let bucket = state.buckets.entry(who.clone()).or_insert_with(|| Bucket {
            tokens: burst,
            updated: now,
            failed_guesses: Vec::new(),
        });
        f(bucket)
    }

    /// Takes one token, or says how long to wait for the next.
    pub(crate) fn check(&self, who: &K, now: Timestamp) -> Result<(), UserError> {
        let per_second = f64::from(self.limits.per_minute.max(1)) / 60.0;
        let burst = f64::from(self.limits.burst.max(1));
        self.with_bucket(who, now, |b| {
            let elapsed = (now - b.updated).num_milliseconds().max(0) as f64 / 1000.0;
            b.tokens = (b.tokens + elapsed * per_second).min(burst);
            b.updated = now;
            if b.tokens >= 1.0 {
                b.tokens -= 1.0;
                Ok(())
            } else {
                let seconds = ((1.0 - b.tokens) / per_second).ceil().max(1.0) as u64;
                Err(UserError::RateLimited { seconds })
            }
        })
    }

    pub(crate) fn check_guesses(&self, who: &K, now: Timestamp) -> Result<(), UserError> {
        let hour_ago = now - chrono::Duration::hours(1);
        let max = self.limits.failed_codes_per_hour as usize;
        self.with_bucket(who, now, |b| {
            b.failed_guesses.retain(|t| *t > hour_ago);
            if b.failed_guesses.len() >= max {
                let oldest = b.failed_guesses.first().copied().unwrap_or(now);
                let seconds = (oldest + chrono::Duration::hours(1) - now).num_seconds().max(1) as u64;
                Err(UserError::RateLimited { seconds })
            } else {
                Ok(())
            }
        })
    }

    pub(crate) fn record_failed_guess(&self, who: &K, now: Timestamp) {
        self.with_bucket(who, now, |b| b.failed_guesses.push(now));
    }
}
