//! Inbound mail: parse one RFC 5322 message (mail-parser) and say what it
//! is — an introduction, a command, a reply to vouch, a bounce — and who
//! and what it is about. No business rules: the engine decides what an
//! introduction or a command does.

mod automatic;
mod forward;
mod html;
pub mod imip;
mod labels;
mod limits;

use std::sync::LazyLock;

use mail_parser::{Address, HeaderName, MessageParser, MimeHeaders, PartType};
use serde::Serialize;
use sha2::{Digest, Sha256};
use vouch_store::EmailAddress;

use automatic::{automatic, list_mail};
pub use forward::parse_person;
use html::html_text;
use limits::{check_shape, header_section_len, prescan_parts};

/// Bounds on what one message may cost to look at.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_header_bytes: usize,
    pub max_parts: usize,
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_bytes: 10 * 1024 * 1024, max_header_bytes: 256 * 1024, max_parts: 100, max_depth: 10 }
    }
}

/// What the classifier needs to know about this deployment.
#[derive(Clone, Debug, Default)]
pub struct InboundConfig {
    /// vouch's own address: never a prospect; in CC it marks an introduction.
    pub inbox: Option<EmailAddress>,
    pub limits: Limits,
}

/// Why a message was refused before classification.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InboundError {
    #[error("message is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("message headers are {size} bytes; the limit is {limit}")]
    HeadersTooLarge { size: usize, limit: usize },
    #[error("message has {count} MIME parts; the limit is {limit}")]
    TooManyParts { count: usize, limit: usize },
    #[error("message nests MIME parts {depth} deep; the limit is {limit}")]
    TooDeep { depth: usize, limit: usize },
    #[error("not an RFC 5322 message")]
    Unparseable,
    #[error("message has no usable From address")]
    NoSender,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Introduction,
    Command,
    Reply,
    Bounce,
    Ignored,
}

/// A name and a parsed, lowercased address. Names are cleaned of control
/// characters, angle brackets and quotes (no header injection downstream).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// Named after the display name (`Jane Doe (Acme)`) or, for a business
    /// address, its domain; absent for free mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
}

impl Person {
    pub fn new(name: &str, email: &str) -> Option<Self> {
        let email = EmailAddress::parse(email).ok()?;
        let (name, company) = vouch_core::company::split_name(name);
        let mut name = clean(name, 64, "");
        // `"jane@x" <jane@x>`: the address again is no name.
        if name.is_empty() || name.eq_ignore_ascii_case(email.as_str()) {
            name = email.as_str().split('@').next().unwrap_or_default().to_string();
        }
        let company = match company {
            Some(c) => Some(clean(c, 80, "")).filter(|c| !c.is_empty()),
            None => vouch_core::company::from_domain(&email),
        };
        // The parsed address is already the lowercased string: moved, not copied.
        Some(Self { name, email: email.into(), company })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Forwarded {
    pub from: Person,
    pub subject: Option<String>,
    pub date: Option<String>,
}

/// Everything taken from one message; `--dry-run --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Extraction {
    pub kind: Kind,
    pub introducer: Person,
    pub forwarded: Option<Forwarded>,
    pub prospects: Vec<Person>,
    pub note: String,
    pub command: Option<String>,
    pub reasons: Vec<String>,
    /// For a delivery status notification: what happened to whom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounce: Option<Bounce>,
    /// For a calendar's iMIP REPLY: the UID it answers, which for events made
    /// since attendees got their own UIDs proves whose invitation it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_uid: Option<String>,
    /// Stable per message: `email:<Message-ID>`, or a content hash.
    #[serde(skip)]
    pub dedupe_key: String,
    /// Threading of this message: replies carry it.
    #[serde(skip)]
    pub thread: Thread,
}

/// What a reply to this message threads under, and which vouch mail (by
/// outbox row) it answers, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Thread {
    /// `<id@host>`.
    pub message_id: Option<String>,
    pub references: Vec<String>,
    pub subject: String,
    /// The outbox row named by In-Reply-To/References (`<vouch.outbox.N.TOKEN@...>`).
    pub vouch_row: Option<u64>,
    /// The token in that Message-ID (none in ids vouch wrote before tokens).
    pub vouch_token: Option<String>,
}

