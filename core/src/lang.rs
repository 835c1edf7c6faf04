//! Which language a person is answered in. The rule, first that applies:
//! their own choice (`language ru`), the channel's hint (Telegram
//! `language_code`, Discord `locale`, a mail's `Content-Language` or its
//! detected text, `Accept-Language`), the community default
//! (`VOUCH_LANGUAGE`). A tag vouch does not speak falls back along its
//! subtags (`pt-BR -> pt`) and then to the next rule.

use std::collections::BTreeMap;
use vouch_store::{Language, Member};

/// The languages vouch speaks (the renderer's locale directories) and the
/// community default. Built once at start from the templates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Languages {
    supported: Vec<String>,
    default: String,
    /// Per language, the words of the calendars vouch writes.
    calendar: BTreeMap<String, CalendarWords>,
}

/// Words the engine writes itself, outside any template: the labels in an
/// event's ICS DESCRIPTION, which a calendar shows exactly as written (no
/// renderer sees an `.ics`, and a mark would be cut by line folding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarWords {
    /// "Guest expert", "Приглашённый эксперт".
    pub expert: String,
    /// "Agenda", "Программа".
    pub agenda: String,
}

impl Default for CalendarWords {
    fn default() -> Self {
        Self { expert: "Guest expert".into(), agenda: "Agenda".into() }
    }
}

impl Default for Languages {
    /// The embedded locales, defaulting to English.
    fn default() -> Self {
        Self::new(crate::render::builtin_languages(), &Language::english())
    }
}

impl Languages {
    /// `default` itself falls back (`ru-RU` -> `ru`); a default vouch does
    /// not speak at all becomes English.
    pub fn new(supported: Vec<String>, default: &Language) -> Self {
        let mut me = Self { supported, default: "en".into(), calendar: BTreeMap::new() };
        if let Some(d) = me.negotiate(default) {
            me.default = d.to_string();
        }
        me
    }

    /// With the calendar words of each supported language, from the
    /// message catalog (`text(lang, id)`: `ics-expert`, `ics-agenda`).
    pub fn with_calendar_words(mut self, text: impl Fn(&str, &str) -> Option<String>) -> Self {
        let english = CalendarWords::default();
        for lang in &self.supported {
            let words = CalendarWords {
                expert: text(lang, "ics-expert").unwrap_or_else(|| english.expert.clone()),
                agenda: text(lang, "ics-agenda").unwrap_or_else(|| english.agenda.clone()),
            };
            self.calendar.insert(lang.clone(), words);
        }
        self
    }

    /// The words of `lang`'s calendars (English when none were given).
    pub fn calendar_words(&self, lang: &str) -> CalendarWords {
        self.calendar.get(lang).cloned().unwrap_or_default()
    }

    /// Supported tags, the default first.
    pub fn supported(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.default.as_str())
            .chain(self.supported.iter().map(String::as_str).filter(move |l| *l != self.default))
    }

    pub fn default_language(&self) -> &str {
        &self.default
    }

    /// The supported tag for `tag`, trying `pt-BR` then `pt`.
    pub fn negotiate(&self, tag: &Language) -> Option<&str> {
        tag.fallbacks().find_map(|t| self.supported.iter().find(|s| s.eq_ignore_ascii_case(t))).map(String::as_str)
    }

    /// The language for a person: own choice, then the hint of the channel
    /// they are using now, then the hint they last came with, then the default.
    pub fn for_member(&self, member: Option<&Member>, hint: Option<&Language>) -> &str {
        let choice = member.and_then(|m| m.language.as_ref());
        let last = member.and_then(|m| m.language_hint.as_ref());
        [choice, hint, last].into_iter().flatten().find_map(|t| self.negotiate(t)).unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Language {
        Language::parse(s).expect("tag")
    }

    #[test]
    fn an_unsupported_hint_falls_back_along_its_subtags_then_to_the_default() {
        let l = Languages::new(vec!["en".into(), "pt".into(), "ru".into()], &tag("ru-RU"));
        assert_eq!(l.default_language(), "ru");
        assert_eq!(l.negotiate(&tag("pt-BR")), Some("pt"));
        assert_eq!(l.for_member(None, Some(&tag("pt-BR"))), "pt");
        assert_eq!(l.for_member(None, Some(&tag("de-AT"))), "ru", "de is not spoken: the default");
        assert_eq!(l.supported().collect::<Vec<_>>(), ["ru", "en", "pt"]);
        let unknown_default = Languages::new(vec!["en".into()], &tag("xx"));
        assert_eq!(unknown_default.default_language(), "en");
    }
}
