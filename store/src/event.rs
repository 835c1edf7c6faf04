//! Events (referral lunches, masterminds, expert clubs, advisory boards,
//! webinars), RSVPs and the scheduler's due jobs.
//!
//! An event keeps its first start in UTC and its IANA zone; every occurrence
//! of a series is computed in that zone's local time, so a monthly 18:00
//! Bucharest mastermind stays at 18:00 local across DST changes.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Weekday};
use serde::{Deserialize, Serialize};

use crate::ParseError;
use crate::types::{EventId, MemberId, Role, Timestamp};

/// An IANA time zone name, parsed once (`Europe/Bucharest`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timezone(chrono_tz::Tz);

impl Timezone {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        let bad = || ParseError::Value { key: "timezone", value: s.chars().take(60).collect() };
        if s.eq_ignore_ascii_case("utc") {
            return Ok(Self(chrono_tz::UTC));
        }
        s.parse::<chrono_tz::Tz>().map(Self).map_err(|_| bad())
    }

    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The UTC instant of a wall-clock time here. A time skipped by a DST
    /// change moves forward by the gap (as RFC 5545 prescribes); an ambiguous
    /// one takes the first (daylight) reading.
    pub fn to_utc(self, local: NaiveDateTime) -> Timestamp {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&chrono::Utc),
            LocalResult::Ambiguous(a, _) => a.with_timezone(&chrono::Utc),
            LocalResult::None => {
                let later = local + Duration::hours(1);
                match self.0.from_local_datetime(&later) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&chrono::Utc),
                    LocalResult::None => chrono::Utc.from_utc_datetime(&local),
                }
            }
        }
    }

    pub fn local(self, t: Timestamp) -> NaiveDateTime {
        t.with_timezone(&self.0).naive_local()
    }
}

impl Default for Timezone {
    fn default() -> Self {
        Self(chrono_tz::UTC)
    }
}

impl fmt::Display for Timezone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for Timezone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timezone({})", self.name())
    }
}

impl Serialize for Timezone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Timezone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timezone::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Lunch,
    Mastermind,
    ExpertClub,
    AdvisoryBoard,
    Webinar,
}

impl EventKind {
    pub const ALL: [EventKind; 5] =
        [EventKind::Lunch, EventKind::Mastermind, EventKind::ExpertClub, EventKind::AdvisoryBoard, EventKind::Webinar];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Lunch => "lunch",
            EventKind::Mastermind => "mastermind",
            EventKind::ExpertClub => "expert-club",
            EventKind::AdvisoryBoard => "advisory-board",
            EventKind::Webinar => "webinar",
        }
    }

    /// What a new event of this kind starts with when no agenda is given.
    pub fn default_agenda(self) -> &'static str {
        match self {
            EventKind::Mastermind => "1. Wins\n2. Asks\n3. Introductions made\n4. Commitments",
            _ => "",
        }
    }
}

impl FromStr for EventKind {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        let s = match s.as_str() {
            "referral-lunch" => "lunch".to_string(),
            "advisory" | "board" => "advisory-board".to_string(),
            "expert" | "expertclub" => "expert-club".to_string(),
            _ => s,
        };
        EventKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or(ParseError::Value { key: "kind", value: s })
    }
}

/// How a series repeats, always in the event's local time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recurrence {
    #[default]
    None,
    Weekly,
    /// Same day of the month (months without that day are skipped, as RRULE does).
    MonthlyByDay,
    /// Same nth weekday ("2nd Tuesday"; the last one when the start is in a month's last week).
    MonthlyByWeekday,
    /// Every three months, same day of the month.
    Quarterly,
}

