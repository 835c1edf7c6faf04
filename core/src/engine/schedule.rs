//! The durable scheduler: reminders, series rollover and held-seat
//! deadlines are rows in the `event_due` index. [`EngineCore::run_due`]
//! runs each due row in one transaction that also removes it and queues its
//! notices, so a restart never skips or repeats one.

use chrono::Duration;
use serde_json::json;
use vouch_store::{Action, Due, DueJob, Event, EventId, MemberId, Read, RsvpStatus, Timestamp, WriteTx};

use super::events::{event_json, promote, when, zone_for};
use super::{Caller, Cx, EngineCore, Extras};
use crate::error::UserError;

/// Due rows handled per call at most (the serve loop calls again).
const BATCH: usize = 200;

/// Schedules the reminders of the next occurrence at or after `from`
/// (those still in the future), and for a series the job that rolls over
/// to the occurrence after it. Rows of an older `sequence` are left to
/// expire: they are recognised as stale when due.
pub(super) fn schedule_occurrence(
    tx: &WriteTx<'_>,
    event: &Event,
    from: Timestamp,
    now: Timestamp,
) -> Result<(), UserError> {
    let Some(occurrence) = event.next_occurrence(from) else { return Ok(()) };
    for minutes in &event.reminders {
        let at = occurrence - Duration::minutes(i64::from(*minutes));
        if at > now {
            let job =
                DueJob::Reminder { event: event.id, occurrence, minutes_before: *minutes, sequence: event.sequence };
            tx.put_due(&Due { id: tx.next_id("due")?, at, job })?;
        }
    }
    if event.recurrence.is_series() {
        let job = DueJob::Occurrence { event: event.id, occurrence, sequence: event.sequence };
        tx.put_due(&Due { id: tx.next_id("due")?, at: occurrence, job })?;
    }
    Ok(())
}

pub(super) fn schedule_offer_expiry(
    tx: &WriteTx<'_>,
    event: EventId,
    member: MemberId,
    at: Timestamp,
) -> Result<(), UserError> {
    tx.put_due(&Due { id: tx.next_id("due")?, at, job: DueJob::OfferExpires { event, member } })?;
    Ok(())
}

fn reminder_text(minutes: u32) -> String {
    crate::intl::soon(minutes)
}

impl EngineCore {
    /// Runs every scheduler row due at `now`; returns how many ran.
    pub fn run_due(&self, now: Timestamp) -> Result<usize, UserError> {
        let mut done = 0;
        loop {
            let due = self.store.due_jobs(now, BATCH)?;
            if due.is_empty() {
                return Ok(done);
            }
            for row in due {
                self.store.write(|tx| self.run_one(tx, &row, now))?;
                done += 1;
            }
        }
    }

    /// When the scheduler next has work (the serve loop sleeps until then).
    pub fn next_due(&self) -> Result<Option<Timestamp>, UserError> {
        Ok(self.store.next_due()?)
    }

    fn run_one(&self, tx: &WriteTx<'_>, row: &Due, now: Timestamp) -> Result<(), UserError> {
        // Another caller may have run it since it was read.
        if tx.due_row(row)?.is_none() {
            return Ok(());
        }
        tx.remove_due(row)?;
        let event_id = match &row.job {
            DueJob::Reminder { event, .. } | DueJob::Occurrence { event, .. } | DueJob::OfferExpires { event, .. } => {
                *event
            }
        };
        let Some(event) = tx.event(event_id)? else { return Ok(()) };
        let Some(organizer) = tx.member(event.organizer)? else { return Ok(()) };
        let caller = Caller::admin();
        let mut cx = Cx { engine: self, tx, me: organizer, caller: &caller, now, effects: Vec::new(), mail: None };
        match &row.job {
            DueJob::Reminder { occurrence, minutes_before, sequence, .. } => {
                let current = *sequence == event.sequence && !event.cancelled;
                // A reminder found after its occurrence began (vouch was down) is dropped.
                if current && *occurrence > now && !event.skipped.contains(occurrence) {
                    remind(&mut cx, &event, *occurrence, *minutes_before)?;
                }
            }
            DueJob::Occurrence { occurrence, sequence, .. } => {
                if *sequence == event.sequence && !event.cancelled {
                    let from = (*occurrence + Duration::seconds(1)).max(now);
                    schedule_occurrence(tx, &event, from, now)?;
                }
            }
            DueJob::OfferExpires { member, .. } => {
                if let Some(mut r) = tx.rsvp(event.id, *member)?
                    && r.status == RsvpStatus::Waitlisted
                    && r.offer_expires == Some(row.at)
                {
                    r.status = RsvpStatus::No;
                    r.offer_expires = None;
                    r.waitlist_seq = None;
                    r.at = now;
                    tx.put_rsvp(&r)?;
                    let m = cx.member(*member)?;
                    let data =
                        json!({ "name": m.display_name, "event": event_json(&event, zone_for(&m, &event), now) });
                    cx.notify(&m, "notice/event_offer_expired", data)?;
                    promote(&mut cx, &event)?;
                }
            }
        }
        Ok(())
    }
}

fn remind(cx: &mut Cx<'_, '_>, event: &Event, occurrence: Timestamp, minutes: u32) -> Result<(), UserError> {
    // Those coming to this date: series yes (and maybe) minus who skips it,
    // plus who took a seat for this date only.
    let date = event.date_of(occurrence);
    for r in cx.tx.rsvps_of_event(event.id)? {
        let answer = r.status_on(date);
        if !matches!(answer, RsvpStatus::Yes | RsvpStatus::Maybe) {
            continue;
        }
        let m = cx.member(r.member)?;
        let zone = zone_for(&m, event);
        let skip = format!("rsvp {} no {date}", event.id);
        let data = json!({
            "name": m.display_name,
            "event": event_json(event, zone, cx.now),
            "at": when(occurrence, zone),
            "soon": reminder_text(minutes),
            "answer": answer.as_str(),
            "once": r.one_off(date),
            "skip": event.recurrence.is_series().then_some(&skip),
        });
        // A series member who can't come this time says so with one press.
        let actions =
            if event.recurrence.is_series() { vec![Action::new("action.skip_date", skip.clone())] } else { Vec::new() };
        cx.notify_with(&m, "notice/event_reminder", data, Extras { actions, attachments: Vec::new() })?;
    }
    Ok(())
}
