//! Engine behaviour, command by command, against a real store in a temp dir,
//! a manual clock and seeded codes. Each test asserts the reply template, the
//! key words of its plain rendering, and the store state behind it.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use vouch_store::{
    CODE_ALPHABET, IdentityKey, Member, Read, Referral, ReferralId, ReferralSource, ReferralState, RewardEntry,
    RewardStatus, Role, Slug, Store,
};

use super::{Caller, Engine, Limits, Settings};
use crate::ports::{ManualClock, SeededIds};
use crate::render::{Format, Renderer};
use crate::reply::Reply;

use RewardStatus::{Approved, Paid, Pending, Void};

struct World {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    engine: Engine,
    renderer: Renderer,
}

fn identity(who: &str) -> IdentityKey {
    IdentityKey::parse(who).unwrap_or_else(|e| panic!("identity {who}: {e}"))
}

/// `admin` is the console administrator; anyone else a plain first contact.
fn caller(who: &str) -> Caller {
    if who == "admin" { Caller::admin() } else { Caller::new(identity(who), who) }
}

#[track_caller]
fn has(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

#[track_caller]
fn lacks(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(!text.contains(part), "unexpected {part:?} in:\n{text}");
    }
}

/// The code (`XXXX-XXXX`) with one position of its canonical form replaced.
fn with_char(code: &str, pos: usize, c: char) -> String {
    code.replace('-', "").chars().enumerate().map(|(i, o)| if i == pos { c } else { o }).collect()
}

impl World {
    fn new() -> Self {
        Self::with_settings(Settings::default())
    }

    fn with_settings(settings: Settings) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(Store::open(dir.path()).expect("open store"));
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).single().expect("valid start");
        let clock = Arc::new(ManualClock::new(start));
        let ids = Arc::new(SeededIds::new(7));
        let engine = Engine::new(store, clock.clone(), ids, settings).expect("engine");
        let renderer = Renderer::builtin().expect("templates compile");
        Self { _dir: dir, clock, engine, renderer }
    }

    /// A world where olga is an organizer.
    fn with_organizer() -> Self {
        let w = Self::new();
        w.organizer("olga");
        w
    }

    /// bob redeemed alice's code (R1); olga is an organizer.
    fn with_r1() -> Self {
        let w = Self::new();
        w.alice_refers_bob();
        w.organizer("olga");
        w
    }

    fn store(&self) -> &Store {
        self.engine.store()
    }

    /// The single reply to one line, with no dedupe key.
    #[track_caller]
    fn reply_as(&self, caller: &Caller, line: &str) -> Reply {
        let response = self.engine.respond(caller, line, None);
        assert!(!response.duplicate, "`{line}` without a key can't be a duplicate");
        assert_eq!(response.replies.len(), 1, "`{line}`: {:?}", response.replies);
        let reply = response.replies.into_iter().next().expect("one reply");
        assert_eq!(reply.is_error(), reply.template.starts_with("error/"), "{}", reply.template);
        reply
    }

    #[track_caller]
    fn render(&self, reply: &Reply, format: Format) -> String {
        let text = self.renderer.render(reply, format);
        assert!(!text.starts_with("Sorry, something went wrong while writing"), "{} did not render", reply.template);
        text
    }

    /// `(template, plain text)` of the answer to `who` saying `line`.
    #[track_caller]
    fn say(&self, who: &str, line: &str) -> (String, String) {
        let reply = self.reply_as(&caller(who), line);
        let text = self.render(&reply, Format::Plain);
        (reply.template, text)
    }

    /// Asserts the template and the text parts of [`World::say`]; returns the text.
    #[track_caller]
    fn expect(&self, who: &str, line: &str, template: &str, parts: &[&str]) -> String {
        let (got, text) = self.say(who, line);
        assert_eq!(got, template, "`{line}` by {who} answered: {text}");
        has(&text, parts);
        text
    }

    /// The code (display form) answered to `code [program]` or `link`.
    #[track_caller]
    fn code(&self, who: &str, line: &str) -> String {
        let reply = self.reply_as(&caller(who), line);
        assert!(matches!(reply.template.as_str(), "reply/code" | "reply/link_code"), "{:?}", reply.data);
        reply.data["code"].as_str().expect("code in reply data").to_string()
    }

    fn organizer(&self, who: &str) {
        self.expect("admin", &format!("role grant {who} organizer"), "reply/role", &["is now organizer"]);
    }

    fn member(&self, who: &str) -> Member {
        self.store().member_by_identity(&identity(who)).expect("read").unwrap_or_else(|| panic!("{who} is a member"))
    }

    fn is_member(&self, who: &str) -> bool {
        self.store().member_by_identity(&identity(who)).expect("read").is_some()
    }

    fn referral(&self, id: u64) -> Referral {
        self.store().referral(ReferralId(id)).expect("read").unwrap_or_else(|| panic!("R{id} exists"))
    }

    fn referral_count(&self) -> usize {
        self.store().referrals().expect("scan referrals").len()
    }

    fn rewards(&self, who: &str) -> Vec<RewardEntry> {
        self.store().rewards_of(self.member(who).id).expect("scan ledger")
    }

    fn statuses(&self, who: &str) -> Vec<RewardStatus> {
        self.rewards(who).iter().map(|e| e.status).collect()
    }

    /// Recipients of queued outbox messages with this template, in order.
    fn outbox(&self, template: &str) -> Vec<String> {
        let messages = self.store().outbox_messages().expect("scan outbox");
        messages.iter().filter(|m| m.template == template).map(|m| m.to.to_string()).collect()
    }

    fn commits(&self) -> u64 {
        self.store().flush_stats().1
    }

    /// alice shares her code, bob redeems it: R1 in `customer`.
    fn alice_refers_bob(&self) -> String {
        let code = self.code("alice", "code");
        self.expect("bob", &format!("redeem {code}"), "reply/redeemed", &[]);
        code
    }
}

// ---- help ----

#[test]
fn help_shows_member_commands_to_members_and_organizer_commands_only_to_organizers() {
    let w = World::new();
    let text = w.expect("alice", "help", "reply/help", &["Hi alice!", "`redeem CODE` — Use a friend's referral code"]);
    has(&text, &["`refer NAME EMAIL [note]`", "`mine`"]);
    lacks(&text, &["Organizer commands", "convert REFERRAL", "`program list"]);
    w.organizer("olga");
    w.expect("olga", "/help", "reply/help", &["`redeem CODE`", "Organizer commands:", "`convert REFERRAL [VALUE]`"]);
}

#[test]
fn help_for_one_command_explains_its_arguments_aliases_and_role() {
    let w = World::new();
    let text = w.expect("alice", "help redeem", "reply/help_command", &["CODE: The code someone gave you"]);
    assert!(text.starts_with("redeem CODE\n"), "{text}");
    has(&text, &["Also works as: use, claim"]);
    lacks(&text, &["Needs the"]);
    w.expect("alice", "help convert", "reply/help_command", &["Needs the organizer role."]);
    w.expect("alice", "help reedem", "error/unknown_command", &["Did you mean `redeem`?"]);
}

// ---- code ----

