//! Runs N client threads against one operation for a fixed time and turns
//! what they saw into throughput and latency figures.
//!
//! Every client does its setup (a connection, an RNG) before the clock
//! starts; then all of them start together and stop issuing new operations
//! at the same deadline. The elapsed time runs until the last client's last
//! operation returns, so a slow tail lowers the throughput instead of being
//! cut off.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

/// What one measured run saw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measurement {
    pub clients: usize,
    /// Operations that succeeded.
    pub ops: u64,
    /// Wall time from the common start until every client had returned.
    pub seconds: f64,
    pub ops_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Measurement {
    fn from_latencies(clients: usize, elapsed: Duration, mut latencies: Vec<Duration>) -> Self {
        latencies.sort_unstable();
        let seconds = elapsed.as_secs_f64();
        let ops = latencies.len() as u64;
        Self {
            clients,
            ops,
            seconds,
            ops_per_s: if seconds > 0.0 { ops as f64 / seconds } else { 0.0 },
            p50_ms: percentile_ms(&latencies, 0.50),
            p99_ms: percentile_ms(&latencies, 0.99),
            max_ms: latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        }
    }
}

/// Nearest-rank percentile of sorted latencies, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

/// Holds the clients until all have finished their setup, then hands each
/// the same start instant. Aborts instead if a client could not be started.
struct StartGate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    ready: usize,
    start: Option<Instant>,
    aborted: bool,
}

impl StartGate {
    fn new() -> Self {
        Self { state: Mutex::new(GateState::default()), changed: Condvar::new() }
    }

    /// Called by a client after its setup; `None` means give up.
    fn arrive_and_wait(&self) -> Option<Instant> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.ready += 1;
        self.changed.notify_all();
        loop {
            if state.aborted {
                return None;
            }
            if let Some(start) = state.start {
                return Some(start);
            }
            state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn wait_ready_and_open(&self, clients: usize) -> Instant {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.ready < clients {
            state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        let start = Instant::now();
        state.start = Some(start);
        self.changed.notify_all();
        start
    }

    fn abort(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.aborted = true;
        self.changed.notify_all();
    }
}

/// What one client thread brings back.
struct ClientResult {
    latencies: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
}

/// Runs `op` from `clients` threads for `duration`.
///
/// `setup(client)` builds each thread's private state before the clock
/// starts; `op(state, client, i)` is one timed operation, `i` counting that
/// client's operations from 0. Any failed operation fails the whole run (after
/// the time is up), with the number of failures and the first message.
pub(crate) fn run_clients<S>(
    label: &str,
    clients: usize,
    duration: Duration,
    setup: impl Fn(usize) -> Result<S, String> + Sync,
    op: impl Fn(&mut S, usize, u64) -> Result<(), String> + Sync,
) -> Result<Measurement, String> {
    let clients = clients.max(1);
    let gate = StartGate::new();
    let (start, results) = std::thread::scope(|scope| {
        let mut handles = Vec::with_capacity(clients);
        for client in 0..clients {
            let (gate, setup, op) = (&gate, &setup, &op);
            let spawned = std::thread::Builder::new()
                .name(format!("bench-{label}-{client}"))
                .spawn_scoped(scope, move || client_loop(client, duration, gate, setup, op));
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(e) => {
                    gate.abort();
                    return Err(format!("{label}: cannot start client thread {client}: {e}"));
                }
            }
        }
        let start = gate.wait_ready_and_open(clients);
        let results: Vec<Result<ClientResult, String>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(format!("{label}: a client thread panicked"))))
            .collect();
        Ok((start, results))
    })?;
    let elapsed = start.elapsed();

    let mut latencies = Vec::new();
    let mut errors = 0u64;
    let mut first_error = None;
    for result in results {
        let result = result?;
        latencies.extend(result.latencies);
        errors += result.errors;
        first_error = first_error.or(result.first_error);
    }
    if errors > 0 {
        let first = first_error.unwrap_or_default();
        return Err(format!(
            "{label}: {errors} of {} operations failed; the first: {first}",
            errors + latencies.len() as u64
        ));
    }
    Ok(Measurement::from_latencies(clients, elapsed, latencies))
}

fn client_loop<S>(
    client: usize,
    duration: Duration,
    gate: &StartGate,
    setup: &(impl Fn(usize) -> Result<S, String> + Sync),
    op: &(impl Fn(&mut S, usize, u64) -> Result<(), String> + Sync),
) -> Result<ClientResult, String> {
    // Arrive at the gate even when setup failed, so the others are not left waiting.
    let state = setup(client);
    let Some(start) = gate.arrive_and_wait() else {
        return Ok(ClientResult { latencies: Vec::new(), errors: 0, first_error: None });
    };
    let mut state = state?;
    let deadline = start + duration;
    let mut result = ClientResult { latencies: Vec::with_capacity(4096), errors: 0, first_error: None };
    let mut i = 0u64;
    while Instant::now() < deadline {
        let began = Instant::now();
        let outcome = op(&mut state, client, i);
        let took = began.elapsed();
        match outcome {
            Ok(()) => result.latencies.push(took),
            Err(e) => {
                result.errors += 1;
                result.first_error.get_or_insert(e);
            }
        }
        i += 1;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let ms: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert!((percentile_ms(&ms, 0.50) - 50.0).abs() < 1e-9);
        assert!((percentile_ms(&ms, 0.99) - 99.0).abs() < 1e-9);
        assert!((percentile_ms(&ms[..1], 0.99) - 1.0).abs() < 1e-9);
        assert!(percentile_ms(&[], 0.5).abs() < 1e-9);
    }

    #[test]
    fn failed_operations_fail_the_run() {
        let err = run_clients(
            "t",
            2,
            Duration::from_millis(20),
            |_| Ok(()),
            |_, _, i| if i == 3 { Err("boom".into()) } else { Ok(()) },
        )
        .expect_err("an operation failed");
        assert!(err.contains("2 of") && err.contains("boom"), "{err}");
    }

    #[test]
    fn failed_setup_fails_without_hanging() {
        let err = run_clients(
            "t",
            3,
            Duration::from_millis(20),
            |c| {
                if c == 1 { Err("no connection".to_string()) } else { Ok(()) }
            },
            |_, _, _| Ok(()),
        )
        .expect_err("setup failed");
        assert!(err.contains("no connection"), "{err}");
    }
}
