//! Webhooks out: events are outbox rows written with their change, and
//! what delivery attempts do to an endpoint (the 3-day rule on the manual
//! clock, 410, removal).

use chrono::Duration;
use vouch_store::{Channel, OutboxMessage, OutboxState, Read, WebhookId};

use super::*;
use crate::delivery::{RetryPolicy, SendOutcome};

impl World {
    fn webhook_rows(&self, id: WebhookId) -> Vec<OutboxMessage> {
        let to = IdentityKey::webhook(id);
        self.store().outbox_messages().expect("outbox").into_iter().filter(|m| m.to == to).collect()
    }

    fn types(&self, id: WebhookId) -> Vec<String> {
        self.webhook_rows(id).iter().map(|m| m.data["type"].as_str().expect("type").to_string()).collect()
    }

    fn attempt(&self, row: &OutboxMessage, outcome: SendOutcome) -> OutboxMessage {
        self.engine.settle_delivery(row, &outcome, &RetryPolicy::WEBHOOK).expect("settle")
    }

    fn pending(&self, id: WebhookId) -> Vec<OutboxMessage> {
        self.webhook_rows(id).into_iter().filter(|m| m.state == OutboxState::Pending).collect()
    }
}

#[test]
fn each_change_writes_one_row_per_subscribed_endpoint_with_stable_ids() {
    let w = World::with_organizer();
    let all = w.engine.webhook_add("http://127.0.0.1:9/all", None).expect("add").id;
    let converted_only = w.engine.webhook_add("https://crm.example/h", Some("referral.converted")).expect("add").id;
    w.alice_refers_bob();
    assert_eq!(w.types(all), vec!["referral.created"]);
    assert!(w.types(converted_only).is_empty());
    let created = &w.webhook_rows(all)[0];
    assert_eq!(created.to.channel(), Channel::Webhook);
    let alice = w.member("alice");
    let bob = w.member("bob");
    assert_eq!(created.data["data"]["referral"], "R1");
    assert_eq!(created.data["data"]["referrer"], alice.id.to_string());
    assert_eq!(created.data["data"]["referred"], bob.id.to_string());
    assert_eq!(created.data["data"]["program"], "customer");
    assert_eq!(created.data["timestamp"], "2026-11-23T12:00:00Z");

    w.say("olga", "convert R1 1200");
    if w.store().referral(ReferralId(1)).expect("read").expect("R1").state == ReferralState::Converted {
        w.say("olga", "approve R1");
    }
    let approved = w.store().rewards().expect("rewards").into_iter().filter(|e| e.status == Approved).count();
    assert!(approved > 0, "the default program rewards someone");
    let types = w.types(all);
    assert_eq!(types.iter().filter(|t| *t == "referral.converted").count(), 1, "{types:?}");
    assert_eq!(types.iter().filter(|t| *t == "reward.approved").count(), approved, "{types:?}");
    assert_eq!(w.types(converted_only), vec!["referral.converted"]);
    let converted = w.webhook_rows(converted_only).remove(0);
    assert_eq!(converted.data["data"]["value"], serde_json::json!({ "amount": 120000, "currency": "USD" }));

    // A reward paid, a referral rejected: one row each, nothing for the filtered endpoint.
    let reward = w.store().rewards().expect("rewards").into_iter().find(|e| e.status == Approved).expect("one");
    w.say("olga", &format!("reward paid {}", reward.id));
    let paid: Vec<_> = w.webhook_rows(all).into_iter().filter(|m| m.data["type"] == "reward.paid").collect();
    assert_eq!(paid.len(), 1);
    assert_eq!(paid[0].data["data"]["reward"], reward.id.to_string());
    assert_eq!(w.types(converted_only).len(), 1);
    // Every row its own id (the webhook-id), none shared between endpoints.
    let mut ids: Vec<_> = w.webhook_rows(all).iter().chain(&w.webhook_rows(converted_only)).map(|m| m.id).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn an_endpoint_failing_for_three_days_is_disabled_and_organizers_are_told() {
    let w = World::with_organizer();
    let id = w.engine.webhook_add("http://127.0.0.1:9/h", None).expect("add").id;
    w.alice_refers_bob();
    w.say("olga", "reject R1 spam");
    let rows = w.pending(id);
    assert_eq!(rows.len(), 2, "created and rejected");
    let first = rows[0].clone();
    let start = w.engine.now();

    // Failing, then one success: the count of failing days starts again.
    let mut row = w.attempt(&first, SendOutcome::retry("HTTP 500"));
    assert_eq!(w.store().webhook(id).expect("read").expect("endpoint").failing_since, Some(start));
    w.clock.advance(Duration::days(2));
    row = w.attempt(&row, SendOutcome::retry("HTTP 503"));
    assert_eq!(row.state, OutboxState::Pending);
    row = w.attempt(&row, SendOutcome::Sent);
    assert_eq!(row.state, OutboxState::Sent);
    let e = w.store().webhook(id).expect("read").expect("endpoint");
    assert_eq!((e.failing_since, e.enabled, e.last_status.as_deref()), (None, true, Some("delivered")));

    // Then the second row fails for just under 3 days: still enabled.
    let second = w.pending(id).remove(0);
    let failing_from = w.engine.now();
    let mut row = w.attempt(&second, SendOutcome::retry("timeout"));
    w.clock.advance(Duration::days(3) - Duration::minutes(1));
    row = w.attempt(&row, SendOutcome::retry("timeout"));
    let e = w.store().webhook(id).expect("read").expect("endpoint");
    assert!(e.enabled);
    assert_eq!(e.failing_since, Some(failing_from));
    assert!(w.outbox("notice/webhook_disabled").is_empty());

    // A queued row waits too; at 3 days of failures the endpoint is off.
    w.say("olga", "role grant carol champion");
    w.engine.webhook_test(id).expect("test event");
    assert_eq!(w.pending(id).len(), 2);
    w.clock.advance(Duration::minutes(1));
    row = w.attempt(&row, SendOutcome::retry("HTTP 502"));
    assert_eq!(row.state, OutboxState::Failed);
    let e = w.store().webhook(id).expect("read").expect("endpoint");
    assert!(!e.enabled);
    assert!(e.disabled.as_ref().expect("why").reason.contains("3 days"));
    assert!(w.pending(id).is_empty(), "its waiting rows failed");
    // Every organizer, the administrator at the console included.
    assert_eq!(w.outbox("notice/webhook_disabled"), vec!["console:admin".to_string(), "console:olga".to_string()]);
    let notice =
        w.store().outbox_messages().expect("outbox").into_iter().find(|m| m.template == "notice/webhook_disabled");
    let text = w
        .renderer
        .render_template("en", "notice/webhook_disabled", &notice.expect("notice").data, Format::Plain)
        .expect("renders");
    has(&text, &["H1", "http://127.0.0.1:9/h", "vouch webhook enable H1", "HTTP 502"]);

    // Disabled: new events are not queued for it; enabled again: they are.
    w.say("olga", "thank R1");
    w.engine.webhook_enable(id).expect("enable");
    let before = w.webhook_rows(id).len();
    w.expect("carol", "code", "reply/code", &[]);
    let code = w.code("carol", "code");
    w.expect("dave", &format!("redeem {code}"), "reply/redeemed", &[]);
    assert_eq!(w.webhook_rows(id).len(), before + 1);
    assert_eq!(w.store().webhook(id).expect("read").expect("endpoint").failing_since, None);
}

#[test]
fn gone_disables_at_once_and_a_removed_endpoint_gets_nothing() {
    let w = World::with_organizer();
    let gone = w.engine.webhook_add("http://127.0.0.1:9/gone", None).expect("add").id;
    let removed = w.engine.webhook_add("http://127.0.0.1:9/removed", None).expect("add").id;
    w.alice_refers_bob();
    let row = w.pending(gone).remove(0);
    let row = w.attempt(&row, SendOutcome::RecipientGone("HTTP 410".into()));
    assert_eq!(row.state, OutboxState::Failed);
    let e = w.store().webhook(gone).expect("read").expect("endpoint");
    assert!(!e.enabled);
    assert_eq!(w.outbox("notice/webhook_disabled").len(), 2, "olga and the administrator");

    assert_eq!(w.pending(removed).len(), 1);
    w.engine.webhook_remove(removed).expect("remove");
    assert!(w.store().webhook(removed).expect("read").is_none());
    assert!(w.pending(removed).is_empty());
    w.say("olga", "reject R1 spam");
    assert_eq!(w.webhook_rows(removed).len(), 1, "nothing new for it");
    assert!(w.engine.webhook_remove(removed).is_err());
}

#[test]
fn bad_urls_and_event_names_are_refused() {
    let w = World::new();
    for (url, events) in
        [("ftp://x.example/", None), ("https://u:p@x.example/", None), ("https://x.example/", Some("nope"))]
    {
        assert!(w.engine.webhook_add(url, events).is_err(), "{url} {events:?}");
    }
    assert!(w.store().webhooks().expect("read").is_empty());
    let e = w.engine.webhook_add("https://x.example/h", None).expect("add");
    let secret = w.engine.webhook_secret(&e);
    assert!(secret.expose().starts_with("whsec_"));
    assert!(!format!("{e:?}").contains(secret.expose()) && !format!("{secret:?}").contains(secret.expose()));
    assert_eq!(w.engine.webhook_secret(&e), secret, "derived the same way every time");
}

#[test]
fn introductions_and_rsvps_are_events_too() {
    let w = World::with_organizer();
    let id = w.engine.webhook_add("http://127.0.0.1:9/h", None).expect("add").id;
    w.expect("alice", "refer Jane Doe jane@acme.com", "reply/introduction_received", &[]);
    w.expect("alice", "refer Sam sam@acme.com", "reply/introduction_received", &[]);
    assert_eq!(w.types(id), ["referral.created", "introduction.created", "referral.created", "introduction.created"]);
    let intro = w.webhook_rows(id).remove(1);
    assert_eq!(intro.data["data"]["champion"], w.member("alice").id.to_string());
    assert_eq!(intro.data["data"]["prospect"], w.member("email:jane@acme.com").id.to_string());
    assert_eq!(intro.data["data"]["stage"], "consent_requested");
    w.expect("email:jane@acme.com", "consent R1 yes", "reply/consent_accepted", &[]);
    w.expect("email:sam@acme.com", "consent R2 no", "reply/consent_declined", &[]);
    let types = w.types(id);
    assert_eq!(types[4..], ["introduction.accepted", "introduction.declined", "referral.rejected"]);
    let declined = &w.webhook_rows(id)[5];
    assert_eq!(
        (declined.data["data"]["referral"].as_str(), declined.data["data"]["stage"].as_str()),
        (Some("R2"), Some("declined"))
    );

    let settings = "kind=lunch title=\"Referral lunch\" start=\"2026-12-03 12:30\" tz=Europe/Bucharest";
    let text = w.expect("olga", &format!("event create {settings}"), "reply/event_created", &[]);
    let event = text.lines().last().expect("the id").trim().to_string();
    w.expect("olga", &format!("event invite {event} alice"), "reply/event_invited", &[]);
    w.say("alice", &format!("rsvp {event} yes"));
    let rsvp = w.webhook_rows(id).pop().expect("a row");
    assert_eq!(rsvp.data["type"], "event.rsvp");
    assert_eq!(rsvp.data["data"]["event"], event.as_str());
    assert_eq!(rsvp.data["data"]["member"], w.member("alice").id.to_string());
    assert_eq!(rsvp.data["data"]["status"], "yes");
}

#[test]
fn a_refund_reverses_each_unpaid_reward_as_an_event() {
    let w = World::with_r1();
    let id = w.engine.webhook_add("http://127.0.0.1:9/h", Some("reward.reversed")).expect("add").id;
    w.say("olga", "convert R1 1200");
    w.say("olga", "approve R1");
    let rewards = w.store().rewards().expect("rewards");
    assert!(rewards.len() >= 2, "{rewards:?}");
    w.say("olga", &format!("reward paid {}", rewards[0].id));
    w.say("olga", "refund R1 chargeback");
    let rows = w.webhook_rows(id);
    // The paid reward is flagged for the organizers, not reversed.
    assert_eq!(rows.len(), rewards.len() - 1, "{rows:?}");
    assert!(rows.iter().all(|r| r.data["type"] == "reward.reversed" && r.data["data"]["status"] == "void"));
    assert!(rows.iter().all(|r| r.data["data"]["reward"] != rewards[0].id.to_string()));
}
