//! A syncfs mount (tests/support/syncfs.py): a FUSE filesystem that keeps
//! only fsynced file data, so a "power cut" can be simulated, and that can
//! fail every fsync on demand (a dying disk). Shared by tests/powerloss.rs
//! and tests/diskfail.rs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::binary::DEADLINE;

fn park() {
    std::thread::park_timeout(std::time::Duration::from_millis(10));
}

/// A syncfs mount of `disk` at `at`, running until [`Mount::cut`] or drop.
pub struct Mount {
    child: Child,
    at: PathBuf,
}

fn syncfs_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/syncfs.py")
}

/// Why this machine cannot run the harness, if it cannot.
pub fn fuse_missing() -> Option<String> {
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
    pub fn new(disk: &Path, at: &Path, log: &Path) -> Self {
        Self::spawn(disk, at, log, None)
    }

    /// Like [`Mount::new`]; while the file `fail_flag` exists, every fsync
    /// and fdatasync fails with EIO and its data stays unsynced.
    pub fn failing_on(disk: &Path, at: &Path, log: &Path, fail_flag: &Path) -> Self {
        Self::spawn(disk, at, log, Some(fail_flag))
    }

    fn spawn(disk: &Path, at: &Path, log: &Path, fail_flag: Option<&Path>) -> Self {
        std::fs::create_dir_all(disk).expect("create disk dir");
        std::fs::create_dir_all(at).expect("create mount point");
        let at = &at.canonicalize().expect("mount point path");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("syncfs log");
        let mut child = Command::new("python3")
            .arg(syncfs_script())
            .arg(disk)
            .arg(at)
            .args(fail_flag)
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
    pub fn cut(mut self) {
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