impl Recurrence {
    /// Parses `none`, `week`, `month`, `month-weekday` (nth weekday), `quarter`.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim().to_ascii_lowercase();
        Ok(match s.trim_end_matches('s') {
            "none" | "once" | "no" => Recurrence::None,
            "week" | "weekly" => Recurrence::Weekly,
            "month" | "monthly" | "month-day" | "monthly-by-day" => Recurrence::MonthlyByDay,
            "month-weekday" | "monthly-weekday" | "nth-weekday" | "monthly-by-weekday" => Recurrence::MonthlyByWeekday,
            "quarter" | "quarterly" => Recurrence::Quarterly,
            _ => return Err(ParseError::Value { key: "every", value: s }),
        })
    }

    pub fn is_series(self) -> bool {
        self != Recurrence::None
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::None => "none",
            Recurrence::Weekly => "week",
            Recurrence::MonthlyByDay => "month",
            Recurrence::MonthlyByWeekday => "month-weekday",
            Recurrence::Quarterly => "quarter",
        }
    }
}

/// Who an event is for (who may RSVP without an explicit invitation, and
/// who `event invite ID` with no names invites).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Audience {
    #[default]
    Everyone,
    /// Members with at least this many referrals (any state but rejected).
    Champions(u32),
    /// Members holding this role or a higher one.
    Role(Role),
    /// Only the people invited by name.
    List,
}

impl Audience {
    /// Parses `everyone`, `champions`, `champions:3`, `role:champion`, `list`.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim().to_ascii_lowercase();
        let bad = || ParseError::Value { key: "audience", value: s.clone() };
        let (kind, value) =
            s.split_once([':', '>', '=']).map_or((s.as_str(), ""), |(k, v)| (k, v.trim_start_matches('=')));
        Ok(match kind.trim() {
            "everyone" | "all" => Audience::Everyone,
            "champions" if value.trim().is_empty() => Audience::Champions(1),
            "champions" => Audience::Champions(value.trim().parse().map_err(|_| bad())?),
            "role" | "tier" => Audience::Role(value.parse().map_err(|_| bad())?),
            "champion" | "organizer" | "admin" => Audience::Role(kind.parse().map_err(|_| bad())?),
            "list" | "invited" | "invite-only" => Audience::List,
            _ => return Err(bad()),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Audience::Everyone => "everyone".into(),
            Audience::Champions(n) => format!("champions with {n}+ referrals"),
            Audience::Role(r) => format!("{r}s"),
            Audience::List => "invited guests only".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub kind: EventKind,
    pub title: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub expert: Option<String>,
    /// An address or a meeting link.
    #[serde(default)]
    pub location: Option<String>,
    /// The first occurrence, in UTC.
    pub start: Timestamp,
    pub timezone: Timezone,
    pub duration_minutes: u32,
    #[serde(default)]
    pub recurrence: Recurrence,
    /// Seats, plus-ones included; `None`: no limit.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Guests each attendee may bring.
    #[serde(default)]
    pub plus_ones: u8,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default)]
    pub rsvp_deadline: Option<Timestamp>,
    /// Minutes before each occurrence that attendees are reminded.
    pub reminders: Vec<u32>,
    /// Stable across edits: calendars match updates and cancellations by it.
    pub uid: String,
    /// Each attendee's calendar gets its own UID: `uid` with a tag signed
    /// for that member, so a calendar REPLY proves which invitation it
    /// answers (a UID seen in someone else's invitation answers nothing).
    /// False for events from before, whose UIDs calendars already hold.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uid_per_attendee: bool,
    /// Bumped on every change (the ICS SEQUENCE).
    pub sequence: u32,
    #[serde(default)]
    pub cancelled: bool,
    /// Skipped occurrences of a series (their UTC start; ICS EXDATE).
    #[serde(default)]
    pub skipped: Vec<Timestamp>,
    pub organizer: MemberId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Reminders 24 hours and 1 hour before.
pub const DEFAULT_REMINDERS: [u32; 2] = [24 * 60, 60];

/// Occurrences examined at most when searching a series (a weekly series
/// runs ~40 years before this stops).
const MAX_STEPS: u32 = 2000;

impl Event {
    pub fn duration(&self) -> Duration {
        Duration::minutes(i64::from(self.duration_minutes))
    }

