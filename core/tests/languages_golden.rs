//! The main flows as each shipped language's members see them: golden files
//! under `tests/fixtures/i18n/<lang>.txt` (rewrite with `VOUCH_BLESS=1`, then
//! read the diff: a golden is only as good as its last careful reading).
//!
//! One community, four times, each time with a different default language:
//! alice gets a code, bob redeems it, alice introduces Jane from chat (Jane
//! gets the consent mail), olga converts and approves, alice reads `mine`
//! and `why`, olga schedules a lunch and invites alice, then reads the
//! report; olga schedules a monthly mastermind (its recurrence and length in
//! words), the admin makes alice a champion (role names), alice asks `help
//! role` (argument help) and picks her language. Replies and the notices each
//! step queued are rendered in plain text, notices with their mail subject.
//! Then the plural forms for 1, 2, 5, 11, 21, 101 and 119 (Romanian's 101
//! and 119 are `few`), in messages and in the templates that use them, and
//! durations, percentages, dates and the held-seat button.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::json;
use vouch_core::{Caller, Engine, Format, Languages, ManualClock, Renderer, SeededIds, Settings, intl};
use vouch_store::{IdentityKey, Language, OutboxId, Read, Role, Store, Timezone};

const LANGUAGES: [&str; 4] = ["en", "ru", "ar", "ro"];
const COUNTS: [i64; 7] = [1, 2, 5, 11, 21, 101, 119];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/i18n")
}

fn caller(who: &str) -> Caller {
    if who == "admin" { Caller::admin() } else { Caller::new(IdentityKey::parse(who).expect("identity"), who) }
}

struct Community {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    engine: Engine,
    renderer: Renderer,
    lang: String,
    seen: Vec<OutboxId>,
    out: String,
}

impl Community {
    fn new(lang: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(Store::open(dir.path()).expect("open store"));
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).single().expect("valid start");
        let renderer = Renderer::builtin().expect("templates compile");
        let settings = Settings {
            community: "Acme".into(),
            // Romanian communities count in lei; the others in dollars.
            currency: if lang == "ro" { "RON".into() } else { "USD".into() },
            languages: Languages::new(renderer.languages(), &Language::parse(lang).expect("tag")),
            ..Settings::default()
        };
        let engine =
            Engine::new(Arc::clone(&store), Arc::new(ManualClock::new(start)), Arc::new(SeededIds::new(7)), settings)
                .expect("engine");
        Self { _dir: dir, store, engine, renderer, lang: lang.to_string(), seen: Vec::new(), out: String::new() }
    }

    /// Runs `line` as `who`, writes its replies and the notices it queued.
    fn say(&mut self, who: &str, line: &str) -> String {
        let response = self.engine.respond(&caller(who), line, None);
        let mut answer = String::new();
        for reply in &response.replies {
            assert!(!reply.is_error(), "`{line}` by {who} was refused: {}", self.renderer.render(reply, Format::Plain));
            assert_eq!(reply.language.as_ref().map(|l| l.as_str()), Some(self.lang.as_str()), "{line}");
            let text = self.renderer.render(reply, Format::Plain);
            writeln!(self.out, "## {who}: {line}\n{text}\n").expect("write");
            answer.push_str(&text);
        }
        self.notices();
        answer
    }

    fn notices(&mut self) {
        for m in self.store.outbox_messages().expect("scan outbox") {
            if self.seen.contains(&m.id) {
                continue;
            }
            self.seen.push(m.id);
            let lang = self.engine.notice_language(&m);
            assert_eq!(lang, self.lang, "{} to {} is in the community's language", m.template, m.to);
            let subject = format!("{}.subject", m.template);
            let render = |name: &str| self.renderer.render_template(&lang, name, &m.data, Format::Plain);
            let body = render(&m.template).unwrap_or_else(|e| panic!("{}: {e}", m.template));
            writeln!(self.out, "## notice to {} ({})", m.to, m.template).expect("write");
            if self.renderer.has(&subject) {
                writeln!(self.out, "Subject: {}", render(&subject).expect("subject renders")).expect("write");
            }
            let labels: Vec<String> = m.actions.iter().map(|a| self.renderer.label(&lang, &a.label)).collect();
            if !labels.is_empty() {
                writeln!(self.out, "Buttons: {}", labels.join(" | ")).expect("write");
            }
            writeln!(self.out, "{body}\n").expect("write");
        }
    }

    /// The engine's marks in `text`, written in this community's language.
    fn write(&self, text: &str) -> String {
        self.renderer.localize(&self.lang, text)
    }

    fn template(&mut self, name: &str, data: serde_json::Value) {
        let text = self.renderer.render_template(&self.lang, name, &data, Format::Plain).expect("renders");
        writeln!(self.out, "{text}").expect("write");
    }
}

