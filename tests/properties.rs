//! Property tests: everything that turns outside text into values (the
//! command grammar, the newtype parsers, import of an export, inbound mail
//! with forward layouts and damaged corpus messages) answers any
//! input with a value or an error, never a panic. Case counts stay small so
//! CI is fast; `PROPTEST_CASES=10000 cargo test --test properties` digs deeper.

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use vouch_core::{CATALOG, Caller, Engine, ManualClock, SeededIds, Settings};
use vouch_store::{Dump, EmailAddress, IdentityKey, Money, ReferralCode, Store};

/// `cases` by default; `PROPTEST_CASES` overrides it for a longer run.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Text a person or a bot could send: any unicode, plus the characters the
/// grammar treats specially and control characters, at any position.
fn hostile_text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => any::<char>(),
        2 => prop::sample::select(vec![' ', '"', '\'', '/', '@', '-', '=', ':', '.', ',', '$', '%', '\\']),
        1 => prop::sample::select(vec!['\0', '\n', '\r', '\t', '\u{7f}', '\u{200b}', '\u{202e}', '\u{feff}', '\u{1b}']),
        2 => prop::char::range('0', '9'),
        2 => prop::char::range('a', 'z'),
    ];
    prop::collection::vec(ch, 0..80).prop_map(|cs| cs.into_iter().collect())
}

/// A known command word (sometimes with `/` or `@bot`) followed by hostile
/// arguments, so the argument parsers are reached, not just "unknown command".
fn command_line() -> impl Strategy<Value = String> {
    let names: Vec<&'static str> = CATALOG.iter().map(|c| c.name).collect();
    (prop::sample::select(names), 0..3u8, hostile_text()).prop_map(|(name, form, args)| match form {
        0 => format!("{name} {args}"),
        1 => format!("/{name}@some_bot {args}"),
        _ => format!("  {}\t{args}", name.to_uppercase()),
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_grammar_answers_any_line(line in prop_oneof![hostile_text(), command_line(), any::<String>()]) {
        // Ok or a UserError (the type allows nothing else); the message is a sentence.
        if let Err(e) = vouch_core::parse(&line) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn overlong_lines_are_refused_not_parsed(word in "[a-z]{1,8}", pad in 0usize..50) {
        let line = format!("{word} {}", "x".repeat(vouch_core::command::MAX_LINE + pad));
        prop_assert!(vouch_core::parse(&line).is_err());
    }

    #[test]
    fn value_parsers_answer_any_text_and_round_trip(s in prop_oneof![hostile_text(), any::<String>(), "[A-Za-z0-9 .@+_-]{0,24}"]) {
        if let Ok(code) = ReferralCode::parse(&s) {
            prop_assert_eq!(ReferralCode::parse(&code.to_string()).ok(), Some(code));
        }
        if let Ok(email) = EmailAddress::parse(&s) {
            prop_assert_eq!(EmailAddress::parse(email.as_str()).ok(), Some(email));
        }
        if let Ok(key) = IdentityKey::parse(&s) {
            prop_assert_eq!(IdentityKey::parse(&key.to_string()).ok(), Some(key));
        }
        if let Ok(money) = Money::parse(&s) {
            prop_assert!(money.cents() >= 0);
            prop_assert_eq!(Money::parse(&money.plain()).ok(), Some(money));
        }
    }

    #[test]
    fn money_reads_what_it_writes(cents in 0i64..=1_000_000_000_000) {
        prop_assert_eq!(Money::parse(&Money(cents).plain()).ok(), Some(Money(cents)));
    }
}

/// A real export (programs, members, codes, a referral, an outbox row), as JSON.
fn sample_export() -> &'static serde_json::Value {
    static SAMPLE: OnceLock<serde_json::Value> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(Store::open(dir.path()).expect("open store"));
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").expect("time").to_utc();
        let engine = Engine::new(
            Arc::clone(&store),
            Arc::new(ManualClock::new(start)),
            Arc::new(SeededIds::new(9)),
            Settings::default(),
        )
        .expect("engine");
        let alice = Caller::new(IdentityKey::parse("alice").expect("identity"), "alice");
        let bob = Caller::new(IdentityKey::parse("bob").expect("identity"), "bob");
        engine.respond(&alice, "code", None);
        let code = store.export().expect("export").codes[0].code.to_string();
        engine.respond(&bob, &format!("redeem {code}"), None);
        engine.respond(&bob, "nps 10 great", None);
        let dump = store.export().expect("export");
        assert!(!dump.referrals.is_empty() && !dump.outbox.is_empty(), "the sample covers referrals and the outbox");
        serde_json::to_value(&dump).expect("dump to JSON")
    })
}

