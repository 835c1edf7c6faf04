//! (d) inbound mail: what `vouch ingest` spends per message before the
//! store (mail-parser parse, limits, classification, extraction), next to
//! mail-parser's raw parse alone, on the same golden fixtures, one thread.
//! The store side of an ingested message is a command like any other,
//! measured by (c).

use std::time::{Duration, Instant};

use mail_parser::MessageParser;
use vouch_mailer::corpus::{self, Tally, Truth};
use vouch_mailer::inbound::{self, InboundConfig};
use vouch_store::EmailAddress;

include!(concat!(env!("OUT_DIR"), "/email_fixtures.rs"));

/// Messages per second through one function, over the fixtures in turn.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Rate {
    pub messages: u64,
    pub seconds: f64,
    pub msgs_per_s: f64,
    pub mb_per_s: f64,
}

#[derive(Clone, Debug)]
pub(crate) struct IngestFigures {
    pub parse: Rate,
    pub ingest: Rate,
    pub fixtures: usize,
}

/// Intake's accuracy on the forward corpus and on the held-out set, and
/// its speed on the corpus next to mail-parser's raw parse.
#[derive(Clone, Debug)]
pub(crate) struct Accuracy {
    pub corpus: Tally,
    pub heldout: Tally,
    pub parse: Rate,
    pub ingest: Rate,
}

fn config() -> Result<InboundConfig, String> {
    let inbox = EmailAddress::parse("vouch@acme.example").map_err(|e| format!("ingest: {e}"))?;
    Ok(InboundConfig { inbox: Some(inbox), ..InboundConfig::default() })
}

fn tally(messages: &[(&[u8], &str)], config: &InboundConfig) -> Result<Tally, String> {
    let mut tally = Tally::default();
    for (raw, json) in messages {
        let truth = Truth::parse(json).map_err(|e| format!("corpus truth: {e}"))?;
        tally.add(&truth, &corpus::judge(raw, &truth, config));
    }
    Ok(tally)
}

pub(crate) fn accuracy(duration: Duration) -> Result<Accuracy, String> {
    let config = config()?;
    let messages: Vec<&[u8]> = FORWARD_CORPUS.iter().map(|(raw, _)| *raw).collect();
    if messages.is_empty() {
        return Err("ingest: the forward corpus was not embedded".into());
    }
    let rounds = ((duration.as_secs_f64() / 0.1).ceil() as u32).clamp(2, 200);
    let slice = duration / (2 * rounds);
    let (mut parse, mut ingest) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        parse.push(rate_over(&messages, slice, |raw| MessageParser::default().parse(raw).is_some()));
        ingest.push(rate_over(&messages, slice, |raw| inbound::extract(raw, &config).is_ok()));
    }
    Ok(Accuracy {
        corpus: tally(FORWARD_CORPUS, &config)?,
        heldout: tally(HELDOUT_CORPUS, &config)?,
        parse: merge(&parse),
        ingest: merge(&ingest),
    })
}

pub(crate) fn measure(duration: Duration) -> Result<IngestFigures, String> {
    if FIXTURES.is_empty() {
        return Err("ingest: no email fixtures were embedded".into());
    }
    let config = config()?;
    // Half the time each, alternating about every 50 ms, so a noisy
    // neighbour hurts both sides alike.
    let rounds = ((duration.as_secs_f64() / 0.1).ceil() as u32).clamp(2, 200);
    let slice = duration / (2 * rounds);
    let mut parse = Vec::new();
    let mut ingest = Vec::new();
    for _ in 0..rounds {
        parse.push(rate(slice, |raw| MessageParser::default().parse(raw).is_some()));
        ingest.push(rate(slice, |raw| inbound::extract(raw, &config).is_ok()));
    }
    Ok(IngestFigures { parse: merge(&parse), ingest: merge(&ingest), fixtures: FIXTURES.len() })
}

/// Runs `f` over the fixtures round-robin until `duration` has passed.
fn rate(duration: Duration, f: impl FnMut(&[u8]) -> bool) -> Rate {
    let messages: Vec<&[u8]> = FIXTURES.iter().map(|(_, raw)| *raw).collect();
    rate_over(&messages, duration, f)
}

fn rate_over(set: &[&[u8]], duration: Duration, mut f: impl FnMut(&[u8]) -> bool) -> Rate {
    let start = Instant::now();
    let (mut messages, mut bytes, mut kept) = (0u64, 0u64, 0u64);
    while start.elapsed() < duration {
        for raw in set {
            kept += u64::from(std::hint::black_box(f(std::hint::black_box(raw))));
            bytes += raw.len() as u64;
        }
        messages += set.len() as u64;
    }
    std::hint::black_box(kept);
    let seconds = start.elapsed().as_secs_f64();
    Rate { messages, seconds, msgs_per_s: messages as f64 / seconds, mb_per_s: bytes as f64 / seconds / 1e6 }
}

fn merge(rates: &[Rate]) -> Rate {
    let messages: u64 = rates.iter().map(|r| r.messages).sum();
    let seconds: f64 = rates.iter().map(|r| r.seconds).sum();
    let mb: f64 = rates.iter().map(|r| r.mb_per_s * r.seconds).sum();
    Rate { messages, seconds, msgs_per_s: messages as f64 / seconds, mb_per_s: mb / seconds }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixture_is_embedded_and_both_sides_run() {
        assert!(FIXTURES.len() >= 40, "{} fixtures", FIXTURES.len());
        let figures = measure(Duration::from_millis(40)).expect("measure");
        assert!(figures.parse.msgs_per_s > 0.0 && figures.ingest.msgs_per_s > 0.0, "{figures:?}");
        assert_eq!(figures.parse.messages % FIXTURES.len() as u64, 0);
    }

    #[test]
    fn the_corpus_is_embedded_and_scored() {
        let a = accuracy(Duration::from_millis(40)).expect("accuracy");
        assert_eq!(a.corpus.total as usize, FORWARD_CORPUS.len());
        assert!(a.corpus.total >= 400 && a.corpus.overall() >= 0.97, "{}", a.corpus.table("corpus"));
    }
}