/// The `XXXX-XXXX` code in a reply.
fn code_in(text: &str) -> String {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-')
        .unwrap_or_else(|| panic!("no code in:\n{text}"))
        .to_string()
}

fn flows(lang: &str) -> String {
    let mut c = Community::new(lang);
    c.say("admin", "role grant olga organizer");
    c.out.clear();
    let code = code_in(&c.say("alice", "code"));
    c.say("bob", &format!("redeem {code}"));
    c.say("alice", "refer Jane Doe (Initech) jane@initech.example met at the meetup");
    c.say("olga", "convert R1 1200");
    c.say("olga", "approve R1");
    c.say("alice", "mine");
    c.say("alice", "why");
    c.say("olga", "event create kind=lunch title=\"Referral lunch\" start=\"2026-12-03 18:00\" tz=Europe/Bucharest capacity=8 plus-ones=2");
    c.say("olga", "event invite E1 alice");
    c.say("alice", "rsvp E1 yes +1");
    c.say("alice", "events mine");
    c.say("olga", "report");
    c.say("olga", "event create kind=mastermind title=\"Monthly mastermind\" start=\"2026-12-01 18:30\" tz=Europe/Bucharest every=month-weekday duration=2h");
    c.say("olga", "event create kind=webinar title=Demo start=\"2026-12-30 10:00\" tz=Europe/Bucharest every=month-weekday duration=45m");
    c.say("admin", "role grant alice champion");
    c.say("alice", "help role");
    c.say("alice", "language");
    c.say("alice", &format!("language {lang}"));

    c.out.push_str("## plurals\n");
    for id in ["referrals", "guests", "people-told", "answers", "days"] {
        let forms: Vec<String> = COUNTS
            .iter()
            .map(|n| {
                let args = [("count", json!(n))];
                c.renderer.message(lang, id, &args).unwrap_or_else(|| panic!("{lang} lacks {id}"))
            })
            .collect();
        writeln!(c.out, "{id}: {}", forms.join(" / ")).expect("write");
    }
    for n in COUNTS {
        c.template("reply/event_cancelled", json!({ "event": { "title": "Referral lunch", "id": "E1" }, "told": n }));
        c.template("error/too_many_guests", json!({ "title": "Referral lunch", "max": n }));
    }
    c.out.push_str("## numbers and dates\n");
    let durations: Vec<String> =
        [1, 2, 5, 11, 21, 45, 60, 90, 120, 125, 300, 1320].iter().map(|m| c.write(&intl::duration(*m))).collect();
    writeln!(c.out, "durations: {}", durations.join(" / ")).expect("write");
    let percents: Vec<String> = [(12.5, 1), (0.0, 1), (100.0, 1), (1234.5, 1), (2300.0, 0)]
        .iter()
        .map(|(v, d)| c.write(&intl::percent(*v, *d)))
        .collect();
    writeln!(c.out, "percentages: {}", percents.join(" / ")).expect("write");
    let t = Utc.with_ymd_and_hms(2026, 12, 3, 16, 0, 0).single().expect("a time");
    let zone = Timezone::parse("Europe/Bucharest").expect("zone");
    writeln!(c.out, "day: {} / month: {}", c.write(&intl::day(t, zone)), c.write(&intl::month(2026, 12)))
        .expect("write");
    let seat = format!("action.take_seat_date|{}", intl::short_day(t, zone));
    writeln!(c.out, "held seat button: {}", c.renderer.label(lang, &seat)).expect("write");
    c.template("error/role_refused", json!({ "reason": intl::text("role-refused-member", &[]) }));
    let roles: Vec<String> = Role::ALL.iter().map(|r| c.write(&intl::role(*r))).collect();
    writeln!(c.out, "roles: {}", roles.join(" / ")).expect("write");
    c.out
}

#[test]
fn main_flows_in_every_language_match_their_golden_files() {
    let bless = std::env::var_os("VOUCH_BLESS").is_some();
    let shipped = Renderer::builtin().expect("templates compile").languages();
    assert_eq!(shipped.len(), LANGUAGES.len(), "a golden file per shipped language: {shipped:?}");
    let mut changed = Vec::new();
    for lang in LANGUAGES {
        let text = flows(lang);
        let path = fixtures().join(format!("{lang}.txt"));
        if bless {
            std::fs::create_dir_all(fixtures()).expect("fixtures dir");
            std::fs::write(&path, &text).expect("write golden file");
            continue;
        }
        let golden = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (VOUCH_BLESS=1 writes it)", path.display()));
        if text != golden {
            changed.push(format!("{lang}: rerun with VOUCH_BLESS=1 if intended; now:\n{text}"));
        }
    }
    assert!(changed.is_empty(), "{}", changed.join("\n"));
}
