//! Export and import of all data as one JSON document.
//!
//! Entities are exported; indexes are rebuilt on import by the same `put_*`
//! calls commands use, so an import is also a consistency check.

use std::io::Write;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::tree::decode;
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
    /// Personal chat invites and their owners. Absent in exports from
    /// before they were kept in the store.
    #[serde(default)]
    pub invites: Vec<InviteRecord>,
    /// Webhook endpoints, with the salt their signing secret is derived
    /// from (never the secret); their pending deliveries are in `outbox`.
    /// Absent in exports from before them.
    #[serde(default)]
    pub webhooks: Vec<crate::WebhookEndpoint>,
    /// Counted visits of share links. Absent in exports from before them.
    #[serde(default)]
    pub clicks: Vec<crate::Click>,
    /// API keys, as their hashes (the keys themselves are never stored).
    /// Absent in exports from before the API.
    #[serde(default)]
    pub api_keys: Vec<crate::ApiKey>,
    /// External ids (API `external_id`, Stripe customers) of referrals.
    #[serde(default)]
    pub external_ids: Vec<crate::ExternalRef>,
}

const FORMAT: &str = "vouch-export";
/// Records per import transaction: bounded memory, still few flushes.
const IMPORT_CHUNK: usize = 500;

/// How a written export looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpStyle {
    /// Indented, for people and diffs (files).
    Pretty,
    /// One line (the control socket).
    Compact,
}

/// What a streamed export held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DumpCounts {
    pub members: u64,
    pub referrals: u64,
    pub rewards: u64,
}

/// A [`Dump`] written entity by entity straight from the trees: the same JSON
/// as serializing the `Dump` that [`Store::export`] builds, in memory bounded
/// by one entity rather than by the store.
#[derive(Serialize)]
struct Streamed<'a> {
    format: &'static str,
    schema_version: u32,
    counters: Vec<(String, u64)>,
    members: TreeSeq<'a, Member>,
    identities: TreeSeq<'a, Identity>,
    programs: TreeSeq<'a, Program>,
    codes: TreeSeq<'a, CodeRecord>,
    referrals: TreeSeq<'a, Referral>,
    rewards: TreeSeq<'a, RewardEntry>,
    surveys: TreeSeq<'a, SurveyRecord>,
    outbox: TreeSeq<'a, OutboxMessage>,
    inbound: TreeSeq<'a, InboundRecord>,
    link_codes: TreeSeq<'a, LinkCode>,
    events: TreeSeq<'a, Event>,
    rsvps: TreeSeq<'a, Rsvp>,
    wishes: TreeSeq<'a, crate::Wish>,
    due: TreeSeq<'a, Due>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link_secret: Option<LinkSecret>,
    invites: TreeSeq<'a, InviteRecord>,
    webhooks: TreeSeq<'a, crate::WebhookEndpoint>,
    clicks: TreeSeq<'a, crate::Click>,
    api_keys: TreeSeq<'a, crate::ApiKey>,
    external_ids: TreeSeq<'a, crate::ExternalRef>,
}

/// Every value of one tree, decoded and serialized one at a time.
struct TreeSeq<'a, T> {
    store: &'a Store,
    tree: TreeName,
    seen: std::cell::Cell<u64>,
    kind: PhantomData<T>,
}

impl<'a, T> TreeSeq<'a, T> {
    fn new(store: &'a Store, tree: TreeName) -> Self {
        Self { store, tree, seen: std::cell::Cell::new(0), kind: PhantomData }
    }
}

impl<T: Serialize + DeserializeOwned> Serialize for TreeSeq<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for entry in self.store.tree(self.tree).iter() {
            let (_, bytes) = entry.map_err(|e| S::Error::custom(StoreError::from(e)))?;
            let value: T = decode(self.tree, &bytes).map_err(S::Error::custom)?;
            seq.serialize_element(&value)?;
            self.seen.set(self.seen.get() + 1);
        }
        seq.end()
    }
}

