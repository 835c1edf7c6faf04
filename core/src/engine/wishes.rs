//! The wish list (PLAYBOOK: champions refer best when the ask is specific):
//! organizers list the companies and people they most want to meet,
//! everyone can read it, and an introduction of someone at a listed company
//! meets the wish, crediting the champion and telling the organizers.

use serde_json::{Value, json};
use vouch_store::{EmailAddress, Member, Read, Referral, Wish, WishId, WishState};

use super::Cx;
use crate::error::{UserError, problem};
use crate::reply::Outcome;

/// How long a met wish stays on the list, as thanks to its champion.
const MET_SHOWN_DAYS: i64 = 90;

/// A word that names a mail domain (`northwind.com`, `acme.co.uk`): it
/// matches introductions by address, and is kept apart from the text.
fn domain_word(word: &str) -> Option<String> {
    let w = word.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')' | '<' | '>')).to_ascii_lowercase();
    let w = w.strip_prefix("https://").or_else(|| w.strip_prefix("http://")).unwrap_or(&w);
    let w = w.strip_prefix("www.").unwrap_or(w).trim_end_matches('/');
    let labels: Vec<&str> = w.split('.').collect();
    let tld = labels.last()?;
    let ok = labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic());
    ok.then(|| w.to_string())
}

/// `wish add TEXT`: a domain among the words is the company's address.
pub(super) fn add(cx: &mut Cx<'_, '_>, text: &str) -> Result<Outcome, UserError> {
    let mut domain = None;
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        match domain_word(word) {
            Some(d) if domain.is_none() => domain = Some(d),
            _ => words.push(word),
        }
    }
    let target = super::clean_name(&words.join(" "), domain.as_deref().unwrap_or_default());
    let open: Vec<Wish> = cx.tx.wishes()?.into_iter().filter(|w| w.state == WishState::Open).collect();
    let same = |w: &&Wish| {
        w.target.eq_ignore_ascii_case(&target) || (domain.is_some() && w.domain.as_deref() == domain.as_deref())
    };
    if let Some(existing) = open.iter().find(same) {
        let listed = problem(
            "wish-exists",
            &[("target", existing.target.clone().into()), ("id", existing.id.to_string().into())],
        );
        return Err(UserError::InvalidSetting { key: "wish".into(), problem: listed });
    }
    let wish = Wish {
        id: WishId(cx.tx.next_id("wish")?),
        target,
        domain,
        added_by: cx.me.id,
        added_at: cx.now,
        state: WishState::Open,
    };
    cx.tx.put_wish(&wish)?;
    Ok(cx.reply("reply/wish_added", json!({ "wish": wish_json(cx, &wish)?, "open": open.len() + 1 })))
}

/// `wish drop ID`: off the list (met wishes stay met).
pub(super) fn drop(cx: &mut Cx<'_, '_>, id: WishId) -> Result<Outcome, UserError> {
    let unknown = || UserError::UnknownWish { id: id.to_string() };
    let mut wish = cx.tx.wish(id)?.ok_or_else(unknown)?;
    if matches!(wish.state, WishState::Dropped { .. }) {
        return Err(unknown());
    }
    if wish.state == WishState::Open {
        wish.state = WishState::Dropped { at: cx.now };
        cx.tx.put_wish(&wish)?;
    }
    Ok(cx.reply("reply/wish_dropped", json!({ "wish": wish_json(cx, &wish)? })))
}

/// `wishes`: open wishes, oldest first, then those met lately with thanks.
pub(super) fn list(cx: &mut Cx<'_, '_>) -> Result<Outcome, UserError> {
    let since = cx.now - chrono::Duration::days(MET_SHOWN_DAYS);
    let (mut open, mut met) = (Vec::new(), Vec::new());
    for wish in cx.tx.wishes()? {
        match &wish.state {
            WishState::Open => open.push(wish_json(cx, &wish)?),
            WishState::Met { at, .. } if *at >= since => met.push(wish_json(cx, &wish)?),
            _ => {}
        }
    }
    let organizer = cx.caller.admin || cx.me.has_role(vouch_store::Role::Organizer);
    Ok(cx.reply("reply/wishes", json!({ "open": open, "met": met, "organizer": organizer })))
}

/// The open wishes, for event invitations and the champion's thank-you.
pub(super) fn open_targets(cx: &Cx<'_, '_>, most: usize) -> Result<Vec<String>, UserError> {
    let open = cx.tx.wishes()?.into_iter().filter(|w| w.state == WishState::Open);
    Ok(open.take(most).map(|w| w.target).collect())
}

fn wish_json(cx: &Cx<'_, '_>, w: &Wish) -> Result<Value, UserError> {
    let (by, referral) = match &w.state {
        WishState::Met { by, referral, .. } => (Some(cx.member(*by)?.display_name), Some(referral.to_string())),
        _ => (None, None),
    };
    Ok(json!({ "id": w.id.to_string(), "target": w.target, "domain": w.domain, "by": by, "referral": referral }))
}

/// Whether an introduction of `prospect` at `email` is what `wish` asked
/// for: the same mail domain (or a subdomain of it), or the same company
/// name as the introduction gave.
fn meets(wish: &Wish, prospect: &Member, email: &EmailAddress) -> bool {
    let at = email.as_str().rsplit_once('@').map_or("", |(_, d)| d);
    let by_domain = wish.domain.as_deref().is_some_and(|d| at == d || at.ends_with(&format!(".{d}")));
    let by_name = prospect.company.as_deref().is_some_and(|c| {
        let (c, t) = (c.trim().to_lowercase(), wish.target.trim().to_lowercase());
        c.chars().count() >= 3 && t.chars().count() >= 3 && (c == t || t.contains(&c) || c.contains(&t))
    });
    by_domain || by_name
}

/// After an introduction is recorded: the first open wish it meets is
/// marked met (crediting the champion) and the organizers are told.
/// Returns the wish's target for the champion's thank-you.
pub(super) fn meet(
    cx: &mut Cx<'_, '_>,
    r: &Referral,
    champion: &Member,
    prospect: &Member,
    email: &EmailAddress,
) -> Result<Option<String>, UserError> {
    let Some(mut wish) = cx.tx.wishes()?.into_iter().find(|w| w.state == WishState::Open && meets(w, prospect, email))
    else {
        return Ok(None);
    };
    wish.state = WishState::Met { referral: r.id, by: champion.id, at: cx.now };
    cx.tx.put_wish(&wish)?;
    for organizer in super::members::organizers(cx)? {
        if organizer.id == champion.id {
            continue;
        }
        let data = json!({
            "name": organizer.display_name,
            "wish": wish.target,
            "id": wish.id.to_string(),
            "champion": champion.display_name,
            "prospect": prospect.display_name,
            "referral": r.id.to_string(),
        });
        cx.notify(&organizer, "notice/wish_met", data)?;
    }
    let what = format!("they introduced us to {}, a wish on our list.", wish.target);
    super::members::thank_in_public(cx, champion, &what)?;
    Ok(Some(wish.target))
}

#[cfg(test)]
mod tests {
    use super::domain_word;

    #[test]
    fn domains_are_told_from_words() {
        assert_eq!(domain_word("northwind.com").as_deref(), Some("northwind.com"));
        assert_eq!(domain_word("(https://www.Acme.co.uk/)").as_deref(), Some("acme.co.uk"));
        for word in ["Northwind", "Inc.", "e.g.", "v2.0", "jane@acme.com", "a..b", "x.1"] {
            assert_eq!(domain_word(word), None, "{word}");
        }
    }
}
