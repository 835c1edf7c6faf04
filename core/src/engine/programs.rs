//! Programs: presets per kind (from the referral playbook) and `program …`.

use serde_json::{Value, json};
use vouch_store::{
    Approval, Cap, Money, Period, Program, ProgramId, ProgramKind, Read, Reward, RewardSpec, Slug, Timestamp, WriteTx,
};

use super::Cx;
use crate::command::ProgramAction;
use crate::error::{UserError, parse_problem, problem};
use crate::reply::Outcome;

/// Realistic defaults for each kind of program; organizers tune with `set`.
pub fn preset(kind: ProgramKind) -> (RewardSpec, RewardSpec, Option<Cap>, u32, Approval, &'static str) {
    let money = |cents| Money(cents);
    match kind {
        // Two-sided, capped like most SaaS programs: 12 rewarded per year.
        ProgramKind::Customer => (
            RewardSpec::new(Reward::Credit(money(5000))),
            RewardSpec::new(Reward::DiscountPercent(20)),
            Some(Cap { max: 12, period: Period::Year }),
            90,
            Approval::Manual,
            "Refer a friend: you get account credit, they get a discount.",
        ),
        ProgramKind::Champion => (
            RewardSpec { reward: Reward::EventSeat("the champions' referral lunch".into()), cost: Some(money(6000)) },
            RewardSpec::new(Reward::FreeMonths(1)),
            None,
            180,
            Approval::Manual,
            "For our champions: warm introductions earn a seat at the referral lunch.",
        ),
        ProgramKind::Ecosystem => (
            RewardSpec { reward: Reward::Custom("a reciprocal introduction".into()), cost: None },
            RewardSpec::new(Reward::Nothing),
            None,
            365,
            Approval::Manual,
            "Professionals who serve the same clients refer to each other.",
        ),
        ProgramKind::Internal => (
            RewardSpec::new(Reward::Cashback(money(10000))),
            RewardSpec::new(Reward::Nothing),
            None,
            180,
            Approval::Manual,
            "Team referrals of ideal clients, with a contest bonus.",
        ),
        ProgramKind::Hiring => (
            RewardSpec::new(Reward::Cashback(money(100000))),
            RewardSpec::new(Reward::Nothing),
            None,
            180,
            Approval::Manual,
            "Refer a future colleague; paid after their first 90 days.",
        ),
        ProgramKind::Partner => (
            RewardSpec::new(Reward::Cashback(money(20000))),
            RewardSpec::new(Reward::DiscountPercent(10)),
            None,
            365,
            Approval::Manual,
            "Strategic partners refer clients who need us; reviewed by our team.",
        ),
        ProgramKind::ExpertClub => (
            RewardSpec { reward: Reward::EventSeat("the expert club breakfast".into()), cost: Some(money(3000)) },
            RewardSpec { reward: Reward::EventSeat("the expert club breakfast".into()), cost: Some(money(3000)) },
            None,
            90,
            Approval::Auto,
            "Bring an ideal client to the monthly expert club; both get a seat.",
        ),
        ProgramKind::Mastermind => (
            RewardSpec::new(Reward::Donation(money(2500))),
            RewardSpec::new(Reward::Nothing),
            None,
            90,
            Approval::Manual,
            "Mastermind members refer each other; every win funds a charity.",
        ),
    }
}

fn new_program(id: ProgramId, slug: Slug, kind: ProgramKind, currency: &str, now: Timestamp) -> Program {
    let (referrer_reward, referred_reward, cap, attribution_days, approval, description) = preset(kind);
    Program {
        id,
        slug,
        kind,
        description: description.into(),
        referrer_reward,
        referred_reward,
        cap,
        attribution_days,
        approval,
        min_tenure_days: 0,
        ideal_client: String::new(),
        paused: false,
        currency: currency.to_ascii_uppercase(),
        arpa: None,
        lifetime_years: None,
        cac: None,
        created_at: now,
    }
}

