//! Calendar files: golden files under `tests/fixtures/ics` (rewrite with
//! `VOUCH_BLESS=1`) and validation of every one by a real parser, Python's
//! `icalendar` (installed by `scripts/test`).

use std::path::PathBuf;
use std::process::Command;

use chrono::{NaiveDateTime, TimeZone, Utc};
use vouch_core::ics::{self, Attendee, Entry, Method, Person};
use vouch_store::{Audience, DEFAULT_REMINDERS, Event, EventId, EventKind, MemberId, Recurrence, RsvpStatus, Timezone};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/ics")
}

fn event(id: u64, local: &str, zone: &str, recurrence: Recurrence) -> Event {
    let timezone = Timezone::parse(zone).expect("zone");
    let start = timezone.to_utc(NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("time"));
    let created = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).single().expect("time");
    Event {
        id: EventId(id),
        kind: EventKind::Lunch,
        title: "Referral lunch".into(),
        agenda: String::new(),
        expert: None,
        location: None,
        start,
        timezone,
        duration_minutes: 90,
        recurrence,
        capacity: Some(8),
        plus_ones: 1,
        audience: Audience::Everyone,
        rsvp_deadline: None,
        reminders: DEFAULT_REMINDERS.to_vec(),
        uid: format!("event-{id}-1795435200@vouch"),
        uid_per_attendee: false,
        sequence: 0,
        cancelled: false,
        skipped: Vec::new(),
        organizer: MemberId(1),
        created_at: created,
        updated_at: created,
    }
}

fn organizer() -> Person {
    Person { name: "Acme Community".into(), address: "mailto:events@acme.example".into() }
}

fn attendee(name: &str, email: &str, status: RsvpStatus) -> Attendee {
    Attendee { person: Person { name: name.into(), address: format!("mailto:{email}") }, status }
}

/// Occurrence starts (UTC) of each series in the golden files, as vouch computes them.
fn series_occurrences() -> Vec<(String, Vec<String>)> {
    let mut mastermind = event(2, "2026-01-15 18:00", "Europe/Bucharest", Recurrence::MonthlyByDay);
    mastermind.skipped = vec![mastermind.nth_occurrence(7).expect("August")];
    let club = event(3, "2026-01-13 08:30", "America/New_York", Recurrence::MonthlyByWeekday);
    let board = event(4, "2026-01-20 16:00", "Europe/Bucharest", Recurrence::Quarterly);
    [mastermind, club, board]
        .iter()
        .map(|e| {
            let starts = (0..40)
                .filter_map(|k| e.nth_occurrence(k))
                .filter(|t| !e.skipped.contains(t))
                .take(12)
                .map(|t| t.format("%Y%m%dT%H%MZ").to_string())
                .collect();
            (e.uid.clone(), starts)
        })
        .collect()
}

