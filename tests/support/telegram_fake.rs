//! A fake Telegram Bot API on loopback: serves queued updates through
//! long-polled `getUpdates` with Telegram's offset semantics, answers the
//! methods vouch calls, can refuse `sendMessage` (429, 403) on demand, and
//! records every request.

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const BOT_USERNAME: &str = "vouch_test_bot";

#[derive(Clone, Debug)]
pub struct Request {
    /// Lower-cased method name (teloxide sends `SendMessage`).
    pub method: String,
    pub body: Value,
    pub at: Instant,
    /// What the fake answered: true for `ok: true`.
    pub ok: bool,
}

#[derive(Default)]
struct State_ {
    /// Updates not yet confirmed, and one-shot redeliveries.
    queue: Vec<(Value, bool)>,
    /// Every update id below this is confirmed (Telegram forgets them).
    confirmed: i64,
    requests: Vec<Request>,
    /// Canned error answers for the next `sendMessage` calls.
    send_failures: VecDeque<(StatusCode, Value)>,
    /// Users who never started the bot: DMs to them get a 403.
    unreachable: HashSet<i64>,
    next_message_id: i64,
}

struct Shared {
    state: Mutex<State_>,
    changed: Notify,
}

pub struct FakeTelegram {
    shared: Arc<Shared>,
    pub url: String,
}

impl FakeTelegram {
    pub fn start() -> Self {
        let shared = Arc::new(Shared { state: Mutex::new(State_::default()), changed: Notify::new() });
        let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
        let app = axum::Router::new().route("/{token}/{method}", post(api)).with_state(Arc::clone(&shared));
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind fake");
                tx.send(listener.local_addr().expect("addr")).expect("send addr");
                axum::serve(listener, app).await.expect("serve fake");
            });
        });
        let addr = rx.recv().expect("fake started");
        Self { shared, url: format!("http://{addr}") }
    }

    fn state(&self) -> MutexGuard<'_, State_> {
        self.shared.state.lock().expect("fake state")
    }

    /// Queues an update for `getUpdates`.
    pub fn push(&self, update: Value) {
        self.state().queue.push((update, false));
        self.shared.changed.notify_waiters();
    }

    /// Serves `update` once more even if its id is confirmed, as Telegram
    /// does after a bot stopped between handling and confirming.
    pub fn redeliver(&self, update: Value) {
        self.state().queue.push((update, true));
        self.shared.changed.notify_waiters();
    }

    pub fn fail_next_send(&self, status: u16, answer: Value) {
        let status = StatusCode::from_u16(status).expect("status");
        self.state().send_failures.push_back((status, answer));
    }

    pub fn never_started(&self, user: i64) {
        self.state().unreachable.insert(user);
    }

    pub fn confirmed(&self) -> i64 {
        self.state().confirmed
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state().requests.clone()
    }

    /// Accepted calls of `method`, without copying them (for the benchmark's polling).
    pub fn accepted(&self, method: &str) -> usize {
        let method = method.to_ascii_lowercase();
        self.state().requests.iter().filter(|r| r.ok && r.method == method).count()
    }

    pub fn calls(&self, method: &str) -> Vec<Request> {
        self.requests().into_iter().filter(|r| r.method == method.to_ascii_lowercase()).collect()
    }

    /// Texts Telegram accepted for `chat`, in order.
    pub fn texts_to(&self, chat: i64) -> Vec<String> {
        self.calls("sendMessage")
            .into_iter()
            .filter(|r| r.ok && r.body["chat_id"].as_i64() == Some(chat))
            .map(|r| r.body["text"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

async fn api(
    State(shared): State<Arc<Shared>>,
    Path((_token, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let method = method.to_ascii_lowercase();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let body: Value = match content_type.split_once("boundary=") {
        // Methods that may upload files (setWebhook) come as multipart.
        Some((_, boundary)) => form_fields(&String::from_utf8_lossy(&body), boundary.trim_matches('"')),
        None => serde_json::from_slice(&body).unwrap_or_else(|_| json!({})),
    };
    let (status, answer) = match method.as_str() {
        "getupdates" => (StatusCode::OK, get_updates(&shared, &body).await),
        "sendmessage" => send_message(&shared, &body),
        "getme" => (StatusCode::OK, ok(me())),
        "getwebhookinfo" => {
            (StatusCode::OK, ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})))
        }
        "deletewebhook" | "setwebhook" | "setmycommands" | "answercallbackquery" => (StatusCode::OK, ok(json!(true))),
        _ => (StatusCode::NOT_FOUND, json!({"ok": false, "error_code": 404, "description": "Not Found: method"})),
    };
    let ok = answer["ok"] == json!(true);
    shared.state.lock().expect("fake state").requests.push(Request { method, body, at: Instant::now(), ok });
    (status, Json(answer))
}

/// A multipart/form-data body as a JSON object: each field's text, parsed
/// as JSON where the Bot API expects JSON-serialized values (arrays).
fn form_fields(body: &str, boundary: &str) -> Value {
    let mut fields = serde_json::Map::new();
    for part in body.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else { continue };
        let Some(name) = head.split("name=\"").nth(1).and_then(|n| n.split('"').next()) else { continue };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let parsed = if value.starts_with('[') || value.starts_with('{') {
            serde_json::from_str(value).unwrap_or_else(|_| json!(value))
        } else {
            json!(value)
        };
        fields.insert(name.to_string(), parsed);
    }
    Value::Object(fields)
}

fn ok(result: Value) -> Value {
    json!({"ok": true, "result": result})
}

fn me() -> Value {
    json!({
        "id": 4242, "is_bot": true, "first_name": "Vouch", "username": BOT_USERNAME,
        "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
        "can_connect_to_business": false, "has_main_web_app": false
    })
}

async fn get_updates(shared: &Shared, body: &Value) -> Value {
    let limit = body["limit"].as_u64().unwrap_or(100) as usize;
    let wait = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0));
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let changed = shared.changed.notified();
        {
            let mut state = shared.state.lock().expect("fake state");
            if let Some(offset) = body["offset"].as_i64() {
                state.confirmed = state.confirmed.max(offset);
            }
            let confirmed = state.confirmed;
            state.queue.retain(|(u, forced)| *forced || u["update_id"].as_i64().unwrap_or(0) >= confirmed);
            if !state.queue.is_empty() || tokio::time::Instant::now() >= deadline {
                let served: Vec<Value> = state.queue.iter().take(limit).map(|(u, _)| u.clone()).collect();
                let mut n = 0;
                state.queue.retain(|(_, forced)| {
                    n += 1;
                    !(*forced && n <= limit)
                });
                return ok(Value::Array(served));
            }
        }
        let _ = tokio::time::timeout_at(deadline, changed).await;
    }
}

