//! HTML-only mail as text, for the forward and command readers.

use std::convert::Infallible;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter};

/// HTML to text with html5gum's tokenizer: text as the browser would lay
/// it out in lines — a break at `<br>` and around block elements (table
/// cells included, so Thunderbird's header table gives label and value
/// lines), whitespace runs as one space, entities decoded, `<head>`,
/// `<style>` and `<script>` dropped. Forward headers sit near the top, so
/// only the first [`MAX_HTML`] bytes are read.
pub(super) fn html_text(html: &str) -> String {
    const MAX_HTML: usize = 1024 * 1024;
    const BLOCKS: &[&[u8]] = &[
        b"div",
        b"p",
        b"tr",
        b"td",
        b"th",
        b"li",
        b"ul",
        b"ol",
        b"dl",
        b"dt",
        b"dd",
        b"blockquote",
        b"table",
        b"tbody",
        b"thead",
        b"h1",
        b"h2",
        b"h3",
        b"h4",
        b"h5",
        b"h6",
        b"hr",
        b"pre",
        b"section",
        b"article",
        b"header",
        b"footer",
        b"center",
        b"address",
        b"body",
    ];
    const HIDDEN: &[&[u8]] = &[b"head", b"style", b"script", b"title", b"template"];
    let mut end = html.len().min(MAX_HTML);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end / 2);
    let (mut hidden, mut space) = (0usize, false);
    let line_break = |out: &mut String, always: bool| {
        out.truncate(out.trim_end_matches(' ').len());
        if always || !(out.is_empty() || out.ends_with('\n')) {
            out.push('\n');
        }
    };
    // html5gum's callback emitter: events borrow the tokenizer's buffers,
    // where its default emitter copied every string, tag and attribute
    // into a token of its own (most of the cost on HTML-only mail). A start
    // tag is acted on when it closes, as the default emitter's token was.
    let mut tag: Vec<u8> = Vec::new();
    let callback = |event: CallbackEvent<'_>, _: html5gum::Span<()>| -> Option<Infallible> {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                tag.clear();
                tag.extend_from_slice(name);
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let name = tag.as_slice();
                if name.eq_ignore_ascii_case(b"body") {
                    hidden = 0;
                }
                if HIDDEN.iter().any(|h| h.eq_ignore_ascii_case(name)) {
                    hidden += usize::from(!self_closing);
                } else if name.eq_ignore_ascii_case(b"br") {
                    line_break(&mut out, true);
                    space = false;
                } else if BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name)) {
                    line_break(&mut out, false);
                    space = false;
                }
            }
            CallbackEvent::EndTag { name } => {
                if HIDDEN.iter().any(|h| h.eq_ignore_ascii_case(name)) {
                    hidden = hidden.saturating_sub(1);
                } else if BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name)) {
                    line_break(&mut out, false);
                    space = false;
                }
            }
            CallbackEvent::String { value } if hidden == 0 => {
                for c in String::from_utf8_lossy(value).chars() {
                    if c.is_ascii_whitespace() {
                        space = true;
                        continue;
                    }
                    if space && !(out.is_empty() || out.ends_with('\n')) {
                        out.push(' ');
                    }
                    space = false;
                    out.push(c);
                }
            }
            _ => {}
        }
        None
    };
    let mut emitter = CallbackEmitter::new(callback);
    // <script>, <style>, <title> hold raw text, not markup.
    emitter.naively_switch_states(true);
    // The callback keeps no tokens and a string reader has no errors:
    // pulling on the tokenizer runs it to the end of the input.
    html5gum::Tokenizer::new_with_emitter(&html[..end], Quiet(emitter)).for_each(|token| {
        let Ok(never) = token;
        match never {}
    });
    out
}

/// An emitter that asks for no parse errors: the callback ignores them,
/// and without them the tokenizer skips its per-byte check for control
/// and non-characters (a fifth of the HTML cost on the forward corpus).
struct Quiet<E>(E);

impl<E: Emitter> ForwardingEmitter for Quiet<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::html_text;

    #[test]
    fn html_becomes_lines_as_a_reader_sees_them() {
        let html = "<html><head><title>t</title><style>p {color: red}</style></head><body>\
                    <div>Hi&nbsp;team,   see   below</div><br>\
                    <div class=\"gmail_quote\">From: <strong>Jane</strong> &lt;<a href=\"mailto:j@x.example\">j@x.example</a>&gt;<br>\
                    Subject: Hi</div><table><tr><th>To: </th><td>Bob</td></tr></table>\
                    <script>alert(1)</script><blockquote type=\"cite\">quoted</blockquote></body></html>";
        let text = html_text(html);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            ["Hi\u{a0}team, see below", "", "From: Jane <j@x.example>", "Subject: Hi", "To:", "Bob", "quoted"],
            "{text:?}"
        );
    }

    #[test]
    fn a_head_left_open_does_not_hide_the_body() {
        assert_eq!(html_text("<head><meta charset=utf-8><body>hello").trim(), "hello");
    }
}