/// Each golden case: file name and calendar text.
fn cases() -> Vec<(&'static str, String)> {
    let mut lunch = event(1, "2026-12-03 12:30", "Europe/Bucharest", Recurrence::None);
    lunch.location = Some("Café Verona; Str. Arthur Verona 13, Bucharest".into());
    lunch.agenda = "Welcome, introductions\nThank-yous: who referred whom".into();
    let one_off = ics::calendar(
        Method::Request,
        &[Entry {
            event: &lunch,
            uid: lunch.uid.clone(),
            organizer: organizer(),
            attendees: vec![attendee("Ana \"the connector\" Pop", "ana@example.org", RsvpStatus::Invited)],
            skips: Vec::new(),
            recurrence_id: None,
            words: Default::default(),
        }],
        lunch.updated_at,
    );

    let mut mastermind = event(2, "2026-01-15 18:00", "Europe/Bucharest", Recurrence::MonthlyByDay);
    mastermind.kind = EventKind::Mastermind;
    mastermind.title = "Monthly referral mastermind".into();
    mastermind.agenda = EventKind::Mastermind.default_agenda().into();
    mastermind.location = Some("https://meet.example/mastermind".into());
    mastermind.sequence = 3;
    mastermind.skipped = vec![mastermind.nth_occurrence(7).expect("August")];
    let series = ics::calendar(
        Method::Request,
        &[Entry {
            event: &mastermind,
            uid: mastermind.uid.clone(),
            organizer: organizer(),
            attendees: vec![attendee("Bo", "bo@example.org", RsvpStatus::Yes)],
            skips: Vec::new(),
            recurrence_id: None,
            words: Default::default(),
        }],
        mastermind.updated_at,
    );

    let mut club = event(3, "2026-01-13 08:30", "America/New_York", Recurrence::MonthlyByWeekday);
    club.kind = EventKind::ExpertClub;
    club.title = "Expert club breakfast, with a guest".into();
    club.expert = Some("Dr. Dana Reyes, tax law".into());
    let mut board = event(4, "2026-01-20 16:00", "Europe/Bucharest", Recurrence::Quarterly);
    board.kind = EventKind::AdvisoryBoard;
    board.title = "Quarterly advisory board".into();
    let feed = ics::calendar(
        Method::Publish,
        &[
            Entry {
                event: &club,
                uid: club.uid.clone(),
                organizer: organizer(),
                attendees: vec![attendee("Cy", "cy@example.org", RsvpStatus::Maybe)],
                skips: Vec::new(),
                recurrence_id: None,
                words: Default::default(),
            },
            Entry {
                event: &board,
                uid: board.uid.clone(),
                organizer: organizer(),
                attendees: vec![attendee("Cy", "cy@example.org", RsvpStatus::Yes)],
                skips: Vec::new(),
                recurrence_id: None,
                words: Default::default(),
            },
        ],
        club.updated_at,
    );

    let mut cancelled = lunch.clone();
    cancelled.cancelled = true;
    cancelled.sequence = 2;
    let cancel = ics::calendar(
        Method::Cancel,
        &[Entry {
            event: &cancelled,
            uid: cancelled.uid.clone(),
            organizer: organizer(),
            attendees: vec![attendee("Ana Pop", "ana@example.org", RsvpStatus::Yes)],
            skips: Vec::new(),
            recurrence_id: None,
            words: Default::default(),
        }],
        cancelled.updated_at,
    );
    // A member's feed with a date they skip (EXDATE beside the organizer's)
    // and, of a series they don't come to, one date they took a seat for.
    let mut skipping = mastermind.clone();
    skipping.sequence = 0;
    let december = skipping.nth_occurrence(11).expect("December");
    let march = club.nth_occurrence(2).expect("March");
    let exceptions = ics::calendar(
        Method::Publish,
        &[
            Entry {
                event: &skipping,
                uid: skipping.uid.clone(),
                organizer: organizer(),
                attendees: vec![attendee("Bo", "bo@example.org", RsvpStatus::Yes)],
                skips: vec![december],
                recurrence_id: None,
                words: Default::default(),
            },
            Entry {
                event: &club,
                uid: club.uid.clone(),
                organizer: organizer(),
                attendees: vec![attendee("Bo", "bo@example.org", RsvpStatus::Yes)],
                skips: Vec::new(),
                recurrence_id: Some(march),
                words: Default::default(),
            },
        ],
        skipping.updated_at,
    );
    vec![
        ("member_feed_exceptions.ics", exceptions),
        ("one_off_request.ics", one_off),
        ("monthly_series_request.ics", series),
        ("member_feed_publish.ics", feed),
        ("one_off_cancel.ics", cancel),
    ]
}

#[test]
fn calendars_match_their_golden_files() {
    let bless = std::env::var_os("VOUCH_BLESS").is_some();
    for (name, text) in cases() {
        assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'), "{name}: CRLF only");
        assert!(text.split("\r\n").all(|l| l.len() <= 75), "{name}: lines are folded at 75 octets");
        let path = fixtures().join(name);
        if bless {
            std::fs::write(&path, &text).expect("write golden file");
            continue;
        }
        let golden = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (VOUCH_BLESS=1 writes it)", path.display()));
        assert_eq!(text, golden, "{name} changed; rerun with VOUCH_BLESS=1 if intended");
    }
}

#[test]
fn series_are_in_local_time_with_a_vtimezone_and_one_offs_in_utc() {
    let cases = cases();
    let text = |name: &str| cases.iter().find(|(n, _)| *n == name).map(|(_, t)| t.clone()).expect("case");
    let one_off = text("one_off_request.ics");
    assert!(one_off.contains("DTSTART:20261203T103000Z") && !one_off.contains("VTIMEZONE"), "{one_off}");
    assert!(one_off.contains("LOCATION:Café Verona\\; Str. Arthur Verona 13\\, Bucharest"), "{one_off}");
    let series = text("monthly_series_request.ics");
    for needle in [
        "METHOD:REQUEST",
        "BEGIN:VTIMEZONE",
        "DTSTART;TZID=Europe/Bucharest:20260115T180000",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=15",
        "EXDATE;TZID=Europe/Bucharest:20260815T180000",
        "SEQUENCE:3",
        "PARTSTAT=ACCEPTED",
    ] {
        assert!(series.contains(needle), "missing {needle} in:\n{series}");
    }
    let feed = text("member_feed_publish.ics");
    assert_eq!(feed.matches("BEGIN:VTIMEZONE").count(), 2, "one per zone: {feed}");
    assert!(
        feed.contains("RRULE:FREQ=MONTHLY;BYDAY=2TU") && feed.contains("RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=20")
    );
}

