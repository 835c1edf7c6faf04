//! `POST /webhooks/stripe`: Stripe's events in (`VOUCH_STRIPE_WEBHOOK_SECRET`).
//!
//! The `Stripe-Signature` header is checked as Stripe documents it before
//! anything else: `t=` (Unix seconds) and one or more `v1=` (hex
//! HMAC-SHA256 of `"{t}.{raw body}"` keyed with the `whsec_…` secret as
//! bytes), compared in constant time (ring), within 5 minutes of now. A bad
//! or stale signature is a 400 and nothing is stored.
//!
//! - `checkout.session.completed` with `client_reference_id` or
//!   `metadata.vouch_code` / `metadata.vouch_click`: the signup (`redeem` as
//!   `customer_details.email`; the Stripe customer becomes the referral's
//!   external id); a paid checkout in `payment` mode converts it too;
//! - `invoice.paid`: the customer's first paid invoice converts the referral
//!   with its amount (later ones find it converted and change nothing);
//! - `charge.refunded` (fully refunded): `refund`.
//!
//! The event id is the engine's dedupe key (`stripe:{id}`), so Stripe's
//! retries have one effect. Other event types, and events about customers
//! vouch does not know, get 200 and are ignored. Refusals by the rules
//! (a self-referral…) are 200 too: Stripe retrying cannot change them.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use vouch_core::{Caller, Command, Input, Refusal};
use vouch_store::{EmailAddress, IdentityKey, Money, Read, ReferralCode, ReferralId};

use super::api::{Api, ApiError, answer, blocking};

/// Stripe's default tolerance between the signed time and now.
const TOLERANCE_SECS: i64 = 300;

struct Stripe {
    api: Arc<Api>,
    key: ring::hmac::Key,
}

pub(super) fn router(api: Arc<Api>, secret: String) -> Router {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    Router::new().route("/webhooks/stripe", post(event)).with_state(Arc::new(Stripe { api, key }))
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum SignatureError {
    Malformed,
    Stale,
    Mismatch,
}

/// Checks `header` against `body` at `now` (Unix seconds).
pub(super) fn verify(key: &ring::hmac::Key, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.extend(hex_decode(v)),
            _ => {}
        }
    }
    let Some(t) = timestamp else { return Err(SignatureError::Malformed) };
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - t).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let signed = [t.to_string().as_bytes(), b".", body].concat();
    // ring compares in constant time.
    if signatures.iter().any(|s| ring::hmac::verify(key, &signed, s).is_ok()) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

async fn event(State(stripe): State<Arc<Stripe>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let now = stripe.api.engine.now().timestamp();
    if let Err(e) = verify(&stripe.key, header, &body, now) {
        let message = match e {
            SignatureError::Malformed => "Stripe-Signature is missing or malformed.",
            SignatureError::Stale => "Stripe-Signature is older than 5 minutes.",
            SignatureError::Mismatch => "Stripe-Signature does not match this body and secret.",
        };
        tracing::warn!("stripe: refused an event: {message}");
        return ApiError::bad_request("bad_signature", message).into_response();
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return ApiError::bad_request("invalid_json", "The event is not JSON.").into_response();
    };
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return ApiError::bad_request("missing_field", "An event has an `id` and a `type`.").into_response();
    };
    let (id, kind) = (id.to_string(), kind.to_string());
    let object = event["data"]["object"].clone();
    let engine = Arc::clone(&stripe.api.engine);
    let outcome = blocking(move || handle(&engine, &id, &kind, &object)).await;
    match outcome {
        Ok(Ok(done)) => answer(StatusCode::OK, json!({ "received": true, "done": done })),
        // Stripe retries what is not a 2xx: store trouble and rate limits pass.
        Ok(Err(TryLater)) | Err(_) => ApiError::unavailable().into_response(),
    }
}

/// The store could not take it now; Stripe should deliver it again.
struct TryLater;

