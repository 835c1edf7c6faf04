//! Codes, redemptions, hand-recorded referrals, and the organizer's path
//! from referral to reward.

use chrono::{Datelike, TimeZone, Utc};
use serde_json::{Value, json};
use vouch_store::{
    Action, Approval, CodeRecord, EmailAddress, IdentityKey, Member, Money, Period, Program, Read, Referral,
    ReferralCode, ReferralId, ReferralSource, ReferralState, RewardChange, RewardEntry, RewardId, RewardStatus, Side,
    Slug, StateChange, StatsRead, Timestamp,
};

use super::{Cx, Extras, alts, create_member};
use crate::abuse;
use crate::error::{UserError, parse_problem, problem};
use crate::reply::Outcome;

/// The day of `t` (UTC) in the reader's language ("23 Nov 2026").
pub(crate) fn date(t: Timestamp) -> String {
    crate::intl::day(t, vouch_store::Timezone::parse("UTC").unwrap_or_else(|_| unreachable!("UTC is a zone")))
}

/// The program a bare `code` or `redeem` means: `customer` if active, else
/// the oldest active one.
pub(super) fn default_program(cx: &Cx<'_, '_>) -> Result<Program, UserError> {
    let programs = cx.tx.programs()?;
    let active = programs
        .iter()
        .find(|p| p.slug.as_str() == "customer" && !p.paused)
        .or_else(|| programs.iter().find(|p| !p.paused));
    match (active, programs.first()) {
        (Some(p), _) => Ok(p.clone()),
        (None, Some(p)) => Err(UserError::ProgramPaused { program: p.slug.to_string() }),
        (None, None) => Err(UserError::NoProgram),
    }
}

fn program_named(cx: &Cx<'_, '_>, slug: Option<Slug>) -> Result<Program, UserError> {
    match slug {
        None => default_program(cx),
        Some(slug) => cx.tx.program_by_slug(&slug)?.ok_or_else(|| UserError::UnknownProgram {
            name: slug.to_string(),
            available: cx
                .tx
                .programs()
                .map(|ps| ps.into_iter().filter(|p| !p.paused).map(|p| p.slug.to_string()).collect())
                .unwrap_or_default(),
        }),
    }
}

/// The member's code for the program, created on first ask.
pub(super) fn code_for(cx: &mut Cx<'_, '_>, program: &Program) -> Result<CodeRecord, UserError> {
    if let Some(existing) = cx.tx.code_of(cx.me.id, program.id)?
        && !existing.revoked
    {
        return Ok(existing);
    }
    // 31^8 codes: a collision is rare, and retried.
    let code = loop {
        let candidate = cx.engine.ids.code();
        if cx.tx.code(&candidate)?.is_none() && cx.tx.link_code(&candidate)?.is_none() {
            break candidate;
        }
    };
    let record = CodeRecord { code, member: cx.me.id, program: program.id, created_at: cx.now, revoked: false };
    cx.tx.put_code(&record)?;
    Ok(record)
}

pub(super) fn share_data(cx: &Cx<'_, '_>, program: &Program, code: &ReferralCode) -> Value {
    let link = super::clicks::share_link(cx.settings(), code);
    json!({
        "code": code.to_string(),
        "program": program.slug.as_str(),
        "referrer_reward": crate::intl::reward(&program.referrer_reward.reward, &program.currency),
        "referred_reward": crate::intl::reward(&program.referred_reward.reward, &program.currency),
        "has_referred_reward": !program.referred_reward.reward.is_nothing(),
        "has_referrer_reward": !program.referrer_reward.reward.is_nothing(),
        "share_link": link,
        "cap": program.cap.map(|c| crate::intl::cap(c.max, c.period)),
        "ideal_client": program.ideal_client,
        "name": cx.me.display_name,
    })
}

pub(super) fn code(cx: &mut Cx<'_, '_>, program: Option<Slug>) -> Result<Outcome, UserError> {
    let program = program_named(cx, program)?;
    if program.paused {
        return Err(UserError::ProgramPaused { program: program.slug.to_string() });
    }
    let record = code_for(cx, &program)?;
    let data = share_data(cx, &program, &record.code);
    let mut outcome = cx.reply("reply/code", data);
    for reply in &mut outcome.replies {
        reply.share = Some(record.code.clone());
    }
    Ok(outcome)
}

