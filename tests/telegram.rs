//! End-to-end tests of the Telegram frontend: `vouch serve` with a bot token,
//! pointed at a fake Bot API on loopback that feeds updates and records every
//! request. Nothing sleeps: every wait polls a condition with a deadline.

#[path = "support/telegram_fake.rs"]
mod fake;

#[path = "support/binary.rs"]
mod binary;
use binary::{run_with_stdin, stdout_ok, vouch, wait_for};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fake::{BOT_USERNAME, FakeTelegram, button_press, message};
use serde_json::json;

const TOKEN: &str = "123:TEST";
const GROUP: i64 = -5001;
const ANN: i64 = 1001;
const BOB: i64 = 1002;

/// `vouch serve` talking to the fake; its output is collected so tests can
/// check that the token never shows.
struct Server {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Server {
    fn start(dir: &Path, fake: &FakeTelegram) -> Self {
        Self::start_with(dir, fake, &[])
    }

    fn start_with(dir: &Path, fake: &FakeTelegram, env: &[(&str, &str)]) -> Self {
        let mut child = vouch(dir)
            .args(["serve", "--poll-ms", "50"])
            .env("VOUCH_TELEGRAM_TOKEN", TOKEN)
            .env("VOUCH_TELEGRAM_API_URL", &fake.url)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn serve");
        let output = Arc::new(Mutex::new(String::new()));
        let out: Box<dyn Read + Send> = Box::new(child.stdout.take().expect("stdout"));
        let err: Box<dyn Read + Send> = Box::new(child.stderr.take().expect("stderr"));
        for stream in [out, err] {
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut all = output.lock().expect("output");
                    all.push_str(&line);
                    all.push('\n');
                }
            });
        }
        Self { child, output }
    }

    fn output(&self) -> String {
        self.output.lock().expect("output").clone()
    }

    /// SIGTERM, as a service manager stops it; returns everything it printed.
    fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
        let status = self.child.wait().expect("wait for serve");
        let output = self.output();
        assert!(status.success(), "serve exited with {status}:\n{output}");
        assert!(!output.contains(TOKEN) && !output.contains("TEST"), "token printed:\n{output}");
        output
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for the `n`th text to `chat` and returns it.
fn nth_text(fake: &FakeTelegram, chat: i64, n: usize) -> String {
    wait_for(&format!("message {n} to {chat}"), || fake.texts_to(chat).len() >= n);
    fake.texts_to(chat)[n - 1].clone()
}

fn find_code(text: &str) -> String {
    let start = text.find("<code>").map(|i| i + "<code>".len()).unwrap_or_else(|| panic!("no code in {text}"));
    text[start..].split('<').next().unwrap_or_default().to_string()
}

