//! Events end to end: the CLI (offline, then through `serve`'s control
//! socket), invitations as mail with a calendar, the waitlist, a reminder
//! from the scheduler inside `serve`, and cancellation mail.

#[path = "support/binary.rs"]
mod binary;
use binary::{stdout_ok, vouch, wait_for};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

fn admin(dir: &Path, args: &[&str]) -> String {
    stdout_ok(&vouch(dir).args(args).stdin(Stdio::null()).output().expect("run vouch"))
}

/// A command the engine refuses: exit 65 (EX_DATAERR), the reason on stdout.
fn admin_refused(dir: &Path, args: &[&str]) -> String {
    let out = vouch(dir).args(args).stdin(Stdio::null()).output().expect("run vouch");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(65), "{args:?} should be refused: {text}");
    text
}

fn chat(dir: &Path, who: &str, line: &str) -> String {
    use std::io::Write;
    let mut child = vouch(dir)
        .args(["chat", "--as", who])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn chat");
    child.stdin.take().expect("stdin").write_all(format!("{line}\n").as_bytes()).expect("write");
    stdout_ok(&child.wait_with_output().expect("chat output"))
}

/// Pipes one message to `vouch ingest`, which must accept it.
fn ingest(dir: &Path, eml: &str) -> String {
    let mut cmd = vouch(dir);
    // Sender authentication (no DNS here) is tested in tests/mail_trust.rs;
    // a calendar reply proves itself by its UID either way.
    cmd.env("VOUCH_MAIL_AUTH", "off").arg("ingest");
    stdout_ok(&binary::run_with_stdin(cmd, eml.as_bytes()))
}

