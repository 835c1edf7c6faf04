//! Share links through the engine: a code in any spelling opens, a click is
//! stored and found by id, previews and HEAD store nothing, revoked codes
//! and paused programs are unknown, a flood stops being recorded, and `code`
//! shares `/r/CODE` once there is a public URL.

use std::net::IpAddr;

use vouch_store::{ClickRead, ReferralCode};

use super::*;
use crate::engine::{Counted, ShareLink, Visit};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

fn visit(ip: &str, ua: &'static str) -> Visit<'static> {
    let ip: IpAddr = ip.parse().expect("ip");
    Visit { ip, user_agent: ua, referer: Some("https://t.me/acme/7"), head: false }
}

fn settings() -> Settings {
    Settings {
        share_url: Some("https://acme.example/join?ref={code}".into()),
        public_url: Some(crate::PublicUrl::parse("https://vouch.acme.example").expect("url")),
        ..Settings::default()
    }
}

#[test]
fn a_share_link_records_clicks_and_only_for_people() {
    let w = World::with_settings(settings());
    let code = w.code("alice", "code");
    let (_, text) = w.say("alice", "code");
    has(&text, &[&format!("https://vouch.acme.example/r/{code}")]);
    let typed = code.replace('-', "").to_lowercase();
    let opened = w.engine.open_share_link(&typed, &visit("198.51.100.7", FIREFOX)).expect("open");
    let ShareLink::Active { destination, click: Some(id), counted: Counted::Unique, .. } = opened else {
        panic!("not counted: {opened:?}")
    };
    assert_eq!(destination.as_deref(), Some(format!("https://acme.example/join?ref={code}").as_str()));
    let click = w.engine.click(id).expect("read").expect("the click is stored");
    assert_eq!((click.code.to_string(), click.member), (code.clone(), w.member("alice").id));
    assert_eq!(click.referrer.as_deref(), Some("t.me"));
    assert!(!click.visitor.contains("198.51"), "{click:?}");
    // The same visitor again: a click, not a new visitor.
    let again = w.engine.open_share_link(&code, &visit("198.51.100.7", FIREFOX)).expect("open");
    assert!(matches!(again, ShareLink::Active { counted: Counted::Repeat, click: Some(_), .. }), "{again:?}");
    // Previews and HEAD store nothing.
    let preview = w.engine.open_share_link(&code, &visit("198.51.100.8", "TelegramBot (like TwitterBot)"));
    assert!(matches!(preview, Ok(ShareLink::Active { counted: Counted::NotAPerson, click: None, .. })));
    let head = Visit { head: true, ..visit("198.51.100.9", FIREFOX) };
    let head = w.engine.open_share_link(&code, &head).expect("open");
    assert!(matches!(head, ShareLink::Active { counted: Counted::NotAPerson, click: None, .. }), "{head:?}");
    let parsed = ReferralCode::parse(&code).expect("code");
    let counts = w.store().clicks_of_code(&parsed).expect("read");
    assert_eq!((counts.clicks, counts.visitors), (2, 1));
    has(&w.say("alice", "mine").1, &["clicks 2, unique visitors 1"]);
    // A flood from one visitor is redirected but stops being recorded.
    let flood: Vec<_> =
        (0..10).map(|_| w.engine.open_share_link(&code, &visit("198.51.100.7", FIREFOX)).expect("open")).collect();
    let limited = flood.iter().filter(|l| matches!(l, ShareLink::Active { counted: Counted::RateLimited, .. })).count();
    assert_eq!(limited, 7, "5 in a burst, 2 taken before: {flood:?}");
    assert!(flood.iter().all(|l| matches!(l, ShareLink::Active { destination: Some(_), .. })));
    w.clock.advance(Duration::minutes(1));
    let later = w.engine.open_share_link(&code, &visit("198.51.100.7", FIREFOX)).expect("open");
    assert!(matches!(later, ShareLink::Active { counted: Counted::Repeat, .. }), "{later:?}");
}

#[test]
fn unknown_revoked_and_paused_codes_lead_nowhere() {
    let w = World::with_settings(settings());
    w.organizer("olga");
    let code = w.code("alice", "code");
    for raw in ["hello", "22222222", "", "7k3m-9qxp-extra"] {
        assert_eq!(w.engine.open_share_link(raw, &visit("198.51.100.7", FIREFOX)).expect("open"), ShareLink::Unknown);
    }
    w.expect("olga", "program pause customer", "reply/program", &[]);
    assert_eq!(w.engine.open_share_link(&code, &visit("198.51.100.7", FIREFOX)).expect("open"), ShareLink::Unknown);
    w.expect("olga", "program resume customer", "reply/program", &[]);
    assert!(matches!(w.engine.open_share_link(&code, &visit("198.51.100.7", FIREFOX)), Ok(ShareLink::Active { .. })));
    let parsed = ReferralCode::parse(&code).expect("code");
    w.store()
        .write(|tx| {
            let mut record = tx.code(&parsed)?.expect("the code");
            record.revoked = true;
            tx.put_code(&record)
        })
        .expect("revoke");
    assert_eq!(w.engine.open_share_link(&code, &visit("198.51.100.7", FIREFOX)).expect("open"), ShareLink::Unknown);
    assert_eq!(w.store().clicks_of_code(&parsed).expect("read").clicks, 1, "only the active visit counted");
}

#[test]
fn report_shows_the_funnel_per_program() {
    let w = World::with_settings(settings());
    w.organizer("olga");
    let code = w.code("alice", "code");
    for ip in ["198.51.100.1", "198.51.100.2", "198.51.100.2", "198.51.100.3"] {
        w.engine.open_share_link(&code, &visit(ip, FIREFOX)).expect("open");
    }
    w.say("bob", &format!("redeem {code}"));
    let (_, report) = w.say("olga", "report");
    has(&report, &["Funnel: clicks 4 (unique visitors 3) → signups 1 (33.3% of visitors) → conversions 0"]);
    has(&report, &["clicks 4 (visitors 3) → signups 33.3%"]);
}
