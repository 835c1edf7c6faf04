//! Finding a forwarded message inside a body: the separator line clients
//! put above it ("---------- Forwarded message ---------", "Begin forwarded
//! message:", "-----Original Message-----", Yandex's attribution line, in
//! many languages; see [`super::labels`]) and the header block under it, or
//! a header block (`From:/Sent:/To:/Subject:`) with no separator at all.
//! A reply's "On … wrote:" line above any of them makes the mail a reply.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::labels::{FORWARD_PREFIXES, Field, LABELS, REPLY_PREFIXES, SEPARATORS, WROTE};
use super::{Person, lowercase_on_stack};

/// Bytes in the shortest separator: shorter lines are not searched.
const SHORTEST_MARKER: usize = 8;

/// All [`SEPARATORS`] at once, ASCII letters in any case: one pass per line
/// instead of one search per marker.
static MARKER_SEARCH: LazyLock<Option<AhoCorasick>> =
    LazyLock::new(|| AhoCorasick::builder().ascii_case_insensitive(true).build(SEPARATORS).ok());

static WROTE_SEARCH: LazyLock<Option<AhoCorasick>> =
    LazyLock::new(|| AhoCorasick::builder().ascii_case_insensitive(true).build(WROTE).ok());

/// Labels by their lowercase text. Keyed by FNV-1a: every line with a
/// colon is looked up, and SipHash (the default) was most of that cost.
static LABEL_MAP: LazyLock<HashMap<&'static str, Field, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| LABELS.iter().copied().collect());

/// FNV-1a: short keys, no untrusted-collision concern (a fixed table of
/// labels; a line can only miss it or hit it).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// Bytes in the longest label of [`LABELS`] (a bound, not exact).
const LONGEST_FIELD: usize = 32;

/// `line` lowercased when lowercasing changes a non-ASCII character (a
/// capital Д or É); the searches fold ASCII case themselves.
pub(super) fn folded(line: &str) -> std::borrow::Cow<'_, str> {
    let folds = |c: char| {
        let mut lower = c.to_lowercase();
        lower.next() != Some(c) || lower.next().is_some()
    };
    let needs_lowercase = !line.is_ascii() && line.chars().any(|c| !c.is_ascii() && folds(c));
    if needs_lowercase { line.to_lowercase().into() } else { line.into() }
}

fn search(automaton: &LazyLock<Option<AhoCorasick>>, words: &[&str], line: &str) -> bool {
    let lower = folded(line);
    match automaton.as_ref() {
        Some(search) => search.is_match(lower.as_ref()),
        None => words.iter().any(|m| line.to_lowercase().contains(m)),
    }
}

/// Whether `line` is a separator above a forwarded message. Every client
/// draws one with a rule ("-----", "=====") or ends it with a colon
/// (Apple's "Begin forwarded message:"): other lines are not searched.
fn has_marker(line: &str) -> bool {
    let ruled = || has_rule(line) || line.ends_with([':', '：']);
    (SHORTEST_MARKER..400).contains(&line.len())
        && ruled()
        && line.chars().count() < 120
        && search(&MARKER_SEARCH, SEPARATORS, line)
}

/// Whether `line` holds "--" or "==" (one pass over the bytes).
fn has_rule(line: &str) -> bool {
    let bytes = line.as_bytes();
    memchr::memchr2_iter(b'-', b'=', bytes).any(|i| bytes.get(i + 1) == Some(&bytes[i]))
}

/// The byte offset of the first colon, ASCII or full-width (U+FF1A).
fn find_colon(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    // 0xEF starts the full-width colon's UTF-8 (EF BC 9A) and other characters.
    memchr::memchr2_iter(b':', 0xEF, bytes).find(|&i| bytes[i] == b':' || bytes[i..].starts_with("：".as_bytes()))
}

