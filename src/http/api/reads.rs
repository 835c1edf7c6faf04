//! The API's reads: referrals page by page (an opaque cursor over a range
//! scan of the store, never the whole tree), one member, the monthly report.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::json;
use vouch_core::{Caller, Command, Input};
use vouch_store::{ApiRead, ApiScope, MemberId, Read, Referral, ReferralId, ReferralState, Store};

use super::writes::Outcome;
use super::{Api, ApiError, answer, blocking, json_of, unknown};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 500;

/// One referral as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(in crate::http) struct ReferralView {
    /// `R12`.
    id: String,
    /// issued, redeemed, converted, rewarded, rejected.
    state: String,
    program: String,
    code: Option<String>,
    /// The referrer's member id (`M3`).
    referrer: String,
    /// The referred person's member id.
    referred: String,
    referred_email: Option<String>,
    /// In minor units (cents) of `currency`.
    value: Option<i64>,
    currency: String,
    /// RFC 3339.
    created_at: String,
}

pub(in crate::http) fn view(store: &Store, r: &Referral) -> Result<ReferralView, vouch_store::StoreError> {
    let program = store.program(r.program)?;
    let referred = store.member(r.referred)?;
    Ok(ReferralView {
        id: r.id.to_string(),
        state: r.state.as_str().to_string(),
        program: program.as_ref().map(|p| p.slug.to_string()).unwrap_or_default(),
        code: r.code.as_ref().map(ToString::to_string),
        referrer: r.referrer.to_string(),
        referred: r.referred.to_string(),
        referred_email: referred.and_then(|m| m.email).map(|e| e.as_str().to_string()),
        value: r.value.map(|v| v.cents()),
        currency: program.map(|p| p.currency).unwrap_or_default(),
        created_at: r.created_at.to_rfc3339(),
    })
}

/// One page of referrals.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(in crate::http) struct ReferralPage {
    referrals: Vec<ReferralView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::http) struct ReferralQuery {
    /// Only referrals in this state.
    state: Option<String>,
    /// Only referrals created at or after this time (RFC 3339 or YYYY-MM-DD).
    since: Option<String>,
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    limit: Option<usize>,
}

/// A cursor names the next referral id to read; opaque to clients.
fn encode_cursor(next: ReferralId) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("r1:{}", next.0))
}

fn decode_cursor(cursor: &str) -> Option<ReferralId> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("r1:")?.parse::<u64>().ok().filter(|id| *id > 0).map(ReferralId)
}

fn parse_since(text: &str) -> Option<vouch_store::Timestamp> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Referrals in id order (oldest first), a page at a time.
#[utoipa::path(
    get, path = "/api/v1/referrals", params(ReferralQuery),
    responses(
        (status = 200, body = ReferralPage),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody)
    )
)]
pub(in crate::http) async fn referrals(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Query(query): Query<ReferralQuery>,
) -> Response {
    referrals_in(api, headers, query).await.unwrap_or_else(IntoResponse::into_response)
}

async fn referrals_in(api: Arc<Api>, headers: HeaderMap, query: ReferralQuery) -> Result<Response, ApiError> {
    api.authorize(&headers, ApiScope::Read).await?;
    let state = match query.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse::<ReferralState>().ok().ok_or_else(|| {
            ApiError::bad_request("invalid_value", "state: issued, redeemed, converted, rewarded or rejected")
        })?),
        None => None,
    };
    let since = match query.since.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            parse_since(s).ok_or_else(|| ApiError::bad_request("invalid_value", "since: RFC 3339 or YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let cursor = match query.cursor.as_deref().filter(|s| !s.is_empty()) {
        Some(c) => Some(
            decode_cursor(c)
                .ok_or_else(|| ApiError::bad_request("invalid_cursor", "cursor: pass a next_cursor back unchanged"))?,
        ),
        None => None,
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request("invalid_value", "limit: 1 to 500"));
    }
    let engine = Arc::clone(&api.engine);
    let page = blocking(move || -> Result<ReferralPage, vouch_store::StoreError> {
        let store = engine.store();
        let mut from = cursor.unwrap_or(ReferralId(1));
        if let Some(since) = since {
            from = from.max(store.first_referral_since(since)?);
        }
        // One more than asked: whether there is a next page.
        let mut found = store.referrals_from(state, from, limit + 1)?;
        let next = (found.len() > limit).then(|| found.pop()).flatten().map(|r| encode_cursor(r.id));
        let referrals = found.iter().map(|r| view(store, r)).collect::<Result<Vec<_>, _>>()?;
        Ok(ReferralPage { referrals, next_cursor: next })
    })
    .await?
    .map_err(|e| {
        tracing::warn!("api: referrals: {e}");
        ApiError::unavailable()
    })?;
    Ok(answer(StatusCode::OK, json_of(&page)))
}

