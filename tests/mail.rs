//! End to end with real mail servers (tests/support/mail_servers.rs):
//! `vouch serve` sends through aiosmtpd over SMTP and reads Dovecot over
//! IMAP. Nothing sleeps: every wait polls a condition with a deadline.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/mail_servers.rs"]
mod mail_servers;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use binary::{DEADLINE, Killed, fixture, lines_of, stdout_ok, text, wait_for, wait_or_explain};
use mail_servers::{Certs, Dovecot, Restrict, SmtpSink, free_port};
use serde_json::Value;

fn vouch_mail(dir: &Path) -> Command {
    let mut cmd = binary::vouch_mail(dir);
    cmd.env("VOUCH_COMMUNITY", "Acme");
    cmd
}

/// The outbox row of the champion's thank-you (the other row of an
/// introduction is the prospect's consent request).
fn thank_you_row(dir: &Path) -> Value {
    let rows = outbox(dir);
    rows.into_iter().find(|m| m["template"] == "reply/introduction_received").expect("a thank-you row")
}

/// The Message-ID of an outbox row: its id and its random token.
fn message_id(row: &Value) -> String {
    let (id, token) = (row["id"].as_u64().expect("row id"), row["token"].as_str().expect("a token"));
    format!("<vouch.outbox.{id}.{token}@acme.example>")
}

/// The message at the sink addressed to `to`.
fn mail_to(sink: &SmtpSink, to: &str) -> String {
    let all = sink.messages();
    all.iter().find(|m| header(m, "To") == Some(to)).cloned().unwrap_or_else(|| panic!("no mail to {to}: {all:?}"))
}

/// `vouch serve`, killed when dropped.
struct Serve(#[allow(dead_code)] Killed);

impl Serve {
    fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        Self::spawn(dir, env, Stdio::inherit())
    }

    /// Like `start`, with the process's stderr in `log`.
    fn start_logged(dir: &Path, env: &[(&str, &str)], log: &Path) -> Self {
        Self::spawn(dir, env, std::fs::File::create(log).expect("log file").into())
    }

    fn spawn(dir: &Path, env: &[(&str, &str)], stderr: Stdio) -> Self {
        let mut cmd = vouch_mail(dir);
        cmd.args(["serve", "--poll-ms", "50", "--mail-retry-ms", "100", "--backup-hours", "0"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(stderr).spawn().expect("spawn serve");
        let lines = lines_of(child.stdout.take().expect("stdout"));
        let serve = Serve(Killed(child));
        lines.recv_timeout(DEADLINE).expect("serve printed nothing");
        wait_for("the control socket", || dir.join("data/vouch.sock").exists());
        serve
    }
}

fn ingest(dir: &Path, eml: &[u8]) {
    let mut child = vouch_mail(dir)
        .arg("ingest")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ingest");
    child.stdin.take().expect("stdin").write_all(eml).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

fn export(dir: &Path) -> Value {
    let out = vouch_mail(dir).arg("export").output().expect("export");
    serde_json::from_str(&stdout_ok(&out)).expect("export is JSON")
}

fn outbox(dir: &Path) -> Vec<Value> {
    export(dir)["outbox"].as_array().cloned().unwrap_or_default()
}

/// The value of `name:` in a raw message's header block.
fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    let head = message.split("\r\n\r\n").next().unwrap_or(message);
    let head = head.split("\n\n").next().unwrap_or(head);
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn smtp_down_queues_the_mail_and_delivers_it_exactly_once_when_up() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let _serve = Serve::start(dir, &[("VOUCH_SMTP_URL", &url)]);

    ingest(dir, &fixture("gmail-forward-en.eml"));
    // Nothing listens yet: the thank-you and the consent request stay
    // queued, with the reason.
    wait_for("a failed attempt on the queued thank-you", || {
        outbox(dir).iter().any(|m| m["attempts"].as_u64() >= Some(2) && m["last_error"].is_string())
    });
    let rows = outbox(dir);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r["state"] == "pending"), "{rows:?}");

    let sink = SmtpSink::start(port);
    wait_for("both mails at the SMTP sink", || sink.messages().len() >= 2);
    wait_for("the rows marked sent", || outbox(dir).iter().all(|m| m["state"] == "sent"));
    let messages = sink.messages();
    assert_eq!(messages.len(), 2, "each delivered exactly once: {messages:?}");
    let mail = mail_to(&sink, "bob@partner.example");
    assert_eq!(header(&mail, "Message-ID"), Some(message_id(&thank_you_row(dir)).as_str()), "{mail}");
    assert!(header(&mail, "From").is_some_and(|f| f.contains("vouch@acme.example")), "{mail}");
    assert_eq!(header(&mail, "In-Reply-To"), Some("<CAF7x+gmail-en-1@mail.gmail.com>"), "{mail}");
    assert!(mail.contains("Thank you for introducing"), "{mail}");
    let consent = mail_to(&sink, "jane.doe@prospect.example");
    assert!(consent.contains("would you like an introduction?"), "{consent}");
}

