//! The one declaration of every command. `help`, the parser, Discord slash
//! registration, Telegram `setMyCommands` and email subject keywords all
//! read this table.

use vouch_store::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A single word.
    Word,
    /// Everything to the end of the line.
    Rest,
    Code,
    Email,
    Integer,
    Money,
    /// A referral or reward id (`12`, `#12`, `R12`).
    Id,
    Identity,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// `key=value` settings to the end of the line.
    Settings,
}

#[derive(Clone, Copy, Debug)]
pub struct ArgSpec {
    pub name: &'static str,
    pub kind: ArgKind,
    pub required: bool,
    pub help: &'static str,
}

#[derive(Clone, Copy, Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub args: &'static [ArgSpec],
    /// One line for menus (Telegram's limit is 256 characters, Discord's 100).
    pub summary: &'static str,
    /// Who may run it. Checked in the engine, never in adapters.
    pub role: Role,
    /// Answers contain personal data: send privately (DM, ephemeral).
    pub private: bool,
}

impl ArgSpec {
    /// The message with this argument's help in every language
    /// (`arg-redeem-code`); `help` is its English source.
    pub fn help_id(&self, command: &CommandSpec) -> String {
        format!("arg-{}-{}", command.name, self.name.to_ascii_lowercase())
    }
}

impl CommandSpec {
    /// Whether answers go privately (DM, ephemeral, never into a group or
    /// channel): personal answers, and everything organizers run — their
    /// listings (referrals, rewards, reports, attendees) name people and
    /// money that a community channel must not see.
    pub fn answers_privately(&self) -> bool {
        self.private || matches!(self.role, Role::Organizer | Role::Admin)
    }

    /// `redeem CODE`, `refer NAME EMAIL [note]`.
    pub fn usage(&self) -> String {
        let mut s = self.name.to_string();
        for a in self.args {
            s.push(' ');
            let name = match a.kind {
                ArgKind::Choice(options) => options.join("|"),
                _ => a.name.to_string(),
            };
            if a.required {
                s.push_str(&name);
            } else {
                s.push('[');
                s.push_str(&name);
                s.push(']');
            }
        }
        s
    }

    pub fn matches(&self, word: &str) -> bool {
        self.name.eq_ignore_ascii_case(word) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(word))
    }
}

const fn arg(name: &'static str, kind: ArgKind, help: &'static str) -> ArgSpec {
    ArgSpec { name, kind, required: true, help }
}

const fn opt(name: &'static str, kind: ArgKind, help: &'static str) -> ArgSpec {
    ArgSpec { name, kind, required: false, help }
}

pub const RSVP_ANSWERS: &[&str] = &["yes", "no", "maybe"];
pub const EVENT_ACTIONS: &[&str] = &["create", "edit", "cancel", "invite", "show", "skip"];
pub const PERIODS: &[&str] = &["month", "quarter", "year", "all"];
pub const STATES: &[&str] = &["issued", "redeemed", "qualified", "converted", "rewarded", "rejected"];

