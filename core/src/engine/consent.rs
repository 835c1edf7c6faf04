//! Introductions by email and the prospect's double opt-in. An
//! introduction is a referral with an [`Introduction`] attached: the
//! champion is thanked on receipt, the prospect is asked (by mail, with
//! `consent ID yes|no` as reply keywords and buttons), the answer is told
//! to the champion, and a "no" is respected: nothing more is mailed to that
//! address.

use serde_json::json;
use vouch_store::{
    Action, Consent, EmailAddress, IdentityKey, Introduction, Member, Read, Referral, ReferralId, ReferralSource,
    ReferralState, StateChange,
};

use super::{Cx, Extras, create_member};
use crate::abuse;
use crate::error::UserError;
use crate::reply::Outcome;

/// The double opt-in mail; a reply threaded under it is an answer.
pub(crate) const REQUEST_TEMPLATE: &str = "notice/consent_request";

/// Where an introduction stands, in DESIGN.md's words.
pub fn stage(r: &Referral) -> Option<&'static str> {
    let intro = r.introduction.as_ref()?;
    Some(match (intro.consent, r.state) {
        (_, ReferralState::Converted | ReferralState::Rewarded) => "won",
        (Consent::Declined, _) => "declined",
        (_, ReferralState::Rejected) => "lost",
        (_, ReferralState::Qualified) => "meeting",
        (Consent::Accepted, _) => "accepted",
        (Consent::Requested, _) if intro.request.is_some() => "consent_requested",
        (Consent::Requested, _) => "received",
    })
}

/// An introduction, by mail (forwarded or CC'd) or by a member's `refer`
/// in chat: recorded, the prospect asked by mail before anyone contacts
/// them, the champion thanked (the reply; by mail, on receipt).
/// Consent requests go to people who never wrote to vouch: a flood of
/// introductions (a compromised account, a forwarding loop) is stopped per
/// member over 24 hours and for the whole community per UTC day.
fn count_consent_request(cx: &mut Cx<'_, '_>) -> Result<(), UserError> {
    let limits = cx.engine.settings().limits;
    let since = cx.now - chrono::Duration::hours(24);
    let mine = cx
        .tx
        .referrals_by_referrer(cx.me.id)?
        .iter()
        .filter(|r| r.introduction.is_some() && r.created_at > since)
        .count();
    if mine >= limits.introductions_per_member_per_day as usize {
        return Err(UserError::IntroductionLimit { max: limits.introductions_per_member_per_day, whose: "yours" });
    }
    // One counter per UTC day in the meta tree: no scan of every referral.
    let today = cx.tx.next_id(&format!("consent-requests:{}", cx.now.format("%Y-%m-%d")))?;
    if today > u64::from(limits.introductions_per_day) {
        return Err(UserError::IntroductionLimit { max: limits.introductions_per_day, whose: "community" });
    }
    Ok(())
}

pub(super) fn introduce(
    cx: &mut Cx<'_, '_>,
    name: &str,
    email: &EmailAddress,
    note: &str,
    company: Option<&str>,
) -> Result<Outcome, UserError> {
    let program = super::referrals::default_program(cx)?;
    let me = cx.me.clone();
    let referred = super::referrals::prospect(cx, &program, name, email, company)?;
    count_consent_request(cx)?;
    // Asked where we know them: the typed address, or for another spelling
    // of a known inbox, the address they use with us.
    let typed = IdentityKey::new_email(email);
    let identity = if cx.tx.identity(&typed)?.is_some() { typed } else { referred.primary_identity.clone() };
    let review = abuse::is_disposable(email)
        .then(|| format!("{} is a disposable address; check before any reward", email.as_str()));
    let id = ReferralId(cx.tx.next_id("referral")?);
    let mut history_note = note.to_string();
    if let Some(why) = &review {
        history_note = format!("{history_note}\nheld for review: {why}").trim().to_string();
    }
    let mail = cx.mail;
    let mut referral = Referral {
        id,
        program: program.id,
        referrer: me.id,
        referred: referred.id,
        code: None,
        source: if mail.is_some() { ReferralSource::Email } else { ReferralSource::Manual },
        state: ReferralState::Issued,
        note: note.to_string(),
        value: None,
        reject_reason: None,
        created_at: cx.now,
        history: vec![StateChange { at: cx.now, state: ReferralState::Issued, by: Some(me.id), note: history_note }],
        introduction: Some(Introduction {
            consent: Consent::Requested,
            request: None,
            source_message: mail.and_then(|m| m.message_id.clone()),
            subject: mail.map(|m| m.subject.clone()).unwrap_or_default(),
            answered_at: None,
            review: review.clone(),
        }),
    };
    let yes = format!("consent {id} yes");
    let no = format!("consent {id} no");
    let request = cx.notify_identity_with(
        identity,
        REQUEST_TEMPLATE,
        json!({
            "referral": id.to_string(),
            "name": referred.display_name,
            "champion": me.display_name,
            "yes": yes,
            "no": no,
            "unsubscribe": no,
        }),
        Extras {
            actions: vec![Action::new("action.consent_yes", yes), Action::new("action.consent_no", no)],
            attachments: Vec::new(),
        },
    )?;
    if let Some(intro) = referral.introduction.as_mut() {
        intro.request = request;
    }
    cx.tx.put_referral(&referral)?;
    super::webhooks::referral(cx, super::webhooks::EventType::ReferralCreated, &referral)?;
    super::webhooks::introduction(cx, super::webhooks::EventType::IntroductionCreated, &referral)?;
    tell_organizers(cx, &referral, &me, &referred, email, false)?;
    let wish = super::wishes::meet(cx, &referral, &me, &referred, email)?;
    Ok(cx.reply(
        "reply/introduction_received",
        json!({
            "id": id.to_string(),
            "name": referred.display_name,
            "email": email.as_str(),
            "program": program.slug.as_str(),
            "referrer_reward": crate::intl::reward(&program.referrer_reward.reward, &program.currency),
            "has_reward": !program.referrer_reward.reward.is_nothing(),
            "review": review.is_some(),
            "wish": wish,
        }),
    ))
}

