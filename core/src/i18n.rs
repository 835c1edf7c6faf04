//! Messages in the reader's language: one Fluent bundle per locale
//! directory (`i18n/LANG/messages.ftl`). Fluent does the CLDR plural rules
//! (Russian one/few/many, Arabic zero/one/two/few/many/other, Romanian
//! one/few/other), so no template counts with `if n == 1`.

use std::collections::{BTreeMap, BTreeSet};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::{CharacterDirection, LanguageIdentifier};

use crate::render::RenderError;

/// First Strong Isolate / Pop Directional Isolate: a left-to-right run
/// (a code, a URL, an address, a Latin name) inside right-to-left text.
pub const FSI: char = '\u{2068}';
pub const PDI: char = '\u{2069}';

struct Locale {
    bundle: FluentBundle<FluentResource>,
    rtl: bool,
    /// Every message id with the variables its text uses (the completeness check).
    ids: BTreeMap<String, BTreeSet<String>>,
}

/// Every locale's messages, by language tag.
pub struct Locales {
    locales: BTreeMap<String, Locale>,
}

impl std::fmt::Debug for Locales {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.locales.keys()).finish()
    }
}

impl Locales {
    pub fn new() -> Self {
        Self { locales: BTreeMap::new() }
    }

    /// Adds (or, for an override directory, replaces message by message)
    /// the `.ftl` source of `lang`. A syntax error names the file and line.
    pub fn add(&mut self, lang: &str, source: &str, origin: &str) -> Result<(), RenderError> {
        let bad = |message: String| RenderError::Template { name: origin.to_string(), message };
        let id: LanguageIdentifier = lang.parse().map_err(|e| bad(format!("{lang} is not a language tag: {e}")))?;
        let resource = FluentResource::try_new(source.to_string()).map_err(|(_, errors)| {
            let first = errors.first().map(|e| {
                let line = source[..e.pos.start.min(source.len())].lines().count().max(1);
                format!("line {line}: {:?}", e.kind)
            });
            bad(first.unwrap_or_default())
        })?;
        let ids = message_variables(source);
        let locale = self.locales.entry(lang.to_string()).or_insert_with(|| {
            let rtl = id.character_direction() == CharacterDirection::RTL;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolates only where the text runs right to left: in English or
            // Russian they would be invisible noise in every message.
            bundle.set_use_isolating(rtl);
            Locale { bundle, rtl, ids: BTreeMap::new() }
        });
        locale.bundle.add_resource_overriding(resource);
        locale.ids.extend(ids);
        Ok(())
    }

    /// Languages with messages, English first.
    pub fn languages(&self) -> Vec<String> {
        let mut langs: Vec<String> = self.locales.keys().cloned().collect();
        langs.sort_by_key(|l| (l != "en", l.clone()));
        langs
    }

    pub fn has(&self, lang: &str) -> bool {
        self.locales.contains_key(lang)
    }

    pub fn is_rtl(&self, lang: &str) -> bool {
        self.locales.get(lang).is_some_and(|l| l.rtl)
    }

    /// Message ids of `lang` with their variables.
    pub fn ids(&self, lang: &str) -> BTreeMap<String, BTreeSet<String>> {
        self.locales.get(lang).map(|l| l.ids.clone()).unwrap_or_default()
    }

    /// Message `id` in `lang`, falling back to English; `None` if neither has it.
    pub fn message(&self, lang: &str, id: &str, args: &[(String, FluentValue<'_>)]) -> Option<String> {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(name.clone(), value.clone());
        }
        [lang, "en"].iter().find_map(|l| {
            let bundle = &self.locales.get(*l)?.bundle;
            let pattern = bundle.get_message(id)?.value()?;
            let mut errors = Vec::new();
            Some(bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned())
        })
    }
}

impl Default for Locales {
    fn default() -> Self {
        Self::new()
    }
}

/// Wraps `text` in FSI…PDI when it holds a left-to-right letter (Latin,
/// Cyrillic…) or digits, so `VNWF-A3KF`, links and Latin names keep their
/// order inside an Arabic sentence. Arabic-only text is left alone.
pub fn isolate(text: &str) -> String {
    let ltr = text.chars().any(|c| c.is_ascii_alphanumeric() || (c.is_alphabetic() && (c as u32) < 0x0590));
    // Arabic text that holds a left-to-right run (a reward: "رصيد 50.00 US$
    // في الحساب") already reads right to left, and Fluent isolated the run.
    let rtl_first = text.chars().find(|c| c.is_alphabetic()).is_some_and(|c| (0x0590..0x0900).contains(&(c as u32)));
    if !ltr || rtl_first || text.starts_with(FSI) {
        return text.to_string();
    }
    format!("{FSI}{text}{PDI}")
}

/// Message id -> variables used anywhere in its value or attributes.
fn message_variables(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let mut out = BTreeMap::new();
    for entry in &resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(p) = &m.value {
                pattern_vars(p, &mut vars);
            }
            for a in &m.attributes {
                pattern_vars(&a.value, &mut vars);
            }
            out.insert(m.id.name.to_string(), vars);
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
            for a in &arguments.named {
                inline_vars(&a.value, vars);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locales() -> Locales {
        let mut l = Locales::new();
        l.add("en", "guests = { $count ->\n    [one] { $count } guest\n   *[other] { $count } guests\n}\n", "en")
            .expect("en");
        l.add(
            "ru",
            "guests = { $count ->\n    [one] { $count } гость\n    [few] { $count } гостя\n   *[many] { $count } гостей\n}\n",
            "ru",
        )
        .expect("ru");
        l.add("ar", "hello = مرحبا { $name }\n", "ar").expect("ar");
        l
    }

    #[test]
    fn plurals_follow_cldr_rules() {
        let l = locales();
        let n = |lang: &str, n: i64| l.message(lang, "guests", &[("count".into(), FluentValue::from(n))]);
        let ru: Vec<_> = [1, 2, 5, 11, 21].iter().map(|k| n("ru", *k).expect("ru")).collect();
        assert_eq!(ru, ["1 гость", "2 гостя", "5 гостей", "11 гостей", "21 гость"]);
        assert_eq!(n("en", 1).as_deref(), Some("1 guest"));
        assert_eq!(n("ro", 2).as_deref(), Some("2 guests"), "a missing locale falls back to English");
        assert_eq!(l.ids("ru").get("guests"), Some(&BTreeSet::from(["count".to_string()])));
    }

    #[test]
    fn arabic_isolates_left_to_right_runs() {
        let l = locales();
        assert!(l.is_rtl("ar") && !l.is_rtl("ru"));
        let hi = l.message("ar", "hello", &[("name".into(), FluentValue::from("Ana"))]).expect("ar");
        assert_eq!(hi, format!("مرحبا {FSI}Ana{PDI}"));
        assert_eq!(isolate("VNWF-A3KF"), format!("{FSI}VNWF-A3KF{PDI}"));
        assert_eq!(isolate("برنامج"), "برنامج");
        assert_eq!(isolate("خصم 20%"), "خصم 20%", "right to left already");
    }
}