fn mails(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("data/mail/new"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).collect()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn organizers_script_events_from_the_cli_offline_and_through_serve() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let created = admin(
        dir,
        &[
            "event",
            "create",
            "--kind",
            "mastermind",
            "--title",
            "Monthly mastermind",
            "--start",
            "2027-01-14 18:00",
            "--tz",
            "Europe/Bucharest",
            "--every",
            "month",
            "--capacity",
            "2",
            "--duration",
            "90m",
            "--expert",
            "Dana Reyes",
        ],
    );
    let id = created.trim_end().lines().last().expect("a last line").to_string();
    assert_eq!(id, "E1", "{created}");

    let invited = admin(dir, &["event", "invite", "E1", "alice", "bob", "carol", "email:dan@example.org"]);
    assert!(invited.contains("alice, bob, carol, dan"), "{invited}");
    assert!(admin(dir, &["rsvp", "E1", "alice", "yes"]).contains("Noted for alice: yes"));
    assert!(admin(dir, &["rsvp", "E1", "bob", "yes"]).contains("Noted for bob: yes"));
    let full = admin(dir, &["rsvp", "E1", "carol", "yes"]);
    assert!(full.contains("carol is on the waitlist: number 1 in line"), "{full}");
    let shown = admin(dir, &["event", "show", "E1"]);
    for needle in [
        "Monthly mastermind (E1, mastermind)",
        "Thu 14 Jan 2027, 18:00 EET",
        "Seats: 2 of 2",
        "Coming (2): alice, bob",
        "Waitlist, in order: 1. carol",
        "No answer yet: dan",
    ] {
        assert!(shown.contains(needle), "missing {needle:?} in:\n{shown}");
    }
    // The room can't shrink below who is coming; it can grow.
    let refused = admin_refused(dir, &["event", "edit", "E1", "--capacity", "1"]);
    assert!(refused.contains("2 seats are already taken"), "{refused}");
    assert!(admin(dir, &["event", "show", "E1"]).contains("Seats: 2 of 2"));
    let ics = admin(dir, &["ics", "E1"]);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"), "{ics:?}");
    assert!(ics.contains("DTSTART;TZID=Europe/Bucharest:20270114T180000\r\n"), "{ics}");
    assert!(ics.contains("RRULE:FREQ=MONTHLY;BYMONTHDAY=14\r\n"));
    let feed = admin(dir, &["ics", "--member", "alice"]);
    assert!(feed.contains("METHOD:PUBLISH") && feed.contains("PARTSTAT=ACCEPTED"), "{feed}");
    // dan presses Accept in his calendar: the iMIP REPLY arrives by mail and
    // becomes his rsvp — for the UID of his own invitation only. Event UIDs
    // are guessable; each attendee's carries a tag signed for them, so a
    // reply with a UID from someone else's calendar answers nothing.
    let uid_of = |ics: &str| ics.lines().find_map(|l| l.strip_prefix("UID:")).expect("a UID").trim().to_string();
    let someone_elses = uid_of(&ics);
    let dans_feed = admin(dir, &["ics", "--member", "email:dan@example.org"]);
    let uid = uid_of(&dans_feed);
    assert_ne!(uid, someone_elses, "each calendar has its own UID");
    let forged = format!(
        "From: Dan <dan@example.org>\r\nTo: vouch@acme.example\r\nSubject: Accepted: Monthly mastermind\r\n\
         Message-ID: <imip-0@example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n\
         BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{someone_elses}\r\n\
         DTSTAMP:20261124T080000Z\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:dan@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let ignored = binary::run_with_stdin(
        {
            let mut cmd = vouch(dir);
            cmd.env("VOUCH_MAIL_AUTH", "off").arg("ingest");
            cmd
        },
        forged.as_bytes(),
    );
    assert!(String::from_utf8_lossy(&ignored.stderr).contains("not acted on"), "{ignored:?}");
    assert!(admin(dir, &["attendees", "E1"]).contains("No answer yet: dan"), "a borrowed UID answered for dan");
    let reply = format!(
        "From: Dan <dan@example.org>\r\nTo: vouch@acme.example\r\nSubject: Accepted: Monthly mastermind\r\n\
         Message-ID: <imip-1@example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n\
         BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20261124T080000Z\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:dan@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    ingest(dir, &reply);
    let shown = admin(dir, &["attendees", "E1"]);
    assert!(shown.contains("Waitlist, in order: 1. carol, 2. Dan"), "{shown}");

    let refused = admin_refused(dir, &["rsvp", "E9", "alice", "yes"]);
    assert!(refused.contains("There's no event E9"), "{refused}");

    // An event starting an hour and a few seconds from now: its 1-hour reminder is due in seconds.
    // (A reminder already past when the event is created is not scheduled, so
    // the margin covers a slow process start on a loaded machine.)
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(3610)).format("%Y-%m-%d %H:%M:%S").to_string();
    let webinar = admin(
        dir,
        &[
            "event",
            "create",
            "--kind",
            "webinar",
            "--title",
            "Tax webinar",
            "--start",
            &soon,
            "--tz",
            "UTC",
            "--reminders",
            "1h",
        ],
    );
    assert!(webinar.trim_end().ends_with("E2"), "{webinar}");
    admin(dir, &["event", "invite", "E2", "email:dan@example.org"]);
    admin(dir, &["rsvp", "E2", "email:dan@example.org", "yes"]);

    let mut server = vouch(dir)
        .args(["serve", "--poll-ms", "50", "--backup-hours", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn serve");
    let out = BufReader::new(server.stdout.take().expect("stdout"));
    let _server = Server(server);
    let mut lines = out.lines();
    wait_for("serve to listen", || lines.next().is_some_and(|l| l.is_ok_and(|l| l.contains("control socket"))));

    // dan's invitations went out as mail with the calendar inline and attached.
    wait_for("two invitations to dan", || mails(dir).len() >= 2);
    let invite = mails(dir).into_iter().find(|m| m.contains("Monthly mastermind")).expect("the mastermind invite");
    assert!(invite.contains("To: dan@example.org"), "{invite}");
    assert!(invite.to_ascii_lowercase().contains("content-type: text/calendar; method=request"), "{invite}");
    assert!(invite.contains("invite.ics"), "{invite}");

    // The scheduler in serve sends the webinar reminder.
    wait_for("the webinar reminder", || mails(dir).iter().any(|m| m.contains("Reminder: Tax webinar in an hour")));

    // Through the control socket: alice declines, carol is offered her seat.
    assert!(admin(dir, &["rsvp", "E1", "alice", "no"]).contains("Noted for alice: no"));
    let carol = chat(dir, "carol", "events mine");
    assert!(carol.contains("a seat opened up at Monthly mastermind"), "{carol}");
    assert!(chat(dir, "carol", "rsvp E1 yes").contains("You're in for Monthly mastermind"));

    // Cancelling tells everyone who hadn't declined; dan's calendar gets a CANCEL.
    let cancelled = admin(dir, &["event", "cancel", "E1"]);
    assert!(cancelled.contains("Cancelled Monthly mastermind"), "{cancelled}");
    wait_for("the cancellation mail", || mails(dir).iter().any(|m| m.contains("METHOD:CANCEL")));
    let cancel = mails(dir).into_iter().find(|m| m.contains("METHOD:CANCEL")).expect("cancel mail");
    assert!(cancel.contains("Subject: Cancelled: Monthly mastermind"), "{cancel}");
    assert!(cancel.contains("STATUS:CANCELLED"), "{cancel}");
    let bob = chat(dir, "bob", "help");
    assert!(bob.contains("is cancelled"), "bob's console notice: {bob}");
}

/// One date of a series through the binary: a skip (typed, then by an iMIP
/// "decline this event only"), a one-off seat from the waitlist, the date's
/// list, and the members' feeds (EXDATE, RECURRENCE-ID).
#[test]
fn one_date_of_a_series_skips_one_off_seats_and_feeds() {
    use chrono::Datelike;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    // The 10th of a month at least a month ahead, then the two after it.
    let base = chrono::Utc::now().date_naive() + chrono::Duration::days(40);
    let first = chrono::NaiveDate::from_ymd_opt(base.year(), base.month(), 10).expect("a 10th");
    let month = |n: u32| first.checked_add_months(chrono::Months::new(n)).expect("a month later");
    let (d2, d3) = (month(1), month(2));
    let compact = |d: chrono::NaiveDate| d.format("%Y%m%d").to_string();
    let start = format!("{first} 18:00");
    let created = admin(
        dir,
        &["event", "create", "--kind", "mastermind", "--title", "Mastermind", "--start", &start]
            .into_iter()
            .chain(["--tz", "Europe/Bucharest", "--every", "month", "--capacity", "3"])
            .collect::<Vec<_>>(),
    );
    assert!(created.trim_end().ends_with("E1"), "{created}");
    admin(dir, &["event", "invite", "E1", "alice", "bob", "carol", "email:dan@example.org"]);
    for who in ["alice", "bob", "email:dan@example.org"] {
        assert!(admin(dir, &["rsvp", "E1", who, "yes"]).contains(": yes"));
    }
    assert!(admin(dir, &["rsvp", "E1", "carol", "yes"]).contains("number 1 in line"));

    // alice skips the second date; carol, waiting for the series, takes that seat once.
    let skipped = admin(dir, &["rsvp", "E1", "alice", "no", &d2.to_string()]);
    assert!(skipped.contains("Noted for alice") && skipped.contains("skipping this date"), "{skipped}");
    let carol = chat(dir, "carol", "events mine");
    assert!(carol.contains(&format!("rsvp E1 yes {d2}")), "carol is offered the date: {carol}");
    let took = chat(dir, "carol", &format!("rsvp E1 yes {d2}"));
    assert!(took.contains("this date only"), "{took}");
    let shown = admin(dir, &["attendees", "E1", &d2.to_string()]);
    for needle in ["carol (this date only)", "Skipping this date: alice", "Seats: 3 of 3"] {
        assert!(shown.contains(needle), "missing {needle:?} in:\n{shown}");
    }
    let bad = admin_refused(dir, &["rsvp", "E1", "alice", "no", &format!("{}", first + chrono::Duration::days(1))]);
    assert!(bad.contains("doesn't meet") && bad.contains(&first.to_string()), "{bad}");

    // dan declines only the third date in his calendar app (iMIP REPLY with RECURRENCE-ID).
    let ics = admin(dir, &["ics", "--member", "email:dan@example.org"]);
    let uid = ics.lines().find_map(|l| l.strip_prefix("UID:")).expect("a UID").trim().to_string();
    let reply = format!(
        "From: Dan <dan@example.org>\r\nTo: vouch@acme.example\r\nSubject: Declined: Mastermind\r\n\
         Message-ID: <imip-one-date@example.org>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n\
         BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         RECURRENCE-ID;TZID=Europe/Bucharest:{}T180000\r\nDTSTAMP:20261124T080000Z\r\n\
         ATTENDEE;PARTSTAT=DECLINED:mailto:dan@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        compact(d3)
    );
    ingest(dir, &reply);
    let third = admin(dir, &["attendees", "E1", &d3.to_string()]);
    assert!(third.contains("Skipping this date: Dan"), "{third}");
    assert!(admin(dir, &["attendees", "E1"]).contains("Coming (3): alice, bob, Dan"), "the next date is as before");

    // Feeds: alice's series leaves out her date; carol's one date is its own VEVENT.
    let alice = admin(dir, &["ics", "--member", "alice"]);
    assert!(alice.contains(&format!("EXDATE;TZID=Europe/Bucharest:{}T180000", compact(d2))), "{alice}");
    let carol = admin(dir, &["ics", "--member", "carol"]);
    assert!(carol.contains(&format!("RECURRENCE-ID;TZID=Europe/Bucharest:{}T180000", compact(d2))), "{carol}");
    assert_eq!(carol.matches("BEGIN:VEVENT").count(), 2, "the series (waiting) and her date: {carol}");
    let dan = admin(dir, &["ics", "--member", "email:dan@example.org"]);
    assert!(dan.contains(&format!("EXDATE;TZID=Europe/Bucharest:{}T180000", compact(d3))), "{dan}");
}