#[test]
fn code_is_created_once_and_has_the_readable_format() {
    let w = World::new();
    let reply = w.reply_as(&caller("alice"), "code");
    assert_eq!(reply.template, "reply/code");
    assert!(reply.private, "a code is personal: sent privately");
    let code = reply.data["code"].as_str().expect("code").to_string();
    assert_eq!((code.len(), code.as_bytes()[4]), (9, b'-'), "{code}");
    assert!(code.replace('-', "").bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
    let text = w.render(&reply, Format::Plain);
    has(&text, &[&format!("Your referral code for customer: `{code}`"), "and get 20% off"]);
    has(&text, &["You get $50.00 account credit for each friend who becomes a customer (up to 12 per year)"]);
    assert_eq!(w.code("alice", "mycode"), code, "asking again gives the same code");
    let codes = w.store().codes().expect("scan codes");
    assert_eq!(codes.len(), 1);
    assert_eq!((codes[0].member, codes[0].code.to_string()), (w.member("alice").id, code));
}

#[test]
fn code_for_an_unknown_or_paused_program_is_refused() {
    let w = World::with_organizer();
    let parts = ["There's no program called \"unknownprog\". Programs: `customer`."];
    w.expect("alice", "code unknownprog", "error/unknown_program", &parts);
    w.expect("olga", "program pause customer", "reply/program", &["Paused program customer"]);
    w.expect("alice", "code", "error/program_paused", &["The customer program is paused"]);
    w.expect("alice", "code customer", "error/program_paused", &[]);
    assert!(w.store().codes().expect("scan").is_empty());
}

// ---- redeem ----

#[test]
fn redeem_records_the_referral_and_notifies_the_referrer_in_the_same_commit() {
    let w = World::new();
    let code = w.code("alice", "code");
    w.expect("bob", "help", "reply/help", &[]); // bob exists before the measured call
    let before = w.commits();
    let line = format!("redeem {}", code.to_lowercase());
    let text = w.expect("bob", &line, "reply/redeemed", &["You joined with alice's code — you'll get 20% off"]);
    assert_eq!(w.commits(), before + 1, "referral and notice land in one transaction");
    has(&text, &["An organizer confirms rewards"]);
    let r = w.referral(1);
    assert_eq!((r.state, r.source), (ReferralState::Redeemed, ReferralSource::Code));
    assert_eq!((r.referrer, r.referred), (w.member("alice").id, w.member("bob").id));
    assert_eq!(r.code.map(|c| c.to_string()), Some(code.clone()));
    let outbox = w.store().outbox_messages().expect("scan");
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        (outbox[0].to.to_string(), outbox[0].template.as_str()),
        ("console:alice".into(), "notice/referral_redeemed")
    );
    assert_eq!((&outbox[0].data["referred"], &outbox[0].data["code"]), (&"bob".into(), &code.as_str().into()));
}

#[test]
fn redeeming_your_own_code_is_a_self_referral() {
    let w = World::new();
    let code = w.code("alice", "code");
    w.expect("alice", &format!("redeem {code}"), "error/self_referral", &["you can't refer yourself"]);
    assert_eq!(w.referral_count(), 0);
}

#[test]
fn redeeming_the_same_code_twice_says_already_redeemed() {
    let w = World::new();
    let code = w.alice_refers_bob();
    let used = format!("You already used the code `{code}` on 23 Nov 2026");
    w.expect("bob", &format!("redeem {code}"), "error/already_redeemed", &[&used]);
    assert_eq!(w.referral_count(), 1);
}

#[test]
fn a_second_referrer_in_the_same_program_is_refused() {
    let w = World::new();
    w.alice_refers_bob();
    let carols = w.code("carol", "code");
    let parts = ["already recorded as referred to customer by alice"];
    w.expect("bob", &format!("redeem {carols}"), "error/already_referred", &parts);
    assert_eq!(w.referral_count(), 1);
}

#[test]
fn a_wrong_code_never_reveals_a_live_one() {
    let w = World::new();
    let code = w.code("alice", "code");
    // One character off, two swapped, a character codes never contain: the
    // refusal names no stored code (a "did you mean" found by lookup would
    // hand a guesser a live code).
    let original = code.as_bytes()[2];
    let other = *CODE_ALPHABET.iter().find(|c| **c != original).expect("another char") as char;
    let mut swapped = code.clone().into_bytes();
    swapped.swap(0, 1);
    let swapped = String::from_utf8(swapped).expect("ascii");
    for typed in [with_char(&code, 2, other), swapped] {
        if typed == code {
            continue;
        }
        let reply = w.reply_as(&caller("bob"), &format!("redeem {typed}"));
        assert_eq!(reply.template, "error/unknown_code", "{typed}");
        let text = w.render(&reply, Format::Plain);
        lacks(&text, &[&code, "Did you mean"]);
        assert!(reply.data.get("suggestion").is_none(), "{:?}", reply.data);
    }
    let reply = w.reply_as(&caller("bob"), &format!("redeem {}", with_char(&code, 5, '0')));
    assert_eq!(reply.template, "error/malformed_code");
    let text = w.render(&reply, Format::Plain);
    has(&text, &["That doesn't look like a referral code", "never contain '0'"]);
    lacks(&text, &[&code, "Did you mean"]);
    let text = w.expect("bob", "redeem ABC", "error/malformed_code", &["That doesn't look like a referral code"]);
    lacks(&text, &["Did you mean"]);
}

#[test]
fn redeeming_past_the_referrers_cap_is_refused() {
    let w = World::with_organizer();
    w.expect("olga", "program set customer cap=1/year", "reply/program", &["Cap: 1 per year"]);
    let code = w.alice_refers_bob();
    let parts = ["alice has reached this program's limit of 1 referrals per year"];
    w.expect("carol", &format!("redeem {code}"), "error/cap_reached", &parts);
    assert_eq!(w.referral_count(), 1);
}

#[test]
fn redeeming_in_a_paused_program_is_refused() {
    let w = World::new();
    let code = w.code("alice", "code");
    w.organizer("olga");
    w.expect("olga", "program pause customer", "reply/program", &[]);
    w.expect("bob", &format!("redeem {code}"), "error/program_paused", &["The customer program is paused"]);
    assert_eq!(w.referral_count(), 0);
    w.expect("olga", "program resume customer", "reply/program", &[]);
    w.expect("bob", &format!("redeem {code}"), "reply/redeemed", &[]);
}

#[test]
fn a_referrer_below_min_tenure_is_refused_until_the_days_have_passed() {
    let w = World::with_organizer();
    w.expect("olga", "program set customer min-tenure=30", "reply/program", &[]);
    let code = w.code("alice", "code");
    w.expect("bob", &format!("redeem {code}"), "error/too_new", &["referrers need 30 days of membership"]);
    w.clock.advance(Duration::days(31));
    w.expect("bob", &format!("redeem {code}"), "reply/redeemed", &[]);
    assert_eq!(w.referral(1).state, ReferralState::Redeemed);
}

#[test]
fn a_refused_command_changes_nothing() {
    let w = World::new();
    let code = w.alice_refers_bob();
    w.organizer("olga");
    let before = w.store().export().expect("export");
    let commits = w.commits();
    for (who, line, template) in [
        ("alice", format!("redeem {code}"), "error/self_referral"),
        ("bob", format!("redeem {code}"), "error/already_redeemed"),
        // A first contact creates a member; the refusal rolls that back too.
        ("stranger", "redeem 2345-6789".to_string(), "error/unknown_code"),
        ("stranger", "referrals".to_string(), "error/not_allowed"),
        ("email:x@y.com", "refer Me x@y.com".to_string(), "error/self_referral"),
        // Refused after taking an id from a counter.
        ("olga", "program create vip cap=abc".to_string(), "error/invalid_setting"),
        ("olga", "convert R9".to_string(), "error/unknown_referral"),
    ] {
        w.expect(who, &line, template, &[]);
    }
    assert_eq!(w.store().export().expect("export"), before);
    assert_eq!(w.commits(), commits);
    assert!(!w.is_member("stranger"));
}

// ---- refer ----

