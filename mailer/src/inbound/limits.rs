//! What a message may cost to look at, checked before and after parsing.

use std::sync::LazyLock;

use mail_parser::PartType;

use super::{InboundError, Limits};

/// Bytes before the first empty line (the header section), found in one
/// pass that stops there (CRLF or bare LF line ends).
pub(super) fn header_section_len(raw: &[u8]) -> usize {
    for nl in memchr::memchr_iter(b'\n', raw) {
        let rest = &raw[nl + 1..];
        if rest.first() == Some(&b'\n') {
            return nl;
        }
        if nl > 0 && raw[nl - 1] == b'\r' && rest.starts_with(b"\r\n") {
            return nl - 1;
        }
    }
    raw.len()
}

/// Refuses, before parsing, a message with more MIME parts than the limit:
/// the `boundary=` parameters it declares (each one a multipart part) and
/// the delimiter lines (`--boundary`) that open a part under one of them.
/// Parts hidden in an encoded attached message are counted after parsing.
pub(super) fn prescan_parts(raw: &[u8], limits: &Limits) -> Result<(), InboundError> {
    // Only lines that start with "--" can open a part. Few of them (all
    // but hostile mail): nothing to count.
    static DELIMITER: LazyLock<Option<aho_corasick::AhoCorasick>> =
        LazyLock::new(|| aho_corasick::AhoCorasick::new(["\n--"]).ok());
    let Some(delimiters) = DELIMITER.as_ref() else { return Ok(()) };
    let line_starts =
        || raw.starts_with(b"--").then_some(0).into_iter().chain(delimiters.find_iter(raw).map(|m| m.start() + 1));
    if line_starts().nth(limits.max_parts).is_none() {
        return Ok(());
    }
    static BOUNDARY: LazyLock<Option<aho_corasick::AhoCorasick>> =
        LazyLock::new(|| aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(["boundary="]).ok());
    let Some(search) = BOUNDARY.as_ref() else { return Ok(()) };
    let mut boundaries: Vec<&[u8]> = Vec::new();
    for found in search.find_iter(raw) {
        let rest = &raw[found.end()..];
        let value = match rest.first() {
            Some(b'"') => rest[1..].split(|&b| b == b'"' || b == b'\n').next().unwrap_or_default(),
            _ => rest.split(|b| b.is_ascii_whitespace() || *b == b';').next().unwrap_or_default(),
        };
        if value.is_empty() || boundaries.contains(&value) {
            continue;
        }
        boundaries.push(value);
        if boundaries.len() > limits.max_parts {
            return Err(InboundError::TooManyParts { count: boundaries.len(), limit: limits.max_parts });
        }
    }
    if boundaries.is_empty() {
        return Ok(());
    }
    let mut count = boundaries.len();
    for start in line_starts() {
        let rest = &raw[start + 2..];
        let line = &rest[..rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())];
        let opens = boundaries.iter().any(|b| {
            line.strip_prefix(*b)
                .is_some_and(|tail| !tail.starts_with(b"--") && tail.iter().all(|c| c.is_ascii_whitespace()))
        });
        if opens {
            count += 1;
            if count > limits.max_parts {
                return Err(InboundError::TooManyParts { count, limit: limits.max_parts });
            }
        }
    }
    Ok(())
}

/// Counts parts and nesting, nested messages included, without recursion.
pub(super) fn check_shape(message: &mail_parser::Message<'_>, limits: &Limits) -> Result<(), InboundError> {
    let mut count = 0usize;
    let mut stack: Vec<(&mail_parser::Message<'_>, usize, usize)> = vec![(message, 0, 1)];
    while let Some((msg, part, depth)) = stack.pop() {
        if depth > limits.max_depth {
            return Err(InboundError::TooDeep { depth, limit: limits.max_depth });
        }
        count += 1;
        if count > limits.max_parts {
            return Err(InboundError::TooManyParts { count, limit: limits.max_parts });
        }
        match msg.parts.get(part).map(|p| &p.body) {
            Some(PartType::Multipart(children)) => {
                stack.extend(children.iter().map(|c| (msg, *c as usize, depth + 1)));
            }
            Some(PartType::Message(inner)) => stack.push((inner, 0, depth + 1)),
            _ => {}
        }
    }
    Ok(())
}