/// A reply's attribution line: "On Tue, … Jane <jane@x> wrote:", "Am … schrieb …:",
/// "2026年11月17日 山田 <taro@x>:" — it ends in a colon and names a writer.
fn is_attribution(line: &str) -> bool {
    let Some(rest) = line.strip_suffix(':').or_else(|| line.strip_suffix('：')) else { return false };
    if rest.len() > 400 || rest.is_empty() {
        return false;
    }
    search(&WROTE_SEARCH, WROTE, rest) || (rest.contains('@') && rest.trim_end().ends_with('>'))
}

/// Whether `subject` starts with a forward prefix, and whether with a reply prefix.
fn subject_starts(subject: &str) -> (bool, bool) {
    // Prefixes are short: only the subject's first few characters are
    // lowercased, on the stack (16 characters of 4 bytes, each lowercasing
    // to at most 3 characters).
    let mut buffer = [0u8; 16 * 3 * 4];
    let mut len = 0;
    for c in subject.trim_start().chars().take(16).flat_map(char::to_lowercase) {
        len += c.encode_utf8(&mut buffer[len..]).len();
    }
    let head = std::str::from_utf8(&buffer[..len]).unwrap_or_default();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| head.starts_with(p));
    (starts(FORWARD_PREFIXES), starts(REPLY_PREFIXES))
}

/// A forward found in a body: the header block's fields and the text the
/// introducer wrote above it, borrowed from the body.
#[derive(Debug, Default)]
pub struct InlineForward<'a> {
    pub marker: &'a str,
    pub from: Option<Person>,
    /// The To and Cc values as written (each a list): parsed by
    /// [`InlineForward::recipients`] only when they are needed, when the
    /// forwarded mail is the introducer's own.
    pub to: Vec<&'a str>,
    pub subject: Option<&'a str>,
    pub date: Option<&'a str>,
    pub note: String,
}

impl InlineForward<'_> {
    /// The forwarded message's To and Cc recipients, in order.
    pub fn recipients(&self) -> Vec<Person> {
        self.to.iter().flat_map(|list| list.split([',', ';']).filter_map(parse_person)).collect()
    }
}

/// What a body holds above everything else it quotes.
#[derive(Debug)]
pub enum Found<'a> {
    Forward(InlineForward<'a>),
    /// A reply quoting the mail it answers; the writer of that mail when
    /// the attribution line or header block names one.
    Reply(Option<Person>),
}

/// Looks for the outermost forward in `body`; `subject` is the outer
/// message's, which tells a quoted reply from a forward where the body
/// alone cannot.
pub fn find<'a>(body: &'a str, subject: &str) -> Option<Found<'a>> {
    let (forward_subject, reply_prefix) = subject_starts(subject);
    let reply_subject = !forward_subject && reply_prefix;
    // Sized up front: growing it line by line showed in the profile.
    let mut lines: Vec<&str> = Vec::with_capacity(memchr::memchr_iter(b'\n', body.as_bytes()).count() + 1);
    lines.extend(body.lines());
    for (i, raw) in lines.iter().enumerate() {
        let line = unquote(raw);
        if line.is_empty() {
            continue;
        }
        if has_marker(line) {
            let mut found = parse_after_marker(&lines[i + 1..]);
            if found.from.is_none() {
                continue;
            }
            found.marker = trim_rule(line);
            found.note = note_above(&lines[..i]);
            return Some(Found::Forward(found));
        }
        if field_of(line).is_some_and(|(f, _)| f == Field::From) {
            // Labels above From belong to the same block (GMX puts Sent first).
            let mut start = i;
            while start > 0 && field_of(unquote(lines[start - 1])).is_some() {
                start -= 1;
            }
            let (mut found, fields) = parse_block(&lines[start..]);
            if found.from.is_none() || fields < 3 {
                continue;
            }
            if reply_subject {
                // An Outlook reply quotes the mail it answers under the same block.
                return Some(Found::Reply(found.from));
            }
            found.marker = "header block";
            found.note = note_above(&lines[..start]);
            return Some(Found::Forward(found));
        }
        if is_attribution(line) {
            if !forward_subject {
                // A reply: what follows is the quoted mail it answers.
                return Some(Found::Reply(attribution_person(line)));
            }
            // Outlook 2019 forwards under an attribution line; the subject says it is a forward.
            if let Some(from) = attribution_person(line) {
                let note = note_above(&lines[..i]);
                return Some(Found::Forward(InlineForward {
                    marker: "attribution line",
                    from: Some(from),
                    note,
                    ..InlineForward::default()
                }));
            }
        }
    }
    None
}

