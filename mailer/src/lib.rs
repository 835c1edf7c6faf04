//! vouch-mailer: outbound mail (lettre) — outbox rows rendered into mail and
//! sent over SMTP when configured, otherwise into a maildir under the data
//! dir — and inbound parsing and classification (mail-parser) for the email
//! frontend.

pub mod auth;
pub mod corpus;
pub mod imap;
pub mod inbound;
pub mod intake;
pub mod language;
mod outbound;
mod outbox;
pub mod poller;

pub use outbound::{MailConfig, MailError, Mailer, OutgoingMail};
pub use outbox::{MailTransport, render_mail};
