//! Clicks on share links (`GET /r/CODE`): one record per counted visit, an
//! index by code, and aggregates kept in the same write (so `mine` and
//! `report` read a few keys, never every click).
//!
//! The visitor is an opaque hash (an HMAC of IP, user agent and UTC day made
//! by the engine); no raw IP or user agent is ever stored. Every counted
//! click is kept; the first click of a visitor on a code (the hash already
//! changes with the day) is also a unique visitor. Keys of `click_stats`:
//!
//! - `p` month(6) program(8): `[clicks, unique visitors, 0]` by click month (UTC);
//! - `c` code: `[clicks, unique visitors, 0]` all time;
//! - `v` code `|` visitor: the first click of that visitor on that code
//!   (its id), so a repeat the same day is not unique again.
//!
//! Clicks never change once written. All of `click_stats` and
//! `clicks_by_code` is derived: `doctor` recomputes both from the clicks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::read::Read;
use crate::stats::{Counts, decode_counts, encode_counts, month_key, parse_month};
use crate::tree::TreeName;
use crate::write::WriteTx;
use crate::*;

/// One counted visit of a share link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Click {
    pub id: ClickId,
    pub code: ReferralCode,
    pub program: ProgramId,
    /// The code's owner, the member who shared the link.
    pub member: MemberId,
    pub at: Timestamp,
    /// Hex HMAC-SHA256 of IP, user agent and UTC day under the server's
    /// click key: the same person the same day hashes the same, nobody
    /// can get the IP back.
    pub visitor: String,
    /// The host of the `Referer`, if the browser sent one (never the path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

/// Clicks and unique visitors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClickCount {
    pub clicks: u64,
    pub visitors: u64,
}

/// Clicks of one program in one month (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClickMonth {
    pub month: (i32, u32),
    pub program: ProgramId,
    pub count: ClickCount,
}

fn month_program_key(at: Timestamp, program: ProgramId) -> Vec<u8> {
    let mut k = vec![b'p'];
    k.extend_from_slice(&month_key(at));
    k.extend_from_slice(&program.to_key());
    k
}

fn code_key(code: &ReferralCode) -> Vec<u8> {
    let mut k = vec![b'c'];
    k.extend_from_slice(code.as_str().as_bytes());
    k
}

fn visitor_key(code: &ReferralCode, visitor: &str) -> Vec<u8> {
    let mut k = vec![b'v'];
    k.extend_from_slice(code.as_str().as_bytes());
    k.push(b'|');
    k.extend_from_slice(visitor.as_bytes());
    k
}

/// Code, then time, then id: a code's clicks in time order.
pub(crate) fn by_code_key(c: &Click) -> Vec<u8> {
    let ms = c.at.timestamp_millis().max(0) as u64;
    let mut k = c.code.as_str().as_bytes().to_vec();
    k.extend_from_slice(&ms.to_be_bytes());
    k.extend_from_slice(&c.id.to_key());
    k
}

fn count(c: ClickCount) -> Counts {
    [i64::try_from(c.clicks).unwrap_or(i64::MAX), i64::try_from(c.visitors).unwrap_or(i64::MAX), 0]
}

fn uncount(c: Counts) -> ClickCount {
    ClickCount { clicks: u64::try_from(c[0]).unwrap_or(0), visitors: u64::try_from(c[1]).unwrap_or(0) }
}

impl WriteTx<'_> {
    /// Records a click with its index and aggregates. Returns whether it is
    /// a unique visitor (the visitor's first click on this code that day).
    /// A click already stored (an import over data it came from) counts
    /// nothing again.
    pub fn put_click(&self, c: &Click) -> Result<bool, StoreError> {
        if self.click(c.id)?.is_some() {
            return Ok(false);
        }
        let seen = visitor_key(&c.code, &c.visitor);
        let unique = self.get_raw(TreeName::ClickStats, &seen)?.is_none();
        if unique {
            self.insert_raw(TreeName::ClickStats, &seen, &c.id.to_key())?;
        }
        let add = ClickCount { clicks: 1, visitors: u64::from(unique) };
        for key in [month_program_key(c.at, c.program), code_key(&c.code)] {
            let now = self.get_raw(TreeName::ClickStats, &key)?.map(|v| decode_counts(&v)).transpose()?;
            let mut total = now.map(uncount).unwrap_or_default();
            total.clicks += add.clicks;
            total.visitors += add.visitors;
            self.insert_raw(TreeName::ClickStats, &key, &encode_counts(count(total)))?;
        }
        self.insert_raw(TreeName::ClicksByCode, &by_code_key(c), b"")?;
        self.insert_raw(TreeName::Clicks, &c.id.to_key(), &crate::tree::encode(c)?)?;
        Ok(unique)
    }
}

