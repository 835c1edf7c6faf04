//! End to end through `vouch ingest`: sender authentication against a fixed
//! DNS zone, the introduction's double opt-in (threaded replies, yes/no,
//! opt-out respected, thank-you on win), hard and soft bounces, and the
//! email abuse checks. State is read back with `vouch export`.

#[path = "support/binary.rs"]
mod binary;
use binary::{email_fixtures, fixture, run_with_stdin, text};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures() -> PathBuf {
    email_fixtures()
}

fn vouch_mail(dir: &Path, auth: &str) -> Command {
    let mut cmd = binary::vouch_mail(dir);
    cmd.env("VOUCH_MAIL_AUTH", auth).env("VOUCH_MAIL_AUTH_DNS", fixtures().join("auth/zone.txt"));
    cmd
}

fn run(dir: &Path, auth: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = vouch_mail(dir, auth);
    cmd.args(args);
    run_with_stdin(cmd, stdin)
}

fn ingest(dir: &Path, auth: &str, eml: &[u8]) -> String {
    let out = run(dir, auth, &["ingest"], eml);
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn export(dir: &Path) -> Value {
    let out = run(dir, "off", &["export"], b"");
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("export is JSON")
}

fn rows<'a>(dump: &'a Value, template: &str) -> Vec<&'a Value> {
    dump["outbox"].as_array().expect("outbox").iter().filter(|r| r["template"] == template).collect()
}

fn identity<'a>(dump: &'a Value, key: &str) -> &'a Value {
    dump["identities"].as_array().expect("identities").iter().find(|i| i["key"] == key).expect("identity exists")
}

fn referral_to(dump: &Value, n: usize) -> &Value {
    &dump["referrals"].as_array().expect("referrals")[n]
}

/// The Message-ID vouch gave the mail of outbox row `row`.
fn message_id(row: &Value) -> String {
    let (n, token) = (row["id"].as_u64().expect("row id"), row["token"].as_str().expect("a token"));
    format!("<vouch.outbox.{n}.{token}@acme.example>")
}

/// A reply from `from` threaded under vouch's outbox row `row`.
fn reply(from: &str, row: &Value, id: &str, body: &str) -> Vec<u8> {
    reply_to_id(from, &message_id(row), id, body)
}

/// A reply naming `parent` (a real or a guessed Message-ID).
fn reply_to_id(from: &str, parent: &str, id: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: Acme <vouch@acme.example>\r\nSubject: Re: your introduction\r\n\
         Message-ID: <{id}@prospect.example>\r\nIn-Reply-To: {parent}\r\n\
         References: {parent}\r\nDate: Tue, 3 Nov 2026 12:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\r\n> Would you like to be introduced?\r\n"
    )
    .into_bytes()
}

#[test]
fn a_prospect_says_yes_by_replying_and_the_champion_is_thanked_twice() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    ingest(dir, "off", &fixture("gmail-forward-en.eml"));
    let dump = export(dir);
    let requests = rows(&dump, "notice/consent_request");
    assert_eq!(requests.len(), 1, "{dump}");
    let request = requests[0];
    assert_eq!(request["to"], "email:jane.doe@prospect.example");
    assert_eq!(request["actions"].as_array().map(Vec::len), Some(2));
    let referral = referral_to(&dump, 0);
    assert_eq!(referral["source"], "email");
    assert_eq!(referral["introduction"]["consent"], "requested");
    assert_eq!(referral["introduction"]["request"], request["id"]);

    // Someone else answering Jane's mail changes nothing.
    let stranger = ingest(dir, "off", &reply("Mallory <mallory@evil.example>", request, "m1", "yes"));
    assert!(stranger.contains("not acted on"), "{stranger}");
    assert_eq!(referral_to(&export(dir), 0)["introduction"]["consent"], "requested");

    // A forger who spoofs Jane's address but guesses the Message-ID from the
    // row id alone (no token) changes nothing either.
    let guessed = format!("<vouch.outbox.{}@acme.example>", request["id"]);
    let forged = ingest(dir, "off", &reply_to_id("Jane Doe <jane.doe@prospect.example>", &guessed, "f1", "no"));
    assert!(forged.contains("does not name vouch mail"), "{forged}");
    assert_eq!(referral_to(&export(dir), 0)["introduction"]["consent"], "requested");

    let yes = reply("Jane Doe <jane.doe@prospect.example>", request, "j1", "Ja, gerne!");
    let first = ingest(dir, "off", &yes);
    assert!(first.contains("reply/consent_accepted"), "{first}");
    let again = ingest(dir, "off", &yes);
    assert!(again.contains("already handled"), "{again}");
    let dump = export(dir);
    assert_eq!(referral_to(&dump, 0)["introduction"]["consent"], "accepted");
    let told = rows(&dump, "notice/introduction_accepted");
    assert_eq!(told.len(), 1, "one notice despite the redelivery");
    assert_eq!(told[0]["to"], "email:bob@partner.example");
    let answer = rows(&dump, "reply/consent_accepted");
    assert_eq!(answer.len(), 1);
    assert_eq!(answer[0]["in_reply_to"]["message_id"], "<j1@prospect.example>");
    assert_eq!(answer[0]["in_reply_to"]["references"][0], message_id(request));

    // Won: the champion's second thank-you.
    let id = format!("R{}", referral_to(&dump, 0)["id"]);
    let out = run(dir, "off", &["convert", &id, "1200"], b"");
    assert!(out.status.success(), "{}", text(&out));
    let won = rows(&export(dir), "notice/introduction_won").into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(won.len(), 1);
    assert_eq!(won[0]["to"], "email:bob@partner.example");
}