#[test]
fn a_5xx_is_recorded_as_failed_and_never_retried() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let sink = SmtpSink::start_rejecting(free_port());
    let _serve = Serve::start(dir, &[("VOUCH_SMTP_URL", &sink.url())]);

    ingest(dir, &fixture("gmail-forward-en.eml"));
    wait_for("the first introduction's mails marked failed", || {
        outbox(dir).iter().filter(|m| m["state"] == "failed").count() == 2
    });
    let row = thank_you_row(dir);
    assert_eq!(row["attempts"], 1, "{row}");
    assert!(row["last_error"].as_str().is_some_and(|e| e.contains("550")), "{row}");

    // A second introduction goes through several more worker rounds; the
    // refused rows are not among their attempts.
    ingest(dir, &fixture("cc-intro-fr.eml"));
    wait_for("the second introduction's mails marked failed", || {
        outbox(dir).iter().filter(|m| m["state"] == "failed").count() == 4
    });
    assert_eq!(sink.refusals(), 4, "one attempt per row, no retry of a 5xx");
    assert!(outbox(dir).iter().all(|m| m["attempts"] == 1));
}

fn referrals(dir: &Path) -> Vec<Value> {
    export(dir)["referrals"].as_array().cloned().unwrap_or_default()
}

#[test]
fn an_introduction_in_the_imap_inbox_is_recorded_thanked_over_smtp_and_marked_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(free_port());
    let env = [("VOUCH_IMAP_URL", dovecot.url("poll=0.2")), ("VOUCH_SMTP_URL", sink.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let eml = fixture("gmail-forward-en.eml");
    let mut imap = dovecot.client();
    imap.append("INBOX", &eml);
    imap.append("INBOX", b"To: vouch@acme.example\r\nSubject: no sender\r\n\r\nhi\r\n");

    let serve = Serve::start(dir, &env);
    wait_for("the thank-you and the consent request at the SMTP sink", || sink.messages().len() >= 2);
    wait_for("both messages out of INBOX", || imap.count("INBOX") == 0);
    assert_eq!(imap.count("vouch-done"), 1, "{}", dovecot.log());
    assert_eq!(imap.count("vouch-rejected"), 1, "the malformed message is set aside, not refetched forever");
    let done = imap.flags("vouch-done");
    assert!(done[0].1.contains("\\Seen") && done[0].1.contains("$VouchDone"), "{done:?}");

    let dump = export(dir);
    let referred = dump["referrals"].as_array().cloned().unwrap_or_default();
    assert_eq!(referred.len(), 1, "{referred:?}");
    let jane = dump["identities"]
        .as_array()
        .and_then(|ids| ids.iter().find(|i| i.to_string().contains("jane.doe@prospect.example")).cloned())
        .expect("Jane has an identity");
    assert_eq!(jane["member"], referred[0]["referred"], "the referral is Jane's: {jane} {referred:?}");
    wait_for("the rows marked sent", || outbox(dir).iter().all(|m| m["state"] == "sent"));
    let mail = mail_to(&sink, "bob@partner.example");
    assert_eq!(header(&mail, "Message-ID"), Some(message_id(&thank_you_row(dir)).as_str()), "{mail}");
    assert_eq!(header(&mail, "From"), Some("Acme <vouch@acme.example>"), "{mail}");
    assert_eq!(header(&mail, "Subject"), Some("Re: Fwd: Looking for a referral tool"), "{mail}");
    assert_eq!(header(&mail, "In-Reply-To"), Some("<CAF7x+gmail-en-1@mail.gmail.com>"), "{mail}");
    assert!(mail.contains("jane.doe@prospect.example"), "{mail}");
    assert!(mail_to(&sink, "jane.doe@prospect.example").contains("would you like an introduction?"));

    // A crash between commit and mark: the message is back, unmarked, and
    // a new `serve` handles it again — with no second effect.
    drop(serve);
    imap.append("INBOX", &eml);
    let _serve = Serve::start(dir, &env);
    wait_for("the restored message marked again", || imap.count("INBOX") == 0 && imap.count("vouch-done") == 2);
    wait_for("the outbox idle", || outbox(dir).iter().all(|m| m["state"] == "sent"));
    assert_eq!(referrals(dir).len(), 1, "no second referral");
    assert_eq!(outbox(dir).len(), 2, "no second thank-you or consent request queued");
    assert_eq!(sink.messages().len(), 2, "no second mail sent");
}

#[test]
fn a_message_that_cannot_be_handled_yet_stays_in_the_inbox_for_the_next_round() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    imap.append("INBOX", &fixture("gmail-forward-en.eml"));
    // The sender's domain cannot be looked up (a DNS outage): no verdict,
    // so with VOUCH_MAIL_AUTH=require every round is "try later".
    let zone = dir.join("outage.txt");
    std::fs::write(&zone, "partner.example !temperror\n_dmarc.partner.example !temperror\n").expect("zone");
    let zone = zone.display().to_string();
    let url = dovecot.url("poll=0.1");
    let log = dir.join("serve.log");
    let env = [("VOUCH_IMAP_URL", url.as_str()), ("VOUCH_MAIL_AUTH", "require"), ("VOUCH_MAIL_AUTH_DNS", &zone)];
    let _serve = Serve::start_logged(dir, &env, &log);
    wait_for("the message tried in three rounds", || {
        std::fs::read_to_string(&log).unwrap_or_default().matches("will try again").count() >= 3
    });
    let flags = imap.flags("INBOX");
    assert_eq!(flags.len(), 1, "still in INBOX: {flags:?}");
    assert!(!flags[0].1.contains("Vouch") && !flags[0].1.contains("\\Seen"), "not marked: {flags:?}");
    assert!(referrals(dir).is_empty());
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!text.contains(mail_servers::IMAP_PASSWORD), "the password never reaches the log");
}

