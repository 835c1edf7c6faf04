//! iMIP (RFC 6047) replies: when someone presses Accept, Decline or Maybe in
//! Gmail, Outlook or Apple Calendar, their client mails the organizer a
//! `text/calendar` part with METHOD:REPLY and their ATTENDEE line carrying a
//! PARTSTAT. That part becomes an `rsvp` command line; the engine decides
//! what it means. Only the message's own parts are read (a bounce quoting
//! our invitation is a nested message and is never taken for an answer).

use std::borrow::Cow;

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
            PartType::Text(t) => t.as_ref().into(),
            PartType::Binary(b) | PartType::InlineBinary(b) => String::from_utf8_lossy(b),
            _ => return None,
        };
        parse_reply(&text, sender)
    })
}

/// Reads a VCALENDAR; `None` unless it is a METHOD:REPLY with a usable PARTSTAT.
///
/// Content lines (RFC 5545, 3.1) are read one by one after unfolding —
/// name, parameters (quoted values may hold `:` and `;`), value — keeping
/// only what an answer needs: the calendar's METHOD and its first VEVENT's
/// UID, RECURRENCE-ID and ATTENDEEs. A full parse into components cost more
/// than parsing the whole mail around it, and invitations (REQUEST) far
/// outnumber answers: reading stops at a METHOD other than REPLY.
pub fn parse_reply(text: &str, sender: &str) -> Option<CalendarReply> {
    let mut method_is_reply = None;
    // Components open around the current line; the first VEVENT is read when
    // it is the innermost one (not its VALARMs), and only that one.
    let mut depth = 0usize;
    let mut event_depth = None;
    let mut events_seen = 0usize;
    let mut uid = None;
    let mut recurrence = None;
    let mut attendees: Vec<(String, String)> = Vec::new();
    for line in unfolded_lines(text) {
        let Some(line) = ContentLine::read(&line) else { continue };
        if line.name.eq_ignore_ascii_case("BEGIN") {
            depth += 1;
            if line.value.trim().eq_ignore_ascii_case("VEVENT") {
                events_seen += 1;
                if events_seen == 1 {
                    event_depth = Some(depth);
                }
            }
            continue;
        }
        if line.name.eq_ignore_ascii_case("END") {
            if event_depth == Some(depth) {
                event_depth = None;
            }
            depth = depth.saturating_sub(1);
            continue;
        }
        if depth == 1 && method_is_reply.is_none() && line.name.eq_ignore_ascii_case("METHOD") {
            let reply = line.value.trim().eq_ignore_ascii_case("REPLY");
            if !reply {
                return None;
            }
            method_is_reply = Some(reply);
        }
        if event_depth != Some(depth) {
            continue;
        }
        if line.name.eq_ignore_ascii_case("UID") {
            uid.get_or_insert_with(|| line.value.trim().to_string());
        } else if line.name.eq_ignore_ascii_case("RECURRENCE-ID") {
            recurrence.get_or_insert_with(|| line.value.to_string());
        } else if line.name.eq_ignore_ascii_case("ATTENDEE") {
            let address = line.value.trim();
            let address =
                address.get(..7).filter(|s| s.eq_ignore_ascii_case("mailto:")).map_or(address, |_| &address[7..]);
            let partstat = line.param("PARTSTAT").map(|v| v.trim_matches('"').to_ascii_uppercase()).unwrap_or_default();
            attendees.push((address.to_ascii_lowercase(), partstat));
        }
    }
    if method_is_reply != Some(true) || events_seen == 0 {
        return None;
    }
    // An answer for one date of a series (RECURRENCE-ID) is for that date only;
    // one we can't read is not taken for the whole series.
    let recurrence_id = match recurrence {
        Some(value) => Some(occurrence_date(&value)?),
        None => None,
    };
    let uid = uid?;
    let sender = sender.to_ascii_lowercase();
    let (attendee, partstat) = match attendees.iter().position(|(a, _)| *a == sender) {
        Some(i) => attendees.swap_remove(i),
        None if attendees.len() == 1 => attendees.swap_remove(0),
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

/// The logical lines of `text`: a line break followed by a space or a tab
/// continues the line (RFC 5545, 3.1, as icalendar's `unfold`). Borrowed
/// unless folded, so an unfolded copy of the whole calendar is never made.
fn unfolded_lines(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let mut physical = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).peekable();
    std::iter::from_fn(move || {
        let mut line = Cow::Borrowed(physical.next()?);
        while let Some(next) = physical.next_if(|l| l.starts_with([' ', '\t'])) {
            line.to_mut().push_str(&next[1..]);
        }
        Some(line)
    })
}

/// One unfolded content line: `NAME *(";" PARAM "=" VALUE) ":" VALUE`.
struct ContentLine<'a> {
    name: &'a str,
    /// `;KEY=VALUE` parameters as written, quotes included.
    params: &'a str,
    value: &'a str,
}