#[test]
fn a_members_refer_is_an_introduction_that_asks_the_prospect_first() {
    let w = World::new();
    let parts = [
        "Thank you for introducing Jane Doe (jane@acme.com)! Recorded as R1 in customer.",
        "We've asked Jane Doe whether they'd like to be introduced",
    ];
    w.expect("alice", "refer Jane Doe jane@acme.com met at the meetup", "reply/introduction_received", &parts);
    let jane = w.member("email:jane@acme.com");
    assert_eq!(jane.display_name, "Jane Doe");
    assert_eq!(jane.email.as_ref().map(|e| e.as_str()), Some("jane@acme.com"));
    assert_eq!(jane.company.as_deref(), Some("acme.com"), "a business domain names the company");
    let r = w.referral(1);
    assert_eq!((r.state, r.source), (ReferralState::Issued, ReferralSource::Manual));
    assert_eq!((r.referrer, r.referred), (w.member("alice").id, jane.id));
    assert_eq!(r.note, "met at the meetup");
    let intro = r.introduction.expect("an introduction awaiting consent");
    assert_eq!(intro.consent, vouch_store::Consent::Requested);
    let request = w.store().outbox(intro.request.expect("asked")).expect("read").expect("queued");
    assert_eq!(
        (request.to.to_string().as_str(), request.template.as_str()),
        ("email:jane@acme.com", "notice/consent_request")
    );
    assert_eq!(
        request.actions.iter().map(|a| a.command.as_str()).collect::<Vec<_>>(),
        ["consent R1 yes", "consent R1 no"]
    );

    // Jane says yes (by mail reply or link, as her address); Alice hears it.
    w.expect("email:jane@acme.com", "consent R1 yes", "reply/consent_accepted", &[]);
    assert_eq!(w.outbox("notice/introduction_accepted"), vec!["console:alice".to_string()]);
}

#[test]
fn a_company_written_after_the_name_is_kept_and_free_mail_has_none() {
    let w = World::new();
    w.expect("alice", "refer Jane Doe (Acme Corp) jane@gmail.com", "reply/introduction_received", &["Jane Doe"]);
    w.expect("alice", "refer Sam sam@yahoo.com", "reply/introduction_received", &[]);
    assert_eq!(w.member("email:jane@gmail.com").company.as_deref(), Some("Acme Corp"));
    assert_eq!(w.member("email:jane@gmail.com").display_name, "Jane Doe");
    assert_eq!(w.member("email:sam@yahoo.com").company, None);
}

#[test]
fn unsubscribe_stops_notices_and_subscribe_brings_them_back() {
    let w = World::new();
    let code = w.code("alice", "code");
    w.expect("alice", "unsubscribe", "reply/unsubscribed", &["no more notices to alice"]);
    w.expect("alice", "stop", "reply/unsubscribed", &["were already off"]);
    w.expect("bob", &format!("redeem {code}"), "reply/redeemed", &[]);
    assert!(w.outbox("notice/referral_redeemed").is_empty(), "an unsubscribed member is not told");
    w.expect("alice", "subscribe", "reply/subscribed", &["Welcome back, alice!"]);
    w.expect("carol", &format!("redeem {code}"), "reply/redeemed", &[]);
    assert_eq!(w.outbox("notice/referral_redeemed"), vec!["console:alice".to_string()]);
}

#[test]
fn a_declined_prospect_can_opt_back_in_but_not_by_an_unverified_mail() {
    let w = World::new();
    w.expect("alice", "refer Jane jane@acme.com", "reply/introduction_received", &[]);
    w.expect("email:jane@acme.com", "consent R1 no", "reply/consent_declined", &[]);
    let key = identity("email:jane@acme.com");
    assert!(w.store().identity(&key).expect("read").expect("known").opted_out);
    let mut spoofed = caller("email:jane@acme.com");
    spoofed.verified = false;
    let reply = w.reply_as(&spoofed, "subscribe");
    assert_eq!(reply.template, "error/unverified");
    assert!(w.store().identity(&key).expect("read").expect("known").opted_out, "a spoofed From changes nothing");
    w.expect("email:jane@acme.com", "opt-in", "reply/subscribed", &["Welcome back", "introduce you once more"]);
    assert!(!w.store().identity(&key).expect("read").expect("known").opted_out);
    // Her "no" to R1 stands; she can be introduced into another program.
    assert_eq!(w.referral(1).state, ReferralState::Rejected);
}

#[test]
fn a_no_after_the_introduction_closed_still_unsubscribes() {
    let w = World::with_organizer();
    w.expect("alice", "refer Jane jane@acme.com", "reply/introduction_received", &[]);
    w.expect("email:jane@acme.com", "consent R1 yes", "reply/consent_accepted", &[]);
    w.expect("olga", "convert R1 100", "reply/converted", &[]);
    w.expect("email:jane@acme.com", "consent R1 no", "reply/unsubscribed", &["no more notices to jane@acme.com"]);
    assert!(w.store().identity(&identity("email:jane@acme.com")).expect("read").expect("known").opted_out);
    assert_eq!(w.referral(1).state, ReferralState::Converted, "the win stands");
}

#[test]
fn every_notice_by_mail_carries_an_unsubscribe_command() {
    let w = World::new();
    w.expect("alice", "refer Jane jane@acme.com", "reply/introduction_received", &[]);
    let rows = w.store().outbox_messages().expect("scan");
    let request = rows.iter().find(|m| m.template == "notice/consent_request").expect("asked");
    assert_eq!(request.data["unsubscribe"], "consent R1 no", "the request's own opt-out wins");
    w.expect("admin", "partner sam@partner.example Sam", "reply/partner_asked", &[]);
    let rows = w.store().outbox_messages().expect("scan");
    let ask = rows.iter().find(|m| m.template == "notice/partner_ask").expect("asked");
    assert_eq!(ask.data["unsubscribe"], "unsubscribe");
}

#[test]
fn the_console_administrator_records_a_referral_without_mailing_anyone() {
    let w = World::new();
    let parts = ["Thank you for referring Jane Doe (jane@acme.com)! Recorded as R1 in customer."];
    w.expect("admin", "refer Jane Doe jane@acme.com met at the meetup", "reply/referred", &parts);
    let r = w.referral(1);
    assert_eq!((r.source, r.introduction), (ReferralSource::Manual, None));
    assert!(w.outbox("notice/consent_request").is_empty(), "nobody is mailed");
}

#[test]
fn someone_who_declined_cannot_be_introduced_again_under_another_spelling() {
    let w = World::new();
    w.expect("alice", "refer Jane jane.doe@gmail.com", "reply/introduction_received", &[]);
    w.expect("email:jane.doe@gmail.com", "consent R1 no", "reply/consent_declined", &[]);
    let text = w.expect("bob", "refer Jane janedoe+hi@gmail.com", "error/prospect_opted_out", &[]);
    has(&text, &["janedoe+hi@gmail.com"]);
    assert_eq!(w.referral_count(), 1);
}

#[test]
fn refer_yourself_by_your_own_email_is_a_self_referral() {
    let w = World::new();
    w.expect("email:x@y.com", "refer Me x@y.com", "error/self_referral", &["you can't refer yourself"]);
    assert_eq!(w.referral_count(), 0);
}

#[test]
fn referring_the_same_email_twice_is_already_referred() {
    let w = World::new();
    w.expect("alice", "refer Jane jane@acme.com", "reply/introduction_received", &[]);
    let parts = ["You already referred Jane to customer"];
    w.expect("alice", "refer Jane again jane@acme.com", "error/already_referred", &parts);
    w.expect("bob", "refer Jane jane@acme.com", "error/already_referred", &["referred to customer by alice"]);
    assert_eq!(w.referral_count(), 1);
}