fn period_start(now: Timestamp, period: Period) -> Timestamp {
    let month = match period {
        Period::Month => now.month(),
        Period::Quarter => (now.month() - 1) / 3 * 3 + 1,
        Period::Year => 1,
    };
    Utc.with_ymd_and_hms(now.year(), month, 1, 0, 0, 0).single().unwrap_or(now)
}

/// Refuses when the referrer already has `cap.max` referrals this period.
pub(super) fn check_cap(cx: &Cx<'_, '_>, program: &Program, referrer: &Member) -> Result<(), UserError> {
    let Some(cap) = program.cap else { return Ok(()) };
    let since = period_start(cx.now, cap.period);
    let used = cx
        .tx
        .referrals_by_referrer(referrer.id)?
        .iter()
        .filter(|r| r.program == program.id && r.state != ReferralState::Rejected && r.created_at >= since)
        .count();
    if used >= cap.max as usize {
        return Err(UserError::CapReached {
            referrer: referrer.display_name.clone(),
            max: cap.max,
            period: cap.period.as_str(),
        });
    }
    Ok(())
}

pub(super) fn refuse_if_already_referred(
    cx: &Cx<'_, '_>,
    referred: &Member,
    program: &Program,
) -> Result<(), UserError> {
    if let Some(existing) = cx.tx.referral_of_referred(referred.id, program.id)? {
        let by_you = existing.referrer == cx.me.id;
        let name = if by_you { referred.display_name.clone() } else { cx.member(existing.referrer)?.display_name };
        return Err(UserError::AlreadyReferred { program: program.slug.to_string(), by_you, name });
    }
    Ok(())
}

/// Refuses when the same inbox under another spelling (another member) was
/// already referred into the program.
fn refuse_if_alias_referred(cx: &Cx<'_, '_>, person: &Member, program: &Program) -> Result<(), UserError> {
    let emails = alts::emails_of(cx, person)?;
    for other in alts::members_at_inbox(cx, &emails, Some(person.id))? {
        if let Some(existing) = cx.tx.referral_of_referred(other, program.id)? {
            let by_you = existing.referrer == cx.me.id;
            let name = if by_you { person.display_name.clone() } else { cx.member(existing.referrer)?.display_name };
            return Err(UserError::AlreadyReferred { program: program.slug.to_string(), by_you, name });
        }
    }
    Ok(())
}

pub(super) fn redeem(cx: &mut Cx<'_, '_>, typed: &str) -> Result<Outcome, UserError> {
    // No "did you mean": a hint found by looking up stored codes near the
    // typed one would reveal live codes to anyone guessing. The refusal
    // says which characters codes never contain (0/O, 1/I/L) instead.
    let code = ReferralCode::parse(typed).map_err(|e| UserError::MalformedCode { problem: parse_problem(&e) })?;
    let Some(record) = cx.tx.code(&code)? else {
        return Err(UserError::UnknownCode { code: code.to_string() });
    };
    if record.revoked {
        return Err(UserError::CodeRevoked);
    }
    let program = cx.program(record.program)?;
    if program.paused {
        return Err(UserError::ProgramPaused { program: program.slug.to_string() });
    }
    if record.member == cx.me.id {
        return Err(UserError::SelfReferral);
    }
    let referrer = cx.member(record.member)?;
    let me = cx.me.clone();
    if alts::same_person(cx, &referrer, &me)? {
        return Err(UserError::SelfReferral);
    }
    if let Some(existing) = cx.tx.referral_of_referred(cx.me.id, program.id)? {
        if existing.code.as_ref() == Some(&code) {
            return Err(UserError::AlreadyRedeemed {
                code: code.to_string(),
                program: program.slug.to_string(),
                when: date(existing.created_at),
            });
        }
        let referrer = cx.member(existing.referrer)?;
        return Err(UserError::AlreadyReferred {
            program: program.slug.to_string(),
            by_you: false,
            name: referrer.display_name,
        });
    }
    refuse_if_alias_referred(cx, &me, &program)?;
    if program.min_tenure_days > 0
        && cx.now < referrer.joined_at + chrono::Duration::days(i64::from(program.min_tenure_days))
    {
        return Err(UserError::TooNew { days: program.min_tenure_days });
    }
    check_cap(cx, &program, &referrer)?;
    let id = ReferralId(cx.tx.next_id("referral")?);
    let referral = Referral {
        id,
        program: program.id,
        referrer: referrer.id,
        referred: cx.me.id,
        code: Some(code.clone()),
        source: ReferralSource::Code,
        state: ReferralState::Redeemed,
        note: String::new(),
        value: None,
        reject_reason: None,
        created_at: cx.now,
        history: vec![StateChange {
            at: cx.now,
            state: ReferralState::Redeemed,
            by: Some(cx.me.id),
            note: String::new(),
        }],
        introduction: None,
    };
    cx.tx.put_referral(&referral)?;
    super::webhooks::referral(cx, super::webhooks::EventType::ReferralCreated, &referral)?;
    // The referrer's natural next step: see where their referrals stand.
    let see_referrals = Extras { actions: vec![Action::new("action.see_referrals", "mine")], ..Extras::default() };
    cx.notify_with(
        &referrer,
        "notice/referral_redeemed",
        json!({ "referrer": referrer.display_name, "referred": me.display_name, "program": program.slug.as_str(), "code": code.to_string() }),
        see_referrals,
    )?;
    Ok(cx.reply(
        "reply/redeemed",
        json!({
            "referrer": referrer.display_name,
            "program": program.slug.as_str(),
            "referred_reward": crate::intl::reward(&program.referred_reward.reward, &program.currency),
            "has_referred_reward": !program.referred_reward.reward.is_nothing(),
            "approval_manual": program.approval == Approval::Manual,
        }),
    ))
}

