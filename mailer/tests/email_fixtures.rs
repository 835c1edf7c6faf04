//! Golden fixtures: every `tests/fixtures/email/*.eml` is extracted as
//! `vouch ingest --dry-run --json` would, and compared with the `.json`
//! beside it. `VOUCH_BLESS=1` rewrites the JSON after an intended change
//! (review the diff by eye: a wrong expectation is a defect). Also: hostile
//! inputs are refused or cleaned, never a panic.

use std::path::{Path, PathBuf};

use vouch_mailer::inbound::{self, InboundConfig, InboundError, Kind, Limits};
use vouch_store::EmailAddress;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/email")
}

fn config() -> InboundConfig {
    InboundConfig {
        inbox: Some(EmailAddress::parse("vouch@acme.example").expect("inbox address")),
        limits: Limits::default(),
    }
}

#[test]
fn golden_fixtures_match() {
    let bless = std::env::var_os("VOUCH_BLESS").is_some();
    let mut emls: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    emls.sort();
    assert!(emls.len() >= 40, "expected at least 40 fixtures, found {}", emls.len());
    let mut failures = Vec::new();
    for eml in &emls {
        let raw = std::fs::read(eml).expect("read eml");
        let extraction = inbound::extract(&raw, &config());
        let actual = match extraction {
            Ok(x) => serde_json::to_string_pretty(&x).expect("json"),
            Err(e) => serde_json::to_string_pretty(&serde_json::json!({ "error": e.to_string() })).expect("json"),
        } + "\n";
        let json = eml.with_extension("json");
        if bless {
            std::fs::write(&json, &actual).expect("write json");
            continue;
        }
        match std::fs::read_to_string(&json) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!("{}:\nexpected {expected}\nactual {actual}", eml.display())),
            Err(_) => failures.push(format!("{}: no .json beside it (run with VOUCH_BLESS=1)", eml.display())),
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) differ:\n{}", failures.len(), failures.join("\n"));
}

fn message(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}\r\n\r\n{body}").into_bytes()
}

const BASIC: &str = "From: Bob <bob@partner.example>\r\nTo: vouch@acme.example\r\nSubject: hi\r\nMIME-Version: 1.0";

#[test]
fn oversized_message_is_refused() {
    let mut cfg = config();
    cfg.limits.max_bytes = 1000;
    let raw = message(BASIC, &"x".repeat(2000));
    assert_eq!(inbound::extract(&raw, &cfg), Err(InboundError::TooLarge { size: raw.len(), limit: 1000 }));
}

#[test]
fn huge_headers_are_refused() {
    let headers = format!("{BASIC}\r\nX-Junk: {}", "a".repeat(300 * 1024));
    let err = inbound::extract(&message(&headers, "hello"), &config()).expect_err("refused");
    assert!(matches!(err, InboundError::HeadersTooLarge { .. }), "{err}");
}

#[test]
fn long_subject_within_limits_is_cut_not_refused() {
    let headers = format!("{BASIC}\r\nX-Long: {}", "b".repeat(100 * 1024)).replace("Subject: hi", "Subject: hello");
    let x = inbound::extract(&message(&headers, "just saying hello"), &config()).expect("extracted");
    assert_eq!(x.kind, Kind::Ignored);
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let mut body = String::from("Content-Type: text/plain\r\n\r\nbottom\r\n");
    for i in 0..200 {
        body = format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n{body}\r\n--b{i}--\r\n");
    }
    let raw = format!("From: Bob <bob@partner.example>\r\nTo: vouch@acme.example\r\nMIME-Version: 1.0\r\n{body}");
    let err = inbound::extract(raw.as_bytes(), &config()).expect_err("refused");
    assert!(matches!(err, InboundError::TooDeep { .. } | InboundError::TooManyParts { .. }), "{err}");
}

#[test]
fn too_many_parts_are_refused() {
    let mut body = String::from("Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n");
    for i in 0..150 {
        body += &format!("--x\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n");
    }
    body += "--x--\r\n";
    let raw = format!("From: Bob <bob@partner.example>\r\nTo: vouch@acme.example\r\nMIME-Version: 1.0\r\n{body}");
    let err = inbound::extract(raw.as_bytes(), &config()).expect_err("refused");
    assert!(matches!(err, InboundError::TooManyParts { .. }), "{err}");
}

#[test]
fn a_million_tiny_parts_are_refused_before_they_are_parsed() {
    let mut raw = String::from(
        "From: Bob <bob@partner.example>\r\nTo: vouch@acme.example\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n",
    );
    while raw.len() < 10 * 1024 * 1024 - 16 {
        raw.push_str("--b\r\n\r\nx\r\n");
    }
    raw.push_str("--b--\r\n");
    let started = std::time::Instant::now();
    let err = inbound::extract(raw.as_bytes(), &config()).expect_err("refused");
    // The boundary count stops at the limit: one multipart plus 100 parts.
    assert_eq!(err, InboundError::TooManyParts { count: 101, limit: 100 });
    // Parsing the million parts first takes seconds (and ~220 MB); the scan is a few ms.
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "{:?}", started.elapsed());
}

#[test]
fn many_declared_boundaries_are_refused_before_parsing() {
    let mut body = String::new();
    for i in 0..150 {
        body += &format!("--o{i}\r\nContent-Type: multipart/mixed; boundary=\"n{i}\"\r\n\r\n");
    }
    let raw = format!(
        "From: Bob <bob@partner.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n{body}"
    );
    let err = inbound::extract(raw.as_bytes(), &config()).expect_err("refused");
    assert!(matches!(err, InboundError::TooManyParts { .. }), "{err}");
}