// ---- roles ----

#[test]
fn organizer_commands_need_the_organizer_role_until_granted() {
    let w = World::new();
    for line in ["referrals", "convert R1", "approve R1", "program list", "report", "role grant bob organizer"] {
        w.expect("alice", line, "error/not_allowed", &["is for organizers only"]);
    }
    w.expect("admin", "role grant alice organizer", "reply/role", &["alice (console:alice) is now organizer."]);
    assert!(w.member("alice").has_role(Role::Organizer));
    w.expect("alice", "referrals", "reply/referrals", &["No referrals yet."]);
}

#[test]
fn only_an_admin_can_grant_admin() {
    let w = World::new();
    w.organizer("alice");
    w.expect("alice", "role grant bob admin", "error/role_refused", &["only an admin can grant or revoke admin"]);
    assert!(!w.is_member("bob"));
    w.expect("alice", "role grant alice admin", "error/role_refused", &[]);
    assert!(!w.member("alice").has_role(Role::Admin));
    w.expect("admin", "role grant bob admin", "reply/role", &["is now admin"]);
    assert!(w.member("bob").has_role(Role::Admin));
}

// ---- the organizer's path ----

#[test]
fn full_flow_from_code_to_paid_reward() {
    let w = World::with_r1();
    w.expect("olga", "referrals", "reply/referrals", &["R1 alice → bob · joined with your code"]);
    let parts = ["R1 bob is now a customer worth $1,200.00 — thanks to alice.", "Approve them with `approve R1`."];
    w.expect("olga", "convert R1 1200", "reply/converted", &parts);
    assert_eq!(w.referral(1).state, ReferralState::Converted);
    assert_eq!((w.statuses("alice"), w.statuses("bob")), (vec![Pending], vec![Pending]));
    assert_eq!(w.rewards("alice")[0].reward.describe("USD"), "$50.00 account credit");
    assert_eq!(w.rewards("bob")[0].reward.describe("USD"), "20% off");
    assert_eq!(w.outbox("notice/referral_converted"), ["console:alice"]);
    w.expect("olga", "approve R1", "reply/approved", &["Approved R1: alice referred bob."]);
    assert_eq!(w.referral(1).state, ReferralState::Rewarded);
    assert_eq!((w.statuses("alice"), w.statuses("bob")), (vec![Approved], vec![Approved]));
    assert_eq!(w.outbox("notice/reward_granted"), ["console:alice", "console:bob"]);
    let parts = ["W1 $50.00 account credit — for referring bob (referral R1, customer)", "Earned: $50.00"];
    w.expect("alice", "why", "reply/why", &parts);
    let parts = ["R1 bob — customer, rewarded (customer, 23 Nov 2026) · $1,200.00"];
    w.expect("alice", "mine", "reply/mine", &parts);
    let parts = ["Marked W1 as paid: $50.00 account credit to alice."];
    w.expect("olga", "reward paid W1", "reply/reward_paid", &parts);
    assert_eq!(w.statuses("alice"), [Paid]);
    assert_eq!(w.outbox("notice/reward_paid"), ["console:alice"]);
    let parts = ["Can't mark as paid W1: it is paid — it was already paid."];
    w.expect("olga", "reward paid W1", "error/invalid_transition", &parts);
    let parts = ["a reward for it was already paid out"];
    w.expect("olga", "reject R1 changed our mind", "error/invalid_transition", &parts);
    assert_eq!(w.referral(1).state, ReferralState::Rewarded);
}

#[test]
fn convert_outside_the_attribution_window_is_refused() {
    let w = World::with_r1();
    w.clock.advance(Duration::days(91));
    let parts = ["R1 is older than the program's 90-day attribution window"];
    w.expect("olga", "convert R1", "error/outside_window", &parts);
    assert_eq!(w.referral(1).state, ReferralState::Redeemed);
    assert!(w.store().rewards().expect("scan").is_empty());
}

#[test]
fn converting_twice_is_an_invalid_transition() {
    let w = World::with_r1();
    w.expect("olga", "convert R1", "reply/converted", &[]);
    let parts = ["Can't convert R1: it is converted — it is waiting for `approve`."];
    w.expect("olga", "convert #1 500", "error/invalid_transition", &parts);
    assert_eq!(w.store().rewards().expect("scan").len(), 2, "no second set of rewards");
    assert_eq!(w.referral(1).value, None);
}

#[test]
fn approving_a_redeemed_referral_qualifies_it() {
    let w = World::with_r1();
    let parts = ["R1 bob (referred by alice) is qualified. `convert R1` when they become a customer."];
    w.expect("olga", "approve R1", "reply/qualified", &parts);
    assert_eq!(w.referral(1).state, ReferralState::Qualified);
    assert!(w.store().rewards().expect("scan").is_empty());
    w.expect("olga", "approve R1", "error/invalid_transition", &["it is already qualified"]);
    w.expect("olga", "convert R1", "reply/converted", &[]);
}

#[test]
fn rejecting_voids_pending_rewards_and_tells_the_referrer() {
    let w = World::with_r1();
    w.expect("olga", "convert R1", "reply/converted", &[]);
    let parts = ["Rejected R1 (alice → bob): duplicate account."];
    w.expect("olga", "reject R1 duplicate account", "reply/rejected", &parts);
    let r = w.referral(1);
    assert_eq!((r.state, r.reject_reason.as_deref()), (ReferralState::Rejected, Some("duplicate account")));
    assert_eq!((w.statuses("alice"), w.statuses("bob")), (vec![Void], vec![Void]));
    let messages = w.store().outbox_messages().expect("scan");
    let rejected: Vec<_> = messages.iter().filter(|m| m.template == "notice/referral_rejected").collect();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        (rejected[0].to.to_string(), &rejected[0].data["reason"]),
        ("console:alice".into(), &"duplicate account".into())
    );
    w.expect("olga", "reject R1", "error/invalid_transition", &["it is already rejected"]);
    w.expect("olga", "reward paid W1", "error/invalid_transition", &["its referral was rejected"]);
}

#[test]
fn an_auto_approval_program_rewards_at_conversion() {
    let w = World::with_organizer();
    let parts = ["Created program partners.", "Approval: automatic"];
    w.expect("olga", "program create partners kind=partner approval=auto", "reply/program", &parts);
    let code = w.code("alice", "code partners");
    w.expect("bob", &format!("redeem {code}"), "reply/redeemed", &[]);
    let text = w.expect("olga", "convert R1 500", "reply/converted", &["Rewards granted:"]);
    lacks(&text, &["Approve them"]);
    assert_eq!(w.referral(1).state, ReferralState::Rewarded);
    assert_eq!((w.statuses("alice"), w.statuses("bob")), (vec![Approved], vec![Approved]));
    assert_eq!(w.rewards("alice")[0].reward.describe("USD"), "$200.00 cashback");
    assert_eq!(w.outbox("notice/reward_granted"), ["console:alice", "console:bob"]);
    assert!(w.outbox("notice/referral_converted").is_empty());
}

// ---- programs ----

