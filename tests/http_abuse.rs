//! The HTTP surface under abuse: `vouch serve` under a low descriptor limit
//! (`prlimit --nofile=200`) while 300 clients trickle header bytes and never
//! finish a request. The server must close each of them once the header
//! timeout passes, keep its own descriptors bounded (so the control socket
//! and the store always have some), answer `/healthz` once a slot frees,
//! and answer the CLI over the control socket throughout. Nothing sleeps to
//! wait: the clients trickle on a pace, and every check polls a deadline.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/http_client.rs"]
mod http_client;

use binary::{DEADLINE, Killed, lines_of, run_with_stdin, stdout_ok, vouch, vouch_wrapped};
use http_client::{free_port, get};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const FD_LIMIT: usize = 200;
const SLOW_CLIENTS: usize = 300;
const HEADER_TIMEOUT: Duration = Duration::from_millis(1500);
/// How late past the header timeout a close may come on a busy machine.
const SLACK: Duration = Duration::from_secs(4);
/// The pace at which each slow client sends its next header byte.
const TRICKLE_EVERY: Duration = Duration::from_millis(250);

/// One client that starts a request and never finishes its headers.
struct Slow {
    stream: TcpStream,
    opened: Instant,
    /// When the server closed (or reset) it.
    closed: Option<Instant>,
    /// It got a response (the 503 for connections past the limit).
    answered: bool,
}

impl Slow {
    fn open(addr: SocketAddr) -> Option<Self> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
        let opened = Instant::now();
        let mut slow = Self { stream, opened, closed: None, answered: false };
        slow.stream.set_nonblocking(true).ok()?;
        slow.send(b"GET /healthz HTTP/1.1\r\nHost: vouch.test\r\nX-Slow: ");
        Some(slow)
    }

    fn send(&mut self, bytes: &[u8]) {
        match self.stream.write(bytes) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => self.closed = Some(Instant::now()),
        }
    }

    /// Reads what the server sent; notes an end of stream.
    fn check(&mut self) {
        let mut buf = [0u8; 512];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.closed = Some(Instant::now());
                    return;
                }
                Ok(_) => self.answered = true,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(_) => {
                    self.closed = Some(Instant::now());
                    return;
                }
            }
        }
    }

    fn held(&self) -> Option<Duration> {
        self.closed.map(|closed| closed - self.opened)
    }
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}

/// Runs `vouch chat` against the running server over its control socket,
/// giving up (and killing it) after [`DEADLINE`].
fn chat_through_socket(dir: &Path) -> Result<String, String> {
    let mut cmd = vouch(dir);
    cmd.args(["chat", "--as", "alice"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(b"code\n");
    }
    let start = Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err("no answer over the control socket".into());
        }
        std::thread::park_timeout(Duration::from_millis(20));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("{}: {}", out.status, String::from_utf8_lossy(&out.stderr)))
    }
}

