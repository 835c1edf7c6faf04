//! Events: `events`, `event create|edit|cancel|invite|show|skip`, `rsvp`,
//! `agenda`, `attendees`, `ics`, `timezone`.
//!
//! Capacity counts plus-ones. A yes that doesn't fit joins the waitlist in
//! order; when seats free up the first waitlisted party that fits is offered
//! a seat held until a deadline (see `schedule.rs` for what happens then).
//! RSVPs belong to the event: for a series they hold for every occurrence,
//! except the dates a member answered on their own (`occurrences.rs`).

use chrono::Duration;
use serde_json::{Value, json};
use vouch_store::{
    Action, Audience, DEFAULT_REMINDERS, Event, EventId, EventKind, IdentityKey, Member, Read, Recurrence,
    ReferralState, Role, Rsvp, RsvpStatus, Timestamp, Timezone,
};

use super::calendar::ics_for;
use super::event_settings::{apply_settings, bad};
use super::occurrences::{self, DateAnswer, seats_needed};
use super::schedule;
use super::{Cx, Extras, create_member};
use crate::command::{EventAction, OccurrenceDate};
use crate::error::UserError;
use crate::ics::{self, Method};
use crate::reply::Outcome;

/// How long a promoted waitlister has to confirm (never past the start).
const OFFER_HOURS: i64 = 24;
const LIST_LIMIT: usize = 20;

/// A moment in `zone`, written in the reader's language when rendered
/// ("Thu 3 Dec 2026, 12:30 EET", "joi, 3 decembrie 2026 la 12:30 EET").
pub(super) fn when(t: Timestamp, zone: Timezone) -> String {
    crate::intl::moment(t, zone)
}

/// Where a member sees times: their own zone, else the event's.
pub(super) fn zone_for(member: &Member, event: &Event) -> Timezone {
    member.timezone.unwrap_or(event.timezone)
}

pub(super) fn load(cx: &Cx<'_, '_>, id: EventId) -> Result<Event, UserError> {
    cx.tx.event(id)?.ok_or_else(|| UserError::UnknownEvent { id: id.to_string() })
}

fn is_organizer(cx: &Cx<'_, '_>) -> bool {
    cx.caller.admin || cx.me.has_role(Role::Organizer)
}

/// Is `member` in the event's audience (so may answer without an invitation)?
fn in_audience(cx: &Cx<'_, '_>, event: &Event, member: &Member) -> Result<bool, UserError> {
    Ok(match &event.audience {
        Audience::Everyone => true,
        Audience::Champions(n) => {
            let count =
                cx.tx.referrals_by_referrer(member.id)?.iter().filter(|r| r.state != ReferralState::Rejected).count();
            count >= *n as usize
        }
        Audience::Role(role) => member.has_role(*role),
        Audience::List => false,
    })
}

/// May `member` see this event (listing, agenda, calendar)?
pub(super) fn visible_to(cx: &Cx<'_, '_>, event: &Event, member: &Member) -> Result<bool, UserError> {
    Ok(member.has_role(Role::Organizer)
        || cx.tx.rsvp(event.id, member.id)?.is_some()
        || in_audience(cx, event, member)?)
}

/// The event as templates see it, with times in `zone`.
pub(super) fn event_json(event: &Event, zone: Timezone, now: Timestamp) -> Value {
    let next = event.next_occurrence(now);
    json!({
        "id": event.id.to_string(),
        "kind": crate::intl::text(&format!("event-kind-{}", event.kind.as_str()), &[]),
        "title": event.title,
        "agenda": event.agenda,
        "agenda_lines": event.agenda.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>(),
        "expert": event.expert,
        "location": event.location,
        "when": when(next.unwrap_or(event.start), zone),
        "first": when(event.start, zone),
        "zone": zone.name(),
        "event_zone": event.timezone.name(),
        "duration": crate::intl::duration(event.duration_minutes),
        "every": match event.recurrence {
            Recurrence::None => Value::Null,
            Recurrence::Weekly => json!(crate::intl::text("every-week", &[])),
            Recurrence::MonthlyByDay => json!(crate::intl::text("every-month", &[])),
            Recurrence::MonthlyByWeekday => json!(nth_weekday_text(event)),
            Recurrence::Quarterly => json!(crate::intl::text("every-quarter", &[])),
        },
        "capacity": event.capacity,
        "plus_ones": event.plus_ones,
        "audience": audience_text(&event.audience),
        "deadline": event.rsvp_deadline.map(|d| when(d, zone)),
        "cancelled": event.cancelled,
        "over": next.is_none() && !event.cancelled,
        "sequence": event.sequence,
    })
}

