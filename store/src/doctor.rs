//! `vouch doctor`: verifies a store and rebuilds what can be rebuilt.
//!
//! Every value of every tree is decoded and checked against its key; every
//! index is recomputed from its entities (with the same key functions the
//! writes use) and compared entry by entry; id counters must be ahead of the
//! ids in use; references between entities must resolve. Index entries and
//! counters are derived data, so `repair` rewrites them from the entities.
//! Entities themselves are never guessed at: a damaged or duplicated entity
//! is reported, and the way back is a restore from a backup.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::tree::{TreeName, decode, key2};
use crate::write::{due_key, recipient_key};
use crate::*;

/// What is wrong with one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The value does not decode (damaged bytes, unknown codec version).
    Undecodable,
    /// The entity decodes but is stored under another key than its own.
    Misfiled,
    /// Two entities where the rules allow one (a member referred twice into a program).
    Duplicate,
    /// An entity points at another that does not exist.
    Dangling,
    /// An index lacks an entry for an entity, or the entry points elsewhere.
    MissingIndex,
    /// An index entry with no entity behind it.
    StaleIndex,
    /// An id counter behind the ids in use: the next id would collide.
    Counter,
}

impl ProblemKind {
    /// Index entries and counters are derived from entities and can be rebuilt.
    pub fn repairable(self) -> bool {
        matches!(self, ProblemKind::MissingIndex | ProblemKind::StaleIndex | ProblemKind::Counter)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Undecodable => "undecodable",
            ProblemKind::Misfiled => "misfiled",
            ProblemKind::Duplicate => "duplicate",
            ProblemKind::Dangling => "dangling reference",
            ProblemKind::MissingIndex => "missing index entry",
            ProblemKind::StaleIndex => "stale index entry",
            ProblemKind::Counter => "counter behind",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub tree: String,
    pub kind: ProblemKind,
    pub detail: String,
}

/// The outcome of a check (and, with repair, of the repair).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorReport {
    /// Entries per tree, in [`TreeName::ALL`] order.
    pub counts: Vec<(String, usize)>,
    /// Everything found wrong, before any repair.
    pub problems: Vec<Problem>,
    /// Whether the repairable problems were fixed (in one transaction).
    pub repaired: bool,
    /// Why a repair was asked for but not done.
    pub repair_refused: Option<String>,
}

impl DoctorReport {
    /// Problems still there after this run.
    pub fn remaining(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| !(self.repaired && p.kind.repairable()))
    }

    pub fn healthy(&self) -> bool {
        self.remaining().next().is_none()
    }

    /// Problem counts by tree and kind.
    pub fn summary(&self) -> BTreeMap<(String, ProblemKind), usize> {
        let mut out = BTreeMap::new();
        for p in &self.problems {
            *out.entry((p.tree.clone(), p.kind)).or_default() += 1;
        }
        out
    }
}

/// Index trees (by position in [`TreeName::ALL`]): key -> value as the entities say.
type Expected = BTreeMap<usize, BTreeMap<Vec<u8>, Vec<u8>>>;

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    counts: Vec<(String, usize)>,
}

impl Checker {
    fn problem(&mut self, tree: TreeName, kind: ProblemKind, detail: String) {
        self.problems.push(Problem { tree: tree.as_str().to_string(), kind, detail });
    }

    fn require(&mut self, tree: TreeName, what: String, ok: bool) {
        if !ok {
            self.problem(tree, ProblemKind::Dangling, what);
        }
    }

    /// Decodes every value of an entity tree, checking each is filed under its own key.
    fn entities<T: DeserializeOwned>(
        &mut self,
        tx: &WriteTx<'_>,
        tree: TreeName,
        own_key: impl Fn(&T) -> Vec<u8>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for (key, value) in tx.scan_raw(tree, b"", Bound::Unbounded)? {
            match decode::<T>(tree, &value) {
                Ok(entity) if own_key(&entity) == key.as_ref() => out.push(entity),
                Ok(entity) => {
                    let own = own_key(&entity);
                    self.problem(tree, ProblemKind::Misfiled, format!("key {} holds {}", show(&key), show(&own)));
                }
                Err(e) => self.problem(tree, ProblemKind::Undecodable, format!("key {}: {e}", show(&key))),
            }
        }
        Ok(out)
    }
}