/// After a separator: a header block, or an attribution line naming the
/// sender (Yandex: `17.11.2026, 10:15, "Иван Петров" <ivan@x>:`), or the
/// sender's line alone (IBM Notes).
fn parse_after_marker<'a>(lines: &[&'a str]) -> InlineForward<'a> {
    let Some((at, first)) = lines.iter().map(|l| unquote(l)).enumerate().take(6).find(|(_, l)| !l.is_empty()) else {
        return InlineForward::default();
    };
    if field_of(first).is_some() {
        return parse_block(&lines[at..]).0;
    }
    let from = if first.contains('@') { attribution_person(first) } else { None };
    InlineForward { from, ..InlineForward::default() }
}

/// The writer named in an attribution line: the address in `<…>` (or a
/// bare one) and the name before it — quoted, or the last comma-separated
/// piece (after the date and time).
fn attribution_person(line: &str) -> Option<Person> {
    let line = line.trim_end_matches([':', '：', ' ']);
    if let Some(open) = line.rfind('<') {
        let close = line[open..].find('>').map_or(line.len(), |c| open + c);
        let email = line[open + 1..close].trim_start_matches("mailto:");
        let before = line[..open].trim_end().trim_end_matches('(').trim_end();
        let name = if let Some(inner) = before.strip_suffix(['"', '»', '”']) {
            let start = inner
                .rfind(['"', '«', '„', '“'])
                .map_or(0, |s| s + inner[s..].chars().next().map_or(1, char::len_utf8));
            &inner[start..]
        } else {
            name_after_date(before)
        };
        return Person::new(name.trim(), email);
    }
    let word = line.split_whitespace().find(|w| w.contains('@'))?;
    Person::new("", word.trim_matches(|c: char| matches!(c, '(' | ')' | '"' | '\'' | ',' | ';' | ':')))
}

