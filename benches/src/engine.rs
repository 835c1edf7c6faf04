//! (c) vouch end to end: `Engine::respond` on a real store, which answers only
//! once the group-commit flush (sled flush + fdatasync) covers the change.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use vouch_core::{Caller, Engine, Limits, RandomIds, Response, Settings, SystemClock};
use vouch_store::{IdentityKey, Store};

use crate::harness::{Measurement, run_clients};

/// Referrers whose codes the `redeem` operations pick from.
const REFERRERS: usize = 1000;
/// Threads that create the referrers (sharing flushes, so seeding is quick).
const SEED_THREADS: usize = 32;

/// The engine's figures at one client and at `clients` clients.
#[derive(Clone, Debug)]
pub(crate) struct EngineFigures {
    pub one: Measurement,
    pub many: Measurement,
    /// Write transactions per group-commit flush in the many-clients run.
    pub commits_per_flush_many: f64,
    pub flushes_per_op_many: f64,
    /// Average time a command holds the writer lock (logic + commit), in µs.
    pub locked_us_per_commit_many: f64,
    /// Of that, inside sled's commit, in µs.
    pub sled_commit_us_per_commit_many: f64,
    /// Average time of one flush (sled flush + fdatasync), in ms.
    pub flush_ms_many: f64,
}

pub(crate) fn measure(dir: &Path, clients: usize, duration: Duration) -> Result<EngineFigures, String> {
    let store = Arc::new(Store::open(dir).map_err(|e| format!("engine: cannot open the store: {e}"))?);
    let settings = Settings {
        limits: Limits {
            burst: u32::MAX / 2,
            per_minute: u32::MAX / 2,
            failed_codes_per_hour: u32::MAX / 2,
            introductions_per_member_per_day: u32::MAX / 2,
            introductions_per_day: u32::MAX / 2,
        },
        ..Settings::default()
    };
    let engine = Engine::new(Arc::clone(&store), Arc::new(SystemClock), Arc::new(RandomIds), settings)
        .map_err(|e| format!("engine: cannot start: {e}"))?;
    // The default program caps rewards at 12 a year per referrer; random
    // redemptions would hit it. A cap no run reaches keeps the cap check in
    // the measured path without refusing anyone.
    check(&engine.respond(&Caller::admin(), "program set customer cap=1000000/year", None), "program set")?;
    let codes = seed_referrers(&engine)?;

    let one = phase(&engine, &codes, "a", 1, duration)?;
    let (flushes_before, commits_before) = store.flush_stats();
    let before = store.time_stats();
    let many = phase(&engine, &codes, "b", clients, duration)?;
    let (flushes_after, commits_after) = store.flush_stats();
    let after = store.time_stats();
    let flushes = flushes_after.saturating_sub(flushes_before);
    let commits = commits_after.saturating_sub(commits_before);
    Ok(EngineFigures {
        commits_per_flush_many: ratio(commits as f64, flushes as f64),
        flushes_per_op_many: ratio(flushes as f64, many.ops as f64),
        locked_us_per_commit_many: ratio(after.locked.saturating_sub(before.locked) as f64 / 1e3, commits as f64),
        sled_commit_us_per_commit_many: ratio(after.commit.saturating_sub(before.commit) as f64 / 1e3, commits as f64),
        flush_ms_many: ratio(after.flush.saturating_sub(before.flush) as f64 / 1e6, flushes as f64),
        one,
        many,
    })
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 { numerator / denominator } else { 0.0 }
}

/// Alternates `code` (a new member and their code) and `redeem` (a new
/// member, a referral and an outbox row), each from a new identity so that
/// every operation writes.
fn phase(
    engine: &Engine,
    codes: &[String],
    tag: &str,
    clients: usize,
    duration: Duration,
) -> Result<Measurement, String> {
    run_clients(
        &format!("engine-{clients}"),
        clients,
        duration,
        |client| Ok(StdRng::seed_from_u64(client as u64)),
        |rng, client, i| {
            let name = format!("{tag}c{client}x{i}");
            let caller = caller(&name)?;
            let line = if i.is_multiple_of(2) {
                "code".to_string()
            } else {
                format!("redeem {}", codes[rng.random_range(0..codes.len())])
            };
            check(&engine.respond(&caller, &line, None), &line)
        },
    )
}

/// Creates the referrers, each asking for their code, and returns the codes.
fn seed_referrers(engine: &Engine) -> Result<Vec<String>, String> {
    let chunks: Vec<Vec<usize>> = (0..SEED_THREADS).map(|t| (t..REFERRERS).step_by(SEED_THREADS).collect()).collect();
    let results: Vec<Result<Vec<String>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| scope.spawn(move || chunk.iter().map(|n| referrer_code(engine, *n)).collect()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("engine: a seeding thread panicked".to_string())))
            .collect()
    });
    let mut codes = Vec::with_capacity(REFERRERS);
    for result in results {
        codes.extend(result?);
    }
    Ok(codes)
}

fn referrer_code(engine: &Engine, n: usize) -> Result<String, String> {
    let name = format!("ref{n}");
    let response = engine.respond(&caller(&name)?, "code", None);
    check(&response, "code")?;
    response
        .replies
        .iter()
        .find_map(|r| r.data["code"].as_str())
        .map(str::to_string)
        .ok_or_else(|| format!("engine: the reply to {name}'s `code` has no code: {:?}", response.replies))
}

fn caller(name: &str) -> Result<Caller, String> {
    let identity =
        IdentityKey::parse(&format!("console:{name}")).map_err(|e| format!("engine: bad identity {name}: {e}"))?;
    Ok(Caller::new(identity, name))
}

/// An operation succeeded when it got at least one reply and none is an error.
fn check(response: &Response, line: &str) -> Result<(), String> {
    if response.replies.is_empty() {
        return Err(format!("`{line}` got no reply"));
    }
    match response.replies.iter().find(|r| r.is_error()) {
        Some(r) => Err(format!("`{line}` was refused with {} {}", r.template, r.data)),
        None => Ok(()),
    }
}