/// `refer NAME EMAIL [note]`. A member's referral is an introduction: the
/// prospect is asked for consent by mail before anyone contacts them (see
/// [`super::consent`]). An administrator at the console records one that
/// already happened, without mailing anybody.
pub(super) fn refer(
    cx: &mut Cx<'_, '_>,
    name: &str,
    email: &EmailAddress,
    note: &str,
    company: Option<&str>,
) -> Result<Outcome, UserError> {
    if !cx.caller.admin || cx.mail.is_some() {
        return super::consent::introduce(cx, name, email, note, company);
    }
    let program = default_program(cx)?;
    let referred = prospect(cx, &program, name, email, company)?;
    let me = cx.me.clone();
    let id = ReferralId(cx.tx.next_id("referral")?);
    let referral = Referral {
        id,
        program: program.id,
        referrer: me.id,
        referred: referred.id,
        code: None,
        source: ReferralSource::Manual,
        state: ReferralState::Issued,
        note: note.to_string(),
        value: None,
        reject_reason: None,
        created_at: cx.now,
        history: vec![StateChange {
            at: cx.now,
            state: ReferralState::Issued,
            by: Some(me.id),
            note: note.to_string(),
        }],
        introduction: None,
    };
    cx.tx.put_referral(&referral)?;
    super::webhooks::referral(cx, super::webhooks::EventType::ReferralCreated, &referral)?;
    super::wishes::meet(cx, &referral, &me, &referred, email)?;
    Ok(cx.reply(
        "reply/referred",
        json!({
            "id": id.to_string(),
            "name": referred.display_name,
            "email": email.as_str(),
            "program": program.slug.as_str(),
            "referrer_reward": crate::intl::reward(&program.referrer_reward.reward, &program.currency),
        }),
    ))
}