/// `consent ID yes|no`: only the introduced person may answer.
pub(super) fn consent(cx: &mut Cx<'_, '_>, id: ReferralId, accept: bool) -> Result<Outcome, UserError> {
    let unknown = || UserError::UnknownReferral { id: id.to_string() };
    let mut r = cx.tx.referral(id)?.ok_or_else(unknown)?;
    let Some(mut intro) = r.introduction.clone() else { return Err(unknown()) };
    if r.referred != cx.me.id {
        return Err(UserError::ConsentNotYours);
    }
    let answer = if accept { Consent::Accepted } else { Consent::Declined };
    // Too late to decline (won or lost), but a "no" — often the mail's
    // List-Unsubscribe — still means: no more mail.
    if !accept && !r.state.is_open() && intro.consent != Consent::Declined {
        return subscription(cx, false);
    }
    // A "yes" can become a "no" while nothing is decided; a "no" is final.
    if intro.consent == answer || intro.consent == Consent::Declined || !r.state.is_open() {
        let word = match intro.consent {
            Consent::Declined => "declined",
            _ if !r.state.is_open() => "closed",
            _ => "accepted",
        };
        return Err(UserError::ConsentAnswered { referral: id.to_string(), answer: word });
    }
    intro.consent = answer;
    intro.answered_at = Some(cx.now);
    r.introduction = Some(intro.clone());
    let champion = cx.member(r.referrer)?;
    let me = cx.me.clone();
    if accept {
        r.history.push(StateChange { at: cx.now, state: r.state, by: Some(me.id), note: "consent: accepted".into() });
    } else {
        r.state = ReferralState::Rejected;
        r.reject_reason = Some("the introduced person declined".into());
        r.history.push(StateChange {
            at: cx.now,
            state: ReferralState::Rejected,
            by: Some(me.id),
            note: "consent: declined".into(),
        });
        opt_out(cx, &r, &intro)?;
    }
    cx.tx.put_referral(&r)?;
    if accept {
        super::webhooks::introduction(cx, super::webhooks::EventType::IntroductionAccepted, &r)?;
    } else {
        super::webhooks::introduction(cx, super::webhooks::EventType::IntroductionDeclined, &r)?;
        super::webhooks::referral(cx, super::webhooks::EventType::ReferralRejected, &r)?;
    }
    if accept {
        let email = cx.caller.identity.email().or(me.email.clone());
        if let Some(email) = email {
            tell_organizers(cx, &r, &champion, &me, &email, true)?;
        }
    }
    let template = if accept { "notice/introduction_accepted" } else { "notice/introduction_declined" };
    cx.notify(
        &champion,
        template,
        json!({ "name": champion.display_name, "prospect": me.display_name, "id": id.to_string() }),
    )?;
    let reply = if accept { "reply/consent_accepted" } else { "reply/consent_declined" };
    Ok(cx.reply(reply, json!({ "champion": champion.display_name, "name": me.display_name })))
}

