//! vouch-core: the command catalog and grammar, the engine with its
//! permissions and rules, rendering, and the delivery worker over channel
//! transports. No network IO; time and randomness come through ports.

pub mod abuse;
pub mod catalog;
pub mod command;
pub mod company;
pub mod delivery;
pub mod engine;
pub mod error;
pub mod i18n;
pub mod ics;
pub mod intl;
pub mod lang;
mod limit;
pub mod links;
pub mod ports;
pub mod render;
pub mod reply;
pub mod share;
pub mod tasks;
pub mod webhook;

pub use catalog::{CATALOG, CommandSpec};
pub use command::{Command, parse};
pub use engine::{
    ApiKeyCreated, BounceOutcome, Caller, Engine, Extras, Input, LINK_ANSWER_KEY, Limits, MailIn, MailRef, Settings,
    ThreadReply, ThreadText, consent_word, idempotency_key, introduction_stage,
};
pub use engine::{Counted, ShareLink, Visit};
pub use error::UserError;
pub use lang::{CalendarWords, Languages};
pub use links::{ACTION_LINK_DAYS, Link, LinkError, PublicLinks, PublicUrl, Purpose, Signer};
pub use ports::{Clock, IdGen, ManualClock, RandomIds, SeededIds, SystemClock};
pub use render::{Format, Renderer};
pub use reply::{Effect, Failure, Outcome, Refusal, Reply, Response};