    /// The `k`th occurrence (0 = the first) in UTC, or `None` when the series
    /// has no such date (a 31st in a 30-day month).
    pub fn nth_occurrence(&self, k: u32) -> Option<Timestamp> {
        let local = self.timezone.local(self.start);
        let date = local.date();
        let on = |d: NaiveDate| Some(self.timezone.to_utc(d.and_time(local.time())));
        match self.recurrence {
            Recurrence::None => (k == 0).then_some(self.start),
            Recurrence::Weekly => on(date + Duration::weeks(i64::from(k))),
            Recurrence::MonthlyByDay => on(add_months(date, k)?),
            Recurrence::Quarterly => on(add_months(date, k.checked_mul(3)?)?),
            Recurrence::MonthlyByWeekday => {
                let (year, month) = month_plus(date, k)?;
                on(nth_weekday_like(date, year, month)?)
            }
        }
    }

    /// The first occurrence starting at or after `t` that was not skipped.
    pub fn next_occurrence(&self, t: Timestamp) -> Option<Timestamp> {
        (0..MAX_STEPS)
            .filter_map(|k| self.nth_occurrence(k))
            .find(|o| *o >= t && !self.skipped.contains(o))
            .filter(|_| !self.cancelled)
    }

    /// The first occurrence strictly after `t`.
    pub fn occurrence_after(&self, t: Timestamp) -> Option<Timestamp> {
        self.next_occurrence(t + Duration::seconds(1))
    }

    /// The local date (in the event's zone) an occurrence falls on.
    pub fn date_of(&self, occurrence: Timestamp) -> NaiveDate {
        self.timezone.local(occurrence).date()
    }

    /// The occurrence on local `date`, if the rule has one there (skipped
    /// occurrences included: callers decide what a skip means to them).
    pub fn occurrence_on(&self, date: NaiveDate) -> Option<Timestamp> {
        (0..MAX_STEPS)
            .filter_map(|k| self.nth_occurrence(k))
            .take_while(|o| self.date_of(*o) <= date)
            .find(|o| self.date_of(*o) == date)
    }

    /// Up to `n` occurrences starting at or after `t`, skipped ones left out.
    pub fn upcoming(&self, t: Timestamp, n: usize) -> Vec<Timestamp> {
        let mut out = Vec::new();
        let mut next = self.next_occurrence(t);
        while let Some(o) = next {
            if out.len() >= n {
                break;
            }
            out.push(o);
            next = self.occurrence_after(o);
        }
        out
    }

    /// The series rule without DTSTART (`FREQ=MONTHLY;BYDAY=2TU`).
    pub fn rrule(&self) -> Option<String> {
        let local = self.timezone.local(self.start);
        match self.recurrence {
            Recurrence::None => None,
            Recurrence::Weekly => Some("FREQ=WEEKLY".into()),
            Recurrence::MonthlyByDay => Some(format!("FREQ=MONTHLY;BYMONTHDAY={}", local.day())),
            Recurrence::Quarterly => Some(format!("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY={}", local.day())),
            Recurrence::MonthlyByWeekday => {
                let (n, wd) = weekday_position(local.date());
                Some(format!("FREQ=MONTHLY;BYDAY={n}{}", weekday_code(wd)))
            }
        }
    }
}

fn month_plus(date: NaiveDate, k: u32) -> Option<(i32, u32)> {
    let months = i64::from(date.month0()) + i64::from(k);
    let year = i32::try_from(i64::from(date.year()) + months / 12).ok()?;
    Some((year, (months % 12) as u32 + 1))
}

fn add_months(date: NaiveDate, k: u32) -> Option<NaiveDate> {
    let (year, month) = month_plus(date, k)?;
    NaiveDate::from_ymd_opt(year, month, date.day())
}

/// 1..=4 for the nth weekday of its month, -1 when it is in the month's last seven days.
pub fn weekday_position(date: NaiveDate) -> (i32, Weekday) {
    let days_in_month = days_in_month(date.year(), date.month());
    if date.day() + 7 > days_in_month { (-1, date.weekday()) } else { (date.day0() as i32 / 7 + 1, date.weekday()) }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    next.and_then(|n| n.pred_opt()).map_or(28, |d| d.day())
}

fn nth_weekday_like(template: NaiveDate, year: i32, month: u32) -> Option<NaiveDate> {
    let (n, wd) = weekday_position(template);
    if n > 0 {
        NaiveDate::from_weekday_of_month_opt(year, month, wd, n as u8)
    } else {
        let last = NaiveDate::from_ymd_opt(year, month, days_in_month(year, month))?;
        let back = (7 + last.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
        Some(last - Duration::days(i64::from(back)))
    }
}

pub fn weekday_code(wd: Weekday) -> &'static str {
    match wd {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RsvpStatus {
    Invited,
    Yes,
    No,
    Maybe,
    /// In line for a seat; with `offer_expires` a seat is held for them.
    Waitlisted,
}

impl RsvpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RsvpStatus::Invited => "invited",
            RsvpStatus::Yes => "yes",
            RsvpStatus::No => "no",
            RsvpStatus::Maybe => "maybe",
            RsvpStatus::Waitlisted => "waitlisted",
        }
    }

