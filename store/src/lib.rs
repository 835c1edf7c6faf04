//! vouch-store: the domain types and their durable home in sled.
//!
//! Invariants kept here:
//! - every write goes through [`Store::write`]: one sled transaction over all
//!   trees, run by a single writer at a time, so a command's changes and its
//!   outbox rows land together or not at all;
//! - [`Store::write`] returns only after a flush (sled log + `fdatasync` of the
//!   data file) covers the transaction; concurrent writers share one flush
//!   (group commit);
//! - every value carries a codec version byte, and the data dir a schema
//!   version, so a later release can migrate.

pub mod apikey;
pub mod click;
mod doctor;
mod dump;
mod durability;
mod error;
pub mod event;
pub mod model;
mod read;
mod stats;
mod tree;
pub mod types;
pub mod webhook;
pub mod wish;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

pub use apikey::{ApiKey, ApiRead, ApiScope, ExternalRef, KeyHash};
pub use click::{Click, ClickCount, ClickMonth, ClickRead};
pub use doctor::{DoctorReport, Problem, ProblemKind};
pub use dump::{Dump, DumpCounts, DumpStyle, SCHEMA_VERSION};
pub use error::{ParseError, StoreError};
pub use event::*;
pub use model::*;
pub use read::Read;
pub use stats::{ConversionCount, CostCount, Leader, LeaderBucket, StateCount, StatsRead};
pub use tree::TreeName;
pub use types::*;
pub use webhook::*;
pub use wish::*;
pub use write::WriteTx;

use durability::GroupCommit;

/// Cumulative write timings, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeStats {
    /// Commands running under the writer lock.
    pub locked: u64,
    /// Group commits: one sled transaction per batch of commands.
    pub commit: u64,
    /// Flushing (sled flush + fdatasync).
    pub flush: u64,
}

/// The durable store. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct Store {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    /// Serializes commands and holds the writes of commands that ran but are
    /// not yet committed to sled (the next group commit's batch).
    writer: parking_lot::Mutex<write::Pending>,
    group: GroupCommit,
    /// Nanoseconds commands spent running under the writer lock.
    locked_nanos: AtomicU64,
    /// Nanoseconds spent in sled commits of batches.
    commit_nanos: AtomicU64,
    /// The last sequence number whose writes may be visible in sled (raised
    /// before a batch moves in): a reader outside the writer lock waits for
    /// a flush covering it before acting on what it read.
    committed: AtomicU64,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

/// How a store is opened.
#[derive(Clone, Copy, Debug)]
pub struct StoreOptions {
    /// sled's page cache in bytes. sled's own default is 1 GiB, which a large
    /// store fills and keeps; vouch reads a few keys per command, so a small
    /// cache keeps `serve` small whatever the store's size.
    pub cache_bytes: u64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { cache_bytes: 64 * 1024 * 1024 }
    }
}