#[test]
fn imaps_in_and_smtp_starttls_with_auth_out_with_a_private_ca() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let certs = Certs::new();
    let ca = certs.ca.display().to_string();
    let dovecot = Dovecot::start_tls(&certs);
    let sink = SmtpSink::start_tls_auth(free_port(), &certs, "mailer@acme.example", "p@ss word");
    let imap_url = dovecot.tls_url(&format!("poll=0.2&ca={ca}"));
    let smtp_url = format!("smtp://mailer%40acme.example:p%40ss%20word@127.0.0.1:{}?tls=starttls&ca={ca}", sink.port);
    dovecot.client().append("INBOX", &fixture("outlook-header-block-en.eml"));

    let log = dir.join("serve.log");
    let serve = Serve::start_logged(dir, &[("VOUCH_IMAP_URL", &imap_url), ("VOUCH_SMTP_URL", &smtp_url)], &log);
    wait_for("the thank-you over STARTTLS after AUTH", || !sink.messages().is_empty());
    let mut imap = dovecot.client();
    wait_for("the message marked over imaps", || imap.count("INBOX") == 0 && imap.count("vouch-done") == 1);
    assert_eq!(referrals(dir).len(), 1);
    let mail = sink.messages().remove(0);
    assert!(header(&mail, "Message-ID").is_some_and(|id| id.starts_with("<vouch.outbox.")), "{mail}");
    drop(serve);

    // The same mailbox over STARTTLS on the plain port.
    imap.append("INBOX", &fixture("gmail-forward-de.eml"));
    let starttls_url = dovecot.url(&format!("poll=0.2&tls=starttls&ca={ca}"));
    let log2 = dir.join("serve2.log");
    let _serve = Serve::start_logged(dir, &[("VOUCH_IMAP_URL", &starttls_url), ("VOUCH_SMTP_URL", &smtp_url)], &log2);
    wait_for("the message marked over STARTTLS", || imap.count("INBOX") == 0 && imap.count("vouch-done") == 2);
    let said = || std::fs::read_to_string(&log2).unwrap_or_default();
    // Each introduction also mails its prospect, and the first serve may
    // have been stopped before that went out (the second sends it), or
    // after sending but before marking it (sent again, same Message-ID):
    // count the champion's distinct thank-yous.
    let thanks = || {
        let messages = sink.messages();
        let ids: std::collections::BTreeSet<String> = messages
            .iter()
            .filter(|m| header(m, "To").is_some_and(|to| to.contains("bob@partner.example")))
            .filter_map(|m| header(m, "Message-ID").map(str::to_string))
            .collect();
        ids.len()
    };
    wait_or_explain("the second thank-you", || thanks() == 2, || format!("serve said:\n{}", said()));
    assert_eq!(referrals(dir).len(), 2);
    let text = std::fs::read_to_string(&log).unwrap_or_default() + &std::fs::read_to_string(&log2).unwrap_or_default();
    assert!(!text.contains("p@ss") && !text.contains("p%40ss"), "no password in the log:\n{text}");
}

