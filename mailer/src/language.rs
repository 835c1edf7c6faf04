//! The language an inbound mail is written in, as a hint for the answer:
//! its `Content-Language` header first; else the language of its text, by
//! whatlang's trigram models, only when the text is long enough and the
//! detector says it is sure (a short "yes" or a name tells nothing).

use mail_parser::MessageParser;

/// Text shorter than this is not worth guessing from.
const MIN_CHARS: usize = 40;

/// The language tag of `raw` (`ru`, `pt-BR`), or `None` when it is not clear.
pub fn of_message(raw: &[u8]) -> Option<String> {
    let message = MessageParser::default().parse(raw)?;
    if let Some(header) = message.header_raw("Content-Language") {
        let tag = header.split(',').next().unwrap_or("").trim();
        if vouch_store::Language::parse(tag).is_ok() {
            return Some(tag.to_string());
        }
    }
    let text = message.body_text(0)?;
    // Only what they wrote: quoted history and forwarded headers are someone else's.
    let own: String = text
        .lines()
        .take_while(|l| !l.starts_with("-----"))
        .filter(|l| !l.starts_with('>'))
        .collect::<Vec<_>>()
        .join("\n");
    of_text(&own)
}

/// The language of `text`, when whatlang is sure of it.
pub fn of_text(text: &str) -> Option<String> {
    if text.chars().filter(|c| c.is_alphabetic()).count() < MIN_CHARS {
        return None;
    }
    // whatlang's own `is_reliable` wants more text than a mail's first lines
    // (a 90-letter Russian sentence scores 0.44); with at least 40 letters,
    // 0.3 separated the languages of our fixtures without a false pick.
    let info = whatlang::detect(text).filter(|i| i.is_reliable() || i.confidence() >= 0.3)?;
    iso_639_1(info.lang()).map(str::to_string)
}

/// whatlang names ISO 639-3 codes; the channels and our locales use 639-1.
fn iso_639_1(lang: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    Some(match lang {
        Eng => "en",
        Rus => "ru",
        Ara => "ar",
        Ron => "ro",
        Ukr => "uk",
        Spa => "es",
        Por => "pt",
        Fra => "fr",
        Deu => "de",
        Ita => "it",
        Nld => "nl",
        Pol => "pl",
        Tur => "tr",
        Bul => "bg",
        Ces => "cs",
        Heb => "he",
        Pes => "fa",
        Hin => "hi",
        Jpn => "ja",
        Cmn => "zh",
        Kor => "ko",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_language_wins_then_long_enough_text_is_detected() {
        let tagged = b"From: a@b.example\r\nContent-Language: ro-RO\r\nSubject: x\r\n\r\nHello there\r\n";
        assert_eq!(of_message(tagged).as_deref(), Some("ro-RO"));
        let russian = "From: a@b.example\r\nSubject: code\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
            Здравствуйте! Пришлите, пожалуйста, мой код для реферальной программы, хочу пригласить друга.\r\n";
        assert_eq!(of_message(russian.as_bytes()).as_deref(), Some("ru"));
        assert_eq!(of_text("да"), None, "one word says nothing");
        assert_eq!(
            of_text("مرحبا، أريد رمز الإحالة الخاص بي لأدعو صديقي إلى برنامج الإحالة في مجتمعنا").as_deref(),
            Some("ar")
        );
    }
}