/// The per-recipient results of a DSN (RFC 3464).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bounce {
    pub recipients: Vec<BounceRecipient>,
    /// The vouch mail the DSN returns, when it names one: only a bounce of
    /// mail vouch sent to that recipient counts (anyone can write a DSN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned: Option<VouchRef>,
}

/// `<vouch.outbox.ROW.TOKEN@domain>`: one of vouch's outbox rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VouchRef {
    pub row: u64,
    /// Absent in ids from before rows carried tokens.
    pub token: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BounceRecipient {
    pub email: String,
    /// `5.1.1`.
    pub status: String,
    /// A permanent failure (5.x.x): the address will not work.
    pub hard: bool,
}

/// Trims, drops control characters (CR/LF included) and the characters
/// that would let a name smuggle an address or header; caps the length.
pub fn clean(text: &str, max_chars: usize, fallback: &str) -> String {
    let mut out = String::new();
    clean_into(&mut out, text, max_chars);
    if out.is_empty() { fallback.to_string() } else { out }
}

/// [`clean`] appending to `out` (nothing when the cleaned text is empty).
fn clean_into(out: &mut String, text: &str, max_chars: usize) {
    // This runs for every line of every note. Plain printable ASCII with
    // single spaces (most lines) only needs the trim and the cap.
    let mut previous_space = true;
    let plain = text.bytes().all(|b| {
        let ok = matches!(b, b' '..=b'~') && !matches!(b, b'<' | b'>' | b'"') && !(b == b' ' && previous_space);
        previous_space = b == b' ';
        ok
    });
    if plain {
        let trimmed = text.trim_matches(|c: char| c == '\'' || c == ',' || c.is_whitespace());
        out.push_str(&trimmed[..trimmed.len().min(max_chars)]);
        return;
    }
    // Otherwise one pass straight into `out`: whitespace runs become one
    // space, nothing is kept before the first character the trim keeps,
    // then the end is trimmed and the length capped.
    let trim = |c: char| c == '\'' || c == ',' || c.is_whitespace();
    let start = out.len();
    out.reserve(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if matches!(c, '<' | '>' | '"' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if out.len() == start && trim(c) {
            continue;
        }
        if space && out.len() > start {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    let kept = out[start..].trim_end_matches(trim).len();
    out.truncate(start + kept);
    if let Some((i, _)) = out[start..].char_indices().nth(max_chars) {
        out.truncate(start + i);
    }
}

/// `text` lowercased into `buffer`, as `str::to_lowercase` would, or None
/// when it does not fit or holds a capital sigma (whose lowercase depends
/// on the letters around it, which only `str::to_lowercase` looks at).
fn lowercase_on_stack<'b>(text: &str, buffer: &'b mut [u8]) -> Option<&'b str> {
    let mut len = 0;
    for c in text.chars() {
        if c == '\u{3a3}' {
            return None;
        }
        for lower in c.to_lowercase() {
            if len + lower.len_utf8() > buffer.len() {
                return None;
            }
            len += lower.encode_utf8(&mut buffer[len..]).len();
        }
    }
    std::str::from_utf8(&buffer[..len]).ok()
}

/// Words that mark a CC introduction, lowercased.
const INTRO_WORDS: &[&str] = &[
    "meet ",
    "introduc",
    "intro ",
    "intro:",
    "connect you",
    "vorstellen",
    "bekannt machen",
    "présenter",
    "je te présente",
    "je vous présente",
    "te presento",
    "les presento",
    "presentar",
    "познакомьтесь",
    "познакомить",
    "знакомьтесь",
    "vă prezint",
    "iti prezint",
    "îți prezint",
    "أقدم لك",
    "أعرفك",
    "ti presento",
    "vi presento",
    "apresento",
    "maak kennis met",
    "voorstellen aan",
    "przedstawiam",
    "poznajcie",
    "presentera",
    "præsentere",
    "presentere",
    "esitellä",
    "tanıştırmak",
    "tanıştırayım",
    "představil",
    "představuji",
    "seznámit",
    "predstavujem",
    "bemutatom",
    "predstavljam",
    "знайомтеся",
    "познайомити",
    "запознайте",
    "σας συστήνω",
    "להכיר לך",
    "معرفی می",
    "ご紹介",
    "紹介します",
    "소개합니다",
    "介绍一下",
    "介紹一下",
    "giới thiệu",
    "perkenalkan",
    "ขอแนะนำ",
];

/// All [`INTRO_WORDS`] at once, ASCII letters in any case.
static INTRO_SEARCH: LazyLock<Option<aho_corasick::AhoCorasick>> =
    LazyLock::new(|| aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(INTRO_WORDS).ok());

/// The first of [`INTRO_WORDS`] (in their order) that the subject or the
/// body holds, in any case: one pass over each instead of a lowercased
/// copy of both searched once per word.
fn intro_word(subject: &str, body: &str) -> Option<&'static str> {
    let Some(search) = INTRO_SEARCH.as_ref() else {
        let text = format!("{subject}\n{body}").to_lowercase();
        return INTRO_WORDS.iter().find(|w| text.contains(*w)).copied();
    };
    // No word holds a line break, so the two are searched apart.
    let first_in = |text: &str| search.find_overlapping_iter(forward::folded(text).as_ref()).map(|m| m.pattern()).min();
    let first = [first_in(subject), first_in(body)].into_iter().flatten().min()?;
    INTRO_WORDS.get(first.as_usize()).copied()
}

