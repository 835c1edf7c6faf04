//! Slash commands: declared from the core catalog, and their options turned
//! back into one command line for the engine, so Discord input goes through
//! exactly the parser, limits and role checks every other channel uses.

use super::asked::Asked;
use serenity::all::{CommandData, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption};
use vouch_core::catalog::{ArgKind, ArgSpec, CommandSpec};
use vouch_core::{CATALOG, Renderer};

/// Discord's limit for command and option descriptions.
const DESCRIPTION_MAX: usize = 100;

/// The locales Discord's clients have (its fixed list). Arabic is not among
/// them: Arabic speakers see English descriptions, and get Arabic answers
/// once they say `language ar` (or the community default is `ar`).
const DISCORD_LOCALES: &[&str] = &[
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl", "pt-BR",
    "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja", "zh-TW", "ko",
];

/// The Discord locale a language of ours is shown under, if Discord has it
/// (`ro` -> `ro`, `pt` -> `pt-BR`, `ar` -> none).
fn discord_locale(lang: &str) -> Option<&'static str> {
    DISCORD_LOCALES
        .iter()
        .find(|l| l.eq_ignore_ascii_case(lang))
        .or_else(|| DISCORD_LOCALES.iter().find(|l| l.split('-').next() == Some(lang)))
        .copied()
}

/// Every catalog command as a slash command definition, its description
/// translated for every language vouch speaks that Discord has. Names stay
/// the English words people type everywhere else.
pub(super) fn commands(renderer: &Renderer) -> Vec<CreateCommand> {
    CATALOG.iter().map(|spec| command(renderer, spec)).collect()
}

fn command(renderer: &Renderer, spec: &CommandSpec) -> CreateCommand {
    let mut c = CreateCommand::new(spec.name).description(describe(spec.summary));
    for lang in renderer.languages().iter().filter(|l| *l != "en") {
        if let Some(locale) = discord_locale(lang)
            && let Some(text) = renderer.text(lang, &format!("command.{}", spec.name))
        {
            c = c.description_localized(locale, describe(&text));
        }
    }
    spec.args.iter().fold(c, |c, arg| c.add_option(option(renderer, spec, arg)))
}

fn option(renderer: &Renderer, spec: &CommandSpec, arg: &ArgSpec) -> CreateCommandOption {
    let kind = match arg.kind {
        ArgKind::Integer => CommandOptionType::Integer,
        _ => CommandOptionType::String,
    };
    let mut option = CreateCommandOption::new(kind, option_name(arg), describe(arg.help)).required(arg.required);
    for lang in renderer.languages().iter().filter(|l| *l != "en") {
        if let Some(locale) = discord_locale(lang)
            && let Some(text) = renderer.text(lang, &arg.help_id(spec))
        {
            option = option.description_localized(locale, describe(&text));
        }
    }
    match arg.kind {
        ArgKind::Choice(choices) => choices.iter().fold(option, |o, c| o.add_string_choice(*c, *c)),
        _ => option,
    }
}

/// Option names must be lowercase on Discord; the catalog writes required
/// ones in capitals (`CODE`) for usage lines.
fn option_name(arg: &ArgSpec) -> String {
    arg.name.to_ascii_lowercase()
}

fn describe(text: &str) -> String {
    let text = if text.is_empty() { "-" } else { text };
    text.chars().take(DESCRIPTION_MAX).collect()
}

/// What a slash invocation asks for: the command's name and each option
/// by argument name, as typed values the engine builds the command from
/// (never a line it would split again). Unknown commands keep their bare
/// name, which the engine answers with its usual "unknown command" help.
pub(super) fn asked(data: &CommandData) -> Asked {
    let Some(spec) = vouch_core::catalog::find(&data.name) else {
        return Asked::Line(data.name.chars().filter(|c| !c.is_whitespace()).collect());
    };
    let options = spec
        .args
        .iter()
        .filter_map(|arg| {
            let name = option_name(arg);
            let value = data.options.iter().find(|o| o.name == name).and_then(|o| text(&o.value))?;
            Some((arg.name.to_string(), value))
        })
        .collect();
    Asked::Options { name: spec.name.to_string(), options }
}

