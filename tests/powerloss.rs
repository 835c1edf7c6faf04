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
use binary::DEADLINE;
use load::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// A syncfs mount of `disk` at `at`, running until [`Mount::cut`] or drop.
struct Mount {
    child: Child,
    at: PathBuf,
}

fn syncfs_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/syncfs.py")
}

/// Why this machine cannot run the harness, if it cannot.
fn fuse_missing() -> Option<String> {
    if !Path::new("/dev/fuse").exists() {
        return Some("no /dev/fuse".into());
    }
    let probe = Command::new("python3").args(["-c", "import fuse"]).output();
    match probe {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(format!(
            "python3 cannot import fusepy ({}); run scripts/test, which installs fuse3, libfuse2 and fusepy",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Some(format!("no python3: {e}")),
    }
}

/// Whether `at` is a mount point (also when its filesystem process died and
/// the mount answers only "transport endpoint is not connected").
fn is_mounted(at: &Path) -> bool {
    let at = at.to_string_lossy();
    std::fs::read_to_string("/proc/self/mountinfo")
        .unwrap_or_default()
        .lines()
        .any(|line| line.split(' ').nth(4) == Some(at.as_ref()))
}

impl Mount {
    fn new(disk: &Path, at: &Path, log: &Path) -> Self {
        std::fs::create_dir_all(disk).expect("create disk dir");
        std::fs::create_dir_all(at).expect("create mount point");
        let at = &at.canonicalize().expect("mount point path");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("syncfs log");
        let mut child = Command::new("python3")
            .arg(syncfs_script())
            .arg(disk)
            .arg(at)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn syncfs");
        let start = Instant::now();
        while !is_mounted(at) {
            if let Some(status) = child.try_wait().expect("try_wait syncfs") {
                panic!("syncfs exited at start ({status}); see the syncfs log");
            }
            assert!(start.elapsed() < DEADLINE, "syncfs did not mount in time");
            park();
        }
        Self { child, at: at.to_path_buf() }
    }

    /// The power cut: every write not yet fsynced dies with this process.
    fn cut(mut self) {
        self.kill_and_unmount();
    }

    fn kill_and_unmount(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !is_mounted(&self.at) {
            return;
        }
        let quiet =
            |cmd: &mut Command| cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
        if !quiet(Command::new("fusermount").arg("-uz").arg(&self.at))
            && !quiet(Command::new("umount").arg("-l").arg(&self.at))
        {
            eprintln!("powerloss: could not unmount {}", self.at.display());
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        self.kill_and_unmount();
    }
}

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
