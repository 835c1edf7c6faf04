//! Aggregates kept in the same transaction as the referral or reward they
//! count, so `report`, `leaderboard` and `referrals` read a few keys instead
//! of every referral (the store grows to a million; those views stay small).
//!
//! Every key in the `stats` tree is derived from the referral and reward
//! entities: `put_referral`/`put_reward` take the old entity's contribution
//! off and add the new one's, and `doctor` recomputes the whole tree from the
//! entities (so `--repair` rebuilds it, and a store from before it existed
//! gets it on open). Keys:
//!
//! - `m` month(6) program(8) state: referrals created that month (UTC) in
//!   that state now: `[count, value in cents, how many have a value]`;
//! - `w` month(6) program(8): converted referrals by the month they first
//!   converted: the same three numbers;
//! - `c` month(6) program(8) status: reward entries of referrals created
//!   that month: `[cost in cents, entries, 0]`;
//! - `l` bucket `|` referrer(8): per leaderboard period (`A` all time,
//!   `Y2026`, `Q2026-4`, `M2026-12`, by the referral's creation), the
//!   referrer's `[referred, converted, 0]`, rejected referrals left out;
//! - `k` `A|` !converted(8) !referred(8) referrer(8): the all-time counts
//!   as a ranking, best first in key order (a period's few active referrers
//!   are ranked when read);
//! - `s` state `|` referral(8): referrals by state, for listing one state.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::read::Read;
use crate::tree::TreeName;
use crate::*;

/// Three numbers per key (their meaning depends on the key, see above).
pub type Counts = [i64; 3];

pub(crate) fn encode_counts(c: Counts) -> Vec<u8> {
    c.iter().flat_map(|n| n.to_be_bytes()).collect()
}

pub(crate) fn decode_counts(bytes: &[u8]) -> Result<Counts, StoreError> {
    if bytes.len() != 24 {
        return Err(StoreError::Corrupt(format!("stats: a value of {} bytes", bytes.len())));
    }
    let mut out = [0i64; 3];
    for (i, n) in out.iter_mut().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
        *n = i64::from_be_bytes(b);
    }
    Ok(out)
}

/// `YYYYMM` of a moment, in UTC.
pub(crate) fn month_key(t: Timestamp) -> [u8; 6] {
    let mut out = [0u8; 6];
    let text = format!("{:04}{:02}", t.year().clamp(0, 9999), t.month());
    out.copy_from_slice(&text.as_bytes()[..6]);
    out
}

pub(crate) fn parse_month(bytes: &[u8]) -> Option<(i32, u32)> {
    let text = std::str::from_utf8(bytes.get(..6)?).ok()?;
    Some((text[..4].parse().ok()?, text[4..].parse().ok()?))
}

/// A leaderboard period, as `leaderboard` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaderBucket {
    All,
    Year(i32),
    Quarter(i32, u32),
    Month(i32, u32),
}

impl LeaderBucket {
    fn key(self) -> String {
        match self {
            LeaderBucket::All => "A".into(),
            LeaderBucket::Year(y) => format!("Y{y:04}"),
            LeaderBucket::Quarter(y, q) => format!("Q{y:04}-{q}"),
            LeaderBucket::Month(y, m) => format!("M{y:04}-{m:02}"),
        }
    }

    /// The buckets a referral created at `t` counts in.
    fn of(t: Timestamp) -> [LeaderBucket; 4] {
        let (y, m) = (t.year(), t.month());
        [LeaderBucket::All, LeaderBucket::Year(y), LeaderBucket::Quarter(y, (m - 1) / 3 + 1), LeaderBucket::Month(y, m)]
    }
}

/// What one entity adds to the tree.
#[derive(Default)]
struct Contribution {
    counters: Vec<(Vec<u8>, Counts)>,
    marks: Vec<Vec<u8>>,
    /// (bucket, referrer, [referred, converted, 0])
    leader: Vec<(LeaderBucket, MemberId, Counts)>,
}

fn converted_at(r: &Referral) -> Option<Timestamp> {
    r.history.iter().find(|h| h.state == ReferralState::Converted).map(|h| h.at)
}

