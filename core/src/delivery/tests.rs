//! The worker and the settling of rows, over a scripted transport.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use serde_json::json;
use vouch_store::{IdentityKey, OutboxId, Read, Store};

use super::*;
use crate::{Caller, ManualClock, SeededIds, Settings};

/// Answers each row's sends from a script, in order; panics on a send it
/// was not told about. Checks on every send that the row is still pending
/// in the store (nothing is marked before the transport accepted it).
struct Scripted {
    store: Arc<Store>,
    script: Mutex<HashMap<u64, VecDeque<SendOutcome>>>,
    sent: Mutex<Vec<u64>>,
    unrenderable: Vec<u64>,
}

impl Scripted {
    fn new(store: &Arc<Store>, script: &[(u64, Vec<SendOutcome>)]) -> Self {
        Self {
            store: Arc::clone(store),
            script: Mutex::new(script.iter().map(|(id, o)| (*id, o.iter().cloned().collect())).collect()),
            sent: Mutex::new(Vec::new()),
            unrenderable: Vec::new(),
        }
    }

    fn sends(&self) -> Vec<u64> {
        self.sent.lock().expect("lock").clone()
    }
}

impl Transport for Scripted {
    const CHANNEL: Channel = Channel::Telegram;
    const NAME: &'static str = "test";
    type Rendered = String;

    fn render(&self, message: &OutboxMessage, lang: &str) -> Result<String, String> {
        if self.unrenderable.contains(&message.id.0) {
            return Err("template missing".into());
        }
        Ok(format!("{} in {lang}", message.template))
    }

    async fn send(&self, message: &OutboxMessage, rendered: &String) -> SendOutcome {
        assert!(rendered.starts_with("notice/test in "), "{rendered}");
        let stored = self.store.outbox(message.id).expect("read").expect("row");
        assert_eq!(stored.state, OutboxState::Pending, "marked before it was sent");
        self.sent.lock().expect("lock").push(message.id.0);
        let next = self.script.lock().expect("lock").get_mut(&message.id.0).and_then(VecDeque::pop_front);
        next.unwrap_or_else(|| panic!("unexpected send of row {}", message.id.0))
    }
}

struct Setup {
    store: Arc<Store>,
    clock: Arc<ManualClock>,
    engine: Arc<Engine>,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("open"));
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z").expect("time").to_utc();
    let clock = Arc::new(ManualClock::new(start));
    let engine = Engine::new(
        Arc::clone(&store),
        Arc::clone(&clock) as Arc<dyn crate::Clock>,
        Arc::new(SeededIds::new(5)),
        Settings::default(),
    )
    .expect("engine");
    Setup { store, clock, engine: Arc::new(engine), _dir: dir }
}

impl Setup {
    /// A pending row for `to`, due now.
    fn row(&self, id: u64, to: &str) -> OutboxMessage {
        let now = self.clock.now();
        let row = OutboxMessage {
            id: OutboxId(id),
            token: None,
            to: IdentityKey::parse(to).expect("identity"),
            template: "notice/test".into(),
            data: json!({}),
            created_at: now,
            state: OutboxState::Pending,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            sent_at: None,
            actions: Vec::new(),
            attachments: Vec::new(),
            in_reply_to: None,
            language: None,
        };
        self.store.write(|tx| tx.put_outbox(&row)).expect("queue");
        row
    }

    fn stored(&self, id: u64) -> OutboxMessage {
        self.store.outbox(OutboxId(id)).expect("read").expect("row")
    }

    fn worker(&self, transport: Scripted, retry: RetryPolicy) -> Worker<Scripted> {
        Worker::new(Arc::clone(&self.engine), transport, retry)
    }
}

use crate::Clock as _;

const POLICY: RetryPolicy =
    RetryPolicy { base: Duration::from_secs(10), max: Duration::from_secs(100), max_attempts: 3 };

#[tokio::test]
async fn a_row_is_marked_sent_only_after_the_transport_accepted_it() {
    let s = setup();
    s.row(1, "telegram:42");
    let worker = s.worker(Scripted::new(&s.store, &[(1, vec![SendOutcome::Sent])]), POLICY);
    let pass = worker.pass().await.expect("pass");
    assert_eq!(pass, Pass { sent: 1, ..Pass::default() });
    let row = s.stored(1);
    assert_eq!((row.state, row.attempts, row.sent_at), (OutboxState::Sent, 1, Some(s.clock.now())));
    // Sent rows are not due again.
    assert_eq!(worker.pass().await.expect("pass"), Pass::default());
    assert_eq!(worker.transport().sends(), [1]);
}