/// mail-parser set up for what ingest reads: the MIME headers (bodies need
/// them), addresses, ids and Subject are parsed; every other header is
/// only located (its offsets kept, see [`raw_value`]). mail-parser's
/// default also parses `Received` fields — a quarter of its time on typical
/// mail — and dates, which nothing here reads but an attached message's
/// Date (sender authentication reads the raw bytes itself).
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .with_address_headers()
        .with_message_ids()
        .header_text(HeaderName::Subject)
        .default_header_ignore()
});

/// The raw value of one of `message`'s headers (after the colon, line
/// breaks included), when it is UTF-8.
fn raw_value<'m>(message: &'m mail_parser::Message<'_>, header: &mail_parser::Header<'_>) -> Option<&'m str> {
    let bytes = message.raw_message.get(header.offset_start as usize..header.offset_end as usize)?;
    std::str::from_utf8(bytes).ok()
}

/// `message`'s Date, read from its raw value (the parser leaves it unparsed).
fn date_of(message: &mail_parser::Message<'_>) -> Option<mail_parser::DateTime> {
    let header = message.root_part().headers().iter().find(|h| h.name == HeaderName::Date)?;
    mail_parser::DateTime::parse_rfc822(raw_value(message, header)?)
}

/// Parses and classifies one message.
pub fn extract(raw: &[u8], config: &InboundConfig) -> Result<Extraction, InboundError> {
    let limits = config.limits;
    if raw.len() > limits.max_bytes {
        return Err(InboundError::TooLarge { size: raw.len(), limit: limits.max_bytes });
    }
    let header_len = header_section_len(raw);
    if header_len > limits.max_header_bytes {
        return Err(InboundError::HeadersTooLarge { size: header_len, limit: limits.max_header_bytes });
    }
    // mail-parser builds every part before we could count them: 10 MB of
    // tiny parts would cost hundreds of MB. Count the boundaries first.
    prescan_parts(raw, &limits)?;
    let message = PARSER.parse(raw).ok_or(InboundError::Unparseable)?;
    check_shape(&message, &limits)?;

    let introducer = message.from().and_then(first_person).ok_or(InboundError::NoSender)?;
    let dedupe_key = match message.message_id().map(|id| clean(id, 200, "")).filter(|id| !id.is_empty()) {
        Some(id) => format!("email:<{id}>"),
        None => format!("email:sha256:{}", hex(&Sha256::digest(raw))),
    };
    let subject = clean(message.subject().unwrap_or_default(), 200, "");
    let body = body_text(&message);
    let vouch_id = vouch_thread(&message);
    let mut out = Extraction {
        kind: Kind::Ignored,
        introducer,
        forwarded: None,
        prospects: Vec::new(),
        note: String::new(),
        command: None,
        reasons: Vec::new(),
        bounce: None,
        calendar_uid: None,
        dedupe_key,
        thread: thread_of(&message, &subject, vouch_id.as_deref()),
    };
    let not_us = |p: &Person, introducer: &Person| {
        p.email != introducer.email && config.inbox.as_ref().is_none_or(|inbox| inbox.as_str() != p.email)
    };

    // A calendar's Accept/Decline/Maybe (iMIP REPLY) is an answer, whatever else the mail looks like.
    if let Some(reply) = imip::find(&message, &out.introducer.email)
        && let Some(line) = reply.command()
    {
        out.kind = Kind::Command;
        out.reasons.push("iMIP calendar REPLY (Accept/Decline/Maybe) for a vouch event".into());
        out.command = Some(line);
        out.calendar_uid = Some(clean(&reply.uid, 200, ""));
        return Ok(out);
    }
    if let Some(why) = automatic(&message, &subject) {
        out.kind = Kind::Bounce;
        out.reasons.push(why);
        out.bounce = delivery_status(&message);
        return Ok(out);
    }
    // List and bulk mail is nobody's command or introduction, whatever its subject says.
    if let Some(why) = list_mail(&message) {
        out.reasons.push(why);
        return Ok(out);
    }
    if config.inbox.as_ref().is_some_and(|inbox| inbox.as_str() == out.introducer.email) {
        out.reasons.push("sent from vouch's own address (a mail loop)".into());
        return Ok(out);
    }
    if let Some(id) = vouch_id {
        out.kind = Kind::Reply;
        out.reasons.push(format!("In-Reply-To/References names vouch message {id}"));
        out.command = first_line(&body).map(|l| clean(l, 200, ""));
        out.note = clean_note(&own_words(&body));
        return Ok(out);
    }

    // A forward: attached message/rfc822 first, then an inline block.
    let attached = message.parts.iter().find_map(|p| match &p.body {
        PartType::Message(inner) => Some(inner),
        _ => None,
    });
    let mut quoted_reply = None;
    let forward = if let Some(inner) = attached {
        inner.from().and_then(first_person).map(|from| {
            let subject = inner.subject().map(|s| clean(s, 200, ""));
            let date = date_of(inner).map(|d| d.to_rfc3339());
            let how = "attached message/rfc822".to_string();
            (how, Forwarded { from, subject, date }, Recipients::Attached(inner), body.trim().to_string())
        })
    } else {
        match forward::find(&body, &subject) {
            Some(forward::Found::Forward(mut f)) => f.from.take().map(|from| {
                let fwd = Forwarded {
                    from,
                    subject: f.subject.map(|s| clean(s, 200, "")),
                    date: f.date.map(|d| clean(d, 100, "")),
                };
                let how = format!("inline forward block \"{}\"", clean(f.marker, 60, ""));
                let note = std::mem::take(&mut f.note);
                (how, fwd, Recipients::Inline(f), note)
            }),
            Some(forward::Found::Reply(writer)) => {
                quoted_reply = Some(writer);
                None
            }
            None => None,
        }
    };
    if let Some((how, fwd, fwd_to, note)) = forward {
        out.reasons.push(format!("forwarded message found: {how}"));
        // Forwarding one's own mail to the prospect: the prospect is its recipient.
        let candidates = if fwd.from.email == out.introducer.email {
            out.reasons.push("the forwarded message is the introducer's own; prospects are its recipients".into());
            fwd_to.people()
        } else {
            vec![fwd.from.clone()]
        };
        out.prospects = dedup(candidates.into_iter().filter(|p| not_us(p, &out.introducer)).collect());
        out.note = clean_note(&note);
        out.forwarded = Some(fwd);
        out.kind = if out.prospects.is_empty() { Kind::Ignored } else { Kind::Introduction };
        if out.prospects.is_empty() {
            out.reasons.push("no prospect address other than the introducer's and vouch's".into());
        }
        return Ok(out);
    }

    // A CC introduction: vouch copied, someone else addressed, intro words.
    let recipients: Vec<Person> = message.to().into_iter().chain(message.cc()).flat_map(people).collect();
    let vouch_copied = config.inbox.as_ref().is_some_and(|inbox| recipients.iter().any(|p| p.email == inbox.as_str()));
    let others: Vec<Person> = dedup(recipients.into_iter().filter(|p| not_us(p, &out.introducer)).collect());
    if vouch_copied && !others.is_empty() {
        if let Some(word) = intro_word(&subject, &body) {
            out.kind = Kind::Introduction;
            out.reasons.push("vouch's inbox is a recipient alongside the prospect".into());
            out.reasons.push(format!("introduction wording: \"{}\"", word.trim()));
            out.prospects = others;
            out.note = clean_note(&body);
            return Ok(out);
        }
        out.reasons.push("vouch copied with others, but no introduction wording".into());
    }

    // A reply to someone else's mail (vouch only copied or forwarded a
    // copy): its subject is that thread's, not a command.
    // A reply quoting vouch's own mail (its threading headers lost) may still carry a command.
    if let Some(Some(writer)) = quoted_reply
        && config.inbox.as_ref().is_none_or(|inbox| inbox.as_str() != writer.email)
    {
        out.reasons.push(format!("a reply quoting mail from {}, not a forward", writer.email));
        return Ok(out);
    }
    if let Some((line, from)) = command_line(&subject, &body) {
        out.kind = Kind::Command;
        out.reasons.push(format!("{from} starts with a catalog command"));
        out.command = Some(line);
        return Ok(out);
    }
    out.reasons.push("no forward, CC introduction, command or vouch thread found".into());
    Ok(out)
}