impl Store {
    /// Opens (or creates) the store in `dir`. A second process gets
    /// [`StoreError::Locked`].
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(dir, StoreOptions::default())
    }

    /// [`Store::open`] with options.
    pub fn open_with(dir: &Path, options: StoreOptions) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io(format!("cannot create {}: {e}", dir.display())))?;
        // A store dropped a moment ago in this process can still hold sled's
        // file lock while sled's background IO finishes; give it a short
        // grace period before calling the data dir busy.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        let db = loop {
            match sled::Config::new().path(dir.join("store")).cache_capacity(options.cache_bytes).open() {
                Ok(db) => break db,
                Err(sled::Error::Io(ref io)) if io.to_string().contains("could not acquire lock") => {
                    if std::time::Instant::now() >= deadline {
                        return Err(StoreError::Locked(dir.to_path_buf()));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(other) => return Err(StoreError::from(other)),
            }
        };
        let data_file = std::fs::File::open(dir.join("store").join("db"))
            .map_err(|e| StoreError::Io(format!("cannot open the data file for syncing: {e}")))?;
        // fdatasync makes a file's data durable, not its name: on a fresh
        // data dir, sync the directories that hold sled's files too.
        for d in [dir.join("store"), dir.to_path_buf()] {
            std::fs::File::open(&d)
                .and_then(|f| f.sync_all())
                .map_err(|e| StoreError::Io(format!("cannot sync {}: {e}", d.display())))?;
        }
        let trees = TreeName::ALL.iter().map(|t| db.open_tree(t.as_str())).collect::<Result<Vec<_>, _>>()?;
        let store = Store {
            db,
            trees,
            writer: parking_lot::Mutex::new(write::Pending::default()),
            group: GroupCommit::new(data_file),
            locked_nanos: AtomicU64::new(0),
            commit_nanos: AtomicU64::new(0),
            committed: AtomicU64::new(0),
            path: dir.to_path_buf(),
        };
        store.check_schema()?;
        store.build_stats_if_missing()?;
        store.build_mailboxes_if_missing()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn tree(&self, name: TreeName) -> &sled::Tree {
        &self.trees[name as usize]
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        let meta = self.tree(TreeName::Meta);
        match meta.get(b"schema")? {
            None => {
                meta.insert(b"schema", &SCHEMA_VERSION.to_be_bytes())?;
                self.sync()?;
                Ok(())
            }
            Some(v) => {
                let found =
                    u32::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt("schema".into()))?);
                // Later schema versions add a migration step here, keyed on `found`.
                if found > SCHEMA_VERSION {
                    Err(StoreError::NewerSchema { found, supported: SCHEMA_VERSION })
                } else {
                    Ok(())
                }
            }
        }
    }

    /// A data dir from before the `stats` tree gets it built once, from its
    /// referrals and rewards (a fresh one only gets the mark).
    fn build_stats_if_missing(&self) -> Result<(), StoreError> {
        const BUILT: &[u8] = b"stats-built";
        let meta = self.tree(TreeName::Meta);
        if meta.get(BUILT)?.is_some() {
            return Ok(());
        }
        if self.tree(TreeName::Referrals).is_empty() && self.tree(TreeName::Ledger).is_empty() {
            // Nothing to count yet; if this mark is lost in a crash, the next
            // open finds nothing to count again.
            meta.insert(BUILT, &[1])?;
            return Ok(());
        }
        self.write(|tx| {
            let (referrals, rewards) = (tx.referrals()?, tx.rewards()?);
            for (key, _) in tx.scan_raw(TreeName::Stats, b"", std::ops::Bound::Unbounded)? {
                tx.remove_raw(TreeName::Stats, &key)?;
            }
            for (key, value) in stats::expected(&referrals, &rewards) {
                tx.insert_raw(TreeName::Stats, &key, &value)?;
            }
            tx.insert_raw(TreeName::Meta, BUILT, &[1])
        })
    }

    /// A data dir from before the `identities_by_mailbox` index gets it
    /// built once, from its email identities (a fresh one only the mark).
    fn build_mailboxes_if_missing(&self) -> Result<(), StoreError> {
        const BUILT: &[u8] = b"mailboxes-built";
        let meta = self.tree(TreeName::Meta);
        if meta.get(BUILT)?.is_some() {
            return Ok(());
        }
        if self.tree(TreeName::Identities).is_empty() {
            meta.insert(BUILT, &[1])?;
            return Ok(());
        }
        self.write(|tx| {
            for identity in tx.scan_values::<Identity>(TreeName::Identities, b"email:")? {
                if let Some(email) = identity.key.email() {
                    let key = tree::mailbox_key(&email, &identity.key.to_string());
                    tx.insert_raw(TreeName::IdentitiesByMailbox, &key, b"")?;
                }
            }
            tx.insert_raw(TreeName::Meta, BUILT, &[1])
        })
    }

    fn lock_writer(&self) -> parking_lot::MutexGuard<'_, write::Pending> {
        self.writer.lock()
    }

    /// Runs `f` as one atomic unit and returns once it is durable: [`Store::apply`]
    /// then [`Store::durable`].
    pub fn write<T, E>(&self, f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let (value, seq) = self.apply(f)?;
        if let Some(seq) = seq {
            self.durable(seq)?;
        }
        Ok(value)
    }

    /// Runs `f` as one atomic unit, without waiting for durability.
    ///
    /// Commands run one at a time. Reads through the transaction see every
    /// earlier command and the transaction's own writes. If `f` returns an
    /// error nothing is written. On success its writes join the pending
    /// batch. Returns the sequence number to pass to [`Store::durable`]
    /// before answering anyone: a writer's own, or for a command that only
    /// read, the last one it may have seen (`None`: nothing to wait for).
    pub fn apply<T, E>(&self, f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>) -> Result<(T, Option<u64>), E>
    where
        E: From<StoreError>,
    {
        let mut pending = self.lock_writer();
        self.group.check()?;
        let started = std::time::Instant::now();
        let result = write::run(self, &pending, f);
        self.locked_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let outcome = result.map(|(value, writes)| {
            let seq =
                if writes.is_empty() { Some(pending.last_seq()).filter(|s| *s > 0) } else { Some(pending.add(writes)) };
            (value, seq)
        });
        // Hand the lock to the next queued writer instead of letting every
        // woken thread race for it (a herd on two cores).
        parking_lot::MutexGuard::unlock_fair(pending);
        outcome
    }

    /// Returns once everything up to `seq` is durable. The caller that finds
    /// no flush running leads one: it moves the pending batch into sled as
    /// one transaction (sled charges per transaction, so one per batch) and
    /// then flushes once for every waiter.
    pub fn durable(&self, seq: u64) -> Result<(), StoreError> {
        self.group.wait_durable(seq, || self.commit_pending(), &self.db)
    }

    /// Moves the pending batch into sled as one transaction. Runs under the
    /// writer lock so commands never observe a half-moved batch. Returns the
    /// sequence number the batch covers.
    fn commit_pending(&self) -> Result<u64, StoreError> {
        let mut pending = self.lock_writer();
        self.committed.fetch_max(pending.last_seq(), Ordering::AcqRel);
        let started = std::time::Instant::now();
        let result = write::commit(self, &mut pending);
        self.commit_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        result
    }

    /// Commits and flushes everything written so far (start-up, shutdown).
    pub fn sync(&self) -> Result<(), StoreError> {
        let seq = self.lock_writer().last_seq();
        if seq == 0 {
            return self.group.flush_now(&self.db);
        }
        self.group.wait_durable(seq, || self.commit_pending(), &self.db)
    }

    /// A consistent export while commands run: the pending batch is moved
    /// into sled and every tree is read under the writer lock, so the dump is
    /// the state after one command and before the next (a plain
    /// [`Store::export`] reads tree by tree and can see half a command).
    /// Returns once everything in the dump is durable. Commands wait while
    /// the trees are read.
    /// [`Store::snapshot`] written to `out` as it is read (bounded memory;
    /// commands wait until it is written, as for `snapshot`).
    pub fn snapshot_to(&self, out: impl std::io::Write, style: DumpStyle) -> Result<DumpCounts, StoreError> {
        let (counts, seq) = {
            let mut pending = self.lock_writer();
            self.committed.fetch_max(pending.last_seq(), Ordering::AcqRel);
            write::commit(self, &mut pending)?;
            (self.export_to(out, style)?, pending.last_seq())
        };
        if seq == 0 {
            self.group.flush_now(&self.db)?
        } else {
            self.durable(seq)?
        }
        Ok(counts)
    }

    pub fn snapshot(&self) -> Result<Dump, StoreError> {
        let (dump, seq) = {
            let mut pending = self.lock_writer();
            // Same move as a group-commit leader's; the next leader's flush
            // (or ours below) covers it.
            self.committed.fetch_max(pending.last_seq(), Ordering::AcqRel);
            write::commit(self, &mut pending)?;
            (self.export()?, pending.last_seq())
        };
        if seq == 0 {
            self.group.flush_now(&self.db)?
        } else {
            self.durable(seq)?
        }
        Ok(dump)
    }

    /// Returns once everything a reader outside the writer lock may have
    /// seen is durable: call it after reading and before acting on what was
    /// read (an outbox worker delivering a row). A batch moved into sled is
    /// visible before its flush ends; a row whose flush then fails was never
    /// saved and must never be delivered. Cheap when nothing is in flight.
    pub fn settle_reads(&self) -> Result<(), StoreError> {
        let seq = self.committed.load(Ordering::Acquire);
        if seq == 0 { self.group.check() } else { self.durable(seq) }
    }

    /// Pending outbox rows for `channel` due by `now`, each covered by a
    /// successful flush: what a delivery worker may send.
    pub fn outbox_deliverable(
        &self,
        channel: Channel,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let due = self.outbox_due(channel, now, limit)?;
        self.settle_reads()?;
        Ok(due)
    }

    /// Runs `hook` (once) when a flush fails and the store stops accepting
    /// anything: `serve` uses it to stop so a supervisor restarts it.
    pub fn on_poisoned(&self, hook: impl Fn(&str) + Send + Sync + 'static) {
        self.group.set_poison_hook(Box::new(hook));
    }

    /// Whether a failed flush stopped the store (`/healthz` says 503).
    pub fn poisoned(&self) -> Option<StoreError> {
        self.group.check().err()
    }

    /// How many flushes ran, and how many write commands they covered.
    pub fn flush_stats(&self) -> (u64, u64) {
        (self.group.flushes(), self.lock_writer().last_seq())
    }

    /// Where write time goes, in nanoseconds.
    pub fn time_stats(&self) -> TimeStats {
        TimeStats {
            locked: self.locked_nanos.load(Ordering::Relaxed),
            commit: self.commit_nanos.load(Ordering::Relaxed),
            flush: self.group.flush_nanos(),
        }
    }

    /// True when no member, program or referral exists yet.
    pub fn is_empty(&self) -> bool {
        TreeName::ALL.iter().filter(|t| **t != TreeName::Meta).all(|t| self.tree(*t).is_empty())
    }
}

#[cfg(test)]
mod tests;
