//! Mail as one [`Transport`] of the delivery worker: an outbox row rendered
//! into a mail (subject, text and HTML parts, choices as links and reply
//! keywords) and sent through the [`Mailer`] (SMTP or the maildir).

use std::sync::Arc;

use serde_json::Value;
use vouch_core::delivery::{SendOutcome, Transport};
use vouch_core::render::escape_html;
use vouch_core::{Format, PublicLinks, Renderer};
use vouch_store::{Channel, OutboxMessage};

use crate::outbound::{MailError, Mailer, OutgoingMail};

/// The mail channel: renders rows with `renderer` (and signed links when a
/// public URL is set) and sends them with `mailer`.
pub struct MailTransport {
    mailer: Mailer,
    renderer: Arc<Renderer>,
    links: Option<PublicLinks>,
}

impl MailTransport {
    pub fn new(mailer: Mailer, renderer: Arc<Renderer>, links: Option<PublicLinks>) -> Self {
        Self { mailer, renderer, links }
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }
}

impl Transport for MailTransport {
    const CHANNEL: Channel = Channel::Email;
    const NAME: &'static str = "outbox";
    type Rendered = OutgoingMail;

    fn render(&self, message: &OutboxMessage, lang: &str) -> Result<OutgoingMail, String> {
        render_mail(&self.renderer, lang, message, self.links.as_ref()).map_err(|MailError(e)| e)
    }

    async fn send(&self, _message: &OutboxMessage, mail: &OutgoingMail) -> SendOutcome {
        self.mailer.send(mail).await
    }
}

/// A row as the mail it becomes: subject (`Re:` for replies, else the
/// template's `.subject`), text and HTML bodies, choices as reply keywords.
/// With `links` (a public URL is set) each choice is also a signed link and
/// the unsubscribe is also one-click (RFC 8058); without, mail stays as it
/// was before vouch served HTTP.
pub fn render_mail(
    renderer: &Renderer,
    lang: &str,
    message: &OutboxMessage,
    links: Option<&PublicLinks>,
) -> Result<OutgoingMail, MailError> {
    let to = message.to.email().ok_or_else(|| MailError(format!("{} is not an email identity", message.to)))?;
    let rendering = |e: vouch_core::render::RenderError| MailError(e.to_string());
    let r = renderer;
    let subject_template = format!("{}.subject", message.template);
    let subject = if let Some(thread) = &message.in_reply_to {
        reply_subject(&thread.subject)
    } else if r.has(&subject_template) {
        r.render_template(lang, &subject_template, &message.data, Format::Plain).map_err(rendering)?
    } else {
        let community = message.data.get("community").cloned().unwrap_or_else(|| Value::from("vouch"));
        r.message(lang, "mail-note-from", &[("community", community)]).unwrap_or_default()
    };
    // Templates word their choices for what the mail offers: links or replies.
    let mut data = message.data.clone();
    if let Value::Object(map) = &mut data {
        map.insert("links".into(), Value::Bool(links.is_some() && !message.actions.is_empty()));
    }
    let mut text = r.render_template(lang, &message.template, &data, Format::Plain).map_err(rendering)?;
    let mut html = r.render_template(lang, &message.template, &data, Format::Html).map_err(rendering)?;
    // Buttons become links (the page they open asks before acting, so a
    // mail scanner's prefetch changes nothing) and reply keywords.
    for (choice, action) in message.actions.iter().enumerate() {
        let label = r.label(lang, &action.label);
        let (label_html, command_html) = (escape_html(&label), escape_html(&action.command));
        // The command stays as typed (reply keywords work in every language);
        // the words around it are the reader's.
        let words = |id: &str, command: &str| {
            r.message(lang, id, &[("label", Value::from(label.as_str())), ("command", Value::from(command))])
                .unwrap_or_default()
        };
        match links {
            Some(links) => {
                let url = links.action(message.id, choice, message.created_at);
                text.push_str(&format!("\n\n{label}: {url}\n{}", words("mail-or-reply-with", &action.command)));
                html.push_str(&format!(
                    "\n\n<a href=\"{}\" style=\"{BUTTON_STYLE}\">{label_html}</a>\n{}",
                    escape_html(&url),
                    escape_html(&words("mail-or-reply-with", "\u{1}"))
                        .replace('\u{1}', &format!("<code>{command_html}</code>"))
                ));
            }
            None => {
                text.push_str(&format!("\n\n{}", words("mail-reply-with", &action.command)));
                html.push_str(&format!(
                    "\n\n{}",
                    escape_html(&words("mail-reply-with", "\u{1}"))
                        .replace('\u{1}', &format!("<code>{command_html}</code>"))
                ));
            }
        }
    }
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"{}><body><p>{}</p></body></html>",
        if r.is_rtl(lang) { " dir=\"rtl\"" } else { "" },
        html.replace("\n\n", "</p><p>").replace('\n', "<br>")
    );
    let thread = message.in_reply_to.as_ref();
    let unsubscribe = message.data.get("unsubscribe").and_then(Value::as_str).map(str::to_string);
    Ok(OutgoingMail {
        key: message.id.0,
        token: message.token.clone(),
        to: to.to_string(),
        subject,
        text,
        html,
        auto_submitted: true,
        attachments: message.attachments.clone(),
        in_reply_to: thread.map(|t| t.message_id.clone()),
        references: thread.map(|t| t.references.clone()).unwrap_or_default(),
        list_unsubscribe: unsubscribe.clone(),
        list_unsubscribe_url: unsubscribe.and(links).map(|links| links.unsubscribe(message.id)),
    })
}

/// A link that looks like a button in mail clients (inline: many strip `<style>`).
const BUTTON_STYLE: &str = "display:inline-block;padding:8px 16px;border-radius:4px;\
                            background:#1a73e8;color:#ffffff;text-decoration:none;font-weight:bold";

/// `Re: <original>`, once: an existing `Re:` is not doubled.
fn reply_subject(original: &str) -> String {
    let original = original.trim();
    if original.is_empty() {
        "Re: your message".into()
    } else if original.to_ascii_lowercase().starts_with("re:") {
        original.to_string()
    } else {
        format!("Re: {original}")
    }
}
