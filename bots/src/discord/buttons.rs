//! Actions as message components. A button's custom_id is `vouch:` plus the
//! command line, so a press runs exactly what the person could have typed,
//! through the engine's parser, limits and role checks, as the presser.
//! More choices than fit one row of buttons become a select menu whose
//! option values are the command lines (custom_id `vouch:select`).

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
};
use vouch_core::Renderer;
use vouch_store::Action;

/// What marks a component as ours (other bots' buttons never reach us, but
/// a future select menu or modal might use other ids).
pub(super) const PREFIX: &str = "vouch:";
/// Discord's limits: custom_id length, label length, buttons per row, rows.
const CUSTOM_ID_MAX: usize = 100;
const LABEL_MAX: usize = 80;
const ROW_MAX: usize = 5;
/// A select menu's option count, option value and placeholder limits.
const OPTIONS_MAX: usize = 25;
const VALUE_MAX: usize = 100;
/// The custom_id of our select menus; the chosen value is the command line.
pub(super) const SELECT_ID: &str = "vouch:select";

/// The rows of buttons for `actions`; an action whose custom_id would be
/// over 100 characters is dropped (a cut command would run something else).
pub(super) fn components(renderer: &Renderer, lang: &str, actions: &[Action]) -> Vec<CreateActionRow> {
    let usable: Vec<&Action> = actions
        .iter()
        .filter(|a| !a.command.trim().is_empty() && PREFIX.len() + a.command.trim().chars().count() <= CUSTOM_ID_MAX)
        .collect();
    if usable.len() > ROW_MAX {
        return select_menu(renderer, lang, &usable);
    }
    let buttons: Vec<CreateButton> = usable
        .iter()
        .map(|a| (format!("{PREFIX}{}", a.command.trim()), renderer.label(lang, &a.label)))
        .enumerate()
        .map(|(i, (id, label))| {
            // The first choice is the suggested one.
            let style = if i == 0 { ButtonStyle::Primary } else { ButtonStyle::Secondary };
            CreateButton::new(id).label(label.chars().take(LABEL_MAX).collect::<String>()).style(style)
        })
        .collect();
    buttons.chunks(ROW_MAX).map(|row| CreateActionRow::Buttons(row.to_vec())).collect()
}

/// One menu of up to 25 choices; an action whose command is longer than an
/// option value may be is dropped, as with buttons.
fn select_menu(renderer: &Renderer, lang: &str, actions: &[&Action]) -> Vec<CreateActionRow> {
    let options: Vec<CreateSelectMenuOption> = actions
        .iter()
        .map(|a| (a.command.trim(), renderer.label(lang, &a.label)))
        .filter(|(command, _)| command.chars().count() <= VALUE_MAX)
        .take(OPTIONS_MAX)
        .map(|(command, label)| CreateSelectMenuOption::new(label.chars().take(LABEL_MAX).collect::<String>(), command))
        .collect();
    if options.is_empty() {
        return Vec::new();
    }
    let placeholder = renderer.label(lang, "action.choose");
    let menu = CreateSelectMenu::new(SELECT_ID, CreateSelectMenuKind::String { options }).placeholder(placeholder);
    vec![CreateActionRow::SelectMenu(menu)]
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
            (0..5).map(|i| Action::new(format!("choice {i}"), format!("rsvp 3 {i}"))).collect();
        actions.insert(1, Action::new("long", format!("note {}", "x".repeat(100))));
        let rows = serde_json::to_value(components(&renderer, "en", &actions)).expect("json");
        assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
        assert_eq!(rows[0]["components"].as_array().map(Vec::len), Some(5));
        assert_eq!(rows[0]["components"][0]["type"], 2, "buttons: {rows}");
        assert_eq!(rows[0]["components"][0]["custom_id"], "vouch:rsvp 3 0");
        assert_eq!(rows[0]["components"][1]["custom_id"], "vouch:rsvp 3 1", "the long one is dropped");
        assert_eq!(line("vouch:rsvp 3 yes"), Some("rsvp 3 yes"));
        assert_eq!(line("other:thing"), None);
        assert_eq!(line("vouch:  "), None);
    }

    #[test]
    fn more_choices_than_a_row_become_one_select_menu() {
        let renderer = Renderer::builtin().expect("templates");
        let mut actions: Vec<Action> =
            (1..=30).map(|i| Action::new(format!("Lunch {i}"), format!("agenda E{i}"))).collect();
        actions.insert(2, Action::new("long", format!("note {}", "x".repeat(100))));
        let rows = serde_json::to_value(components(&renderer, "en", &actions)).expect("json");
        assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
        let menu = &rows[0]["components"][0];
        assert_eq!(menu["type"], 3, "a string select: {menu}");
        assert_eq!(menu["custom_id"], SELECT_ID);
        assert_eq!(menu["placeholder"], "Choose…");
        let options = menu["options"].as_array().expect("options");
        assert_eq!(options.len(), 25, "Discord's limit; the long command is dropped");
        assert_eq!(options[2], serde_json::json!({"label": "Lunch 3", "value": "agenda E3"}));
    }
}