/// The whole `click_stats` tree as the clicks say it should be (`doctor`).
pub(crate) fn expected(clicks: &[Click]) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut sorted: Vec<&Click> = clicks.iter().collect();
    sorted.sort_by_key(|c| c.id);
    let mut out = BTreeMap::new();
    let mut totals: BTreeMap<Vec<u8>, ClickCount> = BTreeMap::new();
    for c in sorted {
        let seen = visitor_key(&c.code, &c.visitor);
        let unique = !out.contains_key(&seen);
        if unique {
            out.insert(seen, c.id.to_key().to_vec());
        }
        for key in [month_program_key(c.at, c.program), code_key(&c.code)] {
            let t = totals.entry(key).or_default();
            t.clicks += 1;
            t.visitors += u64::from(unique);
        }
    }
    out.extend(totals.into_iter().map(|(k, c)| (k, encode_counts(count(c)))));
    out
}

/// Reads of clicks, for the committed store and a transaction alike.
pub trait ClickRead: Read {
    /// A click by id (what `vouch_click` carries to the destination).
    fn click(&self, id: ClickId) -> Result<Option<Click>, StoreError> {
        self.get(TreeName::Clicks, &id.to_key())
    }

    /// All-time clicks and unique visitors of a code.
    fn clicks_of_code(&self, code: &ReferralCode) -> Result<ClickCount, StoreError> {
        Ok(self
            .get_raw(TreeName::ClickStats, &code_key(code))?
            .map(|v| decode_counts(&v))
            .transpose()?
            .map(uncount)
            .unwrap_or_default())
    }

    /// Clicks per program and month: a few keys per month and program.
    fn click_months(&self) -> Result<Vec<ClickMonth>, StoreError> {
        let mut out = Vec::new();
        for (k, v) in self.scan_prefix_raw(TreeName::ClickStats, b"p")? {
            let (Some(month), Some(program)) = (parse_month(&k[1..]), k.get(7..15).and_then(ProgramId::from_key))
            else {
                return Err(StoreError::Corrupt("click_stats: a malformed month count".into()));
            };
            out.push(ClickMonth { month, program, count: uncount(decode_counts(&v)?) });
        }
        Ok(out)
    }

    /// The newest `limit` clicks of a code, newest first.
    fn recent_clicks(&self, code: &ReferralCode, limit: usize) -> Result<Vec<Click>, StoreError> {
        let mut out = Vec::new();
        for (k, _) in self.scan_prefix_limited(TreeName::ClicksByCode, code.as_str().as_bytes(), limit, true)? {
            let id = k.get(k.len().saturating_sub(8)..).and_then(ClickId::from_key);
            if let Some(c) = id.map(|id| self.click(id)).transpose()?.flatten() {
                out.push(c);
            }
        }
        Ok(out)
    }

    fn clicks(&self) -> Result<Vec<Click>, StoreError> {
        self.scan_values(TreeName::Clicks, b"")
    }
}

impl<T: Read + ?Sized> ClickRead for T {}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(id: u64, code: &ReferralCode, visitor: &str, at: Timestamp) -> Click {
        Click {
            id: ClickId(id),
            code: code.clone(),
            program: ProgramId(1),
            member: MemberId(1),
            at,
            visitor: visitor.into(),
            referrer: None,
        }
    }

    #[test]
    fn clicks_count_with_unique_visitors_and_doctor_agrees() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let code = ReferralCode::parse("7k3m9qxp").expect("code");
        let other = ReferralCode::parse("22223333").expect("code");
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z").expect("time").to_utc();
        let uniques = store
            .write(|tx| {
                let mut out = Vec::new();
                for (id, code, visitor) in [(1, &code, "a"), (2, &code, "a"), (3, &code, "b"), (4, &other, "a")] {
                    out.push(tx.put_click(&click(id, code, visitor, at))?);
                }
                // Stored once: writing it again counts nothing.
                out.push(tx.put_click(&click(1, &code, "a", at))?);
                tx.raise_counter("click", 4)?;
                Ok::<_, StoreError>(out)
            })
            .expect("write");
        assert_eq!(uniques, [true, false, true, true, false]);
        assert_eq!(store.clicks_of_code(&code).expect("read"), ClickCount { clicks: 3, visitors: 2 });
        assert_eq!(store.clicks_of_code(&other).expect("read"), ClickCount { clicks: 1, visitors: 1 });
        let months = store.click_months().expect("months");
        assert_eq!(months.len(), 1);
        assert_eq!((months[0].month, months[0].count), ((2026, 11), ClickCount { clicks: 4, visitors: 3 }));
        let recent = store.recent_clicks(&code, 2).expect("recent");
        assert_eq!(recent.iter().map(|c| c.id.0).collect::<Vec<_>>(), [3, 2]);
        // Indexes and counters match; the only finding is the program the
        // clicks name, which this store never had.
        let report = store.doctor(false).expect("doctor");
        let dangling = |r: &DoctorReport| {
            r.problems.iter().filter(|p| p.kind == ProblemKind::Dangling && p.tree == "clicks").count()
        };
        assert_eq!((dangling(&report), report.problems.len()), (4, 4), "{report:?}");
        // A lost aggregate is found and rebuilt.
        store.write(|tx| tx.remove_raw(TreeName::ClickStats, &code_key(&code))).expect("damage");
        let report = store.doctor(true).expect("doctor");
        assert!(report.problems.iter().any(|p| p.tree == "click_stats") && report.repaired, "{report:?}");
        assert_eq!(store.clicks_of_code(&code).expect("read"), ClickCount { clicks: 3, visitors: 2 });
    }
}