/// Who may come, in the reader's language ("everyone", "toată lumea").
fn audience_text(audience: &Audience) -> String {
    match audience {
        Audience::Everyone => crate::intl::text("audience-everyone", &[]),
        Audience::Champions(n) => crate::intl::text("audience-champions", &[("count", json!(n))]),
        Audience::Role(r) => crate::intl::text("audience-role", &[("role", json!(crate::intl::role(*r)))]),
        Audience::List => crate::intl::text("audience-list", &[]),
    }
}

/// "every month on the second Thursday", "every month on the last Friday",
/// in the reader's language (`every-month-weekday`).
fn nth_weekday_text(event: &Event) -> String {
    use chrono::{Datelike as _, Weekday};
    let local = event.timezone.local(event.start).date();
    let (n, _) = vouch_store::weekday_position(local);
    let nth = match n {
        1 => "first",
        2 => "second",
        3 => "third",
        4 => "fourth",
        _ => "last",
    };
    let weekday = match local.weekday() {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    };
    crate::intl::text("every-month-weekday", &[("nth", json!(nth)), ("weekday", json!(weekday))])
}

/// Labels are locale keys (`action.rsvp_yes`), translated by the adapters.
fn rsvp_actions(event: &Event) -> Vec<Action> {
    ["yes", "no", "maybe"]
        .iter()
        .map(|a| Action::new(format!("action.rsvp_{a}"), format!("rsvp {} {a}", event.id)))
        .collect()
}

/// Sends `template` with the event's ICS (`method`) to everyone invited
/// who hasn't declined.
fn tell_everyone(cx: &mut Cx<'_, '_>, event: &Event, template: &str, method: Method) -> Result<usize, UserError> {
    let mut sent = 0;
    for r in cx.tx.rsvps_of_event(event.id)? {
        // A "no" to the series with a seat on one date still needs to hear
        // that the date moved or was called off.
        let one_off = r.exceptions.values().any(|x| x.status == RsvpStatus::Yes);
        if r.status == RsvpStatus::No && !one_off {
            continue;
        }
        let member = cx.member(r.member)?;
        let data = json!({ "name": member.display_name, "event": event_json(event, zone_for(&member, event), cx.now) });
        let attachment = ics_for(cx, event, &member, r.status, method)?;
        let actions = if method == Method::Cancel { Vec::new() } else { rsvp_actions(event) };
        cx.notify_with(&member, template, data, Extras { actions, attachments: vec![attachment] })?;
        sent += 1;
    }
    Ok(sent)
}

pub(super) fn list(cx: &mut Cx<'_, '_>, mine: bool) -> Result<Outcome, UserError> {
    let me = cx.me.clone();
    let mut rows = Vec::new();
    for event in cx.tx.events()? {
        let Some(next) = event.next_occurrence(cx.now) else { continue };
        let answer = cx.tx.rsvp(event.id, me.id)?;
        let shown = if mine {
            answer.as_ref().is_some_and(|r| r.status != RsvpStatus::No)
        } else {
            visible_to(cx, &event, &me)?
        };
        if shown {
            let mut data = event_json(&event, zone_for(&me, &event), cx.now);
            data["answer"] = json!(answer.map(|r| r.status.as_str()));
            rows.push((next, data));
        }
    }
    rows.sort_by_key(|(t, _)| *t);
    let total = rows.len();
    let events: Vec<Value> = rows.into_iter().take(LIST_LIMIT).map(|(_, d)| d).collect();
    // One choice per event: its agenda, which offers the RSVP buttons.
    let actions = events
        .iter()
        .filter_map(|e| {
            let (id, title, when) = (e["id"].as_str()?, e["title"].as_str()?, e["when"].as_str()?);
            Some(Action::new(format!("{title} — {when}"), format!("agenda {id}")))
        })
        .collect();
    let outcome =
        cx.reply("reply/events", json!({ "events": events, "mine": mine, "more": total > LIST_LIMIT, "total": total }));
    Ok(outcome.with_actions(actions))
}