impl Store {
    /// Writes the export to `out` as it reads it, entity by entity. Callers
    /// that need one consistent moment use [`Store::snapshot_to`].
    pub fn export_to(&self, out: impl Write, style: DumpStyle) -> Result<DumpCounts, StoreError> {
        let streamed = Streamed {
            format: FORMAT,
            schema_version: SCHEMA_VERSION,
            counters: self.counters()?,
            members: TreeSeq::new(self, TreeName::Members),
            identities: TreeSeq::new(self, TreeName::Identities),
            programs: TreeSeq::new(self, TreeName::Programs),
            codes: TreeSeq::new(self, TreeName::Codes),
            referrals: TreeSeq::new(self, TreeName::Referrals),
            rewards: TreeSeq::new(self, TreeName::Ledger),
            surveys: TreeSeq::new(self, TreeName::Surveys),
            outbox: TreeSeq::new(self, TreeName::Outbox),
            inbound: TreeSeq::new(self, TreeName::Inbound),
            link_codes: TreeSeq::new(self, TreeName::LinkCodes),
            events: TreeSeq::new(self, TreeName::Events),
            rsvps: TreeSeq::new(self, TreeName::Rsvps),
            wishes: TreeSeq::new(self, TreeName::Wishes),
            due: TreeSeq::new(self, TreeName::EventDue),
            link_secret: self.link_secret()?,
            invites: TreeSeq::new(self, TreeName::Invites),
            webhooks: TreeSeq::new(self, TreeName::Webhooks),
            clicks: TreeSeq::new(self, TreeName::Clicks),
            api_keys: TreeSeq::new(self, TreeName::ApiKeys),
            external_ids: TreeSeq::new(self, TreeName::ExternalIds),
        };
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, out);
        let written = match style {
            DumpStyle::Pretty => serde_json::to_writer_pretty(&mut out, &streamed),
            DumpStyle::Compact => serde_json::to_writer(&mut out, &streamed),
        };
        written.map_err(|e| StoreError::Io(format!("cannot write the export: {e}")))?;
        out.flush().map_err(|e| StoreError::Io(format!("cannot write the export: {e}")))?;
        Ok(DumpCounts {
            members: streamed.members.seen.get(),
            referrals: streamed.referrals.seen.get(),
            rewards: streamed.rewards.seen.get(),
        })
    }

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
            invites: self.invites()?,
            webhooks: self.webhooks()?,
            clicks: crate::ClickRead::clicks(self)?,
            api_keys: crate::ApiRead::api_keys(self)?,
            external_ids: crate::ApiRead::external_refs(self)?,
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
        load(self, &dump.invites, |tx, i| tx.put_invite(i))?;
        load(self, &dump.webhooks, |tx, w| tx.put_webhook(w))?;
        load(self, &dump.clicks, |tx, c| tx.put_click(c).map(drop))?;
        load(self, &dump.api_keys, |tx, k| tx.put_api_key(k))?;
        load(self, &dump.external_ids, |tx, r| tx.put_external_ref(r))?;
        load(self, &dump.counters, |tx, (name, value)| tx.raise_counter(name, *value))?;
        // A fresh store may already have made a key of its own; nothing was
        // signed with it that matters, while the backup's links are in mail.
        if let Some(secret) = &dump.link_secret {
            self.write(|tx| tx.put_link_secret(secret))?;
        }
        Ok(())
    }
}

impl Store {
    /// Loads an export read from `input` into an empty store as it is read:
    /// entities go in in chunks of [`IMPORT_CHUNK`], so memory stays bounded
    /// by a chunk whatever the export's size. The export must start with its
    /// `format` and `schema_version` (every vouch export does), so a file that
    /// is not one is refused before anything is written. A failure part-way
    /// leaves what was loaded so far: import into a fresh data dir.
    pub fn import_from(&self, input: impl std::io::Read) -> Result<DumpCounts, StoreError> {
        if !self.is_empty() {
            return Err(StoreError::NotEmpty);
        }
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(256 * 1024, input));
        let mut loader = Loader { store: self, header: Header::default(), counts: DumpCounts::default(), failed: None };
        let read = (&mut de).deserialize_map(&mut loader).and_then(|()| de.end());
        if let Some(e) = loader.failed.take() {
            return Err(e);
        }
        read.map_err(|e| StoreError::NotAnExport(e.to_string()))?;
        if loader.header.format.is_none() {
            return Err(StoreError::NotAnExport("it has no format".into()));
        }
        Ok(loader.counts)
    }
}

#[derive(Default)]
struct Header {
    format: Option<String>,
    schema_version: Option<u32>,
}

/// Reads the export's top-level object key by key, writing each list as it
/// arrives. Store errors are kept aside (serde's errors are strings).
struct Loader<'a> {
    store: &'a Store,
    header: Header,
    counts: DumpCounts,
    failed: Option<StoreError>,
}

impl Loader<'_> {
    fn check_header(&self) -> Result<(), StoreError> {
        match (&self.header.format, self.header.schema_version) {
            (Some(format), _) if format != FORMAT => Err(StoreError::NotAnExport(format!("its format is {format:?}"))),
            (Some(_), Some(found)) if found > SCHEMA_VERSION => {
                Err(StoreError::NewerSchema { found, supported: SCHEMA_VERSION })
            }
            (Some(_), Some(_)) => Ok(()),
            _ => Err(StoreError::NotAnExport("format and schema_version must come first".into())),
        }
    }

    fn list<'de, A, T>(
        &mut self,
        map: &mut A,
        put: impl Fn(&WriteTx<'_>, &T) -> Result<(), StoreError>,
    ) -> Result<u64, A::Error>
    where
        A: MapAccess<'de>,
        T: DeserializeOwned,
    {
        if let Err(e) = self.check_header() {
            return Err(self.fail(e));
        }
        let seed = Chunks { store: self.store, put, failed: &mut self.failed, kind: PhantomData };
        map.next_value_seed(seed)
    }

    fn fail<E: serde::de::Error>(&mut self, e: StoreError) -> E {
        let message = e.to_string();
        self.failed = Some(e);
        E::custom(message)
    }
}

