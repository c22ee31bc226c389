#!/usr/bin/env python3
"""Submits claims through the real wizard over HTTP, as passengers do, and records each one the
server acknowledged (the redirect to /claims/FC-…) as a JSON line {"ref", "t"} (t: Unix time,
seconds) in --out, flushed at once. Used by the kill -9 replication test, and as a load script:

    python3 tests/load/submit_claims.py --base http://127.0.0.1:8000 --seconds 30 --workers 2

Each claim: a new visitor (cookie jar), steps 1–8 without JavaScript (with --upload, a small
PDF of its own as the boarding pass), a unique passenger and e-mail (a claim per flight, date and passenger; an e-mail already known must sign in first).
Stops after --seconds or --claims, or when the server goes away. Loopback only; stdlib only.
"""

import argparse
import http.cookiejar
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


class Visitor:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )
        self.token = None

    def request(self, path, fields=None):
        data = None
        if fields is not None:
            data = urllib.parse.urlencode([("csrf_token", self.token)] + fields).encode()
        req = urllib.request.Request(self.base + path, data=data)
        try:
            with self.opener.open(req, timeout=30) as res:
                return res.status, res.read().decode("utf-8", "replace"), res.headers.get("Location")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), e.headers.get("Location")

    def upload(self, path, kind, name, data):
        boundary = "----fc" + str(time.time_ns())
        parts = []
        for key, value in (("csrf_token", self.token), ("kind", kind), ("passenger", "0")):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     f'Content-Type: application/pdf\r\n\r\n'.encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        # As the real form does: the token also in the action URL, checked before the body.
        url = self.base + path + "?csrf_token=" + urllib.parse.quote(self.token, safe="")
        req = urllib.request.Request(url, data=b"".join(parts), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with self.opener.open(req, timeout=30) as res:
                status = res.status
        except urllib.error.HTTPError as e:
            status = e.code
        if status != 303:
            raise RuntimeError(f"{path}: upload answered {status}")

    def step(self, path, fields, expect):
        status, body, location = self.request(path, fields)
        if status != 303 or not (location or "").startswith(expect):
            raise RuntimeError(f"{path}: {status} {location} {body[:300]!r}")
        return location


def tiny_pdf(text):
    """A small valid PDF whose bytes (and so its hash) are unique to `text`."""
    return (b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
            b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
            b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n"
            b"% " + text.encode() + b"\ntrailer <</Root 1 0 R>>\n%%EOF\n")


def one_claim(base, n, tag, with_upload=False):
    v = Visitor(base)
    status, _, location = v.request("/claims/new?lang=en")
    if status != 303:
        raise RuntimeError(f"/claims/new: {status}")
    _, page, _ = v.request(location)
    v.token = CSRF.search(page).group(1)
    last = f"Stream{tag}{n}"
    v.step("/claims/new/flights", [
        ("action", "next"), ("legs[0].flight", "af 006"), ("legs[0].date", "2025-05-14"),
        ("legs[0].from", "CDG"), ("legs[0].to", "JFK"),
        ("legs[0].dep_time", "10:30"), ("legs[0].arr_time", "12:55"),
    ], "/claims/new/disruption")
    v.request("/claims/new/disruption", [("step", "what"), ("action", "next"), ("what", "delay")])
    v.step("/claims/new/disruption", [
        ("step", "details"), ("action", "next"), ("delay_h", "4"), ("delay_m", "0"),
        ("reason", "technical"),
    ], "/claims/new/result")
    v.step("/claims/new/result", [], "/claims/new/passengers")
    v.step("/claims/new/passengers", [
        ("action", "next"), ("booking_ref", "K7QX2M"), ("email", f"stream.{tag}.{n}@example.com"),
        ("passengers[0].first_name", "Lea"), ("passengers[0].last_name", last),
    ], "/claims/new/documents")
    if with_upload:
        v.upload("/claims/new/documents", "boarding_pass", f"boarding-{n}.pdf",
                 tiny_pdf(f"boarding pass {tag} {n}"))
    v.step("/claims/new/documents/seen", [], "/claims/new/mandate")
    v.step("/claims/new/mandate", [
        ("signers[0].position", "0"), ("signers[0].name", f"Lea {last}"),
        ("signers[0].consent", "true"),
    ], "/claims/new/payout")
    v.step("/claims/new/payout", [
        ("iban", "FR76 3000 6000 0112 3456 7890 189"), ("holder", f"Lea {last}"),
    ], "/claims/new/review")
    location = v.step("/claims/new/review", [], "/claims/FC-")
    return location.rsplit("/", 1)[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--out", default="-")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--upload", action="store_true", help="attach a small PDF to each claim")
    args = ap.parse_args()
    host = urllib.parse.urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("loopback addresses only")
    out = sys.stdout if args.out == "-" else open(args.out, "a", encoding="utf-8")
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds
    counter = iter(range(args.claims))
    started = time.monotonic()
    done = []
    errors = []

    def worker(w):
        tag = f"{int(time.time() * 1000) % 10**8}x{w}"
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            try:
                ref = one_claim(args.base, n, tag, args.upload)
            except (OSError, RuntimeError) as e:  # server gone (kill -9) or refused
                errors.append(str(e))
                return
            with lock:
                out.write(json.dumps({"ref": ref, "t": time.time()}) + "\n")
                out.flush()
                done.append(ref)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    print(f"{len(done)} claims in {elapsed:.1f} s ({len(done) / elapsed:.1f}/s); "
          f"stopped by: {errors[0] if errors else 'time or count'}", file=sys.stderr)


if __name__ == "__main__":
    main()