fn of_referral(r: &Referral) -> Contribution {
    let month = month_key(r.created_at);
    let value = r.value.map_or(0, |v| v.cents());
    let valued = i64::from(r.value.is_some());
    let mut c = Contribution::default();
    let mut m = vec![b'm'];
    m.extend_from_slice(&month);
    m.extend_from_slice(&r.program.to_key());
    m.extend_from_slice(r.state.as_str().as_bytes());
    c.counters.push((m, [1, value, valued]));
    if r.state.is_converted()
        && let Some(at) = converted_at(r)
    {
        let mut w = vec![b'w'];
        w.extend_from_slice(&month_key(at));
        w.extend_from_slice(&r.program.to_key());
        c.counters.push((w, [1, value, valued]));
    }
    let mut s = vec![b's'];
    s.extend_from_slice(r.state.as_str().as_bytes());
    s.push(b'|');
    s.extend_from_slice(&r.id.to_key());
    c.marks.push(s);
    if r.state != ReferralState::Rejected {
        let won = i64::from(r.state.is_converted());
        for bucket in LeaderBucket::of(r.created_at) {
            c.leader.push((bucket, r.referrer, [1, won, 0]));
        }
    }
    c
}

fn of_reward(w: &RewardEntry, referral_created: Timestamp) -> Contribution {
    let mut key = vec![b'c'];
    key.extend_from_slice(&month_key(referral_created));
    key.extend_from_slice(&w.program.to_key());
    key.extend_from_slice(w.status.as_str().as_bytes());
    Contribution { counters: vec![(key, [w.cost.cents(), 1, 0])], ..Default::default() }
}

fn leader_key(bucket: LeaderBucket, member: MemberId) -> Vec<u8> {
    let mut k = vec![b'l'];
    k.extend_from_slice(bucket.key().as_bytes());
    k.push(b'|');
    k.extend_from_slice(&member.to_key());
    k
}

fn rank_key(bucket: LeaderBucket, member: MemberId, counts: Counts) -> Vec<u8> {
    let mut k = vec![b'k'];
    k.extend_from_slice(bucket.key().as_bytes());
    k.push(b'|');
    // Descending by converted, then referred: complements sort first.
    k.extend_from_slice(&(!(counts[1].max(0) as u64)).to_be_bytes());
    k.extend_from_slice(&(!(counts[0].max(0) as u64)).to_be_bytes());
    k.extend_from_slice(&member.to_key());
    k
}

fn add(a: Counts, b: Counts, sign: i64) -> Counts {
    [a[0] + sign * b[0], a[1] + sign * b[1], a[2] + sign * b[2]]
}

impl WriteTx<'_> {
    fn counts(&self, key: &[u8]) -> Result<Counts, StoreError> {
        self.get_raw(TreeName::Stats, key)?.map_or(Ok([0; 3]), |v| decode_counts(&v))
    }

    fn set_counts(&self, key: &[u8], c: Counts) -> Result<(), StoreError> {
        if c == [0; 3] {
            self.remove_raw(TreeName::Stats, key)
        } else {
            self.insert_raw(TreeName::Stats, key, &encode_counts(c))
        }
    }

    fn apply(&self, c: &Contribution, sign: i64) -> Result<(), StoreError> {
        for (key, delta) in &c.counters {
            let now = add(self.counts(key)?, *delta, sign);
            self.set_counts(key, now)?;
        }
        for mark in &c.marks {
            if sign > 0 {
                self.insert_raw(TreeName::Stats, mark, b"")?;
            } else {
                self.remove_raw(TreeName::Stats, mark)?;
            }
        }
        for (bucket, member, delta) in &c.leader {
            let key = leader_key(*bucket, *member);
            let before = self.counts(&key)?;
            let after = add(before, *delta, sign);
            if *bucket == LeaderBucket::All && before != [0; 3] {
                self.remove_raw(TreeName::Stats, &rank_key(*bucket, *member, before))?;
            }
            if *bucket == LeaderBucket::All && after != [0; 3] {
                self.insert_raw(TreeName::Stats, &rank_key(*bucket, *member, after), b"")?;
            }
            self.set_counts(&key, after)?;
        }
        Ok(())
    }

    /// Called by `put_referral` before the new value is written.
    pub(crate) fn count_referral(&self, new: &Referral) -> Result<(), StoreError> {
        if let Some(old) = self.referral(new.id)? {
            self.apply(&of_referral(&old), -1)?;
        }
        self.apply(&of_referral(new), 1)
    }

    /// Called by `put_reward` before the new value is written.
    pub(crate) fn count_reward(&self, new: &RewardEntry) -> Result<(), StoreError> {
        let created = |w: &RewardEntry| -> Result<Timestamp, StoreError> {
            Ok(self.referral(w.referral)?.map_or(w.created_at, |r| r.created_at))
        };
        if let Some(old) = self.reward(new.id)? {
            self.apply(&of_reward(&old, created(&old)?), -1)?;
        }
        self.apply(&of_reward(new, created(new)?), 1)
    }
}