pub(super) fn event(cx: &mut Cx<'_, '_>, action: EventAction) -> Result<Outcome, UserError> {
    match action {
        EventAction::Create(settings) => create(cx, &settings),
        EventAction::Edit(id, settings) => edit(cx, id, &settings),
        EventAction::Cancel(id) => cancel(cx, id),
        EventAction::Invite(id, who) => invite(cx, id, &who),
        EventAction::Show(id) => {
            let event = load(cx, id)?;
            let data = roster_reply(cx, &event, None)?;
            Ok(cx.reply("reply/event_details", data))
        }
        EventAction::Skip(id, date) => skip(cx, id, date),
    }
}

fn create(cx: &mut Cx<'_, '_>, settings: &[(String, String)]) -> Result<Outcome, UserError> {
    let has = |k: &[&str]| settings.iter().any(|(key, _)| k.contains(&key.as_str()));
    if !has(&["title", "name"]) {
        return Err(bad("title", "a new event needs a title, e.g. title=\"Referral lunch\""));
    }
    if !has(&["start", "at", "when"]) {
        return Err(bad("start", "a new event needs a start, e.g. start=\"2026-12-03 12:30\""));
    }
    let id = EventId(cx.tx.next_id("event")?);
    let zone = cx.me.timezone.unwrap_or_default();
    let mut event = Event {
        id,
        kind: EventKind::Lunch,
        title: String::new(),
        agenda: String::new(),
        expert: None,
        location: None,
        start: cx.now,
        timezone: zone,
        duration_minutes: 90,
        recurrence: Recurrence::None,
        capacity: None,
        plus_ones: 0,
        audience: Audience::Everyone,
        rsvp_deadline: None,
        reminders: DEFAULT_REMINDERS.to_vec(),
        uid: ics::uid_for(id, cx.now),
        uid_per_attendee: true,
        sequence: 0,
        cancelled: false,
        skipped: Vec::new(),
        organizer: cx.me.id,
        created_at: cx.now,
        updated_at: cx.now,
    };
    apply_settings(&mut event, settings)?;
    if !has(&["agenda", "description"]) {
        event.agenda = event.kind.default_agenda().to_string();
    }
    if event.start <= cx.now {
        return Err(bad("start", "that time has passed; pick a time in the future"));
    }
    cx.tx.put_event(&event)?;
    schedule::schedule_occurrence(cx.tx, &event, cx.now, cx.now)?;
    let data = json!({ "event": event_json(&event, event.timezone, cx.now), "rrule": event.rrule() });
    Ok(cx.reply("reply/event_created", data))
}

fn edit(cx: &mut Cx<'_, '_>, id: EventId, settings: &[(String, String)]) -> Result<Outcome, UserError> {
    let mut event = load(cx, id)?;
    if event.cancelled {
        return Err(UserError::EventCancelled { title: event.title });
    }
    let start = event.start;
    apply_settings(&mut event, settings)?;
    if event.start != start && event.start <= cx.now {
        return Err(bad("start", "that time has passed; pick a time in the future"));
    }
    // Nobody loses a confirmed seat to an edit: the organizer releases
    // seats first (`rsvp E no IDENTITY`), and the people are told.
    if let Some(capacity) = event.capacity {
        let taken = seats_needed(&event, &cx.tx.rsvps_of_event(event.id)?, None, cx.now);
        if capacity < taken {
            let hint = format!(
                "{taken} seats are already taken; free some first with `rsvp {id} no IDENTITY`, or keep capacity at {taken} or more"
            );
            return Err(bad("capacity", &hint));
        }
    }
    event.sequence += 1;
    event.updated_at = cx.now;
    cx.tx.put_event(&event)?;
    schedule::schedule_occurrence(cx.tx, &event, cx.now, cx.now)?;
    let told = tell_everyone(cx, &event, "notice/event_updated", Method::Request)?;
    promote(cx, &event)?;
    let data = json!({ "event": event_json(&event, event.timezone, cx.now), "told": told });
    Ok(cx.reply("reply/event_updated", data))
}

fn cancel(cx: &mut Cx<'_, '_>, id: EventId) -> Result<Outcome, UserError> {
    let mut event = load(cx, id)?;
    if event.cancelled {
        return Err(UserError::EventCancelled { title: event.title });
    }
    event.cancelled = true;
    event.sequence += 1;
    event.updated_at = cx.now;
    cx.tx.put_event(&event)?;
    let told = tell_everyone(cx, &event, "notice/event_cancelled", Method::Cancel)?;
    let data = json!({ "event": event_json(&event, event.timezone, cx.now), "told": told });
    Ok(cx.reply("reply/event_cancelled", data))
}

