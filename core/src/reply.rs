//! What the engine answers. Adapters render each [`Reply`] for their channel.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use vouch_store::IdentityKey;

/// One message back to the caller: a template name and its data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub template: String,
    pub data: Value,
    /// Contains personal data: send by DM / ephemeral, never in a group.
    pub private: bool,
    pub is_error: bool,
    /// Choices shown as buttons where the channel has them (each runs its
    /// command as the person who presses it); plain channels show the
    /// commands as text from the template.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<vouch_store::Action>,
    /// The reader's language, set by the engine once the command ran; unset
    /// renders in the default templates (English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<vouch_store::Language>,
}

impl Reply {
    pub fn new(template: &str, data: Value) -> Self {
        Self {
            template: template.to_string(),
            data,
            private: false,
            is_error: false,
            actions: Vec::new(),
            language: None,
        }
    }

    /// The same reply in language `lang` (adapters' own notes, tests).
    pub fn in_language(mut self, lang: &str) -> Self {
        self.language = vouch_store::Language::parse(lang).ok();
        self
    }

    pub fn with_actions(mut self, actions: Vec<vouch_store::Action>) -> Self {
        self.actions = actions;
        self
    }

    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }
}

/// A message queued in the outbox by the same transaction as the change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    pub to: IdentityKey,
    pub template: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub replies: Vec<Reply>,
    pub effects: Vec<Effect>,
}

impl Outcome {
    pub fn reply(reply: Reply) -> Self {
        Self { replies: vec![reply], effects: Vec::new() }
    }

    /// Buttons under the last reply.
    pub fn with_actions(mut self, actions: Vec<vouch_store::Action>) -> Self {
        if let Some(last) = self.replies.last_mut() {
            last.actions.extend(actions);
        }
        self
    }
}

/// What an adapter gets back for one inbound message.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub replies: Vec<Reply>,
    /// The same inbound key was handled before; the replies are the first
    /// answer, and nothing changed this time.
    pub duplicate: bool,
}

/// Why a command was not done, for callers that report a status rather than
/// a text (the CLI's exit code, scripts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Refused as asked (bad input, not allowed, against a rule): the same
    /// command fails again.
    Refused,
    /// Not done now (the store is unavailable, a rate limit, an internal
    /// error): the same command may work later.
    TryLater,
}

impl Response {
    /// `None` when every reply is an answer; else the refusal, `TryLater`
    /// winning when the replies mix both.
    pub fn refusal(&self) -> Option<Refusal> {
        let mut refusal = None;
        for reply in self.replies.iter().filter(|r| r.is_error) {
            if matches!(reply.template.as_str(), "error/internal" | "error/rate_limited") {
                return Some(Refusal::TryLater);
            }
            refusal = Some(Refusal::Refused);
        }
        refusal
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::error::UserError;

    fn response(replies: Vec<Reply>) -> Response {
        Response { replies, duplicate: false }
    }

    #[test]
    fn answers_pass_refusals_are_refused_and_trouble_is_try_later() {
        let ok = Reply::new("reply/code", Value::Null);
        assert_eq!(response(vec![ok.clone()]).refusal(), None);
        let unknown = UserError::UnknownReferral { id: "R9".into() }.to_reply();
        assert_eq!(response(vec![ok.clone(), unknown.clone()]).refusal(), Some(Refusal::Refused));
        let limited = UserError::RateLimited { seconds: 3 }.to_reply();
        assert_eq!(response(vec![unknown, limited]).refusal(), Some(Refusal::TryLater));
        let down = UserError::Unavailable("disk".into()).to_reply();
        assert_eq!(response(vec![down]).refusal(), Some(Refusal::TryLater));
    }
}