pub(super) fn create_default(tx: &WriteTx<'_>, now: Timestamp, currency: &str) -> Result<(), UserError> {
    let slug = Slug::parse("customer").map_err(|e| UserError::Internal(e.to_string()))?;
    let id = ProgramId(tx.next_id("program")?);
    tx.put_program(&new_program(id, slug, ProgramKind::Customer, currency, now))?;
    Ok(())
}

pub(super) const SETTING_KEYS: &[&str] = &[
    "kind",
    "description",
    "referrer",
    "referred",
    "referrer-cost",
    "referred-cost",
    "cap",
    "window",
    "approval",
    "min-tenure",
    "ideal-client",
    "currency",
    "arpa",
    "lifetime",
    "cac",
];

fn apply(p: &mut Program, key: &str, value: &str) -> Result<(), UserError> {
    let bad = |problem: String| UserError::InvalidSetting { key: key.to_string(), problem };
    let days = |v: &str| -> Result<u32, UserError> {
        v.trim_end_matches('d')
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= 3650)
            .ok_or_else(|| bad(problem("days", &[("value", crate::command::truncate(v, 20).into())])))
    };
    let money = |v: &str| Money::parse(v).map_err(|e| bad(parse_problem(&e)));
    match key {
        "kind" => {
            p.kind = value.parse().map_err(|_| {
                bad(problem("kinds", &[("list", ProgramKind::ALL.map(|k| k.as_str()).join(", ").into())]))
            })?
        }
        "description" => p.description = crate::command::truncate(value, 300),
        "referrer" => p.referrer_reward.reward = Reward::parse(value).map_err(|e| bad(parse_problem(&e)))?,
        "referred" => p.referred_reward.reward = Reward::parse(value).map_err(|e| bad(parse_problem(&e)))?,
        "referrer-cost" => p.referrer_reward.cost = Some(money(value)?),
        "referred-cost" => p.referred_reward.cost = Some(money(value)?),
        "cap" => p.cap = Cap::parse(value).map_err(|_| bad(problem("cap", &[])))?,
        "window" => p.attribution_days = days(value)?.max(1),
        "approval" => {
            p.approval = match value.to_ascii_lowercase().as_str() {
                "auto" | "automatic" => Approval::Auto,
                "manual" | "review" => Approval::Manual,
                _ => return Err(bad(problem("approval", &[]))),
            }
        }
        "min-tenure" => p.min_tenure_days = days(value)?,
        "ideal-client" => p.ideal_client = crate::command::truncate(value, 300),
        "currency" => {
            if value.len() != 3 || !value.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(bad(problem("currency", &[])));
            }
            p.currency = value.to_ascii_uppercase();
        }
        "arpa" => p.arpa = Some(money(value)?),
        "lifetime" => {
            let years: f64 = value
                .trim_end_matches('y')
                .parse()
                .ok()
                .filter(|y: &f64| y.is_finite() && *y > 0.0 && *y <= 100.0)
                .ok_or_else(|| bad(problem("lifetime", &[])))?;
            p.lifetime_years = Some(years);
        }
        "cac" => p.cac = Some(money(value)?),
        _ => {
            return Err(UserError::InvalidSetting {
                key: key.to_string(),
                problem: problem("setting-keys", &[("list", SETTING_KEYS.join(", ").into())]),
            });
        }
    }
    Ok(())
}

