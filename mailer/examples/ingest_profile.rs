//! Runs ingest's extraction (or mail-parser's raw parse) over the golden
//! fixtures or the forward corpus a fixed number of times, for instruction
//! counts under callgrind:
//!
//! ```sh
//! cargo build --release --locked -p vouch-mailer --example ingest_profile
//! valgrind --tool=callgrind --toggle-collect='*ingest_profile*rounds*' \
//!     target/release/examples/ingest_profile ingest 100 [corpus]
//! ```
//!
//! `vouch bench` measures wall-clock rates; this counts the same work
//! without a clock, so two builds compare without noise. `dump` prints
//! every extraction (to diff two builds), `time` both rates by the clock.

use std::path::Path;
use std::time::Instant;

use mail_parser::MessageParser;
use vouch_mailer::inbound::{self, InboundConfig};
use vouch_store::EmailAddress;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| "ingest".into());
    let count: usize = args.next().map_or(Ok(100), |n| n.parse()).map_err(|e| format!("rounds: {e}"))?;
    let set = args.next().unwrap_or_else(|| "golden".into());
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/email");
    match set.as_str() {
        "golden" => {}
        "corpus" => dir.push("forwards"),
        "heldout" => dir.push("heldout"),
        other => return Err(format!("{other}: golden, corpus or heldout")),
    }
    let mut fixtures: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .filter_map(|p| Some((p.file_name()?.to_string_lossy().into_owned(), std::fs::read(&p).ok()?)))
        .collect();
    fixtures.sort();
    let inbox = EmailAddress::parse("vouch@acme.example").map_err(|e| e.to_string())?;
    let config = InboundConfig { inbox: Some(inbox), ..InboundConfig::default() };
    let parse = |raw: &[u8]| MessageParser::default().parse(raw).is_some();
    let ingest = |raw: &[u8]| inbound::extract(raw, &config).is_ok();
    match what.as_str() {
        "dump" => {
            // Everything extracted, the fields the golden JSON skips included,
            // so two builds can be diffed.
            for (name, raw) in &fixtures {
                println!("{name}: {:?}", inbound::extract(raw, &config));
            }
        }
        "time" => {
            // Alternating, so a noisy neighbour slows both alike.
            let (mut parse_s, mut ingest_s) = (0.0, 0.0);
            for _ in 0..count {
                let start = Instant::now();
                rounds(&fixtures, 1, parse);
                parse_s += start.elapsed().as_secs_f64();
                let start = Instant::now();
                rounds(&fixtures, 1, ingest);
                ingest_s += start.elapsed().as_secs_f64();
            }
            let n = (fixtures.len() * count) as f64;
            println!(
                "{set}: parse {:.0} msgs/s, ingest {:.0} msgs/s, {:.0}%",
                n / parse_s,
                n / ingest_s,
                100.0 * parse_s / ingest_s
            );
        }
        "parse" | "ingest" => {
            let kept = if what == "parse" { rounds(&fixtures, count, parse) } else { rounds(&fixtures, count, ingest) };
            println!("{what}: {} messages, {kept} kept", fixtures.len() * count);
        }
        other => return Err(format!("{other}: parse, ingest, time or dump")),
    }
    Ok(())
}

#[inline(never)]
fn rounds(fixtures: &[(String, Vec<u8>)], count: usize, mut f: impl FnMut(&[u8]) -> bool) -> usize {
    let mut kept = 0;
    for _ in 0..count {
        for (_, raw) in fixtures {
            kept += usize::from(std::hint::black_box(f(std::hint::black_box(raw))));
        }
    }
    kept
}
