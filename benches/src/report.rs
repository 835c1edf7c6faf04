//! The figures of one run, the targets they are held to, and their two
//! renderings: an aligned table for people and one flat JSON object for tools.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::harness::Measurement;
use crate::ingest::{Accuracy, Rate};

/// Everything one `run` measured. JSON keys ending in `_64` describe the
/// many-clients engine run, whose thread count is `clients` (64 by default).
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// Where the scratch directories were created (they are gone now).
    pub dir: PathBuf,
    /// Requested duration of each measurement.
    pub seconds: f64,
    pub clients: usize,
    /// (a) sled insert + flush + fdatasync, one client.
    pub sled_flush: Measurement,
    /// (b) SQLite WAL + synchronous=FULL redeem, `clients` connections.
    pub sqlite: Measurement,
    /// (c) the engine with one client.
    pub engine_1: Measurement,
    /// (c) the engine with `clients` clients.
    pub engine_many: Measurement,
    /// Write transactions per group-commit flush in the many-clients run.
    pub engine_commits_per_flush_64: f64,
    pub engine_flushes_per_op_64: f64,
    /// Average time one command holds the writer lock (logic + commit), µs.
    pub engine_locked_us_per_commit_64: f64,
    /// Of that, inside sled's commit, µs.
    pub engine_sled_commit_us_per_commit_64: f64,
    /// Average duration of one group-commit flush, ms.
    pub engine_flush_ms_64: f64,
    /// (d) messages in the inbound golden set measured below.
    pub email_fixtures: usize,
    /// (d) mail-parser's raw parse of the fixtures, one thread.
    pub mail_parse: Rate,
    /// (d) `vouch ingest`'s work before the store (parse, limits,
    /// classification, extraction) on the same fixtures, one thread.
    pub ingest: Rate,
    pub targets: Vec<Target>,
}

/// One goal the engine's figures are checked against.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    /// The boolean's key in [`BenchReport::to_json`].
    pub key: &'static str,
    pub description: String,
    pub actual: f64,
    pub bound: f64,
    /// True when `actual` must stay below `bound`, false when it must reach it.
    pub below: bool,
    pub met: bool,
}

impl Target {
    fn at_least(key: &'static str, description: String, actual: f64, bound: f64) -> Self {
        Self { key, description, actual, bound, below: false, met: actual >= bound }
    }

    fn below(key: &'static str, description: String, actual: f64, bound: f64) -> Self {
        Self { key, description, actual, bound, below: true, met: actual < bound }
    }
}

pub(crate) fn targets(sled: &Measurement, sqlite: &Measurement, engine_many: &Measurement) -> Vec<Target> {
    let n = engine_many.clients;
    vec![
        Target::at_least(
            "target_engine_5x_sled_met",
            format!("engine ops/s at {n} clients >= 5 x sled fsync floor"),
            engine_many.ops_per_s,
            5.0 * sled.ops_per_s,
        ),
        Target::at_least(
            "target_engine_2x_sqlite_met",
            format!("engine ops/s at {n} clients >= 2 x SQLite"),
            engine_many.ops_per_s,
            2.0 * sqlite.ops_per_s,
        ),
        Target::below(
            "target_engine_p99_under_10ms_met",
            format!("engine p99 at {n} clients < 10 ms"),
            engine_many.p99_ms,
            10.0,
        ),
    ]
}

pub(crate) fn ingest_target(parse: &Rate, ingest: &Rate) -> Target {
    Target::at_least(
        "target_ingest_half_parse_met",
        "ingest msgs/s >= 50% of mail-parser's raw parse".into(),
        ingest.msgs_per_s,
        0.5 * parse.msgs_per_s,
    )
}

