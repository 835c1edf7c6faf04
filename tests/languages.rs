//! End-to-end: people get their own language without choosing it (Telegram
//! `language_code`), `language ar` switches a console member, and an
//! unknown code lists the choices and changes nothing; the demo runs in
//! Romanian.

// Shared with tests/telegram.rs, which uses the rest of the fake.
#[allow(dead_code)]
#[path = "support/telegram_fake.rs"]
mod fake;

#[path = "support/binary.rs"]
mod binary;
use binary::{run_with_stdin, stdout_ok, vouch, wait_for};
use std::process::Stdio;

use fake::FakeTelegram;
use serde_json::json;

const ANNA: i64 = 2001;

#[test]
fn a_telegram_user_with_language_code_ru_is_answered_in_russian_without_choosing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let mut child = vouch(tmp.path())
        .args(["serve", "--poll-ms", "50"])
        .env("VOUCH_TELEGRAM_TOKEN", "123:TEST")
        .env("VOUCH_TELEGRAM_API_URL", &fake.url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    fake.push(json!({
        "update_id": 1,
        "message": {
            "message_id": 10, "date": 1_700_000_000,
            "chat": {"id": ANNA, "type": "private", "first_name": "Анна"},
            "from": {"id": ANNA, "is_bot": false, "first_name": "Анна", "language_code": "ru"},
            "text": "/code",
        }
    }));
    wait_for("the answer to Anna", || !fake.texts_to(ANNA).is_empty());
    let answer = fake.texts_to(ANNA)[0].clone();
    assert!(answer.contains("Ваш реферальный код"), "{answer}");
    // The menu Telegram shows Russian apps has Russian descriptions.
    wait_for("the Russian menu", || {
        fake.calls("SetMyCommands").iter().any(|c| c.body.get("language_code").and_then(|l| l.as_str()) == Some("ru"))
    });
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn language_switches_a_console_member_and_an_unknown_code_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let say = |lines: &str| {
        let mut cmd = vouch(tmp.path());
        cmd.args(["chat", "--as", "alice"]);
        stdout_ok(&run_with_stdin(cmd, lines.as_bytes()))
    };
    let english = say("code\n");
    assert!(english.contains("Your referral code"), "{english}");
    let out = say("language xx\ncode\n");
    assert!(out.contains("I don't speak `xx` yet"), "{out}");
    assert!(out.contains("language ru") && out.contains("Русский"), "the choices are listed: {out}");
    assert!(out.contains("Your referral code"), "nothing changed: {out}");
    let out = say("language ru\ncode\n");
    assert!(out.contains("Готово") && out.contains("Ваш реферальный код"), "{out}");
    let out = say("language ar\ncode\n");
    assert!(out.contains("رمز الإحالة الخاص بك"), "{out}");
    // The code is a left-to-right run inside Arabic text: isolated, so it reads in order.
    let code = out.split('`').nth(1).unwrap_or_default();
    assert!(out.contains(&format!("\u{2068}`{code}`\u{2069}")), "FSI/PDI around the code: {out:?}");
    let out = say("lang auto\ncode\n");
    assert!(out.contains("Your referral code"), "back to the default: {out}");
}

#[test]
fn the_demo_runs_in_romanian() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut cmd = vouch(tmp.path());
    cmd.args(["demo", "--language", "ro"]).stdin(Stdio::null());
    let out = stdout_ok(&cmd.output().expect("run the demo"));
    for needle in [
        "Codul tău de recomandare pentru programul",
        "Bine ai venit! Te-ai alăturat cu codul primit de la Alice",
        "cu o valoare de 1.200,00\u{A0}USD",
        "Am aprobat R1",
        "Subject: Acme Community: vrei să te punem în legătură?",
        "Da, puneți-mă în legătură: https://vouch.acme.example/a/",
        "la 18:00 EE",
        "Raport de recomandări",
    ] {
        assert!(out.contains(needle), "the Romanian demo lacks {needle:?}:\n{out}");
    }
    assert!(!out.contains('\u{E000}'), "no mark is left unwritten:\n{out}");
}
