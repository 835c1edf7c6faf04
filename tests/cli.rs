//! End-to-end tests of the `vouch` binary: real processes, real data dirs,
//! the control socket between them, and the outbox writing real mail files.
//! Nothing sleeps: every wait polls a condition with a deadline.

#[path = "support/binary.rs"]
mod binary;
use binary::{DEADLINE, Killed, lines_of, run_with_stdin, stdout_ok, vouch, wait_for};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Instant;

fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut cmd = vouch(dir);
    cmd.args(args);
    run_with_stdin(cmd, stdin.as_bytes())
}

fn chat(dir: &Path, who: &str, lines: &str) -> String {
    stdout_ok(&run(dir, &["chat", "--as", who], lines))
}

fn admin(dir: &Path, args: &[&str]) -> String {
    stdout_ok(&run(dir, args, ""))
}

/// The first `XXXX-XXXX` code in a text.
fn find_code(text: &str) -> String {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| {
            w.len() == 9
                && w.as_bytes()[4] == b'-'
                && w.chars().all(|c| c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .unwrap_or_else(|| panic!("no code in:\n{text}"))
        .to_string()
}

fn wait_line(rx: &mpsc::Receiver<String>, needle: &str) -> String {
    let start = Instant::now();
    let mut seen = String::new();
    loop {
        let left =
            DEADLINE.checked_sub(start.elapsed()).unwrap_or_else(|| panic!("no line with {needle:?}; saw:\n{seen}"));
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return line,
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
            }
            Err(_) => panic!("no line with {needle:?}; saw:\n{seen}"),
        }
    }
}

#[test]
fn members_and_an_organizer_run_the_whole_referral_flow() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let alice = chat(dir, "alice", "code\n");
    assert!(alice.contains("Your referral code for customer"), "{alice}");
    let code = find_code(&alice);

    let bob = chat(dir, "bob", &format!("/redeem {}\nmine\n", code.to_lowercase()));
    assert!(bob.contains("Welcome! You joined with alice's code"), "{bob}");
    assert!(bob.contains("You haven't referred anyone yet"), "{bob}");

    let alice = chat(dir, "alice", "mine\n");
    assert!(alice.contains("R1 bob — joined with your code"), "{alice}");
    assert!(alice.contains("📬 Good news, alice: bob just joined"), "notice delivered on next visit: {alice}");

    let refused = chat(dir, "bob", "referrals\n");
    assert!(refused.contains("is for organizers only"), "{refused}");
    let granted = admin(dir, &["role", "grant", "carol", "organizer"]);
    assert!(granted.contains("is now organizer"), "{granted}");

    let carol = chat(dir, "carol", "referrals\nconvert R1 1200\napprove R1\n");
    assert!(carol.contains("R1 alice → bob"), "{carol}");
    assert!(carol.contains("worth $1,200.00"), "{carol}");
    assert!(carol.contains("Approved R1"), "{carol}");

    let why = chat(dir, "alice", "why\n");
    assert!(why.contains("W1 $50.00 account credit — for referring bob (referral R1, customer)"), "{why}");
    assert!(why.contains("pending → 2026") || why.contains("pending →"), "{why}");
    assert!(why.contains("Earned: $50.00"), "{why}");
    let bob = chat(dir, "bob", "why\n");
    assert!(bob.contains("20% off — for joining through alice"), "{bob}");
    assert!(bob.contains("📬 bob, your reward is confirmed: 20% off"), "{bob}");

    let help = admin(dir, &["help"]);
    assert!(help.contains("Organizer commands:") && help.contains("`convert REFERRAL [VALUE]`"), "{help}");

    let report = admin(dir, &["report"]);
    assert!(report.contains("Conversion rate: 100.0%"), "{report}");
    assert!(report.contains("Revenue from referrals: $1,200.00"), "{report}");
}

#[test]
fn refusals_are_polite_and_specific() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let code = find_code(&chat(dir, "alice", "code\n"));
    let out = chat(dir, "alice", &format!("redeem {code}\nredeem 1234\nfrobnicate\nreedem {code}\n"));
    assert!(out.contains("you can't refer yourself"), "{out}");
    assert!(out.contains("That doesn't look like a referral code"), "{out}");
    assert!(out.contains("I don't know the command \"frobnicate\""), "{out}");
    assert!(out.contains("Did you mean `redeem`?"), "{out}");

    let bad = run(dir, &["chat", "--as", "no spaces allowed"], "help\n");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("isn't an identity"), "{bad:?}");
}

