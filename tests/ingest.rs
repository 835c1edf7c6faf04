//! End to end: `vouch ingest` as an MTA pipe runs it — real binary, real
//! data dir — then the admin CLI and `vouch serve`'s outbox see the result.
//! Nothing sleeps: waits poll a condition with a deadline.

#[path = "support/binary.rs"]
mod binary;
use binary::{DEADLINE, Killed, fixture, lines_of, run_with_stdin, text, vouch_mail, wait_for};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = vouch_mail(dir);
    cmd.args(args);
    run_with_stdin(cmd, stdin)
}

fn ingest(dir: &Path, eml: &[u8]) -> Output {
    run(dir, &["ingest"], eml)
}

fn admin(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args, b"");
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn maildir_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("data/mail/new"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// `vouch serve` on `dir` with Olga as the organizer, stopped when dropped.
fn serve_with_organizer(dir: &Path) -> Killed {
    let server = vouch_mail(dir)
        .env("VOUCH_ORGANIZERS", "email:olga@acme.example")
        .args(["serve", "--poll-ms", "50"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn serve");
    Killed(server)
}

#[test]
fn dry_run_prints_the_golden_json_and_stores_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(tmp.path(), &["ingest", "--dry-run", "--json"], &fixture("gmail-forward-en.eml"));
    assert!(out.status.success(), "{}", text(&out));
    let expected: serde_json::Value = serde_json::from_slice(&fixture("gmail-forward-en.json")).expect("json");
    let mut actual: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let auth = actual.as_object_mut().and_then(|o| o.remove("auth")).expect("an auth object");
    assert_eq!(actual, expected);
    assert_eq!((auth["policy"].as_str(), auth["result"].as_str()), (Some("off"), Some("skipped")), "{auth}");
    assert!(!tmp.path().join("data").exists(), "dry run must not create the data dir");
}

#[test]
fn rejected_and_automatic_mail_get_sysexits_codes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let garbage = ingest(tmp.path(), b"To: vouch@acme.example\r\nSubject: no sender\r\n\r\nhi\r\n");
    assert_eq!(garbage.status.code(), Some(65), "{}", text(&garbage));
    let mut small_limit = vouch_mail(tmp.path());
    small_limit.env("VOUCH_EMAIL_MAX_BYTES", "100").args(["ingest", "--dry-run"]);
    let mut child =
        small_limit.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let _ = child.stdin.take().expect("stdin").write_all(&fixture("gmail-forward-en.eml"));
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(65), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the limit is 100"), "{}", text(&out));
    let bounce = ingest(tmp.path(), &fixture("dsn-bounce.eml"));
    assert!(bounce.status.success(), "{}", text(&bounce));
}

#[test]
fn forwarded_introduction_is_recorded_once_and_thanked_by_mail() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let eml = fixture("gmail-forward-en.eml");

    let first = ingest(dir, &eml);
    assert!(first.status.success(), "{}", text(&first));
    let list = admin(dir, &["referrals"]);
    assert!(list.contains("Jane Doe") && list.contains("Bob Champion"), "{list}");

    // The MTA redelivers: accepted, and nothing changes.
    let again = ingest(dir, &eml);
    assert!(again.status.success(), "{}", text(&again));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already handled"), "{}", text(&again));
    assert_eq!(admin(dir, &["referrals"]).matches("Jane Doe").count(), list.matches("Jane Doe").count());

    // With `vouch serve` holding the data dir, ingest goes through its socket.
    let mut server = vouch_mail(dir)
        .args(["serve", "--poll-ms", "50"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn serve");
    let lines = lines_of(server.stdout.take().expect("stdout"));
    let _server = Killed(server);
    let ready = lines.recv_timeout(DEADLINE).expect("serve printed nothing");
    assert!(!ready.is_empty());
    wait_for("the control socket", || dir.join("data/vouch.sock").exists());
    let cc = ingest(dir, &fixture("cc-intro-fr.eml"));
    assert_eq!(cc.status.code(), Some(0), "{}", text(&cc));
    let cc_again = ingest(dir, &fixture("cc-intro-fr.eml"));
    assert!(String::from_utf8_lossy(&cc_again.stderr).contains("already handled"), "{}", text(&cc_again));

    // Both thank-you replies reach Bob, threaded under his mails, and each
    // prospect gets one consent request.
    wait_for("two thank-you and two consent mails", || maildir_files(dir).len() >= 4);
    let mails: Vec<String> =
        maildir_files(dir).iter().map(|p| std::fs::read_to_string(p).expect("read mail")).collect();
    assert_eq!(mails.len(), 4, "{mails:?}");
    let (thanks, consent): (Vec<&String>, Vec<&String>) =
        mails.iter().partition(|m| m.contains("To: bob@partner.example"));
    assert_eq!(thanks.len(), 2, "{mails:?}");
    for mail in &thanks {
        assert!(mail.contains("Thank you for introducing"), "{mail}");
        assert!(mail.contains("Auto-Submitted: auto-replied"), "{mail}");
    }
    let en = thanks.iter().find(|m| m.contains("jane.doe@prospect.example")).expect("thanks for Jane");
    assert!(en.contains("Subject: Re: Fwd: Looking for a referral tool"), "{en}");
    assert!(en.contains("In-Reply-To: <CAF7x+gmail-en-1@mail.gmail.com>"), "{en}");
    assert!(en.contains("References: <CAF7x+gmail-en-1@mail.gmail.com>"), "{en}");
    let fr = thanks.iter().find(|m| m.contains("marc@petit.example")).expect("thanks for Marc");
    assert!(fr.contains("Subject: Re: Mise en relation") && fr.contains("In-Reply-To: <cc-fr-1@partner.example>"));
    assert_eq!(consent.len(), 2, "{mails:?}");
    for mail in &consent {
        assert!(mail.contains("would you like an introduction?") && mail.contains("introduced you to"), "{mail}");
        assert!(mail.contains("Auto-Submitted: auto-generated"), "{mail}");
        assert!(mail.contains("List-Unsubscribe: <mailto:vouch@acme.example?subject=consent%20"), "{mail}");
        assert!(mail.contains("reply with \"consent "), "{mail}");
        assert!(!mail.contains("In-Reply-To"), "a notice starts its own thread: {mail}");
    }
}

/// A command mail from `from`, with or without a Message-ID.
fn command_mail(from: &str, body: &str, message_id: Option<&str>) -> Vec<u8> {
    let id = message_id.map(|id| format!("Message-ID: <{id}>\r\n")).unwrap_or_default();
    format!(
        "From: {from}\r\nTo: vouch@acme.example\r\nSubject: \r\nDate: Mon, 2 Nov 2026 09:14:03 +0100\r\n{id}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn code_of(text: &str) -> String {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-' && w.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| panic!("no code in:\n{text}"))
        .to_string()
}

fn referrals_of(dir: &Path, name: &str) -> usize {
    admin(dir, &["referrals"]).matches(name).count()
}

fn doctor_ok(dir: &Path) {
    let out = run(dir, &["doctor"], b"");
    assert!(out.status.success(), "the store is consistent: {}", text(&out));
}

/// The same mail twice has one effect, keyed by its Message-ID or, without
/// one, by a hash of its bytes; a redeem that arrives before the code it
/// names exists is refused cleanly and stays refused when redelivered.
#[test]
fn a_command_mail_delivered_twice_or_early_has_one_effect() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();

    // Reordered: Dana's redeem arrives before anyone was given that code.
    let early = command_mail("Dana <dana@x.example>", "redeem K7M2-QX9P", Some("early-1@x.example"));
    let out = ingest(dir, &early);
    assert!(out.status.success(), "a refusal is still accepted mail: {}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error/unknown_code"), "{}", text(&out));
    assert_eq!(referrals_of(dir, "Dana"), 0);
    doctor_ok(dir);

    let out = run(dir, &["chat", "--as", "email:ann@y.example"], b"code\n");
    let code = code_of(&String::from_utf8_lossy(&out.stdout));
    let again = ingest(dir, &early);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already handled"), "{}", text(&again));

    // With a Message-ID: the second delivery changes nothing.
    let redeem = command_mail("Bob <bob@z.example>", &format!("redeem {code}"), Some("redeem-1@z.example"));
    for _ in 0..2 {
        let out = ingest(dir, &redeem);
        assert!(out.status.success(), "{}", text(&out));
    }
    assert_eq!(referrals_of(dir, "→ Bob"), 1);

    // Without one: the content hash is the key.
    let no_id = command_mail("Cleo <cleo@z.example>", &format!("redeem {code}"), None);
    let first = ingest(dir, &no_id);
    assert!(first.status.success(), "{}", text(&first));
    let second = ingest(dir, &no_id);
    assert!(String::from_utf8_lossy(&second.stderr).contains("already handled"), "{}", text(&second));
    assert_eq!(referrals_of(dir, "→ Cleo"), 1);

    // A different mail saying the same thing is a new delivery: the rules,
    // not the dedupe, refuse a second redemption.
    let resent = command_mail("Cleo <cleo@z.example>", &format!("redeem {code}"), Some("redeem-2@z.example"));
    let out = ingest(dir, &resent);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("already handled"), "{}", text(&out));
    assert_eq!(referrals_of(dir, "→ Cleo"), 1);
    doctor_ok(dir);
}

