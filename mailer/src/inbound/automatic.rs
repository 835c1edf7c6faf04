//! Mail no person typed: automatic replies and bounces (RFC 3834
//! `Auto-Submitted`, the common non-standard headers, localized "Out of
//! office" subjects, DSNs) and list or bulk mail (RFC 2369/2919).

use mail_parser::MimeHeaders;

use super::raw_value;

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
    // value looked at (headers_raw() would check every value's UTF-8).
    for header in message.root_part().headers() {
        let name = header.name.as_str();
        if !NAMES.iter().any(|n| name.eq_ignore_ascii_case(n)) {
            continue;
        }
        let Some(value) = raw_value(message, header) else { continue };
        let value = value.trim().to_ascii_lowercase();
        match name.to_ascii_lowercase().as_str() {
            "auto-submitted" if value != "no" => return Some(format!("Auto-Submitted: {value}")),
            "x-autoreply" | "x-autorespond" => return Some(format!("{name} header")),
            // Exchange and bulk senders set it on mail no one typed.
            "x-auto-response-suppress" if !value.is_empty() && value != "none" => {
                return Some(format!("X-Auto-Response-Suppress: {value}"));
            }
            "precedence" if matches!(value.as_str(), "auto_reply" | "junk") => {
                return Some(format!("Precedence: {value}"));
            }
            "return-path" if value.replace(' ', "") == "<>" => return Some("Return-Path <> (null sender)".into()),
            _ => {}
        }
    }
    if let Some(ct) = message.root_part().content_type()
        && ct.ctype().eq_ignore_ascii_case("multipart")
        && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    {
        return Some("multipart/report (delivery status notification)".into());
    }
    let lower = subject.to_lowercase();
    AUTO_SUBJECTS.iter().find(|s| lower.starts_with(*s)).map(|s| format!("subject starts with \"{s}\""))
}

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
