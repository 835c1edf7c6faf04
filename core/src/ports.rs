//! Ports: time and randomness come in from outside so tests control them.

use std::sync::Mutex;

use chrono::Utc;
use rand::{Rng, SeedableRng};
use vouch_store::{CODE_ALPHABET, CODE_LEN, ReferralCode, Timestamp};

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self(Mutex::new(start))
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Source of unguessable codes and keys.
pub trait IdGen: Send + Sync {
    fn code(&self) -> ReferralCode;

    /// Key material for [`vouch_store::LinkSecret`], asked for once per data dir.
    fn secret(&self) -> [u8; vouch_store::LinkSecret::LEN];
}

/// Codes from the OS-seeded CSPRNG: 31^8 ≈ 8.5e11 possibilities.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomIds;

impl IdGen for RandomIds {
    fn code(&self) -> ReferralCode {
        code_from(&mut rand::rng())
    }

    /// `rand::rng()` is a ChaCha CSPRNG seeded (and reseeded) from the OS.
    fn secret(&self) -> [u8; vouch_store::LinkSecret::LEN] {
        let mut key = [0u8; vouch_store::LinkSecret::LEN];
        rand::rng().fill(&mut key);
        key
    }
}

/// Deterministic codes for tests and the demo.
#[derive(Debug)]
pub struct SeededIds(Mutex<rand::rngs::StdRng>);

impl SeededIds {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(rand::rngs::StdRng::seed_from_u64(seed)))
    }
}

impl IdGen for SeededIds {
    fn code(&self) -> ReferralCode {
        code_from(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn secret(&self) -> [u8; vouch_store::LinkSecret::LEN] {
        let mut key = [0u8; vouch_store::LinkSecret::LEN];
        self.0.lock().unwrap_or_else(|p| p.into_inner()).fill(&mut key);
        key
    }
}

fn code_from(rng: &mut impl Rng) -> ReferralCode {
    let s: String = (0..CODE_LEN).map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char).collect();
    match ReferralCode::parse(&s) {
        Ok(code) => code,
        Err(e) => unreachable!("generated code from the code alphabet is valid: {e}"),
    }
}