#[test]
fn members_use_vouch_from_dms_and_groups() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let server = Server::start(tmp.path(), &fake);
    wait_for("setMyCommands", || !fake.calls("setMyCommands").is_empty());
    let menu = &fake.calls("setMyCommands")[0].body["commands"];
    assert_eq!(menu[0], json!({"command": "help", "description": "What I can do for you"}));
    assert!(!menu.to_string().contains("convert"), "organizer commands stay out of the menu: {menu}");

    // A code in a DM: HTML, with the t.me deep link.
    fake.push(message(1, ANN, ANN, "Ann", "/code"));
    let dm = nth_text(&fake, ANN, 1);
    let code = find_code(&dm);
    let link = format!("https://t.me/{BOT_USERNAME}?start={code}");
    assert!(dm.starts_with(&format!("Your referral code for <b>customer</b>: <code>{code}</code>")), "{dm}");
    assert!(dm.ends_with(&format!("\nTelegram link: <a href=\"{link}\">{link}</a>")), "{dm}");
    let first = &fake.calls("sendMessage")[0].body;
    assert_eq!(first["parse_mode"], "HTML");
    assert_eq!(first["chat_id"], ANN);

    // The same request in a group: the code goes by DM, the group hears where.
    fake.push(message(2, GROUP, ANN, "Ann", &format!("/code@{BOT_USERNAME}")));
    assert_eq!(nth_text(&fake, GROUP, 1), "Ann, I sent you a DM.");
    assert_eq!(fake.texts_to(ANN).len(), 2);
    assert_eq!(find_code(&fake.texts_to(ANN)[1]), code, "the same code again");
    let note = fake.calls("sendMessage").into_iter().find(|r| r.body["chat_id"] == GROUP).expect("group note");
    assert_eq!(note.body["reply_parameters"]["message_id"], 20, "answers the asking message");

    // Bob follows the deep link: /start CODE redeems it, with a welcome.
    fake.push(message(3, BOB, BOB, "Bob", &format!("/start {code}")));
    let welcome = nth_text(&fake, BOB, 1);
    assert!(welcome.starts_with("Welcome! You joined with <b>Ann</b>'s code"), "{welcome}");
    let notice = nth_text(&fake, ANN, 3);
    assert!(notice.starts_with("Good news, Ann: <b>Bob</b> just joined"), "outbox notice by DM: {notice}");

    // Refusals are polite sentences.
    fake.push(message(4, ANN, ANN, "Ann", &format!("/start {code}")));
    assert_eq!(
        nth_text(&fake, ANN, 4),
        "That's your own referral — you can't refer yourself. Share your code with a friend instead!"
    );
    fake.push(message(5, BOB, BOB, "Bob", "/frobnicate"));
    let unknown = nth_text(&fake, BOB, 2);
    assert!(unknown.starts_with("I don't know the command"), "{unknown}");
    fake.push(message(6, BOB, BOB, "Bob", "/convert R1 1200"));
    assert_eq!(
        nth_text(&fake, BOB, 3),
        "Sorry, <code>convert</code> is for organizers only. Ask an organizer if you need it."
    );

    // A first name is user text: escaped, never markup.
    fake.push(message(7, 1003, 1003, "<b>Eve</b>", "/start"));
    let help = nth_text(&fake, 1003, 1);
    assert!(help.starts_with("Hi &lt;b&gt;Eve&lt;/b&gt;! Here is what I can do:"), "{help}");

    // Someone who never started the bot asks in the group: told how.
    fake.never_started(1004);
    fake.push(message(8, GROUP, 1004, "Cy", "/mine"));
    assert_eq!(
        nth_text(&fake, GROUP, 2),
        format!(
            "Cy, I can't message you yet: open <a href=\"https://t.me/{BOT_USERNAME}?start=help\">a chat with me</a>, \
             press Start, then ask again here."
        )
    );

    // Group chatter and other bots' commands are not for us; a public
    // answer stays in the group.
    fake.push(message(9, GROUP, BOB, "Bob", "anyone tried the new release?"));
    fake.push(message(10, GROUP, BOB, "Bob", "/code@other_bot"));
    fake.push(message(11, GROUP, BOB, "Bob", "/leaderboard"));
    let board = nth_text(&fake, GROUP, 3);
    assert!(board.contains("Ann"), "{board}");
    wait_for("offset confirmed", || fake.confirmed() == 12);
    assert_eq!(fake.texts_to(GROUP).len(), 3, "{:?}", fake.texts_to(GROUP));
    assert_eq!(fake.texts_to(BOB).len(), 3, "{:?}", fake.texts_to(BOB));

    // An organizer's listing names people: asked in the group, it goes by DM.
    stdout_ok(
        &vouch(tmp.path()).args(["role", "grant", &format!("telegram:{ANN}"), "organizer"]).output().expect("run"),
    );
    let before = fake.texts_to(ANN).len();
    fake.push(message(12, GROUP, ANN, "Ann", "/referrals"));
    assert_eq!(nth_text(&fake, GROUP, 4), "Ann, I sent you a DM.");
    let listing = nth_text(&fake, ANN, before + 1);
    assert!(listing.contains("Bob"), "the listing went to Ann: {listing}");
    assert!(fake.texts_to(GROUP).iter().all(|t| !t.contains("R1")), "{:?}", fake.texts_to(GROUP));
    server.stop();
}

