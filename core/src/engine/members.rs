//! A member's own view (`help`, `mine`, `why`, `leaderboard`), surveys,
//! account linking and roles.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vouch_store::{
    Action, ClickRead, IdentityKey, LeaderBucket, LinkCode, Member, Read, ReferralCode, RewardStatus, Role, StatsRead,
    SurveyAnswer, SurveyId, SurveyRecord, normalize_code,
};

use super::referrals::{code_for, default_program, entry_json, referral_json, share_data};
use super::{Cx, create_member};
use crate::catalog::{CATALOG, CommandSpec, closest};
use crate::command::LeaderPeriod;
use crate::error::UserError;
use crate::reply::Outcome;

fn spec_json(c: &CommandSpec) -> Value {
    json!({
        "name": c.name,
        "usage": c.usage(),
        // The catalog's English line is the source of `command-NAME`.
        "summary": crate::intl::text(&format!("command-{}", c.name), &[]),
        "aliases": c.aliases.join(", "),
        "role": c.role.as_str(),
        "role_label": crate::intl::role(c.role),
        "args": c.args.iter().map(|a| json!({ "name": a.name, "help": crate::intl::text(&a.help_id(c), &[]), "required": a.required })).collect::<Vec<_>>(),
    })
}

pub(super) fn help(cx: &mut Cx<'_, '_>, topic: Option<String>) -> Result<Outcome, UserError> {
    let allowed = |c: &&CommandSpec| cx.caller.admin || cx.me.has_role(c.role);
    if let Some(topic) = topic {
        let Some(spec) = CATALOG.iter().find(|c| c.matches(&topic)) else {
            return Err(UserError::UnknownCommand {
                input: crate::command::truncate(&topic, 40),
                suggestion: closest(&topic).map(|c| c.name),
            });
        };
        let mut data = spec_json(spec);
        if spec.name == "program" {
            data["settings"] = json!(super::programs::SETTING_KEYS.join(", "));
        }
        if spec.name == "event" {
            data["settings"] = json!(super::event_settings::SETTING_KEYS.join(", "));
        }
        return Ok(cx.reply("reply/help_command", json!({ "command": data })));
    }
    let member: Vec<Value> =
        CATALOG.iter().filter(allowed).filter(|c| c.role < Role::Organizer).map(spec_json).collect();
    let organizer: Vec<Value> =
        CATALOG.iter().filter(allowed).filter(|c| c.role >= Role::Organizer).map(spec_json).collect();
    Ok(cx.reply("reply/help", json!({ "name": cx.me.display_name, "commands": member, "organizer": organizer })))
}

/// Totals of earned money rewards, per currency, and counts of the rest.
fn balance(entries: &[vouch_store::RewardEntry], status: impl Fn(RewardStatus) -> bool) -> Vec<String> {
    let mut money: BTreeMap<&str, vouch_store::Money> = BTreeMap::new();
    let mut other: BTreeMap<String, u32> = BTreeMap::new();
    for e in entries.iter().filter(|e| status(e.status)) {
        match e.reward.money() {
            Some(m) => {
                let total = money.entry(e.currency.as_str()).or_default();
                *total = *total + m;
            }
            None => *other.entry(crate::intl::reward(&e.reward, &e.currency)).or_default() += 1,
        }
    }
    money
        .into_iter()
        .map(|(cur, m)| crate::intl::money(m, cur))
        .chain(other.into_iter().map(|(what, n)| if n == 1 { what } else { format!("{n} × {what}") }))
        .collect()
}

