//! Shared by the crash and power-loss tests: `vouch serve` under load from
//! concurrent control-socket clients, the bookkeeping of what was
//! acknowledged, and the check that a store kept all of it exactly once.
#![allow(dead_code)]

use crate::binary::{DEADLINE, stdout_ok, vouch};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vouch_store::{Dump, IdentityKey, MemberId, OutboxState};

pub const CLIENTS: usize = 4;

pub fn run_ok(dir: &Path, args: &[&str]) -> String {
    stdout_ok(&vouch(dir).args(args).stdin(Stdio::null()).output().expect("run vouch"))
}

pub fn read_dump(path: &Path) -> Dump {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not an export: {e}", path.display()))
}

pub fn park() {
    std::thread::park_timeout(Duration::from_millis(5));
}

/// A small deterministic generator, so a seed replays a run's choices.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One JSON-lines connection to the control socket (the protocol of `Remote`).
pub struct Client {
    pub reader: BufReader<UnixStream>,
    pub writer: UnixStream,
}

impl Client {
    pub fn connect(data: &Path) -> std::io::Result<Self> {
        let stream = UnixStream::connect(data.join("vouch.sock"))?;
        stream.set_read_timeout(Some(DEADLINE))?;
        Ok(Self { reader: BufReader::new(stream.try_clone()?), writer: stream })
    }

    pub fn call(&mut self, request: serde_json::Value) -> std::io::Result<serde_json::Value> {
        let mut line = request.to_string();
        line.push('\n');
        self.writer.write_all(line.as_bytes())?;
        let mut answer = String::new();
        if self.reader.read_line(&mut answer)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        serde_json::from_str(&answer).map_err(std::io::Error::other)
    }

    /// The reply texts, joined; `Err` when no answer came (not acknowledged).
    pub fn say(&mut self, who: &str, line: &str) -> std::io::Result<String> {
        let answer =
            self.call(serde_json::json!({"op": "say", "speaker": {"identity": who, "name": null}, "line": line}))?;
        match answer.pointer("/said/texts").and_then(|t| t.as_array()) {
            Some(texts) => Ok(texts.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>().join("\n")),
            None => panic!("{who}: {line}: error answer {answer}"),
        }
    }

    pub fn export(&mut self) -> std::io::Result<Dump> {
        let answer = self.call(serde_json::json!({"op": "export"}))?;
        let dump = answer.get("export").unwrap_or_else(|| panic!("export answered {answer}"));
        Ok(serde_json::from_value(dump.clone()).expect("the export answer is a dump"))
    }
}

