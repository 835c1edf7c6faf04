//! vouch-templates: the handlebars templates and locale strings, embedded.
//!
//! Layout under `files/`: `reply/*.hbs` (answers to commands), `error/*.hbs`
//! (refusals), `notice/*.hbs` (outbox messages; an optional
//! `notice/NAME.subject.hbs` gives the email subject), in English, the
//! source language. `i18n/LANG/` is one language: `messages.ftl` (Fluent
//! messages for the `t` helper: plurals, labels, command descriptions) and
//! the same `reply/`, `error/`, `notice/`, `chat/` files translated. A new
//! language is a new directory. A directory given by `VOUCH_TEMPLATES_DIR`
//! with the same layout overrides any file, per language.

include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// Embedded templates as `(name, source)`, name without `.hbs`.
pub fn templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().filter_map(|(path, src)| path.strip_suffix(".hbs").map(|name| (name, *src)))
}

/// Embedded Fluent messages as `(language, ftl source)`.
pub fn locales() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().filter_map(|(path, src)| {
        path.strip_prefix("i18n/").and_then(|p| p.strip_suffix("/messages.ftl")).map(|lang| (lang, *src))
    })
}
