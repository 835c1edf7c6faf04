//! `vouch backup`: a consistent snapshot of a data dir, written so that a
//! crash never leaves a half-written backup behind. Works while `serve` runs
//! (through the control socket). Restore is `vouch --data-dir NEW import FILE`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context;

use crate::app::{App, OpenError, Remote};
use crate::config::Config;
use vouch_store::Store;

/// Where backups go when no `--out` is given.
pub fn default_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

pub fn run(config: Config, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let dir = config.data_dir();
    let path = match out {
        Some(path) => path.to_path_buf(),
        None => {
            let backups = default_dir(&dir);
            std::fs::create_dir_all(&backups).with_context(|| format!("cannot create {}", backups.display()))?;
            backups.join(chrono::Utc::now().format("vouch-%Y%m%dT%H%M%S%.3fZ.json").to_string())
        }
    };
    let counts = match App::open(config) {
        Ok(app) => write_atomically_with(&path, |file| stream_snapshot(&app.store, file))?,
        Err(OpenError::InUse(_)) => {
            let mut remote = Remote::connect(&dir)?;
            write_atomically_with(&path, |file| remote.export_to(file))?
        }
        Err(OpenError::Other(e)) => return Err(e),
    };
    eprintln!(
        "vouch: backed up {} members, {} referrals, {} rewards; restore with `vouch --data-dir NEW-DIR import {}`",
        counts.members,
        counts.referrals,
        counts.rewards,
        path.display()
    );
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// A consistent snapshot of `store`, pretty JSON and a final newline, written
/// to `out` as it is read.
pub fn stream_snapshot(store: &Store, mut out: impl Write) -> anyhow::Result<vouch_store::DumpCounts> {
    let counts = store.snapshot_to(&mut out, vouch_store::DumpStyle::Pretty)?;
    out.write_all(b"\n")?;
    Ok(counts)
}

/// Names of automatic backups start with this; `vouch backup` uses `vouch-`,
/// so pruning never deletes a backup someone asked for.
const AUTO_PREFIX: &str = "auto-";

/// Automatic backups while `serve` runs: one whenever the newest automatic
/// backup is older than `every` (so also at start-up after a long stop), and
/// only the newest `keep` are kept.
pub async fn periodic(app: Arc<App>, every: Duration, keep: usize, stopped: tokio::sync::watch::Receiver<bool>) {
    vouch_core::tasks::repeat(stopped, || async {
        let a = Arc::clone(&app);
        match tokio::task::spawn_blocking(move || backup_if_due(&a.store, &a.config.data_dir(), every, keep)).await {
            Ok(Ok(wait)) => wait,
            Ok(Err(e)) => {
                eprintln!("vouch: automatic backup: {e:#}");
                every.min(Duration::from_secs(3600))
            }
            Err(e) => {
                eprintln!("vouch: automatic backup: {e}");
                every
            }
        }
    })
    .await
}

/// Writes an automatic backup if the newest is older than `every`, prunes to
/// `keep`, and returns how long until the next one is due.
pub fn backup_if_due(store: &Store, data_dir: &Path, every: Duration, keep: usize) -> anyhow::Result<Duration> {
    let dir = default_dir(data_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let autos = automatic_backups(&dir)?;
    let age = autos
        .last()
        .and_then(|newest| std::fs::metadata(newest).and_then(|m| m.modified()).ok())
        .map(|modified| SystemTime::now().duration_since(modified).unwrap_or_default());
    if let Some(age) = age.filter(|age| *age < every) {
        return Ok(every - age);
    }
    let path = dir.join(chrono::Utc::now().format("auto-%Y%m%dT%H%M%S%.3fZ.json").to_string());
    write_atomically_with(&path, |file| stream_snapshot(store, file))?;
    let autos = automatic_backups(&dir)?;
    for old in &autos[..autos.len().saturating_sub(keep.max(1))] {
        std::fs::remove_file(old).with_context(|| format!("cannot remove old backup {}", old.display()))?;
    }
    eprintln!("vouch: automatic backup written to {}", path.display());
    Ok(every)
}

/// Automatic backups in `dir`, oldest first (their names sort by time).
fn automatic_backups(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(AUTO_PREFIX) && name.ends_with(".json") {
            found.push(dir.join(name.as_ref()));
        }
    }
    found.sort();
    Ok(found)
}

/// Writes to `path` so that after a crash `path` holds either its old
/// content or all of what `fill` wrote (as it made it: an export streamed from
/// the store, never whole in memory): a temporary file in the same directory,
/// fsynced, renamed over `path`, then the directory fsynced (the rename is
/// durable only once the directory entry is).
pub fn write_atomically_with<T>(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = parent.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let written = (|| -> anyhow::Result<T> {
        let mut file = std::fs::File::create(&tmp)?;
        let made = fill(&mut file)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(&parent)?.sync_all()?;
        Ok(made)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("b.json");
        let write = |bytes: &'static [u8]| write_atomically_with(&path, |f| Ok(f.write_all(bytes)?));
        write(b"old").expect("first write");
        write(b"new").expect("second write");
        assert_eq!(std::fs::read(&path).expect("read back"), b"new");
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("b.json")]);
    }

    #[test]
    fn automatic_backups_run_when_due_and_keep_the_newest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("data")).expect("open store");
        let data = dir.path().join("data");
        let manual = default_dir(&data).join("vouch-20260101T000000.000Z.json");
        let day = Duration::from_secs(86_400);
        backup_if_due(&store, &data, day, 2).expect("first backup");
        std::fs::write(&manual, "{}").expect("a manual backup");
        let wait = backup_if_due(&store, &data, day, 2).expect("not due");
        assert!(wait > Duration::ZERO && wait <= day, "{wait:?}");
        assert_eq!(automatic_backups(&default_dir(&data)).expect("list").len(), 1);
        for _ in 0..3 {
            backup_if_due(&store, &data, Duration::ZERO, 2).expect("due at once");
        }
        let autos = automatic_backups(&default_dir(&data)).expect("list");
        assert_eq!(autos.len(), 2, "{autos:?}");
        assert!(manual.exists(), "pruning leaves manual backups alone");
        let text = std::fs::read_to_string(&autos[1]).expect("read backup");
        let dump: vouch_store::Dump = serde_json::from_str(&text).expect("a backup is an export");
        assert_eq!(dump, store.export().expect("export"));
    }

    #[test]
    fn a_failed_write_names_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing-dir").join("b.json");
        let err = write_atomically_with(&path, |f| Ok(f.write_all(b"x")?)).expect_err("no such directory");
        assert!(format!("{err:#}").contains("b.json"), "{err:#}");
    }
}
