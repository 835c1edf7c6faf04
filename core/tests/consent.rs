//! The introduction's consent through the engine's public API: only the
//! introduced person may answer, by mail or by a chat button; the answer is
//! told to the champion once; a decline stops all further notices there;
//! every new template renders.

use std::sync::Arc;

use vouch_core::{
    BounceOutcome, Caller, Command, Engine, Format, MailIn, MailRef, Renderer, SeededIds, Settings, SystemClock,
};
use vouch_store::{EmailAddress, IdentityKey, Read, ReferralId, Store};

fn caller(who: &str) -> Caller {
    Caller::new(IdentityKey::parse(who).expect("identity"), who)
}

fn mail(key: &str) -> MailIn {
    MailIn {
        dedupe_key: format!("email:<{key}@partner.example>"),
        message_id: Some(format!("<{key}@partner.example>")),
        subject: "Fwd: intro".into(),
        ..Default::default()
    }
}

struct World {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    engine: Engine,
    renderer: Renderer,
}

fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("open"));
    let engine =
        Engine::new(Arc::clone(&store), Arc::new(SystemClock), Arc::new(SeededIds::new(5)), Settings::default())
            .expect("engine");
    World { _dir: dir, store, engine, renderer: Renderer::builtin().expect("templates") }
}

impl World {
    /// bob@partner.example introduces Jane by mail; returns the referral id.
    fn introduce(&self, prospect: &str) -> ReferralId {
        let bob = caller("email:bob@partner.example");
        let cmd = Command::Refer {
            name: "Jane Doe".into(),
            email: EmailAddress::parse(prospect).expect("email"),
            note: "met at the conference".into(),
            company: Some("Acme Corp".into()),
        };
        let response = self.engine.respond_command_by_mail(&bob, cmd, &mail(prospect)).expect("stored");
        assert_eq!(response.replies[0].template, "reply/introduction_received");
        let text = self.renderer.render(&response.replies[0], Format::Plain);
        assert!(text.contains("We've asked Jane Doe"), "{text}");
        let referrals = self.store.referrals().expect("scan");
        referrals.last().expect("recorded").id
    }

    fn templates_to(&self, to: &str) -> Vec<String> {
        let rows = self.store.outbox_messages().expect("scan");
        rows.iter().filter(|m| m.to.to_string() == to).map(|m| m.template.clone()).collect()
    }
}

#[test]
fn only_the_introduced_person_can_answer_and_the_champion_hears_once() {
    let w = world();
    let id = w.introduce("jane@prospect.example");
    assert_eq!(w.templates_to("email:jane@prospect.example"), ["notice/consent_request"]);
    let request = w.store.outbox_messages().expect("scan").into_iter().find(|m| m.template == "notice/consent_request");
    let request = request.expect("request");
    for format in [Format::Plain, Format::Html, Format::Markdown] {
        let text = w.renderer.render_template("en", &request.template, &request.data, format).expect("renders");
        assert!(text.contains("partner.example") || text.contains("bob"), "{text}");
    }
    assert_eq!(request.actions[0].command, format!("consent {id} yes"));

    // A button pressed by someone else, on Telegram, is refused.
    let other = w.engine.respond(&caller("telegram:99"), &format!("consent {id} yes"), None);
    assert_eq!(other.replies[0].template, "error/consent_not_yours");
    let usage = w.engine.respond(&caller("email:jane@prospect.example"), &format!("consent {id} maybe"), None);
    assert_eq!(usage.replies[0].template, "error/usage");

    let yes = w.engine.respond(&caller("email:jane@prospect.example"), &format!("consent {id} yes"), None);
    assert_eq!(yes.replies[0].template, "reply/consent_accepted");
    let again = w.engine.respond(&caller("email:jane@prospect.example"), &format!("consent {id} yes"), None);
    assert_eq!(again.replies[0].template, "error/consent_answered");
    let bob = w.templates_to("email:bob@partner.example");
    assert_eq!(bob, ["reply/introduction_received", "notice/introduction_accepted"]);
    for reply in [&yes.replies[0], &again.replies[0], &other.replies[0]] {
        let text = w.renderer.render(reply, Format::Plain);
        assert!(!text.starts_with("Sorry, something went wrong"), "{text}");
    }

    // A yes can still become a no; then it is final.
    let no = w.engine.respond(&caller("email:jane@prospect.example"), &format!("consent {id} no"), None);
    assert_eq!(no.replies[0].template, "reply/consent_declined");
    let r = w.store.referral(id).expect("read").expect("exists");
    assert_eq!(r.state.as_str(), "rejected");
    let jane = w.store.identity(&IdentityKey::parse("email:jane@prospect.example").expect("key"));
    assert!(jane.expect("read").expect("exists").opted_out);
}

