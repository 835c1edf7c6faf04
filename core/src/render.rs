//! Rendering replies per channel. Each format has its own escaper, applied to
//! every `{{value}}`; helpers (`b`, `code`, `link`) escape what they wrap.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use fluent_bundle::FluentValue;

use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde_json::Value;

pub use crate::i18n::RenderError;
use crate::i18n::{Locales, fluent_value, isolate};
use crate::intl::Intl;
use crate::reply::Reply;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Console and plain-text email: no markup, control characters removed.
    Plain,
    /// Telegram HTML parse mode and email HTML.
    Html,
    /// Discord markdown.
    Markdown,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Plain, Format::Html, Format::Markdown];

    pub fn escape(self, s: &str) -> String {
        match self {
            Format::Plain => escape_plain(s),
            Format::Html => escape_html(s),
            Format::Markdown => escape_markdown(s),
        }
    }
}

pub fn escape_plain(s: &str) -> String {
    s.chars().filter(|c| *c == '\n' || !c.is_control()).collect()
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Discord markdown: backslash every formatting character and break `@`
/// so `@everyone` in a name can never ping (mentions are also disabled
/// when sending).
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '-' | '<' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200B}"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// All templates, compiled once per language and format. A language's
/// registry holds the English templates with the files of its own
/// directory (`i18n/LANG/…`) in their place, so partials and fallbacks
/// resolve per file within one language.
pub struct Renderer {
    formats: HashMap<(String, Format), Handlebars<'static>>,
    locales: Arc<Locales>,
    /// Dates and money per language (the engine's marks, see `intl`).
    intl: HashMap<String, Intl>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("locales", &self.locales).finish_non_exhaustive()
    }
}

/// The languages of the embedded templates (those with an
/// `i18n/LANG/messages.ftl`), English first.
pub fn builtin_languages() -> Vec<String> {
    let mut langs: Vec<String> = vouch_templates::locales().map(|(l, _)| l.to_string()).collect();
    langs.sort_by_key(|l| (l != "en", l.clone()));
    langs
}

impl Renderer {
    /// The embedded templates.
    pub fn builtin() -> Result<Self, RenderError> {
        Self::load(None)
    }

    /// Embedded templates, with files in `dir` (same layout) taking precedence.
    pub fn load(dir: Option<&Path>) -> Result<Self, RenderError> {
        let mut sources: HashMap<String, String> =
            vouch_templates::templates().map(|(n, s)| (n.to_string(), s.to_string())).collect();
        let mut locales = Locales::new();
        for (lang, ftl) in vouch_templates::locales() {
            locales.add(lang, ftl, &format!("i18n/{lang}/messages.ftl"))?;
        }
        if let Some(dir) = dir {
            read_overrides(dir, dir, &mut sources, &mut locales)?;
        }
        let locales = Arc::new(locales);
        let mut formats = HashMap::new();
        let mut intl = HashMap::new();
        for lang in locales.languages() {
            intl.insert(lang.clone(), Intl::new(&lang, Arc::clone(&locales)));
            let prefix = format!("i18n/{lang}/");
            // English first, then this language's files over them.
            let mut own: Vec<(&str, &String)> =
                sources.iter().filter(|(n, _)| !n.starts_with("i18n/")).map(|(n, s)| (n.as_str(), s)).collect();
            own.extend(sources.iter().filter_map(|(n, s)| n.strip_prefix(&prefix).map(|n| (n, s))));
            for format in Format::ALL {
                let rtl = locales.is_rtl(&lang);
                let mut hb = Handlebars::new();
                hb.set_strict_mode(false);
                hb.register_escape_fn(move |s| if rtl { isolate(&format.escape(s)) } else { format.escape(s) });
                register_helpers(&mut hb, format, &lang, Arc::clone(&locales));
                for (name, src) in &own {
                    hb.register_template_string(name, *src).map_err(|e| RenderError::Template {
                        name: format!("{lang}: {name}"),
                        message: e.to_string(),
                    })?;
                }
                formats.insert((lang.clone(), format), hb);
            }
        }
        Ok(Self { formats, locales, intl })
    }

