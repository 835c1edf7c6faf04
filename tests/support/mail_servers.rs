//! Real mail servers for the end-to-end tests, each on a free loopback port
//! in its own temp dir, stopped when dropped: aiosmtpd as the SMTP sink
//! (every message stored as a file) and Dovecot as the IMAP server (its own
//! config, passwd-file user, maildir, base and state dirs; foreground `-F`).
//! `./scripts/test` installs both; a missing one fails the test loudly.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const START_DEADLINE: Duration = Duration::from_secs(30);

/// A port nothing listens on right now (the OS picks it; released at once).
pub fn free_port() -> u16 {
    free_ports::<1>()[0]
}

/// `N` distinct free ports (all held until all are picked).
pub fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> =
        (0..N).map(|_| TcpListener::bind("127.0.0.1:0").expect("bind a free port")).collect();
    std::array::from_fn(|i| listeners[i].local_addr().expect("local addr").port())
}

fn missing(what: &str, detail: &str) -> ! {
    panic!("{what} is not installed ({detail}); run ./scripts/test (or ./scripts/install-mail-servers) first")
}

/// Polls until `port` accepts connections, failing if `child` exits first.
fn wait_listening(child: &mut Child, port: u16, what: &str, log: &Path) {
    let start = Instant::now();
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("{what} exited ({status}) before listening on {port}:\n{log}");
        }
        assert!(start.elapsed() < START_DEADLINE, "{what} did not listen on {port} in time");
        std::thread::park_timeout(Duration::from_millis(20));
    }
}

