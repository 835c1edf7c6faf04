//! The HTTP API end to end: `vouch serve` on loopback, keys made with the
//! CLI while it runs, real HTTP. Signups and conversions with the engine's
//! rules, Idempotency-Key, refunds shown by `why`, JSON errors with stable
//! codes, 401/403/413/408/429, cursor pages, openapi.json.

#[path = "support/api_server.rs"]
mod api_server;
#[path = "support/binary.rs"]
mod binary;
#[path = "support/http_client.rs"]
mod http_client;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use api_server::Served;
use binary::stdout_ok;
use serde_json::json;

#[test]
fn signup_conversion_idempotency_refund_and_errors_over_http() {
    let v = Served::start(&[("VOUCH_SHARE_URL", "https://acme.example/join?ref={code}")]);
    let key = v.key("crm", "read,write");
    let reader = v.key("dashboard", "read");
    // Listed without the key itself.
    let listed = stdout_ok(&v.cli(&["api-key", "list"]));
    assert!(listed.contains("K1  crm  read,write") && listed.contains("K2  dashboard  read"), "{listed}");
    assert!(!listed.contains(&key) && !listed.contains("vk_"), "{listed}");
    let export = v.export();
    assert!(!export.to_string().contains(&key), "an export never holds a key");
    assert_eq!(export["api_keys"].as_array().map(Vec::len), Some(2), "keys are exported as hashes");

    let code = v.code_of("alice");
    let signup = json!({ "code": code.to_lowercase().replace('-', ""), "email": "bob@example.org", "name": "Bob", "external_id": "crm-42" });

    // No key, an unknown key, a read-only key on a write.
    let none = v.call("POST", "/api/v1/signups", None, &[], signup.to_string().as_bytes());
    assert_eq!((none.status, none.code()), (401, "unauthorized"), "{none:?}");
    let unknown = v.post("/api/v1/signups", "vk_not-a-key", signup.clone());
    assert_eq!((unknown.status, unknown.code()), (401, "unauthorized"), "{unknown:?}");
    let read_only = v.post("/api/v1/signups", &reader, signup.clone());
    assert_eq!((read_only.status, read_only.code()), (403, "forbidden"), "{read_only:?}");

    // The signup: the redeem rules, as the person's email identity.
    let made = v.post("/api/v1/signups", &key, signup.clone());
    assert_eq!(made.status, 201, "{made:?}");
    assert_eq!(made.body["id"], "R1");
    assert_eq!(made.body["state"], "redeemed");
    assert_eq!(made.body["referred_email"], "bob@example.org");
    assert_eq!(made.body["external_id"], "crm-42");
    let again = v.post("/api/v1/signups", &key, signup.clone());
    assert_eq!((again.status, again.code()), (409, "already_redeemed"), "{again:?}");
    assert!(again.body["error"]["message"].as_str().is_some_and(|m| m.contains(&code)), "{again:?}");

    // Bob with his own code: a self-referral, refused with its code.
    let bobs = v.code_of("email:bob@example.org");
    let own = v.post("/api/v1/signups", &key, json!({ "code": bobs, "email": "bob@example.org" }));
    assert_eq!((own.status, own.code()), (422, "self_referral"), "{own:?}");
    let ru = v.call(
        "POST",
        "/api/v1/signups",
        Some(&key),
        &[("Accept-Language", "ru")],
        json!({ "code": bobs, "email": "bob@example.org" }).to_string().as_bytes(),
    );
    assert_eq!(ru.code(), "self_referral", "the code stays: {ru:?}");
    assert_ne!(ru.body["error"]["message"], own.body["error"]["message"], "the message follows Accept-Language");
    let click = v.post("/api/v1/signups", &key, json!({ "click": "C999", "email": "dan@example.org" }));
    assert_eq!((click.status, click.code()), (404, "unknown_click"), "{click:?}");
    // A click on Alice's share link names her code.
    let browser = [("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")];
    let visit = http_client::request_with("GET", &format!("{}/r/{code}", v.base), &browser, b"").expect("share link");
    let location = visit.header("location").unwrap_or_else(|| panic!("{visit:?}")).to_string();
    let clicked = location.split("vouch_click=").nth(1).expect("a click id").to_string();
    let by_click = v.post("/api/v1/signups", &key, json!({ "click": clicked, "email": "dan@example.org" }));
    assert_eq!((by_click.status, &by_click.body["code"]), (201, &json!(code)), "{by_click:?}");

    // Bad bodies are JSON errors with stable codes.
    let bad = v.call("POST", "/api/v1/conversions", Some(&key), &[], b"{not json");
    assert_eq!((bad.status, bad.code()), (400, "invalid_json"), "{bad:?}");
    let missing = v.post("/api/v1/conversions", &key, json!({ "referral": "R1" }));
    assert_eq!((missing.status, missing.code()), (400, "missing_field"), "{missing:?}");
    let nowhere = v.get("/api/v1/nothing", &key);
    assert_eq!((nowhere.status, nowhere.code()), (404, "not_found"), "{nowhere:?}");
    let huge = vec![b' '; 2 * 1024 * 1024];
    let too_big = v.call("POST", "/api/v1/conversions", Some(&key), &[], &huge);
    assert_eq!((too_big.status, too_big.code()), (413, "payload_too_large"), "{too_big:?}");

    // The conversion, twice with one Idempotency-Key: one effect, one answer.
    let convert = json!({ "external_id": "crm-42", "value": 1200, "currency": "USD" });
    let idem = [("Idempotency-Key", "order-7")];
    let first = v.call("POST", "/api/v1/conversions", Some(&key), &idem, convert.to_string().as_bytes());
    assert_eq!(first.status, 201, "{first:?}");
    assert_eq!(first.body["referral"], "R1");
    assert_eq!(first.body["state"], "converted");
    assert_eq!(first.body["value"], 120_000);
    let retry = v.call("POST", "/api/v1/conversions", Some(&key), &idem, convert.to_string().as_bytes());
    assert_eq!((retry.status, &retry.reply.body), (first.status, &first.reply.body), "the first answer, to the byte");
    let other = json!({ "external_id": "crm-42", "value": 1300 });
    let mismatch = v.call("POST", "/api/v1/conversions", Some(&key), &idem, other.to_string().as_bytes());
    assert_eq!((mismatch.status, mismatch.code()), (422, "idempotency_mismatch"), "{mismatch:?}");
    let export = v.export();
    let rewards = export["rewards"].as_array().expect("rewards");
    assert_eq!(rewards.len(), 2, "one conversion's rewards, once: {rewards:?}");
    let referral = &export["referrals"][0];
    assert_eq!((&referral["state"], &referral["value"]), (&json!("converted"), &json!(120_000)), "{referral}");
    // Without a key, a second conversion is the engine's refusal.
    let twice = v.post("/api/v1/conversions", &key, json!({ "referral": "R1", "value": 1200 }));
    assert_eq!((twice.status, twice.code()), (409, "invalid_transition"), "{twice:?}");
    let wrong_currency =
        v.post("/api/v1/conversions", &key, json!({ "referral": "R1", "value": 5, "currency": "EUR" }));
    assert_eq!((wrong_currency.status, wrong_currency.code()), (422, "currency_mismatch"), "{wrong_currency:?}");

    // The refund: reversal entries, shown by `why`.
    let refund = v.post("/api/v1/refunds", &key, json!({ "external_id": "crm-42", "reason": "chargeback" }));
    assert_eq!(refund.status, 201, "{refund:?}");
    assert_eq!(refund.body["reversed"].as_array().map(Vec::len), Some(2), "{refund:?}");
    let why = v.chat("alice", "why");
    assert!(why.contains("refunded: chargeback"), "{why}");
    let twice = v.post("/api/v1/refunds", &key, json!({ "referral": "R1" }));
    assert_eq!((twice.status, twice.code()), (409, "invalid_transition"), "{twice:?}");

    // Reads.
    let member = v.get("/api/v1/members/M1", &reader);
    assert_eq!((member.status, &member.body["name"]), (200, &json!("alice")), "{member:?}");
    assert_eq!(v.get("/api/v1/members/M99", &reader).code(), "unknown_member");
    let report = v.get("/api/v1/report", &reader);
    assert_eq!(report.status, 200, "{report:?}");
    assert_eq!(v.get("/api/v1/report?month=13", &reader).code(), "invalid_value");

    // Every route is in openapi.json, generated from the handlers.
    let doc = v.get("/api/v1/openapi.json", &reader);
    assert_eq!(doc.status, 200);
    for route in [
        "/api/v1/signups",
        "/api/v1/conversions",
        "/api/v1/refunds",
        "/api/v1/referrals",
        "/api/v1/members/{id}",
        "/api/v1/report",
        "/api/v1/openapi.json",
    ] {
        assert!(doc.body["paths"][route].is_object(), "{route} missing from openapi.json");
    }
    assert!(doc.body["components"]["schemas"]["ConversionRequest"].is_object(), "{}", doc.body);

    // A revoked key is refused at once, also while serve runs.
    stdout_ok(&v.cli(&["api-key", "revoke", "K2"]));
    let revoked = v.get("/api/v1/members/M1", &reader);
    assert_eq!((revoked.status, revoked.code()), (401, "unauthorized"), "{revoked:?}");
    let listed = stdout_ok(&v.cli(&["api-key", "list"]));
    assert!(listed.contains("K2  dashboard  read") && listed.contains("revoked"), "{listed}");
}