pub static CATALOG: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
        aliases: &["start", "?", "commands"],
        args: &[opt("command", ArgKind::Word, "A command to explain")],
        summary: "What I can do for you",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "code",
        aliases: &["mycode", "share", "invite"],
        args: &[opt("program", ArgKind::Word, "Which referral program (default: the main one)")],
        summary: "Get your personal referral code and share text",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "redeem",
        aliases: &["use", "claim"],
        args: &[arg("CODE", ArgKind::Code, "The code someone gave you, like 7K3M-9QXP")],
        summary: "Use a friend's referral code",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "refer",
        aliases: &["intro", "introduce"],
        args: &[
            arg("NAME", ArgKind::Word, "Their name"),
            arg("EMAIL", ArgKind::Email, "Their email address"),
            opt("note", ArgKind::Rest, "Why they'd be a good fit"),
        ],
        summary: "Record someone you referred",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "partner",
        aliases: &["ask-partner", "reverse-intro"],
        args: &[
            arg("EMAIL", ArgKind::Email, "The partner's email address"),
            opt("NAME", ArgKind::Rest, "The partner's name"),
        ],
        summary: "Ask a partner how best to refer clients to them (ideal intro in reverse)",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "consent",
        aliases: &[],
        args: &[
            arg("REFERRAL", ArgKind::Id, "The introduction's id, from the mail you received"),
            arg("answer", ArgKind::Choice(&["yes", "no"]), "yes to be introduced, no to decline"),
        ],
        summary: "Accept or decline an introduction someone made for you",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "shoutout",
        aliases: &["public-thanks"],
        args: &[arg("answer", ArgKind::Choice(&["on", "off"]), "on: thank me by name in public; off: don't")],
        summary: "Choose whether we may thank you by name in public when your referral wins",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "wishes",
        aliases: &["wishlist", "asks"],
        args: &[],
        summary: "Who we'd most like to meet: introductions we'd love",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "wish",
        aliases: &[],
        args: &[
            arg("action", ArgKind::Choice(&["add", "drop"]), "add TEXT, or drop ID"),
            opt(
                "TEXT",
                ArgKind::Rest,
                "Who (a company, a role; a domain like northwind.com matches introductions), or the id to drop",
            ),
        ],
        summary: "Keep the wish list champions see: people and companies to be introduced to",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "unsubscribe",
        aliases: &["optout", "opt-out", "stop"],
        args: &[],
        summary: "Stop notices to where you write from (answers to you still come)",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "subscribe",
        aliases: &["optin", "opt-in", "resume"],
        args: &[],
        summary: "Get notices again after unsubscribing or declining",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "mine",
        aliases: &["me", "status", "referrals-mine"],
        args: &[],
        summary: "Your referrals, their progress and your rewards",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "why",
        aliases: &["balance", "rewards"],
        args: &[],
        summary: "Explain your reward balance, entry by entry",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "leaderboard",
        aliases: &["top", "board"],
        args: &[opt("period", ArgKind::Choice(PERIODS), "month, quarter, year or all (default)")],
        summary: "Who referred the most",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "nps",
        aliases: &["score"],
        args: &[
            arg("SCORE", ArgKind::Integer, "0 to 10: how likely you are to recommend us"),
            opt("comment", ArgKind::Rest, "Anything you'd like to add"),
        ],
        summary: "How likely are you to recommend us (0-10)?",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "heard",
        aliases: &["source", "howdidyouhear"],
        args: &[arg("SOURCE", ArgKind::Rest, "Who or what told you about us")],
        summary: "Tell us how you heard about us",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "link",
        aliases: &["pair"],
        args: &[opt("CODE", ArgKind::Code, "The one-time code from your other account")],
        summary: "Connect your accounts on other channels",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "program",
        aliases: &["programs"],
        args: &[
            arg("action", ArgKind::Choice(&["list", "show", "create", "set", "pause", "resume"]), "What to do"),
            opt("NAME", ArgKind::Word, "The program's short name"),
            opt("settings", ArgKind::Settings, "key=value settings (see help program)"),
        ],
        summary: "Create and tune referral programs",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "referrals",
        aliases: &["list"],
        args: &[opt("state", ArgKind::Choice(STATES), "Only referrals in this state")],
        summary: "List referrals with the ids other commands take",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "convert",
        aliases: &["won"],
        args: &[
            arg("REFERRAL", ArgKind::Id, "Referral id from `referrals`"),
            opt("VALUE", ArgKind::Money, "What the new customer is worth, e.g. 1200"),
        ],
        summary: "Mark a referral as a new customer",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "approve",
        aliases: &["qualify"],
        args: &[arg("REFERRAL", ArgKind::Id, "Referral id from `referrals`")],
        summary: "Approve a referral's rewards (or qualify it before conversion)",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "thank",
        aliases: &["thanks"],
        args: &[
            arg("REFERRAL", ArgKind::Id, "Referral id from `referrals`"),
            opt("message", ArgKind::Rest, "Your note, in your words"),
        ],
        summary: "Send the referrer a personal thank-you note, signed by you",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "reject",
        aliases: &["deny"],
        args: &[
            arg("REFERRAL", ArgKind::Id, "Referral id from `referrals`"),
            opt("reason", ArgKind::Rest, "Told to the referrer"),
        ],
        summary: "Reject a referral, with a reason",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "refund",
        aliases: &[],
        args: &[
            arg("REFERRAL", ArgKind::Id, "Referral id from `referrals`"),
            opt("reason", ArgKind::Rest, "Shown in `why` and to organizers"),
        ],
        summary: "A converted customer was refunded: reverse the rewards",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "reward",
        aliases: &[],
        args: &[
            arg("action", ArgKind::Choice(&["paid", "list"]), "paid ID, or list [status]"),
            opt("ID", ArgKind::Word, "Reward id (for paid) or status (for list)"),
        ],
        summary: "List rewards, mark one as paid out",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "role",
        aliases: &["roles"],
        args: &[
            arg("action", ArgKind::Choice(&["grant", "revoke"]), "grant or revoke"),
            arg("IDENTITY", ArgKind::Identity, "alice, telegram:ID, discord:ID or email:ADDRESS"),
            arg("ROLE", ArgKind::Choice(&["champion", "organizer", "admin"]), "The role: champion, organizer or admin"),
        ],
        summary: "Give or take away a role",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "report",
        aliases: &["stats", "metrics"],
        args: &[opt("month", ArgKind::Word, "YYYY-MM (default: everything)")],
        summary: "Referrals per month, conversion, value, ROI, LTV:CAC",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "events",
        aliases: &["upcoming", "calendar"],
        args: &[opt("which", ArgKind::Choice(&["upcoming", "mine"]), "upcoming (default) or mine")],
        summary: "Upcoming events, or the ones you are invited to",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "event",
        aliases: &[],
        args: &[
            arg("action", ArgKind::Choice(EVENT_ACTIONS), "What to do"),
            opt("EVENT", ArgKind::Id, "Event id, like E3 (not for create)"),
            opt(
                "settings",
                ArgKind::Settings,
                "key=value: kind title start tz every capacity duration agenda expert location audience",
            ),
        ],
        summary: "Schedule events, invite people, edit or cancel",
        role: Role::Organizer,
        private: false,
    },
    CommandSpec {
        name: "rsvp",
        aliases: &["attend"],
        args: &[
            arg("EVENT", ArgKind::Id, "Event id, like E3"),
            arg("answer", ArgKind::Choice(RSVP_ANSWERS), "yes, no or maybe"),
            opt("DATE", ArgKind::Word, "One date of a series (YYYY-MM-DD or next); default: the whole series"),
            opt("guests", ArgKind::Word, "Guests you bring, like +1"),
            opt("IDENTITY", ArgKind::Identity, "Organizers: answer for this person"),
        ],
        summary: "Answer an event invitation",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "agenda",
        aliases: &[],
        args: &[arg("EVENT", ArgKind::Id, "Event id, like E3")],
        summary: "An event's agenda and guest expert",
        role: Role::Member,
        private: false,
    },
    CommandSpec {
        name: "attendees",
        aliases: &["guests"],
        args: &[
            arg("EVENT", ArgKind::Id, "Event id, like E3"),
            opt("DATE", ArgKind::Word, "Which date of a series (YYYY-MM-DD or next); default: the next"),
        ],
        summary: "Who is coming, who is waiting, who declined",
        role: Role::Organizer,
        private: true,
    },
    CommandSpec {
        name: "ics",
        aliases: &["ical"],
        args: &[
            opt("EVENT", ArgKind::Id, "Event id (default: your own calendar feed)"),
            opt("member", ArgKind::Identity, "Organizers: --member IDENTITY for someone's feed"),
        ],
        summary: "An event's calendar file, or your calendar feed",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "feed",
        aliases: &["calendar-feed", "ical-feed"],
        args: &[opt("reset", ArgKind::Choice(&["reset"]), "reset: revoke the link given before and make a new one")],
        summary: "A link that keeps your calendar app up to date with your events",
        role: Role::Member,
        // The link shows your events to whoever has it.
        private: true,
    },
    CommandSpec {
        name: "timezone",
        aliases: &["tz"],
        args: &[opt("ZONE", ArgKind::Word, "An IANA zone like Europe/Bucharest")],
        summary: "Show or set the time zone event times are shown in",
        role: Role::Member,
        private: true,
    },
    CommandSpec {
        name: "language",
        aliases: &["lang"],
        args: &[opt("CODE", ArgKind::Word, "A language code like ru, ar or ro; auto follows your app again")],
        summary: "Choose the language I answer you in",
        role: Role::Member,
        private: false,
    },
];