/// Intake on the forward corpus: 97% overall, no client or language under
/// 90%, no negative read as an introduction, and its speed there.
pub(crate) fn accuracy_targets(a: &Accuracy) -> Vec<Target> {
    let worst = |w: Option<(&str, f64)>| w.map_or(("-".to_string(), 1.0), |(k, v)| (k.to_string(), v));
    let (client, c) = worst(a.corpus.worst_client());
    let (language, l) = worst(a.corpus.worst_language());
    vec![
        Target::at_least(
            "target_ingest_corpus_half_parse_met",
            "ingest msgs/s on the forward corpus >= 50% of raw parse".into(),
            a.ingest.msgs_per_s,
            0.5 * a.parse.msgs_per_s,
        ),
        Target::at_least(
            "target_forward_accuracy_met",
            "forward corpus accuracy >= 97%".into(),
            100.0 * a.corpus.overall(),
            97.0,
        ),
        Target::at_least("target_worst_client_met", format!("worst client ({client}) >= 90%"), 100.0 * c, 90.0),
        Target::at_least("target_worst_language_met", format!("worst language ({language}) >= 90%"), 100.0 * l, 90.0),
        Target::below(
            "target_no_false_introductions_met",
            "negatives read as introductions < 1".into(),
            f64::from(a.corpus.false_introductions),
            1.0,
        ),
    ]
}

/// The accuracy figures of [`IngestReport`].
#[derive(Clone, Debug, Serialize)]
pub struct AccuracyReport {
    pub corpus_messages: u32,
    pub corpus_accuracy: f64,
    pub worst_client: String,
    pub worst_client_accuracy: f64,
    pub worst_language: String,
    pub worst_language_accuracy: f64,
    pub false_introductions: u32,
    pub heldout_messages: u32,
    pub heldout_accuracy: f64,
    pub heldout_false_introductions: u32,
    pub corpus_parse: Rate,
    pub corpus_ingest: Rate,
    /// Per client and per language, for people.
    #[serde(skip)]
    pub tables: String,
}

impl From<&Accuracy> for AccuracyReport {
    fn from(a: &Accuracy) -> Self {
        let worst = |w: Option<(&str, f64)>| w.map_or(("-".to_string(), 1.0), |(k, v)| (k.to_string(), v));
        let (worst_client, worst_client_accuracy) = worst(a.corpus.worst_client());
        let (worst_language, worst_language_accuracy) = worst(a.corpus.worst_language());
        Self {
            corpus_messages: a.corpus.total,
            corpus_accuracy: a.corpus.overall(),
            worst_client,
            worst_client_accuracy,
            worst_language,
            worst_language_accuracy,
            false_introductions: a.corpus.false_introductions,
            heldout_messages: a.heldout.total,
            heldout_accuracy: a.heldout.overall(),
            heldout_false_introductions: a.heldout.false_introductions,
            corpus_parse: a.parse.clone(),
            corpus_ingest: a.ingest.clone(),
            tables: format!(
                "{}\n{}",
                a.corpus.table("forward corpus (tuned on)"),
                a.heldout.table("held-out set (never tuned on)")
            ),
        }
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 { numerator / denominator } else { 0.0 }
}

impl BenchReport {
    pub fn all_targets_met(&self) -> bool {
        self.targets.iter().all(|t| t.met)
    }