pub(crate) fn program_json(p: &Program) -> Value {
    json!({
        "id": p.id.to_string(),
        "name": p.slug.as_str(),
        "kind": p.kind.as_str(),
        "description": p.description,
        "referrer_reward": crate::intl::reward(&p.referrer_reward.reward, &p.currency),
        "referred_reward": crate::intl::reward(&p.referred_reward.reward, &p.currency),
        "referrer_spec": p.referrer_reward.reward.spec(),
        "referred_spec": p.referred_reward.reward.spec(),
        "referrer_cost": crate::intl::money(p.referrer_reward.cost(), &p.currency),
        "referred_cost": crate::intl::money(p.referred_reward.cost(), &p.currency),
        "two_sided": !p.referred_reward.reward.is_nothing() && !p.referrer_reward.reward.is_nothing(),
        "has_referred_reward": !p.referred_reward.reward.is_nothing(),
        "cap": p.cap.map(|c| crate::intl::cap(c.max, c.period)),
        "window_days": p.attribution_days,
        "approval": crate::intl::text(match p.approval { Approval::Auto => "approval-auto", Approval::Manual => "approval-manual" }, &[]),
        "min_tenure_days": p.min_tenure_days,
        "ideal_client": p.ideal_client,
        "paused": p.paused,
        "currency": p.currency,
        "arpa": p.arpa.map(|m| crate::intl::money(m, &p.currency)),
        "lifetime_years": p.lifetime_years,
        "cac": p.cac.map(|m| crate::intl::money(m, &p.currency)),
    })
}

fn find(cx: &Cx<'_, '_>, slug: &Slug) -> Result<Program, UserError> {
    match cx.tx.program_by_slug(slug)? {
        Some(p) => Ok(p),
        None => Err(UserError::UnknownProgram {
            name: slug.to_string(),
            available: cx.tx.programs()?.into_iter().map(|p| p.slug.to_string()).collect(),
        }),
    }
}

pub(super) fn program(cx: &mut Cx<'_, '_>, action: ProgramAction) -> Result<Outcome, UserError> {
    match action {
        ProgramAction::List => {
            let programs: Vec<Value> = cx.tx.programs()?.iter().map(program_json).collect();
            Ok(cx.reply("reply/program_list", json!({ "programs": programs })))
        }
        ProgramAction::Show(slug) => {
            let p = find(cx, &slug)?;
            Ok(cx.reply("reply/program", json!({ "program": program_json(&p), "action": "show" })))
        }
        ProgramAction::Create(slug, settings) => {
            if cx.tx.program_by_slug(&slug)?.is_some() {
                return Err(UserError::ProgramExists { name: slug.to_string() });
            }
            // The kind decides the preset, so apply it first.
            let kind = match settings.iter().find(|(k, _)| k == "kind") {
                Some((_, v)) => v.parse().map_err(|_| UserError::InvalidSetting {
                    key: "kind".into(),
                    problem: problem("kinds", &[("list", ProgramKind::ALL.map(|k| k.as_str()).join(", ").into())]),
                })?,
                None => slug.as_str().parse().unwrap_or(ProgramKind::Customer),
            };
            let id = ProgramId(cx.tx.next_id("program")?);
            let mut p = new_program(id, slug, kind, &cx.settings().currency, cx.now);
            for (k, v) in &settings {
                apply(&mut p, k, v)?;
            }
            cx.tx.put_program(&p)?;
            Ok(cx.reply("reply/program", json!({ "program": program_json(&p), "action": "created" })))
        }
        ProgramAction::Set(slug, settings) => {
            let mut p = find(cx, &slug)?;
            for (k, v) in &settings {
                apply(&mut p, k, v)?;
            }
            cx.tx.put_program(&p)?;
            Ok(cx.reply("reply/program", json!({ "program": program_json(&p), "action": "updated" })))
        }
        ProgramAction::Pause(slug) => set_paused(cx, &slug, true),
        ProgramAction::Resume(slug) => set_paused(cx, &slug, false),
    }
}

fn set_paused(cx: &mut Cx<'_, '_>, slug: &Slug, paused: bool) -> Result<Outcome, UserError> {
    let mut p = find(cx, slug)?;
    p.paused = paused;
    cx.tx.put_program(&p)?;
    let action = if paused { "paused" } else { "resumed" };
    Ok(cx.reply("reply/program", json!({ "program": program_json(&p), "action": action })))
}
