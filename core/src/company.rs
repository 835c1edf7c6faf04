//! A prospect's company, read the way a person reading the mail would: from
//! the display name ("Jane Doe (Acme Corp)", "Jane Doe | Acme") or, for a
//! business address, from its domain (`jane@eu.acme.co.uk` → `acme.co.uk`).
//! Free-mail addresses say nothing about an employer and give no company.
//! Pure functions; the engine stores the result on the prospect's member.

use vouch_store::EmailAddress;

/// Providers whose addresses belong to people, not companies. Short on
/// purpose: the big providers cover most personal addresses, and a miss only
/// shows a domain where no company was meant.
const FREE_MAIL: &[&str] = &[
    "aol.com",
    "bk.ru",
    "fastmail.com",
    "free.fr",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hey.com",
    "hotmail.com",
    "icloud.com",
    "inbox.ru",
    "laposte.net",
    "libero.it",
    "list.ru",
    "live.com",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "orange.fr",
    "outlook.com",
    "pm.me",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "rambler.ru",
    "t-online.de",
    "web.de",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "ya.ru",
    "zoho.com",
];

/// Regional spellings of the big providers (`yahoo.co.uk`, `hotmail.fr`).
const FREE_MAIL_BRANDS: &[&str] = &["gmail", "hotmail", "outlook", "yahoo", "live", "gmx", "yandex"];

/// Splits a display name into the person's name and a company written
/// after it: `Jane Doe (Acme Corp)`, `Jane Doe | Acme`, `Jane Doe - Acme`,
/// `Jane Doe @ Acme`. Parentheses holding pronouns (`she/her`) or a relay
/// (`via LinkedIn`) are not a company. Without a company the whole name is
/// returned unchanged.
pub fn split_name(display: &str) -> (&str, Option<&str>) {
    let display = display.trim();
    if let Some(inner) = display.strip_suffix(')')
        && let Some(open) = inner.rfind('(')
    {
        let (name, company) = (inner[..open].trim(), inner[open + 1..].trim());
        let relay = company.to_lowercase().starts_with("via ");
        if !name.is_empty() && !company.is_empty() && !company.contains('/') && !relay {
            return (name, Some(company));
        }
    }
    // Every separator holds one of these bytes (– and — start with 0xE2):
    // most names have none and skip five substring searches (inbound mail
    // splits every address's display name).
    if !display.bytes().any(|b| matches!(b, b'|' | b'@' | b'-' | 0xE2)) {
        return (display, None);
    }
    for separator in [" | ", " @ ", " - ", " – ", " — "] {
        if let Some((name, company)) = display.split_once(separator) {
            let (name, company) = (name.trim(), company.trim());
            if !name.is_empty() && !company.is_empty() {
                return (name, Some(company));
            }
        }
    }
    (display, None)
}

/// The registrable domain of a business address (by the Public Suffix
/// List: `eu.acme.co.uk` → `acme.co.uk`), or `None` for free mail.
pub fn from_domain(email: &EmailAddress) -> Option<String> {
    let domain = email.as_str().rsplit_once('@')?.1.trim_end_matches('.');
    let registrable = psl::domain_str(domain)?;
    let brand = registrable.split('.').next().unwrap_or_default();
    if FREE_MAIL.contains(&registrable) || FREE_MAIL_BRANDS.contains(&brand) {
        return None;
    }
    Some(registrable.to_string())
}

/// The person's name and company: a company named in the display name
/// wins over the address's domain.
pub fn guess(display: &str, email: &EmailAddress) -> (String, Option<String>) {
    let (name, company) = split_name(display);
    let company = company.map(str::to_string).or_else(|| from_domain(email));
    (name.to_string(), company)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(s: &str) -> EmailAddress {
        EmailAddress::parse(s).expect("valid address")
    }

    #[test]
    fn a_company_after_the_name_is_split_off() {
        assert_eq!(split_name("Jane Doe (Acme Corp)"), ("Jane Doe", Some("Acme Corp")));
        assert_eq!(split_name("Jane Doe | Acme"), ("Jane Doe", Some("Acme")));
        assert_eq!(split_name("Jane Doe - Acme GmbH"), ("Jane Doe", Some("Acme GmbH")));
        assert_eq!(split_name("Ион Попеску — ООО Ромашка"), ("Ион Попеску", Some("ООО Ромашка")));
        assert_eq!(split_name(" Jane @ Acme "), ("Jane", Some("Acme")));
    }

    #[test]
    fn names_without_a_company_stay_whole() {
        assert_eq!(split_name("Jane Doe"), ("Jane Doe", None));
        assert_eq!(split_name("Jean-Luc Picard"), ("Jean-Luc Picard", None));
        assert_eq!(split_name("Sam Lee (they/them)"), ("Sam Lee (they/them)", None));
        assert_eq!(split_name("Jane Doe (via LinkedIn)"), ("Jane Doe (via LinkedIn)", None));
        assert_eq!(split_name("(Acme)"), ("(Acme)", None));
        assert_eq!(split_name(""), ("", None));
    }

    #[test]
    fn business_domains_name_the_company_and_free_mail_does_not() {
        assert_eq!(from_domain(&email("jane@acme.com")).as_deref(), Some("acme.com"));
        assert_eq!(from_domain(&email("jane@eu.mail.acme.com")).as_deref(), Some("acme.com"));
        assert_eq!(from_domain(&email("jane@acme.co.uk")).as_deref(), Some("acme.co.uk"));
        assert_eq!(from_domain(&email("jane@sales.acme.com.au")).as_deref(), Some("acme.com.au"));
        assert_eq!(from_domain(&email("jane@acme.ro")).as_deref(), Some("acme.ro"));
        // The Public Suffix List knows suffixes a rule of thumb would not.
        assert_eq!(from_domain(&email("jane@acme.github.io")).as_deref(), Some("acme.github.io"));
        assert_eq!(from_domain(&email("jane@city.kawasaki.jp")).as_deref(), Some("city.kawasaki.jp"));
        for free in ["jane@gmail.com", "jane@yahoo.co.uk", "jane@hotmail.fr", "jane@mail.ru", "jane@proton.me"] {
            assert_eq!(from_domain(&email(free)), None, "{free}");
        }
    }

    #[test]
    fn the_display_name_wins_over_the_domain() {
        assert_eq!(guess("Jane (Acme Labs)", &email("jane@acme.io")), ("Jane".into(), Some("Acme Labs".into())));
        assert_eq!(guess("Jane", &email("jane@acme.io")), ("Jane".into(), Some("acme.io".into())));
        assert_eq!(guess("Jane", &email("jane@gmail.com")), ("Jane".into(), None));
    }
}
