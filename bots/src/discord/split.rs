//! Splitting rendered Markdown into messages Discord accepts (2000
//! characters). Cuts fall on line breaks, so a list row, a `**bold**` name
//! or a code span is never cut in two; a single line longer than a message
//! is cut at a space, never between a backslash and the character it escapes.

/// Discord's limit for a message's content, in characters.
pub const MAX_MESSAGE: usize = 2000;

/// `text` as parts of at most `max` characters, in order; blank parts dropped.
pub fn split_markdown(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for line in text.lines() {
        let len = line.chars().count();
        let joined = if current.is_empty() { len } else { current_len + 1 + len };
        if joined <= max {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
            current_len = joined;
            continue;
        }
        push(&mut parts, std::mem::take(&mut current));
        current_len = 0;
        if len <= max {
            current.push_str(line);
            current_len = len;
            continue;
        }
        let mut pieces = cut_line(line, max);
        if let Some(last) = pieces.pop() {
            for piece in pieces {
                push(&mut parts, piece);
            }
            current_len = last.chars().count();
            current = last;
        }
    }
    push(&mut parts, current);
    parts
}

fn push(parts: &mut Vec<String>, part: String) {
    let part = part.trim_end().to_string();
    if !part.trim().is_empty() {
        parts.push(part);
    }
}

/// One over-long line in pieces of at most `max` characters: at the last
/// space that leaves code spans closed, else at the limit, and never right
/// after an escaping backslash.
fn cut_line(line: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = line.chars().collect();
    while rest.len() > max {
        let window = &rest[..max];
        let balanced_space = (1..max).rev().find(|&i| {
            window[i] == ' ' && window[..i].iter().filter(|c| **c == '`').count() % 2 == 0 && !escaped(window, i)
        });
        let mut cut = balanced_space.unwrap_or(max);
        while cut > 1 && escaped(&rest, cut) {
            cut -= 1;
        }
        pieces.push(rest[..cut].iter().collect::<String>().trim_end().to_string());
        rest = rest[cut..].iter().copied().skip_while(|c| *c == ' ').collect();
    }
    pieces.push(rest.into_iter().collect());
    pieces
}

/// Whether the character at `i` is escaped, i.e. cutting before it would
/// separate it from its backslash (an odd run of backslashes before it).
fn escaped(chars: &[char], i: usize) -> bool {
    chars[..i].iter().rev().take_while(|c| **c == '\\').count() % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(split_markdown("Hi **Ann**\n\nbye", MAX_MESSAGE), vec!["Hi **Ann**\n\nbye"]);
        assert!(split_markdown("  \n ", MAX_MESSAGE).is_empty());
    }

    #[test]
    fn long_lists_split_between_lines_within_the_limit() {
        let line = "R12 **alice\\_b** → bob · redeemed · `customer` · 2026\\-11\\-30";
        let text = vec![line; 120].join("\n");
        let parts = split_markdown(&text, MAX_MESSAGE);
        assert!(parts.len() > 1, "{}", parts.len());
        for part in &parts {
            assert!(part.chars().count() <= MAX_MESSAGE);
            assert!(part.lines().all(|l| l == line), "a row was cut: {part:?}");
        }
        assert_eq!(parts.join("\n"), text);
    }

    #[test]
    fn an_overlong_line_is_cut_at_spaces_and_never_after_a_backslash() {
        let words = "word ".repeat(30);
        let parts = split_markdown(&words, 22);
        assert!(parts.iter().all(|p| p.chars().count() <= 22 && !p.starts_with(' ')), "{parts:?}");
        assert_eq!(parts.join(" ").split_whitespace().count(), 30);
        let escapes = "\\*".repeat(20);
        for part in split_markdown(&escapes, 9) {
            assert!(part.chars().count() <= 9 && part.starts_with('\\') && part.ends_with('*'), "{part:?}");
        }
        let spans = "see `a b c d e f` and more words here";
        let parts = split_markdown(spans, 20);
        assert!(parts.iter().all(|p| p.matches('`').count() % 2 == 0), "code span cut open: {parts:?}");
    }
}