/// The person a `refer` or an introduction names, found under any spelling
/// of their inbox or created, after every refusal a referral can meet:
/// yourself, someone who asked not to be contacted, someone already
/// referred into the program (under this or another spelling), a full cap.
/// A company learnt here fills the member's when it was unknown.
pub(super) fn prospect(
    cx: &mut Cx<'_, '_>,
    program: &Program,
    name: &str,
    email: &EmailAddress,
    company: Option<&str>,
) -> Result<Member, UserError> {
    let me = cx.me.clone();
    // The caller's own inbox under another spelling is not a prospect.
    let own = [me.email.clone(), cx.caller.identity.email()];
    if own.iter().flatten().any(|mine| abuse::same_mailbox(mine, email)) {
        return Err(UserError::SelfReferral);
    }
    let identity = IdentityKey::new_email(email);
    let known = match cx.tx.member_by_identity(&identity)? {
        Some(m) => Some(m),
        // The same inbox under another spelling is the same person.
        None => match alts::members_at_inbox(cx, std::slice::from_ref(email), None)?.first() {
            Some(id) => Some(cx.member(*id)?),
            None => None,
        },
    };
    // Typed in chat or taken from a mail: cleaned like any name.
    let company = company
        .map(|c| super::clean_name(c, ""))
        .filter(|c| !c.is_empty())
        .or_else(|| crate::company::from_domain(email));
    let referred = match known {
        Some(mut m) => {
            if m.id == me.id || alts::same_person(cx, &m, &me)? {
                return Err(UserError::SelfReferral);
            }
            let opted_out = cx.tx.identities_of(m.id)?.into_iter().any(|i| i.opted_out && i.key.email().is_some());
            if opted_out {
                return Err(UserError::ProspectOptedOut { email: email.as_str().to_string() });
            }
            if m.company.is_none() && company.is_some() {
                m.company = company;
                cx.tx.put_member(&m)?;
            }
            m
        }
        None => {
            let mut m = create_member(cx.tx, &identity, name, [vouch_store::Role::Member].into(), false, cx.now)?;
            if company.is_some() {
                m.company = company;
                cx.tx.put_member(&m)?;
            }
            m
        }
    };
    refuse_if_already_referred(cx, &referred, program)?;
    refuse_if_alias_referred(cx, &referred, program)?;
    check_cap(cx, program, &me)?;
    Ok(referred)
}

pub(crate) fn referral_json(cx: &Cx<'_, '_>, r: &Referral) -> Result<Value, UserError> {
    let referrer = cx.member(r.referrer)?;
    let referred = cx.member(r.referred)?;
    let program = cx.program(r.program)?;
    Ok(json!({
        "id": r.id.to_string(),
        "state": r.state.as_str(),
        "referrer": referrer.display_name,
        "referred": referred.display_name,
        "referred_email": referred.email.as_ref().map(|e| e.as_str()),
        "company": referred.company,
        "program": program.slug.as_str(),
        "date": date(r.created_at),
        "value": r.value.map(|v| crate::intl::money(v, &program.currency)),
        "note": r.note,
        "reason": r.reject_reason,
        "source": match r.source {
            ReferralSource::Code => "code",
            ReferralSource::Manual => "by hand",
            ReferralSource::Email => "email",
            ReferralSource::Invite => "invite",
        },
        "introduction": super::consent::stage(r),
        "review": r.introduction.as_ref().and_then(|i| i.review.clone()),
    }))
}

/// How many rows a list shows; chat messages stay readable.
pub(crate) const LIST_LIMIT: usize = 50;

pub(super) fn list(cx: &mut Cx<'_, '_>, state: Option<ReferralState>) -> Result<Outcome, UserError> {
    // The newest LIST_LIMIT and the count, from the store's aggregates: a
    // few keys however many referrals there are.
    let counts = cx.tx.state_counts()?;
    let total: u64 = counts.iter().filter(|c| state.is_none_or(|s| c.state == s)).map(|c| c.count).sum();
    let shown = cx.tx.latest_referrals(state, LIST_LIMIT)?;
    let rows = shown.iter().map(|r| referral_json(cx, r)).collect::<Result<Vec<_>, _>>()?;
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    Ok(cx.reply(
        "reply/referrals",
        json!({ "referrals": rows, "total": total, "shown": rows.len(), "more": total > rows.len(), "state": state.map(|s| s.as_str()) }),
    ))
}

fn load_referral(cx: &Cx<'_, '_>, id: ReferralId) -> Result<Referral, UserError> {
    cx.tx.referral(id)?.ok_or(UserError::UnknownReferral { id: id.to_string() })
}

fn transition(r: &mut Referral, state: ReferralState, cx: &Cx<'_, '_>, note: &str) {
    r.state = state;
    r.history.push(StateChange { at: cx.now, state, by: Some(cx.me.id), note: note.to_string() });
}

/// `hint` names a `hint-…` message: what to do instead, in the reader's language.
fn refuse(r: &Referral, action: &'static str, hint: &str) -> UserError {
    let hint = crate::intl::text(&format!("hint-{hint}"), &[]);
    UserError::InvalidTransition { id: r.id.to_string(), state: r.state.as_str(), action, hint }
}

