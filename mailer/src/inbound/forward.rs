//! Finding a forwarded message inside a body: the marker line clients put
//! above it ("---------- Forwarded message ---------", "Begin forwarded
//! message:", "-----Original Message-----", in many languages) and the
//! header block under it, or an Outlook `From:/Sent:/To:/Subject:` block
//! with no marker at all.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::Person;

/// Marker lines, lowercased; matched as substrings of a lowercased line.
const MARKERS: &[&str] = &[
    "forwarded message",
    "original message",
    "begin forwarded message",
    "anfang der weitergeleiteten nachricht",
    "début du message réexpédié",
    "inicio del mensaje reenviado",
    "начало переадресованного сообщения",
    "weitergeleitete nachricht",
    "ursprüngliche nachricht",
    "message transféré",
    "message d'origine",
    "mensaje reenviado",
    "mensaje original",
    "пересылаемое сообщение",
    "пересланное сообщение",
    "исходное сообщение",
    "mesaj redirecționat",
    "mesaj redirecţionat",
    "mesaj transmis",
    "mesaj original",
    "رسالة مُعاد توجيهها",
    "رسالة معاد توجيهها",
    "الرسالة الأصلية",
];

/// Bytes in the shortest marker: shorter lines are not searched.
const SHORTEST_MARKER: usize = 14;

/// All [`MARKERS`] at once, ASCII letters in any case: one pass per line
/// instead of one search per marker.
static MARKER_SEARCH: LazyLock<Option<AhoCorasick>> =
    LazyLock::new(|| AhoCorasick::builder().ascii_case_insensitive(true).build(MARKERS).ok());

/// Whether `line` contains a marker, case-insensitively. The search folds
/// ASCII case itself, so a line is lowercased first only when it has a
/// non-ASCII character that lowercasing changes (a capital Д or É).
fn has_marker(line: &str) -> bool {
    let folds = |c: char| {
        let mut lower = c.to_lowercase();
        lower.next() != Some(c) || lower.next().is_some()
    };
    let needs_lowercase = !line.is_ascii() && line.chars().any(|c| !c.is_ascii() && folds(c));
    let lower: std::borrow::Cow<'_, str> = if needs_lowercase { line.to_lowercase().into() } else { line.into() };
    match MARKER_SEARCH.as_ref() {
        Some(search) => search.is_match(lower.as_ref()),
        None => MARKERS.iter().any(|m| line.to_lowercase().contains(m)),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    From,
    To,
    Cc,
    Subject,
    Date,
}

/// Header names in forward blocks, lowercased, without the colon.
const FIELDS: &[(&str, Field)] = &[
    ("from", Field::From),
    ("von", Field::From),
    ("de", Field::From),
    ("de la", Field::From),
    ("от", Field::From),
    ("من", Field::From),
    ("to", Field::To),
    ("an", Field::To),
    ("à", Field::To),
    ("para", Field::To),
    ("кому", Field::To),
    ("către", Field::To),
    ("catre", Field::To),
    ("إلى", Field::To),
    ("cc", Field::Cc),
    ("копия", Field::Cc),
    ("نسخة", Field::Cc),
    ("subject", Field::Subject),
    ("betreff", Field::Subject),
    ("objet", Field::Subject),
    ("asunto", Field::Subject),
    ("тема", Field::Subject),
    ("subiect", Field::Subject),
    ("الموضوع", Field::Subject),
    ("date", Field::Date),
    ("sent", Field::Date),
    ("datum", Field::Date),
    ("gesendet", Field::Date),
    ("envoyé", Field::Date),
    ("envoyé le", Field::Date),
    ("fecha", Field::Date),
    ("enviado", Field::Date),
    ("enviado el", Field::Date),
    ("дата", Field::Date),
    ("отправлено", Field::Date),
    ("trimis", Field::Date),
    ("dată", Field::Date),
    ("data", Field::Date),
    ("التاريخ", Field::Date),
    ("تم الإرسال", Field::Date),
];

/// Bytes in the longest field name of [`FIELDS`] (a bound, not exact).
const LONGEST_FIELD: usize = 24;

/// A forward found in a body: the header block's fields and the text the
/// introducer wrote above it.
#[derive(Debug, Default)]
pub struct InlineForward {
    pub marker: String,
    pub from: Option<Person>,
    pub to: Vec<Person>,
    pub subject: Option<String>,
    pub date: Option<String>,
    pub note: String,
}

/// Looks for the first forward block in `body`.
pub fn find(body: &str) -> Option<InlineForward> {
    // Sized up front: growing it line by line showed in the profile.
    let mut lines: Vec<&str> = Vec::with_capacity(body.bytes().filter(|&b| b == b'\n').count() + 1);
    lines.extend(body.lines());
    for (i, raw) in lines.iter().enumerate() {
        let line = unquote(raw);
        // A marker line is under 100 characters (400 bytes at most): the
        // cheap bounds go first.
        let is_marker = (SHORTEST_MARKER..400).contains(&line.len()) && line.chars().count() < 100 && has_marker(line);
        // Outlook puts a bare header block under a rule, or none at all.
        let is_outlook_block = field_of(line).is_some_and(|(f, _)| f == Field::From) && block_has_subject(&lines[i..]);
        if !is_marker && !is_outlook_block {
            continue;
        }
        let start = if is_marker { i + 1 } else { i };
        let mut found = parse_block(&lines[start..]);
        if found.from.is_none() && found.subject.is_none() {
            continue;
        }
        found.marker = if is_marker { trim_rule(line).to_string() } else { "Outlook header block".to_string() };
        found.note = note_above(&lines[..i]);
        return Some(found);
    }
    None
}

/// Whether an Outlook-style block starting here names a subject within a
/// few lines (so a "From:" in prose is not mistaken for one).
fn block_has_subject(lines: &[&str]) -> bool {
    lines.iter().take(8).any(|l| field_of(unquote(l)).is_some_and(|(f, _)| f == Field::Subject))
}

fn parse_block(lines: &[&str]) -> InlineForward {
    let mut found = InlineForward::default();
    let mut seen_any = false;
    for raw in lines.iter().take(20) {
        let line = unquote(raw);
        if line.is_empty() {
            if seen_any {
                break;
            }
            continue;
        }
        let Some((field, value)) = field_of(line) else {
            if seen_any {
                break;
            }
            continue;
        };
        seen_any = true;
        match field {
            Field::From if found.from.is_none() => found.from = parse_person(value),
            Field::To | Field::Cc => found.to.extend(value.split([',', ';']).filter_map(parse_person)),
            Field::Subject if found.subject.is_none() => found.subject = Some(value.to_string()),
            Field::Date if found.date.is_none() => found.date = Some(value.to_string()),
            _ => {}
        }
    }
    found
}

/// `From: Jane <jane@x>` → (From, "Jane <jane@x>"). Tolerates French
/// spacing ("De :"), bold from HTML ("*From:*") and no-break spaces.
fn field_of(line: &str) -> Option<(Field, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '\u{a0}');
    if key.len() > LONGEST_FIELD {
        return None;
    }
    // FIELDS are lowercase: an ASCII key compares without allocating.
    let field = if key.is_ascii() {
        FIELDS.iter().find(|(name, _)| name.eq_ignore_ascii_case(key))?.1
    } else {
        let key = key.to_lowercase();
        FIELDS.iter().find(|(name, _)| *name == key)?.1
    };
    let value = value.trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '\u{a0}');
    Some((field, value))
}

