//! One date of a series: `rsvp E yes|no DATE` (a skip, or a one-off seat),
//! the seats and the list of one occurrence (`attendees E DATE`), and
//! offering a seat a skip freed to the waitlist, for that date only.
//!
//! The series answer stays the rule; an exception (`Rsvp::exceptions`) only
//! says where one date differs. An occurrence's seats are the series seats
//! minus skips plus one-offs. Because one-offs may fill seats that skips
//! freed, a *series* seat has to fit on every upcoming date
//! ([`seats_needed`]), so a later series yes never overbooks a date.
//! One-offs have no hold and no per-date waitlist: the first to ask gets
//! the seat, later askers are told the date is full.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde_json::{Value, json};
use vouch_store::{Action, Event, Exception, Member, MemberId, Read, Rsvp, RsvpStatus, Timestamp};

use super::events::{event_json, party_size, when, zone_for};
use super::{Cx, Extras};
use crate::command::OccurrenceDate;
use crate::error::UserError;
use crate::reply::Outcome;

/// How many dates a refusal suggests.
const SUGGESTED: usize = 3;

/// One occurrence: its local date (the exceptions' key) and its start.
#[derive(Clone, Copy, Debug)]
pub(super) struct Occurrence {
    pub date: NaiveDate,
    pub start: Timestamp,
}

/// The occurrence a date names. `answering`: it must still be ahead (an
/// answer for a date that began is no answer). Refusals list the next dates.
pub(super) fn resolve(
    event: &Event,
    date: OccurrenceDate,
    now: Timestamp,
    answering: bool,
) -> Result<Occurrence, UserError> {
    let day = match date {
        OccurrenceDate::Next => {
            let start =
                event.next_occurrence(now).ok_or_else(|| UserError::EventOver { title: event.title.clone() })?;
            return Ok(Occurrence { date: event.date_of(start), start });
        }
        OccurrenceDate::On(day) => day,
        OccurrenceDate::At(t) => event.date_of(t),
    };
    let refuse = |reason: &str| UserError::NotAnOccurrence {
        event: event.id.to_string(),
        title: event.title.clone(),
        date: day.to_string(),
        reason: crate::intl::text(&format!("occurrence-{reason}"), &[]),
        upcoming: event.upcoming(now, SUGGESTED).into_iter().map(|o| event.date_of(o).to_string()).collect(),
    };
    let start = event.occurrence_on(day).ok_or_else(|| refuse("no-meeting"))?;
    if event.skipped.contains(&start) {
        return Err(refuse("skipped"));
    }
    if answering && start <= now {
        return Err(refuse("started"));
    }
    Ok(Occurrence { date: day, start })
}

/// Seats taken on one date by everyone but `except`.
pub(super) fn seats_on(rsvps: &[Rsvp], date: NaiveDate, except: Option<MemberId>) -> u32 {
    rsvps.iter().filter(|r| Some(r.member) != except).map(|r| r.seats_on(date)).sum()
}

/// Seats a series answer has to fit into, everyone but `except` counted:
/// the series seats, or more on an upcoming date where one-offs took seats
/// that skips freed.
pub(super) fn seats_needed(event: &Event, rsvps: &[Rsvp], except: Option<MemberId>, now: Timestamp) -> u32 {
    let series: u32 = rsvps.iter().filter(|r| Some(r.member) != except).map(Rsvp::seats).sum();
    let dates: BTreeSet<NaiveDate> = rsvps.iter().flat_map(|r| r.exceptions.keys().copied()).collect();
    dates
        .into_iter()
        .filter(|d| event.occurrence_on(*d).is_some_and(|o| o > now && !event.skipped.contains(&o)))
        .map(|d| seats_on(rsvps, d, except))
        .fold(series, u32::max)
}