    /// The language tag this renderer uses for `lang`: itself when spoken,
    /// else English.
    fn spoken<'a>(&self, lang: &'a str) -> &'a str {
        if self.locales.has(lang) { lang } else { "en" }
    }

    /// A button label: actions carry a message id (`action.get_code`) or,
    /// failing that, literal text, which is shown as it is. `key|value`
    /// passes the value as `$value` (`action.take_seat_date|Thu 3 Dec`).
    ///
    /// Dates in a label (`action.take_seat_date|` with a short day, an event
    /// list's "Lunch — <when>") are the engine's marks, written here in `lang`.
    pub fn label(&self, lang: &str, label: &str) -> String {
        let lang = self.spoken(lang);
        let localize = |text: &str| self.localize(lang, text);
        if let Some((key, value)) = label.split_once('|')
            && let Some(text) =
                self.locales.message(lang, &message_id(key), &[("value".into(), localize(value).into())])
        {
            return text;
        }
        self.locales.message(lang, &message_id(label), &[]).unwrap_or_else(|| localize(label))
    }

    /// `text` with the engine's marks (`intl::duration`, `intl::percent`…)
    /// written in `lang`.
    pub fn localize(&self, lang: &str, text: &str) -> String {
        match self.intl.get(self.spoken(lang)).map(|i| i.localize(&Value::String(text.to_string()))) {
            Some(Value::String(s)) => s,
            _ => text.to_string(),
        }
    }

    /// Message `id` in `lang` (English if that language lacks it), no arguments.
    pub fn text(&self, lang: &str, id: &str) -> Option<String> {
        self.locales.message(self.spoken(lang), &message_id(id), &[])
    }

    /// Message `id` with arguments, in `lang` (English if it lacks it).
    pub fn message(&self, lang: &str, id: &str, args: &[(&str, Value)]) -> Option<String> {
        let args: Vec<_> = args.iter().map(|(k, v)| (k.to_string(), fluent_value(v))).collect();
        self.locales.message(self.spoken(lang), &message_id(id), &args)
    }

    /// Languages with messages (`en` first, then by tag).
    pub fn languages(&self) -> Vec<String> {
        self.locales.languages()
    }

    /// Whether `lang` is written right to left (HTML gets `dir="rtl"`).
    pub fn is_rtl(&self, lang: &str) -> bool {
        self.locales.is_rtl(lang)
    }

    /// The locales, for the completeness checks.
    pub fn locales(&self) -> &Locales {
        &self.locales
    }

    pub fn has(&self, name: &str) -> bool {
        self.formats.get(&("en".to_string(), Format::Plain)).is_some_and(|hb| hb.has_template(name))
    }

    /// Template `name` in language `lang` (falling back to English per file).
    pub fn render_template(&self, lang: &str, name: &str, data: &Value, format: Format) -> Result<String, RenderError> {
        let hb = self
            .formats
            .get(&(self.spoken(lang).to_string(), format))
            .ok_or_else(|| RenderError::Template { name: name.to_string(), message: "unknown format".into() })?;
        let localized = self.intl.get(self.spoken(lang)).map(|i| i.localize(data));
        hb.render(name, localized.as_ref().unwrap_or(data))
            .map(|s| tidy(&s))
            .map_err(|e| RenderError::Template { name: name.to_string(), message: e.to_string() })
    }

    /// Renders a reply in its language; a broken template yields a generic
    /// apology rather than an internal message.
    pub fn render(&self, reply: &Reply, format: Format) -> String {
        let lang = reply.language.as_ref().map_or("en", |l| l.as_str());
        match self.render_template(lang, &reply.template, &reply.data, format) {
            Ok(s) => s,
            Err(_) => self
                .text(lang, "render-failed")
                .unwrap_or_else(|| "Sorry, something went wrong while writing this answer.".into()),
        }
    }
}

/// Fluent ids cannot hold dots: `state.redeemed` is `state-redeemed`.
fn message_id(key: &str) -> String {
    key.replace('.', "-")
}

/// Templates are written for readability; drop trailing spaces and runs of
/// blank lines their control blocks leave behind.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

fn read_overrides(
    root: &Path,
    dir: &Path,
    sources: &mut HashMap<String, String>,
    locales: &mut Locales,
) -> Result<(), RenderError> {
    let err = |e: std::io::Error| RenderError::Dir { dir: dir.display().to_string(), message: e.to_string() };
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.is_dir() {
            read_overrides(root, &path, sources, locales)?;
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&path).map_err(err)?;
        if let Some(name) = rel.strip_suffix(".hbs") {
            sources.insert(name.to_string(), text);
        } else if let Some(lang) = rel.strip_prefix("i18n/").and_then(|l| l.strip_suffix("/messages.ftl")) {
            // Message by message over the embedded ones; a new directory is a new language.
            locales.add(lang, &text, &rel)?;
        }
    }
    Ok(())
}

