//! The writer thread. Every command runs here, one after another; callers
//! queue a job and sleep on their own reply channel.
//!
//! Why a thread and not a lock: with many callers on few cores, a shared lock
//! means every flush wakes a crowd that fights over it while the holder
//! needs the CPU. Here the thread drains whatever is queued, runs it all
//! (each command sees the ones before it), waits once for the batch to be
//! durable (one sled transaction, one fsync) and only then answers each
//! caller. Nobody is answered before their change is on disk.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use super::{Caller, EngineCore};
use crate::catalog::CommandSpec;
use crate::command::Command;
use crate::error::UserError;
use crate::reply::Outcome;

/// Commands run before one durability wait, at most (bounds reply latency).
const MAX_BATCH: usize = 512;

type Answer = Result<(Outcome, bool), UserError>;

pub(crate) struct Job {
    caller: Caller,
    spec: &'static CommandSpec,
    command: Command,
    dedupe_key: Option<String>,
    reply: SyncSender<Answer>,
}

/// The handle to the writer thread. Dropping it finishes queued commands,
/// stops the thread and releases the store (and so the data dir's lock).
pub(crate) struct Writer {
    jobs: Option<Sender<Job>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Writer {
    pub(super) fn start(core: Arc<EngineCore>) -> Result<Self, UserError> {
        let (jobs, queue) = channel::<Job>();
        let (batches, done) = channel::<Batch>();
        let spawn_error = |e: std::io::Error| UserError::Internal(format!("cannot start the writer threads: {e}"));
        let acker_core = Arc::clone(&core);
        let acker = std::thread::Builder::new()
            .name("vouch-acker".into())
            .spawn(move || ack(&acker_core, &done))
            .map_err(spawn_error)?;
        let writer = std::thread::Builder::new()
            .name("vouch-writer".into())
            .spawn(move || run(&core, &queue, &batches))
            .map_err(spawn_error)?;
        Ok(Self { jobs: Some(jobs), threads: vec![writer, acker] })
    }

    /// Queues a command and waits for its durable answer.
    pub(super) fn submit(
        &self,
        caller: &Caller,
        spec: &'static CommandSpec,
        command: Command,
        dedupe_key: Option<&str>,
    ) -> Answer {
        let stopped = || UserError::Internal("the writer thread has stopped".into());
        let (reply, answer) = sync_channel(1);
        let job = Job { caller: caller.clone(), spec, command, dedupe_key: dedupe_key.map(str::to_string), reply };
        self.jobs.as_ref().ok_or_else(stopped)?.send(job).map_err(|_| stopped())?;
        answer.recv().map_err(|_| UserError::Internal("the writer thread dropped a command".into()))?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // The writer ends when the queue closes; the acker when the writer
        // is gone. Joining both releases the store.
        drop(self.jobs.take());
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Answers waiting for one durability point.
struct Batch {
    wait_for: Option<u64>,
    answers: Vec<(SyncSender<Answer>, Answer)>,
}

/// Runs queued commands back to back and hands each batch to the acker, so
/// the next batch runs while this one is being flushed.
fn run(core: &EngineCore, queue: &Receiver<Job>, acker: &Sender<Batch>) {
    // Ends when the engine (the last sender) is dropped.
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let mut batch = Batch { wait_for: None, answers: Vec::with_capacity(jobs.len()) };
        for job in jobs {
            // A bug in one command must not take the writer down with it.
            let (answer, seq) = std::panic::catch_unwind(AssertUnwindSafe(|| {
                core.run_nowait(&job.caller, job.spec, job.command, job.dedupe_key.as_deref())
            }))
            .unwrap_or_else(|_| (Err(UserError::Internal(format!("command {} panicked", job.spec.name))), None));
            batch.wait_for = batch.wait_for.max(seq);
            batch.answers.push((job.reply, answer));
        }
        if let Err(unsent) = acker.send(batch) {
            // The acker is gone; answer without acknowledging anything.
            for (reply, _) in unsent.0.answers {
                let _ = reply.send(Err(UserError::Internal("the acker thread has stopped".into())));
            }
        }
    }
}

/// Waits for each batch to be durable (in order), then answers its callers.
/// A failed flush poisons the store, so later batches — which may have read
/// this one — fail too and nothing unflushed is ever acknowledged.
fn ack(core: &EngineCore, batches: &Receiver<Batch>) {
    while let Ok(batch) = batches.recv() {
        let durable = match batch.wait_for {
            Some(seq) => core.store.durable(seq),
            None => Ok(()),
        };
        let failed = durable.err().map(|e| e.to_string());
        for (reply, answer) in batch.answers {
            let answer = match (&failed, answer) {
                (None, answer) => answer,
                (Some(e), _) => Err(UserError::Unavailable(format!("flush failed: {e}"))),
            };
            // The caller may have gone away; its change stands regardless.
            let _ = reply.send(answer);
        }
    }
}
