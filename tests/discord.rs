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

use discord_fake::{CHANNEL_ID, FakeDiscord, GUILD_ID, ORGANIZER_ROLE_ID, Request, TOKEN, member, press, slash};
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
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vouch"));
    for (key, _) in std::env::vars() {
        if key.starts_with("VOUCH_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd.arg("referrals").env("VOUCH_DATA_DIR", dir.join("data")).current_dir(dir).output().expect("vouch");
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

    // A button that is not ours is acknowledged and runs nothing.
    fake.dispatch("INTERACTION_CREATE", press(205, &bob, "someone-else:thing"));
    let ack =
        fake.wait_for("ack of a foreign button", DEADLINE, |f| callbacks(&f.requests(), 205).into_iter().next()).await;
    assert_eq!(ack["type"], 6, "a deferred update, nothing shown: {ack}");
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
    let addr = "127.0.0.1:1".parse().expect("addr");
    serde_json::from_value::<serenity::all::Ready>(discord_fake::ready(addr)).expect("ready");
    serde_json::from_value::<serenity::all::Guild>(discord_fake::guild()).expect("guild");
}
