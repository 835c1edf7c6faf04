#!/usr/bin/env python3
"""Throughput of the HTTP API at N concurrent clients over loopback:
signups/s, then conversions/s of those referrals. Against a running
`vouch serve` (VOUCH_HTTP_LISTEN), with a key and a referral code whose
program has no cap (`vouch program set customer cap=none`):

    scripts/bench-api.py http://127.0.0.1:8080 vk_… CODE [clients] [per_client]

Each client keeps one HTTP/1.1 connection open. Prints one JSON line."""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def run(base, key, code, clients, per_client):
    url = urllib.parse.urlparse(base)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    stamp = int(time.time())
    made = [[] for _ in range(clients)]
    failures = []

    def phase(work):
        threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.monotonic() - started

    def signups(i):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        for n in range(per_client):
            body = json.dumps({"code": code, "email": f"b{stamp}c{i}n{n}@bench.example"})
            conn.request("POST", "/api/v1/signups", body, headers)
            reply = conn.getresponse()
            data = json.loads(reply.read())
            if reply.status == 201:
                made[i].append(data["id"])
            else:
                failures.append(data)

    def conversions(i):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        for referral in made[i]:
            body = json.dumps({"referral": referral, "value": 100})
            conn.request("POST", "/api/v1/conversions", body, {**headers, "Idempotency-Key": f"{referral}-{stamp}"})
            reply = conn.getresponse()
            data = json.loads(reply.read())
            if reply.status != 201:
                failures.append(data)

    signup_secs = phase(signups)
    count = sum(len(m) for m in made)
    convert_secs = phase(conversions)
    print(json.dumps({
        "clients": clients,
        "signups": count,
        "signups_per_sec": round(count / signup_secs, 1),
        "conversions_per_sec": round(count / convert_secs, 1),
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
    }))


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    run(args[0], args[1], args[2], int(args[3]) if len(args) > 3 else 64, int(args[4]) if len(args) > 4 else 20)
