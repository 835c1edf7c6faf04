//! The API's writes: signups (`redeem` as the person's email identity),
//! conversions (`convert`) and refunds (`refund`), each one engine command.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use vouch_core::{Caller, Command, Input};
use vouch_store::{ApiKey, ApiScope, EmailAddress, IdentityKey, Money, Read, ReferralCode, ReferralId, TreeName};

use super::{Api, ApiError, answer, blocking, parse_body, refusal, unknown};

/// `Idempotency-Key` values longer than this are refused.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The engine dedupe key of a write: per API key, with the route and body
/// as its fingerprint. No `Idempotency-Key`: no dedupe.
pub(super) fn dedupe_key(
    key: &ApiKey,
    headers: &HeaderMap,
    route: &str,
    body: &[u8],
) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let value = value.to_str().ok().map(str::trim).filter(|v| !v.is_empty() && v.len() <= MAX_IDEMPOTENCY_KEY);
    let Some(value) = value else {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        ));
    };
    let request = [route.as_bytes(), b"\n", body].concat();
    Ok(Some(vouch_core::idempotency_key(&format!("api:K{}:", key.id), value, &request)))
}

/// A referred person signed up in the product.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(in crate::http) struct SignupRequest {
    /// The referral code they came with (any case, with or without the dash).
    code: Option<String>,
    /// Or the click id of a share link (`vouch_click` in the landing URL).
    click: Option<String>,
    email: String,
    name: Option<String>,
    /// Your id of this customer: conversions and refunds can name it.
    external_id: Option<String>,
}

/// Records a signup with the same rules as `redeem`: self-referral, caps,
/// the attribution window, alternate accounts.
#[utoipa::path(
    post, path = "/api/v1/signups", request_body = SignupRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the first answer")),
    responses(
        (status = 201, description = "The referral", body = super::reads::ReferralView),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody), (status = 429, body = super::ErrorBody)
    )
)]
pub(in crate::http) async fn signup(State(api): State<Arc<Api>>, headers: HeaderMap, body: Bytes) -> Response {
    signup_in(api, headers, body).await.unwrap_or_else(IntoResponse::into_response)
}

async fn signup_in(api: Arc<Api>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let key = api.authorize(&headers, ApiScope::Write).await?;
    let request: SignupRequest = parse_body(&body)?;
    let dedupe = dedupe_key(&key, &headers, "signups", &body)?;
    let email = EmailAddress::parse(&request.email)
        .map_err(|e| ApiError::bad_request("invalid_value", &format!("email: {e}")))?;
    let code = match (&request.code, &request.click) {
        (Some(code), _) => code.clone(),
        (None, Some(click)) => click_code(&api, click).await?,
        (None, None) => {
            return Err(ApiError::bad_request("missing_field", "Name the `code` or the `click` they came with."));
        }
    };
    let external_id = request.external_id.map(|e| e.trim().to_string()).filter(|e| !e.is_empty());
    let lang = super::accept_language(&headers);
    let engine = Arc::clone(&api.engine);
    let identity = IdentityKey::new_email(&email);
    let name = request.name.clone().unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default().to_string());
    let found = blocking(move || {
        let caller = Caller::new(identity.clone(), &name).with_language(lang.as_deref());
        let response =
            engine.handle(&caller, Input::Command(Command::Redeem { code: code.clone() }), dedupe.as_deref());
        if let Some(refused) = refusal(&response) {
            return Ok(Err(refused.clone()));
        }
        // The referral the redeem made (or, for a retry, made the first time).
        let store = engine.store();
        let member = store.member_by_identity(&identity)?;
        let program = ReferralCode::parse(&code).ok().map(|c| store.code(&c)).transpose()?.flatten().map(|c| c.program);
        let referral = match (member, program) {
            (Some(m), Some(p)) => store.referral_of_referred(m.id, p)?,
            _ => None,
        };
        let Some(referral) = referral else {
            return Err(vouch_core::UserError::Internal("a redeem left no referral".into()));
        };
        if let Some(external_id) = &external_id {
            engine.attach_external_id(external_id, referral.id)?;
        }
        Ok(Ok((super::reads::view(store, &referral)?, external_id)))
    })
    .await?
    .map_err(|e| {
        tracing::warn!("api: signup: {e}");
        ApiError::unavailable()
    })?;
    match found {
        Ok((view, external_id)) => {
            let mut body = super::json_of(&view);
            body["external_id"] = json!(external_id);
            Ok(answer(StatusCode::CREATED, body))
        }
        Err(reply) => Err(ApiError::from_reply(&reply, &api.renderer)),
    }
}

