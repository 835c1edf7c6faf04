//! iCalendar (RFC 5545) for events: invitations (METHOD:REQUEST),
//! cancellations (METHOD:CANCEL) and feeds (METHOD:PUBLISH).
//!
//! The `icalendar` crate writes the VCALENDAR and VEVENTs (text escaping,
//! line folding, CRLF). A series is written in its own zone — DTSTART;TZID
//! plus a VTIMEZONE — because a series in UTC drifts an hour at every DST
//! change; a one-off event is written in UTC. The crate's components always
//! add DTSTAMP and UID, which a VTIMEZONE must not have, so VTIMEZONEs are
//! written here and placed before the first VEVENT.

use chrono::{Datelike, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName};
use icalendar::{Calendar, Component, EventLike, Property};
use vouch_store::{Event, EventId, MemberId, RsvpStatus, Timestamp, Timezone, weekday_code, weekday_position};

pub const PRODID: &str = "-//vouch//events 1.0//EN";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
    Publish,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }

    /// The attachment's MIME type.
    pub fn content_type(self) -> String {
        format!("text/calendar; method={}; charset=UTF-8", self.as_str())
    }
}

/// An organizer or attendee: a display name and a calendar address URI
/// (`mailto:…`, or `urn:vouch:member:M3` for people without email).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub address: String,
}

#[derive(Clone, Debug)]
pub struct Attendee {
    pub person: Person,
    pub status: RsvpStatus,
}

/// One VEVENT: the event and who is on it.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub event: &'a Event,
    /// This calendar's UID for the event ([`attendee_uid`]).
    pub uid: String,
    pub organizer: Person,
    pub attendees: Vec<Attendee>,
    /// Occurrences left out for this calendar's owner (their skips), as
    /// EXDATEs next to the organizer's.
    pub skips: Vec<Timestamp>,
    /// This VEVENT is one occurrence of the series (RFC 5545 RECURRENCE-ID,
    /// same UID): a seat for that date only.
    pub recurrence_id: Option<Timestamp>,
    /// The labels of the DESCRIPTION, in the calendar owner's language.
    pub words: crate::CalendarWords,
}

/// An event's UID: stable across edits, and it names the event so a
/// calendar's iMIP REPLY finds its way back (`event-3-1795435200@vouch`).
pub fn uid_for(id: EventId, created: Timestamp) -> String {
    format!("event-{}-{}@vouch", id.0, created.timestamp())
}

/// The UID `member`'s calendar holds for `event`: the event's UID with a tag
/// signed for them (`event-3-1795435200.9f2c…@vouch`), for events made since
/// attendees got their own; the plain UID for older ones.
pub fn attendee_uid(event: &Event, member: MemberId, signer: &crate::Signer) -> String {
    if !event.uid_per_attendee {
        return event.uid.clone();
    }
    match event.uid.strip_suffix("@vouch") {
        Some(base) => format!("{base}.{}@vouch", signer.calendar_tag(event.id, member)),
        None => event.uid.clone(),
    }
}

/// The attendee tag in a UID from [`attendee_uid`], if it has one.
pub fn uid_tag(uid: &str) -> Option<&str> {
    let rest = uid.trim().strip_prefix("event-")?.strip_suffix("@vouch")?;
    rest.rsplit_once('.').map(|(_, tag)| tag).filter(|t| !t.is_empty())
}

/// The event a UID from [`uid_for`] names.
pub fn event_of_uid(uid: &str) -> Option<EventId> {
    let rest = uid.trim().strip_prefix("event-")?.strip_suffix("@vouch")?;
    let (id, _) = rest.split_once('-')?;
    id.parse::<u64>().ok().filter(|n| *n > 0).map(EventId)
}

fn utc(t: Timestamp) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// A parameter value may not contain a double quote, and control characters
/// have no place in one.
fn param(s: &str) -> String {
    s.chars().filter(|c| *c != '"' && !c.is_control()).collect()
}

/// Event text: control characters dropped (newlines kept; the crate escapes them).
fn text(s: &str) -> String {
    s.chars().filter(|c| *c == '\n' || !c.is_control()).collect()
}