#[test]
fn programs_are_created_tuned_listed_paused_and_resumed() {
    let w = World::with_organizer();
    let stored = |slug: &str| {
        let slug = Slug::parse(slug).expect("slug");
        w.store().program_by_slug(&slug).expect("read").expect("program exists")
    };
    w.expect("olga", "program create vip kind=champion", "reply/program", &["Created program vip.", "Kind: champion"]);
    let parts = ["Updated program vip.", "Cap: 3 per month · Attribution window: 30 days", "Referrer gets: $25.00"];
    w.expect("olga", "program set vip cap=3/month window=30 referrer=credit:25", "reply/program", &parts);
    let vip = stored("vip");
    assert_eq!((vip.attribution_days, vip.cap.map(|c| c.max)), (30, Some(3)));
    let parts =
        ["• customer — customer: referrer gets $50.00 account credit", "• vip — champion: referrer gets $25.00"];
    w.expect("olga", "program list", "reply/program_list", &parts);
    w.expect("olga", "program pause vip", "reply/program", &["Paused program vip"]);
    assert!(stored("vip").paused);
    w.expect("alice", "code vip", "error/program_paused", &[]);
    w.expect("olga", "program resume vip", "reply/program", &["Program vip is active again."]);
    assert!(!stored("vip").paused);
    w.code("alice", "code vip");
}

#[test]
fn invalid_settings_and_duplicate_programs_are_refused() {
    let w = World::with_organizer();
    w.expect("olga", "program set customer cap=abc", "error/invalid_setting", &["for `cap`: write it like 12/year"]);
    let parts = ["for `color`: the settings are kind, description"];
    w.expect("olga", "program set customer color=red", "error/invalid_setting", &parts);
    let parts = ["A program called `customer` already exists."];
    w.expect("olga", "program create customer", "error/program_exists", &parts);
    let programs = w.store().programs().expect("scan");
    assert_eq!(programs.len(), 1);
    assert_eq!(programs[0].cap.map(|c| c.max), Some(12), "a refused set changes nothing");
}

// ---- member views and surveys ----

#[test]
fn leaderboard_ranks_by_converted_then_referred() {
    let w = World::with_organizer();
    let alices = w.code("alice", "code");
    let daves = w.code("dave", "code");
    let franks = w.code("frank", "code");
    for (who, code) in [("bob", &alices), ("carol", &alices), ("erin", &daves), ("gina", &franks)] {
        w.expect(who, &format!("redeem {code}"), "reply/redeemed", &[]);
    }
    w.expect("olga", "convert R3", "reply/converted", &["erin is now a customer"]);
    let text = w.expect("alice", "leaderboard", "reply/leaderboard", &[]);
    let ranks = [
        "1. dave — 1 converted, 1 referred",
        "2. alice — 0 converted, 2 referred ← you",
        "3. frank — 0 converted, 1 referred",
    ];
    assert_eq!(text.lines().skip(1).collect::<Vec<_>>(), ranks, "{text}");
}

#[test]
fn nps_promoter_gets_their_code_and_passive_is_thanked() {
    let w = World::new();
    let text = w.expect("alice", "nps 10 love it", "reply/nps_promoter", &["a 10 made our day"]);
    let code = w.code("alice", "code");
    has(&text, &[&format!("here is your personal code `{code}`")]);
    w.expect("bob", "nps 8", "reply/nps_passive", &["What would make it a 10?"]);
    assert!(w.store().outbox_messages().expect("scan").is_empty());
    assert_eq!(w.store().surveys().expect("scan").len(), 2);
}

#[test]
fn nps_detractor_alerts_every_organizer() {
    let w = World::with_organizer();
    w.organizer("pat");
    w.expect("bob", "nps 3 too slow", "reply/nps_detractor", &["a 3 tells us we let you down"]);
    assert_eq!(w.outbox("notice/detractor"), ["console:olga", "console:pat"], "organizers, not the console admin");
    let notice = &w.store().outbox_messages().expect("scan")[0];
    assert_eq!((notice.data["member"].as_str(), notice.data["comment"].as_str()), (Some("bob"), Some("too slow")));
}

#[test]
fn heard_with_a_code_in_it_hints_to_redeem() {
    let w = World::new();
    let code = w.code("alice", "code");
    let hint = format!("type `redeem {code}` so they get the credit");
    w.expect("bob", &format!("heard Alice gave me {code} at work"), "reply/heard", &[&hint]);
    let text = w.expect("carol", "heard a podcast", "reply/heard", &["Thanks, noted: \"a podcast\"."]);
    lacks(&text, &["redeem"]);
    assert_eq!(w.store().surveys().expect("scan").len(), 2);
}

// ---- link ----

#[test]
fn link_moves_a_fresh_identity_to_the_first_account() {
    let w = World::new();
    let reply = w.reply_as(&caller("alice"), "link");
    let code = reply.data["code"].as_str().expect("link code").to_string();
    has(&w.render(&reply, Format::Plain), &[&format!("send `link {code}` within 15 minutes")]);
    let parts = ["this telegram account is now linked to alice"];
    w.expect("telegram:42", &format!("link {code}"), "reply/linked", &parts);
    assert_eq!(w.member("telegram:42").id, w.member("alice").id);
    assert!(w.store().link_codes().expect("scan").is_empty(), "a link code works once");
    w.expect("telegram:43", &format!("link {code}"), "error/link_invalid", &[]);
}

#[test]
fn linking_folds_away_the_fresh_account_and_revokes_its_unused_code() {
    let w = World::new();
    let members_before = w.store().members().expect("scan").len();
    let tg_code = w.code("telegram:42", "code");
    let orphan = w.member("telegram:42").id;
    let link = w.code("alice", "link");
    w.expect("telegram:42", &format!("link {link}"), "reply/linked", &[]);
    assert!(w.store().member(orphan).expect("read").is_none(), "the empty account is gone");
    assert_eq!(w.store().members().expect("scan").len(), members_before + 1, "only alice remains of the two");
    w.expect("bob", &format!("redeem {tg_code}"), "error/code_revoked", &["no longer active"]);
}

#[test]
fn structured_commands_get_the_same_limits_and_privacy_as_typed_ones() {
    let w = World::new();
    let bob = caller("bob");
    let reply = w.engine.respond_command(&bob, crate::Command::Code { program: None }, None);
    assert!(reply.replies[0].private, "codes are personal data");
    for _ in 0..Limits::default().failed_codes_per_hour {
        let r = w.engine.respond_command(&bob, crate::Command::Redeem { code: "ZZZZ-ZZZZ".into() }, None);
        assert_eq!(r.replies[0].template, "error/unknown_code");
    }
    let r = w.engine.respond_command(&bob, crate::Command::Redeem { code: "ZZZZ-ZZZZ".into() }, None);
    assert_eq!(r.replies[0].template, "error/rate_limited", "guessing by buttons is limited too");
    let r = w.engine.respond_command(&bob, crate::Command::Program(crate::command::ProgramAction::List), None);
    assert_eq!(r.replies[0].template, "error/not_allowed");
}

#[test]
fn a_link_code_is_refused_when_expired_or_when_the_identity_has_history() {
    let w = World::new();
    let code = w.code("alice", "link");
    w.clock.advance(Duration::minutes(16));
    w.expect("telegram:42", &format!("link {code}"), "error/link_invalid", &["unknown or has expired"]);
    assert!(!w.is_member("telegram:42"), "the refused first contact left no member behind");
    let bobs = w.code("bob", "code");
    w.expect("telegram:42", &format!("redeem {bobs}"), "reply/redeemed", &[]);
    let code = w.code("alice", "link");
    w.expect("telegram:42", &format!("link {code}"), "error/link_conflict", &["can't be merged automatically"]);
    assert_ne!(w.member("telegram:42").id, w.member("alice").id);
    w.expect("alice", &format!("link {code}"), "error/already_linked", &[]);
}

// ---- report ----

