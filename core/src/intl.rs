//! Dates, times and amounts of money in the reader's language, from CLDR
//! through ICU4X: "joi, 3 decembrie 2026 la 18:00", "четверг, 3 декабря
//! 2026 г. в 18:00", "1.200,00 lei", "1 200,00 $".
//!
//! The engine writes reply and notice data before it knows who will read
//! it in which language (a notice is rendered by a delivery worker, in its
//! recipient's language), so it writes a moment or an amount as a *mark*
//! ([`moment`], [`money`]) and the renderer turns every mark in the data
//! into text for the template's language ([`Intl::localize`]). Marks live
//! only between the engine and the renderer, in outbox rows too; nothing
//! shows one to a person.
//!
//! English keeps the short forms it always had ("Thu 3 Dec 2026, 18:00
//! EET", "$1,200.00"); every other language gets its CLDR long date with the
//! weekday and a 24- or 12-hour time as the locale wants. Arabic is written
//! with Latin digits (`ar-u-nu-latn`, CLDR's `ar` default would be
//! Arabic-Indic): every other number in vouch's Arabic text (counts, seats,
//! ids, codes) is Latin, and one message with two digit systems reads worse
//! than either.

use chrono::{Datelike, Timelike};
use fixed_decimal::Decimal;
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{self, MDE, YM, YMD, YMDET};
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use icu_time::{DateTime, Time};
use std::sync::Arc;

use fluent_bundle::FluentValue;
use serde_json::Value;
use vouch_store::{Money, Period, Reward, Timestamp, Timezone};

use crate::i18n::Locales;

/// Marks start with a private-use character no person types and nothing
/// vouch renders keeps (see `localize`).
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// `t` in `zone`, to be written in the reader's language.
pub fn moment(t: Timestamp, zone: Timezone) -> String {
    format!("{OPEN}t{}|{}{CLOSE}", t.timestamp(), zone.name())
}

/// An amount in `currency` (ISO 4217), to be written in the reader's language.
pub fn money(m: Money, currency: &str) -> String {
    format!("{OPEN}m{}|{}{CLOSE}", m.cents(), currency.to_ascii_uppercase())
}

/// What a referral earns ("$50.00 account credit", "50,00 lei credit în
/// cont"), in the reader's language: the reward's machine form travels.
pub fn reward(reward: &Reward, currency: &str) -> String {
    let spec: String = reward.spec().chars().filter(|c| *c != OPEN && *c != CLOSE).collect();
    format!("{OPEN}r{spec}|{}{CLOSE}", currency.to_ascii_uppercase())
}

/// A program's cap, "12 per year" ("12 pe an").
pub fn cap(max: u32, period: Period) -> String {
    format!("{OPEN}c{max}|{}{CLOSE}", period.as_str())
}

/// How far off a reminder's event is: "tomorrow", "in an hour", "peste 2 ore".
pub fn soon(minutes: u32) -> String {
    format!("{OPEN}s{minutes}|{CLOSE}")
}

/// The day of `t` in `zone`: "23 Nov 2026", "23 noiembrie 2026", "23 ноября 2026 г.".
pub fn day(t: Timestamp, zone: Timezone) -> String {
    format!("{OPEN}d{}|{}{CLOSE}", t.timestamp(), zone.name())
}

/// A short day for a button: "Thu 3 Dec", "joi, 3 dec.", "чт, 3 дек.".
pub fn short_day(t: Timestamp, zone: Timezone) -> String {
    format!("{OPEN}w{}|{}{CLOSE}", t.timestamp(), zone.name())
}

/// A month of a report's table: "Nov 2026", "noiembrie 2026", "ноябрь 2026 г.".
pub fn month(year: i32, month: u32) -> String {
    format!("{OPEN}y{year}|{month}{CLOSE}")
}

/// How long something lasts: "1 hour 30 minutes", "1 oră și 30 de minute".
pub fn duration(minutes: u32) -> String {
    format!("{OPEN}u{minutes}|{CLOSE}")
}

