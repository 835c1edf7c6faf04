#![recursion_limit = "256"]

//! End-to-end test of the Discord frontend: the real `vouch serve` binary
//! against a fake Discord (REST + gateway WebSocket) on loopback. Nothing
//! sleeps: waits are woken by the fake's traffic and bounded by a deadline.

#[path = "support/discord_fake.rs"]
mod discord_fake;

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use discord_fake::{
    CHANNEL_ID, FakeDiscord, GUILD_ID, ORGANIZER_ROLE_ID, Request, TOKEN, choose, member, press, slash,
};
use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_secs(30);
/// Accounts made in 2016: old enough to count.
const OLD: u64 = 1_450_000_000_000;

/// `vouch serve` with the Discord frontend pointed at the fake; its output
/// is collected so the test can show it and check the token never appears.
struct Serve {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Serve {
    fn start(dir: &Path, fake: &FakeDiscord) -> Self {
        Self::start_with(dir, fake, &[])
    }

    fn start_with(dir: &Path, fake: &FakeDiscord, env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vouch"));
        for (key, _) in std::env::vars() {
            if key.starts_with("VOUCH_") {
                cmd.env_remove(key);
            }
        }
        let mut child = cmd
            .args(["serve", "--poll-ms", "50"])
            .env("VOUCH_DATA_DIR", dir.join("data"))
            .env("VOUCH_DISCORD_TOKEN", TOKEN)
            .env("VOUCH_DISCORD_API_URL", fake.url())
            .env("VOUCH_DISCORD_GUILD_ID", GUILD_ID.to_string())
            .env("VOUCH_DISCORD_ORGANIZER_ROLE_ID", ORGANIZER_ROLE_ID.to_string())
            .env("VOUCH_DISCORD_INVITE_CHANNEL_ID", CHANNEL_ID.to_string())
            .envs(env.iter().copied())
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn vouch serve");
        let output = Arc::new(Mutex::new(String::new()));
        for mut stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    output.lock().expect("output").push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        Self { child, output }
    }

