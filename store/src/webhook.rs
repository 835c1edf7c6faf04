//! Webhook endpoints: where vouch POSTs signed events about referrals,
//! rewards, introductions and RSVPs. Each event is an outbox row on
//! [`Channel::Webhook`](crate::Channel::Webhook) addressed to `webhook:ID`,
//! written in the transaction of the change it reports.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{IdentityKey, Timestamp, WebhookId};

/// An endpoint fails this long (every attempt since its first failure
/// failed) before it is disabled.
pub fn failing_limit() -> chrono::Duration {
    chrono::Duration::days(3)
}

/// The Standard Webhooks signing secret, `whsec_` + base64 of the key. Never
/// stored: it is derived from the store's link secret and the endpoint's
/// salt when it signs (so no export, backup or log holds it), and never
/// shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub const PREFIX: &'static str = "whsec_";

    /// `text` as printed to the organizer (`whsec_…`).
    pub fn new(text: String) -> Self {
        Self(text)
    }

    /// The secret as the receiver configures it; print it once, log never.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(redacted)")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: WebhookId,
    /// `http(s)://…`, no credentials in it.
    pub url: String,
    /// The event types it gets (`referral.converted`); empty is all of them.
    #[serde(default)]
    pub events: Vec<String>,
    /// Random; with the store's link secret it gives the signing secret
    /// (`Signer::webhook_secret`). Alone it signs nothing.
    pub salt: String,
    pub created_at: Timestamp,
    pub enabled: bool,
    /// Why and when it was disabled (gone, failing for days).
    #[serde(default)]
    pub disabled: Option<Disabled>,
    /// The last attempt's result: `200`, `500`, `timeout`…
    #[serde(default)]
    pub last_status: Option<String>,
    #[serde(default)]
    pub last_attempt_at: Option<Timestamp>,
    /// The first failure of the current run of failures (cleared by a 2xx).
    #[serde(default)]
    pub failing_since: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Disabled {
    pub at: Timestamp,
    pub reason: String,
}

impl WebhookEndpoint {
    /// The outbox recipient of this endpoint's deliveries.
    pub fn identity(&self) -> IdentityKey {
        IdentityKey::webhook(self.id)
    }

    /// Whether an event of type `kind` goes to this endpoint now.
    pub fn wants(&self, kind: &str) -> bool {
        self.enabled && (self.events.is_empty() || self.events.iter().any(|e| e == kind))
    }

    /// Records one delivery attempt's result at `now`; true when the
    /// endpoint has now been failing for [`failing_limit`] and is disabled.
    pub fn record_attempt(&mut self, ok: bool, status: &str, now: Timestamp) -> bool {
        self.last_status = Some(status.to_string());
        self.last_attempt_at = Some(now);
        if ok {
            self.failing_since = None;
            return false;
        }
        let since = *self.failing_since.get_or_insert(now);
        if self.enabled && now - since >= failing_limit() {
            self.disable(now, &format!("every delivery failed for 3 days (last: {status})"));
            return true;
        }
        false
    }

    pub fn disable(&mut self, now: Timestamp, reason: &str) {
        self.enabled = false;
        self.disabled = Some(Disabled { at: now, reason: reason.to_string() });
    }

    /// Turned on again by an organizer: a fresh start, no failures counted.
    pub fn enable(&mut self) {
        self.enabled = true;
        self.disabled = None;
        self.failing_since = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Read as _;

    fn endpoint(at: Timestamp) -> WebhookEndpoint {
        WebhookEndpoint {
            id: WebhookId(1),
            url: "https://crm.example/hook".into(),
            events: vec![],
            salt: "5a17".into(),
            created_at: at,
            enabled: true,
            disabled: None,
            last_status: None,
            last_attempt_at: None,
            failing_since: None,
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let secret = WebhookSecret::new("whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0".into());
        let shown = format!("{secret:?}");
        assert!(!shown.contains("whsec_"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn export_and_import_carry_endpoints_and_pending_deliveries_but_no_secret() {
        let now = chrono::Utc::now();
        let (a, b) = (tempfile::tempdir().expect("tempdir"), tempfile::tempdir().expect("tempdir"));
        let store = crate::Store::open(a.path()).expect("open");
        let endpoint = endpoint(now);
        let row = crate::OutboxMessage {
            id: crate::OutboxId(1),
            token: None,
            to: endpoint.identity(),
            template: "referral.created".into(),
            data: serde_json::json!({ "type": "referral.created" }),
            created_at: now,
            state: crate::OutboxState::Pending,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            sent_at: None,
            actions: vec![],
            attachments: vec![],
            in_reply_to: None,
            language: None,
        };
        store
            .write(|tx| {
                tx.put_webhook(&endpoint)?;
                tx.put_outbox(&row)?;
                tx.raise_counter("webhook", 1)?;
                tx.raise_counter("outbox", 1)
            })
            .expect("write");
        let dump = store.export().expect("export");
        assert_eq!(dump.webhooks, vec![endpoint.clone()]);
        let restored = crate::Store::open(b.path()).expect("open");
        restored.import(&dump).expect("import");
        let back = restored.webhook(WebhookId(1)).expect("read").expect("endpoint");
        assert_eq!(back.salt, endpoint.salt, "with the link secret (exported too) it signs as before");
        let text = serde_json::to_string(&dump).expect("json");
        assert!(!text.contains("whsec_"), "no signing secret in an export");
        assert_eq!(restored.outbox_pending_for(&endpoint.identity()).expect("read"), vec![row]);
        assert!(restored.doctor(false).expect("doctor").problems.is_empty());
        // An export from before webhooks existed still imports.
        let mut old = serde_json::to_value(&dump).expect("json");
        old.as_object_mut().expect("object").remove("webhooks");
        let old: crate::Dump = serde_json::from_value(old).expect("an old export parses");
        assert!(old.webhooks.is_empty());
    }

    #[test]
    fn events_filter_and_disabled_endpoints() {
        let mut e = endpoint(chrono::Utc::now());
        assert!(e.wants("reward.paid"));
        e.events = vec!["referral.converted".into()];
        assert!(e.wants("referral.converted"));
        assert!(!e.wants("reward.paid"));
        e.disable(chrono::Utc::now(), "test");
        assert!(!e.wants("referral.converted"));
    }
}