    /// One flat object: every figure as a number, every target as a boolean.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, value: Value| {
            out.insert(key.to_string(), value);
        };
        put("seconds", json!(self.seconds));
        put("clients", json!(self.clients));
        for (prefix, suffix, m) in [
            ("sled_flush", "", &self.sled_flush),
            ("sqlite", "", &self.sqlite),
            ("engine", "_1", &self.engine_1),
            ("engine", "_64", &self.engine_many),
        ] {
            put(&format!("{prefix}_ops_per_s{suffix}"), json!(m.ops_per_s));
            put(&format!("{prefix}_ops{suffix}"), json!(m.ops));
            put(&format!("{prefix}_p50_ms{suffix}"), json!(m.p50_ms));
            put(&format!("{prefix}_p99_ms{suffix}"), json!(m.p99_ms));
            put(&format!("{prefix}_max_ms{suffix}"), json!(m.max_ms));
        }
        put("sqlite_clients", json!(self.sqlite.clients));
        put("engine_commits_per_flush_64", json!(self.engine_commits_per_flush_64));
        put("engine_flushes_per_op_64", json!(self.engine_flushes_per_op_64));
        put("engine_locked_us_per_commit_64", json!(self.engine_locked_us_per_commit_64));
        put("engine_sled_commit_us_per_commit_64", json!(self.engine_sled_commit_us_per_commit_64));
        put("engine_flush_ms_64", json!(self.engine_flush_ms_64));
        put("engine_vs_sled_ratio", json!(ratio(self.engine_many.ops_per_s, self.sled_flush.ops_per_s)));
        put("engine_vs_sqlite_ratio", json!(ratio(self.engine_many.ops_per_s, self.sqlite.ops_per_s)));
        put("email_fixtures", json!(self.email_fixtures));
        put("mail_parse_msgs_per_s", json!(self.mail_parse.msgs_per_s));
        put("mail_parse_mb_per_s", json!(self.mail_parse.mb_per_s));
        put("ingest_msgs_per_s", json!(self.ingest.msgs_per_s));
        put("ingest_mb_per_s", json!(self.ingest.mb_per_s));
        put("ingest_vs_parse_ratio", json!(ratio(self.ingest.msgs_per_s, self.mail_parse.msgs_per_s)));
        for t in &self.targets {
            put(t.key, json!(t.met));
        }
        put("targets_met", json!(self.all_targets_met()));
        Value::Object(out)
    }

    /// The figures and target checks as an aligned plain-text table.
    pub fn table(&self) -> String {
        let rows = [
            ("(a) sled insert + flush + fdatasync", &self.sled_flush),
            ("(b) SQLite WAL, synchronous=FULL", &self.sqlite),
            ("(c) vouch engine, durable reply", &self.engine_1),
            ("(c) vouch engine, durable reply", &self.engine_many),
        ];
        let mut s = String::new();
        let _ = writeln!(
            s,
            "vouch bench: about {:.1} s per measurement, scratch under {}",
            self.seconds,
            self.dir.display()
        );
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{:<38} {:>7} {:>9} {:>10} {:>8} {:>8} {:>8}",
            "measurement", "clients", "ops", "ops/s", "p50 ms", "p99 ms", "max ms"
        );
        for (name, m) in rows {
            let _ = writeln!(
                s,
                "{:<38} {:>7} {:>9} {:>10.1} {:>8.2} {:>8.2} {:>8.2}",
                name, m.clients, m.ops, m.ops_per_s, m.p50_ms, m.p99_ms, m.max_ms
            );
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "engine at {} clients: {:.1} commits per flush ({:.3} flushes per op); {:.0} µs per command running under the writer lock + {:.0} µs per command of batched sled commit; {:.2} ms per flush",
            self.engine_many.clients,
            self.engine_commits_per_flush_64,
            self.engine_flushes_per_op_64,
            self.engine_locked_us_per_commit_64,
            self.engine_sled_commit_us_per_commit_64,
            self.engine_flush_ms_64
        );
        let _ = writeln!(
            s,
            "engine at {} clients vs sled floor: x{:.1}; vs SQLite: x{:.1}",
            self.engine_many.clients,
            ratio(self.engine_many.ops_per_s, self.sled_flush.ops_per_s),
            ratio(self.engine_many.ops_per_s, self.sqlite.ops_per_s)
        );
        let _ = writeln!(s);
        ingest_rows(&mut s, self.email_fixtures, &self.mail_parse, &self.ingest);
        let _ = writeln!(s);
        target_rows(&mut s, &self.targets);
        s
    }
}

/// What `vouch bench --only ingest` measured: (d) alone, and intake's
/// accuracy on the forward corpus.
#[derive(Clone, Debug, Serialize)]
pub struct IngestReport {
    pub seconds: f64,
    pub email_fixtures: usize,
    pub mail_parse: Rate,
    pub ingest: Rate,
    pub accuracy: AccuracyReport,
    pub targets: Vec<Target>,
}