/// This message's own Message-ID and References, and `vouch_id`: the vouch
/// Message-ID it answers ([`vouch_thread`]), parsed into its row and token.
fn thread_of(message: &mail_parser::Message<'_>, subject: &str, vouch_id: Option<&str>) -> Thread {
    let bracket = |id: &str| {
        let id = id.trim().trim_matches(|c| c == '<' || c == '>');
        // Most ids are plain, so `clean` would keep them as they are: they
        // go straight into one string.
        let plain = !id.is_empty()
            && id.len() <= 200
            && id.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"'))
            && !id.starts_with(['\'', ','])
            && !id.ends_with(['\'', ',']);
        let id = if plain { std::borrow::Cow::Borrowed(id) } else { clean(id, 200, "").into() };
        if id.is_empty() || id.contains(char::is_whitespace) {
            return None;
        }
        let mut out = String::with_capacity(id.len() + 2);
        out.push('<');
        out.push_str(&id);
        out.push('>');
        Some(out)
    };
    // Each accessor is a scan of the headers: once each.
    let (own_references, in_reply_to) = (message.references(), message.in_reply_to());
    let mut references: Vec<String> = match own_references.as_text_list() {
        Some(list) => list.iter().filter_map(|r| bracket(r)).collect(),
        None => own_references.as_text().and_then(bracket).into_iter().collect(),
    };
    if let Some(parent) = in_reply_to.as_text().and_then(bracket)
        && !references.contains(&parent)
    {
        references.push(parent);
    }
    references.truncate(20);
    let named = vouch_id.and_then(vouch_ref);
    let (vouch_row, vouch_token) = named.map_or((None, None), |r| (Some(r.row), r.token));
    Thread {
        message_id: message.message_id().and_then(bracket),
        references,
        subject: subject.to_string(),
        vouch_row,
        vouch_token,
    }
}