#[test]
fn a_no_is_final_and_the_address_gets_no_more_introductions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    ingest(dir, "off", &fixture("cc-intro-fr.eml"));
    let dump = export(dir);
    let request = rows(&dump, "notice/consent_request")[0].clone();
    let no = ingest(dir, "off", &reply("Marc Petit <marc@petit.example>", &request, "n1", "Non merci."));
    assert!(no.contains("reply/consent_declined"), "{no}");
    let dump = export(dir);
    let referral = referral_to(&dump, 0);
    assert_eq!(referral["introduction"]["consent"], "declined");
    assert_eq!(referral["state"], "rejected");
    assert_eq!(identity(&dump, "email:marc@petit.example")["opted_out"], true);
    assert_eq!(rows(&dump, "notice/introduction_declined")[0]["to"], "email:bob@partner.example");

    // A "yes" afterwards does not reopen it.
    let late = ingest(dir, "off", &reply("Marc Petit <marc@petit.example>", &request, "n2", "yes"));
    assert!(late.contains("error/consent_answered"), "{late}");

    // Another champion introducing Marc is told no, and Marc hears nothing.
    let intro =
        b"From: Alice <alice@other.example>\r\nTo: Marc Petit <marc@petit.example>\r\nCc: vouch@acme.example\r\n\
Subject: Intro\r\nMessage-ID: <alice-1@other.example>\r\nContent-Type: text/plain\r\n\r\nMarc, meet Acme.\r\n";
    let refused = ingest(dir, "off", intro);
    assert!(refused.contains("error/prospect_opted_out"), "{refused}");
    let dump = export(dir);
    assert_eq!(rows(&dump, "notice/consent_request").len(), 1, "no second request to Marc");
    assert_eq!(dump["referrals"].as_array().map(Vec::len), Some(1));

    // Only Marc can take it back: a mail that fails sender authentication
    // cannot, one that passes (here: auth off, taken at its word) can.
    let subscribe = |id: &str| {
        format!(
            "From: Marc Petit <marc@petit.example>\r\nTo: vouch@acme.example\r\nSubject: subscribe\r\n\
             Message-ID: <{id}@petit.example>\r\nContent-Type: text/plain\r\n\r\nsubscribe\r\n"
        )
    };
    let spoofed = ingest(dir, "record", subscribe("s1").as_bytes());
    assert!(spoofed.contains("error/unverified"), "{spoofed}");
    assert_eq!(identity(&export(dir), "email:marc@petit.example")["opted_out"], true);
    let own = ingest(dir, "off", subscribe("s2").as_bytes());
    assert!(own.contains("reply/subscribed"), "{own}");
    let dump = export(dir);
    let marc = identity(&dump, "email:marc@petit.example");
    assert!(marc["opted_out"].is_null() || marc["opted_out"] == false, "{marc}");
}