#[test]
fn a_redelivered_update_has_one_effect_and_a_restart_resumes_after_the_last_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let server = Server::start(tmp.path(), &fake);
    fake.push(message(100, ANN, ANN, "Ann", "/code"));
    let code = find_code(&nth_text(&fake, ANN, 1));
    let redeem = message(101, BOB, BOB, "Bob", &format!("/start {code}"));
    fake.push(redeem.clone());
    nth_text(&fake, BOB, 1);
    wait_for("update 101 confirmed", || fake.confirmed() == 102);

    // Telegram sends 101 again (as after a stop before confirming), then a new one.
    fake.redeliver(redeem);
    fake.push(message(102, BOB, BOB, "Bob", "/mine"));
    let mine = nth_text(&fake, BOB, 2);
    assert!(mine.contains("haven't referred anyone"), "{mine}");
    nth_text(&fake, ANN, 2);
    let welcomes = fake.texts_to(BOB).iter().filter(|t| t.starts_with("Welcome!")).count();
    assert_eq!(welcomes, 1, "{:?}", fake.texts_to(BOB));
    server.stop();

    let referrals = vouch(tmp.path()).arg("referrals").output().expect("referrals");
    let referrals = String::from_utf8_lossy(&referrals.stdout);
    assert!(referrals.contains("R1 Ann → Bob"), "{referrals}");
    assert!(!referrals.contains("R2"), "one redemption only: {referrals}");
    assert_eq!(fake.confirmed(), 103, "everything handled was confirmed before exit");

    // A restart fetches from the confirmed offset: nothing is answered twice.
    let before = fake.calls("sendMessage").len();
    let server = Server::start(tmp.path(), &fake);
    fake.push(message(103, ANN, ANN, "Ann", "/why"));
    nth_text(&fake, ANN, 3);
    wait_for("update 103 confirmed", || fake.confirmed() == 104);
    let after: Vec<_> = fake.calls("sendMessage").into_iter().skip(before).collect();
    assert_eq!(after.len(), 1, "{after:?}");
    let restarted = fake.calls("getUpdates");
    assert!(restarted.iter().all(|r| r.body["offset"].as_i64().is_none_or(|o| o >= 101)), "{restarted:?}");
    server.stop();
}

#[test]
fn a_429_is_retried_after_the_time_telegram_asks_for() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let server = Server::start(tmp.path(), &fake);
    fake.fail_next_send(
        429,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
               "parameters": {"retry_after": 1}}),
    );
    fake.push(message(1, ANN, ANN, "Ann", "/help"));
    let help = nth_text(&fake, ANN, 1);
    assert!(help.starts_with("Hi Ann! Here is what I can do:"), "{help}");
    let sends = fake.calls("sendMessage");
    assert_eq!(sends.len(), 2, "one refused, one accepted");
    assert!(!sends[0].ok && sends[1].ok);
    assert_eq!(sends[0].body, sends[1].body, "the same message again");
    let waited = sends[1].at.duration_since(sends[0].at);
    assert!(waited >= Duration::from_secs(1), "retried after {waited:?}, before retry_after");
    let output = server.stop();
    assert!(output.contains("telegram bot running"), "{output}");
}

#[test]
fn buttons_run_their_command_as_the_presser_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let server = Server::start(tmp.path(), &fake);

    // An empty `mine` offers the next step as a button; the callback data
    // is the command line itself.
    fake.push(message(1, ANN, ANN, "Ann", "/mine"));
    let mine = nth_text(&fake, ANN, 1);
    assert!(mine.contains("haven't referred anyone"), "{mine}");
    let sent = fake.calls("sendMessage").into_iter().find(|r| r.ok).expect("mine sent");
    assert_eq!(
        sent.body["reply_markup"],
        json!({"inline_keyboard": [[{"text": "Get my referral code", "callback_data": "code"}]]})
    );

    // Pressing it runs `code` as Ann: the query is answered with a short
    // toast, and the answer arrives as a message.
    fake.push(button_press(2, "q-ann-1", ANN, ANN, "Ann", "code"));
    let code = find_code(&nth_text(&fake, ANN, 2));
    wait_for("the press answered", || !fake.calls("answerCallbackQuery").is_empty());
    let answer = &fake.calls("answerCallbackQuery")[0].body;
    assert_eq!(answer["callback_query_id"], "q-ann-1");
    assert_eq!(answer["text"], format!("Your referral code for customer: `{code}`"), "{answer}");

    // Bob presses a redeem button; Telegram delivers the same press twice
    // (a second update with the same query id): one redemption, one answer.
    let press = |update| button_press(update, "q-bob-1", BOB, BOB, "Bob", &format!("redeem {code}"));
    fake.push(press(3));
    let welcome = nth_text(&fake, BOB, 1);
    assert!(welcome.starts_with("Welcome! You joined with <b>Ann</b>'s code"), "{welcome}");
    fake.push(press(4));
    fake.push(message(5, BOB, BOB, "Bob", "/help"));
    nth_text(&fake, BOB, 2);
    wait_for("offset confirmed", || fake.confirmed() == 6);
    assert_eq!(fake.texts_to(BOB).iter().filter(|t| t.starts_with("Welcome!")).count(), 1, "{:?}", fake.texts_to(BOB));
    let answers: Vec<_> =
        fake.calls("answerCallbackQuery").into_iter().filter(|r| r.body["callback_query_id"] == "q-bob-1").collect();
    assert_eq!(answers.len(), 2, "each delivery stops the spinner");
    assert!(answers[0].body["text"].as_str().is_some_and(|t| t.starts_with("Welcome!")), "{:?}", answers[0].body);
    assert!(answers[1].body.get("text").is_none(), "the repeat says nothing new: {:?}", answers[1].body);
    wait_for("Ann's notice", || fake.texts_to(ANN).len() >= 3);
    let notices = fake.texts_to(ANN).iter().filter(|t| t.contains("just joined")).count();
    assert_eq!(notices, 1, "{:?}", fake.texts_to(ANN));
    // The notice (an outbox DM) carries its button too.
    let sends = fake.calls("sendMessage");
    let notice = sends.iter().find(|r| r.body["text"].as_str().is_some_and(|t| t.contains("just joined")));
    assert_eq!(
        notice.expect("notice sent").body["reply_markup"],
        json!({"inline_keyboard": [[{"text": "See my referrals", "callback_data": "mine"}]]})
    );
    server.stop();

    let referrals = stdout_ok(&vouch(tmp.path()).arg("referrals").output().expect("referrals"));
    assert!(referrals.contains("R1 Ann → Bob") && !referrals.contains("R2"), "{referrals}");
}

