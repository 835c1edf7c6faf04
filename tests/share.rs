//! Share links end to end: `vouch serve` with `VOUCH_HTTP_LISTEN`,
//! `VOUCH_PUBLIC_URL` and `VOUCH_SHARE_URL`, real HTTP on loopback. `code`
//! shares `/r/CODE`; a visit redirects with `vouch_click`; one visitor is one
//! unique visitor however often they click; HEAD and link previews are
//! redirected but not counted; an unknown code is a 404 page; `mine` and
//! `report` show the numbers; the clicks survive a restart and an export →
//! import, and no raw IP reaches the data.

#[path = "support/binary.rs"]
mod binary;
#[path = "support/http_client.rs"]
mod http_client;

use binary::{Killed, run_with_stdin, stdout_ok, vouch, wait_for};
use http_client::{Reply, free_port, get, request_with};
use std::path::Path;
use std::process::{Command, Stdio};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SHARE_URL: &str = "https://acme.example/join?src=chat&ref={code}";

struct Vouch<'a> {
    dir: &'a Path,
    base: String,
    port: u16,
    share_url: Option<&'a str>,
}

impl Vouch<'_> {
    fn cmd(&self) -> Command {
        let mut cmd = vouch(self.dir);
        cmd.env("VOUCH_HTTP_LISTEN", format!("127.0.0.1:{}", self.port)).env("VOUCH_PUBLIC_URL", &self.base);
        if let Some(url) = self.share_url {
            cmd.env("VOUCH_SHARE_URL", url);
        }
        cmd
    }

    fn serve(&self) -> Killed {
        let child =
            self.cmd().args(["serve"]).stdout(Stdio::null()).stderr(Stdio::inherit()).spawn().expect("spawn serve");
        let server = Killed(child);
        wait_for("the HTTP server", || get(&format!("{}/healthz", self.base)).is_ok_and(|r| r.status == 200));
        server
    }

    fn admin(&self, args: &[&str]) -> String {
        let mut cmd = self.cmd();
        cmd.args(args);
        stdout_ok(&run_with_stdin(cmd, b""))
    }

    fn chat(&self, who: &str, line: &str) -> String {
        let mut cmd = self.cmd();
        cmd.args(["chat", "--as", who]);
        stdout_ok(&run_with_stdin(cmd, format!("{line}\n").as_bytes()))
    }

    /// A visit of `/r/{code}` from `ip` (as a local reverse proxy names it).
    fn visit(&self, method: &str, code: &str, ip: &str, ua: &str, extra: &[(&str, &str)]) -> Reply {
        let mut headers = vec![("User-Agent", ua), ("X-Forwarded-For", ip)];
        headers.extend_from_slice(extra);
        request_with(method, &format!("{}/r/{code}", self.base), &headers, b"").expect("share link")
    }
}

/// The `vouch_click` a redirect carries, if any.
fn click_of(reply: &Reply) -> Option<String> {
    let location = reply.header("location")?;
    location.split(['?', '&']).find_map(|p| p.strip_prefix("vouch_click=")).map(str::to_string)
}

#[track_caller]
fn redirected(reply: &Reply, code: &str) -> Option<String> {
    assert_eq!(reply.status, 302, "{reply:?}");
    let location = reply.header("location").expect("a Location");
    let expected = format!("https://acme.example/join?src=chat&ref={code}");
    assert!(location.starts_with(&expected), "{location} does not start with {expected}");
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{reply:?}");
    click_of(reply)
}

#[track_caller]
fn not_found(reply: &Reply, words: &str) {
    assert_eq!(reply.status, 404, "{reply:?}");
    assert_eq!(reply.header("location"), None, "{reply:?}");
    assert!(reply.body.contains(words), "{words:?} not in {reply:?}");
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"), "{reply:?}");
    for (name, value) in
        [("cache-control", "no-store"), ("x-content-type-options", "nosniff"), ("x-frame-options", "DENY")]
    {
        assert_eq!(reply.header(name), Some(value), "{reply:?}");
    }
}