/// Stops a server we started: SIGTERM (so Dovecot's master takes its
/// children down), then SIGKILL if it lingers.
fn stop(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::park_timeout(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Appends (so stdout and stderr can share one file).
fn log_file(path: &Path) -> std::fs::File {
    std::fs::OpenOptions::new().create(true).append(true).open(path).expect("log file")
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

/// A private CA and a server certificate for 127.0.0.1 it signed (openssl,
/// P-256), for the TLS tests: clients trust `ca` via `ca=` in their URL.
pub struct Certs {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Certs {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let d = tmp.path();
        std::fs::write(
            d.join("ext.cnf"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .expect("ext.cnf");
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        let steps: [Vec<&str>; 3] = [
            [
                &["req", "-x509"][..],
                &ec,
                &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=vouch test CA"],
            ]
            .concat(),
            [&["req"][..], &ec, &["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]].concat(),
            vec![
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "ext.cnf",
            ],
        ];
        for args in steps {
            let out = Command::new("openssl")
                .args(&args)
                .current_dir(d)
                .output()
                .unwrap_or_else(|e| missing("openssl", &e.to_string()));
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Self { ca: d.join("ca.pem"), cert: d.join("server.pem"), key: d.join("server.key"), _tmp: tmp }
    }
}

/// aiosmtpd on `127.0.0.1:port`.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    /// Mailbox handler: a maildir; reject handler: one file per refused RCPT.
    pub dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl SmtpSink {
    /// Accepts every message and stores it in a maildir (`aiosmtpd.handlers.Mailbox`).
    pub fn start(port: u16) -> Self {
        Self::spawn_with(port, &[], "aiosmtpd.handlers.Mailbox", &[])
    }

    /// Like `start`, requiring STARTTLS with `certs`' server certificate,
    /// then AUTH as `user`/`password` before MAIL (tests/support/smtp_auth.py).
    pub fn start_tls_auth(port: u16, certs: &Certs, user: &str, password: &str) -> Self {
        let (cert, key) = (certs.cert.display().to_string(), certs.key.display().to_string());
        Self::spawn_with(port, &["--tlscert", &cert, "--tlskey", &key], "smtp_auth.AuthMailbox", &[user, password])
    }

    /// Answers every RCPT with `550` (tests/support/smtp_reject.py) and
    /// records each attempt as a file.
    pub fn start_rejecting(port: u16) -> Self {
        Self::spawn_with(port, &[], "smtp_reject.Reject", &[])
    }

    /// `options` go to aiosmtpd; `handler` gets the sink dir, then `args`.
    fn spawn_with(port: u16, options: &[&str], handler: &str, args: &[&str]) -> Self {
        let ok = Command::new(python())
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            missing("aiosmtpd", "python3 -c 'import aiosmtpd' failed");
        }
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("mail");
        let log = tmp.path().join("aiosmtpd.log");
        let support = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
        let mut child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(options)
            .arg("-c")
            .arg(handler)
            .arg(&dir)
            .args(args)
            .env("PYTHONPATH", &support)
            .stdin(Stdio::null())
            .stdout(log_file(&log))
            .stderr(log_file(&log))
            .spawn()
            .expect("start aiosmtpd");
        wait_listening(&mut child, port, "aiosmtpd", &log);
        Self { child, port, dir, _tmp: tmp }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far (Mailbox handler), oldest first.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .flat_map(|sub| std::fs::read_dir(self.dir.join(sub)).into_iter().flatten())
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect()
    }

    /// Refused attempts so far (reject handler).
    pub fn refusals(&self) -> usize {
        std::fs::read_dir(&self.dir).map(|rd| rd.count()).unwrap_or(0)
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

pub const IMAP_USER: &str = "vouch";
pub const IMAP_PASSWORD: &str = "s3cret p@ss";

/// What a test takes away from Dovecot to play a less capable server.
#[derive(Clone, Copy, Debug, Default)]
pub struct Restrict {
    /// Replaces the capabilities announced after login (`imap_capability`),
    /// e.g. a list without MOVE or UIDPLUS.
    pub capability: Option<&'static str>,
    /// An ACL without the `w` right on INBOX: PERMANENTFLAGS there is
    /// `(\Deleted \Seen)`, without `\*`, and a STORE drops keywords silently
    /// (RFC 4314), as on servers that keep no custom keywords.
    pub no_keywords: bool,
}

/// Dovecot serving IMAP for one user, [`IMAP_USER`]: no TLS, or with
/// `start_tls` STARTTLS on `port` and TLS on `tls_port`.
pub struct Dovecot {
    child: Child,
    pub port: u16,
    pub tls_port: u16,
    tmp: tempfile::TempDir,
}

impl Dovecot {
    pub fn start() -> Self {
        Self::spawn(None, Restrict::default())
    }

    pub fn start_tls(certs: &Certs) -> Self {
        Self::spawn(Some(certs), Restrict::default())
    }

    /// Plain IMAP, with what `restrict` takes away.
    pub fn start_restricted(restrict: Restrict) -> Self {
        Self::spawn(None, restrict)
    }

    fn spawn(certs: Option<&Certs>, restrict: Restrict) -> Self {
        let binary = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .unwrap_or_else(|| missing("Dovecot (dovecot-imapd)", "no /usr/sbin/dovecot"));
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        let [port, tls_port] = free_ports::<2>();
        let tls_port = if certs.is_some() { tls_port } else { 0 };
        let ssl = match certs {
            None => "ssl = no\n".to_string(),
            Some(c) => format!("ssl = yes\nssl_cert = <{}\nssl_key = <{}\n", c.cert.display(), c.key.display()),
        };
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        std::fs::write(root.join("users"), format!("{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")).expect("users");
        let (mail_user, mut extra) = mail_user(root);
        if let Some(capability) = restrict.capability {
            extra.push_str(&format!("protocol imap {{\n  imap_capability = {capability}\n}}\n"));
        }
        if restrict.no_keywords {
            // Every right but `w` (flags other than \Seen and \Deleted).
            std::fs::write(root.join("acl"), "INBOX owner lrstipekxa\n").expect("acl");
            extra.push_str(&format!("mail_plugins = acl\nplugin {{\n  acl = vfile:{}/acl\n}}\n", root.display()));
        }
        let config = format!(
            "base_dir = {root}/run\n\
             state_dir = {root}/state\n\
             log_path = {root}/dovecot.log\n\
             protocols = imap\n\
             listen = 127.0.0.1\n\
             {ssl}\
             disable_plaintext_auth = no\n\
             auth_mechanisms = plain login\n\
             first_valid_uid = 1\n\
             {extra}\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%n {root}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail_user} gid={mail_user} home={root}/mail/%n\n}}\n\
             mail_location = maildir:{root}/mail/%n/Maildir\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  \
             inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls_port}\n  }}\n}}\n",
            root = root.display(),
        );
        std::fs::write(root.join("dovecot.conf"), config).expect("config");
        let log = root.join("dovecot.log");
        let mut child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(log_file(&root.join("stdout.log")))
            .stderr(log_file(&root.join("stdout.log")))
            .spawn()
            .expect("start dovecot");
        wait_listening(&mut child, port, "dovecot", &log);
        Self { child, port, tls_port, tmp }
    }

    /// `imap://user:pass@127.0.0.1:PORT/INBOX` plus `query` (e.g. `poll=0.1`).
    pub fn url(&self, query: &str) -> String {
        self.url_with("imap", self.port, query)
    }

    /// `imaps://…` on the TLS port (after `start_tls`).
    pub fn tls_url(&self, query: &str) -> String {
        self.url_with("imaps", self.tls_port, query)
    }

    fn url_with(&self, scheme: &str, port: u16, query: &str) -> String {
        let pass = IMAP_PASSWORD.replace('%', "%25").replace(' ', "%20").replace('@', "%40");
        let query = if query.is_empty() { String::new() } else { format!("?{query}") };
        format!("{scheme}://{IMAP_USER}:{pass}@127.0.0.1:{port}/INBOX{query}")
    }

    pub fn client(&self) -> ImapClient {
        ImapClient::login(self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.tmp.path().join("dovecot.log")).unwrap_or_default()
    }
}

/// Dovecot refuses to deliver mail as root: as root the mail belongs to the
/// package's `dovecot` user; otherwise to us, with Dovecot run rootless.
fn mail_user(root: &Path) -> (String, String) {
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata(root).expect("stat").uid();
    if me == 0 {
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let (uid, gid) = passwd
            .lines()
            .find_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.first() == Some(&"dovecot")).then(|| (f[2].parse::<u32>().ok(), f[3].parse::<u32>().ok()))
            })
            .and_then(|(u, g)| Some((u?, g?)))
            .unwrap_or_else(|| missing("Dovecot's system user", "no `dovecot` in /etc/passwd"));
        // The temp dir is 0700 root; the mail user must reach its maildir.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::os::unix::fs::chown(root.join("mail"), Some(uid), Some(gid)).expect("chown");
        ("dovecot".into(), String::new())
    } else {
        let name = std::env::var("USER").unwrap_or_else(|_| me.to_string());
        (me.to_string(), format!("default_internal_user = {name}\ndefault_login_user = {name}\n"))
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// A minimal IMAP client for arranging and inspecting the server's state,
/// independent of the code under test.
pub struct ImapClient {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    tag: u32,
}

impl ImapClient {
    fn login(port: u16) -> Self {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to dovecot");
        stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
        let mut client = Self { reader: BufReader::new(stream.try_clone().expect("clone")), writer: stream, tag: 0 };
        let mut greeting = String::new();
        client.reader.read_line(&mut greeting).expect("greeting");
        client.ok(&format!("LOGIN {IMAP_USER} \"{IMAP_PASSWORD}\""));
        client
    }

    /// Runs a command; returns the untagged lines, panicking unless it ends OK.
    pub fn ok(&mut self, command: &str) -> Vec<String> {
        let (status, lines) = self.run(command, None);
        assert!(status.contains(" OK"), "IMAP {command:?} failed: {status}");
        lines
    }

    fn run(&mut self, command: &str, literal: Option<&[u8]>) -> (String, Vec<String>) {
        self.tag += 1;
        let tag = format!("t{}", self.tag);
        match literal {
            None => write!(self.writer, "{tag} {command}\r\n").expect("write"),
            Some(bytes) => {
                write!(self.writer, "{tag} {command} {{{}}}\r\n", bytes.len()).expect("write");
                let mut cont = String::new();
                self.reader.read_line(&mut cont).expect("read");
                assert!(cont.starts_with('+'), "no continuation: {cont}");
                self.writer.write_all(bytes).expect("write literal");
                self.writer.write_all(b"\r\n").expect("write");
            }
        }
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            assert!(self.reader.read_line(&mut line).expect("read") > 0, "dovecot closed the connection");
            // A literal in a response: read its bytes as part of this line.
            let literal = line.trim_end().strip_suffix('}').and_then(|l| l.rsplit_once('{')).map(|(_, n)| n.parse());
            if let Some(Ok(n)) = literal {
                let mut buf = vec![0; n];
                self.reader.read_exact(&mut buf).expect("literal");
                line.push_str(&String::from_utf8_lossy(&buf));
                let mut rest = String::new();
                self.reader.read_line(&mut rest).expect("read");
                line.push_str(&rest);
            }
            if line.starts_with(&format!("{tag} ")) {
                return (line.trim_end().to_string(), lines);
            }
            lines.push(line.trim_end().to_string());
        }
    }

    pub fn append(&mut self, mailbox: &str, message: &[u8]) {
        let (status, _) = self.run(&format!("APPEND {mailbox}"), Some(message));
        assert!(status.contains(" OK"), "APPEND failed: {status}");
    }

    /// Messages in `mailbox` (0 when it does not exist).
    pub fn count(&mut self, mailbox: &str) -> usize {
        let (status, lines) = self.run(&format!("STATUS {mailbox} (MESSAGES)"), None);
        if !status.contains(" OK") {
            return 0;
        }
        lines
            .iter()
            .find_map(|l| l.split("MESSAGES ").nth(1))
            .and_then(|n| n.trim_end_matches(')').trim().parse().ok())
            .unwrap_or(0)
    }

    /// The flags of every message in `mailbox`, by UID. Read-only
    /// (EXAMINE), so looking never expunges a message flagged `\Deleted`.
    pub fn flags(&mut self, mailbox: &str) -> Vec<(u32, String)> {
        self.ok(&format!("EXAMINE {mailbox}"));
        let lines = self.ok("UID FETCH 1:* (FLAGS)");
        self.ok("CLOSE");
        lines
            .iter()
            .filter_map(|l| {
                let uid = l.split("UID ").nth(1)?.split([' ', ')']).next()?.parse().ok()?;
                let flags = l.split("FLAGS (").nth(1)?.split(')').next()?.to_string();
                Some((uid, flags))
            })
            .collect()
    }
}

impl Drop for ImapClient {
    fn drop(&mut self) {
        let _ = self.writer.write_all(b"z LOGOUT\r\n");
    }
}