/// The "ideal introduction in reverse" end to end: an organizer asks a
/// partner from the CLI; the partner's Outlook reply, threaded under vouch's
/// mail, reaches the organizer (quote cut) and the partner is thanked.
#[test]
fn a_partners_reply_to_the_reverse_introduction_reaches_the_organizers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let _server = serve_with_organizer(dir);
    wait_for("the control socket", || dir.join("data/vouch.sock").exists());
    let asked = admin(dir, &["ask-partner", "dana@partner.example", "Dana", "Lee"]);
    assert!(asked.contains("Sent Dana Lee (dana@partner.example)"), "{asked}");

    let mail_to = |to: &str| {
        maildir_files(dir)
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("read mail"))
            .filter(|m| m.contains(&format!("To: {to}")))
            .collect::<Vec<_>>()
    };
    wait_for("the question to Dana", || !mail_to("dana@partner.example").is_empty());
    let question = mail_to("dana@partner.example").remove(0);
    assert!(question.contains("Subject: How can we best refer clients to you?"), "{question}");
    let id_line = question.lines().find(|l| l.starts_with("Message-ID: ")).expect("a Message-ID");
    let message_id = id_line.trim_start_matches("Message-ID: ").trim();

    let eml = String::from_utf8(fixture("reply-partner-answer-outlook.eml")).expect("utf-8");
    let eml = eml.replace("<vouch.outbox.77@acme.example>", message_id);
    let out = ingest(dir, eml.as_bytes());
    assert!(out.status.success(), "{}", text(&out));
    wait_for("the answer to Olga and the thanks to Dana", || {
        !mail_to("olga@acme.example").is_empty() && mail_to("dana@partner.example").len() == 2
    });
    let profile = mail_to("olga@acme.example").remove(0);
    assert!(profile.contains("Finance leads at B2B software companies"), "{profile}");
    assert!(!profile.contains("Original Message"), "the quote is cut: {profile}");
    let thanks = mail_to("dana@partner.example").into_iter().find(|m| m.contains("Thank you, Dana")).expect("thanks");
    assert!(thanks.contains("In-Reply-To: <DB9PR01MB0001@partner.example>"), "{thanks}");
}

