//! `report`: the organizer's numbers, from the playbook's metrics.
//! ROI = (revenue from referrals - reward cost) / reward cost;
//! LTV = ARPA x lifetime (years); LTV:CAC against the configured CAC.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vouch_store::{ClickRead, Money, Read, ReferralState, StatsRead, SurveyAnswer};

use super::Cx;
use crate::command::YearMonth;
use crate::error::UserError;
use crate::reply::Outcome;

/// Months shown in the per-month table.
const MONTHS: usize = 6;

/// "12.5%", "12,5 %": written in the reader's language by the renderer.
fn pct(n: usize, d: usize) -> Option<String> {
    (d > 0).then(|| crate::intl::percent(n as f64 * 100.0 / d as f64, 1))
}

fn ratio(n: f64, d: f64) -> Option<f64> {
    (d > 0.0).then(|| n / d)
}

/// "4.2", "4,2".
fn ratio_text(r: Option<f64>) -> Option<String> {
    r.map(|r| crate::intl::number(r, 1))
}

pub(super) fn report(cx: &mut Cx<'_, '_>, month: Option<YearMonth>) -> Result<Outcome, UserError> {
    let store = cx.tx;
    // The store keeps these counts with every referral and reward: a report
    // reads a few keys per month and program, not every referral.
    let counts = store.state_counts()?;
    let conversions = store.conversion_counts()?;
    let costs = store.cost_counts()?;
    let programs = store.programs()?;
    let clicks = store.click_months()?;
    let currency = cx.settings().currency.clone();
    let month_of = |(year, month): (i32, u32)| YearMonth { year, month };
    let in_scope = |m: (i32, u32)| month.is_none_or(|s| month_of(m) == s);
    let at_in_scope = |t| month.is_none_or(|m| YearMonth::of(t) == m);

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
            let created: u64 = counts.iter().filter(|c| month_of(c.month) == *m).map(|c| c.count).sum();
            let won = conversions.iter().filter(|c| month_of(c.month) == *m);
            let (won, value) = won.fold((0u64, Money(0)), |(n, v), c| (n + c.count, v + c.value));
            json!({ "month": crate::intl::month(m.year, m.month), "referrals": created, "converted": won, "value": crate::intl::money(value, &currency) })
        })
        .collect();

    let scoped: Vec<_> = counts.iter().filter(|c| in_scope(c.month)).collect();
    // The funnel: clicks on share links (and the visitors behind them) ->
    // signups (referrals created) -> conversions.
    let scoped_clicks: Vec<_> = clicks.iter().filter(|c| in_scope(c.month)).collect();
    let clicks_of = |program: Option<vouch_store::ProgramId>| -> (usize, usize) {
        let (n, v) = scoped_clicks
            .iter()
            .filter(|c| program.is_none_or(|p| c.program == p))
            .fold((0u64, 0u64), |(n, v), c| (n + c.count.clicks, v + c.count.visitors));
        (usize::try_from(n).unwrap_or(usize::MAX), usize::try_from(v).unwrap_or(usize::MAX))
    };
    let sum = |keep: &dyn Fn(&vouch_store::StateCount) -> bool| -> usize {
        let n: u64 = scoped.iter().filter(|c| keep(c)).map(|c| c.count).sum();
        usize::try_from(n).unwrap_or(usize::MAX)
    };
    let total = sum(&|_| true);
    let rejected = sum(&|c| c.state == ReferralState::Rejected);
    let converted = sum(&|c| c.state.is_converted());
    let open = sum(&|c| c.state.is_open());
    let revenue: Money = scoped.iter().filter(|c| c.state.is_converted()).map(|c| c.value).sum();
    let valued: u64 = scoped.iter().filter(|c| c.state.is_converted()).map(|c| c.valued).sum();
    let scoped_costs: Vec<_> = costs.iter().filter(|c| in_scope(c.month)).collect();
    let cost: Money = scoped_costs.iter().filter(|c| c.status.is_earned()).map(|c| c.cost).sum();
    let pending_cost: Money =
        scoped_costs.iter().filter(|c| c.status == vouch_store::RewardStatus::Pending).map(|c| c.cost).sum();
    let roi = (cost.cents() > 0)
        .then(|| crate::intl::percent((revenue.cents() - cost.cents()) as f64 * 100.0 / cost.cents() as f64, 0));
    let referral_cac = (converted > 0).then(|| Money(cost.cents() / converted as i64));

    let program_rows: Vec<Value> = programs
        .iter()
        .map(|p| {
            let mine = sum(&|c| c.program == p.id);
            let won = sum(&|c| c.program == p.id && c.state.is_converted());
            let (clicked, visitors) = clicks_of(Some(p.id));
            let ltv = match (p.arpa, p.lifetime_years) {
                (Some(arpa), Some(years)) => Some(Money((arpa.cents() as f64 * years).round() as i64)),
                _ => None,
            };
            let ltv_cac = match (ltv, p.cac) {
                (Some(l), Some(c)) => ratio(l.cents() as f64, c.cents() as f64),
                _ => None,
            };
            let program_cost: Money =
                scoped_costs.iter().filter(|c| c.program == p.id && c.status.is_earned()).map(|c| c.cost).sum();
            let referral_ltv_cac = match (ltv, won) {
                (Some(l), w) if w > 0 && program_cost.cents() > 0 => {
                    ratio(l.cents() as f64, program_cost.cents() as f64 / w as f64)
                }
                _ => None,
            };
            json!({
                "name": p.slug.as_str(),
                "paused": p.paused,
                "referrals": mine,
                "converted": won,
                "conversion": pct(won, mine),
                "clicks": clicked,
                "visitors": visitors,
                "signup_rate": pct(mine, visitors),
                "ltv": ltv.map(|l| crate::intl::money(l, &p.currency)),
                "cac": p.cac.map(|c| crate::intl::money(c, &p.currency)),
                "ltv_cac": ratio_text(ltv_cac),
                // Rounded as shown, so "4.0" is healthy however it was reached.
                "ltv_cac_healthy": ltv_cac.map(|v| (v * 10.0).round() >= 40.0),
                "referral_ltv_cac": ratio_text(referral_ltv_cac),
            })
        })
        .collect();

    // Surveys: NPS = % promoters - % detractors; top "heard" answers.
    let mut scores = Vec::new();
    let mut heard: BTreeMap<String, usize> = BTreeMap::new();
    for s in store.surveys()?.iter().filter(|s| at_in_scope(s.at)) {
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
        wishes.iter().filter(|w| matches!(w.state, vouch_store::WishState::Met { at, .. } if at_in_scope(at))).count();

    let (clicked, visitors) = clicks_of(None);
    Ok(cx.reply(
        "reply/report",
        json!({
            "clicks": clicked,
            "visitors": visitors,
            "signup_rate": pct(total, visitors),
            "scope": month.map(|m| crate::intl::month(m.year, m.month)),
            "months": per_month,
            "total": total,
            "open": open,
            "rejected": rejected,
            "converted": converted,
            "conversion": pct(converted, total - rejected),
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