/// Writes the ledger entries a converted referral earns.
fn grant(
    cx: &mut Cx<'_, '_>,
    r: &Referral,
    program: &Program,
    status: RewardStatus,
) -> Result<Vec<RewardEntry>, UserError> {
    let mut entries = Vec::new();
    for (side, member, spec) in
        [(Side::Referrer, r.referrer, &program.referrer_reward), (Side::Referred, r.referred, &program.referred_reward)]
    {
        if spec.reward.is_nothing() {
            continue;
        }
        let entry = RewardEntry {
            id: RewardId(cx.tx.next_id("reward")?),
            member,
            referral: r.id,
            program: program.id,
            side,
            reward: spec.reward.clone(),
            cost: spec.cost(),
            currency: program.currency.clone(),
            status,
            created_at: cx.now,
            history: vec![RewardChange { at: cx.now, status, by: Some(cx.me.id), note: String::new() }],
        };
        cx.tx.put_reward(&entry)?;
        entries.push(entry);
    }
    Ok(entries)
}

fn notify_granted(
    cx: &mut Cx<'_, '_>,
    r: &Referral,
    program: &Program,
    entries: &[RewardEntry],
) -> Result<(), UserError> {
    let referrer = cx.member(r.referrer)?;
    let referred = cx.member(r.referred)?;
    for e in entries {
        let (who, other) = match e.side {
            Side::Referrer => (&referrer, &referred),
            Side::Referred => (&referred, &referrer),
        };
        cx.notify(
            who,
            "notice/reward_granted",
            json!({
                "name": who.display_name,
                "other": other.display_name,
                "side": match e.side { Side::Referrer => "referrer", Side::Referred => "referred" },
                "reward": crate::intl::reward(&e.reward, &program.currency),
                "reward_id": e.id.to_string(),
                "program": program.slug.as_str(),
            }),
        )?;
        if let vouch_store::Reward::EventSeat(seat) = &e.reward {
            super::events::invite_for_reward(cx, seat, who)?;
        }
    }
    Ok(())
}

pub(super) fn convert(cx: &mut Cx<'_, '_>, id: ReferralId, value: Option<Money>) -> Result<Outcome, UserError> {
    let mut r = load_referral(cx, id)?;
    if !r.state.is_open() {
        let hint = match r.state {
            ReferralState::Converted => "waiting-approve",
            ReferralState::Rewarded => "rewards-granted",
            _ => "stays-rejected",
        };
        return Err(refuse(&r, "convert", hint));
    }
    let program = cx.program(r.program)?;
    let deadline = r.created_at + chrono::Duration::days(i64::from(program.attribution_days));
    if cx.now > deadline {
        return Err(UserError::OutsideWindow { id: r.id.to_string(), days: program.attribution_days });
    }
    r.value = value;
    // Signs of an alt turn an automatic reward into one an organizer approves.
    let held = alts::hold_reason(cx, &r)?;
    let note = held.map(|h| format!("held for review: {}", h.replace('_', " "))).unwrap_or_default();
    transition(&mut r, ReferralState::Converted, cx, &note);
    // An introduction held for review (a disposable address) waits for an organizer too.
    let intro_held = r.introduction.as_ref().is_some_and(|i| i.review.is_some());
    let auto = program.approval == Approval::Auto && held.is_none() && !intro_held;
    let status = if auto { RewardStatus::Approved } else { RewardStatus::Pending };
    let entries = grant(cx, &r, &program, status)?;
    if r.introduction.is_some() {
        let champion = cx.member(r.referrer)?;
        super::consent::thank_on_win(cx, &r, &champion)?;
    }
    if auto {
        transition(&mut r, ReferralState::Rewarded, cx, "approved automatically");
        notify_granted(cx, &r, &program, &entries)?;
    } else if r.introduction.is_none() {
        let referrer = cx.member(r.referrer)?;
        let referred = cx.member(r.referred)?;
        cx.notify(
            &referrer,
            "notice/referral_converted",
            json!({
                "name": referrer.display_name,
                "referred": referred.display_name,
                "reward": crate::intl::reward(&program.referrer_reward.reward, &program.currency),
                "has_reward": !program.referrer_reward.reward.is_nothing(),
                "ask_shoutout": super::members::may_ask_for_shoutout(cx, &referrer),
            }),
        )?;
    }
    cx.tx.put_referral(&r)?;
    super::webhooks::referral(cx, super::webhooks::EventType::ReferralConverted, &r)?;
    for e in entries.iter().filter(|e| e.status == RewardStatus::Approved) {
        super::webhooks::reward(cx, super::webhooks::EventType::RewardApproved, e)?;
    }
    let referrer = cx.member(r.referrer)?;
    super::members::thank_in_public(cx, &referrer, "someone they referred just became a customer.")?;
    let mut data = referral_json(cx, &r)?;
    data["auto"] = json!(auto);
    data["held"] = json!(held);
    data["entries"] = json!(entries.iter().map(|e| entry_json(e, cx)).collect::<Result<Vec<_>, _>>()?);
    Ok(cx.reply("reply/converted", data))
}

