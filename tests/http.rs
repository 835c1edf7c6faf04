//! End to end over loopback HTTP: `vouch serve` with `VOUCH_HTTP_LISTEN`
//! and `VOUCH_PUBLIC_URL`, mail into `vouch ingest`, links read out of the
//! maildir. A consent link asks on GET and acts once on POST; forged links
//! are 404; RFC 8058 one-click unsubscribe opts the prospect out; a member's
//! feed URL serves their calendar. Nothing sleeps: waits poll with a deadline.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/http_client.rs"]
mod http_client;

use binary::{Killed, fixture, run_with_stdin, stdout_ok, vouch, vouch_mail, wait_for};
use http_client::{Reply, free_port, get, post};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Vouch {
    dir: PathBuf,
    base: String,
    port: u16,
}

impl Vouch {
    fn cmd(&self) -> Command {
        let mut cmd = vouch_mail(&self.dir);
        cmd.env("VOUCH_HTTP_LISTEN", format!("127.0.0.1:{}", self.port)).env("VOUCH_PUBLIC_URL", &self.base);
        cmd
    }

    fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut cmd = self.cmd();
        cmd.args(args);
        run_with_stdin(cmd, stdin)
    }

    fn admin(&self, args: &[&str]) -> String {
        stdout_ok(&self.run(args, b""))
    }

    fn chat(&self, who: &str, line: &str) -> String {
        stdout_ok(&self.run(&["chat", "--as", who], format!("{line}\n").as_bytes()))
    }

    /// Raw mails in the maildir sent to `to`, oldest row first.
    fn mails_to(&self, to: &str) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("data/mail/new"))
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter_map(|f| std::fs::read(f).ok())
            .filter(|m| String::from_utf8_lossy(m).contains(&format!("To: {to}")))
            .collect()
    }

    /// Outbox rows with `template`, from an export taken through `serve`.
    fn rows(&self, template: &str) -> usize {
        let dump: serde_json::Value = serde_json::from_str(&self.admin(&["export"])).expect("export is JSON");
        dump["outbox"].as_array().expect("outbox").iter().filter(|r| r["template"] == template).count()
    }
}

/// The decoded text part of a mail (quoted-printable undone).
fn text_of(mail: &[u8]) -> String {
    let parsed = mail_parser::MessageParser::default().parse(mail).expect("a mail");
    parsed.body_text(0).expect("a text part").into_owned()
}

/// A header, unfolded.
fn header(mail: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(mail);
    let head = text.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ").replace("\r\n\t", " ");
    head.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string))
}

/// The URL on the line that starts with `label:`.
fn link(text: &str, label: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{label}: ")).filter(|u| u.starts_with("http://")))
        .unwrap_or_else(|| panic!("no {label:?} link in:\n{text}"))
        .trim()
        .to_string()
}

#[track_caller]
fn page_ok(reply: &Reply, status: u16, parts: &[&str]) {
    assert_eq!(reply.status, status, "{reply:?}");
    for part in parts {
        assert!(reply.body.contains(part), "missing {part:?} in {reply:?}");
    }
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"), "{reply:?}");
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{reply:?}");
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{reply:?}");
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"), "{reply:?}");
}

/// One character of the token's signature changed.
fn tampered(url: &str) -> String {
    let mut bytes = url.as_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last - 3] = if bytes[last - 3] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ascii")
}

