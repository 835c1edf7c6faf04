//! A fake Discord on loopback: the REST API under `/api/v10` (recording
//! every call) and a gateway WebSocket speaking HELLO → IDENTIFY → READY +
//! GUILD_CREATE → dispatches, heartbeat ACKs and RESUME with replay. Its
//! payloads are checked against serenity's own models in `payloads_parse`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const GUILD_ID: u64 = 900_000_000_000_000_002;
pub const CHANNEL_ID: u64 = 900_000_000_000_000_003;
pub const ORGANIZER_ROLE_ID: u64 = 900_000_000_000_000_004;
pub const BOT_ID: u64 = 900_000_000_000_000_005;
pub const TOKEN: &str = "fake-discord-token.never-printed";

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path under `/api/v10`, e.g. `/interactions/1/tok/callback`.
    pub path: String,
    pub body: Value,
}

#[derive(Default)]
struct St {
    requests: Vec<Request>,
    /// The live gateway connection, if any.
    conn: Option<mpsc::UnboundedSender<Message>>,
    seq: u64,
    /// Every dispatch sent, for replay on RESUME.
    history: Vec<(u64, Value)>,
    /// RESUME replays from this many dispatches before the client's seq:
    /// an at-least-once gateway the bot must dedupe.
    replay_extra: u64,
    identifies: usize,
    resumes: usize,
    heartbeats: usize,
    invites: BTreeMap<String, u64>,
    next_id: u64,
    /// Users whose DMs are closed: sending to their DM channel is refused.
    closed_dms: Vec<u64>,
    /// IDENTIFY is answered with close code 4014 (privileged intents not enabled).
    refuse_intents: bool,
}

struct Shared {
    st: Mutex<St>,
    changed: Notify,
    addr: SocketAddr,
}

pub struct FakeDiscord {
    shared: Arc<Shared>,
}

fn snowflake(id: u64) -> String {
    id.to_string()
}

/// A snowflake minted at `unix_ms` (Discord ids carry their creation time).
pub fn snowflake_at(unix_ms: u64, n: u64) -> u64 {
    ((unix_ms - 1_420_070_400_000) << 22) | (n & 0x3f_ffff)
}

pub fn user(id: u64, name: &str) -> Value {
    json!({ "id": snowflake(id), "username": name, "discriminator": "0", "global_name": name, "avatar": null, "bot": false })
}

pub fn member(id: u64, name: &str, nick: Option<&str>, roles: &[u64]) -> Value {
    json!({
        "user": user(id, name), "nick": nick, "avatar": null,
        "roles": roles.iter().map(|r| snowflake(*r)).collect::<Vec<_>>(),
        "joined_at": "2024-01-01T00:00:00.000000+00:00", "premium_since": null,
        "deaf": false, "mute": false, "flags": 0, "pending": false,
        "permissions": "2147483647", "communication_disabled_until": null,
    })
}

/// A slash command interaction as Discord sends it in INTERACTION_CREATE.
pub fn slash(id: u64, who: &Value, name: &str, options: &[(&str, Value)]) -> Value {
    let options: Vec<Value> =
        options.iter().map(|(n, v)| json!({ "name": n, "type": if v.is_i64() { 4 } else { 3 }, "value": v })).collect();
    json!({
        "id": snowflake(id), "application_id": snowflake(APP_ID), "type": 2,
        "data": { "id": "800", "name": name, "type": 1, "options": options, "guild_id": snowflake(GUILD_ID) },
        "guild_id": snowflake(GUILD_ID), "channel_id": snowflake(CHANNEL_ID),
        "channel": { "id": snowflake(CHANNEL_ID), "type": 0, "name": "general" },
        "member": who, "token": format!("tok{id}"), "version": 1,
        "app_permissions": "2147483647", "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": { "0": snowflake(GUILD_ID) },
        "context": 0, "attachment_size_limit": 10_485_760,
    })
}

/// A button press (INTERACTION_CREATE type 3) on a message of the bot's
/// in the guild channel; `who` is a guild member.
pub fn press(id: u64, who: &Value, custom_id: &str) -> Value {
    let mut with_buttons = message(id + 1, &snowflake(CHANNEL_ID), "an earlier answer");
    with_buttons["components"] = json!([{ "type": 1, "components": [
        { "type": 2, "style": 1, "label": "A choice", "custom_id": custom_id }
    ]}]);
    json!({
        "id": snowflake(id), "application_id": snowflake(APP_ID), "type": 3,
        "data": { "custom_id": custom_id, "component_type": 2 },
        "guild_id": snowflake(GUILD_ID), "channel_id": snowflake(CHANNEL_ID),
        "channel": { "id": snowflake(CHANNEL_ID), "type": 0, "name": "general" },
        "member": who, "message": with_buttons, "token": format!("tok{id}"), "version": 1,
        "app_permissions": "2147483647", "locale": "en-US", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": { "0": snowflake(GUILD_ID) },
        "context": 0, "attachment_size_limit": 10_485_760,
    })
}