/// The wish list end to end: an organizer lists a company from the CLI, a
/// champion forwards an introduction of someone there, and the wish is met:
/// the champion's thank-you says so and the organizer is mailed.
#[test]
fn a_forwarded_introduction_meets_a_wish_on_the_list() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let run_as = |organizers: &str, args: &[&str], stdin: &[u8]| {
        let mut cmd = vouch_mail(dir);
        cmd.env("VOUCH_ORGANIZERS", organizers).args(args);
        run_with_stdin(cmd, stdin)
    };
    let added = run_as("email:olga@acme.example", &["wish", "add", "Prospect", "Industries", "prospect.example"], b"");
    assert!(String::from_utf8_lossy(&added.stdout).contains("Added A1: Prospect Industries"), "{}", text(&added));
    let out = run_as("email:olga@acme.example", &["ingest"], &fixture("gmail-forward-en.eml"));
    assert!(out.status.success(), "{}", text(&out));
    let wishes = admin(dir, &["wishes"]);
    assert!(wishes.contains("A1 Prospect Industries — introduced by Bob Champion (R1)"), "{wishes}");

    let _server = serve_with_organizer(dir);
    let mails = || -> Vec<String> {
        maildir_files(dir).iter().map(|p| std::fs::read_to_string(p).expect("read mail")).collect()
    };
    wait_for("the wish notice to Olga", || mails().iter().any(|m| m.contains("Subject: A wish came true")));
    let notice = mails().into_iter().find(|m| m.contains("Subject: A wish came true")).expect("notice");
    assert!(notice.contains("To: olga@acme.example"), "{notice}");
    wait_for("the thank-you to Bob", || mails().iter().any(|m| m.contains("To: bob@partner.example")));
    let thanks = mails().into_iter().find(|m| m.contains("To: bob@partner.example")).expect("thanks");
    assert!(thanks.contains("was on our wish list"), "{thanks}");
}