#[test]
fn each_locale_that_translates_commands_gets_its_own_menu() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let i18n = tmp.path().join("templates/i18n");
    std::fs::create_dir_all(i18n.join("ru")).expect("mkdir ru");
    std::fs::create_dir_all(i18n.join("de")).expect("mkdir de");
    // Message by message over the shipped Russian.
    std::fs::write(i18n.join("ru/messages.ftl"), "command-code = Мой реферальный код\n").expect("ru");
    // A language that translates no command adds no menu.
    std::fs::write(i18n.join("de/messages.ftl"), "state-issued = notiert\n").expect("de");
    let fake = FakeTelegram::start();
    let templates = tmp.path().join("templates");
    let templates = templates.to_str().expect("utf-8 path");
    let server = Server::start_with(tmp.path(), &fake, &[("VOUCH_TEMPLATES_DIR", templates)]);
    wait_for("four menus", || fake.calls("setMyCommands").len() >= 4);
    let menus = fake.calls("setMyCommands");
    assert!(menus[0].body.get("language_code").is_none(), "the default menu first: {:?}", menus[0].body);
    let languages: Vec<_> = menus.iter().skip(1).map(|m| m.body["language_code"].as_str().unwrap_or("?")).collect();
    assert_eq!(languages, ["ar", "ro", "ru"], "one menu per translating language, none for de: {menus:?}");
    let ro = menus[2].body["commands"].as_array().expect("commands");
    let ro_code = ro.iter().find(|c| c["command"] == "code").expect("code in the Romanian menu");
    assert_eq!(ro_code["description"], "Codul tău personal de recomandare și textul de trimis prietenilor");
    let ru = &menus[3];
    let commands = ru.body["commands"].as_array().expect("commands");
    let code = commands.iter().find(|c| c["command"] == "code").expect("code in the menu");
    assert_eq!(code["description"], "Мой реферальный код", "the override wins");
    let help = commands.iter().find(|c| c["command"] == "help").expect("help in the menu");
    assert_eq!(help["description"], "Что я умею", "the rest keeps the shipped translation");
    assert_eq!(commands.len(), menus[0].body["commands"].as_array().map_or(0, Vec::len));
    server.stop();
    assert_eq!(fake.calls("setMyCommands").len(), 4, "no later menu for de");
}

/// Visible length as Telegram counts it: tags 0, an entity 1, UTF-16 units.
fn visible_len(html: &str) -> usize {
    let mut n = 0;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let (skip, units) = match (c, rest.find('>'), rest.find(';').filter(|e| *e <= 10)) {
            ('<', Some(end), _) => (end + 1, 0),
            ('&', _, Some(end)) => (end + 1, 1),
            _ => (c.len_utf8(), c.len_utf16()),
        };
        n += units;
        rest = &rest[skip..];
    }
    n
}