/// Recipients and statuses from a `message/delivery-status` part.
/// Row and token of a vouch Message-ID (`<vouch.outbox.N.TOKEN@domain>`).
fn vouch_ref(id: &str) -> Option<VouchRef> {
    let local = id.trim().trim_matches(|c| c == '<' || c == '>').strip_prefix("vouch.outbox.")?.split('@').next()?;
    let (n, token) = match local.split_once('.') {
        Some((n, token)) => (n, Some(token.to_string())),
        None => (local, None),
    };
    Some(VouchRef { row: n.parse::<u64>().ok()?, token })
}

/// The Message-ID of the message a DSN returns: its `message/rfc822` part,
/// or the `Message-ID:` line of a `text/rfc822-headers` part (RFC 3462).
fn returned_message_id(message: &mail_parser::Message<'_>) -> Option<String> {
    message.parts.iter().find_map(|p| {
        if let PartType::Message(inner) = &p.body {
            return inner.message_id().map(str::to_string);
        }
        let headers_only = p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("text")
                && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
        });
        if !headers_only {
            return None;
        }
        let text = String::from_utf8_lossy(p.contents());
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some((name, value)) = line.split_once(':') else { continue };
            if name.trim().eq_ignore_ascii_case("message-id") {
                // A folded header puts the id on the next line.
                let value = if value.trim().is_empty() { lines.next().unwrap_or_default() } else { value };
                return Some(value.trim().to_string());
            }
        }
        None
    })
}