/// What an answer for one date did (the reply says it in words).
fn outcome_of(
    r: &mut Rsvp,
    answer: RsvpStatus,
    guests: u8,
    date: NaiveDate,
    free: Option<u32>,
) -> Option<&'static str> {
    let current = r.exceptions.get(&date).map(|e| e.status);
    let fits = |party: u32| free.is_none_or(|f| party <= f);
    Some(match (answer, r.status) {
        (RsvpStatus::No, RsvpStatus::Yes | RsvpStatus::Maybe) => {
            r.exceptions.insert(date, Exception::skip());
            "skip"
        }
        (RsvpStatus::No, _) if current == Some(RsvpStatus::Yes) => {
            r.exceptions.remove(&date);
            "cancel"
        }
        (RsvpStatus::No, _) => "not_coming",
        (_, RsvpStatus::Yes) if current == Some(RsvpStatus::No) => {
            if !fits(party_size(r.plus_ones)) {
                return None;
            }
            r.exceptions.remove(&date);
            "back"
        }
        (_, RsvpStatus::Yes) => "already",
        _ => {
            if !fits(party_size(guests)) {
                return None;
            }
            r.exceptions.insert(date, Exception::one_off(guests));
            "one_off"
        }
    })
}

/// An answer for one date: yes or no, guests for a one-off seat.
pub(super) struct DateAnswer {
    pub answer: RsvpStatus,
    pub guests: u8,
    pub occurrence: Occurrence,
    /// An organizer answering for this person.
    pub for_someone: Option<String>,
}

/// `rsvp E yes|no DATE` on a series, for `member` (whose row is `r`).
pub(super) fn answer(
    cx: &mut Cx<'_, '_>,
    event: &Event,
    member: &Member,
    mut r: Rsvp,
    ask: DateAnswer,
) -> Result<Outcome, UserError> {
    let DateAnswer { answer, guests, occurrence, for_someone } = ask;
    let zone = zone_for(member, event);
    let rsvps = cx.tx.rsvps_of_event(event.id)?;
    let free = event.capacity.map(|c| c.saturating_sub(seats_on(&rsvps, occurrence.date, Some(member.id))));
    let before = r.seats_on(occurrence.date);
    let Some(outcome) = outcome_of(&mut r, answer, guests, occurrence.date, free) else {
        return Err(UserError::DateFull {
            event: event.id.to_string(),
            title: event.title.clone(),
            date: when(occurrence.start, zone),
        });
    };
    r.tidy_exceptions(event.date_of(cx.now));
    cx.tx.put_rsvp(&r)?;
    super::webhooks::rsvp(cx, event, &r)?;
    if r.seats_on(occurrence.date) < before {
        offer_date(cx, event, occurrence, member.id)?;
    }
    let mut data = json!({
        "event": event_json(event, zone, cx.now),
        "date": when(occurrence.start, zone),
        "day": occurrence.date.to_string(),
        "outcome": outcome,
        "series": r.status.as_str(),
        "guests": r.exceptions.get(&occurrence.date).map_or(0, |e| e.plus_ones),
        "for_someone": for_someone,
    });
    if let Some(capacity) = event.capacity {
        let taken = seats_on(&cx.tx.rsvps_of_event(event.id)?, occurrence.date, None);
        data["seats_left"] = json!(capacity.saturating_sub(taken));
    }
    Ok(cx.reply("reply/rsvp_date", data))
}

