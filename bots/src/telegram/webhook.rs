//! Webhook mode: Telegram POSTs each update to us. The secret token set with
//! `setWebhook` must come back in `X-Telegram-Bot-Api-Secret-Token` (else
//! 401), and the 200 goes out only after the update is committed and
//! answered: an error, a crash or a timeout makes Telegram deliver it again,
//! and the store's dedupe (the same key as polling) gives that no effect.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use teloxide::types::Update;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::handle::{Handled, handle_update};
use super::{Ctx, log};
use crate::http_server::{self, ServerLimits};

/// The header Telegram puts the secret token in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

struct Hook {
    ctx: Arc<Ctx>,
    secret: String,
}

/// Serves updates on `listener` until `stop` is raised; requests in flight
/// are finished first. A request past `limits.request_timeout` gets a 503,
/// and Telegram delivers the update again (dedupe makes that harmless).
pub async fn serve(
    ctx: Arc<Ctx>,
    listener: TcpListener,
    secret: String,
    limits: ServerLimits,
    stop: watch::Receiver<bool>,
) {
    let hook = Arc::new(Hook { ctx, secret });
    // Any path: a reverse proxy in front may rewrite it; the secret is
    // what proves the request comes from Telegram.
    let app = axum::Router::new().route("/", post(receive)).route("/{*path}", post(receive)).with_state(hook);
    http_server::serve("telegram webhook", listener, app, limits, stop).await;
}

/// Binds the listen address before anything is announced to Telegram.
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

async fn receive(State(hook): State<Arc<Hook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !same(given, hook.secret.as_bytes()) {
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(e) => {
            log(&hook.ctx, &format!("webhook: not an update: {e}"));
            return StatusCode::BAD_REQUEST;
        }
    };
    match handle_update(&hook.ctx, update).await {
        Handled::Done => StatusCode::OK,
        Handled::Failed => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Compares secrets in time independent of where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Telegram's rule for secret tokens: 1–256 of `A-Z a-z 0-9 _ -`.
pub fn valid_secret(secret: &str) -> bool {
    (1..=256).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_exactly_and_follow_telegrams_alphabet() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd") && !same(b"abc", b"ab") && !same(b"", b"a"));
        assert!(valid_secret("s3cret_-X") && !valid_secret("") && !valid_secret("no spaces"));
        assert!(!valid_secret(&"a".repeat(257)));
    }
}