pub fn find(word: &str) -> Option<&'static CommandSpec> {
    CATALOG.iter().find(|c| c.matches(word))
}

/// The command a mistyped word most likely meant (edit distance <= 2).
pub fn closest(word: &str) -> Option<&'static CommandSpec> {
    let word = word.to_ascii_lowercase();
    CATALOG
        .iter()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()).map(move |n| (c, n)))
        .map(|(c, n)| (c, edit_distance(&word, n)))
        .filter(|(_, d)| *d <= 2)
        .min_by_key(|(_, d)| *d)
        .map(|(c, _)| c)
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in CATALOG {
            for n in std::iter::once(c.name).chain(c.aliases.iter().copied()) {
                assert!(seen.insert(n), "{n} declared twice");
            }
        }
    }

    #[test]
    fn summaries_fit_every_platform() {
        for c in CATALOG {
            assert!(c.summary.len() <= 100, "{} summary too long for Discord", c.name);
            assert!(c.name.len() <= 32 && c.name.chars().all(|ch| ch.is_ascii_lowercase()));
        }
    }

    #[test]
    fn usage_is_generated() {
        assert_eq!(find("refer").map(|c| c.usage()).as_deref(), Some("refer NAME EMAIL [note]"));
        assert_eq!(closest("reedem").map(|c| c.name), Some("redeem"));
        assert!(closest("xyzzyq").is_none());
    }
}
