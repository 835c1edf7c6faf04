//! Group commit: many writers, one flush.
//!
//! A writer commits its transaction, takes a sequence number, and waits until
//! a flush covers that number. If no flush is running it runs one itself,
//! covering every transaction committed so far; writers that commit during
//! that flush wait for the next one. So N concurrent commands cost about one
//! flush, and none returns before its own data is on disk.
//!
//! A flush is sled's `flush()` (writes its log; survives a process crash)
//! followed by `fdatasync` of sled's data file (survives power loss: sled's
//! own fsync runs only every `flush_every_ms`).

use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

use crate::StoreError;

pub(crate) struct GroupCommit {
    state: Mutex<State>,
    flushed: Condvar,
    data_file: File,
    flushes: AtomicU64,
}

#[derive(Default)]
struct State {
    flushing: bool,
    durable: u64,
    /// A failed fsync leaves the page cache in an unknown state (the
    /// "fsyncgate" lesson): refuse to acknowledge anything after it.
    failed: Option<String>,
}

impl GroupCommit {
    pub(crate) fn new(data_file: File) -> Self {
        Self { state: Mutex::new(State::default()), flushed: Condvar::new(), data_file, flushes: AtomicU64::new(0) }
    }

    pub(crate) fn flushes(&self) -> u64 {
        self.flushes.load(Ordering::Relaxed)
    }

    pub(crate) fn wait_durable(&self, seq: u64, committed: &AtomicU64, db: &sled::Db) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(err) = &state.failed {
                return Err(StoreError::Io(format!("an earlier flush failed ({err}); restart vouch")));
            }
            if state.durable >= seq {
                return Ok(());
            }
            if state.flushing {
                state = self.flushed.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            state.flushing = true;
            // Everything with a sequence number up to here is committed in sled.
            let target = committed.load(Ordering::SeqCst);
            drop(state);
            let result = self.flush(db);
            state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.flushing = false;
            match result {
                Ok(()) => state.durable = state.durable.max(target),
                Err(e) => state.failed = Some(e),
            }
            self.flushed.notify_all();
        }
    }

    pub(crate) fn flush_now(&self, seq: u64, committed: &AtomicU64, db: &sled::Db) -> Result<(), StoreError> {
        if seq == 0 {
            // Nothing committed through `write`; still make start-up writes durable.
            return self.flush(db).map_err(StoreError::Io);
        }
        self.wait_durable(seq, committed, db)
    }

    fn flush(&self, db: &sled::Db) -> Result<(), String> {
        self.flushes.fetch_add(1, Ordering::Relaxed);
        db.flush().map_err(|e| e.to_string())?;
        self.data_file.sync_data().map_err(|e| e.to_string())
    }
}