fn json_leaf() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        hostile_text().prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("ABCD-2345")),
        Just(serde_json::Value::from("console:alice")),
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the node reached by `path` (indexes taken modulo each level's
/// size) with `value`: a valid export with one field gone wrong.
fn mutate(node: &mut serde_json::Value, path: &[usize], value: serde_json::Value) {
    let Some((step, rest)) = path.split_first() else {
        *node = value;
        return;
    };
    let child = match node {
        serde_json::Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(step % map.len()).cloned().expect("index in range");
            map.get_mut(&key)
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            let len = items.len();
            items.get_mut(step % len)
        }
        _ => None,
    };
    match child {
        Some(child) => mutate(child, rest, value),
        None => *node = value,
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn import_answers_any_json(
        path in prop::collection::vec(any::<usize>(), 0..5),
        value in json_value(),
        whole in json_value(),
        replace_whole in prop::bool::weighted(0.1),
    ) {
        let doc = if replace_whole {
            whole
        } else {
            let mut doc = sample_export().clone();
            mutate(&mut doc, &path, value);
            doc
        };
        // Errors are fine; a panic, or a store that cannot export what it took, is not.
        if let Ok(dump) = serde_json::from_value::<Dump>(doc) {
            let dir = tempfile::tempdir().expect("tempdir");
            let store = Store::open(dir.path()).expect("open store");
            if store.import(&dump).is_ok() {
                store.export().expect("an imported store exports");
                // Doctor reads whatever import let in without panicking, and
                // one repair leaves nothing rebuildable behind.
                let repaired = store.doctor(true).expect("doctor runs");
                if repaired.repair_refused.is_none() {
                    let after = store.doctor(false).expect("doctor runs");
                    prop_assert!(after.problems.iter().all(|p| !p.kind.repairable()), "{:?}", after.problems);
                }
            }
        }
    }
}

#[test]
fn the_unmutated_sample_imports_and_exports_unchanged() {
    let dump: Dump = serde_json::from_value(sample_export().clone()).expect("sample is a dump");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open store");
    store.import(&dump).expect("import");
    assert!(store.export().expect("export") == dump);
    let report = store.doctor(false).expect("doctor");
    assert!(report.problems.is_empty(), "an import builds every index: {:?}", report.problems);
}

/// One engine over one store for the whole run: commands pile up state, so
/// later cases meet programs, roles and referrals made by earlier ones.
fn shared_engine() -> &'static (tempfile::TempDir, Engine) {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(Store::open(dir.path()).expect("open store"));
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").expect("time").to_utc();
        let engine =
            Engine::new(store, Arc::new(ManualClock::new(start)), Arc::new(SeededIds::new(3)), Settings::default())
                .expect("engine");
        (dir, engine)
    })
}

proptest! {
    #![proptest_config(config(96))]

    /// Past the grammar: running any line, as the administrator (every
    /// command allowed) or as a member, answers with replies, never a panic.
    #[test]
    fn the_engine_answers_any_line(line in prop_oneof![command_line(), hostile_text()], who in 0u8..60) {
        let (_, engine) = shared_engine();
        // Many members, so the per-identity rate limit does not answer for the engine.
        let caller = if who < 20 {
            Caller::admin()
        } else {
            let name = format!("member{who}");
            Caller::new(IdentityKey::parse(&name).expect("identity"), &name)
        };
        let response = engine.respond(&caller, &line, None);
        prop_assert!(!response.replies.is_empty());
    }
}

