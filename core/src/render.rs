//! Rendering replies per channel. Each format has its own escaper, applied to
//! every `{{value}}`; helpers (`b`, `code`, `link`) escape what they wrap.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde_json::Value;

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

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("cannot read templates from {dir}: {message}")]
    Dir { dir: String, message: String },
}

/// All templates, compiled once per format.
pub struct Renderer {
    formats: HashMap<Format, Handlebars<'static>>,
    /// Every locale table by language (`en`, and any `locales/LANG.json`).
    locales: BTreeMap<String, HashMap<String, String>>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").finish_non_exhaustive()
    }
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
        let mut locales: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
        for (lang, json) in vouch_templates::locales() {
            locales.entry(lang.to_string()).or_default().extend(parse_locale(json)?);
        }
        if let Some(dir) = dir {
            read_overrides(dir, dir, &mut sources, &mut locales)?;
        }
        let locale = locales.get("en").cloned().unwrap_or_default();
        let mut formats = HashMap::new();
        for format in Format::ALL {
            let mut hb = Handlebars::new();
            hb.set_strict_mode(false);
            hb.register_escape_fn(move |s| format.escape(s));
            register_helpers(&mut hb, format, locale.clone());
            for (name, src) in &sources {
                hb.register_template_string(name, src)
                    .map_err(|e| RenderError::Template { name: name.clone(), message: e.to_string() })?;
            }
            formats.insert(format, hb);
        }
        Ok(Self { formats, locales })
    }

    /// A button label: actions carry a locale key (`action.get_code`) or,
    /// failing that, literal text, which is shown as it is. `key|value`
    /// puts the value where the text has `{}` (`action.take_seat_date|Thu 3 Dec`).
    pub fn label(&self, label: &str) -> String {
        if let Some((key, value)) = label.split_once('|')
            && let Some(text) = self.text("en", key)
        {
            return text.replacen("{}", value, 1);
        }
        self.text("en", label).unwrap_or(label).to_string()
    }

    /// The string `key` in language `lang`, if that table has it.
    pub fn text(&self, lang: &str, key: &str) -> Option<&str> {
        self.locales.get(lang).and_then(|t| t.get(key)).map(String::as_str)
    }

    /// Languages with a locale table (`en` first if present, then by name).
    pub fn languages(&self) -> Vec<&str> {
        let mut langs: Vec<&str> = self.locales.keys().map(String::as_str).collect();
        langs.sort_by_key(|l| (*l != "en", *l));
        langs
    }

    pub fn has(&self, name: &str) -> bool {
        self.formats.get(&Format::Plain).is_some_and(|hb| hb.has_template(name))
    }

    pub fn render_template(&self, name: &str, data: &Value, format: Format) -> Result<String, RenderError> {
        let hb = self
            .formats
            .get(&format)
            .ok_or_else(|| RenderError::Template { name: name.to_string(), message: "unknown format".into() })?;
        hb.render(name, data)
            .map(|s| tidy(&s))
            .map_err(|e| RenderError::Template { name: name.to_string(), message: e.to_string() })
    }

    /// Renders a reply; a broken template yields a generic apology rather
    /// than an internal message.
    pub fn render(&self, reply: &Reply, format: Format) -> String {
        match self.render_template(&reply.template, &reply.data, format) {
            Ok(s) => s,
            Err(_) => "Sorry, something went wrong while writing this answer.".into(),
        }
    }
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

fn parse_locale(json: &str) -> Result<HashMap<String, String>, RenderError> {
    serde_json::from_str(json).map_err(|e| RenderError::Template { name: "locale".into(), message: e.to_string() })
}

fn read_overrides(
    root: &Path,
    dir: &Path,
    sources: &mut HashMap<String, String>,
    locales: &mut BTreeMap<String, HashMap<String, String>>,
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
        } else if let Some(lang) = rel.strip_prefix("locales/").and_then(|l| l.strip_suffix(".json")) {
            locales.entry(lang.to_string()).or_default().extend(parse_locale(&text)?);
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

fn register_helpers(hb: &mut Handlebars<'static>, format: Format, locale: HashMap<String, String>) {
    hb.register_helper("concat", Box::new(concat));
    // {{b text}} and {{code text}}: emphasis and literal text, per format.
    let (bold, code) = match format {
        Format::Plain => (("", ""), ("`", "`")),
        Format::Html => (("<b>", "</b>"), ("<code>", "</code>")),
        Format::Markdown => (("**", "**"), ("`", "`")),
    };
    hb.register_helper(
        "b",
        text_helper(move |h| Ok(format!("{}{}{}", bold.0, format.escape(&param_str(h, 0)), bold.1))),
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
            Ok(format!("{}{inner}{}", code.0, code.1))
        }),
    );
    // {{t "state" state}} looks up "state.redeemed" in the locale table.
    hb.register_helper(
        "t",
        text_helper(move |h| {
            let key = (0..h.params().len()).map(|i| param_str(h, i)).collect::<Vec<_>>().join(".");
            let text = locale.get(&key).cloned().unwrap_or_else(|| param_str(h, h.params().len().saturating_sub(1)));
            Ok(format.escape(&text))
        }),
    );
    // {{plural n "referral" "referrals"}} -> "1 referral", "3 referrals".
    hb.register_helper(
        "plural",
        text_helper(move |h| {
            let n = h
                .param(0)
                .and_then(|p| p.value().as_i64())
                .ok_or_else(|| RenderErrorReason::ParamTypeMismatchForName("plural", "0".into(), "number".into()))?;
            let word = if n == 1 { param_str(h, 1) } else { param_str(h, 2) };
            Ok(format!("{n} {}", format.escape(&word)))
        }),
    );
    // {{link url text}}: a clickable link where the format has them.
    hb.register_helper(
        "link",
        text_helper(move |h| {
            let url = param_str(h, 0);
            let text = param_str(h, 1);
            let text = if text.is_empty() { url.clone() } else { text };
            Ok(match format {
                Format::Plain => escape_plain(&url),
                Format::Html => format!("<a href=\"{}\">{}</a>", escape_html(&url), escape_html(&text)),
                Format::Markdown => format!("<{}>", url.replace(['<', '>', ' '], "")),
            })
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
    fn user_text_is_escaped_per_format() {
        let name = "<b>Eve</b> *@everyone* [x](http://evil)";
        assert_eq!(escape_html(name), "&lt;b&gt;Eve&lt;/b&gt; *@everyone* [x](http://evil)");
        let md = escape_markdown(name);
        assert!(md.contains("\\*@\u{200B}everyone\\*"), "{md}");
        assert!(md.contains("\\[x\\]\\(http\\:"), "{md}");
        assert_eq!(escape_plain("a\u{1b}[31mred"), "a[31mred");
    }
}