/// A choice in one of the bot's select menus (INTERACTION_CREATE type 3,
/// component type 3 = string select) with the chosen option's value.
pub fn choose(id: u64, who: &Value, custom_id: &str, value: &str) -> Value {
    let mut chosen = press(id, who, custom_id);
    chosen["message"]["components"] = json!([{ "type": 1, "components": [
        { "type": 3, "custom_id": custom_id, "options": [{ "label": "A choice", "value": value }] }
    ]}]);
    chosen["data"] = json!({ "custom_id": custom_id, "component_type": 3, "values": [value] });
    chosen
}

pub fn guild() -> Value {
    json!({
        "id": snowflake(GUILD_ID), "name": "Test Guild", "icon": null, "icon_hash": null, "splash": null,
        "discovery_splash": null, "owner_id": "1", "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [{
            "id": snowflake(ORGANIZER_ROLE_ID), "name": "Organizers", "color": 0,
            "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
            "hoist": false, "icon": null, "unicode_emoji": null, "position": 1, "permissions": "0",
            "managed": false, "mentionable": false, "flags": 0,
        }],
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null, "system_channel_id": null,
        "system_channel_flags": 0, "rules_channel_id": null, "max_presences": null, "max_members": 1000,
        "vanity_url_code": null, "description": null, "banner": null, "premium_tier": 0,
        "premium_subscription_count": 0, "preferred_locale": "en-US", "public_updates_channel_id": null,
        "max_video_channel_users": 25, "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false,
        "joined_at": "2024-01-01T00:00:00.000000+00:00", "large": false, "unavailable": false,
        "member_count": 1, "voice_states": [], "members": [], "channels": [], "threads": [], "presences": [],
        "stage_instances": [], "guild_scheduled_events": [], "safety_alerts_channel_id": null,
    })
}

pub fn ready(addr: SocketAddr) -> Value {
    json!({
        "v": 10, "user": { "id": snowflake(BOT_ID), "username": "vouch", "discriminator": "0", "avatar": null,
            "bot": true, "verified": true, "mfa_enabled": false, "flags": 0 },
        "guilds": [{ "id": snowflake(GUILD_ID), "unavailable": true }],
        "session_id": "fake-session", "resume_gateway_url": format!("ws://{addr}"),
        "shard": [0, 1], "application": { "id": snowflake(APP_ID), "flags": 0 },
    })
}

pub fn invite(code: &str, uses: u64) -> Value {
    json!({
        "code": code, "channel": { "id": snowflake(CHANNEL_ID), "name": "general", "type": 0 },
        "created_at": "2024-01-01T00:00:00.000000+00:00", "max_age": 604800, "max_uses": 0,
        "temporary": false, "uses": uses, "inviter": user(BOT_ID, "vouch"),
    })
}

pub fn message(id: u64, channel: &str, content: &str) -> Value {
    json!({
        "id": snowflake(id), "channel_id": channel, "author": user(BOT_ID, "vouch"), "content": content,
        "timestamp": "2024-01-01T00:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": false, "type": 0, "flags": 0,
    })
}

/// A member's message as MESSAGE_CREATE carries it: in the guild channel
/// (with `guild_id` and the partial `member`), or in a DM channel.
pub fn user_message(id: u64, who: &Value, content: &str, in_guild: bool) -> Value {
    let mut m = message(id, &snowflake(CHANNEL_ID), content);
    m["author"] = who["user"].clone();
    m["mentions"] = json!([]);
    if in_guild {
        m["guild_id"] = json!(snowflake(GUILD_ID));
        let mut partial = who.clone();
        if let Some(p) = partial.as_object_mut() {
            p.remove("user");
        }
        m["member"] = partial;
    } else {
        m["channel_id"] = json!(snowflake(dm_channel_of(&who["user"])));
    }
    m
}

/// The DM channel id the fake gives a user (stable per user).
pub fn dm_channel_of(user: &Value) -> u64 {
    user["id"].as_str().and_then(|id| id.parse::<u64>().ok()).unwrap_or(1) % 1_000_000 + 500_000_000
}

/// INVITE_CREATE for an invite someone made by hand in the client.
pub fn invite_created(code: &str, inviter: &Value) -> Value {
    json!({
        "channel_id": snowflake(CHANNEL_ID), "code": code, "created_at": "2024-01-01T00:00:00.000000+00:00",
        "guild_id": snowflake(GUILD_ID), "inviter": inviter, "max_age": 0, "max_uses": 0,
        "temporary": false, "uses": 0,
    })
}

