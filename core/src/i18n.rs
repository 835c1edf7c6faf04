//! Messages in the reader's language: one Fluent bundle per locale
//! directory (`i18n/LANG/messages.ftl`). Fluent does the CLDR plural rules
//! (Russian one/few/many, Arabic zero/one/two/few/many/other, Romanian
//! one/few/other), so no template counts with `if n == 1`. The categories
//! come from ICU4X's current CLDR data rather than the tables fluent-bundle
//! ships (see [`PLURAL`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::{CharacterDirection, LanguageIdentifier};

use serde_json::Value;

/// A template or message catalog that does not load.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("cannot read templates from {dir}: {message}")]
    Dir { dir: String, message: String },
}

/// A JSON value as a Fluent argument.
pub(crate) fn fluent_value(v: &Value) -> FluentValue<'static> {
    match v {
        Value::Number(n) => {
            n.as_i64().map(FluentValue::from).unwrap_or_else(|| FluentValue::from(n.as_f64().unwrap_or(0.0)))
        }
        Value::String(s) => FluentValue::from(s.clone()),
        Value::Bool(b) => FluentValue::from(if *b { "true" } else { "false" }),
        Value::Null => FluentValue::from(""),
        other => FluentValue::from(other.to_string()),
    }
}

/// First Strong Isolate / Pop Directional Isolate: a left-to-right run
/// (a code, a URL, an address, a Latin name) inside right-to-left text.
pub const FSI: char = '\u{2068}';
pub const PDI: char = '\u{2069}';

/// The Fluent function every numeric selector goes through: `{ $count ->
/// [few] …}` is read as `{ PLURAL($count) -> [few] …}`, the category of
/// `$count` by ICU4X's CLDR rules. fluent-bundle picks categories with its
/// own older tables, which put Romanian 101-119 in `other` ("101 de
/// recomandări" where Romanian writes "101 recomandări"). A text value
/// passes through unchanged, so selectors on words keep working.
pub const PLURAL: &str = "PLURAL";

const PLURAL_KEYS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

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
        drop(resource);
        let ids = message_variables(source);
        let resource = FluentResource::try_new(with_cldr_plurals(source))
            .map_err(|(_, errors)| bad(format!("after adding {PLURAL}: {errors:?}")))?;
        let entry = self.locales.entry(lang.to_string());
        let locale = match entry {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let rtl = id.character_direction() == CharacterDirection::RTL;
                let rules = plural_rules(&id).map_err(|e| bad(format!("no plural rules for {lang}: {e}")))?;
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Isolates only where the text runs right to left: in English or
                // Russian they would be invisible noise in every message.
                bundle.set_use_isolating(rtl);
                bundle
                    .add_function(PLURAL, move |args, _| plural_category(&rules, args.first()))
                    .map_err(|e| bad(format!("{PLURAL}: {e:?}")))?;
                v.insert(Locale { bundle, rtl, ids: BTreeMap::new() })
            }
        };
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

/// ICU4X's cardinal rules for `id` (the language's own, or the root's).
fn plural_rules(id: &LanguageIdentifier) -> Result<Arc<icu_plurals::PluralRules>, String> {
    let locale: icu_locale_core::Locale = id.to_string().parse().map_err(|e| format!("{e}"))?;
    icu_plurals::PluralRules::try_new_cardinal((&locale).into()).map(Arc::new).map_err(|e| e.to_string())
}

/// `PLURAL($n)`: the CLDR category of a number as a word Fluent matches
/// against variant keys; anything else as it is.
fn plural_category<'a>(rules: &icu_plurals::PluralRules, value: Option<&FluentValue<'a>>) -> FluentValue<'a> {
    use icu_plurals::PluralCategory as C;
    let Some(value) = value else { return FluentValue::None };
    let FluentValue::Number(n) = value else { return value.clone() };
    let category = if n.value.fract() == 0.0 && n.options.minimum_fraction_digits.unwrap_or(0) == 0 {
        rules.category_for(n.value as i64)
    } else {
        match n.as_string().parse::<fixed_decimal::Decimal>() {
            Ok(d) => rules.category_for(&d),
            Err(_) => C::Other,
        }
    };
    FluentValue::from(match category {
        C::Zero => "zero",
        C::One => "one",
        C::Two => "two",
        C::Few => "few",
        C::Many => "many",
        C::Other => "other",
    })
}

