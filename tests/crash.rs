//! Durability under abuse: `vouch serve` is killed with SIGKILL at random
//! moments while clients send commands over its control socket, restarted,
//! and checked: every acknowledged command is still there, nothing happened
//! twice, and the store always opens. Also `vouch backup` while serving.
//!
//! Short form in CI; `VOUCH_CRASH_KILLS=50 cargo test --test crash -- --nocapture`
//! (or `scripts/crash-test`) runs longer. `VOUCH_CRASH_SEED` replays a run.
//! Nothing sleeps: every wait polls a condition with a deadline.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/load.rs"]
mod load;
use binary::DEADLINE;
use load::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A SIGKILL: the data dir stays as the process left it.
struct Kill {
    data: PathBuf,
}

impl Outage for Kill {
    const WHAT: &'static str = "kill";
    fn strike(&mut self, server: Server) {
        server.kill();
    }
    fn left_behind(&self) -> PathBuf {
        self.data.clone()
    }
    fn recover(&mut self) {}
}

#[test]
fn acknowledged_commands_survive_repeated_sigkill() {
    let kills: usize = std::env::var("VOUCH_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let seed = seed_from("VOUCH_CRASH_SEED");
    eprintln!(
        "crash loop: seed {seed} (VOUCH_CRASH_SEED={seed} replays the choices; timing still varies), {kills} kills"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let run = survive(dir, seed, kills, (10, 150), &mut Kill { data: dir.join("data") });
    run.report::<Kill>("crash loop", kills, seed);
}

#[test]
fn a_backup_taken_while_serving_restores_to_the_same_data() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let data = dir.join("data");
    let server = Server::start(dir).unwrap_or_else(|e| panic!("{e}"));
    let acked = Arc::new(Mutex::new(Acked::default()));
    let names = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..2)
        .map(|i| {
            let (data, acked, names, stop) = (data.clone(), Arc::clone(&acked), Arc::clone(&names), Arc::clone(&stop));
            std::thread::spawn(move || client_loop(i, data, 7, acked, names, stop))
        })
        .collect();
    let wait_for_ops = |n: u64| {
        let start = Instant::now();
        while acked.lock().expect("acked lock").ops() < n {
            assert!(start.elapsed() < DEADLINE, "clients stalled");
            std::thread::yield_now();
        }
    };

    wait_for_ops(60);
    // Through the control socket, while commands keep flowing.
    let backup = dir.join("snap.json");
    run_ok(dir, &["backup", "--out", backup.to_str().expect("utf-8 path")]);
    let default_path = run_ok(dir, &["backup"]);
    let default_path = PathBuf::from(default_path.trim());
    assert!(default_path.starts_with(data.join("backups")), "{}", default_path.display());
    let after = acked.lock().expect("acked lock").ops();
    wait_for_ops(after + 30);
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client thread");
    }
    let live = Client::connect(&data).and_then(|mut c| c.export()).expect("live export");
    drop(server);

    let snap = read_dump(&backup);
    assert!(
        !snap.referrals.is_empty() && snap.referrals.len() < live.referrals.len(),
        "commands ran around the backup"
    );
    read_dump(&default_path);
    // A snapshot is a prefix of the live history: nothing in it is missing or different later.
    for r in &snap.referrals {
        assert!(live.referrals.iter().any(|l| l.id == r.id && l.referred == r.referred && l.code == r.code), "{r:?}");
    }
    for c in &snap.codes {
        assert!(live.codes.contains(c), "{c:?}");
    }
    // Consistent across trees: each referral has its one notice, each code its member.
    let none = BTreeMap::new();
    let tried: BTreeSet<String> =
        snap.identities.iter().map(|i| i.key.external().to_string()).filter(|n| n.starts_with('r')).collect();
    let problems = check(&snap, &none, &none, &tried);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for c in &snap.codes {
        assert!(snap.members.iter().any(|m| m.id == c.member), "{c:?} without its member");
    }

    // Restore = import into a new data dir; its export is the backup again.
    let restored = dir.join("restored");
    let restored_s = restored.to_str().expect("utf-8 path");
    run_ok(dir, &["--data-dir", restored_s, "import", backup.to_str().expect("utf-8 path")]);
    let again = dir.join("again.json");
    run_ok(dir, &["--data-dir", restored_s, "export", "--out", again.to_str().expect("utf-8 path")]);
    assert!(read_dump(&again) == snap, "the restored data differs from the backup");
}

/// The checker itself: a store that lost or doubled something is caught.
#[test]
fn the_checker_reports_lost_doubled_and_invented_effects() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let data = dir.join("data");
    let server = Server::start(dir).unwrap_or_else(|e| panic!("{e}"));
    let mut client = Client::connect(&data).expect("connect");
    let code = find_code(&client.say("alice", "code").expect("code")).expect("a code");
    assert!(client.say("bob", &format!("redeem {code}")).expect("redeem").contains("Welcome!"));
    let dump = client.export().expect("export");
    drop(server);
    let codes = BTreeMap::from([("alice".to_string(), code.clone())]);
    let redeemed = BTreeMap::from([("bob".to_string(), code.clone())]);
    let tried = BTreeSet::from(["bob".to_string()]);
    assert_eq!(check(&dump, &codes, &redeemed, &tried), Vec::<String>::new());

    let mut lost = dump.clone();
    lost.referrals.clear();
    let problems = check(&lost, &codes, &redeemed, &tried).join("\n");
    assert!(problems.contains("lost: bob redeemed") && problems.contains("notices without a referral"), "{problems}");

    let mut doubled = dump.clone();
    doubled.referrals.push(dump.referrals[0].clone());
    doubled.outbox.push(dump.outbox[0].clone());
    let problems = check(&doubled, &codes, &redeemed, &tried).join("\n");
    assert!(problems.contains("duplicate:") && problems.contains("2) rows"), "{problems}");

    let problems = check(&dump, &codes, &redeemed, &BTreeSet::new()).join("\n");
    assert!(problems.contains("invented:"), "{problems}");
    let mut no_code = dump.clone();
    no_code.codes.clear();
    assert!(check(&no_code, &codes, &redeemed, &tried).join("\n").contains("lost: alice's code"));
}