/// Strips reply quoting ("> ") and surrounding space.
fn unquote(line: &str) -> &str {
    line.trim_start_matches(|c: char| c == '>' || c.is_whitespace()).trim_end()
}

fn trim_rule(line: &str) -> &str {
    line.trim_matches(|c: char| c == '-' || c == '_' || c == '=' || c.is_whitespace())
}

/// The introducer's own words above the forward, without the attribution
/// line and rules, capped.
fn note_above(lines: &[&str]) -> String {
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    let kept = lines
        .iter()
        .map(|l| l.trim_end())
        .filter(|l| !l.chars().all(|c| c == '_' || c == '-' || c.is_whitespace()) || l.is_empty());
    for (i, line) in kept.enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(line);
    }
    let text = text.trim();
    let end = text.char_indices().nth(2000).map_or(text.len(), |(i, _)| i);
    let mut out = text[..end].to_string();
    if end < text.len() {
        out.push('…');
    }
    out
}

/// `Jane Doe <jane@x>`, `"Doe, Jane" <jane@x>`, `Jane [mailto:jane@x]`,
/// `jane@x`: the name and address, or None without an address.
pub fn parse_person(value: &str) -> Option<Person> {
    let value = value.trim();
    let (name, email) = if let Some(open) = value.rfind('<') {
        let close = value[open..].find('>').map_or(value.len(), |c| open + c);
        (&value[..open], &value[open + 1..close])
    } else if let Some(open) = value.find("[mailto:") {
        let close = value[open..].find(']').map_or(value.len(), |c| open + c);
        (&value[..open], &value[open + 8..close])
    } else if let Some(word) = value.split_whitespace().find(|w| w.contains('@')) {
        let email = word.trim_matches(|c: char| matches!(c, '(' | ')' | '"' | '\'' | ',' | ';'));
        (value.split(word).next().unwrap_or_default(), email)
    } else {
        return None;
    };
    Person::new(name, email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcut_bounds_hold_for_every_marker_and_field() {
        assert!(MARKERS.iter().all(|m| m.len() >= SHORTEST_MARKER), "a marker shorter than SHORTEST_MARKER");
        assert!(FIELDS.iter().all(|(f, _)| f.len() <= LONGEST_FIELD), "a field longer than LONGEST_FIELD");
        for marker in MARKERS {
            assert!(has_marker(&format!("-- {} --", marker.to_uppercase())), "{marker}");
        }
        assert!(!has_marker("Hi Bob, see the message below"));
    }
}
