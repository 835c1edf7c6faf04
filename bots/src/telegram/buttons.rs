//! Actions as an inline keyboard. A button's callback data is the command
//! line itself, so a press is the same line the person could have typed and
//! goes through the engine's parser, limits and role checks as they.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use vouch_core::Renderer;
use vouch_store::Action;

/// Telegram's limit for a button's callback data, in bytes.
pub const CALLBACK_DATA_MAX: usize = 64;
/// Short labels (yes / no / maybe) share a row; longer ones get their own.
const SHORT_LABEL: usize = 12;
const ROW_MAX: usize = 3;

/// The keyboard for `actions`, or `None` when none fits Telegram's limits.
/// An action whose command is over 64 bytes is dropped (a cut command would
/// run something else).
pub fn keyboard(renderer: &Renderer, lang: &str, actions: &[Action]) -> Option<InlineKeyboardMarkup> {
    let buttons: Vec<InlineKeyboardButton> = actions
        .iter()
        .filter(|a| !a.command.trim().is_empty() && a.command.len() <= CALLBACK_DATA_MAX)
        .map(|a| InlineKeyboardButton::callback(renderer.label(lang, &a.label), a.command.clone()))
        .collect();
    if buttons.is_empty() {
        return None;
    }
    let one_row = buttons.len() <= ROW_MAX && buttons.iter().all(|b| b.text.chars().count() <= SHORT_LABEL);
    let rows: Vec<Vec<InlineKeyboardButton>> =
        if one_row { vec![buttons] } else { buttons.into_iter().map(|b| vec![b]).collect() };
    Some(InlineKeyboardMarkup::new(rows))
}

/// `keyboard` with a last row holding a "Share" button: Telegram's own
/// share sheet (`t.me/share/url`) with `link`, the link the reply's text
/// shares (`/r/CODE` with a public URL). `None` for a link that is not http(s).
pub fn with_share(keyboard: Option<InlineKeyboardMarkup>, label: String, link: &str) -> Option<InlineKeyboardMarkup> {
    let shared = url::Url::parse(link).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
    let Some(shared) = shared else { return keyboard };
    let mut sheet = url::Url::parse("https://t.me/share/url").ok()?;
    sheet.query_pairs_mut().append_pair("url", shared.as_str());
    let button = InlineKeyboardButton::url(label, sheet);
    Some(keyboard.unwrap_or_default().append_row(vec![button]))
}

/// The toast shown on the pressed button: the answer's first line, within
/// Telegram's 200 characters.
pub fn toast(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim();
    if line.chars().count() <= 200 {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(199).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(actions: &[Action]) -> serde_json::Value {
        let renderer = Renderer::builtin().expect("templates");
        serde_json::to_value(keyboard(&renderer, "en", actions)).expect("json")
    }

    #[test]
    fn a_share_link_gets_telegrams_share_sheet_below_the_buttons() {
        let renderer = Renderer::builtin().expect("templates");
        let label = renderer.label("ru", "action.share");
        assert_eq!(label, "Поделиться ссылкой");
        let link = "https://vouch.example.org/r/7K3M-9QXP";
        let shared = with_share(keyboard(&renderer, "en", &[Action::new("action.get_code", "code")]), label, link);
        let rows = serde_json::to_value(shared).expect("json")["inline_keyboard"].clone();
        assert_eq!(rows.as_array().map(Vec::len), Some(2), "{rows}");
        assert_eq!(
            rows[1][0],
            serde_json::json!({
                "text": "Поделиться ссылкой",
                "url": "https://t.me/share/url?url=https%3A%2F%2Fvouch.example.org%2Fr%2F7K3M-9QXP"
            })
        );
        // Not an http(s) link: no button, the keyboard as it was.
        assert!(with_share(None, "Share".into(), "7K3M-9QXP").is_none());
    }

    #[test]
    fn short_choices_share_a_row_and_long_commands_are_dropped() {
        let rsvp = ["yes", "no", "maybe"].map(|c| Action::new(c, format!("rsvp 12 {c}")));
        let rows = layout(&rsvp)["inline_keyboard"].clone();
        assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
        assert_eq!(rows[0][2], serde_json::json!({"text": "maybe", "callback_data": "rsvp 12 maybe"}));
        let long = Action::new("Too long", format!("note {}", "x".repeat(60)));
        assert!(layout(std::slice::from_ref(&long)).is_null());
        let mixed = [Action::new("action.get_code", "code"), long];
        assert_eq!(
            layout(&mixed),
            serde_json::json!({"inline_keyboard": [[{"text": "Get my referral code", "callback_data": "code"}]]})
        );
    }

    #[test]
    fn toasts_are_one_short_line() {
        assert_eq!(toast("\nYou're going!\nSee you there."), "You're going!");
        assert_eq!(toast(&"x".repeat(300)).chars().count(), 200);
    }
}