fn skip(cx: &mut Cx<'_, '_>, id: EventId, date: chrono::NaiveDate) -> Result<Outcome, UserError> {
    let mut event = load(cx, id)?;
    if event.cancelled {
        return Err(UserError::EventCancelled { title: event.title });
    }
    let mut t = event.next_occurrence(cx.now);
    while let Some(o) = t {
        let local = event.timezone.local(o).date();
        if local >= date {
            break;
        }
        t = event.occurrence_after(o);
    }
    let occurrence = t
        .filter(|o| event.timezone.local(*o).date() == date)
        .ok_or_else(|| bad("date", format!("{} has no upcoming date on {date}", event.title)))?;
    event.skipped.push(occurrence);
    event.sequence += 1;
    event.updated_at = cx.now;
    cx.tx.put_event(&event)?;
    schedule::schedule_occurrence(cx.tx, &event, cx.now, cx.now)?;
    let told = tell_everyone(cx, &event, "notice/event_updated", Method::Request)?;
    let data = json!({
        "event": event_json(&event, event.timezone, cx.now),
        "skipped": when(occurrence, event.timezone),
        "told": told,
    });
    Ok(cx.reply("reply/event_skipped", data))
}

fn invite(cx: &mut Cx<'_, '_>, id: EventId, who: &[IdentityKey]) -> Result<Outcome, UserError> {
    let event = load(cx, id)?;
    if event.cancelled {
        return Err(UserError::EventCancelled { title: event.title });
    }
    if event.next_occurrence(cx.now).is_none() {
        return Err(UserError::EventOver { title: event.title });
    }
    let members: Vec<Member> = if who.is_empty() {
        if event.audience == Audience::List {
            return Err(bad("audience", "this event is for a list: name the people, e.g. event invite E1 alice bob"));
        }
        let mut all = Vec::new();
        for m in cx.tx.members()? {
            if m.id != cx.me.id && in_audience(cx, &event, &m)? {
                all.push(m);
            }
        }
        all
    } else {
        let mut named = Vec::new();
        for identity in who {
            let m = match cx.tx.member_by_identity(identity)? {
                Some(m) => m,
                None => create_member(cx.tx, identity, identity.external(), [Role::Member].into(), false, cx.now)?,
            };
            if !named.iter().any(|n: &Member| n.id == m.id) {
                named.push(m);
            }
        }
        named
    };
    let mut invited = Vec::new();
    let mut already = Vec::new();
    for member in members {
        if send_invitation(cx, &event, &member)? {
            invited.push(member.display_name.clone());
        } else {
            already.push(member.display_name.clone());
        }
    }
    let data = json!({ "event": event_json(&event, event.timezone, cx.now), "invited": invited, "already": already });
    Ok(cx.reply("reply/event_invited", data))
}

/// Records the invitation and sends it (buttons and the `.ics`); false
/// when the member was already invited.
fn send_invitation(cx: &mut Cx<'_, '_>, event: &Event, member: &Member) -> Result<bool, UserError> {
    if cx.tx.rsvp(event.id, member.id)?.is_some() {
        return Ok(false);
    }
    cx.tx.put_rsvp(&Rsvp::invited(event.id, member.id, cx.now))?;
    // Champion gatherings carry the specific ask (PLAYBOOK): the wish list.
    let champions = matches!(event.kind, EventKind::Lunch | EventKind::Mastermind | EventKind::AdvisoryBoard);
    let wishes = if champions { super::wishes::open_targets(cx, 5)? } else { Vec::new() };
    let data = json!({
        "name": member.display_name,
        "event": event_json(event, zone_for(member, event), cx.now),
        "wishes": wishes,
    });
    let attachment = ics_for(cx, event, member, RsvpStatus::Invited, Method::Request)?;
    let extras = Extras { actions: rsvp_actions(event), attachments: vec![attachment] };
    cx.notify_with(member, "notice/event_invite", data, extras)?;
    Ok(true)
}