#[test]
fn list_and_bulk_mail_is_not_a_command() {
    for header in [
        "List-Id: <members.lists.partner.example>",
        "List-Unsubscribe: <mailto:unsub@news.example>",
        "Precedence: bulk",
        "Precedence: list",
    ] {
        let raw =
            message(&format!("{BASIC}\r\n{header}").replace("Subject: hi", "Subject: Report for Q3"), "report\r\n");
        let x = inbound::extract(&raw, &config()).expect("extracted");
        assert_eq!((x.kind, x.command.as_deref()), (Kind::Ignored, None), "{header}: {:?}", x.reasons);
    }
    let raw = message(&format!("{BASIC}\r\nX-Auto-Response-Suppress: All"), "report\r\n");
    assert_eq!(inbound::extract(&raw, &config()).expect("extracted").kind, Kind::Bounce);
    // Without those headers the same mail is the command.
    let raw = message(&BASIC.replace("Subject: hi", "Subject: Report for Q3"), "");
    assert_eq!(inbound::extract(&raw, &config()).expect("extracted").kind, Kind::Command);
}

#[test]
fn a_reply_quoting_someone_else_is_no_command_but_quoting_vouch_may_be() {
    let quoted = |who: &str| {
        message(
            &BASIC.replace("Subject: hi", "Subject: Re: Report for Q3"),
            &format!("Thanks!\r\n\r\nOn Tue, Nov 17, 2026 at 10:15 AM {who} wrote:\r\n> numbers\r\n"),
        )
    };
    let x = inbound::extract(&quoted("Jane <jane@northwind.example>"), &config()).expect("extracted");
    assert_eq!(x.kind, Kind::Ignored, "{:?}", x.reasons);
    let x = inbound::extract(&quoted("vouch <vouch@acme.example>"), &config()).expect("extracted");
    assert_eq!(x.kind, Kind::Command, "{:?}", x.reasons);
}

#[test]
fn mail_from_vouch_itself_is_ignored() {
    let raw = message(
        "From: vouch <vouch@acme.example>\r\nTo: vouch@acme.example\r\nSubject: code\r\nMIME-Version: 1.0",
        "code\r\n",
    );
    let x = inbound::extract(&raw, &config()).expect("extracted");
    assert_eq!(x.kind, Kind::Ignored, "{:?}", x.reasons);
}

#[test]
fn html_nested_too_deep_for_html2text_still_reads() {
    let deep = "<div>".repeat(40_000);
    let raw = message(
        &format!("{BASIC}\r\nContent-Type: text/html; charset=utf-8"),
        &format!(
            "{deep}---------- Forwarded message ---------<br>From: Jane Doe &lt;jane@northwind.example&gt;<br>\
                  Subject: hi<br>To: bob@partner.example<br>"
        ),
    );
    let x = inbound::extract(&raw, &config()).expect("extracted");
    assert_eq!(x.kind, Kind::Introduction, "{:?}", x.reasons);
    // Just under the nesting bound html2text is given the tree: nested
    // tables are its deepest recursion, and a test thread's stack is small.
    for open in ["<table><tr><td>", "<div>", "<blockquote>", "<ul><li>"] {
        let html = open.repeat(199 / open.matches('<').count());
        let raw = message(&format!("{BASIC}\r\nContent-Type: text/html; charset=utf-8"), &format!("{html}hello"));
        assert_eq!(inbound::extract(&raw, &config()).expect("extracted").kind, Kind::Ignored);
    }
    // 9 MB of HTML: only the start is read, and it ends.
    let big = format!("<p>{}</p>", "word ".repeat(1_800_000));
    let raw = message(&format!("{BASIC}\r\nContent-Type: text/html; charset=utf-8"), &big);
    let x = inbound::extract(&raw, &config()).expect("extracted");
    assert_eq!(x.kind, Kind::Ignored);
}

#[test]
fn broken_encodings_do_not_panic() {
    let cases = [
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64@@@==\r\n",
        "Content-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n\r\n\u{0}\u{1}\r\n",
        "Content-Type: multipart/mixed; boundary=\"never-closed\"\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\n\r\nx",
    ];
    for body in cases {
        let raw =
            format!("From: Bob <bob@partner.example>\r\nSubject: =?utf-8?B?####?=\r\nMIME-Version: 1.0\r\n{body}");
        let _ = inbound::extract(raw.as_bytes(), &config());
    }
    let mut garbage: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    garbage.extend_from_slice(b"\xff\xfe\r\n\r\n");
    let _ = inbound::extract(&garbage, &config());
    assert!(inbound::extract(b"", &config()).is_err());
}

#[test]
fn crlf_in_display_name_is_cleaned() {
    let raw = message(
        "From: =?utf-8?q?Eve=0D=0ABcc:_x@y.example_<z@w.example>?= <eve@evil.example>\r\nTo: vouch@acme.example\r\nSubject: code",
        "",
    );
    let x = inbound::extract(&raw, &config()).expect("extracted");
    assert_eq!(x.introducer.email, "eve@evil.example");
    assert!(!x.introducer.name.contains(['\r', '\n', '<', '>']), "{:?}", x.introducer.name);
}

#[test]
fn missing_sender_is_refused() {
    let raw = message("To: vouch@acme.example\r\nSubject: code", "");
    assert_eq!(inbound::extract(&raw, &config()), Err(InboundError::NoSender));
}

#[test]
fn dedupe_key_prefers_message_id_then_content_hash() {
    let with_id = message(&format!("{BASIC}\r\nMessage-ID: <abc@partner.example>"), "");
    assert_eq!(inbound::extract(&with_id, &config()).expect("ok").dedupe_key, "email:<abc@partner.example>");
    let without = message(BASIC, "hello");
    let key = inbound::extract(&without, &config()).expect("ok").dedupe_key;
    assert!(key.starts_with("email:sha256:") && key.len() == "email:sha256:".len() + 64, "{key}");
}
