//! Webhooks out, in the engine: endpoints (`vouch webhook …`), the outbox
//! rows that report changes (one per subscribed, enabled endpoint, written
//! in the transaction of the change by [`emit`]) and what a delivery
//! attempt does to its endpoint (disabled when gone or failing for 3 days,
//! organizers told).

use serde_json::{Value, json};
use vouch_store::{
    Channel, Event, IdentityKey, OutboxMessage, OutboxState, Read, Referral, RewardEntry, Role, Rsvp, Side, Timestamp,
    WebhookEndpoint, WebhookId, WriteTx,
};

use super::{Caller, Cx, EngineCore};
use crate::delivery::SendOutcome;
use crate::error::UserError;
pub use crate::webhook::EventType;

/// The organizers' notice when an endpoint is disabled.
const DISABLED_NOTICE: &str = "notice/webhook_disabled";

/// Writes one outbox row per enabled endpoint subscribed to `kind`, in
/// `tx`: `{"type", "timestamp", "data"}`, the body the receiver gets.
pub(crate) fn emit(tx: &WriteTx<'_>, now: Timestamp, kind: EventType, data: Value) -> Result<usize, UserError> {
    let endpoints: Vec<WebhookEndpoint> = tx.webhooks()?.into_iter().filter(|e| e.wants(kind.as_str())).collect();
    for endpoint in &endpoints {
        queue(tx, now, endpoint, kind, data.clone())?;
    }
    Ok(endpoints.len())
}

fn queue(
    tx: &WriteTx<'_>,
    now: Timestamp,
    endpoint: &WebhookEndpoint,
    kind: EventType,
    data: Value,
) -> Result<vouch_store::OutboxId, UserError> {
    let id = vouch_store::OutboxId(tx.next_id("outbox")?);
    let payload = json!({
        "type": kind.as_str(),
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    });
    tx.put_outbox(&OutboxMessage {
        id,
        token: None,
        to: endpoint.identity(),
        template: kind.as_str().to_string(),
        data: payload,
        created_at: now,
        state: OutboxState::Pending,
        attempts: 0,
        next_attempt_at: now,
        last_error: None,
        sent_at: None,
        actions: Vec::new(),
        attachments: Vec::new(),
        in_reply_to: None,
        language: None,
    })?;
    Ok(id)
}

fn money(amount: Option<vouch_store::Money>, currency: &str) -> Value {
    match amount {
        Some(m) => json!({ "amount": m.0, "currency": currency }),
        None => Value::Null,
    }
}

fn referral_data(cx: &Cx<'_, '_>, r: &Referral) -> Result<Value, UserError> {
    let program = cx.program(r.program)?;
    Ok(json!({
        "referral": r.id.to_string(),
        "program": program.slug.as_str(),
        "referrer": r.referrer.to_string(),
        "referred": r.referred.to_string(),
        "code": r.code.as_ref().map(ToString::to_string),
        "state": r.state.as_str(),
        "value": money(r.value, &program.currency),
        "reason": r.reject_reason,
        "created_at": r.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }))
}

/// `referral.created`, `referral.converted`, `referral.rejected`.
pub(crate) fn referral(cx: &Cx<'_, '_>, kind: EventType, r: &Referral) -> Result<(), UserError> {
    emit(cx.tx, cx.now, kind, referral_data(cx, r)?).map(drop)
}

/// `introduction.created`, `introduction.accepted`, `introduction.declined`:
/// the referral behind it, plus the introduction's stage.
pub(crate) fn introduction(cx: &Cx<'_, '_>, kind: EventType, r: &Referral) -> Result<(), UserError> {
    let mut data = referral_data(cx, r)?;
    data["champion"] = json!(r.referrer.to_string());
    data["prospect"] = json!(r.referred.to_string());
    data["stage"] = json!(super::introduction_stage(r));
    emit(cx.tx, cx.now, kind, data).map(drop)
}

/// `reward.approved`, `reward.paid`, `reward.reversed`, one per ledger entry.
pub(crate) fn reward(cx: &Cx<'_, '_>, kind: EventType, e: &RewardEntry) -> Result<(), UserError> {
    reward_in(cx.tx, cx.now, kind, e)
}

