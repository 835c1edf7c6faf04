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
        timezone: None,
        company: None,
        public_thanks: false,
        feed_version: 0,
        organizer_by_platform: false,
        // alice chose Russian (export carries the choice); the others never did.
        language: (name == "alice").then(|| crate::Language::parse("ru").expect("tag")),
        language_hint: (name == "alice").then(|| crate::Language::parse("ro-RO").expect("tag")),
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
                data: serde_json::json!({"x": 1}),
                in_reply_to: Some(MailThread {
                    message_id: "<a@b.example>".into(),
                    references: vec!["<root@b.example>".into()],
                    subject: "Fwd: hi".into(),
                }),
                language: Some(crate::Language::parse("ru").expect("tag")),
                ..pending_row(tx.next_id("outbox")?, &m.primary_identity)
            })?;
            let event = Event {
                id: EventId(tx.next_id("event")?),
                kind: EventKind::Mastermind,
                title: "Monthly mastermind".into(),
                agenda: EventKind::Mastermind.default_agenda().into(),
                expert: Some("Dana".into()),
                location: Some("https://meet.example/x".into()),
                start: at(),
                timezone: Timezone::parse("Europe/Bucharest").map_err(|e| StoreError::Corrupt(e.to_string()))?,
                duration_minutes: 90,
                recurrence: Recurrence::MonthlyByWeekday,
                capacity: Some(8),
                plus_ones: 1,
                audience: Audience::Champions(2),
                rsvp_deadline: None,
                reminders: DEFAULT_REMINDERS.to_vec(),
                uid: "e1@vouch".into(),
                uid_per_attendee: false,
                sequence: 2,
                cancelled: false,
                skipped: vec![at()],
                organizer: m.id,
                created_at: at(),
                updated_at: at(),
            };
            tx.put_event(&event)?;
            tx.put_rsvp(&Rsvp {
                event: event.id,
                member: m.id,
                status: RsvpStatus::Waitlisted,
                plus_ones: 1,
                at: at(),
                waitlist_seq: Some(1),
                offer_expires: Some(at()),
                exceptions: [(at().date_naive(), crate::Exception::one_off(1))].into(),
            })?;
            tx.put_due(&Due {
                id: tx.next_id("due")?,
                at: at(),
                job: DueJob::OfferExpires { event: event.id, member: m.id },
            })?;
            tx.put_link_secret(&LinkSecret::new([7; LinkSecret::LEN]))
        })
        .expect("write");
    let dump = store.export().expect("export");
    assert_eq!((dump.events.len(), dump.rsvps.len(), dump.due.len()), (1, 1, 1));
    // Streamed entity by entity, the export is the same document to the byte.
    for (style, expected) in [
        (DumpStyle::Pretty, serde_json::to_string_pretty(&dump).expect("json")),
        (DumpStyle::Compact, serde_json::to_string(&dump).expect("json")),
    ] {
        let mut streamed = Vec::new();
        let counts = store.snapshot_to(&mut streamed, style).expect("stream");
        assert_eq!(String::from_utf8(streamed).expect("utf-8"), expected, "{style:?}");
        assert_eq!(counts, DumpCounts { members: 1, referrals: 0, rewards: 0 });
    }
    assert!(!format!("{dump:?}").contains("0707"), "the link secret stays out of Debug");
    let other = Store::open(b.path()).expect("open");
    // A store that already made its own key takes the backup's: that one signed the mail.
    other.write(|tx| tx.put_link_secret(&LinkSecret::new([1; LinkSecret::LEN]))).expect("own key");
    other.import(&dump).expect("import");
    assert_eq!(other.link_secret().expect("read"), Some(LinkSecret::new([7; LinkSecret::LEN])));
    assert_eq!(other.export().expect("export"), dump);
    let alice = other.members().expect("members").remove(0);
    assert_eq!(other.rsvps_of_member(alice.id).expect("index rebuilt").len(), 1);
    assert_eq!(other.due_jobs(at(), 10).expect("due").len(), 1);
    assert_eq!(other.outbox_due(Channel::Console, at(), 10).expect("due").len(), 1);
    assert!(other.outbox_due(Channel::Email, at(), 10).expect("due").is_empty());
    assert!(matches!(other.import(&dump), Err(StoreError::NotEmpty)));

    // Read as it arrives, the export loads the same store.
    let c = tempfile::tempdir().expect("tempdir");
    let third = Store::open(c.path()).expect("open");
    let text = serde_json::to_string_pretty(&dump).expect("json");
    let counts = third.import_from(text.as_bytes()).expect("streamed import");
    assert_eq!(counts, DumpCounts { members: 1, referrals: 0, rewards: 0 });
    assert_eq!(third.export().expect("export"), dump);
    assert_eq!(third.rsvps_of_member(alice.id).expect("index rebuilt").len(), 1);
    assert!(matches!(third.import_from(text.as_bytes()), Err(StoreError::NotEmpty)));
}

