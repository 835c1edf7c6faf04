//! Webhooks out, end to end: `vouch serve` POSTs signed events to a
//! receiver on loopback that checks each signature with PyPI's
//! `standardwebhooks` (tests/support/webhook_receiver.py). A 500 is retried
//! with the same webhook-id; a delivery the receiver is holding when vouch
//! is killed is sent again after the restart with the same id; every event
//! has its own id and takes effect once; a removed endpoint gets nothing
//! more; a tampered body is refused by the receiver. Nothing sleeps: waits
//! poll with a deadline.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/http_client.rs"]
mod http_client;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use binary::{Killed, run_with_stdin, stdout_ok, vouch, wait_or_explain};
use http_client::free_port;
use serde_json::Value;

struct Receiver {
    _child: Killed,
    port: u16,
    log: PathBuf,
}

impl Receiver {
    fn start(dir: &Path, port: u16, secrets: &[(&str, &str)], extra: &[&str]) -> Self {
        let ok = Command::new("python3")
            .args(["-c", "import standardwebhooks"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "standardwebhooks is not installed (pip install standardwebhooks); run ./scripts/test first");
        let log = dir.join("received.jsonl");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/webhook_receiver.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg(port.to_string()).arg(&log);
        for (path, secret) in secrets {
            cmd.arg("--secret").arg(format!("{path}={secret}"));
        }
        let child = cmd.args(extra).stdin(Stdio::null()).stderr(Stdio::inherit()).spawn().expect("start receiver");
        let mut child = Killed(child);
        wait_or_explain(
            "the webhook receiver",
            || TcpStream::connect(("127.0.0.1", port)).is_ok() || matches!(child.0.try_wait(), Ok(Some(_))),
            String::new,
        );
        assert!(matches!(child.0.try_wait(), Ok(None)), "the receiver exited");
        Self { _child: child, port, log }
    }

    /// Every request so far, oldest first.
    fn entries(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
    }

    /// Requests on `path` of `kind` answered `answer` (200, 500, "held").
    fn count(&self, path: &str, kind: &str, answer: Value) -> usize {
        self.entries().iter().filter(|e| e["path"] == path && e["type"] == kind && e["answer"] == answer).count()
    }

    fn explain(&self) -> String {
        format!("received:\n{}", std::fs::read_to_string(&self.log).unwrap_or_default())
    }
}

fn serve(dir: &Path) -> Child {
    let _ = std::fs::remove_file(dir.join("data/vouch.sock"));
    let child = vouch(dir)
        .args(["serve", "--poll-ms", "50", "--webhook-retry-ms", "200", "--webhook-timeout-ms", "30000"])
        .args(["--backup-hours", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn serve");
    let socket = dir.join("data/vouch.sock");
    wait_or_explain("serve's control socket", || std::os::unix::net::UnixStream::connect(&socket).is_ok(), String::new);
    child
}

fn admin(dir: &Path, args: &[&str]) -> String {
    let mut cmd = vouch(dir);
    cmd.args(args);
    stdout_ok(&run_with_stdin(cmd, b""))
}

fn chat(dir: &Path, who: &str, line: &str) -> String {
    let mut cmd = vouch(dir);
    cmd.args(["chat", "--as", who]);
    stdout_ok(&run_with_stdin(cmd, format!("{line}\n").as_bytes()))
}

/// The first `XXXX-XXXX` code in a text.
fn find_code(text: &str) -> String {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-' && w.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_string()
}

/// `vouch webhook add` prints the id on its first line and the secret alone on its last.
fn add(dir: &Path, url: &str) -> (String, String) {
    let out = admin(dir, &["webhook", "add", url]);
    let id = out.split_whitespace().nth(1).expect("the id").to_string();
    let secret = out.lines().last().expect("the secret").trim().to_string();
    assert!(id.starts_with('H') && secret.starts_with("whsec_"), "{out}");
    (id, secret)
}

/// POSTs `body` with `headers` to the receiver; its status.
fn post_raw(port: u16, path: &str, headers: &BTreeMap<String, String>, body: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("write");
    stream.write_all(body.as_bytes()).expect("write");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[test]
fn signed_events_arrive_once_each_across_retries_and_a_crash_mid_delivery() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let port = free_port();
    let hook = format!("http://127.0.0.1:{port}/hook");
    let gone = format!("http://127.0.0.1:{port}/removed");
    // Added before serve runs (the local store), and while it runs (its control socket).
    let (h1, secret1) = add(dir, &hook);
    let release = dir.join("release");
    let mut server = Killed(serve(dir));
    let (h2, secret2) = add(dir, &gone);
    assert_ne!(secret1, secret2);
    let receiver = Receiver::start(
        dir,
        port,
        &[("/hook", &secret1), ("/removed", &secret2)],
        &[
            "--fail-first",
            "/hook:referral.created",
            "--hold-first",
            "/hook:referral.converted",
            "--release",
            release.to_str().expect("utf-8 path"),
        ],
    );
    let list = admin(dir, &["webhook", "list"]);
    assert!(list.contains(&h1) && list.contains(&h2) && list.contains("enabled"), "{list}");

    // bob redeems alice's code: referral.created, to both; the first try at /hook gets a 500.
    let code = find_code(&chat(dir, "alice", "code"));
    let said = chat(dir, "bob", &format!("redeem {code}"));
    assert!(said.contains("alice"), "{said}");
    wait_or_explain(
        "referral.created, retried after the 500",
        || receiver.count("/hook", "referral.created", 200.into()) == 1,
        || receiver.explain(),
    );
    wait_or_explain(
        "referral.created at the second endpoint",
        || receiver.count("/removed", "referral.created", 200.into()) == 1,
        || receiver.explain(),
    );
    assert_eq!(receiver.count("/hook", "referral.created", 500.into()), 1);
    let created: BTreeSet<String> = receiver
        .entries()
        .iter()
        .filter(|e| e["path"] == "/hook" && e["type"] == "referral.created")
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(created.len(), 1, "the retry carries the first attempt's webhook-id: {created:?}");

    // Removed while serve runs: nothing more goes there.
    assert!(admin(dir, &["webhook", "remove", &h2]).contains("removed"));

    // The conversion's delivery is held by the receiver when vouch is killed.
    assert!(admin(dir, &["convert", "R1", "1200"]).contains("R1"));
    wait_or_explain(
        "referral.converted, held by the receiver",
        || receiver.count("/hook", "referral.converted", "held".into()) == 1,
        || receiver.explain(),
    );
    server.0.kill().expect("kill vouch");
    server.0.wait().expect("reap vouch");
    std::fs::write(&release, b"").expect("release");
    let server = Killed(serve(dir));
    wait_or_explain(
        "referral.converted again after the restart",
        || receiver.count("/hook", "referral.converted", 200.into()) == 1,
        || receiver.explain(),
    );

    // Approving and paying: reward.approved (one per side), reward.paid.
    assert!(admin(dir, &["approve", "R1"]).contains("R1"));
    let rewards = admin(dir, &["reward", "list"]);
    let w1 = rewards
        .split_whitespace()
        .find(|w| w.starts_with('W') && w[1..].chars().all(|c| c.is_ascii_digit()) && w.len() > 1)
        .unwrap_or_else(|| panic!("a reward id in {rewards}"))
        .to_string();
    admin(dir, &["reward", "paid", &w1]);
    wait_or_explain(
        "the reward events",
        || {
            receiver.count("/hook", "reward.approved", 200.into()) == 2
                && receiver.count("/hook", "reward.paid", 200.into()) == 1
        },
        || receiver.explain(),
    );

    // What vouch queued for H1 is exactly what the receiver accepted, once per webhook-id.
    let dump: Value = serde_json::from_str(&admin(dir, &["export"])).expect("export");
    let to = format!("webhook:{}", &h1[1..]);
    let rows: Vec<&Value> = dump["outbox"].as_array().expect("outbox").iter().filter(|r| r["to"] == to).collect();
    wait_or_explain(
        "every row settled",
        || {
            let dump: Value = serde_json::from_str(&admin(dir, &["export"])).expect("export");
            dump["outbox"].as_array().expect("outbox").iter().filter(|r| r["to"] == to).all(|r| r["state"] == "sent")
        },
        || receiver.explain(),
    );
    let queued: BTreeSet<String> = rows.iter().map(|r| format!("msg_{}", r["id"])).collect();
    let entries = receiver.entries();
    assert!(entries.iter().all(|e| e["verified"] == true), "{}", receiver.explain());
    let accepted: Vec<String> = entries
        .iter()
        .filter(|e| e["path"] == "/hook" && e["answer"] == 200)
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect();
    let distinct: BTreeSet<String> = accepted.iter().cloned().collect();
    assert_eq!(accepted.len(), distinct.len(), "each event took effect once: {accepted:?}");
    assert_eq!(distinct, queued, "{}", receiver.explain());
    let types: Vec<&str> = rows.iter().map(|r| r["data"]["type"].as_str().expect("type")).collect();
    assert_eq!(types, ["referral.created", "referral.converted", "reward.approved", "reward.approved", "reward.paid"]);
    // The held delivery and its resend: one id.
    let converted: BTreeSet<&str> =
        entries.iter().filter(|e| e["type"] == "referral.converted").map(|e| e["id"].as_str().expect("id")).collect();
    assert_eq!(converted.len(), 1, "{converted:?}");
    // The payload: type, RFC 3339 timestamp, stable ids.
    let converted = entries.iter().find(|e| e["type"] == "referral.converted" && e["answer"] == 200).expect("one");
    let payload: Value = serde_json::from_str(converted["body"].as_str().expect("body")).expect("JSON body");
    assert_eq!(payload["data"]["referral"], "R1");
    assert_eq!(payload["data"]["program"], "customer");
    assert_eq!(payload["data"]["value"], serde_json::json!({ "amount": 120000, "currency": "USD" }));
    assert!(chrono::DateTime::parse_from_rfc3339(payload["timestamp"].as_str().expect("timestamp")).is_ok());

    // The removed endpoint got referral.created and nothing after it.
    let at_removed: Vec<&Value> = entries.iter().filter(|e| e["path"] == "/removed").collect();
    assert_eq!(at_removed.len(), 1, "{}", receiver.explain());

    let list = admin(dir, &["webhook", "list"]);
    assert!(list.contains(&h1) && list.contains("delivered") && !list.contains(&h2), "{list}");

    // The receiver's check is real: the same headers over a changed body are refused,
    // over the original body accepted.
    let headers: BTreeMap<String, String> =
        serde_json::from_value(converted["headers"].clone()).expect("headers as strings");
    let body = converted["body"].as_str().expect("body");
    let tampered = body.replace("120000", "990000");
    assert_ne!(tampered, body);
    assert_eq!(post_raw(receiver.port, "/hook", &headers, &tampered), 400);
    assert_eq!(post_raw(receiver.port, "/hook", &headers, body), 200);
    drop(server);
}
