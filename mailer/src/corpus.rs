//! Scoring intake against a corpus of real-shaped mail: each `.eml` has a
//! `.json` beside it that states the truth (the client and language that
//! wrote it, the kind vouch should see, the prospects it should find).
//! The forward corpus test and `vouch bench --only ingest` both count with
//! this, so the figures they print are the same.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

use crate::inbound::{self, InboundConfig, Kind};

/// What a corpus message is, from the `.json` beside it.
#[derive(Clone, Debug, Deserialize)]
pub struct Truth {
    pub client: String,
    pub language: String,
    #[serde(default)]
    pub layout: String,
    pub kind: Kind,
    #[serde(default)]
    pub prospects: Vec<TruePerson>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct TruePerson {
    pub name: String,
    pub email: String,
}

/// One message judged.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub correct: bool,
    /// An introduction found where the truth says there is none.
    pub false_introduction: bool,
    /// What vouch saw, when it was wrong.
    pub detail: String,
}

impl Truth {
    pub fn parse(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    pub fn negative(&self) -> bool {
        self.kind != Kind::Introduction
    }
}

/// Extracts `raw` and compares it with `truth`: the kind, and for an
/// introduction every prospect's address and name, in order.
pub fn judge(raw: &[u8], truth: &Truth, config: &InboundConfig) -> Verdict {
    let seen = match inbound::extract(raw, config) {
        Ok(x) => x,
        Err(e) => {
            return Verdict { correct: false, false_introduction: false, detail: format!("refused: {e}") };
        }
    };
    let found: Vec<TruePerson> =
        seen.prospects.iter().map(|p| TruePerson { name: p.name.clone(), email: p.email.clone() }).collect();
    let false_introduction = truth.negative() && seen.kind == Kind::Introduction;
    let correct = seen.kind == truth.kind && (truth.negative() || found == truth.prospects);
    let detail = if correct {
        String::new()
    } else {
        let people: Vec<String> = found.iter().map(|p| format!("{} <{}>", p.name, p.email)).collect();
        format!("{:?} [{}]; {}", seen.kind, people.join(", "), seen.reasons.join("; "))
    };
    Verdict { correct, false_introduction, detail }
}

/// Right and total per client, per language and overall.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub clients: BTreeMap<String, (u32, u32)>,
    pub languages: BTreeMap<String, (u32, u32)>,
    pub right: u32,
    pub total: u32,
    pub negatives: u32,
    pub false_introductions: u32,
}

impl Tally {
    pub fn add(&mut self, truth: &Truth, verdict: &Verdict) {
        let ok = u32::from(verdict.correct);
        for (map, key) in [(&mut self.clients, &truth.client), (&mut self.languages, &truth.language)] {
            let entry = map.entry(key.clone()).or_default();
            entry.0 += ok;
            entry.1 += 1;
        }
        self.right += ok;
        self.total += 1;
        self.negatives += u32::from(truth.negative());
        self.false_introductions += u32::from(verdict.false_introduction);
    }

    pub fn overall(&self) -> f64 {
        share(self.right, self.total)
    }

    /// The lowest-scoring client and its share.
    pub fn worst_client(&self) -> Option<(&str, f64)> {
        worst(&self.clients)
    }

    pub fn worst_language(&self) -> Option<(&str, f64)> {
        worst(&self.languages)
    }

    /// Accuracy per client and per language, then overall.
    pub fn table(&self, title: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{title}: {} messages ({} negatives)", self.total, self.negatives);
        for (heading, map) in [("per client", &self.clients), ("per language", &self.languages)] {
            let _ = writeln!(s, "  {heading}:");
            let cells: Vec<String> = map
                .iter()
                .map(|(k, (right, total))| format!("{k} {:.0}% ({right}/{total})", 100.0 * share(*right, *total)))
                .collect();
            for row in cells.chunks(5) {
                let _ = writeln!(s, "    {}", row.join("  "));
            }
        }
        let _ = writeln!(
            s,
            "  overall {:.1}% ({}/{}), false introductions among negatives: {}",
            100.0 * self.overall(),
            self.right,
            self.total,
            self.false_introductions
        );
        s
    }
}

fn share(right: u32, total: u32) -> f64 {
    if total == 0 { 1.0 } else { f64::from(right) / f64::from(total) }
}

fn worst(map: &BTreeMap<String, (u32, u32)>) -> Option<(&str, f64)> {
    map.iter().map(|(k, (r, t))| (k.as_str(), share(*r, *t))).min_by(|a, b| a.1.total_cmp(&b.1))
}