/// The code a share-link click (`GET /r/CODE` adds `vouch_click=C…` to the
/// landing URL) came through.
async fn click_code(api: &Api, click: &str) -> Result<String, ApiError> {
    let unknown_click = || unknown("unknown_click", &format!("No click {click} is known: send the `code` instead."));
    let Ok(id) = click.trim().parse::<vouch_store::ClickId>() else { return Err(unknown_click()) };
    let engine = Arc::clone(&api.engine);
    let found = blocking(move || engine.click(id)).await?.map_err(|e| {
        tracing::warn!("api: reading click {id}: {e}");
        ApiError::unavailable()
    })?;
    found.map(|c| c.code.to_string()).ok_or_else(unknown_click)
}

/// A referred customer paid: the referral converts.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(in crate::http) struct ConversionRequest {
    /// The referral id (`R12`), or one of the three below.
    referral: Option<String>,
    /// With `email`: the program of this code.
    code: Option<String>,
    email: Option<String>,
    external_id: Option<String>,
    /// What the customer is worth, in major units (`1200`, `49.99`, or as a string).
    #[schema(value_type = f64)]
    value: Value,
    /// ISO 4217; must be the program's currency.
    currency: Option<String>,
    /// RFC 3339; when it happened in your system (checked, echoed).
    occurred_at: Option<String>,
}

/// Converts a referral as `convert` does: the attribution window, rewards
/// (held for review when the referral looks like an alternate account).
#[utoipa::path(
    post, path = "/api/v1/conversions", request_body = ConversionRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the first answer; the same key with another body is a 422")),
    responses(
        (status = 201, description = "The conversion"),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody),
        (status = 429, body = super::ErrorBody)
    )
)]
pub(in crate::http) async fn conversion(State(api): State<Arc<Api>>, headers: HeaderMap, body: Bytes) -> Response {
    conversion_in(api, headers, body).await.unwrap_or_else(IntoResponse::into_response)
}

fn money_of(value: &Value) -> Result<Money, ApiError> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    Money::parse(&text).map_err(|_| {
        ApiError::bad_request("invalid_value", "value: a positive amount with at most two decimals, e.g. 1200 or 49.99")
    })
}

/// What a conversion or refund names, resolved to a referral id.
enum Target {
    Referral(ReferralId),
    External(String),
    Email(EmailAddress, Option<String>),
}

impl Target {
    fn of(
        referral: Option<String>,
        external_id: Option<String>,
        email: Option<String>,
        code: Option<String>,
    ) -> Result<Self, ApiError> {
        if let Some(r) = referral {
            let id = r
                .parse::<ReferralId>()
                .map_err(|_| ApiError::bad_request("invalid_value", "referral: a referral id such as R12"))?;
            return Ok(Target::Referral(id));
        }
        if let Some(e) = external_id {
            return Ok(Target::External(e.trim().to_string()));
        }
        if let Some(e) = email {
            let email =
                EmailAddress::parse(&e).map_err(|e| ApiError::bad_request("invalid_value", &format!("email: {e}")))?;
            return Ok(Target::Email(email, code));
        }
        let problem = if code.is_some() {
            "A code names the referrer, not the referral: send `email` with it."
        } else {
            "Name the referral: `referral`, `external_id` or `email`."
        };
        Err(ApiError::bad_request("missing_field", problem))
    }