/// One member: roles, when they joined, their referrals and rewards in numbers.
#[utoipa::path(
    get, path = "/api/v1/members/{id}", params(("id" = String, Path, description = "Member id, e.g. M3")),
    responses(
        (status = 200, description = "The member"),
        (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)
    )
)]
pub(in crate::http) async fn member(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    member_in(api, headers, id).await.unwrap_or_else(IntoResponse::into_response)
}

async fn member_in(api: Arc<Api>, headers: HeaderMap, id: String) -> Result<Response, ApiError> {
    api.authorize(&headers, ApiScope::Read).await?;
    let Ok(id) = id.parse::<MemberId>() else {
        return Err(unknown("unknown_member", "No such member: ids look like M3."));
    };
    let engine = Arc::clone(&api.engine);
    let found = blocking(move || -> Result<Option<serde_json::Value>, vouch_store::StoreError> {
        let store = engine.store();
        let Some(m) = store.member(id)? else { return Ok(None) };
        let made = store.scan_prefix_raw(vouch_store::TreeName::ReferralsByReferrer, &id.to_key())?.len();
        let rewards = store.rewards_of(id)?;
        let count = |status: vouch_store::RewardStatus| rewards.iter().filter(|w| w.status == status).count();
        Ok(Some(json!({
            "id": m.id.to_string(),
            "name": m.display_name,
            "email": m.email.as_ref().map(|e| e.as_str()),
            "roles": m.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            "joined_at": m.joined_at.to_rfc3339(),
            "referrals_made": made,
            "rewards": {
                "pending": count(vouch_store::RewardStatus::Pending),
                "approved": count(vouch_store::RewardStatus::Approved),
                "paid": count(vouch_store::RewardStatus::Paid),
                "void": count(vouch_store::RewardStatus::Void),
            },
        })))
    })
    .await?
    .map_err(|e| {
        tracing::warn!("api: member: {e}");
        ApiError::unavailable()
    })?;
    match found {
        Some(body) => Ok(answer(StatusCode::OK, body)),
        None => Err(unknown("unknown_member", &format!("No member {id}."))),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::http) struct ReportQuery {
    /// YYYY-MM (default: the current month).
    month: Option<String>,
}

/// The organizers' `report`, as data: referrals, conversions and costs by month.
#[utoipa::path(
    get, path = "/api/v1/report", params(ReportQuery),
    responses((status = 200, description = "The report"), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody))
)]
pub(in crate::http) async fn report(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Response {
    report_in(api, headers, query).await.unwrap_or_else(IntoResponse::into_response)
}

async fn report_in(api: Arc<Api>, headers: HeaderMap, query: ReportQuery) -> Result<Response, ApiError> {
    api.authorize(&headers, ApiScope::Read).await?;
    let month = match query.month.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => Some(
            vouch_core::command::YearMonth::parse(m)
                .ok_or_else(|| ApiError::bad_request("invalid_value", "month: YYYY-MM"))?,
        ),
        None => None,
    };
    let engine = Arc::clone(&api.engine);
    let done = blocking(move || {
        Ok(Outcome::of(engine.handle(&Caller::admin(), Input::Command(Command::Report { month }), None)))
    })
    .await?;
    let response = api.settle(done)?;
    let mut data = response.replies.first().map(|r| r.data.clone()).unwrap_or_default();
    if let Some(map) = data.as_object_mut() {
        map.remove("community");
    }
    Ok(answer(StatusCode::OK, data))
}
