//! The outbox worker: delivers due rows, marks them sent only after the
//! transport accepted them, retries temporary failures with exponential
//! backoff and jitter, and records permanent ones (SMTP 5xx) as failed.
//!
//! Mail is at least once: a crash between the server's "250 OK" and the
//! row's mark resends the row with the same Message-ID (ARCHITECTURE.md).

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde_json::Value;
use vouch_core::render::escape_html;
use vouch_core::{Format, PublicLinks, Renderer};
use vouch_mailer::{Mailer, OutgoingMail, SendError};
use vouch_store::{Channel, OutboxMessage, OutboxState};

use crate::app::App;

/// When a temporarily failing message is tried again, and when it is given up.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Wait after the first failure; doubles with each further failure.
    pub base: Duration,
    /// The longest wait between two attempts.
    pub max: Duration,
    /// Attempts before a temporarily failing message is marked failed
    /// (with the defaults: about two days of trying, as MTAs do).
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { base: Duration::from_secs(30), max: Duration::from_secs(3600), max_attempts: 60 }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`: `base · 2^(attempts-1)`
    /// capped at `max`, then "equal jitter" (half fixed, half random) so
    /// rows that failed together do not all return together.
    pub fn backoff(&self, attempts: u32, rng: &mut impl Rng) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp).min(self.max);
        let half = full / 2;
        half + half.mul_f64(rng.random::<f64>())
    }
}

pub struct Worker {
    app: Arc<App>,
    mailer: Mailer,
    retry: RetryPolicy,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Worker {
    pub fn new(app: Arc<App>, mailer: Mailer, retry: RetryPolicy) -> Self {
        Self { app, mailer, retry }
    }

    /// Delivers everything due now; returns what happened.
    pub async fn run_once(&self) -> anyhow::Result<Pass> {
        let now = self.app.engine.now();
        let due = self.app.store.outbox_deliverable(Channel::Email, now, 200)?;
        let mut pass = Pass::default();
        for message in due {
            let lang = self.app.engine.notice_language(&message);
            let result = match render_mail(&self.app.renderer, &lang, &message, self.app.engine.public_links()) {
                Ok(mail) => self.mailer.send(&mail).await,
                Err(e) => Err(SendError::Permanent(e.to_string())),
            };
            let unreachable = matches!(result, Err(SendError::Unreachable(_)));
            let mut updated = message.clone();
            updated.attempts += 1;
            match result {
                Ok(()) => {
                    updated.state = OutboxState::Sent;
                    updated.sent_at = Some(self.app.engine.now());
                    updated.last_error = None;
                    pass.sent += 1;
                }
                Err(SendError::Transient(e) | SendError::Unreachable(e))
                    if updated.attempts < self.retry.max_attempts =>
                {
                    let wait = self.retry.backoff(updated.attempts, &mut rand::rng());
                    updated.next_attempt_at = self.app.engine.now()
                        + chrono::Duration::from_std(wait).unwrap_or_else(|_| chrono::Duration::hours(1));
                    updated.last_error = Some(e);
                    pass.retried += 1;
                }
                Err(SendError::Transient(e) | SendError::Unreachable(e) | SendError::Permanent(e)) => {
                    updated.state = OutboxState::Failed;
                    updated.last_error = Some(e);
                    pass.failed += 1;
                }
            }
            let engine = Arc::clone(&self.app.engine);
            tokio::task::spawn_blocking(move || engine.outbox_update(&updated))
                .await?
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if unreachable {
                // The rest would fail the same way; they stay due for the next round.
                break;
            }
        }
        Ok(pass)
    }

    /// Runs until `shutdown` resolves, waking every `every`.
    pub async fn run(self, every: Duration, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        loop {
            match self.run_once().await {
                Ok(p) if p != Pass::default() => {
                    eprintln!("vouch: outbox: {} sent, {} to retry, {} failed", p.sent, p.retried, p.failed)
                }
                Ok(_) => {}
                Err(e) => eprintln!("vouch: outbox: {e:#}"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

/// A row as the mail it becomes: subject (`Re:` for replies, else the
/// template's `.subject`), text and HTML bodies, choices as reply keywords.
/// With `links` (a public URL is set) each choice is also a signed link and
/// the unsubscribe is also one-click (RFC 8058); without, mail stays as it
/// was before vouch served HTTP.
pub(crate) fn render_mail(
    renderer: &Renderer,
    lang: &str,
    message: &OutboxMessage,
    links: Option<&PublicLinks>,
) -> anyhow::Result<OutgoingMail> {
    let to = message.to.email().ok_or_else(|| anyhow::anyhow!("not an email identity"))?;
    let r = renderer;
    let subject_template = format!("{}.subject", message.template);
    let subject = if let Some(thread) = &message.in_reply_to {
        reply_subject(&thread.subject)
    } else if r.has(&subject_template) {
        r.render_template(lang, &subject_template, &message.data, Format::Plain)?
    } else {
        let community = message.data.get("community").cloned().unwrap_or_else(|| Value::from("vouch"));
        r.message(lang, "mail-note-from", &[("community", community)]).unwrap_or_default()
    };
    // Templates word their choices for what the mail offers: links or replies.
    let mut data = message.data.clone();
    if let Value::Object(map) = &mut data {
        map.insert("links".into(), Value::Bool(links.is_some() && !message.actions.is_empty()));
    }
    let mut text = r.render_template(lang, &message.template, &data, Format::Plain)?;
    let mut html = r.render_template(lang, &message.template, &data, Format::Html)?;
    // Buttons become links (the page they open asks before acting, so a
    // mail scanner's prefetch changes nothing) and reply keywords.
    for (choice, action) in message.actions.iter().enumerate() {
        let label = r.label(lang, &action.label);
        let (label_html, command_html) = (escape_html(&label), escape_html(&action.command));
        // The command stays as typed (reply keywords work in every language);
        // the words around it are the reader's.
        let words = |id: &str, command: &str| {
            r.message(lang, id, &[("label", Value::from(label.as_str())), ("command", Value::from(command))])
                .unwrap_or_default()
        };
        match links {
            Some(links) => {
                let url = links.action(message.id, choice, message.created_at);
                text.push_str(&format!("\n\n{label}: {url}\n{}", words("mail-or-reply-with", &action.command)));
                html.push_str(&format!(
                    "\n\n<a href=\"{}\" style=\"{BUTTON_STYLE}\">{label_html}</a>\n{}",
                    escape_html(&url),
                    escape_html(&words("mail-or-reply-with", "\u{1}"))
                        .replace('\u{1}', &format!("<code>{command_html}</code>"))
                ));
            }
            None => {
                text.push_str(&format!("\n\n{}", words("mail-reply-with", &action.command)));
                html.push_str(&format!(
                    "\n\n{}",
                    escape_html(&words("mail-reply-with", "\u{1}"))
                        .replace('\u{1}', &format!("<code>{command_html}</code>"))
                ));
            }
        }
    }
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"{}><body><p>{}</p></body></html>",
        if r.is_rtl(lang) { " dir=\"rtl\"" } else { "" },
        html.replace("\n\n", "</p><p>").replace('\n', "<br>")
    );
    let thread = message.in_reply_to.as_ref();
    let unsubscribe = message.data.get("unsubscribe").and_then(Value::as_str).map(str::to_string);
    Ok(OutgoingMail {
        key: message.id.0,
        token: message.token.clone(),
        to: to.to_string(),
        subject,
        text,
        html,
        auto_submitted: true,
        attachments: message.attachments.clone(),
        in_reply_to: thread.map(|t| t.message_id.clone()),
        references: thread.map(|t| t.references.clone()).unwrap_or_default(),
        list_unsubscribe: unsubscribe.clone(),
        list_unsubscribe_url: unsubscribe.and(links).map(|links| links.unsubscribe(message.id)),
    })
}

/// A link that looks like a button in mail clients (inline: many strip `<style>`).
const BUTTON_STYLE: &str = "display:inline-block;padding:8px 16px;border-radius:4px;\
                            background:#1a73e8;color:#ffffff;text-decoration:none;font-weight:bold";

/// `Re: <original>`, once: an existing `Re:` is not doubled.
fn reply_subject(original: &str) -> String {
    let original = original.trim();
    if original.is_empty() {
        "Re: your message".into()
    } else if original.to_ascii_lowercase().starts_with("re:") {
        original.to_string()
    } else {
        format!("Re: {original}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn backoff_doubles_is_capped_and_jittered_within_half() {
        let policy = RetryPolicy { base: Duration::from_secs(10), max: Duration::from_secs(100), max_attempts: 5 };
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for (attempts, full) in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (40, 100)] {
            let full = Duration::from_secs(full);
            let mut seen = Vec::new();
            for _ in 0..50 {
                let wait = policy.backoff(attempts, &mut rng);
                assert!(
                    wait >= full / 2 && wait <= full,
                    "attempt {attempts}: {wait:?} outside [{full:?}/2, {full:?}]"
                );
                seen.push(wait);
            }
            seen.dedup();
            assert!(seen.len() > 1, "jitter varies the wait");
        }
    }
}
