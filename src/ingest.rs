//! `vouch ingest`: one email on stdin, as an MTA pipe delivers it (Postfix
//! `alias: "|vouch ingest"`). Exit codes follow sysexits so the MTA knows
//! whether to bounce (65, 67) or retry later (75). The intake itself (extract,
//! authenticate the sender, plan, apply) lives in `vouch_mailer::intake`.

use std::io::Read as _;
use std::process::ExitCode;

use anyhow::Context;
use vouch_mailer::auth::Envelope;
use vouch_mailer::inbound;
use vouch_mailer::intake::{self, Outcome, Plan};

use crate::app::{App, OpenError, Remote};
use crate::config::Config;

/// sysexits.h: the input was bad; the MTA bounces it.
const EX_DATAERR: u8 = 65;
/// sysexits.h: no such user — here, a sender who could not be authenticated.
const EX_NOUSER: u8 = 67;
/// sysexits.h: try again later; the MTA keeps the message queued.
const EX_TEMPFAIL: u8 = 75;

pub fn run(config: anyhow::Result<Config>, dry_run: bool, json: bool, envelope: Envelope) -> ExitCode {
    match ingest(config, dry_run, json, envelope) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vouch ingest: {e:#}; try again later");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

fn ingest(config: anyhow::Result<Config>, dry_run: bool, json: bool, envelope: Envelope) -> anyhow::Result<ExitCode> {
    let config = config?;
    let intake = config.intake(envelope)?;
    let mut raw = Vec::new();
    let limit = u64::try_from(intake.inbound.limits.max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    std::io::stdin().lock().take(limit).read_to_end(&mut raw).context("cannot read the message on stdin")?;
    // One small runtime for the sender authentication's DNS lookups.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    if dry_run {
        let extraction = match inbound::extract(&raw, &intake.inbound) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("vouch ingest: rejected: {e}");
                return Ok(ExitCode::from(EX_DATAERR));
            }
        };
        // A dry run shows the verdict even for mail that would be ignored.
        let verdict = runtime.block_on(intake.auth.verdict(&raw));
        if json {
            let mut value = serde_json::to_value(&extraction)?;
            value["auth"] = serde_json::to_value(&verdict)?;
            println!("{}", serde_json::to_string_pretty(&value)?);
        } else {
            println!("{}; auth: {}", intake::summary(&extraction), verdict.summary());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let outcome = match runtime.block_on(intake.prepare(&raw)) {
        Ok(plan) => Outcome::of_run(run_plan(config, &plan)),
        Err(outcome) => outcome,
    };
    match outcome {
        Outcome::Accepted(lines) => {
            for line in lines {
                eprintln!("vouch ingest: {line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Rejected(why) => {
            eprintln!("vouch ingest: rejected: {why}");
            Ok(ExitCode::from(EX_DATAERR))
        }
        Outcome::Unauthenticated(why) => {
            eprintln!("vouch ingest: rejected: {why}");
            Ok(ExitCode::from(EX_NOUSER))
        }
        Outcome::TryLater(e) => anyhow::bail!(e),
    }
}

/// Runs the plan where the data dir is open: here, or in the running serve.
fn run_plan(config: Config, plan: &Plan) -> anyhow::Result<Vec<String>> {
    let dir = config.data_dir();
    match App::open(config) {
        Ok(app) => intake::apply(&app.engine, plan).map_err(|e| anyhow::anyhow!("{e}")),
        Err(OpenError::InUse(_)) => Remote::connect(&dir)?.ingest(plan),
        Err(OpenError::Other(e)) => Err(e),
    }
}
