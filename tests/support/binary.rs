//! Shared by the end-to-end tests: run the real `vouch` binary in a clean
//! environment, and wait for conditions without sleeping blindly.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(30);

/// `vouch` with no `VOUCH_*` from the developer's shell, its data under
/// `dir/data`, and `dir` as working directory (so no stray `vouch.toml`).
pub fn vouch(dir: &Path) -> Command {
    vouch_wrapped(dir, &[])
}

/// [`vouch`] run through `wrapper` (e.g. `["prlimit", "--nofile=200"]`),
/// which must exec the binary so the child's pid is vouch's.
pub fn vouch_wrapped(dir: &Path, wrapper: &[&str]) -> Command {
    let mut cmd = match wrapper.split_first() {
        None => Command::new(env!("CARGO_BIN_EXE_vouch")),
        Some((program, args)) => {
            let mut cmd = Command::new(program);
            cmd.args(args).arg(env!("CARGO_BIN_EXE_vouch"));
            cmd
        }
    };
    for (key, _) in std::env::vars() {
        if key.starts_with("VOUCH_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("VOUCH_DATA_DIR", dir.join("data")).current_dir(dir);
    cmd
}

/// [`vouch`] with an inbound address and a From for mail, and sender
/// authentication off (no DNS in tests; `tests/mail_trust.rs` sets a fixed
/// zone instead). Callers add or override what their test needs.
pub fn vouch_mail(dir: &Path) -> Command {
    let mut cmd = vouch(dir);
    cmd.env("VOUCH_INBOX_ADDRESS", "vouch@acme.example")
        .env("VOUCH_MAIL_FROM", "Acme <vouch@acme.example>")
        .env("VOUCH_MAIL_AUTH", "off");
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
pub fn wait_for(what: &str, ok: impl FnMut() -> bool) {
    wait_or_explain(what, ok, String::new);
}

/// [`wait_for`], with `explain` (a log, say) in the failure.
pub fn wait_or_explain(what: &str, mut ok: impl FnMut() -> bool, explain: impl Fn() -> String) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}\n{}", explain());
        std::thread::park_timeout(Duration::from_millis(10));
    }
}

/// Runs `cmd` with `stdin` piped in and waits for it.
pub fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn vouch");
    // A process that refuses its arguments (or its input) exits before reading stdin.
    match child.stdin.take().expect("stdin").write_all(stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.expect("write stdin"),
    }
    child.wait_with_output().expect("wait for vouch")
}

/// The golden email fixtures (`tests/fixtures/email`).
pub fn email_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/email")
}

/// One email fixture's bytes.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = email_fixtures().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A finished run's status and both streams, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Reads a child's stdout on a thread so a test can wait for a line. It
/// keeps draining after the receiver is gone: a server whose stdout pipe
/// closed would die on its next print.
pub fn lines_of(stdout: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// A child process killed (and reaped) when the test ends, pass or fail.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