#[test]
fn dovecot_starts_and_takes_an_append() {
    let dovecot = Dovecot::start();
    let mut imap = dovecot.client();
    imap.append("INBOX", &fixture("gmail-forward-en.eml"));
    assert_eq!(imap.count("INBOX"), 1, "{}", dovecot.log());
    assert_eq!(imap.flags("INBOX").len(), 1);
}

/// Without IDLE (`idle=off`, for servers that lack it) the poller looks
/// every `poll` seconds: mail that arrives while `serve` runs is picked up
/// by a later round and marked once.
#[test]
fn plain_polling_without_idle_picks_up_mail_that_arrives_later() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let dovecot = Dovecot::start();
    let sink = SmtpSink::start(free_port());
    let env = [("VOUCH_IMAP_URL", dovecot.url("poll=0.2&idle=off")), ("VOUCH_SMTP_URL", sink.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut imap = dovecot.client();
    imap.append("INBOX", &fixture("gmail-forward-en.eml"));
    let _serve = Serve::start(dir, &env);
    wait_for("the first message handled", || imap.count("INBOX") == 0 && imap.count("vouch-done") == 1);

    // The poller has finished a round; this one can only be found by a later one.
    imap.append("INBOX", &fixture("cc-intro-fr.eml"));
    wait_for("the second message marked and moved", || imap.count("INBOX") == 0 && imap.count("vouch-done") == 2);
    wait_for("two thank-yous and two consent requests at the sink", || sink.messages().len() >= 4);
    let thanks: Vec<String> =
        sink.messages().into_iter().filter(|m| header(m, "To") == Some("bob@partner.example")).collect();
    assert!(thanks.iter().any(|m| m.contains("In-Reply-To: <cc-fr-1@partner.example>")), "{thanks:?}");
    assert_eq!(referrals(dir).len(), 2);
}

/// Lines of a `serve` log about IMAP message `uid` ("vouch: imap: message 3: …").
fn lines_about(log: &Path, uid: u32) -> usize {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let prefix = format!("vouch: imap: message {uid}");
    text.lines().filter(|l| l.strip_prefix(&prefix).is_some_and(|rest| rest.starts_with([':', ' ']))).count()
}

/// The IMAP failures in a `serve` log (each one ends the connection).
fn imap_failures(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines().filter(|l| l.contains("reconnecting") || l.contains("will try again")).map(String::from).collect()
}

/// A server without MOVE: a handled message is copied to the done folder,
/// flagged `\Deleted` and expunged — by UID EXPUNGE with UIDPLUS, else by
/// EXPUNGE — once; later rounds and a restarted poller leave it alone.
#[test]
fn without_move_handled_mail_is_copied_to_the_done_folder_and_expunged_once() {
    for capability in ["IMAP4rev1 IDLE UIDPLUS", "IMAP4rev1 IDLE"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        let dovecot = Dovecot::start_restricted(Restrict { capability: Some(capability), ..Restrict::default() });
        let url = dovecot.url("poll=0.1");
        let mut imap = dovecot.client();
        imap.append("INBOX", &fixture("gmail-forward-en.eml"));
        let log = dir.join("serve.log");
        let serve = Serve::start_logged(dir, &[("VOUCH_IMAP_URL", &url)], &log);
        wait_for("the message copied out of INBOX", || imap.count("INBOX") == 0 && imap.count("vouch-done") == 1);
        let done = imap.flags("vouch-done");
        assert!(done[0].1.contains("\\Seen") && done[0].1.contains("$VouchDone"), "{capability}: {done:?}");
        assert!(!done[0].1.contains("\\Deleted"), "the copy is not deleted: {done:?}");
        let handled_once = lines_about(&log, 1);
        assert!(handled_once > 0, "{capability}: {}", std::fs::read_to_string(&log).unwrap_or_default());

        // A second message is a barrier: once it is done, the poller has
        // had later rounds, in which the first must not come back.
        imap.append("INBOX", &fixture("cc-intro-fr.eml"));
        wait_for("the second message out of INBOX", || imap.count("INBOX") == 0 && imap.count("vouch-done") == 2);
        drop(serve);
        let log2 = dir.join("serve2.log");
        let _serve = Serve::start_logged(dir, &[("VOUCH_IMAP_URL", &url)], &log2);
        imap.append("INBOX", &fixture("outlook-header-block-en.eml"));
        wait_for("the third message out of INBOX", || imap.count("INBOX") == 0 && imap.count("vouch-done") == 3);

        assert_eq!(lines_about(&log, 1), handled_once, "{capability}: message 1 handled once");
        assert_eq!(
            (lines_about(&log2, 1), lines_about(&log2, 2)),
            (0, 0),
            "{capability}: the restart took up nothing old"
        );
        assert!(lines_about(&log2, 3) > 0, "{capability}");
        let failures = [imap_failures(&log), imap_failures(&log2)].concat();
        assert!(failures.is_empty(), "{capability}: {failures:?}\n{}", dovecot.log());
        assert_eq!(referrals(dir).len(), 3, "{capability}");
    }
}

/// A mailbox that keeps no custom keywords (PERMANENTFLAGS without `\*`;
/// Dovecot drops them silently): the poller goes by `\Seen` instead. Each
/// message is handled once, left in INBOX as `\Seen` when there is no done
/// folder, no round takes it up again, and neither does a restarted poller
/// (which now has a done folder, so a second handling would move it).
#[test]
fn a_mailbox_without_keywords_is_read_by_seen_and_each_message_handled_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let dovecot = Dovecot::start_restricted(Restrict { no_keywords: true, ..Restrict::default() });
    let mut imap = dovecot.client();
    imap.append("INBOX", &fixture("gmail-forward-en.eml"));
    let log = dir.join("serve.log");
    let seen = |imap: &mut mail_servers::ImapClient, n: usize| {
        let flags = imap.flags("INBOX");
        flags.len() == n && flags.iter().all(|(_, f)| f.contains("\\Seen"))
    };
    let serve = Serve::start_logged(dir, &[("VOUCH_IMAP_URL", &dovecot.url("poll=0.1&done="))], &log);
    wait_for("the message marked \\Seen", || seen(&mut imap, 1));
    let handled_once = lines_about(&log, 1);
    assert!(handled_once > 0, "{}", std::fs::read_to_string(&log).unwrap_or_default());
    imap.append("INBOX", &fixture("cc-intro-fr.eml"));
    wait_for("the second message marked \\Seen", || seen(&mut imap, 2));
    assert_eq!(lines_about(&log, 1), handled_once, "message 1 handled once, not every round");
    let flags = imap.flags("INBOX");
    assert!(flags.iter().all(|(_, f)| !f.contains("Vouch")), "the server kept no keyword: {flags:?}");
    drop(serve);

    let log2 = dir.join("serve2.log");
    let _serve = Serve::start_logged(dir, &[("VOUCH_IMAP_URL", &dovecot.url("poll=0.1"))], &log2);
    imap.append("INBOX", &fixture("outlook-header-block-en.eml"));
    wait_for("the third message moved to the done folder", || imap.count("vouch-done") == 1);
    assert_eq!(imap.count("INBOX"), 2, "the two handled messages stay where they were");
    assert_eq!((lines_about(&log2, 1), lines_about(&log2, 2)), (0, 0), "the restart took up nothing old");
    let done = imap.flags("vouch-done");
    assert!(done[0].1.contains("\\Seen"), "{done:?}");
    let failures = [imap_failures(&log), imap_failures(&log2)].concat();
    assert!(failures.is_empty(), "{failures:?}\n{}", dovecot.log());
    assert_eq!(referrals(dir).len(), 3);
}