#[test]
fn a_streamed_import_refuses_what_is_not_an_export_before_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    for bad in [
        r#"{"members": [{"id": 1}]}"#,
        r#"{"format": "something-else", "schema_version": 1, "members": []}"#,
        r#"{"format": "vouch-export", "schema_version": 99, "members": []}"#,
        r#"[1, 2, 3]"#,
        r#"{"format": "vouch-export", "schema_version": 1, "members": [ {"#,
        "",
    ] {
        let err = store.import_from(bad.as_bytes()).expect_err(bad);
        assert!(matches!(err, StoreError::NotAnExport(_) | StoreError::NewerSchema { .. }), "{bad}: {err:?}");
        assert!(store.is_empty(), "{bad}: nothing written");
    }
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
    let row = pending_row;
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

fn pending_row(id: u64, to: &IdentityKey) -> OutboxMessage {
    OutboxMessage {
        id: OutboxId(id),
        token: None,
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
        language: None,
    }
}

#[test]
fn doctor_finds_broken_indexes_and_counters_and_repairs_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let alice = store
        .write(|tx| {
            let m = member(tx, "alice")?;
            member(tx, "bob")?;
            tx.put_outbox(&pending_row(tx.next_id("outbox")?, &m.primary_identity))?;
            Ok::<_, StoreError>(m)
        })
        .expect("write");
    let clean = store.doctor(false).expect("doctor");
    assert!(clean.healthy() && clean.problems.is_empty(), "{:?}", clean.problems);
    assert_eq!(clean.counts.iter().find(|(t, _)| t == "members").map(|(_, n)| *n), Some(2));

    // What a torn write or a bug could leave: an index entry gone, one
    // pointing at nothing, a counter behind the ids in use.
    let by_member = store.tree(TreeName::IdentitiesByMember);
    let (first, _) = by_member.first().expect("scan").expect("an entry");
    by_member.remove(first).expect("remove");
    store.tree(TreeName::OutboxDue).insert(b"\x00stale", &b""[..]).expect("insert");
    store.tree(TreeName::OutboxPendingByRecipient).clear().expect("clear");
    store.tree(TreeName::Meta).insert(b"next:member", &1u64.to_be_bytes()[..]).expect("insert");
    assert!(store.identities_of(alice.id).expect("scan").is_empty(), "the lookup is broken now");

    let sick = store.doctor(false).expect("doctor");
    assert!(!sick.healthy());
    let kinds: Vec<(String, ProblemKind)> = sick.summary().into_keys().collect();
    assert_eq!(
        kinds,
        vec![
            ("identities_by_member".to_string(), ProblemKind::MissingIndex),
            ("meta".to_string(), ProblemKind::Counter),
            ("outbox_due".to_string(), ProblemKind::StaleIndex),
            ("outbox_pending_by_recipient".to_string(), ProblemKind::MissingIndex),
        ]
    );
    assert!(!sick.repaired, "a check changes nothing");
    assert!(!store.doctor(false).expect("doctor").healthy());

    let fixed = store.doctor(true).expect("repair");
    assert!(fixed.repaired && fixed.healthy(), "{fixed:?}");
    assert_eq!(fixed.problems, sick.problems, "the report says what was wrong before the repair");
    assert!(store.doctor(false).expect("doctor").problems.is_empty());
    assert_eq!(store.identities_of(alice.id).expect("scan").len(), 1);
    assert_eq!(store.outbox_pending_for(&alice.primary_identity).expect("scan").len(), 1);
    assert_eq!(store.counter("member").expect("counter"), 2);
}

#[test]
fn doctor_reports_damaged_entities_and_will_not_paper_over_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    store.write(|tx| member(tx, "alice").map(drop)).expect("write");
    store.tree(TreeName::Identities).insert(b"bob", &[1u8, b'{'][..]).expect("raw insert");
    store.tree(TreeName::IdentitiesByMember).clear().expect("clear");
    let report = store.doctor(true).expect("doctor");
    assert!(!report.repaired && report.repair_refused.is_some(), "{report:?}");
    assert!(report.problems.iter().any(|p| p.kind == ProblemKind::Undecodable && p.detail.contains("bob")));
    assert!(!report.healthy());
    assert!(store.tree(TreeName::IdentitiesByMember).is_empty(), "nothing was rewritten");
}

