//! iMIP (RFC 6047) replies: when someone presses Accept, Decline or Maybe in
//! Gmail, Outlook or Apple Calendar, their client mails the organizer a
//! `text/calendar` part with METHOD:REPLY and their ATTENDEE line carrying a
//! PARTSTAT. That part becomes an `rsvp` command line; the engine decides
//! what it means. Only the message's own parts are read (a bounce quoting
//! our invitation is a nested message and is never taken for an answer).

use mail_parser::{MimeHeaders, PartType};

/// The answer found in a calendar reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarReply {
    pub uid: String,
    /// yes, no or maybe.
    pub answer: &'static str,
    /// The ATTENDEE address the answer is for (lowercased).
    pub attendee: String,
    /// The one date of a series answered ("decline this event only"):
    /// `2027-01-14` as the calendar wrote it (in the series' zone), or a UTC
    /// start `2027-01-14T16:00:00Z`. `None`: the answer is for the series.
    pub recurrence_id: Option<String>,
}

impl CalendarReply {
    /// `rsvp E3 yes` (`rsvp E3 no 2027-01-14` for one date), when the UID is one of ours.
    pub fn command(&self) -> Option<String> {
        let date = self.recurrence_id.as_ref().map(|d| format!(" {d}")).unwrap_or_default();
        vouch_core::ics::event_of_uid(&self.uid).map(|id| format!("rsvp {id} {}{date}", self.answer))
    }
}

/// The calendar reply in `message`, answered by `sender` (or by the only
/// attendee listed when none matches the sender).
pub fn find(message: &mail_parser::Message<'_>, sender: &str) -> Option<CalendarReply> {
    message.parts.iter().find_map(|part| {
        let ct = part.content_type()?;
        let (ctype, subtype) = (ct.ctype(), ct.subtype().unwrap_or_default());
        let calendar = ctype.eq_ignore_ascii_case("text") && subtype.eq_ignore_ascii_case("calendar");
        let ics_file = ctype.eq_ignore_ascii_case("application")
            && subtype.eq_ignore_ascii_case("ics")
            && part.attachment_name().is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"));
        if !calendar && !ics_file {
            return None;
        }
        let text = match &part.body {
            PartType::Text(t) => t.to_string(),
            PartType::Binary(b) | PartType::InlineBinary(b) => String::from_utf8_lossy(b).into_owned(),
            _ => return None,
        };
        parse_reply(&text, sender)
    })
}

