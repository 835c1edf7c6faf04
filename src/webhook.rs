//! `vouch webhook add|list|remove|enable|test`: endpoints for webhooks out,
//! on this process's store or, while `serve` runs, through its control
//! socket (the same answer either way).

use std::process::ExitCode;

use clap::Subcommand;
use serde::{Deserialize, Serialize};
use vouch_core::Engine;
use vouch_store::WebhookId;

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum WebhookCmd {
    /// Add an endpoint; prints its id and signing secret (shown once).
    Add {
        /// http:// or https:// address, no user name or password in it.
        url: String,
        /// Only these event types, comma-separated (default: all).
        #[arg(long, value_name = "TYPES")]
        events: Option<String>,
    },
    /// Endpoints with their last delivery and failures.
    List,
    /// Remove an endpoint; its waiting deliveries are dropped.
    Remove { id: String },
    /// Turn a disabled endpoint on again.
    Enable { id: String },
    /// Queue a `webhook.test` event to one endpoint.
    Test { id: String },
}

/// Prints what [`apply`] answered (here or in the running `serve`).
pub fn print(answer: Result<Vec<String>, String>) -> ExitCode {
    match answer {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("vouch: {e}");
            // sysexits.h EX_DATAERR, as for a refused engine command.
            ExitCode::from(65)
        }
    }
}

fn parse_id(id: &str) -> Result<WebhookId, String> {
    id.parse().map_err(|_| format!("{id:?} is not a webhook id (like H1; `vouch webhook list` shows them)"))
}

fn when(t: Option<vouch_store::Timestamp>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_else(|| "never".into())
}

/// Runs one webhook command against `engine`: the lines to print, or why not.
pub fn apply(engine: &Engine, cmd: &WebhookCmd) -> Result<Vec<String>, String> {
    let err = |e: vouch_core::UserError| match e {
        vouch_core::UserError::InvalidSetting { problem, .. } => problem,
        other => other.to_string(),
    };
    Ok(match cmd {
        WebhookCmd::Add { url, events } => {
            let e = engine.webhook_add(url, events.as_deref()).map_err(err)?;
            let events = if e.events.is_empty() { "all events".to_string() } else { e.events.join(",") };
            vec![
                format!("webhook {} added: {} ({events})", e.id, e.url),
                "signing secret (shown only now; give it to the receiver):".to_string(),
                engine.webhook_secret(&e).expose().to_string(),
            ]
        }
        WebhookCmd::List => {
            let all = engine.webhook_list().map_err(err)?;
            if all.is_empty() {
                return Ok(vec!["no webhooks; add one with `vouch webhook add URL`".to_string()]);
            }
            all.into_iter()
                .map(|e| {
                    let state = match (&e.enabled, &e.disabled_reason) {
                        (true, _) => "enabled".to_string(),
                        (false, Some(why)) => format!("disabled ({why})"),
                        (false, None) => "disabled".to_string(),
                    };
                    let events = if e.events.is_empty() { "all".to_string() } else { e.events.join(",") };
                    let last = match &e.last_status {
                        Some(s) => format!("{s} at {}", when(e.last_attempt_at)),
                        None => "none yet".to_string(),
                    };
                    let failing =
                        e.failing_since.map(|t| format!("; failing since {}", when(Some(t)))).unwrap_or_default();
                    format!(
                        "{}  {}  events: {events}  {state}  last delivery: {last}{failing}  waiting: {}",
                        e.id, e.url, e.pending
                    )
                })
                .collect()
        }
        WebhookCmd::Remove { id } => {
            let e = engine.webhook_remove(parse_id(id)?).map_err(err)?;
            vec![format!("webhook {} removed ({})", e.id, e.url)]
        }
        WebhookCmd::Enable { id } => {
            let e = engine.webhook_enable(parse_id(id)?).map_err(err)?;
            vec![format!("webhook {} enabled ({})", e.id, e.url)]
        }
        WebhookCmd::Test { id } => {
            let id = parse_id(id)?;
            let row = engine.webhook_test(id).map_err(err)?;
            vec![format!(
                "a webhook.test event is queued for {id} (webhook-id {})",
                vouch_core::webhook::message_id(row)
            )]
        }
    })
}