#[tokio::test]
async fn a_temporary_failure_is_due_again_after_a_jittered_backoff() {
    let s = setup();
    s.row(1, "telegram:42");
    s.row(2, "telegram:43");
    let transport = Scripted::new(
        &s.store,
        &[
            (1, vec![SendOutcome::retry("502"), SendOutcome::retry("502"), SendOutcome::Sent]),
            (2, vec![SendOutcome::RetryAfter { wait: Some(Duration::from_secs(7)), reason: "429".into() }]),
        ],
    );
    let worker = s.worker(transport, POLICY);
    let start = s.clock.now();
    assert_eq!(worker.pass().await.expect("pass"), Pass { retried: 2, ..Pass::default() });
    let row = s.stored(1);
    assert_eq!((row.state, row.attempts, row.last_error.as_deref()), (OutboxState::Pending, 1, Some("502")));
    let wait = row.next_attempt_at - start;
    assert!(wait >= chrono::Duration::seconds(5) && wait <= chrono::Duration::seconds(10), "{wait}");
    // The platform's own `retry_after` is kept exactly.
    assert_eq!(s.stored(2).next_attempt_at - start, chrono::Duration::seconds(7));
    s.store.write(|tx| tx.put_outbox(&OutboxMessage { state: OutboxState::Failed, ..s.stored(2) })).expect("park");

    // Not due before its time; the second wait doubles.
    assert_eq!(worker.pass().await.expect("pass"), Pass::default());
    s.clock.advance(chrono::Duration::seconds(10));
    let at = s.clock.now();
    assert_eq!(worker.pass().await.expect("pass").retried, 1);
    let wait = s.stored(1).next_attempt_at - at;
    assert!(wait >= chrono::Duration::seconds(10) && wait <= chrono::Duration::seconds(20), "{wait}");
    s.clock.advance(chrono::Duration::seconds(20));
    assert_eq!(worker.pass().await.expect("pass").sent, 1);
    assert_eq!(s.stored(1).last_error, None);
    assert_eq!(worker.transport().sends(), [1, 2, 1, 1]);
}

#[tokio::test]
async fn a_row_still_failing_after_max_attempts_is_failed() {
    let s = setup();
    s.row(1, "telegram:42");
    let script = vec![SendOutcome::retry("a"), SendOutcome::retry("b"), SendOutcome::retry("c")];
    let worker = s.worker(Scripted::new(&s.store, &[(1, script)]), POLICY);
    for _ in 0..3 {
        worker.pass().await.expect("pass");
        s.clock.advance(chrono::Duration::seconds(100));
    }
    let row = s.stored(1);
    assert_eq!((row.state, row.attempts, row.last_error.as_deref()), (OutboxState::Failed, 3, Some("c")));
    assert_eq!(worker.pass().await.expect("pass"), Pass::default(), "a failed row is not tried again");
}

#[tokio::test]
async fn a_refusal_or_an_unrenderable_row_fails_at_once() {
    let s = setup();
    s.row(1, "telegram:42");
    s.row(2, "telegram:43");
    let mut transport = Scripted::new(&s.store, &[(1, vec![SendOutcome::FailedForGood("400 bad chat".into())])]);
    transport.unrenderable.push(2);
    let worker = s.worker(transport, POLICY);
    assert_eq!(worker.pass().await.expect("pass"), Pass { failed: 2, ..Pass::default() });
    assert_eq!((s.stored(1).state, s.stored(1).attempts), (OutboxState::Failed, 1));
    assert_eq!(s.stored(2).last_error.as_deref(), Some("template missing"));
    assert_eq!(worker.transport().sends(), [1], "an unrenderable row is never sent");
}

#[tokio::test]
async fn a_gone_recipient_is_marked_unreachable_in_the_same_write_as_the_failed_row() {
    let s = setup();
    let alice = Caller::new(IdentityKey::parse("telegram:42").expect("identity"), "Alice");
    s.engine.respond(&alice, "code", None);
    assert!(!s.store.identity(&alice.identity).expect("read").expect("known").unreachable);
    s.row(1, "telegram:42");
    let worker = s.worker(Scripted::new(&s.store, &[(1, vec![SendOutcome::RecipientGone("blocked".into())])]), POLICY);
    let writes = s.store.flush_stats().1;
    let pass = worker.pass().await.expect("pass");
    assert_eq!(pass, Pass { failed: 1, gone: 1, ..Pass::default() });
    assert_eq!(s.store.flush_stats().1, writes + 1, "one write for the row and the identity");
    assert!(s.store.identity(&alice.identity).expect("read").expect("known").unreachable);
    assert_eq!(s.stored(1).state, OutboxState::Failed);
}

#[tokio::test]
async fn a_transport_that_is_down_stops_the_pass_and_leaves_the_rest_due() {
    let s = setup();
    for id in 1..=3 {
        s.row(id, &format!("telegram:{id}"));
    }
    let down = SendOutcome::TransportDown("connection refused".into());
    let transport = Scripted::new(&s.store, &[(1, vec![down, SendOutcome::Sent]), (2, vec![SendOutcome::Sent])]);
    let worker = s.worker(transport, POLICY);
    assert_eq!(worker.pass().await.expect("pass"), Pass { retried: 1, stopped: true, ..Pass::default() });
    let first = s.stored(1);
    assert_eq!((first.state, first.attempts), (OutboxState::Pending, 1));
    assert!(first.next_attempt_at > s.clock.now(), "the row that met it backs off");
    for id in [2, 3] {
        let row = s.stored(id);
        assert_eq!((row.state, row.attempts, row.next_attempt_at), (OutboxState::Pending, 0, first.created_at));
    }
    assert_eq!(worker.transport().sends(), [1]);
}

#[test]
fn backoff_doubles_is_capped_and_jittered_within_half() {
    let policy = RetryPolicy { base: Duration::from_secs(10), max: Duration::from_secs(100), max_attempts: 5 };
    for (attempts, full) in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (40, 100)] {
        let full = Duration::from_secs(full);
        assert_eq!(policy.backoff_with(attempts, 0.0), full / 2);
        assert_eq!(policy.backoff_with(attempts, 1.0), full);
        let mut seen = Vec::new();
        for _ in 0..50 {
            let wait = policy.backoff(attempts);
            assert!(wait >= full / 2 && wait <= full, "attempt {attempts}: {wait:?} outside [{full:?}/2, {full:?}]");
            seen.push(wait);
        }
        seen.dedup();
        assert!(seen.len() > 1, "jitter varies the wait");
    }
}
