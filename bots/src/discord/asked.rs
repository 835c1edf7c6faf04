//! What a Discord interaction asks the engine for: a command line (a
//! button, a select menu, a message) or a slash command's typed options.

use vouch_core::{Caller, Engine, Input, Response};

/// What an interaction asks for.
#[derive(Clone, Debug)]
pub(super) enum Asked {
    /// A button's or a select menu's command line.
    Line(String),
    /// A slash command's name and its options by argument name, each value
    /// one argument as Discord delivered it.
    Options { name: String, options: Vec<(String, String)> },
}

impl Asked {
    /// The catalog name of the command (aliases resolved).
    pub(super) fn command_name(&self) -> Option<&'static str> {
        match self {
            Asked::Line(line) => command_name(line),
            Asked::Options { name, .. } => vouch_core::catalog::find(name).map(|spec| spec.name),
        }
    }

    pub(super) fn run(&self, engine: &Engine, caller: &Caller, key: &str) -> Response {
        match self {
            Asked::Line(line) => engine.handle(caller, Input::Line(line), Some(key)),
            Asked::Options { name, options } => {
                let options: Vec<(&str, &str)> = options.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
                engine.handle(caller, Input::Options { name, options: &options }, Some(key))
            }
        }
    }
}

/// The catalog name of the command a line runs (aliases resolved).
pub(super) fn command_name(line: &str) -> Option<&'static str> {
    let word = line.split_whitespace().next()?;
    vouch_core::catalog::find(word.trim_start_matches('/')).map(|spec| spec.name)
}