fn text(value: &CommandDataOptionValue) -> Option<String> {
    match value {
        CommandDataOptionValue::String(s) => Some(s.clone()),
        CommandDataOptionValue::Integer(i) => Some(i.to_string()),
        CommandDataOptionValue::Number(n) => Some(n.to_string()),
        CommandDataOptionValue::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_command_becomes_a_valid_slash_command() {
        let renderer = Renderer::builtin().expect("templates");
        let json = serde_json::to_value(commands(&renderer)).expect("serializable");
        let list = json.as_array().expect("array");
        assert_eq!(list.len(), CATALOG.len());
        for command in list {
            let name = command["name"].as_str().expect("name");
            assert!(!name.is_empty() && name.len() <= 32, "{name}");
            let description = command["description"].as_str().expect("description");
            assert!((1..=DESCRIPTION_MAX).contains(&description.chars().count()), "{name}");
            let localized = command["description_localizations"].as_object().expect("localizations");
            let locales: Vec<&str> = localized.keys().map(String::as_str).collect();
            assert!(locales.contains(&"ru"), "{name}: {locales:?}");
            assert!(!locales.iter().any(|l| l.starts_with("ar")), "{name}: Discord has no Arabic locale");
            assert!(
                localized.values().all(|d| (1..=DESCRIPTION_MAX).contains(&d.as_str().unwrap_or("").chars().count()))
            );
            let options = command["options"].as_array().cloned().unwrap_or_default();
            // Discord refuses a required option after an optional one.
            let required: Vec<bool> = options.iter().map(|o| o["required"].as_bool().unwrap_or(false)).collect();
            assert!(required.windows(2).all(|w| w[0] || !w[1]), "{name}: {required:?}");
            for o in options {
                let n = o["name"].as_str().expect("option name");
                assert_eq!(n, n.to_ascii_lowercase(), "{name}");
                // Option help in Romanian and Russian too, not English.
                let localized = o["description_localizations"].as_object().expect("option localizations");
                for locale in ["ro", "ru"] {
                    let text = localized.get(locale).and_then(|d| d.as_str()).unwrap_or("");
                    assert!((1..=DESCRIPTION_MAX).contains(&text.chars().count()), "{name} {n} {locale}");
                    assert_ne!(text, o["description"].as_str().unwrap_or(""), "{name} {n} {locale} is English");
                }
            }
        }
    }

    /// A value is one argument whatever it holds: spaces and quotes cannot
    /// end it early and smuggle in another (`refer`'s name, a settings list).
    #[test]
    fn option_values_reach_the_engine_as_given() {
        let options =
            |name: &str, values: &[(&str, &str)]| vouch_core::command::from_options(name, values).map(|(_, cmd)| cmd);
        let refer = options("refer", &[("name", "Ana \"Pop\" x@y.z"), ("email", "ana@acme.com")]);
        match refer {
            Ok(vouch_core::Command::Refer { name, email, .. }) => {
                assert_eq!(name, "Ana \"Pop\" x@y.z");
                assert_eq!(email.as_str(), "ana@acme.com");
            }
            other => panic!("{other:?}"),
        }
        let redeem = options("redeem", &[("code", "7k3m 9qxp")]);
        assert!(matches!(redeem, Ok(vouch_core::Command::Redeem { ref code }) if code == "7k3m 9qxp"), "{redeem:?}");
        let settings = options("event", &[("action", "create"), ("settings", "title=\"Referral lunch\" kind=lunch")]);
        assert!(settings.is_ok(), "{settings:?}");
        let unknown = options("frobnicate", &[]);
        assert!(matches!(unknown, Err(vouch_core::UserError::UnknownCommand { .. })), "{unknown:?}");
    }
}
