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

mod dump;
mod durability;
mod error;
pub mod model;
mod read;
mod tree;
pub mod types;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

pub use dump::{Dump, SCHEMA_VERSION};
pub use error::{ParseError, StoreError};
pub use model::*;
pub use read::Read;
pub use tree::TreeName;
pub use types::*;
pub use write::WriteTx;

use durability::GroupCommit;

/// The durable store. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct Store {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    /// Serializes writers: transactions never conflict, and commands see a
    /// consistent state for their checks (no double redemption by a race).
    writer: Mutex<()>,
    /// Sequence number of the last committed write transaction.
    committed: AtomicU64,
    group: GroupCommit,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the store in `dir`. A second process gets
    /// [`StoreError::Locked`].
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io(format!("cannot create {}: {e}", dir.display())))?;
        let db = sled::Config::new().path(dir.join("store")).open().map_err(|e| match e {
            sled::Error::Io(ref io) if io.to_string().contains("could not acquire lock") => {
                StoreError::Locked(dir.to_path_buf())
            }
            other => StoreError::from(other),
        })?;
        let data_file = std::fs::File::open(dir.join("store").join("db"))
            .map_err(|e| StoreError::Io(format!("cannot open the data file for syncing: {e}")))?;
        let trees = TreeName::ALL.iter().map(|t| db.open_tree(t.as_str())).collect::<Result<Vec<_>, _>>()?;
        let store = Store {
            db,
            trees,
            writer: Mutex::new(()),
            committed: AtomicU64::new(0),
            group: GroupCommit::new(data_file),
            path: dir.to_path_buf(),
        };
        store.check_schema()?;
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

    /// Runs `f` as one atomic transaction and returns once it is durable.
    ///
    /// Writers run one at a time. Reads through the transaction see its own
    /// writes; scans (`Read::committed()`) see the state before it. If `f`
    /// returns an error nothing is written.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let (value, seq) = {
            let _writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
            let (value, dirty) = write::run(self, f)?;
            let seq = if dirty { Some(self.committed.fetch_add(1, Ordering::SeqCst) + 1) } else { None };
            (value, seq)
        };
        if let Some(seq) = seq {
            self.group.wait_durable(seq, &self.committed, &self.db)?;
        }
        Ok(value)
    }

    /// Flushes everything written so far (used at start-up and shutdown).
    pub fn sync(&self) -> Result<(), StoreError> {
        let seq = self.committed.load(Ordering::SeqCst);
        self.group.flush_now(seq, &self.committed, &self.db)
    }

    /// How many flushes ran, and how many write transactions they covered.
    pub fn flush_stats(&self) -> (u64, u64) {
        (self.group.flushes(), self.committed.load(Ordering::SeqCst))
    }

    /// True when no member, program or referral exists yet.
    pub fn is_empty(&self) -> bool {
        TreeName::ALL.iter().filter(|t| **t != TreeName::Meta).all(|t| self.tree(*t).is_empty())
    }
}

#[cfg(test)]
mod tests;
