//! `refund`: open rewards get a reversal entry, paid ones are flagged and
//! the organizers told; a referral is refunded once.

use super::*;

#[test]
fn a_refund_reverses_open_rewards_and_flags_paid_ones_for_the_organizers() {
    let w = World::with_r1();
    w.expect("olga", "refund R1", "error/invalid_transition", &["it never converted"]);
    w.expect("olga", "convert R1 1200", "reply/converted", &[]);
    w.expect("olga", "approve R1", "reply/approved", &[]);
    w.expect("olga", "reward paid W1", "reply/reward_paid", &[]);
    let parts = ["Refund recorded for R1 (alice → bob): chargeback.", "Reversed: W2", "flagged for review: W1"];
    w.expect("olga", "refund R1 chargeback", "reply/refunded", &parts);
    // Alice's paid reward stays paid, with the flag in its history; Bob's is reversed.
    assert_eq!((w.statuses("alice"), w.statuses("bob")), (vec![Paid], vec![Void]));
    let flag = w.rewards("alice")[0].history.last().expect("history").note.clone();
    assert!(flag.starts_with("refunded: chargeback after payout"), "{flag}");
    assert_eq!(w.rewards("bob")[0].history.last().expect("history").note, "refunded: chargeback");
    assert_eq!(w.outbox("notice/refund_after_payout"), ["console:olga"]);
    w.expect("bob", "why", "reply/why", &["(refunded: chargeback)"]);
    w.expect("olga", "refund R1", "error/invalid_transition", &["it was refunded already"]);
    w.expect("alice", "refund R1", "error/not_allowed", &[]);
}