#[test]
fn report_shows_conversion_revenue_roi_and_ltv_cac() {
    let w = World::with_r1();
    w.expect("olga", "program set customer arpa=1200 lifetime=3 cac=800", "reply/program", &[]);
    w.expect("olga", "convert R1 1200", "reply/converted", &[]);
    w.expect("olga", "approve R1", "reply/approved", &[]);
    let parts = [
        "Nov 2026: 1 referral, 1 converted, $1,200.00",
        "Referrals: 1 (0 open, 1 converted, 0 rejected)",
        "Conversion rate: 100.0%",
        "Revenue from referrals: $1,200.00 · average referral value $1,200.00",
        "ROI: 2,300%",
        "Cost per referred customer: $50.00",
        "LTV $3,600.00 · CAC $800.00 · LTV:CAC 4.5 (healthy) · referral LTV:CAC 72.0",
    ];
    let text = w.expect("olga", "report", "reply/report", &parts);
    assert!(text.lines().any(|l| l == "Reward cost: $50.00"), "no pending cost to mention:\n{text}");
    let parts = ["Referrals: 0 (0 open, 0 converted, 0 rejected)", "Conversion rate: n/a"];
    w.expect("olga", "report 2026-10", "reply/report", &parts);
}

// ---- delivery guarantees ----

#[test]
fn a_redelivered_message_is_answered_once() {
    let w = World::new();
    let code = w.code("alice", "code");
    let line = format!("redeem {code}");
    let first = w.engine.respond(&caller("bob"), &line, Some("tg:update:1"));
    assert!(!first.duplicate);
    assert_eq!(first.replies[0].template, "reply/redeemed");
    let commits = w.commits();
    let second = w.engine.respond(&caller("bob"), &line, Some("tg:update:1"));
    assert!(second.duplicate);
    assert_eq!(second.replies, first.replies);
    assert_eq!(w.commits(), commits, "a duplicate writes nothing");
    assert_eq!((w.referral_count(), w.outbox("notice/referral_redeemed").len()), (1, 1));
    let third = w.engine.respond(&caller("bob"), &line, Some("tg:update:2"));
    assert_eq!(third.replies[0].template, "error/already_redeemed", "a new key runs again");
}

/// A delivery's answer is fixed by its first run: a refused message that
/// is redelivered after the state changed (the program resumed) is refused
/// again, never applied late; a new message runs against the new state.
#[test]
fn a_redelivered_refusal_stays_a_refusal() {
    let w = World::with_organizer();
    let code = w.code("alice", "code");
    w.expect("olga", "program pause customer", "reply/program", &[]);
    let line = format!("redeem {code}");
    let first = w.engine.respond(&caller("bob"), &line, Some("tg:update:7"));
    assert_eq!((first.duplicate, first.replies[0].template.as_str()), (false, "error/program_paused"));
    assert!(!w.is_member("bob"), "a refusal creates nothing");
    w.expect("olga", "program resume customer", "reply/program", &[]);
    let again = w.engine.respond(&caller("bob"), &line, Some("tg:update:7"));
    assert!(again.duplicate, "the redelivery is recognised");
    assert_eq!(again.replies, first.replies);
    assert_eq!(w.referral_count(), 0, "a redelivery never applies a refused message late");
    let fresh = w.engine.respond(&caller("bob"), &line, Some("tg:update:8"));
    assert_eq!(fresh.replies[0].template, "reply/redeemed");
    assert_eq!(w.referral_count(), 1);
}

#[test]
fn a_flood_of_commands_is_rate_limited_but_the_admin_is_not() {
    let w = World::new();
    let burst = Limits::default().burst;
    for _ in 0..burst {
        w.expect("alice", "help", "reply/help", &[]);
    }
    w.expect("alice", "help", "error/rate_limited", &["Please wait 2 seconds"]);
    w.expect("bob", "help", "reply/help", &[]);
    w.clock.advance(Duration::seconds(2));
    w.expect("alice", "help", "reply/help", &[]);
    for _ in 0..burst * 2 {
        w.expect("admin", "help", "reply/help", &[]);
    }
}

#[test]
fn guessing_codes_is_limited_after_ten_misses() {
    let w = World::new();
    let code = w.code("alice", "code");
    let max = Limits::default().failed_codes_per_hour as usize;
    for c in CODE_ALPHABET.iter().take(max).map(|c| *c as char) {
        w.expect("bob", &format!("redeem 2345-67{c}{c}"), "error/unknown_code", &[]);
    }
    w.expect("bob", &format!("redeem {code}"), "error/rate_limited", &["Please wait 3600 seconds"]);
    assert_eq!(w.referral_count(), 0);
    w.expect("bob", "help", "reply/help", &[]);
    w.clock.advance(Duration::minutes(61));
    w.expect("bob", &format!("redeem {code}"), "reply/redeemed", &[]);
}

#[test]
fn user_text_is_escaped_per_channel() {
    let w = World::new();
    let eve = Caller::new(identity("eve"), "<b>Eve</b> *x* @everyone");
    let alices = w.code("alice", "code");
    assert_eq!(w.reply_as(&eve, &format!("redeem {alices}")).template, "reply/redeemed");
    let eves = w.reply_as(&eve, "code").data["code"].as_str().expect("code").to_string();
    w.expect("bob", &format!("redeem {eves}"), "reply/redeemed", &[]);
    let board = w.reply_as(&caller("bob"), "leaderboard");
    let html = w.render(&board, Format::Html);
    lacks(&html, &["<b>"]);
    has(&html, &["&lt;b&gt;Eve&lt;/b&gt; *x* @everyone"]);
    let md = w.render(&board, Format::Markdown);
    lacks(&md, &["@everyone"]);
    has(&md, &["@\u{200B}everyone", "\\*x\\*"]);
    let messages = w.store().outbox_messages().expect("scan");
    let notice = messages.iter().find(|m| m.to == identity("alice")).expect("notice to alice");
    let notice = Reply::new(&notice.template, notice.data.clone());
    let html = w.render(&notice, Format::Html);
    lacks(&html, &["<b>Eve</b>"]);
    has(&html, &["<b>&lt;b&gt;Eve&lt;/b&gt;"]); // only the template's own bold is markup
    let md = w.render(&notice, Format::Markdown);
    lacks(&md, &["@everyone"]);
    has(&md, &["@\u{200B}everyone"]);
}

#[test]
fn a_reply_is_sent_only_after_its_change_is_flushed() {
    let w = World::new();
    w.expect("alice", "help", "reply/help", &[]); // first contact creates alice
    let (flushes, commits) = w.store().flush_stats();
    assert!(flushes >= 1 && commits >= 1, "the first contact was committed and flushed");
    w.code("alice", "code");
    let (after_flushes, after_commits) = w.store().flush_stats();
    assert_eq!(after_commits, commits + 1);
    assert!(after_flushes > flushes, "the new code was flushed before the reply");
    w.expect("alice", "help", "reply/help", &[]);
    w.code("alice", "code");
    assert_eq!(w.store().flush_stats(), (after_flushes, after_commits), "reads write nothing");
}

#[test]
fn a_quoted_command_word_is_answered_without_a_panic() {
    let w = World::new();
    let code = w.code("alice", "code");
    // Quotes make the token shorter than the raw word; `ö` used to put the
    // cut inside a character and panic.
    w.expect("bob", "\"code@bö\"", "reply/code", &[]);
    w.expect("bob", &format!("\"redeem\" {code}"), "reply/redeemed", &[]);
    w.expect("carol", "\"heard\" a friend", "reply/heard", &["Thanks, noted: \"a friend\"."]);
}

// ---- alt accounts ----

