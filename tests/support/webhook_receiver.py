"""A webhook receiver for tests/webhooks.rs, on 127.0.0.1.

Each POST is verified with PyPI's `standardwebhooks` (an implementation of
the Standard Webhooks signature independent of vouch's) using the secret
configured for its path, and logged as one JSON line: the webhook-id, the
event type, the raw body and headers, and the answer given. Unverified
requests get 400.

usage: webhook_receiver.py PORT LOG --secret PATH=SECRET [...]
         [--fail-first PATH:TYPE]   answer 500 to the first delivery of TYPE on PATH
         [--hold-first PATH:TYPE --release FILE]
                                    hold the first delivery of TYPE on PATH
                                    unanswered until FILE exists
"""

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("log")
parser.add_argument("--secret", action="append", default=[])
parser.add_argument("--fail-first", action="append", default=[])
parser.add_argument("--hold-first", action="append", default=[])
parser.add_argument("--release")
args = parser.parse_args()

hooks = {path: Webhook(secret) for path, secret in (s.split("=", 1) for s in args.secret)}
fail_first = set(args.fail_first)
hold_first = set(args.hold_first)
seen = set()
lock = threading.Lock()


def log(entry):
    with lock:
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def answer(self, status):
        try:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass  # vouch went away while we held the request

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        entry = {
            "path": self.path,
            "id": headers.get("webhook-id"),
            "headers": {k: v for k, v in headers.items() if k.startswith("webhook-")},
            "body": body.decode("utf-8", "replace"),
        }
        hook = hooks.get(self.path)
        try:
            if hook is None:
                raise ValueError("no secret for this path")
            payload = hook.verify(body, headers)
        except Exception as e:  # noqa: BLE001 - any failure is a refusal
            log({**entry, "verified": False, "error": str(e), "answer": 400})
            self.answer(400)
            return
        entry.update(verified=True, type=payload.get("type"))
        key = f"{self.path}:{payload.get('type')}"
        with lock:
            first = key not in seen
            seen.add(key)
        if first and key in fail_first:
            log({**entry, "answer": 500})
            self.answer(500)
            return
        if first and key in hold_first:
            log({**entry, "answer": "held"})
            deadline = time.monotonic() + 60
            while not os.path.exists(args.release) and time.monotonic() < deadline:
                time.sleep(0.02)
            self.answer(200)
            return
        log({**entry, "answer": 200})
        self.answer(200)


ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
