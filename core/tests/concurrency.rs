//! Races that must not double-count: many threads, one store.

use std::sync::Arc;

use vouch_core::{Caller, Engine, SeededIds, Settings, SystemClock};
use vouch_store::{IdentityKey, Read, Store};

fn engine(dir: &std::path::Path) -> Arc<Engine> {
    let store = Arc::new(Store::open(dir).expect("open store"));
    Arc::new(
        Engine::new(store, Arc::new(SystemClock), Arc::new(SeededIds::new(1)), Settings::default()).expect("engine"),
    )
}

fn caller(who: &str) -> Caller {
    Caller::new(IdentityKey::parse(who).expect("identity"), who)
}

#[test]
fn concurrent_redemptions_by_one_person_count_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = engine(dir.path());
    let reply = engine.respond(&caller("alice"), "code", None);
    let code = reply.replies[0].data["code"].as_str().expect("code").to_string();

    let threads: Vec<_> = (0..16)
        .map(|_| {
            let engine = Arc::clone(&engine);
            let code = code.clone();
            std::thread::spawn(move || engine.respond(&caller("bob"), &format!("redeem {code}"), None))
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().expect("thread")).collect();
    let welcomed = results.iter().filter(|r| r.replies[0].template == "reply/redeemed").count();
    let refused = results.iter().filter(|r| r.replies[0].template == "error/already_redeemed").count();
    assert_eq!(welcomed, 1, "exactly one redemption succeeds");
    assert_eq!(refused, 15, "the rest are told it's already done");
    assert_eq!(engine.store().referrals().expect("scan").len(), 1);
    // One notice to alice, not sixteen.
    assert_eq!(engine.store().outbox_messages().expect("scan").len(), 1);
}

#[test]
fn concurrent_duplicate_deliveries_have_one_effect() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = engine(dir.path());
    let code =
        engine.respond(&caller("alice"), "code", None).replies[0].data["code"].as_str().expect("code").to_string();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let engine = Arc::clone(&engine);
            let code = code.clone();
            std::thread::spawn(move || {
                engine.respond(&caller("telegram:77"), &format!("redeem {code}"), Some("telegram:update:900"))
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().expect("thread")).collect();
    assert_eq!(results.iter().filter(|r| !r.duplicate).count(), 1);
    assert!(results.iter().all(|r| r.replies[0].template == "reply/redeemed"), "duplicates repeat the first answer");
    assert_eq!(engine.store().referrals().expect("scan").len(), 1);
}

#[test]
fn acknowledged_commands_survive_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let code = {
        let engine = engine(dir.path());
        let code =
            engine.respond(&caller("alice"), "code", None).replies[0].data["code"].as_str().expect("code").to_string();
        assert_eq!(
            engine.respond(&caller("bob"), &format!("redeem {code}"), None).replies[0].template,
            "reply/redeemed"
        );
        let (flushes, commits) = engine.store().flush_stats();
        assert!(
            flushes >= 1 && commits >= 2,
            "each acknowledged write was flushed: {flushes} flushes, {commits} commits"
        );
        code
    };
    let engine = engine(dir.path());
    assert_eq!(engine.store().referrals().expect("scan").len(), 1);
    let again = engine.respond(&caller("bob"), &format!("redeem {code}"), None);
    assert_eq!(again.replies[0].template, "error/already_redeemed");
}

#[test]
fn old_dedupe_keys_are_pruned_and_recent_ones_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("open store"));
    let clock = Arc::new(vouch_core::ManualClock::new(chrono::Utc::now()));
    let engine = Engine::new(Arc::clone(&store), clock.clone(), Arc::new(SeededIds::new(1)), Settings::default())
        .expect("engine");
    engine.respond(&caller("telegram:5"), "help", Some("telegram:update:1"));
    clock.advance(chrono::Duration::days(31));
    engine.respond(&caller("telegram:5"), "help", Some("telegram:update:2"));
    assert_eq!(engine.prune_inbound(chrono::Duration::days(30), 1000).expect("prune"), 1);
    let keys: Vec<String> = store.inbound_records().expect("scan").into_iter().map(|r| r.key).collect();
    assert_eq!(keys, vec!["telegram:update:2"]);
    // A key forgotten is a key that works again.
    assert!(!engine.respond(&caller("telegram:5"), "help", Some("telegram:update:1")).duplicate);
}
