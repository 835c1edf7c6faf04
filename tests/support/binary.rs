//! Shared by the end-to-end tests: run the real `vouch` binary in a clean
//! environment, and wait for conditions without sleeping blindly.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(30);

/// `vouch` with no `VOUCH_*` from the developer's shell, its data under
/// `dir/data`, and `dir` as working directory (so no stray `vouch.toml`).
pub fn vouch(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vouch"));
    for (key, _) in std::env::vars() {
        if key.starts_with("VOUCH_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("VOUCH_DATA_DIR", dir.join("data")).current_dir(dir);
    cmd
}

/// The output of a run that must have succeeded.
pub fn stdout_ok(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "vouch failed: {}\nstdout:\n{text}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Polls `ok` until it holds, failing the test after [`DEADLINE`].
pub fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::park_timeout(Duration::from_millis(10));
    }
}
