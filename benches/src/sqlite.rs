//! (b) The obvious alternative: SQLite in WAL mode with `synchronous=FULL`
//! (durable before `COMMIT` returns), one connection per client, doing the
//! same logical redeem as vouch in one IMMEDIATE transaction.

use std::path::Path;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::harness::{Measurement, run_clients};

const CODES: usize = 1000;
/// Long enough that a client never gives up while 63 others queue for the
/// write lock; a timeout here would be a failed operation.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn measure(dir: &Path, clients: usize, duration: Duration) -> Result<Measurement, String> {
    let path = dir.join("bench.sqlite");
    let codes = create(&path).map_err(|e| format!("sqlite: cannot create the database: {e}"))?;
    run_clients(
        "sqlite",
        clients,
        duration,
        |client| {
            let conn = connect(&path).map_err(|e| format!("sqlite: cannot connect: {e}"))?;
            Ok((conn, StdRng::seed_from_u64(client as u64)))
        },
        |(conn, rng), client, i| {
            let code = &codes[rng.random_range(0..codes.len())];
            let referred = format!("s{client}x{i}");
            redeem(conn, code, &referred).map_err(|e| format!("sqlite redeem {code} by {referred}: {e}"))
        },
    )
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")?;
    Ok(conn)
}

/// Creates the tables and the codes; returns the codes.
fn create(path: &Path) -> rusqlite::Result<Vec<String>> {
    let mut conn = connect(path)?;
    conn.execute_batch(
        "CREATE TABLE codes(code TEXT PRIMARY KEY, owner TEXT NOT NULL);
         CREATE TABLE referrals(
             id INTEGER PRIMARY KEY,
             code TEXT NOT NULL,
             referred TEXT NOT NULL,
             UNIQUE(code, referred)
         );",
    )?;
    let codes: Vec<String> = (0..CODES).map(|n| format!("CODE-{n:04}")).collect();
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare("INSERT INTO codes(code, owner) VALUES (?1, ?2)")?;
        for (n, code) in codes.iter().enumerate() {
            insert.execute(params![code, format!("owner{n}")])?;
        }
    }
    tx.commit()?;
    Ok(codes)
}

/// Looks the code up, refuses a repeat redemption by the same person, and
/// records the referral; durable once `commit` returns.
fn redeem(conn: &mut Connection, code: &str, referred: &str) -> Result<(), String> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| e.to_string())?;
    let owner: Option<String> = tx
        .prepare_cached("SELECT owner FROM codes WHERE code = ?1")
        .and_then(|mut s| s.query_row([code], |row| row.get(0)).optional())
        .map_err(|e| e.to_string())?;
    if owner.is_none() {
        return Err("unknown code".into());
    }
    let already: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM referrals WHERE code = ?1 AND referred = ?2)")
        .and_then(|mut s| s.query_row([code, referred], |row| row.get(0)))
        .map_err(|e| e.to_string())?;
    if already {
        return Err("already redeemed".into());
    }
    tx.prepare_cached("INSERT INTO referrals(code, referred) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute([code, referred]))
        .map_err(|e| e.to_string())?;
    tx.commit().map_err(|e| e.to_string())
}