/// The whole `stats` tree as the entities say it should be (for `doctor`
/// and for building it in a store from before it existed).
pub(crate) fn expected(referrals: &[Referral], rewards: &[RewardEntry]) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut counters: BTreeMap<Vec<u8>, Counts> = BTreeMap::new();
    let mut leaders: BTreeMap<(String, MemberId), (LeaderBucket, Counts)> = BTreeMap::new();
    let mut out = BTreeMap::new();
    let mut take = |c: Contribution, out: &mut BTreeMap<Vec<u8>, Vec<u8>>| {
        for (key, delta) in c.counters {
            let slot = counters.entry(key).or_insert([0; 3]);
            *slot = add(*slot, delta, 1);
        }
        for mark in c.marks {
            out.insert(mark, Vec::new());
        }
        for (bucket, member, delta) in c.leader {
            let slot = leaders.entry((bucket.key(), member)).or_insert((bucket, [0; 3]));
            slot.1 = add(slot.1, delta, 1);
        }
    };
    let created: BTreeMap<ReferralId, Timestamp> = referrals.iter().map(|r| (r.id, r.created_at)).collect();
    for r in referrals {
        take(of_referral(r), &mut out);
    }
    for w in rewards {
        take(of_reward(w, created.get(&w.referral).copied().unwrap_or(w.created_at)), &mut out);
    }
    for (key, counts) in counters.into_iter().filter(|(_, c)| *c != [0; 3]) {
        out.insert(key, encode_counts(counts));
    }
    for ((_, member), (bucket, counts)) in leaders.into_iter().filter(|(_, (_, c))| *c != [0; 3]) {
        out.insert(leader_key(bucket, member), encode_counts(counts));
        if bucket == LeaderBucket::All {
            out.insert(rank_key(bucket, member, counts), Vec::new());
        }
    }
    out
}

/// Referrals created in one month and program, in one state now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateCount {
    pub month: (i32, u32),
    pub program: ProgramId,
    pub state: ReferralState,
    pub count: u64,
    /// The sum of their values, and how many have one.
    pub value: Money,
    pub valued: u64,
}

/// Converted referrals by the month they converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConversionCount {
    pub month: (i32, u32),
    pub program: ProgramId,
    pub count: u64,
    pub value: Money,
}

/// Reward entries of referrals created in one month and program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostCount {
    pub month: (i32, u32),
    pub program: ProgramId,
    pub status: RewardStatus,
    pub cost: Money,
    pub entries: u64,
}

/// One row of a leaderboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leader {
    pub member: MemberId,
    pub referred: u64,
    pub converted: u64,
}