/// A percentage with `decimals` digits after the separator: "12.5%",
/// "12,5 %" (ro, ru).
pub fn percent(value: f64, decimals: u8) -> String {
    format!("{OPEN}p{}|{decimals}{CLOSE}", scaled(value, decimals))
}

/// A plain number with `decimals` digits: "4.2", "4,2", "1 200".
pub fn number(value: f64, decimals: u8) -> String {
    format!("{OPEN}n{}|{decimals}{CLOSE}", scaled(value, decimals))
}

fn scaled(value: f64, decimals: u8) -> i64 {
    (value * 10f64.powi(i32::from(decimals))).round() as i64
}

/// A role as people read it ("organizer", "organizator"); the command word
/// stays `Role::as_str`.
pub fn role(role: vouch_store::Role) -> String {
    text(&format!("role-{}", role.as_str()), &[])
}

/// Message `id` with `args`, written in the reader's language ("lunch",
/// "prânz de recomandări"); English when that language lacks it.
pub fn text(id: &str, args: &[(&str, Value)]) -> String {
    let args: serde_json::Map<String, Value> = args.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    let args = Value::Object(args).to_string().replace([OPEN, CLOSE], "");
    format!("{OPEN}f{id}|{args}{CLOSE}")
}

/// One language's formatters, built once per renderer.
pub struct Intl {
    lang: String,
    /// The words around a reward (`reward-credit = { $amount } account credit`).
    locales: Arc<Locales>,
    /// `None` for English (its own short forms) or a language ICU4X lacks.
    datetime: Option<FixedCalendarDateTimeFormatter<Gregorian, YMDET>>,
    date: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    short_date: Option<FixedCalendarDateTimeFormatter<Gregorian, MDE>>,
    year_month: Option<FixedCalendarDateTimeFormatter<Gregorian, YM>>,
    /// `None` only for a language ICU4X lacks. English has one too (for
    /// percentages); its money keeps `Money::display`.
    decimal: Option<DecimalFormatter>,
}

impl std::fmt::Debug for Intl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Intl").field("lang", &self.lang).finish_non_exhaustive()
    }
}

impl Intl {
    pub fn new(lang: &str, locales: Arc<Locales>) -> Self {
        let any = icu_locale(lang);
        let locale = any.as_ref().filter(|_| lang != "en");
        let datetime = locale.and_then(|l| {
            let fields = fieldsets::YMDE::long().with_time_hm();
            FixedCalendarDateTimeFormatter::try_new(l.clone().into(), fields).ok()
        });
        let date = locale.and_then(|l| FixedCalendarDateTimeFormatter::try_new(l.clone().into(), YMD::long()).ok());
        let short_date =
            locale.and_then(|l| FixedCalendarDateTimeFormatter::try_new(l.clone().into(), MDE::medium()).ok());
        let year_month =
            locale.and_then(|l| FixedCalendarDateTimeFormatter::try_new(l.clone().into(), YM::long()).ok());
        let decimal = any.as_ref().and_then(|l| DecimalFormatter::try_new(l.clone().into(), Default::default()).ok());
        Self { lang: lang.to_string(), locales, datetime, date, short_date, year_month, decimal }
    }

    /// "joi, 3 decembrie 2026 la 18:00 EET"; English "Thu 3 Dec 2026, 18:00 EET".
    pub fn datetime(&self, t: Timestamp, zone: Timezone) -> String {
        let local = t.with_timezone(&zone.tz());
        let Some(formatter) = &self.datetime else {
            return local.format("%a %-d %b %Y, %H:%M %Z").to_string();
        };
        let date = Date::try_new_gregorian(local.year(), local.month() as u8, local.day() as u8);
        let time = Time::try_new(local.hour() as u8, local.minute() as u8, 0, 0);
        match (date, time) {
            (Ok(date), Ok(time)) => {
                let text = formatter.format(&DateTime { date, time }).to_string();
                format!("{text} {}", local.format("%Z"))
            }
            _ => local.format("%Y-%m-%d %H:%M %Z").to_string(),
        }
    }