#[test]
fn one_inbox_under_another_spelling_cannot_redeem_its_own_code_or_be_referred_twice() {
    let w = World::new();
    let ann = "email:ann.smith@gmail.com";
    let code = w.code(ann, "code");
    for alias in ["email:annsmith+deal@googlemail.com", "email:Ann.Smith+x@gmail.com"] {
        w.expect(alias, &format!("redeem {code}"), "error/self_referral", &["you can't refer yourself"]);
    }
    assert_eq!(w.referral_count(), 0);
    assert!(!w.is_member("email:annsmith+deal@googlemail.com"), "a refusal creates nothing");

    w.expect("email:bob@example.com", &format!("redeem {code}"), "reply/redeemed", &[]);
    let carol = w.code("carol", "code");
    let text = w.expect("email:bob+again@example.com", &format!("redeem {carol}"), "error/already_referred", &[]);
    has(&text, &["by email:ann.smith@gmail.com"]);
    // Dots matter outside Gmail: b.ob@example.com is someone else.
    w.expect("email:b.ob@example.com", &format!("redeem {carol}"), "reply/redeemed", &[]);
    assert_eq!(w.referral_count(), 2);
}

#[test]
fn referring_an_alias_of_yourself_or_of_someone_referred_is_refused() {
    let w = World::new();
    w.expect("email:dan@fastmail.com", "refer \"Dan\" dan+work@fastmail.com", "error/self_referral", &[]);
    w.expect("alice", "refer \"Jane\" jane.doe@gmail.com", "reply/introduction_received", &[]);
    let text = w.expect("alice", "refer \"Jane\" janedoe+promo@gmail.com", "error/already_referred", &[]);
    has(&text, &["You already referred Jane"]);
    w.expect("carol", "refer \"Jane\" j.a.n.e.doe@googlemail.com", "error/already_referred", &["by alice"]);
    assert_eq!(w.referral_count(), 1);
    assert!(!w.is_member("email:janedoe+promo@gmail.com"), "the alias is not a second person");
}

#[test]
fn a_disposable_mailbox_is_held_for_review_even_in_an_automatic_program() {
    let w = World::with_organizer();
    w.expect("olga", "program set customer approval=auto", "reply/program", &["automatic"]);
    w.expect("alice", "refer \"Tom\" tom@mailinator.com", "reply/introduction_received", &[]);
    let text = w.expect("olga", "convert R1 100", "reply/converted", &["Held for review", "disposable-mail"]);
    has(&text, &["Rewards waiting for your approval:", "approve R1"]);
    assert_eq!(w.referral(1).state, ReferralState::Converted);
    assert_eq!(w.statuses("alice"), vec![Pending]);
    assert!(w.outbox("notice/reward_granted").is_empty(), "nothing granted before review");
    w.expect("olga", "approve R1", "reply/approved", &[]);
    assert_eq!(w.statuses("alice"), vec![Approved]);

    // An ordinary address in the same program is rewarded at once.
    w.expect("alice", "refer \"Sam\" sam@example.org", "reply/introduction_received", &[]);
    let text = w.expect("olga", "convert R2 100", "reply/converted", &["Rewards granted:"]);
    lacks(&text, &["Held for review"]);
}

#[test]
fn a_join_by_a_new_account_is_converted_only_with_an_organizers_approval() {
    let w = World::with_organizer();
    w.expect("olga", "program set customer approval=auto", "reply/program", &["automatic"]);
    w.code("alice", "code");
    let now = crate::ports::Clock::now(w.clock.as_ref());
    let joined = w
        .engine
        .record_invite_join(&caller("alice"), &caller("newbie"), now, Duration::days(7), "join:1")
        .expect("join");
    assert!(matches!(joined, super::invites::InviteJoin::Recorded { held: true, .. }), "{joined:?}");
    let text = w.expect("olga", "convert R1 100", "reply/converted", &["Held for review", "very new account"]);
    has(&text, &["approve R1"]);
    assert_eq!(w.statuses("alice"), vec![Pending]);
}
mod clicks;
mod events;
mod refunds;
mod webhooks;
#[test]
fn answers_whose_next_step_is_a_code_offer_it_as_a_button() {
    let w = World::new();
    let get_code = vouch_store::Action::new("action.get_code", "code");
    let mine = w.reply_as(&caller("alice"), "mine");
    assert_eq!(mine.actions, std::slice::from_ref(&get_code), "an empty `mine` offers the code");
    assert_eq!(w.renderer.label("en", &mine.actions[0].label), "Get my referral code");
    assert_eq!(w.renderer.label("en", "Yes"), "Yes", "literal labels pass through");
    let promoter = w.reply_as(&caller("alice"), "nps 10");
    assert_eq!(promoter.actions, [get_code]);
    assert!(w.reply_as(&caller("bob"), "nps 8").actions.is_empty(), "passives are not asked");
    w.alice_refers_bob();
    assert!(w.reply_as(&caller("alice"), "mine").actions.is_empty(), "someone with referrals has a code");
    let notice =
        w.store().outbox_messages().expect("scan").into_iter().find(|m| m.template == "notice/referral_redeemed");
    let notice = notice.expect("the referrer is told");
    assert_eq!(notice.actions, [vouch_store::Action::new("action.see_referrals", "mine")]);
    assert_eq!(w.renderer.label("en", &notice.actions[0].label), "See my referrals");
    // A button press is the command line again: it parses like typed text.
    assert_eq!(w.reply_as(&caller("carol"), "code").template, "reply/code");
}

// ---- wish list ----

#[test]
fn organizers_keep_a_wish_list_everyone_reads() {
    let w = World::with_organizer();
    let text = w.expect("olga", "wish add Northwind Traders northwind.example", "reply/wish_added", &[]);
    has(&text, &["Added A1: Northwind Traders (northwind.example;", "1 open wish"]);
    w.expect("olga", "wish add the CFO of Contoso", "reply/wish_added", &["Added A2", "2 open wishes"]);
    w.expect("alice", "mine", "reply/mine", &["Who we'd love to meet: Northwind Traders · the CFO of Contoso"]);
    let text = w.expect("olga", "wish add Northwind northwind.example", "error/invalid_setting", &[]);
    has(&text, &["Northwind Traders is already on the list as A1"]);
    w.expect("alice", "wish add Globex", "error/not_allowed", &[]);
    let text = w.expect("alice", "wishes", "reply/wishes", &["Who we'd most like to meet"]);
    has(&text, &["A1 Northwind Traders (northwind.example)", "A2 the CFO of Contoso", "`refer NAME EMAIL`"]);
    lacks(&text, &["wish drop"]);
    w.expect("olga", "wish drop A2", "reply/wish_dropped", &["A2 (the CFO of Contoso) is off the wish list."]);
    w.expect("olga", "wish drop A2", "error/unknown_wish", &["There's no wish A2"]);
    w.expect("olga", "wish drop A9", "error/unknown_wish", &[]);
    let text = w.expect("olga", "wishes", "reply/wishes", &["wish drop ID"]);
    lacks(&text, &["Contoso"]);
}

#[test]
fn an_introduction_at_a_wished_company_meets_the_wish_and_credits_the_champion() {
    let w = World::with_organizer();
    w.expect("olga", "wish add Northwind Traders northwind.example", "reply/wish_added", &[]);
    w.expect("olga", "wish add Contoso", "reply/wish_added", &[]);
    // Any address at the domain (or a subdomain) meets the first wish.
    let text = w.expect("alice", "refer Jane Doe jane@eu.northwind.example", "reply/introduction_received", &[]);
    has(&text, &["Northwind Traders was on our wish list"]);
    let met = w.store().wishes().expect("wishes");
    assert!(matches!(met[0].state, vouch_store::WishState::Met { referral: ReferralId(1), .. }), "{met:?}");
    assert_eq!(w.outbox("notice/wish_met"), vec!["console:olga".to_string()]);
    // A company named in the introduction meets a wish without a domain.
    let text = w.expect("bob", "refer Sam Lee (Contoso Ltd) sam@gmail.com", "reply/introduction_received", &[]);
    has(&text, &["Contoso was on our wish list"]);
    // Someone elsewhere meets nothing; a met wish is not met twice.
    let text = w.expect("carol", "refer Tom tom@northwind.example", "reply/introduction_received", &[]);
    lacks(&text, &["wish list"]);
    assert_eq!(w.outbox("notice/wish_met").len(), 2);
    let text = w.expect("dave", "wishes", "reply/wishes", &["The wish list is empty right now."]);
    has(&text, &["A1 Northwind Traders — introduced by alice (R1)", "A2 Contoso — introduced by bob (R2)"]);
    w.expect("olga", "report", "reply/report", &["Wish list: 2 met, 0 still open"]);
}

