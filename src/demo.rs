//! `vouch demo`: the main flows, end to end, on a throwaway data dir,
//! showing what each person sees.

use std::process::ExitCode;
use std::sync::Arc;
use vouch_store::Read;

use anyhow::Context;

use crate::app::{App, OpenError, Speaker};
use crate::config::Config;

/// A champion forwards a prospect's mail to vouch (Gmail's inline forward).
const FORWARD: &str = "From: Dana Champion <dana@partner.example>\r
To: referrals@acme.example\r
Subject: Fwd: Looking for a referral tool\r
Message-ID: <demo-fwd-1@partner.example>\r
Content-Type: text/plain; charset=utf-8\r
\r
Hi Acme, meet Jane: she runs partnerships at Northwind and asked me about you.\r
\r
---------- Forwarded message ---------\r
From: Jane Doe <jane.doe@northwind.example>\r
Date: Mon, 30 Nov 2026 at 09:12\r
Subject: Looking for a referral tool\r
To: Dana Champion <dana@partner.example>\r
\r
Dana, do you know a tool for our partner referrals?\r
";

/// The prospect's reply to the consent mail, threaded under it.
const CONSENT_REPLY: &str = "From: Jane Doe <jane.doe@northwind.example>\r
To: referrals@acme.example\r
Subject: Re: introduction\r
Message-ID: <demo-yes-1@northwind.example>\r
In-Reply-To: {ID}\r
References: {ID}\r
Content-Type: text/plain; charset=utf-8\r
\r
Yes, happy to talk!\r
\r
On Mon, Acme Referrals wrote:\r
> Would you like an introduction?\r
";

fn person(id: &str, name: &str) -> Speaker {
    Speaker { identity: Some(id.to_string()), name: Some(name.to_string()) }
}

