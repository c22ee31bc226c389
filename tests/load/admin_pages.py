#!/usr/bin/env python3
"""Admin pages at scale: p50/p95 latency of every dashboard page with N demo claims.

Builds a fresh data directory with `flightclaim demo-data --claims N`, creates a staff account,
starts `flightclaim serve` on 127.0.0.1, signs in through the real login form (CSRF included),
then requests each page ROUNDS times, one at a time over one keep-alive connection, and prints
the first (cold: the dashboard's one-minute aggregate cache is empty) request's time and the
p50/p95/max of the rest in milliseconds. A page that answers 404 (not built yet) is skipped.

    python3 tests/load/admin_pages.py [--binary target/debug/flightclaim] [--claims 100000]
        [--rounds 200] [--port 18733] [--data-dir DIR (reuse an existing demo database)]

Only talks to 127.0.0.1. Standard library only.
"""

import argparse
import http.client
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

EMAIL = "bench-admin@example.com"
PASSWORD = "benchmark admin passphrase 2026"
PAGES = [
    "/admin",
    "/admin/analytics",
    "/admin/analytics?from=2025-06-01&to=2026-06-01",
    "/admin/users",
    "/admin/users?q=martin",
    "/admin/users?q=zzzz-no-match",
    "/admin/emails",
    "/admin/emails?status=failed",
    "/admin/audit",
    "/admin/audit?action=claim.status",
    "/admin/system",
    "/admin/airlines",
    "/admin/airlines/AF",
    "/admin/airlines/BA",
    "/admin/invoices",
    "/admin/invoices?year=2026",
    "/admin/claims",
    "/admin/claims?status=submitted",
    "/admin/claims?status=sent_to_airline&sort=oldest",
    "/admin/claims?deadline=passed",
    "/admin/claims?deadline=passed&sort=oldest",
    "/admin/claims?limitation_within=90",
    "/admin/claims?status=sent_to_airline&days_in_status=42&sort=oldest",
    "/admin/claims?documents_waiting=7&sort=oldest",
    "/admin/claims?airline=AF&disruption=delay",
    "/admin/claims?assignee=nobody",
    "/admin/claims?q=martin",
    "/admin/claims?q=FC-",
    "/admin/claims?q=FC-7",
    "/admin/claims?q=mar",
    "/admin/claims?q=zzzz-no-match",
    "/admin/claims?min_amount=200&max_amount=700",
    "/admin/claims?min_amount=200&max_amount=700&sort=amount",
    "/admin/claims?date_field=flight&from=2024-01-01&to=2027-01-01",
    "/admin/claims?date_field=created&from=2024-01-01&to=2027-01-01&sort=oldest",
    "/admin/claims/{REF}",
    "/admin/users/{USER}",
]


def run(cmd, env, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, env=env, check=True, **kw)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stops at the sign-in's 303, so /admin is first requested by the measurement."""

    def redirect_request(self, *args, **kwargs):
        return None


def login(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    html = opener.open(base + "/admin/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "email": EMAIL, "password": PASSWORD, "next": "/admin"}
    ).encode()
    try:
        opener.open(base + "/admin/login", body).read()
    except urllib.error.HTTPError as e:  # the 303 after a successful sign-in
        if e.code != 303:
            raise
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "fc_staff" not in cookies:
        sys.exit("sign-in failed: no staff cookie")
    return cookies


def measure(port, cookies, path, rounds):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    first = None
    status = None
    for i in range(rounds + 3):
        start = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookies, "Accept-Language": "fr"})
        resp = conn.getresponse()
        resp.read()
        elapsed = (time.perf_counter() - start) * 1000
        status = resp.status
        if status == 404:
            return status, None
        if first is None:
            first = elapsed
        if i >= 3:  # the first requests warm caches and connections
            times.append(elapsed)
    conn.close()
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return status, (first, pick(0.50), pick(0.95), times[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/debug/flightclaim")
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--port", type=int, default=18733)
    ap.add_argument("--data-dir")
    args = ap.parse_args()

    data = args.data_dir or tempfile.mkdtemp(prefix="fc-bench-")
    env = dict(os.environ, FLIGHTCLAIM_DATA_DIR=data, FLIGHTCLAIM_PORT=str(args.port),
               FLIGHTCLAIM_BASE_URL=f"http://127.0.0.1:{args.port}",
               FLIGHTCLAIM_RATE_LIMIT_AUTH="600/min", FLIGHTCLAIM_LOG="warn")
    if not os.path.exists(os.path.join(data, "flightclaim.sqlite3")):
        t = time.time()
        run([args.binary, "demo-data", "--claims", str(args.claims)], env)
        print(f"demo-data took {time.time() - t:.1f} s", file=sys.stderr)
    pw = os.path.join(data, "bench-password")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    run([args.binary, "create-admin", "--email", EMAIL, "--password-file", pw], env,
        stdout=subprocess.DEVNULL)
    server = subprocess.Popen([args.binary, "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        cookies = login(base)
        # A claim and a passenger of the demo data, for the detail pages.
        import sqlite3
        db = sqlite3.connect(os.path.join(data, "flightclaim.sqlite3"))
        ref, user = db.execute("SELECT ref, user_id FROM claims ORDER BY id DESC LIMIT 1").fetchone()
        db.close()
        print(f"{'page':<50} {'status':>6} {'first':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for path in PAGES:
            path = path.replace("{REF}", ref).replace("{USER}", str(user))
            status, stats = measure(args.port, cookies, path, args.rounds)
            if stats is None:
                print(f"{path:<50} {status:>6}  skipped (not built)")
                continue
            cold, p50, p95, worst = stats
            flag = "" if p95 < 100 else "  <-- over 100 ms"
            print(f"{path:<50} {status:>6} {cold:>8.1f} {p50:>8.1f} {p95:>8.1f} {worst:>8.1f}{flag}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)  # graceful shutdown lets in-flight work finish
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if not args.data_dir:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