#[test]
fn a_thread_reply_needs_the_recipient_and_a_clear_word() {
    let w = world();
    let id = w.introduce("jane@prospect.example");
    let row = w.store.outbox_messages().expect("scan").into_iter().find(|m| m.template == "notice/consent_request");
    let request = row.expect("request");
    let row: vouch_core::MailRef = (&request).into();
    let jane = caller("email:jane@prospect.example");
    let unclear = w.engine.respond_to_thread(&jane, row, "let me think".into(), &mail("j1")).expect("stored");
    let vouch_core::ThreadReply::Handled(unclear) = unclear else { panic!("handled") };
    assert_eq!(unclear.replies[0].template, "error/consent_unclear");
    let text = w.renderer.render(&unclear.replies[0], Format::Plain);
    assert!(text.contains(&format!("consent {id} yes")), "{text}");
    let ignored = w.engine.respond_to_thread(&caller("email:eve@evil.example"), row, "yes".into(), &mail("e1"));
    assert!(matches!(ignored, Ok(vouch_core::ThreadReply::Ignored(_))));
    let yes = w.engine.respond_to_thread(&jane, row, "Да".into(), &mail("j2")).expect("stored");
    let vouch_core::ThreadReply::Handled(yes) = yes else { panic!("handled") };
    assert_eq!(yes.replies[0].template, "reply/consent_accepted");
    // The mailed answer threads under Jane's message.
    let answer = w.store.outbox_messages().expect("scan").into_iter().find(|m| m.template == "reply/consent_accepted");
    let thread = answer.expect("queued").in_reply_to.expect("threaded");
    assert_eq!(thread.message_id, "<j2@partner.example>");
}

#[test]
fn all_new_notices_render_in_every_format() {
    let r = Renderer::builtin().expect("templates");
    let data = serde_json::json!({
        "name": "Bob", "prospect": "Jane", "id": "R1", "champion": "Bob", "community": "Acme",
        "referral": "R1", "yes": "consent R1 yes", "no": "consent R1 no", "email": "j@x.example",
        "answer": "accepted", "program": "customer", "referrer_reward": "$50", "has_reward": true, "review": true,
    });
    for template in [
        "notice/consent_request",
        "notice/consent_request.subject",
        "notice/introduction_accepted",
        "notice/introduction_accepted.subject",
        "notice/introduction_declined",
        "notice/introduction_declined.subject",
        "notice/introduction_won",
        "notice/introduction_won.subject",
        "reply/introduction_received",
        "reply/consent_accepted",
        "reply/consent_declined",
        "error/prospect_opted_out",
        "error/consent_unclear",
        "error/consent_not_yours",
        "error/consent_answered",
    ] {
        for format in [Format::Plain, Format::Html, Format::Markdown] {
            let text = r.render_template("en", template, &data, format).unwrap_or_else(|e| panic!("{template}: {e}"));
            assert!(!text.trim().is_empty(), "{template}");
            assert!(!text.contains("{{"), "{template}: {text}");
        }
    }
}

