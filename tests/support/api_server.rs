//! `vouch serve` with the HTTP API on a free loopback port, for
//! tests/api.rs and tests/stripe.rs: the CLI beside it (over the control
//! socket), JSON calls with a key.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::binary::{Killed, run_with_stdin, stdout_ok, vouch, wait_for};
use super::http_client::{Reply, free_port, get, request_with};

pub struct Served {
    pub dir: tempfile::TempDir,
    pub base: String,
    env: Vec<(String, String)>,
    _server: Killed,
}

/// A JSON answer: status, headers and the parsed body.
#[derive(Debug)]
pub struct Json {
    pub status: u16,
    pub reply: Reply,
    pub body: serde_json::Value,
}

impl Json {
    /// `error.code` of an error answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }
}

impl Served {
    /// Starts `serve` with `env` on top of the HTTP listener's.
    pub fn start(env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        env.push(("VOUCH_HTTP_LISTEN".into(), format!("127.0.0.1:{port}")));
        let mut cmd = vouch(dir.path());
        cmd.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let server = cmd.args(["serve", "--poll-ms", "50"]).stdout(Stdio::null()).stderr(Stdio::inherit()).spawn();
        let server = Killed(server.expect("spawn serve"));
        wait_for("the HTTP server", || get(&format!("{base}/healthz")).is_ok_and(|r| r.status == 200));
        let socket = dir.path().join("data/vouch.sock");
        wait_for("the control socket", || socket.exists());
        Self { dir, base, env, _server: server }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cmd(&self) -> Command {
        let mut cmd = vouch(self.dir.path());
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    /// The CLI beside the running serve.
    pub fn cli(&self, args: &[&str]) -> Output {
        let mut cmd = self.cmd();
        cmd.args(args);
        run_with_stdin(cmd, b"")
    }

    pub fn chat(&self, who: &str, line: &str) -> String {
        let mut cmd = self.cmd();
        cmd.args(["chat", "--as", who]);
        stdout_ok(&run_with_stdin(cmd, format!("{line}\n").as_bytes()))
    }

    /// A new API key with `scopes`, made with the CLI.
    pub fn key(&self, name: &str, scopes: &str) -> String {
        let out = self.cli(&["api-key", "create", name, "--scopes", scopes]);
        let key = stdout_ok(&out).trim().to_string();
        assert!(key.starts_with("vk_") && key.len() > 40, "{key}");
        key
    }

    /// Alice's (or anyone's) referral code, from `code` at the console.
    pub fn code_of(&self, who: &str) -> String {
        let text = self.chat(who, "code");
        text.split('`').nth(1).unwrap_or_else(|| panic!("no code in {text}")).to_string()
    }

    pub fn export(&self) -> serde_json::Value {
        serde_json::from_str(&stdout_ok(&self.cli(&["export"]))).expect("export is JSON")
    }

    /// A call with `key` (if any) and extra headers.
    pub fn call(&self, method: &str, path: &str, key: Option<&str>, headers: &[(&str, &str)], body: &[u8]) -> Json {
        let auth = key.map(|k| format!("Bearer {k}"));
        let mut all: Vec<(&str, &str)> = vec![("Content-Type", "application/json")];
        if let Some(auth) = &auth {
            all.push(("Authorization", auth));
        }
        all.extend_from_slice(headers);
        let reply = request_with(method, &format!("{}{path}", self.base), &all, body).expect("request");
        let body = serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("not JSON ({e}): {reply:?}"));
        Json { status: reply.status, reply, body }
    }

    pub fn post(&self, path: &str, key: &str, body: serde_json::Value) -> Json {
        self.call("POST", path, Some(key), &[], body.to_string().as_bytes())
    }

    pub fn get(&self, path: &str, key: &str) -> Json {
        self.call("GET", path, Some(key), &[], b"")
    }
}
