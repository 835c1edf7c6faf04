//! Events as calendars: the `.ics` each invitee gets, `ics EVENT`, a
//! member's feed (`ics`, `ics --member IDENTITY`), and `timezone`.

use serde_json::json;
use vouch_store::{Attachment, Event, EventId, IdentityKey, Member, MemberId, Read, Role, RsvpStatus, Timezone};

use super::events::{load, visible_to, when};
use super::{Cx, Engine, Settings};
use crate::error::UserError;
use crate::ics::{self, Attendee, Entry, Method, Person};
use crate::reply::Outcome;

/// A calendar address for a member: their email, else a vouch URN.
pub(super) fn person(member: &Member) -> Person {
    let address = match &member.email {
        Some(e) => format!("mailto:{}", e.as_str()),
        None => format!("urn:vouch:member:{}", member.id),
    };
    Person { name: member.display_name.clone(), address }
}

pub(super) fn organizer_person(cx: &Cx<'_, '_>, event: &Event) -> Result<Person, UserError> {
    organizer_of(cx.settings(), cx.tx, event)
}

fn organizer_of(settings: &Settings, tx: &impl Read, event: &Event) -> Result<Person, UserError> {
    let community = settings.community.clone();
    if let Some(address) = &settings.calendar_address {
        let bare = address.rsplit_once('<').map_or(address.as_str(), |(_, a)| a.trim_end_matches('>')).trim();
        return Ok(Person { name: community, address: format!("mailto:{bare}") });
    }
    match tx.member(event.organizer)? {
        Some(m) if m.email.is_some() => Ok(person(&m)),
        _ => Ok(Person { name: community, address: format!("urn:vouch:organizer:{}", event.organizer) }),
    }
}

/// The words of `member`'s calendars, in their language.
fn calendar_words(settings: &Settings, member: &Member) -> crate::CalendarWords {
    settings.languages.calendar_words(settings.languages.for_member(Some(member), None))
}

/// The `.ics` one member receives for `event` (them as the attendee).
pub(super) fn ics_for(
    cx: &Cx<'_, '_>,
    event: &Event,
    member: &Member,
    status: RsvpStatus,
    method: Method,
) -> Result<Attachment, UserError> {
    let entry = Entry {
        event,
        uid: ics::attendee_uid(event, member.id, cx.engine.signer()),
        organizer: organizer_person(cx, event)?,
        attendees: vec![Attendee { person: person(member), status }],
        skips: Vec::new(),
        recurrence_id: None,
        words: calendar_words(cx.settings(), member),
    };
    let name = if method == Method::Cancel { "cancel.ics" } else { "invite.ics" };
    Ok(Attachment {
        filename: name.into(),
        content_type: method.content_type(),
        content: ics::calendar(method, &[entry], event.updated_at),
    })
}

pub(super) fn ics(cx: &mut Cx<'_, '_>, id: Option<EventId>, who: Option<&IdentityKey>) -> Result<Outcome, UserError> {
    let text = match (id, who) {
        (Some(id), _) => {
            let event = load(cx, id)?;
            let me = cx.me.clone();
            if !cx.caller.admin && !visible_to(cx, &event, &me)? {
                return Err(UserError::NotInvited { title: event.title });
            }
            let mut attendees = Vec::new();
            for r in cx.tx.rsvps_of_event(event.id)? {
                attendees.push(Attendee { person: person(&cx.member(r.member)?), status: r.status });
            }
            let entry = Entry {
                uid: ics::attendee_uid(&event, me.id, cx.engine.signer()),
                event: &event,
                organizer: organizer_person(cx, &event)?,
                attendees,
                skips: Vec::new(),
                recurrence_id: None,
                words: cx.settings().languages.calendar_words(cx.language()),
            };
            ics::calendar(Method::Publish, &[entry], event.updated_at)
        }
        (None, who) => {
            let member = match who {
                None => cx.me.clone(),
                Some(identity) => {
                    if !(cx.caller.admin || cx.me.has_role(Role::Organizer)) {
                        return Err(UserError::NotAllowed { command: "ics for someone else", needed: Role::Organizer });
                    }
                    cx.tx
                        .member_by_identity(identity)?
                        .ok_or_else(|| UserError::UnknownPerson { identity: identity.to_string() })?
                }
            };
            member_feed(cx.settings(), cx.engine.signer(), cx.tx, &member)?
        }
    };
    Ok(cx.reply("reply/ics", json!({ "ics": text })))
}

