//! Group commit: many writers, one flush.
//!
//! A command adds its writes to the pending batch, takes a sequence number,
//! and waits until a flush covers that number. If no flush is running it
//! leads one: it commits the whole pending batch to sled in one transaction,
//! then flushes; commands that run meanwhile wait for the next one. So N concurrent commands cost about one
//! flush, and none returns before its own data is on disk.
//!
//! A flush is sled's `flush()` (writes its log; survives a process crash)
//! followed by `fdatasync` of sled's data file (survives power loss: sled's
//! own fsync runs only every `flush_every_ms`).

use std::fs::File;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

use crate::StoreError;

/// What runs once when a flush fails (see [`GroupCommit::set_poison_hook`]).
pub(crate) type PoisonHook = Box<dyn Fn(&str) + Send + Sync>;

pub(crate) struct GroupCommit {
    state: Mutex<State>,
    flushed: Condvar,
    data_file: File,
    flushes: AtomicU64,
    flush_nanos: AtomicU64,
    /// Set with `State::failed`, read without the lock on every store read.
    poisoned: AtomicBool,
    /// Called once, by the thread whose flush failed (`serve` stops).
    on_poison: OnceLock<PoisonHook>,
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
        Self {
            state: Mutex::new(State::default()),
            flushed: Condvar::new(),
            data_file,
            flushes: AtomicU64::new(0),
            flush_nanos: AtomicU64::new(0),
            poisoned: AtomicBool::new(false),
            on_poison: OnceLock::new(),
        }
    }

    /// Why the store is poisoned, when it is: a flush failed, so sled's
    /// memory holds writes the disk may not (nobody may read or act on them).
    pub(crate) fn check(&self) -> Result<(), StoreError> {
        if !self.poisoned.load(Ordering::Acquire) {
            return Ok(());
        }
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        Err(StoreError::Poisoned(state.failed.clone().unwrap_or_default()))
    }

    pub(crate) fn set_poison_hook(&self, hook: PoisonHook) {
        let _ = self.on_poison.set(hook);
    }

    /// Records the first failure; true when this call poisoned the store
    /// (its caller then runs the hook, outside the state lock).
    fn poison(&self, state: &mut State, why: &str) -> bool {
        if state.failed.is_some() {
            return false;
        }
        state.failed = Some(why.to_string());
        self.poisoned.store(true, Ordering::Release);
        true
    }

    fn run_hook(&self, why: &str) {
        if let Some(hook) = self.on_poison.get() {
            hook(why);
        }
    }

    pub(crate) fn flush_nanos(&self) -> u64 {
        self.flush_nanos.load(Ordering::Relaxed)
    }

    pub(crate) fn flushes(&self) -> u64 {
        self.flushes.load(Ordering::Relaxed)
    }

    /// Returns once a flush covers `seq`. The thread that finds no flush
    /// running becomes the leader: `commit` moves the pending batch into
    /// sled and says which sequence number it covers, then one flush makes
    /// it durable for every waiter.
    pub(crate) fn wait_durable(
        &self,
        seq: u64,
        commit: impl Fn() -> Result<u64, StoreError>,
        db: &sled::Db,
    ) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(err) = &state.failed {
                return Err(StoreError::Poisoned(err.clone()));
            }
            if state.durable >= seq {
                return Ok(());
            }
            if state.flushing {
                state = self.flushed.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            state.flushing = true;
            drop(state);
            let result = commit().map_err(|e| e.to_string()).and_then(|target| self.flush(db).map(|()| target));
            state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.flushing = false;
            let poisoned_now = match result {
                Ok(target) => {
                    state.durable = state.durable.max(target);
                    None
                }
                Err(e) => self.poison(&mut state, &e).then_some(e),
            };
            self.flushed.notify_all();
            if let Some(why) = poisoned_now {
                drop(state);
                self.run_hook(&why);
                state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            }
        }
    }

    /// Flushes now, for writes made outside `Store::write` (start-up).
    pub(crate) fn flush_now(&self, db: &sled::Db) -> Result<(), StoreError> {
        self.check()?;
        self.flush(db).map_err(|e| {
            let first = self.poison(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()), &e);
            if first {
                self.run_hook(&e);
            }
            StoreError::Poisoned(e)
        })
    }

    fn flush(&self, db: &sled::Db) -> Result<(), String> {
        self.flushes.fetch_add(1, Ordering::Relaxed);
        let started = std::time::Instant::now();
        let result =
            db.flush().map_err(|e| e.to_string()).and_then(|_| self.data_file.sync_data().map_err(|e| e.to_string()));
        self.flush_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        result
    }
}
