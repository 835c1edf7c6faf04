//! `vouch doctor`: finds what is damaged in a data dir, rebuilds indexes and
//! counters, restores from a backup, and works while `serve` runs. The damage
//! is written with sled directly while vouch is stopped, as a torn write or
//! a bug could leave it.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/load.rs"]
mod load;
use binary::vouch;
use load::{Client, Server, find_code, read_dump};
use std::path::Path;
use std::process::{Output, Stdio};

use vouch_store::TreeName;

fn doctor(dir: &Path, args: &[&str]) -> (i32, String) {
    let out: Output = vouch(dir).arg("doctor").args(args).stdin(Stdio::null()).output().expect("run vouch doctor");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Runs `f` on the raw sled trees of a stopped vouch's store.
fn damage(dir: &Path, f: impl FnOnce(&sled::Db)) {
    let db = sled::open(dir.join("data").join("store")).expect("open sled directly");
    f(&db);
    db.flush().expect("flush");
}

fn tree(db: &sled::Db, name: TreeName) -> sled::Tree {
    db.open_tree(name.as_str()).expect("open tree")
}

#[test]
fn doctor_finds_repairs_and_restores() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let server = Server::start(dir).unwrap_or_else(|e| panic!("{e}"));
    let mut client = Client::connect(&dir.join("data")).expect("connect");
    let code = find_code(&client.say("alice", "code").expect("code")).expect("a code");
    assert!(client.say("bob", &format!("redeem {code}")).expect("redeem").contains("Welcome!"));
    client.say("carol", "code").expect("code");

    // While serving: through the control socket.
    let (status, text) = doctor(dir, &[]);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("healthy") && text.contains("referrals 1"), "{text}");
    let backup = dir.join("backup.json");
    let out = vouch(dir).args(["backup", "--out"]).arg(&backup).stdin(Stdio::null()).output().expect("backup");
    assert!(out.status.success());
    drop(client);
    drop(server);

    // Indexes lost or wrong: alice's code can't be found by owner (she
    // would be handed a second code), bob looks never referred (he could
    // redeem again), a ledger-style stale entry, a counter behind.
    damage(dir, |db| {
        tree(db, TreeName::CodesByOwner).clear().expect("clear");
        tree(db, TreeName::ReferralsByReferred).clear().expect("clear");
        tree(db, TreeName::ReferralsByReferrer).insert([0u8; 16], &b""[..]).expect("insert");
        tree(db, TreeName::Meta).insert("next:referral", &0u64.to_be_bytes()[..]).expect("insert");
    });
    let (status, text) = doctor(dir, &[]);
    assert_eq!(status, 1, "{text}");
    for needle in [
        "codes_by_owner: 2 missing index entry (rebuildable)",
        "referrals_by_referred: 1 missing index entry",
        "referrals_by_referrer: 1 stale index entry",
        "meta: 1 counter behind",
        "`vouch doctor --repair` rebuilds the 5",
        "--restore",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    let (status, text) = doctor(dir, &["--repair"]);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("repaired: 5") && text.contains("healthy now"), "{text}");
    let (status, text) = doctor(dir, &[]);
    assert_eq!((status, text.contains("healthy")), (0, true), "{text}");

    // The repaired store behaves: same code back, no second redemption.
    let server = Server::start(dir).unwrap_or_else(|e| panic!("{e}"));
    let mut client = Client::connect(&dir.join("data")).expect("connect");
    assert_eq!(find_code(&client.say("alice", "code").expect("code")).as_deref(), Some(code.as_str()));
    let again = client.say("bob", &format!("redeem {code}")).expect("redeem");
    assert!(!again.contains("Welcome!"), "{again}");
    drop(client);
    drop(server);

    // A damaged entity is not papered over; a restore brings the backup back.
    damage(dir, |db| {
        tree(db, TreeName::Referrals).insert(1u64.to_be_bytes(), &[1u8, b'{'][..]).expect("insert");
    });
    let (status, text) = doctor(dir, &["--repair"]);
    assert_eq!(status, 1, "{text}");
    assert!(text.contains("referrals: 1 undecodable (needs a restore)") && text.contains("not repaired"), "{text}");
    assert!(text.contains("vouch doctor --restore"), "the hint names a backup: {text}");

    let (status, text) = doctor(dir, &["--restore", backup.to_str().expect("utf-8 path")]);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("restored 3 members, 1 referrals") && text.contains("healthy"), "{text}");
    let kept: Vec<_> = std::fs::read_dir(dir.join("data"))
        .expect("list data dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("store.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged store is kept aside");
    let export = dir.join("after.json");
    let out = vouch(dir).args(["export", "--out"]).arg(&export).stdin(Stdio::null()).output().expect("export");
    assert!(out.status.success());
    assert!(read_dump(&export) == read_dump(&backup), "the restored data is the backup");
}

#[test]
fn restore_refuses_while_serving_and_bad_backups_change_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let server = Server::start(dir).unwrap_or_else(|e| panic!("{e}"));
    let backup = dir.join("backup.json");
    let out = vouch(dir).args(["backup", "--out"]).arg(&backup).stdin(Stdio::null()).output().expect("backup");
    assert!(out.status.success());
    let (status, text) = doctor(dir, &["--restore", backup.to_str().expect("utf-8 path")]);
    assert_ne!(status, 0);
    assert!(text.contains("stop it before restoring"), "{text}");
    drop(server);

    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"not\": \"a backup\"}").expect("write");
    let (status, text) = doctor(dir, &["--restore", junk.to_str().expect("utf-8 path")]);
    assert_ne!(status, 0);
    assert!(text.contains("is not a usable vouch backup") && text.contains("as it was"), "{text}");
    assert!(dir.join("data").join("store").exists(), "the store is in place");
    let (status, text) = doctor(dir, &[]);
    assert_eq!(status, 0, "{text}");

    // A backup cut off half-way (read as it loads) also leaves the store as it was.
    let whole = std::fs::read_to_string(&backup).expect("backup");
    let cut = dir.join("cut.json");
    std::fs::write(&cut, &whole[..whole.len() * 2 / 3]).expect("write");
    let (status, text) = doctor(dir, &["--restore", cut.to_str().expect("utf-8 path")]);
    assert_ne!(status, 0);
    assert!(text.contains("is not a usable vouch backup"), "{text}");
    let after = dir.join("after.json");
    let out = vouch(dir).args(["export", "--out"]).arg(&after).stdin(Stdio::null()).output().expect("export");
    assert!(out.status.success());
    assert!(read_dump(&after) == read_dump(&backup), "the data is the one from before the failed restore");
    let (status, text) = doctor(dir, &[]);
    assert_eq!(status, 0, "{text}");
}