fn delivery_status(message: &mail_parser::Message<'_>) -> Option<Bounce> {
    let part = message.parts.iter().find(|p| {
        p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("message")
                && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        })
    })?;
    let text = String::from_utf8_lossy(part.contents()).replace("\r\n", "\n");
    let mut recipients = Vec::new();
    // Per-recipient blocks follow the per-message block, separated by blank lines.
    for block in text.split("\n\n") {
        let field = |name: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
        };
        let Some(recipient) = field("Final-Recipient").or_else(|| field("Original-Recipient")) else { continue };
        let address = recipient.rsplit(';').next().unwrap_or_default().trim().trim_matches(|c| c == '<' || c == '>');
        let Ok(email) = EmailAddress::parse(address) else { continue };
        let status = field("Status").unwrap_or_default();
        let status: String = status.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let failed = field("Action").is_none_or(|a| a.eq_ignore_ascii_case("failed"));
        recipients.push(BounceRecipient {
            email: email.as_str().to_string(),
            hard: failed && status.starts_with('5'),
            status,
        });
    }
    let returned = returned_message_id(message).as_deref().and_then(vouch_ref);
    (!recipients.is_empty()).then_some(Bounce { recipients, returned })
}

/// The vouch Message-ID this message answers, from In-Reply-To or References.
fn vouch_thread(message: &mail_parser::Message<'_>) -> Option<String> {
    // Each accessor is a scan of the headers: once each.
    let (in_reply_to, references) = (message.in_reply_to(), message.references());
    let ids = in_reply_to.as_text_list().into_iter().flatten();
    let refs = references.as_text_list().into_iter().flatten();
    let single = [in_reply_to.as_text(), references.as_text()];
    ids.chain(refs).map(|c| c.as_ref()).chain(single.into_iter().flatten()).find_map(|id| {
        let id = id.trim().trim_matches(|c| c == '<' || c == '>');
        let (local, domain) = id.split_once('@')?;
        let rest = local.strip_prefix("vouch.outbox.")?;
        let (n, token) = rest.split_once('.').unwrap_or((rest, "x"));
        let well_formed = !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && !token.is_empty()
            && token.len() <= 32
            && token.bytes().all(|b| b.is_ascii_alphanumeric());
        (well_formed && !domain.is_empty()).then(|| format!("<{}>", clean(id, 200, "")))
    })
}

/// A command from the subject (after Re:/Fwd:) or the first body line.
fn command_line(subject: &str, body: &str) -> Option<(String, &'static str)> {
    let subject = strip_prefixes(subject);
    if is_command(subject) {
        return Some((clean(subject, 200, ""), "the subject"));
    }
    let line = first_line(body)?;
    (line.chars().count() <= 80 && is_command(line)).then(|| (clean(line, 200, ""), "the first body line"))
}

fn is_command(line: &str) -> bool {
    line.split_whitespace().next().and_then(vouch_core::catalog::find).is_some()
}

fn strip_prefixes(subject: &str) -> &str {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let known = labels::REPLY_PREFIXES.iter().chain(labels::FORWARD_PREFIXES);
        let Some(p) = known.into_iter().find(|p| lower.starts_with(*p)) else {
            return s;
        };
        // Every prefix ends in its colon; lowercasing may change lengths (İ),
        // so cut after the colon in the original.
        let Some(colon) = s.find([':', '：']).filter(|_| !p.is_empty()) else { return s };
        s = s[colon + s[colon..].chars().next().map_or(1, char::len_utf8)..].trim_start();
    }
}

fn first_line(body: &str) -> Option<&str> {
    body.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('>'))
}

