//! Events: creation, invitations with buttons and calendars, capacity and
//! the waitlist, refusals, and the scheduler driven by the manual clock.

use chrono::Duration;
use vouch_store::{EventId, OutboxMessage, Read, RsvpStatus};

use super::*;

impl World {
    /// olga (organizer) creates an event; returns its id from the reply's last line.
    fn create_event(&self, settings: &str) -> EventId {
        let text = self.expect("olga", &format!("event create {settings}"), "reply/event_created", &["Scheduled"]);
        text.lines()
            .last()
            .expect("a last line")
            .parse()
            .unwrap_or_else(|e| panic!("id on the last line: {e:?}\n{text}"))
    }

    fn notices(&self, template: &str) -> Vec<OutboxMessage> {
        let all = self.store().outbox_messages().expect("scan outbox");
        all.into_iter().filter(|m| m.template == template).collect()
    }

    fn status(&self, event: EventId, who: &str) -> RsvpStatus {
        let rsvp = self.store().rsvp(event, self.member(who).id).expect("read");
        rsvp.unwrap_or_else(|| panic!("{who} has an answer")).status
    }

    fn run_due(&self) -> usize {
        self.engine.run_due(self.engine.now()).expect("run due")
    }
}

/// 2026-11-23 12:00 UTC is the clock's start; this is ten days later, Bucharest time.
const LUNCH: &str = "kind=lunch title=\"Referral lunch\" start=\"2026-12-03 12:30\" tz=Europe/Bucharest";

#[test]
fn an_organizer_creates_an_event_and_members_cannot() {
    let w = World::with_organizer();
    w.expect("alice", &format!("event create {LUNCH}"), "error/not_allowed", &["organizer"]);
    let id = w.create_event(&format!("{LUNCH} capacity=8 duration=2h"));
    let event = w.store().event(id).expect("read").expect("stored");
    assert_eq!(event.start.format("%Y-%m-%d %H:%M").to_string(), "2026-12-03 10:30", "12:30 EET is 10:30 UTC");
    assert_eq!((event.capacity, event.duration_minutes, event.sequence), (Some(8), 120, 0));
    w.expect(
        "olga",
        &format!("event show {id}"),
        "reply/event_details",
        &["Referral lunch", "Thu 3 Dec 2026, 12:30 EET", "Seats: 0 of 8"],
    );
    // A mastermind gets the default agenda.
    let mm =
        w.create_event("kind=mastermind title=Mastermind start=\"2026-12-10 18:00\" tz=Europe/Bucharest every=month");
    w.expect("alice", &format!("agenda {mm}"), "reply/agenda", &["Wins", "Asks", "Introductions made", "Commitments"]);
    // Settings are checked, and a refused create stores nothing.
    w.expect("olga", "event create title=X start=\"2020-01-01 10:00\"", "error/invalid_setting", &["passed"]);
    w.expect("olga", "event create title=X start=tomorrow", "error/invalid_setting", &["YYYY-MM-DD HH:MM"]);
    w.expect("olga", &format!("event create {LUNCH} tz=Mars/Base"), "error/invalid_setting", &["IANA"]);
    w.expect("olga", &format!("event create {LUNCH} colour=red"), "error/invalid_setting", &["colour"]);
    assert_eq!(w.store().events().expect("scan").len(), 2);
}

#[test]
fn invitations_carry_rsvp_buttons_and_a_calendar_request() {
    let w = World::with_organizer();
    w.expect("alice", "timezone America/New_York", "reply/timezone", &["America/New_York"]);
    let id = w.create_event(LUNCH);
    w.expect("olga", &format!("event invite {id} alice bob"), "reply/event_invited", &["alice, bob"]);
    w.expect("olga", &format!("event invite {id} alice"), "reply/event_invited", &["Already invited: alice"]);
    let invites = w.notices("notice/event_invite");
    assert_eq!(invites.len(), 2);
    let alice = &invites[0];
    let commands: Vec<&str> = alice.actions.iter().map(|a| a.command.as_str()).collect();
    assert_eq!(commands, [format!("rsvp {id} yes"), format!("rsvp {id} no"), format!("rsvp {id} maybe")]);
    let ics = &alice.attachments[0];
    assert_eq!(ics.content_type, "text/calendar; method=REQUEST; charset=UTF-8");
    has(
        &ics.content,
        &["METHOD:REQUEST", "SEQUENCE:0", "DTSTART:20261203T103000Z", "PARTSTAT=NEEDS-ACTION", "RSVP=TRUE"],
    );
    // alice reads the time in her own zone, bob in the event's.
    let text = w.renderer.render_template("en", &alice.template, &alice.data, Format::Plain).expect("renders");
    has(&text, &["Thu 3 Dec 2026, 05:30 EST"]);
    let bob = &invites[1];
    has(&w.renderer.render_template("en", &bob.template, &bob.data, Format::Plain).expect("renders"), &["12:30 EET"]);
    // Pressing a button runs the command as the presser.
    w.expect("bob", &format!("rsvp {id} yes"), "reply/rsvp", &["You're in for Referral lunch"]);
    assert_eq!(w.status(id, "bob"), RsvpStatus::Yes);
    w.expect("bob", "events mine", "reply/events", &["Referral lunch", "you: coming"]);
}

