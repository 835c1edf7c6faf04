//! Stripe in, end to end: events signed here as Stripe signs them (and the
//! header checked by Stripe's own Python library, so the signing is
//! confirmed independently) reach `POST /webhooks/stripe` of a running
//! `vouch serve`: a checkout records the signup, the first paid invoice
//! converts, a refund reverses; a tampered body and a stale timestamp are
//! refused and store nothing; one event id twice has one effect.

#[path = "support/api_server.rs"]
mod api_server;
#[path = "support/binary.rs"]
mod binary;
#[path = "support/http_client.rs"]
mod http_client;

use std::process::{Command, Stdio};

use api_server::{Json, Served};
use binary::run_with_stdin;
use serde_json::{Value, json};

const SECRET: &str = "whsec_test4fTzR8gV2bQm9XkLp7cN3dWy";

/// `Stripe-Signature` for `body` at `t`: `t=…,v1=` hex HMAC-SHA256 of `"{t}.{body}"`.
fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, &[t.to_string().as_bytes(), b".", body].concat());
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

/// Stripe's library's verdict on a header.
fn stripe_accepts(header: &str, body: &[u8]) -> bool {
    let mut cmd = Command::new("python3");
    cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/stripe_verify.py")).args([SECRET, header]);
    cmd.stdout(Stdio::null());
    run_with_stdin(cmd, body).status.success()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64
}

fn event(id: &str, kind: &str, object: Value) -> Vec<u8> {
    json!({ "id": id, "object": "event", "type": kind, "data": { "object": object } }).to_string().into_bytes()
}

fn send(v: &Served, body: &[u8], header: &str) -> Json {
    v.call("POST", "/webhooks/stripe", None, &[("Stripe-Signature", header)], body)
}

/// Signed now, and confirmed by Stripe's library before it is sent.
fn deliver(v: &Served, body: &[u8]) -> Json {
    let header = signature(SECRET, now(), body);
    assert!(stripe_accepts(&header, body), "Stripe's library refuses our header {header}");
    send(v, body, &header)
}

fn referrals(v: &Served) -> Vec<Value> {
    v.export()["referrals"].as_array().cloned().unwrap_or_default()
}

fn rewards(v: &Served) -> Vec<Value> {
    v.export()["rewards"].as_array().cloned().unwrap_or_default()
}

#[test]
fn stripe_events_sign_up_convert_and_refund_once_and_forgeries_store_nothing() {
    let v = Served::start(&[("VOUCH_STRIPE_WEBHOOK_SECRET", SECRET)]);
    let code = v.code_of("alice");
    let checkout = event(
        "evt_checkout_1",
        "checkout.session.completed",
        json!({
            "id": "cs_test_1", "object": "checkout.session", "mode": "subscription", "payment_status": "paid",
            "client_reference_id": code, "customer": "cus_carol",
            "customer_details": { "email": "carol@example.org", "name": "Carol" },
            "amount_total": 4900, "currency": "usd"
        }),
    );

    // Forgeries first: nothing is stored.
    let before = v.export();
    let mut tampered = checkout.clone();
    let at = tampered.iter().position(|b| *b == b'4').expect("a digit");
    tampered[at] = b'9';
    let header = signature(SECRET, now(), &checkout);
    assert!(!stripe_accepts(&header, &tampered), "Stripe's library refuses the tampered body too");
    let refused = send(&v, &tampered, &header);
    assert_eq!((refused.status, refused.code()), (400, "bad_signature"), "{refused:?}");
    let stale_header = signature(SECRET, now() - 301, &checkout);
    assert!(!stripe_accepts(&stale_header, &checkout), "Stripe's library calls it stale too");
    let stale = send(&v, &checkout, &stale_header);
    assert_eq!((stale.status, stale.code()), (400, "bad_signature"), "{stale:?}");
    let wrong_secret = send(&v, &checkout, &signature("whsec_someoneelse1234567890", now(), &checkout));
    assert_eq!(wrong_secret.status, 400, "{wrong_secret:?}");
    let unsigned = v.call("POST", "/webhooks/stripe", None, &[], &checkout);
    assert_eq!(unsigned.status, 400, "{unsigned:?}");
    let after = v.export();
    for part in ["referrals", "members", "inbound", "external_ids"] {
        assert_eq!(before[part], after[part], "a refused event stored something in {part}");
    }

    // The checkout: Carol signed up with Alice's code; her customer id is kept.
    let signed_up = deliver(&v, &checkout);
    assert_eq!(signed_up.status, 200, "{signed_up:?}");
    let all = referrals(&v);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["state"], "redeemed");
    assert_eq!(v.export()["external_ids"][0]["external_id"], "cus_carol");
    // The same event again (Stripe retries): one effect.
    assert_eq!(deliver(&v, &checkout).status, 200);
    assert_eq!(referrals(&v).len(), 1);

    // Unknown types are accepted and ignored.
    let other = deliver(&v, &event("evt_other", "customer.created", json!({ "id": "cus_carol" })));
    assert_eq!((other.status, &other.body["done"]), (200, &json!("ignored")), "{other:?}");

    // The first paid invoice converts with its amount, once.
    let invoice = event(
        "evt_invoice_1",
        "invoice.paid",
        json!({ "id": "in_1", "object": "invoice", "customer": "cus_carol", "amount_paid": 4900, "currency": "usd" }),
    );
    let paid = deliver(&v, &invoice);
    assert_eq!((paid.status, &paid.body["done"]), (200, &json!("converted")), "{paid:?}");
    let r = &referrals(&v)[0];
    assert_eq!((&r["state"], &r["value"]), (&json!("converted"), &json!(4900)), "{r}");
    let granted = rewards(&v).len();
    assert!(granted > 0);
    let again = deliver(&v, &invoice);
    assert_eq!(again.status, 200, "{again:?}");
    // A later invoice of the same customer changes nothing either.
    let next_month = event(
        "evt_invoice_2",
        "invoice.paid",
        json!({ "id": "in_2", "object": "invoice", "customer": "cus_carol", "amount_paid": 4900, "currency": "usd" }),
    );
    assert_eq!(deliver(&v, &next_month).body["done"], "ignored: converted before");
    assert_eq!(rewards(&v).len(), granted, "one conversion's rewards");
    assert_eq!(referrals(&v)[0]["value"], 4900);

    // A full refund reverses the rewards; a redelivery changes nothing more.
    let refund = event(
        "evt_refund_1",
        "charge.refunded",
        json!({ "id": "ch_1", "object": "charge", "customer": "cus_carol", "refunded": true, "amount_refunded": 4900 }),
    );
    let reversed = deliver(&v, &refund);
    assert_eq!((reversed.status, &reversed.body["done"]), (200, &json!("refunded")), "{reversed:?}");
    let after = rewards(&v);
    assert!(after.iter().all(|w| w["status"] == "void"), "{after:?}");
    let notes = |rewards: &[Value]| rewards.iter().map(|w| w["history"].as_array().map_or(0, Vec::len)).sum::<usize>();
    let history = notes(&after);
    assert_eq!(deliver(&v, &refund).status, 200);
    assert_eq!(notes(&rewards(&v)), history, "the same event id twice: one reversal");
    assert!(v.chat("alice", "why").contains("Stripe refunded ch_1"));
}