/// `language`: the community default everyone in the demo is answered in.
pub fn run(language: Option<&str>) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir().context("cannot create a temporary data dir")?;
    let config = Config {
        data_dir: Some(dir.path().to_path_buf()),
        community: Some("Acme Community".into()),
        share_url: Some("https://acme.example/join?ref={code}".into()),
        mail_from: Some("Acme Referrals <referrals@acme.example>".into()),
        inbox_address: Some("referrals@acme.example".into()),
        // Only so the printed mail shows its one-click links; the demo serves no HTTP.
        public_url: Some("https://vouch.acme.example".into()),
        language: language.map(str::to_string),
        ..Config::default()
    };
    // The demo trusts the From line; `VOUCH_MAIL_AUTH` checks it for real.
    let intake = vouch_mailer::intake::Intake {
        auth: vouch_mailer::intake::AuthCheck::off(),
        ..config.intake(vouch_mailer::auth::Envelope::default())?
    };
    let mailer = vouch_mailer::Mailer::new(&vouch_mailer::MailConfig {
        from: config.mail_from(),
        smtp_url: None,
        maildir: dir.path().join("mail"),
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let app = match App::open_with(config, Arc::new(vouch_core::SeededIds::new(2026))) {
        Ok(app) => app,
        Err(OpenError::InUse(d)) => anyhow::bail!("{} is in use", d.display()),
        Err(OpenError::Other(e)) => return Err(e),
    };
    let alice = person("alice", "Alice");
    let bob = person("bob", "Bob");
    let carol = person("carol", "Carol (organizer)");
    let admin = Speaker::admin();

    let show = |who: &Speaker, label: &str, line: &str| -> anyhow::Result<Vec<String>> {
        println!("\n{label}> {line}");
        let texts = app.say(who, line)?.texts;
        for t in &texts {
            for l in t.lines() {
                println!("  {l}");
            }
        }
        Ok(texts)
    };
    let step = |title: &str| println!("\n=== {title} ===");
    // What is waiting for someone who has not spoken since (console notices).
    let inbox = |who: &Speaker, label: &str| -> anyhow::Result<()> {
        let identity = who.caller()?.identity;
        for t in app.take_console_notices(&identity)? {
            println!("\n({label}'s notifications)");
            for l in t.lines() {
                println!("  {l}");
            }
        }
        Ok(())
    };

    // Mail as it would be sent, each row once, for everyone but chat.
    let mut shown = std::collections::HashSet::new();
    let print_new_mail = |shown: &mut std::collections::HashSet<u64>| -> anyhow::Result<()> {
        for row in app.store.outbox_messages()? {
            if row.to.email().is_none() || !shown.insert(row.id.0) {
                continue;
            }
            let mail = vouch_mailer::render_mail(
                &app.renderer,
                &app.engine.notice_language(&row),
                &row,
                app.engine.public_links(),
            )?;
            println!("\n(mail out) To: {} — Subject: {}", mail.to, mail.subject);
            for l in mail.text.lines() {
                println!("  {l}");
            }
        }
        Ok(())
    };

    println!("vouch demo — a throwaway data dir at {}", dir.path().display());
    step("The administrator makes Carol an organizer");
    show(&admin, "admin", "role grant carol organizer")?;

    step("Alice asks for her referral code");
    show(&alice, "alice", "code")?;
    let code = app.store.codes()?.first().map(|c| c.code.to_string()).context("alice's code was not created")?;

    step("Bob mistypes it, then joins with it");
    let typo: String =
        code.chars().enumerate().map(|(i, c)| if i == 1 { if c == 'A' { 'B' } else { 'A' } } else { c }).collect();
    show(&bob, "bob", &format!("redeem {typo}"))?;
    show(&bob, "bob", &format!("redeem {code}"))?;
    show(&bob, "bob", "heard Alice at the meetup")?;

    step("Alice sees her notice and her referral (notices wait for the console)");
    show(&alice, "alice", "mine")?;

    step("Alice introduces Sam from chat; Sam is asked by mail before anyone calls");
    show(&alice, "alice", "refer Sam Lee (Globex) sam.lee@globex.example met at SaaStr, needs SSO")?;
    print_new_mail(&mut shown)?;

    step("Carol, the organizer, follows up");
    show(&carol, "carol", "referrals")?;
    show(&carol, "carol", "convert R1 1200")?;
    show(&carol, "carol", "approve R1")?;
    show(&carol, "carol", "reward paid W1")?;

    step("Both sides hear about their rewards; Alice asks why");
    show(&bob, "bob", "why")?;
    show(&alice, "alice", "why")?;

    step("Refusals are specific and change nothing");
    show(&alice, "alice", &format!("redeem {code}"))?;
    show(&bob, "bob", "approve R1")?;
    show(&bob, "bob", "dance")?;

    step("A promoter is asked to refer at the moment of delight");
    show(&bob, "bob", "nps 10 great onboarding")?;

    step("Carol keeps a wish list: who she'd most like to be introduced to");
    show(&carol, "carol", "wish add Northwind Traders northwind.example")?;
    show(&alice, "alice", "wishes")?;

    step("Carol schedules a monthly mastermind with two seats and invites Alice, Bob and Dan");
    let start = (chrono::Utc::now() + chrono::Duration::days(10)).format("%Y-%m-%d 18:00").to_string();
    let created = show(
        &carol,
        "carol",
        &format!(
            "event create kind=mastermind title=\"Referral mastermind\" start=\"{start}\" tz=Europe/Bucharest \
             every=month capacity=2 duration=90m"
        ),
    )?;
    let event = created.last().and_then(|t| t.lines().last()).context("the new event's id")?.trim().to_string();
    show(&carol, "carol", &format!("event invite {event} alice bob dan"))?;
    let dan = person("dan", "Dan");
    inbox(&alice, "alice")?;
    inbox(&bob, "bob")?;
    inbox(&dan, "dan")?;

    step("They answer; the third yes waits on the waitlist, and moves up when Bob declines");
    show(&alice, "alice", &format!("rsvp {event} yes"))?;
    show(&bob, "bob", &format!("rsvp {event} yes"))?;
    show(&dan, "dan", &format!("rsvp {event} yes"))?;
    show(&bob, "bob", &format!("rsvp {event} no"))?;
    show(&dan, "dan", &format!("rsvp {event} yes"))?;
    show(&carol, "carol", &format!("event show {event}"))?;
    show(&alice, "alice", &format!("agenda {event}"))?;

    step("Dana, a champion, forwards an introduction to referrals@acme.example");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let deliver = |raw: &str, shown: &mut std::collections::HashSet<u64>| -> anyhow::Result<()> {
        println!("\n(mail in) {}", raw.lines().find(|l| l.starts_with("Subject:")).unwrap_or_default());
        let plan = runtime.block_on(intake.prepare(raw.as_bytes()));
        match plan.map(|plan| vouch_mailer::intake::apply(&app.engine, &plan)) {
            Ok(Ok(lines)) => lines.iter().for_each(|l| println!("  vouch: {l}")),
            other => anyhow::bail!("the demo mail was not accepted: {other:?}"),
        }
        print_new_mail(shown)
    };
    deliver(FORWARD, &mut shown)?;
    inbox(&carol, "carol")?;

    step("Jane answers the consent mail with a plain \"yes\"");
    let jane = vouch_store::IdentityKey::parse("email:jane.doe@northwind.example")?;
    let request =
        app.store.outbox_messages()?.into_iter().find(|m| m.template == "notice/consent_request" && m.to == jane);
    let request = request.context("the consent request")?;
    let reply = CONSENT_REPLY.replace("{ID}", &mailer.message_id(request.id.0, request.token.as_deref()));
    deliver(&reply, &mut shown)?;
    inbox(&carol, "carol")?;

    step("Carol tunes the program and reads the report");
    show(&carol, "carol", "program set customer arpa=1200 lifetime=3 cac=800")?;
    show(&carol, "carol", "leaderboard")?;
    show(&carol, "carol", "report")?;

    println!(
        "\nThat's the tour. Start your own with `vouch chat --as alice` (data in ./vouch-data), or `vouch serve`."
    );
    Ok(ExitCode::SUCCESS)
}