    /// "23 noiembrie 2026" in the reader's calendar style; English "23 Nov 2026".
    pub fn day(&self, t: Timestamp, zone: Timezone) -> String {
        let local = t.with_timezone(&zone.tz());
        match (&self.date, gregorian(local.year(), local.month(), local.day())) {
            (Some(f), Some(date)) => f.format(&date).to_string(),
            _ => local.format("%-d %b %Y").to_string(),
        }
    }

    /// "joi, 3 dec."; English "Thu 3 Dec".
    pub fn short_day(&self, t: Timestamp, zone: Timezone) -> String {
        let local = t.with_timezone(&zone.tz());
        match (&self.short_date, gregorian(local.year(), local.month(), local.day())) {
            (Some(f), Some(date)) => f.format(&date).to_string(),
            _ => local.format("%a %-d %b").to_string(),
        }
    }

    /// "noiembrie 2026"; English "Nov 2026".
    pub fn month(&self, year: i32, month: u32) -> String {
        let Some(date) = gregorian(year, month, 1) else { return String::new() };
        match &self.year_month {
            Some(f) => f.format(&date).to_string(),
            None => chrono::NaiveDate::from_ymd_opt(year, month, 1)
                .map(|d| d.format("%b %Y").to_string())
                .unwrap_or_default(),
        }
    }

    /// `scaled` / 10^`decimals` with this language's separators: "1,200.5",
    /// "1.200,5", "1 200,5".
    pub fn number(&self, scaled: i64, decimals: u8) -> String {
        let mut n = Decimal::from(scaled);
        n.multiply_pow10(-i16::from(decimals));
        n.absolute.pad_end(-i16::from(decimals));
        match &self.decimal {
            Some(f) => f.format(&n).to_string(),
            None => n.to_string(),
        }
    }

    /// "12.5%", "12,5 %" (the sign where and how the language writes it).
    pub fn percent(&self, scaled: i64, decimals: u8) -> String {
        let value = self.number(scaled, decimals);
        let args = [("value".to_string(), FluentValue::from(value.clone()))];
        self.locales.message(&self.lang, "percent", &args).unwrap_or_else(|| format!("{value}%"))
    }