pub(super) fn approve(cx: &mut Cx<'_, '_>, id: ReferralId) -> Result<Outcome, UserError> {
    let mut r = load_referral(cx, id)?;
    let program = cx.program(r.program)?;
    match r.state {
        ReferralState::Issued | ReferralState::Redeemed => {
            transition(&mut r, ReferralState::Qualified, cx, "");
            cx.tx.put_referral(&r)?;
            let data = referral_json(cx, &r)?;
            Ok(cx.reply("reply/qualified", data))
        }
        ReferralState::Converted => {
            let mut approved = Vec::new();
            for mut e in cx.tx.rewards_of(r.referrer)?.into_iter().chain(cx.tx.rewards_of(r.referred)?) {
                if e.referral == r.id && e.status == RewardStatus::Pending {
                    e.status = RewardStatus::Approved;
                    e.history.push(RewardChange {
                        at: cx.now,
                        status: RewardStatus::Approved,
                        by: Some(cx.me.id),
                        note: String::new(),
                    });
                    cx.tx.put_reward(&e)?;
                    super::webhooks::reward(cx, super::webhooks::EventType::RewardApproved, &e)?;
                    approved.push(e);
                }
            }
            approved.sort_by_key(|e| e.id);
            transition(&mut r, ReferralState::Rewarded, cx, "");
            cx.tx.put_referral(&r)?;
            notify_granted(cx, &r, &program, &approved)?;
            let mut data = referral_json(cx, &r)?;
            data["entries"] = json!(approved.iter().map(|e| entry_json(e, cx)).collect::<Result<Vec<_>, _>>()?);
            Ok(cx.reply("reply/approved", data))
        }
        ReferralState::Qualified => Err(refuse(&r, "approve", "already-qualified")),
        ReferralState::Rewarded => Err(refuse(&r, "approve", "rewards-approved")),
        ReferralState::Rejected => Err(refuse(&r, "approve", "stays-rejected")),
    }
}

/// `thank R3 [message]`: PLAYBOOK's personal thank-you note, from the
/// organizer by name to the referrer, in the organizer's words (a warm
/// default without them). Kept in the referral's history; thanking twice
/// is fine — people remember being thanked.
pub(super) fn thank(cx: &mut Cx<'_, '_>, id: ReferralId, message: &str) -> Result<Outcome, UserError> {
    let mut r = load_referral(cx, id)?;
    let referrer = cx.member(r.referrer)?;
    let referred = cx.member(r.referred)?;
    let me = cx.me.clone();
    if referrer.id == me.id {
        return Err(UserError::InvalidSetting { key: "thank".into(), problem: problem("own-referral", &[]) });
    }
    let message = message.trim();
    let note = if message.is_empty() { "thanked".to_string() } else { format!("thanked: {message}") };
    r.history.push(StateChange { at: cx.now, state: r.state, by: Some(me.id), note });
    cx.tx.put_referral(&r)?;
    let data = json!({
        "name": referrer.display_name,
        "from": me.display_name,
        "referred": referred.display_name,
        "message": message,
        "id": r.id.to_string(),
    });
    cx.notify(&referrer, "notice/personal_thanks", data)?;
    Ok(cx.reply("reply/thanked", json!({ "name": referrer.display_name, "id": r.id.to_string() })))
}