/// Pieces of forward layouts: separators, labels in several scripts,
/// attribution lines, addresses half-written, HTML that opens and never closes.
fn forward_fragment() -> impl Strategy<Value = String> {
    let pieces = vec![
        "---------- Forwarded message ---------\n",
        "-----Original Message-----\n",
        "Begin forwarded message:\n",
        "-------- Пересылаемое сообщение --------\n",
        "________________________________\n",
        "----- Forwarded by Bob/Partner on 11/17/2026 -----\n",
        "From: ",
        "Von: ",
        "差出人：",
        "От кого: ",
        "Kimden: ",
        "من: ",
        "Subject: ",
        "Sent: ",
        "To: ",
        "Jane Doe <jane@northwind.example>",
        "\"x@y\" <x@y>",
        "[mailto:",
        "<mailto:a@b",
        "<",
        "@",
        "\"",
        "«",
        ":",
        "：",
        "> ",
        "\n",
        "\r\n",
        "17.11.2026, 10:15, \"Иван\" <ivan@primer.example>:\n",
        "On Tue, Nov 17, 2026 at 10:15 AM Jane <jane@x.example> wrote:\n",
        "<div>",
        "</div>",
        "<blockquote type=\"cite\">",
        "<table><tr><td>",
        "&lt;",
        "<br>",
        "İ",
    ];
    let piece = prop_oneof![3 => prop::sample::select(pieces).prop_map(str::to_string), 1 => hostile_text()];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// A message around `body`: plain or HTML, one of the charsets and
/// transfer encodings mail-parser decodes (bytes need not fit either).
fn mail_with(body: &str, html: bool, charset: &str, cte: &str, subject: &str) -> Vec<u8> {
    let subtype = if html { "html" } else { "plain" };
    let mut raw = format!(
        "From: Bob <bob@partner.example>\r\nTo: vouch@acme.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/{subtype}; charset=\"{charset}\"\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(body.as_bytes());
    raw
}

fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/email/forwards");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("forward corpus")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        files.sort();
        files.iter().map(|p| std::fs::read(p).expect("read eml")).collect()
    })
}

fn check_extraction(raw: &[u8]) -> Result<(), TestCaseError> {
    let config = vouch_mailer::inbound::InboundConfig {
        inbox: EmailAddress::parse("vouch@acme.example").ok(),
        ..Default::default()
    };
    // Refused or read; what is read is clean.
    if let Ok(x) = vouch_mailer::inbound::extract(raw, &config) {
        for p in x.prospects.iter().chain(x.forwarded.as_ref().map(|f| &f.from)) {
            prop_assert!(EmailAddress::parse(&p.email).is_ok(), "{:?}", p.email);
            prop_assert!(!p.name.contains(['<', '>', '"', '\r', '\n']), "{:?}", p.name);
        }
        prop_assert!(!x.note.contains('\r'));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn intake_answers_any_forward_shaped_body(
        body in forward_fragment(),
        html in any::<bool>(),
        charset in prop::sample::select(vec!["utf-8", "windows-1251", "koi8-r", "iso-8859-2", "iso-8859-9", "shift_jis", "gb2312", "big5", "x-unknown"]),
        cte in prop::sample::select(vec!["8bit", "quoted-printable", "base64"]),
        subject in prop::sample::select(vec!["Fwd: hi", "Re: hi", "WG: x", "report", "İLT: y", ""]),
    ) {
        check_extraction(&mail_with(&body, html, charset, cte, subject))?;
    }

    #[test]
    fn intake_answers_damaged_corpus_mail(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..12),
    ) {
        let mut raw = pick.get(corpus()).clone();
        for (at, byte, op) in edits {
            let i = at.index(raw.len().max(1));
            match op {
                0 if i < raw.len() => raw[i] = byte,
                1 => raw.insert(i.min(raw.len()), byte),
                _ if i < raw.len() => { raw.remove(i); }
                _ => {}
            }
        }
        check_extraction(&raw)?;
    }

    #[test]
    fn person_parsing_answers_any_text(s in prop_oneof![forward_fragment(), hostile_text()]) {
        if let Some(p) = vouch_mailer::inbound::parse_person(&s) {
            prop_assert!(EmailAddress::parse(&p.email).is_ok());
        }
    }
}