/// Organizers hear of each introduction when it arrives and again when the
/// prospect says yes (the moment to reach out). The champion is not told
/// twice when they are an organizer themselves.
fn tell_organizers(
    cx: &mut Cx<'_, '_>,
    r: &Referral,
    champion: &Member,
    prospect: &Member,
    email: &EmailAddress,
    accepted: bool,
) -> Result<(), UserError> {
    let note = r.introduction.as_ref().and_then(|i| i.review.clone());
    for organizer in super::members::organizers(cx)? {
        if organizer.id == champion.id {
            continue;
        }
        cx.notify(
            &organizer,
            "notice/introduction_organizer",
            json!({
                "name": organizer.display_name,
                "id": r.id.to_string(),
                "champion": champion.display_name,
                "prospect": prospect.display_name,
                "email": email.as_str(),
                "company": prospect.company,
                "note": r.note,
                "accepted": accepted,
                "review": note,
            }),
        )?;
    }
    Ok(())
}

/// The partner's "ideal introduction in reverse": a mail asking how best
/// to refer clients to them, with a form and a filled example. Their reply
/// (threaded under it) goes to the organizers.
pub(crate) const PARTNER_ASK_TEMPLATE: &str = "notice/partner_ask";

pub(super) fn ask_partner(cx: &mut Cx<'_, '_>, email: &EmailAddress, name: &str) -> Result<Outcome, UserError> {
    let identity = IdentityKey::new_email(email);
    if cx.tx.identity(&identity)?.is_some_and(|i| i.opted_out) {
        return Err(UserError::ProspectOptedOut { email: email.as_str().to_string() });
    }
    let partner = match cx.tx.member_by_identity(&identity)? {
        Some(m) => m,
        None => {
            let name = if name.trim().is_empty() { email.as_str() } else { name };
            create_member(cx.tx, &identity, name, [vouch_store::Role::Member].into(), false, cx.now)?
        }
    };
    let me = cx.me.clone();
    cx.notify_identity_with(
        identity,
        PARTNER_ASK_TEMPLATE,
        json!({ "name": partner.display_name, "organizer": me.display_name }),
        Extras::default(),
    )?;
    Ok(cx.reply("reply/partner_asked", json!({ "name": partner.display_name, "email": email.as_str() })))
}

/// `unsubscribe` / `subscribe`: notices to the identity the caller writes
/// from stop or resume. Resuming needs proof the identity is theirs (an
/// authenticated mail, any chat message): a spoofed From must not undo
/// someone's "no". Answers to the caller's own commands always come.
pub(super) fn subscription(cx: &mut Cx<'_, '_>, on: bool) -> Result<Outcome, UserError> {
    if on && !cx.caller.verified {
        return Err(UserError::Unverified { what: "subscribe" });
    }
    let key = cx.caller.identity.clone();
    let mut identity = cx.tx.identity(&key)?.ok_or_else(|| UserError::Internal(format!("{key} not resolved")))?;
    let changed = identity.opted_out == on;
    if changed {
        identity.opted_out = !on;
        cx.tx.put_identity(&identity)?;
    }
    let template = if on { "reply/subscribed" } else { "reply/unsubscribed" };
    // An opted-out address also cannot be introduced (`referrals::prospect`).
    let data = json!({ "name": cx.me.display_name, "where": key.external(), "changed": changed, "email": key.email().is_some() });
    Ok(cx.reply(template, data))
}

/// No more notices to the address the request went to (and the caller's).
fn opt_out(cx: &mut Cx<'_, '_>, r: &Referral, intro: &Introduction) -> Result<(), UserError> {
    let mut keys = vec![cx.caller.identity.clone()];
    if let Some(row) = intro.request
        && let Some(request) = cx.tx.outbox(row)?
    {
        keys.push(request.to);
    }
    for key in keys {
        if let Some(mut identity) = cx.tx.identity(&key)?
            && identity.member == r.referred
            && !identity.opted_out
        {
            identity.opted_out = true;
            cx.tx.put_identity(&identity)?;
        }
    }
    Ok(())
}

/// The champion's second thank-you, when the organizer marks it won.
pub(super) fn thank_on_win(cx: &mut Cx<'_, '_>, r: &Referral, champion: &Member) -> Result<(), UserError> {
    let referred = cx.member(r.referred)?;
    cx.notify(
        champion,
        "notice/introduction_won",
        json!({
            "name": champion.display_name,
            "prospect": referred.display_name,
            "id": r.id.to_string(),
            "ask_shoutout": super::members::may_ask_for_shoutout(cx, champion),
        }),
    )
}
