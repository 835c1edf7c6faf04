//! A disk that fails under `vouch serve`: every fsync returns EIO while a
//! flag file exists (tests/support/syncfs.py). Nothing the failed flush
//! covered may be acknowledged, delivered or visible; `serve` stops with a
//! non-zero status (fail-stop, for a supervisor to restart it); after the
//! "power" goes and vouch starts again on the healed disk, every
//! acknowledged change is there, nothing unsaved is, and no mail goes twice.
//!
//! Needs what tests/powerloss.rs needs (FUSE, fusepy) and aiosmtpd.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/load.rs"]
mod load;
#[path = "support/mail_servers.rs"]
mod mail_servers;
#[path = "support/syncfs_mount.rs"]
mod syncfs_mount;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Instant;

use binary::{DEADLINE, vouch_mail, wait_for};
use load::Client;
use mail_servers::{SmtpSink, free_port};
use syncfs_mount::{Mount, fuse_missing};

fn serve(dir: &Path, smtp: &SmtpSink, log: &str) -> Child {
    let stderr = std::fs::File::create(dir.join(log)).expect("stderr file");
    let mut child = vouch_mail(dir)
        .env("VOUCH_SMTP_URL", smtp.url())
        .args(["serve", "--poll-ms", "50", "--backup-hours", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("spawn vouch serve");
    wait_for("the control socket", || {
        assert!(child.try_wait().expect("try_wait").is_none(), "serve exited at start: {}", read(dir, log));
        Client::connect(&dir.join("data")).is_ok()
    });
    child
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_default()
}

/// How many messages the sink holds for `address`.
fn mails_to(smtp: &SmtpSink, address: &str) -> usize {
    smtp.messages().iter().filter(|m| m.lines().any(|l| l.starts_with("To:") && l.contains(address))).count()
}

#[test]
fn a_failed_flush_acknowledges_delivers_and_shows_nothing_and_serve_stops() {
    if let Some(why) = fuse_missing() {
        panic!("cannot run the disk-failure harness: {why}");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let (disk, data, flag) = (dir.join("disk"), dir.join("data"), dir.join("fail-fsync"));
    let smtp = SmtpSink::start(free_port());
    let mount = Mount::failing_on(&disk, &data, &dir.join("syncfs.log"), &flag);
    let mut server = serve(dir, &smtp, "serve1.stderr");

    // Saved and acknowledged before the disk fails: its consent mail goes once.
    let mut client = Client::connect(&data).expect("connect");
    let asked = client.say("alice", "refer Ann Lee ann@example.com").expect("an answer");
    assert!(asked.contains("ann@example.com"), "the introduction was taken: {asked}");
    wait_for("Ann's consent request", || mails_to(&smtp, "ann@example.com") == 1);
    // ...and marked sent (SMTP is at least once: a crash between the
    // server's 250 and this mark resends, by design; not what is tested here).
    wait_for("Ann's row marked sent", || {
        let dump = client.export().expect("export");
        dump.outbox.iter().all(|row| row.state != vouch_store::OutboxState::Pending)
    });

    // The disk starts failing: the next command is not saved, and says so.
    std::fs::write(&flag, b"").expect("raise the fail flag");
    let say = serde_json::json!({"op": "say", "speaker": {"identity": "alice", "name": null},
        "line": "refer Bob Stone bob@example.com"});
    if let Ok(answer) = client.call(say) {
        let text = answer.to_string();
        assert!(
            text.contains("nothing was changed") || text.contains("nothing more is saved"),
            "a failed flush must not be acknowledged: {text}"
        );
    }
    // Fail-stop: serve exits non-zero on its own, so a supervisor restarts it.
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().expect("try_wait") {
            break status;
        }
        assert!(start.elapsed() < DEADLINE, "serve kept running on a failed disk");
        std::thread::park_timeout(std::time::Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(74), "EX_IOERR; stderr: {}", read(dir, "serve1.stderr"));
    assert!(read(dir, "serve1.stderr").contains("a write to disk failed"), "{}", read(dir, "serve1.stderr"));
    assert!(read(dir, "syncfs.log").contains("failing fsync"), "the harness failed no fsync");
    // serve is gone, so the sink's count is final: the unsaved mail never left.
    assert_eq!(mails_to(&smtp, "bob@example.com"), 0, "a mail for an unsaved command was delivered");
    assert_eq!(mails_to(&smtp, "ann@example.com"), 1);

    // The disk heals after a power cut; vouch starts again.
    mount.cut();
    std::fs::remove_file(&flag).expect("drop the fail flag");
    let mount = Mount::new(&disk, &data, &dir.join("syncfs.log"));
    let _server = binary::Killed(serve(dir, &smtp, "serve2.stderr"));
    let mut client = Client::connect(&data).expect("connect again");
    let again = client.say("alice", "refer Cy Ode cy@example.com").expect("an answer");
    assert!(again.contains("cy@example.com"), "{again}");
    // Rows are delivered in order: once Cy's mail is out, any resend of
    // Ann's (or a late Bob) would be out too.
    wait_for("Cy's consent request", || mails_to(&smtp, "cy@example.com") == 1);
    assert_eq!(mails_to(&smtp, "ann@example.com"), 1, "Ann's consent request went twice");
    assert_eq!(mails_to(&smtp, "bob@example.com"), 0, "the unsaved introduction came back");

    let dump = client.export().expect("export");
    let prospects: Vec<String> = dump
        .members
        .iter()
        .filter_map(|m| m.email.as_ref().map(|e| e.as_str().to_string()))
        .filter(|e| e.ends_with("@example.com"))
        .collect();
    assert!(prospects.contains(&"ann@example.com".to_string()), "acknowledged Ann lost: {prospects:?}");
    assert!(!prospects.contains(&"bob@example.com".to_string()), "unsaved Bob visible: {prospects:?}");
    assert_eq!(dump.referrals.len(), 2, "Ann's and Cy's introductions, not Bob's");
    drop(mount);
}
