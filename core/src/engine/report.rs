//! `report`: the organizer's numbers, from the playbook's metrics.
//! ROI = (revenue from referrals - reward cost) / reward cost;
//! LTV = ARPA x lifetime (years); LTV:CAC against the configured CAC.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vouch_store::{Money, Read, ReferralState, SurveyAnswer};

use super::Cx;
use crate::command::YearMonth;
use crate::error::UserError;
use crate::reply::Outcome;

/// Months shown in the per-month table.
const MONTHS: usize = 6;

fn pct(n: usize, d: usize) -> Option<String> {
    (d > 0).then(|| format!("{:.1}%", n as f64 * 100.0 / d as f64))
}

fn ratio(n: f64, d: f64) -> Option<String> {
    (d > 0.0).then(|| format!("{:.1}", n / d))
}

pub(super) fn report(cx: &mut Cx<'_, '_>, month: Option<YearMonth>) -> Result<Outcome, UserError> {
    let store = cx.tx;
    let referrals = store.referrals()?;
    let rewards = store.rewards()?;
    let programs = store.programs()?;
    let currency = cx.settings().currency.clone();
    let in_scope = |t| month.is_none_or(|m| YearMonth::of(t) == m);
    let converted_at =
        |r: &vouch_store::Referral| r.history.iter().find(|h| h.state == ReferralState::Converted).map(|h| h.at);

    // Per-month table, ending at the chosen (or current) month.
    let last = month.unwrap_or_else(|| YearMonth::of(cx.now));
    let mut months = vec![last];
    while months.len() < MONTHS {
        let prev = months.last().copied().unwrap_or(last).prev();
        months.push(prev);
    }
    months.reverse();
    let per_month: Vec<Value> = months
        .iter()
        .map(|m| {
            let created = referrals.iter().filter(|r| YearMonth::of(r.created_at) == *m).count();
            let won: Vec<_> = referrals.iter().filter(|r| r.state.is_converted() && converted_at(r).map(YearMonth::of) == Some(*m)).collect();
            let value: Money = won.iter().filter_map(|r| r.value).sum();
            json!({ "month": m.to_string(), "referrals": created, "converted": won.len(), "value": crate::intl::money(value, &currency) })
        })
        .collect();

    let scoped: Vec<_> = referrals.iter().filter(|r| in_scope(r.created_at)).collect();
    let total = scoped.len();
    let rejected = scoped.iter().filter(|r| r.state == ReferralState::Rejected).count();
    let converted: Vec<_> = scoped.iter().filter(|r| r.state.is_converted()).collect();
    let open = scoped.iter().filter(|r| r.state.is_open()).count();
    let revenue: Money = converted.iter().filter_map(|r| r.value).sum();
    let valued = converted.iter().filter(|r| r.value.is_some()).count();
    let scoped_ids: std::collections::HashSet<_> = scoped.iter().map(|r| r.id).collect();
    let cost: Money =
        rewards.iter().filter(|e| e.status.is_earned() && scoped_ids.contains(&e.referral)).map(|e| e.cost).sum();
    let pending_cost: Money = rewards
        .iter()
        .filter(|e| e.status == vouch_store::RewardStatus::Pending && scoped_ids.contains(&e.referral))
        .map(|e| e.cost)
        .sum();
    let roi = (cost.cents() > 0)
        .then(|| format!("{:.0}%", (revenue.cents() - cost.cents()) as f64 * 100.0 / cost.cents() as f64));
    let referral_cac = (!converted.is_empty()).then(|| Money(cost.cents() / converted.len() as i64));

    let program_rows: Vec<Value> = programs
        .iter()
        .map(|p| {
            let mine: Vec<_> = scoped.iter().filter(|r| r.program == p.id).collect();
            let won = mine.iter().filter(|r| r.state.is_converted()).count();
            let ltv = match (p.arpa, p.lifetime_years) {
                (Some(arpa), Some(years)) => Some(Money((arpa.cents() as f64 * years).round() as i64)),
                _ => None,
            };
            let ltv_cac = match (ltv, p.cac) {
                (Some(l), Some(c)) => ratio(l.cents() as f64, c.cents() as f64),
                _ => None,
            };
            let program_cost: Money = rewards
                .iter()
                .filter(|e| e.program == p.id && e.status.is_earned() && scoped_ids.contains(&e.referral))
                .map(|e| e.cost)
                .sum();
            let referral_ltv_cac = match (ltv, won) {
                (Some(l), w) if w > 0 && program_cost.cents() > 0 => {
                    ratio(l.cents() as f64, program_cost.cents() as f64 / w as f64)
                }
                _ => None,
            };
            json!({
                "name": p.slug.as_str(),
                "paused": p.paused,
                "referrals": mine.len(),
                "converted": won,
                "conversion": pct(won, mine.len()),
                "ltv": ltv.map(|l| crate::intl::money(l, &p.currency)),
                "cac": p.cac.map(|c| crate::intl::money(c, &p.currency)),
                "ltv_cac": ltv_cac,
                "ltv_cac_healthy": ltv_cac.as_deref().and_then(|v| v.parse::<f64>().ok()).map(|v| v >= 4.0),
                "referral_ltv_cac": referral_ltv_cac,
            })
        })
        .collect();

    // Surveys: NPS = % promoters - % detractors; top "heard" answers.
    let mut scores = Vec::new();
    let mut heard: BTreeMap<String, usize> = BTreeMap::new();
    for s in store.surveys()?.iter().filter(|s| in_scope(s.at)) {
        match &s.answer {
            SurveyAnswer::Nps { score, .. } => scores.push(*score),
            SurveyAnswer::Heard { source } => *heard.entry(source.trim().to_lowercase()).or_default() += 1,
        }
    }
    let nps = (!scores.is_empty()).then(|| {
        let promoters = scores.iter().filter(|s| **s >= 9).count() as f64;
        let detractors = scores.iter().filter(|s| **s <= 6).count() as f64;
        format!("{:+.0}", (promoters - detractors) * 100.0 / scores.len() as f64)
    });
    let mut heard: Vec<(String, usize)> = heard.into_iter().collect();
    heard.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let heard: Vec<Value> = heard.into_iter().take(5).map(|(s, n)| json!({ "source": s, "count": n })).collect();

    // The wish list: what is still open, and what champions met in scope.
    let wishes = store.wishes()?;
    let wishes_open = wishes.iter().filter(|w| w.state == vouch_store::WishState::Open).count();
    let wishes_met =
        wishes.iter().filter(|w| matches!(w.state, vouch_store::WishState::Met { at, .. } if in_scope(at))).count();

    Ok(cx.reply(
        "reply/report",
        json!({
            "scope": month.map(|m| m.to_string()),
            "months": per_month,
            "total": total,
            "open": open,
            "rejected": rejected,
            "converted": converted.len(),
            "conversion": pct(converted.len(), total - rejected),
            "revenue": crate::intl::money(revenue, &currency),
            "average_value": (valued > 0).then(|| crate::intl::money(Money(revenue.cents() / valued as i64), &currency)),
            "cost": crate::intl::money(cost, &currency),
            "pending_cost": (pending_cost.cents() > 0).then(|| crate::intl::money(pending_cost, &currency)),
            "roi": roi,
            "referral_cac": referral_cac.map(|m| crate::intl::money(m, &currency)),
            "programs": program_rows,
            "nps": nps,
            "nps_responses": scores.len(),
            "heard": heard,
            "wishes": wishes_open + wishes_met > 0,
            "wishes_open": wishes_open,
            "wishes_met": wishes_met,
        }),
    ))
}