#[test]
fn share_links_redirect_count_visitors_not_previews_and_keep_the_clicks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let v = Vouch { dir: tmp.path(), base: base.clone(), port, share_url: Some(SHARE_URL) };
    let server = v.serve();

    // `code` shares vouch's own link.
    let out = v.chat("alice", "code");
    let link_start = out.find(&format!("{base}/r/")).unwrap_or_else(|| panic!("no share link in {out}"));
    let code: String = out[link_start + base.len() + 3..].chars().take(9).collect();
    assert!(code.len() == 9 && code.as_bytes()[4] == b'-', "{code:?} from {out}");
    let typed = code.replace('-', "").to_lowercase();

    // Lower case without the dash; the referrer's host is kept, not its path.
    let referer = [("Referer", "https://t.me/acme_chat/123?single")];
    let first = redirected(&v.visit("GET", &typed, "198.51.100.7", FIREFOX, &referer), &code).expect("counted");
    let second = redirected(&v.visit("GET", &code, "198.51.100.7", FIREFOX, &[]), &code).expect("counted");
    let third = redirected(&v.visit("GET", &typed, "198.51.100.8", FIREFOX, &[]), &code).expect("counted");
    assert!(first != second && second != third, "{first} {second} {third}");
    // Previews and HEAD are redirected, never counted.
    for ua in ["TelegramBot (like TwitterBot)", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"] {
        assert_eq!(redirected(&v.visit("GET", &typed, "198.51.100.9", ua, &[]), &code), None, "{ua}");
    }
    let head = v.visit("HEAD", &typed, "198.51.100.10", FIREFOX, &[]);
    assert_eq!(redirected(&head, &code), None);

    // Unknown codes and garbage: a 404 page in the visitor's language.
    not_found(&v.visit("GET", "22222222", "198.51.100.7", FIREFOX, &[]), "This link does not work");
    let russian = [("Accept-Language", "ru-RU,ru;q=0.9")];
    not_found(&v.visit("GET", "hello", "198.51.100.7", FIREFOX, &russian), "Эта ссылка не работает");

    // Three clicks from two visitors.
    let mine = v.chat("alice", "mine");
    assert!(mine.contains("clicks 3, unique visitors 2"), "{mine}");
    v.chat("bob", &format!("redeem {typed}"));
    let report = v.admin(&["report"]);
    assert!(report.contains("Funnel: clicks 3 (unique visitors 2) → signups 1 (50.0% of visitors)"), "{report}");
    assert!(report.contains("clicks 3 (visitors 2) → signups 50.0%"), "{report}");

    // A flood from one visitor still redirects, but stops being recorded.
    let flood: Vec<Option<String>> =
        (0..12).map(|_| redirected(&v.visit("GET", &typed, "198.51.100.7", FIREFOX, &[]), &code)).collect();
    let recorded = flood.iter().flatten().count();
    assert!(recorded < flood.len(), "every one of {} recorded", flood.len());
    let clicks = 3 + recorded;

    // Durable: after a SIGKILL and a restart the clicks are all there.
    drop(server);
    let server = v.serve();
    let dump = v.admin(&["export"]);
    let json: serde_json::Value = serde_json::from_str(&dump).expect("export is JSON");
    let stored = json["clicks"].as_array().expect("clicks in the export");
    assert_eq!(stored.len(), clicks, "{stored:?}");
    assert_eq!(stored[0]["referrer"], "t.me", "{stored:?}");
    assert_eq!(format!("C{}", stored[0]["id"]), first);
    for secret in ["198.51.100", "127.0.0.1", "Firefox", "acme_chat"] {
        assert!(!dump.contains(secret), "{secret} in the export");
    }
    drop(server);

    // Export -> import keeps the clicks and their counts.
    let file = tmp.path().join("export.json");
    std::fs::write(&file, &dump).expect("write export");
    let other = tempfile::tempdir().expect("tempdir");
    let w = Vouch { dir: other.path(), base: base.clone(), port, share_url: None };
    w.admin(&["import", file.to_str().expect("utf8")]);
    let again: serde_json::Value = serde_json::from_str(&w.admin(&["export"])).expect("export is JSON");
    assert_eq!(again["clicks"], json["clicks"]);
    let doctor = w.admin(&["doctor"]);
    assert!(doctor.contains("healthy:") && doctor.contains(&format!(" clicks {clicks},")), "{doctor}");

    // Without VOUCH_SHARE_URL, the link shows the code and how to use it.
    let _server = w.serve();
    let landing = w.visit("GET", &typed, "198.51.100.11", FIREFOX, &[]);
    assert_eq!(landing.status, 200, "{landing:?}");
    assert!(landing.body.contains(&code) && landing.body.contains("redeem"), "{landing:?}");
    assert_eq!(landing.header("location"), None);
    let mine = w.chat("alice", "mine");
    assert!(mine.contains(&format!("clicks {}, unique visitors 3", clicks + 1)), "{mine}");
}