const VALIDATE: &str = r#"
import sys, pathlib, datetime, itertools
import icalendar
from dateutil.rrule import rrulestr
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.ics")):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert cal.get("VERSION") == "2.0" and cal.get("PRODID") and cal.get("METHOD"), path
    zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    events = cal.walk("VEVENT")
    assert events, path
    for ev in events:
        for key in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY", "ORGANIZER"):
            assert ev.get(key) is not None, (path, key)
        start = ev.decoded("DTSTART")
        assert isinstance(start, datetime.datetime) and start.tzinfo is not None, (path, start)
        tzid = ev["DTSTART"].params.get("TZID")
        if ev.get("RRULE"):
            assert tzid in zones, (path, "a series needs its VTIMEZONE", tzid)
        elif ev.get("RECURRENCE-ID") is not None:
            # One date of a series: in the series' zone, named by its start.
            assert tzid in zones, (path, "an occurrence needs its VTIMEZONE", tzid)
            assert ev.decoded("RECURRENCE-ID") == start, (path, "RECURRENCE-ID is the occurrence's start")
            print("ONE", str(ev["UID"]), start.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%MZ"))
        else:
            assert tzid is None and start.utcoffset() == datetime.timedelta(0), (path, "one-offs are UTC")
        for a in ev.get("ATTENDEE") if isinstance(ev.get("ATTENDEE"), list) else [ev.get("ATTENDEE")]:
            assert a.params["RSVP"] == "TRUE" and a.params["PARTSTAT"], (path, a.params)
        if ev.get("RRULE"):
            # An independent expansion (dateutil, in the VTIMEZONE-resolved zone).
            exdates = set()
            ex = ev.get("EXDATE")
            for group in (ex if isinstance(ex, list) else [ex] if ex is not None else []):
                exdates.update(d.dt for d in group.dts)
            rule = rrulestr(ev["RRULE"].to_ical().decode(), dtstart=start)
            starts = [o for o in itertools.islice(rule, 20) if o not in exdates][:12]
            utc = datetime.timezone.utc
            print("OCC", str(ev["UID"]), ",".join(o.astimezone(utc).strftime("%Y%m%dT%H%MZ") for o in starts))
    print(path.name, len(events), str(events[0]["SUMMARY"]), events[0].decoded("DTSTART").isoformat())
"#;

#[test]
fn a_real_parser_reads_every_golden_file() {
    let ok = Command::new("python3").args(["-c", "import icalendar"]).status().is_ok_and(|s| s.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "CI must have Python's icalendar (scripts/test installs it)");
        eprintln!("skipped: python3 with the icalendar module is not installed (scripts/test installs it)");
        return;
    }
    let out = Command::new("python3").args(["-c", VALIDATE]).arg(fixtures()).output().expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // The parser resolves local times through the VTIMEZONE: 18:00 in Bucharest in January is UTC+2.
    assert!(
        stdout.contains("monthly_series_request.ics 1 Monthly referral mastermind 2026-01-15T18:00:00+02:00"),
        "{stdout}"
    );
    assert!(stdout.contains("one_off_request.ics 1 Referral lunch 2026-12-03T10:30:00+00:00"), "{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.ends_with(".ics") || l.contains(".ics ")).count(), 5, "{stdout}");
    // A member's own skip is an EXDATE (August is the organizer's, December hers) and
    // a one-date seat is the series' 2nd Tuesday of March, 08:30 New York (EDT, UTC-4).
    assert!(
        stdout.lines().any(|l| l.starts_with("OCC event-2-1795435200@vouch ")
            && l.contains("20260715T1500Z,20260915T1500Z")
            && !l.contains("20261215T")),
        "{stdout}"
    );
    assert!(stdout.contains("ONE event-3-1795435200@vouch 20260310T1230Z"), "{stdout}");
    // Python's expansion of each RRULE (+EXDATE) in its zone matches vouch's DST-aware occurrences.
    for (uid, starts) in series_occurrences() {
        let line = format!("OCC {uid} {}", starts.join(","));
        assert!(stdout.lines().any(|l| l == line), "expected\n{line}\nin:\n{stdout}");
    }
}