/// The first `XXXX-XXXX` code in a text.
pub fn find_code(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| {
            w.len() == 9
                && w.as_bytes()[4] == b'-'
                && w.chars().all(|c| c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .map(str::to_string)
}

/// What the clients were told, i.e. what the store must keep.
#[derive(Default)]
pub struct Acked {
    /// Identity → the code it was given.
    pub codes: BTreeMap<String, String>,
    /// Referred identity → the code it redeemed.
    pub redeemed: BTreeMap<String, String>,
    /// Refusals (already redeemed, already referred): acknowledged, no effect.
    pub refused: u64,
    /// Sent, but the server died before answering: may or may not be there.
    pub unanswered: u64,
    /// Identities that ever sent `redeem`, answered or not.
    pub tried_redeem: BTreeSet<String>,
}

impl Acked {
    pub fn ops(&self) -> u64 {
        (self.codes.len() + self.redeemed.len()) as u64 + self.refused
    }
}

/// A `vouch serve` with its stderr kept in a file for the report.
pub struct Server {
    pub child: Child,
    pub stderr: PathBuf,
}

impl Server {
    pub fn start(dir: &Path) -> Result<Self, String> {
        let stderr = dir.join("serve.stderr");
        let log = std::fs::File::create(&stderr).expect("stderr file");
        let mut child = vouch(dir)
            .args(["serve", "--poll-ms", "50"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn vouch serve");
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                let text = std::fs::read_to_string(&stderr).unwrap_or_default();
                return Err(format!("vouch serve exited ({status}) at start:\n{text}"));
            }
            if Client::connect(&dir.join("data")).is_ok() {
                return Ok(Self { child, stderr });
            }
            if start.elapsed() > DEADLINE {
                let _ = child.kill();
                let _ = child.wait();
                return Err("vouch serve did not open its control socket in time".into());
            }
            park();
        }
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL vouch serve");
        self.child.wait().expect("reap vouch serve");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = &self.stderr;
    }
}

/// One client thread: new identities ask for codes and redeem acknowledged
/// ones; some repeat an earlier request (the same code must come back, a
/// second redemption must be refused). Reconnects after each kill.
pub fn client_loop(
    id: usize,
    data: PathBuf,
    seed: u64,
    acked: Arc<Mutex<Acked>>,
    names: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) {
    let mut rng = XorShift::new(seed ^ ((id as u64 + 1) * 0x1000_0001));
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut client) = Client::connect(&data) else {
            park();
            continue;
        };
        while !stop.load(Ordering::Relaxed) {
            let n = names.fetch_add(1, Ordering::Relaxed);
            let (known_code, old_owner, old_redeemer) = {
                let a = acked.lock().expect("acked lock");
                let pick = |len: usize, r: u64| if len == 0 { None } else { Some(r as usize % len) };
                let code = pick(a.codes.len(), rng.next()).and_then(|i| a.codes.values().nth(i).cloned());
                let owner = pick(a.codes.len(), rng.next())
                    .and_then(|i| a.codes.iter().nth(i))
                    .map(|(k, v)| (k.clone(), v.clone()));
                let redeemer = pick(a.redeemed.len(), rng.next()).and_then(|i| a.redeemed.keys().nth(i).cloned());
                (code, owner, redeemer)
            };
            let roll = rng.below(100);
            let result = match (roll, known_code) {
                (0..30, _) | (_, None) => {
                    // Most referrers are told by email (the outbox worker's maildir
                    // sink); console notices wait in the outbox until their
                    // owner's next command, and each command scans them.
                    let who = if n.is_multiple_of(4) { format!("c{n}") } else { format!("email:c{n}@example.com") };
                    client.say(&who, "code").map(|text| {
                        let code = find_code(&text).unwrap_or_else(|| panic!("no code for {who}: {text}"));
                        acked.lock().expect("acked lock").codes.insert(who, code);
                    })
                }
                (30..40, _) if old_owner.is_some() => {
                    let (who, code) = old_owner.expect("checked");
                    client.say(&who, "code").map(|text| {
                        assert_eq!(find_code(&text).as_deref(), Some(code.as_str()), "{who} got a new code: {text}");
                        acked.lock().expect("acked lock").refused += 1;
                    })
                }
                (40..50, Some(code)) if old_redeemer.is_some() => {
                    let who = old_redeemer.expect("checked");
                    client.say(&who, &format!("redeem {code}")).map(|text| {
                        assert!(!text.contains("Welcome!"), "{who} redeemed twice: {text}");
                        acked.lock().expect("acked lock").refused += 1;
                    })
                }
                (_, Some(code)) => {
                    let who = format!("r{n}");
                    acked.lock().expect("acked lock").tried_redeem.insert(who.clone());
                    client.say(&who, &format!("redeem {code}")).map(|text| {
                        let mut a = acked.lock().expect("acked lock");
                        if text.contains("Welcome! You joined with") {
                            a.redeemed.insert(who, code);
                        } else {
                            a.refused += 1;
                        }
                    })
                }
            };
            if result.is_err() {
                acked.lock().expect("acked lock").unanswered += 1;
                break;
            }
        }
    }
}