    /// The iCalendar PARTSTAT.
    pub fn partstat(self) -> &'static str {
        match self {
            RsvpStatus::Invited | RsvpStatus::Waitlisted => "NEEDS-ACTION",
            RsvpStatus::Yes => "ACCEPTED",
            RsvpStatus::No => "DECLINED",
            RsvpStatus::Maybe => "TENTATIVE",
        }
    }
}

/// A member's answer for one date of a series that differs from their
/// series answer: a skip (`No`) while they come to the series, or a one-off
/// seat (`Yes`, with its own guests) while they don't.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub status: RsvpStatus,
    #[serde(default)]
    pub plus_ones: u8,
}

impl Exception {
    pub fn skip() -> Self {
        Self { status: RsvpStatus::No, plus_ones: 0 }
    }

    pub fn one_off(plus_ones: u8) -> Self {
        Self { status: RsvpStatus::Yes, plus_ones }
    }
}

/// One member's answer to one event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rsvp {
    pub event: EventId,
    pub member: MemberId,
    pub status: RsvpStatus,
    #[serde(default)]
    pub plus_ones: u8,
    /// When the status last changed.
    pub at: Timestamp,
    /// Place in line (a global counter, so lower is earlier) while waitlisted.
    #[serde(default)]
    pub waitlist_seq: Option<u64>,
    /// A seat is held for this waitlisted member until then.
    #[serde(default)]
    pub offer_expires: Option<Timestamp>,
    /// Per-date answers on top of `status`, keyed by the occurrence's local
    /// date in the event's zone. A date rather than the UTC start, so a skip
    /// of "December" survives the organizer moving the series to 19:00.
    /// Old rows have none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exceptions: BTreeMap<NaiveDate, Exception>,
}

impl Rsvp {
    /// Invited, not answered yet.
    pub fn invited(event: EventId, member: MemberId, at: Timestamp) -> Self {
        Self {
            event,
            member,
            status: RsvpStatus::Invited,
            plus_ones: 0,
            at,
            waitlist_seq: None,
            offer_expires: None,
            exceptions: BTreeMap::new(),
        }
    }

    /// Seats this answer takes: a yes, or a held offer.
    pub fn seats(&self) -> u32 {
        let holds =
            self.status == RsvpStatus::Yes || (self.status == RsvpStatus::Waitlisted && self.offer_expires.is_some());
        if holds { 1 + u32::from(self.plus_ones) } else { 0 }
    }

    /// Seats this answer takes on the occurrence of `date`: the series
    /// seat unless skipped, or a one-off seat.
    pub fn seats_on(&self, date: NaiveDate) -> u32 {
        match self.exceptions.get(&date) {
            Some(e) if e.status == RsvpStatus::No => 0,
            Some(e) if e.status == RsvpStatus::Yes && self.seats() == 0 => 1 + u32::from(e.plus_ones),
            _ => self.seats(),
        }
    }