fn send_message(shared: &Shared, body: &Value) -> (StatusCode, Value) {
    let mut state = shared.state.lock().expect("fake state");
    let chat = body["chat_id"].as_i64().unwrap_or(0);
    if state.unreachable.contains(&chat) {
        let answer = json!({"ok": false, "error_code": 403,
            "description": "Forbidden: bot can't initiate conversation with a user"});
        return (StatusCode::FORBIDDEN, answer);
    }
    if let Some(failure) = state.send_failures.pop_front() {
        return failure;
    }
    state.next_message_id += 1;
    let chat_json = if chat > 0 {
        json!({"id": chat, "type": "private", "first_name": "Someone"})
    } else {
        json!({"id": chat, "type": "supergroup", "title": "Friends"})
    };
    let message = json!({
        "message_id": state.next_message_id, "date": 1_700_000_000, "chat": chat_json,
        "from": {"id": 4242, "is_bot": true, "first_name": "Vouch", "username": BOT_USERNAME},
        "text": body["text"],
    });
    (StatusCode::OK, ok(message))
}

/// The chat of an update: the user's own DM when `chat` is positive, else a group.
fn chat_of(chat: i64, first_name: &str) -> Value {
    if chat > 0 {
        json!({"id": chat, "type": "private", "first_name": first_name})
    } else {
        json!({"id": chat, "type": "supergroup", "title": "Friends"})
    }
}

/// A text message update: `chat` is the user's id for a DM, negative for a group.
pub fn message(update_id: i64, chat: i64, user: i64, first_name: &str, text: &str) -> Value {
    let chat_json = chat_of(chat, first_name);
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id * 10, "date": 1_700_000_000, "chat": chat_json,
            "from": {"id": user, "is_bot": false, "first_name": first_name},
            "text": text,
        }
    })
}

/// A press on an inline button under message `message_id` in `chat`, as
/// Telegram sends it: the query id is Telegram's, unique per press.
pub fn button_press(update_id: i64, query_id: &str, chat: i64, user: i64, first_name: &str, data: &str) -> Value {
    let chat_json = chat_of(chat, first_name);
    json!({
        "update_id": update_id,
        "callback_query": {
            "id": query_id,
            "from": {"id": user, "is_bot": false, "first_name": first_name},
            "message": {
                "message_id": 7, "date": 1_700_000_000, "chat": chat_json,
                "from": {"id": 4242, "is_bot": true, "first_name": "Vouch", "username": BOT_USERNAME},
                "text": "an earlier answer",
            },
            "chat_instance": "-77",
            "data": data,
        }
    })
}