#[test]
fn a_bounced_champion_gets_no_notices_until_writing_again() {
    let w = world();
    let id = w.introduce("jane@prospect.example");
    let bob = IdentityKey::parse("email:bob@partner.example").expect("key");
    let rows = w.store.outbox_messages().expect("scan");
    let to_bob = rows.iter().find(|m| m.to == bob).expect("bob's thank-you row");
    let to_jane = rows.iter().find(|m| m.to.to_string() == "email:jane@prospect.example").expect("jane's row");
    // Anyone can write a DSN: one that returns no mail vouch sent to Bob
    // (none named, a guessed token, or Jane's mail) changes nothing.
    let forged = [
        None,
        Some(MailRef { row: to_bob.id, token: Some("guessed1") }),
        Some(MailRef { row: to_bob.id, token: None }),
        Some(MailRef::from(to_jane)),
    ];
    for (i, named) in forged.into_iter().enumerate() {
        let key = format!("email:<forged-{i}@mx>");
        assert_eq!(w.engine.record_bounce(&bob, named, &key).expect("stored"), BounceOutcome::NotOurs, "{named:?}");
        assert!(!w.store.identity(&bob).expect("read").expect("exists").unreachable, "{named:?}");
    }
    let named = Some(MailRef::from(to_bob));
    assert_eq!(w.engine.record_bounce(&bob, named, "email:<dsn-1@mx>").expect("stored"), BounceOutcome::Marked);
    assert_eq!(
        w.engine.record_bounce(&bob, named, "email:<dsn-1@mx>").expect("stored"),
        BounceOutcome::Repeat,
        "a redelivered DSN is a no-op"
    );
    let yes = w.engine.respond(&caller("email:jane@prospect.example"), &format!("consent {id} yes"), None);
    assert_eq!(yes.replies[0].template, "reply/consent_accepted");
    assert_eq!(w.templates_to("email:bob@partner.example"), ["reply/introduction_received"], "nothing new queued");
    // Bob writes in: reachable again, and his own answer is mailed.
    let mine = w.engine.respond_by_mail(&caller("email:bob@partner.example"), "mine", &mail("b2")).expect("stored");
    assert_eq!(mine.replies[0].template, "reply/mine");
    assert!(!w.store.identity(&bob).expect("read").expect("exists").unreachable);
    assert_eq!(w.templates_to("email:bob@partner.example"), ["reply/introduction_received", "reply/mine"]);
}

#[test]
fn organizers_hear_of_each_introduction_and_of_the_yes() {
    let w = world();
    w.engine.seed_organizers(&[IdentityKey::parse("email:olga@acme.example").expect("key")]).expect("seed");
    let id = w.introduce("jane@prospect.example");
    let olga = || w.templates_to("email:olga@acme.example");
    assert_eq!(olga(), ["notice/introduction_organizer"]);
    w.engine.respond(&caller("email:jane@prospect.example"), &format!("consent {id} yes"), None);
    assert_eq!(olga(), ["notice/introduction_organizer", "notice/introduction_organizer"]);
    let rows = w.store.outbox_messages().expect("scan");
    let notices: Vec<_> = rows.iter().filter(|m| m.template == "notice/introduction_organizer").collect();
    let first =
        w.renderer.render_template("en", &notices[0].template, &notices[0].data, Format::Plain).expect("renders");
    assert!(first.contains("bob@partner.example introduced Jane Doe (jane@prospect.example, Acme Corp)"), "{first}");
    assert!(first.contains("met at the conference"), "{first}");
    let second =
        w.renderer.render_template("en", &notices[1].template, &notices[1].data, Format::Plain).expect("renders");
    assert!(second.contains("Jane Doe said yes to email:bob@partner.example's introduction"), "{second}");
    assert!(second.contains(&format!("convert {id}")), "{second}");
}

