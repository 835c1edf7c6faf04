//! Every shipped locale is complete: the same templates as English, the same
//! message ids with the same variables, and no id the code no longer uses.
//! A missing translation fails here, not in front of a member.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use vouch_core::{CATALOG, Renderer};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn sources(dir: &Path, ext: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                sources(&path, ext, out);
            }
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(std::fs::read_to_string(&path).expect("readable source"));
        }
    }
}

/// Ids the templates ask for: `{{t "guests" count=n}}` is the id `guests`;
/// `{{t "state" state}}` uses every id that starts with `state-`.
fn template_ids(templates: &[String]) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut ids, mut prefixes) = (BTreeSet::new(), BTreeSet::new());
    for t in templates {
        for (i, _) in t.match_indices("{{t \"") {
            let rest = &t[i + 5..];
            let Some(end) = rest.find('"') else { continue };
            let id = rest[..end].replace('.', "-");
            let after = rest[end + 1..].trim_start();
            if after.starts_with("}}") || after.split_whitespace().next().is_some_and(|w| w.contains('=')) {
                ids.insert(id);
            } else {
                prefixes.insert(format!("{id}-"));
            }
        }
    }
    (ids, prefixes)
}

#[test]
fn every_locale_has_every_template_and_message_with_the_same_variables() {
    let renderer = Renderer::builtin().expect("templates compile");
    let languages = renderer.languages();
    for shipped in ["en", "ru", "ar", "ro"] {
        assert!(languages.iter().any(|l| l == shipped), "{shipped} ships: {languages:?}");
    }
    let english: BTreeSet<&str> =
        vouch_templates::templates().map(|(n, _)| n).filter(|n| !n.starts_with("i18n/")).collect();
    let en_ids = renderer.locales().ids("en");
    for lang in languages.iter().filter(|l| *l != "en") {
        let prefix = format!("i18n/{lang}/");
        let own: BTreeSet<&str> = vouch_templates::templates().filter_map(|(n, _)| n.strip_prefix(&prefix)).collect();
        let missing: Vec<_> = english.difference(&own).collect();
        let stale: Vec<_> = own.difference(&english).collect();
        assert!(missing.is_empty(), "{lang} lacks templates {missing:?}");
        assert!(stale.is_empty(), "{lang} has templates English no longer has: {stale:?}");
        let ids = renderer.locales().ids(lang);
        let missing: Vec<_> = en_ids.keys().filter(|id| !ids.contains_key(*id)).collect();
        let stale: Vec<_> = ids.keys().filter(|id| !en_ids.contains_key(*id)).collect();
        assert!(missing.is_empty(), "{lang} lacks messages {missing:?}");
        assert!(stale.is_empty(), "{lang} has messages English no longer has: {stale:?}");
        let differ: BTreeMap<_, _> = en_ids
            .iter()
            .filter(|(id, vars)| ids.get(*id) != Some(vars))
            .map(|(id, vars)| (id, (vars, ids.get(id))))
            .collect();
        assert!(differ.is_empty(), "{lang}: variables differ from English: {differ:?}");
    }
}