    /// The answer that holds for `date`: the exception, else the series answer.
    pub fn status_on(&self, date: NaiveDate) -> RsvpStatus {
        self.exceptions.get(&date).map_or(self.status, |e| e.status)
    }

    /// Skipped a date they'd otherwise come to (or be reminded of).
    pub fn skips(&self, date: NaiveDate) -> bool {
        self.exceptions.get(&date).is_some_and(|e| e.status == RsvpStatus::No)
    }

    /// Has a seat for `date` only (their series answer is not a yes).
    pub fn one_off(&self, date: NaiveDate) -> bool {
        self.status != RsvpStatus::Yes && self.exceptions.get(&date).is_some_and(|e| e.status == RsvpStatus::Yes)
    }

    /// Drops exceptions for dates before `today` and those the series answer
    /// now says anyway (a skip after a series no, a one-off after a series
    /// yes), so a row carries only what still matters.
    pub fn tidy_exceptions(&mut self, today: NaiveDate) {
        let status = self.status;
        self.exceptions.retain(|date, e| {
            *date >= today
                && match e.status {
                    RsvpStatus::Yes => status != RsvpStatus::Yes,
                    RsvpStatus::No => matches!(status, RsvpStatus::Yes | RsvpStatus::Maybe),
                    _ => false,
                }
        });
    }
}

/// Work the scheduler does at a given time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DueJob {
    /// Remind attendees of `occurrence`. Stale (ignored) when the event's
    /// sequence moved on: the edit scheduled fresh reminders.
    Reminder { event: EventId, occurrence: Timestamp, minutes_before: u32, sequence: u32 },
    /// `occurrence` starts: schedule the next occurrence's reminders.
    Occurrence { event: EventId, occurrence: Timestamp, sequence: u32 },
    /// A waitlisted member's held seat expires unless they confirmed.
    OfferExpires { event: EventId, member: MemberId },
}

/// A due job with its place in the due index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Due {
    pub id: u64,
    pub at: Timestamp,
    pub job: DueJob,
}