/// `source` with every select on a bare variable whose keys are plural
/// categories (and no exact numbers, which only a number matches) turned
/// into a select on `PLURAL($var)`.
fn with_cldr_plurals(source: &str) -> String {
    let mut resource = match fluent_syntax::parser::parse(source) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let mut changed = false;
    for entry in &mut resource.body {
        let (value, attributes) = match entry {
            ast::Entry::Message(m) => (m.value.as_mut(), &mut m.attributes),
            ast::Entry::Term(t) => (Some(&mut t.value), &mut t.attributes),
            _ => continue,
        };
        for p in value.into_iter().chain(attributes.iter_mut().map(|a| &mut a.value)) {
            changed |= plural_selects(p);
        }
    }
    if changed { fluent_syntax::serializer::serialize(&resource) } else { source.to_string() }
}

fn plural_selects(p: &mut ast::Pattern<&str>) -> bool {
    let mut changed = false;
    for e in &mut p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            changed |= plural_expression(expression);
        }
    }
    changed
}

fn plural_expression(e: &mut ast::Expression<&str>) -> bool {
    match e {
        ast::Expression::Select { selector, variants } => {
            let mut changed = false;
            for v in variants.iter_mut() {
                changed |= plural_selects(&mut v.value);
            }
            let plural_keys = variants
                .iter()
                .any(|v| matches!(v.key, ast::VariantKey::Identifier { name } if PLURAL_KEYS.contains(&name)));
            let exact = variants.iter().any(|v| matches!(v.key, ast::VariantKey::NumberLiteral { .. }));
            if plural_keys && !exact && matches!(selector, ast::InlineExpression::VariableReference { .. }) {
                let variable = std::mem::replace(selector, ast::InlineExpression::StringLiteral { value: "" });
                *selector = ast::InlineExpression::FunctionReference {
                    id: ast::Identifier { name: PLURAL },
                    arguments: ast::CallArguments { positional: vec![variable], named: Vec::new() },
                };
                changed = true;
            }
            changed
        }
        ast::Expression::Inline(ast::InlineExpression::Placeable { expression }) => plural_expression(expression),
        ast::Expression::Inline(_) => false,
    }
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
    fn plural_categories_are_cldr_s_and_word_selectors_still_work() {
        let mut l = Locales::new();
        let ro = "n = { $count ->\n    [one] o zi\n    [few] { $count } zile\n   *[other] { $count } de zile\n}\n\
                  w = { $day ->\n    [mon] luni\n   *[other] altă zi\n}\n\
                  x = { $count ->\n    [0] niciuna\n   *[other] câteva\n}\n";
        l.add("ro", ro, "ro").expect("ro");
        let n = |id: &str, v: FluentValue<'static>| {
            let name = if id == "w" { "day" } else { "count" };
            l.message("ro", id, &[(name.into(), v)]).expect("ro")
        };
        let days: Vec<_> = [1, 2, 20, 101, 119, 120].iter().map(|k| n("n", FluentValue::from(*k))).collect();
        assert_eq!(days, ["o zi", "2 zile", "20 de zile", "101 zile", "119 zile", "120 de zile"]);
        assert_eq!(n("n", FluentValue::from(1.5)), "1.5 zile", "a fraction is few in Romanian");
        assert_eq!(n("w", FluentValue::from("mon")), "luni");
        assert_eq!(n("w", FluentValue::from("tue")), "altă zi");
        assert_eq!(n("x", FluentValue::from(0)), "niciuna", "exact numbers still match");
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