/// The name at the end of an attribution's text before the address:
/// after the last comma, or after the date and time and the words that
/// join them to the name ("… 10:15 AM Jane Doe", "… 10:15 heeft Sanne").
fn name_after_date(before: &str) -> &str {
    const JOINERS: &[&str] = &[
        "am",
        "pm",
        "at",
        "um",
        "uhr",
        "à",
        "a",
        "las",
        "alle",
        "às",
        "om",
        "kl.",
        "klo",
        "o",
        "в",
        "г.,",
        "г.",
        "heeft",
        "schrieb",
        "skrev",
        "escribió",
        "escreveu",
        "időpontban",
        "používateľ",
        "пользователь",
        "wrote",
    ];
    let piece = before.rsplit(',').next().unwrap_or_default().trim();
    if !piece.chars().any(|c| c.is_ascii_digit()) {
        return piece;
    }
    // Words with their byte offsets, to slice `before` from the first kept one.
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in before.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                tokens.push((s, &before[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push((s, &before[s..]));
    }
    let Some(last_digit) = tokens.iter().rposition(|(_, t)| t.chars().any(|c| c.is_ascii_digit())) else {
        return piece;
    };
    let kept = tokens[last_digit + 1..].iter().find(|(_, t)| !JOINERS.iter().any(|j| j.eq_ignore_ascii_case(t)));
    kept.map_or("", |(at, _)| before[*at..].trim())
}

/// A header block: its fields, and how many labelled lines it had.
fn parse_block<'a>(lines: &[&'a str]) -> (InlineForward<'a>, usize) {
    let mut found = InlineForward::default();
    let mut fields = 0;
    let mut last = None;
    let mut i = 0;
    let mut blank = 0;
    while i < lines.len() && i < 40 {
        let line = unquote(lines[i]);
        i += 1;
        if line.is_empty() {
            blank += 1;
            if fields > 0 || blank > 3 {
                break;
            }
            continue;
        }
        let Some((field, value)) = field_of(line) else {
            // A long To/Cc list wraps onto the next lines.
            if fields > 0 && matches!(last, Some(Field::To | Field::Cc)) && line.contains('@') {
                found.to.push(line);
                continue;
            }
            break;
        };
        fields += 1;
        last = Some(field);
        // The value on the next line: a label alone, or a name whose
        // address wrapped ("From: Jane Doe" / "<jane@x>").
        let next = lines.get(i).map(|l| unquote(l)).filter(|l| !l.is_empty() && field_of(l).is_none());
        let mut wrapped = None;
        let value = match next {
            Some(next) if value.is_empty() => {
                i += 1;
                next
            }
            Some(next) if field == Field::From && !value.contains('@') && next.contains('@') => {
                i += 1;
                wrapped = Some(next);
                value
            }
            _ => value,
        };
        match field {
            Field::From if found.from.is_none() => {
                found.from = match wrapped {
                    Some(next) => parse_person(&format!("{value} {next}")),
                    None => parse_person(value),
                }
            }
            Field::To | Field::Cc => found.to.push(value),
            Field::Subject if found.subject.is_none() => found.subject = Some(value),
            Field::Date if found.date.is_none() => found.date = Some(value),
            _ => {}
        }
    }
    (found, fields)
}

/// `From: Jane <jane@x>` → (From, "Jane <jane@x>"). Tolerates spacing
/// before the colon ("De :", "From :"), a full-width colon (差出人：), bold
/// from HTML ("*From:*") and no-break spaces.
fn field_of(line: &str) -> Option<(Field, &str)> {
    let colon = find_colon(line)?;
    let (key, value) = (&line[..colon], &line[colon + line[colon..].chars().next().map_or(1, char::len_utf8)..]);
    let key = key
        .trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '\u{a0}' || c == '\u{200e}' || c == '\u{200f}');
    if key.is_empty() || key.len() > LONGEST_FIELD {
        return None;
    }
    let field = if key.is_ascii() {
        // Lowercased on the stack: most lines with a colon are no header.
        let mut buffer = [0u8; LONGEST_FIELD];
        let lower = &mut buffer[..key.len()];
        lower.copy_from_slice(key.as_bytes());
        lower.make_ascii_lowercase();
        *LABEL_MAP.get(std::str::from_utf8(lower).ok()?)?
    } else {
        let mut buffer = [0u8; 4 * LONGEST_FIELD];
        match lowercase_on_stack(key, &mut buffer) {
            Some(lower) => *LABEL_MAP.get(lower)?,
            None => *LABEL_MAP.get(key.to_lowercase().as_str())?,
        }
    };
    let value = value.trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '\u{a0}');
    Some((field, value))
}

/// Strips reply quoting ("> ") and surrounding space.
fn unquote(line: &str) -> &str {
    line.trim_start_matches(|c: char| c == '>' || c.is_whitespace()).trim_end()
}