#[test]
fn organizers_are_seeded_from_the_environment() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = vouch(tmp.path())
        .args(["chat", "--as", "dana"])
        .env("VOUCH_ORGANIZERS", "dana, telegram:42")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    stdout_ok(&out);
    let listing = stdout_ok(
        &vouch(tmp.path())
            .args(["chat", "--as", "dana"])
            .env("VOUCH_ORGANIZERS", "dana")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                c.stdin.take().expect("stdin").write_all(b"program list\n")?;
                c.wait_with_output()
            })
            .expect("run"),
    );
    assert!(listing.contains("customer"), "{listing}");
}

#[test]
fn a_second_process_talks_through_the_first_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let mut host = vouch(dir)
        .args(["chat", "--as", "alice"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn host");
    let mut host_in = host.stdin.take().expect("stdin");
    let lines = lines_of(host.stdout.take().expect("stdout"));
    let host = Killed(host);
    host_in.write_all(b"code\n").expect("write");
    let code = find_code(&wait_line(&lines, "Your referral code"));
    wait_for("control socket", || dir.join("data/vouch.sock").exists());

    // bob's chat finds the data dir locked and goes through alice's process.
    let bob = chat(dir, "bob", &format!("redeem {code}\n"));
    assert!(bob.contains("Welcome! You joined with alice's code"), "{bob}");
    let referrals = admin(dir, &["referrals"]);
    assert!(referrals.contains("R1 alice → bob"), "{referrals}");

    host_in.write_all(b"mine\n").expect("write");
    wait_line(&lines, "R1 bob");
    drop(host_in);
    let mut host = host;
    let status = host.0.wait().expect("host exits when stdin closes");
    assert!(status.success());
    assert!(!dir.join("data/vouch.sock").exists(), "the control socket is removed on exit");
}

#[test]
fn export_and_import_round_trip_losslessly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let code = find_code(&chat(dir, "alice", "code\n"));
    chat(dir, "bob", &format!("redeem {code}\nnps 9 nice\nheard a friend\n"));
    admin(dir, &["convert", "R1", "300"]);
    // Newer parts of the store travel too: the wish list, a company, public thanks.
    admin(dir, &["wish", "add", "Northwind", "Traders", "northwind.example"]);
    chat(dir, "alice", "shoutout on\nrefer Jane Doe (Northwind Traders) jane@northwind.example\n");
    let first = dir.join("first.json");
    admin(dir, &["export", "--out", first.to_str().expect("utf8")]);

    let other = tmp.path().join("other");
    let import = vouch(dir)
        .args(["--data-dir", other.to_str().expect("utf8"), "import", first.to_str().expect("utf8")])
        .output()
        .expect("import");
    stdout_ok(&import);
    let second = dir.join("second.json");
    let export = vouch(dir)
        .args(["--data-dir", other.to_str().expect("utf8"), "export", "--out", second.to_str().expect("utf8")])
        .output()
        .expect("export");
    stdout_ok(&export);
    let a = std::fs::read_to_string(&first).expect("first");
    let b = std::fs::read_to_string(&second).expect("second");
    assert_eq!(a, b, "export → import → export is identical");
    assert!(a.contains("\"referrals\"") && a.contains("\"state\": \"converted\""), "{a}");
    for kept in ["\"wishes\"", "\"state\": \"met\"", "\"company\": \"Northwind Traders\"", "\"public_thanks\": true"] {
        assert!(a.contains(kept), "{kept} missing from the export");
    }

    // Importing twice is refused: the target must be empty.
    let again = vouch(dir)
        .args(["--data-dir", other.to_str().expect("utf8"), "import", first.to_str().expect("utf8")])
        .output()
        .expect("import");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"), "{again:?}");
}