// ---- public thanks ----

#[test]
fn only_members_who_agreed_are_thanked_in_public_and_the_referred_never_named() {
    let settings = Settings { shoutout_to: Some(identity("telegram:-5001")), ..Settings::default() };
    let w = World::with_settings(settings);
    w.organizer("olga");
    let text = w.expect("alice", "shoutout on", "reply/shoutout", &["we'll thank you by name in public"]);
    lacks(&text, &["once the organizers set up where"]);
    let alice = w.code("alice", "code");
    let carol = w.code("carol", "code");
    let converted = |who: &str| {
        let rows = w.store().outbox_messages().expect("scan");
        let row = rows.iter().rfind(|m| m.template == "notice/referral_converted" && m.to.to_string() == who).cloned();
        let row = row.expect("a converted notice");
        w.renderer.render_template("en", &row.template, &row.data, Format::Plain).expect("renders")
    };
    w.expect("bob", &format!("redeem {alice}"), "reply/redeemed", &[]);
    w.expect("dave", &format!("redeem {carol}"), "reply/redeemed", &[]);
    w.expect("olga", "convert R1 100", "reply/converted", &[]);
    w.expect("olga", "convert R2 100", "reply/converted", &[]);
    lacks(&converted("console:alice"), &["May we thank you by name"]);
    has(&converted("console:carol"), &["May we thank you by name in public? Send `shoutout on`"]);
    let rows = w.store().outbox_messages().expect("scan");
    let shoutouts: Vec<_> = rows.iter().filter(|m| m.template == "notice/shoutout").collect();
    assert_eq!(shoutouts.len(), 1, "carol never agreed");
    assert_eq!(shoutouts[0].to.to_string(), "telegram:-5001");
    let text = w.renderer.render_template("en", "notice/shoutout", &shoutouts[0].data, Format::Plain).expect("renders");
    has(&text, &["A big thank-you to alice", "someone they referred just became a customer"]);
    lacks(&text, &["bob"]);
    w.expect("alice", "public-thanks off", "reply/shoutout", &["we'll thank you privately only"]);
    assert!(!w.member("alice").public_thanks);
}

// ---- personal thanks ----

#[test]
fn an_organizer_thanks_a_referrer_personally_in_their_own_words() {
    let w = World::with_r1();
    w.expect(
        "olga",
        "thank R1 Your intro to <b>Bob</b> made our week!",
        "reply/thanked",
        &["Sent your thank-you to alice (R1)"],
    );
    w.expect("olga", "thank R1", "reply/thanked", &[]);
    w.expect("bob", "thank R1 hi", "error/not_allowed", &[]);
    w.expect("olga", "thank R9", "error/unknown_referral", &[]);
    let rows = w.store().outbox_messages().expect("scan");
    let notes: Vec<_> = rows.iter().filter(|m| m.template == "notice/personal_thanks").collect();
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().all(|m| m.to.to_string() == "console:alice"));
    let html = w.renderer.render_template("en", &notes[0].template, &notes[0].data, Format::Html).expect("renders");
    has(&html, &["A note from <b>olga</b>", "Your intro to &lt;b&gt;Bob&lt;/b&gt; made our week!"]);
    let plain = w.renderer.render_template("en", &notes[1].template, &notes[1].data, Format::Plain).expect("renders");
    has(&plain, &["olga at our community wanted to thank you personally for referring bob (R1)"]);
    let history: Vec<String> = w.referral(1).history.iter().map(|h| h.note.clone()).collect();
    assert!(history.contains(&"thanked: Your intro to <b>Bob</b> made our week!".to_string()), "{history:?}");
}

#[test]
fn someone_granted_a_role_before_speaking_gets_their_name_when_they_do() {
    let w = World::new();
    w.expect("admin", "role grant telegram:42 organizer", "reply/role", &["is now organizer"]);
    assert_eq!(w.member("telegram:42").display_name, "42", "only the id is known yet");
    let olga = Caller::new(identity("telegram:42"), "Olga");
    assert_eq!(w.reply_as(&olga, "help").template, "reply/help");
    assert_eq!(w.member("telegram:42").display_name, "Olga");
    // A name someone chose is not overwritten by the platform's.
    let renamed = Caller::new(identity("telegram:42"), "Olga P.");
    w.reply_as(&renamed, "help");
    assert_eq!(w.member("telegram:42").display_name, "Olga");
}

#[test]
fn personal_invites_keep_their_owner_expire_and_travel_in_exports() {
    let w = World::new();
    let alice = caller("alice");
    assert!(w.engine.record_invite("inv1", &alice, 7 * 24 * 3600).expect("record"));
    // A second record of the same code (INVITE_CREATE after vouch made it) keeps the owner.
    assert!(!w.engine.record_invite("inv1", &caller("bob"), 0).expect("again"));
    assert_eq!(w.engine.invite_owner("inv1").expect("owner").map(|i| i.owner), Some(identity("alice")));
    assert_eq!(w.engine.usable_invite(&identity("alice")).expect("usable").map(|i| i.code), Some("inv1".into()));
    assert_eq!(w.engine.usable_invite(&identity("bob")).expect("none"), None);
    // With less than an hour left it is not handed out again (but joins still count).
    w.clock.advance(Duration::days(7) - Duration::minutes(30));
    assert_eq!(w.engine.usable_invite(&identity("alice")).expect("expired"), None);
    assert!(w.engine.invite_owner("inv1").expect("owner").is_some());
    // An export carries them; an import into an empty store brings them back with the index.
    let dump = w.store().export().expect("export");
    assert_eq!(dump.invites.len(), 1);
    let other = tempfile::tempdir().expect("tempdir");
    let copy = Store::open(other.path()).expect("open");
    copy.import(&dump).expect("import");
    assert_eq!(copy.invites_of(&identity("alice")).expect("index").len(), 1);
    assert!(copy.doctor(false).expect("doctor").problems.is_empty());
    assert!(w.engine.forget_invite("inv1").expect("forget"));
    assert!(!w.engine.forget_invite("inv1").expect("forget twice"));
    assert_eq!(w.engine.invite_owner("inv1").expect("gone"), None);
    assert!(w.store().invites_of(&identity("alice")).expect("index").is_empty());
}

#[test]
fn a_code_reply_names_the_code_to_share_and_nothing_else_does() {
    let w = World::new();
    let response = w.engine.handle(&caller("alice"), super::Input::Line("code"), None);
    let share = response.replies[0].share.clone().expect("the code to share");
    assert!(response.replies[0].data["code"].as_str().is_some_and(|c| c == share.to_string()));
    let mine = w.engine.handle(&caller("alice"), super::Input::Line("mine"), None);
    assert!(mine.replies.iter().all(|r| r.share.is_none()), "{mine:?}");
    let bad = w.engine.handle(&caller("alice"), super::Input::Line("redeem NOPE"), None);
    assert_eq!(bad.failure(), Some(crate::Failure::Refused));
}
