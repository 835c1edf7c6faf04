use std::sync::Arc;

use chrono::TimeZone;

use super::*;

fn at() -> Timestamp {
    chrono::Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).single().expect("valid time")
}

fn member(tx: &WriteTx<'_>, name: &str) -> Result<Member, StoreError> {
    let id = MemberId(tx.next_id("member")?);
    let key = IdentityKey::parse(name).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let m = Member {
        id,
        display_name: name.into(),
        roles: Default::default(),
        joined_at: at(),
        primary_identity: key.clone(),
        email: None,
    };
    tx.put_member(&m)?;
    tx.put_identity(&Identity {
        key,
        member: id,
        verified: true,
        first_seen: at(),
        unreachable: false,
        opted_out: name == "alice",
    })?;
    Ok(m)
}

#[test]
fn a_failed_transaction_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let result: Result<(), StoreError> = store.write(|tx| {
        member(tx, "alice")?;
        Err(StoreError::Corrupt("abort on purpose".into()))
    });
    assert!(result.is_err());
    assert!(store.members().expect("scan").is_empty());
    assert_eq!(store.counter("member").expect("counter"), 0);
}

#[test]
fn writes_survive_reopen_and_indexes_follow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let alice_key = IdentityKey::parse("alice").expect("key");
    {
        let store = Store::open(dir.path()).expect("open");
        store.write(|tx| member(tx, "alice").map(drop)).expect("write");
    }
    let store = Store::open(dir.path()).expect("reopen");
    let alice = store.member_by_identity(&alice_key).expect("read").expect("alice exists");
    assert_eq!(alice.display_name, "alice");
    assert_eq!(store.identities_of(alice.id).expect("scan").len(), 1);
}

#[test]
fn a_second_open_gets_a_clear_locked_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _first = Store::open(dir.path()).expect("open");
    // sled locks with flock, which is per open file description, so a second
    // open in the same process sees the lock just as another process would.
    match Store::open(dir.path()) {
        Err(StoreError::Locked(p)) => assert_eq!(p, dir.path()),
        other => panic!("expected Locked, got {other:?}"),
    }
}

#[test]
fn concurrent_writers_share_flushes_and_all_land() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(Store::open(dir.path()).expect("open"));
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..20 {
                    let name = format!("u{t}x{i}");
                    store.write(|tx| member(tx, &name).map(drop)).expect("write");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    assert_eq!(store.members().expect("scan").len(), 320);
    let (flushes, commits) = store.flush_stats();
    assert_eq!(commits, 320);
    assert!(flushes <= commits + 1, "one flush per commit at most: {flushes} flushes");
}

#[test]
fn export_import_round_trip_is_lossless() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let store = Store::open(a.path()).expect("open");
    store
        .write(|tx| {
            let m = member(tx, "alice")?;
            tx.put_outbox(&OutboxMessage {
                id: OutboxId(tx.next_id("outbox")?),
                to: m.primary_identity.clone(),
                template: "notice".into(),
                data: serde_json::json!({"x": 1}),
                created_at: at(),
                state: OutboxState::Pending,
                attempts: 0,
                next_attempt_at: at(),
                last_error: None,
                sent_at: None,
                actions: Vec::new(),
                attachments: Vec::new(),
                in_reply_to: Some(MailThread {
                    message_id: "<a@b.example>".into(),
                    references: vec!["<root@b.example>".into()],
                    subject: "Fwd: hi".into(),
                }),
            })
        })
        .expect("write");
    let dump = store.export().expect("export");
    let other = Store::open(b.path()).expect("open");
    other.import(&dump).expect("import");
    assert_eq!(other.export().expect("export"), dump);
    assert_eq!(other.outbox_due(Channel::Console, at(), 10).expect("due").len(), 1);
    assert!(other.outbox_due(Channel::Email, at(), 10).expect("due").is_empty());
    assert!(matches!(other.import(&dump), Err(StoreError::NotEmpty)));
}

#[test]
fn values_carry_a_codec_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    store.write(|tx| member(tx, "alice").map(drop)).expect("write");
    let raw = store.tree(TreeName::Members).first().expect("scan").expect("one member").1;
    assert_eq!(raw[0], 1);
    store.tree(TreeName::Members).insert(MemberId(9).to_key(), &[7u8, b'{', b'}'][..]).expect("raw insert");
    assert!(matches!(store.member(MemberId(9)), Err(StoreError::Corrupt(_))));
}

#[test]
fn a_snapshot_includes_applied_commands_and_makes_them_durable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    // Applied but not yet committed: still in the pending batch.
    let (_, seq) = store.apply(|tx| member(tx, "alice")).expect("apply");
    let dump = store.snapshot().expect("snapshot");
    assert_eq!(dump.members.len(), 1);
    assert_eq!(dump, store.export().expect("export"));
    // The snapshot's flush covers the command, so waiting returns at once.
    store.durable(seq.expect("a write has a sequence number")).expect("durable");
}

#[test]
fn pending_outbox_rows_are_found_per_recipient() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let alice = IdentityKey::parse("alice").expect("key");
    let alicia = IdentityKey::parse("alicia").expect("key");
    let row = |id: u64, to: &IdentityKey| OutboxMessage {
        id: OutboxId(id),
        to: to.clone(),
        template: "notice".into(),
        data: serde_json::json!({}),
        created_at: at(),
        state: OutboxState::Pending,
        attempts: 0,
        next_attempt_at: at(),
        last_error: None,
        sent_at: None,
        actions: Vec::new(),
        attachments: Vec::new(),
        in_reply_to: None,
    };
    store
        .write(|tx| {
            tx.put_outbox(&row(1, &alice))?;
            tx.put_outbox(&row(2, &alicia))?;
            tx.put_outbox(&row(3, &alice))
        })
        .expect("write");
    let ids = |v: Vec<OutboxMessage>| v.into_iter().map(|m| m.id.0).collect::<Vec<_>>();
    assert_eq!(
        ids(store.outbox_pending_for(&alice).expect("scan")),
        vec![1, 3],
        "a name that prefixes another's is not mixed up"
    );
    let mut sent = row(1, &alice);
    sent.state = OutboxState::Sent;
    store.write(|tx| tx.put_outbox(&sent)).expect("write");
    assert_eq!(ids(store.outbox_pending_for(&alice).expect("scan")), vec![3]);
    assert_eq!(ids(store.outbox_pending_for(&alicia).expect("scan")), vec![2]);
}