fn description(event: &Event, words: &crate::CalendarWords) -> String {
    let mut parts = Vec::new();
    if let Some(expert) = &event.expert {
        parts.push(format!("{}: {expert}", words.expert));
    }
    if !event.agenda.is_empty() {
        parts.push(format!("{}:\n{}", words.agenda, event.agenda));
    }
    text(&parts.join("\n\n"))
}

fn vevent(entry: &Entry<'_>, method: Method, stamp: Timestamp) -> icalendar::Event {
    let e = entry.event;
    let mut v = icalendar::Event::new();
    v.uid(&entry.uid);
    v.add_property("DTSTAMP", utc(stamp));
    v.add_property("SEQUENCE", e.sequence.to_string());
    v.summary(&text(&e.title));
    let desc = description(e, &entry.words);
    if !desc.is_empty() {
        v.description(&desc);
    }
    if let Some(location) = &e.location {
        v.location(&text(location));
    }
    let cancelled = method == Method::Cancel || e.cancelled;
    v.add_property("STATUS", if cancelled { "CANCELLED" } else { "CONFIRMED" });
    if let Some(occurrence) = entry.recurrence_id.filter(|_| e.recurrence.is_series()) {
        // One date of the series, named by its original start in the series' zone.
        let tzid = e.timezone.name();
        let start = e.timezone.local(occurrence);
        for (name, value) in [("DTSTART", start), ("DTEND", start + e.duration()), ("RECURRENCE-ID", start)] {
            let mut p = Property::new(name, local(value));
            p.add_parameter("TZID", tzid);
            v.append_property(p);
        }
    } else if e.recurrence.is_series() {
        let tzid = e.timezone.name();
        let start = e.timezone.local(e.start);
        let mut dtstart = Property::new("DTSTART", local(start));
        dtstart.add_parameter("TZID", tzid);
        v.append_property(dtstart);
        let mut dtend = Property::new("DTEND", local(start + e.duration()));
        dtend.add_parameter("TZID", tzid);
        v.append_property(dtend);
        if let Some(rule) = e.rrule() {
            v.add_property("RRULE", rule);
        }
        if !e.skipped.is_empty() || !entry.skips.is_empty() {
            let mut dates: Vec<String> =
                e.skipped.iter().chain(&entry.skips).map(|t| local(e.timezone.local(*t))).collect();
            dates.sort();
            dates.dedup();
            let mut exdate = Property::new("EXDATE", dates.join(","));
            exdate.add_parameter("TZID", tzid);
            v.append_property(exdate);
        }
    } else {
        v.add_property("DTSTART", utc(e.start));
        v.add_property("DTEND", utc(e.start + e.duration()));
    }
    let mut organizer = Property::new("ORGANIZER", entry.organizer.address.clone());
    organizer.add_parameter("CN", &param(&entry.organizer.name));
    v.append_property(organizer);
    for a in &entry.attendees {
        let mut attendee = Property::new("ATTENDEE", a.person.address.clone());
        attendee.add_parameter("CN", &param(&a.person.name));
        attendee.add_parameter("ROLE", "REQ-PARTICIPANT");
        attendee.add_parameter("PARTSTAT", a.status.partstat());
        attendee.add_parameter("RSVP", "TRUE");
        v.append_multi_property(attendee);
    }
    v.add_property("X-VOUCH-KIND", e.kind.as_str());
    v.done()
}