    /// Reads only; the command that follows checks everything again.
    fn resolve(&self, engine: &vouch_core::Engine) -> Result<Result<ReferralId, ApiError>, vouch_core::UserError> {
        let store = engine.store();
        let unknown_referral = || unknown("unknown_referral", "No referral matches.");
        Ok(match self {
            Target::Referral(id) => Ok(*id),
            Target::External(e) => engine
                .referral_by_external_id(e)?
                .ok_or_else(|| unknown("unknown_referral", &format!("No referral has the external id {e}."))),
            Target::Email(email, code) => {
                let Some(member) = store.member_by_identity(&IdentityKey::new_email(email))? else {
                    return Ok(Err(unknown_referral()));
                };
                match code {
                    Some(code) => {
                        let program = ReferralCode::parse(code).ok().map(|c| store.code(&c)).transpose()?.flatten();
                        match program {
                            Some(c) => store
                                .referral_of_referred(member.id, c.program)?
                                .map(|r| r.id)
                                .ok_or_else(unknown_referral),
                            None => Err(unknown("unknown_code", "No such code.")),
                        }
                    }
                    // The person's latest referral, of any program.
                    None => store
                        .scan_prefix_limited(TreeName::ReferralsByReferred, &member.id.to_key(), 16, false)?
                        .iter()
                        .filter_map(|(_, v)| ReferralId::from_key(v))
                        .max()
                        .ok_or_else(unknown_referral),
                }
            }
        })
    }
}

/// A conversion's answer, from the engine's reply (so a retry, answered
/// from the remembered reply, is the same to the byte).
fn conversion_body(response: &vouch_core::Response) -> Value {
    let data = response.replies.first().map(|r| r.data.clone()).unwrap_or_default();
    let rewards = rewards_of(&data["entries"]);
    json!({
        "referral": data["id"],
        "state": data["state"],
        "held_for_review": data["held"],
        "rewards": rewards,
    })
}

async fn conversion_in(api: Arc<Api>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let key = api.authorize(&headers, ApiScope::Write).await?;
    let request: ConversionRequest = parse_body(&body)?;
    let dedupe = dedupe_key(&key, &headers, "conversions", &body)?;
    let value = money_of(&request.value)?;
    if let Some(at) = &request.occurred_at {
        chrono::DateTime::parse_from_rfc3339(at).map_err(|_| {
            ApiError::bad_request("invalid_value", "occurred_at: an RFC 3339 time, e.g. 2026-12-01T10:00:00Z")
        })?;
    }
    let target = Target::of(request.referral, request.external_id, request.email, request.code)?;
    let currency = request.currency.clone();
    let engine = Arc::clone(&api.engine);
    let done = blocking(move || -> Result<Outcome, vouch_core::UserError> {
        let id = match target.resolve(&engine)? {
            Ok(id) => id,
            Err(e) => return Ok(Outcome::Error(e)),
        };
        if let Some(currency) = &currency
            && let Some(r) = engine.store().referral(id)?
            && let Some(program) = engine.store().program(r.program)?
            && !program.currency.eq_ignore_ascii_case(currency.trim())
        {
            return Ok(Outcome::Error(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "currency_mismatch",
                &format!("This program counts in {}, not {}.", program.currency, currency.trim()),
            )));
        }
        let command = Command::Convert { referral: id, value: Some(value) };
        Ok(Outcome::of(engine.handle(&Caller::admin(), Input::Command(command), dedupe.as_deref())))
    })
    .await?;
    let response = api.settle(done)?;
    let mut body = conversion_body(&response);
    body["value"] = json!(value.cents());
    body["occurred_at"] = json!(request.occurred_at);
    Ok(answer(StatusCode::CREATED, body))
}

/// What a blocking step ended with.
pub(super) enum Outcome {
    Done(vouch_core::Response),
    Refused(vouch_core::Reply),
    Error(ApiError),
}

