//! vouch-bench: how fast vouch answers when every reply waits for its change
//! to be on disk, next to the two baselines that matter.
//!
//! - (a) raw sled, one write per flush + fdatasync: the fsync floor, what a
//!   store without group commit would reach;
//! - (b) SQLite (WAL, `synchronous=FULL`) doing the same logical redeem from
//!   many connections: the obvious alternative;
//! - (c) vouch's engine end to end at one client and at many;
//! - (d) inbound mail: ingest's parse + classify + extract per message next
//!   to mail-parser's raw parse of the same golden fixtures.
//!
//! All three run in scratch directories under one parent, so they share a
//! disk, and each runs for about the same time. `vouch bench` prints the
//! result with [`BenchReport::table`] or [`BenchReport::to_json`].

mod engine;
mod harness;
mod ingest;
mod report;
mod sled_floor;
mod sqlite;

use std::path::PathBuf;
use std::time::Duration;

pub use harness::Measurement;
pub use ingest::Rate;
pub use report::{BenchReport, IngestReport, Target};

/// What to measure and where.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchOptions {
    /// Parent of the scratch directories; the system temp dir when `None`.
    /// Point it at the disk vouch's data lives on.
    pub dir: Option<PathBuf>,
    /// Duration of each measurement.
    pub seconds: f64,
    /// Concurrent clients for SQLite and the many-clients engine run.
    pub clients: usize,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self { dir: None, seconds: 3.0, clients: 64 }
    }
}

/// Runs the measurements one after the other and checks the targets.
/// Takes about `5 * seconds` plus setup; the scratch data is deleted after.
pub fn run(opts: &BenchOptions) -> Result<BenchReport, String> {
    if !(opts.seconds.is_finite() && opts.seconds > 0.0 && opts.seconds <= 3600.0) {
        return Err(format!("seconds must be between 0 and 3600, not {}", opts.seconds));
    }
    if opts.clients == 0 {
        return Err("clients must be at least 1".into());
    }
    let duration = Duration::from_secs_f64(opts.seconds);
    let parent = opts.dir.clone().unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let scratch = tempfile::Builder::new()
        .prefix("vouch-bench-")
        .tempdir_in(&parent)
        .map_err(|e| format!("cannot create a scratch directory in {}: {e}", parent.display()))?;
    let subdir = |name: &str| -> Result<PathBuf, String> {
        let dir = scratch.path().join(name);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(dir)
    };

    let sled_flush = sled_floor::measure(&subdir("sled")?, duration)?;
    let sqlite = sqlite::measure(&subdir("sqlite")?, opts.clients, duration)?;
    let engine = engine::measure(&subdir("engine")?, opts.clients, duration)?;
    let mail = ingest::measure(duration)?;

    let mut targets = report::targets(&sled_flush, &sqlite, &engine.many);
    targets.push(report::ingest_target(&mail.parse, &mail.ingest));
    let report = BenchReport {
        dir: parent,
        seconds: opts.seconds,
        clients: opts.clients,
        sled_flush,
        sqlite,
        engine_1: engine.one,
        engine_many: engine.many,
        engine_commits_per_flush_64: engine.commits_per_flush_many,
        engine_flushes_per_op_64: engine.flushes_per_op_many,
        engine_locked_us_per_commit_64: engine.locked_us_per_commit_many,
        engine_sled_commit_us_per_commit_64: engine.sled_commit_us_per_commit_many,
        engine_flush_ms_64: engine.flush_ms_many,
        email_fixtures: mail.fixtures,
        mail_parse: mail.parse,
        ingest: mail.ingest,
        targets,
    };
    scratch.close().map_err(|e| format!("cannot remove the scratch directory: {e}"))?;
    Ok(report)
}

/// (d) alone, for work on the inbound path: ingest next to mail-parser's
/// raw parse for about `seconds`, without the disk-bound runs before it.
pub fn run_ingest(seconds: f64) -> Result<IngestReport, String> {
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0) {
        return Err(format!("seconds must be between 0 and 3600, not {seconds}"));
    }
    // Half the time on the golden fixtures, half on the forward corpus.
    let mail = ingest::measure(Duration::from_secs_f64(seconds / 2.0))?;
    let accuracy = ingest::accuracy(Duration::from_secs_f64(seconds / 2.0))?;
    let mut targets = vec![report::ingest_target(&mail.parse, &mail.ingest)];
    targets.extend(report::accuracy_targets(&accuracy));
    Ok(IngestReport {
        seconds,
        email_fixtures: mail.fixtures,
        mail_parse: mail.parse,
        ingest: mail.ingest,
        accuracy: report::AccuracyReport::from(&accuracy),
        targets,
    })
}

#[cfg(test)]
mod tests;