#[test]
fn a_hard_bounce_marks_the_address_unreachable_and_a_soft_one_does_not() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    ingest(dir, "off", &fixture("gmail-forward-en.eml"));
    let soft = ingest(dir, "off", &fixture("dsn-soft-bounce.eml"));
    assert!(soft.contains("nothing to do"), "{soft}");
    assert_eq!(identity(&export(dir), "email:jane.doe@prospect.example")["unreachable"], false);
    // A DSN anyone could write (it names no vouch mail exactly: the fixture's
    // returned Message-ID has no token) stops nothing.
    let forged = ingest(dir, "off", &fixture("dsn-hard-bounce.eml"));
    assert!(forged.contains("returns no mail vouch sent there; not acted on"), "{forged}");
    assert_eq!(identity(&export(dir), "email:jane.doe@prospect.example")["unreachable"], false);
    // The real one returns the consent request vouch mailed Jane, and counts
    // even under VOUCH_MAIL_AUTH=require from an unsigned mail system.
    let request = message_id(rows(&export(dir), "notice/consent_request")[0]);
    let real = String::from_utf8(fixture("dsn-hard-bounce.eml"))
        .expect("utf-8")
        .replace("<vouch.outbox.2@acme.example>", &request)
        .replace("<hard-1@mx.prospect.example>", "<hard-2@mx.prospect.example>");
    let hard = ingest(dir, "require", real.as_bytes());
    assert!(hard.contains("hard bounce for jane.doe@prospect.example: marked unreachable"), "{hard}");
    let dump = export(dir);
    assert_eq!(identity(&dump, "email:jane.doe@prospect.example")["unreachable"], true);
    // Bounces are never answered.
    let to_daemon = dump["outbox"]
        .as_array()
        .expect("outbox")
        .iter()
        .filter(|r| r["to"].as_str().is_some_and(|t| t.contains("mailer-daemon")));
    assert_eq!(to_daemon.count(), 0);
}

#[test]
fn the_champions_own_mailbox_variant_is_refused_and_a_disposable_prospect_is_held() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let own = b"From: Bob <bob.smith@gmail.com>\r\nTo: vouch@acme.example\r\nSubject: Fwd: hi\r\n\
Message-ID: <own-1@gmail.com>\r\nContent-Type: text/plain\r\n\r\nA great lead!\r\n\r\n\
---------- Forwarded message ---------\r\nFrom: B Smith <b.o.b.smith+work@googlemail.com>\r\n\
Subject: hi\r\nTo: Bob <bob.smith@gmail.com>\r\n\r\nhello\r\n";
    let refused = ingest(dir, "off", own);
    assert!(refused.contains("error/self_referral"), "{refused}");
    assert_eq!(export(dir)["referrals"].as_array().map(Vec::len), Some(0));

    let throwaway = String::from_utf8(fixture("gmail-forward-en.eml"))
        .expect("utf-8")
        .replace("jane.doe@prospect.example", "jane@mailinator.com");
    ingest(dir, "off", throwaway.as_bytes());
    let dump = export(dir);
    let referral = referral_to(&dump, 0);
    assert!(referral["introduction"]["review"].as_str().is_some_and(|r| r.contains("disposable")), "{referral}");
    // Held: converting it does not approve the reward automatically.
    let id = format!("R{}", referral["id"]);
    let out = run(dir, "off", &["convert", &id], b"");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(referral_to(&export(dir), 0)["state"], "converted");
}

#[test]
fn dry_run_shows_the_auth_verdict() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(tmp.path(), "require", &["ingest", "--dry-run", "--json"], &fixture("auth/signed-forward.eml"));
    assert!(out.status.success(), "{}", text(&out));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["kind"], "introduction");
    let auth = &json["auth"];
    assert_eq!(auth["policy"], "require");
    assert_eq!(auth["result"], "pass");
    assert_eq!(auth["from_domain"], "partner.example");
    assert_eq!(auth["dkim"][0]["result"], "pass");
    assert_eq!(auth["spf"]["client_ip"], "203.0.113.7");
    assert_eq!(auth["dmarc"]["result"], "pass");
}

