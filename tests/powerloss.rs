//! Power loss: the crash loop's invariants when the machine dies, not just
//! the process. The data dir is a FUSE mount (tests/support/syncfs.py) that
//! passes file data to the disk only on fsync/fdatasync, so a "power cut" —
//! SIGKILL `vouch serve`, SIGKILL the filesystem with every unsynced write
//! in its memory, unmount, mount the disk again — leaves exactly what a
//! real disk would hold. A SIGKILL alone keeps the page cache and cannot
//! catch a missing fsync; this can.
//!
//! Short form in CI (3 cuts); `VOUCH_POWER_CUTS=20 cargo test --test powerloss
//! -- --nocapture` (or `scripts/powerloss-test`) runs longer.
//! Needs /dev/fuse, root (or fusermount), python3 with `fusepy` and libfuse2:
//! scripts/test installs them.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/load.rs"]
mod load;
#[path = "support/syncfs_mount.rs"]
mod syncfs_mount;
use load::*;
use std::path::PathBuf;
use syncfs_mount::{Mount, fuse_missing};

/// The harness itself: data that was fsynced survives a cut, data that was
/// only written (and closed, and renamed) does not.
#[test]
fn syncfs_keeps_only_fsynced_data() {
    if let Some(why) = fuse_missing() {
        panic!("cannot run the power-loss harness: {why}");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let (disk, at) = (tmp.path().join("disk"), tmp.path().join("mnt"));
    let mount = Mount::new(&disk, &at, &tmp.path().join("syncfs.log"));
    std::fs::write(at.join("written"), b"gone after the cut").expect("write");
    let mut synced = std::fs::File::create(at.join("synced")).expect("create");
    std::io::Write::write_all(&mut synced, b"kept").expect("write");
    synced.sync_data().expect("fdatasync");
    std::io::Write::write_all(&mut synced, b" and this is not").expect("write");
    drop(synced);
    std::fs::write(at.join("renamed.tmp"), b"never synced").expect("write");
    std::fs::rename(at.join("renamed.tmp"), at.join("renamed")).expect("rename");
    assert_eq!(std::fs::read(at.join("synced")).expect("read"), b"kept and this is not");
    mount.cut();

    let mount = Mount::new(&disk, &at, &tmp.path().join("syncfs.log"));
    assert_eq!(std::fs::read(at.join("synced")).expect("read"), b"kept");
    assert_eq!(std::fs::read(at.join("written")).expect("read"), b"");
    assert_eq!(std::fs::read(at.join("renamed")).expect("read"), b"");
    drop(mount);
}

/// The process and the unsynced data die together: only what was fsynced
/// is on `disk` when it is mounted again.
struct PowerCut {
    disk: PathBuf,
    data: PathBuf,
    log: PathBuf,
    mount: Option<Mount>,
}

impl Outage for PowerCut {
    const WHAT: &'static str = "power cut";
    fn strike(&mut self, server: Server) {
        server.kill();
        if let Some(mount) = self.mount.take() {
            mount.cut();
        }
    }
    fn left_behind(&self) -> PathBuf {
        self.disk.clone()
    }
    fn recover(&mut self) {
        self.mount = Some(Mount::new(&self.disk, &self.data, &self.log));
    }
}

#[test]
fn acknowledged_commands_survive_power_cuts() {
    if let Some(why) = fuse_missing() {
        panic!("cannot run the power-loss harness: {why}");
    }
    let cuts: usize = std::env::var("VOUCH_POWER_CUTS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let seed = seed_from("VOUCH_POWER_SEED");
    eprintln!("power loss: seed {seed} (VOUCH_POWER_SEED replays the choices; timing still varies), {cuts} cuts");
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let mut power =
        PowerCut { disk: dir.join("disk"), data: dir.join("data"), log: dir.join("syncfs.log"), mount: None };
    power.recover();
    let run = survive(dir, seed, cuts, (20, 100), &mut power);
    run.report::<PowerCut>("power loss", cuts, seed);
}