impl<'de> Visitor<'de> for &mut Loader<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a vouch export object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => self.header.format = Some(map.next_value()?),
                "schema_version" => self.header.schema_version = Some(map.next_value()?),
                "counters" => {
                    self.list(&mut map, |tx, (name, value): &(String, u64)| tx.raise_counter(name, *value))?;
                }
                "members" => self.counts.members = self.list(&mut map, |tx, m| tx.put_member(m))?,
                "identities" => drop(self.list(&mut map, |tx, i| tx.put_identity(i))?),
                "programs" => drop(self.list(&mut map, |tx, p| tx.put_program(p))?),
                "codes" => drop(self.list(&mut map, |tx, c| tx.put_code(c))?),
                "referrals" => self.counts.referrals = self.list(&mut map, |tx, r| tx.put_referral(r))?,
                "rewards" => self.counts.rewards = self.list(&mut map, |tx, w| tx.put_reward(w))?,
                "surveys" => drop(self.list(&mut map, |tx, s| tx.put_survey(s))?),
                "outbox" => drop(self.list(&mut map, |tx, o| tx.put_outbox(o))?),
                "inbound" => drop(self.list(&mut map, |tx, i| tx.put_inbound(i))?),
                "link_codes" => drop(self.list(&mut map, |tx, l| tx.put_link_code(l))?),
                "events" => drop(self.list(&mut map, |tx, e| tx.put_event(e))?),
                "rsvps" => drop(self.list(&mut map, |tx, r| tx.put_rsvp(r))?),
                "wishes" => drop(self.list(&mut map, |tx, w: &crate::Wish| tx.put_wish(w))?),
                "due" => drop(self.list(&mut map, |tx, d| tx.put_due(d))?),
                "invites" => drop(self.list(&mut map, |tx, i| tx.put_invite(i))?),
                "webhooks" => drop(self.list(&mut map, |tx, w: &crate::WebhookEndpoint| tx.put_webhook(w))?),
                "clicks" => drop(self.list(&mut map, |tx, c: &crate::Click| tx.put_click(c).map(drop))?),
                "api_keys" => drop(self.list(&mut map, |tx, k: &crate::ApiKey| tx.put_api_key(k))?),
                "external_ids" => drop(self.list(&mut map, |tx, r: &crate::ExternalRef| tx.put_external_ref(r))?),
                "link_secret" => {
                    if let Err(e) = self.check_header() {
                        return Err(self.fail(e));
                    }
                    // A fresh store may already have made a key of its own; nothing
                    // was signed with it that matters, while the backup's links are in mail.
                    if let Some(secret) = map.next_value::<Option<LinkSecret>>()?
                        && let Err(e) = self.store.write(|tx| tx.put_link_secret(&secret))
                    {
                        return Err(self.fail(e));
                    }
                }
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(())
    }
}

/// One list of the export, written [`IMPORT_CHUNK`] entities per transaction.
struct Chunks<'a, 'f, T, F> {
    store: &'a Store,
    put: F,
    failed: &'f mut Option<StoreError>,
    kind: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for Chunks<'_, '_, T, F>
where
    T: DeserializeOwned,
    F: Fn(&WriteTx<'_>, &T) -> Result<(), StoreError>,
{
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T, F> Visitor<'de> for Chunks<'_, '_, T, F>
where
    T: DeserializeOwned,
    F: Fn(&WriteTx<'_>, &T) -> Result<(), StoreError>,
{
    type Value = u64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of entities")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        let mut chunk: Vec<T> = Vec::with_capacity(IMPORT_CHUNK);
        let mut count = 0u64;
        loop {
            let next = seq.next_element::<T>()?;
            let done = next.is_none();
            chunk.extend(next);
            if chunk.len() >= IMPORT_CHUNK || (done && !chunk.is_empty()) {
                let wrote = self.store.write(|tx| chunk.iter().try_for_each(|item| (self.put)(tx, item)));
                if let Err(e) = wrote {
                    let message = e.to_string();
                    *self.failed = Some(e);
                    return Err(serde::de::Error::custom(message));
                }
                count += chunk.len() as u64;
                chunk.clear();
            }
            if done {
                return Ok(count);
            }
        }
    }
}