/// What happened, for the answer and the log.
fn handle(engine: &vouch_core::Engine, id: &str, kind: &str, object: &Value) -> Result<&'static str, TryLater> {
    let dedupe = format!("stripe:{id}");
    match kind {
        "checkout.session.completed" => checkout(engine, &dedupe, object),
        "invoice.paid" => {
            let Some(referral) = referral_of_customer(engine, object)? else { return Ok("ignored") };
            convert(engine, &dedupe, referral, object["amount_paid"].as_i64(), object["currency"].as_str())
        }
        "charge.refunded" => {
            if object["refunded"].as_bool() != Some(true) {
                return Ok("ignored: a partial refund");
            }
            let Some(referral) = referral_of_customer(engine, object)? else { return Ok("ignored") };
            let charge = object["id"].as_str().unwrap_or("a charge");
            let command = Command::Refund { referral, reason: format!("Stripe refunded {charge}") };
            run(engine, &Caller::admin(), command, &dedupe, "refunded")
        }
        _ => Ok("ignored"),
    }
}

/// Runs one command; a refusal by the rules is an answer too (logged).
fn run(
    engine: &vouch_core::Engine,
    caller: &Caller,
    command: Command,
    dedupe: &str,
    done: &'static str,
) -> Result<&'static str, TryLater> {
    let response = engine.handle(caller, Input::Command(command), Some(dedupe));
    match response.refusal() {
        None => Ok(done),
        Some(Refusal::TryLater) => Err(TryLater),
        Some(Refusal::Refused) => {
            let code = response.replies.iter().find_map(|r| r.code.clone()).unwrap_or_default();
            tracing::info!("stripe: {dedupe} refused: {code}");
            Ok("refused")
        }
    }
}

fn referral_of_customer(engine: &vouch_core::Engine, object: &Value) -> Result<Option<ReferralId>, TryLater> {
    let Some(customer) = object["customer"].as_str() else { return Ok(None) };
    engine.referral_by_external_id(customer).map_err(|_| TryLater)
}

fn checkout(engine: &vouch_core::Engine, dedupe: &str, object: &Value) -> Result<&'static str, TryLater> {
    let metadata = &object["metadata"];
    // A click id (what `GET /r/CODE` hands the landing page) names its code.
    let clicked = |text: &str| -> Result<Option<String>, TryLater> {
        let Ok(id) = text.trim().parse::<vouch_store::ClickId>() else { return Ok(None) };
        Ok(engine.click(id).map_err(|_| TryLater)?.map(|c| c.code.to_string()))
    };
    let reference = object["client_reference_id"].as_str();
    let code = match (metadata["vouch_code"].as_str(), metadata["vouch_click"].as_str(), reference) {
        (Some(code), _, _) => Some(code.to_string()),
        (None, Some(click), _) => clicked(click)?,
        (None, None, Some(r)) if ReferralCode::parse(r).is_ok() => Some(r.to_string()),
        (None, None, Some(r)) => clicked(r)?,
        (None, None, None) => None,
    };
    let Some(code) = code.filter(|c| ReferralCode::parse(c).is_ok()) else {
        return Ok("ignored: no referral code");
    };
    let code = code.as_str();
    let email = object["customer_details"]["email"].as_str().or_else(|| object["customer_email"].as_str());
    let Some(email) = email.and_then(|e| EmailAddress::parse(e).ok()) else { return Ok("ignored: no email") };
    let identity = IdentityKey::new_email(&email);
    let name = object["customer_details"]["name"].as_str().unwrap_or_else(|| email.as_str());
    let caller = Caller::new(identity.clone(), name);
    let signed_up = run(engine, &caller, Command::Redeem { code: code.to_string() }, dedupe, "signed up")?;
    let store = engine.store();
    let member = store.member_by_identity(&identity).map_err(|_| TryLater)?;
    let program = ReferralCode::parse(code)
        .ok()
        .map(|c| store.code(&c))
        .transpose()
        .map_err(|_| TryLater)?
        .flatten()
        .map(|c| c.program);
    let referral = match (member, program) {
        (Some(m), Some(p)) => store.referral_of_referred(m.id, p).map_err(|_| TryLater)?,
        _ => None,
    };
    let Some(referral) = referral else { return Ok(signed_up) };
    let customer = object["customer"].as_str().or_else(|| object["id"].as_str());
    if let Some(customer) = customer {
        engine.attach_external_id(customer, referral.id).map_err(|_| TryLater)?;
    }
    let paid_now = object["mode"].as_str() == Some("payment") && object["payment_status"].as_str() == Some("paid");
    if paid_now {
        let dedupe = format!("{dedupe}:convert");
        return convert(engine, &dedupe, referral.id, object["amount_total"].as_i64(), object["currency"].as_str());
    }
    Ok(signed_up)
}

