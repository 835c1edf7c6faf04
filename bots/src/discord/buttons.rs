//! Actions as message components. A button's custom_id is `vouch:` plus the
//! command line, so a press runs exactly what the person could have typed,
//! through the engine's parser, limits and role checks, as the presser.

use serenity::all::{ButtonStyle, CreateActionRow, CreateButton};
use vouch_core::Renderer;
use vouch_store::Action;

/// What marks a component as ours (other bots' buttons never reach us, but
/// a future select menu or modal might use other ids).
pub(super) const PREFIX: &str = "vouch:";
/// Discord's limits: custom_id length, label length, buttons per row, rows.
const CUSTOM_ID_MAX: usize = 100;
const LABEL_MAX: usize = 80;
const ROW_MAX: usize = 5;
const ROWS_MAX: usize = 5;

/// The rows of buttons for `actions`; an action whose custom_id would be
/// over 100 characters is dropped (a cut command would run something else).
pub(super) fn components(renderer: &Renderer, actions: &[Action]) -> Vec<CreateActionRow> {
    let buttons: Vec<CreateButton> = actions
        .iter()
        .filter(|a| !a.command.trim().is_empty())
        .map(|a| (format!("{PREFIX}{}", a.command.trim()), renderer.label(&a.label)))
        .filter(|(id, _)| id.chars().count() <= CUSTOM_ID_MAX)
        .take(ROW_MAX * ROWS_MAX)
        .enumerate()
        .map(|(i, (id, label))| {
            // The first choice is the suggested one.
            let style = if i == 0 { ButtonStyle::Primary } else { ButtonStyle::Secondary };
            CreateButton::new(id).label(label.chars().take(LABEL_MAX).collect::<String>()).style(style)
        })
        .collect();
    buttons.chunks(ROW_MAX).map(|row| CreateActionRow::Buttons(row.to_vec())).collect()
}

/// The command line behind a pressed button, if the button is ours.
pub(super) fn line(custom_id: &str) -> Option<&str> {
    custom_id.strip_prefix(PREFIX).map(str::trim).filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_carry_the_command_and_fit_discord() {
        let renderer = Renderer::builtin().expect("templates");
        let mut actions: Vec<Action> =
            (0..7).map(|i| Action::new(format!("choice {i}"), format!("rsvp 3 {i}"))).collect();
        actions.insert(1, Action::new("long", format!("note {}", "x".repeat(100))));
        let rows = serde_json::to_value(components(&renderer, &actions)).expect("json");
        assert_eq!(rows.as_array().map(Vec::len), Some(2), "{rows}");
        assert_eq!(rows[0]["components"].as_array().map(Vec::len), Some(5));
        assert_eq!(rows[0]["components"][0]["custom_id"], "vouch:rsvp 3 0");
        assert_eq!(rows[0]["components"][1]["custom_id"], "vouch:rsvp 3 1", "the long one is dropped");
        assert_eq!(line("vouch:rsvp 3 yes"), Some("rsvp 3 yes"));
        assert_eq!(line("other:thing"), None);
        assert_eq!(line("vouch:  "), None);
    }
}
