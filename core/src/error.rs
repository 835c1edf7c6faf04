//! Refusals. Each is a polite, specific sentence rendered from a template
//! (`error/<name>`); none shows internals. A refused command changes nothing.

use serde_json::{Value, json};
use vouch_store::{ParseError, Role, StoreError};

use crate::reply::{Failure, Reply};

/// A refusal's `problem` ("the code is missing") in the reader's language:
/// message `problem-ID` of the catalog, as a mark the renderer writes out
/// (see [`crate::intl::text`]).
pub(crate) fn problem(id: &str, args: &[(&str, Value)]) -> String {
    crate::intl::text(&format!("problem-{id}"), args)
}

/// Why a typed value does not parse, in the reader's language. The store's
/// own `Display` stays English: it is for operators (config, CLI, logs).
pub(crate) fn parse_problem(e: &ParseError) -> String {
    // The store keeps a bad value short already (40 to 80 characters).
    let value = |v: &str| -> Value { v.into() };
    match e {
        ParseError::CodeLength(n) => problem("code-length", &[("count", (*n).into())]),
        ParseError::CodeChar(c) => problem("code-char", &[("char", c.to_string().into())]),
        ParseError::Email(v) => problem("email", &[("value", value(v))]),
        ParseError::Identity(v) => problem("identity", &[("value", value(v))]),
        ParseError::Role(v) => problem("role", &[("value", value(v))]),
        ParseError::Money(v) => problem("money", &[("value", value(v))]),
        ParseError::Id(v) => problem("id", &[("value", value(v))]),
        ParseError::Slug(v) => problem("slug", &[("value", value(v))]),
        ParseError::Reward(v) => problem("reward", &[("value", value(v))]),
        ParseError::Value { key, value: v } => problem("value", &[("key", (*key).into()), ("value", value(v))]),
        ParseError::LinkSecret(_) => problem("invalid", &[]),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("empty command")]
    Empty,
    #[error("line too long")]
    TooLong { max: usize },
    #[error("unknown command {input}")]
    UnknownCommand { input: String, suggestion: Option<&'static str> },
    #[error("usage of {command}: {problem}")]
    Usage { command: &'static str, usage: String, problem: String },
    #[error("{command} needs the {needed} role")]
    NotAllowed { command: &'static str, needed: Role },
    #[error("malformed code")]
    MalformedCode { problem: String },
    #[error("unknown code")]
    UnknownCode { code: String },
    #[error("code revoked")]
    CodeRevoked,
    #[error("self referral")]
    SelfReferral,
    #[error("already redeemed this code")]
    AlreadyRedeemed { code: String, program: String, when: String },
    #[error("already referred")]
    AlreadyReferred { program: String, by_you: bool, name: String },
    #[error("cap reached")]
    CapReached { referrer: String, max: u32, period: &'static str },
    #[error("program paused")]
    ProgramPaused { program: String },
    #[error("referrer too new")]
    TooNew { days: u32 },
    #[error("unknown program")]
    UnknownProgram { name: String, available: Vec<String> },
    #[error("no active program")]
    NoProgram,
    #[error("program exists")]
    ProgramExists { name: String },
    #[error("invalid setting")]
    InvalidSetting { key: String, problem: String },
    #[error("unknown referral")]
    UnknownReferral { id: String },
    #[error("unknown reward")]
    UnknownReward { id: String },
    #[error("invalid transition")]
    InvalidTransition { id: String, state: &'static str, action: &'static str, hint: String },
    #[error("outside attribution window")]
    OutsideWindow { id: String, days: u32 },
    #[error("rate limited")]
    RateLimited { seconds: u64 },
    #[error("invalid link code")]
    LinkInvalid,
    #[error("link conflict")]
    LinkConflict,
    #[error("prospect opted out")]
    ProspectOptedOut { email: String },
    #[error("consent answer unclear")]
    ConsentUnclear { referral: String },
    #[error("consent not for this person")]
    ConsentNotYours,
    #[error("unknown wish")]
    UnknownWish { id: String },
    #[error("sender not verified")]
    Unverified { what: &'static str },
    #[error("consent already given")]
    ConsentAnswered { referral: String, answer: &'static str },
    #[error("already linked")]
    AlreadyLinked,
    #[error("role change refused")]
    RoleRefused { reason: String },
    #[error("unknown event")]
    UnknownEvent { id: String },
    #[error("event cancelled")]
    EventCancelled { title: String },
    #[error("event over")]
    EventOver { title: String },
    #[error("rsvp deadline passed")]
    RsvpClosed { title: String, deadline: String },
    #[error("not invited")]
    NotInvited { title: String },
    #[error("too many guests")]
    TooManyGuests { title: String, max: u8 },
    #[error("no room for guests")]
    NoRoomForGuests { title: String, room: u32 },
    #[error("unknown person")]
    UnknownPerson { identity: String },
    /// A date that is not an answerable occurrence of the event; `upcoming`
    /// lists the next dates (YYYY-MM-DD, the event's zone) to pick from.
    #[error("not an occurrence")]
    NotAnOccurrence { event: String, title: String, date: String, reason: String, upcoming: Vec<String> },
    /// No seat left on one date of a series (there is no per-date waitlist).
    #[error("date full")]
    DateFull { event: String, title: String, date: String },
    /// Too many consent requests in a day: the member's own, or the community's.
    #[error("introduction limit")]
    IntroductionLimit { max: u32, whose: &'static str },
    /// Another of the same mail's links was used already.
    #[error("already answered")]
    AlreadyAnswered,
    /// An `Idempotency-Key` used before with a different request.
    #[error("idempotency key reused with another request")]
    IdempotencyMismatch,
    /// Storage failed; nothing was acknowledged. Details go to the log only.
    #[error("internal: {0}")]
    Internal(String),
    /// A failed flush stopped the store: nothing is saved until a restart.
    /// Says "try again" like [`UserError::Internal`]; adapters that count
    /// failed attempts at a delivery don't count this one (it is not the
    /// message's fault).
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

impl From<StoreError> for UserError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Poisoned(_) => UserError::Unavailable(e.to_string()),
            other => UserError::Internal(other.to_string()),
        }
    }
}

impl UserError {
    /// A refusal that another delivery of the same message must get again.
    /// Storage trouble and rate limits are passing: a redelivery may succeed.
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            UserError::Internal(_)
                | UserError::Unavailable(_)
                | UserError::RateLimited { .. }
                | UserError::IdempotencyMismatch
        )
    }

    /// The refusal's stable name for machines (the HTTP API's
    /// `error.code`): snake_case, one per variant, never renamed.
    pub fn code(&self) -> &'static str {
        match self {
            UserError::Empty => "empty",
            UserError::TooLong { .. } => "too_long",
            UserError::UnknownCommand { .. } => "unknown_command",
            UserError::Usage { .. } => "usage",
            UserError::NotAllowed { .. } => "not_allowed",
            UserError::MalformedCode { .. } => "malformed_code",
            UserError::UnknownCode { .. } => "unknown_code",
            UserError::CodeRevoked => "code_revoked",
            UserError::SelfReferral => "self_referral",
            UserError::AlreadyRedeemed { .. } => "already_redeemed",
            UserError::AlreadyReferred { .. } => "already_referred",
            UserError::CapReached { .. } => "cap_reached",
            UserError::ProgramPaused { .. } => "program_paused",
            UserError::TooNew { .. } => "too_new",
            UserError::UnknownProgram { .. } => "unknown_program",
            UserError::NoProgram => "no_program",
            UserError::ProgramExists { .. } => "program_exists",
            UserError::InvalidSetting { .. } => "invalid_setting",
            UserError::UnknownReferral { .. } => "unknown_referral",
            UserError::UnknownReward { .. } => "unknown_reward",
            UserError::InvalidTransition { .. } => "invalid_transition",
            UserError::OutsideWindow { .. } => "outside_window",
            UserError::RateLimited { .. } => "rate_limited",
            UserError::LinkInvalid => "link_invalid",
            UserError::LinkConflict => "link_conflict",
            UserError::ProspectOptedOut { .. } => "prospect_opted_out",
            UserError::ConsentUnclear { .. } => "consent_unclear",
            UserError::ConsentNotYours => "consent_not_yours",
            UserError::UnknownWish { .. } => "unknown_wish",
            UserError::Unverified { .. } => "unverified",
            UserError::ConsentAnswered { .. } => "consent_answered",
            UserError::AlreadyLinked => "already_linked",
            UserError::RoleRefused { .. } => "role_refused",
            UserError::UnknownEvent { .. } => "unknown_event",
            UserError::EventCancelled { .. } => "event_cancelled",
            UserError::EventOver { .. } => "event_over",
            UserError::RsvpClosed { .. } => "rsvp_closed",
            UserError::NotInvited { .. } => "not_invited",
            UserError::TooManyGuests { .. } => "too_many_guests",
            UserError::NoRoomForGuests { .. } => "no_room_for_guests",
            UserError::UnknownPerson { .. } => "unknown_person",
            UserError::NotAnOccurrence { .. } => "not_an_occurrence",
            UserError::DateFull { .. } => "date_full",
            UserError::IntroductionLimit { .. } => "introduction_limit",
            UserError::AlreadyAnswered => "already_answered",
            UserError::IdempotencyMismatch => "idempotency_mismatch",
            UserError::Internal(_) => "internal",
            UserError::Unavailable(_) => "unavailable",
        }
    }

    /// Template name under `error/` and the data it renders.
    pub fn to_reply(&self) -> Reply {
        let (name, data): (&str, Value) = match self {
            UserError::Empty => ("empty", json!({})),
            UserError::TooLong { max } => ("too_long", json!({ "max": max })),
            UserError::UnknownCommand { input, suggestion } => {
                ("unknown_command", json!({ "input": input, "suggestion": suggestion }))
            }
            UserError::Usage { command, usage, problem } => {
                ("usage", json!({ "command": command, "usage": usage, "problem": problem }))
            }
            UserError::NotAllowed { command, needed } => {
                ("not_allowed", json!({ "command": command, "role": crate::intl::role(*needed) }))
            }
            UserError::MalformedCode { problem } => ("malformed_code", json!({ "problem": problem })),
            UserError::UnknownCode { code } => ("unknown_code", json!({ "code": code })),
            UserError::CodeRevoked => ("code_revoked", json!({})),
            UserError::SelfReferral => ("self_referral", json!({})),
            UserError::AlreadyRedeemed { code, program, when } => {
                ("already_redeemed", json!({ "code": code, "program": program, "when": when }))
            }
            UserError::AlreadyReferred { program, by_you, name } => {
                ("already_referred", json!({ "program": program, "by_you": by_you, "name": name }))
            }
            UserError::CapReached { referrer, max, period } => {
                ("cap_reached", json!({ "referrer": referrer, "max": max, "period": period }))
            }
            UserError::ProgramPaused { program } => ("program_paused", json!({ "program": program })),
            UserError::TooNew { days } => ("too_new", json!({ "days": days })),
            UserError::UnknownProgram { name, available } => {
                ("unknown_program", json!({ "name": name, "available": available }))
            }
            UserError::NoProgram => ("no_program", json!({})),
            UserError::ProgramExists { name } => ("program_exists", json!({ "name": name })),
            UserError::InvalidSetting { key, problem } => {
                ("invalid_setting", json!({ "key": key, "problem": problem }))
            }
            UserError::UnknownReferral { id } => ("unknown_referral", json!({ "id": id })),
            UserError::UnknownReward { id } => ("unknown_reward", json!({ "id": id })),
            UserError::InvalidTransition { id, state, action, hint } => {
                ("invalid_transition", json!({ "id": id, "state": state, "action": action, "hint": hint }))
            }
            UserError::OutsideWindow { id, days } => ("outside_window", json!({ "id": id, "days": days })),
            UserError::RateLimited { seconds } => ("rate_limited", json!({ "seconds": seconds })),
            UserError::LinkInvalid => ("link_invalid", json!({})),
            UserError::LinkConflict => ("link_conflict", json!({})),
            UserError::ProspectOptedOut { email } => ("prospect_opted_out", json!({ "email": email })),
            UserError::ConsentUnclear { referral } => ("consent_unclear", json!({ "referral": referral })),
            UserError::ConsentNotYours => ("consent_not_yours", json!({})),
            UserError::Unverified { what } => ("unverified", json!({ "what": what })),
            UserError::UnknownWish { id } => ("unknown_wish", json!({ "id": id })),
            UserError::ConsentAnswered { referral, answer } => {
                ("consent_answered", json!({ "referral": referral, "answer": answer }))
            }
            UserError::AlreadyLinked => ("already_linked", json!({})),
            UserError::RoleRefused { reason } => ("role_refused", json!({ "reason": reason })),
            UserError::UnknownEvent { id } => ("unknown_event", json!({ "id": id })),
            UserError::EventCancelled { title } => ("event_cancelled", json!({ "title": title })),
            UserError::EventOver { title } => ("event_over", json!({ "title": title })),
            UserError::RsvpClosed { title, deadline } => {
                ("rsvp_closed", json!({ "title": title, "deadline": deadline }))
            }
            UserError::NotInvited { title } => ("not_invited", json!({ "title": title })),
            UserError::TooManyGuests { title, max } => ("too_many_guests", json!({ "title": title, "max": max })),
            UserError::NoRoomForGuests { title, room } => {
                ("no_room_for_guests", json!({ "title": title, "room": room }))
            }
            UserError::UnknownPerson { identity } => ("unknown_person", json!({ "identity": identity })),
            UserError::NotAnOccurrence { event, title, date, reason, upcoming } => (
                "not_an_occurrence",
                json!({ "event": event, "title": title, "date": date, "reason": reason, "upcoming": upcoming }),
            ),
            UserError::DateFull { event, title, date } => {
                ("date_full", json!({ "event": event, "title": title, "date": date }))
            }
            UserError::AlreadyAnswered => ("already_answered", json!({})),
            UserError::IntroductionLimit { max, whose } => {
                ("introduction_limit", json!({ "max": max, "community": *whose == "community" }))
            }
            UserError::IdempotencyMismatch => ("idempotency_mismatch", json!({})),
            UserError::Internal(_) => ("internal", json!({})),
            UserError::Unavailable(_) => ("internal", json!({ "unavailable": true })),
        };
        let failure = match self {
            UserError::RateLimited { .. } => Failure::RateLimited,
            UserError::Internal(_) => Failure::Internal,
            UserError::Unavailable(_) => Failure::Unavailable,
            _ => Failure::Refused,
        };
        Reply {
            failure: Some(failure),
            code: Some(self.code().to_string()),
            ..Reply::new(&format!("error/{name}"), data)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Renderer;

    /// Every problem id in core's source (the calls of `problem` and
    /// `Args::required`) names a message of the English catalog (the completeness test then holds
    /// every other language to the same ids): a typo would render as
    /// nothing.
    #[test]
    fn every_problem_in_the_code_has_a_message() {
        let renderer = Renderer::builtin().expect("templates");
        let ids = renderer.locales().ids("en");
        let mut files = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        let mut seen = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).expect("dir").map(|e| e.expect("entry").path()));
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("source");
            for (prefix, marker) in [("problem-", "problem(\""), ("problem-missing-", "required(")] {
                for (at, _) in source.match_indices(marker) {
                    let rest = &source[at + marker.len()..];
                    let rest = if marker == "required(" {
                        match rest.split_once(", \"") {
                            Some((_, r)) => r,
                            None => continue,
                        }
                    } else {
                        rest
                    };
                    let Some((id, _)) = rest.split_once('"') else { continue };
                    if id.contains('{') || id.contains(' ') {
                        continue;
                    }
                    seen += 1;
                    let name = format!("{prefix}{id}");
                    assert!(ids.contains_key(&name), "{}: no message {name}", path.display());
                }
            }
        }
        assert!(seen > 60, "the scan found the call sites ({seen})");
    }

    /// A refusal's problem is written in the reader's language, with the
    /// typed value in it and no mark left over.
    #[test]
    fn problems_are_written_in_the_readers_language() {
        let renderer = Renderer::builtin().expect("templates");
        let e = ParseError::CodeChar('0');
        let text = |lang: &str| renderer.localize(lang, &parse_problem(&e));
        assert!(text("en").starts_with("referral codes never contain '0'"), "{}", text("en"));
        assert!(text("ru").contains("не бывает «0»"), "{}", text("ru"));
        assert!(text("ro").contains("„0”"), "{}", text("ro"));
        assert!(text("ar").contains('0') && text("ar").contains("رموز الإحالة"), "{}", text("ar"));
        let usage = match crate::command::parse("rsvp E2 yes +lots") {
            Err(UserError::Usage { problem, .. }) => problem,
            other => panic!("{other:?}"),
        };
        for lang in ["en", "ru", "ar", "ro"] {
            let written = renderer.localize(lang, &usage);
            assert!(written.contains("+lots") && !written.contains('\u{E000}'), "{lang}: {written}");
        }
        assert_ne!(renderer.localize("ru", &usage), renderer.localize("en", &usage));
    }
}