pub(super) fn reject(cx: &mut Cx<'_, '_>, id: ReferralId, reason: &str) -> Result<Outcome, UserError> {
    let mut r = load_referral(cx, id)?;
    if r.state == ReferralState::Rejected {
        return Err(refuse(&r, "reject", "already-rejected"));
    }
    let entries: Vec<RewardEntry> = cx
        .tx
        .rewards_of(r.referrer)?
        .into_iter()
        .chain(cx.tx.rewards_of(r.referred)?)
        .filter(|e| e.referral == r.id)
        .collect();
    if entries.iter().any(|e| e.status == RewardStatus::Paid) {
        return Err(refuse(&r, "reject", "reward-paid-out"));
    }
    for mut e in entries.into_iter().filter(|e| e.status != RewardStatus::Void) {
        e.status = RewardStatus::Void;
        e.history.push(RewardChange {
            at: cx.now,
            status: RewardStatus::Void,
            by: Some(cx.me.id),
            note: reason.to_string(),
        });
        cx.tx.put_reward(&e)?;
    }
    r.reject_reason = (!reason.is_empty()).then(|| reason.to_string());
    transition(&mut r, ReferralState::Rejected, cx, reason);
    cx.tx.put_referral(&r)?;
    super::webhooks::referral(cx, super::webhooks::EventType::ReferralRejected, &r)?;
    let referrer = cx.member(r.referrer)?;
    let referred = cx.member(r.referred)?;
    cx.notify(
        &referrer,
        "notice/referral_rejected",
        json!({ "name": referrer.display_name, "referred": referred.display_name, "reason": reason }),
    )?;
    let data = referral_json(cx, &r)?;
    Ok(cx.reply("reply/rejected", data))
}

pub(crate) fn entry_json(e: &RewardEntry, cx: &Cx<'_, '_>) -> Result<Value, UserError> {
    let referral = cx.tx.referral(e.referral)?;
    let (referrer, referred) = match &referral {
        Some(r) => (cx.member(r.referrer)?.display_name, cx.member(r.referred)?.display_name),
        None => (String::new(), String::new()),
    };
    let program = cx.program(e.program)?;
    Ok(json!({
        "id": e.id.to_string(),
        "member": cx.member(e.member)?.display_name,
        "referral": e.referral.to_string(),
        "program": program.slug.as_str(),
        "side": match e.side { Side::Referrer => "referrer", Side::Referred => "referred" },
        "is_referrer": e.side == Side::Referrer,
        "referrer": referrer,
        "referred": referred,
        "reward": crate::intl::reward(&e.reward, &e.currency),
        "cost": crate::intl::money(e.cost, &e.currency),
        "status": e.status.as_str(),
        "date": date(e.created_at),
        "history": e.history.iter().map(|h| json!({
            "date": date(h.at),
            "status": h.status.as_str(),
            "note": h.note,
        })).collect::<Vec<_>>(),
    }))
}

pub(super) fn reward_paid(cx: &mut Cx<'_, '_>, id: RewardId) -> Result<Outcome, UserError> {
    let mut e = cx.tx.reward(id)?.ok_or(UserError::UnknownReward { id: id.to_string() })?;
    let refuse = |hint: &str| UserError::InvalidTransition {
        id: id.to_string(),
        state: e.status.as_str(),
        action: "mark as paid",
        hint: crate::intl::text(&format!("hint-{hint}"), &[]),
    };
    match e.status {
        RewardStatus::Approved => {}
        RewardStatus::Pending => return Err(refuse("approve-first")),
        RewardStatus::Paid => return Err(refuse("already-paid")),
        RewardStatus::Void => return Err(refuse("referral-rejected")),
    }
    e.status = RewardStatus::Paid;
    e.history.push(RewardChange { at: cx.now, status: RewardStatus::Paid, by: Some(cx.me.id), note: String::new() });
    cx.tx.put_reward(&e)?;
    super::webhooks::reward(cx, super::webhooks::EventType::RewardPaid, &e)?;
    let member = cx.member(e.member)?;
    cx.notify(
        &member,
        "notice/reward_paid",
        json!({ "name": member.display_name, "reward": crate::intl::reward(&e.reward, &e.currency), "reward_id": e.id.to_string() }),
    )?;
    let data = entry_json(&e, cx)?;
    Ok(cx.reply("reply/reward_paid", data))
}

pub(super) fn reward_list(cx: &mut Cx<'_, '_>, status: Option<RewardStatus>) -> Result<Outcome, UserError> {
    let mut all = cx.tx.rewards()?;
    all.retain(|e| status.is_none_or(|s| e.status == s));
    let total = all.len();
    let rows = all.iter().rev().take(LIST_LIMIT).map(|e| entry_json(e, cx)).collect::<Result<Vec<_>, _>>()?;
    Ok(cx.reply(
        "reply/reward_list",
        json!({ "rewards": rows, "total": total, "more": total > rows.len(), "status": status.map(|s| s.as_str()) }),
    ))
}