#[test]
fn capacity_counts_plus_ones_and_the_waitlist_is_promoted_in_order() {
    let w = World::with_organizer();
    let id = w.create_event(&format!("{LUNCH} capacity=3 plus-ones=1"));
    w.expect("olga", &format!("event invite {id} alice bob carol dave erin"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes +1"), "reply/rsvp", &["with 1 guest"]);
    w.expect("bob", &format!("rsvp {id} yes"), "reply/rsvp", &["You're in"]);
    w.expect(
        "bob",
        &format!("rsvp {id} yes +1"),
        "error/no_room_for_guests",
        &["room for 0 guests", "kept your answer"],
    );
    assert_eq!(w.status(id, "bob"), RsvpStatus::Yes, "bob keeps his seat");
    w.expect("carol", &format!("rsvp {id} yes"), "reply/rsvp_waitlisted", &["number 1 in line"]);
    w.expect("dave", &format!("rsvp {id} yes"), "reply/rsvp_waitlisted", &["number 2 in line"]);
    w.expect("erin", &format!("rsvp {id} yes +1"), "reply/rsvp_waitlisted", &["number 3 in line"]);
    w.expect("erin", &format!("rsvp {id} yes +2"), "error/too_many_guests", &["1 guest per person"]);
    w.expect(
        "olga",
        &format!("attendees {id}"),
        "reply/attendees",
        &["Seats: 3 of 3", "Waitlist, in order: 1. carol, 2. dave, 3. erin +1"],
    );

    // alice and her guest free two seats: carol, then dave get one held.
    w.expect("alice", &format!("rsvp {id} no"), "reply/rsvp", &["not coming"]);
    let offers: Vec<String> = w.notices("notice/event_seat_offered").iter().map(|m| m.to.to_string()).collect();
    assert_eq!(offers, ["console:carol", "console:dave"]);
    w.expect(
        "olga",
        &format!("event show {id}"),
        "reply/event_details",
        &["1. carol (seat held until Tue 24 Nov 2026, 14:00 EET)"],
    );
    w.expect("carol", &format!("rsvp {id} yes"), "reply/rsvp", &["You're in"]);
    assert_eq!(w.status(id, "carol"), RsvpStatus::Yes);

    // dave lets the deadline pass: his seat is released; erin's party of two doesn't fit in one.
    w.clock.advance(Duration::hours(25));
    assert_eq!(w.run_due(), 2, "dave's deadline, and carol's, which she met (a no-op)");
    assert_eq!(w.status(id, "dave"), RsvpStatus::No);
    assert_eq!(w.notices("notice/event_offer_expired").len(), 1);
    assert_eq!(w.notices("notice/event_seat_offered").len(), 2);
    // erin comes alone instead: she keeps her place and the free seat fits.
    w.expect("erin", &format!("rsvp {id} yes"), "reply/rsvp", &["You're in"]);
    w.expect(
        "olga",
        &format!("attendees {id}"),
        "reply/attendees",
        &["Seats: 3 of 3", "Coming (3): bob, carol, erin", "Declined: alice, dave"],
    );
    assert_eq!(w.run_due(), 0, "nothing else is due yet");

    // A smaller room can't silently take seats back; a bigger one fills from the waitlist.
    let text = w.expect("olga", &format!("event edit {id} capacity=2"), "error/invalid_setting", &[]);
    has(&text, &["3 seats are already taken", &format!("rsvp {id} no IDENTITY")]);
    w.expect("olga", &format!("attendees {id}"), "reply/attendees", &["Seats: 3 of 3"]);
    w.expect("dave", &format!("rsvp {id} yes"), "reply/rsvp_waitlisted", &["number 1 in line"]);
    w.expect("olga", &format!("event edit {id} capacity=4"), "reply/event_updated", &[]);
    let offers: Vec<String> = w.notices("notice/event_seat_offered").iter().map(|m| m.to.to_string()).collect();
    assert_eq!(offers.last().map(String::as_str), Some("console:dave"), "the new seat is offered to dave");
}

#[test]
fn refusals_are_specific_and_change_nothing() {
    let w = World::with_organizer();
    w.expect("alice", "rsvp E9 yes", "error/unknown_event", &["no event E9"]);
    let private = w.create_event(&format!("{LUNCH} audience=list deadline=\"2026-11-30 18:00\""));
    w.expect("alice", &format!("rsvp {private} yes"), "error/not_invited", &["invitation only"]);
    w.expect("olga", &format!("event invite {private}"), "error/invalid_setting", &["name the people"]);
    w.expect("olga", &format!("event invite {private} alice"), "reply/event_invited", &["alice"]);
    w.expect("alice", &format!("rsvp {private} maybe"), "reply/rsvp", &["maybe"]);
    w.expect("alice", &format!("rsvp {private} yes +1"), "error/too_many_guests", &["without guests"]);
    w.expect("bob", &format!("rsvp {private} alice yes"), "error/not_allowed", &["organizer"]);
    w.clock.advance(Duration::days(8));
    w.expect("alice", &format!("rsvp {private} yes"), "error/rsvp_closed", &["closed on Mon 30 Nov 2026, 18:00 EET"]);
    assert_eq!(w.status(private, "alice"), RsvpStatus::Maybe);

    let champions = w.create_event(&format!("{LUNCH} audience=champions:1"));
    w.expect("bob", &format!("rsvp {champions} yes"), "error/not_invited", &[]);
    w.alice_refers_bob();
    w.expect("alice", &format!("rsvp {champions} yes"), "reply/rsvp", &["You're in"]);

    w.expect("olga", &format!("event cancel {champions}"), "reply/event_cancelled", &["1 person was told"]);
    w.expect("alice", &format!("rsvp {champions} no"), "error/event_cancelled", &["was cancelled"]);
    w.expect("olga", &format!("event cancel {champions}"), "error/event_cancelled", &[]);
    w.clock.advance(Duration::days(3));
    w.expect("alice", &format!("rsvp {private} no"), "error/event_over", &["is over"]);
}

#[test]
fn edits_bump_the_sequence_and_cancel_sends_a_calendar_cancellation() {
    let w = World::with_organizer();
    let id = w.create_event(LUNCH);
    w.expect("olga", &format!("event invite {id} alice bob carol"), "reply/event_invited", &[]);
    w.expect("carol", &format!("rsvp {id} no"), "reply/rsvp", &[]);
    w.expect(
        "olga",
        &format!("event edit {id} start=\"2026-12-04 13:00\" location=\"Cafe Verona\""),
        "reply/event_updated",
        &["2 people were sent the update"],
    );
    w.expect("olga", &format!("event edit {id} start=\"2026-11-01 13:00\""), "error/invalid_setting", &["passed"]);
    let updates = w.notices("notice/event_updated");
    assert_eq!(updates.iter().map(|m| m.to.to_string()).collect::<Vec<_>>(), ["console:alice", "console:bob"]);
    has(&updates[0].attachments[0].content, &["SEQUENCE:1", "DTSTART:20261204T110000Z", "LOCATION:Cafe Verona"]);
    w.expect("olga", &format!("event cancel {id}"), "reply/event_cancelled", &["2 people were told"]);
    let cancels = w.notices("notice/event_cancelled");
    assert_eq!(cancels.len(), 2);
    let ics = &cancels[0].attachments[0];
    assert_eq!(ics.content_type, "text/calendar; method=CANCEL; charset=UTF-8");
    has(&ics.content, &["METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:2"]);
    // Each attendee's calendar has its own UID: the event's, with a tag signed
    // for them (so a calendar reply proves whose invitation it answers).
    let event = w.store().event(id).expect("read").expect("event");
    let alice = w.member("alice");
    assert_eq!(cancels[0].to.to_string(), "console:alice");
    let uid = crate::ics::attendee_uid(&event, alice.id, w.engine.signer());
    assert!(uid.starts_with(event.uid.trim_end_matches("@vouch")) && uid != event.uid, "{uid}");
    has(&ics.content, &[&format!("UID:{uid}")]);
    assert!(cancels[0].actions.is_empty(), "nothing to answer on a cancelled event");
}

#[test]
fn reminders_fire_once_at_24h_and_1h_for_those_coming() {
    let w = World::with_organizer();
    // Starts 2026-11-25 12:00 UTC, two days after the clock's start.
    let id = w.create_event("title=Webinar kind=webinar start=\"2026-11-25 12:00\" tz=UTC");
    w.expect("olga", &format!("event invite {id} alice bob carol"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    w.expect("bob", &format!("rsvp {id} maybe"), "reply/rsvp", &[]);
    assert_eq!(w.run_due(), 0);
    w.clock.advance(Duration::hours(23) + Duration::minutes(59));
    assert_eq!(w.run_due(), 0, "not yet");
    w.clock.advance(Duration::minutes(1));
    assert_eq!(w.run_due(), 1);
    let to: Vec<String> = w.notices("notice/event_reminder").iter().map(|m| m.to.to_string()).collect();
    assert_eq!(to, ["console:alice", "console:bob"], "carol hasn't answered");
    assert_eq!(w.run_due(), 0, "a reminder runs once");
    w.clock.advance(Duration::hours(23));
    assert_eq!(w.run_due(), 1);
    let reminders = w.notices("notice/event_reminder");
    assert_eq!(reminders.len(), 4);
    has(
        &w.renderer.render_template("en", &reminders[2].template, &reminders[2].data, Format::Plain).expect("renders"),
        &["Webinar is in an hour"],
    );
    assert!(w.store().due_all().expect("scan").is_empty(), "a one-off has nothing more to do");
}

#[test]
fn a_series_schedules_each_next_occurrence_and_edits_retire_old_reminders() {
    let w = World::with_organizer();
    let id = w.create_event(
        "title=Breakfast kind=expert-club start=\"2026-11-26 09:00\" tz=Europe/Bucharest every=week reminders=1h",
    );
    w.expect("olga", &format!("event invite {id} alice"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    // Three weeks pass, the loop waking every hour.
    for _ in 0..(21 * 24) {
        w.clock.advance(Duration::hours(1));
        w.run_due();
    }
    assert_eq!(w.notices("notice/event_reminder").len(), 3);
    // A reschedule bumps the sequence: the queued reminder is stale and a new one is set.
    w.expect("olga", &format!("event edit {id} start=\"2026-12-17 10:00\""), "reply/event_updated", &[]);
    let pending: Vec<_> = w.store().due_all().expect("scan");
    assert!(pending.iter().any(|d| matches!(d.job, vouch_store::DueJob::Reminder { sequence: 1, .. })), "{pending:#?}");
    for _ in 0..72 {
        w.clock.advance(Duration::hours(1));
        w.run_due();
    }
    assert_eq!(
        w.notices("notice/event_reminder").len(),
        4,
        "one reminder for the 17th, not two: {:#?}",
        w.store().due_all()
    );
    let last = w.notices("notice/event_reminder").pop().expect("a reminder");
    has(
        &w.renderer.render_template("en", &last.template, &last.data, Format::Plain).expect("renders"),
        &["Thu 17 Dec 2026, 10:00 EET"],
    );
}

#[test]
fn feeds_and_calendar_files_come_from_the_same_command_line() {
    let w = World::with_organizer();
    let id = w.create_event(&format!("{LUNCH} every=month"));
    w.expect("olga", &format!("event invite {id} alice"), "reply/event_invited", &[]);
    let (template, text) = w.say("alice", "ics");
    assert_eq!(template, "reply/ics");
    has(
        &text,
        &[
            "METHOD:PUBLISH",
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Bucharest",
            "DTSTART;TZID=Europe/Bucharest:20261203T123000",
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=3",
        ],
    );
    w.expect("alice", "ics --member bob", "error/not_allowed", &[]);
    w.expect("olga", "ics --member alice", "reply/ics", &["BEGIN:VEVENT"]);
    w.expect("olga", &format!("event skip {id} 2027-01-03"), "reply/event_skipped", &["Sun 3 Jan 2027"]);
    w.expect(
        "olga",
        &format!("ics {id}"),
        "reply/ics",
        &["EXDATE;TZID=Europe/Bucharest:20270103T123000", "SEQUENCE:1"],
    );
    w.expect("olga", &format!("event skip {id} 2027-01-04"), "error/invalid_setting", &["no upcoming date"]);
}

#[test]
fn feed_gives_a_signed_url_for_the_same_calendar_as_ics() {
    let public = crate::PublicUrl::parse("https://vouch.example.org").expect("url");
    let w = World::with_settings(Settings { public_url: Some(public), ..Settings::default() });
    w.organizer("olga");
    let id = w.create_event(LUNCH);
    w.expect("olga", &format!("event invite {id} alice"), "reply/event_invited", &[]);
    let text = w.expect("alice", "feed", "reply/feed", &["Subscribe in your calendar: https://vouch.example.org/ics/"]);
    let url = text.split_whitespace().find(|w| w.starts_with("https://")).expect("a URL");
    let token = url.trim_start_matches("https://vouch.example.org/ics/").trim_end_matches(".ics");
    let alice = w.member("alice").id;
    let signer = w.engine.signer();
    assert_eq!(signer.verify(token, crate::Purpose::Feed), Ok(crate::Link::Feed { member: alice, version: 0 }));
    assert!(signer.verify(token, crate::Purpose::Action).is_err(), "a feed link runs nothing");
    let calendar = w.engine.member_calendar(alice, 0).expect("read").expect("alice exists");
    has(&calendar, &["BEGIN:VCALENDAR", "SUMMARY:Referral lunch", "DTSTART:20261203T103000Z", "PARTSTAT=NEEDS-ACTION"]);
    assert_eq!(w.engine.member_calendar(vouch_store::MemberId(999), 0).expect("read"), None);

    // A leaked link is revoked: `feed reset` signs a new version; the old one serves nothing.
    let text = w.expect("alice", "feed reset", "reply/feed", &["the link you had before no longer works"]);
    let new_url = text.split_whitespace().find(|w| w.starts_with("https://")).expect("a URL");
    assert_ne!(new_url, url);
    let new_token = new_url.trim_start_matches("https://vouch.example.org/ics/").trim_end_matches(".ics");
    assert_eq!(signer.verify(new_token, crate::Purpose::Feed), Ok(crate::Link::Feed { member: alice, version: 1 }));
    assert_eq!(w.engine.member_calendar(alice, 0).expect("read"), None, "the old link is revoked");
    assert!(w.engine.member_calendar(alice, 1).expect("read").is_some());

    // Without a public URL there is nothing to subscribe to; `ics` still works.
    let plain = World::with_organizer();
    plain.expect("alice", "feed", "reply/feed", &["isn't set up here yet", "ics"]);
}

#[test]
fn an_event_seat_reward_invites_its_holder_when_granted() {
    let w = World::with_organizer();
    let id = w.create_event(&format!("{LUNCH} audience=list"));
    w.expect("olga", &format!("program set customer referrer=event-seat:{id}"), "reply/program", &[]);
    w.alice_refers_bob();
    w.expect("olga", "convert R1", "reply/converted", &[]);
    assert!(w.notices("notice/event_invite").is_empty(), "a pending reward invites nobody yet");
    w.expect("olga", "approve R1", "reply/approved", &[]);
    let invites: Vec<String> = w.notices("notice/event_invite").iter().map(|m| m.to.to_string()).collect();
    assert_eq!(invites, ["console:alice"]);
    // The list event now accepts her answer.
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &["You're in for Referral lunch"]);
    w.expect("bob", &format!("rsvp {id} yes"), "error/not_invited", &[]);
}

#[test]
fn a_restart_neither_skips_nor_repeats_a_reminder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let start = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 23, 12, 0, 0).single().expect("time");
    let open = |at: chrono::DateTime<Utc>| {
        let store = Arc::new(Store::open(dir.path()).expect("open store"));
        let clock = Arc::new(ManualClock::new(at));
        Engine::new(store, clock, Arc::new(SeededIds::new(7)), Settings::default()).expect("engine")
    };
    let reminders = |engine: &Engine| {
        engine.store().outbox_messages().expect("scan").iter().filter(|m| m.template == "notice/event_reminder").count()
    };
    {
        let engine = open(start);
        let admin = Caller::admin();
        let line = "event create title=Board start=\"2026-11-25 12:00\" tz=UTC";
        assert_eq!(engine.respond(&admin, line, None).replies[0].template, "reply/event_created");
        engine.respond(&admin, "event invite E1 alice", None);
        engine.respond(&admin, "rsvp E1 alice yes", None);
        assert_eq!(engine.store().due_all().expect("scan").len(), 2, "24h and 1h reminders are rows");
    }
    // Down over the 24-hour reminder's time: the first run after the restart sends it.
    let engine = open(start + Duration::hours(30));
    assert_eq!(engine.run_due(engine.now()).expect("run"), 1);
    assert_eq!(reminders(&engine), 1);
    drop(engine);
    // Restarted again before the next one: nothing is sent twice.
    let engine = open(start + Duration::hours(31));
    assert_eq!(engine.run_due(engine.now()).expect("run"), 0);
    assert_eq!(reminders(&engine), 1);
    drop(engine);
    let engine = open(start + Duration::hours(47));
    assert_eq!(engine.run_due(engine.now()).expect("run"), 1);
    assert_eq!(reminders(&engine), 2);
}

#[test]
fn every_event_notice_renders_in_every_format_with_user_text_escaped() {
    let w = World::with_organizer();
    let id = w.create_event(&format!(
        "{LUNCH} capacity=1 location=\"<b>Verona</b> *cafe*\" expert=\"@everyone\" agenda=\"1. <script>\\n2. _wins_\""
    ));
    w.expect("olga", &format!("event invite {id} alice bob carol"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    w.expect("bob", &format!("rsvp {id} yes"), "reply/rsvp_waitlisted", &[]);
    w.expect("alice", &format!("rsvp {id} no"), "reply/rsvp", &[]);
    w.clock.advance(Duration::hours(24));
    w.run_due();
    w.expect("olga", &format!("event edit {id} duration=2h"), "reply/event_updated", &[]);
    w.expect("olga", &format!("rsvp {id} bob yes"), "reply/rsvp", &["Noted for bob"]);
    w.clock.advance(Duration::days(8) + Duration::hours(11));
    w.run_due();
    w.expect("olga", &format!("event cancel {id}"), "reply/event_cancelled", &[]);
    let messages = w.store().outbox_messages().expect("scan");
    let mut seen = std::collections::BTreeSet::new();
    for m in &messages {
        seen.insert(m.template.clone());
        for format in Format::ALL {
            let text = w.renderer.render_template("en", &m.template, &m.data, format).expect("renders");
            assert!(!text.contains("{{"), "{}: {text}", m.template);
            if text.contains("Verona") {
                match format {
                    Format::Html => assert!(text.contains("&lt;b&gt;Verona") && !text.contains("<b>Verona"), "{text}"),
                    Format::Markdown => assert!(text.contains("\\*cafe\\*"), "{text}"),
                    Format::Plain => assert!(text.contains("<b>Verona</b> *cafe*"), "{text}"),
                }
            }
        }
        let subject = w
            .renderer
            .render_template("en", &format!("{}.subject", m.template), &m.data, Format::Plain)
            .expect("subject");
        assert!(!subject.is_empty() && !subject.contains('\n'), "{subject}");
    }
    let expected = [
        "notice/event_cancelled",
        "notice/event_invite",
        "notice/event_offer_expired",
        "notice/event_reminder",
        "notice/event_seat_offered",
        "notice/event_updated",
    ];
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn a_calendar_sent_to_chat_is_escaped_like_any_user_text() {
    let w = World::with_organizer();
    let id = w.create_event(&format!("{LUNCH} location=\"<i>Cafe</i> & co\""));
    let reply = w.reply_as(&caller("olga"), &format!("ics {id}"));
    let html = w.render(&reply, Format::Html);
    assert!(html.contains("LOCATION:&lt;i&gt;Cafe&lt;/i&gt; &amp; co") && !html.contains("<i>"), "{html}");
    let plain = w.render(&reply, Format::Plain);
    assert!(plain.starts_with("BEGIN:VCALENDAR\n") && plain.contains("LOCATION:<i>Cafe</i> & co"), "{plain}");
}

/// Mail has no buttons: a reply to an invitation mail that says yes / no /
/// maybe (in a few languages) or the command itself is that RSVP — only
/// from the person the invitation went to, once per message.
#[test]
fn a_reply_to_an_invitation_mail_is_an_rsvp() {
    use crate::engine::{MailIn, ThreadReply};
    let w = World::with_organizer();
    let id = w.create_event(LUNCH);
    w.expect(
        "olga",
        &format!("event invite {id} email:ann@example.org email:ben@example.org"),
        "reply/event_invited",
        &[],
    );
    let invite_to =
        |to: &str| w.notices("notice/event_invite").into_iter().find(|m| m.to.to_string() == to).expect("invited");
    let mail = |key: &str| MailIn {
        dedupe_key: format!("email:<{key}@example.org>"),
        message_id: Some(format!("<{key}@example.org>")),
        subject: "Re: Referral lunch".into(),
        ..Default::default()
    };
    let ann = caller("email:ann@example.org");
    let answer = |who: &Caller, row: OutboxMessage, text: &str, key: &str| {
        w.engine.respond_to_thread(who, (&row).into(), text.into(), &mail(key)).expect("stored")
    };

    let handled = answer(&ann, invite_to("email:ann@example.org"), "Yes, see you there!\n\n> On Monday…", "a1");
    assert!(matches!(handled, ThreadReply::Handled(_)), "{handled:?}");
    assert_eq!(w.status(id, "email:ann@example.org"), RsvpStatus::Yes);

    // The same message again: one effect. A later "vielleicht" changes it.
    let again = answer(&ann, invite_to("email:ann@example.org"), "Yes, see you there!", "a1");
    assert!(matches!(again, ThreadReply::Handled(ref r) if r.duplicate), "{again:?}");
    answer(&ann, invite_to("email:ann@example.org"), "Vielleicht", "a2");
    assert_eq!(w.status(id, "email:ann@example.org"), RsvpStatus::Maybe);

    // The command itself works; a stranger answering Ann's mail does nothing.
    let ben = caller("email:ben@example.org");
    answer(&ben, invite_to("email:ben@example.org"), &format!("rsvp {id} no"), "b1");
    assert_eq!(w.status(id, "email:ben@example.org"), RsvpStatus::No);
    let eve = caller("email:eve@example.org");
    let ignored = answer(&eve, invite_to("email:ann@example.org"), "no", "e1");
    assert!(matches!(ignored, ThreadReply::Ignored(_)), "{ignored:?}");
    assert_eq!(w.status(id, "email:ann@example.org"), RsvpStatus::Maybe);

    // A reply naming the row without its token (a guessed Message-ID) does nothing.
    let row = invite_to("email:ann@example.org");
    let guessed = crate::engine::MailRef { row: row.id, token: Some("aaaaaaaa") };
    let forged = w.engine.respond_to_thread(&ann, guessed, "no".into(), &mail("a4")).expect("stored");
    assert!(matches!(forged, ThreadReply::Ignored(_)), "{forged:?}");
    let bare = crate::engine::MailRef { row: row.id, token: None };
    let forged = w.engine.respond_to_thread(&ann, bare, "no".into(), &mail("a5")).expect("stored");
    assert!(matches!(forged, ThreadReply::Ignored(_)), "{forged:?}");
    assert_eq!(w.status(id, "email:ann@example.org"), RsvpStatus::Maybe);

    // A reply that names no choice is not guessed at.
    let unclear = answer(&ann, invite_to("email:ann@example.org"), "Who else is coming?", "a3");
    assert!(matches!(unclear, ThreadReply::Ignored(_)), "{unclear:?}");
    assert_eq!(w.status(id, "email:ann@example.org"), RsvpStatus::Maybe);
}

#[test]
fn champion_event_invitations_carry_the_wish_list() {
    let w = World::with_organizer();
    w.expect("olga", "wish add Northwind Traders northwind.example", "reply/wish_added", &[]);
    let lunch = w.create_event(LUNCH);
    w.expect("olga", &format!("event invite {lunch} alice"), "reply/event_invited", &[]);
    let webinar = w.create_event("kind=webinar title=\"Tax webinar\" start=\"2026-12-05 10:00\" tz=UTC");
    w.expect("olga", &format!("event invite {webinar} alice"), "reply/event_invited", &[]);
    let invites = w.notices("notice/event_invite");
    let text =
        |m: &OutboxMessage| w.renderer.render_template("en", &m.template, &m.data, Format::Plain).expect("renders");
    assert!(
        text(&invites[0]).contains("Who we'd love to meet — bring ideas: Northwind Traders"),
        "{}",
        text(&invites[0])
    );
    assert!(!text(&invites[1]).contains("Who we'd love to meet"), "a webinar is for clients, not champions");
}

/// A monthly mastermind on the 10th, 18:00 Bucharest, two seats: the first
/// date is 2026-12-10 (the clock starts 2026-11-23).
const MASTERMIND: &str =
    "kind=mastermind title=Mastermind start=\"2026-12-10 18:00\" tz=Europe/Bucharest every=month capacity=2";

impl World {
    fn exceptions(&self, event: EventId, who: &str) -> Vec<String> {
        let rsvp = self.store().rsvp(event, self.member(who).id).expect("read").expect("an answer");
        rsvp.exceptions.iter().map(|(d, e)| format!("{d} {}", e.status.as_str())).collect()
    }
}

#[test]
fn a_member_skips_one_date_and_a_waitlisted_one_takes_that_seat_once() {
    let w = World::with_organizer();
    let id = w.create_event(MASTERMIND);
    w.expect("olga", &format!("event invite {id} alice bob carol dave"), "reply/event_invited", &[]);
    w.expect("alice", "timezone America/New_York", "reply/timezone", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &["You're in"]);
    w.expect("bob", &format!("rsvp {id} yes"), "reply/rsvp", &["You're in"]);
    w.expect("carol", &format!("rsvp {id} yes"), "reply/rsvp_waitlisted", &["number 1 in line"]);
    w.expect("dave", &format!("rsvp {id} yes"), "reply/rsvp_waitlisted", &["number 2 in line"]);

    // alice can't make January: the date is named in her zone; her series answer stays.
    w.expect(
        "alice",
        &format!("rsvp {id} no 2027-01-10"),
        "reply/rsvp_date",
        &["skipping Mastermind on Sun 10 Jan 2027, 11:00 EST", "stays yes", &format!("rsvp {id} yes 2027-01-10")],
    );
    assert_eq!(w.status(id, "alice"), RsvpStatus::Yes);
    assert_eq!(w.exceptions(id, "alice"), ["2027-01-10 no"]);
    assert!(w.notices("notice/event_seat_offered").is_empty(), "no series seat freed");

    // The freed seat is offered for that date to the first in line, with no hold.
    let offers = w.notices("notice/event_date_offered");
    assert_eq!(offers.iter().map(|m| m.to.to_string()).collect::<Vec<_>>(), ["console:carol"]);
    let offer = &offers[0];
    assert_eq!(offer.actions[0].command, format!("rsvp {id} yes 2027-01-10"));
    assert_eq!(w.renderer.label("en", &offer.actions[0].label), "Take the seat for Sun 10 Jan");
    has(
        &w.renderer.render_template("en", &offer.template, &offer.data, Format::Plain).expect("renders"),
        &["Sun 10 Jan 2027, 18:00 EET", "for that date only", "first to answer"],
    );
    for format in Format::ALL {
        for template in [offer.template.clone(), format!("{}.subject", offer.template)] {
            let text = w.renderer.render_template("en", &template, &offer.data, format).expect("renders");
            assert!(!text.is_empty() && !text.contains("{{"), "{template}: {text}");
        }
    }
    w.expect(
        "olga",
        &format!("attendees {id} 2027-01-10"),
        "reply/attendees",
        &["Sun 10 Jan 2027, 18:00 EET", "Seats: 1 of 2", "Coming (1): bob", "Skipping this date: alice"],
    );

    // carol presses first and gets it; dave, pressing later, is told the date is full.
    w.expect(
        "carol",
        &format!("rsvp {id} yes 2027-01-10"),
        "reply/rsvp_date",
        &["You're in for Mastermind on Sun 10 Jan 2027", "this date only", "stays waitlisted"],
    );
    assert_eq!(w.status(id, "carol"), RsvpStatus::Waitlisted, "still in line for the series");
    w.expect(
        "dave",
        &format!("rsvp {id} yes 2027-01-10"),
        "error/date_full",
        &["full on Sun 10 Jan 2027", "no waitlist for a single date"],
    );
    w.expect(
        "olga",
        &format!("attendees {id} 2027-01-10"),
        "reply/attendees",
        &["Seats: 2 of 2", "Coming (2): bob, carol (this date only)", "Skipping this date: alice", "1. dave"],
    );
    // The next date is unchanged.
    w.expect(
        "olga",
        &format!("event show {id}"),
        "reply/event_details",
        &["Thu 10 Dec 2026", "Coming (2): alice, bob"],
    );

    // alice wants January back, but her seat went to carol; when carol gives it
    // back, dave is offered it, and alice (asking first) gets it.
    w.expect("alice", &format!("rsvp {id} yes 2027-01-10"), "error/date_full", &["full on Sun 10 Jan 2027"]);
    w.expect("carol", &format!("rsvp {id} no 2027-01-10"), "reply/rsvp_date", &["no longer coming"]);
    let offers: Vec<String> = w.notices("notice/event_date_offered").iter().map(|m| m.to.to_string()).collect();
    assert_eq!(offers, ["console:carol", "console:dave"]);
    w.expect("alice", &format!("rsvp {id} yes 2027-01-10"), "reply/rsvp_date", &["back in"]);
    assert!(w.exceptions(id, "alice").is_empty());
    w.expect("dave", &format!("rsvp {id} yes 2027-01-10"), "error/date_full", &[]);
    w.expect("alice", &format!("rsvp {id} yes 2027-01-10"), "reply/rsvp_date", &["already coming"]);

    // A series answer of no drops the skip it no longer needs.
    w.expect("bob", &format!("rsvp {id} no next"), "reply/rsvp_date", &["Thu 10 Dec 2026"]);
    assert_eq!(w.exceptions(id, "bob"), ["2026-12-10 no"]);
    w.expect("bob", &format!("rsvp {id} no"), "reply/rsvp", &["not coming"]);
    assert!(w.exceptions(id, "bob").is_empty());
}

#[test]
fn a_one_off_seat_counts_on_its_date_and_series_seats_fit_every_date() {
    let w = World::with_organizer();
    let id = w.create_event(&format!("{MASTERMIND} plus-ones=1"));
    w.expect("olga", &format!("event invite {id} alice bob carol"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    // bob declines the series but comes in February with a guest: both seats that date.
    w.expect("bob", &format!("rsvp {id} no"), "reply/rsvp", &[]);
    w.expect("bob", &format!("rsvp {id} yes 2027-02-10 +1"), "error/date_full", &["full on Wed 10 Feb 2027"]);
    w.expect("bob", &format!("rsvp {id} yes 2027-03-10"), "reply/rsvp_date", &["this date only", "stays no"]);
    w.expect(
        "olga",
        &format!("attendees {id} 2027-03-10"),
        "reply/attendees",
        &["Seats: 2 of 2", "Coming (2): alice, bob (this date only)"],
    );
    // carol's series yes would overbook March: she waits in line instead.
    w.expect("carol", &format!("rsvp {id} yes"), "reply/rsvp_waitlisted", &["number 1 in line"]);
    w.expect("olga", &format!("event edit {id} capacity=1"), "error/invalid_setting", &["2 seats are already taken"]);
    w.expect("olga", &format!("attendees {id}"), "reply/attendees", &["Seats: 1 of 2", "Coming (1): alice"]);
}

#[test]
fn dates_that_are_not_answerable_occurrences_are_refused_with_the_next_ones() {
    let w = World::with_organizer();
    let id = w.create_event(MASTERMIND);
    w.expect("olga", &format!("event invite {id} alice"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    w.expect(
        "alice",
        &format!("rsvp {id} no 2026-12-11"),
        "error/not_an_occurrence",
        &["doesn't meet on 2026-12-11", "2026-12-10, 2027-01-10, 2027-02-10", &format!("rsvp {id} no 2026-12-10")],
    );
    w.expect("olga", &format!("event skip {id} 2027-01-10"), "reply/event_skipped", &[]);
    w.expect(
        "alice",
        &format!("rsvp {id} no 2027-01-10"),
        "error/not_an_occurrence",
        &["is skipped on 2027-01-10", "2026-12-10, 2027-02-10, 2027-03-10"],
    );
    w.expect("alice", &format!("rsvp {id} no 2026-13-40"), "error/usage", &["YYYY-MM-DD"]);
    w.clock.advance(Duration::days(18));
    w.expect("alice", &format!("rsvp {id} no 2026-12-10"), "error/not_an_occurrence", &["already started"]);
    w.expect("olga", &format!("attendees {id} 2026-12-10"), "reply/attendees", &["Coming (1): alice"]);
    assert!(w.exceptions(id, "alice").is_empty(), "refusals change nothing");

    // On a one-time event its own date is an ordinary answer; another date is refused.
    let lunch = w.create_event("kind=lunch title=Lunch start=\"2026-12-20 12:30\" tz=Europe/Bucharest");
    w.expect("olga", &format!("event invite {lunch} alice"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {lunch} yes 2026-12-20"), "reply/rsvp", &["You're in for Lunch"]);
    w.expect("alice", &format!("rsvp {lunch} no 2026-12-21"), "error/not_an_occurrence", &["2026-12-20"]);
    assert_eq!(w.status(lunch, "alice"), RsvpStatus::Yes);
}

#[test]
fn reminders_go_to_who_comes_that_date_with_a_button_to_skip_it() {
    let w = World::with_organizer();
    // Thursdays 09:00 Bucharest: 26 Nov, 3 Dec, 10 Dec.
    let id = w.create_event(
        "title=Breakfast kind=expert-club start=\"2026-11-26 09:00\" tz=Europe/Bucharest every=week reminders=1h",
    );
    w.expect("olga", &format!("event invite {id} alice bob carol"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    w.expect("bob", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    w.expect("carol", &format!("rsvp {id} no"), "reply/rsvp", &[]);
    w.expect("alice", &format!("rsvp {id} no 2026-11-26"), "reply/rsvp_date", &["skipping"]);
    w.expect("carol", &format!("rsvp {id} yes 2026-12-03"), "reply/rsvp_date", &["this date only"]);
    let sent = |w: &World| -> Vec<String> {
        w.notices("notice/event_reminder").iter().map(|m| m.to.to_string()).collect::<Vec<_>>()
    };
    for _ in 0..(4 * 24) {
        w.clock.advance(Duration::hours(1));
        w.run_due();
    }
    assert_eq!(sent(&w), ["console:bob"], "alice skips the 26th");
    let first = w.notices("notice/event_reminder").remove(0);
    assert_eq!(first.actions.len(), 1);
    assert_eq!(first.actions[0].command, format!("rsvp {id} no 2026-11-26"));
    assert_eq!(w.renderer.label("en", &first.actions[0].label), "Can't make it this time");
    has(
        &w.renderer.render_template("en", &first.template, &first.data, Format::Plain).expect("renders"),
        &[&format!("Can't make it this time? Answer `rsvp {id} no 2026-11-26`")],
    );
    for _ in 0..(7 * 24) {
        w.clock.advance(Duration::hours(1));
        w.run_due();
    }
    assert_eq!(sent(&w), ["console:bob", "console:alice", "console:bob", "console:carol"]);
    let carol = w.notices("notice/event_reminder").pop().expect("carol's");
    has(
        &w.renderer.render_template("en", &carol.template, &carol.data, Format::Plain).expect("renders"),
        &["Thu 3 Dec 2026, 09:00 EET", "a seat for this date only"],
    );
    // Past dates are pruned the next time the row is written.
    w.expect("alice", &format!("rsvp {id} no 2026-12-17"), "reply/rsvp_date", &[]);
    assert_eq!(w.exceptions(id, "alice"), ["2026-12-17 no"]);
}

#[test]
fn a_members_feed_leaves_out_skipped_dates_and_carries_one_date_seats() {
    let w = World::with_organizer();
    let id = w.create_event(MASTERMIND);
    w.expect("olga", &format!("event invite {id} alice bob"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    w.expect("bob", &format!("rsvp {id} no"), "reply/rsvp", &[]);
    w.expect("olga", &format!("event skip {id} 2027-02-10"), "reply/event_skipped", &[]);
    w.expect("alice", &format!("rsvp {id} no 2027-01-10"), "reply/rsvp_date", &[]);
    w.expect("bob", &format!("rsvp {id} yes 2027-03-10"), "reply/rsvp_date", &[]);
    let (_, alice) = w.say("alice", "ics");
    has(&alice, &["RRULE:FREQ=MONTHLY", "EXDATE;TZID=Europe/Bucharest:20270110T180000,20270210T180000"]);
    let bob = w.engine.member_calendar(w.member("bob").id, 0).expect("read").expect("bob");
    has(
        &bob,
        &[
            "RECURRENCE-ID;TZID=Europe/Bucharest:20270310T180000",
            "DTSTART;TZID=Europe/Bucharest:20270310T180000",
            "PARTSTAT=ACCEPTED",
            "BEGIN:VTIMEZONE",
        ],
    );
    assert!(!bob.contains("RRULE:FREQ=MONTHLY"), "bob declined the series: only his date is there\n{bob}");
    assert_eq!(bob.matches("BEGIN:VEVENT").count(), 1);
}

#[test]
fn someone_with_a_seat_for_one_date_hears_when_that_date_is_called_off() {
    let w = World::with_organizer();
    let id = w.create_event(MASTERMIND);
    w.expect("olga", &format!("event invite {id} alice bob carol"), "reply/event_invited", &[]);
    w.expect("alice", &format!("rsvp {id} yes"), "reply/rsvp", &[]);
    w.expect("bob", &format!("rsvp {id} no"), "reply/rsvp", &[]);
    w.expect("carol", &format!("rsvp {id} no"), "reply/rsvp", &[]);
    w.expect("bob", &format!("rsvp {id} yes 2027-01-10"), "reply/rsvp_date", &[]);
    w.expect("olga", &format!("event skip {id} 2027-01-10"), "reply/event_skipped", &[]);
    let told: Vec<String> = w.notices("notice/event_updated").iter().map(|m| m.to.to_string()).collect();
    assert_eq!(told, ["console:alice", "console:bob"], "bob held a seat that date; carol declined everything");
}

#[test]
fn calendars_are_labelled_in_their_owners_language() {
    let renderer = crate::Renderer::builtin().expect("templates");
    let languages = Settings::default().languages.with_calendar_words(|lang, id| renderer.text(lang, id));
    let w = World::with_settings(Settings { languages, ..Settings::default() });
    w.organizer("olga");
    let id = w.create_event(LUNCH);
    w.expect("olga", &format!("event edit {id} expert=\"Ana Pop\" agenda=Intros"), "reply/event_updated", &[]);
    w.expect("boris", "language ru", "reply/language", &[]);
    w.expect("olga", &format!("event invite {id} alice boris"), "reply/event_invited", &[]);
    let english = w.expect("alice", &format!("ics {id}"), "reply/ics", &[]);
    has(&english, &["DESCRIPTION:Guest expert: Ana Pop\\n\\nAgenda:\\nIntros"]);
    // Folded at 75 octets as RFC 5545 says; unfolded, a calendar reads it whole.
    let unfold = |ics: &str| ics.replace("\r\n ", "").replace("\n ", "");
    let russian = unfold(&w.expect("boris", &format!("ics {id}"), "reply/ics", &[]));
    has(&russian, &["DESCRIPTION:Приглашённый эксперт: Ana Pop\\n\\nПрограмма:\\nIntros"]);
    // The invitation's .ics is written in the invitee's language too.
    let invites: Vec<String> = w
        .store()
        .outbox_messages()
        .expect("outbox")
        .into_iter()
        .filter(|m| m.to == identity("boris"))
        .flat_map(|m| m.attachments.into_iter().map(|a| unfold(&a.content)))
        .collect();
    assert!(invites.iter().any(|ics| ics.contains("Приглашённый эксперт: Ana Pop")), "{invites:?}");
}
