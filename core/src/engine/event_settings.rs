//! `event create|edit` settings: `key=value` words (or `--key value` from
//! the CLI) applied to an event, each with a specific refusal.

use chrono::NaiveDateTime;
use vouch_store::{Audience, Event, EventKind, Recurrence, Timezone};

use crate::command::truncate;
use crate::error::{UserError, problem};

pub(super) const SETTING_KEYS: &[&str] = &[
    "kind",
    "title",
    "start",
    "tz",
    "every",
    "duration",
    "capacity",
    "plus-ones",
    "agenda",
    "expert",
    "location",
    "audience",
    "deadline",
    "reminders",
];

pub(super) fn bad(key: &str, problem: impl Into<String>) -> UserError {
    UserError::InvalidSetting { key: key.to_string(), problem: problem.into() }
}

fn parse_local(key: &str, value: &str) -> Result<NaiveDateTime, UserError> {
    let v = value.trim();
    ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .ok_or(())
        .map_err(|_| bad(key, problem("event-time", &[("value", truncate(value, 30).into())])))
}

/// `90m`, `1h30m`, `2h`, `90`.
fn parse_minutes(key: &str, value: &str) -> Result<u32, UserError> {
    let v = value.trim().to_ascii_lowercase();
    let fail = || bad(key, problem("duration", &[("value", truncate(value, 20).into())]));
    let (hours, rest) = match v.split_once('h') {
        Some((h, rest)) => (h.trim().parse::<u32>().map_err(|_| fail())?, rest.trim()),
        None => (0, v.as_str()),
    };
    let mins = rest.trim_end_matches("min").trim_end_matches('m').trim();
    let mins = if mins.is_empty() { 0 } else { mins.parse::<u32>().map_err(|_| fail())? };
    let total = hours.checked_mul(60).and_then(|h| h.checked_add(mins)).ok_or_else(fail)?;
    if total == 0 || total > 7 * 24 * 60 { Err(fail()) } else { Ok(total) }
}

/// Applies settings; `start` and `deadline` are read in the (possibly new) zone.
pub(super) fn apply_settings(event: &mut Event, settings: &[(String, String)]) -> Result<(), UserError> {
    let get = |names: &[&str]| settings.iter().rev().find(|(k, _)| names.contains(&k.as_str())).map(|(_, v)| v.clone());
    if let Some(tz) = get(&["tz", "timezone", "zone"]) {
        let local_start = event.timezone.local(event.start);
        event.timezone =
            Timezone::parse(&tz).map_err(|_| bad("tz", problem("timezone", &[("word", truncate(&tz, 40).into())])))?;
        event.start = event.timezone.to_utc(local_start);
    }
    for (key, value) in settings {
        let value = value.as_str();
        match key.as_str() {
            "tz" | "timezone" | "zone" => {}
            "kind" => {
                event.kind = value.parse().map_err(|_| {
                    bad("kind", problem("kinds", &[("list", EventKind::ALL.map(|k| k.as_str()).join(", ").into())]))
                })?
            }
            "title" | "name" => {
                let t = value.trim();
                if t.is_empty() || t.chars().count() > 120 {
                    return Err(bad("title", problem("title", &[("max", 120.into())])));
                }
                event.title = t.to_string();
            }
            "start" | "at" | "when" => event.start = event.timezone.to_utc(parse_local("start", value)?),
            "every" | "repeat" | "recurrence" => {
                event.recurrence = Recurrence::parse(value).map_err(|_| bad("every", problem("every", &[])))?
            }
            "duration" | "length" => event.duration_minutes = parse_minutes("duration", value)?,
            "capacity" | "seats" => {
                event.capacity = if value.eq_ignore_ascii_case("none") || value == "0" {
                    None
                } else {
                    Some(
                        value
                            .parse::<u32>()
                            .ok()
                            .filter(|c| *c <= 100_000)
                            .ok_or_else(|| bad("capacity", problem("capacity", &[])))?,
                    )
                }
            }
            "plus-ones" | "plusones" | "guests" => {
                event.plus_ones = value
                    .parse::<u8>()
                    .ok()
                    .filter(|g| *g <= 20)
                    .ok_or_else(|| bad("plus-ones", problem("plus-ones", &[("max", 20.into())])))?
            }
            "agenda" | "description" => event.agenda = truncate(&value.replace("\\n", "\n"), 2000),
            "expert" | "guest" => event.expert = (!value.trim().is_empty()).then(|| truncate(value.trim(), 120)),
            "location" | "link" | "where" => {
                event.location = (!value.trim().is_empty()).then(|| truncate(value.trim(), 300))
            }
            "audience" | "for" => {
                event.audience = Audience::parse(value).map_err(|_| bad("audience", problem("audience", &[])))?
            }
            "deadline" | "rsvp-by" => {
                event.rsvp_deadline = if value.eq_ignore_ascii_case("none") {
                    None
                } else {
                    Some(event.timezone.to_utc(parse_local("deadline", value)?))
                }
            }
            "reminders" | "remind" => {
                event.reminders = if value.eq_ignore_ascii_case("none") {
                    Vec::new()
                } else {
                    value.split(',').map(|v| parse_minutes("reminders", v)).collect::<Result<_, _>>()?
                }
            }
            other => {
                return Err(bad(other, problem("setting-keys", &[("list", SETTING_KEYS.join(", ").into())])));
            }
        }
    }
    Ok(())
}