/// Converts `referral` with a Stripe amount, if it is still open.
fn convert(
    engine: &vouch_core::Engine,
    dedupe: &str,
    referral: ReferralId,
    amount: Option<i64>,
    currency: Option<&str>,
) -> Result<&'static str, TryLater> {
    let store = engine.store();
    let Some(r) = store.referral(referral).map_err(|_| TryLater)? else { return Ok("ignored") };
    // Only the first payment converts; a redelivery of that one's event is
    // answered from its dedupe record by `run`.
    if store.inbound(dedupe).map_err(|_| TryLater)?.is_none() && !r.state.is_open() {
        return Ok("ignored: converted before");
    }
    let program = store.program(r.program).map_err(|_| TryLater)?;
    let same_currency = match (currency, &program) {
        (Some(c), Some(p)) => p.currency.eq_ignore_ascii_case(c),
        _ => false,
    };
    let value = match (amount, currency) {
        (Some(amount), Some(currency)) if same_currency => Some(money_of(amount, currency)),
        _ => None,
    };
    if value.is_none() {
        tracing::info!("stripe: {dedupe}: converting {referral} without a value (another currency or no amount)");
    }
    run(engine, &Caller::admin(), Command::Convert { referral, value }, dedupe, "converted")
}

/// Stripe amounts are in the currency's smallest unit; vouch counts cents
/// (two decimals). Zero- and three-decimal currencies are scaled.
fn money_of(amount: i64, currency: &str) -> Money {
    const ZERO_DECIMAL: &[&str] = &[
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    ];
    const THREE_DECIMAL: &[&str] = &["bhd", "jod", "kwd", "omr", "tnd"];
    let currency = currency.to_ascii_lowercase();
    if ZERO_DECIMAL.contains(&currency.as_str()) {
        Money(amount.saturating_mul(100))
    } else if THREE_DECIMAL.contains(&currency.as_str()) {
        Money(amount / 10)
    } else {
        Money(amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(key: &ring::hmac::Key, t: i64, body: &[u8]) -> String {
        let tag = ring::hmac::sign(key, &[t.to_string().as_bytes(), b".", body].concat());
        tag.as_ref().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn signatures_are_checked_as_stripe_documents_them() {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"whsec_test0123456789abcdef");
        let body = br#"{"id":"evt_1"}"#;
        let good = sign(&key, 1_000, body);
        assert_eq!(verify(&key, &format!("t=1000,v1={good}"), body, 1_100), Ok(()));
        // Any of several v1 signatures (a secret being rolled), other schemes ignored.
        assert_eq!(verify(&key, &format!("t=1000,v0=00,v1={},v1={good}", "ab".repeat(32)), body, 1_000), Ok(()));
        assert_eq!(
            verify(&key, &format!("t=1000,v1={good}"), br#"{"id":"evt_2"}"#, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(&key, &format!("t=1000,v1={good}"), body, 1_301), Err(SignatureError::Stale));
        assert_eq!(verify(&key, &format!("t=1000,v1={good}"), body, 699), Err(SignatureError::Stale));
        assert_eq!(verify(&key, &format!("v1={good}"), body, 1_000), Err(SignatureError::Malformed));
        assert_eq!(verify(&key, "t=1000", body, 1_000), Err(SignatureError::Malformed));
        let other = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"whsec_other0123456789abcdef");
        assert_eq!(verify(&other, &format!("t=1000,v1={good}"), body, 1_000), Err(SignatureError::Mismatch));
    }

    #[test]
    fn stripe_amounts_become_cents() {
        assert_eq!(money_of(129_900, "usd"), Money(129_900));
        assert_eq!(money_of(5_000, "JPY"), Money(500_000));
        assert_eq!(money_of(12_345, "kwd"), Money(1_234));
    }
}