/// A granted `event-seat:E3` reward invites its holder to E3 (if that event
/// is still ahead). Seat rewards naming no event (`event-seat:the lunch`)
/// stay a description for the organizer to honour by hand.
pub(super) fn invite_for_reward(cx: &mut Cx<'_, '_>, seat: &str, member: &Member) -> Result<(), UserError> {
    let Ok(id) = seat.trim().parse::<EventId>() else { return Ok(()) };
    match cx.tx.event(id)? {
        Some(event) if !event.cancelled && event.next_occurrence(cx.now).is_some() => {
            send_invitation(cx, &event, member)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A member and their guests.
pub(super) fn party_size(guests: u8) -> u32 {
    1 + u32::from(guests)
}

/// Offers freed seats to the waitlist, in order: the first party that fits
/// gets a seat held until a deadline, and a notice with buttons.
pub(super) fn promote(cx: &mut Cx<'_, '_>, event: &Event) -> Result<(), UserError> {
    let Some(capacity) = event.capacity else {
        // No limit: everyone waiting gets in.
        for mut r in cx
            .tx
            .rsvps_of_event(event.id)?
            .into_iter()
            .filter(|r| r.status == RsvpStatus::Waitlisted && r.offer_expires.is_none())
        {
            r.status = RsvpStatus::Yes;
            r.waitlist_seq = None;
            r.at = cx.now;
            cx.tx.put_rsvp(&r)?;
        }
        return Ok(());
    };
    let Some(next) = event.next_occurrence(cx.now) else { return Ok(()) };
    if event.cancelled {
        return Ok(());
    }
    loop {
        let rsvps = cx.tx.rsvps_of_event(event.id)?;
        let free = capacity.saturating_sub(seats_needed(event, &rsvps, None, cx.now));
        let mut waiting: Vec<&Rsvp> =
            rsvps.iter().filter(|r| r.status == RsvpStatus::Waitlisted && r.offer_expires.is_none()).collect();
        waiting.sort_by_key(|r| r.waitlist_seq.unwrap_or(u64::MAX));
        let Some(first) = waiting.into_iter().find(|r| party_size(r.plus_ones) <= free) else { return Ok(()) };
        let mut offered = first.clone();
        let expires = (cx.now + Duration::hours(OFFER_HOURS)).min(next);
        offered.offer_expires = Some(expires);
        cx.tx.put_rsvp(&offered)?;
        schedule::schedule_offer_expiry(cx.tx, event.id, offered.member, expires)?;
        let member = cx.member(offered.member)?;
        let zone = zone_for(&member, event);
        let data = json!({
            "name": member.display_name,
            "event": event_json(event, zone, cx.now),
            "deadline": when(expires, zone),
            "guests": offered.plus_ones,
        });
        let actions = vec![
            Action::new("action.confirm_seat", format!("rsvp {} yes", event.id)),
            Action::new("action.pass_seat", format!("rsvp {} no", event.id)),
        ];
        cx.notify_with(&member, "notice/event_seat_offered", data, Extras { actions, attachments: Vec::new() })?;
    }
}

/// Place in line (1 = next), counting only those still waiting.
fn waitlist_position(rsvps: &[Rsvp], seq: u64) -> usize {
    rsvps.iter().filter(|r| r.status == RsvpStatus::Waitlisted && r.waitlist_seq.is_some_and(|s| s < seq)).count() + 1
}

pub(super) fn rsvp(
    cx: &mut Cx<'_, '_>,
    id: EventId,
    answer: RsvpStatus,
    guests: u8,
    on_behalf: Option<&IdentityKey>,
    date: Option<OccurrenceDate>,
) -> Result<Outcome, UserError> {
    let event = load(cx, id)?;
    let member = match on_behalf {
        None => cx.me.clone(),
        Some(identity) => {
            if !is_organizer(cx) {
                return Err(UserError::NotAllowed { command: "rsvp for someone else", needed: Role::Organizer });
            }
            cx.tx
                .member_by_identity(identity)?
                .ok_or_else(|| UserError::UnknownPerson { identity: identity.to_string() })?
        }
    };
    if event.cancelled {
        return Err(UserError::EventCancelled { title: event.title });
    }
    let Some(next) = event.next_occurrence(cx.now) else {
        return Err(UserError::EventOver { title: event.title });
    };
    let zone = zone_for(&member, &event);
    if let Some(deadline) = event.rsvp_deadline
        && cx.now > deadline
    {
        return Err(UserError::RsvpClosed { title: event.title, deadline: when(deadline, zone) });
    }
    let existing = cx.tx.rsvp(event.id, member.id)?;
    if existing.is_none() && !in_audience(cx, &event, &member)? {
        return Err(UserError::NotInvited { title: event.title });
    }
    if guests > event.plus_ones {
        return Err(UserError::TooManyGuests { title: event.title, max: event.plus_ones });
    }
    let mut r = existing.clone().unwrap_or_else(|| Rsvp::invited(event.id, member.id, cx.now));
    // One date of a series; on a one-time event its own date is the event.
    if let Some(date) = date {
        let occurrence = occurrences::resolve(&event, date, cx.now, true)?;
        if event.recurrence.is_series() {
            let for_someone = on_behalf.map(|_| member.display_name.clone());
            let ask = DateAnswer { answer, guests, occurrence, for_someone };
            return occurrences::answer(cx, &event, &member, r, ask);
        }
    }
    let rsvps = cx.tx.rsvps_of_event(event.id)?;
    let mut position = None;
    let mut template = "reply/rsvp";
    match answer {
        RsvpStatus::Yes => {
            let free = event.capacity.map(|c| c.saturating_sub(seats_needed(&event, &rsvps, Some(member.id), cx.now)));
            let party = party_size(guests);
            let holds_seat = existing.as_ref().is_some_and(|e| e.seats() > 0);
            if free.is_none_or(|f| party <= f) {
                r.status = RsvpStatus::Yes;
                r.waitlist_seq = None;
                r.offer_expires = None;
            } else if holds_seat {
                // More guests than seats left: keep the seat they have rather than queue them.
                let room = free.unwrap_or_default().saturating_sub(1);
                return Err(UserError::NoRoomForGuests { title: event.title, room });
            } else {
                let seq = match r.waitlist_seq {
                    Some(s) if r.status == RsvpStatus::Waitlisted => s,
                    _ => cx.tx.next_id("waitlist")?,
                };
                r.status = RsvpStatus::Waitlisted;
                r.waitlist_seq = Some(seq);
                r.offer_expires = None;
                position = Some(waitlist_position(&rsvps, seq));
                template = "reply/rsvp_waitlisted";
            }
        }
        other => {
            r.status = other;
            r.waitlist_seq = None;
            r.offer_expires = None;
        }
    }
    r.plus_ones = guests;
    r.at = cx.now;
    r.tidy_exceptions(event.date_of(cx.now));
    cx.tx.put_rsvp(&r)?;
    super::webhooks::rsvp(cx, &event, &r)?;
    promote(cx, &event)?;
    let mut data = json!({
        "event": event_json(&event, zone, cx.now),
        "answer": r.status.as_str(),
        "guests": guests,
        "position": position,
        "for_someone": on_behalf.map(|_| member.display_name.clone()),
        "next": when(next, zone),
    });
    if let Some(capacity) = event.capacity {
        let taken = seats_needed(&event, &cx.tx.rsvps_of_event(event.id)?, None, cx.now);
        data["seats_left"] = json!(capacity.saturating_sub(taken));
    }
    Ok(cx.reply(template, data))
}

/// The list of one occurrence (`on`, default the next) with the event,
/// for `attendees` and `event show`.
fn roster_reply(cx: &Cx<'_, '_>, event: &Event, on: Option<OccurrenceDate>) -> Result<Value, UserError> {
    let occurrence = match on {
        Some(date) => Some(occurrences::resolve(event, date, cx.now, false)?),
        None => {
            event.next_occurrence(cx.now).map(|start| occurrences::Occurrence { date: event.date_of(start), start })
        }
    };
    let mut data = occurrences::roster(cx, event, occurrence)?;
    let zone = zone_for(&cx.me, event);
    data["event"] = event_json(event, zone, cx.now);
    if let Some(o) = occurrence {
        data["event"]["when"] = json!(when(o.start, zone));
    }
    Ok(data)
}

pub(super) fn attendees(cx: &mut Cx<'_, '_>, id: EventId, date: Option<OccurrenceDate>) -> Result<Outcome, UserError> {
    let event = load(cx, id)?;
    let data = roster_reply(cx, &event, date)?;
    Ok(cx.reply("reply/attendees", data))
}

pub(super) fn agenda(cx: &mut Cx<'_, '_>, id: EventId) -> Result<Outcome, UserError> {
    let event = load(cx, id)?;
    let me = cx.me.clone();
    if !visible_to(cx, &event, &me)? && !cx.caller.admin {
        return Err(UserError::NotInvited { title: event.title });
    }
    let data = json!({ "event": event_json(&event, zone_for(&me, &event), cx.now) });
    // Answering is the next step for someone who may, while answers are open.
    let can_answer = !event.cancelled
        && event.next_occurrence(cx.now).is_some()
        && event.rsvp_deadline.is_none_or(|d| d >= cx.now)
        && (cx.tx.rsvp(event.id, me.id)?.is_some() || in_audience(cx, &event, &me)?);
    let actions = if can_answer { rsvp_actions(&event) } else { Vec::new() };
    Ok(cx.reply("reply/agenda", data).with_actions(actions))
}
