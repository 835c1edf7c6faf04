//! Webhooks out, the sending: a [`Transport`] for the one delivery
//! [`Worker`](vouch_core::delivery::Worker) that POSTs an outbox row's
//! payload to its endpoint, signed as Standard Webhooks says, and sorts the
//! answer: 2xx sent; 410 gone (the endpoint is disabled); 408, 429, 5xx,
//! timeouts and refused connections tried again (honouring `Retry-After`);
//! any other answer refused for good. Redirects are not followed (a
//! receiver that moved says so with a new URL, not a 3xx).

use std::sync::Arc;
use std::time::Duration;

use vouch_core::Engine;
use vouch_core::delivery::{SendOutcome, Transport};
use vouch_core::webhook::{message_id, sign};
use vouch_store::{Channel, OutboxMessage, WebhookSecret};

/// The longest `Retry-After` honoured; a longer one waits this long.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

pub struct WebhookTransport {
    engine: Arc<Engine>,
    client: reqwest::Client,
    /// Raised when `serve` stops: a receiver holding a request must not
    /// hold up the shutdown (the row stays due, and goes again at start).
    stop: tokio::sync::watch::Receiver<bool>,
}

/// A row ready to POST: where, with which key, what body.
pub struct Outgoing {
    url: String,
    secret: WebhookSecret,
    body: Vec<u8>,
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing").field("url", &self.url).field("body_len", &self.body.len()).finish_non_exhaustive()
    }
}

/// The HTTP client of webhooks out: `timeout` bounds a whole attempt
/// (connect, send, the receiver's answer); no redirects followed.
pub fn client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("vouch-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

impl WebhookTransport {
    /// `client` from [`client`]; `stop` cuts an attempt short when `serve` stops.
    pub fn new(engine: Arc<Engine>, client: reqwest::Client, stop: tokio::sync::watch::Receiver<bool>) -> Self {
        Self { engine, client, stop }
    }
}

impl Transport for WebhookTransport {
    const CHANNEL: Channel = Channel::Webhook;
    const NAME: &'static str = "webhook";
    type Rendered = Outgoing;

    fn render(&self, message: &OutboxMessage, _lang: &str) -> Result<Outgoing, String> {
        let id = message.to.webhook_id().ok_or_else(|| format!("{} is not a webhook endpoint", message.to))?;
        // Only event rows (written by the engine's webhook helpers) leave this way.
        if message.data.get("type").and_then(|t| t.as_str()) != Some(message.template.as_str()) {
            return Err(format!("outbox row {} is not a webhook event", message.id));
        }
        let endpoint = match self.engine.webhook_endpoint(id).map_err(|e| e.to_string())? {
            Some(e) if e.enabled => e,
            Some(_) => return Err(format!("webhook {id} is disabled")),
            None => return Err(format!("webhook {id} was removed")),
        };
        let body = serde_json::to_vec(&message.data).map_err(|e| e.to_string())?;
        let secret = self.engine.webhook_secret(&endpoint);
        Ok(Outgoing { url: endpoint.url, secret, body })
    }

    async fn send(&self, message: &OutboxMessage, out: &Outgoing) -> SendOutcome {
        // The same id on every attempt; the timestamp (and so the signature) is this attempt's.
        let id = message_id(message.id);
        let timestamp = self.engine.now().timestamp();
        let signature = match sign(&out.secret, &id, timestamp, &out.body) {
            Ok(s) => s,
            Err(e) => return SendOutcome::FailedForGood(e.to_string()),
        };
        let request = self
            .client
            .post(&out.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(out.body.clone())
            .send();
        let mut stop = self.stop.clone();
        // Down, not failed: the pass ends here, and the endpoint's record
        // is left as it was (vouch stopping says nothing about the receiver).
        let stopping = || SendOutcome::TransportDown("vouch is stopping".into());
        if *stop.borrow() {
            return stopping();
        }
        let sent = tokio::select! {
            sent = request => sent,
            _ = stop.wait_for(|stopped| *stopped) => return stopping(),
        };
        match sent {
            Ok(response) => outcome(response.status().as_u16(), response.headers().get(reqwest::header::RETRY_AFTER)),
            Err(e) if e.is_timeout() => SendOutcome::retry("timeout"),
            Err(e) if e.is_connect() => SendOutcome::retry("cannot connect"),
            Err(e) => SendOutcome::retry(format!("request failed: {}", without_url(&e))),
        }
    }
}

/// The receiver's answer as an outcome.
fn outcome(status: u16, retry_after: Option<&reqwest::header::HeaderValue>) -> SendOutcome {
    let reason = format!("HTTP {status}");
    match status {
        200..=299 => SendOutcome::Sent,
        410 => SendOutcome::RecipientGone(reason),
        408 | 429 | 500..=599 => SendOutcome::RetryAfter { wait: retry_after.and_then(parse_retry_after), reason },
        300..=399 => SendOutcome::FailedForGood(format!("{reason} (redirects are not followed)")),
        _ => SendOutcome::FailedForGood(reason),
    }
}

/// `Retry-After: SECONDS` (the HTTP-date form is rare for webhooks and
/// falls back to the retry policy).
fn parse_retry_after(value: &reqwest::header::HeaderValue) -> Option<Duration> {
    let secs: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

/// reqwest's error text names the URL, which may carry a token in its path.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "the endpoint");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_sort_into_outcomes() {
        assert_eq!(outcome(200, None), SendOutcome::Sent);
        assert_eq!(outcome(204, None), SendOutcome::Sent);
        assert_eq!(outcome(410, None), SendOutcome::RecipientGone("HTTP 410".into()));
        let later = reqwest::header::HeaderValue::from_static("120");
        assert_eq!(
            outcome(429, Some(&later)),
            SendOutcome::RetryAfter { wait: Some(Duration::from_secs(120)), reason: "HTTP 429".into() }
        );
        assert_eq!(outcome(503, None), SendOutcome::retry("HTTP 503"));
        let huge = reqwest::header::HeaderValue::from_static("999999");
        assert_eq!(
            outcome(500, Some(&huge)),
            SendOutcome::RetryAfter { wait: Some(MAX_RETRY_AFTER), reason: "HTTP 500".into() }
        );
        assert!(matches!(outcome(400, None), SendOutcome::FailedForGood(_)));
        assert!(matches!(outcome(301, None), SendOutcome::FailedForGood(r) if r.contains("redirects")));
    }
}
