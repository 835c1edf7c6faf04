//! vouch-mailer: outbound mail (lettre) — SMTP when configured, otherwise a
//! maildir under the data dir — and inbound parsing and classification
//! (mail-parser) for the email frontend.

pub mod auth;
pub mod corpus;
pub mod imap;
pub mod inbound;
pub mod intake;
pub mod language;
mod outbound;
pub mod poller;

pub use outbound::{MailConfig, Mailer, OutgoingMail, SendError};
