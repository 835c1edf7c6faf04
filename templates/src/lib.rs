//! vouch-templates: the handlebars templates and locale strings, embedded.
//!
//! Layout under `files/`: `reply/*.hbs` (answers to commands), `error/*.hbs`
//! (refusals), `notice/*.hbs` (outbox messages; an optional
//! `notice/NAME.subject.hbs` gives the email subject), `locales/LANG.json`
//! (short strings for the `t` helper). A directory given by
//! `VOUCH_TEMPLATES_DIR` with the same layout overrides any of them.

include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// Embedded templates as `(name, source)`, name without `.hbs`.
pub fn templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().filter_map(|(path, src)| path.strip_suffix(".hbs").map(|name| (name, *src)))
}

/// Embedded locale string tables as `(language, json)`.
pub fn locales() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().filter_map(|(path, src)| {
        path.strip_prefix("locales/").and_then(|p| p.strip_suffix(".json")).map(|lang| (lang, *src))
    })
}
