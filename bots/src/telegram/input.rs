//! Which Telegram texts reach the engine, and as what line. Platform
//! conventions only (`/start` payloads, `@botname`, group etiquette); the
//! command grammar itself is the core's.

/// The line to hand the engine for a message's text, or `None` when the
/// bot should stay quiet (group chatter, another bot's command).
pub fn engine_line(text: &str, private_chat: bool, bot_username: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let Some(command) = text.strip_prefix('/') else {
        // In a DM everything is for us; in a group only commands are.
        return private_chat.then(|| text.to_string());
    };
    let (word, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
    let (name, addressee) = word.split_once('@').unwrap_or((word, ""));
    if !addressee.is_empty() && !addressee.eq_ignore_ascii_case(bot_username) {
        return None;
    }
    if name.eq_ignore_ascii_case("start") {
        // A t.me/<bot>?start=PAYLOAD link: the payload is a referral code,
        // or `help` from our own "start me first" links.
        let payload = rest.trim();
        return Some(if payload.is_empty() || payload.eq_ignore_ascii_case("help") {
            "help".to_string()
        } else {
            format!("redeem {payload}")
        });
    }
    Some(text.to_string())
}

/// `https://t.me/<bot>?start=<payload>`, if the payload is one Telegram
/// passes through (letters, digits, `_` and `-`, at most 64).
pub fn deep_link(bot_username: &str, payload: &str) -> Option<String> {
    let ok = !payload.is_empty()
        && payload.len() <= 64
        && payload.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| format!("https://t.me/{bot_username}?start={payload}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_payloads_redeem_and_plain_start_is_help() {
        assert_eq!(engine_line("/start 7K3M-9QXP", true, "vouch_bot").as_deref(), Some("redeem 7K3M-9QXP"));
        assert_eq!(engine_line("/start", true, "vouch_bot").as_deref(), Some("help"));
        assert_eq!(engine_line("/start help", false, "vouch_bot").as_deref(), Some("help"));
        assert_eq!(engine_line("/START@Vouch_Bot", false, "vouch_bot").as_deref(), Some("help"));
    }

    #[test]
    fn groups_only_hear_commands_addressed_to_us() {
        assert_eq!(engine_line("nice weather", false, "vouch_bot"), None);
        assert_eq!(engine_line("nice weather", true, "vouch_bot").as_deref(), Some("nice weather"));
        assert_eq!(engine_line("/code@other_bot", false, "vouch_bot"), None);
        assert_eq!(engine_line("/code@vouch_bot", false, "vouch_bot").as_deref(), Some("/code@vouch_bot"));
        assert_eq!(engine_line("  ", true, "vouch_bot"), None);
    }

    #[test]
    fn deep_links_only_carry_safe_payloads() {
        assert_eq!(deep_link("vouch_bot", "7K3M-9QXP").as_deref(), Some("https://t.me/vouch_bot?start=7K3M-9QXP"));
        assert_eq!(deep_link("vouch_bot", "a b"), None);
        assert_eq!(deep_link("vouch_bot", ""), None);
    }
}