/// A reply's own words: what comes before the quoted original ("On … wrote:",
/// "-----Original Message-----", an Outlook `From:` block, `>` lines).
fn own_words(body: &str) -> String {
    let quote_starts = |line: &str| {
        let lower = line.to_lowercase();
        line.starts_with('>')
            || lower.starts_with("-----original message")
            || lower.starts_with("from:")
            || lower.starts_with("________________")
            || (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("le ") && lower.contains("a écrit"))
            || (lower.starts_with("am ") && lower.contains("schrieb"))
            || (lower.starts_with("el ") && lower.contains("escribió"))
    };
    body.lines().map(str::trim_end).take_while(|l| !quote_starts(l.trim_start())).collect::<Vec<_>>().join("\n")
}

fn clean_note(text: &str) -> String {
    // Mobile clients' signatures say nothing about the prospect.
    let signature = |l: &str| l.get(..13).is_some_and(|p| p.eq_ignore_ascii_case("sent from my "));
    let mut joined = String::with_capacity(text.len());
    let mut first = true;
    for line in text.lines() {
        // Each line is cleaned straight into `joined`, then dropped again
        // if it is a signature: no string per line.
        let start = joined.len() + usize::from(!first);
        if !first {
            joined.push('\n');
        }
        clean_into(&mut joined, line, 500);
        if signature(&joined[start..]) {
            joined.truncate(start - usize::from(!first));
            continue;
        }
        first = false;
    }
    let trimmed = joined.trim();
    let end = trimmed.char_indices().nth(2000).map_or(trimmed.len(), |(i, _)| i);
    trimmed[..end].to_string()
}