impl<'a> ContentLine<'a> {
    /// `None` for a line without a name and a colon.
    fn read(line: &'a str) -> Option<Self> {
        let line = line.trim_end_matches('\r');
        let name_end = line.find([';', ':'])?;
        let name = line[..name_end].trim();
        if name.is_empty() {
            return None;
        }
        // The value starts at the first colon outside a quoted parameter value.
        let mut quoted = false;
        let colon = line[name_end..].char_indices().find_map(|(i, c)| match c {
            '"' => {
                quoted = !quoted;
                None
            }
            ':' if !quoted => Some(name_end + i),
            _ => None,
        })?;
        Some(Self { name, params: &line[name_end..colon], value: &line[colon + 1..] })
    }

    /// The value of parameter `key` (first one), as written.
    fn param(&self, key: &str) -> Option<&'a str> {
        let mut rest = self.params;
        while let Some(stripped) = rest.strip_prefix(';') {
            // This parameter runs to the next `;` outside quotes.
            let mut quoted = false;
            let end = stripped
                .char_indices()
                .find_map(|(i, c)| match c {
                    '"' => {
                        quoted = !quoted;
                        None
                    }
                    ';' if !quoted => Some(i),
                    _ => None,
                })
                .unwrap_or(stripped.len());
            let (param, next) = stripped.split_at(end);
            if let Some((k, v)) = param.split_once('=')
                && k.trim().eq_ignore_ascii_case(key)
            {
                return Some(v);
            }
            rest = next;
        }
        None
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
    fn quoted_parameters_folded_lines_and_alarms_are_read_as_icalendar_would() {
        // A colon and a semicolon inside a quoted CN, a folded ATTENDEE
        // line, a VALARM with its own UID, another VEVENT after the first.
        let text = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nBEGIN:VALARM\r\nUID:alarm-1\r\n\
END:VALARM\r\nATTENDEE;CN=\"Stone: Bob; Jr\";PARTSTAT=\"ACCEPTED\";RSVP=TRUE:mai\r\n lto:bob@example.org\r\n\
UID:event-4-1795435200@vouch\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:event-5-1@vouch\r\n\
ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let reply = parse_reply(text, "Bob@Example.org").expect("a reply");
        assert_eq!(
            (reply.uid.as_str(), reply.answer, reply.attendee.as_str()),
            ("event-4-1795435200@vouch", "yes", "bob@example.org")
        );
        // The same calendar through icalendar's full parser agrees.
        let unfolded = icalendar::parser::unfold(text);
        let calendar = icalendar::parser::read_calendar(&unfolded).expect("parses");
        let event = calendar.components.iter().find(|c| c.name.as_str() == "VEVENT").expect("an event");
        let uid = event.properties.iter().find(|p| p.name.as_str() == "UID").expect("uid");
        assert_eq!(uid.val.as_str(), reply.uid);
        let ours: Vec<String> = unfolded_lines(text).map(Cow::into_owned).collect();
        let theirs: Vec<&str> = unfolded.split("\r\n").collect();
        assert_eq!(ours, theirs, "unfolding as icalendar does");
        // METHOD after the event counts too; a METHOD other than REPLY never does.
        let late = text.replacen("METHOD:REPLY\r\n", "", 1).replace("END:VCALENDAR", "METHOD:REPLY\r\nEND:VCALENDAR");
        assert!(parse_reply(&late, "bob@example.org").is_some());
        assert!(parse_reply(&text.replace("METHOD:REPLY", "METHOD:COUNTER"), "bob@example.org").is_none());
        assert!(
            parse_reply(&text.replace("BEGIN:VEVENT", "BEGIN:VTODO").replace("END:VEVENT", "END:VTODO"), "b@x.y")
                .is_none()
        );
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