/// A skip (by `freed_by`) freed a seat on `occurrence`: the first other
/// waitlisted party that fits is told it can have it for that date. No hold: whoever presses
/// first gets it (`rsvp E yes DATE` checks the seats again).
fn offer_date(cx: &mut Cx<'_, '_>, event: &Event, occurrence: Occurrence, freed_by: MemberId) -> Result<(), UserError> {
    let Some(capacity) = event.capacity else { return Ok(()) };
    let rsvps = cx.tx.rsvps_of_event(event.id)?;
    let free = capacity.saturating_sub(seats_on(&rsvps, occurrence.date, None));
    let mut waiting: Vec<&Rsvp> = rsvps
        .iter()
        .filter(|r| r.member != freed_by && r.status == RsvpStatus::Waitlisted && r.seats() == 0)
        .filter(|r| !r.one_off(occurrence.date))
        .collect();
    waiting.sort_by_key(|r| r.waitlist_seq.unwrap_or(u64::MAX));
    let Some(first) = waiting.into_iter().find(|r| party_size(r.plus_ones) <= free) else { return Ok(()) };
    let member = cx.member(first.member)?;
    let zone = zone_for(&member, event);
    let guests = if first.plus_ones > 0 { format!(" +{}", first.plus_ones) } else { String::new() };
    let command = format!("rsvp {} yes {}{guests}", event.id, occurrence.date);
    let data = json!({
        "name": member.display_name,
        "event": event_json(event, zone, cx.now),
        "date": when(occurrence.start, zone),
        "guests": first.plus_ones,
        "command": command,
    });
    let short = crate::intl::short_day(occurrence.start, zone);
    let actions = vec![Action::new(format!("action.take_seat_date|{short}"), command)];
    cx.notify_with(&member, "notice/event_date_offered", data, Extras { actions, attachments: Vec::new() })
}

/// Who comes to one occurrence (the series view when `on` is `None`): series
/// yes minus skips plus one-offs (marked), those skipping it, maybes, the
/// waitlist in order, no answers and declines.
pub(super) fn roster(cx: &Cx<'_, '_>, event: &Event, on: Option<Occurrence>) -> Result<Value, UserError> {
    let rsvps = cx.tx.rsvps_of_event(event.id)?;
    let zone = zone_for(&cx.me, event);
    let date = on.map(|o| o.date);
    let skips = |r: &Rsvp| date.is_some_and(|d| r.skips(d));
    let once = |r: &Rsvp| date.is_some_and(|d| r.one_off(d));
    let row = |r: &Rsvp| -> Result<Value, UserError> {
        let m = cx.member(r.member)?;
        let guests = match date.and_then(|d| r.exceptions.get(&d)) {
            Some(e) if once(r) => e.plus_ones,
            _ => r.plus_ones,
        };
        Ok(json!({
            "name": m.display_name,
            "identity": m.primary_identity.to_string(),
            "guests": guests,
            "offer": r.offer_expires.map(|t| when(t, zone)),
            "once": once(r),
        }))
    };
    let pick = |keep: &dyn Fn(&Rsvp) -> bool| -> Result<Vec<Value>, UserError> {
        rsvps.iter().filter(|r| keep(r)).map(row).collect()
    };
    let coming = pick(&|r| (r.status == RsvpStatus::Yes && !skips(r)) || once(r))?;
    let mut waiting: Vec<&Rsvp> = rsvps.iter().filter(|r| r.status == RsvpStatus::Waitlisted && !once(r)).collect();
    waiting.sort_by_key(|r| r.waitlist_seq.unwrap_or(u64::MAX));
    let mut waitlist = Vec::new();
    for (i, r) in waiting.into_iter().enumerate() {
        let mut v = row(r)?;
        v["place"] = json!(i + 1);
        waitlist.push(v);
    }
    let seats: u32 = match date {
        Some(d) => seats_on(&rsvps, d, None),
        None => rsvps.iter().map(Rsvp::seats).sum(),
    };
    Ok(json!({
        "coming": coming.len(),
        "yes": coming,
        "skipping": pick(&|r| skips(r))?,
        "maybe": pick(&|r| r.status == RsvpStatus::Maybe && !skips(r) && !once(r))?,
        "waitlist": waitlist,
        "invited": pick(&|r| r.status == RsvpStatus::Invited && !once(r))?,
        "no": pick(&|r| r.status == RsvpStatus::No && !once(r))?,
        "seats": seats,
        "capacity": event.capacity,
        "date": on.map(|o| when(o.start, zone)),
        "series": event.recurrence.is_series(),
    }))
}
