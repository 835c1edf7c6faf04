//! Alt-account signals from email addresses: the same inbox under another
//! spelling (`+alias`, Gmail's ignored dots) and throwaway domains. Pure
//! functions for the engine's flows to consult; a match is a reason to look
//! closer (hold a reward for review), not proof of abuse.

use std::collections::HashSet;
use std::sync::LazyLock;

use vouch_store::EmailAddress;

/// Disposable-mailbox services: a vendored, dated copy of the maintained
/// community blocklist (about 10,000 domains; `scripts/update-disposable-domains`
/// refreshes it). Embedded, so a lookup needs no file or network.
const DISPOSABLE_LIST: &str = include_str!("../data/disposable-domains.txt");

fn disposable_domains() -> &'static HashSet<&'static str> {
    static SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
        DISPOSABLE_LIST.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
    });
    &SET
}

/// A key equal for every spelling of one inbox: lowercase (already so in
/// [`EmailAddress`]), without a `+tag`, and for Gmail without dots and with
/// `googlemail.com` read as `gmail.com`. For comparing, not for sending:
/// `+tag` is stripped for every domain, since the big providers all deliver
/// plus-addressed mail to the base inbox and a false match only asks for a
/// second look.
pub fn mailbox_key(email: &EmailAddress) -> String {
    email.mailbox()
}

/// True when both addresses reach the same inbox (see [`mailbox_key`]).
pub fn same_mailbox(a: &EmailAddress, b: &EmailAddress) -> bool {
    mailbox_key(a) == mailbox_key(b)
}

/// True for an address at a known disposable-mailbox service or one of its
/// subdomains.
pub fn is_disposable(email: &EmailAddress) -> bool {
    let domain = email.as_str().rsplit_once('@').map_or("", |(_, d)| d);
    let mut domain = domain.trim_end_matches('.');
    let set = disposable_domains();
    // The domain itself, then each parent: eu.mailinator.com, mailinator.com, com.
    loop {
        if set.contains(domain) {
            return true;
        }
        match domain.split_once('.') {
            Some((_, parent)) => domain = parent,
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(s: &str) -> EmailAddress {
        EmailAddress::parse(s).expect("valid test address")
    }

    #[test]
    fn gmail_dots_case_plus_tags_and_googlemail_are_one_inbox() {
        let base = email("johnsmith@gmail.com");
        for alias in ["John.Smith@gmail.com", "j.o.h.n.smith+promo@googlemail.com", "johnsmith+a+b@GMAIL.com"] {
            assert!(same_mailbox(&base, &email(alias)), "{alias}");
        }
        assert_eq!(mailbox_key(&email("J.Smith+x@googlemail.com")), "jsmith@gmail.com");
    }

    #[test]
    fn dots_matter_outside_gmail_but_plus_tags_do_not() {
        assert!(!same_mailbox(&email("john.smith@example.com"), &email("johnsmith@example.com")));
        assert!(same_mailbox(&email("ann+vouch@fastmail.com"), &email("ann@fastmail.com")));
        assert!(!same_mailbox(&email("ann@example.com"), &email("ann@example.org")));
    }

    #[test]
    fn an_address_that_is_all_tag_still_has_a_key() {
        assert_eq!(mailbox_key(&email("+tag@example.com")), "@example.com");
    }

    #[test]
    fn disposable_domains_and_their_subdomains_are_flagged() {
        assert!(is_disposable(&email("x@mailinator.com")));
        assert!(is_disposable(&email("x@eu.mailinator.com")));
        assert!(is_disposable(&email("x@YOPMAIL.com")));
        // A name that merely ends the same is not a subdomain.
        assert!(!is_disposable(&email("x@acmemailinator.com")));
        assert!(!is_disposable(&email("x@gmail.com")));
        assert!(!is_disposable(&email("x@mailinator.com.example.org")));
    }

    #[test]
    fn the_vendored_list_is_thousands_of_domains_and_spares_real_providers() {
        let set = disposable_domains();
        assert!(set.len() > 5_000, "{}", set.len());
        assert!(is_disposable(&email("x@0-mail.com")), "a domain from the list, not the old 21");
        for real in
            ["gmail.com", "outlook.com", "yahoo.com", "mail.ru", "yandex.ru", "icloud.com", "proton.me", "gmx.de"]
        {
            assert!(!is_disposable(&email(&format!("x@{real}"))), "{real}");
        }
        assert!(set.iter().all(|d| !d.contains(char::is_whitespace) && *d == d.to_lowercase()), "normalised");
    }
}