/// A forwarded message's recipients, read only when the forward is the
/// introducer's own mail (they are the prospects then).
enum Recipients<'m, 'x> {
    Attached(&'m mail_parser::Message<'x>),
    Inline(forward::InlineForward<'m>),
}

impl Recipients<'_, '_> {
    fn people(&self) -> Vec<Person> {
        match self {
            Self::Attached(inner) => inner.to().into_iter().chain(inner.cc()).flat_map(people).collect(),
            Self::Inline(found) => found.recipients(),
        }
    }
}

fn first_person(address: &Address<'_>) -> Option<Person> {
    // The first usable address only: the others are not looked at.
    address.iter().find_map(|a| Person::new(a.name().unwrap_or_default(), a.address()?))
}

fn people(address: &Address<'_>) -> Vec<Person> {
    address.iter().filter_map(|a| Person::new(a.name().unwrap_or_default(), a.address()?)).collect()
}

fn dedup(people: Vec<Person>) -> Vec<Person> {
    let mut out: Vec<Person> = Vec::new();
    for p in people {
        if !out.iter().any(|o| o.email == p.email) {
            out.push(p);
        }
    }
    out
}

/// The first text body; HTML-only mail is turned into text by
/// [`html_text`].
fn body_text<'m>(message: &'m mail_parser::Message<'_>) -> std::borrow::Cow<'m, str> {
    match message.text_part(0).map(|p| &p.body) {
        Some(PartType::Text(text)) => std::borrow::Cow::Borrowed(text.as_ref()),
        Some(PartType::Html(html)) => html_text(html).into(),
        _ => std::borrow::Cow::Borrowed(""),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::{INTRO_WORDS, InboundConfig, Kind, clean, extract, header_section_len, intro_word, lowercase_on_stack};

    fn reply_to(id: &str) -> Vec<u8> {
        format!(
            "From: Jane <jane@prospect.example>\r\nTo: vouch@acme.example\r\nSubject: Re: hi\r\n\
             Message-ID: <r1@prospect.example>\r\nIn-Reply-To: {id}\r\n\r\nyes\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_reply_names_the_row_and_its_token() {
        let config = InboundConfig::default();
        let x = extract(&reply_to("<vouch.outbox.42.k7m2x9qp@acme.example>"), &config).expect("parses");
        assert_eq!(x.kind, Kind::Reply);
        assert_eq!((x.thread.vouch_row, x.thread.vouch_token.as_deref()), (Some(42), Some("k7m2x9qp")));
        // Ids written before tokens existed still name their row.
        let x = extract(&reply_to("<vouch.outbox.7@acme.example>"), &config).expect("parses");
        assert_eq!((x.thread.vouch_row, x.thread.vouch_token), (Some(7), None));
        // Anything else after the row id is not one of ours.
        for odd in ["<vouch.outbox.42.k7m!x9qp@acme.example>", "<vouch.outbox.42.@acme.example>", "<vouch.outbox.x@a>"]
        {
            let x = extract(&reply_to(odd), &config).expect("parses");
            assert_eq!(x.thread.vouch_row, None, "{odd}");
        }
    }

    /// The straightforward definition `clean` must keep matching.
    fn clean_reference(text: &str, max_chars: usize, fallback: &str) -> String {
        let kept: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .filter(|c| !matches!(c, '<' | '>' | '"' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
            .collect();
        let kept = kept.split_whitespace().collect::<Vec<_>>().join(" ");
        let kept = kept.trim_matches(|c: char| c == '\'' || c == ',' || c.is_whitespace());
        let out: String = kept.chars().take(max_chars).collect();
        if out.is_empty() { fallback.to_string() } else { out }
    }

    #[test]
    fn clean_matches_its_reference() {
        for text in [
            "",
            "  Jane   Doe ",
            "'Doe, Jane' <jane@x>",
            ", ' x ' ,",
            "a\r\nBcc: evil@x",
            "\u{202E}gnp.exe\u{2066}",
            "Жанна\u{a0}\u{a0}Доу",
            "\"  \"",
            "x\t\ty",
            "déjà vu — naïve café, résumé",
            " lead space",
            "trail space ",
            "two  spaces",
            "plain, simple line.",
            "'quoted'",
            "' , Жанна",
            "Жанна ' ,",
            ",,'Ана', \u{a0}",
            "\u{7}'\u{202E} x",
            "naïve ' , ' café",
        ] {
            for max in [0, 1, 3, 200] {
                assert_eq!(clean(text, max, "?"), clean_reference(text, max, "?"), "{text:?} max {max}");
            }
        }
    }

    #[test]
    fn intro_words_are_found_as_a_lowercased_search_finds_them() {
        let reference = |subject: &str, body: &str| {
            let text = format!("{subject}\n{body}").to_lowercase();
            INTRO_WORDS.iter().find(|w| text.contains(*w)).copied()
        };
        for (subject, body) in [
            ("Intro: Jane", "Hi both"),
            ("hello", "I'd like you to MEET Jane; she wants to connect you"),
            ("ПОЗНАКОМЬТЕСЬ", ""),
            ("", "Je vous présente Jean, pour vous présenter"),
            ("Meet", "\nnothing"),
            ("", "ΣΑΣ ΣΥΣΤΉΝΩ"),
            ("", "σας συστήνω τον Γιάννη"),
            ("\u{212a}", "no words here"),
            ("", ""),
        ] {
            assert_eq!(intro_word(subject, body), reference(subject, body), "{subject:?} {body:?}");
        }
    }

    #[test]
    fn lowercasing_on_the_stack_matches_str_to_lowercase() {
        let mut buffer = [0u8; 64];
        for text in ["", "ABC", "Från", "ПОЗНАКОМЬТЕСЬ", "İSTANBUL", "\u{212a}elvin", "ǅ"] {
            assert_eq!(lowercase_on_stack(text, &mut buffer).map(str::to_string), Some(text.to_lowercase()), "{text}");
        }
        // A capital sigma and a text too long for the buffer are left to str::to_lowercase.
        assert_eq!(lowercase_on_stack("ΘΈΜΑΣ", &mut buffer), None);
        assert_eq!(lowercase_on_stack(&"A".repeat(65), &mut buffer), None);
    }

    #[test]
    fn the_header_section_ends_at_the_first_empty_line_either_line_end() {
        for (raw, len) in [
            (&b"A: 1\r\nB: 2\r\n\r\nbody\n\nmore"[..], 10),
            (b"A: 1\nB: 2\n\nbody\r\n\r\n", 9),
            (b"A: 1\r\n\nbody", 5),
            (b"\r\n\r\nbody", 0),
            (b"\n\nbody", 0),
            (b"A: 1\r\nB: 2\r\n", 12),
            (b"", 0),
        ] {
            assert_eq!(header_section_len(raw), len, "{:?}", String::from_utf8_lossy(raw));
        }
    }
}