#[test]
fn a_long_list_arrives_in_messages_within_the_limit_with_no_row_cut() {
    const OLGA: i64 = 9999;
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let server = Server::start_with(tmp.path(), &fake, &[("VOUCH_ORGANIZERS", "telegram:9999")]);
    // 60 referrals (programs cap referrals per referrer: six referrers) of
    // people whose long names need escaping.
    let mut update = 0;
    for referrer in 0..6 {
        let id = 2000 + referrer;
        update += 1;
        fake.push(message(update, id, id, "Ref", "/code"));
        let code = find_code(&nth_text(&fake, id, 1));
        for n in 0..10 {
            let user = 3000 + referrer * 10 + n;
            update += 1;
            let name = format!("<Member & {user}> with a long name, sixty characters or so....");
            fake.push(message(update, user, user, &name, &format!("/start {code}")));
            assert!(nth_text(&fake, user, 1).starts_with("Welcome!"));
        }
    }
    fake.push(message(update + 1, OLGA, OLGA, "Olga", "/referrals"));
    wait_for("the whole list", || fake.texts_to(OLGA).last().is_some_and(|t| t.contains("Next steps")));
    let parts = fake.texts_to(OLGA);
    assert!(parts.len() >= 2, "{} parts", parts.len());
    for part in &parts {
        assert!(visible_len(part) <= 4096, "{} characters", visible_len(part));
        assert_eq!(part.matches("<code>").count(), part.matches("</code>").count(), "{part}");
    }
    let rows: Vec<&str> = parts
        .iter()
        .flat_map(|p| p.lines())
        .filter(|l| l.starts_with('R') && l[1..].starts_with(char::is_numeric))
        .collect();
    assert_eq!(rows.len(), 50, "the list shows the newest 50: {rows:?}");
    for row in rows {
        assert!(row.contains(" → &lt;Member &amp; ") && row.ends_with(char::is_numeric), "cut row: {row:?}");
    }
    server.stop();
}

const HOOK_SECRET: &str = "hook-secret_42-0123456789abcdefABCDEF";

/// POSTs `body` to vouch's webhook like Telegram does; returns the HTTP status.
fn post_update(addr: &str, secret: Option<&str>, body: &str) -> u16 {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the webhook");
    let header = secret.map(|s| format!("X-Telegram-Bot-Api-Secret-Token: {s}\r\n")).unwrap_or_default();
    let request = format!(
        "POST /telegram/hook HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{header}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read answer");
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status: {answer}"))
}

#[test]
fn webhook_mode_checks_the_secret_and_answers_after_the_commit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let env = [
        ("VOUCH_TELEGRAM_WEBHOOK_URL", "https://vouch.example/telegram/hook"),
        ("VOUCH_TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1:0"),
        ("VOUCH_TELEGRAM_WEBHOOK_SECRET", HOOK_SECRET),
    ];
    let server = Server::start_with(tmp.path(), &fake, &env);
    let marker = "receives updates by webhook on ";
    wait_for("the webhook listening", || server.output().contains(marker));
    let output = server.output();
    let addr = output.split(marker).nth(1).and_then(|rest| rest.lines().next()).expect("address").trim().to_string();

    // setWebhook told Telegram the URL and the secret; nobody polls.
    let set = fake.calls("setWebhook");
    assert_eq!(set.len(), 1, "{set:?}");
    assert_eq!(set[0].body["url"], "https://vouch.example/telegram/hook");
    assert_eq!(set[0].body["secret_token"], HOOK_SECRET);
    assert_eq!(set[0].body["allowed_updates"], json!(["message", "callback_query"]));
    assert!(fake.calls("getUpdates").is_empty() && fake.calls("deleteWebhook").is_empty());

    // Without the secret, or with a wrong one: 401, and nothing happens.
    let code_update = message(1, ANN, ANN, "Ann", "/code").to_string();
    assert_eq!(post_update(&addr, None, &code_update), 401);
    assert_eq!(post_update(&addr, Some("hook-secret_43-0123456789abcdefABCDEF"), &code_update), 401);
    assert_eq!(post_update(&addr, Some(HOOK_SECRET), "{not json"), 400);
    assert!(fake.calls("sendMessage").is_empty());

    // With it: the 200 comes after the commit and the reply, not before.
    assert_eq!(post_update(&addr, Some(HOOK_SECRET), &code_update), 200);
    let texts = fake.texts_to(ANN);
    assert_eq!(texts.len(), 1, "answered before the 200: {texts:?}");
    let code = find_code(&texts[0]);

    // Telegram redelivers (it missed our 200): one effect, no second answer.
    assert_eq!(post_update(&addr, Some(HOOK_SECRET), &code_update), 200);
    let redeem = message(2, BOB, BOB, "Bob", &format!("/start {code}")).to_string();
    assert_eq!(post_update(&addr, Some(HOOK_SECRET), &redeem), 200);
    assert_eq!(post_update(&addr, Some(HOOK_SECRET), &redeem), 200);
    assert_eq!(fake.texts_to(BOB).len(), 1, "{:?}", fake.texts_to(BOB));
    assert!(fake.texts_to(BOB)[0].starts_with("Welcome!"));
    let notice = nth_text(&fake, ANN, 2);
    assert!(notice.contains("just joined"), "{notice}");
    assert_eq!(fake.texts_to(ANN).len(), 2, "{:?}", fake.texts_to(ANN));

    let output = server.stop();
    assert!(!output.contains(HOOK_SECRET), "the webhook secret was printed:\n{output}");
    assert!(output.contains("telegram bot running (webhook)"), "{output}");
}