fn maildir_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("data/mail/new"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

#[test]
fn serve_delivers_email_notices_and_refuses_a_second_server() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let code = find_code(&chat(dir, "email:ann@example.org", "code\n"));
    chat(dir, "dan", &format!("redeem {code}\n"));

    let mut server = vouch(dir)
        .args(["serve", "--poll-ms", "50"])
        .env("VOUCH_MAIL_FROM", "Acme Referrals <referrals@acme.example>")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn serve");
    let lines = lines_of(server.stdout.take().expect("stdout"));
    let server = Killed(server);
    wait_line(&lines, "no chat or email frontends configured");
    wait_for("the notice in the maildir", || !maildir_files(dir).is_empty());
    let files = maildir_files(dir);
    assert_eq!(files.len(), 1);
    let mail = std::fs::read_to_string(&files[0]).expect("mail");
    assert!(mail.contains("To: ann@example.org"), "{mail}");
    assert!(mail.contains("From: \"Acme Referrals\" <referrals@acme.example>"), "{mail}");
    // The row id (resends collapse) and a random token (not guessable).
    let id = mail.lines().find_map(|l| l.strip_prefix("Message-ID: ")).expect("a Message-ID");
    let token = id.strip_prefix("<vouch.outbox.1.").and_then(|rest| rest.strip_suffix("@acme.example>"));
    assert!(token.is_some_and(|t| t.len() == 8 && t.bytes().all(|b| b.is_ascii_alphanumeric())), "{id}");
    assert!(mail.contains("Auto-Submitted: auto-generated"), "{mail}");
    assert!(mail.contains("dan joined with your code!"), "subject from template: {mail}");

    let second = vouch(dir).args(["serve"]).output().expect("second serve");
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already running"), "{second:?}");

    // Chat still works through the server's control socket.
    let via_server = chat(dir, "erin", "help\n");
    assert!(via_server.contains("Here is what I can do"), "{via_server}");

    // Export and backup stream through the running serve: the same document.
    wait_for("the notice marked sent", || admin(dir, &["export"]).contains("\"state\": \"sent\""));
    let remote = admin(dir, &["export"]);
    let backup = admin(dir, &["backup"]);
    let backup = std::fs::read_to_string(backup.trim()).expect("the backup file");
    assert_eq!(backup, remote, "backup and export through serve are one snapshot");
    assert!(remote.ends_with("}\n") && remote.contains("\n  \"members\": ["), "pretty JSON: {remote}");

    let pid = server.0.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(status.success());
    wait_line(&lines, "vouch: stopped");
    // Delivered rows are marked sent: a restart sends nothing again.
    let mut server = server;
    assert!(server.0.wait().expect("exit").success());
    let dump = admin(dir, &["export"]);
    assert!(dump.contains("\"state\": \"sent\""), "{dump}");
    assert_eq!(dump, remote, "the export through serve is the export read directly");
    assert_eq!(maildir_files(dir).len(), 1);
}

#[test]
fn serve_refuses_to_send_smtp_credentials_in_clear_text_to_another_host() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = vouch(tmp.path())
        .args(["serve"])
        .env("VOUCH_SMTP_URL", "smtp://vouch:hunter2@mail.example.org:587")
        .stdin(Stdio::null())
        .output()
        .expect("run serve");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started: {out:?}");
    assert!(stderr.contains("VOUCH_SMTP_URL") && stderr.contains("?tls=required"), "{stderr}");
    assert!(stderr.contains("mail.example.org without TLS"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "the password was printed: {stderr}");
}

#[test]
fn demo_shows_the_flows_end_to_end() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = admin(tmp.path(), &["demo"]);
    for needle in [
        "Alice asks for her referral code",
        "Welcome! You joined with Alice's code",
        "Approved R1",
        "LTV:CAC 4.5",
        "📬",
        "you're invited to Referral mastermind",
        "you're on the waitlist: number 1 in line",
        "a seat opened up at Referral mastermind",
        "Coming (2): Alice, Dan",
        "(mail out) To: dana@partner.example — Subject: Re: Fwd: Looking for a referral tool",
        "Subject: Acme Community: would you like an introduction?",
        "Dana Champion introduced you to Acme Community",
        "Yes, introduce me: https://vouch.acme.example/a/",
        "Jane Doe said yes to Dana Champion's introduction",
    ] {
        assert!(out.contains(needle), "demo lacks {needle:?}:\n{out}");
    }
}

