//! Notices follow a member to an identity that can still be reached.

use std::sync::Arc;

use vouch_core::{Caller, Engine, SeededIds, Settings, SystemClock};
use vouch_store::{IdentityKey, Read, Store};

fn caller(who: &str) -> Caller {
    Caller::new(IdentityKey::parse(who).expect("identity"), who)
}

#[test]
fn an_unreachable_identity_is_skipped_until_the_person_writes_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("open"));
    let engine =
        Engine::new(Arc::clone(&store), Arc::new(SystemClock), Arc::new(SeededIds::new(3)), Settings::default())
            .expect("engine");
    // Alice uses Telegram, and linked her email.
    let tg = caller("telegram:42");
    let code = engine.respond(&tg, "code", None).replies[0].data["code"].as_str().expect("code").to_string();
    let link = engine.respond(&tg, "link", None).replies[0].data["code"].as_str().expect("link").to_string();
    let linked = engine.respond(&caller("email:alice@example.org"), &format!("link {link}"), None);
    assert_eq!(linked.replies[0].template, "reply/linked");

    // She blocked the bot: the next notice goes to her email instead.
    engine.mark_unreachable(&tg.identity).expect("mark");
    engine.respond(&caller("bob"), &format!("redeem {code}"), None);
    let to: Vec<String> = store.outbox_messages().expect("scan").iter().map(|m| m.to.to_string()).collect();
    assert_eq!(to, vec!["email:alice@example.org"]);

    // Writing in again makes Telegram reachable; notices go there again.
    engine.respond(&tg, "mine", None);
    assert!(!store.identity(&tg.identity).expect("read").expect("exists").unreachable);
    engine.respond(&caller("carol"), &format!("redeem {code}"), None);
    let last = store.outbox_messages().expect("scan").last().map(|m| m.to.to_string());
    assert_eq!(last.as_deref(), Some("telegram:42"));
}