#[test]
fn cursor_pages_walk_every_referral_exactly_once() {
    let v = Served::start(&[]);
    let key = v.key("sync", "read,write");
    let mut made = BTreeSet::new();
    for referrer in 0..4 {
        let code = v.code_of(&format!("referrer{referrer}"));
        for person in 0..6 {
            let email = format!("p{referrer}x{person}@example.org");
            let r = v.post("/api/v1/signups", &key, json!({ "code": code, "email": email }));
            assert_eq!(r.status, 201, "{r:?}");
            made.insert(r.body["id"].as_str().expect("id").to_string());
        }
    }
    assert_eq!(made.len(), 24);
    let convert = v.post("/api/v1/conversions", &key, json!({ "referral": "R5", "value": 10 }));
    assert_eq!(convert.status, 201, "{convert:?}");

    let walk = |query: &str| {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..50 {
            let path = match &cursor {
                Some(c) => format!("/api/v1/referrals?limit=5{query}&cursor={c}"),
                None => format!("/api/v1/referrals?limit=5{query}"),
            };
            let page = v.get(&path, &key);
            assert_eq!(page.status, 200, "{page:?}");
            let rows = page.body["referrals"].as_array().expect("rows").clone();
            assert!(rows.len() <= 5);
            seen.extend(rows.iter().map(|r| r["id"].as_str().expect("id").to_string()));
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => return seen,
            }
        }
        panic!("the pages never ended: {seen:?}");
    };
    let all = walk("");
    assert_eq!(all.len(), 24, "{all:?}");
    assert_eq!(all.iter().cloned().collect::<BTreeSet<_>>(), made, "each exactly once");
    let redeemed = walk("&state=redeemed");
    assert_eq!(redeemed.len(), 23, "{redeemed:?}");
    assert!(!redeemed.contains(&"R5".to_string()));
    assert_eq!(walk("&state=converted"), vec!["R5".to_string()]);
    let later = walk("&since=2999-01-01");
    assert!(later.is_empty(), "{later:?}");
    let bad = v.get("/api/v1/referrals?cursor=bm9wZQ", &key);
    assert_eq!((bad.status, bad.code()), (400, "invalid_cursor"), "{bad:?}");
}

