use std::path::PathBuf;

/// Why a string is not a valid domain value. Messages are user-facing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("a referral code has 8 letters and digits, but that has {0}")]
    CodeLength(usize),
    #[error("referral codes never contain '{0}' (no 0, O, 1, I or L, so they are easy to read)")]
    CodeChar(char),
    #[error("'{0}' doesn't look like an email address")]
    Email(String),
    #[error("'{0}' isn't an identity; use a console name, telegram:ID, discord:ID or email:ADDRESS")]
    Identity(String),
    #[error("'{0}' isn't a role; roles are member, champion, organizer and admin")]
    Role(String),
    #[error("'{0}' isn't an amount; write it like 50 or 49.99")]
    Money(String),
    #[error("'{0}' isn't a valid id")]
    Id(String),
    #[error("'{0}' isn't a valid name; use letters, digits and dashes, starting with a letter")]
    Slug(String),
    #[error(
        "'{0}' isn't a reward; try credit:50, discount:20%, free-months:1, cashback:25, donation:25, swag:TEXT, feature:TEXT, event-seat:TEXT or custom:TEXT"
    )]
    Reward(String),
    #[error("'{value}' isn't a valid {key}")]
    Value { key: &'static str, value: String },
    /// Never names the value: it is a secret.
    #[error("the link secret is not {0} hex digits")]
    LinkSecret(usize),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the data directory {0} is in use by another vouch process; stop it first, or talk to it with `vouch chat`"
    )]
    Locked(PathBuf),
    #[error(
        "this data was written by a newer vouch (schema {found}, this build reads up to {supported}); upgrade vouch"
    )]
    NewerSchema { found: u32, supported: u32 },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("storage I/O error: {0}")]
    Io(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// An import's input is not (all) a vouch export; the message says where.
    #[error("not a vouch export: {0}")]
    NotAnExport(String),
    #[error("the data directory is not empty; import needs a fresh one")]
    NotEmpty,
    /// A flush failed: what sled holds in memory may never reach the disk,
    /// so nothing is read, written or acknowledged until a restart.
    #[error("an earlier write to disk failed ({0}); nothing more is saved until vouch restarts")]
    Poisoned(String),
}