    /// "1 hour 30 minutes", "1 час 30 минут", with each language's plurals.
    pub fn duration(&self, minutes: u32) -> String {
        let (hours, rest) = (minutes / 60, minutes % 60);
        let (id, args) = match (hours, rest) {
            (0, m) => ("duration-minutes", vec![("minutes", m)]),
            (h, 0) => ("duration-hours", vec![("hours", h)]),
            (h, m) => ("duration-hours-minutes", vec![("hours", h), ("minutes", m)]),
        };
        let args: Vec<(String, FluentValue<'_>)> =
            args.into_iter().map(|(k, v)| (k.to_string(), FluentValue::from(v))).collect();
        self.locales.message(&self.lang, id, &args).unwrap_or_else(|| format!("{minutes} min"))
    }

    /// "1.200,00 lei" (ro), "1 200,00 $" (ru), "1,200.00 US$" (ar);
    /// English "$1,200.00".
    pub fn money(&self, m: Money, currency: &str) -> String {
        let Some(formatter) = self.decimal.as_ref().filter(|_| self.lang != "en") else {
            return m.display(currency);
        };
        let mut amount = Decimal::from(m.cents());
        amount.multiply_pow10(-2);
        amount.absolute.pad_end(-2);
        let number = formatter.format(&amount).to_string();
        format!("{number}\u{A0}{}", currency_symbol(&self.lang, currency))
    }

    /// A reward in words; English if this language lacks the message.
    pub fn reward(&self, reward: &Reward, currency: &str) -> String {
        let text = |what: &str| FluentValue::from(what.to_string());
        let (id, args): (&str, Vec<(String, FluentValue<'_>)>) = match reward {
            Reward::Nothing => ("reward-nothing", vec![]),
            Reward::DiscountPercent(p) => ("reward-discount", vec![("percent".into(), FluentValue::from(*p))]),
            Reward::FreeMonths(n) => ("reward-free-months", vec![("count".into(), FluentValue::from(*n))]),
            Reward::Credit(m) => ("reward-credit", vec![("amount".into(), text(&self.money(*m, currency)))]),
            Reward::Cashback(m) => ("reward-cashback", vec![("amount".into(), text(&self.money(*m, currency)))]),
            Reward::Donation(m) => ("reward-donation", vec![("amount".into(), text(&self.money(*m, currency)))]),
            Reward::Swag(t) => ("reward-swag", vec![("what".into(), text(t))]),
            Reward::FeatureUnlock(t) => ("reward-feature", vec![("what".into(), text(t))]),
            Reward::EventSeat(t) => ("reward-seat", vec![("what".into(), text(t))]),
            Reward::Custom(t) => return t.clone(),
        };
        self.locales.message(&self.lang, id, &args).unwrap_or_else(|| reward.describe(currency))
    }

    /// `data` with every mark written out in this language.
    pub fn localize(&self, data: &Value) -> Value {
        match data {
            Value::String(s) if s.contains(OPEN) => Value::String(self.write_marks(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.localize(v)).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), self.localize(v))).collect()),
            other => other.clone(),
        }
    }

    fn write_marks(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(start) = rest.find(OPEN) {
            out.push_str(&rest[..start]);
            let after = &rest[start + OPEN.len_utf8()..];
            let Some(end) = after.find(CLOSE) else {
                rest = after;
                continue;
            };
            out.push_str(&self.write_mark(&after[..end]));
            rest = &after[end + CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        out
    }

    /// A mark's text; one that does not parse is dropped rather than shown.
    fn write_mark(&self, mark: &str) -> String {
        let parsed = mark.split_at_checked(1).and_then(|(kind, body)| Some((kind, body.split_once('|')?)));
        match parsed {
            Some(("t", (secs, zone))) => {
                let t = secs.parse().ok().and_then(|s| chrono::DateTime::from_timestamp(s, 0));
                match (t, Timezone::parse(zone)) {
                    (Some(t), Ok(zone)) => self.datetime(t, zone),
                    _ => String::new(),
                }
            }
            Some(("d" | "w", (secs, zone))) => {
                let t = secs.parse().ok().and_then(|s| chrono::DateTime::from_timestamp(s, 0));
                match (t, Timezone::parse(zone)) {
                    (Some(t), Ok(zone)) if mark.starts_with('d') => self.day(t, zone),
                    (Some(t), Ok(zone)) => self.short_day(t, zone),
                    _ => String::new(),
                }
            }
            Some(("y", (year, month))) => match (year.parse(), month.parse()) {
                (Ok(y), Ok(m)) => self.month(y, m),
                _ => String::new(),
            },
            Some(("u", (minutes, _))) => minutes.parse().map(|m| self.duration(m)).unwrap_or_default(),
            Some(("p" | "n", (scaled, decimals))) => match (scaled.parse(), decimals.parse::<u8>()) {
                (Ok(n), Ok(d)) if d <= 6 && mark.starts_with('p') => self.percent(n, d),
                (Ok(n), Ok(d)) if d <= 6 => self.number(n, d),
                _ => String::new(),
            },
            Some(("m", (cents, currency))) => cents.parse().map(|c| self.money(Money(c), currency)).unwrap_or_default(),
            Some(("c", (max, period))) => match max.parse::<u32>() {
                Ok(n) => {
                    let args = [("max".to_string(), FluentValue::from(n))];
                    let id = format!("cap-{period}");
                    self.locales.message(&self.lang, &id, &args).unwrap_or_else(|| format!("{n} per {period}"))
                }
                Err(_) => String::new(),
            },
            Some(("s", (minutes, _))) => match minutes.parse::<u32>() {
                Ok(m) => {
                    let (id, n) = match m {
                        m if m >= 1440 && m % 1440 == 0 => ("soon-days", m / 1440),
                        m if m % 60 == 0 => ("soon-hours", m / 60),
                        m => ("soon-minutes", m),
                    };
                    let args = [("count".to_string(), FluentValue::from(n))];
                    self.locales.message(&self.lang, id, &args).unwrap_or_default()
                }
                Err(_) => String::new(),
            },
            Some(("f", (id, args))) => {
                let args: serde_json::Map<String, Value> = serde_json::from_str(args).unwrap_or_default();
                let args: Vec<(String, FluentValue<'_>)> =
                    args.iter().map(|(k, v)| (k.clone(), crate::i18n::fluent_value(v))).collect();
                self.locales.message(&self.lang, id, &args).unwrap_or_default()
            }
            // The spec may hold `|` itself; the currency never does.
            Some(("r", _)) => match mark[1..].rsplit_once('|') {
                Some((spec, currency)) => Reward::parse(spec).map(|r| self.reward(&r, currency)).unwrap_or_default(),
                None => String::new(),
            },
            _ => String::new(),
        }
    }
}

fn gregorian(year: i32, month: u32, day: u32) -> Option<Date<Gregorian>> {
    Date::try_new_gregorian(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).ok()
}

/// ICU's locale for one of our language tags; Arabic with Latin digits.
fn icu_locale(lang: &str) -> Option<Locale> {
    let tag = if lang == "ar" || lang.starts_with("ar-") { format!("{lang}-u-nu-latn") } else { lang.to_string() };
    tag.parse().ok()
}

/// The symbol a language writes a currency with (CLDR's, narrow where the
/// narrow one is what people write: Romanians write "lei", not "RON").
fn currency_symbol<'a>(lang: &str, currency: &'a str) -> &'a str {
    let base = lang.split('-').next().unwrap_or(lang);
    match (base, currency) {
        (_, "EUR") => "€",
        (_, "GBP") => "£",
        ("ar", "USD") => "US$",
        ("ru", "USD") => "$",
        ("ru", "RUB") => "₽",
        ("ro", "RON") => "lei",
        _ => currency,
    }
}