/// [`reward`] without a command context (a change made outside a command).
pub(crate) fn reward_in(tx: &WriteTx<'_>, now: Timestamp, kind: EventType, e: &RewardEntry) -> Result<(), UserError> {
    let program = tx.program(e.program)?.map(|p| p.slug.as_str().to_string());
    let data = json!({
        "reward": e.id.to_string(),
        "referral": e.referral.to_string(),
        "member": e.member.to_string(),
        "program": program,
        "side": match e.side { Side::Referrer => "referrer", Side::Referred => "referred" },
        "status": e.status.as_str(),
        "cost": money(Some(e.cost), &e.currency),
        "kind": serde_json::to_value(&e.reward).unwrap_or(Value::Null),
    });
    emit(tx, now, kind, data).map(drop)
}

/// `event.rsvp`: a member's answer to an event.
pub(crate) fn rsvp(cx: &Cx<'_, '_>, event: &Event, r: &Rsvp) -> Result<(), UserError> {
    let data = json!({
        "event": event.id.to_string(),
        "title": event.title,
        "member": r.member.to_string(),
        "status": r.status.as_str(),
        "plus_ones": r.plus_ones,
    });
    emit(cx.tx, cx.now, EventType::EventRsvp, data).map(drop)
}

/// How an endpoint is listed (`vouch webhook list`); no secret.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub last_status: Option<String>,
    pub last_attempt_at: Option<Timestamp>,
    pub failing_since: Option<Timestamp>,
    pub pending: usize,
}

impl EngineCore {
    /// The signing secret of `endpoint` (see `Signer::webhook_secret`).
    pub fn webhook_secret(&self, endpoint: &WebhookEndpoint) -> vouch_store::WebhookSecret {
        self.signer.webhook_secret(endpoint.id, &endpoint.salt)
    }

    /// `vouch webhook add URL [--events a,b]`: the new endpoint; the caller
    /// prints its [`EngineCore::webhook_secret`] once.
    pub fn webhook_add(&self, url: &str, events: Option<&str>) -> Result<WebhookEndpoint, UserError> {
        let bad =
            |e: crate::webhook::UrlError| UserError::InvalidSetting { key: "webhook".into(), problem: e.to_string() };
        let url = crate::webhook::parse_url(url).map_err(bad)?;
        let events = crate::webhook::parse_events(events).map_err(bad)?;
        let salt: String = self.ids.secret().iter().map(|b| format!("{b:02x}")).collect();
        let now = self.clock.now();
        self.store.write(|tx| {
            let endpoint = WebhookEndpoint {
                id: WebhookId(tx.next_id("webhook")?),
                url: url.clone(),
                events: events.clone(),
                salt: salt.clone(),
                created_at: now,
                enabled: true,
                disabled: None,
                last_status: None,
                last_attempt_at: None,
                failing_since: None,
            };
            tx.put_webhook(&endpoint)?;
            Ok::<_, UserError>(endpoint)
        })
    }

    pub fn webhook_list(&self) -> Result<Vec<EndpointView>, UserError> {
        let mut out = Vec::new();
        for e in self.store.webhooks()? {
            let pending = self.store.outbox_pending_for(&e.identity())?.len();
            out.push(EndpointView {
                id: e.id.to_string(),
                url: e.url,
                events: e.events,
                enabled: e.enabled,
                disabled_reason: e.disabled.map(|d| d.reason),
                last_status: e.last_status,
                last_attempt_at: e.last_attempt_at,
                failing_since: e.failing_since,
                pending,
            });
        }
        Ok(out)
    }

    /// The endpoint a delivery worker sends a row to (`None`: removed).
    pub fn webhook_endpoint(&self, id: WebhookId) -> Result<Option<WebhookEndpoint>, UserError> {
        Ok(self.store.webhook(id)?)
    }

    /// `vouch webhook remove ID`: gone, and its pending deliveries failed.
    pub fn webhook_remove(&self, id: WebhookId) -> Result<WebhookEndpoint, UserError> {
        self.store.write(|tx| {
            let endpoint = tx.webhook(id)?.ok_or_else(|| unknown(id))?;
            fail_pending(tx, &endpoint.identity(), "the webhook endpoint was removed", None)?;
            tx.remove_webhook(id)?;
            Ok(endpoint)
        })
    }

    /// `vouch webhook enable ID`: delivers again, failures forgotten (rows
    /// failed while it was disabled stay failed).
    pub fn webhook_enable(&self, id: WebhookId) -> Result<WebhookEndpoint, UserError> {
        self.store.write(|tx| {
            let mut endpoint = tx.webhook(id)?.ok_or_else(|| unknown(id))?;
            endpoint.enable();
            tx.put_webhook(&endpoint)?;
            Ok(endpoint)
        })
    }