fn referral(id: u64, referrer: MemberId, referred: MemberId, state: &str, month: u32, value: Option<i64>) -> Referral {
    let created = chrono::Utc.with_ymd_and_hms(2026, month, 5, 12, 0, 0).single().expect("valid time");
    let mut history = vec![serde_json::json!({"at": created, "state": "redeemed", "by": null, "note": ""})];
    if matches!(state, "converted" | "rewarded") {
        let won = created + chrono::Duration::days(40);
        history.push(serde_json::json!({"at": won, "state": "converted", "by": null, "note": ""}));
    }
    serde_json::from_value(serde_json::json!({
        "id": id, "program": 1, "referrer": referrer.0, "referred": referred.0, "code": null,
        "source": "code", "state": state, "note": "", "value": value, "reject_reason": null,
        "created_at": created, "history": history,
    }))
    .expect("a referral")
}

/// The aggregates follow every change in the same transaction, and what they
/// say is what the entities say (doctor recomputes them and finds nothing).
#[test]
fn stats_follow_every_referral_and_reward_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let (ann, bob, cat) = store
        .write(|tx| Ok::<_, StoreError>((member(tx, "ann")?.id, member(tx, "bob")?.id, member(tx, "cat")?.id)))
        .expect("members");
    store
        .write(|tx| {
            tx.put_referral(&referral(1, ann, bob, "redeemed", 10, None))?;
            tx.put_referral(&referral(2, ann, cat, "converted", 10, Some(120_000)))?;
            tx.put_referral(&referral(3, bob, cat, "redeemed", 11, None))?;
            // Within one transaction, a referral changes twice.
            tx.put_referral(&referral(3, bob, cat, "converted", 11, Some(5_000)))?;
            tx.put_referral(&referral(3, bob, cat, "rewarded", 11, Some(5_000)))
        })
        .expect("referrals");
    // In a later transaction: one rejected, one more for cat.
    store
        .write(|tx| {
            tx.put_referral(&referral(1, ann, bob, "rejected", 10, None))?;
            tx.put_referral(&referral(4, cat, ann, "issued", 11, None))
        })
        .expect("changes");

    // (The bare referrals here have no program or counters; only stats matter.)
    let report = store.doctor(false).expect("doctor");
    let stats: Vec<_> = report.problems.iter().filter(|p| p.tree == "stats").collect();
    assert!(stats.is_empty(), "{stats:?}");

    let counts = store.state_counts().expect("counts");
    let of = |state: ReferralState| counts.iter().filter(|c| c.state == state).map(|c| c.count).sum::<u64>();
    assert_eq!((of(ReferralState::Rejected), of(ReferralState::Converted), of(ReferralState::Rewarded)), (1, 1, 1));
    assert_eq!(of(ReferralState::Issued) + of(ReferralState::Redeemed), 1);
    let value: i64 = counts.iter().filter(|c| c.state.is_converted()).map(|c| c.value.cents()).sum();
    assert_eq!(value, 125_000);
    let won = store.conversion_counts().expect("conversions");
    assert_eq!(won.iter().map(|c| (c.month, c.count)).collect::<Vec<_>>(), vec![((2026, 11), 1), ((2026, 12), 1)]);

    // ann: 1 referred (the rejected one does not count), 1 converted; bob 1/1; cat 1/0.
    let leaders = store.leaders(LeaderBucket::All, 10).expect("leaders");
    let rows: Vec<_> = leaders.iter().map(|l| (l.member, l.converted, l.referred)).collect();
    assert_eq!(rows, vec![(ann, 1, 1), (bob, 1, 1), (cat, 0, 1)]);
    let november: Vec<_> = store
        .leaders(LeaderBucket::Month(2026, 11), 10)
        .expect("november")
        .iter()
        .map(|l| (l.member, l.converted, l.referred))
        .collect();
    assert_eq!(november, vec![(bob, 1, 1), (cat, 0, 1)], "ranked when read");
    let quarter: Vec<_> =
        store.leaders(LeaderBucket::Quarter(2026, 4), 2).expect("q4").iter().map(|l| l.member).collect();
    assert_eq!(quarter, vec![ann, bob], "the same order as all time, cut at two");
    assert_eq!(store.leaders(LeaderBucket::All, 2).expect("top two").len(), 2);

    let latest: Vec<_> = store.latest_referrals(None, 2).expect("latest").iter().map(|r| r.id.0).collect();
    assert_eq!(latest, vec![4, 3]);
    let rejected = store.latest_referrals(Some(ReferralState::Rejected), 10).expect("rejected");
    assert_eq!(rejected.iter().map(|r| r.id.0).collect::<Vec<_>>(), vec![1]);

    // Inside a transaction the limited reads see its own writes.
    store
        .write(|tx| {
            tx.put_referral(&referral(5, cat, bob, "converted", 11, Some(1)))?;
            // cat now has 1 converted of 2: ahead of ann and bob (1 of 1), who
            // tie and keep member order.
            let top: Vec<_> = tx.leaders(LeaderBucket::All, 3)?.iter().map(|l| l.member).collect();
            assert_eq!(top, vec![cat, ann, bob]);
            let latest: Vec<_> = tx.latest_referrals(None, 2)?.iter().map(|r| r.id.0).collect();
            assert_eq!(latest, vec![5, 4]);
            let converted = tx.latest_referrals(Some(ReferralState::Converted), 5)?;
            assert_eq!(converted.iter().map(|r| r.id.0).collect::<Vec<_>>(), vec![5, 2]);
            Ok::<_, StoreError>(())
        })
        .expect("reads in a transaction");

    // A store whose stats tree was lost gets it back on open.
    let before: Vec<_> = store.scan_raw(TreeName::Stats, b"", std::ops::Bound::Unbounded).expect("stats");
    drop(store);
    {
        let db = sled::open(dir.path().join("store")).expect("sled");
        db.open_tree("stats").expect("tree").clear().expect("clear");
        db.open_tree("meta").expect("meta").remove(b"stats-built").expect("unmark");
        db.flush().expect("flush");
    }
    let store = Store::open(dir.path()).expect("reopen");
    let after: Vec<_> = store.scan_raw(TreeName::Stats, b"", std::ops::Bound::Unbounded).expect("stats");
    assert_eq!(after, before, "rebuilt from the entities");
}

