//! vouch-mailer: outbound mail (lettre) — SMTP when configured, otherwise a
//! maildir under the data dir. Inbound parsing arrives with the email
//! frontend.

mod outbound;

pub use outbound::{MailConfig, Mailer, OutgoingMail, SendError};