impl IngestReport {
    /// The same keys as [`BenchReport::to_json`] has for (d), then accuracy.
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "seconds": self.seconds,
            "email_fixtures": self.email_fixtures,
            "mail_parse_msgs_per_s": self.mail_parse.msgs_per_s,
            "mail_parse_mb_per_s": self.mail_parse.mb_per_s,
            "ingest_msgs_per_s": self.ingest.msgs_per_s,
            "ingest_mb_per_s": self.ingest.mb_per_s,
            "ingest_vs_parse_ratio": ratio(self.ingest.msgs_per_s, self.mail_parse.msgs_per_s),
        });
        let a = &self.accuracy;
        if let Value::Object(map) = &mut out {
            let mut put = |key: &str, value: Value| {
                map.insert(key.to_string(), value);
            };
            put("corpus_messages", json!(a.corpus_messages));
            put("corpus_accuracy", json!(a.corpus_accuracy));
            put("worst_client", json!(a.worst_client));
            put("worst_client_accuracy", json!(a.worst_client_accuracy));
            put("worst_language", json!(a.worst_language));
            put("worst_language_accuracy", json!(a.worst_language_accuracy));
            put("false_introductions", json!(a.false_introductions));
            put("heldout_messages", json!(a.heldout_messages));
            put("heldout_accuracy", json!(a.heldout_accuracy));
            put("heldout_false_introductions", json!(a.heldout_false_introductions));
            put("corpus_mail_parse_msgs_per_s", json!(a.corpus_parse.msgs_per_s));
            put("corpus_ingest_msgs_per_s", json!(a.corpus_ingest.msgs_per_s));
            put("corpus_ingest_vs_parse_ratio", json!(ratio(a.corpus_ingest.msgs_per_s, a.corpus_parse.msgs_per_s)));
            for t in &self.targets {
                put(t.key, json!(t.met));
            }
            put("targets_met", json!(self.targets.iter().all(|t| t.met)));
        }
        out
    }

    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "vouch bench --only ingest: about {:.1} s", self.seconds);
        let _ = writeln!(s);
        ingest_rows(&mut s, self.email_fixtures, &self.mail_parse, &self.ingest);
        let a = &self.accuracy;
        ingest_rows(&mut s, a.corpus_messages as usize, &a.corpus_parse, &a.corpus_ingest);
        let _ = writeln!(s);
        s.push_str(&a.tables);
        let _ = writeln!(s);
        target_rows(&mut s, &self.targets);
        s
    }
}

fn ingest_rows(s: &mut String, fixtures: usize, parse: &Rate, ingest: &Rate) {
    let _ = writeln!(
        s,
        "{:<38} {:>7} {:>9} {:>10} {:>8}",
        format!("inbound mail ({fixtures} messages)"),
        "threads",
        "messages",
        "msgs/s",
        "MB/s"
    );
    for (name, r) in [("(d) mail-parser raw parse", parse), ("(d) ingest: parse+classify+extract", ingest)] {
        let _ = writeln!(s, "{:<38} {:>7} {:>9} {:>10.0} {:>8.1}", name, 1, r.messages, r.msgs_per_s, r.mb_per_s);
    }
    let _ = writeln!(
        s,
        "ingest runs at {:.0}% of mail-parser's raw parse rate",
        100.0 * ratio(ingest.msgs_per_s, parse.msgs_per_s)
    );
}

fn target_rows(s: &mut String, targets: &[Target]) {
    let _ = writeln!(s, "targets");
    for t in targets {
        let verdict = if t.met { "met   " } else { "MISSED" };
        let op = if t.below { "<" } else { ">=" };
        let _ = writeln!(s, "  {verdict} {:<52} {:.1} {op} {:.1}", t.description, t.actual, t.bound);
    }
    let all = targets.iter().all(|t| t.met);
    let _ = writeln!(s, "  {}", if all { "all targets met" } else { "some targets missed" });
    if cfg!(debug_assertions) {
        // CI runs the bench as a smoke test on its debug build.
        let _ = writeln!(s, "  (a debug build: the targets are for release builds, `cargo run --release -- bench`)");
    }
}
