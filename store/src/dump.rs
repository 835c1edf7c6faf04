//! Export and import of all data as one JSON document.
//!
//! Entities are exported; indexes are rebuilt on import by the same `put_*`
//! calls commands use, so an import is also a consistency check.

use serde::{Deserialize, Serialize};

use crate::*;

/// The data dir's schema version. Bump with a migration in `Store::check_schema`.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dump {
    pub format: String,
    pub schema_version: u32,
    pub counters: Vec<(String, u64)>,
    pub members: Vec<Member>,
    pub identities: Vec<Identity>,
    pub programs: Vec<Program>,
    pub codes: Vec<CodeRecord>,
    pub referrals: Vec<Referral>,
    pub rewards: Vec<RewardEntry>,
    pub surveys: Vec<SurveyRecord>,
    pub outbox: Vec<OutboxMessage>,
    pub inbound: Vec<InboundRecord>,
    pub link_codes: Vec<LinkCode>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub rsvps: Vec<Rsvp>,
    /// The champions' wish list. Absent in exports from before it existed.
    #[serde(default)]
    pub wishes: Vec<crate::Wish>,
    /// Scheduled reminders and held-seat deadlines.
    #[serde(default)]
    pub due: Vec<Due>,
    /// The key that signs web links, so links in mail sent before a backup
    /// still work after a restore. Absent in exports from before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_secret: Option<LinkSecret>,
}

const FORMAT: &str = "vouch-export";
/// Records per import transaction: bounded memory, still few flushes.
const IMPORT_CHUNK: usize = 500;

impl Store {
    pub fn export(&self) -> Result<Dump, StoreError> {
        Ok(Dump {
            format: FORMAT.into(),
            schema_version: SCHEMA_VERSION,
            counters: self.counters()?,
            members: self.members()?,
            identities: self.identities()?,
            programs: self.programs()?,
            codes: self.codes()?,
            referrals: self.referrals()?,
            rewards: self.rewards()?,
            surveys: self.surveys()?,
            outbox: self.outbox_messages()?,
            inbound: self.inbound_records()?,
            link_codes: self.link_codes()?,
            events: self.events()?,
            rsvps: self.rsvps()?,
            wishes: self.wishes()?,
            due: self.due_all()?,
            link_secret: self.link_secret()?,
        })
    }

    /// Loads a dump into an empty store.
    pub fn import(&self, dump: &Dump) -> Result<(), StoreError> {
        if dump.format != FORMAT {
            return Err(StoreError::Corrupt(format!("not a vouch export (format {:?})", dump.format)));
        }
        if dump.schema_version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { found: dump.schema_version, supported: SCHEMA_VERSION });
        }
        if !self.is_empty() {
            return Err(StoreError::NotEmpty);
        }
        fn load<T>(
            store: &Store,
            items: &[T],
            put: impl Fn(&WriteTx<'_>, &T) -> Result<(), StoreError>,
        ) -> Result<(), StoreError> {
            for chunk in items.chunks(IMPORT_CHUNK) {
                store.write(|tx| chunk.iter().try_for_each(|item| put(tx, item)))?;
            }
            Ok(())
        }
        load(self, &dump.members, |tx, m| tx.put_member(m))?;
        load(self, &dump.identities, |tx, i| tx.put_identity(i))?;
        load(self, &dump.programs, |tx, p| tx.put_program(p))?;
        load(self, &dump.codes, |tx, c| tx.put_code(c))?;
        load(self, &dump.referrals, |tx, r| tx.put_referral(r))?;
        load(self, &dump.rewards, |tx, w| tx.put_reward(w))?;
        load(self, &dump.surveys, |tx, s| tx.put_survey(s))?;
        load(self, &dump.outbox, |tx, o| tx.put_outbox(o))?;
        load(self, &dump.inbound, |tx, i| tx.put_inbound(i))?;
        load(self, &dump.link_codes, |tx, l| tx.put_link_code(l))?;
        load(self, &dump.events, |tx, e| tx.put_event(e))?;
        load(self, &dump.rsvps, |tx, r| tx.put_rsvp(r))?;
        load(self, &dump.wishes, |tx, w| tx.put_wish(w))?;
        load(self, &dump.due, |tx, d| tx.put_due(d))?;
        load(self, &dump.counters, |tx, (name, value)| tx.raise_counter(name, *value))?;
        // A fresh store may already have made a key of its own; nothing was
        // signed with it that matters, while the backup's links are in mail.
        if let Some(secret) = &dump.link_secret {
            self.write(|tx| tx.put_link_secret(secret))?;
        }
        Ok(())
    }
}
