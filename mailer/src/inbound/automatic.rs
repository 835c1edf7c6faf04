//! Mail no person typed: automatic replies and bounces (RFC 3834
//! `Auto-Submitted`, the common non-standard headers, localized "Out of
//! office" subjects, DSNs) and list or bulk mail (RFC 2369/2919).

use mail_parser::MimeHeaders;

use super::{lowercase_on_stack, raw_value};

/// Subject starts of automatic replies, lowercased (the clients' own
/// words for "Automatic reply" / "Out of office" per language).
const AUTO_SUBJECTS: &[&str] = &[
    "out of office",
    "automatic reply",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "vacation",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "absence",
    "respuesta automática",
    "fuera de la oficina",
    "risposta automatica",
    "fuori sede",
    "resposta automática",
    "ausência",
    "automatisch antwoord",
    "afwezig",
    "automatisk svar",
    "automatiskt svar",
    "frånvaro",
    "automaattinen vastaus",
    "sjálfvirkt svar",
    "odpowiedź automatyczna",
    "automatyczna odpowiedź",
    "automatická odpověď",
    "automatická odpoveď",
    "samodejni odgovor",
    "automatikus válasz",
    "automatski odgovor",
    "аутоматски одговор",
    "автоответ",
    "автоматический ответ",
    "răspuns automat",
    "автоматичен отговор",
    "автовідповідь",
    "автоматична відповідь",
    "αυτόματη απάντηση",
    "otomatik yanıt",
    "otomatik cevap",
    "automaatvastus",
    "automātiskā atbilde",
    "automatinis atsakymas",
    "رد تلقائي",
    "תשובה אוטומטית",
    "پاسخ خودکار",
    "自動応答",
    "自動返信",
    "자동 회신",
    "자동 응답",
    "自动回复",
    "自動回覆",
    "trả lời tự động",
    "balasan otomatis",
    "ตอบกลับอัตโนมัติ",
    "undeliverable",
    "delivery status notification",
    "mail delivery failed",
    "returned mail",
];

/// Why this message was sent by a machine, if it was.
pub(super) fn automatic(message: &mail_parser::Message<'_>, subject: &str) -> Option<String> {
    const NAMES: &[&str] =
        &["auto-submitted", "x-autoreply", "x-autorespond", "x-auto-response-suppress", "precedence", "return-path"];
    // Names first: only the few headers that can matter have their raw
    // value looked at (headers_raw() would check every value's UTF-8), and
    // nothing is lowercased into a new string unless it is the answer.
    for header in message.root_part().headers() {
        let name = header.name.as_str();
        let Some(which) = NAMES.iter().position(|n| name.eq_ignore_ascii_case(n)) else { continue };
        let Some(value) = raw_value(message, header) else { continue };
        let value = value.trim();
        let is = |word: &str| value.eq_ignore_ascii_case(word);
        match NAMES[which] {
            "auto-submitted" if !is("no") => return Some(format!("Auto-Submitted: {}", value.to_ascii_lowercase())),
            "x-autoreply" | "x-autorespond" => return Some(format!("{name} header")),
            // Exchange and bulk senders set it on mail no one typed.
            "x-auto-response-suppress" if !value.is_empty() && !is("none") => {
                return Some(format!("X-Auto-Response-Suppress: {}", value.to_ascii_lowercase()));
            }
            "precedence" if is("auto_reply") || is("junk") => {
                return Some(format!("Precedence: {}", value.to_ascii_lowercase()));
            }
            "return-path" if value.bytes().filter(|&b| b != b' ').eq(*b"<>") => {
                return Some("Return-Path <> (null sender)".into());
            }
            _ => {}
        }
    }
    if let Some(ct) = message.root_part().content_type()
        && ct.ctype().eq_ignore_ascii_case("multipart")
        && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    {
        return Some("multipart/report (delivery status notification)".into());
    }
    // Only the subject's start can match: its first characters lowercased
    // on the stack (more than any entry has).
    let head = subject.char_indices().nth(SUBJECT_HEAD).map_or(subject, |(i, _)| &subject[..i]);
    let mut buffer = [0u8; 4 * 3 * SUBJECT_HEAD];
    let lower = match lowercase_on_stack(head, &mut buffer) {
        Some(lower) => std::borrow::Cow::Borrowed(lower),
        None => subject.to_lowercase().into(),
    };
    AUTO_SUBJECTS.iter().find(|s| lower.starts_with(*s)).map(|s| format!("subject starts with \"{s}\""))
}

/// Characters of a subject compared with [`AUTO_SUBJECTS`]: more than the
/// longest has.
const SUBJECT_HEAD: usize = 40;

/// Why this message is list or bulk mail (RFC 2369/2919 headers,
/// `Precedence: bulk|list`), if it is.
pub(super) fn list_mail(message: &mail_parser::Message<'_>) -> Option<String> {
    for header in message.root_part().headers() {
        let name = header.name.as_str();
        if ["list-id", "list-unsubscribe", "list-post"].iter().any(|n| name.eq_ignore_ascii_case(n)) {
            return Some(format!("mailing-list mail ({name} header)"));
        }
        if name.eq_ignore_ascii_case("precedence")
            && let Some(value) = raw_value(message, header)
            && ["bulk", "list"].iter().any(|v| value.trim().eq_ignore_ascii_case(v))
        {
            return Some(format!("bulk mail (Precedence: {})", value.trim().to_ascii_lowercase()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{AUTO_SUBJECTS, SUBJECT_HEAD};

    #[test]
    fn the_subject_head_is_longer_than_every_entry() {
        for s in AUTO_SUBJECTS {
            assert!(s.chars().count() < SUBJECT_HEAD, "{s}");
            assert_eq!(s.to_lowercase(), *s, "entries are lowercase");
        }
    }
}
