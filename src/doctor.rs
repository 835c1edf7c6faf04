//! `vouch doctor`: check a data dir, rebuild its indexes, or restore it
//! from a backup. Checking and repairing also work while `serve` runs (over
//! the control socket); restoring needs vouch stopped.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use vouch_store::{DoctorReport, Store, StoreError};

use crate::app::Remote;
use crate::config::Config;

/// Problems listed one by one before the rest are only counted.
const SHOWN: usize = 20;

pub fn run(config: Config, repair: bool, restore: Option<&Path>) -> anyhow::Result<ExitCode> {
    let dir = config.data_dir();
    if let Some(backup) = restore {
        return self::restore(&dir, backup);
    }
    let report = match Store::open(&dir) {
        Ok(store) => store.doctor(repair)?,
        Err(StoreError::Locked(_)) => Remote::connect(&dir)?.doctor(repair)?,
        Err(e) => {
            eprintln!("vouch doctor: the store in {} does not open: {e}", dir.display());
            print_restore_hint(&dir);
            return Ok(ExitCode::FAILURE);
        }
    };
    print!("{}", describe(&dir, &report));
    if !report.healthy() {
        print_restore_hint(&dir);
    }
    Ok(if report.healthy() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The report for people: what is there, what is wrong, what was done.
pub fn describe(dir: &Path, report: &DoctorReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "vouch doctor: {}", dir.display());
    let counts: Vec<String> =
        report.counts.iter().filter(|(_, n)| *n > 0).map(|(tree, n)| format!("{tree} {n}")).collect();
    let _ = writeln!(out, "  entries: {}", if counts.is_empty() { "none".into() } else { counts.join(", ") });
    if report.problems.is_empty() {
        let _ = writeln!(out, "  healthy: every value decodes, every index matches its entities, counters are ahead");
        return out;
    }
    let _ = writeln!(out, "  {} problem(s):", report.problems.len());
    for ((tree, kind), n) in report.summary() {
        let fix = if kind.repairable() { "rebuildable" } else { "needs a restore" };
        let _ = writeln!(out, "    {tree}: {n} {} ({fix})", kind.as_str());
    }
    for p in report.problems.iter().take(SHOWN) {
        let _ = writeln!(out, "    - {}: {}: {}", p.tree, p.kind.as_str(), p.detail);
    }
    if report.problems.len() > SHOWN {
        let _ = writeln!(out, "    ... and {} more", report.problems.len() - SHOWN);
    }
    let repairable = report.problems.iter().filter(|p| p.kind.repairable()).count();
    if report.repaired {
        let _ = writeln!(out, "  repaired: {repairable} index entries and counters rebuilt from the entities");
    } else if let Some(why) = &report.repair_refused {
        let _ = writeln!(out, "  not repaired: {why}");
    } else if repairable > 0 {
        let _ = writeln!(out, "  `vouch doctor --repair` rebuilds the {repairable} index entries and counters");
    }
    let left = report.remaining().count();
    if left == 0 {
        let _ = writeln!(out, "  healthy now");
    } else {
        let _ = writeln!(out, "  {left} problem(s) remain");
    }
    out
}

fn print_restore_hint(dir: &Path) {
    match newest_backup(dir) {
        Some(b) => eprintln!(
            "vouch doctor: to restore the newest backup, stop vouch and run `vouch doctor --restore {}`",
            b.display()
        ),
        None => eprintln!("vouch doctor: no backup found in {}", crate::backup::default_dir(dir).display()),
    }
}

/// The newest backup (automatic or by hand) in DATA_DIR/backups.
fn newest_backup(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(crate::backup::default_dir(dir))
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, path)| path)
}

/// Replaces the store with a backup: the current store is moved aside (never
/// deleted), a fresh one is created and the backup imported into it, then
/// checked. Backups, mail and config in the data dir stay where they are.
fn restore(dir: &Path, backup: &Path) -> anyhow::Result<ExitCode> {
    let input = std::fs::File::open(backup).with_context(|| format!("cannot read {}", backup.display()))?;
    let store_dir = dir.join("store");
    let mut kept = None;
    if store_dir.exists() {
        // Holding the lock proves no vouch runs on this data dir; it is
        // released before the move.
        match Store::open(dir) {
            Err(StoreError::Locked(_)) => bail!("vouch is running on {}; stop it before restoring", dir.display()),
            Ok(store) => drop(store),
            Err(_) => {} // a store that does not open is what a restore is for
        }
        let aside = dir.join(chrono::Utc::now().format("store.before-restore-%Y%m%dT%H%M%S%.3fZ").to_string());
        std::fs::rename(&store_dir, &aside)
            .with_context(|| format!("cannot move {} aside to {}", store_dir.display(), aside.display()))?;
        kept = Some(aside);
    }
    let store = Store::open(dir).with_context(|| format!("cannot create a fresh store in {}", dir.display()))?;
    // Streamed in; a backup that turns out unreadable part-way puts the
    // previous store back as it was.
    let counts = match store.import_from(input) {
        Ok(counts) => counts,
        Err(e) => {
            drop(store);
            let _ = std::fs::remove_dir_all(&store_dir);
            if let Some(aside) = &kept {
                std::fs::rename(aside, &store_dir)
                    .with_context(|| format!("cannot put {} back to {}", aside.display(), store_dir.display()))?;
            }
            return Err(anyhow::Error::new(e)
                .context(format!("{} is not a usable vouch backup; the store is as it was", backup.display())));
        }
    };
    let report = store.doctor(false)?;
    if let Some(aside) = &kept {
        eprintln!("vouch doctor: the previous store is kept in {}", aside.display());
    }
    eprintln!(
        "vouch doctor: restored {} members, {} referrals, {} rewards from {}",
        counts.members,
        counts.referrals,
        counts.rewards,
        backup.display()
    );
    print!("{}", describe(dir, &report));
    Ok(if report.healthy() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
