//! `vouch bench`'s API figures: signups, then conversions, per second at N
//! keep-alive clients over loopback HTTP, against the same router and
//! server loop `serve` runs (`http::run`), on a scratch data dir. Every
//! call is durable before it is answered, as in production; the per-key
//! rate limit is lifted so the engine, not the limiter, is measured.

use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
use tokio::net::TcpStream;
use vouch_core::{Caller, Input};
use vouch_store::{ApiScope, IdentityKey};

use crate::api_keys::{ApiKeyAnswer, ApiKeyOp};
use crate::app::{App, OpenError};
use crate::config::Config;
use crate::http::{ApiConfig, ApiLimits};

pub struct ApiFigures {
    pub clients: usize,
    pub signups: usize,
    pub signups_per_sec: f64,
    pub conversions: usize,
    pub conversions_per_sec: f64,
    /// Of every call of both phases.
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl ApiFigures {
    pub fn to_json(&self) -> Value {
        json!({
            "clients": self.clients,
            "signups": self.signups,
            "signups_per_sec": self.signups_per_sec,
            "conversions": self.conversions,
            "conversions_per_sec": self.conversions_per_sec,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
        })
    }

    pub fn line(&self) -> String {
        format!(
            "API over loopback HTTP, {} clients: {:.0} signups/s, {:.0} conversions/s (p50 {:.1} ms, p99 {:.1} ms; {} signups, {} conversions)",
            self.clients,
            self.signups_per_sec,
            self.conversions_per_sec,
            self.p50_ms,
            self.p99_ms,
            self.signups,
            self.conversions
        )
    }
}

/// Half of `seconds` signing people up with one member's code, half
/// converting those referrals (each with its own `Idempotency-Key`).
pub fn measure(seconds: f64, clients: usize, parent: Option<&Path>) -> anyhow::Result<ApiFigures> {
    let parent = parent.map_or_else(std::env::temp_dir, Path::to_path_buf);
    let dir = tempfile::Builder::new().prefix("vouch-bench-api-").tempdir_in(&parent)?;
    let config = Config { data_dir: Some(dir.path().to_path_buf()), ..Config::default() };
    let app = match App::open(config) {
        Ok(app) => app,
        Err(OpenError::InUse(d)) => bail!("{} is in use", d.display()),
        Err(OpenError::Other(e)) => return Err(e),
    };
    let admin = Caller::admin();
    app.engine.handle(&admin, Input::Line("program set customer cap=none"), None);
    let alice = Caller::new(IdentityKey::parse("alice").map_err(anyhow::Error::msg)?, "Alice");
    let code = app.engine.handle(&alice, Input::Line("code"), None).replies.iter().find_map(|r| r.share.clone());
    let code = code.context("no code to share")?.to_string();
    let scopes = vec![ApiScope::Read, ApiScope::Write];
    let key = match crate::api_keys::apply(&app.engine, ApiKeyOp::Create { name: "bench".into(), scopes })? {
        ApiKeyAnswer::Created { key, .. } => key,
        _ => bail!("no API key made"),
    };
    let lifted = NonZeroU32::new(1_000_000).unwrap_or(NonZeroU32::MAX);
    let api = ApiConfig { limits: ApiLimits { per_second: lifted, burst: lifted }, stripe_secret: None };
    let listener = crate::http::bind("127.0.0.1:0".parse()?)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (engine, renderer) = (Arc::clone(&app.engine), Arc::clone(&app.renderer));
    let limits = vouch_bots::http_server::ServerLimits::default();
    let server = runtime.spawn(crate::http::run(engine, renderer, listener, limits, api, stopped));
    let phase = Duration::from_secs_f64(seconds / 2.0);
    let figures = runtime.block_on(async {
        let mut tasks = Vec::new();
        for client in 0..clients {
            let (key, code) = (key.clone(), code.clone());
            tasks.push(tokio::spawn(async move { one_client(addr, &key, &code, client, phase).await }));
        }
        let (mut signups, mut conversions, mut latencies) = (0, 0, Vec::new());
        for task in tasks {
            let done = task.await??;
            signups += done.signups;
            conversions += done.conversions;
            latencies.extend(done.latencies);
        }
        latencies.sort_unstable();
        let at = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q).round() as usize).copied();
        let ms = |d: Option<Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        Ok::<_, anyhow::Error>(ApiFigures {
            clients,
            signups,
            signups_per_sec: signups as f64 / phase.as_secs_f64(),
            conversions,
            conversions_per_sec: conversions as f64 / phase.as_secs_f64(),
            p50_ms: ms(at(0.5)),
            p99_ms: ms(at(0.99)),
        })
    })?;
    let _ = stop.send(true);
    runtime.block_on(server)??;
    Ok(figures)
}

struct ClientDone {
    signups: usize,
    conversions: usize,
    latencies: Vec<Duration>,
}

async fn one_client(
    addr: std::net::SocketAddr,
    key: &str,
    code: &str,
    client: usize,
    phase: Duration,
) -> anyhow::Result<ClientDone> {
    let mut conn = BufStream::new(TcpStream::connect(addr).await?);
    let mut done = ClientDone { signups: 0, conversions: 0, latencies: Vec::new() };
    let end = Instant::now() + phase;
    while Instant::now() < end {
        let n = done.signups;
        let body = json!({ "code": code, "email": format!("c{client}n{n}@bench.example"), "external_id": format!("c{client}n{n}") });
        let start = Instant::now();
        let (status, reply) = post(&mut conn, "/api/v1/signups", key, &body, None).await?;
        done.latencies.push(start.elapsed());
        if status != 201 {
            bail!("signup answered {status}: {reply}");
        }
        done.signups += 1;
    }
    let end = Instant::now() + phase;
    while Instant::now() < end && done.conversions < done.signups {
        let n = done.conversions;
        let body = json!({ "external_id": format!("c{client}n{n}"), "value": 120 });
        let start = Instant::now();
        let idempotency = format!("bench-c{client}n{n}");
        let (status, reply) = post(&mut conn, "/api/v1/conversions", key, &body, Some(&idempotency)).await?;
        done.latencies.push(start.elapsed());
        if status != 201 {
            bail!("conversion answered {status}: {reply}");
        }
        done.conversions += 1;
    }
    Ok(done)
}

/// One HTTP/1.1 request on a kept-alive connection; the answer's status and
/// body (the API always sends `Content-Length`).
async fn post(
    conn: &mut BufStream<TcpStream>,
    path: &str,
    key: &str,
    body: &Value,
    idempotency: Option<&str>,
) -> anyhow::Result<(u16, String)> {
    let body = body.to_string();
    let extra = idempotency.map(|k| format!("Idempotency-Key: {k}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await?;
    conn.write_all(body.as_bytes()).await?;
    conn.flush().await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("no status line")?;
    let mut length = 0usize;
    loop {
        line.clear();
        if conn.read_line(&mut line).await? == 0 {
            bail!("the server closed the connection");
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().context("Content-Length")?;
        }
    }
    let mut reply = vec![0u8; length];
    conn.read_exact(&mut reply).await?;
    Ok((status, String::from_utf8_lossy(&reply).into_owned()))
}
