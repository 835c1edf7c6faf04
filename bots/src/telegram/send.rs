//! Sending messages: HTML parse mode, split to Telegram's limit, 429s and
//! network failures retried in place, the answer sorted into a
//! [`SendOutcome`] (a 403 means the recipient is gone).

use std::time::Duration;

use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters};
use teloxide::{ApiError, Bot, RequestError};
use vouch_core::delivery::{RetryPolicy, SendOutcome};

use super::split::{MAX_MESSAGE, split_html};

/// Network failures retried per message part before giving up.
const NETWORK_ATTEMPTS: u32 = 5;
/// 429s honoured per message part; Telegram asks for seconds, not hours.
const RATE_LIMIT_ATTEMPTS: u32 = 5;
/// Longest `retry_after` waited in place; longer ones fail the send (the
/// outbox retries later; a live reply is better dropped than hours late).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// In-place retries of network failures: 250 ms doubling, capped at 8 s, jittered.
const NETWORK_RETRY: RetryPolicy =
    RetryPolicy { base: Duration::from_millis(250), max: Duration::from_secs(8), max_attempts: NETWORK_ATTEMPTS };

/// The wait before retrying after failure `n` (0-based), in place.
pub fn backoff(n: u32) -> Duration {
    NETWORK_RETRY.backoff(n.saturating_add(1))
}

/// Sends `html` to `chat`, as several messages if it is long. With
/// `reply_to`, the first part answers that message (if it still exists);
/// the buttons go under the last part, after everything they refer to.
pub async fn send_html(
    bot: &Bot,
    chat: ChatId,
    html: &str,
    reply_to: Option<MessageId>,
    keyboard: Option<&InlineKeyboardMarkup>,
) -> SendOutcome {
    let parts = split_html(html, MAX_MESSAGE);
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        let reply_to = reply_to.filter(|_| i == 0);
        let outcome = send_part(bot, chat, part, reply_to, keyboard.filter(|_| i == last)).await;
        if !outcome.is_sent() {
            return outcome;
        }
    }
    SendOutcome::Sent
}

async fn send_part(
    bot: &Bot,
    chat: ChatId,
    text: &str,
    reply_to: Option<MessageId>,
    keyboard: Option<&InlineKeyboardMarkup>,
) -> SendOutcome {
    let mut network_failures = 0;
    let mut rate_limited = 0;
    loop {
        let mut request = bot.send_message(chat, text).parse_mode(ParseMode::Html);
        if let Some(id) = reply_to {
            request = request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard.clone());
        }
        match request.await {
            Ok(_) => return SendOutcome::Sent,
            Err(RequestError::RetryAfter(seconds)) => {
                let wait = seconds.duration();
                rate_limited += 1;
                if rate_limited > RATE_LIMIT_ATTEMPTS || wait > MAX_RETRY_AFTER {
                    // The outbox tries again when Telegram said it may.
                    let reason = format!("rate limited (retry after {}s)", wait.as_secs());
                    return SendOutcome::RetryAfter { wait: Some(wait), reason };
                }
                tokio::time::sleep(wait).await;
            }
            Err(e @ (RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. })) => {
                if network_failures + 1 >= NETWORK_ATTEMPTS {
                    return SendOutcome::retry(e.to_string());
                }
                tokio::time::sleep(backoff(network_failures)).await;
                network_failures += 1;
            }
            Err(RequestError::Api(e)) => return classify(e),
            Err(e @ RequestError::MigrateToChatId(_)) => return SendOutcome::FailedForGood(e.to_string()),
        }
    }
}

/// Telegram's 403s mean "this person can't be reached"; teloxide knows some
/// by their exact wording, the rest arrive as `Unknown("Forbidden: …")`.
fn classify(e: ApiError) -> SendOutcome {
    let text = e.to_string();
    match e {
        ApiError::BotBlocked
        | ApiError::CantInitiateConversation
        | ApiError::UserDeactivated
        | ApiError::BotKicked
        | ApiError::BotKickedFromSupergroup
        | ApiError::BotKickedFromChannel => SendOutcome::RecipientGone(text),
        ApiError::Unknown(raw) if raw.starts_with("Forbidden") => SendOutcome::RecipientGone(raw),
        _ => SendOutcome::FailedForGood(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        for (n, full) in [(0, 250), (2, 1000), (30, 8000)] {
            let (wait, full) = (backoff(n), Duration::from_millis(full));
            assert!(wait >= full / 2 && wait <= full, "{n}: {wait:?} outside [{full:?}/2, {full:?}]");
        }
    }

    #[test]
    fn forbidden_means_unreachable() {
        assert!(matches!(classify(ApiError::BotBlocked), SendOutcome::RecipientGone(_)));
        let raw = "Forbidden: bot can't initiate conversation with a user".to_string();
        assert!(matches!(classify(ApiError::Unknown(raw)), SendOutcome::RecipientGone(_)));
        assert!(matches!(classify(ApiError::ChatNotFound), SendOutcome::FailedForGood(_)));
    }
}
