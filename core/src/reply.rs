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