#[test]
fn every_message_the_code_uses_exists_and_every_message_is_used() {
    let renderer = Renderer::builtin().expect("templates compile");
    let en_ids = renderer.locales().ids("en");
    let mut templates = Vec::new();
    sources(&workspace().join("templates/files"), "hbs", &mut templates);
    let (template_ids, prefixes) = template_ids(&templates);
    let mut rust = Vec::new();
    for dir in ["core/src", "bots/src", "mailer/src", "src"] {
        sources(&workspace().join(dir), "rs", &mut rust);
    }
    let rust = rust.join("\n");
    for id in &template_ids {
        assert!(en_ids.contains_key(id), "a template uses message {id:?}, which English lacks");
    }
    for p in &prefixes {
        assert!(en_ids.keys().any(|id| id.starts_with(p.as_str())), "no message starts with {p:?}");
    }
    for spec in CATALOG {
        assert!(en_ids.contains_key(&format!("command-{}", spec.name)), "no description for command {}", spec.name);
        for arg in spec.args {
            let id = arg.help_id(spec);
            assert!(en_ids.contains_key(&id), "no help message {id} for `{}` of {}", arg.name, spec.name);
        }
    }
    // Discord takes at most 100 characters for a command or option description.
    for lang in renderer.languages() {
        for (id, _) in
            renderer.locales().ids(&lang).iter().filter(|(id, _)| id.starts_with("arg-") || id.starts_with("command-"))
        {
            let text = renderer.text(&lang, id).unwrap_or_default();
            assert!(text.chars().count() <= 100, "{lang} {id} is longer than Discord allows: {text}");
        }
    }
    // `format!("action.rsvp_{a}")`: every id starting with the literal part.
    let dynamic: Vec<String> = rust
        .match_indices("format!(\"")
        .filter_map(|(i, _)| {
            let rest = &rust[i + 9..];
            let brace = rest.find('{')?;
            (brace < rest.find('"')? && brace > 0).then(|| rest[..brace].replace('.', "-"))
        })
        .collect();
    for id in en_ids.keys() {
        let dotted = id.replacen('-', ".", 1);
        let used = template_ids.contains(id)
            || prefixes.iter().any(|p| id.starts_with(p.as_str()))
            || id.strip_prefix("command-").is_some_and(|name| CATALOG.iter().any(|c| c.name == name))
            || CATALOG.iter().any(|c| c.args.iter().any(|a| a.help_id(c) == *id))
            || rust.contains(&format!("\"{id}\""))
            || rust.contains(&format!("\"{dotted}\""))
            || rust.contains(&format!("\"{dotted}|"))
            || dynamic.iter().any(|d| d.contains('-') && id.starts_with(d.as_str()));
        assert!(used, "message {id:?} is used nowhere: remove it from every locale");
    }
}

#[test]
fn romanian_counts_with_cldr_plurals_and_writes_comma_below() {
    let renderer = Renderer::builtin().expect("templates compile");
    let n = |id: &str, count: i64| {
        renderer.message("ro", id, &[("count", serde_json::json!(count))]).expect("a Romanian message")
    };
    // CLDR: one for 1, few for 0, 2-19 and 101-119 (the last two digits
    // 01-19 take no "de"), other for the rest. fluent-bundle's own tables
    // say other for 101-119; vouch selects with ICU4X's (`i18n::PLURAL`).
    let counts = [0, 1, 2, 5, 11, 19, 20, 21, 100, 101, 102, 119, 120, 1001];
    let referrals: Vec<String> = counts.iter().map(|k| n("referrals", *k)).collect();
    assert_eq!(
        referrals,
        [
            "0 recomandări",
            "1 recomandare",
            "2 recomandări",
            "5 recomandări",
            "11 recomandări",
            "19 recomandări",
            "20 de recomandări",
            "21 de recomandări",
            "100 de recomandări",
            "101 recomandări",
            "102 recomandări",
            "119 recomandări",
            "120 de recomandări",
            "1001 recomandări",
        ]
    );
    assert_eq!(n("guests", 1), "1 invitat");
    assert_eq!(n("days", 30), "30 de zile");
    // Romanian ș and ț take a comma below (U+0219, U+021B); the cedilla
    // forms ş ţ are a legacy of old code pages and read as misspelt.
    let mut ro = Vec::new();
    sources(&workspace().join("templates/files/i18n/ro"), "hbs", &mut ro);
    sources(&workspace().join("templates/files/i18n/ro"), "ftl", &mut ro);
    assert!(ro.len() > 100, "every Romanian file was read: {}", ro.len());
    for text in &ro {
        assert!(!text.contains(['ş', 'ţ', 'Ş', 'Ţ']), "cedilla instead of comma below in: {text}");
    }
}