/// Reads a VCALENDAR; `None` unless it is a METHOD:REPLY with a usable PARTSTAT.
pub fn parse_reply(text: &str, sender: &str) -> Option<CalendarReply> {
    let unfolded = icalendar::parser::unfold(text);
    // Invitations (REQUEST), cancellations and feeds are far more common than
    // answers; a line scan rules them out before the full parse.
    let says_reply = unfolded.lines().any(|line| {
        let line = line.trim();
        line.get(..7).is_some_and(|m| m.eq_ignore_ascii_case("METHOD:"))
            && line[7..].trim().eq_ignore_ascii_case("REPLY")
    });
    if !says_reply {
        return None;
    }
    let calendar = icalendar::parser::read_calendar(&unfolded).ok()?;
    let method = calendar.properties.iter().find(|p| p.name.as_str().eq_ignore_ascii_case("METHOD"))?;
    if !method.val.as_str().trim().eq_ignore_ascii_case("REPLY") {
        return None;
    }
    let event = calendar.components.iter().find(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"))?;
    // An answer for one date of a series (RECURRENCE-ID) is for that date only;
    // one we can't read is not taken for the whole series.
    let recurrence_id = match event.properties.iter().find(|p| p.name.as_str().eq_ignore_ascii_case("RECURRENCE-ID")) {
        Some(p) => Some(occurrence_date(p.val.as_str())?),
        None => None,
    };
    let uid =
        event.properties.iter().find(|p| p.name.as_str().eq_ignore_ascii_case("UID"))?.val.as_str().trim().to_string();
    let attendees: Vec<(String, String)> = event
        .properties
        .iter()
        .filter(|p| p.name.as_str().eq_ignore_ascii_case("ATTENDEE"))
        .map(|p| {
            let address = p.val.as_str().trim();
            let address =
                address.get(..7).filter(|s| s.eq_ignore_ascii_case("mailto:")).map_or(address, |_| &address[7..]);
            let partstat = p
                .params
                .iter()
                .find(|x| x.key.as_str().eq_ignore_ascii_case("PARTSTAT"))
                .and_then(|x| x.val.as_ref())
                .map(|v| v.as_str().trim_matches('"').to_ascii_uppercase())
                .unwrap_or_default();
            (address.to_ascii_lowercase(), partstat)
        })
        .collect();
    let sender = sender.to_ascii_lowercase();
    let (attendee, partstat) = match attendees.iter().find(|(a, _)| *a == sender) {
        Some(found) => found.clone(),
        None if attendees.len() == 1 => attendees[0].clone(),
        None => return None,
    };
    let answer = match partstat.as_str() {
        "ACCEPTED" => "yes",
        "DECLINED" => "no",
        "TENTATIVE" => "maybe",
        _ => return None,
    };
    Some(CalendarReply { uid, answer, attendee, recurrence_id })
}

/// `20270114T160000Z` -> `2027-01-14T16:00:00Z`; `20270114T180000` (local,
/// with a TZID — possibly a Windows name — or floating) and `20270114`
/// (VALUE=DATE) -> `2027-01-14`: the wall date in the zone the series was sent in.
fn occurrence_date(value: &str) -> Option<String> {
    let v = value.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (date, time) = v.split_once(['T', 't']).unwrap_or((v, ""));
    if date.len() != 8 || !digits(date) {
        return None;
    }
    let day = format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..]);
    match time.strip_suffix(['Z', 'z']) {
        Some(t) if t.len() == 6 && digits(t) => Some(format!("{day}T{}:{}:{}Z", &t[..2], &t[2..4], &t[4..])),
        Some(_) => None,
        None if time.is_empty() || (time.len() == 6 && digits(time)) => Some(day),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTLOOK: &str = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nPRODID:Microsoft Exchange Server 2010\r\nVERSION:2.0\r\n\
BEGIN:VEVENT\r\nATTENDEE;PARTSTAT=DECLINED;CN=Bob Stone:mailto:Bob@Example.org\r\n\
SUMMARY;LANGUAGE=en-US:Declined: Referral lunch\r\nUID:event-4-1795435200@vouch\r\nSEQUENCE:1\r\n\
DTSTAMP:20261124T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn partstat_becomes_an_rsvp_line() {
        let reply = parse_reply(OUTLOOK, "bob@example.org").expect("a reply");
        assert_eq!(reply.attendee, "bob@example.org");
        assert_eq!(reply.command().as_deref(), Some("rsvp E4 no"));
        let tentative = OUTLOOK.replace("DECLINED", "TENTATIVE");
        assert_eq!(parse_reply(&tentative, "x@y.z").and_then(|r| r.command()).as_deref(), Some("rsvp E4 maybe"));
    }

    #[test]
    fn requests_foreign_uids_and_unknown_partstats_are_not_answers() {
        assert!(parse_reply(&OUTLOOK.replace("METHOD:REPLY", "METHOD:REQUEST"), "bob@example.org").is_none());
        assert!(parse_reply(&OUTLOOK.replace("PARTSTAT=DECLINED", "PARTSTAT=DELEGATED"), "bob@example.org").is_none());
        let foreign = parse_reply(&OUTLOOK.replace("@vouch", "@google.com"), "bob@example.org").expect("parsed");
        assert_eq!(foreign.command(), None);
        assert!(parse_reply("not a calendar", "bob@example.org").is_none());
    }

    #[test]
    fn recurrence_id_makes_it_an_answer_for_that_date_only() {
        let with = |rid: &str| OUTLOOK.replace("SEQUENCE:1", &format!("RECURRENCE-ID{rid}\r\nSEQUENCE:1"));
        let line = |rid: &str| parse_reply(&with(rid), "bob@example.org").and_then(|r| r.command());
        assert_eq!(line(";TZID=FLE Standard Time:20270114T180000").as_deref(), Some("rsvp E4 no 2027-01-14"));
        assert_eq!(line(":20270114T160000Z").as_deref(), Some("rsvp E4 no 2027-01-14T16:00:00Z"));
        assert_eq!(line(";VALUE=DATE:20270114").as_deref(), Some("rsvp E4 no 2027-01-14"));
        assert_eq!(line(":next tuesday"), None, "an unreadable date is not taken for the series");
    }
}