    /// `vouch webhook test ID`: queues one `webhook.test` event to it.
    pub fn webhook_test(&self, id: WebhookId) -> Result<vouch_store::OutboxId, UserError> {
        let now = self.clock.now();
        self.store.write(|tx| {
            let endpoint = tx.webhook(id)?.ok_or_else(|| unknown(id))?;
            if !endpoint.enabled {
                return Err(UserError::InvalidSetting {
                    key: "webhook".into(),
                    problem: format!("{id} is disabled; `vouch webhook enable {id}` first"),
                });
            }
            queue(tx, now, &endpoint, EventType::WebhookTest, json!({ "webhook": id.to_string() }))
        })
    }

    /// After one delivery attempt of a webhook row (in the transaction that
    /// settles it): records the endpoint's status; an endpoint gone (410) or
    /// failing for 3 days is disabled, its other pending rows failed, and
    /// the organizers told. Returns true when it was disabled now.
    pub(super) fn webhook_attempted(
        &self,
        tx: &WriteTx<'_>,
        row: &mut OutboxMessage,
        outcome: &SendOutcome,
        now: Timestamp,
    ) -> Result<bool, UserError> {
        let Some(id) = row.to.webhook_id() else { return Ok(false) };
        // The transport is down when vouch itself is stopping: not the receiver's doing.
        if matches!(outcome, SendOutcome::TransportDown(_)) {
            return Ok(false);
        }
        let Some(mut endpoint) = tx.webhook(id)? else { return Ok(false) };
        let status = match outcome {
            SendOutcome::Sent => "delivered".to_string(),
            SendOutcome::RetryAfter { reason, .. }
            | SendOutcome::FailedForGood(reason)
            | SendOutcome::RecipientGone(reason)
            | SendOutcome::TransportDown(reason) => reason.clone(),
        };
        let was_enabled = endpoint.enabled;
        let disabled_now = match outcome {
            SendOutcome::RecipientGone(reason) => {
                endpoint.record_attempt(false, &status, now);
                if endpoint.enabled {
                    endpoint.disable(now, &format!("the endpoint answered that it is gone ({reason})"));
                }
                was_enabled
            }
            _ => endpoint.record_attempt(outcome.is_sent(), &status, now),
        };
        tx.put_webhook(&endpoint)?;
        if !disabled_now {
            return Ok(false);
        }
        if row.state == OutboxState::Pending {
            row.state = OutboxState::Failed;
        }
        fail_pending(tx, &endpoint.identity(), "the webhook endpoint was disabled", Some(row.id))?;
        tell_organizers(self, tx, &endpoint, now)?;
        tracing::warn!(
            "webhook {} ({}) disabled: {}",
            endpoint.id,
            endpoint.url,
            endpoint.disabled.as_ref().map_or("", |d| d.reason.as_str())
        );
        Ok(true)
    }
}

fn unknown(id: WebhookId) -> UserError {
    UserError::InvalidSetting {
        key: "webhook".into(),
        problem: format!("there is no webhook {id}; `vouch webhook list` shows them"),
    }
}

fn fail_pending(
    tx: &WriteTx<'_>,
    to: &IdentityKey,
    why: &str,
    except: Option<vouch_store::OutboxId>,
) -> Result<(), UserError> {
    debug_assert_eq!(to.channel(), Channel::Webhook);
    for mut row in tx.outbox_pending_for(to)? {
        if Some(row.id) == except {
            continue;
        }
        row.state = OutboxState::Failed;
        row.last_error = Some(why.to_string());
        tx.put_outbox(&row)?;
    }
    Ok(())
}

fn tell_organizers(
    engine: &EngineCore,
    tx: &WriteTx<'_>,
    endpoint: &WebhookEndpoint,
    now: Timestamp,
) -> Result<(), UserError> {
    let organizers: Vec<_> = tx.members()?.into_iter().filter(|m| m.has_role(Role::Organizer)).collect();
    let Some(first) = organizers.first().cloned() else { return Ok(()) };
    let caller = Caller::admin();
    let mut cx = Cx { engine, tx, me: first, caller: &caller, now, effects: Vec::new(), mail: None };
    for organizer in &organizers {
        let data = json!({
            "name": organizer.display_name,
            "id": endpoint.id.to_string(),
            "url": endpoint.url,
            "gone": endpoint.failing_since.is_none_or(|since| now - since < vouch_store::failing_limit()),
            "last": endpoint.last_status,
            "since": endpoint.failing_since.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        });
        cx.notify(organizer, DISABLED_NOTICE, data)?;
    }
    Ok(())
}