#[test]
fn a_short_webhook_secret_is_refused_at_start() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let short = "hook-secret_42";
    let out = vouch(tmp.path())
        .args(["serve"])
        .env("VOUCH_TELEGRAM_TOKEN", TOKEN)
        .env("VOUCH_TELEGRAM_API_URL", "http://127.0.0.1:9")
        .env("VOUCH_TELEGRAM_WEBHOOK_URL", "https://vouch.example/telegram/hook")
        .env("VOUCH_TELEGRAM_WEBHOOK_SECRET", short)
        .stdin(Stdio::null())
        .output()
        .expect("run serve");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started with a short secret: {out:?}");
    assert!(stderr.contains("VOUCH_TELEGRAM_WEBHOOK_SECRET is too short (14 characters)"), "{stderr}");
    assert!(stderr.contains("at least 32"), "{stderr}");
    assert!(!stderr.contains(short), "the secret was printed: {stderr}");
}

/// Updates per second end to end (getUpdates → durable engine call →
/// sendMessage), through the fake API on loopback. Run with
/// `cargo test --release --test telegram -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark"]
fn throughput_of_updates_through_the_fake_api() {
    const USERS: i64 = 500;
    const PER_USER: i64 = 8;
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let server = Server::start(tmp.path(), &fake);
    wait_for("polling", || !fake.calls("setMyCommands").is_empty());
    let total = USERS * PER_USER;
    let start = Instant::now();
    for round in 0..PER_USER {
        for user in 0..USERS {
            let id = 1 + round * USERS + user;
            fake.push(message(id, 10_000 + user, 10_000 + user, "Member", "/leaderboard"));
        }
    }
    wait_for("every reply", || fake.accepted("sendMessage") as i64 >= total);
    let elapsed = start.elapsed();
    println!(
        "telegram: {total} updates in {:.2}s = {:.0} updates/s (each committed, then answered)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    server.stop();
}

/// Telegram can deliver an update again after a crash (handled, not yet
/// confirmed), and hands over batches whose order is not the order people
/// typed in: every delivery has one effect, and a redeem that arrives before
/// its code exists is refused cleanly.
#[test]
fn redelivery_after_a_crash_and_reordered_updates_have_one_effect() {
    const CAT: i64 = 1003;
    const DAN: i64 = 1004;
    let tmp = tempfile::tempdir().expect("tempdir");
    let fake = FakeTelegram::start();
    let server = Server::start(tmp.path(), &fake);

    // Cat's redeem is delivered before any code exists (the code request it
    // depends on comes later): a clear refusal, nothing half-done.
    fake.push(message(300, CAT, CAT, "Cat", "/redeem K7M2-QX9P"));
    let refused = nth_text(&fake, CAT, 1);
    assert!(refused.contains("K7M2-QX9P") && !refused.starts_with("Welcome!"), "{refused}");
    fake.push(message(301, ANN, ANN, "Ann", "/code"));
    let code = find_code(&nth_text(&fake, ANN, 1));
    let redeem = message(302, DAN, DAN, "Dan", &format!("/redeem {code}"));
    fake.push(redeem.clone());
    assert!(nth_text(&fake, DAN, 1).starts_with("Welcome!"));
    wait_for("update 302 confirmed", || fake.confirmed() == 303);

    // A crash, then Telegram serves 300 and 302 again with a new update.
    drop(server);
    let server = Server::start(tmp.path(), &fake);
    fake.redeliver(message(300, CAT, CAT, "Cat", "/redeem K7M2-QX9P"));
    fake.redeliver(redeem);
    fake.push(message(303, DAN, DAN, "Dan", "/mine"));
    nth_text(&fake, DAN, 2);
    assert_eq!(fake.texts_to(CAT).len(), 1, "a redelivered update is answered once: {:?}", fake.texts_to(CAT));
    let welcomes = fake.texts_to(DAN).iter().filter(|t| t.starts_with("Welcome!")).count();
    assert_eq!(welcomes, 1, "{:?}", fake.texts_to(DAN));

    // One batch, out of order: Cat's second try (305) before Ann's /mine (304).
    fake.push(message(305, CAT, CAT, "Cat", &format!("/redeem {code}")));
    fake.push(message(304, ANN, ANN, "Ann", "/why"));
    assert!(nth_text(&fake, CAT, 2).starts_with("Welcome!"));
    wait_for("both confirmed", || fake.confirmed() == 306);
    nth_text(&fake, ANN, 3);
    server.stop();

    let referrals = vouch(tmp.path()).arg("referrals").output().expect("referrals");
    let referrals = String::from_utf8_lossy(&referrals.stdout);
    assert_eq!(referrals.matches("Ann → ").count(), 2, "Dan and Cat, once each: {referrals}");
    let doctor = vouch(tmp.path()).arg("doctor").output().expect("doctor");
    assert!(doctor.status.success(), "{}", String::from_utf8_lossy(&doctor.stdout));
}

/// An event invitation reaches members as a Telegram DM with RSVP buttons;
/// presses answer it, the waitlist moves up when someone declines, and the
/// promoted member confirms the held seat with its own button.
#[test]
fn event_invitations_are_answered_with_buttons_and_the_waitlist_moves_up() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let fake = FakeTelegram::start();
    let server = Server::start(dir, &fake);
    fake.push(message(1, ANN, ANN, "Ann", "/start"));
    fake.push(message(2, BOB, BOB, "Bob", "/start"));
    nth_text(&fake, ANN, 1);
    nth_text(&fake, BOB, 1);

    let start = (chrono::Utc::now() + chrono::Duration::days(10)).format("%Y-%m-%d 12:30").to_string();
    let cli = |args: &[&str]| stdout_ok(&vouch(dir).args(args).output().expect("vouch"));
    let created = cli(&[
        "event",
        "create",
        "--kind",
        "lunch",
        "--title",
        "Referral lunch",
        "--start",
        &start,
        "--tz",
        "Europe/Bucharest",
        "--capacity",
        "1",
    ]);
    let event = created.lines().last().expect("the id on the last line").trim().to_string();
    cli(&["event", "invite", &event, &format!("telegram:{ANN}"), &format!("telegram:{BOB}")]);

    let keyboard = |event: &str| {
        json!({"inline_keyboard": [[
            {"text": "Yes", "callback_data": format!("rsvp {event} yes")},
            {"text": "No", "callback_data": format!("rsvp {event} no")},
            {"text": "Maybe", "callback_data": format!("rsvp {event} maybe")},
        ]]})
    };
    for (who, n) in [(ANN, 2), (BOB, 2)] {
        let invite = nth_text(&fake, who, n);
        assert!(invite.contains("you're invited to <b>Referral lunch</b>"), "{invite}");
        let sent = fake.calls("sendMessage");
        let sent = sent.iter().find(|r| r.body["chat_id"] == who && r.body["text"] == invite.as_str());
        assert_eq!(sent.expect("the invitation").body["reply_markup"], keyboard(&event));
    }

    fake.push(button_press(3, "q-ann-yes", ANN, ANN, "Ann", &format!("rsvp {event} yes")));
    assert!(nth_text(&fake, ANN, 3).contains("You're in for <b>Referral lunch</b>"));
    fake.push(button_press(4, "q-bob-yes", BOB, BOB, "Bob", &format!("rsvp {event} yes")));
    assert!(nth_text(&fake, BOB, 3).contains("on the waitlist: number 1 in line"));

    // Ann can't come after all: Bob is offered her seat, with buttons.
    fake.push(button_press(5, "q-ann-no", ANN, ANN, "Ann", &format!("rsvp {event} no")));
    let offer = nth_text(&fake, BOB, 4);
    assert!(offer.contains("a seat opened up at <b>Referral lunch</b>"), "{offer}");
    let sent = fake.calls("sendMessage");
    let sent = sent.iter().find(|r| r.body["chat_id"] == BOB && r.body["text"] == offer.as_str()).expect("offer");
    assert_eq!(
        sent.body["reply_markup"],
        json!({"inline_keyboard": [
            [{"text": "Confirm my seat", "callback_data": format!("rsvp {event} yes")}],
            [{"text": "Pass it on", "callback_data": format!("rsvp {event} no")}],
        ]})
    );
    fake.push(button_press(6, "q-bob-confirm", BOB, BOB, "Bob", &format!("rsvp {event} yes")));
    assert!(nth_text(&fake, BOB, 5).contains("You're in for <b>Referral lunch</b>"));
    wait_for("every update handled", || fake.confirmed() == 7);

    let show = cli(&["event", "show", &event]);
    assert!(show.contains("Coming (1): Bob") && show.contains("Declined: Ann"), "{show}");
    server.stop();
}