impl Due {
    /// Due time (ms, big endian) then id: a range scan finds what is due.
    pub fn key(&self) -> Vec<u8> {
        let ms = self.at.timestamp_millis().max(0) as u64;
        let mut key = Vec::with_capacity(16);
        key.extend_from_slice(&ms.to_be_bytes());
        key.extend_from_slice(&self.id.to_be_bytes());
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(start_local: &str, zone: &str, recurrence: Recurrence) -> Event {
        let tz = Timezone::parse(zone).expect("zone");
        let local = NaiveDateTime::parse_from_str(start_local, "%Y-%m-%d %H:%M").expect("time");
        let start = tz.to_utc(local);
        Event {
            id: EventId(1),
            kind: EventKind::Mastermind,
            title: "t".into(),
            agenda: String::new(),
            expert: None,
            location: None,
            start,
            timezone: tz,
            duration_minutes: 90,
            recurrence,
            capacity: None,
            plus_ones: 0,
            audience: Audience::Everyone,
            rsvp_deadline: None,
            reminders: DEFAULT_REMINDERS.to_vec(),
            uid: "u".into(),
            uid_per_attendee: false,
            sequence: 0,
            cancelled: false,
            skipped: Vec::new(),
            organizer: MemberId(1),
            created_at: start,
            updated_at: start,
        }
    }

    fn locals(e: &Event, n: u32) -> Vec<String> {
        (0..n)
            .filter_map(|k| e.nth_occurrence(k))
            .map(|t| e.timezone.local(t).format("%Y-%m-%d %H:%M %a").to_string())
            .collect()
    }

    fn utcs(e: &Event, n: u32) -> Vec<String> {
        (0..n).filter_map(|k| e.nth_occurrence(k)).map(|t| t.format("%m-%d %H:%M").to_string()).collect()
    }

    #[test]
    fn monthly_bucharest_stays_at_six_local_across_both_dst_changes() {
        let e = event("2026-01-15 18:00", "Europe/Bucharest", Recurrence::MonthlyByDay);
        let local = locals(&e, 12);
        assert!(local.iter().all(|l| l.contains(" 18:00 ")), "{local:?}");
        // EET is UTC+2, EEST (29 March to 25 October 2026) UTC+3.
        assert_eq!(
            utcs(&e, 12),
            [
                "01-15 16:00",
                "02-15 16:00",
                "03-15 16:00",
                "04-15 15:00",
                "05-15 15:00",
                "06-15 15:00",
                "07-15 15:00",
                "08-15 15:00",
                "09-15 15:00",
                "10-15 15:00",
                "11-15 16:00",
                "12-15 16:00"
            ]
        );
    }

    #[test]
    fn monthly_new_york_follows_its_own_dst_dates() {
        // US DST 2026: 8 March to 1 November. A series on the 10th moves in
        // March (Europe has not changed yet) and on 10 November.
        let e = event("2026-02-10 18:00", "America/New_York", Recurrence::MonthlyByDay);
        assert!(locals(&e, 11).iter().all(|l| l.contains(" 18:00 ")));
        assert_eq!(
            utcs(&e, 11),
            [
                "02-10 23:00",
                "03-10 22:00",
                "04-10 22:00",
                "05-10 22:00",
                "06-10 22:00",
                "07-10 22:00",
                "08-10 22:00",
                "09-10 22:00",
                "10-10 22:00",
                "11-10 23:00",
                "12-10 23:00"
            ]
        );
        // Between the US and EU changes (10-28 March) the two zones are 6 hours apart, not 7.
        let ny = event("2026-03-10 12:00", "America/New_York", Recurrence::None);
        let buc = event("2026-03-10 18:00", "Europe/Bucharest", Recurrence::None);
        assert_eq!((buc.start - ny.start).num_hours(), 0);
    }

    #[test]
    fn nth_weekday_and_last_weekday_series() {
        // 2nd Tuesday.
        let e = event("2026-01-13 08:30", "Europe/Bucharest", Recurrence::MonthlyByWeekday);
        assert_eq!(e.rrule().as_deref(), Some("FREQ=MONTHLY;BYDAY=2TU"));
        assert_eq!(
            locals(&e, 4),
            ["2026-01-13 08:30 Tue", "2026-02-10 08:30 Tue", "2026-03-10 08:30 Tue", "2026-04-14 08:30 Tue"]
        );
        // The last Thursday (29 January is in the month's last week).
        let e = event("2026-01-29 18:00", "America/New_York", Recurrence::MonthlyByWeekday);
        assert_eq!(e.rrule().as_deref(), Some("FREQ=MONTHLY;BYDAY=-1TH"));
        assert_eq!(
            locals(&e, 4),
            ["2026-01-29 18:00 Thu", "2026-02-26 18:00 Thu", "2026-03-26 18:00 Thu", "2026-04-30 18:00 Thu"]
        );
    }

    #[test]
    fn quarterly_and_weekly_series() {
        let e = event("2026-01-20 12:00", "Europe/Bucharest", Recurrence::Quarterly);
        assert_eq!(e.rrule().as_deref(), Some("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=20"));
        assert_eq!(
            locals(&e, 4),
            ["2026-01-20 12:00 Tue", "2026-04-20 12:00 Mon", "2026-07-20 12:00 Mon", "2026-10-20 12:00 Tue"]
        );
        assert_eq!(utcs(&e, 4), ["01-20 10:00", "04-20 09:00", "07-20 09:00", "10-20 09:00"]);
        let w = event("2026-10-19 18:00", "Europe/Bucharest", Recurrence::Weekly);
        assert_eq!(utcs(&w, 2), ["10-19 15:00", "10-26 16:00"]);
    }

    #[test]
    fn months_without_the_day_are_skipped_and_skips_are_honoured() {
        let mut e = event("2026-01-31 18:00", "Europe/Bucharest", Recurrence::MonthlyByDay);
        let firsts: Vec<_> = (0..3).filter_map(|k| e.nth_occurrence(k)).collect();
        assert_eq!(firsts.len(), 2, "February has no 31st");
        e.skipped.push(firsts[1]);
        let next = e.occurrence_after(firsts[0]).expect("a later one");
        assert_eq!(e.timezone.local(next).format("%Y-%m-%d").to_string(), "2026-05-31");
    }

    #[test]
    fn times_in_a_dst_gap_move_forward() {
        let tz = Timezone::parse("Europe/Bucharest").expect("zone");
        let gap = NaiveDateTime::parse_from_str("2026-03-29 03:30", "%Y-%m-%d %H:%M").expect("time");
        assert_eq!(tz.to_utc(gap).format("%H:%M").to_string(), "01:30");
        assert!(Timezone::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn occurrences_are_found_by_local_date() {
        let e = event("2026-01-31 18:00", "Europe/Bucharest", Recurrence::MonthlyByDay);
        let on = |d: &str| e.occurrence_on(NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date"));
        assert_eq!(on("2026-03-31").map(|t| t.format("%m-%d %H:%M").to_string()).as_deref(), Some("03-31 15:00"));
        assert_eq!(on("2026-02-28"), None, "February has no 31st");
        assert_eq!(on("2026-03-30"), None);
        assert_eq!(on("2025-12-31"), None, "before the first");
        let next: Vec<_> = e.upcoming(e.start, 3).iter().map(|t| e.date_of(*t).to_string()).collect();
        assert_eq!(next, ["2026-01-31", "2026-03-31", "2026-05-31"]);
    }

    #[test]
    fn exceptions_count_seats_per_date_and_old_rows_still_read() {
        let old = r#"{"event":1,"member":2,"status":"yes","plus_ones":1,"at":"2026-11-23T12:00:00Z"}"#;
        let mut r: Rsvp = serde_json::from_str(old).expect("an old row reads");
        assert!(r.exceptions.is_empty());
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        r.exceptions.insert(d("2026-12-03"), Exception::skip());
        assert_eq!((r.seats_on(d("2026-12-03")), r.seats_on(d("2027-01-03"))), (0, 2));
        let json = serde_json::to_string(&r).expect("json");
        assert!(json.contains(r#""exceptions":{"2026-12-03":{"status":"no","plus_ones":0}}"#), "{json}");
        assert_eq!(serde_json::from_str::<Rsvp>(&json).expect("reads"), r);
        // A series no makes the skip moot; a one-off stays, past dates go.
        r.status = RsvpStatus::No;
        r.exceptions.insert(d("2027-01-03"), Exception::one_off(0));
        r.exceptions.insert(d("2026-11-03"), Exception::one_off(0));
        r.tidy_exceptions(d("2026-11-23"));
        assert_eq!(r.exceptions.keys().map(|k| k.to_string()).collect::<Vec<_>>(), ["2027-01-03"]);
        assert!(r.one_off(d("2027-01-03")) && r.seats_on(d("2027-01-03")) == 1);
    }

    #[test]
    fn audience_and_recurrence_words() {
        assert_eq!(Audience::parse("champions:3").expect("ok"), Audience::Champions(3));
        assert_eq!(Audience::parse("champions").expect("ok"), Audience::Champions(1));
        assert_eq!(Audience::parse("role:organizer").expect("ok"), Audience::Role(Role::Organizer));
        assert_eq!(Audience::parse("list").expect("ok"), Audience::List);
        assert!(Audience::parse("martians").is_err());
        assert_eq!(Recurrence::parse("quarterly").expect("ok"), Recurrence::Quarterly);
        assert!(Recurrence::parse("fortnight").is_err());
        assert_eq!("advisory-board".parse::<EventKind>().expect("ok"), EventKind::AdvisoryBoard);
    }
}
