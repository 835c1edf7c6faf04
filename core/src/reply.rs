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
    /// Set on a refusal: why, typed, so no adapter reads template names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// With a failure: the refusal's stable code ([`crate::UserError::code`]),
    /// which the HTTP API answers as `error.code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A referral code this reply hands out: adapters add their own share
    /// link for it (a Telegram deep link, a Discord invite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<vouch_store::ReferralCode>,
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
            failure: None,
            code: None,
            share: None,
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

    /// A refusal (bad input, not allowed, try later), not an answer.
    pub fn is_error(&self) -> bool {
        self.failure.is_some()
    }
}

/// Why a command was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// Against a rule, bad input, not allowed: the same command fails again.
    Refused,
    /// Too many commands or wrong codes: wait and try again.
    RateLimited,
    /// The store cannot commit (a failed flush): nothing is saved until
    /// vouch restarts on a healthy disk; redeliveries should wait.
    Unavailable,
    /// A bug or a store error; nothing was committed.
    Internal,
}

impl Failure {
    pub fn refusal(self) -> Refusal {
        match self {
            Failure::Refused => Refusal::Refused,
            Failure::RateLimited | Failure::Unavailable | Failure::Internal => Refusal::TryLater,
        }
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
        for failure in self.replies.iter().filter_map(|r| r.failure) {
            if failure.refusal() == Refusal::TryLater {
                return Some(Refusal::TryLater);
            }
            refusal = Some(Refusal::Refused);
        }
        refusal
    }

    /// The gravest failure among the replies: store trouble first, then
    /// internal errors, rate limits, plain refusals.
    pub fn failure(&self) -> Option<Failure> {
        let rank = |f: &Failure| match f {
            Failure::Unavailable => 0,
            Failure::Internal => 1,
            Failure::RateLimited => 2,
            Failure::Refused => 3,
        };
        self.replies.iter().filter_map(|r| r.failure).min_by_key(rank)
    }

    /// Whether any reply is a refusal.
    pub fn refused(&self) -> bool {
        self.replies.iter().any(Reply::is_error)
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
        assert_eq!(response(vec![down.clone()]).refusal(), Some(Refusal::TryLater));
        // Typed, whatever the template is called: the gravest one wins.
        let refused = UserError::SelfReferral.to_reply();
        let limited = UserError::RateLimited { seconds: 3 }.to_reply();
        let internal = UserError::Internal("bug".into()).to_reply();
        assert_eq!(response(vec![ok.clone()]).failure(), None);
        assert!(!response(vec![ok.clone()]).refused());
        assert_eq!(response(vec![refused.clone(), limited.clone()]).failure(), Some(Failure::RateLimited));
        assert_eq!(response(vec![limited, internal.clone()]).failure(), Some(Failure::Internal));
        assert_eq!(response(vec![internal, down, refused]).failure(), Some(Failure::Unavailable));
    }
}