/// A key for people: text when it is text, else hex.
fn show(key: &[u8]) -> String {
    match std::str::from_utf8(key) {
        Ok(s) if s.chars().all(|c| !c.is_control()) => format!("{s:?}"),
        _ => key.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

impl Store {
    /// Checks every tree; with `repair`, rebuilds indexes and counters from
    /// the entities in the same transaction. Runs under the writer lock (so
    /// it sees the state between two commands, pending writes included);
    /// commands wait meanwhile. Repair is refused while any entity is
    /// undecodable or misfiled: rebuilt indexes would silently drop it.
    pub fn doctor(&self, repair: bool) -> Result<DoctorReport, StoreError> {
        self.write(|tx| {
            let mut c = Checker::default();
            for tree in TreeName::ALL {
                let n = tx.scan_raw(tree, b"", Bound::Unbounded)?.len();
                c.counts.push((tree.as_str().to_string(), n));
            }
            let members = c.entities::<Member>(tx, TreeName::Members, |m| m.id.to_key().to_vec())?;
            let identities = c.entities::<Identity>(tx, TreeName::Identities, |i| i.key.to_string().into_bytes())?;
            let programs = c.entities::<Program>(tx, TreeName::Programs, |p| p.id.to_key().to_vec())?;
            let codes = c.entities::<CodeRecord>(tx, TreeName::Codes, |r| r.code.as_str().as_bytes().to_vec())?;
            let referrals = c.entities::<Referral>(tx, TreeName::Referrals, |r| r.id.to_key().to_vec())?;
            let rewards = c.entities::<RewardEntry>(tx, TreeName::Ledger, |w| w.id.to_key().to_vec())?;
            let surveys = c.entities::<SurveyRecord>(tx, TreeName::Surveys, |s| s.id.to_key().to_vec())?;
            let wishes = c.entities::<crate::Wish>(tx, TreeName::Wishes, |w| w.id.to_key().to_vec())?;
            let webhooks = c.entities::<crate::WebhookEndpoint>(tx, TreeName::Webhooks, |w| w.id.to_key().to_vec())?;
            let outbox = c.entities::<OutboxMessage>(tx, TreeName::Outbox, |m| m.id.to_key().to_vec())?;
            c.entities::<InboundRecord>(tx, TreeName::Inbound, |r| r.key.as_bytes().to_vec())?;
            c.entities::<LinkCode>(tx, TreeName::LinkCodes, |l| l.code.as_str().as_bytes().to_vec())?;
            let invites = c.entities::<InviteRecord>(tx, TreeName::Invites, |i| i.code.as_bytes().to_vec())?;
            let clicks = c.entities::<crate::Click>(tx, TreeName::Clicks, |k| k.id.to_key().to_vec())?;
            let api_keys =
                c.entities::<crate::ApiKey>(tx, TreeName::ApiKeys, |k| crate::apikey::api_key_id(k.id).to_vec())?;
            let external_ids =
                c.entities::<crate::ExternalRef>(tx, TreeName::ExternalIds, |r| r.external_id.as_bytes().to_vec())?;
            if let Err(e) = tx.link_secret() {
                // Not derived data: a restore brings the backup's key back.
                c.problem(TreeName::Meta, ProblemKind::Undecodable, format!("link secret: {e}"));
            }
            let damaged = c.problems.len();

            // References between entities.
            let member_ids: BTreeSet<MemberId> = members.iter().map(|m| m.id).collect();
            let program_ids: BTreeSet<ProgramId> = programs.iter().map(|p| p.id).collect();
            let referral_ids: BTreeSet<ReferralId> = referrals.iter().map(|r| r.id).collect();
            for i in &identities {
                c.require(
                    TreeName::Identities,
                    format!("{} -> missing {}", i.key, i.member),
                    member_ids.contains(&i.member),
                );
            }
            for r in &external_ids {
                c.require(
                    TreeName::ExternalIds,
                    format!("{} -> missing {}", r.external_id, r.referral),
                    referral_ids.contains(&r.referral),
                );
            }
            for r in &codes {
                let ok = member_ids.contains(&r.member) || r.revoked;
                c.require(TreeName::Codes, format!("{} -> missing {}", r.code, r.member), ok);
                c.require(
                    TreeName::Codes,
                    format!("{} -> missing {}", r.code, r.program),
                    program_ids.contains(&r.program),
                );
            }
            for r in &referrals {
                for m in [r.referrer, r.referred] {
                    c.require(TreeName::Referrals, format!("{} -> missing {m}", r.id), member_ids.contains(&m));
                }
                c.require(
                    TreeName::Referrals,
                    format!("{} -> missing {}", r.id, r.program),
                    program_ids.contains(&r.program),
                );
            }
            for w in &rewards {
                c.require(
                    TreeName::Ledger,
                    format!("{} -> missing {}", w.id, w.member),
                    member_ids.contains(&w.member),
                );
                c.require(
                    TreeName::Ledger,
                    format!("{} -> missing {}", w.id, w.referral),
                    referral_ids.contains(&w.referral),
                );
            }
            for w in &wishes {
                if let crate::WishState::Met { referral, .. } = &w.state {
                    c.require(
                        TreeName::Wishes,
                        format!("{} -> missing {referral}", w.id),
                        referral_ids.contains(referral),
                    );
                }
            }
            // A click's member may be folded into another by `link` (its codes
            // go with it); its program never goes.
            for k in &clicks {
                c.require(
                    TreeName::Clicks,
                    format!("{} -> missing {}", k.id, k.program),
                    program_ids.contains(&k.program),
                );
            }
            // Surveys and link codes may outlive a member folded into another
            // by `link` (an account with no referral history): not a fault.

            // Indexes, recomputed.
            let mut expected: Expected = BTreeMap::new();
            let mut put = |tree: TreeName, key: Vec<u8>, value: Vec<u8>| {
                expected.entry(tree as usize).or_default().insert(key, value);
            };
            for i in &identities {
                put(TreeName::IdentitiesByMember, key2(&i.member.to_key(), i.key.to_string().as_bytes()), Vec::new());
                if let Some(email) = i.key.email() {
                    put(
                        TreeName::IdentitiesByMailbox,
                        crate::tree::mailbox_key(&email, &i.key.to_string()),
                        Vec::new(),
                    );
                }
            }
            for p in &programs {
                put(TreeName::ProgramsBySlug, p.slug.as_str().as_bytes().to_vec(), p.id.to_key().to_vec());
            }
            // A member may hold several codes for a program (a revoked one and
            // its successor): the index points at the live one, else the newest.
            let mut owned: BTreeMap<(MemberId, ProgramId), &CodeRecord> = BTreeMap::new();
            for r in &codes {
                let slot = owned.entry((r.member, r.program)).or_insert(r);
                if (!r.revoked, r.created_at) > (!slot.revoked, slot.created_at) {
                    *slot = r;
                }
            }
            for ((member, program), r) in &owned {
                put(
                    TreeName::CodesByOwner,
                    key2(&member.to_key(), &program.to_key()),
                    r.code.as_str().as_bytes().to_vec(),
                );
            }
            let mut referred: BTreeMap<(MemberId, ProgramId), ReferralId> = BTreeMap::new();
            for r in &referrals {
                put(TreeName::ReferralsByReferrer, key2(&r.referrer.to_key(), &r.id.to_key()), Vec::new());
                match referred.get(&(r.referred, r.program)) {
                    Some(first) => {
                        let detail = format!("{} referred twice into {} ({first} and {})", r.referred, r.program, r.id);
                        c.problem(TreeName::Referrals, ProblemKind::Duplicate, detail);
                    }
                    None => {
                        referred.insert((r.referred, r.program), r.id);
                        put(
                            TreeName::ReferralsByReferred,
                            key2(&r.referred.to_key(), &r.program.to_key()),
                            r.id.to_key().to_vec(),
                        );
                    }
                }
            }
            for w in &rewards {
                put(TreeName::LedgerByMember, key2(&w.member.to_key(), &w.id.to_key()), Vec::new());
            }
            for (key, value) in crate::stats::expected(&referrals, &rewards) {
                put(TreeName::Stats, key, value);
            }
            for k in &api_keys {
                put(TreeName::ApiKeysByHash, k.hash.0.as_bytes().to_vec(), crate::apikey::api_key_id(k.id).to_vec());
            }
            for i in &invites {
                put(TreeName::InvitesByOwner, crate::write::invite_owner_key(&i.owner, &i.code), Vec::new());
            }
            for k in &clicks {
                put(TreeName::ClicksByCode, crate::click::by_code_key(k), Vec::new());
            }
            for (key, value) in crate::click::expected(&clicks) {
                put(TreeName::ClickStats, key, value);
            }
            for m in outbox.iter().filter(|m| m.state == OutboxState::Pending) {
                put(TreeName::OutboxDue, due_key(m), Vec::new());
                put(TreeName::OutboxPendingByRecipient, recipient_key(&m.to, m.id), Vec::new());
            }
            let indexes = [
                TreeName::IdentitiesByMember,
                TreeName::IdentitiesByMailbox,
                TreeName::ProgramsBySlug,
                TreeName::CodesByOwner,
                TreeName::ReferralsByReferrer,
                TreeName::ReferralsByReferred,
                TreeName::LedgerByMember,
                TreeName::OutboxDue,
                TreeName::OutboxPendingByRecipient,
                TreeName::Stats,
                TreeName::InvitesByOwner,
                TreeName::ClicksByCode,
                TreeName::ClickStats,
                TreeName::ApiKeysByHash,
            ];
            let mut fixes: Vec<(TreeName, Vec<u8>, Option<Vec<u8>>)> = Vec::new();
            for index in indexes {
                let want = expected.remove(&(index as usize)).unwrap_or_default();
                let have: BTreeMap<Vec<u8>, Vec<u8>> = tx
                    .scan_raw(index, b"", Bound::Unbounded)?
                    .into_iter()
                    .map(|(k, v)| (k.to_vec(), v.to_vec()))
                    .collect();
                for (key, value) in &want {
                    match have.get(key) {
                        Some(v) if v == value => {}
                        found => {
                            let detail = match found {
                                None => format!("no entry {}", show(key)),
                                Some(v) => format!("{} points at {} instead of {}", show(key), show(v), show(value)),
                            };
                            c.problem(index, ProblemKind::MissingIndex, detail);
                            fixes.push((index, key.clone(), Some(value.clone())));
                        }
                    }
                }
                for key in have.keys().filter(|k| !want.contains_key(*k)) {
                    c.problem(index, ProblemKind::StaleIndex, format!("entry {}", show(key)));
                    fixes.push((index, key.clone(), None));
                }
            }

            // Counters must be ahead of every id in use.
            let max = |ids: Vec<u64>| ids.into_iter().max().unwrap_or(0);
            let in_use = [
                ("member", max(members.iter().map(|m| m.id.0).collect())),
                ("program", max(programs.iter().map(|p| p.id.0).collect())),
                ("referral", max(referrals.iter().map(|r| r.id.0).collect())),
                ("reward", max(rewards.iter().map(|w| w.id.0).collect())),
                ("survey", max(surveys.iter().map(|s| s.id.0).collect())),
                ("wish", max(wishes.iter().map(|w| w.id.0).collect())),
                ("webhook", max(webhooks.iter().map(|w| w.id.0).collect())),
                ("outbox", max(outbox.iter().map(|m| m.id.0).collect())),
                ("click", max(clicks.iter().map(|k| k.id.0).collect())),
                ("api_key", max(api_keys.iter().map(|k| k.id).collect())),
            ];
            let mut raise = Vec::new();
            for (name, highest) in in_use {
                let counter = match tx.counter(name) {
                    Ok(v) => v,
                    Err(e) => {
                        c.problem(TreeName::Meta, ProblemKind::Undecodable, format!("counter {name}: {e}"));
                        0
                    }
                };
                if counter < highest {
                    c.problem(
                        TreeName::Meta,
                        ProblemKind::Counter,
                        format!("{name} counter {counter}, highest id {highest}"),
                    );
                    raise.push((name, highest));
                }
            }

            let mut report = DoctorReport { counts: c.counts, problems: c.problems, ..DoctorReport::default() };
            let undecodable_meta =
                report.problems.iter().any(|p| p.tree == "meta" && p.kind == ProblemKind::Undecodable);
            if repair && report.problems.iter().any(|p| p.kind.repairable()) {
                if damaged > 0 || undecodable_meta {
                    report.repair_refused = Some(
                        "some entities are damaged; rebuilt indexes would drop them, so restore from a backup instead"
                            .into(),
                    );
                } else {
                    for (tree, key, value) in fixes {
                        match value {
                            Some(v) => tx.insert_raw(tree, &key, &v)?,
                            None => tx.remove_raw(tree, &key)?,
                        }
                    }
                    for (name, value) in raise {
                        tx.raise_counter(name, value)?;
                    }
                    report.repaired = true;
                }
            }
            Ok(report)
        })
    }
}