/// `vouch export --csv`: the organizer's spreadsheet, one row per referral
/// or reward, with names that try formula injection defused.
#[test]
fn referrals_and_rewards_export_as_csv_for_a_spreadsheet() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let code = find_code(&chat(dir, "alice", "code\n"));
    chat(dir, "bob", &format!("redeem {code}\n"));
    admin(dir, &["convert", "R1", "1200"]);
    let mut evil = vouch(dir);
    evil.args(["chat", "--as", "carol", "--name", "=HYPERLINK(\"http://evil.example\")"]);
    stdout_ok(&binary::run_with_stdin(evil, b"refer Jane Doe (Acme, Inc.) jane@acme.example met at \"SaaStr\"\n"));

    let out = stdout_ok(&vouch(dir).args(["export", "--csv", "referrals"]).output().expect("export"));
    let mut rows = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = rows.headers().expect("header").iter().map(str::to_string).collect();
    assert_eq!(&header[..6], ["id", "date", "program", "state", "introduction", "source"]);
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.expect("a row")).collect();
    assert_eq!(rows.len(), 2, "{out}");
    let col = |row: &csv::StringRecord, name: &str| row[header.iter().position(|h| h == name).expect(name)].to_string();
    assert_eq!(col(&rows[0], "state"), "converted");
    assert_eq!(col(&rows[0], "value"), "1200.00");
    assert_eq!(col(&rows[1], "referrer"), "'=HYPERLINK(\"http://evil.example\")", "a formula is text");
    assert_eq!(col(&rows[1], "company"), "Acme, Inc.");
    assert_eq!(col(&rows[1], "introduction"), "consent_requested");

    let file = dir.join("rewards.csv");
    vouch(dir).args(["export", "--csv", "rewards", "--out", file.to_str().expect("utf8")]).output().expect("export");
    let rewards = std::fs::read_to_string(&file).expect("written");
    assert!(
        rewards.starts_with("id,date,program,referral,member,email,side,reward,cost,currency,status\n"),
        "{rewards}"
    );
    assert_eq!(rewards.lines().count(), 3, "both sides of R1: {rewards}");

    let members = stdout_ok(&vouch(dir).args(["export", "--csv", "members"]).output().expect("export"));
    let mut table = csv::Reader::from_reader(members.as_bytes());
    let header: Vec<String> = table.headers().expect("header").iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = table.records().map(|r| r.expect("a row")).collect();
    let row = |name: &str| rows.iter().find(|r| &r[1] == name).unwrap_or_else(|| panic!("{name}: {members}"));
    let col = |row: &csv::StringRecord, name: &str| row[header.iter().position(|h| h == name).expect(name)].to_string();
    let alice = row("alice");
    assert_eq!((col(alice, "referred"), col(alice, "converted")), ("1".into(), "1".into()));
    assert_eq!(col(alice, "identities"), "console:alice");
    let jane = row("Jane Doe");
    assert_eq!((col(jane, "email"), col(jane, "company")), ("jane@acme.example".into(), "Acme, Inc.".into()));
    assert_eq!((col(jane, "referred"), col(jane, "opted_out")), ("0".into(), "false".into()));
}

/// Everything under the data dir is the operator's alone: the store, the
/// backups and exports (which carry the link-signing key), the mail outbox.
/// A data dir left readable by an earlier version is tightened on open.
#[test]
fn the_data_dir_and_everything_vouch_writes_in_it_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(data.join("notes.txt"), "left here by hand").expect("write");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(data.join("notes.txt"), std::fs::Permissions::from_mode(0o644)).expect("chmod");

    let out = run(dir, &["chat", "--as", "alice"], "code\n");
    stdout_ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("readable by others") && stderr.contains("2 entries"), "{stderr}");
    admin(dir, &["backup"]);
    let export = data.join("export.json");
    admin(dir, &["export", "--out", export.to_str().expect("utf8")]);
    let csv = data.join("referrals.csv");
    admin(dir, &["export", "--csv", "referrals", "--out", csv.to_str().expect("utf8")]);
    assert!(export.exists() && csv.exists());

    let mut seen = 0;
    let mut pending = vec![data.clone()];
    while let Some(path) = pending.pop() {
        let meta = std::fs::symlink_metadata(&path).expect("metadata");
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_dir() {
            assert_eq!(mode, 0o700, "{} is {mode:o}", path.display());
            pending.extend(std::fs::read_dir(&path).expect("read_dir").map(|e| e.expect("entry").path()));
        } else {
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", path.display());
        }
        seen += 1;
    }
    assert!(seen > 5, "the store, backups and exports were all checked: {seen}");
    let again = run(dir, &["chat", "--as", "alice"], "mine\n");
    assert!(!String::from_utf8_lossy(&again.stderr).contains("readable by others"), "tightened once");
}

/// A script can trust the exit code: 0 done, 65 refused (fix the command),
/// 75 not now (run it again later); the reason is printed either way and a
/// refused command changes nothing.
#[test]
fn a_refused_command_exits_non_zero_with_its_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let status = |args: &[&str]| {
        let out = run(dir, args, "");
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, text) =
        status(&["event", "create", "--kind", "lunch", "--title", "Past", "--start", "2001-01-01 12:00"]);
    assert_eq!(code, Some(65), "a past start is refused: {text}");
    assert!(!text.trim().is_empty(), "the reason is printed");
    let (code, text) = status(&["events"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("Past"), "the refused event was not created: {text}");
    let (code, text) = status(&["convert", "R404", "100"]);
    assert_eq!(code, Some(65), "{text}");
    assert!(text.contains("R404"), "{text}");
    let (code, text) = status(&["no-such-command"]);
    assert_eq!(code, Some(65), "{text}");
    let (code, _) = status(&["program", "list"]);
    assert_eq!(code, Some(0));
}
