//! Splitting rendered HTML into messages Telegram accepts.
//!
//! Telegram refuses a text over 4096 characters after entity parsing, and a
//! cut through `<b>…</b>` makes the HTML unparsable. So the length counts
//! what the user sees (tags 0, `&lt;` 1, in UTF-16 units as Telegram counts),
//! cuts prefer a line break, then a space, and tags open at a cut are closed
//! before it and reopened after it.

/// Telegram's limit for one message's text.
pub const MAX_MESSAGE: usize = 4096;

#[derive(Debug)]
enum Token<'a> {
    /// `<b>`, `</b>`, `<a href="…">`: no visible length.
    Tag { raw: &'a str, name: &'a str, closing: bool },
    /// One character or entity, with its visible length.
    Visible { raw: &'a str, units: usize },
}

fn tokenize(html: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let len = match c {
            '<' => rest.find('>').map(|end| end + 1),
            '&' => rest.find(';').filter(|end| *end <= 10).map(|end| end + 1),
            _ => None,
        };
        let token = match (c, len) {
            ('<', Some(len)) => {
                let raw = &rest[..len];
                let inner = raw[1..len - 1].trim_start_matches('/');
                let name = inner.split(|ch: char| ch.is_whitespace()).next().unwrap_or_default();
                Token::Tag { raw, name, closing: raw.starts_with("</") }
            }
            ('&', Some(len)) => Token::Visible { raw: &rest[..len], units: 1 },
            _ => Token::Visible { raw: &rest[..c.len_utf8()], units: c.len_utf16() },
        };
        let used = match &token {
            Token::Tag { raw, .. } | Token::Visible { raw, .. } => raw.len(),
        };
        tokens.push(token);
        rest = &rest[used..];
    }
    tokens
}

/// Splits `html` into parts of at most `max` visible characters each, every
/// part valid HTML on its own. Empty parts are dropped.
pub fn split_html(html: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let tokens = tokenize(html);
    let cuts = cut_points(&tokens, max);
    let mut parts = Vec::new();
    let mut open: Vec<(&str, &str)> = Vec::new();
    let mut start = 0;
    for end in cuts.into_iter().chain(std::iter::once(tokens.len())) {
        let prefix: String = open.iter().map(|(_, raw)| *raw).collect();
        let mut body = String::new();
        for token in &tokens[start..end] {
            match token {
                Token::Tag { raw, name, closing } => {
                    if *closing {
                        if let Some(pos) = open.iter().rposition(|(n, _)| n.eq_ignore_ascii_case(name)) {
                            open.truncate(pos);
                        }
                    } else {
                        open.push((name, raw));
                    }
                    body.push_str(raw);
                }
                Token::Visible { raw, .. } => body.push_str(raw),
            }
        }
        let suffix: String = open.iter().rev().map(|(name, _)| format!("</{name}>")).collect();
        let part = format!("{prefix}{}{suffix}", body.trim());
        if tokens[start..end].iter().any(|t| matches!(t, Token::Visible { raw, .. } if !raw.trim().is_empty())) {
            parts.push(part);
        }
        start = end;
    }
    parts
}

/// Token indexes where a new part starts.
fn cut_points(tokens: &[Token<'_>], max: usize) -> Vec<usize> {
    let units = |t: &Token<'_>| match t {
        Token::Visible { units, .. } => *units,
        Token::Tag { .. } => 0,
    };
    let is = |t: &Token<'_>, s: &str| matches!(t, Token::Visible { raw, .. } if *raw == s);
    let mut cuts = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (i, token) in tokens.iter().enumerate() {
        if used + units(token) > max {
            let window = start + 1..=i;
            let after = |s: &str| window.clone().rev().find(|&c| is(&tokens[c - 1], s));
            let cut = after("\n").or_else(|| after(" ")).unwrap_or(i);
            cuts.push(cut);
            start = cut;
            used = tokens[cut..i].iter().map(units).sum();
        }
        used += units(token);
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(part: &str) -> usize {
        tokenize(part).iter().map(|t| if let Token::Visible { units, .. } = t { *units } else { 0 }).sum()
    }

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(split_html("Hi <b>Ann</b> &amp; co", MAX_MESSAGE), vec!["Hi <b>Ann</b> &amp; co"]);
        assert!(split_html("  \n ", MAX_MESSAGE).is_empty());
    }

    #[test]
    fn long_lists_split_at_line_breaks_within_the_limit() {
        let line = "• <code>R12</code> alice → bob &lt;redeemed&gt;";
        let text = vec![line; 400].join("\n");
        let parts = split_html(&text, MAX_MESSAGE);
        assert!(parts.len() > 1, "{}", parts.len());
        for part in &parts {
            assert!(visible(part) <= MAX_MESSAGE, "{}", visible(part));
            assert!(part.starts_with("• <code>") && part.ends_with("&gt;"), "cut inside a line: {part:?}");
        }
        assert_eq!(parts.join("\n"), text);
    }

    #[test]
    fn a_cut_inside_a_tag_closes_and_reopens_it() {
        let text = format!("<b>{}</b> <a href=\"https://t.me/x\">{}</a>", "word ".repeat(10), "z".repeat(30));
        let parts = split_html(&text, 20);
        for part in &parts {
            assert!(visible(part) <= 20, "{part:?}");
            assert_eq!(part.matches("<b>").count(), part.matches("</b>").count(), "{part:?}");
            assert_eq!(part.matches("<a ").count(), part.matches("</a>").count(), "{part:?}");
        }
        assert!(parts[0].starts_with("<b>word word") && parts[0].ends_with("</b>"), "{parts:?}");
        assert!(parts.last().is_some_and(|p| p.starts_with("<a href=\"https://t.me/x\">z")), "{parts:?}");
    }

    #[test]
    fn entities_and_wide_characters_count_as_telegram_counts_them() {
        assert_eq!(visible("&lt;b&gt;"), 3);
        assert_eq!(visible("👍"), 2);
        let parts = split_html(&"👍".repeat(5), 4);
        assert_eq!(parts, vec!["👍👍", "👍👍", "👍"]);
    }
}