/// The renderer, and so every language's formatters, is shared by threads.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Intl>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn intl(lang: &str) -> Intl {
        let mut locales = Locales::new();
        for (tag, ftl) in vouch_templates::locales() {
            locales.add(tag, ftl, tag).expect("messages parse");
        }
        Intl::new(lang, Arc::new(locales))
    }

    #[test]
    fn rewards_in_each_language() {
        let credit = Reward::Credit(Money(5000));
        assert_eq!(intl("en").reward(&credit, "USD"), "$50.00 account credit");
        assert_eq!(intl("ro").reward(&credit, "RON"), "50,00\u{A0}lei credit în cont");
        assert_eq!(intl("ru").reward(&Reward::FreeMonths(2), "USD"), "2 бесплатных месяца");
        assert_eq!(intl("ro").reward(&Reward::FreeMonths(20), "RON"), "20 de luni gratuite");
        let seat = reward(&Reward::EventSeat("Lunch | May".into()), "usd");
        assert_eq!(intl("en").localize(&Value::String(seat)), "a seat at Lunch | May");
        assert_eq!(intl("en").localize(&Value::String(cap(12, Period::Year))), "12 per year");
        assert_eq!(intl("ro").localize(&Value::String(cap(12, Period::Year))), "12 pe an");
        let kind = Value::String(text("event-kind-expert-club", &[]));
        assert_eq!([intl("en").localize(&kind), intl("ro").localize(&kind)], ["expert-club", "club de experți"]);
        let champions = Value::String(text("audience-champions", &[("count", serde_json::json!(21))]));
        assert_eq!(intl("ro").localize(&champions), "membrii cu cel puțin 21 de recomandări");
        let soon_in = |lang: &str, m: u32| intl(lang).localize(&Value::String(soon(m)));
        assert_eq!(
            [soon_in("en", 1440), soon_in("en", 60), soon_in("en", 2880)],
            ["tomorrow", "in an hour", "in 2 days"]
        );
        assert_eq!(
            [soon_in("ro", 1440), soon_in("ro", 120), soon_in("ro", 30)],
            ["mâine", "peste 2 ore", "peste 30 de minute"]
        );
    }

    fn thursday() -> (Timestamp, Timezone) {
        let t = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 16, 0, 0).single().expect("a time");
        (t, Timezone::parse("Europe/Bucharest").expect("zone"))
    }

    #[test]
    fn dates_in_each_language() {
        let (t, zone) = thursday();
        assert_eq!(intl("en").datetime(t, zone), "Thu 3 Dec 2026, 18:00 EET");
        assert_eq!(intl("ro").datetime(t, zone), "joi, 3 decembrie 2026 la 18:00 EET");
        assert_eq!(intl("ru").datetime(t, zone), "четверг, 3 декабря 2026\u{202F}г. в 18:00 EET");
        let ar = intl("ar").datetime(t, zone);
        assert_eq!(ar, "الخميس، 3 ديسمبر 2026 في 6:00 م EET");
    }

    #[test]
    fn durations_percentages_and_days_in_each_language() {
        let w = |lang: &str, mark: String| intl(lang).localize(&Value::String(mark));
        assert_eq!(w("en", duration(90)), "1 hour 30 minutes");
        assert_eq!(w("en", duration(1)), "1 minute");
        assert_eq!(w("ru", duration(90)), "1 час 30 минут");
        assert_eq!(w("ru", duration(21 * 60 + 2)), "21 час 2 минуты");
        assert_eq!(w("ro", duration(20 * 60)), "20 de ore");
        assert_eq!(w("ro", duration(101 * 60 + 1)), "101 ore și 1 minut");
        assert_eq!(w("ar", duration(120)), "ساعتان");
        assert_eq!(w("en", percent(12.5, 1)), "12.5%");
        assert_eq!(w("ro", percent(12.5, 1)), "12,5\u{A0}%");
        assert_eq!(w("ru", percent(2300.0, 0)), "2\u{A0}300\u{A0}%");
        assert_eq!(w("ro", number(4.25, 1)), "4,3");
        let (t, zone) = thursday();
        assert_eq!([w("en", day(t, zone)), w("ro", day(t, zone))], ["3 Dec 2026", "3 decembrie 2026"]);
        assert_eq!([w("en", short_day(t, zone)), w("ru", short_day(t, zone))], ["Thu 3 Dec", "чт, 3 дек."]);
        assert_eq!([w("en", month(2026, 6)), w("ro", month(2026, 6))], ["Jun 2026", "iunie 2026"]);
    }

    #[test]
    fn money_in_each_language() {
        let m = Money(120_000);
        assert_eq!(intl("en").money(m, "USD"), "$1,200.00");
        assert_eq!(intl("ro").money(m, "RON"), "1.200,00\u{A0}lei");
        assert_eq!(intl("ru").money(m, "USD"), "1\u{A0}200,00\u{A0}$");
        assert_eq!(intl("ar").money(m, "USD"), "1,200.00\u{A0}US$");
        assert_eq!(intl("ro").money(Money(-350), "EUR"), "-3,50\u{A0}€");
    }

    #[test]
    fn marks_are_written_in_the_readers_language_and_nothing_else_changes() {
        let (t, zone) = thursday();
        let data = serde_json::json!({
            "event": { "when": moment(t, zone), "title": "Prânz" },
            "rows": [format!("total {}", money(Money(5000), "ron")), 3],
        });
        let ro = intl("ro").localize(&data);
        assert_eq!(ro["event"]["when"], "joi, 3 decembrie 2026 la 18:00 EET");
        assert_eq!(ro["event"]["title"], "Prânz");
        assert_eq!(ro["rows"], serde_json::json!(["total 50,00\u{A0}lei", 3]));
        let en = intl("en").localize(&data);
        assert_eq!(en["event"]["when"], "Thu 3 Dec 2026, 18:00 EET");
        let broken = intl("en").localize(&serde_json::json!(format!("a{OPEN}x{CLOSE}b{OPEN}")));
        assert_eq!(broken, "ab", "a mark that does not parse never shows");
    }
}
