//! Sending messages: HTML parse mode, split to Telegram's limit, 429s and
//! network failures retried, refusals sorted into what the caller can act on.

use std::time::Duration;

use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters};
use teloxide::{ApiError, Bot, RequestError};

use super::split::{MAX_MESSAGE, split_html};

/// Network failures retried per message part before giving up.
const NETWORK_ATTEMPTS: u32 = 5;
/// 429s honoured per message part; Telegram asks for seconds, not hours.
const RATE_LIMIT_ATTEMPTS: u32 = 5;
/// Longest `retry_after` waited in place; longer ones fail the send (the
/// outbox retries later; a live reply is better dropped than hours late).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The user blocked the bot, never started it, or is gone: retrying
    /// cannot help until they act.
    Unreachable(String),
    /// Telegram refused this message for good (bad chat, unparsable text).
    Permanent(String),
    /// Network trouble or rate limits that outlasted our retries.
    Transient(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Unreachable(e) => write!(f, "unreachable: {e}"),
            SendError::Permanent(e) => write!(f, "refused: {e}"),
            SendError::Transient(e) => write!(f, "failed for now: {e}"),
        }
    }
}

/// Exponential backoff for attempt `n` (0-based): 250 ms doubling, capped at 8 s.
pub fn backoff(n: u32) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << n.min(5))).min(Duration::from_secs(8))
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
) -> Result<(), SendError> {
    let parts = split_html(html, MAX_MESSAGE);
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        let reply_to = reply_to.filter(|_| i == 0);
        send_part(bot, chat, part, reply_to, keyboard.filter(|_| i == last)).await?;
    }
    Ok(())
}

async fn send_part(
    bot: &Bot,
    chat: ChatId,
    text: &str,
    reply_to: Option<MessageId>,
    keyboard: Option<&InlineKeyboardMarkup>,
) -> Result<(), SendError> {
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
            Ok(_) => return Ok(()),
            Err(RequestError::RetryAfter(seconds)) => {
                let wait = seconds.duration();
                rate_limited += 1;
                if rate_limited > RATE_LIMIT_ATTEMPTS || wait > MAX_RETRY_AFTER {
                    return Err(SendError::Transient(format!("rate limited (retry after {}s)", wait.as_secs())));
                }
                tokio::time::sleep(wait).await;
            }
            Err(e @ (RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. })) => {
                if network_failures + 1 >= NETWORK_ATTEMPTS {
                    return Err(SendError::Transient(e.to_string()));
                }
                tokio::time::sleep(backoff(network_failures)).await;
                network_failures += 1;
            }
            Err(RequestError::Api(e)) => return Err(classify(e)),
            Err(e @ RequestError::MigrateToChatId(_)) => return Err(SendError::Permanent(e.to_string())),
        }
    }
}

/// Telegram's 403s mean "this person can't be reached"; teloxide knows some
/// by their exact wording, the rest arrive as `Unknown("Forbidden: …")`.
fn classify(e: ApiError) -> SendError {
    let text = e.to_string();
    match e {
        ApiError::BotBlocked
        | ApiError::CantInitiateConversation
        | ApiError::UserDeactivated
        | ApiError::BotKicked
        | ApiError::BotKickedFromSupergroup
        | ApiError::BotKickedFromChannel => SendError::Unreachable(text),
        ApiError::Unknown(raw) if raw.starts_with("Forbidden") => SendError::Unreachable(raw),
        _ => SendError::Permanent(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_millis(250));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(30), Duration::from_secs(8));
    }

    #[test]
    fn forbidden_means_unreachable() {
        assert!(matches!(classify(ApiError::BotBlocked), SendError::Unreachable(_)));
        let raw = "Forbidden: bot can't initiate conversation with a user".to_string();
        assert!(matches!(classify(ApiError::Unknown(raw)), SendError::Unreachable(_)));
        assert!(matches!(classify(ApiError::ChatNotFound), SendError::Permanent(_)));
    }
}