pub(super) fn mine(cx: &mut Cx<'_, '_>) -> Result<Outcome, UserError> {
    let store = cx.tx;
    let referrals = store.referrals_by_referrer(cx.me.id)?;
    let rewards = store.rewards_of(cx.me.id)?;
    let rows = referrals
        .iter()
        .rev()
        .take(super::referrals::LIST_LIMIT)
        .map(|r| referral_json(cx, r))
        .collect::<Result<Vec<_>, _>>()?;
    let codes: Vec<Value> = store
        .programs()?
        .iter()
        .filter_map(|p| match store.code_of(cx.me.id, p.id) {
            Ok(Some(c)) if !c.revoked => Some(store.clicks_of_code(&c.code).map(|n| {
                json!({ "code": c.code.to_string(), "program": p.slug.as_str(), "clicks": n.clicks, "visitors": n.visitors })
            })),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    let converted = referrals.iter().filter(|r| r.state.is_converted()).count();
    let actions = if referrals.is_empty() { vec![get_code_action()] } else { Vec::new() };
    Ok(cx
        .reply(
            "reply/mine",
            json!({
                "name": cx.me.display_name,
                "referrals": rows,
                "count": referrals.len(),
                "converted": converted,
                "codes": codes,
                "earned": balance(&rewards, RewardStatus::is_earned),
                "pending": balance(&rewards, |s| s == RewardStatus::Pending),
                // The specific ask, where a champion looks at their referrals.
                "wishes": super::wishes::open_targets(cx, 3)?,
            }),
        )
        .with_actions(actions))
}

/// The button under answers whose natural next step is sharing a code.
fn get_code_action() -> Action {
    Action::new("action.get_code", "code")
}

pub(super) fn why(cx: &mut Cx<'_, '_>) -> Result<Outcome, UserError> {
    let rewards = cx.tx.rewards_of(cx.me.id)?;
    let entries = rewards.iter().map(|e| entry_json(e, cx)).collect::<Result<Vec<_>, _>>()?;
    Ok(cx.reply(
        "reply/why",
        json!({
            "name": cx.me.display_name,
            "entries": entries,
            "earned": balance(&rewards, RewardStatus::is_earned),
            "paid": balance(&rewards, |s| s == RewardStatus::Paid),
            "pending": balance(&rewards, |s| s == RewardStatus::Pending),
        }),
    ))
}

pub(super) fn leaderboard(cx: &mut Cx<'_, '_>, period: LeaderPeriod) -> Result<Outcome, UserError> {
    use chrono::Datelike;
    let (year, month) = (cx.now.year(), cx.now.month());
    // Kept by the store with every referral: read ten keys, not every referral.
    let bucket = match period {
        LeaderPeriod::All => LeaderBucket::All,
        LeaderPeriod::Year => LeaderBucket::Year(year),
        LeaderPeriod::Quarter => LeaderBucket::Quarter(year, (month - 1) / 3 + 1),
        LeaderPeriod::Month => LeaderBucket::Month(year, month),
    };
    let ranked = cx.tx.leaders(bucket, 10)?;
    let rows = ranked
        .iter()
        .enumerate()
        .map(|(i, leader)| {
            Ok(json!({
                "rank": i + 1,
                "name": cx.member(leader.member)?.display_name,
                "converted": leader.converted,
                "referred": leader.referred,
                "me": leader.member == cx.me.id,
            }))
        })
        .collect::<Result<Vec<_>, UserError>>()?;
    Ok(cx.reply("reply/leaderboard", json!({ "rows": rows, "period": period.as_str() })))
}

pub(super) fn nps(cx: &mut Cx<'_, '_>, score: u8, comment: &str) -> Result<Outcome, UserError> {
    let record = SurveyRecord {
        id: SurveyId(cx.tx.next_id("survey")?),
        member: cx.me.id,
        answer: SurveyAnswer::Nps { score, comment: comment.to_string() },
        at: cx.now,
    };
    cx.tx.put_survey(&record)?;
    match score {
        9..=10 => {
            // Ask promoters at the moment of delight, with the code in hand.
            let (data, actions) = match default_program(cx) {
                Ok(program) => {
                    let code = code_for(cx, &program)?;
                    let mut d = share_data(cx, &program, &code.code);
                    d["score"] = json!(score);
                    d["has_code"] = json!(true);
                    // The code reply carries the channel's share link
                    // (Telegram deep link, Discord invite): one press away.
                    (d, vec![get_code_action()])
                }
                Err(_) => (json!({ "score": score, "has_code": false }), Vec::new()),
            };
            Ok(cx.reply("reply/nps_promoter", data).with_actions(actions))
        }
        7..=8 => Ok(cx.reply("reply/nps_passive", json!({ "score": score }))),
        _ => {
            let me = cx.me.clone();
            for organizer in organizers(cx)? {
                cx.notify(
                    &organizer,
                    "notice/detractor",
                    json!({ "member": me.display_name, "score": score, "comment": comment, "contact": me.primary_identity.to_string() }),
                )?;
            }
            Ok(cx.reply("reply/nps_detractor", json!({ "score": score })))
        }
    }
}

pub(super) fn organizers(cx: &Cx<'_, '_>) -> Result<Vec<Member>, UserError> {
    Ok(cx
        .tx
        .members()?
        .into_iter()
        .filter(|m| m.has_role(Role::Organizer) && m.primary_identity.external() != "admin")
        .collect())
}

pub(super) fn heard(cx: &mut Cx<'_, '_>, source: &str) -> Result<Outcome, UserError> {
    let record = SurveyRecord {
        id: SurveyId(cx.tx.next_id("survey")?),
        member: cx.me.id,
        answer: SurveyAnswer::Heard { source: source.to_string() },
        at: cx.now,
    };
    cx.tx.put_survey(&record)?;
    // "A friend gave me 7K3M-9QXP": point them at the code instead of losing it.
    let code_hint = source
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter_map(|w| ReferralCode::parse(w).ok())
        .find(|c| cx.tx.code(c).ok().flatten().is_some())
        .map(|c| c.to_string());
    let already = cx.tx.programs()?.iter().any(|p| matches!(cx.tx.referral_of_referred(cx.me.id, p.id), Ok(Some(_))));
    Ok(cx.reply("reply/heard", json!({ "source": source, "code_hint": code_hint, "already_referred": already })))
}

pub(super) fn link(cx: &mut Cx<'_, '_>, typed: Option<&str>) -> Result<Outcome, UserError> {
    let Some(typed) = typed else {
        let code = loop {
            let candidate = cx.engine.ids.code();
            if cx.tx.link_code(&candidate)?.is_none() && cx.tx.code(&candidate)?.is_none() {
                break candidate;
            }
        };
        let ttl = cx.settings().link_ttl_minutes;
        cx.tx.put_link_code(&LinkCode {
            code: code.clone(),
            member: cx.me.id,
            expires_at: cx.now + chrono::Duration::minutes(ttl),
        })?;
        return Ok(cx.reply("reply/link_code", json!({ "code": code.to_string(), "minutes": ttl })));
    };
    let code = ReferralCode::parse(&normalize_code(typed)).map_err(|_| UserError::LinkInvalid)?;
    let link = cx.tx.link_code(&code)?.filter(|l| l.expires_at >= cx.now).ok_or(UserError::LinkInvalid)?;
    if link.member == cx.me.id {
        return Err(UserError::AlreadyLinked);
    }
    // Only a fresh account can be folded into another: moving one with
    // referrals or rewards would rewrite history.
    let store = cx.tx;
    let has_history = !store.referrals_by_referrer(cx.me.id)?.is_empty()
        || !store.rewards_of(cx.me.id)?.is_empty()
        || store.programs()?.iter().any(|p| matches!(cx.tx.referral_of_referred(cx.me.id, p.id), Ok(Some(_))));
    if has_history {
        return Err(UserError::LinkConflict);
    }
    let mut identity =
        cx.tx.identity(&cx.caller.identity)?.ok_or_else(|| UserError::Internal("caller identity missing".into()))?;
    identity.member = link.member;
    identity.verified = true;
    cx.tx.put_identity(&identity)?;
    cx.tx.remove_link_code(&code)?;
    // The account this identity leaves had no history; if nothing else
    // points at it, it goes, with any codes it was given (never redeemed).
    if cx.tx.identities_of(cx.me.id)?.is_empty() {
        for program in cx.tx.programs()? {
            if let Some(mut old) = cx.tx.code_of(cx.me.id, program.id)? {
                old.revoked = true;
                cx.tx.put_code(&old)?;
            }
        }
        cx.tx.remove_member(cx.me.id)?;
    }
    let target = cx.member(link.member)?;
    Ok(cx.reply(
        "reply/linked",
        json!({ "name": target.display_name, "identity": cx.caller.identity.to_string(), "channel": cx.caller.identity.channel().as_str() }),
    ))
}

pub(super) fn role(cx: &mut Cx<'_, '_>, grant: bool, identity: &IdentityKey, role: Role) -> Result<Outcome, UserError> {
    if role == Role::Member {
        return Err(UserError::RoleRefused { reason: crate::intl::text("role-refused-member", &[]) });
    }
    if role == Role::Admin && !(cx.caller.admin || cx.me.has_role(Role::Admin)) {
        return Err(UserError::RoleRefused { reason: crate::intl::text("role-refused-admin", &[]) });
    }
    let mut target = match cx.tx.member_by_identity(identity)? {
        Some(m) => m,
        None if grant => create_member(cx.tx, identity, identity.external(), [Role::Member].into(), false, cx.now)?,
        None => {
            return Err(UserError::RoleRefused {
                reason: crate::intl::text("role-refused-stranger", &[("identity", json!(identity.to_string()))]),
            });
        }
    };
    let mut changed = if grant { target.roles.insert(role) } else { target.roles.remove(&role) };
    if role == Role::Organizer && target.organizer_by_platform {
        // Appointed (or removed) by hand now: no platform role undoes it.
        target.organizer_by_platform = false;
        changed = true;
    }
    if changed {
        cx.tx.put_member(&target)?;
    }
    Ok(cx.reply(
        "reply/role",
        json!({
            "grant": grant,
            "changed": changed,
            "identity": identity.to_string(),
            "name": target.display_name,
            "role": crate::intl::role(role),
            "roles": target.roles.iter().map(|r| crate::intl::role(*r)).collect::<Vec<_>>(),
        }),
    ))
}

impl super::Engine {
    /// A platform's organizer role as seen on the caller's message (Discord's
    /// `VOUCH_DISCORD_ORGANIZER_ROLE_ID`): holding it makes them an organizer;
    /// losing it demotes them on their next command — unless the role was
    /// given by hand (`role grant`). Returns whether anything changed.
    pub fn sync_platform_organizer(&self, caller: &super::Caller, holds: bool) -> Result<bool, UserError> {
        let known = self.store.member_by_identity(&caller.identity)?;
        let current = known.as_ref().map(|m| (m.has_role(Role::Organizer), m.organizer_by_platform));
        match (holds, current) {
            (true, Some((true, _))) | (false, None | Some((false, _)) | Some((true, false))) => return Ok(false),
            _ => {}
        }
        let now = self.clock.now();
        self.store.write(|tx| {
            let mut member = self.resolve(tx, caller, now)?;
            let organizer = member.has_role(Role::Organizer);
            if holds && !organizer {
                member.roles.insert(Role::Organizer);
                member.organizer_by_platform = true;
            } else if !holds && organizer && member.organizer_by_platform {
                member.roles.remove(&Role::Organizer);
                member.organizer_by_platform = false;
            } else {
                return Ok(false);
            }
            tx.put_member(&member)?;
            Ok(true)
        })
    }
}

/// `shoutout on|off`: consent to public thanks, kept on the member.
pub(super) fn shoutout(cx: &mut Cx<'_, '_>, on: bool) -> Result<Outcome, UserError> {
    let mut me = cx.me.clone();
    if me.public_thanks != on {
        me.public_thanks = on;
        cx.tx.put_member(&me)?;
        cx.me = me;
    }
    let place = cx.engine.settings.shoutout_to.is_some();
    Ok(cx.reply("reply/shoutout", json!({ "name": cx.me.display_name, "on": on, "place": place })))
}

/// The moment of a win is when to ask for consent to public thanks, if
/// there is a place for them and the champion has not agreed yet.
pub(super) fn may_ask_for_shoutout(cx: &Cx<'_, '_>, champion: &Member) -> bool {
    cx.engine.settings.shoutout_to.is_some() && !champion.public_thanks
}

/// Thanks `champion` in public (`VOUCH_SHOUTOUT_TO`) for `what`, only if
/// they agreed. The person they referred is never named: they did not.
pub(super) fn thank_in_public(cx: &mut Cx<'_, '_>, champion: &Member, what: &str) -> Result<(), UserError> {
    let Some(to) = cx.engine.settings.shoutout_to.clone() else { return Ok(()) };
    if !champion.public_thanks {
        return Ok(());
    }
    let data = json!({ "champion": champion.display_name, "what": what });
    cx.notify_identity_with(to, "notice/shoutout", data, super::Extras::default()).map(drop)
}

/// `language [CODE]`: no code shows the choices; a code vouch speaks (after
/// `pt-BR -> pt` fallback) becomes the member's choice; `auto` drops the
/// choice so the channel's language counts again. Anything else lists the
/// choices and changes nothing.
pub(super) fn language(cx: &mut Cx<'_, '_>, code: Option<&str>) -> Result<Outcome, UserError> {
    let languages = &cx.engine.settings.languages;
    let mut unknown = None;
    let mut changed = false;
    match code {
        None => {}
        Some(word) if matches!(word.to_ascii_lowercase().as_str(), "auto" | "default" | "reset") => {
            if cx.me.language.is_some() {
                let mut me = cx.me.clone();
                me.language = None;
                cx.tx.put_member(&me)?;
                cx.me = me;
            }
            changed = true;
        }
        Some(word) => match vouch_store::Language::parse(word).ok().as_ref().and_then(|t| languages.negotiate(t)) {
            Some(spoken) => {
                let tag = vouch_store::Language::parse(spoken).map_err(|e| UserError::Internal(e.to_string()))?;
                if cx.me.language.as_ref() != Some(&tag) {
                    let mut me = cx.me.clone();
                    me.language = Some(tag);
                    cx.tx.put_member(&me)?;
                    cx.me = me;
                }
                changed = true;
            }
            None => unknown = Some(word.to_string()),
        },
    }
    let data = json!({
        "current": cx.language(),
        "chosen": cx.me.language.is_some(),
        "changed": changed,
        "unknown": unknown,
        "languages": cx.engine.settings.languages.supported().collect::<Vec<_>>(),
    });
    Ok(cx.reply("reply/language", data))
}