/// The whole VCALENDAR, CRLF line endings.
pub fn calendar(method: Method, entries: &[Entry<'_>], stamp: Timestamp) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"));
    cal.append_property(("PRODID", PRODID));
    cal.append_property(("CALSCALE", "GREGORIAN"));
    cal.append_property(("METHOD", method.as_str()));
    for entry in entries {
        cal.push(vevent(entry, method, stamp));
    }
    let body = cal.to_string();
    let mut zones: Vec<(Timezone, i32)> = Vec::new();
    for entry in entries.iter().filter(|e| e.event.recurrence.is_series()) {
        let zone = entry.event.timezone;
        if !zones.iter().any(|(z, _)| *z == zone) {
            // The rules of the year before the first start, so their onsets precede it.
            zones.push((zone, entry.event.timezone.local(entry.event.start).year() - 1));
        }
    }
    if zones.is_empty() {
        return body;
    }
    let vtimezones: String = zones.iter().map(|(z, year)| vtimezone(*z, *year)).collect();
    match body.find("BEGIN:VEVENT") {
        Some(at) => format!("{}{vtimezones}{}", &body[..at], &body[at..]),
        None => body,
    }
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// The zone's rules as observed in `year`: one STANDARD and one DAYLIGHT
/// sub-component with a yearly RRULE (e.g. last Sunday of March), found by
/// scanning the year in 15-minute steps. A zone without DST gets a single
/// STANDARD.
pub fn vtimezone(zone: Timezone, year: i32) -> String {
    let tz = zone.tz();
    let offset_at = |t: Timestamp| {
        let o = tz.offset_from_utc_datetime(&t.naive_utc());
        let total = (o.base_utc_offset() + o.dst_offset()).num_seconds() as i32;
        (total, o.dst_offset().num_seconds() != 0, o.abbreviation().unwrap_or("").to_string())
    };
    let begin = Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single().unwrap_or_default();
    let end = Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single().unwrap_or_default();
    let step = Duration::minutes(15);
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", zone.name());
    let mut transitions = Vec::new();
    let mut t = begin;
    let mut prev = offset_at(t);
    while t < end {
        let next = offset_at(t + step);
        if next.0 != prev.0 {
            transitions.push((t + step, prev.0, next.clone()));
        }
        prev = next;
        t += step;
    }
    if transitions.is_empty() {
        let (offset, _, name) = offset_at(begin);
        out.push_str(&format!(
            "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:{o}\r\nTZOFFSETTO:{o}\r\nTZNAME:{name}\r\nEND:STANDARD\r\n",
            o = offset_text(offset)
        ));
    }
    for (at, from, (to, dst, name)) in transitions {
        let wall = at.naive_utc() + Duration::seconds(i64::from(from));
        let (n, wd) = weekday_position(wall.date());
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        out.push_str(&format!(
            "BEGIN:{kind}\r\nDTSTART:{}\r\nRRULE:FREQ=YEARLY;BYMONTH={};BYDAY={n}{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nTZNAME:{name}\r\nEND:{kind}\r\n",
            local(wall),
            wall.month(),
            weekday_code(wd),
            offset_text(from),
            offset_text(to),
        ));
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_name_their_event() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).single().expect("time");
        assert_eq!(uid_for(EventId(3), t), "event-3-1795435200@vouch");
        assert_eq!(event_of_uid("event-3-1795435200@vouch"), Some(EventId(3)));
        assert_eq!(event_of_uid("event-3-1795435200@google.com"), None);
        assert_eq!(event_of_uid("abc"), None);
        // An attendee's own UID still names the event, and carries its tag.
        assert_eq!(event_of_uid("event-3-1795435200.9f2c01ab77de4410@vouch"), Some(EventId(3)));
        assert_eq!(uid_tag("event-3-1795435200.9f2c01ab77de4410@vouch"), Some("9f2c01ab77de4410"));
        assert_eq!(uid_tag("event-3-1795435200@vouch"), None);
    }

    #[test]
    fn bucharest_and_new_york_rules() {
        let buc = vtimezone(Timezone::parse("Europe/Bucharest").expect("zone"), 2026);
        assert!(buc.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nTZNAME:EEST"), "{buc}");
        assert!(buc.contains("BEGIN:STANDARD\r\nDTSTART:20261025T040000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\nTZNAME:EET"), "{buc}");
        let ny = vtimezone(Timezone::parse("America/New_York").expect("zone"), 2026);
        assert!(ny.contains("DTSTART:20260308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400"), "{ny}");
        assert!(ny.contains("DTSTART:20261101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500"), "{ny}");
        let tokyo = vtimezone(Timezone::parse("Asia/Tokyo").expect("zone"), 2026);
        assert!(tokyo.contains("TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST"), "{tokyo}");
    }
}