    fn output(&self) -> String {
        self.output.lock().expect("output").clone()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("vouch serve output:\n{}", self.output());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every interaction callback the bot sent for interaction `id`.
fn callbacks(requests: &[Request], id: u64) -> Vec<Value> {
    let path = format!("/interactions/{id}/tok{id}/callback");
    requests.iter().filter(|r| r.method == "POST" && r.path == path).map(|r| r.body.clone()).collect()
}

/// Direct messages: posts to any channel other than the guild's.
fn dms(requests: &[Request]) -> Vec<String> {
    let guild_channel = format!("/channels/{CHANNEL_ID}/messages");
    requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/channels/") && r.path.ends_with("/messages"))
        .filter(|r| r.path != guild_channel)
        .map(|r| r.body["content"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Sends a slash command and returns the bot's one answer's `data`.
async fn run(fake: &FakeDiscord, id: u64, who: &Value, name: &str, options: &[(&str, Value)]) -> Value {
    fake.dispatch("INTERACTION_CREATE", slash(id, who, name, options));
    let answer = fake
        .wait_for(&format!("answer to /{name} ({id})"), DEADLINE, |f| callbacks(&f.requests(), id).into_iter().next())
        .await;
    assert_eq!(answer["type"], 4, "an immediate message answer: {answer}");
    answer["data"].clone()
}

fn content(data: &Value) -> &str {
    data["content"].as_str().unwrap_or_default()
}

fn ephemeral(data: &Value) -> bool {
    data["flags"].as_u64().is_some_and(|f| f & 64 != 0)
}

fn find_code(text: &str) -> String {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-' && w.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| panic!("no code in:\n{text}"))
        .to_string()
}

/// The referrals list, from the admin CLI over the control socket.
fn referrals(dir: &Path) -> String {
    admin(dir, &["referrals"])
}

/// An admin CLI command, over the control socket of the running serve.
fn admin(dir: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vouch"));
    for (key, _) in std::env::vars() {
        if key.starts_with("VOUCH_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd.args(args).env("VOUCH_DATA_DIR", dir.join("data")).current_dir(dir).output().expect("vouch");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_members_refer_through_slash_commands_and_invites() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let serve = Serve::start(tmp.path(), &fake);

    // Slash commands come from the catalog, registered in the configured guild.
    let put = fake
        .wait_for("slash command registration", DEADLINE, |f| {
            f.requests().into_iter().find(|r| r.method == "PUT" && r.path.contains(&format!("/guilds/{GUILD_ID}/")))
        })
        .await;
    let commands = put.body.as_array().expect("command list");
    let redeem = commands.iter().find(|c| c["name"] == "redeem").expect("redeem registered");
    assert_eq!(redeem["options"][0]["name"], "code");
    assert_eq!(redeem["options"][0]["required"], true);
    for name in ["help", "code", "mine", "referrals", "convert", "report"] {
        assert!(commands.iter().any(|c| c["name"] == name), "{name} registered");
    }

    // A nickname trying markdown and a mass ping.
    let alice = member(snowflake(1), "alice", Some("**@everyone**"), &[]);
    let bob = member(snowflake(2), "bob", Some("Bob"), &[]);
    let carol = member(snowflake(3), "carol", Some("Carol"), &[ORGANIZER_ROLE_ID]);
    let dave = member(snowflake(4), "dave", Some("Dave"), &[]);

    let code_answer = run(&fake, 101, &alice, "code", &[]).await;
    assert!(ephemeral(&code_answer), "personal data is ephemeral: {code_answer}");
    let text = content(&code_answer);
    // Inside a code span the code is literal: no markdown escapes.
    let code = find_code(text);
    assert!(text.contains("https://discord.gg/inv"), "personal invite: {text}");
    assert_eq!(code_answer["allowed_mentions"]["parse"], json!([]), "{code_answer}");

    let own = run(&fake, 102, &alice, "redeem", &[("code", json!(code))]).await;
    assert!(content(&own).contains("can't refer yourself"), "{own}");
    assert!(ephemeral(&own), "refusals are ephemeral: {own}");

    let redeemed = run(&fake, 103, &bob, "redeem", &[("code", json!(code.to_lowercase()))]).await;
    let text = content(&redeemed);
    assert!(text.contains("\\*\\*@\u{200B}everyone\\*\\*"), "nickname escaped: {text:?}");
    assert!(!text.contains("@everyone"), "no live mass mention: {text:?}");
    assert_eq!(redeemed["allowed_mentions"]["parse"], json!([]), "{redeemed}");

    // Alice is told by DM, through the outbox.
    let dm = fake.wait_for("DM to alice", DEADLINE, |f| dms(&f.requests()).into_iter().next()).await;
    assert!(dm.contains("just joined") && dm.contains("Bob"), "{dm}");
    let opened = fake.requests().into_iter().find(|r| r.path == "/users/@me/channels").expect("DM channel opened");
    assert_eq!(opened.body["recipient_id"], snowflake(1).to_string());

    // The same interaction delivered twice has one effect and one answer.
    fake.dispatch("INTERACTION_CREATE", slash(103, &bob, "redeem", &[("code", json!(code))]));
    let refused = run(&fake, 104, &bob, "referrals", &[]).await;
    assert!(content(&refused).contains("is for organizers only"), "{refused}");
    assert_eq!(callbacks(&fake.requests(), 103).len(), 1, "a redelivered interaction is answered once");

    // The Discord organizer role makes Carol an organizer in vouch.
    let listed = run(&fake, 105, &carol, "referrals", &[]).await;
    assert!(content(&listed).contains("R1"), "{listed}");
    // Carol loses the Discord role: her next command finds her a member again.
    // Dave, appointed from the CLI, stays an organizer without the role.
    let carol_demoted = member(snowflake(3), "carol", Some("Carol"), &[]);
    let refused = run(&fake, 150, &carol_demoted, "referrals", &[]).await;
    assert!(content(&refused).contains("is for organizers only"), "{refused}");
    admin(tmp.path(), &["role", "grant", &format!("discord:{}", snowflake(4)), "organizer"]);
    let kept = run(&fake, 151, &dave, "referrals", &[]).await;
    assert!(content(&kept).contains("R1"), "{kept}");
    admin(tmp.path(), &["role", "revoke", &format!("discord:{}", snowflake(4)), "organizer"]);

    // Gateway drop; the fake replays the last dispatch on RESUME.
    run(&fake, 106, &dave, "redeem", &[("code", json!(code))]).await;
    fake.drop_connection(1);
    fake.wait_for("RESUME", DEADLINE, |f| (f.resumes() == 1).then_some(())).await;
    run(&fake, 107, &dave, "mine", &[]).await;
    assert_eq!(callbacks(&fake.requests(), 106).len(), 1, "replayed interaction answered once");
    assert_eq!(fake.identifies(), 1, "resumed, not re-identified");
    let list = referrals(tmp.path());
    assert_eq!(list.matches("→ Dave").count(), 1, "one referral for dave after replay:\n{list}");

    // Joins through alice's personal invite: an old account is credited to
    // her (and she is told); a brand-new one is recorded but held, untold.
    let invite: String = content(&code_answer)
        .split("discord.gg/")
        .nth(1)
        .expect("invite")
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let erin_id = discord_fake::snowflake_at(OLD, 5);
    fake.use_invite(&invite);
    fake.dispatch("GUILD_MEMBER_ADD", with_guild(member(erin_id, "erin", Some("Erin"), &[])));
    let dm =
        fake.wait_for("DM about erin", DEADLINE, |f| dms(&f.requests()).into_iter().find(|d| d.contains("Erin"))).await;
    assert!(dm.contains("personal invite"), "{dm}");
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis() as u64;
    let frank_id = discord_fake::snowflake_at(now_ms, 6);
    fake.use_invite(&invite);
    fake.dispatch("GUILD_MEMBER_ADD", with_guild(member(frank_id, "frank", Some("Frank"), &[])));
    let list = wait_referrals(&fake, tmp.path(), "→ Frank").await;
    assert!(list.contains("→ Erin"), "{list}");
    assert_eq!(list.matches("→ Erin").count(), 1, "{list}");
    assert!(dms(&fake.requests()).iter().all(|d| !d.contains("Frank")), "held joins send no thanks");

    let output = serve.output();
    assert!(!output.contains(TOKEN), "the token was printed:\n{output}");
    assert!(output.contains("discord bot running"), "{output}");
}

/// Presses a button and returns the bot's one answer's `data`.
async fn click(fake: &FakeDiscord, id: u64, who: &Value, custom_id: &str) -> Value {
    fake.dispatch("INTERACTION_CREATE", press(id, who, custom_id));
    let answer = fake
        .wait_for(&format!("answer to press {id}"), DEADLINE, |f| callbacks(&f.requests(), id).into_iter().next())
        .await;
    assert_eq!(answer["type"], 4, "acknowledged with the answer: {answer}");
    answer["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_run_their_command_as_the_presser_once() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let _serve = Serve::start(tmp.path(), &fake);
    let alice = member(snowflake(11), "alice", Some("Alice"), &[]);
    let bob = member(snowflake(12), "bob", Some("Bob"), &[]);
    connected(&fake).await;

    // An empty `mine` offers the next step as a button: custom_id is
    // `vouch:` + the command line.
    let mine = run(&fake, 201, &alice, "mine", &[]).await;
    assert!(content(&mine).contains("haven't referred anyone"), "{mine}");
    assert_eq!(
        mine["components"],
        json!([{ "type": 1, "components": [
            { "type": 2, "style": 1, "label": "Get my referral code", "custom_id": "vouch:code", "disabled": false }
        ]}])
    );

    // Pressing it runs `code` as Alice, answered privately (with her invite).
    let answer = click(&fake, 202, &alice, "vouch:code").await;
    assert!(ephemeral(&answer), "a press is answered to the presser only: {answer}");
    let code = find_code(content(&answer));
    assert!(content(&answer).contains("https://discord.gg/inv"), "{answer}");
    assert_eq!(answer["allowed_mentions"]["parse"], json!([]), "{answer}");

    // Bob presses a redeem button; the gateway delivers the press twice.
    let redeem = format!("vouch:redeem {code}");
    let welcome = click(&fake, 203, &bob, &redeem).await;
    assert!(content(&welcome).contains("Alice"), "{welcome}");
    fake.dispatch("INTERACTION_CREATE", press(203, &bob, &redeem));
    run(&fake, 204, &bob, "help", &[]).await;
    assert_eq!(callbacks(&fake.requests(), 203).len(), 1, "a redelivered press is answered once");
    let list = referrals(tmp.path());
    assert_eq!(list.matches("→ Bob").count(), 1, "one redemption:\n{list}");
    let dm = fake.wait_for("DM to alice", DEADLINE, |f| dms(&f.requests()).into_iter().next()).await;
    assert!(dm.contains("Bob"), "{dm}");
    assert_eq!(dms(&fake.requests()).len(), 1, "one notice");
    // The notice (an outbox DM) carries its button too.
    let notice = fake.requests().into_iter().find(|r| r.body["content"].as_str() == Some(dm.as_str())).expect("notice");
    assert_eq!(notice.body["components"][0]["components"][0]["custom_id"], "vouch:mine", "{:?}", notice.body);
    assert_eq!(notice.body["components"][0]["components"][0]["label"], "See my referrals");

    // A button that is not ours is acknowledged and runs nothing.
    fake.dispatch("INTERACTION_CREATE", press(205, &bob, "someone-else:thing"));
    let ack =
        fake.wait_for("ack of a foreign button", DEADLINE, |f| callbacks(&f.requests(), 205).into_iter().next()).await;
    assert_eq!(ack["type"], 6, "a deferred update, nothing shown: {ack}");
}

/// More choices than one row of buttons holds come as a select menu: the
/// events list offers each event's agenda; choosing one runs `agenda` as the
/// chooser, whose answer offers the RSVP buttons; a button answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_list_of_choices_is_a_select_menu() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let _serve = Serve::start(tmp.path(), &fake);
    let alice = member(snowflake(11), "alice", Some("Alice"), &[]);
    connected(&fake).await;
    let day = |d: i64| (chrono::Utc::now() + chrono::Duration::days(d)).format("%Y-%m-%d 12:30").to_string();
    for n in 1..=6 {
        let title = format!("Expert breakfast {n}");
        let start = day(n + 2);
        let args = ["event", "create", "--kind", "expert-club", "--title", &title, "--start", &start, "--tz", "UTC"];
        admin(tmp.path(), &args);
    }

    let list = run(&fake, 301, &alice, "events", &[]).await;
    let menu = &list["components"][0]["components"][0];
    assert_eq!(menu["type"], 3, "a string select: {list}");
    assert_eq!(menu["custom_id"], "vouch:select");
    let options = menu["options"].as_array().expect("options");
    assert_eq!(options.len(), 6, "{menu}");
    assert_eq!(options[2]["value"], "agenda E3", "{menu}");
    assert!(options[2]["label"].as_str().is_some_and(|l| l.starts_with("Expert breakfast 3 — ")), "{menu}");

    fake.dispatch("INTERACTION_CREATE", choose(302, &alice, "vouch:select", "agenda E3"));
    let agenda =
        fake.wait_for("answer to the choice", DEADLINE, |f| callbacks(&f.requests(), 302).into_iter().next()).await;
    let agenda = &agenda["data"];
    assert!(content(agenda).contains("Expert breakfast 3"), "{agenda}");
    assert!(ephemeral(agenda), "{agenda}");
    let buttons: Vec<&str> = agenda["components"][0]["components"]
        .as_array()
        .expect("RSVP buttons")
        .iter()
        .filter_map(|b| b["custom_id"].as_str())
        .collect();
    assert_eq!(buttons, ["vouch:rsvp E3 yes", "vouch:rsvp E3 no", "vouch:rsvp E3 maybe"]);
    let yes = click(&fake, 303, &alice, "vouch:rsvp E3 yes").await;
    assert!(content(&yes).contains("You're in for **Expert breakfast 3**"), "{yes}");
    let show = admin(tmp.path(), &["event", "show", "E3"]);
    assert!(show.contains("Coming (1): Alice"), "{show}");
}

/// Bodies of the bot's posts in the guild channel, in order.
fn channel_posts(requests: &[Request]) -> Vec<Value> {
    let path = format!("/channels/{CHANNEL_ID}/messages");
    requests.iter().filter(|r| r.method == "POST" && r.path == path).map(|r| r.body.clone()).collect()
}

/// Waits for the `n`th post in the guild channel and returns it.
async fn nth_post(fake: &FakeDiscord, n: usize) -> Value {
    fake.wait_for(&format!("channel post {n}"), DEADLINE, |f| channel_posts(&f.requests()).get(n - 1).cloned()).await
}

/// Waits for the `n`th DM (to anyone) and returns its text.
async fn nth_dm(fake: &FakeDiscord, n: usize) -> String {
    fake.wait_for(&format!("DM {n}"), DEADLINE, |f| dms(&f.requests()).get(n - 1).cloned()).await
}

/// The invites in the store (from an export through the running serve),
/// once `check` holds for their JSON.
async fn ledger(fake: &FakeDiscord, dir: &Path, what: &str, check: impl Fn(&str) -> bool) {
    fake.wait_for(what, DEADLINE, |_| {
        let export: Value = serde_json::from_str(&admin(dir, &["export"])).expect("export is JSON");
        check(&export["invites"].to_string()).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_in_messages_and_invites_made_by_hand() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    // The invite ledger file of an earlier version moves into the store.
    std::fs::create_dir_all(tmp.path().join("data")).expect("data dir");
    let legacy = json!({ "invites": { "legacy1": {
        "inviter": snowflake(22), "name": "Bob", "created_unix": 1_700_000_000, "max_age": 0 } } });
    std::fs::write(tmp.path().join("data/discord-invites.json"), legacy.to_string()).expect("legacy ledger");
    let _serve = Serve::start(tmp.path(), &fake);
    connected(&fake).await;
    ledger(&fake, tmp.path(), "legacy ledger imported", |t| {
        t.contains("\"legacy1\"") && t.contains(&format!("discord:{}", snowflake(22)))
    })
    .await;
    assert!(!tmp.path().join("data/discord-invites.json").exists(), "the old file is not read again");
    assert!(tmp.path().join("data/discord-invites.json.imported").exists(), "it is kept, renamed");
    let alice = member(snowflake(21), "alice", Some("Alice"), &[]);
    let bob = member(snowflake(22), "bob", Some("Bob"), &[]);
    let carol = member(snowflake(23), "carol", Some("Carol"), &[]);
    let dave = member(snowflake(24), "dave", Some("Dave"), &[]);
    let say = |id: u64, who: &Value, text: &str| {
        fake.dispatch("MESSAGE_CREATE", discord_fake::user_message(id, who, text, true));
    };

    // `!code` in a channel: the code by DM (with the personal invite), a
    // short note in the channel answering the message.
    say(301, &alice, "!code");
    let dm = nth_dm(&fake, 1).await;
    let code = find_code(&dm);
    assert!(dm.contains("https://discord.gg/inv"), "{dm}");
    let note = nth_post(&fake, 1).await;
    assert_eq!(note["content"], "Alice, I sent you a DM.");
    assert_eq!(note["message_reference"]["message_id"], "301", "{note}");
    assert_eq!(note["allowed_mentions"]["parse"], json!([]), "{note}");

    // A replayed MESSAGE_CREATE has no second effect; a mention of the bot
    // works like the prefix; public answers stay in the channel.
    say(301, &alice, "!code");
    let mention = format!("<@{}> redeem {code}", discord_fake::BOT_ID);
    say(302, &bob, &mention);
    let welcome = nth_post(&fake, 2).await;
    assert!(welcome["content"].as_str().is_some_and(|t| t.contains("Alice")), "{welcome}");
    assert_eq!(welcome["message_reference"]["message_id"], "302");

    // Not for us: other bots, webhooks, chatter, unknown `!words`.
    let mut from_bot = discord_fake::user_message(303, &bob, "!code", true);
    from_bot["author"]["bot"] = json!(true);
    fake.dispatch("MESSAGE_CREATE", from_bot);
    let mut from_webhook = discord_fake::user_message(304, &bob, "!code", true);
    from_webhook["webhook_id"] = json!("777");
    fake.dispatch("MESSAGE_CREATE", from_webhook);
    say(305, &bob, "!important news, everyone");
    say(306, &bob, "hello there");
    say(307, &carol, "!leaderboard");
    let board = nth_post(&fake, 3).await;
    assert!(board["content"].as_str().is_some_and(|t| t.contains("Alice")), "{board}");
    assert_eq!(board["message_reference"]["message_id"], "307");
    // Alice's DM (code) and her notice about Bob: nothing for 301's replay or 303-306.
    let notice = nth_dm(&fake, 2).await;
    assert!(notice.contains("Bob"), "{notice}");
    assert_eq!(dms(&fake.requests()).len(), 2, "{:?}", dms(&fake.requests()));
    assert_eq!(channel_posts(&fake.requests()).len(), 3);

    // In a DM no prefix is needed, and the answer stays there.
    fake.dispatch("MESSAGE_CREATE", discord_fake::user_message(308, &carol, "code", false));
    let carol_dm = format!("/channels/{}/messages", discord_fake::dm_channel_of(&carol["user"]));
    let answer = fake
        .wait_for("answer in Carol's DM", DEADLINE, |f| {
            f.requests().into_iter().find(|r| r.method == "POST" && r.path == carol_dm)
        })
        .await;
    assert!(answer.body["content"].as_str().is_some_and(|t| t.contains("Your referral code")), "{answer:?}");

    // Closed DMs: the note says how to get the answer.
    fake.close_dms(&dave["user"]);
    say(309, &dave, "!code");
    let closed = nth_post(&fake, 4).await;
    assert!(closed["content"].as_str().is_some_and(|t| t.starts_with("Dave, I can't send you a DM")), "{closed}");

    // An invite Bob makes by hand is his: a join through it is his referral.
    fake.add_invite("handmade");
    fake.dispatch("INVITE_CREATE", discord_fake::invite_created("handmade", &bob["user"]));
    ledger(&fake, tmp.path(), "hand-made invite recorded", |t| t.contains("handmade")).await;
    fake.use_invite("handmade");
    let erin = member(snowflake(25), "erin", Some("Erin"), &[]);
    fake.dispatch("GUILD_MEMBER_ADD", with_guild(erin));
    let list = wait_referrals(&fake, tmp.path(), "→ Erin").await;
    assert!(list.lines().any(|l| l.contains("Bob → Erin")), "{list}");

    // Alice's invite is deleted in the client: vouch forgets it and hands
    // her a new one next time.
    let old = dm.split("discord.gg/").nth(1).expect("invite").chars().take_while(char::is_ascii_alphanumeric);
    let old: String = old.collect();
    fake.remove_invite(&old);
    let deleted = json!({ "channel_id": CHANNEL_ID.to_string(), "guild_id": GUILD_ID.to_string(), "code": old });
    fake.dispatch("INVITE_DELETE", deleted);
    ledger(&fake, tmp.path(), "deleted invite forgotten", |t| !t.contains(&format!("\"{old}\""))).await;
    say(310, &alice, "!code");
    let again = nth_dm(&fake, 4).await;
    assert!(again.contains("https://discord.gg/inv") && !again.contains(&old), "a fresh invite: {again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_answers_are_split_on_line_breaks() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let _serve = Serve::start(tmp.path(), &fake);
    connected(&fake).await;
    let alice = member(snowflake(31), "alice", Some("Alice"), &[]);
    let carol = member(snowflake(32), "carol", Some("Carol"), &[ORGANIZER_ROLE_ID]);
    // 50 referrals (programs cap referrals per referrer, so five referrers)
    // of people with long names, with markdown to escape too.
    for referrer in 0..5u64 {
        let who = if referrer == 0 { alice.clone() } else { member(snowflake(40 + referrer), "r", Some("Ref"), &[]) };
        let code = find_code(content(&run(&fake, 300 + referrer, &who, "code", &[]).await));
        for n in referrer * 10..referrer * 10 + 10 {
            let nick = format!("Member_{n:02} with *quite* a long display name, of sixty c");
            let who = member(snowflake(100 + n), "m", Some(&nick), &[]);
            let answer = run(&fake, 401 + n, &who, "redeem", &[("code", json!(code))]).await;
            assert!(content(&answer).starts_with("Welcome"), "{answer}");
        }
    }

    // Asked in a channel: an organizer's listing names people, so it goes
    // by DM, in several messages, each within 2000 characters, no row cut.
    let before = channel_posts(&fake.requests()).len();
    let carol_dm = format!("/channels/{}/messages", discord_fake::dm_channel_of(&carol["user"]));
    fake.dispatch("MESSAGE_CREATE", discord_fake::user_message(500, &carol, "!referrals", true));
    let posts = fake
        .wait_for("the whole list", DEADLINE, |f| {
            let posts: Vec<String> = f
                .requests()
                .into_iter()
                .filter(|r| r.method == "POST" && r.path == carol_dm)
                .map(|r| r.body["content"].as_str().unwrap_or_default().to_string())
                .collect();
            posts.last().is_some_and(|p| p.contains("Next steps")).then_some(posts)
        })
        .await;
    assert!(posts.len() >= 3, "{} parts: {posts:?}", posts.len());
    check_rows(&posts);
    let in_channel: Vec<Value> = channel_posts(&fake.requests()).into_iter().skip(before).collect();
    assert!(in_channel.iter().all(|p| !p["content"].to_string().contains("Member_")), "{in_channel:?}");

    // As a slash command: the response, then ephemeral follow-ups.
    let first = run(&fake, 501, &carol, "referrals", &[]).await;
    let token_path = format!("/webhooks/{}/tok501", discord_fake::APP_ID);
    let followups = fake
        .wait_for("follow-ups", DEADLINE, |f| {
            let bodies: Vec<Value> =
                f.requests().into_iter().filter(|r| r.path == token_path).map(|r| r.body).collect();
            bodies.last().is_some_and(|b| content(b).contains("Next steps")).then_some(bodies)
        })
        .await;
    let mut parts = vec![content(&first).to_string()];
    parts.extend(followups.iter().map(|b| content(b).to_string()));
    assert_eq!(parts.len(), posts.len(), "the same split either way");
    check_rows(&parts);
}

/// Every part fits; the 50 rows are there once each, every one whole.
fn check_rows(parts: &[String]) {
    for part in parts {
        assert!(part.chars().count() <= 2000, "{} characters", part.chars().count());
    }
    let rows: Vec<&str> = parts
        .iter()
        .flat_map(|p| p.lines())
        .filter(|l| l.starts_with('R') && l[1..].starts_with(char::is_numeric))
        .collect();
    assert_eq!(rows.len(), 50, "{rows:?}");
    for row in rows {
        assert!(row.contains(" → Member\\_") && row.ends_with(char::is_numeric), "cut row: {row:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_privileged_intents_are_explained() {
    let fake = FakeDiscord::start().await;
    fake.refuse_intents();
    let tmp = tempfile::tempdir().expect("tempdir");
    let serve = Serve::start(tmp.path(), &fake);
    let hint = "enable Server Members Intent and Message Content Intent";
    fake.wait_for("the explanation", DEADLINE, |_| serve.output().contains(hint).then_some(())).await;
    assert!(serve.output().contains("VOUCH_DISCORD_PREFIX=off"), "{}", serve.output());
}

/// Waits until the bot is connected (it registers its commands on READY).
async fn connected(fake: &FakeDiscord) {
    fake.wait_for("slash command registration", DEADLINE, |f| {
        f.requests().into_iter().find(|r| r.method == "PUT" && r.path.ends_with("/commands")).map(|_| ())
    })
    .await;
}

fn with_guild(mut member: Value) -> Value {
    member["guild_id"] = json!(GUILD_ID.to_string());
    member
}

/// User ids for the test's members (any distinct snowflakes will do).
fn snowflake(n: u64) -> u64 {
    discord_fake::snowflake_at(OLD, n)
}

/// Waits for a referral line to show up in the admin list. Each poll asks
/// the running process over its socket; the fake's traffic paces the loop.
async fn wait_referrals(fake: &FakeDiscord, dir: &Path, needle: &str) -> String {
    let dir = dir.to_path_buf();
    fake.wait_for(&format!("referral {needle}"), DEADLINE, |_| {
        let list = referrals(&dir);
        list.contains(needle).then_some(list)
    })
    .await
}

/// The fake's payloads must be what serenity accepts from the real Discord.
#[test]
fn payloads_parse() {
    use serenity::all::{GuildMemberAddEvent, Interaction, PrivateChannel, RichInvite};
    let who = member(snowflake(1), "alice", Some("A"), &[ORGANIZER_ROLE_ID]);
    let interaction: Interaction =
        serde_json::from_value(slash(1, &who, "redeem", &[("code", json!("X"))])).expect("interaction");
    assert!(matches!(interaction, Interaction::Command(_)));
    let pressed: Interaction = serde_json::from_value(discord_fake::press(2, &who, "vouch:code")).expect("press");
    assert!(matches!(pressed, Interaction::Component(ref c) if c.data.custom_id == "vouch:code"), "{pressed:?}");
    serde_json::from_value::<RichInvite>(discord_fake::invite("abc", 2)).expect("invite");
    serde_json::from_value::<PrivateChannel>(discord_fake::dm_channel(5, &discord_fake::user(6, "x"))).expect("dm");
    serde_json::from_value::<serenity::all::Message>(discord_fake::message(7, "5", "hi")).expect("message");
    serde_json::from_value::<GuildMemberAddEvent>(with_guild(member(8, "y", None, &[]))).expect("member add");
    let said: serenity::all::Message =
        serde_json::from_value(discord_fake::user_message(9, &who, "!code", true)).expect("guild message");
    assert!(said.member.is_some_and(|m| m.nick.as_deref() == Some("A")) && said.guild_id.is_some());
    serde_json::from_value::<serenity::all::Message>(discord_fake::user_message(10, &who, "code", false)).expect("dm");
    let made = discord_fake::invite_created("abc", &discord_fake::user(6, "x"));
    serde_json::from_value::<serenity::all::InviteCreateEvent>(made).expect("invite create");
    let gone = json!({ "channel_id": "1", "guild_id": "2", "code": "abc" });
    serde_json::from_value::<serenity::all::InviteDeleteEvent>(gone).expect("invite delete");
    let addr = "127.0.0.1:1".parse().expect("addr");
    serde_json::from_value::<serenity::all::Ready>(discord_fake::ready(addr)).expect("ready");
    serde_json::from_value::<serenity::all::Guild>(discord_fake::guild()).expect("guild");
}

/// An interaction delivered again after a crash has no second effect and no
/// second answer; a redeem that arrives before its code exists is refused
/// cleanly, and stays refused when delivered again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_or_early_interaction_has_one_effect_across_a_restart() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let serve = Serve::start(tmp.path(), &fake);
    let alice = member(snowflake(1), "alice", Some("Alice"), &[]);
    let bob = member(snowflake(2), "bob", Some("Bob"), &[]);
    let eve = member(snowflake(5), "eve", Some("Eve"), &[]);
    let registered = |n: usize| {
        move |f: &FakeDiscord| {
            (f.requests().iter().filter(|r| r.method == "PUT" && r.path.contains("/commands")).count() >= n)
                .then_some(())
        }
    };
    fake.wait_for("slash command registration", DEADLINE, registered(1)).await;

    let early = run(&fake, 301, &eve, "redeem", &[("code", json!("K7M2-QX9P"))]).await;
    assert!(content(&early).contains("couldn't find the code") && ephemeral(&early), "{early}");
    let code = find_code(content(&run(&fake, 302, &alice, "code", &[]).await));
    let welcome = run(&fake, 303, &bob, "redeem", &[("code", json!(code))]).await;
    assert!(content(&welcome).contains("Welcome!"), "{welcome}");

    // SIGKILL, restart, and the gateway hands both interactions over again.
    drop(serve);
    let serve = Serve::start(tmp.path(), &fake);
    fake.wait_for("the restarted bot's registration", DEADLINE, registered(2)).await;
    fake.dispatch("INTERACTION_CREATE", slash(301, &eve, "redeem", &[("code", json!("K7M2-QX9P"))]));
    fake.dispatch("INTERACTION_CREATE", slash(303, &bob, "redeem", &[("code", json!(code))]));
    let mine = run(&fake, 304, &bob, "mine", &[]).await;
    assert!(content(&mine).contains("haven't referred anyone"), "{mine}");
    let requests = fake.requests();
    assert_eq!((callbacks(&requests, 301).len(), callbacks(&requests, 303).len()), (1, 1), "answered once each");
    let list = referrals(tmp.path());
    assert_eq!(list.matches("→ Bob").count(), 1, "{list}");
    assert!(!list.contains("→ Eve"), "{list}");
    drop(serve);
}

/// An answer slower than `VOUCH_DISCORD_DEFER_MS` (0 here: every answer) is
/// acknowledged first, as "thinking…" (ephemeral for personal data), and
/// edited in when the engine is done: one callback per interaction, and
/// the answer in the original-message edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_is_deferred_then_edited_in() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let _serve = Serve::start_with(tmp.path(), &fake, &[("VOUCH_DISCORD_DEFER_MS", "0")]);
    connected(&fake).await;
    let alice = member(snowflake(71), "alice", Some("Alice"), &[]);
    let edited = |id: u64| {
        let path = format!("/webhooks/{}/tok{id}/messages/@original", discord_fake::APP_ID);
        move |f: &FakeDiscord| f.requests().into_iter().find(|r| r.method == "PATCH" && r.path == path).map(|r| r.body)
    };
    for (id, name, private, expected) in
        [(701, "code", true, "Your referral code for **customer**"), (702, "help", false, "Hi Alice!")]
    {
        fake.dispatch("INTERACTION_CREATE", slash(id, &alice, name, &[]));
        let edit = fake.wait_for(&format!("the edited answer to /{name}"), DEADLINE, edited(id)).await;
        assert!(content(&edit).contains(expected), "{edit}");
        let acks = callbacks(&fake.requests(), id);
        assert_eq!(acks.len(), 1, "one callback per interaction: {acks:?}");
        assert_eq!(acks[0]["type"], 5, "deferred (\"thinking…\"): {}", acks[0]);
        assert_eq!(ephemeral(&acks[0]["data"]), private, "{}", acks[0]);
    }
}

/// Public thanks on Discord: `VOUCH_SHOUTOUT_TO=discord:#CHANNEL` posts the
/// thank-you in the server channel for a member who said `shoutout on`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_champion_who_agreed_is_thanked_in_the_server_channel() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let to = format!("discord:#{CHANNEL_ID}");
    let _serve = Serve::start_with(tmp.path(), &fake, &[("VOUCH_SHOUTOUT_TO", &to)]);
    connected(&fake).await;
    let alice = member(snowflake(81), "alice", Some("Alice"), &[]);
    let bob = member(snowflake(82), "bob", Some("Bob"), &[]);
    let agreed = run(&fake, 801, &alice, "shoutout", &[("answer", json!("on"))]).await;
    assert!(content(&agreed).contains("we'll thank you by name in public"), "{agreed}");
    let code = find_code(content(&run(&fake, 802, &alice, "code", &[]).await));
    run(&fake, 803, &bob, "redeem", &[("code", json!(code))]).await;
    admin(tmp.path(), &["convert", "R1", "1200"]);
    let post = fake
        .wait_for("the thank-you in the channel", DEADLINE, |f| {
            channel_posts(&f.requests()).into_iter().find(|p| content(p).contains("A big thank-you"))
        })
        .await;
    assert!(content(&post).starts_with("🎉 A big thank-you to **Alice**"), "{post}");
    assert!(!content(&post).contains("Bob"), "the referred person is not named: {post}");

    // And privately, in the organizer's own words: `/thank` sends Alice a DM.
    let carol = member(snowflake(83), "carol", Some("Carol"), &[ORGANIZER_ROLE_ID]);
    let options = [("referral", json!("R1")), ("message", json!("Bob *loves* it here, thank you!"))];
    let sent = run(&fake, 804, &carol, "thank", &options).await;
    assert!(content(&sent).contains("Sent your thank-you to **Alice** (R1)"), "{sent}");
    let note = fake
        .wait_for("the note to Alice", DEADLINE, |f| dms(&f.requests()).into_iter().find(|d| d.contains("A note from")))
        .await;
    assert!(note.starts_with("A note from **Carol** at"), "{note}");
    assert!(note.contains("Bob \\*loves\\* it here, thank you!"), "markdown in the note is escaped: {note}");
}

/// A member whose Discord client runs in Romanian is answered in Romanian
/// without choosing: the interaction's `locale` is the hint. Slash commands
/// carry Romanian and Russian descriptions; Discord has no Arabic locale, so
/// Arabic speakers get Arabic answers through `language ar`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discord_user_with_locale_ro_is_answered_in_romanian_without_choosing() {
    let fake = FakeDiscord::start().await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let _serve = Serve::start(tmp.path(), &fake);
    let put = fake
        .wait_for("slash command registration", DEADLINE, |f| {
            f.requests().into_iter().find(|r| r.method == "PUT" && r.path.contains(&format!("/guilds/{GUILD_ID}/")))
        })
        .await;
    let commands = put.body.as_array().expect("command list");
    let code = commands.iter().find(|c| c["name"] == "code").expect("code registered");
    let described = &code["description_localizations"];
    assert_eq!(described["ro"], "Codul tău personal de recomandare și textul de trimis prietenilor", "{code}");
    assert!(described["ru"].as_str().is_some_and(|d| d.contains("реферальный код")), "{code}");
    assert!(described.get("ar").is_none(), "Discord has no Arabic locale: {code}");
    for c in commands {
        let text = c["description_localizations"]["ro"].as_str().unwrap_or_default();
        assert!(!text.is_empty() && text.chars().count() <= 100, "a Romanian description within Discord's limit: {c}");
    }

    let ana = member(snowflake(7), "ana", Some("Ana"), &[]);
    let alice = member(snowflake(8), "alice", Some("Alice"), &[]);
    let ask = |id: u64, who: &Value, name: &str, locale: &str| {
        let mut interaction = slash(id, who, name, &[]);
        interaction["locale"] = json!(locale);
        fake.dispatch("INTERACTION_CREATE", interaction);
    };
    async fn answer(fake: &FakeDiscord, id: u64) -> Value {
        let what = format!("answer to {id}");
        fake.wait_for(&what, DEADLINE, |f| callbacks(&f.requests(), id).into_iter().next()).await
    }
    ask(301, &ana, "code", "ro");
    let romanian = answer(&fake, 301).await;
    let text = content(&romanian["data"]);
    assert!(text.contains("Codul tău de recomandare"), "{text}");
    assert!(text.contains("Trimite-l mai departe"), "{text}");
    ask(302, &ana, "help", "ro");
    let help = answer(&fake, 302).await;
    assert!(content(&help["data"]).contains("Iată ce pot face"), "{help}");
    // Someone else in the same server keeps their own language.
    ask(303, &alice, "code", "en-US");
    let english = answer(&fake, 303).await;
    assert!(content(&english["data"]).contains("Your referral code"), "{english}");
}