impl Outcome {
    pub(super) fn of(response: vouch_core::Response) -> Self {
        match refusal(&response) {
            Some(refused) => Outcome::Refused(refused.clone()),
            None => Outcome::Done(response),
        }
    }
}

impl Api {
    /// The engine's answer, or the JSON error to give instead.
    pub(super) fn settle(
        &self,
        done: Result<Outcome, vouch_core::UserError>,
    ) -> Result<vouch_core::Response, ApiError> {
        match done {
            Ok(Outcome::Done(response)) => Ok(response),
            Ok(Outcome::Refused(reply)) => Err(ApiError::from_reply(&reply, &self.renderer)),
            Ok(Outcome::Error(e)) => Err(e),
            Err(e) => {
                tracing::warn!("api: {e}");
                Err(ApiError::from_reply(&e.to_reply(), &self.renderer))
            }
        }
    }
}

/// A referred customer was refunded: their referral's rewards are reversed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(in crate::http) struct RefundRequest {
    /// The referral id (`R12`), or `external_id`.
    referral: Option<String>,
    external_id: Option<String>,
    /// Shown in `why` and to the organizers.
    reason: Option<String>,
}

/// Reverses the referral's pending and approved rewards (reversal entries in
/// the ledger, shown by `why`); paid rewards are flagged for the organizers.
#[utoipa::path(
    post, path = "/api/v1/refunds", request_body = RefundRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the first answer")),
    responses(
        (status = 201, description = "The reversal"),
        (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 429, body = super::ErrorBody)
    )
)]
pub(in crate::http) async fn refund(State(api): State<Arc<Api>>, headers: HeaderMap, body: Bytes) -> Response {
    refund_in(api, headers, body).await.unwrap_or_else(IntoResponse::into_response)
}

async fn refund_in(api: Arc<Api>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let key = api.authorize(&headers, ApiScope::Write).await?;
    let request: RefundRequest = parse_body(&body)?;
    let dedupe = dedupe_key(&key, &headers, "refunds", &body)?;
    let target = Target::of(request.referral, request.external_id, None, None)?;
    let reason = request.reason.unwrap_or_default();
    let engine = Arc::clone(&api.engine);
    let done = blocking(move || -> Result<Outcome, vouch_core::UserError> {
        let id = match target.resolve(&engine)? {
            Ok(id) => id,
            Err(e) => return Ok(Outcome::Error(e)),
        };
        let command = Command::Refund { referral: id, reason };
        Ok(Outcome::of(engine.handle(&Caller::admin(), Input::Command(command), dedupe.as_deref())))
    })
    .await?;
    let response = api.settle(done)?;
    Ok(answer(StatusCode::CREATED, refund_body(&response)))
}

/// A refund's answer, from the engine's reply.
pub(in crate::http) fn refund_body(response: &vouch_core::Response) -> Value {
    let data = response.replies.first().map(|r| r.data.clone()).unwrap_or_default();
    json!({
        "referral": data["id"],
        "reversed": rewards_of(&data["reversed"]),
        "flagged_paid": rewards_of(&data["flagged"]),
    })
}

/// Ledger entries of a reply as the API shows them: id, side, status, kind
/// and cost in minor units (the reply holds them as render-time values).
fn rewards_of(entries: &Value) -> Vec<Value> {
    let kind = |reward: &Value| {
        let text = reward.as_str().unwrap_or_default();
        text.strip_prefix('r').and_then(|t| t.split(':').next()).unwrap_or(text).to_string()
    };
    let cost = |cost: &Value| {
        let text = cost.as_str().unwrap_or_default();
        text.strip_prefix('m').and_then(|t| t.split('|').next()).and_then(|n| n.parse::<i64>().ok())
    };
    entries
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    json!({ "id": e["id"], "side": e["side"], "status": e["status"], "kind": kind(&e["reward"]), "cost": cost(&e["cost"]) })
                })
                .collect()
        })
        .unwrap_or_default()
}