/// A member introduces someone from chat: the prospect is asked by mail
/// first (reply keywords, List-Unsubscribe), answers with a plain threaded
/// "yes" piped to `vouch ingest`, and the champion hears it in Telegram.
#[test]
fn a_chat_introduction_asks_the_prospect_by_mail_and_tells_the_champion_in_chat() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let fake = FakeTelegram::start();
    let mail_env = [
        ("VOUCH_INBOX_ADDRESS", "vouch@acme.example"),
        ("VOUCH_MAIL_FROM", "Acme <vouch@acme.example>"),
        ("VOUCH_MAIL_AUTH", "off"),
    ];
    let server = Server::start_with(dir, &fake, &mail_env);
    fake.push(message(1, ANN, ANN, "Ann", "/refer Jane Doe (Northwind) jane@northwind.example met at SaaStr"));
    let thanks = nth_text(&fake, ANN, 1);
    assert!(thanks.contains("Thank you for introducing <b>Jane Doe</b> (jane@northwind.example)"), "{thanks}");
    assert!(thanks.contains("We've asked Jane Doe whether they'd like to be introduced"), "{thanks}");

    let mails_to_jane = || -> Vec<String> {
        let Ok(files) = std::fs::read_dir(dir.join("data/mail/new")) else { return Vec::new() };
        files
            .filter_map(|f| std::fs::read_to_string(f.ok()?.path()).ok())
            .filter(|m| m.contains("To: jane@northwind.example"))
            .collect()
    };
    wait_for("the consent request to Jane", || !mails_to_jane().is_empty());
    let request = mails_to_jane().remove(0);
    assert!(request.contains("would you like an introduction?"), "{request}");
    assert!(!request.contains("Subject: Ann"), "the champion's name stays out of the subject: {request}");
    assert!(request.contains("consent R1 yes") && request.contains("consent R1 no"), "{request}");
    assert!(request.contains("List-Unsubscribe: <mailto:vouch@acme.example?subject=consent%20R1%20no>"), "{request}");
    let id = request.lines().find_map(|l| l.strip_prefix("Message-ID: ")).expect("a Message-ID").trim();

    let reply = format!(
        "From: Jane Doe <jane@northwind.example>\r\nTo: vouch@acme.example\r\nSubject: Re: introduction\r\n\
         Message-ID: <jane-yes-1@northwind.example>\r\nIn-Reply-To: {id}\r\nReferences: {id}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nYes, happy to talk!\r\n\r\n> Would you like to be introduced?\r\n"
    );
    let mut ingest = binary::vouch_mail(dir);
    ingest.arg("ingest");
    let out = run_with_stdin(ingest, reply.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let told = nth_text(&fake, ANN, 2);
    assert!(told.contains("<b>Jane Doe</b> said yes to your introduction (R1)"), "{told}");
    let referrals = stdout_ok(&vouch(dir).arg("referrals").output().expect("referrals"));
    assert!(referrals.contains("R1 Ann → Jane Doe <jane@northwind.example> (Northwind)"), "{referrals}");
    assert!(referrals.contains("said yes"), "{referrals}");
    server.stop();
}