pub fn dm_channel(id: u64, recipient: &Value) -> Value {
    json!({ "id": snowflake(id), "type": 1, "last_message_id": null, "recipients": [recipient] })
}

fn registered(body: &Value) -> Value {
    let list = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        list.into_iter()
            .enumerate()
            .map(|(i, mut c)| {
                let extra = json!({ "id": (700 + i).to_string(), "application_id": snowflake(APP_ID),
                    "version": "1", "type": 1, "default_member_permissions": null, "nsfw": false });
                if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
                    c.extend(extra.clone());
                }
                c
            })
            .collect(),
    )
}

impl FakeDiscord {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind fake discord");
        let addr = listener.local_addr().expect("local addr");
        let shared =
            Arc::new(Shared { st: Mutex::new(St { next_id: 10_000, ..St::default() }), changed: Notify::new(), addr });
        let app =
            axum::Router::new().route("/", axum::routing::get(gateway)).fallback(rest).with_state(Arc::clone(&shared));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("fake discord serves") });
        Self { shared }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    fn st(&self) -> MutexGuard<'_, St> {
        self.shared.st.lock().expect("fake state")
    }

    pub fn requests(&self) -> Vec<Request> {
        self.st().requests.clone()
    }

    pub fn identifies(&self) -> usize {
        self.st().identifies
    }

    pub fn resumes(&self) -> usize {
        self.st().resumes
    }

    /// Sends a dispatch on the live connection (sequence numbered, kept for replay).
    pub fn dispatch(&self, t: &str, d: Value) {
        dispatch_locked(&mut self.st(), t, d);
    }

    /// Someone joined through `code`: Discord bumps its use count.
    pub fn use_invite(&self, code: &str) {
        *self.st().invites.entry(code.to_string()).or_insert(0) += 1;
    }

    /// An invite made (and announced) outside vouch.
    pub fn add_invite(&self, code: &str) {
        self.st().invites.insert(code.to_string(), 0);
    }

    /// An invite deleted in the client: gone from the list.
    pub fn remove_invite(&self, code: &str) {
        self.st().invites.remove(code);
    }

    /// Refuse IDENTIFY as Discord does when a privileged intent is not
    /// enabled for the application.
    pub fn refuse_intents(&self) {
        self.st().refuse_intents = true;
    }

    /// `user` allows no DMs from server members.
    pub fn close_dms(&self, user: &Value) {
        self.st().closed_dms.push(dm_channel_of(user));
    }

    /// Closes the gateway connection uncleanly; on RESUME the fake replays
    /// `replay_extra` dispatches the client had already seen.
    pub fn drop_connection(&self, replay_extra: u64) {
        let mut st = self.st();
        st.replay_extra = replay_extra;
        if let Some(conn) = st.conn.take() {
            let _ = conn.send(Message::Close(Some(CloseFrame { code: 4000, reason: "fake drop".into() })));
        }
    }

    /// Waits until `check` finds what it wants, or panics after the
    /// deadline. Woken by every request and gateway event, and at least
    /// every 50 ms for conditions outside the fake (the store).
    pub async fn wait_for<T>(&self, what: &str, deadline: Duration, mut check: impl FnMut(&Self) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            let changed = self.shared.changed.notified();
            if let Some(found) = check(self) {
                return found;
            }
            let Some(left) = deadline.checked_sub(start.elapsed()) else {
                let seen: Vec<String> = self.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
                panic!("timed out waiting for {what}; REST calls so far:\n{}", seen.join("\n"));
            };
            let _ = tokio::time::timeout(left.min(Duration::from_millis(50)), changed).await;
        }
    }
}

fn dispatch_locked(st: &mut St, t: &str, d: Value) {
    st.seq += 1;
    let frame = json!({ "op": 0, "t": t, "s": st.seq, "d": d });
    st.history.push((st.seq, frame.clone()));
    if let Some(conn) = &st.conn {
        let _ = conn.send(Message::Text(frame.to_string().into()));
    }
}

async fn gateway(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| connection(shared, socket))
}

async fn connection(shared: Arc<Shared>, mut socket: WebSocket) {
    let (out, mut outgoing) = mpsc::unbounded_channel::<Message>();
    shared.st.lock().expect("fake state").conn = Some(out.clone());
    let hello = json!({ "op": 10, "d": { "heartbeat_interval": 45_000 } });
    let _ = out.send(Message::Text(hello.to_string().into()));
    loop {
        tokio::select! {
            next = outgoing.recv() => {
                let Some(msg) = next else { break };
                let closing = matches!(msg, Message::Close(_));
                if socket.send(msg).await.is_err() || closing {
                    break;
                }
            }
            incoming = socket.recv() => {
                let Some(Ok(Message::Text(text))) = incoming else { break };
                let Ok(frame) = serde_json::from_str::<Value>(text.as_str()) else { continue };
                on_frame(&shared, &out, &frame);
            }
        }
    }
    shared.changed.notify_waiters();
}

