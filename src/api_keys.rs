//! `vouch api-key create|list|revoke`: the keys of the HTTP API. Work on a
//! data dir directly or, while `serve` holds it, over the control socket.
//! A key is printed once, when made; the store keeps only its hash.

use std::process::ExitCode;

use anyhow::bail;
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use vouch_core::Engine;
use vouch_store::{ApiKey, ApiScope};

#[derive(Subcommand, Debug)]
pub enum ApiKeyCmd {
    /// Make a key; it is printed once and never shown again.
    Create {
        /// What the key is for ("crm", "billing").
        name: String,
        /// `read`, `write` or `read,write`: read-only keys cannot record anything.
        #[arg(long, default_value = "read,write")]
        scopes: String,
    },
    /// Every key: id, name, scopes, created, last used (never the key).
    List,
    /// Revoke a key at once (`K3` or `3`).
    Revoke { id: String },
}

/// A key operation as the control socket carries it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "lowercase")]
pub enum ApiKeyOp {
    Create { name: String, scopes: Vec<ApiScope> },
    List,
    Revoke { id: u64 },
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKeyAnswer {
    Created { record: ApiKey, key: String },
    Listed(Vec<ApiKey>),
    Revoked(Option<ApiKey>),
}

impl std::fmt::Debug for ApiKeyAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiKeyAnswer::Created { record, .. } => {
                f.debug_struct("Created").field("record", record).finish_non_exhaustive()
            }
            ApiKeyAnswer::Listed(keys) => f.debug_tuple("Listed").field(keys).finish(),
            ApiKeyAnswer::Revoked(key) => f.debug_tuple("Revoked").field(key).finish(),
        }
    }
}

/// Runs one operation against this process's engine.
pub fn apply(engine: &Engine, op: ApiKeyOp) -> anyhow::Result<ApiKeyAnswer> {
    let fail = |e: vouch_core::UserError| anyhow::anyhow!("{e}");
    Ok(match op {
        ApiKeyOp::Create { name, scopes } => {
            let made = engine.create_api_key(&name, scopes).map_err(fail)?;
            ApiKeyAnswer::Created { record: made.record, key: made.key }
        }
        ApiKeyOp::List => ApiKeyAnswer::Listed(engine.api_keys().map_err(fail)?),
        ApiKeyOp::Revoke { id } => ApiKeyAnswer::Revoked(engine.revoke_api_key(id).map_err(fail)?),
    })
}

fn parse_id(text: &str) -> anyhow::Result<u64> {
    let digits = text.trim().trim_start_matches(['K', 'k']);
    match digits.parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => bail!("'{text}' is not a key id: use the id `vouch api-key list` shows, e.g. K3"),
    }
}

fn scopes(key: &ApiKey) -> String {
    key.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

fn when(t: Option<vouch_store::Timestamp>) -> String {
    t.map_or_else(|| "never".to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// What `cmd` asks of the store, for [`apply`] here or in the running `serve`.
pub fn op(cmd: &ApiKeyCmd) -> anyhow::Result<ApiKeyOp> {
    Ok(match cmd {
        ApiKeyCmd::Create { name, scopes } => {
            ApiKeyOp::Create { name: name.clone(), scopes: ApiScope::parse_list(scopes).map_err(anyhow::Error::msg)? }
        }
        ApiKeyCmd::List => ApiKeyOp::List,
        ApiKeyCmd::Revoke { id } => ApiKeyOp::Revoke { id: parse_id(id)? },
    })
}

/// Prints what [`apply`] answered to `cmd`.
pub fn print(cmd: &ApiKeyCmd, answer: ApiKeyAnswer) -> anyhow::Result<ExitCode> {
    match answer {
        ApiKeyAnswer::Created { record, key } => {
            println!("{key}");
            eprintln!(
                "vouch: API key K{} ({}, {}) made. It is shown only now: store it in your secrets manager.",
                record.id,
                record.name,
                scopes(&record)
            );
        }
        ApiKeyAnswer::Listed(keys) => {
            if keys.is_empty() {
                println!("No API keys. Make one with `vouch api-key create NAME`.");
            }
            for k in keys {
                let state = match k.revoked_at {
                    Some(t) => format!("  revoked {}", when(Some(t))),
                    None => String::new(),
                };
                println!(
                    "K{}  {}  {}  created {}  last used {}{state}",
                    k.id,
                    k.name,
                    scopes(&k),
                    when(Some(k.created_at)),
                    when(k.last_used_at)
                );
            }
        }
        ApiKeyAnswer::Revoked(None) => {
            println!("There is no key {}: `vouch api-key list` shows them.", cmd_id(cmd));
            return Ok(ExitCode::from(65));
        }
        ApiKeyAnswer::Revoked(Some(k)) => println!("Key K{} ({}) is revoked: calls with it get 401.", k.id, k.name),
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_id(cmd: &ApiKeyCmd) -> String {
    match cmd {
        ApiKeyCmd::Revoke { id } => id.clone(),
        _ => String::new(),
    }
}