fn reward_status(s: &str) -> Option<RewardStatus> {
    [RewardStatus::Pending, RewardStatus::Approved, RewardStatus::Paid, RewardStatus::Void]
        .into_iter()
        .find(|x| x.as_str() == s)
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Reads of the aggregates, for the committed store and a transaction alike.
pub trait StatsRead: Read {
    /// Every (month, program, state) count: a few keys per month and program.
    fn state_counts(&self) -> Result<Vec<StateCount>, StoreError> {
        let mut out = Vec::new();
        for (k, v) in self.scan_prefix_raw(TreeName::Stats, b"m")? {
            let c = decode_counts(&v)?;
            let (Some(month), Some(program), Some(state)) = (
                parse_month(&k[1..]),
                k.get(7..15).and_then(ProgramId::from_key),
                k.get(15..).and_then(|s| std::str::from_utf8(s).ok()).and_then(|s| s.parse().ok()),
            ) else {
                return Err(StoreError::Corrupt("stats: a malformed state count".into()));
            };
            out.push(StateCount {
                month,
                program,
                state,
                count: unsigned(c[0]),
                value: Money(c[1]),
                valued: unsigned(c[2]),
            });
        }
        Ok(out)
    }

    fn conversion_counts(&self) -> Result<Vec<ConversionCount>, StoreError> {
        let mut out = Vec::new();
        for (k, v) in self.scan_prefix_raw(TreeName::Stats, b"w")? {
            let c = decode_counts(&v)?;
            let (Some(month), Some(program)) = (parse_month(&k[1..]), k.get(7..15).and_then(ProgramId::from_key))
            else {
                return Err(StoreError::Corrupt("stats: a malformed conversion count".into()));
            };
            out.push(ConversionCount { month, program, count: unsigned(c[0]), value: Money(c[1]) });
        }
        Ok(out)
    }

    fn cost_counts(&self) -> Result<Vec<CostCount>, StoreError> {
        let mut out = Vec::new();
        for (k, v) in self.scan_prefix_raw(TreeName::Stats, b"c")? {
            let c = decode_counts(&v)?;
            let (Some(month), Some(program), Some(status)) = (
                parse_month(&k[1..]),
                k.get(7..15).and_then(ProgramId::from_key),
                k.get(15..).and_then(|s| std::str::from_utf8(s).ok()).and_then(reward_status),
            ) else {
                return Err(StoreError::Corrupt("stats: a malformed cost".into()));
            };
            out.push(CostCount { month, program, status, cost: Money(c[0]), entries: unsigned(c[1]) });
        }
        Ok(out)
    }

    /// The best `n` referrers of a period: converted, then referred, then
    /// the earlier member first.
    fn leaders(&self, bucket: LeaderBucket, n: usize) -> Result<Vec<Leader>, StoreError> {
        if bucket != LeaderBucket::All {
            // A period's referrers only (those active in it), ranked here:
            // one ranking kept for all time costs fewer writes per referral
            // than one per period.
            let mut prefix = vec![b'l'];
            prefix.extend_from_slice(bucket.key().as_bytes());
            prefix.push(b'|');
            let mut rows = Vec::new();
            for (k, v) in self.scan_prefix_raw(TreeName::Stats, &prefix)? {
                let Some(member) = k.get(prefix.len()..).and_then(MemberId::from_key) else {
                    return Err(StoreError::Corrupt("stats: a malformed leaderboard entry".into()));
                };
                let c = decode_counts(&v)?;
                rows.push(Leader { member, referred: unsigned(c[0]), converted: unsigned(c[1]) });
            }
            rows.sort_by(|a, b| (b.converted, b.referred, a.member).cmp(&(a.converted, a.referred, b.member)));
            rows.truncate(n);
            return Ok(rows);
        }
        let mut prefix = vec![b'k'];
        prefix.extend_from_slice(bucket.key().as_bytes());
        prefix.push(b'|');
        let mut out = Vec::new();
        for (k, _) in self.scan_prefix_limited(TreeName::Stats, &prefix, n, false)? {
            let rest = &k[prefix.len()..];
            let (Some(converted), Some(referred), Some(member)) =
                (rest.get(..8), rest.get(8..16), rest.get(16..24).and_then(MemberId::from_key))
            else {
                return Err(StoreError::Corrupt("stats: a malformed ranking".into()));
            };
            let number = |b: &[u8]| !u64::from_be_bytes(b.try_into().unwrap_or([0xff; 8]));
            out.push(Leader { member, converted: number(converted), referred: number(referred) });
        }
        Ok(out)
    }

    /// The newest `n` referrals, of one state or all.
    fn latest_referrals(&self, state: Option<ReferralState>, n: usize) -> Result<Vec<Referral>, StoreError> {
        let ids: Vec<Vec<u8>> = match state {
            None => self
                .scan_prefix_limited(TreeName::Referrals, b"", n, true)?
                .into_iter()
                .map(|(k, _)| k.to_vec())
                .collect(),
            Some(s) => {
                let mut prefix = vec![b's'];
                prefix.extend_from_slice(s.as_str().as_bytes());
                prefix.push(b'|');
                self.scan_prefix_limited(TreeName::Stats, &prefix, n, true)?
                    .into_iter()
                    .map(|(k, _)| k[prefix.len()..].to_vec())
                    .collect()
            }
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(r) = ReferralId::from_key(&id).map(|id| self.referral(id)).transpose()?.flatten() {
                out.push(r);
            }
        }
        Ok(out)
    }
}

impl<T: Read + ?Sized> StatsRead for T {}