#[test]
fn floods_per_key_get_429_and_slow_clients_408() {
    let v = Served::start(&[
        ("VOUCH_API_RATE_PER_SECOND", "1"),
        ("VOUCH_API_BURST", "3"),
        ("VOUCH_HTTP_REQUEST_TIMEOUT_MS", "1500"),
    ]);
    let key = v.key("flood", "read");
    let other = v.key("calm", "read");
    let mut limited = None;
    for _ in 0..6 {
        let r = v.get("/api/v1/members/M1", &key);
        if r.status == 429 {
            limited = Some(r);
            break;
        }
    }
    let limited = limited.expect("a flood is limited");
    assert_eq!(limited.code(), "rate_limited", "{limited:?}");
    let wait: u64 = limited.reply.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=5).contains(&wait), "{wait}");
    // Per key: another key is not slowed down.
    assert_ne!(v.get("/api/v1/members/M1", &other).status, 429);

    // A body that never arrives: 408 JSON, before the server's own 503.
    let addr = v.base.strip_prefix("http://").expect("base");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let started = Instant::now();
    let head = format!(
        "POST /api/v1/conversions HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {other}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"ref"
    );
    stream.write_all(head.as_bytes()).expect("write");
    let mut raw = String::new();
    let _ = stream.read_to_string(&mut raw);
    assert!(raw.starts_with("HTTP/1.1 408"), "{raw}");
    assert!(raw.contains("\"code\":\"request_timeout\""), "{raw}");
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
}