/// A limited scan in a transaction is the full merged scan cut to size, from
/// either end, whatever the transaction removed or added inside or past the
/// part of sled it read.
#[test]
fn limited_scans_in_a_transaction_match_the_full_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let (ann, bob) =
        store.write(|tx| Ok::<_, StoreError>((member(tx, "ann")?.id, member(tx, "bob")?.id))).expect("members");
    store
        .write(|tx| (1..=8).try_for_each(|id| tx.put_referral(&referral(id, ann, bob, "redeemed", 10, None))))
        .expect("referrals");
    store
        .write(|tx| {
            tx.remove_raw(TreeName::Referrals, &ReferralId(1).to_key())?;
            tx.remove_raw(TreeName::Referrals, &ReferralId(8).to_key())?;
            tx.put_referral(&referral(12, ann, bob, "redeemed", 10, None))?;
            tx.put_referral(&referral(4, ann, bob, "converted", 10, Some(1)))?;
            let all: Vec<_> = tx.scan_raw(TreeName::Referrals, b"", std::ops::Bound::Unbounded)?;
            for limit in 0..=all.len() + 1 {
                let first = tx.scan_prefix_limited(TreeName::Referrals, b"", limit, false)?;
                let want: Vec<_> = all.iter().take(limit).cloned().collect();
                assert_eq!(first, want, "first {limit}");
                let last = tx.scan_prefix_limited(TreeName::Referrals, b"", limit, true)?;
                let want: Vec<_> = all.iter().rev().take(limit).cloned().collect();
                assert_eq!(last, want, "last {limit}");
            }
            Ok::<_, StoreError>(())
        })
        .expect("scans");
}

/// Who reads an inbox under any spelling is an index lookup, kept with the
/// identities, checked by doctor, and built once for a data dir from before it.
#[test]
fn identities_are_found_by_inbox_under_any_spelling() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let (jane, other) = store
        .write(|tx| {
            let jane = member(tx, "email:jane.doe+news@googlemail.com")?;
            let other = member(tx, "email:jane@example.org")?;
            member(tx, "alice")?;
            Ok::<_, StoreError>((jane, other))
        })
        .expect("write");
    let inbox = |spelling: &str| crate::EmailAddress::parse(spelling).expect("address").mailbox();
    assert_eq!(inbox("Jane.Doe+x@gmail.com"), "janedoe@gmail.com");
    assert_eq!(inbox("jane+x@example.org"), "jane@example.org");
    let at = |store: &Store, spelling: &str| -> Vec<MemberId> {
        store.identities_at_mailbox(&inbox(spelling)).expect("lookup").into_iter().map(|i| i.member).collect()
    };
    assert_eq!(at(&store, "janedoe@gmail.com"), [jane.id]);
    assert_eq!(at(&store, "JANE@example.org"), [other.id]);
    assert!(at(&store, "jane@example.com").is_empty());
    assert!(store.doctor(false).expect("doctor").problems.is_empty());

    // A data dir written before the index: nothing in it, and no mark.
    store.tree(TreeName::IdentitiesByMailbox).clear().expect("clear");
    store.tree(TreeName::Meta).remove(b"mailboxes-built").expect("remove");
    let kinds: Vec<(String, ProblemKind)> = store.doctor(false).expect("doctor").summary().into_keys().collect();
    assert_eq!(kinds, vec![("identities_by_mailbox".to_string(), ProblemKind::MissingIndex)]);
    drop(store);
    let store = Store::open(dir.path()).expect("reopen");
    assert_eq!(at(&store, "jane.doe@gmail.com"), [jane.id], "built at open");
    assert!(store.doctor(false).expect("doctor").problems.is_empty());
}