fn param_str(h: &Helper<'_>, i: usize) -> String {
    match h.param(i).map(|p| p.value()) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

handlebars::handlebars_helper!(concat: |*args| args
    .iter()
    .map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
    .collect::<String>());

/// A helper that writes what `render` returns for its parameters. The
/// output is final markup: `render` escapes the user text it includes.
fn text_helper(
    render: impl Fn(&Helper<'_>) -> Result<String, RenderErrorReason> + Send + Sync + 'static,
) -> Box<dyn handlebars::HelperDef + Send + Sync> {
    Box::new(
        move |h: &Helper<'_>,
              _: &Handlebars<'_>,
              _: &Context,
              _: &mut RenderContext<'_, '_>,
              out: &mut dyn Output|
              -> HelperResult {
            out.write(&render(h)?)?;
            Ok(())
        },
    )
}

fn register_helpers(hb: &mut Handlebars<'static>, format: Format, lang: &str, locales: Arc<Locales>) {
    hb.register_helper("concat", Box::new(concat));
    let rtl = locales.is_rtl(lang);
    // In right-to-left text every left-to-right run a helper writes is isolated.
    let bidi = move |s: String| if rtl { isolate(&s) } else { s };
    // {{b text}} and {{code text}}: emphasis and literal text, per format.
    let (bold, code) = match format {
        Format::Plain => (("", ""), ("`", "`")),
        Format::Html => (("<b>", "</b>"), ("<code>", "</code>")),
        Format::Markdown => (("**", "**"), ("`", "`")),
    };
    hb.register_helper(
        "b",
        text_helper(move |h| Ok(format!("{}{}{}", bold.0, bidi(format.escape(&param_str(h, 0))), bold.1))),
    );
    // Inside a Markdown code span backslashes show literally (a code would be
    // copied wrong), and nothing is interpreted: drop backticks, don't escape.
    hb.register_helper(
        "code",
        text_helper(move |h| {
            let text = param_str(h, 0);
            let inner = match format {
                Format::Markdown => text.chars().filter(|c| *c != '`' && (*c == '\n' || !c.is_control())).collect(),
                _ => format.escape(&text),
            };
            Ok(bidi(format!("{}{inner}{}", code.0, code.1)))
        }),
    );
    // {{t "state" state}} is message `state-redeemed`; {{t "guests" count=n}}
    // passes `$count` to Fluent, which picks the plural form. Markup stays in
    // templates: the message's text is escaped like any value.
    let own = lang.to_string();
    let messages = Arc::clone(&locales);
    hb.register_helper(
        "t",
        text_helper(move |h| {
            let key = (0..h.params().len()).map(|i| param_str(h, i)).collect::<Vec<_>>().join(".");
            let args: Vec<(String, FluentValue<'static>)> =
                h.hash().iter().map(|(k, v)| (k.to_string(), fluent_value(v.value()))).collect();
            let text = messages
                .message(&own, &message_id(&key), &args)
                .unwrap_or_else(|| param_str(h, h.params().len().saturating_sub(1)));
            Ok(format.escape(&text))
        }),
    );
    // {{language_name "ru"}}: a language called as its speakers call it.
    let names = Arc::clone(&locales);
    hb.register_helper(
        "language_name",
        text_helper(move |h| {
            let tag = param_str(h, 0);
            let name = names.message(&tag, "language-name", &[]).unwrap_or_else(|| tag.clone());
            Ok(format.escape(&name))
        }),
    );
    // {{link url text}}: a clickable link where the format has them.
    hb.register_helper(
        "link",
        text_helper(move |h| {
            let url = param_str(h, 0);
            let text = param_str(h, 1);
            let text = if text.is_empty() { url.clone() } else { text };
            Ok(bidi(match format {
                Format::Plain => escape_plain(&url),
                Format::Html => format!("<a href=\"{}\">{}</a>", escape_html(&url), escape_html(&text)),
                Format::Markdown => format!("<{}>", url.replace(['<', '>', ' '], "")),
            }))
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_compiles() {
        let r = Renderer::builtin().expect("templates compile");
        assert!(r.has("reply/help"));
        assert!(r.has("error/unknown_code"));
    }

    #[test]
    fn code_spans_in_markdown_are_literal() {
        let r = Renderer::builtin().expect("templates compile");
        let reply =
            Reply::new("error/unknown_code", serde_json::json!({ "code": "7K3M-9QXP", "suggestion": "7K3M-9QXR`x" }));
        let md = r.render(&reply, Format::Markdown);
        assert!(md.contains("`7K3M-9QXP`"), "{md}");
        assert!(md.contains("`7K3M-9QXRx`"), "backticks cannot close the span early: {md}");
    }

    #[test]
    fn labels_write_their_dates_in_the_readers_language() {
        use chrono::TimeZone as _;
        let r = Renderer::builtin().expect("templates compile");
        let t = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 16, 0, 0).single().expect("a time");
        let zone = vouch_store::Timezone::parse("Europe/Bucharest").expect("zone");
        let seat = format!("action.take_seat_date|{}", crate::intl::short_day(t, zone));
        assert_eq!(r.label("ro", &seat), "Iau locul pe joi, 3 dec.");
        assert_eq!(r.label("en", &seat), "Take the seat for Thu 3 Dec");
        let listed = format!("Lunch — {}", crate::intl::moment(t, zone));
        assert_eq!(r.label("ro", &listed), "Lunch — joi, 3 decembrie 2026 la 18:00 EET");
    }

    #[test]
    fn user_text_is_escaped_per_format() {
        let name = "<b>Eve</b> *@everyone* [x](http://evil)";
        assert_eq!(escape_html(name), "&lt;b&gt;Eve&lt;/b&gt; *@everyone* [x](http://evil)");
        let md = escape_markdown(name);
        assert!(md.contains("\\*@\u{200B}everyone\\*"), "{md}");
        assert!(md.contains("\\[x\\]\\(http\\:"), "{md}");
        assert_eq!(escape_plain("a\u{1b}[31mred"), "a[31mred");
    }
}