/// The "ideal introduction in reverse": an organizer asks a partner how to
/// refer clients to them; the partner's reply (quotes cut) reaches the
/// organizers, and the partner is thanked once per message.
#[test]
fn a_partner_answers_the_ideal_introduction_in_reverse() {
    let w = world();
    let olga = caller("email:olga@acme.example");
    w.engine.seed_organizers(std::slice::from_ref(&olga.identity)).expect("seed");
    let member = w.engine.respond(&caller("email:bob@partner.example"), "ask-partner dana@partner.example", None);
    assert_eq!(member.replies[0].template, "error/not_allowed");
    let asked = w.engine.respond(&olga, "ask-partner dana@partner.example Dana Lee", None);
    assert_eq!(asked.replies[0].template, "reply/partner_asked");
    assert_eq!(w.templates_to("email:dana@partner.example"), ["notice/partner_ask"]);
    let rows = w.store.outbox_messages().expect("scan");
    let ask = rows.iter().find(|m| m.template == "notice/partner_ask").expect("asked");
    let text = w.renderer.render_template("en", &ask.template, &ask.data, Format::Plain).expect("renders");
    assert!(text.starts_with("Hi Dana Lee,") && text.contains("ideal client") && text.contains("example"), "{text}");

    let dana = caller("email:dana@partner.example");
    let body = "1. CFOs at SaaS firms.\n2. Audit season.";
    let reply = vouch_core::ThreadText { first_line: "1. CFOs at SaaS firms.", body };
    let answered = w.engine.respond_to_thread(&dana, ask.into(), reply, &mail("d1")).expect("stored");
    let vouch_core::ThreadReply::Handled(answered) = answered else { panic!("handled") };
    assert_eq!(answered.replies[0].template, "reply/partner_thanks");
    let again = w.engine.respond_to_thread(&dana, ask.into(), reply, &mail("d1")).expect("stored");
    assert!(matches!(again, vouch_core::ThreadReply::Handled(ref r) if r.duplicate));
    // Olga asked from chat (answered there); the answer reaches her by mail.
    assert_eq!(w.templates_to("email:olga@acme.example"), ["notice/partner_profile"]);
    let rows = w.store.outbox_messages().expect("scan");
    let profile = rows.iter().find(|m| m.template == "notice/partner_profile").expect("forwarded");
    let text = w.renderer.render_template("en", &profile.template, &profile.data, Format::Plain).expect("renders");
    assert!(text.contains("Dana Lee (email:dana@partner.example)") && text.contains("Audit season."), "{text}");
    // Someone else answering Dana's mail is not her answer.
    let eve = w.engine.respond_to_thread(&caller("email:eve@evil.example"), ask.into(), reply, &mail("e1"));
    assert!(matches!(eve, Ok(vouch_core::ThreadReply::Ignored(_))));
}

#[test]
fn consent_requests_are_limited_per_member_and_per_day() {
    let w = world();
    for n in 0..10 {
        w.introduce(&format!("p{n}@prospect{n}.example"));
    }
    let bob = caller("email:bob@partner.example");
    let cmd = Command::Refer {
        name: "One Toomany".into(),
        email: EmailAddress::parse("eleven@prospect.example").expect("email"),
        note: String::new(),
        company: None,
    };
    let refused = w.engine.respond_command_by_mail(&bob, cmd, &mail("eleven")).expect("answered");
    assert_eq!(refused.replies[0].template, "error/introduction_limit");
    let text = w.renderer.render(&refused.replies[0], Format::Plain);
    assert!(text.contains("10 introductions in the last 24 hours"), "{text}");
    assert_eq!(w.store.referrals().expect("scan").len(), 10, "nothing recorded");
    assert!(w.templates_to("email:eleven@prospect.example").is_empty(), "nobody asked");

    // The community's own daily ceiling holds whoever introduces.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("open"));
    let mut settings = Settings::default();
    settings.limits.introductions_per_day = 2;
    let engine =
        Engine::new(Arc::clone(&store), Arc::new(SystemClock), Arc::new(SeededIds::new(5)), settings).expect("engine");
    for (n, who) in ["email:a@one.example", "email:b@two.example", "email:c@three.example"].iter().enumerate() {
        let cmd = Command::Refer {
            name: "Pat Doe".into(),
            email: EmailAddress::parse(&format!("pat{n}@prospect.example")).expect("email"),
            note: String::new(),
            company: None,
        };
        let answer = engine.respond_command_by_mail(&caller(who), cmd, &mail(&format!("c{n}"))).expect("answered");
        let expected = if n < 2 { "reply/introduction_received" } else { "error/introduction_limit" };
        assert_eq!(answer.replies[0].template, expected, "{who}");
    }
    assert_eq!(store.referrals().expect("scan").len(), 2);
}
