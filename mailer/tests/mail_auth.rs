//! Sender authentication against a fixed DNS zone (no network): a
//! DKIM-signed forward passes, a tampered copy fails, a From that its
//! domain's DMARC policy does not cover fails. `VOUCH_BLESS=1` re-signs the
//! fixtures with the committed test key.

use std::path::{Path, PathBuf};

use vouch_mailer::auth::{self, Dns, Envelope, Outcome, Policy};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/email/auth")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn zone() -> Dns {
    Dns::fixed(&String::from_utf8(read("zone.txt")).expect("utf-8")).expect("zone parses")
}

/// What the receiving MTA prepends: a trace header naming the client.
const RECEIVED: &str = "Return-Path: <bob@partner.example>\r\nReceived: from mail.partner.example (mail.partner.example [203.0.113.7])\r\n\tby mx.acme.example with ESMTPS; Tue, 3 Nov 2026 09:14:00 +0000\r\n";

const FORWARD: &str = "From: Bob Champion <bob@partner.example>\r\n\
To: vouch@acme.example\r\n\
Subject: Fwd: Pilot for Acme\r\n\
Date: Tue, 3 Nov 2026 09:12:00 +0000\r\n\
Message-ID: <signed-forward-1@partner.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Jane is looking for exactly what you do, please talk to her.\r\n\
\r\n\
---------- Forwarded message ---------\r\n\
From: Jane Doe <jane.doe@prospect.example>\r\n\
Date: Mon, 2 Nov 2026 at 17:05\r\n\
Subject: Pilot for Acme\r\n\
To: Bob Champion <bob@partner.example>\r\n\
\r\n\
Hi Bob, could you introduce me to the Acme team?\r\n";

const SPOOF: &str = "From: The CEO <ceo@bank.example>\r\n\
To: vouch@acme.example\r\n\
Subject: Fwd: urgent intro\r\n\
Date: Tue, 3 Nov 2026 09:30:00 +0000\r\n\
Message-ID: <spoof-1@attacker.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Please credit me for this one.\r\n\
\r\n\
---------- Forwarded message ---------\r\n\
From: Mallory <mallory@prospect.example>\r\n\
Subject: hello\r\n\
To: The CEO <ceo@bank.example>\r\n\
\r\n\
hi\r\n";

fn sign(domain: &str, message: &str) -> String {
    use mail_auth::common::crypto::{RsaKey, Sha256};
    use mail_auth::common::headers::HeaderWriter;
    use mail_auth::dkim::DkimSigner;
    let pem = String::from_utf8(read("test-dkim-key.pem")).expect("utf-8");
    #[allow(deprecated)] // the PEM reader is the simplest way to load the committed key
    let key = RsaKey::<Sha256>::from_pkcs8_pem(&pem).expect("test key");
    let signature = DkimSigner::from_key(key)
        .domain(domain)
        .selector("test")
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(message.as_bytes())
        .expect("sign");
    format!("{}{}", signature.to_header(), message)
}

#[test]
fn bless_signed_fixtures() {
    if std::env::var_os("VOUCH_BLESS").is_none() {
        return;
    }
    let signed = sign("partner.example", FORWARD);
    std::fs::write(dir().join("signed-forward.eml"), format!("{RECEIVED}{signed}")).expect("write");
    let tampered = signed.replace("exactly what you do", "exactly what you do; also credit Mallory");
    std::fs::write(dir().join("signed-forward-tampered.eml"), format!("{RECEIVED}{tampered}")).expect("write");
    let spoof = sign("attacker.example", SPOOF);
    let received = RECEIVED.replace("bob@partner.example", "bounce@attacker.example");
    std::fs::write(dir().join("spoofed-from.eml"), format!("{received}{spoof}")).expect("write");
}

fn verify(name: &str) -> auth::Verdict {
    let raw = read(name);
    let envelope = Envelope::default().or_from_headers(&raw);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(auth::verify(&raw, &envelope, &zone(), Policy::Require))
}

#[test]
fn a_dkim_signed_forward_passes_dmarc_through_dkim() {
    let v = verify("signed-forward.eml");
    assert_eq!(v.result, Outcome::Pass, "{v:?}");
    assert_eq!(v.from_domain, "partner.example");
    assert_eq!(v.dkim.len(), 1);
    assert_eq!((v.dkim[0].domain.as_str(), v.dkim[0].result.as_str()), ("partner.example", "pass"));
    // 203.0.113.7 is outside partner.example's SPF range: DKIM alone carries it.
    let spf = v.spf.as_ref().expect("spf checked");
    assert_eq!((spf.result.as_str(), spf.client_ip.as_deref()), ("fail", Some("203.0.113.7")));
    assert_eq!(v.dmarc.as_ref().map(|d| (d.result.as_str(), d.policy.as_str())), Some(("pass", "reject")));
}

#[test]
fn a_tampered_body_fails_dkim_and_dmarc() {
    let v = verify("signed-forward-tampered.eml");
    assert_eq!(v.result, Outcome::Fail, "{v:?}");
    // mail-auth calls a body-hash mismatch "neutral" (RFC 6376 6.3): not a pass.
    assert!(matches!(v.dkim[0].result.as_str(), "neutral" | "fail"), "{v:?}");
    assert_eq!(v.dmarc.as_ref().map(|d| d.result.as_str()), Some("fail"));
}

#[test]
fn a_spoofed_from_with_someone_elses_valid_signature_fails_dmarc() {
    let v = verify("spoofed-from.eml");
    assert_eq!(v.result, Outcome::Fail, "{v:?}");
    assert_eq!((v.dkim[0].domain.as_str(), v.dkim[0].result.as_str()), ("attacker.example", "pass"));
    assert_eq!(v.dmarc.as_ref().map(|d| d.result.as_str()), Some("fail"), "{v:?}");
    assert!(v.reasons.iter().any(|r| r.contains("DMARC failed for bank.example")), "{v:?}");
}

#[test]
fn an_unsigned_message_from_a_domain_without_records_fails_and_off_skips() {
    let raw = b"From: a@nowhere.example\r\nTo: vouch@acme.example\r\nSubject: code\r\n\r\ncode\r\n";
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let v = rt.block_on(auth::verify(raw, &Envelope::default(), &zone(), Policy::Record));
    assert_eq!(v.result, Outcome::Fail, "{v:?}");
    assert!(v.reasons.iter().any(|r| r.contains("no DKIM signature")), "{v:?}");
    let off = rt.block_on(auth::verify(raw, &Envelope::default(), &zone(), Policy::Off));
    assert_eq!(off.result, Outcome::Skipped);
}