fn trim_rule(line: &str) -> &str {
    line.trim_matches(|c: char| matches!(c, '-' | '_' | '=' | '*' | ':' | '：') || c.is_whitespace())
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
/// `Jane <jane@x<mailto:jane@x>>` (Outlook), `jane@x`: the name and
/// address, or None without an address.
pub fn parse_person(value: &str) -> Option<Person> {
    let value = value.trim();
    let (name, email) = if let Some(open) = value.find("<mailto:") {
        let close = value[open..].find('>').map_or(value.len(), |c| open + c);
        let name = value[..open].split('<').next().unwrap_or_default();
        (name, &value[open + 8..close])
    } else if let Some(open) = value.rfind('<') {
        let close = value[open..].find('>').map_or(value.len(), |c| open + c);
        (&value[..open], &value[open + 1..close])
    } else if let Some(open) = value.find("[mailto:") {
        let close = value[open..].find(']').map_or(value.len(), |c| open + c);
        (&value[..open], &value[open + 8..close])
    } else if let Some(word) = value.split_whitespace().find(|w| w.contains('@')) {
        let email = word.trim_matches(|c: char| matches!(c, '(' | ')' | '"' | '\'' | ',' | ';' | '[' | ']'));
        (value.split(word).next().unwrap_or_default(), email)
    } else {
        return None;
    };
    Person::new(name, email.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcut_bounds_hold_for_every_marker_and_field() {
        for marker in SEPARATORS {
            let line = format!("-- {marker} --");
            assert!(line.contains("--"), "{marker}");
        }
        assert!(SEPARATORS.iter().all(|m| m.len() >= SHORTEST_MARKER), "a marker shorter than SHORTEST_MARKER");
        assert!(LABELS.iter().all(|(f, _)| f.len() <= LONGEST_FIELD), "a field longer than LONGEST_FIELD");
        // Upper case where it folds back (Turkish ı does not: İ is listed on its own).
        let upper = |s: &str| if s.to_uppercase().to_lowercase() == s { s.to_uppercase() } else { s.to_string() };
        for marker in SEPARATORS {
            assert!(has_marker(&format!("-- {} --", upper(marker))), "{marker}");
        }
        for (label, field) in LABELS {
            assert_eq!(field_of(&format!("{}: x", upper(label))).map(|f| f.0), Some(*field), "{label}");
        }
        assert!(!has_marker("Hi Bob, see the message below"));
    }

    #[test]
    fn rules_and_colons_are_found_as_the_str_searches_find_them() {
        for line in [
            "",
            "a",
            "-",
            "-=",
            "a--b",
            "x==",
            "=-=-",
            "—–",
            "De：x",
            "ｈｅｌｌｏ：",
            "ａ:b：",
            "no colon here",
            "：",
            "::",
        ] {
            assert_eq!(has_rule(line), line.contains("--") || line.contains("=="), "{line:?}");
            assert_eq!(find_colon(line), line.find([':', '：']), "{line:?}");
        }
    }

    #[test]
    fn attribution_lines_name_their_writer() {
        let p = attribution_person("17.11.2026, 10:15, \"Иван Петров\" <ivan@primer.example>:").expect("person");
        assert_eq!((p.name.as_str(), p.email.as_str()), ("Иван Петров", "ivan@primer.example"));
        let p = attribution_person("17.11.2026, 10:15, Jane Doe <jane@x.example>:").expect("person");
        assert_eq!(p.name, "Jane Doe");
        assert!(is_attribution("On Tue, Nov 17, 2026 at 10:15 AM Jane Doe <jane@x.example> wrote:"));
        assert!(is_attribution("Am 17.11.2026 um 10:15 schrieb Klaus Müller <k@x.example>:"));
        assert!(!is_attribution("Hi Bob:"));
        for (before, name) in [
            ("On Tue, Nov 17, 2026 at 10:15 AM Jane Doe", "Jane Doe"),
            ("Op 17.11.2026 10:15 heeft Sanne de Vries", "Sanne de Vries"),
            ("Dne 17.11.2026 10:15, Jana Nováková", "Jana Nováková"),
            ("Aino Virtanen", "Aino Virtanen"),
            ("17.11.2026 10:15", ""),
        ] {
            assert_eq!(name_after_date(before), name, "{before}");
        }
    }
}