/// Public thanks, only for who agreed: Ann says `shoutout on`, her referral
/// wins, and the community group (`VOUCH_SHOUTOUT_TO`) gets the thank-you
/// by name, without the referred person's.
#[test]
fn a_champion_who_agreed_is_thanked_in_the_group_when_a_referral_wins() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let fake = FakeTelegram::start();
    let server = Server::start_with(dir, &fake, &[("VOUCH_SHOUTOUT_TO", &format!("telegram:{GROUP}"))]);
    fake.push(message(1, ANN, ANN, "Ann", "/shoutout on"));
    assert!(nth_text(&fake, ANN, 1).contains("we'll thank you by name in public"));
    fake.push(message(2, ANN, ANN, "Ann", "/code"));
    let code = find_code(&nth_text(&fake, ANN, 2));
    fake.push(message(3, BOB, BOB, "Bob", &format!("/redeem {code}")));
    nth_text(&fake, BOB, 1);
    let converted = stdout_ok(&vouch(dir).args(["convert", "R1", "1200"]).output().expect("convert"));
    assert!(converted.contains("R1"), "{converted}");
    let thanks = nth_text(&fake, GROUP, 1);
    assert!(thanks.starts_with("🎉 A big thank-you to <b>Ann</b>"), "{thanks}");
    assert!(!thanks.contains("Bob"), "the referred person is not named: {thanks}");
    server.stop();
}