#[test]
fn mail_links_ask_on_get_act_once_on_post_unsubscribe_in_one_click_and_serve_the_feed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let v = Vouch { dir: tmp.path().to_path_buf(), base: format!("http://127.0.0.1:{port}"), port };
    let server = v
        .cmd()
        .args(["serve", "--poll-ms", "50"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn serve");
    let _server = Killed(server);
    wait_for("the HTTP server", || get(&format!("{}/healthz", v.base)).is_ok_and(|r| r.status == 200));
    let health = get(&format!("{}/healthz", v.base)).expect("healthz");
    assert_eq!(health.body.trim(), "ok");
    assert_eq!(get(&format!("{}/nothing-here", v.base)).expect("get").status, 404);

    // Bob forwards an introduction; Jane is asked for consent by mail, with links.
    let out = v.run(&["ingest"], &fixture("gmail-forward-en.eml"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let jane = "jane.doe@prospect.example";
    wait_for("the consent request", || !v.mails_to(jane).is_empty());
    let request = v.mails_to(jane).remove(0);
    let text = text_of(&request);
    assert!(text.contains("introduced you to"), "{text}");
    assert!(text.contains("or reply with \"consent "), "the reply keyword stays: {text}");
    let yes = link(&text, "Yes, introduce me");
    let no = link(&text, "No, thank you");
    assert!(yes.starts_with(&format!("{}/a/", v.base)) && no != yes, "{yes} {no}");
    let raw = String::from_utf8_lossy(&request).into_owned();
    assert!(raw.contains("Content-Type: text/html"), "{raw}");
    let unsubscribe = header(&request, "List-Unsubscribe").expect("List-Unsubscribe");
    let one_click = unsubscribe
        .strip_prefix('<')
        .and_then(|s| s.split_once('>'))
        .map(|(url, rest)| {
            assert!(rest.starts_with(", <mailto:vouch@acme.example?subject=consent%20"), "{unsubscribe}");
            url.to_string()
        })
        .expect("the one-click URL first");
    assert!(one_click.starts_with(&format!("{}/u/", v.base)), "{unsubscribe}");
    assert_eq!(header(&request, "List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));

    // A GET (a mail scanner's prefetch, or the person) shows a page and changes nothing.
    for _ in 0..2 {
        page_ok(&get(&yes).expect("get"), 200, &["Yes, introduce me", "<form method=\"post\">", "Nothing happens"]);
    }
    let listed = v.admin(&["referrals"]);
    assert!(listed.contains("Jane Doe") && listed.contains("asked for consent"), "{listed}");
    assert_eq!(v.rows("notice/introduction_accepted"), 0);

    // The button's POST accepts, as Jane; Bob is told by mail.
    let accepted = post(&yes, b"List-Unsubscribe=One-Click").expect("post");
    page_ok(&accepted, 200, &["Thank you, Jane Doe!", "Bob Champion"]);
    assert!(v.admin(&["referrals"]).contains("said yes to the introduction"));
    wait_for("Bob's good news", || {
        v.mails_to("bob@partner.example").iter().any(|m| text_of(m).contains("said yes to your introduction"))
    });
    // A double click: the first answer again, no second effect.
    let again = post(&yes, b"").expect("post");
    page_ok(&again, 200, &["Thank you, Jane Doe!"]);
    assert_eq!(v.rows("notice/introduction_accepted"), 1);
    // The mail's other link later: a second, different answer is refused.
    page_ok(&post(&no, b"").expect("post"), 409, &["already answered this mail", "nothing was changed"]);
    assert!(v.admin(&["referrals"]).contains("said yes to the introduction"));
    assert_eq!(v.rows("notice/introduction_declined"), 0);

    // Action links expire after 30 days: the same link, issued 31 days ago
    // (signed with the store's key, as vouch would have signed it then).
    let dump: serde_json::Value = serde_json::from_str(&v.admin(&["export"])).expect("export is JSON");
    let secret: vouch_store::LinkSecret = serde_json::from_value(dump["link_secret"].clone()).expect("the key");
    let signer = vouch_core::Signer::new(&secret);
    let token = yes.rsplit('/').next().expect("a token");
    let Ok(vouch_core::Link::Action { row, choice, .. }) = signer.verify(token, vouch_core::Purpose::Action) else {
        panic!("{yes} is an action link")
    };
    let month_ago = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64
        - 31 * 86_400;
    let old = signer.sign(&vouch_core::Link::Action { row, choice, issued: month_ago });
    let expired = format!("{}/a/{old}", v.base);
    page_ok(&get(&expired).expect("get"), 410, &["This link has expired", "30 days"]);
    page_ok(&post(&expired, b"").expect("post"), 410, &["This link has expired"]);

    // Forged, truncated or misplaced tokens are all the same polite 404.
    let token_of = |url: &str| url.rsplit('/').next().expect("a token").to_string();
    for forged in [
        tampered(&yes),
        yes[..yes.len() - 5].to_string(),
        format!("{}/a/{}", v.base, token_of(&one_click)),
        format!("{}/a/not-a-token", v.base),
    ] {
        page_ok(&get(&forged).expect("get"), 404, &["This link does not work"]);
        page_ok(&post(&forged, b"").expect("post"), 404, &["This link does not work"]);
    }
    assert_eq!(v.rows("notice/introduction_accepted"), 1);
    let too_big = post(&yes, &vec![b'x'; 64 * 1024]).expect("post");
    assert_eq!(too_big.status, 413, "{too_big:?}");

    // RFC 8058: the mail client's POST opts Jane out at once, and again is harmless.
    page_ok(&get(&one_click).expect("get"), 200, &["Unsubscribe", "<form method=\"post\">", jane]);
    assert!(!v.admin(&["referrals"]).contains("declined"), "GET changed nothing");
    for _ in 0..2 {
        page_ok(&post(&one_click, b"List-Unsubscribe=One-Click").expect("post"), 200, &["unsubscribed"]);
    }
    page_ok(&post(&tampered(&one_click), b"List-Unsubscribe=One-Click").expect("post"), 404, &[]);
    assert!(v.admin(&["referrals"]).contains("declined the introduction"));
    // A new introduction of her address is politely refused.
    let eml = String::from_utf8(fixture("gmail-forward-en.eml")).expect("utf-8");
    let second = eml.replace("<CAF7x+gmail-en-1@mail.gmail.com>", "<second-intro@mail.gmail.com>");
    let out = v.run(&["ingest"], second.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error/prospect_opted_out"), "{out:?}");
    wait_for("the polite refusal to Bob", || {
        v.mails_to("bob@partner.example").iter().any(|m| text_of(m).contains("has asked us not to contact them"))
    });

    // Bob is invited to an event; his feed URL serves it as a calendar.
    let created = v.admin(&[
        "event",
        "create",
        "--kind",
        "lunch",
        "--title",
        "Referral lunch",
        "--start",
        "2027-03-04 12:30",
        "--tz",
        "Europe/Bucharest",
    ]);
    let event = created.lines().last().expect("the id").trim().to_string();
    v.admin(&["event", "invite", &event, "email:bob@partner.example"]);
    let answer = v.chat("email:bob@partner.example", "feed");
    let feed = answer
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/ics/", v.base)))
        .unwrap_or_else(|| panic!("no feed URL in {answer}"))
        .to_string();
    assert!(answer.contains("Subscribe in your calendar"), "{answer}");
    let calendar = get(&feed).expect("get feed");
    assert_eq!(calendar.status, 200, "{calendar:?}");
    assert_eq!(calendar.header("content-type"), Some("text/calendar; charset=utf-8"));
    assert!(calendar.body.starts_with("BEGIN:VCALENDAR\r\n") && calendar.body.ends_with("END:VCALENDAR\r\n"));
    let unfolded = icalendar::parser::unfold(&calendar.body);
    let parsed = icalendar::parser::read_calendar(&unfolded).expect("the feed parses as iCalendar");
    let events: Vec<_> = parsed.components.iter().filter(|c| c.name == "VEVENT").collect();
    assert_eq!(events.len(), 1, "{}", calendar.body);
    let summary = events[0].properties.iter().find(|p| p.name == "SUMMARY").map(|p| p.val.to_string());
    assert_eq!(summary.as_deref(), Some("Referral lunch"));
    assert!(calendar.body.contains("bob@partner.example"), "Bob is the attendee: {}", calendar.body);
    // The invitation mail's RSVP buttons are links too.
    wait_for("the invitation", || v.mails_to("bob@partner.example").iter().any(|m| text_of(m).contains("/a/")));
    // Every notice offers one-click unsubscribe: from the invitation, Bob stops notices.
    let invitation =
        v.mails_to("bob@partner.example").into_iter().find(|m| text_of(m).contains("/a/")).expect("the invitation");
    let header_value = header(&invitation, "List-Unsubscribe").expect("List-Unsubscribe on a notice");
    assert!(header_value.contains("subject=unsubscribe"), "{header_value}");
    let bob_out = header_value.trim_start_matches('<').split('>').next().expect("the https URL").to_string();
    assert!(bob_out.starts_with(&format!("{}/u/", v.base)), "{header_value}");
    page_ok(&post(&bob_out, b"List-Unsubscribe=One-Click").expect("post"), 200, &["unsubscribed"]);
    let again = v.chat("email:bob@partner.example", "unsubscribe");
    assert!(again.contains("were already off"), "{again}");

    for wrong in [tampered(&feed), format!("{}/ics/{}", v.base, token_of(&one_click)), feed.replace(".ics", "")] {
        assert_eq!(get(&wrong).expect("get").status, 404, "{wrong}");
    }
    // Bob shared his feed by mistake: `feed reset` revokes it and gives a new one.
    let answer = v.chat("email:bob@partner.example", "feed reset");
    let renewed = answer
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/ics/", v.base)))
        .unwrap_or_else(|| panic!("no feed URL in {answer}"))
        .to_string();
    assert_ne!(renewed, feed);
    assert_eq!(get(&feed).expect("get").status, 404, "the old link is revoked");
    assert_eq!(get(&renewed).expect("get").status, 200);
}

/// Without `VOUCH_PUBLIC_URL` the server still runs (health, feeds of
/// links made elsewhere) but mail stays exactly as before: keywords and a
/// mailto: unsubscribe only.
#[test]
fn without_a_public_url_mail_has_no_links() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let dir: &Path = tmp.path();
    let mut cmd = vouch(dir);
    cmd.env("VOUCH_INBOX_ADDRESS", "vouch@acme.example")
        .env("VOUCH_MAIL_FROM", "Acme <vouch@acme.example>")
        .env("VOUCH_MAIL_AUTH", "off")
        .env("VOUCH_HTTP_LISTEN", format!("127.0.0.1:{port}"))
        .args(["serve", "--poll-ms", "50"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    let _server = Killed(cmd.spawn().expect("spawn serve"));
    let base = format!("http://127.0.0.1:{port}");
    wait_for("the HTTP server", || get(&format!("{base}/healthz")).is_ok_and(|r| r.status == 200));
    let mut ingest = vouch(dir);
    ingest.env("VOUCH_INBOX_ADDRESS", "vouch@acme.example").env("VOUCH_MAIL_AUTH", "off").arg("ingest");
    let out = run_with_stdin(ingest, &fixture("gmail-forward-en.eml"));
    assert!(out.status.success(), "{out:?}");
    let mails = || -> Vec<Vec<u8>> {
        std::fs::read_dir(dir.join("data/mail/new"))
            .map(|rd| rd.filter_map(|e| std::fs::read(e.ok()?.path()).ok()).collect())
            .unwrap_or_default()
    };
    wait_for("the consent request", || mails().iter().any(|m| String::from_utf8_lossy(m).contains("jane.doe@")));
    let request = mails().into_iter().find(|m| String::from_utf8_lossy(m).contains("To: jane.doe@")).expect("mail");
    let text = text_of(&request);
    assert!(text.contains("reply with \"consent ") && !text.contains("http://"), "{text}");
    assert!(header(&request, "List-Unsubscribe").is_some_and(|h| h.starts_with("<mailto:")));
    assert!(header(&request, "List-Unsubscribe-Post").is_none());
    let answer = stdout_ok(&run_with_stdin(
        {
            let mut c = vouch(dir);
            c.args(["chat", "--as", "email:jane.doe@prospect.example"]);
            c
        },
        b"feed\n",
    ));
    assert!(answer.contains("isn't set up here yet"), "{answer}");
}