/// How long after `since` `/healthz` first answered 200, polling to [`DEADLINE`].
fn healthz_answers(url: &str, since: Instant) -> Option<Duration> {
    loop {
        if let Ok(reply) = get(url)
            && reply.status == 200
        {
            return Some(since.elapsed());
        }
        if since.elapsed() > DEADLINE {
            return None;
        }
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

#[test]
fn slow_clients_are_closed_and_the_control_socket_keeps_answering() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    // A member to ask for, so the control-socket check runs a real command.
    stdout_ok(&run_with_stdin(
        {
            let mut c = vouch(dir);
            c.args(["chat", "--as", "alice"]);
            c
        },
        b"help\n",
    ));
    let port = free_port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut server = vouch_wrapped(dir, &["prlimit", &format!("--nofile={FD_LIMIT}")])
        .args(["serve", "--poll-ms", "200"])
        .env("VOUCH_HTTP_LISTEN", addr.to_string())
        .env("VOUCH_HTTP_HEADER_TIMEOUT_MS", HEADER_TIMEOUT.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve under prlimit");
    let lines = lines_of(server.stdout.take().expect("stdout"));
    let errors = lines_of(server.stderr.take().expect("stderr"));
    let server = Killed(server);
    let pid = server.0.id();
    let start = Instant::now();
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.contains("control socket")) {
        let left = DEADLINE.checked_sub(start.elapsed()).expect("serve started");
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("serve did not start: {seen:?} {:?}", errors.try_iter().collect::<Vec<_>>()),
        }
    }
    // 200 descriptors: 64 stay for the store, the control socket and the rest.
    assert!(seen.iter().any(|l| l.contains("at most 136 HTTP connections at once")), "{seen:?}");
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    assert_eq!(comm.trim(), "vouch", "prlimit execs vouch, so the child's pid is vouch's");
    let fds_at_rest = open_fds(pid);

    let flood = Instant::now();
    let mut clients: Vec<Slow> = Vec::new();
    let mut refused = 0;
    for _ in 0..SLOW_CLIENTS {
        match Slow::open(addr) {
            Some(c) => clients.push(c),
            None => refused += 1,
        }
    }
    let connected = flood.elapsed();
    // The control socket and /healthz are checked while the slow clients hold on.
    let (tx, rx) = mpsc::channel();
    {
        let (dir, tx) = (dir.to_path_buf(), tx.clone());
        std::thread::spawn(move || {
            let asked = Instant::now();
            let _ = tx.send(("chat", chat_through_socket(&dir), asked.elapsed()));
        });
    }
    {
        let url = format!("http://{addr}/healthz");
        std::thread::spawn(move || {
            let answered = healthz_answers(&url, flood);
            let result = answered.map(|_| String::new()).ok_or_else(|| "no 200 before the deadline".to_string());
            let _ = tx.send(("healthz", result, answered.unwrap_or_default()));
        });
    }

    let mut max_fds = open_fds(pid);
    let mut max_open = 0;
    let watch_until = HEADER_TIMEOUT + SLACK + Duration::from_secs(2);
    while flood.elapsed() < watch_until && clients.iter().any(|c| c.closed.is_none()) {
        for c in clients.iter_mut().filter(|c| c.closed.is_none()) {
            c.check();
            if c.closed.is_none() {
                c.send(b"a");
            }
        }
        max_open = max_open.max(clients.iter().filter(|c| c.closed.is_none()).count());
        max_fds = max_fds.max(open_fds(pid));
        std::thread::park_timeout(TRICKLE_EVERY);
    }
    let mut checks = std::collections::HashMap::from([
        ("chat", (Err("no answer yet".to_string()), Duration::ZERO)),
        ("healthz", (Err("no answer yet".to_string()), Duration::ZERO)),
    ]);
    for _ in 0..2 {
        let Ok((what, result, took)) = rx.recv_timeout(DEADLINE) else { break };
        checks.insert(what, (result, took));
    }

    let still_open = clients.iter().filter(|c| c.closed.is_none()).count();
    let answered = clients.iter().filter(|c| c.answered).count();
    let longest = clients.iter().filter_map(Slow::held).max().unwrap_or_default();
    let at_timeout = clients.iter().filter_map(Slow::held).filter(|h| *h >= HEADER_TIMEOUT).count();
    eprintln!(
        "slow clients: {} connected in {connected:?} ({refused} could not connect), {still_open} still open \
         after {:?}, {answered} answered (503 past the limit), {at_timeout} closed at the header timeout, \
         longest held {longest:?}; fds at rest {fds_at_rest}, at most {max_fds} (limit {FD_LIMIT}), \
         most open at once {max_open}; chat over the socket: {:?}; /healthz 200 after {:?}",
        clients.len(),
        flood.elapsed(),
        checks["chat"],
        checks["healthz"],
    );

    assert_eq!(refused, 0, "every slow client got a TCP connection (the kernel's backlog takes them)");
    assert_eq!(still_open, 0, "every slow client was closed");
    assert!(longest <= HEADER_TIMEOUT + SLACK, "a slow client was held {longest:?}");
    assert!(
        clients.iter().all(|c| c.answered || c.held().is_some_and(|h| h >= HEADER_TIMEOUT)),
        "each slow client was turned away with a 503 or closed at the header timeout, not before"
    );
    assert!(max_fds + 16 <= FD_LIMIT, "{max_fds} descriptors open under a limit of {FD_LIMIT}");
    let (chat, _) = &checks["chat"];
    assert!(chat.as_ref().is_ok_and(|out| out.contains("Your referral code")), "control socket: {chat:?}");
    let (healthz, _) = &checks["healthz"];
    assert!(healthz.is_ok(), "/healthz never answered 200");
    // A stop still finishes cleanly, as before.
    assert!(Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill").success());
    let mut server = server;
    let stopped = Instant::now();
    while server.0.try_wait().expect("wait").is_none() {
        assert!(stopped.elapsed() < DEADLINE, "serve did not stop on SIGTERM");
        std::thread::park_timeout(Duration::from_millis(20));
    }
    assert!(server.0.wait().expect("exit").success());
    // It has exited: both streams end, so these reads are bounded.
    assert!(lines.iter().any(|l| l == "vouch: stopped"));
    let complaints: Vec<String> = errors.iter().filter(|l| l.contains("Too many open files")).collect();
    assert!(complaints.is_empty(), "{complaints:?}");
}
