//! Parsed commands. Text becomes a [`Command`] here, once, with specific
//! usage errors; past this point nothing re-checks strings.

use chrono::NaiveDate;
use vouch_store::{
    EmailAddress, EventId, IdentityKey, Money, ReferralId, ReferralState, RewardStatus, Role, RsvpStatus, Slug,
    Timestamp, Timezone, WishId,
};

use crate::catalog::{self, ArgKind, CommandSpec};
use crate::error::{UserError, parse_problem, problem};

/// Longest accepted command line; chat platforms allow more, nobody needs it.
pub const MAX_LINE: usize = 2000;

/// Which occurrence of an event a command is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OccurrenceDate {
    /// The next one (`next`).
    Next,
    /// The one on this date in the event's zone (`2026-12-03`).
    On(NaiveDate),
    /// The one starting at this instant (`2027-01-14T16:00:00Z`): how a
    /// calendar names a date of a series in an iMIP reply (RECURRENCE-ID).
    At(Timestamp),
}

impl OccurrenceDate {
    /// `next`, `YYYY-MM-DD` or an RFC 3339 UTC time; `None` when the word
    /// is none of these (it may be an identity). A word that starts like a
    /// date but isn't one is an error, not an identity.
    fn parse(word: &str) -> Option<Result<Self, String>> {
        let w = word.trim();
        if w.eq_ignore_ascii_case("next") {
            return Some(Ok(Self::Next));
        }
        let looks_like_date =
            w.len() >= 8 && w.as_bytes()[..4].iter().all(u8::is_ascii_digit) && w.as_bytes()[4] == b'-';
        if !looks_like_date {
            return None;
        }
        if let Ok(date) = NaiveDate::parse_from_str(w, "%Y-%m-%d") {
            return Some(Ok(Self::On(date)));
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(w) {
            return Some(Ok(Self::At(t.with_timezone(&chrono::Utc))));
        }
        Some(Err(problem("date", &[("word", truncate(w, 20).into())])))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Help {
        topic: Option<String>,
    },
    Code {
        program: Option<Slug>,
    },
    /// Raw text: the engine parses it so it can suggest the nearest code.
    Redeem {
        code: String,
    },
    Refer {
        name: String,
        email: EmailAddress,
        note: String,
        /// Written after the name (`Jane Doe (Acme)`) or taken from a mail.
        company: Option<String>,
    },
    Mine,
    Why,
    Leaderboard {
        period: LeaderPeriod,
    },
    Nps {
        score: u8,
        comment: String,
    },
    Heard {
        source: String,
    },
    Link {
        code: Option<String>,
    },
    Program(ProgramAction),
    Referrals {
        state: Option<ReferralState>,
    },
    Convert {
        referral: ReferralId,
        value: Option<Money>,
    },
    Approve {
        referral: ReferralId,
    },
    Reject {
        referral: ReferralId,
        reason: String,
    },
    /// `refund REFERRAL [reason]`: the customer got their money back.
    Refund {
        referral: ReferralId,
        reason: String,
    },
    RewardPaid {
        reward: vouch_store::RewardId,
    },
    RewardList {
        status: Option<RewardStatus>,
    },
    Role {
        grant: bool,
        identity: IdentityKey,
        role: Role,
    },
    Report {
        month: Option<YearMonth>,
    },
    Events {
        mine: bool,
    },
    Event(EventAction),
    Rsvp {
        event: EventId,
        /// Yes, No or Maybe.
        answer: RsvpStatus,
        guests: u8,
        /// An organizer answering for someone (`vouch rsvp E1 alice yes`).
        on_behalf: Option<IdentityKey>,
        /// One date of a series rather than the whole series.
        date: Option<OccurrenceDate>,
    },
    Agenda {
        event: EventId,
    },
    Attendees {
        event: EventId,
        /// Whose list: this date's (default: the next occurrence's).
        date: Option<OccurrenceDate>,
    },
    /// One event's calendar, or a member's feed (their own when both are `None`).
    Ics {
        event: Option<EventId>,
        member: Option<IdentityKey>,
    },
    /// The signed URL of the caller's calendar feed.
    /// `feed [reset]`.
    Feed {
        reset: bool,
    },
    Timezone {
        zone: Option<Timezone>,
    },
    /// `language [CODE]`: the word as typed; whether vouch speaks it is the
    /// engine's question (the renderer's locales decide), so a tag it does
    /// not know lists the choices instead of failing as usage.
    Language {
        code: Option<String>,
    },
    /// The prospect's answer to an introduction's double opt-in.
    /// The "ideal introduction in reverse", mailed to a partner.
    AskPartner {
        email: EmailAddress,
        name: String,
    },
    Consent {
        referral: ReferralId,
        accept: bool,
    },
    /// `subscribe` / `unsubscribe`: notices to the identity you write from.
    Subscribe {
        on: bool,
    },
    /// `thank REFERRAL [message]`: an organizer's personal note to the referrer.
    Thank {
        referral: ReferralId,
        message: String,
    },
    /// `shoutout on|off`: may vouch thank you by name in public?
    Shoutout {
        on: bool,
    },
    /// `wish add TEXT` (a company domain among the words is kept apart).
    WishAdd {
        text: String,
    },
    WishDrop {
        wish: WishId,
    },
    Wishes,
}

/// `event …`; settings are `key=value` (chat) or `--key value` (CLI) pairs,
/// checked by the engine like program settings.
#[derive(Clone, Debug, PartialEq)]
pub enum EventAction {
    Create(Vec<(String, String)>),
    Edit(EventId, Vec<(String, String)>),
    Cancel(EventId),
    /// No identities: everyone in the event's audience.
    Invite(EventId, Vec<IdentityKey>),
    Show(EventId),
    /// Skip the occurrence on this local date (an EXDATE).
    Skip(EventId, chrono::NaiveDate),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProgramAction {
    List,
    Show(Slug),
    Create(Slug, Vec<(String, String)>),
    Set(Slug, Vec<(String, String)>),
    Pause(Slug),
    Resume(Slug),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaderPeriod {
    Month,
    Quarter,
    Year,
    All,
}

impl LeaderPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaderPeriod::Month => "month",
            LeaderPeriod::Quarter => "quarter",
            LeaderPeriod::Year => "year",
            LeaderPeriod::All => "all",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.trim().split_once('-')?;
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        ((2000..=2200).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    pub fn of(t: vouch_store::Timestamp) -> Self {
        use chrono::Datelike;
        Self { year: t.year(), month: t.month() }
    }

    pub fn prev(self) -> Self {
        if self.month == 1 {
            Self { year: self.year - 1, month: 12 }
        } else {
            Self { year: self.year, month: self.month - 1 }
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Splits a line into words; double or single quotes group words.
pub fn tokenize(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' && !in_word => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// Parses one command line (a leading `/` and a Telegram `@botname` suffix
/// are accepted). Returns the command's catalog entry with it so callers
/// can check the role before running it.
pub fn parse(line: &str) -> Result<(&'static CommandSpec, Command), UserError> {
    if line.len() > MAX_LINE {
        return Err(UserError::TooLong { max: MAX_LINE });
    }
    let line = clean(line);
    let words = tokenize(&line);
    let Some(first) = words.first() else {
        return Err(UserError::Empty);
    };
    let name = first.trim_start_matches('/');
    let name = name.split_once('@').map_or(name, |(n, _)| n);
    let spec = catalog::find(name).ok_or_else(|| UserError::UnknownCommand {
        input: name.chars().take(40).collect(),
        suggestion: catalog::closest(name).map(|c| c.name),
    })?;
    // The raw text after the command word, for `Rest` arguments. The word is
    // cut at the first whitespace of the raw line: the token may be shorter
    // (quotes removed), so its length is no index into the line.
    let rest_text = line.trim_start().split_once(char::is_whitespace).map_or("", |(_, rest)| rest).trim().to_string();
    let args = Args { spec, words: &words[1..], rest: rest_text };
    let cmd = build(spec, &args)?;
    Ok((spec, cmd))
}

/// Builds a command from named values (Discord's slash options), each value
/// one argument exactly as given: never written into a line and split
/// again, so a value with spaces or quotes stays one argument and cannot
/// smuggle in another. A `Rest` or `Settings` argument takes its value's
/// words, as typed. Missing optional values are left out, as in a line.
pub fn from_options(name: &str, options: &[(&str, &str)]) -> Result<(&'static CommandSpec, Command), UserError> {
    let size = name.len() + options.iter().map(|(_, v)| v.len() + 1).sum::<usize>();
    if size > MAX_LINE {
        return Err(UserError::TooLong { max: MAX_LINE });
    }
    let spec = catalog::find(name).ok_or_else(|| UserError::UnknownCommand {
        input: name.chars().take(40).collect(),
        suggestion: catalog::closest(name).map(|c| c.name),
    })?;
    let (mut words, mut given) = (Vec::new(), Vec::new());
    for arg in spec.args {
        let Some((_, value)) = options.iter().find(|(n, _)| n.eq_ignore_ascii_case(arg.name)) else { continue };
        let value = clean(value);
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match arg.kind {
            ArgKind::Rest | ArgKind::Settings => words.extend(tokenize(value)),
            _ => words.push(value.to_string()),
        }
        given.push(value.to_string());
    }
    let args = Args { spec, words: &words, rest: given.join(" ") };
    Ok((spec, build(spec, &args)?))
}

/// Drops control characters (keeps newlines as spaces) so nothing odd is stored.
fn clean(line: &str) -> String {
    line.chars()
        .map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

struct Args<'a> {
    spec: &'static CommandSpec,
    words: &'a [String],
    rest: String,
}

impl Args<'_> {
    fn usage(&self, problem: impl Into<String>) -> UserError {
        UserError::Usage { command: self.spec.name, usage: self.spec.usage(), problem: problem.into() }
    }

    fn word(&self, i: usize) -> Option<&str> {
        self.words.get(i).map(String::as_str)
    }

    fn required(&self, i: usize, what: &str) -> Result<&str, UserError> {
        self.word(i).ok_or_else(|| self.usage(problem(&format!("missing-{what}"), &[])))
    }

    /// Text from word `i` to the end of the line, keeping the user's spacing
    /// for single-word prefixes.
    fn rest_from(&self, i: usize) -> String {
        if i == 0 {
            return self.rest.clone();
        }
        self.words.get(i..).map(|w| w.join(" ")).unwrap_or_default()
    }

    fn no_more_than(&self, n: usize) -> Result<(), UserError> {
        match self.words.get(n) {
            Some(extra) => Err(self.usage(problem("unexpected", &[("word", truncate(extra, 40).into())]))),
            None => Ok(()),
        }
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn slug(args: &Args<'_>, i: usize) -> Result<Slug, UserError> {
    let w = args.required(i, "program")?;
    Slug::parse(w).map_err(|e| args.usage(parse_problem(&e)))
}

fn settings(args: &Args<'_>, from: usize) -> Result<Vec<(String, String)>, UserError> {
    args.words
        .get(from..)
        .unwrap_or_default()
        .iter()
        .map(|w| {
            w.split_once('=')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .ok_or_else(|| args.usage(problem("settings-form", &[("word", truncate(w, 40).into())])))
        })
        .collect()
}

fn build(spec: &'static CommandSpec, a: &Args<'_>) -> Result<Command, UserError> {
    let choice = |i: usize| -> Result<Option<String>, UserError> {
        let Some(w) = a.word(i) else { return Ok(None) };
        let ArgKind::Choice(options) = spec.args[i].kind else { return Ok(Some(w.to_string())) };
        let w = w.to_ascii_lowercase();
        if options.contains(&w.as_str()) {
            Ok(Some(w))
        } else {
            Err(a.usage(problem(
                "not-one-of",
                &[("word", truncate(&w, 30).into()), ("options", options.join(", ").into())],
            )))
        }
    };
    let cmd = match spec.name {
        "help" => Command::Help { topic: a.word(0).map(|w| w.trim_start_matches('/').to_ascii_lowercase()) },
        "code" => {
            a.no_more_than(1)?;
            Command::Code { program: a.word(0).map(|_| slug(a, 0)).transpose()? }
        }
        "redeem" => {
            // Codes may be typed with a space in the middle.
            let code = a.rest.clone();
            if code.is_empty() {
                return Err(a.usage(problem("missing-code", &[])));
            }
            Command::Redeem { code }
        }
        "refer" => {
            // NAME may be several words: everything before the email address
            // (the first word that is one; a typed name may hold an `@`).
            let at = (a.words.iter().position(|w| EmailAddress::parse(w).is_ok()))
                .or_else(|| a.words.iter().position(|w| w.contains('@')))
                .ok_or_else(|| a.usage(problem("refer-email", &[])))?;
            if at == 0 {
                return Err(a.usage(problem("refer-name-first", &[])));
            }
            let name = a.words[..at].join(" ");
            let email = EmailAddress::parse(&a.words[at]).map_err(|e| a.usage(parse_problem(&e)))?;
            let note = a.rest_from(at + 1);
            if name.chars().count() > 80 {
                return Err(a.usage(problem("name-too-long", &[("max", 80.into())])));
            }
            if note.chars().count() > 500 {
                return Err(a.usage(problem("note-too-long", &[("max", 500.into())])));
            }
            let (name, company) = crate::company::split_name(&name);
            Command::Refer { name: name.to_string(), email, note, company: company.map(str::to_string) }
        }
        "mine" => {
            a.no_more_than(0)?;
            Command::Mine
        }
        "why" => {
            a.no_more_than(0)?;
            Command::Why
        }
        "leaderboard" => {
            a.no_more_than(1)?;
            let period = match choice(0)?.as_deref() {
                Some("month") => LeaderPeriod::Month,
                Some("quarter") => LeaderPeriod::Quarter,
                Some("year") => LeaderPeriod::Year,
                _ => LeaderPeriod::All,
            };
            Command::Leaderboard { period }
        }
        "nps" => {
            let w = a.required(0, "score")?;
            let score = w
                .parse::<u8>()
                .ok()
                .filter(|s| *s <= 10)
                .ok_or_else(|| a.usage(problem("score", &[("word", truncate(w, 20).into())])))?;
            let comment = a.rest_from(1);
            if comment.chars().count() > 1000 {
                return Err(a.usage(problem("comment-too-long", &[("max", 1000.into())])));
            }
            Command::Nps { score, comment }
        }
        "heard" => {
            let source = a.rest.clone();
            if source.is_empty() {
                return Err(a.usage(problem("heard-what", &[])));
            }
            if source.chars().count() > 200 {
                return Err(a.usage(problem("answer-too-long", &[("max", 200.into())])));
            }
            Command::Heard { source }
        }
        "link" => Command::Link { code: (!a.rest.is_empty()).then(|| a.rest.clone()) },
        "program" => {
            let action = choice(0)?.ok_or_else(|| a.usage(problem("program-action", &[])))?;
            let action = match action.as_str() {
                "list" => {
                    a.no_more_than(1)?;
                    ProgramAction::List
                }
                "show" => {
                    a.no_more_than(2)?;
                    ProgramAction::Show(slug(a, 1)?)
                }
                "create" => ProgramAction::Create(slug(a, 1)?, settings(a, 2)?),
                "set" => {
                    let s = settings(a, 2)?;
                    if s.is_empty() {
                        return Err(a.usage(problem("program-set-what", &[])));
                    }
                    ProgramAction::Set(slug(a, 1)?, s)
                }
                "pause" => {
                    a.no_more_than(2)?;
                    ProgramAction::Pause(slug(a, 1)?)
                }
                _ => {
                    a.no_more_than(2)?;
                    ProgramAction::Resume(slug(a, 1)?)
                }
            };
            Command::Program(action)
        }
        "referrals" => {
            a.no_more_than(1)?;
            Command::Referrals { state: choice(0)?.and_then(|s| s.parse().ok()) }
        }
        "convert" => {
            a.no_more_than(2)?;
            let referral = referral_id(a, 0)?;
            let value =
                a.word(1).map(|v| vouch_store::Money::parse(v).map_err(|e| a.usage(parse_problem(&e)))).transpose()?;
            Command::Convert { referral, value }
        }
        "partner" => {
            let email = EmailAddress::parse(a.required(0, "partner-email")?).map_err(|e| a.usage(e.to_string()))?;
            Command::AskPartner { email, name: a.rest_from(1) }
        }
        "consent" => {
            a.no_more_than(2)?;
            let referral = referral_id(a, 0)?;
            let accept = match choice(1)?.as_deref() {
                Some("yes") => true,
                Some("no") => false,
                _ => return Err(a.usage(problem("consent-answer", &[]))),
            };
            Command::Consent { referral, accept }
        }
        "wish" => match choice(0)?.as_deref() {
            Some("add") => {
                let text = a.rest_from(1);
                if text.trim().is_empty() {
                    return Err(a.usage(problem("wish-who", &[])));
                }
                if text.chars().count() > 120 {
                    return Err(a.usage(problem("wish-too-long", &[("max", 120.into())])));
                }
                Command::WishAdd { text }
            }
            Some(_) => {
                a.no_more_than(2)?;
                let w = a.required(1, "wish-id")?;
                let wish = w.parse().map_err(|_| a.usage(problem("wish-id", &[("word", truncate(w, 20).into())])))?;
                Command::WishDrop { wish }
            }
            None => return Err(a.usage(problem("wish-action", &[]))),
        },
        "wishes" => {
            a.no_more_than(0)?;
            Command::Wishes
        }
        "shoutout" => {
            a.no_more_than(1)?;
            match choice(0)?.as_deref() {
                Some("on") => Command::Shoutout { on: true },
                Some("off") => Command::Shoutout { on: false },
                _ => return Err(a.usage(problem("on-off", &[]))),
            }
        }
        "subscribe" | "unsubscribe" => {
            a.no_more_than(0)?;
            Command::Subscribe { on: spec.name == "subscribe" }
        }
        "approve" => {
            a.no_more_than(1)?;
            Command::Approve { referral: referral_id(a, 0)? }
        }
        "reject" => {
            let referral = referral_id(a, 0)?;
            let reason = a.rest_from(1);
            if reason.chars().count() > 300 {
                return Err(a.usage(problem("reason-too-long", &[("max", 300.into())])));
            }
            Command::Reject { referral, reason }
        }
        "refund" => {
            let referral = referral_id(a, 0)?;
            let reason = a.rest_from(1);
            if reason.chars().count() > 300 {
                return Err(a.usage("the reason is too long (300 characters at most)"));
            }
            Command::Refund { referral, reason }
        }
        "thank" => {
            let referral = referral_id(a, 0)?;
            let message = a.rest_from(1);
            if message.chars().count() > 500 {
                return Err(a.usage(problem("note-too-long", &[("max", 500.into())])));
            }
            Command::Thank { referral, message }
        }
        "reward" => {
            a.no_more_than(2)?;
            match choice(0)?.as_deref() {
                Some("paid") => {
                    let w = a.required(1, "reward-id")?;
                    let reward =
                        w.parse().map_err(|_| a.usage(problem("reward-id", &[("word", truncate(w, 20).into())])))?;
                    Command::RewardPaid { reward }
                }
                _ => {
                    let status = match a.word(1) {
                        None => None,
                        Some(w) => Some(match w.to_ascii_lowercase().as_str() {
                            "pending" => RewardStatus::Pending,
                            "approved" => RewardStatus::Approved,
                            "paid" => RewardStatus::Paid,
                            "void" => RewardStatus::Void,
                            _ => return Err(a.usage(problem("reward-status", &[]))),
                        }),
                    };
                    Command::RewardList { status }
                }
            }
        }
        "role" => {
            a.no_more_than(3)?;
            let grant = choice(0)?.as_deref() == Some("grant");
            let who = a.required(1, "who")?;
            let identity = IdentityKey::parse(who).map_err(|e| a.usage(parse_problem(&e)))?;
            let role: Role = choice(2)?
                .ok_or_else(|| a.usage(problem("missing-role", &[])))?
                .parse()
                .map_err(|e: vouch_store::ParseError| a.usage(parse_problem(&e)))?;
            Command::Role { grant, identity, role }
        }
        "report" => {
            a.no_more_than(1)?;
            let month = a
                .word(0)
                .map(|w| {
                    YearMonth::parse(w).ok_or_else(|| a.usage(problem("month", &[("word", truncate(w, 20).into())])))
                })
                .transpose()?;
            Command::Report { month }
        }
        "events" => {
            a.no_more_than(1)?;
            Command::Events { mine: choice(0)?.as_deref() == Some("mine") }
        }
        "event" => Command::Event(event_action(a, choice(0)?)?),
        "rsvp" => rsvp(a)?,
        "agenda" => {
            a.no_more_than(1)?;
            Command::Agenda { event: event_id(a, 0)? }
        }
        "attendees" => {
            a.no_more_than(2)?;
            let date = match a.word(1) {
                None => None,
                Some(w) => Some(
                    OccurrenceDate::parse(w)
                        .unwrap_or_else(|| Err(problem("occurrence-date", &[("word", truncate(w, 20).into())])))
                        .map_err(|p| a.usage(p))?,
                ),
            };
            Command::Attendees { event: event_id(a, 0)?, date }
        }
        "ics" => {
            let mut event = None;
            let mut member = None;
            let mut i = 0;
            while let Some(w) = a.word(i) {
                if matches!(w.to_ascii_lowercase().as_str(), "--member" | "member" | "-m") {
                    let who = a.required(i + 1, "feed-owner")?;
                    member = Some(IdentityKey::parse(who).map_err(|e| a.usage(parse_problem(&e)))?);
                    i += 2;
                } else if event.is_none() && member.is_none() && w.parse::<EventId>().is_ok() {
                    event = Some(event_id(a, i)?);
                    i += 1;
                } else if member.is_none() && event.is_none() {
                    // Discord's slash options arrive as bare words: `ics alice`.
                    member = Some(IdentityKey::parse(w).map_err(|e| a.usage(parse_problem(&e)))?);
                    i += 1;
                } else {
                    return Err(a.usage(problem("unexpected", &[("word", truncate(w, 40).into())])));
                }
            }
            Command::Ics { event, member }
        }
        "feed" => {
            a.no_more_than(1)?;
            match choice(0)?.as_deref() {
                None => Command::Feed { reset: false },
                Some("reset") => Command::Feed { reset: true },
                Some(_) => return Err(a.usage(problem("feed-action", &[]))),
            }
        }
        "timezone" => {
            a.no_more_than(1)?;
            let zone = a
                .word(0)
                .map(|w| {
                    Timezone::parse(w).map_err(|_| a.usage(problem("timezone", &[("word", truncate(w, 40).into())])))
                })
                .transpose()?;
            Command::Timezone { zone }
        }
        "language" => {
            a.no_more_than(1)?;
            Command::Language { code: a.word(0).map(|w| truncate(w, 40)) }
        }
        other => return Err(UserError::UnknownCommand { input: other.to_string(), suggestion: None }),
    };
    Ok(cmd)
}

fn event_id(a: &Args<'_>, i: usize) -> Result<EventId, UserError> {
    let w = a.required(i, "event-id")?;
    w.parse().map_err(|_| a.usage(problem("event-id", &[("word", truncate(w, 20).into())])))
}

fn event_action(a: &Args<'_>, action: Option<String>) -> Result<EventAction, UserError> {
    let action = action.ok_or_else(|| a.usage(problem("event-action", &[])))?;
    Ok(match action.as_str() {
        "create" => EventAction::Create(event_settings(a, 1)?),
        "edit" => {
            let s = event_settings(a, 2)?;
            if s.is_empty() {
                return Err(a.usage(problem("event-edit-what", &[])));
            }
            EventAction::Edit(event_id(a, 1)?, s)
        }
        "cancel" => {
            a.no_more_than(2)?;
            EventAction::Cancel(event_id(a, 1)?)
        }
        "show" => {
            a.no_more_than(2)?;
            EventAction::Show(event_id(a, 1)?)
        }
        "invite" => {
            let id = event_id(a, 1)?;
            let who = a.words.get(2..).unwrap_or_default();
            if who.len() > 100 {
                return Err(a.usage(problem("invite-max", &[("max", 100.into())])));
            }
            let who = who
                .iter()
                .map(|w| IdentityKey::parse(w).map_err(|e| a.usage(parse_problem(&e))))
                .collect::<Result<_, _>>()?;
            EventAction::Invite(id, who)
        }
        _ => {
            a.no_more_than(3)?;
            let id = event_id(a, 1)?;
            let w = a.required(2, "skip-date")?;
            let date = chrono::NaiveDate::parse_from_str(w, "%Y-%m-%d")
                .map_err(|_| a.usage(problem("date", &[("word", truncate(w, 20).into())])))?;
            EventAction::Skip(id, date)
        }
    })
}

/// `key=value` words, or `--key value` / `--key=value` as the CLI passes them.
fn event_settings(a: &Args<'_>, from: usize) -> Result<Vec<(String, String)>, UserError> {
    let words = a.words.get(from..).unwrap_or_default();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let (key, value) = if let Some(flag) = w.strip_prefix("--") {
            match flag.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => {
                    i += 1;
                    let v = words
                        .get(i)
                        .ok_or_else(|| a.usage(problem("flag-value", &[("flag", truncate(flag, 30).into())])))?;
                    (flag.to_string(), v.clone())
                }
            }
        } else {
            let (k, v) = w
                .split_once('=')
                .ok_or_else(|| a.usage(problem("settings-form", &[("word", truncate(w, 40).into())])))?;
            (k.to_string(), v.to_string())
        };
        out.push((key.trim().to_ascii_lowercase().replace('_', "-"), value.trim().to_string()));
        i += 1;
    }
    Ok(out)
}

/// `rsvp EVENT yes|no|maybe [DATE] [+N] [IDENTITY]`, words after the id in
/// any order. A date (or `next`) is checked before an identity, so a
/// mistyped date is a usage error rather than an unknown person.
fn rsvp(a: &Args<'_>) -> Result<Command, UserError> {
    let event = event_id(a, 0)?;
    let (mut answer, mut guests, mut on_behalf, mut date) = (None, 0u8, None, None);
    for w in a.words.get(1..).unwrap_or_default() {
        let lower = w.to_ascii_lowercase();
        if let Some(parsed) = OccurrenceDate::parse(w) {
            if date.is_some() {
                return Err(a.usage(problem("one-date", &[])));
            }
            date = Some(parsed.map_err(|p| a.usage(p))?);
            continue;
        }
        match lower.as_str() {
            "yes" | "y" | "accept" => answer = Some(RsvpStatus::Yes),
            "no" | "n" | "decline" => answer = Some(RsvpStatus::No),
            "maybe" | "tentative" => answer = Some(RsvpStatus::Maybe),
            _ if lower.starts_with('+') => {
                guests = lower[1..]
                    .parse()
                    .ok()
                    .filter(|g| *g <= 20)
                    .ok_or_else(|| a.usage(problem("guests", &[("word", truncate(w, 20).into())])))?;
            }
            _ if on_behalf.is_none() => {
                on_behalf = Some(
                    IdentityKey::parse(w)
                        .map_err(|_| a.usage(problem("rsvp-answer-not", &[("word", truncate(w, 20).into())])))?,
                )
            }
            _ => return Err(a.usage(problem("unexpected", &[("word", truncate(w, 40).into())]))),
        }
    }
    let answer = answer.ok_or_else(|| a.usage(problem("rsvp-answer", &[])))?;
    if date.is_some() && answer == RsvpStatus::Maybe {
        return Err(a.usage(problem("rsvp-maybe-date", &[])));
    }
    Ok(Command::Rsvp { event, answer, guests, on_behalf, date })
}

fn referral_id(a: &Args<'_>, i: usize) -> Result<ReferralId, UserError> {
    let w = a.required(i, "referral-id")?;
    w.parse().map_err(|_| a.usage(problem("referral-id", &[("word", truncate(w, 20).into())])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Command {
        match parse(line) {
            Ok((_, c)) => c,
            Err(e) => panic!("{line}: {e:?}"),
        }
    }

    #[test]
    fn slash_botname_and_aliases() {
        assert_eq!(ok("/code@vouch_bot"), Command::Code { program: None });
        assert_eq!(ok("CODE partners"), Command::Code { program: Some(Slug::parse("partners").expect("slug")) });
        assert_eq!(ok("use 7k3m 9qxp"), Command::Redeem { code: "7k3m 9qxp".into() });
    }

    #[test]
    fn refer_takes_multi_word_names_and_notes() {
        match ok("refer Jane van Dyke jane@acme.com met at the \"SaaS\" meetup") {
            Command::Refer { name, email, note, company } => {
                assert_eq!(company, None);
                assert_eq!(name, "Jane van Dyke");
                assert_eq!(email.as_str(), "jane@acme.com");
                assert_eq!(note, "met at the SaaS meetup");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("refer jane@acme.com"), Err(UserError::Usage { .. })));
        assert!(matches!(parse("refer Jane"), Err(UserError::Usage { .. })));
        match ok("refer Jane Doe (Acme Corp) jane@gmail.com") {
            Command::Refer { name, company, .. } => {
                assert_eq!((name.as_str(), company.as_deref()), ("Jane Doe", Some("Acme Corp")))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_commands_get_a_suggestion() {
        match parse("reedem ABC") {
            Err(UserError::UnknownCommand { suggestion, .. }) => assert_eq!(suggestion, Some("redeem")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("   "), Err(UserError::Empty)));
    }

    #[test]
    fn arguments_are_checked() {
        assert!(matches!(parse("nps 11"), Err(UserError::Usage { .. })));
        assert_eq!(ok("nps 10 love it"), Command::Nps { score: 10, comment: "love it".into() });
        assert!(matches!(parse("convert abc"), Err(UserError::Usage { .. })));
        assert_eq!(ok("convert #3 1,200"), Command::Convert { referral: ReferralId(3), value: Some(Money(120000)) });
        assert!(matches!(parse("role grant alice wizard"), Err(UserError::Usage { .. })));
        assert!(matches!(parse("report 2026-13"), Err(UserError::Usage { .. })));
        assert!(matches!(parse("program set customer cap"), Err(UserError::Usage { .. })));
        assert!(matches!(parse(&"x".repeat(MAX_LINE + 1)), Err(UserError::TooLong { .. })));
    }

    #[test]
    fn event_commands_take_key_value_and_cli_flags() {
        let expected = vec![
            ("kind".to_string(), "mastermind".to_string()),
            ("title".to_string(), "Monthly mastermind".to_string()),
            ("start".to_string(), "2026-12-03 12:30".to_string()),
            ("tz".to_string(), "Europe/Bucharest".to_string()),
        ];
        let chat = ok(
            "event create kind=mastermind title=\"Monthly mastermind\" start=\"2026-12-03 12:30\" tz=Europe/Bucharest",
        );
        let cli = ok(
            "event create --kind mastermind --title \"Monthly mastermind\" --start \"2026-12-03 12:30\" --tz=Europe/Bucharest",
        );
        assert_eq!(chat, Command::Event(EventAction::Create(expected.clone())));
        assert_eq!(cli, chat);
        assert!(matches!(parse("event create --title"), Err(UserError::Usage { .. })));
        assert!(matches!(parse("event edit E3"), Err(UserError::Usage { .. })));
        assert!(matches!(parse("event skip E3 03/12/2026"), Err(UserError::Usage { .. })));
    }

    #[test]
    fn rsvp_words_come_in_any_order() {
        let alice = IdentityKey::parse("alice").expect("identity");
        assert_eq!(
            ok("rsvp E2 yes +2"),
            Command::Rsvp { event: EventId(2), answer: RsvpStatus::Yes, guests: 2, on_behalf: None, date: None }
        );
        assert_eq!(
            ok("rsvp 2 alice no"),
            Command::Rsvp { event: EventId(2), answer: RsvpStatus::No, guests: 0, on_behalf: Some(alice), date: None }
        );
        assert!(matches!(parse("rsvp E2"), Err(UserError::Usage { .. })));
        assert!(matches!(parse("rsvp E2 yes +99"), Err(UserError::Usage { .. })));
        assert!(matches!(parse("ics --member"), Err(UserError::Usage { .. })));
        let alice = IdentityKey::parse("alice").expect("identity");
        assert_eq!(ok("ics --member alice"), Command::Ics { event: None, member: Some(alice.clone()) });
        assert_eq!(ok("ics alice"), Command::Ics { event: None, member: Some(alice) });
        assert_eq!(ok("ics E4"), Command::Ics { event: Some(EventId(4)), member: None });
        assert!(matches!(parse("timezone Mars/Base"), Err(UserError::Usage { .. })));
    }

    #[test]
    fn rsvp_and_attendees_take_one_date_of_a_series() {
        let dec = NaiveDate::from_ymd_opt(2026, 12, 3).map(OccurrenceDate::On);
        let alice = IdentityKey::parse("alice").expect("identity");
        assert_eq!(
            ok("rsvp E2 no 2026-12-03"),
            Command::Rsvp { event: EventId(2), answer: RsvpStatus::No, guests: 0, on_behalf: None, date: dec }
        );
        assert_eq!(
            ok("rsvp E2 alice 2026-12-03 yes +1"),
            Command::Rsvp { event: EventId(2), answer: RsvpStatus::Yes, guests: 1, on_behalf: Some(alice), date: dec }
        );
        assert!(matches!(ok("rsvp E2 yes next"), Command::Rsvp { date: Some(OccurrenceDate::Next), .. }));
        let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 1, 14, 16, 0, 0).single();
        assert_eq!(
            ok("rsvp E2 no 2027-01-14T16:00:00Z"),
            Command::Rsvp {
                event: EventId(2),
                answer: RsvpStatus::No,
                guests: 0,
                on_behalf: None,
                date: at.map(OccurrenceDate::At)
            }
        );
        let renderer = crate::Renderer::builtin().expect("templates");
        let bad = |line: &str, needle: &str| match parse(line) {
            Err(UserError::Usage { problem, .. }) => {
                let problem = renderer.localize("en", &problem);
                assert!(problem.contains(needle), "{line}: {problem}")
            }
            other => panic!("{line}: {other:?}"),
        };
        bad("rsvp E2 no 2026-13-03", "YYYY-MM-DD");
        bad("rsvp E2 no 2026-12-03 2026-12-10", "one date at a time");
        bad("rsvp E2 maybe 2026-12-03", "yes or no");
        assert_eq!(ok("attendees E2 2026-12-03"), Command::Attendees { event: EventId(2), date: dec });
        assert_eq!(ok("attendees E2"), Command::Attendees { event: EventId(2), date: None });
        bad("attendees E2 december", "YYYY-MM-DD or next");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(ok("heard a\u{0007}friend\nat work"), Command::Heard { source: "afriend at work".into() });
    }
}