/// Checks a dump against everything acknowledged before it was taken.
/// Returns how many acknowledged effects are missing (must be 0), with a
/// description of each problem.
pub fn check(
    dump: &Dump,
    codes: &BTreeMap<String, String>,
    redeemed: &BTreeMap<String, String>,
    tried: &BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let member_of: BTreeMap<String, MemberId> = dump.identities.iter().map(|i| (i.key.to_string(), i.member)).collect();
    let key = |name: &str| IdentityKey::parse(name).expect("test identities parse").to_string();
    let code_owner: BTreeMap<String, MemberId> = dump.codes.iter().map(|c| (c.code.to_string(), c.member)).collect();
    for (who, code) in codes {
        match (member_of.get(&key(who)), code_owner.get(code)) {
            (Some(m), Some(owner)) if m == owner => {}
            other => problems.push(format!("lost: {who}'s code {code} ({other:?})")),
        }
    }
    let mut seen_referred = BTreeMap::new();
    for r in &dump.referrals {
        if let Some(earlier) = seen_referred.insert((r.program, r.referred), r.id) {
            problems.push(format!("duplicate: member {:?} referred twice ({earlier:?}, {:?})", r.referred, r.id));
        }
    }
    let referral_of: BTreeMap<MemberId, String> = dump
        .referrals
        .iter()
        .map(|r| (r.referred, r.code.as_ref().map(|c| c.to_string()).unwrap_or_default()))
        .collect();
    for (who, code) in redeemed {
        let found = member_of.get(&key(who)).and_then(|m| referral_of.get(m));
        if found != Some(code) {
            problems.push(format!("lost: {who} redeemed {code} (store has {found:?})"));
        }
    }
    // Every referral comes from a redeem someone sent.
    let member_name: BTreeMap<MemberId, String> =
        dump.identities.iter().map(|i| (i.member, i.key.external().to_string())).collect();
    for r in &dump.referrals {
        let name = member_name.get(&r.referred).cloned().unwrap_or_default();
        if !tried.contains(&name) {
            problems.push(format!("invented: referral {:?} for {name:?}", r.id));
        }
    }
    // One "your code was used" notice per referral, no more, no less.
    let mut notices: BTreeMap<(String, String), usize> = BTreeMap::new();
    for m in dump.outbox.iter().filter(|m| m.template == "notice/referral_redeemed") {
        let field = |k: &str| m.data.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        *notices.entry((field("code"), field("referred"))).or_default() += 1;
    }
    for r in &dump.referrals {
        let name = member_name.get(&r.referred).cloned().unwrap_or_default();
        let code = r.code.as_ref().map(|c| c.to_string()).unwrap_or_default();
        match notices.remove(&(code.clone(), name.clone())) {
            Some(1) => {}
            n => problems.push(format!("notice for {name} redeeming {code}: {n:?} rows")),
        }
    }
    if !notices.is_empty() {
        problems.push(format!("notices without a referral: {notices:?}"));
    }
    problems
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create copy dir");
    for entry in std::fs::read_dir(from).expect("list dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "vouch.sock" {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Restarts `serve` until its outbox worker has sent every email row, then
/// checks the maildir sink: exactly one file per email outbox row (the file
/// is named by the row id, so a resend after a kill replaces, never adds).
/// Returns how many mails were delivered.
pub fn drain_mail(dir: &Path) -> usize {
    let data = dir.join("data");
    let server = Server::start(dir).unwrap_or_else(|e| panic!("{e}"));
    // Thousands of mails take a while on a slow disk: fail only when the
    // worker stops making progress. Each check is a full export, so not too often.
    let (mut progress, mut sent_before) = (Instant::now(), 0);
    let dump = loop {
        let dump = Client::connect(&data).and_then(|mut c| c.export()).expect("export while draining");
        let emails = || dump.outbox.iter().filter(|m| m.to.channel() == vouch_store::Channel::Email);
        assert!(emails().all(|m| m.state != OutboxState::Failed), "a notice mail failed");
        let sent = emails().filter(|m| m.state == OutboxState::Sent).count();
        if sent == emails().count() {
            break dump;
        }
        if sent > sent_before {
            (progress, sent_before) = (Instant::now(), sent);
        }
        assert!(progress.elapsed() < DEADLINE, "the outbox stopped draining ({sent} of {} sent)", emails().count());
        std::thread::park_timeout(Duration::from_millis(100));
    };
    drop(server);
    let expected: BTreeSet<String> = dump
        .outbox
        .iter()
        .filter(|m| m.to.channel() == vouch_store::Channel::Email)
        .map(|m| format!("vouch-outbox-{:012}.eml", m.id.0))
        .collect();
    let delivered: BTreeSet<String> = std::fs::read_dir(data.join("mail").join("new"))
        .map(|entries| entries.map(|e| e.expect("maildir entry").file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert_eq!(delivered, expected, "maildir files vs email outbox rows");
    assert!(!expected.is_empty(), "no notice went by email");
    expected.len()
}

/// How a run interrupts the server: a SIGKILL, or a kill and a power cut.
pub trait Outage {
    /// "kill", "power cut": for messages.
    const WHAT: &'static str;
    /// Stops `server` the hard way.
    fn strike(&mut self, server: Server);
    /// What the outage left on disk, kept for a reproduction if the store
    /// then fails to open.
    fn left_behind(&self) -> PathBuf;
    /// Makes the data dir usable again (a remount after a power cut).
    fn recover(&mut self);
}

/// What a run under outages ended with: the acknowledgements, the store
/// as an offline export read it, what was lost, and the mails delivered.
pub struct Survived {
    pub acked: Acked,
    pub dump: Dump,
    pub problems: Vec<String>,
    pub mails: usize,
    pub secs: f64,
}

impl Survived {
    /// Prints the run's figures (`label`: "crash loop") and fails the test
    /// on any lost or doubled effect, or on too few redemptions to prove
    /// anything. `outages` is how many struck during the run.
    pub fn report<O: Outage>(&self, label: &str, outages: usize, seed: u64) {
        let (a, what) = (&self.acked, O::WHAT);
        eprintln!(
            "{label}: {} ops acknowledged ({} codes, {} redemptions, {} refusals/repeats), {} unanswered at a {what}, \
             {} {what}s survived, {} ops lost, {} referrals in store, {} notice mails each delivered once, {:.1}s",
            a.ops(),
            a.codes.len(),
            a.redeemed.len(),
            a.refused,
            a.unanswered,
            outages + 1,
            self.problems.len(),
            self.dump.referrals.len(),
            self.mails,
            self.secs
        );
        assert!(self.problems.is_empty(), "seed {seed}:\n{}", self.problems.join("\n"));
        assert!(a.redeemed.len() > outages, "too few redemptions to prove anything");
    }
}

/// The seed from `var`, or a fresh one (printed so a run can be replayed).
pub fn seed_from(var: &str) -> u64 {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
    })
}

/// [`CLIENTS`] clients send commands to `vouch serve` on `dir` while the
/// outage strikes `rounds` times, each after `min + below(spread)` further
/// acknowledgements. After each restart every acknowledged code and
/// redemption must be in the store exactly once; a store that does not
/// open is kept under the target dir for a reproduction. The end: a last
/// outage, then an offline export.
pub fn survive<O: Outage>(dir: &Path, seed: u64, rounds: usize, (min, spread): (u64, u64), outage: &mut O) -> Survived {
    let data = dir.join("data");
    let acked = Arc::new(Mutex::new(Acked::default()));
    let names = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut rng = XorShift::new(seed);
    let mut server = Server::start(dir).unwrap_or_else(|e| panic!("{e}"));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (data, acked, names, stop) = (data.clone(), Arc::clone(&acked), Arc::clone(&names), Arc::clone(&stop));
            std::thread::spawn(move || client_loop(i, data, seed, acked, names, stop))
        })
        .collect();
    let started = Instant::now();
    let what = O::WHAT;
    for round in 1..=rounds {
        let target = acked.lock().expect("acked lock").ops() + min + rng.below(spread);
        let wait = Instant::now();
        while acked.lock().expect("acked lock").ops() < target {
            assert!(wait.elapsed() < DEADLINE, "clients stalled before {what} {round}");
            assert!(!clients.iter().any(|c| c.is_finished()), "a client thread panicked");
            std::thread::yield_now();
        }
        outage.strike(server);
        // Nothing is acknowledged while the server is down: this is all of it.
        let (codes, redeemed) = {
            let a = acked.lock().expect("acked lock");
            (a.codes.clone(), a.redeemed.clone())
        };
        let left = outage.left_behind();
        let snapshot = dir.join("left-by-last-outage");
        let _ = std::fs::remove_dir_all(&snapshot);
        copy_dir(&left, &snapshot);
        outage.recover();
        server = match Server::start(dir) {
            Ok(s) => s,
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                let tag = what.replace(' ', "-");
                let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{tag}-repro-{seed}-{round}"));
                let _ = std::fs::remove_dir_all(&keep);
                copy_dir(&snapshot, &keep);
                panic!(
                    "the store did not open after {what} {round} (seed {seed}): {e}\n\
                     what it left: {} (`vouch --data-dir {} export` reproduces)",
                    keep.display(),
                    keep.display()
                );
            }
        };
        let dump = Client::connect(&data).and_then(|mut c| c.export()).expect("export after restart");
        // Redeems sent while the export ran may be in it: read this list after.
        let tried = acked.lock().expect("acked lock").tried_redeem.clone();
        let problems = check(&dump, &codes, &redeemed, &tried);
        assert!(problems.is_empty(), "after {what} {round} (seed {seed}):\n{}", problems.join("\n"));
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client thread");
    }
    outage.strike(server);
    outage.recover();
    let out = dir.join("final.json");
    run_ok(dir, &["export", "--out", out.to_str().expect("utf-8 path")]);
    let dump = read_dump(&out);
    let acked = std::mem::take(&mut *acked.lock().expect("acked lock"));
    let problems = check(&dump, &acked.codes, &acked.redeemed, &acked.tried_redeem);
    let mails = drain_mail(dir);
    Survived { acked, dump, problems, mails, secs: started.elapsed().as_secs_f64() }
}