#[test]
fn require_refuses_a_spoofed_sender_and_record_keeps_the_verdict() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let spoofed = run(dir, "require", &["ingest"], &fixture("auth/spoofed-from.eml"));
    assert_eq!(spoofed.status.code(), Some(67), "{}", text(&spoofed));
    assert!(String::from_utf8_lossy(&spoofed.stderr).contains("not authenticated"), "{}", text(&spoofed));
    assert!(!dir.join("data").exists(), "nothing stored, nothing answered");
    let tampered = run(dir, "require", &["ingest"], &fixture("auth/signed-forward-tampered.eml"));
    assert_eq!(tampered.status.code(), Some(67), "{}", text(&tampered));

    // record: accepted, but the address is not verified and the verdict is kept.
    ingest(dir, "record", &fixture("auth/signed-forward-tampered.eml"));
    let dump = export(dir);
    assert_eq!(identity(&dump, "email:bob@partner.example")["verified"], false);
    let inbound = &dump["inbound"].as_array().expect("inbound")[0];
    assert_eq!(inbound["sender_auth"]["passed"], false, "{inbound}");
    assert!(inbound["sender_auth"]["summary"].as_str().is_some_and(|s| s.contains("dmarc=fail")), "{inbound}");

    // A DNS failure is no verdict: the MTA is told to retry.
    let outage = dir.join("outage.txt");
    let zone = std::fs::read_to_string(fixtures().join("auth/zone.txt")).expect("zone");
    let zone = zone.lines().filter(|l| !l.starts_with("test._domainkey.partner")).collect::<Vec<_>>().join("\n");
    std::fs::write(&outage, format!("{zone}\ntest._domainkey.partner.example !temperror\n")).expect("write zone");
    let mut cmd = vouch_mail(dir, "require");
    cmd.env("VOUCH_MAIL_AUTH_DNS", &outage).arg("ingest").stdin(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(&fixture("auth/signed-forward.eml")).expect("write");
    let retry = child.wait_with_output().expect("wait");
    assert_eq!(retry.status.code(), Some(75), "{}", text(&retry));

    // require with a good signature: accepted, and now the address is verified.
    let tmp2 = tempfile::tempdir().expect("tempdir");
    ingest(tmp2.path(), "require", &fixture("auth/signed-forward.eml"));
    let dump = export(tmp2.path());
    assert_eq!(identity(&dump, "email:bob@partner.example")["verified"], true);
    assert_eq!(dump["inbound"][0]["sender_auth"]["passed"], true);
}

/// A mail whose From names `from` but that nobody signed, sent from an IP
/// outside that domain's SPF: DMARC fails (bank.example and prospect.example
/// publish none, partner.example p=reject; all fail or have no pass).
fn forged(from: &str, id: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "Received: from mail.attacker.example (mail.attacker.example [203.0.113.99])\r\n\
         \tby mx.acme.example with ESMTPS; Tue, 3 Nov 2026 09:14:00 +0000\r\n\
         Return-Path: <bounce@attacker.example>\r\nFrom: {from}\r\nTo: vouch@acme.example\r\n\
         Subject: {subject}\r\nDate: Tue, 3 Nov 2026 09:14:00 +0000\r\nMessage-ID: <{id}@attacker.example>\r\n\
         Content-Type: text/plain\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

#[test]
fn forged_mail_under_record_is_a_stranger_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let admin = |args: &[&str]| {
        let out = run(dir, "off", args, b"");
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    admin(&["role", "grant", "email:ceo@bank.example", "organizer"]);
    ingest(dir, "off", &fixture("gmail-forward-en.eml"));
    let referral = referral_to(&export(dir), 0)["id"].as_u64().expect("referral id");
    let linked = crate::binary::stdout_ok(&run(dir, "off", &["chat", "--as", "mallory"], b"link\n"));
    let mut words = linked.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'));
    let link_code = words.find(|w| w.len() == 9 && w.as_bytes()[4] == b'-').expect("a link code").to_string();

    let before = export(dir);
    let tries = [
        ("ceo@bank.example", "role grant email:mallory@attacker.example organizer".to_string()),
        ("jane.doe@prospect.example", format!("consent R{referral} yes")),
        ("ceo@bank.example", "unsubscribe".to_string()),
        ("bob@partner.example", "refer Eve Doe eve@victim.example".to_string()),
        ("ceo@bank.example", "program pause customer".to_string()),
        ("ceo@bank.example", format!("link {link_code}")),
    ];
    for (i, (from, line)) in tries.iter().enumerate() {
        let said = ingest(dir, "record", &forged(from, &format!("forged-{i}"), line, line));
        assert!(said.contains("error/unverified"), "{from}: {line}: {said}");
    }
    let after = export(dir);
    for key in ["members", "identities", "referrals", "programs", "rewards"] {
        assert_eq!(before[key], after[key], "a forged mail changed {key}");
    }
    // What a stranger may do still works: help.
    let help = ingest(dir, "record", &forged("ceo@bank.example", "forged-help", "help", "help"));
    assert!(help.contains("reply/help"), "{help}");

    // require (the default): refused at the door, nothing stored or answered.
    let grant = forged("ceo@bank.example", "forged-r", "role grant email:m@x.example organizer", "");
    let out = run(dir, "require", &["ingest"], &grant);
    assert_eq!(out.status.code(), Some(67), "{}", text(&out));
    let mut default = crate::binary::vouch_mail(dir);
    default.env_remove("VOUCH_MAIL_AUTH").env("VOUCH_MAIL_AUTH_DNS", fixtures().join("auth/zone.txt")).arg("ingest");
    let out = run_with_stdin(default, &forged("ceo@bank.example", "forged-d", "unsubscribe", ""));
    assert_eq!(out.status.code(), Some(67), "require is the default: {}", text(&out));
}