/// A member's calendar: every event they have not declined, them as the
/// attendee, without the dates they skip (EXDATE); a seat for one date of
/// a series is its own VEVENT (same UID, RECURRENCE-ID). The same for
/// `ics`, `ics --member` and the HTTP feed.
fn member_feed(
    settings: &Settings,
    signer: &crate::Signer,
    tx: &impl Read,
    member: &Member,
) -> Result<String, UserError> {
    let mut rows = Vec::new();
    for r in tx.rsvps_of_member(member.id)? {
        let one_offs = r.exceptions.values().any(|e| e.status == RsvpStatus::Yes);
        if (r.status != RsvpStatus::No || one_offs)
            && let Some(e) = tx.event(r.event)?
        {
            rows.push((e, r));
        }
    }
    let words = calendar_words(settings, member);
    let mut entries = Vec::new();
    for (e, r) in &rows {
        let organizer = organizer_of(settings, tx, e)?;
        let attendee = |status| vec![Attendee { person: person(member), status }];
        let uid = ics::attendee_uid(e, member.id, signer);
        let on = |status: RsvpStatus| {
            r.exceptions
                .iter()
                .filter(move |(_, x)| x.status == status)
                .filter_map(|(d, _)| e.occurrence_on(*d))
                .filter(|o| !e.skipped.contains(o))
        };
        if r.status != RsvpStatus::No {
            entries.push(Entry {
                event: e,
                uid: uid.clone(),
                organizer: organizer.clone(),
                attendees: attendee(r.status),
                skips: on(RsvpStatus::No).collect(),
                recurrence_id: None,
                words: words.clone(),
            });
        }
        if r.status != RsvpStatus::Yes && e.recurrence.is_series() {
            for o in on(RsvpStatus::Yes) {
                entries.push(Entry {
                    event: e,
                    uid: uid.clone(),
                    organizer: organizer.clone(),
                    attendees: attendee(RsvpStatus::Yes),
                    skips: Vec::new(),
                    recurrence_id: Some(o),
                    words: words.clone(),
                });
            }
        }
    }
    let stamp = rows.iter().map(|(e, _)| e.updated_at).max().unwrap_or(member.joined_at);
    Ok(ics::calendar(Method::Publish, &entries, stamp))
}

/// `feed`: the signed URL of the caller's calendar, to subscribe to.
/// `feed [reset]`: the signed URL of the caller's calendar; `reset` first
/// revokes every feed link given out before (a leaked link).
pub(super) fn feed(cx: &mut Cx<'_, '_>, reset: bool) -> Result<Outcome, UserError> {
    if reset {
        let mut me = cx.me.clone();
        me.feed_version = me.feed_version.saturating_add(1);
        cx.tx.put_member(&me)?;
        cx.me = me;
    }
    let url = cx.engine.public_links().map(|links| links.feed(cx.me.id, cx.me.feed_version));
    Ok(cx.reply("reply/feed", json!({ "url": url, "reset": reset })))
}

impl Engine {
    /// The calendar feed of `member` for the HTTP server (whose link was
    /// signed for that member and feed `version`); `None` when no such
    /// member exists or the link was revoked by `feed reset`. Reads under
    /// the writer lock and waits for what it read to be durable, like every
    /// answer.
    pub fn member_calendar(&self, member: MemberId, version: u32) -> Result<Option<String>, UserError> {
        self.store.write(|tx| match tx.member(member)? {
            Some(m) if m.feed_version == version => member_feed(&self.settings, &self.signer, tx, &m).map(Some),
            _ => Ok(None),
        })
    }
}

pub(super) fn timezone(cx: &mut Cx<'_, '_>, zone: Option<Timezone>) -> Result<Outcome, UserError> {
    if let Some(zone) = zone {
        let mut me = cx.me.clone();
        me.timezone = Some(zone);
        cx.tx.put_member(&me)?;
        cx.me = me;
    }
    let data = json!({ "zone": cx.me.timezone.map(|z| z.name()), "changed": zone.is_some(), "now": cx.me.timezone.map(|z| when(cx.now, z)) });
    Ok(cx.reply("reply/timezone", data))
}