fn on_frame(shared: &Shared, out: &mpsc::UnboundedSender<Message>, frame: &Value) {
    let mut st = shared.st.lock().expect("fake state");
    match frame["op"].as_u64() {
        Some(1) => {
            st.heartbeats += 1;
            let _ = out.send(Message::Text(json!({ "op": 11 }).to_string().into()));
        }
        Some(2) if st.refuse_intents => {
            st.identifies += 1;
            let _ = out.send(Message::Close(Some(CloseFrame { code: 4014, reason: "Disallowed intent(s).".into() })));
        }
        Some(2) => {
            st.identifies += 1;
            dispatch_locked(&mut st, "READY", ready(shared.addr));
            dispatch_locked(&mut st, "GUILD_CREATE", guild());
        }
        Some(6) => {
            st.resumes += 1;
            let from = frame["d"]["seq"].as_u64().unwrap_or(0).saturating_sub(st.replay_extra);
            let replay: Vec<Value> = st.history.iter().filter(|(s, _)| *s > from).map(|(_, f)| f.clone()).collect();
            for f in replay {
                let _ = out.send(Message::Text(f.to_string().into()));
            }
            dispatch_locked(&mut st, "RESUMED", json!({}));
        }
        _ => {}
    }
    drop(st);
    shared.changed.notify_waiters();
}

async fn rest(State(shared): State<Arc<Shared>>, method: Method, uri: Uri, body: Bytes) -> Response {
    let path = uri.path().strip_prefix("/api/v10").unwrap_or(uri.path()).to_string();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (status, answer) = {
        let mut st = shared.st.lock().expect("fake state");
        st.requests.push(Request { method: method.to_string(), path: path.clone(), body: body.clone() });
        st.next_id += 1;
        let id = st.next_id;
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let gateway_url = format!("ws://{}", shared.addr);
        match (method.as_str(), parts.as_slice()) {
            ("GET", ["gateway"]) => (StatusCode::OK, json!({ "url": gateway_url })),
            ("GET", ["gateway", "bot"]) => (
                StatusCode::OK,
                json!({ "url": gateway_url, "shards": 1,
                "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 } }),
            ),
            ("GET", ["users", "@me"]) => (StatusCode::OK, ready(shared.addr)["user"].clone()),
            ("PUT", ["applications", _, "guilds", _, "commands"] | ["applications", _, "commands"]) => {
                (StatusCode::OK, registered(&body))
            }
            ("POST", ["interactions", _, _, "callback"]) => (StatusCode::NO_CONTENT, Value::Null),
            ("POST", ["users", "@me", "channels"]) => {
                let recipient = body["recipient_id"].as_str().unwrap_or("1").parse().unwrap_or(1);
                let who = user(recipient, "someone");
                (StatusCode::OK, dm_channel(dm_channel_of(&who), &who))
            }
            ("POST", ["channels", channel, "messages"])
                if channel.parse::<u64>().is_ok_and(|c| st.closed_dms.contains(&c)) =>
            {
                (StatusCode::FORBIDDEN, json!({ "message": "Cannot send messages to this user", "code": 50007 }))
            }
            // Interaction follow-ups and edits of the deferred answer.
            ("POST", ["webhooks", _, _]) | ("PATCH", ["webhooks", _, _, "messages", "@original"]) => {
                let content = body["content"].as_str().unwrap_or_default();
                (StatusCode::OK, message(id, &snowflake(CHANNEL_ID), content))
            }
            ("POST", ["channels", channel, "messages"]) => {
                let content = body["content"].as_str().unwrap_or_default();
                (StatusCode::OK, message(id, channel, content))
            }
            ("POST", ["channels", _, "invites"]) => {
                let code = format!("inv{id}");
                st.invites.insert(code.clone(), 0);
                (StatusCode::OK, invite(&code, 0))
            }
            ("GET", ["guilds", _, "invites"]) => {
                (StatusCode::OK, Value::Array(st.invites.iter().map(|(c, u)| invite(c, *u)).collect()))
            }
            _ => (StatusCode::NOT_FOUND, json!({ "message": "Unknown route (fake)", "code": 0 })),
        }
    };
    shared.changed.notify_waiters();
    if status == StatusCode::NO_CONTENT {
        return status.into_response();
    }
    (status, Json(answer)).into_response()
}
